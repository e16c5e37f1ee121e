/* The TCP wrappers parser on CrowdSec's real refusal line
 * (tests/data/tcp_wrappers/sshd-refused-conn_crowdsec.log) and lines
 * written per tcp_wrappers' refuse() (tcp_wrappers_documented.log):
 * address forms, the daemon's port, host names only, other lines. */
#include "test_parse_vendor_util.h"

#define P (&parser_tcp_wrappers)

static void test_fixtures(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "tcp_wrappers/sshd-refused-conn_crowdsec.log");
	assert_int_equal(c.event, 1);
	assert_int_equal(c.other + c.malformed + c.unknown, 0);
	c = vt_fixture(P, "tcp_wrappers/tcp_wrappers_documented.log");
	assert_int_equal(c.event, 2);
	assert_int_equal(c.other, 2);
	assert_int_equal(c.malformed + c.unknown, 0);
}

static void test_refusals(void **state)
{
	(void)state;
	vt_event(P, "Jun  3 10:00:01 host in.telnetd[4242]: refused connect from 203.0.113.5",
		 &(struct vt_want){.time = "2023-06-03T10:00:01Z", .src = "203.0.113.5",
				   .proto = 6, .ports = 1, .sport = 0, .dport = 23,
				   .action = EVENT_ACTION_REJECT, .outcome = EVENT_OUTCOME_CLOSED,
				   .sensor = "host", .prefix = "in.telnetd",
				   .detail = "refused connect"});
	vt_event(P,
		 "Jun  3 10:00:02 host vsftpd[4243]: refused connect from scanner.example "
		 "(203.0.113.6)",
		 &(struct vt_want){.time = "2023-06-03T10:00:02Z", .src = "203.0.113.6",
				   .proto = 6, .ports = 1, .sport = 0, .dport = 21,
				   .action = EVENT_ACTION_REJECT, .outcome = EVENT_OUTCOME_CLOSED,
				   .sensor = "host", .prefix = "vsftpd", .detail = "refused connect"});
	/* user@host with a v4-mapped address; a daemon of unknown port */
	vt_event(P,
		 "Dec 12 14:10:24 myhost mydaemon[16379]: refused connect from "
		 "_U2FsdGVkX19P3BCJmFBHhjLza8BcMH06WCUVwttMHpE=_@::ffff:192.168.1.1",
		 &(struct vt_want){.time = "2023-12-12T14:10:24Z", .src = "192.168.1.1",
				   .proto = 6, .action = EVENT_ACTION_REJECT,
				   .outcome = EVENT_OUTCOME_CLOSED, .sensor = "myhost",
				   .prefix = "mydaemon", .detail = "refused connect"});
}

static void test_other(void **state)
{
	(void)state;
	vt_result(P, "Jun  3 10:00:03 host in.fingerd[4244]: refused connect from unknown.example",
		  PARSE_OTHER);
	vt_result(P, "Jun  3 10:00:04 host rsyncd[4245]: connect from 203.0.113.7 (203.0.113.7)",
		  PARSE_OTHER);
	vt_result(P, "refused connect from 203.0.113.5", PARSE_UNKNOWN);
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "tcp_wrappers/tcp_wrappers_documented.log");
	vt_detect_foreign(P);
	/* sshd's own refusals are sshd's */
	const char *l = "Dec 16 14:10:24 myhost sshd[16379]: refused connect from example.com "
			"(192.168.1.1)";
	assert_int_equal(P->detect(l, strlen(l)), 0);
	assert_true(parser_sshd.detect(l, strlen(l)) > 0);
	/* the only public sample is sshd's: it parses, but detection leaves
	 * it to the sshd parser */
	for (const struct parser_example *e = P->examples; e->line; e++) {
		struct event ev;
		assert_int_equal(vt_run(P, e->line, &ev), PARSE_EVENT);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures), cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_other),    cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, vt_setup, NULL);
}
