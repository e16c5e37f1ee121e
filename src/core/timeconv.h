/* Civil time <-> UTC. Syslog stamps are wall-clock time in some zone with
 * no year; this module holds the zone (from --tz, default the machine's),
 * the year inference rule, and per-thread caches so that converting a
 * stamp costs a few arithmetic operations, not a mktime() call. */
#ifndef CLSCAN_TIMECONV_H
#define CLSCAN_TIMECONV_H

#include <stdint.h>

#define NS_PER_SEC 1000000000LL

/* Days since 1970-01-01 of a proleptic Gregorian date (any year). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
/* Inverse of days_from_civil. */
void civil_from_days(int64_t days, int *y, unsigned *m, unsigned *d);

/* Select the zone for local-time conversion: NULL or "" keeps the
 * machine's zone; otherwise a TZ value ("UTC", "Europe/Berlin", "JST-9").
 * Must be called before any worker thread starts. Returns 0, or -1 if the
 * zone name is not known to the system's zone database. */
int timeconv_set_zone(const char *tz);
/* The zone's name for reports ("UTC", "Europe/Berlin", or "local"). */
const char *timeconv_zone_name(void);

/* A per-thread cache; zero-initialise it (= {0}) before first use. */
struct tz_cache {
	int64_t l2u_key;    /* local hour bucket cached below, +1 (0 = empty) */
	int64_t l2u_offset; /* seconds to subtract from local to get UTC */
	int64_t u2l_key;
	int64_t u2l_offset;
};

/* Local civil time in the chosen zone to UTC seconds since the epoch. */
int64_t timeconv_local_to_utc(struct tz_cache *c, int year, unsigned mon, unsigned day,
			      unsigned hour, unsigned min, unsigned sec);
/* UTC seconds to the zone's UTC offset in seconds at that instant. */
int64_t timeconv_utc_offset(struct tz_cache *c, int64_t utc_sec);

/* Year inference for stamps without a year ("May 29 06:53:55"):
 * a file's lines are taken to lie in the year of its reference time (the
 * file's mtime, or now for stdin), except that a date more than one day
 * after the reference belongs to the previous year. This is stateless per
 * line, handles the New Year wrap within one file and across a rotated
 * set, and lets chunks of a file be parsed in parallel. */
struct year_ref {
	int year;            /* reference year in the zone */
	int64_t ref_daynum;  /* days_from_civil of the reference date */
	int forced_year;     /* --year, or 0 */
};
void year_ref_init(struct year_ref *r, int64_t ref_utc_sec, int forced_year);
int year_ref_infer(const struct year_ref *r, unsigned mon, unsigned day);

/* Month abbreviation ("Jan".."Dec", any case) at s[0..3) -> 1..12, or 0. */
unsigned month_from_abbr(const char *s);

/* Format UTC ns as "2022-05-29T06:53:55.123456Z" (frac digits only if
 * non-zero) into buf (>= 40). */
const char *time_format_rfc3339_utc(int64_t ns, char *buf);
/* Format as local time in the chosen zone, "2022-05-29 08:53:55". */
const char *time_format_local(struct tz_cache *c, int64_t ns, char *buf);

#endif
