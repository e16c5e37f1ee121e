/* IPv4 and IPv6 in one 16-byte form (RFC 4291 2.5.5.2 v4-mapped), parsing and
 * RFC 5952 output; IPv4 parsed by hand (two per firewall line), IPv6 via inet_pton. */
#include "core/addr.h"

#include <arpa/inet.h>
#include <string.h>

int addr_is_zero(const struct ip_addr *a)
{
	for (size_t i = 0; i < 16; i++)
		if (a->b[i])
			return 0;
	return 1;
}

/* Dotted quad, exactly four decimal octets of 1-3 digits each. Leading
 * zeros are read as decimal (some devices pad octets), never as octal. */
int addr_parse_v4(const char *s, size_t len, struct ip_addr *out)
{
	const char *p = s, *end = s + len;
	uint32_t v = 0;
	for (int part = 0; part < 4; part++) {
		if (part) {
			if (p >= end || *p != '.')
				return -1;
			p++;
		}
		unsigned octet = 0, digits = 0;
		while (p < end && digits < 4) {
			unsigned d = (unsigned char)*p - '0';
			if (d > 9)
				break;
			octet = octet * 10 + d;
			digits++;
			p++;
		}
		if (digits == 0 || digits > 3 || octet > 255)
			return -1;
		v = v << 8 | octet;
	}
	if (p != end)
		return -1;
	addr_from_v4(v, out);
	return 0;
}

static int addr_parse_v6(const char *s, size_t len, struct ip_addr *out)
{
	char buf[INET6_ADDRSTRLEN + 1];
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	struct in6_addr a6;
	if (inet_pton(AF_INET6, buf, &a6) != 1)
		return -1;
	memcpy(out->b, &a6, 16);
	return 0;
}

int addr_parse(const char *s, size_t len, struct ip_addr *out)
{
	/* A dotted quad has its first ':' nowhere; IPv6 always has one within
	 * its first five characters. Peek there instead of scanning all. */
	size_t peek = len < 5 ? len : 5;
	for (size_t i = 0; i < peek; i++)
		if (s[i] == ':')
			return addr_parse_v6(s, len, out);
	return addr_parse_v4(s, len, out);
}

static char *put_u8(char *p, unsigned v)
{
	if (v >= 100) {
		*p++ = (char)('0' + v / 100);
		v %= 100;
		*p++ = (char)('0' + v / 10);
		*p++ = (char)('0' + v % 10);
	} else if (v >= 10) {
		*p++ = (char)('0' + v / 10);
		*p++ = (char)('0' + v % 10);
	} else {
		*p++ = (char)('0' + v);
	}
	return p;
}

const char *addr_format(const struct ip_addr *a, char *buf)
{
	if (addr_is_v4(a)) {
		char *p = buf;
		for (int i = 12; i < 16; i++) {
			if (i > 12)
				*p++ = '.';
			p = put_u8(p, a->b[i]);
		}
		*p = '\0';
		return buf;
	}
	/* glibc's inet_ntop follows RFC 5952: lower case, longest zero run
	 * compressed (first on ties), a lone zero field not compressed. */
	if (!inet_ntop(AF_INET6, a->b, buf, ADDR_STRLEN))
		buf[0] = '\0';
	return buf;
}

int addr_cmp(const struct ip_addr *a, const struct ip_addr *b)
{
	int va = addr_is_v4(a), vb = addr_is_v4(b);
	if (va != vb)
		return va ? -1 : 1;
	int c = memcmp(a->b, b->b, 16);
	return (c > 0) - (c < 0);
}

static void mask_bits(struct ip_addr *a, unsigned bits)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned lo = i * 8;
		if (bits >= lo + 8)
			continue;
		if (bits <= lo)
			a->b[i] = 0;
		else
			a->b[i] &= (uint8_t)(0xff00u >> (bits - lo));
	}
}

int prefix_parse(const char *s, size_t len, struct ip_prefix *out)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	struct ip_addr a;
	if (addr_parse(s, alen, &a) != 0)
		return -1;
	int v4 = addr_is_v4(&a) && !memchr(s, ':', alen);
	unsigned max = v4 ? 32 : 128;
	unsigned bits = max;
	if (slash) {
		const char *p = slash + 1, *end = s + len;
		if (p == end || end - p > 3)
			return -1;
		bits = 0;
		for (; p < end; p++) {
			unsigned d = (unsigned char)*p - '0';
			if (d > 9)
				return -1;
			bits = bits * 10 + d;
		}
		if (bits > max)
			return -1;
	}
	if (v4)
		bits += 96;
	mask_bits(&a, bits);
	out->addr = a;
	out->bits = (uint8_t)bits;
	return 0;
}

int prefix_contains(const struct ip_prefix *p, const struct ip_addr *a)
{
	unsigned bits = p->bits > 128 ? 128 : p->bits;
	unsigned full = bits / 8, rest = bits % 8;
	if (memcmp(p->addr.b, a->b, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	uint8_t m = (uint8_t)(0xff00u >> rest);
	return (p->addr.b[full] & m) == (a->b[full] & m);
}
