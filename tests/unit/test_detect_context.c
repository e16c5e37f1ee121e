/* The detector's context on hand-built events: honeypot and dark-address
 * contacts as TRW failures, dark hits and follow-on connections in the
 * severity, periodic sources, ARP sweeps, distributed scans (and the
 * background they must not be mistaken for), the findings clscan explain
 * keeps for a source, and the options. */
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

/* A dropped TCP SYN from src to dst:dport at t_ms, as a firewall logs it:
 * flags, window, TTL and length, outcome unknown. */
static struct event syn(const char *src, const char *dst, uint16_t dport, int64_t t_ms)
{
	struct event ev;
	event_clear(&ev);
	ev.src = A(src);
	ev.dst = A(dst);
	ev.flags = EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_PORTS | EVENT_HAS_TIME |
		   EVENT_HAS_TCP_FLAGS | EVENT_HAS_WINDOW | EVENT_HAS_LEN | EVENT_HAS_TTL;
	ev.proto = IPPROTO_NUM_TCP;
	ev.sport = 40000;
	ev.dport = dport;
	ev.tcp_flags = TCP_FLAG_SYN;
	ev.window = 64240;
	ev.ttl = 52;
	ev.ip_len = 60; /* an operating system's SYN: MSS, SACK, timestamps, window scale */
	ev.time_ns = T0 * NS_PER_SEC + t_ms * 1000000LL;
	ev.action = EVENT_ACTION_DROP;
	ev.in_if.ptr = "eth0";
	ev.in_if.len = 4;
	ev.line = ++next_line;
	return ev;
}

/* A honeypot's connection record (cowrie, dionaea...): TCP, no flags,
 * the honeypot answered. */
static struct event honey(const char *src, const char *dst, uint16_t dport, int64_t t_ms,
			  int flag)
{
	struct event ev = syn(src, dst, dport, t_ms);
	ev.flags &= ~(uint32_t)(EVENT_HAS_TCP_FLAGS | EVENT_HAS_WINDOW | EVENT_HAS_LEN |
				EVENT_HAS_TTL);
	ev.action = EVENT_ACTION_LOG;
	ev.outcome = EVENT_OUTCOME_OPEN;
	if (flag)
		ev.flags |= EVENT_HONEYPOT;
	return ev;
}

static struct event arp(const char *src, const char *dst, int64_t t_ms)
{
	struct event ev;
	event_clear(&ev);
	ev.src = A(src);
	ev.dst = A(dst);
	ev.flags = EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_TIME | EVENT_ARP;
	ev.proto = EVENT_PROTO_ARP;
	ev.icmp_type = 1;
	ev.time_ns = T0 * NS_PER_SEC + t_ms * 1000000LL;
	ev.line = ++next_line;
	return ev;
}

static struct detect_findings *run(const struct detect_config *cfg, const struct event *ev,
				   size_t n)
{
	struct detector *d = detect_new(cfg);
	for (size_t i = 0; i < n; i++)
		detect_add(d, &ev[i]);
	struct detect_findings *f = detect_findings(d);
	detect_free(d);
	return f;
}

/* The same through the event log (detect_use_log), as the pipeline runs. */
static struct detect_findings *run_log(const struct detect_config *cfg, const struct event *ev,
				       size_t n)
{
	struct detector *d = detect_new(cfg);
	detect_use_log(d);
	for (size_t i = 0; i < n; i++)
		detect_add(d, &ev[i]);
	struct detect_findings *f = detect_findings(d);
	detect_free(d);
	return f;
}

static const struct finding *find(const struct detect_findings *f, enum finding_type t)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->items[i].type == t)
			return &f->items[i];
	return NULL;
}

static void honeypot_contacts_fail(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	struct event ev[8];
	/* six honeypots answered: an ordinary log would call that success */
	for (int i = 0; i < 6; i++) {
		char dst[32];
		snprintf(dst, sizeof(dst), "192.0.2.%d", 10 + i);
		ev[i] = honey("198.51.100.9", dst, 22, i * 1000, 0);
	}
	struct detect_findings *f = run(&cfg, ev, 6);
	assert_null(find(f, FINDING_TRW));
	detect_findings_free(f);
	/* the same from honeypots: every first contact failed */
	for (int i = 0; i < 6; i++)
		ev[i].flags |= EVENT_HONEYPOT;
	f = run(&cfg, ev, 6);
	const struct finding *t = find(f, FINDING_TRW);
	assert_non_null(t);
	assert_int_equal(t->trw_attempts, 4); /* log(99) / log(4) = 3.3 */
	assert_non_null(strstr(detect_why(f, t), "4 failed, 0 succeeded"));
	detect_findings_free(f);
}

static void dark_addresses(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	struct event ev[16];
	/* five SYNs to five hosts, outcome unknown: TRW cannot decide */
	for (int i = 0; i < 5; i++) {
		char dst[32];
		snprintf(dst, sizeof(dst), "203.0.113.%d", 100 + i);
		ev[i] = syn("198.51.100.20", dst, 443, i * 1000);
	}
	struct detect_findings *f = run(&cfg, ev, 5);
	assert_int_equal(f->n, 0);
	detect_findings_free(f);
	char err[200];
	assert_int_equal(detect_config_add_dark(&cfg, "203.0.113.96/28", err, sizeof(err)), 0);
	f = run(&cfg, ev, 5);
	const struct finding *t = find(f, FINDING_TRW);
	assert_non_null(t);
	assert_int_equal(t->dark_hits, 5);
	assert_non_null(strstr(detect_why(f, t), "5 probes to dark addresses"));
	unsigned sev_dark = t->severity;
	detect_findings_free(f);
	/* a vertical scan: one more severity point when its host is dark */
	for (int i = 0; i < 7; i++)
		ev[i] = syn("198.51.100.21", "203.0.113.50", (uint16_t)(100 + i), i * 100);
	f = run(&cfg, ev, 7);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->items[0].dark_hits, 0);
	unsigned sev = f->items[0].severity;
	detect_findings_free(f);
	for (int i = 0; i < 7; i++)
		ev[i].dst = A("203.0.113.100");
	f = run(&cfg, ev, 7);
	assert_int_equal(f->items[0].type, FINDING_VERTICAL);
	assert_int_equal(f->items[0].dark_hits, 7);
	assert_int_equal(f->items[0].severity, sev + 1);
	detect_findings_free(f);
	assert_true(sev_dark >= 2);
	assert_int_equal(detect_config_add_dark(&cfg, "203.0.113.0/99", err, sizeof(err)), -1);
	detect_config_fini(&cfg);
}

static void followon_connection(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	struct event ev[16];
	for (int i = 0; i < 7; i++)
		ev[i] = syn("198.51.100.30", "192.0.2.1", (uint16_t)(20 + i), i * 100);
	struct detect_findings *f = run(&cfg, ev, 7);
	assert_int_equal(f->n, 1);
	assert_false(f->items[0].followon);
	unsigned sev = f->items[0].severity;
	detect_findings_free(f);
	/* ten minutes later the same source gets in on 8080 */
	ev[7] = syn("198.51.100.30", "192.0.2.1", 8080, 600000);
	ev[7].action = EVENT_ACTION_ACCEPT;
	ev[7].outcome = EVENT_OUTCOME_OPEN;
	f = run(&cfg, ev, 8);
	assert_int_equal(f->n, 1);
	assert_true(f->items[0].followon);
	assert_int_equal(f->items[0].severity, sev + 1);
	assert_non_null(strstr(detect_why(f, &f->items[0]), "then a connection from the same source succeeded"));
	detect_findings_free(f);
	/* a login at any time counts too */
	ev[7].outcome = EVENT_OUTCOME_AUTH_SUCCESS;
	ev[7].time_ns = ev[0].time_ns;
	f = run(&cfg, ev, 8);
	assert_true(f->items[0].followon);
	detect_findings_free(f);
}

/* visits of a small vertical scan (7 privileged ports) at the offsets (s) */
static size_t visits(struct event *ev, const char *src, const int64_t *at, size_t n)
{
	size_t k = 0;
	for (size_t v = 0; v < n; v++)
		for (int i = 0; i < 7; i++)
			ev[k++] = syn(src, "192.0.2.1", (uint16_t)(20 + i), at[v] * 1000 + i * 100);
	return k;
}

static void periodic_sources(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	struct event ev[64];
	/* every 6 h, give or take a few minutes: 4 returns */
	const int64_t sched[] = {0, 21600 + 120, 43200 - 300, 64800 + 60, 86400 + 240};
	size_t n = visits(ev, "198.51.100.40", sched, 5);
	struct detect_findings *f = run(&cfg, ev, n);
	assert_true(f->n >= 1);
	assert_true(f->items[0].period_s > 21000 && f->items[0].period_s < 22200);
	assert_int_equal(f->items[0].period_returns, 4);
	assert_non_null(strstr(detect_why(f, &f->items[0]), "periodic: returned 4 times, every 6 h"));
	detect_findings_free(f);
	/* three returns are not enough */
	f = run(&cfg, ev, 4 * 7);
	for (size_t i = 0; i < f->n; i++)
		assert_int_equal(f->items[i].period_s, 0);
	detect_findings_free(f);
	/* irregular returns: 1 h, 6 h, 2 h, 9 h */
	const int64_t irr[] = {0, 3600, 25200, 32400, 64800};
	n = visits(ev, "198.51.100.41", irr, 5);
	f = run(&cfg, ev, n);
	for (size_t i = 0; i < f->n; i++)
		assert_int_equal(f->items[i].period_s, 0);
	detect_findings_free(f);
	/* nine visits: seven slices kept, so "at least" six returns */
	struct event many[9 * 7];
	int64_t nine[9];
	for (int v = 0; v < 9; v++)
		nine[v] = (int64_t)v * 21600;
	n = visits(many, "198.51.100.43", nine, 9);
	f = run(&cfg, many, n);
	assert_true(f->n >= 1);
	assert_int_equal(f->items[0].period_s, 21600);
	assert_int_equal(f->items[0].period_returns, 6);
	assert_true(f->items[0].period_more);
	assert_non_null(strstr(detect_why(f, &f->items[0]), "periodic: returned at least 6 times, every 6 h"));
	detect_findings_free(f);
	/* the same events split between two detectors in turns (as threads
	 * take chunks) and reversed in each: the same visits */
	struct detector *d1 = detect_new(&cfg), *d2 = detect_new(&cfg);
	for (size_t i = n; i-- > 0;)
		detect_add((i / 4) % 2 ? d2 : d1, &many[i]);
	detect_merge(d1, d2);
	f = detect_findings(d1);
	detect_free(d1);
	detect_free(d2);
	assert_true(f->n >= 1);
	assert_int_equal(f->items[0].period_s, 21600);
	assert_int_equal(f->items[0].period_returns, 6);
	assert_true(f->items[0].period_more);
	detect_findings_free(f);
	/* a source with no finding is counted in the background */
	for (int v = 0; v < 6; v++)
		ev[v] = syn("198.51.100.42", "192.0.2.1", 22, (int64_t)v * 3600 * 1000);
	f = run(&cfg, ev, 6);
	assert_int_equal(f->n, 0);
	assert_int_equal(f->background_periodic, 1);
	detect_findings_free(f);
	/* --periodic 0: off */
	cfg.period_returns = 0;
	f = run(&cfg, ev, 6);
	assert_int_equal(f->background_periodic, 0);
	detect_findings_free(f);
}

static void arp_sweep(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	struct event ev[32];
	for (int i = 0; i < 20; i++) {
		char dst[32];
		snprintf(dst, sizeof(dst), "192.168.1.%d", i + 1);
		ev[i] = arp("192.168.1.77", dst, i * 10);
	}
	struct detect_findings *f = run(&cfg, ev, 20);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->items[0].type, FINDING_PING_SWEEP);
	assert_int_equal(f->items[0].technique, TECH_ARP);
	assert_int_equal(f->items[0].n_targets, 20);
	assert_non_null(strstr(detect_why(f, &f->items[0]), "ARP who-has for 20 addresses of 192.168.1.0/27 in "));
	detect_findings_free(f);
	/* nine: below the sweep threshold */
	f = run(&cfg, ev, 9);
	assert_int_equal(f->n, 0);
	detect_findings_free(f);
}

/* n sources, each k privileged ports of one target, starting step_ms
 * apart; neighbours in 198.51.100.0/24, or each in its own 10.x.0.0/16 */
static size_t split_scan(struct event *ev, int n, int k, int neighbours, int64_t step_ms)
{
	size_t m = 0;
	for (int s = 0; s < n; s++) {
		char src[48];
		if (neighbours)
			snprintf(src, sizeof(src), "198.51.100.%d", 11 + s);
		else
			snprintf(src, sizeof(src), "10.%d.0.1", 11 + s);
		for (int p = 0; p < k; p++)
			ev[m++] = syn(src, "192.0.2.1", (uint16_t)(100 + s * k + p), s * step_ms + p * 50);
	}
	return m;
}

static void distributed_scans(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	struct event ev[512];
	/* six neighbours, five privileged ports each (score 15 < 21 alone,
	 * 90 together) within a second */
	size_t n = split_scan(ev, 6, 5, 1, 100);
	struct detect_findings *f = run(&cfg, ev, n);
	assert_int_equal(f->n, 1);
	const struct finding *g = &f->items[0];
	assert_int_equal(g->type, FINDING_DISTRIBUTED);
	assert_int_equal(g->group_shape, FINDING_VERTICAL);
	assert_int_equal(g->n_members, 6);
	assert_int_equal(g->n_ports, 30);
	assert_int_equal(g->n_targets, 1);
	char a[ADDR_STRLEN];
	assert_string_equal(addr_format(&g->members[0], a), "198.51.100.11");
	assert_string_equal(addr_format(&g->members[5], a), "198.51.100.16");
	assert_non_null(strstr(g->group_evidence, "198.51.100.0/24"));
	assert_non_null(strstr(detect_why(f, g), "6 sources (198.51.100.11 .. 198.51.100.16)"));
	detect_findings_free(f);
	/* off */
	cfg.dist_sources = 0;
	f = run(&cfg, ev, n);
	assert_int_equal(f->n, 0);
	detect_findings_free(f);
	cfg.dist_sources = 3;
	/* unrelated networks, an operating system's SYN: nothing shared */
	n = split_scan(ev, 6, 5, 0, 100);
	f = run(&cfg, ev, n);
	assert_int_equal(f->n, 0);
	detect_findings_free(f);
	/* ...unless they share a raw tool's probe: nmap's window and MSS only */
	for (size_t i = 0; i < n; i++) {
		ev[i].window = 1024;
		ev[i].ip_len = 44;
		ev[i].flags |= EVENT_HAS_MSS;
	}
	f = run(&cfg, ev, n);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->items[0].type, FINDING_DISTRIBUTED);
	assert_non_null(strstr(f->items[0].group_evidence, "window 1024, TTL up to 64, flags S"));
	detect_findings_free(f);
	/* neighbours one after another, an hour apart: not together */
	n = split_scan(ev, 6, 5, 1, 3600 * 1000);
	f = run(&cfg, ev, n);
	assert_int_equal(f->n, 0);
	detect_findings_free(f);
	/* two neighbours are no group (at least 3) */
	n = split_scan(ev, 2, 10, 1, 100);
	f = run(&cfg, ev, n);
	for (size_t i = 0; i < f->n; i++)
		assert_int_not_equal(f->items[i].type, FINDING_DISTRIBUTED);
	detect_findings_free(f);
	/* one scanner with company: .11 scans 40 ports, its neighbours 3 each */
	n = 0;
	for (int p = 0; p < 40; p++)
		ev[n++] = syn("198.51.100.11", "192.0.2.1", (uint16_t)(1000 + p), p * 10);
	for (int s = 12; s < 16; s++)
		for (int p = 0; p < 3; p++) {
			char src[32];
			snprintf(src, sizeof(src), "198.51.100.%d", s);
			ev[n++] = syn(src, "192.0.2.1", (uint16_t)(2000 + s * 3 + p), p * 10);
		}
	f = run(&cfg, ev, n);
	for (size_t i = 0; i < f->n; i++)
		assert_int_not_equal(f->items[i].type, FINDING_DISTRIBUTED);
	detect_findings_free(f);
	/* background: a /24 of bots all on 22, 23, 445, a probe or two each */
	n = 0;
	for (int s = 0; s < 100; s++) {
		char src[32];
		snprintf(src, sizeof(src), "198.51.100.%d", s + 1);
		ev[n++] = syn(src, "192.0.2.1", s % 3 == 0 ? 22 : s % 3 == 1 ? 23 : 445, s * 500);
		if (s % 4 == 0)
			ev[n++] = syn(src, "192.0.2.1", 2323, s * 500 + 10);
	}
	f = run(&cfg, ev, n);
	assert_int_equal(f->n, 0);
	detect_findings_free(f);
}

/* clscan explain's choice: a source's own findings and the groups it is
 * a member of, whichever member is the group's source. */
static size_t kept(const struct detect_config *cfg, const struct event *ev, size_t n,
		   const char *net, uint64_t *members_in, size_t *n_inside)
{
	struct ip_prefix p;
	assert_int_equal(prefix_parse(net, strlen(net), &p), 0);
	struct detect_findings *f = run(cfg, ev, n);
	size_t k = detect_findings_keep_net(f, &p);
	assert_int_equal(f->n, k);
	*members_in = 0;
	for (size_t i = 0; i < f->n; i++)
		*members_in += detect_members_in(&f->items[i], &p);
	*n_inside = f->n_inside;
	detect_findings_free(f);
	return k;
}

/* Members that repeat each other: each (target, port) once, at its earliest
 * contact, whichever member made it; the repeats in the events. The
 * finding starts at its earliest contact, a tie in time going to the lower
 * port. */
static void distributed_repeats(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	struct event ev[600];
	/* six neighbours, five privileged ports each, all starting at 1 s:
	 * .11 on 125-129, .12 on 120-124, ..., .16 on 100-104 */
	size_t n = 0;
	for (int s = 0; s < 6; s++) {
		char src[32];
		snprintf(src, sizeof(src), "198.51.100.%d", 11 + s);
		for (int p = 0; p < 5; p++)
			ev[n++] = syn(src, "192.0.2.1", (uint16_t)(125 - s * 5 + p), 1000 + p * 50);
	}
	struct detect_findings *f = run(&cfg, ev, n);
	assert_int_equal(f->n, 1);
	const struct finding *g = &f->items[0];
	assert_int_equal(g->type, FINDING_DISTRIBUTED);
	assert_int_equal(g->probes, 30);
	assert_int_equal(g->events, 30);
	assert_int_equal(g->start_ns, (T0 + 1) * NS_PER_SEC);
	assert_int_equal(g->first_line, ev[25].line); /* .16's port 100, not .11's 125 */
	detect_findings_free(f);
	/* the same among 500 others, a probe each, in the tables and in the
	 * event log (whose walk for the members' contacts skips the others
	 * by their hashes) */
	size_t nb = n;
	for (int b = 0; b < 500; b++) {
		char src[32];
		snprintf(src, sizeof(src), "10.%d.%d.1", 1 + b / 200, b % 200);
		ev[nb++] = syn(src, "192.0.2.9", 22, 2000 + b);
	}
	for (int log = 0; log < 2; log++) {
		f = log ? run_log(&cfg, ev, nb) : run(&cfg, ev, nb);
		assert_int_equal(f->n, 1);
		g = &f->items[0];
		assert_int_equal(g->type, FINDING_DISTRIBUTED);
		assert_int_equal(g->n_members, 6);
		assert_int_equal(g->probes, 30);
		assert_int_equal(g->first_line, ev[25].line);
		detect_findings_free(f);
	}
	/* .13 probes .11's port 126 before anyone (0.9 s), .15 probes .16's
	 * port 101 after it (1.5 s), .11 port 127 again */
	ev[n++] = syn("198.51.100.13", "192.0.2.1", 126, 900);
	ev[n++] = syn("198.51.100.15", "192.0.2.1", 101, 1500);
	ev[n++] = syn("198.51.100.11", "192.0.2.1", 127, 1600);
	f = run(&cfg, ev, n);
	assert_int_equal(f->n, 1);
	g = &f->items[0];
	assert_int_equal(g->type, FINDING_DISTRIBUTED);
	assert_int_equal(g->n_members, 6);
	assert_int_equal(g->n_ports, 30);
	assert_int_equal(g->probes, 30);
	assert_int_equal(g->events, 33);
	assert_int_equal(g->start_ns, T0 * NS_PER_SEC + 900000000LL);
	assert_int_equal(g->first_line, ev[30].line);
	assert_int_equal(g->end_ns, T0 * NS_PER_SEC + 1200000000LL);
	detect_findings_free(f);
	/* a sweep of 445 in four slices of six hosts, each member with two
	 * hosts on 80 too: only 445's run reaches 20 hosts */
	n = 0;
	for (int s = 0; s < 4; s++) {
		char src[32], dst[32];
		snprintf(src, sizeof(src), "198.51.100.%d", 11 + s);
		for (int h = 0; h < 8; h++) {
			snprintf(dst, sizeof(dst), "192.0.2.%d", 1 + s * 8 + h);
			ev[n++] = syn(src, dst, h < 6 ? 445 : 80, 1000 + s * 20 + h * 100);
		}
	}
	f = run(&cfg, ev, n);
	assert_int_equal(f->n, 1);
	g = &f->items[0];
	assert_int_equal(g->type, FINDING_DISTRIBUTED);
	assert_int_equal(g->group_shape, FINDING_HORIZONTAL);
	assert_int_equal(g->n_members, 4);
	assert_int_equal(g->n_ports, 1);
	assert_int_equal(g->ports[0], 445);
	assert_int_equal(g->n_targets, 24);
	assert_int_equal(g->probes, 24);
	detect_findings_free(f);
}

static void keep_net(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	char err[128];
	assert_int_equal(detect_config_add_home(&cfg, "203.0.113.0/24", err, sizeof(err)), 0);
	struct event ev[512];
	/* the six neighbours of distributed_scans, and a scanner of its own */
	size_t n = split_scan(ev, 6, 5, 1, 100);
	for (int p = 0; p < 30; p++)
		ev[n++] = syn("203.0.113.9", "192.0.2.1", (uint16_t)(1 + p), p * 10);
	uint64_t in;
	size_t inside;
	/* the whole input: both */
	assert_int_equal(kept(&cfg, ev, n, "0.0.0.0/0", &in, &inside), 2);
	assert_int_equal(in, 6);
	assert_int_equal(inside, 1);
	/* a member that is not the group's source */
	assert_int_equal(kept(&cfg, ev, n, "198.51.100.13", &in, &inside), 1);
	assert_int_equal(in, 1);
	assert_int_equal(inside, 0);
	/* a network holding five of the six */
	assert_int_equal(kept(&cfg, ev, n, "198.51.100.8/29", &in, &inside), 1);
	assert_int_equal(in, 5);
	/* the other scanner: its finding, no group */
	assert_int_equal(kept(&cfg, ev, n, "203.0.113.9", &in, &inside), 1);
	assert_int_equal(in, 0);
	assert_int_equal(inside, 1);
	/* the target, a neighbour that took no part: nothing */
	assert_int_equal(kept(&cfg, ev, n, "192.0.2.1", &in, &inside), 0);
	assert_int_equal(kept(&cfg, ev, n, "198.51.100.20", &in, &inside), 0);
	detect_config_fini(&cfg);
}

static void options(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	assert_int_equal(cfg.dist_sources, 3);
	assert_int_equal(cfg.period_returns, 4);
	assert_int_equal(cfg.period_tolerance, 10);
	char err[300];
	int disabled = 0;
	size_t o_dark = SIZE_MAX, o_dist = SIZE_MAX, o_per = SIZE_MAX;
	for (size_t i = 0; i < detect_n_options; i++) {
		if (strcmp(detect_options[i].name, "dark") == 0)
			o_dark = i;
		else if (strcmp(detect_options[i].name, "distributed-sources") == 0)
			o_dist = i;
		else if (strcmp(detect_options[i].name, "periodic") == 0)
			o_per = i;
	}
	assert_true(o_dark != SIZE_MAX && o_dist != SIZE_MAX && o_per != SIZE_MAX);
	assert_int_equal(detect_option_apply(&cfg, o_dark, "10.9.0.0/16, 2001:db8:dead::/48", &disabled,
					     err, sizeof(err)), 0);
	assert_int_equal(cfg.n_dark, 2);
	assert_int_equal(detect_option_apply(&cfg, o_dark, "nonsense", &disabled, err, sizeof(err)), -1);
	assert_int_equal(detect_option_apply(&cfg, o_dist, "5", &disabled, err, sizeof(err)), 0);
	assert_int_equal(cfg.dist_sources, 5);
	assert_int_equal(detect_option_apply(&cfg, o_dist, "0", &disabled, err, sizeof(err)), 0);
	assert_int_equal(cfg.dist_sources, 0);
	assert_int_equal(detect_option_apply(&cfg, o_dist, "1", &disabled, err, sizeof(err)), -1);
	assert_int_equal(detect_option_apply(&cfg, o_per, "6,20", &disabled, err, sizeof(err)), 0);
	assert_int_equal(cfg.period_returns, 6);
	assert_int_equal(cfg.period_tolerance, 20);
	assert_int_equal(detect_option_apply(&cfg, o_per, "5", &disabled, err, sizeof(err)), 0);
	assert_int_equal(cfg.period_returns, 5);
	assert_int_equal(cfg.period_tolerance, 20);
	assert_int_equal(detect_option_apply(&cfg, o_per, "5,60", &disabled, err, sizeof(err)), -1);
	assert_int_equal(detect_option_apply(&cfg, o_per, "x", &disabled, err, sizeof(err)), -1);
	/* 7 kept windows hold 6 returns at most: more could never be seen */
	assert_int_equal(detect_option_apply(&cfg, o_per, "7", &disabled, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "0..6"));
	assert_false(disabled);
	detect_config_fini(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(honeypot_contacts_fail),
		cmocka_unit_test(dark_addresses),
		cmocka_unit_test(followon_connection),
		cmocka_unit_test(periodic_sources),
		cmocka_unit_test(arp_sweep),
		cmocka_unit_test(distributed_scans),
		cmocka_unit_test(distributed_repeats),
		cmocka_unit_test(keep_net),
		cmocka_unit_test(options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
