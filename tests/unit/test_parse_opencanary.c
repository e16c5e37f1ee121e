/* The OpenCanary parser on a lab decoy's real HTTP log lines
 * (tests/data/opencanary/opencanary_decoy.log) and lines written as
 * OpenCanary's logger.py and modules build them (opencanary_documented.log:
 * boot message, SSH connection/version/login, telnet login, port scans,
 * SNMP, a user code): logtype classes, -1 ports, the UTC stamps. */
#include "test_parse_vendor_util.h"

#define P (&parser_opencanary)

static void test_fixtures(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "opencanary/opencanary_decoy.log");
	assert_int_equal(c.event, 3);
	assert_int_equal(c.other + c.malformed + c.unknown, 0);
	c = vt_fixture(P, "opencanary/opencanary_documented.log");
	assert_int_equal(c.event, 6);
	assert_int_equal(c.other, 3);
	assert_int_equal(c.malformed + c.unknown, 0);
}

static void test_lines(void **state)
{
	(void)state;
	vt_event(P, P->examples[0].line,
		 &(struct vt_want){.time = "2019-05-26T11:57:15.702456Z", .src = "10.20.10.45",
				   .dst = "10.20.10.96", .ports = 1, .sport = 38548, .dport = 80,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "opencanary-1",
				   .user = "Test", .detail = "3001"});
	vt_event(P,
		 "{\"dst_host\": \"10.20.10.96\", \"dst_port\": 80, \"local_time\": \"2019-05-26 "
		 "11:56:46.592954\", \"logdata\": {\"HOSTNAME\": \"10.20.10.96\", \"PATH\": "
		 "\"/index.html\", \"SKIN\": \"nasLogin\", \"USERAGENT\": \"Mozilla/5.0 (X11; Linux "
		 "x86_64; rv:60.0) Gecko/20100101 Firefox/60.0\"}, \"logtype\": 3000, \"node_id\": "
		 "\"opencanary-1\", \"src_host\": \"10.20.10.45\", \"src_port\": 38544}",
		 &(struct vt_want){.time = "2019-05-26T11:56:46.592954Z", .src = "10.20.10.45",
				   .dst = "10.20.10.96", .ports = 1, .sport = 38544, .dport = 80,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .sensor = "opencanary-1",
				   .detail = "3000"});
	/* utc_time preferred to local_time */
	vt_event(P,
		 "{\"dst_host\": \"192.0.2.96\", \"dst_port\": 22, \"local_time\": \"2019-05-26 "
		 "12:01:11.000200\", \"local_time_adjusted\": \"2019-05-26 14:01:11.000200\", "
		 "\"logdata\": {\"LOCALVERSION\": \"SSH-2.0-OpenSSH_5.1p1 Debian-4\", \"PASSWORD\": "
		 "\"admin\", \"REMOTEVERSION\": \"SSH-2.0-libssh2_1.8.0\", \"USERNAME\": \"root\"}, "
		 "\"logtype\": 4002, \"node_id\": \"opencanary-1\", \"src_host\": \"198.51.100.45\", "
		 "\"src_port\": 40112, \"utc_time\": \"2019-05-26 12:01:11.000100\"}",
		 &(struct vt_want){.time = "2019-05-26T12:01:11.000100Z", .src = "198.51.100.45",
				   .dst = "192.0.2.96", .ports = 1, .sport = 40112, .dport = 22,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "opencanary-1",
				   .user = "root", .detail = "4002"});
	vt_event(P,
		 "{\"dst_host\": \"192.0.2.96\", \"dst_port\": 3389, \"local_time\": \"2019-05-26 "
		 "12:03:00.000001\", \"logdata\": {\"PROTO\": \"TCP\", \"SYN\": \"\"}, \"logtype\": 5001, "
		 "\"node_id\": \"opencanary-1\", \"src_host\": \"203.0.113.9\", \"src_port\": 61234}",
		 &(struct vt_want){.time = "2019-05-26T12:03:00.000001Z", .src = "203.0.113.9",
				   .dst = "192.0.2.96", .ports = 1, .sport = 61234, .dport = 3389,
				   .proto = 6, .action = EVENT_ACTION_LOG, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_SYN, .sensor = "opencanary-1",
				   .detail = "5001"});
	vt_event(P,
		 "{\"dst_host\": \"192.0.2.96\", \"dst_port\": 445, \"local_time\": \"2019-05-26 "
		 "12:03:01\", \"logdata\": {}, \"logtype\": 5003, \"node_id\": \"c\", \"src_host\": "
		 "\"203.0.113.9\", \"src_port\": 61235}",
		 &(struct vt_want){.time = "2019-05-26T12:03:01Z", .src = "203.0.113.9",
				   .dst = "192.0.2.96", .ports = 1, .sport = 61235, .dport = 445,
				   .proto = 6, .action = EVENT_ACTION_LOG, .has_flags = 1,
				   .tcp_flags = 0, .sensor = "c", .detail = "5003"});
	vt_event(P,
		 "{\"dst_host\": \"192.0.2.96\", \"dst_port\": 161, \"local_time\": \"2019-05-26 "
		 "12:04:00.000001\", \"logdata\": {\"COMMUNITY_STRING\": \"public\"}, \"logtype\": "
		 "13001, \"node_id\": \"opencanary-1\", \"src_host\": \"203.0.113.10\", \"src_port\": "
		 "40000}",
		 &(struct vt_want){.time = "2019-05-26T12:04:00.000001Z", .src = "203.0.113.10",
				   .dst = "192.0.2.96", .ports = 1, .sport = 40000, .dport = 161,
				   .proto = 17, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .sensor = "opencanary-1",
				   .detail = "13001"});
	/* no ports (-1) and no dst_host ("") */
	vt_event(P,
		 "{\"dst_host\": \"\", \"dst_port\": -1, \"local_time\": \"2019-05-26 12:05:00\", "
		 "\"logdata\": {}, \"logtype\": 5000, \"node_id\": \"n\", \"src_host\": "
		 "\"2001:db8::5\", \"src_port\": -1}",
		 &(struct vt_want){.time = "2019-05-26T12:05:00Z", .src = "2001:db8::5", .proto = 6,
				   .action = EVENT_ACTION_LOG, .outcome = EVENT_OUTCOME_OPEN,
				   .sensor = "n", .detail = "5000"});
}

static void test_other_and_bad(void **state)
{
	(void)state;
	vt_result(P,
		  "{\"dst_host\": \"\", \"dst_port\": -1, \"local_time\": \"2019-05-26 11:50:01.000112\", "
		  "\"logdata\": {\"msg\": {\"logdata\": \"Canary running!!!\"}}, \"logtype\": 1001, "
		  "\"node_id\": \"opencanary-1\", \"src_host\": \"\", \"src_port\": -1}",
		  PARSE_OTHER);
	vt_result(P,
		  "{\"logtype\": 99005, \"node_id\": \"x\", \"src_host\": \"1.2.3.4\", \"local_time\": "
		  "\"2019-05-26 11:50:01\"}",
		  PARSE_OTHER);
	vt_result(P, "{\"logtype\": \"3000\", \"node_id\": \"x\"}", PARSE_UNKNOWN);
	vt_result(P, "{\"logtype\": 3000}", PARSE_UNKNOWN);
	vt_result(P, "{\"eventid\": \"cowrie.session.connect\"}", PARSE_UNKNOWN);
	vt_result(P, "", PARSE_UNKNOWN);
	vt_malformed(P,
		     "{\"dst_host\": \"192.0.2.96\", \"dst_port\": 80, \"local_time\": \"2019-05-26 "
		     "11:56:46\", \"logtype\": 3000, \"node_id\": \"x\", \"src_host\": \"\", "
		     "\"src_port\": 1}",
		     "src_host");
	vt_malformed(P,
		     "{\"dst_host\": \"192.0.2.96\", \"dst_port\": 80, \"local_time\": \"26/05/2019\", "
		     "\"logtype\": 3000, \"node_id\": \"x\", \"src_host\": \"198.51.100.1\", "
		     "\"src_port\": 1}",
		     "local_time");
	vt_malformed(P,
		     "{\"dst_host\": \"192.0.2.96\", \"dst_port\": -2, \"local_time\": \"2019-05-26 "
		     "11:56:46\", \"logtype\": 3000, \"node_id\": \"x\", \"src_host\": \"198.51.100.1\", "
		     "\"src_port\": 1}",
		     "port");
	vt_malformed(P,
		     "{\"dst_host\": \"nas\", \"dst_port\": 80, \"local_time\": \"2019-05-26 11:56:46\", "
		     "\"logtype\": 3000, \"node_id\": \"x\", \"src_host\": \"198.51.100.1\", "
		     "\"src_port\": 1}",
		     "dst_host");
	vt_malformed(P, "{\"dst_host\": \"10.20.10.96\", \"logtype\": 3000, \"node_id\": \"opencan",
		     "JSON");
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "opencanary/opencanary_decoy.log");
	vt_detect_fixture(P, "opencanary/opencanary_documented.log");
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
