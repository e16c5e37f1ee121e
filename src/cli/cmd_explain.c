/* `clscan explain SOURCE FILES`: the evidence behind a source's findings.
 * Reads the files again and runs the same detection as `report` over
 * every source, since a distributed finding is made of other sources'
 * events; only SOURCE's events (an include filter src=SOURCE, applied
 * after detection) are counted and written. Prints SOURCE's findings and
 * the groups it is a member of, then every event of the source as
 * "FILE:LINE: " and the line exactly as read (capture packets, which have
 * no line, as their JSON Lines record). With distributed scans off,
 * detection is per source and sees SOURCE's events only: cheaper, and the
 * same findings. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli_weblog.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/shared_options.h"
#include "core/util.h"
#include "detect/detect.h"
#include "report/text_web.h"
#include "web/web.h"
#include "enrich/catalog.h"
#include "enrich/filter.h"
#include "input/input.h"
#include "parse/action_map.h"
#include "pipeline/pipeline.h"
#include "report/report.h"

enum {
	X_YEAR = 256,
	X_TZ,
	X_SINCE,
	X_UNTIL,
	X_ACTION_MAP,
	X_CATALOG,
	X_THREADS,
	X_MAX_LINE,
	X_MAX_EVENTS,
	X_LOG_FORMAT,
	X_LOG_FORMAT_FILE,
	X_HELP,
	/* SHARED_DETECT_BASE and up: cli/shared_options.h */
};

static const struct option explain_own_options[] = {
	{"format", required_argument, NULL, 'f'},
	{"quiet", no_argument, NULL, 'q'},
	{"year", required_argument, NULL, X_YEAR},
	{"tz", required_argument, NULL, X_TZ},
	{"since", required_argument, NULL, X_SINCE},
	{"until", required_argument, NULL, X_UNTIL},
	{"action-map", required_argument, NULL, X_ACTION_MAP},
	{"catalog", required_argument, NULL, X_CATALOG},
	{"threads", required_argument, NULL, X_THREADS},
	{"max-line", required_argument, NULL, X_MAX_LINE},
	{"max-events", required_argument, NULL, X_MAX_EVENTS},
	{"log-format", required_argument, NULL, X_LOG_FORMAT},
	{"log-format-file", required_argument, NULL, X_LOG_FORMAT_FILE},
	{"help", no_argument, NULL, X_HELP},
	{NULL, 0, NULL, 0},
};

static const char explain_usage[] =
	"usage: clscan explain SOURCE [options] [FILE|DIR|-]...\n"
	"  The evidence behind SOURCE's findings: reads the files again, prints the\n"
	"  findings of SOURCE (an address, or a network such as 192.0.2.0/24) as\n"
	"  `clscan report` finds them, with the distributed scans it is a member of\n"
	"  (found over every source's events), then every one of its own events as\n"
	"  FILE:LINE: followed by the line exactly as read (packets of a capture,\n"
	"  which have no line, as their JSON Lines record).\n"
	"\n"
	"  -f, --format NAME      read every file as NAME\n"
	"      --log-format F     web access logs in format F (name or format string)\n"
	"      --log-format-file CONF  the format from an Apache or nginx config\n"
	"      --year YYYY        year of stamps that carry none\n"
	"      --tz ZONE          zone of local stamps and of the times shown\n"
	"      --since TIME       only events at or after TIME\n"
	"      --until TIME       only events before TIME\n"
	"      --action-map T=A   as for clscan report\n"
	"      --catalog FILE     service catalog entries overriding the built-in ones\n"
	"      --threads N        worker threads (default: number of CPUs)\n"
	"      --max-line BYTES   longest line read (default 65536)\n"
	"      --max-events N     print at most N events (default 0: all)\n"
	"  -q, --quiet            no progress line and no warnings on stderr\n"
	"  and every scan-detection option of clscan report (--home, --allow,\n"
	"  --scan-window, ...; see clscan help report) and the web-probe options\n"
	"  (--web-signatures, --no-web): use the same ones as for the report, or\n"
	"  the findings may differ.\n"
	"\n"
	"  Exit status: 0 ok, 2 usage, 3 input errors.\n";

static unsigned explain_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > 64)
		n = 64;
	return (unsigned)n;
}

static void explain_input_error(void *arg, const char *path, const char *reason)
{
	size_t *count = arg;
	(*count)++;
	fprintf(stderr, "clscan: %s: %s\n", path, reason);
}

static int num_opt(const char *name, const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	if (parse_u64(s, strlen(s), max, v) != 0 || *v < min) {
		fprintf(stderr, "clscan explain: --%s must be %llu..%llu\n", name,
			(unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	return 0;
}

/* Copy the event lines, at most max of them (0: all). Returns the number
 * of lines in the file. */
static uint64_t copy_lines(FILE *in, FILE *out, uint64_t max)
{
	char buf[1 << 16];
	uint64_t lines = 0;
	size_t got;
	rewind(in);
	while ((got = fread(buf, 1, sizeof(buf), in)) > 0) {
		size_t start = 0;
		for (size_t i = 0; i < got; i++) {
			if (buf[i] != '\n')
				continue;
			if (!max || lines < max)
				fwrite(buf + start, 1, i + 1 - start, out);
			start = i + 1;
			lines++;
		}
		if (start < got && (!max || lines < max))
			fwrite(buf + start, 1, got - start, out);
	}
	return lines;
}

/* The source's web probes (the filter let only its requests through);
 * its session is the EVENTS list that follows. */
static void explain_web(const struct report *rep)
{
	const struct web_findings *wf = rep->web;
	if (!wf || !wf->requests)
		return;
	printf("\nWEB PROBES  (%llu web requests; every one is in EVENTS below)\n",
	       (unsigned long long)wf->requests);
	for (size_t i = 0; i < wf->n_sources; i++)
		report_text_web_source(stdout, rep, &wf->sources[i]);
	if (!wf->n_sources)
		printf("  none of them matched a probe signature\n");
}

#define GROUP_LISTED 64 /* members named per group; JSON of report has 256 */

/* The distributed scans SOURCE is in: the rows above are the groups' (their
 * targets, ports, events and evidence line are all members'), EVENTS
 * below only SOURCE's. */
static void explain_groups(const struct detect_findings *df, const struct ip_prefix *net,
			   const char *source)
{
	char a[ADDR_STRLEN], n1[32], n2[32];
	int head = 0;
	for (size_t i = 0; df && i < df->n; i++) {
		const struct finding *f = &df->items[i];
		uint64_t in = detect_members_in(f, net);
		if (!in)
			continue;
		if (!head++)
			printf("\nDISTRIBUTED SCANS  (groups found over every source's events: their rows"
			       " above, evidence included, are all members'; EVENTS below only those of"
			       " %s)\n", source);
		/* groups are formed over TCP, UDP and SCTP only */
		const char *proto = f->proto == IPPROTO_NUM_UDP ? "UDP"
				    : f->proto == IPPROTO_NUM_SCTP ? "SCTP" : "TCP";
		if (net->bits == 128)
			printf("  %s is one of the %s members", source, fmt_count(f->n_members, n2));
		else
			printf("  %s of the %s members", fmt_count(in, n1), fmt_count(f->n_members, n2));
		printf(" of the distributed scan from %s +%" PRIu64 " (%s, %s)", addr_format(&f->src, a),
		       f->n_members - 1, detect_type_name((enum finding_type)f->group_shape), proto);
		if (net->bits != 128)
			printf(" are in %s", source);
		putchar(':');
		uint64_t listed = f->n_members < GROUP_LISTED ? f->n_members : GROUP_LISTED;
		for (uint64_t k = 0; k < listed; k++)
			printf("%s%s", k % 8 ? " " : "\n    ", addr_format(&f->members[k], a));
		if (listed < f->n_members)
			printf("\n    (and %s more)", fmt_count(f->n_members - listed, n1));
		putchar('\n');
	}
}

/* Explain sees the report's detector, caps included: say when they bit. */
static void explain_limits(const struct detect_findings *df)
{
	char a[32], b[32];
	if (!df || (!df->sources_evicted && !df->contacts_refused))
		return;
	printf("\n  note: the detector's caps were reached (%s sources evicted, %s contacts refused);"
	       " findings may be missing, as in clscan report's LIMITS\n",
	       fmt_count(df->sources_evicted, a), fmt_count(df->contacts_refused, b));
}

static int run_explain(int argc, char **argv)
{
	struct pipeline_options popt;
	pipeline_options_defaults(&popt);
	popt.threads = explain_threads();
	struct action_map actions;
	action_map_init(&actions);
	struct filter filter, focus;
	filter_init(&filter);
	filter_init(&focus);
	struct detect_config dcfg;
	detect_config_defaults(&dcfg);
	struct catalog *catalog = NULL;
	struct input_list inputs = {0};
	struct detect_findings *findings = NULL;
	FILE *events = NULL;
	int status = EXIT_USAGE, quiet = 0, detect_off = 0;
	const char *tz = NULL, *since = NULL, *until = NULL, *catalog_path = NULL;
	const char *log_format = NULL, *log_format_file = NULL;
	uint64_t max_events = 0, v;
	char err[512];

	size_t n_own = ARRAY_LEN(explain_own_options) - 1;
	struct web_setup wsetup = {0};
	struct web_config wcfg;
	web_config_defaults(&wcfg);
	struct web_sigset *wset = NULL;
	struct web_findings *webf = NULL;
	struct option *all = shared_options_merge(explain_own_options, n_own);
	const struct shared_option_targets shared = {&dcfg, &detect_off, &wsetup};

	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "f:q", all, NULL)) != -1) {
		int shared_rc = shared_options_apply(c, optarg, &shared, "explain");
		if (shared_rc < 0)
			goto done;
		if (shared_rc > 0)
			continue;
		switch (c) {
		case 'f':
			popt.forced_parser = parser_find(optarg);
			if (!popt.forced_parser) {
				fprintf(stderr, "clscan explain: unknown format '%s'\n", optarg);
				goto done;
			}
			break;
		case 'q':
			quiet = 1;
			break;
		case X_YEAR:
			if (num_opt("year", optarg, 1970, 9999, &v) != 0)
				goto done;
			popt.forced_year = (int)v;
			break;
		case X_TZ:
			tz = optarg;
			break;
		case X_SINCE:
			since = optarg;
			break;
		case X_UNTIL:
			until = optarg;
			break;
		case X_ACTION_MAP:
			if (action_map_add_spec(&actions, optarg) != 0) {
				fprintf(stderr, "clscan explain: --action-map wants TEXT=ACTION\n");
				goto done;
			}
			break;
		case X_CATALOG:
			catalog_path = optarg;
			break;
		case X_THREADS:
			if (num_opt("threads", optarg, 1, 256, &v) != 0)
				goto done;
			popt.threads = (unsigned)v;
			break;
		case X_MAX_LINE:
			if (num_opt("max-line", optarg, 64, 64u << 20, &v) != 0)
				goto done;
			popt.max_line = (size_t)v;
			break;
		case X_MAX_EVENTS:
			if (num_opt("max-events", optarg, 0, UINT64_MAX - 1, &max_events) != 0)
				goto done;
			break;
		case X_LOG_FORMAT:
			log_format = optarg;
			break;
		case X_LOG_FORMAT_FILE:
			log_format_file = optarg;
			break;
		case X_HELP:
			fputs(explain_usage, stdout);
			status = EXIT_OK;
			goto done;
		default:
			fputs(explain_usage, stderr);
			goto done;
		}
	}
	if (cli_weblog_format("explain", log_format, log_format_file, &popt.weblog_format,
			      &popt.forced_parser) != 0)
		goto done;
	if (optind >= argc) {
		fprintf(stderr, "clscan explain: which SOURCE? (an address or a network)\n");
		fputs(explain_usage, stderr);
		goto done;
	}
	const char *source = argv[optind++];
	struct ip_prefix pre;
	if (prefix_parse(source, strlen(source), &pre) != 0) {
		fprintf(stderr, "clscan explain: '%s' is not an address or a network\n", source);
		goto done;
	}
	if (timeconv_set_zone(tz) != 0) {
		fprintf(stderr, "clscan explain: unknown time zone '%s'\n", tz);
		goto done;
	}
	/* A distributed finding is made of several sources' events: then the
	 * detector sees every source, as in report, and only SOURCE's events
	 * go on (focus). Otherwise detection is per source, and SOURCE's
	 * events are all it needs. */
	int all_sources = !detect_off && dcfg.dist_sources > 0;
	char *expr = xasprintf("src=%s", source);
	int frc = filter_add(all_sources ? &focus : &filter, expr, 0, err, sizeof(err));
	free(expr);
	if (frc != 0) {
		fprintf(stderr, "clscan explain: %s: %s\n", source, err);
		goto done;
	}
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t now_ns = (int64_t)now.tv_sec * NS_PER_SEC + now.tv_nsec;
	if ((since && filter_parse_time(since, now_ns, &filter.since_ns) != 0) ||
	    (until && filter_parse_time(until, now_ns, &filter.until_ns) != 0)) {
		fprintf(stderr, "clscan explain: cannot read --since/--until\n");
		goto done;
	}
	catalog = catalog_new();
	catalog_load_builtin(catalog);
	if (!catalog_path)
		catalog_path = getenv("CLSCAN_CATALOG");
	if (catalog_path && catalog_path[0] &&
	    catalog_load_file(catalog, catalog_path, err, sizeof(err)) < 0) {
		fprintf(stderr, "clscan explain: %s\n", err);
		goto done;
	}
	dcfg.catalog = catalog;
	if (detect_config_finish(&dcfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "clscan explain: %s\n", err);
		goto done;
	}
	popt.stats.catalog = catalog;
	popt.actions = &actions;
	popt.filter = &filter;
	popt.focus = all_sources ? &focus : NULL;
	popt.detect = detect_off ? NULL : &dcfg;
	wset = web_setup_finish(&wsetup, &wcfg, err, sizeof(err));
	if (!wset && err[0]) {
		fprintf(stderr, "clscan explain: %s\n", err);
		goto done;
	}
	popt.web = wset ? &wcfg : NULL;
	popt.progress = !quiet;
	popt.mode = PIPELINE_RAW;
	events = tmpfile();
	if (!events) {
		fprintf(stderr, "clscan explain: cannot create a temporary file: %s\n", strerror(errno));
		status = EXIT_INPUT_ERRORS;
		goto done;
	}
	popt.events_out = events;

	size_t operand_errors = 0;
	char *stdin_operand[] = {"-"};
	if (optind < argc)
		input_expand(argv + optind, (size_t)(argc - optind), &inputs, explain_input_error,
			     &operand_errors);
	else
		input_expand(stdin_operand, 1, &inputs, explain_input_error, &operand_errors);

	struct pipeline_result res;
	int prc = pipeline_run(&inputs, &popt, &res);
	if (res.detector) {
		findings = detect_findings(res.detector);
		detect_findings_keep_net(findings, &pre);
	}
	if (res.web)
		webf = web_findings(res.web);
	struct summary *sum = stats_summarise(res.stats, 0);
	struct tz_cache tzc = {0};
	struct report rep = {
		.sum = sum,
		.files = res.files,
		.n_files = res.n_files,
		.version = CLSCAN_VERSION,
		.zone = timeconv_zone_name(),
		.tz = &tzc,
		.origin = pipeline_origin,
		.origin_arg = &res,
		.findings = findings,
		.web = webf,
	};
	char a[32];
	printf("clscan explain %s - %s %s in %zu %s\n", source, fmt_count(sum->events, a),
	       sum->events == 1 ? "event" : "events", res.n_files,
	       res.n_files == 1 ? "file" : "files");
	int wrc = report_text_findings(stdout, &rep);
	explain_groups(findings, &pre, source);
	explain_limits(findings);
	explain_web(&rep);
	fflush(stdout);
	printf("\nEVENTS  (every event of %s, as FILE:LINE: and the line as read)\n", source);
	uint64_t n = copy_lines(events, stdout, max_events);
	if (max_events && n > max_events)
		printf("  (%llu more: --max-events 0 for all)\n",
		       (unsigned long long)(n - max_events));
	if (n == 0)
		printf("  none\n");
	if (fflush(stdout) != 0 || ferror(stdout) || wrc != 0 || prc != 0)
		status = EXIT_INPUT_ERRORS;
	else if (res.input_errors || operand_errors)
		status = EXIT_INPUT_ERRORS;
	else
		status = EXIT_OK;
	summary_free(sum);
	pipeline_result_fini(&res);

done:
	if (events)
		fclose(events);
	detect_findings_free(findings);
	web_findings_free(webf);
	web_sigset_free(wset);
	input_list_fini(&inputs);
	detect_config_fini(&dcfg);
	catalog_free(catalog);
	filter_fini(&filter);
	filter_fini(&focus);
	action_map_fini(&actions);
	free(all);
	return status;
}

static int explain_option_arg(const char *name)
{
	return config_option_arg(explain_own_options, name);
}

const struct command cmd_explain = {
	.name = "explain",
	.summary = "print a source's findings and every event behind them",
	.usage = explain_usage,
	.run = run_explain,
	.option_arg = explain_option_arg,
};
