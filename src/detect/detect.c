/* The detector's per-event side: classify each event (probe or not, TCP
 * flag class, tool fingerprint bits), find its source in a bounded keyed
 * hash table, and keep the source's first contacts: the earliest event
 * for each distinct (target, protocol, port), up to a cap. Merging two
 * detectors keeps, per source, the earliest contacts by (time, origin),
 * so the result does not depend on how the input was split. Tables live
 * in their own mappings with huge pages requested, since every event
 * probes them at random (the same reasoning as stats/table.h). */
#include "detect/detect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/hash.h"
#include "core/util.h"
#include "detect/detect_internal.h"

/* Sources examined to choose one to evict when the table is full. */
#define EVICT_SAMPLE 8

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

#define REGION_MIN (64u << 10)
#define HUGE_MIN (2u << 20)

/* Grow a region to at least need bytes; contents are kept, new bytes are
 * zero. The address may change. */
static void *region_grow(struct region *r, size_t need)
{
	if (need <= r->bytes)
		return r->p;
	size_t nb = r->bytes ? r->bytes : REGION_MIN;
	while (nb < need)
		nb = nb > SIZE_MAX / 2 ? SIZE_MAX : nb * 2; /* xmalloc below refuses SIZE_MAX */
	void *p = MAP_FAILED;
	if (r->heap) {
		/* once on the heap, stays there */
	} else if (!r->p) {
		p = mmap(NULL, nb, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	} else {
#ifdef __linux__
		p = mremap(r->p, r->bytes, nb, MREMAP_MAYMOVE);
#else
		p = mmap(NULL, nb, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			memcpy(p, r->p, r->bytes);
			munmap(r->p, r->bytes);
		}
#endif
	}
	if (p == MAP_FAILED) {
		/* No mapping (address space or map count exhausted): the heap,
		 * which aborts in the one place out-of-memory is handled. */
		p = xmalloc(nb);
		if (r->p) {
			memcpy(p, r->p, r->bytes);
			if (r->heap)
				free(r->p);
			else
				munmap(r->p, r->bytes);
		}
		memset((char *)p + r->bytes, 0, nb - r->bytes);
		r->heap = 1;
		r->p = p;
		r->bytes = nb;
		return p;
	}
#ifdef MADV_HUGEPAGE
	if (nb >= HUGE_MIN)
		madvise(p, nb, MADV_HUGEPAGE);
#endif
	r->p = p;
	r->bytes = nb;
	return p;
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

static void slots_place(struct dslot *slots, size_t mask, uint32_t h, uint32_t idx)
{
	size_t pos = h & mask;
	while (!slot_empty(&slots[pos]))
		pos = (pos + 1) & mask;
	slots[pos].hash = h;
	slots[pos].idx = idx + 1;
}

/* Double a slot table (or make the first one). */
static void slots_resize(struct region *r, struct dslot **slots, size_t *mask, size_t n_slots)
{
	struct region nr;
	memset(&nr, 0, sizeof(nr));
	struct dslot *ns = region_grow(&nr, n_slots * sizeof(*ns));
	if (*slots) {
		for (size_t i = 0; i <= *mask; i++)
			if (!slot_empty(&(*slots)[i]))
				slots_place(ns, n_slots - 1, (*slots)[i].hash, (*slots)[i].idx - 1);
		region_free(r);
	}
	*r = nr;
	*slots = ns;
	*mask = n_slots - 1;
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

/* ---- contacts --------------------------------------------------------------- */

/* Keyed by the source's address, not its index, so that it can be
 * computed (and its slot fetched) before the source is looked up. */
static uint32_t contact_hash(const struct ip_addr *src, const struct ip_addr *dst, uint8_t proto,
			     uint16_t port)
{
	unsigned char key[35];
	memcpy(key, src->b, 16);
	memcpy(key + 16, dst->b, 16);
	key[32] = proto;
	key[33] = (unsigned char)(port >> 8);
	key[34] = (unsigned char)port;
	return (uint32_t)hash_bytes(key, sizeof(key));
}

static int contact_same(const struct contact *c, uint32_t src, const struct ip_addr *dst,
			uint8_t proto, uint16_t port)
{
	return c->src == src && c->port == port && c->proto == proto &&
	       memcmp(c->dst.b, dst->b, 16) == 0;
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

/* Slot position of the contact key, or of the empty slot where it would go. */
static size_t contact_probe(const struct detector *d, uint32_t h, uint32_t src,
			    const struct ip_addr *dst, uint8_t proto, uint16_t port)
{
	size_t pos = h & d->cslot_mask;
	for (;;) {
		const struct dslot *sl = &d->cslots[pos];
		if (slot_empty(sl) ||
		    (sl->hash == h && contact_same(&d->c[sl->idx - 1], src, dst, proto, port)))
			return pos;
		pos = (pos + 1) & d->cslot_mask;
	}
}

/* Slot holding contact id (which must be present). */
static size_t contact_slot_of(const struct detector *d, uint32_t id)
{
	const struct contact *c = &d->c[id];
	uint32_t h = contact_hash(&d->st[c->src].addr, &c->dst, c->proto, c->port);
	size_t pos = h & d->cslot_mask;
	while (d->cslots[pos].idx != id + 1)
		pos = (pos + 1) & d->cslot_mask;
	return pos;
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
	int64_t ds = (last - c->first_ns) / 1000000LL;
	c->last_ms = ds < 0 ? 0 : ds > UINT32_MAX ? UINT32_MAX : (uint32_t)ds;
}

static uint32_t contact_alloc(struct detector *d)
{
	if (d->c_free != NO_ID) {
		uint32_t id = d->c_free;
		d->c_free = d->c[id].next;
		return id;
	}
	/* c_n stays below 2^31: contacts are reused from the free list before
	 * new ones are made, and max_contacts_total is at most 2^31. */
	d->c = region_grow(&d->c_r, (d->c_n + 1) * sizeof(*d->c));
	return (uint32_t)d->c_n++;
}

/* Insert or fold one contact of source sid (its key fields set in "in")
 * under the caps. h is its hash. */
static void contact_upsert(struct detector *d, uint32_t sid, const struct contact *in, uint32_t h)
{
	struct src_state *s = &d->st[sid];
	size_t pos = contact_probe(d, h, sid, &in->dst, in->proto, in->port);
	if (!slot_empty(&d->cslots[pos])) {
		uint32_t id = d->cslots[pos].idx - 1;
		contact_fold(&d->c[id], in);
		if (id == s->worst)
			s->worst = NO_ID; /* it may have moved earlier */
		return;
	}
	if (s->n < d->cfg.max_contacts && d->contacts_total < d->cfg.max_contacts_total) {
		if ((d->contacts_total + 1) * 2 > d->cslot_mask + 1) {
			slots_resize(&d->cslot_r, &d->cslots, &d->cslot_mask, (d->cslot_mask + 1) * 2);
			pos = contact_probe(d, h, sid, &in->dst, in->proto, in->port);
		}
		uint32_t id = contact_alloc(d);
		struct contact *c = &d->c[id];
		*c = *in;
		c->src = sid;
		c->next = s->head;
		s->head = id;
		s->n++;
		d->contacts_total++;
		d->cslots[pos].hash = h;
		d->cslots[pos].idx = id + 1;
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
	if (s->worst == NO_ID) {
		uint32_t w = s->head;
		for (uint32_t id = d->c[w].next; id != NO_ID; id = d->c[id].next)
			if (contact_before(&d->c[w], &d->c[id]))
				w = id;
		s->worst = w;
	}
	uint32_t worst = s->worst;
	if (!contact_before(in, &d->c[worst]))
		return;
	s->worst = NO_ID;
	slots_delete_at(d->cslots, d->cslot_mask, contact_slot_of(d, worst));
	uint32_t next = d->c[worst].next;
	d->c[worst] = *in;
	d->c[worst].src = sid;
	d->c[worst].next = next;
	pos = contact_probe(d, h, sid, &in->dst, in->proto, in->port);
	d->cslots[pos].hash = h;
	d->cslots[pos].idx = worst + 1;
}

/* Forget every contact of a source (eviction). */
static void contacts_drop(struct detector *d, struct src_state *s)
{
	uint32_t id = s->head;
	while (id != NO_ID) {
		uint32_t next = d->c[id].next;
		slots_delete_at(d->cslots, d->cslot_mask, contact_slot_of(d, id));
		d->c[id].next = d->c_free;
		d->c_free = id;
		d->contacts_total--;
		id = next;
	}
	s->head = NO_ID;
	s->n = 0;
}

/* ---- the source table ---------------------------------------------------- */

static uint32_t src_hash(const struct ip_addr *a)
{
	return (uint32_t)hash_bytes(a->b, 16);
}

/* Slot of the source, or of the empty slot where it would go. */
static size_t source_probe(const struct detector *d, const struct ip_addr *a, uint32_t h)
{
	size_t pos = h & d->sslot_mask;
	for (;;) {
		const struct dslot *sl = &d->sslots[pos];
		if (slot_empty(sl) ||
		    (sl->hash == h && memcmp(d->st[sl->idx - 1].addr.b, a->b, 16) == 0))
			return pos;
		pos = (pos + 1) & d->sslot_mask;
	}
}

static void source_init(struct src_state *s, const struct ip_addr *a)
{
	memset(s, 0, sizeof(*s));
	s->addr = *a;
	s->head = NO_ID;
	s->worst = NO_ID;
	s->live = 1;
}

/* Make room for one more source: drop the one with the fewest probes
 * (then the longest quiet) among a few chosen by the new key's hash, and
 * return its index for reuse. */
static uint32_t evict_one(struct detector *d, uint32_t h)
{
	uint64_t r = (uint64_t)h * 0x9e3779b97f4a7c15ULL + 1;
	size_t victim = SIZE_MAX;
	for (int k = 0; k < EVICT_SAMPLE; k++) {
		r ^= r >> 29;
		r *= 0xbf58476d1ce4e5b9ULL;
		r ^= r >> 32;
		size_t i = (size_t)(r % d->n);
		if (victim == SIZE_MAX || d->st[i].probes < d->st[victim].probes ||
		    (d->st[i].probes == d->st[victim].probes &&
		     d->st[i].last_ns < d->st[victim].last_ns))
			victim = i;
	}
	struct src_state *v = &d->st[victim];
	d->evicted++;
	d->events_evicted += v->events;
	contacts_drop(d, v);
	slots_delete_at(d->sslots, d->sslot_mask, source_probe(d, &v->addr, src_hash(&v->addr)));
	d->last = SIZE_MAX;
	return (uint32_t)victim;
}

/* The entry a slot table probably holds for hash h (the first slot of
 * the run with that hash), fetched ahead of its use; NO_ID if none. */
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
		return (uint32_t)d->last;
	}
	uint32_t idx;
	if (d->n >= d->cfg.max_sources) {
		idx = evict_one(d, h);
	} else {
		if ((d->n + 1) * 2 > d->sslot_mask + 1)
			slots_resize(&d->sslot_r, &d->sslots, &d->sslot_mask, (d->sslot_mask + 1) * 2);
		d->st = region_grow(&d->st_r, (d->n + 1) * sizeof(*d->st));
		idx = (uint32_t)d->n++;
	}
	source_init(&d->st[idx], a);
	pos = source_probe(d, a, h);
	d->sslots[pos].hash = h;
	d->sslots[pos].idx = idx + 1;
	d->last = idx;
	return idx;
}

static uint32_t source_get(struct detector *d, const struct ip_addr *a)
{
	if (d->last != SIZE_MAX && memcmp(d->st[d->last].addr.b, a->b, 16) == 0)
		return (uint32_t)d->last;
	return source_get_h(d, a, src_hash(a));
}

/* ---- public -------------------------------------------------------------- */

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
	d->last = SIZE_MAX;
	d->c_free = NO_ID;
	slots_resize(&d->sslot_r, &d->sslots, &d->sslot_mask, 4096);
	slots_resize(&d->cslot_r, &d->cslots, &d->cslot_mask, 8192);
	return d;
}

void detect_free(struct detector *d)
{
	if (!d)
		return;
	region_free(&d->st_r);
	region_free(&d->sslot_r);
	region_free(&d->c_r);
	region_free(&d->cslot_r);
	free(d);
}

static int succeeded(uint8_t outcome)
{
	return outcome == EVENT_OUTCOME_OPEN || outcome == EVENT_OUTCOME_AUTH_SUCCESS;
}

void detect_add(struct detector *d, const struct event *ev)
{
	if (!d || !(ev->flags & EVENT_HAS_SRC))
		return;
	/* Sent by the logging host itself (an OUTPUT-chain line): its own
	 * clients' traffic, not probes against it. */
	if (!d->cfg.include_local && ev->in_if.len == 0 && ev->out_if.len != 0)
		return;
	uint64_t count = ev->count ? ev->count : 1;
	/* Both hashes first, then both slots, then both entries, each pair
	 * fetched at once: the two lookups wait for memory together instead
	 * of one after the other. */
	uint16_t port;
	enum flag_class fc = classify(ev, &port);
	uint32_t ch = 0, sh = 0;
	int contact = fc != FC_NONPROBE &&
		      !((ev->flags & EVENT_HAS_DST) && group_destination(&ev->dst));
	static const struct ip_addr zero;
	const struct ip_addr *dst = (ev->flags & EVENT_HAS_DST) ? &ev->dst : &zero;
	int cached = d->last != SIZE_MAX && memcmp(d->st[d->last].addr.b, ev->src.b, 16) == 0;
	if (!cached) {
		sh = src_hash(&ev->src);
		__builtin_prefetch(&d->sslots[sh & d->sslot_mask]);
	}
	if (contact) {
		ch = contact_hash(&ev->src, dst, ev->proto, port);
		__builtin_prefetch(&d->cslots[ch & d->cslot_mask]);
	}
	if (!cached) {
		uint32_t i = slot_peek(d->sslots, d->sslot_mask, sh);
		if (i != NO_ID)
			__builtin_prefetch(&d->st[i]);
	}
	if (contact) {
		uint32_t i = slot_peek(d->cslots, d->cslot_mask, ch);
		if (i != NO_ID)
			__builtin_prefetch(&d->c[i]);
	}
	uint32_t sid = cached ? (uint32_t)d->last : source_get_h(d, &ev->src, sh);
	struct src_state *s = &d->st[sid];
	int64_t t = (ev->flags & EVENT_HAS_TIME) ? ev->time_ns : 0;
	s->events += count;
	if (t) {
		if (!s->first_ns || t < s->first_ns)
			s->first_ns = t;
		if (t > s->last_ns)
			s->last_ns = t;
	}
	s->fclass[fc] = sat_add32(s->fclass[fc], count);
	if (fc == FC_NONPROBE)
		return;
	s->probes += count;
	uint8_t fp = classify_fp(ev, fc);
	for (int b = 0; fp && b < FP_BITS; b++)
		if (fp & (1u << b))
			s->fp[b] = sat_add32(s->fp[b], count);
	if (!contact)
		return;

	struct contact in;
	memset(&in, 0, sizeof(in));
	in.dst = *dst;
	in.first_ns = t;
	in.unit = ev->unit;
	in.line = ev->line;
	in.count = count > UINT32_MAX ? UINT32_MAX : (uint32_t)count;
	int ok = succeeded(ev->outcome);
	if (!ok && ev->action != EVENT_ACTION_ACCEPT)
		in.fails = in.count;
	in.succ = (uint8_t)ok;
	in.port = port;
	in.proto = ev->proto;
	in.outcome = ev->outcome < EVENT_OUTCOME_COUNT ? ev->outcome : 0;
	in.outcomes = (uint8_t)(1u << in.outcome);
	in.fclass = (uint8_t)fc;
	in.fp = fp;
	contact_upsert(d, sid, &in, ch);
}

void detect_merge(struct detector *into, struct detector *from)
{
	if (!into || !from)
		return;
	into->evicted += from->evicted;
	into->events_evicted += from->events_evicted;
	into->contacts_refused += from->contacts_refused;
	for (size_t i = 0; i < from->n; i++) {
		struct src_state *f = &from->st[i];
		uint32_t sid = source_get(into, &f->addr);
		struct src_state *s = &into->st[sid];
		s->events += f->events;
		s->probes += f->probes;
		if (f->first_ns && (!s->first_ns || f->first_ns < s->first_ns))
			s->first_ns = f->first_ns;
		if (f->last_ns > s->last_ns)
			s->last_ns = f->last_ns;
		for (int k = 0; k < FC_N; k++)
			s->fclass[k] = sat_add32(s->fclass[k], f->fclass[k]);
		for (int k = 0; k < FP_BITS; k++)
			s->fp[k] = sat_add32(s->fp[k], f->fp[k]);
		s->truncated |= f->truncated;
		for (uint32_t id = f->head; id != NO_ID; id = from->c[id].next) {
			const struct contact *c = &from->c[id];
			contact_upsert(into, sid, c, contact_hash(&f->addr, &c->dst, c->proto, c->port));
		}
	}
	/* from is left empty but valid */
	region_free(&from->st_r);
	region_free(&from->c_r);
	from->st = NULL;
	from->c = NULL;
	from->n = from->c_n = 0;
	from->c_free = NO_ID;
	from->contacts_total = 0;
	from->evicted = from->events_evicted = from->contacts_refused = 0;
	region_free(&from->sslot_r);
	region_free(&from->cslot_r);
	from->sslots = from->cslots = NULL;
	slots_resize(&from->sslot_r, &from->sslots, &from->sslot_mask, 4096);
	slots_resize(&from->cslot_r, &from->cslots, &from->cslot_mask, 8192);
	from->last = SIZE_MAX;
}

size_t detect_memory(const struct detector *d)
{
	if (!d)
		return 0;
	return sizeof(*d) + d->n * sizeof(*d->st) + (d->sslot_mask + 1) * sizeof(struct dslot) +
	       d->c_n * sizeof(*d->c) + (d->cslot_mask + 1) * sizeof(struct dslot);
}

size_t detect_sources(const struct detector *d)
{
	return d ? d->n : 0;
}

/* For findings.c: source i as a view, its contacts copied into buf (room
 * for the source's n). */
void detect_view(const struct detector *d, size_t i, struct contact *buf, struct src_view *v)
{
	const struct src_state *s = &d->st[i];
	uint32_t k = 0;
	for (uint32_t id = s->head; id != NO_ID; id = d->c[id].next)
		buf[k++] = d->c[id];
	/* In the total order, so that ties sort the same for any split. */
	if (k > 16) {
		qsort(buf, k, sizeof(*buf), contact_cmp);
	} else {
		for (uint32_t i2 = 1; i2 < k; i2++) {
			struct contact v2 = buf[i2];
			uint32_t j = i2;
			while (j > 0 && contact_before(&v2, &buf[j - 1])) {
				buf[j] = buf[j - 1];
				j--;
			}
			buf[j] = v2;
		}
	}
	v->addr = s->addr;
	v->events = s->events;
	v->probes = s->probes;
	v->fp = s->fp;
	v->c = buf;
	v->n = k;
	v->truncated = s->truncated;
}
