/* The psad parser on alert lines written per psad's scan_logr() and
 * scan_logr_signatures() (tests/data/psad/psad_documented.log; the 2.x
 * line is the one fail2ban's psad filter quotes): port range, protocol,
 * flags, packet count, scan style, the 1.x form, signature matches. */
#include "test_parse_vendor_util.h"

#define P (&parser_psad)

static void test_fixture(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "psad/psad_documented.log");
	assert_int_equal(c.event, 6);
	assert_int_equal(c.other, 1);
	assert_int_equal(c.malformed + c.unknown, 0);
}

static void test_alerts(void **state)
{
	(void)state;
	vt_event(P,
		 "Apr 30 23:35:06 mx4 psad: scan detected: 203.0.113.49 -> 198.51.100.90 tcp: [8000] "
		 "flags: SYN tcp pkts: 1 DL: 2",
		 &(struct vt_want){.time = "2023-04-30T23:35:06Z", .src = "203.0.113.49",
				   .dst = "198.51.100.90", .proto = 6, .ports = 1, .sport = 0,
				   .dport = 8000, .has_flags = 1, .tcp_flags = TCP_FLAG_SYN,
				   .action = EVENT_ACTION_LOG, .sensor = "mx4",
				   .detail = "scan detected"});
	vt_event(P,
		 "Apr 30 23:36:06 fw psad: scan detected (Nmap -sT or -sS scan): 203.0.113.50 -> "
		 "198.51.100.90 tcp: [1000-1500] flags: SYN tcp pkts: 501 DL: 3 total scan dsts: 1",
		 &(struct vt_want){.time = "2023-04-30T23:36:06Z", .src = "203.0.113.50",
				   .dst = "198.51.100.90", .proto = 6, .ports = 1, .sport = 0,
				   .dport = 1000, .count = 501, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_SYN, .action = EVENT_ACTION_LOG,
				   .sensor = "fw", .detail = "Nmap -sT or -sS scan"});
	vt_event(P,
		 "Apr 30 23:37:06 fw psad: scan detected (-sU scan): 203.0.113.51 -> 198.51.100.90 "
		 "udp: [1000-1150] udp pkts: 151 DL: 2 total scan dsts: 1",
		 &(struct vt_want){.time = "2023-04-30T23:37:06Z", .src = "203.0.113.51",
				   .dst = "198.51.100.90", .proto = 17, .ports = 1, .sport = 0,
				   .dport = 1000, .count = 151, .action = EVENT_ACTION_LOG,
				   .sensor = "fw", .detail = "-sU scan"});
	vt_event(P,
		 "Apr 30 23:38:06 fw psad: scan detected: 203.0.113.52 -> 198.51.100.90 icmp pkts: 5 "
		 "DL: 1 total scan dsts: 1",
		 &(struct vt_want){.time = "2023-04-30T23:38:06Z", .src = "203.0.113.52",
				   .dst = "198.51.100.90", .proto = 1, .count = 5,
				   .action = EVENT_ACTION_LOG, .sensor = "fw",
				   .detail = "scan detected"});
	/* psad 1.x */
	vt_event(P,
		 "Apr 30 23:39:06 fw psad: scan detected: 203.0.113.53 -> 198.51.100.90 "
		 "tcp=[1000-1150] URG PSH FIN tcp=151 udp=0 icmp=0 dangerlevel: 3",
		 &(struct vt_want){.time = "2023-04-30T23:39:06Z", .src = "203.0.113.53",
				   .dst = "198.51.100.90", .proto = 6, .ports = 1, .sport = 0,
				   .dport = 1000, .count = 151, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_URG | TCP_FLAG_PSH | TCP_FLAG_FIN,
				   .action = EVENT_ACTION_LOG, .sensor = "fw",
				   .detail = "scan detected"});
	vt_event(P,
		 "Apr 30 23:40:06 fw psad: src: 203.0.113.54 signature match: \"MISC VNC "
		 "communication attempt\" (sid: 100202) tcp port: 5900",
		 &(struct vt_want){.time = "2023-04-30T23:40:06Z", .src = "203.0.113.54",
				   .proto = 6, .ports = 1, .sport = 0, .dport = 5900,
				   .action = EVENT_ACTION_LOG, .sensor = "fw",
				   .detail = "MISC VNC communication attempt"});
}

static void test_other_malformed(void **state)
{
	(void)state;
	vt_result(P, "Apr 30 23:41:06 fw psad: added iptables auto-block against 203.0.113.54 for "
		     "3600 seconds",
		  PARSE_OTHER);
	vt_result(P, "Apr 30 23:41:06 fw kernel: DROP IN=eth0", PARSE_OTHER);
	vt_result(P, "scan detected: 1.2.3.4 -> 5.6.7.8", PARSE_UNKNOWN);
	vt_malformed(P, "Apr 30 23:35:06 mx4 psad: scan detected: 203.0.113.499 -> 198.51.100.90",
		     "source");
	vt_malformed(P, "Apr 30 23:35:06 mx4 psad: scan detected: 203.0.113.49 => 198.51.100.90",
		     "->");
	vt_malformed(P, "Apr 30 23:35:06 mx4 psad: scan detected (open paren: 1.2.3.4 -> 5.6.7.8",
		     "style");
	vt_malformed(P, "Apr 30 23:40:06 fw psad: src: 203.0.113.54 signature match: \"cut",
		     "not closed");
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "psad/psad_documented.log");
	vt_detect_foreign(P);
	vt_examples(P);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),         cmocka_unit_test(test_alerts),
		cmocka_unit_test(test_other_malformed), cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, vt_setup, NULL);
}
