/* Internal helpers shared by the report writers: a write buffer that turns
 * many small appends into one fwrite, a digit formatter, strict UTF-8
 * sequence checking (RFC 3629 section 4) and local civil-time parts. */
#ifndef CLSCAN_REPORT_UTIL_H
#define CLSCAN_REPORT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/timeconv.h"

/* Appends go to b[]; full buffers are written in one call. The JSONL and
 * CSV writers print millions of lines, so a line costs one fwrite, not a
 * stdio call per field. */
struct report_buf {
	FILE *out;
	size_t n;
	uint64_t flushed; /* bytes handed to out before b[0..n) */
	char b[8192];
};

static inline void report_buf_init(struct report_buf *rb, FILE *out)
{
	rb->out = out;
	rb->n = 0;
	rb->flushed = 0;
}

static inline void report_buf_flush(struct report_buf *rb)
{
	if (rb->n)
		fwrite(rb->b, 1, rb->n, rb->out);
	rb->flushed += rb->n;
	rb->n = 0;
}

/* Bytes written so far, flushed or not. */
static inline uint64_t report_buf_size(const struct report_buf *rb)
{
	return rb->flushed + rb->n;
}

static inline void report_buf_put(struct report_buf *rb, const char *s, size_t len)
{
	if (len > sizeof(rb->b) - rb->n) {
		report_buf_flush(rb);
		if (len > sizeof(rb->b)) {
			fwrite(s, 1, len, rb->out);
			rb->flushed += len;
			return;
		}
	}
	memcpy(rb->b + rb->n, s, len);
	rb->n += len;
}

static inline void report_buf_putc(struct report_buf *rb, char c)
{
	if (rb->n == sizeof(rb->b))
		report_buf_flush(rb);
	rb->b[rb->n++] = c;
}

static inline void report_buf_puts(struct report_buf *rb, const char *s)
{
	report_buf_put(rb, s, strlen(s));
}

/* Decimal digits of v into out (>= 20 bytes, no NUL); returns the length. */
static inline size_t report_u64_digits(uint64_t v, char *out)
{
	char tmp[20];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

static inline void report_buf_u64(struct report_buf *rb, uint64_t v)
{
	char d[20];
	report_buf_put(rb, d, report_u64_digits(v, d));
}

/* Length of the well-formed UTF-8 sequence at s[0..n) (RFC 3629 section 4:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or 0 if the
 * first byte does not start one. Only for s[0] >= 0x80. */
static inline size_t report_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len;

	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return len;
}

/* An instant broken down in the report zone (or UTC). */
struct report_tm {
	int64_t year;
	unsigned mon, day, hour, min, sec;
	unsigned wday;      /* 0 = Monday */
	uint32_t nsec;
	int64_t offset;     /* seconds east of UTC */
	int64_t daynum;     /* days since 1970-01-01 in that zone */
};

static inline int64_t report_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* tz NULL means UTC. */
static inline void report_tm_of(struct tz_cache *tz, int64_t ns, struct report_tm *t)
{
	/* quotient and remainder, not ns - sec * 1e9: that overflows near
	 * INT64_MIN */
	int64_t sec = ns / NS_PER_SEC, rem_ns = ns % NS_PER_SEC;
	if (rem_ns < 0) {
		rem_ns += NS_PER_SEC;
		sec--;
	}
	t->nsec = (uint32_t)rem_ns;
	t->offset = tz ? timeconv_utc_offset(tz, sec) : 0;
	int64_t local = sec + t->offset;
	t->daynum = report_floor_div(local, 86400);
	int64_t rem = local - t->daynum * 86400;
	int y;
	civil_from_days(t->daynum, &y, &t->mon, &t->day);
	t->year = y;
	t->hour = (unsigned)(rem / 3600);
	t->min = (unsigned)(rem / 60 % 60);
	t->sec = (unsigned)(rem % 60);
	/* 1970-01-01 was a Thursday (3 with Monday = 0). */
	t->wday = (unsigned)((t->daynum % 7 + 7 + 3) % 7);
}

/* In json.c. A JSON string literal for s[0..len) (NULL gives null); the
 * escaping rules are those in docs/json-schema.md. */
void report_json_string(struct report_buf *rb, const char *s, size_t len);
void report_json_cstr(struct report_buf *rb, const char *s);
/* The instant in the report zone as RFC 3339 with its offset. buf >= 48. */
const char *report_format_local_rfc3339(struct tz_cache *tz, int64_t ns, char *buf);

#endif
