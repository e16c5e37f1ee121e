/* The Juniper SRX parser on lines written per Juniper's system log
 * reference (tests/data/junos/srx_documented.log; no public log sample
 * was found): RT_FLOW_SESSION_DENY and _CREATE in the plain and the
 * structured-data forms, CLOSE as "other", malformed and cut lines. */
#include "test_parse_vendor_util.h"

#define P (&parser_junos)

static void test_fixture(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "junos/srx_documented.log");
	assert_int_equal(c.event, 7);
	assert_int_equal(c.other, 1);
	assert_int_equal(c.malformed, 1);
	assert_int_equal(c.unknown, 0);
}

static void test_plain(void **state)
{
	(void)state;
	vt_event(P,
		 "Mar  5 10:00:01 srx-fw01 RT_FLOW: RT_FLOW_SESSION_DENY: session denied "
		 "203.0.113.7/51234->198.51.100.10/22 0x0 junos-ssh 6(0) deny-all untrust trust "
		 "UNKNOWN UNKNOWN N/A(N/A) ge-0/0/0.0 UNKNOWN policy deny",
		 &(struct vt_want){.time = "2023-03-05T10:00:01Z", .src = "203.0.113.7",
				   .dst = "198.51.100.10", .ports = 1, .sport = 51234, .dport = 22,
				   .proto = 6, .action = EVENT_ACTION_DROP, .sensor = "srx-fw01",
				   .prefix = "deny-all", .in = "ge-0/0/0.0",
				   .detail = "RT_FLOW_SESSION_DENY"});
	vt_event(P,
		 "Mar  5 10:00:02 srx-fw01 RT_FLOW: RT_FLOW_SESSION_DENY: session denied "
		 "203.0.113.8/0->198.51.100.10/0 0x0 icmp 1(8) deny-all untrust trust UNKNOWN "
		 "UNKNOWN N/A(N/A) ge-0/0/0.0 UNKNOWN policy deny",
		 &(struct vt_want){.time = "2023-03-05T10:00:02Z", .src = "203.0.113.8",
				   .dst = "198.51.100.10", .proto = 1, .icmp = 1, .icmp_type = 8,
				   .action = EVENT_ACTION_DROP, .sensor = "srx-fw01",
				   .prefix = "deny-all", .in = "ge-0/0/0.0",
				   .detail = "RT_FLOW_SESSION_DENY"});
	/* the short layout of older releases */
	vt_event(P,
		 "Mar  5 10:00:03 srx-fw01 RT_FLOW: RT_FLOW_SESSION_DENY: session denied "
		 "203.0.113.9/5353->198.51.100.11/161 None 17(0) default-deny untrust trust",
		 &(struct vt_want){.time = "2023-03-05T10:00:03Z", .src = "203.0.113.9",
				   .dst = "198.51.100.11", .ports = 1, .sport = 5353, .dport = 161,
				   .proto = 17, .action = EVENT_ACTION_DROP, .sensor = "srx-fw01",
				   .prefix = "default-deny", .detail = "RT_FLOW_SESSION_DENY"});
	vt_event(P,
		 "Mar  5 10:00:08 srx-fw01 RT_FLOW: RT_FLOW_SESSION_DENY: session denied "
		 "2001:db8::7/40001->2001:db8:1::10/22 0x0 junos-ssh 6(0) deny-ssh untrust trust "
		 "UNKNOWN UNKNOWN N/A(N/A) ge-0/0/0.0 UNKNOWN policy reject",
		 &(struct vt_want){.time = "2023-03-05T10:00:08Z", .src = "2001:db8::7",
				   .dst = "2001:db8:1::10", .ports = 1, .sport = 40001, .dport = 22,
				   .proto = 6, .action = EVENT_ACTION_REJECT, .sensor = "srx-fw01",
				   .prefix = "deny-ssh", .in = "ge-0/0/0.0",
				   .detail = "RT_FLOW_SESSION_DENY"});
	vt_event(P,
		 "Mar  5 10:00:06 srx-fw01 RT_FLOW: RT_FLOW_SESSION_CREATE: session created "
		 "10.1.1.5/51000->198.51.100.9/443 0x0 junos-https 203.0.113.1/40000->198.51.100.9/"
		 "443 0x0 source rule1 N/A N/A 6 users-out trust untrust 4242 N/A(N/A) ge-0/0/1.0 "
		 "UNKNOWN UNKNOWN UNKNOWN No",
		 &(struct vt_want){.time = "2023-03-05T10:00:06Z", .src = "10.1.1.5",
				   .dst = "198.51.100.9", .ports = 1, .sport = 51000, .dport = 443,
				   .proto = 6, .action = EVENT_ACTION_ACCEPT, .sensor = "srx-fw01",
				   .prefix = "users-out", .in = "ge-0/0/1.0",
				   .detail = "RT_FLOW_SESSION_CREATE"});
	/* without an envelope: no time */
	vt_event(P,
		 "RT_FLOW: RT_FLOW_SESSION_DENY: session denied 203.0.113.9/5353->198.51.100.11/161 "
		 "None 17(0) default-deny untrust trust",
		 &(struct vt_want){.src = "203.0.113.9", .dst = "198.51.100.11", .ports = 1,
				   .sport = 5353, .dport = 161, .proto = 17,
				   .action = EVENT_ACTION_DROP, .prefix = "default-deny",
				   .detail = "RT_FLOW_SESSION_DENY"});
}

static void test_structured(void **state)
{
	(void)state;
	vt_event(P,
		 "<14>1 2021-03-05T10:00:04.123+01:00 srx-fw01 RT_FLOW - RT_FLOW_SESSION_DENY "
		 "[junos@2636.1.1.1.2.129 source-address=\"203.0.113.7\" source-port=\"51234\" "
		 "destination-address=\"198.51.100.10\" destination-port=\"22\" connection-tag=\"0\" "
		 "service-name=\"junos-ssh\" protocol-id=\"6\" icmp-type=\"0\" policy-name=\"deny-all\" "
		 "source-zone-name=\"untrust\" destination-zone-name=\"trust\" "
		 "packet-incoming-interface=\"ge-0/0/0.0\" encrypted=\"UNKNOWN\" "
		 "reason=\"policy deny\"]",
		 &(struct vt_want){.time = "2021-03-05T09:00:04.123Z", .src = "203.0.113.7",
				   .dst = "198.51.100.10", .ports = 1, .sport = 51234, .dport = 22,
				   .proto = 6, .action = EVENT_ACTION_DROP, .sensor = "srx-fw01",
				   .prefix = "deny-all", .in = "ge-0/0/0.0",
				   .detail = "RT_FLOW_SESSION_DENY"});
	vt_event(P,
		 "<14>1 2021-03-05T10:00:04Z srx RT_FLOW - RT_FLOW_SESSION_DENY_LS "
		 "[junos@2636.1.1.1.2.129 source-address=\"203.0.113.8\" source-port=\"0\" "
		 "destination-address=\"198.51.100.10\" destination-port=\"0\" protocol-id=\"1\" "
		 "icmp-type=\"8\" policy-name=\"deny-all\" reason=\"policy reject\"]",
		 &(struct vt_want){.time = "2021-03-05T10:00:04Z", .src = "203.0.113.8",
				   .dst = "198.51.100.10", .proto = 1, .icmp = 1, .icmp_type = 8,
				   .action = EVENT_ACTION_REJECT, .sensor = "srx",
				   .prefix = "deny-all", .detail = "RT_FLOW_SESSION_DENY_LS"});
}

static void test_other_malformed(void **state)
{
	(void)state;
	vt_result(P,
		  "Mar  5 10:00:07 srx-fw01 RT_FLOW: RT_FLOW_SESSION_CLOSE: session closed TCP FIN: "
		  "10.1.1.5/51000->198.51.100.9/443 0x0 junos-https",
		  PARSE_OTHER);
	vt_result(P, "Mar  5 10:00:07 srx-fw01 mgd[123]: UI_COMMIT: User 'root' requested commit",
		  PARSE_OTHER);
	vt_result(P, "RT_FLOW_SESSION_DENYX", PARSE_UNKNOWN);
	vt_malformed(P,
		     "Mar  5 10:00:09 srx RT_FLOW: RT_FLOW_SESSION_DENY: session denied "
		     "203.0.113.x/51234->198.51.100.10/22 0x0 junos-ssh 6(0) deny-all untrust trust",
		     "SRC/PORT->DST/PORT");
	vt_malformed(P,
		     "Mar  5 10:00:09 srx RT_FLOW: RT_FLOW_SESSION_DENY: session denied "
		     "203.0.113.7/51234->198.51.100.10/22 0x0 junos-ssh deny-all untrust trust",
		     "protocol");
	vt_malformed(P, "Mar  5 10:00:09 srx RT_FLOW: RT_FLOW_SESSION_DENY: nothing here", "session");
	vt_malformed(P,
		     "<14>1 2021-03-05T10:00:04Z srx RT_FLOW - RT_FLOW_SESSION_DENY "
		     "[junos@2636.1.1.1.2.129 source-address=\"203.0.113.8\"]",
		     "source and destination");
	vt_malformed(P,
		     "<14>1 2021-03-05T10:00:04Z srx RT_FLOW - RT_FLOW_SESSION_DENY "
		     "[junos@2636.1.1.1.2.129 source-address=\"nope\"]",
		     "source-address");
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "junos/srx_documented.log");
	vt_detect_foreign(P);
	vt_examples(P);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),         cmocka_unit_test(test_plain),
		cmocka_unit_test(test_structured),      cmocka_unit_test(test_other_malformed),
		cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, vt_setup, NULL);
}
