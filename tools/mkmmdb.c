/* mkmmdb: writes a small MaxMind DB file (format version 2.0, IPv6 tree
 * with 32-bit records; IPv4 networks live under ::/96 as in MaxMind's
 * own files) for the tests, so that they never need a downloaded one.
 *
 *   mkmmdb OUT KIND NETWORK=VALUE...
 *
 * KIND: country (GeoLite2 layout: {"country":{"iso_code":CC}}),
 * country_code (ip-location-db layout: {"country_code":CC}), or asn
 * (VALUE "NUMBER:ORGANISATION": {"autonomous_system_number":N,
 * "autonomous_system_organization":ORG}). NETWORK is a CIDR; networks
 * must not nest. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NODES 8192
#define MAX_DATA 65536
#define NONE UINT32_MAX

static uint32_t child[MAX_NODES][2]; /* node index, NONE, or data offset | 1 << 31 */
static uint32_t n_nodes = 1;
static unsigned char data[MAX_DATA];
static size_t data_len;

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "mkmmdb: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	exit(1);
}

static void put(unsigned char *buf, size_t *len, size_t cap, const void *p, size_t n)
{
	if (*len + n > cap)
		die("output too large", NULL);
	memcpy(buf + *len, p, n);
	*len += n;
}

/* A control byte (and extended type byte) for type and size < 285: sizes
 * 29-284 are 29 in the control byte and size - 29 in the byte after. */
static void ctrl(unsigned char *buf, size_t *len, size_t cap, unsigned type, size_t size)
{
	unsigned char c[3];
	size_t n = 0;
	if (size >= 285)
		die("field too long", NULL);
	unsigned sz = size < 29 ? (unsigned)size : 29;
	if (type <= 7) {
		c[n++] = (unsigned char)(type << 5 | sz);
	} else {
		c[n++] = (unsigned char)sz;
		c[n++] = (unsigned char)(type - 7);
	}
	if (size >= 29)
		c[n++] = (unsigned char)(size - 29);
	put(buf, len, cap, c, n);
}

static void str(unsigned char *buf, size_t *len, size_t cap, const char *s)
{
	ctrl(buf, len, cap, 2, strlen(s));
	put(buf, len, cap, s, strlen(s));
}

static void uint_be(unsigned char *buf, size_t *len, size_t cap, unsigned type, uint64_t v)
{
	unsigned char b[8];
	size_t n = 0;
	for (int shift = 56; shift >= 0; shift -= 8)
		if (n || (v >> shift & 0xff) || shift == 0)
			b[n++] = (unsigned char)(v >> shift);
	if (v == 0)
		n = 0;
	ctrl(buf, len, cap, type, n);
	put(buf, len, cap, b, n);
}

/* Appends the record for VALUE; returns its offset in the data section. */
static uint32_t add_record(const char *kind, const char *value)
{
	uint32_t off = (uint32_t)data_len;
	size_t *l = &data_len;
	if (strcmp(kind, "country") == 0) {
		ctrl(data, l, MAX_DATA, 7, 1);
		str(data, l, MAX_DATA, "country");
		ctrl(data, l, MAX_DATA, 7, 1);
		str(data, l, MAX_DATA, "iso_code");
		str(data, l, MAX_DATA, value);
	} else if (strcmp(kind, "country_code") == 0) {
		ctrl(data, l, MAX_DATA, 7, 1);
		str(data, l, MAX_DATA, "country_code");
		str(data, l, MAX_DATA, value);
	} else if (strcmp(kind, "asn") == 0) {
		char *end;
		unsigned long asn = strtoul(value, &end, 10);
		if (*end != ':')
			die("asn value is NUMBER:ORGANISATION", value);
		ctrl(data, l, MAX_DATA, 7, 2);
		str(data, l, MAX_DATA, "autonomous_system_number");
		uint_be(data, l, MAX_DATA, 6, asn);
		str(data, l, MAX_DATA, "autonomous_system_organization");
		str(data, l, MAX_DATA, end + 1);
	} else {
		die("unknown kind", kind);
	}
	return off;
}

static void insert(const unsigned char addr[16], unsigned bits, uint32_t off)
{
	uint32_t node = 0;
	for (unsigned i = 0; i < bits; i++) {
		unsigned bit = addr[i / 8] >> (7 - i % 8) & 1;
		if (i + 1 == bits) {
			child[node][bit] = off | 1u << 31;
			return;
		}
		uint32_t next = child[node][bit];
		if (next == NONE) {
			if (n_nodes >= MAX_NODES)
				die("too many nodes", NULL);
			next = n_nodes++;
			child[next][0] = child[next][1] = NONE;
			child[node][bit] = next;
		} else if (next & 1u << 31) {
			die("networks nest", NULL);
		}
		node = next;
	}
}

static void add_network(const char *kind, const char *arg)
{
	char net[64];
	const char *eq = strchr(arg, '=');
	const char *slash = strchr(arg, '/');
	if (!eq || !slash || slash > eq || (size_t)(slash - arg) >= sizeof(net))
		die("want NETWORK/BITS=VALUE", arg);
	memcpy(net, arg, (size_t)(slash - arg));
	net[slash - arg] = '\0';
	unsigned bits = (unsigned)strtoul(slash + 1, NULL, 10);
	unsigned char a[16] = {0};
	if (inet_pton(AF_INET, net, a + 12) == 1) {
		if (bits > 32)
			die("bad prefix length", arg);
		bits += 96;
	} else if (inet_pton(AF_INET6, net, a) != 1 || bits > 128) {
		die("bad network", arg);
	}
	if (bits == 0)
		die("bad prefix length", arg);
	insert(a, bits, add_record(kind, eq + 1));
}

static void write_be32(FILE *f, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 8), (unsigned char)v};
	fwrite(b, 1, 4, f);
}

int main(int argc, char **argv)
{
	if (argc < 4)
		die("usage: mkmmdb OUT country|country_code|asn NETWORK/BITS=VALUE...", NULL);
	child[0][0] = child[0][1] = NONE;
	for (int i = 3; i < argc; i++)
		add_network(argv[2], argv[i]);
	FILE *f = fopen(argv[1], "wb");
	if (!f)
		die("cannot write", argv[1]);
	/* Records: a node index, node_count for "no data", or
	 * node_count + 16 + data offset. */
	for (uint32_t n = 0; n < n_nodes; n++)
		for (int b = 0; b < 2; b++) {
			uint32_t c = child[n][b];
			if (c == NONE)
				write_be32(f, n_nodes);
			else if (c & 1u << 31)
				write_be32(f, n_nodes + 16 + (c & ~(1u << 31)));
			else
				write_be32(f, c);
		}
	static const unsigned char zeros[16];
	fwrite(zeros, 1, 16, f);
	fwrite(data, 1, data_len, f);

	static unsigned char meta[4096];
	size_t ml = 0;
	put(meta, &ml, sizeof(meta), "\xab\xcd\xefMaxMind.com", 14);
	ctrl(meta, &ml, sizeof(meta), 7, 9);
	str(meta, &ml, sizeof(meta), "node_count");
	uint_be(meta, &ml, sizeof(meta), 6, n_nodes);
	str(meta, &ml, sizeof(meta), "record_size");
	uint_be(meta, &ml, sizeof(meta), 5, 32);
	str(meta, &ml, sizeof(meta), "ip_version");
	uint_be(meta, &ml, sizeof(meta), 5, 6);
	str(meta, &ml, sizeof(meta), "database_type");
	str(meta, &ml, sizeof(meta),
	    strcmp(argv[2], "asn") == 0 ? "Test-ASN" : strcmp(argv[2], "country") == 0
							       ? "Test-Country"
							       : "country test");
	str(meta, &ml, sizeof(meta), "languages");
	ctrl(meta, &ml, sizeof(meta), 11, 0);
	str(meta, &ml, sizeof(meta), "binary_format_major_version");
	uint_be(meta, &ml, sizeof(meta), 5, 2);
	str(meta, &ml, sizeof(meta), "binary_format_minor_version");
	uint_be(meta, &ml, sizeof(meta), 5, 0);
	str(meta, &ml, sizeof(meta), "build_epoch");
	uint_be(meta, &ml, sizeof(meta), 9, 1700000000);
	str(meta, &ml, sizeof(meta), "description");
	ctrl(meta, &ml, sizeof(meta), 7, 0);
	fwrite(meta, 1, ml, f);
	if (fclose(f) != 0)
		die("write failed", argv[1]);
	return 0;
}
