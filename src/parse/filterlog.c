/* pfSense / OPNsense "filterlog": pf's packet log as one CSV line per packet,
 * carried in a BSD or RFC 5424 syslog envelope. Field order from the pfSense
 * documentation ("Raw Filter Log Format") and filterlog's description.txt
 * (pfsense/FreeBSD-ports sysutils/filterlog, opnsense/ports opnsense/filterlog).
 *
 *   common: rule,subrule,anchor,tracker,iface,reason,action,dir,ipver,
 *   IPv4:   tos,ecn,ttl,id,offset,flags,protonum,protoname,length,src,dst,
 *   IPv6:   class,flowlabel,hoplimit,protoname,protonum,payloadlen,src,dst,
 *   TCP:    sport,dport,datalen,flags,seq,ack,window,urg,options
 *   UDP:    sport,dport,datalen
 *   ICMP:   pfSense "request,id,seq" / "unreachport,dst,TCP,port" / ...;
 *           OPNsense 25+ "datalength=N,type,code,id,seq,mtu" (pf.conf words) */
#include <string.h>
#include <strings.h>

#include "core/addr.h"
#include "core/util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

/* Enough for every layout; the rest of a longer line (TCP options split by
 * IPv6 extension headers) is not needed. */
#define FL_MAX 40

struct fl_csv {
	const char *f[FL_MAX];
	uint32_t len[FL_MAX];
	size_t n;
};

static void fl_split(const char *p, const char *end, struct fl_csv *c)
{
	c->n = 0;
	while (c->n < FL_MAX) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *fe = comma ? comma : end;
		c->f[c->n] = p;
		c->len[c->n] = (uint32_t)(fe - p);
		c->n++;
		if (!comma)
			break;
		p = comma + 1;
	}
}

static int fl_num(const struct fl_csv *c, size_t i, uint64_t max, uint64_t *out)
{
	return i < c->n ? parse_u64(c->f[i], c->len[i], max, out) : -1;
}

/* Case-insensitive whole-field comparison with a literal. */
static int fl_is(const struct fl_csv *c, size_t i, const char *w, size_t wl)
{
	return i < c->n && c->len[i] == wl && strncasecmp(c->f[i], w, wl) == 0;
}

#define FL_IS(c, i, lit) fl_is((c), (i), (lit), sizeof(lit) - 1)

static int fl_addr(const struct fl_csv *c, size_t i, struct ip_addr *a)
{
	return i < c->n ? addr_parse(c->f[i], c->len[i], a) : -1;
}

static int fl_starts(const struct fl_csv *c, size_t i, const char *w, size_t wl)
{
	return i < c->n && c->len[i] >= wl && memcmp(c->f[i], w, wl) == 0;
}

static int fl_contains(const struct fl_csv *c, size_t i, const char *w)
{
	return i < c->n && memmem(c->f[i], c->len[i], w, strlen(w)) != NULL;
}

/* pf's TCP flag letters as filterlog prints them: FSRPAUEC. */
static int fl_tcp_flags(const char *p, uint32_t n, uint8_t *out)
{
	uint8_t fl = 0;
	for (uint32_t i = 0; i < n; i++) {
		switch (p[i]) {
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

/* ICMP words: OPNsense prints pf.conf(5) icmp-type/icmp-code keywords,
 * pfSense prints its own (tcpdump-derived) words. */
struct fl_word {
	const char *w;
	int16_t v;
};

static const struct fl_word fl_icmp4_types[] = {
	{"echorep", 0},    {"unreach", 3},    {"squench", 4},   {"redir", 5},
	{"althost", 6},    {"echoreq", 8},    {"routeradv", 9}, {"routersol", 10},
	{"timex", 11},     {"paramprob", 12}, {"timereq", 13},  {"timerep", 14},
	{"inforeq", 15},   {"inforep", 16},   {"maskreq", 17},  {"maskrep", 18},
	{"trace", 30},     {"dataconv", 31},  {"mobredir", 32}, {"ipv6-where", 33},
	{"ipv6-here", 34}, {"mobregreq", 35}, {"mobregrep", 36}, {"skip", 39},
	{"photuris", 40},  {NULL, 0},
};

static const struct fl_word fl_icmp6_types[] = {
	{"unreach", 1},      {"toobig", 2},      {"timex", 3},       {"paramprob", 4},
	{"echoreq", 128},    {"echorep", 129},   {"listqry", 130},   {"listenrep", 131},
	{"listendone", 132}, {"routersol", 133}, {"routeradv", 134}, {"neighbrsol", 135},
	{"neighbradv", 136}, {"redir", 137},     {"routrrenum", 138}, {"niqry", 139},
	{"nirep", 140},      {"listenrepv2", 143}, {"mtraceresp", 200}, {"mtrace", 201},
	{NULL, 0},
};

static const struct fl_word fl_icmp4_codes[] = {
	{"net-unr", 0},      {"host-unr", 1},      {"proto-unr", 2},    {"port-unr", 3},
	{"needfrag", 4},     {"srcfail", 5},       {"net-unk", 6},      {"host-unk", 7},
	{"isolate", 8},      {"net-prohib", 9},    {"host-prohib", 10}, {"net-tos", 11},
	{"host-tos", 12},    {"filter-prohib", 13}, {"host-preced", 14}, {"cutoff-preced", 15},
	{"redir-net", 0},    {"redir-host", 1},    {"redir-tos-net", 2}, {"redir-tos-host", 3},
	{"normal-adv", 0},   {"common-adv", 16},   {"transit", 0},      {"reassemb", 1},
	{"badhead", 0},      {"optmiss", 1},       {"badlen", 2},       {"unknown-ind", 1},
	{"auth-fail", 2},    {"decrypt-fail", 3},  {NULL, 0},
};

static const struct fl_word fl_icmp6_codes[] = {
	{"noroute-unr", 0}, {"admin-unr", 1}, {"beyond-unr", 2}, {"addr-unr", 3},
	{"port-unr", 4},    {"transit", 0},   {"reassemb", 1},   {"badhead", 0},
	{"nxthdr", 1},      {"redironlink", 0}, {"redirrouter", 1}, {NULL, 0},
};

/* A keyword, "unknown(N)" or a bare number. Returns -1 if none fits. */
static int fl_lookup(const struct fl_word *t, const char *p, uint32_t n)
{
	uint64_t v;
	for (; t->w; t++)
		if (strlen(t->w) == n && memcmp(t->w, p, n) == 0)
			return t->v;
	if (n > 9 && memcmp(p, "unknown(", 8) == 0 && p[n - 1] == ')')
		return parse_u64(p + 8, n - 9, 255, &v) == 0 ? (int)v : -1;
	return parse_u64(p, n, 255, &v) == 0 ? (int)v : -1;
}

/* pfSense's "unreach,<text>" descriptions (tcpdump's wording). */
static int fl_unreach_code(const char *p, uint32_t n)
{
	static const struct {
		const char *tail;
		int net, host;
	} tails[] = {
		{"admin prohibited filter", 13, 13}, {"host precedence violation", 14, 14},
		{"precedence cutoff", 15, 15},       {"tos prohibited", 11, 12},
		{"admin prohibited", 9, 10},         {"- unknown", 6, 7},
		{"source host isolated", 8, 8},      {"source route failed", 5, 5},
	};
	int is_net = n >= 4 && memcmp(p, "net ", 4) == 0;
	for (size_t i = 0; i < ARRAY_LEN(tails); i++)
		if (memmem(p, n, tails[i].tail, strlen(tails[i].tail)))
			return is_net ? tails[i].net : tails[i].host;
	if (is_net)
		return 0;
	if (n >= 5 && memcmp(p, "host ", 5) == 0)
		return 1;
	return -1;
}

static void fl_set_icmp(struct event *ev, int type, int code)
{
	if (type < 0 || code < 0)
		return;
	ev->icmp_type = (uint8_t)type;
	ev->icmp_code = (uint8_t)code;
	ev->flags |= EVENT_HAS_ICMP;
}

static void fl_icmp(const struct fl_csv *c, size_t d, int v6, struct event *ev)
{
	if (d >= c->n)
		return;
	const char *w = c->f[d];
	uint32_t n = c->len[d];
	if (n > 11 && memcmp(w, "datalength=", 11) == 0) {
		if (d + 2 >= c->n)
			return;
		int type = fl_lookup(v6 ? fl_icmp6_types : fl_icmp4_types, c->f[d + 1], c->len[d + 1]);
		int code = fl_lookup(v6 ? fl_icmp6_codes : fl_icmp4_codes, c->f[d + 2], c->len[d + 2]);
		fl_set_icmp(ev, type, code);
		return;
	}
	if (v6)
		return; /* pfSense does not decode ICMPv6 */
	static const struct {
		const char *w;
		int type, code;
	} words[] = {
		{"request", 8, 0},      {"reply", 0, 0},        {"unreachproto", 3, 2},
		{"unreachport", 3, 3},  {"needfrag", 3, 4},     {"maskreply", 18, 0},
		{"tstamp", 13, 0},      {"tstampreply", 14, 0}, {"source quench", 4, 0},
		{"router solicitation", 10, 0}, {"information request", 15, 0},
		{"information reply", 16, 0},   {"address mask request", 17, 0},
		{"echo reply", 0, 0},   {"echo request", 8, 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		if (strlen(words[i].w) == n && memcmp(words[i].w, w, n) == 0) {
			fl_set_icmp(ev, words[i].type, words[i].code);
			return;
		}
	const char *t = d + 1 < c->n ? c->f[d + 1] : "";
	uint32_t tn = d + 1 < c->n ? c->len[d + 1] : 0;
	if (n == 7 && memcmp(w, "unreach", 7) == 0) {
		fl_set_icmp(ev, 3, fl_unreach_code(t, tn));
	} else if (n == 9 && memcmp(w, "timexceed", 9) == 0) {
		if (memmem(t, tn, "in-transit", 10))
			fl_set_icmp(ev, 11, 0);
		else if (memmem(t, tn, "reassembly", 10))
			fl_set_icmp(ev, 11, 1);
	} else if (n == 8 && memcmp(w, "redirect", 8) == 0) {
		int tos = tn >= 12 && memcmp(t, "redirect-tos", 12) == 0;
		if (memmem(t, tn, " to net ", 8))
			fl_set_icmp(ev, 5, tos ? 2 : 0);
		else if (memmem(t, tn, " to host ", 9))
			fl_set_icmp(ev, 5, tos ? 3 : 1);
	} else if (n == 9 && memcmp(w, "paramprob", 9) == 0) {
		/* "paramprob, parameter problem - code N" or "- octet N" */
		const char *k = memmem(t, tn, "- code ", 7);
		uint64_t v;
		if (k && parse_u64(k + 7, tn - (uint32_t)(k + 7 - t), 255, &v) == 0)
			fl_set_icmp(ev, 12, (int)v);
		else if (memmem(t, tn, "- octet", 7))
			fl_set_icmp(ev, 12, 0);
	} else if (n >= 9 && memcmp(w, "routeradv", 9) == 0) {
		fl_set_icmp(ev, 9, 0);
	}
}

/* IPv6 "FRAG6, 0x<id>:<offset>|<len>": returns 0 and fills id/offset. */
static int fl_frag6(const struct fl_csv *c, size_t d, uint64_t *id, uint64_t *off)
{
	if (!FL_IS(c, d, "FRAG6") || d + 1 >= c->n)
		return -1;
	const char *p = c->f[d + 1], *end = p + c->len[d + 1];
	while (p < end && *p == ' ')
		p++;
	const char *colon = memchr(p, ':', (size_t)(end - p));
	if (!colon)
		return -1;
	const char *bar = memchr(colon, '|', (size_t)(end - colon));
	if (!bar || parse_hex_u64(p, (size_t)(colon - p), UINT32_MAX, id) != 0 ||
	    parse_u64(colon + 1, (size_t)(bar - colon - 1), 65535, off) != 0)
		return -1;
	return 0;
}

static int fl_ports(const struct fl_csv *c, size_t d, struct event *ev)
{
	uint64_t sp, dp;
	if (fl_num(c, d, 65535, &sp) != 0 || fl_num(c, d + 1, 65535, &dp) != 0)
		return -1;
	ev->sport = (uint16_t)sp;
	ev->dport = (uint16_t)dp;
	ev->flags |= EVENT_HAS_PORTS;
	return 0;
}

static void fl_tcp(const struct fl_csv *c, size_t d, struct event *ev)
{
	uint64_t v;
	if (d + 3 < c->n && fl_tcp_flags(c->f[d + 3], c->len[d + 3], &ev->tcp_flags) == 0)
		ev->flags |= EVENT_HAS_TCP_FLAGS;
	if (d + 4 < c->n) {
		/* "seq" or "seq:seq+datalen" */
		const char *s = c->f[d + 4];
		const char *colon = memchr(s, ':', c->len[d + 4]);
		size_t sl = colon ? (size_t)(colon - s) : c->len[d + 4];
		if (parse_u64(s, sl, UINT32_MAX, &v) == 0) {
			ev->tcp_seq = (uint32_t)v;
			ev->flags |= EVENT_HAS_SEQ;
		}
	}
	if (fl_num(c, d + 6, 65535, &v) == 0) {
		ev->window = (uint16_t)v;
		ev->flags |= EVENT_HAS_WINDOW;
	}
}

static uint8_t fl_action(const struct fl_csv *c)
{
	if (FL_IS(c, 6, "block"))
		return EVENT_ACTION_DROP;
	if (FL_IS(c, 6, "pass"))
		return EVENT_ACTION_ACCEPT;
	if (FL_IS(c, 6, "reject"))
		return EVENT_ACTION_REJECT;
	if (c->len[6] == 0)
		return EVENT_ACTION_UNKNOWN;
	return EVENT_ACTION_LOG; /* match, scrub, nat, rdr, binat: logged, no verdict */
}

/* The CSV at [p, end). tagged: the envelope named filterlog, so a line that
 * does not fit is malformed rather than foreign. */
static enum parse_result fl_parse_csv(struct parse_ctx *ctx, const char *p, const char *end,
				      int tagged, struct event *ev)
{
	struct fl_csv c;
	uint64_t v, ipver;
	while (p < end && *p == ' ')
		p++;
	fl_split(p, end, &c);
	if (c.n < 9 || fl_num(&c, 0, UINT32_MAX, &v) != 0 || fl_num(&c, 8, 9, &ipver) != 0 ||
	    (ipver != 4 && ipver != 6) || !(FL_IS(&c, 7, "in") || FL_IS(&c, 7, "out"))) {
		if (!tagged)
			return PARSE_UNKNOWN;
		ctx->reason = "filterlog: missing rule, direction or IP version (truncated line?)";
		return PARSE_MALFORMED;
	}
	int out = FL_IS(&c, 7, "out");
	struct slice ifs = {c.f[4], c.len[4]};
	if (out)
		ev->out_if = ifs;
	else
		ev->in_if = ifs;
	ev->detail.ptr = c.f[5]; /* reason: match, bad-offset, fragment, short... */
	ev->detail.len = c.len[5];
	/* The tracker survives rule reordering; the rule number does not. */
	size_t pi = (c.len[3] && !(c.len[3] == 1 && c.f[3][0] == '0')) ? 3 : 0;
	ev->prefix.ptr = c.f[pi];
	ev->prefix.len = c.len[pi];
	ev->action = fl_action(&c);

	size_t s, d; /* index of src; first transport field */
	uint64_t proto, len, ttl, off = 0;
	int v6 = ipver == 6;
	if (!v6) {
		uint64_t id;
		if (c.n < 20 || fl_num(&c, 11, 255, &ttl) != 0 || fl_num(&c, 12, 65535, &id) != 0 ||
		    fl_num(&c, 13, 65535, &off) != 0 || fl_num(&c, 15, 255, &proto) != 0 ||
		    fl_num(&c, 17, 65535, &len) != 0) {
			ctx->reason = "filterlog: bad or missing IPv4 header field";
			return PARSE_MALFORMED;
		}
		ev->ip_id = (uint32_t)id;
		ev->ip_len = (uint32_t)len;
		ev->flags |= EVENT_HAS_IP_ID | EVENT_HAS_LEN;
		if (fl_contains(&c, 14, "DF"))
			ev->flags |= EVENT_DF;
		s = 18;
	} else {
		if (c.n < 17 || fl_num(&c, 11, 255, &ttl) != 0 || fl_num(&c, 13, 255, &proto) != 0 ||
		    fl_num(&c, 14, 65535, &len) != 0) {
			ctx->reason = "filterlog: bad or missing IPv6 header field";
			return PARSE_MALFORMED;
		}
		ev->ip_len = (uint32_t)len + 40; /* payload length + header, like LEN= */
		ev->flags |= EVENT_HAS_LEN;
		s = 15;
	}
	ev->ttl = (uint8_t)ttl;
	ev->proto = (uint8_t)proto;
	ev->flags |= EVENT_HAS_TTL;
	if (fl_addr(&c, s, &ev->src) != 0 || fl_addr(&c, s + 1, &ev->dst) != 0) {
		ctx->reason = "filterlog: bad or missing source or destination address";
		return PARSE_MALFORMED;
	}
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_DST;
	d = s + 2;

	if (off) {
		ev->flags |= EVENT_FRAGMENT;
		return PARSE_EVENT;
	}
	if (v6 && (proto == 0 || proto == 43 || proto == 44 || proto == 60)) {
		/* Extension headers are printed before the transport, which
		 * filterlog does not name: keep the first header's number. */
		uint64_t id, foff;
		for (size_t i = d; i + 1 < c.n; i++)
			if (fl_frag6(&c, i, &id, &foff) == 0) {
				ev->ip_id = (uint32_t)id;
				ev->flags |= EVENT_HAS_IP_ID;
				if (foff)
					ev->flags |= EVENT_FRAGMENT;
				break;
			}
		return PARSE_EVENT;
	}
	switch (proto) {
	case IPPROTO_NUM_TCP:
		if (fl_ports(&c, d, ev) != 0)
			goto bad_ports;
		fl_tcp(&c, d, ev);
		break;
	case IPPROTO_NUM_UDP:
	case IPPROTO_NUM_UDPLITE:
	case IPPROTO_NUM_SCTP:
		if (fl_ports(&c, d, ev) != 0)
			goto bad_ports;
		break;
	case IPPROTO_NUM_ICMP:
	case IPPROTO_NUM_ICMPV6:
		fl_icmp(&c, d, v6, ev);
		break;
	default:
		break;
	}
	return PARSE_EVENT;
bad_ports:
	/* A TCP header too short to hold ports is logged as errormsg=... */
	if (fl_starts(&c, d, "errormsg=", 9)) {
		ev->flags |= EVENT_TRUNCATED;
		return PARSE_EVENT;
	}
	ctx->reason = "filterlog: bad or missing port";
	return PARSE_MALFORMED;
}

static int fl_tag_is_filterlog(const struct syslog_header *h)
{
	return h->tag.len >= 9 && memcmp(h->tag.ptr, "filterlog", 9) == 0 &&
	       (h->tag.len == 9 || h->tag.ptr[9] == '[');
}

static enum parse_result fl_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					 struct event *ev)
{
	if (!fl_tag_is_filterlog(h))
		return PARSE_UNKNOWN;
	ev->time_ns = h->time_ns;
	ev->flags |= EVENT_HAS_TIME;
	ev->sensor = h->host;
	return fl_parse_csv(ctx, h->msg, h->msg + h->msg_len, 1, ev);
}

static size_t fl_trim(const char *line, size_t len)
{
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	return len;
}

static enum parse_result fl_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
				       struct event *ev)
{
	len = fl_trim(line, len);
	struct syslog_header h;
	if (syslog_header_parse(ctx, line, len, &h) == 0) {
		enum parse_result r = fl_parse_syslog(ctx, &h, ev);
		return r == PARSE_UNKNOWN ? PARSE_OTHER : r;
	}
	/* The bare CSV (a message field exported on its own): no time. */
	return fl_parse_csv(ctx, line, line + len, 0, ev);
}

static int fl_detect(const char *line, size_t len)
{
	len = fl_trim(line, len);
	const char *m = memmem(line, len, "filterlog", 9);
	if (!m)
		return 0;
	/* "filterlog: 5,,,1000000103,em0,..." or RFC 5424 "filterlog 69805 - - 5,,," */
	const char *end = line + len;
	const char *p = m + 9;
	if (p < end && *p == '[')
		p = memchr(p, ']', (size_t)(end - p));
	if (!p)
		return 0;
	const char *dir = memmem(p, (size_t)(end - p), ",in,", 4);
	if (!dir)
		dir = memmem(p, (size_t)(end - p), ",out,", 5);
	return dir ? 90 : 0;
}

static const struct parser_example fl_examples[] = {
	{"pfSense, BSD syslog, IPv4 TCP",
	 "Sep 28 10:38:24 pfSense filterlog: 53,,,1000102631,em0,match,block,in,4,0x0,,64,600,0,"
	 "none,6,tcp,44,10.0.2.2,10.0.2.15,53792,22,0,S,31552001,,65535,,mss"},
	{"OPNsense, RFC 5424, IPv4 UDP",
	 "<134>1 2022-09-06T18:37:34+02:00 opnsense filterlog 69805 - [meta sequenceId=\"2633353\"] "
	 "10,,,02f4bab031b57d1e30553ce08e0ec131,re0,match,block,in,4,0x0,,118,28579,0,none,17,udp,"
	 "132,212.102.36.22,37.120.48.198,49838,52938,112"},
	{"pfSense, RFC 5424, IPv6 TCP",
	 "<134>1 2025-11-06T11:42:14.270789+00:00 firewall.lan filterlog 92653 - - 621,,,1644355515,"
	 "vtnet0.10,match,block,in,6,0x00,0x07c63,64,TCP,6,44,fdfd:ace:ace:10:d8:cdbf:f6f8:6d69,"
	 "fdfd:ace:ace:5::6,65382,443,0,S,1927530165,,0,,mss;nop;wscale;nop;nop;TS;sackOK;eol"},
	{NULL, NULL},
};

const struct parser parser_filterlog = {
	.name = "filterlog",
	.summary = "pfSense / OPNsense filterlog CSV lines (pf's log), IPv4 and IPv6, in a BSD "
		   "or RFC 5424 syslog envelope",
	.time_note = "the envelope's stamp: RFC 5424 / RFC 3339 stamps carry their zone; BSD "
		     "stamps (pfSense's default) are local time in --tz with the year from the "
		     "file's date (a date more than a day after it is the previous year); the "
		     "bare CSV has no time",
	.examples = fl_examples,
	.detect = fl_detect,
	.parse_line = fl_parse_line,
	.parse_syslog = fl_parse_syslog,
};
