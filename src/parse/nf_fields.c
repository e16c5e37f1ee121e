/* The netfilter LOG field list in one left-to-right pass, no allocation; per linux
 * net/netfilter/nf_log_syslog.c, ulogd2's printpkt.c (LOGEMU) and pvefw-logger. */
#include "parse/nf_fields.h"

#include <string.h>

#include "core/addr.h"

/* Facts relied on: the kernel writes IPv4, IPv6, TCP/UDP/ICMP/AH/ESP
 * fields in a fixed order; ICMP errors quote the offending packet in
 * "[...]"; IPv6 fragment headers appear as "OPT ( FRAG:n [INCOMPLETE ]
 * ID:xxxxxxxx )" or without the OPT wrapper. ulogd's LOGEMU writes
 * "TOS=00", "FRAG: n ID: x", a bare "INCOMPLETE" and "PROTO=ARP". */
static int is_upper(char c)
{
	return (unsigned)(unsigned char)c - 'A' < 26;
}

static int hexval(char c)
{
	unsigned d = (unsigned)(unsigned char)c - '0';
	if (d < 10)
		return (int)d;
	d = ((unsigned)(unsigned char)c | 0x20) - 'a';
	if (d < 6)
		return (int)d + 10;
	return -1;
}

#define KEY_IS(k, lit) (memcmp((k), (lit), sizeof(lit) - 1) == 0)

/* Values are short (a few bytes): a plain loop beats a memchr call. */
static inline const char *token_end(const char *p, const char *end)
{
	while (p < end && *p != ' ')
		p++;
	return p;
}

/* For the long ones (MAC= is 41 bytes, an IPv6 address up to 39). */
static inline const char *token_end_long(const char *p, const char *end)
{
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	return sp ? sp : end;
}

/* One to three digits of an octet at p; bounds are the caller's (it
 * checked that 16 bytes are readable). */
static inline __attribute__((always_inline)) const char *octet(const char *p, unsigned *o)
{
	unsigned d = (unsigned)(unsigned char)p[0] - '0';
	if (d > 9)
		return NULL;
	unsigned v = d;
	d = (unsigned)(unsigned char)p[1] - '0';
	if (d > 9)
		goto done1;
	v = v * 10 + d;
	d = (unsigned)(unsigned char)p[2] - '0';
	if (d > 9)
		goto done2;
	v = v * 10 + d;
	if (v > 255)
		return NULL;
	*o = v;
	return p + 3;
done2:
	*o = v;
	return p + 2;
done1:
	*o = v;
	return p + 1;
}

/* An address value: a dotted quad with room after it (the common case) is
 * read in the same pass that finds the value's end; anything else goes to
 * addr_parse (IPv6, or a quad at the very end of the line). */
static inline const char *addr_value(const char *p, const char *end, struct ip_addr *out)
{
	const char *s = p;
	if (end - p >= 16) { /* "255.255.255.255" and the byte after */
		unsigned a, b, c, d;
		if ((p = octet(p, &a)) && *p == '.' && (p = octet(p + 1, &b)) && *p == '.' &&
		    (p = octet(p + 1, &c)) && *p == '.' && (p = octet(p + 1, &d)) && *p == ' ') {
			addr_from_v4((uint32_t)a << 24 | b << 16 | c << 8 | d, out);
			return p;
		}
	}
	p = token_end_long(s, end);
	if (addr_parse(s, (size_t)(p - s), out) != 0)
		return NULL;
	return p;
}

static inline __attribute__((always_inline)) uint64_t load8(const char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

/* A decimal number that is the whole value: digits, then a space or the
 * end. Returns the position after it, or NULL. */
static inline __attribute__((always_inline)) const char *dec(const char *p, const char *end,
							     uint64_t max, uint64_t *out)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (end - p >= 8) {
		/* SWAR: find the digits among 8 bytes with bit tricks, then
		 * combine them pairwise by multiplication (1-7 digits). A byte
		 * is a digit when b - '0' < 10, i.e. neither it nor it + 0x76
		 * has the top bit. Borrows and carries only travel upwards,
		 * past the first non-digit, whose bytes are shifted out. */
		uint64_t x = load8(p) - 0x3030303030303030ull;
		uint64_t nd = (x | (x + 0x7676767676767676ull)) & 0x8080808080808080ull;
		if (nd) {
			unsigned n = (unsigned)__builtin_ctzll(nd) / 8;
			if (n == 0 || p[n] != ' ')
				return NULL;
			x <<= 8 * (8 - n);
			x = x * 10 + (x >> 8);
			x = (((x & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
			     (((x >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >>
			    32;
			if (x > max)
				return NULL;
			*out = x;
			return p + n;
		}
	}
#endif
	const char *s = p;
	const char *lim = end - p > 11 ? p + 11 : end; /* 10 digits at most */
	uint64_t v = 0;
	while (p < lim) {
		unsigned d = (unsigned)(unsigned char)*p - '0';
		if (d > 9)
			break;
		v = v * 10 + d;
		p++;
	}
	if (p == s || p - s > 10 || v > max || (p < end && *p != ' '))
		return NULL;
	*out = v;
	return p;
}

/* Skip "[...]" with nesting (an ICMP error quotes the offending packet,
 * whose own ICMP part may hold brackets). Unclosed: the rest of the line. */
static const char *skip_brackets(const char *p, const char *end)
{
	int depth = 0;
	for (; p < end; p++) {
		if (*p == '[')
			depth++;
		else if (*p == ']' && --depth == 0)
			return p + 1;
	}
	return end;
}

/* TCP options as hex ("020405B40402080A..."): the MSS is kind 2, length 4. */
static void tcp_opt_mss(const char *p, const char *end, struct event *ev)
{
	while (end - p >= 2) {
		int hi = hexval(p[0]), lo = hexval(p[1]);
		if (hi < 0 || lo < 0)
			return;
		int kind = hi << 4 | lo;
		if (kind == 0)
			return;
		if (kind == 1) {
			p += 2;
			continue;
		}
		if (end - p < 4)
			return;
		hi = hexval(p[2]);
		lo = hexval(p[3]);
		if (hi < 0 || lo < 0)
			return;
		int olen = hi << 4 | lo;
		if (olen < 2 || end - p < 2 * olen)
			return;
		if (kind == 2 && olen == 4) {
			unsigned v = 0;
			for (int i = 4; i < 8; i++) {
				int h = hexval(p[i]);
				if (h < 0)
					return;
				v = v << 4 | (unsigned)h;
			}
			ev->mss = (uint16_t)v;
			ev->flags |= EVENT_HAS_MSS;
			return;
		}
		p += 2 * olen;
	}
}

static int proto_from_name(const char *v, size_t n)
{
	switch (n) {
	case 2:
		if (KEY_IS(v, "AH"))
			return IPPROTO_NUM_AH;
		break;
	case 3:
		if (KEY_IS(v, "TCP"))
			return IPPROTO_NUM_TCP;
		if (KEY_IS(v, "UDP"))
			return IPPROTO_NUM_UDP;
		if (KEY_IS(v, "ESP"))
			return IPPROTO_NUM_ESP;
		if (KEY_IS(v, "GRE"))
			return 47;
		if (KEY_IS(v, "ARP"))
			return 256; /* ulogd on a bridge: not IP */
		break;
	case 4:
		if (KEY_IS(v, "ICMP"))
			return IPPROTO_NUM_ICMP;
		if (KEY_IS(v, "SCTP"))
			return IPPROTO_NUM_SCTP;
		if (KEY_IS(v, "IGMP"))
			return IPPROTO_NUM_IGMP;
		break;
	case 6:
		if (KEY_IS(v, "ICMPv6") || KEY_IS(v, "ICMPV6"))
			return IPPROTO_NUM_ICMPV6;
		break;
	case 7:
		if (KEY_IS(v, "UDPLITE"))
			return IPPROTO_NUM_UDPLITE;
		break;
	default:
		break;
	}
	return -1;
}

static int is_icmp(unsigned proto)
{
	return proto == IPPROTO_NUM_ICMP || proto == IPPROTO_NUM_ICMPV6;
}

/* State shared by the fast path and the general loop. */
struct nf_state {
	int seen_proto, have_src, have_dst, have_sport, have_dport;
	const char *bad; /* reason, when a value is bad */
};

/* Byte i of string literal s as bits of a little-endian word, 0 past its
 * end: a constant expression the compiler folds, so comparing a key costs
 * one load, one xor and one mask. */
#define LIT_BYTE(s, i)                                                                    \
	((i) < sizeof(s) - 1                                                              \
		 ? (uint64_t)(unsigned char)(s)[(i) < sizeof(s) - 1 ? (i) : 0] << (8 * ((i) % 8)) \
		 : (uint64_t)0)
#define LIT_WORD(s, o)                                                                  \
	(LIT_BYTE(s, (o) + 0) | LIT_BYTE(s, (o) + 1) | LIT_BYTE(s, (o) + 2) |              \
	 LIT_BYTE(s, (o) + 3) | LIT_BYTE(s, (o) + 4) | LIT_BYTE(s, (o) + 5) |              \
	 LIT_BYTE(s, (o) + 6) | LIT_BYTE(s, (o) + 7))

/* p[0..n) == lit[0..n), n <= 16, end - p >= n; w0/w1 are the literal's
 * words. Where 8 or 16 bytes are readable this is one or two masked word
 * compares; near the end of the line, memcmp. */
static inline __attribute__((always_inline)) int same(const char *p, const char *end,
						      const char *lit, size_t n, uint64_t w0,
						      uint64_t w1)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n <= 8 && end - p >= 8) {
		uint64_t mask = n == 8 ? ~(uint64_t)0 : (((uint64_t)1 << (8 * n)) - 1);
		return ((load8(p) ^ w0) & mask) == 0;
	}
	if (n > 8 && end - p >= 16) {
		uint64_t mask = n == 16 ? ~(uint64_t)0 : (((uint64_t)1 << (8 * (n - 8))) - 1);
		return load8(p) == w0 && ((load8(p + 8) ^ w1) & mask) == 0;
	}
#else
	(void)w0;
	(void)w1;
#endif
	return memcmp(p, lit, n) == 0;
}

/* Does lit start at p? On a match, step over it. */
#define EXPECT(lit)                                                                      \
	((size_t)(end - p) >= sizeof(lit) - 1 &&                                          \
			 same(p, end, lit, sizeof(lit) - 1, LIT_WORD(lit, 0), LIT_WORD(lit, 8)) \
		 ? (p += sizeof(lit) - 1, 1)                                               \
		 : 0)
/* A bare word: lit followed by a space or the end. */
#define WORD(lit)                                                                        \
	((size_t)(end - p) >= sizeof(lit) - 1 &&                                          \
			 same(p, end, lit, sizeof(lit) - 1, LIT_WORD(lit, 0), LIT_WORD(lit, 8)) && \
			 ((size_t)(end - p) == sizeof(lit) - 1 || p[sizeof(lit) - 1] == ' ')   \
		 ? (p += sizeof(lit) - 1, 1)                                               \
		 : 0)
#define FAST_NUM(max, dst, why)                     \
	do {                                        \
		uint64_t v_;                        \
		if (!(p = dec(p, end, (max), &v_))) { \
			st->bad = (why);            \
			return NULL;                \
		}                                   \
		(dst) = v_;                         \
	} while (0)

/* The kernel writes its fields in one fixed order, so the common lines are
 * read by straight-line code that expects each key in turn; the branches
 * are then predictable, unlike a dispatch on every key. At the first
 * surprise it returns where it is and the general loop carries on. Returns
 * NULL on a bad value (st->bad says which). */
static const char *fast_path(const char *p, const char *end, struct event *ev,
			     struct nf_state *st)
{
	const char *v;
	uint64_t n;
	if (!EXPECT("IN="))
		return p;
	v = p;
	p = token_end(p, end);
	ev->in_if.ptr = v;
	ev->in_if.len = (uint32_t)(p - v);
	if (!EXPECT(" OUT="))
		return p;
	v = p;
	p = token_end(p, end);
	ev->out_if.ptr = v;
	ev->out_if.len = (uint32_t)(p - v);
	if (EXPECT(" PHYSIN=")) {
		v = p;
		p = token_end(p, end);
		ev->phys_in.ptr = v;
		ev->phys_in.len = (uint32_t)(p - v);
	}
	if (EXPECT(" PHYSOUT=")) {
		v = p;
		p = token_end(p, end);
		ev->phys_out.ptr = v;
		ev->phys_out.len = (uint32_t)(p - v);
	}
	if (EXPECT(" MAC="))
		p = token_end_long(p, end);
	if (!EXPECT(" SRC="))
		return p;
	if (!(p = addr_value(p, end, &ev->src))) {
		st->bad = "bad SRC address";
		return NULL;
	}
	st->have_src = 1;
	if (!EXPECT(" DST="))
		return p;
	if (!(p = addr_value(p, end, &ev->dst))) {
		st->bad = "bad DST address";
		return NULL;
	}
	st->have_dst = 1;
	if (!EXPECT(" LEN="))
		return p;
	FAST_NUM(UINT32_MAX, n, "bad LEN");
	ev->ip_len = (uint32_t)n;
	ev->flags |= EVENT_HAS_LEN;
	if (EXPECT(" TOS=")) {
		p = token_end(p, end);
		if (!EXPECT(" PREC="))
			return p;
		p = token_end(p, end);
		if (!EXPECT(" TTL="))
			return p;
		FAST_NUM(255, n, "bad TTL");
		ev->ttl = (uint8_t)n;
		ev->flags |= EVENT_HAS_TTL;
		if (!EXPECT(" ID="))
			return p;
		FAST_NUM(65535, n, "bad ID");
		ev->ip_id = (uint32_t)n;
		ev->flags |= EVENT_HAS_IP_ID;
		if (WORD(" DF"))
			ev->flags |= EVENT_DF;
	} else if (EXPECT(" TC=")) {
		p = token_end(p, end);
		if (!EXPECT(" HOPLIMIT="))
			return p;
		FAST_NUM(255, n, "bad HOPLIMIT");
		ev->ttl = (uint8_t)n;
		ev->flags |= EVENT_HAS_TTL;
		if (!EXPECT(" FLOWLBL="))
			return p;
		p = token_end(p, end);
	} else {
		return p;
	}
	const char *before_proto = p;
	if (!EXPECT(" PROTO="))
		return p;
	if (WORD("TCP")) {
		ev->proto = IPPROTO_NUM_TCP;
		st->seen_proto = 1;
		if (!EXPECT(" SPT="))
			return p;
		FAST_NUM(65535, n, "bad SPT");
		ev->sport = (uint16_t)n;
		st->have_sport = 1;
		if (!EXPECT(" DPT="))
			return p;
		FAST_NUM(65535, n, "bad DPT");
		ev->dport = (uint16_t)n;
		st->have_dport = 1;
		if (EXPECT(" SEQ=")) {
			FAST_NUM(UINT32_MAX, n, "bad SEQ");
			ev->tcp_seq = (uint32_t)n;
			ev->flags |= EVENT_HAS_SEQ;
			if (!EXPECT(" ACK="))
				return p;
			p = token_end(p, end);
		}
		if (!EXPECT(" WINDOW="))
			return p;
		FAST_NUM(65535, n, "bad WINDOW");
		ev->window = (uint16_t)n;
		ev->flags |= EVENT_HAS_WINDOW;
		if (!EXPECT(" RES="))
			return p;
		p = token_end(p, end);
		/* "CWR ECE URG ACK PSH RST SYN FIN", each present or not */
		if (WORD(" CWR"))
			ev->tcp_flags |= TCP_FLAG_CWR;
		if (WORD(" ECE"))
			ev->tcp_flags |= TCP_FLAG_ECE;
		if (WORD(" URG"))
			ev->tcp_flags |= TCP_FLAG_URG;
		if (WORD(" ACK"))
			ev->tcp_flags |= TCP_FLAG_ACK;
		if (WORD(" PSH"))
			ev->tcp_flags |= TCP_FLAG_PSH;
		if (WORD(" RST"))
			ev->tcp_flags |= TCP_FLAG_RST;
		if (WORD(" SYN"))
			ev->tcp_flags |= TCP_FLAG_SYN;
		if (WORD(" FIN"))
			ev->tcp_flags |= TCP_FLAG_FIN;
		if (EXPECT(" URGP="))
			p = token_end(p, end);
		return p;
	}
	if (WORD("UDP")) {
		ev->proto = IPPROTO_NUM_UDP;
		st->seen_proto = 1;
		if (!EXPECT(" SPT="))
			return p;
		FAST_NUM(65535, n, "bad SPT");
		ev->sport = (uint16_t)n;
		st->have_sport = 1;
		if (!EXPECT(" DPT="))
			return p;
		FAST_NUM(65535, n, "bad DPT");
		ev->dport = (uint16_t)n;
		st->have_dport = 1;
		return p;
	}
	return before_proto; /* other protocols: the general loop */
}

#undef EXPECT
#undef WORD
#undef FAST_NUM

#define BAD(why)                      \
	do {                          \
		ctx->reason = (why);  \
		return PARSE_MALFORMED; \
	} while (0)

enum parse_result nf_fields_parse(struct parse_ctx *ctx, const char *p, const char *end,
				  struct event *ev)
{
	struct nf_state st = {0};
	p = fast_path(p, end, ev, &st);
	if (!p)
		BAD(st.bad);
	int seen_proto = st.seen_proto, have_src = st.have_src, have_dst = st.have_dst;
	int have_sport = st.have_sport, have_dport = st.have_dport;
	int not_ip = 0;
	uint64_t v;

	while (p < end) {
		if (*p == ' ') {
			p++;
			continue;
		}
		const char *k = p;
		while (p < end && is_upper(*p))
			p++;
		size_t kl = (size_t)(p - k);

		if (kl && p < end && *p == '=') {
			const char *val = ++p;
			switch (kl) {
			case 2:
				if (KEY_IS(k, "IN")) {
					p = token_end(val, end);
					ev->in_if.ptr = val;
					ev->in_if.len = (uint32_t)(p - val);
					continue;
				}
				if (KEY_IS(k, "ID") && !seen_proto) {
					/* After PROTO= an ID is the ICMP echo id. */
					if (!(p = dec(val, end, 65535, &v)))
						BAD("bad ID");
					ev->ip_id = (uint32_t)v;
					ev->flags |= EVENT_HAS_IP_ID;
					continue;
				}
				break;
			case 3:
				switch (k[0]) {
				case 'S':
					if (KEY_IS(k, "SRC")) {
						if (!(p = addr_value(val, end, &ev->src)))
							BAD("bad SRC address");
						have_src = 1;
						continue;
					}
					if (KEY_IS(k, "SPT")) {
						if (!(p = dec(val, end, 65535, &v)))
							BAD("bad SPT");
						ev->sport = (uint16_t)v;
						have_sport = 1;
						continue;
					}
					if (KEY_IS(k, "SEQ") && ev->proto == IPPROTO_NUM_TCP) {
						if (!(p = dec(val, end, UINT32_MAX, &v)))
							BAD("bad SEQ");
						ev->tcp_seq = (uint32_t)v;
						ev->flags |= EVENT_HAS_SEQ;
						continue;
					}
					break;
				case 'D':
					if (KEY_IS(k, "DST")) {
						if (!(p = addr_value(val, end, &ev->dst)))
							BAD("bad DST address");
						have_dst = 1;
						continue;
					}
					if (KEY_IS(k, "DPT")) {
						if (!(p = dec(val, end, 65535, &v)))
							BAD("bad DPT");
						ev->dport = (uint16_t)v;
						have_dport = 1;
						continue;
					}
					break;
				case 'O':
					if (KEY_IS(k, "OUT")) {
						p = token_end(val, end);
						ev->out_if.ptr = val;
						ev->out_if.len = (uint32_t)(p - val);
						continue;
					}
					break;
				case 'L':
					/* The second LEN (UDP's) comes after PROTO=. */
					if (KEY_IS(k, "LEN") && !seen_proto) {
						if (!(p = dec(val, end, UINT32_MAX, &v)))
							BAD("bad LEN");
						ev->ip_len = (uint32_t)v;
						ev->flags |= EVENT_HAS_LEN;
						continue;
					}
					break;
				case 'T':
					if (KEY_IS(k, "TTL")) {
						if (!(p = dec(val, end, 255, &v)))
							BAD("bad TTL");
						ev->ttl = (uint8_t)v;
						ev->flags |= EVENT_HAS_TTL;
						continue;
					}
					break;
				default:
					break;
				}
				break;
			case 4:
				if (KEY_IS(k, "TYPE") && is_icmp(ev->proto)) {
					if (!(p = dec(val, end, 255, &v)))
						BAD("bad ICMP TYPE");
					ev->icmp_type = (uint8_t)v;
					ev->flags |= EVENT_HAS_ICMP;
					continue;
				}
				if (KEY_IS(k, "CODE") && is_icmp(ev->proto)) {
					if (!(p = dec(val, end, 255, &v)))
						BAD("bad ICMP CODE");
					ev->icmp_code = (uint8_t)v;
					continue;
				}
				break;
			case 5:
				if (KEY_IS(k, "PROTO")) {
					p = token_end(val, end);
					size_t n = (size_t)(p - val);
					int pr;
					if (n && (unsigned)(unsigned char)val[0] - '0' < 10) {
						if (!dec(val, p, 255, &v))
							BAD("bad PROTO");
						pr = (int)v;
					} else {
						pr = proto_from_name(val, n);
						if (pr < 0)
							BAD("bad PROTO");
					}
					if (pr == 256) {
						not_ip = 1;
						pr = 0;
					}
					ev->proto = (uint8_t)pr;
					seen_proto = 1;
					continue;
				}
				break;
			case 6:
				if (KEY_IS(k, "WINDOW")) {
					if (!(p = dec(val, end, 65535, &v)))
						BAD("bad WINDOW");
					ev->window = (uint16_t)v;
					ev->flags |= EVENT_HAS_WINDOW;
					continue;
				}
				if (KEY_IS(k, "PHYSIN")) {
					p = token_end(val, end);
					ev->phys_in.ptr = val;
					ev->phys_in.len = (uint32_t)(p - val);
					continue;
				}
				break;
			case 7:
				if (KEY_IS(k, "PHYSOUT")) {
					p = token_end(val, end);
					ev->phys_out.ptr = val;
					ev->phys_out.len = (uint32_t)(p - val);
					continue;
				}
				break;
			case 8:
				if (KEY_IS(k, "HOPLIMIT")) {
					if (!(p = dec(val, end, 255, &v)))
						BAD("bad HOPLIMIT");
					ev->ttl = (uint8_t)v;
					ev->flags |= EVENT_HAS_TTL;
					continue;
				}
				break;
			default:
				break;
			}
			/* MAC, TOS, PREC, RES, URGP, ACK=, FLOWLBL, TC, UID, GID,
			 * MARK, SPI, MTU, GATEWAY, PARAMETER, anything new. */
			p = kl == 3 && k[0] == 'M' ? token_end_long(val, end) : token_end(val, end);
			continue;
		}

		if (kl && p < end && *p == ':') {
			/* IPv4 "FRAG:185", IPv6 "FRAG:1232" and "ID:0000abcd", or
			 * ulogd's "FRAG: 0 ID: 0000abcd". */
			const char *val = ++p;
			if (val < end && *val == ' ' && end - val > 1 && hexval(val[1]) >= 0)
				val++;
			if (kl == 4 && KEY_IS(k, "FRAG")) {
				if (!(p = dec(val, end, 65535, &v)))
					BAD("bad FRAG");
				if (v)
					ev->flags |= EVENT_FRAGMENT;
				continue;
			}
			if (kl == 2 && KEY_IS(k, "ID")) {
				p = token_end(val, end);
				uint32_t id = 0;
				if (p - val < 1 || p - val > 8)
					BAD("bad fragment ID");
				for (const char *q = val; q < p; q++) {
					int h = hexval(*q);
					if (h < 0)
						BAD("bad fragment ID");
					id = id << 4 | (uint32_t)h;
				}
				ev->ip_id = id;
				ev->flags |= EVENT_HAS_IP_ID;
				continue;
			}
			p = token_end(p, end);
			continue;
		}

		if (kl && (p == end || *p == ' ')) {
			/* A bare word: IP and TCP flags, markers. */
			switch (kl) {
			case 2:
				if (KEY_IS(k, "DF"))
					ev->flags |= EVENT_DF;
				break;
			case 3:
				if (seen_proto && ev->proto == IPPROTO_NUM_TCP) {
					uint8_t bit = 0;
					switch (k[0]) {
					case 'C': bit = KEY_IS(k, "CWR") ? TCP_FLAG_CWR : 0; break;
					case 'E': bit = KEY_IS(k, "ECE") ? TCP_FLAG_ECE : 0; break;
					case 'U': bit = KEY_IS(k, "URG") ? TCP_FLAG_URG : 0; break;
					case 'A': bit = KEY_IS(k, "ACK") ? TCP_FLAG_ACK : 0; break;
					case 'P': bit = KEY_IS(k, "PSH") ? TCP_FLAG_PSH : 0; break;
					case 'R': bit = KEY_IS(k, "RST") ? TCP_FLAG_RST : 0; break;
					case 'S': bit = KEY_IS(k, "SYN") ? TCP_FLAG_SYN : 0; break;
					case 'F': bit = KEY_IS(k, "FIN") ? TCP_FLAG_FIN : 0; break;
					default: break;
					}
					if (bit) {
						ev->tcp_flags |= bit;
						break;
					}
				}
				if (KEY_IS(k, "ARP")) {
					not_ip = 1; /* kernel ARP logger: "ARP HTYPE=1 ..." */
				} else if (KEY_IS(k, "OPT") && end - p >= 2 && p[1] == '(') {
					if (end - p >= 3 && p[2] == ' ') {
						/* IPv6 extension headers: read what is inside. */
						p += 2;
						break;
					}
					const char *open = p + 2;
					const char *close = memchr(open, ')', (size_t)(end - open));
					if (!close)
						close = end;
					if (seen_proto && ev->proto == IPPROTO_NUM_TCP)
						tcp_opt_mss(open, close, ev);
					p = close < end ? close + 1 : end;
				}
				break;
			case 9:
				if (KEY_IS(k, "TRUNCATED"))
					ev->flags |= EVENT_TRUNCATED;
				break;
			case 10:
				/* "INCOMPLETE [20 bytes]" (header cut short), or in an
				 * IPv6 fragment header "INCOMPLETE ID:..." (more
				 * fragments follow), which is no truncation. */
				if (KEY_IS(k, "INCOMPLETE") &&
				    !(end - p >= 4 && p[1] == 'I' && p[2] == 'D' && p[3] == ':'))
					ev->flags |= EVENT_TRUNCATED;
				break;
			default:
				break;
			}
			continue;
		}

		/* Anything else: "[SRC=... ]" quoted packet, "(", ")", numbers. */
		if (*k == '[') {
			p = skip_brackets(k, end);
			continue;
		}
		p = token_end(k, end);
	}

	if (not_ip)
		return PARSE_OTHER;
	if (!have_src)
		BAD("no SRC address");
	if (!have_dst)
		BAD("no DST address");
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_DST;
	if (have_sport && have_dport) {
		ev->flags |= EVENT_HAS_PORTS;
		if (ev->proto == IPPROTO_NUM_TCP)
			ev->flags |= EVENT_HAS_TCP_FLAGS;
	}
	return PARSE_EVENT;
}

const char *nf_find_in(const char *p, const char *end)
{
	const char *start = p;
	while (p < end) {
		const char *eq = memchr(p, '=', (size_t)(end - p));
		if (!eq)
			return NULL;
		if (eq - start >= 2 && eq[-2] == 'I' && eq[-1] == 'N')
			return eq - 2;
		p = eq + 1;
	}
	return NULL;
}

const char *nf_skip_kernel_stamps(const char *p, const char *lim)
{
	for (;;) {
		while (p < lim && *p == ' ')
			p++;
		if (p >= lim || *p != '[')
			return p;
		const char *q = p + 1;
		while (q < lim && *q == ' ')
			q++;
		if (q < lim && (*q == 'T' || *q == 'C'))
			q++; /* caller id: task or CPU */
		const char *digits = q;
		while (q < lim && ((unsigned)(unsigned char)*q - '0' < 10 || *q == '.'))
			q++;
		if (q == digits || q >= lim || *q != ']')
			return p;
		p = q + 1;
	}
}

void nf_trim(const char **s, const char **e)
{
	while (*s < *e && **s == ' ')
		(*s)++;
	while (*e > *s && (*e)[-1] == ' ')
		(*e)--;
}
