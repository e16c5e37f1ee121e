/* The Suricata EVE parser on records written as the Suricata user guide
 * and Suricata's flow logger lay them out (tests/data/suricata/
 * eve_documented.json; the corpus holds no EVE log): alerts allowed and
 * blocked, flow outcomes from the server's TCP flags and the packet
 * counts, ICMP, the event types that are other, a record through syslog,
 * stamps with and without an offset, bad and cut lines. */
#include "test_parse_vendor_util.h"

#define P (&parser_suricata)

static void test_fixtures(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "suricata/eve_documented.json");
	assert_int_equal(c.event, 9);
	assert_int_equal(c.other, 3);
	assert_int_equal(c.malformed + c.unknown, 0);
}

static void test_alerts(void **state)
{
	(void)state;
	vt_event(P, P->examples[0].line,
		 &(struct vt_want){.time = "2009-11-24T20:27:09.534255Z", .src = "192.0.2.7",
				   .dst = "198.51.100.50", .ports = 1, .sport = 1041, .dport = 80,
				   .proto = 6, .action = EVENT_ACTION_LOG, .prefix = "2001999",
				   .detail = "ET MALWARE BTGrab.com Spyware Downloading Ads"});
	vt_event(P,
		 "{\"timestamp\":\"2020-05-19T18:00:39.016985+0200\",\"flow_id\":1454127794305760,"
		 "\"in_iface\":\"eth0\",\"event_type\":\"alert\",\"src_ip\":\"203.0.113.77\","
		 "\"src_port\":50122,\"dest_ip\":\"192.0.2.20\",\"dest_port\":22,\"proto\":\"TCP\","
		 "\"alert\":{\"action\":\"blocked\",\"gid\":1,\"signature_id\":2001219,\"rev\":20,"
		 "\"signature\":\"ET SCAN Potential SSH Scan\",\"category\":\"Attempted Information "
		 "Leak\",\"severity\":2},\"host\":\"sensor-1\"}",
		 &(struct vt_want){.time = "2020-05-19T16:00:39.016985Z", .src = "203.0.113.77",
				   .dst = "192.0.2.20", .ports = 1, .sport = 50122, .dport = 22,
				   .proto = 6, .action = EVENT_ACTION_DROP, .sensor = "sensor-1",
				   .in = "eth0", .prefix = "2001219",
				   .detail = "ET SCAN Potential SSH Scan"});
	/* no offset: local time in --tz (Suricata before 3.0) */
	vt_event(P,
		 "{\"timestamp\":\"2009-11-24T21:27:09.534255\",\"event_type\":\"alert\",\"src_ip\":"
		 "\"192.0.2.7\",\"src_port\":1041,\"dest_ip\":\"198.51.100.50\",\"dest_port\":80,"
		 "\"proto\":\"TCP\",\"alert\":{\"action\":\"allowed\",\"signature_id\":1,"
		 "\"signature\":\"x\"}}",
		 &(struct vt_want){.time = "2009-11-24T21:27:09.534255Z", .src = "192.0.2.7",
				   .dst = "198.51.100.50", .ports = 1, .sport = 1041, .dport = 80,
				   .proto = 6, .action = EVENT_ACTION_LOG, .prefix = "1", .detail = "x"});
	assert_int_equal(timeconv_set_zone("America/New_York"), 0);
	vt_event(P,
		 "{\"timestamp\":\"2009-11-24T21:27:09.534255\",\"event_type\":\"alert\",\"src_ip\":"
		 "\"192.0.2.7\",\"src_port\":1041,\"dest_ip\":\"198.51.100.50\",\"dest_port\":80,"
		 "\"proto\":\"TCP\",\"alert\":{\"action\":\"allowed\",\"signature_id\":1,"
		 "\"signature\":\"x\"}}",
		 &(struct vt_want){.time = "2009-11-25T02:27:09.534255Z", .src = "192.0.2.7",
				   .dst = "198.51.100.50", .ports = 1, .sport = 1041, .dport = 80,
				   .proto = 6, .action = EVENT_ACTION_LOG, .prefix = "1", .detail = "x"});
	assert_int_equal(timeconv_set_zone("UTC"), 0);
	/* through syslog: the envelope's host is the sensor; escapes stay */
	vt_event(P,
		 "May 19 18:00:39 sensor-1 suricata[2211]: {\"timestamp\":"
		 "\"2020-05-19T18:00:39.016985+0200\",\"event_type\":\"alert\",\"src_ip\":"
		 "\"2001:db8::77\",\"src_port\":50122,\"dest_ip\":\"2001:db8:1::20\",\"dest_port\":22,"
		 "\"proto\":\"TCP\",\"alert\":{\"action\":\"allowed\",\"signature_id\":2001219,"
		 "\"signature\":\"ET SCAN \\\"quoted\\\"\"}}",
		 &(struct vt_want){.time = "2020-05-19T16:00:39.016985Z", .src = "2001:db8::77",
				   .dst = "2001:db8:1::20", .ports = 1, .sport = 50122, .dport = 22,
				   .proto = 6, .action = EVENT_ACTION_LOG, .sensor = "sensor-1",
				   .prefix = "2001219", .detail = "ET SCAN \\\"quoted\\\""});
}

static void test_flows(void **state)
{
	(void)state;
	/* a SYN with nothing back */
	vt_event(P,
		 "{\"timestamp\":\"2020-05-19T18:01:00.000100+0200\",\"event_type\":\"flow\","
		 "\"src_ip\":\"203.0.113.77\",\"src_port\":50123,\"dest_ip\":\"192.0.2.20\","
		 "\"dest_port\":3389,\"proto\":\"TCP\",\"flow\":{\"pkts_toserver\":2,"
		 "\"pkts_toclient\":0,\"state\":\"new\",\"reason\":\"timeout\"},\"tcp\":{\"tcp_flags\":"
		 "\"02\",\"tcp_flags_ts\":\"02\",\"tcp_flags_tc\":\"00\",\"syn\":true,\"state\":"
		 "\"syn_sent\"}}",
		 &(struct vt_want){.time = "2020-05-19T16:01:00.000100Z", .src = "203.0.113.77",
				   .dst = "192.0.2.20", .ports = 1, .sport = 50123, .dport = 3389,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_NO_ANSWER, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_SYN, .detail = "syn_sent"});
	/* RST-ACK back */
	vt_event(P,
		 "{\"timestamp\":\"2020-05-19T18:01:00.000200+0200\",\"event_type\":\"flow\","
		 "\"src_ip\":\"203.0.113.77\",\"src_port\":50124,\"dest_ip\":\"192.0.2.20\","
		 "\"dest_port\":23,\"proto\":\"TCP\",\"flow\":{\"pkts_toserver\":1,\"pkts_toclient\":1,"
		 "\"state\":\"closed\"},\"tcp\":{\"tcp_flags\":\"16\",\"tcp_flags_ts\":\"02\","
		 "\"tcp_flags_tc\":\"14\",\"state\":\"closed\"}}",
		 &(struct vt_want){.time = "2020-05-19T16:01:00.000200Z", .src = "203.0.113.77",
				   .dst = "192.0.2.20", .ports = 1, .sport = 50124, .dport = 23,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_CLOSED, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_SYN, .detail = "closed"});
	/* an established session */
	vt_event(P,
		 "{\"timestamp\":\"2020-03-05T02:49:17.000632+0000\",\"event_type\":\"flow\","
		 "\"src_ip\":\"198.51.100.128\",\"src_port\":59315,\"dest_ip\":\"192.0.2.201\","
		 "\"dest_port\":22,\"proto\":\"TCP\",\"flow\":{\"pkts_toserver\":18,\"pkts_toclient\":16,"
		 "\"state\":\"closed\"},\"tcp\":{\"tcp_flags\":\"db\",\"tcp_flags_ts\":\"db\","
		 "\"tcp_flags_tc\":\"5b\",\"state\":\"closed\"}}",
		 &(struct vt_want){.time = "2020-03-05T02:49:17.000632Z", .src = "198.51.100.128",
				   .dst = "192.0.2.201", .ports = 1, .sport = 59315, .dport = 22,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .has_flags = 1, .tcp_flags = 0xdb,
				   .detail = "closed"});
	/* UDP: answered, unanswered; no tcp member: flow.state is the detail */
	vt_event(P,
		 "{\"timestamp\":\"2020-02-29T00:00:14.000538+0000\",\"event_type\":\"flow\","
		 "\"src_ip\":\"192.0.2.154\",\"src_port\":46289,\"dest_ip\":\"198.51.100.254\","
		 "\"dest_port\":53,\"proto\":\"UDP\",\"flow\":{\"pkts_toserver\":1,\"pkts_toclient\":1,"
		 "\"state\":\"established\"}}",
		 &(struct vt_want){.time = "2020-02-29T00:00:14.000538Z", .src = "192.0.2.154",
				   .dst = "198.51.100.254", .ports = 1, .sport = 46289, .dport = 53,
				   .proto = 17, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .detail = "established"});
	vt_event(P,
		 "{\"timestamp\":\"2020-02-29T00:00:15.000000+0000\",\"event_type\":\"flow\","
		 "\"src_ip\":\"203.0.113.5\",\"src_port\":40000,\"dest_ip\":\"192.0.2.154\","
		 "\"dest_port\":161,\"proto\":\"UDP\",\"flow\":{\"pkts_toserver\":1,\"pkts_toclient\":0,"
		 "\"state\":\"new\"}}",
		 &(struct vt_want){.time = "2020-02-29T00:00:15Z", .src = "203.0.113.5",
				   .dst = "192.0.2.154", .ports = 1, .sport = 40000, .dport = 161,
				   .proto = 17, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_NO_ANSWER, .detail = "new"});
	vt_event(P,
		 "{\"timestamp\":\"2020-02-29T00:00:16.000000+0000\",\"event_type\":\"flow\","
		 "\"src_ip\":\"203.0.113.5\",\"dest_ip\":\"192.0.2.154\",\"proto\":\"ICMP\","
		 "\"icmp_type\":8,\"icmp_code\":0,\"flow\":{\"pkts_toserver\":1,\"pkts_toclient\":1,"
		 "\"state\":\"established\"}}",
		 &(struct vt_want){.time = "2020-02-29T00:00:16Z", .src = "203.0.113.5",
				   .dst = "192.0.2.154", .proto = 1, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .icmp = 1, .icmp_type = 8,
				   .icmp_code = 0, .detail = "established"});
	/* a TCP flow with answers that were neither SYN-ACK nor RST */
	vt_event(P,
		 "{\"timestamp\":\"2020-02-29T00:00:17+0000\",\"event_type\":\"flow\",\"src_ip\":"
		 "\"203.0.113.5\",\"src_port\":1,\"dest_ip\":\"192.0.2.154\",\"dest_port\":2,\"proto\":"
		 "\"TCP\",\"flow\":{\"pkts_toclient\":3},\"tcp\":{\"tcp_flags_ts\":\"10\","
		 "\"tcp_flags_tc\":\"10\"}}",
		 &(struct vt_want){.time = "2020-02-29T00:00:17Z", .src = "203.0.113.5",
				   .dst = "192.0.2.154", .ports = 1, .sport = 1, .dport = 2, .proto = 6,
				   .action = EVENT_ACTION_LOG, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_ACK});
	/* a protocol by number */
	vt_event(P,
		 "{\"timestamp\":\"2020-02-29T00:00:18+0000\",\"event_type\":\"flow\",\"src_ip\":"
		 "\"203.0.113.5\",\"dest_ip\":\"192.0.2.154\",\"proto\":\"047\"}",
		 &(struct vt_want){.time = "2020-02-29T00:00:18Z", .src = "203.0.113.5",
				   .dst = "192.0.2.154", .proto = 47, .action = EVENT_ACTION_LOG});
}

static void test_other_and_bad(void **state)
{
	(void)state;
	vt_result(P,
		  "{\"timestamp\":\"2020-03-05T02:49:22.528275+0000\",\"event_type\":\"stats\","
		  "\"stats\":{\"uptime\":104383}}",
		  PARSE_OTHER);
	vt_result(P,
		  "{\"timestamp\":\"2020-02-29T00:00:12.734324+0000\",\"event_type\":\"dns\",\"src_ip\":"
		  "\"192.0.2.154\",\"dest_ip\":\"198.51.100.254\",\"proto\":\"UDP\"}",
		  PARSE_OTHER);
	vt_result(P, "May 19 18:00:39 sensor-1 suricata[2211]: [ERRCODE: SC_ERR_PCAP(1)] - cannot open",
		  PARSE_OTHER);
	vt_result(P, "May 19 18:00:39 sensor-1 sshd[2211]: {\"event_type\":\"alert\"}", PARSE_UNKNOWN);
	vt_result(P, "{\"event_type\":\"alert\"}", PARSE_UNKNOWN); /* no timestamp */
	vt_result(P, "{\"eventid\":\"cowrie.session.connect\"}", PARSE_UNKNOWN);
	vt_result(P, "", PARSE_UNKNOWN);
	vt_malformed(P,
		     "{\"timestamp\":\"2020-02-29T00:00:18+0000\",\"event_type\":\"flow\",\"src_ip\":"
		     "\"203.0.113\",\"dest_ip\":\"192.0.2.154\",\"proto\":\"TCP\"}",
		     "src_ip");
	vt_malformed(P,
		     "{\"timestamp\":\"2020-02-29T00:00:18+0000\",\"event_type\":\"flow\",\"src_ip\":"
		     "\"203.0.113.5\",\"dest_ip\":\"192.0.2.154\",\"proto\":\"QUIC\"}",
		     "proto");
	vt_malformed(P,
		     "{\"timestamp\":\"Feb 29\",\"event_type\":\"flow\",\"src_ip\":\"203.0.113.5\","
		     "\"dest_ip\":\"192.0.2.154\",\"proto\":\"TCP\"}",
		     "timestamp");
	vt_malformed(P,
		     "{\"timestamp\":\"2020-02-29T00:00:18+0000\",\"event_type\":\"flow\",\"src_ip\":"
		     "\"203.0.113.5\",\"src_port\":1,\"dest_ip\":\"192.0.2.154\",\"dest_port\":\"x\","
		     "\"proto\":\"TCP\"}",
		     "port");
	vt_malformed(P,
		     "{\"timestamp\":\"2020-02-29T00:00:18+0000\",\"event_type\":\"flow\",\"src_ip\":"
		     "\"203.0.113.5\",\"dest_ip\":\"192.0.2.154\",\"proto\":\"TCP\",\"tcp\":"
		     "{\"tcp_flags_ts\":\"1g\"}}",
		     "tcp_flags");
	vt_malformed(P,
		     "{\"timestamp\":\"2020-02-29T00:00:18+0000\",\"event_type\":\"flow\",\"src_ip\":"
		     "\"203.0.113.5\",\"dest_ip\":\"192.0.2.154\",\"proto\":\"ICMP\",\"icmp_type\":300}",
		     "icmp");
	vt_malformed(P, "{\"timestamp\":\"2020-02-29T00:00:14.000538+0000\",\"event_type\":\"flow\",\"sr",
		     "JSON");
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "suricata/eve_documented.json");
	vt_detect_foreign(P);
	vt_examples(P);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures), cmocka_unit_test(test_alerts),
		cmocka_unit_test(test_flows),	 cmocka_unit_test(test_other_and_bad),
		cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, vt_setup, NULL);
}
