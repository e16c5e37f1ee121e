/* MikroTik RouterOS firewall log lines (a rule with log=yes; RouterOS
 * manual, "IP/Firewall/Filter" and "System/Log"), as sent to a remote
 * syslog server or printed by /log print:
 *   "firewall,info [PREFIX ]CHAIN: in:IFACE out:IFACE, [connection-state:S ]
 *    [src-mac MAC, ]proto TCP (SYN), 1.2.3.4:5678->5.6.7.8:22, [NAT ..., ]len 60"
 * IPv6 endpoints are bracketed ("[2001:db8::1]:40384->[2001:db8::2]:22"),
 * ICMP gives "proto ICMP (type 8, code 0), A->B". RouterOS does not say what
 * the rule did: the action comes from words in the log prefix ("drop-in"),
 * as for netfilter prefixes (action_map.c). Login lines of the "system"
 * topic ("login failure for user X from A via winbox") are read too. */
#include <string.h>
#include <strings.h>

#include "core/addr.h"
#include "core/timeconv.h"
#include "core/util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

static int mt_digit(char c)
{
	return (unsigned)(unsigned char)c - '0' < 10;
}

static int mt_two(const char *p)
{
	if (!mt_digit(p[0]) || !mt_digit(p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

static size_t mt_trim(const char *line, size_t len)
{
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	return len;
}

#define MT_AT(p, end, lit) \
	((size_t)((end) - (p)) >= sizeof(lit) - 1 && memcmp((p), (lit), sizeof(lit) - 1) == 0)

static const char *mt_find(const char *p, const char *end, const char *w, size_t wl)
{
	return p < end ? memmem(p, (size_t)(end - p), w, wl) : NULL;
}

#define MT_FIND(p, end, lit) mt_find((p), (end), (lit), sizeof(lit) - 1)

/* "IFACE" after "in:"/"out:", up to the terminator; "(unknown 0)" = none. */
static void mt_iface(const char *p, const char *e, struct slice *s)
{
	if (e - p >= 8 && memcmp(p, "(unknown", 8) == 0)
		return;
	s->ptr = p;
	s->len = (uint32_t)(e - p);
}

/* "1.2.3.4:80", "1.2.3.4", "[2001:db8::1]:80", "2001:db8::1". */
static int mt_endpoint(const char *p, const char *e, struct ip_addr *a, uint16_t *port,
		       int *has_port)
{
	*has_port = 0;
	const char *as = p, *ae = e, *ps = NULL;
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
	} else {
		const char *c1 = memchr(p, ':', (size_t)(e - p));
		if (c1 && !memchr(c1 + 1, ':', (size_t)(e - c1 - 1))) {
			ae = c1; /* one colon: IPv4 and port */
			ps = c1 + 1;
		}
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

struct mt_name {
	const char *w;
	uint8_t v;
};

static const struct mt_name mt_protos[] = {
	{"TCP", IPPROTO_NUM_TCP},      {"UDP", IPPROTO_NUM_UDP},     {"ICMP", IPPROTO_NUM_ICMP},
	{"ICMPV6", IPPROTO_NUM_ICMPV6}, {"IPV6-ICMP", IPPROTO_NUM_ICMPV6}, {"IGMP", IPPROTO_NUM_IGMP},
	{"GRE", 47},                   {"IPSEC-ESP", IPPROTO_NUM_ESP}, {"IPSEC-AH", IPPROTO_NUM_AH},
	{"ESP", IPPROTO_NUM_ESP},      {"AH", IPPROTO_NUM_AH},       {"OSPF", 89},
	{"SCTP", IPPROTO_NUM_SCTP},    {"VRRP", 112},                {"IPIP", 4},
	{"IPENCAP", 4},                {"L2TP", 115},                {"PIM", 103},
	{"UDP-LITE", IPPROTO_NUM_UDPLITE}, {NULL, 0},
};

static const struct mt_name mt_flags[] = {
	{"SYN", TCP_FLAG_SYN}, {"ACK", TCP_FLAG_ACK}, {"FIN", TCP_FLAG_FIN}, {"RST", TCP_FLAG_RST},
	{"PSH", TCP_FLAG_PSH}, {"URG", TCP_FLAG_URG}, {"ECE", TCP_FLAG_ECE}, {"CWR", TCP_FLAG_CWR},
	{NULL, 0},
};

static int mt_lookup(const struct mt_name *t, const char *p, const char *e)
{
	size_t n = (size_t)(e - p);
	for (; t->w; t++)
		if (strlen(t->w) == n && strncasecmp(t->w, p, n) == 0)
			return t->v;
	return -1;
}

/* "TCP (SYN,ACK)", "UDP", "ICMP (type 3, code 3)", "47" up to the comma
 * that ends it; returns the position after that comma's space. */
static const char *mt_proto(const char *p, const char *end, struct event *ev)
{
	const char *ne = p;
	while (ne < end && *ne != ' ' && *ne != ',')
		ne++;
	uint64_t v;
	int proto = mt_lookup(mt_protos, p, ne);
	if (proto >= 0)
		ev->proto = (uint8_t)proto;
	else if (parse_u64(p, (size_t)(ne - p), 255, &v) == 0)
		ev->proto = (uint8_t)v;
	const char *q = ne;
	if (MT_AT(q, end, " (")) {
		const char *open = q + 2, *close = memchr(open, ')', (size_t)(end - open));
		if (!close)
			return NULL;
		if (ev->proto == IPPROTO_NUM_TCP) {
			uint8_t fl = 0;
			int ok = 1;
			for (const char *f = open; f < close;) {
				const char *fe = memchr(f, ',', (size_t)(close - f));
				if (!fe)
					fe = close;
				int b = mt_lookup(mt_flags, f, fe);
				if (b < 0)
					ok = 0;
				else
					fl |= (uint8_t)b;
				f = fe + 1;
			}
			if (ok) {
				ev->tcp_flags = fl;
				ev->flags |= EVENT_HAS_TCP_FLAGS;
			}
		} else {
			const char *t = MT_FIND(open, close, "type ");
			const char *c = MT_FIND(open, close, "code ");
			uint64_t ty, co;
			const char *te = t ? t + 5 : NULL, *ce = c ? c + 5 : NULL;
			while (te && te < close && mt_digit(*te))
				te++;
			while (ce && ce < close && mt_digit(*ce))
				ce++;
			if (t && c && parse_u64(t + 5, (size_t)(te - t - 5), 255, &ty) == 0 &&
			    parse_u64(c + 5, (size_t)(ce - c - 5), 255, &co) == 0) {
				ev->icmp_type = (uint8_t)ty;
				ev->icmp_code = (uint8_t)co;
				ev->flags |= EVENT_HAS_ICMP;
			}
		}
		q = close + 1;
	}
	if (!MT_AT(q, end, ", "))
		return NULL;
	return q + 2;
}

/* The firewall message after the topics: "[PREFIX ]CHAIN: in:..." */
static enum parse_result mt_firewall(struct parse_ctx *ctx, const char *p, const char *end,
				     struct event *ev)
{
	const char *in = MT_FIND(p, end, ": in:");
	if (!in)
		return PARSE_UNKNOWN;
	/* CHAIN is the word before ": in:"; what precedes it is the prefix */
	const char *cs = in;
	while (cs > p && cs[-1] != ' ')
		cs--;
	ev->detail.ptr = cs;
	ev->detail.len = (uint32_t)(in - cs);
	const char *pe = cs;
	while (pe > p && pe[-1] == ' ')
		pe--;
	if (pe > p) {
		ev->prefix.ptr = p;
		ev->prefix.len = (uint32_t)(pe - p);
	} else {
		ev->prefix = ev->detail;
	}
	ev->action = (uint8_t)action_map_lookup(ctx->actions, p, (size_t)(pe - p));

	const char *is = in + 5, *out = MT_FIND(is, end, " out:");
	if (!out) {
		ctx->reason = "mikrotik: no out: after in:";
		return PARSE_MALFORMED;
	}
	mt_iface(is, out, &ev->in_if);
	const char *os = out + 5, *oe = MT_FIND(os, end, ", ");
	if (!oe) {
		ctx->reason = "mikrotik: truncated after out:";
		return PARSE_MALFORMED;
	}
	mt_iface(os, oe, &ev->out_if);
	const char *pr = MT_FIND(oe, end, "proto ");
	if (!pr) {
		ctx->reason = "mikrotik: no proto field";
		return PARSE_MALFORMED;
	}
	const char *ad = mt_proto(pr + 6, end, ev);
	const char *arrow = ad ? MT_FIND(ad, end, "->") : NULL;
	const char *ae = arrow ? MT_FIND(arrow, end, ", ") : NULL;
	if (!ad || !arrow || !ae) {
		ctx->reason = "mikrotik: truncated in the protocol or addresses";
		return PARSE_MALFORMED;
	}
	/* "A:p->B:q" is the first field after proto; a NAT field may follow */
	const char *comma = memchr(ad, ',', (size_t)(arrow - ad));
	if (comma) {
		ctx->reason = "mikrotik: no SRC->DST after the protocol";
		return PARSE_MALFORMED;
	}
	int sp, dp;
	if (mt_endpoint(ad, arrow, &ev->src, &ev->sport, &sp) != 0 ||
	    mt_endpoint(arrow + 2, ae, &ev->dst, &ev->dport, &dp) != 0) {
		ctx->reason = "mikrotik: bad source or destination address";
		return PARSE_MALFORMED;
	}
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_DST;
	if (ev->proto == IPPROTO_NUM_ICMP && !addr_is_v4(&ev->src))
		ev->proto = IPPROTO_NUM_ICMPV6; /* "proto ICMP" between IPv6 addresses */
	if (sp && dp)
		ev->flags |= EVENT_HAS_PORTS;
	else
		ev->sport = ev->dport = 0;
	const char *ln = MT_FIND(ae, end, "len ");
	if (ln && (ln[-1] == ' ')) {
		const char *le = ln + 4;
		while (le < end && mt_digit(*le))
			le++;
		uint64_t v;
		if (parse_u64(ln + 4, (size_t)(le - ln - 4), 65535, &v) == 0) {
			ev->ip_len = (uint32_t)v;
			ev->flags |= EVENT_HAS_LEN;
		}
	}
	return PARSE_EVENT;
}

/* "login failure for user X from A via S", "user X logged in from A via S" */
static enum parse_result mt_login(const char *p, const char *end, struct event *ev)
{
	const char *u, *ue;
	int ok;
	if (MT_AT(p, end, "login failure for user ")) {
		u = p + 23;
		ok = 0;
	} else if (MT_AT(p, end, "user ")) {
		u = p + 5;
		ok = 1;
	} else {
		return PARSE_UNKNOWN;
	}
	const char *from = ok ? MT_FIND(u, end, " logged in from ") : MT_FIND(u, end, " from ");
	if (!from)
		return PARSE_UNKNOWN;
	ue = from;
	const char *as = from + (ok ? 16 : 6), *ae = MT_FIND(as, end, " via ");
	if (!ae)
		ae = end;
	if (addr_parse(as, (size_t)(ae - as), &ev->src) != 0)
		return PARSE_UNKNOWN;
	ev->flags |= EVENT_HAS_SRC;
	ev->user.ptr = u;
	ev->user.len = (uint32_t)(ue - u);
	ev->outcome = ok ? EVENT_OUTCOME_AUTH_SUCCESS : EVENT_OUTCOME_AUTH_FAILURE;
	if (ae < end) {
		ev->detail.ptr = ae + 5; /* winbox, ssh, telnet, web, api, ftp */
		ev->detail.len = (uint32_t)(end - ae - 5);
		ev->proto = IPPROTO_NUM_TCP;
	}
	return PARSE_EVENT;
}

/* The message: topics ("firewall,info"), then the text. */
static enum parse_result mt_message(struct parse_ctx *ctx, const char *p, const char *end,
				    struct event *ev)
{
	const char *te = memchr(p, ' ', (size_t)(end - p));
	if (!te)
		return PARSE_UNKNOWN;
	int firewall = MT_AT(p, te, "firewall,") || (te - p == 8 && MT_AT(p, te, "firewall"));
	int account = MT_AT(p, te, "system,") && (MT_FIND(p, te, ",account") || MT_FIND(p, te, ",error"));
	if (firewall)
		return mt_firewall(ctx, te + 1, end, ev);
	if (account)
		return mt_login(te + 1, end, ev);
	/* A receiver that dropped the topics: "input: in:ether1 out:..." */
	if (memchr(p, ',', (size_t)(te - p)) == NULL && MT_FIND(p, end, ": in:") &&
	    MT_FIND(p, end, " out:") && MT_FIND(p, end, "proto "))
		return mt_firewall(ctx, p, end, ev);
	return PARSE_UNKNOWN;
}

static enum parse_result mt_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					 struct event *ev)
{
	const char *p = h->msg, *end = h->msg + h->msg_len;
	/* RouterOS's topics have a comma, which ends a syslog tag: the whole
	 * "firewall,info ..." is the message. A relay may have taken the
	 * first topic as the tag ("firewall: info ..."), rare: not handled. */
	enum parse_result r = mt_message(ctx, p, end, ev);
	if (r == PARSE_UNKNOWN)
		return r;
	ev->time_ns = h->time_ns;
	ev->flags |= EVENT_HAS_TIME;
	ev->sensor = h->host;
	return r;
}

/* /log print stamps: "2023-03-18 20:35:05", "mar/18/2023 20:35:05",
 * "mar/18 20:35:05" (this year), "20:35:05" (today: no date, no time). */
static const char *mt_local_stamp(struct parse_ctx *ctx, const char *p, const char *end,
				  struct event *ev)
{
	int y = 0, mon = 0, day = 0;
	const char *t;
	if (end - p >= 20 && p[4] == '-' && p[7] == '-' && p[10] == ' ') {
		int y1 = mt_two(p), y2 = mt_two(p + 2);
		mon = mt_two(p + 5);
		day = mt_two(p + 8);
		if (y1 < 0 || y2 < 0)
			return NULL;
		y = y1 * 100 + y2;
		t = p + 11;
	} else if (end - p >= 16 && p[3] == '/' && (mon = (int)month_from_abbr(p)) != 0) {
		day = mt_two(p + 4);
		if (p[6] == '/' && end - p >= 21) {
			int y1 = mt_two(p + 7), y2 = mt_two(p + 9);
			if (y1 < 0 || y2 < 0 || p[11] != ' ')
				return NULL;
			y = y1 * 100 + y2;
			t = p + 12;
		} else if (p[6] == ' ') {
			t = p + 7;
		} else {
			return NULL;
		}
	} else if (end - p >= 9 && p[2] == ':') {
		t = p;
	} else {
		return NULL;
	}
	if (end - t < 9 || t[2] != ':' || t[5] != ':' || t[8] != ' ')
		return NULL;
	int hh = mt_two(t), mm = mt_two(t + 3), ss = mt_two(t + 6);
	if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
		return NULL;
	if (mon) {
		if (mon < 1 || mon > 12 || day < 1 || day > 31)
			return NULL;
		if (!y)
			y = year_ref_infer(&ctx->year, (unsigned)mon, (unsigned)day);
		if (y < 1900 || y > 2200) /* keeps ns within int64 */
			return NULL;
		ev->time_ns = timeconv_local_to_utc(&ctx->tz, y, (unsigned)mon, (unsigned)day,
						    (unsigned)hh, (unsigned)mm, (unsigned)ss) *
			      NS_PER_SEC;
		ev->flags |= EVENT_HAS_TIME;
	}
	return t + 9;
}

static enum parse_result mt_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
				       struct event *ev)
{
	len = mt_trim(line, len);
	const char *end = line + len;
	struct syslog_header h;
	if (syslog_header_parse(ctx, line, len, &h) == 0) {
		/* RouterOS logs much besides the firewall (dhcp, system...) */
		enum parse_result r = mt_parse_syslog(ctx, &h, ev);
		return r == PARSE_UNKNOWN ? PARSE_OTHER : r;
	}
	const char *m = mt_local_stamp(ctx, line, end, ev);
	if (!m)
		return PARSE_UNKNOWN;
	enum parse_result r = mt_message(ctx, m, end, ev);
	if (r != PARSE_UNKNOWN)
		return r;
	/* another topic of /log print ("dhcp,info ...") */
	const char *te = memchr(m, ' ', (size_t)(end - m));
	return te && memchr(m, ',', (size_t)(te - m)) ? PARSE_OTHER : PARSE_UNKNOWN;
}

static int mt_detect(const char *line, size_t len)
{
	len = mt_trim(line, len);
	if (!memmem(line, len, " in:", 4) && !memmem(line, len, "login", 5) &&
	    !memmem(line, len, "logged in", 9))
		return 0;
	struct parse_ctx ctx;
	struct event ev;
	parse_ctx_init(&ctx, 0, 0, NULL); /* times are not looked at */
	event_clear(&ev);
	enum parse_result r = mt_parse_line(&ctx, line, len, &ev);
	return (r == PARSE_EVENT || r == PARSE_MALFORMED) ? 85 : 0;
}

static const struct parser_example mt_examples[] = {
	{"RouterOS via rsyslog, TCP SYN dropped by a rule with log-prefix \"drop-tcp\"",
	 "2023-03-18T20:36:59.594792+01:00 10.120.127.1 firewall,info drop-tcp input: "
	 "in:ether1-WAN out:(unknown 0), connection-state:new src-mac 00:17:10:88:bc:02, "
	 "proto TCP (SYN), 36.97.161.219:59388->81.82.202.145:23, len 40"},
	{"RouterOS, IPv6 UDP, no log prefix",
	 "2026-05-31T00:00:18.676257+02:00 gw firewall,info forward: in:WAN out:LAN, "
	 "connection-state:new src-mac e4:41:64:93:a8:0f, proto UDP, "
	 "[2001:db8:1234::1]:17850->[2001:db8:1234::2]:51413, len 112"},
	{"RouterOS login failure",
	 "2023-03-19T12:34:09.757188+01:00 10.120.127.1 system,error,critical login failure "
	 "for user admin from 10.127.0.35 via winbox"},
	{NULL, NULL},
};

const struct parser parser_mikrotik = {
	.name = "mikrotik",
	.summary = "MikroTik RouterOS firewall log (log=yes rules) and login lines, via remote "
		   "syslog or /log print",
	.time_note = "syslog stamps as the envelope gives them (RFC 3339 carries its zone; BSD "
		     "stamps are local time in --tz, year from the file's date, a date more "
		     "than a day after it being the previous year); /log print stamps are the "
		     "router's local time, read in --tz (\"mar/18\" takes its year the same "
		     "way; a bare \"20:35:05\" gives no time)",
	.examples = mt_examples,
	.detect = mt_detect,
	.parse_line = mt_parse_line,
	.parse_syslog = mt_parse_syslog,
};
