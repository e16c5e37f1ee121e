/* The FortiGate parser on lines written per the FortiOS Log Message
 * Reference (tests/data/fortigate/fortigate_documented.log; no public log
 * sample was found): traffic deny/close/server-rst/timeout, IPS and
 * anomaly logs, ICMP, IPv6, the three stamp rules, malformed and cut
 * lines. */
#include "test_parse_vendor_util.h"

#define P (&parser_fortigate)

static void test_fixture(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "fortigate/fortigate_documented.log");
	assert_int_equal(c.event, 7);
	assert_int_equal(c.other, 1);
	assert_int_equal(c.malformed, 1);
	assert_int_equal(c.unknown, 0);
}

static void test_traffic(void **state)
{
	(void)state;
	/* tz= makes date/time exact */
	vt_event(P,
		 "date=2023-06-01 time=13:45:02 eventtime=1685627102458123456 tz=\"+0200\" "
		 "logid=\"0000000013\" type=\"traffic\" subtype=\"forward\" level=\"notice\" "
		 "vd=\"root\" srcip=203.0.113.45 srcport=54321 srcintf=\"wan1\" srcintfrole=\"wan\" "
		 "dstip=198.51.100.20 dstport=3389 dstintf=\"internal\" dstintfrole=\"lan\" "
		 "sessionid=1234567 proto=6 action=\"deny\" policyid=0 policytype=\"policy\" "
		 "service=\"RDP\" trandisp=\"noop\" duration=0 sentbyte=0 rcvdbyte=0 sentpkt=0 "
		 "rcvdpkt=0 appcat=\"unscanned\"",
		 &(struct vt_want){.time = "2023-06-01T11:45:02Z", .src = "203.0.113.45",
				   .dst = "198.51.100.20", .ports = 1, .sport = 54321, .dport = 3389,
				   .proto = 6, .action = EVENT_ACTION_DROP, .prefix = "0",
				   .in = "wan1", .out = "internal", .detail = "forward"});
	/* no tz: eventtime (seconds) */
	vt_event(P,
		 "<189>date=2019-05-10 time=11:50:48 logid=\"0000000013\" type=\"traffic\" "
		 "subtype=\"forward\" level=\"notice\" vd=\"vdom1\" eventtime=1557514248 "
		 "srcip=10.1.100.11 srcport=58012 srcintf=\"port12\" dstip=23.59.154.35 dstport=80 "
		 "dstintf=\"port11\" proto=6 action=\"close\" policyid=1 rcvdpkt=5",
		 &(struct vt_want){.time = "2019-05-10T18:50:48Z", .src = "10.1.100.11",
				   .dst = "23.59.154.35", .ports = 1, .sport = 58012, .dport = 80,
				   .proto = 6, .action = EVENT_ACTION_ACCEPT,
				   .outcome = EVENT_OUTCOME_OPEN, .prefix = "1", .in = "port12",
				   .out = "port11", .detail = "forward"});
	/* neither: date/time local (--tz UTC); the envelope names the host */
	vt_event(P,
		 "Jun  1 13:45:05 fw01 date=2023-06-01 time=13:45:05 devname=\"FGT60F\" "
		 "logid=\"0000000013\" type=\"traffic\" subtype=\"local\" srcip=203.0.113.46 "
		 "srcport=40000 srcintf=\"wan1\" dstip=198.51.100.1 dstport=443 dstintf=\"root\" "
		 "proto=6 action=\"server-rst\" policyid=0 rcvdpkt=1",
		 &(struct vt_want){.time = "2023-06-01T13:45:05Z", .src = "203.0.113.46",
				   .dst = "198.51.100.1", .ports = 1, .sport = 40000, .dport = 443,
				   .proto = 6, .action = EVENT_ACTION_ACCEPT,
				   .outcome = EVENT_OUTCOME_CLOSED, .sensor = "fw01", .prefix = "0",
				   .in = "wan1", .out = "root", .detail = "local"});
	vt_event(P,
		 "date=2023-06-01 time=13:45:09 logid=\"0000000013\" type=\"traffic\" "
		 "subtype=\"forward\" srcip=203.0.113.50 srcintf=\"wan1\" dstip=198.51.100.21 "
		 "dstintf=\"internal\" proto=1 action=\"deny\" policyid=0 service=\"PING\" "
		 "icmpid=\"0x0001\" icmptype=\"0x08\" icmpcode=\"0x00\"",
		 &(struct vt_want){.time = "2023-06-01T13:45:09Z", .src = "203.0.113.50",
				   .dst = "198.51.100.21", .proto = 1, .icmp = 1, .icmp_type = 8,
				   .action = EVENT_ACTION_DROP, .prefix = "0", .in = "wan1",
				   .out = "internal", .detail = "forward"});
	vt_event(P,
		 "date=2023-06-01 time=13:45:10 logid=\"0000000013\" type=\"traffic\" "
		 "subtype=\"forward\" srcip=2001:db8::45 srcport=443 srcintf=\"wan1\" "
		 "dstip=2001:db8:1::20 dstport=8443 dstintf=\"internal\" proto=17 "
		 "action=\"timeout\" policyid=7 rcvdpkt=0",
		 &(struct vt_want){.time = "2023-06-01T13:45:10Z", .src = "2001:db8::45",
				   .dst = "2001:db8:1::20", .ports = 1, .sport = 443, .dport = 8443,
				   .proto = 17, .action = EVENT_ACTION_ACCEPT,
				   .outcome = EVENT_OUTCOME_NO_ANSWER, .prefix = "7", .in = "wan1",
				   .out = "internal", .detail = "forward"});
}

static void test_utm(void **state)
{
	(void)state;
	vt_event(P,
		 "date=2023-06-01 time=13:45:06 devname=\"FGT60F\" logid=\"0419016384\" "
		 "type=\"utm\" subtype=\"ips\" eventtype=\"signature\" level=\"alert\" vd=\"root\" "
		 "eventtime=1685627106 tz=\"+0200\" severity=\"high\" srcip=203.0.113.47 "
		 "srcport=51000 dstip=198.51.100.20 dstport=80 srcintf=\"wan1\" "
		 "dstintf=\"internal\" sessionid=55 action=\"dropped\" proto=6 service=\"HTTP\" "
		 "policyid=3 attack=\"Apache.Log4j.Error.Log.Remote.Code.Execution\" "
		 "attackid=51006 count=1",
		 &(struct vt_want){.time = "2023-06-01T11:45:06Z", .src = "203.0.113.47",
				   .dst = "198.51.100.20", .ports = 1, .sport = 51000, .dport = 80,
				   .proto = 6, .action = EVENT_ACTION_DROP, .sensor = "FGT60F",
				   .prefix = "3", .in = "wan1", .out = "internal",
				   .detail = "Apache.Log4j.Error.Log.Remote.Code.Execution"});
	vt_event(P,
		 "date=2023-06-01 time=13:45:07 devname=\"FGT60F\" logid=\"0720018432\" "
		 "type=\"utm\" subtype=\"anomaly\" srcip=203.0.113.48 srcport=0 "
		 "dstip=198.51.100.20 dstport=0 srcintf=\"wan1\" dstintf=\"unknown-0\" "
		 "action=\"detected\" proto=6 count=1903 attack=\"tcp_port_scan\"",
		 &(struct vt_want){.time = "2023-06-01T13:45:07Z", .src = "203.0.113.48",
				   .dst = "198.51.100.20", .ports = 1, .sport = 0, .dport = 0,
				   .proto = 6, .action = EVENT_ACTION_LOG, .count = 1903,
				   .sensor = "FGT60F", .in = "wan1", .out = "unknown-0",
				   .detail = "tcp_port_scan"});
}

static void test_other_malformed(void **state)
{
	(void)state;
	vt_result(P,
		  "date=2023-06-01 time=13:45:08 devname=\"FGT60F\" logid=\"0100032001\" "
		  "type=\"event\" subtype=\"system\" action=\"login\" status=\"success\"",
		  PARSE_OTHER);
	vt_result(P, "Jun  1 13:45:05 fw01 sshd[1]: Server listening on 0.0.0.0 port 22.",
		  PARSE_OTHER);
	vt_result(P, "not a fortigate line", PARSE_UNKNOWN);
	vt_malformed(P,
		     "date=2023-06-01 time=13:45:11 type=\"traffic\" subtype=\"forward\" "
		     "srcip=203.0.113.999 dstip=198.51.100.20 proto=6 action=\"deny\"",
		     "srcip");
	vt_malformed(P,
		     "date=2023-06-01 time=13:45:11 type=\"traffic\" subtype=\"forward\" "
		     "srcip=203.0.113.9 dstip=198.51.100.20 proto=6 srcport=1 dstport=70000 "
		     "action=\"deny\"",
		     "port");
	vt_malformed(P,
		     "date=2023-06-01 time=13:45:11 type=\"traffic\" subtype=\"forward\" "
		     "srcip=203.0.113.9 dstip=198.51.100.20 proto=bogus action=\"deny\"",
		     "proto");
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "fortigate/fortigate_documented.log");
	vt_detect_foreign(P);
	const char *sw = "id=firewall sn=00XX time=\"2005-10-22 00:12:11\" fw=1.2.3.4 pri=5 c=128 "
			 "m=37 msg=\"UDP packet dropped\" n=14333 src=1.3.4.5 dst=2.5.6.7:1025:LAN";
	assert_int_equal(P->detect(sw, strlen(sw)), 0);
	vt_examples(P);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),         cmocka_unit_test(test_traffic),
		cmocka_unit_test(test_utm),             cmocka_unit_test(test_other_malformed),
		cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, vt_setup, NULL);
}
