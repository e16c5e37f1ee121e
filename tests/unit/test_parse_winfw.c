/* The Windows Firewall parser on real pfirewall.log lines (Windows 10 and
 * XP era) and a reordered header (tests/data/winfw, see ORIGINS.md): the
 * #Fields columns, actions, ICMPv6, "-" values, zones, truncation. */
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

static const struct parser *P = &parser_winfw;

/* Parse a whole fixture with one per-file state, keeping the events of
 * the lines asked for (1-based line numbers). */
static void parse_file_keep(struct fixture *fx, const char *rel, const size_t *which, size_t n,
			    struct event *out)
{
	struct fixture f;
	fixture_load(&f, rel);
	*fx = f; /* the events' slices point into it: the caller frees it */
	void *st = calloc(1, P->state_size);
	assert_non_null(st);
	for (size_t i = 0; i < f.n; i++) {
		if (!f.len[i])
			continue;
		struct event ev;
		enum parse_result r = parse_with(P, st, f.line[i], f.len[i], &ev, NULL);
		for (size_t k = 0; k < n; k++)
			if (which[k] == i + 1) {
				if (r != PARSE_EVENT)
					fail_msg("%s:%zu: result %d", rel, i + 1, r);
				out[k] = ev;
			}
	}
	free(st);
}

static void test_betahydri(void **state)
{
	(void)state;
	const char *f = "winfw/pfirewall-betahydri.log";
	struct want drop = WANT(.time = "2021-06-22T12:19:41Z", .src = "192.168.178.25",
				.dst = "224.0.0.251", .sport = 5353, .dport = 5353,
				.proto = IPPROTO_NUM_UDP, .action = EVENT_ACTION_DROP, .ip_len = 73,
				.prefix = "DROP", .detail = "RECEIVE");
	expect_line(P, f, 6, &drop);
	struct want v6 = WANT(.time = "2021-06-22T12:19:41Z", .src = "fe80::f58b:f19a:db72:872b",
			      .dst = "ff02::fb", .sport = 5353, .dport = 5353,
			      .proto = IPPROTO_NUM_UDP, .action = EVENT_ACTION_DROP, .ip_len = 93,
			      .prefix = "DROP");
	expect_line(P, f, 8, &v6);
	/* ICMPv6 is logged as "ICMP" with IPv6 addresses */
	struct want ra = WANT(.time = "2021-06-22T12:25:27Z", .src = "fe80::464e:6dff:fea9:dfca",
			      .dst = "ff02::1", .proto = IPPROTO_NUM_ICMPV6,
			      .action = EVENT_ACTION_ACCEPT, .icmp_type = 134, .icmp_code = 0,
			      .prefix = "ALLOW", .detail = "RECEIVE");
	expect_line(P, f, 41, &ra);
	struct want igmp = WANT(.time = "2021-06-22T12:20:19Z", .src = "192.168.178.1",
				.dst = "224.0.0.1", .proto = IPPROTO_NUM_IGMP,
				.action = EVENT_ACTION_ACCEPT, .prefix = "ALLOW");
	expect_line(P, f, 44, &igmp);
	struct want tcp = WANT(.time = "2021-06-22T12:20:25Z", .src = "2a01:110:2001:d:fe::1a",
			       .dst = "2a01:110:20:10::4a9", .sport = 62187, .dport = 135,
			       .proto = IPPROTO_NUM_TCP, .action = EVENT_ACTION_ACCEPT,
			       .prefix = "ALLOW", .detail = "RECEIVE");
	expect_line(P, f, 46, &tcp);
	size_t len;
	const char *line = fixture_line(f, 46, &len);
	struct event ev;
	assert_int_equal(parse_with(P, NULL, line, len, &ev, NULL), PARSE_EVENT);
	assert_false(ev.flags & EVENT_HAS_TCP_FLAGS); /* "-": not inspected */
	expect_result(P, f, 49, PARSE_OTHER); /* INFO-EVENTS-LOST */
	expect_result(P, f, 1, PARSE_OTHER);
	expect_result(P, f, 4, PARSE_OTHER);
}

static void test_xp_era(void **state)
{
	(void)state;
	const char *f = "winfw/ossec-winfw.log";
	struct want synack = WANT(.time = "2006-09-20T10:38:21Z", .src = "192.168.72.196",
				  .dst = "10.20.72.12", .sport = 445, .dport = 2459,
				  .proto = IPPROTO_NUM_TCP, .action = EVENT_ACTION_DROP,
				  .tcp_flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 17520,
				  .ip_len = 48, .prefix = "DROP", .detail = "RECEIVE");
	expect_line(P, f, 3, &synack);
	size_t len;
	const char *line = fixture_line(f, 3, &len);
	struct event ev;
	assert_int_equal(parse_with(P, NULL, line, len, &ev, NULL), PARSE_EVENT);
	assert_true(ev.tcp_seq == 4175551841u);
	struct want open = WANT(.time = "2006-09-19T03:04:29Z", .src = "192.168.72.12",
				.dst = "10.20.72.204", .sport = 3599, .dport = 445,
				.proto = IPPROTO_NUM_TCP, .action = EVENT_ACTION_ACCEPT,
				.prefix = "OPEN");
	expect_line(P, f, 4, &open);
	expect_result(P, f, 8, PARSE_OTHER); /* CLOSE */
}

static void test_fields_header(void **state)
{
	(void)state;
	const char *f = "winfw/pfirewall-reordered.log";
	const size_t which[3] = {5, 6, 7};
	struct event ev[3];
	struct fixture fx;
	parse_file_keep(&fx, f, which, 3, ev);
	struct want drop = WANT(.time = "2021-06-22T12:19:41Z", .src = "192.168.178.25",
				.dst = "224.0.0.251", .sport = 5353, .dport = 5353,
				.proto = IPPROTO_NUM_UDP, .action = EVENT_ACTION_DROP, .ip_len = 73,
				.prefix = "DROP", .detail = "RECEIVE");
	event_is(&ev[0], &drop);
	struct want ra = WANT(.time = "2021-06-22T12:25:27Z", .src = "fe80::464e:6dff:fea9:dfca",
			      .dst = "ff02::1", .proto = IPPROTO_NUM_ICMPV6, .icmp_type = 134,
			      .icmp_code = 0, .prefix = "ALLOW", .detail = "RECEIVE");
	event_is(&ev[1], &ra);
	struct want tcp = WANT(.time = "2021-06-22T12:20:25Z", .src = "2a01:110:2001:d:fe::1a",
			       .dst = "2a01:110:20:10::4a9", .sport = 62187, .dport = 135,
			       .proto = IPPROTO_NUM_TCP, .prefix = "ALLOW", .detail = "RECEIVE");
	event_is(&ev[2], &tcp);
	fixture_free(&fx);
	/* without its header the same line is read in the default order: bad */
	expect_result(P, f, 5, PARSE_MALFORMED);
}

static void test_counts(void **state)
{
	(void)state;
	expect_counts(P, "winfw/pfirewall-betahydri.log", 43, 5, 0, 0);
	expect_counts(P, "winfw/ossec-winfw.log", 26, 4, 0, 0);
	expect_counts(P, "winfw/pfirewall-reordered.log", 3, 4, 0, 0);
}

static void test_malformed_and_foreign(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		enum parse_result r;
	} cases[] = {
		{"2021-06-22 12:19:41 DROP UDP 192.168.178.x 224.0.0.251 5353 5353 73 - - - - - - - "
		 "RECEIVE",
		 PARSE_MALFORMED},
		{"2021-06-22 12:19:41 DROP UDP 192.168.178.25", PARSE_MALFORMED},
		{"2021-06-22 12:19:41", PARSE_MALFORMED},
		{"2021-13-22 12:19:41 DROP UDP 192.168.178.25 224.0.0.251 5353 5353 73 - - - - - - - "
		 "RECEIVE",
		 PARSE_UNKNOWN},
		{"#Software: Microsoft Windows Firewall", PARSE_OTHER},
		{"hello", PARSE_UNKNOWN},
		{"", PARSE_OTHER},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct event ev;
		enum parse_result r =
			parse_with(P, NULL, cases[i].line, strlen(cases[i].line), &ev, NULL);
		if (r != cases[i].r)
			fail_msg("case %zu: want %d got %d", i, cases[i].r, r);
	}
	/* a port out of range only loses the ports */
	const char *big = "2021-06-22 12:19:41 DROP UDP 192.168.178.25 224.0.0.251 5353 99999 73 - "
			  "- - - - - - RECEIVE";
	struct event ev;
	assert_int_equal(parse_with(P, NULL, big, strlen(big), &ev, NULL), PARSE_EVENT);
	assert_false(ev.flags & EVENT_HAS_PORTS);
}

static void test_detect(void **state)
{
	(void)state;
	size_t len;
	const char *l = fixture_line("winfw/pfirewall-betahydri.log", 2, &len);
	assert_true(P->detect(l, len) > 0);
	l = fixture_line("winfw/pfirewall-betahydri.log", 4, &len);
	assert_true(P->detect(l, len) > 0);
	l = fixture_line("winfw/pfirewall-betahydri.log", 6, &len);
	assert_true(P->detect(l, len) > 0);
	const char *iis = "#Fields: date time s-ip cs-method cs-uri-stem";
	assert_int_equal(P->detect(iis, strlen(iis)), 0);
	l = fixture_line("filterlog/pf-logs.log", 1, &len);
	assert_int_equal(P->detect(l, len), 0);
	l = fixture_line("mikrotik/mikrotik-logprint.log", 2, &len);
	assert_int_equal(P->detect(l, len), 0);
}

static void test_zones(void **state)
{
	(void)state;
	assert_int_equal(timeconv_set_zone("JST-9"), 0);
	struct want w = WANT(.time = "2021-06-22T03:19:41Z", .src = "192.168.178.25",
			     .dst = "224.0.0.251", .sport = 5353, .dport = 5353, .prefix = "DROP",
			     .detail = "RECEIVE");
	expect_line(P, "winfw/pfirewall-betahydri.log", 6, &w);
	/* "#Time Format: UTC" is taken at its word */
	void *st = calloc(1, P->state_size);
	struct event ev;
	const char *hdr = "#Time Format: UTC";
	assert_int_equal(parse_with(P, st, hdr, strlen(hdr), &ev, NULL), PARSE_OTHER);
	size_t len;
	const char *line = fixture_line("winfw/pfirewall-betahydri.log", 6, &len);
	assert_int_equal(parse_with(P, st, line, len, &ev, NULL), PARSE_EVENT);
	w.time = "2021-06-22T12:19:41Z";
	event_is(&ev, &w);
	free(st);
	assert_int_equal(timeconv_set_zone("UTC"), 0);
}

static void test_truncation(void **state)
{
	(void)state;
	truncate_all(P, "winfw/pfirewall-betahydri.log");
	truncate_all(P, "winfw/ossec-winfw.log");
	truncate_all(P, "winfw/pfirewall-reordered.log");
}

int main(void)
{
	timeconv_set_zone("UTC");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_betahydri),
		cmocka_unit_test(test_xp_era),
		cmocka_unit_test(test_fields_header),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_malformed_and_foreign),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_zones),
		cmocka_unit_test(test_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
