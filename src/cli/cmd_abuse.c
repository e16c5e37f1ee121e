/* `clscan abuse [options] --out DIR FILES`: the report's pipeline, then one
 * mail message (.eml) per source and incident into DIR. A first pass finds
 * the incidents (scan findings of sources that are neither home nor
 * allowlisted); a second pass, restricted to their sources, gathers the
 * evidence lines as read. Contacts come from --contacts, else abuse@ the
 * registered domain of the logged host name or (--resolve) of its reverse
 * DNS name, else the To: is left for the user. A state file keeps each
 * incident from being reported twice; nothing is sent without --send.
 * Here: the options and the run; the incidents, their evidence and
 * contacts in abuse_incidents.c; writing and sending in abuse_send.c; the
 * message itself in report/abuse_mail.c, the state in report/abuse_state.c. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/abuse_incidents.h"
#include "cli/abuse_send.h"
#include "cli/cli_weblog.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/shared_options.h"
#include "core/util.h"
#include "detect/detect.h"
#include "enrich/catalog.h"
#include "enrich/contacts.h"
#include "enrich/filter.h"
#include "enrich/rdns.h"
#include "input/input.h"
#include "parse/action_map.h"
#include "pipeline/pipeline.h"
#include "report/abuse_mail.h"
#include "report/report.h"
#include "web/web.h"


enum {
	A_YEAR = 256,
	A_TZ,
	A_SINCE,
	A_UNTIL,
	A_INCLUDE,
	A_EXCLUDE,
	A_ACTION_MAP,
	A_CATALOG,
	A_THREADS,
	A_MAX_LINE,
	A_OUT,
	A_CONTACTS,
	A_RESOLVE,
	A_RESOLVE_TIMEOUT,
	A_FROM,
	A_REPORTER,
	A_ORG,
	A_SERVER,
	A_TEMPLATE,
	A_LANG,
	A_XARF,
	A_STATE,
	A_SEND,
	A_SENDMAIL,
	A_MIN_SEVERITY,
	A_DATE,
	A_MAX_EVIDENCE,
	A_MAX_INCIDENTS,
	A_LOG_FORMAT,
	A_LOG_FORMAT_FILE,
	A_HELP,
	/* SHARED_DETECT_BASE and up: cli/shared_options.h */
};

static const struct option abuse_own_options[] = {
	{"format", required_argument, NULL, 'f'},
	{"quiet", no_argument, NULL, 'q'},
	{"year", required_argument, NULL, A_YEAR},
	{"tz", required_argument, NULL, A_TZ},
	{"since", required_argument, NULL, A_SINCE},
	{"until", required_argument, NULL, A_UNTIL},
	{"include", required_argument, NULL, A_INCLUDE},
	{"exclude", required_argument, NULL, A_EXCLUDE},
	{"action-map", required_argument, NULL, A_ACTION_MAP},
	{"catalog", required_argument, NULL, A_CATALOG},
	{"threads", required_argument, NULL, A_THREADS},
	{"max-line", required_argument, NULL, A_MAX_LINE},
	{"out", required_argument, NULL, A_OUT},
	{"contacts", required_argument, NULL, A_CONTACTS},
	{"resolve", no_argument, NULL, A_RESOLVE},
	{"resolve-timeout", required_argument, NULL, A_RESOLVE_TIMEOUT},
	{"from", required_argument, NULL, A_FROM},
	{"reporter-name", required_argument, NULL, A_REPORTER},
	{"org", required_argument, NULL, A_ORG},
	{"server", required_argument, NULL, A_SERVER},
	{"template", required_argument, NULL, A_TEMPLATE},
	{"lang", required_argument, NULL, A_LANG},
	{"xarf", no_argument, NULL, A_XARF},
	{"state", required_argument, NULL, A_STATE},
	{"send", no_argument, NULL, A_SEND},
	{"sendmail", required_argument, NULL, A_SENDMAIL},
	{"min-severity", required_argument, NULL, A_MIN_SEVERITY},
	{"date", required_argument, NULL, A_DATE},
	{"max-evidence", required_argument, NULL, A_MAX_EVIDENCE},
	{"max-incidents", required_argument, NULL, A_MAX_INCIDENTS},
	{"log-format", required_argument, NULL, A_LOG_FORMAT},
	{"log-format-file", required_argument, NULL, A_LOG_FORMAT_FILE},
	{"help", no_argument, NULL, A_HELP},
	{NULL, 0, NULL, 0},
};

static const char abuse_usage[] =
	"usage: clscan abuse --out DIR [options] [FILE|DIR|-]...\n"
	"  Reads the logs as clscan report does and writes one mail message (.eml,\n"
	"  RFC 5322) per source and incident into DIR, addressed to the source's\n"
	"  abuse contact, with the evidence lines as read. Nothing is sent unless\n"
	"  --send is given. Incidents: scan findings of sources outside --home and\n"
	"  not allowlisted, and web probe findings of such sources, of severity\n"
	"  --min-severity or more.\n"
	"\n"
	"      --out DIR          where the messages go (created if missing)\n"
	"      --contacts FILE    abuse contacts: NETWORK-or-DOMAIN ADDRESS per line;\n"
	"                         the longest match wins\n"
	"      --resolve          look up sources' reverse DNS names (for contacts)\n"
	"      --resolve-timeout S  total time for the lookups (default 5 s); what has\n"
	"                         not answered by then is left unresolved\n"
	"      --from ADDR        \"Name <user@host>\": From: and Reply-To:\n"
	"      --reporter-name N  the name under the message\n"
	"      --org NAME         your organisation, under the name\n"
	"      --server NAME      the attacked server's name, in Subject and text\n"
	"      --lang LANG        built-in template: en (default) or ja\n"
	"      --template FILE    your own template (see clscan(1), ABUSE REPORTS)\n"
	"      --xarf             add an X-ARF v0.2 report (multipart/mixed)\n"
	"      --state FILE       incidents reported already (default DIR/.clscan-abuse-state)\n"
	"      --send             pipe each message to sendmail -t -oi\n"
	"      --sendmail PATH    the sendmail program (default /usr/sbin/sendmail)\n"
	"      --min-severity S   1-5, or warning (2) or alert (4); default warning\n"
	"      --date TIME        the Date: of the messages (default now)\n"
	"      --max-evidence N   evidence lines per message (default 50)\n"
	"      --max-incidents N  messages per run at most (default 1000)\n"
	"\n"
	"  Reading, as for clscan report: -f/--format, --year, --tz, --since, --until,\n"
	"  --include, --exclude, --action-map, --catalog, --threads, --max-line, -q,\n"
	"  --log-format, --log-format-file, every scan-detection option (--home,\n"
	"  --allow, --scan-window, ...) and web-probe option (--web-signatures, ...).\n"
	"\n"
	"  Exit status: 0 ok, 2 usage, 3 input errors or a message that could not\n"
	"  be written or sent.\n";

struct abuse_cli {
	const char *out_dir, *contacts_path, *from, *reporter, *org, *server;
	const char *template_path, *lang, *state_path, *sendmail, *date;
	const char *tz, *since, *until, *catalog_path;
	const char *log_format, *log_format_file;
	int resolve, xarf, send, quiet;
	unsigned resolve_ms;
	unsigned min_sev;
	size_t max_evidence, max_incidents;
};

/* ---- the run ------------------------------------------------------------- */

struct abuse_run {
	struct abuse_cli cli;
	struct pipeline_options popt;
	struct action_map actions;
	struct filter filter;
	struct detect_config dcfg;
	int detect_off;
	struct web_setup wsetup;
	struct web_config wcfg;
	struct web_sigset *wset;
	struct catalog *catalog;
	struct input_list inputs;
	const char *includes[64], *excludes[64];
	size_t n_includes, n_excludes;
	size_t operand_errors;
};

static void on_input_error(void *arg, const char *path, const char *reason)
{
	size_t *count = arg;
	(*count)++;
	fprintf(stderr, "clscan: %s: %s\n", path, reason);
}

static int num_opt(const char *name, const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	if (parse_u64(s, strlen(s), max, v) != 0 || *v < min) {
		fprintf(stderr, "clscan abuse: --%s must be %llu..%llu\n", name,
			(unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	return 0;
}

static int parse_severity(const char *s, unsigned *out)
{
	if (s[0] >= '1' && s[0] <= '5' && s[1] == '\0')
		*out = (unsigned)(s[0] - '0');
	else if (strcmp(s, "alert") == 0)
		*out = 4;
	else if (strcmp(s, "warning") == 0)
		*out = 2;
	else
		return -1;
	return 0;
}

/* Returns 0 to go on, 1 for --help, -1 for a usage error. */
static int parse_options(struct abuse_run *r, int argc, char **argv)
{
	struct abuse_cli *cli = &r->cli;
	size_t n_own = ARRAY_LEN(abuse_own_options) - 1;
	struct option *all = shared_options_merge(abuse_own_options, n_own);
	const struct shared_option_targets shared = {&r->dcfg, &r->detect_off, &r->wsetup};
	int rc = 0, c;
	uint64_t v;
	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "f:q", all, NULL)) != -1) {
		int shared_rc = shared_options_apply(c, optarg, &shared, "abuse");
		if (shared_rc != 0) {
			if (shared_rc < 0)
				rc = -1;
			continue;
		}
		switch (c) {
		case 'f':
			r->popt.forced_parser = parser_find(optarg);
			if (!r->popt.forced_parser) {
				fprintf(stderr, "clscan abuse: unknown format '%s'\n", optarg);
				rc = -1;
			}
			break;
		case 'q':
			cli->quiet = 1;
			break;
		case A_YEAR:
			if (num_opt("year", optarg, 1970, 9999, &v) != 0)
				rc = -1;
			else
				r->popt.forced_year = (int)v;
			break;
		case A_TZ:
			cli->tz = optarg;
			break;
		case A_SINCE:
			cli->since = optarg;
			break;
		case A_UNTIL:
			cli->until = optarg;
			break;
		case A_INCLUDE:
		case A_EXCLUDE:
			if ((c == A_INCLUDE ? r->n_includes : r->n_excludes) == 64) {
				fprintf(stderr, "clscan abuse: at most 64 --include and 64 --exclude\n");
				rc = -1;
			} else if (c == A_INCLUDE) {
				r->includes[r->n_includes++] = optarg;
			} else {
				r->excludes[r->n_excludes++] = optarg;
			}
			break;
		case A_ACTION_MAP:
			if (action_map_add_spec(&r->actions, optarg) != 0) {
				fprintf(stderr, "clscan abuse: --action-map wants TEXT=ACTION\n");
				rc = -1;
			}
			break;
		case A_CATALOG:
			cli->catalog_path = optarg;
			break;
		case A_THREADS:
			if (num_opt("threads", optarg, 1, 256, &v) != 0)
				rc = -1;
			else
				r->popt.threads = (unsigned)v;
			break;
		case A_MAX_LINE:
			if (num_opt("max-line", optarg, 64, 64u << 20, &v) != 0)
				rc = -1;
			else
				r->popt.max_line = (size_t)v;
			break;
		case A_OUT:
			cli->out_dir = optarg;
			break;
		case A_CONTACTS:
			cli->contacts_path = optarg;
			break;
		case A_RESOLVE:
			cli->resolve = 1;
			break;
		case A_RESOLVE_TIMEOUT:
			if (num_opt("resolve-timeout", optarg, 0, 3600, &v) != 0)
				rc = -1;
			else
				cli->resolve_ms = (unsigned)v * 1000;
			break;
		case A_FROM:
			cli->from = optarg;
			break;
		case A_REPORTER:
			cli->reporter = optarg;
			break;
		case A_ORG:
			cli->org = optarg;
			break;
		case A_SERVER:
			cli->server = optarg;
			break;
		case A_TEMPLATE:
			cli->template_path = optarg;
			break;
		case A_LANG:
			cli->lang = optarg;
			break;
		case A_XARF:
			cli->xarf = 1;
			break;
		case A_STATE:
			cli->state_path = optarg;
			break;
		case A_SEND:
			cli->send = 1;
			break;
		case A_SENDMAIL:
			cli->sendmail = optarg;
			break;
		case A_MIN_SEVERITY:
			if (parse_severity(optarg, &cli->min_sev) != 0) {
				fprintf(stderr, "clscan abuse: --min-severity wants 1-5, warning or alert\n");
				rc = -1;
			}
			break;
		case A_DATE:
			cli->date = optarg;
			break;
		case A_MAX_EVIDENCE:
			if (num_opt("max-evidence", optarg, 0, 100000, &v) != 0)
				rc = -1;
			else
				cli->max_evidence = (size_t)v;
			break;
		case A_MAX_INCIDENTS:
			if (num_opt("max-incidents", optarg, 1, 1000000, &v) != 0)
				rc = -1;
			else
				cli->max_incidents = (size_t)v;
			break;
		case A_LOG_FORMAT:
			cli->log_format = optarg;
			break;
		case A_LOG_FORMAT_FILE:
			cli->log_format_file = optarg;
			break;
		case A_HELP:
			fputs(abuse_usage, stdout);
			rc = 1;
			break;
		default:
			fputs(abuse_usage, stderr);
			rc = -1;
		}
	}
	free(all);
	if (rc == 0 && cli->from && !abuse_mail_from_ok(cli->from)) {
		fprintf(stderr, "clscan abuse: --from '%s' is not \"Name <user@host>\" or user@host\n",
			cli->from);
		rc = -1;
	}
	if (rc == 0 && cli->send && !cli->from) {
		fprintf(stderr, "clscan abuse: --send needs --from\n");
		rc = -1;
	}
	if (rc == 0 && !cli->out_dir) {
		fprintf(stderr, "clscan abuse: --out DIR is required\n");
		rc = -1;
	}
	return rc;
}

/* Zone, filter, catalog and detection set up as clscan report does. */
static int prepare(struct abuse_run *r, int64_t now_ns)
{
	struct abuse_cli *cli = &r->cli;
	char err[512];
	if (timeconv_set_zone(cli->tz) != 0) {
		fprintf(stderr, "clscan abuse: unknown time zone '%s'\n", cli->tz);
		return -1;
	}
	if (cli_weblog_format("abuse", cli->log_format, cli->log_format_file,
			      &r->popt.weblog_format, &r->popt.forced_parser) != 0)
		return -1;
	for (size_t i = 0; i < r->n_includes + r->n_excludes; i++) {
		int ex = i >= r->n_includes;
		const char *e = ex ? r->excludes[i - r->n_includes] : r->includes[i];
		if (filter_add(&r->filter, e, ex, err, sizeof(err)) != 0) {
			fprintf(stderr, "clscan abuse: %s: %s\n", e, err);
			return -1;
		}
	}
	if ((cli->since && filter_parse_time(cli->since, now_ns, &r->filter.since_ns) != 0) ||
	    (cli->until && filter_parse_time(cli->until, now_ns, &r->filter.until_ns) != 0)) {
		fprintf(stderr, "clscan abuse: cannot read --since/--until\n");
		return -1;
	}
	r->catalog = catalog_new();
	catalog_load_builtin(r->catalog);
	if (!cli->catalog_path)
		cli->catalog_path = getenv("CLSCAN_CATALOG");
	if (cli->catalog_path && cli->catalog_path[0] &&
	    catalog_load_file(r->catalog, cli->catalog_path, err, sizeof(err)) < 0) {
		fprintf(stderr, "clscan abuse: %s\n", err);
		return -1;
	}
	r->dcfg.catalog = r->catalog;
	if (detect_config_finish(&r->dcfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "clscan abuse: %s\n", err);
		return -1;
	}
	if (r->detect_off) {
		fprintf(stderr, "clscan abuse: --no-detect leaves nothing to report\n");
		return -1;
	}
	r->wset = web_setup_finish(&r->wsetup, &r->wcfg, err, sizeof(err));
	if (!r->wset && err[0]) {
		fprintf(stderr, "clscan abuse: %s\n", err);
		return -1;
	}
	if (r->wset)
		r->popt.web = &r->wcfg;
	r->popt.stats.catalog = r->catalog;
	r->popt.actions = &r->actions;
	r->popt.filter = filter_is_empty(&r->filter) ? NULL : &r->filter;
	r->popt.detect = &r->dcfg;
	r->popt.progress = !cli->quiet;
	return 0;
}

static void resolve_sources(struct abuse_run *r, struct rdns *rd, struct incident *incs, size_t n,
			    const struct contacts *ct)
{
	struct ip_addr *want = xcalloc(n ? n : 1, sizeof(*want));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!incs[i].host && !incs[i].inc.source_name &&
		    !contacts_for_addr(ct, &incs[i].inc.src))
			want[k++] = incs[i].inc.src;
	rdns_resolve(rd, want, k, r->cli.resolve_ms);
	struct rdns_stats st;
	rdns_get_stats(rd, &st);
	if (st.timed_out && !r->cli.quiet)
		fprintf(stderr, "clscan abuse: %zu of %zu reverse DNS lookups did not answer within "
			"%u s; left unresolved\n", st.timed_out, st.asked, r->cli.resolve_ms / 1000);
	free(want);
}

struct outcome {
	size_t written, sent, no_contact, already, failed, unsent_no_to;
};

static void emit(struct abuse_run *r, struct incident *in, struct abuse_mail_options *mo,
		 struct abuse_state *state, struct outcome *oc)
{
	char key[ABUSE_KEY_MAX], err[512];
	abuse_incident_key(&in->inc, key);
	if (abuse_state_has(state, key)) {
		oc->already++;
		return;
	}
	mo->to = in->to;
	mo->cc = in->cc;
	char *msg;
	size_t len;
	if (abuse_mail_compose(mo, &in->inc, &msg, &len, err, sizeof(err)) != 0) {
		fprintf(stderr, "clscan abuse: %s\n", err);
		oc->failed++;
		return;
	}
	char *path = abuse_message_path(r->cli.out_dir, &in->inc);
	if (abuse_write_file(path, msg, len) != 0) {
		fprintf(stderr, "clscan abuse: cannot write %s: %s\n", path, strerror(errno));
		oc->failed++;
		goto out;
	}
	oc->written++;
	if (!in->to)
		oc->no_contact++;
	if (r->cli.send) {
		if (!in->to) {
			oc->unsent_no_to++;
			goto out; /* written for the user to address; not reported yet */
		}
		if (abuse_sendmail(r->cli.sendmail, msg, len, err, sizeof(err)) != 0) {
			fprintf(stderr, "clscan abuse: %s: %s\n", path, err);
			oc->failed++;
			goto out;
		}
		oc->sent++;
	}
	abuse_state_add(state, key);
out:
	free(path);
	free(msg);
}

static void print_summary(const struct abuse_run *r, size_t n, const struct tally *t,
			  const struct outcome *oc, const char *state_path)
{
	const struct abuse_cli *cli = &r->cli;
	printf("clscan abuse: %zu %s; %zu %s written to %s", n, n == 1 ? "incident" : "incidents",
	       oc->written, oc->written == 1 ? "message" : "messages", cli->out_dir);
	if (cli->send)
		printf(", %zu sent", oc->sent);
	printf("\n");
	if (!cli->from && oc->written)
		printf("  no --from: From: is left as \"sender-unknown:;\" for you to fill in\n");
	if (oc->no_contact)
		printf("  %zu without a known abuse contact: To: is left as "
		       "\"abuse-contact-unknown:;\" for you to fill in%s\n",
		       oc->no_contact, cli->send ? " (not sent)" : "");
	if (oc->already)
		printf("  %zu %s already reported, skipped (%s)\n", oc->already,
		       oc->already == 1 ? "incident" : "incidents", state_path);
	if (t->skipped_home || t->skipped_allow)
		printf("  not reported: %zu from --home, %zu allowlisted\n", t->skipped_home,
		       t->skipped_allow);
	if (t->skipped_sev)
		printf("  %zu below --min-severity %u\n", t->skipped_sev, cli->min_sev);
	if (t->skipped_noaddr)
		printf("  %zu web sources without an address or name, not reported\n",
		       t->skipped_noaddr);
	if (t->skipped_local)
		printf("  %zu from loopback or unspecified addresses, not reportable\n",
		       t->skipped_local);
	if (t->over_cap)
		printf("  %zu more over --max-incidents %zu, left for the next run\n", t->over_cap,
		       cli->max_incidents);
	if (oc->failed)
		printf("  %zu failed (see the messages above)\n", oc->failed);
}

static int load_template(const struct abuse_cli *cli, char **owned, const char **t, size_t *len)
{
	char err[512];
	if (cli->template_path) {
		*owned = abuse_read_template(cli->template_path, len, err, sizeof(err));
		if (!*owned) {
			fprintf(stderr, "clscan abuse: %s\n", err);
			return -1;
		}
		*t = *owned;
		return 0;
	}
	*t = abuse_mail_builtin_template(cli->lang, len);
	if (!*t) {
		fprintf(stderr, "clscan abuse: no built-in template for --lang %s (en, ja); "
			"use --template FILE\n", cli->lang);
		return -1;
	}
	return 0;
}

static int write_reports(struct abuse_run *r, struct incident *incs, size_t n,
			 const struct tally *t, int64_t now_ns)
{
	struct abuse_cli *cli = &r->cli;
	char err[512];
	int status = EXIT_OK;
	char *tmpl_owned = NULL, *state_default = NULL;
	struct contacts *ct = contacts_new();
	struct rdns *rd = NULL;
	struct abuse_state *state = NULL;
	const char *tmpl;
	size_t tmpl_len;
	if (load_template(cli, &tmpl_owned, &tmpl, &tmpl_len) != 0)
		goto usage;
	if (cli->contacts_path) {
		int bad = contacts_load_file(ct, cli->contacts_path, err, sizeof(err));
		if (bad < 0) {
			fprintf(stderr, "clscan abuse: %s\n", err);
			goto usage;
		}
		if (bad > 0)
			fprintf(stderr, "clscan abuse: %d bad contact lines skipped; first: %s\n", bad,
				err);
	}
	if (mkdir(cli->out_dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "clscan abuse: cannot create %s: %s\n", cli->out_dir, strerror(errno));
		status = EXIT_INPUT_ERRORS;
		goto done;
	}
	const char *state_path = cli->state_path;
	if (!state_path)
		state_path = state_default = xasprintf("%s/.clscan-abuse-state", cli->out_dir);
	state = abuse_state_load(state_path, err, sizeof(err));
	if (!state) {
		fprintf(stderr, "clscan abuse: %s\n", err);
		status = EXIT_INPUT_ERRORS;
		goto done;
	}
	if (cli->resolve) {
		rd = rdns_new(0, 0, NULL);
		resolve_sources(r, rd, incs, n, ct);
	}
	struct tz_cache tz = {0};
	struct abuse_mail_options mo = {
		.from = cli->from,
		.reporter = cli->reporter,
		.org = cli->org,
		.server = cli->server,
		.tmpl = tmpl,
		.tmpl_len = tmpl_len,
		.zone = timeconv_zone_name(),
		.tz = &tz,
		.now_ns = now_ns,
		.xarf = cli->xarf,
		.version = CLSCAN_VERSION,
	};
	struct outcome oc = {0};
	for (size_t i = 0; i < n; i++) {
		size_t sent = oc.sent;
		abuse_choose_contact(&incs[i], ct, rd);
		emit(r, &incs[i], &mo, state, &oc);
		/* a message sent is recorded at once: a run stopped half-way
		 * must not mail the same incident again next time */
		if (oc.sent > sent && abuse_state_save(state, state_path, err, sizeof(err)) != 0) {
			fprintf(stderr, "clscan abuse: cannot save the state: %s; nothing more sent\n",
				err);
			oc.failed++;
			break;
		}
	}
	if (oc.written && abuse_state_save(state, state_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "clscan abuse: cannot save the state: %s\n", err);
		oc.failed++;
	}
	print_summary(r, n, t, &oc, state_path);
	if (oc.failed)
		status = EXIT_INPUT_ERRORS;
	goto done;
usage:
	status = EXIT_USAGE;
done:
	abuse_state_free(state);
	rdns_free(rd);
	contacts_free(ct);
	free(tmpl_owned);
	free(state_default);
	return status;
}

static unsigned online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

static int run_abuse(int argc, char **argv)
{
	struct abuse_run r;
	memset(&r, 0, sizeof(r));
	r.cli.resolve_ms = 5000;
	r.cli.min_sev = 2;
	r.cli.max_evidence = 50;
	r.cli.max_incidents = 1000;
	r.cli.sendmail = "/usr/sbin/sendmail";
	pipeline_options_defaults(&r.popt);
	r.popt.threads = online_cpus();
	action_map_init(&r.actions);
	filter_init(&r.filter);
	detect_config_defaults(&r.dcfg);
	web_config_defaults(&r.wcfg);
	struct web_findings *webf = NULL;
	int status = EXIT_USAGE;
	struct detect_findings *findings = NULL;
	struct incident *incs = NULL;
	size_t n = 0;

	int prc = parse_options(&r, argc, argv);
	if (prc != 0) {
		status = prc > 0 ? EXIT_OK : EXIT_USAGE;
		goto done;
	}
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t now_ns = (int64_t)now.tv_sec * NS_PER_SEC + now.tv_nsec;
	if (prepare(&r, now_ns) != 0)
		goto done;
	int64_t date_ns = now_ns;
	if (r.cli.date && filter_parse_time(r.cli.date, now_ns, &date_ns) != 0) {
		fprintf(stderr, "clscan abuse: cannot read --date '%s'\n", r.cli.date);
		goto done;
	}
	char *stdin_operand[] = {"-"};
	if (optind < argc)
		input_expand(argv + optind, (size_t)(argc - optind), &r.inputs, on_input_error,
			     &r.operand_errors);
	else
		input_expand(stdin_operand, 1, &r.inputs, on_input_error, &r.operand_errors);

	struct pipeline_result res;
	int run_rc = pipeline_run(&r.inputs, &r.popt, &res);
	if (res.detector)
		findings = detect_findings(res.detector);
	if (res.web)
		webf = web_findings(res.web);
	int input_errors = run_rc != 0 || res.input_errors || r.operand_errors;
	pipeline_result_fini(&res);
	struct tally t = {0};
	incs = abuse_pick_incidents(findings, webf, &r.dcfg, r.cli.min_sev, r.cli.max_incidents, &n,
				    &t);
	r.popt.progress = 0;
	if (n && abuse_gather_evidence(&r.inputs, &r.popt, r.cli.max_evidence, incs, n) != 0)
		input_errors = 1;
	status = write_reports(&r, incs, n, &t, date_ns);
	if (status == EXIT_OK && input_errors)
		status = EXIT_INPUT_ERRORS;
	if (fflush(stdout) != 0 && status == EXIT_OK)
		status = EXIT_INPUT_ERRORS;
done:
	abuse_free_incidents(incs, n);
	detect_findings_free(findings);
	web_findings_free(webf);
	web_sigset_free(r.wset);
	input_list_fini(&r.inputs);
	detect_config_fini(&r.dcfg);
	catalog_free(r.catalog);
	filter_fini(&r.filter);
	action_map_fini(&r.actions);
	return status;
}

/* For the configuration file's [abuse] section and common entries. */
static int abuse_option_arg(const char *name)
{
	int a = config_option_arg(abuse_own_options, name);
	for (size_t i = 0; a < 0 && i < web_n_options; i++)
		if (strcmp(web_options[i].name, name) == 0)
			a = web_options[i].has_arg != 0;
	return a;
}

const struct command cmd_abuse = {
	.name = "abuse",
	.summary = "write abuse-report mail (.eml) for the incidents found",
	.usage = abuse_usage,
	.run = run_abuse,
	.option_arg = abuse_option_arg,
};
