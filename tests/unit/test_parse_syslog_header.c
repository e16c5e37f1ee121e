/* Envelopes: BSD (with <PRI>, padded days), RFC 3339 (rsyslog,
 * journalctl short-iso[-precise]), journalctl short[-precise], RFC 5424
 * with structured data and BOM, dmesg -T; host/tag/msg; what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/timeconv.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

#define REF_2023_01_10 1673308800LL

struct hwant {
	const char *time, *host, *tag, *msg;
	int has_year, has_zone;
};

static void expect(int64_t ref, const char *line, const struct hwant *w)
{
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, ref, 0, NULL);
	struct syslog_header h;
	size_t len = strlen(line);
	/* the line sits in a buffer of exactly its length */
	char *copy = malloc(len ? len : 1);
	memcpy(copy, line, len);
	if (syslog_header_parse(&ctx, copy, len, &h) != 0)
		fail_msg("not a header: %s", line);
	assert_true(syslog_header_looks_like(copy, len));
	char buf[40];
	assert_string_equal(time_format_rfc3339_utc(h.time_ns, buf), w->time);
	assert_int_equal(h.host.len, strlen(w->host));
	assert_memory_equal(h.host.ptr ? h.host.ptr : "", w->host, h.host.len);
	assert_int_equal(h.tag.len, strlen(w->tag));
	assert_memory_equal(h.tag.ptr ? h.tag.ptr : "", w->tag, h.tag.len);
	assert_int_equal(h.msg_len, strlen(w->msg));
	assert_memory_equal(h.msg, w->msg, h.msg_len);
	assert_int_equal(h.has_year, w->has_year);
	assert_int_equal(h.has_zone, w->has_zone);
	free(copy);
}

static void test_bsd(void **state)
{
	(void)state;
	expect(REF_2023_01_10, "Jan  5 10:11:12 vultr kernel: [547219.375133] [UFW BLOCK] IN=",
	       &(struct hwant){"2023-01-05T10:11:12Z", "vultr", "kernel",
			       "[547219.375133] [UFW BLOCK] IN=", 0, 0});
	expect(REF_2023_01_10, "<4>Jan 15 10:11:12 vultr kernel: x",
	       &(struct hwant){"2022-01-15T10:11:12Z", "vultr", "kernel", "x", 0, 0});
	expect(REF_2023_01_10, "Dec 31 23:59:59 gw sshd[29665]: Received disconnect",
	       &(struct hwant){"2022-12-31T23:59:59Z", "gw", "sshd[29665]", "Received disconnect", 0,
			       0});
	/* "sshd(pam_unix)[19939]:" as old Red Hat writes it */
	expect(REF_2023_01_10, "Jan  1 15:16:01 combo sshd(pam_unix)[19939]: check pass",
	       &(struct hwant){"2023-01-01T15:16:01Z", "combo", "sshd(pam_unix)[19939]",
			       "check pass", 0, 0});
	/* a day written without padding */
	expect(REF_2023_01_10, "Jan 5 10:11:12 h kernel: m",
	       &(struct hwant){"2023-01-05T10:11:12Z", "h", "kernel", "m", 0, 0});
	/* journalctl -o short and short-precise */
	expect(REF_2023_01_10, "Jan 05 10:11:12 host kernel: msg",
	       &(struct hwant){"2023-01-05T10:11:12Z", "host", "kernel", "msg", 0, 0});
	expect(REF_2023_01_10, "Jan 05 10:11:12.123456 host kernel: msg",
	       &(struct hwant){"2023-01-05T10:11:12.123456Z", "host", "kernel", "msg", 0, 0});
	/* ulogd LOGEMU: no tag, the message follows the host */
	expect(REF_2023_01_10, "Jan  5 10:11:12 gw DROP-IN IN=eth0 OUT=",
	       &(struct hwant){"2023-01-05T10:11:12Z", "gw", "", "DROP-IN IN=eth0 OUT=", 0, 0});
	/* a daemon that leaves the host out */
	expect(REF_2023_01_10, "Jan  5 10:11:12 kernel: msg",
	       &(struct hwant){"2023-01-05T10:11:12Z", "", "kernel", "msg", 0, 0});
	/* tag at the very end */
	expect(REF_2023_01_10, "Jan  5 10:11:12 h kernel:",
	       &(struct hwant){"2023-01-05T10:11:12Z", "h", "kernel", "", 0, 0});
}

static void test_rfc3339(void **state)
{
	(void)state;
	expect(REF_2023_01_10, "2015-03-07T05:09:30.045015+02:00 servername kernel: DROP: IN=",
	       &(struct hwant){"2015-03-07T03:09:30.045015Z", "servername", "kernel", "DROP: IN=", 1,
			       1});
	expect(REF_2023_01_10, "2023-01-05T10:11:12+0100 vultr kernel: m",
	       &(struct hwant){"2023-01-05T09:11:12Z", "vultr", "kernel", "m", 1, 1});
	expect(REF_2023_01_10, "2023-01-05T10:11:12.123456-05:30 vultr kernel: m",
	       &(struct hwant){"2023-01-05T15:41:12.123456Z", "vultr", "kernel", "m", 1, 1});
	expect(REF_2023_01_10, "2023-01-05T10:11:12Z vultr kernel: m",
	       &(struct hwant){"2023-01-05T10:11:12Z", "vultr", "kernel", "m", 1, 1});
	/* no zone: local time in --tz (UTC here) */
	expect(REF_2023_01_10, "2023-01-05T10:11:12 vultr kernel: m",
	       &(struct hwant){"2023-01-05T10:11:12Z", "vultr", "kernel", "m", 1, 0});
	/* more than nine fraction digits: the rest is ignored */
	expect(REF_2023_01_10, "2023-01-05T10:11:12.1234567891Z h t: m",
	       &(struct hwant){"2023-01-05T10:11:12.123456789Z", "h", "t", "m", 1, 1});
}

static void test_rfc5424(void **state)
{
	(void)state;
	expect(REF_2023_01_10, "<4>1 2023-01-05T10:11:12.123Z vultr kernel - - - [UFW BLOCK] IN=",
	       &(struct hwant){"2023-01-05T10:11:12.123Z", "vultr", "kernel", "[UFW BLOCK] IN=", 1,
			       1});
	expect(REF_2023_01_10,
	       "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
	       "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
	       "[x@1 a=\"q\\\"]\"] \xef\xbb\xbf" "An application event",
	       &(struct hwant){"2003-10-11T22:14:15.003Z", "mymachine.example.com", "evntslog",
			       "An application event", 1, 1});
	/* nil host and app, no message at all */
	expect(REF_2023_01_10, "<13>1 2023-01-05T10:11:12+01:00 - - - - -",
	       &(struct hwant){"2023-01-05T09:11:12Z", "", "", "", 1, 1});
}

static void test_dmesg_t(void **state)
{
	(void)state;
	expect(REF_2023_01_10, "[Mon Feb 20 10:47:14 2023] IN=eth0",
	       &(struct hwant){"2023-02-20T10:47:14Z", "", "", "IN=eth0", 1, 0});
	expect(REF_2023_01_10, "[Thu Jan  5 10:11:12 2023] x",
	       &(struct hwant){"2023-01-05T10:11:12Z", "", "", "x", 1, 0});
}

static void test_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"hello world",
		"[  341.399450] IN=eth0",                       /* plain dmesg: no time */
		"Foo  5 10:11:12 h k: m",                        /* no month */
		"Jan 32 10:11:12 h k: m",                        /* no such day */
		"Jan  5 24:11:12 h k: m",                        /* no such hour */
		"Jan  5 10:61:12 h k: m",
		"Jan  5 10:11 h k: m",
		"Jan  5 10:11:12",                               /* nothing after the stamp */
		"Jan  5 10:11:12 ",
		"2023-13-05T10:11:12Z h k: m",
		"2023-01-05 10:11:12 h k: m",
		"2023-01-05T10:11:12+01 h k: m",
		"<4>1 - h app - - - msg",                        /* RFC 5424 without a time */
		"<4>1 2023-01-05T10:11:12Z h app - -",           /* no SD */
		"<4>1 2023-01-05T10:11:12Z h app - - [unclosed", /* SD not closed */
		"<1234>Jan  5 10:11:12 h k: m",
		"<x>Jan  5 10:11:12 h k: m",
		"0 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 +0200 policy DROP: IN=vmbr0.94",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct parse_ctx ctx;
		parse_ctx_init(&ctx, REF_2023_01_10, 0, NULL);
		struct syslog_header h;
		size_t len = strlen(bad[i]);
		char *copy = malloc(len ? len : 1);
		memcpy(copy, bad[i], len);
		if (syslog_header_parse(&ctx, copy, len, &h) == 0)
			fail_msg("accepted: %s", bad[i]);
		assert_false(syslog_header_looks_like(copy, len));
		free(copy);
	}
}

/* Every prefix of a long line of each kind, in an exact-size buffer. */
static void test_truncated(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"<4>May 29 06:53:55 vultr kernel: [547219.375133] [UFW BLOCK] IN=ens3",
		"2015-03-07T05:09:30.045015+02:00 servername kernel: DROP: IN=eth0",
		"<4>1 2023-01-05T10:11:12.123Z vultr kernel - - [a b=\"c\\]\"] \xef\xbb\xbfmsg",
		"[Thu Jan  5 10:11:12 2023] [UFW BLOCK] IN=ens3",
		"Jan 05 10:11:12.123456 vultr kernel: m",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		size_t len = strlen(lines[i]);
		for (size_t cut = 0; cut <= len; cut++) {
			char *copy = malloc(cut ? cut : 1);
			memcpy(copy, lines[i], cut);
			struct parse_ctx ctx;
			parse_ctx_init(&ctx, REF_2023_01_10, 0, NULL);
			struct syslog_header h;
			if (syslog_header_parse(&ctx, copy, cut, &h) == 0) {
				assert_true(h.msg >= copy && h.msg + h.msg_len <= copy + cut);
				assert_true(h.host.len == 0 ||
					    (h.host.ptr >= copy && h.host.ptr + h.host.len <= copy + cut));
			}
			(void)syslog_header_looks_like(copy, cut);
			free(copy);
		}
	}
}

static int setup(void **state)
{
	(void)state;
	return timeconv_set_zone("UTC");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bsd),      cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_rfc5424),  cmocka_unit_test(test_dmesg_t),
		cmocka_unit_test(test_refused),  cmocka_unit_test(test_truncated),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
