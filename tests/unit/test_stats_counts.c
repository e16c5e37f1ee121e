/* stats.c / summary.c: every counter on a handful of hand-made events,
 * worked out by hand; days, months, hours and weekdays in UTC and in
 * Europe/Berlin (across a DST offset and a month boundary). */
#include <stdlib.h>

#include "test_stats_util.h"

#include "enrich/catalog.h"

static void add_all(struct stats *s, struct event *evs, size_t n, struct tz_cache *tz)
{
	for (size_t i = 0; i < n; i++)
		stats_add(s, &evs[i], tz);
}

/* Seven records, nine events: two sources hitting telnet and ssh, one
 * ICMPv6 ping, one record without addresses or time, one accepted DNS. */
static size_t make_scenario(struct event *ev)
{
	size_t n = 0;
	ev[n] = tu_event("198.51.100.1", "192.0.2.10", IPPROTO_NUM_TCP, 23,
			 tu_utc(2022, 5, 29, 10, 0, 0), EVENT_ACTION_DROP);
	ev[n].prefix.ptr = "[UFW BLOCK]";
	ev[n++].prefix.len = 11;
	ev[n] = tu_event("198.51.100.1", "192.0.2.10", IPPROTO_NUM_TCP, 23,
			 tu_utc(2022, 5, 29, 10, 0, 5), EVENT_ACTION_DROP);
	ev[n].prefix.ptr = "[UFW BLOCK] and more";
	ev[n++].prefix.len = 11;
	ev[n++] = tu_event("198.51.100.1", "192.0.2.11", IPPROTO_NUM_TCP, 22,
			   tu_utc(2022, 5, 29, 10, 0, 10), EVENT_ACTION_REJECT);
	ev[n] = tu_event("198.51.100.2", "192.0.2.10", IPPROTO_NUM_TCP, 23,
			 tu_utc(2022, 5, 29, 9, 0, 0), EVENT_ACTION_DROP);
	ev[n++].count = 3;
	ev[n++] = tu_event("2001:db8::1", "2001:db8::ff", IPPROTO_NUM_ICMPV6, 128,
			   tu_utc(2022, 5, 29, 11, 0, 0), EVENT_ACTION_DROP);
	ev[n++] = tu_event(NULL, NULL, IPPROTO_NUM_UDP, 0, 0, EVENT_ACTION_LOG);
	ev[n] = tu_event("198.51.100.2", "192.0.2.10", IPPROTO_NUM_UDP, 53,
			 tu_utc(2022, 5, 29, 12, 0, 0), EVENT_ACTION_ACCEPT);
	ev[n].prefix.ptr = "[UFW ALLOW]";
	ev[n++].prefix.len = 11;
	/* No source/destination flags and no port flag: totals only. */
	ev[5].flags &= ~(uint32_t)EVENT_HAS_PORTS;
	return n;
}

static void test_counts(void **state)
{
	(void)state;
	assert_int_equal(timeconv_set_zone("UTC"), 0);
	struct stats_config cfg;
	struct catalog *cat = tu_config(&cfg);
	struct stats *s = stats_new(&cfg);
	struct tz_cache tz = {0};
	struct event ev[16];
	size_t n = make_scenario(ev);
	add_all(s, ev, n, &tz);

	struct summary *sum = stats_summarise(s, 0);
	assert_true(sum->events == 9);
	assert_true(sum->records == 7);
	assert_true(sum->by_action[EVENT_ACTION_DROP] == 6);
	assert_true(sum->by_action[EVENT_ACTION_REJECT] == 1);
	assert_true(sum->by_action[EVENT_ACTION_ACCEPT] == 1);
	assert_true(sum->by_action[EVENT_ACTION_LOG] == 1);
	assert_true(sum->by_action[EVENT_ACTION_UNKNOWN] == 0);
	assert_true(sum->by_proto[IPPROTO_NUM_TCP] == 6);
	assert_true(sum->by_proto[IPPROTO_NUM_UDP] == 2);
	assert_true(sum->by_proto[IPPROTO_NUM_ICMPV6] == 1);
	assert_true(sum->first_ns == tu_utc(2022, 5, 29, 9, 0, 0) * NS_PER_SEC);
	assert_true(sum->last_ns == tu_utc(2022, 5, 29, 12, 0, 0) * NS_PER_SEC);
	assert_true(sum->n_sources == 3);
	assert_true(sum->n_targets == 3);
	assert_true(sum->n_ports == 4);

	/* Ports: tcp/23 first, then the one-event ports by protocol number. */
	assert_int_equal(sum->n_ports_rows, 4);
	assert_int_equal(sum->ports[0].proto, IPPROTO_NUM_TCP);
	assert_int_equal(sum->ports[0].port, 23);
	assert_true(sum->ports[0].events == 5);
	assert_true(sum->ports[0].sources == 2);
	assert_true(sum->ports[0].targets == 1);
	assert_ptr_equal(sum->ports[0].svc, catalog_lookup(cat, IPPROTO_NUM_TCP, 23));
	assert_string_equal(sum->ports[0].svc->name, "telnet");
	assert_int_equal(sum->ports[1].port, 22);
	assert_int_equal(sum->ports[2].proto, IPPROTO_NUM_UDP);
	assert_int_equal(sum->ports[2].port, 53);
	assert_int_equal(sum->ports[3].proto, IPPROTO_NUM_ICMPV6);
	assert_int_equal(sum->ports[3].port, 128);
	assert_string_equal(sum->ports[3].svc->name, "echo-request");
	for (int i = 1; i < 4; i++) {
		assert_true(sum->ports[i].events == 1);
		assert_true(sum->ports[i].sources == 1);
		assert_true(sum->ports[i].targets == 1);
	}

	/* Sources: .2 (4 events), .1 (3), then the IPv6 one. */
	assert_int_equal(sum->n_sources_rows, 3);
	const struct summary_source *src = sum->sources;
	struct ip_addr a2 = tu_addr("198.51.100.2"), a1 = tu_addr("198.51.100.1");
	assert_memory_equal(&src[0].addr, &a2, sizeof(a2));
	assert_true(src[0].events == 4);
	assert_true(src[0].first_ns == tu_utc(2022, 5, 29, 9, 0, 0) * NS_PER_SEC);
	assert_true(src[0].last_ns == tu_utc(2022, 5, 29, 12, 0, 0) * NS_PER_SEC);
	assert_true(src[0].ports == 2);
	assert_true(src[0].targets == 1);
	assert_true(src[0].by_action[EVENT_ACTION_DROP] == 3);
	assert_true(src[0].by_action[EVENT_ACTION_ACCEPT] == 1);
	assert_memory_equal(&src[1].addr, &a1, sizeof(a1));
	assert_true(src[1].events == 3);
	assert_true(src[1].first_ns == tu_utc(2022, 5, 29, 10, 0, 0) * NS_PER_SEC);
	assert_true(src[1].last_ns == tu_utc(2022, 5, 29, 10, 0, 10) * NS_PER_SEC);
	assert_true(src[1].ports == 2);
	assert_true(src[1].targets == 2);
	assert_true(src[1].by_action[EVENT_ACTION_DROP] == 2);
	assert_true(src[1].by_action[EVENT_ACTION_REJECT] == 1);
	assert_true(src[2].events == 1);
	assert_true(src[2].ports == 1 && src[2].targets == 1);

	/* Targets: .10 (6 events), then .11 before the IPv6 address. */
	assert_int_equal(sum->n_targets_rows, 3);
	struct ip_addr t10 = tu_addr("192.0.2.10"), t11 = tu_addr("192.0.2.11");
	struct ip_addr tff = tu_addr("2001:db8::ff");
	assert_memory_equal(&sum->targets[0].addr, &t10, sizeof(t10));
	assert_true(sum->targets[0].events == 6);
	assert_true(sum->targets[0].sources == 2);
	assert_true(sum->targets[0].ports == 2);
	assert_true(sum->targets[0].first_ns == tu_utc(2022, 5, 29, 9, 0, 0) * NS_PER_SEC);
	assert_true(sum->targets[0].last_ns == tu_utc(2022, 5, 29, 12, 0, 0) * NS_PER_SEC);
	assert_memory_equal(&sum->targets[1].addr, &t11, sizeof(t11));
	assert_memory_equal(&sum->targets[2].addr, &tff, sizeof(tff));

	/* Time tables: 8 timed events on Sunday 2022-05-29. */
	assert_true(sum->hours[9] == 3);
	assert_true(sum->hours[10] == 3);
	assert_true(sum->hours[11] == 1);
	assert_true(sum->hours[12] == 1);
	assert_true(sum->weekdays[6] == 8);
	assert_int_equal(sum->n_days, 1);
	assert_true(sum->days[0].key == 20220529);
	assert_true(sum->days[0].events == 8);
	assert_int_equal(sum->n_months, 1);
	assert_true(sum->months[0].key == 202205);
	assert_true(sum->months[0].events == 8);

	/* Prefixes, by events. */
	assert_int_equal(sum->n_prefixes, 2);
	assert_string_equal(sum->prefixes[0].text, "[UFW BLOCK]");
	assert_int_equal(sum->prefixes[0].action, EVENT_ACTION_DROP);
	assert_true(sum->prefixes[0].events == 2);
	assert_string_equal(sum->prefixes[1].text, "[UFW ALLOW]");
	assert_int_equal(sum->prefixes[1].action, EVENT_ACTION_ACCEPT);

	/* Groups: telnet ALERTs in time order, one ssh WARNING; the accepted
	 * DNS event and the ICMPv6 (INFO) one form none. */
	assert_int_equal(sum->n_alerts, 2);
	assert_memory_equal(&sum->alerts[0].src, &a2, sizeof(a2));
	assert_true(sum->alerts[0].events == 3);
	assert_memory_equal(&sum->alerts[1].src, &a1, sizeof(a1));
	assert_true(sum->alerts[1].events == 2);
	assert_true(sum->alerts[1].first_ns == tu_utc(2022, 5, 29, 10, 0, 0) * NS_PER_SEC);
	assert_true(sum->alerts[1].last_ns == tu_utc(2022, 5, 29, 10, 0, 5) * NS_PER_SEC);
	assert_int_equal(sum->alerts[1].cls, SERVICE_ALERT);
	assert_string_equal(sum->alerts[1].svc->name, "telnet");
	assert_memory_equal(&sum->alerts[1].dst, &t10, sizeof(t10));
	assert_int_equal(sum->n_warnings, 1);
	assert_int_equal(sum->warnings[0].port, 22);
	assert_int_equal(sum->warnings[0].cls, SERVICE_WARNING);

	assert_true(sum->sources_dropped == 0 && sum->targets_dropped == 0);
	assert_true(sum->pairs_dropped == 0 && sum->groups_dropped == 0);
	assert_true(sum->memory_bytes > 0);
	assert_true(sum->memory_bytes >= stats_memory(s));
	summary_free(sum);

	/* top_n keeps the best rows only. */
	sum = stats_summarise(s, 1);
	assert_int_equal(sum->n_sources_rows, 1);
	assert_memory_equal(&sum->sources[0].addr, &a2, sizeof(a2));
	assert_int_equal(sum->n_targets_rows, 1);
	assert_int_equal(sum->n_ports_rows, 4);
	summary_free(sum);

	stats_free(s);
	catalog_free(cat);
}

/* The same instants land on other days, months, hours and weekdays in
 * Berlin (CEST = UTC+2 in May/June, CET = UTC+1 in January). */
static void test_zones(void **state)
{
	(void)state;
	const int64_t t[3] = {
		tu_utc(2022, 5, 29, 22, 30, 0), /* Sun UTC, Mon 00:30 Berlin */
		tu_utc(2022, 5, 31, 22, 30, 0), /* Tue UTC, Wed 1 June 00:30 Berlin */
		tu_utc(2022, 1, 15, 12, 0, 0),  /* Sat 12:00 UTC, 13:00 Berlin */
	};
	for (int zone = 0; zone < 2; zone++) {
		assert_int_equal(timeconv_set_zone(zone ? "Europe/Berlin" : "UTC"), 0);
		struct stats *s = stats_new(NULL);
		struct tz_cache tz = {0};
		for (int i = 0; i < 3; i++) {
			struct event ev = tu_event("192.0.2.1", "192.0.2.2", IPPROTO_NUM_TCP, 80,
						   t[i], EVENT_ACTION_DROP);
			stats_add(s, &ev, &tz);
		}
		struct summary *sum = stats_summarise(s, 0);
		assert_int_equal(sum->n_days, 3);
		if (zone == 0) {
			assert_true(sum->days[0].key == 20220115);
			assert_true(sum->days[1].key == 20220529);
			assert_true(sum->days[2].key == 20220531);
			assert_int_equal(sum->n_months, 2);
			assert_true(sum->months[0].key == 202201 && sum->months[0].events == 1);
			assert_true(sum->months[1].key == 202205 && sum->months[1].events == 2);
			assert_true(sum->hours[22] == 2 && sum->hours[12] == 1);
			assert_true(sum->weekdays[6] == 1); /* Sunday */
			assert_true(sum->weekdays[1] == 1); /* Tuesday */
			assert_true(sum->weekdays[5] == 1); /* Saturday */
		} else {
			assert_true(sum->days[0].key == 20220115);
			assert_true(sum->days[1].key == 20220530);
			assert_true(sum->days[2].key == 20220601);
			assert_int_equal(sum->n_months, 3);
			assert_true(sum->months[0].key == 202201);
			assert_true(sum->months[1].key == 202205);
			assert_true(sum->months[2].key == 202206);
			assert_true(sum->hours[0] == 2 && sum->hours[13] == 1);
			assert_true(sum->weekdays[0] == 1); /* Monday */
			assert_true(sum->weekdays[2] == 1); /* Wednesday */
			assert_true(sum->weekdays[5] == 1); /* Saturday */
		}
		/* first/last stay UTC instants whatever the zone. */
		assert_true(sum->first_ns == t[2] * NS_PER_SEC);
		assert_true(sum->last_ns == t[1] * NS_PER_SEC);
		summary_free(sum);
		stats_free(s);
	}
	assert_int_equal(timeconv_set_zone("UTC"), 0);
}

/* Odd values a parser might hand over: count 0, an action out of range,
 * a time before 1970, a port event without port flags. */
static void test_odd_events(void **state)
{
	(void)state;
	struct stats *s = stats_new(NULL);
	struct tz_cache tz = {0};
	struct event ev = tu_event("192.0.2.1", NULL, IPPROTO_NUM_TCP, 80, 0, 200);
	ev.count = 0;
	stats_add(s, &ev, &tz);
	ev = tu_event("192.0.2.1", NULL, IPPROTO_NUM_TCP, 80, 0, EVENT_ACTION_DROP);
	ev.time_ns = -NS_PER_SEC / 2; /* 1969-12-31 23:59:59.5 */
	ev.flags |= EVENT_HAS_TIME;
	stats_add(s, &ev, &tz);
	ev = tu_event("192.0.2.1", NULL, 47 /* GRE */, 0, 0, EVENT_ACTION_DROP);
	stats_add(s, &ev, &tz);
	struct summary *sum = stats_summarise(s, 0);
	assert_true(sum->events == 3);
	assert_true(sum->by_action[EVENT_ACTION_UNKNOWN] == 1);
	assert_true(sum->by_proto[47] == 1);
	assert_true(sum->n_ports == 1);
	assert_true(sum->ports[0].events == 2);
	assert_true(sum->n_targets == 0);
	assert_int_equal(sum->n_days, 1);
	assert_true(sum->days[0].key == 19691231);
	assert_true(sum->hours[23] == 1);
	assert_true(sum->weekdays[2] == 1); /* a Wednesday */
	assert_true(sum->first_ns == -NS_PER_SEC / 2);
	summary_free(sum);

	/* An empty stats gives an empty, valid summary. */
	struct stats *e = stats_new(NULL);
	sum = stats_summarise(e, 10);
	assert_true(sum->events == 0 && sum->first_ns == 0 && sum->last_ns == 0);
	assert_int_equal(sum->n_ports_rows + sum->n_sources_rows + sum->n_days, 0);
	assert_int_equal(sum->n_prefixes + sum->n_alerts + sum->n_warnings, 0);
	summary_free(sum);
	summary_free(NULL);
	stats_free(e);
	stats_free(s);
	stats_free(NULL);
}

/* Many sources: the top-N heap must return the same rows as a full sort. */
static void test_top_n(void **state)
{
	(void)state;
	struct stats *s = stats_new(NULL);
	struct tz_cache tz = {0};
	for (unsigned i = 0; i < 3000; i++) {
		char a[32];
		snprintf(a, sizeof(a), "10.0.%u.%u", i / 256, i % 256);
		struct event ev = tu_event(a, "192.0.2.1", IPPROTO_NUM_TCP, 22, 1000 + i,
					   EVENT_ACTION_DROP);
		ev.count = (i * 7919u) % 50 + 1;
		stats_add(s, &ev, &tz);
	}
	struct summary *all = stats_summarise(s, 0);
	struct summary *top = stats_summarise(s, 25);
	assert_int_equal(all->n_sources_rows, 3000);
	assert_int_equal(top->n_sources_rows, 25);
	for (size_t i = 0; i < 25; i++) {
		assert_memory_equal(&all->sources[i].addr, &top->sources[i].addr,
				    sizeof(struct ip_addr));
		assert_true(all->sources[i].events == top->sources[i].events);
	}
	for (size_t i = 1; i < all->n_sources_rows; i++) {
		const struct summary_source *x = &all->sources[i - 1], *y = &all->sources[i];
		assert_true(x->events > y->events ||
			    (x->events == y->events && addr_cmp(&x->addr, &y->addr) < 0));
	}
	assert_true(all->ports[0].sources == 3000);
	summary_free(all);
	summary_free(top);
	stats_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_zones),
		cmocka_unit_test(test_odd_events),
		cmocka_unit_test(test_top_n),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
