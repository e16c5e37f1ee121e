/* Fuzzes the signature file parser (web_sigset_load_text) and the
 * automaton built from whatever it accepted. Checks: bad lines fit the
 * line count, every loaded signature is well-formed, and the compiled set
 * matches each signature's own pattern. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/web.h"
#include "web/web_internal.h"

#include "fuzz_check.h"

static int quiet;

static void found(void *arg, uint32_t p, size_t end)
{
	(void)end;
	uint32_t *want = arg;
	if (p == want[0])
		want[1] = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!quiet) {
		/* every bad line is reported on stderr: keep the fuzzer's output
		 * readable */
		if (!freopen("/dev/null", "w", stderr))
			return 0;
		quiet = 1;
	}
	if (size > 64 * 1024)
		return 0;
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	struct web_sigset *s = web_sigset_new();
	char err[256];
	int bad = web_sigset_load_text(s, "fuzz", (const char *)data, size, err, sizeof(err));
	CHECK(bad >= 0 && (size_t)bad <= lines);
	for (size_t i = 0; i < web_sigset_count(s); i++) {
		const struct web_signature *g = web_sigset_get(s, i);
		CHECK(g->name && g->pattern && g->reference && g->origin);
		CHECK(g->cls < WEB_CLASS_COUNT && g->field < WEB_FIELD_COUNT);
		CHECK(g->severity >= 1 && g->severity <= 5);
		CHECK(g->pattern_len == strlen(g->pattern));
	}
	web_sigset_compile(s);
	/* each pattern, scanned by the automaton its field uses, is found */
	for (int sc = 0; sc < WEB_SCAN_COUNT; sc++) {
		const struct ac *a = &s->ac[sc];
		for (uint32_t p = 0; p < a->n_patterns; p++) {
			const struct web_signature *g = web_sigset_get(s, s->pat_sig[sc][p]);
			uint32_t want[2] = {p, 0};
			ac_scan(a, g->pattern, g->pattern_len, found, want);
			CHECK(want[1]);
		}
	}
	web_sigset_free(s);
	return 0;
}
