/* The SonicWall parser on the OSSEC documentation's real SonicOS lines
 * (tests/data/sonicwall/sonicwall_ossec.log) and lines written per
 * SonicWall's log format (sonicwall_documented.log: fw_action=, a UTC
 * stamp, IPv6): the events, what is "other", malformed and cut lines. */
#include "test_parse_vendor_util.h"

#define P (&parser_sonicwall)

static void test_fixtures(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "sonicwall/sonicwall_ossec.log");
	assert_int_equal(c.event, 13);
	assert_int_equal(c.other, 9); /* closes of connections already counted, IKE */
	assert_int_equal(c.malformed, 1);
	assert_int_equal(c.unknown, 0);
	c = vt_fixture(P, "sonicwall/sonicwall_documented.log");
	assert_int_equal(c.event, 3);
	assert_int_equal(c.other + c.malformed + c.unknown, 0);
}

static void test_events(void **state)
{
	(void)state;
	/* the firewall's clock (time=) is the event's time; the relay names
	 * the host */
	vt_event(P,
		 "Jan  3 13:45:36 192.168.5.1 id=firewall sn=000SERIAL time=\"2007-01-03 14:48:06\" "
		 "fw=1.1.1.1 pri=6 c=262144 m=98 msg=\"Connection Opened\" n=23419 "
		 "src=2.2.2.2:36701:WAN dst=1.1.1.1:50000:WAN proto=tcp/50000",
		 &(struct vt_want){.time = "2007-01-03T14:48:06Z", .src = "2.2.2.2",
				   .dst = "1.1.1.1", .ports = 1, .sport = 36701, .dport = 50000,
				   .proto = 6, .action = EVENT_ACTION_ACCEPT,
				   .sensor = "192.168.5.1", .in = "WAN", .out = "WAN",
				   .detail = "Connection Opened"});
	vt_event(P,
		 "Jan  3 13:45:43 192.168.5.1 id=firewall sn=000SERIAL time=\"2007-01-03 14:48:14\" "
		 "fw=1.1.1.1 pri=5 c=256 m=38 msg=\"ICMP packet dropped\" n=22070 "
		 "src=219.89.19.223:1026:WAN dst=1.1.1.1:6822:WAN  type=3 code=3",
		 &(struct vt_want){.time = "2007-01-03T14:48:14Z", .src = "219.89.19.223",
				   .dst = "1.1.1.1", .proto = 1, .icmp = 1, .icmp_type = 3,
				   .icmp_code = 3, .action = EVENT_ACTION_DROP,
				   .sensor = "192.168.5.1", .in = "WAN", .out = "WAN",
				   .detail = "ICMP packet dropped"});
	vt_event(P,
		 "Jan  3 13:45:36 192.168.5.1 id=firewall sn=000SERIAL time=\"2007-01-03 14:48:07\" "
		 "fw=1.1.1.1 pri=1 c=32 m=30 msg=\"Administrator login denied due to bad "
		 "credentials\" n=7 src=2.2.2.2:36701:WAN dst=1.1.1.1:50000:WAN",
		 &(struct vt_want){.time = "2007-01-03T14:48:07Z", .src = "2.2.2.2",
				   .dst = "1.1.1.1", .action = EVENT_ACTION_REJECT,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "192.168.5.1",
				   .in = "WAN", .out = "WAN",
				   .detail = "Administrator login denied due to bad credentials"});
	/* no envelope: the serial number names the device */
	vt_event(P,
		 "id=firewall sn=00XX time=\"2005-10-22 00:12:11\" fw=1.2.3.4 pri=5 c=128 m=37 "
		 "msg=\"UDP packet dropped\" n=14333 src=1.3.4.5 dst=2.5.6.7:1025:LAN",
		 &(struct vt_want){.time = "2005-10-22T00:12:11Z", .src = "1.3.4.5",
				   .dst = "2.5.6.7", .ports = 1, .sport = 0, .dport = 1025,
				   .proto = 17, .action = EVENT_ACTION_DROP, .sensor = "00XX",
				   .out = "LAN", .detail = "UDP packet dropped"});
	/* fw_action= decides, "UTC" makes the stamp exact */
	vt_event(P,
		 "<134>id=firewall sn=0017C5A1B2C3 time=\"2023-06-01 10:00:00 UTC\" "
		 "fw=198.51.100.1 pri=6 c=1024 m=537 msg=\"Connection Closed\" app=49169 n=12345 "
		 "src=203.0.113.60:51000:X1 dst=198.51.100.10:22:X0 proto=tcp/ssh "
		 "fw_action=\"drop\"",
		 &(struct vt_want){.time = "2023-06-01T10:00:00Z", .src = "203.0.113.60",
				   .dst = "198.51.100.10", .ports = 1, .sport = 51000, .dport = 22,
				   .proto = 6, .action = EVENT_ACTION_DROP, .sensor = "0017C5A1B2C3",
				   .in = "X1", .out = "X0", .detail = "Connection Closed"});
	vt_event(P,
		 "<134>id=firewall sn=0017C5A1B2C3 time=\"2023-06-01 10:00:02\" fw=198.51.100.1 "
		 "pri=6 c=262144 m=98 msg=\"Connection Opened\" n=12347 "
		 "src=[2001:db8::61]:51001:X1 dst=[2001:db8:1::10]:443:X0 proto=tcp/https",
		 &(struct vt_want){.time = "2023-06-01T10:00:02Z", .src = "2001:db8::61",
				   .dst = "2001:db8:1::10", .ports = 1, .sport = 51001, .dport = 443,
				   .proto = 6, .action = EVENT_ACTION_ACCEPT,
				   .sensor = "0017C5A1B2C3", .in = "X1", .out = "X0",
				   .detail = "Connection Opened"});
	vt_event(P,
		 "<134>id=firewall sn=0017C5A1B2C3 time=\"2023-06-01 10:00:01 UTC\" "
		 "fw=198.51.100.1 pri=1 c=32 m=82 msg=\"Possible port scan detected\" n=12346 "
		 "src=203.0.113.61:1025:X1 dst=198.51.100.10:1433:X0",
		 &(struct vt_want){.time = "2023-06-01T10:00:01Z", .src = "203.0.113.61",
				   .dst = "198.51.100.10", .action = EVENT_ACTION_LOG,
				   .sensor = "0017C5A1B2C3", .in = "X1", .out = "X0",
				   .detail = "Possible port scan detected"});
}

static void test_other_malformed(void **state)
{
	(void)state;
	vt_result(P,
		  "Jan  3 13:45:37 192.168.5.1 id=firewall sn=000SERIAL time=\"2007-01-03 14:48:07\" "
		  "fw=1.1.1.1 pri=6 c=1024 m=537 msg=\"Connection Closed\" n=567996 "
		  "src=192.168.4.10:27577:WAN dst=192.168.5.10:53:LAN proto=tcp/dns sent=257 "
		  "rcvd=242",
		  PARSE_OTHER);
	vt_result(P,
		  "Jan  3 13:45:44 192.168.5.1 id=firewall sn=000SERIAL time=\"2007-01-03 14:48:15\" "
		  "fw=1.1.1.1 pri=6 c=16 m=346 msg=\"IKE Initiator: Start Quick Mode (Phase 2).\" "
		  "n=171872 src=2.2.2.2:500 dst=1.1.1.1:500",
		  PARSE_OTHER);
	vt_result(P, "Jan  3 13:45:44 host sshd[1]: Server listening", PARSE_OTHER);
	vt_result(P, "nothing at all", PARSE_UNKNOWN);
	vt_malformed(P,
		     "Apr 1 10:45:16 10.1.5.1 id=firewall sn=00301E0526B1 time=\"2004-04-01 "
		     "10:39:35\" fw=67.32.44.2 pri=5 c=64 m=36 msg=\"TCP connection dropped\" n=2686 "
		     "src=67.101.200 .27:4507:WAN dst=67.32.44.2:445:LAN proto=tcp",
		     "src");
	vt_malformed(P,
		     "id=firewall sn=1 time=\"2004-04-01 10:39:35\" fw=1.1.1.1 pri=5 m=36 "
		     "msg=\"TCP connection dropped\" src=1.2.3.4:99999:WAN dst=5.6.7.8:1:LAN "
		     "proto=tcp",
		     "src");
	vt_malformed(P,
		     "id=firewall sn=1 time=\"2004-04-01 10:39:35\" fw=1.1.1.1 pri=5 m=36 "
		     "msg=\"TCP connection dropped\" src=1.2.3.4:1:WAN dst=5.6.7.8:1:LAN "
		     "proto=zzz/1",
		     "proto");
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "sonicwall/sonicwall_ossec.log");
	vt_detect_fixture(P, "sonicwall/sonicwall_documented.log");
	vt_detect_foreign(P);
	vt_examples(P);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),        cmocka_unit_test(test_events),
		cmocka_unit_test(test_other_malformed), cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, vt_setup, NULL);
}
