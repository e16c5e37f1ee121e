/* --log-format and --log-format-file: a format by name, as a string, or
 * out of the web server's own configuration. Apache: `LogFormat "..."
 * nick` and `CustomLog path nick|"..."`; nginx: `log_format name
 * [escape=..] '...' '...';` (strings concatenated, over several lines) and
 * `access_log path [name];` (nginx's default name is "combined"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "parse/weblog_format.h"

#define WL_CONF_MAX (4u << 20) /* configs are small; a cap keeps a wrong path cheap */
#define WL_CONF_FORMATS 64

struct wl_conf_format {
	char name[48];
	char *text; /* owned */
	size_t len;
	int nginx;
};

struct wl_conf {
	struct wl_conf_format fmt[WL_CONF_FORMATS];
	size_t n;
	char first_use[48];  /* nickname used by the first CustomLog/access_log */
	char *first_inline;  /* or the format string written there (owned) */
	size_t first_inline_len;
	int saw_use;
};

static const char *wl_skip_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

static int wl_word_is(const char *p, const char *end, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(end - p) <= n || strncasecmp(p, w, n) != 0)
		return 0;
	return p[n] == ' ' || p[n] == '\t';
}

/* A quoted string at p (' or "): its text with nginx-style backslash
 * escapes removed when unescape, else as written. Returns the end, or
 * NULL if it is unterminated. */
static const char *wl_quoted(const char *p, const char *end, int unescape, char *buf, size_t cap,
			     size_t *len)
{
	char q = *p++;
	size_t n = 0;
	while (p < end && *p != q) {
		if (*p == '\\' && p + 1 < end) {
			if (!unescape && n < cap)
				buf[n++] = *p;
			p++;
		}
		if (n < cap)
			buf[n++] = *p;
		p++;
	}
	if (p >= end)
		return NULL;
	*len = n < cap ? n : cap;
	return p + 1;
}

/* A bare word at p (up to a blank or ';'). */
static const char *wl_bare(const char *p, const char *end, const char **w, size_t *wl)
{
	*w = p;
	while (p < end && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != ';')
		p++;
	*wl = (size_t)(p - *w);
	return p;
}

static void wl_conf_add(struct wl_conf *c, const char *name, size_t nl, const char *text,
			size_t len, int nginx)
{
	if (c->n == WL_CONF_FORMATS)
		return;
	struct wl_conf_format *f = &c->fmt[c->n++];
	snprintf(f->name, sizeof(f->name), "%.*s", (int)(nl < 47 ? nl : 47), name);
	f->text = xstrndup(text, len);
	f->len = len;
	f->nginx = nginx;
}

/* The first CustomLog/access_log: by nickname, or with its own string. */
static void wl_conf_use(struct wl_conf *c, const char *name, size_t nl)
{
	if (c->saw_use)
		return;
	c->saw_use = 1;
	snprintf(c->first_use, sizeof(c->first_use), "%.*s", (int)(nl < 47 ? nl : 47), name);
}

static void wl_conf_use_inline(struct wl_conf *c, const char *text, size_t len)
{
	if (c->saw_use)
		return;
	c->saw_use = 1;
	c->first_inline = xstrndup(text, len);
	c->first_inline_len = len;
}

/* Apache: one directive per line. */
static void wl_conf_apache_line(struct wl_conf *c, const char *p, const char *end, char *buf,
				size_t cap)
{
	int logformat = wl_word_is(p, end, "LogFormat");
	int customlog = wl_word_is(p, end, "CustomLog");
	if (!logformat && !customlog)
		return;
	p = wl_skip_blank(p + 9, end);
	size_t len = 0;
	const char *w;
	size_t wl;
	if (customlog) {
		if (p < end && *p == '"') { /* a quoted path */
			p = wl_quoted(p, end, 0, buf, cap, &len);
			if (!p)
				return;
		} else {
			p = wl_bare(p, end, &w, &wl);
		}
		p = wl_skip_blank(p, end);
		if (p >= end)
			return;
		if (*p == '"') {
			if (wl_quoted(p, end, 0, buf, cap, &len))
				wl_conf_use_inline(c, buf, len);
			return;
		}
		wl_bare(p, end, &w, &wl);
		wl_conf_use(c, w, wl);
		return;
	}
	if (p >= end || *p != '"')
		return;
	p = wl_quoted(p, end, 0, buf, cap, &len);
	if (!p)
		return;
	p = wl_skip_blank(p, end);
	wl_bare(p, end, &w, &wl);
	if (wl == 0) /* LogFormat without a nickname: the default for TransferLog */
		wl_conf_add(c, "default", 7, buf, len, 0);
	else
		wl_conf_add(c, w, wl, buf, len, 0);
}

/* nginx: directives end with ';' and may span lines. */
static const char *wl_conf_nginx_stmt(struct wl_conf *c, const char *p, const char *end,
				      char *buf, size_t cap)
{
	int logfmt = wl_word_is(p, end, "log_format");
	int access = wl_word_is(p, end, "access_log");
	p = wl_skip_blank(p + 10, end);
	const char *w;
	size_t wl;
	if (access) {
		p = wl_bare(p, end, &w, &wl); /* the path, or "off" */
		if (wl == 3 && memcmp(w, "off", 3) == 0)
			return p;
		p = wl_skip_blank(p, end);
		p = wl_bare(p, end, &w, &wl);
		if (wl == 0 || memchr(w, '=', wl)) /* no name: nginx's "combined" */
			wl_conf_use(c, "combined", 8);
		else
			wl_conf_use(c, w, wl);
		return p;
	}
	if (!logfmt)
		return p;
	const char *name;
	size_t nl;
	p = wl_bare(p, end, &name, &nl);
	size_t len = 0;
	for (;;) {
		p = wl_skip_blank(p, end);
		if (p >= end || *p == ';')
			break;
		if (*p == '\'' || *p == '"') {
			size_t piece;
			p = wl_quoted(p, end, 1, buf + len, cap - len, &piece);
			if (!p)
				return end;
			len += piece;
			continue;
		}
		p = wl_bare(p, end, &w, &wl); /* escape=json and friends */
		if (wl == 0)
			p++;
	}
	if (nl)
		wl_conf_add(c, name, nl, buf, len, 1);
	return p;
}

static void wl_conf_scan(struct wl_conf *c, const char *text, size_t n, char *buf, size_t cap)
{
	const char *p = text, *end = text + n;
	while (p < end) {
		p = wl_skip_blank(p, end);
		if (p >= end)
			break;
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if (*p == '#') {
			p = eol;
			continue;
		}
		if (wl_word_is(p, end, "log_format") || wl_word_is(p, end, "access_log")) {
			p = wl_conf_nginx_stmt(c, p, end, buf, cap);
			continue;
		}
		if (wl_word_is(p, eol, "LogFormat") || wl_word_is(p, eol, "CustomLog")) {
			wl_conf_apache_line(c, p, eol, buf, cap);
			p = eol;
			continue;
		}
		/* anything else: step over one word or bracket, so that
		 * "server { access_log /x main; }" on one line is still read */
		if (*p == '{' || *p == '}' || *p == ';') {
			p++;
			continue;
		}
		while (p < end && !memchr(" \t\r\n{};", *p, 7))
			p++;
	}
}

static char *wl_read_file(const char *path, size_t *n, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		snprintf(err, errlen, "--log-format-file %s: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = xmalloc(WL_CONF_MAX + 1);
	*n = fread(buf, 1, WL_CONF_MAX + 1, fp);
	int bad = ferror(fp);
	fclose(fp);
	if (bad || *n > WL_CONF_MAX) {
		snprintf(err, errlen, "--log-format-file %s: %s", path,
			 bad ? "read error" : "larger than 4 MB: not a server configuration");
		free(buf);
		return NULL;
	}
	return buf;
}

/* Compile, turning an error into "MSG at character N" and a caret line. */
static int wl_compile_shown(struct weblog_format *f, const char *name, const char *s, size_t n,
			    const char *where, char *err, size_t errlen)
{
	char msg[160];
	size_t at = 0;
	if (weblog_format_compile(f, name, s, n, msg, sizeof(msg), &at) == 0)
		return 0;
	/* show at most 70 characters around the offending one */
	size_t from = at > 50 ? at - 50 : 0;
	size_t show = n - from < 70 ? n - from : 70;
	snprintf(err, errlen, "bad log format%s%s: %s at character %zu:\n  %.*s\n  %*s^", where ? " " : "",
		 where ? where : "", msg, at + 1, (int)show, s + from, (int)(at - from), "");
	return -1;
}

static const struct wl_conf_format *wl_conf_find(const struct wl_conf *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->fmt[i].name, name) == 0)
			return &c->fmt[i];
	return NULL;
}

int weblog_format_from_conf_text(struct weblog_format *f, const char *name, const char *text,
				 size_t n, const char *path, char *err, size_t errlen)
{
	struct wl_conf *c = xcalloc(1, sizeof(*c));
	char *buf = xmalloc(WEBLOG_MAX_TEXT * 2);
	wl_conf_scan(c, text, n, buf, WEBLOG_MAX_TEXT * 2);
	int rc = -1;
	char where[300];
	const char *want = name ? name : c->first_use[0] ? c->first_use : NULL;
	const struct wl_conf_format *cf = want ? wl_conf_find(c, want) : NULL;
	const struct weblog_format *builtin = want && !cf ? weblog_format_named(want) : NULL;
	if (cf) {
		snprintf(where, sizeof(where), "'%s' in %s", cf->name, path);
		rc = wl_compile_shown(f, cf->name, cf->text, cf->len, where, err, errlen);
	} else if (builtin) {
		*f = *builtin;
		rc = 0;
	} else if (!name && c->first_inline) {
		snprintf(where, sizeof(where), "of the first CustomLog in %s", path);
		rc = wl_compile_shown(f, "custom", c->first_inline, c->first_inline_len, where, err,
				      errlen);
	} else if (!want && c->n > 0) {
		snprintf(where, sizeof(where), "'%s' in %s", c->fmt[0].name, path);
		rc = wl_compile_shown(f, c->fmt[0].name, c->fmt[0].text, c->fmt[0].len, where, err,
				      errlen);
	} else if (want) {
		snprintf(err, errlen, "--log-format-file %s: no format named '%s' there", path, want);
	} else {
		snprintf(err, errlen, "--log-format-file %s: no LogFormat or log_format found", path);
	}
	for (size_t i = 0; i < c->n; i++)
		free(c->fmt[i].text);
	free(c->first_inline);
	free(c);
	free(buf);
	return rc;
}

static int wl_from_conf(struct weblog_format *f, const char *name, const char *path, char *err,
			size_t errlen)
{
	size_t n;
	char *text = wl_read_file(path, &n, err, errlen);
	if (!text)
		return -1;
	int rc = weblog_format_from_conf_text(f, name, text, n, path, err, errlen);
	free(text);
	return rc;
}

int weblog_format_resolve(struct weblog_format *f, const char *name, const char *conf_path,
			  char *err, size_t errlen)
{
	if (conf_path)
		return wl_from_conf(f, name, conf_path, err, errlen);
	if (!name) {
		snprintf(err, errlen, "no log format given");
		return -1;
	}
	const struct weblog_format *builtin = weblog_format_named(name);
	if (builtin) {
		*f = *builtin;
		return 0;
	}
	if (!strchr(name, '%') && !strchr(name, '$')) {
		/* a word: a misspelt name, not a format string */
		size_t used = (size_t)snprintf(err, errlen, "unknown log format name '%s'; named formats:",
					       name);
		const struct weblog_format *nf;
		for (size_t i = 0; (nf = weblog_format_nth(i)) != NULL && used < errlen; i++)
			used += (size_t)snprintf(err + used, errlen - used, " %s", nf->name);
		return -1;
	}
	return wl_compile_shown(f, "custom", name, strlen(name), NULL, err, errlen);
}
