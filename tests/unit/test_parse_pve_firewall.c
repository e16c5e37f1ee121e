/* Proxmox VE firewall log: every line of the real sample
 * (tests/data/netfilter/proxmox.log), bridge ports, IPv6, no IN=, no
 * prefix, the logger's own lines, and malformed heads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "core/timeconv.h"
#include "parse/parser.h"

static const char *line_of(int n, size_t *len)
{
	static char buf[4096];
	char path[512];
	snprintf(path, sizeof(path), "%s/netfilter/proxmox.log", TEST_DATA_DIR);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	for (int i = 0; i < n; i++)
		assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	*len = strlen(buf);
	while (*len && (buf[*len - 1] == '\n' || buf[*len - 1] == '\r'))
		buf[--*len] = '\0';
	return buf;
}

static const struct parser *pve(void)
{
	const struct parser *p = parser_find("pve-firewall");
	assert_non_null(p);
	return p;
}

static enum parse_result parse_n(int n, struct event *ev)
{
	size_t len;
	const char *l = line_of(n, &len);
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 0, 0, NULL);
	event_clear(ev);
	return pve()->parse_line(&ctx, l, len, ev);
}

static void slice_is(struct slice s, const char *want)
{
	assert_int_equal(s.len, strlen(want));
	if (s.len)
		assert_memory_equal(s.ptr, want, s.len);
}

static void test_udp_policy_drop(void **state)
{
	(void)state;
	struct event ev;
	assert_int_equal(parse_n(1, &ev), PARSE_EVENT);
	char b[ADDR_STRLEN], t[40];
	/* 13:09:14 at +0200 */
	assert_string_equal(time_format_rfc3339_utc(ev.time_ns, t), "2022-06-20T11:09:14Z");
	slice_is(ev.prefix, "policy DROP:");
	assert_int_equal(ev.action, EVENT_ACTION_DROP);
	slice_is(ev.sensor, "");
	slice_is(ev.in_if, "vmbr0.94");
	slice_is(ev.out_if, "");
	slice_is(ev.phys_in, "");
	slice_is(ev.phys_out, "");
	assert_string_equal(addr_format(&ev.src, b), "10.3.94.11");
	assert_string_equal(addr_format(&ev.dst, b), "10.3.94.12");
	assert_int_equal(ev.proto, 17);
	assert_int_equal(ev.sport, 49152);
	assert_int_equal(ev.dport, 3784);
	assert_int_equal(ev.ttl, 255);
	assert_int_equal(ev.ip_id, 64317);
	assert_int_equal(ev.ip_len, 52);
	assert_int_equal(ev.tcp_flags, 0);
	assert_int_equal(ev.window, 0);
	assert_int_equal(ev.flags, EVENT_HAS_TIME | EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_PORTS |
					   EVENT_HAS_TTL | EVENT_HAS_IP_ID | EVENT_HAS_LEN | EVENT_DF);
}

static void test_tcp_accept_with_seq(void **state)
{
	(void)state;
	struct event ev;
	assert_int_equal(parse_n(2, &ev), PARSE_EVENT);
	char b[ADDR_STRLEN];
	slice_is(ev.prefix, "ACCEPT:");
	assert_int_equal(ev.action, EVENT_ACTION_ACCEPT);
	assert_string_equal(addr_format(&ev.src, b), "10.3.95.34");
	assert_int_equal(ev.proto, 6);
	assert_int_equal(ev.sport, 56386);
	assert_int_equal(ev.dport, 8006);
	assert_int_equal(ev.tcp_seq, 2853565861u);
	assert_int_equal(ev.window, 64240);
	assert_int_equal(ev.tcp_flags, TCP_FLAG_SYN);
	assert_int_equal(ev.flags, EVENT_HAS_TIME | EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_PORTS |
					   EVENT_HAS_TCP_FLAGS | EVENT_HAS_TTL | EVENT_HAS_IP_ID |
					   EVENT_HAS_WINDOW | EVENT_HAS_LEN | EVENT_DF | EVENT_HAS_SEQ);
	assert_int_equal(parse_n(3, &ev), PARSE_EVENT);
	assert_int_equal(ev.action, EVENT_ACTION_REJECT);
	assert_int_equal(ev.dport, 3306);
}

static void test_bridge_and_ipv6(void **state)
{
	(void)state;
	struct event ev;
	char b[ADDR_STRLEN];
	assert_int_equal(parse_n(4, &ev), PARSE_EVENT);
	slice_is(ev.in_if, "fwbr101i0");
	slice_is(ev.out_if, "fwbr101i0");
	slice_is(ev.phys_in, "fwln101i0");
	slice_is(ev.phys_out, "tap101i0");
	assert_int_equal(ev.action, EVENT_ACTION_REJECT);
	assert_int_equal(ev.dport, 22);

	assert_int_equal(parse_n(6, &ev), PARSE_EVENT);
	slice_is(ev.prefix, "PVEFW-reject:");
	assert_int_equal(ev.action, EVENT_ACTION_REJECT);
	assert_string_equal(addr_format(&ev.src, b), "2a0a:1580::a");
	assert_string_equal(addr_format(&ev.dst, b), "2a0a:1580::17");
	assert_int_equal(ev.ttl, 64);
	assert_int_equal(ev.ip_len, 40);
	assert_false(ev.flags & EVENT_HAS_IP_ID);
	assert_int_equal(ev.sport, 59368);
	assert_int_equal(ev.tcp_seq, 3146558957u);
}

static void test_no_in_no_prefix(void **state)
{
	(void)state;
	struct event ev;
	char t[40];
	/* locally sent: OUT= only */
	assert_int_equal(parse_n(8, &ev), PARSE_EVENT);
	slice_is(ev.prefix, "REJECT:");
	slice_is(ev.in_if, "");
	slice_is(ev.out_if, "vmbr0.94");
	assert_int_equal(ev.dport, 22);
	/* a rule with a log level but no prefix: the chain names it */
	assert_int_equal(parse_n(9, &ev), PARSE_EVENT);
	slice_is(ev.prefix, "GROUP-security1-IN");
	assert_int_equal(ev.action, EVENT_ACTION_LOG);
	assert_string_equal(time_format_rfc3339_utc(ev.time_ns, t), "2022-06-20T13:52:26Z");
	assert_int_equal(parse_n(10, &ev), PARSE_EVENT);
	assert_int_equal(ev.action, EVENT_ACTION_DROP);
}

static void test_other_and_unknown(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		enum parse_result r;
	} cases[] = {
		{"0 5 - 20/Jun/2022:13:09:14 +0200 starting pvefw logger", PARSE_OTHER},
		{"May 29 06:53:55 vultr kernel: IN=ens3 OUT= SRC=1.2.3.4 DST=1.2.3.5", PARSE_UNKNOWN},
		{"0 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 0200 policy DROP: IN=x", PARSE_UNKNOWN},
		{"0 3 PVEFW-HOST-IN 32/Jun/2022:13:09:14 +0200 policy DROP: IN=x", PARSE_UNKNOWN},
		{"0 3 PVEFW-HOST-IN 20/Foo/2022:13:09:14 +0200 policy DROP: IN=x", PARSE_UNKNOWN},
		{"x 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 +0200 policy DROP: IN=x", PARSE_UNKNOWN},
		{"", PARSE_UNKNOWN},
		{"0 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 +0200 DROP: IN=x SRC=1.2.3 DST=1.2.3.4",
		 PARSE_MALFORMED},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parse_ctx ctx;
		parse_ctx_init(&ctx, 0, 0, NULL);
		struct event ev;
		event_clear(&ev);
		size_t len = strlen(cases[i].line);
		char *copy = malloc(len ? len : 1);
		memcpy(copy, cases[i].line, len);
		assert_int_equal(pve()->parse_line(&ctx, copy, len, &ev), cases[i].r);
		if (cases[i].r == PARSE_MALFORMED)
			assert_string_equal(ctx.reason, "bad SRC address");
		free(copy);
	}
}

static void test_detect(void **state)
{
	(void)state;
	size_t len;
	const char *l = line_of(1, &len);
	assert_true(pve()->detect(l, len) > 0);
	assert_int_equal(parser_find("netfilter")->detect(l, len), 0);
	const char *s = "May 29 06:53:55 vultr kernel: IN=ens3 OUT= SRC=1.2.3.4 DST=1.2.3.5";
	assert_int_equal(pve()->detect(s, strlen(s)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_policy_drop),  cmocka_unit_test(test_tcp_accept_with_seq),
		cmocka_unit_test(test_bridge_and_ipv6),  cmocka_unit_test(test_no_in_no_prefix),
		cmocka_unit_test(test_other_and_unknown), cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
