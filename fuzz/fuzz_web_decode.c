/* Fuzzes the request normaliser (web_decode_target, web_decode_header) and
 * the matcher behind it: the input is decoded as a target and as a header
 * and then fed as a whole request (target, user agent, referrer, method)
 * through a watch with the built-in signatures. Checks: output bounded and
 * NUL-terminated, the path split inside it, no upper case, no control byte,
 * no backslash or "//" left in the path, and findings that add up. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "web/web.h"

#include "fuzz_check.h"

static struct web_sigset *sigs;
static struct web_decoded d;

static void check_decoded(int is_target)
{
	CHECK(d.len < WEB_DECODE_MAX);
	CHECK(d.buf[d.len] == '\0');
	CHECK(d.path_len <= d.len);
	for (size_t i = 0; i < d.len; i++) {
		unsigned char c = (unsigned char)d.buf[i];
		CHECK(!(c >= 'A' && c <= 'Z'));
		CHECK(c >= 0x20 && c != 0x7f);
		if (is_target && i < d.path_len) {
			CHECK(c != '\\');
			CHECK(!(c == '/' && i > 0 && d.buf[i - 1] == '/'));
		}
	}
	if (is_target && d.path_len < d.len)
		CHECK(d.buf[d.path_len] == '?');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sigs) {
		sigs = web_sigset_builtin();
		web_sigset_compile(sigs);
	}
	const char *s = (const char *)data;
	web_decode_target(s, size, &d);
	check_decoded(1);
	web_decode_header(s, size, &d);
	check_decoded(0);

	struct web_config cfg;
	web_config_defaults(&cfg);
	cfg.sigs = sigs;
	cfg.max_sources = 4;
	struct web_watch *w = web_new(&cfg);
	struct event_http h;
	memset(&h, 0, sizeof(h));
	uint32_t n = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
	h.target = (struct slice){s, n};
	h.request = (struct slice){s, n};
	h.user_agent = (struct slice){s, n};
	h.referrer = (struct slice){s, n};
	h.method = (struct slice){s, n < 16 ? n : 16};
	h.status = size ? (uint16_t)(100 + data[0] * 2) : 0;
	struct event ev;
	event_clear(&ev);
	ev.http = &h;
	ev.flags |= EVENT_HAS_SRC;
	ev.src.b[15] = size ? data[size - 1] : 0;
	web_add(w, &ev);
	web_add(w, &ev);
	struct web_findings *f = web_findings(w);
	CHECK(f->requests == 2);
	CHECK(f->n_sources <= 1);
	for (size_t i = 0; i < f->n_sources; i++) {
		CHECK(f->sources[i].probes == 2 && f->sources[i].requests == 2);
		for (size_t j = 0; j < f->sources[i].n_hits; j++)
			CHECK(f->sources[i].hits[j].count == 2);
	}
	web_findings_free(f);
	web_free(w);
	return 0;
}
