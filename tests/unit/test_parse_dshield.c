/* The DShield submission-format parser on lines written as the DShield
 * client framework writes them (tests/data/dshield/dshield_documented.txt)
 * and on what report/dshield.c writes (dshield_clscan.txt, the fixture the
 * writer's test produces byte for byte): counts, zones, ICMP in the port
 * fields, "???" ports, protocol numbers, flag letters, bad fields. */
#include "test_parse_vendor_util.h"

#define P (&parser_dshield)
#define T "\t"

static void test_fixtures(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "dshield/dshield_documented.txt");
	assert_int_equal(c.event, 6);
	assert_int_equal(c.malformed, 2);
	assert_int_equal(c.other + c.unknown, 0);
	c = vt_fixture(P, "dshield/dshield_clscan.txt");
	assert_int_equal(c.event, 5);
	assert_int_equal(c.other + c.malformed + c.unknown, 0);
}

static void test_lines(void **state)
{
	(void)state;
	vt_event(P, P->examples[0].line,
		 &(struct vt_want){.time = "2023-04-28T13:53:49Z", .src = "192.0.2.4",
				   .dst = "198.51.100.29", .ports = 1, .sport = 52404, .dport = 80,
				   .proto = 6, .count = 3, .has_flags = 1, .tcp_flags = TCP_FLAG_SYN,
				   .sensor = "0"});
	vt_event(P, "2023-04-28 09:53:50 -0400" T "12345" T "1" T "192.0.2.4" T "52405" T
		     "198.51.100.29" T "443" T "TCP" T "SA12",
		 &(struct vt_want){.time = "2023-04-28T13:53:50Z", .src = "192.0.2.4",
				   .dst = "198.51.100.29", .ports = 1, .sport = 52405, .dport = 443,
				   .proto = 6, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_SYN | TCP_FLAG_ACK | TCP_FLAG_CWR | TCP_FLAG_ECE,
				   .sensor = "12345"});
	vt_event(P, P->examples[1].line,
		 &(struct vt_want){.time = "2023-04-28T13:53:38Z", .src = "192.0.2.4",
				   .dst = "198.51.100.29", .proto = 1, .icmp = 1, .icmp_type = 8,
				   .icmp_code = 0, .sensor = "0"});
	vt_event(P, "2023-04-28 15:54:00 +02:00" T "0" T "7" T "192.0.2.5" T "1031" T
		     "198.51.100.29" T "137" T "UDP" T "",
		 &(struct vt_want){.time = "2023-04-28T13:54:00Z", .src = "192.0.2.5",
				   .dst = "198.51.100.29", .ports = 1, .sport = 1031, .dport = 137,
				   .proto = 17, .count = 7, .sensor = "0"});
	vt_event(P, "2023-04-28 15:54:01 +02:00" T "0" T "1" T "192.0.2.6" T "???" T
		     "198.51.100.29" T "???" T "47",
		 &(struct vt_want){.time = "2023-04-28T13:54:01Z", .src = "192.0.2.6",
				   .dst = "198.51.100.29", .proto = 47, .sensor = "0"});
	vt_event(P, "2023-04-28 15:54:02 +02:00" T "0" T "2" T "2001:db8::6" T "40000" T
		     "2001:db8:1::29" T "22" T "TCP" T "FPU",
		 &(struct vt_want){.time = "2023-04-28T13:54:02Z", .src = "2001:db8::6",
				   .dst = "2001:db8:1::29", .ports = 1, .sport = 40000, .dport = 22,
				   .proto = 6, .count = 2, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_FIN | TCP_FLAG_PSH | TCP_FLAG_URG,
				   .sensor = "0"});
	/* an unknown protocol and unknown source port, a known target port */
	vt_event(P, "2023-04-28 15:54:03 Z" T "0" T "1" T "192.0.2.6" T "???" T "198.51.100.29" T
		     "25" T "???",
		 &(struct vt_want){.time = "2023-04-28T15:54:03Z", .src = "192.0.2.6",
				   .dst = "198.51.100.29", .ports = 1, .sport = 0, .dport = 25,
				   .sensor = "0"});
	/* flags on a UDP line are checked, not kept */
	vt_event(P, "2023-04-28 15:54:04 +00:00" T "0" T "1" T "192.0.2.6" T "1" T "198.51.100.29" T
		     "2" T "udp" T "S",
		 &(struct vt_want){.time = "2023-04-28T15:54:04Z", .src = "192.0.2.6",
				   .dst = "198.51.100.29", .ports = 1, .sport = 1, .dport = 2,
				   .proto = 17, .sensor = "0"});
}

static void test_bad(void **state)
{
	(void)state;
	const char *base = "2023-04-28 15:53:49 +02:00" T;
	static const struct {
		const char *rest, *why;
	} bad[] = {
		{"0" T "3" T "192.0.2.4" T "52404" T "198.51.100.29" T "80", "fewer than 8"},
		{"0" T "3" T "192.0.2.4" T "1" T "198.51.100.29" T "80" T "TCP" T "S" T "x", "more than 9"},
		{"" T "3" T "192.0.2.4" T "1" T "198.51.100.29" T "80" T "TCP" T "S", "user id"},
		{"0" T "0" T "192.0.2.4" T "1" T "198.51.100.29" T "80" T "TCP" T "S", "count"},
		{"0" T "4294967296" T "192.0.2.4" T "1" T "198.51.100.29" T "80" T "TCP", "count"},
		{"0" T "1" T "192.0.2" T "1" T "198.51.100.29" T "80" T "TCP", "source IP"},
		{"0" T "1" T "192.0.2.4" T "1" T "host" T "80" T "TCP", "target IP"},
		{"0" T "1" T "192.0.2.4" T "65536" T "198.51.100.29" T "80" T "TCP", "port"},
		{"0" T "1" T "192.0.2.4" T "1" T "198.51.100.29" T "-1" T "TCP", "port"},
		{"0" T "1" T "192.0.2.4" T "1" T "198.51.100.29" T "80" T "TCPX", "protocol"},
		{"0" T "1" T "192.0.2.4" T "300" T "198.51.100.29" T "0" T "ICMP", "ICMP"},
		{"0" T "1" T "192.0.2.4" T "1" T "198.51.100.29" T "80" T "TCP" T "s", "flag"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[256];
		snprintf(line, sizeof(line), "%s%s", base, bad[i].rest);
		vt_malformed(P, line, bad[i].why);
	}
	vt_result(P, "2023-04-28 15:53:49" T "0" T "1" T "192.0.2.4" T "1" T "198.51.100.29" T "80" T
		     "TCP",
		  PARSE_UNKNOWN); /* no zone: not this format */
	vt_result(P, "2023-04-28 15:53:49 +02:00 0 1 192.0.2.4 1 198.51.100.29 80 TCP", PARSE_UNKNOWN);
	vt_result(P, "Subject: FORMAT DSHIELD USERID 0 TZ +02:00", PARSE_UNKNOWN);
	vt_result(P, "9023-04-28 15:53:49 +02:00" T "0" T "1" T "192.0.2.4" T "1" T "198.51.100.29" T
		     "80" T "TCP",
		  PARSE_UNKNOWN); /* a year no event can hold */
	vt_result(P, "", PARSE_UNKNOWN);
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "dshield/dshield_documented.txt");
	vt_detect_fixture(P, "dshield/dshield_clscan.txt");
	vt_detect_foreign(P);
	vt_examples(P);
	/* a Zeek TSV record is not DShield's */
	const char *z = "1591367999.305988\tCazOhH2qDUiJTWMCY\t192.168.4.76\t36844\t192.168.4.1\t53"
			"\tudp\tdns\t0.066852";
	assert_int_equal(P->detect(z, strlen(z)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, vt_setup, NULL);
}
