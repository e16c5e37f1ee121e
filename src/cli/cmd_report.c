/* `clscan report`: read logs, count, and print the report. Options are
 * gathered into the pipeline's and the report's option structs; nothing
 * here is global. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/shared_options.h"
#include "pipeline/line_keep.h"
#include "core/util.h"
#include "detect/detect.h"
#include "web/web.h"
#include "enrich/catalog.h"
#include "enrich/filter.h"
#include "input/input.h"
#include "parse/action_map.h"
#include "cli/cli_weblog.h"
#include "pipeline/pipeline.h"
#include "pipeline/evidence.h"
#include "report/report.h"
#include "cli/geo_opts.h"
#include "cli/cli_rdns.h"

enum output_format { OUT_TEXT, OUT_JSON, OUT_JSONL, OUT_CSV, OUT_DSHIELD, OUT_HTML };

enum {
	OPT_YEAR = 256,
	OPT_TZ,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_INCLUDE,
	OPT_EXCLUDE,
	OPT_ACTION_MAP,
	OPT_CATALOG,
	OPT_TOP,
	OPT_LIST_LIMIT,
	OPT_THREADS,
	OPT_MAX_LINE,
	OPT_FAIL_ON,
	OPT_NO_COLOR,
	OPT_COLOR,
	OPT_OUT,
	OPT_MAX_SOURCES,
	OPT_MAX_TARGETS,
	OPT_MAX_PAIRS,
	OPT_MAX_GROUPS,
	OPT_CHUNK_SIZE,
	OPT_HTML_ASSETS,
	OPT_LOG_FORMAT,
	OPT_LOG_FORMAT_FILE,
	OPT_RESOLVE,
	OPT_RESOLVE_TIMEOUT,
	OPT_HELP,
	OPT_GEO_BASE = 900, /* + enum geo_cli_opt */
	/* SHARED_DETECT_BASE and up: cli/shared_options.h */
};

static const struct option long_options[] = {
	{"output", required_argument, NULL, 'o'},
	{"format", required_argument, NULL, 'f'},
	{"quiet", no_argument, NULL, 'q'},
	{"year", required_argument, NULL, OPT_YEAR},
	{"tz", required_argument, NULL, OPT_TZ},
	{"since", required_argument, NULL, OPT_SINCE},
	{"until", required_argument, NULL, OPT_UNTIL},
	{"include", required_argument, NULL, OPT_INCLUDE},
	{"exclude", required_argument, NULL, OPT_EXCLUDE},
	{"action-map", required_argument, NULL, OPT_ACTION_MAP},
	{"catalog", required_argument, NULL, OPT_CATALOG},
	{"top", required_argument, NULL, OPT_TOP},
	{"list-limit", required_argument, NULL, OPT_LIST_LIMIT},
	{"threads", required_argument, NULL, OPT_THREADS},
	{"max-line", required_argument, NULL, OPT_MAX_LINE},
	{"fail-on", required_argument, NULL, OPT_FAIL_ON},
	{"no-color", no_argument, NULL, OPT_NO_COLOR},
	{"color", required_argument, NULL, OPT_COLOR},
	{"out", required_argument, NULL, OPT_OUT},
	{"max-sources", required_argument, NULL, OPT_MAX_SOURCES},
	{"max-targets", required_argument, NULL, OPT_MAX_TARGETS},
	{"max-pairs", required_argument, NULL, OPT_MAX_PAIRS},
	{"max-groups", required_argument, NULL, OPT_MAX_GROUPS},
	{"chunk-size", required_argument, NULL, OPT_CHUNK_SIZE},
	{"html-assets", required_argument, NULL, OPT_HTML_ASSETS},
	{"geoip", required_argument, NULL, OPT_GEO_BASE + GEO_OPT_FILE},
	{"geoip-dir", required_argument, NULL, OPT_GEO_BASE + GEO_OPT_DIR},
	{"exclude-country", required_argument, NULL, OPT_GEO_BASE + GEO_OPT_EXCLUDE},
	{"include-country", required_argument, NULL, OPT_GEO_BASE + GEO_OPT_INCLUDE},
	{"log-format", required_argument, NULL, OPT_LOG_FORMAT},
	{"log-format-file", required_argument, NULL, OPT_LOG_FORMAT_FILE},
	{"resolve", no_argument, NULL, OPT_RESOLVE},
	{"resolve-timeout", required_argument, NULL, OPT_RESOLVE_TIMEOUT},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static const char report_usage[] =
	"usage: clscan report [options] [FILE|DIR|-]...\n"
	"  Reads firewall logs (plain, gzip or zstd; directories recursively, rotated\n"
	"  sets oldest first; - or nothing for stdin) and prints a report.\n"
	"\n"
	"  -o, --output FMT       text (default), json, jsonl (one event per line), csv,\n"
	"                         dshield (DShield submission lines; user id from\n"
	"                         $CLSCAN_DSHIELD_ID, default 0), html (one self-contained\n"
	"                         page with charts; --out FILE to save it)\n"
	"      --html-assets DIR  page.html, report.css, report.js in DIR replace the\n"
	"                         built-in ones of -o html\n"
	"      --out FILE         write the report to FILE instead of stdout\n"
	"  -f, --format NAME      read every file as NAME (see clscan formats)\n"
	"      --log-format F     web access logs in format F: a name (combined,\n"
	"                         vhost_combined, main, ...) or an Apache LogFormat /\n"
	"                         nginx log_format string\n"
	"      --log-format-file CONF  take it from an Apache or nginx config: the format\n"
	"                         named by --log-format, else the first CustomLog's\n"
	"      --year YYYY        year of stamps that carry none (default: inferred)\n"
	"      --tz ZONE          zone of local stamps and of the report (default: local)\n"
	"      --since TIME       only events at or after TIME (2024-05-01, 2024-05-01T10:00,\n"
	"                         ...Z/+02:00, or 24h / 7d / 30m before now)\n"
	"      --until TIME       only events before TIME\n"
	"      --include EXPR     only events matching EXPR: src=CIDR[,..] dst=CIDR[,..]\n"
	"                         port=N[-M][,..] sport=N[-M] proto=tcp|udp|icmp|N\n"
	"      --exclude EXPR     drop events matching EXPR\n"
	"      --action-map T=A   log prefixes containing T mean action A\n"
	"                         (drop|reject|accept|log); tried before the built-in words\n"
	"      --catalog FILE     service catalog entries overriding the built-in ones\n"
	"      --geoip FILE       country/city/ASN .mmdb or ASN range .csv (repeatable;\n"
	"                         default: the files of the geo data directory)\n"
	"      --geoip-dir DIR    geo data directory (none = no geo data)\n"
	"      --exclude-country CC[,CC]  drop events from these countries (-- = unknown)\n"
	"      --include-country CC[,CC]  only events from these countries\n"
	"      --top N            rows in top tables (default 20; 0 = all)\n"
	"      --list-limit N     rows per ALERT/WARNING list (default 50 in text, 1000\n"
	"                         in JSON; 0 = all)\n"
	"      --fail-on LEVEL    exit 1 if there are findings at LEVEL or above: a\n"
	"                         severity 1-5 (scan findings), or alert (ALERT rows or\n"
	"                         findings of severity 4+) or warning (any row, or 2+);\n"
	"                         web probes: alert = a probe answered 2xx, warning =\n"
	"                         any probe of severity 3+\n"
	"      --threads N        worker threads (default: number of CPUs)\n"
	"      --max-line BYTES   longest line read (default 65536); longer lines are\n"
	"                         counted and reported, never truncated\n"
	"      --max-sources N    distinct sources tracked (default 4000000; memory cap)\n"
	"      --max-targets N    distinct destinations tracked (default 1000000)\n"
	"      --max-pairs N      (source,port)-style pairs kept for distinct counts\n"
	"                         (default 64000000; 8 bytes each)\n"
	"      --max-groups N     ALERT/WARNING rows kept (default 1000000)\n"
	"      --chunk-size BYTES split plain files into units of this size for the\n"
	"                         threads (default 4194304)\n"
	"  Scan detection (findings at the top of the ALERT LIST; clscan(1) FINDINGS):\n"
	"      --no-detect        counts only, no findings\n"
	"      --home NETS        your networks (CIDR,...): scans from inside rank first\n"
	"      --allow FILE       allowlist, NETWORK REASON per line: labelled, not findings\n"
	"      --scanner-list F   research-scanner networks (default: the built-in\n"
	"                         data/scanners.tsv; none to disable)\n"
	"      --scan-window S    short window in seconds (default 300, as Zeek)\n"
	"      --scan-score N     vertical scan: summed port weights in the window\n"
	"                         (default 21, as scanlogd)\n"
	"      --port-weights L,H weights of ports below 1024 and above (default 3,1)\n"
	"      --sweep-hosts N    horizontal sweep: hosts on one port in the window (10)\n"
	"      --block-ports N    a sweep of N ports or more is a block scan (8)\n"
	"      --proto-count N    IP-protocol scan: protocols on one host (10)\n"
	"      --slow-window S    slow scans: the same thresholds over S seconds\n"
	"                         (default 86400; 0 = off)\n"
	"      --hammer N         unsuccessful attempts on one login service (10; 0 = off)\n"
	"      --trw T0,T1,A,B    TRW parameters (default 0.8,0.2,0.01,0.99)\n"
	"      --max-scan-sources N  sources tracked per thread (default 1000000)\n"
	"      --max-contacts N   first contacts kept per source (default 4096)\n"
	"      --max-contacts-total N  per thread (default 4000000; 64 bytes each)\n"
	"      --include-local    also count packets the logging host sent itself\n"
	"      --dark NETS        addresses that host nothing (CIDR,...): any contact\n"
	"                         is a probe (TRW failure, +1 severity)\n"
	"      --distributed-sources N  distributed scans: members at least (3; 0 = off)\n"
	"      --periodic N[,PCT] periodic sources: N returns, gaps within PCT percent\n"
	"                         of the period (default 4,10; 0 = off)\n"
	"\n"
	"  Web probes (access logs; clscan(1) WEB PROBES):\n"
	"      --web-signatures FILE  add probe signatures (data/web_signatures.tsv\n"
	"                         format); a built-in name is replaced (repeatable)\n"
	"      --web-signatures-only FILE  use FILE instead of the built-in set\n"
	"      --no-web           no probe matching\n"
	"      --web-max-sources N  web sources tracked per thread (default 200000)\n"
	"\n"
	"      --resolve          show reverse DNS names of the top and finding sources\n"
	"      --resolve-timeout S  time for all lookups (default 5 s); the rest are\n"
	"                         shown without a name, never waited for\n"
	"      --no-color         no colour, even on a terminal (also: NO_COLOR set)\n"
	"      --color WHEN       auto (default), always, never\n"
	"  -q, --quiet            no progress line and no warnings on stderr\n"
	"\n"
	"  Exit status: 0 ok, 1 findings at --fail-on level, 2 usage, 3 input errors\n"
	"  (the rest of the input was still processed and reported).\n";

struct report_cli {
	enum output_format output;
	const char *out_path;
	const char *tz;
	int color_mode; /* -1 auto, 0 never, 1 always */
	int quiet;
	int fail_on;    /* -1 none, else enum service_class */
	int fail_sev;   /* 0 none, else a finding severity 1..5 */
	size_t top_n;
	size_t list_limit;
	const char *catalog_path;
	const char *since, *until;
	const char *log_format, *log_format_file;
	const char *html_assets;
	int resolve;            /* --resolve */
	unsigned resolve_ms;
};

static int parse_size_arg(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
	if (parse_u64(s, strlen(s), max, out) != 0) {
		fprintf(stderr, "clscan report: %s needs a number up to %llu, not '%s'\n", opt,
			(unsigned long long)max, s);
		return -1;
	}
	return 0;
}

/* detect_findings in a thread of its own (findings_start), or at once. */
struct findings_job {
	struct detector *d;
	struct detect_findings *out;
	pthread_t thread;
	int started;
};

static void *findings_main(void *arg)
{
	struct findings_job *j = arg;
	j->out = detect_findings(j->d);
	return NULL;
}

static void findings_start(struct findings_job *j, int in_thread)
{
	j->started = in_thread && pthread_create(&j->thread, NULL, findings_main, j) == 0;
	if (!j->started) /* one thread asked for, or none to be had: here */
		j->out = detect_findings(j->d);
}

static struct detect_findings *findings_wait(struct findings_job *j)
{
	if (j->started)
		pthread_join(j->thread, NULL);
	j->started = 0;
	return j->out;
}

static unsigned default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > 64)
		n = 64;
	return (unsigned)n;
}

/* Web probes for --fail-on: at alert level a probe answered 2xx, at
 * warning level any probe of severity 3 or more. */
static int web_has_findings(const struct web_findings *wf, int level, int sev)
{
	if (sev && web_findings_at_least(wf, (unsigned)sev) > 0)
		return 1;
	if (level < 0)
		return 0;
	return web_findings_at_least(wf, level == SERVICE_ALERT ? 4 : 3) > 0;
}

static int has_findings(const struct summary *sum, const struct detect_findings *df, int level,
			int sev)
{
	if (sev && detect_count_at_least(df, (unsigned)sev) > 0)
		return 1;
	if (level < 0)
		return 0;
	if (detect_count_at_least(df, level == SERVICE_ALERT ? 4 : 2) > 0)
		return 1;
	if (sum->n_alerts > 0 && level <= SERVICE_ALERT)
		return 1;
	if (sum->n_warnings > 0 && level <= SERVICE_WARNING)
		return 1;
	return 0;
}

/* -o html: the page shows the lines behind the findings, read again. */
static int report_html_page(FILE *out, const struct report *rep, const char *assets)
{
	struct report r = *rep;
	r.lines = pipeline_lines;
	r.html_assets = assets;
	return report_html(out, &r);
}

/* -o html: in one second pass over the inputs (not when one was standard
 * input), the sessions of the first web probers the page lists and the
 * lines behind its first scan findings: reading big inputs again is the
 * cost, so both are gathered at once. */
#define HTML_SESSIONS 100      /* sources */
#define HTML_SESSION_LINES 100 /* lines of each */
#define HTML_FINDINGS 100      /* findings, by rank (inside ones first) */
#define HTML_FINDING_LINES 50  /* lines of each */

struct html_pass {
	struct report_session *s; /* sessions, sorted by address */
	size_t n;
	struct report_session *f; /* f[i]: the lines of findings->items[i] */
	size_t nf;
	struct line_keep *keeps;  /* n + nf: the sessions', then the findings' */
};

static int addr_sort_cmp(const void *x, const void *y)
{
	return addr_cmp(x, y);
}

static void html_session_of(struct report_session *se, const struct ip_addr *src,
			    const struct line_keep *k)
{
	struct report_line *l = xcalloc(k->n ? k->n : 1, sizeof(*l));
	for (size_t j = 0; j < k->n; j++)
		l[j] = (struct report_line){k->lines[j].path, k->lines[j].line, k->lines[j].text,
					    k->lines[j].len};
	*se = (struct report_session){*src, l, k->n, k->seen};
}

static void html_pass_read(struct html_pass *hp, const struct input_list *in,
			   const struct pipeline_options *popt, const struct web_findings *wf,
			   const struct detect_findings *df, size_t list_limit)
{
	memset(hp, 0, sizeof(*hp));
	for (size_t i = 0; i < in->n; i++)
		if (in->files[i].is_stdin)
			return;
	size_t want = wf ? wf->n_sources : 0, n = 0;
	if (want > HTML_SESSIONS)
		want = HTML_SESSIONS;
	struct ip_addr *src = xcalloc(want ? want : 1, sizeof(*src));
	for (size_t i = 0; i < want; i++)
		if (!wf->sources[i].client)
			src[n++] = wf->sources[i].addr;
	qsort(src, n, sizeof(*src), addr_sort_cmp);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (m == 0 || addr_cmp(&src[m - 1], &src[i]) != 0)
			src[m++] = src[i];
	/* the findings the page lists first (it lists list_limit of them) */
	size_t nf = df ? df->n : 0;
	if (nf > HTML_FINDINGS)
		nf = HTML_FINDINGS;
	if (list_limit && nf > list_limit)
		nf = list_limit;
	if (m + nf == 0) {
		free(src);
		return;
	}
	struct line_want *w = xcalloc(m + nf, sizeof(*w));
	for (size_t i = 0; i < m; i++)
		w[i] = (struct line_want){src[i], 0, 0, HTML_SESSION_LINES};
	for (size_t i = 0; i < nf; i++) {
		const struct finding *f = &df->items[i];
		/* the finding's period; its end is kept to the millisecond, so up
		 * to the end of that millisecond. A distributed finding's source
		 * is its first member. Untimed: all of the source's lines. */
		w[m + i] = (struct line_want){f->src, f->start_ns,
					      f->start_ns ? f->end_ns + 999999 : 0,
					      HTML_FINDING_LINES};
	}
	if (line_keep_sessions(in, popt, w, m + nf, &hp->keeps) != 0)
		fprintf(stderr, "clscan report: reading the web probers' sessions and the findings' "
			"lines again failed; the page shows what was read\n");
	hp->s = xcalloc(m ? m : 1, sizeof(*hp->s));
	hp->n = m;
	for (size_t i = 0; i < m; i++)
		html_session_of(&hp->s[i], &src[i], &hp->keeps[i]);
	hp->f = xcalloc(nf ? nf : 1, sizeof(*hp->f));
	hp->nf = nf;
	for (size_t i = 0; i < nf; i++)
		html_session_of(&hp->f[i], &w[m + i].src, &hp->keeps[m + i]);
	free(w);
	free(src);
}

static void html_pass_free(struct html_pass *hp)
{
	for (size_t i = 0; i < hp->n; i++)
		free((void *)hp->s[i].lines);
	for (size_t i = 0; i < hp->nf; i++)
		free((void *)hp->f[i].lines);
	for (size_t i = 0; i < hp->n + hp->nf; i++)
		line_keep_fini(&hp->keeps[i]);
	free(hp->s);
	free(hp->f);
	free(hp->keeps);
}

static void on_input_error(void *arg, const char *path, const char *reason)
{
	size_t *count = arg;
	(*count)++;
	fprintf(stderr, "clscan: %s: %s\n", path, reason);
}

/* Tell the user, on stderr, about every line that was not counted. */
static void warn_skipped(const struct pipeline_result *res)
{
	for (size_t i = 0; i < res->n_files; i++) {
		const struct report_file *f = &res->files[i];
		if (f->error)
			fprintf(stderr, "clscan: %s: %s (lines before it were read)\n", f->path,
				f->error);
		if (!f->format && f->lines > 0 && !f->error)
			fprintf(stderr, "clscan: %s: no known format in its first lines; %llu lines skipped\n",
				f->path, (unsigned long long)f->unknown);
	}
	if (res->unknown_lines) {
		for (size_t i = 0; i < res->n_files; i++) {
			if (res->files[i].first_unknown_line && res->files[i].format) {
				fprintf(stderr, "clscan: skipped %llu lines in no known format; first at %s:%llu\n",
					(unsigned long long)res->unknown_lines, res->files[i].path,
					(unsigned long long)res->files[i].first_unknown_line);
				break;
			}
		}
	}
	if (res->overlong_lines) {
		for (size_t i = 0; i < res->n_files; i++) {
			if (res->files[i].first_overlong_line) {
				fprintf(stderr, "clscan: skipped %llu lines longer than --max-line; first at %s:%llu\n",
					(unsigned long long)res->overlong_lines, res->files[i].path,
					(unsigned long long)res->files[i].first_overlong_line);
				break;
			}
		}
	}
	for (size_t i = 0; i < res->n_problems; i++) {
		const struct report_problem *p = &res->problems[i];
		fprintf(stderr, "clscan: %llu malformed lines: %s; first at %s:%llu\n",
			(unsigned long long)p->count, p->reason, p->path, (unsigned long long)p->line);
	}
}

static int run_report(int argc, char **argv)
{
	struct report_cli cli = {
		.output = OUT_TEXT,
		.color_mode = -1,
		.fail_on = -1,
		.top_n = 20,
		.list_limit = SIZE_MAX, /* unset: 50 rows in text, 1000 in JSON */
		.resolve_ms = CLI_RDNS_DEFAULT_MS,
	};
	struct pipeline_options popt;
	pipeline_options_defaults(&popt);
	popt.threads = default_threads();
	struct action_map actions;
	action_map_init(&actions);
	struct filter filter;
	filter_init(&filter);
	struct geo_cli geo;
	geo_cli_init(&geo);
	const char *includes[64], *excludes[64];
	size_t n_includes = 0, n_excludes = 0;
	int status = EXIT_USAGE;
	struct catalog *catalog = NULL;
	struct input_list inputs = {0};
	FILE *out = stdout;
	uint64_t v;
	struct detect_config dcfg;
	detect_config_defaults(&dcfg);
	int detect_off = 0;
	struct detect_findings *findings = NULL;
	/* the report's own options, then the detection options */
	size_t n_own = ARRAY_LEN(long_options) - 1;
	struct web_setup wsetup = {0};
	struct web_config wcfg;
	web_config_defaults(&wcfg);
	struct web_sigset *wset = NULL;
	struct web_findings *webf = NULL;

	struct option *all_options = shared_options_merge(long_options, n_own);
	const struct shared_option_targets shared = {&dcfg, &detect_off, &wsetup};

	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "o:f:q", all_options, NULL)) != -1) {
		int shared_rc = shared_options_apply(c, optarg, &shared, "report");
		if (shared_rc < 0)
			goto done;
		if (shared_rc > 0)
			continue;
		if (c >= OPT_GEO_BASE && c < OPT_GEO_BASE + 4) {
			if (geo_cli_option(&geo, (enum geo_cli_opt)(c - OPT_GEO_BASE), optarg) != 0)
				goto done;
			continue;
		}
		switch (c) {
		case 'o':
			if (strcmp(optarg, "text") == 0)
				cli.output = OUT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				cli.output = OUT_JSON;
			else if (strcmp(optarg, "jsonl") == 0)
				cli.output = OUT_JSONL;
			else if (strcmp(optarg, "csv") == 0)
				cli.output = OUT_CSV;
			else if (strcmp(optarg, "dshield") == 0)
				cli.output = OUT_DSHIELD;
			else if (strcmp(optarg, "html") == 0)
				cli.output = OUT_HTML;
			else {
				fprintf(stderr, "clscan report: unknown output '%s' (text, json, jsonl, csv, dshield, html)\n",
					optarg);
				goto done;
			}
			break;
		case 'f':
			popt.forced_parser = parser_find(optarg);
			if (!popt.forced_parser) {
				fprintf(stderr, "clscan report: unknown format '%s'; see clscan formats --names\n",
					optarg);
				goto done;
			}
			break;
		case 'q':
			cli.quiet = 1;
			break;
		case OPT_YEAR:
			if (parse_size_arg("--year", optarg, 9999, &v) != 0 || v < 1970) {
				fprintf(stderr, "clscan report: --year must be 1970..9999\n");
				goto done;
			}
			popt.forced_year = (int)v;
			break;
		case OPT_TZ:
			cli.tz = optarg;
			break;
		case OPT_SINCE:
			cli.since = optarg;
			break;
		case OPT_UNTIL:
			cli.until = optarg;
			break;
		case OPT_INCLUDE:
		case OPT_EXCLUDE:
			if ((c == OPT_INCLUDE ? n_includes : n_excludes) == 64) {
				fprintf(stderr, "clscan report: at most 64 --include and 64 --exclude\n");
				goto done;
			}
			if (c == OPT_INCLUDE)
				includes[n_includes++] = optarg;
			else
				excludes[n_excludes++] = optarg;
			break;
		case OPT_ACTION_MAP:
			if (action_map_add_spec(&actions, optarg) != 0) {
				fprintf(stderr, "clscan report: --action-map wants TEXT=drop|reject|accept|log, not '%s'\n",
					optarg);
				goto done;
			}
			break;
		case OPT_CATALOG:
			cli.catalog_path = optarg;
			break;
		case OPT_TOP:
			if (parse_size_arg("--top", optarg, 1000000000, &v) != 0)
				goto done;
			cli.top_n = (size_t)v;
			break;
		case OPT_LIST_LIMIT:
			if (parse_size_arg("--list-limit", optarg, 1000000000, &v) != 0)
				goto done;
			cli.list_limit = (size_t)v;
			break;
		case OPT_THREADS:
			if (parse_size_arg("--threads", optarg, 256, &v) != 0 || v == 0) {
				fprintf(stderr, "clscan report: --threads must be 1..256\n");
				goto done;
			}
			popt.threads = (unsigned)v;
			break;
		case OPT_MAX_LINE:
			if (parse_size_arg("--max-line", optarg, 64u << 20, &v) != 0 || v < 64) {
				fprintf(stderr, "clscan report: --max-line must be 64..67108864\n");
				goto done;
			}
			popt.max_line = (size_t)v;
			break;
		case OPT_MAX_SOURCES:
		case OPT_MAX_TARGETS:
		case OPT_MAX_PAIRS:
		case OPT_MAX_GROUPS:
			if (parse_size_arg("--max-...", optarg, 1ull << 34, &v) != 0 || v == 0)
				goto done;
			if (c == OPT_MAX_SOURCES)
				popt.stats.max_sources = (size_t)v;
			else if (c == OPT_MAX_TARGETS)
				popt.stats.max_targets = (size_t)v;
			else if (c == OPT_MAX_PAIRS)
				popt.stats.max_pairs = (size_t)v;
			else
				popt.stats.max_groups = (size_t)v;
			break;
		case OPT_CHUNK_SIZE:
			if (parse_size_arg("--chunk-size", optarg, 1u << 30, &v) != 0 || v < 1) {
				fprintf(stderr, "clscan report: --chunk-size must be 1..1073741824\n");
				goto done;
			}
			popt.chunk_size = (size_t)v;
			break;
		case OPT_FAIL_ON:
			if (optarg[0] >= '1' && optarg[0] <= '5' && optarg[1] == '\0') {
				cli.fail_sev = optarg[0] - '0';
				break;
			}
			cli.fail_on = service_class_parse(optarg);
			if (cli.fail_on < SERVICE_WARNING) {
				fprintf(stderr, "clscan report: --fail-on wants alert, warning or 1-5\n");
				goto done;
			}
			break;
		case OPT_NO_COLOR:
			cli.color_mode = 0;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") == 0)
				cli.color_mode = -1;
			else if (strcmp(optarg, "always") == 0)
				cli.color_mode = 1;
			else if (strcmp(optarg, "never") == 0)
				cli.color_mode = 0;
			else {
				fprintf(stderr, "clscan report: --color wants auto, always or never\n");
				goto done;
			}
			break;
		case OPT_OUT:
			cli.out_path = optarg;
			break;
		case OPT_HTML_ASSETS:
			cli.html_assets = optarg;
			break;
		case OPT_LOG_FORMAT:
			cli.log_format = optarg;
			break;
		case OPT_LOG_FORMAT_FILE:
			cli.log_format_file = optarg;
			break;
		case OPT_RESOLVE:
			cli.resolve = 1;
			break;
		case OPT_RESOLVE_TIMEOUT:
			if (parse_size_arg("--resolve-timeout", optarg, 3600, &v) != 0)
				goto done;
			cli.resolve_ms = (unsigned)v * 1000;
			break;
		case OPT_HELP:
			fputs(report_usage, stdout);
			status = EXIT_OK;
			goto done;
		default:
			fputs(report_usage, stderr);
			goto done;
		}
	}

	/* The zone first: --since/--until without a zone are read in it. */
	if (timeconv_set_zone(cli.tz) != 0) {
		fprintf(stderr, "clscan report: unknown time zone '%s'\n", cli.tz);
		goto done;
	}
	if (cli_weblog_format("report", cli.log_format, cli.log_format_file, &popt.weblog_format,
			      &popt.forced_parser) != 0)
		goto done;
	char err[512];
	for (size_t i = 0; i < n_includes; i++)
		if (filter_add(&filter, includes[i], 0, err, sizeof(err)) != 0) {
			fprintf(stderr, "clscan report: --include %s: %s\n", includes[i], err);
			goto done;
		}
	for (size_t i = 0; i < n_excludes; i++)
		if (filter_add(&filter, excludes[i], 1, err, sizeof(err)) != 0) {
			fprintf(stderr, "clscan report: --exclude %s: %s\n", excludes[i], err);
			goto done;
		}
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t now_ns = (int64_t)now.tv_sec * NS_PER_SEC + now.tv_nsec;
	if (cli.since && filter_parse_time(cli.since, now_ns, &filter.since_ns) != 0) {
		fprintf(stderr, "clscan report: cannot read --since '%s'\n", cli.since);
		goto done;
	}
	if (cli.until && filter_parse_time(cli.until, now_ns, &filter.until_ns) != 0) {
		fprintf(stderr, "clscan report: cannot read --until '%s'\n", cli.until);
		goto done;
	}

	catalog = catalog_new();
	catalog_load_builtin(catalog);
	if (!cli.catalog_path)
		cli.catalog_path = getenv("CLSCAN_CATALOG");
	if (cli.catalog_path && cli.catalog_path[0]) {
		int bad = catalog_load_file(catalog, cli.catalog_path, err, sizeof(err));
		if (bad < 0) {
			fprintf(stderr, "clscan report: %s\n", err);
			goto done;
		}
		if (bad > 0)
			fprintf(stderr, "clscan report: %d bad catalog lines skipped; first: %s\n", bad, err);
	}
	popt.stats.catalog = catalog;
	dcfg.catalog = catalog;
	if (detect_config_finish(&dcfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "clscan report: %s\n", err);
		goto done;
	}
	/* Event output (jsonl, csv) carries no findings. */
	if (!detect_off && (cli.output == OUT_TEXT || cli.output == OUT_JSON || cli.output == OUT_HTML))
		popt.detect = &dcfg;
	if (cli.output == OUT_TEXT || cli.output == OUT_JSON || cli.output == OUT_HTML) {
		wset = web_setup_finish(&wsetup, &wcfg, err, sizeof(err));
		if (!wset && err[0]) {
			fprintf(stderr, "clscan report: %s\n", err);
			goto done;
		}
		if (wset)
			popt.web = &wcfg;
	}
	popt.actions = &actions;
	popt.filter = filter_is_empty(&filter) ? NULL : &filter;
	if (geo_cli_open(&geo, cli.quiet || cli.output == OUT_JSONL || cli.output == OUT_CSV ||
				       cli.output == OUT_DSHIELD) != 0)
		goto done;
	popt.geo_filter = geo_cli_filter(&geo);
	if (geo_has_country(geo.geo)) {
		/* the background per country: one lookup per source without a finding */
		dcfg.country = geo_country_cb;
		dcfg.country_ctx = geo.geo;
	}

	if (cli.out_path) {
		out = fopen(cli.out_path, "w");
		if (!out) {
			fprintf(stderr, "clscan report: cannot write %s: %s\n", cli.out_path,
				strerror(errno));
			out = stdout;
			goto done;
		}
	}

	size_t operand_errors = 0;
	char *stdin_operand[] = {"-"};
	if (optind < argc)
		input_expand(argv + optind, (size_t)(argc - optind), &inputs, on_input_error,
			     &operand_errors);
	else
		input_expand(stdin_operand, 1, &inputs, on_input_error, &operand_errors);

	popt.progress = !cli.quiet;
	if (cli.output == OUT_DSHIELD) {
		popt.mode = PIPELINE_DSHIELD;
		popt.events_out = out;
		popt.dshield_submitter = getenv("CLSCAN_DSHIELD_ID");
		if (!popt.dshield_submitter || !popt.dshield_submitter[0])
			popt.dshield_submitter = "0";
	} else if (cli.output == OUT_JSONL || cli.output == OUT_CSV) {
		popt.mode = cli.output == OUT_JSONL ? PIPELINE_JSONL : PIPELINE_CSV;
		popt.events_out = out;
	}

	if (cli.list_limit == SIZE_MAX)
		cli.list_limit = cli.output == OUT_JSON || cli.output == OUT_HTML ? 1000 : 50;

	struct pipeline_result res;
	int prc = pipeline_run(&inputs, &popt, &res);
	if (!cli.quiet)
		warn_skipped(&res);
	if (res.not_exported)
		fprintf(stderr, "clscan report: %llu events not written: DShield lines need a time, "
			"a source and a target\n", (unsigned long long)res.not_exported);

	/* The findings are made while the statistics are summarised and
	 * tabled (neither needs the other) when the run may use more than
	 * one thread: on two cores part of the analysis hides behind them. */
	struct findings_job fj = {.d = res.detector};
	if (res.detector)
		findings_start(&fj, popt.threads > 1);
	struct summary *sum = stats_summarise_lists(res.stats, cli.top_n, cli.list_limit);
	if (res.web)
		webf = web_findings(res.web);
	struct summary_tables *tables = NULL;
	if (cli.output == OUT_TEXT || cli.output == OUT_JSON || cli.output == OUT_HTML)
		tables = geo_cli_tables(&geo, res.stats, sum, res.files, res.n_files);
	if (res.detector)
		findings = findings_wait(&fj);
	geo_cli_tables_findings(tables, sum, findings);
	struct tz_cache tz = {0};
	struct report rep = {
		.sum = sum,
		.files = res.files,
		.n_files = res.n_files,
		.problems = res.problems,
		.n_problems = res.n_problems,
		.version = CLSCAN_VERSION,
		.zone = timeconv_zone_name(),
		.tz = &tz,
		.top_n = cli.top_n,
		.list_limit = cli.list_limit,
		.origin = pipeline_origin,
		.origin_arg = &res,
		.findings = findings,
		.web = webf,
	};
	struct rdns *rdns = NULL;
	if (cli.resolve && (cli.output == OUT_TEXT || cli.output == OUT_JSON || cli.output == OUT_HTML))
		rep.rdns = rdns = cli_rdns_resolve(sum, findings, webf, cli.resolve_ms, cli.quiet);
	rep.tables = tables;
	if (cli.color_mode < 0)
		rep.color = !cli.out_path && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	else
		rep.color = cli.color_mode;
	int wrc = 0;
	if (cli.output == OUT_TEXT)
		wrc = report_text(out, &rep);
	else if (cli.output == OUT_JSON)
		wrc = report_json(out, &rep);
	else if (cli.output == OUT_HTML) {
		struct html_pass hp;
		html_pass_read(&hp, &inputs, &popt, webf, findings, cli.list_limit);
		rep.sessions = hp.s;
		rep.n_sessions = hp.n;
		rep.finding_lines = hp.f;
		rep.n_finding_lines = hp.nf;
		wrc = report_html_page(out, &rep, cli.html_assets);
		html_pass_free(&hp);
	}
	if (fflush(out) != 0 || ferror(out) || wrc != 0 || prc != 0) {
		fprintf(stderr, "clscan report: writing the report failed: %s\n", strerror(errno));
		status = EXIT_INPUT_ERRORS;
	} else if (res.input_errors || operand_errors) {
		status = EXIT_INPUT_ERRORS;
	} else if (has_findings(sum, findings, cli.fail_on, cli.fail_sev) ||
		   web_has_findings(webf, cli.fail_on, cli.fail_sev)) {
		status = EXIT_FINDINGS;
	} else {
		status = EXIT_OK;
	}
	tables_free(tables);
	rdns_free(rdns);
	summary_free(sum);
	pipeline_result_fini(&res);

done:
	if (out != stdout && fclose(out) != 0 && status == EXIT_OK) {
		fprintf(stderr, "clscan report: closing %s failed: %s\n", cli.out_path, strerror(errno));
		status = EXIT_INPUT_ERRORS;
	}
	input_list_fini(&inputs);
	detect_findings_free(findings);
	detect_config_fini(&dcfg);
	web_findings_free(webf);
	web_sigset_free(wset);
	free(all_options);
	catalog_free(catalog);
	filter_fini(&filter);
	geo_cli_fini(&geo);
	action_map_fini(&actions);
	return status;
}

static int report_option_arg(const char *name)
{
	return config_option_arg(long_options, name);
}

const struct command cmd_report = {
	.name = "report",
	.summary = "read firewall logs and print the report",
	.usage = report_usage,
	.run = run_report,
	.option_arg = report_option_arg,
};
