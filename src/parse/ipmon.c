/* IPFilter's ipmon(8) packet log (FreeBSD, NetBSD, illumos/Solaris), as
 * print_ipflog() in ipmon.c writes it, to its own file or to syslog (-s):
 *   [DD/MM/YYYY ]HH:MM:SS.UUUUUU [Nx ]IFACE @GROUP:RULE ACT SRC,SPORT ->
 *   DST,DPORT PR tcp len HLEN PLEN -FLAGS [SEQ ACK WIN] [K-S] [K-F] IN|OUT
 * other protocols "SRC -> DST PR proto len HLEN (PLEN)", ICMP "... PR icmp
 * len HLEN PLEN icmp TYPE/CODE"; ACT is p/P pass, b/B block, L log only,
 * n no match, with S before it for a short packet; "Nx" counts N identical
 * packets logged once. The file form starts with the date; the syslog form
 * has only the time of day. State ("STATE:NEW") and NAT ("@1 NAT:MAP")
 * lines carry no packet of their own and count as other lines. */
#include <string.h>

#include "core/addr.h"
#include "core/timeconv.h"
#include "core/util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

static int im_digit(char c)
{
	return (unsigned)(unsigned char)c - '0' < 10;
}

static int im_two(const char *p)
{
	if (!im_digit(p[0]) || !im_digit(p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

static size_t im_trim(const char *line, size_t len)
{
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	return len;
}

#define IM_AT(p, end, lit) \
	((size_t)((end) - (p)) >= sizeof(lit) - 1 && memcmp((p), (lit), sizeof(lit) - 1) == 0)

static const char *im_tok_end(const char *p, const char *end)
{
	if (p >= end)
		return end;
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	return sp ? sp : end;
}

#define im_tok_is(p, e, lit) \
	((size_t)((e) - (p)) == sizeof(lit) - 1 && memcmp((p), (lit), sizeof(lit) - 1) == 0)

struct im_name {
	const char *w;
	uint8_t len;
	int v;
};

#define IM_N(w, v) {w, sizeof(w) - 1, v}

/* /etc/services names ipmon prints for ports when it resolves them (older
 * ipmon versions did so by default; -n or no -p in newer ones). */
static const struct im_name im_services[] = {
	IM_N("ftp-data", 20), IM_N("ftp", 21),          IM_N("ssh", 22),          IM_N("telnet", 23),
	IM_N("smtp", 25),     IM_N("domain", 53),       IM_N("bootps", 67),       IM_N("bootpc", 68),
	IM_N("tftp", 69),     IM_N("http", 80),         IM_N("www", 80),          IM_N("kerberos", 88),
	IM_N("pop3", 110),    IM_N("sunrpc", 111),      IM_N("auth", 113),        IM_N("nntp", 119),
	IM_N("ntp", 123),     IM_N("netbios-ns", 137),  IM_N("netbios-dgm", 138), IM_N("netbios-ssn", 139),
	IM_N("imap", 143),    IM_N("snmp", 161),        IM_N("snmptrap", 162),    IM_N("ldap", 389),
	IM_N("https", 443),   IM_N("microsoft-ds", 445), IM_N("isakmp", 500),     IM_N("syslog", 514),
	IM_N("submission", 587), IM_N("imaps", 993),    IM_N("pop3s", 995),       IM_N("ms-sql-s", 1433),
	IM_N("openvpn", 1194), IM_N("mysql", 3306),     IM_N("ms-wbt-server", 3389), IM_N("sip", 5060),
	IM_N("postgresql", 5432), IM_N("http-alt", 8080), {NULL, 0, 0},
};

static const struct im_name im_protos[] = {
	IM_N("tcp", IPPROTO_NUM_TCP), IM_N("udp", IPPROTO_NUM_UDP),     IM_N("icmp", IPPROTO_NUM_ICMP),
	IM_N("icmpv6", IPPROTO_NUM_ICMPV6), IM_N("ipv6-icmp", IPPROTO_NUM_ICMPV6),
	IM_N("igmp", IPPROTO_NUM_IGMP), IM_N("ipencap", 4),             IM_N("ipv6", 41),
	IM_N("gre", 47),              IM_N("esp", IPPROTO_NUM_ESP),     IM_N("ah", IPPROTO_NUM_AH),
	IM_N("ospf", 89),             IM_N("pim", 103),                 IM_N("vrrp", 112),
	IM_N("carp", 112),            IM_N("sctp", IPPROTO_NUM_SCTP),   IM_N("ip", 0),
	{NULL, 0, 0},
};

/* ipmon.c's icmptypes4/icmptypes6 and their code names. */
static const struct im_name im_icmp4[] = {
	IM_N("echoreply", 0),     IM_N("unreach", 3),        IM_N("sourcequench", 4), IM_N("redirect", 5),
	IM_N("echo", 8),          IM_N("routeradvert", 9),   IM_N("routersolicit", 10), IM_N("timxceed", 11),
	IM_N("paramprob", 12),    IM_N("timestamp", 13),     IM_N("timestampreply", 14), IM_N("inforeq", 15),
	IM_N("inforeply", 16),    IM_N("maskreq", 17),       IM_N("maskreply", 18),   {NULL, 0, 0},
};

static const struct im_name im_icmp6[] = {
	IM_N("unreach", 1),             IM_N("toobig", 2),             IM_N("timxceed", 3),
	IM_N("paramprob", 4),           IM_N("echo", 128),             IM_N("echoreply", 129),
	IM_N("groupmemberquery", 130),  IM_N("groupmemberreport", 131), IM_N("groupmemberterm", 132),
	IM_N("routersolicit", 133),     IM_N("routeradvert", 134),     IM_N("neighborsolicit", 135),
	IM_N("neighboradvert", 136),    IM_N("redirect", 137),         IM_N("routerrenumber", 138),
	{NULL, 0, 0},
};

static const struct im_name im_codes4[] = {
	IM_N("net", 0),          IM_N("host", 1),          IM_N("protocol", 2),       IM_N("port", 3),
	IM_N("needfrag", 4),     IM_N("srcfail", 5),       IM_N("net_unknown", 6),    IM_N("host_unknown", 7),
	IM_N("isolated", 8),     IM_N("net_prohib", 9),    IM_N("host_prohib", 10),   IM_N("tosnet", 11),
	IM_N("toshost", 12),     IM_N("admin_prohibit", 13), IM_N("transit", 0),      IM_N("reassem", 1),
	IM_N("errata_pointer", 0), IM_N("optmissing", 1),  IM_N("length", 2),         {NULL, 0, 0},
};

static const struct im_name im_codes6[] = {
	IM_N("noroute", 0), IM_N("admin", 1),   IM_N("neighbour", 2), IM_N("address", 3),   IM_N("noport", 4),
	IM_N("intransit", 0), IM_N("reassem", 1), IM_N("header", 0),  IM_N("nextheader", 1), IM_N("option", 2),
	{NULL, 0, 0},
};

/* A name from the table, "icmptype(N)"/"icmpv6type(N)", or a number. */
static int im_lookup(const struct im_name *t, const char *p, const char *e, uint64_t max)
{
	size_t n = (size_t)(e - p);
	uint64_t v;
	if (n && (unsigned)(unsigned char)*p - '0' < 10) /* ports are numbers, mostly */
		return parse_u64(p, n, max, &v) == 0 ? (int)v : -1;
	for (; t->w; t++)
		if (t->len == n && memcmp(t->w, p, n) == 0)
			return t->v;
	const char *open = memchr(p, '(', n);
	if (open && e[-1] == ')' && e - open > 2)
		return parse_u64(open + 1, (size_t)(e - open - 2), max, &v) == 0 ? (int)v : -1;
	return parse_u64(p, n, max, &v) == 0 ? (int)v : -1;
}

/* "ADDR" or "ADDR,PORT" (PORT a number or a service name). */
static int im_endpoint(const char *p, const char *e, struct ip_addr *a, uint16_t *port,
		       int *has_port)
{
	*has_port = 0;
	const char *comma = memchr(p, ',', (size_t)(e - p));
	const char *ae = comma ? comma : e;
	if (addr_parse(p, (size_t)(ae - p), a) != 0)
		return -1;
	if (comma) {
		int v = im_lookup(im_services, comma + 1, e, 65535);
		if (v >= 0) {
			*port = (uint16_t)v;
			*has_port = 1;
		}
	}
	return 0;
}

static int im_tcp_flags(const char *p, const char *e, uint8_t *out)
{
	uint8_t fl = 0;
	for (; p < e; p++) {
		switch (*p) {
		case 'F': fl |= TCP_FLAG_FIN; break;
		case 'S': fl |= TCP_FLAG_SYN; break;
		case 'R': fl |= TCP_FLAG_RST; break;
		case 'P': fl |= TCP_FLAG_PSH; break;
		case 'A': fl |= TCP_FLAG_ACK; break;
		case 'U': fl |= TCP_FLAG_URG; break;
		case 'E': fl |= TCP_FLAG_ECE; break;
		case 'C': case 'W': fl |= TCP_FLAG_CWR; break;
		default: return -1;
		}
	}
	*out = fl;
	return 0;
}

/* Everything after the time of day. */
static enum parse_result im_body(struct parse_ctx *ctx, const char *p, const char *end,
				 struct event *ev)
{
	const char *t = p, *te = im_tok_end(t, end);
	if (te > t && te < end && te[-1] == 'x') {
		uint64_t n;
		if (parse_u64(t, (size_t)(te - t - 1), UINT32_MAX, &n) == 0 && n) {
			ev->count = (uint32_t)n;
			t = te + 1;
			te = im_tok_end(t, end);
		}
	}
	/* "@RULE NAT:MAP ...", "STATE:NEW ...", "missed N ipf log entries" */
	if (t >= end || *t == '@' || IM_AT(t, end, "STATE:") || IM_AT(t, end, "missed "))
		return PARSE_OTHER;
	if (te >= end || te == t) {
		ctx->reason = "ipmon: truncated after the time";
		return PARSE_MALFORMED;
	}
	const char *ifs = t, *ife = te;
	t = te + 1;
	te = im_tok_end(t, end);
	if (t >= end || *t != '@') {
		ctx->reason = "ipmon: no @GROUP:RULE after the interface";
		return PARSE_MALFORMED;
	}
	ev->prefix.ptr = t;
	ev->prefix.len = (uint32_t)(te - t);
	if (te >= end) {
		ctx->reason = "ipmon: truncated after the rule";
		return PARSE_MALFORMED;
	}
	/* the action letter(s) */
	t = te + 1;
	te = im_tok_end(t, end);
	if (te >= end || te - t < 1 || te - t > 2) {
		ctx->reason = "ipmon: missing action letter";
		return PARSE_MALFORMED;
	}
	const char *act = t;
	if (*act == 'S' && te - t == 2) {
		ev->flags |= EVENT_TRUNCATED; /* a short packet */
		act++;
	}
	switch (*act) {
	case 'p': case 'P': ev->action = EVENT_ACTION_ACCEPT; break;
	case 'b': case 'B': ev->action = EVENT_ACTION_DROP; break;
	case 'L': case 'n': ev->action = EVENT_ACTION_LOG; break;
	case '?': ev->action = EVENT_ACTION_UNKNOWN; break;
	default:
		ctx->reason = "ipmon: unknown action letter";
		return PARSE_MALFORMED;
	}
	/* SRC[,PORT] -> DST[,PORT] PR proto len HLEN PLEN */
	const char *ss = te + 1, *se = im_tok_end(ss, end);
	if (ss >= end || !IM_AT(se, end, " -> ")) {
		ctx->reason = "ipmon: no \"SRC -> DST\"";
		return PARSE_MALFORMED;
	}
	const char *ds = se + 4, *de = im_tok_end(ds, end);
	int sp, dp;
	if (im_endpoint(ss, se, &ev->src, &ev->sport, &sp) != 0 ||
	    im_endpoint(ds, de, &ev->dst, &ev->dport, &dp) != 0) {
		ctx->reason = "ipmon: bad address (ipmon -n prints host names)";
		return PARSE_MALFORMED;
	}
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_DST;
	if (!IM_AT(de, end, " PR ")) {
		ctx->reason = "ipmon: no \"PR protocol\" after the addresses";
		return PARSE_MALFORMED;
	}
	if (sp && dp)
		ev->flags |= EVENT_HAS_PORTS;
	else
		ev->sport = ev->dport = 0;
	const char *ps = de + 4, *pe = im_tok_end(ps, end);
	int proto = im_lookup(im_protos, ps, pe, 255);
	if (proto < 0) {
		ctx->reason = "ipmon: unknown protocol name";
		return PARSE_MALFORMED;
	}
	ev->proto = (uint8_t)proto;
	p = pe;
	if (IM_AT(p, end, " len ")) {
		/* "len HLEN PLEN" or "len HLEN (PLEN)" */
		const char *h = p + 5, *he = im_tok_end(h, end);
		const char *l = he < end ? he + 1 : end, *le = im_tok_end(l, end);
		uint64_t v;
		if (l < le && *l == '(' && le[-1] == ')') {
			l++;
			le--;
		}
		if (l < le && parse_u64(l, (size_t)(le - l), 65535, &v) == 0) {
			ev->ip_len = (uint32_t)v;
			ev->flags |= EVENT_HAS_LEN;
		}
		p = le < end && *le == ')' ? le + 1 : le;
	}
	/* the trailing words: -FLAGS [seq ack win], icmp T/C, (frag ...), IN/OUT */
	int in_dir = -1, fields = 0;
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		const char *w = p, *we = im_tok_end(w, end);
		p = we;
		uint64_t v;
		if (*w == '-' && ev->proto == IPPROTO_NUM_TCP && !(ev->flags & EVENT_HAS_TCP_FLAGS)) {
			if (im_tcp_flags(w + 1, we, &ev->tcp_flags) == 0)
				ev->flags |= EVENT_HAS_TCP_FLAGS;
			fields = 1;
		} else if (fields && fields <= 3 && parse_u64(w, (size_t)(we - w), UINT32_MAX, &v) == 0) {
			/* ipmon -v: sequence, acknowledgement, window */
			if (fields == 1) {
				ev->tcp_seq = (uint32_t)v;
				ev->flags |= EVENT_HAS_SEQ;
			} else if (fields == 3 && v <= 65535) {
				ev->window = (uint16_t)v;
				ev->flags |= EVENT_HAS_WINDOW;
			}
			fields++;
		} else if ((im_tok_is(w, we, "icmp") || im_tok_is(w, we, "icmpv6")) && p < end &&
			   !(ev->flags & EVENT_HAS_ICMP)) {
			int v6 = we - w == 6;
			const char *c = p + 1, *ce = im_tok_end(c, end);
			const char *slash = memchr(c, '/', (size_t)(ce - c));
			p = ce;
			if (slash) {
				int ty = im_lookup(v6 ? im_icmp6 : im_icmp4, c, slash, 255);
				int co = im_lookup(v6 ? im_codes6 : im_codes4, slash + 1, ce, 255);
				if (ty >= 0 && co >= 0) {
					ev->icmp_type = (uint8_t)ty;
					ev->icmp_code = (uint8_t)co;
					ev->flags |= EVENT_HAS_ICMP;
				}
			}
		} else if (im_tok_is(w, we, "for")) {
			break; /* an ICMP error quotes the offending packet */
		} else if (im_tok_is(w, we, "IN")) {
			in_dir = 1;
		} else if (im_tok_is(w, we, "OUT")) {
			in_dir = 0;
		} else if (im_tok_is(w, we, "(frag") && p < end) {
			/* "(frag ID:LEN@OFF[+][-])" */
			const char *f = p + 1, *fe = im_tok_end(f, end);
			const char *colon = memchr(f, ':', (size_t)(fe - f));
			const char *at = memchr(f, '@', (size_t)(fe - f));
			p = fe;
			if (colon && at && colon < at && parse_u64(f, (size_t)(colon - f), 65535, &v) == 0) {
				ev->ip_id = (uint32_t)v;
				ev->flags |= EVENT_HAS_IP_ID;
				const char *oe = at + 1;
				while (oe < fe && im_digit(*oe))
					oe++;
				if (parse_u64(at + 1, (size_t)(oe - at - 1), 65535, &v) == 0 && v)
					ev->flags |= EVENT_FRAGMENT;
			}
		} else {
			fields = 0;
		}
	}
	/* the "for" branch leaves the direction after the quoted packet */
	if (in_dir < 0) {
		const char *in = memmem(ss, (size_t)(end - ss), " IN", 3);
		const char *out = memmem(ss, (size_t)(end - ss), " OUT", 4);
		if (out && (out + 4 == end || out[4] == ' '))
			in_dir = 0;
		else if (in && (in + 3 == end || in[3] == ' '))
			in_dir = 1;
	}
	struct slice ifslice = {ifs, (uint32_t)(ife - ifs)};
	if (in_dir == 0)
		ev->out_if = ifslice;
	else
		ev->in_if = ifslice;
	return PARSE_EVENT;
}

/* "HH:MM:SS.UUUUUU " at p: seconds of the day and nanoseconds. */
static const char *im_tod(const char *p, const char *end, int64_t *sod, uint32_t *ns)
{
	if (end - p < 9 || p[2] != ':' || p[5] != ':')
		return NULL;
	int h = im_two(p), m = im_two(p + 3), s = im_two(p + 6);
	if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60)
		return NULL;
	*sod = h * 3600 + m * 60 + s;
	p += 8;
	*ns = 0;
	if (p < end && *p == '.') {
		uint32_t v = 0;
		int n = 0;
		for (p++; p < end && im_digit(*p); p++)
			if (n < 9) {
				v = v * 10 + (uint32_t)(*p - '0');
				n++;
			}
		for (; n < 9; n++)
			v *= 10;
		*ns = v;
	}
	if (p >= end || *p != ' ')
		return NULL;
	return p + 1;
}

static enum parse_result im_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					 struct event *ev)
{
	if (!(h->tag.len >= 5 && memcmp(h->tag.ptr, "ipmon", 5) == 0 &&
	      (h->tag.len == 5 || h->tag.ptr[5] == '[')))
		return PARSE_UNKNOWN;
	const char *p = h->msg, *end = h->msg + h->msg_len;
	if (IM_AT(p, end, "[ID ")) { /* Solaris syslog's message id */
		const char *cb = memchr(p, ']', (size_t)(end - p));
		p = cb ? cb + 1 : end;
		while (p < end && *p == ' ')
			p++;
	}
	ev->sensor = h->host;
	ev->time_ns = h->time_ns;
	ev->flags |= EVENT_HAS_TIME;
	int64_t sod;
	uint32_t ns;
	const char *q = im_tod(p, end, &sod, &ns);
	if (!q) {
		if (IM_AT(p, end, "missed ") || memmem(p, (size_t)(end - p), "flushed", 7))
			return PARSE_OTHER;
		ctx->reason = "ipmon: no HH:MM:SS.UUUUUU at the start of the message";
		return PARSE_MALFORMED;
	}
	if (!h->has_zone) {
		/* The packet's own time of day, on the envelope's date: the
		 * nearest such moment to the envelope's stamp. */
		int64_t hs = h->time_ns / NS_PER_SEC;
		int64_t local = hs + timeconv_utc_offset(&ctx->tz, hs);
		int64_t d = sod - (((local % 86400) + 86400) % 86400);
		if (d >= 43200)
			d -= 86400;
		else if (d < -43200)
			d += 86400;
		ev->time_ns = (hs + d) * NS_PER_SEC + ns;
	}
	return im_body(ctx, q, end, ev);
}

static enum parse_result im_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
				       struct event *ev)
{
	len = im_trim(line, len);
	const char *end = line + len;
	/* ipmon's own file: "DD/MM/YYYY HH:MM:SS.UUUUUU ..." (local time) */
	if (len >= 20 && line[2] == '/' && line[5] == '/' && line[10] == ' ') {
		int d = im_two(line), m = im_two(line + 3), y1 = im_two(line + 6),
		    y2 = im_two(line + 8);
		int64_t sod;
		uint32_t ns;
		const char *q = im_tod(line + 11, end, &sod, &ns);
		if (d < 1 || d > 31 || m < 1 || m > 12 || y1 < 19 || y1 > 21 || y2 < 0 || !q)
			return PARSE_UNKNOWN;
		int64_t day = timeconv_local_to_utc(&ctx->tz, y1 * 100 + y2, (unsigned)m,
						    (unsigned)d, (unsigned)(sod / 3600),
						    (unsigned)(sod / 60 % 60), (unsigned)(sod % 60));
		ev->time_ns = day * NS_PER_SEC + ns;
		ev->flags |= EVENT_HAS_TIME;
		return im_body(ctx, q, end, ev);
	}
	struct syslog_header h;
	if (syslog_header_parse(ctx, line, len, &h) != 0)
		return PARSE_UNKNOWN;
	enum parse_result r = im_parse_syslog(ctx, &h, ev);
	return r == PARSE_UNKNOWN ? PARSE_OTHER : r;
}

static int im_detect(const char *line, size_t len)
{
	len = im_trim(line, len);
	if (!memmem(line, len, " @", 2) || !memmem(line, len, " -> ", 4))
		return 0;
	struct parse_ctx ctx;
	struct event ev;
	parse_ctx_init(&ctx, 0, 0, NULL); /* times are not looked at */
	event_clear(&ev);
	enum parse_result r = im_parse_line(&ctx, line, len, &ev);
	return (r == PARSE_EVENT || r == PARSE_MALFORMED) ? 85 : 0;
}

static const struct parser_example im_examples[] = {
	{"ipmon -s via syslog (as ipmon(8) documents the format)",
	 "Jan  5 12:00:00 fw ipmon[123]: 12:00:00.123456 em0 @0:1 b 198.51.100.7,51234 -> "
	 "203.0.113.10,22 PR tcp len 20 44 -S IN"},
	{"ipmon's own log file, a repeated packet",
	 "05/01/2024 12:00:01.500000 2x em0 @0:3 b 198.51.100.7,53 -> 203.0.113.10,53 PR udp "
	 "len 20 61 IN"},
	{NULL, NULL},
};

const struct parser parser_ipmon = {
	.name = "ipmon",
	.summary = "IPFilter ipmon packet log (FreeBSD, NetBSD, illumos): its own file or "
		   "syslog (ipmon -s)",
	.time_note = "ipmon's file stamps (DD/MM/YYYY) are local time in --tz; in syslog the "
		     "packet's time of day is put on the envelope's date (nearest to the "
		     "envelope's stamp), whose year, if absent, comes from the file's date (a "
		     "date more than a day after it is the previous year)",
	.examples = im_examples,
	.detect = im_detect,
	.parse_line = im_parse_line,
	.parse_syslog = im_parse_syslog,
};
