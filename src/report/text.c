/* The text report (-o text, the default), laid out as the 2001 clscan did:
 * headline numbers, the ALERT and WARNING lists, then statistics tables.
 * Strings from logs are shown with control bytes and invalid UTF-8 as
 * \xHH, so a report printed on a terminal cannot be used to drive it. */
#include "report/report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "core/util.h"
#include "enrich/catalog.h"
#include "enrich/rdns.h"
#include "report/report_util.h"
#include "report/json_tables.h"
#include "report/text_web.h"

/* Colour for those who want it, but every coloured thing also says what it
 * is in words, and ALERT is bold as well as red, so the two classes differ
 * in brightness too: readable with red-green colour blindness or none. */
#define ANSI_BOLD "\033[1m"
#define ANSI_ALERT "\033[1;31m"
#define ANSI_WARN "\033[33m"
#define ANSI_RESET "\033[0m"

enum style { ST_NONE = 0, ST_BOLD, ST_ALERT, ST_WARN };

#define BAR_WIDTH 40
#define TABLE_MAX_COLS 12
#define GROUP_BLOCK 4096 /* list rows held at once */

struct tw {
	FILE *out;
	const struct report *r;
	const struct summary *s;
	struct tz_cache *tz;
	struct tz_cache tz_local;
	int multi_year; /* the period spans years: show dates with the year */
};

static void put_styled(struct tw *w, enum style st, const char *s)
{
	static const char *const codes[] = {"", ANSI_BOLD, ANSI_ALERT, ANSI_WARN};
	if (w->r->color && st != ST_NONE) {
		fputs(codes[st], w->out);
		fputs(s, w->out);
		fputs(ANSI_RESET, w->out);
	} else {
		fputs(s, w->out);
	}
}

static void spaces(FILE *out, size_t n)
{
	static const char sp[] = "                                ";
	while (n > 0) {
		size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;
		fwrite(sp, 1, k, out);
		n -= k;
	}
}

/* ---- display-safe strings ---------------------------------------------- */

/* Copies s[0..len) into the arena with C0/C1 controls, DEL and bytes that
 * are not well-formed UTF-8 written as \xHH; *width gets the number of
 * characters shown (one per code point: wide CJK glyphs will misalign,
 * which is acceptable for text that should not be in a firewall log). */
static char *sanitize(struct arena *a, const char *s, size_t len, size_t *width)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n = 0, wd = 0;

	for (i = 0; i < len;) {
		size_t k = 1;
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			n++;
			wd++;
		} else if (p[i] >= 0x80 && (k = report_utf8_len(p + i, len - i)) != 0 &&
			   !(p[i] == 0xC2 && p[i + 1] < 0xA0)) {
			n += k;
			wd++;
		} else {
			if (k == 0)
				k = 1;
			n += 4 * k;
			wd += 4 * k;
		}
		i += k;
	}
	char *out = arena_alloc(a, n + 1);
	size_t o = 0;
	for (i = 0; i < len;) {
		size_t k = 1;
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			out[o++] = (char)p[i];
		} else if (p[i] >= 0x80 && (k = report_utf8_len(p + i, len - i)) != 0 &&
			   !(p[i] == 0xC2 && p[i + 1] < 0xA0)) {
			memcpy(out + o, p + i, k);
			o += k;
		} else {
			if (k == 0)
				k = 1;
			for (size_t j = 0; j < k; j++) {
				out[o++] = '\\';
				out[o++] = 'x';
				out[o++] = hex[p[i + j] >> 4];
				out[o++] = hex[p[i + j] & 15];
			}
		}
		i += k;
	}
	out[o] = '\0';
	if (width)
		*width = wd;
	return out;
}

/* ---- tables ------------------------------------------------------------- */

struct tcol {
	const char *head;
	int right; /* right-aligned (numbers) */
};

struct cell {
	const char *text;
	size_t width;
	enum style style;
};

struct table {
	const struct tcol *cols;
	size_t ncols;
	struct cell *cells; /* nrows * ncols */
	const char **after; /* per row: text printed below it, or NULL */
	size_t nrows, cap, after_cap;
	unsigned char hidden[TABLE_MAX_COLS]; /* columns left out when printed */
	size_t width[TABLE_MAX_COLS];         /* widest cell so far, kept by discard */
	struct arena arena;
};

static void table_init(struct table *t, const struct tcol *cols, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols < TABLE_MAX_COLS ? ncols : TABLE_MAX_COLS;
	for (size_t c = 0; c < t->ncols; c++)
		t->width[c] = strlen(cols[c].head);
	arena_init(&t->arena);
}

/* Forgets the rows but keeps the column widths: long lists are measured in
 * one pass and printed in a second, a block of rows at a time, so memory
 * does not grow with --list-limit 0 and a million groups. */
static void table_discard(struct table *t)
{
	t->nrows = 0;
	arena_fini(&t->arena);
	arena_init(&t->arena);
}

static void table_fini(struct table *t)
{
	free(t->cells);
	free(t->after);
	arena_fini(&t->arena);
}

static void table_row(struct table *t)
{
	size_t need = (t->nrows + 1) * t->ncols;
	t->cells = xgrow(t->cells, &t->cap, need, sizeof(*t->cells));
	t->after = xgrow(t->after, &t->after_cap, t->nrows + 1, sizeof(*t->after));
	memset(t->cells + t->nrows * t->ncols, 0, t->ncols * sizeof(*t->cells));
	t->after[t->nrows] = NULL;
	t->nrows++;
}

/* Sets a cell of the last row to s[0..len), made display-safe. */
static void cell_n(struct table *t, size_t col, enum style st, const char *s, size_t len)
{
	struct cell *c = &t->cells[(t->nrows - 1) * t->ncols + col];
	c->text = sanitize(&t->arena, s ? s : "", s ? len : 0, &c->width);
	c->style = st;
	if (c->width > t->width[col])
		t->width[col] = c->width;
}

static void cell(struct table *t, size_t col, enum style st, const char *s)
{
	cell_n(t, col, st, s, s ? strlen(s) : 0);
}

__attribute__((format(printf, 4, 5)))
static void cellf(struct table *t, size_t col, enum style st, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	cell_n(t, col, st, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* "PATH:LINE": the path made display-safe, the suffix is ours. */
static void cell_loc(struct table *t, size_t col, const char *path, const char *suffix)
{
	size_t pw;
	char *safe = sanitize(&t->arena, path, strlen(path), &pw);
	size_t n = strlen(safe) + strlen(suffix) + 1;
	char *txt = arena_alloc(&t->arena, n);
	snprintf(txt, n, "%s%s", safe, suffix);
	struct cell *c = &t->cells[(t->nrows - 1) * t->ncols + col];
	c->text = txt;
	c->width = pw + strlen(suffix);
	c->style = ST_NONE;
	if (c->width > t->width[col])
		t->width[col] = c->width;
}

static void cell_count(struct table *t, size_t col, uint64_t v)
{
	char buf[32];
	cell(t, col, ST_NONE, fmt_count(v, buf));
}

/* Adds a line under the last row: "  <label><s><suffix>", where only s
 * comes from the input (and is made display-safe). */
static void row_after(struct table *t, const char *label, const char *s, const char *suffix)
{
	char *safe = sanitize(&t->arena, s ? s : "", s ? strlen(s) : 0, NULL);
	const char *prev = t->after[t->nrows - 1];
	size_t n = (prev ? strlen(prev) : 0) + 2 + strlen(label) + strlen(safe) +
		   strlen(suffix) + 2;
	char *line = arena_alloc(&t->arena, n);
	snprintf(line, n, "%s  %s%s%s\n", prev ? prev : "", label, safe, suffix);
	t->after[t->nrows - 1] = line;
}

static void print_row(struct tw *w, const struct table *t, const struct cell *row,
		      const size_t *width)
{
	size_t last = 0;
	int first = 1;
	for (size_t c = 0; c < t->ncols; c++)
		if (!t->hidden[c] && row[c].text && row[c].text[0])
			last = c;
	for (size_t c = 0; c <= last; c++) {
		if (t->hidden[c])
			continue;
		const char *txt = row[c].text ? row[c].text : "";
		size_t pad = width[c] - row[c].width;
		if (!first)
			fputs("  ", w->out);
		first = 0;
		if (t->cols[c].right)
			spaces(w->out, pad);
		put_styled(w, row[c].style, txt);
		if (!t->cols[c].right && c < last)
			spaces(w->out, pad);
	}
	fputc('\n', w->out);
}

static void table_print_head(struct tw *w, const struct table *t)
{
	struct cell head[TABLE_MAX_COLS];

	for (size_t c = 0; c < t->ncols; c++) {
		head[c].text = t->cols[c].head;
		head[c].width = strlen(t->cols[c].head);
		head[c].style = ST_NONE;
	}
	print_row(w, t, head, t->width);
}

static void table_print_rows(struct tw *w, const struct table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		print_row(w, t, t->cells + r * t->ncols, t->width);
		if (t->after[r])
			fputs(t->after[r], w->out);
	}
}

static void table_print(struct tw *w, const struct table *t)
{
	table_print_head(w, t);
	table_print_rows(w, t);
}

/* ---- small formatters --------------------------------------------------- */

static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const weekday_abbr[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void heading(struct tw *w, enum style st, const char *title, const char *note)
{
	fputc('\n', w->out);
	put_styled(w, st, title);
	if (note && note[0]) {
		fputs("  ", w->out);
		fputs(note, w->out);
	}
	fputc('\n', w->out);
}

static const char *share(uint64_t part, uint64_t total, char *buf, size_t len)
{
	if (total == 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	double v = 100.0 * (double)part / (double)total;
	/* Rounding must not make a small share look like none, or a near-total
	 * one like all. */
	if (part > 0 && v < 0.05)
		snprintf(buf, len, "<0.1%%");
	else if (part < total && v >= 99.95)
		snprintf(buf, len, ">99.9%%");
	else
		snprintf(buf, len, "%.1f%%", v);
	return buf;
}

static const char *bar(uint64_t v, uint64_t max, char *buf)
{
	size_t n = 0;
	if (max > 0 && v > 0) {
		n = (size_t)((double)v / (double)max * BAR_WIDTH + 0.5);
		if (n == 0)
			n = 1;
		if (n > BAR_WIDTH)
			n = BAR_WIDTH;
	}
	memset(buf, '#', n);
	buf[n] = '\0';
	return buf;
}

/* "2022-05-29 08:53:55" in the report zone, or "-" when not known. */
static const char *local_full(struct tw *w, int64_t ns, char *buf)
{
	if (ns == 0) {
		snprintf(buf, 48, "-");
		return buf;
	}
	return time_format_local(w->tz, ns, buf);
}

/* The Day column: "May 15" ("May  5", as syslog writes it), or the full
 * date when the report spans more than one year. */
static const char *day_text(struct tw *w, const struct report_tm *t, char *buf, size_t len)
{
	if (w->multi_year)
		snprintf(buf, len, "%04" PRId64 "-%02u-%02u", t->year, t->mon, t->day);
	else
		snprintf(buf, len, "%s %2u", month_abbr[(t->mon - 1) % 12], t->day);
	return buf;
}

static const char *proto_text(uint8_t proto, char *buf, size_t len)
{
	const char *name = event_proto_name(proto);
	if (name)
		return name;
	snprintf(buf, len, "proto-%u", proto);
	return buf;
}

static const char *action_text(unsigned a)
{
	const char *name = a < EVENT_ACTION_COUNT ? event_action_name((enum event_action)a) : NULL;
	return name ? name : "unknown";
}

static const char *duration_text(int64_t ns, char *buf, size_t len)
{
	int64_t s = ns > 0 ? ns / NS_PER_SEC : 0;
	int64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;
	if (d)
		snprintf(buf, len, "%" PRId64 " d %" PRId64 " h", d, h);
	else if (h)
		snprintf(buf, len, "%" PRId64 " h %" PRId64 " min", h, m);
	else if (m)
		snprintf(buf, len, "%" PRId64 " min %" PRId64 " s", m, s % 60);
	else
		snprintf(buf, len, "%" PRId64 " s", s);
	return buf;
}

static size_t cap_rows(size_t n, size_t limit)
{
	return limit && limit < n ? limit : n;
}

/* ---- sections ----------------------------------------------------------- */

static void section_headline(struct tw *w)
{
	const struct report *r = w->r;
	const struct summary *s = w->s;
	char a[32], b[32], c[32], d[48], e[48], f[48];
	uint64_t lines = 0;

	for (size_t i = 0; i < r->n_files; i++)
		lines += r->files[i].lines;
	fprintf(w->out, "clscan %s - %s %s, %s %s, %s %s (%s)\n", r->version ? r->version : "?",
		fmt_count(r->n_files, a), plural(r->n_files, "file", "files"),
		fmt_count(lines, b), plural(lines, "line", "lines"), fmt_count(s->events, c),
		plural(s->events, "event", "events"), r->zone ? r->zone : timeconv_zone_name());
	if (s->events == 0)
		return;

	if (s->first_ns == 0 && s->last_ns == 0)
		fprintf(w->out, "%-11sunknown (no event carried a time)\n", "Period");
	else
		fprintf(w->out, "%-11s%s .. %s  (%s)\n", "Period", local_full(w, s->first_ns, d),
			local_full(w, s->last_ns, e),
			duration_text(s->last_ns - s->first_ns, f, sizeof(f)));

	fprintf(w->out, "%-11s%s", "Events", fmt_count(s->events, a));
	for (int i = 0; i < EVENT_ACTION_COUNT; i++)
		if (s->by_action[i])
			fprintf(w->out, "   %s %s", action_text((unsigned)i),
				fmt_count(s->by_action[i], a));
	if (s->records && s->records != s->events)
		fprintf(w->out, "   (in %s log %s)", fmt_count(s->records, a),
			plural(s->records, "record", "records"));
	fputc('\n', w->out);

	fprintf(w->out, "%-11s%s    Targets %s    Services %s\n", "Sources",
		fmt_count(s->n_sources, a), fmt_count(s->n_targets, b), fmt_count(s->n_ports, c));

	fprintf(w->out, "%-11s", "Findings");
	if (r->findings) {
		const struct detect_findings *df = r->findings;
		size_t scans = df->n - df->n_allowlisted;
		fprintf(w->out, "%s scan %s", fmt_count(scans, a), plural(scans, "finding", "findings"));
		if (df->n_inside)
			fprintf(w->out, " (%s from inside)", fmt_count(df->n_inside, a));
		if (df->n_allowlisted)
			fprintf(w->out, ", %s allowlisted", fmt_count(df->n_allowlisted, a));
		fputs(", ", w->out);
	}
	fprintf(w->out, "%s ", fmt_count(s->n_alerts, a));
	put_styled(w, ST_ALERT, "ALERT");
	fprintf(w->out, " %s, %s ", plural(s->n_alerts, "group", "groups"),
		fmt_count(s->n_warnings, b));
	put_styled(w, ST_WARN, "WARNING");
	fprintf(w->out, " %s\n", plural(s->n_warnings, "group", "groups"));
}

/* ---- scan findings ------------------------------------------------------ */

static enum style severity_style(unsigned sev)
{
	return sev >= 4 ? ST_ALERT : sev == 3 ? ST_WARN : ST_NONE;
}

/* "Mar 11 20:35:11" (with the year when the report spans years). */
static const char *start_text(struct tw *w, int64_t ns, char *buf, size_t len)
{
	struct report_tm t;
	char day[32];
	if (!ns) {
		snprintf(buf, len, "-");
		return buf;
	}
	report_tm_of(w->tz, ns, &t);
	snprintf(buf, len, "%s %02u:%02u:%02u", day_text(w, &t, day, sizeof(day)), t.hour, t.min,
		 t.sec);
	return buf;
}

/* The file:line of a finding's first event. */
static void evidence_after(struct tw *w, struct table *t, uint32_t unit, uint64_t line)
{
	const struct report *r = w->r;
	char loc[32];
	uint64_t fl = line;
	const char *path = r->origin ? r->origin(r->origin_arg, unit, line, &fl) : NULL;
	snprintf(loc, sizeof(loc), ":%" PRIu64, fl);
	row_after(t, "evidence: ", path ? path : "?", loc);
}

static void finding_row(struct tw *w, struct table *t, const struct finding *f, int show_allow)
{
	char buf[96], abuf[ADDR_STRLEN], ports[48];
	table_row(t);
	cellf(t, 0, severity_style(f->severity), "%u", f->severity);
	if (f->n_members > 1) /* a distributed scan: its first member and the rest */
		cellf(t, 1, ST_NONE, "%s +%" PRIu64, addr_format(&f->src, abuf), f->n_members - 1);
	else
		cell(t, 1, ST_NONE, addr_format(&f->src, abuf));
	const char *tech = "";
	if ((f->type != FINDING_PROTO_SCAN && f->type != FINDING_PING_SWEEP &&
	     f->technique != TECH_IP_PROTO && f->technique != TECH_OTHER) ||
	    f->technique == TECH_ARP)
		tech = detect_technique_title((enum finding_technique)f->technique);
	int grp = f->type == FINDING_DISTRIBUTED;
	cellf(t, 2, ST_NONE, "%s%s%s%s%s%s%s%s%s", f->period_s ? "periodic " : "",
	      f->slow ? "slow " : "", detect_type_title((enum finding_type)f->type),
	      grp ? " (" : "", grp ? detect_type_name((enum finding_type)f->group_shape) : "",
	      grp ? ")" : "", tech[0] ? ", " : "", tech, f->inside ? ", inside" : "");
	if (f->n_targets == 1)
		cell(t, 3, ST_NONE, addr_is_zero(&f->target_lo) ? "-" : addr_format(&f->target_lo, abuf));
	else
		cellf(t, 3, ST_NONE, "%s hosts", fmt_count(f->n_targets, buf));
	report_port_ranges(f->ports, f->n_ports, ports, sizeof(ports));
	cell(t, 4, ST_NONE, f->technique == TECH_ARP ? "-" : ports); /* ARP: no ports */
	cell(t, 5, ST_NONE, start_text(w, f->start_ns, buf, sizeof(buf)));
	cell(t, 6, ST_NONE, f->start_ns ? duration_text(f->end_ns - f->start_ns, buf, sizeof(buf)) : "-");
	cell_count(t, 7, f->events);
	cell(t, 8, ST_NONE, f->tool ? f->tool : "");
	if (show_allow && f->allow) {
		snprintf(buf, sizeof(buf), " (%s)", f->allow->label);
		row_after(t, "allowlisted: ", f->allow->reason, buf);
	}
	row_after(t, "why: ", detect_why(w->r->findings, f), "");
	evidence_after(w, t, f->first_unit, f->first_line);
}

static void findings_block(struct tw *w, int with_background)
{
	static const struct tcol cols[] = {
		{"Sev", 1},    {"Source", 0}, {"Finding", 0}, {"Targets", 0}, {"Ports", 0},
		{"Start", 0},  {"Duration", 0}, {"Events", 1}, {"Tool", 0},
	};
	const struct detect_findings *df = w->r->findings;
	size_t scans = df->n - df->n_allowlisted;
	size_t shown = cap_rows(scans, w->r->list_limit);
	char a[32], b[32], c[32];
	struct table t;

	if (scans == 0) {
		fputs("  no scan findings\n", w->out);
	} else {
		table_init(&t, cols, ARRAY_LEN(cols));
		for (size_t i = 0; i < shown; i++)
			finding_row(w, &t, &df->items[i], 0);
		table_print(w, &t);
		table_fini(&t);
		if (shown < scans)
			fprintf(w->out, "  (%s more %s: use --list-limit 0 or -o json)\n",
				fmt_count(scans - shown, a), plural(scans - shown, "finding", "findings"));
	}
	if (df->n_allowlisted) {
		fprintf(w->out, "  allowlisted (labelled, not counted as findings):\n");
		table_init(&t, cols, ARRAY_LEN(cols));
		size_t nal = cap_rows(df->n_allowlisted, w->r->list_limit);
		for (size_t i = 0; i < nal; i++)
			finding_row(w, &t, &df->items[scans + i], 1);
		table_print(w, &t);
		table_fini(&t);
	}
	if (!with_background || df->background_sources == 0)
		return;
	fprintf(w->out, "  background: %s %s with no finding (%s events), by service:",
		fmt_count(df->background_sources, a), plural(df->background_sources, "source", "sources"),
		fmt_count(df->background_events, b));
	for (size_t i = 0; i < df->n_background && i < 8; i++) {
		const struct background_row *row = &df->background[i];
		char pbuf[16];
		fprintf(w->out, "%s %u/%s %s", i ? "," : "", row->port,
			proto_text(row->proto, pbuf, sizeof(pbuf)), fmt_count(row->sources, a));
	}
	if (df->n_background > 8)
		fputs(", ...", w->out);
	fputc('\n', w->out);
	if (df->n_background_countries) {
		fputs("    by country (sources):", w->out);
		for (size_t i = 0; i < df->n_background_countries && i < 10; i++)
			fprintf(w->out, "%s %s %s", i ? "," : "", df->background_countries[i].cc,
				fmt_count(df->background_countries[i].sources, a));
		if (df->n_background_countries > 10)
			fputs(", ...", w->out);
		fputc('\n', w->out);
	}
	if (df->background_zmap || df->background_masscan || df->background_mirai)
		fprintf(w->out, "    of them with a tool's fingerprint: zmap %s, masscan %s, Mirai %s\n",
			fmt_count(df->background_zmap, a), fmt_count(df->background_masscan, b),
			fmt_count(df->background_mirai, c));
}

/* Row i of an ALERT/WARNING list. */
static void group_row(struct tw *w, struct table *t, const struct summary_group *g, size_t i,
		      enum style st)
{
	const struct summary_group *p = &g[i];
	char buf[96], pbuf[16], abuf[ADDR_STRLEN];
	struct report_tm first = {0}, last = {0};

	table_row(t);
	if (p->first_ns) {
		report_tm_of(w->tz, p->first_ns, &first);
		cell(t, 0, ST_NONE, day_text(w, &first, buf, sizeof(buf)));
		cellf(t, 1, ST_NONE, "%02u:%02u:%02u", first.hour, first.min, first.sec);
	} else {
		cell(t, 0, ST_NONE, "-");
		cell(t, 1, ST_NONE, "-");
	}
	const char *proto = proto_text(p->proto, pbuf, sizeof(pbuf));
	if (p->svc && p->svc->name && p->svc->name[0])
		cellf(t, 2, st, "%s %u/%s", p->svc->name, p->port, proto);
	else
		cellf(t, 2, st, "%u/%s", p->port, proto);
	cell(t, 3, ST_NONE, addr_is_zero(&p->dst) ? "-" : addr_format(&p->dst, abuf));
	/* The From column only when the source changes, as the original did:
	 * a scan then reads as one block under its source. */
	if (i == 0 || addr_cmp(&p->src, &g[i - 1].src) != 0)
		cell(t, 4, ST_NONE, addr_is_zero(&p->src) ? "-" : addr_format(&p->src, abuf));
	if (p->events <= 1)
		return;
	char cnt[32], until[64];
	fmt_count(p->events, cnt);
	if (p->first_ns == 0 || p->last_ns == p->first_ns) {
		cellf(t, 5, ST_NONE, "x%s", cnt);
		return;
	}
	report_tm_of(w->tz, p->last_ns, &last);
	if (last.daynum == first.daynum)
		snprintf(until, sizeof(until), "%02u:%02u:%02u", last.hour, last.min, last.sec);
	else
		snprintf(until, sizeof(until), "%s %02u:%02u", day_text(w, &last, buf, sizeof(buf)),
			 last.hour, last.min);
	cellf(t, 5, ST_NONE, "x%s until %s", cnt, until);
}

static void section_groups(struct tw *w, int alert, const struct summary_group *g, size_t n)
{
	static const struct tcol cols[] = {
		{"Day", 0}, {"Time", 0}, {"Service", 0}, {"Host", 0}, {"From", 0}, {"Events", 0},
	};
	const char *word = alert ? "ALERT" : "WARNING";
	enum style st = alert ? ST_ALERT : ST_WARN;
	char title[32], note[96];
	struct table t;

	snprintf(title, sizeof(title), "%s LIST", word);
	if (alert && w->r->findings)
		snprintf(note, sizeof(note),
			 "(scan findings first; then each probe of a service marked ALERT)");
	else
		snprintf(note, sizeof(note), "(a service marked %s in the catalog was probed)", word);
	heading(w, st, title, note);
	if (alert && w->r->findings)
		findings_block(w, 1);
	if (n == 0) {
		fputs("  none\n", w->out);
		return;
	}

	size_t shown = cap_rows(n, w->r->list_limit);
	table_init(&t, cols, ARRAY_LEN(cols));
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			table_print_head(w, &t);
		for (size_t i = 0; i < shown; i++) {
			group_row(w, &t, g, i, st);
			if (t.nrows == GROUP_BLOCK) {
				if (pass == 1)
					table_print_rows(w, &t);
				table_discard(&t);
			}
		}
		if (pass == 1)
			table_print_rows(w, &t);
		table_discard(&t);
	}
	table_fini(&t);
	if (shown < n) {
		char more[32];
		fprintf(w->out, "  (%s more %s: use --list-limit 0 or -o json)\n",
			fmt_count(n - shown, more), plural(n - shown, "row", "rows"));
	}
	fprintf(w->out, "  evidence (file:line of each row's first event): -o json, .%s[].evidence\n",
		alert ? "alerts" : "warnings");
}

static void section_services(struct tw *w)
{
	static const struct tcol cols[] = {
		{"Port", 1},	{"Proto", 0},	{"Service", 0},	  {"Class", 0},	 {"Events", 1},
		{"Share", 1},	{"Sources", 1}, {"Targets", 1}, {"Note", 0},
	};
	const struct summary *s = w->s;
	char note[128], a[32];
	struct table t;

	size_t shown = cap_rows(s->n_ports_rows, w->r->top_n);
	if (shown < s->n_ports_rows)
		snprintf(note, sizeof(note), "(top %zu of %s ports by events; --top 0 or -o json for all)",
			 shown, fmt_count(s->n_ports_rows, a));
	else
		snprintf(note, sizeof(note), "(%s %s by events)", fmt_count(s->n_ports_rows, a),
			 plural(s->n_ports_rows, "port", "ports"));
	heading(w, ST_BOLD, "SERVICES", note);
	table_init(&t, cols, ARRAY_LEN(cols));
	for (size_t i = 0; i < shown; i++) {
		const struct summary_port *p = &s->ports[i];
		char pbuf[16], sh[16];
		table_row(&t);
		cellf(&t, 0, ST_NONE, "%u", p->port);
		cell(&t, 1, ST_NONE, proto_text(p->proto, pbuf, sizeof(pbuf)));
		if (p->svc) {
			cell(&t, 2, ST_NONE, p->svc->name);
			if (p->svc->cls == SERVICE_ALERT)
				cell(&t, 3, ST_ALERT, "ALERT");
			else if (p->svc->cls == SERVICE_WARNING)
				cell(&t, 3, ST_WARN, "WARNING");
			cell(&t, 8, ST_NONE, p->svc->note);
		}
		cell_count(&t, 4, p->events);
		cell(&t, 5, ST_NONE, share(p->events, s->events, sh, sizeof(sh)));
		cell_count(&t, 6, p->sources);
		cell_count(&t, 7, p->targets);
	}
	table_print(w, &t);
	table_fini(&t);
}

static void section_mix(struct tw *w)
{
	static const struct tcol acols[] = {{"Action", 0}, {"Events", 1}, {"Share", 1}};
	static const struct tcol pcols[] = {{"Proto", 0}, {"Events", 1}, {"Share", 1}};
	static const struct tcol xcols[] = {
		{"Prefix", 0}, {"Action", 0}, {"Events", 1}, {"Share", 1}};
	const struct summary *s = w->s;
	char sh[16], pbuf[16], note[96], a[32];
	struct table t;

	heading(w, ST_BOLD, "ACTIONS", NULL);
	table_init(&t, acols, ARRAY_LEN(acols));
	for (unsigned i = 0; i < EVENT_ACTION_COUNT; i++) {
		if (!s->by_action[i])
			continue;
		table_row(&t);
		cell(&t, 0, ST_NONE, action_text(i));
		cell_count(&t, 1, s->by_action[i]);
		cell(&t, 2, ST_NONE, share(s->by_action[i], s->events, sh, sizeof(sh)));
	}
	table_print(w, &t);
	table_fini(&t);

	heading(w, ST_BOLD, "PROTOCOLS", NULL);
	table_init(&t, pcols, ARRAY_LEN(pcols));
	for (unsigned p = 0; p < 256; p++) {
		if (!s->by_proto[p])
			continue;
		table_row(&t);
		cell(&t, 0, ST_NONE, proto_text((uint8_t)p, pbuf, sizeof(pbuf)));
		cell_count(&t, 1, s->by_proto[p]);
		cell(&t, 2, ST_NONE, share(s->by_proto[p], s->events, sh, sizeof(sh)));
	}
	table_print(w, &t);
	table_fini(&t);

	if (s->n_prefixes == 0)
		return;
	size_t shown = cap_rows(s->n_prefixes, w->r->top_n);
	if (shown < s->n_prefixes)
		snprintf(note, sizeof(note), "(top %zu of %s; --top 0 or -o json for all)", shown,
			 fmt_count(s->n_prefixes, a));
	else
		note[0] = '\0';
	heading(w, ST_BOLD, "RULE PREFIXES", note);
	table_init(&t, xcols, ARRAY_LEN(xcols));
	for (size_t i = 0; i < shown; i++) {
		const struct summary_prefix *p = &s->prefixes[i];
		table_row(&t);
		cell(&t, 0, ST_NONE, p->text && p->text[0] ? p->text : "(none)");
		cell(&t, 1, ST_NONE, action_text(p->action));
		cell_count(&t, 2, p->events);
		cell(&t, 3, ST_NONE, share(p->events, s->events, sh, sizeof(sh)));
	}
	table_print(w, &t);
	table_fini(&t);
}

/* "192.0.2.1" or, with --resolve, "192.0.2.1 (host.example.net)". */
static const char *source_label(const struct rdns *rd, const struct ip_addr *a, char *buf,
				size_t len)
{
	char abuf[ADDR_STRLEN];
	const char *name = rdns_name(rd, a);
	if (name)
		snprintf(buf, len, "%s (%s)", addr_format(a, abuf), name);
	else
		snprintf(buf, len, "%s", addr_format(a, abuf));
	return buf;
}

static void section_hosts(struct tw *w)
{
	char lbuf[ADDR_STRLEN + 260];
	static const struct tcol scols[] = {
		{"Source", 0},	   {"Events", 1}, {"First seen", 0},
		{"Last seen", 0}, {"Ports", 1},	 {"Targets", 1},
	};
	static const struct tcol tcols[] = {
		{"Target", 0},	  {"Events", 1},	  {"Sources", 1},
		{"Ports", 1},	  {"First seen", 0}, {"Last seen", 0},
	};
	const struct summary *s = w->s;
	char note[96], a[32], b[48], abuf[ADDR_STRLEN];
	struct table t;

	size_t shown = cap_rows(s->n_sources_rows, w->r->top_n);
	snprintf(note, sizeof(note), "(%zu of %s by events)", shown, fmt_count(s->n_sources, a));
	heading(w, ST_BOLD, "TOP SOURCES", note);
	table_init(&t, scols, ARRAY_LEN(scols));
	for (size_t i = 0; i < shown; i++) {
		const struct summary_source *p = &s->sources[i];
		table_row(&t);
		cell(&t, 0, ST_NONE, source_label(w->r->rdns, &p->addr, lbuf, sizeof(lbuf)));
		cell_count(&t, 1, p->events);
		cell(&t, 2, ST_NONE, local_full(w, p->first_ns, b));
		cell(&t, 3, ST_NONE, local_full(w, p->last_ns, b));
		cell_count(&t, 4, p->ports);
		cell_count(&t, 5, p->targets);
	}
	table_print(w, &t);
	table_fini(&t);

	shown = cap_rows(s->n_targets_rows, w->r->top_n);
	snprintf(note, sizeof(note), "(%zu of %s by events)", shown, fmt_count(s->n_targets, a));
	heading(w, ST_BOLD, "TOP TARGETS", note);
	table_init(&t, tcols, ARRAY_LEN(tcols));
	for (size_t i = 0; i < shown; i++) {
		const struct summary_target *p = &s->targets[i];
		table_row(&t);
		cell(&t, 0, ST_NONE, addr_format(&p->addr, abuf));
		cell_count(&t, 1, p->events);
		cell_count(&t, 2, p->sources);
		cell_count(&t, 3, p->ports);
		cell(&t, 4, ST_NONE, local_full(w, p->first_ns, b));
		cell(&t, 5, ST_NONE, local_full(w, p->last_ns, b));
	}
	table_print(w, &t);
	table_fini(&t);
}

static uint64_t max_of(const uint64_t *v, size_t n)
{
	uint64_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

static void section_calendar(struct tw *w)
{
	static const struct tcol mcols[] = {{"Month", 0}, {"Events", 1}, {"", 0}};
	static const struct tcol dcols[] = {{"Day", 0}, {"Events", 1}, {"", 0}};
	static const struct tcol hcols[] = {{"Hour", 0}, {"Events", 1}, {"", 0}};
	static const struct tcol wcols[] = {{"Weekday", 0}, {"Events", 1}, {"", 0}};
	const struct summary *s = w->s;
	char bbuf[BAR_WIDTH + 1];
	struct table t;
	uint64_t max;

	if (s->n_months) {
		max = 0;
		for (size_t i = 0; i < s->n_months; i++)
			if (s->months[i].events > max)
				max = s->months[i].events;
		heading(w, ST_BOLD, "PER MONTH", NULL);
		table_init(&t, mcols, ARRAY_LEN(mcols));
		for (size_t i = 0; i < s->n_months; i++) {
			int64_t k = s->months[i].key;
			table_row(&t);
			cellf(&t, 0, ST_NONE, "%04" PRId64 "-%02" PRId64, k / 100, k % 100);
			cell_count(&t, 1, s->months[i].events);
			cell(&t, 2, ST_NONE, bar(s->months[i].events, max, bbuf));
		}
		table_print(w, &t);
		table_fini(&t);
	}

	if (s->n_days) {
		max = 0;
		for (size_t i = 0; i < s->n_days; i++)
			if (s->days[i].events > max)
				max = s->days[i].events;
		heading(w, ST_BOLD, "PER DAY", NULL);
		table_init(&t, dcols, ARRAY_LEN(dcols));
		for (size_t i = 0; i < s->n_days; i++) {
			int64_t k = s->days[i].key;
			int64_t y = k / 10000;
			unsigned m = (unsigned)(k / 100 % 100), d = (unsigned)(k % 100);
			table_row(&t);
			if (k > 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
				int64_t dn = days_from_civil(y, m, d);
				cellf(&t, 0, ST_NONE, "%04" PRId64 "-%02u-%02u %s", y, m, d,
				      weekday_abbr[(dn % 7 + 7 + 3) % 7]);
			} else {
				cellf(&t, 0, ST_NONE, "%" PRId64, k);
			}
			cell_count(&t, 1, s->days[i].events);
			cell(&t, 2, ST_NONE, bar(s->days[i].events, max, bbuf));
		}
		table_print(w, &t);
		table_fini(&t);
	}

	heading(w, ST_BOLD, "HOUR OF DAY", NULL);
	max = max_of(s->hours, 24);
	table_init(&t, hcols, ARRAY_LEN(hcols));
	for (int h = 0; h < 24; h++) {
		table_row(&t);
		cellf(&t, 0, ST_NONE, "%02d", h);
		cell_count(&t, 1, s->hours[h]);
		cell(&t, 2, ST_NONE, bar(s->hours[h], max, bbuf));
	}
	table_print(w, &t);
	table_fini(&t);

	heading(w, ST_BOLD, "WEEKDAY", NULL);
	max = max_of(s->weekdays, 7);
	table_init(&t, wcols, ARRAY_LEN(wcols));
	for (int d = 0; d < 7; d++) {
		table_row(&t);
		cell(&t, 0, ST_NONE, weekday_abbr[d]);
		cell_count(&t, 1, s->weekdays[d]);
		cell(&t, 2, ST_NONE, bar(s->weekdays[d], max, bbuf));
	}
	table_print(w, &t);
	table_fini(&t);
}

static void section_files(struct tw *w)
{
	enum { C_FILE, C_FORMAT, C_LINES, C_EVENTS, C_FILTERED, C_OTHER, C_UNKNOWN, C_MALFORMED,
	       C_OVERLONG, C_N };
	static const struct tcol cols[] = {
		[C_FILE] = {"File", 0},	      [C_FORMAT] = {"Format", 0},
		[C_LINES] = {"Lines", 1},     [C_EVENTS] = {"Events", 1},
		[C_FILTERED] = {"Filtered", 1}, [C_OTHER] = {"Other", 1},
		[C_UNKNOWN] = {"Unknown", 1}, [C_MALFORMED] = {"Malformed", 1},
		[C_OVERLONG] = {"Overlong", 1},
	};
	const struct report *r = w->r;
	struct report_file tot;
	struct table t;
	char loc[64];

	if (r->n_files == 0)
		return;
	memset(&tot, 0, sizeof(tot));
	heading(w, ST_BOLD, "INPUT FILES", NULL);
	table_init(&t, cols, C_N);
	for (size_t i = 0; i <= r->n_files; i++) {
		const struct report_file *f = i < r->n_files ? &r->files[i] : &tot;
		if (i == r->n_files && r->n_files < 2)
			break;
		table_row(&t);
		if (f == &tot) {
			cell(&t, C_FILE, ST_NONE, "total");
		} else {
			cell(&t, C_FILE, ST_NONE, f->path ? f->path : "-");
			cell(&t, C_FORMAT, ST_NONE, f->format ? f->format : "-");
			tot.lines += f->lines;
			tot.events += f->events;
			tot.filtered += f->filtered;
			tot.other += f->other;
			tot.unknown += f->unknown;
			tot.malformed += f->malformed;
			tot.overlong += f->overlong;
		}
		cell_count(&t, C_LINES, f->lines);
		cell_count(&t, C_EVENTS, f->events);
		cell_count(&t, C_FILTERED, f->filtered);
		cell_count(&t, C_OTHER, f->other);
		cell_count(&t, C_UNKNOWN, f->unknown);
		cell_count(&t, C_MALFORMED, f->malformed);
		cell_count(&t, C_OVERLONG, f->overlong);
		if (f == &tot)
			continue;
		if (f->error)
			row_after(&t, "error: ", f->error, "");
		if (f->first_unknown_line) {
			snprintf(loc, sizeof(loc), ":%" PRIu64, f->first_unknown_line);
			row_after(&t, "lines in no known format: first at ", f->path, loc);
		}
		if (f->first_overlong_line) {
			snprintf(loc, sizeof(loc), ":%" PRIu64, f->first_overlong_line);
			row_after(&t, "overlong lines (skipped whole): first at ", f->path, loc);
		}
	}
	/* Filtering is optional: its column only when something was filtered. */
	t.hidden[C_FILTERED] = tot.filtered == 0;
	table_print(w, &t);
	table_fini(&t);
}

static void section_problems(struct tw *w)
{
	static const struct tcol cols[] = {{"Reason", 0}, {"Lines", 1}, {"First at", 0}};
	const struct report *r = w->r;
	struct table t;
	char loc[32];

	if (r->n_problems == 0)
		return;
	heading(w, ST_BOLD, "MALFORMED LINES", "(recognised lines with a bad field; not counted)");
	table_init(&t, cols, ARRAY_LEN(cols));
	for (size_t i = 0; i < r->n_problems; i++) {
		const struct report_problem *p = &r->problems[i];
		table_row(&t);
		cell(&t, 0, ST_NONE, p->reason ? p->reason : "-");
		cell_count(&t, 1, p->count);
		if (p->path) {
			snprintf(loc, sizeof(loc), ":%" PRIu64, p->line);
			cell_loc(&t, 2, p->path, loc);
		}
		if (p->example)
			row_after(&t, "> ", p->example, "");
	}
	table_print(w, &t);
	table_fini(&t);
}

static void section_limits(struct tw *w)
{
	const struct summary *s = w->s;
	char a[32], b[32];

	const struct detect_findings *df = w->r->findings;
	int det_limits = df && (df->sources_evicted || df->sources_truncated || df->contacts_refused);
	if (!(s->sources_dropped || s->targets_dropped || s->pairs_dropped || s->groups_dropped ||
	      det_limits))
		return;
	heading(w, ST_BOLD, "LIMITS", "(memory caps were reached: some detail was not kept)");
	if (df && df->sources_evicted)
		fprintf(w->out,
			"  %s sources (%s events) were evicted from scan detection to make room:\n"
			"    scans among them may be missed (raise --max-scan-sources)\n",
			fmt_count(df->sources_evicted, a), fmt_count(df->events_evicted, b));
	if (df && df->sources_truncated)
		fprintf(w->out,
			"  %s sources had more first contacts than kept (--max-contacts, or\n"
			"    --max-contacts-total refused %s): their findings' counts are lower bounds\n",
			fmt_count(df->sources_truncated, a), fmt_count(df->contacts_refused, b));
	if (s->sources_dropped)
		fprintf(w->out,
			"  %s events came from sources over the source cap: they are in the totals\n"
			"    but not in TOP SOURCES or the source counts (raise --max-sources)\n",
			fmt_count(s->sources_dropped, a));
	if (s->targets_dropped)
		fprintf(w->out,
			"  %s events went to targets over the target cap: they are in the totals\n"
			"    but not in TOP TARGETS or the target counts (raise --max-targets)\n",
			fmt_count(s->targets_dropped, a));
	if (s->pairs_dropped)
		fprintf(w->out,
			"  %s pairs were not kept: the distinct counts (sources, targets, ports\n"
			"    per row) are lower bounds (raise --max-pairs)\n",
			fmt_count(s->pairs_dropped, a));
	if (s->groups_dropped)
		fprintf(w->out,
			"  %s events belong to ALERT/WARNING groups that could not be kept: the\n"
			"    lists are incomplete (raise --max-groups)\n",
			fmt_count(s->groups_dropped, a));
}

int report_text_findings(FILE *out, const struct report *r)
{
	static const struct summary empty;
	struct tw w;

	memset(&w, 0, sizeof(w));
	w.out = out;
	w.r = r;
	w.s = r->sum ? r->sum : &empty;
	w.tz = r->tz ? r->tz : &w.tz_local;
	heading(&w, ST_BOLD, "FINDINGS", NULL);
	if (r->findings)
		findings_block(&w, 0);
	else
		fputs("  detection was off\n", out);
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}

int report_text(FILE *out, const struct report *r)
{
	static const struct summary empty;
	struct tw w;

	memset(&w, 0, sizeof(w));
	w.out = out;
	w.r = r;
	w.s = r->sum ? r->sum : &empty;
	w.tz = r->tz ? r->tz : &w.tz_local;
	if (w.s->first_ns || w.s->last_ns) {
		struct report_tm a, b;
		report_tm_of(w.tz, w.s->first_ns, &a);
		report_tm_of(w.tz, w.s->last_ns, &b);
		w.multi_year = a.year != b.year;
	}

	section_headline(&w);
	if (w.s->events == 0) {
		fputs("\nno events", out);
		if (r->n_files == 0)
			fputs(" (no input)", out);
		fputc('\n', out);
	} else {
		section_groups(&w, 1, w.s->alerts, w.s->n_alerts);
		report_text_web_alerts(out, r);
		section_groups(&w, 0, w.s->warnings, w.s->n_warnings);
		report_text_web(out, r);
		section_services(&w);
		section_mix(&w);
		section_hosts(&w);
		section_calendar(&w);
		report_text_tables(out, r);
	}
	section_files(&w);
	section_problems(&w);
	section_limits(&w);
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}
