/* The "tables" member of the JSON report: stats/geo_tables.h as JSON
 * (docs/json-schema.md). Unknown countries are null. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report/json_tables.h"
#include "report/report_util.h"

static void jkey(struct report_buf *rb, const char *k)
{
	report_json_cstr(rb, k);
	report_buf_putc(rb, ':');
}

static void ju64(struct report_buf *rb, const char *k, uint64_t v)
{
	jkey(rb, k);
	report_buf_u64(rb, v);
}

static void jstr(struct report_buf *rb, const char *k, const char *v)
{
	jkey(rb, k);
	if (v)
		report_json_cstr(rb, v);
	else
		report_buf_puts(rb, "null");
}

static void jdouble(struct report_buf *rb, const char *k, double v)
{
	char buf[40];
	snprintf(buf, sizeof(buf), "%.6g", v);
	jkey(rb, k);
	report_buf_puts(rb, buf);
}

static void jcc(struct report_buf *rb, const char *k, const char *cc)
{
	jstr(rb, k, strcmp(cc, TABLES_CC_UNKNOWN) == 0 ? NULL : cc);
}

static void jproto_port(struct report_buf *rb, uint8_t proto, uint16_t port)
{
	char num[8];
	const char *name = event_proto_name(proto);
	if (!name) {
		snprintf(num, sizeof(num), "%u", proto);
		name = num;
	}
	jstr(rb, "proto", name);
	report_buf_putc(rb, ',');
	ju64(rb, "port", port);
}

static void jservice(struct report_buf *rb, const struct service *svc)
{
	report_buf_putc(rb, ',');
	jstr(rb, "service", svc ? svc->name : NULL);
}

static void jday(struct report_buf *rb, const char *k, int64_t ymd)
{
	char buf[64];
	if (!ymd) {
		jstr(rb, k, NULL);
		return;
	}
	snprintf(buf, sizeof(buf), "%04" PRId64 "-%02" PRId64 "-%02" PRId64, ymd / 10000,
		 ymd / 100 % 100, ymd % 100);
	jstr(rb, k, buf);
}

static void open_list(struct report_buf *rb, const char *k)
{
	report_buf_puts(rb, ",\n    ");
	jkey(rb, k);
	report_buf_putc(rb, '[');
}

static void item(struct report_buf *rb, size_t i)
{
	report_buf_puts(rb, i ? ",\n      {" : "\n      {");
}

static void close_list(struct report_buf *rb, size_t n)
{
	report_buf_puts(rb, n ? "\n    ]" : "]");
}

static void port_counts(struct report_buf *rb, const char *k, const struct tables_port_count *pc,
			size_t n, const char *count_name)
{
	jkey(rb, k);
	report_buf_putc(rb, '[');
	for (size_t i = 0; i < n; i++) {
		report_buf_puts(rb, i ? ",{" : "{");
		jproto_port(rb, pc[i].proto, pc[i].port);
		report_buf_putc(rb, ',');
		ju64(rb, count_name, pc[i].count);
		report_buf_putc(rb, '}');
	}
	report_buf_putc(rb, ']');
}

static void write_countries(struct report_buf *rb, const struct summary_tables *t)
{
	open_list(rb, "countries");
	for (size_t i = 0; i < t->n_countries; i++) {
		const struct tables_country *c = &t->countries[i];
		item(rb, i);
		jcc(rb, "country", c->cc); report_buf_putc(rb, ',');
		ju64(rb, "events", c->events); report_buf_putc(rb, ',');
		ju64(rb, "sources", c->sources); report_buf_putc(rb, ',');
		jdouble(rb, "share", c->share); report_buf_putc(rb, ',');
		port_counts(rb, "top_ports", c->top, c->n_top, "sources");
		report_buf_putc(rb, '}');
	}
	close_list(rb, t->n_countries);
}

static void write_ports(struct report_buf *rb, const struct report *r,
			const struct summary_tables *t)
{
	/* services has every port; this table its first --top rows. */
	size_t n = r->top_n && r->top_n < t->n_ports ? r->top_n : t->n_ports;
	open_list(rb, "ports");
	for (size_t i = 0; i < n; i++) {
		const struct tables_port *p = &t->ports[i];
		item(rb, i);
		jproto_port(rb, p->proto, p->port);
		jservice(rb, p->svc); report_buf_putc(rb, ',');
		jstr(rb, "note", p->svc && p->svc->note[0] ? p->svc->note : NULL);
		report_buf_putc(rb, ',');
		ju64(rb, "events", p->events); report_buf_putc(rb, ',');
		ju64(rb, "countries_total", p->countries_total); report_buf_putc(rb, ',');
		jkey(rb, "countries");
		report_buf_putc(rb, '[');
		for (size_t k = 0; k < p->n_countries; k++) {
			report_buf_puts(rb, k ? ",{" : "{");
			jcc(rb, "country", p->countries[k].cc); report_buf_putc(rb, ',');
			ju64(rb, "sources", p->countries[k].sources);
			report_buf_putc(rb, '}');
		}
		report_buf_puts(rb, "]}");
	}
	close_list(rb, n);
}

static void write_targets(struct report_buf *rb, const struct summary_tables *t)
{
	char buf[ADDR_STRLEN];
	open_list(rb, "targets");
	for (size_t i = 0; i < t->n_targets; i++) {
		const struct tables_target *x = &t->targets[i];
		item(rb, i);
		jstr(rb, "addr", addr_format(&x->addr, buf)); report_buf_putc(rb, ',');
		ju64(rb, "events", x->events); report_buf_putc(rb, ',');
		ju64(rb, "ports_total", x->ports_total); report_buf_putc(rb, ',');
		port_counts(rb, "ports", x->ports, x->n_ports, "events");
		report_buf_putc(rb, '}');
	}
	close_list(rb, t->n_targets);
}

static void write_series(struct report_buf *rb, const struct summary_tables *t)
{
	char buf[48];
	report_buf_puts(rb, ",\n    ");
	jkey(rb, "months");
	report_buf_putc(rb, '[');
	for (size_t i = 0; i < t->n_months; i++) {
		snprintf(buf, sizeof(buf), "%04" PRId64 "-%02" PRId64, t->months[i] / 100,
			 t->months[i] % 100);
		if (i)
			report_buf_putc(rb, ',');
		report_json_cstr(rb, buf);
	}
	report_buf_putc(rb, ']');
	open_list(rb, "service_months");
	for (size_t i = 0; i < t->n_series; i++) {
		const struct tables_series *se = &t->series[i];
		item(rb, i);
		jproto_port(rb, se->proto, se->port);
		jservice(rb, se->svc); report_buf_putc(rb, ',');
		ju64(rb, "events", se->events); report_buf_putc(rb, ',');
		jkey(rb, "per_month");
		report_buf_putc(rb, '[');
		for (size_t m = 0; m < t->n_months; m++) {
			if (m)
				report_buf_putc(rb, ',');
			report_buf_u64(rb, se->per_month[m]);
		}
		report_buf_puts(rb, "],");
		jkey(rb, "markers");
		report_buf_putc(rb, '[');
		for (size_t m = 0; m < se->n_markers; m++) {
			report_buf_puts(rb, m ? ",{" : "{");
			jday(rb, "day", se->markers[m].day); report_buf_putc(rb, ',');
			jstr(rb, "label", se->markers[m].label);
			report_buf_putc(rb, '}');
		}
		report_buf_puts(rb, "]}");
	}
	close_list(rb, t->n_series);
}

static void write_trend(struct report_buf *rb, const struct summary_tables *t)
{
	report_buf_puts(rb, ",\n    ");
	jday(rb, "trend_day", t->trend_day);
	open_list(rb, "trend");
	for (size_t i = 0; i < t->n_trend; i++) {
		const struct tables_trend *x = &t->trend[i];
		item(rb, i);
		jproto_port(rb, x->proto, x->port);
		jservice(rb, x->svc); report_buf_putc(rb, ',');
		ju64(rb, "last_day", x->last); report_buf_putc(rb, ',');
		jdouble(rb, "baseline", x->baseline); report_buf_putc(rb, ',');
		jdouble(rb, "score", x->score); report_buf_putc(rb, ',');
		jkey(rb, "new");
		report_buf_puts(rb, x->is_new ? "true}" : "false}");
	}
	close_list(rb, t->n_trend);
}

static void write_sources(struct report_buf *rb, const struct report *r,
			  const struct summary_tables *t)
{
	char buf[ADDR_STRLEN];
	open_list(rb, "sources");
	for (size_t i = 0; i < t->n_sources && r->sum && i < r->sum->n_sources_rows; i++) {
		const struct tables_source *x = &t->sources[i];
		item(rb, i);
		jstr(rb, "addr", addr_format(&r->sum->sources[i].addr, buf)); report_buf_putc(rb, ',');
		jcc(rb, "country", x->cc); report_buf_putc(rb, ',');
		jkey(rb, "asn");
		if (x->asn)
			report_buf_u64(rb, x->asn);
		else
			report_buf_puts(rb, "null");
		report_buf_putc(rb, ',');
		jstr(rb, "org", x->org); report_buf_putc(rb, ',');
		jstr(rb, "label", tables_label_name(x->label)); report_buf_putc(rb, ',');
		ju64(rb, "findings", x->findings);
		report_buf_putc(rb, '}');
	}
	close_list(rb, t->n_sources);
}

static void write_sensors(struct report_buf *rb, const struct report *r,
			  const struct summary_tables *t)
{
	char buf[48];
	open_list(rb, "sensors");
	for (size_t i = 0; i < t->n_sensors; i++) {
		const struct tables_sensor *s = &t->sensors[i];
		int64_t start = s->first_line_ns ? s->first_line_ns : s->first_event_ns;
		item(rb, i);
		jstr(rb, "file", s->name); report_buf_putc(rb, ',');
		ju64(rb, "files", s->files); report_buf_putc(rb, ',');
		jstr(rb, "first_line", report_format_local_rfc3339(r->tz, start, buf));
		report_buf_putc(rb, ',');
		jstr(rb, "first_event", report_format_local_rfc3339(r->tz, s->first_event_ns, buf));
		report_buf_putc(rb, ',');
		ju64(rb, "found_after_s", (uint64_t)((s->first_event_ns - start) / 1000000000));
		report_buf_putc(rb, '}');
	}
	close_list(rb, t->n_sensors);
}

void report_json_tables(struct report_buf *rb, const struct report *r)
{
	const struct summary_tables *t = r->tables;
	if (!t)
		return;
	report_buf_puts(rb, ",\n  ");
	jkey(rb, "tables");
	report_buf_puts(rb, "{\n    ");
	jstr(rb, "country_source", t->country_source);
	report_buf_puts(rb, ",\n    ");
	jstr(rb, "asn_source", t->asn_source);
	write_countries(rb, t);
	write_ports(rb, r, t);
	write_targets(rb, t);
	write_series(rb, t);
	write_trend(rb, t);
	write_sources(rb, r, t);
	write_sensors(rb, r, t);
	report_buf_puts(rb, ",\n    ");
	ju64(rb, "target_ports_dropped", t->target_ports_dropped);
	report_buf_puts(rb, ",\n    ");
	ju64(rb, "day_ports_dropped", t->day_ports_dropped);
	report_buf_puts(rb, "\n  }");
}
