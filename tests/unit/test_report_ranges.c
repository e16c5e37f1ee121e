/* report_port_ranges: compact port lists and their safe truncation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/util.h"
#include "report/report.h"

static void check(const uint16_t *ports, size_t n, size_t buflen, const char *want)
{
	char buf[512];
	assert_true(buflen <= sizeof(buf) - 8);
	memset(buf, 'Z', sizeof(buf));
	report_port_ranges(ports, n, buf, buflen);
	assert_string_equal(buf, want);
	/* nothing written past buflen */
	for (size_t i = buflen; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 'Z');
}

static void test_empty(void **state)
{
	(void)state;
	check(NULL, 0, 16, "");
	uint16_t one = 5;
	check(&one, 0, 16, "");
}

static void test_single(void **state)
{
	(void)state;
	uint16_t p0 = 0, p1 = 65535, p2 = 22;
	check(&p0, 1, 16, "0");
	check(&p1, 1, 16, "65535");
	check(&p2, 1, 16, "22");
}

static void test_runs(void **state)
{
	(void)state;
	static const uint16_t p[] = {22, 80, 443, 1000, 1001, 1002, 1003, 1500};
	check(p, ARRAY_LEN(p), 64, "22,80,443,1000-1003,1500");
	static const uint16_t pair[] = {80, 81};
	check(pair, 2, 16, "80,81");
	static const uint16_t three[] = {80, 81, 82};
	check(three, 3, 16, "80-82");
	static const uint16_t tail[] = {1, 3, 65533, 65534, 65535};
	check(tail, 5, 64, "1,3,65533-65535");
}

static void test_duplicates(void **state)
{
	(void)state;
	static const uint16_t p[] = {22, 22, 23, 23, 24, 80, 80};
	check(p, ARRAY_LEN(p), 64, "22-24,80");
	static const uint16_t q[] = {7, 7, 7};
	check(q, 3, 16, "7");
	static const uint16_t r[] = {7, 7, 8};
	check(r, 3, 16, "7,8");
}

static void test_all_ports(void **state)
{
	(void)state;
	uint16_t *p = malloc(65536 * sizeof(*p));
	assert_non_null(p);
	for (size_t i = 0; i < 65536; i++)
		p[i] = (uint16_t)i;
	check(p, 65536, 16, "0-65535");
	/* every other port: far too long, must end in ",..." */
	size_t n = 0;
	for (size_t i = 0; i < 65536; i += 2)
		p[n++] = (uint16_t)i;
	char buf[64];
	report_port_ranges(p, n, buf, sizeof(buf));
	size_t len = strlen(buf);
	assert_true(len < sizeof(buf));
	assert_true(len >= 4);
	assert_string_equal(buf + len - 4, ",...");
	assert_memory_equal(buf, "0,2,4,6,8,10,", 13);
	free(p);
}

static void test_truncation(void **state)
{
	(void)state;
	static const uint16_t p[] = {10000, 20000, 30000, 40000, 50000};
	/* whole: "10000,20000,30000,40000,50000" = 29 chars */
	check(p, 5, 30, "10000,20000,30000,40000,50000");
	check(p, 5, 29, "10000,20000,30000,40000,...");
	check(p, 5, 16, "10000,20000,...");
	check(p, 5, 10, "10000,...");
	check(p, 5, 9, "...");
	check(p, 5, 4, "...");
	check(p, 5, 3, "..");
	check(p, 5, 1, "");
	/* buflen 0 writes nothing at all */
	char z = 'Z';
	report_port_ranges(p, 5, &z, 0);
	assert_int_equal(z, 'Z');
	report_port_ranges(p, 5, NULL, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),	     cmocka_unit_test(test_single),
		cmocka_unit_test(test_runs),	     cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_all_ports),    cmocka_unit_test(test_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
