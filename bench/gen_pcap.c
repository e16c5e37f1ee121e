/* gen_pcap: deterministic generator of a packet capture, as a tap on the uplink of a small
 * internet-facing network records it; classic pcap (pcap-savefile(5)), LINKTYPE_ETHERNET,
 * microsecond stamps, for bench/run_pcap.sh. The traffic model is described in README.md. */

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------ random numbers */

/* A counter hashed by a 64-bit finaliser (the splitmix64 construction): one word of state, and
 * the output depends only on the seed, never on the clock or the platform's rand(). */
struct rnd {
	uint64_t ctr;
};

static uint64_t fmix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static uint64_t rnd_next(struct rnd *r)
{
	r->ctr += 0x9e3779b97f4a7c15ULL;
	return fmix64(r->ctr);
}

static uint32_t rnd_below(struct rnd *r, uint32_t n) /* 0 .. n-1 */
{
	return (uint32_t)(((rnd_next(r) >> 32) * (uint64_t)n) >> 32);
}

static uint32_t rnd_in(struct rnd *r, uint32_t lo, uint32_t hi) /* lo .. hi inclusive */
{
	return lo + rnd_below(r, hi - lo + 1);
}

static double rnd_unit(struct rnd *r) /* [0, 1) */
{
	return (double)(rnd_next(r) >> 11) / 9007199254740992.0;
}

static int rnd_pct(struct rnd *r, double pct)
{
	return rnd_unit(r) * 100.0 < pct;
}

static double rnd_expo(struct rnd *r, double mean)
{
	return -log1p(-rnd_unit(r)) * mean;
}

/* Log-uniform in [lo, hi]: small values common, large ones rare, as sizes and delays are. */
static double rnd_logu(struct rnd *r, double lo, double hi)
{
	return lo * exp(rnd_unit(r) * log(hi / lo));
}

/* A per-object attribute (a source's tool, its hop count) without storing anything per object:
 * a hash of the seed, the object and what is asked. */
static uint64_t attr(uint64_t seed, uint64_t id, uint64_t what)
{
	return fmix64(seed * 0x9e3779b97f4a7c15ULL ^ fmix64(id * 0xd6e8feb86659fd93ULL + what));
}

/* A bijection of 32-bit words (xor-shifts and odd multipliers are each invertible), so distinct
 * inputs give distinct addresses. */
static uint32_t perm32(uint32_t x, uint32_t key)
{
	x ^= key;
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

/* ------------------------------------------------------------------ addresses */

struct addr {
	uint8_t v6;
	uint8_t b[16]; /* IPv4 in b[0..3] */
};

static struct addr v4(uint32_t a)
{
	struct addr r = {0};
	r.b[0] = (uint8_t)(a >> 24);
	r.b[1] = (uint8_t)(a >> 16);
	r.b[2] = (uint8_t)(a >> 8);
	r.b[3] = (uint8_t)a;
	return r;
}

/* Our network: 198.51.100.0/24 and 2001:db8:1f0a::/64 (documentation ranges, RFC 5737 and
 * RFC 3849). Host numbers are the last octet / the last 16 bits. */
#define NET4 0xc6336400U /* 198.51.100.0 */
enum host { H_GW = 1, H_WEB = 10, H_MAIL = 20, H_DNS = 53 };

static struct addr our4(unsigned host)
{
	return v4(NET4 | host);
}

static struct addr our6(unsigned host)
{
	struct addr r = {0};
	static const uint8_t pfx[8] = {0x20, 0x01, 0x0d, 0xb8, 0x1f, 0x0a, 0, 0};
	r.v6 = 1;
	memcpy(r.b, pfx, 8);
	r.b[14] = (uint8_t)(host >> 8);
	r.b[15] = (uint8_t)host;
	return r;
}

static unsigned host_of(const struct addr *a)
{
	return a->v6 ? (unsigned)(a->b[14] << 8 | a->b[15]) : a->b[3];
}

/* Addresses seen on the internet side: not private, shared, loopback, link-local, multicast or
 * reserved, no documentation or benchmarking range, none of the US DoD /8s (allocated, but
 * nearly silent on the internet), no .0 or .255. */
static int public_v4(uint32_t a)
{
	static const uint8_t dod[] = {6, 7, 11, 21, 22, 26, 28, 29, 30, 33, 55, 214, 215};
	uint8_t o1 = (uint8_t)(a >> 24), o2 = (uint8_t)(a >> 16), o3 = (uint8_t)(a >> 8);
	uint8_t o4 = (uint8_t)a;
	if (o1 == 0 || o1 == 10 || o1 == 127 || o1 >= 224 || memchr(dod, o1, sizeof(dod)))
		return 0;
	if (o1 == 100 && (o2 & 0xc0) == 64)
		return 0;
	if ((o1 == 169 && o2 == 254) || (o1 == 172 && (o2 & 0xf0) == 16) || (o1 == 192 && o2 == 168))
		return 0;
	if (o1 == 192 && o2 == 0 && (o3 == 0 || o3 == 2))
		return 0;
	if ((o1 == 198 && (o2 == 18 || o2 == 19)) || (o1 == 198 && o2 == 51 && o3 == 100) ||
	    (o1 == 203 && o2 == 0 && o3 == 113))
		return 0;
	return o4 != 0 && o4 != 255;
}

/* Address number n (distinct n, distinct addresses): the first public one among
 * perm32(16 n + j), j = 0..15; perm32 is a bijection, so no two (n, j) meet. */
static uint32_t public_addr(uint32_t n, uint32_t key)
{
	uint32_t a = 0;
	for (uint32_t j = 0; j < 16; j++) {
		a = perm32(n * 16 + j, key);
		if (public_v4(a))
			return a;
	}
	return 0x08080000U | (a & 0xfffe) | 1; /* 16 misses: ~1e-13, still public */
}

/* Prefixes of real IPv6 allocations (hosting and access providers); the low 32 bits are a
 * bijection of the source number, so sources stay distinct. */
static const uint16_t v6_prefixes[][3] = {
	{0x2001, 0x41d0, 0x0203}, {0x2a01, 0x04f8, 0x0c17}, {0x2604, 0xa880, 0x0400},
	{0x2400, 0x8901, 0x0000}, {0x2a03, 0xb0c0, 0x0003}, {0x240e, 0x0390, 0x0e1a},
	{0x2804, 0x14c, 0x0101},  {0x2a0e, 0x97c0, 0x03e0}, {0x2001, 0x0470, 0x0001},
	{0x2600, 0x3c00, 0x0000},
};

/* ------------------------------------------------------------------ packets to write */

enum kind { K_TCP, K_UDP, K_ICMP, K_ARP, K_STP };

enum pay { P_NONE, P_RAND, P_TEXT, P_DNS_Q, P_DNS_R, P_PING };

/* TCP option sets, by the stack that sends them. */
enum opts { O_NONE, O_MSS, O_LINUX_SYN, O_WIN_SYN, O_SYNACK, O_TS };

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

/* One frame, as scheduled: the heap orders them by time, then by the order they were
 * scheduled in, so equal stamps keep a deterministic order. */
struct pk {
	uint64_t t; /* microseconds since the start */
	uint64_t order;
	uint8_t kind, inbound, flags, opts, ttl, tos, df, pay;
	uint8_t icmp_type, icmp_code;
	uint16_t ip_id, sport, dport, window, plen;
	uint32_t seq, ack, tsval, tsecr, pay_arg;
	struct addr src, dst;
	/* ICMP errors: the packet they quote (its source is dst above). */
	struct addr in_dst;
	uint8_t in_proto, in_ttl;
	uint16_t in_id, in_len, in_sport, in_dport;
	uint32_t in_seq;
};

struct heap {
	struct pk *a;
	size_t n, cap;
	uint64_t order;
};

static int pk_before(const struct pk *x, const struct pk *y)
{
	return x->t < y->t || (x->t == y->t && x->order < y->order);
}

static void heap_push(struct heap *h, struct pk p)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 4096;
		struct pk *a = realloc(h->a, cap * sizeof(*a));
		if (!a) {
			fprintf(stderr, "gen_pcap: out of memory\n");
			exit(1);
		}
		h->a = a;
		h->cap = cap;
	}
	p.order = h->order++;
	size_t i = h->n++;
	while (i > 0) {
		size_t up = (i - 1) / 2;
		if (!pk_before(&p, &h->a[up]))
			break;
		h->a[i] = h->a[up];
		i = up;
	}
	h->a[i] = p;
}

static struct pk heap_pop(struct heap *h)
{
	struct pk top = h->a[0];
	struct pk last = h->a[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && pk_before(&h->a[c + 1], &h->a[c]))
			c++;
		if (!pk_before(&h->a[c], &last))
			break;
		h->a[i] = h->a[c];
		i = c;
	}
	if (h->n)
		h->a[i] = last;
	return top;
}

/* ------------------------------------------------------------------ the generator's state */

struct counts {
	uint64_t packets, bytes, ipv4, ipv6, non_ip, tcp, udp, icmp;
	uint64_t syn, synack, rst, data_segments;
	uint64_t bg_probes, scans, sessions, dns, backscatter, sources_seen;
};

struct gen {
	struct rnd r;
	uint64_t seed;
	uint32_t n_sources, n_clients;
	double ln_sources;
	uint8_t *seen; /* a bit per source */
	struct heap h;
	struct counts c;
	uint8_t rand_pool[65536]; /* payload bytes that look encrypted */
};

/* Senders and what their SYNs look like. */
enum tool { T_ZMAP, T_MASSCAN, T_NMAP, T_LINUX, T_WINDOWS, T_MIRAI };

static enum tool tool_of(const struct gen *g, uint32_t src)
{
	unsigned v = (unsigned)(attr(g->seed, src, 1) % 100);
	if (v < 30)
		return T_ZMAP;
	if (v < 55)
		return T_MASSCAN;
	if (v < 65)
		return T_NMAP;
	if (v < 85)
		return T_LINUX;
	if (v < 95)
		return T_WINDOWS;
	return T_MIRAI;
}

/* Scanner number id (0-based) to its address: a quarter of the groups of eight consecutive
 * numbers share a /24 (hosting ranges dominate real scan sources); 3% of the numbers above 100
 * are IPv6. */
static struct addr source_addr(const struct gen *g, uint32_t id)
{
	uint32_t key = (uint32_t)g->seed * 0x2545f491U + 7;
	if (id >= 100 && attr(g->seed, id, 2) % 100 < 3) {
		struct addr a = {0};
		const uint16_t *p = v6_prefixes[attr(g->seed, id, 3) % 10];
		a.v6 = 1;
		for (int k = 0; k < 3; k++) {
			a.b[2 * k] = (uint8_t)(p[k] >> 8);
			a.b[2 * k + 1] = (uint8_t)p[k];
		}
		uint32_t low = perm32(id, key ^ 0x6a09e667U);
		a.b[12] = (uint8_t)(low >> 24);
		a.b[13] = (uint8_t)(low >> 16);
		a.b[14] = (uint8_t)(low >> 8);
		a.b[15] = (uint8_t)low;
		return a;
	}
	uint32_t grp = id / 8;
	if (attr(g->seed, grp, 4) % 4 == 0) {
		uint32_t base = public_addr(0x4000000U + grp, key) & 0xffffff00U;
		return v4(base | (12 + (id % 8) * 29 + (uint32_t)(attr(g->seed, grp, 5) % 20)));
	}
	return v4(public_addr(id, key));
}

/* Legitimate clients, backscatter victims and servers we connect to: other address numbers. */
static struct addr other_addr(const struct gen *g, uint32_t space, uint32_t id)
{
	uint32_t key = (uint32_t)g->seed * 0x2545f491U + 7;
	return v4(public_addr(0x5000000U + space * 0x1000000U + id, key));
}

/* A source number with P(rank k) ~ 1/k (85%) or uniform (15%, the one-shot scanners). */
static uint32_t pick_source(struct gen *g)
{
	uint32_t id;
	if (rnd_pct(&g->r, 85)) {
		double k = exp(rnd_unit(&g->r) * g->ln_sources) - 1.0;
		id = (uint32_t)k;
		if (id >= g->n_sources)
			id = g->n_sources - 1;
	} else {
		id = rnd_below(&g->r, g->n_sources);
	}
	if (!(g->seen[id / 8] & (1u << (id % 8)))) {
		g->seen[id / 8] |= (uint8_t)(1u << (id % 8));
		g->c.sources_seen++;
	}
	return id;
}

/* Round-trip time between the tap and a remote address, fixed per address: 8-300 ms. */
static uint64_t rtt_us(const struct gen *g, const struct addr *a)
{
	uint64_t k = 0;
	for (int i = 0; i < 16; i++)
		k = k * 131 + a->b[i];
	uint64_t h = attr(g->seed, k, a->v6 ? 7 : 6);
	return 8000 + h % 292000;
}

/* Our hosts sit ~0.1-0.4 ms behind the tap. */
static uint64_t local_us(struct gen *g)
{
	return rnd_in(&g->r, 80, 400);
}

/* ------------------------------------------------------------------ what our hosts answer */

enum answer { A_OPEN, A_CLOSED, A_FILTERED, A_DARK };

static enum answer policy(const struct addr *dst, uint8_t proto, uint16_t port)
{
	unsigned h = host_of(dst);
	if (dst->v6 && h == H_DNS)
		return A_DARK; /* no IPv6 name server */
	switch (h) {
	case H_GW:
		return A_CLOSED; /* the router answers everything: RST, port unreachable */
	case H_WEB:
		if (proto == 6 && (port == 22 || port == 80 || port == 443))
			return A_OPEN;
		return A_FILTERED;
	case H_MAIL:
		if (proto == 6 && (port == 22 || port == 25 || port == 465 || port == 587 ||
				   port == 993))
			return A_OPEN;
		return A_CLOSED;
	case H_DNS:
		if (port == 53 || (proto == 6 && port == 22))
			return A_OPEN;
		return A_CLOSED;
	default:
		return A_DARK;
	}
}

/* ------------------------------------------------------------------ packet templates */

static struct pk tcp_pk(uint64_t t, const struct addr *src, const struct addr *dst, uint16_t sp,
			uint16_t dp, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win)
{
	struct pk p = {0};
	p.t = t;
	p.kind = K_TCP;
	p.src = *src;
	p.dst = *dst;
	p.sport = sp;
	p.dport = dp;
	p.flags = flags;
	p.seq = seq;
	p.ack = ack;
	p.window = win;
	p.ttl = 64;
	return p;
}

/* Inbound = addressed to our network (the other direction is ours going out). */
static int is_ours(const struct addr *a)
{
	static const uint8_t p6[6] = {0x20, 0x01, 0x0d, 0xb8, 0x1f, 0x0a};
	if (a->v6)
		return memcmp(a->b, p6, 6) == 0;
	return (((uint32_t)a->b[0] << 24 | a->b[1] << 16 | a->b[2] << 8) == NET4);
}

static void push(struct gen *g, struct pk p)
{
	if (p.kind != K_ARP && p.kind != K_STP)
		p.inbound = (uint8_t)is_ours(&p.dst);
	heap_push(&g->h, p);
}

static struct pk udp_pk(uint64_t t, const struct addr *src, const struct addr *dst, uint16_t sp,
			uint16_t dp, uint8_t pay, uint16_t plen, uint32_t pay_arg)
{
	struct pk p = {0};
	p.t = t;
	p.kind = K_UDP;
	p.src = *src;
	p.dst = *dst;
	p.sport = sp;
	p.dport = dp;
	p.pay = pay;
	p.plen = plen;
	p.pay_arg = pay_arg;
	p.ttl = 64;
	return p;
}

static struct pk icmp_pk(uint64_t t, const struct addr *src, const struct addr *dst,
			 uint8_t type, uint8_t code)
{
	struct pk p = {0};
	p.t = t;
	p.kind = K_ICMP;
	p.src = *src;
	p.dst = *dst;
	p.icmp_type = type;
	p.icmp_code = code;
	p.ttl = 64;
	return p;
}

/* An ICMP error from `from` about packet q (which it quotes: IP header + 8 bytes). */
static void push_icmp_error(struct gen *g, uint64_t t, const struct addr *from, const struct pk *q,
			    uint8_t type, uint8_t code)
{
	struct pk e = icmp_pk(t, from, &q->src, type, code);
	if (q->src.v6 || from->v6)
		return; /* the model sends ICMPv4 errors only */
	e.in_dst = q->dst;
	e.in_proto = q->kind == K_TCP ? 6 : q->kind == K_UDP ? 17 : 1;
	e.in_ttl = q->ttl;
	e.in_id = q->ip_id;
	e.in_sport = q->sport;
	e.in_dport = q->dport;
	e.in_seq = q->seq;
	unsigned thl = q->kind == K_TCP ? 20 : 8;
	if (q->kind == K_TCP && q->opts == O_MSS)
		thl = 24;
	else if (q->kind == K_TCP && (q->opts == O_LINUX_SYN || q->opts == O_SYNACK))
		thl = 40;
	else if (q->kind == K_TCP && q->opts == O_WIN_SYN)
		thl = 32;
	e.in_len = (uint16_t)(20 + thl + q->plen);
	e.ip_id = 0;
	e.tos = 0xc0; /* the kernel sends its ICMP errors with precedence "internetwork control" */
	push(g, e);
}

/* ------------------------------------------------------------------ ports */

/* TCP ports scanners ask for, with weights (per mille, roughly the shares in real block logs). */
static const uint16_t tcp_ports[][2] = {
	{23, 120}, {22, 90}, {445, 60}, {3389, 50}, {80, 50}, {8080, 40}, {443, 35}, {25, 20},
	{5555, 20}, {1433, 20}, {3306, 18}, {6379, 16}, {2323, 15}, {81, 12}, {8443, 12},
	{5900, 12}, {21, 12}, {7547, 10}, {37215, 10}, {8291, 10}, {8088, 9}, {9200, 9},
	{2375, 8}, {5432, 8}, {8888, 8}, {6443, 7}, {27017, 7}, {11211, 6}, {139, 6}, {135, 6},
	{110, 5}, {143, 5}, {993, 5}, {995, 5}, {587, 5}, {465, 4}, {111, 4}, {53, 4}, {2222, 4},
	{10000, 4}, {8000, 4}, {9090, 4}, {5060, 4}, {1723, 3}, {502, 3}, {102, 3}, {20000, 3},
	{47808, 2}, {1883, 3}, {8883, 2}, {5985, 3}, {5986, 2}, {873, 2}, {2049, 2}, {4443, 2},
	{7001, 2}, {9000, 3}, {50000, 2}, {60001, 2}, {49152, 2}, {8081, 3}, {3128, 3},
	{1080, 3}, {9100, 2}, {515, 1}, {631, 2}, {161, 1}, {179, 1}, {389, 2}, {636, 1},
};

static uint16_t pick_tcp_port(struct gen *g)
{
	static unsigned total;
	if (!total)
		for (size_t i = 0; i < sizeof(tcp_ports) / sizeof(tcp_ports[0]); i++)
			total += tcp_ports[i][1];
	unsigned u = rnd_below(&g->r, 100);
	if (u < 62) {
		unsigned w = rnd_below(&g->r, total);
		for (size_t i = 0; i < sizeof(tcp_ports) / sizeof(tcp_ports[0]); i++) {
			if (w < tcp_ports[i][1])
				return tcp_ports[i][0];
			w -= tcp_ports[i][1];
		}
	}
	if (u < 95)
		return (uint16_t)rnd_in(&g->r, 1024, 65535);
	return (uint16_t)rnd_in(&g->r, 1, 1023);
}

/* Text payloads (requests and banners), written as the protocols define them. */
static const char *const texts[] = {
	"GET / HTTP/1.1\r\nHost: 198.51.100.10\r\nUser-Agent: Mozilla/5.0\r\nAccept: */*\r\n"
	"Accept-Encoding: gzip\r\nConnection: keep-alive\r\n\r\n",
	"HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html; charset=utf-8\r\n"
	"Content-Encoding: gzip\r\nConnection: keep-alive\r\n\r\n",
	"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
	"220 mail.example.net ESMTP Postfix (Debian/GNU)\r\n",
	"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n"
	"ST: ssdp:all\r\n\r\n",
	"OPTIONS sip:100@198.51.100.20 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\r\n"
	"Max-Forwards: 70\r\nTo: <sip:100@198.51.100.20>\r\nFrom: <sip:100@10.0.0.1>;tag=1\r\n"
	"Call-ID: 1\r\nCSeq: 1 OPTIONS\r\nUser-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n",
	"SSH-2.0-Go\r\n",
	"EHLO scanner.example\r\n",
};
enum { TX_HTTP_GET, TX_HTTP_200, TX_SSH_SRV, TX_SMTP_220, TX_SSDP, TX_SIP, TX_SSH_CLI, TX_EHLO };

static uint16_t text_len(unsigned i)
{
	return (uint16_t)strlen(texts[i]);
}

/* Names asked of our name server (zone example.net) and by scanners. */
static const char *const dns_names[] = {
	"www.example.net", "mail.example.net", "example.net", "ns1.example.net", "version.bind",
	"_dmarc.example.net", "autodiscover.example.net",
};
#define N_DNS_NAMES (sizeof(dns_names) / sizeof(dns_names[0]))

static uint16_t dns_len(unsigned name, int response)
{
	uint16_t q = (uint16_t)(12 + strlen(dns_names[name]) + 2 + 4);
	return response ? (uint16_t)(q + 16) : q; /* one A record, name compressed */
}

/* ------------------------------------------------------------------ episodes */

/* The SYN a scanner's tool sends, and what happens after it. */
static struct pk syn_probe(struct gen *g, uint64_t t, uint32_t src_id, const struct addr *src,
			   const struct addr *dst, uint16_t dport, uint16_t sport)
{
	enum tool tool = tool_of(g, src_id);
	unsigned hops = 5 + (unsigned)(attr(g->seed, src_id, 8) % 21);
	struct pk p = tcp_pk(t, src, dst, sport, dport, TCP_SYN, (uint32_t)rnd_next(&g->r), 0, 0);
	p.ip_id = (uint16_t)rnd_next(&g->r);
	switch (tool) {
	case T_ZMAP:
		p.ip_id = 54321;
		p.window = 65535;
		p.ttl = (uint8_t)(255 - hops);
		break;
	case T_MASSCAN:
		p.window = 1024;
		p.ttl = (uint8_t)(255 - hops);
		break;
	case T_NMAP:
		p.window = (uint16_t)(1024 * rnd_in(&g->r, 1, 4));
		p.ttl = (uint8_t)rnd_in(&g->r, 37, 59);
		p.opts = O_MSS;
		break;
	case T_LINUX:
		p.window = 64240;
		p.ttl = (uint8_t)(64 - hops);
		p.df = 1;
		p.opts = O_LINUX_SYN;
		p.tsval = (uint32_t)(attr(g->seed, src_id, 9) + t / 1000);
		break;
	case T_WINDOWS:
		p.window = rnd_pct(&g->r, 50) ? 64240 : 8192;
		p.ttl = (uint8_t)(128 - hops);
		p.df = 1;
		p.opts = O_WIN_SYN;
		break;
	case T_MIRAI:
		/* Mirai's tell: the sequence number is the target address. */
		p.seq = (uint32_t)dst->b[0] << 24 | dst->b[1] << 16 | dst->b[2] << 8 | dst->b[3];
		p.window = (uint16_t)rnd_next(&g->r);
		p.ttl = (uint8_t)(64 - hops);
		break;
	}
	return p;
}

/* Our side's answer to TCP probe q (already pushed), and the prober's reaction: a raw-socket
 * scanner's kernel resets a SYN-ACK it never asked for; a real stack completes the handshake
 * and resets (a connect() scan); an unanswered real stack retransmits once. Returns 1 if
 * anything answered. */
static int answer_tcp(struct gen *g, const struct pk *q, int real_stack, int retransmit)
{
	enum answer a = policy(&q->dst, 6, q->dport);
	uint64_t near = local_us(g), far = rtt_us(g, &q->src);
	int syn = (q->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
	int bare_ack = q->flags == TCP_ACK;
	if (a == A_OPEN && syn) {
		uint32_t iss = (uint32_t)rnd_next(&g->r);
		struct pk sa = tcp_pk(q->t + near, &q->dst, &q->src, q->dport, q->sport,
				      TCP_SYN | TCP_ACK, iss, q->seq + 1, 65160);
		sa.df = 1;
		sa.opts = q->opts == O_NONE ? O_MSS : O_SYNACK;
		sa.tsval = (uint32_t)(attr(g->seed, host_of(&q->dst), 13) + q->t / 1000);
		sa.tsecr = q->tsval;
		push(g, sa);
		if (real_stack) {
			struct pk ack = tcp_pk(sa.t + far, &q->src, &q->dst, q->sport, q->dport,
					       TCP_ACK, q->seq + 1, iss + 1, 502);
			ack.df = 1;
			ack.ttl = q->ttl;
			ack.ip_id = (uint16_t)(q->ip_id + 1);
			push(g, ack);
			struct pk rst = ack;
			rst.t = ack.t + rnd_in(&g->r, 100, 20000);
			rst.flags = TCP_RST | TCP_ACK;
			rst.ip_id = (uint16_t)(q->ip_id + 2);
			push(g, rst);
		} else {
			struct pk rst = tcp_pk(sa.t + far, &q->src, &q->dst, q->sport, q->dport,
					       TCP_RST, q->seq + 1, 0, 0);
			rst.ttl = q->ttl;
			rst.df = 1;
			push(g, rst);
		}
		return 1;
	}
	if ((a == A_CLOSED && !bare_ack) || (bare_ack && (a == A_OPEN || a == A_CLOSED))) {
		/* RFC 9293: a reset for a segment without ACK acknowledges it; one with ACK
		 * takes its sequence number from that ACK. */
		struct pk r;
		if (q->flags & TCP_ACK) {
			r = tcp_pk(q->t + near, &q->dst, &q->src, q->dport, q->sport, TCP_RST, q->ack,
				   0, 0);
		} else {
			uint32_t len = q->plen + ((q->flags & TCP_SYN) ? 1 : 0) +
				       ((q->flags & TCP_FIN) ? 1 : 0);
			r = tcp_pk(q->t + near, &q->dst, &q->src, q->dport, q->sport,
				   TCP_RST | TCP_ACK, 0, q->seq + len, 0);
		}
		r.df = 1;
		push(g, r);
		return 1;
	}
	if (a == A_DARK && !q->dst.v6 && rnd_pct(&g->r, 10)) {
		/* The router gave up resolving the address (three ARP tries, ~3 s). */
		struct addr gw = our4(H_GW);
		push_icmp_error(g, q->t + rnd_in(&g->r, 2900000, 3100000), &gw, q, 3, 1);
		return 1;
	}
	if (real_stack && retransmit && syn) {
		struct pk again = *q;
		again.t = q->t + 1000000 + rnd_in(&g->r, 0, 20000);
		again.ip_id = (uint16_t)(q->ip_id + 1);
		if (again.tsval)
			again.tsval += 1000;
		push(g, again);
		answer_tcp(g, &again, real_stack, 0);
	}
	return 0;
}

/* One SYN from the internet background (answered by our hosts when they listen). */
static void ep_syn(struct gen *g, uint64_t t)
{
	uint32_t id = pick_source(g);
	struct addr src = source_addr(g, id);
	struct addr dst;
	if (src.v6) {
		static const unsigned v6_hosts[] = {H_GW, H_WEB, H_MAIL, H_DNS};
		dst = our6(v6_hosts[rnd_below(&g->r, 4)]);
	} else if (rnd_pct(&g->r, 25)) {
		static const unsigned live[] = {H_GW, H_WEB, H_MAIL, H_DNS};
		dst = our4(live[rnd_below(&g->r, 4)]);
	} else {
		dst = our4(rnd_in(&g->r, 1, 254));
	}
	enum tool tool = tool_of(g, id);
	uint16_t dport;
	if (tool == T_MIRAI)
		dport = rnd_pct(&g->r, 90) ? 23 : 2323;
	else
		dport = pick_tcp_port(g);
	uint16_t sport = tool == T_MASSCAN ? (uint16_t)(40000 + attr(g->seed, id, 10) % 20000)
					   : (uint16_t)rnd_in(&g->r, 32768, 60999);
	struct pk p = syn_probe(g, t, id, &src, &dst, dport, sport);
	push(g, p);
	answer_tcp(g, &p, tool == T_LINUX || tool == T_WINDOWS, 1);
	g->c.bg_probes++;
}

/* UDP probes, with the payload each service's scanners send. */
static void ep_udp(struct gen *g, uint64_t t)
{
	static const uint16_t ports[] = {53, 123, 161, 1900, 5060, 137, 11211, 389, 3702, 500,
					 5683, 47808, 19, 1194, 27015, 5353, 69, 520, 10001, 3478};
	static const uint16_t lens[] = {0, 48, 43, 0, 0, 50, 15, 52, 580, 308,
					21, 17, 1, 42, 25, 46, 22, 24, 4, 20};
	uint32_t id = pick_source(g);
	struct addr src = source_addr(g, id);
	if (src.v6)
		src = source_addr(g, id % 100); /* the model's UDP is IPv4 */
	struct addr dst = rnd_pct(&g->r, 30) ? our4(rnd_pct(&g->r, 50) ? H_DNS : H_GW)
					    : our4(rnd_in(&g->r, 1, 254));
	unsigned k = rnd_below(&g->r, 100) < 80 ? rnd_below(&g->r, 20) : 99;
	uint16_t dport = k < 20 ? ports[k] : (uint16_t)rnd_in(&g->r, 1024, 65535);
	uint16_t sport = rnd_pct(&g->r, 10) ? dport : (uint16_t)rnd_in(&g->r, 1024, 65535);
	struct pk p = udp_pk(t, &src, &dst, sport, dport, P_RAND, 0, (uint32_t)rnd_next(&g->r));
	unsigned name = rnd_below(&g->r, N_DNS_NAMES);
	if (dport == 53) {
		p.pay = P_DNS_Q;
		p.pay_arg = name;
		p.plen = dns_len(name, 0);
	} else if (dport == 1900) {
		p.pay = P_TEXT;
		p.pay_arg = TX_SSDP;
		p.plen = text_len(TX_SSDP);
	} else if (dport == 5060) {
		p.pay = P_TEXT;
		p.pay_arg = TX_SIP;
		p.plen = text_len(TX_SIP);
	} else if (k < 20) {
		p.plen = lens[k];
	} else {
		p.plen = (uint16_t)(rnd_pct(&g->r, 50) ? 0 : rnd_in(&g->r, 1, 64));
	}
	p.ip_id = (uint16_t)rnd_next(&g->r);
	p.ttl = (uint8_t)(64 - attr(g->seed, id, 8) % 21 - 5);
	push(g, p);
	g->c.bg_probes++;
	enum answer a = policy(&dst, 17, dport);
	if (a == A_OPEN && p.pay == P_DNS_Q) {
		struct pk r = udp_pk(t + local_us(g), &dst, &src, dport, sport, P_DNS_R,
				     dns_len(name, 1), name);
		push(g, r);
	} else if (a == A_CLOSED && rnd_pct(&g->r, 40)) {
		push_icmp_error(g, t + local_us(g), &dst, &p, 3, 3); /* rate-limited */
	}
}

/* ICMP echo (zmap's bare 8 bytes or ping's 56) and timestamp requests. */
static void ep_icmp(struct gen *g, uint64_t t)
{
	uint32_t id = pick_source(g);
	struct addr src = source_addr(g, id);
	if (src.v6) {
		struct addr dst = our6(rnd_pct(&g->r, 50) ? H_WEB : H_GW);
		struct pk p = icmp_pk(t, &src, &dst, 128, 0);
		p.sport = (uint16_t)rnd_next(&g->r); /* identifier */
		p.dport = 1;                         /* sequence */
		p.pay = P_PING;
		p.plen = 56;
		p.ttl = 57;
		push(g, p);
		struct pk r = icmp_pk(t + local_us(g), &dst, &src, 129, 0);
		r.sport = p.sport;
		r.dport = p.dport;
		r.pay = P_PING;
		r.plen = 56;
		push(g, r);
		g->c.bg_probes++;
		return;
	}
	struct addr dst = rnd_pct(&g->r, 25) ? our4(rnd_pct(&g->r, 50) ? H_MAIL : H_GW)
					    : our4(rnd_in(&g->r, 1, 254));
	int ts = rnd_pct(&g->r, 3);
	struct pk p = icmp_pk(t, &src, &dst, ts ? 13 : 8, 0);
	p.sport = (uint16_t)rnd_next(&g->r);
	p.dport = (uint16_t)rnd_in(&g->r, 0, 3);
	p.ip_id = (uint16_t)rnd_next(&g->r);
	p.ttl = (uint8_t)(tool_of(g, id) <= T_MASSCAN ? 255 - attr(g->seed, id, 8) % 21 - 5 : 52);
	if (ts)
		p.plen = 12;
	else if (tool_of(g, id) > T_MASSCAN) {
		p.pay = P_PING;
		p.plen = 56;
	}
	push(g, p);
	g->c.bg_probes++;
	enum answer a = policy(&dst, 1, 0);
	if (a == A_CLOSED || a == A_OPEN) {
		struct pk r = p;
		r.t = t + local_us(g);
		r.src = dst;
		r.dst = src;
		r.icmp_type = ts ? 14 : 0;
		r.ttl = 64;
		r.ip_id = (uint16_t)rnd_next(&g->r);
		push(g, r);
	}
}

/* Replies to packets someone else sent with our addresses as their source (backscatter from a
 * spoofed flood against a third party): SYN-ACKs and resets nobody here asked for. */
static void ep_backscatter(struct gen *g, uint64_t t)
{
	static const uint16_t ports[] = {80, 443, 53, 22, 25, 8080, 27015, 3074, 6667, 25565};
	uint32_t victim = rnd_below(&g->r, 64);
	struct addr src = other_addr(g, 1, victim);
	struct addr dst = our4(rnd_in(&g->r, 1, 254));
	uint16_t sp = ports[attr(g->seed, victim, 11) % 10];
	int sa = rnd_pct(&g->r, 65);
	struct pk p = tcp_pk(t, &src, &dst, sp, (uint16_t)rnd_in(&g->r, 1024, 65535),
			     sa ? TCP_SYN | TCP_ACK : TCP_RST | TCP_ACK, (uint32_t)rnd_next(&g->r),
			     (uint32_t)rnd_next(&g->r), sa ? 29200 : 0);
	p.ttl = (uint8_t)(64 - attr(g->seed, victim, 8) % 21 - 5);
	p.opts = sa ? O_MSS : O_NONE;
	push(g, p);
	g->c.backscatter++;
	/* Our router resets a stray SYN-ACK to one of its own addresses. */
	if (sa && host_of(&dst) == H_GW) {
		struct pk r = tcp_pk(t + local_us(g), &dst, &src, p.dport, p.sport, TCP_RST, p.ack,
				     0, 0);
		push(g, r);
	}
}

/* Name service: resolvers ask our name server about example.net. */
static void ep_dns(struct gen *g, uint64_t t)
{
	uint32_t c = rnd_below(&g->r, 2000);
	struct addr cli = other_addr(g, 2, c);
	struct addr ns = our4(H_DNS);
	unsigned name = rnd_below(&g->r, N_DNS_NAMES - 1);
	uint16_t sp = (uint16_t)rnd_in(&g->r, 1024, 65535);
	struct pk q = udp_pk(t, &cli, &ns, sp, 53, P_DNS_Q, dns_len(name, 0), name);
	q.ttl = (uint8_t)(64 - attr(g->seed, c, 8) % 21 - 5);
	q.ip_id = (uint16_t)rnd_next(&g->r);
	push(g, q);
	struct pk r = udp_pk(t + local_us(g), &ns, &cli, 53, sp, P_DNS_R, dns_len(name, 1), name);
	push(g, r);
	g->c.dns++;
}

/* One TCP conversation with data, as a tap sees both halves. */
struct conv {
	struct gen *g;
	struct addr c, s;
	uint16_t cp, sp;
	uint32_t cseq, sseq;    /* next sequence number of each side */
	uint16_t cid, sid;      /* IP IDs */
	uint64_t rc, rs;        /* round trip from the tap to the client / the server */
	uint8_t cttl, sttl;
	uint32_t cts0, sts0;    /* timestamp clock origins */
	uint16_t mss;
};

static void conv_seg(struct conv *v, uint64_t t, int from_client, uint8_t flags, uint16_t plen,
		     uint8_t pay, uint32_t pay_arg)
{
	struct pk p = tcp_pk(t, from_client ? &v->c : &v->s, from_client ? &v->s : &v->c,
			     from_client ? v->cp : v->sp, from_client ? v->sp : v->cp, flags,
			     from_client ? v->cseq : v->sseq, from_client ? v->sseq : v->cseq,
			     from_client ? 502 : 509);
	p.df = 1;
	p.opts = O_TS;
	p.ttl = from_client ? v->cttl : v->sttl;
	p.ip_id = from_client ? v->cid++ : v->sid++;
	p.tsval = (uint32_t)((from_client ? v->cts0 : v->sts0) + t / 1000);
	p.tsecr = (uint32_t)((from_client ? v->sts0 : v->cts0) + t / 1000 - 1);
	p.plen = plen;
	p.pay = plen ? pay : P_NONE;
	p.pay_arg = pay_arg;
	uint32_t adv = plen + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
	if (from_client)
		v->cseq += adv;
	else
		v->sseq += adv;
	if (plen)
		v->g->c.data_segments++;
	push(v->g, p);
}

/* `bytes` from one side in segments of at most mss, the window growing as in slow start; the
 * other side acknowledges every second segment. Returns the time of the last packet. */
static uint64_t conv_send(struct conv *v, uint64_t t, int from_client, uint32_t bytes,
			  uint8_t pay, uint32_t pay_arg)
{
	uint64_t back = from_client ? v->rs : v->rc; /* tap -> receiver -> tap */
	uint64_t fwd = from_client ? v->rc : v->rs;  /* tap -> sender -> tap */
	unsigned cwnd = 10, in_flight = 0, since_ack = 0;
	uint64_t last = t, flight_start = t;
	uint32_t sent = 0;
	while (sent < bytes) {
		uint16_t n = (uint16_t)(bytes - sent < v->mss ? bytes - sent : v->mss);
		uint8_t f = TCP_ACK | (sent + n == bytes ? TCP_PSH : 0);
		/* Only the first segment carries the text; the rest is body. */
		conv_seg(v, last, from_client, f, n, sent ? P_RAND : pay,
			 sent ? (uint32_t)rnd_next(&v->g->r) : pay_arg);
		sent += n;
		in_flight++;
		if (++since_ack == 2 || sent == bytes) {
			since_ack = 0;
			/* The receiver's ACK reaches the tap a round trip later (delayed ACK for a
			 * lone segment). */
			uint64_t at = last + back + (sent == bytes && in_flight % 2 ? 40000 : 0);
			conv_seg(v, at, !from_client, TCP_ACK, 0, P_NONE, 0);
		}
		if (in_flight >= cwnd) {
			/* Wait for the ACKs of this flight, then send a bigger one. */
			flight_start += back + fwd;
			if (flight_start <= last)
				flight_start = last + 12;
			last = flight_start;
			in_flight = 0;
			if (cwnd < 256)
				cwnd *= 2;
		} else {
			last += 12 + n / 125; /* 1 Gb/s serialisation */
		}
	}
	return last + back;
}

static void ep_session(struct gen *g, uint64_t t)
{
	struct conv v = {0};
	v.g = g;
	unsigned kind = rnd_below(&g->r, 100);
	uint32_t cid = rnd_below(&g->r, g->n_clients);
	int outbound = kind >= 88;
	if (outbound) {
		/* Our hosts fetch updates and talk to APIs. */
		static const unsigned ours[] = {H_WEB, H_MAIL, H_DNS};
		v.c = our4(ours[rnd_below(&g->r, 3)]);
		v.s = other_addr(g, 3, rnd_below(&g->r, 40));
		v.sp = 443;
		v.rc = local_us(g);
		v.rs = rtt_us(g, &v.s);
		v.cttl = 63;
		v.sttl = (uint8_t)(64 - 5 - attr(g->seed, v.s.b[3], 8) % 15);
	} else {
		v.c = other_addr(g, 0, cid);
		v.s = our4(kind < 55 || kind >= 67 ? H_WEB : H_MAIL);
		v.sp = kind < 55 ? 443 : kind < 67 ? (kind < 62 ? 25 : 993) : kind < 79 ? 80 : 22;
		v.rc = rtt_us(g, &v.c);
		v.rs = local_us(g);
		int win = attr(g->seed, cid, 12) % 3 == 0;
		v.cttl = (uint8_t)((win ? 128 : 64) - 5 - attr(g->seed, cid, 8) % 15);
		v.sttl = 63;
	}
	v.cp = (uint16_t)rnd_in(&g->r, 32768, 60999);
	v.cseq = (uint32_t)rnd_next(&g->r);
	v.sseq = (uint32_t)rnd_next(&g->r);
	v.cid = (uint16_t)rnd_next(&g->r);
	v.sid = (uint16_t)rnd_next(&g->r);
	v.cts0 = (uint32_t)rnd_next(&g->r);
	v.sts0 = (uint32_t)rnd_next(&g->r);
	v.mss = 1448;

	/* Handshake. */
	struct pk syn = tcp_pk(t, &v.c, &v.s, v.cp, v.sp, TCP_SYN, v.cseq, 0, 64240);
	syn.df = 1;
	syn.opts = O_LINUX_SYN;
	syn.ttl = v.cttl;
	syn.ip_id = v.cid++;
	syn.tsval = v.cts0 + (uint32_t)(t / 1000);
	push(g, syn);
	v.cseq++;
	uint64_t now = t + v.rs;
	struct pk sa = tcp_pk(now, &v.s, &v.c, v.sp, v.cp, TCP_SYN | TCP_ACK, v.sseq, v.cseq, 65160);
	sa.df = 1;
	sa.opts = O_SYNACK;
	sa.ttl = v.sttl;
	sa.ip_id = v.sid++;
	sa.tsval = v.sts0 + (uint32_t)(now / 1000);
	sa.tsecr = syn.tsval;
	push(g, sa);
	v.sseq++;
	now += v.rc;
	conv_seg(&v, now, 1, TCP_ACK, 0, P_NONE, 0);

	if (v.sp == 22 || v.sp == 25) {
		/* The server speaks first (banner), then an interactive exchange: small
		 * encrypted packets each way, an echo for every keystroke. */
		now = conv_send(&v, now + v.rs + 2000, 0, text_len(v.sp == 22 ? TX_SSH_SRV : TX_SMTP_220),
				P_TEXT, v.sp == 22 ? TX_SSH_SRV : TX_SMTP_220);
		unsigned n = v.sp == 22 ? rnd_in(&g->r, 5, 40) : rnd_in(&g->r, 6, 14);
		for (unsigned i = 0; i < n; i++) {
			now += v.sp == 22 ? rnd_in(&g->r, 80000, 900000) : rnd_in(&g->r, 2000, 40000);
			uint16_t cl = v.sp == 22 ? 36 : (uint16_t)rnd_in(&g->r, 10, 80);
			now = conv_send(&v, now, 1, cl, P_RAND, (uint32_t)rnd_next(&g->r));
			uint16_t sl = v.sp == 22 ? (uint16_t)rnd_in(&g->r, 36, 120)
						 : (uint16_t)rnd_in(&g->r, 8, 60);
			if (v.sp == 25 && i + 1 == n)
				sl = (uint16_t)rnd_in(&g->r, 2000, 40000); /* DATA */
			now = conv_send(&v, now + v.rs, 0, sl, P_RAND, (uint32_t)rnd_next(&g->r));
		}
	} else {
		/* Requests and responses; web responses from 300 B to 64 kB. */
		unsigned rounds = rnd_pct(&g->r, 70) ? 1 : rnd_in(&g->r, 2, 5);
		for (unsigned i = 0; i < rounds; i++) {
			if (i)
				now += (uint64_t)rnd_logu(&g->r, 5000, 2000000);
			uint32_t req = v.sp == 80 ? text_len(TX_HTTP_GET) : rnd_in(&g->r, 300, 1400);
			now = conv_send(&v, now + 50, 1, req, v.sp == 80 ? P_TEXT : P_RAND,
					v.sp == 80 ? TX_HTTP_GET : (uint32_t)rnd_next(&g->r));
			uint32_t resp = (uint32_t)rnd_logu(&g->r, 300, 64000);
			now = conv_send(&v, now + v.rs + rnd_in(&g->r, 300, 30000), 0, resp,
					v.sp == 80 ? P_TEXT : P_RAND,
					v.sp == 80 ? TX_HTTP_200 : (uint32_t)rnd_next(&g->r));
		}
	}
	/* Close: the client's FIN, the server's FIN, the last ACK. */
	now += rnd_in(&g->r, 1000, 200000);
	conv_seg(&v, now, 1, TCP_FIN | TCP_ACK, 0, P_NONE, 0);
	now += v.rs;
	conv_seg(&v, now, 0, TCP_FIN | TCP_ACK, 0, P_NONE, 0);
	now += v.rc;
	conv_seg(&v, now, 1, TCP_ACK, 0, P_NONE, 0);
	g->c.sessions++;
}

/* A stride permutation of n items: start + k * stride mod n with stride coprime to n. */
static unsigned stride_for(struct gen *g, unsigned n)
{
	for (;;) {
		unsigned s = rnd_in(&g->r, 1, n - 1 ? n - 1 : 1);
		unsigned a = s, b = n;
		while (b) {
			unsigned tmp = a % b;
			a = b;
			b = tmp;
		}
		if (a == 1)
			return s;
	}
}

/* Scans: nmap-like vertical TCP scans (with host discovery first unless -Pn), UDP scans, flag
 * scans, and masscan/zmap-like sweeps of one port across the /24. */
static void ep_scan(struct gen *g, uint64_t t)
{
	uint32_t id = pick_source(g);
	struct addr src = source_addr(g, id);
	if (src.v6)
		src = source_addr(g, id % 100);
	unsigned kind = rnd_below(&g->r, 100);
	double gap = rnd_logu(&g->r, 200, 5000); /* microseconds between probes */
	uint16_t sport = (uint16_t)rnd_in(&g->r, 32768, 65000);
	uint8_t ttl = (uint8_t)rnd_in(&g->r, 37, 59);
	uint16_t win = (uint16_t)(1024 * rnd_in(&g->r, 1, 4));
	g->c.scans++;

	if (kind < 30) {
		/* A sweep: one port, every address of the /24, in a random order. */
		uint16_t port = pick_tcp_port(g);
		unsigned start = rnd_below(&g->r, 254), stride = stride_for(g, 254);
		int zmap = rnd_pct(&g->r, 50);
		for (unsigned k = 0; k < 254; k++) {
			struct addr dst = our4(1 + (start + k * stride) % 254);
			struct pk p = tcp_pk(t + (uint64_t)(k * gap), &src, &dst,
					     zmap ? (uint16_t)rnd_in(&g->r, 32768, 60999) : sport,
					     port, TCP_SYN, (uint32_t)rnd_next(&g->r), 0,
					     zmap ? 65535 : 1024);
			p.ip_id = zmap ? 54321 : (uint16_t)rnd_next(&g->r);
			p.ttl = (uint8_t)(255 - attr(g->seed, id, 8) % 21 - 5);
			push(g, p);
			answer_tcp(g, &p, 0, 0);
		}
		return;
	}

	static const unsigned targets[] = {H_GW, H_WEB, H_MAIL, H_DNS, 77, 140};
	struct addr dst = our4(targets[rnd_below(&g->r, 6)]);
	int pn = rnd_pct(&g->r, 30);
	uint64_t now = t;
	if (!pn) {
		/* nmap's host discovery as root: echo, SYN to 443, ACK to 80, timestamp. */
		struct pk e = icmp_pk(now, &src, &dst, 8, 0);
		e.sport = (uint16_t)rnd_next(&g->r);
		e.ttl = ttl;
		e.ip_id = (uint16_t)rnd_next(&g->r);
		push(g, e);
		int up = 0;
		if (policy(&dst, 1, 0) == A_CLOSED) {
			struct pk r = e;
			r.t = now + local_us(g);
			r.src = dst;
			r.dst = src;
			r.icmp_type = 0;
			r.ttl = 64;
			push(g, r);
			up = 1;
		}
		struct pk s = tcp_pk(now + 30, &src, &dst, sport, 443, TCP_SYN,
				     (uint32_t)rnd_next(&g->r), 0, win);
		s.opts = O_MSS;
		s.ttl = ttl;
		s.ip_id = (uint16_t)rnd_next(&g->r);
		push(g, s);
		up |= answer_tcp(g, &s, 0, 0);
		struct pk a = tcp_pk(now + 60, &src, &dst, sport, 80, TCP_ACK, 0,
				     (uint32_t)rnd_next(&g->r), win);
		a.ttl = ttl;
		a.ip_id = (uint16_t)rnd_next(&g->r);
		push(g, a);
		up |= answer_tcp(g, &a, 0, 0);
		struct pk ts = icmp_pk(now + 90, &src, &dst, 13, 0);
		ts.sport = (uint16_t)rnd_next(&g->r);
		ts.plen = 12;
		ts.ttl = ttl;
		push(g, ts);
		if (!up)
			return; /* "host seems down" */
		now += rtt_us(g, &src) + 5000;
	}

	if (kind < 40) {
		/* UDP: 300 ports, empty datagrams; a closed port answers with a port
		 * unreachable, as the kernel's rate limit allows (a burst of 6, then 1/s). */
		unsigned base = rnd_pct(&g->r, 50) ? 1 : rnd_in(&g->r, 1, 65000);
		unsigned start = rnd_below(&g->r, 300), stride = stride_for(g, 300);
		uint64_t bucket_t = now;
		unsigned tokens = 6;
		for (unsigned k = 0; k < 300; k++) {
			uint16_t port = (uint16_t)(base + (start + k * stride) % 300);
			uint64_t at = now + (uint64_t)(k * gap);
			struct pk p = udp_pk(at, &src, &dst, sport, port, P_NONE, 0, 0);
			p.ttl = ttl;
			p.ip_id = (uint16_t)rnd_next(&g->r);
			push(g, p);
			enum answer a = policy(&dst, 17, port);
			while (at - bucket_t >= 1000000 && tokens < 6) {
				tokens++;
				bucket_t += 1000000;
			}
			if (tokens == 6)
				bucket_t = at;
			if (a == A_CLOSED && tokens) {
				tokens--;
				push_icmp_error(g, at + local_us(g), &dst, &p, 3, 3);
			}
		}
		return;
	}
	if (kind < 50) {
		/* Flag scans: FIN, NULL, XMAS or ACK on 150 ports. */
		static const uint8_t fl[] = {TCP_FIN, 0, TCP_FIN | TCP_PSH | TCP_URG, TCP_ACK};
		uint8_t f = fl[rnd_below(&g->r, 4)];
		unsigned start = rnd_below(&g->r, 150), stride = stride_for(g, 150);
		for (unsigned k = 0; k < 150; k++) {
			uint16_t port = (uint16_t)(1 + (start + k * stride) % 150);
			struct pk p = tcp_pk(now + (uint64_t)(k * gap), &src, &dst, sport, port, f,
					     (uint32_t)rnd_next(&g->r),
					     f == TCP_ACK ? (uint32_t)rnd_next(&g->r) : 0, win);
			p.ttl = ttl;
			p.ip_id = (uint16_t)rnd_next(&g->r);
			push(g, p);
			answer_tcp(g, &p, 0, 0);
		}
		return;
	}
	/* SYN scan of 1000 ports (1-1000 or 1000 from a random base); unanswered ports are
	 * tried once more after the first pass. */
	unsigned base = rnd_pct(&g->r, 60) ? 1 : rnd_in(&g->r, 1, 64000);
	unsigned start = rnd_below(&g->r, 1000), stride = stride_for(g, 1000);
	uint64_t end = now + (uint64_t)(1000 * gap) + 200000;
	unsigned retries = 0;
	for (unsigned k = 0; k < 1000; k++) {
		uint16_t port = (uint16_t)(base + (start + k * stride) % 1000);
		struct pk p = tcp_pk(now + (uint64_t)(k * gap), &src, &dst, sport, port, TCP_SYN,
				     (uint32_t)rnd_next(&g->r), 0, win);
		p.opts = O_MSS;
		p.ttl = ttl;
		p.ip_id = (uint16_t)rnd_next(&g->r);
		push(g, p);
		if (!answer_tcp(g, &p, 0, 0)) {
			p.t = end + (uint64_t)(retries++ * gap);
			p.seq = (uint32_t)rnd_next(&g->r);
			p.ip_id = (uint16_t)rnd_next(&g->r);
			push(g, p);
		}
	}
}

/* ARP between the provider's router and ours (on the uplink), and spanning tree. */
static void ep_arp(struct gen *g, uint64_t t)
{
	struct pk p = {0};
	p.t = t;
	p.kind = K_ARP;
	p.flags = 1; /* request */
	p.src = v4(0xc0000201U); /* 192.0.2.1, the provider */
	p.dst = v4(0xc0000202U); /* 192.0.2.2, our router's uplink address */
	p.inbound = 1;
	push(g, p);
	p.t = t + local_us(g);
	p.flags = 2;
	p.src = v4(0xc0000202U);
	p.dst = v4(0xc0000201U);
	p.inbound = 0;
	push(g, p);
}

/* ------------------------------------------------------------------ frame encoding */

static const uint8_t mac_isp[6] = {0x00, 0x1f, 0xca, 0x3e, 0x51, 0x02};
static const uint8_t mac_gw[6] = {0x3c, 0xec, 0xef, 0x8a, 0x10, 0x41};
static const uint8_t mac_stp[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x00};

static void be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* RFC 1071 one's-complement sum. */
static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The pseudo-header sum of RFC 9293 / RFC 8200 section 8.1. */
static uint32_t pseudo_sum(const struct pk *p, uint8_t proto, uint32_t len)
{
	uint32_t s = 0;
	size_t alen = p->src.v6 ? 16 : 4;
	s = csum_add(s, p->src.b, alen);
	s = csum_add(s, p->dst.b, alen);
	return s + proto + (len >> 16) + (len & 0xffff);
}

static size_t tcp_options(const struct pk *p, uint8_t *o)
{
	static const uint8_t mss[] = {2, 4, 0x05, 0xb4};
	switch (p->opts) {
	case O_MSS:
		memcpy(o, mss, 4);
		return 4;
	case O_LINUX_SYN:
	case O_SYNACK:
		/* MSS, SACK permitted, timestamps, NOP, window scale 7: Linux's SYN. */
		memcpy(o, mss, 4);
		o[4] = 4;
		o[5] = 2;
		o[6] = 8;
		o[7] = 10;
		be32(o + 8, p->tsval);
		be32(o + 12, p->tsecr);
		o[16] = 1;
		o[17] = 3;
		o[18] = 3;
		o[19] = 7;
		return 20;
	case O_WIN_SYN:
		/* MSS, NOP, window scale 8, NOP, NOP, SACK permitted: Windows' SYN. */
		memcpy(o, mss, 4);
		o[4] = 1;
		o[5] = 3;
		o[6] = 3;
		o[7] = 8;
		o[8] = 1;
		o[9] = 1;
		o[10] = 4;
		o[11] = 2;
		return 12;
	case O_TS:
		o[0] = 1;
		o[1] = 1;
		o[2] = 8;
		o[3] = 10;
		be32(o + 4, p->tsval);
		be32(o + 8, p->tsecr);
		return 12;
	default:
		return 0;
	}
}

static size_t put_dns_name(uint8_t *o, const char *name)
{
	size_t n = 0;
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t len = dot ? (size_t)(dot - name) : strlen(name);
		o[n++] = (uint8_t)len;
		memcpy(o + n, name, len);
		n += len;
		name += len + (dot ? 1 : 0);
	}
	o[n++] = 0;
	return n;
}

/* The payload bytes: plen of them at o. */
static void payload(const struct gen *g, const struct pk *p, uint8_t *o)
{
	switch (p->pay) {
	case P_TEXT: {
		const char *s = texts[p->pay_arg % (sizeof(texts) / sizeof(texts[0]))];
		size_t n = strlen(s);
		if (n > p->plen)
			n = p->plen;
		memcpy(o, s, n);
		for (size_t i = n; i < p->plen; i++)
			o[i] = g->rand_pool[(p->seq + i) & 0xffff];
		return;
	}
	case P_DNS_Q:
	case P_DNS_R: {
		int resp = p->pay == P_DNS_R;
		uint16_t qid = (uint16_t)(p->sport ^ p->dport ^ 0x5a5a);
		const char *name = dns_names[p->pay_arg % N_DNS_NAMES];
		be16(o, qid);
		be16(o + 2, resp ? 0x8580 : 0x0100); /* response, authoritative / recursion desired */
		be16(o + 4, 1);
		be16(o + 6, resp ? 1 : 0);
		be16(o + 8, 0);
		be16(o + 10, 0);
		size_t n = 12 + put_dns_name(o + 12, name);
		be16(o + n, 1); /* A */
		be16(o + n + 2, 1); /* IN */
		n += 4;
		if (resp) {
			be16(o + n, 0xc00c); /* the name at offset 12 */
			be16(o + n + 2, 1);
			be16(o + n + 4, 1);
			be32(o + n + 6, 3600);
			be16(o + n + 10, 4);
			be32(o + n + 12, NET4 | H_WEB);
		}
		return;
	}
	case P_PING:
		/* Linux ping: an 8-byte timestamp, then 0x10, 0x11, ... */
		for (size_t i = 0; i < p->plen; i++)
			o[i] = i < 8 ? g->rand_pool[(p->sport + i) & 0xffff] : (uint8_t)(i + 8);
		return;
	case P_RAND: {
		size_t off = p->pay_arg & 0xffff;
		for (size_t i = 0; i < p->plen; i++)
			o[i] = g->rand_pool[(off + i) & 0xffff];
		return;
	}
	default:
		memset(o, 0, p->plen);
		return;
	}
}

/* The transport part (header + payload) at o; returns its length. */
static size_t transport(const struct gen *g, const struct pk *p, uint8_t *o, uint8_t *proto)
{
	size_t n;
	if (p->kind == K_TCP) {
		size_t ol = tcp_options(p, o + 20);
		n = 20 + ol;
		be16(o, p->sport);
		be16(o + 2, p->dport);
		be32(o + 4, p->seq);
		be32(o + 8, p->ack);
		o[12] = (uint8_t)((n / 4) << 4);
		o[13] = p->flags;
		be16(o + 14, p->window);
		be16(o + 16, 0);
		be16(o + 18, 0);
		payload(g, p, o + n);
		n += p->plen;
		*proto = 6;
		be16(o + 16, csum_fold(csum_add(pseudo_sum(p, 6, (uint32_t)n), o, n)));
		return n;
	}
	if (p->kind == K_UDP) {
		n = 8 + p->plen;
		be16(o, p->sport);
		be16(o + 2, p->dport);
		be16(o + 4, (uint32_t)n);
		be16(o + 6, 0);
		payload(g, p, o + 8);
		*proto = 17;
		uint16_t c = csum_fold(csum_add(pseudo_sum(p, 17, (uint32_t)n), o, n));
		be16(o + 6, c ? c : 0xffff);
		return n;
	}
	/* ICMP / ICMPv6 */
	o[0] = p->icmp_type;
	o[1] = p->icmp_code;
	be16(o + 2, 0);
	if (p->in_proto) {
		/* An error: 4 unused bytes, then the quoted IP header and 8 bytes. */
		be32(o + 4, 0);
		uint8_t *q = o + 8;
		q[0] = 0x45;
		q[1] = 0;
		be16(q + 2, p->in_len);
		be16(q + 4, p->in_id);
		be16(q + 6, 0);
		q[8] = p->in_ttl;
		q[9] = p->in_proto;
		be16(q + 10, 0);
		memcpy(q + 12, p->dst.b, 4); /* the quoted packet came from the error's addressee */
		memcpy(q + 16, p->in_dst.b, 4);
		be16(q + 10, csum_fold(csum_add(0, q, 20)));
		be16(q + 20, p->in_sport);
		be16(q + 22, p->in_dport);
		if (p->in_proto == 6) {
			be32(q + 24, p->in_seq);
		} else {
			be16(q + 24, (uint32_t)(p->in_len - 20));
			be16(q + 26, 0);
		}
		n = 8 + 28;
	} else {
		be16(o + 4, p->sport); /* identifier */
		be16(o + 6, p->dport); /* sequence */
		payload(g, p, o + 8);
		n = 8 + p->plen;
	}
	if (p->src.v6) {
		*proto = 58;
		be16(o + 2, csum_fold(csum_add(pseudo_sum(p, 58, (uint32_t)n), o, n)));
	} else {
		*proto = 1;
		be16(o + 2, csum_fold(csum_add(0, o, n)));
	}
	return n;
}

/* The whole Ethernet frame; returns its length (at least 60: a tap sees padded frames). */
static size_t frame(const struct gen *g, const struct pk *p, uint8_t *f)
{
	size_t n;
	if (p->kind == K_STP) {
		memcpy(f, mac_stp, 6);
		memcpy(f + 6, mac_gw, 6);
		be16(f + 12, 38); /* 802.3 length: LLC + configuration BPDU */
		static const uint8_t bpdu[38] = {
			0x42, 0x42, 0x03, 0, 0, 0, 0, 0x80, 0x00, 0x3c, 0xec, 0xef, 0x8a, 0x10,
			0x41, 0, 0, 0, 0, 0x80, 0x00, 0x3c, 0xec, 0xef, 0x8a, 0x10, 0x41, 0x80,
			0x01, 0, 0, 0x14, 0, 0x02, 0, 0x0f, 0, 0};
		memcpy(f + 14, bpdu, sizeof(bpdu));
		n = 14 + sizeof(bpdu);
	} else {
		memcpy(f, p->inbound ? mac_gw : mac_isp, 6);
		memcpy(f + 6, p->inbound ? mac_isp : mac_gw, 6);
		if (p->kind == K_ARP) {
			be16(f + 12, 0x0806);
			uint8_t *a = f + 14;
			be16(a, 1);
			be16(a + 2, 0x0800);
			a[4] = 6;
			a[5] = 4;
			be16(a + 6, p->flags);
			memcpy(a + 8, p->inbound ? mac_isp : mac_gw, 6);
			memcpy(a + 14, p->src.b, 4);
			if (p->flags == 1)
				memset(a + 18, 0, 6);
			else
				memcpy(a + 18, mac_isp, 6);
			memcpy(a + 24, p->dst.b, 4);
			n = 14 + 28;
		} else if (p->src.v6) {
			be16(f + 12, 0x86dd);
			uint8_t *ip = f + 14, proto = 0;
			size_t tl = transport(g, p, ip + 40, &proto);
			be32(ip, 0x60000000U | (p->tos << 20));
			be16(ip + 4, (uint32_t)tl);
			ip[6] = proto;
			ip[7] = p->ttl;
			memcpy(ip + 8, p->src.b, 16);
			memcpy(ip + 24, p->dst.b, 16);
			n = 14 + 40 + tl;
		} else {
			be16(f + 12, 0x0800);
			uint8_t *ip = f + 14, proto = 0;
			size_t tl = transport(g, p, ip + 20, &proto);
			ip[0] = 0x45;
			ip[1] = p->tos;
			be16(ip + 2, (uint32_t)(20 + tl));
			be16(ip + 4, p->ip_id);
			be16(ip + 6, p->df ? 0x4000 : 0);
			ip[8] = p->ttl;
			ip[9] = proto;
			be16(ip + 10, 0);
			memcpy(ip + 12, p->src.b, 4);
			memcpy(ip + 16, p->dst.b, 4);
			be16(ip + 10, csum_fold(csum_add(0, ip, 20)));
			n = 14 + 20 + tl;
		}
	}
	if (n < 60) {
		memset(f + n, 0, 60 - n);
		n = 60;
	}
	return n;
}

/* ------------------------------------------------------------------ output */

struct out {
	FILE *f;
	uint64_t start_s; /* Unix time of t = 0 */
	uint64_t max_packets, max_bytes;
};

static void count(struct gen *g, const struct pk *p, size_t len)
{
	struct counts *c = &g->c;
	c->packets++;
	c->bytes += 16 + len;
	if (p->kind == K_ARP || p->kind == K_STP) {
		c->non_ip++;
		return;
	}
	if (p->src.v6)
		c->ipv6++;
	else
		c->ipv4++;
	if (p->kind == K_TCP) {
		c->tcp++;
		c->syn += (p->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
		c->synack += (p->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK);
		c->rst += (p->flags & TCP_RST) != 0;
	} else if (p->kind == K_UDP) {
		c->udp++;
	} else {
		c->icmp++;
	}
}

/* Writes one record; returns 1 when a limit is reached (that packet included). */
static int write_pk(struct gen *g, struct out *o, const struct pk *p)
{
	uint8_t rec[16 + 2048];
	size_t len = frame(g, p, rec + 16);
	uint64_t s = o->start_s + p->t / 1000000;
	le32(rec, (uint32_t)s);
	le32(rec + 4, (uint32_t)(p->t % 1000000));
	le32(rec + 8, (uint32_t)len);
	le32(rec + 12, (uint32_t)len);
	if (fwrite(rec, 1, 16 + len, o->f) != 16 + len) {
		fprintf(stderr, "gen_pcap: write: %s\n", strerror(errno));
		exit(1);
	}
	count(g, p, len);
	return g->c.packets >= o->max_packets || g->c.bytes >= o->max_bytes;
}

/* ------------------------------------------------------------------ options */

static int parse_num(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	uint64_t m = 1;
	if (*end == 'k' || *end == 'K')
		m = 1000, end++;
	else if (*end == 'M')
		m = 1000000, end++;
	else if (*end == 'G')
		m = 1000000000, end++;
	if (*end || v > UINT64_MAX / m)
		return -1;
	*out = v * m;
	return 0;
}

/* "YYYY-MM-DD[ HH:MM:SS]" (UTC) to Unix time, without the C library's time zone. */
static int parse_start(const char *s, uint64_t *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	int n = sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se);
	if (n != 3 && n != 6)
		return -1;
	if (y < 1970 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60)
		return -1;
	/* Days from civil (proleptic Gregorian), March-based year. */
	int yy = y - (mo <= 2);
	int era = yy / 400;
	int yoe = yy - era * 400;
	int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = (int64_t)era * 146097 + doe - 719468;
	*out = (uint64_t)(days * 86400 + h * 3600 + mi * 60 + se);
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: gen_pcap [--packets N] [--bytes N] [--sources N] [--clients N] [--pps R]\n"
	      "                [--seed S] [--start \"YYYY-MM-DD[ HH:MM:SS]\"] [--stats] > FILE.pcap\n"
	      "Writes a synthetic capture of an internet-facing /24 (pcap, Ethernet) to stdout.\n"
	      "Defaults: 4M packets, 200k scanner sources, 5k clients, ~3000 packets/s, seed 1,\n"
	      "start 2024-03-01 00:00:00 UTC. N accepts k/M/G (powers of 1000). --stats prints\n"
	      "key=value counts to stderr.\n",
	      f);
}

int main(int argc, char **argv)
{
	uint64_t packets = 4000000, bytes = UINT64_MAX, sources = 200000, clients = 5000;
	uint64_t pps = 3000, seed = 1, start = 0;
	int stats = 0;
	parse_start("2024-03-01", &start);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = 0;
		if (!strcmp(a, "--stats")) {
			stats = 1;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		}
		if (!v) {
			usage(stderr);
			return 2;
		}
		if (!strcmp(a, "--packets"))
			bad = parse_num(v, &packets) || packets == 0;
		else if (!strcmp(a, "--bytes"))
			bad = parse_num(v, &bytes) || bytes < 100;
		else if (!strcmp(a, "--sources"))
			bad = parse_num(v, &sources) || sources < 1 || sources > 50000000;
		else if (!strcmp(a, "--clients"))
			bad = parse_num(v, &clients) || clients < 1 || clients > 10000000;
		else if (!strcmp(a, "--pps"))
			bad = parse_num(v, &pps) || pps < 1 || pps > 10000000;
		else if (!strcmp(a, "--seed"))
			bad = parse_num(v, &seed);
		else if (!strcmp(a, "--start"))
			bad = parse_start(v, &start);
		else {
			usage(stderr);
			return 2;
		}
		if (bad) {
			fprintf(stderr, "gen_pcap: bad value for %s: %s\n", a, v);
			return 2;
		}
		i++;
	}
	if (isatty(STDOUT_FILENO)) {
		fprintf(stderr, "gen_pcap: stdout is a terminal; redirect it to a file\n");
		return 2;
	}

	struct gen *g = calloc(1, sizeof(*g));
	if (!g)
		return 1;
	g->seed = seed;
	g->r.ctr = fmix64(seed ^ 0x70636170ULL);
	g->n_sources = (uint32_t)sources;
	g->n_clients = (uint32_t)clients;
	g->ln_sources = log((double)sources + 1.0);
	g->seen = calloc(sources / 8 + 1, 1);
	if (!g->seen)
		return 1;
	for (size_t i = 0; i < sizeof(g->rand_pool); i++)
		g->rand_pool[i] = (uint8_t)rnd_next(&g->r);

	struct out o = {stdout, start, packets, bytes};
	static char obuf[1 << 20];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	uint8_t hdr[24];
	le32(hdr, 0xa1b2c3d4U); /* microsecond stamps, written little-endian */
	hdr[4] = 2, hdr[5] = 0, hdr[6] = 4, hdr[7] = 0; /* version 2.4 */
	le32(hdr + 8, 0);
	le32(hdr + 12, 0);
	le32(hdr + 16, 262144); /* snaplen */
	le32(hdr + 20, 1);      /* LINKTYPE_ETHERNET */
	fwrite(hdr, 1, sizeof(hdr), stdout);
	g->c.bytes = sizeof(hdr);

	/* Episodes arrive as a Poisson process; ~2.6 packets each on average, so the rate of
	 * episodes is pps / 2.6. Packets scheduled for the future wait in the heap. */
	double gap_us = 1e6 / ((double)pps / 2.6);
	double now = 0;
	uint64_t next_stp = 0, next_arp = 0;
	int done = 0;
	while (!done) {
		now += rnd_expo(&g->r, gap_us);
		uint64_t t = (uint64_t)now;
		/* Spanning tree hellos every 2 s, queued before the flush so that they are
		 * written in time order with the rest. */
		while (next_stp <= t) {
			struct pk p = {0};
			p.t = next_stp;
			p.kind = K_STP;
			heap_push(&g->h, p);
			next_stp += 2000000;
		}
		while (!done && g->h.n && g->h.a[0].t < t) {
			struct pk p = heap_pop(&g->h);
			done = write_pk(g, &o, &p);
		}
		if (done)
			break;
		if (next_arp <= t) {
			ep_arp(g, t);
			next_arp = t + rnd_in(&g->r, 60000000, 300000000);
		}
		unsigned k = rnd_below(&g->r, 100000);
		if (k < 80000)
			ep_syn(g, t);
		else if (k < 88000)
			ep_udp(g, t);
		else if (k < 91500)
			ep_icmp(g, t);
		else if (k < 94500)
			ep_backscatter(g, t);
		else if (k < 97970)
			ep_dns(g, t);
		else if (k < 98000)
			ep_scan(g, t);
		else
			ep_session(g, t);
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "gen_pcap: write: %s\n", strerror(errno));
		return 1;
	}
	if (stats) {
		const struct counts *c = &g->c;
		fprintf(stderr,
			"packets=%llu\nbytes=%llu\nseconds=%.3f\nipv4=%llu\nipv6=%llu\nnon_ip=%llu\n"
			"tcp=%llu\nudp=%llu\nicmp=%llu\nsyn=%llu\nsynack=%llu\nrst=%llu\n"
			"data_segments=%llu\nbackground_probes=%llu\nscans=%llu\nsessions=%llu\n"
			"dns_queries=%llu\nbackscatter=%llu\nsources=%llu\nsources_seen=%llu\n",
			(unsigned long long)c->packets, (unsigned long long)c->bytes, now / 1e6,
			(unsigned long long)c->ipv4, (unsigned long long)c->ipv6,
			(unsigned long long)c->non_ip, (unsigned long long)c->tcp,
			(unsigned long long)c->udp, (unsigned long long)c->icmp,
			(unsigned long long)c->syn, (unsigned long long)c->synack,
			(unsigned long long)c->rst, (unsigned long long)c->data_segments,
			(unsigned long long)c->bg_probes, (unsigned long long)c->scans,
			(unsigned long long)c->sessions, (unsigned long long)c->dns,
			(unsigned long long)c->backscatter, (unsigned long long)sources,
			(unsigned long long)c->sources_seen);
	}
	free(g->h.a);
	free(g->seen);
	free(g);
	return 0;
}
