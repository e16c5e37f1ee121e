/* The probe tracker on decoded packets: a TCP session is one event (the
 * SYN, open); SYN/RST is closed; ICMP errors quoting a probe make it closed
 * or unreachable; nothing within the window is no_answer; replies and
 * packets of answered flows are "other"; the table's cap evicts the oldest;
 * every packet number comes out exactly once, in a fixed order, and the
 * events in packet order, held back while an older probe waits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/addr.h"
#include "core/hash.h"
#include "parse/pcap_decode.h"

#define MS 1000000LL

struct out {
	enum parse_result r;
	uint64_t record;
	struct event ev;
	char prefix[64];
};

static struct out *outs;
static size_t n_out, cap_out;

static void collect(void *arg, struct parse_ctx *ctx, enum parse_result r, struct event *ev,
		    uint64_t record)
{
	(void)arg;
	(void)ctx;
	if (n_out == cap_out) {
		cap_out = cap_out ? 2 * cap_out : 4096;
		outs = realloc(outs, cap_out * sizeof(*outs));
		assert_non_null(outs);
	}
	struct out *o = &outs[n_out++];
	memset(o, 0, sizeof(*o));
	o->r = r;
	o->record = record;
	if (r == PARSE_EVENT) {
		assert_non_null(ev);
		o->ev = *ev;
		size_t l = ev->prefix.len < 63 ? ev->prefix.len : 63;
		if (l)
			memcpy(o->prefix, ev->prefix.ptr, l);
		o->ev.prefix.ptr = NULL;
	}
}

static struct parse_ctx ctx;
static struct pcap_track *tr;
static uint64_t next_record;

static void start(const struct pcap_track_config *cfg)
{
	n_out = 0;
	next_record = 0;
	memset(&ctx, 0, sizeof(ctx));
	tr = pcap_track_new(cfg, &ctx, collect, NULL);
}

/* Every record 1..next_record exactly once. */
static void stop(void)
{
	pcap_track_finish(tr);
	pcap_track_free(tr);
	tr = NULL;
	assert_int_equal(n_out, next_record);
	char *seen = calloc(next_record + 1, 1);
	for (size_t i = 0; i < n_out; i++) {
		assert_true(outs[i].record >= 1 && outs[i].record <= next_record);
		assert_false(seen[outs[i].record]);
		seen[outs[i].record] = 1;
	}
	free(seen);
}

static const struct out *find_record(uint64_t record)
{
	for (size_t i = 0; i < n_out; i++)
		if (outs[i].record == record)
			return &outs[i];
	fail_msg("record %llu never emitted", (unsigned long long)record);
	return NULL;
}

static size_t count_events(void)
{
	size_t n = 0;
	for (size_t i = 0; i < n_out; i++)
		n += outs[i].r == PARSE_EVENT;
	return n;
}

static void assert_event(uint64_t record, enum event_outcome o)
{
	const struct out *x = find_record(record);
	assert_int_equal(x->r, PARSE_EVENT);
	assert_int_equal(x->ev.outcome, o);
}

static void assert_other(uint64_t record)
{
	assert_int_equal(find_record(record)->r, PARSE_OTHER);
}

static struct ip_addr ip(const char *s)
{
	struct ip_addr a;
	assert_int_equal(addr_parse(s, strlen(s), &a), 0);
	return a;
}

static struct pcap_pkt base(const char *src, const char *dst, uint8_t proto, int64_t t_ms)
{
	struct pcap_pkt p;
	memset(&p, 0, sizeof(p));
	event_clear(&p.ev);
	p.ev.src = ip(src);
	p.ev.dst = ip(dst);
	p.ev.proto = proto;
	p.ev.time_ns = t_ms * MS;
	p.ev.action = EVENT_ACTION_LOG;
	p.ev.ttl = 64;
	p.ev.flags = EVENT_HAS_TIME | EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_TTL;
	return p;
}

/* Feed one packet; returns its record number. */
static uint64_t feed(const struct pcap_pkt *p)
{
	pcap_track_packet(tr, p, ++next_record);
	return next_record;
}

static uint64_t tcp(const char *src, uint16_t sp, const char *dst, uint16_t dp, uint8_t flags,
		    int64_t t_ms)
{
	struct pcap_pkt p = base(src, dst, IPPROTO_NUM_TCP, t_ms);
	p.ev.sport = sp;
	p.ev.dport = dp;
	p.ev.tcp_flags = flags;
	p.ev.window = 1024;
	p.ev.flags |= EVENT_HAS_PORTS | EVENT_HAS_TCP_FLAGS | EVENT_HAS_WINDOW;
	return feed(&p);
}

static uint64_t udp(const char *src, uint16_t sp, const char *dst, uint16_t dp, int64_t t_ms)
{
	struct pcap_pkt p = base(src, dst, IPPROTO_NUM_UDP, t_ms);
	p.ev.sport = sp;
	p.ev.dport = dp;
	p.ev.flags |= EVENT_HAS_PORTS;
	return feed(&p);
}

static uint64_t icmp(const char *src, const char *dst, uint8_t type, uint8_t code, uint16_t id,
		     uint16_t seq, int64_t t_ms)
{
	int v6 = strchr(src, ':') != NULL;
	struct pcap_pkt p = base(src, dst, v6 ? IPPROTO_NUM_ICMPV6 : IPPROTO_NUM_ICMP, t_ms);
	p.ev.icmp_type = type;
	p.ev.icmp_code = code;
	p.ev.flags |= EVENT_HAS_ICMP;
	p.icmp_id = id;
	p.icmp_seq = seq;
	return feed(&p);
}

/* An ICMP error from router `src` to `dst` quoting a packet. */
static uint64_t icmp_err(const char *src, const char *dst, uint8_t type, uint8_t code,
			 const char *qsrc, uint16_t qsp, const char *qdst, uint16_t qdp,
			 uint8_t qproto, uint8_t qicmp, int64_t t_ms)
{
	int v6 = strchr(src, ':') != NULL;
	struct pcap_pkt p = base(src, dst, v6 ? IPPROTO_NUM_ICMPV6 : IPPROTO_NUM_ICMP, t_ms);
	p.ev.icmp_type = type;
	p.ev.icmp_code = code;
	p.ev.flags |= EVENT_HAS_ICMP;
	p.has_inner = 1;
	p.inner_src = ip(qsrc);
	p.inner_dst = ip(qdst);
	p.inner_proto = qproto;
	p.inner_sport = qsp;
	p.inner_dport = qdp;
	p.inner_icmp_type = qicmp;
	return feed(&p);
}

static uint64_t proto(const char *src, const char *dst, uint8_t num, int64_t t_ms)
{
	struct pcap_pkt p = base(src, dst, num, t_ms);
	return feed(&p);
}

#define S TCP_FLAG_SYN
#define A TCP_FLAG_ACK
#define R TCP_FLAG_RST
#define F TCP_FLAG_FIN
#define P TCP_FLAG_PSH
#define U TCP_FLAG_URG

static const char *const C = "198.51.100.7", *const T = "203.0.113.5";

static void test_session_is_one_event(void **state)
{
	(void)state;
	start(NULL);
	uint64_t syn = tcp(C, 40000, T, 22, S, 0);
	tcp(T, 22, C, 40000, S | A, 1);
	tcp(C, 40000, T, 22, A, 2);
	tcp(C, 40000, T, 22, P | A, 3);
	tcp(T, 22, C, 40000, P | A, 4);
	tcp(T, 22, C, 40000, P | A, 5000); /* long after the window */
	tcp(C, 40000, T, 22, F | A, 6000);
	tcp(T, 22, C, 40000, F | A, 6001);
	tcp(C, 40000, T, 22, A, 6002);
	stop();
	assert_int_equal(count_events(), 1);
	assert_event(syn, EVENT_OUTCOME_OPEN);
	const struct out *o = find_record(syn);
	assert_int_equal(o->ev.dport, 22);
	assert_int_equal(o->ev.tcp_flags, S);
	assert_int_equal(o->ev.time_ns, 0);
	assert_int_equal(o->ev.action, EVENT_ACTION_LOG);
	assert_int_equal(o->ev.in_if.len, 0);
	assert_int_equal(o->ev.sensor.len, 0);
	/* The SYN is decided by the SYN-ACK: it comes out right then, before
	 * the SYN-ACK's own record. */
	assert_int_equal(outs[0].record, syn);
	assert_int_equal(outs[1].record, 2);
}

static void test_syn_outcomes(void **state)
{
	(void)state;
	start(NULL);
	uint64_t closed = tcp(C, 40001, T, 23, S, 0);
	uint64_t rst = tcp(T, 23, C, 40001, R | A, 1);
	uint64_t silent = tcp(C, 40001, T, 24, S, 2);
	uint64_t unreach = tcp(C, 40001, T, 25, S, 3);
	uint64_t err = icmp_err("192.0.2.254", C, 3, 13, C, 40001, T, 25, IPPROTO_NUM_TCP, 0, 4);
	/* Port unreachable for TCP is still "unreachable", not closed. */
	uint64_t unreach2 = tcp(C, 40001, T, 26, S, 5);
	icmp_err(T, C, 3, 3, C, 40001, T, 26, IPPROTO_NUM_TCP, 0, 6);
	/* Time exceeded decides nothing: the probe keeps waiting. */
	uint64_t ttl = tcp(C, 40001, T, 27, S, 7);
	icmp_err("192.0.2.254", C, 11, 0, C, 40001, T, 27, IPPROTO_NUM_TCP, 0, 8);
	uint64_t late = tcp(T, 27, C, 40001, S | A, 9);
	stop();
	assert_event(closed, EVENT_OUTCOME_CLOSED);
	assert_other(rst);
	assert_event(silent, EVENT_OUTCOME_NO_ANSWER);
	assert_event(unreach, EVENT_OUTCOME_UNREACHABLE);
	assert_other(err);
	assert_event(unreach2, EVENT_OUTCOME_UNREACHABLE);
	assert_event(ttl, EVENT_OUTCOME_OPEN);
	assert_other(late);
	assert_int_equal(count_events(), 5);
}

static void test_window_expiry_order(void **state)
{
	(void)state;
	struct pcap_track_config cfg;
	pcap_track_config_defaults(&cfg);
	assert_int_equal(cfg.window_ns, 3000 * MS);
	start(&cfg);
	uint64_t a = tcp(C, 1, T, 80, S, 0);
	uint64_t b = tcp(C, 1, T, 81, S, 1000);
	/* 3.001 s after a: a expires (strictly more than the window), b
	 * does not; then the answer for b arrives in time. */
	uint64_t c = udp(C, 5, T, 53, 3001);
	assert_int_equal(n_out, 1);
	assert_int_equal(outs[0].record, a);
	assert_int_equal(outs[0].ev.outcome, EVENT_OUTCOME_NO_ANSWER);
	tcp(T, 81, C, 1, S | A, 3900);
	assert_int_equal(outs[1].record, b);
	assert_int_equal(outs[1].ev.outcome, EVENT_OUTCOME_OPEN);
	/* A late answer to a: a reply without a probe, so "other". */
	uint64_t late = tcp(T, 80, C, 1, S | A, 3950);
	/* Time passing on a non-IP packet also expires probes. */
	pcap_track_advance(tr, 10000 * MS);
	assert_int_equal(outs[n_out - 1].record, c);
	assert_int_equal(outs[n_out - 1].ev.outcome, EVENT_OUTCOME_NO_ANSWER);
	stop();
	assert_other(late);
	/* Exactly at the window's end a probe still waits. */
	start(&cfg);
	a = tcp(C, 1, T, 80, S, 0);
	tcp(T, 80, C, 1, R | A, 3000);
	stop();
	assert_event(a, EVENT_OUTCOME_CLOSED);
}

static void test_flag_probes(void **state)
{
	(void)state;
	start(NULL);
	uint64_t fin = tcp(C, 2, T, 80, F, 0);
	uint64_t null = tcp(C, 2, T, 81, 0, 1);
	uint64_t xmas = tcp(C, 2, T, 82, F | P | U, 2);
	uint64_t ack = tcp(C, 2, T, 83, A, 3);
	uint64_t maimon = tcp(C, 2, T, 84, F | A, 4);
	tcp(T, 80, C, 2, R | A, 5);
	tcp(T, 82, C, 2, R | A, 6);
	tcp(T, 83, C, 2, R, 7);
	stop();
	assert_event(fin, EVENT_OUTCOME_CLOSED);
	assert_event(null, EVENT_OUTCOME_NO_ANSWER);
	assert_event(xmas, EVENT_OUTCOME_CLOSED);
	assert_event(ack, EVENT_OUTCOME_CLOSED);
	assert_event(maimon, EVENT_OUTCOME_NO_ANSWER);
	assert_int_equal(find_record(null)->ev.tcp_flags, 0);
	assert_int_equal(find_record(xmas)->ev.tcp_flags, F | P | U);
	assert_int_equal(count_events(), 5);
}

static void test_mid_session_capture(void **state)
{
	(void)state;
	/* A capture that starts inside an SSH session: data both ways, no
	 * SYN. Nothing here is a probe. */
	start(NULL);
	tcp(T, 22, C, 38721, P | A, 0);
	tcp(T, 22, C, 38721, P | A, 1); /* more before any answer */
	tcp(C, 38721, T, 22, P | A, 8);
	tcp(C, 38721, T, 22, A, 9);
	tcp(T, 22, C, 38721, P | A, 10);
	stop();
	assert_int_equal(count_events(), 0);
	/* A session seen one way only (asymmetric routing) is one event per
	 * window, not one per packet. */
	start(NULL);
	uint64_t first = tcp(T, 22, C, 38721, P | A, 0);
	for (int i = 1; i < 20; i++)
		tcp(T, 22, C, 38721, P | A, i * 100);
	stop();
	assert_int_equal(count_events(), 1);
	assert_event(first, EVENT_OUTCOME_NO_ANSWER);
}

static void test_unmatched_replies(void **state)
{
	(void)state;
	start(NULL);
	/* Backscatter: answers to packets never captured. */
	uint64_t sa = tcp(T, 80, C, 5555, S | A, 0);
	uint64_t rst = tcp(T, 80, C, 5556, R, 1);
	uint64_t er = icmp(T, C, 0, 0, 1, 1, 2);
	uint64_t un = icmp_err(T, C, 3, 3, C, 1, T, 2, IPPROTO_NUM_UDP, 0, 3);
	stop();
	assert_other(sa);
	assert_other(rst);
	assert_other(er);
	assert_other(un);
	assert_int_equal(count_events(), 0);
}

static void test_udp(void **state)
{
	(void)state;
	start(NULL);
	uint64_t open = udp(C, 33000, T, 53, 0);
	uint64_t reply = udp(T, 53, C, 33000, 1);
	uint64_t again = udp(C, 33000, T, 53, 2); /* same flow: other */
	uint64_t closed = udp(C, 33000, T, 161, 3);
	icmp_err(T, C, 3, 3, C, 33000, T, 161, IPPROTO_NUM_UDP, 0, 4);
	uint64_t unreach = udp(C, 33000, T, 162, 5);
	icmp_err("192.0.2.1", C, 3, 1, C, 33000, T, 162, IPPROTO_NUM_UDP, 0, 6);
	uint64_t filtered = udp(C, 33000, T, 69, 7);
	/* A stray datagram (a DNS answer without its question). */
	uint64_t stray = udp(T, 53, C, 44444, 8);
	stop();
	assert_event(open, EVENT_OUTCOME_OPEN);
	assert_other(reply);
	assert_other(again);
	assert_event(closed, EVENT_OUTCOME_CLOSED);
	assert_event(unreach, EVENT_OUTCOME_UNREACHABLE);
	assert_event(filtered, EVENT_OUTCOME_NO_ANSWER);
	assert_event(stray, EVENT_OUTCOME_NO_ANSWER);
	assert_int_equal(find_record(stray)->ev.sport, 53);
}

static void test_icmp_probes(void **state)
{
	(void)state;
	start(NULL);
	uint64_t echo = icmp(C, T, 8, 0, 77, 1, 0);
	uint64_t reply = icmp(T, C, 0, 0, 77, 1, 1);
	uint64_t echo2 = icmp(C, T, 8, 0, 77, 2, 2);   /* same id, next seq */
	uint64_t wrong = icmp(T, C, 0, 0, 77, 9, 3);   /* answers nothing */
	uint64_t ts = icmp(C, T, 13, 0, 77, 1, 4);
	icmp(T, C, 14, 0, 77, 1, 5);
	uint64_t mask = icmp(C, T, 17, 0, 77, 1, 6);
	uint64_t sweep = icmp(C, "203.0.113.6", 8, 0, 78, 1, 7);
	icmp_err("192.0.2.254", C, 3, 1, C, 78, "203.0.113.6", 1, IPPROTO_NUM_ICMP, 8, 8);
	uint64_t redirect = icmp("192.0.2.254", C, 5, 1, 0, 0, 9);
	uint64_t radv = icmp("192.0.2.254", C, 9, 0, 0, 0, 10);
	stop();
	assert_event(echo, EVENT_OUTCOME_OPEN);
	assert_other(reply);
	assert_event(echo2, EVENT_OUTCOME_NO_ANSWER);
	assert_other(wrong);
	assert_event(ts, EVENT_OUTCOME_OPEN);
	assert_event(mask, EVENT_OUTCOME_NO_ANSWER);
	assert_event(sweep, EVENT_OUTCOME_UNREACHABLE);
	assert_other(redirect);
	/* Unpairable messages are events without outcome. */
	assert_event(radv, EVENT_OUTCOME_UNKNOWN);
	assert_int_equal(find_record(ts)->ev.icmp_type, 13);
}

static void test_ipv6(void **state)
{
	(void)state;
	const char *c6 = "2001:db8::7", *t6 = "2001:db8:1::5";
	start(NULL);
	uint64_t echo = icmp(c6, t6, 128, 0, 1, 1, 0);
	icmp(t6, c6, 129, 0, 1, 1, 1);
	uint64_t closed = udp(c6, 500, t6, 500, 2);
	icmp_err(t6, c6, 1, 4, c6, 500, t6, 500, IPPROTO_NUM_UDP, 0, 3);
	uint64_t admin = tcp(c6, 600, t6, 443, S, 4);
	icmp_err(t6, c6, 1, 1, c6, 600, t6, 443, IPPROTO_NUM_TCP, 0, 5);
	uint64_t ns = icmp(c6, "ff02::1:ff00:5", 135, 0, 0, 0, 6);
	uint64_t ra = icmp("fe80::1", "ff02::1", 134, 0, 0, 0, 7);
	uint64_t pr = proto(c6, t6, 253, 8);
	icmp_err(t6, c6, 4, 1, c6, 0, t6, 0, 253, 0, 9);
	stop();
	assert_event(echo, EVENT_OUTCOME_OPEN);
	assert_event(closed, EVENT_OUTCOME_CLOSED);
	assert_event(admin, EVENT_OUTCOME_UNREACHABLE);
	assert_other(ns);
	assert_other(ra);
	assert_event(pr, EVENT_OUTCOME_CLOSED);
}

static void test_other_protocols(void **state)
{
	(void)state;
	start(NULL);
	uint64_t gre = proto(C, T, 47, 0);
	uint64_t back = proto(T, C, 47, 1);
	uint64_t more = proto(C, T, 47, 2);
	uint64_t sctp = proto(C, T, 241, 3);
	icmp_err(T, C, 3, 2, C, 0, T, 0, 241, 0, 4);
	uint64_t esp = proto(C, T, IPPROTO_NUM_ESP, 5);
	stop();
	assert_event(gre, EVENT_OUTCOME_OPEN);
	assert_other(back);
	assert_other(more);
	assert_event(sctp, EVENT_OUTCOME_CLOSED);
	assert_event(esp, EVENT_OUTCOME_NO_ANSWER);
}

static void test_fragments(void **state)
{
	(void)state;
	start(NULL);
	struct pcap_pkt p = base(C, T, IPPROTO_NUM_UDP, 0);
	p.ev.flags |= EVENT_FRAGMENT;
	uint64_t r = feed(&p);
	assert_int_equal(n_out, 1); /* at once: nothing to wait for */
	stop();
	assert_event(r, EVENT_OUTCOME_UNKNOWN);
	assert_true(find_record(r)->ev.flags & EVENT_FRAGMENT);
}

static void test_retransmission(void **state)
{
	(void)state;
	start(NULL);
	uint64_t first = tcp(C, 40000, T, 443, S, 0);
	uint64_t second = tcp(C, 40000, T, 443, S, 1000);
	tcp(T, 443, C, 40000, S | A, 1001);
	uint64_t fin1 = tcp(C, 40000, T, 444, F, 1100);
	uint64_t fin2 = tcp(C, 40000, T, 444, F, 1200);
	struct pcap_track_stats st;
	pcap_track_get_stats(tr, &st);
	assert_int_equal(st.superseded, 2);
	stop();
	assert_event(first, EVENT_OUTCOME_NO_ANSWER);
	assert_event(second, EVENT_OUTCOME_OPEN);
	assert_event(fin1, EVENT_OUTCOME_NO_ANSWER);
	assert_event(fin2, EVENT_OUTCOME_NO_ANSWER);
}

static void test_cap_evicts_oldest(void **state)
{
	(void)state;
	struct pcap_track_config cfg;
	pcap_track_config_defaults(&cfg);
	cfg.max_pending = 4;
	start(&cfg);
	for (int i = 0; i < 10; i++)
		tcp(C, 1, T, (uint16_t)(1000 + i), S, i);
	struct pcap_track_stats st;
	pcap_track_get_stats(tr, &st);
	assert_int_equal(st.evicted, 6);
	assert_int_equal(st.probes, 10);
	assert_int_equal(n_out, 6);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(outs[i].record, i + 1);
	/* A reply for an evicted probe is just a reply now. */
	uint64_t late = tcp(T, 1000, C, 1, S | A, 11);
	uint64_t live = tcp(T, 1009, C, 1, S | A, 12);
	stop();
	assert_other(late);
	assert_event(10, EVENT_OUTCOME_OPEN);
	(void)live;
	for (uint64_t r = 1; r <= 9; r++)
		assert_event(r, EVENT_OUTCOME_NO_ANSWER);
	/* At the end, the rest in packet order: 10, answered, was held
	 * back behind 7-9. */
	for (uint64_t r = 7; r <= 10; r++)
		assert_int_equal(outs[n_out - 11 + r].record, r);
}

/* The events of probes decided out of turn (a reset answers at once, a
 * filtered port is silent for the window) are held back until the older
 * probe is decided, and then go out in packet order. */
static void test_events_in_packet_order(void **state)
{
	(void)state;
	start(NULL);
	uint64_t first = tcp(C, 1, T, 80, S, 0); /* never answered */
	uint64_t probe[3];
	for (int i = 0; i < 3; i++) {
		probe[i] = tcp(C, 1, T, (uint16_t)(81 + i), S, 1 + 2 * i);
		tcp(T, (uint16_t)(81 + i), C, 1, R | A, 2 + 2 * i);
	}
	assert_int_equal(count_events(), 0); /* all three behind the first */
	uint64_t last = tcp(C, 2, T, 90, S, 10000); /* past the window: first decided */
	assert_int_equal(count_events(), 4);
	stop();
	assert_event(first, EVENT_OUTCOME_NO_ANSWER);
	for (int i = 0; i < 3; i++)
		assert_event(probe[i], EVENT_OUTCOME_CLOSED);
	assert_event(last, EVENT_OUTCOME_NO_ANSWER);
	uint64_t prev = 0;
	for (size_t i = 0; i < n_out; i++)
		if (outs[i].r == PARSE_EVENT) {
			assert_true(outs[i].record > prev);
			prev = outs[i].record;
		}
	/* an event rebuilt from the hold is the packet's own */
	const struct out *o = find_record(probe[1]);
	assert_int_equal(o->ev.dport, 82);
	assert_int_equal(o->ev.tcp_flags, S);
	assert_int_equal(o->ev.window, 1024);
	assert_int_equal(o->ev.time_ns, 3 * MS);
	assert_int_equal(o->ev.count, 1);
}

/* Events that wait for no reply (a fragment, an ARP request given with
 * pcap_track_event) are held behind an older waiting probe too, their
 * NFLOG prefix kept while they wait. */
static void test_unpaired_events_in_order(void **state)
{
	(void)state;
	start(NULL);
	uint64_t first = tcp(C, 1, T, 80, S, 0); /* never answered */
	char buf[16];
	memcpy(buf, "FRAG-LOG", 8);
	struct pcap_pkt p = base(C, T, IPPROTO_NUM_UDP, 10);
	p.ev.flags |= EVENT_FRAGMENT;
	p.ev.prefix.ptr = buf;
	p.ev.prefix.len = 8;
	uint64_t frag = feed(&p);
	memset(buf, 'x', sizeof(buf)); /* the packet's bytes are gone */
	struct pcap_pkt a = base("192.0.2.7", "192.0.2.9", EVENT_PROTO_ARP, 20);
	a.ev.flags |= EVENT_ARP;
	a.ev.icmp_type = 1;
	uint64_t arp = ++next_record;
	pcap_track_event(tr, &a, arp);
	assert_int_equal(count_events(), 0); /* both behind the first */
	stop();
	assert_int_equal(outs[0].record, first);
	assert_int_equal(outs[1].record, frag);
	assert_int_equal(outs[2].record, arp);
	assert_string_equal(find_record(frag)->prefix, "FRAG-LOG");
	assert_true(find_record(frag)->ev.flags & EVENT_FRAGMENT);
	const struct out *o = find_record(arp);
	assert_true(o->ev.flags & EVENT_ARP);
	assert_int_equal(o->ev.proto, EVENT_PROTO_ARP);
	assert_int_equal(o->ev.icmp_type, 1);
	assert_int_equal(o->ev.time_ns, 20 * MS);
}

/* The hold is bounded: past PCAP_TRACK_HOLD_MAX events the earliest held
 * goes out before the older probe is decided, and is counted. */
static void test_hold_is_bounded(void **state)
{
	(void)state;
	start(NULL);
	uint64_t first = tcp(C, 1, T, 80, S, 0);
	const size_t n = PCAP_TRACK_HOLD_MAX + 3;
	uint64_t r0 = 0;
	for (size_t i = 0; i < n; i++) {
		uint16_t sp = (uint16_t)(2 + i % 60000), dp = (uint16_t)(100 + i / 60000);
		uint64_t r = tcp(C, sp, T, dp, S, 1);
		tcp(T, dp, C, sp, R | A, 1);
		if (i == 0)
			r0 = r;
	}
	struct pcap_track_stats st;
	pcap_track_get_stats(tr, &st);
	assert_int_equal(st.held_over, 3);
	assert_int_equal(count_events(), 3);
	stop();
	assert_int_equal(count_events(), n + 1);
	/* out of turn: the three earliest held, then the first, then the
	 * rest in order */
	size_t k = 0;
	uint64_t want[4] = {r0, r0 + 2, r0 + 4, first};
	for (size_t i = 0; i < n_out && k < 4; i++)
		if (outs[i].r == PARSE_EVENT)
			assert_int_equal(outs[i].record, want[k++]);
	uint64_t prev = 0;
	for (size_t i = 0, e = 0; i < n_out; i++)
		if (outs[i].r == PARSE_EVENT && ++e > 4) {
			assert_true(outs[i].record > prev);
			prev = outs[i].record;
		}
}

/* With the hold full, an event older than every held one is the one that
 * goes out of turn, not the earliest held. */
static void test_hold_full_sends_the_earliest(void **state)
{
	(void)state;
	start(NULL);
	uint64_t a = tcp(C, 1, T, 80, S, 0); /* waits to the end */
	uint64_t b = tcp(C, 1, T, 81, S, 0); /* answered once the hold is full */
	for (size_t i = 0; i < PCAP_TRACK_HOLD_MAX; i++) {
		uint16_t sp = (uint16_t)(2 + i % 60000), dp = (uint16_t)(100 + i / 60000);
		tcp(C, sp, T, dp, S, 1);
		tcp(T, dp, C, sp, R | A, 1);
	}
	assert_int_equal(count_events(), 0);
	tcp(T, 81, C, 1, R | A, 2);
	struct pcap_track_stats st;
	pcap_track_get_stats(tr, &st);
	assert_int_equal(st.held_over, 1);
	assert_int_equal(count_events(), 1);
	stop();
	size_t k = 0;
	uint64_t prev = 0;
	for (size_t i = 0; i < n_out; i++) {
		if (outs[i].r != PARSE_EVENT)
			continue;
		if (k == 0)
			assert_int_equal(outs[i].record, b);
		else if (k == 1)
			assert_int_equal(outs[i].record, a);
		else
			assert_true(outs[i].record > prev);
		prev = outs[i].record;
		k++;
	}
	assert_int_equal(k, PCAP_TRACK_HOLD_MAX + 2);
	assert_event(b, EVENT_OUTCOME_CLOSED);
}

static void test_flow_idle_and_cap(void **state)
{
	(void)state;
	struct pcap_track_config cfg;
	pcap_track_config_defaults(&cfg);
	cfg.flow_idle_ns = 60000 * MS;
	cfg.max_flows = 2;
	start(&cfg);
	tcp(C, 1, T, 80, S, 0);
	tcp(T, 80, C, 1, S | A, 1);
	/* Idle longer than flow_idle_ns: the flow is forgotten, so its next
	 * packet is a lone ACK again. */
	uint64_t stale = tcp(C, 1, T, 80, A, 70000);
	tcp(T, 80, C, 1, R, 70001);
	/* Three answered flows with room for two: the idlest goes. */
	for (uint16_t p = 2; p <= 4; p++) {
		tcp(C, p, T, 80, S, 80000 + p);
		tcp(T, 80, C, p, S | A, 80000 + p);
	}
	struct pcap_track_stats st;
	pcap_track_get_stats(tr, &st);
	assert_int_equal(st.flows_evicted, 1);
	uint64_t forgotten = tcp(C, 2, T, 80, P | A, 80010);
	uint64_t kept = tcp(C, 4, T, 80, P | A, 80011);
	stop();
	assert_event(stale, EVENT_OUTCOME_CLOSED);
	assert_event(forgotten, EVENT_OUTCOME_NO_ANSWER);
	assert_other(kept);
}

static void test_new_connection_on_old_tuple(void **state)
{
	(void)state;
	start(NULL);
	uint64_t a = tcp(C, 7, T, 80, S, 0);
	tcp(T, 80, C, 7, S | A, 1);
	tcp(C, 7, T, 80, R, 2);
	uint64_t b = tcp(C, 7, T, 80, S, 10);
	tcp(T, 80, C, 7, R | A, 11);
	stop();
	assert_event(a, EVENT_OUTCOME_OPEN);
	assert_event(b, EVENT_OUTCOME_CLOSED);
	assert_int_equal(count_events(), 2);
}

static void test_prefix_survives_wait(void **state)
{
	(void)state;
	start(NULL);
	char buf[32];
	memcpy(buf, "NFLOG-DROP", 10);
	struct pcap_pkt p = base(C, T, IPPROTO_NUM_TCP, 0);
	p.ev.dport = 3389;
	p.ev.tcp_flags = S;
	p.ev.prefix.ptr = buf;
	p.ev.prefix.len = 10;
	uint64_t r = feed(&p);
	memset(buf, 'x', sizeof(buf)); /* the packet's bytes are gone */
	stop();
	assert_event(r, EVENT_OUTCOME_NO_ANSWER);
	assert_string_equal(find_record(r)->prefix, "NFLOG-DROP");
}

/* The same packets twice (with a different hash key) give the same
 * output, record for record. */
static void test_deterministic(void **state)
{
	(void)state;
	struct out *first = NULL;
	size_t n_first = 0;
	for (int round = 0; round < 2; round++) {
		hash_set_key(round ? 0x1234 : 99, round ? 0x5678 : 7);
		start(NULL);
		for (int i = 0; i < 200; i++) {
			tcp(C, (uint16_t)(i % 7), T, (uint16_t)(i % 13), S, i * 50);
			if (i % 3 == 0)
				tcp(T, (uint16_t)(i % 13), C, (uint16_t)(i % 7), R | A, i * 50 + 1);
			if (i % 5 == 0)
				udp(C, 9, T, (uint16_t)i, i * 50 + 2);
		}
		stop();
		if (round == 0) {
			first = malloc(sizeof(outs[0]) * n_out);
			assert_non_null(first);
			memcpy(first, outs, sizeof(outs[0]) * n_out);
			n_first = n_out;
		} else {
			assert_int_equal(n_out, n_first);
			for (size_t i = 0; i < n_out; i++) {
				assert_int_equal(outs[i].record, first[i].record);
				assert_int_equal(outs[i].r, first[i].r);
				assert_int_equal(outs[i].ev.outcome, first[i].ev.outcome);
			}
		}
	}
	free(first);
}

int main(void)
{
	hash_set_key(1, 2);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_is_one_event),
		cmocka_unit_test(test_syn_outcomes),
		cmocka_unit_test(test_window_expiry_order),
		cmocka_unit_test(test_flag_probes),
		cmocka_unit_test(test_mid_session_capture),
		cmocka_unit_test(test_unmatched_replies),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_icmp_probes),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_other_protocols),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_retransmission),
		cmocka_unit_test(test_cap_evicts_oldest),
		cmocka_unit_test(test_events_in_packet_order),
		cmocka_unit_test(test_hold_is_bounded),
		cmocka_unit_test(test_hold_full_sends_the_earliest),
		cmocka_unit_test(test_unpaired_events_in_order),
		cmocka_unit_test(test_flow_idle_and_cap),
		cmocka_unit_test(test_new_connection_on_old_tuple),
		cmocka_unit_test(test_prefix_survives_wait),
		cmocka_unit_test(test_deterministic),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	free(outs);
	return failed;
}
