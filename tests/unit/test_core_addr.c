/* Addresses: the hand-written IPv4 parser, IPv6 via inet_pton, RFC 5952
 * output, ordering and prefixes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/addr.h"

static int parse(const char *s, struct ip_addr *a)
{
	return addr_parse(s, strlen(s), a);
}

static const char *fmt(const char *s)
{
	static char buf[ADDR_STRLEN];
	struct ip_addr a;
	if (parse(s, &a) != 0)
		return "ERR";
	return addr_format(&a, buf);
}

static void test_v4(void **state)
{
	(void)state;
	struct ip_addr a;
	assert_int_equal(parse("192.241.219.198", &a), 0);
	assert_true(addr_is_v4(&a));
	assert_int_equal(addr_v4(&a), 0xC0F1DBC6u);
	static const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 241, 219, 198};
	assert_memory_equal(a.b, mapped, 16);
	assert_string_equal(fmt("0.0.0.0"), "0.0.0.0");
	assert_string_equal(fmt("255.255.255.255"), "255.255.255.255");
	assert_string_equal(fmt("10.0.0.1"), "10.0.0.1");
	/* padded octets are decimal, never octal */
	assert_string_equal(fmt("010.001.000.099"), "10.1.0.99");
	static const char *const bad[] = {
		"", "1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "1..2.3", ".1.2.3",
		"1.2.3.", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4x", "1.2.3.0004", "a.b.c.d", "1.2.3.-4",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse(bad[i], &a), -1);
	/* length is honoured: no reading past it */
	assert_int_equal(addr_parse("1.2.3.45", 7, &a), 0);
	assert_string_equal(addr_format(&a, (char[ADDR_STRLEN]){0}), "1.2.3.4");
	assert_int_equal(addr_parse_v4("1.2.3.4", 7, &a), 0);
	assert_int_equal(addr_parse_v4("::1", 3, &a), -1);
	addr_from_v4(0x7f000001, &a);
	assert_string_equal(addr_format(&a, (char[ADDR_STRLEN]){0}), "127.0.0.1");
}

static void test_v6(void **state)
{
	(void)state;
	/* RFC 5952: lower case, longest zero run compressed, leading zeros gone */
	assert_string_equal(fmt("2001:0db8:0000:f101:0000:0000:0000:0002"), "2001:db8:0:f101::2");
	assert_string_equal(fmt("ff02:0000:0000:0000:0000:0001:ff00:0001"), "ff02::1:ff00:1");
	assert_string_equal(fmt("2001:DB8::1"), "2001:db8::1");
	assert_string_equal(fmt("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
	assert_string_equal(fmt("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
	assert_string_equal(fmt("::"), "::");
	assert_string_equal(fmt("::1"), "::1");
	assert_string_equal(fmt("fe80::213:46ff:fe3a:4136"), "fe80::213:46ff:fe3a:4136");
	/* v4-mapped text is the same address as the dotted quad */
	struct ip_addr a, b;
	assert_int_equal(parse("::ffff:192.0.2.1", &a), 0);
	assert_int_equal(parse("192.0.2.1", &b), 0);
	assert_memory_equal(a.b, b.b, 16);
	assert_true(addr_is_v4(&a));
	static const char *const bad[] = {"1:2", ":::", "2001:db8::1::2", "2001:db8::g", "fe80::1%eth0",
					  "1:2:3:4:5:6:7:8:9"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse(bad[i], &a), -1);
	struct ip_addr z;
	assert_int_equal(parse("::", &z), 0);
	assert_true(addr_is_zero(&z));
	assert_false(addr_is_v4(&z));
	assert_false(addr_is_zero(&a));
}

static void test_cmp(void **state)
{
	(void)state;
	struct ip_addr a, b, c, d;
	parse("10.0.0.1", &a);
	parse("10.0.0.2", &b);
	parse("::1", &c);
	parse("2001:db8::1", &d);
	assert_true(addr_cmp(&a, &b) < 0);
	assert_true(addr_cmp(&b, &a) > 0);
	assert_int_equal(addr_cmp(&a, &a), 0);
	/* every IPv4 address sorts before every IPv6 one, even ::1 */
	assert_true(addr_cmp(&b, &c) < 0);
	assert_true(addr_cmp(&c, &a) > 0);
	assert_true(addr_cmp(&c, &d) < 0);
}

static void test_prefix(void **state)
{
	(void)state;
	struct ip_prefix p;
	struct ip_addr a;
	assert_int_equal(prefix_parse("10.0.0.0/8", 10, &p), 0);
	assert_int_equal(p.bits, 104);
	parse("10.255.1.2", &a);
	assert_true(prefix_contains(&p, &a));
	parse("11.0.0.0", &a);
	assert_false(prefix_contains(&p, &a));
	/* host bits are cleared */
	assert_int_equal(prefix_parse("192.168.1.77/24", 15, &p), 0);
	assert_string_equal(addr_format(&p.addr, (char[ADDR_STRLEN]){0}), "192.168.1.0");
	parse("192.168.1.200", &a);
	assert_true(prefix_contains(&p, &a));
	assert_int_equal(prefix_parse("192.168.1.128/25", 16, &p), 0);
	assert_true(prefix_contains(&p, &a));
	parse("192.168.1.127", &a);
	assert_false(prefix_contains(&p, &a));
	/* bare address = host prefix */
	assert_int_equal(prefix_parse("192.0.2.1", 9, &p), 0);
	assert_int_equal(p.bits, 128);
	parse("192.0.2.1", &a);
	assert_true(prefix_contains(&p, &a));
	/* IPv4 /0 holds all IPv4 and no IPv6 */
	assert_int_equal(prefix_parse("0.0.0.0/0", 9, &p), 0);
	assert_true(prefix_contains(&p, &a));
	parse("2001:db8::1", &a);
	assert_false(prefix_contains(&p, &a));
	assert_int_equal(prefix_parse("2001:db8::/32", 13, &p), 0);
	assert_int_equal(p.bits, 32);
	assert_true(prefix_contains(&p, &a));
	parse("2001:db9::1", &a);
	assert_false(prefix_contains(&p, &a));
	assert_int_equal(prefix_parse("::/0", 4, &p), 0);
	assert_true(prefix_contains(&p, &a));
	static const char *const bad[] = {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/8x", "2001:db8::/129",
					  "/8", "10.0.0.0/0008", "x/8"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(prefix_parse(bad[i], strlen(bad[i]), &p), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4),
		cmocka_unit_test(test_v6),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
