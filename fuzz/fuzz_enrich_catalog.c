/* Fuzzes the service catalog parser (catalog_load_text) and, with the same
 * input split into lines, the filter parsers (filter_add as include and
 * exclude, filter_parse_time). Checks: the loaded entries are all found
 * by lookup with sane fields, bad-line counts fit the line count, a failed
 * filter_add leaves the filter unchanged, and matching never crashes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/timeconv.h"
#include "enrich/catalog.h"
#include "enrich/filter.h"

#define FUZZ_MAX_INPUT (64 * 1024)
#define FUZZ_MAX_LINE 1024

#include "fuzz_check.h"

static void check_catalog(const struct catalog *c, size_t lines, int bad)
{
	CHECK(bad >= 0 && (size_t)bad <= lines);
	for (size_t i = 0; i < catalog_size(c); i++) {
		const struct service *s = catalog_entry(c, i);
		CHECK(s && s->name && s->note);
		CHECK(s->cls <= SERVICE_ALERT);
		CHECK(strlen(s->name) > 0 && strlen(s->name) <= 64);
		CHECK(catalog_lookup(c, s->proto, s->port) == s);
		if (s->proto == IPPROTO_NUM_ICMP || s->proto == IPPROTO_NUM_ICMPV6)
			CHECK(s->port <= 255);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int zone_set;
	if (!zone_set) {
		timeconv_set_zone("Europe/Berlin");
		zone_set = 1;
	}
	if (size > FUZZ_MAX_INPUT)
		return 0;
	const char *text = (const char *)data;
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';

	struct catalog *c = catalog_new();
	char err[96];
	int bad = catalog_load_text(c, "fuzz", text, size, err, sizeof(err));
	CHECK(strlen(err) < sizeof(err));
	CHECK(bad == 0 || strncmp(err, "fuzz:", 5) == 0);
	check_catalog(c, lines, bad);
	/* Loading the same text again replaces every entry in place. */
	size_t n = catalog_size(c);
	catalog_load_text(c, "fuzz", text, size, NULL, 0);
	CHECK(catalog_size(c) == n);
	check_catalog(c, lines, bad);

	struct filter f;
	filter_init(&f);
	struct event ev;
	event_clear(&ev);
	ev.flags = EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_PORTS | EVENT_HAS_TIME;
	ev.proto = IPPROTO_NUM_TCP;
	ev.dport = 23;
	ev.src.b[10] = ev.src.b[11] = 0xff;
	ev.src.b[12] = 10;
	size_t pos = 0, k = 0;
	while (pos < size) {
		const char *nl = memchr(text + pos, '\n', size - pos);
		size_t end = nl ? (size_t)(nl - text) : size;
		size_t len = end - pos;
		if (len > FUZZ_MAX_LINE)
			len = FUZZ_MAX_LINE;
		char line[FUZZ_MAX_LINE + 1];
		memcpy(line, text + pos, len);
		line[len] = '\0';
		size_t ni = f.n_include, nx = f.n_exclude;
		unsigned fields = f.include_fields;
		int exclude = (int)(k++ & 1);
		if (filter_add(&f, line, exclude, err, sizeof(err)) != 0) {
			CHECK(f.n_include == ni && f.n_exclude == nx && f.include_fields == fields);
			CHECK(err[0] != '\0');
		}
		int64_t t;
		if (filter_parse_time(line, 1700000000LL * NS_PER_SEC, &t) == 0)
			ev.time_ns = t;
		(void)filter_match(&f, &ev);
		pos = end + 1;
	}
	for (size_t i = 0; i < f.n_include; i++)
		CHECK(f.include[i].lo <= f.include[i].hi);
	filter_fini(&f);
	catalog_free(c);
	return 0;
}
