/* Helpers shared by the unit tests of the vendor and daemon parsers
 * (test_parse_cisco_ios.c ... test_parse_psad.c): run a parser on a line
 * held in a buffer of exactly its length (so a read past len is caught
 * under ASan), compare every field of the event with what a test expects,
 * replay fixtures, cut lines at every length, and check that the syslog
 * hook reads a line as parse_line does. Header-only: each test is its own
 * program. */
#ifndef CLSCAN_TEST_PARSE_VENDOR_UTIL_H
#define CLSCAN_TEST_PARSE_VENDOR_UTIL_H

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
#include "parse/parser.h"
#include "parse/syslog_header.h"

/* every test uses some of these helpers, none uses all */
#define VT_FN static __attribute__((unused))

/* 2023-12-31T00:00:00Z: yearless stamps of the fixtures land in 2023 */
#define VT_REF 1703980800LL

/* A copy of the line in a buffer of exactly its length; kept until eight
 * more copies were made, so an event's slices stay valid for the test. */
VT_FN const char *vt_copy(const char *line, size_t len)
{
	static char *ring[8];
	static unsigned slot;
	unsigned i = slot++ % 8;
	free(ring[i]);
	ring[i] = malloc(len ? len : 1);
	assert_non_null(ring[i]);
	memcpy(ring[i], line, len);
	return ring[i];
}

VT_FN enum parse_result vt_run_ref(const struct parser *p, int64_t ref, const char *line,
				    struct event *ev, const char **reason)
{
	size_t len = strlen(line);
	const char *copy = vt_copy(line, len);
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, ref, 0, NULL);
	event_clear(ev);
	enum parse_result r = p->parse_line(&ctx, copy, len, ev);
	if (reason)
		*reason = ctx.reason;
	return r;
}

VT_FN enum parse_result vt_run(const struct parser *p, const char *line, struct event *ev)
{
	return vt_run_ref(p, VT_REF, line, ev, NULL);
}

/* Everything an event holds; what a test leaves out must be empty/zero. */
struct vt_want {
	const char *time; /* RFC 3339 UTC, NULL: no time */
	const char *src, *dst;
	int sport, dport; /* -1 with .ports = 0 */
	int ports;        /* EVENT_HAS_PORTS expected */
	int proto;
	int action, outcome;
	unsigned count; /* 0 means 1 */
	int icmp;       /* EVENT_HAS_ICMP expected */
	int icmp_type, icmp_code;
	int has_flags; /* EVENT_HAS_TCP_FLAGS expected */
	int tcp_flags;
	int ttl; /* 0: no EVENT_HAS_TTL */
	const char *sensor, *prefix, *in, *out, *user, *detail;
};

VT_FN void vt_slice_eq(const char *what, struct slice s, const char *want)
{
	if (!want) {
		if (s.len)
			fail_msg("%s: expected empty, got \"%.*s\"", what, (int)s.len, s.ptr);
		return;
	}
	if (s.len != strlen(want) || memcmp(s.ptr, want, s.len) != 0)
		fail_msg("%s: expected \"%s\", got \"%.*s\"", what, want, (int)s.len,
			 s.ptr ? s.ptr : "");
}

VT_FN void vt_addr_eq(const char *what, const struct event *ev, unsigned flag,
		       const struct ip_addr *a, const char *want)
{
	char buf[ADDR_STRLEN];
	if (!want) {
		if (ev->flags & flag)
			fail_msg("%s: expected none, got %s", what, addr_format(a, buf));
		return;
	}
	if (!(ev->flags & flag))
		fail_msg("%s: expected %s, got none", what, want);
	struct ip_addr w;
	assert_int_equal(addr_parse(want, strlen(want), &w), 0);
	if (memcmp(&w, a, sizeof(w)) != 0)
		fail_msg("%s: expected %s, got %s", what, want, addr_format(a, buf));
}

VT_FN void vt_check(const struct event *ev, const struct vt_want *w)
{
	char tb[48];
	if (w->time) {
		if (!(ev->flags & EVENT_HAS_TIME))
			fail_msg("time: expected %s, got none", w->time);
		assert_string_equal(time_format_rfc3339_utc(ev->time_ns, tb), w->time);
	} else if (ev->flags & EVENT_HAS_TIME) {
		fail_msg("time: expected none, got %s", time_format_rfc3339_utc(ev->time_ns, tb));
	}
	vt_addr_eq("src", ev, EVENT_HAS_SRC, &ev->src, w->src);
	vt_addr_eq("dst", ev, EVENT_HAS_DST, &ev->dst, w->dst);
	assert_int_equal(!!(ev->flags & EVENT_HAS_PORTS), !!w->ports);
	if (w->ports) {
		assert_int_equal(ev->sport, w->sport);
		assert_int_equal(ev->dport, w->dport);
	}
	assert_int_equal(ev->proto, w->proto);
	assert_int_equal(ev->action, w->action);
	assert_int_equal(ev->outcome, w->outcome);
	assert_int_equal(ev->count, w->count ? w->count : 1);
	assert_int_equal(!!(ev->flags & EVENT_HAS_ICMP), !!w->icmp);
	if (w->icmp) {
		assert_int_equal(ev->icmp_type, w->icmp_type);
		assert_int_equal(ev->icmp_code, w->icmp_code);
	}
	assert_int_equal(!!(ev->flags & EVENT_HAS_TCP_FLAGS), !!w->has_flags);
	if (w->has_flags)
		assert_int_equal(ev->tcp_flags, w->tcp_flags);
	assert_int_equal(!!(ev->flags & EVENT_HAS_TTL), !!w->ttl);
	if (w->ttl)
		assert_int_equal(ev->ttl, w->ttl);
	vt_slice_eq("sensor", ev->sensor, w->sensor);
	vt_slice_eq("prefix", ev->prefix, w->prefix);
	vt_slice_eq("in_if", ev->in_if, w->in);
	vt_slice_eq("out_if", ev->out_if, w->out);
	vt_slice_eq("user", ev->user, w->user);
	vt_slice_eq("detail", ev->detail, w->detail);
	vt_slice_eq("phys_in", ev->phys_in, NULL);
	vt_slice_eq("phys_out", ev->phys_out, NULL);
}

/* Parse a line that must become an event and compare every field. */
VT_FN void vt_event(const struct parser *p, const char *line, const struct vt_want *w)
{
	struct event ev;
	const char *reason = NULL;
	enum parse_result r = vt_run_ref(p, VT_REF, line, &ev, &reason);
	if (r != PARSE_EVENT)
		fail_msg("expected an event (got %d, %s) from: %s", (int)r,
			 reason ? reason : "-", line);
	vt_check(&ev, w);
}

VT_FN void vt_result(const struct parser *p, const char *line, enum parse_result want)
{
	struct event ev;
	const char *reason = NULL;
	enum parse_result r = vt_run_ref(p, VT_REF, line, &ev, &reason);
	if (r != want)
		fail_msg("expected result %d, got %d (%s) from: %s", (int)want, (int)r,
			 reason ? reason : "-", line);
	if (r == PARSE_MALFORMED)
		assert_non_null(reason);
}

/* A malformed line, with the reason it must give (a substring). */
VT_FN void vt_malformed(const struct parser *p, const char *line, const char *why)
{
	struct event ev;
	const char *reason = NULL;
	enum parse_result r = vt_run_ref(p, VT_REF, line, &ev, &reason);
	if (r != PARSE_MALFORMED)
		fail_msg("expected malformed, got %d from: %s", (int)r, line);
	assert_non_null(reason);
	if (!strstr(reason, why))
		fail_msg("reason \"%s\" lacks \"%s\"", reason, why);
}

VT_FN void vt_slice_inside(struct slice s, const char *b, size_t len)
{
	if (s.len)
		assert_true(s.ptr >= b && s.ptr + s.len <= b + len);
}

/* The parser's contract on any text: a known result, a reason when
 * malformed, slices inside the line, count >= 1, detect in 0..100. */
VT_FN void vt_contract(const struct parser *p, const char *b, size_t len)
{
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, VT_REF, 0, NULL);
	struct event ev;
	event_clear(&ev);
	enum parse_result r = p->parse_line(&ctx, b, len, &ev);
	assert_true(r == PARSE_EVENT || r == PARSE_OTHER || r == PARSE_MALFORMED ||
		    r == PARSE_UNKNOWN);
	if (r == PARSE_MALFORMED)
		assert_non_null(ctx.reason);
	if (r == PARSE_EVENT) {
		vt_slice_inside(ev.sensor, b, len);
		vt_slice_inside(ev.prefix, b, len);
		vt_slice_inside(ev.in_if, b, len);
		vt_slice_inside(ev.out_if, b, len);
		vt_slice_inside(ev.user, b, len);
		vt_slice_inside(ev.detail, b, len);
		assert_true(ev.count >= 1);
		assert_true(ev.action < EVENT_ACTION_COUNT);
		assert_true(ev.outcome < EVENT_OUTCOME_COUNT);
	}
	int score = p->detect(b, len);
	assert_true(score >= 0 && score <= 100);
}

/* Every prefix of the line (and the line with its last byte changed to
 * each of a few troublemakers), each in a buffer of exactly its length. */
VT_FN void vt_truncations(const struct parser *p, const char *line, size_t len)
{
	for (size_t n = 0; n <= len; n++) {
		char *b = malloc(n ? n : 1);
		assert_non_null(b);
		memcpy(b, line, n);
		vt_contract(p, b, n);
		if (n) {
			static const char odd[] = {'"', ' ', ':', '[', ']', '(', ')', '/', '=', '\0'};
			for (size_t k = 0; k < sizeof(odd); k++) {
				b[n - 1] = odd[k];
				vt_contract(p, b, n);
			}
		}
		free(b);
	}
}

struct vt_counts {
	unsigned event, other, malformed, unknown;
};

/* Read a fixture (tests/data/DIR/FILE), run the parser on each line, cut
 * each line at every length, and check that the syslog hook agrees with
 * parse_line on every event. Returns the tally. */
VT_FN struct vt_counts vt_fixture(const struct parser *p, const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	struct vt_counts c = {0, 0, 0, 0};
	char buf[8192];
	while (fgets(buf, sizeof(buf), f)) {
		size_t len = strlen(buf);
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
		const char *b = vt_copy(buf, len);
		struct parse_ctx ctx;
		parse_ctx_init(&ctx, VT_REF, 0, NULL);
		struct event ev;
		event_clear(&ev);
		enum parse_result r = p->parse_line(&ctx, b, len, &ev);
		switch (r) {
		case PARSE_EVENT: c.event++; break;
		case PARSE_OTHER: c.other++; break;
		case PARSE_MALFORMED: c.malformed++; break;
		default: c.unknown++; break;
		}
		if (r == PARSE_EVENT && p->parse_syslog) {
			struct syslog_header h;
			if (syslog_header_parse(&ctx, b, len, &h) == 0) {
				struct event ev2;
				event_clear(&ev2);
				enum parse_result r2 = p->parse_syslog(&ctx, &h, &ev2);
				if (r2 != PARSE_EVENT)
					fail_msg("syslog hook gave %d for: %s", (int)r2, buf);
				assert_memory_equal(&ev.src, &ev2.src, sizeof(ev.src));
				assert_memory_equal(&ev.dst, &ev2.dst, sizeof(ev.dst));
				assert_int_equal(ev.dport, ev2.dport);
				assert_int_equal(ev.sport, ev2.sport);
				assert_int_equal(ev.proto, ev2.proto);
				assert_int_equal(ev.action, ev2.action);
				assert_int_equal(ev.outcome, ev2.outcome);
				assert_int_equal(ev.count, ev2.count);
				assert_int_equal(ev.flags & ~EVENT_HAS_TIME, ev2.flags & ~EVENT_HAS_TIME);
			}
		}
		vt_truncations(p, b, len);
	}
	fclose(f);
	return c;
}

/* detect() must claim each line of the fixture that parse_line turns into
 * an event, and must not claim lines of other formats. */
VT_FN void vt_detect_fixture(const struct parser *p, const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	char buf[8192];
	while (fgets(buf, sizeof(buf), f)) {
		size_t len = strlen(buf);
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
		struct event ev;
		if (vt_run(p, buf, &ev) == PARSE_EVENT && p->detect(buf, len) == 0)
			fail_msg("detect() does not claim: %s", buf);
	}
	fclose(f);
}

/* Lines of other formats no parser of this family may claim. */
static const char *const vt_foreign[] __attribute__((unused)) = {
	"May 29 06:53:55 vultr kernel: [547219.375133] [UFW BLOCK] IN=ens3 OUT= "
	"MAC=56:00:03:85:82:df:fe:00:03:85:82:df:08:00 SRC=192.241.219.198 DST=158.247.223.84 "
	"LEN=40 TOS=0x00 PREC=0x00 TTL=241 ID=54321 PROTO=TCP SPT=60834 DPT=5985 WINDOW=65535 "
	"RES=0x00 SYN URGP=0 ",
	"May 29 11:55:01 vultr CRON[17115]: pam_unix(cron:session): session opened for user root by "
	"(uid=0)",
	"127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326",
	"",
	"just some text with 1.2.3.4 and %SYS-5-CONFIG in it",
	NULL,
};

VT_FN void vt_detect_foreign(const struct parser *p)
{
	for (size_t i = 0; vt_foreign[i]; i++)
		if (p->detect(vt_foreign[i], strlen(vt_foreign[i])) != 0)
			fail_msg("%s claims a foreign line: %s", p->name, vt_foreign[i]);
}

/* The examples in the descriptor parse, and detect() claims them. */
VT_FN void vt_examples(const struct parser *p)
{
	assert_non_null(p->examples);
	assert_non_null(p->time_note);
	assert_non_null(p->summary);
	for (const struct parser_example *e = p->examples; e->line; e++) {
		struct event ev;
		enum parse_result r = vt_run(p, e->line, &ev);
		if (r != PARSE_EVENT)
			fail_msg("example \"%s\" gives %d", e->label, (int)r);
		assert_true(p->detect(e->line, strlen(e->line)) > 0);
	}
}

VT_FN int vt_setup(void **state)
{
	(void)state;
	assert_int_equal(timeconv_set_zone("UTC"), 0);
	return 0;
}

#endif
