/* The xinetd parser on fail2ban's real FAIL lines
 * (tests/data/xinetd/xinetd_fail2ban.log) and lines written per xinetd's
 * log.c (xinetd_documented.log): START, FAIL with its reason, the libwrap
 * and EXIT lines that are "other", services and ports. */
#include "test_parse_vendor_util.h"

#define P (&parser_xinetd)

static void test_fixtures(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "xinetd/xinetd_fail2ban.log");
	assert_int_equal(c.event, 2);
	assert_int_equal(c.other + c.malformed + c.unknown, 0);
	c = vt_fixture(P, "xinetd/xinetd_documented.log");
	assert_int_equal(c.event, 4);
	assert_int_equal(c.other, 3);
	assert_int_equal(c.malformed + c.unknown, 0);
}

static void test_lines(void **state)
{
	(void)state;
	vt_event(P, "May 15 17:38:49 boo xinetd[16256]: FAIL: telnet address from=198.51.100.169",
		 &(struct vt_want){.time = "2023-05-15T17:38:49Z", .src = "198.51.100.169",
				   .proto = 6, .ports = 1, .sport = 0, .dport = 23,
				   .action = EVENT_ACTION_REJECT, .outcome = EVENT_OUTCOME_CLOSED,
				   .sensor = "boo", .prefix = "telnet", .detail = "address"});
	vt_event(P, "Aug  3 14:38:49 backup xinetd[31234]: FAIL: amanda libwrap from=198.51.100.223",
		 &(struct vt_want){.time = "2023-08-03T14:38:49Z", .src = "198.51.100.223",
				   .proto = 6, .ports = 1, .sport = 0, .dport = 10080,
				   .action = EVENT_ACTION_REJECT, .outcome = EVENT_OUTCOME_CLOSED,
				   .sensor = "backup", .prefix = "amanda", .detail = "libwrap"});
	vt_event(P, "Feb 14 00:19:04 centos xinetd[5185]: START: tftp pid=6444 from=192.0.2.135",
		 &(struct vt_want){.time = "2023-02-14T00:19:04Z", .src = "192.0.2.135",
				   .proto = 17, .ports = 1, .sport = 0, .dport = 69,
				   .action = EVENT_ACTION_ACCEPT, .sensor = "centos",
				   .prefix = "tftp", .detail = "START"});
	vt_event(P,
		 "Feb 14 00:20:10 centos xinetd[5185]: START: telnet pid=6450 from=::ffff:198.51.100.7",
		 &(struct vt_want){.time = "2023-02-14T00:20:10Z", .src = "198.51.100.7",
				   .proto = 6, .ports = 1, .sport = 0, .dport = 23,
				   .action = EVENT_ACTION_ACCEPT, .sensor = "centos",
				   .prefix = "telnet", .detail = "START"});
	/* a service of no known port */
	vt_event(P, "Feb 14 00:20:10 centos xinetd[5185]: START: mysvc from=198.51.100.9",
		 &(struct vt_want){.time = "2023-02-14T00:20:10Z", .src = "198.51.100.9",
				   .proto = 6, .action = EVENT_ACTION_ACCEPT, .sensor = "centos",
				   .prefix = "mysvc", .detail = "START"});
}

static void test_other(void **state)
{
	(void)state;
	vt_result(P,
		  "Feb 14 00:19:04 centos xinetd[6444]: libwrap refused connection to tftp "
		  "(libwrap=in.tftpd) from 192.0.2.135",
		  PARSE_OTHER);
	vt_result(P, "Feb 14 00:19:04 centos xinetd[5185]: EXIT: tftp status=0 pid=6444 "
		     "duration=0(sec)",
		  PARSE_OTHER);
	vt_result(P, "Feb 14 00:20:12 centos xinetd[5185]: START: sgi_fam pid=6451 from=<no address>",
		  PARSE_OTHER);
	vt_result(P, "Jul  1 11:36:34 hal9003 xinetd[923]: warning: can't get client address: "
		     "Transport endpoint is not connected",
		  PARSE_OTHER);
	vt_result(P, "Feb 14 00:19:04 centos sshd[1]: Server listening", PARSE_OTHER);
	vt_result(P, "FAIL: telnet address from=198.51.100.169", PARSE_UNKNOWN);
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "xinetd/xinetd_fail2ban.log");
	vt_detect_fixture(P, "xinetd/xinetd_documented.log");
	vt_detect_foreign(P);
	vt_examples(P);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures), cmocka_unit_test(test_lines),
		cmocka_unit_test(test_other),    cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, vt_setup, NULL);
}
