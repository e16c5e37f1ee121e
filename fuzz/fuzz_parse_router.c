/* Fuzzes the router/appliance parsers (MikroTik, Windows Firewall, the
 * generic kv): the input is split into lines,
 * each copied into a buffer of exactly its length so a read past len is
 * caught, and given to each parser's parse_line, detect and (after the
 * syslog envelope) parse_syslog. Per-file state (winfw's #Fields) lives for
 * the whole input, as for one file. Checks the contract: a known result, a
 * reason on PARSE_MALFORMED, slices inside the line, count >= 1. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeconv.h"
#include "parse/formats.h"
#include "parse/syslog_header.h"

#define FUZZ_MAX_INPUT (64 * 1024)

#include "fuzz_check.h"

static const struct parser *const fuzz_parsers[] = {&parser_mikrotik, &parser_winfw, &parser_kv_generic};
#define N_PARSERS (sizeof(fuzz_parsers) / sizeof(fuzz_parsers[0]))

static void check_slice(struct slice s, const char *line, size_t len)
{
	if (s.len == 0)
		return;
	CHECK(s.ptr >= line && s.ptr + s.len <= line + len);
}

static void check_result(enum parse_result r, const struct parse_ctx *ctx,
			 const struct event *ev, const char *line, size_t len)
{
	CHECK(r == PARSE_EVENT || r == PARSE_OTHER || r == PARSE_MALFORMED ||
	      r == PARSE_UNKNOWN);
	if (r == PARSE_MALFORMED)
		CHECK(ctx->reason != NULL);
	if (r != PARSE_EVENT)
		return;
	check_slice(ev->sensor, line, len);
	check_slice(ev->prefix, line, len);
	check_slice(ev->in_if, line, len);
	check_slice(ev->out_if, line, len);
	check_slice(ev->user, line, len);
	check_slice(ev->detail, line, len);
	CHECK(ev->action < EVENT_ACTION_COUNT);
	CHECK(ev->outcome < EVENT_OUTCOME_COUNT);
	CHECK(ev->count >= 1);
}

static void run_line(void *const *states, const char *line, size_t len)
{
	for (size_t i = 0; i < N_PARSERS; i++) {
		const struct parser *p = fuzz_parsers[i];
		struct parse_ctx ctx;
		/* a reference near the stamps of the samples; a forced year sometimes */
		parse_ctx_init(&ctx, 1685577600LL, len & 1 ? 0 : 2021, NULL);
		ctx.state = states[i];
		struct event ev;
		event_clear(&ev);
		check_result(p->parse_line(&ctx, line, len, &ev), &ctx, &ev, line, len);
		int score = p->detect(line, len);
		CHECK(score >= 0 && score <= 100);
		struct syslog_header h;
		if (p->parse_syslog && syslog_header_parse(&ctx, line, len, &h) == 0) {
			event_clear(&ev);
			ctx.reason = NULL;
			check_result(p->parse_syslog(&ctx, &h, &ev), &ctx, &ev, line, len);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int zone_set;
	if (!zone_set) {
		/* a zone with DST, so the transition code runs too */
		timeconv_set_zone("Europe/Berlin");
		zone_set = 1;
	}
	if (size > FUZZ_MAX_INPUT)
		return 0;
	void *states[N_PARSERS];
	for (size_t i = 0; i < N_PARSERS; i++)
		states[i] = fuzz_parsers[i]->state_size ? calloc(1, fuzz_parsers[i]->state_size)
							 : NULL;
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *copy = malloc(len ? len : 1);
		if (!copy)
			break;
		memcpy(copy, p, len);
		run_line(states, copy, len);
		free(copy);
		p += len + 1;
	}
	for (size_t i = 0; i < N_PARSERS; i++) {
		if (states[i] && fuzz_parsers[i]->state_fini)
			fuzz_parsers[i]->state_fini(states[i]);
		free(states[i]);
	}
	return 0;
}
