/* clscan report's geo options and tables; see geo_opts.c. */
#ifndef CLSCAN_GEO_OPTS_H
#define CLSCAN_GEO_OPTS_H

#include <stddef.h>

#include "detect/detect.h"
#include "report/report.h"
#include "enrich/geo.h"
#include "stats/geo_tables.h"
#include "stats/stats.h"

#define GEO_CLI_MAX_FILES 8

enum geo_cli_opt { GEO_OPT_FILE, GEO_OPT_DIR, GEO_OPT_EXCLUDE, GEO_OPT_INCLUDE };

struct geo_cli {
	const char *files[GEO_CLI_MAX_FILES]; /* --geoip */
	size_t n_files;
	const char *dir;                      /* --geoip-dir, "none" = off */
	const char *lists[GEO_CLI_MAX_FILES]; /* --exclude-country / --include-country */
	int list_exclude[GEO_CLI_MAX_FILES];
	size_t n_lists;
	struct geo *geo;
	struct geo_filter filter;
	int quiet;                            /* as given to geo_cli_open */
};

void geo_cli_init(struct geo_cli *g);
/* Record an option; -1 (message printed) on a usage error. */
int geo_cli_option(struct geo_cli *g, enum geo_cli_opt opt, const char *arg);
/* Open the databases (--geoip files; else --geoip-dir; else the default
 * directory) and parse the country lists. No database is not an error:
 * a one-line hint unless quiet. -1 (message printed) on a bad file or list. */
int geo_cli_open(struct geo_cli *g, int quiet);
/* The country filter for the pipeline, or NULL when none was asked for. */
const struct geo_filter *geo_cli_filter(const struct geo_cli *g);
/* The second-level tables (tables_free); they need no findings, so they
 * can be made while the findings are. */
struct summary_tables *geo_cli_tables(struct geo_cli *g, const struct stats *stats,
				      const struct summary *sum, const struct report_file *files,
				      size_t n_files);
/* Then each top source's finding count and burst/slow label (f may be NULL). */
void geo_cli_tables_findings(struct summary_tables *t, const struct summary *sum,
			     const struct detect_findings *f);
void geo_cli_fini(struct geo_cli *g);

#endif
