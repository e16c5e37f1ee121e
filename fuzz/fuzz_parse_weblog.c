/* Fuzzes the access-log format engine (parse/weblog_format.c) and the
 * weblog, iis and weblog-json parsers. An input starting with "C:" is an
 * Apache or nginx configuration (parse/weblog_conf.c) instead, the whole
 * input: its format is resolved (an error must come with a message). Else the
 * first line, if it starts with "F:", is a format string compiled for the
 * weblog parser; every other line goes, in a buffer of exactly its length
 * so a read past len is caught, through the weblog parser (with and
 * without that format), the iis parser (with one per-file state, so
 * "#Fields:" lines in the input steer it) and weblog-json. Checks: a
 * compile error has its offset inside the string; each parser returns a
 * known result, a reason when malformed, and an event's slices lie in the
 * line (a joined path?query in the engine's own buffer is allowed, and
 * IIS's user agent and referrer, their '+' made blanks again, in its). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/formats.h"
#include "parse/parser.h"
#include "parse/weblog_format.h"

#define FUZZ_MAX_INPUT (64 * 1024)

#include "fuzz_check.h"

/* Inside the line, or (weblog-json's decoded strings) inside the
 * context's buffer. */
static const struct parse_ctx *cur_ctx;
static void check_slice(struct slice s, const char *line, size_t len)
{
	if (!s.len)
		return;
	const char *u = cur_ctx->unescaped;
	CHECK((s.ptr >= line && s.ptr + s.len <= line + len) ||
	      (s.ptr >= u && s.ptr + s.len <= u + sizeof(cur_ctx->unescaped)));
}

static void run(const struct parser *p, struct parse_ctx *ctx, const char *b, size_t n)
{
	struct event ev;
	event_clear(&ev);
	ctx->reason = NULL;
	enum parse_result r = p->parse_line(ctx, b, n, &ev);
	CHECK(r == PARSE_EVENT || r == PARSE_OTHER || r == PARSE_MALFORMED || r == PARSE_UNKNOWN);
	if (r == PARSE_MALFORMED)
		CHECK(ctx->reason != NULL);
	if (r != PARSE_EVENT)
		return;
	CHECK(ev.http == &ctx->http);
	cur_ctx = ctx;
	const struct event_http *h = ev.http;
	check_slice(h->method, b, n);
	check_slice(h->version, b, n);
	check_slice(h->request, b, n);
	if (p == &parser_iis) {
		/* IIS headers may come from the reader's own buffer, their '+'
		 * turned back into blanks: as long as the line */
		CHECK(h->referrer.len <= n && h->user_agent.len <= n);
		CHECK(!memchr(h->user_agent.ptr ? h->user_agent.ptr : "", '+',
			      h->user_agent.ptr && h->user_agent.len <= 8192 ? h->user_agent.len : 0));
	} else {
		check_slice(h->referrer, b, n);
		check_slice(h->user_agent, b, n);
	}
	check_slice(h->vhost, b, n);
	check_slice(h->user, b, n);
	check_slice(h->client, b, n);
	check_slice(ev.sensor, b, n);
	CHECK(h->status <= 999);
	CHECK((ev.flags & EVENT_HAS_SRC) || h->client.len);
	int d = p->detect(b, n);
	CHECK(d >= 0 && d <= 100);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return 0;
	const char *p = (const char *)data, *end = p + size;
	struct weblog_format fmt;
	int have_fmt = 0;
	if (size >= 2 && p[0] == 'C' && p[1] == ':') {
		char *text = malloc(size - 2 ? size - 2 : 1);
		CHECK(text != NULL);
		memcpy(text, p + 2, size - 2);
		char err[1024];
		have_fmt = weblog_format_from_conf_text(&fmt, NULL, text, size - 2, "fuzz.conf", err,
							 sizeof(err)) == 0;
		if (!have_fmt)
			CHECK(err[0] && memchr(err, '\0', sizeof(err)));
		free(text);
		p = end; /* the configuration was the input */
	} else if (size >= 2 && p[0] == 'F' && p[1] == ':') {
		const char *nl = memchr(p, '\n', size);
		const char *fe = nl ? nl : end;
		char err[160];
		size_t at = 0;
		size_t fl = (size_t)(fe - p - 2);
		have_fmt = weblog_format_compile(&fmt, "fuzz", p + 2, fl, err, sizeof(err), &at) == 0;
		if (!have_fmt)
			CHECK(at <= fl && err[0]);
		p = nl ? nl + 1 : end;
	}
	struct parse_ctx wl, plain, iis, js;
	parse_ctx_init(&wl, 1700000000, 0, NULL);
	parse_ctx_init(&plain, 1700000000, 0, NULL);
	parse_ctx_init(&iis, 1700000000, 0, NULL);
	parse_ctx_init(&js, 1700000000, 0, NULL);
	wl.weblog = have_fmt ? &fmt : NULL;
	iis.state = calloc(1, parser_iis.state_size);
	CHECK(iis.state != NULL);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		char *b = malloc(n ? n : 1);
		CHECK(b != NULL);
		memcpy(b, p, n);
		if (have_fmt)
			run(&parser_weblog, &wl, b, n);
		run(&parser_weblog, &plain, b, n);
		run(&parser_iis, &iis, b, n);
		run(&parser_weblog_json, &js, b, n);
		free(b);
		p = nl ? nl + 1 : end;
	}
	free(iis.state);
	return 0;
}
