/* Fuzzes the syslog envelope reader: each input line, in a buffer of
 * exactly its length, must either be refused or give a host, tag and
 * message inside the line; looks_like must agree with parse. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeconv.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

#define FUZZ_MAX_INPUT (64 * 1024)

#include "fuzz_check.h"

static void inside(struct slice s, const char *line, size_t len)
{
	if (s.len)
		CHECK(s.ptr >= line && s.ptr + s.len <= line + len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int zone_set;
	if (!zone_set) {
		timeconv_set_zone("America/New_York");
		zone_set = 1;
	}
	if (size > FUZZ_MAX_INPUT)
		return 0;
	const char *p = (const char *)data, *end = p + size;
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 1673308800LL, 0, NULL);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = malloc(len ? len : 1);
		if (!line)
			return 0;
		memcpy(line, p, len);
		struct syslog_header h;
		int ok = syslog_header_parse(&ctx, line, len, &h) == 0;
		CHECK(ok == (syslog_header_looks_like(line, len) != 0));
		if (ok) {
			inside(h.host, line, len);
			inside(h.tag, line, len);
			CHECK(h.msg >= line && h.msg + h.msg_len <= line + len);
		}
		free(line);
		p += len + 1;
	}
	return 0;
}
