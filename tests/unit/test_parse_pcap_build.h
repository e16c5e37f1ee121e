/* Hand-built frames for the pcap tests: each helper writes one header
 * (as RFC 791/8200/9293/768/792 and the link-type pages of tcpdump.org lay
 * it out) in front of a payload and returns the new length. Checksums are
 * left zero: the decoder does not read them. */
#ifndef TEST_PARSE_PCAP_BUILD_H
#define TEST_PARSE_PCAP_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline size_t put16(uint8_t *o, uint16_t v)
{
	o[0] = (uint8_t)(v >> 8);
	o[1] = (uint8_t)v;
	return 2;
}

static inline size_t put32(uint8_t *o, uint32_t v)
{
	o[0] = (uint8_t)(v >> 24);
	o[1] = (uint8_t)(v >> 16);
	o[2] = (uint8_t)(v >> 8);
	o[3] = (uint8_t)v;
	return 4;
}

/* TCP header, with an MSS option when mss != 0 (then 24 bytes). */
static inline size_t mk_tcp(uint8_t *o, uint16_t sp, uint16_t dp, uint8_t flags, uint32_t seq,
			    uint16_t win, uint16_t mss)
{
	size_t hl = mss ? 24 : 20;
	memset(o, 0, hl);
	put16(o, sp);
	put16(o + 2, dp);
	put32(o + 4, seq);
	o[12] = (uint8_t)((hl / 4) << 4);
	o[13] = flags;
	put16(o + 14, win);
	if (mss) {
		o[20] = 2;
		o[21] = 4;
		put16(o + 22, mss);
	}
	return hl;
}

static inline size_t mk_udp(uint8_t *o, uint16_t sp, uint16_t dp, size_t payload)
{
	memset(o, 0, 8 + payload);
	put16(o, sp);
	put16(o + 2, dp);
	put16(o + 4, (uint16_t)(8 + payload));
	return 8 + payload;
}

/* ICMP/ICMPv6 with a 4-byte rest of header (id, seq for echo). */
static inline size_t mk_icmp(uint8_t *o, uint8_t type, uint8_t code, uint16_t id, uint16_t seq)
{
	memset(o, 0, 8);
	o[0] = type;
	o[1] = code;
	put16(o + 4, id);
	put16(o + 6, seq);
	return 8;
}

/* IPv4 header of 20 + 4*opt_words bytes (NOP options) before the l4 bytes
 * (which may already be at o + header length: memmove is used). */
static inline size_t mk_ipv4(uint8_t *o, uint32_t src, uint32_t dst, uint8_t proto,
			     const uint8_t *l4, size_t l4len, uint16_t frag, int opt_words)
{
	size_t hl = 20 + 4 * (size_t)opt_words;
	memmove(o + hl, l4, l4len);
	memset(o, 0, hl);
	o[0] = (uint8_t)(0x40 | (hl / 4));
	put16(o + 2, (uint16_t)(hl + l4len));
	put16(o + 4, 0x1234);
	put16(o + 6, frag);
	o[8] = 64;
	o[9] = proto;
	put32(o + 12, src);
	put32(o + 16, dst);
	for (size_t i = 20; i < hl; i++)
		o[i] = 1; /* NOP */
	return hl + l4len;
}

/* IPv6 header before `after` (extension headers and upper layer). */
static inline size_t mk_ipv6(uint8_t *o, const uint8_t *src, const uint8_t *dst, uint8_t nh,
			     const uint8_t *after, size_t len)
{
	memmove(o + 40, after, len);
	memset(o, 0, 40);
	o[0] = 0x60;
	put16(o + 4, (uint16_t)len);
	o[6] = nh;
	o[7] = 55;
	memcpy(o + 8, src, 16);
	memcpy(o + 24, dst, 16);
	return 40 + len;
}

/* Ethernet II with n_tags 802.1Q/802.1ad tags before the ethertype. */
static inline size_t mk_eth(uint8_t *o, uint16_t type, const uint8_t *pl, size_t n, int n_tags)
{
	size_t hl = 14 + 4 * (size_t)n_tags;
	memmove(o + hl, pl, n);
	memset(o, 0, 12);
	o[0] = 0x02;
	o[6] = 0x02;
	o[11] = 1;
	size_t at = 12;
	for (int i = 0; i < n_tags; i++) {
		at += put16(o + at, i == 0 && n_tags > 1 ? 0x88a8 : 0x8100);
		at += put16(o + at, (uint16_t)(100 + i));
	}
	put16(o + at, type);
	return hl + n;
}

static inline size_t mk_sll(uint8_t *o, uint16_t type, const uint8_t *pl, size_t n)
{
	memmove(o + 16, pl, n);
	memset(o, 0, 16);
	put16(o + 2, 1);  /* ARPHRD_ETHER */
	put16(o + 4, 6);  /* address length */
	put16(o + 14, type);
	return 16 + n;
}

static inline size_t mk_sll2(uint8_t *o, uint16_t type, const uint8_t *pl, size_t n)
{
	memmove(o + 20, pl, n);
	memset(o, 0, 20);
	put16(o, type);
	put32(o + 4, 2); /* interface index */
	put16(o + 8, 1); /* ARPHRD_ETHER */
	o[11] = 6;
	return 20 + n;
}

/* BSD loopback: the family in little- or big-endian order. */
static inline size_t mk_null(uint8_t *o, uint32_t af, int big_endian, const uint8_t *pl, size_t n)
{
	memmove(o + 4, pl, n);
	if (big_endian) {
		put32(o, af);
	} else {
		o[0] = (uint8_t)af;
		o[1] = (uint8_t)(af >> 8);
		o[2] = (uint8_t)(af >> 16);
		o[3] = (uint8_t)(af >> 24);
	}
	return 4 + n;
}

/* NFLOG: header, a PREFIX TLV (if prefix), an unrelated TLV, then the
 * PAYLOAD TLV; TLV heads in host order, as libpcap hands them over. */
static inline size_t nflog_tlv(uint8_t *o, uint16_t type, const void *val, size_t len)
{
	uint16_t l = (uint16_t)(4 + len), t = type;
	memcpy(o, &l, 2);
	memcpy(o + 2, &t, 2);
	memcpy(o + 4, val, len);
	size_t padded = (4 + len + 3) & ~(size_t)3;
	memset(o + 4 + len, 0, padded - 4 - len);
	return padded;
}

static inline size_t mk_nflog(uint8_t *o, uint8_t family, const char *prefix, const uint8_t *pl,
			      size_t n)
{
	uint8_t tmp[4096];
	size_t at = 0;
	tmp[at++] = family;
	tmp[at++] = 0;
	at += put16(tmp + at, 20);
	if (prefix)
		at += nflog_tlv(tmp + at, 10, prefix, strlen(prefix) + 1);
	uint8_t hw[8] = {0, 6, 0, 0, 2, 0, 0, 1};
	at += nflog_tlv(tmp + at, 8, hw, sizeof(hw));
	at += nflog_tlv(tmp + at, 9, pl, n);
	memcpy(o, tmp, at);
	return at;
}

static inline void v6(uint8_t *a, uint8_t last)
{
	static const uint8_t base[16] = {0x20, 0x01, 0x0d, 0xb8};
	memcpy(a, base, 16);
	a[15] = last;
}

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

#endif
