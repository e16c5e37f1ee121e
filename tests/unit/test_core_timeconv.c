/* Civil dates, zones (fixed, DST both ways), the year rule, formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeconv.h"

static void test_civil_roundtrip(void **state)
{
	(void)state;
	assert_int_equal(days_from_civil(1970, 1, 1), 0);
	assert_int_equal(days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(days_from_civil(1969, 12, 31), -1);
	assert_int_equal(days_from_civil(2024, 2, 29) + 1, days_from_civil(2024, 3, 1));
	assert_int_equal(days_from_civil(2023, 2, 28) + 1, days_from_civil(2023, 3, 1));
	assert_int_equal(days_from_civil(2100, 2, 28) + 1, days_from_civil(2100, 3, 1));
	assert_int_equal(days_from_civil(0, 1, 1), -719528);
	/* every day over +-2000 years and back; checked against timegm too */
	for (int64_t d = -800000; d <= 800000; d += 7) {
		int y;
		unsigned m, dd;
		civil_from_days(d, &y, &m, &dd);
		assert_true(m >= 1 && m <= 12 && dd >= 1 && dd <= 31);
		assert_int_equal(days_from_civil(y, m, dd), d);
	}
	struct tm tm = {.tm_year = 2022 - 1900, .tm_mon = 4, .tm_mday = 29};
	assert_int_equal(days_from_civil(2022, 5, 29) * 86400, (int64_t)timegm(&tm));
}

static void test_zone_names(void **state)
{
	(void)state;
	assert_int_equal(timeconv_set_zone("UTC"), 0);
	assert_string_equal(timeconv_zone_name(), "UTC");
	assert_int_equal(timeconv_set_zone("Europe/Berlin"), 0);
	assert_string_equal(timeconv_zone_name(), "Europe/Berlin");
	assert_int_equal(timeconv_set_zone("JST-9"), 0);
	assert_int_equal(timeconv_set_zone("EST5EDT,M3.2.0,M11.1.0"), 0);
	assert_int_equal(timeconv_set_zone("<+0330>-3:30"), 0);
	assert_int_equal(timeconv_set_zone("Mars/Olympus_Mons"), -1);
	assert_int_equal(timeconv_set_zone("Europe/../../etc/passwd"), -1);
	assert_int_equal(timeconv_set_zone("Europe"), -1); /* a directory */
	assert_int_equal(timeconv_set_zone("XYZ"), -1);    /* no offset */
	assert_string_equal(timeconv_zone_name(), "<+0330>-3:30");
	assert_int_equal(timeconv_set_zone(""), 0);
	assert_string_equal(timeconv_zone_name(), "local");
	assert_int_equal(timeconv_set_zone("UTC"), 0);
}

static int64_t l2u(const char *tz, int y, unsigned mo, unsigned d, unsigned h, unsigned mi)
{
	assert_int_equal(timeconv_set_zone(tz), 0);
	struct tz_cache c = {0};
	return timeconv_local_to_utc(&c, y, mo, d, h, mi, 0);
}

#define UTC(y, mo, d, h, mi) (days_from_civil(y, mo, d) * 86400 + (h) * 3600 + (mi) * 60)

static void test_local_to_utc(void **state)
{
	(void)state;
	assert_int_equal(l2u("UTC", 2023, 7, 1, 12, 0), UTC(2023, 7, 1, 12, 0));
	assert_int_equal(l2u("JST-9", 2023, 7, 1, 12, 0), UTC(2023, 7, 1, 3, 0));
	assert_int_equal(l2u("<+0330>-3:30", 2023, 7, 1, 12, 0), UTC(2023, 7, 1, 8, 30));
	assert_int_equal(l2u("Europe/Berlin", 2023, 7, 1, 12, 0), UTC(2023, 7, 1, 10, 0));
	assert_int_equal(l2u("Europe/Berlin", 2023, 1, 1, 12, 0), UTC(2023, 1, 1, 11, 0));
	/* spring forward (02:00 -> 03:00 on 2023-03-26) */
	assert_int_equal(l2u("Europe/Berlin", 2023, 3, 26, 1, 59), UTC(2023, 3, 26, 0, 59));
	assert_int_equal(l2u("Europe/Berlin", 2023, 3, 26, 2, 30), UTC(2023, 3, 26, 1, 30));
	assert_int_equal(l2u("Europe/Berlin", 2023, 3, 26, 3, 0), UTC(2023, 3, 26, 1, 0));
	/* fall back (03:00 -> 02:00 on 2023-10-29): first occurrence */
	assert_int_equal(l2u("Europe/Berlin", 2023, 10, 29, 1, 30), UTC(2023, 10, 28, 23, 30));
	assert_int_equal(l2u("Europe/Berlin", 2023, 10, 29, 2, 30), UTC(2023, 10, 29, 0, 30));
	assert_int_equal(l2u("Europe/Berlin", 2023, 10, 29, 3, 0), UTC(2023, 10, 29, 2, 0));
	assert_int_equal(l2u("America/New_York", 2023, 7, 1, 12, 0), UTC(2023, 7, 1, 16, 0));
	assert_int_equal(l2u("America/New_York", 2023, 12, 1, 12, 0), UTC(2023, 12, 1, 17, 0));
	assert_int_equal(l2u("America/New_York", 2023, 3, 12, 2, 30), UTC(2023, 3, 12, 7, 30));
	assert_int_equal(l2u("America/New_York", 2023, 11, 5, 1, 30), UTC(2023, 11, 5, 5, 30));

	/* a warm cache answers the whole hour, and moves on with the hour */
	assert_int_equal(timeconv_set_zone("Europe/Berlin"), 0);
	struct tz_cache c = {0};
	for (unsigned h = 0; h < 24; h++)
		for (unsigned m = 0; m < 60; m += 13)
			assert_int_equal(timeconv_local_to_utc(&c, 2023, 10, 29, h, m, 7),
					 UTC(2023, 10, 29, h, m) + 7 - (h < 3 ? 7200 : 3600));
	assert_int_equal(timeconv_set_zone("UTC"), 0);
}

static void test_utc_offset_and_format(void **state)
{
	(void)state;
	char buf[40];
	assert_int_equal(timeconv_set_zone("Europe/Berlin"), 0);
	struct tz_cache c = {0};
	assert_int_equal(timeconv_utc_offset(&c, UTC(2023, 7, 1, 0, 0)), 7200);
	assert_int_equal(timeconv_utc_offset(&c, UTC(2023, 1, 1, 0, 0)), 3600);
	assert_int_equal(timeconv_utc_offset(&c, UTC(2023, 10, 29, 0, 59)), 7200);
	assert_int_equal(timeconv_utc_offset(&c, UTC(2023, 10, 29, 1, 0)), 3600);
	assert_string_equal(time_format_local(&c, UTC(2022, 5, 29, 6, 53) * NS_PER_SEC, buf),
			    "2022-05-29 08:53:00");
	assert_int_equal(timeconv_set_zone("UTC"), 0);
	struct tz_cache u = {0};
	assert_string_equal(time_format_local(&u, UTC(2022, 5, 29, 6, 53) * NS_PER_SEC + 5, buf),
			    "2022-05-29 06:53:00");
	assert_string_equal(time_format_rfc3339_utc(UTC(2022, 5, 29, 6, 53) * NS_PER_SEC, buf),
			    "2022-05-29T06:53:00Z");
	assert_string_equal(
		time_format_rfc3339_utc(UTC(2015, 3, 7, 3, 9) * NS_PER_SEC + 30045015000LL, buf),
		"2015-03-07T03:09:30.045015Z");
	assert_string_equal(time_format_rfc3339_utc(500000000LL, buf), "1970-01-01T00:00:00.500Z");
	assert_string_equal(time_format_rfc3339_utc(1, buf), "1970-01-01T00:00:00.000000001Z");
	assert_string_equal(time_format_rfc3339_utc(-1, buf), "1969-12-31T23:59:59.999999999Z");
}

static void test_year_ref(void **state)
{
	(void)state;
	assert_int_equal(timeconv_set_zone("UTC"), 0);
	struct year_ref r;
	year_ref_init(&r, UTC(2023, 1, 10, 12, 0), 0);
	assert_int_equal(r.year, 2023);
	assert_int_equal(year_ref_infer(&r, 1, 5), 2023);
	assert_int_equal(year_ref_infer(&r, 1, 11), 2023); /* reference + 1 day */
	assert_int_equal(year_ref_infer(&r, 1, 12), 2022);
	assert_int_equal(year_ref_infer(&r, 12, 31), 2022);
	assert_int_equal(year_ref_infer(&r, 2, 29), 2020); /* 2022 is no leap year */
	year_ref_init(&r, UTC(2024, 12, 31, 23, 0), 0);
	assert_int_equal(year_ref_infer(&r, 12, 31), 2024);
	assert_int_equal(year_ref_infer(&r, 1, 1), 2024);
	assert_int_equal(year_ref_infer(&r, 2, 29), 2024);
	year_ref_init(&r, UTC(2024, 12, 31, 23, 0), 2019);
	assert_int_equal(year_ref_infer(&r, 12, 31), 2019);
	/* the reference date is taken in the zone: 23:00Z is already Jan 1 in
	 * Berlin, so a Jan 2 line is still "this" (new) year */
	assert_int_equal(timeconv_set_zone("Europe/Berlin"), 0);
	year_ref_init(&r, UTC(2024, 12, 31, 23, 30), 0);
	assert_int_equal(r.year, 2025);
	assert_int_equal(year_ref_infer(&r, 1, 2), 2025);
	assert_int_equal(year_ref_infer(&r, 12, 31), 2024);
	assert_int_equal(timeconv_set_zone("UTC"), 0);
}

static void test_month_abbr(void **state)
{
	(void)state;
	static const char *const m[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	for (unsigned i = 0; i < 12; i++)
		assert_int_equal(month_from_abbr(m[i]), i + 1);
	assert_int_equal(month_from_abbr("jAN"), 1);
	assert_int_equal(month_from_abbr("DEC"), 12);
	assert_int_equal(month_from_abbr("Foo"), 0);
	assert_int_equal(month_from_abbr("Ja "), 0);
	assert_int_equal(month_from_abbr("\0\0\0"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_roundtrip),
		cmocka_unit_test(test_zone_names),
		cmocka_unit_test(test_local_to_utc),
		cmocka_unit_test(test_utc_offset_and_format),
		cmocka_unit_test(test_year_ref),
		cmocka_unit_test(test_month_abbr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
