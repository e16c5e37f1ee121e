/* FreeBSD ipfw (also macOS's old ipfw and wipfw for Windows) "log" lines, as
 * the kernel writes them (sys/netpfil/ipfw/ip_fw_log.c; ipfw(8) LOGGING):
 *   "ipfw: RULE ACTION PROTO SRC DST in|out via IFACE[ (frag ID:LEN@OFF[+])]"
 * ACTION: Accept, Deny, Reject, Reset, Unreach N, Count, Divert N, Tee N,
 *   SkipTo N, Pipe N, Queue N, Forward to ADDR[:PORT], Nat, Call N, ...;
 *   rule -1 "Refuse" is a packet dropped before any rule (bogus).
 * PROTO: "TCP"/"UDP" (SRC and DST as addr:port, or bare addresses in a
 *   non-first fragment), "ICMP:TYPE.CODE", "ICMPv6:TYPE.CODE", "P:NUMBER";
 *   IPv6 addresses are bracketed: "[2001:db8::1]:22".
 * Envelopes: syslog ("host kernel: ipfw: ..." or tag "ipfw"), bare kernel
 * console text, and wipfw's own file ("0000000060 2006.12.07 08:49:58.002 
 * ipfw: ..."). */
#include <string.h>

#include "core/addr.h"
#include "core/timeconv.h"
#include "core/util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

static int fw_digit(char c)
{
	return (unsigned)(unsigned char)c - '0' < 10;
}

static size_t fw_trim(const char *line, size_t len)
{
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	return len;
}

#define FW_AT(p, end, lit) \
	((size_t)((end) - (p)) >= sizeof(lit) - 1 && memcmp((p), (lit), sizeof(lit) - 1) == 0)

static const char *fw_skip_sp(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

static const char *fw_tok_end(const char *p, const char *end)
{
	if (p >= end)
		return end;
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	return sp ? sp : end;
}

/* "TYPE.CODE" after "ICMP:" / "ICMPv6:". */
static int fw_icmp(const char *p, const char *e, struct event *ev)
{
	const char *dot = memchr(p, '.', (size_t)(e - p));
	uint64_t t, c;
	if (!dot || parse_u64(p, (size_t)(dot - p), 255, &t) != 0 ||
	    parse_u64(dot + 1, (size_t)(e - dot - 1), 255, &c) != 0)
		return -1;
	ev->icmp_type = (uint8_t)t;
	ev->icmp_code = (uint8_t)c;
	ev->flags |= EVENT_HAS_ICMP;
	return 0;
}

/* The protocol word; returns 1 if [p, e) is one (and sets ev->proto). */
static int fw_proto(const char *p, const char *e, struct event *ev, int *with_ports, int *bad)
{
	size_t n = (size_t)(e - p);
	uint64_t v;
	*with_ports = 0;
	*bad = 0;
	if (n == 3 && memcmp(p, "TCP", 3) == 0) {
		ev->proto = IPPROTO_NUM_TCP;
		*with_ports = 1;
	} else if (n == 3 && memcmp(p, "UDP", 3) == 0) {
		ev->proto = IPPROTO_NUM_UDP;
		*with_ports = 1;
	} else if (n == 4 && memcmp(p, "ICMP", 4) == 0) {
		ev->proto = IPPROTO_NUM_ICMP; /* a non-first fragment: no type */
	} else if (n == 6 && memcmp(p, "ICMPv6", 6) == 0) {
		ev->proto = IPPROTO_NUM_ICMPV6;
	} else if (n > 5 && memcmp(p, "ICMP:", 5) == 0) {
		ev->proto = IPPROTO_NUM_ICMP;
		*bad = fw_icmp(p + 5, e, ev) != 0;
	} else if (n > 7 && memcmp(p, "ICMPv6:", 7) == 0) {
		ev->proto = IPPROTO_NUM_ICMPV6;
		*bad = fw_icmp(p + 7, e, ev) != 0;
	} else if (n > 2 && memcmp(p, "P:", 2) == 0) {
		if (parse_u64(p + 2, n - 2, 255, &v) == 0)
			ev->proto = (uint8_t)v;
		else
			*bad = 1;
	} else {
		return 0;
	}
	return 1;
}

/* "1.2.3.4:80", "1.2.3.4", "[2001:db8::1]:80", "[2001:db8::1]". */
static int fw_endpoint(const char *p, const char *e, struct ip_addr *a, uint16_t *port,
		       int *has_port)
{
	const char *as = p, *ae;
	const char *ps = NULL;
	*has_port = 0;
	if (p < e && *p == '[') {
		as = p + 1;
		ae = memchr(as, ']', (size_t)(e - as));
		if (!ae)
			return -1;
		if (ae + 1 < e) {
			if (ae[1] != ':')
				return -1;
			ps = ae + 2;
		}
	} else if (addr_parse(p, (size_t)(e - p), a) == 0) {
		return 0;
	} else {
		ae = e;
		while (ae > p && ae[-1] != ':')
			ae--;
		if (ae == p)
			return -1;
		ps = ae--;
	}
	if (addr_parse(as, (size_t)(ae - as), a) != 0)
		return -1;
	if (ps) {
		uint64_t v;
		if (parse_u64(ps, (size_t)(e - ps), 65535, &v) != 0)
			return -1;
		*port = (uint16_t)v;
		*has_port = 1;
	}
	return 0;
}

static uint8_t fw_action(const char *p, const char *e)
{
	static const struct {
		const char *w;
		uint8_t action;
	} words[] = {
		{"Deny", EVENT_ACTION_DROP},     {"Refuse", EVENT_ACTION_DROP},
		{"Reject", EVENT_ACTION_REJECT}, {"Reset", EVENT_ACTION_REJECT},
		{"Unreach", EVENT_ACTION_REJECT}, {"Accept", EVENT_ACTION_ACCEPT},
		{"Count", EVENT_ACTION_LOG},     {"UNKNOWN", EVENT_ACTION_UNKNOWN},
	};
	const char *we = fw_tok_end(p, e);
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		if (strlen(words[i].w) == (size_t)(we - p) && memcmp(words[i].w, p, (size_t)(we - p)) == 0)
			return words[i].action;
	/* Divert, Tee, SkipTo, Pipe, Queue, Forward, Nat, Call, Return,
	 * SetFib, Netgraph, Reass: the packet goes on, no verdict yet. */
	return EVENT_ACTION_LOG;
}

/* The text after "ipfw:". Returns PARSE_OTHER for ipfw's other messages
 * ("limit N reached on entry N", non-IP packets). */
static enum parse_result fw_body(struct parse_ctx *ctx, const char *p, const char *end,
				 struct event *ev)
{
	p = fw_skip_sp(p, end);
	const char *rs = p;
	if (p < end && *p == '-')
		p++;
	while (p < end && fw_digit(*p) && p - rs < 8)
		p++;
	if (p == rs || (p == rs + 1 && *rs == '-'))
		return PARSE_OTHER;
	if (p >= end || *p != ' ') {
		ctx->reason = "ipfw: truncated after the rule number";
		return PARSE_MALFORMED;
	}
	ev->prefix.ptr = rs;
	ev->prefix.len = (uint32_t)(p - rs);
	const char *as = p + 1, *ae = NULL;
	/* The action is one or more words before the protocol word. */
	const char *t = as;
	int with_ports = 0, bad = 0;
	for (int i = 0; i < 8 && t < end; i++) {
		const char *te = fw_tok_end(t, end);
		if (t > as && fw_proto(t, te, ev, &with_ports, &bad)) {
			ae = t - 1;
			p = te;
			break;
		}
		if (te - t == 3 && memcmp(t, "MAC", 3) == 0 && t > as)
			return PARSE_OTHER; /* a layer-2 packet: no addresses */
		t = fw_skip_sp(te, end);
	}
	if (!ae) {
		ctx->reason = "ipfw: no protocol after the action";
		return PARSE_MALFORMED;
	}
	if (bad) {
		ctx->reason = "ipfw: bad ICMP type.code or protocol number";
		return PARSE_MALFORMED;
	}
	ev->detail.ptr = as;
	ev->detail.len = (uint32_t)(ae - as);
	ev->action = fw_action(as, ae);

	const char *ss = fw_skip_sp(p, end), *se = fw_tok_end(ss, end);
	const char *ds = fw_skip_sp(se, end), *de = fw_tok_end(ds, end);
	int sp, dp;
	if (ss >= end || ds >= end ||
	    fw_endpoint(ss, se, &ev->src, &ev->sport, &sp) != 0 ||
	    fw_endpoint(ds, de, &ev->dst, &ev->dport, &dp) != 0) {
		ctx->reason = "ipfw: bad or missing source or destination";
		return PARSE_MALFORMED;
	}
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_DST;
	if (sp && dp)
		ev->flags |= EVENT_HAS_PORTS;
	else
		ev->sport = ev->dport = 0;

	p = fw_skip_sp(de, end);
	int out = FW_AT(p, end, "out via ");
	if (out || FW_AT(p, end, "in via ")) {
		const char *is = p + (out ? 8 : 7), *ie = fw_tok_end(is, end);
		struct slice s = {is, (uint32_t)(ie - is)};
		if (out)
			ev->out_if = s;
		else
			ev->in_if = s;
		p = ie;
	} else if (!FW_AT(p, end, "[no if info]")) {
		/* a line cut before the direction: the ports may be cut too */
		ev->flags |= EVENT_TRUNCATED;
	}
	const char *fr = p < end ? memmem(p, (size_t)(end - p), "(frag ", 6) : NULL;
	if (fr) {
		/* IPv4 "(frag ID:LEN@OFF+)" decimal ID; IPv6 the ID in hex */
		const char *q = fr + 6, *colon = memchr(q, ':', (size_t)(end - q));
		const char *at = colon ? memchr(colon, '@', (size_t)(end - colon)) : NULL;
		uint64_t id, off = 0;
		if (at) {
			const char *oe = at + 1;
			while (oe < end && fw_digit(*oe))
				oe++;
			int idok = addr_is_v4(&ev->src)
					   ? parse_u64(q, (size_t)(colon - q), UINT32_MAX, &id) == 0
					   : parse_hex_u64(q, (size_t)(colon - q), UINT32_MAX, &id) == 0;
			if (idok) {
				ev->ip_id = (uint32_t)id;
				ev->flags |= EVENT_HAS_IP_ID;
			}
			if (parse_u64(at + 1, (size_t)(oe - at - 1), 65535 * 8, &off) == 0 && off)
				ev->flags |= EVENT_FRAGMENT;
		}
	}
	return PARSE_EVENT;
}

/* "ipfw:" at p (after optional spaces)? Returns the text after it. */
static const char *fw_after_tag(const char *p, const char *end)
{
	p = fw_skip_sp(p, end);
	return FW_AT(p, end, "ipfw:") ? p + 5 : NULL;
}

static enum parse_result fw_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					 struct event *ev)
{
	const char *p = h->msg, *end = h->msg + h->msg_len;
	const char *body = fw_after_tag(p, end);
	if (!body) {
		if (!(h->tag.len >= 4 && memcmp(h->tag.ptr, "ipfw", 4) == 0 &&
		      (h->tag.len == 4 || h->tag.ptr[4] == '[')))
			return PARSE_UNKNOWN;
		body = p;
	}
	ev->time_ns = h->time_ns;
	ev->flags |= EVENT_HAS_TIME;
	ev->sensor = h->host;
	return fw_body(ctx, body, end, ev);
}

/* wipfw's "0000000060 2006.12.07 08:49:58.002  ipfw: ..." (local time). */
static const char *fw_wipfw_stamp(struct parse_ctx *ctx, const char *p, const char *end,
				  struct event *ev)
{
	const char *s = p;
	while (p < end && fw_digit(*p) && p - s < 12)
		p++;
	if (p == s || end - p < 24 || *p != ' ')
		return NULL;
	p++;
	uint64_t y, mo, d, h, mi, sec, ms = 0;
	if (p[4] != '.' || p[7] != '.' || p[10] != ' ' || p[13] != ':' || p[16] != ':' ||
	    parse_u64(p, 4, 9999, &y) != 0 || parse_u64(p + 5, 2, 12, &mo) != 0 ||
	    parse_u64(p + 8, 2, 31, &d) != 0 || parse_u64(p + 11, 2, 23, &h) != 0 ||
	    parse_u64(p + 14, 2, 59, &mi) != 0 || parse_u64(p + 17, 2, 60, &sec) != 0 || !mo ||
	    !d || y < 1900 || y > 2200)
		return NULL;
	p += 19;
	if (end - p >= 4 && *p == '.' && parse_u64(p + 1, 3, 999, &ms) == 0)
		p += 4;
	const char *body = fw_after_tag(p, end);
	if (!body)
		return NULL;
	int64_t t = timeconv_local_to_utc(&ctx->tz, (int)y, (unsigned)mo, (unsigned)d,
					  (unsigned)h, (unsigned)mi, (unsigned)sec);
	ev->time_ns = t * NS_PER_SEC + (int64_t)ms * 1000000;
	ev->flags |= EVENT_HAS_TIME;
	return body;
}

static enum parse_result fw_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
				       struct event *ev)
{
	len = fw_trim(line, len);
	const char *end = line + len;
	const char *body = fw_after_tag(line, end);
	if (body)
		return fw_body(ctx, body, end, ev); /* kernel console: no time */
	if (line < end && fw_digit(*line) && (body = fw_wipfw_stamp(ctx, line, end, ev)))
		return fw_body(ctx, body, end, ev);
	struct syslog_header h;
	if (syslog_header_parse(ctx, line, len, &h) != 0)
		return PARSE_UNKNOWN;
	enum parse_result r = fw_parse_syslog(ctx, &h, ev);
	return r == PARSE_UNKNOWN ? PARSE_OTHER : r;
}

static int fw_detect(const char *line, size_t len)
{
	len = fw_trim(line, len);
	if (!memmem(line, len, "ipfw:", 5))
		return 0;
	struct parse_ctx ctx;
	struct event ev;
	parse_ctx_init(&ctx, 0, 0, NULL); /* times are not looked at */
	event_clear(&ev);
	enum parse_result r = fw_parse_line(&ctx, line, len, &ev);
	return (r == PARSE_EVENT || r == PARSE_MALFORMED) ? 85 : 0;
}

static const struct parser_example fw_examples[] = {
	{"macOS ipfw via syslog",
	 "Aug 29 10:36:44 Macinfish ipfw:  12190 Deny TCP 192.168.10.2:10000 192.168.11.122:23 "
	 "in via en0"},
	{"wipfw (ipfw for Windows) log file",
	 "0000000060 2006.12.07 08:49:58.002  ipfw: 1000 Deny TCP 75.126.23.220:80 "
	 "192.168.47.1:9839 in via eth2"},
	{NULL, NULL},
};

const struct parser parser_ipfw = {
	.name = "ipfw",
	.summary = "FreeBSD/macOS ipfw log lines (\"ipfw: 100 Deny TCP a:p b:q in via em0\") via "
		   "syslog, the kernel console, or wipfw's log file",
	.time_note = "syslog stamps as the envelope gives them (BSD stamps are local time in --tz "
		     "with the year from the file's date, a date more than a day after it being "
		     "the previous year); wipfw's \"2006.12.07 08:49:58.002\" is local time in "
		     "--tz; bare kernel console lines have no time",
	.examples = fw_examples,
	.detect = fw_detect,
	.parse_line = fw_parse_line,
	.parse_syslog = fw_parse_syslog,
};
