/* Pairs each probe in a capture with its reply (see pcap_decode.h for the
 * rules). Two bounded tables share one structure: probes waiting for a
 * reply (oldest first) and flows already answered (least recently seen
 * first), both indexed by a keyed hash (hash_bytes) of addresses, ports and
 * protocol, since the packets are chosen by whoever sent them. */
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/util.h"
#include "parse/pcap_decode.h"

/* ---- a bounded, ordered hash table -------------------------------------- */

#define NIL UINT32_MAX
#define KEY_LEN 40

/* Key bytes: a[16] b[16] port_a[2] port_b[2] proto kind 0 0. */
struct fent {
	uint8_t key[KEY_LEN];
	int64_t time;   /* probe time, or a flow's last packet */
	uint32_t hash;  /* low bits of the key's hash */
	uint32_t hnext; /* bucket chain */
	uint32_t prev, next; /* age order */
};

struct ftab {
	struct fent *e;
	size_t used, alloc;  /* slots handed out, slots allocated */
	unsigned char *pay;  /* one payload of psize bytes per slot */
	size_t psize;
	uint32_t *bucket;
	size_t n_bucket;     /* a power of two */
	uint32_t head, tail, free_list;
	size_t live, max;
};

static void ftab_init(struct ftab *t, size_t max, size_t psize)
{
	memset(t, 0, sizeof(*t));
	t->psize = psize;
	t->head = t->tail = t->free_list = NIL;
	t->max = max < 1 ? 1 : max;
	if (t->max > NIL - 1)
		t->max = NIL - 1;
	t->n_bucket = 256;
	t->bucket = xmalloc(t->n_bucket * sizeof(*t->bucket));
	memset(t->bucket, 0xff, t->n_bucket * sizeof(*t->bucket));
}

static void ftab_fini(struct ftab *t)
{
	free(t->e);
	free(t->pay);
	free(t->bucket);
}

static void *ftab_pay(struct ftab *t, uint32_t i)
{
	return t->pay + (size_t)i * t->psize;
}

static uint32_t ftab_find(const struct ftab *t, const uint8_t *key, uint32_t h)
{
	for (uint32_t i = t->bucket[h & (t->n_bucket - 1)]; i != NIL; i = t->e[i].hnext)
		if (t->e[i].hash == h && memcmp(t->e[i].key, key, KEY_LEN) == 0)
			return i;
	return NIL;
}

static void ftab_rehash(struct ftab *t)
{
	size_t nb = t->n_bucket * 2;
	uint32_t *b = xmalloc(nb * sizeof(*b));
	memset(b, 0xff, nb * sizeof(*b));
	for (uint32_t i = t->head; i != NIL; i = t->e[i].next) {
		size_t k = t->e[i].hash & (nb - 1);
		t->e[i].hnext = b[k];
		b[k] = i;
	}
	free(t->bucket);
	t->bucket = b;
	t->n_bucket = nb;
}

/* Append a new entry at the young end. The caller keeps live < max. */
static uint32_t ftab_insert(struct ftab *t, const uint8_t *key, uint32_t h, int64_t time)
{
	uint32_t i;
	if (t->free_list != NIL) {
		i = t->free_list;
		t->free_list = t->e[i].next;
	} else {
		if (t->used == t->alloc) {
			size_t cap = t->alloc;
			t->e = xgrow(t->e, &cap, t->used + 1, sizeof(*t->e));
			if (t->psize) {
				size_t pcap = t->alloc;
				t->pay = xgrow(t->pay, &pcap, cap, t->psize);
			}
			t->alloc = cap;
		}
		i = (uint32_t)t->used++;
	}
	struct fent *e = &t->e[i];
	memcpy(e->key, key, KEY_LEN);
	e->time = time;
	e->hash = h;
	e->prev = t->tail;
	e->next = NIL;
	if (t->tail != NIL)
		t->e[t->tail].next = i;
	else
		t->head = i;
	t->tail = i;
	size_t k = h & (t->n_bucket - 1);
	e->hnext = t->bucket[k];
	t->bucket[k] = i;
	t->live++;
	if (t->live > t->n_bucket)
		ftab_rehash(t);
	return i;
}

static void ftab_unlink_age(struct ftab *t, uint32_t i)
{
	struct fent *e = &t->e[i];
	if (e->prev != NIL)
		t->e[e->prev].next = e->next;
	else
		t->head = e->next;
	if (e->next != NIL)
		t->e[e->next].prev = e->prev;
	else
		t->tail = e->prev;
}

static void ftab_remove(struct ftab *t, uint32_t i)
{
	struct fent *e = &t->e[i];
	uint32_t *link = &t->bucket[e->hash & (t->n_bucket - 1)];
	while (*link != i)
		link = &t->e[*link].hnext;
	*link = e->hnext;
	ftab_unlink_age(t, i);
	e->next = t->free_list;
	t->free_list = i;
	t->live--;
}

/* Move to the young end (a flow seen again). */
static void ftab_touch(struct ftab *t, uint32_t i, int64_t now)
{
	if (now > t->e[i].time)
		t->e[i].time = now;
	if (t->tail == i)
		return;
	ftab_unlink_age(t, i);
	struct fent *e = &t->e[i];
	e->prev = t->tail;
	e->next = NIL;
	t->e[t->tail].next = i;
	t->tail = i;
}

/* ---- keys --------------------------------------------------------------- */

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

/* A flow's key is the same from either end: the lower endpoint first. */
static void make_flow_key(uint8_t *key, const struct ip_addr *a, uint16_t pa,
			  const struct ip_addr *b, uint16_t pb, uint8_t proto)
{
	int c = memcmp(a->b, b->b, 16);
	if (c > 0 || (c == 0 && pa > pb))
		make_key(key, b, pb, a, pa, proto, 0);
	else
		make_key(key, a, pa, b, pb, proto, 0);
}

static uint32_t key_hash(const uint8_t *key)
{
	return (uint32_t)hash_bytes(key, KEY_LEN);
}

/* ---- the tracker -------------------------------------------------------- */

/* What a waiting probe keeps to rebuild its event: the key holds the
 * addresses (src first), time is in the entry. */
struct probe {
	uint64_t record;
	uint32_t flags, ip_id, ip_len, tcp_seq;
	uint16_t sport, dport, window, mss;
	uint16_t prefix; /* 0 = none, else index + 1 into the prefix pool */
	uint8_t proto, tcp_flags, icmp_type, icmp_code, ttl;
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
	struct ftab pending, flows;
	struct pcap_track_stats st;
	struct {
		char *text[PREFIX_MAX];
		uint16_t len[PREFIX_MAX];
		uint16_t slot[PREFIX_SLOTS]; /* 0 = empty, else index + 1 */
		size_t n;
	} pfx;
};

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
	t->ctx = ctx;
	t->emit = emit;
	t->arg = arg;
	ftab_init(&t->pending, t->cfg.max_pending, sizeof(struct probe));
	ftab_init(&t->flows, t->cfg.max_flows, 0);
	return t;
}

void pcap_track_free(struct pcap_track *t)
{
	if (!t)
		return;
	ftab_fini(&t->pending);
	ftab_fini(&t->flows);
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

static void emit_other(struct pcap_track *t, uint64_t record)
{
	t->emit(t->arg, t->ctx, PARSE_OTHER, NULL, record);
}

static void emit_now(struct pcap_track *t, const struct pcap_pkt *pkt, uint64_t record,
		     enum event_outcome outcome)
{
	struct event ev = pkt->ev;
	ev.outcome = (uint8_t)outcome;
	t->emit(t->arg, t->ctx, PARSE_EVENT, &ev, record);
}

/* Emit a waiting probe with its outcome and forget it. */
static void decide(struct pcap_track *t, uint32_t i, enum event_outcome outcome)
{
	const struct fent *e = &t->pending.e[i];
	const struct probe *p = ftab_pay(&t->pending, i);
	struct event ev;
	event_clear(&ev);
	ev.time_ns = e->time;
	memcpy(ev.src.b, e->key, 16);
	memcpy(ev.dst.b, e->key + 16, 16);
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
	ev.outcome = (uint8_t)outcome;
	if (p->prefix) {
		ev.prefix.ptr = t->pfx.text[p->prefix - 1];
		ev.prefix.len = t->pfx.len[p->prefix - 1];
	}
	uint64_t record = p->record;
	ftab_remove(&t->pending, i);
	t->emit(t->arg, t->ctx, PARSE_EVENT, &ev, record);
}

/* A waiting "probe" that was a packet of a session after all. */
static void drop_as_other(struct pcap_track *t, uint32_t i)
{
	uint64_t record = ((const struct probe *)ftab_pay(&t->pending, i))->record;
	ftab_remove(&t->pending, i);
	emit_other(t, record);
}

/* later - earlier > span, without overflow for any stamps. */
static int older_than(int64_t earlier, int64_t later, int64_t span)
{
	return later > earlier && (uint64_t)later - (uint64_t)earlier > (uint64_t)span;
}

void pcap_track_advance(struct pcap_track *t, int64_t now)
{
	while (t->pending.head != NIL &&
	       older_than(t->pending.e[t->pending.head].time, now, t->cfg.window_ns))
		decide(t, t->pending.head, EVENT_OUTCOME_NO_ANSWER);
	while (t->flows.head != NIL &&
	       older_than(t->flows.e[t->flows.head].time, now, t->cfg.flow_idle_ns))
		ftab_remove(&t->flows, t->flows.head);
}

void pcap_track_finish(struct pcap_track *t)
{
	while (t->pending.head != NIL)
		decide(t, t->pending.head, EVENT_OUTCOME_NO_ANSWER);
}

static void flow_add(struct pcap_track *t, const uint8_t *fkey, int64_t now)
{
	uint32_t h = key_hash(fkey);
	uint32_t i = ftab_find(&t->flows, fkey, h);
	if (i != NIL) {
		ftab_touch(&t->flows, i, now);
		return;
	}
	if (t->flows.live >= t->flows.max) {
		ftab_remove(&t->flows, t->flows.head);
		t->st.flows_evicted++;
	}
	ftab_insert(&t->flows, fkey, h, now);
}

/* The packet starts waiting for its reply under key. */
static void add_probe(struct pcap_track *t, const struct pcap_pkt *pkt, uint64_t record,
		      const uint8_t *key)
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
	uint32_t h = key_hash(key);
	uint32_t old = ftab_find(&t->pending, key, h);
	if (old != NIL) {
		/* A retransmission, or the same probe sent again: the first
		 * one had no answer (yet), the new one waits. */
		t->st.superseded++;
		decide(t, old, EVENT_OUTCOME_NO_ANSWER);
	}
	if (t->pending.live >= t->pending.max) {
		t->st.evicted++;
		decide(t, t->pending.head, EVENT_OUTCOME_NO_ANSWER);
	}
	uint32_t i = ftab_insert(&t->pending, key, h, ev->time_ns);
	struct probe *p = ftab_pay(&t->pending, i);
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
	t->st.probes++;
}

static uint32_t pending_find(struct pcap_track *t, const uint8_t *key)
{
	return ftab_find(&t->pending, key, key_hash(key));
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

/* What an ICMP error quoting a waiting probe says about it; 0 = nothing
 * (time exceeded, redirect, ...: the probe keeps waiting). */
static enum event_outcome error_outcome(uint8_t proto, uint8_t type, uint8_t code,
					uint8_t inner_proto)
{
	int transport = inner_proto == IPPROTO_NUM_TCP;
	if (proto == IPPROTO_NUM_ICMP) {
		if (type != 3)
			return EVENT_OUTCOME_UNKNOWN;
		if (code == 3 && !transport && is_port_proto(inner_proto))
			return EVENT_OUTCOME_CLOSED; /* port unreachable */
		if (code == 2 && !transport && !is_port_proto(inner_proto))
			return EVENT_OUTCOME_CLOSED; /* protocol unreachable */
		return EVENT_OUTCOME_UNREACHABLE;
	}
	if (type == 1) {
		if (code == 4 && !transport && is_port_proto(inner_proto))
			return EVENT_OUTCOME_CLOSED;
		return EVENT_OUTCOME_UNREACHABLE;
	}
	if (type == 4 && code == 1 && !is_port_proto(inner_proto))
		return EVENT_OUTCOME_CLOSED; /* unrecognised next header */
	return EVENT_OUTCOME_UNKNOWN;
}

static void track_icmp(struct pcap_track *t, const struct pcap_pkt *pkt, uint64_t record)
{
	const struct event *ev = &pkt->ev;
	uint8_t proto = ev->proto, type = ev->icmp_type;
	uint8_t key[KEY_LEN];

	if (pcap_icmp_is_error(proto, type)) {
		if (pkt->has_inner) {
			uint8_t kind = is_icmp(pkt->inner_proto) ? pkt->inner_icmp_type : 0;
			make_key(key, &pkt->inner_src, pkt->inner_sport, &pkt->inner_dst,
				 pkt->inner_dport, pkt->inner_proto, kind);
			uint32_t i = pending_find(t, key);
			enum event_outcome o = error_outcome(proto, type, ev->icmp_code,
							     pkt->inner_proto);
			if (i != NIL && o != EVENT_OUTCOME_UNKNOWN) {
				t->st.replies++;
				decide(t, i, o);
			}
		}
		emit_other(t, record);
		return;
	}
	int req = icmp_request_for(proto, type);
	if (req >= 0) {
		make_key(key, &ev->dst, pkt->icmp_id, &ev->src, pkt->icmp_seq, proto, (uint8_t)req);
		uint32_t i = pending_find(t, key);
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
		add_probe(t, pkt, record, key);
		return;
	}
	if (proto == IPPROTO_NUM_ICMPV6 && icmp6_is_housekeeping(type)) {
		emit_other(t, record);
		return;
	}
	/* Redirects aside, other messages (router advertisements, unknown
	 * types) expect no reply we could pair: an event without outcome. */
	emit_now(t, pkt, record, EVENT_OUTCOME_UNKNOWN);
}

static void track_tcp(struct pcap_track *t, const struct pcap_pkt *pkt, uint64_t record)
{
	const struct event *ev = &pkt->ev;
	uint8_t f = ev->tcp_flags;
	int syn_only = (f & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN;
	uint8_t fkey[KEY_LEN], key[KEY_LEN];

	make_flow_key(fkey, &ev->src, ev->sport, &ev->dst, ev->dport, ev->proto);
	uint32_t fi = ftab_find(&t->flows, fkey, key_hash(fkey));
	if (fi != NIL) {
		if (!syn_only) {
			ftab_touch(&t->flows, fi, ev->time_ns);
			emit_other(t, record);
			return;
		}
		ftab_remove(&t->flows, fi); /* a new connection on an old tuple */
	}

	make_key(key, &ev->dst, ev->dport, &ev->src, ev->sport, ev->proto, 0);
	uint32_t i = pending_find(t, key);
	if (i != NIL) {
		const struct probe *p = ftab_pay(&t->pending, i);
		int probe_syn = (p->tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN;
		t->st.replies++;
		if (f & TCP_FLAG_RST) {
			decide(t, i, EVENT_OUTCOME_CLOSED);
		} else if (probe_syn) {
			decide(t, i, EVENT_OUTCOME_OPEN);
			flow_add(t, fkey, ev->time_ns);
		} else {
			/* Data answered by data: the capture began inside a
			 * session; neither side was probing. */
			drop_as_other(t, i);
			flow_add(t, fkey, ev->time_ns);
		}
		emit_other(t, record);
		return;
	}
	if ((f & TCP_FLAG_RST) || (f & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == (TCP_FLAG_SYN | TCP_FLAG_ACK)) {
		emit_other(t, record); /* a reply to something not captured */
		return;
	}
	make_key(key, &ev->src, ev->sport, &ev->dst, ev->dport, ev->proto, 0);
	if (f & TCP_FLAG_ACK) {
		/* More of a conversation whose first packet already waits
		 * (data sent on before any answer): that first packet
		 * stands for it. Flag probes without ACK (FIN, NULL, XMAS)
		 * sent again are new probes, below. */
		uint32_t w = pending_find(t, key);
		if (w != NIL && (((const struct probe *)ftab_pay(&t->pending, w))->tcp_flags &
				 TCP_FLAG_ACK)) {
			emit_other(t, record);
			return;
		}
	}
	add_probe(t, pkt, record, key);
}

/* UDP and every other protocol: anything coming back answers. */
static void track_other(struct pcap_track *t, const struct pcap_pkt *pkt, uint64_t record)
{
	const struct event *ev = &pkt->ev;
	uint8_t fkey[KEY_LEN], key[KEY_LEN];

	make_flow_key(fkey, &ev->src, ev->sport, &ev->dst, ev->dport, ev->proto);
	uint32_t fi = ftab_find(&t->flows, fkey, key_hash(fkey));
	if (fi != NIL) {
		ftab_touch(&t->flows, fi, ev->time_ns);
		emit_other(t, record);
		return;
	}
	make_key(key, &ev->dst, ev->dport, &ev->src, ev->sport, ev->proto, 0);
	uint32_t i = pending_find(t, key);
	if (i != NIL) {
		t->st.replies++;
		decide(t, i, EVENT_OUTCOME_OPEN);
		flow_add(t, fkey, ev->time_ns);
		emit_other(t, record);
		return;
	}
	make_key(key, &ev->src, ev->sport, &ev->dst, ev->dport, ev->proto, 0);
	add_probe(t, pkt, record, key);
}

void pcap_track_packet(struct pcap_track *t, const struct pcap_pkt *pkt, uint64_t record)
{
	pcap_track_advance(t, pkt->ev.time_ns);
	if (pkt->ev.flags & EVENT_FRAGMENT) {
		/* No ports to pair a reply with: report it as it is. */
		emit_now(t, pkt, record, EVENT_OUTCOME_UNKNOWN);
		return;
	}
	switch (pkt->ev.proto) {
	case IPPROTO_NUM_ICMP:
	case IPPROTO_NUM_ICMPV6:
		track_icmp(t, pkt, record);
		break;
	case IPPROTO_NUM_TCP:
		track_tcp(t, pkt, record);
		break;
	default:
		track_other(t, pkt, record);
		break;
	}
}
