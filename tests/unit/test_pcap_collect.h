/* For the pcap file tests: every record a whole-file reader hands over
 * (parse_emit_fn), kept in order with its result, event, reason and rule
 * prefix, and counted by result. Include after <cmocka.h>. */
#ifndef TEST_PCAP_COLLECT_H
#define TEST_PCAP_COLLECT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"

struct rec {
	enum parse_result r;
	uint64_t record;
	struct event ev;
	const char *reason;
	char prefix[64];
};

struct run {
	struct rec *v;
	size_t n, cap;
	int rc;
	char err[256];
	size_t events, other, malformed;
};

static void collect(void *arg, struct parse_ctx *ctx, enum parse_result r, struct event *ev,
		    uint64_t record)
{
	struct run *run = arg;
	if (run->n == run->cap) {
		run->cap = run->cap ? run->cap * 2 : 1024;
		run->v = realloc(run->v, run->cap * sizeof(*run->v));
		assert_non_null(run->v);
	}
	struct rec *x = &run->v[run->n++];
	memset(x, 0, sizeof(*x));
	x->r = r;
	x->record = record;
	if (r == PARSE_EVENT) {
		x->ev = *ev;
		size_t l = ev->prefix.len < 63 ? ev->prefix.len : 63;
		if (l)
			memcpy(x->prefix, ev->prefix.ptr, l);
		x->ev.prefix.ptr = NULL; /* the reader's buffer is gone after the call */
		run->events++;
	} else if (r == PARSE_MALFORMED) {
		x->reason = ctx->reason;
		run->malformed++;
	} else {
		assert_int_equal(r, PARSE_OTHER);
		run->other++;
	}
}

#endif
