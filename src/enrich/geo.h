/* Country and ASN of an address (issue 6), from MaxMind DB files read
 * with libmaxminddb (GeoLite2/GeoIP2 Country, City and ASN, and the
 * ip-location-db country files; the kind is taken from the metadata) and
 * from ASN range CSVs ("start,end,asn,organisation" per line, as in the
 * ip-location-db asn package), loaded into a sorted table searched by
 * binary search. Lookups are read-only and thread-safe. */
#ifndef CLSCAN_GEO_H
#define CLSCAN_GEO_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "stats/geo_tables.h"

struct geo;

struct geo *geo_new(void);
void geo_free(struct geo *g);

/* Add one database: a .csv is an ASN range file, anything else an mmdb.
 * Returns 0, or -1 with the reason in err (a CSV with some bad lines
 * loads the rest and reports the first bad one in err, returning 0). */
int geo_add_file(struct geo *g, const char *path, char *err, size_t errlen);
/* Add every *.mmdb and asn*.csv of dir (in name order). Returns how many
 * loaded, or -1 if dir cannot be read. */
int geo_add_dir(struct geo *g, const char *dir, char *err, size_t errlen);
/* The default data directory, the first that exists of: $CLSCAN_GEOIP_DIR,
 * EXE_DIR/geo, EXE_DIR/../geo, $XDG_DATA_HOME/clscan/geo (else
 * ~/.local/share/clscan/geo), /usr/local/share/clscan/geo,
 * /usr/share/clscan/geo. NULL if none ($CLSCAN_GEOIP_DIR=none: none). */
const char *geo_default_dir(char *buf, size_t len);

int geo_has_country(const struct geo *g);
int geo_has_asn(const struct geo *g);
/* A directory's ASN CSVs load on a thread while the input is read;
 * anything asking for ASNs waits for it. geo_wait waits now and returns
 * the first problem the loading met (a message naming the file), or NULL. */
const char *geo_wait(struct geo *g);
/* Describes what is loaded, e.g. "geo-whois-asn-country.mmdb (country ipvAll)". */
const char *geo_country_source(const struct geo *g);
const char *geo_asn_source(const struct geo *g);

/* 0 and a code in cc, or -1 if no database knows the address. */
int geo_country(const struct geo *g, const struct ip_addr *a, char cc[3]);
/* geo_country for callbacks (ctx: the struct geo). */
int geo_country_cb(void *ctx, const struct ip_addr *a, char cc[3]);
/* 0 with *asn (and *org, valid while g lives, or NULL), or -1. */
int geo_asn(struct geo *g, const struct ip_addr *a, uint32_t *asn, const char **org);

/* The hooks stats_tables() calls. */
void geo_tables_hooks(struct geo *g, struct tables_geo *out);

/* ---- --include-country / --exclude-country ------------------------------ */

struct geo_filter {
	const struct geo *geo;
	uint8_t exclude[26 * 26 + 1]; /* by code index; the last is "unknown" */
	uint8_t include[26 * 26 + 1];
	int n_include;
	int n_exclude;
};

void geo_filter_init(struct geo_filter *f, const struct geo *g);
/* "JP,CN" (or "--" for unknown); returns 0, or -1 with err. */
int geo_filter_add(struct geo_filter *f, const char *list, int exclude, char *err, size_t errlen);
int geo_filter_active(const struct geo_filter *f);
/* Nonzero if a source in that country is in. Uses a per-thread cache of
 * recent addresses, so a source is looked up about once per thread. */
int geo_filter_pass(const struct geo_filter *f, const struct ip_addr *src);

/* ---- the ASN range table (exposed for tests and the fuzzer) -------------- */

struct asn_ranges;
struct asn_ranges *asn_ranges_new(void);
void asn_ranges_free(struct asn_ranges *r);
/* Parse CSV text; bad lines are counted (returned) and the first is
 * described in err as "NAME:LINE: reason". Call asn_ranges_finish() after
 * the last text. */
uint64_t asn_ranges_load_text(struct asn_ranges *r, const char *name, const char *text, size_t len,
			      char *err, size_t errlen);
void asn_ranges_finish(struct asn_ranges *r);
size_t asn_ranges_count(const struct asn_ranges *r);
int asn_ranges_lookup(const struct asn_ranges *r, const struct ip_addr *a, uint32_t *asn,
		      const char **org);

#endif
