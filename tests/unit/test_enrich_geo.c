/* geo.c: country and ASN lookups in MaxMind DBs written at build time by
 * tools/mkmmdb.c (GeoLite2 and ip-location-db layouts; IPv4, IPv6,
 * v4-mapped, misses), the ASN range CSV loader (quotes, bad lines, order,
 * IPv6) and the country filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/addr.h"
#include "enrich/geo.h"

static struct ip_addr A(const char *s)
{
	struct ip_addr a;
	assert_int_equal(addr_parse(s, strlen(s), &a), 0);
	return a;
}

static struct geo *open_db(const char *name)
{
	char path[1024], err[512];
	snprintf(path, sizeof(path), "%s/%s", TEST_BUILD_DIR, name);
	struct geo *g = geo_new();
	assert_int_equal(geo_add_file(g, path, err, sizeof(err)), 0);
	return g;
}

static void expect_cc(const struct geo *g, const char *addr, const char *cc)
{
	char got[3];
	struct ip_addr a = A(addr);
	if (!cc) {
		assert_int_equal(geo_country(g, &a, got), -1);
		return;
	}
	assert_int_equal(geo_country(g, &a, got), 0);
	assert_string_equal(got, cc);
}

static void test_country_layouts(void **state)
{
	(void)state;
	const char *dbs[] = {"test-country.mmdb", "test-cc.mmdb"};
	for (size_t i = 0; i < 2; i++) {
		struct geo *g = open_db(dbs[i]);
		assert_true(geo_has_country(g));
		assert_false(geo_has_asn(g));
		expect_cc(g, "192.0.2.1", "JP");
		expect_cc(g, "192.0.2.255", "JP");
		expect_cc(g, "198.51.100.77", "DE");
		expect_cc(g, "203.0.113.127", "US");
		expect_cc(g, "203.0.113.128", NULL); /* just past the /25 */
		expect_cc(g, "10.200.1.1", "NL");
		expect_cc(g, "::ffff:192.0.2.9", "JP"); /* v4-mapped */
		expect_cc(g, "2001:db8:1:ffff::1", "FR");
		expect_cc(g, "2001:db8:2::1", NULL);
		expect_cc(g, "8.8.8.8", NULL);
		geo_free(g);
	}
}

static void test_asn_mmdb(void **state)
{
	(void)state;
	struct geo *g = open_db("test-asn.mmdb");
	assert_true(geo_has_asn(g));
	assert_false(geo_has_country(g));
	uint32_t asn = 0;
	const char *org = NULL;
	struct ip_addr a = A("192.0.2.44");
	assert_int_equal(geo_asn(g, &a, &asn, &org), 0);
	assert_int_equal(asn, 64500);
	assert_string_equal(org, "Example Net");
	a = A("2001:db8:1::9");
	assert_int_equal(geo_asn(g, &a, &asn, &org), 0);
	assert_int_equal(asn, 64501);
	assert_string_equal(org, "Example Six");
	a = A("198.51.100.1");
	assert_int_equal(geo_asn(g, &a, &asn, &org), -1);
	geo_free(g);
}

static void test_bad_file(void **state)
{
	(void)state;
	char err[512];
	struct geo *g = geo_new();
	assert_int_equal(geo_add_file(g, TEST_DATA_DIR "/../unit/test_enrich_geo.c", err,
				      sizeof(err)), -1);
	assert_non_null(strstr(err, "test_enrich_geo.c"));
	assert_int_equal(geo_add_file(g, "/nonexistent/x.mmdb", err, sizeof(err)), -1);
	assert_int_equal(geo_add_file(g, "/nonexistent/asn.csv", err, sizeof(err)), -1);
	assert_false(geo_has_country(g));
	expect_cc(g, "192.0.2.1", NULL);
	geo_free(g);
}

static void test_csv_ranges(void **state)
{
	(void)state;
	static const char text[] =
		"1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n"
		"9.9.9.0,9.9.9.255,19281,Quad9\r\n"
		"1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\n" /* out of order */
		"2001:db8::,2001:db8:0:ffff:ffff:ffff:ffff:ffff,64502,\"Say \"\"hi\"\"\"\n"
		"5.5.5.5,5.5.5.0,1,end before start\n"
		"not an address,1.2.3.4,1,x\n"
		"6.6.6.0,6.6.6.255,notanumber,x\n"
		"7.7.7.0,7.7.7.255,99999999999,too big\n"
		"8.8.8.0,::1,5,mixed families\n"
		"\n"
		"3.3.3.0,3.3.3.255,7\n"; /* no organisation */
	struct asn_ranges *r = asn_ranges_new();
	char err[256] = "";
	uint64_t bad = asn_ranges_load_text(r, "t.csv", text, sizeof(text) - 1, err, sizeof(err));
	asn_ranges_finish(r);
	assert_int_equal(bad, 5);
	assert_string_equal(err, "t.csv:5: end before start");
	assert_int_equal(asn_ranges_count(r), 5);
	uint32_t asn;
	const char *org;
	struct ip_addr a = A("1.0.0.9");
	assert_int_equal(asn_ranges_lookup(r, &a, &asn, &org), 0);
	assert_int_equal(asn, 13335);
	assert_string_equal(org, "Cloudflare, Inc.");
	a = A("1.0.5.1");
	assert_int_equal(asn_ranges_lookup(r, &a, &asn, &org), 0);
	assert_int_equal(asn, 38803);
	a = A("9.9.9.255");
	assert_int_equal(asn_ranges_lookup(r, &a, &asn, &org), 0);
	assert_string_equal(org, "Quad9");
	a = A("3.3.3.3");
	assert_int_equal(asn_ranges_lookup(r, &a, &asn, &org), 0);
	assert_int_equal(asn, 7);
	assert_null(org);
	a = A("2001:db8::42");
	assert_int_equal(asn_ranges_lookup(r, &a, &asn, &org), 0);
	assert_string_equal(org, "Say \"hi\"");
	const char *miss[] = {"1.0.1.0", "0.0.0.1", "10.0.0.1", "255.255.255.255", "2001:db9::1", "::1"};
	for (size_t i = 0; i < sizeof(miss) / sizeof(miss[0]); i++) {
		a = A(miss[i]);
		assert_int_equal(asn_ranges_lookup(r, &a, &asn, &org), -1);
	}
	asn_ranges_free(r);
}

static void test_filter(void **state)
{
	(void)state;
	struct geo *g = open_db("test-country.mmdb");
	struct geo_filter f;
	char err[256];
	geo_filter_init(&f, g);
	assert_false(geo_filter_active(&f));
	assert_int_equal(geo_filter_add(&f, "jp,--", 1, err, sizeof(err)), 0);
	assert_int_equal(geo_filter_add(&f, "JPN", 1, err, sizeof(err)), -1);
	assert_int_equal(geo_filter_add(&f, "J1", 0, err, sizeof(err)), -1);
	assert_true(geo_filter_active(&f));
	struct ip_addr jp = A("192.0.2.3"), de = A("198.51.100.3"), none = A("8.8.8.8");
	for (int round = 0; round < 2; round++) { /* the second from the cache */
		assert_false(geo_filter_pass(&f, &jp));
		assert_true(geo_filter_pass(&f, &de));
		assert_false(geo_filter_pass(&f, &none));
	}
	geo_filter_init(&f, g);
	assert_int_equal(geo_filter_add(&f, "DE", 0, err, sizeof(err)), 0);
	assert_false(geo_filter_pass(&f, &jp));
	assert_true(geo_filter_pass(&f, &de));
	geo_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_country_layouts),
		cmocka_unit_test(test_asn_mmdb),
		cmocka_unit_test(test_bad_file),
		cmocka_unit_test(test_csv_ranges),
		cmocka_unit_test(test_filter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
