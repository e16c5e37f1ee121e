/* IPv4 and IPv6 addresses in one 16-byte representation (RFC 4291
 * section 2.5.5.2 v4-mapped form for IPv4), prefixes, and fast text parsing. */
#ifndef CLSCAN_ADDR_H
#define CLSCAN_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct ip_addr {
	uint8_t b[16];
};

/* Longest text form incl. NUL (IPv6 with embedded IPv4). */
#define ADDR_STRLEN 46

/* Parse an IPv4 dotted quad or an IPv6 address from s[0..len).
 * Returns 0 on success, -1 if the text is not exactly one address. */
int addr_parse(const char *s, size_t len, struct ip_addr *out);
int addr_parse_v4(const char *s, size_t len, struct ip_addr *out);

/* The first 12 bytes of every IPv4 address in this form. */
static const uint8_t addr_v4_head[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* Inline, like the two below: the parsers and the detector make and test
 * IPv4 addresses several times an event. */
static inline void addr_from_v4(uint32_t host_order, struct ip_addr *out)
{
	memcpy(out->b, addr_v4_head, 12);
	out->b[12] = (uint8_t)(host_order >> 24);
	out->b[13] = (uint8_t)(host_order >> 16);
	out->b[14] = (uint8_t)(host_order >> 8);
	out->b[15] = (uint8_t)host_order;
}
static inline int addr_is_v4(const struct ip_addr *a)
{
	return memcmp(a->b, addr_v4_head, 12) == 0;
}
/* host order; only if addr_is_v4 */
static inline uint32_t addr_v4(const struct ip_addr *a)
{
	return (uint32_t)a->b[12] << 24 | (uint32_t)a->b[13] << 16 | (uint32_t)a->b[14] << 8 |
	       (uint32_t)a->b[15];
}
int addr_is_zero(const struct ip_addr *a);
/* Equality as two word compares: memcmp of 16 bytes is a call here, and
 * the per-event paths compare addresses several times an event. */
static inline int addr_eq(const struct ip_addr *a, const struct ip_addr *b)
{
	uint64_t x[2], y[2];
	memcpy(x, a->b, 16);
	memcpy(y, b->b, 16);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

/* Canonical text (RFC 5952 for IPv6, dotted quad for IPv4). buf >= ADDR_STRLEN. */
const char *addr_format(const struct ip_addr *a, char *buf);
/* Total order: all IPv4 before IPv6, then numerically. */
int addr_cmp(const struct ip_addr *a, const struct ip_addr *b);

/* A network prefix. IPv4 prefixes are stored mapped with bits += 96. */
struct ip_prefix {
	struct ip_addr addr;
	uint8_t bits; /* 0..128 */
};

/* "10.0.0.0/8", "2001:db8::/32", or a bare address (host prefix). */
int prefix_parse(const char *s, size_t len, struct ip_prefix *out);
int prefix_contains(const struct ip_prefix *p, const struct ip_addr *a);

#endif
