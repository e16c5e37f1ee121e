/* The event log (detect_use_log) against the tables: the same events give
 * every source the same counters and contacts either way, with IPv4 and
 * IPv6 addresses, events out of time order, replies, origins too wide to
 * pack, two sources with one hash, a log past 2 MiB, and under each cap
 * (where the log must hand over to the tables). */
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
#include "core/util.h"
#include "detect/detect.h"
#include "detect/detect_internal.h"

#define T0 1700000000LL

static struct ip_addr addr_of(const char *s)
{
	struct ip_addr a;
	if (addr_parse(s, strlen(s), &a) != 0)
		fail_msg("bad test address %s", s);
	return a;
}

/* Source i: IPv4, or IPv6 for every fifth. */
static struct ip_addr src_of(uint32_t i)
{
	char s[64];
	if (i % 5 == 4)
		snprintf(s, sizeof(s), "2001:db8:%x:%x::7", i >> 16, i & 0xffff);
	else
		snprintf(s, sizeof(s), "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
	return addr_of(s);
}

/* A pseudo-random stream, the same on every run. */
static uint32_t next(uint64_t *x)
{
	*x = *x * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*x >> 33);
}

/* A dropped TCP SYN from src to dst's port at time_ns, line `line`. */
static struct event syn_event(const struct ip_addr *src, const struct ip_addr *dst,
			      uint16_t dport, int64_t time_ns, uint64_t line)
{
	struct event ev;
	event_clear(&ev);
	ev.src = *src;
	ev.dst = *dst;
	ev.flags = EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_PORTS | EVENT_HAS_TIME |
		   EVENT_HAS_TCP_FLAGS;
	ev.proto = IPPROTO_NUM_TCP;
	ev.sport = 40000;
	ev.dport = dport;
	ev.tcp_flags = TCP_FLAG_SYN;
	ev.time_ns = time_ns;
	ev.action = EVENT_ACTION_DROP;
	ev.in_if.ptr = "eth0";
	ev.in_if.len = 4;
	ev.count = 1;
	ev.unit = 0;
	ev.line = line;
	return ev;
}

/* Event k: source src, a TCP SYN (now and then a SYN-ACK reply, a UDP
 * probe or an IPv6 target) to a port and target drawn from r, at a time
 * that mostly rises. */
static struct event make_event(const struct ip_addr *src, uint64_t *r, uint64_t line, int shuffle)
{
	uint32_t x = next(r);
	char d[64];
	if (x % 11 == 0)
		snprintf(d, sizeof(d), "2001:db8:ffff::%u", x % 7);
	else
		snprintf(d, sizeof(d), "192.0.2.%u", x % 13);
	struct ip_addr dst = addr_of(d);
	struct event ev = syn_event(src, &dst, (uint16_t)(20 + (x >> 8) % 40), 0, line);
	ev.flags |= EVENT_HAS_TTL | EVENT_HAS_WINDOW;
	ev.proto = x % 7 == 0 ? IPPROTO_NUM_UDP : IPPROTO_NUM_TCP;
	ev.sport = (uint16_t)(40000 + x % 100);
	ev.tcp_flags = x % 9 == 0 ? TCP_FLAG_SYN | TCP_FLAG_ACK : TCP_FLAG_SYN;
	if (x % 9 == 0) { /* a reply: from a service port */
		ev.sport = 443;
		ev.dport = 50000;
	}
	ev.ttl = x % 3 == 0 ? 250 : 60;
	ev.window = x % 4 == 0 ? 1024 : 64240;
	int64_t t = T0 + (int64_t)line * 3;
	if (shuffle)
		t -= (int64_t)(next(r) % 5000);
	ev.time_ns = t * NS_PER_SEC + (int64_t)(x % 1000) * 1000000;
	if (shuffle && x % 50 == 0) { /* out of order: now and then no time at all */
		ev.flags &= ~(uint32_t)EVENT_HAS_TIME;
		ev.time_ns = 0;
	}
	ev.outcome = x % 17 == 0 ? EVENT_OUTCOME_CLOSED : EVENT_OUTCOME_UNKNOWN;
	ev.count = 1 + (x % 23 == 0);
	return ev;
}

/* What a walk passes on for one source, its order aside (the log numbers
 * sources by their first event, the tables by their index: the same
 * order, not the same numbers). */
struct seen {
	uint64_t order;
	struct ip_addr addr;
	uint64_t events, probes;
	uint32_t fp[FP_BITS];
	uint32_t n, sig, sig_same, sig_all;
	unsigned n_cell, cells_more;
	uint32_t cell[DETECT_CELLS];
	uint8_t truncated;
	struct contact *c;
};

struct seen_list {
	struct seen *s;
	size_t n, cap;
};

static void collect(void *arg, const struct src_view *v)
{
	struct seen_list *l = arg;
	l->s = xgrow(l->s, &l->cap, l->n + 1, sizeof(*l->s));
	struct seen *s = &l->s[l->n++];
	memset(s, 0, sizeof(*s));
	s->order = v->order;
	s->addr = v->addr;
	s->events = v->events;
	s->probes = v->probes;
	memcpy(s->fp, v->fp, sizeof(s->fp));
	s->n = v->n;
	s->sig = v->sig;
	s->sig_same = v->sig_same;
	s->sig_all = v->sig_all;
	s->n_cell = v->n_cell;
	s->cells_more = v->cells_more;
	memcpy(s->cell, v->cell, sizeof(s->cell));
	s->truncated = v->truncated;
	s->c = xmalloc((v->n ? v->n : 1) * sizeof(*s->c));
	memcpy(s->c, v->c, v->n * sizeof(*s->c));
}

static int by_order(const void *pa, const void *pb)
{
	const struct seen *a = pa, *b = pb;
	return a->order < b->order ? -1 : a->order > b->order;
}

static void walk(struct detector *d, struct seen_list *l)
{
	memset(l, 0, sizeof(*l));
	detect_each_source(d, collect, l);
	qsort(l->s, l->n, sizeof(*l->s), by_order);
}

static void contacts_equal(const struct contact *a, const struct contact *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		assert_memory_equal(a[i].dst.b, b[i].dst.b, 16);
		assert_true(a[i].first_ns == b[i].first_ns);
		assert_int_equal(a[i].unit, b[i].unit);
		assert_true(a[i].line == b[i].line);
		assert_int_equal(a[i].count, b[i].count);
		assert_int_equal(a[i].fails, b[i].fails);
		assert_int_equal(a[i].last_ms, b[i].last_ms);
		assert_int_equal(a[i].port, b[i].port);
		assert_int_equal(a[i].proto, b[i].proto);
		assert_int_equal(a[i].outcome, b[i].outcome);
		assert_int_equal(a[i].outcomes, b[i].outcomes);
		assert_int_equal(a[i].fclass, b[i].fclass);
		assert_int_equal(a[i].fp, b[i].fp);
		assert_int_equal(a[i].succ, b[i].succ);
		assert_int_equal(a[i].honey, b[i].honey);
	}
}

/* The same events into detectors with the tables and with logs, split
 * between k of each (in blocks, as threads take units) and merged; every
 * source must come out the same. Returns whether the logs were still in
 * use when the walk began (else they had handed over to the tables). */
static int skew; /* two detectors: the second takes three blocks in four */
/* if not 0: each log detector is finished (detect_finish) and walked after
 * this many events, takes the rest, and is finished again */
static size_t finish_at;
/* if not 0: detect_use_log is called on each log detector again before
 * this event (it must change nothing) */
static size_t use_again_at;

static int compare_split(const struct detect_config *cfg, const struct event *evs, size_t n,
			 unsigned k)
{
	struct detector *tabs[8], *logs[8];
	assert_true(k >= 1 && k <= 8);
	for (unsigned j = 0; j < k; j++) {
		tabs[j] = detect_new(cfg);
		logs[j] = detect_new(cfg);
		detect_use_log(logs[j]);
	}
	for (size_t i = 0; i < n; i++) {
		if (finish_at && i == finish_at)
			for (unsigned j = 0; j < k; j++) {
				struct seen_list early;
				detect_finish(logs[j]);
				walk(logs[j], &early); /* sorted, walked: then more events */
				for (size_t q = 0; q < early.n; q++)
					free(early.s[q].c);
				free(early.s);
			}
		if (use_again_at && i == use_again_at)
			for (unsigned j = 0; j < k; j++)
				detect_use_log(logs[j]);
		/* blocks of 97 in turn (skew: uneven) */
		unsigned j = skew && k == 2 ? (i / 97 % 4 != 0) : (unsigned)(i / 97 % k);
		detect_add(tabs[j], &evs[i]);
		detect_add(logs[j], &evs[i]);
	}
	for (unsigned j = 0; finish_at && j < k; j++)
		detect_finish(logs[j]);
	for (unsigned j = 1; j < k; j++) {
		detect_merge(tabs[0], tabs[j]);
		detect_free(tabs[j]);
		detect_merge(logs[0], logs[j]);
		detect_free(logs[j]);
	}
	struct detector *tab = tabs[0], *log = logs[0];
	detect_flush(log);
	int logged = log->log_on;
	struct seen_list a, b;
	walk(tab, &a);
	walk(log, &b);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		const struct seen *x = &a.s[i], *y = &b.s[i];
		assert_memory_equal(x->addr.b, y->addr.b, 16);
		assert_true(x->events == y->events);
		assert_true(x->probes == y->probes);
		assert_memory_equal(x->fp, y->fp, sizeof(x->fp));
		assert_int_equal(x->sig, y->sig);
		assert_int_equal(x->sig_same, y->sig_same);
		assert_int_equal(x->sig_all, y->sig_all);
		assert_int_equal(x->n_cell, y->n_cell);
		assert_int_equal(x->cells_more, y->cells_more);
		assert_memory_equal(x->cell, y->cell, sizeof(x->cell));
		assert_int_equal(x->truncated, y->truncated);
		assert_int_equal(x->n, y->n);
		contacts_equal(x->c, y->c, x->n);
	}
	for (size_t i = 0; i < a.n; i++)
		free(a.s[i].c);
	for (size_t i = 0; i < b.n; i++)
		free(b.s[i].c);
	free(a.s);
	free(b.s);
	detect_free(tab);
	detect_free(log);
	return logged;
}

static int compare(const struct detect_config *cfg, const struct event *evs, size_t n)
{
	return compare_split(cfg, evs, n, 1);
}

/* n events from sources sources, in runs of one source now and then. */
static struct event *stream(uint32_t sources, size_t n, int shuffle, uint64_t seed)
{
	struct event *evs = xmalloc(n * sizeof(*evs));
	uint64_t r = seed;
	uint32_t cur = 0;
	for (size_t i = 0; i < n; i++) {
		if (next(&r) % 4)
			cur = next(&r) % sources;
		struct ip_addr s = src_of(cur);
		evs[i] = make_event(&s, &r, i + 1, shuffle);
	}
	return evs;
}

/* compare_split on a stream(sources, n, shuffle, seed) over k detectors. */
static int compare_stream(const struct detect_config *cfg, uint32_t sources, size_t n,
			  int shuffle, uint64_t seed, unsigned k)
{
	struct event *evs = stream(sources, n, shuffle, seed);
	int logged = compare_split(cfg, evs, n, k);
	free(evs);
	return logged;
}

static void same_as_tables(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	for (int shuffle = 0; shuffle < 2; shuffle++) /* no cap near: the log walked */
		assert_true(compare_stream(&cfg, 2000, 60000, shuffle, 7 + (uint64_t)shuffle, 1));
}

/* Split between detectors as between threads, merged: the logs' union is
 * the tables' (each detector's caps its own), in and out of time order. */
static void split(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	for (int shuffle = 0; shuffle < 2; shuffle++)
		for (unsigned k = 2; k <= 5; k += 3)
			assert_true(compare_stream(&cfg, 1500, 40000, shuffle, 41 + k, k));
	cfg.max_contacts = 20; /* per detector, and for the union */
	assert_true(compare_stream(&cfg, 30, 20000, 0, 43, 3));
	compare_stream(&cfg, 30, 20000, 1, 47, 3); /* out of order: replayed */
	detect_config_defaults(&cfg);
	cfg.max_contacts_total = 3000; /* both logs fill */
	assert_false(compare_stream(&cfg, 300, 12000, 1, 53, 2));
	cfg.max_contacts_total = 6000; /* one fills; the other replays at the merge */
	skew = 1;
	assert_false(compare_stream(&cfg, 300, 12000, 1, 59, 2));
	skew = 0;
}

/* Workers sort their logs as they finish (detect_finish); and events that
 * come after a log was sorted and walked are still taken, in order. */
static void finished_early(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	for (int shuffle = 0; shuffle < 2; shuffle++)
		for (unsigned k = 1; k <= 3; k += 2) {
			finish_at = 12345;
			assert_true(compare_stream(&cfg, 1000, 30000, shuffle, 61 + k, k));
			finish_at = 0;
		}
	/* in time order when first sorted, not after: the late events must
	 * make the logs hand over (a source past max_contacts out of order) */
	cfg.max_contacts = 20;
	struct event *evs = stream(30, 20000, 0, 67);
	for (size_t i = 12345; i < 20000; i++)
		evs[i].time_ns -= 40000 * NS_PER_SEC;
	finish_at = 12345;
	assert_false(compare_split(&cfg, evs, 20000, 1));
	finish_at = 0;
	free(evs);
}

/* A union with known answers (tables and logs share the code that forms
 * it, so comparing them cannot tell whether it is right). Source X sends
 * ports 1-3 to one detector, then ports 1-25 to another, which keeps the
 * earliest 20 (max_contacts): the union is ports 1-20, cut short by the
 * second detector's cap, counted over both. Source Y sends ports 101-103
 * to the first detector a quarter of an hour after ports 104-110 to the
 * second: the union is in time order, over two time slices. */
static void union_answers(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	cfg.max_contacts = 20;
	struct ip_addr x = src_of(1), y = src_of(2);
	uint64_t r = 71;
	struct event evs[38];
	for (size_t i = 0; i < 38; i++) {
		evs[i] = make_event(i < 28 ? &x : &y, &r, i + 1, 0);
		evs[i].dst = addr_of("192.0.2.1");
		evs[i].proto = IPPROTO_NUM_TCP;
		evs[i].tcp_flags = TCP_FLAG_SYN;
		evs[i].sport = 40000;
		evs[i].dport = (uint16_t)(i < 3 ? i + 1 : i - 2);
		evs[i].count = 1;
		evs[i].window = 1024;
		evs[i].ttl = 60;
		if (i >= 28) { /* Y: 101-103 late to the first, 104-110 early to the second */
			evs[i].dport = (uint16_t)(101 + (i - 28));
			evs[i].time_ns = (T0 + (i < 31 ? 1000 + (int64_t)i : (int64_t)i - 28)) * NS_PER_SEC;
		}
	}
	for (int log = 0; log < 2; log++) {
		struct detector *a = detect_new(&cfg), *b = detect_new(&cfg);
		if (log) {
			detect_use_log(a);
			detect_use_log(b);
		}
		for (size_t i = 0; i < 38; i++)
			detect_add(i < 3 || (i >= 28 && i < 31) ? a : b, &evs[i]);
		detect_merge(a, b);
		detect_free(b);
		struct seen_list l;
		walk(a, &l);
		assert_int_equal(l.n, 2);
		const struct seen *v = addr_eq(&l.s[0].addr, &x) ? &l.s[0] : &l.s[1];
		const struct seen *vy = v == &l.s[0] ? &l.s[1] : &l.s[0];
		assert_true(v->events == 28);
		assert_true(v->probes == 28);
		assert_int_equal(v->n, 20);
		assert_int_equal(v->truncated, 1); /* the second detector's cap */
		assert_int_equal(v->sig_all, 28);
		assert_int_equal(v->sig_same, 28);
		for (uint32_t i = 0; i < v->n; i++) {
			assert_int_equal(v->c[i].port, i + 1);
			assert_int_equal(v->c[i].count, i < 3 ? 2 : 1); /* ports 1-3 from both */
		}
		assert_int_equal(vy->n, 10);
		for (uint32_t i = 0; i < vy->n; i++)
			assert_int_equal(vy->c[i].port, i < 7 ? 104 + i : 101 + (i - 7));
		assert_int_equal(vy->n_cell, 2);
		assert_int_equal(vy->truncated, 0);
		for (size_t i = 0; i < l.n; i++)
			free(l.s[i].c);
		free(l.s);
		detect_free(a);
	}
}

/* Origins that do not pack (a huge line number, a large unit). */
static void wide_origins(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	struct event *evs = stream(50, 3000, 0, 11);
	for (size_t i = 0; i < 3000; i += 7)
		evs[i].line += 1ull << 41;
	for (size_t i = 3; i < 3000; i += 11)
		evs[i].unit = 1u << 25;
	assert_true(compare(&cfg, evs, 3000));
	free(evs);
	/* at the record's limits: a unit of 16 bits and a line of 32 fit,
	 * one more goes to the side table */
	static const uint32_t units[] = {65535, 65536, 1u << 20};
	/* lines at and below 2^32 - 1, at and past 2^32 */
	static const uint64_t lines[] = {UINT32_MAX, 1ull << 32, 1ull << 35};
	evs = stream(50, 3000, 0, 13);
	for (size_t i = 0; i < 3000; i++) {
		if (i % 5 == 1)
			evs[i].unit = units[i / 5 % 3];
		if (i % 7 == 2)
			evs[i].line = i / 7 % 3 ? lines[i / 7 % 3] + i / 21 : lines[0] - i / 21;
	}
	assert_true(compare(&cfg, evs, 3000));
	free(evs);
}

/* Past max_contacts: in time order the log keeps what the tables keep;
 * out of order it hands over to them. The second pass calls
 * detect_use_log again before the last event (which alone is in order):
 * that must change nothing, in particular not forget that contacts came
 * out of order before it. */
static void contact_cap(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	cfg.max_contacts = 20;
	for (int again = 0; again < 2; again++) {
		use_again_at = again ? 19999 : 0;
		assert_true(compare_stream(&cfg, 30, 20000, 0, 13, 1));
		/* out of order: replayed before the walk */
		assert_false(compare_stream(&cfg, 30, 20000, 1, 17, 1));
	}
	use_again_at = 0;
}

/* Near max_sources the tables would evict: the log hands over. */
static void source_cap(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	cfg.max_sources = 500;
	assert_false(compare_stream(&cfg, 3000, 30000, 1, 19, 1)); /* replayed before the walk */
}

/* A full log (max_contacts_total events) is replayed and the tables take
 * the rest. */
static void log_full(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	cfg.max_contacts_total = 5000;
	assert_false(compare_stream(&cfg, 400, 12000, 1, 23, 1));
}

static struct ip_addr want_addr;

static int want_b(void *arg, const struct ip_addr *a)
{
	(void)arg;
	return addr_eq(a, &want_addr);
}

/* Two sources with one src_hash (found under a fixed key): the log tells
 * them apart by address, in a walk of all and in one for a few. */
static void hash_collision(void **state)
{
	(void)state;
	hash_set_key(3, 4);
	uint32_t n = 1u << 18, *seen = xcalloc((size_t)n * 4, sizeof(*seen)), a = 0, b = 0;
	size_t mask = (size_t)n * 4 - 1;
	for (uint32_t i = 1; i < n && !b; i++) {
		if (i % 5 == 4)
			continue; /* IPv4 sources only: told apart by the four bytes */
		struct ip_addr s = src_of(i);
		uint32_t h = (uint32_t)hash_16(s.b);
		for (size_t pos = h & mask;; pos = (pos + 1) & mask) {
			if (!seen[pos]) {
				seen[pos] = i;
				break;
			}
			struct ip_addr t = src_of(seen[pos]);
			if ((uint32_t)hash_16(t.b) == h) {
				a = seen[pos];
				b = i;
				break;
			}
		}
	}
	free(seen);
	assert_true(b != 0);
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	uint64_t r = 29;
	struct event evs[400];
	struct ip_addr sa = src_of(a), sb = src_of(b);
	want_addr = sb;
	for (size_t i = 0; i < 400; i++)
		evs[i] = make_event(next(&r) % 2 ? &sa : &sb, &r, i + 1, 0);
	assert_true(compare(&cfg, evs, 400));
	assert_true(compare_split(&cfg, evs, 400, 2)); /* and across detectors */
	/* a walk for one of the two, before a walk of all and after it */
	uint64_t want_events = 0;
	for (size_t i = 0; i < 400; i++)
		if (addr_eq(&evs[i].src, &sb))
			want_events += evs[i].count;
	struct detector *d = detect_new(&cfg);
	detect_use_log(d);
	for (size_t i = 0; i < 400; i++)
		detect_add(d, &evs[i]);
	for (int round = 0; round < 2; round++) {
		struct seen_list l;
		memset(&l, 0, sizeof(l));
		detect_each_source_if(d, want_b, collect, &l);
		assert_int_equal(l.n, 1);
		assert_memory_equal(l.s[0].addr.b, sb.b, 16);
		assert_true(l.s[0].events == want_events);
		free(l.s[0].c);
		free(l.s);
		if (round == 0) { /* a walk of all, which notes the shared run */
			memset(&l, 0, sizeof(l));
			detect_each_source(d, collect, &l);
			assert_int_equal(l.n, 2);
			for (size_t i = 0; i < l.n; i++)
				free(l.s[i].c);
			free(l.s);
		}
	}
	assert_true(d->log_on);
	detect_free(d);
	/* b's events come after a walk of all saw only a's: by a later
	 * event, and by a merge (whose chain is longer than the walk's) */
	for (int merge = 0; merge < 2; merge++) {
		d = detect_new(&cfg);
		detect_use_log(d);
		struct detector *e = detect_new(&cfg);
		detect_use_log(e);
		for (size_t i = 0; i < 400; i++)
			if (addr_eq(&evs[i].src, &sa))
				detect_add(d, &evs[i]);
		struct seen_list l;
		walk(d, &l);
		assert_int_equal(l.n, 1);
		free(l.s[0].c);
		free(l.s);
		for (size_t i = 0; i < 400; i++)
			if (addr_eq(&evs[i].src, &sb))
				detect_add(merge ? e : d, &evs[i]);
		if (merge)
			detect_merge(d, e);
		detect_free(e);
		memset(&l, 0, sizeof(l));
		detect_each_source_if(d, want_b, collect, &l);
		assert_int_equal(l.n, 1);
		assert_true(l.s[0].events == want_events);
		free(l.s[0].c);
		free(l.s);
		for (unsigned part = 0; part <= (unsigned)merge; part++) { /* one list each */
			memset(&l, 0, sizeof(l));
			detect_each_source_part(d, part, (unsigned)merge + 1, NULL, collect, &l);
			for (size_t i = 0; i < l.n; i++)
				free(l.s[i].c);
			free(l.s);
		}
		detect_free(d);
	}
	hash_init();
}

/* detect_sources and detect_memory answer for a log too. */
static void counts(void **state)
{
	(void)state;
	struct detector *d = detect_new(NULL);
	detect_use_log(d);
	struct event *evs = stream(100, 2000, 0, 31);
	for (size_t i = 0; i < 2000; i++)
		detect_add(d, &evs[i]);
	assert_true(detect_memory(d) >= 2000 * sizeof(struct logrec));
	assert_int_equal(detect_sources(d), 100); /* replays: the tables count */
	assert_false(d->log_on);
	free(evs);
	detect_free(d);
}

/* The log's room never passes what its regions hold and have populated
 * (log_set_cap), whether they are on the heap or mapped. */
static void assert_log_room(const struct detector *d)
{
	assert_true(d->log_n <= d->log_cap);
	assert_true(d->log_cap <= d->log_ready);
	assert_true(d->log_cap * sizeof(struct logrec) <= d->log_r.bytes);
	assert_true(d->log_cap * sizeof(uint64_t) <= d->logk_r.bytes);
}

/* A log past 2 MiB: its records (at 65,536 events) and its keys (at
 * 262,144) move from the heap to mappings populated a batch at a time;
 * sorted once before each move and appended to after, it still gives
 * what the tables give. */
static void big_log(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	enum { N = 300000 };
	struct event *evs = stream(20000, N, 1, 83);
	finish_at = 40000;
	assert_true(compare_split(&cfg, evs, N, 1));
	finish_at = 140000;
	assert_true(compare_split(&cfg, evs, N, 1));
	finish_at = 270000;
	assert_true(compare_split(&cfg, evs, N, 2));
	finish_at = 0;
	struct detector *d = detect_new(&cfg);
	detect_use_log(d);
	for (size_t i = 0; i < N; i++) {
		detect_add(d, &evs[i]);
		if (i % 4099 == 0 || i == 140000 || i == 270000) {
			if (i == 140000 || i == 270000)
				detect_finish(d); /* sorted: the keys may be the scratch now */
			assert_log_room(d);
		}
	}
	assert_true(d->log_on);
	assert_int_equal(d->log_n, N);
	assert_false(d->log_r.heap); /* mapped */
	assert_false(d->logk_r.heap);
	assert_log_room(d);
	free(evs);
	detect_free(d);
}

/* Five sources of one /24, each probing its own 13,000 ports on five
 * targets within a minute and a half: one distributed scan of 325,000
 * contacts, past the 262,144 the groups' pass copies. The shares go by
 * address (distributed.c, want_shares): the four lowest get all theirs,
 * the highest the 2,144 left, its earliest (ports 52,001-52,429 on every
 * target). Before, the shares followed the walk's keyed hash, whose key is
 * drawn per run, and any one of the five could be the one cut short. */
static void distributed_cap_by_address(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	cfg.max_contacts = 70000;
	struct detector *d = detect_new(&cfg);
	detect_use_log(d);
	enum { SOURCES = 5, PORTS = 13000, TARGETS = 5 };
	struct ip_addr dst[TARGETS];
	for (unsigned t = 0; t < TARGETS; t++) {
		char a[32];
		snprintf(a, sizeof(a), "192.0.2.%u", 10 + t);
		dst[t] = addr_of(a);
	}
	uint64_t line = 0;
	for (unsigned k = 0; k < SOURCES; k++) {
		char s[32];
		snprintf(s, sizeof(s), "10.9.9.%u", 5 - k); /* (the highest first in time) */
		struct ip_addr src = addr_of(s);
		unsigned sk = 5 - k - 1;           /* its ports by address: .1 the lowest */
		for (unsigned p = 0; p < PORTS; p++)
			for (unsigned t = 0; t < TARGETS; t++) {
				line++;
				struct event ev =
					syn_event(&src, &dst[t], (uint16_t)(sk * PORTS + p + 1),
						  T0 * NS_PER_SEC + (int64_t)line * 250000, /* 4,000 a second */
						  line);
				detect_add(d, &ev);
			}
	}
	struct detect_findings *out = detect_findings(d);
	const struct finding *g = NULL;
	for (size_t i = 0; i < out->n; i++)
		if (out->items[i].type == FINDING_DISTRIBUTED)
			g = &out->items[i];
	assert_non_null(g);
	assert_true(g->truncated);
	assert_int_equal(g->probes, 262144);
	assert_int_equal(g->n_members, SOURCES);
	assert_int_equal(g->n_ports, 4 * PORTS + 429); /* 2,144 contacts: 428 ports whole, one in part */
	assert_int_equal(g->ports[0], 1);
	assert_int_equal(g->ports[g->n_ports - 1], 4 * PORTS + 429);
	detect_findings_free(out);
	detect_free(d);
}

int main(void)
{
	hash_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_as_tables), cmocka_unit_test(split), cmocka_unit_test(wide_origins),
		cmocka_unit_test(contact_cap),	  cmocka_unit_test(source_cap),
		cmocka_unit_test(log_full),	  cmocka_unit_test(hash_collision),
		cmocka_unit_test(counts),	  cmocka_unit_test(finished_early),
		cmocka_unit_test(union_answers),  cmocka_unit_test(big_log),
		cmocka_unit_test(distributed_cap_by_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
