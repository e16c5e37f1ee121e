/* The Cowrie JSON parser on a real internet-facing sensor's log
 * (tests/data/cowrie/cowrie_kareiva.json) and fail2ban's Cowrie samples
 * (cowrie_fail2ban.json, the newer layout with ports on every event):
 * connections, failed and successful logins, commands, downloads, the
 * eventids that are "other", escapes kept as written, bad and cut lines. */
#include "test_parse_vendor_util.h"

#define P (&parser_cowrie)

static void test_fixtures(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "cowrie/cowrie_kareiva.json");
	assert_int_equal(c.event, 7);
	assert_int_equal(c.other, 7);
	assert_int_equal(c.malformed + c.unknown, 0);
	c = vt_fixture(P, "cowrie/cowrie_fail2ban.json");
	assert_int_equal(c.event, 3);
	assert_int_equal(c.other, 3);
	assert_int_equal(c.malformed + c.unknown, 0);
}

static void test_lines(void **state)
{
	(void)state;
	vt_event(P, P->examples[0].line,
		 &(struct vt_want){.time = "2018-05-06T17:44:05.866769Z", .src = "88.223.26.58",
				   .dst = "172.17.0.3", .ports = 1, .sport = 52577, .dport = 2222,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .sensor = "920497a79896",
				   .detail = "ssh"});
	vt_event(P, P->examples[1].line,
		 &(struct vt_want){.time = "2018-05-06T22:33:22.698977Z", .src = "137.74.171.123",
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "920497a79896",
				   .user = "miner"});
	vt_event(P,
		 "{\"eventid\": \"cowrie.login.success\", \"username\": \"root\", \"timestamp\": "
		 "\"2018-05-06T17:44:51.165980Z\", \"message\": \"login attempt [root/password] "
		 "succeeded\", \"system\": \"SSHService 'ssh-userauth' on "
		 "HoneyPotSSHTransport,3,88.223.26.58\", \"isError\": 0, \"src_ip\": "
		 "\"88.223.26.58\", \"session\": \"ef410359268d\", \"password\": \"password\", "
		 "\"sensor\": \"920497a79896\"}",
		 &(struct vt_want){.time = "2018-05-06T17:44:51.165980Z", .src = "88.223.26.58",
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_SUCCESS, .sensor = "920497a79896",
				   .user = "root"});
	vt_event(P,
		 "{\"eventid\": \"cowrie.command.input\", \"timestamp\": \"2018-05-06T17:45:01.142441Z\", "
		 "\"message\": \"CMD: find /\", \"system\": \"SSHChannel session (0) on SSHService "
		 "'ssh-connection' on HoneyPotSSHTransport,3,88.223.26.58\", \"isError\": 0, "
		 "\"src_ip\": \"88.223.26.58\", \"session\": \"ef410359268d\", \"input\": \"find /\", "
		 "\"sensor\": \"920497a79896\"}",
		 &(struct vt_want){.time = "2018-05-06T17:45:01.142441Z", .src = "88.223.26.58",
				   .proto = 6, .action = EVENT_ACTION_LOG, .sensor = "920497a79896",
				   .detail = "find /"});
	/* the newer layout: ports on every event, telnet */
	vt_event(P,
		 "{\"session\":\"9f8e7d6c5b4a\",\"protocol\":\"telnet\",\"src_ip\":\"203.0.113.9\","
		 "\"src_port\":52344,\"dst_ip\":\"172.18.0.2\",\"dst_port\":23,\"eventid\":"
		 "\"cowrie.session.connect\",\"sensor\":\"580d0186ebeb\",\"uuid\":"
		 "\"9f8e7d6c-8fc4-11f1-9350-ee70fe9b2de3\",\"timestamp\":\"2026-08-13T00:05:00.000000Z\","
		 "\"message\":\"New connection: 203.0.113.9:52344 (172.18.0.2:23) [session: "
		 "9f8e7d6c5b4a]\"}",
		 &(struct vt_want){.time = "2026-08-13T00:05:00Z", .src = "203.0.113.9",
				   .dst = "172.18.0.2", .ports = 1, .sport = 52344, .dport = 23,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .sensor = "580d0186ebeb",
				   .detail = "telnet"});
	/* written as Cowrie's docs list the members: a download and an
	 * upload; a user name with an escape stays as written */
	vt_event(P,
		 "{\"eventid\":\"cowrie.session.file_download\",\"src_ip\":\"198.51.100.3\","
		 "\"timestamp\":\"2021-01-02T03:04:05.000006Z\",\"url\":\"http://203.0.113.5/x.sh\","
		 "\"shasum\":\"00\",\"outfile\":\"var/lib/cowrie/downloads/00\"}",
		 &(struct vt_want){.time = "2021-01-02T03:04:05.000006Z", .src = "198.51.100.3",
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .detail = "http://203.0.113.5/x.sh"});
	vt_event(P,
		 "{\"eventid\":\"cowrie.session.file_upload\",\"src_ip\":\"198.51.100.3\","
		 "\"timestamp\":\"2021-01-02T03:04:06Z\",\"filename\":\"mirai.arm\"}",
		 &(struct vt_want){.time = "2021-01-02T03:04:06Z", .src = "198.51.100.3", .proto = 6,
				   .action = EVENT_ACTION_LOG, .detail = "mirai.arm"});
	vt_event(P,
		 "{\"eventid\":\"cowrie\\u002elogin.failed\",\"username\":\"r\\u00f6\\\"ot\","
		 "\"src_ip\":\"198.51.100.3\",\"timestamp\":\"2021-01-02T03:04:07Z\"}",
		 &(struct vt_want){.time = "2021-01-02T03:04:07Z", .src = "198.51.100.3", .proto = 6,
				   .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .user = "r\\u00f6\\\"ot"});
	/* ports given as strings by some shippers */
	vt_event(P,
		 "{\"eventid\":\"cowrie.session.connect\",\"src_ip\":\"2001:db8::3\",\"src_port\":\"4000\","
		 "\"dst_ip\":\"2001:db8::1\",\"dst_port\":\"22\",\"timestamp\":\"2021-01-02T03:04:08Z\"}",
		 &(struct vt_want){.time = "2021-01-02T03:04:08Z", .src = "2001:db8::3",
				   .dst = "2001:db8::1", .ports = 1, .sport = 4000, .dport = 22,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN});
}

static void test_other_and_bad(void **state)
{
	(void)state;
	vt_result(P,
		  "{\"eventid\": \"cowrie.session.closed\", \"timestamp\": "
		  "\"2018-05-06T17:44:05.943970Z\", \"src_ip\": \"88.223.26.58\", \"duration\": 0.07}",
		  PARSE_OTHER);
	vt_result(P, "{\"eventid\": \"cowrie.client.version\"}", PARSE_OTHER);
	vt_result(P, "{\"eventid\": \"dionaea.connection\", \"src_ip\": \"1.2.3.4\"}", PARSE_UNKNOWN);
	vt_result(P, "{\"event_type\": \"alert\"}", PARSE_UNKNOWN);
	vt_result(P, "not a json line at all", PARSE_UNKNOWN);
	vt_result(P, "", PARSE_UNKNOWN);
	vt_malformed(P,
		     "{\"eventid\":\"cowrie.login.failed\",\"username\":\"x\",\"src_ip\":\"1.2.3\","
		     "\"timestamp\":\"2021-01-02T03:04:07Z\"}",
		     "src_ip");
	vt_malformed(P, "{\"eventid\":\"cowrie.login.failed\",\"username\":\"x\",\"src_ip\":\"1.2.3.4\"}",
		     "timestamp");
	vt_malformed(P,
		     "{\"eventid\":\"cowrie.session.connect\",\"src_ip\":\"1.2.3.4\",\"dst_port\":70000,"
		     "\"timestamp\":\"2021-01-02T03:04:07Z\"}",
		     "dst_port");
	vt_malformed(P,
		     "{\"eventid\":\"cowrie.session.connect\",\"src_ip\":\"1.2.3.4\",\"dst_ip\":\"x\","
		     "\"timestamp\":\"2021-01-02T03:04:07Z\"}",
		     "dst_ip");
	/* a line cut by rotation, after the eventid */
	vt_malformed(P, "{\"eventid\": \"cowrie.session.connect\", \"src_ip\": \"88.223.26.58\", \"src_",
		     "JSON");
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "cowrie/cowrie_kareiva.json");
	vt_detect_fixture(P, "cowrie/cowrie_fail2ban.json");
	vt_detect_foreign(P);
	vt_examples(P);
	const char *z = "{\"ts\":1664462458.150596,\"uid\":\"C1\",\"id.orig_h\":\"172.16.1.11\"}";
	assert_int_equal(P->detect(z, strlen(z)), 0);
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
