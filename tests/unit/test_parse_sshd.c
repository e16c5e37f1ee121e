/* The sshd parser on real auth.log lines (tests/data/sshd: a VPS's
 * auth.log, fail2ban's and CrowdSec's sshd test lines, see ORIGINS.md) and
 * on a few lines written per OpenSSH's and rsyslog's sources
 * (sshd_documented.log): outcomes, users, ports, the address chosen where
 * client-chosen text imitates one, PAM, repeats, other lines. */
#include "test_parse_vendor_util.h"

#define P (&parser_sshd)

static void test_fixtures(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "sshd/auth_teliten_head300.log");
	assert_int_equal(c.event, 280);
	assert_int_equal(c.other, 20); /* CRON's lines */
	assert_int_equal(c.malformed + c.unknown, 0);
	c = vt_fixture(P, "sshd/sshd_fail2ban.log");
	assert_int_equal(c.event, 121);
	assert_int_equal(c.other, 34);
	assert_int_equal(c.malformed + c.unknown, 0);
	c = vt_fixture(P, "sshd/sshd_crowdsec.log");
	assert_int_equal(c.event, 24);
	assert_int_equal(c.other + c.malformed + c.unknown, 0);
	c = vt_fixture(P, "sshd/ssh-bf_crowdsec.log");
	assert_int_equal(c.event, 6);
	assert_int_equal(c.unknown, 1); /* a blank line */
	c = vt_fixture(P, "sshd/sshd_documented.log");
	assert_int_equal(c.event, 4);
	assert_int_equal(c.other, 1);
}

#define TCP .proto = 6, .ports = 1, .dport = 22

static void test_login_attempts(void **state)
{
	(void)state;
	vt_event(P, "Feb 12 14:10:21 sd-126005 sshd[16378]: Invalid user pascal from 35.188.49.176 "
		    "port 53502",
		 &(struct vt_want){.time = "2023-02-12T14:10:21Z", .src = "35.188.49.176", TCP,
				   .sport = 53502, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "sd-126005",
				   .user = "pascal", .detail = "Invalid user"});
	vt_event(P,
		 "Apr  6 18:51:41 eve sshd[2784424]: Failed password for invalid user root from "
		 "192.168.1.2 port 51182 ssh2",
		 &(struct vt_want){.time = "2023-04-06T18:51:41Z", .src = "192.168.1.2", TCP,
				   .sport = 51182, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "eve",
				   .user = "root", .detail = "Failed password"});
	vt_event(P,
		 "May 29 11:55:07 vultr sshd[17118]: Accepted keyboard-interactive/pam for adam from "
		 "73.49.186.26 port 47080 ssh2",
		 &(struct vt_want){.time = "2023-05-29T11:55:07Z", .src = "73.49.186.26", TCP,
				   .sport = 47080, .action = EVENT_ACTION_ACCEPT,
				   .outcome = EVENT_OUTCOME_AUTH_SUCCESS, .sensor = "vultr",
				   .user = "adam", .detail = "Accepted keyboard-interactive/pam"});
	vt_event(P,
		 "Jun  3 10:00:01 host sshd[4242]: message repeated 3 times: [ Failed password for "
		 "root from 203.0.113.5 port 41000 ssh2]",
		 &(struct vt_want){.time = "2023-06-03T10:00:01Z", .src = "203.0.113.5", TCP,
				   .sport = 41000, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .count = 3,
				   .sensor = "host", .user = "root", .detail = "Failed password"});
	vt_event(P,
		 "Feb 19 10:38:14 myhost sshd[3355]: Disconnected from authenticating user ftp "
		 "92.255.85.135 port 26138 [preauth]",
		 &(struct vt_want){.time = "2023-02-19T10:38:14Z", .src = "92.255.85.135", TCP,
				   .sport = 26138, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "myhost",
				   .user = "ftp", .detail = "Disconnected"});
	vt_event(P,
		 "Nov  2 15:40:14 workshop sshd[28179]: pam_unix(sshd:auth): authentication failure; "
		 "logname= uid=0 euid=0 tty=ssh ruser= rhost=5.33.63.160 user=workshop",
		 &(struct vt_want){.time = "2023-11-02T15:40:14Z", .src = "5.33.63.160", TCP,
				   .sport = 0, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "workshop",
				   .user = "workshop",
				   .detail = "pam_unix(sshd:auth): authentication failure"});
	vt_event(P,
		 "Jun 21 16:47:48 digital-mlhhyiqscv sshd[13709]: error: PAM: Authentication failure "
		 "for myhlj1374 from 192.030.0.6",
		 &(struct vt_want){.time = "2023-06-21T16:47:48Z", .src = "192.30.0.6", TCP,
				   .sport = 0, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE,
				   .sensor = "digital-mlhhyiqscv", .user = "myhlj1374",
				   .detail = "PAM: Authentication failure"});
	vt_event(P,
		 "Apr 16 22:01:15 al-ribat sshd[5154]: User root from 46.45.128.3 not allowed "
		 "because listed in DenyUsers",
		 &(struct vt_want){.time = "2023-04-16T22:01:15Z", .src = "46.45.128.3", TCP,
				   .sport = 0, .action = EVENT_ACTION_REJECT,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "al-ribat",
				   .user = "root", .detail = "not allowed"});
	/* OpenSSH 9.8's per-session binary, IPv6 */
	vt_event(P,
		 "Jun  3 10:00:03 host sshd-session[4244]: Accepted publickey for deploy from "
		 "2001:db8::5 port 50000 ssh2: ED25519 SHA256:abcdefghijklmnopqrstuvwxyz0123456789AB",
		 &(struct vt_want){.time = "2023-06-03T10:00:03Z", .src = "2001:db8::5", TCP,
				   .sport = 50000, .action = EVENT_ACTION_ACCEPT,
				   .outcome = EVENT_OUTCOME_AUTH_SUCCESS, .sensor = "host",
				   .user = "deploy", .detail = "Accepted publickey"});
}

static void test_probes(void **state)
{
	(void)state;
	vt_event(P,
		 "Jun  7 01:11:57 host sshd[8782]: Did not receive identification string from "
		 "192.0.2.5 port 35836",
		 &(struct vt_want){.time = "2023-06-07T01:11:57Z", .src = "192.0.2.5", TCP,
				   .sport = 35836, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .sensor = "host",
				   .detail = "Did not receive identification string"});
	vt_event(P,
		 "Nov 19 11:28:15 myhost sshd[36648]: Connection closed by 118.27.24.104 port 33594 "
		 "[preauth]",
		 &(struct vt_want){.time = "2023-11-19T11:28:15Z", .src = "118.27.24.104", TCP,
				   .sport = 33594, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .sensor = "myhost",
				   .detail = "Connection closed"});
	vt_event(P,
		 "Mar 15 09:20:57 host sshd[28972]: Connection reset by 192.0.2.39 port 14282 "
		 "[preauth]",
		 &(struct vt_want){.time = "2023-03-15T09:20:57Z", .src = "192.0.2.39", TCP,
				   .sport = 14282, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .sensor = "host",
				   .detail = "Connection reset"});
	vt_event(P,
		 "Jun  8 10:44:36 server sshd[3204729]: Unable to negotiate with 123.57.135.134 port "
		 "45626: no matching key exchange method found. Their offer: "
		 "diffie-hellman-group14-sha1 [preauth] ",
		 &(struct vt_want){.time = "2023-06-08T10:44:36Z", .src = "123.57.135.134", TCP,
				   .sport = 45626, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .sensor = "server",
				   .detail = "Unable to negotiate"});
	/* the local end, when sshd logs it, is the destination */
	vt_event(P,
		 "Nov 26 15:03:30 host sshd[22440]: Connection from 192.0.2.3 port 39678 on "
		 "192.168.1.9 port 2222",
		 &(struct vt_want){.time = "2023-11-26T15:03:30Z", .src = "192.0.2.3",
				   .dst = "192.168.1.9", .proto = 6, .ports = 1, .sport = 39678,
				   .dport = 2222, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .sensor = "host",
				   .detail = "Connection from"});
	vt_event(P,
		 "Dec 16 14:10:24 myhost sshd[16379]: refused connect from example.com (192.168.1.1)",
		 &(struct vt_want){.time = "2023-12-16T14:10:24Z", .src = "192.168.1.1", TCP,
				   .sport = 0, .action = EVENT_ACTION_REJECT,
				   .outcome = EVENT_OUTCOME_CLOSED, .sensor = "myhost",
				   .detail = "refused connect"});
	vt_event(P,
		 "Oct 15 19:51:35 server sshd[7592]: Address 1.2.3.4 maps to 1234.bbbbbb.com, but "
		 "this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!",
		 &(struct vt_want){.time = "2023-10-15T19:51:35Z", .src = "1.2.3.4", TCP,
				   .sport = 0, .action = EVENT_ACTION_LOG, .sensor = "server",
				   .detail = "POSSIBLE BREAK-IN ATTEMPT"});
}

static void test_injection(void **state)
{
	(void)state;
	/* user names of the client's choosing that look like addresses */
	vt_event(P,
		 "Nov 11 08:04:52 redbamboo sshd[2737]: Failed password for invalid user test from "
		 "10.10.1.2 port 55555 ssh2 from 127.0.0.1 port 58946 ssh2",
		 &(struct vt_want){.time = "2023-11-11T08:04:52Z", .src = "127.0.0.1", TCP,
				   .sport = 58946, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "redbamboo",
				   .user = "test from 10.10.1.2 port 55555 ssh2",
				   .detail = "Failed password"});
	vt_event(P,
		 "Nov 11 08:04:52 redbamboo sshd[2737]: Failed password for invalid user test from "
		 "127.0.0.1 port 58946 ssh2: from 10.10.1.2 port 55555 ssh2",
		 &(struct vt_want){.time = "2023-11-11T08:04:52Z", .src = "127.0.0.1", TCP,
				   .sport = 58946, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "redbamboo",
				   .user = "test", .detail = "Failed password"});
	vt_event(P,
		 "Jul 17 23:04:00 srv sshd[1300]: Connection closed by authenticating user test "
		 "127.0.0.1 192.0.2.11 port 46039 [preauth]",
		 &(struct vt_want){.time = "2023-07-17T23:04:00Z", .src = "192.0.2.11", TCP,
				   .sport = 46039, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "srv",
				   .user = "test 127.0.0.1", .detail = "Connection closed"});
	vt_event(P,
		 "Jun 7 01:11:58 host sshd[8783]: Bad protocol version identification 'dummy "
		 "string' from 192.0.2.1' from 69.61.56.115 port 31778",
		 &(struct vt_want){.time = "2023-06-07T01:11:58Z", .src = "69.61.56.115", TCP,
				   .sport = 31778, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .sensor = "host",
				   .detail = "Bad protocol version identification"});
}

static void test_other(void **state)
{
	(void)state;
	vt_result(P, "Jun  3 10:00:02 host sshd[4243]: Server listening on 0.0.0.0 port 22.",
		  PARSE_OTHER);
	vt_result(P,
		  "Nov 28 09:16:03 srv sshd[32307]: Postponed publickey for git from 192.0.2.1 port "
		  "57904 ssh2 [preauth]",
		  PARSE_OTHER);
	vt_result(P,
		  "May 29 20:56:52 imago sshd[28732]: error: PAM: Authentication failure for stefanor "
		  "from example.com",
		  PARSE_OTHER);
	vt_result(P,
		  "Nov 28 09:16:05 srv sshd[32310]: Disconnecting: Too many authentication failures "
		  "for git [preauth]",
		  PARSE_OTHER);
	vt_result(P,
		  "May 29 11:55:01 vultr CRON[17115]: pam_unix(cron:session): session opened for user "
		  "root by (uid=0)",
		  PARSE_OTHER);
	vt_result(P, "Jun 14 15:16:02 combo sshd(pam_unix)[19937]: check pass; user unknown",
		  PARSE_OTHER);
	vt_result(P, "srv sshd[13709]: error: PAM: Authentication failure for x from 1.2.3.4",
		  PARSE_UNKNOWN);
	/* the syslog hook leaves other programs' lines to other parsers */
	const char *cron = "May 29 11:55:01 vultr CRON[17115]: pam_unix(cron:session): session";
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, VT_REF, 0, NULL);
	struct syslog_header h;
	assert_int_equal(syslog_header_parse(&ctx, cron, strlen(cron), &h), 0);
	struct event ev;
	event_clear(&ev);
	assert_int_equal(P->parse_syslog(&ctx, &h, &ev), PARSE_UNKNOWN);
}

static void test_old_pam_tag(void **state)
{
	(void)state;
	vt_event(P,
		 "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= "
		 "uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4 ",
		 &(struct vt_want){.time = "2023-06-14T15:16:01Z", .src = "218.188.2.4", TCP,
				   .sport = 0, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "combo",
				   .detail = "authentication failure"});
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "sshd/auth_teliten_head300.log");
	vt_detect_fixture(P, "sshd/sshd_fail2ban.log");
	vt_detect_foreign(P);
	vt_examples(P);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),  cmocka_unit_test(test_login_attempts),
		cmocka_unit_test(test_probes),    cmocka_unit_test(test_injection),
		cmocka_unit_test(test_other),     cmocka_unit_test(test_old_pam_tag),
		cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, vt_setup, NULL);
}
