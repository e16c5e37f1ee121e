/* The JSON report's "web" member: probing sources with the signatures
 * they hit, totals per signature and class, and the caps' counts
 * (docs/json-schema.md, "web"). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report/text_web.h"

struct wj {
	struct report_buf *rb;
	const struct report *r;
	struct tz_cache *tz;
};

static void key(struct wj *w, const char *k)
{
	report_buf_putc(w->rb, '"');
	report_buf_puts(w->rb, k);
	report_buf_put(w->rb, "\":", 2);
}

static void kv_u64(struct wj *w, const char *k, uint64_t v)
{
	key(w, k);
	report_buf_u64(w->rb, v);
}

static void kv_str(struct wj *w, const char *k, const char *v)
{
	key(w, k);
	report_json_cstr(w->rb, v);
}

static void kv_bool(struct wj *w, const char *k, int v)
{
	key(w, k);
	report_buf_puts(w->rb, v ? "true" : "false");
}

static void c(struct wj *w)
{
	report_buf_putc(w->rb, ',');
}

static void kv_time(struct wj *w, const char *k, int64_t ns)
{
	char buf[64], lk[32];
	key(w, k);
	if (ns)
		report_json_cstr(w->rb, time_format_rfc3339_utc(ns, buf));
	else
		report_buf_puts(w->rb, "null");
	c(w);
	snprintf(lk, sizeof(lk), "%s_local", k);
	key(w, lk);
	if (ns)
		report_json_cstr(w->rb, report_format_local_rfc3339(w->tz, ns, buf));
	else
		report_buf_puts(w->rb, "null");
}

static void kv_origin(struct wj *w, const char *k, uint32_t unit, uint64_t line)
{
	uint64_t fl = 0;
	const char *path = w->r->origin ? w->r->origin(w->r->origin_arg, unit, line, &fl) : NULL;
	key(w, k);
	report_buf_puts(w->rb, "{");
	kv_str(w, "file", path);
	c(w);
	kv_u64(w, "line", fl);
	report_buf_puts(w->rb, "}");
}

static void answered(struct wj *w, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	key(w, "answered");
	report_buf_puts(w->rb, "{");
	kv_u64(w, "2xx", a2);
	c(w);
	kv_u64(w, "3xx", a3);
	c(w);
	kv_u64(w, "4xx", a4);
	c(w);
	kv_u64(w, "5xx", a5);
	report_buf_puts(w->rb, "}");
}

static const char *level(unsigned sev)
{
	return sev >= 4 ? "ALERT" : sev == 3 ? "WARNING" : "INFO";
}

/* A source is an ALERT only when a probe was answered 2xx (web.h); a
 * refused probe of an ALERT-grade signature is a WARNING. */
static const char *source_level(const struct web_source *s)
{
	return s->alert ? "ALERT" : level(s->max_severity >= 3 ? 3 : s->max_severity);
}

static void sig_fields(struct wj *w, const struct web_signature *g)
{
	kv_str(w, "signature", g->name);
	c(w);
	kv_str(w, "class", web_class_name(g->cls));
	c(w);
	kv_u64(w, "severity", g->severity);
	c(w);
	kv_str(w, "field", web_field_name(g->field));
	c(w);
	kv_str(w, "reference", g->reference);
}

static void write_hit(struct wj *w, const struct web_hit *h)
{
	report_buf_puts(w->rb, "{");
	sig_fields(w, h->sig);
	c(w);
	kv_u64(w, "count", h->count);
	c(w);
	answered(w, h->answered_2xx, h->answered_3xx, h->answered_4xx, h->answered_5xx);
	c(w);
	kv_time(w, "first", h->first_ns);
	c(w);
	kv_time(w, "last", h->last_ns);
	c(w);
	kv_str(w, "example", h->example);
	c(w);
	kv_u64(w, "example_status", h->example_status);
	c(w);
	kv_origin(w, "evidence", h->first_unit, h->first_line);
	report_buf_puts(w->rb, "}");
}

static void str_list(struct wj *w, const char *k, char *const *v, size_t n)
{
	key(w, k);
	report_buf_puts(w->rb, "[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			c(w);
		report_json_cstr(w->rb, v[i]);
	}
	report_buf_puts(w->rb, "]");
}

static void write_source(struct wj *w, const struct web_source *s)
{
	char a[ADDR_STRLEN];
	report_buf_puts(w->rb, "{");
	kv_str(w, "source", s->client ? NULL : addr_format(&s->addr, a));
	c(w);
	kv_str(w, "client", s->client);
	c(w);
	kv_str(w, "level", source_level(s));
	c(w);
	kv_bool(w, "alert", s->alert);
	c(w);
	kv_u64(w, "max_severity", s->max_severity);
	c(w);
	kv_u64(w, "requests", s->requests);
	c(w);
	kv_u64(w, "probes", s->probes);
	c(w);
	kv_u64(w, "alert_requests", s->alert_requests);
	c(w);
	answered(w, s->answered_2xx, s->answered_3xx, s->answered_4xx, s->answered_5xx);
	c(w);
	kv_bool(w, "burst", s->burst);
	c(w);
	kv_time(w, "first", s->first_ns);
	c(w);
	kv_time(w, "last", s->last_ns);
	c(w);
	kv_origin(w, "first_request", s->first_unit, s->first_line);
	c(w);
	key(w, "hits");
	report_buf_puts(w->rb, "[");
	for (size_t i = 0; i < s->n_hits; i++) {
		if (i)
			c(w);
		write_hit(w, &s->hits[i]);
	}
	report_buf_puts(w->rb, "]");
	c(w);
	kv_u64(w, "hits_dropped", s->hits_dropped);
	c(w);
	str_list(w, "agents", s->agents, s->n_agents);
	c(w);
	kv_u64(w, "agents_dropped", s->agents_dropped);
	c(w);
	str_list(w, "vhosts", s->vhosts, s->n_vhosts);
	c(w);
	kv_u64(w, "vhosts_dropped", s->vhosts_dropped);
	report_buf_puts(w->rb, "}");
}

static void write_totals(struct wj *w, const struct web_findings *f)
{
	report_buf_puts(w->rb, ",\n    ");
	key(w, "by_signature");
	report_buf_puts(w->rb, "[");
	for (size_t i = 0; i < f->n_sigs; i++) {
		const struct web_sig_total *t = &f->sigs[i];
		report_buf_puts(w->rb, i ? ",\n      {" : "\n      {");
		sig_fields(w, t->sig);
		c(w);
		kv_u64(w, "requests", t->requests);
		c(w);
		kv_u64(w, "sources", t->sources);
		c(w);
		kv_u64(w, "answered_2xx", t->answered_2xx);
		report_buf_puts(w->rb, "}");
	}
	report_buf_puts(w->rb, "]");
	report_buf_puts(w->rb, ",\n    ");
	key(w, "by_class");
	report_buf_puts(w->rb, "[");
	for (size_t i = 0; i < f->n_classes; i++) {
		if (i)
			c(w);
		report_buf_puts(w->rb, "{");
		kv_str(w, "class", web_class_name(f->classes[i].cls));
		c(w);
		kv_u64(w, "requests", f->classes[i].requests);
		c(w);
		kv_u64(w, "sources", f->classes[i].sources);
		report_buf_puts(w->rb, "}");
	}
	report_buf_puts(w->rb, "]");
}

static void write_limits(struct wj *w, const struct web_findings *f)
{
	report_buf_puts(w->rb, ",\n    ");
	key(w, "limits");
	report_buf_puts(w->rb, "{");
	kv_u64(w, "max_sources", f->cfg.max_sources);
	c(w);
	kv_u64(w, "max_hits_per_source", f->cfg.max_hits_per_source);
	c(w);
	kv_u64(w, "requests_dropped", f->requests_dropped);
	c(w);
	kv_u64(w, "probes_dropped", f->probes_dropped);
	c(w);
	kv_u64(w, "hits_dropped", f->hits_dropped);
	c(w);
	kv_u64(w, "decode_truncated", f->decode_truncated);
	report_buf_puts(w->rb, "}");
}

void report_json_web(struct report_buf *rb, const struct report *r)
{
	const struct web_findings *f = r->web;
	if (!f)
		return;
	struct tz_cache tz_local = {0};
	struct wj w = {rb, r, r->tz ? r->tz : &tz_local};
	report_buf_puts(rb, ",\n  ");
	key(&w, "web");
	report_buf_puts(rb, "{\n    ");
	kv_u64(&w, "signatures", f->n_signatures);
	c(&w);
	kv_u64(&w, "requests", f->requests);
	c(&w);
	kv_u64(&w, "probe_requests", f->probe_requests);
	c(&w);
	kv_u64(&w, "sources_seen", f->sources_seen);
	c(&w);
	kv_u64(&w, "probing_sources", f->n_sources);
	c(&w);
	kv_u64(&w, "alert_sources", f->n_alert);
	size_t n = f->n_sources;
	if (r->list_limit && r->list_limit < n)
		n = r->list_limit;
	c(&w);
	kv_u64(&w, "sources_listed", n);
	report_buf_puts(rb, ",\n    ");
	key(&w, "sources");
	report_buf_puts(rb, "[");
	for (size_t i = 0; i < n; i++) {
		report_buf_puts(rb, i ? ",\n      " : "\n      ");
		write_source(&w, &f->sources[i]);
	}
	report_buf_puts(rb, "]");
	write_totals(&w, f);
	write_limits(&w, f);
	report_buf_puts(rb, "\n  }");
}
