/* The text sections of the second-level tables (stats/geo_tables.h):
 * countries with their top ports (the Beholder layout), port -> what ->
 * countries, per-host port tables, services per month with advisory
 * markers, the port trend, and top talkers with country and ASN. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "report/json_tables.h"

#define TEXT_TARGET_PORTS 10 /* per host in text; JSON has TABLES_TARGET_PORTS */

static const char *proto_text(uint8_t proto, char *buf, size_t len)
{
	const char *n = event_proto_name(proto);
	if (n)
		return n;
	snprintf(buf, len, "%u", proto);
	return buf;
}

/* "443/tcp" */
static const char *port_text(uint8_t proto, uint16_t port, char *buf, size_t len)
{
	char p[8];
	snprintf(buf, len, "%u/%s", port, proto_text(proto, p, sizeof(p)));
	return buf;
}

static void heading(FILE *out, const char *title, const char *note)
{
	fprintf(out, "\n%s%s%s\n", title, note ? "  " : "", note ? note : "");
}

/* Text from a database (an organisation's name): controls as \xNN, so
 * a hostile or broken file cannot drive the terminal. */
static void put_data_text(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
}

static size_t rows(size_t n, size_t top)
{
	return top && top < n ? top : n;
}

static void section_countries(FILE *out, const struct report *r, const struct summary_tables *t)
{
	char a[32], b[32], pbuf[24];
	if (!t->have_country)
		return;
	size_t n = rows(t->n_countries, r->top_n);
	char note[96];
	snprintf(note, sizeof(note), "(%zu of %zu; top ports by sources)", n, t->n_countries);
	heading(out, "COUNTRIES", note);
	fprintf(out, "%-7s %12s %6s %9s  %s\n", "Country", "Events", "Share", "Sources", "Top ports");
	for (size_t i = 0; i < n; i++) {
		const struct tables_country *c = &t->countries[i];
		fprintf(out, "%-7s %12s %5.1f%% %9s ", c->cc, fmt_count(c->events, a), c->share * 100.0,
			fmt_count(c->sources, b));
		for (size_t k = 0; k < c->n_top; k++)
			fprintf(out, " %s (%s)", port_text(c->top[k].proto, c->top[k].port, pbuf, sizeof(pbuf)),
				fmt_count(c->top[k].count, a));
		fputc('\n', out);
	}
}

static void section_port_countries(FILE *out, const struct report *r,
				   const struct summary_tables *t)
{
	char a[32], pbuf[24];
	if (!t->have_country)
		return;
	size_t n = rows(t->n_ports, r->top_n);
	heading(out, "PORTS -> WHAT -> COUNTRIES", "(by events; countries by sources)");
	for (size_t i = 0; i < n; i++) {
		const struct tables_port *p = &t->ports[i];
		fprintf(out, "%-11s %12s  %-14s", port_text(p->proto, p->port, pbuf, sizeof(pbuf)),
			fmt_count(p->events, a), p->svc ? p->svc->name : "-");
		for (size_t k = 0; k < p->n_countries; k++)
			fprintf(out, " %s(%s)", p->countries[k].cc, fmt_count(p->countries[k].sources, a));
		if (p->countries_total > p->n_countries)
			fprintf(out, " +%" PRIu64, p->countries_total - p->n_countries);
		fputc('\n', out);
		if (p->svc && p->svc->note[0])
			fprintf(out, "%-11s %12s  %s\n", "", "", p->svc->note);
	}
}

static void section_targets(FILE *out, const struct report *r, const struct summary_tables *t)
{
	char a[32], abuf[ADDR_STRLEN], pbuf[24];
	size_t n = rows(t->n_targets, r->top_n);
	if (n == 0)
		return;
	heading(out, "PORTS PER TARGET", "(each host's ports by events)");
	for (size_t i = 0; i < n; i++) {
		const struct tables_target *x = &t->targets[i];
		fprintf(out, "%s  %s events, %" PRIu64 " ports\n", addr_format(&x->addr, abuf),
			fmt_count(x->events, a), x->ports_total);
		size_t shown = x->n_ports < TEXT_TARGET_PORTS ? x->n_ports : TEXT_TARGET_PORTS;
		for (size_t k = 0; k < shown; k++)
			fprintf(out, "  %-11s %12s\n",
				port_text(x->ports[k].proto, x->ports[k].port, pbuf, sizeof(pbuf)),
				fmt_count(x->ports[k].count, a));
		if (x->ports_total > shown)
			fprintf(out, "  (%" PRIu64 " more)\n", x->ports_total - shown);
	}
}

static void section_series(FILE *out, const struct summary_tables *t)
{
	char a[32], pbuf[24];
	if (t->n_series == 0 || t->n_months < 2)
		return;
	heading(out, "SERVICES PER MONTH", "(* = an advisory from the catalog that month)");
	fprintf(out, "%-8s", "Month");
	for (size_t s = 0; s < t->n_series; s++)
		fprintf(out, " %11s",
			port_text(t->series[s].proto, t->series[s].port, pbuf, sizeof(pbuf)));
	fputc('\n', out);
	for (size_t m = 0; m < t->n_months; m++) {
		fprintf(out, "%04" PRId64 "-%02" PRId64 " ", t->months[m] / 100, t->months[m] % 100);
		for (size_t s = 0; s < t->n_series; s++) {
			const struct tables_series *se = &t->series[s];
			int mark = 0;
			for (size_t k = 0; k < se->n_markers; k++)
				mark |= se->markers[k].day / 100 == t->months[m];
			fprintf(out, " %10s%c", fmt_count(se->per_month[m], a), mark ? '*' : ' ');
		}
		fputc('\n', out);
	}
	for (size_t s = 0; s < t->n_series; s++)
		for (size_t k = 0; k < t->series[s].n_markers; k++) {
			int64_t d = t->series[s].markers[k].day;
			fprintf(out, "  %s: %s %04" PRId64 "-%02" PRId64 "-%02" PRId64 "\n",
				port_text(t->series[s].proto, t->series[s].port, pbuf, sizeof(pbuf)),
				t->series[s].markers[k].label, d / 10000, d / 100 % 100, d % 100);
		}
}

static void section_trend(FILE *out, const struct summary_tables *t)
{
	char a[32], pbuf[24], note[96];
	if (t->n_trend == 0)
		return;
	int64_t d = t->trend_day;
	snprintf(note, sizeof(note),
		 "(%04" PRId64 "-%02" PRId64 "-%02" PRId64 " vs the %d days before; "
		 "score = (day + 1) / (baseline + 1))",
		 d / 10000, d / 100 % 100, d % 100, TABLES_TREND_DAYS);
	heading(out, "PORT TREND", note);
	fprintf(out, "%-11s %-14s %10s %10s %8s\n", "Port", "Service", "Day", "Baseline", "Score");
	for (size_t i = 0; i < t->n_trend; i++) {
		const struct tables_trend *x = &t->trend[i];
		fprintf(out, "%-11s %-14s %10s %10.1f %8.1f%s\n",
			port_text(x->proto, x->port, pbuf, sizeof(pbuf)), x->svc ? x->svc->name : "-",
			fmt_count(x->last, a), x->baseline, x->score, x->is_new ? "  NEW" : "");
	}
}

static void section_sources(FILE *out, const struct report *r, const struct summary_tables *t)
{
	char abuf[ADDR_STRLEN];
	if (!t->have_country && !t->have_asn)
		return;
	size_t n = rows(t->n_sources, r->top_n);
	heading(out, "TOP SOURCES: WHERE FROM", "(label: burst or slow scan finding)");
	fprintf(out, "%-39s %-7s %-10s %-6s %8s  %s\n", "Source", "Country", "ASN", "Label",
		"Findings", "Organisation");
	for (size_t i = 0; i < n && r->sum && i < r->sum->n_sources_rows; i++) {
		const struct tables_source *x = &t->sources[i];
		const char *label = tables_label_name(x->label);
		char asn[16];
		if (x->asn)
			snprintf(asn, sizeof(asn), "AS%" PRIu32, x->asn);
		else
			snprintf(asn, sizeof(asn), "-");
		fprintf(out, "%-39s %-7s %-10s %-6s %8" PRIu32 "  ",
			addr_format(&r->sum->sources[i].addr, abuf), x->cc, asn, label ? label : "-",
			x->findings);
		put_data_text(out, x->org ? x->org : "-");
		fputc('\n', out);
	}
}

/* "3 h 12 min", "2 d 4 h", "45 s" */
static const char *span_text(int64_t ns, char *buf, size_t len)
{
	int64_t s = ns / 1000000000;
	if (s < 60)
		snprintf(buf, len, "%" PRId64 " s", s);
	else if (s < 3600)
		snprintf(buf, len, "%" PRId64 " min %" PRId64 " s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%" PRId64 " h %" PRId64 " min", s / 3600, s / 60 % 60);
	else
		snprintf(buf, len, "%" PRId64 " d %" PRId64 " h", s / 86400, s / 3600 % 24);
	return buf;
}

static const char *local_time(const struct report *r, int64_t ns, char *buf, size_t len)
{
	struct report_tm tm;
	report_tm_of(r->tz, ns, &tm);
	snprintf(buf, len, "%04" PRId64 "-%02u-%02u %02u:%02u:%02u", tm.year, tm.mon, tm.day,
		 tm.hour, tm.min, tm.sec);
	return buf;
}

static void section_sensors(FILE *out, const struct report *r, const struct summary_tables *t)
{
	char a[32], b[32], c[48];
	int found_later = 0;
	for (size_t i = 0; i < t->n_sensors; i++)
		found_later |= t->sensors[i].first_line_ns &&
			       t->sensors[i].first_line_ns < t->sensors[i].first_event_ns;
	if (!found_later)
		return; /* every file starts with an event: nothing to tell */
	heading(out, "FOUND AFTER", "(per log, rotated files as one: its first line with a time, its first event)");
	for (size_t i = 0; i < t->n_sensors; i++) {
		const struct tables_sensor *s = &t->sensors[i];
		int64_t start = s->first_line_ns ? s->first_line_ns : s->first_event_ns;
		fprintf(out, "%s: first line %s, first contact %s: found after %s\n", s->name,
			local_time(r, start, a, sizeof(a)), local_time(r, s->first_event_ns, b, sizeof(b)),
			span_text(s->first_event_ns - start, c, sizeof(c)));
	}
}

void report_text_tables(FILE *out, const struct report *r)
{
	const struct summary_tables *t = r->tables;
	if (!t || !r->sum || r->sum->events == 0)
		return;
	section_countries(out, r, t);
	section_port_countries(out, r, t);
	section_sources(out, r, t);
	section_targets(out, r, t);
	section_series(out, t);
	section_trend(out, t);
	section_sensors(out, r, t);
	if (t->country_source || t->asn_source)
		fprintf(out, "\ngeo data: %s%s%s\n", t->country_source ? t->country_source : "",
			t->country_source && t->asn_source ? "; " : "",
			t->asn_source ? t->asn_source : "");
}
