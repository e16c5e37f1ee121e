/* Pairs each probe in a capture with its reply (the rules are in
 * pcap_decode.h). One bounded table holds both the probes waiting for a
 * reply (oldest first) and the flows already answered (least recently seen
 * first), keyed by the conversation as seen from either end, so that one
 * lookup per packet finds its probe, its reply or its flow. Open
 * addressing keeps a miss to one cache line; the hash is keyed
 * (hash_bytes), since whoever sent the packets chose the keys.
 *
 * Probes are decided in the order their answers come (a closed port's
 * reset before the silence of a filtered one), so an event decided while
 * an older probe still waits is held back, as is an event that needs no
 * reply (a fragment, an ARP request), in a bounded heap by packet number,
 * and the events go out in capture order. */
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/util.h"
#include "parse/pcap_decode.h"

#define NIL UINT32_MAX
#define KEY_LEN 40
_Static_assert(sizeof(((struct pcap_pkt *)0)->conv_key) == KEY_LEN, "key size");

/* ---- entries and their two age lists ------------------------------------ */

enum ent_state { ENT_PENDING = 1, ENT_FLOW = 2 };

/* Key bytes: a[16] b[16] port_a[2] port_b[2] proto kind 0 0. */
struct ent {
	uint8_t key[KEY_LEN];
	int64_t time;        /* probe time, or a flow's last packet */
	uint32_t hash;       /* also the slot tag */
	uint32_t prev, next; /* on the pending or the flow list; next links the free list */
	uint8_t state;       /* enum ent_state */
	uint8_t dir;         /* pending: 0 if the prober is key side a, 1 if side b */
};

/* What a waiting probe keeps to rebuild its event: the key holds the
 * addresses, the entry its time. */
struct probe {
	uint64_t record;
	uint32_t flags, ip_id, ip_len, tcp_seq;
	uint16_t sport, dport, window, mss;
	uint16_t prefix; /* 0 = none, else index + 1 into the prefix pool */
	uint8_t proto, tcp_flags, icmp_type, icmp_code, ttl;
};

/* An event held back until the probes before it are decided. */
struct held {
	struct ip_addr src, dst;
	int64_t time;
	struct probe p; /* p.record: its packet */
	uint8_t outcome;
};

struct age_list {
	uint32_t head, tail;
	size_t n;
};

struct slot {
	uint32_t tag; /* the entry's hash: most misses stop here */
	uint32_t idx; /* NIL = empty */
};

/* NFLOG prefixes (rule names) are few; waiting probes refer to them by
 * number so the packet bytes need not outlive the packet. */
#define PREFIX_MAX 4096
#define PREFIX_LEN_MAX 256
#define PREFIX_SLOTS 8192 /* open addressing, at most half full */

struct pcap_track {
	struct pcap_track_config cfg;
	struct parse_ctx *ctx;
	parse_emit_fn emit;
	void *arg;

	struct ent *e;
	struct probe *pay;   /* parallel to e; meaningful for pending entries */
	size_t used, alloc;  /* entries handed out, entries allocated */
	uint32_t free_list;
	struct slot *slot;
	size_t n_slot;       /* a power of two, at least twice the live entries */
	size_t live;
	struct age_list pending, flows;

	struct held *hold;   /* a min-heap by p.record */
	size_t n_hold, cap_hold;

	struct pcap_track_stats st;
	struct {
		char *text[PREFIX_MAX];
		uint16_t len[PREFIX_MAX];
		uint16_t slot[PREFIX_SLOTS]; /* 0 = empty, else index + 1 */
		size_t n;
	} pfx;
};

static void list_push(struct pcap_track *t, struct age_list *l, uint32_t i)
{
	t->e[i].prev = l->tail;
	t->e[i].next = NIL;
	if (l->tail != NIL)
		t->e[l->tail].next = i;
	else
		l->head = i;
	l->tail = i;
	l->n++;
}

static void list_unlink(struct pcap_track *t, struct age_list *l, uint32_t i)
{
	struct ent *e = &t->e[i];
	if (e->prev != NIL)
		t->e[e->prev].next = e->next;
	else
		l->head = e->next;
	if (e->next != NIL)
		t->e[e->next].prev = e->prev;
	else
		l->tail = e->prev;
	l->n--;
}

static struct age_list *list_of(struct pcap_track *t, uint32_t i)
{
	return t->e[i].state == ENT_PENDING ? &t->pending : &t->flows;
}

/* ---- the slot index ------------------------------------------------------ */

static void slot_place(struct slot *s, size_t mask, uint32_t hash, uint32_t idx)
{
	size_t k = hash & mask;
	while (s[k].idx != NIL)
		k = (k + 1) & mask;
	s[k].tag = hash;
	s[k].idx = idx;
}

static void slots_alloc(struct pcap_track *t, size_t n)
{
	t->slot = xmalloc(n * sizeof(*t->slot));
	for (size_t k = 0; k < n; k++)
		t->slot[k].idx = NIL;
	t->n_slot = n;
}

static void slots_grow(struct pcap_track *t)
{
	struct slot *old = t->slot;
	slots_alloc(t, t->n_slot * 2);
	free(old);
	size_t mask = t->n_slot - 1;
	const struct age_list *lists[2] = {&t->pending, &t->flows};
	for (int l = 0; l < 2; l++)
		for (uint32_t i = lists[l]->head; i != NIL; i = t->e[i].next)
			slot_place(t->slot, mask, t->e[i].hash, i);
}

static uint32_t tab_find(const struct pcap_track *t, const uint8_t *key, uint32_t h)
{
	size_t mask = t->n_slot - 1;
	for (size_t k = h & mask;; k = (k + 1) & mask) {
		const struct slot *s = &t->slot[k];
		if (s->idx == NIL)
			return NIL;
		if (s->tag == h && memcmp(t->e[s->idx].key, key, KEY_LEN) == 0)
			return s->idx;
	}
}

/* A new entry at the young end of its list. Callers keep each list under
 * its cap, so the table never holds more than both caps together. */
static uint32_t tab_insert(struct pcap_track *t, const uint8_t *key, uint32_t h, int64_t time,
			   enum ent_state state)
{
	uint32_t i;
	if (t->free_list != NIL) {
		i = t->free_list;
		t->free_list = t->e[i].next;
	} else {
		if (t->used == t->alloc) {
			size_t cap = t->alloc, pcap = t->alloc;
			t->e = xgrow(t->e, &cap, t->used + 1, sizeof(*t->e));
			t->pay = xgrow(t->pay, &pcap, cap, sizeof(*t->pay));
			t->alloc = cap;
		}
		i = (uint32_t)t->used++;
	}
	struct ent *e = &t->e[i];
	memcpy(e->key, key, KEY_LEN);
	e->time = time;
	e->hash = h;
	e->state = (uint8_t)state;
	e->dir = 0;
	list_push(t, list_of(t, i), i);
	if (++t->live * 2 > t->n_slot)
		slots_grow(t);
	else
		slot_place(t->slot, t->n_slot - 1, h, i);
	return i;
}

/* Remove entry i: its slot is refilled by shifting later members of the
 * probe run back (no tombstones, so lookups stay short). */
static void tab_erase(struct pcap_track *t, uint32_t i)
{
	size_t mask = t->n_slot - 1;
	size_t hole = t->e[i].hash & mask;
	while (t->slot[hole].idx != i)
		hole = (hole + 1) & mask;
	for (size_t j = (hole + 1) & mask; t->slot[j].idx != NIL; j = (j + 1) & mask) {
		size_t home = t->slot[j].tag & mask;
		/* An entry may move back only if its home is not cyclically
		 * within (hole, j]. */
		int stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
		if (stays)
			continue;
		t->slot[hole] = t->slot[j];
		hole = j;
	}
	t->slot[hole].idx = NIL;
	list_unlink(t, list_of(t, i), i);
	t->e[i].state = 0;
	t->e[i].next = t->free_list;
	t->free_list = i;
	t->live--;
}

/* ---- keys ------------------------------------------------------------------ */

static void make_key(uint8_t *key, const struct ip_addr *a, uint16_t pa, const struct ip_addr *b,
		     uint16_t pb, uint8_t proto, uint8_t kind)
{
	memcpy(key, a->b, 16);
	memcpy(key + 16, b->b, 16);
	key[32] = (uint8_t)(pa >> 8);
	key[33] = (uint8_t)pa;
	key[34] = (uint8_t)(pb >> 8);
	key[35] = (uint8_t)pb;
	key[36] = proto;
	key[37] = kind;
	key[38] = key[39] = 0;
}

static uint64_t be64(const uint8_t *b)
{
	uint64_t v;
	memcpy(&v, b, 8);
	return __builtin_bswap64(v);
}

/* memcmp(a, b, 16) as two word compares (the library call cost more). */
static int addr_order(const struct ip_addr *a, const struct ip_addr *b)
{
	uint64_t x = be64(a->b), y = be64(b->b);
	if (x == y) {
		x = be64(a->b + 8);
		y = be64(b->b + 8);
	}
	return (x > y) - (x < y);
}

/* The conversation's key, the same from either end (the lower endpoint
 * first); returns which side (0 = a, 1 = b) the first endpoint became. */
static int make_conv_key(uint8_t *key, const struct ip_addr *src, uint16_t sp,
			 const struct ip_addr *dst, uint16_t dp, uint8_t proto)
{
	int c = addr_order(src, dst);
	if (c > 0 || (c == 0 && sp > dp)) {
		make_key(key, dst, dp, src, sp, proto, 0);
		return 1;
	}
	make_key(key, src, sp, dst, dp, proto, 0);
	return 0;
}

static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* Between two IPv4 ends only 16 of the 40 key bytes vary, and hashing just
 * those takes half the SipHash blocks; keys are still compared whole. */
static int is_v4_mapped(const uint8_t *a)
{
	uint64_t x;
	uint32_t y;
	memcpy(&x, a, 8);
	memcpy(&y, a + 8, 4);
	uint64_t hx;
	uint32_t hy;
	memcpy(&hx, v4_mapped, 8);
	memcpy(&hy, v4_mapped + 8, 4);
	return x == hx && y == hy;
}

static uint32_t key_hash(const uint8_t *key)
{
	if (is_v4_mapped(key) && is_v4_mapped(key + 16)) {
		uint8_t k[16];
		memcpy(k, key + 12, 4);
		memcpy(k + 4, key + 28, 4);
		memcpy(k + 8, key + 32, 8);
		return (uint32_t)hash_bytes(k, sizeof(k));
	}
	return (uint32_t)hash_bytes(key, KEY_LEN);
}

/* ---- life cycle -------------------------------------------------------------- */

void pcap_track_config_defaults(struct pcap_track_config *cfg)
{
	cfg->window_ns = PCAP_TRACK_WINDOW_NS;
	cfg->max_pending = PCAP_TRACK_MAX_PENDING;
	cfg->flow_idle_ns = PCAP_TRACK_FLOW_IDLE_NS;
	cfg->max_flows = PCAP_TRACK_MAX_FLOWS;
}

struct pcap_track *pcap_track_new(const struct pcap_track_config *cfg, struct parse_ctx *ctx,
				  parse_emit_fn emit, void *arg)
{
	struct pcap_track *t = xcalloc(1, sizeof(*t));
	if (cfg)
		t->cfg = *cfg;
	else
		pcap_track_config_defaults(&t->cfg);
	/* Entry numbers are 32-bit with one value reserved. */
	const size_t cap_limit = (size_t)1 << 30;
	if (t->cfg.max_pending < 1)
		t->cfg.max_pending = 1;
	if (t->cfg.max_pending > cap_limit)
		t->cfg.max_pending = cap_limit;
	if (t->cfg.max_flows < 1)
		t->cfg.max_flows = 1;
	if (t->cfg.max_flows > cap_limit)
		t->cfg.max_flows = cap_limit;
	t->ctx = ctx;
	t->emit = emit;
	t->arg = arg;
	t->free_list = NIL;
	t->pending.head = t->pending.tail = NIL;
	t->flows.head = t->flows.tail = NIL;
	slots_alloc(t, 1024);
	return t;
}

void pcap_track_free(struct pcap_track *t)
{
	if (!t)
		return;
	free(t->e);
	free(t->pay);
	free(t->slot);
	free(t->hold);
	for (size_t i = 0; i < t->pfx.n; i++)
		free(t->pfx.text[i]);
	free(t);
}

void pcap_track_get_stats(const struct pcap_track *t, struct pcap_track_stats *out)
{
	*out = t->st;
}

/* Returns the prefix's number (index + 1), or 0 if the pool is full. */
static uint16_t prefix_intern(struct pcap_track *t, const char *s, size_t len)
{
	if (len > PREFIX_LEN_MAX)
		return 0;
	uint64_t h = hash_bytes(s, len);
	for (size_t k = 0; k < PREFIX_SLOTS; k++) {
		size_t slot = (h + k) & (PREFIX_SLOTS - 1);
		uint16_t id = t->pfx.slot[slot];
		if (id == 0) {
			if (t->pfx.n == PREFIX_MAX)
				return 0;
			size_t i = t->pfx.n++;
			t->pfx.text[i] = xmalloc(len ? len : 1);
			memcpy(t->pfx.text[i], s, len);
			t->pfx.len[i] = (uint16_t)len;
			t->pfx.slot[slot] = (uint16_t)(i + 1);
			return (uint16_t)(i + 1);
		}
		if (t->pfx.len[id - 1] == len && memcmp(t->pfx.text[id - 1], s, len) == 0)
			return id;
	}
	return 0;
}

/* ---- emitting ------------------------------------------------------------------ */

static void emit_other(struct pcap_track *t, uint64_t record)
{
	t->emit(t->arg, t->ctx, PARSE_OTHER, NULL, record);
}

/* The event of a probe, as the decoder made it (every field the probe
 * keeps; the prefix from the pool). */
static void emit_held(struct pcap_track *t, const struct held *h)
{
	const struct probe *p = &h->p;
	struct event ev;
	pcap_zero(&ev, sizeof(ev));
	ev.count = 1; /* as event_clear() leaves it */
	ev.time_ns = h->time;
	ev.src = h->src;
	ev.dst = h->dst;
	ev.proto = p->proto;
	ev.flags = p->flags;
	ev.ip_id = p->ip_id;
	ev.ip_len = p->ip_len;
	ev.tcp_seq = p->tcp_seq;
	ev.sport = p->sport;
	ev.dport = p->dport;
	ev.window = p->window;
	ev.mss = p->mss;
	ev.tcp_flags = p->tcp_flags;
	ev.icmp_type = p->icmp_type;
	ev.icmp_code = p->icmp_code;
	ev.ttl = p->ttl;
	ev.action = EVENT_ACTION_LOG;
	ev.outcome = h->outcome;
	if (p->prefix) {
		ev.prefix.ptr = t->pfx.text[p->prefix - 1];
		ev.prefix.len = t->pfx.len[p->prefix - 1];
	}
	t->emit(t->arg, t->ctx, PARSE_EVENT, &ev, p->record);
}

/* The packet number of the oldest waiting probe (the pending list is in
 * packet order), or UINT64_MAX. */
static uint64_t oldest_waiting(const struct pcap_track *t)
{
	return t->pending.head == NIL ? UINT64_MAX : t->pay[t->pending.head].record;
}

static void hold_pop(struct pcap_track *t, struct held *out)
{
	struct held *a = t->hold;
	*out = a[0];
	size_t n = --t->n_hold, i = 0;
	if (!n)
		return;
	struct held last = a[n];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && a[c + 1].p.record < a[c].p.record)
			c++;
		if (a[c].p.record >= last.p.record)
			break;
		a[i] = a[c];
		i = c;
	}
	a[i] = last;
}

static void hold_push(struct pcap_track *t, const struct held *h)
{
	t->hold = xgrow(t->hold, &t->cap_hold, t->n_hold + 1, sizeof(*t->hold));
	size_t i = t->n_hold++;
	while (i && t->hold[(i - 1) / 2].p.record > h->p.record) {
		t->hold[i] = t->hold[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	t->hold[i] = *h;
}

/* The held events before packet `below` that no waiting probe comes
 * before, in packet order. */
static void release_below(struct pcap_track *t, uint64_t below)
{
	uint64_t limit = oldest_waiting(t);
	if (below < limit)
		limit = below;
	while (t->n_hold && t->hold[0].p.record < limit) {
		struct held h;
		hold_pop(t, &h);
		emit_held(t, &h);
	}
}

static void release(struct pcap_track *t)
{
	release_below(t, UINT64_MAX);
}

/* Can an event of this packet go out now: does no waiting probe and no
 * held event come before it? */
static int in_turn(const struct pcap_track *t, uint64_t record)
{
	return record < oldest_waiting(t) && (!t->n_hold || record < t->hold[0].p.record);
}

/* An event goes out now if nothing before it is still to come, else it
 * is held. */
static void send_event(struct pcap_track *t, const struct held *h)
{
	/* first the held ones before it that are in turn (a probe just
	 * decided may have been the last in their way) */
	release_below(t, h->p.record);
	if (in_turn(t, h->p.record)) {
		emit_held(t, h);
		return;
	}
	if (t->n_hold == PCAP_TRACK_HOLD_MAX) {
		/* full: the earliest of it and the held ones goes out of turn */
		t->st.held_over++;
		if (h->p.record < t->hold[0].p.record) {
			emit_held(t, h);
			return;
		}
		struct held first;
		hold_pop(t, &first);
		emit_held(t, &first);
	}
	hold_push(t, h);
}

/* What a probe keeps of its packet's event. */
static void probe_from(struct probe *p, const struct event *ev, uint64_t record, uint16_t prefix)
{
	p->record = record;
	p->flags = ev->flags;
	p->ip_id = ev->ip_id;
	p->ip_len = ev->ip_len;
	p->tcp_seq = ev->tcp_seq;
	p->sport = ev->sport;
	p->dport = ev->dport;
	p->window = ev->window;
	p->mss = ev->mss;
	p->prefix = prefix;
	p->proto = ev->proto;
	p->tcp_flags = ev->tcp_flags;
	p->icmp_type = ev->icmp_type;
	p->icmp_code = ev->icmp_code;
	p->ttl = ev->ttl;
}

/* A packet's event with no reply to wait for: sent as it is when in turn
 * (most are); else held as a decided probe is, its prefix kept in the
 * pool, or, where the pool has no room for it, sent out of turn. */
static void emit_now(struct pcap_track *t, const struct pcap_pkt *pkt, uint64_t record,
		     enum event_outcome outcome)
{
	const struct event *ev = &pkt->ev;
	uint16_t prefix = 0;
	int as_is = in_turn(t, record);
	if (!as_is && ev->prefix.len && !(prefix = prefix_intern(t, ev->prefix.ptr, ev->prefix.len))) {
		t->st.held_over++;
		as_is = 1;
	}
	if (as_is) {
		struct event out = *ev;
		out.outcome = (uint8_t)outcome;
		t->emit(t->arg, t->ctx, PARSE_EVENT, &out, record);
		return;
	}
	struct held h;
	h.src = ev->src;
	h.dst = ev->dst;
	h.time = ev->time_ns;
	probe_from(&h.p, ev, record, prefix);
	h.outcome = (uint8_t)outcome;
	send_event(t, &h);
}

/* Emit a waiting probe with its outcome and forget it. */
static void decide(struct pcap_track *t, uint32_t i, enum event_outcome outcome)
{
	const struct ent *e = &t->e[i];
	struct held h;
	memcpy(h.src.b, e->key + (e->dir ? 16 : 0), 16);
	memcpy(h.dst.b, e->key + (e->dir ? 0 : 16), 16);
	h.time = e->time;
	h.p = t->pay[i];
	h.outcome = (uint8_t)outcome;
	tab_erase(t, i);
	send_event(t, &h);
}

/* The oldest waiting probe is decided within the next few packets: fetch
 * its entry, payload and slot ahead (the entry first, the rest once the
 * entry is there, one call later). */
static void prefetch_pending_head(const struct pcap_track *t)
{
	uint32_t h = t->pending.head;
	if (h == NIL)
		return;
	const struct ent *e = &t->e[h];
	__builtin_prefetch(&t->pay[h]);
	__builtin_prefetch(&t->slot[e->hash & (t->n_slot - 1)]);
	if (e->next != NIL)
		__builtin_prefetch(&t->e[e->next]);
}

/* later - earlier > span, without overflow for any stamps. */
static int older_than(int64_t earlier, int64_t later, int64_t span)
{
	return later > earlier && (uint64_t)later - (uint64_t)earlier > (uint64_t)span;
}

void pcap_track_advance(struct pcap_track *t, int64_t now)
{
	while (t->pending.head != NIL &&
	       older_than(t->e[t->pending.head].time, now, t->cfg.window_ns))
		decide(t, t->pending.head, EVENT_OUTCOME_NO_ANSWER);
	while (t->flows.head != NIL && older_than(t->e[t->flows.head].time, now, t->cfg.flow_idle_ns))
		tab_erase(t, t->flows.head);
	release(t);
	prefetch_pending_head(t);
}

void pcap_track_finish(struct pcap_track *t)
{
	while (t->pending.head != NIL)
		decide(t, t->pending.head, EVENT_OUTCOME_NO_ANSWER);
	release(t);
}

/* ---- probes and flows ------------------------------------------------------------ */

/* The probe was answered: it is decided open and its conversation becomes
 * an answered flow, in the same entry. */
static void open_flow(struct pcap_track *t, uint32_t i, int64_t now, int emit_probe)
{
	uint8_t key[KEY_LEN];
	memcpy(key, t->e[i].key, KEY_LEN);
	uint32_t h = t->e[i].hash;
	if (emit_probe) {
		decide(t, i, EVENT_OUTCOME_OPEN);
	} else {
		/* A packet of a session after all: no event. */
		uint64_t record = t->pay[i].record;
		tab_erase(t, i);
		emit_other(t, record);
	}
	if (t->flows.n >= t->cfg.max_flows) {
		tab_erase(t, t->flows.head);
		t->st.flows_evicted++;
	}
	tab_insert(t, key, h, now, ENT_FLOW);
}

/* The packet starts waiting for its reply under key (prober on side dir). */
static void add_probe(struct pcap_track *t, const struct pcap_pkt *pkt, uint64_t record,
		      const uint8_t *key, uint32_t h, int dir)
{
	const struct event *ev = &pkt->ev;
	uint16_t prefix = 0;
	if (ev->prefix.len) {
		prefix = prefix_intern(t, ev->prefix.ptr, ev->prefix.len);
		if (!prefix) {
			/* No room to keep the rule name: report the packet
			 * now, with its name and without an outcome. */
			t->st.prefix_overflow++;
			emit_now(t, pkt, record, EVENT_OUTCOME_UNKNOWN);
			return;
		}
	}
	if (t->pending.n >= t->cfg.max_pending) {
		t->st.evicted++;
		decide(t, t->pending.head, EVENT_OUTCOME_NO_ANSWER);
	}
	uint32_t i = tab_insert(t, key, h, ev->time_ns, ENT_PENDING);
	t->e[i].dir = (uint8_t)dir;
	probe_from(&t->pay[i], ev, record, prefix);
	t->st.probes++;
}

/* The same probe again from the same side (a retransmission): the first
 * had no answer in its time; the new one waits. */
static void supersede(struct pcap_track *t, uint32_t i)
{
	t->st.superseded++;
	decide(t, i, EVENT_OUTCOME_NO_ANSWER);
}

static int is_port_proto(uint8_t proto)
{
	return proto == IPPROTO_NUM_TCP || proto == IPPROTO_NUM_UDP ||
	       proto == IPPROTO_NUM_UDPLITE || proto == IPPROTO_NUM_SCTP || proto == 33;
}

static int is_icmp(uint8_t proto)
{
	return proto == IPPROTO_NUM_ICMP || proto == IPPROTO_NUM_ICMPV6;
}

/* The request type an ICMP reply answers, or -1. */
static int icmp_request_for(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_NUM_ICMPV6)
		return type == 129 ? 128 : -1;
	switch (type) {
	case 0:
		return 8; /* echo */
	case 14:
		return 13; /* timestamp */
	case 16:
		return 15; /* information */
	case 18:
		return 17; /* address mask */
	default:
		return -1;
	}
}

static int icmp_is_request(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_NUM_ICMPV6)
		return type == 128;
	return type == 8 || type == 13 || type == 15 || type == 17;
}

/* ICMPv6 that keeps a link working (MLD, neighbour and router discovery,
 * multicast router discovery): neither a probe nor an answer. */
static int icmp6_is_housekeeping(uint8_t type)
{
	return (type >= 130 && type <= 137) || type == 143 || (type >= 151 && type <= 153);
}

/* What an ICMP error quoting a waiting probe says about it; UNKNOWN =
 * nothing (time exceeded, redirect, ...: the probe keeps waiting). */
static enum event_outcome error_outcome(uint8_t proto, uint8_t type, uint8_t code,
					uint8_t inner_proto)
{
	int tcp = inner_proto == IPPROTO_NUM_TCP;
	if (proto == IPPROTO_NUM_ICMP) {
		if (type != 3)
			return EVENT_OUTCOME_UNKNOWN;
		if (code == 3 && !tcp && is_port_proto(inner_proto))
			return EVENT_OUTCOME_CLOSED; /* port unreachable */
		if (code == 2 && !is_port_proto(inner_proto))
			return EVENT_OUTCOME_CLOSED; /* protocol unreachable */
		return EVENT_OUTCOME_UNREACHABLE;
	}
	if (type == 1) {
		if (code == 4 && !tcp && is_port_proto(inner_proto))
			return EVENT_OUTCOME_CLOSED;
		return EVENT_OUTCOME_UNREACHABLE;
	}
	if (type == 4 && code == 1 && !is_port_proto(inner_proto))
		return EVENT_OUTCOME_CLOSED; /* unrecognised next header */
	return EVENT_OUTCOME_UNKNOWN;
}

/* An ICMP error: find the probe it quotes (its prober is the quoted
 * packet's source) and decide it. */
static void track_icmp_error(struct pcap_track *t, const struct pcap_pkt *pkt)
{
	const struct event *ev = &pkt->ev;
	if (!pkt->has_inner)
		return;
	enum event_outcome o = error_outcome(ev->proto, ev->icmp_type, ev->icmp_code,
					     pkt->inner_proto);
	if (o == EVENT_OUTCOME_UNKNOWN)
		return;
	uint8_t key[KEY_LEN];
	int dir = 0;
	if (is_icmp(pkt->inner_proto))
		make_key(key, &pkt->inner_src, pkt->inner_sport, &pkt->inner_dst, pkt->inner_dport,
			 pkt->inner_proto, pkt->inner_icmp_type);
	else
		dir = make_conv_key(key, &pkt->inner_src, pkt->inner_sport, &pkt->inner_dst,
				    pkt->inner_dport, pkt->inner_proto);
	uint32_t i = tab_find(t, key, key_hash(key));
	if (i != NIL && t->e[i].state == ENT_PENDING && t->e[i].dir == dir) {
		t->st.replies++;
		decide(t, i, o);
	}
}

static void track_icmp(struct pcap_track *t, const struct pcap_pkt *pkt, uint64_t record)
{
	const struct event *ev = &pkt->ev;
	uint8_t proto = ev->proto, type = ev->icmp_type;
	uint8_t key[KEY_LEN];

	if (pcap_icmp_is_error(proto, type)) {
		track_icmp_error(t, pkt);
		emit_other(t, record);
		return;
	}
	int req = icmp_request_for(proto, type);
	if (req >= 0) {
		make_key(key, &ev->dst, pkt->icmp_id, &ev->src, pkt->icmp_seq, proto, (uint8_t)req);
		uint32_t i = tab_find(t, key, key_hash(key));
		if (i != NIL) {
			t->st.replies++;
			decide(t, i, EVENT_OUTCOME_OPEN);
		}
		emit_other(t, record);
		return;
	}
	if (icmp_is_request(proto, type)) {
		/* Every request is a probe of its own, also a long ping's:
		 * OS fingerprinting sends echo, timestamp and mask requests
		 * under one identifier, and each is worth seeing. */
		make_key(key, &ev->src, pkt->icmp_id, &ev->dst, pkt->icmp_seq, proto, type);
		uint32_t h = key_hash(key);
		uint32_t i = tab_find(t, key, h);
		if (i != NIL)
			supersede(t, i);
		add_probe(t, pkt, record, key, h, 0);
		return;
	}
	if (proto == IPPROTO_NUM_ICMPV6 && icmp6_is_housekeeping(type)) {
		emit_other(t, record);
		return;
	}
	/* Router advertisements, unknown types...: nothing to pair with,
	 * an event without outcome. */
	emit_now(t, pkt, record, EVENT_OUTCOME_UNKNOWN);
}

/* TCP, UDP and every other protocol: one lookup of the conversation. */
static void track_conv(struct pcap_track *t, const struct pcap_pkt *pkt, uint64_t record)
{
	const struct event *ev = &pkt->ev;
	int tcp = ev->proto == IPPROTO_NUM_TCP;
	uint8_t f = ev->tcp_flags;
	int syn_only = tcp && (f & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN;
	int rst = tcp && (f & TCP_FLAG_RST);
	int synack = tcp && (f & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == (TCP_FLAG_SYN | TCP_FLAG_ACK);
	uint8_t own[KEY_LEN];
	const uint8_t *key = own;
	int dir;
	uint32_t h;
	if (pkt->has_conv_hash) {
		key = pkt->conv_key;
		dir = pkt->conv_dir;
		h = pkt->conv_hash;
	} else {
		dir = make_conv_key(own, &ev->src, ev->sport, &ev->dst, ev->dport, ev->proto);
		h = key_hash(own);
	}
	uint32_t i = tab_find(t, key, h);

	if (i != NIL && t->e[i].state == ENT_FLOW) {
		if (!syn_only) {
			/* A packet of an answered flow. */
			list_unlink(t, &t->flows, i);
			list_push(t, &t->flows, i);
			if (ev->time_ns > t->e[i].time)
				t->e[i].time = ev->time_ns;
			emit_other(t, record);
			return;
		}
		tab_erase(t, i); /* a new connection on an old tuple */
		i = NIL;
	}
	if (i != NIL && t->e[i].dir != dir) {
		/* The other side speaks: the reply to the waiting probe. */
		t->st.replies++;
		if (rst) {
			decide(t, i, EVENT_OUTCOME_CLOSED);
		} else if (!tcp) {
			open_flow(t, i, ev->time_ns, 1);
		} else {
			uint8_t pf = t->pay[i].tcp_flags;
			int probe_syn = (pf & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN;
			/* Data answered by data: the capture began inside a
			 * session; neither side was probing. */
			open_flow(t, i, ev->time_ns, probe_syn);
		}
		emit_other(t, record);
		return;
	}
	if (rst || synack) {
		/* A reply to a probe not captured (or decided long ago). */
		emit_other(t, record);
		return;
	}
	if (i != NIL) {
		/* The prober again. More of a conversation whose first packet
		 * still waits (data sent on before any answer): that first
		 * packet stands for it. A flag probe without ACK (FIN, NULL,
		 * XMAS) or a datagram sent again is a new probe. */
		if (tcp && (f & TCP_FLAG_ACK) && (t->pay[i].tcp_flags & TCP_FLAG_ACK)) {
			emit_other(t, record);
			return;
		}
		supersede(t, i);
	}
	add_probe(t, pkt, record, key, h, dir);
}

/* ---- prefetching ---------------------------------------------------------- */

/* The table is far larger than the caches: without these hints nearly
 * every packet waits for a slot line and then an entry line. */
void pcap_track_prefetch(const struct pcap_track *t, struct pcap_pkt *pkt)
{
	const struct event *ev = &pkt->ev;
	if ((ev->flags & EVENT_FRAGMENT) || is_icmp(ev->proto))
		return;
	pkt->conv_dir = (uint8_t)make_conv_key(pkt->conv_key, &ev->src, ev->sport, &ev->dst,
					       ev->dport, ev->proto);
	pkt->conv_hash = key_hash(pkt->conv_key);
	pkt->has_conv_hash = 1;
	__builtin_prefetch(&t->slot[pkt->conv_hash & (t->n_slot - 1)]);
}

void pcap_track_prefetch2(const struct pcap_track *t, const struct pcap_pkt *pkt)
{
	if (!pkt->has_conv_hash)
		return;
	const struct slot *s = &t->slot[pkt->conv_hash & (t->n_slot - 1)];
	if (s->idx != NIL && s->tag == pkt->conv_hash) {
		__builtin_prefetch(&t->e[s->idx]);
		__builtin_prefetch(&t->pay[s->idx]);
	}
}

void pcap_track_event(struct pcap_track *t, const struct pcap_pkt *pkt, uint64_t record)
{
	emit_now(t, pkt, record, (enum event_outcome)pkt->ev.outcome);
}

void pcap_track_packet(struct pcap_track *t, const struct pcap_pkt *pkt, uint64_t record)
{
	pcap_track_advance(t, pkt->ev.time_ns);
	if (pkt->ev.flags & EVENT_FRAGMENT) /* no ports to pair a reply with: as it is */
		emit_now(t, pkt, record, EVENT_OUTCOME_UNKNOWN);
	else if (is_icmp(pkt->ev.proto))
		track_icmp(t, pkt, record);
	else
		track_conv(t, pkt, record);
	release(t); /* a probe decided or answered may have held others back */
}
