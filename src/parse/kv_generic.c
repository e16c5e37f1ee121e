/* "kv": the long tail of firewall logs that no specific parser reads, from
 * two shapes common to SOHO routers and small appliances:
 *
 * 1. key=value lines. A key is looked up (case-insensitively) in
 *    kv_aliases below, a table meant to be extended as new devices turn up:
 *      source address  SRC src srcip src_ip srcaddr src_addr saddr sip
 *                      source source_ip source_address
 *      dest. address   DST dst dstip dst_ip dstaddr dst_addr daddr dip dest
 *                      dest_ip destination destination_ip destination_address
 *      source port     SPT sport srcport src_port s_port source_port
 *      dest. port      DPT dport dstport dst_port d_port dest_port
 *                      destination_port
 *      protocol        PROTO proto protocol protoid ip_proto (name or number)
 *      action          action act fw_action verdict disposition (a word:
 *                      accept/allow/pass/permit, drop/deny/block/discard,
 *                      reject/reset, close/timeout = accepted session)
 *      interfaces      IN in inif in_if iif srcintf / OUT out outif out_if
 *                      oif dstintf
 *      rule            rule rule_id ruleid rulename policy policyid
 *      free text       msg message note (action words when there is no
 *                      action key: "Match default rule, DROP")
 *      other           LEN len length, TTL ttl, date + time
 *                      (YYYY-MM-DD, HH:MM:SS: local time when the line has
 *                      no syslog envelope)
 *    Values are bare or "quoted"; an address value may carry a port and an
 *    interface: "1.2.3.4:80", "1.2.3.4:80:X1" (SonicWall), "[2001:db8::1]:80".
 *
 * 2. phrase lines:
 *      "... from A[:p] [port N] to B[:q] [port N] ..."  (D-Link, ZyXEL, ...)
 *      "... A:p -> B:q ..." and "A:p->B:q"
 *      D-Link "Wed Nov 10 18:00:24 2010 Unrecognized attempt blocked from
 *        A:p to B TCP:q" (a ctime stamp, local time; the port after the
 *        protocol is the destination's)
 *      NETGEAR "[DoS Attack: SYN/ACK Scan] from source: A, port N, Tuesday,
 *        February 16, 2016 17:35:23" (the port is the source's; no
 *        destination is logged: the router's own address), "[DoS attack:
 *        FIN Scan] (N) attack packets in last 20 sec from ip [A], <date>"
 *        (N is the count) and "[LAN access from remote] from A:p to B:q,
 *        <date>"; its other bracketed events (DHCP, NTP...) are "other".
 *    The action and protocol come from kv_dos_kinds / kv_events below,
 *    then from the words of the text (block/drop/deny/reject/accept/allow/
 *    pass, TCP, UDP, ICMP).
 *
 * Lines need a source address, and a destination unless they are of the
 * NETGEAR "from source:"/"from ip [A]" kind. Detection scores stay low (10)
 * and the row belongs last in parser_table: detection counts votes, ties go
 * to the earlier row, and netfilter, MikroTik, ipmon... lines also have
 * SRC=/"->" shapes this parser would take. */
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "core/addr.h"
#include "core/timeconv.h"
#include "core/util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

enum kv_field {
	KV_SRC = 1,
	KV_DST,
	KV_SPORT,
	KV_DPORT,
	KV_PROTO,
	KV_ACTION,
	KV_IN,
	KV_OUT,
	KV_RULE,
	KV_LEN,
	KV_TTL,
	KV_MSG,
	KV_DATE,
	KV_TIME,
};

struct kv_alias {
	const char *key;
	uint8_t len;
	uint8_t field;
};

#define KV_A(k, f) {k, sizeof(k) - 1, f}

/* The recognised keys (compared case-insensitively). */
static const struct kv_alias kv_aliases[] = {
	KV_A("src", KV_SRC),           KV_A("srcip", KV_SRC),
	KV_A("src_ip", KV_SRC),        KV_A("srcaddr", KV_SRC),
	KV_A("src_addr", KV_SRC),      KV_A("saddr", KV_SRC),
	KV_A("sip", KV_SRC),           KV_A("source", KV_SRC),
	KV_A("source_ip", KV_SRC),     KV_A("source_address", KV_SRC),
	KV_A("dst", KV_DST),           KV_A("dstip", KV_DST),
	KV_A("dst_ip", KV_DST),        KV_A("dstaddr", KV_DST),
	KV_A("dst_addr", KV_DST),      KV_A("daddr", KV_DST),
	KV_A("dip", KV_DST),           KV_A("dest", KV_DST),
	KV_A("dest_ip", KV_DST),       KV_A("destination", KV_DST),
	KV_A("destination_ip", KV_DST), KV_A("destination_address", KV_DST),
	KV_A("spt", KV_SPORT),         KV_A("sport", KV_SPORT),
	KV_A("srcport", KV_SPORT),     KV_A("src_port", KV_SPORT),
	KV_A("s_port", KV_SPORT),      KV_A("source_port", KV_SPORT),
	KV_A("dpt", KV_DPORT),         KV_A("dport", KV_DPORT),
	KV_A("dstport", KV_DPORT),     KV_A("dst_port", KV_DPORT),
	KV_A("d_port", KV_DPORT),      KV_A("dest_port", KV_DPORT),
	KV_A("destination_port", KV_DPORT),
	KV_A("proto", KV_PROTO),       KV_A("protocol", KV_PROTO),
	KV_A("protoid", KV_PROTO),     KV_A("ip_proto", KV_PROTO),
	KV_A("action", KV_ACTION),     KV_A("act", KV_ACTION),
	KV_A("fw_action", KV_ACTION),  KV_A("verdict", KV_ACTION),
	KV_A("disposition", KV_ACTION),
	KV_A("in", KV_IN),             KV_A("inif", KV_IN),
	KV_A("in_if", KV_IN),          KV_A("iif", KV_IN),
	KV_A("srcintf", KV_IN),        KV_A("out", KV_OUT),
	KV_A("outif", KV_OUT),         KV_A("out_if", KV_OUT),
	KV_A("oif", KV_OUT),           KV_A("dstintf", KV_OUT),
	KV_A("rule", KV_RULE),         KV_A("rule_id", KV_RULE),
	KV_A("ruleid", KV_RULE),       KV_A("rulename", KV_RULE),
	KV_A("policy", KV_RULE),       KV_A("policyid", KV_RULE),
	KV_A("len", KV_LEN),           KV_A("length", KV_LEN),
	KV_A("ttl", KV_TTL),           KV_A("msg", KV_MSG),
	KV_A("message", KV_MSG),       KV_A("note", KV_MSG),
	KV_A("date", KV_DATE),         KV_A("time", KV_TIME),
};

/* Action words of an action= value. */
struct kv_word {
	const char *w;
	uint8_t action;
};

static const struct kv_word kv_action_words[] = {
	{"accept", EVENT_ACTION_ACCEPT},   {"accepted", EVENT_ACTION_ACCEPT},
	{"allow", EVENT_ACTION_ACCEPT},    {"allowed", EVENT_ACTION_ACCEPT},
	{"pass", EVENT_ACTION_ACCEPT},     {"passed", EVENT_ACTION_ACCEPT},
	{"permit", EVENT_ACTION_ACCEPT},   {"permitted", EVENT_ACTION_ACCEPT},
	{"close", EVENT_ACTION_ACCEPT},    {"timeout", EVENT_ACTION_ACCEPT},
	{"client-rst", EVENT_ACTION_ACCEPT}, {"server-rst", EVENT_ACTION_ACCEPT},
	{"drop", EVENT_ACTION_DROP},       {"dropped", EVENT_ACTION_DROP},
	{"deny", EVENT_ACTION_DROP},       {"denied", EVENT_ACTION_DROP},
	{"block", EVENT_ACTION_DROP},      {"blocked", EVENT_ACTION_DROP},
	{"discard", EVENT_ACTION_DROP},    {"discarded", EVENT_ACTION_DROP},
	{"reject", EVENT_ACTION_REJECT},   {"rejected", EVENT_ACTION_REJECT},
	{"reset", EVENT_ACTION_REJECT},    {"log", EVENT_ACTION_LOG},
	{NULL, 0},
};

/* NETGEAR's bracketed event names. "[DoS Attack: X]" is a packet the
 * router dropped; X, when listed, says what kind (compared whole, any
 * case). Other names are compared whole too. */
struct kv_phrase {
	const char *text;
	uint8_t len, action, proto, tcp_flags;
};

#define KV_P(t, a, p, f) {t, sizeof(t) - 1, a, p, f}

static const struct kv_phrase kv_dos_kinds[] = {
	KV_P("SYN/ACK Scan", EVENT_ACTION_DROP, IPPROTO_NUM_TCP, TCP_FLAG_SYN | TCP_FLAG_ACK),
	KV_P("RST Scan", EVENT_ACTION_DROP, IPPROTO_NUM_TCP, TCP_FLAG_RST),
	KV_P("ACK Scan", EVENT_ACTION_DROP, IPPROTO_NUM_TCP, TCP_FLAG_ACK),
	KV_P("FIN Scan", EVENT_ACTION_DROP, IPPROTO_NUM_TCP, TCP_FLAG_FIN),
	KV_P("SYN Flood", EVENT_ACTION_DROP, IPPROTO_NUM_TCP, TCP_FLAG_SYN),
	KV_P("ICMP Scan", EVENT_ACTION_DROP, IPPROTO_NUM_ICMP, 0),
};

static const struct kv_phrase kv_events[] = {
	KV_P("LAN access from remote", EVENT_ACTION_ACCEPT, 0, 0),
};

static int kv_digit(char c)
{
	return (unsigned)(unsigned char)c - '0' < 10;
}

static size_t kv_trim(const char *line, size_t len)
{
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	return len;
}

/* Bytes that may appear in a key: letters, digits, '_', '-', '.' (a table:
 * this test runs once per byte of every key). */
#define KV_K4(c) [c] = 1, [c + 1] = 1, [c + 2] = 1, [c + 3] = 1
static const uint8_t kv_key_chars[256] = {
	KV_K4('0'), KV_K4('4'), ['8'] = 1, ['9'] = 1,
	KV_K4('A'), KV_K4('E'), KV_K4('I'), KV_K4('M'), KV_K4('Q'), KV_K4('U'), ['Y'] = 1,
	['Z'] = 1,
	KV_K4('a'), KV_K4('e'), KV_K4('i'), KV_K4('m'), KV_K4('q'), KV_K4('u'), ['y'] = 1,
	['z'] = 1,
	['_'] = 1, ['-'] = 1, ['.'] = 1,
};

static int kv_key_char(unsigned char c)
{
	return kv_key_chars[c];
}

static unsigned char kv_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

/* kv_aliases grouped by key length, built once (a line has a dozen keys,
 * most not ours: each is compared with the few aliases of its length). */
#define KV_MAX_KEY 24
static uint8_t kv_by_len[KV_MAX_KEY + 1][ARRAY_LEN(kv_aliases)];
static uint8_t kv_n_by_len[KV_MAX_KEY + 1];
static pthread_once_t kv_index_once = PTHREAD_ONCE_INIT;

static void kv_index_build(void)
{
	for (size_t i = 0; i < ARRAY_LEN(kv_aliases); i++) {
		size_t n = kv_aliases[i].len;
		if (n <= KV_MAX_KEY)
			kv_by_len[n][kv_n_by_len[n]++] = (uint8_t)i;
	}
}

static int kv_lookup_key(const char *k, size_t n)
{
	if (n == 0 || n > KV_MAX_KEY)
		return 0;
	pthread_once(&kv_index_once, kv_index_build);
	unsigned char c0 = kv_lower((unsigned char)k[0]);
	for (size_t i = 0; i < kv_n_by_len[n]; i++) {
		const struct kv_alias *a = &kv_aliases[kv_by_len[n][i]];
		if ((unsigned char)a->key[0] != c0)
			continue;
		size_t j = 1;
		while (j < n && (unsigned char)a->key[j] == kv_lower((unsigned char)k[j]))
			j++;
		if (j == n)
			return a->field;
	}
	return 0;
}

static int kv_proto_value(const char *p, size_t n)
{
	static const struct {
		const char *w;
		uint8_t proto;
	} names[] = {
		{"tcp", IPPROTO_NUM_TCP},  {"udp", IPPROTO_NUM_UDP},      {"icmp", IPPROTO_NUM_ICMP},
		{"icmpv6", IPPROTO_NUM_ICMPV6}, {"ipv6-icmp", IPPROTO_NUM_ICMPV6},
		{"icmp6", IPPROTO_NUM_ICMPV6}, {"igmp", IPPROTO_NUM_IGMP}, {"gre", 47},
		{"esp", IPPROTO_NUM_ESP},  {"ah", IPPROTO_NUM_AH},        {"sctp", IPPROTO_NUM_SCTP},
		{"ospf", 89},
	};
	uint64_t v;
	const char *slash = memchr(p, '/', n); /* SonicWall "tcp/https" */
	if (slash)
		n = (size_t)(slash - p);
	if (parse_u64(p, n, 255, &v) == 0)
		return (int)v;
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strlen(names[i].w) == n && strncasecmp(names[i].w, p, n) == 0)
			return names[i].proto;
	return -1;
}

/* "1.2.3.4", "1.2.3.4:80", "1.2.3.4:80:X1", "[2001:db8::1]:80", "2001:db8::1". */
static int kv_addr_value(const char *p, const char *e, struct ip_addr *a, int *port,
			 struct slice *iface)
{
	*port = -1;
	const char *as = p, *ae, *rest = NULL;
	if (p < e && *p == '[') {
		as = p + 1;
		ae = memchr(as, ']', (size_t)(e - as));
		if (!ae)
			return -1;
		if (ae + 1 < e && ae[1] == ':')
			rest = ae + 2;
	} else if (addr_parse(p, (size_t)(e - p), a) == 0) {
		return 0;
	} else {
		ae = memchr(p, ':', (size_t)(e - p));
		if (!ae)
			return -1;
		rest = ae + 1;
	}
	if (addr_parse(as, (size_t)(ae - as), a) != 0)
		return -1;
	if (rest) {
		const char *c = memchr(rest, ':', (size_t)(e - rest));
		const char *pe = c ? c : e;
		uint64_t v;
		if (parse_u64(rest, (size_t)(pe - rest), 65535, &v) == 0)
			*port = (int)v;
		if (c && c + 1 < e && iface) {
			iface->ptr = c + 1;
			iface->len = (uint32_t)(e - c - 1);
		}
	}
	return 0;
}

struct kv_found {
	int have_src, have_dst, sport, dport;
	int source_only; /* NETGEAR "from source:": no destination logged */
	struct slice date, time, msg;
	const char *first_kv; /* start of the first recognised pair */
};

/* Pass 1: key=value pairs. */
static void kv_pairs(struct parse_ctx *ctx, const char *p, const char *end, struct event *ev,
		     struct kv_found *f)
{
	while (p < end) {
		while (p < end && (*p == ' ' || *p == ',' || *p == ';' || *p == '\t'))
			p++;
		const char *k = p;
		while (p < end && kv_key_char((unsigned char)*p))
			p++;
		if (p >= end || *p != '=' || p == k) {
			/* not a pair: skip the word (a quoted word as a whole) */
			if (p < end && *p == '"') {
				const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
				p = q ? q + 1 : end;
			}
			while (p < end && *p != ' ')
				p++;
			continue;
		}
		const char *ke = p++;
		const char *v = p, *ve;
		if (p < end && *p == '"') {
			v = p + 1;
			ve = memchr(v, '"', (size_t)(end - v));
			if (!ve)
				ve = end;
			p = ve < end ? ve + 1 : end;
		} else {
			while (p < end && *p != ' ' && *p != ',' && *p != ';')
				p++;
			ve = p;
		}
		int field = kv_lookup_key(k, (size_t)(ke - k));
		if (!field)
			continue;
		if (!f->first_kv)
			f->first_kv = k;
		struct slice val = {v, (uint32_t)(ve - v)};
		uint64_t n;
		int port, pr;
		switch (field) {
		case KV_SRC:
			if (!f->have_src &&
			    kv_addr_value(v, ve, &ev->src, &port, &ev->in_if) == 0) {
				f->have_src = 1;
				if (port >= 0 && f->sport < 0)
					f->sport = port;
			}
			break;
		case KV_DST:
			if (!f->have_dst &&
			    kv_addr_value(v, ve, &ev->dst, &port, &ev->out_if) == 0) {
				f->have_dst = 1;
				if (port >= 0 && f->dport < 0)
					f->dport = port;
			}
			break;
		case KV_SPORT:
			if (parse_u64(v, val.len, 65535, &n) == 0)
				f->sport = (int)n;
			break;
		case KV_DPORT:
			if (parse_u64(v, val.len, 65535, &n) == 0)
				f->dport = (int)n;
			break;
		case KV_PROTO:
			pr = kv_proto_value(v, val.len);
			if (pr >= 0)
				ev->proto = (uint8_t)pr;
			break;
		case KV_ACTION:
			for (const struct kv_word *w = kv_action_words; w->w; w++)
				if (strlen(w->w) == val.len && strncasecmp(w->w, v, val.len) == 0) {
					ev->action = w->action;
					break;
				}
			if (ev->action == EVENT_ACTION_UNKNOWN && val.len)
				ev->action = (uint8_t)action_map_lookup(ctx->actions, v, val.len);
			break;
		case KV_IN:
			if (val.len)
				ev->in_if = val;
			break;
		case KV_OUT:
			if (val.len)
				ev->out_if = val;
			break;
		case KV_RULE:
			if (val.len)
				ev->prefix = val;
			break;
		case KV_LEN:
			if (!(ev->flags & EVENT_HAS_LEN) && parse_u64(v, val.len, 65535, &n) == 0) {
				ev->ip_len = (uint32_t)n;
				ev->flags |= EVENT_HAS_LEN;
			}
			break;
		case KV_TTL:
			if (parse_u64(v, val.len, 255, &n) == 0) {
				ev->ttl = (uint8_t)n;
				ev->flags |= EVENT_HAS_TTL;
			}
			break;
		case KV_MSG:
			f->msg = val;
			break;
		case KV_DATE:
			f->date = val;
			break;
		case KV_TIME:
			f->time = val;
			break;
		default:
			break;
		}
	}
}

/* An address token in running text, ended by a space, ',' or the end;
 * a trailing ':' or '.' is punctuation. */
static const char *kv_word_end(const char *p, const char *end)
{
	while (p < end && *p != ' ' && *p != ',')
		p++;
	return p;
}

static int kv_text_endpoint(const char *p, const char *end, struct ip_addr *a, int *port,
			    const char **after)
{
	const char *e = kv_word_end(p, end);
	*after = e;
	while (e > p && (e[-1] == ':' || e[-1] == '.' || e[-1] == ';' || e[-1] == ')' ||
			 (e[-1] == ']' && *p != '[')))
		e--;
	if (p < e && *p == '(')
		p++;
	if (e - p < 2 || !(kv_digit(*p) || *p == '[' || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')))
		return -1;
	if (kv_addr_value(p, e, a, port, NULL) != 0)
		return -1;
	/* "A port N" */
	const char *q = *after;
	if (q + 6 < end && memcmp(q, " port ", 6) == 0) {
		uint64_t v;
		const char *ne = q + 6;
		while (ne < end && kv_digit(*ne))
			ne++;
		if (parse_u64(q + 6, (size_t)(ne - q - 6), 65535, &v) == 0) {
			*port = (int)v;
			*after = ne;
		}
	}
	return 0;
}

#define KV_AT(p, end, lit) \
	((size_t)((end) - (p)) >= sizeof(lit) - 1 && memcmp((p), (lit), sizeof(lit) - 1) == 0)

static const char *kv_find(const char *p, const char *end, const char *w, size_t wl)
{
	return p < end ? memmem(p, (size_t)(end - p), w, wl) : NULL;
}

#define KV_FIND(p, end, lit) kv_find((p), (end), (lit), sizeof(lit) - 1)

/* Pass 2: phrases. Returns the start of the addresses' phrase, or NULL. */
static const char *kv_phrase(const char *p, const char *end, struct event *ev,
			     struct kv_found *f)
{
	const char *k;
	for (const char *q = p; (k = KV_FIND(q, end, "from ")) != NULL; q = k + 5) {
		if (k > p && k[-1] != ' ' && k[-1] != ']' && k[-1] != '(')
			continue;
		const char *after, *after2;
		int sp, dp;
		struct ip_addr s, d;
		int skip = KV_AT(k + 5, end, "source: ") ? 13 : KV_AT(k + 5, end, "ip [") ? 9 : 0;
		if (skip) {
			/* NETGEAR "from source: A, port N", "from ip [A]": no
			 * destination (the router itself) */
			if (kv_text_endpoint(k + skip, end, &s, &sp, &after) != 0)
				continue;
			ev->src = s;
			f->have_src = 1;
			f->source_only = 1;
			if (KV_AT(after, end, ", port ")) {
				uint64_t v;
				const char *ne = after + 7;
				while (ne < end && kv_digit(*ne))
					ne++;
				if (parse_u64(after + 7, (size_t)(ne - after - 7), 65535, &v) == 0)
					f->sport = (int)v;
			}
			return k;
		}
		/* "from A[:p] [port N] to B[:q] [port N]" */
		if (kv_text_endpoint(k + 5, end, &s, &sp, &after) != 0)
			continue;
		if (!KV_AT(after, end, " to ") ||
		    kv_text_endpoint(after + 4, end, &d, &dp, &after2) != 0)
			continue;
		/* D-Link: "to 81.227.73.40 UDP:2463" */
		if (dp < 0 && (KV_AT(after2, end, " UDP:") || KV_AT(after2, end, " TCP:"))) {
			uint64_t v;
			const char *ne = after2 + 5;
			while (ne < end && kv_digit(*ne))
				ne++;
			if (parse_u64(after2 + 5, (size_t)(ne - after2 - 5), 65535, &v) == 0) {
				dp = (int)v;
				ev->proto = after2[1] == 'U' ? IPPROTO_NUM_UDP : IPPROTO_NUM_TCP;
			}
		}
		ev->src = s;
		ev->dst = d;
		f->have_src = f->have_dst = 1;
		f->sport = sp;
		f->dport = dp;
		return k;
	}
	/* "A:p -> B:q", "A:p->B:q" */
	for (const char *q = p; (k = KV_FIND(q, end, "->")) != NULL; q = k + 2) {
		const char *ss = k;
		if (ss > p && ss[-1] == ' ')
			ss--;
		const char *ws = ss;
		while (ws > p && ws[-1] != ' ' && ws[-1] != ',')
			ws--;
		const char *ds = k + 2;
		if (ds < end && *ds == ' ')
			ds++;
		const char *after;
		int sp, dp;
		struct ip_addr s, d;
		const char *dummy;
		if (kv_text_endpoint(ws, ss, &s, &sp, &dummy) != 0 ||
		    kv_text_endpoint(ds, end, &d, &dp, &after) != 0)
			continue;
		ev->src = s;
		ev->dst = d;
		f->have_src = f->have_dst = 1;
		f->sport = sp;
		f->dport = dp;
		return ws;
	}
	return NULL;
}

/* NETGEAR's ", Tuesday, February 16, 2016 17:35:23" at the end. */
static int kv_netgear_date(struct parse_ctx *ctx, const char *p, const char *end, int64_t *sec)
{
	if (end - p < 24)
		return -1;
	const char *t = end - 8;
	if (t[2] != ':' || t[5] != ':' || t[-1] != ' ')
		return -1;
	uint64_t h, mi, s, y, d;
	if (parse_u64(t, 2, 23, &h) != 0 || parse_u64(t + 3, 2, 59, &mi) != 0 ||
	    parse_u64(t + 6, 2, 60, &s) != 0)
		return -1;
	const char *ys = t - 5;
	if (ys - p < 12 || parse_u64(ys, 4, 9999, &y) != 0 || y < 1900 || y > 2200)
		return -1;
	/* "February 16, " or "Feb 16," (some firmware drops the space) */
	const char *c = ys - 1;
	if (*c == ' ')
		c--;
	if (*c != ',')
		return -1;
	const char *de = c, *ds = de;
	while (ds > p && kv_digit(ds[-1]) && de - ds < 2)
		ds--;
	if (ds == de || ds - p < 4 || ds[-1] != ' ' || parse_u64(ds, (size_t)(de - ds), 31, &d) != 0 || !d)
		return -1;
	const char *ms = ds - 1;
	while (ms > p && ms[-1] != ' ')
		ms--;
	if (ds - 1 - ms < 3)
		return -1;
	unsigned mon = month_from_abbr(ms);
	if (!mon)
		return -1;
	*sec = timeconv_local_to_utc(&ctx->tz, (int)y, mon, (unsigned)d, (unsigned)h,
				     (unsigned)mi, (unsigned)s);
	return 0;
}

/* The protocol named by a word in the text (one walk over its words);
 * "TCP/UDP" names none. */
static int kv_text_proto(const char *p, const char *end)
{
	int proto = -1;
	while (p < end) {
		while (p < end && !(*p >= 'A' && *p <= 'Z'))
			p++;
		const char *w = p;
		while (p < end && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || kv_digit(*p)))
			p++;
		size_t n = (size_t)(p - w);
		int pr = -1;
		if (n == 3 && memcmp(w, "TCP", 3) == 0)
			pr = IPPROTO_NUM_TCP;
		else if (n == 3 && memcmp(w, "UDP", 3) == 0)
			pr = IPPROTO_NUM_UDP;
		else if (n == 4 && memcmp(w, "ICMP", 4) == 0)
			pr = IPPROTO_NUM_ICMP;
		else if (n == 6 && memcmp(w, "ICMPv6", 6) == 0)
			pr = IPPROTO_NUM_ICMPV6;
		if (pr < 0)
			continue;
		if (proto >= 0 && proto != pr)
			return -1;
		proto = pr;
	}
	return proto;
}

/* The message, whatever envelope it came in. */
static enum parse_result kv_message(struct parse_ctx *ctx, const char *p, const char *end,
				    int has_time, struct event *ev)
{
	struct kv_found f;
	memset(&f, 0, sizeof(f));
	f.sport = f.dport = -1;
	const char *start = p;
	int pairs_ok = 0;
	if (memchr(p, '=', (size_t)(end - p))) {
		kv_pairs(ctx, p, end, ev, &f);
		pairs_ok = f.have_src && f.have_dst;
	}
	int tried_pairs = f.first_kv != NULL;
	if (!pairs_ok) {
		/* no usable pairs: try the phrases on a clean event */
		if (tried_pairs) {
			int64_t t = ev->time_ns;
			uint32_t tf = ev->flags & EVENT_HAS_TIME;
			event_clear(ev);
			ev->time_ns = t;
			ev->flags = tf;
		}
		memset(&f, 0, sizeof(f));
		f.sport = f.dport = -1;
		f.first_kv = kv_phrase(p, end, ev, &f);
		if (!f.first_kv || !f.have_src)
			return PARSE_UNKNOWN;
		if (!f.have_dst && !f.source_only)
			return PARSE_UNKNOWN;
	}
	ev->flags |= EVENT_HAS_SRC;
	if (f.have_dst)
		ev->flags |= EVENT_HAS_DST;
	if (f.sport >= 0 && f.dport >= 0) {
		ev->sport = (uint16_t)f.sport;
		ev->dport = (uint16_t)f.dport;
		ev->flags |= EVENT_HAS_PORTS;
	}
	/* the text before the first pair or phrase names the event */
	const char *he = f.first_kv;
	while (he > start && (he[-1] == ' ' || he[-1] == ':' || he[-1] == ','))
		he--;
	const char *hs = start;
	while (hs < he && *hs == ' ')
		hs++;
	/* The prefix: the head up to its first (unrecognised) pair, or the
	 * "[...]" group in it (NETGEAR's event, UniFi's rule name). */
	const char *eq = memchr(hs, '=', (size_t)(he - hs));
	const char *pe = he;
	if (eq) {
		pe = eq;
		while (pe > hs && pe[-1] != ' ')
			pe--;
		while (pe > hs && pe[-1] == ' ')
			pe--;
	}
	if (!ev->prefix.len && pe > hs) {
		const char *ps = hs;
		const char *ob = memchr(ps, '[', (size_t)(pe - ps));
		const char *cb = ob ? memchr(ob, ']', (size_t)(pe - ob)) : NULL;
		if (cb) {
			ps = ob + 1;
			pe = cb;
		}
		ev->prefix.ptr = ps;
		ev->prefix.len = (uint32_t)(pe - ps);
	}
	/* NETGEAR's event names, in its leading "[...]" */
	const char *gs = hs, *ge = NULL;
	if (gs < he && *gs == '[')
		ge = memchr(gs, ']', (size_t)(he - gs));
	if (ge) {
		const char *n = gs + 1;
		size_t nl = (size_t)(ge - n);
		const struct kv_phrase *t = kv_events;
		size_t tn = ARRAY_LEN(kv_events);
		if (nl > 12 && strncasecmp(n, "DoS Attack: ", 12) == 0) {
			if (ev->action == EVENT_ACTION_UNKNOWN)
				ev->action = EVENT_ACTION_DROP;
			n += 12;
			nl -= 12;
			t = kv_dos_kinds;
			tn = ARRAY_LEN(kv_dos_kinds);
		}
		for (size_t i = 0; i < tn; i++) {
			if (t[i].len != nl || strncasecmp(t[i].text, n, nl) != 0)
				continue;
			if (ev->action == EVENT_ACTION_UNKNOWN)
				ev->action = t[i].action;
			if (!ev->proto && t[i].proto) {
				ev->proto = t[i].proto;
				if (t[i].tcp_flags) {
					ev->tcp_flags = t[i].tcp_flags;
					ev->flags |= EVENT_HAS_TCP_FLAGS;
				}
			}
			break;
		}
	}
	/* NETGEAR "[DoS attack: FIN Scan] (3) attack packets in last 20 sec" */
	if (ge) {
		const char *c = ge + 1;
		while (c < end && *c == ' ')
			c++;
		uint64_t n;
		const char *ce = c < end && *c == '(' ? memchr(c, ')', (size_t)(end - c)) : NULL;
		if (ce && KV_AT(ce, end, ") attack packets") &&
		    parse_u64(c + 1, (size_t)(ce - c - 1), UINT32_MAX, &n) == 0 && n)
			ev->count = (uint32_t)n;
	}
	if (ev->action == EVENT_ACTION_UNKNOWN && f.msg.len)
		ev->action = (uint8_t)action_map_lookup(ctx->actions, f.msg.ptr, f.msg.len);
	if ((ev->action == EVENT_ACTION_UNKNOWN || ev->action == EVENT_ACTION_LOG) && he > hs)
		ev->action = (uint8_t)action_map_lookup(ctx->actions, hs, (size_t)(he - hs));
	if (!ev->proto) {
		int pr = kv_text_proto(hs, he);
		if (pr >= 0)
			ev->proto = (uint8_t)pr;
	}
	if (!pairs_ok) {
		/* a phrase line may say it after the addresses ("A -> B blocked") */
		const char *tail = f.first_kv;
		if (ev->action == EVENT_ACTION_UNKNOWN || ev->action == EVENT_ACTION_LOG)
			ev->action = (uint8_t)action_map_lookup(ctx->actions, tail, (size_t)(end - tail));
		if (!ev->proto) {
			int pr = kv_text_proto(tail, end);
			if (pr >= 0)
				ev->proto = (uint8_t)pr;
		}
	}
	if (!has_time) {
		int64_t sec;
		if (f.date.len == 10 && f.time.len >= 8) {
			uint64_t y, mo, d, h, mi, s;
			const char *D = f.date.ptr, *T = f.time.ptr;
			if (D[4] == '-' && D[7] == '-' && T[2] == ':' && T[5] == ':' &&
			    parse_u64(D, 4, 9999, &y) == 0 && parse_u64(D + 5, 2, 12, &mo) == 0 &&
			    parse_u64(D + 8, 2, 31, &d) == 0 && parse_u64(T, 2, 23, &h) == 0 &&
			    parse_u64(T + 3, 2, 59, &mi) == 0 && parse_u64(T + 6, 2, 60, &s) == 0 &&
			    mo && d && y >= 1900 && y <= 2200) {
				ev->time_ns = timeconv_local_to_utc(&ctx->tz, (int)y, (unsigned)mo,
								    (unsigned)d, (unsigned)h,
								    (unsigned)mi, (unsigned)s) *
					      NS_PER_SEC;
				ev->flags |= EVENT_HAS_TIME;
			}
		} else if (kv_netgear_date(ctx, start, end, &sec) == 0) {
			ev->time_ns = sec * NS_PER_SEC;
			ev->flags |= EVENT_HAS_TIME;
		}
	}
	return PARSE_EVENT;
}

static enum parse_result kv_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					 struct event *ev)
{
	enum parse_result r = kv_message(ctx, h->msg, h->msg + h->msg_len, 1, ev);
	if (r != PARSE_EVENT)
		return r;
	ev->time_ns = h->time_ns;
	ev->flags |= EVENT_HAS_TIME;
	ev->sensor = h->host;
	return r;
}

/* A ctime(3) stamp, "Wed Nov 10 18:00:24 2010 ", local time. */
static const char *kv_ctime(struct parse_ctx *ctx, const char *p, const char *end, int64_t *sec)
{
	if (end - p < 25 || p[3] != ' ' || p[7] != ' ' || p[13] != ':' || p[16] != ':' ||
	    p[19] != ' ' || p[24] != ' ')
		return NULL;
	unsigned mon = month_from_abbr(p + 4);
	uint64_t d, h, mi, s, y;
	const char *ds = p[8] == ' ' ? p + 9 : p + 8;
	if (!mon || parse_u64(ds, (size_t)(p + 10 - ds), 31, &d) != 0 || !d ||
	    parse_u64(p + 11, 2, 23, &h) != 0 || parse_u64(p + 14, 2, 59, &mi) != 0 ||
	    parse_u64(p + 17, 2, 60, &s) != 0 || parse_u64(p + 20, 4, 9999, &y) != 0 ||
	    y < 1900 || y > 2200)
		return NULL;
	*sec = timeconv_local_to_utc(&ctx->tz, (int)y, mon, (unsigned)d, (unsigned)h,
				     (unsigned)mi, (unsigned)s);
	return p + 25;
}

static enum parse_result kv_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
				       struct event *ev)
{
	len = kv_trim(line, len);
	struct syslog_header h;
	if (syslog_header_parse(ctx, line, len, &h) == 0) {
		enum parse_result r = kv_parse_syslog(ctx, &h, ev);
		return r == PARSE_UNKNOWN ? PARSE_OTHER : r;
	}
	int64_t sec;
	const char *end = line + len, *m = kv_ctime(ctx, line, end, &sec);
	if (m) {
		/* D-Link's "Wed Nov 10 18:00:24 2010 Unrecognized attempt ..." */
		enum parse_result rc = kv_message(ctx, m, end, 1, ev);
		if (rc == PARSE_EVENT) {
			ev->time_ns = sec * NS_PER_SEC;
			ev->flags |= EVENT_HAS_TIME;
		}
		return rc == PARSE_UNKNOWN ? PARSE_OTHER : rc;
	}
	enum parse_result r = kv_message(ctx, line, line + len, 0, ev);
	/* NETGEAR's other events ("[DHCP IP: ...] to MAC address ..., <date>") */
	if (r == PARSE_UNKNOWN && len && line[0] == '[' &&
	    kv_netgear_date(ctx, line, line + len, &sec) == 0)
		return PARSE_OTHER;
	return r;
}

static int kv_detect(const char *line, size_t len)
{
	len = kv_trim(line, len);
	struct parse_ctx ctx;
	struct event ev;
	parse_ctx_init(&ctx, 0, 0, NULL); /* times are not looked at */
	event_clear(&ev);
	return kv_parse_line(&ctx, line, len, &ev) == PARSE_EVENT ? 10 : 0;
}

static const struct parser_example kv_examples[] = {
	{"NETGEAR router log (SYN-ACK backscatter)",
	 "[DoS Attack: SYN/ACK Scan] from source: 68.40.255.235, port 80, Tuesday, February 16, "
	 "2016 17:35:23"},
	{"NETGEAR port forward hit",
	 "[LAN access from remote] from 80.82.79.104:46589 to 192.168.1.9:8080, Monday, February "
	 "22, 2016 13:11:37"},
	{"key=value firewall line in syslog",
	 "Jun 13 23:29:15 UDMP-DTC [WAN_LOCAL-D-2147483647] DESCR=\"[WAN_LOCAL]Block All "
	 "Traffic\" IN=eth8 OUT= MAC=74:ac:b9:1c:62:e5:00:17:10:2b:31:a9:08:00 SRC=192.168.1.1 "
	 "DST=192.168.1.25 LEN=122 TOS=00 PREC=0x00 TTL=49 ID=45366 DF PROTO=UDP SPT=38451 "
	 "DPT=54329 LEN=102 MARK=1a0000"},
	{NULL, NULL},
};

const struct parser parser_kv_generic = {
	.name = "kv",
	.summary = "generic firewall lines: key=value pairs (src=/dst=/sport=/dport=/proto=/"
		   "action=, SRC=/DST=/SPT=/DPT=, srcip=/dstip=...) or phrases (\"from A to B "
		   "port N\", \"A:p -> B:q\", NETGEAR \"[DoS Attack: ...] from source: A, port N\")",
	.time_note = "a syslog envelope's stamp when there is one (BSD stamps: local time in "
		     "--tz, year from the file's date, a date more than a day after it being the "
		     "previous year); else a leading ctime stamp (D-Link), date=/time= pairs or "
		     "NETGEAR's trailing \"Tuesday, February 16, 2016 17:35:23\", all local time "
		     "in --tz; else no time",
	.examples = kv_examples,
	.detect = kv_detect,
	.parse_line = kv_parse_line,
	.parse_syslog = kv_parse_syslog,
};
