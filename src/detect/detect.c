/* The detector's per-event side: classify each event (probe or not, TCP
 * flag class, tool fingerprint bits), find its source in a bounded keyed
 * hash table, and keep the source's first contacts: the earliest event
 * for each distinct (target, protocol, port), up to a cap, in one block
 * per source (detect_internal.h). Merging two
 * detectors keeps, per source, the earliest contacts by (time, origin),
 * so the result does not depend on how the input was split. Large tables
 * live in their own mappings, grown in place. */
#include "detect/detect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/hash.h"
#include "core/util.h"
#include "detect/detect_internal.h"

/* README "Memory" states these sizes. */
_Static_assert(sizeof(struct src_state) == 128, "a source is 128 bytes");
_Static_assert(sizeof(struct pcontact) == 40, "a stored contact is 40 bytes");
_Static_assert(sizeof(struct logrec) == 32, "a logged event is 32 bytes");

/* Out of line and out of the way: code the per-event path seldom takes. */
#define RARE __attribute__((noinline, cold))

/* Sources the eviction hand passes before it accepts busier ones. */
#define EVICT_SCAN 32

/* ---- classification ------------------------------------------------------ */

/* Probe or not, and the flag class. A packet that looks like the second
 * half of a conversation (from a service port below 1024 to a client port)
 * is not a probe, nor are SYN-ACKs, RSTs, established data, ICMP replies and
 * errors, neighbour discovery, or fragments without a transport header. */
static enum flag_class classify(const struct event *ev, uint16_t *port)
{
	*port = 0;
	if (ev->flags & EVENT_FRAGMENT)
		return FC_NONPROBE;
	if (ev->flags & EVENT_ARP) {
		/* a who-has (the decoder emits only requests) probes whether
		 * its target address is in use; the ethertype stands for the
		 * port so that an IP-protocol probe of 255 stays apart */
		*port = 0x0806;
		return FC_NOTTCP;
	}
	switch (ev->proto) {
	case IPPROTO_NUM_TCP: {
		/* A header too short to show ports (nmap -sO's, a truncated
		 * log) still probes the protocol. */
		if (!(ev->flags & EVENT_HAS_PORTS))
			return FC_UNKNOWN;
		*port = ev->dport;
		int replyish = ev->sport < 1024 && ev->dport >= 1024;
		if (!(ev->flags & EVENT_HAS_TCP_FLAGS))
			return replyish ? FC_NONPROBE : FC_UNKNOWN;
		uint8_t f = ev->tcp_flags & (TCP_FLAG_FIN | TCP_FLAG_SYN | TCP_FLAG_RST | TCP_FLAG_PSH |
					     TCP_FLAG_ACK | TCP_FLAG_URG);
		if (f & TCP_FLAG_SYN) {
			if (f & TCP_FLAG_ACK)
				return FC_NONPROBE; /* SYN-ACK: a reply, or backscatter */
			if (f == TCP_FLAG_SYN)
				return FC_SYN;
			return FC_ODD; /* SYN+FIN, SYN+RST, SYN+URG... */
		}
		if (f & TCP_FLAG_RST)
			return (f & (TCP_FLAG_FIN | TCP_FLAG_URG | TCP_FLAG_PSH)) && !(f & TCP_FLAG_ACK)
				       ? FC_ODD
				       : FC_NONPROBE; /* a reset is an answer */
		if (f == 0)
			return FC_NULL;
		if (f == TCP_FLAG_FIN)
			return FC_FIN;
		if (f == (TCP_FLAG_FIN | TCP_FLAG_PSH | TCP_FLAG_URG))
			return FC_XMAS;
		if (f == TCP_FLAG_ACK)
			return replyish ? FC_NONPROBE : FC_ACK;
		if (f == (TCP_FLAG_FIN | TCP_FLAG_ACK))
			return replyish ? FC_NONPROBE : FC_MAIMON;
		if (f & TCP_FLAG_ACK)
			return FC_NONPROBE; /* data of an established connection */
		return FC_ODD;          /* URG, PSH, FIN+URG... without ACK */
	}
	case IPPROTO_NUM_UDP:
	case IPPROTO_NUM_UDPLITE:
	case IPPROTO_NUM_SCTP:
		if (!(ev->flags & EVENT_HAS_PORTS))
			return FC_NOTTCP;
		*port = ev->dport;
		if (ev->sport < 1024 && ev->dport >= 1024)
			return FC_NONPROBE; /* a DNS or NTP answer, or backscatter */
		return FC_NOTTCP;
	case IPPROTO_NUM_ICMP:
		if (!(ev->flags & EVENT_HAS_ICMP))
			return FC_NOTTCP;
		/* echo, timestamp, information and address-mask requests */
		if (ev->icmp_type == 8 || ev->icmp_type == 13 || ev->icmp_type == 15 ||
		    ev->icmp_type == 17) {
			*port = ev->icmp_type;
			return FC_NOTTCP;
		}
		return FC_NONPROBE;
	case IPPROTO_NUM_ICMPV6:
		if (!(ev->flags & EVENT_HAS_ICMP))
			return FC_NOTTCP;
		/* echo request, node information query (RFC 4620) */
		if (ev->icmp_type == 128 || ev->icmp_type == 139) {
			*port = ev->icmp_type;
			return FC_NOTTCP;
		}
		return FC_NONPROBE;
	default:
		return FC_NOTTCP;
	}
}

static int nmap_window(uint16_t w)
{
	return w == 1024 || w == 2048 || w == 3072 || w == 4096;
}

/* Fingerprint bits (detect_internal.h). nmap's raw probes carry one of
 * four windows; its SYN carries exactly one option, MSS (IP length 44, or
 * 64 over IPv6), its FIN/NULL/XMAS/ACK/Maimon probes none (40 / 60).
 * masscan derives the IP ID from destination, port and sequence; zmap uses
 * the constant 54321; Mirai sets the sequence number to the destination. */
static uint8_t classify_fp(const struct event *ev, enum flag_class fc)
{
	uint8_t fp = 0;
	int v4 = addr_is_v4(&ev->dst);
	if ((ev->flags & EVENT_HAS_TTL) && ev->ttl >= 200)
		fp |= FP_TTL_HIGH;
	if (v4 && (ev->flags & EVENT_HAS_IP_ID) && ev->ip_id == 54321)
		fp |= FP_ZMAP;
	if (ev->proto != IPPROTO_NUM_TCP)
		return fp;
	if (ev->flags & EVENT_HAS_TCP_FLAGS)
		fp |= FP_FLAGS;
	if (v4 && (ev->flags & EVENT_HAS_SEQ)) {
		uint32_t dst = addr_v4(&ev->dst);
		if ((ev->flags & EVENT_HAS_IP_ID) && (ev->flags & EVENT_HAS_PORTS) &&
		    ev->ip_id == ((dst ^ ev->dport ^ ev->tcp_seq) & 0xffff))
			fp |= FP_MASSCAN;
		if (fc == FC_SYN && ev->tcp_seq == dst)
			fp |= FP_MIRAI;
	}
	int has_len = (ev->flags & EVENT_HAS_LEN) != 0;
	uint32_t base = v4 ? 40 : 60; /* IP + TCP headers without options */
	if (fc == FC_SYN) {
		if ((ev->flags & EVENT_HAS_WINDOW) && nmap_window(ev->window) &&
		    (ev->flags & EVENT_HAS_MSS) && (!has_len || ev->ip_len == base + 4))
			fp |= FP_NMAP;
		else if (has_len && ev->ip_len > base + 4 && ev->ip_len <= base + 40)
			fp |= FP_OSOPTS;
	} else if (fc == FC_FIN || fc == FC_NULL || fc == FC_XMAS || fc == FC_ACK ||
		   fc == FC_MAIMON) {
		if ((ev->flags & EVENT_HAS_WINDOW) && nmap_window(ev->window) &&
		    (!has_len || ev->ip_len == base))
			fp |= FP_NMAP;
	}
	return fp;
}

/* The signature of a TCP probe with flags (detect_internal.h SIG_*). */
static uint32_t probe_sig(const struct event *ev, enum flag_class fc)
{
	if (ev->proto != IPPROTO_NUM_TCP || !(ev->flags & EVENT_HAS_TCP_FLAGS) ||
	    fc == FC_NONPROBE || !(ev->flags & EVENT_HAS_WINDOW) || !(ev->flags & EVENT_HAS_TTL))
		return 0;
	uint32_t ttl = ev->ttl <= 32 ? 0 : ev->ttl <= 64 ? 1 : ev->ttl <= 128 ? 2 : 3;
	uint32_t opts = 0;
	uint32_t base = addr_is_v4(&ev->dst) ? 40 : 60;
	if ((ev->flags & EVENT_HAS_LEN) && ev->ip_len >= base && ev->ip_len <= base + 60)
		opts = (ev->ip_len - base) / 4 + 1;
	return (uint32_t)ev->window << 16 | ttl << 14 | (uint32_t)ev->tcp_flags << 6 | opts;
}

/* Multicast and broadcast destinations are not hosts being probed. */
static int group_destination(const struct ip_addr *a)
{
	if (addr_is_v4(a)) {
		uint32_t v = addr_v4(a);
		return (v >> 28) == 0xe || v == 0xffffffffu;
	}
	return a->b[0] == 0xff;
}

/* ---- memory ---------------------------------------------------------------- */

#define REGION_MIN (16u << 10)
#define MAP_MIN (2u << 20)

/* r on the heap, nb bytes; contents are kept, new bytes are zero. */
static void *region_heap(struct region *r, size_t nb)
{
	void *p = xrealloc(r->heap ? r->p : NULL, nb);
	if (r->p && !r->heap) {
		memcpy(p, r->p, r->bytes);
		munmap(r->p, r->bytes);
	}
	memset((char *)p + r->bytes, 0, nb - r->bytes);
	r->heap = 1;
	r->p = p;
	r->bytes = nb;
	return p;
}

/* A fresh mapping of nb bytes, in 4 KiB pages even where transparent
 * huge pages are on for every mapping (see region_grow). */
static void *region_map(size_t nb)
{
	void *p = mmap(NULL, nb, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
#ifdef MADV_NOHUGEPAGE
	if (p != MAP_FAILED)
		madvise(p, nb, MADV_NOHUGEPAGE);
#endif
	return p;
}

/* Grow a region to at least need bytes; contents are kept, new bytes are
 * zero. The address may change. */
static void *region_grow(struct region *r, size_t need)
{
	if (need <= r->bytes)
		return r->p;
	size_t nb = r->bytes ? r->bytes : REGION_MIN;
	while (nb < need)
		nb = nb > SIZE_MAX / 2 ? SIZE_MAX : nb * 2; /* xrealloc refuses SIZE_MAX */
	/* Small tables on the heap, which recycles memory; from 2 MiB on
	 * their own mapping, grown in place. In 4 KiB pages: huge pages
	 * cost the tables compaction and saved nothing, and for the event
	 * log, written from end to end, a 2 MiB block the host must back
	 * afresh cost five or six times what 4 KiB pages populated by the
	 * batch (region_populate) do on the bench VM (RESULTS.md, sessions
	 * seven and nine). */
	if (nb < MAP_MIN)
		return region_heap(r, nb);
	void *p;
	if (!r->p || r->heap) {
		p = region_map(nb);
		if (p != MAP_FAILED && r->p) {
			memcpy(p, r->p, r->bytes);
			free(r->p);
		}
	} else {
#ifdef __linux__
		p = mremap(r->p, r->bytes, nb, MREMAP_MAYMOVE);
#else
		p = region_map(nb);
		if (p != MAP_FAILED) {
			memcpy(p, r->p, r->bytes);
			munmap(r->p, r->bytes);
		}
#endif
	}
	if (p == MAP_FAILED) /* no mapping to be had: the heap, which aborts
			      * in the one place out-of-memory is handled */
		return region_heap(r, nb);
	r->heap = 0;
	r->p = p;
	r->bytes = nb;
	return p;
}

/* Bytes from..to of a mapped region made writable at once: one call for
 * what would otherwise take a fault a page (the heap's are written by
 * region_heap already). Where the kernel cannot, the pages fault in as
 * they are written. */
static void region_populate(struct region *r, size_t from, size_t to)
{
#ifdef MADV_POPULATE_WRITE
	if (r->heap || to <= from)
		return;
	long v = sysconf(_SC_PAGESIZE);
	size_t page = v > 0 ? (size_t)v : 4096;
	size_t start = from - from % page;
	madvise((char *)r->p + start, to - start, MADV_POPULATE_WRITE);
#else
	(void)r, (void)from, (void)to;
#endif
}

static void region_free(struct region *r)
{
	if (r->p && r->heap)
		free(r->p);
	else if (r->p)
		munmap(r->p, r->bytes);
	r->heap = 0;
	r->p = NULL;
	r->bytes = 0;
}

/* ---- hash slots ------------------------------------------------------------- */
/* Linear probing; a slot holds idx + 1 so that fresh zero pages are empty. */

static inline int slot_empty(const struct dslot *s)
{
	return s->idx == 0;
}

/* Make a slot table of n_slots (a power of two). */
static void slots_make(struct region *r, struct dslot **slots, size_t *mask, size_t n_slots)
{
	memset(r, 0, sizeof(*r));
	*slots = region_grow(r, n_slots * sizeof(**slots));
#ifdef MADV_POPULATE_WRITE
	/* Every slot is read before it is written (the probe): without this
	 * each page is first mapped to the shared zero page, then faulted
	 * again on the first write. One call makes them all writable. */
	if (!r->heap)
		madvise(r->p, r->bytes, MADV_POPULATE_WRITE);
#endif
	*mask = n_slots - 1;
}

/* Double a slot table: a fresh one, filled from the old. (Doubling in
 * place, which spares the kernel zeroing a table of the old size, was
 * tried: its rehash cost as much as the zeroing saved.) */
static void slots_double(struct region *r, struct dslot **slots, size_t *mask)
{
	size_t old_n = *mask + 1, nmask;
	struct region nr;
	struct dslot *ns;
	slots_make(&nr, &ns, &nmask, old_n * 2);
	for (size_t i = 0; i < old_n; i++) {
		const struct dslot *e = &(*slots)[i];
		if (slot_empty(e))
			continue;
		size_t pos = e->hash & nmask;
		while (!slot_empty(&ns[pos]))
			pos = (pos + 1) & nmask;
		ns[pos] = *e;
	}
	region_free(r);
	*r = nr;
	*slots = ns;
	*mask = nmask;
}

/* Remove the entry at pos without tombstones: later entries of the run move
 * back when their home position allows it. */
static void slots_delete_at(struct dslot *slots, size_t mask, size_t pos)
{
	size_t hole = pos, j = pos;
	for (;;) {
		j = (j + 1) & mask;
		if (slot_empty(&slots[j]))
			break;
		size_t home = slots[j].hash & mask;
		int inside = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
		if (!inside) {
			slots[hole] = slots[j];
			hole = j;
		}
	}
	slots[hole].hash = 0;
	slots[hole].idx = 0;
}

/* ---- targets and origins ------------------------------------------------------ */

static uint32_t src_hash(const struct ip_addr *a)
{
	return (uint32_t)hash_16(a->b);
}

/* Cache position of an address: unkeyed, since a collision costs only a
 * keyed lookup; the table itself is keyed. */
static inline size_t tcache_pos(const struct ip_addr *a)
{
	uint32_t w[4];
	memcpy(w, a->b, 16);
	return ((w[0] ^ w[1] ^ w[2] ^ w[3]) * 0x9e3779b1u) >> 24;
}

/* Id of target a, or NO_ID; *h is set to its keyed hash when the cache
 * did not answer (else left alone). */
static uint32_t target_find(struct detector *d, const struct ip_addr *a, uint32_t *h)
{
	size_t cp = tcache_pos(a);
	uint32_t t = d->tcache[cp];
	if (t && d->tg[t - 1].refs && addr_eq(&d->tg[t - 1].a, a))
		return t - 1;
	*h = (uint32_t)hash_16(a->b);
	size_t pos = *h & d->tslot_mask;
	for (; !slot_empty(&d->tslots[pos]); pos = (pos + 1) & d->tslot_mask) {
		const struct dslot *sl = &d->tslots[pos];
		if (sl->hash == *h && addr_eq(&d->tg[sl->idx - 1].a, a)) {
			d->tcache[cp] = sl->idx;
			return sl->idx - 1;
		}
	}
	return NO_ID;
}

/* Add target a (absent; h its hash) with no references yet. */
static uint32_t target_add(struct detector *d, const struct ip_addr *a, uint32_t h)
{
	uint32_t id;
	if (d->tg_nfree) {
		id = d->tg_free[--d->tg_nfree];
	} else {
		if ((d->tg_n + 1) * 2 > d->tslot_mask + 1)
			slots_double(&d->tslot_r, &d->tslots, &d->tslot_mask);
		d->tg = region_grow(&d->tg_r, (d->tg_n + 1) * sizeof(*d->tg));
		id = (uint32_t)d->tg_n++;
	}
	d->tg[id].a = *a;
	d->tg[id].refs = 0;
	size_t pos = h & d->tslot_mask;
	while (!slot_empty(&d->tslots[pos]))
		pos = (pos + 1) & d->tslot_mask;
	d->tslots[pos].hash = h;
	d->tslots[pos].idx = id + 1;
	d->tcache[tcache_pos(a)] = id + 1;
	return id;
}

/* The target id of dst, interned (and referenced once more); tgt is
 * target_find's answer and th the hash it set. */
static uint32_t target_ref(struct detector *d, const struct ip_addr *dst, uint32_t tgt, uint32_t th)
{
	if (tgt == NO_ID)
		tgt = target_add(d, dst, th);
	d->tg[tgt].refs++;
	return tgt;
}

/* Drop one reference; the last removes the target. */
static void target_unref(struct detector *d, uint32_t id)
{
	struct target *t = &d->tg[id];
	if (--t->refs)
		return;
	uint32_t h = (uint32_t)hash_16(t->a.b);
	size_t pos = h & d->tslot_mask;
	while (d->tslots[pos].idx != id + 1)
		pos = (pos + 1) & d->tslot_mask;
	slots_delete_at(d->tslots, d->tslot_mask, pos);
	d->tg_free = xgrow(d->tg_free, &d->tg_capfree, d->tg_nfree + 1, sizeof(*d->tg_free));
	d->tg_free[d->tg_nfree++] = id;
}

/* A contact's target as one word: an IPv4 address is TW_V4 | its four
 * bytes as stored (no byte swap either way, and no table: nearly every
 * target is IPv4, and a table lookup per event was the detector's largest
 * share of cache misses after the sources'), an IPv6 one its id in the
 * target table. */
#define TW_V4 (1ull << 32)
#define NO_TW UINT64_MAX

static inline int tw_is_v4(uint64_t tw)
{
	return (tw >> 32) == 1;
}

/* The target word of a, or NO_TW for an IPv6 address not in the table
 * (*th then set as target_find sets it). */
static inline uint64_t target_word(struct detector *d, const struct ip_addr *a, uint32_t *th)
{
	if (addr_is_v4(a)) {
		uint32_t v;
		memcpy(&v, a->b + 12, 4);
		return TW_V4 | v;
	}
	uint32_t t = target_find(d, a, th);
	return t == NO_ID ? NO_TW : t;
}

/* The word of a contact about to be stored with target a: target_word's
 * answer tw, an IPv6 target interned and referenced once more. */
static inline uint64_t target_word_ref(struct detector *d, const struct ip_addr *a, uint64_t tw,
				       uint32_t th)
{
	if (tw_is_v4(tw))
		return tw;
	return target_ref(d, a, tw == NO_TW ? NO_ID : (uint32_t)tw, th);
}

/* A stored contact's target word given up. */
static inline void target_word_unref(struct detector *d, uint64_t tw)
{
	if (!tw_is_v4(tw))
		target_unref(d, (uint32_t)tw);
}

static void origin_get(const struct detector *d, const struct pcontact *c, uint32_t *unit,
		       uint64_t *line)
{
	uint32_t u = (uint32_t)(c->origin >> ORIGIN_LINE_BITS);
	uint64_t l = c->origin & ((1ull << ORIGIN_LINE_BITS) - 1);
	if (u == ORIGIN_WIDE_UNIT) {
		*unit = d->wide[l].unit;
		*line = d->wide[l].line;
	} else {
		*unit = u;
		*line = l;
	}
}

static int origin_is_wide(const struct pcontact *c)
{
	return (uint32_t)(c->origin >> ORIGIN_LINE_BITS) == ORIGIN_WIDE_UNIT;
}

/* Give back c's wide origin entry, if it has one (the contact is going). */
static void origin_release(struct detector *d, struct pcontact *c)
{
	if (!origin_is_wide(c))
		return;
	uint64_t w = c->origin & ((1ull << ORIGIN_LINE_BITS) - 1);
	d->wide[w].unit = UINT32_MAX;
	d->wide[w].line = d->wide_free;
	d->wide_free = w;
	c->origin = 0;
}

/* Set c's origin (c->origin must be valid: 0 for a new contact). A
 * contact that has a wide entry keeps it; released entries are reused, so
 * the wide origins never outnumber the contacts. */
static void origin_set(struct detector *d, struct pcontact *c, uint32_t unit, uint64_t line)
{
	if (unit < ORIGIN_WIDE_UNIT && line < (1ull << ORIGIN_LINE_BITS)) {
		origin_release(d, c);
		c->origin = (uint64_t)unit << ORIGIN_LINE_BITS | line;
		return;
	}
	uint64_t w;
	if (origin_is_wide(c)) {
		w = c->origin & ((1ull << ORIGIN_LINE_BITS) - 1);
	} else if (d->wide_free != UINT64_MAX) {
		w = d->wide_free;
		d->wide_free = d->wide[w].line;
	} else {
		d->wide = xgrow(d->wide, &d->cap_wide, d->n_wide + 1, sizeof(*d->wide));
		w = d->n_wide++;
	}
	d->wide[w].unit = unit;
	d->wide[w].line = line;
	c->origin = (uint64_t)ORIGIN_WIDE_UNIT << ORIGIN_LINE_BITS | w;
}

/* ---- contacts --------------------------------------------------------------- */

/* An IPv4 address from its four bytes as the address holds them (the
 * contacts and the log keep IPv4 addresses so, not byte-swapped). */
static inline void v4_from_stored(uint32_t v, struct ip_addr *a)
{
	memcpy(a->b, addr_v4_head, 12);
	memcpy(a->b + 12, &v, 4);
}

/* The stored contact c of source sid in the form findings.c reads. */
static void dc_load(const struct detector *d, const struct pcontact *c, struct contact *out)
{
	if (c->v4)
		v4_from_stored(c->tgt, &out->dst);
	else
		out->dst = d->tg[c->tgt].a;
	out->first_ns = c->first_ns;
	origin_get(d, c, &out->unit, &out->line);
	out->count = c->count;
	out->fails = c->fails;
	out->last_ms = c->last_ms;
	out->port = c->port;
	out->proto = c->proto;
	out->outcome = c->outcome;
	out->outcomes = c->outcomes;
	out->fclass = c->fclass;
	out->fp = c->fp;
	out->succ = c->succ;
	out->honey = c->honey;
}

/* Store in as c (target word tw, already referenced for it; any target c
 * named before is the caller's to release; c->origin valid). */
static void dc_store(struct detector *d, struct pcontact *c, const struct contact *in, uint64_t tw)
{
	c->first_ns = in->first_ns;
	origin_set(d, c, in->unit, in->line);
	c->tgt = (uint32_t)tw;
	c->v4 = tw_is_v4(tw);
	c->count = in->count;
	c->fails = in->fails;
	c->last_ms = in->last_ms;
	c->port = in->port;
	c->proto = in->proto;
	c->outcome = in->outcome;
	c->outcomes = in->outcomes;
	c->fclass = in->fclass;
	c->fp = in->fp;
	c->succ = in->succ;
	c->honey = in->honey;
}

/* Total order used for the cap: time, origin, then the key itself. */
static int contact_before(const struct contact *a, const struct contact *b)
{
	int o = contact_order(a, b);
	if (o)
		return o < 0;
	int k = memcmp(a->dst.b, b->dst.b, 16);
	if (k)
		return k < 0;
	if (a->proto != b->proto)
		return a->proto < b->proto;
	return a->port < b->port;
}

static int contact_cmp(const void *a, const void *b)
{
	const struct contact *x = a, *y = b;
	return contact_before(x, y) ? -1 : contact_before(y, x) ? 1 : 0;
}

/* Fold "in" (an event made contact, or another detector's contact) into
 * the contact already kept for the same key. */
static void contact_fold(struct contact *c, const struct contact *in)
{
	c->count = sat_add32(c->count, in->count);
	c->fails = sat_add32(c->fails, in->fails);
	c->outcomes |= in->outcomes;
	c->succ |= in->succ;
	int64_t last = contact_last_ns(c), in_last = contact_last_ns(in);
	if (in_last > last)
		last = in_last;
	if (contact_order(in, c) < 0) {
		c->first_ns = in->first_ns;
		c->unit = in->unit;
		c->line = in->line;
		c->outcome = in->outcome;
		c->fclass = in->fclass;
		c->fp = in->fp;
	}
	c->last_ms = ms_since(c->first_ns, last);
}

/* The same for a stored contact (the common repeat of a probe). */
static void pcontact_fold(struct detector *d, struct pcontact *c, const struct contact *in)
{
	c->count = sat_add32(c->count, in->count);
	c->fails = sat_add32(c->fails, in->fails);
	c->outcomes |= in->outcomes;
	c->succ |= in->succ;
	int64_t last = last_from_ms(c->first_ns, c->last_ms), in_last = contact_last_ns(in);
	if (in_last > last)
		last = in_last;
	int earlier = in->first_ns < c->first_ns;
	if (in->first_ns == c->first_ns) {
		uint32_t unit;
		uint64_t line;
		origin_get(d, c, &unit, &line);
		earlier = in->unit != unit ? in->unit < unit : in->line < line;
	}
	if (earlier) {
		c->first_ns = in->first_ns;
		origin_set(d, c, in->unit, in->line);
		c->outcome = in->outcome;
		c->fclass = in->fclass;
		c->fp = in->fp;
	}
	c->last_ms = ms_since(c->first_ns, last);
}

/* ---- contact blocks (detect_internal.h) ---------------------------------- */

static inline struct pcontact *block_contacts(const struct detector *d, uint32_t blk)
{
	return (struct pcontact *)(void *)(d->pool + blk);
}

static inline uint32_t *block_index(const struct detector *d, uint32_t blk, unsigned cls)
{
	return (uint32_t *)(void *)(d->pool + blk + (5u << cls));
}

/* A contact's key as one word (a block's index hashes it with ix_hash,
 * whose multiplier is secret: a scanner chooses its ports and targets). */
static inline uint64_t contact_key(uint64_t tw, uint8_t proto, uint16_t port)
{
	return tw | (uint64_t)proto << 40 | (uint64_t)port << 48;
}

static inline uint64_t pcontact_tw(const struct pcontact *c)
{
	return (uint64_t)c->v4 << 32 | c->tgt;
}

static inline uint64_t pcontact_key(const struct pcontact *c)
{
	return contact_key(pcontact_tw(c), c->proto, c->port);
}

/* A block of class cls, or NO_ID when the pool cannot be addressed any
 * further (offsets are 32-bit: 32 GiB of contacts). Its index, if any,
 * is cleared. */
static uint32_t block_alloc(struct detector *d, unsigned cls)
{
	uint32_t blk = d->blk_free[cls];
	uint32_t units = block_units(cls);
	if (blk != NO_ID) {
		d->blk_free[cls] = (uint32_t)d->pool[blk];
	} else {
		if (d->pool_n + units >= NO_ID)
			return NO_ID;
		d->pool = region_grow(&d->pool_r, (d->pool_n + units) * sizeof(*d->pool));
		blk = (uint32_t)d->pool_n;
		d->pool_n += units;
	}
	if (cls > BLOCK_LINEAR)
		memset(block_index(d, blk, cls), 0, (2u << cls) * sizeof(uint32_t));
	return blk;
}

static void block_free(struct detector *d, uint32_t blk, unsigned cls)
{
	d->pool[blk] = d->blk_free[cls];
	d->blk_free[cls] = blk;
}

/* An index slot: the contact's index + 1 in the low 25 bits (0: empty),
 * 7 more bits of its hash above, so that a probe loads only the contacts
 * that probably match (a new contact, the common case in a scan, none). */
#define IX_IDX(v) ((v) & 0x1ffffffu)

/* An index's hash of a contact key: multiply-shift (Dietzfelbinger et al.,
 * "A reliable randomized algorithm for the closest-pair problem", 1997)
 * with the detector's secret odd multiplier. The top bits of the product
 * are universal: keys a sender picks collide no more often than chance
 * unless the multiplier is known, and it is drawn from the process's
 * hash key. One multiplication instead of SipHash matters here: a
 * growing index is rebuilt, every contact hashed again. */
static inline uint64_t ix_hash(const struct detector *d, uint64_t k)
{
	return k * d->ix_mul;
}

/* Home slot of hash h in an index of 2^(cls+1) slots: the top bits. */
static inline size_t ix_home(uint64_t h, unsigned cls)
{
	return (size_t)(h >> (63 - cls));
}

/* The 7 bits below the home's, as a slot's tag. */
static inline uint32_t ix_tag(uint64_t h, unsigned cls)
{
	return (uint32_t)((h >> (56 - cls)) & 0x7f) << 25;
}

/* Slot of the contact with key k (hash h) in an index of 2^(cls+1)
 * slots, or of the empty slot where it would go. */
static size_t index_probe(const uint32_t *ix, unsigned cls, const struct pcontact *c, uint64_t k,
			  uint64_t h)
{
	size_t mask = (2u << cls) - 1;
	size_t pos = ix_home(h, cls);
	uint32_t tag = ix_tag(h, cls);
	for (; ix[pos]; pos = (pos + 1) & mask)
		if ((ix[pos] & ~0x1ffffffu) == tag && pcontact_key(&c[IX_IDX(ix[pos]) - 1]) == k)
			break;
	return pos;
}

/* Index contact i of s; h is ix_hash of its key. */
static void index_add_h(const struct detector *d, const struct src_state *s, uint32_t i,
			uint64_t h)
{
	const struct pcontact *c = block_contacts(d, s->blk);
	uint32_t *ix = block_index(d, s->blk, s->cls);
	ix[index_probe(ix, s->cls, c, pcontact_key(&c[i]), h)] = ix_tag(h, s->cls) | (i + 1);
}

static void index_add(const struct detector *d, const struct src_state *s, uint32_t i)
{
	index_add_h(d, s, i, ix_hash(d, pcontact_key(&block_contacts(d, s->blk)[i])));
}

/* Remove contact i from its source's index, without tombstones: later
 * entries of the run move back when their home position allows it. */
static void index_remove(const struct detector *d, const struct src_state *s, uint32_t i)
{
	const struct pcontact *c = block_contacts(d, s->blk);
	uint32_t *ix = block_index(d, s->blk, s->cls);
	size_t mask = (2u << s->cls) - 1;
	uint64_t k = pcontact_key(&c[i]);
	size_t hole = index_probe(ix, s->cls, c, k, ix_hash(d, k)), j = hole;
	for (;;) {
		j = (j + 1) & mask;
		if (!ix[j])
			break;
		size_t home = ix_home(ix_hash(d, pcontact_key(&c[IX_IDX(ix[j]) - 1])), s->cls);
		int inside = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
		if (!inside) {
			ix[hole] = ix[j];
			hole = j;
		}
	}
	ix[hole] = 0;
}

/* Index in s's block of its contact (target word, proto, port), or NO_ID; h is
 * ix_hash of its key, for a source with an index. */
static uint32_t contact_find(const struct detector *d, const struct src_state *s, uint64_t k,
			     uint64_t h)
{
	const struct pcontact *c = block_contacts(d, s->blk);
	if (s->cls <= BLOCK_LINEAR) {
		for (uint32_t i = 0; i < s->n; i++)
			if (pcontact_key(&c[i]) == k)
				return i;
		return NO_ID;
	}
	const uint32_t *ix = block_index(d, s->blk, s->cls);
	size_t pos = index_probe(ix, s->cls, c, k, h);
	return ix[pos] ? IX_IDX(ix[pos]) - 1 : NO_ID;
}

/* Room for one more contact of s: its block moved to the next class.
 * 0 if the pool is exhausted. */
static int block_grow(struct detector *d, struct src_state *s)
{
	unsigned cls = s->blk == NO_ID ? 0 : s->cls + 1u;
	uint32_t blk = block_alloc(d, cls);
	if (blk == NO_ID)
		return 0;
	if (s->blk != NO_ID) {
		memcpy(block_contacts(d, blk), block_contacts(d, s->blk),
		       s->n * sizeof(struct pcontact));
		block_free(d, s->blk, s->cls);
	}
	s->blk = blk;
	s->cls = cls;
	if (cls > BLOCK_LINEAR)
		for (uint32_t i = 0; i < s->n; i++)
			index_add(d, s, i);
	return 1;
}

/* ix_hash of the key (tw, in's protocol and port): stage C2's p_h when
 * it was made for the same target word p_tw, else computed. */
static inline uint64_t key_hash(const struct detector *d, uint64_t tw, const struct contact *in,
				uint64_t p_tw, uint64_t p_h)
{
	return tw == p_tw ? p_h : ix_hash(d, contact_key(tw, in->proto, in->port));
}

/* Insert or fold one contact of source s (its key fields set in "in")
 * under the caps. p_tw and p_h: a target word found for in->dst before,
 * and the hash of the key with it, or NO_TW. */
static void contact_upsert(struct detector *d, struct src_state *s, const struct contact *in,
			   uint64_t p_tw, uint64_t p_h)
{
	uint32_t th = 0;
	uint64_t tw = target_word(d, &in->dst, &th);
	if (tw != NO_TW && s->n) {
		uint64_t k = contact_key(tw, in->proto, in->port);
		uint64_t h = s->cls > BLOCK_LINEAR ? key_hash(d, tw, in, p_tw, p_h) : 0;
		uint32_t i = contact_find(d, s, k, h);
		if (i != NO_ID) {
			pcontact_fold(d, &block_contacts(d, s->blk)[i], in);
			if (i == s->worst)
				s->worst = NO_WORST; /* it may have moved earlier */
			return;
		}
	}
	if (s->n < d->cfg.max_contacts && d->contacts_total < d->cfg.max_contacts_total) {
		if ((s->blk == NO_ID || s->n == (1u << s->cls)) && !block_grow(d, s)) {
			s->truncated = 1;
			d->contacts_refused++;
			return;
		}
		uint32_t i = s->n++;
		struct pcontact *c = &block_contacts(d, s->blk)[i];
		c->origin = 0;
		uint64_t t = target_word_ref(d, &in->dst, tw, th);
		dc_store(d, c, in, t);
		if (s->cls > BLOCK_LINEAR)
			index_add_h(d, s, i, key_hash(d, t, in, p_tw, p_h));
		d->contacts_total++;
		return;
	}
	s->truncated = 1;
	if (s->n < d->cfg.max_contacts || s->n == 0) {
		d->contacts_refused++; /* the detector-wide cap */
		return;
	}
	/* Full: keep the earliest. Replace the latest kept contact if the new
	 * one comes before it (rare when input is in time order, so the latest
	 * is remembered and looked for again only after a replacement). */
	struct pcontact *c = block_contacts(d, s->blk);
	struct contact wc;
	if (s->worst == NO_WORST) {
		uint32_t w = 0;
		dc_load(d, &c[0], &wc);
		for (uint32_t i = 1; i < s->n; i++) {
			struct contact ic;
			dc_load(d, &c[i], &ic);
			if (contact_before(&wc, &ic)) {
				w = i;
				wc = ic;
			}
		}
		s->worst = w;
	}
	uint32_t w = s->worst;
	dc_load(d, &c[w], &wc);
	if (!contact_before(in, &wc))
		return;
	s->worst = NO_WORST;
	if (s->cls > BLOCK_LINEAR)
		index_remove(d, s, w);
	uint64_t old_tw = pcontact_tw(&c[w]);
	/* referenced before the old one is released: it may be the same */
	dc_store(d, &c[w], in, target_word_ref(d, &in->dst, tw, th));
	target_word_unref(d, old_tw);
	if (s->cls > BLOCK_LINEAR)
		index_add(d, s, w);
}

/* Forget every contact of a source (eviction). */
static void contacts_drop(struct detector *d, struct src_state *s)
{
	if (s->blk == NO_ID)
		return;
	struct pcontact *c = block_contacts(d, s->blk);
	for (uint32_t i = 0; i < s->n; i++) {
		target_word_unref(d, pcontact_tw(&c[i]));
		origin_release(d, &c[i]);
	}
	d->contacts_total -= s->n;
	block_free(d, s->blk, s->cls);
	s->blk = NO_ID;
	s->cls = 0;
	s->n = 0;
	s->worst = NO_WORST;
}

/* ---- the source table ---------------------------------------------------- */

/* Slot of the source, or of the empty slot where it would go. */
static size_t source_probe(const struct detector *d, const struct ip_addr *a, uint32_t h)
{
	size_t pos = h & d->sslot_mask;
	for (;;) {
		const struct dslot *sl = &d->sslots[pos];
		if (slot_empty(sl) ||
		    (sl->hash == h && addr_eq(&d->st[sl->idx - 1].addr, a)))
			return pos;
		pos = (pos + 1) & d->sslot_mask;
	}
}

static void source_init(struct src_state *s, const struct ip_addr *a, uint32_t h)
{
	memset(s, 0, sizeof(*s));
	s->addr = *a;
	s->sh = h;
	s->blk = NO_ID;
	s->worst = NO_WORST;
}

static void queue_finish_d(struct detector *d);
/* the event log (detect_use_log), below */
struct event_facts;
static void log_append(struct detector *d, const struct event *ev, const struct event_facts *f,
		       uint32_t sh);
static void log_replay(struct detector *d);
static void log_replay_all(struct detector *d);
static void log_free(struct detector *d);
static void log_mixed_forget(struct detector *d);
static int log_chain(const struct detector *d);

/* Make room for one more source and return the index it may take. A clock
 * hand walks the table in order and takes the first source with at most
 * evict_level probes; after EVICT_SCAN sources without one the level
 * doubles, and it falls back to 1 when the hand comes round (unless this
 * search already had to raise it: with fewer sources than EVICT_SCAN, all
 * above the level, falling back would search for ever). A flood of single
 * probes thus evicts single probes, in order, each found at once, while
 * sources with many probes (scanners) stay. */
static uint32_t evict_one(struct detector *d)
{
	/* the contacts of events already counted are kept first, as they
	 * would have been without the queue: the victim may be theirs */
	queue_finish_d(d);
	size_t victim;
	int raised = 0;
	for (;;) {
		size_t k;
		for (k = 0; k < EVICT_SCAN; k++) {
			size_t i = d->hand;
			if (++d->hand >= d->n) {
				d->hand = 0;
				if (!raised)
					d->evict_level = 1;
			}
			if (d->st[i].probes <= d->evict_level) {
				victim = i;
				goto found;
			}
		}
		d->evict_level = d->evict_level > UINT64_MAX / 2 ? UINT64_MAX : d->evict_level * 2;
		raised = 1;
	}
found:;
	struct src_state *v = &d->st[victim];
	d->evicted++;
	d->events_evicted += v->events;
	contacts_drop(d, v);
	slots_delete_at(d->sslots, d->sslot_mask, source_probe(d, &v->addr, v->sh));
	d->last = SIZE_MAX;
	return (uint32_t)victim;
}

/* The entry a slot table probably holds for hash h (the first slot of
 * the run with that hash), to fetch ahead of its use; NO_ID if none. */
static inline uint32_t slot_peek(const struct dslot *slots, size_t mask, uint32_t h)
{
	size_t pos = h & mask;
	for (int k = 0; k < 4 && !slot_empty(&slots[pos]); k++, pos = (pos + 1) & mask)
		if (slots[pos].hash == h)
			return slots[pos].idx - 1;
	return NO_ID;
}

/* The source's index (added if new); h is src_hash(a). */
static uint32_t source_get_h(struct detector *d, const struct ip_addr *a, uint32_t h)
{
	size_t pos = source_probe(d, a, h);
	if (!slot_empty(&d->sslots[pos])) {
		d->last = d->sslots[pos].idx - 1;
		d->last_sh = h;
		return (uint32_t)d->last;
	}
	uint32_t idx;
	if (d->n >= d->cfg.max_sources) {
		idx = evict_one(d);
	} else {
		if ((d->n + 1) * 2 > d->sslot_mask + 1)
			slots_double(&d->sslot_r, &d->sslots, &d->sslot_mask);
		d->st = region_grow(&d->st_r, (d->n + 1) * sizeof(*d->st));
		idx = (uint32_t)d->n++;
	}
	source_init(&d->st[idx], a, h);
	pos = source_probe(d, a, h);
	d->sslots[pos].hash = h;
	d->sslots[pos].idx = idx + 1;
	d->last = idx;
	d->last_sh = h;
	return idx;
}

/* ---- public -------------------------------------------------------------- */

/* The state of a detector with no source yet (d->cfg set, the rest zero). */
static void start_empty(struct detector *d)
{
	d->cell_w = detect_cell_seconds(&d->cfg); /* not divided again per event */
	d->last = SIZE_MAX;
	d->wide_free = UINT64_MAX;
	d->evict_level = 1;
	/* secret as the process's hash key is: drawn from it */
	d->ix_mul = hash_u64(0x636c7363616e6978ULL) | 1;
	for (unsigned i = 0; i < 6; i++)
		d->union_key[i] = hash_u64(0x636c7363616e7500ULL + i);
	for (unsigned c = 0; c < BLOCK_CLASSES; c++)
		d->blk_free[c] = NO_ID;
	slots_make(&d->sslot_r, &d->sslots, &d->sslot_mask, 4096);
	slots_make(&d->tslot_r, &d->tslots, &d->tslot_mask, 256);
}

struct detector *detect_new(const struct detect_config *cfg)
{
	struct detector *d = xcalloc(1, sizeof(*d));
	if (cfg)
		d->cfg = *cfg;
	else
		detect_config_defaults(&d->cfg);
	if (d->cfg.max_sources == 0)
		d->cfg.max_sources = 1;
	if (d->cfg.max_sources > (1u << 30))
		d->cfg.max_sources = 1u << 30;
	if (d->cfg.max_contacts == 0)
		d->cfg.max_contacts = 1;
	if (d->cfg.max_contacts > (1u << 24))
		d->cfg.max_contacts = 1u << 24;
	if (d->cfg.max_contacts_total == 0)
		d->cfg.max_contacts_total = 1;
	if (d->cfg.max_contacts_total > (1u << 31))
		d->cfg.max_contacts_total = 1u << 31;
	start_empty(d);
	return d;
}

void detect_free(struct detector *d)
{
	while (d) {
		struct detector *next = d->merged;
		log_free(d);
		region_free(&d->st_r);
		region_free(&d->sslot_r);
		region_free(&d->pool_r);
		region_free(&d->tg_r);
		region_free(&d->tslot_r);
		free(d->tg_free);
		free(d->wide);
		free(d);
		d = next;
	}
}

static int succeeded(uint8_t outcome)
{
	return outcome == EVENT_OUTCOME_OPEN || outcome == EVENT_OUTCOME_AUTH_SUCCESS;
}

/* Adds the second sec to a source's earliest cells (detect_internal.h):
 * the cell's first second kept, the latest cell dropped when full. */
static unsigned cells_add(uint32_t *cell, unsigned n, unsigned *more, uint32_t sec, uint32_t w)
{
	uint32_t c = sec / w, i = n;
	while (i > 0 && cell[i - 1] / w > c) /* most events land in the latest cell */
		i--;
	if (i > 0 && cell[i - 1] / w == c) {
		if (sec < cell[i - 1])
			cell[i - 1] = sec;
		return n;
	}
	*more |= n == DETECT_CELLS;
	if (i == DETECT_CELLS)
		return n;
	uint32_t k = n < DETECT_CELLS ? n : DETECT_CELLS - 1;
	memmove(cell + i + 1, cell + i, (k - i) * sizeof(*cell));
	cell[i] = sec;
	return k + 1;
}

/* cells_add for a source's state, without dividing in the common cases: an
 * event in the latest kept cell, or after it (cell_start remembers where
 * that cell began). Same result as cells_add. */
static inline void cells_note(struct src_state *s, uint32_t sec, uint32_t w)
{
	if (s->n_cell && sec >= s->cell_start) {
		if (sec - s->cell_start < w) {
			if (sec < s->cell[s->n_cell - 1])
				s->cell[s->n_cell - 1] = sec;
			return;
		}
		if (s->n_cell == DETECT_CELLS) {
			s->cells_more = 1;
			return;
		}
		s->cell[s->n_cell++] = sec;
		s->cell_start = sec - sec % w;
		return;
	}
	unsigned more = s->cells_more;
	s->n_cell = cells_add(s->cell, s->n_cell, &more, sec, w);
	s->cells_more = more;
	s->cell_start = s->cell[s->n_cell - 1] - s->cell[s->n_cell - 1] % w;
}

/* ---- the pipeline (struct pending) ----------------------------------------- */

/* B: the source's state fetched, and its index kept as C's first guess.
 * always_inline: a function that only fetches is "const" to GCC, and its
 * calls are dropped. */
static inline __attribute__((always_inline)) void det_stage_b(struct detector *d,
							      struct pending *p)
{
	uint32_t i = slot_peek(d->sslots, d->sslot_mask, p->sh);
	p->sid = i;
	if (i != NO_ID) { /* both lines: an event touches counters in each */
		__builtin_prefetch(&d->st[i]);
		__builtin_prefetch((const char *)&d->st[i] + 64);
	}
}

/* C: the event counted in its source; the source's contacts fetched. */
static void det_stage_c(struct detector *d, struct pending *p)
{
	p->tw = NO_TW; /* until C2 */
	/* B's guess holds unless the source is new (then maybe added by an
	 * event just before: the last one) or its index went to another
	 * (evicted since): the address tells */
	uint32_t sid = p->sid;
	if (sid == NO_ID || !addr_eq(&d->st[sid].addr, &p->src)) {
		if (d->last != SIZE_MAX && d->last_sh == p->sh &&
		    addr_eq(&d->st[d->last].addr, &p->src))
			sid = (uint32_t)d->last;
		else
			sid = source_get_h(d, &p->src, p->sh);
	}
	p->sid = sid;
	struct src_state *s = &d->st[sid];
	int64_t t = p->in.first_ns;
	s->events += p->count;
	if (t)
		cells_note(s, (uint32_t)(t / 1000000000LL), d->cell_w);
	if (p->sig) {
		if (!s->sig)
			s->sig = p->sig;
		s->sig_all++;
		s->sig_same += p->sig == s->sig;
	}
	if (p->fc == FC_NONPROBE)
		return;
	s->probes += p->count;
	/* per source only the tool bits are read (background, hammering) */
	uint8_t fp = p->in.fp & (FP_NMAP | FP_ZMAP | FP_MASSCAN | FP_MIRAI);
	for (int b = 0; fp && b < FP_BITS; b++)
		if (fp & (1u << b))
			s->fp[b] = sat_add32(s->fp[b], p->count);
}

/* C2: the source's contacts fetched (a small block whole, in a scanner's
 * the index slot its key hashes to, and the place a new contact would
 * take): in a loop of their own, since a fetch that misses the TLB holds
 * up whatever follows it. */
static void det_stage_c2(struct detector *d, struct pending *p)
{
	p->tw = NO_TW;
	if (!p->contact || p->fc == FC_NONPROBE)
		return;
	const struct src_state *s = &d->st[p->sid];
	if (s->blk == NO_ID)
		return;
	const char *c = (const char *)block_contacts(d, s->blk);
	if (s->cls <= BLOCK_LINEAR) {
		size_t end = (s->n + 1u) * sizeof(struct pcontact);
		for (size_t o = 0; o < end; o += 64)
			__builtin_prefetch(c + o);
		return;
	}
	uint32_t th;
	__builtin_prefetch(c + s->n * sizeof(struct pcontact));
	p->tw = target_word(d, &p->in.dst, &th);
	if (p->tw == NO_TW)
		return;
	p->h = ix_hash(d, contact_key(p->tw, p->in.proto, p->in.port));
	__builtin_prefetch(&block_index(d, s->blk, s->cls)[ix_home(p->h, s->cls)]);
}

/* C3: the contact the index slot names, if its tag matches (a repeat). */
static inline __attribute__((always_inline)) void det_stage_c3(struct detector *d,
							       const struct pending *p)
{
	if (p->tw == NO_TW)
		return;
	const struct src_state *s = &d->st[p->sid];
	if (s->blk == NO_ID || s->cls <= BLOCK_LINEAR) /* not the source B saw */
		return;
	uint32_t v = block_index(d, s->blk, s->cls)[ix_home(p->h, s->cls)];
	if (v && (v & ~0x1ffffffu) == ix_tag(p->h, s->cls))
		__builtin_prefetch(&block_contacts(d, s->blk)[IX_IDX(v) - 1]);
}

/* D: the contact kept. Its source is still p->sid: a source is only
 * evicted once every counted event has passed D (evict_one). */
static void det_stage_d(struct detector *d, const struct pending *p)
{
	if (p->contact && p->fc != FC_NONPROBE)
		contact_upsert(d, &d->st[p->sid], &p->in, p->tw, p->h);
}

/* Stage D for the queued events that have passed C. */
static void queue_finish_d(struct detector *d)
{
	for (; d->qd < d->qc; d->qd++)
		det_stage_d(d, &d->q[d->qd]);
}

/* Run the queued events through the stages (struct pending), each stage
 * over the whole queue before the next: the misses of one stage wait for
 * memory together, not one after another. (A rolling pipeline, each stage
 * a few events behind the last, as the statistics have, was slower here:
 * on the bench VM a fetch that misses the TLB stalls like a load, and
 * fetches issued back to back overlap their page walks.) */
static void drain(struct detector *d)
{
	for (unsigned k = 0; k < d->nq; k++)
		__builtin_prefetch(&d->sslots[d->q[k].sh & d->sslot_mask]);
	for (unsigned k = 0; k < d->nq; k++)
		det_stage_b(d, &d->q[k]);
	d->qd = 0;
	for (d->qc = 0; d->qc < d->nq; d->qc++)
		det_stage_c(d, &d->q[d->qc]);
	for (unsigned k = d->qd; k < d->nq; k++)
		det_stage_c2(d, &d->q[k]);
	for (unsigned k = d->qd; k < d->nq; k++)
		det_stage_c3(d, &d->q[k]);
	queue_finish_d(d);
	d->nq = d->qc = d->qd = 0;
}

/* What the detector takes from an event besides its addresses. */
struct event_facts {
	int64_t first_ns; /* 0 if untimed */
	uint32_t count;   /* events it stands for (>= 1) */
	uint32_t sig;     /* probe_sig */
	uint16_t port;
	uint8_t fc;       /* enum flag_class */
	uint8_t contact;  /* a contact to keep (struct pending) */
	/* the rest only for a probe (fc != FC_NONPROBE), else 0 */
	uint8_t proto, outcome, fp;
	uint8_t fails;    /* not known to have succeeded, not accepted */
	uint8_t succ, honey;
};

static inline void event_facts(const struct event *ev, struct event_facts *f)
{
	uint16_t port;
	enum flag_class fc = classify(ev, &port);
	memset(f, 0, sizeof(*f));
	f->first_ns = (ev->flags & EVENT_HAS_TIME) ? ev->time_ns : 0;
	f->count = ev->count ? ev->count : 1;
	f->sig = probe_sig(ev, fc);
	f->fc = (uint8_t)fc;
	/* A web request whose log gave no server port is the web stage's to
	 * judge: as a contact it would only be "port 0" noise. */
	f->contact = fc != FC_NONPROBE &&
		     !((ev->flags & EVENT_HAS_DST) && group_destination(&ev->dst)) &&
		     !(ev->http && !(ev->flags & EVENT_HAS_PORTS));
	if (fc == FC_NONPROBE)
		return;
	int ok = succeeded(ev->outcome);
	f->fails = !ok && ev->action != EVENT_ACTION_ACCEPT;
	f->succ = (uint8_t)ok;
	f->honey = (ev->flags & EVENT_HONEYPOT) != 0;
	f->port = port;
	f->proto = (ev->flags & EVENT_ARP) ? EVENT_PROTO_ARP : ev->proto;
	f->outcome = ev->outcome < EVENT_OUTCOME_COUNT ? ev->outcome : 0;
	f->fp = classify_fp(ev, fc);
}

static void table_event(struct detector *d, const struct event *ev,
			const struct event_facts *f, uint32_t sh);

/* Queue one event; sh is its source's src_hash. */
static void add_event(struct detector *d, const struct event *ev, uint32_t sh)
{
	/* Sent by the logging host itself (an OUTPUT-chain line): its own
	 * clients' traffic, not probes against it. */
	if (!d->cfg.include_local && ev->in_if.len == 0 && ev->out_if.len != 0)
		return;
	struct event_facts f;
	event_facts(ev, &f);
	if (__builtin_expect(d->log_on && d->log_n < d->log_max, 1))
		log_append(d, ev, &f, sh);
	else
		table_event(d, ev, &f, sh);
}

/* add_event without a log, or with a full one. Out of line: the log's is
 * the common path, and the loop that reads the input shares the
 * instruction cache with the parser and the statistics. */
static RARE void table_event(struct detector *d, const struct event *ev,
			     const struct event_facts *f, uint32_t sh)
{
	if (d->log_on)
		log_replay(d); /* full: the tables take over, this event after the logged ones */
	struct pending *p = &d->q[d->nq];
	p->src = ev->src;
	p->count = f->count;
	p->fc = f->fc;
	p->contact = f->contact;
	struct contact *in = &p->in;
	memset(in, 0, sizeof(*in));
	if (ev->flags & EVENT_HAS_DST)
		in->dst = ev->dst;
	in->first_ns = f->first_ns;
	if (f->fc != FC_NONPROBE) {
		in->unit = ev->unit;
		in->line = ev->line;
		in->count = f->count;
		in->fails = f->fails ? f->count : 0;
		in->succ = f->succ;
		in->honey = f->honey;
		in->port = f->port;
		in->proto = f->proto;
		in->outcome = f->outcome;
		in->outcomes = (uint8_t)(1u << f->outcome);
		in->fclass = f->fc;
		in->fp = f->fp;
	}
	p->sig = f->sig;
	p->sh = sh;
	if (++d->nq == DETECT_QUEUE)
		drain(d);
}

void detect_add(struct detector *d, const struct event *ev)
{
	if (!d || !(ev->flags & EVENT_HAS_SRC))
		return;
	/* lines come in runs from one source: its hash is kept */
	if (!d->a_valid || !addr_eq(&d->a_src, &ev->src)) {
		d->a_src = ev->src;
		d->a_sh = src_hash(&ev->src);
		d->a_valid = 1;
	}
	add_event(d, ev, d->a_sh);
}

void detect_add_hashed(struct detector *d, const struct event *ev, uint64_t src_h)
{
	if (d && (ev->flags & EVENT_HAS_SRC))
		add_event(d, ev, (uint32_t)src_h);
}

/* Merging is deferred: from's tables move, as they are, onto into's list
 * of merged detectors (no copying, no rehashing: the merge is serial, so it
 * must be cheap), and detect_each_source() forms the union per source
 * when the findings are made. */
void detect_merge(struct detector *into, struct detector *from)
{
	if (!into || !from || into == from)
		return;
	/* logs stay logs (their union is formed by the walk, as the
	 * tables' is); one that was replayed makes every other replay */
	if (!(log_chain(into) && from->log_on && !from->merged)) {
		log_replay_all(into);
		log_replay_all(from);
	}
	drain(into);
	drain(from);
	/* a walk made before this merge saw neither from's sources nor as
	 * many detectors */
	log_mixed_forget(into);
	log_mixed_forget(from);
	struct detector *m = xmalloc(sizeof(*m));
	*m = *from;
	struct detector **tail = &into->merged;
	while (*tail)
		tail = &(*tail)->merged;
	*tail = m;
	/* from is left empty but valid */
	struct detect_config cfg = from->cfg;
	memset(from, 0, sizeof(*from));
	from->cfg = cfg;
	start_empty(from);
}

/* Index of the source in d, or NO_ID. */
static uint32_t source_find(const struct detector *d, const struct ip_addr *a, uint32_t h)
{
	size_t pos = source_probe(d, a, h);
	return slot_empty(&d->sslots[pos]) ? NO_ID : d->sslots[pos].idx - 1;
}

/* Same key: target, protocol and port. */
static inline int contact_key_eq(const struct contact *a, const struct contact *b)
{
	return a->port == b->port && a->proto == b->proto && addr_eq(&a->dst, &b->dst);
}

/* Scratch the walks keep from one source to the next. */
struct fold_scratch {
	struct contact *tmp;
	size_t tmp_cap;
	uint32_t *slots; /* dedup_keys' */
	size_t slots_cap;
};

/* tmp, with room for n contacts. */
static struct contact *fold_tmp(struct fold_scratch *fs, size_t n)
{
	if (n > fs->tmp_cap) {
		fs->tmp_cap = n * 2;
		fs->tmp = xrealloc(fs->tmp, fs->tmp_cap * sizeof(*fs->tmp));
	}
	return fs->tmp;
}

static void fold_scratch_free(struct fold_scratch *fs)
{
	free(fs->tmp);
	free(fs->slots);
}

/* Merge the sorted runs buf[0..mid) and buf[mid..end) by time. */
static void merge_runs(struct contact *buf, size_t mid, size_t end, struct contact *tmp)
{
	size_t a = 0, b = mid, o = 0;
	if (mid == 0 || mid == end || !contact_before(&buf[mid], &buf[mid - 1]))
		return; /* already in order */
	while (a < mid && b < end)
		tmp[o++] = contact_before(&buf[b], &buf[a]) ? buf[b++] : buf[a++];
	while (a < mid)
		tmp[o++] = buf[a++];
	while (b < end)
		tmp[o++] = buf[b++];
	memcpy(buf, tmp, end * sizeof(*buf));
}

/* Up to this many descents (a contact before the one it follows), that is
 * one run more, sort_by_time merges the runs rather than sorts afresh. */
#define MERGE_RUNS_MAX 8

/* Sort buf[0..k) by time and origin. Allocation order usually is sorted,
 * or is a few sorted runs (log files given newest first, a source seen
 * in each): up to MERGE_RUNS_MAX + 1 runs are merged, in O(k) a run. */
static void sort_by_time(struct contact *buf, uint32_t k, struct fold_scratch *fs)
{
	uint32_t cut[MERGE_RUNS_MAX]; /* where each run after the first starts */
	unsigned runs = 0;
	for (uint32_t j = 1; j < k && runs <= MERGE_RUNS_MAX; j++)
		if (contact_before(&buf[j], &buf[j - 1])) {
			if (runs < MERGE_RUNS_MAX)
				cut[runs] = j;
			runs++;
		}
	if (runs == 0)
		return;
	if (runs <= MERGE_RUNS_MAX) {
		struct contact *tmp = fold_tmp(fs, k);
		for (unsigned r = 0; r < runs; r++)
			merge_runs(buf, cut[r], r + 1 < runs ? cut[r + 1] : k, tmp);
		return;
	}
	if (k > 32) {
		qsort(buf, k, sizeof(*buf), contact_cmp);
		return;
	}
	for (uint32_t i = 1; i < k; i++) {
		struct contact v = buf[i];
		uint32_t j = i;
		while (j > 0 && contact_before(&v, &buf[j - 1])) {
			buf[j] = buf[j - 1];
			j--;
		}
		buf[j] = v;
	}
}

#define DEDUP_LINEAR_MAX 16

/* Hash of a contact's key (target, protocol, port) for the union of its
 * source's parts: pair-multiply-shift over its 32-bit words with secret
 * 64-bit words k (Thorup, "High speed hashing for integers and strings",
 * 2015), universal like the SipHash it replaced at a fifth of the cost;
 * the top bits are used. */
static inline uint64_t union_hash(const uint64_t *k, const struct contact *c)
{
	uint32_t w[4];
	memcpy(w, c->dst.b, 16);
	uint64_t last = (uint64_t)c->proto << 16 | c->port;
	return (w[0] + k[0]) * (w[1] + k[1]) + (w[2] + k[2]) * (w[3] + k[3]) +
	       (last + k[4]) * k[5];
}

/* One contact per key in buf[0..n) (sorted by time): later ones are folded
 * into the earliest. Returns the new n; order is kept. key: the union_hash
 * words. */
static size_t dedup_keys(struct contact *buf, size_t n, struct fold_scratch *fs,
			 const uint64_t *key)
{
	if (n <= DEDUP_LINEAR_MAX) { /* most sources: comparing beats hashing */
		size_t w = 0;
		for (size_t q = 0; q < n; q++) {
			size_t k = 0;
			while (k < w && !contact_key_eq(&buf[k], &buf[q]))
				k++;
			if (k < w)
				contact_fold(&buf[k], &buf[q]);
			else
				buf[w++] = buf[q];
		}
		return w;
	}
	size_t need = 16;
	while (need < n * 2)
		need *= 2;
	if (need > fs->slots_cap) {
		free(fs->slots);
		fs->slots = xmalloc(need * sizeof(*fs->slots));
		fs->slots_cap = need;
	}
	uint32_t *sl = fs->slots;
	memset(sl, 0, need * sizeof(*sl));
	size_t mask = need - 1, w = 0;
	unsigned shift = 64u - (unsigned)__builtin_ctzll(need);
	for (size_t q = 0; q < n; q++) {
		size_t pos = (size_t)(union_hash(key, &buf[q]) >> shift) & mask;
		for (;;) {
			if (!sl[pos]) {
				sl[pos] = (uint32_t)w + 1;
				buf[w++] = buf[q];
				break;
			}
			if (contact_key_eq(&buf[sl[pos] - 1], &buf[q])) {
				contact_fold(&buf[sl[pos] - 1], &buf[q]);
				break;
			}
			pos = (pos + 1) & mask;
		}
	}
	return w;
}

/* A source's union over the detectors that saw it: its parts' contacts in
 * buf[0..n), each part sorted by time with one contact per key, part r
 * ending at run_end[r]. Merged by time, then one contact per key across
 * them (the earliest, the rest folded in), as if one detector had seen it
 * all. Returns the new n. */
static inline size_t union_parts(struct contact *buf, size_t n, const size_t *run_end,
				 unsigned parts, struct fold_scratch *fs, const uint64_t *key)
{
	if (parts < 2)
		return n;
	struct contact *tmp = fold_tmp(fs, n);
	for (unsigned r = 1; r < parts; r++)
		merge_runs(buf, run_end[r - 1], run_end[r], tmp);
	return dedup_keys(buf, n, fs, key);
}

/* One detector's counters for a source added to the source's view (the
 * union's; fp: its fingerprint counts); the first detector's start it. */
static inline void view_add(struct src_view *v, uint32_t *fp, const struct src_state *t,
			    int first, uint32_t cell_w)
{
	if (first) {
		v->events = t->events;
		v->probes = t->probes;
		v->truncated = t->truncated;
		memcpy(fp, t->fp, sizeof(t->fp));
		memcpy(v->cell, t->cell, sizeof(v->cell));
		v->n_cell = t->n_cell;
		v->cells_more = t->cells_more;
		v->sig = t->sig;
		v->sig_same = v->sig_all = 0;
	} else {
		v->cells_more |= t->cells_more;
		for (uint32_t q = 0; q < t->n_cell; q++)
			v->n_cell = cells_add(v->cell, v->n_cell, &v->cells_more, t->cell[q], cell_w);
		v->events += t->events;
		v->probes += t->probes;
		v->truncated |= t->truncated;
		for (int b = 0; b < FP_BITS; b++)
			fp[b] = sat_add32(fp[b], t->fp[b]);
	}
	if (!v->sig)
		v->sig = t->sig;
	if (t->sig == v->sig)
		v->sig_same += t->sig_same;
	v->sig_all += t->sig_all;
}


/* ---- the event log (detect_use_log) ------------------------------------------ */

/* The part of `nparts` a source with src_hash h is analysed in. */
static inline unsigned source_part(uint32_t h, unsigned nparts)
{
	return (unsigned)(((uint64_t)h * nparts) >> 32);
}

static RARE uint32_t log_addr6(struct detector *d, const struct ip_addr *a)
{
	d->log6 = xgrow(d->log6, &d->cap6, d->n6 + 1, sizeof(*d->log6));
	d->log6[d->n6] = *a;
	return (uint32_t)d->n6++;
}

/* An address as the log keeps it: IPv4's four bytes, or an IPv6 address
 * appended to log6 (its index, and the flag v6 set). */
static inline uint32_t log_addr(struct detector *d, const struct ip_addr *a, uint8_t *flags,
				uint8_t v6)
{
	if (__builtin_expect(addr_is_v4(a), 1)) {
		uint32_t v;
		memcpy(&v, a->b + 12, 4);
		return v;
	}
	*flags |= v6;
	return log_addr6(d, a);
}

/* Events made writable at a time (512 KiB of log, 128 KiB of keys). */
#define LOG_POPULATE (16u << 10)

/* Events the log and its keys have room for: as far as their pages are
 * populated, the next LOG_POPULATE when the appends reach the end of
 * those (on the heap, written already, in the same steps). */
static size_t log_room(const struct detector *d)
{
	size_t a = d->log_r.bytes / sizeof(*d->log), b = d->logk_r.bytes / sizeof(*d->logk);
	return a < b ? a : b;
}

static void log_set_cap(struct detector *d)
{
	size_t room = log_room(d);
	if (d->log_ready <= d->log_n && d->log_ready < room) {
		size_t to = d->log_ready + LOG_POPULATE;
		if (to > room)
			to = room;
		region_populate(&d->log_r, d->log_ready * sizeof(*d->log), to * sizeof(*d->log));
		region_populate(&d->logk_r, d->log_ready * sizeof(*d->logk),
				to * sizeof(*d->logk));
		d->log_ready = to;
	}
	d->log_cap = d->log_ready;
}

/* Room for one more event; or, if the log was sorted already (events
 * added after the findings were made), back to unsorted. */
static RARE void log_make_room(struct detector *d)
{
	if (d->log_sorted) {
		d->log_sorted = 0;
		d->log_exact = -1;
		for (size_t i = 0; i < d->n_log_mixed; i++)
			d->log_mixed[i].done = 0;
	}
	if (d->log_n < d->log_cap)
		return;
	if (d->log_n < log_room(d)) { /* room, but not yet populated */
		log_set_cap(d);
		return;
	}
	/* both arrays grow together */
	d->log = region_grow(&d->log_r, (d->log_n + 1) * sizeof(*d->log));
	d->logk = region_grow(&d->logk_r, (d->log_n + 1) * sizeof(*d->logk));
	log_set_cap(d);
}

/* An origin or count that does not pack into the record (LR_WIDE). */
static RARE uint32_t log_wide(struct detector *d, uint32_t unit, uint64_t line, uint32_t count)
{
	d->logwide = xgrow(d->logwide, &d->capwide, d->nwide + 1, sizeof(*d->logwide));
	d->logwide[d->nwide] = (struct log_wide){.line = line, .unit = unit, .count = count};
	return (uint32_t)d->nwide++; /* (no more than log_max, 2^30) */
}

static inline uint32_t log_count(const struct detector *d, const struct logrec *r)
{
	return __builtin_expect(r->flags & LR_WIDE, 0) ? d->logwide[r->line].count : 1;
}

static inline unsigned log_fc(const struct logrec *r)
{
	return r->fc_outcome & 15u;
}

static inline unsigned log_outcome(const struct logrec *r)
{
	return r->fc_outcome >> 4;
}

static inline void log_addr_get(const struct detector *d, uint32_t v, int v6, struct ip_addr *a)
{
	if (v6)
		*a = d->log6[v];
	else
		v4_from_stored(v, a);
}

#define LOG_WRITE_AHEAD 16

/* Append an event to the log. */
static void log_append(struct detector *d, const struct event *ev, const struct event_facts *f,
		       uint32_t sh)
{
	if (__builtin_expect(d->log_n == d->log_cap || d->log_sorted, 0))
		log_make_room(d);
	/* the lines LOG_WRITE_AHEAD events on, fetched for writing, so that
	 * a store seldom waits for its line (within the room made: pages
	 * populated, as a prefetch does not fault) */
	if (d->log_n + LOG_WRITE_AHEAD < d->log_cap) {
		__builtin_prefetch(&d->log[d->log_n + LOG_WRITE_AHEAD], 1);
		__builtin_prefetch(&d->logk[d->log_n + LOG_WRITE_AHEAD], 1);
	}
	d->logk[d->log_n] = (uint64_t)sh << 32 | d->log_n;
	struct logrec *r = &d->log[d->log_n++];
	uint8_t fl = 0;
	r->first_ns = f->first_ns;
	/* a non-probe's origin is not kept (add_event's neither) */
	int probe = f->fc != FC_NONPROBE;
	uint32_t unit = probe ? ev->unit : 0;
	uint64_t line = probe ? ev->line : 0;
	if (__builtin_expect(unit <= UINT16_MAX && line <= UINT32_MAX && f->count == 1, 1)) {
		r->unit = (uint16_t)unit;
		r->line = (uint32_t)line;
	} else {
		r->unit = 0;
		r->line = log_wide(d, unit, line, f->count);
		fl |= LR_WIDE;
	}
	static const struct ip_addr none;
	r->src = log_addr(d, &ev->src, &fl, LR_SRC6);
	r->dst = log_addr(d, (ev->flags & EVENT_HAS_DST) ? &ev->dst : &none, &fl, LR_DST6);
	r->sig = f->sig;
	r->port = f->port;
	r->proto = f->proto;
	r->fc_outcome = (uint8_t)(f->fc | f->outcome << 4);
	r->fp = f->fp;
	if (f->fails)
		fl |= LR_FAILS;
	if (f->succ)
		fl |= LR_SUCC;
	if (f->honey)
		fl |= LR_HONEY;
	if (f->contact) {
		fl |= LR_CONTACT;
		/* as contact_order compares: spares log_exact reading the
		 * records of a log that came in order (one file, oldest first) */
		int64_t t = f->first_ns;
		if (t < d->log_last_ns ||
		    (t == d->log_last_ns && (unit < d->log_last_unit ||
					     (unit == d->log_last_unit && line < d->log_last_line))))
			d->log_in_order = 0;
		d->log_last_ns = t;
		d->log_last_unit = unit;
		d->log_last_line = line;
	}
	r->flags = fl;
}

/* A probe's origin (unit and line). */
static inline void log_origin(const struct detector *d, const struct logrec *r, uint32_t *unit,
			      uint64_t *line)
{
	if (__builtin_expect(r->flags & LR_WIDE, 0)) {
		*unit = d->logwide[r->line].unit;
		*line = d->logwide[r->line].line;
	} else {
		*unit = r->unit;
		*line = r->line;
	}
}

/* The event's contact, as add_event makes it (struct pending.in). */
static void log_contact(const struct detector *d, const struct logrec *r, struct contact *c)
{
	log_addr_get(d, r->dst, r->flags & LR_DST6, &c->dst);
	c->first_ns = r->first_ns;
	c->last_ms = 0;
	if (log_fc(r) == FC_NONPROBE) { /* add_event keeps only the target and the time */
		c->unit = 0;
		c->line = 0;
		c->count = c->fails = 0;
		c->port = 0;
		c->proto = c->outcome = c->outcomes = c->fclass = c->fp = 0;
		c->succ = c->honey = 0;
		return;
	}
	log_origin(d, r, &c->unit, &c->line);
	c->count = log_count(d, r);
	c->fails = (r->flags & LR_FAILS) ? c->count : 0;
	c->port = r->port;
	c->proto = r->proto;
	c->outcome = (uint8_t)log_outcome(r);
	c->outcomes = (uint8_t)(1u << c->outcome);
	c->fclass = (uint8_t)log_fc(r);
	c->fp = r->fp;
	c->succ = (r->flags & LR_SUCC) != 0;
	c->honey = (r->flags & LR_HONEY) != 0;
}

/* What walks noted of shared hashes, forgotten: the chain it was made
 * for has changed (log_prepare makes it anew, one per part). */
static void log_mixed_forget(struct detector *d)
{
	for (size_t i = 0; i < d->n_log_mixed; i++)
		free(d->log_mixed[i].h);
	free(d->log_mixed);
	d->log_mixed = NULL;
	d->n_log_mixed = 0;
}

static void log_free(struct detector *d)
{
	region_free(&d->log_r);
	region_free(&d->logk_r);
	free(d->log6);
	free(d->logwide);
	log_mixed_forget(d);
	d->log = NULL;
	d->logk = NULL;
	d->log6 = NULL;
	d->logwide = NULL;
	d->log_n = d->log_cap = d->log_ready = d->n6 = d->cap6 = d->nwide = d->capwide = 0;
	d->log_on = 0;
}

/* Every log of d and the detectors merged into it replayed (log_replay). */
static void log_replay_all(struct detector *d)
{
	for (; d; d = d->merged)
		log_replay(d);
}

/* Bytes of replayed log given back at a time. */
#define LOG_RELEASE (1u << 20)

/* The logged events through the tables, in the order they came, as if
 * the log had never been; the tables are used from here on. The keys go
 * first (src_hash is taken again) and the replayed part of the log is
 * given back as the tables grow, so that a full log and the tables it
 * fills are not held at once. */
static void log_replay(struct detector *d)
{
	if (!d->log_on)
		return;
	d->log_on = 0;
	region_free(&d->logk_r);
	d->logk = NULL;
	size_t released = 0;
	for (size_t i = 0; i < d->log_n; i++) {
		const struct logrec *r = &d->log[i];
		struct pending *p = &d->q[d->nq];
		log_addr_get(d, r->src, r->flags & LR_SRC6, &p->src);
		log_contact(d, r, &p->in);
		p->count = log_count(d, r);
		p->fc = (uint8_t)log_fc(r);
		p->contact = (r->flags & LR_CONTACT) != 0;
		p->sig = r->sig;
		p->sh = src_hash(&p->src);
		if (++d->nq < DETECT_QUEUE)
			continue;
		drain(d); /* the queue holds copies: the records are done with */
		size_t done = (i + 1) * sizeof(*d->log) / LOG_RELEASE * LOG_RELEASE;
		if (!d->log_r.heap && done > released) {
			madvise((char *)d->log + released, done - released, MADV_DONTNEED);
			released = done;
		}
	}
	drain(d);
	log_free(d);
}

/* Sort the keys (src_hash << 32 | index) by their high 32 bits, stably,
 * so that each source's events lie together in the order they came:
 * passes of 11, 11 and 10 bits (2048 buckets still keep the scattered
 * writes in the cache). */
#define SORT_PASSES 3
#define SORT_BITS 11
static void log_sort(struct detector *d)
{
	if (d->log_sorted)
		return;
	d->log_sorted = 1;
	size_t n = d->log_n;
	if (n == 0)
		return; /* (no keys at all: logk is NULL) */
	struct region tmp_r = {0};
	uint64_t *k = d->logk, *tmp = region_grow(&tmp_r, n * sizeof(*tmp));
	region_populate(&tmp_r, 0, n * sizeof(*tmp));
	static const unsigned shift[SORT_PASSES] = {32, 32 + SORT_BITS, 32 + 2 * SORT_BITS};
	const uint64_t mask = (1u << SORT_BITS) - 1;
	uint32_t(*cnt)[1u << SORT_BITS] = xcalloc(SORT_PASSES, sizeof(*cnt));
	for (size_t i = 0; i < n; i++)
		for (int p = 0; p < SORT_PASSES; p++)
			cnt[p][(k[i] >> shift[p]) & mask]++;
	for (int p = 0; p < SORT_PASSES; p++) {
		uint32_t sum = 0;
		for (size_t b = 0; b <= mask; b++) {
			uint32_t c = cnt[p][b];
			cnt[p][b] = sum;
			sum += c;
		}
	}
	uint64_t *from = k, *to = tmp;
	for (int p = 0; p < SORT_PASSES; p++) {
		for (size_t i = 0; i < n; i++)
			to[cnt[p][(from[i] >> shift[p]) & mask]++] = from[i];
		uint64_t *t = from;
		from = to;
		to = t;
	}
	if (from != k) { /* an odd number of passes: the result is in tmp */
		struct region r = d->logk_r;
		d->logk_r = tmp_r;
		tmp_r = r;
		d->logk = d->logk_r.p;
		/* its pages are populated as far as the keys go: an append
		 * after the sort populates from there */
		d->log_ready = d->log_cap = n;
	}
	region_free(&tmp_r);
	free(cnt);
}

/* Would the tables give what the log walk gives? They differ only under
 * the caps: max_sources (sources evicted; the runs of one hash are the
 * sources but for the rare collision, so half the cap leaves room) and
 * max_contacts (the earliest kept: the same set and counts either way
 * when a source's events came in time order). max_contacts_total cannot
 * be reached: the log holds fewer events. Needs log_sort. */
static int log_exact(struct detector *d)
{
	if (d->log_exact >= 0)
		return d->log_exact;
	const uint64_t *k = d->logk;
	size_t n = d->log_n, runs = 0;
	int ok = 1;
	for (size_t i = 0; i < n && ok;) {
		size_t j = i + 1;
		while (j < n && (k[j] >> 32) == (k[i] >> 32))
			j++;
		runs++;
		if (j - i > d->cfg.max_contacts && !d->log_in_order) {
			/* its contacts' (time, unit, line), as contact_order compares them */
			struct contact prev, c;
			int have = 0;
			for (size_t q = i; q < j && ok; q++) {
				const struct logrec *r = &d->log[(uint32_t)k[q]];
				if (!(r->flags & LR_CONTACT))
					continue;
				c.first_ns = r->first_ns;
				log_origin(d, r, &c.unit, &c.line);
				ok = !have || contact_order(&c, &prev) >= 0;
				prev = c;
				have = 1;
			}
		}
		i = j;
	}
	if (runs > d->cfg.max_sources / 2)
		ok = 0;
	d->log_exact = (int8_t)ok;
	return ok;
}

#define LOG_AHEAD 16

/* One detector's run of keys for the source(s) of one hash. */
struct log_run {
	const struct detector *d;
	unsigned j; /* its place among the merged detectors */
	size_t s, e; /* keys [s, e) */
};

struct log_walk {
	const struct detector *head;
	struct contact *buf;
	size_t cap;
	struct fold_scratch fs;
	size_t *run_end;
	detect_source_fn fn;
	void *arg;
};

/* Is event r (of detector d) from source a (a4: its IPv4 bytes, if v4)? */
static inline int log_is_src(const struct detector *d, const struct logrec *r,
			     const struct ip_addr *a, int v4, uint32_t a4)
{
	if (r->flags & LR_SRC6)
		return !v4 && addr_eq(&d->log6[r->src], a);
	return v4 && r->src == a4;
}

/* Source addr's events in runs[0..nr): counted in each detector as stage C
 * counts them and folded into that detector's contacts as its tables
 * would hold them, then put together by view_add and union_parts, as
 * each_source_run puts the tables together, and the view passed on. filter: the runs
 * hold other sources too (else meeting one returns 0, nothing passed
 * on). */
static int log_emit(struct log_walk *w, const struct log_run *runs, unsigned nr,
		    const struct ip_addr *addr, uint64_t order, int filter)
{
	const struct detector *head = w->head;
	int v4 = addr_is_v4(addr);
	uint32_t a4;
	memcpy(&a4, addr->b + 12, 4);
	size_t total = 0;
	for (unsigned q = 0; q < nr; q++)
		total += runs[q].e - runs[q].s;
	if (total > w->cap) {
		w->cap = total * 2;
		w->buf = xrealloc(w->buf, w->cap * sizeof(*w->buf));
	}
	struct contact *buf = w->buf;
	struct src_view v;
	uint32_t fp[FP_BITS];
	size_t n = 0;
	unsigned parts = 0, found = 0;
	for (unsigned q = 0; q < nr; q++) {
		const struct detector *d = runs[q].d;
		const struct logrec *L = d->log;
		const uint64_t *k = d->logk;
		struct src_state s;
		source_init(&s, addr, (uint32_t)(k[runs[q].s] >> 32));
		size_t start = n, events = 0;
		for (size_t ki = runs[q].s; ki < runs[q].e; ki++) {
			if (ki + LOG_AHEAD < d->log_n) { /* the keys tell which come next */
				/* (one line: records are 32 bytes, aligned once the log has its own mapping) */
				__builtin_prefetch(&L[(uint32_t)k[ki + LOG_AHEAD]]);
			}
			const struct logrec *r = &L[(uint32_t)k[ki]];
			if (!log_is_src(d, r, addr, v4, a4)) {
				if (!filter)
					return 0;
				continue;
			}
			events++;
			uint32_t cnt = log_count(d, r);
			s.events += cnt;
			if (r->first_ns)
				cells_note(&s, (uint32_t)(r->first_ns / 1000000000LL), d->cell_w);
			if (r->sig) {
				if (!s.sig)
					s.sig = r->sig;
				s.sig_all++;
				s.sig_same += r->sig == s.sig;
			}
			if (log_fc(r) == FC_NONPROBE)
				continue;
			s.probes += cnt;
			uint8_t f = r->fp & (FP_NMAP | FP_ZMAP | FP_MASSCAN | FP_MIRAI);
			for (int b = 0; f && b < FP_BITS; b++)
				if (f & (1u << b))
					s.fp[b] = sat_add32(s.fp[b], cnt);
			if (r->flags & LR_CONTACT)
				log_contact(d, r, &buf[n++]);
		}
		if (!events)
			continue; /* not in this detector */
		/* this detector's contacts: one per key, the earliest kept */
		sort_by_time(buf + start, (uint32_t)(n - start), &w->fs);
		size_t m = dedup_keys(buf + start, n - start, &w->fs, head->union_key);
		s.truncated = m > d->cfg.max_contacts;
		if (s.truncated)
			m = d->cfg.max_contacts;
		n = start + m;
		view_add(&v, fp, &s, !found++, head->cell_w);
		if (m)
			w->run_end[parts++] = n;
	}
	if (!found)
		return 1; /* (filtered: none of this source here) */
	v.addr = *addr;
	n = union_parts(buf, n, w->run_end, parts, &w->fs, head->union_key);
	if (n > head->cfg.max_contacts) {
		n = head->cfg.max_contacts; /* the earliest, as the tables keep */
		v.truncated = 1;
	}
	v.order = order;
	v.fp = fp;
	v.c = buf;
	v.n = (uint32_t)n;
	w->fn(w->arg, &v);
	return 1;
}

/* First key of d at or after part `part` of `nparts` (by source_part). */
static size_t log_part_start(const struct detector *d, unsigned part, unsigned nparts)
{
	size_t lo = 0, hi = d->log_n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (source_part((uint32_t)(d->logk[mid] >> 32), nparts) < part)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Has a walk of all been made, in every part, so that log_mixed_at can
 * answer? */
static int log_mixed_known(const struct detector *head)
{
	const struct log_mixed *lm = head->log_mixed;
	if (!lm || !lm[0].done)
		return 0;
	for (unsigned q = 0; q < lm[0].nparts; q++)
		if (!lm[q].done)
			return 0;
	return 1;
}

/* Were the runs of hash h found to hold two sources (log_mixed_known)?
 * *p and *i: where the last answer was found (hashes come in order). */
static int log_mixed_at(const struct detector *head, uint32_t h, unsigned *p, size_t *i)
{
	const struct log_mixed *lm = head->log_mixed;
	unsigned np = lm[0].nparts;
	while (*p < np) {
		const struct log_mixed *m = &lm[*p];
		while (*i < m->n && m->h[*i] < h)
			(*i)++;
		if (*i < m->n)
			return m->h[*i] == h;
		(*p)++;
		*i = 0;
	}
	return 0;
}

/* The hash of entry i of a sorted array: a log key's top half (keys, 64
 * bits) or a wanted source's hash (32 bits). */
static inline uint32_t hash_at(const void *a, int keys, size_t i)
{
	return keys ? (uint32_t)(((const uint64_t *)a)[i] >> 32) : ((const uint32_t *)a)[i];
}

/* The first of entries [pos, end) whose hash is h or above, galloping
 * from pos, since the walk asks for the wanted hashes in order. */
static inline size_t seek_hash(const void *a, int keys, size_t pos, size_t end, uint32_t h)
{
	size_t step = 1, lo = pos, hi = pos;
	while (hi < end && hash_at(a, keys, hi) < h) {
		lo = hi + 1;
		hi += step;
		step *= 2;
	}
	if (hi > end)
		hi = end;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (hash_at(a, keys, mid) < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The sources of part `part` of `nparts` of the merged logs (sorted:
 * log_prepare), in hash order: the keys are read in sequence, so the
 * events can be fetched well ahead. A source's order is its first
 * detector's place << 32 | its first event there, which orders sources as
 * the tables' walk does. With wh (n_wh wanted hashes, sorted), only
 * the runs of those hashes are read. */
static void log_walk(struct detector *head, const uint32_t *wh, size_t n_wh, detect_want_fn want,
		     detect_source_fn fn, void *arg, unsigned part, unsigned nparts)
{
	unsigned k = 0;
	for (struct detector *x = head; x; x = x->merged)
		k++;
	const struct detector **dets = xmalloc(k * sizeof(*dets));
	size_t *pos = xmalloc(k * sizeof(*pos)), *end = xmalloc(k * sizeof(*end));
	struct log_run *runs = xmalloc(k * sizeof(*runs));
	k = 0;
	for (struct detector *x = head; x; x = x->merged, k++) {
		dets[k] = x;
		pos[k] = log_part_start(x, part, nparts);
		end[k] = log_part_start(x, part + 1, nparts);
	}
	struct log_walk w = {.head = head, .fn = fn, .arg = arg};
	w.run_end = xmalloc(k * sizeof(*w.run_end));
	struct {
		struct ip_addr a;
		uint64_t order;
		uint32_t a4;
		int v4;
	} *found = NULL;
	size_t cap_found = 0;
	/* (a walk that skips sources cannot say which hashes are mixed) */
	struct log_mixed *mine = want || wh ? NULL : &head->log_mixed[part];
	if (mine) {
		mine->n = 0;
		mine->done = 0;
	}
	int known = want && log_mixed_known(head);
	unsigned mp = 0;
	size_t mi = 0, wi = 0;
	for (;;) {
		int any = 0;
		uint32_t h = 0;
		for (unsigned j = 0; j < k; j++) {
			if (pos[j] >= end[j])
				continue;
			uint32_t hj = (uint32_t)(dets[j]->logk[pos[j]] >> 32);
			if (!any || hj < h)
				h = hj;
			any = 1;
		}
		if (!any)
			break;
		if (wh) { /* to the next wanted hash, the keys between unread */
			wi = seek_hash(wh, 0, wi, n_wh, h);
			if (wi == n_wh)
				break;
			if (wh[wi] != h) {
				for (unsigned j = 0; j < k; j++)
					pos[j] = seek_hash(dets[j]->logk, 1, pos[j], end[j], wh[wi]);
				continue;
			}
		}
		unsigned nr = 0;
		for (unsigned j = 0; j < k; j++) {
			const uint64_t *kj = dets[j]->logk;
			if (pos[j] >= end[j] || (uint32_t)(kj[pos[j]] >> 32) != h)
				continue;
			size_t e = pos[j] + 1;
			while (e < end[j] && (uint32_t)(kj[e] >> 32) == h)
				e++;
			runs[nr++] = (struct log_run){dets[j], j, pos[j], e};
			pos[j] = e;
		}
		const struct detector *d0 = runs[0].d;
		uint32_t first = (uint32_t)d0->logk[runs[0].s];
		struct ip_addr a0;
		log_addr_get(d0, d0->log[first].src, d0->log[first].flags & LR_SRC6, &a0);
		uint64_t order0 = (uint64_t)runs[0].j << 32 | first;
		int mixed = known ? log_mixed_at(head, h, &mp, &mi) : -1;
		if (mixed != 1) {
			if (want && !want(arg, &a0)) {
				if (mixed == 0)
					continue; /* one source, not wanted */
			} else if (log_emit(&w, runs, nr, &a0, order0, 0)) {
				continue;
			}
		}
		/* two sources with one hash (or the first not wanted): each, by
		 * its first event, comparing every event with the few found */
		size_t nf = 0;
		for (unsigned q = 0; q < nr; q++) {
			const struct detector *d = runs[q].d;
			for (size_t ki = runs[q].s; ki < runs[q].e; ki++) {
				uint32_t seq = (uint32_t)d->logk[ki];
				const struct logrec *r = &d->log[seq];
				size_t f = 0;
				while (f < nf && !log_is_src(d, r, &found[f].a, found[f].v4, found[f].a4))
					f++;
				if (f < nf)
					continue;
				found = xgrow(found, &cap_found, nf + 1, sizeof(*found));
				log_addr_get(d, r->src, r->flags & LR_SRC6, &found[nf].a);
				found[nf].v4 = !(r->flags & LR_SRC6);
				found[nf].a4 = r->src;
				found[nf++].order = (uint64_t)runs[q].j << 32 | seq;
			}
		}
		if (mine && nf > 1) {
			mine->h = xgrow(mine->h, &mine->cap, mine->n + 1, sizeof(*mine->h));
			mine->h[mine->n++] = h;
		}
		for (size_t f = 0; f < nf; f++)
			if (!want || want(arg, &found[f].a))
				log_emit(&w, runs, nr, &found[f].a, found[f].order, nf > 1);
	}
	if (mine) {
		mine->nparts = nparts;
		mine->done = 1;
	}
	free(found);
	free(w.run_end);
	free(w.buf);
	fold_scratch_free(&w.fs);
	free(runs);
	free(pos);
	free(end);
	free(dets);
}

/* Are d and every detector merged into it keeping logs? */
static int log_chain(const struct detector *d)
{
	for (; d; d = d->merged)
		if (!d->log_on)
			return 0;
	return 1;
}

/* Ready the merged logs for their walks (before any, and before parts run
 * at once): each sorted; if any could differ from the tables (log_exact),
 * every log is replayed into its tables instead. Returns whether the logs
 * stay. */
static int log_prepare(struct detector *head)
{
	if (!head || !head->log_on)
		return 0;
	if (!log_chain(head)) {
		log_replay_all(head);
		return 0;
	}
	int exact = 1;
	unsigned k = 0;
	for (struct detector *x = head; x; x = x->merged, k++) {
		log_sort(x);
		exact &= log_exact(x);
	}
	if (!exact) {
		log_replay_all(head);
		return 0;
	}
	if (!head->log_mixed) { /* a list per part: as many as detectors, or threads */
		unsigned n = k > head->threads ? k : head->threads;
		head->log_mixed = xcalloc(n, sizeof(*head->log_mixed));
		head->n_log_mixed = n;
	}
	return 1;
}

void detect_finish(struct detector *d)
{
	if (!d || !d->log_on || d->merged)
		return;
	log_sort(d);
	log_exact(d);
}

void detect_set_threads(struct detector *d, unsigned n)
{
	if (!d)
		return;
	d->threads = n;
	if (n > d->n_log_mixed)
		log_mixed_forget(d); /* (made anew, a list a part, by log_prepare) */
}

void detect_use_log(struct detector *d)
{
	/* (a log in use holds no sources: log_on says it is one) */
	if (!d || d->n || d->nq || d->merged || d->log_on)
		return;
	d->log_on = 1;
	d->log_exact = -1;
	d->log_in_order = 1;
	d->log_last_ns = INT64_MIN;
	/* as many events as the tables may keep contacts: the log then
	 * costs no more memory than they could (and at most 2^30, so that
	 * two IPv6 addresses an event stay within log6's 32-bit indices) */
	size_t max = d->cfg.max_contacts_total;
	d->log_max = max < (1u << 30) ? max : (1u << 30);
}

void detect_each_source(struct detector *d, detect_source_fn fn, void *arg)
{
	detect_each_source_if(d, NULL, fn, arg);
}

#define GATHER_AHEAD 4

/* The sources of part `part` of `nparts` (by src_hash: the same part in
 * every detector, so that each union is formed by one part alone). The
 * detectors are drained already: parts may run at once. */
static void each_source_run(struct detector *d, detect_want_fn want, detect_source_fn fn, void *arg,
			    unsigned part, unsigned nparts)
{
	size_t k = 0;
	for (struct detector *x = d; x; x = x->merged)
		k++;
	struct detector **det = xmalloc(k * sizeof(*det));
	/* taken[j][i]: source i of detector j is part of a union formed at an
	 * earlier detector (marked there, so it need not be looked up again) */
	uint8_t **taken = xmalloc(k * sizeof(*taken));
	const uint32_t cw = d->cell_w;
	k = 0;
	for (struct detector *x = d; x; x = x->merged, k++) {
		det[k] = x;
		taken[k] = k ? xcalloc(x->n ? x->n : 1, 1) : NULL;
	}
	struct contact *buf = NULL;
	size_t cap = 0;
	struct fold_scratch fs = {0};
	size_t *run_end = xmalloc(k * sizeof(*run_end)); /* where each part's contacts end */
	uint32_t fp[FP_BITS];
	for (size_t j = 0; j < k; j++) {
		const struct detector *dj = det[j];
		for (size_t i = 0; i < dj->n; i++) {
			const struct src_state *s = &dj->st[i];
			uint32_t h = s->sh;
			if (j + 1 < k && i + 2 < dj->n) {
				/* its parts in later detectors are looked up: their
				 * slots fetched two sources ahead */
				uint32_t h2 = dj->st[i + 2].sh;
				if (source_part(h2, nparts) == part)
					for (size_t jj = j + 1; jj < k; jj++)
						__builtin_prefetch(&det[jj]->sslots[h2 & det[jj]->sslot_mask]);
			}
			if (source_part(h, nparts) != part)
				continue; /* another part's */
			if (taken[j] && taken[j][i])
				continue; /* its union was formed where it was first found */
			if (want && !want(arg, &s->addr))
				continue;
			/* the contact blocks a few sources ahead, fetched */
			if (i + GATHER_AHEAD < dj->n && dj->st[i + GATHER_AHEAD].blk != NO_ID) {
				const char *c = (const char *)block_contacts(dj, dj->st[i + GATHER_AHEAD].blk);
				__builtin_prefetch(c);
				__builtin_prefetch(c + 64);
			}
			struct src_view v;
			v.order = (uint64_t)j << 32 | i;
			v.addr = s->addr;
			size_t n = 0;
			unsigned parts = 0;
			for (size_t jj = j; jj < k; jj++) {
				uint32_t si = jj == j ? (uint32_t)i : source_find(det[jj], &s->addr, h);
				if (si == NO_ID)
					continue;
				if (jj != j)
					taken[jj][si] = 1;
				const struct src_state *t = &det[jj]->st[si];
				view_add(&v, fp, t, jj == j, cw);
				if (t->n == 0)
					continue;
				if (n + t->n > cap) {
					cap = (n + t->n) * 2;
					buf = xrealloc(buf, cap * sizeof(*buf));
				}
				const struct pcontact *pc = block_contacts(det[jj], t->blk);
				size_t start = n;
				for (uint32_t q = 0; q < t->n; q++)
					dc_load(det[jj], &pc[q], &buf[n++]);
				sort_by_time(buf + start, t->n, &fs);
				run_end[parts++] = n;
			}
			n = union_parts(buf, n, run_end, parts, &fs, d->union_key);
			if (n > d->cfg.max_contacts) {
				n = d->cfg.max_contacts; /* the earliest, as under the cap */
				v.truncated = 1;
			}
			v.fp = fp;
			v.c = buf;
			v.n = (uint32_t)n;
			fn(arg, &v);
		}
	}
	free(buf);
	fold_scratch_free(&fs);
	free(run_end);
	for (size_t j = 0; j < k; j++)
		free(taken[j]);
	free(taken);
	free(det);
}

void detect_each_source_if(struct detector *d, detect_want_fn want, detect_source_fn fn, void *arg)
{
	detect_flush(d);
	if (d && d->log_on) {
		log_walk(d, NULL, 0, want, fn, arg, 0, 1);
		return;
	}
	each_source_run(d, want, fn, arg, 0, 1);
}

void detect_each_wanted_part(struct detector *d, unsigned part, unsigned nparts,
			     const uint32_t *hashes, size_t n_hashes, detect_want_fn want,
			     detect_source_fn fn, void *arg)
{
	if (d->log_on) /* (log_prepare'd by detect_flush) */
		log_walk(d, hashes, n_hashes, want, fn, arg, part, nparts);
	else
		each_source_run(d, want, fn, arg, part, nparts);
}

void detect_each_source_part(struct detector *d, unsigned part, unsigned nparts,
			     detect_want_fn want, detect_source_fn fn, void *arg)
{
	detect_each_wanted_part(d, part, nparts, NULL, 0, want, fn, arg);
}

uint32_t detect_source_hash(const struct ip_addr *a)
{
	return src_hash(a);
}

size_t detect_memory(struct detector *d)
{
	size_t b = 0;
	for (; d; d = d->merged) {
		drain(d);
		b += d->log_n * (sizeof(*d->log) + sizeof(*d->logk)) + d->cap6 * sizeof(*d->log6) +
		     d->capwide * sizeof(*d->logwide);
		b += sizeof(*d) + d->n * sizeof(*d->st) +
		     (d->sslot_mask + 1) * sizeof(struct dslot) + d->pool_n * sizeof(*d->pool) +
		     d->tg_n * sizeof(*d->tg) +
		     (d->tslot_mask + 1) * sizeof(struct dslot) + d->cap_wide * sizeof(*d->wide) +
		     d->tg_capfree * sizeof(*d->tg_free);
	}
	return b;
}

size_t detect_sources(struct detector *d)
{
	size_t n = 0;
	log_replay_all(d);
	for (struct detector *x = d; x; x = x->merged) {
		drain(x);
		for (size_t i = 0; i < x->n; i++) {
			int seen = 0;
			uint32_t h = x->st[i].sh;
			for (struct detector *y = d; y != x && !seen; y = y->merged)
				seen = source_find(y, &x->st[i].addr, h) != NO_ID;
			n += !seen;
		}
	}
	return n;
}

void detect_flush(struct detector *d)
{
	log_prepare(d);
	for (; d; d = d->merged)
		drain(d);
}


