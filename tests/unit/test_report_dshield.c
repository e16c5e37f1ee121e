/* The DShield writer (src/report/dshield.c): five events written as the
 * fixture tests/data/dshield/dshield_clscan.txt holds them byte for byte
 * (the parser's test reads the same file back), the events the format
 * cannot carry (no time, source or target), a NULL scan's empty flags, a
 * user id that would break the line, the earliest instant. */
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
#include "report/report.h"

static struct event mk(int64_t sec, uint32_t ns, const char *src, const char *dst, uint8_t proto,
		       uint32_t count)
{
	struct event ev;
	event_clear(&ev);
	ev.time_ns = sec * NS_PER_SEC + ns;
	ev.flags |= EVENT_HAS_TIME;
	if (src) {
		assert_int_equal(addr_parse(src, strlen(src), &ev.src), 0);
		ev.flags |= EVENT_HAS_SRC;
	}
	if (dst) {
		assert_int_equal(addr_parse(dst, strlen(dst), &ev.dst), 0);
		ev.flags |= EVENT_HAS_DST;
	}
	ev.proto = proto;
	ev.count = count;
	return ev;
}

static void ports(struct event *ev, uint16_t s, uint16_t d)
{
	ev->sport = s;
	ev->dport = d;
	ev->flags |= EVENT_HAS_PORTS;
}

/* 2023-04-28T13:53:49Z */
#define T0 1682690029LL

/* What a writer call puts out, as a string (the caller frees it). */
static char *written(const struct event *ev, const char *submitter, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	*ret = report_dshield_event(f, ev, submitter);
	fclose(f);
	return buf;
}

static void test_fixture(void **state)
{
	(void)state;
	struct event evs[5];
	evs[0] = mk(T0, 123000000, "192.0.2.4", "198.51.100.29", IPPROTO_NUM_TCP, 3);
	ports(&evs[0], 52404, 80);
	evs[0].tcp_flags = TCP_FLAG_SYN;
	evs[0].flags |= EVENT_HAS_TCP_FLAGS;
	evs[1] = mk(T0 + 1, 0, "192.0.2.4", "198.51.100.29", IPPROTO_NUM_ICMP, 1);
	evs[1].icmp_type = 3;
	evs[1].icmp_code = 3;
	evs[1].flags |= EVENT_HAS_ICMP;
	evs[2] = mk(T0 + 2, 999999999, "192.0.2.5", "198.51.100.29", IPPROTO_NUM_UDP, 7);
	ports(&evs[2], 1031, 137);
	evs[3] = mk(T0 + 3, 0, "2001:db8::6", "2001:db8:1::29", IPPROTO_NUM_TCP, 2);
	ports(&evs[3], 40000, 22);
	evs[3].tcp_flags = TCP_FLAG_SYN | TCP_FLAG_ACK | TCP_FLAG_ECE | TCP_FLAG_CWR;
	evs[3].flags |= EVENT_HAS_TCP_FLAGS;
	evs[4] = mk(T0 + 4, 0, "192.0.2.6", "198.51.100.29", 47, 1);

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(report_dshield_event(f, &evs[i], "12345"), 0);
	fclose(f);

	char path[512];
	snprintf(path, sizeof(path), "%s/dshield/dshield_clscan.txt", TEST_DATA_DIR);
	FILE *g = fopen(path, "rb");
	assert_non_null(g);
	char want[4096];
	size_t n = fread(want, 1, sizeof(want), g);
	fclose(g);
	if (n != len || memcmp(want, buf, n) != 0)
		fail_msg("written:\n%s\nwanted:\n%.*s", buf, (int)n, want);
	free(buf);
}

static void test_edges(void **state)
{
	(void)state;
	int r;
	char *out;

	/* what DShield cannot take */
	struct event ev = mk(T0, 0, "192.0.2.4", NULL, IPPROTO_NUM_TCP, 1);
	out = written(&ev, "0", &r);
	assert_int_equal(r, -1);
	assert_string_equal(out, "");
	free(out);
	ev = mk(T0, 0, NULL, "192.0.2.4", IPPROTO_NUM_TCP, 1);
	out = written(&ev, "0", &r);
	assert_int_equal(r, -1);
	free(out);
	ev = mk(T0, 0, "192.0.2.4", "198.51.100.1", IPPROTO_NUM_TCP, 1);
	ev.flags &= ~(uint32_t)EVENT_HAS_TIME;
	out = written(&ev, "0", &r);
	assert_int_equal(r, -1);
	free(out);
	/* the earliest instant an event can hold still has a 4-digit year */
	ev = mk(0, 0, "192.0.2.4", "198.51.100.1", IPPROTO_NUM_TCP, 1);
	ev.time_ns = INT64_MIN;
	out = written(&ev, "0", &r);
	assert_int_equal(r, 0);
	assert_memory_equal(out, "1677-09-21 00:12:43 +00:00\t", 27);
	free(out);

	/* a NULL scan: the format has no way to say "no flags" */
	ev = mk(T0, 0, "192.0.2.4", "198.51.100.1", IPPROTO_NUM_TCP, 0);
	ports(&ev, 1, 2);
	ev.flags |= EVENT_HAS_TCP_FLAGS;
	out = written(&ev, NULL, &r);
	assert_int_equal(r, 0);
	assert_string_equal(out, "2023-04-28 13:53:49 +00:00\t0\t1\t192.0.2.4\t1\t198.51.100.1\t2\tTCP\t\n");
	free(out);

	/* a user id that could break the line becomes "0"; ICMP without
	 * type/code and TCP without ports give "???"; protocol 0 too */
	ev = mk(T0, 0, "192.0.2.4", "198.51.100.1", IPPROTO_NUM_ICMP, 1);
	out = written(&ev, "12\t34", &r);
	assert_int_equal(r, 0);
	assert_string_equal(out,
			    "2023-04-28 13:53:49 +00:00\t0\t1\t192.0.2.4\t???\t198.51.100.1\t???\tICMP\t\n");
	free(out);
	ev = mk(T0, 0, "192.0.2.4", "198.51.100.1", 0, 1);
	out = written(&ev, "", &r);
	assert_string_equal(out,
			    "2023-04-28 13:53:49 +00:00\t0\t1\t192.0.2.4\t???\t198.51.100.1\t???\t???\t\n");
	free(out);
	ev = mk(T0, 0, "::ffff:192.0.2.4", "2001:db8::1", IPPROTO_NUM_ICMPV6, 4000000000u);
	ev.icmp_type = 128;
	ev.flags |= EVENT_HAS_ICMP;
	out = written(&ev, "abc-1.x_y", &r);
	assert_string_equal(
		out, "2023-04-28 13:53:49 +00:00\tabc-1.x_y\t4000000000\t192.0.2.4\t128\t2001:db8::1\t0\t58\t\n");
	free(out);
}

static int setup(void **state)
{
	(void)state;
	return timeconv_set_zone("UTC");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_edges),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
