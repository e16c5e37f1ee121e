/* gen_netfilter: deterministic generator of Linux netfilter LOG lines (iptables, ip6tables, ufw)
 * behind a BSD syslog header (RFC 3164), field order as nf_log_syslog.c prints it; for
 * benchmarking. The traffic model (who sends what, how often, when) is described in README.md. */

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------ random numbers */

/* splitmix64: one 64-bit word of state, passes BigCrush, and is trivially seekable, which is all
 * a benchmark generator needs; the output depends only on the seed and the options. */
struct rng {
	uint64_t s;
};

static inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rng_u64(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix64(r->s);
}

/* Multiply-shift range reduction; the bias for n < 2^32 is below 2^-32 and irrelevant here. */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_u64(r) >> 32) * (uint64_t)n) >> 32);
}

static inline double rng_unit(struct rng *r)
{
	return (double)(rng_u64(r) >> 11) * (1.0 / 9007199254740992.0);
}

static inline uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi) /* inclusive */
{
	return lo + rng_below(r, hi - lo + 1);
}

static inline double rng_exp(struct rng *r, double mean)
{
	return -log1p(-rng_unit(r)) * mean;
}

/* ------------------------------------------------------------------ output buffer */

#define OUT_CAP (4u << 20)
#define LINE_MAX_BYTES 1024 /* longest line we build is ~520 bytes (ICMP error, IPv6) */

struct out {
	char *buf;
	size_t len;
	uint64_t total;
};

static int out_flush(struct out *o)
{
	size_t off = 0;
	while (off < o->len) {
		ssize_t n = write(STDOUT_FILENO, o->buf + off, o->len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += (size_t)n;
	}
	o->len = 0;
	return 0;
}

/* ------------------------------------------------------------------ formatting helpers */

static char digits2[200];
static char octet_txt[256][4];
static uint8_t octet_len[256];
static char hex_lower[256][2];
static char hex_upper[256][2];

static void fmt_tables_init(void)
{
	static const char hl[] = "0123456789abcdef", hu[] = "0123456789ABCDEF";
	for (int i = 0; i < 100; i++) {
		digits2[2 * i] = (char)('0' + i / 10);
		digits2[2 * i + 1] = (char)('0' + i % 10);
	}
	for (int i = 0; i < 256; i++) {
		int n = 0;
		if (i >= 100)
			octet_txt[i][n++] = (char)('0' + i / 100);
		if (i >= 10)
			octet_txt[i][n++] = (char)('0' + i / 10 % 10);
		octet_txt[i][n++] = (char)('0' + i % 10);
		octet_len[i] = (uint8_t)n;
		hex_lower[i][0] = hl[i >> 4];
		hex_lower[i][1] = hl[i & 15];
		hex_upper[i][0] = hu[i >> 4];
		hex_upper[i][1] = hu[i & 15];
	}
}

#define PUT(p, lit) (memcpy((p), (lit), sizeof(lit) - 1), (p) += sizeof(lit) - 1)

static inline char *put_mem(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

static inline char *put_u32(char *p, uint32_t v)
{
	char tmp[10];
	char *q = tmp + sizeof(tmp);
	while (v >= 100) {
		uint32_t r = v % 100;
		v /= 100;
		q -= 2;
		memcpy(q, digits2 + 2 * r, 2);
	}
	if (v >= 10) {
		q -= 2;
		memcpy(q, digits2 + 2 * v, 2);
	} else {
		*--q = (char)('0' + v);
	}
	size_t n = (size_t)(tmp + sizeof(tmp) - q);
	memcpy(p, q, n);
	return p + n;
}

/* Fixed width, zero padded (the microseconds of the kernel stamp). */
static inline char *put_u32_w(char *p, uint32_t v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/* Octet text is copied four bytes at a time; the buffer always has slack past the cursor. */
static inline char *put_ipv4(char *p, uint32_t a)
{
	for (int sh = 24; sh >= 0; sh -= 8) {
		unsigned o = (a >> sh) & 255u;
		memcpy(p, octet_txt[o], 4);
		p += octet_len[o];
		*p++ = '.';
	}
	return p - 1;
}

/* The kernel prints IPv6 with %pI6: eight groups of four lowercase hex digits, no "::". */
static inline char *put_ipv6(char *p, const uint16_t g[8])
{
	for (int i = 0; i < 8; i++) {
		memcpy(p, hex_lower[g[i] >> 8], 2);
		memcpy(p + 2, hex_lower[g[i] & 255], 2);
		p[4] = ':';
		p += 5;
	}
	return p - 1;
}

static inline char *put_hex2u(char *p, unsigned v)
{
	memcpy(p, hex_upper[v & 255], 2);
	return p + 2;
}

static char *put_mac(char *p, const uint8_t m[14])
{
	for (int i = 0; i < 14; i++) {
		memcpy(p, hex_lower[m[i]], 2);
		p[2] = ':';
		p += 3;
	}
	return p - 1;
}

/* ------------------------------------------------------------------ calendar */

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m) /* m = 1..12 */
{
	static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return md[m - 1] + (m == 2 && is_leap(y));
}

/* Days since 1970-01-01 for a date in 1970..9999; a plain walk is fast enough because it runs
 * once per option and once per simulated day. */
static int64_t days_from_date(int64_t y, int m, int d)
{
	int64_t days = 0;
	for (int64_t yy = 1970; yy < y; yy++)
		days += 365 + is_leap(yy);
	for (int mm = 1; mm < m; mm++)
		days += month_days(y, mm);
	return days + d - 1;
}

static void date_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t yy = 1970;
	while (days >= 365 + is_leap(yy)) {
		days -= 365 + is_leap(yy);
		yy++;
	}
	int mm = 1;
	while (days >= month_days(yy, mm)) {
		days -= month_days(yy, mm);
		mm++;
	}
	*y = yy;
	*m = mm;
	*d = (int)days + 1;
}

/* "Mmm dd HH:MM:SS" (RFC 3164 TIMESTAMP, day space padded), cached per second. */
struct syslog_clock {
	int64_t sec;
	int64_t day;
	char txt[16];
};

static void clock_set(struct syslog_clock *c, int64_t sec)
{
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int64_t day = sec / 86400;
	if (day != c->day) {
		int64_t y;
		int m, d;
		date_from_days(day, &y, &m, &d);
		memcpy(c->txt, mon + 3 * (m - 1), 3);
		c->txt[3] = ' ';
		c->txt[4] = d >= 10 ? (char)('0' + d / 10) : ' ';
		c->txt[5] = (char)('0' + d % 10);
		c->txt[6] = ' ';
		c->day = day;
	}
	int64_t s = sec % 86400;
	memcpy(c->txt + 7, digits2 + 2 * (s / 3600), 2);
	c->txt[9] = ':';
	memcpy(c->txt + 10, digits2 + 2 * (s / 60 % 60), 2);
	c->txt[12] = ':';
	memcpy(c->txt + 13, digits2 + 2 * (s % 60), 2);
	c->sec = sec;
}

/* ------------------------------------------------------------------ the model: hosts */

enum { HOST_WEB, HOST_GW, HOST_COUNT };

/* Two sensors write to one syslog stream, as a central log host would see them: a ufw VPS and
 * a plain-iptables edge router in front of a public /24 and a home LAN. Addresses are from the
 * documentation ranges (RFC 5737, RFC 3849) so nothing here names a real network. */
struct host {
	const char *name;
	uint8_t mac_v4[14], mac_v6[14];
	int64_t boot_us; /* kernel stamp = time since boot */
};

static struct host hosts[HOST_COUNT] = {
	{"vps-web1",
	 {0x52, 0x54, 0x00, 0x4f, 0x9c, 0x21, 0xfe, 0x54, 0x00, 0x0a, 0x1b, 0x2c, 0x08, 0x00},
	 {0x52, 0x54, 0x00, 0x4f, 0x9c, 0x21, 0xfe, 0x54, 0x00, 0x0a, 0x1b, 0x2c, 0x86, 0xdd},
	 0},
	{"edge-gw",
	 {0x00, 0x0d, 0xb9, 0x4a, 0x12, 0x30, 0x00, 0x1b, 0x21, 0xc4, 0x7e, 0x05, 0x08, 0x00},
	 {0x00, 0x0d, 0xb9, 0x4a, 0x12, 0x30, 0x00, 0x1b, 0x21, 0xc4, 0x7e, 0x05, 0x86, 0xdd},
	 0},
};

static const uint32_t web_v4[2] = {0xcb00710au /* 203.0.113.10 */, 0xcb00714du /* .77 */};
static const uint32_t gw_net_v4 = 0xc6336400u; /* 198.51.100.0/24, gw itself is .1 */
static const uint32_t lan_net_v4 = 0xc0a80100u; /* 192.168.1.0/24 behind eth1 */
static const uint16_t web_v6[8] = {0x2001, 0x0db8, 0x1f0a, 0, 0, 0, 0, 0x0010};
static const uint16_t gw_net_v6[4] = {0x2001, 0x0db8, 0x4c00, 0x0001};

/* Log prefixes as configured: ufw's own, and the usual hand-written iptables ones. */
enum { PFX_UFW, PFX_UFW_LIMIT, PFX_DROP, PFX_DROP_INVALID, PFX_COUNT };
static const struct {
	const char *s;
	size_t n;
} prefixes[PFX_COUNT] = {
	{"[UFW BLOCK] ", 12},
	{"[UFW LIMIT BLOCK] ", 18},
	{"DROP ", 5},
	{"DROP INVALID ", 13},
};

enum { IF_NONE, IF_ENS3, IF_ETH0, IF_ETH1 };
static const struct {
	const char *s;
	size_t n;
} ifnames[] = {{"", 0}, {"ens3", 4}, {"eth0", 4}, {"eth1", 4}};

/* ------------------------------------------------------------------ the model: sources */

/* What sends the probes decides the header fields: scanners craft them (zmap's IP ID 54321,
 * masscan's window 1024, nmap's MSS-only option and random TTL, Mirai's random window), bots on
 * real stacks send the kernel's own SYN (DF, options, TTL 64 or 128 minus hops). */
enum tool { TOOL_ZMAP, TOOL_MASSCAN, TOOL_NMAP, TOOL_LINUX, TOOL_WINDOWS, TOOL_MIRAI };

struct source {
	uint32_t v4;   /* 0 for an IPv6 source */
	uint16_t spt;  /* fixed source port for tools that keep one */
	uint16_t win;  /* per-source TCP window for real stacks */
	uint8_t tool;
	uint8_t hops;
	uint8_t is_v6;
	uint8_t is_lan;
};

struct model {
	uint32_t n_src;
	uint32_t n_lan; /* ids 0..n_lan-1 are home-LAN devices */
	struct source *src;
	uint64_t seed;
	double v6_share;
	double ln_m1; /* ln(number of internet sources + 1), for the Zipf draw */
};

static int v4_allowed(uint32_t a)
{
	uint32_t o1 = a >> 24, lo = a & 255u;
	if (o1 == 0 || o1 == 10 || o1 == 127 || o1 >= 224 || lo == 0 || lo == 255)
		return 0;
	switch (o1) { /* US DoD /8s: allocated, but practically never seen sending scans */
	case 6: case 7: case 11: case 21: case 22: case 26: case 28: case 29: case 30: case 33:
	case 55: case 214: case 215:
		return 0;
	default:
		break;
	}
	if ((a & 0xffc00000u) == 0x64400000u || (a >> 16) == 0xa9feu ||
	    (a & 0xfff00000u) == 0xac100000u || (a >> 16) == 0xc0a8u)
		return 0; /* 100.64/10, 169.254/16, 172.16/12, 192.168/16 */
	if ((a >> 8) == 0xc00000u || (a >> 8) == 0xc00002u || (a & 0xfffe0000u) == 0xc6120000u ||
	    (a >> 8) == 0xc63364u || (a >> 8) == 0xcb0071u)
		return 0; /* 192.0.0/24, 192.0.2/24, 198.18/15, our own 198.51.100/24, 203.0.113/24 */
	return 1;
}

/* Open-addressing set of IPv4 addresses, so that no two source ids share an address. */
struct addr_set {
	uint32_t *slot;
	uint32_t mask;
};

static int addr_set_add(struct addr_set *s, uint32_t a)
{
	uint32_t i = (uint32_t)mix64(a) & s->mask;
	while (s->slot[i] != 0) {
		if (s->slot[i] == a)
			return 0;
		i = (i + 1) & s->mask;
	}
	s->slot[i] = a;
	return 1;
}

static uint32_t random_public_v4(struct rng *r)
{
	for (;;) {
		uint32_t a = (uint32_t)(rng_u64(r) >> 32);
		if (v4_allowed(a))
			return a;
	}
}

/* IPv6 source address computed from the id: a real-looking allocation prefix, a /64 from the
 * id's hash, and the low 32 bits a bijection of the id, which makes every address distinct. */
static void source_v6(const struct model *m, uint32_t id, uint16_t g[8])
{
	static const uint16_t alloc[] = {0x2001, 0x2400, 0x2600, 0x2604, 0x2607, 0x2a01,
					 0x2a02, 0x2a03, 0x2a06, 0x2a10, 0x2804, 0x240e};
	uint64_t h = mix64(m->seed ^ 0x6a09e667f3bcc909ULL ^ id);
	uint32_t low = id * 0x9e3779b1u;          /* odd multiplier: a bijection mod 2^32 */
	low ^= low >> 16;                          /* xorshift: also a bijection */
	g[0] = alloc[h % (sizeof(alloc) / sizeof(alloc[0]))];
	g[1] = (uint16_t)(h >> 8);
	g[2] = (uint16_t)(h >> 24);
	g[3] = (uint16_t)((h >> 40) & 0x00ff);
	if ((h >> 60) < 9) { /* servers: ::<small>; the other half: SLAAC-like random ids */
		g[4] = 0;
		g[5] = 0;
	} else {
		g[4] = (uint16_t)(h >> 44);
		g[5] = (uint16_t)(mix64(h) >> 7);
	}
	g[6] = (uint16_t)(low >> 16);
	g[7] = (uint16_t)low;
}

static int model_init(struct model *m, uint32_t n_src, uint64_t seed)
{
	m->n_src = n_src;
	m->seed = seed;
	m->n_lan = n_src >= 200 ? 6 : 0;
	uint32_t n_inet = n_src - m->n_lan;
	m->ln_m1 = log((double)n_inet + 1.0);
	m->src = calloc(n_src, sizeof(*m->src));
	if (!m->src)
		return -1;

	/* Pick the IPv6 share of sources so ~3% of the *lines* are IPv6: the top 100 ranks are
	 * forced to IPv4 (one heavy IPv6 hitter would swing the share), so the rest compensate. */
	double top = 0.85 * log(101.0) / m->ln_m1 + 0.15 * 100.0 / (double)n_inet;
	m->v6_share = top < 0.9 ? 0.03 / (1.0 - top) : 0.0;
	if (m->v6_share > 0.5)
		m->v6_share = 0.5;

	struct addr_set set;
	uint32_t cap = 1024;
	while (cap < 2 * n_src)
		cap <<= 1;
	set.slot = calloc(cap, sizeof(uint32_t));
	if (!set.slot)
		return -1;
	set.mask = cap - 1;

	struct rng r = {seed ^ 0x3c6ef372fe94f82bULL};
	for (uint32_t id = 0; id < n_src; id++) {
		struct source *s = &m->src[id];
		uint64_t h = mix64(seed ^ 0xa54ff53a5f1d36f1ULL ^ ((uint64_t)id << 1));
		if (id < m->n_lan) {
			s->is_lan = 1;
			s->v4 = lan_net_v4 | (20 + 7 * id);
			s->tool = TOOL_LINUX;
			s->hops = 0;
			continue;
		}
		uint32_t rank = id - m->n_lan;
		unsigned t = (unsigned)(h % 100);
		s->tool = t < 30 ? TOOL_ZMAP : t < 55 ? TOOL_MASSCAN : t < 65 ? TOOL_NMAP
			: t < 85 ? TOOL_LINUX : t < 95 ? TOOL_WINDOWS : TOOL_MIRAI;
		s->hops = (uint8_t)(5 + (h >> 8) % 21);
		s->spt = (uint16_t)(40000 + (h >> 16) % 20000);
		static const uint16_t lin_win[] = {29200, 64240, 65535, 14600};
		static const uint16_t win_win[] = {8192, 64240, 65535};
		s->win = s->tool == TOOL_WINDOWS ? win_win[(h >> 32) % 3] : lin_win[(h >> 32) % 4];
		if (rank >= 100 && (double)((h >> 40) & 0xffffff) < m->v6_share * 16777216.0) {
			s->is_v6 = 1;
			continue;
		}
		/* Scanner farms: a quarter of the groups of eight consecutive ranks live in one /24,
		 * like the hosting ranges that dominate real block logs. */
		uint64_t gh = mix64(seed ^ 0x510e527fade682d1ULL ^ (rank / 8));
		uint32_t a = 0;
		if (gh % 4 == 0) {
			struct rng gr = {gh};
			uint32_t base = random_public_v4(&gr) & 0xffffff00u;
			a = base | (1 + (uint32_t)(((gh >> 20) % 253 + 37u * (rank % 8)) % 253));
			if (!v4_allowed(a) || !addr_set_add(&set, a))
				a = 0;
		}
		while (a == 0) {
			a = random_public_v4(&r);
			if (!addr_set_add(&set, a))
				a = 0;
		}
		s->v4 = a;
	}
	free(set.slot);
	return 0;
}

/* Source popularity: 85% of draws are Zipf-like (P(rank k) ~ 1/k, sampled as a log-uniform
 * variate), 15% uniform over all sources, the long tail of one-shot scanners that makes the
 * distinct-source count grow with the input. */
static uint32_t draw_source(const struct model *m, struct rng *r)
{
	uint32_t n_inet = m->n_src - m->n_lan;
	uint32_t rank;
	if (rng_below(r, 100) < 15) {
		rank = rng_below(r, n_inet);
	} else {
		double k = exp(rng_unit(r) * m->ln_m1) - 1.0;
		rank = (uint32_t)k;
		if (rank >= n_inet)
			rank = n_inet - 1;
	}
	return m->n_lan + rank;
}

/* ------------------------------------------------------------------ port tables */

struct weighted_port {
	uint16_t port;
	uint16_t weight;
	uint16_t len_lo, len_hi; /* UDP length (header + payload) */
};

/* Popularity of blocked TCP destination ports on internet-facing hosts (telnet and SSH at the
 * top, SMB, RDP, web, databases, IoT admin ports), shaped after the corpus ufw.log and
 * published honeypot/darknet port rankings. Weights are relative. */
static const struct weighted_port tcp_ports[] = {
	{23, 120, 0, 0},   {22, 90, 0, 0},    {445, 60, 0, 0},   {3389, 50, 0, 0},
	{80, 60, 0, 0},    {8080, 40, 0, 0},  {443, 35, 0, 0},   {25, 25, 0, 0},
	{5555, 15, 0, 0},  {1433, 15, 0, 0},  {3306, 12, 0, 0},  {6379, 10, 0, 0},
	{2323, 15, 0, 0},  {81, 10, 0, 0},    {8443, 10, 0, 0},  {5900, 10, 0, 0},
	{21, 10, 0, 0},    {8081, 8, 0, 0},   {8000, 8, 0, 0},   {8888, 6, 0, 0},
	{9200, 5, 0, 0},   {2375, 6, 0, 0},   {2376, 4, 0, 0},   {27017, 5, 0, 0},
	{5432, 6, 0, 0},   {7547, 8, 0, 0},   {37215, 6, 0, 0},  {52869, 4, 0, 0},
	{1723, 4, 0, 0},   {111, 4, 0, 0},    {135, 6, 0, 0},    {139, 6, 0, 0},
	{110, 3, 0, 0},    {143, 3, 0, 0},    {993, 2, 0, 0},    {995, 2, 0, 0},
	{587, 4, 0, 0},    {465, 3, 0, 0},    {1080, 4, 0, 0},   {3128, 4, 0, 0},
	{8291, 6, 0, 0},   {60001, 3, 0, 0},  {49152, 3, 0, 0},  {9000, 4, 0, 0},
	{10000, 3, 0, 0},  {11211, 2, 0, 0},  {5060, 3, 0, 0},   {4443, 2, 0, 0},
	{6443, 3, 0, 0},   {5985, 4, 0, 0},   {5986, 2, 0, 0},   {8088, 4, 0, 0},
	{9090, 3, 0, 0},   {50000, 2, 0, 0},  {8089, 2, 0, 0},   {1521, 3, 0, 0},
	{502, 3, 0, 0},    {102, 2, 0, 0},    {20000, 2, 0, 0},  {2222, 6, 0, 0},
	{222, 2, 0, 0},    {22222, 2, 0, 0},  {23023, 3, 0, 0},  {5038, 2, 0, 0},
	{1025, 2, 0, 0},   {5901, 3, 0, 0},   {7001, 2, 0, 0},   {8009, 2, 0, 0},
};

/* UDP probes with their typical datagram sizes (SIP OPTIONS is large, NTP mode 3 is 48 bytes
 * of payload, WS-Discovery is an XML blob, ...). */
static const struct weighted_port udp_ports[] = {
	{53, 20, 37, 64},    {123, 15, 56, 56},   {161, 12, 43, 51},   {1900, 12, 102, 140},
	{5060, 15, 380, 460}, {137, 6, 58, 58},   {11211, 5, 23, 23},  {389, 5, 60, 60},
	{3702, 4, 600, 680}, {500, 4, 264, 300},  {1194, 3, 22, 22},   {19, 2, 9, 9},
	{111, 3, 48, 48},    {520, 2, 32, 32},    {5353, 3, 54, 54},   {623, 3, 31, 31},
	{10001, 3, 12, 12},  {17185, 2, 80, 80},  {5683, 3, 29, 29},   {3283, 3, 13, 13},
	{47808, 3, 25, 25},  {1701, 2, 60, 60},   {69, 2, 25, 30},     {161, 4, 43, 43},
	{27015, 2, 33, 33},  {8080, 1, 20, 40},   {1434, 2, 9, 9},     {2049, 1, 48, 48},
};

/* Ports swept across the /24 (one port, every address). */
static const uint16_t sweep_ports[] = {23, 22, 445, 3389, 80, 443, 8080, 6379, 5900, 2375,
				       9200, 27017, 5555, 1433, 3306, 7547, 8291, 21};

#define NTCP (sizeof(tcp_ports) / sizeof(tcp_ports[0]))
#define NUDP (sizeof(udp_ports) / sizeof(udp_ports[0]))

/* A slot table turns a weighted draw into one bounded random index. */
struct slot_table {
	uint8_t *slot;
	uint32_t n;
};

static int slot_table_init(struct slot_table *t, const struct weighted_port *w, size_t n)
{
	uint32_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += w[i].weight;
	t->slot = malloc(total);
	if (!t->slot)
		return -1;
	t->n = total;
	uint32_t k = 0;
	for (size_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < w[i].weight; j++)
			t->slot[k++] = (uint8_t)i;
	return 0;
}

static struct slot_table tcp_slots, udp_slots;

static uint16_t draw_tcp_port(struct rng *r)
{
	uint32_t u = rng_below(r, 100);
	if (u < 62)
		return tcp_ports[tcp_slots.slot[rng_below(r, tcp_slots.n)]].port;
	if (u < 95)
		return (uint16_t)rng_range(r, 1024, 65535);
	return (uint16_t)rng_range(r, 1, 1023);
}

/* ------------------------------------------------------------------ one packet */

enum { TF_FIN = 1, TF_SYN = 2, TF_RST = 4, TF_PSH = 8, TF_ACK = 16, TF_URG = 32 };
enum { OPT_NONE, OPT_MSS, OPT_LINUX, OPT_WINDOWS };
enum { P_TCP = 6, P_UDP = 17, P_ICMP = 1, P_ICMP6 = 58, P_IGMP = 2, P_GRE = 47 };

/* The quoted packet inside an ICMP error: our host's original datagram. */
struct inner {
	uint32_t src, dst;
	uint16_t len, id, spt, dpt, udp_len, win;
	uint8_t ttl, proto, truncated, flags;
};

struct pkt {
	uint8_t host, pfx, in_if, out_if, v6, proto, flags, opt, df;
	uint8_t tos, prec, ttl, itype, icode, has_inner, mtu;
	const uint8_t *mac;
	uint32_t src4, dst4, flowlbl, tsval;
	uint16_t src6[8], dst6[8];
	uint16_t ip_len, ip_id, spt, dpt, win, udp_len, icmp_id, icmp_seq;
	struct inner in;
};

static char *put_tcp_flags(char *p, unsigned f)
{
	if (f & TF_URG)
		PUT(p, "URG ");
	if (f & TF_ACK)
		PUT(p, "ACK ");
	if (f & TF_PSH)
		PUT(p, "PSH ");
	if (f & TF_RST)
		PUT(p, "RST ");
	if (f & TF_SYN)
		PUT(p, "SYN ");
	if (f & TF_FIN)
		PUT(p, "FIN ");
	return p;
}

static char *put_ipv4_head(char *p, uint32_t src, uint32_t dst, unsigned len, unsigned tos,
			   unsigned prec, unsigned ttl, unsigned id, int df)
{
	PUT(p, "SRC=");
	p = put_ipv4(p, src);
	PUT(p, " DST=");
	p = put_ipv4(p, dst);
	PUT(p, " LEN=");
	p = put_u32(p, len);
	PUT(p, " TOS=0x");
	p = put_hex2u(p, tos);
	PUT(p, " PREC=0x");
	p = put_hex2u(p, prec);
	PUT(p, " TTL=");
	p = put_u32(p, ttl);
	PUT(p, " ID=");
	p = put_u32(p, id);
	*p++ = ' ';
	if (df)
		PUT(p, "DF ");
	return p;
}

/* One line, in the order nf_log_syslog.c prints the fields; every field ends with a space, so
 * real lines (and these) end in "URGP=0 " or "LEN=12 ". */
static char *render(char *p, const struct syslog_clock *c, int64_t t_us, const struct pkt *k)
{
	const struct host *h = &hosts[k->host];
	p = put_mem(p, c->txt, 15);
	*p++ = ' ';
	p = put_mem(p, h->name, strlen(h->name));
	PUT(p, " kernel: [");
	int64_t up = t_us - h->boot_us;
	uint32_t up_s = (uint32_t)(up / 1000000);
	if (up_s < 10000) /* printk pads the seconds to five columns */
		for (uint32_t w = up_s < 10 ? 4 : up_s < 100 ? 3 : up_s < 1000 ? 2 : 1; w; w--)
			*p++ = ' ';
	p = put_u32(p, up_s);
	*p++ = '.';
	p = put_u32_w(p, (uint32_t)(up % 1000000), 6);
	PUT(p, "] ");
	p = put_mem(p, prefixes[k->pfx].s, prefixes[k->pfx].n);
	PUT(p, "IN=");
	p = put_mem(p, ifnames[k->in_if].s, ifnames[k->in_if].n);
	PUT(p, " OUT=");
	p = put_mem(p, ifnames[k->out_if].s, ifnames[k->out_if].n);
	PUT(p, " MAC=");
	p = put_mac(p, k->mac);
	*p++ = ' ';
	if (k->v6) {
		PUT(p, "SRC=");
		p = put_ipv6(p, k->src6);
		PUT(p, " DST=");
		p = put_ipv6(p, k->dst6);
		PUT(p, " LEN=");
		p = put_u32(p, k->ip_len);
		PUT(p, " TC=");
		p = put_u32(p, k->tos);
		PUT(p, " HOPLIMIT=");
		p = put_u32(p, k->ttl);
		PUT(p, " FLOWLBL=");
		p = put_u32(p, k->flowlbl);
		*p++ = ' ';
	} else {
		p = put_ipv4_head(p, k->src4, k->dst4, k->ip_len, k->tos, k->prec, k->ttl, k->ip_id,
				  k->df);
	}
	switch (k->proto) {
	case P_TCP:
		PUT(p, "PROTO=TCP SPT=");
		p = put_u32(p, k->spt);
		PUT(p, " DPT=");
		p = put_u32(p, k->dpt);
		PUT(p, " WINDOW=");
		p = put_u32(p, k->win);
		PUT(p, " RES=0x00 ");
		p = put_tcp_flags(p, k->flags);
		PUT(p, "URGP=0 ");
		if (k->opt == OPT_MSS) {
			PUT(p, "OPT (020405B4) ");
		} else if (k->opt == OPT_LINUX) {
			PUT(p, "OPT (020405B40402080A");
			for (int sh = 24; sh >= 0; sh -= 8)
				p = put_hex2u(p, (k->tsval >> sh) & 255u);
			PUT(p, "0000000001030307) ");
		} else if (k->opt == OPT_WINDOWS) {
			PUT(p, "OPT (020405B40103030801010402) ");
		}
		break;
	case P_UDP:
		PUT(p, "PROTO=UDP SPT=");
		p = put_u32(p, k->spt);
		PUT(p, " DPT=");
		p = put_u32(p, k->dpt);
		PUT(p, " LEN=");
		p = put_u32(p, k->udp_len);
		*p++ = ' ';
		break;
	case P_ICMP:
	case P_ICMP6:
		if (k->proto == P_ICMP)
			PUT(p, "PROTO=ICMP TYPE=");
		else
			PUT(p, "PROTO=ICMPv6 TYPE=");
		p = put_u32(p, k->itype);
		PUT(p, " CODE=");
		p = put_u32(p, k->icode);
		*p++ = ' ';
		if (k->itype == 8 || k->itype == 0 || k->itype == 128 || k->itype == 129) {
			PUT(p, "ID=");
			p = put_u32(p, k->icmp_id);
			PUT(p, " SEQ=");
			p = put_u32(p, k->icmp_seq);
			*p++ = ' ';
		} else if (k->has_inner) {
			const struct inner *in = &k->in;
			*p++ = '[';
			p = put_ipv4_head(p, in->src, in->dst, in->len, 0, 0, in->ttl, in->id, 1);
			if (in->proto == P_UDP) {
				PUT(p, "PROTO=UDP SPT=");
				p = put_u32(p, in->spt);
				PUT(p, " DPT=");
				p = put_u32(p, in->dpt);
				PUT(p, " LEN=");
				p = put_u32(p, in->udp_len);
				*p++ = ' ';
			} else if (in->truncated) {
				PUT(p, "PROTO=TCP INCOMPLETE [8 bytes] ");
			} else {
				PUT(p, "PROTO=TCP SPT=");
				p = put_u32(p, in->spt);
				PUT(p, " DPT=");
				p = put_u32(p, in->dpt);
				PUT(p, " WINDOW=");
				p = put_u32(p, in->win);
				PUT(p, " RES=0x00 ");
				p = put_tcp_flags(p, in->flags);
				PUT(p, "URGP=0 ");
			}
			PUT(p, "] ");
			if (k->mtu)
				PUT(p, "MTU=1480 ");
		}
		break;
	default:
		PUT(p, "PROTO=");
		p = put_u32(p, k->proto);
		*p++ = ' ';
		break;
	}
	*p++ = '\n';
	return p;
}

/* ------------------------------------------------------------------ packet makers */

struct gen {
	struct model m;
	struct rng r;
	struct syslog_clock clock;
	uint64_t lines, v6_lines, episode_lines, lan_lines;
};

/* TOS/PREC as the kernel splits the byte (TOS = tos & 0x1E, PREC = tos & 0xE0). */
static void draw_tos(struct rng *r, struct pkt *k)
{
	uint32_t u = rng_below(r, 100);
	k->tos = 0;
	k->prec = 0;
	if (u >= 93) {
		if (u < 96)
			k->prec = 0x20;
		else if (u < 98)
			k->tos = 0x08;
		else if (u < 99)
			k->prec = 0x40;
		else
			k->tos = 0x10;
	}
}

/* Where the packet lands: which sensor logs it, with which addresses, interfaces, prefix. */
static void place(struct gen *g, struct pkt *k, int host, const struct source *s, uint32_t id,
		  int forwarded, uint32_t dst_host)
{
	struct rng *r = &g->r;
	k->host = (uint8_t)host;
	k->v6 = s->is_v6;
	k->mac = k->v6 ? hosts[host].mac_v6 : hosts[host].mac_v4;
	if (host == HOST_WEB) {
		k->pfx = PFX_UFW;
		k->in_if = IF_ENS3;
		k->out_if = IF_NONE;
	} else {
		k->pfx = PFX_DROP;
		k->in_if = IF_ETH0;
		k->out_if = forwarded ? IF_ETH1 : IF_NONE;
	}
	if (k->v6) {
		source_v6(&g->m, id, k->src6);
		if (host == HOST_WEB) {
			memcpy(k->dst6, web_v6, sizeof(web_v6));
		} else {
			memcpy(k->dst6, gw_net_v6, 4 * sizeof(uint16_t));
			k->dst6[4] = 0;
			k->dst6[5] = 0;
			k->dst6[6] = 0;
			k->dst6[7] = (uint16_t)(forwarded ? dst_host : 1);
		}
		k->flowlbl = rng_below(r, 100) < 60 ? (uint32_t)(rng_u64(r) & 0xfffff) : 0;
	} else {
		k->src4 = s->v4;
		if (host == HOST_WEB)
			k->dst4 = web_v4[dst_host & 1];
		else
			k->dst4 = gw_net_v4 | (forwarded ? dst_host : 1);
	}
}

static void ttl_for(struct rng *r, struct pkt *k, const struct source *s)
{
	unsigned init;
	switch (s->tool) {
	case TOOL_ZMAP:
	case TOOL_MASSCAN:
		init = 255;
		break;
	case TOOL_NMAP: /* nmap picks a random TTL per raw probe */
		k->ttl = (uint8_t)rng_range(r, 37, 59);
		return;
	case TOOL_WINDOWS:
		init = 128;
		break;
	default:
		init = 64;
		break;
	}
	k->ttl = (uint8_t)(init - s->hops - (rng_below(r, 20) == 0));
}

/* A SYN as the source's tool builds it. */
static void make_syn(struct gen *g, struct pkt *k, const struct source *s, uint16_t dpt)
{
	struct rng *r = &g->r;
	k->proto = P_TCP;
	k->flags = TF_SYN;
	k->dpt = dpt;
	k->df = 0;
	k->opt = OPT_NONE;
	unsigned tcp_len = 20;
	int log_opts = k->host == HOST_GW; /* the router logs with --log-tcp-options, ufw does not */
	switch (s->tool) {
	case TOOL_ZMAP:
		k->ip_id = 54321;
		k->win = 65535;
		k->spt = (uint16_t)rng_range(r, 32768, 61000);
		break;
	case TOOL_MASSCAN:
		k->ip_id = (uint16_t)rng_u64(r);
		k->win = 1024;
		k->spt = s->spt;
		break;
	case TOOL_NMAP:
		k->ip_id = (uint16_t)rng_u64(r);
		k->win = (uint16_t)(1024u << rng_below(r, 3));
		if (rng_below(r, 4) == 0)
			k->win = 3072;
		k->spt = s->spt;
		tcp_len = 24;
		k->opt = log_opts ? OPT_MSS : OPT_NONE;
		break;
	case TOOL_LINUX:
		k->ip_id = (uint16_t)rng_u64(r);
		k->win = s->win;
		k->spt = (uint16_t)rng_range(r, 32768, 60999);
		k->df = 1;
		tcp_len = 40;
		k->opt = log_opts ? OPT_LINUX : OPT_NONE;
		k->tsval = (uint32_t)rng_u64(r);
		break;
	case TOOL_WINDOWS:
		k->ip_id = (uint16_t)rng_u64(r);
		k->win = s->win;
		k->spt = (uint16_t)rng_range(r, 49152, 65535);
		k->df = 1;
		tcp_len = 32;
		k->opt = log_opts ? OPT_WINDOWS : OPT_NONE;
		break;
	default: /* TOOL_MIRAI: random window, telnet ports */
		k->ip_id = (uint16_t)rng_u64(r);
		k->win = (uint16_t)rng_u64(r);
		k->spt = (uint16_t)rng_range(r, 1024, 65535);
		break;
	}
	k->ip_len = (uint16_t)((k->v6 ? 40 : 20) + tcp_len);
	ttl_for(r, k, s);
}

static void make_udp(struct gen *g, struct pkt *k, const struct source *s)
{
	struct rng *r = &g->r;
	k->proto = P_UDP;
	if (rng_below(r, 100) < 80) {
		const struct weighted_port *w = &udp_ports[udp_slots.slot[rng_below(r, udp_slots.n)]];
		k->dpt = w->port;
		k->udp_len = (uint16_t)rng_range(r, w->len_lo, w->len_hi);
	} else {
		k->dpt = (uint16_t)rng_range(r, 1024, 65535);
		k->udp_len = (uint16_t)rng_range(r, 8, 120);
	}
	k->spt = rng_below(r, 10) == 0 ? k->dpt : (uint16_t)rng_range(r, 1024, 65535);
	k->ip_len = (uint16_t)(k->udp_len + (k->v6 ? 40 : 20));
	k->ip_id = (uint16_t)rng_u64(r);
	k->df = s->tool == TOOL_LINUX || s->tool == TOOL_WINDOWS;
	ttl_for(r, k, s);
}

static void make_icmp(struct gen *g, struct pkt *k, const struct source *s)
{
	struct rng *r = &g->r;
	ttl_for(r, k, s);
	k->ip_id = (uint16_t)rng_u64(r);
	k->df = 0;
	k->has_inner = 0;
	k->mtu = 0;
	k->icode = 0;
	if (k->v6) {
		k->proto = P_ICMP6;
		k->itype = rng_below(r, 10) == 0 ? 129 : 128;
		k->icmp_id = (uint16_t)rng_u64(r);
		k->icmp_seq = (uint16_t)rng_range(r, 1, 8);
		k->ip_len = 104; /* 40 + 8 + ping6's 56 bytes */
		return;
	}
	k->proto = P_ICMP;
	uint32_t u = rng_below(r, 100);
	if (u < 75) { /* echo request: zmap's bare 8-byte probe or a 56-byte ping */
		k->itype = 8;
		if (s->tool == TOOL_ZMAP || s->tool == TOOL_MASSCAN) {
			k->ip_len = 28;
			k->icmp_id = (uint16_t)rng_u64(r);
			k->icmp_seq = 0;
		} else {
			k->ip_len = 84;
			k->icmp_id = (uint16_t)(s->spt ^ 0x5a5a);
			k->icmp_seq = (uint16_t)rng_range(r, 1, 12);
		}
	} else if (u < 83) {
		k->itype = 0;
		k->ip_len = 84;
		k->icmp_id = (uint16_t)rng_u64(r);
		k->icmp_seq = (uint16_t)rng_range(r, 1, 400);
	} else if (u < 97) {
		/* An error about a datagram our host sent (a DNS/NTP reply, a SYN-ACK): the kernel
		 * dumps the quoted header in brackets. Routers quote 8 bytes past the IP header,
		 * Linux quotes everything; a quoted TCP header cut at 8 bytes is "INCOMPLETE". */
		static const uint8_t unreach_codes[] = {3, 3, 3, 3, 3, 3, 1, 1, 13, 10, 4, 0};
		k->itype = u < 93 ? 3 : 11;
		k->icode = k->itype == 3 ? unreach_codes[rng_below(r, sizeof(unreach_codes))]
					 : (uint8_t)(rng_below(r, 8) == 0);
		k->mtu = k->itype == 3 && k->icode == 4;
		k->has_inner = 1;
		struct inner *in = &k->in;
		in->src = k->dst4;
		in->dst = rng_below(r, 3) == 0 ? random_public_v4(r) : k->src4;
		in->ttl = (uint8_t)rng_range(r, 40, 63);
		in->id = (uint16_t)rng_u64(r);
		unsigned quoted;
		if (rng_below(r, 3) != 0) {
			static const uint16_t svc[] = {53, 123, 53, 161, 443};
			in->proto = P_UDP;
			in->spt = svc[rng_below(r, 5)];
			in->dpt = (uint16_t)rng_range(r, 1024, 65535);
			in->udp_len = (uint16_t)rng_range(r, 40, 480);
			in->len = (uint16_t)(in->udp_len + 20);
			in->truncated = 0;
			quoted = 8;
		} else {
			in->proto = P_TCP;
			in->spt = rng_below(r, 2) ? 443 : 80;
			in->dpt = (uint16_t)rng_range(r, 1024, 65535);
			in->win = 65160;
			in->flags = TF_SYN | TF_ACK;
			in->len = 60;
			in->truncated = rng_below(r, 2) == 0;
			quoted = in->truncated ? 8 : 40;
		}
		k->ip_len = (uint16_t)(20 + 8 + 20 + quoted);
	} else {
		k->itype = 13;
		k->ip_len = 40;
	}
}

/* Backscatter and stray segments: RSTs and SYN-ACKs from spoofed floods against others, late
 * ACK/FINs of connections conntrack already forgot. */
static void make_tcp_other(struct gen *g, struct pkt *k, const struct source *s)
{
	struct rng *r = &g->r;
	static const uint16_t svc[] = {80, 443, 25, 53, 22, 8080};
	k->proto = P_TCP;
	k->opt = OPT_NONE;
	k->ip_id = (uint16_t)rng_u64(r);
	k->ip_len = (uint16_t)(k->v6 ? 60 : 40);
	ttl_for(r, k, s);
	uint32_t u = rng_below(r, 100);
	k->df = u < 60;
	if (u < 40) {
		k->flags = u < 25 ? (TF_ACK | TF_RST) : TF_RST;
		k->win = 0;
		k->spt = svc[rng_below(r, 6)];
		k->dpt = (uint16_t)rng_range(r, 1024, 65535);
	} else if (u < 70) {
		k->flags = TF_SYN | TF_ACK;
		k->win = rng_below(r, 2) ? 65535 : 29200;
		k->spt = svc[rng_below(r, 6)];
		k->dpt = (uint16_t)rng_range(r, 1024, 65535);
		k->ip_len = (uint16_t)(k->ip_len + 4);
	} else {
		k->flags = u < 85 ? TF_ACK : u < 95 ? (TF_ACK | TF_FIN) : (TF_ACK | TF_PSH | TF_FIN);
		k->win = (uint16_t)rng_range(r, 200, 4000);
		k->spt = (uint16_t)rng_range(r, 1024, 65535);
		k->dpt = svc[rng_below(r, 3)];
		k->ip_len = (uint16_t)(k->ip_len + 12);
	}
}

/* Home-LAN chatter the router drops on eth1: SSDP, mDNS, LLMNR, NetBIOS broadcasts, IGMP. */
static uint32_t make_lan(struct gen *g, struct pkt *k, uint8_t mac_buf[14])
{
	struct rng *r = &g->r;
	uint32_t dev = rng_below(r, g->m.n_lan);
	const struct source *s = &g->m.src[dev];
	k->host = HOST_GW;
	k->pfx = PFX_DROP;
	k->in_if = IF_ETH1;
	k->out_if = IF_NONE;
	k->v6 = 0;
	k->src4 = s->v4;
	k->tos = 0;
	k->prec = 0;
	k->ip_id = (uint16_t)rng_u64(r);
	k->df = 1;
	k->proto = P_UDP;
	uint32_t u = rng_below(r, 100);
	uint32_t group;
	if (u < 35) {
		group = 0xeffffffau; /* 239.255.255.250 */
		k->spt = (uint16_t)rng_range(r, 32768, 60999);
		k->dpt = 1900;
		k->udp_len = (uint16_t)rng_range(r, 280, 420);
		k->ttl = 4;
	} else if (u < 60) {
		group = 0xe00000fbu; /* 224.0.0.251 */
		k->spt = 5353;
		k->dpt = 5353;
		k->udp_len = (uint16_t)rng_range(r, 40, 360);
		k->ttl = 255;
	} else if (u < 72) {
		group = 0xe00000fcu; /* 224.0.0.252 */
		k->spt = (uint16_t)rng_range(r, 49152, 65535);
		k->dpt = 5355;
		k->udp_len = 38;
		k->ttl = 1;
	} else if (u < 90) {
		group = lan_net_v4 | 255u;
		k->spt = rng_below(r, 2) ? 137 : 138;
		k->dpt = k->spt;
		k->udp_len = k->spt == 137 ? 58 : (uint16_t)rng_range(r, 180, 230);
		k->ttl = 128;
		k->df = 0;
	} else {
		group = 0xe0000016u; /* 224.0.0.22, IGMPv3 report */
		k->proto = P_IGMP;
		k->ttl = 1;
		k->prec = 0xc0;
		k->ip_len = 40;
		k->ip_id = 0;
	}
	k->dst4 = group;
	if (k->proto == P_UDP)
		k->ip_len = (uint16_t)(k->udp_len + 20);
	/* Ethernet destination: broadcast, or the multicast MAC 01:00:5e + low 23 group bits. */
	if ((group & 255u) == 255u && (group >> 28) != 0xe) {
		memset(mac_buf, 0xff, 6);
	} else {
		mac_buf[0] = 0x01;
		mac_buf[1] = 0x00;
		mac_buf[2] = 0x5e;
		mac_buf[3] = (uint8_t)((group >> 16) & 0x7f);
		mac_buf[4] = (uint8_t)(group >> 8);
		mac_buf[5] = (uint8_t)group;
	}
	static const uint8_t oui[4][3] = {
		{0x3c, 0x22, 0xfb}, {0xb8, 0x27, 0xeb}, {0xf0, 0x18, 0x98}, {0x00, 0x17, 0x88}};
	memcpy(mac_buf + 6, oui[dev % 4], 3);
	mac_buf[9] = (uint8_t)(0x10 + dev);
	mac_buf[10] = (uint8_t)(0x5a ^ dev);
	mac_buf[11] = (uint8_t)(0xc3 + 7 * dev);
	mac_buf[12] = 0x08;
	mac_buf[13] = 0x00;
	k->mac = mac_buf;
	return dev;
}

/* One line of internet background. */
static uint32_t make_background(struct gen *g, struct pkt *k, uint8_t mac_buf[14])
{
	struct rng *r = &g->r;
	if (g->m.n_lan && rng_below(r, 1000) < 5) {
		g->lan_lines++;
		return make_lan(g, k, mac_buf);
	}
	uint32_t id = draw_source(&g->m, r);
	const struct source *s = &g->m.src[id];
	uint32_t proto_u = rng_below(r, 1000);
	int host = rng_below(r, 100) < 60 ? HOST_WEB : HOST_GW;
	int fwd = host == HOST_GW && rng_below(r, 100) < 65;
	uint32_t dst_host = host == HOST_WEB ? rng_below(r, 2) : rng_range(r, 2, 254);
	uint16_t dpt = 0;
	if (proto_u < 860 && rng_below(r, 100) < 92) {
		dpt = s->tool == TOOL_MIRAI ? (rng_below(r, 10) ? 23 : 2323) : draw_tcp_port(r);
		if (host == HOST_WEB && (dpt == 80 || dpt == 443)) { /* open on the VPS */
			host = HOST_GW;
			fwd = 1;
			dst_host = rng_range(r, 2, 254);
		}
	}
	place(g, k, host, s, id, fwd, dst_host);
	draw_tos(r, k);
	if (proto_u < 860) {
		if (dpt) {
			make_syn(g, k, s, dpt);
			if (host == HOST_WEB && dpt == 22 && !k->v6)
				k->pfx = PFX_UFW_LIMIT;
		} else {
			make_tcp_other(g, k, s);
		}
	} else if (proto_u < 960) {
		make_udp(g, k, s);
	} else if (proto_u < 995) {
		make_icmp(g, k, s);
	} else {
		k->proto = k->v6 ? P_ICMP6 : P_GRE;
		if (k->v6) {
			make_icmp(g, k, s);
		} else {
			ttl_for(r, k, s);
			k->ip_id = (uint16_t)rng_u64(r);
			k->df = 1;
			k->ip_len = (uint16_t)rng_range(r, 48, 120);
		}
	}
	return id;
}

/* ------------------------------------------------------------------ scan episodes */

enum { EP_VSCAN_TCP, EP_VSCAN_UDP, EP_FLAGSCAN, EP_SWEEP };

/* A burst from one source merged into the background by time: a vertical scan (many ports of
 * one target within seconds) or a horizontal sweep (one port across the routed /24). */
struct episode {
	int active, kind, host, fwd;
	uint32_t id, dst_host, n, i, stride, offset, base;
	uint16_t dpt, spt;
	uint8_t flags, invalid;
	double gap_us;
	double next_us;
};

static const uint32_t coprime_strides[] = {7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53};

static void episode_start(struct gen *g, struct episode *e, double now_us)
{
	struct rng *r = &g->r;
	uint32_t u = rng_below(r, 100);
	e->kind = u < 50 ? EP_VSCAN_TCP : u < 60 ? EP_VSCAN_UDP : u < 70 ? EP_FLAGSCAN : EP_SWEEP;
	e->id = draw_source(&g->m, r);
	if (e->kind == EP_SWEEP) {
		for (int tries = 0; g->m.src[e->id].is_v6 && tries < 8; tries++)
			e->id = draw_source(&g->m, r);
		if (g->m.src[e->id].is_v6)
			e->id = g->m.n_lan; /* rank 0 is always IPv4 */
	}
	e->i = 0;
	e->stride = coprime_strides[rng_below(r, sizeof(coprime_strides) / sizeof(uint32_t))];
	e->spt = (uint16_t)rng_range(r, 33000, 65000);
	e->invalid = 0;
	e->flags = TF_SYN;
	if (e->kind == EP_SWEEP) {
		e->host = HOST_GW;
		e->fwd = 1;
		e->n = 254;
		e->base = 1;
		e->dpt = sweep_ports[rng_below(r, sizeof(sweep_ports) / sizeof(sweep_ports[0]))];
		e->gap_us = rng_range(r, 200, 4000);
	} else {
		e->host = rng_below(r, 100) < 60 ? HOST_WEB : HOST_GW;
		e->fwd = e->host == HOST_GW && rng_below(r, 2);
		e->dst_host = e->host == HOST_WEB ? rng_below(r, 2) : rng_range(r, 2, 254);
		e->n = e->kind == EP_VSCAN_TCP ? 1000 : e->kind == EP_VSCAN_UDP ? 300 : 150;
		e->base = rng_below(r, 2) ? 1 : rng_range(r, 1024, 60000);
		e->gap_us = rng_range(r, 300, 5000);
		if (e->kind == EP_FLAGSCAN) {
			static const uint8_t fl[] = {TF_FIN, 0, TF_URG | TF_PSH | TF_FIN, TF_ACK};
			e->flags = fl[rng_below(r, 4)];
			e->invalid = 1;
		}
	}
	e->offset = rng_below(r, e->n);
	e->next_us = now_us;
	e->active = 1;
}

static uint32_t episode_line(struct gen *g, struct episode *e, struct pkt *k)
{
	struct rng *r = &g->r;
	const struct source *s = &g->m.src[e->id];
	uint32_t idx = (uint32_t)(((uint64_t)e->i * e->stride + e->offset) % e->n);
	uint32_t dst_host = e->kind == EP_SWEEP ? e->base + idx : e->dst_host;
	place(g, k, e->host, s, e->id, e->fwd, dst_host);
	k->tos = 0;
	k->prec = 0;
	if (e->kind == EP_VSCAN_UDP) {
		make_udp(g, k, s);
		k->dpt = (uint16_t)(e->base + idx);
		k->spt = e->spt;
		k->udp_len = 8; /* nmap's empty probe */
		k->ip_len = (uint16_t)((k->v6 ? 40 : 20) + 8);
	} else {
		uint16_t dpt = e->kind == EP_SWEEP ? e->dpt : (uint16_t)(e->base + idx);
		make_syn(g, k, s, dpt);
		if (e->kind != EP_SWEEP && s->tool != TOOL_ZMAP)
			k->spt = e->spt; /* one raw socket, one source port for the whole scan */
		k->flags = e->flags;
		if (e->invalid && k->host == HOST_GW)
			k->pfx = PFX_DROP_INVALID;
		if (e->flags != TF_SYN) {
			k->opt = OPT_NONE;
			k->df = 0;
			k->ip_len = (uint16_t)(k->v6 ? 60 : 40);
		}
	}
	e->i++;
	if (e->i >= e->n)
		e->active = 0;
	e->next_us += rng_exp(r, e->gap_us);
	return e->id;
}

/* ------------------------------------------------------------------ options */

struct options {
	uint64_t lines, bytes, seed;
	uint32_t sources;
	double days;
	int64_t start_sec;
	int64_t year; /* 0: keep --start's */
	int stats;
};

static int parse_u64_sfx(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	if (!s || !*s || *s == '-')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	uint64_t mul = 1;
	if (*end == 'k' || *end == 'K')
		mul = 1000, end++;
	else if (*end == 'M')
		mul = 1000000, end++;
	else if (*end == 'G')
		mul = 1000000000, end++;
	if (*end != '\0' || (mul > 1 && v > UINT64_MAX / mul))
		return -1;
	*out = (uint64_t)v * mul;
	return 0;
}

static int parse_fixed(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "YYYY-MM-DD", optionally followed by " HH:MM:SS" or "THH:MM:SS". */
static int parse_start(const char *s, int64_t *sec)
{
	int y, mo, d, hh = 0, mi = 0, ss = 0;
	size_t n = strlen(s);
	if (n < 10 || parse_fixed(s, 4, &y) || s[4] != '-' || parse_fixed(s + 5, 2, &mo) ||
	    s[7] != '-' || parse_fixed(s + 8, 2, &d))
		return -1;
	if (n > 10) {
		if (n != 19 || (s[10] != ' ' && s[10] != 'T') || parse_fixed(s + 11, 2, &hh) ||
		    s[13] != ':' || parse_fixed(s + 14, 2, &mi) || s[16] != ':' ||
		    parse_fixed(s + 17, 2, &ss))
			return -1;
	}
	if (y < 1970 || y > 9000 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) ||
	    hh > 23 || mi > 59 || ss > 59)
		return -1;
	*sec = days_from_date(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss;
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: gen_netfilter [--lines N] [--bytes N] [--sources N] [--seed S]\n"
	      "                     [--start YYYY-MM-DD[ HH:MM:SS]] [--year-start Y] [--days D]\n"
	      "                     [--stats]\n"
	      "Writes synthetic netfilter syslog lines (ufw and iptables, ~3% IPv6) to stdout.\n"
	      "  --lines N     number of lines (default 1M; k/M/G suffixes)\n"
	      "  --bytes N     stop after the line that reaches N bytes (with --lines:\n"
	      "                whichever limit comes first)\n"
	      "  --sources N   distinct source addresses in the population (default 50k)\n"
	      "  --seed S      PRNG seed (default 1); same options, same bytes\n"
	      "  --start D     first timestamp (default 2024-03-01 00:00:00)\n"
	      "  --year-start Y  override the year of --start\n"
	      "  --days D      time span the lines cover (default 28)\n"
	      "  --stats       print counts (lines, bytes, distinct sources, ...) to stderr\n",
	      f);
}

static int parse_args(int argc, char **argv, struct options *o)
{
	o->lines = 1000000;
	o->bytes = UINT64_MAX; /* no limit */
	o->seed = 1;
	o->sources = 50000;
	o->days = 28.0;
	o->year = 0;
	o->stats = 0;
	if (parse_start("2024-03-01", &o->start_sec))
		return -1;
	int lines_given = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = NULL;
		const char *eq = strchr(a, '=');
		char name[32];
		size_t nl = eq ? (size_t)(eq - a) : strlen(a);
		if (nl >= sizeof(name)) {
			fprintf(stderr, "gen_netfilter: unknown option %s\n", a);
			return -1;
		}
		memcpy(name, a, nl);
		name[nl] = '\0';
		if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
			usage(stdout);
			exit(0);
		}
		if (!strcmp(name, "--stats")) {
			o->stats = 1;
			continue;
		}
		static const char *const valued[] = {"--lines", "--bytes", "--seed", "--sources",
						     "--start", "--year-start", "--days"};
		int known = 0;
		for (size_t j = 0; j < sizeof(valued) / sizeof(valued[0]); j++)
			known |= !strcmp(name, valued[j]);
		if (!known) {
			fprintf(stderr, "gen_netfilter: unknown option %s\n", name);
			return -1;
		}
		if (eq)
			v = eq + 1;
		else if (i + 1 < argc)
			v = argv[++i];
		if (!v) {
			fprintf(stderr, "gen_netfilter: %s needs a value\n", name);
			return -1;
		}
		uint64_t n = 0;
		int bad = 0;
		if (!strcmp(name, "--lines")) {
			bad = parse_u64_sfx(v, &o->lines);
			lines_given = 1;
		} else if (!strcmp(name, "--bytes")) {
			bad = parse_u64_sfx(v, &o->bytes);
		} else if (!strcmp(name, "--seed")) {
			bad = parse_u64_sfx(v, &o->seed);
		} else if (!strcmp(name, "--sources")) {
			bad = parse_u64_sfx(v, &n) || n < 1 || n > 100000000;
			o->sources = (uint32_t)n;
		} else if (!strcmp(name, "--start")) {
			bad = parse_start(v, &o->start_sec);
		} else if (!strcmp(name, "--year-start")) {
			bad = parse_u64_sfx(v, &n) || n < 1970 || n > 9000;
			o->year = (int64_t)n;
		} else if (!strcmp(name, "--days")) {
			char *end;
			o->days = strtod(v, &end);
			bad = *end != '\0' || !(o->days > 0.0 && o->days < 36500.0);
		}
		if (bad) {
			fprintf(stderr, "gen_netfilter: bad value for %s: %s\n", name, v);
			return -1;
		}
	}
	if (o->bytes != UINT64_MAX && !lines_given)
		o->lines = UINT64_MAX; /* --bytes alone: the byte count decides */
	if (o->year) {
		int64_t y;
		int m, d;
		int64_t day = o->start_sec / 86400;
		date_from_days(day, &y, &m, &d);
		if (m == 2 && d == 29 && !is_leap(o->year))
			d = 28;
		o->start_sec = days_from_date(o->year, m, d) * 86400 + o->start_sec % 86400;
	}
	return 0;
}

/* ------------------------------------------------------------------ main loop */

int main(int argc, char **argv)
{
	struct options opt;
	if (parse_args(argc, argv, &opt)) {
		usage(stderr);
		return 2;
	}
	fmt_tables_init();
	if (slot_table_init(&tcp_slots, tcp_ports, NTCP) || slot_table_init(&udp_slots, udp_ports, NUDP))
		return 1;

	struct gen g;
	memset(&g, 0, sizeof(g));
	if (model_init(&g.m, opt.sources, opt.seed)) {
		fputs("gen_netfilter: out of memory\n", stderr);
		return 1;
	}
	g.r.s = mix64(opt.seed ^ 0x1f83d9abfb41bd6bULL);
	g.clock.day = -1;

	/* The mean line length is ~265 bytes; it sets the time span when only --bytes is given. */
	double est_lines = (double)opt.lines;
	if ((double)opt.bytes / 265.0 < est_lines)
		est_lines = (double)opt.bytes / 265.0;
	if (est_lines < 1.0)
		est_lines = 1.0;
	const double episode_share = 0.12, episode_mean_len = 620.0;
	double start_us = (double)opt.start_sec * 1e6;
	double bg_dt = opt.days * 86400e6 / (est_lines * (1.0 - episode_share));
	double gap_mean = episode_mean_len * (1.0 - episode_share) / episode_share;
	for (int h = 0; h < HOST_COUNT; h++) /* booted 2..40 days before the first line */
		hosts[h].boot_us = (int64_t)start_us -
				   (int64_t)(2 + mix64(opt.seed + 77u * (unsigned)h) % 38) * 86400000000LL -
				   (int64_t)(mix64(opt.seed ^ (unsigned)h) % 86400000000ULL);

	uint64_t *seen = calloc((opt.sources + 63) / 64, sizeof(uint64_t));
	struct out o = {malloc(OUT_CAP), 0, 0};
	if (!seen || !o.buf) {
		fputs("gen_netfilter: out of memory\n", stderr);
		return 1;
	}
	uint64_t distinct = 0;
	struct episode ep = {0};
	double bg_next = start_us;
	double bg_until_episode = rng_exp(&g.r, gap_mean);
	uint8_t mac_buf[14];

	for (;;) {
		if (g.lines >= opt.lines || o.total + o.len >= opt.bytes)
			break;
		struct pkt k;
		double t;
		uint32_t id;
		if (ep.active && ep.next_us <= bg_next) {
			t = ep.next_us;
			id = episode_line(&g, &ep, &k);
			g.episode_lines++;
		} else {
			t = bg_next;
			id = make_background(&g, &k, mac_buf);
			bg_next += rng_exp(&g.r, bg_dt);
			if (!ep.active && --bg_until_episode <= 0) {
				episode_start(&g, &ep, bg_next);
				bg_until_episode = rng_exp(&g.r, gap_mean);
			}
		}
		if (!(seen[id >> 6] & (1ULL << (id & 63)))) {
			seen[id >> 6] |= 1ULL << (id & 63);
			distinct++;
		}
		if (k.v6)
			g.v6_lines++;
		int64_t t_us = (int64_t)t;
		int64_t sec = t_us / 1000000;
		if (sec != g.clock.sec || g.clock.day < 0)
			clock_set(&g.clock, sec);
		char *end = render(o.buf + o.len, &g.clock, t_us, &k);
		o.len = (size_t)(end - o.buf);
		g.lines++;
		if (o.len > OUT_CAP - LINE_MAX_BYTES) {
			o.total += o.len;
			if (out_flush(&o)) {
				if (errno == EPIPE)
					return 0;
				perror("gen_netfilter: write");
				return 1;
			}
		}
	}
	o.total += o.len;
	if (out_flush(&o)) {
		if (errno == EPIPE)
			return 0;
		perror("gen_netfilter: write");
		return 1;
	}
	if (opt.stats)
		fprintf(stderr,
			"lines=%llu\nbytes=%llu\nsources=%u\nsources_seen=%llu\nv6_lines=%llu\n"
			"episode_lines=%llu\nlan_lines=%llu\n",
			(unsigned long long)g.lines, (unsigned long long)o.total, opt.sources,
			(unsigned long long)distinct, (unsigned long long)g.v6_lines,
			(unsigned long long)g.episode_lines, (unsigned long long)g.lan_lines);
	free(seen);
	free(o.buf);
	free(g.m.src);
	free(tcp_slots.slot);
	free(udp_slots.slot);
	return 0;
}
