/* Distributed scans: several sources that share a probe signature (the
 * same raw-packet tool: window, initial TTL, flags, options) or a network
 * (the same /24, or /64), active together, each probing a slice of the
 * ports or hosts, so that no one of them crosses a threshold but their
 * union does. Found in two passes over the merged state: the sources'
 * summaries (kept while findings.c walks them) are grouped by key and by
 * time, and only the members of candidate groups are walked again for
 * their contacts. Internet background (many unrelated sources hitting
 * 22, 23, 445 at any time) fails the tests: not concurrent within the
 * window, or the same few ports over and over rather than slices. */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/util.h"
#include "detect/detect.h"
#include "detect/detect_internal.h"

#define DIST_MAX_MEMBERS 4096         /* per group */
#define DIST_MAX_CONTACTS (1u << 18)  /* copied in all (64 bytes each: 16 MiB) */

/* One membership: a source under one key. */
struct member_key {
	uint64_t key;   /* kind in the top bit: 0 network, 1 signature */
	int64_t first_ns;
	uint32_t src;   /* index into srcs */
};

/* A contact of a member, copied in the second pass. */
struct dcontact {
	struct ip_addr dst;
	int64_t t;
	uint32_t member; /* index into the wanted sources */
	uint32_t gpos;   /* position of the member in the group being analysed */
	uint32_t unit;   /* origin of the earliest event */
	uint64_t line;
	uint32_t count;
	uint16_t port;
	uint8_t proto;
	uint8_t fclass;
	uint8_t fp;
	uint8_t succ;
	uint8_t mark;
};

struct group {
	uint64_t key;
	uint32_t *src;  /* indices into srcs */
	size_t n;
};

/* Second pass state: wanted sources, by address. */
struct want_addr {
	struct ip_addr a;
	uint32_t si;
};

struct want {
	const struct dist_src *srcs;
	uint32_t *slots;  /* srcs index + 1 */
	size_t mask;
	/* per srcs index: its share of the pool (want_shares), from off, and
	 * the contacts the walk put there */
	uint32_t *off, *take, *cnt;
	struct dcontact *pool;
	uint32_t *hashes; /* the wanted sources' (detect_source_hash), sorted */
	size_t n_hashes;
	uint64_t refused;
	int64_t window_ns;
};

/* One part of the walk for the members' contacts (want_walk); each
 * source writes its own share of the pool. */
struct want_part {
	struct want *w;
	struct detector *d;
	unsigned part, nparts;
};

static int cmp_member_key(const void *pa, const void *pb)
{
	const struct member_key *a = pa, *b = pb;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->first_ns != b->first_ns)
		return a->first_ns < b->first_ns ? -1 : 1;
	return a->src < b->src ? -1 : a->src > b->src;
}

/* /24 of IPv4, /64 of IPv6. */
static uint64_t net_key(const struct ip_addr *a)
{
	if (addr_is_v4(a))
		return (uint64_t)(addr_v4(a) >> 8) | 1ull << 40;
	uint64_t k = 0;
	for (int i = 0; i < 8; i++)
		k = k << 8 | a->b[i];
	return (k ^ (k >> 1)) & ~(1ull << 63); /* kind bit clear */
}

static size_t want_pos(const struct want *w, const struct ip_addr *a)
{
	size_t pos = (size_t)hash_16(a->b) & w->mask;
	while (w->slots[pos] && !addr_eq(&w->srcs[w->slots[pos] - 1].addr, a))
		pos = (pos + 1) & w->mask;
	return pos;
}

static int want_fn(void *arg, const struct ip_addr *a)
{
	const struct want_part *wp = arg;
	return wp->w->slots[want_pos(wp->w, a)] != 0;
}

static void copy_fn(void *arg, const struct src_view *v)
{
	const struct want_part *wp = arg;
	struct want *w = wp->w;
	uint32_t si = w->slots[want_pos(w, &v->addr)] - 1;
	struct dcontact *to = w->pool + w->off[si];
	uint32_t k = 0;
	int64_t lo = w->srcs[si].burst_ns, hi = lo + w->window_ns;
	for (uint32_t i = 0; i < v->n && k < w->take[si]; i++) {
		const struct contact *c = &v->c[i];
		if (c->proto != IPPROTO_NUM_TCP && c->proto != IPPROTO_NUM_UDP &&
		    c->proto != IPPROTO_NUM_SCTP)
			continue;
		if (c->first_ns < lo || c->first_ns > hi)
			continue; /* only the busiest window takes part (burst_copy counts them) */
		struct dcontact *d = &to[k++];
		memset(d, 0, sizeof(*d));
		d->dst = c->dst;
		d->t = c->first_ns;
		d->member = si;
		d->count = c->count;
		d->port = c->port;
		d->proto = c->proto;
		d->fclass = c->fclass;
		d->fp = c->fp;
		d->succ = c->succ;
		d->unit = c->unit;
		d->line = c->line;
	}
	w->cnt[si] = k;
}

/* Signatures worth grouping on: a raw-packet tool's, not an operating
 * system's SYN (which carries more options than an MSS) and not one whose
 * length was not logged (then the two cannot be told apart). */
static int sig_shared(uint32_t sig)
{
	if (!sig)
		return 0;
	if (SIG_FLAGS(sig) == TCP_FLAG_SYN && (SIG_OPTS(sig) == 0 || SIG_OPTS(sig) >= 3))
		return 0;
	return 1;
}

/* A worker's scratch for analyse_group: each port's run in the current
 * call, stamped so that nothing is cleared between calls. */
struct group_scratch {
	uint32_t *port_stamp, *port_run;
	uint32_t stamp;
};

static void group_scratch_init(struct group_scratch *gs)
{
	gs->port_stamp = xcalloc_written(65536, sizeof(*gs->port_stamp));
	gs->port_run = xmalloc(65536 * sizeof(*gs->port_run));
	gs->stamp = 0;
}

static void group_scratch_free(struct group_scratch *gs)
{
	free(gs->port_stamp);
	free(gs->port_run);
}

/* A contact's place in time order. */
struct tpos {
	int64_t t;
	uint32_t i;
};

static int cmp_tpos(const void *pa, const void *pb)
{
	const struct tpos *a = pa, *b = pb;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* (t, member): which of two contacts with one (target, port) is kept. */
static int dcontact_before(const struct dcontact *a, const struct dcontact *b)
{
	return a->t != b->t ? a->t < b->t : a->member < b->member;
}

/* The finding's first contact: the earliest, then by port and target. */
static int dcontact_first(const struct dcontact *a, const struct dcontact *b)
{
	if (a->t != b->t)
		return a->t < b->t;
	if (a->port != b->port)
		return a->port < b->port;
	return memcmp(a->dst.b, b->dst.b, 16) < 0;
}

/* A (target, port) key's hash from its target's keyed hash. */
static uint64_t mix_port(uint64_t h, uint16_t port)
{
	h ^= (uint64_t)(port + 1) * 0x9e3779b97f4a7c15ull;
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ h >> 29;
}

/* u[0..n) reduced to one contact per (target, port): the earliest (then
 * the lowest member), the others' counts added to it; dst_run[k] is then
 * the run (0, 1, ...) of u[k]'s target, and *n_dst how many. Hashing, not
 * sorting: the order of u's contacts matters to nothing after this (the
 * runs are put in time order, and the first contact is chosen by value). */
static size_t dedup_contacts(struct dcontact *u, size_t n, uint32_t *dst_run, uint32_t *n_dst)
{
	size_t cap = 16;
	while (cap < n * 2)
		cap *= 2;
	uint32_t *slot = xcalloc(cap, sizeof(*slot)); /* (target, port): index in u + 1 */
	uint32_t *dslot = xcalloc(cap, sizeof(*dslot)); /* target: index in u + 1 */
	uint64_t *hd = xmalloc((n ? n : 1) * sizeof(*hd)); /* kept contacts' target hashes */
	size_t d = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t h = hash_16(u[i].dst.b);
		size_t pos = (size_t)mix_port(h, u[i].port) & (cap - 1);
		while (slot[pos]) {
			struct dcontact *k = &u[slot[pos] - 1];
			if (k->port == u[i].port && addr_eq(&k->dst, &u[i].dst))
				break;
			pos = (pos + 1) & (cap - 1);
		}
		if (slot[pos]) {
			struct dcontact *k = &u[slot[pos] - 1];
			uint32_t sum = k->count + u[i].count;
			if (dcontact_before(&u[i], k))
				*k = u[i];
			k->count = sum;
			k->mark = 0;
			continue;
		}
		slot[pos] = (uint32_t)d + 1;
		hd[d] = h;
		u[d] = u[i];
		u[d++].mark = 0;
	}
	uint32_t runs = 0;
	for (size_t k = 0; k < d; k++) {
		size_t pos = (size_t)hd[k] & (cap - 1);
		while (dslot[pos] && !addr_eq(&u[dslot[pos] - 1].dst, &u[k].dst))
			pos = (pos + 1) & (cap - 1);
		if (!dslot[pos]) {
			dslot[pos] = (uint32_t)k + 1;
			dst_run[k] = runs++;
		} else {
			dst_run[k] = dst_run[dslot[pos] - 1];
		}
	}
	*n_dst = runs;
	free(slot);
	free(dslot);
	free(hd);
	return d;
}

/* ix[0..n): the indices of u by run (run[k] the run of u[k], nruns of
 * them) and, in each run, in time order (order: u's indices so); start
 * has nruns + 1 entries, run r at ix[start[r]..start[r + 1]). */
static void runs_in_time_order(const uint32_t *order, size_t n, const uint32_t *run,
			       uint32_t nruns, uint32_t *start, uint32_t *ix)
{
	memset(start, 0, (nruns + 1) * sizeof(*start));
	for (size_t k = 0; k < n; k++)
		start[run[k] + 1]++;
	for (uint32_t r = 0; r < nruns; r++)
		start[r + 1] += start[r];
	for (size_t k = 0; k < n; k++) {
		uint32_t i = order[k];
		ix[start[run[i]]++] = i;
	}
	for (uint32_t r = nruns; r > 0; r--)
		start[r] = start[r - 1];
	start[0] = 0;
}

/* The members behind one run (u's contacts ix[0..m)): at least
 * cfg->dist_sources of them with a slice (DIST_MIN_SLICE contacts) each,
 * and none with half of it (else it is one scanner with company). per has
 * a zeroed counter per group member and is left zeroed. */
static int run_shared(const struct detect_config *cfg, const struct dcontact *u,
		      const uint32_t *ix, size_t m, uint32_t *per)
{
	size_t distinct = 0;
	uint32_t most = 0;
	for (size_t k = 0; k < m; k++) {
		uint32_t g = u[ix[k]].gpos;
		if (++per[g] == DIST_MIN_SLICE)
			distinct++;
		if (per[g] > most)
			most = per[g];
	}
	for (size_t k = 0; k < m; k++)
		per[u[ix[k]].gpos] = 0;
	return distinct >= cfg->dist_sources && (uint64_t)most * 2 <= m;
}

/* Best sliding-window score of one run (u's contacts ix[0..m): one target,
 * or one port, in time order; weighted by port, or one each); marks the
 * run's contacts when it reaches thr and the members share it. Ties in
 * time may come in any order: the best window is the same. */
static int run_hits(const struct detect_config *cfg, struct dcontact *u, const uint32_t *ix,
		    size_t m, int weighted, uint64_t thr, uint32_t *per)
{
	uint64_t score = 0, best = 0;
	size_t j = 0;
	for (size_t k = 0; k < m; k++) {
		const struct dcontact *c = &u[ix[k]];
		score += weighted ? (c->port < 1024 ? cfg->weight_low : cfg->weight_high) : 1;
		for (; c->t - u[ix[j]].t > cfg->window_ns; j++)
			score -= weighted ? (u[ix[j]].port < 1024 ? cfg->weight_low
								   : cfg->weight_high)
					  : 1;
		if (score > best)
			best = score;
	}
	if (best < thr || !run_shared(cfg, u, ix, m, per))
		return 0;
	for (size_t k = 0; k < m; k++)
		u[ix[k]].mark = 1;
	return 1;
}

static void describe_sig(char *buf, size_t len, uint32_t sig)
{
	static const char *const ttl[4] = {"32", "64", "128", "255"};
	char fl[9];
	event_tcp_flags_str((uint8_t)SIG_FLAGS(sig), fl);
	unsigned opts = SIG_OPTS(sig);
	snprintf(buf, len, "window %u, TTL up to %s, flags %s, %s", SIG_WINDOW(sig), ttl[SIG_TTL(sig)],
		 fl, opts == 1 ? "no options" : opts == 2 ? "only an MSS option" : "options");
}

/* The group's union on one protocol: a finding if the union crosses a
 * threshold that its members do together (at least cfg->dist_sources of
 * them in the hit, none with half of it), with slices rather than repeats. */
static void analyse_group(const struct detect_config *cfg, const struct dist_src *srcs,
			  const struct group *g, const struct want *w, uint8_t proto,
			  struct group_scratch *gs, struct dist_out *out)
{
	size_t m = 0;
	for (size_t i = 0; i < g->n; i++)
		m += w->cnt[g->src[i]];
	if (m < cfg->sweep_hosts * DIST_FACTOR && m * cfg->weight_low < cfg->port_score * DIST_FACTOR)
		return;
	struct dcontact *u = xmalloc(m * sizeof(*u));
	size_t n = 0;
	for (size_t i = 0; i < g->n; i++) {
		const struct dcontact *c = w->pool + w->off[g->src[i]];
		for (uint32_t k = 0; k < w->cnt[g->src[i]]; k++)
			if (c[k].proto == proto) {
				u[n] = c[k];
				u[n++].gpos = (uint32_t)i;
			}
	}
	/* one contact per (target, port): the earliest; the total says how
	 * much the members repeated each other */
	size_t total = n;
	uint32_t *dst_run = xmalloc((n ? n : 1) * sizeof(*dst_run)), n_dst;
	n = dedup_contacts(u, n, dst_run, &n_dst);
	/* then the runs of one target and of one port, each in time order */
	struct tpos *tp = xmalloc((n ? n : 1) * sizeof(*tp));
	for (size_t i = 0; i < n; i++)
		tp[i] = (struct tpos){u[i].t, (uint32_t)i};
	qsort(tp, n, sizeof(*tp), cmp_tpos);
	uint32_t *order = xmalloc((n ? n : 1) * sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = tp[i].i;
	free(tp);
	uint32_t *port_run = xmalloc((n ? n : 1) * sizeof(*port_run)), n_port = 0;
	if (++gs->stamp == 0) { /* (wrapped: every stamp old again) */
		memset(gs->port_stamp, 0, 65536 * sizeof(*gs->port_stamp));
		gs->stamp = 1;
	}
	for (size_t i = 0; i < n; i++) {
		uint16_t p = u[i].port;
		if (gs->port_stamp[p] != gs->stamp) {
			gs->port_stamp[p] = gs->stamp;
			gs->port_run[p] = n_port++;
		}
		port_run[i] = gs->port_run[p];
	}
	uint32_t *ix = xmalloc((n ? n : 1) * sizeof(*ix));
	uint32_t *start = xmalloc(((n_dst > n_port ? n_dst : n_port) + 1) * sizeof(*start));
	unsigned vhits = 0, hhits = 0;
	uint32_t *per = xcalloc(g->n, sizeof(*per));
	runs_in_time_order(order, n, dst_run, n_dst, start, ix);
	for (uint32_t r = 0; r < n_dst; r++)
		vhits += (unsigned)run_hits(cfg, u, ix + start[r], start[r + 1] - start[r], 1,
					    (uint64_t)cfg->port_score * DIST_FACTOR, per);
	/* distinct hosts (one contact each) on one port in the window */
	runs_in_time_order(order, n, port_run, n_port, start, ix);
	for (uint32_t r = 0; r < n_port; r++)
		hhits += (unsigned)run_hits(cfg, u, ix + start[r], start[r + 1] - start[r], 0,
					    (uint64_t)cfg->sweep_hosts * DIST_FACTOR, per);
	free(dst_run);
	free(order);
	free(port_run);
	free(ix);
	free(start);
	if (!vhits && !hhits) {
		free(per);
		free(u);
		return;
	}
	/* who took part, and how much */
	size_t hit = 0;
	for (size_t i = 0; i < n; i++) {
		if (!u[i].mark)
			continue;
		hit++;
		per[u[i].gpos]++;
	}
	size_t active = 0;
	uint32_t most = 0;
	for (size_t q = 0; q < g->n; q++) {
		active += per[q] != 0;
		if (per[q] > most)
			most = per[q];
	}
	/* slices: distinct keys at least half the contacts behind them */
	int ok = active >= cfg->dist_sources && (uint64_t)most * 2 <= hit && n * 2 >= total;
	if (!ok) {
		free(per);
		free(u);
		return;
	}
	out->items = xgrow(out->items, &out->cap, out->n + 1, sizeof(*out->items));
	struct finding *f = &out->items[out->n++];
	memset(f, 0, sizeof(*f));
	f->type = FINDING_DISTRIBUTED;
	f->truncated = w->refused != 0; /* the copy was capped: counts are lower bounds */
	f->group_shape = (uint8_t)(vhits >= 2 || (vhits && hhits) || hhits >= cfg->block_ports
					   ? FINDING_BLOCK
				   : vhits ? FINDING_VERTICAL
					   : FINDING_HORIZONTAL);
	f->proto = proto;
	struct ip_addr *mem = xmalloc(active * sizeof(*mem));
	size_t nm = 0;
	for (size_t q = 0; q < g->n; q++)
		if (per[q])
			mem[nm++] = srcs[g->src[q]].addr;
	detect_sort_addrs(mem, nm);
	f->n_members = nm;
	f->n_members_kept = nm < DETECT_TARGETS_KEPT ? nm : DETECT_TARGETS_KEPT;
	f->members = mem;
	f->src = mem[0];
	struct ip_addr *tg = xmalloc(hit * sizeof(*tg));
	uint16_t *ports = xmalloc(hit * sizeof(*ports));
	uint16_t *open = xmalloc(hit * sizeof(*open));
	size_t nt = 0, np = 0, no = 0;
	uint32_t fc[FC_N] = {0}, nmap = 0;
	int inside = 0, all_allow = 1;
	const struct dcontact *first = NULL;
	for (size_t q = 0; q < g->n; q++) {
		if (!per[q])
			continue;
		inside |= detect_inside(cfg, &srcs[g->src[q]].addr);
		all_allow &= detect_allow_match(cfg, &srcs[g->src[q]].addr) != NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!u[i].mark)
			continue;
		tg[nt++] = u[i].dst;
		ports[np++] = u[i].port;
		if (u[i].succ)
			open[no++] = u[i].port;
		f->events += u[i].count;
		f->successes += u[i].succ;
		fc[u[i].fclass < FC_N ? u[i].fclass : FC_UNKNOWN]++;
		nmap += (u[i].fp & FP_NMAP) != 0;
		if (u[i].t && (!first || dcontact_first(&u[i], first)))
			first = &u[i];
		if (u[i].t > f->end_ns)
			f->end_ns = u[i].t;
		f->dark_hits += (uint32_t)detect_is_dark(cfg, &u[i].dst);
	}
	if (first) {
		f->start_ns = first->t;
		f->first_unit = first->unit;
		f->first_line = first->line;
	}
	f->probes = hit;
	detect_sort_addrs(tg, nt);
	size_t k = 0;
	for (size_t i = 0; i < nt; i++)
		if (!k || memcmp(tg[k - 1].b, tg[i].b, 16) != 0)
			tg[k++] = tg[i];
	f->n_targets = k;
	f->target_lo = tg[0];
	f->target_hi = tg[k - 1];
	f->n_targets_kept = k < DETECT_TARGETS_KEPT ? k : DETECT_TARGETS_KEPT;
	f->targets = tg;
	f->ports = ports;
	f->n_ports = detect_sort_u16_unique(ports, np);
	f->open_ports = open;
	f->n_open = detect_sort_u16_unique(open, no);
	if (proto == IPPROTO_NUM_TCP) {
		int best = 0;
		for (int c = 1; c < FC_N; c++)
			if (fc[c] > fc[best])
				best = c;
		static const uint8_t map[FC_N] = {TECH_SYN, TECH_FIN,	 TECH_NULL, TECH_XMAS,
						  TECH_ACK, TECH_MAIMON, TECH_ODD,  TECH_TCP,
						  TECH_OTHER, TECH_OTHER};
		f->technique = (uint64_t)fc[best] * 10 >= hit * 9 ? map[best] : TECH_MIXED;
		if ((uint64_t)nmap * 10 >= hit * 9) {
			f->tool = "nmap";
			snprintf(f->tool_evidence, sizeof(f->tool_evidence),
				 "window 1024-4096 and nmap's option set on %u/%zu probes", nmap, hit);
		}
	} else {
		f->technique = proto == IPPROTO_NUM_UDP ? TECH_UDP : TECH_SCTP;
	}
	f->inside = (uint8_t)inside;
	if (all_allow)
		f->allow = detect_allow_match(cfg, &f->src);
	/* what they share */
	if (g->key >> 63) {
		char sb[96];
		describe_sig(sb, sizeof(sb), (uint32_t)g->key);
		snprintf(f->group_evidence, sizeof(f->group_evidence), "the same probe signature (%s)",
			 sb);
	} else {
		char a[ADDR_STRLEN];
		struct ip_addr net = f->src;
		memset(net.b + (addr_is_v4(&net) ? 15 : 8), 0, addr_is_v4(&net) ? 1 : 8);
		snprintf(f->group_evidence, sizeof(f->group_evidence), "addresses in one network (%s/%u)",
			 addr_format(&net, a), addr_is_v4(&net) ? 24 : 64);
	}
	free(per);
	free(u);
}

/* Same members and shape as an earlier group finding (found under the
 * other key): add this key's evidence to it instead. */
static int merge_duplicate(struct dist_out *out, size_t from)
{
	struct finding *f = &out->items[out->n - 1];
	for (size_t i = from; i + 1 < out->n; i++) {
		struct finding *e = &out->items[i];
		if (e->n_members != f->n_members || e->proto != f->proto ||
		    memcmp(e->members, f->members, e->n_members * sizeof(*e->members)) != 0)
			continue;
		size_t len = strlen(e->group_evidence);
		snprintf(e->group_evidence + len, sizeof(e->group_evidence) - len, " and %s",
			 f->group_evidence);
		free(f->members);
		free(f->targets);
		free(f->ports);
		free(f->open_ports);
		out->n--;
		return 1;
	}
	return 0;
}

static void *want_part_run(void *arg)
{
	struct want_part *wp = arg;
	detect_each_wanted_part(wp->d, wp->part, wp->nparts, wp->w->hashes, wp->w->n_hashes, want_fn,
				copy_fn, wp);
	return NULL;
}

static int cmp_u32(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	return a < b ? -1 : a > b;
}

static int cmp_want_addr(const void *pa, const void *pb)
{
	const struct want_addr *a = pa, *b = pb;
	return memcmp(a->a.b, b->a.b, 16);
}

/* What the cap of DIST_MAX_CONTACTS lets each wanted source copy (its
 * busiest window's TCP, UDP and SCTP contacts, burst_copy of them), and
 * where in the pool: the sources taken by address, so that the same input
 * gives the same groups on every run (the walk's order follows a keyed
 * hash, drawn per run); and the wanted sources' hashes, sorted, by which
 * the walk skips the others. */
static void want_shares(struct want *w, size_t ns)
{
	struct want_addr *v = xmalloc((ns ? ns : 1) * sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < ns; i++)
		if (w->slots[i]) {
			v[n].si = w->slots[i] - 1;
			v[n++].a = w->srcs[w->slots[i] - 1].addr;
		}
	qsort(v, n, sizeof(*v), cmp_want_addr);
	size_t room = DIST_MAX_CONTACTS;
	for (size_t i = 0; i < n; i++) {
		uint32_t want = w->srcs[v[i].si].burst_copy;
		uint32_t take = want < room ? want : (uint32_t)room;
		w->refused |= take < want;
		w->take[v[i].si] = take;
		w->off[v[i].si] = (uint32_t)(DIST_MAX_CONTACTS - room);
		room -= take;
	}
	w->pool = xmalloc((DIST_MAX_CONTACTS - room + 1) * sizeof(*w->pool));
	w->hashes = xmalloc((n ? n : 1) * sizeof(*w->hashes));
	for (size_t i = 0; i < n; i++)
		w->hashes[i] = detect_source_hash(&v[i].a);
	qsort(w->hashes, n, sizeof(*w->hashes), cmp_u32);
	w->n_hashes = n;
	free(v);
}

/* The wanted sources' contacts in their busiest windows (as many as
 * want_shares let each have) copied to the pool, in `threads` parts of
 * the sources at once. */
static void want_walk(struct detector *d, struct want *w, unsigned threads)
{
	detect_flush(d); /* (before the parts read it at once) */
	unsigned np = threads ? threads : 1;
	struct want_part *parts = xcalloc(np, sizeof(*parts));
	for (unsigned k = 0; k < np; k++) {
		parts[k].w = w;
		parts[k].d = d;
		parts[k].part = k;
		parts[k].nparts = np;
	}
	run_on_threads(want_part_run, parts, sizeof(*parts), np);
	free(parts);
}

/* The candidate groups analysed by several threads at once: each takes
 * the next group (they differ in size by orders of magnitude) and keeps
 * its findings in its own list; res says, per group and protocol, whose
 * list and where, so that they are put together in the groups' order. */
static const uint8_t dist_protos[] = {IPPROTO_NUM_TCP, IPPROTO_NUM_UDP, IPPROTO_NUM_SCTP};
#define DIST_NPROTOS ARRAY_LEN(dist_protos)

struct group_res {
	uint32_t worker; /* UINT32_MAX: no finding */
	uint32_t idx;
};

struct group_jobs {
	const struct detect_config *cfg;
	const struct dist_src *srcs;
	const struct group *gs;
	size_t ng;
	const struct want *w;
	atomic_size_t next;
	struct group_res *res; /* ng * DIST_NPROTOS */
};

struct group_worker {
	struct group_jobs *jobs;
	uint32_t id;
	struct group_scratch scratch;
	struct dist_out out;
};

static void *group_worker_run(void *arg)
{
	struct group_worker *gw = arg;
	struct group_jobs *j = gw->jobs;
	for (;;) {
		size_t i = atomic_fetch_add(&j->next, 1);
		if (i >= j->ng)
			break;
		for (size_t p = 0; p < DIST_NPROTOS; p++) {
			size_t before = gw->out.n;
			analyse_group(j->cfg, j->srcs, &j->gs[i], j->w, dist_protos[p], &gw->scratch,
				      &gw->out);
			struct group_res *r = &j->res[i * DIST_NPROTOS + p];
			r->worker = gw->out.n > before ? gw->id : UINT32_MAX;
			r->idx = (uint32_t)before;
		}
	}
	return NULL;
}

/* Every group analysed (on up to threads threads), its findings appended
 * to out in the groups' order, each merged into an earlier one of the
 * same members (merge_duplicate) as it comes. */
static void analyse_groups(const struct detect_config *cfg, const struct dist_src *srcs,
			   const struct group *gs, size_t ng, const struct want *w, unsigned threads,
			   struct dist_out *out)
{
	if (threads < 1)
		threads = 1;
	if (threads > ng)
		threads = (unsigned)ng;
	struct group_jobs j = {.cfg = cfg, .srcs = srcs, .gs = gs, .ng = ng, .w = w};
	atomic_init(&j.next, 0);
	j.res = xmalloc(ng * DIST_NPROTOS * sizeof(*j.res));
	struct group_worker *gw = xcalloc(threads, sizeof(*gw));
	for (unsigned k = 0; k < threads; k++) {
		gw[k].jobs = &j;
		gw[k].id = k;
		group_scratch_init(&gw[k].scratch);
	}
	run_on_threads(group_worker_run, gw, sizeof(*gw), threads);
	size_t from = out->n;
	for (size_t i = 0; i < ng * DIST_NPROTOS; i++) {
		if (j.res[i].worker == UINT32_MAX)
			continue;
		out->items = xgrow(out->items, &out->cap, out->n + 1, sizeof(*out->items));
		out->items[out->n++] = gw[j.res[i].worker].out.items[j.res[i].idx];
		merge_duplicate(out, from);
	}
	for (unsigned k = 0; k < threads; k++) {
		free(gw[k].out.items); /* (the findings' arrays now belong to out's) */
		group_scratch_free(&gw[k].scratch);
	}
	free(gw);
	free(j.res);
}

void detect_distributed(struct detector *d, const struct detect_config *cfg, struct dist_src *srcs,
			size_t n, unsigned threads, struct dist_out *out)
{
	if (!cfg->dist_sources || n < cfg->dist_sources)
		return;
	struct member_key *mk = xmalloc(n * 2 * sizeof(*mk));
	size_t nk = 0;
	for (size_t i = 0; i < n; i++) {
		/* untimed: "together" cannot be told; fewer contacts than a
		 * slice: no member (and most of the background is such) */
		if (!srcs[i].burst_ns || srcs[i].burst_n < DIST_MIN_SLICE)
			continue;
		mk[nk].key = net_key(&srcs[i].addr);
		mk[nk].first_ns = srcs[i].burst_ns;
		mk[nk++].src = (uint32_t)i;
		if (sig_shared(srcs[i].sig)) {
			mk[nk].key = 1ull << 63 | srcs[i].sig;
			mk[nk].first_ns = srcs[i].burst_ns;
			mk[nk++].src = (uint32_t)i;
		}
	}
	qsort(mk, nk, sizeof(*mk), cmp_member_key);
	/* candidate groups: a run of one key whose members' busiest windows
	 * chain together, each starting within the window of the one before */
	struct group *gs = NULL;
	size_t ng = 0, cap = 0;
	for (size_t a = 0, b; a < nk; a = b) {
		for (b = a + 1; b < nk && mk[b].key == mk[a].key &&
				mk[b].first_ns <= mk[b - 1].first_ns + cfg->window_ns &&
				b - a < DIST_MAX_MEMBERS;
		     b++)
			;
		if (b - a < cfg->dist_sources)
			continue;
		/* enough contacts for the union to reach the thresholds? */
		uint64_t sum = 0;
		for (size_t q = a; q < b; q++)
			sum += srcs[mk[q].src].burst_n;
		if (sum < (uint64_t)cfg->sweep_hosts * DIST_FACTOR &&
		    sum * cfg->weight_low < (uint64_t)cfg->port_score * DIST_FACTOR &&
		    sum * cfg->weight_high < (uint64_t)cfg->port_score * DIST_FACTOR)
			continue;
		gs = xgrow(gs, &cap, ng + 1, sizeof(*gs));
		gs[ng].key = mk[a].key;
		gs[ng].n = b - a;
		gs[ng].src = xmalloc((b - a) * sizeof(uint32_t));
		for (size_t q = a; q < b; q++)
			gs[ng].src[q - a] = mk[q].src;
		ng++;
	}
	free(mk);
	if (!ng)
		return;
	/* second pass: the members' contacts */
	struct want w;
	memset(&w, 0, sizeof(w));
	w.srcs = srcs;
	w.window_ns = cfg->window_ns;
	size_t ns = 16;
	for (size_t i = 0; i < ng; i++)
		while (ns < gs[i].n * 4)
			ns *= 2;
	size_t total = 0;
	for (size_t i = 0; i < ng; i++)
		total += gs[i].n;
	while (ns < total * 2)
		ns *= 2;
	w.slots = xcalloc(ns, sizeof(*w.slots));
	w.mask = ns - 1;
	w.off = xcalloc(n, sizeof(*w.off));
	w.cnt = xcalloc(n, sizeof(*w.cnt));
	for (size_t i = 0; i < ng; i++)
		for (size_t q = 0; q < gs[i].n; q++) {
			size_t pos = want_pos(&w, &srcs[gs[i].src[q]].addr);
			if (!w.slots[pos])
				w.slots[pos] = gs[i].src[q] + 1;
		}
	w.take = xcalloc(n, sizeof(*w.take));
	want_shares(&w, ns);
	want_walk(d, &w, threads);
	analyse_groups(cfg, srcs, gs, ng, &w, threads, out);
	for (size_t i = 0; i < ng; i++)
		free(gs[i].src);
	free(gs);
	free(w.slots);
	free(w.off);
	free(w.cnt);
	free(w.take);
	free(w.pool);
	free(w.hashes);
}
