/* The PortSentry parser on fail2ban's real history-file records
 * (tests/data/portsentry/portsentry_fail2ban.log) and alert lines written
 * per portsentry.c's Log() calls (portsentry_documented.log): scan types
 * and their flags, connects, UDP, portsentry 2's "Scan from:", the
 * follow-up lines that are "other", malformed and cut lines. */
#include "test_parse_vendor_util.h"

#define P (&parser_portsentry)

static void test_fixtures(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "portsentry/portsentry_fail2ban.log");
	assert_int_equal(c.event, 2);
	assert_int_equal(c.other + c.malformed + c.unknown, 0);
	c = vt_fixture(P, "portsentry/portsentry_documented.log");
	assert_int_equal(c.event, 6);
	assert_int_equal(c.other, 3);
	assert_int_equal(c.malformed + c.unknown, 0);
}

static void test_alerts(void **state)
{
	(void)state;
	vt_event(P,
		 "1403884279 - 06/27/2014 17:51:19 Host: 192.168.56.1/192.168.56.1 Port: 1 TCP "
		 "Blocked",
		 &(struct vt_want){.time = "2014-06-27T15:51:19Z", .src = "192.168.56.1",
				   .proto = 6, .ports = 1, .sport = 0, .dport = 1,
				   .action = EVENT_ACTION_DROP, .detail = "TCP Blocked"});
	vt_event(P,
		 "Jun  3 10:00:01 host portsentry[4242]: attackalert: SYN/Normal scan from host: "
		 "scanner.example/203.0.113.5 to TCP port: 22",
		 &(struct vt_want){.time = "2023-06-03T10:00:01Z", .src = "203.0.113.5",
				   .proto = 6, .ports = 1, .sport = 0, .dport = 22, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_SYN, .action = EVENT_ACTION_LOG,
				   .sensor = "host", .detail = "SYN/Normal scan"});
	vt_event(P,
		 "Jun  3 10:00:03 host portsentry[4242]: attackalert: Connect from host: "
		 "203.0.113.6/203.0.113.6 to TCP port: 143",
		 &(struct vt_want){.time = "2023-06-03T10:00:03Z", .src = "203.0.113.6",
				   .proto = 6, .ports = 1, .sport = 0, .dport = 143,
				   .action = EVENT_ACTION_LOG, .outcome = EVENT_OUTCOME_OPEN,
				   .sensor = "host", .detail = "Connect"});
	vt_event(P,
		 "Jun  3 10:00:04 host portsentry[4242]: attackalert: UDP scan from host: "
		 "203.0.113.7/203.0.113.7 to UDP port: 161",
		 &(struct vt_want){.time = "2023-06-03T10:00:04Z", .src = "203.0.113.7",
				   .proto = 17, .ports = 1, .sport = 0, .dport = 161,
				   .action = EVENT_ACTION_LOG, .sensor = "host", .detail = "UDP scan"});
	vt_event(P,
		 "Jun  3 10:00:05 host portsentry[4242]: attackalert: XMAS scan from host: "
		 "203.0.113.8/203.0.113.8 to TCP port: 1",
		 &(struct vt_want){.time = "2023-06-03T10:00:05Z", .src = "203.0.113.8",
				   .proto = 6, .ports = 1, .sport = 0, .dport = 1, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_FIN | TCP_FLAG_PSH | TCP_FLAG_URG,
				   .action = EVENT_ACTION_LOG, .sensor = "host",
				   .detail = "XMAS scan"});
	vt_event(P,
		 "Jun  3 10:00:06 host portsentry[4242]: attackalert: Unknown Type: TCP Packet Flags: "
		 "SYN: 1 FIN: 0 ACK: 1 PSH: 0 URG: 0 RST: 0 from host: 203.0.113.9/203.0.113.9 to "
		 "TCP port: 79",
		 &(struct vt_want){.time = "2023-06-03T10:00:06Z", .src = "203.0.113.9",
				   .proto = 6, .ports = 1, .sport = 0, .dport = 79, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_SYN | TCP_FLAG_ACK,
				   .action = EVENT_ACTION_LOG, .sensor = "host",
				   .detail = "Unknown Type: TCP Packet Flags: SYN: 1 FIN: 0 ACK: 1 PSH: "
					     "0 URG: 0 RST: 0"});
	vt_event(P,
		 "2024-05-01T10:00:08.123 Scan from: [203.0.113.10] (203.0.113.10) protocol: [TCP] "
		 "port: [23] type: [Connect] IP opts: [unknown] ignored: [false] triggered: [true] "
		 "noblock: [unset] blocked: [true]",
		 &(struct vt_want){.time = "2024-05-01T10:00:08.123Z", .src = "203.0.113.10",
				   .proto = 6, .ports = 1, .sport = 0, .dport = 23,
				   .action = EVENT_ACTION_DROP, .outcome = EVENT_OUTCOME_OPEN,
				   .detail = "Connect"});
}

static void test_other_malformed(void **state)
{
	(void)state;
	vt_result(P, "Jun  3 10:00:02 host portsentry[4242]: attackalert: Host: 203.0.113.5 is "
		     "already blocked. Ignoring",
		  PARSE_OTHER);
	vt_result(P, "Jun  3 10:00:02 host portsentry[4242]: adminalert: PortSentry is now active "
		     "and listening.",
		  PARSE_OTHER);
	vt_result(P, "Jun  3 10:00:02 host sshd[1]: Server listening", PARSE_OTHER);
	vt_result(P, "attackalert: nothing", PARSE_UNKNOWN);
	vt_malformed(P, "Jun  3 10:00:01 host portsentry[4242]: attackalert: SYN/Normal scan from "
			"host: x/999.1.1.1 to TCP port: 22",
		     "NAME/ADDRESS");
	vt_malformed(P, "Jun  3 10:00:01 host portsentry[4242]: attackalert: SYN/Normal scan from "
			"host: x/1.1.1.1 to SCTP port: 22",
		     "TCP port");
	vt_malformed(P, "1403884279 - 06/27/2014 17:51:19 Host: x/1.1.1.1 Port: many TCP Blocked",
		     "port");
	vt_malformed(P, "2024-05-01T10:00:08.123 Scan from: [203.0.113.10] (x) protocol: [TCP] "
			"port: [99999] type: [Connect]",
		     "protocol and port");
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "portsentry/portsentry_fail2ban.log");
	vt_detect_fixture(P, "portsentry/portsentry_documented.log");
	vt_detect_foreign(P);
	vt_examples(P);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),        cmocka_unit_test(test_alerts),
		cmocka_unit_test(test_other_malformed), cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, vt_setup, NULL);
}
