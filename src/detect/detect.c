/* The detector's per-event side: classify each event (probe or not, TCP
 * flag class, tool fingerprint bits), find its source in a bounded keyed
 * hash table, and keep the source's first contacts: the earliest event
 * for each distinct (target, protocol, port), up to a cap. Merging two
 * detectors keeps, per source, the earliest contacts by (time, origin),
 * so the result does not depend on how the input was split. */
#include "detect/detect.h"

#include <stdlib.h>
#include <string.h>

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
		if (!(ev->flags & EVENT_HAS_PORTS))
			return FC_NONPROBE;
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
			return FC_NONPROBE;
		*port = ev->dport;
		if (ev->sport < 1024 && ev->dport >= 1024)
			return FC_NONPROBE; /* a DNS or NTP answer, or backscatter */
		return FC_NOTTCP;
	case IPPROTO_NUM_ICMP:
		if (!(ev->flags & EVENT_HAS_ICMP))
			return FC_NONPROBE;
		/* echo, timestamp, information and address-mask requests */
		if (ev->icmp_type == 8 || ev->icmp_type == 13 || ev->icmp_type == 15 ||
		    ev->icmp_type == 17) {
			*port = ev->icmp_type;
			return FC_NOTTCP;
		}
		return FC_NONPROBE;
	case IPPROTO_NUM_ICMPV6:
		if (!(ev->flags & EVENT_HAS_ICMP))
			return FC_NONPROBE;
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
		else if (has_len && ev->ip_len > base + 4)
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

/* ---- contacts ------------------------------------------------------------ */

static uint32_t contact_hash(const struct ip_addr *dst, uint8_t proto, uint16_t port)
{
	unsigned char key[19];
	memcpy(key, dst->b, 16);
	key[16] = proto;
	key[17] = (unsigned char)(port >> 8);
	key[18] = (unsigned char)port;
	return (uint32_t)hash_bytes(key, sizeof(key));
}

static int contact_same(const struct contact *c, const struct ip_addr *dst, uint8_t proto,
			uint16_t port)
{
	return c->port == port && c->proto == proto && memcmp(c->dst.b, dst->b, 16) == 0;
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

static void slots_insert(struct src_state *s, uint32_t idx)
{
	const struct contact *c = &s->c[idx];
	uint32_t mask = s->n_slots - 1;
	uint32_t pos = contact_hash(&c->dst, c->proto, c->port) & mask;
	while (s->slots[pos] != SLOT_EMPTY)
		pos = (pos + 1) & mask;
	s->slots[pos] = idx;
}

static void slots_rebuild(struct src_state *s, uint32_t n_slots)
{
	free(s->slots);
	s->n_slots = n_slots;
	s->slots = xmalloc((size_t)n_slots * sizeof(*s->slots));
	memset(s->slots, 0xff, (size_t)n_slots * sizeof(*s->slots));
	for (uint32_t i = 0; i < s->n; i++)
		slots_insert(s, i);
}

/* Slot holding idx (which must be present). */
static uint32_t slots_find_idx(const struct src_state *s, uint32_t idx)
{
	const struct contact *c = &s->c[idx];
	uint32_t mask = s->n_slots - 1;
	uint32_t pos = contact_hash(&c->dst, c->proto, c->port) & mask;
	while (s->slots[pos] != idx)
		pos = (pos + 1) & mask;
	return pos;
}

/* Linear probing deletion without tombstones: later entries of the run
 * move back when their home position allows it. */
static void slots_delete_at(struct src_state *s, uint32_t pos)
{
	uint32_t mask = s->n_slots - 1;
	uint32_t hole = pos;
	uint32_t j = pos;
	for (;;) {
		j = (j + 1) & mask;
		uint32_t idx = s->slots[j];
		if (idx == SLOT_EMPTY)
			break;
		const struct contact *c = &s->c[idx];
		uint32_t home = contact_hash(&c->dst, c->proto, c->port) & mask;
		/* Can the entry at j move to the hole? Only if its home is not
		 * cyclically inside (hole, j]. */
		int inside = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
		if (!inside) {
			s->slots[hole] = idx;
			hole = j;
		}
	}
	s->slots[hole] = SLOT_EMPTY;
}

static uint32_t contact_find(const struct src_state *s, const struct ip_addr *dst, uint8_t proto,
			     uint16_t port)
{
	if (!s->slots) {
		for (uint32_t i = 0; i < s->n; i++)
			if (contact_same(&s->c[i], dst, proto, port))
				return i;
		return SLOT_EMPTY;
	}
	uint32_t mask = s->n_slots - 1;
	uint32_t pos = contact_hash(dst, proto, port) & mask;
	for (;;) {
		uint32_t idx = s->slots[pos];
		if (idx == SLOT_EMPTY || contact_same(&s->c[idx], dst, proto, port))
			return idx;
		pos = (pos + 1) & mask;
	}
}

/* Fold "in" (an event made contact, or another detector's contact) into
 * the contact already kept for the same key. */
static void contact_fold(struct contact *c, const struct contact *in)
{
	c->count = sat_add32(c->count, in->count);
	c->fails = sat_add32(c->fails, in->fails);
	c->outcomes |= in->outcomes;
	c->succ |= in->succ;
	if (in->last_ns > c->last_ns)
		c->last_ns = in->last_ns;
	if (contact_order(in, c) < 0) {
		c->first_ns = in->first_ns;
		c->unit = in->unit;
		c->line = in->line;
		c->outcome = in->outcome;
		c->fclass = in->fclass;
		c->fp = in->fp;
	}
}

static void contact_append(struct detector *d, struct src_state *s, const struct contact *in)
{
	if (s->n == s->cap) {
		size_t cap = s->cap;
		s->c = xgrow(s->c, &cap, (size_t)s->n + 1, sizeof(*s->c));
		if (cap > d->cfg.max_contacts)
			cap = d->cfg.max_contacts;
		s->cap = (uint32_t)cap;
	}
	uint32_t idx = s->n++;
	s->c[idx] = *in;
	d->contacts_total++;
	if (s->slots) {
		if ((uint64_t)s->n * 2 > s->n_slots)
			slots_rebuild(s, s->n_slots * 2);
		else
			slots_insert(s, idx);
	} else if (s->n > CONTACT_LINEAR) {
		slots_rebuild(s, 32);
	}
}

/* Insert or fold one contact under the caps. */
static void contact_upsert(struct detector *d, struct src_state *s, const struct contact *in)
{
	uint32_t idx = contact_find(s, &in->dst, in->proto, in->port);
	if (idx != SLOT_EMPTY) {
		contact_fold(&s->c[idx], in);
		return;
	}
	if (s->n < d->cfg.max_contacts && d->contacts_total < d->cfg.max_contacts_total) {
		contact_append(d, s, in);
		return;
	}
	s->truncated = 1;
	if (s->n < d->cfg.max_contacts || s->n == 0) {
		d->contacts_refused++; /* the detector-wide cap */
		return;
	}
	/* Full: keep the earliest. Replace the latest kept contact if the new
	 * one comes before it (rare when input is in time order). */
	uint32_t worst = 0;
	for (uint32_t i = 1; i < s->n; i++)
		if (contact_before(&s->c[worst], &s->c[i]))
			worst = i;
	if (!contact_before(in, &s->c[worst]))
		return;
	if (s->slots)
		slots_delete_at(s, slots_find_idx(s, worst));
	s->c[worst] = *in;
	if (s->slots)
		slots_insert(s, worst);
}

/* ---- the source table ---------------------------------------------------- */

static void src_free_contacts(struct src_state *s)
{
	free(s->c);
	free(s->slots);
	s->c = NULL;
	s->slots = NULL;
	s->n = s->cap = s->n_slots = 0;
}

static uint32_t src_hash(const struct ip_addr *a)
{
	return (uint32_t)hash_bytes(a->b, 16);
}

static void table_place(struct detector *d, uint32_t h, uint32_t idx)
{
	size_t mask = d->n_slots - 1;
	size_t pos = h & mask;
	while (d->slots[pos].idx != SLOT_EMPTY)
		pos = (pos + 1) & mask;
	d->slots[pos].hash = h;
	d->slots[pos].idx = idx;
}

static void table_grow(struct detector *d)
{
	size_t n_slots = d->n_slots ? d->n_slots * 2 : 1024;
	free(d->slots);
	d->slots = xmalloc(n_slots * sizeof(*d->slots));
	for (size_t i = 0; i < n_slots; i++)
		d->slots[i].idx = SLOT_EMPTY;
	d->n_slots = n_slots;
	for (size_t i = 0; i < d->n; i++)
		table_place(d, src_hash(&d->st[i].addr), (uint32_t)i);
}

/* Slot of the source, or of the empty slot where it would go. */
static size_t table_probe(const struct detector *d, const struct ip_addr *a, uint32_t h)
{
	size_t mask = d->n_slots - 1;
	size_t pos = h & mask;
	for (;;) {
		const struct src_slot *sl = &d->slots[pos];
		if (sl->idx == SLOT_EMPTY ||
		    (sl->hash == h && memcmp(d->st[sl->idx].addr.b, a->b, 16) == 0))
			return pos;
		pos = (pos + 1) & mask;
	}
}

static void table_delete_at(struct detector *d, size_t pos)
{
	size_t mask = d->n_slots - 1;
	size_t hole = pos, j = pos;
	for (;;) {
		j = (j + 1) & mask;
		if (d->slots[j].idx == SLOT_EMPTY)
			break;
		size_t home = d->slots[j].hash & mask;
		int inside = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
		if (!inside) {
			d->slots[hole] = d->slots[j];
			hole = j;
		}
	}
	d->slots[hole].idx = SLOT_EMPTY;
}

/* Make room for one more source: drop the one with the fewest probes
 * (then the longest quiet) among a few chosen by the new key's hash. */
static void evict_one(struct detector *d, uint32_t h)
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
	d->contacts_total -= v->n;
	uint32_t vh = src_hash(&v->addr);
	table_delete_at(d, table_probe(d, &v->addr, vh));
	src_free_contacts(v);
	size_t last = d->n - 1;
	if (victim != last) {
		/* Move the last source into the hole and repoint its slot. */
		struct src_state *l = &d->st[last];
		size_t pos = table_probe(d, &l->addr, src_hash(&l->addr));
		*v = *l;
		d->slots[pos].idx = (uint32_t)victim;
	}
	d->n--;
	d->last = SIZE_MAX;
}

static struct src_state *source_get(struct detector *d, const struct ip_addr *a)
{
	if (d->last != SIZE_MAX && memcmp(d->st[d->last].addr.b, a->b, 16) == 0)
		return &d->st[d->last];
	uint32_t h = src_hash(a);
	size_t pos = table_probe(d, a, h);
	if (d->slots[pos].idx != SLOT_EMPTY) {
		d->last = d->slots[pos].idx;
		return &d->st[d->last];
	}
	if (d->n >= d->cfg.max_sources) {
		evict_one(d, h);
		pos = table_probe(d, a, h);
	}
	if ((d->n + 1) * 2 > d->n_slots) {
		table_grow(d);
		pos = table_probe(d, a, h);
	}
	if (d->n == d->cap)
		d->st = xgrow(d->st, &d->cap, d->n + 1, sizeof(*d->st));
	size_t idx = d->n++;
	struct src_state *s = &d->st[idx];
	memset(s, 0, sizeof(*s));
	s->addr = *a;
	d->slots[pos].hash = h;
	d->slots[pos].idx = (uint32_t)idx;
	d->last = idx;
	return s;
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
	if (d->cfg.max_sources > UINT32_MAX / 4)
		d->cfg.max_sources = UINT32_MAX / 4;
	if (d->cfg.max_contacts == 0)
		d->cfg.max_contacts = 1;
	if (d->cfg.max_contacts > (1u << 24))
		d->cfg.max_contacts = 1u << 24;
	d->last = SIZE_MAX;
	table_grow(d);
	return d;
}

void detect_free(struct detector *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		src_free_contacts(&d->st[i]);
	free(d->st);
	free(d->slots);
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
	struct src_state *s = source_get(d, &ev->src);
	int64_t t = (ev->flags & EVENT_HAS_TIME) ? ev->time_ns : 0;
	s->events += count;
	if (t) {
		if (!s->first_ns || t < s->first_ns)
			s->first_ns = t;
		if (t > s->last_ns)
			s->last_ns = t;
	}
	if (ev->outcome < EVENT_OUTCOME_COUNT)
		s->outcomes[ev->outcome] = sat_add32(s->outcomes[ev->outcome], count);

	uint16_t port;
	enum flag_class fc = classify(ev, &port);
	s->fclass[fc] = sat_add32(s->fclass[fc], count);
	if (fc == FC_NONPROBE)
		return;
	s->probes += count;
	uint8_t fp = classify_fp(ev, fc);
	for (int b = 0; b < FP_BITS; b++)
		if (fp & (1u << b))
			s->fp[b] = sat_add32(s->fp[b], count);
	if ((ev->flags & EVENT_HAS_DST) && group_destination(&ev->dst))
		return;

	struct contact in;
	memset(&in, 0, sizeof(in));
	if (ev->flags & EVENT_HAS_DST)
		in.dst = ev->dst;
	in.first_ns = in.last_ns = t;
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
	contact_upsert(d, s, &in);
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
		struct src_state *s = source_get(into, &f->addr);
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
		for (int k = 0; k < EVENT_OUTCOME_COUNT; k++)
			s->outcomes[k] = sat_add32(s->outcomes[k], f->outcomes[k]);
		s->truncated |= f->truncated;
		for (uint32_t k = 0; k < f->n; k++)
			contact_upsert(into, s, &f->c[k]);
		src_free_contacts(f);
	}
	from->n = 0;
	from->contacts_total = 0;
	from->evicted = from->events_evicted = from->contacts_refused = 0;
	for (size_t i = 0; i < from->n_slots; i++)
		from->slots[i].idx = SLOT_EMPTY;
	from->last = SIZE_MAX;
}

size_t detect_memory(const struct detector *d)
{
	if (!d)
		return 0;
	size_t b = sizeof(*d) + d->cap * sizeof(*d->st) + d->n_slots * sizeof(*d->slots);
	for (size_t i = 0; i < d->n; i++)
		b += (size_t)d->st[i].cap * sizeof(struct contact) +
		     (size_t)d->st[i].n_slots * sizeof(uint32_t);
	return b;
}

size_t detect_sources(const struct detector *d)
{
	return d ? d->n : 0;
}
