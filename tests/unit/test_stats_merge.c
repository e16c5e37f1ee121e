/* stats_merge(): stats built over any split of the events, merged in any
 * order, under another hash key, summarise exactly like one stats over
 * all of them (a property test over random events); caps refuse and count
 * new keys; ALERT/WARNING groups and the order of their evidence. */
#include <stdlib.h>

#include "test_stats_util.h"

#include "core/hash.h"
#include "core/util.h"
#include "enrich/catalog.h"

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static unsigned pick(unsigned n)
{
	return (unsigned)(rng() % n);
}

static const char *const prefixes[] = {"", "[UFW BLOCK]", "[UFW AUDIT]", "IN-DROP:", "fw-in "};

/* A random event from a small universe, so keys repeat and times tie. */
static struct event random_event(void)
{
	static const uint16_t tcp_ports[] = {22, 23, 80, 443, 445, 3389, 1433, 8080, 5555, 6000};
	static const uint16_t udp_ports[] = {53, 123, 161, 1434, 1900, 5060};
	static const uint8_t icmp_types[] = {0, 3, 8, 11, 13};
	char src[64], dst[64];
	if (pick(4) == 0)
		snprintf(src, sizeof(src), "2001:db8:1::%x", pick(12) + 1);
	else
		snprintf(src, sizeof(src), "203.0.113.%u", pick(40) + 1);
	if (pick(5) == 0)
		snprintf(dst, sizeof(dst), "2001:db8:ff::%x", pick(3) + 1);
	else
		snprintf(dst, sizeof(dst), "192.0.2.%u", pick(5) + 1);
	uint8_t proto;
	uint16_t port;
	switch (pick(10)) {
	case 0: case 1: proto = IPPROTO_NUM_UDP; port = udp_ports[pick(ARRAY_LEN(udp_ports))]; break;
	case 2: proto = IPPROTO_NUM_ICMP; port = icmp_types[pick(ARRAY_LEN(icmp_types))]; break;
	case 3: proto = 47; port = 0; break;
	default: proto = IPPROTO_NUM_TCP; port = tcp_ports[pick(ARRAY_LEN(tcp_ports))]; break;
	}
	/* Coarse times (200 distinct seconds over four days) make ties. */
	int64_t t = pick(10) == 0 ? 0 : tu_utc(2023, 12, 30, 0, 0, 0) + pick(200) * 1777;
	struct event ev = tu_event(pick(20) ? src : NULL, pick(10) ? dst : NULL, proto, port, t,
				   (uint8_t)pick(EVENT_ACTION_COUNT));
	if (t && pick(3) == 0)
		ev.time_ns += pick(1000000000);
	ev.count = pick(3) + 1;
	ev.unit = pick(4);
	ev.line = pick(300) + 1;
	const char *pre = prefixes[pick(ARRAY_LEN(prefixes))];
	ev.prefix.ptr = pre;
	ev.prefix.len = (uint32_t)strlen(pre);
	switch (pick(10)) {
	case 0: /* sent by the host itself */
		ev.in_if.len = 0;
		ev.out_if.ptr = "eth0";
		ev.out_if.len = 4;
		break;
	case 1: /* direction unknown */
		ev.in_if.len = 0;
		break;
	default:
		break;
	}
	return ev;
}

static void test_merge_property(void **state)
{
	(void)state;
	assert_int_equal(timeconv_set_zone("Europe/Berlin"), 0);
	struct stats_config cfg;
	struct catalog *cat = tu_config(&cfg);

	enum { N = 1500, MAXPARTS = 6 };
	struct event *evs = calloc(N, sizeof(*evs));
	unsigned *part = calloc(N, sizeof(*part));
	for (uint64_t seed = 1; seed <= 40; seed++) {
		rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
		size_t n = 1 + pick(N);
		for (size_t i = 0; i < n; i++)
			evs[i] = random_event();

		/* The reference: everything in one stats, under one hash key. */
		hash_set_key(seed, ~seed);
		struct stats *one = stats_new(&cfg);
		struct tz_cache tz = {0};
		for (size_t i = 0; i < n; i++)
			stats_add(one, &evs[i], &tz);
		size_t top = pick(3) ? 0 : pick(30);
		struct summary *ref = stats_summarise(one, top);
		stats_free(one);

		/* The same events split over k stats, in a shuffled order, under
		 * another key; merged in a random order, partly in chains. */
		hash_set_key(seed * 31 + 7, seed ^ 0x5555);
		unsigned k = 1 + pick(MAXPARTS);
		struct stats *parts[MAXPARTS];
		for (unsigned j = 0; j < k; j++)
			parts[j] = stats_new(&cfg);
		for (size_t i = 0; i < n; i++)
			part[i] = pick(k);
		for (size_t i = n; i > 1; i--) {
			size_t j = pick((unsigned)i);
			struct event te = evs[i - 1];
			evs[i - 1] = evs[j];
			evs[j] = te;
			unsigned tp = part[i - 1];
			part[i - 1] = part[j];
			part[j] = tp;
		}
		struct tz_cache tzs[MAXPARTS];
		memset(tzs, 0, sizeof(tzs));
		for (size_t i = 0; i < n; i++)
			stats_add(parts[part[i]], &evs[i], &tzs[part[i]]);
		for (unsigned left = k; left > 1; left--) {
			unsigned a = pick(left), b = pick(left - 1);
			if (b >= a)
				b++;
			stats_merge(parts[a], parts[b]);
			/* from is left empty and usable */
			struct summary *empty = stats_summarise(parts[b], 0);
			assert_true(empty->events == 0 && empty->n_sources == 0);
			assert_int_equal(empty->n_alerts + empty->n_prefixes + empty->n_days, 0);
			summary_free(empty);
			stats_free(parts[b]);
			parts[b] = parts[left - 1];
		}
		struct summary *got = stats_summarise(parts[0], top);
		tu_summary_equal(ref, got);
		assert_true(got->memory_bytes >= stats_memory(parts[0]));
		summary_free(got);
		summary_free(ref);
		stats_free(parts[0]);
	}
	hash_init();
	free(evs);
	free(part);
	catalog_free(cat);
	assert_int_equal(timeconv_set_zone("UTC"), 0);
}

static void test_caps(void **state)
{
	(void)state;
	struct stats_config cfg;
	struct catalog *cat = tu_config(&cfg);
	cfg.max_sources = 2;
	cfg.max_targets = 1;
	cfg.max_pairs = 3;
	cfg.max_groups = 1;
	struct stats *s = stats_new(&cfg);
	struct tz_cache tz = {0};
	struct event ev[4] = {
		tu_event("198.51.100.1", "192.0.2.1", IPPROTO_NUM_TCP, 23, 100, EVENT_ACTION_DROP),
		tu_event("198.51.100.2", "192.0.2.2", IPPROTO_NUM_TCP, 23, 101, EVENT_ACTION_DROP),
		tu_event("198.51.100.3", "192.0.2.1", IPPROTO_NUM_TCP, 23, 102, EVENT_ACTION_DROP),
		tu_event("198.51.100.1", "192.0.2.1", IPPROTO_NUM_TCP, 23, 103, EVENT_ACTION_DROP),
	};
	for (int i = 0; i < 4; i++)
		stats_add(s, &ev[i], &tz);
	struct summary *sum = stats_summarise(s, 0);
	assert_true(sum->events == 4);
	assert_true(sum->n_sources == 2);
	assert_true(sum->n_targets == 1);
	assert_true(sum->sources_dropped == 1); /* .3 */
	assert_true(sum->targets_dropped == 1); /* .2 */
	assert_true(sum->pairs_dropped == 1);   /* (.2, tcp/23) */
	assert_true(sum->groups_dropped == 2);  /* .2 and .3 */
	assert_int_equal(sum->n_alerts, 1);
	assert_true(sum->alerts[0].events == 2);
	assert_true(sum->ports[0].events == 4);
	assert_true(sum->ports[0].sources == 1);
	assert_true(sum->sources[0].events == 2);
	summary_free(sum);

	/* Merging two capped stats stays within the caps and counts what it
	 * refuses. */
	struct stats *t = stats_new(&cfg);
	struct event more[3] = {
		tu_event("198.51.100.9", "192.0.2.9", IPPROTO_NUM_TCP, 445, 200, EVENT_ACTION_DROP),
		tu_event("198.51.100.8", "192.0.2.9", IPPROTO_NUM_TCP, 445, 201, EVENT_ACTION_DROP),
		tu_event("198.51.100.1", "192.0.2.9", IPPROTO_NUM_UDP, 53, 202, EVENT_ACTION_DROP),
	};
	for (int i = 0; i < 3; i++)
		stats_add(t, &more[i], &tz);
	stats_merge(s, t);
	sum = stats_summarise(s, 0);
	assert_true(sum->events == 7);
	assert_true(sum->n_sources == 2);
	assert_true(sum->n_targets == 1);
	assert_true(sum->sources_dropped >= 3);
	assert_true(sum->targets_dropped >= 3);
	assert_true(sum->pairs_dropped > 1);
	assert_true(sum->groups_dropped > 2);
	summary_free(sum);
	stats_free(t);
	stats_free(s);

	/* Zero caps keep nothing but count everything. */
	cfg.max_sources = cfg.max_targets = cfg.max_pairs = cfg.max_groups = 0;
	s = stats_new(&cfg);
	for (int i = 0; i < 4; i++)
		stats_add(s, &ev[i], &tz);
	sum = stats_summarise(s, 0);
	assert_true(sum->events == 4 && sum->n_sources == 0 && sum->n_targets == 0);
	assert_true(sum->sources_dropped == 4 && sum->targets_dropped == 4);
	assert_true(sum->groups_dropped == 4);
	assert_true(sum->n_ports == 1 && sum->ports[0].sources == 0);
	summary_free(sum);
	stats_free(s);
	catalog_free(cat);
}

static struct event group_event(int64_t t, uint32_t unit, uint64_t line)
{
	struct event ev = tu_event("198.51.100.7", "192.0.2.1", IPPROTO_NUM_TCP, 23, t,
				   EVENT_ACTION_DROP);
	ev.unit = unit;
	ev.line = line;
	return ev;
}

/* The evidence is the earliest event by time, then unit, then line, and
 * untimed events come last: whatever the order or split. */
static void test_group_evidence(void **state)
{
	(void)state;
	struct stats_config cfg;
	struct catalog *cat = tu_config(&cfg);
	const int64_t T = tu_utc(2024, 2, 29, 12, 0, 0);
	struct event ev[5] = {
		group_event(T + 10, 0, 50),
		group_event(T, 2, 7),
		group_event(T, 1, 900),
		group_event(T, 1, 30),
		group_event(0, 0, 1),
	};
	for (uint64_t seed = 1; seed <= 30; seed++) {
		rng_state = seed;
		struct stats *parts[5];
		for (int i = 0; i < 5; i++)
			parts[i] = stats_new(&cfg);
		struct tz_cache tz = {0};
		unsigned order[5] = {0, 1, 2, 3, 4};
		for (int i = 4; i > 0; i--) {
			unsigned j = pick((unsigned)i + 1), x = order[i];
			order[i] = order[j];
			order[j] = x;
		}
		for (int i = 0; i < 5; i++)
			stats_add(parts[seed % 2 ? pick(5) : 0], &ev[order[i]], &tz);
		for (int i = 1; i < 5; i++)
			stats_merge(parts[0], parts[i]);
		struct summary *sum = stats_summarise(parts[0], 0);
		assert_int_equal(sum->n_alerts, 1);
		const struct summary_group *g = &sum->alerts[0];
		assert_true(g->events == 5);
		assert_true(g->first_ns == T * NS_PER_SEC);
		assert_true(g->last_ns == (T + 10) * NS_PER_SEC);
		assert_int_equal(g->first_unit, 1);
		assert_true(g->first_line == 30);
		assert_int_equal(g->port, 23);
		assert_string_equal(g->svc->name, "telnet");
		summary_free(sum);
		for (int i = 0; i < 5; i++)
			stats_free(parts[i]);
	}
	catalog_free(cat);
}

/* Who forms groups: not accepted traffic, not what the host sent itself,
 * not INFO services; ICMP by type; untimed groups sort last. */
static void test_group_membership(void **state)
{
	(void)state;
	struct stats_config cfg;
	struct catalog *cat = tu_config(&cfg);
	struct stats *s = stats_new(&cfg);
	struct tz_cache tz = {0};

	struct event ev = tu_event("198.51.100.1", "192.0.2.1", IPPROTO_NUM_TCP, 3389, 500,
				   EVENT_ACTION_ACCEPT);
	stats_add(s, &ev, &tz); /* accepted: no group */
	ev = tu_event("192.0.2.1", "198.51.100.1", IPPROTO_NUM_TCP, 3389, 501, EVENT_ACTION_DROP);
	ev.in_if.len = 0;
	ev.out_if.ptr = "eth0";
	ev.out_if.len = 4;
	stats_add(s, &ev, &tz); /* outbound: no group */
	ev = tu_event("198.51.100.1", "192.0.2.1", IPPROTO_NUM_TCP, 3389, 502, EVENT_ACTION_DROP);
	ev.in_if.len = 0;
	stats_add(s, &ev, &tz); /* no interfaces at all: a group */
	ev = tu_event("198.51.100.1", "192.0.2.1", IPPROTO_NUM_TCP, 993, 503, EVENT_ACTION_DROP);
	stats_add(s, &ev, &tz); /* imaps is INFO */
	ev = tu_event("198.51.100.1", "192.0.2.1", IPPROTO_NUM_TCP, 40001, 504, EVENT_ACTION_DROP);
	stats_add(s, &ev, &tz); /* not in the catalog */
	ev = tu_event("198.51.100.2", "192.0.2.1", IPPROTO_NUM_ICMP, 13, 400, EVENT_ACTION_DROP);
	stats_add(s, &ev, &tz); /* ICMP timestamp request: WARNING */
	ev = tu_event("198.51.100.3", NULL, IPPROTO_NUM_UDP, 1434, 0, EVENT_ACTION_REJECT);
	stats_add(s, &ev, &tz); /* Slammer's port, untimed, no destination */
	ev = tu_event("198.51.100.4", "192.0.2.1", IPPROTO_NUM_TCP, 1243, 9, EVENT_ACTION_LOG);
	ev.proto = IPPROTO_NUM_SCTP; /* looked up as tcp: SubSeven */
	stats_add(s, &ev, &tz);

	struct summary *sum = stats_summarise(s, 0);
	assert_int_equal(sum->n_alerts, 3);
	assert_int_equal(sum->alerts[0].proto, IPPROTO_NUM_SCTP);
	assert_string_equal(sum->alerts[0].svc->name, "SubSeven");
	assert_int_equal(sum->alerts[1].port, 3389);
	assert_true(sum->alerts[1].events == 1);
	assert_true(sum->alerts[1].first_ns == 502 * NS_PER_SEC);
	assert_int_equal(sum->alerts[2].port, 1434);
	assert_true(sum->alerts[2].first_ns == 0 && sum->alerts[2].last_ns == 0);
	assert_true(addr_is_zero(&sum->alerts[2].dst));
	assert_int_equal(sum->n_warnings, 1);
	assert_int_equal(sum->warnings[0].proto, IPPROTO_NUM_ICMP);
	assert_int_equal(sum->warnings[0].port, 13);
	summary_free(sum);
	stats_free(s);

	/* Without a catalog there are no groups at all. */
	s = stats_new(NULL);
	ev = tu_event("198.51.100.1", "192.0.2.1", IPPROTO_NUM_TCP, 23, 1, EVENT_ACTION_DROP);
	stats_add(s, &ev, &tz);
	sum = stats_summarise(s, 0);
	assert_int_equal(sum->n_alerts + sum->n_warnings, 0);
	assert_null(sum->ports[0].svc);
	summary_free(sum);
	stats_free(s);
	catalog_free(cat);
}

/* More than PREFIX_CAP distinct prefixes: the rest are summed in one row
 * at the end, so no event goes missing from the table. */
static void test_prefix_cap(void **state)
{
	(void)state;
	struct stats *s = stats_new(NULL);
	struct tz_cache tz = {0};
	char buf[5000][16];
	for (int i = 0; i < 5000; i++) {
		snprintf(buf[i], sizeof(buf[i]), "rule-%d", i);
		struct event ev = tu_event("192.0.2.1", NULL, IPPROTO_NUM_TCP, 1, 0,
					   EVENT_ACTION_DROP);
		ev.prefix.ptr = buf[i];
		ev.prefix.len = (uint32_t)strlen(buf[i]);
		ev.count = i == 4999 ? 100 : 1;
		stats_add(s, &ev, &tz);
	}
	struct summary *sum = stats_summarise(s, 0);
	assert_int_equal(sum->n_prefixes, 4097);
	assert_string_equal(sum->prefixes[4096].text, "(other prefixes)");
	uint64_t total = 0;
	for (size_t i = 0; i < sum->n_prefixes; i++)
		total += sum->prefixes[i].events;
	assert_true(total == sum->events);
	assert_true(sum->prefixes[4096].events == 903 + 100);
	summary_free(sum);
	stats_free(s);
}

/* A merge big enough for the paths small merges skip: the groups merged
 * on a second thread (50 k groups and more), slot arrays that double in
 * place while merging (2 MiB and more), pair lookups queued ahead. Split
 * two ways and merged, it summarises exactly as one stats does. */
static void test_large_merge(void **state)
{
	(void)state;
	struct stats_config cfg;
	struct catalog *cat = tu_config(&cfg);
	static const uint16_t ports[] = {23, 22, 445, 3389, 1433, 5900, 8080, 2323};
	struct stats *all = stats_new(&cfg), *part[2] = {stats_new(&cfg), stats_new(&cfg)};
	struct tz_cache tz = {0};
	rng_state = 77;
	const int64_t T = tu_utc(2024, 1, 1, 0, 0, 0);
	for (uint32_t i = 0; i < 300000; i++) {
		/* 150 k sources, each on a few ports of a few of 300 targets. */
		uint32_t src = pick(150000), dst = pick(300);
		char s[32], d[32];
		snprintf(s, sizeof(s), "10.%u.%u.%u", src >> 16, (src >> 8) & 255, src & 255);
		snprintf(d, sizeof(d), "192.0.2.%u", dst % 250 + 1);
		if (dst >= 250)
			snprintf(d, sizeof(d), "198.51.100.%u", dst - 249);
		struct event ev = tu_event(s, d, IPPROTO_NUM_TCP, ports[pick(ARRAY_LEN(ports))],
					   T + pick(86400 * 3), EVENT_ACTION_DROP);
		ev.unit = i / 1000;
		ev.line = i % 1000 + 1;
		stats_add(all, &ev, &tz);
		stats_add(part[(i / 1000) % 2], &ev, &tz);
	}
	stats_merge(part[0], part[1]);
	struct summary *a = stats_summarise(all, 0), *b = stats_summarise(part[0], 0);
	assert_true(a->n_alerts + a->n_warnings >= 100000);
	tu_summary_equal(a, b);
	summary_free(a);
	summary_free(b);
	stats_free(all);
	stats_free(part[0]);
	stats_free(part[1]);
	catalog_free(cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_property),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_group_evidence),
		cmocka_unit_test(test_group_membership),
		cmocka_unit_test(test_prefix_cap),
		cmocka_unit_test(test_large_merge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
