/* The Kippo/Cowrie text-log parser on a real Kippo log under a lab brute
 * force (tests/data/kippo/kippo_lab.log), CrowdSec's Cowrie lines through
 * syslog (cowrie_crowdsec.log) and Cowrie text lines written as Cowrie
 * logs them (cowrie_documented.log: ISO stamps, b'' user reprs, telnet,
 * IPv6): connections, logins, commands, other lines, bad and cut lines. */
#include "test_parse_vendor_util.h"

#define P (&parser_kippo)

static void test_fixtures(void **state)
{
	(void)state;
	/* Twisted's ISO stamps look like journalctl's short-iso to the
	 * syslog reader, so the hook comparison runs on the syslog fixture
	 * only */
	struct parser direct = parser_kippo;
	direct.parse_syslog = NULL;
	struct vt_counts c = vt_fixture(&direct, "kippo/kippo_lab.log");
	/* 3 connections, 3 logins, 6 commands */
	assert_int_equal(c.event, 12);
	assert_int_equal(c.other, 49);
	assert_int_equal(c.malformed + c.unknown, 0);
	c = vt_fixture(&direct, "kippo/cowrie_documented.log");
	assert_int_equal(c.event, 7);
	assert_int_equal(c.other, 3);
	assert_int_equal(c.malformed + c.unknown, 0);
	c = vt_fixture(P, "kippo/cowrie_crowdsec.log");
	assert_int_equal(c.event, 2);
	assert_int_equal(c.other + c.malformed + c.unknown, 0);
}

static void test_lines(void **state)
{
	(void)state;
	vt_event(P, P->examples[0].line,
		 &(struct vt_want){.time = "2018-03-12T09:17:54Z", .src = "192.168.221.144",
				   .dst = "192.168.221.143", .ports = 1, .sport = 60532, .dport = 22,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN});
	vt_event(P, P->examples[1].line,
		 &(struct vt_want){.time = "2018-03-12T09:17:54Z", .src = "192.168.221.144",
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .user = "0000"});
	vt_event(P,
		 "2018-03-12 11:08:18+0000 [SSHService ssh-userauth on HoneyPotTransport,230,"
		 "192.168.221.1] login attempt [root/root] succeeded",
		 &(struct vt_want){.time = "2018-03-12T11:08:18Z", .src = "192.168.221.1", .proto = 6,
				   .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_SUCCESS, .user = "root"});
	vt_event(P,
		 "2018-03-12 11:08:21+0000 [SSHChannel session (0) on SSHService ssh-connection on "
		 "HoneyPotTransport,230,192.168.221.1] CMD: cd /",
		 &(struct vt_want){.time = "2018-03-12T11:08:21Z", .src = "192.168.221.1", .proto = 6,
				   .action = EVENT_ACTION_LOG, .detail = "cd /"});
	/* a password holding "/" and "] ": the user name is before the first
	 * "/", the verdict at the end */
	vt_event(P,
		 "2018-03-12 09:18:04+0000 [SSHService ssh-userauth on HoneyPotTransport,217,"
		 "192.168.221.144] login attempt [mickey/a/b] c] failed",
		 &(struct vt_want){.time = "2018-03-12T09:18:04Z", .src = "192.168.221.144",
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_FAILURE, .user = "mickey"});
	vt_event(P,
		 "2020-12-08T07:02:14.020771Z [SSHService b'ssh-userauth' on HoneyPotSSHTransport,12,"
		 "198.51.100.7] login attempt [b'admin'/b'a/b] c'] succeeded",
		 &(struct vt_want){.time = "2020-12-08T07:02:14.020771Z", .src = "198.51.100.7",
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_AUTH_SUCCESS, .user = "admin"});
	vt_event(P,
		 "2020-12-08T07:05:01.300100Z [cowrie.ssh.factory.CowrieSSHFactory] New connection: "
		 "2001:db8::7:51546 (2001:db8::10:2222) [session: 90b1c3a0f9e2]",
		 &(struct vt_want){.time = "2020-12-08T07:05:01.300100Z", .src = "2001:db8::7",
				   .dst = "2001:db8::10", .ports = 1, .sport = 51546, .dport = 2222,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN});
	/* the stamp's offset counts */
	vt_event(P,
		 "2014-05-28 13:06:17+0200 [kippo.core.honeypot.HoneyPotSSHFactory] New connection: "
		 "198.51.100.2:40000 ([192.0.2.1]:22) [session: 7]",
		 &(struct vt_want){.time = "2014-05-28T11:06:17Z", .src = "198.51.100.2",
				   .dst = "192.0.2.1", .ports = 1, .sport = 40000, .dport = 22,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN});
	/* through syslog: the inner stamp, the envelope's host */
	vt_event(P, P->examples[2].line,
		 &(struct vt_want){.time = "2020-12-08T06:28:43Z", .src = "4.2.3.1", .dst = "1.2.3.4",
				   .ports = 1, .sport = 47630, .dport = 2222, .proto = 6,
				   .action = EVENT_ACTION_LOG, .outcome = EVENT_OUTCOME_OPEN,
				   .sensor = "ip.compute.internal"});
}

static void test_other_and_bad(void **state)
{
	(void)state;
	vt_result(P,
		  "2018-03-12 09:17:54+0000 [HoneyPotTransport,188,192.168.221.144] Remote SSH version: "
		  "SSH-2.0-MEDUSA_1.0",
		  PARSE_OTHER);
	vt_result(P, "\treason: ", PARSE_OTHER);
	vt_result(P, "2018-03-12 09:17:54+0000 [HoneyPotTransport,188,192.168.221.144]", PARSE_OTHER);
	vt_result(P,
		  "2018-03-12 09:17:54+0000 [SSHService ssh-userauth on HoneyPotTransport,188,"
		  "192.168.221.144] login attempt [0000/1234] maybe",
		  PARSE_OTHER);
	vt_result(P, "Dec  8 06:28:43 host cowrie[2806]: Starting factory", PARSE_OTHER);
	vt_result(P, "Dec  8 06:28:43 host sshd[2806]: Accepted password for root", PARSE_UNKNOWN);
	vt_result(P, "2018-03-12 09:17:54 [kippo.core.honeypot.HoneyPotSSHFactory] New connection: "
		     "192.168.221.144:60532 (192.168.221.143:22) [session: 189]",
		  PARSE_UNKNOWN); /* no zone */
	vt_result(P, "", PARSE_UNKNOWN);
	vt_malformed(P,
		     "2018-03-12 09:17:54+0000 [kippo.core.honeypot.HoneyPotSSHFactory] New connection: "
		     "192.168.221.144 (192.168.221.143:22) [session: 189]",
		     "New connection");
	vt_malformed(P,
		     "2018-03-12 09:17:54+0000 [kippo.core.honeypot.HoneyPotSSHFactory] New connection: "
		     "192.168.221.144:60532 (192.168.221.143:22",
		     "New connection");
	vt_malformed(P,
		     "2018-03-12 09:17:54+0000 [SSHService ssh-userauth on HoneyPotTransport] login "
		     "attempt [0000/1234] failed",
		     "client address");
	vt_malformed(P,
		     "2018-03-12 09:17:54+0000 [SSHService ssh-userauth on HoneyPotTransport,1,1.2.3.4] "
		     "login attempt [nopassword] failed",
		     "user/password");
	vt_malformed(P, "2018-03-12 11:08:21+0000 [SSHChannel session (0)] CMD: ls", "client address");
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "kippo/kippo_lab.log");
	vt_detect_fixture(P, "kippo/cowrie_documented.log");
	vt_detect_fixture(P, "kippo/cowrie_crowdsec.log");
	vt_detect_foreign(P);
	vt_examples(P);
	/* a Twisted line without a honeypot's mark is claimed weakly */
	const char *tw = "2018-03-12 09:17:54+0000 [-] Log opened.";
	assert_int_equal(P->detect(tw, strlen(tw)), 30);
	const char *mk = "2018-03-12 09:17:54+0000 [HoneyPotTransport,188,192.168.221.144] NEW KEYS";
	assert_int_equal(P->detect(mk, strlen(mk)), 80);
	const char *cont = "\treason: ";
	assert_int_equal(P->detect(cont, strlen(cont)), 0);
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
