/* The DShield format both ways: events written by report/dshield.c and
 * read back by parse/dshield.c come back the same in every field the
 * format carries (time to the second, user id, count, addresses, ports or
 * ICMP type/code, protocol, TCP flags). The events are the fixtures of
 * other formats (honeyd, Zeek, Suricata, dionaea) parsed first, plus a
 * sweep of counts, ports, flags and protocols. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "core/event.h"
#include "core/timeconv.h"
#include "parse/formats.h"
#include "parse/parser.h"
#include "report/report.h"

#define MAX_EV 512

static struct event written[MAX_EV];
static size_t n_written;

static void add(const struct event *ev)
{
	assert_true(n_written < MAX_EV);
	written[n_written++] = *ev;
}

/* Parse a fixture with p and keep its events (their slices are not used). */
static void add_fixture(const struct parser *p, const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, rel);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char line[8192];
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 1703980800LL, 0, NULL);
	void *st = p->state_size ? calloc(1, p->state_size) : NULL;
	ctx.state = st;
	while (fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, "\r\n");
		struct event ev;
		event_clear(&ev);
		if (p->parse_line(&ctx, line, len, &ev) == PARSE_EVENT)
			add(&ev);
	}
	free(st);
	fclose(f);
}

static void test_roundtrip(void **state)
{
	(void)state;
	n_written = 0;
	add_fixture(&parser_honeyd, "honeyd/honeyd_honeyevse.log");
	add_fixture(&parser_honeyd, "honeyd/honeyd_documented.log");
	add_fixture(&parser_zeek_conn, "zeek_conn/conn_stratosphere.json");
	add_fixture(&parser_suricata, "suricata/eve_documented.json");
	add_fixture(&parser_dionaea, "dionaea/dionaea_documented.json");
	add_fixture(&parser_dshield, "dshield/dshield_documented.txt");
	size_t from_fixtures = n_written;
	assert_true(from_fixtures > 40);

	/* a sweep over what the fields can hold */
	static const uint8_t protos[] = {IPPROTO_NUM_TCP, IPPROTO_NUM_UDP, IPPROTO_NUM_ICMP,
					 IPPROTO_NUM_ICMPV6, 47, 132, 0};
	for (unsigned i = 0; i < 200; i++) {
		struct event ev;
		event_clear(&ev);
		ev.time_ns = (1600000000LL + (int64_t)i * 7919) * NS_PER_SEC + (int64_t)i * 1234567;
		ev.flags |= EVENT_HAS_TIME | EVENT_HAS_SRC | EVENT_HAS_DST;
		if (i % 3 == 0) {
			addr_from_v4(0xC0000200u + i, &ev.src);
			addr_from_v4(0xC6336400u + (i * 7 & 255), &ev.dst);
		} else {
			char a[64];
			snprintf(a, sizeof(a), "2001:db8:%x::%x", i, i * 3 + 1);
			assert_int_equal(addr_parse(a, strlen(a), &ev.src), 0);
			snprintf(a, sizeof(a), "2001:db8:ffff::%x", i);
			assert_int_equal(addr_parse(a, strlen(a), &ev.dst), 0);
		}
		ev.proto = protos[i % sizeof(protos)];
		ev.count = i == 7 ? UINT32_MAX : 1 + i * 13;
		if (ev.proto == IPPROTO_NUM_ICMP || ev.proto == IPPROTO_NUM_ICMPV6) {
			if (i % 2) {
				ev.icmp_type = (uint8_t)(i * 5);
				ev.icmp_code = (uint8_t)(i % 16);
				ev.flags |= EVENT_HAS_ICMP;
			}
		} else if (ev.proto && i % 5) {
			ev.sport = (uint16_t)(i * 331);
			ev.dport = (uint16_t)(i == 10 ? 65535 : i * 17);
			ev.flags |= EVENT_HAS_PORTS;
		}
		if (ev.proto == IPPROTO_NUM_TCP && (uint8_t)(i * 37) != 0) {
			/* a NULL scan's 0 cannot be written: see the writer */
			ev.tcp_flags = (uint8_t)(i * 37);
			ev.flags |= EVENT_HAS_TCP_FLAGS;
		}
		add(&ev);
	}

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	size_t kept = 0;
	for (size_t i = 0; i < n_written; i++) {
		struct event *ev = &written[i];
		/* what the format carries, and how the parser reads it back */
		if (!(ev->flags & EVENT_HAS_SRC) || !(ev->flags & EVENT_HAS_DST)) {
			assert_int_equal(report_dshield_event(f, ev, "4711"), -1);
			continue;
		}
		assert_int_equal(report_dshield_event(f, ev, "4711"), 0);
		written[kept++] = *ev;
	}
	fclose(f);
	assert_true(kept > from_fixtures / 2 + 200);

	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 1703980800LL, 0, NULL);
	char *p = buf, *end = buf + len;
	size_t i = 0;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		assert_non_null(nl);
		struct event back;
		event_clear(&back);
		enum parse_result r = parser_dshield.parse_line(&ctx, p, (size_t)(nl - p), &back);
		if (r != PARSE_EVENT)
			fail_msg("line %zu not read back (%s): %.*s", i, ctx.reason ? ctx.reason : "-",
				 (int)(nl - p), p);
		assert_true(i < kept);
		const struct event *w = &written[i];
		int64_t sec = w->time_ns / NS_PER_SEC - (w->time_ns % NS_PER_SEC < 0);
		assert_int_equal(back.time_ns, sec * NS_PER_SEC);
		assert_memory_equal(&back.src, &w->src, sizeof(w->src));
		assert_memory_equal(&back.dst, &w->dst, sizeof(w->dst));
		assert_int_equal(back.count, w->count ? w->count : 1);
		assert_int_equal(back.proto, w->proto);
		int icmp = w->proto == IPPROTO_NUM_ICMP || w->proto == IPPROTO_NUM_ICMPV6;
		uint32_t carried = EVENT_HAS_TIME | EVENT_HAS_SRC | EVENT_HAS_DST |
				   (icmp ? EVENT_HAS_ICMP : EVENT_HAS_PORTS) |
				   (w->proto == IPPROTO_NUM_TCP ? EVENT_HAS_TCP_FLAGS : 0);
		uint32_t want = w->flags & carried;
		if (w->tcp_flags == 0)
			want &= ~(uint32_t)EVENT_HAS_TCP_FLAGS; /* an empty flag field */
		if ((back.flags & carried) != want)
			fail_msg("line %zu: flags %x, wrote %x: %.*s", i, back.flags & carried, want,
				 (int)(nl - p), p);
		if (w->flags & EVENT_HAS_PORTS & carried) {
			assert_int_equal(back.sport, w->sport);
			assert_int_equal(back.dport, w->dport);
		}
		if (w->flags & EVENT_HAS_ICMP & carried) {
			assert_int_equal(back.icmp_type, w->icmp_type);
			assert_int_equal(back.icmp_code, w->icmp_code);
		}
		if (want & EVENT_HAS_TCP_FLAGS)
			assert_int_equal(back.tcp_flags, w->tcp_flags);
		assert_int_equal(back.sensor.len, 4);
		assert_memory_equal(back.sensor.ptr, "4711", 4);
		i++;
		p = nl + 1;
	}
	assert_int_equal(i, kept);
	free(buf);
}

static int setup(void **state)
{
	(void)state;
	return timeconv_set_zone("UTC");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
