/* Proxmox VE's firewall log (/var/log/pve-firewall.log, written by pvefw-logger):
 * "VMID LEVEL CHAIN dd/Mon/yyyy:hh:mm:ss +zzzz [PREFIX: ]FIELDS", fields as nf_fields.c. */
#include <string.h>

#include "core/timeconv.h"
#include "parse/nf_fields.h"
#include "parse/parser.h"

/* FIELDS are the kernel LOG target's, except that IN= and OUT= appear
 * only when the packet has that device. */
struct pve_head {
	int64_t utc_sec;
	struct slice chain;
	const char *rest;
};

static int digit(char c)
{
	return (unsigned)(unsigned char)c - '0' < 10;
}

static int two(const char *p)
{
	if (!digit(p[0]) || !digit(p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* "0 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 +0200 " */
static int parse_head(const char *p, const char *end, struct pve_head *hd)
{
	for (int field = 0; field < 2; field++) { /* vmid, log level */
		const char *s = p;
		while (p < end && digit(*p) && p - s < 10)
			p++;
		if (p == s || p >= end || *p != ' ')
			return -1;
		p++;
	}
	const char *cs = p;
	while (p < end && *p != ' ')
		p++;
	if (p == cs || p >= end)
		return -1;
	hd->chain.ptr = cs;
	hd->chain.len = (uint32_t)(p - cs);
	p++;
	/* dd/Mon/yyyy:hh:mm:ss +zzzz = 26 bytes */
	if (end - p < 26 || p[2] != '/' || p[6] != '/' || p[11] != ':' || p[14] != ':' ||
	    p[17] != ':' || p[20] != ' ' || (p[21] != '+' && p[21] != '-'))
		return -1;
	int day = two(p), y1 = two(p + 7), y2 = two(p + 9);
	unsigned mon = month_from_abbr(p + 3);
	int hh = two(p + 12), mm = two(p + 15), ss = two(p + 18);
	int oh = two(p + 22), om = two(p + 24);
	/* years beyond 1900-2200 do not fit int64 nanoseconds, and are corrupt */
	if (day < 1 || day > 31 || !mon || y1 < 19 || y1 > 21 || y2 < 0 || hh < 0 || hh > 23 ||
	    mm < 0 || mm > 59 || ss < 0 || ss > 60 || oh < 0 || oh > 23 || om < 0 || om > 59)
		return -1;
	int64_t off = (int64_t)(oh * 3600 + om * 60) * (p[21] == '-' ? -1 : 1);
	hd->utc_sec = days_from_civil(y1 * 100 + y2, mon, (unsigned)day) * 86400 +
		      hh * 3600 + mm * 60 + ss - off;
	p += 26;
	if (p < end && *p != ' ')
		return -1;
	hd->rest = p < end ? p + 1 : end;
	return 0;
}

/* pvefw-logger omits IN= for locally sent packets, so the fields start at
 * the first token that is one of the keys it writes first. */
static const char *find_fields(const char *p, const char *end)
{
	const char *t = p;
	while (t < end) {
		size_t n = (size_t)(end - t);
		if ((n >= 3 && memcmp(t, "IN=", 3) == 0) || (n >= 4 && memcmp(t, "OUT=", 4) == 0) ||
		    (n >= 7 && memcmp(t, "PHYSIN=", 7) == 0) ||
		    (n >= 8 && memcmp(t, "PHYSOUT=", 8) == 0) ||
		    (n >= 4 && memcmp(t, "MAC=", 4) == 0) || (n >= 4 && memcmp(t, "SRC=", 4) == 0))
			return t;
		const char *sp = memchr(t, ' ', n);
		if (!sp)
			return NULL;
		t = sp + 1;
	}
	return NULL;
}

static enum parse_result pve_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					struct event *ev)
{
	const char *end = line + len;
	while (end > line && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	struct pve_head hd;
	if (parse_head(line, end, &hd) != 0)
		return PARSE_UNKNOWN;
	ev->time_ns = hd.utc_sec * NS_PER_SEC;
	ev->flags |= EVENT_HAS_TIME;
	const char *fields = find_fields(hd.rest, end);
	if (!fields)
		return PARSE_OTHER; /* the logger's own messages */
	const char *ps = hd.rest, *pe = fields;
	nf_trim(&ps, &pe);
	if (ps == pe) {
		/* A rule with a log level but no prefix: the chain names it. */
		ps = hd.chain.ptr;
		pe = ps + hd.chain.len;
	}
	ev->prefix.ptr = ps;
	ev->prefix.len = (uint32_t)(pe - ps);
	ev->action = (uint8_t)action_map_lookup(ctx->actions, ps, (size_t)(pe - ps));
	return nf_fields_parse(ctx, fields, end, ev);
}

static int pve_detect(const char *line, size_t len)
{
	struct pve_head hd;
	const char *end = line + len;
	while (end > line && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (parse_head(line, end, &hd) != 0)
		return 0;
	return find_fields(hd.rest, end) ? 95 : 80;
}

static const struct parser_example pve_examples[] = {
	{"Proxmox VE host firewall",
	 "0 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 +0200 policy DROP: IN=vmbr0.94 "
	 "MAC=24:8a:07:9a:2a:f2:24:8a:07:50:2c:9e:08:00 SRC=10.3.94.11 DST=10.3.94.12 LEN=52 "
	 "TOS=0x00 PREC=0xC0 TTL=255 ID=64317 DF PROTO=UDP SPT=49152 DPT=3784 LEN=32"},
	{NULL, NULL},
};

const struct parser parser_pve_firewall = {
	.name = "pve-firewall",
	.summary = "Proxmox VE firewall log (pvefw-logger, /var/log/pve-firewall.log)",
	.time_note = "stamps carry their own UTC offset; --tz and the year guess are not used",
	.examples = pve_examples,
	.detect = pve_detect,
	.parse_line = pve_parse_line,
};
