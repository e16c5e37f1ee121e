/* The Cisco ASA/PIX/FTD parser on the OSSEC documentation's real PIX lines
 * (tests/data/cisco_asa/pix_ossec.log) and on lines written per Cisco's
 * ASA syslog message guide (asa_documented.log): every message id it
 * reads, envelopes and the firewall's own stamps, ids that are "other",
 * malformed and cut lines, detection. */
#include "test_parse_vendor_util.h"

#define P (&parser_cisco_asa)

static void test_fixtures(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "cisco_asa/pix_ossec.log");
	assert_int_equal(c.event, 69);
	assert_int_equal(c.other, 30);
	/* contributors masked some addresses with asterisks or cut them short */
	assert_int_equal(c.malformed, 6);
	assert_int_equal(c.unknown, 0);
	c = vt_fixture(P, "cisco_asa/asa_documented.log");
	assert_int_equal(c.event, 13);
	assert_int_equal(c.other, 1); /* 302014 teardown */
	assert_int_equal(c.malformed + c.unknown, 0);
}

static void test_denies(void **state)
{
	(void)state;
	vt_event(P,
		 "Jan 28 00:01:38 pix-inside %PIX-4-106023: Deny tcp src outside:213.22.40.190/1381 "
		 "dst inside:10.107.8.6/445 by access-group \"ACL-FROM-OUTSIDE\"",
		 &(struct vt_want){.time = "2023-01-28T00:01:38Z", .src = "213.22.40.190",
				   .dst = "10.107.8.6", .ports = 1, .sport = 1381, .dport = 445,
				   .proto = 6, .action = EVENT_ACTION_DROP, .sensor = "pix-inside",
				   .prefix = "ACL-FROM-OUTSIDE", .in = "outside", .out = "inside",
				   .detail = "%PIX-4-106023"});
	/* a blank after the interface's colon */
	vt_event(P,
		 "Sep  7 06:26:49 PIXName %PIX-4-106023: Deny udp src outside: 204.16.208.49/58940 "
		 "dst dmz:10.0.0.158/1027 by access-group \"acl_outside\" [0x0, 0x0]",
		 &(struct vt_want){.time = "2023-09-07T06:26:49Z", .src = "204.16.208.49",
				   .dst = "10.0.0.158", .ports = 1, .sport = 58940, .dport = 1027,
				   .proto = 17, .action = EVENT_ACTION_DROP, .sensor = "PIXName",
				   .prefix = "acl_outside", .in = "outside", .out = "dmz",
				   .detail = "%PIX-4-106023"});
	vt_event(P,
		 "Jan 28 00:41:42 pix-inside %PIX-4-106023: Deny icmp src outside:128.9.160.165 dst "
		 "inside:10.107.19.103 (type 8, code 0) by access-group \"ACL-FROM-OUTSIDE\"",
		 &(struct vt_want){.time = "2023-01-28T00:41:42Z", .src = "128.9.160.165",
				   .dst = "10.107.19.103", .proto = 1, .icmp = 1, .icmp_type = 8,
				   .action = EVENT_ACTION_DROP, .sensor = "pix-inside",
				   .prefix = "ACL-FROM-OUTSIDE", .in = "outside", .out = "inside",
				   .detail = "%PIX-4-106023"});
	vt_event(P,
		 "Jan 28 01:48:01 pix-inside %PIX-4-106023: Deny protocol 4 src "
		 "outside:131.119.0.197 dst inside:10.107.16.135 by access-group "
		 "\"ACL-FROM-OUTSIDE\"",
		 &(struct vt_want){.time = "2023-01-28T01:48:01Z", .src = "131.119.0.197",
				   .dst = "10.107.16.135", .proto = 4, .action = EVENT_ACTION_DROP,
				   .sensor = "pix-inside", .prefix = "ACL-FROM-OUTSIDE",
				   .in = "outside", .out = "inside", .detail = "%PIX-4-106023"});
	/* the ASA's own stamp with its year, after <PRI> */
	vt_event(P,
		 "<164>Aug 14 2022 06:32:29: %ASA-4-106023: Deny tcp src outside:203.0.113.20/40804 "
		 "dst dmz-1:198.51.100.88/23 by access-group \"outside_access_in\" [0x0, 0x0]",
		 &(struct vt_want){.time = "2022-08-14T06:32:29Z", .src = "203.0.113.20",
				   .dst = "198.51.100.88", .ports = 1, .sport = 40804, .dport = 23,
				   .proto = 6, .action = EVENT_ACTION_DROP,
				   .prefix = "outside_access_in", .in = "outside", .out = "dmz-1",
				   .detail = "%ASA-4-106023"});
	vt_event(P,
		 "Aug 14 06:32:38 fw1 %FTD-4-106023: Deny udp src outside:2001:db8::27/53 dst "
		 "inside:2001:db8:1::9/1053 by access-group \"CSM_FW_ACL_\" [0x97aa021a, 0x0]",
		 &(struct vt_want){.time = "2023-08-14T06:32:38Z", .src = "2001:db8::27",
				   .dst = "2001:db8:1::9", .ports = 1, .sport = 53, .dport = 1053,
				   .proto = 17, .action = EVENT_ACTION_DROP, .sensor = "fw1",
				   .prefix = "CSM_FW_ACL_", .in = "outside", .out = "inside",
				   .detail = "%FTD-4-106023"});
	vt_event(P,
		 "Aug 14 06:32:30 fw1 %ASA-2-106001: Inbound TCP connection denied from "
		 "203.0.113.21/51000 to 198.51.100.10/3389 flags SYN  on interface outside",
		 &(struct vt_want){.time = "2023-08-14T06:32:30Z", .src = "203.0.113.21",
				   .dst = "198.51.100.10", .ports = 1, .sport = 51000, .dport = 3389,
				   .proto = 6, .has_flags = 1, .tcp_flags = TCP_FLAG_SYN,
				   .action = EVENT_ACTION_DROP, .sensor = "fw1", .in = "outside",
				   .detail = "%ASA-2-106001"});
	vt_event(P,
		 "Aug 14 06:32:31 fw1 %ASA-2-106006: Deny inbound UDP from 203.0.113.22/5060 to "
		 "198.51.100.10/5060 on interface outside",
		 &(struct vt_want){.time = "2023-08-14T06:32:31Z", .src = "203.0.113.22",
				   .dst = "198.51.100.10", .ports = 1, .sport = 5060, .dport = 5060,
				   .proto = 17, .action = EVENT_ACTION_DROP, .sensor = "fw1",
				   .in = "outside", .detail = "%ASA-2-106006"});
	vt_event(P,
		 "Aug 14 06:32:32 fw1 %ASA-6-106015: Deny TCP (no connection) from "
		 "203.0.113.23/443 to 198.51.100.11/51515 flags RST ACK  on interface outside",
		 &(struct vt_want){.time = "2023-08-14T06:32:32Z", .src = "203.0.113.23",
				   .dst = "198.51.100.11", .ports = 1, .sport = 443, .dport = 51515,
				   .proto = 6, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_RST | TCP_FLAG_ACK,
				   .action = EVENT_ACTION_DROP, .sensor = "fw1", .in = "outside",
				   .detail = "%ASA-6-106015"});
	vt_event(P,
		 "Aug 14 06:32:35 fw1 %ASA-3-710003: TCP access denied by ACL from "
		 "203.0.113.26/52311 to outside:198.51.100.1/22",
		 &(struct vt_want){.time = "2023-08-14T06:32:35Z", .src = "203.0.113.26",
				   .dst = "198.51.100.1", .ports = 1, .sport = 52311, .dport = 22,
				   .proto = 6, .action = EVENT_ACTION_DROP, .sensor = "fw1",
				   .in = "outside", .detail = "%ASA-3-710003"});
	/* service names stand for ports */
	vt_event(P,
		 "%PIX-7-710005: UDP request discarded from 192.168.1.2/137 to "
		 "inside:192.168.1.255/netbios-ns",
		 &(struct vt_want){.src = "192.168.1.2", .dst = "192.168.1.255", .ports = 1,
				   .sport = 137, .dport = 137, .proto = 17,
				   .action = EVENT_ACTION_DROP, .in = "inside",
				   .detail = "%PIX-7-710005"});
	vt_event(P,
		 "<166>2022-08-14T06:32:41Z fw1 : %ASA-3-313001: Denied ICMP type=8, code=0 from "
		 "203.0.113.28 on interface outside",
		 &(struct vt_want){.time = "2022-08-14T06:32:41Z", .src = "203.0.113.28",
				   .proto = 1, .icmp = 1, .icmp_type = 8,
				   .action = EVENT_ACTION_DROP, .sensor = "fw1", .in = "outside",
				   .detail = "%ASA-3-313001"});
}

static void test_hits_and_sessions(void **state)
{
	(void)state;
	vt_event(P,
		 "Aug 14 06:32:33 fw1 %ASA-6-106100: access-list outside_in denied tcp "
		 "outside/203.0.113.24(44321) -> inside/198.51.100.12(22) hit-cnt 3 first hit "
		 "[0x91c26a3, 0x0]",
		 &(struct vt_want){.time = "2023-08-14T06:32:33Z", .src = "203.0.113.24",
				   .dst = "198.51.100.12", .ports = 1, .sport = 44321, .dport = 22,
				   .proto = 6, .action = EVENT_ACTION_DROP, .count = 3,
				   .sensor = "fw1", .prefix = "outside_in", .in = "outside",
				   .out = "inside", .detail = "%ASA-6-106100"});
	vt_event(P,
		 "Aug 14 06:32:34 fw1 %ASA-6-106100: access-list outside_in permitted icmp "
		 "outside/203.0.113.25(8) -> inside/198.51.100.12(0) hit-cnt 1 first hit "
		 "[0x2f6b5dd3, 0x0]",
		 &(struct vt_want){.time = "2023-08-14T06:32:34Z", .src = "203.0.113.25",
				   .dst = "198.51.100.12", .proto = 1, .icmp = 1, .icmp_type = 8,
				   .icmp_code = 0, .action = EVENT_ACTION_ACCEPT, .sensor = "fw1",
				   .prefix = "outside_in", .in = "outside", .out = "inside",
				   .detail = "%ASA-6-106100"});
	/* outbound: the "to" side began the connection */
	vt_event(P,
		 "Aug 14 06:32:39 fw1 %ASA-6-302013: Built outbound TCP connection 100042 for "
		 "outside:198.51.100.50/443 (198.51.100.50/443) to inside:10.0.10.50/54321 "
		 "(203.0.113.1/54321)",
		 &(struct vt_want){.time = "2023-08-14T06:32:39Z", .src = "10.0.10.50",
				   .dst = "198.51.100.50", .ports = 1, .sport = 54321, .dport = 443,
				   .proto = 6, .action = EVENT_ACTION_ACCEPT, .sensor = "fw1",
				   .in = "inside", .out = "outside", .detail = "%ASA-6-302013"});
	/* an interface name with blanks */
	vt_event(P,
		 "Sep  7 06:25:28 PIXName %PIX-6-302013: Built inbound TCP connection 141968 for "
		 "db:10.0.0.1/60749 (10.0.0.1/60749) to NP Identity Ifc: 10.0.0.2/22 (10.0.0.2/22)",
		 &(struct vt_want){.time = "2023-09-07T06:25:28Z", .src = "10.0.0.1",
				   .dst = "10.0.0.2", .ports = 1, .sport = 60749, .dport = 22,
				   .proto = 6, .action = EVENT_ACTION_ACCEPT, .sensor = "PIXName",
				   .in = "db", .out = "NP Identity Ifc",
				   .detail = "%PIX-6-302013"});
	vt_event(P,
		 "%PIX-6-605004: Login denied from 192.168.2.10/13269 to outside:192.168.2.14/ssh "
		 "for user \"root\"",
		 &(struct vt_want){.src = "192.168.2.10", .dst = "192.168.2.14", .ports = 1,
				   .sport = 13269, .dport = 22, .proto = 6,
				   .action = EVENT_ACTION_REJECT,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .in = "outside",
				   .user = "root", .detail = "%PIX-6-605004"});
}

static void test_threat_detection(void **state)
{
	(void)state;
	vt_event(P,
		 "Aug 14 06:32:36 fw1 %ASA-4-733100: [ Scanning] drop rate-1 exceeded. Current burst "
		 "rate is 2 per second, max configured rate is 10; Current average rate is 5 per "
		 "second, max configured rate is 5; Cumulative total count is 3074",
		 &(struct vt_want){.time = "2023-08-14T06:32:36Z", .action = EVENT_ACTION_DROP,
				   .sensor = "fw1",
				   .detail = "[ Scanning] drop rate-1 exceeded"});
	vt_event(P,
		 "Aug 14 06:32:42 fw1 %ASA-4-733100: [203.0.113.29] drop rate-1 exceeded. Current "
		 "burst rate is 0 per second, max configured rate is 10",
		 &(struct vt_want){.time = "2023-08-14T06:32:42Z", .src = "203.0.113.29",
				   .action = EVENT_ACTION_DROP, .sensor = "fw1",
				   .detail = "[203.0.113.29] drop rate-1 exceeded"});
	vt_event(P,
		 "Aug 14 06:32:37 fw1 %ASA-4-733101: Host 203.0.113.27 is attacking. Current burst "
		 "rate is 200 per second, max configured rate is 100",
		 &(struct vt_want){.time = "2023-08-14T06:32:37Z", .src = "203.0.113.27",
				   .action = EVENT_ACTION_LOG, .sensor = "fw1",
				   .detail = "Host 203.0.113.27 is attacking"});
	vt_event(P,
		 "Aug 14 06:32:37 fw1 %ASA-4-733101: Subnet 198.51.100.0 is targeted. Current burst "
		 "rate is 200 per second",
		 &(struct vt_want){.time = "2023-08-14T06:32:37Z", .dst = "198.51.100.0",
				   .action = EVENT_ACTION_LOG, .sensor = "fw1",
				   .detail = "Subnet 198.51.100.0 is targeted"});
	vt_event(P,
		 "<164>Jul 05 2004 00:58:00: %PIX-4-400011: IDS:2001 ICMP unreachable from "
		 "172.54.32.18 to 192.168.54.23 on interface outside",
		 &(struct vt_want){.time = "2004-07-05T00:58:00Z", .src = "172.54.32.18",
				   .dst = "192.168.54.23", .action = EVENT_ACTION_LOG,
				   .in = "outside", .detail = "IDS:2001 ICMP unreachable"});
}

static void test_other_malformed(void **state)
{
	(void)state;
	vt_result(P,
		  "Aug 14 06:32:40 fw1 %ASA-6-302014: Teardown TCP connection 100042 for "
		  "outside:198.51.100.50/443 to inside:10.0.10.50/54321 duration 0:01:23 bytes 5120",
		  PARSE_OTHER);
	vt_result(P, "%PIX-7-710001: TCP access requested from 192.168.2.10/13269 to "
		     "outside:192.168.2.14/ssh",
		  PARSE_OTHER);
	vt_result(P, "%PIX-3-201008: The PIX is disallowing new connections.", PARSE_OTHER);
	vt_result(P, "Sep  6 09:25:12 R 89: %SYS-5-CONFIG_I: Configured from console",
		  PARSE_OTHER);
	vt_result(P, "plain text", PARSE_UNKNOWN);
	vt_malformed(P, "%PIX-2-106006: Deny inbound UDP from ***/20031 to ***/20031 on interface vpn",
		     "source");
	vt_malformed(P,
		     "%PIX-6-106015: Deny TCP (no connection) from 192.168.2.50/443 to 192.168.20/65 "
		     "flags RST on interface outside",
		     "destination");
	vt_malformed(P, "%ASA-4-106023: Deny tcp src 1.2.3.4/5 dst inside:5.6.7.8/9", "source");
	vt_malformed(P, "%ASA-4-106023: Deny bogus src outside:1.2.3.4/5 dst inside:5.6.7.8/9",
		     "protocol");
	vt_malformed(P, "%ASA-6-106100: access-list X maybe tcp a/1.2.3.4(5) -> b/5.6.7.8(9)",
		     "verdict");
	vt_malformed(P, "%ASA-4-733101: Host nowhere is attacking.", "address");
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "cisco_asa/pix_ossec.log");
	vt_detect_fixture(P, "cisco_asa/asa_documented.log");
	vt_detect_foreign(P);
	const char *ios = "Sep  7 13:18:06 RouterName 96: %SEC-6-IPACCESSLOGP: list 120 denied udp "
			  "10.0.0.66(137) -> 10.0.0.11(137), 33 packets";
	assert_int_equal(P->detect(ios, strlen(ios)), 0);
	vt_examples(P);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),         cmocka_unit_test(test_denies),
		cmocka_unit_test(test_hits_and_sessions), cmocka_unit_test(test_threat_detection),
		cmocka_unit_test(test_other_malformed),  cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, vt_setup, NULL);
}
