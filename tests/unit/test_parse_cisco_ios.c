/* The Cisco IOS access-list parser on the OSSEC documentation's real router
 * lines (tests/data/cisco_ios/ios_ossec.log) and on lines written per
 * Cisco's message guide for the variants without a public sample
 * (ios_documented.log): every field, envelopes and device stamps, the
 * message kinds, malformed and cut lines, detection. */
#include "test_parse_vendor_util.h"

#define P (&parser_cisco_ios)

static void test_fixtures(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "cisco_ios/ios_ossec.log");
	assert_int_equal(c.event, 14);
	assert_int_equal(c.other, 15);
	assert_int_equal(c.malformed + c.unknown, 0);
	c = vt_fixture(P, "cisco_ios/ios_documented.log");
	assert_int_equal(c.event, 13);
	assert_int_equal(c.other, 1); /* the rate-limit notice */
	assert_int_equal(c.malformed + c.unknown, 0);
}

static void test_envelope_and_sequence(void **state)
{
	(void)state;
	/* syslog envelope; "96:" is IOS's sequence number */
	vt_event(P,
		 "Sep  7 13:18:06 RouterName 96: %SEC-6-IPACCESSLOGP: list 120 denied udp "
		 "10.0.0.66(137) -> 10.0.0.11(137), 33 packets",
		 &(struct vt_want){.time = "2023-09-07T13:18:06Z", .src = "10.0.0.66",
				   .dst = "10.0.0.11", .ports = 1, .sport = 137, .dport = 137,
				   .proto = 17, .action = EVENT_ACTION_DROP, .count = 33,
				   .sensor = "RouterName", .prefix = "120",
				   .detail = "%SEC-6-IPACCESSLOGP"});
	/* envelope before the router's own stamp: the envelope's time wins */
	vt_event(P,
		 "Jul 10 16:07:14 cisco2621 636: .Jul 10 15:58:56.590 EDT: %SEC-6-IPACCESSLOGP: list "
		 "102 denied tcp 10.0.6.56(3067) -> 172.36.4.7(139), 1 packet",
		 &(struct vt_want){.time = "2023-07-10T16:07:14Z", .src = "10.0.6.56",
				   .dst = "172.36.4.7", .ports = 1, .sport = 3067, .dport = 139,
				   .proto = 6, .action = EVENT_ACTION_DROP, .sensor = "cisco2621",
				   .prefix = "102", .detail = "%SEC-6-IPACCESSLOGP"});
	/* the router's buffer: a UTC stamp is exact */
	vt_event(P,
		 "123: May  3 05:15:25.217 UTC: %SEC-6-IPACCESSLOGP: list 199 permitted tcp "
		 "10.0.40.16(3059) -> 10.0.4.101(1060), 2 packets",
		 &(struct vt_want){.time = "2023-05-03T05:15:25.217Z", .src = "10.0.40.16",
				   .dst = "10.0.4.101", .ports = 1, .sport = 3059, .dport = 1060,
				   .proto = 6, .action = EVENT_ACTION_ACCEPT, .count = 2,
				   .prefix = "199", .detail = "%SEC-6-IPACCESSLOGP"});
	/* a zone name other than UTC is read as local time (--tz is UTC here) */
	vt_event(P,
		 "4872: Dec 11 08:02:53.887 pst: %SEC-6-IPACCESSLOGP: list 100 denied udp "
		 "200.174.153.126(1028) -> 66.81.85.65(137), 1 packet",
		 &(struct vt_want){.time = "2023-12-11T08:02:53.887Z", .src = "200.174.153.126",
				   .dst = "66.81.85.65", .ports = 1, .sport = 1028, .dport = 137,
				   .proto = 17, .action = EVENT_ACTION_DROP, .prefix = "100",
				   .detail = "%SEC-6-IPACCESSLOGP"});
	/* '*': the clock was never set, no time */
	vt_event(P,
		 "*Mar  1 00:01:02.123: %SEC-6-IPACCESSLOGP: list 101 denied tcp "
		 "203.0.113.5(51234) -> 198.51.100.1(22), 1 packet",
		 &(struct vt_want){.src = "203.0.113.5", .dst = "198.51.100.1", .ports = 1,
				   .sport = 51234, .dport = 22, .proto = 6,
				   .action = EVENT_ACTION_DROP, .prefix = "101",
				   .detail = "%SEC-6-IPACCESSLOGP"});
	/* <PRI>, sequence number and a stamp with its year */
	vt_event(P,
		 "<189>133: Dec  5 2023 10:11:21.500 UTC: %SEC-6-IPACCESSLOGP: list 101 permitted "
		 "udp 203.0.113.12(53) -> 198.51.100.4(5353), 12 packets",
		 &(struct vt_want){.time = "2023-12-05T10:11:21.500Z", .src = "203.0.113.12",
				   .dst = "198.51.100.4", .ports = 1, .sport = 53, .dport = 5353,
				   .proto = 17, .action = EVENT_ACTION_ACCEPT, .count = 12,
				   .prefix = "101", .detail = "%SEC-6-IPACCESSLOGP"});
}

static void test_kinds(void **state)
{
	(void)state;
	vt_event(P,
		 "000123: *Mar  1 00:01:03.456: %SEC-6-IPACCESSLOGDP: list 101 denied icmp "
		 "203.0.113.5 -> 198.51.100.1 (8/0), 4 packets",
		 &(struct vt_want){.src = "203.0.113.5", .dst = "198.51.100.1", .proto = 1,
				   .icmp = 1, .icmp_type = 8, .icmp_code = 0,
				   .action = EVENT_ACTION_DROP, .count = 4, .prefix = "101",
				   .detail = "%SEC-6-IPACCESSLOGDP"});
	vt_event(P,
		 "000124: Dec  5 10:11:12.345 UTC: %SEC-6-IPACCESSLOGNP: list 101 denied 47 "
		 "203.0.113.6 -> 198.51.100.2, 1 packet",
		 &(struct vt_want){.time = "2023-12-05T10:11:12.345Z", .src = "203.0.113.6",
				   .dst = "198.51.100.2", .proto = 47, .action = EVENT_ACTION_DROP,
				   .prefix = "101", .detail = "%SEC-6-IPACCESSLOGNP"});
	vt_event(P,
		 "Dec  5 10:11:13 router1 125: Dec  5 10:11:13.001 UTC: %SEC-6-IPACCESSLOGS: list "
		 "10 denied 203.0.113.7 3 packets",
		 &(struct vt_want){.time = "2023-12-05T10:11:13Z", .src = "203.0.113.7",
				   .action = EVENT_ACTION_DROP, .count = 3, .sensor = "router1",
				   .prefix = "10", .detail = "%SEC-6-IPACCESSLOGS"});
	vt_event(P,
		 "Dec  5 10:11:15 router1 127: %SEC-6-IPACCESSLOGSP: list INBOUND-ON-AP denied igmp "
		 "203.0.113.9 -> 224.0.0.2 (20), 1 packet",
		 &(struct vt_want){.time = "2023-12-05T10:11:15Z", .src = "203.0.113.9",
				   .dst = "224.0.0.2", .proto = 2, .action = EVENT_ACTION_DROP,
				   .sensor = "router1", .prefix = "INBOUND-ON-AP",
				   .detail = "%SEC-6-IPACCESSLOGSP"});
	/* log-input: the input interface and MAC */
	vt_event(P,
		 "Dec  5 10:11:16 router1 128: %SEC-6-IPACCESSLOGP: list 101 denied tcp "
		 "203.0.113.10(28542) (GigabitEthernet0/1 0011.2233.4455) -> 198.51.100.3(23), 1 "
		 "packet",
		 &(struct vt_want){.time = "2023-12-05T10:11:16Z", .src = "203.0.113.10",
				   .dst = "198.51.100.3", .ports = 1, .sport = 28542, .dport = 23,
				   .proto = 6, .action = EVENT_ACTION_DROP, .sensor = "router1",
				   .prefix = "101", .in = "GigabitEthernet0/1",
				   .detail = "%SEC-6-IPACCESSLOGP"});
	/* IPv6, both message families */
	vt_event(P,
		 "Dec  5 10:11:17 router1 129: %IPV6_ACL-6-ACCESSLOGP: list OUTSIDE-V6/20 denied tcp "
		 "2001:DB8::5(40000) -> 2001:DB8:1::2(443), 2 packets",
		 &(struct vt_want){.time = "2023-12-05T10:11:17Z", .src = "2001:db8::5",
				   .dst = "2001:db8:1::2", .ports = 1, .sport = 40000, .dport = 443,
				   .proto = 6, .action = EVENT_ACTION_DROP, .count = 2,
				   .sensor = "router1", .prefix = "OUTSIDE-V6/20",
				   .detail = "%IPV6_ACL-6-ACCESSLOGP"});
	vt_event(P,
		 "Dec  5 10:11:18 router1 130: %IPV6_ACL-6-ACCESSLOGDP: list OUTSIDE-V6/30 denied "
		 "icmpv6 2001:DB8::5 -> 2001:DB8:1::2 (128/0), 1 packet",
		 &(struct vt_want){.time = "2023-12-05T10:11:18Z", .src = "2001:db8::5",
				   .dst = "2001:db8:1::2", .proto = 58, .icmp = 1, .icmp_type = 128,
				   .action = EVENT_ACTION_DROP, .sensor = "router1",
				   .prefix = "OUTSIDE-V6/30", .detail = "%IPV6_ACL-6-ACCESSLOGDP"});
	/* vty access-class: "0.0.0.0" is no destination */
	vt_event(P,
		 "Dec  5 10:11:20 router1 132: %SEC-6-IPACCESSLOGNP: list VTY-ACCESS denied 0 "
		 "203.0.113.11 -> 0.0.0.0, 1 packet",
		 &(struct vt_want){.time = "2023-12-05T10:11:20Z", .src = "203.0.113.11",
				   .action = EVENT_ACTION_DROP, .sensor = "router1",
				   .prefix = "VTY-ACCESS", .detail = "%SEC-6-IPACCESSLOGNP"});
	/* IOS-XE's forwarding manager */
	vt_event(P,
		 "Dec  5 10:11:22 router2 %FMANFP-6-IPACCESSLOGP: SIP0: fman_fp_image: list 101 "
		 "denied tcp 203.0.113.13(1025) -> 198.51.100.5(3389), 5 packets",
		 &(struct vt_want){.time = "2023-12-05T10:11:22Z", .src = "203.0.113.13",
				   .dst = "198.51.100.5", .ports = 1, .sport = 1025, .dport = 3389,
				   .proto = 6, .action = EVENT_ACTION_DROP, .count = 5,
				   .sensor = "router2", .prefix = "101",
				   .detail = "%FMANFP-6-IPACCESSLOGP"});
}

static void test_other_unknown(void **state)
{
	(void)state;
	vt_result(P,
		  "Sep  6 09:25:12 RouterName 89: %SYS-5-CONFIG_I: Configured from console by admin "
		  "on vty0 (1.1.1.1)",
		  PARSE_OTHER);
	vt_result(P, "Sep  7 06:20:59 RouterName 93: SSH2 0: Unexpected message received",
		  PARSE_OTHER);
	vt_result(P,
		  "Dec  5 10:11:19 router1 131: %SEC-6-IPACCESSLOGRL: access-list logging "
		  "rate-limited or missed 18 packets",
		  PARSE_OTHER);
	/* ASA lines are the ASA parser's */
	vt_result(P,
		  "Jan 28 00:01:38 pix-inside %PIX-4-106023: Deny tcp src outside:213.22.40.190/1381 "
		  "dst inside:10.107.8.6/445 by access-group \"ACL-FROM-OUTSIDE\"",
		  PARSE_OTHER);
	vt_result(P, "no envelope, no tag", PARSE_UNKNOWN);
	vt_result(P, "", PARSE_UNKNOWN);
}

static void test_malformed(void **state)
{
	(void)state;
	const char *h = "Sep  7 13:18:06 R 96: %SEC-6-IPACCESSLOGP: ";
	char b[512];
	snprintf(b, sizeof(b), "%slist 120 dropped udp 10.0.0.66(137) -> 10.0.0.11(137), 1 packet",
		 h);
	vt_malformed(P, b, "verdict");
	snprintf(b, sizeof(b), "%slist 120 denied udp 10.0.0.666(137) -> 10.0.0.11(137), 1 packet",
		 h);
	vt_malformed(P, b, "source");
	snprintf(b, sizeof(b), "%slist 120 denied udp 10.0.0.66(137) => 10.0.0.11(137), 1 packet",
		 h);
	vt_malformed(P, b, "->");
	snprintf(b, sizeof(b), "%slist 120 denied udp 10.0.0.66(137) -> 10.0.0.11(99999), 1 packet",
		 h);
	vt_malformed(P, b, "destination");
	snprintf(b, sizeof(b), "%slist 120 denied udp 10.0.0.66(137) -> 10.0.0.11(137), many", h);
	vt_malformed(P, b, "packet count");
	snprintf(b, sizeof(b), "%sno list here", h);
	vt_malformed(P, b, "list");
	vt_malformed(P,
		     "Dec  5 10:11:20 r 1: %SEC-6-IPACCESSLOGNP: list X denied xyz 1.2.3.4 -> "
		     "5.6.7.8, 1 packet",
		     "protocol number");
}

static void test_syslog_hook(void **state)
{
	(void)state;
	const char *line = "Sep  7 13:18:06 RouterName 96: %SEC-6-IPACCESSLOGP: list 120 denied "
			   "udp 10.0.0.66(137) -> 10.0.0.11(137), 33 packets";
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, VT_REF, 0, NULL);
	struct syslog_header h;
	assert_int_equal(syslog_header_parse(&ctx, line, strlen(line), &h), 0);
	struct event ev;
	event_clear(&ev);
	assert_int_equal(P->parse_syslog(&ctx, &h, &ev), PARSE_EVENT);
	assert_int_equal(ev.count, 33);
	/* a Cisco line that is no ACL hit is left to the other parsers */
	line = "Sep  6 09:25:12 RouterName 89: %SYS-5-CONFIG_I: Configured from console";
	assert_int_equal(syslog_header_parse(&ctx, line, strlen(line), &h), 0);
	assert_int_equal(P->parse_syslog(&ctx, &h, &ev), PARSE_UNKNOWN);
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "cisco_ios/ios_ossec.log");
	vt_detect_fixture(P, "cisco_ios/ios_documented.log");
	vt_detect_foreign(P);
	const char *asa = "Jan 28 00:01:38 pix-inside %PIX-4-106023: Deny tcp src "
			  "outside:213.22.40.190/1381 dst inside:10.107.8.6/445";
	assert_int_equal(P->detect(asa, strlen(asa)), 0);
	const char *sys = "Sep  6 09:25:12 RouterName 89: %SYS-5-CONFIG_I: Configured";
	assert_true(P->detect(sys, strlen(sys)) > 0);
	vt_examples(P);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),   cmocka_unit_test(test_envelope_and_sequence),
		cmocka_unit_test(test_kinds),      cmocka_unit_test(test_other_unknown),
		cmocka_unit_test(test_malformed),  cmocka_unit_test(test_syslog_hook),
		cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, vt_setup, NULL);
}
