/* The detector's tables as they grow: every source and contact is found
 * again after the slot tables have doubled in place many times (heap and
 * mapped sizes, IPv4 and IPv6 keys), and repeats fold into the contact
 * they repeat. */
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
#include "detect/detect_internal.h"

#define T0 1700000000LL

/* Source i, IPv4 or IPv6. */
static struct ip_addr src_of(uint32_t i, int v6)
{
	struct ip_addr a;
	char s[64];
	if (v6)
		snprintf(s, sizeof(s), "2001:db8:%x:%x::1", i >> 16, i & 0xffff);
	else
		snprintf(s, sizeof(s), "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
	if (addr_parse(s, strlen(s), &a) != 0)
		fail_msg("bad test address %s", s);
	return a;
}

/* Event k of source i: a UDP probe to one of 3 targets, port by k. */
static struct event probe(uint32_t i, uint32_t k, int v6, uint64_t line)
{
	struct event ev;
	event_clear(&ev);
	ev.src = src_of(i, v6);
	char d[64];
	snprintf(d, sizeof(d), v6 ? "2001:db8:ffff::%u" : "192.0.2.%u", 1 + (i + k) % 3);
	if (addr_parse(d, strlen(d), &ev.dst) != 0)
		fail_msg("bad test address %s", d);
	ev.flags = EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_PORTS | EVENT_HAS_TIME;
	ev.proto = IPPROTO_NUM_UDP;
	ev.sport = 40000;
	ev.dport = (uint16_t)(1000 + k * 7 + i % 5);
	ev.time_ns = (T0 + (int64_t)line) * NS_PER_SEC;
	ev.action = EVENT_ACTION_DROP;
	ev.in_if.ptr = "eth0";
	ev.in_if.len = 4;
	ev.line = line;
	return ev;
}

struct tally {
	uint64_t sources, contacts, events;
	uint32_t bad_count;
};

static void count_source(void *arg, const struct src_view *v)
{
	struct tally *t = arg;
	t->sources++;
	t->contacts += v->n;
	for (uint32_t i = 0; i < v->n; i++) {
		t->events += v->c[i].count;
		if (v->c[i].count != 2)
			t->bad_count++;
	}
}

/* n sources (every eighth IPv6) with 1 to 3 contacts each, all sent twice
 * (the second round after every table has grown): nothing is lost and no
 * key is stored twice. */
static void grow_and_find(uint32_t n)
{
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	struct detector *d = detect_new(&cfg);
	uint64_t line = 0, want = 0;
	for (int round = 0; round < 2; round++) {
		for (uint32_t i = 0; i < n; i++) {
			uint32_t k_n = 1 + i % 3;
			for (uint32_t k = 0; k < k_n; k++) {
				struct event ev = probe(i, k, i % 8 == 0, ++line);
				detect_add(d, &ev);
			}
			if (round == 0)
				want += k_n;
		}
	}
	assert_int_equal(detect_sources(d), n);
	struct tally t = {0, 0, 0, 0};
	detect_each_source(d, count_source, &t);
	assert_int_equal(t.sources, n);
	assert_int_equal(t.contacts, want);
	assert_int_equal(t.events, 2 * want);
	assert_int_equal(t.bad_count, 0);
	detect_free(d);
}

static void small_tables(void **state)
{
	(void)state;
	grow_and_find(3000); /* a few doublings, all on the heap */
}

static void large_tables(void **state)
{
	(void)state;
	/* past 2 MiB of slots (262,144): the tables move to their own
	 * mappings and keep doubling there */
	grow_and_find(200000);
}

/* The same with a fixed key, so the layout (and its wrap-arounds at the
 * table's end) is the same on every run. */
static void fixed_key(void **state)
{
	(void)state;
	hash_set_key(1, 2);
	grow_and_find(50000);
	hash_init();
}

int main(void)
{
	hash_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(small_tables),
		cmocka_unit_test(large_tables),
		cmocka_unit_test(fixed_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
