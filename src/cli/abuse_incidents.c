/* The incidents of `clscan abuse`: the scan findings and web probers that
 * may be reported (abuse_pick_incidents: not from --home, not allowlisted,
 * routable, severe enough, within --max-incidents), the lines behind each
 * from a second pass over the inputs restricted to their sources
 * (abuse_gather_evidence), and the address each goes to
 * (abuse_choose_contact). */
#include "cli/abuse_incidents.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"

/* ---- the lines behind an incident (the second pass) ---------------------- */

struct collect {
	pthread_mutex_t mu;
	struct incident *incs;   /* sorted by source */
	size_t n;
	size_t n_named;          /* incidents of sources known only by name */
};

static int line_before(uint32_t u1, uint64_t l1, uint32_t u2, uint64_t l2)
{
	return u1 < u2 || (u1 == u2 && l1 < l2);
}

/* A finding's end is kept to the millisecond (rounded down), so its period
 * runs to the end of that millisecond: a capture's last packets of a scan
 * fall within the same millisecond as each other. */
static int in_period(const struct incident *in, const struct event *ev)
{
	int64_t last = in->inc.last_ns;
	return (ev->flags & EVENT_HAS_TIME) && ev->time_ns >= in->inc.first_ns &&
	       (ev->time_ns <= last || (last <= INT64_MAX - 999999 && ev->time_ns <= last + 999999));
}

/* A source known only by its logged host name: few, so a linear scan. */
static void on_named_event(struct collect *c, const struct event *ev, const char *path,
			   uint64_t file_line, const char *line, size_t len)
{
	const struct slice *cl = &ev->http->client;
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < c->n; i++) {
		struct incident *in = &c->incs[i];
		const char *name = in->inc.source_name;
		if (name && strlen(name) == cl->len && strncasecmp(name, cl->ptr, cl->len) == 0 &&
		    in_period(in, ev))
			line_keep_add(&in->keep, ev, path, file_line, line, len);
	}
	pthread_mutex_unlock(&c->mu);
}

static void on_event(void *arg, const struct event *ev, const char *path, uint64_t file_line,
		     const char *line, size_t len)
{
	struct collect *c = arg;
	if (!(ev->flags & EVENT_HAS_SRC)) {
		if (c->n_named && ev->http && ev->http->client.len)
			on_named_event(c, ev, path, file_line, line, len);
		return;
	}
	/* the first incident of this source (incidents are sorted by source) */
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (addr_cmp(&c->incs[mid].inc.src, &ev->src) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == c->n || addr_cmp(&c->incs[lo].inc.src, &ev->src) != 0)
		return;
	pthread_mutex_lock(&c->mu);
	for (size_t i = lo; i < c->n && addr_cmp(&c->incs[i].inc.src, &ev->src) == 0; i++) {
		struct incident *in = &c->incs[i];
		if (ev->http && ev->http->client.len &&
		    (!in->host || line_before(ev->unit, ev->line, in->host_unit, in->host_uline))) {
			free(in->host);
			in->host = xstrndup(ev->http->client.ptr, ev->http->client.len);
			in->host_unit = ev->unit;
			in->host_uline = ev->line;
		}
		if (in->inc.source_name || !in_period(in, ev))
			continue;
		line_keep_add(&in->keep, ev, path, file_line, line, len);
	}
	pthread_mutex_unlock(&c->mu);
}

static void finish_evidence(struct incident *in)
{
	struct line_keep *k = &in->keep;
	line_keep_sort(k);
	in->ev = xcalloc(k->n ? k->n : 1, sizeof(*in->ev));
	for (size_t i = 0; i < k->n; i++) {
		in->ev[i].path = k->lines[i].path;
		in->ev[i].line = k->lines[i].line;
		in->ev[i].text = k->lines[i].text;
		in->ev[i].len = k->lines[i].len;
	}
	in->inc.evidence = in->ev;
	in->inc.n_evidence = k->n;
	in->inc.evidence_more = k->seen - k->n;
}

int abuse_gather_evidence(const struct input_list *inputs, const struct pipeline_options *opt,
			  size_t max_evidence, struct incident *incs, size_t n)
{
	struct collect c = {.incs = incs, .n = n};
	pthread_mutex_init(&c.mu, NULL);
	for (size_t i = 0; i < n; i++)
		c.n_named += incs[i].inc.source_name != NULL;
	for (size_t i = 0; i < n; i++)
		line_keep_init(&incs[i].keep, max_evidence);
	struct pipeline_options popt = pipeline_second_pass(opt, on_event, &c);
	struct pipeline_result res;
	int rc = pipeline_run(inputs, &popt, &res);
	/* lines as numbered in their files; paths point into inputs, which
	 * must outlive the messages */
	for (size_t i = 0; i < n; i++)
		line_keep_to_file_lines(&incs[i].keep, &res);
	pipeline_result_fini(&res);
	pthread_mutex_destroy(&c.mu);
	for (size_t i = 0; i < n; i++)
		finish_evidence(&incs[i]);
	return rc;
}

/* ---- incidents from findings --------------------------------------------- */

static const char *xarf_type_of(enum finding_type t)
{
	return t == FINDING_HAMMER ? "login-attack" : "port-scan";
}

/* Loopback and unspecified sources are nobody's to report to. */
static int reportable(const struct ip_addr *a)
{
	if (addr_is_zero(a))
		return 0;
	if (addr_is_v4(a))
		return (addr_v4(a) >> 24) != 127 && addr_v4(a) != 0;
	static const uint8_t loop6[16] = {[15] = 1};
	return memcmp(a->b, loop6, 16) != 0;
}


static int incident_cmp(const void *x, const void *y)
{
	const struct incident *a = x, *b = y;
	int c = addr_cmp(&a->inc.src, &b->inc.src);
	if (c)
		return c;
	return (a->inc.first_ns > b->inc.first_ns) - (a->inc.first_ns < b->inc.first_ns);
}

/* Whether a source may be reported; counts the reason if not. */
static int qualifies(int routable, int allowed, int inside, unsigned sev, unsigned min_sev,
		     size_t max_incidents, size_t n, struct tally *t)
{
	if (allowed)
		t->skipped_allow++;
	else if (inside)
		t->skipped_home++;
	else if (sev < min_sev)
		t->skipped_sev++;
	else if (!routable)
		t->skipped_local++;
	else if (n == max_incidents)
		t->over_cap++;
	else
		return 1;
	return 0;
}

static void incident_from_finding(struct abuse_incident *a, const struct detect_findings *df,
				  const struct finding *f)
{
	a->src = f->src;
	a->type = detect_type_title(f->type);
	a->type_key = detect_type_name(f->type);
	a->xarf_type = xarf_type_of(f->type);
	a->summary = detect_why(df, f);
	a->severity = f->severity;
	a->first_ns = f->start_ns;
	a->last_ns = f->end_ns;
	a->count = f->events;
	if (f->n_ports == 1 && f->type != FINDING_PROTO_SCAN && f->type != FINDING_PING_SWEEP)
		a->port = f->ports[0];
}

/* A web prober: its whole session (the benign-looking requests around the
 * probes belong to the evidence) and a sentence naming what it looked for. */
static void incident_from_web(struct incident *in, const struct web_source *ws)
{
	struct abuse_incident *a = &in->inc;
	a->src = ws->addr;
	a->type = "web probes";
	a->type_key = "web";
	a->xarf_type = "info";
	a->severity = ws->max_severity;
	a->count = ws->probes;
	a->first_ns = ws->first_ns;
	a->last_ns = ws->last_ns;
	char names[256] = "";
	size_t used = 0;
	for (size_t i = 0; i < ws->n_hits; i++) {
		const struct web_hit *h = &ws->hits[i];
		if (h->sig->cls == WEB_CLASS_CREDENTIAL)
			a->xarf_type = "login-attack";
		if (i < 8 && used + strlen(h->sig->name) + 3 < sizeof(names))
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
						 i ? ", " : "", h->sig->name);
	}
	char c1[32], c2[32];
	in->summary = xasprintf("%s %s matching probe signatures (%s%s); %s answered 2xx",
				fmt_count(ws->probes, c1), ws->probes == 1 ? "request" : "requests",
				names, ws->n_hits > 8 ? ", ..." : "", fmt_count(ws->answered_2xx, c2));
	a->summary = in->summary;
	if (ws->client)
		in->host = xstrdup(ws->client);
	if (addr_is_zero(&ws->addr))
		a->source_name = in->host;
	in->host_unit = UINT32_MAX;
	in->host_uline = UINT64_MAX;
}

static int in_prefixes(const struct ip_addr *a, const struct ip_prefix *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (prefix_contains(&p[i], a))
			return 1;
	return 0;
}

static int allowlisted(const struct detect_config *dc, const struct ip_addr *a)
{
	for (size_t i = 0; i < dc->n_allow; i++)
		if (prefix_contains(&dc->allow[i].net, a))
			return 1;
	return 0;
}

struct incident *abuse_pick_incidents(const struct detect_findings *df,
				      const struct web_findings *wf, const struct detect_config *dc,
				      unsigned min_sev, size_t max_incidents, size_t *n_out,
				      struct tally *t)
{
	size_t cap = (df ? df->n : 0) + (wf ? wf->n_sources : 0);
	struct incident *v = xcalloc(cap ? cap : 1, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; df && i < df->n; i++) {
		const struct finding *f = &df->items[i];
		if (qualifies(reportable(&f->src), f->allow != NULL, f->inside, f->severity, min_sev,
			      max_incidents, n, t))
			incident_from_finding(&v[n++].inc, df, f);
	}
	for (size_t i = 0; wf && i < wf->n_sources; i++) {
		const struct web_source *ws = &wf->sources[i];
		int by_name = addr_is_zero(&ws->addr);
		if (by_name && !ws->client) {
			t->skipped_noaddr++;
			continue;
		}
		/* a source logged only by name: no network test applies */
		if (qualifies(by_name || reportable(&ws->addr), !by_name && allowlisted(dc, &ws->addr),
			      !by_name && in_prefixes(&ws->addr, dc->home, dc->n_home),
			      ws->max_severity, min_sev, max_incidents, n, t))
			incident_from_web(&v[n++], ws);
	}
	qsort(v, n, sizeof(*v), incident_cmp);
	*n_out = n;
	return v;
}

/* ---- contacts ------------------------------------------------------------ */

void abuse_choose_contact(struct incident *in, const struct contacts *ct, const struct rdns *rd)
{
	const char *mb = in->inc.source_name ? NULL : contacts_for_addr(ct, &in->inc.src);
	const char *host = in->host;
	if (!host)
		host = rdns_name(rd, &in->inc.src);
	in->inc.host = host;
	if (!mb && host)
		mb = contacts_for_host(ct, host);
	if (mb) {
		in->to = xstrdup(mb);
		return;
	}
	char dom[256];
	if (host && contacts_registered_domain(host, dom, sizeof(dom))) {
		in->to = xasprintf("abuse@%s", dom);
		in->cc = xasprintf("postmaster@%s", dom);
	}
}

void abuse_free_incidents(struct incident *incs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		line_keep_fini(&incs[i].keep);
		free(incs[i].ev);
		free(incs[i].host);
		free(incs[i].to);
		free(incs[i].cc);
		free(incs[i].summary);
	}
	free(incs);
}
