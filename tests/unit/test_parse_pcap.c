/* The byte-level packet decoder on hand-built frames: every link type
 * (Ethernet with VLAN/QinQ tags, SLL, SLL2, NULL in both orders, LOOP, raw
 * IP, NFLOG), IPv4 options and fragments, IPv6 extension headers, TCP
 * options, UDP, ICMP/ICMPv6 with the packet they quote; and every prefix
 * of each frame (and of real packets from tests/data/pcap) decodes without
 * reading past its end. */
#include <pcap/pcap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* GCC's range tracking through the inlined frame builders imagines
 * lengths near SIZE_MAX (they are all small constants here). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include "core/addr.h"
#include "parse/pcap_decode.h"
#include "test_parse_pcap_build.h"

static const uint32_t A4 = IP4(192, 0, 2, 1), B4 = IP4(192, 0, 2, 99);

static void assert_v4(const struct ip_addr *a, uint32_t want)
{
	assert_true(addr_is_v4(a));
	assert_int_equal(addr_v4(a), want);
}

/* Decode from an exactly sized heap copy, so AddressSanitizer sees any
 * read past the end. */
static enum pcap_decode_result decode_copy(int link, const uint8_t *buf, size_t len,
					   struct pcap_pkt *pkt, const char **reason)
{
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, buf, len);
	*reason = NULL;
	enum pcap_decode_result r = pcap_decode(link, len ? copy : NULL, len, pkt, reason);
	/* pkt slices (the NFLOG prefix) may point into copy: drop them. */
	pkt->ev.prefix.ptr = NULL;
	free(copy);
	return r;
}

/* Every prefix of a frame: never past its end; shorter than the headers
 * means MALFORMED (or NOT_IP), and whenever the prefix decodes as IP its
 * addresses, protocol and ports are those of the whole frame. */
static void check_prefixes(int link, const uint8_t *buf, size_t len)
{
	struct pcap_pkt full, part;
	const char *reason;
	enum pcap_decode_result rf = decode_copy(link, buf, len, &full, &reason);
	for (size_t n = 0; n < len; n++) {
		enum pcap_decode_result r = decode_copy(link, buf, n, &part, &reason);
		if (r == PCAP_DECODE_MALFORMED) {
			assert_non_null(reason);
			continue;
		}
		if (r != PCAP_DECODE_IP || rf != PCAP_DECODE_IP)
			continue;
		assert_memory_equal(&part.ev.src, &full.ev.src, sizeof(full.ev.src));
		assert_memory_equal(&part.ev.dst, &full.ev.dst, sizeof(full.ev.dst));
		assert_int_equal(part.ev.proto, full.ev.proto);
		if (part.ev.flags & EVENT_HAS_PORTS) {
			assert_int_equal(part.ev.sport, full.ev.sport);
			assert_int_equal(part.ev.dport, full.ev.dport);
		}
	}
}

/* ---- link layers ---------------------------------------------------------- */

static size_t syn_v4(uint8_t *o)
{
	uint8_t l4[64];
	size_t n = mk_tcp(l4, 40000, 22, TCP_FLAG_SYN, 0x01020304, 1024, 1460);
	return mk_ipv4(o, A4, B4, IPPROTO_NUM_TCP, l4, n, 0x4000, 0);
}

static void check_syn(const struct pcap_pkt *p)
{
	const struct event *ev = &p->ev;
	assert_v4(&ev->src, A4);
	assert_v4(&ev->dst, B4);
	assert_int_equal(ev->proto, IPPROTO_NUM_TCP);
	assert_int_equal(ev->sport, 40000);
	assert_int_equal(ev->dport, 22);
	assert_int_equal(ev->tcp_flags, TCP_FLAG_SYN);
	assert_int_equal(ev->tcp_seq, 0x01020304);
	assert_int_equal(ev->window, 1024);
	assert_int_equal(ev->mss, 1460);
	assert_int_equal(ev->ttl, 64);
	assert_int_equal(ev->ip_id, 0x1234);
	assert_int_equal(ev->ip_len, 44);
	assert_int_equal(ev->action, EVENT_ACTION_LOG);
	assert_int_equal(ev->count, 1);
	uint32_t want = EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_PORTS | EVENT_HAS_TCP_FLAGS |
			EVENT_HAS_TTL | EVENT_HAS_IP_ID | EVENT_HAS_WINDOW | EVENT_HAS_LEN | EVENT_DF |
			EVENT_HAS_SEQ | EVENT_HAS_MSS;
	assert_int_equal(ev->flags, want);
}

static void test_ethernet(void **state)
{
	(void)state;
	uint8_t ip[128], f[256];
	size_t n = syn_v4(ip);
	struct pcap_pkt p;
	const char *reason;
	for (int tags = 0; tags <= 2; tags++) {
		size_t fl = mk_eth(f, 0x0800, ip, n, tags);
		assert_int_equal(decode_copy(PCAP_LINK_ETHERNET, f, fl, &p, &reason), PCAP_DECODE_IP);
		check_syn(&p);
		check_prefixes(PCAP_LINK_ETHERNET, f, fl);
	}
	/* Ethernet padding after a short IP packet is not payload. */
	size_t fl = mk_eth(f, 0x0800, ip, n, 0);
	memset(f + fl, 0xee, 20);
	assert_int_equal(decode_copy(PCAP_LINK_ETHERNET, f, fl + 20, &p, &reason), PCAP_DECODE_IP);
	check_syn(&p);
	/* Garbage in an ARP frame and 802.3/LLC frames are not IP. */
	fl = mk_eth(f, 0x0806, ip, 28, 0);
	assert_int_equal(decode_copy(PCAP_LINK_ETHERNET, f, fl, &p, &reason), PCAP_DECODE_NOT_IP);
	fl = mk_eth(f, 0x0026, ip, 38, 0);
	assert_int_equal(decode_copy(PCAP_LINK_ETHERNET, f, fl, &p, &reason), PCAP_DECODE_NOT_IP);
	/* An IPv4 ethertype whose packet is version 6. */
	fl = mk_eth(f, 0x0800, ip, n, 0);
	f[14] = 0x65;
	assert_int_equal(decode_copy(PCAP_LINK_ETHERNET, f, fl, &p, &reason),
			 PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "bad IP version");
	/* Cut inside the Ethernet header, inside a VLAN tag. */
	assert_int_equal(decode_copy(PCAP_LINK_ETHERNET, f, 13, &p, &reason),
			 PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "truncated Ethernet header");
	fl = mk_eth(f, 0x0800, ip, n, 1);
	assert_int_equal(decode_copy(PCAP_LINK_ETHERNET, f, 16, &p, &reason),
			 PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "truncated VLAN tag");
	assert_int_equal(decode_copy(PCAP_LINK_ETHERNET, f, 30, &p, &reason),
			 PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "truncated IPv4 header");
}

static void test_cooked(void **state)
{
	(void)state;
	uint8_t ip[128], f[256];
	size_t n = syn_v4(ip);
	struct pcap_pkt p;
	const char *reason;
	size_t fl = mk_sll(f, 0x0800, ip, n);
	assert_int_equal(decode_copy(PCAP_LINK_SLL, f, fl, &p, &reason), PCAP_DECODE_IP);
	check_syn(&p);
	check_prefixes(PCAP_LINK_SLL, f, fl);
	assert_int_equal(decode_copy(PCAP_LINK_SLL, f, 15, &p, &reason), PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "truncated Linux cooked header");

	fl = mk_sll2(f, 0x0800, ip, n);
	assert_int_equal(decode_copy(PCAP_LINK_SLL2, f, fl, &p, &reason), PCAP_DECODE_IP);
	check_syn(&p);
	check_prefixes(PCAP_LINK_SLL2, f, fl);
	assert_int_equal(decode_copy(PCAP_LINK_SLL2, f, 19, &p, &reason), PCAP_DECODE_MALFORMED);
	/* A VLAN tag left in by the kernel. */
	uint8_t tagged[256];
	put16(tagged, 7);
	put16(tagged + 2, 0x0800);
	memcpy(tagged + 4, ip, n);
	fl = mk_sll2(f, 0x8100, tagged, n + 4);
	assert_int_equal(decode_copy(PCAP_LINK_SLL2, f, fl, &p, &reason), PCAP_DECODE_IP);
	check_syn(&p);
	/* Netlink or other protocols inside SLL are not IP. */
	fl = mk_sll(f, 0x0004, ip, n);
	assert_int_equal(decode_copy(PCAP_LINK_SLL, f, fl, &p, &reason), PCAP_DECODE_NOT_IP);
}

static void test_loopback(void **state)
{
	(void)state;
	uint8_t ip[128], f[256], s6[16], d6[16], l4[64];
	size_t n = syn_v4(ip);
	struct pcap_pkt p;
	const char *reason;
	for (int be = 0; be <= 1; be++) {
		size_t fl = mk_null(f, 2, be, ip, n);
		assert_int_equal(decode_copy(PCAP_LINK_NULL, f, fl, &p, &reason), PCAP_DECODE_IP);
		check_syn(&p);
		check_prefixes(PCAP_LINK_NULL, f, fl);
	}
	/* IPv6 under each BSD's AF_INET6. */
	v6(s6, 1);
	v6(d6, 2);
	size_t l4n = mk_udp(l4, 5353, 53, 4);
	size_t n6 = mk_ipv6(ip, s6, d6, IPPROTO_NUM_UDP, l4, l4n);
	const uint32_t afs[] = {10, 24, 28, 30};
	for (size_t i = 0; i < 4; i++) {
		for (int be = 0; be <= 1; be++) {
			size_t fl = mk_null(f, afs[i], be, ip, n6);
			assert_int_equal(decode_copy(PCAP_LINK_NULL, f, fl, &p, &reason),
					 PCAP_DECODE_IP);
			assert_memory_equal(p.ev.src.b, s6, 16);
			assert_int_equal(p.ev.dport, 53);
		}
	}
	size_t fl = mk_null(f, 30, 1, ip, n6);
	assert_int_equal(decode_copy(PCAP_LINK_LOOP, f, fl, &p, &reason), PCAP_DECODE_IP);
	assert_memory_equal(p.ev.dst.b, d6, 16);
	check_prefixes(PCAP_LINK_LOOP, f, fl);
	/* LOOP is always network order: a little-endian family is unknown. */
	fl = mk_null(f, 2, 0, ip, n6);
	assert_int_equal(decode_copy(PCAP_LINK_LOOP, f, fl, &p, &reason), PCAP_DECODE_NOT_IP);
	fl = mk_null(f, 7, 0, ip, n6);
	assert_int_equal(decode_copy(PCAP_LINK_NULL, f, fl, &p, &reason), PCAP_DECODE_NOT_IP);
	assert_int_equal(decode_copy(PCAP_LINK_NULL, f, 3, &p, &reason), PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "truncated loopback header");
}

static void test_raw(void **state)
{
	(void)state;
	uint8_t ip[128], s6[16], d6[16], l4[64];
	size_t n = syn_v4(ip);
	struct pcap_pkt p;
	const char *reason;
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	check_syn(&p);
	assert_int_equal(decode_copy(PCAP_LINK_IPV4, ip, n, &p, &reason), PCAP_DECODE_IP);
	check_syn(&p);
	assert_int_equal(decode_copy(PCAP_LINK_IPV6, ip, n, &p, &reason), PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "bad IP version");
	check_prefixes(PCAP_LINK_RAW, ip, n);

	v6(s6, 1);
	v6(d6, 2);
	size_t l4n = mk_tcp(l4, 1, 2, TCP_FLAG_FIN | TCP_FLAG_PSH | TCP_FLAG_URG, 9, 1024, 0);
	size_t n6 = mk_ipv6(ip, s6, d6, IPPROTO_NUM_TCP, l4, l4n);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n6, &p, &reason), PCAP_DECODE_IP);
	assert_int_equal(p.ev.tcp_flags, TCP_FLAG_FIN | TCP_FLAG_PSH | TCP_FLAG_URG);
	assert_int_equal(p.ev.ttl, 55);
	assert_int_equal(p.ev.ip_len, 60);
	assert_false(p.ev.flags & EVENT_HAS_IP_ID);
	assert_int_equal(decode_copy(PCAP_LINK_IPV6, ip, n6, &p, &reason), PCAP_DECODE_IP);
	assert_int_equal(decode_copy(PCAP_LINK_IPV4, ip, n6, &p, &reason), PCAP_DECODE_MALFORMED);
	check_prefixes(PCAP_LINK_IPV6, ip, n6);

	ip[0] = 0x50;
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n6, &p, &reason), PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "bad IP version");
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, 0, &p, &reason), PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "truncated IP header");
}

static void test_nflog(void **state)
{
	(void)state;
	uint8_t ip[128], f[512];
	size_t n = syn_v4(ip);
	struct pcap_pkt p;
	const char *reason;
	size_t fl = mk_nflog(f, 2, "DROP-IN", ip, n);
	assert_int_equal(pcap_decode(PCAP_LINK_NFLOG, f, fl, &p, &reason), PCAP_DECODE_IP);
	check_syn(&p);
	assert_int_equal(p.ev.prefix.len, 7);
	assert_memory_equal(p.ev.prefix.ptr, "DROP-IN", 7);
	assert_true((const uint8_t *)p.ev.prefix.ptr >= f &&
		    (const uint8_t *)p.ev.prefix.ptr + 7 <= f + fl);
	check_prefixes(PCAP_LINK_NFLOG, f, fl);

	/* No prefix TLV, family 0 (the version decides). */
	fl = mk_nflog(f, 0, NULL, ip, n);
	assert_int_equal(pcap_decode(PCAP_LINK_NFLOG, f, fl, &p, &reason), PCAP_DECODE_IP);
	assert_int_equal(p.ev.prefix.len, 0);
	check_syn(&p);

	/* Only the header and one TLV: no payload. */
	assert_int_equal(decode_copy(PCAP_LINK_NFLOG, f, 16, &p, &reason), PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "NFLOG record without payload");
	assert_int_equal(decode_copy(PCAP_LINK_NFLOG, f, 3, &p, &reason), PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "truncated NFLOG header");
	/* A TLV claiming fewer bytes than its own head. */
	uint16_t bad = 2;
	memcpy(f + 4, &bad, 2);
	assert_int_equal(decode_copy(PCAP_LINK_NFLOG, f, fl, &p, &reason), PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "bad NFLOG TLV length");
	/* A TLV running past the capture. */
	fl = mk_nflog(f, 2, "x", ip, n);
	uint16_t big = 400;
	memcpy(f + 4, &big, 2);
	assert_int_equal(decode_copy(PCAP_LINK_NFLOG, f, fl, &p, &reason), PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "truncated NFLOG TLV");
}

static void test_unsupported_link(void **state)
{
	(void)state;
	uint8_t ip[128];
	size_t n = syn_v4(ip);
	struct pcap_pkt p;
	const char *reason;
	assert_false(pcap_link_supported(147));
	assert_false(pcap_link_supported(-1));
	assert_true(pcap_link_supported(PCAP_LINK_SLL2));
	assert_int_equal(decode_copy(147, ip, n, &p, &reason), PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "unsupported link type");
}

/* ---- IPv4 ----------------------------------------------------------------- */

static void test_ipv4_options_and_lengths(void **state)
{
	(void)state;
	uint8_t ip[256], l4[64];
	struct pcap_pkt p;
	const char *reason;
	size_t l4n = mk_udp(l4, 53, 33434, 12);
	size_t n = mk_ipv4(ip, A4, B4, IPPROTO_NUM_UDP, l4, l4n, 0, 3);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_int_equal(p.ev.sport, 53);
	assert_int_equal(p.ev.dport, 33434);
	assert_int_equal(p.ev.ip_len, 32 + 20);
	assert_false(p.ev.flags & EVENT_DF);
	check_prefixes(PCAP_LINK_RAW, ip, n);
	/* Options cut off. */
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, 28, &p, &reason), PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "truncated IPv4 header");
	/* Header length below 20. */
	uint8_t bad[64];
	memcpy(bad, ip, n);
	bad[0] = 0x44;
	assert_int_equal(decode_copy(PCAP_LINK_RAW, bad, n, &p, &reason), PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "bad IPv4 header length");
	/* Total length shorter than the header. */
	memcpy(bad, ip, n);
	put16(bad + 2, 24);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, bad, n, &p, &reason), PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "bad IPv4 total length");
	/* Total length 0 (a TSO segment seen by its sender): the capture
	 * decides. */
	memcpy(bad, ip, n);
	put16(bad + 2, 0);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, bad, n, &p, &reason), PCAP_DECODE_IP);
	assert_int_equal(p.ev.dport, 33434);
	/* Total length cutting the UDP header: the datagram is short. */
	memcpy(bad, ip, n);
	put16(bad + 2, 32 + 4);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, bad, n, &p, &reason), PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "truncated UDP header");
}

static void test_ipv4_fragments(void **state)
{
	(void)state;
	uint8_t ip[256], l4[64];
	struct pcap_pkt p;
	const char *reason;
	size_t l4n = mk_udp(l4, 1000, 2000, 16);
	/* First fragment (MF, offset 0): ports are there. */
	size_t n = mk_ipv4(ip, A4, B4, IPPROTO_NUM_UDP, l4, l4n, 0x2000, 0);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_true(p.ev.flags & EVENT_HAS_PORTS);
	assert_false(p.ev.flags & EVENT_FRAGMENT);
	assert_int_equal(p.ev.dport, 2000);
	/* A later fragment: no transport header, whatever its bytes say. */
	n = mk_ipv4(ip, A4, B4, IPPROTO_NUM_UDP, l4, l4n, 0x0003, 0);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_true(p.ev.flags & EVENT_FRAGMENT);
	assert_false(p.ev.flags & EVENT_HAS_PORTS);
	assert_int_equal(p.ev.proto, IPPROTO_NUM_UDP);
	assert_int_equal(p.ev.sport, 0);
	/* Even a later fragment too short to hold a UDP header is fine. */
	n = mk_ipv4(ip, A4, B4, IPPROTO_NUM_UDP, l4, 2, 0x0003, 0);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_true(p.ev.flags & EVENT_FRAGMENT);
}

/* ---- IPv6 ----------------------------------------------------------------- */

static void test_ipv6_extensions(void **state)
{
	(void)state;
	uint8_t s6[16], d6[16], after[256], ip[512];
	struct pcap_pkt p;
	const char *reason;
	v6(s6, 0x10);
	v6(d6, 0x20);
	/* hop-by-hop (8) -> routing (24) -> AH (16) -> destination options
	 * (8) -> TCP SYN */
	size_t at = 0;
	memset(after, 0, sizeof(after));
	after[at] = 43; /* next: routing */
	after[at + 1] = 0;
	at += 8;
	after[at] = IPPROTO_NUM_AH;
	after[at + 1] = 2;
	at += 24;
	after[at] = 60;
	after[at + 1] = 2; /* (2 + 2) * 4 = 16 bytes */
	at += 16;
	after[at] = IPPROTO_NUM_TCP;
	after[at + 1] = 0;
	at += 8;
	at += mk_tcp(after + at, 443, 51000, TCP_FLAG_SYN | TCP_FLAG_ACK, 7, 65535, 1440);
	size_t n = mk_ipv6(ip, s6, d6, 0, after, at);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_int_equal(p.ev.proto, IPPROTO_NUM_TCP);
	assert_int_equal(p.ev.sport, 443);
	assert_int_equal(p.ev.dport, 51000);
	assert_int_equal(p.ev.tcp_flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
	assert_int_equal(p.ev.mss, 1440);
	assert_memory_equal(p.ev.src.b, s6, 16);
	assert_memory_equal(p.ev.dst.b, d6, 16);
	check_prefixes(PCAP_LINK_RAW, ip, n);
	/* Cut inside the AH header. */
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, 40 + 32 + 5, &p, &reason),
			 PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "truncated IPv6 extension header");

	/* Fragment header: first fragment has ports, a later one does not. */
	at = 0;
	after[0] = IPPROTO_NUM_UDP;
	after[1] = 0;
	put16(after + 2, 0x0001); /* offset 0, M */
	put32(after + 4, 0xabcdef01);
	at = 8 + mk_udp(after + 8, 500, 500, 8);
	n = mk_ipv6(ip, s6, d6, 44, after, at);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_int_equal(p.ev.dport, 500);
	assert_int_equal(p.ev.ip_id, 0xabcdef01);
	assert_true(p.ev.flags & EVENT_HAS_IP_ID);
	assert_false(p.ev.flags & EVENT_FRAGMENT);
	put16(after + 2, 0x00a8); /* offset 21 */
	n = mk_ipv6(ip, s6, d6, 44, after, at);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_true(p.ev.flags & EVENT_FRAGMENT);
	assert_false(p.ev.flags & EVENT_HAS_PORTS);
	assert_int_equal(p.ev.proto, IPPROTO_NUM_UDP);
	check_prefixes(PCAP_LINK_RAW, ip, n);

	/* An unknown next header stops the walk: reported as the protocol. */
	memset(after, 0x5a, 32);
	n = mk_ipv6(ip, s6, d6, 253, after, 32);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_int_equal(p.ev.proto, 253);
	assert_false(p.ev.flags & EVENT_HAS_PORTS);
	/* No next header. */
	n = mk_ipv6(ip, s6, d6, 59, after, 0);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_int_equal(p.ev.proto, 59);
	/* A chain of more extension headers than any sender uses ends safely. */
	memset(after, 0, sizeof(after));
	for (int i = 0; i < 30; i++)
		after[i * 8] = 60;
	n = mk_ipv6(ip, s6, d6, 60, after, 240);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_int_equal(p.ev.proto, 60);
	/* Short fixed header. */
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, 39, &p, &reason), PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "truncated IPv6 header");
}

/* ---- transport ------------------------------------------------------------ */

static void test_tcp_header(void **state)
{
	(void)state;
	uint8_t ip[256], l4[64];
	struct pcap_pkt p;
	const char *reason;
	/* NULL scan: no flag at all, but flags are known. */
	size_t l4n = mk_tcp(l4, 50000, 80, 0, 1, 1024, 0);
	size_t n = mk_ipv4(ip, A4, B4, IPPROTO_NUM_TCP, l4, l4n, 0, 0);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_int_equal(p.ev.tcp_flags, 0);
	assert_true(p.ev.flags & EVENT_HAS_TCP_FLAGS);
	assert_false(p.ev.flags & EVENT_HAS_MSS);
	/* Options walked past NOP, SACK-permitted, timestamps, window scale. */
	uint8_t opts[44];
	l4n = mk_tcp(opts, 50000, 80, TCP_FLAG_SYN, 1, 29200, 0);
	const uint8_t o[] = {1, 1, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7, 2, 4, 0x05, 0xb4};
	memcpy(opts + 20, o, sizeof(o));
	opts[20 + sizeof(o)] = 0;
	opts[20 + sizeof(o) + 1] = 0;
	opts[12] = (uint8_t)(((20 + 24) / 4) << 4);
	n = mk_ipv4(ip, A4, B4, IPPROTO_NUM_TCP, opts, 44, 0, 0);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_int_equal(p.ev.mss, 1460);
	assert_false(p.ev.flags & EVENT_TRUNCATED);
	check_prefixes(PCAP_LINK_RAW, ip, n);
	/* Options cut by the snap length: the event stays, marked. */
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, 20 + 20 + 10, &p, &reason),
			 PCAP_DECODE_IP);
	assert_true(p.ev.flags & EVENT_TRUNCATED);
	assert_false(p.ev.flags & EVENT_HAS_MSS);
	assert_int_equal(p.ev.dport, 80);
	/* Fixed header cut. */
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, 20 + 19, &p, &reason),
			 PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "truncated TCP header");
	/* Data offset below 5 words. */
	ip[20 + 12] = 0x40;
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "bad TCP header length");
}

static void test_other_protocols(void **state)
{
	(void)state;
	uint8_t ip[256], l4[64];
	struct pcap_pkt p;
	const char *reason;
	memset(l4, 0, sizeof(l4));
	put16(l4, 5000);
	put16(l4 + 2, 36412);
	size_t n = mk_ipv4(ip, A4, B4, IPPROTO_NUM_SCTP, l4, 12, 0, 0);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_int_equal(p.ev.proto, IPPROTO_NUM_SCTP);
	assert_int_equal(p.ev.dport, 36412);
	assert_true(p.ev.flags & EVENT_HAS_PORTS);
	n = mk_ipv4(ip, A4, B4, IPPROTO_NUM_SCTP, l4, 3, 0, 0);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "truncated SCTP header");
	/* GRE: protocol number only. */
	n = mk_ipv4(ip, A4, B4, 47, l4, 4, 0, 0);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_int_equal(p.ev.proto, 47);
	assert_false(p.ev.flags & EVENT_HAS_PORTS);
	/* An empty protocol-scan packet (nmap -sO sends bare headers). */
	n = mk_ipv4(ip, A4, B4, 241, l4, 0, 0, 0);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_int_equal(p.ev.proto, 241);
}

static void test_icmp(void **state)
{
	(void)state;
	uint8_t ip[512], l4[256], inner[128], inl4[64];
	struct pcap_pkt p;
	const char *reason;
	/* Echo request. */
	size_t l4n = mk_icmp(l4, 8, 0, 0x4242, 7);
	size_t n = mk_ipv4(ip, A4, B4, IPPROTO_NUM_ICMP, l4, l4n, 0, 0);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_true(p.ev.flags & EVENT_HAS_ICMP);
	assert_int_equal(p.ev.icmp_type, 8);
	assert_int_equal(p.icmp_id, 0x4242);
	assert_int_equal(p.icmp_seq, 7);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, 20 + 6, &p, &reason),
			 PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "truncated ICMP header");
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, 20 + 3, &p, &reason),
			 PCAP_DECODE_MALFORMED);

	/* Port unreachable quoting a UDP probe (IP header + 8 bytes). */
	size_t inn = mk_udp(inl4, 61000, 161, 0);
	size_t qn = mk_ipv4(inner, A4, B4, IPPROTO_NUM_UDP, inl4, inn, 0, 0);
	l4n = mk_icmp(l4, 3, 3, 0, 0);
	memcpy(l4 + l4n, inner, qn);
	n = mk_ipv4(ip, B4, A4, IPPROTO_NUM_ICMP, l4, l4n + qn, 0, 0);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_int_equal(p.ev.icmp_type, 3);
	assert_int_equal(p.ev.icmp_code, 3);
	assert_true(p.has_inner);
	assert_int_equal(p.inner_proto, IPPROTO_NUM_UDP);
	assert_v4(&p.inner_src, A4);
	assert_v4(&p.inner_dst, B4);
	assert_int_equal(p.inner_sport, 61000);
	assert_int_equal(p.inner_dport, 161);
	check_prefixes(PCAP_LINK_RAW, ip, n);
	/* A quote too short for the ports: the error stands, without it. */
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n - 6, &p, &reason), PCAP_DECODE_IP);
	assert_false(p.has_inner);
	/* Quoting an echo request (host unreachable). */
	inn = mk_icmp(inl4, 8, 0, 99, 1);
	qn = mk_ipv4(inner, A4, B4, IPPROTO_NUM_ICMP, inl4, inn, 0, 0);
	l4n = mk_icmp(l4, 3, 1, 0, 0);
	memcpy(l4 + l4n, inner, qn);
	n = mk_ipv4(ip, B4, A4, IPPROTO_NUM_ICMP, l4, l4n + qn, 0, 0);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_true(p.has_inner);
	assert_int_equal(p.inner_icmp_type, 8);
	assert_int_equal(p.inner_sport, 99);
	assert_int_equal(p.inner_dport, 1);

	/* ICMPv6 echo and a destination unreachable quoting TCP. */
	uint8_t s6[16], d6[16];
	v6(s6, 1);
	v6(d6, 2);
	l4n = mk_icmp(l4, 128, 0, 5, 6);
	n = mk_ipv6(ip, s6, d6, IPPROTO_NUM_ICMPV6, l4, l4n);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_int_equal(p.ev.icmp_type, 128);
	assert_int_equal(p.icmp_id, 5);
	assert_int_equal(p.icmp_seq, 6);
	inn = mk_tcp(inl4, 33000, 8080, TCP_FLAG_SYN, 1, 1024, 0);
	qn = mk_ipv6(inner, s6, d6, IPPROTO_NUM_TCP, inl4, inn);
	l4n = mk_icmp(l4, 1, 1, 0, 0);
	memcpy(l4 + l4n, inner, qn);
	n = mk_ipv6(ip, d6, s6, IPPROTO_NUM_ICMPV6, l4, l4n + qn);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, n, &p, &reason), PCAP_DECODE_IP);
	assert_true(p.has_inner);
	assert_int_equal(p.inner_proto, IPPROTO_NUM_TCP);
	assert_memory_equal(p.inner_src.b, s6, 16);
	assert_int_equal(p.inner_dport, 8080);
	check_prefixes(PCAP_LINK_RAW, ip, n);
	assert_int_equal(decode_copy(PCAP_LINK_RAW, ip, 40 + 3, &p, &reason),
			 PCAP_DECODE_MALFORMED);
	assert_string_equal(reason, "truncated ICMPv6 header");
}

/* ---- real packets --------------------------------------------------------- */

/* LINKTYPE_ of the files used here (all Ethernet or NFLOG). */
static int link_of(pcap_t *pc)
{
	int dlt = pcap_datalink(pc);
	return dlt == DLT_NFLOG ? PCAP_LINK_NFLOG : dlt == DLT_EN10MB ? PCAP_LINK_ETHERNET : -1;
}

static void test_real_prefixes(void **state)
{
	(void)state;
	static const char *const files[] = {
		"syn_scan.pcap", "udp_scan.pcap", "nflog.pcap", "hs-sh-IPscan.pcapng",
		"osfingerprinting.pcap", "null15.pcap",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[512], eb[PCAP_ERRBUF_SIZE];
		snprintf(path, sizeof(path), "%s/pcap/%s", TEST_DATA_DIR, files[i]);
		pcap_t *pc = pcap_open_offline(path, eb);
		assert_non_null(pc);
		int link = link_of(pc);
		assert_true(link >= 0);
		struct pcap_pkthdr *h;
		const u_char *d;
		int seen = 0, ip = 0;
		/* The first packets of each file, plus every 7th up to 300. */
		while (seen < 300 && pcap_next_ex(pc, &h, &d) == 1) {
			seen++;
			if (seen > 40 && seen % 7)
				continue;
			struct pcap_pkt p;
			const char *reason;
			if (decode_copy(link, d, h->caplen, &p, &reason) == PCAP_DECODE_IP)
				ip++;
			check_prefixes(link, d, h->caplen);
		}
		assert_true(ip > 0);
		pcap_close(pc);
	}
}

/* An Ethernet/IPv4 ARP packet (RFC 826): op, sender and target addresses. */
static size_t mk_arp(uint8_t *f, uint16_t op, uint32_t spa, uint32_t tpa)
{
	uint8_t a[28] = {0, 1, 8, 0, 6, 4, (uint8_t)(op >> 8), (uint8_t)op, 2, 0, 0, 0, 0, 1};
	for (int i = 0; i < 4; i++) {
		a[14 + i] = (uint8_t)(spa >> (24 - 8 * i));
		a[24 + i] = (uint8_t)(tpa >> (24 - 8 * i));
	}
	return mk_eth(f, 0x0806, a, sizeof(a), 0);
}

static void test_arp(void **state)
{
	(void)state;
	uint8_t f[256];
	struct pcap_pkt p;
	const char *reason;
	size_t fl = mk_arp(f, 1, A4, B4);
	assert_int_equal(decode_copy(PCAP_LINK_ETHERNET, f, fl, &p, &reason), PCAP_DECODE_ARP);
	assert_true(p.ev.flags & EVENT_ARP);
	assert_int_equal(p.ev.proto, EVENT_PROTO_ARP);
	assert_int_equal(p.ev.icmp_type, 1);
	assert_v4(&p.ev.src, A4);
	assert_v4(&p.ev.dst, B4);
	assert_false(p.ev.flags & EVENT_HAS_PORTS);
	/* cut short: malformed, never read past the end */
	for (size_t n = 14; n < fl; n++) {
		enum pcap_decode_result r = decode_copy(PCAP_LINK_ETHERNET, f, n, &p, &reason);
		assert_int_equal(r, PCAP_DECODE_MALFORMED);
		assert_non_null(reason);
	}
	/* replies, announcements and RFC 5227 probes: no event */
	fl = mk_arp(f, 2, B4, A4);
	assert_int_equal(decode_copy(PCAP_LINK_ETHERNET, f, fl, &p, &reason), PCAP_DECODE_NOT_IP);
	fl = mk_arp(f, 1, A4, A4);
	assert_int_equal(decode_copy(PCAP_LINK_ETHERNET, f, fl, &p, &reason), PCAP_DECODE_NOT_IP);
	fl = mk_arp(f, 1, 0, A4);
	assert_int_equal(decode_copy(PCAP_LINK_ETHERNET, f, fl, &p, &reason), PCAP_DECODE_NOT_IP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ethernet),
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_cooked),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_nflog),
		cmocka_unit_test(test_unsupported_link),
		cmocka_unit_test(test_ipv4_options_and_lengths),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_ipv6_extensions),
		cmocka_unit_test(test_tcp_header),
		cmocka_unit_test(test_other_protocols),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_real_prefixes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
