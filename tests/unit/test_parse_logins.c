/* The dropbear and ftpd (ProFTPD, vsftpd) parsers on fail2ban's test lines
 * (tests/data/dropbear, tests/data/ftpd; see ORIGINS.md): login failures
 * and successes with their user, the client chosen where the user name
 * imitates the daemon's words, vsftpd's own log, other lines. */
#include "test_parse_vendor_util.h"

#define DB (&parser_dropbear)
#define FTP (&parser_ftpd)
#define SSH_TCP .proto = 6, .ports = 1, .dport = 22
#define FTP_TCP .proto = 6, .ports = 1, .dport = 21

static void test_fixtures(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(DB, "dropbear/dropbear_fail2ban.log");
	assert_int_equal(c.event, 10);
	assert_int_equal(c.other + c.malformed + c.unknown, 0);
	c = vt_fixture(FTP, "ftpd/ftpd_fail2ban.log");
	assert_int_equal(c.event, 17);
	assert_int_equal(c.unknown, 1); /* a stamp with ",121" milliseconds: no syslog envelope */
	assert_int_equal(c.other + c.malformed, 0);
	vt_detect_fixture(DB, "dropbear/dropbear_fail2ban.log");
	vt_examples(DB);
	vt_examples(FTP);
}

static void test_dropbear(void **state)
{
	(void)state;
	vt_event(DB,
		 "Mar 24 15:25:51 buffalo1 dropbear[4092]: bad password attempt for 'root' from "
		 "198.51.100.87:5543",
		 &(struct vt_want){.time = "2023-03-24T15:25:51Z", .src = "198.51.100.87", SSH_TCP,
				   .sport = 5543, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "buffalo1",
				   .user = "root", .detail = "bad password attempt"});
	/* IPv6 without brackets: the port follows the last colon */
	vt_event(DB,
		 "Feb 11 15:23:17 dropbear[1252]: login attempt for nonexistent user from "
		 "::ffff:198.51.100.215:60495",
		 &(struct vt_want){.time = "2023-02-11T15:23:17Z", .src = "198.51.100.215", SSH_TCP,
				   .sport = 60495, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE,
				   .detail = "login attempt for nonexistent user"});
	vt_event(DB,
		 "Jul 10 23:57:29 t dropbear[825]: [825] Jul 10 23:57:29 Exit before auth from "
		 "<192.0.2.3:52289>: (user 'root', 10 fails): Max auth tries reached - user 'root'",
		 &(struct vt_want){.time = "2023-07-10T23:57:29Z", .src = "192.0.2.3", SSH_TCP,
				   .sport = 52289, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "t", .user = "root",
				   .detail = "Exit before auth"});
	vt_event(DB,
		 "Jul 11 08:00:00 r dropbear[900]: Password auth succeeded for 'admin' from "
		 "192.0.2.8:40000",
		 &(struct vt_want){.time = "2023-07-11T08:00:00Z", .src = "192.0.2.8", SSH_TCP,
				   .sport = 40000, .action = EVENT_ACTION_ACCEPT,
				   .outcome = EVENT_OUTCOME_AUTH_SUCCESS, .sensor = "r", .user = "admin",
				   .detail = "Password auth succeeded"});
	vt_result(DB, "Jul 11 08:00:01 r dropbear[900]: Exit (admin): Disconnect received",
		  PARSE_OTHER);
	vt_result(DB, "Jul 11 08:00:02 r dropbear[901]: Child connection from 192.0.2.9:40001",
		  PARSE_OTHER);
	vt_result(DB, "Jul 11 08:00:03 r dropbear[902]: bad password attempt for 'x' from nowhere",
		  PARSE_OTHER);
}

static void test_proftpd(void **state)
{
	(void)state;
	vt_event(FTP,
		 "Jun 09 07:30:58 platypus proftpd[11864] platypus (mail.bloodymonster.net"
		 "[::ffff:67.227.224.66]): USER username (Login failed): Incorrect password.",
		 &(struct vt_want){.time = "2023-06-09T07:30:58Z", .src = "67.227.224.66", FTP_TCP,
				   .sport = 0, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "platypus",
				   .user = "username", .detail = "(Login failed)"});
	/* the server side from "to DST:PORT" */
	vt_event(FTP,
		 "Jun 09 11:15:43 h proftpd[17424] h (::ffff:101.71.143.238[::ffff:101.71.143.238]): "
		 "USER god: no such user found from ::ffff:101.71.143.238 [::ffff:101.71.143.238] to "
		 "::ffff:123.212.99.194:2121",
		 &(struct vt_want){.time = "2023-06-09T11:15:43Z", .src = "101.71.143.238",
				   .dst = "123.212.99.194", .proto = 6, .ports = 1, .dport = 2121,
				   .sport = 0, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "h", .user = "god",
				   .detail = "no such user found"});
	/* a user name that imitates proftpd's words: the client is the one in
	 * proftpd's own parentheses, the failure proftpd's last words */
	vt_event(FTP,
		 "Jun 14 00:09:59 h proftpd[17839] h (::ffff:59.167.242.100[::ffff:59.167.242.100]): "
		 "USER x (Login failed): y (evil[1.2.3.44]): no such user found from "
		 "::ffff:59.167.242.100 [::ffff:59.167.242.100] to ::ffff:113.212.99.194:21",
		 &(struct vt_want){.time = "2023-06-14T00:09:59Z", .src = "59.167.242.100",
				   .dst = "113.212.99.194", FTP_TCP, .sport = 0,
				   .action = EVENT_ACTION_LOG, .outcome = EVENT_OUTCOME_AUTH_FAILURE,
				   .sensor = "h", .user = "x (Login failed): y (evil[1.2.3.44])",
				   .detail = "no such user found"});
	vt_event(FTP,
		 "Oct  2 15:45:44 ftp01 proftpd[5517]: 192.0.2.13 (192.0.2.13[192.0.2.13]) - "
		 "SECURITY VIOLATION: Root login attempted",
		 &(struct vt_want){.time = "2023-10-02T15:45:44Z", .src = "192.0.2.13", FTP_TCP,
				   .sport = 0, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "ftp01",
				   .user = "Root", .detail = "SECURITY VIOLATION"});
	vt_event(FTP,
		 "Oct  2 15:46:00 ftp01 proftpd[5518]: ftp01 (c.example[192.0.2.14]) - USER alice: "
		 "Login successful.",
		 &(struct vt_want){.time = "2023-10-02T15:46:00Z", .src = "192.0.2.14", FTP_TCP,
				   .sport = 0, .action = EVENT_ACTION_ACCEPT,
				   .outcome = EVENT_OUTCOME_AUTH_SUCCESS, .sensor = "ftp01",
				   .user = "alice", .detail = "Login successful"});
	vt_result(FTP,
		  "Oct  2 15:46:01 ftp01 proftpd[5518]: ftp01 (c.example[192.0.2.14]) - FTP session "
		  "opened.",
		  PARSE_OTHER);
	vt_result(FTP, "Oct  2 15:46:02 ftp01 proftpd[5519]: ftp01 (c.example[c.example]) - USER "
		       "bob (Login failed): Incorrect password.",
		  PARSE_OTHER); /* a name, no address */
}

static void test_vsftpd(void **state)
{
	(void)state;
	vt_event(FTP,
		 "Feb  6 12:02:29 server vsftpd(pam_unix)[15522]: authentication failure; logname= "
		 "uid=0 euid=0 tty= ruser= rhost=64.168.103.1 user=user1",
		 &(struct vt_want){.time = "2023-02-06T12:02:29Z", .src = "64.168.103.1", FTP_TCP,
				   .sport = 0, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "server",
				   .user = "user1", .detail = "authentication failure"});
	vt_event(FTP,
		 "Oct 23 21:15:42 vps vsftpd: pam_unix(vsftpd:auth): authentication failure; "
		 "logname= uid=0 euid=0 tty=ftp ruser=test rhost=58.254.172.161",
		 &(struct vt_want){.time = "2023-10-23T21:15:42Z", .src = "58.254.172.161", FTP_TCP,
				   .sport = 0, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "vps",
				   .user = "test", .detail = "authentication failure"});
	/* the typed name is ruser (and user): one that imitates " rhost=" does
	 * not choose the address */
	vt_event(FTP,
		 "Oct 23 21:15:42 vps vsftpd: pam_unix(vsftpd:auth): authentication failure; "
		 "logname= uid=0 euid=0 tty=ftp ruser=x rhost=203.0.113.66 rhost=58.254.172.161",
		 &(struct vt_want){.time = "2023-10-23T21:15:42Z", .src = "58.254.172.161", FTP_TCP,
				   .sport = 0, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "vps",
				   .user = "x rhost=203.0.113.66", .detail = "authentication failure"});
	vt_event(FTP,
		 "Oct 23 21:15:43 vps vsftpd: pam_unix(vsftpd:auth): authentication failure; "
		 "logname= uid=0 euid=0 tty=ftp ruser=x rhost=203.0.113.66 rhost=58.254.172.161 "
		 "user=x rhost=203.0.113.66",
		 &(struct vt_want){.time = "2023-10-23T21:15:43Z", .src = "58.254.172.161", FTP_TCP,
				   .sport = 0, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "vps",
				   .user = "x rhost=203.0.113.66", .detail = "authentication failure"});
	/* a name with "] OK LOGIN: Client ..." in it: vsftpd's words are the last */
	vt_event(FTP, "Fri Jan 19 12:20:33 2007 [pid 2] [x] OK LOGIN: Client \"203.0.113.66\"] "
		      "FAIL LOGIN: Client \"64.106.46.98\"",
		 &(struct vt_want){.time = "2007-01-19T12:20:33Z", .src = "64.106.46.98", FTP_TCP,
				   .sport = 0, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE,
				   .user = "x] OK LOGIN: Client \"203.0.113.66\"", .detail = "FAIL LOGIN"});
	vt_event(FTP, "Oct 23 21:15:45 vps vsftpd[12]: [a]b] FAIL LOGIN: Client \"58.254.172.161\"",
		 &(struct vt_want){.time = "2023-10-23T21:15:45Z", .src = "58.254.172.161", FTP_TCP,
				   .sport = 0, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .sensor = "vps", .user = "a]b",
				   .detail = "FAIL LOGIN"});
	/* vsftpd.log: its own ctime stamp, local time with the year */
	vt_event(FTP, "Thu Sep  8 00:39:49 2016 [pid 15019] [guest] FAIL LOGIN: Client "
		      "\"::ffff:192.0.2.1\", \"User is not in the allow user list.\"",
		 &(struct vt_want){.time = "2016-09-08T00:39:49Z", .src = "192.0.2.1", FTP_TCP,
				   .sport = 0, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .user = "guest",
				   .detail = "FAIL LOGIN"});
	vt_event(FTP, "Thu Sep  8 00:40:00 2016 [pid 15020] [alice] OK LOGIN: Client \"192.0.2.2\"",
		 &(struct vt_want){.time = "2016-09-08T00:40:00Z", .src = "192.0.2.2", FTP_TCP,
				   .sport = 0, .action = EVENT_ACTION_ACCEPT,
				   .outcome = EVENT_OUTCOME_AUTH_SUCCESS, .user = "alice",
				   .detail = "OK LOGIN"});
	vt_result(FTP, "Thu Sep  8 00:40:01 2016 [pid 15021] CONNECT: Client \"192.0.2.2\"",
		  PARSE_OTHER);
	vt_malformed(FTP, "Thu Sep  8 00:40:02 2016 [pid 15022] [x] FAIL LOGIN: Client \"nohost\"",
		     "not an address");
	vt_result(FTP, "Oct 23 21:15:43 vps vsftpd: pam_unix(vsftpd:auth): check pass; user unknown",
		  PARSE_OTHER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_dropbear),
		cmocka_unit_test(test_proftpd),
		cmocka_unit_test(test_vsftpd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
