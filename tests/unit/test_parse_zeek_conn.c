/* The Zeek conn.log parser on real JSON records of an Nmap scan
 * (tests/data/zeek_conn/conn_stratosphere.json), the TSV conn.log of
 * Zeek's own documentation (conn_zeekdocs.log) and an older layout
 * without local_resp (conn_old_layout.log): the conn_state table,
 * history's first letter, ICMP type/code, columns found from #fields (in
 * any order, with another separator), other logs, bad and cut lines. */
#include "test_parse_vendor_util.h"

#define P (&parser_zeek_conn)

/* Run the lines of text (separated by '\n') through the parser with one
 * per-file state, as the pipeline does; the last line's result and event
 * come back (its slices point into a copy that lives until the next call). */
static enum parse_result run_file(const char *text, struct event *ev)
{
	static char *buf;
	free(buf);
	buf = strdup(text);
	assert_non_null(buf);
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, VT_REF, 0, NULL);
	void *st = calloc(1, P->state_size);
	assert_non_null(st);
	ctx.state = st;
	enum parse_result r = PARSE_UNKNOWN;
	char *p = buf;
	for (;;) {
		char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		event_clear(ev);
		ctx.reason = NULL;
		r = P->parse_line(&ctx, p, len, ev);
		if (r == PARSE_MALFORMED)
			assert_non_null(ctx.reason);
		if (!nl)
			break;
		p = nl + 1;
	}
	if (P->state_fini)
		P->state_fini(st);
	free(st);
	return r;
}

static void test_fixtures(void **state)
{
	(void)state;
	struct vt_counts c = vt_fixture(P, "zeek_conn/conn_stratosphere.json");
	assert_int_equal(c.event, 11);
	assert_int_equal(c.other + c.malformed + c.unknown, 0);
	c = vt_fixture(P, "zeek_conn/conn_zeekdocs.log");
	assert_int_equal(c.event, 2);
	assert_int_equal(c.other, 9);
	assert_int_equal(c.malformed + c.unknown, 0);
	c = vt_fixture(P, "zeek_conn/conn_old_layout.log");
	assert_int_equal(c.event, 3);
	assert_int_equal(c.other, 8);
	assert_int_equal(c.malformed + c.unknown, 0);
}

static void test_json(void **state)
{
	(void)state;
	vt_event(P, P->examples[0].line,
		 &(struct vt_want){.time = "2022-09-29T15:20:50.117582Z", .src = "172.16.1.11",
				   .dst = "172.16.1.1", .ports = 1, .sport = 35356, .dport = 443,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_NO_ANSWER, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_SYN, .detail = "S0"});
	vt_event(P,
		 "{\"ts\":1664465364.608207,\"uid\":\"CJ7C6c1WORwHlBqMy8\",\"id.orig_h\":\"172.16.1.11\","
		 "\"id.orig_p\":57555,\"id.resp_h\":\"192.168.1.255\",\"id.resp_p\":443,\"proto\":"
		 "\"tcp\",\"duration\":0.20754098892211914,\"orig_bytes\":0,\"resp_bytes\":0,"
		 "\"conn_state\":\"REJ\",\"local_orig\":true,\"local_resp\":false,\"missed_bytes\":0,"
		 "\"history\":\"Sr\",\"orig_pkts\":1,\"orig_ip_bytes\":44,\"resp_pkts\":1,"
		 "\"resp_ip_bytes\":40}",
		 &(struct vt_want){.time = "2022-09-29T15:29:24.608207Z", .src = "172.16.1.11",
				   .dst = "192.168.1.255", .ports = 1, .sport = 57555, .dport = 443,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_CLOSED, .has_flags = 1,
				   .tcp_flags = TCP_FLAG_SYN, .detail = "REJ"});
	/* ICMP: type in orig_p, code in resp_p; no history */
	vt_event(P,
		 "{\"ts\":1664462456.5,\"uid\":\"C1\",\"id.orig_h\":\"172.16.1.11\",\"id.orig_p\":8,"
		 "\"id.resp_h\":\"172.16.1.2\",\"id.resp_p\":0,\"proto\":\"icmp\",\"conn_state\":"
		 "\"OTH\",\"orig_pkts\":1}",
		 &(struct vt_want){.time = "2022-09-29T14:40:56.500Z", .src = "172.16.1.11",
				   .dst = "172.16.1.2", .proto = 1, .action = EVENT_ACTION_LOG,
				   .icmp = 1, .icmp_type = 8, .icmp_code = 0, .detail = "OTH"});
	vt_event(P,
		 "{\"ts\":1664462456.5,\"uid\":\"C1\",\"id.orig_h\":\"2001:db8::1\",\"id.orig_p\":128,"
		 "\"id.resp_h\":\"2001:db8::2\",\"id.resp_p\":0,\"proto\":\"icmp\",\"conn_state\":"
		 "\"OTH\"}",
		 &(struct vt_want){.time = "2022-09-29T14:40:56.500Z", .src = "2001:db8::1",
				   .dst = "2001:db8::2", .proto = 58, .action = EVENT_ACTION_LOG,
				   .icmp = 1, .icmp_type = 128, .icmp_code = 0, .detail = "OTH"});
	/* the responder's letters are skipped; "^" is passed over */
	vt_event(P,
		 "{\"ts\":\"2022-09-29T14:40:56.5Z\",\"uid\":\"C1\",\"id.orig_h\":\"172.16.1.11\","
		 "\"id.orig_p\":80,\"id.resp_h\":\"172.16.1.2\",\"id.resp_p\":40000,\"proto\":\"tcp\","
		 "\"conn_state\":\"SHR\",\"history\":\"^hCadf\"}",
		 &(struct vt_want){.time = "2022-09-29T14:40:56.500Z", .src = "172.16.1.11",
				   .dst = "172.16.1.2", .ports = 1, .sport = 80, .dport = 40000,
				   .proto = 6, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .detail = "SHR"});
	static const struct {
		const char *state, *history;
		int outcome, flags;
	} table[] = {
		{"S0", "S", EVENT_OUTCOME_NO_ANSWER, TCP_FLAG_SYN},
		{"S1", "ShA", EVENT_OUTCOME_OPEN, TCP_FLAG_SYN},
		{"SF", "ShADadFf", EVENT_OUTCOME_OPEN, TCP_FLAG_SYN},
		{"S2", "ShADF", EVENT_OUTCOME_OPEN, TCP_FLAG_SYN},
		{"S3", "ShADf", EVENT_OUTCOME_OPEN, TCP_FLAG_SYN},
		{"RSTO", "ShAR", EVENT_OUTCOME_OPEN, TCP_FLAG_SYN},
		{"RSTR", "Shr", EVENT_OUTCOME_OPEN, TCP_FLAG_SYN},
		{"RSTOS0", "SR", EVENT_OUTCOME_NO_ANSWER, TCP_FLAG_SYN},
		{"RSTRH", "Hr", EVENT_OUTCOME_OPEN, TCP_FLAG_SYN | TCP_FLAG_ACK},
		{"SH", "SF", EVENT_OUTCOME_NO_ANSWER, TCP_FLAG_SYN},
		{"SHR", "hf", EVENT_OUTCOME_OPEN, -1},
		{"OTH", "A", EVENT_OUTCOME_UNKNOWN, TCP_FLAG_ACK},
		{"OTH", "F", EVENT_OUTCOME_UNKNOWN, TCP_FLAG_FIN},
		{"OTH", "R", EVENT_OUTCOME_UNKNOWN, TCP_FLAG_RST},
		{"OTH", "D", EVENT_OUTCOME_UNKNOWN, -1},
		{"XYZ", "", EVENT_OUTCOME_UNKNOWN, -1},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		char line[400];
		snprintf(line, sizeof(line),
			 "{\"ts\":1,\"uid\":\"C\",\"id.orig_h\":\"10.0.0.1\",\"id.orig_p\":1,"
			 "\"id.resp_h\":\"10.0.0.2\",\"id.resp_p\":2,\"proto\":\"tcp\","
			 "\"conn_state\":\"%s\",\"history\":\"%s\"}",
			 table[i].state, table[i].history);
		struct event ev;
		assert_int_equal(vt_run(P, line, &ev), PARSE_EVENT);
		if (ev.outcome != table[i].outcome)
			fail_msg("%s: outcome %d", table[i].state, ev.outcome);
		if (table[i].flags < 0)
			assert_false(ev.flags & EVENT_HAS_TCP_FLAGS);
		else
			assert_int_equal(ev.tcp_flags, table[i].flags);
		vt_slice_eq("detail", ev.detail, table[i].state);
	}
}

static void test_tsv(void **state)
{
	(void)state;
	struct event ev;
	char *path = NULL;
	FILE *f;
	char text[4096];
	size_t n;

	/* Zeek's documentation: the header, then two records */
	assert_true(asprintf(&path, "%s/zeek_conn/conn_zeekdocs.log", TEST_DATA_DIR) > 0);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	free(path);
	text[n] = '\0';
	/* up to the second record */
	char *close = strstr(text, "\n#close");
	assert_non_null(close);
	*close = '\0';
	assert_int_equal(run_file(text, &ev), PARSE_EVENT);
	vt_check(&ev, &(struct vt_want){.time = "2020-06-05T14:39:59.430166Z", .src = "192.168.4.76",
					.dst = "31.3.245.133", .ports = 1, .sport = 46378,
					.dport = 80, .proto = 6, .action = EVENT_ACTION_LOG,
					.outcome = EVENT_OUTCOME_OPEN, .has_flags = 1,
					.tcp_flags = TCP_FLAG_SYN, .detail = "SF"});

	/* columns in another order, another separator, unset conn_state */
	assert_int_equal(run_file("#separator \\x2c\n"
				  "#unset_field,-\n"
				  "#fields,proto,history,conn_state,id.resp_p,id.resp_h,id.orig_p,"
				  "id.orig_h,uid,ts\n"
				  "tcp,Sr,REJ,443,192.0.2.1,40000,198.51.100.2,C1,1591367999.5",
				  &ev),
			 PARSE_EVENT);
	vt_check(&ev, &(struct vt_want){.time = "2020-06-05T14:39:59.500Z", .src = "198.51.100.2",
					.dst = "192.0.2.1", .ports = 1, .sport = 40000,
					.dport = 443, .proto = 6, .action = EVENT_ACTION_LOG,
					.outcome = EVENT_OUTCOME_CLOSED, .has_flags = 1,
					.tcp_flags = TCP_FLAG_SYN, .detail = "REJ"});
	assert_int_equal(run_file("#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\t"
				  "conn_state\n"
				  "1591367999\t198.51.100.2\t1\t192.0.2.1\t2\tudp\t-",
				  &ev),
			 PARSE_EVENT);
	assert_int_equal(ev.outcome, EVENT_OUTCOME_UNKNOWN);
	assert_int_equal(ev.detail.len, 0);
	/* fewer columns than #fields names */
	assert_int_equal(run_file("#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\t"
				  "conn_state\n"
				  "1591367999\t198.51.100.2\t1\t192.0.2.1",
				  &ev),
			 PARSE_MALFORMED);
	/* another Zeek log: its records are other */
	assert_int_equal(run_file("#separator \\x09\n#path\tdns\n"
				  "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\t"
				  "trans_id\n"
				  "1591367999.306059\tC\t192.168.4.76\t36844\t192.168.4.1\t53\tudp\t8555",
				  &ev),
			 PARSE_OTHER);
	assert_int_equal(run_file("#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t"
				  "trans_id\n"
				  "1591367999.306059\tC\t192.168.4.76\t36844\t192.168.4.1\t53\t8555",
				  &ev),
			 PARSE_OTHER);
	assert_int_equal(run_file("#separator \\x9", &ev), PARSE_MALFORMED);
	/* a header read, then a later #fields replaces it */
	assert_int_equal(run_file("#fields\tproto\tts\n"
				  "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\t"
				  "service\tduration\torig_bytes\tresp_bytes\tconn_state\n"
				  "1258531221.486539\tPii6cUUq1v4\t192.168.1.102\t68\t192.168.1.1\t67\t"
				  "udp\t-\t0.163820\t301\t300\tSF",
				  &ev),
			 PARSE_EVENT);
	vt_check(&ev, &(struct vt_want){.time = "2009-11-18T08:00:21.486539Z", .src = "192.168.1.102",
					.dst = "192.168.1.1", .ports = 1, .sport = 68, .dport = 67,
					.proto = 17, .action = EVENT_ACTION_LOG,
					.outcome = EVENT_OUTCOME_OPEN, .detail = "SF"});

	/* headerless records are read in the default layout */
	vt_event(P, P->examples[1].line,
		 &(struct vt_want){.time = "2020-06-05T14:39:59.305988Z", .src = "192.168.4.76",
				   .dst = "192.168.4.1", .ports = 1, .sport = 36844, .dport = 53,
				   .proto = 17, .action = EVENT_ACTION_LOG,
				   .outcome = EVENT_OUTCOME_OPEN, .detail = "SF"});
}

static void test_bad(void **state)
{
	(void)state;
	vt_malformed(P,
		     "{\"ts\":1,\"uid\":\"C\",\"id.orig_h\":\"10.0.0\",\"id.orig_p\":1,\"id.resp_h\":"
		     "\"10.0.0.2\",\"id.resp_p\":2,\"proto\":\"tcp\",\"conn_state\":\"S0\"}",
		     "id.orig_h");
	vt_malformed(P,
		     "{\"ts\":1,\"uid\":\"C\",\"id.orig_h\":\"10.0.0.1\",\"id.orig_p\":1,\"id.resp_h\":"
		     "\"10.0.0.2\",\"id.resp_p\":70000,\"proto\":\"tcp\",\"conn_state\":\"S0\"}",
		     "id.resp_p");
	vt_malformed(P,
		     "{\"ts\":\"never\",\"uid\":\"C\",\"id.orig_h\":\"10.0.0.1\",\"id.orig_p\":1,"
		     "\"id.resp_h\":\"10.0.0.2\",\"id.resp_p\":2,\"proto\":\"tcp\",\"conn_state\":\"S0\"}",
		     "ts");
	vt_malformed(P,
		     "{\"ts\":1,\"uid\":\"C\",\"id.orig_h\":\"10.0.0.1\",\"id.orig_p\":300,\"id.resp_h\":"
		     "\"10.0.0.2\",\"id.resp_p\":2,\"proto\":\"icmp\",\"conn_state\":\"OTH\"}",
		     "ICMP");
	vt_malformed(P, "{\"ts\":1664462456.755299,\"uid\":\"C5xhsO3uGtOfyrBlHh\",\"id.orig_h\":\"172.",
		     "JSON");
	vt_result(P, "{\"ts\":1,\"uid\":\"C\",\"id.orig_h\":\"10.0.0.1\",\"query\":\"x\"}", PARSE_OTHER);
	vt_result(P, "{\"eventid\":\"cowrie.session.connect\"}", PARSE_UNKNOWN);
	vt_result(P, "hello", PARSE_UNKNOWN);
	vt_result(P, "", PARSE_UNKNOWN);
	vt_malformed(P, "1591367999.305988\tC\t192.168.4.76\t36844", "fewer columns");
}

static void test_detect(void **state)
{
	(void)state;
	vt_detect_fixture(P, "zeek_conn/conn_stratosphere.json");
	vt_detect_fixture(P, "zeek_conn/conn_zeekdocs.log");
	vt_detect_foreign(P);
	vt_examples(P);
	const char *h = "#path\tconn";
	assert_int_equal(P->detect(h, strlen(h)), 95);
	const char *cw = "{\"eventid\": \"cowrie.session.connect\", \"src_ip\": \"1.2.3.4\"}";
	assert_int_equal(P->detect(cw, strlen(cw)), 0);
	const char *tsv = "1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\t13\t14\t15\t16";
	assert_int_equal(P->detect(tsv, strlen(tsv)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures), cmocka_unit_test(test_json),
		cmocka_unit_test(test_tsv),	 cmocka_unit_test(test_bad),
		cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, vt_setup, NULL);
}
