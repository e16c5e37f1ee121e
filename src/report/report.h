/* Reports: each output format is one file taking the same struct report
 * (the summary plus what the input layer saw). Formats that print one
 * record per event (jsonl, csv) take events one at a time instead. */
#ifndef CLSCAN_REPORT_H
#define CLSCAN_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "core/event.h"
#include "core/timeconv.h"
#include "detect/detect.h"
#include "stats/geo_tables.h"
#include "stats/stats.h"
#include "web/web.h"

/* The JSON document's schema name; bump the number on incompatible change. */
#define REPORT_JSON_SCHEMA "clscan-report/1"
#define REPORT_JSONL_SCHEMA "clscan-event/1"

struct report_file {
	const char *path;
	const char *format;   /* parser name, or NULL if none recognised */
	const char *error;    /* why it could not be (fully) read, or NULL */
	uint64_t bytes;       /* on disk */
	uint64_t lines;       /* lines read */
	uint64_t records;     /* lines that gave an event */
	uint64_t events;      /* packets they stand for (counts summed) */
	uint64_t filtered;    /* events left out by --since/--until/--include/--exclude */
	uint64_t other;       /* lines of the format that carry no event */
	uint64_t unknown;     /* lines in no known format */
	uint64_t malformed;   /* recognised lines with a bad field */
	uint64_t overlong;    /* lines over the cap, skipped whole */
	uint64_t first_unknown_line; /* 0 if none */
	uint64_t first_overlong_line;
	int64_t first_line_ns;  /* earliest time on any line (0 = none) */
	int64_t first_event_ns; /* earliest counted event (0 = none) */
};

struct report_problem {   /* one reason for malformed lines */
	const char *reason;
	uint64_t count;
	const char *path;     /* the first example's location */
	uint64_t line;
	const char *example;  /* that line, shortened for display */
};

/* Maps an event origin (unit, line in unit) to a file and its line. */
typedef const char *(*report_origin_fn)(void *arg, uint32_t unit, uint64_t unit_line,
					 uint64_t *file_line);

/* An evidence line the HTML report shows: path and line in, text out
 * (malloc'd, owned by the caller; NULL when it cannot be read again). */
struct report_line {
	const char *path;
	uint64_t line;
	char *text;
	size_t len;
};
typedef void (*report_lines_fn)(void *arg, struct report_line *lines, size_t n);

/* A source's session for the HTML report: its earliest lines, in order.
 * Also the lines behind a scan finding: its source's in the finding's
 * period. */
struct report_session {
	struct ip_addr src;
	const struct report_line *lines;
	size_t n;
	uint64_t total; /* its lines; the first n are in lines */
};

struct report {
	const struct summary *sum;
	const struct report_file *files;
	size_t n_files;
	const struct report_problem *problems;
	size_t n_problems;
	const char *version;
	const char *zone;          /* zone name used for local times */
	struct tz_cache *tz;
	size_t top_n;              /* rows in top-N tables (text) */
	size_t list_limit;         /* rows per ALERT/WARNING list in text (0 = all) */
	int color;                 /* ANSI colour in text */
	report_origin_fn origin;
	void *origin_arg;
	const struct detect_findings *findings; /* scan findings, or NULL (detection off) */
	const struct web_findings *web; /* web probe findings, or NULL (off) */
	report_lines_fn lines;     /* evidence line text for HTML (arg: origin_arg), or NULL */
	const char *html_assets;   /* directory overriding data/html/ files, or NULL */
	const struct report_session *sessions; /* web probers' sessions, sorted by
						* address (addr_cmp), for HTML; or NULL */
	size_t n_sessions;
	const struct report_session *finding_lines; /* for HTML: [i] belongs to
						     * findings->items[i]; or NULL */
	size_t n_finding_lines;
	const struct summary_tables *tables; /* stats/geo_tables.h, or NULL */
	const struct rdns *rdns;   /* reverse DNS names (--resolve), or NULL */
};

int report_text(FILE *out, const struct report *r);
int report_json(FILE *out, const struct report *r);
/* One self-contained HTML page (html.c). */
int report_html(FILE *out, const struct report *r);
/* Only the findings block of the text report (clscan explain). */
int report_text_findings(FILE *out, const struct report *r);

/* One event per line. path/line give its origin. */
void report_jsonl_event(FILE *out, const struct event *ev, const char *path, uint64_t line);
void report_csv_header(FILE *out);
void report_csv_event(FILE *out, const struct event *ev, const char *path, uint64_t line);
/* One event in the DShield submission format, as user id submitter (NULL:
 * "0"). Returns 0, or -1 if the event lacks a time, source or target. */
int report_dshield_event(FILE *out, const struct event *ev, const char *submitter);

/* Compress a sorted list of ports into "22,80,443,1000-1500" (buf >= 16
 * bytes; output ends with "..." if it does not fit). */
void report_port_ranges(const uint16_t *ports, size_t n, char *buf, size_t buflen);

#endif
