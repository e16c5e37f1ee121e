/* The envelope before a log message: RFC 3164 (optional <PRI>), RFC 5424, RFC 3339
 * (rsyslog, journalctl short-iso[-precise]), journalctl short[-precise], dmesg -T. */
#include "parse/syslog_header.h"

#include <string.h>

#include "core/timeconv.h"

/* Every read below is bounded by the line's end: lines are not
 * NUL-terminated and may stop anywhere. */
struct stamp {
	int year; /* 0 when the stamp has none */
	unsigned mon, day, hour, min, sec;
	uint32_t frac_ns;
	int has_zone;
	int32_t offset; /* seconds east of UTC, when has_zone */
};

static int digit(char c)
{
	return (unsigned)(unsigned char)c - '0' < 10;
}

/* Two digits at p (the caller checked there is room). */
static int two(const char *p)
{
	if (!digit(p[0]) || !digit(p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* "hh:mm:ss" at p, 8 bytes. */
static int parse_hms(const char *p, const char *end, struct stamp *st)
{
	if (end - p < 8 || p[2] != ':' || p[5] != ':')
		return -1;
	int h = two(p), m = two(p + 3), s = two(p + 6);
	if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60)
		return -1;
	st->hour = (unsigned)h;
	st->min = (unsigned)m;
	st->sec = (unsigned)s;
	return 0;
}

/* Optional ".digits" (any count; the first nine kept). Returns the new p. */
static const char *parse_frac(const char *p, const char *end, struct stamp *st)
{
	if (p >= end || *p != '.' || p + 1 >= end || !digit(p[1]))
		return p;
	p++;
	uint32_t ns = 0;
	int n = 0;
	for (; p < end && digit(*p); p++) {
		if (n < 9) {
			ns = ns * 10 + (uint32_t)(*p - '0');
			n++;
		}
	}
	for (; n < 9; n++)
		ns *= 10;
	st->frac_ns = ns;
	return p;
}

/* Years outside this range cannot be held as int64 nanoseconds (1678 to
 * 2262) and are corrupt anyway. */
#define YEAR_MIN 1900
#define YEAR_MAX 2200

static int valid_date(const struct stamp *st)
{
	return st->mon >= 1 && st->mon <= 12 && st->day >= 1 && st->day <= 31 &&
	       (st->year == 0 || (st->year >= YEAR_MIN && st->year <= YEAR_MAX));
}

/* "2015-03-07T05:09:30[.045015][Z|+02:00|+0200]". Returns the end or NULL. */
static const char *parse_rfc3339(const char *p, const char *end, struct stamp *st)
{
	if (end - p < 19 || p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != 't'))
		return NULL;
	int y1 = two(p), y2 = two(p + 2), mo = two(p + 5), d = two(p + 8);
	if (y1 < 0 || y2 < 0 || mo < 0 || d < 0)
		return NULL;
	st->year = y1 * 100 + y2;
	st->mon = (unsigned)mo;
	st->day = (unsigned)d;
	if (!valid_date(st) || parse_hms(p + 11, end, st) != 0)
		return NULL;
	p = parse_frac(p + 19, end, st);
	if (p < end && (*p == 'Z' || *p == 'z')) {
		st->has_zone = 1;
		st->offset = 0;
		p++;
	} else if (p < end && (*p == '+' || *p == '-')) {
		int sign = *p == '-' ? -1 : 1;
		if (end - p < 5)
			return NULL;
		int oh = two(p + 1), om;
		if (p + 3 < end && p[3] == ':') {
			if (end - p < 6)
				return NULL;
			om = two(p + 4);
			p += 6;
		} else {
			om = two(p + 3);
			p += 5;
		}
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return NULL;
		st->has_zone = 1;
		st->offset = sign * (oh * 3600 + om * 60);
	}
	return p;
}

/* "May 29 06:53:55[.123456]", day space-padded ("Jun  8"), zero-padded
 * (journalctl "Jan 05") or bare ("Jun 8"). Returns the end or NULL. */
static const char *parse_bsd(const char *p, const char *end, struct stamp *st)
{
	if (end - p < 14 || p[3] != ' ')
		return NULL;
	st->mon = month_from_abbr(p);
	if (!st->mon)
		return NULL;
	p += 4;
	if (*p == ' ')
		p++;
	if (p >= end || !digit(*p))
		return NULL;
	unsigned d = (unsigned)(*p++ - '0');
	if (p < end && digit(*p))
		d = d * 10 + (unsigned)(*p++ - '0');
	if (p >= end || *p != ' ')
		return NULL;
	p++;
	st->day = d;
	if (!valid_date(st) || parse_hms(p, end, st) != 0)
		return NULL;
	return parse_frac(p + 8, end, st);
}

/* dmesg -T: "[Mon Feb 20 10:47:14 2023]". Returns the end or NULL. */
static const char *parse_dmesg_t(const char *p, const char *end, struct stamp *st)
{
	if (end - p < 26 || p[0] != '[' || p[4] != ' ')
		return NULL;
	p = parse_bsd(p + 5, end, st);
	if (!p || end - p < 6 || p[0] != ' ')
		return NULL;
	int y1 = two(p + 1), y2 = two(p + 3);
	if (y1 < 0 || y2 < 0 || p[5] != ']')
		return NULL;
	st->year = y1 * 100 + y2;
	if (!valid_date(st))
		return NULL;
	return p + 6;
}

static const char *skip_token(const char *p, const char *end)
{
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	return sp ? sp : end;
}

/* RFC 5424 STRUCTURED-DATA: "-" or one or more "[id k="v" ...]" with
 * '\]' and '\"' escapes inside quoted values. Returns the end or NULL. */
static const char *skip_sd(const char *p, const char *end)
{
	if (p < end && *p == '-')
		return p + 1;
	if (p >= end || *p != '[')
		return NULL;
	while (p < end && *p == '[') {
		int quoted = 0;
		p++;
		for (;;) {
			if (p >= end)
				return NULL;
			char c = *p++;
			if (c == '\\' && quoted) {
				if (p < end)
					p++;
			} else if (c == '"') {
				quoted = !quoted;
			} else if (c == ']' && !quoted) {
				break;
			}
		}
	}
	return p;
}

static int is_tag_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == '/' || c == '[' || c == ']' || c == '@' ||
	       c == '(' || c == ')';
}

/* After the host: "tag: msg", "tag[pid]: msg", or no tag at all (ulogd's
 * LOGEMU writes "host PREFIX IN=..."), in which case msg starts here. */
static void parse_tag(const char *p, const char *end, struct syslog_header *h)
{
	const char *t = p;
	if (end - p >= 8 && memcmp(p, "kernel: ", 8) == 0) { /* the usual one */
		h->tag.ptr = p;
		h->tag.len = 6;
		h->msg = p + 8;
		h->msg_len = (size_t)(end - p - 8);
		return;
	}
	while (p < end && is_tag_char((unsigned char)*p))
		p++;
	if (p > t && p < end && *p == ':' && (p + 1 == end || p[1] == ' ')) {
		h->tag.ptr = t;
		h->tag.len = (uint32_t)(p - t);
		p++;
		if (p < end)
			p++;
		h->msg = p;
		h->msg_len = (size_t)(end - p);
		return;
	}
	h->msg = t;
	h->msg_len = (size_t)(end - t);
}

/* "host tag: msg" after a BSD or RFC 3339 stamp and its space. */
static int parse_host_tag(const char *p, const char *end, struct syslog_header *h)
{
	if (p >= end || *p == ' ')
		return -1;
	const char *he = skip_token(p, end);
	if (he[-1] == ':' && he - p > 1) {
		/* "Mmm dd hh:mm:ss kernel: ..." from daemons that omit the host */
		parse_tag(p, end, h);
		if (h->tag.len)
			return 0;
	}
	h->host.ptr = p;
	h->host.len = (uint32_t)(he - p);
	if (he < end)
		he++;
	parse_tag(he, end, h);
	return 0;
}

static int parse_rfc5424(const char *p, const char *end, struct stamp *st,
			 struct syslog_header *h)
{
	if (p < end && *p == '-')
		return -1; /* no stamp: this module has no way to say "no time" */
	p = parse_rfc3339(p, end, st);
	if (!p || p >= end || *p != ' ')
		return -1;
	p++;
	const char *f[4]; /* host, app, procid, msgid */
	const char *fe[4];
	for (int i = 0; i < 4; i++) {
		if (p >= end)
			return -1;
		f[i] = p;
		fe[i] = skip_token(p, end);
		if (fe[i] == p || fe[i] >= end)
			return -1;
		p = fe[i] + 1;
	}
	if (!(fe[0] - f[0] == 1 && f[0][0] == '-')) {
		h->host.ptr = f[0];
		h->host.len = (uint32_t)(fe[0] - f[0]);
	}
	if (!(fe[1] - f[1] == 1 && f[1][0] == '-')) {
		h->tag.ptr = f[1];
		h->tag.len = (uint32_t)(fe[1] - f[1]);
	}
	p = skip_sd(p, end);
	if (!p)
		return -1;
	if (p < end && *p == ' ')
		p++;
	if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
	    (unsigned char)p[2] == 0xBF)
		p += 3;
	h->msg = p;
	h->msg_len = (size_t)(end - p);
	return 0;
}

/* Everything but the conversion to UTC. */
static int parse_envelope(const char *line, size_t len, struct stamp *st,
			  struct syslog_header *h)
{
	const char *p = line, *end = line + len;
	memset(st, 0, sizeof(*st));
	memset(h, 0, sizeof(*h));
	if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
	    (unsigned char)p[2] == 0xBF)
		p += 3;
	if (p < end && *p == '<') {
		const char *q = p + 1;
		while (q < end && q - p <= 3 && digit(*q))
			q++;
		if (q == p + 1 || q >= end || *q != '>')
			return -1;
		p = q + 1;
		if (end - p >= 2 && p[0] == '1' && p[1] == ' ')
			return parse_rfc5424(p + 2, end, st, h);
	}
	if (p >= end)
		return -1;
	const char *q;
	if (digit(*p)) {
		q = parse_rfc3339(p, end, st);
	} else if (*p == '[') {
		q = parse_dmesg_t(p, end, st);
		if (!q)
			return -1;
		if (q < end && *q == ' ')
			q++;
		h->msg = q;
		h->msg_len = (size_t)(end - q);
		return 0;
	} else {
		q = parse_bsd(p, end, st);
	}
	if (!q || q >= end || *q != ' ')
		return -1;
	return parse_host_tag(q + 1, end, h);
}

/* Consecutive lines nearly always share their date, so the day number of
 * the last yearless date is kept per thread, keyed by everything that
 * decides it: the context (file), its year reference, month and day. */
struct day_memo {
	const struct parse_ctx *ctx;
	int64_t ref_daynum;
	int ref_year, forced;
	unsigned mon, day;
	int year;
	int64_t daynum;
};
static _Thread_local struct day_memo day_memo;

static int64_t yearless_daynum(const struct parse_ctx *ctx, unsigned mon, unsigned day, int *year)
{
	struct day_memo *m = &day_memo;
	if (m->ctx == ctx && m->mon == mon && m->day == day &&
	    m->ref_daynum == ctx->year.ref_daynum && m->ref_year == ctx->year.year &&
	    m->forced == ctx->year.forced_year) {
		*year = m->year;
		return m->daynum;
	}
	int y = year_ref_infer(&ctx->year, mon, day);
	int64_t dn = days_from_civil(y, mon, day);
	m->ctx = ctx;
	m->ref_daynum = ctx->year.ref_daynum;
	m->ref_year = ctx->year.year;
	m->forced = ctx->year.forced_year;
	m->mon = mon;
	m->day = day;
	m->year = y;
	m->daynum = dn;
	*year = y;
	return dn;
}

int syslog_header_parse(struct parse_ctx *ctx, const char *line, size_t len,
			struct syslog_header *h)
{
	struct stamp st;
	if (parse_envelope(line, len, &st, h) != 0)
		return -1;
	h->has_year = st.year != 0;
	h->has_zone = st.has_zone;
	int year = st.year;
	int64_t daynum = year ? days_from_civil(year, st.mon, st.day)
			      : yearless_daynum(ctx, st.mon, st.day, &year);
	if (year < YEAR_MIN || year > YEAR_MAX) {
		/* No usable year reference (a zeroed ctx, or an absurd --year):
		 * the envelope is still read, with a placeholder year, rather
		 * than overflow the nanosecond count. */
		year = 1970;
		daynum = days_from_civil(year, st.mon, st.day);
	}
	int64_t local = daynum * 86400 + (int64_t)st.hour * 3600 + (int64_t)st.min * 60 + st.sec;
	int64_t sec;
	if (st.has_zone) {
		sec = local - st.offset;
	} else {
		/* The zone cache's own hit test, inline (see timeconv.h). */
		int64_t bucket = local >= 0 ? local / 3600 : (local - 3599) / 3600;
		if (ctx->tz.l2u_key == bucket + 1)
			sec = local - ctx->tz.l2u_offset;
		else
			sec = timeconv_local_to_utc(&ctx->tz, year, st.mon, st.day, st.hour, st.min,
						    st.sec);
	}
	h->time_ns = sec * NS_PER_SEC + st.frac_ns;
	return 0;
}

int syslog_header_looks_like(const char *line, size_t len)
{
	struct stamp st;
	struct syslog_header h;
	return parse_envelope(line, len, &st, &h) == 0;
}
