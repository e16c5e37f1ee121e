#include "pipeline/line_keep.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "report/report.h"

static int64_t event_time(const struct event *ev)
{
	return (ev->flags & EVENT_HAS_TIME) ? ev->time_ns : 0;
}

/* Is (t1, u1, l1) earlier than (t2, u2, l2)? */
static int before(int64_t t1, uint32_t u1, uint64_t l1, int64_t t2, uint32_t u2, uint64_t l2)
{
	if (t1 != t2)
		return t1 < t2;
	return u1 < u2 || (u1 == u2 && l1 < l2);
}

/* The line as kept: a capture's packet (no text) as its JSON Lines record,
 * a line over LINE_KEEP_TEXT_MAX cut with a note of what is missing. */
static char *kept_text(const struct event *ev, const char *path, uint64_t line, const char *text,
		       size_t len, size_t *out_len)
{
	if (len == 0) {
		char *buf = NULL;
		size_t blen = 0;
		FILE *m = open_memstream(&buf, &blen);
		if (!m)
			abort();
		report_jsonl_event(m, ev, path, line);
		fclose(m);
		while (blen && buf[blen - 1] == '\n')
			blen--;
		buf[blen] = '\0';
		*out_len = blen;
		return buf;
	}
	if (len > LINE_KEEP_TEXT_MAX) { /* copied, not printed: the line may hold NUL bytes */
		char note[48];
		int nl = snprintf(note, sizeof(note), " [... %zu more bytes]", len - LINE_KEEP_TEXT_MAX);
		char *s = xmalloc(LINE_KEEP_TEXT_MAX + (size_t)nl + 1);
		memcpy(s, text, LINE_KEEP_TEXT_MAX);
		memcpy(s + LINE_KEEP_TEXT_MAX, note, (size_t)nl + 1);
		*out_len = LINE_KEEP_TEXT_MAX + (size_t)nl;
		return s;
	}
	*out_len = len;
	return xstrndup(text, len);
}

void line_keep_init(struct line_keep *k, size_t max)
{
	memset(k, 0, sizeof(*k));
	k->max = max;
	k->lines = xcalloc(max ? max : 1, sizeof(*k->lines));
}

/* The kept line an earlier one would replace. */
static size_t latest_of(const struct line_keep *k)
{
	size_t latest = 0;
	const struct kept_line *l = k->lines;
	for (size_t i = 1; i < k->n; i++)
		if (before(l[latest].time_ns, l[latest].unit, l[latest].uline, l[i].time_ns,
			   l[i].unit, l[i].uline))
			latest = i;
	return latest;
}

void line_keep_add(struct line_keep *k, const struct event *ev, const char *path,
		   uint64_t file_line, const char *text, size_t len)
{
	k->seen++;
	size_t slot = k->n;
	if (k->n == k->max) {
		if (k->max == 0)
			return;
		const struct kept_line *l = &k->lines[k->latest];
		if (!before(event_time(ev), ev->unit, ev->line, l->time_ns, l->unit, l->uline))
			return;
		free(k->lines[k->latest].text);
		slot = k->latest;
	} else {
		k->n++;
	}
	struct kept_line *l = &k->lines[slot];
	l->time_ns = event_time(ev);
	l->unit = ev->unit;
	l->uline = ev->line;
	l->path = path;
	l->line = file_line;
	l->text = kept_text(ev, path, file_line, text, len, &l->len);
	/* a big source's later lines (most of them, in a log) are then turned
	 * away at the cost of one comparison */
	if (k->n == k->max)
		k->latest = latest_of(k);
}

static int kept_cmp(const void *x, const void *y)
{
	const struct kept_line *a = x, *b = y;
	if (before(a->time_ns, a->unit, a->uline, b->time_ns, b->unit, b->uline))
		return -1;
	return before(b->time_ns, b->unit, b->uline, a->time_ns, a->unit, a->uline);
}

void line_keep_sort(struct line_keep *k)
{
	qsort(k->lines, k->n, sizeof(*k->lines), kept_cmp);
	k->latest = k->n ? k->n - 1 : 0;
}

void line_keep_to_file_lines(struct line_keep *k, void *result)
{
	for (size_t j = 0; j < k->n; j++) {
		struct kept_line *l = &k->lines[j];
		uint64_t fl = l->uline;
		const char *path = pipeline_origin(result, l->unit, l->uline, &fl);
		if (path) {
			l->path = path;
			l->line = fl;
		}
	}
}

void line_keep_fini(struct line_keep *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->lines[i].text);
	free(k->lines);
	memset(k, 0, sizeof(*k));
}

/* ---- sessions ---------------------------------------------------------------- */

struct want_ref {
	struct ip_addr src;
	size_t i; /* into want[] */
};

static int want_ref_cmp(const void *x, const void *y)
{
	const struct want_ref *a = x, *b = y;
	int c = addr_cmp(&a->src, &b->src);
	return c ? c : (a->i > b->i) - (a->i < b->i);
}

struct session_pass {
	pthread_mutex_t mu;
	const struct line_want *want;
	struct want_ref *refs; /* sorted by source */
	size_t n;
	struct line_keep *keeps;
};

static int in_want(const struct line_want *w, const struct event *ev)
{
	if (!w->to_ns)
		return 1;
	return (ev->flags & EVENT_HAS_TIME) && ev->time_ns >= w->from_ns && ev->time_ns <= w->to_ns;
}

static void session_event(void *arg, const struct event *ev, const char *path,
			  uint64_t file_line, const char *line, size_t len)
{
	struct session_pass *p = arg;
	if (!(ev->flags & EVENT_HAS_SRC))
		return;
	/* the source's first want */
	size_t lo = 0, hi = p->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (addr_cmp(&p->refs[mid].src, &ev->src) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == p->n || addr_cmp(&p->refs[lo].src, &ev->src) != 0)
		return;
	pthread_mutex_lock(&p->mu);
	for (size_t j = lo; j < p->n && addr_cmp(&p->refs[j].src, &ev->src) == 0; j++) {
		size_t i = p->refs[j].i;
		if (in_want(&p->want[i], ev))
			line_keep_add(&p->keeps[i], ev, path, file_line, line, len);
	}
	pthread_mutex_unlock(&p->mu);
}

int line_keep_sessions(const struct input_list *in, const struct pipeline_options *first_pass,
		       const struct line_want *want, size_t n, struct line_keep **keeps)
{
	struct session_pass p = {.want = want, .n = n};
	p.keeps = xcalloc(n ? n : 1, sizeof(*p.keeps));
	p.refs = xcalloc(n ? n : 1, sizeof(*p.refs));
	for (size_t i = 0; i < n; i++) {
		line_keep_init(&p.keeps[i], want[i].max);
		p.refs[i] = (struct want_ref){want[i].src, i};
	}
	qsort(p.refs, n, sizeof(*p.refs), want_ref_cmp);
	pthread_mutex_init(&p.mu, NULL);
	struct pipeline_options popt = pipeline_second_pass(first_pass, session_event, &p);
	struct pipeline_result res;
	int rc = pipeline_run(in, &popt, &res);
	/* a summary pass numbers lines within their unit: now the file's */
	for (size_t i = 0; i < n; i++)
		line_keep_to_file_lines(&p.keeps[i], &res);
	pipeline_result_fini(&res);
	pthread_mutex_destroy(&p.mu);
	free(p.refs);
	for (size_t i = 0; i < n; i++)
		line_keep_sort(&p.keeps[i]);
	*keeps = p.keeps;
	return rc;
}
