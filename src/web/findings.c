/* Web findings: the merged watch turned into a ranked list of probing
 * sources (ALERT first), with per-signature and per-class totals. */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "web/web_watch.h"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int hit_cmp(const void *a, const void *b)
{
	const struct web_hit *x = a, *y = b;
	if (x->sig->severity != y->sig->severity)
		return x->sig->severity > y->sig->severity ? -1 : 1;
	if (x->answered_2xx != y->answered_2xx)
		return x->answered_2xx > y->answered_2xx ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->sig->name, y->sig->name);
}

static int source_cmp(const void *a, const void *b)
{
	const struct web_source *x = a, *y = b;
	if (x->alert != y->alert)
		return x->alert ? -1 : 1;
	if (x->max_severity != y->max_severity)
		return x->max_severity > y->max_severity ? -1 : 1;
	if (x->probes != y->probes)
		return x->probes > y->probes ? -1 : 1;
	if (x->first_ns != y->first_ns)
		return x->first_ns < y->first_ns ? -1 : 1;
	return addr_cmp(&x->addr, &y->addr);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void fill_hits(struct web_source *o, const struct web_sigset *set,
		      const struct web_src *s)
{
	const struct web_src_detail *d = s->d;
	o->n_hits = s->n_hits;
	o->hits = xcalloc(s->n_hits ? s->n_hits : 1, sizeof(*o->hits));
	for (size_t i = 0; i < s->n_hits; i++) {
		const struct web_src_hit *x = &s->hits[i];
		struct web_hit *h = &o->hits[i];
		h->sig = &set->sigs[x->sig];
		h->count = x->count;
		h->answered_2xx = x->status[0];
		h->answered_3xx = x->status[1];
		h->answered_4xx = x->status[2];
		h->answered_5xx = x->status[3];
		h->first_ns = x->first_ns;
		h->last_ns = x->last_ns;
		h->first_unit = x->first_unit;
		h->first_line = x->first_line;
		h->example_status = x->example_status;
		h->example = dup_or_null(x->example);
	}
	qsort(o->hits, o->n_hits, sizeof(*o->hits), hit_cmp);
	o->hits_dropped = d->hits_dropped;
	o->agents = xcalloc(d->n_agents + 1u, sizeof(char *));
	for (unsigned i = 0; i < d->n_agents; i++)
		o->agents[i] = xstrdup(d->agents[i]);
	o->n_agents = d->n_agents;
	o->agents_dropped = d->agents_dropped;
	o->vhosts = xcalloc(d->n_vhosts + 1u, sizeof(char *));
	for (unsigned i = 0; i < d->n_vhosts; i++)
		o->vhosts[i] = xstrdup(d->vhosts[i]);
	o->n_vhosts = d->n_vhosts;
	o->vhosts_dropped = d->vhosts_dropped;
	/* by text: first-seen order would depend on how threads split the input */
	qsort(o->agents, o->n_agents, sizeof(*o->agents), str_cmp);
	qsort(o->vhosts, o->n_vhosts, sizeof(*o->vhosts), str_cmp);
}

static void fill_source(struct web_source *o, const struct web_watch *w, const struct web_src *s)
{
	memset(o, 0, sizeof(*o));
	if (s->client)
		o->client = xstrdup(s->client);
	else
		o->addr = s->key;
	o->first_ns = s->first_ns;
	o->last_ns = s->last_ns;
	o->first_unit = s->first_unit;
	o->first_line = s->first_line;
	o->requests = s->requests;
	o->probes = s->probes;
	o->answered_2xx = s->status[0];
	o->answered_3xx = s->status[1];
	o->answered_4xx = s->status[2];
	o->answered_5xx = s->status[3];
	o->alert_requests = s->alerts;
	o->alert = s->alerts > 0;
	o->max_severity = s->max_sev;
	o->burst = s->scanner_ua && s->requests >= w->cfg.burst_requests;
	if (s->d)
		fill_hits(o, w->sigs, s);
}

static int sig_total_cmp(const void *a, const void *b)
{
	const struct web_sig_total *x = a, *y = b;
	if (x->requests != y->requests)
		return x->requests > y->requests ? -1 : 1;
	return strcmp(x->sig->name, y->sig->name);
}

static int class_total_cmp(const void *a, const void *b)
{
	const struct web_class_total *x = a, *y = b;
	if (x->requests != y->requests)
		return x->requests > y->requests ? -1 : 1;
	return (int)x->cls - (int)y->cls;
}

static void totals(struct web_findings *f, const struct web_sigset *set)
{
	size_t n = set ? set->n : 0;
	struct web_sig_total *t = xcalloc(n ? n : 1, sizeof(*t));
	uint64_t cls_req[WEB_CLASS_COUNT] = {0}, cls_src[WEB_CLASS_COUNT] = {0};
	for (size_t i = 0; i < f->n_sources; i++) {
		const struct web_source *s = &f->sources[i];
		uint8_t seen[WEB_CLASS_COUNT] = {0};
		for (size_t j = 0; j < s->n_hits; j++) {
			const struct web_hit *h = &s->hits[j];
			size_t k = (size_t)(h->sig - set->sigs);
			t[k].sig = h->sig;
			t[k].requests += h->count;
			t[k].sources++;
			t[k].answered_2xx += h->answered_2xx;
			cls_req[h->sig->cls] += h->count;
			if (!seen[h->sig->cls]++)
				cls_src[h->sig->cls]++;
		}
	}
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (t[i].sig)
			t[m++] = t[i];
	qsort(t, m, sizeof(*t), sig_total_cmp);
	f->sigs = t;
	f->n_sigs = m;
	for (int c = 0; c < WEB_CLASS_COUNT; c++) {
		if (!cls_req[c])
			continue;
		f->classes[f->n_classes].cls = (uint8_t)c;
		f->classes[f->n_classes].requests = cls_req[c];
		f->classes[f->n_classes].sources = cls_src[c];
		f->n_classes++;
	}
	qsort(f->classes, f->n_classes, sizeof(f->classes[0]), class_total_cmp);
}

struct web_findings *web_findings(const struct web_watch *w)
{
	struct web_findings *f = xcalloc(1, sizeof(*f));
	if (!w) {
		web_config_defaults(&f->cfg);
		return f;
	}
	f->cfg = w->cfg;
	f->n_signatures = w->sigs ? w->sigs->n : 0;
	size_t n = 0;
	for (size_t i = 0; i < w->cap; i++)
		if (w->tab[i].used && w->tab[i].probes)
			n++;
	f->sources = xcalloc(n ? n : 1, sizeof(*f->sources));
	for (size_t i = 0; i < w->cap; i++) {
		const struct web_src *s = &w->tab[i];
		if (!s->used)
			continue;
		f->sources_seen++;
		if (s->probes)
			fill_source(&f->sources[f->n_sources++], w, s);
	}
	qsort(f->sources, f->n_sources, sizeof(*f->sources), source_cmp);
	for (size_t i = 0; i < f->n_sources; i++) {
		f->n_alert += f->sources[i].alert;
		f->hits_dropped += f->sources[i].hits_dropped;
	}
	f->requests = w->requests;
	f->probe_requests = w->probe_requests;
	f->requests_dropped = w->requests_dropped;
	f->probes_dropped = w->probes_dropped;
	f->decode_truncated = w->decode_truncated;
	totals(f, w->sigs);
	return f;
}

void web_findings_free(struct web_findings *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_sources; i++) {
		struct web_source *s = &f->sources[i];
		for (size_t j = 0; j < s->n_hits; j++)
			free(s->hits[j].example);
		free(s->hits);
		for (size_t j = 0; j < s->n_agents; j++)
			free(s->agents[j]);
		free(s->agents);
		for (size_t j = 0; j < s->n_vhosts; j++)
			free(s->vhosts[j]);
		free(s->vhosts);
		free(s->client);
	}
	free(f->sources);
	free(f->sigs);
	free(f);
}

const struct web_source *web_findings_lookup(const struct web_findings *f,
					      const struct ip_addr *addr, const char *client)
{
	if (!f)
		return NULL;
	for (size_t i = 0; i < f->n_sources; i++) {
		const struct web_source *s = &f->sources[i];
		if (client && s->client && strcmp(client, s->client) == 0)
			return s;
		if (addr && !s->client && memcmp(&s->addr, addr, sizeof(*addr)) == 0)
			return s;
	}
	return NULL;
}

size_t web_findings_at_least(const struct web_findings *f, unsigned sev)
{
	size_t n = 0;
	if (!f)
		return 0;
	for (size_t i = 0; i < f->n_sources; i++) {
		const struct web_source *s = &f->sources[i];
		/* at ALERT level only a probe answered 2xx counts: a probe that
		 * was refused is worth a warning, not an alarm */
		if (sev >= 4 ? s->alert : s->max_severity >= sev)
			n++;
	}
	return n;
}
