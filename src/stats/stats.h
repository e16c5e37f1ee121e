/* Counters over the event stream: totals, per port/service, per source,
 * per target, per action, protocol, rule prefix, month, day, hour of day
 * and weekday (in the chosen zone), and the ALERT/WARNING groups. One
 * struct stats per worker thread; stats_merge() sums them, and every
 * counter is a sum, min, max or set union, so the merged result does not
 * depend on how the input was split. Memory is bounded by caps on the
 * distinct keys kept; what a cap refuses is counted and reported. */
#ifndef CLSCAN_STATS_H
#define CLSCAN_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/timeconv.h"
#include "enrich/catalog.h"

struct stats_config {
	const struct catalog *catalog; /* may be NULL: no service classes */
	size_t max_sources;  /* distinct sources kept (default 4,000,000) */
	size_t max_targets;  /* distinct destinations kept (default 1,000,000) */
	size_t max_pairs;    /* (source,port), (source,target), (port,source) and
			      * (target,source) pairs kept for distinct counts
			      * (default 64,000,000) */
	size_t max_groups;   /* ALERT/WARNING groups kept (default 1,000,000) */
	size_t max_port_counts; /* (month, service port) event counters kept
				 * (default 2,000,000; 0 = default) */
};
void stats_config_defaults(struct stats_config *c);

struct stats;

struct stats *stats_new(const struct stats_config *cfg);
void stats_free(struct stats *s);

/* Count one event (ev->count packets). tz converts to the report zone for
 * the month/day/hour tables; ev->unit/ev->line are kept as the evidence of
 * the first event of each ALERT/WARNING group. Events whose in_if is empty
 * while out_if is set were sent by the logging host itself: they are
 * counted everywhere except the ALERT/WARNING groups, and so are accepted
 * ones. */
void stats_add(struct stats *s, const struct event *ev, struct tz_cache *tz);
/* The keyed hash (hash_16) the last stats_add took of its source, if that
 * source was a: 1 and *h set, else 0. The detector takes the same hash of
 * the same address, so the pipeline hands it over instead. */
int stats_src_hash(const struct stats *s, const struct ip_addr *a, uint64_t *h);

/* Add everything in from to into; from is left empty but valid. */
void stats_merge(struct stats *into, struct stats *from);

/* Bytes held now (for the memory report and tests). */
size_t stats_memory(const struct stats *s);

/* ---- the summary: sorted tables for the reports ---------------------- */

struct summary_port {
	uint8_t proto;
	uint16_t port;           /* ICMP: the type */
	uint64_t events;
	uint64_t sources;        /* distinct */
	uint64_t targets;        /* distinct */
	const struct service *svc; /* NULL if not in the catalog */
};

struct summary_source {
	struct ip_addr addr;
	uint64_t events;
	int64_t first_ns, last_ns;
	uint64_t ports;          /* distinct destination (proto,port) */
	uint64_t targets;        /* distinct destinations */
	uint64_t by_action[EVENT_ACTION_COUNT];
};

struct summary_target {
	struct ip_addr addr;
	uint64_t events;
	uint64_t sources;
	uint64_t ports;
	int64_t first_ns, last_ns;
};

struct summary_count {      /* months, days: key is yyyymm or yyyymmdd */
	int64_t key;
	uint64_t events;
};

struct summary_prefix {
	const char *text;       /* owned by the summary */
	uint8_t action;
	uint64_t events;
};

struct summary_group {       /* one row of the ALERT or WARNING list */
	uint8_t cls;             /* SERVICE_ALERT or SERVICE_WARNING */
	uint8_t proto;
	uint16_t port;
	uint32_t first_unit;     /* evidence: the first event's origin */
	struct ip_addr src, dst;
	const struct service *svc;
	uint64_t events;
	int64_t first_ns, last_ns;
	uint64_t first_line;
};                           /* 80 bytes, no padding: there can be a million */

struct summary {
	uint64_t events;         /* sum of counts */
	uint64_t records;        /* event lines (a "N packets" line is one) */
	int64_t first_ns, last_ns; /* 0,0 when no timed event */
	uint64_t n_sources, n_targets, n_ports;
	uint64_t by_action[EVENT_ACTION_COUNT];
	uint64_t by_proto[256];
	uint64_t hours[24];      /* hour of day in the report zone */
	uint64_t weekdays[7];    /* 0 = Monday */

	struct summary_port *ports;      size_t n_ports_rows;   /* all, sorted */
	struct summary_source *sources;  size_t n_sources_rows; /* top_n */
	struct summary_target *targets;  size_t n_targets_rows; /* top_n */
	struct summary_count *months;    size_t n_months;       /* chronological */
	struct summary_count *days;      size_t n_days;         /* chronological */
	struct summary_prefix *prefixes; size_t n_prefixes;     /* by events */
	/* Each list sorted by first_ns, then source, port, destination. */
	struct summary_group *alerts;    size_t n_alerts;
	struct summary_group *warnings;  size_t n_warnings;
	/* Rows present in alerts/warnings: n_alerts/n_warnings, or fewer if
	 * the summary was made with a list limit (stats_summarise_lists). */
	size_t n_alert_rows, n_warning_rows;

	/* What the caps refused (0 when nothing was lost). */
	uint64_t sources_dropped;   /* events whose source could not be tracked */
	uint64_t targets_dropped;
	uint64_t pairs_dropped;     /* distinct counts are lower bounds if > 0 */
	uint64_t groups_dropped;
	size_t memory_bytes;        /* peak of stats_memory() at summary time */
};

/* Build the summary. top_n caps the source and target tables (0 = all);
 * ports, months, days, prefixes and groups are complete. */
struct summary *stats_summarise(const struct stats *s, size_t top_n);
/* The same, keeping only the first list_limit rows of the ALERT and
 * WARNING lists (0 = all; n_alerts/n_warnings still count them all):
 * the reports print no more, and a million groups would cost 80 MB. */
struct summary *stats_summarise_lists(const struct stats *s, size_t top_n, size_t list_limit);
void summary_free(struct summary *sum);

#endif
