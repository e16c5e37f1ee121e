/* The HTML report (-o html): one self-contained page (HTML Living
 * Standard) with inline CSS, SVG charts and a small script for sorting and
 * filtering; nothing is fetched, and a Content-Security-Policy in the page
 * forbids it. The skeleton, style sheet and script are data/html/ files
 * baked in by tools/bin2c.c (or read from --html-assets DIR). Every string
 * that came from a log is escaped by html_escape(): logs are written by
 * whoever sends the packets. */
#include "report/report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "core/util.h"
#include "enrich/catalog.h"
#include "enrich/rdns.h"
#include "report/html.h"
#include "report/report_util.h"
#include "stats/geo_tables.h"
#include "web/web.h"

extern const char builtin_html_page[], builtin_html_css[], builtin_html_js[];
extern const size_t builtin_html_page_len, builtin_html_css_len, builtin_html_js_len;

#define EVIDENCE_MAX 4096  /* bytes of an evidence line shown */
#define SESSION_BUDGET (512 * 1024) /* bytes of session lines in one page (size target: 5 MB) */
#define FINDING_LINES_BUDGET (512 * 1024) /* and of the findings' log lines */
#define INPUTS_LISTED 20   /* files named in the header */
#define TOP_PORTS_CHART 15
#define DAYS_AS_BARS 62    /* up to two months of days are drawn as bars */

/* ---- escaping ------------------------------------------------------------ */

static const char hex_digits[] = "0123456789abcdef";

static void put_hex_escape(struct report_buf *rb, unsigned char c)
{
	char e[4] = {'\\', 'x', hex_digits[c >> 4], hex_digits[c & 15]};
	report_buf_put(rb, e, sizeof(e));
}

void html_escape(struct report_buf *rb, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	if (!s)
		return;
	while (i < len) {
		size_t run = i;
		while (run < len && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '&' &&
		       p[run] != '<' && p[run] != '>' && p[run] != '"' && p[run] != '\'')
			run++;
		report_buf_put(rb, s + i, run - i);
		i = run;
		if (i == len)
			break;
		unsigned char c = p[i];
		const char *ref = NULL;
		switch (c) {
		case '&': ref = "&amp;"; break;
		case '<': ref = "&lt;"; break;
		case '>': ref = "&gt;"; break;
		case '"': ref = "&quot;"; break;
		case '\'': ref = "&#39;"; break;
		default: break;
		}
		if (ref) {
			report_buf_puts(rb, ref);
			i++;
			continue;
		}
		size_t n = c >= 0x80 ? report_utf8_len(p + i, len - i) : 0;
		if (n == 0 || (n == 2 && c == 0xC2 && p[i + 1] < 0xA0)) {
			/* a control, DEL, a C1 control or a stray byte: shown, not passed */
			put_hex_escape(rb, c);
			if (n == 2) {
				put_hex_escape(rb, p[i + 1]);
				i++;
			}
			i++;
			continue;
		}
		report_buf_put(rb, s + i, n);
		i += n;
	}
}

void html_escape_cstr(struct report_buf *rb, const char *s)
{
	html_escape(rb, s, s ? strlen(s) : 0);
}

const char *html_group_digits(uint64_t v, char *buf)
{
	char d[20];
	size_t n = report_u64_digits(v, d), o = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = d[i];
	}
	buf[o] = '\0';
	return buf;
}

/* ---- the writer ---------------------------------------------------------- */

struct hw {
	struct report_buf rb;
	const struct report *r;
	const struct summary *s;
	struct tz_cache *tz;
	struct tz_cache tz_local;
	struct report_line *ev;     /* evidence lines: findings, alerts, warnings */
	size_t n_ev;
	size_t ev_findings, ev_alerts, ev_warnings; /* how many of each, in that order */
	size_t ev_web;              /* then one per web source shown */
	size_t session_left;        /* bytes of session lines the page may still take */
	size_t finding_left;        /* the same for the findings' log lines */
	size_t findings_cut;        /* findings whose log lines did not (all) fit */
};

#define putf(w, ...) html_printf(&(w)->rb, __VA_ARGS__)

static void puts_(struct hw *w, const char *s)
{
	report_buf_puts(&w->rb, s);
}

static void esc(struct hw *w, const char *s)
{
	html_escape_cstr(&w->rb, s);
}

/* "2022-05-29 08:53:55" in the report zone, or "-". */
static const char *local_time(struct hw *w, int64_t ns, char *buf, size_t len)
{
	struct report_tm t;
	if (!ns) {
		snprintf(buf, len, "-");
		return buf;
	}
	report_tm_of(w->tz, ns, &t);
	snprintf(buf, len, "%04" PRId64 "-%02u-%02u %02u:%02u:%02u", t.year, t.mon, t.day, t.hour,
		 t.min, t.sec);
	return buf;
}

static const char *duration_text(int64_t ns, char *buf, size_t len)
{
	int64_t s = ns / NS_PER_SEC;
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(buf, len, "%" PRId64 " s", s);
	else if (s < 7200)
		snprintf(buf, len, "%" PRId64 " min", s / 60);
	else if (s < 172800)
		snprintf(buf, len, "%" PRId64 " h %" PRId64 " min", s / 3600, s / 60 % 60);
	else
		snprintf(buf, len, "%" PRId64 " days %" PRId64 " h", s / 86400, s / 3600 % 24);
	return buf;
}

static const char *proto_text(uint8_t proto, char *buf, size_t len)
{
	const char *name = event_proto_name(proto);
	if (name)
		return name;
	snprintf(buf, len, "%u", proto);
	return buf;
}

/* "tcp/22" */
static const char *port_text(uint8_t proto, uint16_t port, char *buf, size_t len)
{
	char pn[8];
	snprintf(buf, len, "%s/%u", proto_text(proto, pn, sizeof(pn)), port);
	return buf;
}

/* ---- tables -------------------------------------------------------------- */

struct hcol {
	const char *title;
	int num; /* right-aligned number */
};

/* A sortable table with a filter box and, past HTML_ROWS_SHOWN rows, a
 * "show all" button; the rows past it are in the page but hidden. */
static void table_open(struct hw *w, const char *id, const char *caption,
		       const struct hcol *cols, size_t ncols, size_t rows)
{
	char num[32];
	if (rows > 10 || rows > HTML_ROWS_SHOWN) {
		puts_(w, "<div class=\"tools\">");
		if (rows > 10) {
			putf(w, "<input type=\"search\" data-filter=\"%s\" placeholder=\"Filter rows\" "
				"aria-label=\"Filter the rows of: ", id);
			esc(w, caption);
			putf(w, "\"><span id=\"%s-count\" class=\"note\" aria-live=\"polite\"></span>", id);
		}
		if (rows > HTML_ROWS_SHOWN) {
			char label[64];
			snprintf(label, sizeof(label), "Show all %s rows", html_group_digits(rows, num));
			putf(w, "<button type=\"button\" data-show-all=\"%s\" data-label=\"%s\" "
				"aria-controls=\"%s\" aria-expanded=\"false\">%s</button>",
			     id, label, id, label);
		}
		puts_(w, "</div>\n");
	}
	putf(w, "<table id=\"%s\" class=\"sortable\" data-cap=\"%d\" data-rows=\"%zu\"><caption class=\"sr-only\">",
	     id, HTML_ROWS_SHOWN, rows);
	esc(w, caption);
	puts_(w, "</caption>\n<thead><tr>");
	for (size_t i = 0; i < ncols; i++) {
		putf(w, "<th scope=\"col\"%s>", cols[i].num ? " class=\"n\"" : "");
		esc(w, cols[i].title);
		puts_(w, "</th>");
	}
	puts_(w, "</tr></thead>\n<tbody>\n");
}

static void row_open(struct hw *w, size_t i)
{
	puts_(w, i >= HTML_ROWS_SHOWN ? "<tr class=\"more\">" : "<tr>");
}

static void table_close(struct hw *w, size_t written, size_t total, const char *what)
{
	char a[32], b[32];
	puts_(w, "</tbody></table>\n");
	if (written < total)
		putf(w, "<p class=\"note\">%s of %s %s in this page; the JSON report (-o json) "
			"has the rest.</p>\n", html_group_digits(written, a), html_group_digits(total, b),
		     what);
}

static void td_num(struct hw *w, uint64_t v)
{
	char num[32];
	putf(w, "<td class=\"n\" data-v=\"%" PRIu64 "\">%s</td>", v, html_group_digits(v, num));
}

static void td_text(struct hw *w, const char *s)
{
	puts_(w, "<td>");
	esc(w, s);
	puts_(w, "</td>");
}

static void td_time(struct hw *w, int64_t ns)
{
	char buf[48];
	putf(w, "<td data-v=\"%" PRId64 "\">%s</td>", (int64_t)(ns / NS_PER_SEC), local_time(w, ns, buf, sizeof(buf)));
}

static void td_addr(struct hw *w, const struct ip_addr *a)
{
	char buf[ADDR_STRLEN];
	putf(w, "<td class=\"mono\">%s</td>", addr_format(a, buf));
}

static size_t capped(size_t n, size_t limit)
{
	if (limit && limit < n)
		n = limit;
	return n < HTML_ROWS_MAX ? n : HTML_ROWS_MAX;
}

/* ---- evidence ------------------------------------------------------------ */

static void ev_add(struct hw *w, uint32_t unit, uint64_t line)
{
	const struct report *r = w->r;
	struct report_line *l = &w->ev[w->n_ev++];
	uint64_t fl = line;
	l->path = r->origin ? r->origin(r->origin_arg, unit, line, &fl) : NULL;
	l->line = l->path ? fl : line;
	l->text = NULL;
	l->len = 0;
}

/* Find the lines behind everything that will be shown, in one pass over
 * each file (report->lines does the reading). */
static void evidence_collect(struct hw *w)
{
	const struct report *r = w->r;
	const struct summary *s = w->s;
	size_t nf = r->findings ? capped(r->findings->n, r->list_limit) : 0;
	size_t na = capped(s->n_alerts, r->list_limit), nw = capped(s->n_warnings, r->list_limit);

	size_t nweb = r->web ? capped(r->web->n_sources, r->list_limit) : 0;
	w->ev = xcalloc(nf + na + nw + nweb + 1, sizeof(*w->ev));
	for (size_t i = 0; i < nf; i++)
		ev_add(w, r->findings->items[i].first_unit, r->findings->items[i].first_line);
	for (size_t i = 0; i < na; i++)
		ev_add(w, s->alerts[i].first_unit, s->alerts[i].first_line);
	for (size_t i = 0; i < nw; i++)
		ev_add(w, s->warnings[i].first_unit, s->warnings[i].first_line);
	for (size_t i = 0; i < nweb; i++) {
		const struct web_source *ws = &r->web->sources[i];
		if (ws->n_hits)
			ev_add(w, ws->hits[0].first_unit, ws->hits[0].first_line);
		else
			ev_add(w, ws->first_unit, ws->first_line);
	}
	w->ev_web = nweb;
	w->ev_findings = nf;
	w->ev_alerts = na;
	w->ev_warnings = nw;
	if (r->lines && w->n_ev)
		r->lines(r->origin_arg, w->ev, w->n_ev);
}

static void evidence_free(struct hw *w)
{
	for (size_t i = 0; i < w->n_ev; i++)
		free(w->ev[i].text);
	free(w->ev);
}

/* FILE:LINE and, when it could be read again, the line itself. */
static void evidence_block(struct hw *w, const struct report_line *l, int in_details)
{
	if (in_details)
		puts_(w, "<details class=\"evidence\"><summary>");
	else
		puts_(w, "<div class=\"evidence\">Evidence: ");
	puts_(w, "<code>");
	esc(w, l->path ? l->path : "?");
	putf(w, ":%" PRIu64 "</code>", l->line);
	puts_(w, in_details ? "</summary>" : "</div>");
	if (l->text) {
		puts_(w, "<pre class=\"line\">");
		html_escape(&w->rb, l->text, l->len < EVIDENCE_MAX ? l->len : EVIDENCE_MAX);
		if (l->len > EVIDENCE_MAX)
			puts_(w, " [...]");
		puts_(w, "</pre>");
	} else if (in_details) {
		puts_(w, "<p class=\"note\">The line could not be read again (standard input, a "
			 "capture, or the file changed).</p>");
	}
	if (in_details)
		puts_(w, "</details>");
}

/* A source's lines in order while the page's budget for them (*left)
 * lasts, counted as written (escaped). Returns how many were written. */
static size_t lines_pre(struct hw *w, const struct report_session *se, size_t *left)
{
	puts_(w, "<pre class=\"line\">");
	uint64_t start = report_buf_size(&w->rb);
	size_t shown = 0;
	while (shown < se->n && report_buf_size(&w->rb) - start < *left) {
		const struct report_line *l = &se->lines[shown++];
		esc(w, l->path ? l->path : "?");
		putf(w, ":%" PRIu64 ": ", l->line);
		if (l->text) /* already bounded by the keeper, with a note of what is cut */
			html_escape(&w->rb, l->text, l->len);
		puts_(w, "\n");
	}
	uint64_t used = report_buf_size(&w->rb) - start;
	*left = used < *left ? *left - (size_t)used : 0;
	puts_(w, "</pre>");
	return shown;
}

/* ---- header -------------------------------------------------------------- */

static void total_item(struct hw *w, const char *what, uint64_t v, const char *key)
{
	char num[32];
	putf(w, "<li data-total=\"%s\" data-v=\"%" PRIu64 "\"><b>%s</b>%s</li>", key, v,
	     html_group_digits(v, num), what);
}

static void write_header(struct hw *w)
{
	const struct report *r = w->r;
	const struct summary *s = w->s;
	char a[48], b[48], d[48];
	uint64_t lines = 0;

	for (size_t i = 0; i < r->n_files; i++)
		lines += r->files[i].lines;
	puts_(w, "<header>\n<h1>clscan report</h1>\n<dl class=\"facts\">\n<dt>Inputs</dt><dd>");
	for (size_t i = 0; i < r->n_files && i < INPUTS_LISTED; i++) {
		puts_(w, i ? ", <code>" : "<code>");
		esc(w, r->files[i].path);
		puts_(w, "</code>");
	}
	if (r->n_files > INPUTS_LISTED)
		putf(w, " and %zu more (see Files read)", r->n_files - INPUTS_LISTED);
	if (!r->n_files)
		puts_(w, "none");
	puts_(w, "</dd>\n<dt>Period</dt><dd>");
	if (s->first_ns || s->last_ns)
		putf(w, "%s to %s (%s)", local_time(w, s->first_ns, a, sizeof(a)),
		     local_time(w, s->last_ns, b, sizeof(b)),
		     duration_text(s->last_ns - s->first_ns, d, sizeof(d)));
	else
		puts_(w, "no timed events");
	puts_(w, "</dd>\n<dt>Time zone</dt><dd>");
	esc(w, r->zone ? r->zone : timeconv_zone_name());
	puts_(w, "</dd>\n<dt>Generated by</dt><dd>clscan ");
	esc(w, r->version);
	puts_(w, "</dd>\n</dl>\n<ul class=\"totals\" aria-label=\"Totals\">");
	total_item(w, "files", r->n_files, "files");
	total_item(w, "lines", lines, "lines");
	total_item(w, "events", s->events, "events");
	total_item(w, "sources", s->n_sources, "sources");
	total_item(w, "destinations", s->n_targets, "targets");
	total_item(w, "ports", s->n_ports, "ports");
	total_item(w, "ALERT groups", s->n_alerts, "alert_groups");
	total_item(w, "WARNING groups", s->n_warnings, "warning_groups");
	if (r->findings)
		total_item(w, "scan findings", r->findings->n - r->findings->n_allowlisted,
			   "scan_findings");
	if (r->web && r->web->requests) {
		total_item(w, "web requests", r->web->requests, "web_requests");
		total_item(w, "probing sources", r->web->n_sources, "web_sources");
		total_item(w, "probes answered 2xx (ALERT)", r->web->n_alert, "web_alerts");
	}
	puts_(w, "</ul>\n");
	if (s->sources_dropped || s->targets_dropped || s->pairs_dropped || s->groups_dropped)
		puts_(w, "<p class=\"note\"><strong>Incomplete:</strong> a memory cap was reached "
			 "(--max-sources, --max-targets, --max-pairs, --max-groups); distinct counts "
			 "are lower bounds.</p>\n");
	puts_(w, "</header>\n");
}

/* ---- findings ------------------------------------------------------------ */

/* The lines behind a finding, read again by the caller: its source's in the
 * finding's period, a distributed finding's those of its first member (the
 * group's other members are only named). */
static void finding_lines_block(struct hw *w, const struct finding *f,
				const struct report_session *se)
{
	char num[32], a[ADDR_STRLEN], whose[ADDR_STRLEN + 32];
	if (!se || !se->total)
		return; /* not read again (standard input): the first line stays alone */
	addr_format(&se->src, a);
	if (f->type == FINDING_DISTRIBUTED)
		snprintf(whose, sizeof(whose), "Its first member&#39;s (%s)", a);
	else
		snprintf(whose, sizeof(whose), "Its");
	html_group_digits(se->total, num);
	const char *what = se->total == 1 ? "log line" : "log lines";
	const char *when = f->start_ns ? " in the finding&#39;s period" : "";
	if (w->finding_left < 1024) {
		w->findings_cut++;
		putf(w, "<p class=\"note\">%s %s %s%s (no room left in this page): "
			"<code>clscan explain %s FILES</code></p>", whose, num, what, when, a);
		return;
	}
	putf(w, "<details class=\"evidence lines\"><summary>%s %s %s%s, in time order</summary>\n",
	     whose, num, what, when);
	size_t shown = lines_pre(w, se, &w->finding_left);
	if (se->total > shown) {
		if (shown < se->n)
			w->findings_cut++;
		putf(w, "<p class=\"note\">%s more %s%s: run <code>clscan explain %s FILES</code></p>",
		     html_group_digits(se->total - shown, num), se->total - shown == 1 ? "line" : "lines",
		     shown < se->n ? " (no room left in this page)" : "", a);
	}
	if (f->type == FINDING_DISTRIBUTED)
		puts_(w, "<p class=\"note\">Each member&#39;s lines: <code>clscan explain MEMBER "
			 "FILES</code></p>");
	puts_(w, "</details>\n");
}

static void finding_details(struct hw *w, const struct finding *f, size_t i)
{
	char abuf[ADDR_STRLEN], t[48], d[48], ports[64], num[32];
	const char *tech = "";

	if (f->type != FINDING_PROTO_SCAN && f->type != FINDING_PING_SWEEP &&
	    f->technique != TECH_IP_PROTO && f->technique != TECH_OTHER)
		tech = detect_technique_title((enum finding_technique)f->technique);
	putf(w, "<details class=\"finding s%u%s\" data-severity=\"%u\" data-source=\"%s\" "
		"data-events=\"%" PRIu64 "\"><summary>",
	     f->severity, i >= HTML_ROWS_SHOWN ? " more" : "", f->severity,
	     addr_format(&f->src, abuf), f->events);
	if (f->allow)
		puts_(w, "<span class=\"sev sev-allow\">allowlisted</span> ");
	else
		putf(w, "<span class=\"sev sev-%u\">severity %u</span> ", f->severity, f->severity);
	putf(w, "<span class=\"mono\">%s</span> ", abuf);
	const char *name = rdns_name(w->r->rdns, &f->src);
	if (name) {
		puts_(w, "(");
		esc(w, name);
		puts_(w, ") ");
	}
	putf(w, "%s%s%s%s%s", f->slow ? "slow " : "", detect_type_title((enum finding_type)f->type),
	     tech[0] ? ", " : "", tech, f->inside ? ", from inside" : "");
	if (f->n_targets == 1 && !addr_is_zero(&f->target_lo))
		putf(w, " on %s", addr_format(&f->target_lo, abuf));
	else if (f->n_targets > 1)
		putf(w, " on %s hosts", html_group_digits(f->n_targets, num));
	report_port_ranges(f->ports, f->n_ports, ports, sizeof(ports));
	if (f->n_ports && f->type != FINDING_PROTO_SCAN)
		putf(w, ", ports %s", ports);
	putf(w, "; %s events, %s", html_group_digits(f->events, num),
	     local_time(w, f->start_ns, t, sizeof(t)));
	if (f->start_ns && f->end_ns > f->start_ns)
		putf(w, " for %s", duration_text(f->end_ns - f->start_ns, d, sizeof(d)));
	puts_(w, "</summary>\n<p>");
	esc(w, detect_why(w->r->findings, f));
	puts_(w, "</p>");
	if (f->tool) {
		puts_(w, "<p>Tool: ");
		esc(w, f->tool);
		if (f->tool_evidence[0]) {
			puts_(w, " (");
			esc(w, f->tool_evidence);
			puts_(w, ")");
		}
		puts_(w, "</p>");
	}
	if (f->allow) {
		puts_(w, "<p>Allowlisted: ");
		esc(w, f->allow->label);
		puts_(w, ", ");
		esc(w, f->allow->reason);
		puts_(w, " (");
		esc(w, f->allow->origin);
		puts_(w, ")</p>");
	}
	if (f->truncated)
		puts_(w, "<p class=\"note\">Counts are lower bounds (more contacts than kept).</p>");
	evidence_block(w, &w->ev[i], 0);
	finding_lines_block(w, f, i < w->r->n_finding_lines ? &w->r->finding_lines[i] : NULL);
	puts_(w, "</details>\n");
}

static void write_findings(struct hw *w)
{
	const struct detect_findings *df = w->r->findings;
	char num[32], num2[32];

	puts_(w, "<section aria-labelledby=\"h-scans\"><h3 id=\"h-scans\">Scan findings</h3>\n");
	if (!df) {
		puts_(w, "<p class=\"note\">Detection was off (--no-detect).</p></section>\n");
		return;
	}
	if (!df->n)
		puts_(w, "<p>No scans found.</p>\n");
	else if (!w->r->n_finding_lines)
		putf(w, "<p class=\"note\">%s findings, most severe first; open one for its reason "
			"and the first log line behind it.</p>\n", html_group_digits(df->n, num));
	else if (w->r->n_finding_lines < w->ev_findings)
		putf(w, "<p class=\"note\">%s findings, most severe first; open one for its reason "
			"and the first log line behind it, the first %zu also for the log lines "
			"behind them.</p>\n", html_group_digits(df->n, num), w->r->n_finding_lines);
	else
		putf(w, "<p class=\"note\">%s findings, most severe first; open one for its reason "
			"and the log lines behind it.</p>\n", html_group_digits(df->n, num));
	if (w->ev_findings > HTML_ROWS_SHOWN)
		putf(w, "<div class=\"tools\"><button type=\"button\" data-show-all=\"findings-list\" "
			"data-label=\"Show all %zu findings\" aria-controls=\"findings-list\" "
			"aria-expanded=\"false\">Show all %zu findings</button></div>\n",
		     w->ev_findings, w->ev_findings);
	putf(w, "<div id=\"findings-list\" class=\"findings\" data-n=\"%zu\">\n", w->ev_findings);
	for (size_t i = 0; i < w->ev_findings; i++)
		finding_details(w, &df->items[i], i);
	puts_(w, "</div>\n");
	if (w->findings_cut)
		putf(w, "<p class=\"note budget\"><strong>Not all log lines shown:</strong> the %zu KiB "
			"this page gives the findings&#39; log lines ran out (%zu %s); each names the "
			"<code>clscan explain</code> command that prints them.</p>\n",
		     (size_t)FINDING_LINES_BUDGET / 1024, w->findings_cut,
		     w->findings_cut == 1 ? "finding" : "findings");
	if (w->ev_findings < df->n)
		putf(w, "<p class=\"note\">%zu of %zu findings shown (--list-limit); the JSON report "
			"has them all.</p>\n", w->ev_findings, df->n);
	if (df->background_sources) {
		putf(w, "<p class=\"note\">Background: %s sources without a finding sent %s events",
		     html_group_digits(df->background_sources, num),
		     html_group_digits(df->background_events, num2));
		for (size_t i = 0; i < df->n_background_countries && i < 10; i++) {
			const struct background_country *c = &df->background_countries[i];
			putf(w, "%s%s %s", i ? ", " : "; by country (sources): ", c->cc,
			     html_group_digits(c->sources, num));
		}
		if (df->n_background_countries > 10)
			puts_(w, ", ...");
		puts_(w, ".</p>\n");
	}
	puts_(w, "</section>\n");
}

static void write_group_list(struct hw *w, const char *id, const char *title, int alert,
			     const struct summary_group *g, size_t n, size_t total,
			     const struct report_line *ev)
{
	static const struct hcol cols[] = {
		{"Class", 0}, {"Service", 0}, {"Port", 0}, {"Source", 0}, {"Destination", 0},
		{"Events", 1}, {"First", 0}, {"Last", 0}, {"Evidence", 0},
	};
	char pbuf[24];

	putf(w, "<section aria-labelledby=\"h-%s\"><h3 id=\"h-%s\">", id, id);
	esc(w, title);
	putf(w, " (%zu)</h3>\n", total);
	if (!total) {
		puts_(w, "<p>None.</p></section>\n");
		return;
	}
	table_open(w, id, title, cols, ARRAY_LEN(cols), n);
	for (size_t i = 0; i < n; i++) {
		const struct summary_group *p = &g[i];
		row_open(w, i);
		putf(w, "<td><span class=\"sev sev-%s\">%s</span></td>", alert ? "alert" : "warning",
		     alert ? "ALERT" : "WARNING");
		td_text(w, p->svc ? p->svc->name : "");
		td_text(w, port_text(p->proto, p->port, pbuf, sizeof(pbuf)));
		td_addr(w, &p->src);
		td_addr(w, &p->dst);
		td_num(w, p->events);
		td_time(w, p->first_ns);
		td_time(w, p->last_ns);
		puts_(w, "<td>");
		evidence_block(w, &ev[i], 1);
		puts_(w, "</td></tr>\n");
	}
	table_close(w, n, total, "rows");
	puts_(w, "</section>\n");
}

/* ---- web probes ------------------------------------------------------------ */

static const char *web_source_name(const struct web_source *ws, char *buf, size_t len)
{
	char a[ADDR_STRLEN];
	if (ws->client)
		return ws->client; /* from the log: the caller escapes it */
	snprintf(buf, len, "%s", addr_format(&ws->addr, a));
	return buf;
}

static void web_hits_table(struct hw *w, const struct web_source *ws, size_t idx)
{
	static const struct hcol cols[] = {
		{"Signature", 0}, {"Class", 0}, {"Severity", 1}, {"Requests", 1}, {"Answered 2xx", 1},
		{"Reference", 0}, {"Example", 0},
	};
	char id[48];
	snprintf(id, sizeof(id), "web-hits-%zu", idx);
	table_open(w, id, "Signatures this source hit", cols, ARRAY_LEN(cols), ws->n_hits);
	for (size_t j = 0; j < ws->n_hits && j < HTML_ROWS_MAX; j++) {
		const struct web_hit *h = &ws->hits[j];
		row_open(w, j);
		td_text(w, h->sig ? h->sig->name : "?");
		td_text(w, h->sig ? web_class_name((enum web_class)h->sig->cls) : "");
		td_num(w, h->sig ? h->sig->severity : 0);
		td_num(w, h->count);
		td_num(w, h->answered_2xx);
		td_text(w, h->sig ? h->sig->reference : "");
		puts_(w, "<td><pre class=\"line\">");
		esc(w, h->example);
		puts_(w, "</pre></td></tr>\n");
	}
	table_close(w, ws->n_hits < HTML_ROWS_MAX ? ws->n_hits : HTML_ROWS_MAX, ws->n_hits,
		    "signatures");
}

static const struct report_session *find_session(const struct report *r, const struct ip_addr *a)
{
	size_t lo = 0, hi = r->n_sessions;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = addr_cmp(&r->sessions[mid].src, a);
		if (c == 0)
			return &r->sessions[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Every request of the source in order, the benign ones around the probes
 * included (read again from the files by the caller). */
static void session_block(struct hw *w, const struct report_session *se)
{
	char num[32], num2[32], a[ADDR_STRLEN];
	if (!se || !se->n)
		return;
	if (w->session_left < 1024) {
		putf(w, "<p class=\"note\">Session: its %s %s (no room left in this page): "
			"<code>clscan explain ", html_group_digits(se->total, num),
		     se->total == 1 ? "log line" : "log lines");
		esc(w, addr_format(&se->src, a));
		puts_(w, " FILES</code></p>\n");
		return;
	}
	putf(w, "<details class=\"evidence session\"><summary>Session: its %s %s in time order",
	     html_group_digits(se->total, num), se->total == 1 ? "log line" : "log lines");
	puts_(w, "</summary>\n");
	size_t shown = lines_pre(w, se, &w->session_left);
	if (se->total > shown) {
		putf(w, "<p class=\"note\">%s of %s shown; all of them, in file order: <code>clscan explain ",
		     html_group_digits(shown, num2), html_group_digits(se->total, num));
		esc(w, addr_format(&se->src, a));
		puts_(w, " FILES</code></p>");
	}
	puts_(w, "</details>\n");
}

static void web_source_details(struct hw *w, const struct web_source *ws, size_t i,
			       const struct report_line *ev)
{
	char name[ADDR_STRLEN], num[32], t[48];
	unsigned sev = ws->max_severity;

	putf(w, "<details class=\"finding web s%u%s\" data-severity=\"%u\" data-requests=\"%" PRIu64
		"\"><summary>",
	     ws->alert ? 5 : sev, i >= HTML_ROWS_SHOWN ? " more" : "", sev, ws->probes);
	if (ws->alert)
		puts_(w, "<span class=\"sev sev-alert\">ALERT</span> ");
	else
		putf(w, "<span class=\"sev sev-%u\">severity %u</span> ", sev, sev);
	puts_(w, "<span class=\"mono\">");
	esc(w, web_source_name(ws, name, sizeof(name)));
	putf(w, "</span> %s probes", html_group_digits(ws->probes, num));
	putf(w, " of %s requests", html_group_digits(ws->requests, num));
	if (ws->answered_2xx)
		putf(w, ", %s answered 2xx", html_group_digits(ws->answered_2xx, num));
	if (ws->alert)
		puts_(w, " (possible compromise)");
	if (ws->burst)
		puts_(w, ", a burst");
	putf(w, "; from %s</summary>\n", local_time(w, ws->first_ns, t, sizeof(t)));
	web_hits_table(w, ws, i);
	if (ws->n_agents) {
		puts_(w, "<p>User agents:</p><ul>");
		for (size_t j = 0; j < ws->n_agents; j++) {
			puts_(w, "<li><code>");
			esc(w, ws->agents[j]);
			puts_(w, "</code></li>");
		}
		puts_(w, "</ul>");
	}
	if (ws->n_vhosts) {
		puts_(w, "<p>Virtual hosts: ");
		for (size_t j = 0; j < ws->n_vhosts; j++) {
			if (j)
				puts_(w, ", ");
			puts_(w, "<code>");
			esc(w, ws->vhosts[j]);
			puts_(w, "</code>");
		}
		puts_(w, "</p>");
	}
	evidence_block(w, ev, 0);
	if (!ws->client)
		session_block(w, find_session(w->r, &ws->addr));
	puts_(w, "</details>\n");
}

static void write_web(struct hw *w, const struct report_line *ev)
{
	static const struct hcol cols[] = {
		{"Signature", 0}, {"Class", 0}, {"Severity", 1}, {"Requests", 1}, {"Sources", 1},
		{"Answered 2xx", 1}, {"Reference", 0},
	};
	const struct web_findings *f = w->r->web;
	char a[32], b[32], c[32];

	puts_(w, "<section aria-labelledby=\"h-web\"><h3 id=\"h-web\">Web probes</h3>\n");
	putf(w, "<p class=\"note\">%s web requests from %s sources; %s matched a probe signature. "
		"A probe answered 2xx is an ALERT (possible compromise).</p>\n",
	     html_group_digits(f->requests, a), html_group_digits(f->sources_seen, b),
	     html_group_digits(f->probe_requests, c));
	if (w->ev_web > HTML_ROWS_SHOWN)
		putf(w, "<div class=\"tools\"><button type=\"button\" data-show-all=\"web-list\" "
			"data-label=\"Show all %zu sources\" aria-controls=\"web-list\" "
			"aria-expanded=\"false\">Show all %zu sources</button></div>\n",
		     w->ev_web, w->ev_web);
	putf(w, "<div id=\"web-list\" class=\"findings\" data-n=\"%zu\">\n", w->ev_web);
	for (size_t i = 0; i < w->ev_web; i++)
		web_source_details(w, &f->sources[i], i, &ev[i]);
	puts_(w, "</div>\n");
	if (w->ev_web < f->n_sources)
		putf(w, "<p class=\"note\">%zu of %zu probing sources shown (--list-limit).</p>\n",
		     w->ev_web, f->n_sources);
	if (f->n_sigs) {
		size_t n = capped(f->n_sigs, 0);
		puts_(w, "<h3 id=\"h-web-sigs\">Probe signatures hit</h3>\n");
		table_open(w, "web-sigs", "Probe signatures hit", cols, ARRAY_LEN(cols), n);
		for (size_t i = 0; i < n; i++) {
			const struct web_sig_total *t = &f->sigs[i];
			row_open(w, i);
			td_text(w, t->sig ? t->sig->name : "?");
			td_text(w, t->sig ? web_class_name((enum web_class)t->sig->cls) : "");
			td_num(w, t->sig ? t->sig->severity : 0);
			td_num(w, t->requests);
			td_num(w, t->sources);
			td_num(w, t->answered_2xx);
			td_text(w, t->sig ? t->sig->reference : "");
			puts_(w, "</tr>\n");
		}
		table_close(w, n, f->n_sigs, "signatures");
	}
	if (f->requests_dropped)
		putf(w, "<p class=\"note\"><strong>Incomplete:</strong> %s requests from sources over "
			"--web-max-sources were not tracked.</p>\n",
		     html_group_digits(f->requests_dropped, a));
	if (f->hits_dropped)
		putf(w, "<p class=\"note\"><strong>Incomplete:</strong> %s matches of signatures "
			"beyond %zu per source (or a million in all) were counted but not listed.</p>\n",
		     html_group_digits(f->hits_dropped, a), f->cfg.max_hits_per_source);
	puts_(w, "</section>\n");
}

static void write_alerts(struct hw *w)
{
	const struct summary *s = w->s;
	puts_(w, "<section id=\"findings\" aria-labelledby=\"h-findings\">"
		 "<h2 id=\"h-findings\">Findings</h2>\n");
	write_findings(w);
	write_group_list(w, "alerts", "ALERT list", 1, s->alerts, w->ev_alerts, s->n_alerts,
			 w->ev + w->ev_findings);
	write_group_list(w, "warnings", "WARNING list", 0, s->warnings, w->ev_warnings,
			 s->n_warnings, w->ev + w->ev_findings + w->ev_alerts);
	if (w->r->web)
		write_web(w, w->ev + w->ev_findings + w->ev_alerts + w->ev_warnings);
	puts_(w, "</section>\n");
}

/* ---- charts -------------------------------------------------------------- */

/* A chart in a figure, then its numbers as a table in a <details>. */
static void chart_figure(struct hw *w, const struct html_series *se, int kind)
{
	static const struct hcol cols[] = {{"", 0}, {"Events", 1}};
	struct hcol c[2] = {cols[0], cols[1]};
	char id[64];

	putf(w, "<figure id=\"fig-%s\"><figcaption>", se->id);
	esc(w, se->title);
	puts_(w, "</figcaption>\n");
	if (kind == 0)
		html_svg_bars(&w->rb, se);
	else if (kind == 1)
		html_svg_line(&w->rb, se);
	else
		html_svg_hbars(&w->rb, se);
	puts_(w, "<details><summary>The numbers</summary>\n");
	snprintf(id, sizeof(id), "t-%s", se->id);
	c[0].title = "Key";
	table_open(w, id, se->title, c, 2, se->n);
	for (size_t i = 0; i < se->n; i++) {
		row_open(w, i);
		td_text(w, se->labels[i]);
		td_num(w, se->values[i]);
		puts_(w, "</tr>\n");
	}
	table_close(w, se->n, se->n, "rows");
	puts_(w, "</details></figure>\n");
}

/* Labels live in one block: n fixed-width slots. */
struct labels {
	char *buf;
	const char **ptr;
	uint64_t *values;
};

static void labels_alloc(struct labels *l, size_t n, size_t width)
{
	l->buf = xcalloc(n + 1, width);
	l->ptr = xcalloc(n + 1, sizeof(*l->ptr));
	l->values = xcalloc(n + 1, sizeof(*l->values));
	for (size_t i = 0; i < n; i++)
		l->ptr[i] = l->buf + i * width;
}

static void labels_free(struct labels *l)
{
	free(l->buf);
	free(l->ptr);
	free(l->values);
}

static void calendar_chart(struct hw *w, const char *id, const char *title,
			   const struct summary_count *c, size_t n, int days)
{
	struct labels l;
	labels_alloc(&l, n, 64);
	for (size_t i = 0; i < n; i++) {
		int64_t k = c[i].key;
		if (days)
			snprintf((char *)l.ptr[i], 64, "%04" PRId64 "-%02" PRId64 "-%02" PRId64,
				 k / 10000, k / 100 % 100, k % 100);
		else
			snprintf((char *)l.ptr[i], 64, "%04" PRId64 "-%02" PRId64, k / 100, k % 100);
		l.values[i] = c[i].events;
	}
	struct html_series se = {
		.id = id, .title = title, .unit = "events",
		.labels = l.ptr, .values = l.values, .n = n,
	};
	chart_figure(w, &se, days && n > DAYS_AS_BARS ? 1 : 0);
	labels_free(&l);
}

/* Sections from the geo tables, further down. */
static void write_series(struct hw *w, const struct summary_tables *t);
static void write_sensors(struct hw *w, const struct summary_tables *t);

static void write_charts(struct hw *w)
{
	static const char *const hours[24] = {
		"00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11",
		"12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23",
	};
	static const char *const weekdays[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	const struct summary *s = w->s;

	puts_(w, "<section aria-labelledby=\"h-charts\"><h2 id=\"h-charts\">Over time</h2>\n"
		 "<div class=\"charts\">\n");
	calendar_chart(w, "days", "Events per day", s->days, s->n_days, 1);
	calendar_chart(w, "months", "Events per month", s->months, s->n_months, 0);
	char title[96];
	snprintf(title, sizeof(title), "Events by hour of day (%s)",
		 w->r->zone ? w->r->zone : timeconv_zone_name());
	struct html_series se = {
		.id = "hours", .title = title, .unit = "events",
		.labels = hours, .values = s->hours, .n = 24,
	};
	chart_figure(w, &se, 0);
	struct html_series wd = {
		.id = "weekdays", .title = "Events by day of week", .unit = "events",
		.labels = weekdays, .values = s->weekdays, .n = 7,
	};
	chart_figure(w, &wd, 0);
	if (w->r->tables)
		write_series(w, w->r->tables);
	puts_(w, "</div>\n");
	if (w->r->tables)
		write_sensors(w, w->r->tables);
	puts_(w, "</section>\n");

	size_t n = s->n_ports_rows < TOP_PORTS_CHART ? s->n_ports_rows : TOP_PORTS_CHART;
	if (!n)
		return;
	struct labels l;
	labels_alloc(&l, n, 48);
	for (size_t i = 0; i < n; i++) {
		const struct summary_port *p = &s->ports[i];
		char pbuf[24];
		snprintf((char *)l.ptr[i], 48, "%s%s%s", port_text(p->proto, p->port, pbuf, sizeof(pbuf)),
			 p->svc ? " " : "", p->svc ? p->svc->name : "");
		l.values[i] = p->events;
	}
	struct html_series tp = {
		.id = "ports", .title = "Top ports by events", .unit = "events",
		.labels = l.ptr, .values = l.values, .n = n,
	};
	puts_(w, "<section aria-labelledby=\"h-ports\"><h2 id=\"h-ports\">Ports</h2>\n"
		 "<div class=\"charts\">\n");
	chart_figure(w, &tp, 2);
	puts_(w, "</div>\n");
	labels_free(&l);
}

/* ---- countries, networks and trends (stats/geo_tables.h) ----------------- */

#define COUNTRIES_CHART 15
#define HEAT_ROWS 12
#define HEAT_COLS 10

static const char *cc_text(const char *cc)
{
	return strcmp(cc, TABLES_CC_UNKNOWN) == 0 ? "unknown" : cc;
}

static void port_counts_text(struct hw *w, const struct tables_port_count *pc, size_t n)
{
	char pbuf[24], num[32];
	puts_(w, "<td>");
	for (size_t i = 0; i < n; i++)
		putf(w, "%s%s (%s)", i ? ", " : "", port_text(pc[i].proto, pc[i].port, pbuf, sizeof(pbuf)),
		     html_group_digits(pc[i].count, num));
	puts_(w, "</td>");
}

static void write_heatmap(struct hw *w, const struct summary_tables *t);

static void write_countries(struct hw *w, const struct summary_tables *t)
{
	static const struct hcol cols[] = {
		{"Country", 0}, {"Events", 1}, {"Sources", 1}, {"Share %", 1}, {"Top ports (sources)", 0},
	};
	size_t n = t->n_countries < COUNTRIES_CHART ? t->n_countries : COUNTRIES_CHART;
	struct labels l;

	puts_(w, "<section aria-labelledby=\"h-countries\"><h2 id=\"h-countries\">Countries</h2>\n");
	if (!t->have_country)
		puts_(w, "<p class=\"note\">No country database was found, so every source is "
			 "\"unknown\" (see --geoip and ./setup.sh).</p>\n");
	if (t->country_source || t->asn_source) {
		puts_(w, "<p class=\"note\">Data: ");
		esc(w, t->country_source ? t->country_source : "");
		puts_(w, t->country_source && t->asn_source ? "; " : "");
		esc(w, t->asn_source ? t->asn_source : "");
		puts_(w, "</p>\n");
	}
	puts_(w, "<div class=\"charts\">\n");
	labels_alloc(&l, n, 16);
	for (size_t i = 0; i < n; i++) {
		snprintf((char *)l.ptr[i], 16, "%s", cc_text(t->countries[i].cc));
		l.values[i] = t->countries[i].events;
	}
	struct html_series se = {
		.id = "countries", .title = "Top countries by events", .unit = "events",
		.labels = l.ptr, .values = l.values, .n = n,
	};
	if (n)
		chart_figure(w, &se, 2);
	labels_free(&l);
	write_heatmap(w, t);
	puts_(w, "</div>\n");
	n = capped(t->n_countries, 0);
	table_open(w, "countries-table", "Countries", cols, ARRAY_LEN(cols), n);
	for (size_t i = 0; i < n; i++) {
		const struct tables_country *c = &t->countries[i];
		row_open(w, i);
		td_text(w, cc_text(c->cc));
		td_num(w, c->events);
		td_num(w, c->sources);
		putf(w, "<td class=\"n\" data-v=\"%.4f\">%.1f</td>", c->share * 100, c->share * 100);
		port_counts_text(w, c->top, c->n_top);
		puts_(w, "</tr>\n");
	}
	table_close(w, n, t->n_countries, "countries");
	puts_(w, "</section>\n");
}

/* Country x port: distinct sources of the country on the port, for the
 * busiest countries and ports. A port keeps its top countries and a
 * country its top ports; a pair in neither list shows as 0. */
static void write_heatmap(struct hw *w, const struct summary_tables *t)
{
	size_t rows = t->n_countries < HEAT_ROWS ? t->n_countries : HEAT_ROWS;
	size_t cols = t->n_ports < HEAT_COLS ? t->n_ports : HEAT_COLS;
	char rl[HEAT_ROWS][16], cl[HEAT_COLS][32];
	const char *rp[HEAT_ROWS], *cp[HEAT_COLS];
	uint64_t v[HEAT_ROWS * HEAT_COLS] = {0};
	char num[32];

	if (!rows || !cols || !t->have_country)
		return;
	for (size_t c = 0; c < cols; c++) {
		port_text(t->ports[c].proto, t->ports[c].port, cl[c], sizeof(cl[c]));
		cp[c] = cl[c];
	}
	for (size_t r = 0; r < rows; r++) {
		const struct tables_country *co = &t->countries[r];
		snprintf(rl[r], sizeof(rl[r]), "%s", cc_text(co->cc));
		rp[r] = rl[r];
		for (size_t c = 0; c < cols; c++) {
			const struct tables_port *p = &t->ports[c];
			for (size_t k = 0; k < p->n_countries; k++)
				if (strcmp(p->countries[k].cc, co->cc) == 0)
					v[r * cols + c] = p->countries[k].sources;
			for (size_t k = 0; k < co->n_top && !v[r * cols + c]; k++)
				if (co->top[k].proto == p->proto && co->top[k].port == p->port)
					v[r * cols + c] = co->top[k].count;
		}
	}
	puts_(w, "<figure id=\"fig-heat\"><figcaption>Sources per country and port (darker: "
		 "more; the number is in each cell)</figcaption>\n");
	html_svg_heatmap(&w->rb, "heat", "Sources per country and port", rp, rows, cp, cols, v);
	puts_(w, "<details><summary>The numbers</summary>\n<table id=\"t-heat\"><caption class=\"sr-only\">"
		 "Sources per country and port</caption><thead><tr><th scope=\"col\">Country</th>");
	for (size_t c = 0; c < cols; c++)
		putf(w, "<th scope=\"col\" class=\"n\">%s</th>", cl[c]);
	puts_(w, "</tr></thead><tbody>\n");
	for (size_t r = 0; r < rows; r++) {
		puts_(w, "<tr><th scope=\"row\">");
		esc(w, rl[r]); /* a database's code, escaped all the same */
		puts_(w, "</th>");
		for (size_t c = 0; c < cols; c++)
			putf(w, "<td class=\"n\" data-v=\"%" PRIu64 "\">%s</td>", v[r * cols + c],
			     html_group_digits(v[r * cols + c], num));
		puts_(w, "</tr>\n");
	}
	puts_(w, "</tbody></table></details></figure>\n");
}

/* Port -> what -> countries (the Beholder layout). */
static void write_port_countries(struct hw *w, const struct summary_tables *t)
{
	static const struct hcol cols[] = {
		{"Port", 0}, {"Service", 0}, {"Events", 1}, {"Countries", 1},
		{"From (sources)", 0}, {"What it is", 0},
	};
	size_t n = capped(t->n_ports, 0);
	char pbuf[24], num[32];

	if (!t->have_country || !n)
		return;
	puts_(w, "<h3 id=\"h-port-countries\">Ports and the countries they came from</h3>\n");
	table_open(w, "port-countries", "Ports and the countries they came from", cols,
		   ARRAY_LEN(cols), n);
	for (size_t i = 0; i < n; i++) {
		const struct tables_port *p = &t->ports[i];
		row_open(w, i);
		td_text(w, port_text(p->proto, p->port, pbuf, sizeof(pbuf)));
		td_text(w, p->svc ? p->svc->name : "");
		td_num(w, p->events);
		td_num(w, p->countries_total);
		puts_(w, "<td>");
		for (size_t k = 0; k < p->n_countries; k++) {
			puts_(w, k ? ", " : "");
			esc(w, cc_text(p->countries[k].cc));
			putf(w, " (%s)", html_group_digits(p->countries[k].sources, num));
		}
		puts_(w, "</td>");
		td_text(w, p->svc ? p->svc->note : "");
		puts_(w, "</tr>\n");
	}
	table_close(w, n, t->n_ports, "ports");
}

/* Monthly events per service as a heat map (services x months). */
static void write_series(struct hw *w, const struct summary_tables *t)
{
	size_t rows = t->n_series, cols = t->n_months;
	if (!rows || !cols)
		return;
	if (cols > 48)
		cols = 48; /* four years fit; the JSON report has every month */
	struct labels rl, cl;
	labels_alloc(&rl, rows, 48);
	labels_alloc(&cl, cols, 48);
	uint64_t *v = xcalloc(rows * cols + 1, sizeof(*v));
	size_t first = t->n_months - cols;
	for (size_t c = 0; c < cols; c++) {
		int64_t k = t->months[first + c];
		snprintf((char *)cl.ptr[c], 48, "%04" PRId64 "-%02" PRId64, k / 100, k % 100);
	}
	for (size_t r = 0; r < rows; r++) {
		const struct tables_series *se = &t->series[r];
		char pbuf[24];
		snprintf((char *)rl.ptr[r], 48, "%s%s%s", port_text(se->proto, se->port, pbuf, sizeof(pbuf)),
			 se->svc ? " " : "", se->svc ? se->svc->name : "");
		for (size_t c = 0; c < cols; c++)
			v[r * cols + c] = se->per_month[first + c];
	}
	puts_(w, "<figure id=\"fig-series\"><figcaption>Events per month per service</figcaption>\n");
	html_svg_heatmap(&w->rb, "series", "Events per month per service", rl.ptr, rows, cl.ptr,
			 cols, v);
	puts_(w, "<details><summary>The numbers and advisories</summary>\n<table id=\"t-series\">"
		 "<thead><tr><th scope=\"col\">Service</th>");
	for (size_t c = 0; c < cols; c++)
		putf(w, "<th scope=\"col\" class=\"n\">%s</th>", cl.ptr[c]);
	puts_(w, "<th scope=\"col\">Advisories</th></tr></thead><tbody>\n");
	for (size_t r = 0; r < rows; r++) {
		const struct tables_series *se = &t->series[r];
		char num[32];
		puts_(w, "<tr><th scope=\"row\">");
		esc(w, rl.ptr[r]);
		puts_(w, "</th>");
		for (size_t c = 0; c < cols; c++)
			putf(w, "<td class=\"n\" data-v=\"%" PRIu64 "\">%s</td>", v[r * cols + c],
			     html_group_digits(v[r * cols + c], num));
		puts_(w, "<td>");
		for (size_t k = 0; k < se->n_markers; k++) {
			int64_t d = se->markers[k].day;
			puts_(w, k ? ", " : "");
			esc(w, se->markers[k].label);
			putf(w, " (%04" PRId64 "-%02" PRId64 "-%02" PRId64 ")", d / 10000, d / 100 % 100,
			     d % 100);
		}
		puts_(w, "</td></tr>\n");
	}
	puts_(w, "</tbody></table></details></figure>\n");
	free(v);
	labels_free(&rl);
	labels_free(&cl);
}

static void write_trend(struct hw *w, const struct summary_tables *t)
{
	static const struct hcol cols[] = {
		{"Port", 0}, {"Service", 0}, {"Events that day", 1}, {"Baseline per day", 1},
		{"Score", 1}, {"New", 0},
	};
	char pbuf[24];
	if (!t->n_trend)
		return;
	int64_t d = t->trend_day;
	putf(w, "<h3 id=\"h-trend\">Rising ports on %04" PRId64 "-%02" PRId64 "-%02" PRId64
		" against the %d days before</h3>\n", d / 10000, d / 100 % 100, d % 100,
	     TABLES_TREND_DAYS);
	table_open(w, "trend", "Rising ports", cols, ARRAY_LEN(cols), t->n_trend);
	for (size_t i = 0; i < t->n_trend; i++) {
		const struct tables_trend *r = &t->trend[i];
		row_open(w, i);
		td_text(w, port_text(r->proto, r->port, pbuf, sizeof(pbuf)));
		td_text(w, r->svc ? r->svc->name : "");
		td_num(w, r->last);
		putf(w, "<td class=\"n\" data-v=\"%.3f\">%.1f</td>", r->baseline, r->baseline);
		putf(w, "<td class=\"n\" data-v=\"%.3f\">%.1f</td>", r->score, r->score);
		td_text(w, r->is_new ? "new" : "");
		puts_(w, "</tr>\n");
	}
	table_close(w, t->n_trend, t->n_trend, "ports");
}

/* The honeypot study's Table 1: per destination, its ports. */
static void write_target_ports(struct hw *w, const struct summary_tables *t)
{
	static const struct hcol cols[] = {{"Port", 0}, {"Service", 0}, {"Events", 1}};
	size_t n = t->n_targets < 50 ? t->n_targets : 50;
	if (!n)
		return;
	puts_(w, "<h3 id=\"h-target-ports\">Ports per destination</h3>\n");
	for (size_t i = 0; i < n; i++) {
		const struct tables_target *tg = &t->targets[i];
		char abuf[ADDR_STRLEN], id[32], cap[96], num[32], num2[32];
		addr_format(&tg->addr, abuf);
		snprintf(id, sizeof(id), "target-%zu", i);
		snprintf(cap, sizeof(cap), "Ports of %s", abuf);
		putf(w, "<details class=\"target\"%s><summary><span class=\"mono\">%s</span>: %s events "
			"on %s ports</summary>\n", i < 4 ? " open" : "", abuf,
		     html_group_digits(tg->events, num), html_group_digits(tg->ports_total, num2));
		table_open(w, id, cap, cols, ARRAY_LEN(cols), tg->n_ports);
		for (size_t k = 0; k < tg->n_ports; k++) {
			const struct tables_port_count *pc = &tg->ports[k];
			const struct service *svc = NULL;
			char pbuf[24];
			for (size_t j = 0; j < t->n_ports && !svc; j++)
				if (t->ports[j].proto == pc->proto && t->ports[j].port == pc->port)
					svc = t->ports[j].svc;
			row_open(w, k);
			td_text(w, port_text(pc->proto, pc->port, pbuf, sizeof(pbuf)));
			td_text(w, svc ? svc->name : "");
			td_num(w, pc->count);
			puts_(w, "</tr>\n");
		}
		table_close(w, tg->n_ports, tg->ports_total, "ports");
		puts_(w, "</details>\n");
	}
}

/* When each sensor (input file) was first contacted after it began logging. */
static void write_sensors(struct hw *w, const struct summary_tables *t)
{
	static const struct hcol cols[] = {
		{"Sensor (log)", 0}, {"First line", 0}, {"First event", 0}, {"Found after", 0},
	};
	char d[48];
	size_t n = capped(t->n_sensors, 0);
	if (!n)
		return;
	puts_(w, "<h3 id=\"h-sensors\">How soon each sensor was found</h3>\n");
	table_open(w, "sensors", "How soon each sensor was found", cols, ARRAY_LEN(cols), n);
	for (size_t i = 0; i < n; i++) {
		const struct tables_sensor *se = &t->sensors[i];
		row_open(w, i);
		puts_(w, "<td class=\"mono\">");
		esc(w, se->name);
		puts_(w, "</td>");
		td_time(w, se->first_line_ns);
		td_time(w, se->first_event_ns);
		if (se->first_line_ns && se->first_event_ns >= se->first_line_ns)
			putf(w, "<td data-v=\"%" PRId64 "\">%s</td>",
			     (int64_t)((se->first_event_ns - se->first_line_ns) / NS_PER_SEC),
			     duration_text(se->first_event_ns - se->first_line_ns, d, sizeof(d)));
		else
			td_text(w, "-");
		puts_(w, "</tr>\n");
	}
	table_close(w, n, t->n_sensors, "sensors");
}

/* ---- tables -------------------------------------------------------------- */

static void write_services(struct hw *w)
{
	static const struct hcol cols[] = {
		{"Port", 0}, {"Service", 0}, {"Class", 0}, {"Events", 1}, {"Sources", 1},
		{"Destinations", 1}, {"Note", 0},
	};
	const struct summary *s = w->s;
	size_t n = capped(s->n_ports_rows, 0);
	char pbuf[24];

	puts_(w, "<h3 id=\"h-services\">All ports</h3>\n");
	table_open(w, "services", "All ports", cols, ARRAY_LEN(cols), n);
	for (size_t i = 0; i < n; i++) {
		const struct summary_port *p = &s->ports[i];
		row_open(w, i);
		td_text(w, port_text(p->proto, p->port, pbuf, sizeof(pbuf)));
		td_text(w, p->svc ? p->svc->name : "");
		if (p->svc && p->svc->cls != SERVICE_INFO)
			putf(w, "<td><span class=\"sev sev-%s\">%s</span></td>",
			     p->svc->cls == SERVICE_ALERT ? "alert" : "warning",
			     service_class_name((enum service_class)p->svc->cls));
		else
			td_text(w, p->svc ? service_class_name((enum service_class)p->svc->cls) : "");
		td_num(w, p->events);
		td_num(w, p->sources);
		td_num(w, p->targets);
		td_text(w, p->svc ? p->svc->note : "");
		puts_(w, "</tr>\n");
	}
	table_close(w, n, s->n_ports_rows, "ports");
	if (w->r->tables) {
		write_port_countries(w, w->r->tables);
		write_trend(w, w->r->tables);
	}
	puts_(w, "</section>\n");
	if (w->r->tables)
		write_countries(w, w->r->tables);
}

static void write_targets(struct hw *w)
{
	static const struct hcol cols[] = {
		{"Destination", 0}, {"Events", 1}, {"Sources", 1}, {"Ports", 1},
		{"First", 0}, {"Last", 0},
	};
	const struct summary *s = w->s;
	size_t n = capped(s->n_targets_rows, 0);

	puts_(w, "<section aria-labelledby=\"h-targets\"><h2 id=\"h-targets\">Destinations</h2>\n");
	table_open(w, "targets", "Destinations", cols, ARRAY_LEN(cols), n);
	for (size_t i = 0; i < n; i++) {
		const struct summary_target *p = &s->targets[i];
		row_open(w, i);
		td_addr(w, &p->addr);
		td_num(w, p->events);
		td_num(w, p->sources);
		td_num(w, p->ports);
		td_time(w, p->first_ns);
		td_time(w, p->last_ns);
		puts_(w, "</tr>\n");
	}
	table_close(w, n, s->n_targets, "destinations");
	if (w->r->tables)
		write_target_ports(w, w->r->tables);
	puts_(w, "</section>\n");
}

/* Country, network, pace and findings of a top source (geo tables). */
static void source_extra(struct hw *w, const struct tables_source *x)
{
	static const char *const labels[] = {"", "burst", "slow"};
	char num[32];
	td_text(w, cc_text(x->cc));
	if (x->asn)
		putf(w, "<td data-v=\"%" PRIu32 "\">AS%" PRIu32 "</td>", x->asn, x->asn);
	else
		td_text(w, "");
	td_text(w, x->org ? x->org : "");
	td_text(w, x->label < ARRAY_LEN(labels) ? labels[x->label] : "");
	putf(w, "<td class=\"n\" data-v=\"%" PRIu32 "\">%s</td>", x->findings,
	     html_group_digits(x->findings, num));
}

static void write_sources(struct hw *w)
{
	static const struct hcol base[] = {
		{"Events", 1}, {"Ports", 1}, {"Destinations", 1}, {"First", 0}, {"Last", 0},
		{"Dropped", 1}, {"Accepted", 1},
	};
	static const struct hcol geo[] = {
		{"Country", 0}, {"ASN", 0}, {"Network", 0}, {"Pace", 0}, {"Findings", 1},
	};
	const struct summary *s = w->s;
	const struct summary_tables *t = w->r->tables;
	size_t n = capped(s->n_sources_rows, 0);
	/* the tables' rows match the summary's one for one */
	int extra = t && t->sources && t->n_sources >= n;
	int named = w->r->rdns || (extra && n && t->sources[0].name);
	struct hcol cols[2 + ARRAY_LEN(base) + ARRAY_LEN(geo)];
	size_t nc = 0;

	cols[nc++] = (struct hcol){"Source", 0};
	if (named)
		cols[nc++] = (struct hcol){"Name", 0};
	memcpy(cols + nc, base, sizeof(base));
	nc += ARRAY_LEN(base);
	if (extra) {
		memcpy(cols + nc, geo, sizeof(geo));
		nc += ARRAY_LEN(geo);
	}
	puts_(w, "<section aria-labelledby=\"h-sources\"><h2 id=\"h-sources\">Top sources</h2>\n");
	table_open(w, "sources", "Top sources", cols, nc, n);
	for (size_t i = 0; i < n; i++) {
		const struct summary_source *p = &s->sources[i];
		row_open(w, i);
		td_addr(w, &p->addr);
		if (named) {
			const char *name = rdns_name(w->r->rdns, &p->addr);
			if (!name && extra)
				name = t->sources[i].name;
			td_text(w, name ? name : "");
		}
		td_num(w, p->events);
		td_num(w, p->ports);
		td_num(w, p->targets);
		td_time(w, p->first_ns);
		td_time(w, p->last_ns);
		td_num(w, p->by_action[EVENT_ACTION_DROP] + p->by_action[EVENT_ACTION_REJECT]);
		td_num(w, p->by_action[EVENT_ACTION_ACCEPT]);
		if (extra)
			source_extra(w, &t->sources[i]);
		puts_(w, "</tr>\n");
	}
	table_close(w, n, s->n_sources, "sources");
	puts_(w, "</section>\n");
}

static void write_prefixes(struct hw *w)
{
	static const struct hcol cols[] = {{"Log prefix", 0}, {"Action", 0}, {"Events", 1}};
	const struct summary *s = w->s;
	size_t n = capped(s->n_prefixes, 0);
	if (!n)
		return;
	puts_(w, "<section aria-labelledby=\"h-prefixes\"><h2 id=\"h-prefixes\">Log prefixes</h2>\n");
	table_open(w, "prefixes", "Log prefixes", cols, ARRAY_LEN(cols), n);
	for (size_t i = 0; i < n; i++) {
		const struct summary_prefix *p = &s->prefixes[i];
		const char *an = event_action_name((enum event_action)p->action);
		row_open(w, i);
		puts_(w, "<td class=\"mono\">");
		esc(w, p->text ? p->text : "");
		puts_(w, "</td>");
		td_text(w, an ? an : "unknown");
		td_num(w, p->events);
		puts_(w, "</tr>\n");
	}
	table_close(w, n, s->n_prefixes, "prefixes");
	puts_(w, "</section>\n");
}

static void write_inputs(struct hw *w)
{
	static const struct hcol cols[] = {
		{"File", 0}, {"Format", 0}, {"Lines", 1}, {"Events", 1}, {"Filtered", 1},
		{"Unknown", 1}, {"Malformed", 1}, {"Overlong", 1}, {"Error", 0},
	};
	static const struct hcol pcols[] = {
		{"Reason", 0}, {"Lines", 1}, {"First at", 0}, {"Example", 0},
	};
	const struct report *r = w->r;
	size_t n = capped(r->n_files, 0);

	puts_(w, "<section aria-labelledby=\"h-files\"><h2 id=\"h-files\">Files read</h2>\n");
	table_open(w, "files", "Files read", cols, ARRAY_LEN(cols), n);
	for (size_t i = 0; i < n; i++) {
		const struct report_file *f = &r->files[i];
		row_open(w, i);
		puts_(w, "<td class=\"mono\">");
		esc(w, f->path);
		puts_(w, "</td>");
		td_text(w, f->format ? f->format : "(none recognised)");
		td_num(w, f->lines);
		td_num(w, f->events);
		td_num(w, f->filtered);
		td_num(w, f->unknown);
		td_num(w, f->malformed);
		td_num(w, f->overlong);
		td_text(w, f->error ? f->error : "");
		puts_(w, "</tr>\n");
	}
	table_close(w, n, r->n_files, "files");

	puts_(w, "<h3 id=\"h-problems\">Problems</h3>\n");
	if (!r->n_problems) {
		puts_(w, "<p>No malformed lines.</p>\n</section>\n");
		return;
	}
	n = capped(r->n_problems, 0);
	table_open(w, "problems", "Problems", pcols, ARRAY_LEN(pcols), n);
	for (size_t i = 0; i < n; i++) {
		const struct report_problem *p = &r->problems[i];
		row_open(w, i);
		td_text(w, p->reason);
		td_num(w, p->count);
		puts_(w, "<td class=\"mono\">");
		esc(w, p->path);
		putf(w, ":%" PRIu64 "</td><td><pre class=\"line\">", p->line);
		esc(w, p->example);
		puts_(w, "</pre></td></tr>\n");
	}
	table_close(w, n, r->n_problems, "reasons");
	puts_(w, "</section>\n");
}

static void write_body(struct hw *w)
{
	write_header(w);
	write_alerts(w);
	write_charts(w);
	if (w->s->n_ports_rows)
		write_services(w);
	write_targets(w);
	write_sources(w);
	write_prefixes(w);
	write_inputs(w);
	puts_(w, "<footer>Made by clscan ");
	esc(w, w->r->version);
	puts_(w, ". Strings from the logs are shown as written, with control bytes and invalid "
		 "UTF-8 as \\xHH.</footer>\n");
}

/* ---- the page skeleton --------------------------------------------------- */

struct asset {
	const char *text;
	size_t len;
	char *owned;
};

/* The built-in file, or DIR/name when --html-assets names a directory
 * holding it. */
static int asset_load(struct asset *a, const char *dir, const char *name, const char *builtin,
		      size_t builtin_len)
{
	a->text = builtin;
	a->len = builtin_len;
	a->owned = NULL;
	if (!dir)
		return 0;
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	size_t cap = 1 << 16, n = 0, got;
	char *buf = xmalloc(cap);
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			if (cap >= (16u << 20))
				break; /* a page template is not this large */
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	int err = ferror(f), too_big = n == cap;
	fclose(f);
	if (err || too_big) {
		/* refused, not cut: half a page would be a broken report */
		free(buf);
		errno = err ? EIO : EFBIG;
		return -1;
	}
	a->text = a->owned = buf;
	a->len = n;
	return 0;
}

static void write_title(struct hw *w)
{
	puts_(w, "clscan report");
	if (w->r->n_files) {
		puts_(w, ": ");
		esc(w, w->r->files[0].path);
		if (w->r->n_files > 1)
			putf(w, " and %zu more", w->r->n_files - 1);
	}
}

/* Copy the skeleton, filling {{TITLE}}, {{VERSION}}, {{CSS}}, {{BODY}}
 * and {{JS}}; anything else is copied as it is. */
static void write_page(struct hw *w, const struct asset *page, const struct asset *css,
		       const struct asset *js)
{
	const char *p = page->text, *end = page->text + page->len;
	while (p < end) {
		const char *m = memmem(p, (size_t)(end - p), "{{", 2);
		if (!m) {
			report_buf_put(&w->rb, p, (size_t)(end - p));
			break;
		}
		report_buf_put(&w->rb, p, (size_t)(m - p));
		const char *close = memmem(m, (size_t)(end - m), "}}", 2);
		size_t klen = close ? (size_t)(close - m - 2) : 0;
		const char *k = m + 2;
		if (close && klen == 5 && memcmp(k, "TITLE", 5) == 0)
			write_title(w);
		else if (close && klen == 7 && memcmp(k, "VERSION", 7) == 0)
			esc(w, w->r->version);
		else if (close && klen == 3 && memcmp(k, "CSS", 3) == 0)
			report_buf_put(&w->rb, css->text, css->len);
		else if (close && klen == 2 && memcmp(k, "JS", 2) == 0)
			report_buf_put(&w->rb, js->text, js->len);
		else if (close && klen == 4 && memcmp(k, "BODY", 4) == 0)
			write_body(w);
		else {
			report_buf_put(&w->rb, m, 2);
			p = m + 2;
			continue;
		}
		p = close + 2;
	}
}

int report_html(FILE *out, const struct report *r)
{
	static const struct summary empty;
	struct asset page, css, js;
	struct hw w;

	memset(&w, 0, sizeof(w));
	w.r = r;
	w.session_left = SESSION_BUDGET;
	w.finding_left = FINDING_LINES_BUDGET;
	w.s = r->sum ? r->sum : &empty;
	w.tz = r->tz ? r->tz : &w.tz_local;
	int bad = asset_load(&page, r->html_assets, "page.html", builtin_html_page,
			     builtin_html_page_len);
	bad |= asset_load(&css, r->html_assets, "report.css", builtin_html_css, builtin_html_css_len);
	bad |= asset_load(&js, r->html_assets, "report.js", builtin_html_js, builtin_html_js_len);
	if (bad) {
		fprintf(stderr, "clscan report: cannot read a file in --html-assets %s: %s\n",
			r->html_assets, strerror(errno));
		free(page.owned);
		free(css.owned);
		free(js.owned);
		return -1;
	}
	report_buf_init(&w.rb, out);
	evidence_collect(&w);
	write_page(&w, &page, &css, &js);
	report_buf_flush(&w.rb);
	evidence_free(&w);
	free(page.owned);
	free(css.owned);
	free(js.owned);
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}
