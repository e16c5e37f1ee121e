/* The per-worker web watch: each request is decoded and scanned once per
 * field, and its source's counters updated in a keyed open-addressing
 * table. Sources that probe get a detail record (signatures hit, user
 * agents, vhosts), bounded by the config's caps; what a cap refuses is
 * counted. Strings that must outlive the input line go to the watch's
 * arena. */
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/util.h"
#include "web/web_watch.h"

#define EXAMPLE_MAX 240   /* bytes of an example request kept */
#define AGENT_MAX 200
#define VHOST_MAX 100
#define FOUND_MAX 32      /* distinct signatures one request can report */

void web_config_defaults(struct web_config *c)
{
	memset(c, 0, sizeof(*c));
	c->max_sources = 200000;
	c->max_hits_per_source = 64;
	c->max_agents_per_source = 8;
	c->max_vhosts_per_source = 8;
	c->max_hit_records = 1000000; /* with examples, about 300 MB at most */
	c->burst_requests = 100;
}

struct web_watch *web_new(const struct web_config *cfg)
{
	struct web_watch *w = xcalloc(1, sizeof(*w));
	w->cfg = *cfg;
	w->sigs = cfg->sigs;
	arena_init(&w->arena);
	w->cap = 1024;
	w->tab = xcalloc(w->cap, sizeof(*w->tab));
	w->hcache[WEB_SCAN_UA] = xcalloc(WEB_HCACHE_SLOTS, sizeof(struct web_hcache_slot));
	w->hcache[WEB_SCAN_REFERRER] = xcalloc(WEB_HCACHE_SLOTS, sizeof(struct web_hcache_slot));
	return w;
}

static void free_detail(struct web_src *s)
{
	if (!s->d)
		return;
	free(s->hits);
	s->hits = NULL;
	free(s->d->hit_sig_more);
	free(s->d);
	s->d = NULL;
}

static void clear_table(struct web_watch *w)
{
	for (size_t i = 0; i < w->cap; i++)
		if (w->tab[i].used)
			free_detail(&w->tab[i]);
}

void web_free(struct web_watch *w)
{
	if (!w)
		return;
	clear_table(w);
	free(w->tab);
	for (int i = 0; i < WEB_SCAN_COUNT; i++)
		free(w->hcache[i]);
	arena_fini(&w->arena);
	free(w);
}

size_t web_memory(const struct web_watch *w)
{
	size_t m = sizeof(*w) + w->cap * sizeof(*w->tab);
	for (size_t i = 0; i < w->cap; i++)
		if (w->tab[i].used && w->tab[i].d)
			m += sizeof(*w->tab[i].d) + w->tab[i].cap_hits * sizeof(struct web_src_hit);
	return m;
}

/* ---- the source table ---------------------------------------------------- */

static uint64_t key_hash(const struct ip_addr *k)
{
	return hash_bytes(k->b, sizeof(k->b));
}

static void grow(struct web_watch *w)
{
	size_t ncap = w->cap * 2;
	struct web_src *nt = xcalloc(ncap, sizeof(*nt));
	for (size_t i = 0; i < w->cap; i++) {
		if (!w->tab[i].used)
			continue;
		size_t j = w->tab[i].hash & (ncap - 1);
		while (nt[j].used)
			j = (j + 1) & (ncap - 1);
		nt[j] = w->tab[i];
	}
	free(w->tab);
	w->tab = nt;
	w->cap = ncap;
	w->last = NULL;
}

/* The source's slot (key hashed to h), created if new; NULL when the cap
 * refuses it. */
static struct web_src *lookup_h(struct web_watch *w, const struct ip_addr *key, uint64_t h,
				int create)
{
	if (w->last && memcmp(&w->last->key, key, sizeof(*key)) == 0)
		return w->last;
	size_t j = h & (w->cap - 1);
	while (w->tab[j].used) {
		if (w->tab[j].hash == h && memcmp(&w->tab[j].key, key, sizeof(*key)) == 0)
			return w->last = &w->tab[j];
		j = (j + 1) & (w->cap - 1);
	}
	if (!create || w->n >= w->cfg.max_sources)
		return NULL;
	if ((w->n + 1) * 2 > w->cap) {
		grow(w);
		return lookup_h(w, key, h, create);
	}
	struct web_src *s = &w->tab[j];
	memset(s, 0, sizeof(*s));
	s->used = 1;
	s->hash = h;
	s->key = *key;
	w->n++;
	return w->last = s;
}

static struct web_src *lookup(struct web_watch *w, const struct ip_addr *key, int create)
{
	return lookup_h(w, key, key_hash(key), create);
}

/* Sources logged by name (HostnameLookups On) get a key no client address
 * can have: ff00::/8 is multicast. */
static void name_key(const char *name, size_t len, struct ip_addr *k)
{
	memset(k, 0, sizeof(*k));
	k->b[0] = 0xff;
	k->b[1] = 'n';
	uint64_t a = hash_bytes(name, len);
	uint64_t b = hash_bytes(name, len) ^ (uint64_t)len * 0x9e3779b97f4a7c15ull;
	memcpy(k->b + 2, &a, 8);
	memcpy(k->b + 10, &b, 6);
}

/* ---- matching one request ------------------------------------------------ */

struct scan_ctx {
	struct web_watch *w;
	enum web_scan scan;
	const char *text;
	size_t len, path_len;
	int method;          /* scanning the method: only "any" signatures */
	struct sig_list *sink; /* headers: hits go here first (for the cache) */
};

struct sig_list {
	uint32_t sig[FOUND_MAX];
	unsigned n;
};

static void sig_list_add(struct sig_list *l, uint32_t sig)
{
	for (unsigned i = 0; i < l->n; i++)
		if (l->sig[i] == sig)
			return;
	if (l->n < FOUND_MAX)
		l->sig[l->n++] = sig;
}

static int anchored(const struct web_signature *g, size_t start, size_t end, size_t f0, size_t f1)
{
	if (start < f0 || end > f1)
		return 0;
	switch (g->anchor) {
	case WEB_ANCHOR_START:
		return start == f0;
	case WEB_ANCHOR_END:
		return end == f1;
	case WEB_ANCHOR_EXACT:
		return start == f0 && end == f1;
	default:
		return 1;
	}
}

static void found_add(struct web_watch *w, uint32_t sig, int in_target)
{
	for (size_t i = 0; i < w->n_found; i++) {
		if (w->found[i].sig == sig) {
			w->found[i].in_target |= (uint8_t)in_target;
			return;
		}
	}
	if (w->n_found < FOUND_MAX) {
		w->found[w->n_found].sig = sig;
		w->found[w->n_found].in_target = (uint8_t)in_target;
		w->n_found++;
	}
}

static void on_hit(void *arg, uint32_t pattern, size_t end)
{
	struct scan_ctx *c = arg;
	const struct web_sigset *set = c->w->sigs;
	uint32_t si = set->pat_sig[c->scan][pattern];
	const struct web_signature *g = &set->sigs[si];
	size_t start = end - g->pattern_len;
	size_t f0 = 0, f1 = c->len;
	if (c->scan == WEB_SCAN_TARGET && !c->method) {
		if (g->field == WEB_FIELD_PATH) {
			f1 = c->path_len;
		} else if (g->field == WEB_FIELD_QUERY) {
			if (c->path_len >= c->len)
				return;
			f0 = c->path_len + 1;
		}
	} else if (c->method && g->field != WEB_FIELD_ANY) {
		return;
	}
	if (!anchored(g, start, end, f0, f1))
		return;
	if (c->sink)
		sig_list_add(c->sink, si);
	else
		found_add(c->w, si, c->scan == WEB_SCAN_TARGET && !c->method);
}

static void scan_field(struct web_watch *w, enum web_scan sc, const char *s, size_t len,
		       size_t path_len, int method, struct sig_list *sink)
{
	struct scan_ctx c = {w, sc, s, len, path_len, method, sink};
	ac_scan(&w->sigs->ac[sc], s, len, on_hit, &c);
}

/* A quick hash for the header cache: not keyed, since a collision only
 * costs a scan. Eight bytes at a time, multiply and fold. */
static uint64_t quick_hash(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t v;
		memcpy(&v, s + i, 8);
		h = (h ^ v) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	uint64_t v = 0;
	memcpy(&v, s + i, len - i);
	h = (h ^ v) * 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 29);
}

static void scan_header_uncached(struct web_watch *w, enum web_scan sc, struct slice v,
				 struct sig_list *sink)
{
	if (!memchr(v.ptr, '%', v.len)) {
		/* scanned as logged: the automaton folds case */
		scan_field(w, sc, v.ptr, v.len, v.len, 0, sink);
		return;
	}
	web_decode_header(v.ptr, v.len, &w->dec);
	w->decode_truncated += (uint64_t)w->dec.truncated;
	scan_field(w, sc, w->dec.buf, w->dec.len, w->dec.len, 0, sink);
}

static void scan_header(struct web_watch *w, enum web_scan sc, struct slice v)
{
	if (!v.len || (v.len == 1 && v.ptr[0] == '-'))
		return;
	struct sig_list got = {.n = 0};
	if (v.len > WEB_HCACHE_TEXT) {
		scan_header_uncached(w, sc, v, &got);
		for (unsigned i = 0; i < got.n; i++)
			found_add(w, got.sig[i], 0);
		return;
	}
	struct web_hcache_slot *c =
		&w->hcache[sc][quick_hash(v.ptr, v.len) & (WEB_HCACHE_SLOTS - 1)];
	if (c->len == v.len && memcmp(c->text, v.ptr, v.len) == 0) {
		w->hcache_hits++;
		for (unsigned i = 0; i < c->n_sigs; i++)
			found_add(w, c->sigs[i], 0);
		return;
	}
	scan_header_uncached(w, sc, v, &got);
	for (unsigned i = 0; i < got.n; i++)
		found_add(w, got.sig[i], 0);
	if (got.n > WEB_HCACHE_SIGS)
		return;
	c->len = (uint16_t)v.len;
	memcpy(c->text, v.ptr, v.len);
	c->n_sigs = (uint8_t)got.n;
	memcpy(c->sigs, got.sig, got.n * sizeof(got.sig[0]));
}

static int common_method(struct slice m)
{
	return (m.len == 3 && memcmp(m.ptr, "GET", 3) == 0) ||
	       (m.len == 4 && (memcmp(m.ptr, "POST", 4) == 0 || memcmp(m.ptr, "HEAD", 4) == 0));
}

static void match_request(struct web_watch *w, const struct event_http *h)
{
	w->n_found = 0;
	if (h->target.len) {
		web_decode_target(h->target.ptr, h->target.len, &w->dec);
		w->decode_truncated += (uint64_t)w->dec.truncated;
		scan_field(w, WEB_SCAN_TARGET, w->dec.buf, w->dec.len, w->dec.path_len, 0, NULL);
	}
	if (h->method.len && !common_method(h->method))
		scan_field(w, WEB_SCAN_TARGET, h->method.ptr, h->method.len, h->method.len, 1, NULL);
	scan_header(w, WEB_SCAN_UA, h->user_agent);
	scan_header(w, WEB_SCAN_REFERRER, h->referrer);
}

/* ---- accounting ---------------------------------------------------------- */

/* Is (t, unit, line) earlier than what s holds? Time decides when both
 * have one; else the origin (units are numbered in input order). */
int web_earlier(int64_t t, uint32_t unit, uint64_t line, int64_t t0, uint32_t unit0,
		uint64_t line0)
{
	if (t != t0 && t && t0)
		return t < t0;
	if (unit != unit0)
		return unit < unit0;
	return line < line0;
}

static char *keep(struct web_watch *w, struct slice v, size_t max)
{
	size_t n = v.len < max ? v.len : max;
	return arena_strndup(&w->arena, v.ptr, n);
}

/* Make v (cut at EXAMPLE_MAX) the hit's example. An earlier request
 * replaces the example; its bytes are reused when they suffice, else the
 * full size is taken once, so input out of time order cannot make the
 * arena grow by a copy per line. */
static void set_example(struct web_watch *w, struct web_src_hit *x, const char *s, size_t len)
{
	size_t n = len < EXAMPLE_MAX ? len : EXAMPLE_MAX;
	if (!x->example || n > x->example_cap) {
		size_t cap = x->example ? EXAMPLE_MAX : n;
		x->example = arena_alloc(&w->arena, cap + 1);
		x->example_cap = (uint16_t)cap;
	}
	memcpy(x->example, s, n);
	x->example[n] = '\0';
}

/* Add v to a bounded list of distinct strings. */
static void list_add(struct web_watch *w, char **list, uint16_t *lens, uint8_t *n, size_t cap,
		     uint64_t *dropped, struct slice v, size_t max)
{
	if (!v.len || (v.len == 1 && v.ptr[0] == '-'))
		return;
	size_t cmp = v.len < max ? v.len : max;
	for (unsigned i = 0; i < *n; i++)
		if (lens[i] == cmp && memcmp(list[i], v.ptr, cmp) == 0)
			return;
	if (*n >= cap || *n >= WEB_LIST_MAX) {
		(*dropped)++;
		return;
	}
	lens[*n] = (uint16_t)cmp;
	list[(*n)++] = keep(w, v, max);
}

/* The index of the source's record for sig, made if new; -1 when the
 * cap refuses it (counted). */
static long hit_index(struct web_watch *w, struct web_src *s, uint32_t sig)
{
	size_t n = s->n_hits, k = n < WEB_HITS_INLINE ? n : WEB_HITS_INLINE;
	for (size_t i = 0; i < k; i++)
		if (s->hit_sig[i] == sig)
			return (long)i;
	for (size_t i = k; i < n; i++)
		if (s->d->hit_sig_more[i - WEB_HITS_INLINE] == sig)
			return (long)i;
	if (n >= w->cfg.max_hits_per_source || n >= WEB_HITS_MAX ||
	    w->hit_records >= w->cfg.max_hit_records) {
		s->d->hits_dropped++;
		return -1;
	}
	if (n == s->cap_hits) {
		size_t cap = s->cap_hits;
		s->hits = xgrow(s->hits, &cap, n + 1, sizeof(*s->hits));
		s->cap_hits = (uint16_t)(cap < WEB_HITS_MAX ? cap : WEB_HITS_MAX);
		if (s->cap_hits > WEB_HITS_INLINE)
			s->d->hit_sig_more = xrealloc(s->d->hit_sig_more,
						      (s->cap_hits - WEB_HITS_INLINE) *
							      sizeof(*s->d->hit_sig_more));
	}
	if (n < WEB_HITS_INLINE)
		s->hit_sig[n] = (uint16_t)sig;
	else
		s->d->hit_sig_more[n - WEB_HITS_INLINE] = (uint16_t)sig;
	struct web_src_hit *x = &s->hits[n];
	memset(x, 0, sizeof(*x));
	x->sig = sig;
	s->n_hits++;
	w->hit_records++;
	return (long)n;
}

static struct web_src_hit *hit_slot(struct web_watch *w, struct web_src *s, uint32_t sig)
{
	long i = hit_index(w, s, sig);
	return i < 0 ? NULL : &s->hits[i];
}

static void count_status(uint32_t *c, unsigned status)
{
	if (status >= 200 && status <= 599)
		c[status / 100 - 2]++;
}

static void account_hits(struct web_watch *w, struct web_src *s, const struct event *ev)
{
	const struct event_http *h = ev->http;
	int64_t t = (ev->flags & EVENT_HAS_TIME) ? ev->time_ns : 0;
	if (!s->d)
		s->d = xcalloc(1, sizeof(*s->d));
	s->probes++;
	count_status(s->status, h->status);
	int alert = 0;
	/* first find (or make) every record and fetch them together, so a
	 * request with several hits waits for memory once */
	long idx[FOUND_MAX];
	for (size_t i = 0; i < w->n_found; i++) {
		idx[i] = hit_index(w, s, w->found[i].sig);
		if (idx[i] >= 0)
			__builtin_prefetch(&s->hits[idx[i]], 1);
	}
	for (size_t i = 0; i < w->n_found; i++) {
		const struct web_signature *g = &w->sigs->sigs[w->found[i].sig];
		if (g->severity > s->max_sev)
			s->max_sev = g->severity;
		if (g->cls == WEB_CLASS_SCANNER)
			s->scanner_ua = 1;
		if (w->found[i].in_target && g->severity >= WEB_SEV_WARNING && h->status >= 200 &&
		    h->status < 300)
			alert = 1;
		if (idx[i] < 0)
			continue;
		struct web_src_hit *x = &s->hits[idx[i]];
		if (x->count == 0 || web_earlier(t, ev->unit, ev->line, x->first_ns, x->first_unit,
						 x->first_line)) {
			x->first_ns = t;
			x->first_unit = ev->unit;
			x->first_line = ev->line;
			x->example_status = h->status;
			struct slice ex = h->request.len ? h->request : h->target;
			set_example(w, x, ex.ptr, ex.len);
		}
		if (t > x->last_ns)
			x->last_ns = t;
		x->count++;
		count_status(x->status, h->status);
	}
	if (alert)
		s->alerts++;
	list_add(w, s->d->agents, s->d->agent_len, &s->d->n_agents, w->cfg.max_agents_per_source,
		 &s->d->agents_dropped, h->user_agent, AGENT_MAX);
	list_add(w, s->d->vhosts, s->d->vhost_len, &s->d->n_vhosts, w->cfg.max_vhosts_per_source,
		 &s->d->vhosts_dropped, h->vhost, VHOST_MAX);
}

void web_add(struct web_watch *w, const struct event *ev)
{
	const struct event_http *h = ev->http;
	if (!h || !w->sigs || !w->sigs->compiled)
		return;
	w->requests++;
	struct ip_addr key;
	int by_name = 0;
	if (ev->flags & EVENT_HAS_SRC) {
		key = ev->src;
	} else if (h->client.len) {
		name_key(h->client.ptr, h->client.len, &key);
		by_name = 1;
	} else {
		memset(&key, 0, sizeof(key));
	}
	/* the source's slot is fetched while the request is matched */
	uint64_t kh = key_hash(&key);
	__builtin_prefetch(&w->tab[kh & (w->cap - 1)]);
	match_request(w, h);
	if (w->n_found)
		w->probe_requests++;
	struct web_src *s = lookup_h(w, &key, kh, 1);
	if (!s) {
		w->requests_dropped++;
		if (w->n_found)
			w->probes_dropped++;
		return;
	}
	int64_t t = (ev->flags & EVENT_HAS_TIME) ? ev->time_ns : 0;
	if (s->requests == 0) {
		if (by_name)
			s->client = keep(w, h->client, 255);
		s->first_ns = s->last_ns = t;
		s->first_unit = ev->unit;
		s->first_line = ev->line;
	} else if (web_earlier(t, ev->unit, ev->line, s->first_ns, s->first_unit, s->first_line)) {
		s->first_ns = t;
		s->first_unit = ev->unit;
		s->first_line = ev->line;
	}
	if (t > s->last_ns)
		s->last_ns = t;
	s->requests++;
	if (w->n_found)
		account_hits(w, s, ev);
}

/* ---- merging ------------------------------------------------------------- */

static char *copy_str(struct web_watch *w, const char *s)
{
	return s ? arena_strndup(&w->arena, s, strlen(s)) : NULL;
}

static void merge_list(struct web_watch *w, char **into, uint16_t *lens, uint8_t *n, size_t cap,
		       uint64_t *dropped, char **from, uint8_t nf, uint64_t from_dropped)
{
	*dropped += from_dropped;
	for (unsigned i = 0; i < nf; i++) {
		struct slice v = {from[i], (uint32_t)strlen(from[i])};
		list_add(w, into, lens, n, cap, dropped, v, 1u << 30);
	}
}

static void merge_hit(struct web_watch *w, struct web_src *s, const struct web_src_hit *f)
{
	struct web_src_hit *x = hit_slot(w, s, f->sig);
	if (!x) {
		s->d->hits_dropped += f->count - 1; /* hit_slot counted one */
		return;
	}
	if (x->count == 0 ||
	    web_earlier(f->first_ns, f->first_unit, f->first_line, x->first_ns, x->first_unit,
			x->first_line)) {
		x->first_ns = f->first_ns;
		x->first_unit = f->first_unit;
		x->first_line = f->first_line;
		x->example_status = f->example_status;
		if (f->example)
			set_example(w, x, f->example, strlen(f->example));
	}
	if (f->last_ns > x->last_ns)
		x->last_ns = f->last_ns;
	x->count += f->count;
	for (int i = 0; i < 4; i++)
		x->status[i] += f->status[i];
}

static void merge_src(struct web_watch *w, const struct web_src *f)
{
	struct web_src *s = lookup(w, &f->key, 1);
	if (!s) {
		w->requests_dropped += f->requests;
		w->probes_dropped += f->probes;
		return;
	}
	if (s->requests == 0) {
		s->client = copy_str(w, f->client);
		s->first_ns = f->first_ns;
		s->last_ns = f->last_ns;
		s->first_unit = f->first_unit;
		s->first_line = f->first_line;
	} else if (web_earlier(f->first_ns, f->first_unit, f->first_line, s->first_ns,
			       s->first_unit, s->first_line)) {
		s->first_ns = f->first_ns;
		s->first_unit = f->first_unit;
		s->first_line = f->first_line;
	}
	if (f->last_ns > s->last_ns)
		s->last_ns = f->last_ns;
	s->requests += f->requests;
	s->probes += f->probes;
	s->alerts += f->alerts;
	for (int i = 0; i < 4; i++)
		s->status[i] += f->status[i];
	if (f->max_sev > s->max_sev)
		s->max_sev = f->max_sev;
	s->scanner_ua |= f->scanner_ua;
	if (!f->d)
		return;
	if (!s->d)
		s->d = xcalloc(1, sizeof(*s->d));
	s->d->hits_dropped += f->d->hits_dropped;
	for (size_t i = 0; i < f->n_hits; i++)
		merge_hit(w, s, &f->hits[i]);
	merge_list(w, s->d->agents, s->d->agent_len, &s->d->n_agents,
		   w->cfg.max_agents_per_source, &s->d->agents_dropped, f->d->agents,
		   f->d->n_agents, f->d->agents_dropped);
	merge_list(w, s->d->vhosts, s->d->vhost_len, &s->d->n_vhosts,
		   w->cfg.max_vhosts_per_source, &s->d->vhosts_dropped, f->d->vhosts,
		   f->d->n_vhosts, f->d->vhosts_dropped);
}

void web_merge(struct web_watch *into, struct web_watch *from)
{
	if (!from || into == from)
		return;
	for (size_t i = 0; i < from->cap; i++)
		if (from->tab[i].used)
			merge_src(into, &from->tab[i]);
	into->requests += from->requests;
	into->probe_requests += from->probe_requests;
	into->requests_dropped += from->requests_dropped;
	into->probes_dropped += from->probes_dropped;
	into->decode_truncated += from->decode_truncated;
	clear_table(from);
	memset(from->tab, 0, from->cap * sizeof(*from->tab));
	from->n = 0;
	from->hit_records = 0;
	from->last = NULL;
	from->requests = from->probe_requests = 0;
	from->requests_dropped = from->probes_dropped = from->decode_truncated = 0;
	arena_fini(&from->arena);
	arena_init(&from->arena);
}
