/* filter.c: include/exclude expressions (CIDR v4 and v6, port ranges,
 * protocols; OR within a field, AND across fields), errors that leave the
 * filter unchanged, and --since/--until times with zones and spans. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/addr.h"
#include "core/timeconv.h"
#include "enrich/filter.h"

static struct event ev_of(const char *src, const char *dst, uint8_t proto, uint16_t sport,
			  uint16_t dport)
{
	struct event ev;
	event_clear(&ev);
	if (src) {
		assert_int_equal(addr_parse(src, strlen(src), &ev.src), 0);
		ev.flags |= EVENT_HAS_SRC;
	}
	if (dst) {
		assert_int_equal(addr_parse(dst, strlen(dst), &ev.dst), 0);
		ev.flags |= EVENT_HAS_DST;
	}
	ev.proto = proto;
	if (proto == IPPROTO_NUM_TCP || proto == IPPROTO_NUM_UDP) {
		ev.sport = sport;
		ev.dport = dport;
		ev.flags |= EVENT_HAS_PORTS;
	}
	return ev;
}

static void add_ok(struct filter *f, const char *expr, int exclude)
{
	char err[128];
	if (filter_add(f, expr, exclude, err, sizeof(err)) != 0)
		fail_msg("filter_add(%s): %s", expr, err);
}

static void test_empty(void **state)
{
	(void)state;
	struct filter f;
	filter_init(&f);
	assert_true(filter_is_empty(&f));
	struct event ev = ev_of(NULL, NULL, 0, 0, 0);
	assert_true(filter_match(&f, &ev));
	filter_fini(&f);
	filter_fini(NULL);
}

static void test_cidr(void **state)
{
	(void)state;
	struct filter f;
	filter_init(&f);
	add_ok(&f, "src=10.0.0.0/8", 0);
	add_ok(&f, "src = 2001:db8::/32", 0); /* same field: either */
	assert_false(filter_is_empty(&f));
	struct event a = ev_of("10.1.2.3", "192.0.2.1", IPPROTO_NUM_TCP, 1, 22);
	struct event b = ev_of("2001:db8:5::1", "192.0.2.1", IPPROTO_NUM_TCP, 1, 22);
	struct event c = ev_of("11.0.0.1", "192.0.2.1", IPPROTO_NUM_TCP, 1, 22);
	struct event d = ev_of("2001:db9::1", "192.0.2.1", IPPROTO_NUM_TCP, 1, 22);
	struct event e = ev_of(NULL, "192.0.2.1", IPPROTO_NUM_TCP, 1, 22);
	assert_true(filter_match(&f, &a));
	assert_true(filter_match(&f, &b));
	assert_false(filter_match(&f, &c));
	assert_false(filter_match(&f, &d));
	assert_false(filter_match(&f, &e)); /* no source: cannot be in */

	/* Another field must hold too. */
	add_ok(&f, "dst=192.0.2.0/25", 0);
	assert_true(filter_match(&f, &a));
	struct event a2 = ev_of("10.1.2.3", "192.0.2.200", IPPROTO_NUM_TCP, 1, 22);
	assert_false(filter_match(&f, &a2));

	/* Any exclude drops; a bare address is a host prefix. */
	add_ok(&f, "src=10.1.2.3", 1);
	assert_false(filter_match(&f, &a));
	struct event a3 = ev_of("10.1.2.4", "192.0.2.1", IPPROTO_NUM_TCP, 1, 22);
	assert_true(filter_match(&f, &a3));
	filter_fini(&f);

	/* An IPv4 prefix does not take in IPv6 addresses, nor ::/0 IPv4 ones
	 * unless written so. */
	filter_init(&f);
	add_ok(&f, "dst=0.0.0.0/0", 0);
	struct event v6 = ev_of("10.0.0.1", "2001:db8::1", IPPROTO_NUM_TCP, 1, 1);
	assert_false(filter_match(&f, &v6));
	assert_true(filter_match(&f, &a));
	filter_fini(&f);
}

static void test_ports_proto(void **state)
{
	(void)state;
	struct filter f;
	filter_init(&f);
	add_ok(&f, "port=1000-2000, 22", 0);
	add_ok(&f, "proto=tcp,udp", 0);
	struct event in1 = ev_of("192.0.2.9", "192.0.2.1", IPPROTO_NUM_TCP, 5, 22);
	struct event in2 = ev_of("192.0.2.9", "192.0.2.1", IPPROTO_NUM_UDP, 5, 1000);
	struct event in3 = ev_of("192.0.2.9", "192.0.2.1", IPPROTO_NUM_TCP, 5, 2000);
	struct event out1 = ev_of("192.0.2.9", "192.0.2.1", IPPROTO_NUM_TCP, 22, 2001);
	struct event out2 = ev_of("192.0.2.9", "192.0.2.1", IPPROTO_NUM_ICMP, 0, 0);
	assert_true(filter_match(&f, &in1));
	assert_true(filter_match(&f, &in2));
	assert_true(filter_match(&f, &in3));
	assert_false(filter_match(&f, &out1)); /* sport does not count as port */
	assert_false(filter_match(&f, &out2));
	add_ok(&f, "sport=53", 1);
	struct event dns = ev_of("192.0.2.9", "192.0.2.1", IPPROTO_NUM_UDP, 53, 1500);
	assert_false(filter_match(&f, &dns));
	filter_fini(&f);

	filter_init(&f);
	add_ok(&f, "proto=ICMP", 0);
	add_ok(&f, "proto=58", 0);
	add_ok(&f, "proto=icmpv6", 0);
	struct event icmp = ev_of("192.0.2.9", NULL, IPPROTO_NUM_ICMP, 0, 0);
	struct event icmp6 = ev_of("2001:db8::9", NULL, IPPROTO_NUM_ICMPV6, 0, 0);
	struct event gre = ev_of("192.0.2.9", NULL, 47, 0, 0);
	assert_true(filter_match(&f, &icmp));
	assert_true(filter_match(&f, &icmp6));
	assert_false(filter_match(&f, &gre));
	add_ok(&f, "proto=gre", 0);
	assert_true(filter_match(&f, &gre));
	add_ok(&f, "dport=0-65535", 1); /* excludes everything with ports */
	assert_true(filter_match(&f, &gre));
	filter_fini(&f);
}

static void test_errors(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"port=70000", "port=5-3", "port=", "port=a", "port=1,,2", "port=1-", "port=-1",
		"src=300.1.1.1", "src=10.0.0.0/33", "src=2001:db8::/129", "src=", "foo=1",
		"src", "proto=xyz", "proto=256", "=22", "dst=10.0.0.1 10.0.0.2",
	};
	struct filter f;
	filter_init(&f);
	add_ok(&f, "port=22", 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[128] = "";
		if (filter_add(&f, bad[i], i % 2, err, sizeof(err)) != -1)
			fail_msg("accepted %s", bad[i]);
		assert_true(err[0] != '\0');
	}
	/* The failures left the filter as it was. */
	assert_int_equal(f.n_include, 1);
	assert_int_equal(f.n_exclude, 0);
	assert_int_equal(f.include_fields, 1u << FILTER_PORT);
	/* One bad value in a list adds none of the list. */
	assert_int_equal(filter_add(&f, "port=80,443,x", 0, NULL, 0), -1);
	assert_int_equal(f.n_include, 1);
	assert_int_equal(filter_add(&f, NULL, 0, NULL, 0), -1);
	filter_fini(&f);
}

static void test_window(void **state)
{
	(void)state;
	struct filter f;
	filter_init(&f);
	f.since_ns = 1000 * NS_PER_SEC;
	f.until_ns = 2000 * NS_PER_SEC;
	assert_false(filter_is_empty(&f));
	struct event ev = ev_of("192.0.2.1", NULL, IPPROTO_NUM_TCP, 1, 1);
	assert_false(filter_match(&f, &ev)); /* no time: not shown to be inside */
	ev.flags |= EVENT_HAS_TIME;
	ev.time_ns = 1000 * NS_PER_SEC;
	assert_true(filter_match(&f, &ev));
	ev.time_ns = 1000 * NS_PER_SEC - 1;
	assert_false(filter_match(&f, &ev));
	ev.time_ns = 2000 * NS_PER_SEC - 1;
	assert_true(filter_match(&f, &ev));
	ev.time_ns = 2000 * NS_PER_SEC;
	assert_false(filter_match(&f, &ev));
	f.since_ns = 0;
	ev.time_ns = 5;
	assert_true(filter_match(&f, &ev));
	filter_fini(&f);
}

static int64_t utc_ns(int y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s)
{
	return (days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * NS_PER_SEC;
}

static void test_parse_time(void **state)
{
	(void)state;
	int64_t t = 0;
	const int64_t now = utc_ns(2024, 3, 1, 12, 0, 0);
	assert_int_equal(timeconv_set_zone("UTC"), 0);
	assert_int_equal(filter_parse_time("2022-05-29", now, &t), 0);
	assert_true(t == utc_ns(2022, 5, 29, 0, 0, 0));
	assert_int_equal(filter_parse_time("2022-05-29 06:53", now, &t), 0);
	assert_true(t == utc_ns(2022, 5, 29, 6, 53, 0));
	assert_int_equal(filter_parse_time("2022-05-29T06:53:55", now, &t), 0);
	assert_true(t == utc_ns(2022, 5, 29, 6, 53, 55));
	assert_int_equal(filter_parse_time("2022-05-29T06:53:55Z", now, &t), 0);
	assert_true(t == utc_ns(2022, 5, 29, 6, 53, 55));
	assert_int_equal(filter_parse_time("2022-05-29T06:53:55.25Z", now, &t), 0);
	assert_true(t == utc_ns(2022, 5, 29, 6, 53, 55) + NS_PER_SEC / 4);
	assert_int_equal(filter_parse_time("2022-05-29T06:53:55+02:00", now, &t), 0);
	assert_true(t == utc_ns(2022, 5, 29, 4, 53, 55));
	assert_int_equal(filter_parse_time("2022-05-29 06:53-0530", now, &t), 0);
	assert_true(t == utc_ns(2022, 5, 29, 12, 23, 0));
	assert_int_equal(filter_parse_time("2024-02-29", now, &t), 0);
	assert_int_equal(filter_parse_time("24h", now, &t), 0);
	assert_true(t == now - 24 * 3600 * NS_PER_SEC);
	assert_int_equal(filter_parse_time("7d", now, &t), 0);
	assert_true(t == now - 7 * 86400 * NS_PER_SEC);
	assert_int_equal(filter_parse_time(" 30m ", now, &t), 0);
	assert_true(t == now - 30 * 60 * NS_PER_SEC);
	assert_int_equal(filter_parse_time("2w", now, &t), 0);
	assert_true(t == now - 14 * 86400 * NS_PER_SEC);

	static const char *const bad[] = {
		"", "yesterday", "24x", "h", "2022-13-01", "2022-02-29", "2022-02-30", "2022-5-29",
		"2022-05-29T25:00", "2022-05-29T06:60", "2022-05-29T06:53:55+2", "2022-05-29X",
		"2022-05-29T06:53:55Zjunk", "2022-05-29T06:53:55.", "1969-12-31", "99999999999999999999d",
		"2022-05-29T", "2022-05-29 06",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (filter_parse_time(bad[i], now, &t) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_int_equal(filter_parse_time(NULL, now, &t), -1);

	/* Without a zone, times are in the chosen one. */
	assert_int_equal(timeconv_set_zone("Europe/Berlin"), 0);
	assert_int_equal(filter_parse_time("2022-05-29 06:53", now, &t), 0);
	assert_true(t == utc_ns(2022, 5, 29, 4, 53, 0));
	assert_int_equal(filter_parse_time("2022-01-15", now, &t), 0);
	assert_true(t == utc_ns(2022, 1, 14, 23, 0, 0));
	assert_int_equal(filter_parse_time("2022-01-15T00:00Z", now, &t), 0);
	assert_true(t == utc_ns(2022, 1, 15, 0, 0, 0));
	assert_int_equal(timeconv_set_zone("UTC"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_ports_proto),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_parse_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
