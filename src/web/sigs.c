/* Probe signatures: the TSV format of data/web_signatures.tsv (documented
 * in its header), the built-in copy, user files that extend or replace
 * it, and compiling the set into one automaton per scanned field. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "web/web_internal.h"

extern const char builtin_web_signatures[];
extern const size_t builtin_web_signatures_len;

/* Bounds on user input. An automaton has up to one state per pattern
 * byte and a row of 4-byte entries per state (one per byte class, at most
 * 256), built twice over while compiling: the total of pattern bytes is
 * what keeps that within tens of megabytes (the built-in set has under
 * 4,000) and the table's offsets far inside 32 bits. */
#define MAX_SIGNATURES 4096
#define MAX_PATTERN 200
#define MAX_PATTERN_BYTES 32768
#define MAX_FIELD 256

static const char *const class_names[WEB_CLASS_COUNT] = {
	[WEB_CLASS_CGI_PROBE] = "cgi-probe",
	[WEB_CLASS_WORM] = "worm",
	[WEB_CLASS_SCANNER] = "scanner",
	[WEB_CLASS_EXPLOIT] = "exploit",
	[WEB_CLASS_CREDENTIAL] = "credential-stuffing",
	[WEB_CLASS_TRAVERSAL] = "traversal",
	[WEB_CLASS_INJECTION] = "injection",
	[WEB_CLASS_RECON] = "recon",
	[WEB_CLASS_XSS] = "xss",
	[WEB_CLASS_ADMIN] = "admin",
};

static const char *const field_names[WEB_FIELD_COUNT] = {
	[WEB_FIELD_PATH] = "path",
	[WEB_FIELD_QUERY] = "query",
	[WEB_FIELD_TARGET] = "request",
	[WEB_FIELD_UA] = "user-agent",
	[WEB_FIELD_REFERRER] = "referrer",
	[WEB_FIELD_ANY] = "any",
};

const char *web_class_name(enum web_class c)
{
	return (unsigned)c < WEB_CLASS_COUNT ? class_names[c] : "?";
}

const char *web_field_name(enum web_field f)
{
	return (unsigned)f < WEB_FIELD_COUNT ? field_names[f] : "?";
}

static int word_eq(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && strncasecmp(s, w, len) == 0;
}

int web_class_parse(const char *s, size_t len)
{
	for (int i = 0; i < WEB_CLASS_COUNT; i++)
		if (word_eq(s, len, class_names[i]))
			return i;
	/* aliases as the brief and older files spell them */
	if (word_eq(s, len, "credential") || word_eq(s, len, "brute-force"))
		return WEB_CLASS_CREDENTIAL;
	if (word_eq(s, len, "recon/sensitive-file") || word_eq(s, len, "sensitive-file"))
		return WEB_CLASS_RECON;
	return -1;
}

static int field_parse(const char *s, size_t len)
{
	for (int i = 0; i < WEB_FIELD_COUNT; i++)
		if (word_eq(s, len, field_names[i]))
			return i;
	if (word_eq(s, len, "any-of-request") || word_eq(s, len, "target"))
		return WEB_FIELD_TARGET;
	if (word_eq(s, len, "ua") || word_eq(s, len, "agent"))
		return WEB_FIELD_UA;
	if (word_eq(s, len, "referer"))
		return WEB_FIELD_REFERRER;
	if (word_eq(s, len, "header"))
		return WEB_FIELD_ANY;
	return -1;
}

static int severity_parse(const char *s, size_t len)
{
	if (word_eq(s, len, "alert"))
		return WEB_SEV_ALERT;
	if (word_eq(s, len, "warning"))
		return WEB_SEV_WARNING;
	if (word_eq(s, len, "info"))
		return WEB_SEV_INFO;
	if (len == 1 && s[0] >= '1' && s[0] <= '5')
		return s[0] - '0';
	return -1;
}

struct web_sigset *web_sigset_new(void)
{
	return xcalloc(1, sizeof(struct web_sigset));
}

static void sig_fini(struct web_signature *g)
{
	free(g->name);
	free(g->pattern);
	free(g->reference);
	free(g->origin);
}

static void uncompile(struct web_sigset *s)
{
	for (int i = 0; i < WEB_SCAN_COUNT; i++) {
		ac_free(&s->ac[i]);
		free(s->pat_sig[i]);
		s->pat_sig[i] = NULL;
	}
	s->compiled = 0;
}

void web_sigset_free(struct web_sigset *s)
{
	if (!s)
		return;
	uncompile(s);
	for (size_t i = 0; i < s->n; i++)
		sig_fini(&s->sigs[i]);
	free(s->sigs);
	free(s);
}

size_t web_sigset_count(const struct web_sigset *s)
{
	return s ? s->n : 0;
}

const struct web_signature *web_sigset_get(const struct web_sigset *s, size_t i)
{
	return i < s->n ? &s->sigs[i] : NULL;
}

/* Split line into tab-separated columns; returns their number. */
static size_t split_tabs(const char *line, size_t len, const char **col, size_t *clen, size_t max)
{
	size_t n = 0, start = 0;
	for (size_t i = 0; i <= len && n < max; i++) {
		if (i == len || line[i] == '\t') {
			col[n] = line + start;
			clen[n] = i - start;
			n++;
			start = i + 1;
		}
	}
	return n;
}

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\r'))
		(*s)++, (*len)--;
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\r'))
		(*len)--;
}

/* Parse one signature line into g (strings allocated). Returns NULL or
 * why the line is bad. */
static const char *parse_line(const char *line, size_t len, struct web_signature *g)
{
	const char *col[7];
	size_t clen[7];
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
			return "control character in line";
	size_t n = split_tabs(line, len, col, clen, 7);
	if (n != 6)
		return "want 6 tab-separated columns: name class severity field pattern reference";
	for (size_t i = 0; i < n; i++) {
		if (i != 4) /* a pattern may end in a space on purpose */
			trim(&col[i], &clen[i]);
		if (clen[i] == 0)
			return "empty column";
		if (clen[i] > MAX_FIELD)
			return "column too long";
	}
	int cls = web_class_parse(col[1], clen[1]);
	if (cls < 0)
		return "unknown class";
	int sev = severity_parse(col[2], clen[2]);
	if (sev < 0)
		return "bad severity (ALERT, WARNING, INFO or 1-5)";
	int field = field_parse(col[3], clen[3]);
	if (field < 0)
		return "unknown field (path, query, request, user-agent, referrer, any)";
	const char *p = col[4];
	size_t plen = clen[4];
	int anchor = WEB_ANCHOR_NONE;
	if (plen > 1 && p[0] == '^') {
		anchor = WEB_ANCHOR_START;
		p++, plen--;
	}
	if (plen > 1 && p[plen - 1] == '$') {
		anchor = anchor == WEB_ANCHOR_START ? WEB_ANCHOR_EXACT : WEB_ANCHOR_END;
		plen--;
	}
	if (plen > MAX_PATTERN)
		return "pattern too long";
	memset(g, 0, sizeof(*g));
	g->name = xstrndup(col[0], clen[0]);
	g->cls = (uint8_t)cls;
	g->severity = (uint8_t)sev;
	g->field = (uint8_t)field;
	g->anchor = (uint8_t)anchor;
	g->pattern = xstrndup(p, plen);
	for (size_t i = 0; i < plen; i++)
		if (g->pattern[i] >= 'A' && g->pattern[i] <= 'Z')
			g->pattern[i] = (char)(g->pattern[i] | 0x20);
	g->pattern_len = plen;
	g->reference = xstrndup(col[5], clen[5]);
	return NULL;
}

static struct web_signature *find_sig(struct web_sigset *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->sigs[i].name, name) == 0)
			return &s->sigs[i];
	return NULL;
}

/* Add g, or let it replace the signature of its name; NULL, or why the
 * set's bounds refuse it. */
static const char *add_sig(struct web_sigset *s, struct web_signature *g)
{
	struct web_signature *old = find_sig(s, g->name);
	size_t old_bytes = old ? old->pattern_len : 0;
	if (!old && s->n >= MAX_SIGNATURES)
		return "too many signatures (limit 4096)";
	if (s->pattern_bytes - old_bytes + g->pattern_len > MAX_PATTERN_BYTES)
		return "patterns too long in all (limit 32768 bytes)";
	s->pattern_bytes = s->pattern_bytes - old_bytes + g->pattern_len;
	if (old) {
		sig_fini(old);
		*old = *g;
		return NULL;
	}
	s->sigs = xgrow(s->sigs, &s->cap, s->n + 1, sizeof(*s->sigs));
	s->sigs[s->n++] = *g;
	return NULL;
}

int web_sigset_load_text(struct web_sigset *s, const char *name, const char *text, size_t len,
			 char *err, size_t errlen)
{
	int bad = 0;
	size_t lineno = 0, pos = 0;
	if (err && errlen)
		err[0] = '\0';
	uncompile(s);
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - line) : len - pos;
		pos += llen + 1;
		lineno++;
		if (llen && line[llen - 1] == '\r')
			llen--;
		size_t k = 0;
		while (k < llen && (line[k] == ' ' || line[k] == '\t'))
			k++;
		if (k == llen || line[k] == '#')
			continue;
		struct web_signature g;
		const char *why = parse_line(line, llen, &g);
		if (!why) {
			g.origin = xasprintf("%s:%zu", name, lineno);
			why = add_sig(s, &g);
			if (why)
				sig_fini(&g);
		}
		if (why) {
			if (bad++ == 0 && err)
				snprintf(err, errlen, "%s:%zu: %s", name, lineno, why);
			fprintf(stderr, "clscan: %s:%zu: %s; line skipped\n", name, lineno, why);
		}
	}
	return bad;
}

int web_sigset_load_file(struct web_sigset *s, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	size_t cap = 65536, n = 0;
	char *buf = xmalloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			if (cap >= (64u << 20)) {
				snprintf(err, errlen, "%s: over 64 MB", path);
				free(buf);
				fclose(f);
				return -1;
			}
			buf = xrealloc(buf, cap * 2);
			cap *= 2;
		}
	}
	int rd_err = ferror(f);
	fclose(f);
	if (rd_err) {
		snprintf(err, errlen, "%s: read error", path);
		free(buf);
		return -1;
	}
	int bad = web_sigset_load_text(s, path, buf, n, err, errlen);
	free(buf);
	return bad;
}

struct web_sigset *web_sigset_builtin(void)
{
	struct web_sigset *s = web_sigset_new();
	char err[256];
	web_sigset_load_text(s, "web_signatures.tsv", builtin_web_signatures,
			     builtin_web_signatures_len, err, sizeof(err));
	return s;
}

static int in_scan(enum web_field f, enum web_scan sc)
{
	switch (sc) {
	case WEB_SCAN_TARGET:
		return f == WEB_FIELD_PATH || f == WEB_FIELD_QUERY || f == WEB_FIELD_TARGET ||
		       f == WEB_FIELD_ANY;
	case WEB_SCAN_UA:
		return f == WEB_FIELD_UA || f == WEB_FIELD_ANY;
	case WEB_SCAN_REFERRER:
		return f == WEB_FIELD_REFERRER || f == WEB_FIELD_ANY;
	default:
		return 0;
	}
}

void web_sigset_compile(struct web_sigset *s)
{
	uncompile(s);
	const char **pats = xmalloc((s->n ? s->n : 1) * sizeof(*pats));
	size_t *lens = xmalloc((s->n ? s->n : 1) * sizeof(*lens));
	for (int sc = 0; sc < WEB_SCAN_COUNT; sc++) {
		size_t k = 0;
		s->pat_sig[sc] = xmalloc((s->n ? s->n : 1) * sizeof(uint32_t));
		for (size_t i = 0; i < s->n; i++) {
			if (!in_scan(s->sigs[i].field, (enum web_scan)sc))
				continue;
			pats[k] = s->sigs[i].pattern;
			lens[k] = s->sigs[i].pattern_len;
			s->pat_sig[sc][k++] = (uint32_t)i;
		}
		ac_build(&s->ac[sc], pats, lens, k);
	}
	free(pats);
	free(lens);
	s->compiled = 1;
}

/* ---- options ------------------------------------------------------------- */

const struct web_option web_options[] = {
	{"web-signatures", 1},
	{"web-signatures-only", 1},
	{"no-web", 0},
	{"web-max-sources", 1},
};
const size_t web_n_options = ARRAY_LEN(web_options);

int web_option_apply(struct web_setup *s, size_t i, const char *arg, char *err, size_t errlen)
{
	switch (i) {
	case 0:
	case 1:
		if (s->n_files >= ARRAY_LEN(s->files)) {
			snprintf(err, errlen, "at most %zu signature files", ARRAY_LEN(s->files));
			return -1;
		}
		s->files[s->n_files++] = arg;
		if (i == 1)
			s->builtin_off = 1;
		return 0;
	case 2:
		s->disabled = 1;
		return 0;
	case 3: {
		uint64_t v;
		if (parse_u64(arg, strlen(arg), 100000000, &v) < 0 || v == 0) {
			snprintf(err, errlen, "--web-max-sources wants a number from 1");
			return -1;
		}
		s->max_sources = (size_t)v;
		return 0;
	}
	default:
		snprintf(err, errlen, "unknown web option");
		return -1;
	}
}

struct web_sigset *web_setup_finish(const struct web_setup *s, struct web_config *cfg,
				    char *err, size_t errlen)
{
	err[0] = '\0';
	web_config_defaults(cfg);
	if (s->disabled)
		return NULL;
	struct web_sigset *set = s->builtin_off ? web_sigset_new() : web_sigset_builtin();
	for (size_t i = 0; i < s->n_files; i++) {
		char e[512];
		int bad = web_sigset_load_file(set, s->files[i], e, sizeof(e));
		if (bad < 0) {
			snprintf(err, errlen, "%s", e);
			web_sigset_free(set);
			return NULL;
		}
		if (bad > 0)
			fprintf(stderr, "clscan: %s: %d bad signature line%s skipped\n", s->files[i],
				bad, bad == 1 ? "" : "s");
	}
	web_sigset_compile(set);
	cfg->sigs = set;
	if (s->max_sources)
		cfg->max_sources = s->max_sources;
	return set;
}
