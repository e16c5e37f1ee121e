/* The access-log format engine: compiling Apache LogFormat and nginx
 * log_format strings into field programs, running them on lines, and the
 * table of named formats. Reading server configurations is in
 * weblog_conf.c; turning fields into events in weblog_event.c. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "parse/weblog_format.h"

/* ---- compiling -------------------------------------------------------- */

struct wl_compiler {
	struct weblog_format *f;
	uint16_t lit_start; /* where the literal being gathered began in lits[] */
	const char *s;      /* the format string, for error offsets */
	char *err;
	size_t errlen;
	size_t *err_at;
};

static int wl_fail(struct wl_compiler *c, const char *at, const char *msg)
{
	*c->err_at = (size_t)(at - c->s);
	snprintf(c->err, c->errlen, "%s", msg);
	return -1;
}

static int wl_lit_byte(struct wl_compiler *c, const char *at, char b)
{
	if (c->f->lits_used >= WEBLOG_MAX_TEXT)
		return wl_fail(c, at, "format too long");
	c->f->lits[c->f->lits_used++] = b;
	return 0;
}

/* Close the literal gathered so far: it follows the last op (or leads). */
static void wl_close_lit(struct wl_compiler *c)
{
	struct weblog_format *f = c->f;
	uint16_t len = (uint16_t)(f->lits_used - c->lit_start);
	if (f->n_ops == 0) {
		f->lead_len = len; /* the lead literal always starts at 0 */
	} else {
		f->ops[f->n_ops - 1].lit_off = c->lit_start;
		f->ops[f->n_ops - 1].lit_len = len;
	}
	c->lit_start = f->lits_used;
}

/* Append a field. arg (may be NULL) is kept in lits[] for strftime. */
static int wl_add_op(struct wl_compiler *c, const char *at, enum weblog_field field,
		     enum weblog_time_kind tk, int bracketed, const char *arg, size_t arg_len)
{
	struct weblog_format *f = c->f;
	wl_close_lit(c);
	if (f->n_ops > 0 && f->ops[f->n_ops - 1].lit_len == 0) {
		/* nothing between two fields: only "%U%q" is unambiguous */
		struct weblog_op *prev = &f->ops[f->n_ops - 1];
		if (prev->field == WLF_PATH && field == WLF_QUERY) {
			prev->field = WLF_URI;
			f->have |= 1u << WLF_URI;
			return 0;
		}
		return wl_fail(c, at, "two fields with nothing between them");
	}
	if (f->n_ops >= WEBLOG_MAX_OPS)
		return wl_fail(c, at, "too many fields");
	struct weblog_op *op = &f->ops[f->n_ops++];
	memset(op, 0, sizeof(*op));
	op->field = (uint8_t)field;
	op->time_kind = (uint8_t)tk;
	op->bracketed = (uint8_t)bracketed;
	if (arg && arg_len) {
		if (f->lits_used + arg_len > WEBLOG_MAX_TEXT)
			return wl_fail(c, at, "format too long");
		op->arg_off = f->lits_used;
		op->arg_len = (uint16_t)arg_len;
		memcpy(f->lits + f->lits_used, arg, arg_len);
		f->lits_used = (uint16_t)(f->lits_used + arg_len);
		c->lit_start = f->lits_used;
	}
	f->have |= 1u << field;
	return 0;
}

static int wl_arg_is(const char *a, size_t n, const char *lit)
{
	size_t ln = strlen(lit);
	if (n != ln)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char x = a[i], y = lit[i];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return 1;
}

/* Apache %{...}t: "sec", "msec", "usec", a strftime pattern; "begin:" and
 * "end:" prefixes say when the stamp was taken, not how it looks. */
static int wl_apache_time(struct wl_compiler *c, const char *at, const char *arg, size_t n)
{
	if (!arg)
		return wl_add_op(c, at, WLF_TIME, WLT_CLF, 1, NULL, 0);
	if (n >= 6 && memcmp(arg, "begin:", 6) == 0) {
		arg += 6;
		n -= 6;
	} else if (n >= 4 && memcmp(arg, "end:", 4) == 0) {
		arg += 4;
		n -= 4;
	}
	if (wl_arg_is(arg, n, "sec"))
		return wl_add_op(c, at, WLF_TIME, WLT_EPOCH, 0, NULL, 0);
	if (wl_arg_is(arg, n, "msec"))
		return wl_add_op(c, at, WLF_TIME, WLT_EPOCH_MS, 0, NULL, 0);
	if (wl_arg_is(arg, n, "usec"))
		return wl_add_op(c, at, WLF_TIME, WLT_EPOCH_US, 0, NULL, 0);
	if (wl_arg_is(arg, n, "msec_frac") || wl_arg_is(arg, n, "usec_frac"))
		return wl_add_op(c, at, WLF_SKIP, 0, 0, NULL, 0);
	if (n == 0)
		return wl_fail(c, at, "empty time format");
	if (n > 200)
		return wl_fail(c, at, "time format too long");
	return wl_add_op(c, at, WLF_TIME, WLT_STRFTIME, 0, arg, n);
}

/* One Apache directive at s[*i] (just past the '%'). */
static int wl_apache_directive(struct wl_compiler *c, const char *s, size_t n, size_t *i)
{
	const char *at = s + *i - 1;
	size_t k = *i;
	/* conditions (%400,501{User-agent}i, %!200r) and </> (original/final) */
	while (k < n && (s[k] == '!' || s[k] == ',' || (s[k] >= '0' && s[k] <= '9')))
		k++;
	int final = 0;
	while (k < n && (s[k] == '<' || s[k] == '>'))
		final = s[k++] == '>';
	(void)final; /* the final status is what we want either way */
	const char *arg = NULL;
	size_t arg_len = 0;
	if (k < n && s[k] == '{') {
		const char *close = memchr(s + k, '}', n - k);
		if (!close)
			return wl_fail(c, s + k, "'{' without '}'");
		arg = s + k + 1;
		arg_len = (size_t)(close - arg);
		k = (size_t)(close - s) + 1;
	}
	if (k >= n)
		return wl_fail(c, at, "'%' at the end of the format");
	char d = s[k++];
	if (d == '^') { /* %{VARNAME}^ti / ^to: trailers */
		if (k + 1 >= n || s[k] != 't' || (s[k + 1] != 'i' && s[k + 1] != 'o'))
			return wl_fail(c, s + k - 1, "unknown directive");
		*i = k + 2;
		return wl_add_op(c, at, WLF_SKIP, 0, 0, NULL, 0);
	}
	*i = k;
	switch (d) {
	case 'h':
	case 'a':
		return wl_add_op(c, at, WLF_CLIENT, 0, 0, NULL, 0);
	case 'A':
		return wl_add_op(c, at, WLF_SERVER_ADDR, 0, 0, NULL, 0);
	case 'p':
		if (arg && wl_arg_is(arg, arg_len, "remote"))
			return wl_add_op(c, at, WLF_SKIP, 0, 0, NULL, 0);
		return wl_add_op(c, at, WLF_SERVER_PORT, 0, 0, NULL, 0);
	case 'v':
	case 'V':
		return wl_add_op(c, at, WLF_VHOST, 0, 0, NULL, 0);
	case 'u':
		return wl_add_op(c, at, WLF_USER, 0, 0, NULL, 0);
	case 't':
		return wl_apache_time(c, at, arg, arg_len);
	case 'r':
		return wl_add_op(c, at, WLF_REQUEST, 0, 0, NULL, 0);
	case 'm':
		return wl_add_op(c, at, WLF_METHOD, 0, 0, NULL, 0);
	case 'U':
		return wl_add_op(c, at, WLF_PATH, 0, 0, NULL, 0);
	case 'q':
		return wl_add_op(c, at, WLF_QUERY, 0, 0, NULL, 0);
	case 'H':
		return wl_add_op(c, at, WLF_PROTOCOL, 0, 0, NULL, 0);
	case 's':
		return wl_add_op(c, at, WLF_STATUS, 0, 0, NULL, 0);
	case 'b':
	case 'B':
		return wl_add_op(c, at, WLF_BYTES, 0, 0, NULL, 0);
	case 'O':
		return wl_add_op(c, at, WLF_BYTES_TOTAL, 0, 0, NULL, 0);
	case 'i':
		if (!arg)
			return wl_fail(c, at, "%i needs a header name: %{Referer}i");
		if (wl_arg_is(arg, arg_len, "referer") || wl_arg_is(arg, arg_len, "referrer"))
			return wl_add_op(c, at, WLF_REFERER, 0, 0, NULL, 0);
		if (wl_arg_is(arg, arg_len, "user-agent"))
			return wl_add_op(c, at, WLF_USER_AGENT, 0, 0, NULL, 0);
		return wl_add_op(c, at, WLF_SKIP, 0, 0, NULL, 0);
	case 'e':
	case 'n':
	case 'o':
	case 'C':
		if (!arg)
			return wl_fail(c, at, "this directive needs a {name}");
		return wl_add_op(c, at, WLF_SKIP, 0, 0, NULL, 0);
	case 'l':
	case 'I':
	case 'S':
	case 'D':
	case 'T':
	case 'f':
	case 'k':
	case 'L':
	case 'P':
	case 'R':
	case 'X':
		return wl_add_op(c, at, WLF_SKIP, 0, 0, NULL, 0);
	default:
		return wl_fail(c, s + k - 1, "unknown Apache directive");
	}
}

static const struct {
	const char *name;
	uint8_t field, time_kind;
} nginx_vars[] = {
	{"remote_addr", WLF_CLIENT, 0},
	{"binary_remote_addr", WLF_SKIP, 0},
	{"realip_remote_addr", WLF_SKIP, 0},
	{"remote_user", WLF_USER, 0},
	{"time_local", WLF_TIME, WLT_CLF},
	{"time_iso8601", WLF_TIME, WLT_ISO},
	{"msec", WLF_TIME, WLT_EPOCH},
	{"request", WLF_REQUEST, 0},
	{"request_method", WLF_METHOD, 0},
	{"request_uri", WLF_URI, 0},
	{"uri", WLF_PATH, 0},
	{"document_uri", WLF_PATH, 0},
	{"args", WLF_QUERY, 0},
	{"query_string", WLF_QUERY, 0},
	{"server_protocol", WLF_PROTOCOL, 0},
	{"status", WLF_STATUS, 0},
	{"body_bytes_sent", WLF_BYTES, 0},
	{"bytes_sent", WLF_BYTES_TOTAL, 0},
	{"http_referer", WLF_REFERER, 0},
	{"http_user_agent", WLF_USER_AGENT, 0},
	{"host", WLF_VHOST, 0},
	{"http_host", WLF_VHOST, 0},
	{"server_name", WLF_VHOST, 0},
	{"server_port", WLF_SERVER_PORT, 0},
	{"server_addr", WLF_SERVER_ADDR, 0},
};

/* One nginx variable at s[*i] (just past the '$'). */
static int wl_nginx_var(struct wl_compiler *c, const char *s, size_t n, size_t *i)
{
	const char *at = s + *i - 1;
	size_t k = *i;
	int braced = k < n && s[k] == '{';
	if (braced)
		k++;
	size_t b = k;
	while (k < n && (s[k] == '_' || (s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
			 (s[k] >= '0' && s[k] <= '9')))
		k++;
	if (k == b)
		return wl_fail(c, at, "'$' without a variable name");
	size_t len = k - b;
	if (braced) {
		if (k >= n || s[k] != '}')
			return wl_fail(c, s + k, "'${' without '}'");
		k++;
	}
	*i = k;
	for (size_t v = 0; v < ARRAY_LEN(nginx_vars); v++)
		if (strlen(nginx_vars[v].name) == len && memcmp(nginx_vars[v].name, s + b, len) == 0)
			return wl_add_op(c, at, nginx_vars[v].field, nginx_vars[v].time_kind, 0, NULL, 0);
	return wl_add_op(c, at, WLF_SKIP, 0, 0, NULL, 0); /* $upstream_*, $request_time, ... */
}

/* Apache directives are "%x" and "%{..}x"; nginx variables "$name". A
 * string with a "$" followed by a name and no "%" directive is nginx. */
static int wl_is_nginx(const char *s, size_t n)
{
	int dollar = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] == '%' && s[i + 1] != '%')
			return 0;
		if (s[i] == '%')
			i++;
		else if (s[i] == '$' && (s[i + 1] == '_' || s[i + 1] == '{' ||
					 (s[i + 1] >= 'a' && s[i + 1] <= 'z')))
			dollar = 1;
	}
	return dollar;
}

/* How many times stop appears in a value of the op's kind (a stamp with
 * blanks inside, a bare request line). */
static uint8_t wl_inner(const struct weblog_format *f, const struct weblog_op *op, char stop)
{
	if (op->field == WLF_REQUEST && !op->quoted && stop == ' ')
		return 2;
	if (op->field != WLF_TIME || op->bracketed)
		return 0;
	if (op->time_kind == WLT_CLF)
		return stop == ' ' ? 1 : stop == ':' ? 3 : stop == '/' ? 2 : 0;
	if (op->time_kind == WLT_ISO)
		return stop == ':' ? 2 : stop == '-' ? 2 : 0; /* a zone may add more: rare */
	if (op->time_kind != WLT_STRFTIME)
		return 0;
	unsigned count = 0;
	const char *a = f->lits + op->arg_off;
	for (size_t i = 0; i < op->arg_len; i++) {
		if (a[i] != '%') {
			count += a[i] == stop;
			continue;
		}
		if (++i >= op->arg_len)
			break;
		char d = a[i];
		if (d == 'T')
			count += stop == ':' ? 2 : 0;
		else if (d == 'R')
			count += stop == ':';
		else if (d == 'F')
			count += stop == '-' ? 2 : 0;
		else if (d == 'D')
			count += stop == '/' ? 2 : 0;
	}
	return count > 255 ? 255 : (uint8_t)count;
}

static void wl_finish(struct weblog_format *f)
{
	f->have = 0;
	for (size_t i = 0; i < f->n_ops; i++) {
		struct weblog_op *op = &f->ops[i];
		if (op->field != WLF_SKIP)
			f->have |= 1u << op->field;
		const char *before = i == 0 ? f->lits : f->lits + f->ops[i - 1].lit_off;
		size_t before_len = i == 0 ? f->lead_len : f->ops[i - 1].lit_len;
		const char *after = f->lits + op->lit_off;
		op->quoted = before_len && before[before_len - 1] == '"' && op->lit_len &&
			     after[0] == '"';
		if (op->lit_len)
			op->inner = wl_inner(f, op, after[0]);
	}
}

int weblog_format_compile(struct weblog_format *f, const char *name, const char *s, size_t n,
			  char *err, size_t errlen, size_t *err_at)
{
	struct wl_compiler c = {f, 0, s, err, errlen, err_at};
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name ? name : "custom");
	int nginx = wl_is_nginx(s, n);
	size_t i = 0;
	while (i < n) {
		char ch = s[i];
		int rc = 0;
		if (ch == '\0')
			return wl_fail(&c, s + i, "NUL byte in the format");
		if (!nginx && ch == '%') {
			i++;
			if (i < n && s[i] == '%') {
				rc = wl_lit_byte(&c, s + i, '%');
				i++;
			} else {
				rc = wl_apache_directive(&c, s, n, &i);
			}
		} else if (nginx && ch == '$') {
			i++;
			rc = wl_nginx_var(&c, s, n, &i);
		} else if (!nginx && ch == '\\' && i + 1 < n) {
			/* escapes of Apache's config syntax: \" \\ \t \n */
			char e = s[i + 1];
			rc = wl_lit_byte(&c, s + i, e == 't' ? '\t' : e == 'n' ? '\n' : e);
			i += 2;
		} else {
			rc = wl_lit_byte(&c, s + i, ch);
			i++;
		}
		if (rc != 0)
			return -1;
	}
	wl_close_lit(&c);
	if (f->n_ops == 0)
		return wl_fail(&c, s + n, nginx ? "no $variable in the format"
						: "no %directive in the format");
	wl_finish(f);
	return 0;
}

/* ---- running ---------------------------------------------------------- */

/* The closing '"' of a quoted value starting at p: one not escaped by an
 * odd run of backslashes. */
static const char *wl_close_quote(const char *p, const char *end)
{
	const char *q = p;
	for (;;) {
		q = memchr(q, '"', (size_t)(end - q));
		if (!q)
			return NULL;
		size_t bs = 0;
		while (q - bs > p && q[-1 - (ptrdiff_t)bs] == '\\')
			bs++;
		if (!(bs & 1))
			return q;
		q++;
	}
}

/* Fields that may end a format and are a single word: they stop at a blank
 * (so "common" reads the start of a "combined" line). */
static int wl_word_field(unsigned field)
{
	return field == WLF_STATUS || field == WLF_BYTES || field == WLF_BYTES_TOTAL ||
	       field == WLF_SERVER_PORT || field == WLF_SKIP || field == WLF_CLIENT ||
	       field == WLF_SERVER_ADDR || field == WLF_TIME;
}

/* Literals are a byte or three (" ", "\" ", " [", "] \""): compared in
 * line, no call. */
static inline int wl_lit_at(const char *p, const char *end, const char *lit, size_t n)
{
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] != lit[i])
			return 0;
	return 1;
}

/* The first stop byte at or after p: unquoted fields are short (an
 * address, "-", a status), so a plain loop beats a memchr call. */
static inline const char *wl_find(const char *p, const char *end, char stop)
{
	while (p < end && *p != stop)
		p++;
	return p < end ? p : NULL;
}

/* Why a line does not follow the format: the field where it went wrong
 * (its value or the text after it). */
static const char *const wl_reasons[WLF_COUNT] = {
	[WLF_SKIP] = "web log: line does not follow the log format",
	[WLF_CLIENT] = "web log: line does not follow the log format at the client",
	[WLF_SERVER_ADDR] = "web log: line does not follow the log format at the server address",
	[WLF_SERVER_PORT] = "web log: line does not follow the log format at the server port",
	[WLF_VHOST] = "web log: line does not follow the log format at the virtual host",
	[WLF_USER] = "web log: line does not follow the log format at the user",
	[WLF_TIME] = "web log: line does not follow the log format at the time stamp",
	[WLF_REQUEST] = "web log: line does not follow the log format at the request",
	[WLF_METHOD] = "web log: line does not follow the log format at the method",
	[WLF_PATH] = "web log: line does not follow the log format at the path",
	[WLF_QUERY] = "web log: line does not follow the log format at the query",
	[WLF_URI] = "web log: line does not follow the log format at the URI",
	[WLF_PROTOCOL] = "web log: line does not follow the log format at the protocol",
	[WLF_STATUS] = "web log: line does not follow the log format at the status",
	[WLF_BYTES] = "web log: line does not follow the log format at the byte count",
	[WLF_BYTES_TOTAL] = "web log: line does not follow the log format at the byte count",
	[WLF_REFERER] = "web log: line does not follow the log format at the referrer",
	[WLF_USER_AGENT] = "web log: line does not follow the log format at the user agent",
	[WLF_DATE] = "web log: line does not follow the log format at the date",
	[WLF_TIME_OF_DAY] = "web log: line does not follow the log format at the time",
};

int weblog_format_run(const struct weblog_format *f, const char *line, size_t len,
		      struct weblog_fields *out, const char **why)
{
	const char *p = line, *end = line + len;
	out->have = 0;
	if (!wl_lit_at(p, end, f->lits, f->lead_len)) {
		*why = "web log: line does not start as the format says";
		return -1;
	}
	p += f->lead_len;
	const struct weblog_op *op = NULL;
	for (size_t i = 0; i < f->n_ops; i++) {
		op = &f->ops[i];
		const char *lit = f->lits + op->lit_off;
		const char *vs = p, *ve;
		if (op->bracketed) {
			if (p >= end || *p != '[')
				goto short_line;
			ve = wl_find(p, end, ']');
			if (!ve)
				goto short_line;
			vs = p + 1;
			p = ve + 1;
		} else if (op->quoted) {
			ve = wl_close_quote(p, end);
			if (!ve)
				goto short_line;
			p = ve;
		} else if (op->lit_len == 0) {
			ve = end;
			if (wl_word_field(op->field)) {
				const char *sp = memchr(p, ' ', (size_t)(end - p));
				if (sp)
					ve = sp;
			}
			p = ve;
		} else {
			const char *q = p;
			for (unsigned k = 0; k < op->inner; k++) {
				q = wl_find(q, end, lit[0]);
				if (!q)
					goto short_line;
				q++;
			}
			ve = wl_find(q, end, lit[0]);
			if (!ve)
				goto short_line;
			p = ve;
		}
		if (!wl_lit_at(p, end, lit, op->lit_len))
			goto short_line;
		p += op->lit_len;
		{ /* a skipped field lands in v[WLF_SKIP], never read */
			out->v[op->field].ptr = vs;
			out->v[op->field].len = (uint32_t)(ve - vs);
			if (op->field == WLF_TIME) {
				out->time_kind = op->time_kind;
				out->time_arg = f->lits + op->arg_off;
				out->time_arg_len = op->arg_len;
			}
		}
	}
	out->have = f->have;
	return 0;
short_line:
	*why = wl_reasons[op->field];
	return -1;
}

/* ---- named formats ---------------------------------------------------- */

static const struct {
	const char *name, *text;
} named_src[] = {
	/* Apache's stock names (httpd.conf, Debian's apache2.conf) */
	{"combined", "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\""},
	{"common", "%h %l %u %t \"%r\" %>s %O"},
	{"vhost_combined", "%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\""},
	{"vhost_common", "%v %h %l %u %t \"%r\" %>s %b"},
	{"combinedio", "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %I %O"},
	{"referer", "%{Referer}i -> %U"},
	{"agent", "%{User-agent}i"},
	/* nginx's built-in "combined" (and the "main" of its sample nginx.conf) */
	{"main", "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
		 "\"$http_referer\" \"$http_user_agent\" \"$http_x_forwarded_for\""},
	{"nginx_vhost", "$host $remote_addr - $remote_user [$time_local] \"$request\" $status "
			"$body_bytes_sent \"$http_referer\" \"$http_user_agent\""},
};

static struct weblog_format named[ARRAY_LEN(named_src)];
static pthread_once_t named_once = PTHREAD_ONCE_INIT;

static void named_init(void)
{
	for (size_t i = 0; i < ARRAY_LEN(named_src); i++) {
		char err[128];
		size_t at;
		/* the table is ours: a failure here is a bug caught by the tests */
		if (weblog_format_compile(&named[i], named_src[i].name, named_src[i].text,
					  strlen(named_src[i].text), err, sizeof(err), &at) != 0)
			named[i].n_ops = 0;
	}
}

const struct weblog_format *weblog_format_nth(size_t i)
{
	pthread_once(&named_once, named_init);
	return i < ARRAY_LEN(named) ? &named[i] : NULL;
}

const struct weblog_format *weblog_format_named(const char *name)
{
	pthread_once(&named_once, named_init);
	for (size_t i = 0; i < ARRAY_LEN(named); i++)
		if (strcmp(named[i].name, name) == 0)
			return &named[i];
	return NULL;
}
