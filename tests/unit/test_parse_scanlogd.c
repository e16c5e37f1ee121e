/* The scanlogd parser on fail2ban's real scanlogd reports
 * (tests/data/scanlogd/scanlogd_fail2ban.log): ports, count, the flag
 * letters, TTL, what is "other", malformed and cut lines. */
#include "test_parse_vendor_util.h"

#define P (&parser_scanlogd)

static void test_fixture(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "scanlogd/scanlogd_fail2ban.log");
	assert_int_equal(c.event, 4);
	assert_int_equal(c.other + c.malformed + c.unknown, 0);
}

static void test_reports(void **state)
{
	(void)state;
	/* flags varied ('?'): none recorded */
	vt_event(P,
		 "Mar  5 21:44:43 srv scanlogd: 192.0.2.123 to 192.0.2.1 ports 80, 81, 83, 88, 99, "
		 "443, 1080, 3128, ..., f????uxy, TOS 00, TTL 49 @20:44:43",
		 &(struct vt_want){.time = "2023-03-05T21:44:43Z", .src = "192.0.2.123",
				   .dst = "192.0.2.1", .proto = 6, .ports = 1, .sport = 0,
				   .dport = 80, .count = 8, .ttl = 49, .action = EVENT_ACTION_LOG,
				   .sensor = "srv", .detail = "f????uxy"});
	vt_event(P,
		 "Mar  5 21:44:44 srv scanlogd: 192.0.2.123 to 192.0.2.1 ports 497, 515, 544, 543, "
		 "464, 513, ..., fSrpauxy, TOS 00 @09:04:25",
		 &(struct vt_want){.time = "2023-03-05T21:44:44Z", .src = "192.0.2.123",
				   .dst = "192.0.2.1", .proto = 6, .ports = 1, .sport = 0,
				   .dport = 497, .count = 6, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_SYN, .action = EVENT_ACTION_LOG,
				   .sensor = "srv", .detail = "fSrpauxy"});
	/* a constant source port, several targets, no TOS */
	vt_event(P,
		 "Mar  5 21:44:45 srv scanlogd[77]: 192.0.2.124:40000 to 192.0.2.1 and others, ports "
		 "22, 23, ..., FSrPaUxy, TTL 239 @17:34:00",
		 &(struct vt_want){.time = "2023-03-05T21:44:45Z", .src = "192.0.2.124",
				   .dst = "192.0.2.1", .proto = 6, .ports = 1, .sport = 40000,
				   .dport = 22, .count = 2, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_FIN | TCP_FLAG_SYN | TCP_FLAG_PSH |
						TCP_FLAG_URG,
				   .ttl = 239, .action = EVENT_ACTION_LOG, .sensor = "srv",
				   .detail = "FSrPaUxy"});
}

static void test_other_malformed(void **state)
{
	(void)state;
	vt_result(P, "Mar  5 21:44:46 srv scanlogd: More possible port scans follow", PARSE_OTHER);
	vt_result(P, "Mar  5 21:44:46 srv sshd[1]: Server listening", PARSE_OTHER);
	vt_result(P, "192.0.2.123 to 192.0.2.1 ports 80, ..., fSrpauxy @1:2:3", PARSE_UNKNOWN);
	vt_malformed(P, "Mar  5 21:44:46 srv scanlogd: 192.0.2.300 to 192.0.2.1 ports 80, ..., "
			"fSrpauxy @09:04:25",
		     "source");
	vt_malformed(P, "Mar  5 21:44:46 srv scanlogd: 192.0.2.3 to 192.0.2.1 ports ..., fSrpauxy",
		     "no port");
	vt_malformed(P, "Mar  5 21:44:46 srv scanlogd: 192.0.2.3 to 192.0.2.1 ports 80, ..., "
			"fSrpauxq @09:04:25",
		     "flags");
	vt_malformed(P, "Mar  5 21:44:46 srv scanlogd: 192.0.2.3 to 192.0.2.1 ports 80; 81",
		     "separated");
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "scanlogd/scanlogd_fail2ban.log");
	vt_detect_foreign(P);
	vt_examples(P);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),         cmocka_unit_test(test_reports),
		cmocka_unit_test(test_other_malformed), cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, vt_setup, NULL);
}
