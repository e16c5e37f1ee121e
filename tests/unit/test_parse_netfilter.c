/* The netfilter parser on real lines of every shape (tests/data/netfilter,
 * see ORIGINS.md), asserting every field of the event; malformed fields,
 * truncation at every length, years, zones, and the event helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "core/event.h"
#include "core/timeconv.h"
#include "parse/parser.h"

#define REF_2022_06_01 1654041600LL /* 2022-06-01T00:00:00Z */
#define REF_2023_01_10 1673308800LL /* 2023-01-10T00:00:00Z */
#define REF_2022_06_10 1654819200LL /* 2022-06-10T00:00:00Z */
#define REF_2022_10_01 1664582400LL /* 2022-10-01T00:00:00Z */

/* Line n (1-based) of a fixture, without its newline, in a static buffer. */
static const char *fixture_line(const char *file, int n, size_t *len)
{
	static char buf[8][4096];
	static int slot;
	char path[512];
	snprintf(path, sizeof(path), "%s/netfilter/%s", TEST_DATA_DIR, file);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	char *b = buf[slot++ % 8];
	for (int i = 0; i < n; i++) {
		if (!fgets(b, sizeof(buf[0]), f)) {
			fclose(f);
			fail_msg("%s has no line %d", file, n);
		}
	}
	fclose(f);
	size_t l = strlen(b);
	while (l && (b[l - 1] == '\n' || b[l - 1] == '\r'))
		b[--l] = '\0';
	*len = l;
	return b;
}

static const struct parser *nf(void)
{
	const struct parser *p = parser_find("netfilter");
	assert_non_null(p);
	return p;
}

static enum parse_result run(const struct parser *p, int64_t ref, const char *line, size_t len,
			     struct event *ev, const char **reason)
{
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, ref, 0, NULL);
	event_clear(ev);
	enum parse_result r = p->parse_line(&ctx, line, len, ev);
	if (reason)
		*reason = ctx.reason;
	return r;
}

static enum parse_result run_file(const struct parser *p, int64_t ref, const char *file, int n,
				  struct event *ev)
{
	size_t len;
	const char *line = fixture_line(file, n, &len);
	return run(p, ref, line, len, ev, NULL);
}

/* Everything an event holds; what is not named must be zero/empty. */
struct want {
	const char *time; /* RFC 3339 UTC, or NULL when there is no time */
	const char *sensor, *prefix, *in, *out, *phys_in, *phys_out;
	const char *src, *dst;
	unsigned flags;
	int action;
	unsigned proto, sport, dport, tcp_flags, icmp_type, icmp_code, ttl;
	uint32_t ip_id, ip_len, tcp_seq;
	unsigned window, mss;
};

static void slice_eq(const char *what, struct slice s, const char *want)
{
	if (!want)
		want = "";
	if (s.len != strlen(want) || (s.len && memcmp(s.ptr, want, s.len) != 0))
		fail_msg("%s: got \"%.*s\", want \"%s\"", what, (int)s.len, s.ptr ? s.ptr : "", want);
}

static void check(const struct event *ev, const struct want *w)
{
	char a[ADDR_STRLEN], b[40];
	if (w->time) {
		assert_true(ev->flags & EVENT_HAS_TIME);
		assert_string_equal(time_format_rfc3339_utc(ev->time_ns, b), w->time);
	} else {
		assert_int_equal(ev->time_ns, 0);
	}
	assert_int_equal(ev->flags, w->flags | (w->time ? EVENT_HAS_TIME : 0));
	slice_eq("sensor", ev->sensor, w->sensor);
	slice_eq("prefix", ev->prefix, w->prefix);
	slice_eq("in", ev->in_if, w->in);
	slice_eq("out", ev->out_if, w->out);
	slice_eq("phys_in", ev->phys_in, w->phys_in);
	slice_eq("phys_out", ev->phys_out, w->phys_out);
	assert_string_equal(addr_format(&ev->src, a), w->src);
	assert_string_equal(addr_format(&ev->dst, a), w->dst);
	assert_int_equal(ev->action, w->action);
	assert_int_equal(ev->proto, w->proto);
	assert_int_equal(ev->sport, w->sport);
	assert_int_equal(ev->dport, w->dport);
	assert_int_equal(ev->tcp_flags, w->tcp_flags);
	assert_int_equal(ev->icmp_type, w->icmp_type);
	assert_int_equal(ev->icmp_code, w->icmp_code);
	assert_int_equal(ev->ttl, w->ttl);
	assert_int_equal(ev->ip_id, w->ip_id);
	assert_int_equal(ev->ip_len, w->ip_len);
	assert_int_equal(ev->tcp_seq, w->tcp_seq);
	assert_int_equal(ev->window, w->window);
	assert_int_equal(ev->mss, w->mss);
	assert_int_equal(ev->count, 1);
}

/* Flag sets that recur. */
#define V4 (EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_LEN | EVENT_HAS_TTL | EVENT_HAS_IP_ID)
#define V6 (EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_LEN | EVENT_HAS_TTL)
#define TCPH (EVENT_HAS_PORTS | EVENT_HAS_TCP_FLAGS | EVENT_HAS_WINDOW)

static const char UFW_MAC_IN[] = "ens3";

static void expect_file(int64_t ref, const char *file, int n, const struct want *w)
{
	struct event ev;
	enum parse_result r = run_file(nf(), ref, file, n, &ev);
	if (r != PARSE_EVENT)
		fail_msg("%s:%d: result %d", file, n, r);
	check(&ev, w);
}

static void test_ufw_block(void **state)
{
	(void)state;
	/* TCP SYN of a masscan-style scanner (ID 54321, WINDOW 65535) */
	struct want w = {.time = "2022-05-29T06:53:55Z", .sensor = "vultr",
			 .prefix = "[UFW BLOCK]", .in = UFW_MAC_IN, .src = "192.241.219.198",
			 .dst = "158.247.223.84", .flags = V4 | TCPH, .action = EVENT_ACTION_DROP,
			 .proto = 6, .sport = 60834, .dport = 5985, .tcp_flags = TCP_FLAG_SYN,
			 .ttl = 241, .ip_id = 54321, .ip_len = 40, .window = 65535};
	expect_file(REF_2022_06_01, "ufw_block.log", 1, &w);

	/* UDP: the second LEN= (UDP's) must not replace the IP length */
	struct want u = {.time = "2022-05-29T06:54:06Z", .sensor = "vultr",
			 .prefix = "[UFW BLOCK]", .in = "ens3", .out = "ens3", .src = "45.154.96.76",
			 .dst = "158.247.200.34", .flags = V4 | EVENT_HAS_PORTS,
			 .action = EVENT_ACTION_DROP, .proto = 17, .sport = 45911, .dport = 3283,
			 .ttl = 240, .ip_id = 54321, .ip_len = 32};
	expect_file(REF_2022_06_01, "ufw_block.log", 2, &u);

	/* ECN-setup SYN with DF */
	struct want e = {.time = "2022-05-29T07:01:55Z", .sensor = "vultr",
			 .prefix = "[UFW BLOCK]", .in = "ens3", .src = "152.44.42.69",
			 .dst = "158.247.223.84", .flags = V4 | TCPH | EVENT_DF,
			 .action = EVENT_ACTION_DROP, .proto = 6, .sport = 63633, .dport = 25,
			 .tcp_flags = TCP_FLAG_CWR | TCP_FLAG_ECE | TCP_FLAG_SYN, .ttl = 109,
			 .ip_id = 28350, .ip_len = 52, .window = 64240};
	expect_file(REF_2022_06_01, "ufw_block.log", 3, &e);

	/* ICMP timestamp request */
	struct want i = {.time = "2022-05-29T11:55:51Z", .sensor = "vultr",
			 .prefix = "[UFW BLOCK]", .in = "ens3", .out = "ens3", .src = "95.156.193.3",
			 .dst = "158.247.200.34", .flags = V4 | EVENT_HAS_ICMP,
			 .action = EVENT_ACTION_DROP, .proto = 1, .icmp_type = 14, .ttl = 113,
			 .ip_id = 52439, .ip_len = 40};
	expect_file(REF_2022_06_01, "ufw_block.log", 4, &i);
}

static void test_kernel_no_prefix(void **state)
{
	(void)state;
	struct want w = {.time = "2022-06-08T14:34:33Z", .sensor = "sd-126005", .in = "enp1s0",
			 .src = "195.54.160.107", .dst = "51.15.166.67", .flags = V4 | TCPH,
			 .action = EVENT_ACTION_LOG, .proto = 6, .sport = 8080, .dport = 8123,
			 .tcp_flags = TCP_FLAG_SYN, .ttl = 245, .ip_id = 37308, .ip_len = 40,
			 .window = 1024};
	expect_file(REF_2022_06_10, "crowdsec_iptables.log", 1, &w);
	w.in = "enp.1s0";
	expect_file(REF_2022_06_10, "crowdsec_iptables.log", 2, &w);

	/* "XX=enp1s0": no IN=, so not a firewall line (CrowdSec's negative case) */
	struct event ev;
	assert_int_equal(run_file(nf(), REF_2022_06_10, "crowdsec_iptables.log", 3, &ev),
			 PARSE_OTHER);

	struct want d = {.time = "2022-09-27T20:56:38Z", .sensor = "ubuntu-focal",
			 .prefix = "IPTABLES-DROP:", .in = "lo", .src = "127.0.0.1",
			 .dst = "127.0.0.53", .flags = V4 | EVENT_HAS_PORTS | EVENT_DF,
			 .action = EVENT_ACTION_DROP, .proto = 17, .sport = 49007, .dport = 53,
			 .ttl = 64, .ip_id = 25029, .ip_len = 76};
	expect_file(REF_2022_10_01, "crowdsec_iptables.log", 4, &d);
}

static void test_psad_tcp_udp(void **state)
{
	(void)state;
	const char *mac_in = "eth1";
	/* SYN with the TCP options logged: MSS 1460 */
	struct want s = {.time = "2022-03-11T20:35:11Z", .sensor = "linux", .prefix = "DROP",
			 .in = mac_in, .src = "192.168.10.55", .dst = "192.168.10.1",
			 .flags = V4 | TCPH | EVENT_HAS_MSS, .action = EVENT_ACTION_DROP,
			 .proto = 6, .sport = 56247, .dport = 1025, .tcp_flags = TCP_FLAG_SYN,
			 .ttl = 53, .ip_id = 15270, .ip_len = 44, .window = 3072, .mss = 1460};
	expect_file(REF_2022_06_01, "psad_tcp_udp.log", 1, &s);

	struct want f = {.time = "2022-03-15T20:57:02Z", .sensor = "linux",
			 .prefix = "DROP INVALID", .in = "eth0", .src = "192.168.10.55",
			 .dst = "192.168.10.1", .flags = V4 | TCPH, .action = EVENT_ACTION_DROP,
			 .proto = 6, .sport = 52983, .dport = 1025, .tcp_flags = TCP_FLAG_FIN,
			 .ttl = 42, .ip_id = 42508, .ip_len = 40, .window = 3072};
	expect_file(REF_2022_06_01, "psad_tcp_udp.log", 2, &f);

	/* NULL scan: flags known to be none */
	struct want n = {.time = "2022-03-16T21:22:27Z", .sensor = "linux",
			 .prefix = "DROP INVALID", .in = "eth0", .src = "192.168.10.55",
			 .dst = "192.168.10.1", .flags = V4 | TCPH, .action = EVENT_ACTION_DROP,
			 .proto = 6, .sport = 52836, .dport = 1025, .tcp_flags = 0, .ttl = 44,
			 .ip_id = 51445, .ip_len = 40, .window = 1024};
	expect_file(REF_2022_06_01, "psad_tcp_udp.log", 3, &n);

	struct want x = {.time = "2022-03-15T20:57:55Z", .sensor = "linux",
			 .prefix = "DROP INVALID", .in = "eth0", .src = "192.168.10.55",
			 .dst = "192.168.10.1", .flags = V4 | TCPH, .action = EVENT_ACTION_DROP,
			 .proto = 6, .sport = 43347, .dport = 1025,
			 .tcp_flags = TCP_FLAG_URG | TCP_FLAG_PSH | TCP_FLAG_FIN, .ttl = 44,
			 .ip_id = 9043, .ip_len = 40, .window = 1024};
	expect_file(REF_2022_06_01, "psad_tcp_udp.log", 4, &x);

	struct want a = {.time = "2022-03-15T20:55:15Z", .sensor = "linux", .prefix = "DROP",
			 .in = "eth0", .src = "192.168.10.55", .dst = "192.168.10.1",
			 .flags = V4 | TCPH, .action = EVENT_ACTION_DROP, .proto = 6,
			 .sport = 37933, .dport = 1025, .tcp_flags = TCP_FLAG_ACK, .ttl = 49,
			 .ip_id = 53123, .ip_len = 40, .window = 2048};
	expect_file(REF_2022_06_01, "psad_tcp_udp.log", 5, &a);

	struct want u = {.time = "2022-03-11T20:41:04Z", .sensor = "linux", .prefix = "DROP",
			 .in = "eth1", .src = "192.168.10.55", .dst = "192.168.10.1",
			 .flags = V4 | EVENT_HAS_PORTS, .action = EVENT_ACTION_DROP, .proto = 17,
			 .sport = 44318, .dport = 1146, .ttl = 50, .ip_id = 54985, .ip_len = 28};
	expect_file(REF_2022_06_01, "psad_tcp_udp.log", 6, &u);
}

static void test_psad_protocols(void **state)
{
	(void)state;
	struct want w = {.time = "2022-03-15T20:58:59Z", .sensor = "linux", .prefix = "DROP",
			 .in = "eth0", .src = "192.168.10.55", .dst = "192.168.10.1", .flags = V4,
			 .action = EVENT_ACTION_DROP, .proto = 162, .ttl = 56, .ip_id = 50515,
			 .ip_len = 20};
	expect_file(REF_2022_06_01, "psad_proto.log", 1, &w);

	/* "INCOMPLETE [0 bytes]": the header was cut short by the kernel */
	struct want l = {.time = "2022-03-15T20:58:59Z", .sensor = "linux", .prefix = "DROP",
			 .in = "eth0", .src = "192.168.10.55", .dst = "192.168.10.1",
			 .flags = V4 | EVENT_TRUNCATED, .action = EVENT_ACTION_DROP, .proto = 136,
			 .ttl = 40, .ip_id = 40147, .ip_len = 20};
	expect_file(REF_2022_06_01, "psad_proto.log", 2, &l);
	struct want ah = l;
	ah.time = "2022-03-15T20:59:03Z";
	ah.proto = 51;
	ah.ip_id = 42813;
	expect_file(REF_2022_06_01, "psad_proto.log", 3, &ah);
	struct want esp = l;
	esp.time = "2022-03-15T20:59:04Z";
	esp.proto = 50;
	esp.ttl = 48;
	esp.ip_id = 27713;
	expect_file(REF_2022_06_01, "psad_proto.log", 4, &esp);
	struct want sctp = {.time = "2022-03-15T20:59:01Z", .sensor = "linux", .prefix = "DROP",
			    .in = "eth0", .src = "192.168.10.55", .dst = "192.168.10.1",
			    .flags = V4, .action = EVENT_ACTION_DROP, .proto = 132, .ttl = 49,
			    .ip_id = 20091, .ip_len = 52};
	expect_file(REF_2022_06_01, "psad_proto.log", 5, &sctp);
}

static void test_icmp_echo_and_shorewall(void **state)
{
	(void)state;
	/* echo "ID=2158 SEQ=512" come after PROTO=: the IP ID stays 18443 */
	struct want e = {.time = "2022-03-23T21:29:27Z", .sensor = "linux", .prefix = "ICMP",
			 .in = "eth0", .src = "192.168.10.55", .dst = "192.168.10.1",
			 .flags = V4 | EVENT_HAS_ICMP, .action = EVENT_ACTION_LOG, .proto = 1,
			 .icmp_type = 8, .icmp_code = 2, .ttl = 64, .ip_id = 18443, .ip_len = 28};
	expect_file(REF_2022_06_01, "psad_icmp_shorewall.log", 1, &e);

	/* Shorewall writes its prefix straight against IN= */
	struct want s = {.time = "2022-04-24T12:06:50Z", .sensor = "localhost",
			 .prefix = "Shorewall:wlan0_mac:DROP:", .in = "wlan0", .src = "192.168.10.55",
			 .dst = "224.0.0.1", .flags = V4, .action = EVENT_ACTION_DROP, .proto = 2,
			 .ttl = 1, .ip_id = 0, .ip_len = 36};
	expect_file(REF_2022_06_01, "psad_icmp_shorewall.log", 2, &s);
}

static void test_ipv6(void **state)
{
	(void)state;
	struct want ns = {.time = "2022-03-17T13:39:13Z", .sensor = "linux", .prefix = "DROP",
			  .in = "eth0", .src = "2001:db8:0:f101::2", .dst = "ff02::1:ff00:1",
			  .flags = V6 | EVENT_HAS_ICMP, .action = EVENT_ACTION_DROP, .proto = 58,
			  .icmp_type = 135, .ttl = 255, .ip_len = 72};
	expect_file(REF_2022_06_01, "psad_ipv6.log", 1, &ns);

	struct want t = {.time = "2022-03-17T13:39:13Z", .sensor = "linux", .prefix = "DROP",
			 .in = "eth0", .src = "2001:db8:0:f101::2", .dst = "2001:db8:0:f101::1",
			 .flags = V6 | TCPH, .action = EVENT_ACTION_DROP, .proto = 6, .sport = 46395,
			 .dport = 80, .tcp_flags = TCP_FLAG_SYN, .ttl = 64, .ip_len = 80,
			 .window = 5760};
	expect_file(REF_2022_06_01, "psad_ipv6.log", 2, &t);

	/* extension headers logged as "OPT ( )" nine times */
	struct want o = {.time = "2021-12-20T20:10:01Z", .sensor = "rohan", .prefix = "DROP",
			 .in = "eth0", .src = "2012:1234:1234::1", .dst = "2012:1234:1234::2",
			 .flags = V6 | TCPH, .action = EVENT_ACTION_DROP, .proto = 6, .sport = 58537,
			 .dport = 1234, .tcp_flags = TCP_FLAG_SYN, .ttl = 64, .ip_len = 132,
			 .window = 8192};
	expect_file(REF_2022_06_01, "psad_ipv6.log", 3, &o);
}

static void test_rfc3339_stamps(void **state)
{
	(void)state;
	struct want w = {.time = "2015-03-07T03:09:30.045015Z", .sensor = "servername",
			 .prefix = "DROP:", .in = "eth0", .src = "4.4.4.4", .dst = "1.2.3.4",
			 .flags = V4 | TCPH, .action = EVENT_ACTION_DROP, .proto = 6, .sport = 58923,
			 .dport = 21, .tcp_flags = TCP_FLAG_SYN, .ttl = 228, .ip_id = 54321,
			 .ip_len = 40, .window = 65535};
	expect_file(REF_2022_06_01, "psad_rfc3339.log", 1, &w);
	struct want g = {.time = "2015-03-08T00:22:57.444022Z", .sensor = "servername",
			 .prefix = "DROP:", .in = "eth0", .src = "10.0.0.0", .dst = "224.0.0.1",
			 .flags = V4, .action = EVENT_ACTION_DROP, .proto = 2, .ttl = 1, .ip_id = 0,
			 .ip_len = 36};
	expect_file(REF_2022_06_01, "psad_rfc3339.log", 2, &g);
}

static void test_no_envelope(void **state)
{
	(void)state;
	/* psad's grep output: "file:Mar 17 ..." has no envelope at its start;
	 * it is still a firewall line, read without a time. */
	struct want w = {.prefix = "ipv6_tcp_connect_nmap_default_scan:Mar 17 13:39:13 linux "
				   "kernel: [956932.522957] DROP",
			 .in = "eth0", .src = "2001:db8:0:f101::2", .dst = "2001:db8:0:f101::1",
			 .flags = V6 | TCPH, .action = EVENT_ACTION_DROP, .proto = 6, .sport = 51397,
			 .dport = 1433, .tcp_flags = TCP_FLAG_SYN, .ttl = 64, .ip_len = 80,
			 .window = 5760};
	expect_file(REF_2022_06_01, "psad_grep_prefixed.log", 1, &w);

	struct event ev;
	const char *junk = "hello world, nothing to see";
	assert_int_equal(run(nf(), REF_2022_06_01, junk, strlen(junk), &ev, NULL), PARSE_UNKNOWN);
	assert_int_equal(run(nf(), REF_2022_06_01, "", 0, &ev, NULL), PARSE_UNKNOWN);
}

static void test_log_everything_baseline(void **state)
{
	(void)state;
	/* OUTPUT: "IN=" empty and no MAC */
	struct want o = {.time = "2022-02-20T10:47:36Z", .sensor = "debian",
			 .prefix = "[netfilter-OUTPUT]", .out = "lo", .src = "127.0.0.1",
			 .dst = "127.0.0.1", .flags = V4 | TCPH | EVENT_DF, .action = EVENT_ACTION_LOG,
			 .proto = 6, .sport = 37228, .dport = 4101, .tcp_flags = TCP_FLAG_SYN,
			 .ttl = 64, .ip_id = 47731, .ip_len = 60, .window = 43690};
	expect_file(REF_2022_06_01, "adrienre.log", 1, &o);
	struct want a = {.time = "2022-02-20T10:48:02Z", .sensor = "debian",
			 .prefix = "[netfilter-OUTPUT]", .out = "enp0s3", .src = "192.168.122.235",
			 .dst = "104.16.40.2", .flags = V4 | TCPH | EVENT_DF,
			 .action = EVENT_ACTION_LOG, .proto = 6, .sport = 60062, .dport = 443,
			 .tcp_flags = TCP_FLAG_ACK | TCP_FLAG_PSH, .ttl = 64, .ip_id = 15430,
			 .ip_len = 557, .window = 29200};
	expect_file(REF_2022_06_01, "adrienre.log", 2, &a);
	struct want r = {.time = "2022-02-20T10:47:14Z", .sensor = "debian",
			 .prefix = "[netfilter-INPUT]", .in = "enp0s3", .src = "172.217.21.238",
			 .dst = "192.168.122.235", .flags = V4 | EVENT_HAS_ICMP,
			 .action = EVENT_ACTION_LOG, .proto = 1, .icmp_type = 0, .ttl = 52,
			 .ip_id = 260, .ip_len = 84};
	expect_file(REF_2022_06_01, "adrienre.log", 3, &r);
}

/* The same fields in every envelope. */
static void test_envelopes(void **state)
{
	(void)state;
	struct want w = {.sensor = "vultr", .prefix = "[UFW BLOCK]", .in = "ens3",
			 .src = "192.241.219.198", .dst = "158.247.223.84", .flags = V4 | TCPH,
			 .action = EVENT_ACTION_DROP, .proto = 6, .sport = 60834, .dport = 5985,
			 .tcp_flags = TCP_FLAG_SYN, .ttl = 241, .ip_id = 54321, .ip_len = 40,
			 .window = 65535};
	static const struct {
		const char *time, *sensor;
	} cases[] = {
		{"2022-05-29T06:53:55Z", "vultr"},           /* <PRI>BSD */
		{"2023-01-05T10:11:12Z", "vultr"},           /* journalctl -o short */
		{"2023-01-05T10:11:12.123456Z", "vultr"},    /* short-precise */
		{"2023-01-05T09:11:12Z", "vultr"},           /* short-iso */
		{"2023-01-05T09:11:12.123456Z", "vultr"},    /* short-iso-precise */
		{"2023-01-05T10:11:12.123Z", "vultr"},       /* RFC 5424 */
		{"2023-01-05T10:11:12.123Z", "vultr"},       /* RFC 5424, SD and BOM */
		{"2023-01-05T10:11:12Z", NULL},              /* dmesg -T */
		{NULL, NULL},                                /* plain dmesg */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t ref = i == 0 ? REF_2022_06_01 : REF_2023_01_10;
		w.time = cases[i].time;
		w.sensor = cases[i].sensor;
		expect_file(ref, "envelopes.log", (int)i + 1, &w);
	}
}

static void test_prefixes_and_actions(void **state)
{
	(void)state;
	struct want w = {.time = "2023-01-05T10:11:12Z", .in = "enp1s0", .src = "192.0.2.10",
			 .dst = "198.51.100.5", .flags = V4 | TCPH | EVENT_DF, .proto = 6,
			 .sport = 51234, .dport = 23, .tcp_flags = TCP_FLAG_SYN, .ttl = 64,
			 .ip_id = 4242, .ip_len = 60, .window = 64240};
	static const struct {
		const char *sensor, *prefix;
		int action;
	} cases[] = {
		{"fedora", "filter_IN_public_REJECT:", EVENT_ACTION_REJECT}, /* firewalld */
		{"fedora", "public_DROP:", EVENT_ACTION_DROP},               /* firewalld, newer */
		{"fedora", "FINAL_REJECT:", EVENT_ACTION_REJECT},            /* firewalld */
		{"router", "nft drop in:", EVENT_ACTION_DROP},               /* nft log prefix */
		{"gw", "Shorewall:net2fw:DROP:", EVENT_ACTION_DROP},
		{"vultr", "[UFW AUDIT]", EVENT_ACTION_LOG},
		{"vultr", "[UFW ALLOW]", EVENT_ACTION_ACCEPT},
		{"vultr", "[UFW LIMIT BLOCK]", EVENT_ACTION_DROP},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		w.sensor = cases[i].sensor;
		w.prefix = cases[i].prefix;
		w.action = cases[i].action;
		expect_file(REF_2023_01_10, "prefixes.log", (int)i + 1, &w);
	}
	/* ulogd2 LOGEMU: no "kernel:" tag, "TOS=00", SEQ/ACK always, MARK */
	struct want u = w;
	u.sensor = "gw";
	u.prefix = "DROP-IN";
	u.action = EVENT_ACTION_DROP;
	u.flags |= EVENT_HAS_SEQ;
	u.tcp_seq = 1040224432;
	expect_file(REF_2023_01_10, "prefixes.log", 9, &u);
	u.prefix = NULL;
	u.action = EVENT_ACTION_LOG;
	expect_file(REF_2023_01_10, "prefixes.log", 10, &u);
	/* a prefix ending in ": " looks like a syslog tag, but is the prefix */
	u.prefix = "DROP:";
	u.action = EVENT_ACTION_DROP;
	expect_file(REF_2023_01_10, "prefixes.log", 11, &u);
}

static void test_special_fields(void **state)
{
	(void)state;
	const char *t = "2023-01-05T10:11:12Z";
	/* ICMP port unreachable: the quoted packet's SPT/DPT/ID are skipped */
	struct want pu = {.time = t, .sensor = "gw", .prefix = "DROP", .in = "eth0",
			  .src = "203.0.113.1", .dst = "192.0.2.10", .flags = V4 | EVENT_HAS_ICMP,
			  .action = EVENT_ACTION_DROP, .proto = 1, .icmp_type = 3, .icmp_code = 3,
			  .ttl = 63, .ip_id = 4096, .ip_len = 88};
	expect_file(REF_2023_01_10, "special.log", 1, &pu);
	struct want fn = pu; /* fragmentation needed, MTU= after the bracket */
	fn.icmp_code = 4;
	fn.ip_id = 4097;
	fn.ip_len = 576;
	expect_file(REF_2023_01_10, "special.log", 2, &fn);
	struct want rd = pu; /* redirect, GATEWAY= */
	rd.icmp_type = 5;
	rd.icmp_code = 1;
	rd.ip_id = 4098;
	rd.ip_len = 56;
	expect_file(REF_2023_01_10, "special.log", 3, &rd);
	struct want pp = rd; /* parameter problem, PARAMETER= */
	pp.icmp_type = 12;
	pp.icmp_code = 0;
	pp.ip_id = 4099;
	expect_file(REF_2023_01_10, "special.log", 4, &pp);

	/* first fragment (MF) still has ports; a later one has none */
	struct want f1 = {.time = t, .sensor = "gw", .prefix = "DROP", .in = "eth0",
			  .src = "203.0.113.9", .dst = "192.0.2.10", .flags = V4 | EVENT_HAS_PORTS,
			  .action = EVENT_ACTION_DROP, .proto = 17, .sport = 53, .dport = 41000,
			  .ttl = 50, .ip_id = 30000, .ip_len = 1500};
	expect_file(REF_2023_01_10, "special.log", 5, &f1);
	struct want f2 = f1;
	f2.flags = V4 | EVENT_FRAGMENT;
	f2.sport = f2.dport = 0;
	expect_file(REF_2023_01_10, "special.log", 6, &f2);

	/* IPv6 fragments: the fragment header's ID (hex) is the event's ID */
	struct want g1 = {.time = t, .sensor = "gw", .prefix = "DROP", .in = "eth0",
			  .src = "2001:db8::9", .dst = "2001:db8::10",
			  .flags = V6 | EVENT_FRAGMENT | EVENT_HAS_IP_ID, .action = EVENT_ACTION_DROP,
			  .proto = 17, .ttl = 57, .ip_id = 0x0a1b2c3d, .ip_len = 1280};
	expect_file(REF_2023_01_10, "special.log", 7, &g1);
	struct want g0 = g1; /* offset 0, "INCOMPLETE" = more fragments follow */
	g0.flags = V6 | EVENT_HAS_IP_ID | EVENT_HAS_PORTS;
	g0.sport = 53;
	g0.dport = 41000;
	expect_file(REF_2023_01_10, "special.log", 8, &g0);

	/* SEQ, TCP options with MSS after NOPs and a timestamp, UID/GID/MARK */
	struct want so = {.time = t, .sensor = "gw", .prefix = "OUT-LOG", .out = "eth0",
			  .src = "192.0.2.10", .dst = "198.51.100.5",
			  .flags = V4 | TCPH | EVENT_DF | EVENT_HAS_SEQ | EVENT_HAS_MSS,
			  .action = EVENT_ACTION_LOG, .proto = 6, .sport = 40000, .dport = 443,
			  .tcp_flags = TCP_FLAG_SYN, .ttl = 64, .ip_id = 777, .ip_len = 60,
			  .tcp_seq = 123456789, .window = 64240, .mss = 1460};
	expect_file(REF_2023_01_10, "special.log", 9, &so);

	/* ARP carries no IP packet */
	struct event ev;
	assert_int_equal(run_file(nf(), REF_2023_01_10, "special.log", 10, &ev), PARSE_OTHER);

	/* IP options, then a TCP header the kernel could not read */
	struct want in = {.time = t, .sensor = "gw", .prefix = "DROP", .in = "eth0",
			  .src = "203.0.113.9", .dst = "192.0.2.10", .flags = V4 | EVENT_TRUNCATED,
			  .action = EVENT_ACTION_DROP, .proto = 6, .ttl = 50, .ip_id = 1,
			  .ip_len = 28};
	expect_file(REF_2023_01_10, "special.log", 11, &in);

	/* ICMPv6 echo: ID= after PROTO= is the echo id, not an IP ID */
	struct want e6 = {.time = t, .sensor = "gw", .prefix = "DROP", .in = "eth0",
			  .src = "2001:db8::9", .dst = "2001:db8::10", .flags = V6 | EVENT_HAS_ICMP,
			  .action = EVENT_ACTION_DROP, .proto = 58, .icmp_type = 128, .ttl = 64,
			  .ip_len = 104};
	expect_file(REF_2023_01_10, "special.log", 12, &e6);
}

/* Envelope details that change the prefix or the line's end. */
static void test_envelope_edges(void **state)
{
	(void)state;
	const char *f = "IN=eth0 OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=20 TOS=0x00 PREC=0x00 TTL=1 "
			"ID=1 PROTO=2";
	char line[512];
	struct event ev;
	/* RFC 5424's APP-NAME is not part of the prefix */
	snprintf(line, sizeof(line), "<4>1 2023-01-05T10:11:12Z gw ulogd - - - DROP-IN %s", f);
	assert_int_equal(run(nf(), REF_2023_01_10, line, strlen(line), &ev, NULL), PARSE_EVENT);
	slice_eq("prefix", ev.prefix, "DROP-IN");
	slice_eq("sensor", ev.sensor, "gw");
	/* a CRLF file */
	snprintf(line, sizeof(line), "Jan  5 10:11:12 gw kernel: [UFW BLOCK] %s\r\n", f);
	assert_int_equal(run(nf(), REF_2023_01_10, line, strlen(line), &ev, NULL), PARSE_EVENT);
	assert_int_equal(ev.proto, 2);
	/* printk caller id after the uptime (CONFIG_PRINTK_CALLER) */
	snprintf(line, sizeof(line), "Jan  5 10:11:12 gw kernel: [  341.399450][    T1] DROP %s", f);
	assert_int_equal(run(nf(), REF_2023_01_10, line, strlen(line), &ev, NULL), PARSE_EVENT);
	slice_eq("prefix", ev.prefix, "DROP");
	/* an ICMP error whose quoted packet holds brackets of its own */
	snprintf(line, sizeof(line),
		 "Jan  5 10:11:12 gw kernel: DROP IN=eth0 OUT= SRC=203.0.113.1 DST=192.0.2.10 "
		 "LEN=88 TOS=0x00 PREC=0x00 TTL=63 ID=4096 PROTO=ICMP TYPE=11 CODE=0 [SRC=192.0.2.10 "
		 "DST=203.0.113.1 LEN=60 TOS=0x00 PREC=0x00 TTL=1 ID=17 PROTO=ICMP TYPE=3 CODE=3 "
		 "[SRC=9.9.9.9 DST=8.8.8.8 LEN=1 TOS=0x00 PREC=0x00 TTL=9 ID=9 PROTO=UDP SPT=1 DPT=2 "
		 "LEN=9 ] ] MARK=0x2 ");
	assert_int_equal(run(nf(), REF_2023_01_10, line, strlen(line), &ev, NULL), PARSE_EVENT);
	assert_int_equal(ev.icmp_type, 11);
	assert_int_equal(ev.ip_id, 4096);
	assert_int_equal(ev.ttl, 63);
	assert_int_equal(ev.sport, 0);
	assert_false(ev.flags & EVENT_HAS_PORTS);
	/* an unclosed quoted packet runs to the end of the line */
	snprintf(line, sizeof(line),
		 "Jan  5 10:11:12 gw kernel: DROP IN=eth0 OUT= SRC=203.0.113.1 DST=192.0.2.10 "
		 "LEN=88 TOS=0x00 PREC=0x00 TTL=63 ID=4096 PROTO=ICMP TYPE=3 CODE=1 [SRC=1.1.1.1 "
		 "DST=2.2.2.2 SPT=5");
	assert_int_equal(run(nf(), REF_2023_01_10, line, strlen(line), &ev, NULL), PARSE_EVENT);
	assert_int_equal(ev.icmp_code, 1);
	assert_int_equal(ev.sport, 0);
}

static void test_malformed_reasons(void **state)
{
	(void)state;
	static const char *const reasons[] = {
		"bad SRC address", "bad DPT", "no DST address", "bad TTL",
		"bad PROTO",       "bad SPT", "bad SRC address",
	};
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		size_t len;
		const char *line = fixture_line("malformed.log", (int)i + 1, &len);
		struct event ev;
		const char *why = NULL;
		assert_int_equal(run(nf(), REF_2023_01_10, line, len, &ev, &why), PARSE_MALFORMED);
		assert_non_null(why);
		assert_string_equal(why, reasons[i]);
	}
}

static void test_other_syslog(void **state)
{
	(void)state;
	for (int i = 1; i <= 3; i++) {
		struct event ev;
		assert_int_equal(run_file(nf(), REF_2022_06_01, "other_syslog.log", i, &ev),
				 PARSE_OTHER);
	}
}

/* Every prefix of real lines, each in a buffer of exactly that size, so a
 * read past len is caught by AddressSanitizer builds. */
static void test_truncated_everywhere(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		int lines;
	} files[] = {
		{"ufw_block.log", 4},     {"psad_tcp_udp.log", 6}, {"psad_proto.log", 5},
		{"psad_ipv6.log", 3},     {"psad_rfc3339.log", 2}, {"envelopes.log", 9},
		{"prefixes.log", 11},     {"special.log", 12},     {"proxmox.log", 10},
		{"crowdsec_iptables.log", 4},
	};
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		for (int n = 1; n <= files[f].lines; n++) {
			size_t len;
			const char *line = fixture_line(files[f].file, n, &len);
			for (size_t cut = 0; cut <= len; cut++) {
				char *copy = malloc(cut ? cut : 1);
				assert_non_null(copy);
				memcpy(copy, line, cut);
				for (size_t p = 0; p < 2; p++) {
					const struct parser *ps =
						parser_find(p ? "pve-firewall" : "netfilter");
					struct event ev;
					const char *why = NULL;
					enum parse_result r =
						run(ps, REF_2022_06_01, copy, cut, &ev, &why);
					assert_true(r == PARSE_EVENT || r == PARSE_OTHER ||
						    r == PARSE_MALFORMED || r == PARSE_UNKNOWN);
					if (r == PARSE_MALFORMED)
						assert_non_null(why);
					(void)ps->detect(copy, cut);
				}
				free(copy);
			}
		}
	}
}

static void test_year_rollover_and_leap_day(void **state)
{
	(void)state;
	const char *body = " gw kernel: DROP IN=eth0 OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=20 "
			   "TOS=0x00 PREC=0x00 TTL=1 ID=1 PROTO=2";
	char line[256];
	char buf[40];
	struct event ev;
	/* a Dec 31 line read with a January reference is last year's */
	snprintf(line, sizeof(line), "Dec 31 23:59:59%s", body);
	assert_int_equal(run(nf(), REF_2023_01_10, line, strlen(line), &ev, NULL), PARSE_EVENT);
	assert_string_equal(time_format_rfc3339_utc(ev.time_ns, buf), "2022-12-31T23:59:59Z");
	/* one day past the reference is still this year (clock skew) */
	snprintf(line, sizeof(line), "Jan 11 00:00:01%s", body);
	assert_int_equal(run(nf(), REF_2023_01_10, line, strlen(line), &ev, NULL), PARSE_EVENT);
	assert_string_equal(time_format_rfc3339_utc(ev.time_ns, buf), "2023-01-11T00:00:01Z");
	/* Feb 29: the reference year if it is a leap year, else the last one */
	snprintf(line, sizeof(line), "Feb 29 12:00:00%s", body);
	assert_int_equal(run(nf(), 1710028800LL /* 2024-03-10 */, line, strlen(line), &ev, NULL),
			 PARSE_EVENT);
	assert_string_equal(time_format_rfc3339_utc(ev.time_ns, buf), "2024-02-29T12:00:00Z");
	assert_int_equal(run(nf(), REF_2022_06_01, line, strlen(line), &ev, NULL), PARSE_EVENT);
	assert_string_equal(time_format_rfc3339_utc(ev.time_ns, buf), "2020-02-29T12:00:00Z");
	/* --year wins */
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, REF_2023_01_10, 2019, NULL);
	snprintf(line, sizeof(line), "Dec 31 23:59:59%s", body);
	event_clear(&ev);
	assert_int_equal(nf()->parse_line(&ctx, line, strlen(line), &ev), PARSE_EVENT);
	assert_string_equal(time_format_rfc3339_utc(ev.time_ns, buf), "2019-12-31T23:59:59Z");
}

static const char *stamp_in_zone(const char *tz, int64_t ref, const char *stamp, char *buf)
{
	assert_int_equal(timeconv_set_zone(tz), 0);
	char line[256];
	snprintf(line, sizeof(line),
		 "%s gw kernel: DROP IN=eth0 OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=20 TOS=0x00 "
		 "PREC=0x00 TTL=1 ID=1 PROTO=2",
		 stamp);
	struct event ev;
	assert_int_equal(run(nf(), ref, line, strlen(line), &ev, NULL), PARSE_EVENT);
	return time_format_rfc3339_utc(ev.time_ns, buf);
}

static void test_zones(void **state)
{
	(void)state;
	char b[40];
	const int64_t ref = 1704067200LL; /* 2024-01-01 */
	assert_string_equal(stamp_in_zone("UTC", ref, "Jul  1 12:00:00", b), "2023-07-01T12:00:00Z");
	assert_string_equal(stamp_in_zone("Europe/Berlin", ref, "Jul  1 12:00:00", b),
			    "2023-07-01T10:00:00Z");
	assert_string_equal(stamp_in_zone("Europe/Berlin", ref, "Dec  1 12:00:00", b),
			    "2023-12-01T11:00:00Z");
	/* spring forward: 02:30 does not exist; read with the offset before */
	assert_string_equal(stamp_in_zone("Europe/Berlin", ref, "Mar 26 02:30:00", b),
			    "2023-03-26T01:30:00Z");
	assert_string_equal(stamp_in_zone("Europe/Berlin", ref, "Mar 26 03:30:00", b),
			    "2023-03-26T01:30:00Z");
	/* fall back: 02:30 happens twice; the first (summer time) is chosen */
	assert_string_equal(stamp_in_zone("Europe/Berlin", ref, "Oct 29 02:30:00", b),
			    "2023-10-29T00:30:00Z");
	assert_string_equal(stamp_in_zone("Europe/Berlin", ref, "Oct 29 03:30:00", b),
			    "2023-10-29T02:30:00Z");
	assert_string_equal(stamp_in_zone("America/New_York", ref, "Jul  1 12:00:00", b),
			    "2023-07-01T16:00:00Z");
	assert_string_equal(stamp_in_zone("America/New_York", ref, "Feb  1 12:00:00", b),
			    "2023-02-01T17:00:00Z");
	/* the reference (2024-01-01T00:00Z) is still Dec 31 in New York, so
	 * "Jan  2" is more than a day after it: January 2023 */
	assert_string_equal(stamp_in_zone("America/New_York", ref, "Jan  2 12:00:00", b),
			    "2023-01-02T17:00:00Z");
	/* stamps with their own offset ignore --tz */
	assert_string_equal(stamp_in_zone("America/New_York", ref, "2023-07-01T12:00:00+02:00", b),
			    "2023-07-01T10:00:00Z");
	assert_int_equal(timeconv_set_zone("UTC"), 0);
}

static void test_detect(void **state)
{
	(void)state;
	const char *lines[4];
	size_t lens[4];
	for (int i = 0; i < 4; i++)
		lines[i] = fixture_line("ufw_block.log", i + 1, &lens[i]);
	assert_ptr_equal(parser_detect(lines, lens, 4), parser_find("netfilter"));
	for (int i = 0; i < 4; i++)
		lines[i] = fixture_line("proxmox.log", i + 1, &lens[i]);
	assert_ptr_equal(parser_detect(lines, lens, 4), parser_find("pve-firewall"));
	for (int i = 0; i < 3; i++)
		lines[i] = fixture_line("other_syslog.log", i + 1, &lens[i]);
	for (int i = 0; i < 3; i++)
		assert_int_equal(nf()->detect(lines[i], lens[i]), 0);
	/* mostly other programs' lines with one firewall line: the "syslog"
	 * reader of mixed files where there is one, else netfilter */
	lines[3] = fixture_line("psad_rfc3339.log", 1, &lens[3]);
	const struct parser *mixed = parser_find("syslog");
	assert_ptr_equal(parser_detect(lines, lens, 4), mixed ? mixed : parser_find("netfilter"));
	/* plain dmesg is recognised; a psad grep line is not (no envelope) */
	size_t l;
	const char *d = fixture_line("envelopes.log", 9, &l);
	assert_true(nf()->detect(d, l) > 0);
	d = fixture_line("psad_grep_prefixed.log", 1, &l);
	assert_int_equal(nf()->detect(d, l), 0);
	assert_null(parser_find("no-such-format"));
	assert_null(parser_detect(lines, lens, 0));
}

static void test_event_helpers(void **state)
{
	(void)state;
	struct event ev;
	memset(&ev, 0xff, sizeof(ev));
	event_clear(&ev);
	assert_int_equal(ev.count, 1);
	assert_int_equal(ev.flags, 0);
	assert_null(ev.prefix.ptr);
	assert_string_equal(event_action_name(EVENT_ACTION_DROP), "drop");
	assert_string_equal(event_action_name(EVENT_ACTION_REJECT), "reject");
	assert_string_equal(event_action_name(EVENT_ACTION_ACCEPT), "accept");
	assert_string_equal(event_action_name(EVENT_ACTION_LOG), "log");
	assert_string_equal(event_action_name(EVENT_ACTION_UNKNOWN), "unknown");
	assert_string_equal(event_action_name((enum event_action)99), "unknown");
	assert_int_equal(event_action_parse("DROP"), EVENT_ACTION_DROP);
	assert_int_equal(event_action_parse("accept"), EVENT_ACTION_ACCEPT);
	assert_int_equal(event_action_parse("unknown"), -1);
	assert_int_equal(event_action_parse("nope"), -1);
	assert_int_equal(event_action_parse(NULL), -1);
	assert_string_equal(event_proto_name(6), "tcp");
	assert_string_equal(event_proto_name(17), "udp");
	assert_string_equal(event_proto_name(1), "icmp");
	assert_string_equal(event_proto_name(58), "icmpv6");
	assert_string_equal(event_proto_name(132), "sctp");
	assert_string_equal(event_proto_name(136), "udplite");
	assert_null(event_proto_name(162));
	char b[9];
	event_tcp_flags_str(TCP_FLAG_SYN | TCP_FLAG_ACK, b);
	assert_string_equal(b, "SA");
	event_tcp_flags_str(TCP_FLAG_FIN | TCP_FLAG_PSH | TCP_FLAG_URG, b);
	assert_string_equal(b, "FPU");
	event_tcp_flags_str(0, b);
	assert_string_equal(b, "-");
	event_tcp_flags_str(0xff, b);
	assert_string_equal(b, "FSRPAUEC");
}

static int setup(void **state)
{
	(void)state;
	return timeconv_set_zone("UTC");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ufw_block),
		cmocka_unit_test(test_kernel_no_prefix),
		cmocka_unit_test(test_psad_tcp_udp),
		cmocka_unit_test(test_psad_protocols),
		cmocka_unit_test(test_icmp_echo_and_shorewall),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_rfc3339_stamps),
		cmocka_unit_test(test_no_envelope),
		cmocka_unit_test(test_log_everything_baseline),
		cmocka_unit_test(test_envelopes),
		cmocka_unit_test(test_prefixes_and_actions),
		cmocka_unit_test(test_special_fields),
		cmocka_unit_test(test_envelope_edges),
		cmocka_unit_test(test_malformed_reasons),
		cmocka_unit_test(test_other_syslog),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_year_rollover_and_leap_day),
		cmocka_unit_test(test_zones),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_event_helpers),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
