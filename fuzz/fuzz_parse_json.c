/* Fuzzes the JSON-lines scanner (parse/json_scan.c) and the parsers built
 * on it (Cowrie, dionaea, OpenCanary, Zeek conn JSON, Suricata EVE): the
 * input is split into lines, each copied into a buffer of exactly its
 * length so a read past len is caught. Checks the scanner's contract
 * (values inside the line, decoded text within the buffer given) and each
 * parser's (a known result, a reason on PARSE_MALFORMED, slices inside the
 * line, count >= 1). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeconv.h"
#include "parse/formats.h"
#include "parse/json_scan.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

#define FUZZ_MAX_INPUT (64 * 1024)

#include "fuzz_check.h"

static const struct parser *const parsers[] = {
	&parser_cowrie, &parser_dionaea, &parser_opencanary, &parser_zeek_conn, &parser_suricata,
	NULL,
};

static void check_slice(struct slice s, const char *line, size_t len)
{
	if (s.len)
		CHECK(s.ptr >= line && s.ptr + s.len <= line + len);
}

static void check_val(const struct json_val *v, const char *line, size_t len)
{
	if (v->type == JSON_NONE)
		return;
	CHECK(v->p >= line && v->p + v->len <= line + len);
	char buf[64];
	long n = json_decode(v, buf, sizeof(buf));
	CHECK(n <= (long)sizeof(buf));
	const char *t;
	n = json_text(v, buf, sizeof(buf), &t);
	if (n >= 0)
		CHECK((t == buf) || (t >= line && t + n <= line + len));
	uint64_t u;
	int64_t ns;
	int zoned;
	(void)json_uint(v, UINT64_MAX, &u);
	(void)json_epoch_ns(v, &ns);
	if (v->type == JSON_STRING)
		(void)json_iso_time(v->p, v->len, &ns, &zoned);
}

static void scan(const char *line, size_t len)
{
	struct json_want w[] = {
		{.path = "eventid"}, {.path = "a.b"},	 {.path = "id.orig_h"}, {.path = "flow.state"},
		{.path = "alert"},   {.path = "list"},	 {.path = "credentials"}, {.path = "ts"},
	};
	size_t n = sizeof(w) / sizeof(w[0]);
	if (json_extract(line, len, w, n) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		check_val(&w[i].val, line, len);
		struct json_iter it;
		struct json_val k, v;
		if (json_iter_init(&it, &w[i].val) == 0) {
			int guard = 0;
			while (json_iter_next(&it, &k, &v) == 1 && guard++ < 1000) {
				check_val(&k, line, len);
				check_val(&v, line, len);
			}
		}
		struct json_val first;
		if (json_first_elem(&w[i].val, &first) == 0)
			check_val(&first, line, len);
	}
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
	scan(line, len);
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
