/* One captured frame to an event, reading every byte through a bounds-checked
 * cursor with a sticky error flag. Headers as specified: Ethernet II and IEEE
 * 802.1Q/802.1ad tags, Linux SLL/SLL2 and LINKTYPE_NFLOG
 * (https://www.tcpdump.org/linktypes/), IPv4 (RFC 791), IPv6 and its
 * extension headers (RFC 8200, AH RFC 4302), TCP (RFC 9293), UDP (RFC 768),
 * ICMP (RFC 792) and ICMPv6 (RFC 4443). */
#include "parse/pcap_decode.h"

#include <stddef.h>
#include <string.h>

/* ---- the cursor ---------------------------------------------------------- */

struct cur {
	const uint8_t *p;
	size_t n;   /* bytes readable from p */
	size_t off; /* next byte to read */
	int bad;    /* set by the first read past n; every later read yields 0 */
};

static int cur_need(struct cur *c, size_t k)
{
	if (c->bad || c->n - c->off < k) {
		c->bad = 1;
		return 0;
	}
	return 1;
}

static size_t cur_left(const struct cur *c)
{
	return c->bad ? 0 : c->n - c->off;
}

static uint8_t get8(struct cur *c)
{
	if (!cur_need(c, 1))
		return 0;
	return c->p[c->off++];
}

static uint16_t get16(struct cur *c)
{
	if (!cur_need(c, 2))
		return 0;
	const uint8_t *q = c->p + c->off;
	c->off += 2;
	return (uint16_t)(q[0] << 8 | q[1]);
}

/* NFLOG's TLV heads are in the capturing host's byte order; libpcap turns
 * them into the reading host's order when the file came from the other. */
static uint16_t get16_host(struct cur *c)
{
	if (!cur_need(c, 2))
		return 0;
	uint16_t v;
	memcpy(&v, c->p + c->off, 2);
	c->off += 2;
	return v;
}

static uint32_t get32(struct cur *c)
{
	if (!cur_need(c, 4))
		return 0;
	const uint8_t *q = c->p + c->off;
	c->off += 4;
	return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
}

/* Returns the k bytes at the cursor, or NULL (and the error flag). */
static const uint8_t *take(struct cur *c, size_t k)
{
	if (!cur_need(c, k))
		return NULL;
	const uint8_t *q = c->p + c->off;
	c->off += k;
	return q;
}

static void skip(struct cur *c, size_t k)
{
	(void)take(c, k);
}

/* A cursor over the next k bytes of c (fewer if c has fewer). */
static struct cur sub(const struct cur *c, size_t k)
{
	size_t left = cur_left(c);
	struct cur s = {c->p + c->off, k < left ? k : left, 0, 0};
	return s;
}

/* ---- addresses ----------------------------------------------------------- */

/* As addr_from_v4() stores it (v4-mapped), without the call per address. */
static void v4_addr(const uint8_t *q, struct ip_addr *a)
{
	static const uint8_t head[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	memcpy(a->b, head, 12);
	memcpy(a->b + 12, q, 4);
}

static void v6_addr(const uint8_t *q, struct ip_addr *a)
{
	memcpy(a->b, q, 16);
}

/* ---- transport ----------------------------------------------------------- */

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define MAX_VLAN_TAGS 8
#define MAX_V6_EXT 16

#define PROTO_DCCP 33
#define PROTO_NONE_V6 59

/* ICMP messages that carry an identifier and sequence number: echo,
 * timestamp, information and address-mask requests and replies (RFC 792,
 * RFC 950), ICMPv6 echo (RFC 4443). */
int pcap_icmp_is_echo_style(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_NUM_ICMP)
		return type == 0 || type == 8 || (type >= 13 && type <= 18);
	return type == 128 || type == 129;
}

static int has_ports(uint8_t proto)
{
	return proto == IPPROTO_NUM_TCP || proto == IPPROTO_NUM_UDP ||
	       proto == IPPROTO_NUM_UDPLITE || proto == IPPROTO_NUM_SCTP || proto == PROTO_DCCP;
}

static int is_icmp(uint8_t proto)
{
	return proto == IPPROTO_NUM_ICMP || proto == IPPROTO_NUM_ICMPV6;
}

/* Walk IPv6 extension headers from *nh. Stops at the first header that is
 * not an extension (the upper layer, or an unknown one: reported as the
 * protocol). Returns -1 if a header is cut. */
static int v6_walk(struct cur *c, uint8_t *nh, struct pcap_pkt *pkt_or_null, int *nonfirst_frag)
{
	for (int i = 0; i < MAX_V6_EXT; i++) {
		switch (*nh) {
		case 0:   /* hop-by-hop options */
		case 43:  /* routing */
		case 60:  /* destination options */
		case 135: /* mobility */
		{
			uint8_t next = get8(c);
			size_t hlen = ((size_t)get8(c) + 1) * 8;
			skip(c, hlen - 2);
			if (c->bad)
				return -1;
			*nh = next;
			break;
		}
		case 44: { /* fragment: fixed 8 bytes */
			uint8_t next = get8(c);
			skip(c, 1);
			uint16_t offm = get16(c);
			uint32_t id = get32(c);
			if (c->bad)
				return -1;
			if (pkt_or_null) {
				pkt_or_null->ev.ip_id = id;
				pkt_or_null->ev.flags |= EVENT_HAS_IP_ID;
			}
			*nh = next;
			if (offm >> 3) {
				*nonfirst_frag = 1;
				return 0;
			}
			break;
		}
		case IPPROTO_NUM_AH: { /* length in 4-byte units, minus 2 */
			uint8_t next = get8(c);
			size_t hlen = ((size_t)get8(c) + 2) * 4;
			skip(c, hlen - 2);
			if (c->bad)
				return -1;
			*nh = next;
			break;
		}
		default:
			return 0;
		}
	}
	return 0; /* absurdly many: stop here, report what we reached */
}

/* The packet an ICMP error quotes: as much as the error carried. */
static void decode_inner(struct cur *c, int v6, struct pcap_pkt *pkt)
{
	uint8_t proto;
	if (!v6) {
		uint8_t vihl = get8(c);
		size_t ihl = (size_t)(vihl & 15) * 4;
		skip(c, 5);
		uint16_t frag = get16(c);
		skip(c, 1);
		proto = get8(c);
		skip(c, 2);
		const uint8_t *s = take(c, 4), *d = take(c, 4);
		if (c->bad || vihl >> 4 != 4 || ihl < 20 || (frag & 0x1fff))
			return;
		skip(c, ihl - 20);
		v4_addr(s, &pkt->inner_src);
		v4_addr(d, &pkt->inner_dst);
	} else {
		uint8_t ver = get8(c);
		skip(c, 5);
		proto = get8(c);
		skip(c, 1);
		const uint8_t *s = take(c, 16), *d = take(c, 16);
		int nonfirst = 0;
		if (c->bad || ver >> 4 != 6 || v6_walk(c, &proto, NULL, &nonfirst) || nonfirst)
			return;
		v6_addr(s, &pkt->inner_src);
		v6_addr(d, &pkt->inner_dst);
	}
	if (has_ports(proto)) {
		pkt->inner_sport = get16(c);
		pkt->inner_dport = get16(c);
	} else if (is_icmp(proto)) {
		pkt->inner_icmp_type = get8(c);
		skip(c, 3);
		pkt->inner_sport = get16(c);
		pkt->inner_dport = get16(c);
	}
	if (c->bad)
		return;
	pkt->inner_proto = proto;
	pkt->has_inner = 1;
}

int pcap_icmp_is_error(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_NUM_ICMP)
		return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
	return type >= 1 && type <= 4;
}

static enum pcap_decode_result decode_transport(struct cur *c, uint8_t proto, struct pcap_pkt *pkt,
						const char **reason)
{
	struct event *ev = &pkt->ev;
	switch (proto) {
	case IPPROTO_NUM_TCP: {
		ev->sport = get16(c);
		ev->dport = get16(c);
		ev->tcp_seq = get32(c);
		skip(c, 4); /* ack */
		uint16_t offflags = get16(c);
		ev->window = get16(c);
		skip(c, 4); /* checksum, urgent pointer */
		if (c->bad) {
			*reason = "truncated TCP header";
			return PCAP_DECODE_MALFORMED;
		}
		size_t doff = (size_t)(offflags >> 12) * 4;
		if (doff < 20) {
			*reason = "bad TCP header length";
			return PCAP_DECODE_MALFORMED;
		}
		ev->tcp_flags = (uint8_t)(offflags & 0xff);
		ev->flags |= EVENT_HAS_PORTS | EVENT_HAS_TCP_FLAGS | EVENT_HAS_WINDOW | EVENT_HAS_SEQ;
		/* Options cut by a short snap length lose only the MSS: the
		 * packet still counts, marked incomplete. */
		struct cur o = sub(c, doff - 20);
		if (o.n < doff - 20)
			ev->flags |= EVENT_TRUNCATED;
		while (cur_left(&o)) {
			uint8_t kind = get8(&o);
			if (kind == 0)
				break;
			if (kind == 1)
				continue;
			uint8_t len = get8(&o);
			if (o.bad || len < 2)
				break;
			const uint8_t *val = take(&o, (size_t)len - 2);
			if (!val)
				break;
			if (kind == 2 && len == 4) {
				ev->mss = (uint16_t)(val[0] << 8 | val[1]);
				ev->flags |= EVENT_HAS_MSS;
			}
		}
		return PCAP_DECODE_IP;
	}
	case IPPROTO_NUM_UDP:
	case IPPROTO_NUM_UDPLITE:
		ev->sport = get16(c);
		ev->dport = get16(c);
		skip(c, 4); /* length, checksum */
		if (c->bad) {
			*reason = "truncated UDP header";
			return PCAP_DECODE_MALFORMED;
		}
		ev->flags |= EVENT_HAS_PORTS;
		return PCAP_DECODE_IP;
	case IPPROTO_NUM_SCTP:
	case PROTO_DCCP:
		ev->sport = get16(c);
		ev->dport = get16(c);
		if (c->bad) {
			*reason = proto == PROTO_DCCP ? "truncated DCCP header" : "truncated SCTP header";
			return PCAP_DECODE_MALFORMED;
		}
		ev->flags |= EVENT_HAS_PORTS;
		return PCAP_DECODE_IP;
	case IPPROTO_NUM_ICMP:
	case IPPROTO_NUM_ICMPV6: {
		ev->icmp_type = get8(c);
		ev->icmp_code = get8(c);
		skip(c, 2); /* checksum */
		if (c->bad) {
			*reason = proto == IPPROTO_NUM_ICMP ? "truncated ICMP header"
							    : "truncated ICMPv6 header";
			return PCAP_DECODE_MALFORMED;
		}
		ev->flags |= EVENT_HAS_ICMP;
		if (pcap_icmp_is_echo_style(proto, ev->icmp_type)) {
			pkt->icmp_id = get16(c);
			pkt->icmp_seq = get16(c);
			if (c->bad) {
				*reason = proto == IPPROTO_NUM_ICMP ? "truncated ICMP header"
								    : "truncated ICMPv6 header";
				return PCAP_DECODE_MALFORMED;
			}
		} else if (pcap_icmp_is_error(proto, ev->icmp_type)) {
			skip(c, 4); /* unused / MTU / pointer / gateway */
			if (!c->bad)
				decode_inner(c, proto == IPPROTO_NUM_ICMPV6, pkt);
		}
		return PCAP_DECODE_IP;
	}
	default:
		return PCAP_DECODE_IP;
	}
}

/* ---- network layer ------------------------------------------------------- */

static enum pcap_decode_result decode_ipv4(struct cur *c, struct pcap_pkt *pkt, const char **reason)
{
	struct event *ev = &pkt->ev;
	uint8_t vihl = get8(c);
	skip(c, 1); /* TOS */
	uint16_t tot = get16(c);
	uint16_t id = get16(c);
	uint16_t frag = get16(c);
	uint8_t ttl = get8(c);
	uint8_t proto = get8(c);
	skip(c, 2); /* checksum */
	const uint8_t *s = take(c, 4), *d = take(c, 4);
	if (c->bad) {
		*reason = "truncated IPv4 header";
		return PCAP_DECODE_MALFORMED;
	}
	if (vihl >> 4 != 4) {
		*reason = "bad IP version";
		return PCAP_DECODE_MALFORMED;
	}
	size_t ihl = (size_t)(vihl & 15) * 4;
	if (ihl < 20) {
		*reason = "bad IPv4 header length";
		return PCAP_DECODE_MALFORMED;
	}
	skip(c, ihl - 20); /* options */
	if (c->bad) {
		*reason = "truncated IPv4 header";
		return PCAP_DECODE_MALFORMED;
	}
	/* A total length of 0 is what a sender capturing its own TSO
	 * segments sees: then the capture's end is the packet's end. */
	size_t body = cur_left(c);
	if (tot != 0) {
		if (tot < ihl) {
			*reason = "bad IPv4 total length";
			return PCAP_DECODE_MALFORMED;
		}
		if ((size_t)tot - ihl < body)
			body = (size_t)tot - ihl; /* link-layer padding follows */
	}
	v4_addr(s, &ev->src);
	v4_addr(d, &ev->dst);
	ev->proto = proto;
	ev->ttl = ttl;
	ev->ip_id = id;
	ev->ip_len = tot;
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_TTL | EVENT_HAS_IP_ID | EVENT_HAS_LEN;
	if (frag & 0x4000)
		ev->flags |= EVENT_DF;
	if (frag & 0x1fff) {
		ev->flags |= EVENT_FRAGMENT;
		return PCAP_DECODE_IP;
	}
	struct cur t = sub(c, body);
	return decode_transport(&t, proto, pkt, reason);
}

static enum pcap_decode_result decode_ipv6(struct cur *c, struct pcap_pkt *pkt, const char **reason)
{
	struct event *ev = &pkt->ev;
	uint8_t ver = get8(c);
	skip(c, 3); /* traffic class, flow label */
	uint16_t plen = get16(c);
	uint8_t nh = get8(c);
	uint8_t hlim = get8(c);
	const uint8_t *s = take(c, 16), *d = take(c, 16);
	if (c->bad) {
		*reason = "truncated IPv6 header";
		return PCAP_DECODE_MALFORMED;
	}
	if (ver >> 4 != 6) {
		*reason = "bad IP version";
		return PCAP_DECODE_MALFORMED;
	}
	v6_addr(s, &ev->src);
	v6_addr(d, &ev->dst);
	ev->ttl = hlim;
	ev->ip_len = (uint32_t)plen + 40;
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_TTL | EVENT_HAS_LEN;
	/* Payload length 0 is a jumbogram (or TSO): read to the capture's end. */
	struct cur body = sub(c, plen ? plen : cur_left(c));
	int nonfirst = 0;
	if (v6_walk(&body, &nh, pkt, &nonfirst)) {
		*reason = "truncated IPv6 extension header";
		return PCAP_DECODE_MALFORMED;
	}
	ev->proto = nh;
	if (nonfirst) {
		ev->flags |= EVENT_FRAGMENT;
		return PCAP_DECODE_IP;
	}
	if (nh == PROTO_NONE_V6)
		return PCAP_DECODE_IP;
	return decode_transport(&body, nh, pkt, reason);
}

/* An IP packet whose version the link layer did not say. */
static enum pcap_decode_result decode_ip_any(struct cur *c, struct pcap_pkt *pkt,
					     const char **reason)
{
	if (!cur_left(c)) {
		*reason = "truncated IP header";
		return PCAP_DECODE_MALFORMED;
	}
	uint8_t v = c->p[c->off] >> 4;
	if (v == 4)
		return decode_ipv4(c, pkt, reason);
	if (v == 6)
		return decode_ipv6(c, pkt, reason);
	*reason = "bad IP version";
	return PCAP_DECODE_MALFORMED;
}

/* ---- ARP (RFC 826) ------------------------------------------------------- */

/* An IPv4-over-Ethernet ARP request becomes an event (EVENT_ARP, proto
 * EVENT_PROTO_ARP, src/dst the sender and target protocol addresses,
 * icmp_type the operation): a who-has probes whether its target is in
 * use, which is how nmap discovers hosts on its own segment. Replies,
 * announcements (sender = target) and RFC 5227 probes (sender 0.0.0.0)
 * say nothing about scanning: no event. */
static enum pcap_decode_result decode_arp(struct cur *c, struct pcap_pkt *pkt, const char **reason)
{
	uint16_t htype = get16(c), ptype = get16(c);
	uint8_t hlen = get8(c), plen = get8(c);
	uint16_t op = get16(c);
	if (c->bad) {
		*reason = "truncated ARP header";
		return PCAP_DECODE_MALFORMED;
	}
	if (htype != 1 || ptype != ETHERTYPE_IPV4 || hlen != 6 || plen != 4)
		return PCAP_DECODE_NOT_IP; /* not Ethernet/IPv4 ARP */
	skip(c, 6);
	uint32_t spa = get32(c);
	skip(c, 6);
	uint32_t tpa = get32(c);
	if (c->bad) {
		*reason = "truncated ARP addresses";
		return PCAP_DECODE_MALFORMED;
	}
	if (op != 1 || spa == 0 || spa == tpa)
		return PCAP_DECODE_NOT_IP;
	struct event *ev = &pkt->ev;
	addr_from_v4(spa, &ev->src);
	addr_from_v4(tpa, &ev->dst);
	ev->proto = EVENT_PROTO_ARP;
	ev->icmp_type = (uint8_t)op;
	ev->flags |= EVENT_ARP | EVENT_HAS_SRC | EVENT_HAS_DST;
	return PCAP_DECODE_ARP;
}

/* ---- link layers --------------------------------------------------------- */

static enum pcap_decode_result decode_ethertype(struct cur *c, uint16_t type, struct pcap_pkt *pkt,
						const char **reason)
{
	for (int tags = 0; type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
			   type == ETHERTYPE_QINQ_OLD; tags++) {
		if (tags == MAX_VLAN_TAGS)
			return PCAP_DECODE_NOT_IP;
		skip(c, 2); /* priority, DEI, VLAN id */
		type = get16(c);
		if (c->bad) {
			*reason = "truncated VLAN tag";
			return PCAP_DECODE_MALFORMED;
		}
	}
	if (type == ETHERTYPE_IPV4)
		return decode_ipv4(c, pkt, reason);
	if (type == ETHERTYPE_IPV6)
		return decode_ipv6(c, pkt, reason);
	if (type == ETHERTYPE_ARP)
		return decode_arp(c, pkt, reason);
	return PCAP_DECODE_NOT_IP;
}

/* BSD address families for IP: AF_INET is 2 everywhere, AF_INET6 is 10
 * (Linux), 24 (NetBSD, OpenBSD), 28 (FreeBSD), 30 (macOS). */
static enum pcap_decode_result decode_af(struct cur *c, uint32_t af, struct pcap_pkt *pkt,
					 const char **reason)
{
	if (af == 2)
		return decode_ipv4(c, pkt, reason);
	if (af == 10 || af == 24 || af == 28 || af == 30)
		return decode_ipv6(c, pkt, reason);
	return PCAP_DECODE_NOT_IP;
}

#define NFULA_PAYLOAD 9
#define NFULA_PREFIX 10

static enum pcap_decode_result decode_nflog(struct cur *c, struct pcap_pkt *pkt,
					    const char **reason)
{
	uint8_t family = get8(c);
	skip(c, 3); /* version, resource id */
	if (c->bad) {
		*reason = "truncated NFLOG header";
		return PCAP_DECODE_MALFORMED;
	}
	struct cur payload = {NULL, 0, 0, 1};
	while (cur_left(c) >= 4) {
		uint16_t len = get16_host(c);
		uint16_t type = get16_host(c) & 0x3fff; /* drop the nested/byte-order bits */
		if (len < 4) {
			*reason = "bad NFLOG TLV length";
			return PCAP_DECODE_MALFORMED;
		}
		size_t vlen = (size_t)len - 4;
		if (type == NFULA_PAYLOAD) {
			/* The payload may be cut by the snap length; the IP
			 * decoder then says what is missing. */
			payload = sub(c, vlen);
			break; /* the kernel writes it last */
		}
		const uint8_t *val = take(c, vlen);
		if (!val) {
			*reason = "truncated NFLOG TLV";
			return PCAP_DECODE_MALFORMED;
		}
		if (type == NFULA_PREFIX) {
			const uint8_t *nul = memchr(val, 0, vlen);
			size_t plen = nul ? (size_t)(nul - val) : vlen;
			pkt->ev.prefix.ptr = (const char *)val;
			pkt->ev.prefix.len = (uint32_t)plen;
		}
		skip(c, (4 - len % 4) % 4); /* TLVs are 4-byte aligned */
		if (c->bad)
			break; /* padding cut: nothing after it anyway */
	}
	if (payload.bad) {
		*reason = "NFLOG record without payload";
		return PCAP_DECODE_MALFORMED;
	}
	if (family == 2)
		return decode_ipv4(&payload, pkt, reason);
	if (family == 10)
		return decode_ipv6(&payload, pkt, reason);
	return decode_ip_any(&payload, pkt, reason);
}

int pcap_link_supported(int linktype)
{
	switch (linktype) {
	case PCAP_LINK_NULL:
	case PCAP_LINK_ETHERNET:
	case PCAP_LINK_RAW:
	case PCAP_LINK_LOOP:
	case PCAP_LINK_SLL:
	case PCAP_LINK_IPV4:
	case PCAP_LINK_IPV6:
	case PCAP_LINK_NFLOG:
	case PCAP_LINK_SLL2:
		return 1;
	default:
		return 0;
	}
}

enum pcap_decode_result pcap_decode(int linktype, const uint8_t *buf, size_t caplen,
				    struct pcap_pkt *pkt, const char **reason)
{
	pcap_zero(pkt, offsetof(struct pcap_pkt, conv_key)); /* the key is the tracker's */
	pkt->ev.count = 1; /* as event_clear() leaves it */
	pkt->ev.action = EVENT_ACTION_LOG;
	struct cur c = {buf, buf ? caplen : 0, 0, 0};

	switch (linktype) {
	case PCAP_LINK_ETHERNET: {
		skip(&c, 12); /* destination, source */
		uint16_t type = get16(&c);
		if (c.bad) {
			*reason = "truncated Ethernet header";
			return PCAP_DECODE_MALFORMED;
		}
		if (type < 0x0600) /* an 802.3 length: LLC (STP, CDP...), not IP */
			return PCAP_DECODE_NOT_IP;
		return decode_ethertype(&c, type, pkt, reason);
	}
	case PCAP_LINK_SLL: {
		skip(&c, 14); /* packet type, ARPHRD, address length, address */
		uint16_t type = get16(&c);
		if (c.bad) {
			*reason = "truncated Linux cooked header";
			return PCAP_DECODE_MALFORMED;
		}
		return decode_ethertype(&c, type, pkt, reason);
	}
	case PCAP_LINK_SLL2: {
		uint16_t type = get16(&c);
		skip(&c, 18); /* reserved, ifindex, ARPHRD, packet type, address */
		if (c.bad) {
			*reason = "truncated Linux cooked header";
			return PCAP_DECODE_MALFORMED;
		}
		return decode_ethertype(&c, type, pkt, reason);
	}
	case PCAP_LINK_NULL: {
		/* Written in the capturing host's byte order: a family is
		 * small, so whichever reading is small is the right one. */
		const uint8_t *q = take(&c, 4);
		if (!q) {
			*reason = "truncated loopback header";
			return PCAP_DECODE_MALFORMED;
		}
		uint32_t le = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 |
			      (uint32_t)q[3] << 24;
		uint32_t be = (uint32_t)q[3] | (uint32_t)q[2] << 8 | (uint32_t)q[1] << 16 |
			      (uint32_t)q[0] << 24;
		return decode_af(&c, le < 256 ? le : be, pkt, reason);
	}
	case PCAP_LINK_LOOP: {
		uint32_t af = get32(&c);
		if (c.bad) {
			*reason = "truncated loopback header";
			return PCAP_DECODE_MALFORMED;
		}
		return decode_af(&c, af, pkt, reason);
	}
	case PCAP_LINK_RAW:
		return decode_ip_any(&c, pkt, reason);
	case PCAP_LINK_IPV4:
		return decode_ipv4(&c, pkt, reason);
	case PCAP_LINK_IPV6:
		return decode_ipv6(&c, pkt, reason);
	case PCAP_LINK_NFLOG:
		return decode_nflog(&c, pkt, reason);
	default:
		*reason = "unsupported link type";
		return PCAP_DECODE_MALFORMED;
	}
}
