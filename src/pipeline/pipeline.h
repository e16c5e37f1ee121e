/* The run engine: input files -> units of work -> worker threads, each
 * parsing lines into events, filtering and counting them into its own
 * stats; then per-thread stats are merged and per-unit counts summed per
 * file. A unit is a chunk of a mapped file (cut at a line boundary) or a
 * whole streamed file (compressed, stdin). */
#ifndef CLSCAN_PIPELINE_H
#define CLSCAN_PIPELINE_H

#include <stdint.h>
#include <stdio.h>

#include "detect/detect.h"
#include "enrich/catalog.h"
#include "enrich/filter.h"
#include "enrich/geo.h"
#include "input/input.h"
#include "parse/action_map.h"
#include "parse/parser.h"
#include "report/report.h"
#include "stats/stats.h"
#include "web/web.h"

enum pipeline_mode {
	PIPELINE_SUMMARY = 0, /* count into stats */
	PIPELINE_JSONL,       /* also write each event as JSON Lines */
	PIPELINE_CSV,         /* also write each event as CSV */
	PIPELINE_DSHIELD,     /* also write each event in DShield's format */
	PIPELINE_RAW,         /* also write "FILE:LINE: <the line as read>" per event */
};

struct pipeline_options {
	const struct parser *forced_parser; /* --format, or NULL to detect per file */
	int forced_year;                    /* --year, or 0 */
	size_t max_line;
	unsigned threads;                   /* >= 1 */
	size_t chunk_size;                  /* bytes per unit of a mapped file */
	const struct action_map *actions;
	const struct filter *filter;        /* may be NULL */
	/* Applied after detection: the detector sees every event the filter
	 * let through, the rest (stats, web, on_event, events_out) only those
	 * this one lets through too. clscan explain: distributed findings are
	 * made of other sources' events. NULL: no second filter. */
	const struct filter *focus;
	const struct geo_filter *geo_filter; /* --exclude/--include-country, or NULL */
	struct stats_config stats;
	int progress;                       /* allow a progress line on stderr */
	enum pipeline_mode mode;
	FILE *events_out;                   /* for JSONL/CSV/RAW/DShield */
	const char *dshield_submitter;      /* DShield user id ("0" if unset) */
	const struct detect_config *detect; /* scan detection, or NULL for none */
	const struct web_config *web;       /* web probe matching, or NULL for none */
	const struct weblog_format *weblog_format; /* --log-format, or NULL */
	/* Called from the worker threads (so it locks) for every event the
	 * filter let through: line/len as read (empty for records of
	 * whole-file readers), path and file_line its origin. NULL: none. */
	void (*on_event)(void *arg, const struct event *ev, const char *path,
			 uint64_t file_line, const char *line, size_t len);
	void *on_event_arg;
};

void pipeline_options_defaults(struct pipeline_options *o);

/* Options for a second pass over the inputs the first read with first:
 * the same reading, filter and statistics settings, every event handed to
 * on_event with its line, and nothing else (no detection, web probes,
 * event output or progress line). */
struct pipeline_options pipeline_second_pass(
	const struct pipeline_options *first,
	void (*on_event)(void *arg, const struct event *ev, const char *path, uint64_t file_line,
			 const char *line, size_t len),
	void *arg);

struct pipeline_unit;

struct pipeline_result {
	struct stats *stats;              /* merged over all workers */
	struct detector *detector;        /* merged likewise; NULL without detection */
	struct web_watch *web;            /* merged likewise; NULL without probe matching */
	struct report_file *files;        /* one per input file, in order */
	size_t n_files;
	struct report_problem *problems;  /* malformed-line reasons */
	size_t n_problems;
	size_t input_errors;              /* files that could not be (fully) read */
	uint64_t unknown_lines;           /* over all files */
	uint64_t overlong_lines;
	uint64_t not_exported;            /* events -o dshield could not write */
	/* for origin resolution */
	struct pipeline_unit *units;
	size_t n_units;
	const struct input_list *inputs;
};

/* Process every file. Problems with single files are recorded in the
 * result, not returned. Returns 0, or -1 if the run itself failed (e.g. a
 * thread could not be started, or event output could not be written). */
int pipeline_run(const struct input_list *inputs, const struct pipeline_options *opt,
		 struct pipeline_result *res);
void pipeline_result_fini(struct pipeline_result *res);

/* report_origin_fn over a pipeline_result: (unit, line in unit) -> path, line. */
const char *pipeline_origin(void *result, uint32_t unit, uint64_t unit_line,
			    uint64_t *file_line);

#endif
