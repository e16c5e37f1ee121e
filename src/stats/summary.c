/* Turning the hash tables of struct stats into the sorted tables of struct
 * summary. Every order is total (ties broken by address, port, text), so
 * the output never depends on hash order, the hash key or the split of
 * the input across threads. */
#include <stdlib.h>
#include <string.h>

#include "core/timeconv.h"
#include "stats/stats_internal.h"

/* The summary and everything it points to, freed in one go. */
struct summary_impl {
	struct summary pub; /* first: the public pointer is this struct's */
	struct arena arena;
};

static int64_t time_or_zero(int64_t t, int64_t none)
{
	return t == none ? 0 : t;
}

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;
}

/* ---- sources and targets: top N by events, then address ---------------- */

struct rank {
	uint64_t events;
	struct ip_addr addr;
	uint32_t id;
};

static int rank_cmp(const void *pa, const void *pb)
{
	const struct rank *a = pa, *b = pb;
	int c = cmp_u64_desc(a->events, b->events);
	return c ? c : addr_cmp(&a->addr, &b->addr);
}

/* Heap whose root is the worst of the kept rows (largest by rank_cmp). */
static void heap_down(struct rank *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && rank_cmp(&h[l], &h[m]) > 0)
			m = l;
		if (r < n && rank_cmp(&h[r], &h[m]) > 0)
			m = r;
		if (m == i)
			return;
		struct rank t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* The best top_n rows (all if top_n is 0 or >= n), fed one at a time: a
 * bounded heap, O(n log top_n), and the rows beyond the top are never
 * stored (a million sources would take 32 MB at the peak of the run, for
 * a top 20). */
struct rank_stream {
	struct rank *r;
	size_t n, cap;  /* rows held; cap = top_n, or all rows */
	int heap;       /* r[0..cap) is a heap */
};

static void rank_stream_init(struct rank_stream *st, size_t n, size_t top_n)
{
	st->cap = top_n == 0 || top_n >= n ? n : top_n;
	st->r = xmalloc((st->cap + 1) * sizeof(*st->r));
	st->n = 0;
	st->heap = 0;
}

static void rank_stream_add(struct rank_stream *st, const struct rank *x)
{
	if (st->n < st->cap) {
		st->r[st->n++] = *x;
		return;
	}
	if (!st->heap) {
		for (size_t i = st->cap / 2; i-- > 0;)
			heap_down(st->r, st->cap, i);
		st->heap = 1;
	}
	if (st->cap && rank_cmp(x, &st->r[0]) < 0) {
		st->r[0] = *x;
		heap_down(st->r, st->cap, 0);
	}
}

/* The kept rows, sorted. */
static size_t rank_stream_end(struct rank_stream *st)
{
	qsort(st->r, st->n, sizeof(*st->r), rank_cmp);
	return st->n;
}

static void fill_sources(struct summary *sum, const struct stats *s, size_t top_n)
{
	size_t n = s->src.n;
	struct rank_stream st;
	rank_stream_init(&st, n, top_n);
	for (uint32_t i = 0; i < n; i++) {
		const struct src_ent *e = ktable_entry(&s->src, i);
		struct rank x = {src_events(s, i), e->addr, i};
		rank_stream_add(&st, &x);
	}
	struct rank *r = st.r;
	size_t k = rank_stream_end(&st);
	sum->sources = xcalloc(k + 1, sizeof(*sum->sources));
	for (size_t i = 0; i < k; i++) {
		const struct src_ent *e = ktable_entry(&s->src, r[i].id);
		struct summary_source *o = &sum->sources[i];
		o->addr = e->addr;
		o->events = r[i].events;
		o->first_ns = time_or_zero(e->first, STATS_NO_FIRST);
		o->last_ns = time_or_zero(e->last, STATS_NO_LAST);
		o->ports = e->ports;
		o->targets = e->targets;
		src_actions(s, r[i].id, o->by_action);
	}
	sum->n_sources_rows = k;
	free(r);
}

static void fill_targets(struct summary *sum, const struct stats *s, size_t top_n)
{
	size_t n = s->dst.n;
	struct rank_stream st;
	rank_stream_init(&st, n, top_n);
	for (uint32_t i = 0; i < n; i++) {
		const struct dst_ent *e = ktable_entry(&s->dst, i);
		struct rank x = {e->events, e->addr, i};
		rank_stream_add(&st, &x);
	}
	struct rank *r = st.r;
	size_t k = rank_stream_end(&st);
	sum->targets = xcalloc(k + 1, sizeof(*sum->targets));
	for (size_t i = 0; i < k; i++) {
		const struct dst_ent *e = ktable_entry(&s->dst, r[i].id);
		struct summary_target *o = &sum->targets[i];
		o->addr = e->addr;
		o->events = e->events;
		o->sources = e->sources;
		o->ports = e->ports;
		o->first_ns = time_or_zero(e->first, STATS_NO_FIRST);
		o->last_ns = time_or_zero(e->last, STATS_NO_LAST);
	}
	sum->n_targets_rows = k;
	free(r);
}

/* ---- ports --------------------------------------------------------------- */

static int port_cmp(const void *pa, const void *pb)
{
	const struct summary_port *a = pa, *b = pb;
	int c = cmp_u64_desc(a->events, b->events);
	if (c)
		return c;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	return (a->port > b->port) - (a->port < b->port);
}

static void fill_ports(struct summary *sum, const struct stats *s)
{
	size_t n = s->ports.n;
	sum->ports = xcalloc(n + 1, sizeof(*sum->ports));
	for (uint32_t i = 0; i < n; i++) {
		const struct port_ent *e = ktable_entry(&s->ports, i);
		struct summary_port *o = &sum->ports[i];
		o->proto = (uint8_t)(e->key >> 16);
		o->port = (uint16_t)e->key;
		o->events = e->events;
		o->sources = e->sources;
		o->targets = e->targets;
		o->svc = catalog_lookup(s->cfg.catalog, o->proto, o->port);
	}
	qsort(sum->ports, n, sizeof(*sum->ports), port_cmp);
	sum->n_ports_rows = n;
}

/* ---- days and months ------------------------------------------------------ */

static int day_cmp(const void *pa, const void *pb)
{
	const struct day_ent *a = pa, *b = pb;
	return (a->day > b->day) - (a->day < b->day);
}

static void fill_days(struct summary *sum, const struct stats *s)
{
	size_t n = s->days.n;
	struct day_ent *d = xmalloc((n + 1) * sizeof(*d));
	if (n)
		memcpy(d, s->days.ent, n * sizeof(*d));
	qsort(d, n, sizeof(*d), day_cmp);
	sum->days = xcalloc(n + 1, sizeof(*sum->days));
	sum->months = xcalloc(n + 1, sizeof(*sum->months));
	size_t nm = 0;
	for (size_t i = 0; i < n; i++) {
		int y;
		unsigned m, dd;
		civil_from_days(d[i].day, &y, &m, &dd);
		int64_t month = (int64_t)y * 100 + m;
		sum->days[i].key = month * 100 + dd;
		sum->days[i].events = d[i].events;
		/* Days are in order, so a month's days are adjacent. */
		if (nm == 0 || sum->months[nm - 1].key != month) {
			sum->months[nm].key = month;
			sum->months[nm].events = 0;
			nm++;
		}
		sum->months[nm - 1].events += d[i].events;
	}
	sum->n_days = n;
	sum->n_months = nm;
	free(d);
}

/* ---- prefixes ------------------------------------------------------------- */

static int prefix_cmp(const void *pa, const void *pb)
{
	const struct summary_prefix *a = pa, *b = pb;
	int c = cmp_u64_desc(a->events, b->events);
	if (c)
		return c;
	c = strcmp(a->text, b->text);
	if (c)
		return c;
	return (a->action > b->action) - (a->action < b->action);
}

static void fill_prefixes(struct summary_impl *impl, const struct stats *s)
{
	struct summary *sum = &impl->pub;
	const struct prefix_table *p = &s->pfx;
	sum->prefixes = xcalloc((size_t)p->n + 2, sizeof(*sum->prefixes));
	for (uint32_t i = 0; i < p->n; i++) {
		struct summary_prefix *o = &sum->prefixes[i];
		o->text = arena_strndup(&impl->arena, p->ents[i].text, p->ents[i].len);
		o->action = p->ents[i].action;
		o->events = p->ents[i].events;
	}
	qsort(sum->prefixes, p->n, sizeof(*sum->prefixes), prefix_cmp);
	size_t n = p->n;
	if (p->other_events) {
		/* What the cap of PREFIX_CAP distinct prefixes refused, last. */
		sum->prefixes[n].text = "(other prefixes)";
		sum->prefixes[n].action = EVENT_ACTION_UNKNOWN;
		sum->prefixes[n].events = p->other_events;
		n++;
	}
	sum->n_prefixes = n;
}

/* ---- ALERT / WARNING groups ----------------------------------------------- */

/* Groups are sorted as (first time, id) pairs and copied out in order
 * afterwards: a million groups then cost 16 bytes each while sorting,
 * not a copy of every row (and qsort's scratch copy of it) beside the
 * output. Ties on the time, common with second-resolution stamps, are
 * broken from the entries themselves. */
struct group_order {
	int64_t order; /* first time, STATS_NO_FIRST when untimed: those sort last */
	uint32_t id;
};

static int group_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct group_order *a = pa, *b = pb;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	const struct ktable *groups = ctx;
	const struct group_key *ka = &((const struct group_ent *)ktable_entry(groups, a->id))->k;
	const struct group_key *kb = &((const struct group_ent *)ktable_entry(groups, b->id))->k;
	int c = addr_cmp(&ka->src, &kb->src);
	if (c)
		return c;
	if (ka->port != kb->port)
		return ka->port < kb->port ? -1 : 1;
	if (ka->proto != kb->proto)
		return ka->proto < kb->proto ? -1 : 1;
	return addr_cmp(&ka->dst, &kb->dst);
}

/* Heap of group_order whose root is the last of the kept rows in report
 * order (as heap_down for the source ranks). */
static void group_heap_down(struct group_order *h, size_t n, size_t i, void *ctx)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && group_cmp(&h[l], &h[m], ctx) > 0)
			m = l;
		if (r < n && group_cmp(&h[r], &h[m], ctx) > 0)
			m = r;
		if (m == i)
			return;
		struct group_order t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* The groups of class cls in report order: the first limit of them (all
 * if limit is 0) in *rows, their number in *count. */
static struct summary_group *group_list(const struct stats *s, uint8_t cls, size_t limit,
					size_t *count, size_t *rows)
{
	size_t n = 0;
	for (uint32_t i = 0; i < s->groups.n; i++)
		n += ((const struct group_ent *)ktable_entry(&s->groups, i))->k.cls == cls;
	size_t kept = limit && limit < n ? limit : n;
	/* Only the kept rows are stored: the heap of group_select, fed one
	 * row at a time in the same order (a million groups would take 16 MB
	 * at the peak of the run, for a list of 1,000). */
	struct group_order *ord = xmalloc((kept + 1) * sizeof(*ord));
	void *ctx = (void *)&s->groups;
	size_t k = 0;
	for (uint32_t i = 0; i < s->groups.n; i++) {
		const struct group_ent *e = ktable_entry(&s->groups, i);
		if (e->k.cls != cls)
			continue;
		struct group_order x = {.order = e->first, .id = i};
		if (k < kept) {
			ord[k++] = x;
			if (k == kept && kept < n)
				for (size_t j = kept / 2; j-- > 0;)
					group_heap_down(ord, kept, j, ctx);
		} else if (kept && group_cmp(&x, &ord[0], ctx) < 0) {
			ord[0] = x;
			group_heap_down(ord, kept, 0, ctx);
		}
	}
	qsort_r(ord, kept, sizeof(*ord), group_cmp, ctx);
	struct summary_group *out = xcalloc(kept + 1, sizeof(*out));
	for (size_t i = 0; i < kept; i++) {
		const struct group_ent *e = ktable_entry(&s->groups, ord[i].id);
		struct summary_group *g = &out[i];
		g->cls = cls;
		g->proto = e->k.proto;
		g->port = e->k.port;
		g->src = e->k.src;
		g->dst = e->k.dst;
		g->svc = catalog_lookup(s->cfg.catalog, e->k.proto, e->k.port);
		g->events = e->events;
		g->first_ns = time_or_zero(e->first, STATS_NO_FIRST);
		g->last_ns = time_or_zero(e->last, STATS_NO_LAST);
		g->first_unit = e->unit;
		g->first_line = e->line;
	}
	free(ord);
	*count = n;
	*rows = kept;
	return out;
}

/* ---- the summary ----------------------------------------------------------- */

struct summary *stats_summarise(const struct stats *cs, size_t top_n)
{
	return stats_summarise_lists(cs, top_n, 0);
}

struct summary *stats_summarise_lists(const struct stats *cs, size_t top_n, size_t list_limit)
{
	/* Logically const: pending events are folded in first. Every stats is
	 * made by stats_new(), never defined const, so this cast is sound. */
	struct stats *s = (struct stats *)cs;
	stats_flush(s);
	struct summary_impl *impl = xcalloc(1, sizeof(*impl));
	arena_init(&impl->arena);
	struct summary *sum = &impl->pub;

	sum->events = s->events;
	sum->records = s->records;
	sum->first_ns = time_or_zero(s->first, STATS_NO_FIRST);
	sum->last_ns = time_or_zero(s->last, STATS_NO_LAST);
	sum->n_sources = s->src.n;
	sum->n_targets = s->dst.n;
	sum->n_ports = s->ports.n;
	memcpy(sum->by_action, s->by_action, sizeof(sum->by_action));
	memcpy(sum->by_proto, s->by_proto, sizeof(sum->by_proto));
	memcpy(sum->hours, s->hours, sizeof(sum->hours));
	memcpy(sum->weekdays, s->weekdays, sizeof(sum->weekdays));

	fill_ports(sum, s);
	fill_sources(sum, s, top_n);
	fill_targets(sum, s, top_n);
	fill_days(sum, s);
	fill_prefixes(impl, s);
	sum->alerts = group_list(s, SERVICE_ALERT, list_limit, &sum->n_alerts, &sum->n_alert_rows);
	sum->warnings = group_list(s, SERVICE_WARNING, list_limit, &sum->n_warnings,
				   &sum->n_warning_rows);

	sum->sources_dropped = s->sources_dropped;
	sum->targets_dropped = s->targets_dropped;
	sum->pairs_dropped = s->pairs_dropped;
	sum->groups_dropped = s->groups_dropped;
	size_t mem = stats_memory(s);
	sum->memory_bytes = s->peak > mem ? s->peak : mem;
	return sum;
}

void summary_free(struct summary *sum)
{
	if (!sum)
		return;
	struct summary_impl *impl = (struct summary_impl *)sum;
	free(sum->ports);
	free(sum->sources);
	free(sum->targets);
	free(sum->months);
	free(sum->days);
	free(sum->prefixes);
	free(sum->alerts);
	free(sum->warnings);
	arena_fini(&impl->arena);
	free(impl);
}
