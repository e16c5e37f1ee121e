/* Fuzzes every line parser in parser_table (netfilter and the field parser
 * it shares with pve-firewall first of all): the input is split into
 * lines, each copied into a buffer of exactly its length so a read past
 * len is caught, then parsed by each parser and by each syslog-borne
 * parser's message hook. Checks the contract: a known result, a reason on
 * PARSE_MALFORMED, string slices inside the line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeconv.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

#define FUZZ_MAX_INPUT (64 * 1024)

#include "fuzz_check.h"

static void check_slice(struct slice s, const char *line, size_t len)
{
	if (s.len == 0)
		return;
	CHECK(s.ptr >= line && s.ptr + s.len <= line + len);
}

static void check_event(const struct event *ev, const char *line, size_t len)
{
	check_slice(ev->sensor, line, len);
	check_slice(ev->prefix, line, len);
	check_slice(ev->in_if, line, len);
	check_slice(ev->out_if, line, len);
	check_slice(ev->phys_in, line, len);
	check_slice(ev->phys_out, line, len);
	check_slice(ev->user, line, len);
	check_slice(ev->detail, line, len);
	CHECK(ev->action < EVENT_ACTION_COUNT);
	CHECK(ev->count >= 1);
}

static void run_line(const char *line, size_t len)
{
	struct syslog_header h;
	for (size_t i = 0; parser_table[i]; i++) {
		const struct parser *p = parser_table[i];
		if (!p->parse_line)
			continue;
		struct parse_ctx ctx;
		/* a reference near the stamps of real logs, forced year sometimes */
		parse_ctx_init(&ctx, 1654041600LL, len & 1 ? 0 : 2021, NULL);
		ctx.state = p->state_size ? calloc(1, p->state_size) : NULL;
		struct event ev;
		event_clear(&ev);
		enum parse_result r = p->parse_line(&ctx, line, len, &ev);
		CHECK(r == PARSE_EVENT || r == PARSE_OTHER || r == PARSE_MALFORMED ||
		      r == PARSE_UNKNOWN);
		if (r == PARSE_MALFORMED)
			CHECK(ctx.reason != NULL);
		if (r == PARSE_EVENT)
			check_event(&ev, line, len);
		if (p->detect) {
			int score = p->detect(line, len);
			CHECK(score >= 0 && score <= 100);
		}
		if (p->parse_syslog && syslog_header_parse(&ctx, line, len, &h) == 0) {
			event_clear(&ev);
			ctx.reason = NULL;
			r = p->parse_syslog(&ctx, &h, &ev);
			CHECK(r == PARSE_EVENT || r == PARSE_OTHER || r == PARSE_MALFORMED ||
			      r == PARSE_UNKNOWN);
			if (r == PARSE_MALFORMED)
				CHECK(ctx.reason != NULL);
			if (r == PARSE_EVENT)
				check_event(&ev, line, len);
		}
		if (ctx.state && p->state_fini)
			p->state_fini(ctx.state);
		free(ctx.state);
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
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *copy = malloc(len ? len : 1);
		if (!copy)
			return 0;
		memcpy(copy, p, len);
		run_line(copy, len);
		free(copy);
		p += len + 1;
	}
	return 0;
}
