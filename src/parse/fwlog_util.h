/* Internal to the parse stage: the small cursor operations the vendor and
 * daemon parsers (Cisco, Juniper, FortiGate, SonicWall, Check Point, sshd,
 * xinetd, scanlogd, portsentry, psad) share. Every function takes the end
 * of the text and reads nothing at or past it. */
#ifndef CLSCAN_FWLOG_UTIL_H
#define CLSCAN_FWLOG_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/event.h"
#include "parse/parser.h"

/* A string literal and its length, for the (ptr, len) arguments below. */
#define FWL_LIT(s) s, (sizeof(s) - 1)

static inline int fwl_digit(char c)
{
	return (unsigned)(unsigned char)c - '0' < 10;
}

/* The end of the line without its trailing "\n" / "\r\n". */
const char *fwl_eol(const char *line, size_t len);

/* Does [p, end) start with lit? (case-sensitive / ASCII case-insensitive) */
int fwl_starts(const char *p, const char *end, const char *lit, size_t n);
int fwl_starts_ci(const char *p, const char *end, const char *lit, size_t n);

/* First occurrence of lit in [p, end), or NULL. */
const char *fwl_find(const char *p, const char *end, const char *lit, size_t n);

/* Last occurrence of lit in [p, end), or NULL. */
const char *fwl_rfind(const char *p, const char *end, const char *lit, size_t n);

const char *fwl_skip_sp(const char *p, const char *end);
/* The first space at or after p, or end. */
const char *fwl_tok_end(const char *p, const char *end);

/* A run of decimal digits at p: its value (at most max) in *out and the
 * position after it, or NULL if there is no digit or the value is too big. */
const char *fwl_uint(const char *p, const char *end, uint64_t max, uint64_t *out);

/* The whole of [s, e) as a port number 0..65535. */
int fwl_port(const char *s, const char *e, uint16_t *out);

/* "ADDR:PORT" in [s, e), the port after the last ':' ("[::1]:22" and
 * "::1:22" alike). Returns 0, or -1. */
int fwl_addr_port(const char *s, const char *e, struct ip_addr *a, uint16_t *port);

/* An IP protocol by name ("tcp", "UDP", "icmp", "ipv6-icmp", "gre", ...) or
 * by number ("6"); -1 if unknown. */
int fwl_proto(const char *s, size_t n);

/* The well-known port of a service name as devices and inetd print them
 * ("ssh", "telnet", "netbios-ns", "www", "bootps"); 0 if unknown. */
unsigned fwl_service_port(const char *s, size_t n);

/* The TCP flag bit for one flag word ("SYN", "ack", "FIN", "PSH", "URG",
 * "RST", "ECE", "CWR"); 0 if the word is none of them. */
uint8_t fwl_tcp_flag_word(const char *s, size_t n);

static inline void fwl_slice(struct slice *s, const char *b, const char *e)
{
	s->ptr = b;
	s->len = e > b ? (uint32_t)(e - b) : 0;
}

/* One key=value (or key:value) pair. Values may be "quoted" (with \"
 * escapes inside); vq says whether it was, and the slice excludes quotes. */
struct fwl_kv {
	const char *k;
	size_t kl;
	const char *v;
	size_t vl;
	int vq;
};

/* Read the next pair at *pp, skipping blanks and the separator sep (0 for
 * none; ']' ends an RFC 5424 structured-data element), with eq between key
 * and value. Keys are runs of characters other than blank, eq and sep;
 * without sep, pairs are apart by blanks (a tab does not end a value).
 * Returns 1 and advances *pp, 0 at the end, -1 on a bad pair (no eq,
 * unterminated quote; *pp then moves past the bad word). */
/* (inline: it runs once per pair, some twenty times a line) */
static inline int fwl_kv_next(const char **pp, const char *end, char eq, char sep, struct fwl_kv *kv)
{
	const char *p = *pp;
	/* sep 0 means "none": the blank stands in for it in the tests below */
	const char s2 = sep ? sep : ' ';
	while (p < end && (*p == ' ' || *p == '\t' || *p == s2))
		p++;
	if (p >= end) {
		*pp = p;
		return 0;
	}
	const char *k = p;
	const char *word_end = NULL; /* where an unquoted value would end */
	if (!sep) {
		/* the common case (FortiGate, SonicWall): pairs apart by blanks;
		 * two memchr calls per pair instead of a loop per byte */
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		word_end = sp ? sp : end;
		const char *q = memchr(p, eq, (size_t)(word_end - p));
		p = q ? q : word_end;
	} else {
		while (p < end && *p != eq && *p != ' ' && *p != s2 && *p != '\t')
			p++;
	}
	if (p >= end || *p != eq || p == k) {
		/* Not a pair: step over the word so a caller can go on. */
		*pp = fwl_tok_end(p, end);
		return -1;
	}
	kv->k = k;
	kv->kl = (size_t)(p - k);
	p++;
	if (p < end && *p == '"') {
		const char *v = ++p;
		for (;;) {
			const char *q = memchr(p, '"', (size_t)(end - p));
			if (!q) {
				*pp = end;
				return -1;
			}
			/* a quote preceded by an odd number of backslashes is escaped */
			size_t bs = 0;
			while (q - bs > v && q[-1 - (ptrdiff_t)bs] == '\\')
				bs++;
			p = q;
			if (!(bs & 1))
				break;
			p++;
		}
		kv->v = v;
		kv->vl = (size_t)(p - v);
		kv->vq = 1;
		*pp = p + 1;
		return 1;
	}
	const char *v = p;
	if (word_end)
		p = word_end;
	else
		while (p < end && *p != ' ' && *p != s2 && *p != '\t')
			p++;
	kv->v = v;
	kv->vl = (size_t)(p - v);
	kv->vq = 0;
	*pp = p;
	return 1;
}

static inline int fwl_key_is(const struct fwl_kv *kv, const char *k, size_t n)
{
	return kv->kl == n && memcmp(kv->k, k, n) == 0;
}

/* "YYYY-MM-DD" and "hh:mm:ss" at p (exactly those lengths). */
int fwl_ymd(const char *p, const char *end, int *y, unsigned *mon, unsigned *d);
int fwl_hms(const char *p, const char *end, unsigned *h, unsigned *mi, unsigned *s);

/* "+hhmm", "-hh:mm", "+hh", "Z", "UTC", "GMT" in [s, e): seconds east of
 * UTC in *off. Returns 0, or -1 if the text is no offset. */
int fwl_utc_offset(const char *s, const char *e, int32_t *off);

/* Local wall-clock time (in --tz) to the event's time; sets EVENT_HAS_TIME. */
void fwl_time_local(struct parse_ctx *ctx, struct event *ev, int y, unsigned mon, unsigned d,
		    unsigned h, unsigned mi, unsigned s, uint32_t ns);
/* A stamp with a known offset (seconds east of UTC). */
void fwl_time_offset(struct event *ev, int y, unsigned mon, unsigned d, unsigned h, unsigned mi,
		     unsigned s, uint32_t ns, int32_t off);
/* Seconds, milliseconds, microseconds or nanoseconds since the epoch, told
 * apart by size (devices print all four). Returns 0, or -1 if not a number. */
int fwl_time_epoch(struct event *ev, const char *s, const char *e);

#endif
