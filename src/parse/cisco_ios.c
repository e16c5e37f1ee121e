/* Cisco IOS / IOS-XE access-list logging: %SEC-6-IPACCESSLOGP (TCP/UDP),
 * -IPACCESSLOGDP (ICMP "(type/code)"), -IPACCESSLOGNP (protocol number),
 * -IPACCESSLOGRP, -IPACCESSLOGSP (IGMP "(type)"), -IPACCESSLOGS (standard
 * ACL: source only) and the IPv6 %IPV6_ACL-6-ACCESSLOG* family, as the IOS
 * System Message Guide lays them out ("list ACL ACTION PROTO SRC(SPORT)
 * [(IF MAC)] -> DST(DPORT), N packet[s]"); the "N packets" summary IOS
 * writes every five minutes per flow becomes the event's count. */
#include <string.h>

#include "parse/cisco_common.h"
#include "parse/fwlog_util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

enum ios_kind {
	IOS_NOT_ACL = 0,
	IOS_P,  /* ports */
	IOS_DP, /* ICMP type/code */
	IOS_NP, /* protocol number, no ports */
	IOS_RP, /* protocol name, no ports */
	IOS_SP, /* IGMP type */
	IOS_S,  /* standard ACL: source only */
	IOS_RL, /* rate-limit notice */
};

static enum ios_kind ios_kind(const struct cisco_msg *m)
{
	const char *s = m->mnem, *e = m->mnem + m->mnem_len;
	if (fwl_starts(s, e, FWL_LIT("IPACCESSLOG")))
		s += 11;
	else if (fwl_starts(s, e, FWL_LIT("ACCESSLOG")))
		s += 9;
	else
		return IOS_NOT_ACL;
	size_t n = (size_t)(e - s);
	if (n == 1 && *s == 'P')
		return IOS_P;
	if (n == 1 && *s == 'S')
		return IOS_S;
	if (n == 2 && memcmp(s, "DP", 2) == 0)
		return IOS_DP;
	if (n == 2 && memcmp(s, "NP", 2) == 0)
		return IOS_NP;
	if (n == 2 && memcmp(s, "RP", 2) == 0)
		return IOS_RP;
	if (n == 2 && memcmp(s, "SP", 2) == 0)
		return IOS_SP;
	if (n == 2 && memcmp(s, "RL", 2) == 0)
		return IOS_RL;
	return IOS_NOT_ACL;
}

static int is_asa_facility(const struct cisco_msg *m)
{
	static const char *const fw[] = {"ASA", "PIX", "FTD", "FWSM"};
	for (size_t i = 0; i < 4; i++)
		if (m->fac_len == strlen(fw[i]) && memcmp(m->fac, fw[i], m->fac_len) == 0)
			return 1;
	return 0;
}

/* An address up to '(' ' ' or ',' and an optional "(port)". */
static const char *ios_endpoint(const char *p, const char *end, struct ip_addr *a, int *has_port,
				uint16_t *port)
{
	const char *s = p;
	while (p < end && *p != '(' && *p != ' ' && *p != ',')
		p++;
	if (p == s || addr_parse(s, (size_t)(p - s), a) != 0)
		return NULL;
	*has_port = 0;
	if (p < end && *p == '(') {
		const char *ps = p + 1, *pe = memchr(ps, ')', (size_t)(end - ps));
		if (!pe || fwl_port(ps, pe, port) != 0)
			return NULL;
		*has_port = 1;
		p = pe + 1;
	}
	return p;
}

static enum parse_result ios_malformed(struct parse_ctx *ctx, const char *why)
{
	ctx->reason = why;
	return PARSE_MALFORMED;
}

/* The "list ..." text of an ACL message. */
static enum parse_result ios_acl(struct parse_ctx *ctx, enum ios_kind kind, const char *body,
				 const char *end, struct event *ev)
{
	/* IOS-XE puts "SIP0: fman_fp_image: " in front of the list. */
	const char *p = fwl_find(body, end, FWL_LIT("list "));
	if (!p)
		return ios_malformed(ctx, "Cisco ACL message without \"list NAME\"");
	p += 5;
	const char *ne = fwl_tok_end(p, end);
	if (ne == p || ne >= end)
		return ios_malformed(ctx, "Cisco ACL message cut after the list name");
	fwl_slice(&ev->prefix, p, ne);
	p = ne + 1;
	const char *ve = fwl_tok_end(p, end);
	if (ve - p == 6 && memcmp(p, "denied", 6) == 0)
		ev->action = EVENT_ACTION_DROP;
	else if (ve - p == 9 && memcmp(p, "permitted", 9) == 0)
		ev->action = EVENT_ACTION_ACCEPT;
	else
		return ios_malformed(ctx, "Cisco ACL verdict is neither \"denied\" nor \"permitted\"");
	if (ve >= end)
		return ios_malformed(ctx, "Cisco ACL message cut after the verdict");
	p = ve + 1;

	if (kind != IOS_S) {
		const char *pe = fwl_tok_end(p, end);
		int proto = fwl_proto(p, (size_t)(pe - p));
		if (pe == p || pe >= end)
			return ios_malformed(ctx, "Cisco ACL message cut at the protocol");
		if (proto < 0) {
			if (kind == IOS_NP)
				return ios_malformed(ctx, "Cisco ACL protocol number is not a number");
			proto = 0; /* a protocol name IOS knows and we do not */
		}
		ev->proto = (uint8_t)proto;
		p = pe + 1;
	}

	int has_sport = 0, has_dport = 0;
	uint16_t sport = 0, dport = 0;
	p = ios_endpoint(p, end, &ev->src, &has_sport, &sport);
	if (!p)
		return ios_malformed(ctx, "Cisco ACL source is not an address");
	ev->flags |= EVENT_HAS_SRC;

	if (kind == IOS_S) {
		/* "list 10 denied 1.2.3.4 1 packet" (some releases add a comma) */
		if (p < end && *p == ',')
			p++;
	} else {
		/* log-input adds "(GigabitEthernet0/1 0011.2233.4455)" */
		if (end - p >= 2 && p[0] == ' ' && p[1] == '(') {
			const char *is = p + 2, *ie = memchr(is, ')', (size_t)(end - is));
			if (!ie)
				return ios_malformed(ctx, "Cisco ACL input interface not closed");
			const char *iw = fwl_tok_end(is, ie);
			fwl_slice(&ev->in_if, is, iw);
			p = ie + 1;
		}
		if (!fwl_starts(p, end, FWL_LIT(" -> ")))
			return ios_malformed(ctx, "Cisco ACL message without \" -> \"");
		p += 4;
		struct ip_addr dst;
		p = ios_endpoint(p, end, &dst, &has_dport, &dport);
		if (!p)
			return ios_malformed(ctx, "Cisco ACL destination is not an address");
		/* vty access-class hits log 0.0.0.0: no destination is known */
		if (!addr_is_zero(&dst) && !(addr_is_v4(&dst) && addr_v4(&dst) == 0)) {
			ev->dst = dst;
			ev->flags |= EVENT_HAS_DST;
		}
		if (end - p >= 2 && p[0] == ' ' && p[1] == '(') {
			/* "(8/0)" ICMP type/code, "(20)" IGMP type */
			uint64_t t, c;
			const char *q = fwl_uint(p + 2, end, 255, &t);
			if (!q)
				return ios_malformed(ctx, "Cisco ACL type is not a number");
			if (q < end && *q == '/') {
				q = fwl_uint(q + 1, end, 255, &c);
				if (!q)
					return ios_malformed(ctx, "Cisco ACL ICMP code is not a number");
				ev->icmp_type = (uint8_t)t;
				ev->icmp_code = (uint8_t)c;
				ev->flags |= EVENT_HAS_ICMP;
			}
			if (q >= end || *q != ')')
				return ios_malformed(ctx, "Cisco ACL type not closed");
			p = q + 1;
		}
		if (p >= end || *p != ',')
			return ios_malformed(ctx, "Cisco ACL message without \", N packet\"");
		p++;
	}
	p = fwl_skip_sp(p, end);
	uint64_t n;
	const char *q = fwl_uint(p, end, UINT32_MAX, &n);
	if (!q || !fwl_starts(q, end, FWL_LIT(" packet")))
		return ios_malformed(ctx, "Cisco ACL packet count missing");
	ev->count = n ? (uint32_t)n : 1;

	if (has_sport && has_dport) {
		ev->sport = sport;
		ev->dport = dport;
		ev->flags |= EVENT_HAS_PORTS;
	}
	return PARSE_EVENT;
}

/* The message after the envelope; time and sensor are the caller's. */
static enum parse_result ios_message(struct parse_ctx *ctx, const struct cisco_msg *m,
				     const char *end, struct event *ev)
{
	enum ios_kind kind = ios_kind(m);
	if (kind == IOS_NOT_ACL || kind == IOS_RL)
		return PARSE_OTHER;
	fwl_slice(&ev->detail, m->pct, m->mnem + m->mnem_len);
	return ios_acl(ctx, kind, m->body, end, ev);
}

static enum parse_result ios_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					struct event *ev)
{
	const char *end = fwl_eol(line, len);
	struct cisco_msg m;
	if (cisco_find(line, end, &m) != 0 || is_asa_facility(&m)) {
		struct syslog_header h;
		return syslog_header_parse(ctx, line, (size_t)(end - line), &h) == 0 ? PARSE_OTHER
										      : PARSE_UNKNOWN;
	}
	enum ios_kind kind = ios_kind(&m);
	if (kind == IOS_NOT_ACL || kind == IOS_RL)
		return PARSE_OTHER;
	cisco_envelope(ctx, line, m.pct, ev);
	return ios_message(ctx, &m, end, ev);
}

static enum parse_result ios_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					  struct event *ev)
{
	const char *end = fwl_eol(h->msg, h->msg_len);
	struct cisco_msg m;
	/* The tag sits at the start of the message, or after the device's
	 * own stamp (".Jul 10 15:58:56.590 EDT: %SEC-6-..."). */
	if (cisco_find(h->msg, end, &m) != 0 || is_asa_facility(&m) ||
	    !cisco_prefix_ok(h->msg, m.pct))
		return PARSE_UNKNOWN;
	enum ios_kind kind = ios_kind(&m);
	if (kind == IOS_NOT_ACL || kind == IOS_RL)
		return PARSE_UNKNOWN;
	ev->time_ns = h->time_ns;
	ev->flags |= EVENT_HAS_TIME;
	ev->sensor = h->host;
	return ios_message(ctx, &m, end, ev);
}

static int ios_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	struct cisco_msg m;
	if (cisco_find(line, end, &m) != 0 || is_asa_facility(&m))
		return 0;
	/* The tag must follow an envelope, a device stamp or a sequence
	 * number, not sit somewhere in free text. */
	int ok = cisco_prefix_ok(line, m.pct) ||
		 (m.pct - line <= 160 && syslog_header_looks_like(line, (size_t)(m.pct - line) + 1));
	if (!ok)
		return 0;
	return ios_kind(&m) != IOS_NOT_ACL ? 90 : 40;
}

static const struct parser_example ios_examples[] = {
	{"extended ACL hit, syslog envelope and IOS sequence number",
	 "Sep  7 13:18:06 RouterName 96: %SEC-6-IPACCESSLOGP: list 120 denied udp "
	 "10.0.0.66(137) -> 10.0.0.11(137), 33 packets"},
	{"syslog envelope in front of the router's own stamp (zone EDT)",
	 "Jul 10 16:07:14 cisco2621 636: .Jul 10 15:58:56.590 EDT: %SEC-6-IPACCESSLOGP: list 102 "
	 "denied tcp 10.0.6.56(3067) -> 172.36.4.7(139), 1 packet"},
	{"from the router's buffer: sequence number and a UTC stamp",
	 "127: May  3 05:23:33.404 UTC: %SEC-6-IPACCESSLOGP: list 199 denied tcp "
	 "10.0.61.108(1477) -> 10.0.127.20(445), 1 packet"},
	{NULL, NULL},
};

const struct parser parser_cisco_ios = {
	.name = "cisco_ios",
	.summary = "Cisco IOS/IOS-XE access-list logging (%SEC-6-IPACCESSLOG*, "
		   "%IPV6_ACL-6-ACCESSLOG*): TCP/UDP, ICMP, other protocols, standard ACLs, IPv6",
	.time_note = "the syslog envelope's stamp when the line has one (local time in --tz, year "
		     "inferred); otherwise the router's own stamp: exact when it names UTC/GMT or "
		     "an offset, else local time in --tz (zone names such as EDT are not "
		     "interpreted), year from the stamp or inferred; a stamp marked '*' (clock "
		     "never set) or an uptime stamp gives no time",
	.examples = ios_examples,
	.detect = ios_detect,
	.parse_line = ios_parse_line,
	.parse_syslog = ios_parse_syslog,
};
