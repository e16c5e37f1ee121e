/* Cursor helpers shared by the vendor and daemon parsers (see fwlog_util.h).
 * Service names follow the IANA registry and the names Cisco ASA and
 * xinetd print in place of numbers; TCP flag words are RFC 793/3168's. */
#include "parse/fwlog_util.h"

#include <string.h>
#include <strings.h>

#include "core/timeconv.h"
#include "core/util.h"

const char *fwl_eol(const char *line, size_t len)
{
	const char *end = line + len;
	while (end > line && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	return end;
}

/* A p past end (an empty rest) matches nothing: callers may compute p
 * from positions found in different searches. */
int fwl_starts(const char *p, const char *end, const char *lit, size_t n)
{
	return p <= end && (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

int fwl_starts_ci(const char *p, const char *end, const char *lit, size_t n)
{
	return p <= end && (size_t)(end - p) >= n && strncasecmp(p, lit, n) == 0;
}

/* memchr for the first byte, then memcmp: faster than memmem's set-up for
 * the short texts and needles of log fields. */
const char *fwl_find(const char *p, const char *end, const char *lit, size_t n)
{
	if (n == 0)
		return p <= end ? p : NULL;
	while (p < end && (size_t)(end - p) >= n) {
		const char *q = memchr(p, lit[0], (size_t)(end - p) - n + 1);
		if (!q)
			return NULL;
		if (memcmp(q + 1, lit + 1, n - 1) == 0)
			return q;
		p = q + 1;
	}
	return NULL;
}

const char *fwl_rfind(const char *p, const char *end, const char *lit, size_t n)
{
	if (n == 0 || end <= p || (size_t)(end - p) < n)
		return NULL;
	for (const char *q = end - n;; q--) {
		if (*q == *lit && memcmp(q, lit, n) == 0)
			return q;
		if (q == p)
			return NULL;
	}
}

const char *fwl_skip_sp(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

const char *fwl_tok_end(const char *p, const char *end)
{
	if (p >= end)
		return p; /* an empty token, never one that ends before it starts */
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	return sp ? sp : end;
}

const char *fwl_uint(const char *p, const char *end, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *s = p;
	while (p < end && fwl_digit(*p)) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return NULL;
		p++;
	}
	if (p == s)
		return NULL;
	*out = v;
	return p;
}

int fwl_port(const char *s, const char *e, uint16_t *out)
{
	uint64_t v;
	if (e <= s || e - s > 5 || parse_u64(s, (size_t)(e - s), 65535, &v) != 0)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

struct name_num {
	const char *name;
	unsigned num;
};

static const struct name_num proto_names[] = {
	{"tcp", IPPROTO_NUM_TCP},       {"udp", IPPROTO_NUM_UDP},
	{"icmp", IPPROTO_NUM_ICMP},     {"icmp6", IPPROTO_NUM_ICMPV6},
	{"icmpv6", IPPROTO_NUM_ICMPV6}, {"ipv6-icmp", IPPROTO_NUM_ICMPV6},
	{"igmp", IPPROTO_NUM_IGMP},     {"gre", 47},
	{"esp", IPPROTO_NUM_ESP},       {"ah", IPPROTO_NUM_AH},
	{"sctp", IPPROTO_NUM_SCTP},     {"udplite", IPPROTO_NUM_UDPLITE},
	{"ospf", 89},                   {"eigrp", 88},
	{"pim", 103},                   {"ipinip", 4},
	{"ipip", 4},                    {"ipv6", 41},
	{"vrrp", 112},                  {"ip", 0},
	{"ahp", IPPROTO_NUM_AH},        {"nos", 94},
	{"pcp", 108},
};

int fwl_proto(const char *s, size_t n)
{
	if (n == 0 || n > 16)
		return -1;
	if (fwl_digit(s[0])) {
		uint64_t v;
		return parse_u64(s, n, 255, &v) == 0 ? (int)v : -1;
	}
	char c0 = (char)(s[0] | 0x20);
	for (size_t i = 0; i < ARRAY_LEN(proto_names); i++) {
		const char *name = proto_names[i].name;
		if (name[0] == c0 && strlen(name) == n && strncasecmp(name, s, n) == 0)
			return (int)proto_names[i].num;
	}
	return -1;
}

/* Names as Cisco's ASA/IOS port literals, /etc/services and xinetd's
 * service names spell them; sorted by name for the binary search below. */
static const struct name_num service_names[] = {
	{"amanda", 10080}, {"aol", 5190}, {"auth", 113}, {"bgp", 179}, {"bootpc", 68}, {"bootps", 67},
	{"chargen", 19}, {"citrix-ica", 1494}, {"cmd", 514}, {"cvspserver", 2401}, {"daytime", 13},
	{"discard", 9}, {"dns", 53}, {"domain", 53}, {"echo", 7}, {"exec", 512}, {"finger", 79},
	{"ftp", 21}, {"ftp-data", 20}, {"gopher", 70}, {"h323", 1720}, {"hostname", 101},
	{"http", 80}, {"https", 443}, {"ident", 113}, {"imap", 143}, {"imap4", 143}, {"imaps", 993},
	{"irc", 194}, {"isakmp", 500}, {"kerberos", 88}, {"klogin", 543}, {"kshell", 544},
	{"ldap", 389}, {"ldaps", 636}, {"login", 513}, {"lotusnotes", 1352}, {"lpd", 515},
	{"microsoft-ds", 445}, {"ms-sql", 1433}, {"mysql", 3306}, {"nameserver", 42},
	{"netbios-dgm", 138}, {"netbios-ns", 137}, {"netbios-ssn", 139}, {"nfs", 2049}, {"nntp", 119},
	{"nrpe", 5666}, {"ntalk", 518}, {"ntp", 123}, {"pop2", 109}, {"pop3", 110}, {"pop3s", 995},
	{"pptp", 1723}, {"printer", 515}, {"radius", 1645}, {"radius-acct", 1646}, {"rdp", 3389},
	{"rexec", 512}, {"rip", 520}, {"rlogin", 513}, {"rsh", 514}, {"rsync", 873}, {"shell", 514},
	{"sip", 5060}, {"smtp", 25}, {"snmp", 161}, {"snmptrap", 162}, {"socks", 1080},
	{"sqlnet", 1521}, {"ssh", 22}, {"sunrpc", 111}, {"swat", 901}, {"syslog", 514},
	{"tacacs", 49}, {"talk", 517}, {"telnet", 23}, {"tftp", 69}, {"time", 37}, {"uucp", 540},
	{"vnc", 5900}, {"who", 513}, {"whois", 43}, {"www", 80}, {"x11", 6000}, {"xdmcp", 177},
};

/* strcmp of the lower-cased s[0..n) against a lower-case name */
static int name_cmp(const char *s, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s[i], b = (unsigned char)name[i];
		if (b == 0)
			return 1; /* the name is a prefix of s: s sorts after it */
		if (a >= 'A' && a <= 'Z')
			a |= 0x20;
		if (a != b)
			return (int)a - (int)b;
	}
	return name[n] ? -1 : 0;
}

unsigned fwl_service_port(const char *s, size_t n)
{
	if (n == 0 || n > 16)
		return 0;
	size_t lo = 0, hi = ARRAY_LEN(service_names);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(s, n, service_names[mid].name);
		if (c == 0)
			return service_names[mid].num;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

uint8_t fwl_tcp_flag_word(const char *s, size_t n)
{
	if (n != 3)
		return 0;
	static const struct {
		char w[4];
		uint8_t bit;
	} words[] = {
		{"SYN", TCP_FLAG_SYN}, {"ACK", TCP_FLAG_ACK}, {"FIN", TCP_FLAG_FIN},
		{"RST", TCP_FLAG_RST}, {"PSH", TCP_FLAG_PSH}, {"URG", TCP_FLAG_URG},
		{"ECE", TCP_FLAG_ECE}, {"CWR", TCP_FLAG_CWR},
	};
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		if (strncasecmp(words[i].w, s, 3) == 0)
			return words[i].bit;
	return 0;
}

static int two(const char *p)
{
	if (!fwl_digit(p[0]) || !fwl_digit(p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

int fwl_ymd(const char *p, const char *end, int *y, unsigned *mon, unsigned *d)
{
	if (end - p < 10 || p[4] != '-' || p[7] != '-')
		return -1;
	int y1 = two(p), y2 = two(p + 2), m = two(p + 5), dd = two(p + 8);
	if (y1 < 0 || y2 < 0 || m < 1 || m > 12 || dd < 1 || dd > 31)
		return -1;
	*y = y1 * 100 + y2;
	*mon = (unsigned)m;
	*d = (unsigned)dd;
	return 0;
}

int fwl_hms(const char *p, const char *end, unsigned *h, unsigned *mi, unsigned *s)
{
	if (end - p < 8 || p[2] != ':' || p[5] != ':')
		return -1;
	int hh = two(p), mm = two(p + 3), ss = two(p + 6);
	if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
		return -1;
	*h = (unsigned)hh;
	*mi = (unsigned)mm;
	*s = (unsigned)ss;
	return 0;
}

int fwl_utc_offset(const char *s, const char *e, int32_t *off)
{
	size_t n = (size_t)(e - s);
	if ((n == 1 && (*s == 'Z' || *s == 'z')) ||
	    (n == 3 && (strncasecmp(s, "UTC", 3) == 0 || strncasecmp(s, "GMT", 3) == 0))) {
		*off = 0;
		return 0;
	}
	if (n < 3 || (*s != '+' && *s != '-'))
		return -1;
	int sign = *s == '-' ? -1 : 1;
	int hh = two(s + 1), mm = 0;
	if (n == 5)
		mm = two(s + 3);
	else if (n == 6 && s[3] == ':')
		mm = two(s + 4);
	else if (n != 3)
		return -1;
	if (hh < 0 || hh > 23 || mm < 0 || mm > 59)
		return -1;
	*off = sign * (hh * 3600 + mm * 60);
	return 0;
}

void fwl_time_local(struct parse_ctx *ctx, struct event *ev, int y, unsigned mon, unsigned d,
		    unsigned h, unsigned mi, unsigned s, uint32_t ns)
{
	int64_t sec = timeconv_local_to_utc(&ctx->tz, y, mon, d, h, mi, s);
	if (sec > INT64_MAX / NS_PER_SEC - 1 || sec < INT64_MIN / NS_PER_SEC + 1)
		return; /* past 2262 (or before 1677): no time rather than a wrong one */
	ev->time_ns = sec * NS_PER_SEC + ns;
	ev->flags |= EVENT_HAS_TIME;
}

void fwl_time_offset(struct event *ev, int y, unsigned mon, unsigned d, unsigned h, unsigned mi,
		     unsigned s, uint32_t ns, int32_t off)
{
	int64_t sec = days_from_civil(y, mon, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 +
		      (int64_t)s - off;
	if (sec > INT64_MAX / NS_PER_SEC - 1 || sec < INT64_MIN / NS_PER_SEC + 1)
		return; /* past 2262 (or before 1677): no time rather than a wrong one */
	ev->time_ns = sec * NS_PER_SEC + ns;
	ev->flags |= EVENT_HAS_TIME;
}

int fwl_time_epoch(struct event *ev, const char *s, const char *e)
{
	uint64_t v;
	if (e <= s || parse_u64(s, (size_t)(e - s), UINT64_MAX, &v) != 0)
		return -1;
	/* The unit by size: 1e11 s is the year 5138, as are 1e14 ms and 1e17 us.
	 * Nanoseconds since 1970 fit an int64 until 2262: later is refused. */
	uint64_t mul;
	if (v < 100000000000ULL)
		mul = NS_PER_SEC;
	else if (v < 100000000000000ULL)
		mul = 1000000;
	else if (v < 100000000000000000ULL)
		mul = 1000;
	else
		mul = 1;
	if (v > (uint64_t)INT64_MAX / mul)
		return -1;
	int64_t ns = (int64_t)(v * mul);
	ev->time_ns = ns;
	ev->flags |= EVENT_HAS_TIME;
	return 0;
}

/* "ADDR:PORT" in [s, e), the port after the last ':'. */
int fwl_addr_port(const char *s, const char *e, struct ip_addr *a, uint16_t *port)
{
	const char *c = NULL;
	for (const char *q = e; q > s; q--)
		if (q[-1] == ':') {
			c = q - 1;
			break;
		}
	if (!c || fwl_port(c + 1, e, port) != 0)
		return -1;
	/* "[::1]:22" as well as "::1:22" */
	if (c - s >= 2 && *s == '[' && c[-1] == ']')
		return addr_parse(s + 1, (size_t)(c - 1 - (s + 1)), a);
	return addr_parse(s, (size_t)(c - s), a);
}
