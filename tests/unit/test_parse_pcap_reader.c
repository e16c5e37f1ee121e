/* The two ways a classic pcap file is read: walked directly (pcap.c's
 * fast path) and through libpcap. Every fixture and every file written
 * here (both byte orders, micro/nanosecond stamps, negative and odd
 * stamps, snap lengths cutting records, records across read blocks,
 * damaged ends, versions and link types the direct reader leaves to
 * libpcap) must give the same records, events and errors both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/hash.h"
#include "parse/pcap_decode.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
#include "test_parse_pcap_build.h"

#include "test_pcap_collect.h"

static void read_with(const char *path, int use_libpcap, struct run *run)
{
	memset(run, 0, sizeof(*run));
	struct parse_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	run->rc = pcap_read_path(&ctx, path, collect, run, run->err, sizeof(run->err), use_libpcap);
}

static void same_event(const struct event *a, const struct event *b)
{
	assert_true(a->time_ns == b->time_ns);
	assert_memory_equal(&a->src, &b->src, sizeof(a->src));
	assert_memory_equal(&a->dst, &b->dst, sizeof(a->dst));
	assert_int_equal(a->count, b->count);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->ip_id, b->ip_id);
	assert_int_equal(a->ip_len, b->ip_len);
	assert_int_equal(a->tcp_seq, b->tcp_seq);
	assert_int_equal(a->sport, b->sport);
	assert_int_equal(a->dport, b->dport);
	assert_int_equal(a->window, b->window);
	assert_int_equal(a->mss, b->mss);
	assert_int_equal(a->proto, b->proto);
	assert_int_equal(a->action, b->action);
	assert_int_equal(a->tcp_flags, b->tcp_flags);
	assert_int_equal(a->icmp_type, b->icmp_type);
	assert_int_equal(a->icmp_code, b->icmp_code);
	assert_int_equal(a->ttl, b->ttl);
	assert_int_equal(a->outcome, b->outcome);
	assert_int_equal(a->prefix.len, b->prefix.len);
}

/* Read path both ways and compare; returns the direct run (caller frees). */
static struct run compare_readers(const char *path)
{
	struct run a, b;
	read_with(path, 0, &a);
	read_with(path, 1, &b);
	assert_int_equal(a.rc, b.rc);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		const struct rec *x = &a.v[i], *y = &b.v[i];
		assert_int_equal(x->record, y->record);
		assert_int_equal(x->r, y->r);
		if (x->r == PARSE_MALFORMED)
			assert_string_equal(x->reason, y->reason);
		if (x->r == PARSE_EVENT) {
			same_event(&x->ev, &y->ev);
			assert_string_equal(x->prefix, y->prefix);
		}
	}
	free(b.v);
	return a;
}

/* ---- the fixtures ------------------------------------------------------------ */

static void test_fixtures(void **state)
{
	(void)state;
	static const char *const files[] = {
		"fin_scan.pcap",    "hs-icmpScan.pcap",        "lab-arp-sweep.pcap",
		"lab-distributed.pcap", "nflog.pcap",          "nmap_80_vanilla.pcap",
		"null15.pcap",      "osfingerprinting.pcap",   "portscan.pcap",
		"syn_scan.pcap",    "tcp_0_1000_20190821.pcap", "udp_0_1000_20190821.pcap",
		"udp_scan.pcap",    "xmas_scan.pcap",          "synscan.pcapng",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/pcap/%s", TEST_DATA_DIR, files[i]);
		struct run a = compare_readers(path);
		assert_int_equal(a.rc, 0);
		assert_true(a.n > 0);
		free(a.v);
	}
}

/* ---- files written here -------------------------------------------------------- */

static char tmp_dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/clscan-pcaprd-test-XXXXXX");
	return mkdtemp(tmp_dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/t.pcap", tmp_dir);
	unlink(path);
	return rmdir(tmp_dir);
}

struct file_spec {
	int be, nano;
	uint16_t major, minor;
	uint32_t snaplen, linktype;
	size_t cut; /* bytes dropped from the end */
};

struct wrec {
	uint32_t sec, frac, caplen;
	const uint8_t *data;
};

static void put32o(uint8_t *o, uint32_t v, int be)
{
	for (int i = 0; i < 4; i++)
		o[i] = (uint8_t)(be ? v >> (24 - 8 * i) : v >> (8 * i));
}

static void put16o(uint8_t *o, uint16_t v, int be)
{
	o[be ? 0 : 1] = (uint8_t)(v >> 8);
	o[be ? 1 : 0] = (uint8_t)v;
}

static const char *write_file(const struct file_spec *s, const struct wrec *r, size_t n)
{
	static char path[128];
	snprintf(path, sizeof(path), "%s/t.pcap", tmp_dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	uint8_t h[24];
	memset(h, 0, sizeof(h));
	put32o(h, s->nano ? 0xa1b23c4d : 0xa1b2c3d4, s->be);
	put16o(h + 4, s->major, s->be);
	put16o(h + 6, s->minor, s->be);
	put32o(h + 16, s->snaplen, s->be);
	put32o(h + 20, s->linktype, s->be);
	size_t total = 24;
	for (size_t i = 0; i < n; i++)
		total += 16 + r[i].caplen;
	uint8_t *buf = malloc(total);
	assert_non_null(buf);
	memcpy(buf, h, 24);
	size_t at = 24;
	for (size_t i = 0; i < n; i++) {
		put32o(buf + at, r[i].sec, s->be);
		put32o(buf + at + 4, r[i].frac, s->be);
		put32o(buf + at + 8, r[i].caplen, s->be);
		put32o(buf + at + 12, r[i].caplen, s->be);
		memcpy(buf + at + 16, r[i].data, r[i].caplen);
		at += 16 + r[i].caplen;
	}
	size_t keep = s->cut < total ? total - s->cut : 0;
	assert_int_equal(fwrite(buf, 1, keep, f), keep);
	fclose(f);
	free(buf);
	return path;
}

/* A probe conversation on Ethernet: SYN answered by SYN-ACK, a SYN answered
 * by RST, a UDP datagram, an echo request and reply, an ARP who-has. */
static uint8_t frames[6][256];
static size_t frame_len[6];

static void make_frames(void)
{
	uint8_t l4[64], ip[128];
	uint32_t a = IP4(192, 0, 2, 1), b = IP4(198, 51, 100, 7);
	size_t n = mk_tcp(l4, 40000, 22, TCP_FLAG_SYN, 7, 1024, 1460);
	n = mk_ipv4(ip, a, b, IPPROTO_NUM_TCP, l4, n, 0, 0);
	frame_len[0] = mk_eth(frames[0], 0x0800, ip, n, 0);
	n = mk_tcp(l4, 22, 40000, TCP_FLAG_SYN | TCP_FLAG_ACK, 9, 65535, 1460);
	n = mk_ipv4(ip, b, a, IPPROTO_NUM_TCP, l4, n, 0, 0);
	frame_len[1] = mk_eth(frames[1], 0x0800, ip, n, 1);
	n = mk_tcp(l4, 40000, 23, TCP_FLAG_SYN, 7, 1024, 0);
	n = mk_ipv4(ip, a, b, IPPROTO_NUM_TCP, l4, n, 0, 1);
	frame_len[2] = mk_eth(frames[2], 0x0800, ip, n, 0);
	n = mk_udp(l4, 5353, 161, 4);
	n = mk_ipv4(ip, a, b, IPPROTO_NUM_UDP, l4, n, 0, 0);
	frame_len[3] = mk_eth(frames[3], 0x0800, ip, n, 0);
	n = mk_icmp(l4, 8, 0, 77, 1);
	n = mk_ipv4(ip, a, b, IPPROTO_NUM_ICMP, l4, n, 0, 0);
	frame_len[4] = mk_eth(frames[4], 0x0800, ip, n, 0);
	uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 192, 0, 2, 1,
			   0, 0, 0, 0, 0, 0, 192, 0, 2, 99};
	frame_len[5] = mk_eth(frames[5], 0x0806, arp, sizeof(arp), 0);
}

/* n records cycling through the frames, stamps from sec0 on. */
static struct wrec *records(size_t n, uint32_t sec0, uint32_t frac_step)
{
	struct wrec *r = calloc(n, sizeof(*r));
	assert_non_null(r);
	for (size_t i = 0; i < n; i++) {
		r[i].sec = sec0 + (uint32_t)(i / 3);
		r[i].frac = (uint32_t)i * frac_step;
		r[i].data = frames[i % 6];
		r[i].caplen = (uint32_t)frame_len[i % 6];
	}
	return r;
}

static void test_orders_stamps_versions(void **state)
{
	(void)state;
	make_frames();
	struct wrec *r = records(60, 1700000000, 1234);
	for (int be = 0; be < 2; be++) {
		for (int nano = 0; nano < 2; nano++) {
			struct file_spec s = {be, nano, 2, 4, 65535, 1, 0};
			struct run a = compare_readers(write_file(&s, r, 60));
			assert_int_equal(a.rc, 0);
			assert_int_equal(a.n, 60);
			free(a.v);
			/* Older versions and extension bits: libpcap's, both ways. */
			s.minor = 3;
			a = compare_readers(write_file(&s, r, 60));
			assert_int_equal(a.n, 60);
			free(a.v);
			s.minor = 4;
			s.linktype = 0x04000001; /* FCS length present */
			a = compare_readers(write_file(&s, r, 60));
			free(a.v);
		}
	}
	/* Stamps as signed 32-bit fields: before 1970, and fractions past a
	 * second, as libpcap reads them. */
	for (size_t i = 0; i < 60; i++) {
		r[i].sec = 0x80000000u + (uint32_t)i * 0x01000000u;
		r[i].frac = i % 2 ? 0xffffffffu : 999999999u;
	}
	for (int nano = 0; nano < 2; nano++) {
		struct file_spec s = {0, nano, 2, 4, 65535, 1, 0};
		struct run a = compare_readers(write_file(&s, r, 60));
		assert_int_equal(a.n, 60);
		free(a.v);
	}
	free(r);
}

static void test_snap_lengths(void **state)
{
	(void)state;
	make_frames();
	struct wrec *r = records(24, 1700000000, 1000);
	/* Records longer than the file's snap length are cut to it (the TCP
	 * header is then short); 0 and huge snap lengths mean "no limit". */
	static const uint32_t snaps[] = {40, 54, 0, 65535, 262144, 0xffffffffu};
	for (size_t k = 0; k < sizeof(snaps) / sizeof(snaps[0]); k++) {
		struct file_spec s = {k % 2, 0, 2, 4, snaps[k], 1, 0};
		struct run a = compare_readers(write_file(&s, r, 24));
		assert_int_equal(a.rc, 0);
		assert_int_equal(a.n, 24);
		if (snaps[k] == 40) {
			size_t bad = 0;
			for (size_t i = 0; i < a.n; i++)
				bad += a.v[i].r == PARSE_MALFORMED;
			assert_true(bad > 0);
		}
		free(a.v);
	}
	free(r);
}

static void test_damage(void **state)
{
	(void)state;
	make_frames();
	struct wrec *r = records(30, 1700000000, 1000);
	/* Cut inside the last record's data, inside its header, and at once
	 * after a header. */
	static const size_t cuts[] = {5, (size_t)-1, 0};
	for (size_t k = 0; k < 3; k++) {
		struct file_spec s = {0, 0, 2, 4, 65535, 1, cuts[k]};
		if (cuts[k] == (size_t)-1)
			s.cut = frame_len[29 % 6] + 9;
		if (cuts[k] == 0)
			s.cut = frame_len[29 % 6];
		struct run a = compare_readers(write_file(&s, r, 30));
		assert_int_equal(a.rc, -1);
		assert_true(a.err[0] != 0);
		assert_int_equal(a.n, 29);
		free(a.v);
	}
	/* A capture length past libpcap's limit: an error after record 10. */
	r[10].caplen = 262145;
	uint8_t *big = calloc(1, 262145);
	assert_non_null(big);
	memcpy(big, frames[0], frame_len[0]);
	r[10].data = big;
	struct file_spec s = {1, 1, 2, 4, 65535, 1, 0};
	struct run a = compare_readers(write_file(&s, r, 30));
	assert_int_equal(a.rc, -1);
	assert_int_equal(a.n, 10);
	free(a.v);
	/* At the limit it is a record, cut to the snap length. */
	r[10].caplen = 262144;
	a = compare_readers(write_file(&s, r, 30));
	assert_int_equal(a.rc, 0);
	assert_int_equal(a.n, 30);
	free(a.v);
	free(big);
	free(r);
}

/* Enough records to cross the direct reader's read blocks many times, with
 * a few of the largest records among them. */
static void test_blocks(void **state)
{
	(void)state;
	make_frames();
	size_t n = 3000;
	struct wrec *r = records(n, 1600000000, 333333);
	uint8_t *big = calloc(1, 262144);
	assert_non_null(big);
	memcpy(big, frames[0], frame_len[0]);
	for (size_t i = 100; i < n; i += 700) {
		r[i].data = big;
		r[i].caplen = 262144;
	}
	struct file_spec s = {0, 1, 2, 4, 0, 1, 0};
	struct run a = compare_readers(write_file(&s, r, n));
	assert_int_equal(a.rc, 0);
	assert_int_equal(a.n, n);
	free(a.v);
	free(big);
	free(r);
}

/* Link types: each read directly in the writer's order, NFLOG from the
 * other byte order through libpcap (it rewrites the TLV heads). */
static void test_link_types(void **state)
{
	(void)state;
	uint8_t l4[64], ip[128], f[4][256];
	size_t n = mk_tcp(l4, 40000, 3389, TCP_FLAG_SYN, 1, 1024, 1460);
	n = mk_ipv4(ip, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2), IPPROTO_NUM_TCP, l4, n, 0, 0);
	static const uint32_t links[] = {0, 108, 101, 113, 276, 228, 239};
	for (size_t k = 0; k < sizeof(links) / sizeof(links[0]); k++) {
		size_t len;
		switch (links[k]) {
		case 0: len = mk_null(f[0], 2, 0, ip, n); break;
		case 108: len = mk_null(f[0], 2, 1, ip, n); break;
		case 113: len = mk_sll(f[0], 0x0800, ip, n); break;
		case 276: len = mk_sll2(f[0], 0x0800, ip, n); break;
		case 239: len = mk_nflog(f[0], 2, "drop-in", ip, n); break;
		default: memcpy(f[0], ip, n); len = n; break;
		}
		struct wrec r[3] = {{10, 0, (uint32_t)len, f[0]}, {11, 0, (uint32_t)len, f[0]},
				    {20, 0, (uint32_t)len, f[0]}};
		for (int be = 0; be < 2; be++) {
			struct file_spec s = {be, 0, 2, 4, 65535, links[k], 0};
			struct run a = compare_readers(write_file(&s, r, 3));
			assert_int_equal(a.rc, 0);
			assert_int_equal(a.n, 3);
			/* (The NFLOG frame's TLV heads are in this host's order,
			 * so in a file of the other order they read as damage:
			 * both readers must still agree.) */
			if (links[k] != 239 || !be) {
				assert_int_equal(a.v[0].r, PARSE_EVENT);
				assert_int_equal(a.v[0].ev.dport, 3389);
			}
			free(a.v);
		}
	}
}

int main(void)
{
	hash_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_orders_stamps_versions),
		cmocka_unit_test(test_snap_lengths),
		cmocka_unit_test(test_damage),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_link_types),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
