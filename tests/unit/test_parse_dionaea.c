/* The dionaea parser on a lab sensor's log_json output
 * (tests/data/dionaea/dionaea_lab.json), an internet-facing sensor's
 * records exported from MHN (dionaea_mhn.json) and log_json lines written
 * as log_json.py builds them (dionaea_documented.json: credentials as a
 * list, reject, connect, UDP, a fork's epoch-milliseconds stamp, a cut
 * line). */
#include "test_parse_vendor_util.h"

#define P (&parser_dionaea)

static void test_fixtures(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "dionaea/dionaea_lab.json");
	assert_int_equal(c.event, 9);
	assert_int_equal(c.other + c.malformed + c.unknown, 0);
	c = vt_fixture(P, "dionaea/dionaea_mhn.json");
	assert_int_equal(c.event, 8);
	assert_int_equal(c.other + c.malformed + c.unknown, 0);
	c = vt_fixture(P, "dionaea/dionaea_documented.json");
	assert_int_equal(c.event, 4);
	assert_int_equal(c.other, 1);
	assert_int_equal(c.malformed, 1);
	assert_int_equal(c.unknown, 0);
}

static void test_lines(void **state)
{
	(void)state;
	vt_event(P, P->examples[0].line,
		 &(struct vt_want){.time = "2024-05-17T07:05:24.106767Z", .src = "192.168.144.1",
				   .dst = "192.168.144.2", .ports = 1, .sport = 59388, .dport = 445,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .detail = "smbd"});
	vt_event(P, P->examples[1].line,
		 &(struct vt_want){.time = "2017-11-11T06:19:12.385Z", .src = "103.239.244.80",
				   .ports = 1, .sport = 61854, .dport = 1344, .proto = 6,
				   .action = EVENT_ACTION_LOG, .outcome = EVENT_OUTCOME_CLOSED,
				   .sensor = "0cd756ea-c6a8-11e7-910c-42010a800002", .detail = "pcap"});
	/* flat credentials: the first user name */
	vt_event(P,
		 "{\"connection\": {\"protocol\": \"ftpd\", \"transport\": \"tcp\", \"type\": \"accept\"}, "
		 "\"dst_ip\": \"172.16.130.69\", \"dst_port\": 21, \"src_hostname\": \"\", \"src_ip\": "
		 "\"20.1.1.50\", \"src_port\": 29438, \"timestamp\": \"2024-05-17T10:32:55.103516\", "
		 "\"ftp\": {\"commands\": {\"arguments\": [\"anonymous\", \"anonymous\", \"\", \"I\", "
		 "\"\"], \"command\": [\"USER\", \"PASS\", \"FEAT\", \"TYPE\", \"REIN\"]}}, "
		 "\"credentials\": {\"username\": [\"anonymous\"], \"password\": [\"anonymous\"]}}",
		 &(struct vt_want){.time = "2024-05-17T10:32:55.103516Z", .src = "20.1.1.50",
				   .dst = "172.16.130.69", .ports = 1, .sport = 29438, .dport = 21,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .user = "anonymous", .detail = "ftpd"});
	/* the list form */
	vt_event(P,
		 "{\"connection\": {\"protocol\": \"mssqld\", \"transport\": \"tcp\", \"type\": "
		 "\"accept\"}, \"dst_ip\": \"192.0.2.2\", \"dst_port\": 1433, \"src_hostname\": \"\", "
		 "\"src_ip\": \"198.51.100.61\", \"src_port\": 50412, \"timestamp\": "
		 "\"2024-05-17T08:01:02.003004\", \"credentials\": [{\"password\": \"P@ss\", "
		 "\"username\": \"sa\"}, {\"password\": \"\", \"username\": \"admin\"}]}",
		 &(struct vt_want){.time = "2024-05-17T08:01:02.003004Z", .src = "198.51.100.61",
				   .dst = "192.0.2.2", .ports = 1, .sport = 50412, .dport = 1433,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .user = "sa", .detail = "mssqld"});
	vt_event(P,
		 "{\"connection\": {\"protocol\": \"pcap\", \"transport\": \"tcp\", \"type\": "
		 "\"reject\"}, \"dst_ip\": \"192.0.2.2\", \"dst_port\": 8081, \"src_hostname\": \"\", "
		 "\"src_ip\": \"198.51.100.61\", \"src_port\": 50413, \"timestamp\": "
		 "\"2024-05-17T08:01:03.000001\"}",
		 &(struct vt_want){.time = "2024-05-17T08:01:03.000001Z", .src = "198.51.100.61",
				   .dst = "192.0.2.2", .ports = 1, .sport = 50413, .dport = 8081,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_CLOSED, .detail = "pcap"});
	vt_event(P,
		 "{\"connection\": {\"protocol\": \"SipSession\", \"transport\": \"udp\", \"type\": "
		 "\"accept\"}, \"dst_ip\": \"192.0.2.2\", \"dst_port\": 5060, \"src_hostname\": \"\", "
		 "\"src_ip\": \"2001:db8::61\", \"src_port\": 5071, \"timestamp\": "
		 "\"2024-05-17T08:01:05.500000\"}",
		 &(struct vt_want){.time = "2024-05-17T08:01:05.500Z", .src = "2001:db8::61",
				   .dst = "192.0.2.2", .ports = 1, .sport = 5071, .dport = 5060,
				   .proto = 17, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .detail = "SipSession"});
	/* a fork: dest_ip/dest_port, epoch milliseconds */
	vt_event(P,
		 "{\"connection\": {\"protocol\": \"smbd\", \"transport\": \"tcp\", \"type\": "
		 "\"accept\"}, \"protocol\": \"smbd\", \"type\": \"accept\", \"dest_ip\": \"192.0.2.2\", "
		 "\"dest_port\": 445, \"src_hostname\": \"\", \"src_ip\": \"198.51.100.62\", "
		 "\"src_port\": 49152, \"timestamp\": 1715932866123}",
		 &(struct vt_want){.time = "2024-05-17T08:01:06.123Z", .src = "198.51.100.62",
				   .dst = "192.0.2.2", .ports = 1, .sport = 49152, .dport = 445,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .detail = "smbd"});
	/* MHN: SIP over UDP, an answered SMB connection */
	vt_event(P,
		 "{ \"_id\" : { \"$oid\" : \"5a06a5d0616a1e7668dd4587\" }, \"protocol\" : \"SipSession\", "
		 "\"hpfeed_id\" : { \"$oid\" : \"5a06a5ce616a1e7668dd4586\" }, \"timestamp\" : { "
		 "\"$date\" : \"2017-11-11T07:25:02.675+0000\" }, \"source_ip\" : \"195.154.181.191\", "
		 "\"source_port\" : 5071, \"destination_port\" : 5060, \"identifier\" : "
		 "\"0cd756ea-c6a8-11e7-910c-42010a800002\", \"honeypot\" : \"dionaea\" }",
		 &(struct vt_want){.time = "2017-11-11T07:25:02.675Z", .src = "195.154.181.191",
				   .ports = 1, .sport = 5071, .dport = 5060, .proto = 17,
				   .action = EVENT_ACTION_LOG, .outcome = EVENT_OUTCOME_OPEN,
				   .sensor = "0cd756ea-c6a8-11e7-910c-42010a800002",
				   .detail = "SipSession"});
	vt_event(P,
		 "{ \"protocol\" : \"smbd\", \"hpfeed_id\" : 1, \"timestamp\" : { \"$date\" : "
		 "1510381972897 }, \"source_ip\" : \"198.51.100.231\", \"source_port\" : 57480, "
		 "\"destination_ip\" : \"192.0.2.5\", \"destination_port\" : 445, \"honeypot\" : "
		 "\"dionaea\" }",
		 &(struct vt_want){.time = "2017-11-11T06:32:52.897Z", .src = "198.51.100.231",
				   .dst = "192.0.2.5", .ports = 1, .sport = 57480, .dport = 445,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .detail = "smbd"});
}

static void test_other_and_bad(void **state)
{
	(void)state;
	vt_result(P,
		  "{\"connection\": {\"protocol\": \"httpd\", \"transport\": \"tcp\", \"type\": "
		  "\"connect\"}, \"dst_ip\": \"198.51.100.99\", \"dst_port\": 80, \"src_ip\": "
		  "\"192.0.2.2\", \"src_port\": 41000, \"timestamp\": \"2024-05-17T08:01:04.000001\"}",
		  PARSE_OTHER);
	vt_result(P,
		  "{\"connection\": {\"type\": \"listen\"}, \"src_ip\": \"0.0.0.0\", \"timestamp\": "
		  "\"2024-05-17T08:01:04\"}",
		  PARSE_OTHER);
	vt_result(P,
		  "{ \"protocol\" : \"ssh\", \"hpfeed_id\" : 1, \"timestamp\" : { \"$date\" : "
		  "\"2017-11-11T07:25:02.675+0000\" }, \"source_ip\" : \"195.154.181.191\", "
		  "\"source_port\" : 5071, \"destination_port\" : 22, \"honeypot\" : \"cowrie\" }",
		  PARSE_OTHER);
	vt_result(P, "{\"eventid\": \"cowrie.session.connect\", \"src_ip\": \"1.2.3.4\"}", PARSE_UNKNOWN);
	vt_result(P, "", PARSE_UNKNOWN);
	vt_result(P, "not json", PARSE_UNKNOWN);
	vt_malformed(P,
		     "{\"connection\": {\"protocol\": \"smbd\", \"transport\": \"tcp\", \"type\": "
		     "\"accept\"}, \"dst_ip\": \"192.0.2.2\", \"dst_port\": 445, \"src_ip\": \"x\", "
		     "\"src_port\": 1, \"timestamp\": \"2024-05-17T08:01:04\"}",
		     "src_ip");
	vt_malformed(P,
		     "{\"connection\": {\"protocol\": \"smbd\", \"transport\": \"tcp\", \"type\": "
		     "\"accept\"}, \"dst_ip\": \"192.0.2.2\", \"src_ip\": \"192.0.2.3\", \"src_port\": 1, "
		     "\"timestamp\": \"2024-05-17T08:01:04\"}",
		     "port");
	vt_malformed(P,
		     "{\"connection\": {\"protocol\": \"smbd\", \"transport\": \"tcp\", \"type\": "
		     "\"accept\"}, \"dst_ip\": \"192.0.2.2\", \"dst_port\": 445, \"src_ip\": "
		     "\"192.0.2.3\", \"src_port\": 1, \"timestamp\": \"yesterday\"}",
		     "timestamp");
	vt_malformed(P,
		     "{ \"protocol\" : \"pcap\", \"hpfeed_id\" : 1, \"timestamp\" : { \"$date\" : "
		     "\"2017-11-11T07:25:02.675+0000\" }, \"source_ip\" : \"195.154.181.191\", "
		     "\"destination_port\" : \"x\", \"honeypot\" : \"dionaea\" }",
		     "port");
	vt_malformed(P, "{\"connection\": {\"protocol\": \"httpd\", \"transport\": \"tcp\", \"ty",
		     "JSON");
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "dionaea/dionaea_lab.json");
	vt_detect_fixture(P, "dionaea/dionaea_mhn.json");
	vt_detect_fixture(P, "dionaea/dionaea_documented.json");
	vt_detect_foreign(P);
	vt_examples(P);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_other_and_bad),
		cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, vt_setup, NULL);
}
