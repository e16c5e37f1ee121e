/* The honeyd parser on HoneyEVSE's real connection log
 * (tests/data/honeyd/honeyd_honeyevse.log) and lines written as honeyd's
 * log.c prints them (honeyd_documented.log): S, E and - records, ICMP,
 * UDP and other protocols, flags, OS guesses, honeyd 0.5's epoch field,
 * service-log and start/stop lines, malformed and cut lines. */
#include "test_parse_vendor_util.h"

#define P (&parser_honeyd)

static void test_fixtures(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "honeyd/honeyd_honeyevse.log");
	/* 4 ICMP, 8 S and 6 "-" records; 8 E lines and 3 start/stop lines */
	assert_int_equal(c.event, 18);
	assert_int_equal(c.other, 11);
	assert_int_equal(c.malformed + c.unknown, 0);
	c = vt_fixture(P, "honeyd/honeyd_documented.log");
	assert_int_equal(c.event, 9);
	assert_int_equal(c.other, 5);
	assert_int_equal(c.malformed + c.unknown, 0);
}

static void test_lines(void **state)
{
	(void)state;
	vt_event(P, "2023-04-28-15:53:49.3951 tcp(6) S 192.168.10.4 52404 185.213.114.29 80",
		 &(struct vt_want){.time = "2023-04-28T15:53:49.395100Z", .src = "192.168.10.4",
				   .dst = "185.213.114.29", .ports = 1, .sport = 52404, .dport = 80,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN});
	vt_event(P, "2023-04-28-15:58:20.3349 tcp(6) - 192.168.10.4 46170 185.213.114.29 443: 60 S",
		 &(struct vt_want){.time = "2023-04-28T15:58:20.334900Z", .src = "192.168.10.4",
				   .dst = "185.213.114.29", .ports = 1, .sport = 46170, .dport = 443,
				   .proto = 6, .action = EVENT_ACTION_LOG, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_SYN});
	vt_event(P, "2023-04-28-19:34:31.2829 tcp(6) - 192.168.10.2 51572 185.213.114.29 80: 386 PA",
		 &(struct vt_want){.time = "2023-04-28T19:34:31.282900Z", .src = "192.168.10.2",
				   .dst = "185.213.114.29", .ports = 1, .sport = 51572, .dport = 80,
				   .proto = 6, .action = EVENT_ACTION_LOG, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_PSH | TCP_FLAG_ACK});
	vt_event(P, "2023-04-28-15:53:38.9189 icmp(1) - 192.168.10.4 185.213.114.29: 8(0): 84",
		 &(struct vt_want){.time = "2023-04-28T15:53:38.918900Z", .src = "192.168.10.4",
				   .dst = "185.213.114.29", .proto = 1, .action = EVENT_ACTION_LOG,
				   .icmp = 1, .icmp_type = 8, .icmp_code = 0});
	vt_event(P,
		 "2004-05-11-09:15:10.5120 tcp(6) S 198.51.100.23 1048 192.0.2.16 21 [Windows 2000 "
		 "RFC1323]",
		 &(struct vt_want){.time = "2004-05-11T09:15:10.512Z", .src = "198.51.100.23",
				   .dst = "192.0.2.16", .ports = 1, .sport = 1048, .dport = 21,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .detail = "Windows 2000 RFC1323"});
	vt_event(P, "2004-05-11-09:15:11.0016 udp(17) S 198.51.100.23 1030 192.0.2.16 53",
		 &(struct vt_want){.time = "2004-05-11T09:15:11.001600Z", .src = "198.51.100.23",
				   .dst = "192.0.2.16", .ports = 1, .sport = 1030, .dport = 53,
				   .proto = 17, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN});
	vt_event(P, "2004-05-11-09:15:12.2284 udp(17) - 198.51.100.23 1031 192.0.2.16 137: 78",
		 &(struct vt_want){.time = "2004-05-11T09:15:12.228400Z", .src = "198.51.100.23",
				   .dst = "192.0.2.16", .ports = 1, .sport = 1031, .dport = 137,
				   .proto = 17, .action = EVENT_ACTION_LOG});
	/* no flags at all: "40 " then the OS guess */
	vt_event(P,
		 "2004-05-11-09:15:13.4410 tcp(6) - 198.51.100.23 1049 192.0.2.16 8080: 40  [Linux "
		 "2.4 (Google crawlbot)]",
		 &(struct vt_want){.time = "2004-05-11T09:15:13.441Z", .src = "198.51.100.23",
				   .dst = "192.0.2.16", .ports = 1, .sport = 1049, .dport = 8080,
				   .proto = 6, .action = EVENT_ACTION_LOG, .has_flags = 1,
				   .tcp_flags = 0, .detail = "Linux 2.4 (Google crawlbot)"});
	vt_event(P,
		 "2004-05-11-09:15:14.0002 tcp(6) - 198.51.100.23 1050 192.0.2.16 25: 40 FPU "
		 "[Windows XP SP1] {Honeyd Scanner?}",
		 &(struct vt_want){.time = "2004-05-11T09:15:14.000200Z", .src = "198.51.100.23",
				   .dst = "192.0.2.16", .ports = 1, .sport = 1050, .dport = 25,
				   .proto = 6, .action = EVENT_ACTION_LOG, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_FIN | TCP_FLAG_PSH | TCP_FLAG_URG,
				   .detail = "Windows XP SP1"});
	vt_event(P, "2004-05-11-09:15:16.1000 gre(47) - 198.51.100.23 192.0.2.16: 576",
		 &(struct vt_want){.time = "2004-05-11T09:15:16.100Z", .src = "198.51.100.23",
				   .dst = "192.0.2.16", .proto = 47, .action = EVENT_ACTION_LOG});
	/* honeyd 0.5: the epoch seconds are the time (UTC), not the stamp */
	vt_event(P, "2003-06-24-06:48:47.0030 1056433727 icmp(1) - 198.51.100.40 192.0.2.9: 11(0): 56",
		 &(struct vt_want){.time = "2003-06-24T05:48:47.003Z", .src = "198.51.100.40",
				   .dst = "192.0.2.9", .proto = 1, .action = EVENT_ACTION_LOG,
				   .icmp = 1, .icmp_type = 11, .icmp_code = 0});
	vt_event(P, "2004-05-11-09:16:02.8810 tcp(6) S 2001:db8::23 40112 2001:db8:1::16 22",
		 &(struct vt_want){.time = "2004-05-11T09:16:02.881Z", .src = "2001:db8::23",
				   .dst = "2001:db8:1::16", .ports = 1, .sport = 40112, .dport = 22,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN});
	/* an IPv6 address ending in "::" before the tuple's ':' */
	vt_event(P, "2004-05-11-09:16:03.0000 udp(17) - 2001:db8::23 40113 2001:db8:: 53: 60",
		 &(struct vt_want){.time = "2004-05-11T09:16:03Z", .src = "2001:db8::23",
				   .dst = "2001:db8::", .ports = 1, .sport = 40113, .dport = 53,
				   .proto = 17, .action = EVENT_ACTION_LOG});

	/* the IP length of a "-" record */
	struct event ev;
	assert_int_equal(
		vt_run(P, "2023-04-28-19:34:31.2829 tcp(6) - 192.168.10.2 51572 185.213.114.29 80: 386 PA",
		       &ev),
		PARSE_EVENT);
	assert_true(ev.flags & EVENT_HAS_LEN);
	assert_int_equal(ev.ip_len, 386);
}

/* The stamp is local time in --tz. */
static void test_zone(void **state)
{
	(void)state;
	assert_int_equal(timeconv_set_zone("Europe/Rome"), 0);
	vt_event(P, "2023-04-28-15:53:49.3951 tcp(6) S 192.168.10.4 52404 185.213.114.29 80",
		 &(struct vt_want){.time = "2023-04-28T13:53:49.395100Z", .src = "192.168.10.4",
				   .dst = "185.213.114.29", .ports = 1, .sport = 52404, .dport = 80,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN});
	assert_int_equal(timeconv_set_zone("UTC"), 0);
}

static void test_other_and_bad(void **state)
{
	(void)state;
	vt_result(P, "2023-04-28-13:47:14.3718 honeyd log started ------", PARSE_OTHER);
	vt_result(P, "2023-04-28-15:54:05.1272 tcp(6) E 192.168.10.4 52404 185.213.114.29 80: 346 7046",
		  PARSE_OTHER);
	vt_result(P, "2004-05-11-09:15:17.0050 tcp(6) 198.51.100.23 1048 192.0.2.16 21: |USER anonymous|",
		  PARSE_OTHER);
	vt_malformed(P, "2023-04-28-15:54:05.1272 tcp(6) E 192.168.10.4 52404 185.213.114.29 80: 346",
		     "byte counts");
	vt_malformed(P, "2023-04-28-15:54:05.1272 tcp(6) E 192.168.10.4 52404 185.213.114.29 80: x 1",
		     "byte counts");
	vt_malformed(P, "2023-04-28-15:54:05.1272 tcp(6) E 192.168.10.4 52404 185.213.114.29 80 346 7046",
		     "':'");
	vt_malformed(P, "2023-04-28-15:53:49.3951 tcp(6) S 192.168.10.999 52404 185.213.114.29 80",
		     "source address");
	vt_malformed(P, "2023-04-28-15:53:49.3951 tcp(6) S 192.168.10.4 52404 185.213.114.29 99999",
		     "port");
	vt_malformed(P, "2023-04-28-15:53:49.3951 tcp(6) X 192.168.10.4 52404 185.213.114.29 80",
		     "S, E or -");
	vt_malformed(P, "2023-04-28-15:58:20.3349 tcp(6) - 192.168.10.4 46170 185.213.114.29 443: 60 SZ",
		     "flag letter");
	vt_malformed(P, "2023-04-28-15:58:20.3349 tcp(6) - 192.168.10.4 46170 185.213.114.29 443:",
		     "packet size");
	vt_malformed(P, "2023-04-28-15:53:38.9189 icmp(1) - 192.168.10.4 185.213.114.29: 8(x): 84",
		     "ICMP");
	vt_malformed(P, "2023-04-28-15:53:49.3951 tcp(6)", "cut short");
	vt_malformed(P, "9999-04-28-15:53:49.3951 tcp(6) S 192.168.10.4 52404 185.213.114.29 80",
		     "year");
	vt_malformed(P,
		     "2003-06-24-06:48:47.0030 99999999999 icmp(1) - 198.51.100.40 192.0.2.9: 11(0): 56",
		     "epoch");
	vt_result(P, "2023-04-28-15:53:49.3951 tcp S 192.168.10.4 52404 185.213.114.29 80",
		  PARSE_UNKNOWN);
	vt_result(P, "2023-04-28 15:53:49 tcp(6) S 192.168.10.4 52404 185.213.114.29 80", PARSE_UNKNOWN);
	vt_result(P, "2023-13-28-15:53:49.3951 tcp(6) S 192.168.10.4 52404 185.213.114.29 80",
		  PARSE_UNKNOWN);
	vt_result(P, "", PARSE_UNKNOWN);
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "honeyd/honeyd_honeyevse.log");
	vt_detect_fixture(P, "honeyd/honeyd_documented.log");
	vt_detect_foreign(P);
	vt_examples(P);
	assert_int_equal(P->detect("2023-04-28-13:47:14.3718 honeyd log started ------", 50), 90);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),      cmocka_unit_test(test_lines),
		cmocka_unit_test(test_zone),	      cmocka_unit_test(test_other_and_bad),
		cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, vt_setup, NULL);
}
