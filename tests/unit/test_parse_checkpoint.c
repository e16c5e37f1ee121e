/* The Check Point parser on the OSSEC documentation's real FireWall-1
 * export lines (tests/data/checkpoint/checkpoint_ossec_head60.log) and on
 * Log Exporter lines written per Check Point's field reference
 * (checkpoint_exporter_documented.log): every field, both shapes,
 * malformed and cut lines. */
#include "test_parse_vendor_util.h"

#define P (&parser_checkpoint)

static void test_fixtures(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "checkpoint/checkpoint_ossec_head60.log");
	assert_int_equal(c.event, 60);
	assert_int_equal(c.other + c.malformed + c.unknown, 0);
	c = vt_fixture(P, "checkpoint/checkpoint_exporter_documented.log");
	assert_int_equal(c.event, 3);
	assert_int_equal(c.other, 1);
	assert_int_equal(c.malformed + c.unknown, 0);
}

static void test_classic(void **state)
{
	(void)state;
	vt_event(P,
		 "Sep  3 15:10:54 192.168.99.1 Checkpoint:  3Sep2007 15:12:08 drop   192.168.11.7 "
		 ">eth8 rule: 113; rule_uid: {AAAAAAAA-9999-8888-FFCF33A92D27}; service_id: http; "
		 "src: 192.168.11.34; dst: 4.23.34.126; proto: tcp; product: VPN-1 & FireWall-1; "
		 "service: 80; s_port: 2854;",
		 &(struct vt_want){.time = "2007-09-03T15:12:08Z", .src = "192.168.11.34",
				   .dst = "4.23.34.126", .ports = 1, .sport = 2854, .dport = 80,
				   .proto = 6, .action = EVENT_ACTION_DROP,
				   .sensor = "192.168.99.1", .prefix = "113", .in = "eth8",
				   .detail = "VPN-1 & FireWall-1"});
	vt_event(P,
		 "Sep  3 15:10:54 192.168.99.1 Checkpoint:  3Sep2007 15:10:29 accept 192.168.99.1 "
		 ">eth5 rule: 112; rule_uid: {11111111-2222-3333-97BB-2362F0B7F576}; service_id: "
		 "icmp-proto; ICMP: Echo Request; src: 192.168.11.131; dst: 192.168.99.10; proto: "
		 "icmp; ICMP Type: 8; ICMP Code: 0; product: VPN-1 & FireWall-1;",
		 &(struct vt_want){.time = "2007-09-03T15:10:29Z", .src = "192.168.11.131",
				   .dst = "192.168.99.10", .proto = 1, .icmp = 1, .icmp_type = 8,
				   .action = EVENT_ACTION_ACCEPT, .sensor = "192.168.99.1",
				   .prefix = "112", .in = "eth5", .detail = "VPN-1 & FireWall-1"});
	/* a rule name wins over the number; no src: a destination-only event */
	vt_event(P,
		 "Sep  3 15:10:54 192.168.99.1 Checkpoint:  3Sep2007 15:10:35 accept 192.168.99.1 "
		 ">eth2 rule: 27; rule_uid: {33333333-2222-1111-A2B0-72699238CD27}; rule_name: "
		 "Change after replacement; service_id: ntp-udp; src: 192.168.13.10; dst: "
		 "192.168.200.2; proto: udp; product: VPN-1 & FireWall-1; service: 123; s_port: 123;",
		 &(struct vt_want){.time = "2007-09-03T15:10:35Z", .src = "192.168.13.10",
				   .dst = "192.168.200.2", .ports = 1, .sport = 123, .dport = 123,
				   .proto = 17, .action = EVENT_ACTION_ACCEPT,
				   .sensor = "192.168.99.1", .prefix = "Change after replacement",
				   .in = "eth2", .detail = "VPN-1 & FireWall-1"});
	vt_event(P,
		 "Sep  3 15:10:54 192.168.99.1 Checkpoint:  3Sep2007 15:10:52 drop   192.168.99.1 "
		 ">eth8 rule: 134; rule_uid: {11111111-2222-3333-BD17-711F536C7C33}; dst: "
		 "255.255.255.255; proto: udp; product: VPN-1 & FireWall-1; service: 67; s_port: 68;",
		 &(struct vt_want){.time = "2007-09-03T15:10:52Z", .dst = "255.255.255.255",
				   .ports = 1, .sport = 68, .dport = 67, .proto = 17,
				   .action = EVENT_ACTION_DROP, .sensor = "192.168.99.1",
				   .prefix = "134", .in = "eth8", .detail = "VPN-1 & FireWall-1"});
}

static void test_exporter(void **state)
{
	(void)state;
	vt_event(P,
		 "<134>1 2023-06-01T10:00:00Z cp-gw-01 CheckPoint 26045 - [action:\"Drop\"; "
		 "flags:\"411908\"; ifdir:\"inbound\"; ifname:\"eth1\"; logid:\"0\"; "
		 "origin:\"10.1.0.2\"; time:\"1685613600\"; version:\"5\"; dst:\"198.51.100.80\"; "
		 "product:\"VPN-1 & FireWall-1\"; proto:\"6\"; rule_name:\"Cleanup rule\"; "
		 "s_port:\"51234\"; service:\"22\"; service_id:\"ssh\"; src:\"203.0.113.50\"]",
		 &(struct vt_want){.time = "2023-06-01T10:00:00Z", .src = "203.0.113.50",
				   .dst = "198.51.100.80", .ports = 1, .sport = 51234, .dport = 22,
				   .proto = 6, .action = EVENT_ACTION_DROP, .sensor = "cp-gw-01",
				   .prefix = "Cleanup rule", .in = "eth1",
				   .detail = "VPN-1 & FireWall-1"});
	/* a quoted value holding "\]" and ';' */
	vt_event(P,
		 "<134>1 2023-06-01T10:00:05Z cp-gw-01 CheckPoint 26045 - [action:\"Accept\"; "
		 "ifdir:\"outbound\"; ifname:\"eth0\"; time:\"1685613605\"; "
		 "__policy_id_tag:\"product=VPN-1 & FireWall-1[db_tag={6A1E};mgmt=m;policy_name=P\\]\"; "
		 "dst:\"203.0.113.51\"; icmp_code:\"0\"; icmp_type:\"8\"; product:\"VPN-1 & "
		 "FireWall-1\"; proto:\"1\"; rule_name:\"Allow ping\"; src:\"10.1.0.5\"]",
		 &(struct vt_want){.time = "2023-06-01T10:00:05Z", .src = "10.1.0.5",
				   .dst = "203.0.113.51", .proto = 1, .icmp = 1, .icmp_type = 8,
				   .action = EVENT_ACTION_ACCEPT, .sensor = "cp-gw-01",
				   .prefix = "Allow ping", .out = "eth0",
				   .detail = "VPN-1 & FireWall-1"});
	/* no time: the envelope's */
	vt_event(P,
		 "<134>1 2023-06-01T10:00:06Z cp-gw-01 CheckPoint 26045 - [action:\"Reject\"; "
		 "ifdir:\"inbound\"; ifname:\"eth1\"; dst:\"198.51.100.81\"; product:\"VPN-1 & "
		 "FireWall-1\"; proto:\"17\"; s_port:\"40000\"; service:\"161\"; "
		 "src:\"203.0.113.52\"]",
		 &(struct vt_want){.time = "2023-06-01T10:00:06Z", .src = "203.0.113.52",
				   .dst = "198.51.100.81", .ports = 1, .sport = 40000, .dport = 161,
				   .proto = 17, .action = EVENT_ACTION_REJECT, .sensor = "cp-gw-01",
				   .in = "eth1", .detail = "VPN-1 & FireWall-1"});
}

static void test_other_malformed(void **state)
{
	(void)state;
	vt_result(P,
		  "<134>1 2023-06-01T10:00:07Z cp-gw-01 CheckPoint 26045 - [action:\"Update\"; "
		  "origin:\"10.1.0.2\"; product:\"Application Control\"]",
		  PARSE_OTHER);
	vt_result(P, "Sep  3 15:10:54 192.168.99.1 sshd[1]: Server listening", PARSE_OTHER);
	vt_result(P, "no envelope", PARSE_UNKNOWN);
	vt_malformed(P,
		     "Sep  3 15:10:54 192.168.99.1 Checkpoint: yesterday drop 1.2.3.4 >eth0 src: "
		     "1.2.3.4;",
		     "date");
	vt_malformed(P,
		     "Sep  3 15:10:54 192.168.99.1 Checkpoint:  3Sep2007 15:10:52 drop 1.2.3.4 "
		     ">eth8 src: 1.2.3; dst: 1.2.3.4;",
		     "src");
	vt_malformed(P,
		     "Sep  3 15:10:54 192.168.99.1 Checkpoint:  3Sep2007 15:10:52 drop 1.2.3.4 "
		     ">eth8 src: 1.2.3.4; dst: 1.2.3.4; proto: warp;",
		     "proto");
	vt_malformed(P, "<134>1 2023-06-01T10:00:07Z cp-gw-01 CheckPoint 26045 - -",
		     "\"[\"");
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "checkpoint/checkpoint_ossec_head60.log");
	vt_detect_fixture(P, "checkpoint/checkpoint_exporter_documented.log");
	vt_detect_foreign(P);
	vt_examples(P);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),        cmocka_unit_test(test_classic),
		cmocka_unit_test(test_exporter),        cmocka_unit_test(test_other_malformed),
		cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, vt_setup, NULL);
}
