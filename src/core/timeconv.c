/* Civil time <-> UTC for syslog stamps: proleptic Gregorian arithmetic (any
 * year), zone rules from libc (TZ, localtime_r) behind per-thread hour caches. */
#include "core/timeconv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define SEC_PER_DAY 86400
#define SEC_PER_HOUR 3600

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Shift the year to start in March so the leap day falls at the end, then
 * count whole 400-year eras (146097 days each) and days within the era. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	if (m <= 2)
		y -= 1;
	int64_t era = floor_div(y, 400);
	int64_t year_of_era = y - era * 400;                       /* 0..399 */
	int64_t month_from_march = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9; /* 0..11 */
	int64_t day_of_year = (153 * month_from_march + 2) / 5 + (int64_t)d - 1;
	int64_t day_of_era =
		year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	/* 719468 = days from 0000-03-01 to 1970-01-01 */
	return era * 146097 + day_of_era - 719468;
}

void civil_from_days(int64_t days, int *y, unsigned *m, unsigned *d)
{
	days += 719468;
	int64_t era = floor_div(days, 146097);
	int64_t day_of_era = days - era * 146097; /* 0..146096 */
	int64_t year_of_era =
		(day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	int64_t day_of_year =
		day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	int64_t mp = (5 * day_of_year + 2) / 153; /* month from March, 0..11 */
	int64_t dd = day_of_year - (153 * mp + 2) / 5 + 1;
	int64_t mm = mp < 10 ? mp + 3 : mp - 9;
	int64_t yy = year_of_era + era * 400 + (mm <= 2);
	*y = (int)yy;
	*m = (unsigned)mm;
	*d = (unsigned)dd;
}

/* ---- zone selection ---- */

static char zone_name[128] = "local";

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A POSIX TZ value with an explicit offset: "JST-9", "EST5EDT,M3.2.0,M11.1.0",
 * "<+0330>-3:30". Only the standard name and its offset are checked: glibc
 * silently treats anything it cannot read as UTC, which we want to refuse. */
static int looks_like_posix_tz(const char *s)
{
	const char *p = s;
	if (*p == '<') {
		const char *close = strchr(p, '>');
		if (!close || close - p < 4)
			return 0;
		p = close + 1;
	} else {
		while (is_alpha(*p))
			p++;
		if (p - s < 3)
			return 0;
	}
	if (*p == '+' || *p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	return 1;
}

static int zone_file_exists(const char *name)
{
	if (name[0] == '\0' || strstr(name, ".."))
		return 0;
	char path[512];
	int n;
	if (name[0] == '/')
		n = snprintf(path, sizeof(path), "%s", name);
	else
		n = snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return 0;
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int timeconv_set_zone(const char *tz)
{
	if (!tz || !*tz) {
		snprintf(zone_name, sizeof(zone_name), "%s", "local");
		return 0;
	}
	const char *file = tz[0] == ':' ? tz + 1 : tz;
	int ok = strcmp(file, "UTC") == 0 || strcmp(file, "GMT") == 0 ||
		 strcmp(file, "UTC0") == 0 || strcmp(file, "GMT0") == 0 ||
		 zone_file_exists(file) || (tz[0] != ':' && looks_like_posix_tz(tz));
	if (!ok)
		return -1;
	if (setenv("TZ", tz, 1) != 0)
		return -1;
	tzset();
	snprintf(zone_name, sizeof(zone_name), "%s", file);
	return 0;
}

const char *timeconv_zone_name(void)
{
	return zone_name;
}

/* ---- offsets ---- */

/* The zone's UTC offset at a UTC instant: the slow path, one libc call. */
static int64_t offset_at(int64_t utc)
{
	time_t t = (time_t)utc;
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return 0;
	return tm.tm_gmtoff;
}

/* Local times that a DST change makes ambiguous or impossible are resolved
 * as PEP 495's fold=0 does: an hour that occurs twice (autumn) is read as
 * its first occurrence, still in summer time; an hour that does not exist
 * (spring) is read with the offset in force before the gap, so "02:30" on
 * the Berlin spring-forward day is 01:30 UTC. Both rules are stateless per
 * line, which keeps parallel parsing deterministic. */
/* Offset to subtract from local seconds L, with the fold=0 rules above.
 * Offsets are less than a day, so the offsets one day either side of L
 * (read as if UTC) are the ones before and after any transition near L. */
static int64_t resolve_local(int64_t local)
{
	int64_t before = offset_at(local - SEC_PER_DAY);
	int64_t after = offset_at(local + SEC_PER_DAY);
	if (before == after)
		return before;
	int64_t u1 = local - before, u2 = local - after;
	int ok1 = offset_at(u1) == before, ok2 = offset_at(u2) == after;
	if (ok1 && ok2)
		return u1 < u2 ? before : after; /* twice: the first occurrence */
	if (ok1)
		return before;
	if (ok2)
		return after;
	return before; /* in the gap: the offset before it */
}

int64_t timeconv_local_to_utc(struct tz_cache *c, int year, unsigned mon, unsigned day,
			      unsigned hour, unsigned min, unsigned sec)
{
	int64_t local = days_from_civil(year, mon, day) * SEC_PER_DAY +
			(int64_t)hour * SEC_PER_HOUR + (int64_t)min * 60 + (int64_t)sec;
	int64_t bucket = floor_div(local, SEC_PER_HOUR);
	if (c->l2u_key == bucket + 1)
		return local - c->l2u_offset;
	int64_t start = bucket * SEC_PER_HOUR;
	/* Usual case: the same offset a day before and a day after the hour,
	 * so no transition touches it: two libc calls per hour of input. */
	int64_t o_start = offset_at(start - SEC_PER_DAY);
	int64_t o_end = offset_at(start + SEC_PER_HOUR + SEC_PER_DAY);
	if (o_start != o_end) {
		o_start = resolve_local(start);
		o_end = resolve_local(start + SEC_PER_HOUR - 1);
	}
	if (o_start == o_end) {
		c->l2u_key = bucket + 1;
		c->l2u_offset = o_start;
		return local - o_start;
	}
	/* A change inside this local hour (zones with half-hour rules):
	 * answer exactly and leave the cache alone. */
	return local - resolve_local(local);
}

int64_t timeconv_utc_offset(struct tz_cache *c, int64_t utc_sec)
{
	int64_t bucket = floor_div(utc_sec, SEC_PER_HOUR);
	if (c->u2l_key == bucket + 1)
		return c->u2l_offset;
	int64_t start = bucket * SEC_PER_HOUR;
	int64_t o_start = offset_at(start), o_end = offset_at(start + SEC_PER_HOUR - 1);
	if (o_start == o_end) {
		c->u2l_key = bucket + 1;
		c->u2l_offset = o_start;
		return o_start;
	}
	return offset_at(utc_sec);
}

/* ---- years ---- */

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

void year_ref_init(struct year_ref *r, int64_t ref_utc_sec, int forced_year)
{
	struct tz_cache c = {0};
	int64_t local = ref_utc_sec + timeconv_utc_offset(&c, ref_utc_sec);
	int64_t days = floor_div(local, SEC_PER_DAY);
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	r->year = y;
	r->ref_daynum = days;
	r->forced_year = forced_year;
}

int year_ref_infer(const struct year_ref *r, unsigned mon, unsigned day)
{
	int y = r->forced_year ? r->forced_year : r->year;
	if (!r->forced_year && days_from_civil(y, mon, day) > r->ref_daynum + 1)
		y--;
	/* Feb 29 exists only in leap years: the latest one not after y is the
	 * only reading under which the stamp is a real date. */
	if (mon == 2 && day == 29)
		for (int i = 0; i < 8 && !is_leap(y); i++)
			y--;
	return y;
}

unsigned month_from_abbr(const char *s)
{
	uint32_t k = (uint32_t)((unsigned char)s[0] | 0x20) << 16 |
		     (uint32_t)((unsigned char)s[1] | 0x20) << 8 |
		     (uint32_t)((unsigned char)s[2] | 0x20);
#define M3(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))
	switch (k) {
	case M3('j', 'a', 'n'): return 1;
	case M3('f', 'e', 'b'): return 2;
	case M3('m', 'a', 'r'): return 3;
	case M3('a', 'p', 'r'): return 4;
	case M3('m', 'a', 'y'): return 5;
	case M3('j', 'u', 'n'): return 6;
	case M3('j', 'u', 'l'): return 7;
	case M3('a', 'u', 'g'): return 8;
	case M3('s', 'e', 'p'): return 9;
	case M3('o', 'c', 't'): return 10;
	case M3('n', 'o', 'v'): return 11;
	case M3('d', 'e', 'c'): return 12;
	default: return 0;
	}
#undef M3
}

/* ---- formatting ---- */

static void split_ns(int64_t ns, int64_t *sec, int64_t *frac)
{
	*sec = floor_div(ns, NS_PER_SEC);
	*frac = ns - *sec * NS_PER_SEC;
}

static int format_civil(int64_t sec, char sep, char *buf, size_t cap)
{
	int64_t days = floor_div(sec, SEC_PER_DAY);
	int64_t rem = sec - days * SEC_PER_DAY;
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	return snprintf(buf, cap, "%04d-%02u-%02u%c%02u:%02u:%02u", y, m, d, sep,
			(unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
}

const char *time_format_rfc3339_utc(int64_t ns, char *buf)
{
	int64_t sec, frac;
	split_ns(ns, &sec, &frac);
	int n = format_civil(sec, 'T', buf, 40);
	if (n < 0 || n > 30)
		n = 30;
	if (frac) {
		/* Show milli-, micro- or nanoseconds, whichever is exact. */
		int digits = 9;
		while (digits > 3 && frac % 1000 == 0) {
			frac /= 1000;
			digits -= 3;
		}
		n += snprintf(buf + n, 40 - (size_t)n, ".%0*lld", digits, (long long)frac);
	}
	snprintf(buf + n, 40 - (size_t)n, "Z");
	return buf;
}

const char *time_format_local(struct tz_cache *c, int64_t ns, char *buf)
{
	int64_t sec, frac;
	split_ns(ns, &sec, &frac);
	format_civil(sec + timeconv_utc_offset(c, sec), ' ', buf, 40);
	return buf;
}
