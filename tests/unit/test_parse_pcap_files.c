/* The pcap parser on whole files: real captures from tests/data/pcap (nmap
 * SYN/FIN/XMAS/UDP scans checked against nmap's own reports, masscan, an
 * NFLOG capture checked against tcpdump's printout, pcapng sweeps), and
 * files written here byte by byte (pcap-savefile(5)) for both byte orders,
 * micro- and nanosecond stamps, every supported link type, cut records,
 * unsupported link types and damaged files. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/addr.h"
#include "core/hash.h"
#include "parse/formats.h"
#include "parse/pcap_decode.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
#include "test_parse_pcap_build.h"

#include "test_pcap_collect.h"

/* Read path; check that records 1..n each came out exactly once. */
static void read_path(const char *path, struct run *run, uint64_t want_records)
{
	memset(run, 0, sizeof(*run));
	struct parse_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	run->rc = parser_pcap.read_file(&ctx, path, collect, run, run->err, sizeof(run->err));
	uint64_t max = 0;
	for (size_t i = 0; i < run->n; i++)
		if (run->v[i].record > max)
			max = run->v[i].record;
	assert_int_equal(run->n, max);
	char *seen = calloc(max + 1, 1);
	for (size_t i = 0; i < run->n; i++) {
		assert_true(run->v[i].record >= 1);
		assert_false(seen[run->v[i].record]);
		seen[run->v[i].record] = 1;
	}
	free(seen);
	if (want_records != (uint64_t)-1)
		assert_int_equal(run->n, want_records);
}

static void read_data(const char *name, struct run *run, uint64_t want_records)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/pcap/%s", TEST_DATA_DIR, name);
	read_path(path, run, want_records);
	assert_int_equal(run->rc, 0);
}

static void run_free(struct run *run)
{
	free(run->v);
	memset(run, 0, sizeof(*run));
}

static struct ip_addr ip(const char *s)
{
	struct ip_addr a;
	assert_int_equal(addr_parse(s, strlen(s), &a), 0);
	return a;
}

/* ---- nmap's reports as ground truth ---------------------------------------- */

struct nmap_report {
	uint16_t port[64];
	char state[64][24];
	size_t n;
	unsigned not_shown_closed; /* "Not shown: 95 closed tcp ports" */
};

static void read_report(const char *name, struct nmap_report *r)
{
	char path[512], line[512];
	snprintf(path, sizeof(path), "%s/pcap/%s", TEST_DATA_DIR, name);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	memset(r, 0, sizeof(*r));
	while (fgets(line, sizeof(line), f)) {
		unsigned port, n;
		char proto[8], state[24];
		if (sscanf(line, "Not shown: %u closed", &n) == 1)
			r->not_shown_closed = n;
		else if (isdigit((unsigned char)line[0]) &&
			 sscanf(line, "%u/%7[a-z] %23s", &port, proto, state) == 3) {
			assert_true(r->n < 64);
			r->port[r->n] = (uint16_t)port;
			memcpy(r->state[r->n], state, sizeof(state));
			r->n++;
		}
	}
	fclose(f);
	assert_true(r->n > 0);
	assert_true(r->not_shown_closed > 0);
}

static const char *const TARGET = "158.160.84.144", *const SCANNER = "10.129.0.4";

/* The scan's probes: from the scanner to the target with these flags
 * (proto TCP) or UDP (flags ignored). */
static int is_probe(const struct rec *x, uint8_t proto, uint8_t flags)
{
	struct ip_addr t = ip(TARGET), s = ip(SCANNER);
	return x->r == PARSE_EVENT && x->ev.proto == proto &&
	       memcmp(&x->ev.dst, &t, sizeof(t)) == 0 && memcmp(&x->ev.src, &s, sizeof(s)) == 0 &&
	       (proto != IPPROTO_NUM_TCP || x->ev.tcp_flags == flags);
}

/* Check one scan against its report: ports nmap calls `open` have an open
 * probe; "open|filtered" ports only unanswered ones; as many distinct
 * closed ports as nmap counted, and none of them reported otherwise. */
static void check_scan(const char *pcap, const char *report, uint8_t proto, uint8_t flags,
		       uint64_t packets)
{
	struct nmap_report rep;
	read_report(report, &rep);
	struct run run;
	read_data(pcap, &run, packets);
	assert_int_equal(run.malformed, 0);
	static uint8_t closed[65536], open[65536], other[65536];
	memset(closed, 0, sizeof(closed));
	memset(open, 0, sizeof(open));
	memset(other, 0, sizeof(other));
	size_t probes = 0;
	for (size_t i = 0; i < run.n; i++) {
		const struct rec *x = &run.v[i];
		if (!is_probe(x, proto, flags))
			continue;
		probes++;
		assert_true(x->ev.flags & EVENT_HAS_TIME);
		assert_int_equal(x->ev.action, EVENT_ACTION_LOG);
		if (x->ev.outcome == EVENT_OUTCOME_CLOSED)
			closed[x->ev.dport] = 1;
		else if (x->ev.outcome == EVENT_OUTCOME_OPEN)
			open[x->ev.dport] = 1;
		else
			other[x->ev.dport] = 1;
	}
	assert_true(probes >= 100);
	unsigned n_closed = 0;
	for (size_t p = 0; p < 65536; p++)
		n_closed += closed[p];
	assert_int_equal(n_closed, rep.not_shown_closed);
	for (size_t i = 0; i < rep.n; i++) {
		uint16_t p = rep.port[i];
		assert_false(closed[p]);
		if (strcmp(rep.state[i], "open") == 0) {
			assert_true(open[p]);
		} else {
			assert_string_equal(rep.state[i], "open|filtered");
			assert_false(open[p]);
			assert_true(other[p]);
		}
	}
	run_free(&run);
}

static void test_nmap_syn_scan(void **state)
{
	(void)state;
	check_scan("syn_scan.pcap", "syn.txt", IPPROTO_NUM_TCP, TCP_FLAG_SYN, 1218);
}

static void test_nmap_fin_scan(void **state)
{
	(void)state;
	check_scan("fin_scan.pcap", "fin.txt", IPPROTO_NUM_TCP, TCP_FLAG_FIN, 796);
}

static void test_nmap_xmas_scan(void **state)
{
	(void)state;
	check_scan("xmas_scan.pcap", "xmas.txt", IPPROTO_NUM_TCP,
		   TCP_FLAG_FIN | TCP_FLAG_PSH | TCP_FLAG_URG, 1058);
}

static void test_nmap_udp_scan(void **state)
{
	(void)state;
	check_scan("udp_scan.pcap", "udp.txt", IPPROTO_NUM_UDP, 0, 1306);
}

/* The same capture's operator SSH session (already running when the
 * capture began) is not a probe in either direction. */
static void test_session_noise(void **state)
{
	(void)state;
	struct run run;
	read_data("syn_scan.pcap", &run, 1218);
	struct ip_addr op = ip("93.109.68.122");
	for (size_t i = 0; i < run.n; i++) {
		const struct rec *x = &run.v[i];
		if (x->r != PARSE_EVENT)
			continue;
		assert_false(memcmp(&x->ev.src, &op, sizeof(op)) == 0);
		assert_false(memcmp(&x->ev.dst, &op, sizeof(op)) == 0);
	}
	run_free(&run);
}

static void test_nmap_null_scan(void **state)
{
	(void)state;
	struct run run;
	read_data("null15.pcap", &run, 87);
	size_t nulls = 0, closed = 0;
	for (size_t i = 0; i < run.n; i++) {
		const struct rec *x = &run.v[i];
		if (x->r == PARSE_EVENT && x->ev.proto == IPPROTO_NUM_TCP && x->ev.tcp_flags == 0) {
			assert_true(x->ev.flags & EVENT_HAS_TCP_FLAGS);
			nulls++;
			closed += x->ev.outcome == EVENT_OUTCOME_CLOSED;
		}
	}
	assert_true(nulls >= 12);
	assert_true(closed >= 12);
	run_free(&run);
}

static void test_masscan(void **state)
{
	(void)state;
	struct run run;
	read_data("tcp_0_1000_20190821.pcap", &run, 1005);
	static uint8_t port[1001];
	memset(port, 0, sizeof(port));
	for (size_t i = 0; i < run.n; i++) {
		const struct rec *x = &run.v[i];
		if (x->r != PARSE_EVENT)
			continue;
		assert_int_equal(x->ev.tcp_flags, TCP_FLAG_SYN);
		assert_int_equal(x->ev.window, 1024);
		assert_int_equal(x->ev.sport, 51406);
		/* Only the scanner's side was captured. */
		assert_int_equal(x->ev.outcome, EVENT_OUTCOME_NO_ANSWER);
		assert_true(x->ev.dport <= 1000);
		port[x->ev.dport] = 1;
	}
	for (size_t p = 0; p <= 1000; p++)
		assert_true(port[p]);
	/* masscan's own RSTs are not probes. */
	assert_int_equal(run.other, 4);
	run_free(&run);

	read_data("udp_0_1000_20190821.pcap", &run, 1001);
	assert_int_equal(run.events, 1001);
	for (size_t i = 0; i < run.n; i++)
		assert_int_equal(run.v[i].ev.proto, IPPROTO_NUM_UDP);
	run_free(&run);
}

/* tests/data/pcap/nflog-e.out is tcpdump's reading of nflog.pcap. */
static void test_nflog_file(void **state)
{
	(void)state;
	struct run run;
	read_data("nflog.pcap", &run, 4);
	const uint16_t dports[4] = {42585, 45190, 44031, 48736};
	/* 2013-09-06 18:31:59.615994 UTC */
	const int64_t t0 = 1378492319LL * 1000000000LL + 615994000LL;
	assert_int_equal(run.events, 4);
	for (size_t i = 0; i < 4; i++) {
		const struct rec *x = &run.v[i];
		assert_int_equal(x->record, i + 1);
		struct ip_addr s = ip("74.82.42.42"), d = ip("10.0.0.20");
		assert_memory_equal(&x->ev.src, &s, sizeof(s));
		assert_memory_equal(&x->ev.dst, &d, sizeof(d));
		assert_int_equal(x->ev.sport, 53);
		assert_int_equal(x->ev.dport, dports[i]);
		assert_int_equal(x->ev.ttl, 55);
		assert_string_equal(x->prefix, ""); /* the rule logged an empty prefix */
	}
	assert_int_equal(run.v[0].ev.time_ns, t0);
	assert_int_equal(run.v[0].ev.ip_len, 73);
	assert_int_equal(run.v[3].ev.time_ns, t0 + 7000);
	run_free(&run);
}

static void test_pcapng(void **state)
{
	(void)state;
	struct run run;
	read_data("hs-tcp_synPingSweepRand.pcapng", &run, 513);
	assert_int_equal(run.events, 511);
	for (size_t i = 0; i < run.n; i++) {
		const struct rec *x = &run.v[i];
		if (x->r != PARSE_EVENT)
			continue;
		assert_int_equal(x->ev.tcp_flags, TCP_FLAG_SYN);
		assert_int_equal(x->ev.dport, 80);
	}
	run_free(&run);
	/* Only ICMP protocol-unreachable replies, no probes captured. */
	read_data("hs-sh-IPscan.pcapng", &run, 252);
	assert_int_equal(run.events, 0);
	run_free(&run);
	/* nmap SYN scan of scanme.nmap.org: the ports that answered SYN-ACK
	 * (tcpdump: 22, 53, 80) are the open ones. */
	read_data("synscan.pcapng", &run, 2011);
	int open[3] = {0, 0, 0};
	size_t n_open = 0;
	for (size_t i = 0; i < run.n; i++) {
		const struct rec *x = &run.v[i];
		if (x->r != PARSE_EVENT || x->ev.outcome != EVENT_OUTCOME_OPEN)
			continue;
		n_open++;
		open[0] |= x->ev.dport == 22;
		open[1] |= x->ev.dport == 53;
		open[2] |= x->ev.dport == 80;
	}
	assert_int_equal(n_open, 3);
	assert_true(open[0] && open[1] && open[2]);
	run_free(&run);
}

/* Captures of the scanner's side only: every probe is unanswered. */
static void test_one_sided_sweeps(void **state)
{
	(void)state;
	struct run run;
	read_data("hs-icmpScan.pcap", &run, 512);
	assert_int_equal(run.events, 512);
	for (size_t i = 0; i < run.n; i++) {
		assert_int_equal(run.v[i].ev.icmp_type, 8);
		assert_int_equal(run.v[i].ev.outcome, EVENT_OUTCOME_NO_ANSWER);
	}
	run_free(&run);
	read_data("portscan.pcap", &run, 29);
	assert_int_equal(run.events, 29);
	for (size_t i = 0; i < run.n; i++) {
		assert_int_equal(run.v[i].ev.tcp_flags, TCP_FLAG_SYN);
		assert_int_equal(run.v[i].ev.outcome, EVENT_OUTCOME_NO_ANSWER);
	}
	run_free(&run);
}

static void test_icmp_fingerprinting(void **state)
{
	(void)state;
	struct run run;
	read_data("osfingerprinting.pcap", &run, 36);
	size_t echo_open = 0, ts_open = 0, mask_silent = 0, info_silent = 0;
	for (size_t i = 0; i < run.n; i++) {
		const struct rec *x = &run.v[i];
		if (x->r != PARSE_EVENT)
			continue;
		assert_int_equal(x->ev.proto, IPPROTO_NUM_ICMP);
		assert_true(x->ev.flags & EVENT_HAS_ICMP);
		uint8_t t = x->ev.icmp_type, o = x->ev.outcome;
		echo_open += t == 8 && o == EVENT_OUTCOME_OPEN;
		ts_open += t == 13 && o == EVENT_OUTCOME_OPEN;
		mask_silent += t == 17 && o == EVENT_OUTCOME_NO_ANSWER;
		info_silent += t == 15 && o == EVENT_OUTCOME_NO_ANSWER;
	}
	assert_int_equal(echo_open, 11);
	assert_int_equal(ts_open, 4);
	assert_int_equal(mask_silent, 2);
	assert_int_equal(info_silent, 2);
	run_free(&run);
}

static void test_vanilla_connect(void **state)
{
	(void)state;
	struct run run;
	read_data("nmap_80_vanilla.pcap", &run, 11);
	assert_int_equal(run.events, 3);
	for (size_t i = 0; i < run.n; i++)
		if (run.v[i].r == PARSE_EVENT) {
			assert_int_equal(run.v[i].ev.outcome, EVENT_OUTCOME_OPEN);
			assert_true(run.v[i].ev.flags & EVENT_HAS_MSS);
			assert_int_equal(run.v[i].ev.mss, 1460);
		}
	run_free(&run);
}

/* ---- files written here ------------------------------------------------------ */

static char tmp_dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/clscan-pcap-test-XXXXXX");
	return mkdtemp(tmp_dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(tmp_dir);
}

struct wpkt {
	uint32_t sec, frac; /* frac: micro- or nanoseconds as the magic says */
	const uint8_t *data;
	uint32_t caplen, len;
};

static void put32o(uint8_t *o, uint32_t v, int be)
{
	if (be) {
		put32(o, v);
	} else {
		o[0] = (uint8_t)v;
		o[1] = (uint8_t)(v >> 8);
		o[2] = (uint8_t)(v >> 16);
		o[3] = (uint8_t)(v >> 24);
	}
}

/* A classic pcap file; returns its path. cut > 0 drops that many bytes
 * from the end. */
static const char *write_pcap(const char *name, int be, int nano, uint32_t linktype,
			      const struct wpkt *p, size_t n, size_t cut)
{
	static char path[128];
	snprintf(path, sizeof(path), "%s/%s", tmp_dir, name);
	uint8_t *buf = malloc(24 + n * (16 + 2048));
	size_t at = 0;
	put32o(buf, nano ? 0xa1b23c4d : 0xa1b2c3d4, be);
	buf[4] = be ? 0 : 2;
	buf[5] = be ? 2 : 0;
	buf[6] = be ? 0 : 4;
	buf[7] = be ? 4 : 0;
	memset(buf + 8, 0, 8);
	put32o(buf + 16, 65535, be);
	put32o(buf + 20, linktype, be);
	at = 24;
	for (size_t i = 0; i < n; i++) {
		put32o(buf + at, p[i].sec, be);
		put32o(buf + at + 4, p[i].frac, be);
		put32o(buf + at + 8, p[i].caplen, be);
		put32o(buf + at + 12, p[i].len, be);
		memcpy(buf + at + 16, p[i].data, p[i].caplen);
		at += 16 + p[i].caplen;
	}
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, at - cut, f), at - cut);
	fclose(f);
	free(buf);
	return path;
}

static size_t syn_frame(uint8_t *o, uint16_t dport, uint8_t flags, int reply)
{
	uint8_t l4[64];
	uint32_t a = IP4(192, 0, 2, 1), b = IP4(192, 0, 2, 2);
	size_t n = reply ? mk_tcp(l4, dport, 40000, flags, 1, 1024, 0)
			 : mk_tcp(l4, 40000, dport, flags, 1, 1024, 1460);
	return reply ? mk_ipv4(o, b, a, IPPROTO_NUM_TCP, l4, n, 0, 0)
		     : mk_ipv4(o, a, b, IPPROTO_NUM_TCP, l4, n, 0, 0);
}

static void test_byte_orders_and_precision(void **state)
{
	(void)state;
	uint8_t ipb[128], f1[256], f2[256];
	size_t n = syn_frame(ipb, 22, TCP_FLAG_SYN, 0);
	size_t l1 = mk_eth(f1, 0x0800, ipb, n, 0);
	n = syn_frame(ipb, 22, TCP_FLAG_SYN | TCP_FLAG_ACK, 1);
	size_t l2 = mk_eth(f2, 0x0800, ipb, n, 0);
	for (int be = 0; be <= 1; be++) {
		for (int nano = 0; nano <= 1; nano++) {
			struct wpkt p[2] = {
				{1700000000, nano ? 123456789 : 123456, f1, (uint32_t)l1, (uint32_t)l1},
				{1700000000, nano ? 223456789 : 223456, f2, (uint32_t)l2, (uint32_t)l2},
			};
			const char *path = write_pcap("order.pcap", be, nano, 1, p, 2, 0);
			unsigned char magic[16];
			FILE *f = fopen(path, "rb");
			assert_int_equal(fread(magic, 1, 16, f), 16);
			fclose(f);
			assert_true(parser_pcap.detect_magic(magic, 16));
			struct run run;
			read_path(path, &run, 2);
			assert_int_equal(run.rc, 0);
			assert_int_equal(run.events, 1);
			assert_int_equal(run.v[0].record, 1);
			assert_int_equal(run.v[0].ev.outcome, EVENT_OUTCOME_OPEN);
			int64_t want = 1700000000LL * 1000000000LL + (nano ? 123456789 : 123456000);
			assert_int_equal(run.v[0].ev.time_ns, want);
			run_free(&run);
			unlink(path);
		}
	}
}

/* One SYN under every link type, through libpcap's DLT mapping. */
static void test_link_types_via_libpcap(void **state)
{
	(void)state;
	uint8_t ipb[128], f[512];
	size_t n = syn_frame(ipb, 3389, TCP_FLAG_SYN, 0);
	struct {
		uint32_t linktype;
		size_t len;
	} cases[9];
	size_t k = 0;
	uint8_t frames[9][512];
	cases[k].linktype = 1;
	cases[k].len = mk_eth(frames[k], 0x0800, ipb, n, 2);
	k++;
	cases[k].linktype = 113;
	cases[k].len = mk_sll(frames[k], 0x0800, ipb, n);
	k++;
	cases[k].linktype = 276;
	cases[k].len = mk_sll2(frames[k], 0x0800, ipb, n);
	k++;
	cases[k].linktype = 0;
	cases[k].len = mk_null(frames[k], 2, 0, ipb, n);
	k++;
	cases[k].linktype = 108;
	cases[k].len = mk_null(frames[k], 2, 1, ipb, n);
	k++;
	cases[k].linktype = 101;
	memcpy(frames[k], ipb, n);
	cases[k].len = n;
	k++;
	cases[k].linktype = 228;
	memcpy(frames[k], ipb, n);
	cases[k].len = n;
	k++;
	cases[k].linktype = 239;
	cases[k].len = mk_nflog(frames[k], 2, "ulog-drop", ipb, n);
	k++;
	for (size_t i = 0; i < k; i++) {
		memcpy(f, frames[i], cases[i].len);
		struct wpkt p = {1, 0, f, (uint32_t)cases[i].len, (uint32_t)cases[i].len};
		const char *path = write_pcap("link.pcap", 0, 0, cases[i].linktype, &p, 1, 0);
		struct run run;
		read_path(path, &run, 1);
		assert_int_equal(run.rc, 0);
		assert_int_equal(run.events, 1);
		assert_int_equal(run.v[0].ev.dport, 3389);
		assert_int_equal(run.v[0].ev.outcome, EVENT_OUTCOME_NO_ANSWER);
		if (cases[i].linktype == 239)
			assert_string_equal(run.v[0].prefix, "ulog-drop");
		run_free(&run);
		unlink(path);
	}
	/* IPv6 link type. */
	uint8_t s6[16], d6[16], l4[64];
	v6(s6, 1);
	v6(d6, 2);
	size_t l4n = mk_udp(l4, 1000, 161, 0);
	n = mk_ipv6(ipb, s6, d6, IPPROTO_NUM_UDP, l4, l4n);
	struct wpkt p = {1, 0, ipb, (uint32_t)n, (uint32_t)n};
	const char *path = write_pcap("link6.pcap", 1, 1, 229, &p, 1, 0);
	struct run run;
	read_path(path, &run, 1);
	assert_int_equal(run.events, 1);
	assert_int_equal(run.v[0].ev.dport, 161);
	assert_memory_equal(run.v[0].ev.src.b, s6, 16);
	run_free(&run);
	unlink(path);
}

static void test_unsupported_link_file(void **state)
{
	(void)state;
	uint8_t f[64] = {1, 2, 3};
	struct wpkt p = {1, 0, f, 20, 20};
	const char *path = write_pcap("usb.pcap", 0, 0, 189 /* USB Linux */, &p, 1, 0);
	struct run run;
	read_path(path, &run, 0);
	assert_int_equal(run.rc, -1);
	assert_non_null(strstr(run.err, "unsupported link type"));
	assert_non_null(strstr(run.err, "USB"));
	run_free(&run);
	unlink(path);
}

static void test_damaged_files(void **state)
{
	(void)state;
	uint8_t ipb[128], f1[256], arp[64];
	size_t n = syn_frame(ipb, 22, TCP_FLAG_SYN, 0);
	size_t l1 = mk_eth(f1, 0x0800, ipb, n, 0);
	memset(arp, 0, sizeof(arp));
	size_t la = mk_eth(arp, 0x0806, ipb, 28, 0);
	struct wpkt p[4] = {
		{10, 0, f1, (uint32_t)l1, (uint32_t)l1},
		/* cut by the snap length inside the TCP header */
		{10, 1, f1, 14 + 20 + 10, (uint32_t)l1},
		{10, 2, arp, (uint32_t)la, (uint32_t)la},
		{10, 3, f1, (uint32_t)l1, (uint32_t)l1},
	};
	/* The last record cut short: an error, after the records before it. */
	const char *path = write_pcap("cut.pcap", 0, 0, 1, p, 4, 7);
	struct run run;
	read_path(path, &run, 3);
	assert_int_equal(run.rc, -1);
	assert_true(strlen(run.err) > 0);
	assert_int_equal(run.events, 1);
	assert_int_equal(run.malformed, 1);
	assert_int_equal(run.other, 1);
	for (size_t i = 0; i < run.n; i++) {
		if (run.v[i].record == 2) {
			assert_int_equal(run.v[i].r, PARSE_MALFORMED);
			assert_string_equal(run.v[i].reason, "truncated TCP header");
		}
		if (run.v[i].record == 3)
			assert_int_equal(run.v[i].r, PARSE_OTHER);
	}
	run_free(&run);
	unlink(path);

	/* Only a header: no records, no error. */
	path = write_pcap("empty.pcap", 1, 0, 1, p, 0, 0);
	read_path(path, &run, 0);
	assert_int_equal(run.rc, 0);
	run_free(&run);
	unlink(path);

	/* Not a capture at all, and a missing file. */
	char junk[128];
	snprintf(junk, sizeof(junk), "%s/junk.pcap", tmp_dir);
	FILE *f = fopen(junk, "w");
	fputs("May 29 06:53:55 vultr kernel: [UFW BLOCK] IN=ens3\n", f);
	fclose(f);
	read_path(junk, &run, 0);
	assert_int_equal(run.rc, -1);
	assert_true(strlen(run.err) > 0);
	run_free(&run);
	unlink(junk);
	read_path("/nonexistent/x.pcap", &run, 0);
	assert_int_equal(run.rc, -1);
	run_free(&run);
}

static void test_detect_magic(void **state)
{
	(void)state;
	const struct parser *p = &parser_pcap;
	const unsigned char us_le[] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0};
	const unsigned char us_be[] = {0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4};
	const unsigned char ns_le[] = {0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0};
	const unsigned char ns_be[] = {0xa1, 0xb2, 0x3c, 0x4d, 0, 2, 0, 4};
	const unsigned char ng_le[] = {0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0,
				       0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0};
	const unsigned char ng_be[] = {0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0x1c,
				       0x1a, 0x2b, 0x3c, 0x4d, 0, 1, 0, 0};
	const unsigned char ng_bad[] = {0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0,
					'h', 'e', 'l', 'o', 1, 0, 0, 0};
	assert_true(p->detect_magic(us_le, sizeof(us_le)));
	assert_true(p->detect_magic(us_be, sizeof(us_be)));
	assert_true(p->detect_magic(ns_le, sizeof(ns_le)));
	assert_true(p->detect_magic(ns_be, sizeof(ns_be)));
	assert_true(p->detect_magic(ng_le, sizeof(ng_le)));
	assert_true(p->detect_magic(ng_be, sizeof(ng_be)));
	assert_false(p->detect_magic(ng_bad, sizeof(ng_bad)));
	assert_false(p->detect_magic(us_le, 3));
	assert_false(p->detect_magic((const unsigned char *)"May 29 06:53:55 vultr", 16));
	assert_false(p->detect_magic((const unsigned char *)"\x1f\x8b\x08\x00", 4));
	assert_null(p->detect);
	assert_int_equal(p->parse_line(NULL, "x", 1, NULL), PARSE_UNKNOWN);
	assert_string_equal(p->name, "pcap");
	assert_non_null(p->examples[0].line);
	/* The real files say so too. */
	const char *const files[] = {"syn_scan.pcap", "synscan.pcapng", "nflog.pcap"};
	for (size_t i = 0; i < 3; i++) {
		char path[512];
		unsigned char b[16];
		snprintf(path, sizeof(path), "%s/pcap/%s", TEST_DATA_DIR, files[i]);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		assert_int_equal(fread(b, 1, 16, f), 16);
		fclose(f);
		assert_true(p->detect_magic(b, 16));
	}
}

int main(void)
{
	hash_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nmap_syn_scan),
		cmocka_unit_test(test_nmap_fin_scan),
		cmocka_unit_test(test_nmap_xmas_scan),
		cmocka_unit_test(test_nmap_udp_scan),
		cmocka_unit_test(test_session_noise),
		cmocka_unit_test(test_nmap_null_scan),
		cmocka_unit_test(test_masscan),
		cmocka_unit_test(test_nflog_file),
		cmocka_unit_test(test_pcapng),
		cmocka_unit_test(test_one_sided_sweeps),
		cmocka_unit_test(test_icmp_fingerprinting),
		cmocka_unit_test(test_vanilla_connect),
		cmocka_unit_test(test_byte_orders_and_precision),
		cmocka_unit_test(test_link_types_via_libpcap),
		cmocka_unit_test(test_unsupported_link_file),
		cmocka_unit_test(test_damaged_files),
		cmocka_unit_test(test_detect_magic),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
