/* CSV events: the header, RFC 4180 quoting, empty cells for absent fields
 * and the spreadsheet-formula guard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/timeconv.h"
#include "report/report.h"

#define HEADER                                                                          \
	"time,sensor,action,proto,src,dst,sport,dport,tcp_flags,icmp_type,icmp_code,ttl," \
	"ip_id,window,len,count,in,out,prefix,outcome,user,detail,file,line\n"

static char *render(const struct event *ev, const char *path, uint64_t line)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	report_csv_event(f, ev, path, line);
	fclose(f);
	return buf;
}

/* Number of fields in one CSV record, honouring quotes; -1 if the quoting
 * is broken. */
static int count_fields(const char *s)
{
	int n = 1, inq = 0;
	for (const char *p = s; *p; p++) {
		if (inq) {
			if (*p == '"') {
				if (p[1] == '"')
					p++;
				else
					inq = 0;
			}
		} else if (*p == '"') {
			if (p != s && p[-1] != ',')
				return -1;
			inq = 1;
		} else if (*p == ',') {
			n++;
		} else if (*p == '\n') {
			return p[1] ? -1 : n;
		}
	}
	return inq ? -1 : n;
}

static void test_header(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	report_csv_header(f);
	fclose(f);
	assert_string_equal(buf, HEADER);
	assert_int_equal(count_fields(buf), 24);
	free(buf);
}

static void test_full_row(void **state)
{
	(void)state;
	struct event ev;
	event_clear(&ev);
	ev.flags = EVENT_HAS_TIME | EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_PORTS |
		   EVENT_HAS_TCP_FLAGS | EVENT_HAS_TTL | EVENT_HAS_IP_ID | EVENT_HAS_WINDOW |
		   EVENT_HAS_LEN;
	ev.time_ns = 1652572817LL * NS_PER_SEC;
	ev.action = EVENT_ACTION_REJECT;
	ev.proto = 17;
	addr_from_v4(0x0a000001, &ev.src);
	addr_from_v4(0x0a000002, &ev.dst);
	ev.sport = 5353;
	ev.dport = 53;
	ev.tcp_flags = TCP_FLAG_SYN | TCP_FLAG_ACK;
	ev.ttl = 64;
	ev.ip_id = 7;
	ev.window = 512;
	ev.ip_len = 60;
	ev.count = 3;
	ev.sensor = (struct slice){"gw", 2};
	ev.in_if = (struct slice){"eth0", 4};
	ev.out_if = (struct slice){"eth1", 4};
	ev.prefix = (struct slice){"REJECT", 6};
	char *row = render(&ev, "/log/x", 12);
	assert_string_equal(row, "2022-05-15T00:00:17Z,gw,reject,udp,10.0.0.1,10.0.0.2,5353,53,SA,"
				 ",,64,7,512,60,3,eth0,eth1,REJECT,,,,/log/x,12\n");
	assert_int_equal(count_fields(row), 24);
	free(row);
}

static void test_absent(void **state)
{
	(void)state;
	struct event ev;
	event_clear(&ev);
	ev.proto = 1;
	ev.flags = EVENT_HAS_ICMP;
	ev.icmp_type = 8;
	char *row = render(&ev, NULL, 0);
	assert_string_equal(row, ",,,icmp,,,,,,8,0,,,,,1,,,,,,,,\n");
	assert_int_equal(count_fields(row), 24);
	free(row);
}

static void test_quoting(void **state)
{
	(void)state;
	struct event ev;
	event_clear(&ev);
	ev.proto = 6;
	ev.sensor = (struct slice){"a,b", 3};
	ev.in_if = (struct slice){"q\"x", 3};
	ev.out_if = (struct slice){"l1\nl2\r", 6};
	ev.prefix = (struct slice){"\"", 1};
	char *row = render(&ev, "dir,with \"quotes\"", 1);
	assert_string_equal(row, ",\"a,b\",,tcp,,,,,,,,,,,,1,\"q\"\"x\",\"l1\nl2\r\",\"\"\"\",,,,"
				 "\"dir,with \"\"quotes\"\"\",1\n");
	free(row);

	/* formula guard: = + - @ TAB CR lead to a leading apostrophe */
	static const struct {
		const char *in, *want;
	} g[] = {
		{"=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "\"'\rx\""},
		{"a=b", "a=b"},
	};
	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		event_clear(&ev);
		ev.proto = 6;
		ev.sensor = (struct slice){g[i].in, (uint32_t)strlen(g[i].in)};
		row = render(&ev, NULL, 0);
		char want[128];
		snprintf(want, sizeof(want), ",%s,,tcp,,,,,,,,,,,,1,,,,,,,,\n", g[i].want);
		assert_string_equal(row, want);
		free(row);
	}

	/* bytes pass through as logged, NUL and all; a long field crosses the
	 * write buffer */
	event_clear(&ev);
	char raw[3] = {'\xff', '\0', '\x1b'};
	ev.prefix = (struct slice){raw, 3};
	row = render(&ev, NULL, 0);
	assert_memory_equal(row + strlen(",,,0,,,,,,,,,,,,1,,,"), raw, 3);
	free(row);

	size_t big = 20000;
	char *s = malloc(big);
	memset(s, 'y', big);
	s[100] = '"';
	event_clear(&ev);
	ev.prefix = (struct slice){s, (uint32_t)big};
	row = render(&ev, NULL, 0);
	assert_int_equal(count_fields(row), 24);
	assert_int_equal(strlen(row), strlen(",,,0,,,,,,,,,,,,1,,,,,,,,\n") + big + 3);
	free(row);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_full_row),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_quoting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
