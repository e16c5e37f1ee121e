/* From merged per-source state to findings. Each source's first contacts
 * are sorted by time and examined per target (vertical: scanlogd-weighted
 * distinct ports within the window), per port (horizontal: distinct
 * hosts), per ICMP request type (ping sweeps), per target across protocol
 * numbers (IP-protocol scans), per login service (hammering), and with
 * Threshold Random Walk over the outcomes of first contacts to distinct
 * hosts (Jung et al., IEEE S&P 2004). What the short window misses is
 * tried again over the slow window. Sources with no finding are summed per
 * service as background. */
#include "detect/detect.h"

#include <endian.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hash.h"
#include "core/timeconv.h"
#include "core/util.h"
#include "detect/detect_internal.h"

/* Marks on contacts: which finding (kind and pace) took them. */
#define M_VB 0x01 /* vertical, burst */
#define M_HB 0x02 /* horizontal, burst */
#define M_VS 0x04 /* vertical, slow */
#define M_HS 0x08 /* horizontal, slow */
#define M_BURST (M_VB | M_HB)
#define M_SLOW (M_VS | M_HS)

/* A contact as grouped: in time order, with the id of its group (its
 * target, or its port); groups are formed by a stable counting sort, so
 * time order holds inside each group. */
struct rec {
	int64_t t;
	uint32_t idx;  /* into the source's contacts */
	uint32_t gid;
	uint16_t port;
	uint8_t proto;
};

struct bg_cell { /* 16 bytes: 1 MB a protocol, touched at random */
	uint32_t sources; /* (saturating) */
	uint32_t stamp;   /* the last source counted here */
	uint64_t events;
};

/* A background contact to be counted: its protocol and port, its
 * source's serial and its events. */
struct bg_pending {
	uint8_t proto;
	uint16_t port;
	uint32_t serial;
	uint32_t count;
};

#define BG_QUEUE 4096
#define BG_AHEAD 16

struct ctx {
	const struct detect_config *cfg;
	struct finding *items;
	size_t n, cap;
	/* scratch, sized for the largest source */
	size_t scratch_cap;
	struct rec *recs, *recs2;
	uint8_t *mark;
	uint32_t *cnt;      /* counting sort: groups + 1 */
	uint32_t *tgt;      /* per contact: target group id */
	uint32_t *tgt_first; /* per target group: its first contact */
	uint32_t *seen;     /* per target group: stamp */
	uint32_t *dslots;   /* target hash: group id + 1 */
	size_t dslots_cap;
	uint32_t n_tgt;     /* target groups of the current source */
	uint32_t *port_gid, *port_stamp; /* 65536 each */
	uint32_t stamp;
	uint32_t serial;    /* sources seen, for bg_cell.stamp */
	/* background per (proto, port): tcp, udp, sctp by port; icmp, icmpv6 by
	 * type; other protocols by number */
	struct bg_cell *bg_tcp, *bg_udp, *bg_sctp, *bg_icmp, *bg_icmp6, *bg_proto;
	struct bg_pending *bg_q; /* counts on their way to the cells (background_flush) */
	size_t bg_nq;
	struct detect_findings *out;
	uint32_t min_n;        /* contacts below which only hammering can fire */
	uint32_t min_n_no_trw; /* the same for a source no TRW outcome is known for */
	struct dist_src *dist; /* every source's summary, for distributed.c */
	uint64_t *dist_order;  /* and its source's src_view.order */
	size_t n_dist, cap_dist, cap_dist_order;
	uint64_t order;        /* the current source's findings: order base */
	uint32_t order_seq;    /* and the next one's place among them */
	struct bg_cc *bg_cc;   /* background per country (cfg->country), BG_CC_N */
};

/* Background per country: "AA".."ZZ" by index, then unknown. */
#define BG_CC_N (26 * 26 + 1)
struct bg_cc {
	uint64_t sources, events;
};

/* ---- small helpers --------------------------------------------------------- */

static int cmp_addr(const struct ip_addr *a, const struct ip_addr *b)
{
	return memcmp(a->b, b->b, 16);
}

static int cmp_addr_v(const void *pa, const void *pb)
{
	return cmp_addr(pa, pb);
}

/* a before b in address order (memcmp's), as two big-endian halves */
static inline int addr_before(const struct ip_addr *a, const struct ip_addr *b)
{
	uint64_t a0, a1, b0, b1;
	memcpy(&a0, a->b, 8);
	memcpy(&a1, a->b + 8, 8);
	memcpy(&b0, b->b, 8);
	memcpy(&b1, b->b + 8, 8);
	a0 = be64toh(a0);
	b0 = be64toh(b0);
	if (a0 != b0)
		return a0 < b0;
	return be64toh(a1) < be64toh(b1);
}

void detect_sort_addrs(struct ip_addr *a, size_t n)
{
	if (n > 32) {
		qsort(a, n, sizeof(*a), cmp_addr_v);
		return;
	}
	/* a finding's few targets: insertion sort, no call a comparison */
	for (size_t i = 1; i < n; i++) {
		struct ip_addr v = a[i];
		size_t j = i;
		for (; j > 0 && addr_before(&v, &a[j - 1]); j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

size_t detect_sort_u16_unique(uint16_t *a, size_t n)
{
	if (n <= 32) { /* insertion sort */
		for (size_t i = 1; i < n; i++) {
			uint16_t v = a[i];
			size_t j = i;
			for (; j > 0 && a[j - 1] > v; j--)
				a[j] = a[j - 1];
			a[j] = v;
		}
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (!k || a[k - 1] != a[i])
				a[k++] = a[i];
		return k;
	}
	/* a set bit per value, read back in order: a scanner's thousand ports
	 * cost a few thousand steps, not a comparison sort's */
	uint64_t bits[65536 / 64];
	memset(bits, 0, sizeof(bits));
	for (size_t i = 0; i < n; i++)
		bits[a[i] >> 6] |= 1ull << (a[i] & 63);
	size_t k = 0;
	for (size_t w = 0; w < 65536 / 64; w++)
		for (uint64_t b = bits[w]; b; b &= b - 1)
			a[k++] = (uint16_t)(w * 64 + (unsigned)__builtin_ctzll(b));
	return k;
}

/* Room for a source of n contacts in every scratch array. */
static void scratch_reserve(struct ctx *x, size_t n)
{
	if (n <= x->scratch_cap)
		return;
	size_t cap = x->scratch_cap ? x->scratch_cap : 64;
	while (cap < n)
		cap *= 2;
	x->recs = xrealloc(x->recs, cap * sizeof(*x->recs));
	x->recs2 = xrealloc(x->recs2, cap * sizeof(*x->recs2));
	x->mark = xrealloc(x->mark, cap);
	x->cnt = xrealloc(x->cnt, (cap + 1) * sizeof(*x->cnt));
	x->tgt = xrealloc(x->tgt, cap * sizeof(*x->tgt));
	x->tgt_first = xrealloc(x->tgt_first, cap * sizeof(*x->tgt_first));
	x->seen = xrealloc(x->seen, cap * sizeof(*x->seen));
	/* stamps start at 1: a fresh entry must not look stamped */
	memset(x->seen + x->scratch_cap, 0, (cap - x->scratch_cap) * sizeof(*x->seen));
	x->scratch_cap = cap;
}

/* Few contacts (most sources): a scan of the targets found so far costs
 * less than hashing and clearing a table, and gives the same groups. */
#define GROUP_LINEAR_MAX 16

static void group_targets_linear(struct ctx *x, const struct src_view *s)
{
	uint32_t ng = 0;
	for (uint32_t i = 0; i < s->n; i++) {
		const struct ip_addr *a = &s->c[i].dst;
		uint32_t g = ng;
		if (i && addr_eq(a, &s->c[i - 1].dst))
			g = x->tgt[i - 1];
		for (uint32_t k = 0; g == ng && k < ng; k++)
			if (addr_eq(&s->c[x->tgt_first[k]].dst, a))
				g = k;
		if (g == ng)
			x->tgt_first[ng++] = i;
		x->tgt[i] = g;
	}
	x->n_tgt = ng;
}

/* Target group of every contact (first-seen order). Targets are chosen by
 * whoever sent the probes, so the table is keyed (hash_bytes). */
static void group_targets(struct ctx *x, const struct src_view *s)
{
	if (s->n <= GROUP_LINEAR_MAX) {
		group_targets_linear(x, s);
		return;
	}
	size_t need = 16;
	while (need < (size_t)s->n * 2)
		need *= 2;
	if (need > x->dslots_cap) {
		free(x->dslots);
		x->dslots = xmalloc(need * sizeof(*x->dslots));
		x->dslots_cap = need;
	}
	memset(x->dslots, 0, need * sizeof(*x->dslots));
	size_t mask = need - 1;
	uint32_t ng = 0;
	for (uint32_t i = 0; i < s->n; i++) {
		const struct ip_addr *a = &s->c[i].dst;
		/* runs of the same target are common: no hash needed */
		if (i && addr_eq(a, &s->c[i - 1].dst)) {
			x->tgt[i] = x->tgt[i - 1];
			continue;
		}
		size_t pos = (size_t)hash_16(a->b) & mask;
		for (;;) {
			uint32_t g = x->dslots[pos];
			if (!g) {
				x->dslots[pos] = ng + 1;
				x->tgt_first[ng] = i;
				x->tgt[i] = ng++;
				break;
			}
			if (addr_eq(&s->c[x->tgt_first[g - 1]].dst, a)) {
				x->tgt[i] = g - 1;
				break;
			}
			pos = (pos + 1) & mask;
		}
	}
	x->n_tgt = ng;
}

/* The contacts of one protocol (all protocols if proto < 0), in time
 * order, grouped by target. Returns their number. */
static size_t collect(struct ctx *x, const struct src_view *s, int proto)
{
	size_t m = 0;
	for (uint32_t i = 0; i < s->n; i++) {
		const struct contact *k = &s->c[i];
		if (proto >= 0 && k->proto != proto)
			continue;
		struct rec *r = &x->recs[m++];
		r->t = k->first_ns;
		r->idx = i;
		r->gid = x->tgt[i];
		r->port = k->port;
		r->proto = k->proto;
	}
	return m;
}

/* Stable counting sort of r[0..m) by gid (< ngroups). */
static void group_sort(struct ctx *x, struct rec *r, size_t m, uint32_t ngroups)
{
	uint32_t *cnt = x->cnt;
	memset(cnt, 0, ((size_t)ngroups + 1) * sizeof(*cnt));
	for (size_t i = 0; i < m; i++)
		cnt[r[i].gid + 1]++;
	for (uint32_t g = 0; g < ngroups; g++)
		cnt[g + 1] += cnt[g];
	for (size_t i = 0; i < m; i++)
		x->recs2[cnt[r[i].gid]++] = r[i];
	memcpy(r, x->recs2, m * sizeof(*r));
}

static void by_target(struct ctx *x, struct rec *r, size_t m)
{
	for (size_t i = 0; i < m; i++)
		r[i].gid = x->tgt[r[i].idx];
	group_sort(x, r, m, x->n_tgt);
}

/* The per-port arrays, made on first use: most runs have few scanners. */
static void port_tables(struct ctx *x)
{
	if (!x->port_gid) {
		x->port_gid = xcalloc_written(65536, sizeof(uint32_t));
		x->port_stamp = xcalloc_written(65536, sizeof(uint32_t));
	}
}

static void by_port(struct ctx *x, struct rec *r, size_t m)
{
	uint32_t ng = 0;
	port_tables(x);
	x->stamp++;
	for (size_t i = 0; i < m; i++) {
		uint16_t p = r[i].port;
		if (x->port_stamp[p] != x->stamp) {
			x->port_stamp[p] = x->stamp;
			x->port_gid[p] = ng++;
		}
		r[i].gid = x->port_gid[p];
	}
	group_sort(x, r, m, ng);
}

/* ---- windows ----------------------------------------------------------------- */

static unsigned port_weight(const struct detect_config *cfg, uint8_t proto, uint16_t port)
{
	if (proto != IPPROTO_NUM_TCP && proto != IPPROTO_NUM_UDP && proto != IPPROTO_NUM_SCTP &&
	    proto != IPPROTO_NUM_UDPLITE)
		return 1;
	return port < 1024 ? cfg->weight_low : cfg->weight_high;
}

/* One group (same target, or same port) sorted by time. Splits it into
 * episodes (gaps no longer than win, ignoring contacts marked skip), finds
 * each episode's best window of length win, and marks every contact of an
 * episode whose best window reaches thr. weighted: use port weights (a
 * vertical group), else 1 per contact. Returns the number of episodes hit. */
static unsigned window_hits(const struct ctx *x, const struct rec *g,
			    size_t m, int64_t win, unsigned thr, int weighted, uint8_t bit,
			    uint8_t skip, uint8_t *mark)
{
	unsigned wmax = 1; /* the most one contact can add (port_weight) */
	if (x->cfg->weight_low > wmax)
		wmax = x->cfg->weight_low;
	if (x->cfg->weight_high > wmax)
		wmax = x->cfg->weight_high;
	/* the whole group cannot reach thr (most groups are a probe or two) */
	if ((uint64_t)m * (weighted ? wmax : 1) < thr)
		return 0;
	unsigned hits = 0;
	size_t i = 0;
	while (i < m) {
		if (mark[g[i].idx] & skip) {
			i++;
			continue;
		}
		size_t start = i, j = i, k;
		uint64_t score = 0, best = 0;
		int64_t prev = g[i].t;
		for (k = i; k < m; k++) {
			if (mark[g[k].idx] & skip)
				continue;
			int64_t t = g[k].t;
			if (k != start && t - prev > win)
				break;
			prev = t;
			score += weighted ? port_weight(x->cfg, g[k].proto, g[k].port) : 1;
			while (t - g[j].t > win) {
				if (!(mark[g[j].idx] & skip))
					score -= weighted ? port_weight(x->cfg, g[j].proto, g[j].port) : 1;
				j++;
			}
			if (score > best)
				best = score;
		}
		if (best >= thr) {
			hits++;
			for (size_t q = start; q < k; q++)
				if (!(mark[g[q].idx] & skip))
					mark[g[q].idx] |= bit;
		}
		i = k;
	}
	return hits;
}

/* Distinct protocol numbers per target within the window (nmap -sO).
 * Marks the contacts of an episode that reaches the threshold. */
static unsigned proto_hits(const struct ctx *x, const struct rec *g, size_t m, int64_t win,
			   uint8_t *mark, uint8_t bit)
{
	unsigned hits = 0;
	uint32_t cnt[256];
	size_t i = 0;
	if (m < x->cfg->proto_count) /* fewer contacts than protocols needed */
		return 0;
	while (i < m) {
		memset(cnt, 0, sizeof(cnt));
		size_t start = i, j = i, k;
		unsigned distinct = 0, best = 0;
		int64_t prev = g[i].t;
		for (k = i; k < m; k++) {
			int64_t t = g[k].t;
			if (k != start && t - prev > win)
				break;
			prev = t;
			if (cnt[g[k].proto]++ == 0)
				distinct++;
			while (t - g[j].t > win) {
				if (--cnt[g[j].proto] == 0)
					distinct--;
				j++;
			}
			if (distinct > best)
				best = distinct;
		}
		if (best >= x->cfg->proto_count) {
			hits++;
			for (size_t q = start; q < k; q++)
				mark[g[q].idx] |= bit;
		}
		i = k;
	}
	return hits;
}

/* ---- building a finding ------------------------------------------------------ */

/* struct finding.order: the source's src_view.order (detector << 32 |
 * index; below 2^12 detectors, 2^30 sources) above ORDER_SEQ_BITS bits of
 * the finding's place among the source's; distributed findings last. */
#define ORDER_SEQ_BITS 20
#define ORDER_SEQ_MAX ((1u << ORDER_SEQ_BITS) - 1)
#define ORDER_DISTRIBUTED (0xfffull << 52)

static uint64_t finding_order_base(uint64_t view_order)
{
	return (view_order >> 32) << 52 | (view_order & 0xffffffffu) << ORDER_SEQ_BITS;
}

static struct finding *new_finding(struct ctx *x, const struct src_view *s, enum finding_type type,
				   uint8_t proto, int slow)
{
	x->items = xgrow(x->items, &x->cap, x->n + 1, sizeof(*x->items));
	struct finding *f = &x->items[x->n++];
	memset(f, 0, sizeof(*f));
	f->src = s->addr;
	f->type = (uint8_t)type;
	f->proto = proto;
	f->slow = (uint8_t)slow;
	f->truncated = s->truncated;
	f->order = x->order | (x->order_seq < ORDER_SEQ_MAX ? x->order_seq++ : ORDER_SEQ_MAX);
	return f;
}

/* Fill targets, ports, times, counts, technique and tool from the members
 * (contact indices). portmode: 0 ports, 1 protocol numbers. */
static void fill_members(struct ctx *x, struct finding *f, const struct src_view *s,
			 const uint32_t *mem, size_t nm, int portmode)
{
	const struct contact *c = s->c;
	struct ip_addr *tg = xmalloc(nm * sizeof(*tg));
	uint16_t *ports = xmalloc(nm * sizeof(*ports));
	uint16_t *open = xmalloc(nm * sizeof(*open));
	size_t n_open = 0;
	uint32_t fcount[FC_N] = {0};
	uint32_t fpc[FP_BITS] = {0};
	uint32_t n_tcp = 0;
	const struct contact *first = NULL;
	f->start_ns = 0;
	f->end_ns = 0;
	for (size_t i = 0; i < nm; i++) {
		const struct contact *k = &c[mem[i]];
		tg[i] = k->dst;
		ports[i] = portmode ? k->proto : k->port;
		if (k->succ)
			open[n_open++] = portmode ? k->proto : k->port;
		f->events += k->count;
		f->failures += k->fails;
		f->dark_hits += (uint32_t)detect_is_dark(x->cfg, &k->dst);
		/* answered; for hammering, only a login counts: a connection
		 * that was opened and then failed to log in is no success */
		if (k->outcomes & ((f->type == FINDING_HAMMER ? 0u : 1u << EVENT_OUTCOME_OPEN) |
				   (1u << EVENT_OUTCOME_AUTH_SUCCESS)))
			f->successes++;
		if (!first || contact_order(k, first) < 0)
			first = k;
		if (k->first_ns && (!f->start_ns || k->first_ns < f->start_ns))
			f->start_ns = k->first_ns;
		int64_t e = contact_last_ns(k);
		if (e > f->end_ns)
			f->end_ns = e;
		if (k->proto == IPPROTO_NUM_TCP) {
			n_tcp++;
			fcount[k->fclass]++;
			for (int b = 0; b < FP_BITS; b++)
				if (k->fp & (1u << b))
					fpc[b]++;
		} else if (k->fp & FP_ZMAP) {
			fpc[1]++; /* FP_ZMAP is bit 1 */
		}
	}
	f->probes = nm;
	if (first) {
		f->first_unit = first->unit;
		f->first_line = first->line;
	}
	/* targets: distinct (by the target groups of group_targets), sorted,
	 * lowest kept */
	size_t nt = 0;
	x->stamp++;
	for (size_t i = 0; i < nm; i++) {
		uint32_t g = x->tgt[mem[i]];
		if (x->seen[g] != x->stamp) {
			x->seen[g] = x->stamp;
			tg[nt++] = c[mem[i]].dst;
		}
	}
	detect_sort_addrs(tg, nt);
	f->n_targets = nt;
	if (nt) {
		f->target_lo = tg[0];
		f->target_hi = tg[nt - 1];
	}
	f->n_targets_kept = nt < DETECT_TARGETS_KEPT ? nt : DETECT_TARGETS_KEPT;
	f->targets = xmalloc((f->n_targets_kept ? f->n_targets_kept : 1) * sizeof(*f->targets));
	memcpy(f->targets, tg, f->n_targets_kept * sizeof(*tg));
	free(tg);
	/* ports: distinct, sorted */
	f->ports = ports;
	f->n_ports = detect_sort_u16_unique(ports, nm);
	f->open_ports = open;
	f->n_open = detect_sort_u16_unique(open, n_open);
	size_t np = f->n_ports;

	/* technique */
	if (portmode) {
		f->technique = TECH_IP_PROTO;
		if (np >= 128) {
			f->tool = "nmap -sO";
			snprintf(f->tool_evidence, sizeof(f->tool_evidence),
				 "%zu of the 256 protocol numbers (nmap -sO tries all of them)", np);
		}
	} else if (f->proto == IPPROTO_NUM_TCP && n_tcp) {
		int best = 0;
		for (int k = 1; k < FC_N; k++)
			if (fcount[k] > fcount[best])
				best = k;
		static const uint8_t map[FC_N] = {TECH_SYN, TECH_FIN,	 TECH_NULL, TECH_XMAS,
						  TECH_ACK, TECH_MAIMON, TECH_ODD,  TECH_TCP,
						  TECH_OTHER, TECH_OTHER};
		if ((uint64_t)fcount[best] * 10 >= (uint64_t)n_tcp * 9) {
			f->technique = map[best];
			if (best == FC_SYN && (uint64_t)fpc[6] * 10 >= (uint64_t)n_tcp * 9)
				f->technique = TECH_CONNECT; /* FP_OSOPTS is bit 6 */
		} else {
			f->technique = TECH_MIXED;
		}
		/* tool: from the first contacts, or for hammering (few contacts,
		 * many attempts) from every probe of the source */
		if (f->type == FINDING_HAMMER) {
			n_tcp = s->probes > UINT32_MAX ? UINT32_MAX : (uint32_t)s->probes;
			memcpy(fpc, s->fp, sizeof(fpc));
		}
		uint32_t nz = fpc[1], nmas = fpc[2], nmir = fpc[3], nn = fpc[0];
		if (nz * 10 >= n_tcp * 9) {
			f->tool = "zmap";
			snprintf(f->tool_evidence, sizeof(f->tool_evidence), "IP ID 54321 on %u/%u probes",
				 nz, n_tcp);
		} else if (nmas * 10 >= n_tcp * 9 && n_tcp >= 3) {
			f->tool = "masscan";
			snprintf(f->tool_evidence, sizeof(f->tool_evidence),
				 "IP ID = destination ^ port ^ sequence on %u/%u probes", nmas, n_tcp);
		} else if (nmir * 10 >= n_tcp * 9) {
			f->tool = "Mirai";
			snprintf(f->tool_evidence, sizeof(f->tool_evidence),
				 "sequence number = destination address on %u/%u probes", nmir, n_tcp);
		} else if (nn * 10 >= n_tcp * 9) {
			static const char *const nmap_flag[TECH_COUNT] = {
				[TECH_SYN] = "nmap -sS",  [TECH_FIN] = "nmap -sF", [TECH_NULL] = "nmap -sN",
				[TECH_XMAS] = "nmap -sX", [TECH_ACK] = "nmap -sA", [TECH_MAIMON] = "nmap -sM",
			};
			f->tool = nmap_flag[f->technique] ? nmap_flag[f->technique] : "nmap";
			if (f->technique == TECH_SYN)
				snprintf(f->tool_evidence, sizeof(f->tool_evidence),
					 "window 1024-4096 and only an MSS option on %u/%u probes", nn,
					 n_tcp);
			else
				snprintf(f->tool_evidence, sizeof(f->tool_evidence),
					 "window 1024-4096 and no TCP options on %u/%u probes", nn, n_tcp);
		}
	} else if (f->proto == IPPROTO_NUM_UDP || f->proto == IPPROTO_NUM_UDPLITE) {
		f->technique = TECH_UDP;
	} else if (f->proto == IPPROTO_NUM_SCTP) {
		f->technique = TECH_SCTP;
	} else if (f->proto == EVENT_PROTO_ARP) {
		f->technique = TECH_ARP;
	} else if (f->proto == IPPROTO_NUM_ICMP || f->proto == IPPROTO_NUM_ICMPV6) {
		f->technique = TECH_ICMP;
		if (fpc[1] * 10 >= nm * 9) {
			f->tool = "zmap";
			snprintf(f->tool_evidence, sizeof(f->tool_evidence), "IP ID 54321 on %u/%zu probes",
				 fpc[1], nm);
		}
	} else {
		f->technique = TECH_OTHER;
	}
}

static void emit_members(struct ctx *x, const struct src_view *s, enum finding_type type,
			 uint8_t proto, int slow, const uint8_t *mark, uint8_t bits, int portmode,
			 const struct rec *r, size_t m)
{
	uint32_t *mem = xmalloc((m ? m : 1) * sizeof(*mem));
	size_t nm = 0;
	for (size_t i = 0; i < m; i++)
		if (mark[r[i].idx] & bits)
			mem[nm++] = r[i].idx;
	if (nm) {
		struct finding *f = new_finding(x, s, type, proto, slow);
		fill_members(x, f, s, mem, nm, portmode);
	}
	free(mem);
}

/* ---- per-source analyses ----------------------------------------------------- */

/* Runs of equal gid in r[0..m) (grouped): body sees r[g0..g1). */
#define FOR_GROUPS(r, m, body)                                                           \
	for (size_t g0 = 0, g1; g0 < (m); g0 = g1) {                                     \
		for (g1 = g0 + 1; g1 < (m) && (r)[g1].gid == (r)[g0].gid; g1++)          \
			;                                                                \
		body                                                                     \
	}

/* Could any window of r[0..m) (collected, grouped by target) reach a
 * threshold? Bounds before any sorting: the contacts on one target (each
 * worth at most wmax) and on one port, over the whole time. Most sources
 * with a handful of contacts stop here. */
static int ports_may_hit(struct ctx *x, const struct rec *r, size_t m, unsigned wmax)
{
	const struct detect_config *cfg = x->cfg;
	uint32_t *cnt = x->cnt;
	uint32_t best = 0;
	memset(cnt, 0, (size_t)x->n_tgt * sizeof(*cnt));
	for (size_t i = 0; i < m; i++)
		if (++cnt[r[i].gid] > best)
			best = cnt[r[i].gid];
	if ((uint64_t)best * wmax >= cfg->port_score)
		return 1;
	port_tables(x);
	/* port_gid serves as a count here; by_port assigns it afresh */
	x->stamp++;
	best = 0;
	for (size_t i = 0; i < m; i++) {
		uint16_t p = r[i].port;
		if (x->port_stamp[p] != x->stamp) {
			x->port_stamp[p] = x->stamp;
			x->port_gid[p] = 0;
		}
		if (++x->port_gid[p] > best)
			best = x->port_gid[p];
	}
	return best >= cfg->sweep_hosts;
}

/* TCP, UDP, SCTP: vertical, horizontal and block scans, burst and slow. */
static void analyse_ports(struct ctx *x, const struct src_view *s, uint8_t proto)
{
	const struct detect_config *cfg = x->cfg;
	struct rec *r = x->recs;
	size_t m = collect(x, s, proto);
	unsigned wmax = cfg->weight_low > cfg->weight_high ? cfg->weight_low : cfg->weight_high;
	unsigned min_ports = (cfg->port_score + wmax - 1) / wmax;
	if (m < min_ports && m < cfg->sweep_hosts)
		return;
	if (!ports_may_hit(x, r, m, wmax))
		return;
	uint8_t *mark = x->mark;
	int slow_on = cfg->slow_window_ns > cfg->window_ns;
	unsigned vb = 0, hb = 0, vs = 0, hs = 0;

	by_target(x, r, m);
	FOR_GROUPS(r, m, {
		if (window_hits(x, r + g0, g1 - g0, cfg->window_ns, cfg->port_score, 1, M_VB,
				0, mark))
			vb++;
	})
	by_port(x, r, m);
	FOR_GROUPS(r, m, {
		if (window_hits(x, r + g0, g1 - g0, cfg->window_ns, cfg->sweep_hosts, 0, M_HB,
				0, mark))
			hb++;
		if (slow_on && window_hits(x, r + g0, g1 - g0, cfg->slow_window_ns,
					   cfg->sweep_hosts, 0, M_HS, M_BURST, mark))
			hs++;
	})
	if (slow_on) {
		by_target(x, r, m);
		FOR_GROUPS(r, m, {
			if (window_hits(x, r + g0, g1 - g0, cfg->slow_window_ns, cfg->port_score,
					1, M_VS, M_BURST, mark))
				vs++;
		})
	}
	for (int slow = 0; slow < 2; slow++) {
		unsigned v = slow ? vs : vb, h = slow ? hs : hb;
		if (v + h == 0)
			continue;
		enum finding_type type;
		if (v >= 2 || (v >= 1 && h >= 1) || h >= cfg->block_ports)
			type = FINDING_BLOCK;
		else
			type = v ? FINDING_VERTICAL : FINDING_HORIZONTAL;
		emit_members(x, s, type, proto, slow, mark, slow ? M_SLOW : M_BURST, 0, r, m);
	}
}

/* ICMP and ICMPv6 requests: sweeps over hosts, per request type. */
static void analyse_icmp(struct ctx *x, const struct src_view *s, uint8_t proto)
{
	const struct detect_config *cfg = x->cfg;
	struct rec *r = x->recs;
	size_t m = collect(x, s, proto);
	if (m < cfg->sweep_hosts)
		return;
	uint8_t *mark = x->mark;
	int slow_on = cfg->slow_window_ns > cfg->window_ns;
	unsigned b = 0, sl = 0;
	by_port(x, r, m);
	FOR_GROUPS(r, m, {
		if (window_hits(x, r + g0, g1 - g0, cfg->window_ns, cfg->sweep_hosts, 0, M_HB,
				0, mark))
			b++;
		if (slow_on && window_hits(x, r + g0, g1 - g0, cfg->slow_window_ns,
					   cfg->sweep_hosts, 0, M_HS, M_HB, mark))
			sl++;
	})
	if (b)
		emit_members(x, s, FINDING_PING_SWEEP, proto, 0, mark, M_HB, 0, r, m);
	if (sl)
		emit_members(x, s, FINDING_PING_SWEEP, proto, 1, mark, M_HS, 0, r, m);
}

/* Many protocol numbers on one host. */
static void analyse_protos(struct ctx *x, const struct src_view *s, uint8_t *pmark)
{
	const struct detect_config *cfg = x->cfg;
	struct rec *r = x->recs;
	size_t m = collect(x, s, -1), keep = 0;
	for (size_t i = 0; i < m; i++) /* ARP requests are no IP protocol */
		if (!(r[i].proto == EVENT_PROTO_ARP && r[i].port == 0x0806))
			r[keep++] = r[i];
	m = keep;
	if (m < cfg->proto_count)
		return;
	/* cheap test first: enough distinct protocols at all? */
	uint8_t seen[256] = {0};
	unsigned distinct = 0;
	for (size_t i = 0; i < m; i++)
		if (!seen[r[i].proto]++)
			distinct++;
	if (distinct < cfg->proto_count)
		return;
	by_target(x, r, m);
	unsigned hits = 0, slow_hits = 0;
	int slow_on = cfg->slow_window_ns > cfg->window_ns;
	FOR_GROUPS(r, m, {
		if (proto_hits(x, r + g0, g1 - g0, cfg->window_ns, pmark, 0x01))
			hits++;
	})
	if (slow_on && !hits) {
		FOR_GROUPS(r, m, {
			if (proto_hits(x, r + g0, g1 - g0, cfg->slow_window_ns, pmark, 0x02))
				slow_hits++;
		})
	}
	if (hits)
		emit_members(x, s, FINDING_PROTO_SCAN, 0, 0, pmark, 0x01, 1, r, m);
	else if (slow_hits)
		emit_members(x, s, FINDING_PROTO_SCAN, 0, 1, pmark, 0x02, 1, r, m);
}

/* Login services that are brute-forced (TCP unless noted). */
static int login_service(uint8_t proto, uint16_t port)
{
	static const uint16_t tcp[] = {21,   22,   23,	 25,   110,  143,  445,  465,  587,
				       993,  995,  1433, 1521, 2222, 2323, 3306, 3389, 5432,
				       5900, 5985, 5986, 8291};
	if (proto == IPPROTO_NUM_UDP)
		return port == 5060; /* SIP REGISTER guessing */
	if (proto != IPPROTO_NUM_TCP)
		return 0;
	for (size_t i = 0; i < ARRAY_LEN(tcp); i++)
		if (tcp[i] == port)
			return 1;
	return 0;
}

static void analyse_hammer(struct ctx *x, const struct src_view *s)
{
	const struct detect_config *cfg = x->cfg;
	if (!cfg->hammer_count)
		return;
	struct rec *r = x->recs;
	size_t m = 0;
	for (uint32_t i = 0; i < s->n; i++) {
		const struct contact *k = &s->c[i];
		if (k->fails < cfg->hammer_count || !login_service(k->proto, k->port))
			continue;
		r[m].t = k->first_ns;
		r[m].idx = i;
		r[m].port = k->port;
		r[m].proto = k->proto;
		m++;
	}
	if (!m)
		return;
	/* one finding per service (the only UDP one, 5060, has no TCP twin) */
	by_port(x, r, m);
	uint32_t *mem = xmalloc(m * sizeof(*mem));
	FOR_GROUPS(r, m, {
		size_t nm = 0;
		for (size_t i = g0; i < g1; i++)
			mem[nm++] = r[i].idx;
		struct finding *f = new_finding(x, s, FINDING_HAMMER, r[g0].proto, 0);
		fill_members(x, f, s, mem, nm, 0);
		int64_t span = f->end_ns - f->start_ns;
		/* burst: attempts a minute or less apart on average */
		f->slow = f->failures > 1 && span / (int64_t)(f->failures - 1) > 60 * NS_PER_SEC;
	})
	free(mem);
}

/* Threshold Random Walk over first contacts to distinct hosts, where the
 * outcome is known. Returns the number of outcomes it took to decide
 * "scanner", or 0 (benign, or not decided); n_fail and n_succ count them. */
static unsigned trw(struct ctx *x, const struct src_view *s, unsigned *n_fail, unsigned *n_succ)
{
	const struct detect_config *cfg = x->cfg;
	*n_fail = *n_succ = 0;
	double up = log((1 - cfg->trw_theta1) / (1 - cfg->trw_theta0));
	double down = log(cfg->trw_theta1 / cfg->trw_theta0);
	double eta1 = log(cfg->trw_beta / cfg->trw_alpha);
	double eta0 = log((1 - cfg->trw_beta) / (1 - cfg->trw_alpha));
	double lr = 0;
	unsigned k = 0;
	x->stamp++;
	/* contacts are in time order: the first one seen per target is the
	 * first contact with that host */
	for (uint32_t i = 0; i < s->n; i++) {
		const struct contact *c = &s->c[i];
		/* A honeypot or a dark address has no service anyone is sent
		 * to: any first contact with it fails, whatever answered. */
		int unsolicited = c->honey || (cfg->n_dark && detect_is_dark(cfg, &c->dst));
		/* TCP connection attempts, as in the paper: a SYN, or a TCP
		 * contact from a source that logs no flags (Zeek, sshd, honeypots). */
		if (!unsolicited &&
		    (c->proto != IPPROTO_NUM_TCP || (c->fclass != FC_SYN && c->fclass != FC_UNKNOWN)))
			continue;
		uint32_t g = x->tgt[i];
		if (x->seen[g] == x->stamp)
			continue;
		x->seen[g] = x->stamp;
		uint8_t o = c->outcome;
		int ok;
		if (unsolicited)
			ok = 0;
		else if (o == EVENT_OUTCOME_OPEN || o == EVENT_OUTCOME_AUTH_SUCCESS ||
		    o == EVENT_OUTCOME_AUTH_FAILURE)
			ok = 1; /* the connection was established */
		else if (o == EVENT_OUTCOME_CLOSED || o == EVENT_OUTCOME_UNREACHABLE ||
			 o == EVENT_OUTCOME_NO_ANSWER)
			ok = 0;
		else
			continue;
		k++;
		if (ok)
			(*n_succ)++;
		else
			(*n_fail)++;
		lr += ok ? down : up;
		if (lr >= eta1)
			return k;
		if (lr <= eta0)
			return 0;
	}
	return 0;
}

/* ---- words ----------------------------------------------------------------- */

struct sb {
	char *buf;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void sb_add(struct sb *b, const char *fmt, ...)
{
	if (b->len + 1 >= b->cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	b->len += (size_t)n;
	if (b->len >= b->cap)
		b->len = b->cap - 1;
}

static const char *dur_text(int64_t ns, char *buf, size_t len)
{
	if (ns < 0)
		ns = 0;
	int64_t ms = ns / 1000000;
	int64_t s = ns / NS_PER_SEC;
	if (s < 10)
		snprintf(buf, len, "%" PRId64 ".%" PRId64 " s", ms / 1000, ms % 1000 / 100);
	else if (s < 60)
		snprintf(buf, len, "%" PRId64 " s", s);
	else if (s < 3600)
		snprintf(buf, len, "%" PRId64 " min %" PRId64 " s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%" PRId64 " h %" PRId64 " min", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%" PRId64 " d %" PRId64 " h", s / 86400, s % 86400 / 3600);
	return buf;
}

static const char *win_text(int64_t ns, char *buf, size_t len)
{
	int64_t s = ns / NS_PER_SEC;
	if (s % 86400 == 0)
		snprintf(buf, len, "%" PRId64 " h", s / 3600);
	else if (s % 3600 == 0)
		snprintf(buf, len, "%" PRId64 " h", s / 3600);
	else if (s % 60 == 0)
		snprintf(buf, len, "%" PRId64 " min", s / 60);
	else
		snprintf(buf, len, "%" PRId64 " s", s);
	return buf;
}

static const char *proto_upper(uint8_t proto, char *buf, size_t len)
{
	const char *n = event_proto_name(proto);
	if (!n) {
		snprintf(buf, len, "protocol %u", proto);
		return buf;
	}
	size_t i = 0;
	for (; n[i] && i + 1 < len; i++)
		buf[i] = (char)(n[i] >= 'a' && n[i] <= 'z' ? n[i] - 32 : n[i]);
	buf[i] = '\0';
	return buf;
}

static const char *proto_lower(uint8_t proto, char *buf, size_t len)
{
	const char *n = event_proto_name(proto);
	if (n)
		return n;
	snprintf(buf, len, "%u", proto);
	return buf;
}

/* "1.2.3.4" or "254 hosts (10.0.0.1 .. 10.0.0.254)" */
static void targets_words(struct sb *b, const struct finding *f)
{
	char a1[ADDR_STRLEN], a2[ADDR_STRLEN];
	if (f->n_targets <= 1)
		sb_add(b, "%s", addr_is_zero(&f->target_lo) ? "the logging host"
							     : addr_format(&f->target_lo, a1));
	else
		sb_add(b, "%" PRIu64 " hosts (%s .. %s)", f->n_targets, addr_format(&f->target_lo, a1),
		       addr_format(&f->target_hi, a2));
}

static void ports_list_words(struct sb *b, const struct finding *f)
{
	for (size_t i = 0; i < f->n_ports && i < 4; i++)
		sb_add(b, "%s%u", i ? "," : "", f->ports[i]);
	if (f->n_ports > 4)
		sb_add(b, ",...");
}

static void arp_words(struct sb *b, const struct finding *f, const char *atleast);
static void group_words(struct sb *b, const struct finding *f);

static void why(const struct detect_config *cfg, struct finding *f)
{
	unsigned trw_k = f->trw_attempts, trw_f = f->trw_failed, trw_s = f->trw_succeeded;
	struct sb b = {f->why, 0, sizeof(f->why)};
	char p1[24], p2[24], d1[48], w1[32], w2[32];
	const char *atleast = f->truncated ? "at least " : "";
	int64_t dur = f->end_ns - f->start_ns;
	const char *in = f->slow ? "over" : "in";
	int timed = f->start_ns != 0;
	dur_text(dur, d1, sizeof(d1));
	win_text(cfg->window_ns, w1, sizeof(w1));
	win_text(cfg->slow_window_ns, w2, sizeof(w2));
	const char *win = f->slow ? w2 : w1;

	switch ((enum finding_type)f->type) {
	case FINDING_VERTICAL:
		sb_add(&b, "%s%zu distinct %s ports on ", atleast, f->n_ports,
		       proto_upper(f->proto, p1, sizeof(p1)));
		targets_words(&b, f);
		break;
	case FINDING_HORIZONTAL:
		ports_list_words(&b, f);
		sb_add(&b, "/%s on %s", proto_lower(f->proto, p1, sizeof(p1)), atleast);
		targets_words(&b, f);
		break;
	case FINDING_BLOCK:
		sb_add(&b, "%s%zu %s ports on ", atleast, f->n_ports,
		       proto_upper(f->proto, p1, sizeof(p1)));
		targets_words(&b, f);
		break;
	case FINDING_PING_SWEEP:
		if (f->proto == EVENT_PROTO_ARP) {
			arp_words(&b, f, atleast);
			break;
		}
		sb_add(&b, "%s requests (type ", proto_upper(f->proto, p1, sizeof(p1)));
		ports_list_words(&b, f);
		sb_add(&b, ") to %s", atleast);
		targets_words(&b, f);
		break;
	case FINDING_DISTRIBUTED:
		group_words(&b, f);
		break;
	case FINDING_PROTO_SCAN:
		sb_add(&b, "%s%zu IP protocol numbers on ", atleast, f->n_ports);
		targets_words(&b, f);
		break;
	case FINDING_HAMMER: {
		const struct service *svc =
			cfg->catalog ? catalog_lookup(cfg->catalog, f->proto, f->ports[0]) : NULL;
		sb_add(&b, "%" PRIu64 " unsuccessful attempts on %s%s%u/%s at ", f->failures,
		       svc ? svc->name : "", svc ? " " : "", f->ports[0],
		       proto_lower(f->proto, p2, sizeof(p2)));
		if (f->n_ports > 1)
			sb_add(&b, "(and %zu more ports) ", f->n_ports - 1);
		targets_words(&b, f);
		break;
	}
	case FINDING_TRW:
		sb_add(&b, "first contacts with %" PRIu64 " hosts", f->n_targets);
		break;
	default:
		break;
	}
	if (f->type != FINDING_TRW) {
		if (timed)
			sb_add(&b, " %s %s", in, d1);
		else
			sb_add(&b, " (no time stamps)");
	}
	switch ((enum finding_type)f->type) {
	case FINDING_VERTICAL:
		sb_add(&b, " (threshold: score %u %s %s, ports below 1024 weigh %u)", cfg->port_score,
		       f->slow ? "within" : "in", win, cfg->weight_low);
		break;
	case FINDING_HORIZONTAL:
	case FINDING_PING_SWEEP:
		sb_add(&b, " (threshold: %u hosts on one port in %s)", cfg->sweep_hosts, win);
		break;
	case FINDING_DISTRIBUTED:
		sb_add(&b, " (together %d times the thresholds in %s: score %u on one host, %u "
			   "hosts on one port; no member did half of it)", DIST_FACTOR, win,
		       cfg->port_score * DIST_FACTOR, cfg->sweep_hosts * DIST_FACTOR);
		break;
	case FINDING_BLOCK:
		sb_add(&b, " (thresholds in %s: score %u on one host, %u hosts on one port)", win,
		       cfg->port_score, cfg->sweep_hosts);
		break;
	case FINDING_PROTO_SCAN:
		sb_add(&b, " (threshold: %u protocols in %s)", cfg->proto_count, win);
		break;
	case FINDING_HAMMER:
		sb_add(&b, " (threshold: %u on one service)", cfg->hammer_count);
		if (f->successes)
			sb_add(&b, "; then a login succeeded%s", f->n_targets > 1 ? " on a host" : "");
		break;
	case FINDING_TRW:
		sb_add(&b, ": %u failed, %u succeeded; TRW (theta0 %.2g, theta1 %.2g, alpha %.2g, "
			   "beta %.2g) called it a scan after %u",
		       trw_f, trw_s, cfg->trw_theta0, cfg->trw_theta1, cfg->trw_alpha, cfg->trw_beta,
		       trw_k);
		break;
	default:
		break;
	}
	if (f->slow && f->type != FINDING_HAMMER)
		sb_add(&b, "; slow: below the %s window", w1);
	/* technique */
	if (f->proto == IPPROTO_NUM_TCP && f->technique != TECH_MIXED && f->technique != TECH_TCP &&
	    f->type != FINDING_PROTO_SCAN) {
		if (f->technique == TECH_CONNECT)
			sb_add(&b, "; SYN probes with an operating system's full TCP option set "
				   "(a connect() scan, or clients)");
		else
			sb_add(&b, "; %s probes", detect_technique_title(f->technique));
	}
	if (f->tool)
		sb_add(&b, "; %s -> %s", f->tool_evidence, f->tool);
	if (f->mirai_ports && (!f->tool || strcmp(f->tool, "Mirai") != 0))
		sb_add(&b, "; only telnet ports 23 and 2323, Mirai's pattern");
	if (f->n_open && f->type != FINDING_HAMMER) {
		sb_add(&b, "; %zu answered (", f->n_open);
		for (size_t i = 0; i < f->n_open && i < 6; i++)
			sb_add(&b, "%s%u", i ? "," : "", f->open_ports[i]);
		sb_add(&b, "%s)", f->n_open > 6 ? ",..." : "");
	}
	if (trw_k && f->type != FINDING_TRW)
		sb_add(&b, "; TRW: scan after %u first contacts", trw_k);
	if (f->dark_hits)
		sb_add(&b, "; %u probes to dark addresses (--dark: nothing is there)", f->dark_hits);
	if (f->followon && f->type != FINDING_HAMMER)
		sb_add(&b, "; then a connection from the same source succeeded");
	if (f->period_s) {
		char pd[48];
		sb_add(&b, "; periodic: returned %s%u times, every %s",
		       f->period_more ? "at least " : "", f->period_returns,
		       dur_text((int64_t)f->period_s * NS_PER_SEC, pd, sizeof(pd)));
	}
	if (f->inside)
		sb_add(&b, "; %s inside (--home)",
		       f->type == FINDING_DISTRIBUTED ? "a member is" : "the source is");
	if (addr_is_v4(&f->src) &&
	    ((addr_v4(&f->src) >> 24) == 0 || (addr_v4(&f->src) >> 24) == 127))
		sb_add(&b, "; a %s source address cannot be a real remote sender: forged, or a local packet",
		       (addr_v4(&f->src) >> 24) == 0 ? "0.0.0.0/8" : "loopback");
	if (f->allow)
		sb_add(&b, "; allowlisted: %s (%s)", f->allow->reason, f->allow->label);
}

/* "ARP who-has for 254 addresses of 192.168.1.0/24" */
static void arp_words(struct sb *b, const struct finding *f, const char *atleast)
{
	char a1[ADDR_STRLEN];
	sb_add(b, "ARP who-has for %s%" PRIu64 " address%s", atleast, f->n_targets,
	       f->n_targets == 1 ? "" : "es");
	if (!addr_is_v4(&f->target_lo) || !addr_is_v4(&f->target_hi))
		return;
	uint32_t lo = addr_v4(&f->target_lo), hi = addr_v4(&f->target_hi);
	unsigned bits = 0;
	while (bits < 32 && ((lo ^ hi) >> (31 - bits) & 1u) == 0)
		bits++;
	struct ip_addr net;
	addr_from_v4(bits ? lo & ~(uint32_t)((1ull << (32 - bits)) - 1) : 0, &net);
	sb_add(b, " of %s/%u", addr_format(&net, a1), bits);
}

/* "6 sources (10.0.9.11 .. 10.0.9.16) sharing ..., together a vertical
 * port scan: 30 distinct TCP ports on 10.0.8.1" */
static void group_words(struct sb *b, const struct finding *f)
{
	char a1[ADDR_STRLEN], a2[ADDR_STRLEN], p1[24];
	sb_add(b, "%" PRIu64 " sources (%s .. %s) with %s, together a %s: ", f->n_members,
	       addr_format(&f->members[0], a1), addr_format(&f->members[f->n_members_kept - 1], a2),
	       f->group_evidence, detect_type_title((enum finding_type)f->group_shape));
	sb_add(b, "%zu %s ports on ", f->n_ports, proto_upper(f->proto, p1, sizeof(p1)));
	targets_words(b, f);
}

/* ---- severity, context ---------------------------------------------------- */

const struct detect_allow *detect_allow_match(const struct detect_config *cfg,
					      const struct ip_addr *a)
{
	const struct detect_allow *best = NULL;
	for (size_t i = 0; i < cfg->n_allow; i++)
		if (prefix_contains(&cfg->allow[i].net, a) &&
		    (!best || cfg->allow[i].net.bits > best->net.bits))
			best = &cfg->allow[i];
	return best;
}

int detect_inside(const struct detect_config *cfg, const struct ip_addr *a)
{
	for (size_t i = 0; i < cfg->n_home; i++)
		if (prefix_contains(&cfg->home[i], a))
			return 1;
	return 0;
}

int detect_is_dark(const struct detect_config *cfg, const struct ip_addr *a)
{
	for (size_t i = 0; i < cfg->n_dark; i++)
		if (prefix_contains(&cfg->dark[i], a))
			return 1;
	return 0;
}

/* Severity 1..5 (README "Findings"): 1, plus extent (breadth or depth:
 * +1 for 10 hosts or 100 ports, +2 for 256 hosts or 1000 ports; hammering:
 * +1 for 100 attempts, +2 for 1000), plus 1 if an ALERT-class port was probed, plus 1 if a probe was
 * answered, plus 1 for a successful follow-on connection (a login, or an
 * answered connection after the scan), plus 1 for probes to --dark
 * addresses, plus 1 from inside (and at least 3); allowlisted: 1. */
unsigned detect_severity(const struct detect_config *cfg, const struct finding *f)
{
	if (f->allow)
		return 1;
	unsigned sev = 1;
	if (f->type == FINDING_HAMMER) {
		sev += f->failures >= 1000 ? 2 : f->failures >= 100 ? 1 : 0;
	} else if (f->n_targets >= 256 || f->n_ports >= 1000) {
		sev += 2;
	} else if (f->n_targets >= 10 || f->n_ports >= 100) {
		sev += 1;
	}
	if (cfg->catalog && f->type != FINDING_PROTO_SCAN) {
		for (size_t i = 0; i < f->n_ports; i++) {
			const struct service *svc = catalog_lookup(cfg->catalog, f->proto, f->ports[i]);
			if (svc && svc->cls == SERVICE_ALERT) {
				sev++;
				break;
			}
		}
	}
	if (f->successes)
		sev++;
	if (f->followon)
		sev++;
	if (f->dark_hits)
		sev++;
	if (f->inside) {
		sev++;
		if (sev < 3)
			sev = 3;
	}
	return sev > 5 ? 5 : sev;
}

/* ---- background -------------------------------------------------------------- */

static struct bg_cell *bg_cell(struct ctx *x, uint8_t proto, uint16_t port)
{
	struct bg_cell **tab;
	size_t n = 256;
	switch (proto) {
	case IPPROTO_NUM_TCP: tab = &x->bg_tcp; n = 65536; break;
	case IPPROTO_NUM_UDP: tab = &x->bg_udp; n = 65536; break;
	case IPPROTO_NUM_SCTP: tab = &x->bg_sctp; n = 65536; break;
	case IPPROTO_NUM_ICMP: tab = &x->bg_icmp; break;
	case IPPROTO_NUM_ICMPV6: tab = &x->bg_icmp6; break;
	default: tab = &x->bg_proto; port = proto; break;
	}
	if (!*tab) /* made on first use; counted into at random (xcalloc_written) */
		*tab = xcalloc_written(n, sizeof(struct bg_cell));
	return &(*tab)[port & (n - 1)];
}

/* The queued counts into their cells, in the order they came (as
 * counting each at once would): the cells are scattered over 1 MB per
 * protocol, and most background sources have a contact or two, so they
 * are fetched BG_AHEAD counts ahead across sources. */
static void background_flush(struct ctx *x)
{
	const struct bg_pending *q = x->bg_q;
	size_t n = x->bg_nq;
	for (size_t i = 0; i < n && i < BG_AHEAD; i++)
		__builtin_prefetch(bg_cell(x, q[i].proto, q[i].port));
	for (size_t i = 0; i < n; i++) {
		if (i + BG_AHEAD < n)
			__builtin_prefetch(bg_cell(x, q[i + BG_AHEAD].proto, q[i + BG_AHEAD].port));
		struct bg_cell *cell = bg_cell(x, q[i].proto, q[i].port);
		if (cell->stamp != q[i].serial) {
			cell->stamp = q[i].serial;
			cell->sources += cell->sources != UINT32_MAX;
		}
		cell->events += q[i].count;
	}
	x->bg_nq = 0;
}

static void background_add(struct ctx *x, const struct src_view *s)
{
	struct detect_findings *out = x->out;
	if (!s->n)
		return;
	out->background_sources++;
	out->background_events += s->events;
	if (x->cfg->country) {
		char cc[3];
		size_t k = BG_CC_N - 1;
		if (x->cfg->country(x->cfg->country_ctx, &s->addr, cc) == 0 && cc[0] >= 'A' &&
		    cc[0] <= 'Z' && cc[1] >= 'A' && cc[1] <= 'Z')
			k = (size_t)(cc[0] - 'A') * 26 + (size_t)(cc[1] - 'A');
		if (!x->bg_cc)
			x->bg_cc = xcalloc(BG_CC_N, sizeof(*x->bg_cc));
		x->bg_cc[k].sources++;
		x->bg_cc[k].events += s->events;
	}
	if (s->probes) {
		if ((uint64_t)s->fp[FPB_ZMAP] * 10 >= s->probes * 9)
			out->background_zmap++;
		if ((uint64_t)s->fp[FPB_MASSCAN] * 10 >= s->probes * 9 && s->probes >= 3)
			out->background_masscan++;
		if ((uint64_t)s->fp[FPB_MIRAI] * 10 >= s->probes * 9)
			out->background_mirai++;
	}
	uint32_t serial = ++x->serial;
	if (!x->bg_q)
		x->bg_q = xmalloc(BG_QUEUE * sizeof(*x->bg_q));
	for (uint32_t i = 0; i < s->n; i++) {
		if (x->bg_nq == BG_QUEUE)
			background_flush(x);
		x->bg_q[x->bg_nq++] =
			(struct bg_pending){s->c[i].proto, s->c[i].port, serial, s->c[i].count};
	}
}

/* Background order: most sources, then most events, then protocol and
 * port (a total order: each row is one protocol and port). */
static inline int bg_before(const struct background_row *a, const struct background_row *b)
{
	if (a->sources != b->sources)
		return a->sources > b->sources;
	if (a->events != b->events)
		return a->events > b->events;
	if (a->proto != b->proto)
		return a->proto < b->proto;
	return a->port < b->port;
}

/* Sort rows by bg_before: a merge sort with the comparison inlined, since
 * there is a row for every port any background source touched (tens of
 * thousands) and qsort's call per comparison was most of the cost. */
static void sort_background(struct background_row *r, size_t n)
{
	struct background_row *tmp = xmalloc((n ? n : 1) * sizeof(*tmp));
	struct background_row *from = r, *to = tmp;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t a = lo, b = mid, o = lo;
			while (a < mid && b < hi)
				to[o++] = bg_before(&from[b], &from[a]) ? from[b++] : from[a++];
			while (a < mid)
				to[o++] = from[a++];
			while (b < hi)
				to[o++] = from[b++];
		}
		struct background_row *t = from;
		from = to;
		to = t;
	}
	if (from != r)
		memcpy(r, from, n * sizeof(*r));
	free(tmp);
}

static int cmp_bg_country(const void *pa, const void *pb)
{
	const struct background_country *a = pa, *b = pb;
	if (a->sources != b->sources)
		return a->sources > b->sources ? -1 : 1;
	if (a->events != b->events)
		return a->events > b->events ? -1 : 1;
	return strcmp(a->cc, b->cc);
}

static void background_rows(struct ctx *x)
{
	struct detect_findings *out = x->out;
	struct {
		struct bg_cell *cells;
		size_t n;
		uint8_t proto; /* 0: the index is the protocol */
	} tabs[] = {
		{x->bg_tcp, 65536, IPPROTO_NUM_TCP},	   {x->bg_udp, 65536, IPPROTO_NUM_UDP},
		{x->bg_sctp, 65536, IPPROTO_NUM_SCTP},	   {x->bg_icmp, 256, IPPROTO_NUM_ICMP},
		{x->bg_icmp6, 256, IPPROTO_NUM_ICMPV6},	   {x->bg_proto, 256, 0},
	};
	size_t cap = 0;
	for (size_t t = 0; t < ARRAY_LEN(tabs); t++) {
		for (size_t i = 0; tabs[t].cells && i < tabs[t].n; i++) {
			if (!tabs[t].cells[i].sources)
				continue;
			out->background = xgrow(out->background, &cap, out->n_background + 1,
						sizeof(*out->background));
			struct background_row *row = &out->background[out->n_background++];
			row->proto = tabs[t].proto ? tabs[t].proto : (uint8_t)i;
			row->port = tabs[t].proto ? (uint16_t)i : 0;
			row->sources = tabs[t].cells[i].sources;
			row->events = tabs[t].cells[i].events;
		}
	}
	sort_background(out->background, out->n_background);
	if (!x->bg_cc)
		return;
	size_t n = 0;
	for (size_t k = 0; k < BG_CC_N; k++)
		n += x->bg_cc[k].sources != 0;
	out->background_countries = xcalloc(n + 1, sizeof(*out->background_countries));
	for (size_t k = 0; k < BG_CC_N; k++) {
		if (!x->bg_cc[k].sources)
			continue;
		struct background_country *c = &out->background_countries[out->n_background_countries++];
		if (k == BG_CC_N - 1) {
			memcpy(c->cc, "--", 3);
		} else {
			c->cc[0] = (char)('A' + k / 26);
			c->cc[1] = (char)('A' + k % 26);
			c->cc[2] = '\0';
		}
		c->sources = x->bg_cc[k].sources;
		c->events = x->bg_cc[k].events;
	}
	qsort(out->background_countries, out->n_background_countries,
	      sizeof(*out->background_countries), cmp_bg_country);
}

/* ---- behaviour: follow-on, periodicity ----------------------------------------- */

/* The source then connected successfully: a login at any time, or (for
 * any finding but hammering, whose own successes are logins) an answered
 * connection that began after the finding's last probe. */
static int followon(const struct src_view *s, const struct finding *f)
{
	if (f->type == FINDING_HAMMER)
		return f->successes != 0;
	for (uint32_t i = 0; i < s->n; i++) {
		const struct contact *c = &s->c[i];
		if (c->outcomes & (1u << EVENT_OUTCOME_AUTH_SUCCESS))
			return 1;
		if (c->succ && !c->honey && c->first_ns > f->end_ns)
			return 1;
	}
	return 0;
}

static int cmp_u32v(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	return a < b ? -1 : a > b;
}

/* A source that returns on a schedule: at least period_returns returns
 * (visits after the first) among its earliest cells, each gap between
 * visit starts within period_tolerance percent of the median gap. Returns
 * the period in seconds (0: none), the returns seen, and whether it had
 * more cells than kept (more returns than counted). */
static uint32_t periodic(const struct detect_config *cfg, const struct src_view *s,
			 unsigned *returns, uint8_t *more)
{
	*returns = 0;
	*more = 0;
	if (!cfg->period_returns)
		return 0;
	uint32_t w = detect_cell_seconds(cfg);
	uint32_t start[DETECT_CELLS], k = 0; /* a visit: a run of adjacent cells */
	for (uint32_t i = 0; i < s->n_cell; i++)
		if (i == 0 || s->cell[i] / w != s->cell[i - 1] / w + 1)
			start[k++] = s->cell[i];
	if (k < 2 || k - 1 < cfg->period_returns)
		return 0;
	uint32_t gap[DETECT_CELLS], sorted[DETECT_CELLS];
	for (uint32_t i = 1; i < k; i++)
		gap[i - 1] = sorted[i - 1] = start[i] - start[i - 1];
	qsort(sorted, k - 1, sizeof(*sorted), cmp_u32v);
	uint32_t med = sorted[(k - 1) / 2];
	if (med == 0)
		return 0;
	uint64_t tol = (uint64_t)med * cfg->period_tolerance / 100;
	for (uint32_t i = 0; i + 1 < k; i++) {
		uint64_t dd = gap[i] > med ? gap[i] - med : med - gap[i];
		if (dd > tol)
			return 0;
	}
	*returns = k - 1;
	*more = s->cells_more;
	return med;
}

/* The source's summary for distributed.c. */
static void dist_keep(struct ctx *x, const struct src_view *s)
{
	if (!x->cfg->dist_sources || s->n < DIST_MIN_SLICE)
		return;
	x->dist = xgrow(x->dist, &x->cap_dist, x->n_dist + 1, sizeof(*x->dist));
	struct dist_src *d = &x->dist[x->n_dist];
	d->addr = s->addr;
	d->first_ns = d->last_ns = 0;
	d->burst_ns = 0;
	d->burst_n = 0;
	/* contacts are in time order (untimed first): the busiest window by
	 * two pointers */
	uint32_t j = 0, jb = 0;
	while (j < s->n && !s->c[j].first_ns)
		j++;
	if (j < s->n)
		d->first_ns = s->c[j].first_ns;
	for (uint32_t i = j; i < s->n; i++) {
		int64_t t = s->c[i].first_ns;
		while (t - s->c[j].first_ns > x->cfg->window_ns)
			j++;
		if (i - j + 1 > d->burst_n) {
			d->burst_n = i - j + 1;
			d->burst_ns = s->c[j].first_ns;
			jb = j;
		}
		if (contact_last_ns(&s->c[i]) > d->last_ns)
			d->last_ns = contact_last_ns(&s->c[i]);
	}
	if (d->burst_n >= DIST_MIN_SLICE) { /* else it can be no member: not kept */
		/* what distributed.c copies of the window, should it be a
		 * member (its first contact is jb: the contacts are in order) */
		d->burst_copy = 0;
		for (uint32_t i = jb; i < s->n && s->c[i].first_ns - d->burst_ns <= x->cfg->window_ns;
		     i++) {
			uint8_t p = s->c[i].proto;
			d->burst_copy += p == IPPROTO_NUM_TCP || p == IPPROTO_NUM_UDP ||
					 p == IPPROTO_NUM_SCTP;
		}
		x->dist_order = xgrow(x->dist_order, &x->cap_dist_order, x->n_dist + 1,
				      sizeof(*x->dist_order));
		x->dist_order[x->n_dist++] = s->order;
	}
	/* a signature is shared-able only if the source kept to it */
	d->sig = s->sig && (uint64_t)s->sig_same * 10 >= (uint64_t)s->sig_all * 9 ? s->sig : 0;
	d->allow = 0; /* distributed.c asks for its members only */
}

/* ---- the whole run ----------------------------------------------------------- */

/* Below a few contacts only hammering can fire: TRW needs at least 4
 * first contacts at the defaults (log(99) / log(4) > 3), the vertical
 * score 7 ports, the sweeps 10 hosts, an IP-protocol scan 10 protocols;
 * other settings lower this. with_trw 0: without TRW (a source none of
 * whose contacts has an outcome TRW could count). */
static uint32_t min_contacts(const struct detect_config *cfg, int with_trw)
{
	uint32_t min_n = UINT32_MAX;
	if (with_trw) {
		double up = log((1 - cfg->trw_theta1) / (1 - cfg->trw_theta0));
		double need = up > 0 ? ceil(log(cfg->trw_beta / cfg->trw_alpha) / up) : 4;
		min_n = need < 1 ? 1 : need > 4 ? 4 : (uint32_t)need;
	}
	unsigned wmax = cfg->weight_low > cfg->weight_high ? cfg->weight_low : cfg->weight_high;
	unsigned vmin = wmax ? (cfg->port_score + wmax - 1) / wmax : 1;
	if (vmin < min_n)
		min_n = vmin;
	if (cfg->sweep_hosts < min_n)
		min_n = cfg->sweep_hosts;
	if (cfg->proto_count < min_n)
		min_n = cfg->proto_count;
	return min_n < 1 ? 1 : min_n;
}

/* Could trw() count any contact of s? An outcome is known, or the
 * contact went to a honeypot or a dark address (trw() checks the rest). */
static int trw_possible(const struct ctx *x, const struct src_view *s)
{
	for (uint32_t i = 0; i < s->n; i++) {
		const struct contact *c = &s->c[i];
		if (c->outcome != EVENT_OUTCOME_UNKNOWN || c->honey ||
		    (x->cfg->n_dark && detect_is_dark(x->cfg, &c->dst)))
			return 1;
	}
	return 0;
}

static void analyse_source(struct ctx *x, const struct src_view *s)
{
	const struct detect_config *cfg = x->cfg;
	size_t before = x->n;
	if (s->n == 0)
		return;
	scratch_reserve(x, s->n);
	/* most sources of a firewall log (outcome unknown) need the window
	 * thresholds' few contacts, not TRW's */
	int interesting = s->n >= x->min_n_no_trw || (s->n >= x->min_n && trw_possible(x, s));
	for (uint32_t i = 0; !interesting && i < s->n; i++)
		if (cfg->hammer_count && s->c[i].fails >= cfg->hammer_count)
			interesting = 1;
	if (interesting)
		group_targets(x, s);
	if (interesting) {
		uint32_t per[256] = {0};
		for (uint32_t i = 0; i < s->n; i++)
			per[s->c[i].proto]++;
		static const uint8_t port_protos[] = {IPPROTO_NUM_TCP, IPPROTO_NUM_UDP,
						      IPPROTO_NUM_SCTP, IPPROTO_NUM_UDPLITE};
		for (size_t p = 0; p < ARRAY_LEN(port_protos); p++) {
			if (!per[port_protos[p]])
				continue;
			memset(x->mark, 0, s->n);
			analyse_ports(x, s, port_protos[p]);
		}
		if (per[IPPROTO_NUM_ICMP]) {
			memset(x->mark, 0, s->n);
			analyse_icmp(x, s, IPPROTO_NUM_ICMP);
		}
		if (per[IPPROTO_NUM_ICMPV6]) {
			memset(x->mark, 0, s->n);
			analyse_icmp(x, s, IPPROTO_NUM_ICMPV6);
		}
		if (per[EVENT_PROTO_ARP]) { /* who-has sweeps: a ping sweep by ARP */
			memset(x->mark, 0, s->n);
			analyse_icmp(x, s, EVENT_PROTO_ARP);
		}
		memset(x->mark, 0, s->n);
		analyse_protos(x, s, x->mark);
		analyse_hammer(x, s);
	}
	unsigned tf = 0, ts = 0, tk = 0;
	if (interesting)
		tk = trw(x, s, &tf, &ts);
	if (tk && x->n == before) {
		uint32_t *mem = xmalloc(s->n * sizeof(*mem));
		for (uint32_t i = 0; i < s->n; i++)
			mem[i] = i;
		/* the dominant protocol names the finding */
		uint32_t pc[256] = {0};
		uint8_t best = 0;
		for (uint32_t i = 0; i < s->n; i++)
			if (++pc[s->c[i].proto] > pc[best])
				best = s->c[i].proto;
		struct finding *f = new_finding(x, s, FINDING_TRW, best, 0);
		fill_members(x, f, s, mem, s->n, 0);
		free(mem);
	}
	/* Mirai's telnet pattern, for logs without sequence numbers: 23 and
	 * 2323 only (it tries 2323 about one time in ten). */
	int has23 = 0, has2323 = 0, other = 0;
	for (uint32_t i = 0; i < s->n; i++) {
		if (s->c[i].proto == IPPROTO_NUM_TCP && s->c[i].port == 23)
			has23 = 1;
		else if (s->c[i].proto == IPPROTO_NUM_TCP && s->c[i].port == 2323)
			has2323 = 1;
		else
			other = 1;
	}
	int mirai_ports = has23 && has2323 && !other;
	unsigned returns = 0;
	uint8_t returns_more = 0;
	uint32_t period = periodic(cfg, s, &returns, &returns_more);
	for (size_t i = before; i < x->n; i++) {
		struct finding *f = &x->items[i];
		f->inside = (uint8_t)detect_inside(cfg, &f->src);
		f->allow = detect_allow_match(cfg, &f->src);
		f->trw_attempts = tk;
		f->followon = (uint8_t)followon(s, f);
		f->period_s = period;
		f->period_returns = returns;
		f->period_more = returns_more;
		f->severity = (uint8_t)detect_severity(cfg, f);
		f->trw_failed = tf;
		f->trw_succeeded = ts;
		f->mirai_ports = (uint8_t)mirai_ports;
	}
	if (x->n == before) {
		background_add(x, s);
		x->out->background_periodic += period != 0;
	}
	dist_keep(x, s);
}

static void each_source(void *arg, const struct src_view *v)
{
	struct ctx *x = arg;
	x->order = finding_order_base(v->order);
	x->order_seq = 0;
	x->out->sources++;
	if (v->truncated)
		x->out->sources_truncated++;
	analyse_source(x, v);
}

struct dist_pos {
	uint64_t order;
	size_t i;
};

static int cmp_dist_pos(const void *pa, const void *pb)
{
	const struct dist_pos *a = pa, *b = pb;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* The sources' summaries in the order one walk over all sources in
 * arrival order would have made them (by their view's order), which
 * distributed.c's ties go by. */
static void dist_sort(struct ctx *x)
{
	size_t n = x->n_dist;
	int sorted = 1;
	for (size_t i = 1; i < n && sorted; i++)
		sorted = x->dist_order[i - 1] < x->dist_order[i];
	if (sorted)
		return;
	struct dist_pos *pos = xmalloc(n * sizeof(*pos));
	for (size_t i = 0; i < n; i++)
		pos[i] = (struct dist_pos){x->dist_order[i], i};
	qsort(pos, n, sizeof(*pos), cmp_dist_pos);
	struct dist_src *ds = xmalloc(n * sizeof(*ds));
	for (size_t i = 0; i < n; i++) {
		ds[i] = x->dist[pos[i].i];
		x->dist_order[i] = pos[i].order;
	}
	free(x->dist);
	x->dist = ds;
	x->cap_dist = n;
	free(pos);
}

/* Groups of sources acting as one scanner (distributed.c), added to the
 * findings with their severity (their sentence, as every finding's, when
 * a report asks for it: detect_why). */
static void distributed(struct ctx *x, struct detector *d, unsigned threads)
{
	struct dist_out o = {NULL, 0, 0};
	detect_distributed(d, x->cfg, x->dist, x->n_dist, threads, &o);
	for (size_t i = 0; i < o.n; i++) {
		struct finding *f = &o.items[i];
		f->severity = (uint8_t)detect_severity(x->cfg, f);
		f->order = ORDER_DISTRIBUTED | i;
		x->items = xgrow(x->items, &x->cap, x->n + 1, sizeof(*x->items));
		x->items[x->n++] = *f;
	}
	free(o.items);
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	int aa = a->allow != NULL, ba = b->allow != NULL;
	if (aa != ba)
		return aa - ba;
	if (a->inside != b->inside)
		return b->inside - a->inside;
	if (a->severity != b->severity)
		return b->severity - a->severity;
	if (a->start_ns != b->start_ns)
		return a->start_ns < b->start_ns ? -1 : 1;
	int c = cmp_addr(&a->src, &b->src);
	if (c)
		return c;
	if (a->type != b->type)
		return a->type - b->type;
	if (a->proto != b->proto)
		return a->proto - b->proto;
	if (a->slow != b->slow)
		return a->slow - b->slow;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* A context's scratch and tables (not its findings, which move on). */
static void ctx_free(struct ctx *x)
{
	free(x->recs);
	free(x->recs2);
	free(x->mark);
	free(x->cnt);
	free(x->tgt);
	free(x->tgt_first);
	free(x->seen);
	free(x->dslots);
	free(x->port_gid);
	free(x->port_stamp);
	free(x->bg_tcp);
	free(x->bg_udp);
	free(x->bg_sctp);
	free(x->bg_icmp);
	free(x->bg_icmp6);
	free(x->bg_proto);
	free(x->bg_q);
	free(x->dist);
	free(x->dist_order);
	free(x->bg_cc);
}

/* ---- the analysis split between threads ------------------------------------ */

/* One part of the sources (detect_each_source_part), with a context and
 * counters of its own; merged into the whole afterwards. */
struct part {
	struct ctx x;
	struct detect_findings out;
	struct detector *d;
	unsigned i, n;
};

/* Part `part` of `nparts` of the sources analysed into x (the detector
 * flushed already), its background counts in their cells. */
static void analyse_part(struct ctx *x, struct detector *d, unsigned part, unsigned nparts)
{
	detect_each_source_part(d, part, nparts, NULL, each_source, x);
	background_flush(x);
}

static void *part_run(void *arg)
{
	struct part *p = arg;
	analyse_part(&p->x, p->d, p->i, p->n);
	return NULL;
}

/* A part's background table added into the whole's (taken over whole
 * when the whole has none yet). */
static void bg_sum(struct bg_cell **into, struct bg_cell **from, size_t n)
{
	if (!*from)
		return;
	if (!*into) {
		*into = *from;
		*from = NULL;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		(*into)[i].sources = sat_add32((*into)[i].sources, (*from)[i].sources);
		(*into)[i].events += (*from)[i].events;
	}
}

/* The parts' summaries, one after another (dist_sort then puts them in
 * walk order). */
static void dist_gather(struct ctx *x, struct part *ps, unsigned n)
{
	size_t total = 0;
	for (unsigned k = 0; k < n; k++)
		total += ps[k].x.n_dist;
	x->dist = xmalloc((total ? total : 1) * sizeof(*x->dist));
	x->dist_order = xmalloc((total ? total : 1) * sizeof(*x->dist_order));
	x->cap_dist = x->cap_dist_order = total;
	for (unsigned k = 0; k < n; k++) {
		if (!ps[k].x.n_dist)
			continue; /* (its arrays may be NULL) */
		memcpy(x->dist + x->n_dist, ps[k].x.dist, ps[k].x.n_dist * sizeof(*x->dist));
		memcpy(x->dist_order + x->n_dist, ps[k].x.dist_order,
		       ps[k].x.n_dist * sizeof(*x->dist_order));
		x->n_dist += ps[k].x.n_dist;
	}
}

/* Every source analysed by n threads at once (n > 1; the run's threads,
 * at most the CPUs); the result is the one walk over all sources would
 * give. */
static void analyse_parts(struct ctx *x, struct detector *d, unsigned n)
{
	struct part *ps = xcalloc(n, sizeof(*ps));
	for (unsigned k = 0; k < n; k++) {
		ps[k].x.cfg = x->cfg;
		ps[k].x.min_n = x->min_n;
		ps[k].x.min_n_no_trw = x->min_n_no_trw;
		ps[k].x.out = &ps[k].out;
		ps[k].d = d;
		ps[k].i = k;
		ps[k].n = n;
	}
	run_on_threads(part_run, ps, sizeof(*ps), n);
	struct detect_findings *out = x->out;
	for (unsigned k = 0; k < n; k++) {
		struct ctx *p = &ps[k].x;
		if (p->n) {
			x->items = xgrow(x->items, &x->cap, x->n + p->n, sizeof(*x->items));
			memcpy(x->items + x->n, p->items, p->n * sizeof(*p->items));
			x->n += p->n;
		}
		free(p->items);
		const struct detect_findings *po = &ps[k].out;
		out->sources += po->sources;
		out->sources_truncated += po->sources_truncated;
		out->background_sources += po->background_sources;
		out->background_events += po->background_events;
		out->background_zmap += po->background_zmap;
		out->background_masscan += po->background_masscan;
		out->background_mirai += po->background_mirai;
		out->background_periodic += po->background_periodic;
		bg_sum(&x->bg_tcp, &p->bg_tcp, 65536);
		bg_sum(&x->bg_udp, &p->bg_udp, 65536);
		bg_sum(&x->bg_sctp, &p->bg_sctp, 65536);
		bg_sum(&x->bg_icmp, &p->bg_icmp, 256);
		bg_sum(&x->bg_icmp6, &p->bg_icmp6, 256);
		bg_sum(&x->bg_proto, &p->bg_proto, 256);
		if (p->bg_cc) {
			if (!x->bg_cc)
				x->bg_cc = xcalloc(BG_CC_N, sizeof(*x->bg_cc));
			for (size_t c = 0; c < BG_CC_N; c++) {
				x->bg_cc[c].sources += p->bg_cc[c].sources;
				x->bg_cc[c].events += p->bg_cc[c].events;
			}
		}
	}
	dist_gather(x, ps, n);
	for (unsigned k = 0; k < n; k++)
		ctx_free(&ps[k].x);
	free(ps);
}

struct detect_findings *detect_findings(struct detector *d)
{
	detect_flush(d);
	struct detect_findings *out = xcalloc(1, sizeof(*out));
	struct detect_config defaults;
	const struct detect_config *cfg;
	if (d) {
		cfg = &d->cfg;
	} else {
		detect_config_defaults(&defaults);
		cfg = &defaults;
	}
	struct ctx x;
	memset(&x, 0, sizeof(x));
	x.cfg = cfg;
	x.out = out;
	x.min_n = min_contacts(cfg, 1);
	x.min_n_no_trw = min_contacts(cfg, 0);
	if (d) {
		/* as many threads as the detection had, or as the run may
		 * use (detect_set_threads), but not more than the CPUs */
		unsigned parts = 0;
		for (const struct detector *m = d; m; m = m->merged)
			parts++;
		if (d->threads > parts)
			parts = d->threads;
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		if (cpus >= 1 && parts > (unsigned long)cpus)
			parts = (unsigned)cpus;
		if (parts > 1)
			analyse_parts(&x, d, parts);
		else
			analyse_part(&x, d, 0, 1);
		dist_sort(&x); /* parts, and a walk of the event logs, go in hash order */
		for (const struct detector *m = d; m; m = m->merged) {
			out->sources_evicted += m->evicted;
			out->events_evicted += m->events_evicted;
			out->contacts_refused += m->contacts_refused;
		}
		out->memory_bytes = detect_memory(d);
		distributed(&x, d, parts);
	}

	if (x.n)
		qsort(x.items, x.n, sizeof(*x.items), cmp_finding);
	out->items = x.items;
	out->n = x.n;
	for (size_t i = 0; i < x.n; i++) {
		if (x.items[i].allow)
			out->n_allowlisted++;
		else if (x.items[i].inside)
			out->n_inside++;
	}
	background_rows(&x);
	out->cfg_copy = *cfg;
	out->cfg_copy.home = NULL;
	out->cfg_copy.allow = NULL;
	out->cfg_copy.n_home = out->cfg_copy.n_allow = 0;
	out->cfg_copy.catalog = cfg->catalog;
	ctx_free(&x);
	return out;
}

const char *detect_why(const struct detect_findings *df, const struct finding *f)
{
	if (!f->why_written) {
		struct finding *w = (struct finding *)f; /* (its sentence is made once) */
		why(&df->cfg_copy, w);
		w->why_written = 1;
	}
	return f->why;
}

static void finding_fini(struct finding *f)
{
	free(f->targets);
	free(f->ports);
	free(f->open_ports);
	free(f->members);
}

void detect_findings_free(struct detect_findings *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		finding_fini(&f->items[i]);
	free(f->items);
	free(f->background);
	free(f->background_countries);
	free(f);
}

size_t detect_count_at_least(const struct detect_findings *f, unsigned severity)
{
	size_t n = 0;
	if (!f)
		return 0;
	for (size_t i = 0; i < f->n; i++)
		if (!f->items[i].allow && f->items[i].severity >= severity)
			n++;
	return n;
}

uint64_t detect_members_in(const struct finding *f, const struct ip_prefix *net)
{
	uint64_t n = 0;
	if (f->type != FINDING_DISTRIBUTED)
		return 0;
	for (uint64_t i = 0; i < f->n_members; i++)
		n += prefix_contains(net, &f->members[i]) != 0;
	return n;
}

/* A group's source is only its first member: every member counts. */
static int finding_in_net(const struct finding *f, const struct ip_prefix *net)
{
	if (f->type == FINDING_DISTRIBUTED)
		return detect_members_in(f, net) != 0;
	return prefix_contains(net, &f->src);
}

size_t detect_findings_keep_net(struct detect_findings *f, const struct ip_prefix *net)
{
	size_t k = 0;
	f->n_allowlisted = f->n_inside = 0;
	for (size_t i = 0; i < f->n; i++) {
		struct finding *it = &f->items[i];
		if (!finding_in_net(it, net)) {
			finding_fini(it);
			continue;
		}
		if (it->allow)
			f->n_allowlisted++;
		else if (it->inside)
			f->n_inside++;
		f->items[k++] = *it;
	}
	f->n = k;
	return k;
}

const char *detect_type_name(enum finding_type t)
{
	static const char *const n[FINDING_TYPE_COUNT] = {
		"vertical", "horizontal", "block", "ping-sweep", "ip-protocol", "hammering", "trw",
		"distributed",
	};
	return (unsigned)t < FINDING_TYPE_COUNT ? n[t] : "?";
}

const char *detect_type_title(enum finding_type t)
{
	static const char *const n[FINDING_TYPE_COUNT] = {
		"vertical port scan",	"horizontal sweep", "block scan",      "ping sweep",
		"IP protocol scan",	"hammering",	    "failed contacts (TRW)",
		"distributed scan",
	};
	return (unsigned)t < FINDING_TYPE_COUNT ? n[t] : "?";
}

const char *detect_technique_name(enum finding_technique t)
{
	static const char *const n[TECH_COUNT] = {
		"syn", "connect", "fin", "null", "xmas", "ack", "maimon", "odd-flags",
		"mixed", "tcp", "udp", "sctp", "icmp", "ip-protocol", "other", "arp",
	};
	return (unsigned)t < TECH_COUNT ? n[t] : "?";
}

const char *detect_technique_title(enum finding_technique t)
{
	static const char *const n[TECH_COUNT] = {
		"SYN",	 "connect", "FIN", "NULL", "XMAS", "ACK",  "Maimon (FIN+ACK)", "odd flags",
		"mixed", "TCP",	    "UDP", "SCTP", "ICMP", "IP protocol", "other", "ARP",
	};
	return (unsigned)t < TECH_COUNT ? n[t] : "?";
}
