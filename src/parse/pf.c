/* BSD pf's packet log as text: what `tcpdump -n -e -ttt -r /var/log/pflog`
 * prints (OpenBSD and FreeBSD/libpcap tcpdump), also piped into syslog
 * ("host pf: <tcpdump line>"). The pflog header part follows tcpdump's
 * print-pflog.c: "rule NR[.ANCHOR.SUBNR]/[N](REASON): ACTION DIR on IFACE: ";
 * the packet part is tcpdump's IPv4/IPv6 text in both its old style
 * (OpenBSD: "S 1:1(0) win 16384 <mss 1460>", "icmp: echo request", "udp 57")
 * and its new style (tcpdump 4: "Flags [S], seq 1, win 65535, options
 * [mss 1460], length 0", "ICMP echo request, ...", "UDP, length 57").
 *
 * Stamps (tcpdump's -t options differ between OpenBSD and libpcap tcpdump):
 *   "Mar 30 15:53:25.793256"     OpenBSD -ttt: local time, no year
 *   "2023-03-30 15:53:25.793256" libpcap -tttt: local time with year
 *   "1680191605.793256"          -tt: seconds since the epoch (UTC)
 *   "15:53:25.793256"            libpcap default (time of day) or -ttt
 *                                (delta since the previous packet): the two
 *                                look alike and neither has a date, so no
 *                                time is taken from them
 *   "793256"                     OpenBSD -tttt/-ttttt delta: no time
 * Without an absolute stamp the syslog envelope's time is used, if any. */
#include <string.h>

#include "core/addr.h"
#include "core/timeconv.h"
#include "core/util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

static int pf_digit(char c)
{
	return (unsigned)(unsigned char)c - '0' < 10;
}

static int pf_two(const char *p)
{
	if (!pf_digit(p[0]) || !pf_digit(p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

static size_t pf_trim(const char *line, size_t len)
{
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	return len;
}

enum pf_stamp_kind {
	PF_STAMP_NONE = 0,
	PF_STAMP_NOYEAR,  /* Mar 30 15:53:25.793256 */
	PF_STAMP_LOCAL,   /* 2023-03-30 15:53:25.793256 */
	PF_STAMP_EPOCH,   /* 1680191605.793256 */
	PF_STAMP_NODATE,  /* 15:53:25.793256 or a delta: unusable */
};

struct pf_stamp {
	enum pf_stamp_kind kind;
	int year;
	unsigned mon, day, hour, min, sec;
	int64_t epoch;
	uint32_t frac_ns;
};

/* ".digits" -> nanoseconds; returns the position after it. */
static const char *pf_frac(const char *p, const char *end, uint32_t *ns)
{
	*ns = 0;
	if (p >= end || *p != '.')
		return p;
	p++;
	uint32_t v = 0;
	int n = 0;
	for (; p < end && pf_digit(*p); p++)
		if (n < 9) {
			v = v * 10 + (uint32_t)(*p - '0');
			n++;
		}
	for (; n < 9; n++)
		v *= 10;
	*ns = v;
	return p;
}

static const char *pf_hms(const char *p, const char *end, struct pf_stamp *st)
{
	if (end - p < 8 || p[2] != ':' || p[5] != ':')
		return NULL;
	int h = pf_two(p), m = pf_two(p + 3), s = pf_two(p + 6);
	if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60)
		return NULL;
	st->hour = (unsigned)h;
	st->min = (unsigned)m;
	st->sec = (unsigned)s;
	return pf_frac(p + 8, end, &st->frac_ns);
}

/* A tcpdump stamp and its trailing space at p. Returns the position after
 * it, or p itself (kind NONE) when there is none. */
static const char *pf_stamp(const char *p, const char *end, struct pf_stamp *st)
{
	memset(st, 0, sizeof(*st));
	const char *q = NULL;
	if (end - p >= 15 && p[3] == ' ' && month_from_abbr(p)) {
		const char *d = p + 4;
		if (*d == ' ')
			d++;
		unsigned day = 0;
		int nd = 0;
		while (d < end && pf_digit(*d) && nd < 2) {
			day = day * 10 + (unsigned)(*d++ - '0');
			nd++;
		}
		if (nd && d < end && *d == ' ' && day >= 1 && day <= 31) {
			st->mon = month_from_abbr(p);
			st->day = day;
			q = pf_hms(d + 1, end, st);
			if (q)
				st->kind = PF_STAMP_NOYEAR;
		}
	} else if (end - p >= 19 && p[4] == '-' && p[7] == '-' && p[10] == ' ') {
		int y1 = pf_two(p), y2 = pf_two(p + 2), mo = pf_two(p + 5), d = pf_two(p + 8);
		if (y1 >= 0 && y2 >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31) {
			st->year = y1 * 100 + y2;
			st->mon = (unsigned)mo;
			st->day = (unsigned)d;
			q = pf_hms(p + 11, end, st);
			if (q)
				st->kind = PF_STAMP_LOCAL;
		}
	} else if (end - p >= 8 && p[2] == ':') {
		q = pf_hms(p, end, st);
		if (q)
			st->kind = PF_STAMP_NODATE;
	} else if (p < end && pf_digit(*p)) {
		const char *s = p;
		int64_t v = 0;
		while (p < end && pf_digit(*p) && p - s < 12)
			v = v * 10 + (*p++ - '0');
		q = p;
		if (q < end && *q == '.') {
			q = pf_frac(q, end, &st->frac_ns);
			/* nine or more digits of seconds: an epoch stamp (-tt) */
			st->kind = p - s >= 9 ? PF_STAMP_EPOCH : PF_STAMP_NODATE;
			st->epoch = v;
		} else {
			st->kind = PF_STAMP_NODATE;
		}
		p = s;
	}
	if (!q || q >= end || *q != ' ') {
		st->kind = PF_STAMP_NONE;
		return p;
	}
	return q + 1;
}

/* UTC ns of an absolute stamp; 0 and no flag when it has no date. */
static int pf_stamp_time(struct parse_ctx *ctx, const struct pf_stamp *st, int64_t *ns)
{
	int64_t sec;
	int year;
	switch (st->kind) {
	case PF_STAMP_NOYEAR:
	case PF_STAMP_LOCAL:
		year = st->kind == PF_STAMP_LOCAL ? st->year
						   : year_ref_infer(&ctx->year, st->mon, st->day);
		if (year < 1900 || year > 2200) /* keeps ns within int64 */
			return -1;
		sec = timeconv_local_to_utc(&ctx->tz, year, st->mon, st->day, st->hour, st->min,
					    st->sec);
		break;
	case PF_STAMP_EPOCH:
		if (st->epoch > 7000000000LL)
			return -1;
		sec = st->epoch;
		break;
	default:
		return -1;
	}
	*ns = sec * NS_PER_SEC + st->frac_ns;
	return 0;
}

/* Position of the literal w in [p, end), or NULL. */
static const char *pf_find(const char *p, const char *end, const char *w, size_t wl)
{
	return p < end ? memmem(p, (size_t)(end - p), w, wl) : NULL;
}

#define PF_FIND(p, end, lit) pf_find((p), (end), (lit), sizeof(lit) - 1)

/* The first ": " in [p, end), or NULL (memchr is cheaper than memmem). */
static const char *pf_colon_sp(const char *p, const char *end)
{
	while (p < end && (p = memchr(p, ':', (size_t)(end - p))) != NULL) {
		if (p + 1 < end && p[1] == ' ')
			return p;
		p++;
	}
	return NULL;
}
#define PF_AT(p, end, lit) \
	((size_t)((end) - (p)) >= sizeof(lit) - 1 && memcmp((p), (lit), sizeof(lit) - 1) == 0)

/* Decimal digits at p (up to max); returns the end or NULL if none. */
static const char *pf_num(const char *p, const char *end, uint64_t max, uint64_t *out)
{
	const char *s = p;
	uint64_t v = 0;
	while (p < end && pf_digit(*p) && p - s < 11)
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (p == s || v > max)
		return NULL;
	*out = v;
	return p;
}

/* "1.2.3.4.5678", "1.2.3.4", "2001:db8::1.22", "2001:db8::1". tcpdump
 * writes the port after the address's last dot. */
static int pf_endpoint(const char *s, const char *e, struct ip_addr *a, uint64_t *port,
		       int *has_port)
{
	*has_port = 0;
	if (addr_parse(s, (size_t)(e - s), a) == 0)
		return 0;
	const char *dot = e;
	while (dot > s && dot[-1] != '.')
		dot--;
	if (dot == s || addr_parse(s, (size_t)(dot - 1 - s), a) != 0)
		return -1;
	/* A port name (tcpdump without -n) leaves the address only. */
	if (parse_u64(dot, (size_t)(e - dot), 65535, port) == 0)
		*has_port = 1;
	return 0;
}

struct pf_icmp_word {
	const char *w;
	int16_t t4, c4, t6, c6;
};

/* tcpdump's wording (print-icmp.c, print-icmp6.c, old and new), matched
 * as a prefix of the text after "ICMP "/"icmp: "/"ICMP6, "/"icmp6: ". */
static const struct pf_icmp_word pf_icmp_words[] = {
	{"echo request", 8, 0, 128, 0},
	{"echo reply", 0, 0, 129, 0},
	{"router advertisement", 9, 0, 134, 0},
	{"router solicitation", 10, 0, 133, 0},
	{"neighbor sol", -1, -1, 135, 0},
	{"neighbor adv", -1, -1, 136, 0},
	{"multicast listener report v2", -1, -1, 143, 0},
	{"multicast listener report", -1, -1, 131, 0},
	{"multicast listener query", -1, -1, 130, 0},
	{"multicast listener done", -1, -1, 132, 0},
	{"packet too big", -1, -1, 2, 0},
	{"time exceeded in-transit", 11, 0, 3, 0},
	{"ip reassembly time exceeded", 11, 1, -1, -1},
	{"source quench", 4, 0, -1, -1},
	{"time stamp query", 13, 0, -1, -1},
	{"time stamp reply", 14, 0, -1, -1},
	{"address mask request", 17, 0, -1, -1},
	{"address mask is", 18, 0, -1, -1},
	{"information request", 15, 0, -1, -1},
	{"information reply", 16, 0, -1, -1},
};

/* ICMPv4 unreachable codes by tcpdump's text, most specific first. */
static int pf_unreach4(const char *p, const char *end)
{
	static const struct {
		const char *w;
		int net, host;
	} tails[] = {
		{"admin prohibited filter", 13, 13}, {"host precedence violation", 14, 14},
		{"precedence cutoff", 15, 15},       {"tos prohibited", 11, 12},
		{"admin prohibited", 9, 10},         {"- unknown", 6, 7},
		{"source host isolated", 8, 8},      {"source route failed", 5, 5},
		{"need to frag", 4, 4},              {" port ", 3, 3},
		{"protocol ", 2, 2},
	};
	int is_net = PF_AT(p, end, "net ");
	for (size_t i = 0; i < ARRAY_LEN(tails); i++)
		if (pf_find(p, end, tails[i].w, strlen(tails[i].w)))
			return is_net ? tails[i].net : tails[i].host;
	if (is_net)
		return 0;
	if (PF_AT(p, end, "host "))
		return 1;
	return -1;
}

static int pf_unreach6(const char *p, const char *end)
{
	if (PF_FIND(p, end, "unreachable route"))
		return 0;
	if (PF_FIND(p, end, "unreachable prohibited"))
		return 1;
	if (PF_FIND(p, end, "beyond scope"))
		return 2;
	if (PF_FIND(p, end, "unreachable address"))
		return 3;
	if (PF_FIND(p, end, "unreachable port") || PF_FIND(p, end, " port "))
		return 4;
	return -1;
}

static void pf_icmp(const char *p, const char *end, int v6, struct event *ev)
{
	int type = -1, code = -1;
	for (size_t i = 0; i < ARRAY_LEN(pf_icmp_words); i++) {
		size_t wl = strlen(pf_icmp_words[i].w);
		if ((size_t)(end - p) >= wl && memcmp(p, pf_icmp_words[i].w, wl) == 0) {
			type = v6 ? pf_icmp_words[i].t6 : pf_icmp_words[i].t4;
			code = v6 ? pf_icmp_words[i].c6 : pf_icmp_words[i].c4;
			break;
		}
	}
	if (type < 0) {
		const char *lim = memchr(p, ',', (size_t)(end - p));
		const char *te = v6 ? end : (lim ? lim : end); /* v4 text ends at ", length" */
		if (v6 && PF_AT(p, end, "destination unreachable")) {
			type = 1;
			code = pf_unreach6(p, end);
		} else if (v6 && PF_FIND(p, te, " unreachable")) {
			type = 1;
			code = pf_unreach6(p, te);
		} else if (!v6 && PF_FIND(p, te, "unreachable")) {
			type = 3;
			code = pf_unreach4(p, te);
		} else if (PF_AT(p, end, "redirect")) {
			type = v6 ? 137 : 5;
			code = v6 ? 0 : (PF_FIND(p, te, " to host ") ? 1 : 0) +
					    (PF_AT(p, end, "redirect-tos") ? 2 : 0);
		} else if (PF_AT(p, end, "parameter problem")) {
			type = v6 ? 4 : 12;
			code = PF_FIND(p, te, "octet") ? 0 : -1;
		}
	}
	if (type >= 0 && code >= 0) {
		ev->icmp_type = (uint8_t)type;
		ev->icmp_code = (uint8_t)code;
		ev->flags |= EVENT_HAS_ICMP;
	}
}

/* The number after the word at w ("seq 1", "win 73"), or -1. */
static int pf_word_num(const char *w, const char *end, size_t wl, uint64_t max, uint64_t *v)
{
	const char *n = w + wl;
	if (n >= end || *n != ' ')
		return -1;
	return pf_num(n + 1, end, max, v) ? 0 : -1;
}

/* One walk over the words after the flags, for both tcpdump styles:
 * new "seq 1, ack 2, win 3, options [mss 1460,...], length 0", old
 * "1:1(0) ack 2 win 3 <mss 1460,...>". Sets ack/urg bits it sees named. */
static void pf_tcp_words(const char *p, const char *end, struct event *ev, uint8_t *fl)
{
	uint64_t v;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == ',' || *p == '<' || *p == '['))
			p++;
		const char *w = p;
		while (p < end && *p != ' ' && *p != ',')
			p++;
		size_t wl = (size_t)(p - w);
		if (wl == 3 && memcmp(w, "seq", 3) == 0) {
			if (pf_word_num(w, end, 3, UINT32_MAX, &v) == 0) {
				ev->tcp_seq = (uint32_t)v;
				ev->flags |= EVENT_HAS_SEQ;
			}
		} else if (wl == 3 && memcmp(w, "win", 3) == 0) {
			if (pf_word_num(w, end, 3, 65535, &v) == 0) {
				ev->window = (uint16_t)v;
				ev->flags |= EVENT_HAS_WINDOW;
			}
		} else if (wl == 3 && memcmp(w, "mss", 3) == 0) {
			if (!(ev->flags & EVENT_HAS_MSS) && pf_word_num(w, end, 3, 65535, &v) == 0) {
				ev->mss = (uint16_t)v;
				ev->flags |= EVENT_HAS_MSS;
			}
		} else if (wl == 3 && memcmp(w, "ack", 3) == 0) {
			*fl |= TCP_FLAG_ACK;
		} else if (wl == 3 && memcmp(w, "urg", 3) == 0) {
			*fl |= TCP_FLAG_URG;
		} else if (wl == 6 && memcmp(w, "length", 6) == 0) {
			break; /* what follows is the application's */
		}
	}
}

/* tcpdump 4 "Flags [S.], seq 1, ack 2, win 3, options [mss 1460,...], length 0" */
static void pf_tcp_new(const char *p, const char *end, struct event *ev)
{
	const char *q = p + 7, *close = memchr(q, ']', (size_t)(end - q));
	if (!close)
		return;
	uint8_t fl = 0;
	if (!(close - q == 4 && memcmp(q, "none", 4) == 0)) {
		for (; q < close; q++) {
			switch (*q) {
			case 'S': fl |= TCP_FLAG_SYN; break;
			case 'F': fl |= TCP_FLAG_FIN; break;
			case 'R': fl |= TCP_FLAG_RST; break;
			case 'P': fl |= TCP_FLAG_PSH; break;
			case 'U': fl |= TCP_FLAG_URG; break;
			case 'W': fl |= TCP_FLAG_CWR; break;
			case 'E': fl |= TCP_FLAG_ECE; break;
			case '.': fl |= TCP_FLAG_ACK; break;
			default: return;
			}
		}
	}
	uint8_t named = 0; /* "ack N" follows the "." flag: nothing new */
	pf_tcp_words(close + 1, end, ev, &named);
	ev->tcp_flags = fl;
	ev->flags |= EVENT_HAS_TCP_FLAGS;
}

/* Old style: flag letters (or "." for none), then "seq:end(len)", "ack N",
 * "win N", "<mss 1460,...>". Returns -1 if p does not look like that. */
static int pf_tcp_old(const char *p, const char *end, struct event *ev)
{
	const char *q = p;
	uint8_t fl = 0;
	for (; q < end && *q != ' '; q++) {
		switch (*q) {
		case 'S': fl |= TCP_FLAG_SYN; break;
		case 'F': fl |= TCP_FLAG_FIN; break;
		case 'R': fl |= TCP_FLAG_RST; break;
		case 'P': fl |= TCP_FLAG_PSH; break;
		case 'W': fl |= TCP_FLAG_CWR; break;
		case 'E': fl |= TCP_FLAG_ECE; break;
		case '.': break;
		default: return -1;
		}
	}
	if (q == p || q >= end || q - p > 6)
		return -1;
	q++;
	uint64_t v;
	const char *n = pf_num(q, end, UINT32_MAX, &v);
	if (n && n < end && *n == ':') {
		ev->tcp_seq = (uint32_t)v;
		ev->flags |= EVENT_HAS_SEQ;
	} else if (!PF_AT(q, end, "ack ") && !PF_AT(q, end, "win ")) {
		return -1;
	}
	pf_tcp_words(q, end, ev, &fl);
	ev->tcp_flags = fl;
	ev->flags |= EVENT_HAS_TCP_FLAGS;
	return 0;
}

/* Protocols tcpdump names without ports. */
static int pf_other_proto(const char *p, const char *end)
{
	static const struct {
		const char *w;
		uint8_t proto;
	} names[] = {
		{"igmp", IPPROTO_NUM_IGMP}, {"IGMP", IPPROTO_NUM_IGMP}, {"ESP(", IPPROTO_NUM_ESP},
		{"AH(", IPPROTO_NUM_AH},    {"GRE", 47},                {"gre", 47},
		{"CARP", 112},              {"carp", 112},              {"VRRP", 112},
		{"OSPF", 89},               {"PIM", 103},               {"pfsync", 240},
		{"sctp", IPPROTO_NUM_SCTP}, {"SCTP", IPPROTO_NUM_SCTP},
	};
	uint64_t v;
	if (PF_AT(p, end, "ip-proto-") && pf_num(p + 9, end, 255, &v))
		return (int)v;
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		size_t wl = strlen(names[i].w);
		if ((size_t)(end - p) >= wl && memcmp(p, names[i].w, wl) == 0)
			return names[i].proto;
	}
	return -1;
}

/* The text after "SRC > DST: ". */
static void pf_payload(const char *p, const char *end, int v6, int ports, struct event *ev)
{
	int proto = -1;
	if (PF_AT(p, end, "Flags [")) {
		proto = IPPROTO_NUM_TCP;
		pf_tcp_new(p, end, ev);
	} else if (PF_AT(p, end, "UDP, ") || PF_AT(p, end, "udp ")) {
		proto = IPPROTO_NUM_UDP;
	} else if (PF_AT(p, end, "ICMP6, ") || PF_AT(p, end, "icmp6: ")) {
		proto = IPPROTO_NUM_ICMPV6;
		pf_icmp(p + 7, end, 1, ev);
	} else if (PF_AT(p, end, "ICMP ")) {
		proto = v6 ? IPPROTO_NUM_ICMPV6 : IPPROTO_NUM_ICMP;
		pf_icmp(p + 5, end, v6, ev);
	} else if (PF_AT(p, end, "icmp: ")) {
		proto = v6 ? IPPROTO_NUM_ICMPV6 : IPPROTO_NUM_ICMP;
		pf_icmp(p + 6, end, v6, ev);
	} else if (ports && pf_tcp_old(p, end, ev) == 0) {
		proto = IPPROTO_NUM_TCP;
	} else if (!ports) {
		proto = pf_other_proto(p, end);
	} else {
		/* An application decoded by tcpdump (DNS, NTP...) over ports,
		 * not TCP (which prints its flags first): UDP. */
		proto = IPPROTO_NUM_UDP;
	}
	if (proto >= 0)
		ev->proto = (uint8_t)proto;

	/* The parenthesised trailers, found in one walk over the '(':
	 * "(frag ID:LEN@OFF[+])", "(DF)", OpenBSD -v "(ttl 64, id 1, len 60)" */
	uint64_t v;
	for (const char *k = p; (k = memchr(k, '(', (size_t)(end - k))) != NULL; k++) {
		if (PF_AT(k, end, "(frag ")) {
			const char *n = pf_num(k + 6, end, UINT32_MAX, &v);
			const char *at = n ? memchr(n, '@', (size_t)(end - n)) : NULL;
			uint64_t off;
			if (n && n < end && *n == ':' && at && pf_num(at + 1, end, 65535, &off)) {
				ev->ip_id = (uint32_t)v;
				ev->flags |= EVENT_HAS_IP_ID;
				if (off)
					ev->flags |= EVENT_FRAGMENT;
			}
		} else if (PF_AT(k, end, "(DF)")) {
			ev->flags |= EVENT_DF;
		} else if (PF_AT(k, end, "(ttl ")) {
			const char *n = pf_num(k + 5, end, 255, &v);
			if (!n)
				continue;
			ev->ttl = (uint8_t)v;
			ev->flags |= EVENT_HAS_TTL;
			if (PF_AT(n, end, ", id ") && (n = pf_num(n + 5, end, 65535, &v))) {
				ev->ip_id = (uint32_t)v;
				ev->flags |= EVENT_HAS_IP_ID;
			}
			if (n && PF_AT(n, end, ", len ") && pf_num(n + 6, end, 65535, &v)) {
				ev->ip_len = (uint32_t)v;
				ev->flags |= EVENT_HAS_LEN;
			}
		}
	}
}

static uint8_t pf_action(const char *p, size_t n)
{
	if (n == 5 && memcmp(p, "block", 5) == 0)
		return EVENT_ACTION_DROP;
	if (n == 4 && memcmp(p, "pass", 4) == 0)
		return EVENT_ACTION_ACCEPT;
	if (n == 13 && memcmp(p, "synproxy-drop", 13) == 0)
		return EVENT_ACTION_DROP;
	if (n >= 5 && memcmp(p, "unkn(", 5) == 0)
		return EVENT_ACTION_UNKNOWN;
	return EVENT_ACTION_LOG; /* match, scrub, nat, rdr, binat, divert: no verdict */
}

/* "rule ..." to the end. Returns PARSE_UNKNOWN if p is not at "rule ". */
static enum parse_result pf_body(struct parse_ctx *ctx, const char *p, const char *end,
				 struct event *ev)
{
	if (!PF_AT(p, end, "rule "))
		return PARSE_UNKNOWN;
	const char *rs = p + 5;
	const char *slash = rs;
	while (slash < end && *slash != '/' && *slash != ' ' && slash - rs < 128)
		slash++;
	if (slash == rs || slash >= end || *slash != '/')
		return PARSE_UNKNOWN;
	/* libpcap: "0(match): ", OpenBSD: "(match) " and, with -v,
	 * "[uid 0, pid 123] " before the action. */
	const char *ro = slash + 1;
	while (ro < end && pf_digit(*ro) && ro - slash < 4)
		ro++;
	if (ro >= end || *ro != '(')
		return PARSE_UNKNOWN;
	const char *rc = memchr(ro, ')', (size_t)(end - ro) < 40 ? (size_t)(end - ro) : 40);
	if (!rc)
		return PARSE_UNKNOWN;
	const char *a = rc + 1;
	if (PF_AT(a, end, ": "))
		a += 2;
	else if (PF_AT(a, end, " "))
		a += 1;
	else
		return PARSE_UNKNOWN;
	ev->prefix.ptr = rs;
	ev->prefix.len = (uint32_t)(slash - rs);
	ev->detail.ptr = ro + 1;
	ev->detail.len = (uint32_t)(rc - ro - 1);
	if (PF_AT(a, end, "[uid ")) {
		const char *cb = memchr(a, ']', (size_t)(end - a));
		a = cb && cb + 1 < end ? cb + 2 : end;
	}
	/* "block in on em0: " */
	const char *ae = memchr(a, ' ', (size_t)(end - a));
	if (!ae) {
		ctx->reason = "pf: truncated after the rule";
		return PARSE_MALFORMED;
	}
	ev->action = pf_action(a, (size_t)(ae - a));
	const char *dir = ae + 1, *on = memchr(dir, ' ', (size_t)(end - dir) < 8 ? (size_t)(end - dir) : 8);
	if (!on || on == dir || !PF_AT(on, end, " on ")) {
		ctx->reason = "pf: no \"DIRECTION on INTERFACE\" after the action";
		return PARSE_MALFORMED;
	}
	const char *ifs = on + 4, *ife = pf_colon_sp(ifs, end);
	if (!ife) {
		ctx->reason = "pf: truncated after the interface";
		return PARSE_MALFORMED;
	}
	struct slice ifslice = {ifs, (uint32_t)(ife - ifs)};
	if (on - dir == 3 && memcmp(dir, "out", 3) == 0)
		ev->out_if = ifslice;
	else
		ev->in_if = ifslice;

	p = ife + 2;
	/* OpenBSD -v "[uid 0, pid 1234]", libpcap's "IP "/"IP6 " without -e */
	while (p < end && *p == '[') {
		const char *cb = memchr(p, ']', (size_t)(end - p));
		if (!cb)
			break;
		p = cb + 1;
		while (p < end && *p == ' ')
			p++;
	}
	if (PF_AT(p, end, "IP "))
		p += 3;
	else if (PF_AT(p, end, "IP6 "))
		p += 4;
	if (PF_AT(p, end, "(tos ") || PF_AT(p, end, "(hlim ") || PF_AT(p, end, "(flowlabel ")) {
		ctx->reason = "pf: tcpdump -v output puts the addresses on a second line; "
			      "read pflog without -v";
		return PARSE_MALFORMED;
	}
	const char *gt = p;
	while ((gt = memchr(gt, '>', (size_t)(end - gt))) != NULL && !(gt > p && gt[-1] == ' ' && gt + 1 < end && gt[1] == ' '))
		gt++;
	if (gt)
		gt--; /* at " > " */
	if (!gt) {
		ctx->reason = "pf: no \"SRC > DST\" after the interface";
		return PARSE_MALFORMED;
	}
	const char *ds = gt + 3, *de = pf_colon_sp(ds, end);
	const char *payload = de ? de + 2 : end;
	if (!de) {
		/* tcpdump always ends the destination with ": "; a line cut
		 * inside it would yield a wrong port. */
		if (end - ds < 1 || end[-1] != ':') {
			ctx->reason = "pf: line ends inside the destination address";
			return PARSE_MALFORMED;
		}
		de = end - 1;
	}
	uint64_t sport = 0, dport = 0;
	int sp, dp;
	if (pf_endpoint(p, gt, &ev->src, &sport, &sp) != 0 ||
	    pf_endpoint(ds, de, &ev->dst, &dport, &dp) != 0) {
		ctx->reason = "pf: bad source or destination address (tcpdump without -n?)";
		return PARSE_MALFORMED;
	}
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_DST;
	if (sp && dp) {
		ev->sport = (uint16_t)sport;
		ev->dport = (uint16_t)dport;
		ev->flags |= EVENT_HAS_PORTS;
	}
	while (payload < end && *payload == ' ')
		payload++; /* OpenBSD: "b.3875:  udp 57" */
	pf_payload(payload, end, !addr_is_v4(&ev->src), sp || dp, ev);
	if (!(ev->proto == IPPROTO_NUM_TCP || ev->proto == IPPROTO_NUM_UDP ||
	      ev->proto == IPPROTO_NUM_SCTP) &&
	    (ev->flags & EVENT_HAS_PORTS) && ev->proto != 0) {
		/* ports on a protocol that has none: keep the protocol's word */
		ev->flags &= ~(uint32_t)EVENT_HAS_PORTS;
	}
	return PARSE_EVENT;
}

/* A line of tcpdump output at p (optional stamp, then "rule "). */
static enum parse_result pf_tcpdump_line(struct parse_ctx *ctx, const char *p, const char *end,
					 struct event *ev)
{
	struct pf_stamp st;
	const char *q = pf_stamp(p, end, &st);
	enum parse_result r = pf_body(ctx, q, end, ev);
	if (r == PARSE_UNKNOWN)
		return r;
	int64_t ns;
	if (pf_stamp_time(ctx, &st, &ns) == 0) {
		ev->time_ns = ns;
		ev->flags |= EVENT_HAS_TIME;
	}
	return r;
}

static enum parse_result pf_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					 struct event *ev)
{
	const char *p = h->msg, *end = h->msg + h->msg_len;
	while (p < end && *p == ' ')
		p++;
	enum parse_result r = pf_tcpdump_line(ctx, p, end, ev);
	if (r == PARSE_UNKNOWN)
		return r;
	ev->sensor = h->host;
	if (!(ev->flags & EVENT_HAS_TIME)) {
		ev->time_ns = h->time_ns;
		ev->flags |= EVENT_HAS_TIME;
	}
	return r;
}

static enum parse_result pf_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
				       struct event *ev)
{
	len = pf_trim(line, len);
	const char *end = line + len;
	/* Bare tcpdump output first: OpenBSD's "Mar 30 15:53:25.793256 rule"
	 * would otherwise pass for a syslog header with host "rule". */
	enum parse_result r = pf_tcpdump_line(ctx, line, end, ev);
	if (r != PARSE_UNKNOWN)
		return r;
	struct syslog_header h;
	if (syslog_header_parse(ctx, line, len, &h) != 0)
		return PARSE_UNKNOWN;
	event_clear(ev);
	r = pf_parse_syslog(ctx, &h, ev);
	return r == PARSE_UNKNOWN ? PARSE_OTHER : r;
}

static int pf_detect(const char *line, size_t len)
{
	len = pf_trim(line, len);
	if (!memmem(line, len, "rule ", 5) || !memmem(line, len, " on ", 4))
		return 0;
	struct parse_ctx ctx;
	struct event ev;
	parse_ctx_init(&ctx, 0, 0, NULL); /* times are not looked at */
	event_clear(&ev);
	enum parse_result r = pf_parse_line(&ctx, line, len, &ev);
	return (r == PARSE_EVENT || r == PARSE_MALFORMED) ? 80 : 0;
}

static const struct parser_example pf_examples[] = {
	{"OpenBSD pf via syslog (tcpdump -e -ttt piped to logger)",
	 "Mar 30 15:55:20 enigma pf: Mar 30 15:53:25.793256 rule 2/(match) pass in on xl0: "
	 "205.174.165.231.50425 > 192.168.2.10.22: . ack 2450721 win 73 "
	 "<nop,nop,timestamp 1815379950 17589621,[|tcp]> (DF) [tos 0x10]"},
	{"OpenBSD pf via syslog, UDP",
	 "Mar 30 15:55:20 enigma pf: Mar 30 15:55:14.265470 rule 3/(match) pass out on xl0: "
	 "192.168.2.10.1514 > 192.168.2.26.3875:  udp 57"},
	{"OpenBSD pf via syslog, ICMP",
	 "Mar 30 15:55:19 enigma pf: Mar 30 15:48:03.688233 rule 3/(match) pass out on xl0: "
	 "192.168.2.10 > 192.168.2.1: icmp: 192.168.2.10 udp port 137 unreachable"},
	{NULL, NULL},
};

const struct parser parser_pf = {
	.name = "pf",
	.summary = "BSD pf log as printed by tcpdump -n -e (OpenBSD or libpcap tcpdump), bare "
		   "or forwarded through syslog",
	.time_note = "OpenBSD -ttt stamps (\"Mar 30 15:53:25.793256\") are local time in --tz "
		     "with the year from the file's date (a date more than a day after it is "
		     "the previous year); -tttt stamps (\"2023-03-30 15:53:25.793256\") are "
		     "local time in --tz; -tt epoch stamps are exact; time-of-day-only stamps "
		     "(libpcap default, or its -ttt deltas, which look the same) and delta "
		     "stamps give no time: the syslog envelope's time is used when there is "
		     "one, else the event has no time",
	.examples = pf_examples,
	.detect = pf_detect,
	.parse_line = pf_parse_line,
	.parse_syslog = pf_parse_syslog,
};
