/* Request normalisation before signature matching: undo the encodings
 * probes hide behind (RFC 3986 percent-encoding, repeated; IIS's %uXXXX;
 * the overlong UTF-8 forms of '/' and '\' that Nimda and the 2000 IIS
 * "unicode" hole used, CERT CA-2001-26 and MS00-078), then fold case and
 * path noise. Everything happens in place in one bounded buffer: decoding
 * never makes text longer, so nothing is allocated per request. */
#include <string.h>

#include "web/web.h"

/* Rounds of percent-decoding: "%252e" needs two; a third catches the
 * triple-encoded forms scanners try. */
#define DECODE_ROUNDS 3

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Write code point cp as UTF-8 at d (at most 3 bytes: %uXXXX is 16 bits). */
static size_t put_utf8(char *d, unsigned cp)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xc0 | (cp >> 6));
		d[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	d[0] = (char)(0xe0 | (cp >> 12));
	d[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	d[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

/* One round of %XX / %uXXXX decoding of s[0..len) in place; plus_space
 * turns '+' into ' ' (form encoding, queries only, first round only).
 * Returns the new length; *changed says whether anything was decoded. */
static size_t percent_round(char *s, size_t len, int plus_space, int *changed)
{
	size_t r = 0, w = 0;
	*changed = 0;
	while (r < len) {
		unsigned char c = (unsigned char)s[r];
		if (c == '+' && plus_space) {
			s[w++] = ' ';
			r++;
			continue;
		}
		if (c != '%') {
			s[w++] = (char)c;
			r++;
			continue;
		}
		if (r + 2 < len && hexval((unsigned char)s[r + 1]) >= 0 &&
		    hexval((unsigned char)s[r + 2]) >= 0) {
			s[w++] = (char)(hexval((unsigned char)s[r + 1]) * 16 +
					hexval((unsigned char)s[r + 2]));
			r += 3;
			*changed = 1;
			continue;
		}
		if (r + 5 < len && (s[r + 1] | 0x20) == 'u') {
			int h0 = hexval((unsigned char)s[r + 2]), h1 = hexval((unsigned char)s[r + 3]);
			int h2 = hexval((unsigned char)s[r + 4]), h3 = hexval((unsigned char)s[r + 5]);
			if (h0 >= 0 && h1 >= 0 && h2 >= 0 && h3 >= 0) {
				unsigned cp = (unsigned)(h0 << 12 | h1 << 8 | h2 << 4 | h3);
				w += put_utf8(s + w, cp);
				r += 6;
				*changed = 1;
				continue;
			}
		}
		s[w++] = (char)c;
		r++;
	}
	return w;
}

/* The byte an overlong (or other non-shortest) UTF-8 sequence at s stands
 * for, when that is ASCII; *used gets its length. Returns -1 if s does
 * not start such a sequence. IIS 4/5 accepted these, so "%c0%af" was a
 * '/' its traversal check never saw. %c1%1c and %c1%9c are not even
 * valid continuation bytes, yet IIS decoded them to '\' as well. */
static int overlong(const unsigned char *s, size_t left, size_t *used)
{
	if (left >= 2 && s[0] == 0xc1 && (s[1] == 0x1c || s[1] == 0x9c)) {
		*used = 2;
		return '\\';
	}
	/* A lead byte without a continuation byte starts no sequence:
	 * swallowing the (ASCII) byte after it would hide that byte from the
	 * signatures ("\xc0root.exe" read as "2oot.exe"). */
	if (left >= 2 && (s[0] == 0xc0 || s[0] == 0xc1) && (s[1] & 0xc0) == 0x80) {
		*used = 2;
		return (int)(((s[0] & 0x1u) << 6) | (s[1] & 0x3fu));
	}
	if (left >= 3 && s[0] == 0xe0 && (s[1] & 0xe0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		unsigned v = ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
		if (v < 0x80) {
			*used = 3;
			return (int)v;
		}
	}
	if (left >= 4 && s[0] == 0xf0 && s[1] == 0x80 && (s[2] & 0xc0) == 0x80 &&
	    (s[3] & 0xc0) == 0x80) {
		unsigned v = ((s[2] & 0x3fu) << 6) | (s[3] & 0x3fu);
		if (v < 0x80) {
			*used = 4;
			return (int)v;
		}
	}
	return -1;
}

static unsigned char fold(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c | 0x20);
	if (c < 0x20 || c == 0x7f)
		return '.'; /* NUL, CR, LF: shown, never a string end */
	return c;
}

/* The byte at s[*r], an overlong sequence read as the ASCII byte it
 * stands for; *r moves past it. */
static unsigned char next_byte(const char *s, size_t len, size_t *r)
{
	unsigned char c = (unsigned char)s[*r];
	size_t used = 1;
	if (c >= 0xc0) {
		int v = overlong((const unsigned char *)s + *r, len - *r, &used);
		if (v >= 0)
			c = (unsigned char)v;
		else
			used = 1;
	}
	*r += used;
	return c;
}

/* Final pass over a path: overlong forms, '\' -> '/', case, "//" -> "/",
 * "/./" -> "/". In place; returns the new length. "../" stays: the
 * traversal signatures look for it, and resolving it would hide it. */
static size_t normalise_path(char *s, size_t len)
{
	size_t r = 0, w = 0;
	while (r < len) {
		unsigned char c = next_byte(s, len, &r);
		if (c == '\\')
			c = '/';
		c = fold(c);
		if (c == '/' && w > 0 && s[w - 1] == '/')
			continue;
		if (c == '/' && w >= 2 && s[w - 1] == '.' && s[w - 2] == '/') {
			w--; /* "/./" -> "/" */
			continue;
		}
		s[w++] = (char)c;
	}
	return w;
}

/* Queries and headers: overlong forms and case only. */
static size_t normalise_text(char *s, size_t len, int backslash)
{
	size_t r = 0, w = 0;
	while (r < len) {
		unsigned char c = next_byte(s, len, &r);
		if (c == '\\' && backslash)
			c = '/';
		s[w++] = (char)fold(c);
	}
	return w;
}

static size_t percent_decode(char *s, size_t len, int plus_space)
{
	if (!memchr(s, '%', len) && !(plus_space && memchr(s, '+', len)))
		return len;
	for (int round = 0; round < DECODE_ROUNDS; round++) {
		int changed;
		len = percent_round(s, len, plus_space && round == 0, &changed);
		if (!changed || !memchr(s, '%', len))
			break;
	}
	return len;
}

void web_decode_target(const char *s, size_t len, struct web_decoded *out)
{
	out->truncated = 0;
	if (len > WEB_DECODE_MAX - 1) {
		len = WEB_DECODE_MAX - 1;
		out->truncated = 1;
	}
	const char *q = memchr(s, '?', len);
	size_t plen = q ? (size_t)(q - s) : len;
	memcpy(out->buf, s, plen);
	plen = percent_decode(out->buf, plen, 0);
	plen = normalise_path(out->buf, plen);
	out->path_len = plen;
	out->len = plen;
	if (q) {
		size_t qlen = len - (size_t)(q - s) - 1;
		char *d = out->buf + plen;
		*d++ = '?';
		memcpy(d, q + 1, qlen);
		qlen = percent_decode(d, qlen, 1);
		qlen = normalise_text(d, qlen, 1);
		out->len = plen + 1 + qlen;
	}
	out->buf[out->len] = '\0';
}

void web_decode_header(const char *s, size_t len, struct web_decoded *out)
{
	out->truncated = 0;
	if (len > WEB_DECODE_MAX - 1) {
		len = WEB_DECODE_MAX - 1;
		out->truncated = 1;
	}
	memcpy(out->buf, s, len);
	len = percent_decode(out->buf, len, 0);
	len = normalise_text(out->buf, len, 0);
	out->len = len;
	out->path_len = len;
	out->buf[len] = '\0';
}
