/* Composing abuse reports as mail (see abuse_mail.h). Headers follow RFC
 * 5322 (lines of at most 78 octets where they can fold, never over 998),
 * non-ASCII header text becomes RFC 2047 "B" encoded-words, the body is
 * 7bit when it is plain ASCII and quoted-printable (RFC 2045 section 6.7)
 * otherwise or when a line is too long, so log lines arrive exactly as
 * they were read. X-ARF v0.2 (x-arf.org): multipart/mixed with the human
 * text, a YAML report named report.txt and the log lines as logfile.log. */
#include "report/abuse_mail.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

extern const char abuse_template_en[];
extern const size_t abuse_template_en_len;
extern const char abuse_template_ja[];
extern const size_t abuse_template_ja_len;

#define DEFAULT_SUBJECT "Abuse report: {type} from {source} against {server} ({range})"

struct mbuf {
	char *p;
	size_t len, cap;
};

static void mb_add(struct mbuf *b, const char *s, size_t n)
{
	b->p = xgrow(b->p, &b->cap, b->len + n + 1, 1);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void mb_str(struct mbuf *b, const char *s)
{
	mb_add(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3))) mb_printf(struct mbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	mb_add(b, s, (size_t)n);
	free(s);
}

const char *abuse_mail_builtin_template(const char *lang, size_t *len)
{
	if (!lang || strcmp(lang, "en") == 0) {
		*len = abuse_template_en_len;
		return abuse_template_en;
	}
	if (strcmp(lang, "ja") == 0) {
		*len = abuse_template_ja_len;
		return abuse_template_ja;
	}
	return NULL;
}

static int is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* ---- headers ------------------------------------------------------------ */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64_add(struct mbuf *b, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		char q[4] = {b64[(v >> 18) & 63], b64[(v >> 12) & 63],
			     i + 1 < n ? b64[(v >> 6) & 63] : '=', i + 2 < n ? b64[v & 63] : '='};
		mb_add(b, q, 4);
	}
}

/* Bytes of s[0..n) that fit in max without cutting a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t k = max;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return k ? k : max;
}

/* Encoded words of 39 raw octets (52 base64 characters, 64 with the
 * markers): with "Subject: " the first line stays under 78. */
static void header_encoded(struct mbuf *b, const char *v, size_t n)
{
	int first = 1;
	while (n > 0) {
		size_t k = utf8_cut(v, n, 39);
		if (!first)
			mb_str(b, "\r\n ");
		mb_str(b, "=?UTF-8?B?");
		base64_add(b, (const unsigned char *)v, k);
		mb_str(b, "?=");
		v += k;
		n -= k;
		first = 0;
	}
}

/* ASCII text folded at spaces before column 78 where it can be. */
static void header_folded(struct mbuf *b, size_t col, const char *v, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && v[j] == ' ')
			j++;
		while (j < n && v[j] != ' ')
			j++;
		/* the word v[i..j) starts with its spaces */
		if (col + (j - i) > 78 && i > 0 && v[i] == ' ') {
			mb_str(b, "\r\n");
			col = 0;
		}
		mb_add(b, v + i, j - i);
		col += j - i;
		i = j;
	}
}

/* No CR/LF may reach a header from options or templates. */
static char *header_clean(const char *v)
{
	char *c = xstrdup(v ? v : "");
	for (char *p = c; *p; p++)
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
	return c;
}

/* Folding happens only at spaces: a longer run could not be broken. */
static int has_long_word(const char *v, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		run = v[i] == ' ' ? 0 : run + 1;
		if (run > 900)
			return 1;
	}
	return 0;
}

static void header_to(struct mbuf *b, const char *name, const char *value)
{
	char *v = header_clean(value);
	size_t n = strlen(v);
	mb_str(b, name);
	mb_str(b, ": ");
	/* ASCII folds at its spaces; anything else, or a word too long for
	 * one line (RFC 5322 section 2.1.1: 998 octets), goes as encoded
	 * words, which may be cut anywhere */
	if (is_ascii(v, n) && !has_long_word(v, n))
		header_folded(b, strlen(name) + 2, v, n);
	else
		header_encoded(b, v, n);
	mb_str(b, "\r\n");
	free(v);
}

void abuse_mail_header(char **buf, size_t *len, size_t *cap, const char *name, const char *value)
{
	struct mbuf b = {*buf, *len, *cap};
	header_to(&b, name, value);
	*buf = b.p;
	*len = b.len;
	*cap = b.cap;
}

static const char *const wday[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

const char *abuse_mail_date(struct tz_cache *tz, int64_t ns, char *buf)
{
	int64_t sec = floor_div(ns, NS_PER_SEC);
	int64_t off = timeconv_utc_offset(tz, sec);
	int64_t local = sec + off;
	int64_t days = floor_div(local, 86400);
	int64_t rem = local - days * 86400;
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	int64_t aoff = off < 0 ? -off : off;
	snprintf(buf, 40, "%s, %02u %s %04d %02d:%02d:%02d %c%02d%02d",
		 wday[(size_t)(((days % 7) + 7) % 7)], d, mon[m - 1], y, (int)(rem / 3600),
		 (int)(rem / 60 % 60), (int)(rem % 60), off < 0 ? '-' : '+', (int)(aoff / 3600),
		 (int)(aoff / 60 % 60));
	return buf;
}

/* "2026-12-07 05:47" in the chosen zone. */
static void local_minute(struct tz_cache *tz, int64_t ns, char *buf)
{
	char t[48];
	time_format_local(tz, ns, t);
	t[16] = '\0';
	memcpy(buf, t, 17);
}

/* "UTC", or "Asia/Tokyo, UTC+09:00". */
static void zone_label(const char *zone, struct tz_cache *tz, int64_t ns, char *buf, size_t len)
{
	int64_t off = timeconv_utc_offset(tz, floor_div(ns, NS_PER_SEC));
	int64_t aoff = off < 0 ? -off : off;
	char utc[16];
	if (off == 0)
		snprintf(utc, sizeof(utc), "UTC");
	else
		snprintf(utc, sizeof(utc), "UTC%c%02d:%02d", off < 0 ? '-' : '+', (int)(aoff / 3600),
			 (int)(aoff / 60 % 60));
	if (!zone || strcmp(zone, "local") == 0 || strcmp(zone, utc) == 0 ||
	    (off == 0 && strcmp(zone, "UTC") == 0))
		snprintf(buf, len, "%s", utc);
	else
		snprintf(buf, len, "%s, %s", zone, utc);
}

/* ---- incident identity --------------------------------------------------- */

const char *abuse_incident_key(const struct abuse_incident *inc, char *buf)
{
	char a[ADDR_STRLEN], t[48];
	addr_format(&inc->src, a);
	time_format_rfc3339_utc(inc->first_ns, t);
	snprintf(buf, ABUSE_KEY_MAX, "%.80s %s %s", inc->source_name ? inc->source_name : a, inc->type_key ? inc->type_key : "incident", t);
	return buf;
}

/* FNV-1a, 64 bits: stable across runs and machines, which a Message-ID
 * derived from the incident must be (no secret key: nothing is looked up). */
static uint64_t fnv1a(const char *s, uint64_t h)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The domain of "Name <user@host>" or "user@host", or NULL. */
static const char *addr_domain(const char *from, char *buf, size_t len)
{
	if (!from)
		return NULL;
	const char *at = strrchr(from, '@');
	if (!at)
		return NULL;
	size_t n = strcspn(at + 1, "> \t");
	if (n == 0 || n >= len)
		return NULL;
	memcpy(buf, at + 1, n);
	buf[n] = '\0';
	return buf;
}

/* --from: "addr", "<addr>" or "Name <addr>". The display name is quoted
 * if it has specials, encoded if not ASCII. */
static int format_from(const char *from, char *out, size_t outlen, struct mbuf *hdr)
{
	const char *lt = strchr(from, '<');
	const char *addr = from, *addr_end = from + strlen(from);
	if (lt) {
		const char *gt = strchr(lt, '>');
		if (!gt || gt[1] != '\0')
			return -1;
		addr = lt + 1;
		addr_end = gt;
	}
	size_t alen = (size_t)(addr_end - addr);
	if (alen == 0 || alen >= outlen || memchr(addr, ' ', alen) || !memchr(addr, '@', alen))
		return -1;
	for (size_t i = 0; i < alen; i++)
		if ((unsigned char)addr[i] <= ' ' || (unsigned char)addr[i] >= 0x7f ||
		    strchr("<>()[],;:\"\\", addr[i]))
			return -1;
	memcpy(out, addr, alen);
	out[alen] = '\0';
	if (!lt) {
		mb_str(hdr, out);
		return 0;
	}
	size_t nlen = (size_t)(lt - from);
	while (nlen && from[nlen - 1] == ' ')
		nlen--;
	if (nlen && is_ascii(from, nlen)) {
		int special = 0;
		for (size_t i = 0; i < nlen; i++)
			if (strchr("()<>[]:;@\\,.\"", from[i]) || (unsigned char)from[i] < ' ')
				special = 1;
		if (special) {
			mb_str(hdr, "\"");
			for (size_t i = 0; i < nlen; i++) {
				if (from[i] == '"' || from[i] == '\\')
					mb_str(hdr, "\\");
				if ((unsigned char)from[i] >= ' ')
					mb_add(hdr, from + i, 1);
			}
			mb_str(hdr, "\"");
		} else {
			mb_add(hdr, from, nlen);
		}
		mb_str(hdr, " ");
	} else if (nlen) {
		header_encoded(hdr, from, nlen);
		mb_str(hdr, " ");
	}
	mb_printf(hdr, "<%s>", out);
	return 0;
}

int abuse_mail_from_ok(const char *from)
{
	struct mbuf hdr = {0};
	char addr[256];
	int ok = format_from(from, addr, sizeof(addr), &hdr) == 0;
	free(hdr.p);
	return ok;
}

/* ---- body: template expansion ------------------------------------------ */

struct fill {
	const struct abuse_mail_options *o;
	const struct abuse_incident *inc;
	char source[256];
	char first[24], last[24], range[160], zone[96], count[32], more[32], severity[8];
};

/* An evidence line with control characters shown as \xNN, so no CR or
 * stray escape reaches the reader's terminal; other bytes are kept. */
static void evidence_line(struct mbuf *b, const struct abuse_evidence *e)
{
	mb_printf(b, "%s:%llu: ", e->path, (unsigned long long)e->line);
	for (size_t i = 0; i < e->len; i++) {
		unsigned char ch = (unsigned char)e->text[i];
		if ((ch < ' ' && ch != '\t') || ch == 0x7f)
			mb_printf(b, "\\x%02x", ch);
		else
			mb_add(b, e->text + i, 1);
	}
	mb_str(b, "\n");
}

static void evidence_block(struct mbuf *b, const struct abuse_incident *inc)
{
	for (size_t i = 0; i < inc->n_evidence; i++)
		evidence_line(b, &inc->evidence[i]);
}

/* The value of a placeholder, or NULL if the name is not one. */
static const char *fill_value(const struct fill *f, const char *name, size_t n)
{
#define IS(s) (n == sizeof(s) - 1 && memcmp(name, s, n) == 0)
	const struct abuse_mail_options *o = f->o;
	if (IS("source"))
		return f->source;
	if (IS("name"))
		return f->inc->host ? f->inc->host : "";
	if (IS("type"))
		return f->inc->type ? f->inc->type : "abuse";
	if (IS("summary"))
		return f->inc->summary ? f->inc->summary : "";
	if (IS("first"))
		return f->first;
	if (IS("last"))
		return f->last;
	if (IS("range"))
		return f->range;
	if (IS("zone"))
		return f->zone;
	if (IS("count"))
		return f->count;
	if (IS("severity"))
		return f->severity;
	if (IS("server"))
		return o->server ? o->server : "our server";
	if (IS("reporter"))
		return o->reporter ? o->reporter : "";
	if (IS("org"))
		return o->org ? o->org : "";
	if (IS("from"))
		return o->from ? o->from : "";
	if (IS("evidence_more"))
		return f->inc->evidence_more ? f->more : "";
	if (IS("evidence_shown"))
		return f->inc->n_evidence ? "yes" : "";
	return NULL;
#undef IS
}

/* Expand one template line (without its newline) into b. "{evidence}"
 * becomes the evidence lines; unknown "{words}" stay as written. */
static void expand_line(struct mbuf *b, const struct fill *f, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		const char *open = memchr(s + i, '{', n - i);
		if (!open) {
			mb_add(b, s + i, n - i);
			return;
		}
		size_t o = (size_t)(open - s);
		mb_add(b, s + i, o - i);
		const char *close = memchr(open, '}', n - o);
		if (!close) {
			mb_add(b, open, n - o);
			return;
		}
		size_t nlen = (size_t)(close - open) - 1;
		const char *v;
		if (nlen == 8 && memcmp(open + 1, "evidence", 8) == 0) {
			evidence_block(b, f->inc);
			if (b->len && b->p[b->len - 1] == '\n')
				b->len--; /* the template's own newline follows */
		} else if ((v = fill_value(f, open + 1, nlen))) {
			mb_str(b, v);
		} else {
			mb_add(b, open, nlen + 2);
		}
		i = (size_t)(close - s) + 1;
	}
}

/* Lines starting "{?name}" are kept only when the placeholder is not
 * empty. Output lines end in '\n'. */
static void expand(struct mbuf *b, const struct fill *f, const char *t, size_t n)
{
	size_t pos = 0;
	while (pos < n) {
		const char *nl = memchr(t + pos, '\n', n - pos);
		size_t end = nl ? (size_t)(nl - t) : n;
		const char *s = t + pos;
		size_t len = end - pos;
		if (len && s[len - 1] == '\r')
			len--;
		pos = end + 1;
		if (len > 2 && s[0] == '{' && s[1] == '?') {
			const char *close = memchr(s, '}', len);
			if (close) {
				const char *v = fill_value(f, s + 2, (size_t)(close - s) - 2);
				if (!v || !v[0])
					continue;
				size_t skip = (size_t)(close - s) + 1;
				s += skip;
				len -= skip;
			}
		}
		expand_line(b, f, s, len);
		mb_str(b, "\n");
	}
}

/* Split a template into its "Subject:" line (if it starts with one) and
 * the body after the blank line that follows it. */
static void split_template(const char *t, size_t n, const char **subj, size_t *subj_len,
			   const char **body, size_t *body_len)
{
	*subj = DEFAULT_SUBJECT;
	*subj_len = strlen(DEFAULT_SUBJECT);
	*body = t;
	*body_len = n;
	if (n < 8 || strncasecmp(t, "Subject:", 8) != 0)
		return;
	const char *nl = memchr(t, '\n', n);
	size_t end = nl ? (size_t)(nl - t) : n;
	size_t s = 8;
	while (s < end && t[s] == ' ')
		s++;
	size_t e = end;
	if (e > s && t[e - 1] == '\r')
		e--;
	*subj = t + s;
	*subj_len = e - s;
	size_t rest = nl ? end + 1 : n;
	if (rest < n && t[rest] == '\n')
		rest++;
	else if (rest + 1 < n && t[rest] == '\r' && t[rest + 1] == '\n')
		rest += 2;
	*body = t + rest;
	*body_len = n - rest;
}

static void fill_init(struct fill *f, const struct abuse_mail_options *o,
		      const struct abuse_incident *inc)
{
	memset(f, 0, sizeof(*f));
	f->o = o;
	f->inc = inc;
	if (inc->source_name)
		snprintf(f->source, sizeof(f->source), "%s", inc->source_name);
	else
		addr_format(&inc->src, f->source);
	char t1[48], t2[48];
	time_format_local(o->tz, inc->first_ns, t1);
	time_format_local(o->tz, inc->last_ns, t2);
	snprintf(f->first, sizeof(f->first), "%.19s", t1);
	snprintf(f->last, sizeof(f->last), "%.19s", t2);
	zone_label(o->zone, o->tz, inc->first_ns, f->zone, sizeof(f->zone));
	char m1[17], m2[17];
	local_minute(o->tz, inc->first_ns, m1);
	local_minute(o->tz, inc->last_ns, m2);
	const char *zshort = o->zone && strcmp(o->zone, "local") != 0 ? o->zone : f->zone;
	if (memcmp(m1, m2, 16) == 0)
		snprintf(f->range, sizeof(f->range), "%s %s", m1, zshort);
	else if (memcmp(m1, m2, 10) == 0)
		snprintf(f->range, sizeof(f->range), "%s-%s %s", m1, m2 + 11, zshort);
	else
		snprintf(f->range, sizeof(f->range), "%s - %s %s", m1, m2, zshort);
	fmt_count(inc->count, f->count);
	fmt_count(inc->evidence_more, f->more);
	snprintf(f->severity, sizeof(f->severity), "%u", inc->severity);
}

/* ---- transfer encodings -------------------------------------------------- */

/* Text with '\n' line ends as quoted-printable with CRLF: every line at
 * most 76 characters, soft breaks "=" where longer. */
static void qp_add(struct mbuf *b, const char *s, size_t n)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\n') {
			mb_str(b, "\r\n");
			col = 0;
			continue;
		}
		char enc[4];
		size_t w;
		int at_end = i + 1 == n || s[i + 1] == '\n';
		if ((ch >= 33 && ch <= 126 && ch != '=') || ((ch == ' ' || ch == '\t') && !at_end)) {
			enc[0] = (char)ch;
			w = 1;
		} else {
			snprintf(enc, sizeof(enc), "=%02X", ch);
			w = 3;
		}
		/* leave room for the soft break's "=" unless this ends the line */
		if (col + w > (at_end ? 76 : 75)) {
			mb_str(b, "=\r\n");
			col = 0;
		}
		mb_add(b, enc, w);
		col += w;
	}
}

/* 7bit is possible when every octet is ASCII without NUL and every line
 * fits in 998 octets. */
static int fits_7bit(const char *s, size_t n)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x80 || ch == 0 || ch == '\r')
			return 0;
		col = ch == '\n' ? 0 : col + 1;
		if (col > 998)
			return 0;
	}
	return 1;
}

static void crlf_add(struct mbuf *b, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\n')
			continue;
		mb_add(b, s + start, i - start);
		mb_str(b, "\r\n");
		start = i + 1;
	}
	if (start < n) {
		mb_add(b, s + start, n - start);
		mb_str(b, "\r\n");
	}
}

/* Content-Type (given) and Content-Transfer-Encoding headers, the blank
 * line, then the text encoded. */
static void text_part(struct mbuf *b, const char *content_type, const char *s, size_t n)
{
	int plain = fits_7bit(s, n);
	mb_printf(b, "Content-Type: %s\r\nContent-Transfer-Encoding: %s\r\n\r\n", content_type,
		  plain ? "7bit" : "quoted-printable");
	if (plain)
		crlf_add(b, s, n);
	else
		qp_add(b, s, n);
	if (b->len < 2 || memcmp(b->p + b->len - 2, "\r\n", 2) != 0)
		mb_str(b, "\r\n");
}

/* ---- X-ARF --------------------------------------------------------------- */

/* A YAML scalar in single quotes (quotes doubled). */
static void yaml_str(struct mbuf *b, const char *s)
{
	mb_str(b, "'");
	for (; *s; s++) {
		if (*s == '\'')
			mb_str(b, "'");
		if ((unsigned char)*s >= ' ')
			mb_add(b, s, 1);
	}
	mb_str(b, "'");
}

static void xarf_report(struct mbuf *b, const struct abuse_mail_options *o,
			const struct abuse_incident *inc, const char *from_addr)
{
	char a[ADDR_STRLEN], d[40];
	addr_format(&inc->src, a);
	mb_str(b, "Reported-From: ");
	yaml_str(b, from_addr ? from_addr : "");
	mb_str(b, "\nCategory: abuse\nReport-Type: ");
	mb_str(b, inc->xarf_type ? inc->xarf_type : "info");
	mb_str(b, "\nUser-Agent: ");
	char ua[64];
	snprintf(ua, sizeof(ua), "clscan %s", o->version ? o->version : "");
	yaml_str(b, ua);
	mb_str(b, "\nVersion: '0.2'\nDate: ");
	yaml_str(b, abuse_mail_date(o->tz, inc->first_ns, d));
	mb_printf(b, "\nSource: '%s'\nSource-Type: %s\n", a, addr_is_v4(&inc->src) ? "ipv4" : "ipv6");
	if (inc->port)
		mb_printf(b, "Port: %u\n", inc->port);
	mb_str(b, "Attachment: text/plain\n");
}

/* ---- the message --------------------------------------------------------- */

static void headers(struct mbuf *m, const struct abuse_mail_options *o, const char *from_hdr,
		    const char *subject, uint64_t h, const char *id_domain, int xarf)
{
	char date[40];
	/* header_to, not a plain copy: To and Cc may come from a contacts
	 * file or a name seen in a log, and no CR or LF of theirs may start
	 * a header of its own */
	if (from_hdr) {
		header_to(m, "From", from_hdr);
		header_to(m, "Reply-To", from_hdr);
	} else {
		mb_str(m, "From: sender-unknown:;\r\n"); /* RFC 6854 empty group: fill it in */
	}
	if (o->to && o->to[0])
		header_to(m, "To", o->to);
	else
		mb_str(m, "To: abuse-contact-unknown:;\r\n"); /* an empty group: fill it in */
	if (o->cc && o->cc[0])
		header_to(m, "Cc", o->cc);
	header_to(m, "Subject", subject);
	mb_printf(m, "Date: %s\r\n", abuse_mail_date(o->tz, o->now_ns, date));
	mb_printf(m, "Message-ID: <abuse.%016llx@%s>\r\n", (unsigned long long)h, id_domain);
	mb_printf(m, "MIME-Version: 1.0\r\n");
	mb_printf(m, "User-Agent: clscan/%s\r\n", o->version ? o->version : "");
	if (xarf)
		mb_str(m, "Auto-Submitted: auto-generated\r\nX-ARF: YES\r\n");
}

int abuse_mail_compose(const struct abuse_mail_options *o, const struct abuse_incident *inc,
		       char **out, size_t *out_len, char *err, size_t errlen)
{
	struct mbuf from_hdr = {0}, m = {0}, body = {0}, subj = {0};
	char from_addr[256], dombuf[256], key[ABUSE_KEY_MAX];
	int have_from = 0;
	if (o->from && o->from[0]) {
		if (format_from(o->from, from_addr, sizeof(from_addr), &from_hdr) != 0) {
			snprintf(err, errlen, "--from '%s' is not \"Name <user@host>\" or user@host",
				 o->from);
			free(from_hdr.p);
			return -1;
		}
		have_from = 1;
	}
	struct fill f;
	fill_init(&f, o, inc);
	const char *st, *bt;
	size_t sl, bl;
	split_template(o->tmpl ? o->tmpl : "", o->tmpl ? o->tmpl_len : 0, &st, &sl, &bt, &bl);
	expand(&subj, &f, st, sl);
	while (subj.len && subj.p[subj.len - 1] == '\n')
		subj.p[--subj.len] = '\0';
	expand(&body, &f, bt, bl);

	abuse_incident_key(inc, key);
	uint64_t h = fnv1a(key, 0xcbf29ce484222325ULL);
	const char *dom = addr_domain(o->from, dombuf, sizeof(dombuf));
	if (!dom)
		dom = "clscan.invalid";
	h = fnv1a(dom, h);
	headers(&m, o, have_from ? from_hdr.p : NULL, subj.p ? subj.p : "", h, dom,
		o->xarf && !inc->source_name);
	if (!o->xarf || inc->source_name) {
		text_part(&m, "text/plain; charset=UTF-8", body.p ? body.p : "", body.len);
	} else {
		char boundary[48];
		snprintf(boundary, sizeof(boundary), "=_clscan_%016llx", (unsigned long long)h);
		mb_printf(&m, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", boundary);
		mb_str(&m, "This is an X-ARF report (x-arf.org) in MIME format.\r\n");
		mb_printf(&m, "\r\n--%s\r\n", boundary);
		text_part(&m, "text/plain; charset=UTF-8", body.p ? body.p : "", body.len);
		struct mbuf rep = {0}, logs = {0};
		xarf_report(&rep, o, inc, have_from ? from_addr : NULL);
		mb_printf(&m, "\r\n--%s\r\n", boundary);
		text_part(&m, "text/plain; charset=UTF-8; name=\"report.txt\"", rep.p, rep.len);
		evidence_block(&logs, inc);
		mb_printf(&m, "\r\n--%s\r\n", boundary);
		mb_str(&m, "Content-Disposition: attachment; filename=\"logfile.log\"\r\n");
		text_part(&m, "text/plain; charset=UTF-8; name=\"logfile.log\"",
			  logs.p ? logs.p : "", logs.len);
		mb_printf(&m, "\r\n--%s--\r\n", boundary);
		free(rep.p);
		free(logs.p);
	}
	free(from_hdr.p);
	free(body.p);
	free(subj.p);
	*out = m.p;
	*out_len = m.len;
	return 0;
}
