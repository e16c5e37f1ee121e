/* The text report: exact output for a small hand-built summary (colour
 * off, zone UTC), then the parts that vary: empty input, list limits,
 * the collapsed From column, colour, hostile strings, the LIMITS block. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/timeconv.h"
#include "core/util.h"
#include "report/report.h"

static const struct service svc_telnet = {
	.port = 23, .proto = 6, .cls = SERVICE_ALERT, .name = "telnet", .note = "Mirai and kin"};
static const struct service svc_ssh = {
	.port = 22, .proto = 6, .cls = SERVICE_WARNING, .name = "ssh", .note = ""};

/* 2022-05-15 00:00:17 UTC, a Sunday */
#define T0 (1652572817LL * NS_PER_SEC)
#define SEC NS_PER_SEC

static void v4(struct ip_addr *a, unsigned x, unsigned y, unsigned z, unsigned w)
{
	addr_from_v4((uint32_t)(x << 24 | y << 16 | z << 8 | w), a);
}

static void group(struct summary_group *g, const struct service *svc, unsigned src_last,
		  unsigned dst_last, uint64_t events, int64_t first, int64_t last)
{
	memset(g, 0, sizeof(*g));
	g->cls = svc->cls;
	g->proto = svc->proto;
	g->port = svc->port;
	g->svc = svc;
	v4(&g->src, 203, 0, 113, src_last);
	v4(&g->dst, 198, 51, 100, dst_last);
	g->events = events;
	g->first_ns = first;
	g->last_ns = last;
	g->first_unit = 0;
	g->first_line = 1;
}

static struct summary *make_summary(void)
{
	struct summary *s = xcalloc(1, sizeof(*s));
	s->events = 1234567;
	s->records = 1234560;
	s->first_ns = T0;
	s->last_ns = T0 + (5 * 86400 + 11 * 3600 + 1 * 60 + 48) * SEC;
	s->n_sources = 3;
	s->n_targets = 2;
	s->n_ports = 3;
	s->by_action[EVENT_ACTION_DROP] = 1234500;
	s->by_action[EVENT_ACTION_REJECT] = 67;
	s->by_proto[6] = 1234566;
	s->by_proto[17] = 1;
	s->hours[0] = 1234560;
	s->hours[11] = 7;
	s->weekdays[6] = 1234560;
	s->weekdays[4] = 7;

	s->n_ports_rows = 3;
	s->ports = xcalloc(3, sizeof(*s->ports));
	s->ports[0] = (struct summary_port){.proto = 6, .port = 23, .events = 1234560,
					    .sources = 2, .targets = 2, .svc = &svc_telnet};
	s->ports[1] = (struct summary_port){.proto = 6, .port = 22, .events = 6, .sources = 1,
					    .targets = 1, .svc = &svc_ssh};
	s->ports[2] = (struct summary_port){.proto = 17, .port = 53, .events = 1, .sources = 1,
					    .targets = 1, .svc = NULL};

	s->n_sources_rows = 2;
	s->sources = xcalloc(2, sizeof(*s->sources));
	v4(&s->sources[0].addr, 203, 0, 113, 34);
	s->sources[0].events = 1234560;
	s->sources[0].first_ns = T0;
	s->sources[0].last_ns = s->last_ns;
	s->sources[0].ports = 1;
	s->sources[0].targets = 2;
	v4(&s->sources[1].addr, 203, 0, 113, 35);
	s->sources[1].events = 7;
	s->sources[1].first_ns = T0 + 3600 * SEC;
	s->sources[1].last_ns = T0 + 3700 * SEC;
	s->sources[1].ports = 2;
	s->sources[1].targets = 1;

	s->n_targets_rows = 1;
	s->targets = xcalloc(1, sizeof(*s->targets));
	v4(&s->targets[0].addr, 198, 51, 100, 84);
	s->targets[0].events = 1234567;
	s->targets[0].sources = 3;
	s->targets[0].ports = 3;
	s->targets[0].first_ns = T0;
	s->targets[0].last_ns = s->last_ns;

	s->n_months = 1;
	s->months = xcalloc(1, sizeof(*s->months));
	s->months[0] = (struct summary_count){.key = 202205, .events = 1234567};
	s->n_days = 2;
	s->days = xcalloc(2, sizeof(*s->days));
	s->days[0] = (struct summary_count){.key = 20220515, .events = 1234560};
	s->days[1] = (struct summary_count){.key = 20220520, .events = 7};

	s->n_prefixes = 1;
	s->prefixes = xcalloc(1, sizeof(*s->prefixes));
	s->prefixes[0] = (struct summary_prefix){.text = "[UFW BLOCK]",
						 .action = EVENT_ACTION_DROP, .events = 1234500};

	/* two rows from .34 (the second collapses its From), one from .35,
	 * then .34 again (shown again: not consecutive) */
	s->n_alerts = 4;
	s->alerts = xcalloc(4, sizeof(*s->alerts));
	group(&s->alerts[0], &svc_telnet, 34, 84, 1234557, T0, s->last_ns);
	group(&s->alerts[1], &svc_telnet, 34, 85, 1, T0 + 3 * SEC, T0 + 3 * SEC);
	group(&s->alerts[2], &svc_telnet, 35, 84, 3, T0 + 3600 * SEC, T0 + 3700 * SEC);
	group(&s->alerts[3], &svc_telnet, 34, 84, 2, T0 + 4000 * SEC, T0 + 4000 * SEC);

	s->n_warnings = 1;
	s->warnings = xcalloc(1, sizeof(*s->warnings));
	group(&s->warnings[0], &svc_ssh, 35, 84, 6, T0 + 3650 * SEC, T0 + 3651 * SEC);
	return s;
}

static void free_summary(struct summary *s)
{
	free(s->ports);
	free(s->sources);
	free(s->targets);
	free(s->months);
	free(s->days);
	free(s->prefixes);
	free(s->alerts);
	free(s->warnings);
	free(s);
}

static const struct report_file files[] = {
	{
		.path = "/var/log/ufw.log",
		.format = "ufw",
		.bytes = 999,
		.lines = 1234570,
		.records = 1234560,
		.events = 1234567,
		.other = 7,
		.unknown = 2,
		.malformed = 1,
		.first_unknown_line = 3,
	},
	{
		.path = "/var/log/missing.log",
		.error = "No such file or directory",
	},
};

static const struct report_problem problems[] = {{
	.reason = "bad SRC address",
	.count = 1,
	.path = "/var/log/ufw.log",
	.line = 5,
	.example = "May 15 00:00:20 fw kernel: [UFW BLOCK] SRC=999.1.1.1",
}};

static const char golden[] =
	"clscan 0.1.0 - 2 files, 1,234,570 lines, 1,234,567 events (UTC)\n"
	"Period     2022-05-15 00:00:17 .. 2022-05-20 11:02:05  (5 d 11 h)\n"
	"Events     1,234,567   drop 1,234,500   reject 67   (in 1,234,560 log records)\n"
	"Sources    3    Targets 2    Services 3\n"
	"Findings   4 ALERT groups, 1 WARNING group\n"
	"\n"
	"ALERT LIST  (a service marked ALERT in the catalog was probed)\n"
	"Day     Time      Service        Host           From          Events\n"
	"May 15  00:00:17  telnet 23/tcp  198.51.100.84  203.0.113.34  x1,234,557 until May 20 11:02\n"
	"May 15  00:00:20  telnet 23/tcp  198.51.100.85\n"
	"May 15  01:00:17  telnet 23/tcp  198.51.100.84  203.0.113.35  x3 until 01:01:57\n"
	"May 15  01:06:57  telnet 23/tcp  198.51.100.84  203.0.113.34  x2\n"
	"  evidence (file:line of each row's first event): -o json, .alerts[].evidence\n"
	"\n"
	"WARNING LIST  (a service marked WARNING in the catalog was probed)\n"
	"Day     Time      Service     Host           From          Events\n"
	"May 15  01:01:07  ssh 22/tcp  198.51.100.84  203.0.113.35  x6 until 01:01:08\n"
	"  evidence (file:line of each row's first event): -o json, .warnings[].evidence\n"
	"\n"
	"SERVICES  (3 ports by events)\n"
	"Port  Proto  Service  Class       Events   Share  Sources  Targets  Note\n"
	"  23  tcp    telnet   ALERT    1,234,560  >99.9%        2        2  Mirai and kin\n"
	"  22  tcp    ssh      WARNING          6   <0.1%        1        1\n"
	"  53  udp                              1   <0.1%        1        1\n"
	"\n"
	"ACTIONS\n"
	"Action     Events   Share\n"
	"drop    1,234,500  >99.9%\n"
	"reject         67   <0.1%\n"
	"\n"
	"PROTOCOLS\n"
	"Proto     Events   Share\n"
	"tcp    1,234,566  >99.9%\n"
	"udp            1   <0.1%\n"
	"\n"
	"RULE PREFIXES\n"
	"Prefix       Action     Events   Share\n"
	"[UFW BLOCK]  drop    1,234,500  >99.9%\n"
	"\n"
	"TOP SOURCES  (2 of 3 by events)\n"
	"Source           Events  First seen           Last seen            Ports  Targets\n"
	"203.0.113.34  1,234,560  2022-05-15 00:00:17  2022-05-20 11:02:05      1        2\n"
	"203.0.113.35          7  2022-05-15 01:00:17  2022-05-15 01:01:57      2        1\n"
	"\n"
	"TOP TARGETS  (1 of 2 by events)\n"
	"Target            Events  Sources  Ports  First seen           Last seen\n"
	"198.51.100.84  1,234,567        3      3  2022-05-15 00:00:17  2022-05-20 11:02:05\n"
	"\n"
	"PER MONTH\n"
	"Month       Events\n"
	"2022-05  1,234,567  ########################################\n"
	"\n"
	"PER DAY\n"
	"Day                Events\n"
	"2022-05-15 Sun  1,234,560  ########################################\n"
	"2022-05-20 Fri          7  #\n"
	"\n"
	"HOUR OF DAY\n"
	"Hour     Events\n"
	"00    1,234,560  ########################################\n"
	"01            0\n"
	"02            0\n"
	"03            0\n"
	"04            0\n"
	"05            0\n"
	"06            0\n"
	"07            0\n"
	"08            0\n"
	"09            0\n"
	"10            0\n"
	"11            7  #\n"
	"12            0\n"
	"13            0\n"
	"14            0\n"
	"15            0\n"
	"16            0\n"
	"17            0\n"
	"18            0\n"
	"19            0\n"
	"20            0\n"
	"21            0\n"
	"22            0\n"
	"23            0\n"
	"\n"
	"WEEKDAY\n"
	"Weekday     Events\n"
	"Mon              0\n"
	"Tue              0\n"
	"Wed              0\n"
	"Thu              0\n"
	"Fri              7  #\n"
	"Sat              0\n"
	"Sun      1,234,560  ########################################\n"
	"\n"
	"INPUT FILES\n"
	"File                  Format      Lines     Events  Other  Unknown  Malformed  Overlong\n"
	"/var/log/ufw.log      ufw     1,234,570  1,234,567      7        2          1         0\n"
	"  lines in no known format: first at /var/log/ufw.log:3\n"
	"/var/log/missing.log  -               0          0      0        0          0         0\n"
	"  error: No such file or directory\n"
	"total                         1,234,570  1,234,567      7        2          1         0\n"
	"\n"
	"MALFORMED LINES  (recognised lines with a bad field; not counted)\n"
	"Reason           Lines  First at\n"
	"bad SRC address      1  /var/log/ufw.log:5\n"
	"  > May 15 00:00:20 fw kernel: [UFW BLOCK] SRC=999.1.1.1\n";

static void base_report(struct report *r, const struct summary *s)
{
	memset(r, 0, sizeof(*r));
	r->sum = s;
	r->files = files;
	r->n_files = ARRAY_LEN(files);
	r->problems = problems;
	r->n_problems = ARRAY_LEN(problems);
	r->version = "0.1.0";
	r->zone = "UTC";
	r->top_n = 20;
	r->list_limit = 50;
}

static char *render(const struct report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(report_text(f, r), 0);
	fclose(f);
	return buf;
}

static void contains(const char *doc, const char *needle)
{
	if (!strstr(doc, needle)) {
		fprintf(stderr, "--- output ---\n%s--- end ---\n", doc);
		fail_msg("missing: %s", needle);
	}
}

static void lacks(const char *doc, const char *needle)
{
	if (strstr(doc, needle)) {
		fprintf(stderr, "--- output ---\n%s--- end ---\n", doc);
		fail_msg("unexpected: %s", needle);
	}
}

static void test_golden(void **state)
{
	(void)state;
	struct summary *s = make_summary();
	struct report r;
	base_report(&r, s);
	char *out = render(&r);
	if (strcmp(out, golden) != 0) {
		/* the whole output, to review and paste in when the layout
		 * changes on purpose */
		fprintf(stderr, "--- got ---\n%s--- end ---\n", out);
		size_t i = 0;
		while (out[i] && out[i] == golden[i])
			i++;
		fail_msg("text report differs from golden at byte %zu", i);
	}
	/* no trailing blanks, no tabs, no escape codes with colour off */
	assert_null(strstr(out, " \n"));
	assert_null(strchr(out, '\t'));
	assert_null(strchr(out, '\033'));
	free(out);
	free_summary(s);
}


/* Colour changes nothing but the escape codes: stripped, the output is the
 * golden text, so alignment does not depend on them. */
static void test_color(void **state)
{
	(void)state;
	struct summary *s = make_summary();
	struct report r;
	base_report(&r, s);
	r.color = 1;
	char *out = render(&r);
	contains(out, "\033[1;31mALERT LIST\033[0m  (a service marked ALERT");
	contains(out, "\033[33mWARNING LIST\033[0m");
	contains(out, "\033[1mSERVICES\033[0m");
	contains(out, "\033[1;31mtelnet 23/tcp\033[0m  198.51.100.84");
	contains(out, "Findings   4 \033[1;31mALERT\033[0m groups, 1 \033[33mWARNING\033[0m group");
	char *plain = malloc(strlen(out) + 1);
	size_t o = 0;
	for (const char *p = out; *p;) {
		if (*p == '\033') {
			while (*p && *p != 'm')
				p++;
			if (*p)
				p++;
			continue;
		}
		plain[o++] = *p++;
	}
	plain[o] = '\0';
	assert_string_equal(plain, golden);
	free(plain);
	free(out);
	free_summary(s);
}

static void test_empty(void **state)
{
	(void)state;
	struct report r;
	base_report(&r, NULL);
	r.n_files = 0;
	r.n_problems = 0;
	char *out = render(&r);
	assert_string_equal(out, "clscan 0.1.0 - 0 files, 0 lines, 0 events (UTC)\n\nno events (no input)\n");
	free(out);

	/* files that gave nothing: the files table explains why */
	struct summary *s = xcalloc(1, sizeof(*s));
	static const struct report_file f = {.path = "/tmp/x.log", .lines = 1, .unknown = 1,
					     .first_unknown_line = 1};
	base_report(&r, s);
	r.files = &f;
	r.n_files = 1;
	r.n_problems = 0;
	out = render(&r);
	assert_string_equal(out,
		"clscan 0.1.0 - 1 file, 1 line, 0 events (UTC)\n"
		"\n"
		"no events\n"
		"\n"
		"INPUT FILES\n"
		"File        Format  Lines  Events  Other  Unknown  Malformed  Overlong\n"
		"/tmp/x.log  -           1       0      0        1          0         0\n"
		"  lines in no known format: first at /tmp/x.log:1\n");
	free(out);
	free(s);
}

static void test_list_limit(void **state)
{
	(void)state;
	struct summary *s = make_summary();
	struct report r;
	base_report(&r, s);
	r.list_limit = 2;
	char *out = render(&r);
	contains(out, "May 15  00:00:20  telnet 23/tcp  198.51.100.85\n"
		      "  (2 more rows: use --list-limit 0 or -o json)\n");
	lacks(out, "01:06:57");
	free(out);

	r.list_limit = 3;
	out = render(&r);
	contains(out, "x3 until 01:01:57\n  (1 more row: use --list-limit 0 or -o json)\n");
	free(out);

	/* 0 = all; a limit above the count changes nothing */
	r.list_limit = 0;
	out = render(&r);
	assert_string_equal(out, golden);
	free(out);
	r.list_limit = 1000;
	out = render(&r);
	assert_string_equal(out, golden);
	free(out);
	free_summary(s);
}

/* From is printed only when the source changes; a source seen again after
 * another one is printed again. */
static void test_collapse(void **state)
{
	(void)state;
	struct summary *s = make_summary();
	struct report r;
	base_report(&r, s);
	/* all four rows from one source: only the first shows it */
	for (size_t i = 0; i < s->n_alerts; i++)
		v4(&s->alerts[i].src, 192, 0, 2, 1);
	char *out = render(&r);
	const char *list = strstr(out, "ALERT LIST");
	assert_non_null(list);
	const char *end = strstr(list, "  evidence");
	assert_non_null(end);
	size_t hits = 0;
	for (const char *p = list; p && p < end; p = strstr(p + 1, "192.0.2.1"))
		if (strncmp(p, "192.0.2.1", 9) == 0)
			hits++;
	assert_int_equal(hits, 1);
	contains(out, "May 15  00:00:20  telnet 23/tcp  198.51.100.85\n");
	contains(out, "May 15  01:00:17  telnet 23/tcp  198.51.100.84             x3 until 01:01:57\n");
	free(out);
	free_summary(s);
}

static void test_top_n(void **state)
{
	(void)state;
	struct summary *s = make_summary();
	struct report r;
	base_report(&r, s);
	r.top_n = 1;
	char *out = render(&r);
	contains(out, "SERVICES  (top 1 of 3 ports by events; --top 0 or -o json for all)\n");
	lacks(out, "ssh      WARNING");
	contains(out, "TOP SOURCES  (1 of 3 by events)\n");
	lacks(out, "\n203.0.113.35  ");
	free(out);
	free_summary(s);
}

/* Nothing from the input reaches the terminal raw: control bytes, C1
 * controls and invalid UTF-8 are shown as \xHH; valid UTF-8 stays. */
static void test_hostile(void **state)
{
	(void)state;
	static const struct service evil = {.port = 23, .proto = 6, .cls = SERVICE_ALERT,
					    .name = "tel\x1b[31mnet", .note = "n\xc2\x9bote\n"};
	struct summary *s = make_summary();
	s->prefixes[0].text = "\x1b]0;pwned\x07[UFW]\xff\xc3\xa9";
	s->ports[0].svc = &evil;
	s->alerts[0].svc = &evil;
	static const struct report_file f = {.path = "/tmp/a\nb\xfe.log", .format = "ufw",
					     .error = "bad\rthing", .first_unknown_line = 2};
	static const struct report_problem pr = {.reason = "r\x01", .count = 1,
						 .path = "/tmp/a\nb\xfe.log", .line = 7,
						 .example = "x\x1b[2Jy\x7f\xed\xa0\x80"};
	struct report r;
	base_report(&r, s);
	r.files = &f;
	r.n_files = 1;
	r.problems = &pr;
	r.n_problems = 1;
	char *out = render(&r);
	contains(out, "\\x1b]0;pwned\\x07[UFW]\\xff\xc3\xa9  drop");
	contains(out, "tel\\x1b[31mnet 23/tcp");
	contains(out, "n\\xc2\\x9bote\\x0a");
	contains(out, "/tmp/a\\x0ab\\xfe.log  ufw");
	contains(out, "  error: bad\\x0dthing\n");
	contains(out, "  lines in no known format: first at /tmp/a\\x0ab\\xfe.log:2\n");
	contains(out, "r\\x01       1  /tmp/a\\x0ab\\xfe.log:7\n");
	contains(out, "  > x\\x1b[2Jy\\x7f\\xed\\xa0\\x80\n");
	for (const unsigned char *p = (const unsigned char *)out; *p; p++) {
		if (*p < 0x20 && *p != '\n')
			fail_msg("raw control byte 0x%02x at %zu", *p, (size_t)(p - (const unsigned char *)out));
		if (*p >= 0x80 && !(p[0] == 0xc3 && p[1] == 0xa9))
			if (!(p > (const unsigned char *)out && p[-1] == 0xc3 && p[0] == 0xa9))
				fail_msg("raw byte 0x%02x", *p);
	}
	free(out);
	free_summary(s);
}

static void test_limits(void **state)
{
	(void)state;
	struct summary *s = make_summary();
	struct report r;
	base_report(&r, s);
	char *out = render(&r);
	lacks(out, "LIMITS");
	free(out);
	s->sources_dropped = 1000;
	s->groups_dropped = 2;
	out = render(&r);
	contains(out, "\nLIMITS  (memory caps were reached: some detail was not kept)\n"
		      "  1,000 events came from sources over the source cap");
	contains(out, "(raise --max-sources)");
	contains(out, "  2 events belong to ALERT/WARNING groups that could not be kept");
	lacks(out, "--max-targets");
	lacks(out, "--max-pairs");
	free(out);
	free_summary(s);
}

/* A period across New Year shows full dates in the lists. */
static void test_multi_year(void **state)
{
	(void)state;
	struct summary *s = make_summary();
	int64_t t = 1640994600LL * NS_PER_SEC; /* 2021-12-31 23:50:00 UTC */
	s->first_ns = t;
	s->last_ns = t + 3600 * SEC;
	s->alerts[0].first_ns = t;
	s->alerts[0].last_ns = t + 2400 * SEC;
	struct report r;
	base_report(&r, s);
	char *out = render(&r);
	contains(out, "2021-12-31  23:50:00  telnet 23/tcp  198.51.100.84  203.0.113.34  "
		      "x1,234,557 until 2022-01-01 00:30\n");
	contains(out, "Period     2021-12-31 23:50:00 .. 2022-01-01 00:50:00  (1 h 0 min)\n");
	free(out);
	free_summary(s);
}

/* Times in the report zone. */
static void test_zone(void **state)
{
	(void)state;
	assert_int_equal(timeconv_set_zone("Europe/Berlin"), 0);
	struct tz_cache tz = {0};
	struct summary *s = make_summary();
	struct report r;
	base_report(&r, s);
	r.zone = "Europe/Berlin";
	r.tz = &tz;
	char *out = render(&r);
	contains(out, "events (Europe/Berlin)\n");
	contains(out, "Period     2022-05-15 02:00:17 .. 2022-05-20 13:02:05");
	contains(out, "May 15  02:00:17  telnet 23/tcp");
	free(out);
	free_summary(s);
	assert_int_equal(timeconv_set_zone("UTC"), 0);
}

static void test_untimed(void **state)
{
	(void)state;
	struct summary *s = make_summary();
	s->first_ns = s->last_ns = 0;
	s->alerts[0].first_ns = s->alerts[0].last_ns = 0;
	s->sources[0].first_ns = s->sources[0].last_ns = 0;
	struct report r;
	base_report(&r, s);
	char *out = render(&r);
	contains(out, "Period     unknown (no event carried a time)\n");
	contains(out, "-       -         telnet 23/tcp  198.51.100.84  203.0.113.34  x1,234,557\n");
	contains(out, "203.0.113.34  1,234,560  -                    -  ");
	free(out);
	free_summary(s);
}

static void test_write_error(void **state)
{
	(void)state;
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		skip();
	struct summary *s = make_summary();
	struct report r;
	base_report(&r, s);
	assert_int_equal(report_text(f, &r), -1);
	assert_int_equal(report_json(f, &r), -1);
	fclose(f);
	free_summary(s);
}

/* A list longer than the block the writer holds at once: every row is
 * printed, and a wide cell in the last block still sets the width of the
 * first rows. */
static void test_long_list(void **state)
{
	(void)state;
	static const struct service wide = {.port = 2323, .proto = 6, .cls = SERVICE_ALERT,
					    .name = "telnet-alternate-port", .note = ""};
	struct summary *s = make_summary();
	size_t n = 9000;
	free(s->alerts);
	s->alerts = xcalloc(n, sizeof(*s->alerts));
	s->n_alerts = n;
	for (size_t i = 0; i < n; i++) {
		group(&s->alerts[i], i == n - 1 ? &wide : &svc_telnet, (unsigned)(i % 250),
		      84, 1, T0 + (int64_t)i * SEC, T0 + (int64_t)i * SEC);
		v4(&s->alerts[i].src, 10, 0, (unsigned)(i / 250), (unsigned)(i % 250));
	}
	struct report r;
	base_report(&r, s);
	r.list_limit = 0;
	char *out = render(&r);
	contains(out, "Day     Time      Service                         Host           From"
		      "         Events\n"
		      "May 15  00:00:17  telnet 23/tcp                   198.51.100.84  10.0.0.0\n");
	contains(out, "telnet-alternate-port 2323/tcp  198.51.100.84  10.0.35.249\n"
		      "  evidence");
	const char *p = strstr(out, "ALERT LIST");
	const char *end = strstr(p, "  evidence");
	size_t rows = 0;
	for (; p < end; p++)
		if (*p == '\n')
			rows++;
	assert_int_equal(rows, n + 2); /* heading, column heads, rows */
	free(out);
	free_summary(s);
}

static int setup(void **state)
{
	(void)state;
	return timeconv_set_zone("UTC");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),	   cmocka_unit_test(test_color),
		cmocka_unit_test(test_empty),	   cmocka_unit_test(test_list_limit),
		cmocka_unit_test(test_collapse),   cmocka_unit_test(test_top_n),
		cmocka_unit_test(test_hostile),	   cmocka_unit_test(test_limits),
		cmocka_unit_test(test_multi_year), cmocka_unit_test(test_zone),
		cmocka_unit_test(test_untimed),	   cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_long_list),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
