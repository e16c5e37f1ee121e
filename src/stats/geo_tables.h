/* The report's second-level tables (issue 6): per country, per port with
 * the countries it came from, per target host its ports, services per
 * month with advisory markers, the busiest ports' trend against their own
 * baseline, and the top talkers with country, ASN and detector labels.
 *
 * Built once after the merge by stats_tables() from the merged stats and
 * the summary; every address is looked up once (per distinct source, not
 * per event). The text, JSON and HTML reports only read this struct.
 * Every list is in a total order (ties broken by code, port, address), so
 * the output does not depend on hashing or thread split. */
#ifndef CLSCAN_GEO_TABLES_H
#define CLSCAN_GEO_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "enrich/catalog.h"

struct stats;
struct summary;

/* "--" is the country of an address no database knows (JSON: null). */
#define TABLES_CC_UNKNOWN "--"
#define TABLES_TOP_PORTS 5         /* ports per country (the Beholder layout) */
#define TABLES_PORT_COUNTRIES 10   /* countries listed per port */
#define TABLES_TARGET_PORTS 20     /* ports listed per target host */
#define TABLES_TREND_DAYS 30       /* baseline days before the trend day */

/* Lookups the tables use. Any member may be NULL (no such database):
 * countries are then unknown, ASNs 0. Both are called once per distinct
 * address, from one thread. */
struct tables_geo {
	void *ctx;
	/* Writes a 2-letter code and a NUL into cc; returns 0, or -1 if unknown. */
	int (*country)(void *ctx, const struct ip_addr *a, char cc[3]);
	/* Sets *asn (and *org, owned by ctx, or NULL); returns 0, or -1 if unknown. */
	int (*asn)(void *ctx, const struct ip_addr *a, uint32_t *asn, const char **org);
	const char *country_source; /* e.g. "GeoLite2-Country 2026-11-30", or NULL */
	const char *asn_source;
};

struct tables_port_count {
	uint8_t proto;
	uint16_t port;               /* ICMP: the type */
	uint64_t count;
};

/* Per country: events and sources are exact. Its ports are ranked by
 * distinct sources of that country that hit them (folded from the
 * (source, port) pairs after the merge, so no per-event cost): count is a
 * source count here. */
struct tables_country {
	char cc[3];                  /* ISO 3166-1 alpha-2, or "--" */
	uint64_t events;
	uint64_t sources;
	double share;                /* events / all events with a source, 0..1 */
	struct tables_port_count top[TABLES_TOP_PORTS]; /* by sources */
	size_t n_top;
};

struct tables_cc_count {
	char cc[3];
	uint64_t sources;            /* distinct sources of that country on the port */
};

/* Port -> what -> countries: one row per row of summary.ports, same order. */
struct tables_port {
	uint8_t proto;
	uint16_t port;
	uint64_t events;
	const struct service *svc;   /* catalog entry (its note), or NULL */
	struct tables_cc_count countries[TABLES_PORT_COUNTRIES]; /* by sources */
	size_t n_countries;
	uint64_t countries_total;    /* distinct countries (incl. unknown) */
};

/* The honeypot study's Table 1, per target host: one row per row of
 * summary.targets, same order; ports by events. */
struct tables_target {
	struct ip_addr addr;
	uint64_t events;
	struct tables_port_count ports[TABLES_TARGET_PORTS]; /* count = events */
	size_t n_ports;
	uint64_t ports_total;        /* distinct ports counted for this host */
};

/* A dated marker from a catalog note: "LABEL (YYYY-MM-DD)". */
struct tables_marker {
	int64_t day;                 /* yyyymmdd */
	char label[32];              /* "MS00-047" */
};

/* One service's events per month, aligned with tables.months. Services
 * are the ports the catalog names (counted per month as they come); the
 * busiest TABLES_OPTIONS.top_series of them are listed. */
struct tables_series {
	uint8_t proto;
	uint16_t port;
	const struct service *svc;
	uint64_t events;             /* total over all months */
	uint64_t *per_month;         /* n_months values */
	struct tables_marker *markers; /* every marker of the service's note */
	size_t n_markers;
};

/* Trend of one port: the trend day (the last day with events) against the
 * TABLES_TREND_DAYS days before it:
 *   baseline = events on those days / TABLES_TREND_DAYS (days without
 *              events count as 0; fewer days of history: divided by those)
 *   score    = (last + 1) / (baseline + 1)
 * Rows: ports with events on the trend day and a score above 1, sorted by
 * score, then events on the trend day. A port with none on any earlier
 * day of the log is new (is_new = 1): its baseline is 0, so its score is
 * its count + 1 and a new campaign on a rare port rises to the top. */
struct tables_trend {
	uint8_t proto;
	uint16_t port;
	const struct service *svc;
	uint64_t last;               /* events on the trend day */
	double baseline;             /* mean per day before it */
	double score;
	int is_new;
};

enum tables_label {
	TABLES_LABEL_NONE = 0,       /* no finding */
	TABLES_LABEL_BURST,          /* at least one finding in the short window */
	TABLES_LABEL_SLOW,           /* found only by the slow window */
};
/* "burst", "slow", or NULL for none. */
const char *tables_label_name(unsigned label);

/* Top talkers: one row per row of summary.sources, same order. */
struct tables_source {
	char cc[3];
	uint32_t asn;                /* 0 = unknown */
	const char *org;             /* owned by the tables, NULL if unknown */
	uint8_t label;               /* enum tables_label (filled by the report) */
	uint32_t findings;           /* findings of this source (filled by the report) */
	const char *name;            /* reverse DNS, NULL unless resolved (--resolve) */
};

/* Per sensor (input file): when it started logging and when it was first
 * contacted. first_line_ns is the earliest time on any line of the file,
 * first_event_ns the earliest event counted; 0 when unknown. */
struct tables_sensor {
	char *name;                  /* the log: its files' path without rotation suffixes (owned) */
	size_t files;                /* files of its rotated set read */
	int64_t first_line_ns;
	int64_t first_event_ns;
};

struct summary_tables {
	int have_country;            /* a country database was used */
	int have_asn;
	const char *country_source;  /* as in tables_geo */
	const char *asn_source;

	struct tables_country *countries; size_t n_countries; /* by events */
	struct tables_port *ports;        size_t n_ports;     /* as summary.ports */
	struct tables_target *targets;    size_t n_targets;   /* as summary.targets */
	struct tables_source *sources;    size_t n_sources;   /* as summary.sources */
	struct tables_sensor *sensors;    size_t n_sensors;   /* input order */

	int64_t *months;                  size_t n_months;    /* yyyymm, chronological */
	struct tables_series *series;     size_t n_series;    /* top catalog services by events */

	int64_t trend_day;                /* yyyymmdd, 0 when there is no timed event */
	struct tables_trend *trend;       size_t n_trend;     /* by score */

	/* What caps refused while counting (0 when nothing was lost). */
	uint64_t target_ports_dropped;    /* always 0: (target, port) counts are kept with the
					   * (port, target) pairs (pairs_incomplete) */
	uint64_t day_ports_dropped;       /* events not in a (month, service) counter */
	uint64_t pairs_incomplete;        /* (source, port) pairs lost to caps */
};

struct tables_options {
	size_t top_series;           /* services in the monthly series (default 10) */
	size_t top_trend;            /* trend rows (default 20) */
	size_t top_countries;        /* 0 = all */
};

void tables_options_defaults(struct tables_options *o);

/* Build the tables from the merged stats and its summary. geo may be
 * NULL. The result is freed with tables_free(). */
struct summary_tables *stats_tables(const struct stats *s, const struct summary *sum,
				    const struct tables_geo *geo, const struct tables_options *opt);
void tables_free(struct summary_tables *t);

/* The markers of a catalog note ("... MS00-047 (2000-07-27) ..."): fills
 * up to max of out, returns how many were found. */
size_t tables_note_markers(const char *note, struct tables_marker *out, size_t max);

#endif
