/* The filterlog parser (pfSense / OPNsense CSV) on the real and documented
 * lines of tests/data/filterlog (see ORIGINS.md): every layout, envelope,
 * malformed field, truncation at every length, detection and zones. */
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

static const struct parser *P = &parser_filterlog;

static void test_pfsense_bsd(void **state)
{
	(void)state;
	struct want w = WANT(.time = "2022-09-28T10:38:09Z", .src = "10.0.2.2", .dst = "10.0.2.15",
			     .sport = 53742, .dport = 22, .proto = IPPROTO_NUM_TCP,
			     .action = EVENT_ACTION_DROP, .tcp_flags = TCP_FLAG_PSH | TCP_FLAG_ACK,
			     .ttl = 64, .ip_len = 460, .ip_id = 420, .window = 65535,
			     .seq = 29633380, .prefix = "1000000301", .in = "em0",
			     .sensor = "pfSense", .detail = "match");
	expect_line(P, "filterlog/pf-logs.log", 1, &w);
	struct want out = WANT(.time = "2022-09-28T10:38:41Z", .src = "10.0.2.15", .dst = "10.0.2.2",
			       .sport = 22, .dport = 53742, .proto = IPPROTO_NUM_TCP,
			       .action = EVENT_ACTION_DROP, .tcp_flags = TCP_FLAG_FIN | TCP_FLAG_ACK,
			       .ttl = 64, .ip_len = 40, .ip_id = 0, .seq = (int)3617062173u,
			       .prefix = "1000102434", .out = "em0", .sensor = "pfSense",
			       .flags = EVENT_DF);
	out.seq = NONE; /* above INT_MAX: checked below */
	expect_line(P, "filterlog/pf-logs.log", 3, &out);
	size_t len;
	const char *line = fixture_line("filterlog/pf-logs.log", 3, &len);
	struct event ev;
	assert_int_equal(parse_with(P, NULL, line, len, &ev, NULL), PARSE_EVENT);
	assert_true(ev.tcp_seq == 3617062173u);
	/* a SYN of the port scan */
	struct want syn = WANT(.time = "2022-09-30T14:35:50Z", .src = "10.0.2.2", .dst = "10.0.2.15",
			       .sport = 59576, .dport = 3306, .proto = IPPROTO_NUM_TCP,
			       .action = EVENT_ACTION_DROP, .tcp_flags = TCP_FLAG_SYN, .ttl = 64,
			       .ip_len = 44, .ip_id = 892, .window = 65535, .seq = 17536001,
			       .prefix = "1000102631", .in = "em0", .sensor = "pfSense");
	expect_line(P, "filterlog/pf-scan-multi-port.log", 12, &syn);
}

static void test_opnsense_rfc5424(void **state)
{
	(void)state;
	struct want udp = WANT(.time = "2022-09-06T16:37:34Z", .src = "212.102.36.22",
			       .dst = "37.120.48.198", .sport = 49838, .dport = 52938,
			       .proto = IPPROTO_NUM_UDP, .action = EVENT_ACTION_DROP, .ttl = 118,
			       .ip_len = 132, .ip_id = 28579,
			       .prefix = "02f4bab031b57d1e30553ce08e0ec131", .in = "re0",
			       .sensor = "opnsense", .detail = "match");
	expect_line(P, "filterlog/pf-logs.log", 4, &udp);
	struct want pass = WANT(.time = "2022-09-06T16:37:34Z", .src = "68.41.165.77",
				.dst = "10.0.0.200", .sport = 64752, .dport = 51918,
				.proto = IPPROTO_NUM_UDP, .action = EVENT_ACTION_ACCEPT,
				.prefix = "40b9591224d055de2beec8b74ea486b1", .in = "re0",
				.sensor = "opnsense");
	expect_line(P, "filterlog/pf-logs.log", 5, &pass);
	struct want v6 = WANT(.time = "2022-09-06T17:00:06Z",
			      .src = "2008:8a0:702e:ce00:acc6:c7ee:fa01:2f8a",
			      .dst = "2c02:2454:ada:d900::1738", .sport = 6881, .dport = 51918,
			      .proto = IPPROTO_NUM_UDP, .action = EVENT_ACTION_ACCEPT, .ttl = 51,
			      .ip_len = 113, .prefix = "881dd59a3e942966c90498ac104715a0",
			      .in = "re0", .sensor = "opnsense");
	expect_line(P, "filterlog/pf-logs.log", 8, &v6);
}

static void test_pfsense_rfc5424(void **state)
{
	(void)state;
	struct want v4 = WANT(.time = "2025-11-06T11:32:42.868451Z", .src = "192.168.5.6",
			      .dst = "192.168.1.100", .sport = 42970, .dport = 80,
			      .proto = IPPROTO_NUM_TCP, .action = EVENT_ACTION_DROP,
			      .tcp_flags = TCP_FLAG_SYN, .ttl = 64, .ip_len = 60, .ip_id = 19008,
			      .window = 64240, .seq = 523876198, .prefix = "1000000102",
			      .in = "vtnet0.5", .sensor = "firewall.lan", .flags = EVENT_DF);
	expect_line(P, "filterlog/pfsense-rfc5424-filterlog.log", 1, &v4);
	struct want v6 = WANT(.time = "2025-11-06T11:42:14.270789Z",
			      .src = "fdfd:ace:ace:10:d8:cdbf:f6f8:6d69", .dst = "fdfd:ace:ace:5::6",
			      .sport = 65382, .dport = 443, .proto = IPPROTO_NUM_TCP,
			      .action = EVENT_ACTION_DROP, .tcp_flags = TCP_FLAG_SYN, .ttl = 64,
			      .ip_len = 84, .window = 0, .seq = 1927530165, .prefix = "1644355515",
			      .in = "vtnet0.10", .sensor = "firewall.lan");
	expect_line(P, "filterlog/pfsense-rfc5424-filterlog.log", 3, &v6);
}

static void test_documented_layouts(void **state)
{
	(void)state;
	const char *f = "filterlog/filterlog-documented.log";
	struct want echo = WANT(.time = "2023-01-05T10:00:00Z", .src = "198.51.100.7",
				.dst = "203.0.113.10", .proto = IPPROTO_NUM_ICMP,
				.action = EVENT_ACTION_DROP, .icmp_type = 8, .icmp_code = 0,
				.ttl = 64, .ip_len = 84, .ip_id = 54321, .prefix = "1000000103",
				.in = "em0", .sensor = "pfSense");
	expect_line(P, f, 1, &echo);
	struct want port = WANT(.time = "2023-01-05T10:00:01Z", .src = "203.0.113.10",
				.dst = "198.51.100.7", .proto = IPPROTO_NUM_ICMP,
				.action = EVENT_ACTION_DROP, .icmp_type = 3, .icmp_code = 3,
				.prefix = "1000000103", .out = "em0", .sensor = "pfSense");
	expect_line(P, f, 2, &port);
	struct want filt = WANT(.time = "2023-01-05T10:00:02Z", .src = "198.51.100.7",
				.dst = "203.0.113.10", .proto = IPPROTO_NUM_ICMP, .icmp_type = 3,
				.icmp_code = 13, .prefix = "1000000103", .in = "em0",
				.sensor = "pfSense");
	expect_line(P, f, 3, &filt);
	struct want opn = WANT(.time = "2026-01-05T10:00:00Z", .src = "198.51.100.7",
			       .dst = "203.0.113.10", .proto = IPPROTO_NUM_ICMP, .icmp_type = 8,
			       .icmp_code = 0, .prefix = "02f4bab031b57d1e30553ce08e0ec131",
			       .in = "re0", .sensor = "opnsense");
	expect_line(P, f, 4, &opn);
	struct want ns = WANT(.time = "2026-01-05T10:00:01Z", .src = "fe80::1",
			      .dst = "ff02::1:ff00:2", .proto = IPPROTO_NUM_ICMPV6,
			      .action = EVENT_ACTION_ACCEPT, .icmp_type = 135, .icmp_code = 0,
			      .ttl = 255, .ip_len = 72, .prefix = "02f4bab031b57d1e30553ce08e0ec131",
			      .in = "re0", .sensor = "opnsense");
	expect_line(P, f, 5, &ns);
	/* pfSense does not decode ICMPv6: no type */
	size_t len;
	const char *line = fixture_line(f, 6, &len);
	struct event ev;
	assert_int_equal(parse_with(P, NULL, line, len, &ev, NULL), PARSE_EVENT);
	assert_int_equal(ev.proto, IPPROTO_NUM_ICMPV6);
	assert_false(ev.flags & EVENT_HAS_ICMP);
	struct want frag6 = WANT(.time = "2023-01-05T10:00:04Z", .src = "2001:db8::7",
				 .dst = "2001:db8::1", .proto = 44, .ip_id = 0xabcd,
				 .ip_len = 1280, .prefix = "1000000110", .in = "em0",
				 .sensor = "pfSense", .flags = EVENT_FRAGMENT);
	expect_line(P, f, 7, &frag6);
	struct want frag4 = WANT(.time = "2023-01-05T10:00:05Z", .src = "198.51.100.7",
				 .dst = "203.0.113.10", .proto = IPPROTO_NUM_UDP, .ip_len = 1500,
				 .prefix = "1000000103", .in = "em0", .sensor = "pfSense",
				 .flags = EVENT_FRAGMENT);
	expect_line(P, f, 8, &frag4);
	struct want carp = WANT(.time = "2023-01-05T10:00:06Z", .src = "192.0.2.2",
				.dst = "224.0.0.18", .proto = 112, .action = EVENT_ACTION_ACCEPT,
				.ttl = 255, .prefix = "1000000115", .out = "em1",
				.sensor = "pfSense");
	expect_line(P, f, 9, &carp);
	/* forwarded in BSD format: no host name */
	struct want rst = WANT(.time = "2023-01-05T10:00:07Z", .src = "198.51.100.7",
			       .dst = "203.0.113.10", .sport = 51234, .dport = 3389,
			       .proto = IPPROTO_NUM_TCP, .tcp_flags = TCP_FLAG_RST, .window = 0,
			       .seq = 1234567, .prefix = "1000000103", .in = "em0",
			       .flags = EVENT_DF);
	expect_line(P, f, 10, &rst);
}

static void test_counts(void **state)
{
	(void)state;
	expect_counts(P, "filterlog/pf-logs.log", 9, 0, 0, 0);
	expect_counts(P, "filterlog/pf-scan-multi-port.log", 16, 0, 0, 0);
	expect_counts(P, "filterlog/pfsense-rfc5424-filterlog.log", 4, 0, 0, 0);
	expect_counts(P, "filterlog/filterlog-documented.log", 10, 0, 0, 0);
}

static void test_malformed_and_foreign(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		enum parse_result r;
	} cases[] = {
		{"Sep 28 10:38:24 pfSense filterlog: 53,,,1000102631,em0,match,block,in,4,0x0,,64,600,"
		 "0,none,6,tcp,44,10.0.2.x,10.0.2.15,53792,22,0,S,31552001,,65535,,mss",
		 PARSE_MALFORMED},
		{"Sep 28 10:38:24 pfSense filterlog: 53,,,1000102631,em0,match,block,in,5,0x0,,64,600,"
		 "0,none,6,tcp,44,10.0.2.2,10.0.2.15,53792,22,0,S,31552001,,65535,,mss",
		 PARSE_MALFORMED},
		{"Sep 28 10:38:24 pfSense filterlog: 53,,,1000102631,em0,match,block,in,4,0x0,,64,600,"
		 "0,none,6,tcp,44,10.0.2.2,10.0.2.15,53792,99999,0,S,31552001,,65535,,mss",
		 PARSE_MALFORMED},
		{"Sep 28 10:38:24 pfSense filterlog: 53,,,1000102631,em0,match,block,in,4,0x0,,64,600",
		 PARSE_MALFORMED},
		{"Sep 28 10:38:24 pfSense filterlog: hello", PARSE_MALFORMED},
		{"Sep 28 10:38:24 pfSense dhcpd: DHCPACK on 10.0.2.15 to 08:00:27:00:00:01",
		 PARSE_OTHER},
		{"not a log line at all", PARSE_UNKNOWN},
		{"", PARSE_UNKNOWN},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct event ev;
		const char *reason = NULL;
		enum parse_result r =
			parse_with(P, NULL, cases[i].line, strlen(cases[i].line), &ev, &reason);
		if (r != cases[i].r)
			fail_msg("case %zu: want %d got %d", i, cases[i].r, r);
	}
	/* the bare CSV (no envelope): an event without a time */
	const char *bare = "53,,,1000102631,em0,match,block,in,4,0x0,,64,600,0,none,6,tcp,44,"
			   "10.0.2.2,10.0.2.15,53792,22,0,S,31552001,,65535,,mss";
	struct event ev;
	assert_int_equal(parse_with(P, NULL, bare, strlen(bare), &ev, NULL), PARSE_EVENT);
	struct want w = WANT(.src = "10.0.2.2", .dst = "10.0.2.15", .sport = 53792, .dport = 22,
			     .proto = IPPROTO_NUM_TCP, .prefix = "1000102631", .in = "em0");
	event_is(&ev, &w);
}

static void test_detect(void **state)
{
	(void)state;
	size_t len;
	const char *l = fixture_line("filterlog/pf-logs.log", 1, &len);
	assert_true(P->detect(l, len) > 0);
	l = fixture_line("filterlog/pfsense-rfc5424-filterlog.log", 3, &len);
	assert_true(P->detect(l, len) > 0);
	l = fixture_line("pf/ossec-pf.log", 1, &len);
	assert_int_equal(P->detect(l, len), 0);
	l = fixture_line("ipfw/ossec-osx-ipfw.log", 1, &len);
	assert_int_equal(P->detect(l, len), 0);
	const char *nf = "May 29 06:53:55 vultr kernel: [UFW BLOCK] IN=ens3 OUT= SRC=1.2.3.4 "
			 "DST=5.6.7.8 LEN=40 PROTO=TCP SPT=1 DPT=2";
	assert_int_equal(P->detect(nf, strlen(nf)), 0);
}

static void test_parse_syslog_hook(void **state)
{
	(void)state;
	size_t len;
	const char *l = fixture_line("filterlog/pf-logs.log", 2, &len);
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, REF_2023_06_01, 0, NULL);
	struct syslog_header h;
	assert_int_equal(syslog_header_parse(&ctx, l, len, &h), 0);
	struct event ev;
	event_clear(&ev);
	assert_int_equal(P->parse_syslog(&ctx, &h, &ev), PARSE_EVENT);
	assert_int_equal(ev.dport, 22);
	l = fixture_line("pf/ossec-pf.log", 1, &len);
	assert_int_equal(syslog_header_parse(&ctx, l, len, &h), 0);
	event_clear(&ev);
	assert_int_equal(P->parse_syslog(&ctx, &h, &ev), PARSE_UNKNOWN);
}

static void test_local_zone(void **state)
{
	(void)state;
	assert_int_equal(timeconv_set_zone("JST-9"), 0);
	struct want w = WANT(.time = "2022-09-28T01:38:09Z", .src = "10.0.2.2", .dst = "10.0.2.15",
			     .sport = 53742, .dport = 22, .prefix = "1000000301", .in = "em0",
			     .sensor = "pfSense");
	expect_line(P, "filterlog/pf-logs.log", 1, &w);
	/* RFC 3339 stamps carry their own zone */
	struct want z = WANT(.time = "2022-09-06T16:37:34Z", .src = "212.102.36.22",
			     .dst = "37.120.48.198", .sport = 49838, .dport = 52938,
			     .prefix = "02f4bab031b57d1e30553ce08e0ec131", .in = "re0",
			     .sensor = "opnsense");
	expect_line(P, "filterlog/pf-logs.log", 4, &z);
	assert_int_equal(timeconv_set_zone("UTC"), 0);
}

static void test_truncation(void **state)
{
	(void)state;
	truncate_all(P, "filterlog/pf-logs.log");
	truncate_all(P, "filterlog/pfsense-rfc5424-filterlog.log");
	truncate_all(P, "filterlog/filterlog-documented.log");
}

int main(void)
{
	timeconv_set_zone("UTC");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pfsense_bsd),
		cmocka_unit_test(test_opnsense_rfc5424),
		cmocka_unit_test(test_pfsense_rfc5424),
		cmocka_unit_test(test_documented_layouts),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_malformed_and_foreign),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_parse_syslog_hook),
		cmocka_unit_test(test_local_zone),
		cmocka_unit_test(test_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
