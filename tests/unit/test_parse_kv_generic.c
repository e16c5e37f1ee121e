/* The generic "kv" parser on NETGEAR router logs, UniFi lines and the
 * key=value / phrase shapes of tests/data/kv (see ORIGINS.md): the alias
 * table, phrases, counts, what it must leave alone, truncation, zones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "core/event.h"
#include "core/timeconv.h"
#include "parse/formats.h"
#include "parse/syslog_header.h"

/* WANT() sets every "not checked" default, then the fields named: the
 * second initialisation is the point, not a mistake. */
#pragma GCC diagnostic ignored "-Woverride-init"

#define REF_2023_06_01 1685577600LL /* 2023-06-01T00:00:00Z: BSD stamps' year */
#define NONE (-1)

/* A fixture's lines (without newlines), loaded whole. */
struct fixture {
	char *buf;
	const char *line[1024];
	size_t len[1024];
	size_t n;
};

static void fixture_load(struct fixture *f, const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, rel);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	long size = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	f->buf = malloc((size_t)size + 1);
	assert_non_null(f->buf);
	assert_int_equal(fread(f->buf, 1, (size_t)size, fp), (size_t)size);
	fclose(fp);
	f->buf[size] = '\0';
	f->n = 0;
	char *p = f->buf, *end = f->buf + size;
	while (p < end && f->n < 1024) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *e = nl ? nl : end;
		f->line[f->n] = p;
		f->len[f->n] = (size_t)(e - p);
		f->n++;
		p = nl ? nl + 1 : end;
	}
}

static void fixture_free(struct fixture *f)
{
	free(f->buf);
	f->buf = NULL;
}

/* Line n (1-based) of a fixture. */
static const char *fixture_line(const char *rel, size_t n, size_t *len)
{
	static struct fixture cache[4];
	static char names[4][128];
	static int next;
	struct fixture *f = NULL;
	for (int i = 0; i < 4; i++)
		if (cache[i].buf && strcmp(names[i], rel) == 0)
			f = &cache[i];
	if (!f) {
		int slot = next++ % 4;
		fixture_free(&cache[slot]);
		fixture_load(&cache[slot], rel);
		snprintf(names[slot], sizeof(names[slot]), "%s", rel);
		f = &cache[slot];
	}
	if (n < 1 || n > f->n)
		fail_msg("%s has no line %zu", rel, n);
	*len = f->len[n - 1];
	return f->line[n - 1];
}

/* What an event must hold. Strings: NULL means "must be empty" for time,
 * src, dst, prefix, in, out and sensor, "not checked" for detail and user;
 * numbers: NONE means not checked (ports: NONE means no ports). */
struct want {
	const char *time, *src, *dst, *prefix, *in, *out, *sensor, *detail, *user;
	int sport, dport, proto, action, tcp_flags, icmp_type, icmp_code;
	int ttl, ip_len, ip_id, window, mss, seq, count, outcome;
	uint32_t flags; /* these flags must be set too */
};

#define WANT(...) ((struct want){.sport = NONE, .dport = NONE, .proto = NONE, .action = NONE, \
	.tcp_flags = NONE, .icmp_type = NONE, .icmp_code = NONE, .ttl = NONE, .ip_len = NONE, \
	.ip_id = NONE, .window = NONE, .mss = NONE, .seq = NONE, .count = NONE,            \
	.outcome = NONE, __VA_ARGS__})

static void slice_is(const char *what, struct slice s, const char *want, int strict)
{
	if (!want) {
		if (strict && s.len)
			fail_msg("%s: want empty, got \"%.*s\"", what, (int)s.len, s.ptr);
		return;
	}
	if (s.len != strlen(want) || memcmp(s.ptr, want, s.len) != 0)
		fail_msg("%s: want \"%s\", got \"%.*s\"", what, want, (int)s.len, s.ptr ? s.ptr : "");
}

static void addr_is(const char *what, const struct event *ev, uint32_t flag,
		    const struct ip_addr *a, const char *want)
{
	char buf[ADDR_STRLEN];
	if (!want) {
		if (ev->flags & flag)
			fail_msg("%s: want none, got %s", what, addr_format(a, buf));
		return;
	}
	if (!(ev->flags & flag))
		fail_msg("%s: want %s, got none", what, want);
	if (strcmp(addr_format(a, buf), want) != 0)
		fail_msg("%s: want %s, got %s", what, want, buf);
}

static void num_is(const char *what, int want, long got, int have)
{
	if (want == NONE)
		return;
	if (!have)
		fail_msg("%s: want %d, flag not set", what, want);
	if (got != want)
		fail_msg("%s: want %d, got %ld", what, want, got);
}

static void event_is(const struct event *ev, const struct want *w)
{
	char tb[48];
	if (w->time) {
		if (!(ev->flags & EVENT_HAS_TIME))
			fail_msg("time: want %s, got none", w->time);
		if (strcmp(time_format_rfc3339_utc(ev->time_ns, tb), w->time) != 0)
			fail_msg("time: want %s, got %s", w->time, tb);
	} else if (ev->flags & EVENT_HAS_TIME) {
		fail_msg("time: want none, got %s", time_format_rfc3339_utc(ev->time_ns, tb));
	}
	addr_is("src", ev, EVENT_HAS_SRC, &ev->src, w->src);
	addr_is("dst", ev, EVENT_HAS_DST, &ev->dst, w->dst);
	if (w->sport == NONE) {
		if (ev->flags & EVENT_HAS_PORTS)
			fail_msg("ports: want none, got %u > %u", ev->sport, ev->dport);
	} else {
		num_is("sport", w->sport, ev->sport, !!(ev->flags & EVENT_HAS_PORTS));
		num_is("dport", w->dport, ev->dport, !!(ev->flags & EVENT_HAS_PORTS));
	}
	num_is("proto", w->proto, ev->proto, 1);
	num_is("action", w->action, ev->action, 1);
	num_is("tcp_flags", w->tcp_flags, ev->tcp_flags, !!(ev->flags & EVENT_HAS_TCP_FLAGS));
	num_is("icmp_type", w->icmp_type, ev->icmp_type, !!(ev->flags & EVENT_HAS_ICMP));
	num_is("icmp_code", w->icmp_code, ev->icmp_code, !!(ev->flags & EVENT_HAS_ICMP));
	num_is("ttl", w->ttl, ev->ttl, !!(ev->flags & EVENT_HAS_TTL));
	num_is("ip_len", w->ip_len, (long)ev->ip_len, !!(ev->flags & EVENT_HAS_LEN));
	num_is("ip_id", w->ip_id, (long)ev->ip_id, !!(ev->flags & EVENT_HAS_IP_ID));
	num_is("window", w->window, ev->window, !!(ev->flags & EVENT_HAS_WINDOW));
	num_is("mss", w->mss, ev->mss, !!(ev->flags & EVENT_HAS_MSS));
	num_is("seq", w->seq, (long)ev->tcp_seq, !!(ev->flags & EVENT_HAS_SEQ));
	num_is("count", w->count, (long)ev->count, 1);
	num_is("outcome", w->outcome, ev->outcome, 1);
	if ((ev->flags & w->flags) != w->flags)
		fail_msg("flags: want 0x%x set, got 0x%x", w->flags, ev->flags);
	slice_is("prefix", ev->prefix, w->prefix, 1);
	slice_is("in_if", ev->in_if, w->in, 1);
	slice_is("out_if", ev->out_if, w->out, 1);
	slice_is("sensor", ev->sensor, w->sensor, 1);
	slice_is("detail", ev->detail, w->detail, 0);
	slice_is("user", ev->user, w->user, 0);
}

/* Parse one line with a fresh context (and per-file state if the parser
 * has one); state may be passed in to carry a header across lines. */
static enum parse_result parse_with(const struct parser *p, void *state, const char *line,
				    size_t len, struct event *ev, const char **reason)
{
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, REF_2023_06_01, 0, NULL);
	ctx.state = state;
	event_clear(ev);
	enum parse_result r = p->parse_line(&ctx, line, len, ev);
	if (reason)
		*reason = ctx.reason;
	if (r == PARSE_MALFORMED && !ctx.reason)
		fail_msg("malformed without a reason: %.*s", (int)len, line);
	return r;
}

/* Line n of a fixture must give this event. */
static void expect_line(const struct parser *p, const char *rel, size_t n, const struct want *w)
{
	size_t len;
	const char *line = fixture_line(rel, n, &len);
	struct event ev;
	const char *reason = NULL;
	enum parse_result r = parse_with(p, NULL, line, len, &ev, &reason);
	if (r != PARSE_EVENT)
		fail_msg("%s:%zu: result %d (%s)", rel, n, r, reason ? reason : "");
	event_is(&ev, w);
}

__attribute__((unused)) static void expect_result(const struct parser *p, const char *rel, size_t n,
			  enum parse_result want)
{
	size_t len;
	const char *line = fixture_line(rel, n, &len);
	struct event ev;
	enum parse_result r = parse_with(p, NULL, line, len, &ev, NULL);
	if (r != want)
		fail_msg("%s:%zu: want result %d, got %d", rel, n, want, r);
}

/* Every line of a fixture, in order with one per-file state: how many
 * of each result. */
static void expect_counts(const struct parser *p, const char *rel, size_t events, size_t other,
			  size_t malformed, size_t unknown)
{
	struct fixture f;
	fixture_load(&f, rel);
	size_t got[4] = {0, 0, 0, 0};
	void *state = p->state_size ? calloc(1, p->state_size) : NULL;
	for (size_t i = 0; i < f.n; i++) {
		if (f.len[i] == 0)
			continue; /* the pipeline never hands a parser a blank line */
		struct event ev;
		got[parse_with(p, state, f.line[i], f.len[i], &ev, NULL)]++;
	}
	if (p->state_fini)
		p->state_fini(state);
	free(state);
	fixture_free(&f);
	if (got[PARSE_EVENT] != events || got[PARSE_OTHER] != other ||
	    got[PARSE_MALFORMED] != malformed || got[PARSE_UNKNOWN] != unknown)
		fail_msg("%s: events/other/malformed/unknown want %zu/%zu/%zu/%zu got "
			 "%zu/%zu/%zu/%zu",
			 rel, events, other, malformed, unknown, got[0], got[1], got[2], got[3]);
}

/* Every prefix of every line of a fixture, each in a buffer of exactly
 * that size (so a sanitizer build catches any read past it): no crash,
 * a known result, a reason when malformed; detect() as well. */
static void truncate_all(const struct parser *p, const char *rel)
{
	struct fixture f;
	fixture_load(&f, rel);
	for (size_t i = 0; i < f.n; i++) {
		for (size_t cut = 0; cut <= f.len[i]; cut++) {
			char *copy = malloc(cut ? cut : 1);
			assert_non_null(copy);
			memcpy(copy, f.line[i], cut);
			struct event ev;
			void *state = p->state_size ? calloc(1, p->state_size) : NULL;
			enum parse_result r = parse_with(p, state, copy, cut, &ev, NULL);
			assert_true(r <= PARSE_UNKNOWN);
			(void)p->detect(copy, cut);
			if (p->state_fini)
				p->state_fini(state);
			free(state);
			free(copy);
		}
	}
	fixture_free(&f);
}

static const struct parser *P = &parser_kv_generic;

static void test_netgear(void **state)
{
	(void)state;
	const char *f = "kv/netgear-klauern.log";
	/* the port is the source's; the router's own address is not logged */
	struct want synack = WANT(.time = "2016-02-22T18:10:18Z", .src = "37.59.134.139",
				  .proto = IPPROTO_NUM_TCP, .action = EVENT_ACTION_DROP,
				  .tcp_flags = TCP_FLAG_SYN | TCP_FLAG_ACK,
				  .prefix = "DoS Attack: SYN/ACK Scan");
	expect_line(P, f, 8, &synack);
	struct want chargen = WANT(.time = "2016-02-22T17:46:56Z", .src = "185.94.111.1",
				   .proto = 0, .action = EVENT_ACTION_DROP,
				   .prefix = "DoS Attack: TCP/UDP Chargen");
	expect_line(P, f, 9, &chargen);
	struct want rst = WANT(.time = "2016-02-22T16:46:16Z", .src = "167.114.119.146",
			       .proto = IPPROTO_NUM_TCP, .tcp_flags = TCP_FLAG_RST,
			       .action = EVENT_ACTION_DROP, .prefix = "DoS Attack: RST Scan");
	expect_line(P, f, 12, &rst);
	struct want lan = WANT(.time = "2016-02-22T13:11:37Z", .src = "80.82.79.104",
			       .dst = "192.168.1.9", .sport = 46589, .dport = 8080,
			       .action = EVENT_ACTION_ACCEPT, .prefix = "LAN access from remote");
	expect_line(P, f, 28, &lan);
	expect_result(P, f, 1, PARSE_OTHER); /* email failed */
	expect_result(P, f, 2, PARSE_OTHER); /* site allowed: no destination */
	expect_result(P, f, 4, PARSE_OTHER); /* DHCP */
	const char *n = "kv/netgear-n6400.log";
	struct want fin = WANT(.time = "2021-04-26T11:20:24Z", .src = "151.101.186.133",
			       .proto = IPPROTO_NUM_TCP, .tcp_flags = TCP_FLAG_FIN,
			       .action = EVENT_ACTION_DROP, .count = 1,
			       .prefix = "DoS attack: FIN Scan");
	expect_line(P, n, 8, &fin);
	struct want lan2 = WANT(.time = "2021-05-07T00:37:22Z", .src = "11.22.33.123",
				.dst = "10.100.0.100", .sport = 40216, .dport = 59018,
				.action = EVENT_ACTION_ACCEPT, .prefix = "LAN access from remote");
	expect_line(P, n, 2, &lan2);
	/* the repeat count */
	const char *storm = "[DoS attack: STORM] (3) attack packets in last 20 sec from ip "
			    "[68.86.184.146], Wednesday, Jan 01,2020 00:07:27";
	struct event ev;
	assert_int_equal(parse_with(P, NULL, storm, strlen(storm), &ev, NULL), PARSE_EVENT);
	struct want s = WANT(.time = "2020-01-01T00:07:27Z", .src = "68.86.184.146",
			     .action = EVENT_ACTION_DROP, .count = 3, .prefix = "DoS attack: STORM");
	event_is(&ev, &s);
}

static void test_kv_lines(void **state)
{
	(void)state;
	const char *f = "kv/kv-documented.log";
	struct want dlink = WANT(.time = "2010-11-10T18:00:24Z", .src = "198.51.100.7",
				 .dst = "203.0.113.10", .sport = 40245, .dport = 8080,
				 .proto = IPPROTO_NUM_TCP, .action = EVENT_ACTION_DROP,
				 .prefix = "Unrecognized attempt blocked");
	expect_line(P, f, 1, &dlink);
	struct want zyxel = WANT(.time = "2023-01-05T10:00:00Z", .src = "198.51.100.7",
				 .dst = "203.0.113.10", .sport = 51234, .dport = 23,
				 .proto = IPPROTO_NUM_TCP, .action = EVENT_ACTION_DROP,
				 .sensor = "zywall");
	expect_line(P, f, 2, &zyxel);
	struct want forti = WANT(.time = "2019-05-10T11:37:47Z", .src = "198.51.100.7",
				 .dst = "203.0.113.10", .sport = 58012, .dport = 443,
				 .proto = IPPROTO_NUM_TCP, .action = EVENT_ACTION_DROP,
				 .prefix = "1", .in = "port12", .out = "port11");
	expect_line(P, f, 3, &forti);
	struct want sonic = WANT(.time = "2023-01-05T10:00:00Z", .src = "198.51.100.7",
				 .dst = "203.0.113.10", .sport = 51234, .dport = 443,
				 .proto = IPPROTO_NUM_TCP, .action = EVENT_ACTION_LOG, .in = "X1",
				 .out = "X0", .sensor = "sonicwall");
	expect_line(P, f, 4, &sonic);
	struct want blocked = WANT(.time = "2023-01-05T10:00:00Z", .src = "198.51.100.7",
				   .dst = "203.0.113.10", .sport = 51234, .dport = 23,
				   .proto = IPPROTO_NUM_TCP, .action = EVENT_ACTION_DROP,
				   .prefix = "Blocked incoming TCP packet", .sensor = "router");
	expect_line(P, f, 5, &blocked);
	struct want arrow = WANT(.time = "2023-01-05T10:00:00Z", .src = "198.51.100.7",
				 .dst = "203.0.113.10", .sport = 51234, .dport = 22,
				 .proto = IPPROTO_NUM_TCP, .action = EVENT_ACTION_DROP,
				 .prefix = "flow", .sensor = "host");
	expect_line(P, f, 6, &arrow);
	expect_result(P, f, 7, PARSE_OTHER); /* sshd is not a firewall line */
	struct want unifi = WANT(.time = "2022-06-13T23:29:15Z", .src = "192.168.1.1",
				 .dst = "192.168.1.25", .sport = 38451, .dport = 54329,
				 .proto = IPPROTO_NUM_UDP, .action = EVENT_ACTION_DROP, .ttl = 49,
				 .ip_len = 122, .prefix = "WAN_LOCAL-D-2147483647", .in = "eth8",
				 .sensor = "UDMP-DTC");
	expect_line(P, "kv/unifi-logs.log", 1, &unifi);
}

static void test_counts(void **state)
{
	(void)state;
	expect_counts(P, "kv/netgear-klauern.log", 15, 15, 0, 0);
	expect_counts(P, "kv/netgear-n6400.log", 3, 6, 0, 0);
	expect_counts(P, "kv/kv-documented.log", 6, 1, 0, 0);
	expect_counts(P, "kv/unifi-logs.log", 3, 1, 0, 0);
}

static void test_unclaimed(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		enum parse_result r;
	} cases[] = {
		{"sshd[123]: Failed password for root from 198.51.100.7 port 5454 ssh2",
		 PARSE_UNKNOWN},
		{"src=198.51.100.7 only one side", PARSE_UNKNOWN},
		{"src=not-an-address dst=203.0.113.10", PARSE_UNKNOWN},
		{"from 198.51.100.7 to nowhere", PARSE_UNKNOWN},
		{"Jan  5 10:00:00 host dnsmasq[1]: reply example.com is 203.0.113.10", PARSE_OTHER},
		{"hello", PARSE_UNKNOWN},
		{"", PARSE_UNKNOWN},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct event ev;
		enum parse_result r =
			parse_with(P, NULL, cases[i].line, strlen(cases[i].line), &ev, NULL);
		if (r != cases[i].r)
			fail_msg("case %zu: want %d got %d", i, cases[i].r, r);
	}
	/* keys are matched whatever their case; ports may come as their own keys */
	const char *mixed = "SrcIP=198.51.100.7 DstIP=203.0.113.10 SPT=1 dst_port=2 Proto=udp "
			    "action=permit";
	struct event ev;
	assert_int_equal(parse_with(P, NULL, mixed, strlen(mixed), &ev, NULL), PARSE_EVENT);
	struct want w = WANT(.src = "198.51.100.7", .dst = "203.0.113.10", .sport = 1, .dport = 2,
			     .proto = IPPROTO_NUM_UDP, .action = EVENT_ACTION_ACCEPT);
	event_is(&ev, &w);
	/* IPv6, bracketed with a port */
	const char *v6 = "src=[2001:db8::7]:5353 dst=2001:db8::1 dport=53 sport=5353";
	assert_int_equal(parse_with(P, NULL, v6, strlen(v6), &ev, NULL), PARSE_EVENT);
	struct want w6 = WANT(.src = "2001:db8::7", .dst = "2001:db8::1", .sport = 5353,
			      .dport = 53);
	event_is(&ev, &w6);
}

static void test_detect(void **state)
{
	(void)state;
	size_t len;
	const char *l = fixture_line("kv/netgear-klauern.log", 8, &len);
	int s = P->detect(l, len);
	assert_true(s > 0 && s <= 10); /* low: specific parsers win */
	l = fixture_line("kv/kv-documented.log", 3, &len);
	assert_true(P->detect(l, len) > 0);
	l = fixture_line("kv/kv-documented.log", 7, &len);
	assert_int_equal(P->detect(l, len), 0);
	l = fixture_line("pf/ossec-pf.log", 1, &len);
	assert_int_equal(P->detect(l, len), 0);
	l = fixture_line("ipfw/ossec-osx-ipfw.log", 1, &len);
	assert_int_equal(P->detect(l, len), 0);
	l = fixture_line("winfw/pfirewall-betahydri.log", 6, &len);
	assert_int_equal(P->detect(l, len), 0);
}

static void test_parse_syslog_hook(void **state)
{
	(void)state;
	size_t len;
	const char *l = fixture_line("kv/kv-documented.log", 5, &len);
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, REF_2023_06_01, 0, NULL);
	struct syslog_header h;
	assert_int_equal(syslog_header_parse(&ctx, l, len, &h), 0);
	struct event ev;
	event_clear(&ev);
	assert_int_equal(P->parse_syslog(&ctx, &h, &ev), PARSE_EVENT);
	assert_int_equal(ev.dport, 23);
	l = fixture_line("kv/kv-documented.log", 7, &len);
	assert_int_equal(syslog_header_parse(&ctx, l, len, &h), 0);
	event_clear(&ev);
	assert_int_equal(P->parse_syslog(&ctx, &h, &ev), PARSE_UNKNOWN);
}

static void test_local_zone(void **state)
{
	(void)state;
	assert_int_equal(timeconv_set_zone("JST-9"), 0);
	struct want w = WANT(.time = "2016-02-22T09:10:18Z", .src = "37.59.134.139",
			     .prefix = "DoS Attack: SYN/ACK Scan");
	expect_line(P, "kv/netgear-klauern.log", 8, &w);
	struct want f = WANT(.time = "2019-05-10T02:37:47Z", .src = "198.51.100.7",
			     .dst = "203.0.113.10", .sport = 58012, .dport = 443, .prefix = "1",
			     .in = "port12", .out = "port11");
	expect_line(P, "kv/kv-documented.log", 3, &f);
	assert_int_equal(timeconv_set_zone("UTC"), 0);
}

static void test_truncation(void **state)
{
	(void)state;
	truncate_all(P, "kv/netgear-klauern.log");
	truncate_all(P, "kv/netgear-n6400.log");
	truncate_all(P, "kv/kv-documented.log");
	truncate_all(P, "kv/unifi-logs.log");
}

int main(void)
{
	timeconv_set_zone("UTC");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netgear),
		cmocka_unit_test(test_kv_lines),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_unclaimed),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_parse_syslog_hook),
		cmocka_unit_test(test_local_zone),
		cmocka_unit_test(test_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
