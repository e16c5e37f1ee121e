/* The second-level tables of geo_tables.h, built after the merge. Every
 * distinct source is looked up once: its country feeds the per-country
 * totals and, folded with the (source, port) pairs the stats keep for
 * distinct counts anyway, the countries per port and ports per country,
 * at no cost per event. The (port, target) and (day, port) counters give
 * the per-host port tables, the monthly series and the trend. */
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/timeconv.h"
#include "stats/geo_tables.h"
#include "stats/stats_internal.h"

#define CC_COUNT (26 * 26 + 1)
#define CC_UNKNOWN (26 * 26)

struct tables_impl {
	struct summary_tables pub; /* first: the public pointer is this struct's */
	struct arena arena;
};

void tables_options_defaults(struct tables_options *o)
{
	memset(o, 0, sizeof(*o));
	o->top_series = 10;
	o->top_trend = 20;
}

static uint16_t cc_index(const char *cc)
{
	unsigned a = (unsigned char)cc[0], b = a ? (unsigned char)cc[1] : 0;
	if (a >= 'a' && a <= 'z')
		a -= 'a' - 'A';
	if (b >= 'a' && b <= 'z')
		b -= 'a' - 'A';
	if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z' || cc[2] != '\0')
		return CC_UNKNOWN;
	return (uint16_t)((a - 'A') * 26 + (b - 'A'));
}

static void cc_text(uint16_t idx, char out[3])
{
	if (idx >= CC_UNKNOWN) {
		memcpy(out, TABLES_CC_UNKNOWN, 3);
		return;
	}
	out[0] = (char)('A' + idx / 26);
	out[1] = (char)('A' + idx % 26);
	out[2] = '\0';
}

static uint16_t lookup_cc(const struct tables_geo *geo, const struct ip_addr *a)
{
	char cc[3];
	if (!geo || !geo->country || geo->country(geo->ctx, a, cc) != 0)
		return CC_UNKNOWN;
	return cc_index(cc);
}

static uint32_t port_key_of(const struct stats *s, uint32_t pid)
{
	return ((const struct port_ent *)ktable_entry(&s->ports, pid))->key;
}

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;
}

/* ---- countries ------------------------------------------------------------ */

struct cc_acc {
	uint64_t events, sources;
};

/* (country, port) with a count: sources for the country folds, events
 * for the target folds (cc then holds the target row). */
struct fold {
	uint32_t cc;
	uint32_t pkey;
	uint64_t count;
};

static int fold_by_cc(const void *pa, const void *pb)
{
	const struct fold *a = pa, *b = pb;
	if (a->cc != b->cc)
		return a->cc < b->cc ? -1 : 1;
	int c = cmp_u64_desc(a->count, b->count);
	return c ? c : (a->pkey > b->pkey) - (a->pkey < b->pkey);
}

static int fold_by_port(const void *pa, const void *pb)
{
	const struct fold *a = pa, *b = pb;
	if (a->pkey != b->pkey)
		return a->pkey < b->pkey ? -1 : 1;
	int c = cmp_u64_desc(a->count, b->count);
	return c ? c : (a->cc > b->cc) - (a->cc < b->cc);
}

/* Max-heap under fold_by_cc: the root is the worst fold kept. */
static void fold_heap_down(struct fold *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && fold_by_cc(&h[l], &h[m]) > 0)
			m = l;
		if (r < n && fold_by_cc(&h[r], &h[m]) > 0)
			m = r;
		if (m == i)
			return;
		struct fold t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* Sources per (country, port) from the (source, port) pairs. */
static struct fold *fold_pairs(const struct stats *s, const uint16_t *ccs, size_t *n_out)
{
	struct ktable t;
	size_t cap = s->sp.n + 1;
	ktable_init(&t, sizeof(uint64_t), sizeof(struct cnt_ent), cap > 0xfffffff0u ? 0xfffffff0u : cap);
	for (size_t i = 0; s->sp.slots && i <= s->sp.mask; i++) {
		uint64_t k = s->sp.slots[i];
		if (k == 0)
			continue;
		uint32_t sid = (uint32_t)(k >> 32) - 1, pid = (uint32_t)k;
		uint64_t key = (uint64_t)ccs[sid] << 32 | pid;
		int added;
		/* The port's tag is keyed SipHash output already: mixing the
		 * country into it is as unpredictable as hashing the key, and a
		 * SipHash per pair was most of this loop (1.3 M pairs here). */
		uint32_t id = ktable_lookup(&t, &key, sizeof(key),
					    pair_hash(ccs[sid], s->ports.tags[pid]), 1, &added);
		if (id != KT_NONE)
			((struct cnt_ent *)ktable_entry(&t, id))->events++;
	}
	struct fold *f = xcalloc((size_t)t.n + 1, sizeof(*f));
	for (uint32_t i = 0; i < t.n; i++) {
		const struct cnt_ent *e = ktable_entry(&t, i);
		f[i].cc = (uint32_t)(e->key >> 32);
		f[i].pkey = port_key_of(s, (uint32_t)e->key);
		f[i].count = e->events;
	}
	*n_out = t.n;
	ktable_fini(&t);
	return f;
}

static int country_cmp(const void *pa, const void *pb)
{
	const struct tables_country *a = pa, *b = pb;
	int c = cmp_u64_desc(a->events, b->events);
	return c ? c : strcmp(a->cc, b->cc);
}

static void fill_countries(struct summary_tables *t, const struct stats *s, const struct cc_acc *acc,
			   struct fold *f, size_t nf, size_t top)
{
	uint64_t total = 0;
	size_t n = 0;
	for (size_t i = 0; i < CC_COUNT; i++) {
		total += acc[i].events;
		n += acc[i].sources || acc[i].events;
	}
	t->countries = xcalloc(n + 1, sizeof(*t->countries));
	size_t k = 0;
	for (uint16_t i = 0; i < CC_COUNT; i++) {
		if (!acc[i].sources && !acc[i].events)
			continue;
		struct tables_country *c = &t->countries[k++];
		cc_text(i, c->cc);
		c->events = acc[i].events;
		c->sources = acc[i].sources;
		c->share = total ? (double)acc[i].events / (double)total : 0.0;
	}
	/* Top ports: f sorted by country, then count. */
	qsort(f, nf, sizeof(*f), fold_by_cc);
	for (size_t i = 0, j; i < nf; i = j) {
		for (j = i; j < nf && f[j].cc == f[i].cc; j++)
			;
		char cc[3];
		cc_text((uint16_t)f[i].cc, cc);
		for (size_t c = 0; c < k; c++) {
			if (strcmp(t->countries[c].cc, cc) != 0)
				continue;
			struct tables_country *row = &t->countries[c];
			for (size_t x = i; x < j && row->n_top < TABLES_TOP_PORTS; x++) {
				struct tables_port_count *pc = &row->top[row->n_top++];
				pc->proto = (uint8_t)(f[x].pkey >> 16);
				pc->port = (uint16_t)f[x].pkey;
				pc->count = f[x].count;
			}
			break;
		}
	}
	qsort(t->countries, k, sizeof(*t->countries), country_cmp);
	t->n_countries = top && top < k ? top : k;
	(void)s;
}

static void fill_ports(struct summary_tables *t, const struct summary *sum, struct fold *f, size_t nf)
{
	qsort(f, nf, sizeof(*f), fold_by_port);
	t->n_ports = sum->n_ports_rows;
	/* (rows straddle pages, and countries_total is counted into) */
	t->ports = xcalloc_written(t->n_ports + 1, sizeof(*t->ports));
	for (size_t i = 0; i < t->n_ports; i++) {
		const struct summary_port *sp = &sum->ports[i];
		struct tables_port *row = &t->ports[i];
		row->proto = sp->proto;
		row->port = sp->port;
		row->events = sp->events;
		row->svc = sp->svc;
		uint32_t pkey = (uint32_t)sp->proto << 16 | sp->port;
		/* First fold of this port: binary search on the sorted keys. */
		size_t lo = 0, hi = nf;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (f[mid].pkey < pkey)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t x = lo; x < nf && f[x].pkey == pkey; x++) {
			row->countries_total++;
			if (row->n_countries < TABLES_PORT_COUNTRIES) {
				struct tables_cc_count *c = &row->countries[row->n_countries++];
				cc_text((uint16_t)f[x].cc, c->cc);
				c->sources = f[x].count;
			}
		}
	}
}

/* Without a country database every source is unknown: the folds are the
 * ports' own source counts, no pass over the pairs needed. */
static struct fold *fold_unknown(const struct stats *s, struct cc_acc *acc, size_t *n_out)
{
	struct fold *f = xcalloc((size_t)s->ports.n + 1, sizeof(*f));
	size_t n = 0;
	for (uint32_t i = 0; i < s->ports.n; i++) {
		const struct port_ent *p = ktable_entry(&s->ports, i);
		if (!p->sources)
			continue;
		f[n].cc = CC_UNKNOWN;
		f[n].pkey = p->key;
		f[n].count = p->sources;
		n++;
	}
	for (uint32_t i = 0; i < s->src.n; i++)
		acc[CC_UNKNOWN].events += src_events(s, i);
	acc[CC_UNKNOWN].sources = s->src.n;
	*n_out = n;
	return f;
}

static void build_geo(struct summary_tables *t, const struct stats *s, const struct summary *sum,
		      const struct tables_geo *geo, const struct tables_options *opt)
{
	struct cc_acc *acc = xcalloc(CC_COUNT, sizeof(*acc));
	if (!geo || !geo->country) {
		size_t nf;
		struct fold *f = fold_unknown(s, acc, &nf);
		fill_countries(t, s, acc, f, nf, opt->top_countries);
		fill_ports(t, sum, f, nf);
		free(f);
		free(acc);
		return;
	}
	uint16_t *ccs = xmalloc(((size_t)s->src.n + 1) * sizeof(*ccs));
	for (uint32_t i = 0; i < s->src.n; i++) {
		const struct src_ent *e = ktable_entry(&s->src, i);
		ccs[i] = lookup_cc(geo, &e->addr);
		acc[ccs[i]].events += src_events(s, i);
		acc[ccs[i]].sources++;
	}
	size_t nf;
	struct fold *f = fold_pairs(s, ccs, &nf);
	free(ccs);
	fill_countries(t, s, acc, f, nf, opt->top_countries);
	fill_ports(t, sum, f, nf);
	free(f);
	free(acc);
}

/* ---- targets: their ports -------------------------------------------------- */

struct addr_row {
	struct ip_addr addr;
	uint32_t row;
};

static int addr_row_cmp(const void *pa, const void *pb)
{
	const struct addr_row *a = pa, *b = pb;
	return addr_cmp(&a->addr, &b->addr);
}

static void fill_targets(struct summary_tables *t, const struct stats *s, const struct summary *sum)
{
	size_t n = sum->n_targets_rows;
	t->n_targets = n;
	t->targets = xcalloc(n + 1, sizeof(*t->targets));
	struct addr_row *idx = xcalloc(n + 1, sizeof(*idx));
	for (size_t i = 0; i < n; i++) {
		t->targets[i].addr = sum->targets[i].addr;
		t->targets[i].events = sum->targets[i].events;
		idx[i].addr = sum->targets[i].addr;
		idx[i].row = (uint32_t)i;
	}
	qsort(idx, n, sizeof(*idx), addr_row_cmp);
	/* Per target row the best TABLES_TARGET_PORTS (port, events) by
	 * events, then port: a bounded heap per row (root: the worst kept),
	 * so the (port, target) pairs (millions on a big log) are never
	 * copied and sorted whole. A target's pairs have distinct ports, so
	 * the order is total and the kept rows are those a full sort gives. */
	struct fold *heap = xcalloc(n * TABLES_TARGET_PORTS + 1, sizeof(*heap));
	for (size_t i = 0; s->pt.slots && i <= s->pt.mask; i++) {
		uint64_t k = s->pt.slots[i];
		if (k == 0)
			continue;
		uint32_t pid = (uint32_t)(k >> 32) - 1, did = (uint32_t)k;
		struct addr_row key = {.addr = ((const struct dst_ent *)ktable_entry(&s->dst, did))->addr};
		const struct addr_row *hit = n ? bsearch(&key, idx, n, sizeof(*idx), addr_row_cmp) : NULL;
		if (!hit)
			continue;
		struct tables_target *row = &t->targets[hit->row];
		struct fold x = {hit->row, port_key_of(s, pid), s->pt.vals[i]};
		struct fold *h = &heap[(size_t)hit->row * TABLES_TARGET_PORTS];
		size_t m = row->ports_total < TABLES_TARGET_PORTS ? (size_t)row->ports_total
								     : TABLES_TARGET_PORTS;
		row->ports_total++;
		if (m < TABLES_TARGET_PORTS) {
			h[m] = x;
			if (m + 1 == TABLES_TARGET_PORTS)
				for (size_t j = TABLES_TARGET_PORTS / 2; j-- > 0;)
					fold_heap_down(h, TABLES_TARGET_PORTS, j);
		} else if (fold_by_cc(&x, &h[0]) < 0) {
			h[0] = x;
			fold_heap_down(h, TABLES_TARGET_PORTS, 0);
		}
	}
	for (size_t r = 0; r < n; r++) {
		struct tables_target *row = &t->targets[r];
		struct fold *h = &heap[r * TABLES_TARGET_PORTS];
		size_t m = row->ports_total < TABLES_TARGET_PORTS ? (size_t)row->ports_total
								     : TABLES_TARGET_PORTS;
		qsort(h, m, sizeof(*h), fold_by_cc);
		for (size_t i = 0; i < m; i++) {
			struct tables_port_count *pc = &row->ports[row->n_ports++];
			pc->proto = (uint8_t)(h[i].pkey >> 16);
			pc->port = (uint16_t)h[i].pkey;
			pc->count = h[i].count;
		}
	}
	free(heap);
	free(idx);
}

/* ---- markers ------------------------------------------------------------- */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "(YYYY-MM-DD)" at p (11 or 12 chars): the date as yyyymmdd, or 0. */
static int64_t paren_date(const char *p)
{
	if (p[0] != '(')
		return 0;
	for (int i = 1; i <= 10; i++) {
		if (i == 5 || i == 8) {
			if (p[i] != '-')
				return 0;
		} else if (!is_digit(p[i])) {
			return 0;
		}
	}
	if (p[11] != ')')
		return 0;
	int64_t y = (p[1] - '0') * 1000 + (p[2] - '0') * 100 + (p[3] - '0') * 10 + (p[4] - '0');
	int64_t m = (p[6] - '0') * 10 + (p[7] - '0');
	int64_t d = (p[9] - '0') * 10 + (p[10] - '0');
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	return y * 10000 + m * 100 + d;
}

size_t tables_note_markers(const char *note, struct tables_marker *out, size_t max)
{
	size_t n = 0;
	if (!note)
		return 0;
	size_t len = strlen(note);
	for (size_t i = 0; i + 12 <= len && n < max; i++) {
		if (note[i] != '(' || i < 2 || note[i - 1] != ' ')
			continue;
		int64_t day = paren_date(note + i);
		if (!day)
			continue;
		/* The label: the word before " (". */
		size_t end = i - 1, start = end;
		while (start > 0 && note[start - 1] != ' ' && note[start - 1] != ',' &&
		       note[start - 1] != ';' && note[start - 1] != '(')
			start--;
		if (start == end)
			continue;
		size_t l = end - start;
		if (l >= sizeof(out[n].label))
			l = sizeof(out[n].label) - 1;
		memcpy(out[n].label, note + start, l);
		out[n].label[l] = '\0';
		out[n].day = day;
		n++;
	}
	return n;
}

/* ---- months (named ports) and the trend (every port's window) ----------- */

static int64_t ymd_of(int64_t day)
{
	int y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	return (int64_t)y * 10000 + m * 100 + d;
}

struct port_total {
	uint32_t pid;
	uint32_t pkey;
	uint64_t events;
};

static int port_total_cmp(const void *pa, const void *pb)
{
	const struct port_total *a = pa, *b = pb;
	int c = cmp_u64_desc(a->events, b->events);
	return c ? c : (a->pkey > b->pkey) - (a->pkey < b->pkey);
}

/* yyyymm of a month key (year * 12 + month - 1). */
static int64_t yyyymm(uint32_t month)
{
	return (int64_t)(month / 12) * 100 + month % 12 + 1;
}

static void fill_series(struct summary_tables *t, const struct stats *s, const struct summary *sum,
			const struct catalog *cat, struct tables_impl *impl, size_t top)
{
	t->n_months = sum->n_months;
	t->months = xcalloc(t->n_months + 1, sizeof(*t->months));
	for (size_t i = 0; i < t->n_months; i++)
		t->months[i] = sum->months[i].key;
	size_t np = s->ports.n;
	struct port_total *pt = xcalloc(np + 1, sizeof(*pt));
	for (uint32_t i = 0; i < np; i++) {
		pt[i].pid = i;
		pt[i].pkey = port_key_of(s, i);
	}
	for (uint32_t i = 0; i < s->mp.n; i++) {
		const struct cnt_ent *e = ktable_entry(&s->mp, i);
		pt[(uint32_t)e->key].events += e->events;
	}
	qsort(pt, np, sizeof(*pt), port_total_cmp);
	size_t ns = 0;
	while (ns < np && ns < top && pt[ns].events)
		ns++;
	int32_t *slot = xmalloc((np + 1) * sizeof(*slot));
	for (size_t i = 0; i < np; i++)
		slot[i] = -1;
	t->series = xcalloc(ns + 1, sizeof(*t->series));
	t->n_series = ns;
	for (size_t i = 0; i < ns; i++) {
		struct tables_series *se = &t->series[i];
		se->proto = (uint8_t)(pt[i].pkey >> 16);
		se->port = (uint16_t)pt[i].pkey;
		se->svc = catalog_lookup(cat, se->proto, se->port);
		se->events = pt[i].events;
		se->per_month = arena_alloc(&impl->arena, (t->n_months + 1) * sizeof(uint64_t));
		memset(se->per_month, 0, (t->n_months + 1) * sizeof(uint64_t));
		if (se->svc) {
			struct tables_marker m[8];
			se->n_markers = tables_note_markers(se->svc->note, m, 8);
			se->markers = arena_alloc(&impl->arena, (se->n_markers + 1) * sizeof(*m));
			memcpy(se->markers, m, se->n_markers * sizeof(*m));
		}
		slot[pt[i].pid] = (int32_t)i;
	}
	for (uint32_t i = 0; i < s->mp.n && ns; i++) {
		const struct cnt_ent *e = ktable_entry(&s->mp, i);
		int32_t k = slot[(uint32_t)e->key];
		if (k < 0)
			continue;
		int64_t month = yyyymm((uint32_t)(e->key >> 32) - 1);
		size_t lo = 0, hi = t->n_months;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (t->months[mid] < month)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < t->n_months && t->months[lo] == month)
			t->series[k].per_month[lo] += e->events;
	}
	free(slot);
	free(pt);
}

static int trend_cmp(const void *pa, const void *pb)
{
	const struct tables_trend *a = pa, *b = pb;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	int c = cmp_u64_desc(a->last, b->last);
	if (c)
		return c;
	uint32_t ka = (uint32_t)a->proto << 16 | a->port, kb = (uint32_t)b->proto << 16 | b->port;
	return (ka > kb) - (ka < kb);
}

static void fill_trend(struct summary_tables *t, const struct stats *s, const struct catalog *cat,
		       size_t top)
{
	if (s->days.n == 0)
		return;
	int64_t last_day = INT64_MIN, first_day = INT64_MAX;
	for (uint32_t i = 0; i < s->days.n; i++) {
		int64_t d = ((const struct day_ent *)ktable_entry(&s->days, i))->day;
		if (d > last_day)
			last_day = d;
		if (d < first_day)
			first_day = d;
	}
	t->trend_day = ymd_of(last_day);
	int64_t hist = last_day - first_day;
	if (hist > TABLES_TREND_DAYS)
		hist = TABLES_TREND_DAYS;
	if (hist <= 0)
		return; /* one day of data: nothing to compare with */
	size_t np = s->ports.n < s->trend_cap ? s->ports.n : s->trend_cap;
	struct tables_trend *tr = xcalloc(np + 1, sizeof(*tr));
	size_t n = 0;
	for (uint32_t pid = 0; pid < np; pid++) {
		const struct port_trend *w = &s->trend[pid];
		if (w->last_day != last_day)
			continue; /* no event on the trend day */
		uint64_t last = w->cnt[(uint64_t)last_day % TREND_DAYS], base = 0;
		/* The window holds the TREND_DAYS - 1 >= TABLES_TREND_DAYS days before. */
		for (int64_t d = last_day - TABLES_TREND_DAYS; d < last_day; d++)
			base += w->cnt[(uint64_t)d % TREND_DAYS];
		int seen = w->first_day < last_day;
		double b = (double)base / (double)hist;
		double score = ((double)last + 1.0) / (b + 1.0);
		if (!last || (seen && score <= 1.0))
			continue;
		uint32_t pkey = port_key_of(s, pid);
		tr[n].proto = (uint8_t)(pkey >> 16);
		tr[n].port = (uint16_t)pkey;
		tr[n].svc = catalog_lookup(cat, tr[n].proto, tr[n].port);
		tr[n].last = last;
		tr[n].baseline = b;
		tr[n].score = score;
		tr[n].is_new = !seen;
		n++;
	}
	qsort(tr, n, sizeof(*tr), trend_cmp);
	t->trend = tr;
	t->n_trend = top && top < n ? top : n;
}

/* ---- sources ------------------------------------------------------------- */

static void fill_sources(struct summary_tables *t, const struct summary *sum,
			 const struct tables_geo *geo, struct tables_impl *impl)
{
	t->n_sources = sum->n_sources_rows;
	t->sources = xcalloc(t->n_sources + 1, sizeof(*t->sources));
	for (size_t i = 0; i < t->n_sources; i++) {
		struct tables_source *row = &t->sources[i];
		cc_text(lookup_cc(geo, &sum->sources[i].addr), row->cc);
		uint32_t asn = 0;
		const char *org = NULL;
		if (geo && geo->asn && geo->asn(geo->ctx, &sum->sources[i].addr, &asn, &org) == 0) {
			row->asn = asn;
			if (org)
				row->org = arena_strndup(&impl->arena, org, strlen(org));
		}
	}
}

struct summary_tables *stats_tables(const struct stats *cs, const struct summary *sum,
				    const struct tables_geo *geo, const struct tables_options *opt)
{
	struct stats *s = (struct stats *)cs; /* pending events are flushed, nothing else changes */
	stats_flush(s);
	struct tables_options defaults;
	if (!opt) {
		tables_options_defaults(&defaults);
		opt = &defaults;
	}
	struct tables_impl *impl = xcalloc(1, sizeof(*impl));
	arena_init(&impl->arena);
	struct summary_tables *t = &impl->pub;
	if (geo) {
		t->have_country = geo->country != NULL;
		t->have_asn = geo->asn != NULL;
		t->country_source = geo->country_source;
		t->asn_source = geo->asn_source;
	}
	build_geo(t, s, sum, geo, opt);
	fill_targets(t, s, sum);
	fill_series(t, s, sum, s->cfg.catalog, impl, opt->top_series);
	fill_trend(t, s, s->cfg.catalog, opt->top_trend);
	fill_sources(t, sum, geo, impl);
	t->target_ports_dropped = 0; /* (port, target) counts ride on the pairs */
	t->day_ports_dropped = s->mp_dropped;
	t->pairs_incomplete = s->pairs_dropped;
	return t;
}

void tables_free(struct summary_tables *t)
{
	if (!t)
		return;
	struct tables_impl *impl = (struct tables_impl *)t;
	free(t->countries);
	free(t->ports);
	free(t->targets);
	free(t->sources);
	for (size_t i = 0; i < t->n_sensors; i++)
		free(t->sensors[i].name);
	free(t->sensors);
	free(t->months);
	free(t->series);
	free(t->trend);
	arena_fini(&impl->arena);
	free(impl);
}

const char *tables_label_name(unsigned label)
{
	switch (label) {
	case TABLES_LABEL_BURST: return "burst";
	case TABLES_LABEL_SLOW: return "slow";
	default: return NULL;
	}
}
