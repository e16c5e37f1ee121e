/* Counting events: the per-event path (stats_add), merging per-thread
 * stats, and memory accounting. The layout is in stats_internal.h and
 * table.h. Costs per distinct key, with the hash slots 3/8 to 3/4 full
 * (dense entry arrays are address space reserved up to the cap and take
 * memory only as they fill, see table.c):
 *
 *   source   64-byte entry + 4-byte tag + an 8-byte slot at 3/8..3/4
 *            load (11-21 bytes): 79-89 bytes
 *   target   48-byte entry + tag + slot: 63-73 bytes
 *   pair     an 8-byte key in a slot at 3/8..3/4 load: 11-21 bytes;
 *            (port, target) pairs carry an 8-byte event count: 21-43
 *   group    72-byte entry + tag + slot: 87-97 bytes
 *   port     24-byte entry + a 144-byte trend window (geo_tables.h)
 *   (month, catalog port)  16-byte counter + tag + slot
 *
 * A scanner usually brings 1-3 pairs of each kind besides itself, so a
 * million sources cost ~150-250 MB. Measured: 1 M sources with 8.4 M
 * (source,port) pairs, 1 M (source,target) pairs and 1 M ALERT groups
 * hold 355 MB; without the groups, 254 MB.
 *
 * Per event the cost is memory latency, not arithmetic: on a million keys
 * the source slot, its entry, its (source,port) and (source,target) pairs
 * and its ALERT group are each a cache miss, and the pairs depend on the
 * source's id. The pending-event pipeline (stats_internal.h) turns these
 * into prefetches a few events ahead, so they overlap. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/timeconv.h"
#include "stats/stats_internal.h"

/* Port ids are bounded by the key space; days by the int64 nanosecond
 * range (~213,500 days): neither table needs a cap of its own. */
#define PORTS_MAX (PORT_CLASSES * 65536u)
#define DAYS_MAX (1u << 18)
/* Ids are packed into 32 bits of a pair key. */
#define ID_MAX 0xfffffff0u

void stats_config_defaults(struct stats_config *c)
{
	memset(c, 0, sizeof(*c));
	c->catalog = NULL;
	c->max_sources = 4000000;
	c->max_targets = 1000000;
	c->max_pairs = 64000000;
	c->max_groups = 1000000;
	c->max_port_counts = 2000000;
}

static size_t clamp_cap(size_t v)
{
	return v > ID_MAX ? ID_MAX : v;
}

static void stats_init_tables(struct stats *s)
{
	s->first = STATS_NO_FIRST;
	s->last = STATS_NO_LAST;
	ktable_init(&s->src, sizeof(struct ip_addr), sizeof(struct src_ent),
		    clamp_cap(s->cfg.max_sources));
	ktable_init(&s->wide, sizeof(uint32_t), sizeof(struct wide_ent),
		    clamp_cap(s->cfg.max_sources));
	ktable_init(&s->dst, sizeof(struct ip_addr), sizeof(struct dst_ent),
		    clamp_cap(s->cfg.max_targets));
	ktable_init(&s->ports, sizeof(uint32_t), sizeof(struct port_ent), PORTS_MAX);
	ktable_init(&s->days, sizeof(int64_t), sizeof(struct day_ent), DAYS_MAX);
	ktable_init(&s->groups, sizeof(struct group_key), sizeof(struct group_ent),
		    clamp_cap(s->cfg.max_groups));
	size_t pc = s->cfg.max_port_counts ? s->cfg.max_port_counts : 2000000;
	ktable_init(&s->mp, sizeof(uint64_t), sizeof(struct cnt_ent), clamp_cap(pc));
	pairset_init(&s->sp, &s->src.tags, &s->ports.tags);
	pairset_init(&s->st, &s->src.tags, &s->dst.tags);
	pairset_init_counted(&s->pt, &s->ports.tags, &s->dst.tags);
	arena_init(&s->pfx.arena);
	s->c_sid = s->c_did = s->day_last_id = KT_NONE;
}

static void stats_fini_tables(struct stats *s)
{
	ktable_fini(&s->src);
	ktable_fini(&s->wide);
	ktable_fini(&s->dst);
	ktable_fini(&s->ports);
	ktable_fini(&s->days);
	ktable_fini(&s->groups);
	ktable_fini(&s->mp);
	free(s->trend);
	pairset_fini(&s->sp);
	pairset_fini(&s->st);
	pairset_fini(&s->pt);
	free(s->port_index);
	free(s->pfx.ents);
	free(s->pfx.slots);
	arena_fini(&s->pfx.arena);
}

/* Back to empty, keeping the configuration. */
static void stats_reset(struct stats *s)
{
	struct stats_config cfg = s->cfg;
	stats_fini_tables(s);
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	stats_init_tables(s);
}

struct stats *stats_new(const struct stats_config *cfg)
{
	struct stats *s = xcalloc(1, sizeof(*s));
	if (cfg)
		s->cfg = *cfg;
	else
		stats_config_defaults(&s->cfg);
	stats_init_tables(s);
	return s;
}

void stats_free(struct stats *s)
{
	if (!s)
		return;
	stats_fini_tables(s);
	free(s);
}

size_t stats_memory(const struct stats *s)
{
	if (!s)
		return 0;
	size_t n = sizeof(*s);
	n += ktable_bytes(&s->src) + ktable_bytes(&s->wide);
	n += ktable_bytes(&s->dst) + ktable_bytes(&s->ports);
	n += ktable_bytes(&s->days) + ktable_bytes(&s->groups);
	n += ktable_bytes(&s->mp) + s->trend_cap * sizeof(struct port_trend);
	n += pairset_bytes(&s->sp) + pairset_bytes(&s->st) + pairset_bytes(&s->pt);
	if (s->port_index)
		n += (size_t)PORTS_MAX * sizeof(uint32_t);
	if (s->pfx.ents)
		n += PREFIX_CAP * sizeof(struct prefix_ent) + PREFIX_SLOTS * sizeof(uint16_t);
	n += s->pfx.arena_bytes;
	return n;
}

static inline int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b < 0) ? q - 1 : q;
}

/* The (proto, port) key of an event's destination and its slot in the
 * direct port index, or -1 if it has none: the destination port for the
 * port-carrying protocols, the type for ICMP. */
static inline int event_port_key(const struct event *ev, uint32_t *key, uint32_t *index)
{
	uint32_t cls, port;
	switch (ev->proto) {
	case IPPROTO_NUM_TCP: cls = 0; goto ports;
	case IPPROTO_NUM_UDP: cls = 1; goto ports;
	case IPPROTO_NUM_SCTP: cls = 2; goto ports;
	case IPPROTO_NUM_UDPLITE: cls = 3; goto ports;
	case 33 /* DCCP */: cls = 4; goto ports;
	case IPPROTO_NUM_ICMP: cls = 5; goto icmp;
	case IPPROTO_NUM_ICMPV6: cls = 6; goto icmp;
	default: return -1;
	}
ports:
	if (!(ev->flags & EVENT_HAS_PORTS))
		return -1;
	port = ev->dport;
	goto done;
icmp:
	if (!(ev->flags & EVENT_HAS_ICMP))
		return -1;
	port = ev->icmp_type;
done:
	*key = (uint32_t)ev->proto << 16 | port;
	*index = cls << 16 | port;
	return 0;
}

static uint32_t port_class_of(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_NUM_TCP: return 0;
	case IPPROTO_NUM_UDP: return 1;
	case IPPROTO_NUM_SCTP: return 2;
	case IPPROTO_NUM_UDPLITE: return 3;
	case 33: return 4;
	case IPPROTO_NUM_ICMP: return 5;
	default: return 6;
	}
}

/* The id of a port key, created on first sight (the only time it is
 * hashed: its tag feeds the pair hashes). */
static uint32_t port_id(struct stats *s, uint32_t pkey, uint32_t index)
{
	if (!s->port_index)
		s->port_index = xcalloc(PORTS_MAX, sizeof(uint32_t));
	uint32_t v = s->port_index[index];
	if (v)
		return v - 1;
	int added;
	uint32_t id = ktable_lookup(&s->ports, &pkey, sizeof(pkey), hash_u64(pkey), 1, &added);
	if (id == KT_NONE)
		return id;
	s->port_index[index] = id + 1;
	if (added) {
		struct port_ent *e = ktable_entry(&s->ports, id);
		e->named = catalog_lookup(s->cfg.catalog, (uint8_t)(pkey >> 16), (uint16_t)pkey) != NULL;
		size_t old = s->trend_cap;
		s->trend = xgrow(s->trend, &s->trend_cap, (size_t)id + 1, sizeof(*s->trend));
		for (size_t i = old; i < s->trend_cap; i++) {
			memset(&s->trend[i], 0, sizeof(s->trend[i]));
			s->trend[i].first_day = INT64_MAX;
			s->trend[i].last_day = INT64_MIN;
		}
	}
	return id;
}

/* ---- per-source counts ---------------------------------------------------- */

/* The wide entry of source sid, or NULL if it has none. */
static struct wide_ent *wide_find(const struct stats *s, uint32_t sid)
{
	int added;
	uint32_t id = ktable_lookup((struct ktable *)&s->wide, &sid, sizeof(sid), hash_u64(sid), 0,
				    &added);
	return id == KT_NONE ? NULL : ktable_entry(&s->wide, id);
}

/* src_count's slow path: a count would pass 32 bits, or has already. The
 * wide table has the same cap as the sources, so there is always room. */
void src_count_wide(struct stats *s, uint32_t sid, struct src_ent *e, unsigned act, uint64_t cnt)
{
	struct wide_ent *w;
	if (e->wide) {
		w = wide_find(s, sid);
	} else {
		int added;
		uint32_t id = ktable_lookup(&s->wide, &sid, sizeof(sid), hash_u64(sid), 1, &added);
		w = ktable_entry(&s->wide, id);
		for (int a = 0; a < EVENT_ACTION_COUNT; a++)
			w->by_action[a] = e->by_action[a];
		memset(e->by_action, 0, sizeof(e->by_action));
		e->wide = 1;
	}
	w->by_action[act] += cnt;
}

void src_actions(const struct stats *s, uint32_t sid, uint64_t out[EVENT_ACTION_COUNT])
{
	const struct src_ent *e = ktable_entry(&s->src, sid);
	const struct wide_ent *w = e->wide ? wide_find(s, sid) : NULL;
	for (int a = 0; a < EVENT_ACTION_COUNT; a++)
		out[a] = w ? w->by_action[a] : e->by_action[a];
}

uint64_t src_events(const struct stats *s, uint32_t sid)
{
	uint64_t c[EVENT_ACTION_COUNT], n = 0;
	src_actions(s, sid, c);
	for (int a = 0; a < EVENT_ACTION_COUNT; a++)
		n += c[a];
	return n;
}

/* ---- per-event pieces --------------------------------------------------- */

static uint32_t day_id(struct stats *s, int64_t day)
{
	if (s->day_last_id != KT_NONE && s->day_last == day)
		return s->day_last_id;
	int added;
	uint32_t id = ktable_lookup(&s->days, &day, sizeof(day), hash_u64((uint64_t)day), 1, &added);
	int y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	s->day_last = day;
	s->day_last_id = id;
	s->day_last_month = (uint32_t)((int64_t)y * 12 + (int64_t)m - 1);
	return id;
}

/* Counts the time tables; sets the pending event's local day and month. */
static void add_time(struct stats *s, struct pending *p, int64_t ns, uint64_t cnt,
		     struct tz_cache *tz)
{
	if (ns < s->first)
		s->first = ns;
	if (ns > s->last)
		s->last = ns;
	int64_t sec = floor_div(ns, NS_PER_SEC);
	int64_t local = sec + (tz ? timeconv_utc_offset(tz, sec) : 0);
	int64_t day = floor_div(local, 86400);
	int64_t sod = local - day * 86400;
	s->hours[sod / 3600] += cnt;
	/* 1970-01-01 was a Thursday; weekday 0 is Monday. */
	s->weekdays[(day % 7 + 7 + 3) % 7] += cnt;
	uint32_t id = day_id(s, day);
	if (id != KT_NONE)
		((struct day_ent *)ktable_entry(&s->days, id))->events += cnt;
	p->day = day;
	p->month = s->day_last_month;
}

static void prefix_add(struct stats *s, const char *text, size_t len, unsigned action,
		       uint64_t cnt, uint64_t h)
{
	struct prefix_table *p = &s->pfx;
	if (!p->ents) {
		p->ents = xcalloc(PREFIX_CAP, sizeof(*p->ents));
		p->slots = xcalloc(PREFIX_SLOTS, sizeof(*p->slots));
	}
	uint32_t i = (uint32_t)h & (PREFIX_SLOTS - 1);
	for (;;) {
		uint16_t slot = p->slots[i];
		if (slot == 0)
			break;
		struct prefix_ent *e = &p->ents[slot - 1];
		if (e->hash == h && e->len == len && e->action == action &&
		    memcmp(e->text, text, len) == 0) {
			e->events += cnt;
			p->last = slot;
			return;
		}
		i = (i + 1) & (PREFIX_SLOTS - 1);
	}
	if (p->n >= PREFIX_CAP) {
		p->other_events += cnt;
		return;
	}
	struct prefix_ent *e = &p->ents[p->n++];
	e->text = arena_strndup(&p->arena, text, len);
	p->arena_bytes += (len + 16) & ~(size_t)15;
	e->len = (uint32_t)len;
	e->action = (uint8_t)action;
	e->hash = h;
	e->events = cnt;
	p->slots[i] = (uint16_t)p->n;
	p->last = p->n;
}

static void add_prefix(struct stats *s, struct slice pre, unsigned action, uint64_t cnt)
{
	size_t len = pre.len > PREFIX_MAXLEN ? PREFIX_MAXLEN : pre.len;
	struct prefix_table *p = &s->pfx;
	if (p->last) {
		struct prefix_ent *e = &p->ents[p->last - 1];
		if (e->len == len && e->action == action && memcmp(e->text, pre.ptr, len) == 0) {
			e->events += cnt;
			return;
		}
	}
	prefix_add(s, pre.ptr, len, action, cnt, hash_bytes(pre.ptr, len));
}

/* Fold one event (or a group being merged) into a group entry. The
 * evidence is the earliest by (time, unit, line): a total order, so the
 * result does not depend on which thread saw what. */
static void group_fold(struct group_ent *e, uint64_t events, int64_t first, int64_t last,
		       uint32_t unit, uint64_t line)
{
	e->events += events;
	if (first < e->first ||
	    (first == e->first && (unit < e->unit || (unit == e->unit && line < e->line)))) {
		e->first = first;
		e->unit = unit;
		e->line = line;
	}
	if (last > e->last)
		e->last = last;
}

static void group_init(struct group_ent *e)
{
	e->first = STATS_NO_FIRST;
	e->last = STATS_NO_LAST;
	e->unit = UINT32_MAX;
	e->line = UINT64_MAX;
}

/* The group class of a destination port: ALERT or WARNING, else 0. */
static uint8_t group_class(const struct stats *s, uint32_t pkey)
{
	const struct service *svc =
		catalog_lookup(s->cfg.catalog, (uint8_t)(pkey >> 16), (uint16_t)pkey);
	if (svc && (svc->cls == SERVICE_ALERT || svc->cls == SERVICE_WARNING))
		return svc->cls;
	return 0;
}

static void group_key_of(const struct pending *p, struct group_key *k)
{
	memset(k, 0, sizeof(*k));
	k->src = p->src;
	if (p->has & PEND_DST)
		k->dst = p->dst;
	k->port = (uint16_t)p->pkey;
	k->proto = (uint8_t)(p->pkey >> 16);
	k->cls = p->cls;
}

/* A keyed hash of the keyed address hashes: as unpredictable as hashing
 * the 40-byte key, for one word, since stage A has hs and hd already. hd
 * is the hash of the all-zero address when there is no destination, so
 * this stays a function of the key (merging needs that). */
static inline uint64_t group_hash(uint64_t hs, uint64_t hd, uint32_t pkey, uint8_t cls)
{
	return hash_u64(hs ^ (hd << 29 | hd >> 35) ^ ((uint64_t)pkey << 8 | cls));
}

static inline int pairs_room(const struct stats *s)
{
	return s->sp.n + s->st.n + s->pt.n < s->cfg.max_pairs;
}

/* ---- the pipeline --------------------------------------------------------- */

/* Stage B: the slots are in cache now. Find the entry a slot with the
 * key's tag points to (almost always the key's own), prefetch it and note
 * its id; stage C checks the key there before a full lookup. Ids never
 * move, so the hint stays safe even if the table grew in between. The
 * result is stored, which also keeps the compiler from dropping stage B
 * as free of effects. */
static inline uint32_t entry_hint(const struct ktable *t, uint64_t h)
{
	uint32_t tag = (uint32_t)(h >> 32);
	uint32_t i = tag & t->mask;
	for (int probes = 0; probes < 8; probes++) {
		uint64_t slot = t->slots[i];
		if (slot == 0)
			return KT_NONE;
		if ((uint32_t)(slot >> 32) == tag) {
			uint32_t id = (uint32_t)slot - 1;
			const char *e = ktable_entry(t, id);
			__builtin_prefetch(e);
			__builtin_prefetch(e + t->esize - 1);
			return id;
		}
		i = (i + 1) & t->mask;
	}
	return KT_NONE;
}

static void stage_b(struct stats *s, struct pending *p)
{
	/* The port index entry was prefetched by stage A: its 1.8 MB miss
	 * the cache on most events with random ports. */
	if (p->has & PEND_PORT) {
		p->pid = port_id(s, p->pkey, p->pindex);
		/* Stage C adds to the entry: 94 k ports are 2.3 MB, a miss. */
		if (p->pid != KT_NONE) {
			__builtin_prefetch(ktable_entry(&s->ports, p->pid));
			__builtin_prefetch(&s->ports.tags[p->pid]); /* for the pair hashes */
		}
	}
	p->sid = (p->has & PEND_SRC) ? entry_hint(&s->src, p->hs) : KT_NONE;
	p->did = (p->has & PEND_DST) ? entry_hint(&s->dst, p->hd) : KT_NONE;
	p->gid = p->cls ? entry_hint(&s->groups, p->hg) : KT_NONE;
}

/* Stage C's lookup: the hint from stage B if its key matches, else the
 * full probe (which inserts when the key is new and the cap allows). */
static inline uint32_t lookup_hinted(struct ktable *t, uint32_t hint, const void *key,
				     size_t klen, uint64_t h, int *added)
{
	*added = 0;
	if (hint != KT_NONE && hint < t->n && memcmp(ktable_entry(t, hint), key, klen) == 0)
		return hint;
	return ktable_lookup(t, key, klen, h, 1, added);
}

static void stage_c_group(struct stats *s, struct pending *p)
{
	struct group_key k;
	group_key_of(p, &k);
	int added;
	uint32_t id = lookup_hinted(&s->groups, p->gid, &k, sizeof(k), p->hg, &added);
	if (id == KT_NONE) {
		s->groups_dropped += p->cnt;
		return;
	}
	struct group_ent *e = ktable_entry(&s->groups, id);
	if (added)
		group_init(e);
	int timed = (p->has & PEND_TIME) != 0;
	group_fold(e, p->cnt, timed ? p->time_ns : STATS_NO_FIRST,
		   timed ? p->time_ns : STATS_NO_LAST, p->unit, p->line);
}

static inline void bump_times(int64_t *first, int64_t *last, int64_t t)
{
	if (t < *first)
		*first = t;
	if (t > *last)
		*last = t;
}

/* Stage C: lookups, inserts and counts; then start the pair misses. */
static void stage_c(struct stats *s, struct pending *p)
{
	uint32_t sid = KT_NONE, did = KT_NONE, pid = p->pid;
	int timed = (p->has & PEND_TIME) != 0;
	int added;

	if (p->has & PEND_SRC) {
		if (s->c_sid != KT_NONE && addr_eq(&p->src, &s->c_src)) {
			sid = s->c_sid;
		} else {
			sid = lookup_hinted(&s->src, p->sid, &p->src, sizeof(p->src), p->hs, &added);
			if (sid != KT_NONE) {
				if (added) {
					struct src_ent *e = ktable_entry(&s->src, sid);
					e->first = STATS_NO_FIRST;
					e->last = STATS_NO_LAST;
				}
				s->c_src = p->src;
				s->c_sid = sid;
			}
		}
		if (sid != KT_NONE) {
			struct src_ent *e = ktable_entry(&s->src, sid);
			src_count(s, sid, e, p->act, p->cnt);
			if (timed)
				bump_times(&e->first, &e->last, p->time_ns);
		} else {
			s->sources_dropped += p->cnt;
		}
	}
	if (p->has & PEND_DST) {
		if (s->c_did != KT_NONE && addr_eq(&p->dst, &s->c_dst)) {
			did = s->c_did;
		} else {
			did = lookup_hinted(&s->dst, p->did, &p->dst, sizeof(p->dst), p->hd, &added);
			if (did != KT_NONE) {
				if (added) {
					struct dst_ent *e = ktable_entry(&s->dst, did);
					e->first = STATS_NO_FIRST;
					e->last = STATS_NO_LAST;
				}
				s->c_dst = p->dst;
				s->c_did = did;
			}
		}
		if (did != KT_NONE) {
			struct dst_ent *e = ktable_entry(&s->dst, did);
			e->events += p->cnt;
			if (timed)
				bump_times(&e->first, &e->last, p->time_ns);
		} else {
			s->targets_dropped += p->cnt;
		}
	}
	if (pid != KT_NONE)
		((struct port_ent *)ktable_entry(&s->ports, pid))->events += p->cnt;
	if (p->cls)
		stage_c_group(s, p);

	/* Keep the ids for stage D; start the pair misses now. */
	p->sid = sid;
	p->did = did;
	uint32_t ts = (uint32_t)(p->hs >> 32), td = (uint32_t)(p->hd >> 32);
	uint32_t tp = pid != KT_NONE ? s->ports.tags[pid] : 0;
	if (sid != KT_NONE && pid != KT_NONE) {
		p->h_sp = pair_hash(ts, tp);
		pairset_prefetch(&s->sp, p->h_sp);
	}
	if (sid != KT_NONE && did != KT_NONE) {
		p->h_st = pair_hash(ts, td);
		pairset_prefetch(&s->st, p->h_st);
	}
	if (pid != KT_NONE && did != KT_NONE) {
		p->h_pt = pair_hash(tp, td);
		pairset_prefetch(&s->pt, p->h_pt);
	}
	if (pid != KT_NONE && (p->has & PEND_TIME)) {
		/* A trend is 144 bytes: its day counter is often on another
		 * line than its first/last day. */
		__builtin_prefetch(&s->trend[pid]);
		__builtin_prefetch(&s->trend[pid].cnt[(uint64_t)p->day % TREND_DAYS]);
		if (((struct port_ent *)ktable_entry(&s->ports, pid))->named) {
			p->h_mp = pair_hash((uint32_t)hash_u64(p->month), tp);
			ktable_prefetch(&s->mp, p->h_mp);
		}
	}
}

/* Add cnt events on day to a port's trend window. */
static void trend_add(struct port_trend *t, int64_t day, uint64_t cnt)
{
	if (day < t->first_day)
		t->first_day = day;
	if (day > t->last_day) {
		if (t->last_day == INT64_MIN || day - t->last_day >= TREND_DAYS) {
			memset(t->cnt, 0, sizeof(t->cnt));
		} else {
			for (int64_t d = t->last_day + 1; d <= day; d++)
				t->cnt[(uint64_t)d % TREND_DAYS] = 0;
		}
		t->last_day = day;
	} else if (day <= t->last_day - TREND_DAYS) {
		return; /* before the window: only first_day counts */
	}
	uint32_t *c = &t->cnt[(uint64_t)day % TREND_DAYS];
	*c = cnt > UINT32_MAX - *c ? UINT32_MAX : *c + (uint32_t)cnt;
}

/* Add events to a counted pair; last_key/last_id cache the last hit (ids
 * never move, so the cache survives growth). */
static void count_pair(struct ktable *t, uint64_t key, uint64_t h, uint64_t cnt,
		       uint64_t *last_key, uint32_t *last_id, uint64_t *dropped)
{
	uint32_t id;
	if (*last_key == key) {
		id = *last_id;
	} else {
		int added;
		id = ktable_lookup(t, &key, sizeof(key), h, 1, &added);
		if (id == KT_NONE) {
			*dropped += cnt;
			return;
		}
		*last_key = key;
		*last_id = id;
	}
	((struct cnt_ent *)ktable_entry(t, id))->events += cnt;
}

/* Stage D: the distinct counts. A new pair counts for both its members. */
static void stage_d(struct stats *s, struct pending *p)
{
	uint32_t sid = p->sid, did = p->did, pid = p->pid;
	int r;
	if (sid != KT_NONE && pid != KT_NONE) {
		r = pairset_add(&s->sp, pair_key(sid, pid), p->h_sp, pairs_room(s));
		if (r > 0) {
			((struct src_ent *)ktable_entry(&s->src, sid))->ports++;
			((struct port_ent *)ktable_entry(&s->ports, pid))->sources++;
		} else if (r < 0) {
			s->pairs_dropped++;
		}
	}
	if (sid != KT_NONE && did != KT_NONE) {
		r = pairset_add(&s->st, pair_key(sid, did), p->h_st, pairs_room(s));
		if (r > 0) {
			((struct src_ent *)ktable_entry(&s->src, sid))->targets++;
			((struct dst_ent *)ktable_entry(&s->dst, did))->sources++;
		} else if (r < 0) {
			s->pairs_dropped++;
		}
	}
	if (pid != KT_NONE && did != KT_NONE) {
		r = pairset_add_n(&s->pt, pair_key(pid, did), p->h_pt, pairs_room(s), p->cnt);
		if (r > 0) {
			((struct port_ent *)ktable_entry(&s->ports, pid))->targets++;
			((struct dst_ent *)ktable_entry(&s->dst, did))->ports++;
		} else if (r < 0) {
			s->pairs_dropped++;
		}
	}
	if (pid != KT_NONE && (p->has & PEND_TIME)) {
		trend_add(&s->trend[pid], p->day, p->cnt);
		if (((struct port_ent *)ktable_entry(&s->ports, pid))->named)
			count_pair(&s->mp, pair_key(p->month, pid), p->h_mp, p->cnt, &s->mp_last_key,
				   &s->mp_last_id, &s->mp_dropped);
	}
}

#define PIPE_AT(s, n) (&(s)->pipe[(n) & (PIPE_SIZE - 1)])

void stats_flush(struct stats *s)
{
	while (s->n_b < s->n_a) {
		stage_b(s, PIPE_AT(s, s->n_b));
		s->n_b++;
	}
	while (s->n_c < s->n_b) {
		stage_c(s, PIPE_AT(s, s->n_c));
		s->n_c++;
	}
	while (s->n_d < s->n_c) {
		stage_d(s, PIPE_AT(s, s->n_d));
		s->n_d++;
	}
}

int stats_src_hash(const struct stats *s, const struct ip_addr *a, uint64_t *h)
{
	if (!(s->a_valid & PEND_SRC) || !addr_eq(&s->a_src, a))
		return 0;
	*h = s->a_hs;
	return 1;
}

void stats_add(struct stats *s, const struct event *ev, struct tz_cache *tz)
{
	uint32_t cnt = ev->count ? ev->count : 1;
	unsigned act = ev->action < EVENT_ACTION_COUNT ? ev->action : EVENT_ACTION_UNKNOWN;
	uint32_t fl = ev->flags;
	s->records++;
	s->events += cnt;
	s->by_action[act] += cnt;
	s->by_proto[ev->proto] += cnt;

	/* Stage A: what needs the event itself (time, prefix), the hashes,
	 * the port id (a direct index), and the prefetch of the slots that
	 * stage B will read. */
	struct pending *p = PIPE_AT(s, s->n_a);
	p->has = 0;
	p->cnt = cnt;
	p->act = (uint8_t)act;
	p->unit = ev->unit;
	p->line = ev->line;
	p->cls = 0;
	p->pid = KT_NONE;
	if (fl & EVENT_HAS_TIME) {
		p->has |= PEND_TIME;
		p->time_ns = ev->time_ns;
		add_time(s, p, ev->time_ns, cnt, tz);
	}
	if (ev->prefix.len)
		add_prefix(s, ev->prefix, act, cnt);
	if (fl & EVENT_HAS_SRC) {
		p->has |= PEND_SRC;
		p->src = ev->src;
		if (!((s->a_valid & PEND_SRC) && addr_eq(&ev->src, &s->a_src))) {
			s->a_src = ev->src;
			s->a_hs = hash_16(&ev->src);
			s->a_valid |= PEND_SRC;
		}
		p->hs = s->a_hs;
		ktable_prefetch(&s->src, p->hs);
	}
	if (fl & EVENT_HAS_DST) {
		p->has |= PEND_DST;
		p->dst = ev->dst;
		if (!((s->a_valid & PEND_DST) && addr_eq(&ev->dst, &s->a_dst))) {
			s->a_dst = ev->dst;
			s->a_hd = hash_16(&ev->dst);
			s->a_valid |= PEND_DST;
		}
		p->hd = s->a_hd;
		ktable_prefetch(&s->dst, p->hd);
	}
	uint32_t pindex;
	if (event_port_key(ev, &p->pkey, &pindex) == 0) {
		p->has |= PEND_PORT;
		p->pindex = pindex;
		if (!s->port_index)
			s->port_index = xcalloc(PORTS_MAX, sizeof(uint32_t));
		__builtin_prefetch(&s->port_index[pindex]);
		/* Accepted traffic and what the host sent itself are no attack. */
		if ((fl & EVENT_HAS_SRC) && act != EVENT_ACTION_ACCEPT &&
		    !(ev->in_if.len == 0 && ev->out_if.len != 0) && s->cfg.catalog) {
			p->cls = group_class(s, p->pkey);
			if (p->cls) {
				static const struct ip_addr none;
				uint64_t hd = (p->has & PEND_DST) ? p->hd
								  : hash_bytes(&none, sizeof(none));
				p->hg = group_hash(p->hs, hd, p->pkey, p->cls);
				ktable_prefetch(&s->groups, p->hg);
			}
		}
	}
	s->n_a++;

	if (s->n_a - s->n_b > PIPE_STEP) {
		stage_b(s, PIPE_AT(s, s->n_b));
		s->n_b++;
	}
	if (s->n_b - s->n_c > PIPE_STEP) {
		stage_c(s, PIPE_AT(s, s->n_c));
		s->n_c++;
	}
	if (s->n_c - s->n_d > PIPE_STEP) {
		stage_d(s, PIPE_AT(s, s->n_d));
		s->n_d++;
	}
}

/* ---- merging ------------------------------------------------------------ */

/* Entries folded this far ahead of the fold are prefetched. */
#define MERGE_AHEAD 8

/* from's ids mapped to into's (ktable_map), with a byte per id that says
 * whether it was new in into. */
static uint32_t *map_ids(struct ktable *into, const struct ktable *from, uint8_t **added)
{
	uint32_t *map = xmalloc(((size_t)from->n + 1) * sizeof(*map));
	*added = xmalloc((size_t)from->n + 1);
	ktable_map(into, from, map, *added);
	return map;
}

static inline void prefetch_mapped(const struct ktable *t, const uint32_t *map, uint32_t i,
				   uint32_t n)
{
	if (i + MERGE_AHEAD < n && map[i + MERGE_AHEAD] != KT_NONE)
		__builtin_prefetch(ktable_entry(t, map[i + MERGE_AHEAD]));
}

static uint32_t *merge_sources(struct stats *into, const struct stats *from)
{
	uint8_t *added;
	uint32_t *map = map_ids(&into->src, &from->src, &added);
	for (uint32_t i = 0; i < from->src.n; i++) {
		const struct src_ent *f = ktable_entry(&from->src, i);
		uint32_t id = map[i];
		prefetch_mapped(&into->src, map, i, from->src.n);
		if (id == KT_NONE) {
			into->sources_dropped += src_events(from, i);
			continue;
		}
		struct src_ent *e = ktable_entry(&into->src, id);
		if (added[i]) {
			e->first = STATS_NO_FIRST;
			e->last = STATS_NO_LAST;
		}
		uint64_t c[EVENT_ACTION_COUNT];
		src_actions(from, i, c);
		for (int a = 0; a < EVENT_ACTION_COUNT; a++)
			if (c[a])
				src_count(into, id, e, (unsigned)a, c[a]);
		if (f->first < e->first)
			e->first = f->first;
		if (f->last > e->last)
			e->last = f->last;
	}
	free(added);
	return map;
}

static uint32_t *merge_targets(struct stats *into, const struct stats *from)
{
	uint8_t *added;
	uint32_t *map = map_ids(&into->dst, &from->dst, &added);
	for (uint32_t i = 0; i < from->dst.n; i++) {
		const struct dst_ent *f = ktable_entry(&from->dst, i);
		uint32_t id = map[i];
		prefetch_mapped(&into->dst, map, i, from->dst.n);
		if (id == KT_NONE) {
			into->targets_dropped += f->events;
			continue;
		}
		struct dst_ent *e = ktable_entry(&into->dst, id);
		if (added[i]) {
			e->first = STATS_NO_FIRST;
			e->last = STATS_NO_LAST;
		}
		e->events += f->events;
		if (f->first < e->first)
			e->first = f->first;
		if (f->last > e->last)
			e->last = f->last;
	}
	free(added);
	return map;
}

static uint32_t *merge_ports(struct stats *into, const struct stats *from)
{
	uint32_t *map = xmalloc(((size_t)from->ports.n + 1) * sizeof(*map));
	for (uint32_t i = 0; i < from->ports.n; i++) {
		const struct port_ent *f = ktable_entry(&from->ports, i);
		uint32_t index = port_class_of((uint8_t)(f->key >> 16)) << 16 | (f->key & 0xffff);
		uint32_t id = port_id(into, f->key, index);
		map[i] = id;
		if (id != KT_NONE)
			((struct port_ent *)ktable_entry(&into->ports, id))->events += f->events;
	}
	return map;
}

enum pair_kind { PAIR_SP, PAIR_ST, PAIR_PT };

/* Re-add from's pairs with ids translated; a new pair bumps the distinct
 * counts of both its members, exactly as in stats_add. */
static void merge_pairs(struct stats *into, const struct pairset *fp, enum pair_kind kind,
			const uint32_t *amap, const uint32_t *bmap, int unbounded,
			uint64_t *dropped)
{
	struct pairset *ip = kind == PAIR_SP ? &into->sp : kind == PAIR_ST ? &into->st : &into->pt;
	/* Walking fp in slot order yields keys in hash order. Inserted into a
	 * smaller table they would all land in its first slots and form one
	 * long probe run (quadratic: a 2-thread run took 7x the 1-thread
	 * time). Grown first to at least fp's size, each key's home slot in
	 * ip is as spread out as in fp. */
	size_t want = ip->n + fp->n;
	if (want > into->cfg.max_pairs)
		want = into->cfg.max_pairs;
	pairset_reserve(ip, want);
	const struct ktable *at = kind == PAIR_PT ? &into->ports : &into->src;
	const struct ktable *bt = kind == PAIR_SP ? &into->ports : &into->dst;
	/* Keys wait MERGE_AHEAD places in a ring while their slots are
	 * prefetched; they go in in slot order all the same. */
	struct {
		uint64_t key, h, val;
		uint32_t a, b;
	} q[MERGE_AHEAD];
	size_t qh = 0, qn = 0;
	for (size_t i = 0; i <= fp->mask + MERGE_AHEAD; i++) {
		if (i <= fp->mask) {
			uint64_t k = fp->slots[i];
			if (k == 0)
				continue;
			uint32_t a = amap[(uint32_t)(k >> 32) - 1];
			uint32_t b = bmap[(uint32_t)k];
			if (a == KT_NONE || b == KT_NONE) {
				(*dropped)++;
				continue;
			}
			size_t t = (qh + qn) % MERGE_AHEAD;
			q[t].a = a;
			q[t].b = b;
			q[t].key = pair_key(a, b);
			q[t].h = pair_hash((*ip->atags)[a], (*ip->btags)[b]);
			q[t].val = ip->vals ? fp->vals[i] : 0;
			pairset_prefetch(ip, q[t].h);
			/* A new pair bumps a counter in both members' entries. */
			__builtin_prefetch(ktable_entry(at, a));
			__builtin_prefetch(ktable_entry(bt, b));
			if (++qn < MERGE_AHEAD)
				continue;
		}
		if (qn == 0)
			continue;
		uint64_t key = q[qh].key, h = q[qh].h, val = q[qh].val;
		uint32_t a = q[qh].a, b = q[qh].b;
		qh = (qh + 1) % MERGE_AHEAD;
		qn--;
		int room = unbounded || pairs_room(into);
		int r = ip->vals ? pairset_add_n(ip, key, h, room, val) : pairset_add(ip, key, h, room);
		if (r < 0) {
			(*dropped)++;
			continue;
		}
		if (r == 0)
			continue;
		switch (kind) {
		case PAIR_SP:
			((struct src_ent *)ktable_entry(&into->src, a))->ports++;
			((struct port_ent *)ktable_entry(&into->ports, b))->sources++;
			break;
		case PAIR_ST:
			((struct src_ent *)ktable_entry(&into->src, a))->targets++;
			((struct dst_ent *)ktable_entry(&into->dst, b))->sources++;
			break;
		case PAIR_PT:
			((struct port_ent *)ktable_entry(&into->ports, a))->targets++;
			((struct dst_ent *)ktable_entry(&into->dst, b))->ports++;
			break;
		}
	}
}

static void merge_groups(struct stats *into, const struct stats *from)
{
	uint8_t *added;
	uint32_t *map = map_ids(&into->groups, &from->groups, &added);
	for (uint32_t i = 0; i < from->groups.n; i++) {
		const struct group_ent *f = ktable_entry(&from->groups, i);
		uint32_t id = map[i];
		prefetch_mapped(&into->groups, map, i, from->groups.n);
		if (id == KT_NONE) {
			into->groups_dropped += f->events;
			continue;
		}
		struct group_ent *e = ktable_entry(&into->groups, id);
		if (added[i])
			group_init(e);
		group_fold(e, f->events, f->first, f->last, f->unit, f->line);
	}
	free(added);
	free(map);
}

static uint32_t *merge_days(struct stats *into, const struct stats *from)
{
	uint32_t *map = xmalloc(((size_t)from->days.n + 1) * sizeof(*map));
	for (uint32_t i = 0; i < from->days.n; i++) {
		const struct day_ent *f = ktable_entry(&from->days, i);
		uint32_t id = day_id(into, f->day);
		map[i] = id;
		if (id != KT_NONE)
			((struct day_ent *)ktable_entry(&into->days, id))->events += f->events;
	}
	return map;
}

/* Re-add from's (month, port) counts with port ids translated. */
static void merge_months(struct stats *into, const struct stats *from, const uint32_t *pmap)
{
	for (uint32_t i = 0; i < from->mp.n; i++) {
		const struct cnt_ent *f = ktable_entry(&from->mp, i);
		uint32_t month = (uint32_t)(f->key >> 32) - 1;
		uint32_t b = pmap[(uint32_t)f->key];
		uint64_t key = pair_key(month, b);
		int added;
		uint32_t id = b == KT_NONE ? KT_NONE
			: ktable_lookup(&into->mp, &key, sizeof(key),
					pair_hash((uint32_t)hash_u64(month), into->ports.tags[b]), 1,
					&added);
		if (id == KT_NONE) {
			into->mp_dropped += f->events;
			continue;
		}
		((struct cnt_ent *)ktable_entry(&into->mp, id))->events += f->events;
	}
	into->mp_dropped += from->mp_dropped;
}

/* Fold from's trend windows into into's: re-anchored at the later last
 * day, days that fall out of the window dropped (as the event path
 * would have dropped them). */
static void merge_trend(struct stats *into, const struct stats *from, const uint32_t *pmap)
{
	for (uint32_t i = 0; i < from->ports.n && i < from->trend_cap; i++) {
		const struct port_trend *f = &from->trend[i];
		uint32_t b = pmap[i];
		if (b == KT_NONE || f->last_day == INT64_MIN)
			continue;
		struct port_trend *t = &into->trend[b];
		for (int64_t d = f->last_day - TREND_DAYS + 1; d <= f->last_day; d++) {
			uint32_t c = f->cnt[(uint64_t)d % TREND_DAYS];
			if (c)
				trend_add(t, d, c);
		}
		if (f->first_day < t->first_day)
			t->first_day = f->first_day;
	}
}

static void merge_prefixes(struct stats *into, const struct stats *from)
{
	for (uint32_t i = 0; i < from->pfx.n; i++) {
		const struct prefix_ent *f = &from->pfx.ents[i];
		prefix_add(into, f->text, f->len, f->action, f->events, f->hash);
	}
	into->pfx.other_events += from->pfx.other_events;
}

/* Work a second thread does while this one merges the rest: the
 * ALERT/WARNING groups touch nothing the other merges do (their own table,
 * counter and the prefix table), and when the pair cap cannot be reached
 * the three pair sets are independent (each only bumps its own counters
 * in the entries), so the (source, target) and (port, target) sets go
 * there too. The merge is serial time between the workers' end and the
 * report. */
struct side_merge {
	struct stats *into;
	const struct stats *from;
	const uint32_t *smap, *dmap, *pmap; /* NULL: no pairs for this thread */
	uint64_t pairs_dropped;
};

static void *merge_side(void *arg)
{
	struct side_merge *m = arg;
	merge_groups(m->into, m->from);
	merge_prefixes(m->into, m->from);
	if (m->smap) {
		merge_pairs(m->into, &m->from->st, PAIR_ST, m->smap, m->dmap, 1, &m->pairs_dropped);
		merge_pairs(m->into, &m->from->pt, PAIR_PT, m->pmap, m->dmap, 1, &m->pairs_dropped);
	}
	return NULL;
}

/* Below this many groups and pairs a thread costs more than it saves. */
#define SIDE_MERGE_MIN 50000

void stats_merge(struct stats *into, struct stats *from)
{
	if (!into || !from || into == from)
		return;
	stats_flush(into);
	stats_flush(from);
	/* Both were held at once: count their peaks together. */
	size_t mi = stats_memory(into), mf = stats_memory(from);
	size_t before = (into->peak > mi ? into->peak : mi) + (from->peak > mf ? from->peak : mf);

	into->events += from->events;
	into->records += from->records;
	if (from->first < into->first)
		into->first = from->first;
	if (from->last > into->last)
		into->last = from->last;
	for (int a = 0; a < EVENT_ACTION_COUNT; a++)
		into->by_action[a] += from->by_action[a];
	for (int i = 0; i < 256; i++)
		into->by_proto[i] += from->by_proto[i];
	for (int i = 0; i < 24; i++)
		into->hours[i] += from->hours[i];
	for (int i = 0; i < 7; i++)
		into->weekdays[i] += from->weekdays[i];

	uint32_t *smap = merge_sources(into, from);
	uint32_t *dmap = merge_targets(into, from);
	uint32_t *pmap = merge_ports(into, from);

	/* Whether every pair fits: then no insert checks the cap, and the
	 * sets may be merged at the same time with the same result. */
	uint64_t pairs_total = (uint64_t)into->sp.n + into->st.n + into->pt.n + from->sp.n +
			       from->st.n + from->pt.n;
	int unbounded = pairs_total <= into->cfg.max_pairs;
	struct side_merge side = {into, from, NULL, NULL, NULL, 0};
	if (unbounded) {
		side.smap = smap;
		side.dmap = dmap;
		side.pmap = pmap;
	}
	pthread_t side_thread;
	int side_started = from->groups.n + from->st.n + from->pt.n >= SIDE_MERGE_MIN &&
			   pthread_create(&side_thread, NULL, merge_side, &side) == 0;

	uint64_t pairs_dropped = 0;
	merge_pairs(into, &from->sp, PAIR_SP, smap, pmap, unbounded, &pairs_dropped);
	if (!unbounded) { /* in this order, as the cap decides what stays */
		merge_pairs(into, &from->st, PAIR_ST, smap, dmap, 0, &pairs_dropped);
		merge_pairs(into, &from->pt, PAIR_PT, pmap, dmap, 0, &pairs_dropped);
	}
	uint32_t *daymap = merge_days(into, from);
	merge_months(into, from, pmap);
	merge_trend(into, from, pmap);
	if (side_started)
		pthread_join(side_thread, NULL);
	else
		merge_side(&side);
	into->pairs_dropped += pairs_dropped + side.pairs_dropped;
	free(smap);
	free(dmap);
	free(pmap);
	free(daymap);

	into->sources_dropped += from->sources_dropped;
	into->targets_dropped += from->targets_dropped;
	into->pairs_dropped += from->pairs_dropped;
	into->groups_dropped += from->groups_dropped;

	size_t after = stats_memory(into) + stats_memory(from);
	into->peak = before > after ? before : after;
	stats_reset(from);
}
