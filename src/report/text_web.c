/* The text report's web sections: probes answered 2xx (possible
 * compromise) beside the other ALERTs, then WEB PROBES: each probing
 * source with the signatures it hit, their evidence FILE:LINE and an
 * example request; totals per signature and class; what the caps
 * refused. Strings from the log are shown with controls escaped. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "report/report.h"
#include "report/report_util.h"
#include "report/text_web.h"

#define ANSI_ALERT "\033[1;31m"
#define ANSI_WARN "\033[33m"
#define ANSI_BOLD "\033[1m"
#define ANSI_RESET "\033[0m"

#define SOURCE_ROWS 50   /* probing sources shown in detail (list_limit overrides) */
#define SIG_ROWS 30      /* per-signature totals shown */
#define SHOW_MAX 160     /* bytes of a logged string shown */

static void styled(FILE *out, const struct report *r, const char *code, const char *s)
{
	if (r->color)
		fprintf(out, "%s%s%s", code, s, ANSI_RESET);
	else
		fputs(s, out);
}

/* Logged text with controls and bytes >= 0x7f escaped, cut at SHOW_MAX. */
static void put_safe(FILE *out, const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++) {
		if (n >= SHOW_MAX) {
			fputs("...", out);
			return;
		}
		if (*p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
}

static const char *sev_word(unsigned sev)
{
	return sev >= 4 ? "ALERT" : sev == 3 ? "WARNING" : "info";
}

static const char *sev_code(unsigned sev)
{
	return sev >= 4 ? ANSI_ALERT : sev == 3 ? ANSI_WARN : "";
}

static void put_time(FILE *out, const struct report *r, struct tz_cache *tz, int64_t ns)
{
	if (!ns) {
		fputs("-", out);
		return;
	}
	struct report_tm t;
	report_tm_of(tz, ns, &t);
	fprintf(out, "%04" PRId64 "-%02u-%02u %02u:%02u:%02u", t.year, t.mon, t.day, t.hour, t.min,
		t.sec);
}

static void put_origin(FILE *out, const struct report *r, uint32_t unit, uint64_t line)
{
	uint64_t fl = 0;
	const char *path = r->origin ? r->origin(r->origin_arg, unit, line, &fl) : NULL;
	if (path)
		fprintf(out, "%s:%" PRIu64, path, fl);
	else
		fputs("?", out);
}

void report_text_web_source_name(const struct web_source *s, char *buf, size_t len)
{
	if (s->client) {
		snprintf(buf, len, "%s", s->client);
	} else {
		char a[ADDR_STRLEN];
		snprintf(buf, len, "%s", addr_format(&s->addr, a));
	}
}

static void put_answers(FILE *out, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	fprintf(out, "answered 2xx %" PRIu64 ", 3xx %" PRIu64 ", 4xx %" PRIu64 ", 5xx %" PRIu64,
		a2, a3, a4, a5);
}

/* The ALERT rows: sources whose probe was answered 2xx. */
void report_text_web_alerts(FILE *out, const struct report *r)
{
	const struct web_findings *f = r->web;
	if (!f || !f->n_alert)
		return;
	struct tz_cache tz_local = {0};
	struct tz_cache *tz = r->tz ? r->tz : &tz_local;
	fputc('\n', out);
	styled(out, r, ANSI_ALERT, "ALERT");
	fprintf(out, " web probes answered 2xx (possible compromise): %zu source%s\n", f->n_alert,
		f->n_alert == 1 ? "" : "s");
	size_t shown = 0, limit = r->list_limit ? r->list_limit : SIZE_MAX;
	for (size_t i = 0; i < f->n_sources && shown < limit; i++) {
		const struct web_source *s = &f->sources[i];
		if (!s->alert)
			continue;
		shown++;
		char name[300];
		report_text_web_source_name(s, name, sizeof(name));
		fputs("  ", out);
		put_safe(out, name);
		fprintf(out, "  %" PRIu64 " probe%s answered 2xx, first ", s->alert_requests,
			s->alert_requests == 1 ? "" : "s");
		put_time(out, r, tz, s->first_ns);
		fputc('\n', out);
		for (size_t j = 0; j < s->n_hits; j++) {
			const struct web_hit *h = &s->hits[j];
			if (!h->answered_2xx || h->sig->severity < WEB_SEV_WARNING)
				continue;
			fprintf(out, "    %s (%s, %s) x%" PRIu64 " 2xx, e.g. ", h->sig->name,
				web_class_name(h->sig->cls), h->sig->reference, h->answered_2xx);
			put_safe(out, h->example ? h->example : "");
			fprintf(out, " -> %u at ", h->example_status);
			put_origin(out, r, h->first_unit, h->first_line);
			fputc('\n', out);
		}
	}
	if (shown < f->n_alert)
		fprintf(out, "  ... %zu more (see WEB PROBES, or -o json)\n", f->n_alert - shown);
}

static void source_block(FILE *out, const struct report *r, struct tz_cache *tz,
			 const struct web_source *s)
{
	char name[300];
	report_text_web_source_name(s, name, sizeof(name));
	fputs("\n  ", out);
	if (r->color)
		fputs(ANSI_BOLD, out);
	put_safe(out, name);
	if (r->color)
		fputs(ANSI_RESET, out);
	fputs("  ", out);
	/* ALERT only for a probe answered 2xx (web.h): a refused one of an
	 * ALERT-grade signature reads as a WARNING */
	unsigned shown = s->alert ? WEB_SEV_ALERT : s->max_severity >= 3 ? 3 : s->max_severity;
	styled(out, r, sev_code(shown), sev_word(shown));
	fprintf(out, "  %" PRIu64 " request%s, %" PRIu64 " probe%s (", s->requests,
		s->requests == 1 ? "" : "s", s->probes, s->probes == 1 ? "" : "s");
	put_answers(out, s->answered_2xx, s->answered_3xx, s->answered_4xx, s->answered_5xx);
	fputs(")", out);
	if (s->burst)
		fputs(", a tool's burst", out);
	fputs("\n    ", out);
	put_time(out, r, tz, s->first_ns);
	fputs(" .. ", out);
	put_time(out, r, tz, s->last_ns);
	fputs("  first request at ", out);
	put_origin(out, r, s->first_unit, s->first_line);
	fputc('\n', out);
	for (size_t j = 0; j < s->n_hits; j++) {
		const struct web_hit *h = &s->hits[j];
		fprintf(out, "    %-7s %-24s %-19s x%-5" PRIu64 " %s\n", sev_word(h->sig->severity),
			h->sig->name, web_class_name(h->sig->cls), h->count, h->sig->reference);
		fputs("            e.g. ", out);
		put_safe(out, h->example ? h->example : "");
		fprintf(out, " -> %u at ", h->example_status);
		put_origin(out, r, h->first_unit, h->first_line);
		fputc('\n', out);
	}
	if (s->hits_dropped)
		fprintf(out, "    (%" PRIu64 " matches of further signatures not kept)\n",
			s->hits_dropped);
	for (size_t j = 0; j < s->n_vhosts; j++) {
		fputs(j ? ", " : "    vhosts: ", out);
		put_safe(out, s->vhosts[j]);
	}
	if (s->n_vhosts)
		fputc('\n', out);
	for (size_t j = 0; j < s->n_agents; j++) {
		fputs("    agent: ", out);
		put_safe(out, s->agents[j]);
		fputc('\n', out);
	}
	if (s->agents_dropped)
		fprintf(out, "    (%" PRIu64 " more agents)\n", s->agents_dropped);
}

static void totals_block(FILE *out, const struct web_findings *f)
{
	fputs("\n  By class:\n", out);
	for (size_t i = 0; i < f->n_classes; i++)
		fprintf(out, "    %-20s %10" PRIu64 " requests %8" PRIu64 " sources\n",
			web_class_name(f->classes[i].cls), f->classes[i].requests,
			f->classes[i].sources);
	fputs("\n  By signature:\n", out);
	size_t n = f->n_sigs < SIG_ROWS ? f->n_sigs : SIG_ROWS;
	for (size_t i = 0; i < n; i++) {
		const struct web_sig_total *t = &f->sigs[i];
		fprintf(out, "    %-24s %-8s %10" PRIu64 " requests %6" PRIu64 " sources %6" PRIu64
			" 2xx  %s\n", t->sig->name, sev_word(t->sig->severity), t->requests,
			t->sources, t->answered_2xx, t->sig->reference);
	}
	if (f->n_sigs > n)
		fprintf(out, "    ... %zu more signatures (-o json lists all)\n", f->n_sigs - n);
}

static void limits_block(FILE *out, const struct web_findings *f)
{
	if (!f->requests_dropped && !f->hits_dropped && !f->decode_truncated)
		return;
	fputs("\n  Limits:\n", out);
	if (f->requests_dropped)
		fprintf(out, "    %" PRIu64 " requests (%" PRIu64 " probes) from sources over the cap "
			"of %zu per thread were not tracked (raise --web-max-sources)\n",
			f->requests_dropped, f->probes_dropped, f->cfg.max_sources);
	if (f->hits_dropped)
		fprintf(out, "    %" PRIu64 " matches of signatures beyond %zu per source (or "
			"beyond a million in all) not kept\n",
			f->hits_dropped, f->cfg.max_hits_per_source);
	if (f->decode_truncated)
		fprintf(out, "    %" PRIu64 " fields longer than %d bytes matched on their start only\n",
			f->decode_truncated, WEB_DECODE_MAX - 1);
}

void report_text_web(FILE *out, const struct report *r)
{
	const struct web_findings *f = r->web;
	if (!f || !f->requests)
		return;
	struct tz_cache tz_local = {0};
	struct tz_cache *tz = r->tz ? r->tz : &tz_local;
	fputs("\n", out);
	styled(out, r, ANSI_BOLD, "WEB PROBES");
	fprintf(out, "  %" PRIu64 " web requests from %" PRIu64 " sources; %" PRIu64
		" matched one of %zu signatures, from %zu sources (%zu answered 2xx)\n",
		f->requests, f->sources_seen, f->probe_requests, f->n_signatures, f->n_sources,
		f->n_alert);
	if (!f->n_sources) {
		limits_block(out, f);
		return;
	}
	/* sources with only informational hits (a curl agent) are counted,
	 * not listed */
	size_t limit = r->list_limit ? r->list_limit : SOURCE_ROWS, shown = 0, info_only = 0;
	for (size_t i = 0; i < f->n_sources; i++) {
		const struct web_source *s = &f->sources[i];
		if (s->max_severity < WEB_SEV_WARNING && !s->alert) {
			info_only++;
			continue;
		}
		if (shown++ < limit)
			source_block(out, r, tz, s);
	}
	if (shown > limit)
		fprintf(out, "\n  ... %zu more probing sources (-o json lists all)\n", shown - limit);
	if (info_only)
		fprintf(out, "\n  %zu more sources hit only informational signatures (tool agents)\n",
			info_only);
	totals_block(out, f);
	limits_block(out, f);
}

/* clscan explain: one source's web findings. */
void report_text_web_source(FILE *out, const struct report *r, const struct web_source *s)
{
	struct tz_cache tz_local = {0};
	source_block(out, r, r->tz ? r->tz : &tz_local, s);
}
