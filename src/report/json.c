/* The JSON report (-o json): one RFC 8259 document holding the whole
 * summary, schema "clscan-report/1" as described in docs/json-schema.md.
 * Also the string escaper the JSONL writer shares. */
#include "report/report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "core/timeconv.h"
#include "core/util.h"
#include "enrich/catalog.h"
#include "enrich/rdns.h"
#include "report/report_util.h"
#include "report/json_tables.h"
#include "report/text_web.h"

static const char hex_digits[] = "0123456789abcdef";

static void put_u00(struct report_buf *rb, unsigned char c)
{
	char e[6] = {'\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 15]};
	report_buf_put(rb, e, sizeof(e));
}

/* RFC 8259 section 7, plus choices documented in docs/json-schema.md:
 * DEL and the C1 controls are escaped too (so a document printed on a
 * terminal cannot drive it), U+2028/U+2029 are escaped (so the text is
 * also valid JavaScript), and a byte that is not part of well-formed UTF-8
 * is written as \u00XX with XX its value, i.e. read as Latin-1: nothing is
 * lost and the output is always valid UTF-8. */
void report_json_string(struct report_buf *rb, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	if (!s) {
		report_buf_put(rb, "null", 4);
		return;
	}
	report_buf_putc(rb, '"');
	while (i < len) {
		size_t run = i;
		while (run < len && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' &&
		       p[run] != '\\')
			run++;
		if (run > i) {
			report_buf_put(rb, s + i, run - i);
			i = run;
			if (i == len)
				break;
		}
		unsigned char c = p[i];
		if (c < 0x80) {
			const char *e = NULL;
			switch (c) {
			case '"': e = "\\\""; break;
			case '\\': e = "\\\\"; break;
			case '\n': e = "\\n"; break;
			case '\r': e = "\\r"; break;
			case '\t': e = "\\t"; break;
			case '\b': e = "\\b"; break;
			case '\f': e = "\\f"; break;
			default: break;
			}
			if (e)
				report_buf_put(rb, e, 2);
			else
				put_u00(rb, c);
			i++;
			continue;
		}
		size_t n = report_utf8_len(p + i, len - i);
		if (n == 0) {
			put_u00(rb, c);
			i++;
		} else if (n == 2 && c == 0xC2 && p[i + 1] < 0xA0) {
			put_u00(rb, p[i + 1]); /* C1 control U+0080..U+009F */
			i += 2;
		} else if (n == 3 && c == 0xE2 && p[i + 1] == 0x80 &&
			   (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
			report_buf_put(rb, p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
			i += 3;
		} else {
			report_buf_put(rb, s + i, n);
			i += n;
		}
	}
	report_buf_putc(rb, '"');
}

void report_json_cstr(struct report_buf *rb, const char *s)
{
	report_json_string(rb, s, s ? strlen(s) : 0);
}

/* "2022-05-29T08:53:55.5+02:00": the instant in the report zone with its
 * offset, so it stays unambiguous (RFC 3339 section 5.6). buf >= 48. */
const char *report_format_local_rfc3339(struct tz_cache *tz, int64_t ns, char *buf)
{
	struct report_tm t;
	char frac[12] = "";

	report_tm_of(tz, ns, &t);
	if (t.nsec) {
		/* milli-, micro- or nanoseconds, whichever is exact, as in the
		 * UTC form */
		uint32_t v = t.nsec;
		int digits = 9;
		while (digits > 3 && v % 1000 == 0) {
			v /= 1000;
			digits -= 3;
		}
		snprintf(frac, sizeof(frac), ".%0*" PRIu32, digits, v);
	}
	int64_t off = t.offset < 0 ? -t.offset : t.offset;
	snprintf(buf, 48, "%04" PRId64 "-%02u-%02uT%02u:%02u:%02u%s%c%02u:%02u", t.year, t.mon,
		 t.day, t.hour, t.min, t.sec, frac, t.offset < 0 ? '-' : '+',
		 (unsigned)(off / 3600 % 100), (unsigned)(off / 60 % 60));
	return buf;
}

/* ---- the document ------------------------------------------------------ */

struct jw {
	struct report_buf rb;
	const struct report *r;
	struct tz_cache tz_local; /* used when the caller gave none */
	struct tz_cache *tz;
};

static void key(struct jw *w, const char *k)
{
	report_buf_putc(&w->rb, '"');
	report_buf_puts(&w->rb, k);
	report_buf_put(&w->rb, "\":", 2);
}

static void kv_u64(struct jw *w, const char *k, uint64_t v)
{
	key(w, k);
	report_buf_u64(&w->rb, v);
}

static void kv_str(struct jw *w, const char *k, const char *v)
{
	key(w, k);
	report_json_cstr(&w->rb, v);
}

static void comma(struct jw *w)
{
	report_buf_putc(&w->rb, ',');
}

/* Time fields "<k>" (UTC) and "<k>_local"; 0 means "not known". */
static void kv_time(struct jw *w, const char *k, int64_t ns)
{
	char buf[64];
	char lk[32];

	key(w, k);
	if (ns == 0)
		report_buf_put(&w->rb, "null", 4);
	else
		report_json_cstr(&w->rb, time_format_rfc3339_utc(ns, buf));
	comma(w);
	snprintf(lk, sizeof(lk), "%s_local", k);
	key(w, lk);
	if (ns == 0)
		report_buf_put(&w->rb, "null", 4);
	else
		report_json_cstr(&w->rb, report_format_local_rfc3339(w->tz, ns, buf));
}

static void kv_addr(struct jw *w, const char *k, const struct ip_addr *a)
{
	char buf[ADDR_STRLEN];
	kv_str(w, k, addr_format(a, buf));
}

static void kv_proto(struct jw *w, uint8_t proto)
{
	char num[8];
	const char *name = event_proto_name(proto);
	if (!name) {
		snprintf(num, sizeof(num), "%u", proto);
		name = num;
	}
	kv_str(w, "proto", name);
}

/* Opens a top-level member: "  \"name\":" on its own line. */
static void member(struct jw *w, const char *k, int first)
{
	report_buf_puts(&w->rb, first ? "\n  " : ",\n  ");
	key(w, k);
}

static void elem_start(struct jw *w, size_t i)
{
	report_buf_puts(&w->rb, i ? ",\n    {" : "\n    {");
}

static void array_end(struct jw *w, size_t n)
{
	report_buf_puts(&w->rb, n ? "\n  ]" : "]");
}

static void actions_object(struct jw *w, const uint64_t *by_action)
{
	report_buf_putc(&w->rb, '{');
	for (int a = 0; a < EVENT_ACTION_COUNT; a++) {
		const char *name = event_action_name((enum event_action)a);
		if (a)
			comma(w);
		key(w, name ? name : "unknown");
		report_buf_u64(&w->rb, by_action[a]);
	}
	report_buf_putc(&w->rb, '}');
}

static void write_totals(struct jw *w, const struct summary *s)
{
	const struct report *r = w->r;
	uint64_t lines = 0;
	for (size_t i = 0; i < r->n_files; i++)
		lines += r->files[i].lines;

	member(w, "totals", 0);
	report_buf_putc(&w->rb, '{');
	kv_u64(w, "files", r->n_files); comma(w);
	kv_u64(w, "lines", lines); comma(w);
	kv_u64(w, "records", s->records); comma(w);
	kv_u64(w, "events", s->events); comma(w);
	kv_u64(w, "sources", s->n_sources); comma(w);
	kv_u64(w, "targets", s->n_targets); comma(w);
	kv_u64(w, "ports", s->n_ports); comma(w);
	kv_u64(w, "alert_groups", s->n_alerts); comma(w);
	kv_u64(w, "warning_groups", s->n_warnings);
	if (r->findings) {
		comma(w);
		kv_u64(w, "scan_findings", r->findings->n - r->findings->n_allowlisted);
	}
	report_buf_putc(&w->rb, '}');

	member(w, "period", 0);
	if (s->first_ns == 0 && s->last_ns == 0) {
		report_buf_put(&w->rb, "null", 4);
	} else {
		report_buf_putc(&w->rb, '{');
		kv_time(w, "first", s->first_ns); comma(w);
		kv_time(w, "last", s->last_ns); comma(w);
		int64_t d = s->last_ns - s->first_ns;
		kv_u64(w, "seconds", d > 0 ? (uint64_t)(d / NS_PER_SEC) : 0);
		report_buf_putc(&w->rb, '}');
	}

	member(w, "actions", 0);
	actions_object(w, s->by_action);

	member(w, "protocols", 0);
	report_buf_putc(&w->rb, '[');
	size_t n = 0;
	for (unsigned p = 0; p < 256; p++) {
		if (!s->by_proto[p])
			continue;
		elem_start(w, n++);
		kv_u64(w, "number", p); comma(w);
		kv_proto(w, (uint8_t)p); comma(w);
		kv_u64(w, "events", s->by_proto[p]);
		report_buf_putc(&w->rb, '}');
	}
	array_end(w, n);
}

static void write_services(struct jw *w, const struct summary *s)
{
	member(w, "services", 0);
	report_buf_putc(&w->rb, '[');
	for (size_t i = 0; i < s->n_ports_rows; i++) {
		const struct summary_port *p = &s->ports[i];
		elem_start(w, i);
		kv_proto(w, p->proto); comma(w);
		kv_u64(w, "port", p->port); comma(w);
		kv_str(w, "service", p->svc ? p->svc->name : NULL); comma(w);
		kv_str(w, "class", p->svc ? service_class_name((enum service_class)p->svc->cls)
					  : NULL);
		comma(w);
		kv_str(w, "note", p->svc && p->svc->note && p->svc->note[0] ? p->svc->note : NULL);
		comma(w);
		kv_u64(w, "events", p->events); comma(w);
		kv_u64(w, "sources", p->sources); comma(w);
		kv_u64(w, "targets", p->targets);
		report_buf_putc(&w->rb, '}');
	}
	array_end(w, s->n_ports_rows);
}

static void write_hosts(struct jw *w, const struct summary *s, const struct rdns *rd)
{
	member(w, "sources", 0);
	report_buf_putc(&w->rb, '[');
	for (size_t i = 0; i < s->n_sources_rows; i++) {
		const struct summary_source *p = &s->sources[i];
		elem_start(w, i);
		kv_addr(w, "addr", &p->addr); comma(w);
		if (rdns_name(rd, &p->addr)) {
			kv_str(w, "name", rdns_name(rd, &p->addr)); comma(w);
		}
		kv_u64(w, "events", p->events); comma(w);
		kv_time(w, "first", p->first_ns); comma(w);
		kv_time(w, "last", p->last_ns); comma(w);
		kv_u64(w, "ports", p->ports); comma(w);
		kv_u64(w, "targets", p->targets); comma(w);
		key(w, "actions");
		actions_object(w, p->by_action);
		report_buf_putc(&w->rb, '}');
	}
	array_end(w, s->n_sources_rows);

	member(w, "targets", 0);
	report_buf_putc(&w->rb, '[');
	for (size_t i = 0; i < s->n_targets_rows; i++) {
		const struct summary_target *p = &s->targets[i];
		elem_start(w, i);
		kv_addr(w, "addr", &p->addr); comma(w);
		kv_u64(w, "events", p->events); comma(w);
		kv_time(w, "first", p->first_ns); comma(w);
		kv_time(w, "last", p->last_ns); comma(w);
		kv_u64(w, "sources", p->sources); comma(w);
		kv_u64(w, "ports", p->ports);
		report_buf_putc(&w->rb, '}');
	}
	array_end(w, s->n_targets_rows);

	member(w, "prefixes", 0);
	report_buf_putc(&w->rb, '[');
	for (size_t i = 0; i < s->n_prefixes; i++) {
		const struct summary_prefix *p = &s->prefixes[i];
		const char *an = event_action_name((enum event_action)p->action);
		elem_start(w, i);
		kv_str(w, "prefix", p->text ? p->text : ""); comma(w);
		kv_str(w, "action", an ? an : "unknown"); comma(w);
		kv_u64(w, "events", p->events);
		report_buf_putc(&w->rb, '}');
	}
	array_end(w, s->n_prefixes);
}

static void write_calendar(struct jw *w, const struct summary *s)
{
	char buf[48];

	member(w, "months", 0);
	report_buf_putc(&w->rb, '[');
	for (size_t i = 0; i < s->n_months; i++) {
		int64_t k = s->months[i].key;
		elem_start(w, i);
		snprintf(buf, sizeof(buf), "%04" PRId64 "-%02" PRId64, k / 100, k % 100);
		kv_str(w, "month", buf); comma(w);
		kv_u64(w, "events", s->months[i].events);
		report_buf_putc(&w->rb, '}');
	}
	array_end(w, s->n_months);

	member(w, "days", 0);
	report_buf_putc(&w->rb, '[');
	for (size_t i = 0; i < s->n_days; i++) {
		int64_t k = s->days[i].key;
		elem_start(w, i);
		snprintf(buf, sizeof(buf), "%04" PRId64 "-%02" PRId64 "-%02" PRId64, k / 10000,
			 k / 100 % 100, k % 100);
		kv_str(w, "day", buf); comma(w);
		kv_u64(w, "events", s->days[i].events);
		report_buf_putc(&w->rb, '}');
	}
	array_end(w, s->n_days);

	member(w, "hours", 0);
	report_buf_putc(&w->rb, '[');
	for (int h = 0; h < 24; h++) {
		if (h)
			comma(w);
		report_buf_u64(&w->rb, s->hours[h]);
	}
	report_buf_putc(&w->rb, ']');

	member(w, "weekdays", 0);
	report_buf_putc(&w->rb, '[');
	for (int d = 0; d < 7; d++) {
		if (d)
			comma(w);
		report_buf_u64(&w->rb, s->weekdays[d]);
	}
	report_buf_putc(&w->rb, ']');
}

static void write_groups(struct jw *w, const char *name, const struct summary_group *g,
			 size_t n)
{
	const struct report *r = w->r;

	member(w, name, 0);
	report_buf_putc(&w->rb, '[');
	for (size_t i = 0; i < n; i++) {
		const struct summary_group *p = &g[i];
		elem_start(w, i);
		kv_str(w, "class", service_class_name((enum service_class)p->cls)); comma(w);
		kv_str(w, "service", p->svc ? p->svc->name : NULL); comma(w);
		kv_proto(w, p->proto); comma(w);
		kv_u64(w, "port", p->port); comma(w);
		kv_addr(w, "src", &p->src); comma(w);
		kv_addr(w, "dst", &p->dst); comma(w);
		kv_u64(w, "events", p->events); comma(w);
		kv_time(w, "first", p->first_ns); comma(w);
		kv_time(w, "last", p->last_ns); comma(w);

		uint64_t line = p->first_line;
		const char *path = NULL;
		if (r->origin) {
			uint64_t fl = 0;
			path = r->origin(r->origin_arg, p->first_unit, p->first_line, &fl);
			if (path)
				line = fl;
		}
		key(w, "evidence");
		report_buf_putc(&w->rb, '{');
		kv_str(w, "file", path); comma(w);
		if (!path) {
			kv_u64(w, "unit", p->first_unit);
			comma(w);
		}
		kv_u64(w, "line", line);
		report_buf_put(&w->rb, "}}", 2);
	}
	array_end(w, n);
}

/* ---- scan findings ------------------------------------------------------ */

static void kv_bool(struct jw *w, const char *k, int v)
{
	key(w, k);
	report_buf_puts(&w->rb, v ? "true" : "false");
}

/* Ports (or ICMP types, or protocol numbers) as compressed ranges. */
static void kv_ranges(struct jw *w, const char *k, const uint16_t *p, size_t n)
{
	size_t len = n * 12 + 16;
	char *buf = xmalloc(len);
	report_port_ranges(p, n, buf, len);
	kv_str(w, k, buf);
	free(buf);
}

/* Dark hits, follow-on, periodicity and the group of a distributed scan. */
static void write_finding_context(struct jw *w, const struct finding *f)
{
	char abuf[ADDR_STRLEN];
	kv_u64(w, "dark_hits", f->dark_hits); comma(w);
	kv_bool(w, "followon", f->followon); comma(w);
	key(w, "period_s");
	if (f->period_s)
		report_buf_u64(&w->rb, f->period_s);
	else
		report_buf_put(&w->rb, "null", 4);
	comma(w);
	kv_u64(w, "period_returns", f->period_returns); comma(w);
	kv_bool(w, "period_more", f->period_more); comma(w);
	key(w, "group");
	if (f->type != FINDING_DISTRIBUTED || !f->n_members) {
		report_buf_put(&w->rb, "null", 4);
		comma(w);
		return;
	}
	report_buf_putc(&w->rb, '{');
	kv_str(w, "shape", detect_type_name((enum finding_type)f->group_shape)); comma(w);
	kv_u64(w, "count", f->n_members); comma(w);
	key(w, "members");
	report_buf_putc(&w->rb, '[');
	for (size_t i = 0; i < f->n_members_kept; i++) {
		if (i)
			comma(w);
		report_json_cstr(&w->rb, addr_format(&f->members[i], abuf));
	}
	report_buf_putc(&w->rb, ']');
	comma(w);
	kv_str(w, "shared", f->group_evidence);
	report_buf_putc(&w->rb, '}');
	comma(w);
}

static void write_finding(struct jw *w, const struct finding *f)
{
	const struct report *r = w->r;
	char abuf[ADDR_STRLEN];

	kv_addr(w, "source", &f->src); comma(w);
	kv_str(w, "type", detect_type_name((enum finding_type)f->type)); comma(w);
	kv_str(w, "technique", detect_technique_name((enum finding_technique)f->technique));
	comma(w);
	if (f->type == FINDING_PROTO_SCAN) {
		kv_str(w, "proto", NULL);
		comma(w);
	} else if (f->technique == TECH_ARP) { /* EVENT_PROTO_ARP is no IP protocol */
		kv_str(w, "proto", "arp");
		comma(w);
	} else {
		kv_proto(w, f->proto);
		comma(w);
	}
	kv_u64(w, "severity", f->severity); comma(w);
	kv_bool(w, "inside", f->inside); comma(w);
	kv_str(w, "pace", f->slow ? "slow" : "burst"); comma(w);
	key(w, "allowlisted");
	if (f->allow) {
		report_buf_putc(&w->rb, '{');
		kv_str(w, "label", f->allow->label); comma(w);
		kv_str(w, "reason", f->allow->reason); comma(w);
		kv_str(w, "origin", f->allow->origin);
		report_buf_putc(&w->rb, '}');
	} else {
		report_buf_put(&w->rb, "null", 4);
	}
	comma(w);
	kv_u64(w, "targets_count", f->n_targets); comma(w);
	key(w, "targets");
	report_buf_putc(&w->rb, '[');
	/* a destination the log did not give (sshd) is counted, not listed */
	for (size_t i = 0, n = 0; i < f->n_targets_kept; i++) {
		if (addr_is_zero(&f->targets[i]))
			continue;
		if (n++)
			comma(w);
		report_json_cstr(&w->rb, addr_format(&f->targets[i], abuf));
	}
	report_buf_putc(&w->rb, ']');
	comma(w);
	kv_ranges(w, "ports", f->ports, f->n_ports); comma(w);
	kv_u64(w, "ports_count", f->n_ports); comma(w);
	kv_ranges(w, "open_ports", f->open_ports, f->n_open); comma(w);
	kv_time(w, "first", f->start_ns); comma(w);
	kv_time(w, "last", f->end_ns); comma(w);
	int64_t d = f->start_ns ? f->end_ns - f->start_ns : 0;
	if (d < 0)
		d = 0;
	kv_u64(w, "duration_ms", (uint64_t)(d / 1000000)); comma(w);
	key(w, "probes_per_hour");
	if (f->start_ns && d > 0)
		report_buf_u64(&w->rb, (uint64_t)((double)f->probes * 3600e9 / (double)d + 0.5));
	else
		report_buf_put(&w->rb, "null", 4);
	comma(w);
	kv_u64(w, "probes", f->probes); comma(w);
	kv_u64(w, "events", f->events); comma(w);
	kv_u64(w, "successes", f->successes); comma(w);
	kv_u64(w, "failures", f->failures); comma(w);
	kv_str(w, "tool", f->tool); comma(w);
	kv_str(w, "tool_evidence", f->tool ? f->tool_evidence : NULL); comma(w);
	key(w, "trw_attempts");
	if (f->trw_attempts)
		report_buf_u64(&w->rb, f->trw_attempts);
	else
		report_buf_put(&w->rb, "null", 4);
	comma(w);
	kv_bool(w, "lower_bounds", f->truncated); comma(w);
	write_finding_context(w, f);
	kv_str(w, "why", detect_why(w->r->findings, f)); comma(w);
	uint64_t line = f->first_line;
	const char *path = NULL;
	if (r->origin) {
		uint64_t fl = 0;
		path = r->origin(r->origin_arg, f->first_unit, f->first_line, &fl);
		if (path)
			line = fl;
	}
	key(w, "evidence");
	report_buf_putc(&w->rb, '{');
	kv_str(w, "file", path); comma(w);
	if (!path) {
		kv_u64(w, "unit", f->first_unit);
		comma(w);
	}
	kv_u64(w, "line", line);
	report_buf_putc(&w->rb, '}');
}

static void write_findings(struct jw *w)
{
	const struct detect_findings *df = w->r->findings;
	size_t lim = w->r->list_limit;
	size_t n = lim && lim < df->n ? lim : df->n;

	member(w, "findings", 0);
	report_buf_putc(&w->rb, '[');
	for (size_t i = 0; i < n; i++) {
		elem_start(w, i);
		write_finding(w, &df->items[i]);
		report_buf_putc(&w->rb, '}');
	}
	array_end(w, n);

	const struct detect_config *c = &df->cfg_copy;
	member(w, "detection", 0);
	report_buf_putc(&w->rb, '{');
	key(w, "thresholds");
	report_buf_putc(&w->rb, '{');
	kv_u64(w, "window_s", (uint64_t)(c->window_ns / 1000000000)); comma(w);
	kv_u64(w, "slow_window_s", (uint64_t)(c->slow_window_ns / 1000000000)); comma(w);
	kv_u64(w, "port_score", c->port_score); comma(w);
	kv_u64(w, "weight_below_1024", c->weight_low); comma(w);
	kv_u64(w, "weight_other", c->weight_high); comma(w);
	kv_u64(w, "sweep_hosts", c->sweep_hosts); comma(w);
	kv_u64(w, "block_ports", c->block_ports); comma(w);
	kv_u64(w, "proto_count", c->proto_count); comma(w);
	kv_u64(w, "hammer_count", c->hammer_count); comma(w);
	kv_u64(w, "distributed_sources", c->dist_sources); comma(w);
	kv_u64(w, "period_returns", c->period_returns); comma(w);
	kv_u64(w, "period_tolerance_pct", c->period_tolerance); comma(w);
	char num[80];
	key(w, "trw");
	snprintf(num, sizeof(num), "%.6g,%.6g,%.6g,%.6g", c->trw_theta0, c->trw_theta1, c->trw_alpha,
		 c->trw_beta);
	report_json_cstr(&w->rb, num);
	report_buf_put(&w->rb, "},", 2);
	kv_u64(w, "allowlisted", df->n_allowlisted); comma(w);
	kv_u64(w, "inside", df->n_inside); comma(w);
	key(w, "background");
	report_buf_putc(&w->rb, '{');
	kv_u64(w, "sources", df->background_sources); comma(w);
	kv_u64(w, "events", df->background_events); comma(w);
	kv_u64(w, "zmap_sources", df->background_zmap); comma(w);
	kv_u64(w, "masscan_sources", df->background_masscan); comma(w);
	kv_u64(w, "mirai_sources", df->background_mirai); comma(w);
	kv_u64(w, "periodic_sources", df->background_periodic); comma(w);
	key(w, "countries");
	report_buf_putc(&w->rb, '[');
	size_t nbc = df->n_background_countries;
	if (lim && lim < nbc)
		nbc = lim;
	for (size_t i = 0; i < nbc; i++) {
		const struct background_country *row = &df->background_countries[i];
		if (i)
			comma(w);
		report_buf_putc(&w->rb, '{');
		kv_str(w, "country", row->cc); comma(w);
		kv_u64(w, "sources", row->sources); comma(w);
		kv_u64(w, "events", row->events);
		report_buf_putc(&w->rb, '}');
	}
	report_buf_put(&w->rb, "],", 2);
	key(w, "services");
	report_buf_putc(&w->rb, '[');
	size_t nb = lim && lim < df->n_background ? lim : df->n_background;
	for (size_t i = 0; i < nb; i++) {
		const struct background_row *row = &df->background[i];
		if (i)
			comma(w);
		report_buf_putc(&w->rb, '{');
		kv_proto(w, row->proto); comma(w);
		kv_u64(w, "port", row->port); comma(w);
		kv_u64(w, "sources", row->sources); comma(w);
		kv_u64(w, "events", row->events);
		report_buf_putc(&w->rb, '}');
	}
	report_buf_put(&w->rb, "]},", 3);
	key(w, "limits");
	report_buf_putc(&w->rb, '{');
	kv_u64(w, "sources_tracked", df->sources); comma(w);
	kv_u64(w, "sources_evicted", df->sources_evicted); comma(w);
	kv_u64(w, "events_evicted", df->events_evicted); comma(w);
	kv_u64(w, "sources_truncated", df->sources_truncated); comma(w);
	kv_u64(w, "contacts_refused", df->contacts_refused); comma(w);
	kv_bool(w, "complete", !(df->sources_evicted || df->sources_truncated ||
				 df->contacts_refused));
	report_buf_put(&w->rb, "}}", 2);
}

static void kv_line_or_null(struct jw *w, const char *k, uint64_t line)
{
	key(w, k);
	if (line)
		report_buf_u64(&w->rb, line);
	else
		report_buf_put(&w->rb, "null", 4);
}

static void write_inputs(struct jw *w, const struct summary *s)
{
	const struct report *r = w->r;

	member(w, "files", 0);
	report_buf_putc(&w->rb, '[');
	for (size_t i = 0; i < r->n_files; i++) {
		const struct report_file *f = &r->files[i];
		elem_start(w, i);
		kv_str(w, "path", f->path); comma(w);
		kv_str(w, "format", f->format); comma(w);
		kv_str(w, "error", f->error); comma(w);
		kv_u64(w, "bytes", f->bytes); comma(w);
		kv_u64(w, "lines", f->lines); comma(w);
		kv_u64(w, "records", f->records); comma(w);
		kv_u64(w, "events", f->events); comma(w);
		kv_u64(w, "filtered", f->filtered); comma(w);
		kv_u64(w, "other", f->other); comma(w);
		kv_u64(w, "unknown", f->unknown); comma(w);
		kv_u64(w, "malformed", f->malformed); comma(w);
		kv_u64(w, "overlong", f->overlong); comma(w);
		kv_line_or_null(w, "first_unknown_line", f->first_unknown_line); comma(w);
		kv_line_or_null(w, "first_overlong_line", f->first_overlong_line);
		report_buf_putc(&w->rb, '}');
	}
	array_end(w, r->n_files);

	member(w, "malformed", 0);
	report_buf_putc(&w->rb, '[');
	for (size_t i = 0; i < r->n_problems; i++) {
		const struct report_problem *p = &r->problems[i];
		elem_start(w, i);
		kv_str(w, "reason", p->reason); comma(w);
		kv_u64(w, "count", p->count); comma(w);
		kv_str(w, "file", p->path); comma(w);
		kv_line_or_null(w, "line", p->line); comma(w);
		kv_str(w, "example", p->example);
		report_buf_putc(&w->rb, '}');
	}
	array_end(w, r->n_problems);

	member(w, "limits", 0);
	report_buf_putc(&w->rb, '{');
	kv_u64(w, "sources_dropped", s->sources_dropped); comma(w);
	kv_u64(w, "targets_dropped", s->targets_dropped); comma(w);
	kv_u64(w, "pairs_dropped", s->pairs_dropped); comma(w);
	kv_u64(w, "groups_dropped", s->groups_dropped); comma(w);
	int complete = !(s->sources_dropped || s->targets_dropped || s->pairs_dropped ||
			 s->groups_dropped);
	key(w, "complete");
	report_buf_puts(&w->rb, complete ? "true" : "false");
	report_buf_putc(&w->rb, '}');
}

int report_json(FILE *out, const struct report *r)
{
	static const struct summary empty;
	const struct summary *s = r->sum ? r->sum : &empty;
	struct jw w;

	memset(&w, 0, sizeof(w));
	report_buf_init(&w.rb, out);
	w.r = r;
	w.tz = r->tz ? r->tz : &w.tz_local;

	report_buf_putc(&w.rb, '{');
	member(&w, "schema", 1);
	report_json_cstr(&w.rb, REPORT_JSON_SCHEMA);
	member(&w, "version", 0);
	report_json_cstr(&w.rb, r->version);
	member(&w, "zone", 0);
	report_json_cstr(&w.rb, r->zone ? r->zone : timeconv_zone_name());
	write_totals(&w, s);
	write_services(&w, s);
	write_hosts(&w, s, r->rdns);
	write_calendar(&w, s);
	/* list_limit caps each list (totals.*_groups has the full count). */
	size_t lim = r->list_limit;
	write_groups(&w, "alerts", s->alerts, lim && lim < s->n_alerts ? lim : s->n_alerts);
	write_groups(&w, "warnings", s->warnings,
		     lim && lim < s->n_warnings ? lim : s->n_warnings);
	if (r->findings)
		write_findings(&w);
	write_inputs(&w, s);
	report_json_tables(&w.rb, r);
	report_json_web(&w.rb, r);
	report_buf_puts(&w.rb, "\n}\n");
	report_buf_flush(&w.rb);
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}
