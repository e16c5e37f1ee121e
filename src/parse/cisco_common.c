/* Cisco message tags and stamps (see cisco_common.h). The tag layout is
 * Cisco's "%FACILITY-SEVERITY-MNEMONIC: Message-text" (IOS System Message
 * Guide, "Message Format"); the device stamp is what "service timestamps
 * log datetime [msec] [localtime] [show-timezone] [year]" and the ASA's
 * "logging timestamp" print, optionally after "service sequence-numbers". */
#include "parse/cisco_common.h"

#include <string.h>

#include "core/timeconv.h"
#include "parse/fwlog_util.h"
#include "parse/syslog_header.h"

static int fac_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

int cisco_find(const char *p, const char *end, struct cisco_msg *m)
{
	while (p < end) {
		const char *pct = memchr(p, '%', (size_t)(end - p));
		if (!pct)
			return -1;
		const char *q = pct + 1;
		while (q < end && fac_char((unsigned char)*q) && q - pct <= 32)
			q++;
		const char *fe = q;
		/* "-<digit>-" then the mnemonic and ':' */
		if (fe > pct + 1 && end - q >= 4 && q[0] == '-' && fwl_digit(q[1]) && q[2] == '-') {
			const char *mn = q + 3, *me = mn;
			while (me < end && fac_char((unsigned char)*me) && me - mn <= 40)
				me++;
			if (me > mn && me < end && *me == ':') {
				m->pct = pct;
				m->fac = pct + 1;
				m->fac_len = (size_t)(fe - pct - 1);
				m->sev = (unsigned)(q[1] - '0');
				m->mnem = mn;
				m->mnem_len = (size_t)(me - mn);
				m->body = fwl_skip_sp(me + 1, end);
				return 0;
			}
		}
		p = pct + 1;
	}
	return -1;
}

struct dev_stamp {
	int year; /* 0: none */
	unsigned mon, day, h, mi, s;
	uint32_t ns;
	int has_off;
	int32_t off;
	int unset; /* '*': the clock was never set */
};

/* "<PRI>" and "000123: " sequence numbers. */
static const char *skip_pri_seq(const char *p, const char *e)
{
	if (p < e && *p == '<') {
		const char *q = p + 1;
		while (q < e && fwl_digit(*q) && q - p <= 3)
			q++;
		if (q < e && *q == '>' && q > p + 1)
			p = q + 1;
	}
	const char *q = p;
	while (q < e && fwl_digit(*q))
		q++;
	if (q > p && q < e && *q == ':')
		p = fwl_skip_sp(q + 1, e);
	return p;
}

/* "[*.]Mmm dd [yyyy ]hh:mm:ss[.fff][ ZONE]" at p; returns the end or NULL. */
static const char *parse_dev_stamp(const char *p, const char *e, struct dev_stamp *st)
{
	memset(st, 0, sizeof(*st));
	if (p < e && (*p == '*' || *p == '.')) {
		st->unset = *p == '*';
		p++;
	}
	if (e - p < 15 || p[3] != ' ')
		return NULL;
	st->mon = month_from_abbr(p);
	if (!st->mon)
		return NULL;
	p += 4;
	if (*p == ' ')
		p++;
	uint64_t v;
	const char *q = fwl_uint(p, e, 31, &v);
	if (!q || v == 0 || q >= e || *q != ' ')
		return NULL;
	st->day = (unsigned)v;
	p = q + 1;
	/* an optional year */
	if (e - p >= 5 && fwl_digit(p[0]) && fwl_digit(p[1]) && fwl_digit(p[2]) &&
	    fwl_digit(p[3]) && p[4] == ' ') {
		st->year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
		p += 5;
	}
	if (fwl_hms(p, e, &st->h, &st->mi, &st->s) != 0)
		return NULL;
	p += 8;
	if (p < e && *p == '.') {
		uint32_t ns = 0;
		int n = 0;
		for (p++; p < e && fwl_digit(*p); p++)
			if (n < 9) {
				ns = ns * 10 + (uint32_t)(*p - '0');
				n++;
			}
		for (; n < 9; n++)
			ns *= 10;
		st->ns = ns;
	}
	/* " UTC:" / " EDT:" / " +0200:" */
	if (p < e && *p == ' ') {
		const char *z = p + 1, *ze = z;
		int letters = 1;
		while (ze < e && ze - z < 7 && *ze != ':' && *ze != ' ') {
			unsigned char c = (unsigned char)(*ze | 0x20);
			letters &= c >= 'a' && c <= 'z';
			ze++;
		}
		int32_t o;
		if (ze > z && ze < e && *ze == ':' &&
		    ((letters && ze - z <= 5) || fwl_utc_offset(z, ze, &o) == 0)) {
			int32_t off;
			if (fwl_utc_offset(z, ze, &off) == 0) {
				st->has_off = 1;
				st->off = off;
			}
			p = ze;
		}
	}
	return p;
}

int cisco_prefix_ok(const char *p, const char *pct)
{
	p = skip_pri_seq(p, pct);
	if (p == pct)
		return 1;
	struct dev_stamp st;
	return parse_dev_stamp(p, pct, &st) != NULL;
}

int cisco_envelope(struct parse_ctx *ctx, const char *line, const char *pct, struct event *ev)
{
	const char *p = skip_pri_seq(line, pct);
	struct dev_stamp st;
	const char *q = parse_dev_stamp(p, pct, &st);
	/* A device stamp ends in ':' ("...:02.123 UTC: %SEC"); a syslog
	 * envelope's stamp is followed by the host name. */
	if (!q || *q != ':') {
		struct syslog_header h;
		if (syslog_header_parse(ctx, line, (size_t)(pct - line) + 1, &h) == 0) {
			ev->time_ns = h.time_ns;
			ev->flags |= EVENT_HAS_TIME;
			ev->sensor = h.host;
			return 1;
		}
	}
	if (!q)
		return 0;
	/* "Jan 15 2014 03:28:52 device1_host_name : %PIX-..." */
	q = fwl_skip_sp(q, pct);
	if (q < pct && *q == ':')
		q = fwl_skip_sp(q + 1, pct);
	const char *he = fwl_tok_end(q, pct);
	if (he > q && he < pct && fwl_skip_sp(he, pct) < pct && *fwl_skip_sp(he, pct) == ':')
		fwl_slice(&ev->sensor, q, he);
	if (st.unset)
		return 0;
	int year = st.year ? st.year : year_ref_infer(&ctx->year, st.mon, st.day);
	if (st.has_off)
		fwl_time_offset(ev, year, st.mon, st.day, st.h, st.mi, st.s, st.ns, st.off);
	else
		fwl_time_local(ctx, ev, year, st.mon, st.day, st.h, st.mi, st.s, st.ns);
	return 0;
}
