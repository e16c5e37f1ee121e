/* The abuse-report state file: one reported incident key per line
 * ("SOURCE TYPE FIRST", see abuse_incident_key), '#' comments. Kept as a
 * sorted array; saved through a temporary file and rename(2), so a crash
 * leaves the old file or the new one, never half of one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "report/abuse_mail.h"

#define STATE_MAX_KEYS 10000000

struct abuse_state {
	char **keys; /* sorted, distinct */
	size_t n, cap;
};

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Index of key, or where it would go (*found 0). */
static size_t find(const struct abuse_state *s, const char *key, int *found)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->keys[mid], key);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

int abuse_state_has(const struct abuse_state *s, const char *key)
{
	int found;
	find(s, key, &found);
	return found;
}

void abuse_state_add(struct abuse_state *s, const char *key)
{
	int found;
	size_t at = find(s, key, &found);
	if (found || s->n >= STATE_MAX_KEYS)
		return;
	s->keys = xgrow(s->keys, &s->cap, s->n + 1, sizeof(*s->keys));
	memmove(s->keys + at + 1, s->keys + at, (s->n - at) * sizeof(*s->keys));
	s->keys[at] = xstrdup(key);
	s->n++;
}

size_t abuse_state_size(const struct abuse_state *s)
{
	return s ? s->n : 0;
}

void abuse_state_free(struct abuse_state *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->keys[i]);
	free(s->keys);
	free(s);
}

struct abuse_state *abuse_state_load(const char *path, char *err, size_t errlen)
{
	struct abuse_state *s = xcalloc(1, sizeof(*s));
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return s;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(s);
		return NULL;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	while ((got = getline(&line, &cap, f)) > 0 && s->n < STATE_MAX_KEYS) {
		size_t n = (size_t)got;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		line[n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		s->keys = xgrow(s->keys, &s->cap, s->n + 1, sizeof(*s->keys));
		s->keys[s->n++] = xstrndup(line, n);
	}
	free(line);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		snprintf(err, errlen, "%s: read error", path);
		abuse_state_free(s);
		return NULL;
	}
	if (s->n > 1)
		qsort(s->keys, s->n, sizeof(*s->keys), key_cmp);
	size_t w = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (w && strcmp(s->keys[w - 1], s->keys[i]) == 0)
			free(s->keys[i]);
		else
			s->keys[w++] = s->keys[i];
	}
	s->n = w;
	return s;
}

int abuse_state_save(const struct abuse_state *s, const char *path, char *err, size_t errlen)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	fputs("# clscan abuse: incidents reported (source type first-seen), one per line\n", f);
	for (size_t i = 0; i < s->n; i++)
		fprintf(f, "%s\n", s->keys[i]);
	int rc = 0;
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}
