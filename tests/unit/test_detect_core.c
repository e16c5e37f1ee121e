/* The detector on hand-built events: each threshold at its edge, slow
 * scans, flag classes, fingerprints, TRW, hammering, what is not a probe,
 * caps, eviction, and merging in any split giving the same findings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/addr.h"
#include "core/event.h"
#include "core/hash.h"
#include "core/timeconv.h"
#include "detect/detect.h"

#define T0 1700000000LL /* seconds */

static struct ip_addr A(const char *s)
{
	struct ip_addr a;
	if (addr_parse(s, strlen(s), &a) != 0)
		fail_msg("bad test address %s", s);
	return a;
}

static uint64_t next_line;

/* A TCP SYN (nmap-like unless changed) from src to dst:dport at t seconds
 * (fractional via ms). */
static struct event syn(const char *src, const char *dst, uint16_t dport, int64_t t_ms)
{
	struct event ev;
	event_clear(&ev);
	ev.src = A(src);
	ev.dst = A(dst);
	ev.flags = EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_PORTS | EVENT_HAS_TIME |
		   EVENT_HAS_TCP_FLAGS | EVENT_HAS_WINDOW | EVENT_HAS_LEN | EVENT_HAS_MSS;
	ev.proto = IPPROTO_NUM_TCP;
	ev.sport = 40000;
	ev.dport = dport;
	ev.tcp_flags = TCP_FLAG_SYN;
	ev.window = 1024;
	ev.mss = 1460;
	ev.ip_len = 44;
	ev.time_ns = T0 * NS_PER_SEC + t_ms * 1000000LL;
	ev.action = EVENT_ACTION_DROP;
	ev.in_if.ptr = "eth0";
	ev.in_if.len = 4;
	ev.line = ++next_line;
	return ev;
}

static struct event udp(const char *src, const char *dst, uint16_t sport, uint16_t dport,
			int64_t t_ms)
{
	struct event ev = syn(src, dst, dport, t_ms);
	ev.proto = IPPROTO_NUM_UDP;
	ev.sport = sport;
	ev.flags &= ~(uint32_t)(EVENT_HAS_TCP_FLAGS | EVENT_HAS_WINDOW | EVENT_HAS_MSS);
	ev.tcp_flags = 0;
	return ev;
}

static struct detect_config cfg_default(void)
{
	struct detect_config c;
	detect_config_defaults(&c);
	return c;
}

/* Findings of the events, through one detector. */
static struct detect_findings *run(const struct detect_config *cfg, struct event *ev, size_t n)
{
	struct detector *d = detect_new(cfg);
	for (size_t i = 0; i < n; i++)
		detect_add(d, &ev[i]);
	struct detect_findings *f = detect_findings(d);
	detect_free(d);
	return f;
}

static size_t real(const struct detect_findings *f)
{
	return f->n - f->n_allowlisted;
}

static void vertical_threshold_edges(void **state)
{
	(void)state;
	struct detect_config cfg = cfg_default();
	struct event ev[32];
	/* 20 unprivileged ports: score 20 < 21 */
	for (int i = 0; i < 20; i++)
		ev[i] = syn("198.51.100.7", "192.0.2.1", (uint16_t)(2000 + i), i * 100);
	struct detect_findings *f = run(&cfg, ev, 20);
	assert_int_equal(real(f), 0);
	assert_int_equal(f->background_sources, 1);
	detect_findings_free(f);
	/* 21: a vertical SYN scan, nmap -sS by its window and MSS-only option */
	ev[20] = syn("198.51.100.7", "192.0.2.1", 2020, 2000);
	f = run(&cfg, ev, 21);
	assert_int_equal(real(f), 1);
	assert_int_equal(f->items[0].type, FINDING_VERTICAL);
	assert_int_equal(f->items[0].technique, TECH_SYN);
	assert_int_equal(f->items[0].n_ports, 21);
	assert_string_equal(f->items[0].tool, "nmap -sS");
	assert_non_null(strstr(detect_why(f, &f->items[0]), "21 distinct TCP ports on 192.0.2.1"));
	detect_findings_free(f);
	/* 7 privileged ports weigh 3 each: 21 */
	for (int i = 0; i < 7; i++)
		ev[i] = syn("198.51.100.8", "192.0.2.1", (uint16_t)(20 + i), i * 1000);
	f = run(&cfg, ev, 7);
	assert_int_equal(real(f), 1);
	detect_findings_free(f);
	f = run(&cfg, ev, 6);
	assert_int_equal(real(f), 0);
	detect_findings_free(f);
}

static void window_and_slow(void **state)
{
	(void)state;
	struct detect_config cfg = cfg_default();
	struct event ev[40];
	/* 30 ports, one every 20 minutes: nothing in 5 min, a slow scan in 24 h */
	for (int i = 0; i < 30; i++)
		ev[i] = syn("198.51.100.9", "192.0.2.1", (uint16_t)(3000 + i), (int64_t)i * 1200000);
	struct detect_findings *f = run(&cfg, ev, 30);
	assert_int_equal(real(f), 1);
	assert_int_equal(f->items[0].type, FINDING_VERTICAL);
	assert_int_equal(f->items[0].slow, 1);
	assert_non_null(strstr(detect_why(f, &f->items[0]), "slow"));
	detect_findings_free(f);
	/* slow window off: nothing */
	cfg.slow_window_ns = 0;
	f = run(&cfg, ev, 30);
	assert_int_equal(real(f), 0);
	detect_findings_free(f);
}

static void horizontal_block_ping(void **state)
{
	(void)state;
	struct detect_config cfg = cfg_default();
	struct event ev[600];
	char dst[32];
	for (int i = 0; i < 9; i++) {
		snprintf(dst, sizeof(dst), "10.1.0.%d", i + 1);
		ev[i] = syn("203.0.113.5", dst, 445, i * 10);
	}
	struct detect_findings *f = run(&cfg, ev, 9);
	assert_int_equal(real(f), 0);
	detect_findings_free(f);
	snprintf(dst, sizeof(dst), "10.1.0.%d", 10);
	ev[9] = syn("203.0.113.5", dst, 445, 90);
	f = run(&cfg, ev, 10);
	assert_int_equal(real(f), 1);
	assert_int_equal(f->items[0].type, FINDING_HORIZONTAL);
	assert_int_equal(f->items[0].n_targets, 10);
	detect_findings_free(f);
	/* the targets in address order, whichever octet tells them apart */
	static const char *const scattered[12] = {
		"10.1.2.3",   "10.1.1.200", "10.9.0.1",  "10.1.1.7",  "10.0.255.255", "10.1.2.1",
		"10.200.0.0", "10.1.1.8",   "10.0.3.4",  "10.2.0.9",  "10.1.3.0",     "10.0.0.77"};
	static const char *const in_order[12] = {
		"10.0.0.77", "10.0.3.4", "10.0.255.255", "10.1.1.7", "10.1.1.8",  "10.1.1.200",
		"10.1.2.1",  "10.1.2.3", "10.1.3.0",     "10.2.0.9", "10.9.0.1",  "10.200.0.0"};
	for (int i = 0; i < 12; i++)
		ev[i] = syn("203.0.113.5", scattered[i], 445, i * 10);
	f = run(&cfg, ev, 12);
	assert_int_equal(real(f), 1);
	assert_int_equal(f->items[0].n_targets, 12);
	assert_true(f->items[0].n_targets_kept >= 2);
	char a[ADDR_STRLEN];
	for (size_t i = 0; i < f->items[0].n_targets_kept; i++)
		assert_string_equal(addr_format(&f->items[0].targets[i], a), in_order[i]);
	assert_string_equal(addr_format(&f->items[0].target_lo, a), in_order[0]);
	assert_string_equal(addr_format(&f->items[0].target_hi, a), in_order[11]);
	detect_findings_free(f);
	/* 20 ports on each of 20 hosts: a block scan */
	size_t n = 0;
	for (int h = 0; h < 20; h++)
		for (int p = 0; p < 25; p++) {
			snprintf(dst, sizeof(dst), "10.2.0.%d", h + 1);
			ev[n] = syn("203.0.113.6", dst, (uint16_t)(5000 + p), (int64_t)n * 5);
			n++;
		}
	f = run(&cfg, ev, n);
	assert_int_equal(real(f), 1);
	assert_int_equal(f->items[0].type, FINDING_BLOCK);
	assert_int_equal(f->items[0].n_targets, 20);
	assert_int_equal(f->items[0].n_ports, 25);
	detect_findings_free(f);
	/* ICMP echo to 12 hosts: a ping sweep */
	for (int i = 0; i < 12; i++) {
		snprintf(dst, sizeof(dst), "10.3.0.%d", i + 1);
		ev[i] = syn("203.0.113.7", dst, 0, i * 50);
		ev[i].proto = IPPROTO_NUM_ICMP;
		ev[i].flags = EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_TIME | EVENT_HAS_ICMP;
		ev[i].icmp_type = 8;
	}
	f = run(&cfg, ev, 12);
	assert_int_equal(real(f), 1);
	assert_int_equal(f->items[0].type, FINDING_PING_SWEEP);
	detect_findings_free(f);
}

static void flag_classes(void **state)
{
	(void)state;
	struct detect_config cfg = cfg_default();
	static const struct {
		uint8_t flags;
		enum finding_technique tech;
		const char *tool;
	} cases[] = {
		{TCP_FLAG_FIN, TECH_FIN, "nmap -sF"},
		{0, TECH_NULL, "nmap -sN"},
		{TCP_FLAG_FIN | TCP_FLAG_PSH | TCP_FLAG_URG, TECH_XMAS, "nmap -sX"},
		{TCP_FLAG_ACK, TECH_ACK, "nmap -sA"},
		{TCP_FLAG_FIN | TCP_FLAG_ACK, TECH_MAIMON, "nmap -sM"},
		{TCP_FLAG_SYN | TCP_FLAG_FIN, TECH_ODD, NULL},
	};
	struct event ev[30];
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		for (int i = 0; i < 30; i++) {
			ev[i] = syn("198.51.100.20", "192.0.2.1", (uint16_t)(6000 + i), i * 10);
			ev[i].tcp_flags = cases[k].flags;
			ev[i].ip_len = 40;
			ev[i].flags &= ~(uint32_t)EVENT_HAS_MSS;
		}
		struct detect_findings *f = run(&cfg, ev, 30);
		assert_int_equal(real(f), 1);
		assert_int_equal(f->items[0].technique, cases[k].tech);
		if (cases[k].tool)
			assert_string_equal(f->items[0].tool, cases[k].tool);
		else
			assert_null(f->items[0].tool);
		detect_findings_free(f);
	}
}

static void not_probes(void **state)
{
	(void)state;
	struct detect_config cfg = cfg_default();
	struct event ev[60];
	/* DNS answers (from 53 to many client ports), SYN-ACKs, RSTs, data */
	for (int i = 0; i < 40; i++)
		ev[i] = udp("192.0.2.53", "10.0.0.2", 53, (uint16_t)(30000 + i), i * 10);
	for (int i = 40; i < 60; i++) {
		ev[i] = syn("192.0.2.80", "10.0.0.2", (uint16_t)(40000 + i), i * 10);
		ev[i].sport = 443;
		ev[i].tcp_flags = i % 3 == 0 ? (TCP_FLAG_SYN | TCP_FLAG_ACK)
			      : i % 3 == 1   ? TCP_FLAG_RST
					     : (TCP_FLAG_ACK | TCP_FLAG_PSH);
	}
	struct detect_findings *f = run(&cfg, ev, 60);
	assert_int_equal(f->n, 0);
	assert_int_equal(f->background_sources, 0);
	detect_findings_free(f);
	/* packets the logging host sent itself (OUT= set, IN= empty) */
	for (int i = 0; i < 40; i++) {
		ev[i] = syn("10.0.0.2", "192.0.2.1", (uint16_t)(100 + i), i * 10);
		ev[i].in_if.len = 0;
		ev[i].out_if.ptr = "eth0";
		ev[i].out_if.len = 4;
	}
	f = run(&cfg, ev, 40);
	assert_int_equal(f->n, 0);
	detect_findings_free(f);
	cfg.include_local = 1;
	f = run(&cfg, ev, 40);
	assert_int_equal(real(f), 1);
	detect_findings_free(f);
}

static void fingerprints(void **state)
{
	(void)state;
	struct detect_config cfg = cfg_default();
	struct event ev[30];
	for (int i = 0; i < 30; i++) {
		ev[i] = syn("198.51.100.30", "192.0.2.9", (uint16_t)(7000 + i), i);
		ev[i].window = 65535;
		ev[i].ip_id = 54321;
		ev[i].flags |= EVENT_HAS_IP_ID;
	}
	struct detect_findings *f = run(&cfg, ev, 30);
	assert_string_equal(f->items[0].tool, "zmap");
	assert_string_equal(f->items[0].tool_evidence, "IP ID 54321 on 30/30 probes");
	detect_findings_free(f);
	/* masscan: ID = dst ^ dport ^ seq */
	for (int i = 0; i < 30; i++) {
		uint32_t dst = 0xC0000209, seq = 0x12345678u * (uint32_t)(i + 1);
		ev[i].tcp_seq = seq;
		ev[i].flags |= EVENT_HAS_SEQ;
		ev[i].ip_id = (dst ^ ev[i].dport ^ seq) & 0xffff;
	}
	f = run(&cfg, ev, 30);
	assert_string_equal(f->items[0].tool, "masscan");
	detect_findings_free(f);
	/* Mirai: sequence number = destination address */
	for (int i = 0; i < 30; i++) {
		ev[i].tcp_seq = 0xC0000209;
		ev[i].ip_id = 1;
	}
	f = run(&cfg, ev, 30);
	assert_string_equal(f->items[0].tool, "Mirai");
	detect_findings_free(f);
}

static void trw_outcomes(void **state)
{
	(void)state;
	struct detect_config cfg = cfg_default();
	struct event ev[8];
	char dst[32];
	/* four failed first contacts with four hosts: 4^4 = 256 >= 99 */
	for (int i = 0; i < 4; i++) {
		snprintf(dst, sizeof(dst), "10.9.0.%d", i + 1);
		ev[i] = syn("198.51.100.40", dst, 22, i * 1000);
		ev[i].outcome = EVENT_OUTCOME_NO_ANSWER;
	}
	struct detect_findings *f = run(&cfg, ev, 4);
	assert_int_equal(real(f), 1);
	assert_int_equal(f->items[0].type, FINDING_TRW);
	assert_int_equal(f->items[0].trw_attempts, 4);
	detect_findings_free(f);
	/* three failures: 64 < 99, undecided */
	f = run(&cfg, ev, 3);
	assert_int_equal(real(f), 0);
	detect_findings_free(f);
	/* a success first: 0.25 * 4^4 = 64, undecided */
	for (int i = 0; i < 5; i++) {
		snprintf(dst, sizeof(dst), "10.9.1.%d", i + 1);
		ev[i] = syn("198.51.100.41", dst, 22, i * 1000);
		ev[i].outcome = i == 0 ? EVENT_OUTCOME_OPEN : EVENT_OUTCOME_CLOSED;
	}
	f = run(&cfg, ev, 5);
	assert_int_equal(real(f), 0);
	detect_findings_free(f);
	/* outcomes unknown: TRW does not run */
	for (int i = 0; i < 5; i++)
		ev[i].outcome = EVENT_OUTCOME_UNKNOWN;
	f = run(&cfg, ev, 5);
	assert_int_equal(real(f), 0);
	detect_findings_free(f);
}

static void hammering(void **state)
{
	(void)state;
	struct detect_config cfg = cfg_default();
	struct event ev[12];
	for (int i = 0; i < 12; i++) {
		ev[i] = syn("198.51.100.50", "192.0.2.22", 22, i * 2000);
		ev[i].flags &= ~(uint32_t)EVENT_HAS_TCP_FLAGS;
		ev[i].outcome = EVENT_OUTCOME_AUTH_FAILURE;
		ev[i].action = EVENT_ACTION_LOG;
	}
	struct detect_findings *f = run(&cfg, ev, 9);
	assert_int_equal(real(f), 0);
	detect_findings_free(f);
	f = run(&cfg, ev, 10);
	assert_int_equal(real(f), 1);
	assert_int_equal(f->items[0].type, FINDING_HAMMER);
	assert_int_equal(f->items[0].failures, 10);
	detect_findings_free(f);
	/* then a login succeeds: severity rises by 2 */
	ev[10].outcome = EVENT_OUTCOME_AUTH_SUCCESS;
	struct detect_findings *g = run(&cfg, ev, 11);
	f = run(&cfg, ev, 10);
	assert_int_equal(g->items[0].severity, f->items[0].severity + 2);
	detect_findings_free(f);
	detect_findings_free(g);
	/* accepted connections are not unsuccessful attempts */
	for (int i = 0; i < 12; i++) {
		ev[i].outcome = EVENT_OUTCOME_UNKNOWN;
		ev[i].action = EVENT_ACTION_ACCEPT;
	}
	f = run(&cfg, ev, 12);
	assert_int_equal(real(f), 0);
	detect_findings_free(f);
}

static void ip_protocols(void **state)
{
	(void)state;
	struct detect_config cfg = cfg_default();
	struct event ev[40];
	for (int i = 0; i < 40; i++) {
		ev[i] = syn("198.51.100.60", "192.0.2.1", 0, i * 10);
		ev[i].proto = (uint8_t)(100 + i);
		ev[i].flags = EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_TIME;
	}
	struct detect_findings *f = run(&cfg, ev, 40);
	assert_int_equal(real(f), 1);
	assert_int_equal(f->items[0].type, FINDING_PROTO_SCAN);
	assert_int_equal(f->items[0].n_ports, 40);
	detect_findings_free(f);
}

/* Same findings (every printed field) from one detector and from the
 * events dealt to three detectors in shuffled order, then merged. */
static void merge_any_split(void **state)
{
	(void)state;
	struct detect_config cfg = cfg_default();
	enum { N = 3000 };
	struct event *ev = calloc(N, sizeof(*ev));
	char src[32], dst[32];
	uint32_t r = 12345;
	for (int i = 0; i < N; i++) {
		r = r * 1103515245u + 12345u;
		snprintf(src, sizeof(src), "198.51.100.%u", 1 + (r >> 16) % 6);
		snprintf(dst, sizeof(dst), "192.0.2.%u", 1 + (r >> 8) % 12);
		ev[i] = syn(src, dst, (uint16_t)(1 + (r >> 4) % 300), i * 37 % 500000);
		ev[i].unit = (uint32_t)(i / 500);
		ev[i].outcome = (uint8_t)((r >> 3) % 4);
	}
	struct detect_findings *one = run(&cfg, ev, N);
	struct detector *d[3];
	for (int k = 0; k < 3; k++)
		d[k] = detect_new(&cfg);
	for (int i = N - 1; i >= 0; i--)
		detect_add(d[(i * 7) % 3], &ev[i]);
	detect_merge(d[1], d[2]);
	detect_merge(d[0], d[1]);
	struct detect_findings *three = detect_findings(d[0]);
	assert_true(one->n > 0);
	assert_int_equal(one->n, three->n);
	for (size_t i = 0; i < one->n; i++) {
		assert_string_equal(detect_why(one, &one->items[i]), detect_why(three, &three->items[i]));
		assert_int_equal(one->items[i].events, three->items[i].events);
		assert_int_equal(one->items[i].first_line, three->items[i].first_line);
		assert_int_equal(one->items[i].n_ports, three->items[i].n_ports);
		assert_memory_equal(one->items[i].ports, three->items[i].ports,
				    one->items[i].n_ports * sizeof(uint16_t));
	}
	detect_findings_free(one);
	detect_findings_free(three);
	for (int k = 0; k < 3; k++)
		detect_free(d[k]);
	free(ev);
}

/* Merging detectors larger than a fresh table (the merged-from detector
 * is left empty and usable), chains of merges, and caps per detector. */
static void merge_large(void **state)
{
	(void)state;
	struct detect_config cfg = cfg_default();
	struct detector *a = detect_new(&cfg), *b = detect_new(&cfg);
	char src[32];
	struct event e;
	for (uint32_t i = 0; i < 20000; i++) {
		snprintf(src, sizeof(src), "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
		e = syn(src, "192.0.2.1", (uint16_t)(1 + i % 3), i);
		detect_add(i % 2 ? a : b, &e);
	}
	detect_merge(a, b);
	assert_int_equal(detect_sources(a), 20000);
	assert_int_equal(detect_sources(b), 0);
	/* b is empty but usable */
	e = syn("198.51.100.1", "192.0.2.1", 80, 0);
	detect_add(b, &e);
	assert_int_equal(detect_sources(b), 1);
	detect_merge(a, b);
	assert_int_equal(detect_sources(a), 20001);
	detect_free(a);
	detect_free(b);
	cfg.max_sources = 100;
	a = detect_new(&cfg);
	b = detect_new(&cfg);
	for (uint32_t i = 0; i < 300; i++) {
		snprintf(src, sizeof(src), "10.0.%u.%u", i >> 8, i & 255);
		e = syn(src, "192.0.2.1", 22, i);
		detect_add(i < 150 ? a : b, &e);
	}
	/* the cap is per detector (per thread): each kept 100 of its 150 */
	detect_merge(a, b);
	assert_int_equal(detect_sources(a), 200);
	struct detect_findings *f = detect_findings(a);
	assert_int_equal(f->sources_evicted, 100);
	assert_int_equal(f->sources, 200);
	detect_findings_free(f);
	detect_free(a);
	detect_free(b);
}

/* Over the per-source cap the earliest contacts are kept, in any input
 * order, and the finding says its counts are lower bounds. */
static void contact_cap_keeps_earliest(void **state)
{
	(void)state;
	struct detect_config cfg = cfg_default();
	cfg.max_contacts = 50;
	struct event ev[200];
	for (int i = 0; i < 200; i++)
		ev[i] = syn("198.51.100.70", "192.0.2.1", (uint16_t)(10000 + i), i * 10);
	struct event rev[200];
	for (int i = 0; i < 200; i++)
		rev[i] = ev[199 - i];
	struct detect_findings *a = run(&cfg, ev, 200), *b = run(&cfg, rev, 200);
	assert_int_equal(a->items[0].n_ports, 50);
	assert_int_equal(a->items[0].ports[0], 10000);
	assert_int_equal(a->items[0].ports[49], 10049);
	assert_int_equal(b->items[0].ports[49], 10049);
	assert_true(a->items[0].truncated);
	assert_int_equal(a->sources_truncated, 1);
	assert_non_null(strstr(detect_why(a, &a->items[0]), "at least 50"));
	detect_findings_free(a);
	detect_findings_free(b);
}

/* A flood of distinct sources stays within the source cap; evictions are
 * counted, and a real scanner among them is still found. */
static void source_cap_evicts(void **state)
{
	(void)state;
	struct detect_config cfg = cfg_default();
	cfg.max_sources = 1000;
	struct detector *d = detect_new(&cfg);
	char src[32];
	struct event e;
	for (int i = 0; i < 50; i++) {
		e = syn("203.0.113.99", "192.0.2.1", (uint16_t)(20000 + i), i);
		detect_add(d, &e);
	}
	for (uint32_t i = 0; i < 100000; i++) {
		snprintf(src, sizeof(src), "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
		e = syn(src, "192.0.2.1", 23, 100 + i);
		detect_add(d, &e);
	}
	assert_true(detect_sources(d) <= 1000);
	size_t mem = detect_memory(d);
	assert_true(mem < 4u << 20);
	struct detect_findings *f = detect_findings(d);
	assert_int_equal(f->sources_evicted, 100000 + 1 - 1000);
	assert_int_equal(real(f), 1);
	char buf[ADDR_STRLEN];
	assert_string_equal(addr_format(&f->items[0].src, buf), "203.0.113.99");
	detect_findings_free(f);
	detect_free(d);
}

static void allowlist_and_home(void **state)
{
	(void)state;
	struct detect_config cfg = cfg_default();
	char err[256] = "";
	const char *text = "# comment\n"
			   "198.51.100.0/24\tlab scanner\tasset inventory\n"
			   "203.0.113.5 monitoring probe, every 5 minutes\n"
			   "not-a-network oops\n";
	assert_int_equal(detect_config_load_allow_text(&cfg, "allow.txt", "allowlist", text,
						       strlen(text), err, sizeof(err)),
			 1);
	assert_non_null(strstr(err, "allow.txt:4"));
	assert_int_equal(cfg.n_allow, 2);
	assert_string_equal(cfg.allow[0].reason, "lab scanner");
	assert_string_equal(cfg.allow[1].reason, "monitoring probe, every 5 minutes");
	assert_int_equal(detect_config_add_home(&cfg, "10.0.0.0/8, 2001:db8::/32", err, sizeof(err)), 0);
	assert_int_equal(detect_config_add_home(&cfg, "10.0.0.0/99", err, sizeof(err)), -1);
	struct event ev[30];
	for (int i = 0; i < 30; i++)
		ev[i] = syn("198.51.100.80", "192.0.2.1", (uint16_t)(3000 + i), i);
	struct detect_findings *f = run(&cfg, ev, 30);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->n_allowlisted, 1);
	assert_int_equal(f->items[0].severity, 1);
	assert_string_equal(f->items[0].allow->reason, "lab scanner");
	assert_int_equal(detect_count_at_least(f, 1), 0);
	detect_findings_free(f);
	for (int i = 0; i < 30; i++)
		ev[i] = syn("10.1.2.3", "192.0.2.1", (uint16_t)(3000 + i), i);
	f = run(&cfg, ev, 30);
	assert_int_equal(f->n_inside, 1);
	assert_true(f->items[0].inside);
	assert_true(f->items[0].severity >= 3);
	detect_findings_free(f);
	/* the built-in research-scanner list loads and labels */
	assert_int_equal(detect_config_finish(&cfg, err, sizeof(err)), 0);
	assert_true(cfg.n_allow > 2);
	detect_config_fini(&cfg);
}

static void options(void **state)
{
	(void)state;
	struct detect_config cfg = cfg_default();
	char err[256];
	int off = 0;
	size_t i_weights = SIZE_MAX, i_trw = SIZE_MAX, i_no = SIZE_MAX;
	for (size_t i = 0; i < detect_n_options; i++) {
		if (strcmp(detect_options[i].name, "port-weights") == 0)
			i_weights = i;
		else if (strcmp(detect_options[i].name, "trw") == 0)
			i_trw = i;
		else if (strcmp(detect_options[i].name, "no-detect") == 0)
			i_no = i;
	}
	assert_int_equal(detect_option_apply(&cfg, i_weights, "5,2", &off, err, sizeof(err)), 0);
	assert_int_equal(cfg.weight_low, 5);
	assert_int_equal(cfg.weight_high, 2);
	assert_int_equal(detect_option_apply(&cfg, i_weights, "5", &off, err, sizeof(err)), -1);
	assert_int_equal(detect_option_apply(&cfg, i_trw, "0.9,0.1,0.05,0.95", &off, err, sizeof(err)), 0);
	assert_int_equal(detect_option_apply(&cfg, i_trw, "0.1,0.9,0.05,0.95", &off, err, sizeof(err)), -1);
	assert_int_equal(detect_option_apply(&cfg, i_trw, "0.9,0.1,nan,0.95", &off, err, sizeof(err)), -1);
	assert_int_equal(detect_option_apply(&cfg, i_no, NULL, &off, err, sizeof(err)), 0);
	assert_int_equal(off, 1);
	detect_config_fini(&cfg);
}

int main(void)
{
	hash_set_key(1, 2);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vertical_threshold_edges),
		cmocka_unit_test(window_and_slow),
		cmocka_unit_test(horizontal_block_ping),
		cmocka_unit_test(flag_classes),
		cmocka_unit_test(not_probes),
		cmocka_unit_test(fingerprints),
		cmocka_unit_test(trw_outcomes),
		cmocka_unit_test(hammering),
		cmocka_unit_test(ip_protocols),
		cmocka_unit_test(merge_any_split),
		cmocka_unit_test(merge_large),
		cmocka_unit_test(contact_cap_keeps_earliest),
		cmocka_unit_test(source_cap_evicts),
		cmocka_unit_test(allowlist_and_home),
		cmocka_unit_test(options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
