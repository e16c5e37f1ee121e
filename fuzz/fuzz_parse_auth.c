/* Fuzzes the login-daemon and scan-detector parsers (sshd, TCP wrappers,
 * xinetd, scanlogd, PortSentry, psad): the input is split into lines, each
 * copied into a buffer of exactly its length so a read past len is caught,
 * and given to each parser's parse_line, detect and syslog hook. Checks the
 * contract: a known result, a reason on PARSE_MALFORMED, slices inside the
 * line, count >= 1. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeconv.h"
#include "parse/formats.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

#define FUZZ_MAX_INPUT (64 * 1024)

#include "fuzz_check.h"

static const struct parser *const parsers[] = {
	&parser_sshd,     &parser_tcp_wrappers, &parser_xinetd, &parser_scanlogd,
	&parser_portsentry, &parser_psad,       &parser_dropbear, &parser_ftpd, NULL,
};

static void check_slice(struct slice s, const char *line, size_t len)
{
	if (s.len)
		CHECK(s.ptr >= line && s.ptr + s.len <= line + len);
}

static void check(enum parse_result r, const struct parse_ctx *ctx, const struct event *ev,
		  const char *line, size_t len)
{
	CHECK(r == PARSE_EVENT || r == PARSE_OTHER || r == PARSE_MALFORMED || r == PARSE_UNKNOWN);
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
	CHECK(ev->count >= 1);
	CHECK(ev->action < EVENT_ACTION_COUNT);
	CHECK(ev->outcome < EVENT_OUTCOME_COUNT);
}

static void run_line(const char *line, size_t len)
{
	for (size_t i = 0; parsers[i]; i++) {
		const struct parser *p = parsers[i];
		struct parse_ctx ctx;
		parse_ctx_init(&ctx, 1654041600LL, len & 1 ? 0 : 2021, NULL);
		struct event ev;
		event_clear(&ev);
		check(p->parse_line(&ctx, line, len, &ev), &ctx, &ev, line, len);
		int score = p->detect(line, len);
		CHECK(score >= 0 && score <= 100);
		struct syslog_header h;
		if (p->parse_syslog && syslog_header_parse(&ctx, line, len, &h) == 0) {
			event_clear(&ev);
			ctx.reason = NULL;
			check(p->parse_syslog(&ctx, &h, &ev), &ctx, &ev, line, len);
		}
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
