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
#include "core/util.h"
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

/* Live targets of a detector (interned, not on the free list). */
static size_t live_targets(const struct detector *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->tg_n; i++)
		n += d->tg[i].refs != 0;
	assert_int_equal(n, d->tg_n - d->tg_nfree);
	return n;
}

/* Unit of contact k in wide_origins: small, around the 24-bit packing
 * limit, and near 2^32. */
static uint32_t unit_of(uint32_t k)
{
	return k < 100 ? k : k < 200 ? (1u << 24) - 200 + k : 0xffffff00u + k - 200;
}

struct origins {
	uint32_t n, bad;
	uint64_t line_base;
};

static void check_origin(void *arg, const struct src_view *v)
{
	struct origins *o = arg;
	for (uint32_t i = 0; i < v->n; i++, o->n++) {
		const struct contact *c = &v->c[i];
		uint32_t k = c->port - 1000u;
		if (c->unit != unit_of(k) || c->line != o->line_base + k || c->count != 2)
			o->bad++;
	}
}

/* Units and lines too large to pack keep their exact values, also when
 * the earlier event of a contact arrives second and replaces the origin. */
static void wide_origins(void **state)
{
	(void)state;
	static const uint64_t bases[] = {1, (1ull << 40) - 100, 1ull << 50};
	for (size_t b = 0; b < ARRAY_LEN(bases); b++) {
		struct detector *d = detect_new(NULL);
		for (int round = 0; round < 2; round++) {
			for (uint32_t k = 0; k < 300; k++) {
				struct event ev = probe(1, 0, 0, 1);
				ev.dport = (uint16_t)(1000 + k);
				ev.time_ns = T0 * NS_PER_SEC; /* one time: the origin decides */
				ev.unit = unit_of(k);
				ev.line = bases[b] + k + (round == 0 ? 7 : 0);
				detect_add(d, &ev);
			}
		}
		struct origins o = {0, 0, bases[b]};
		detect_each_source(d, check_origin, &o);
		assert_int_equal(o.n, 300);
		assert_int_equal(o.bad, 0);
		detect_free(d);
	}
}

/* Interned (IPv6) targets are released with the last contact naming
 * them: evicted sources and contacts replaced under the per-source cap
 * leave none behind. IPv4 targets are kept in the contact itself and
 * never enter the table. */
static void targets_released(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	cfg.max_sources = 100;
	cfg.max_contacts = 20;
	for (int v6 = 0; v6 < 2; v6++) {
		struct detector *d = detect_new(&cfg);
		/* 20,000 sources, each probing 3 targets of its own */
		for (uint32_t i = 0; i < 20000; i++) {
			for (uint32_t k = 0; k < 3; k++) {
				struct event ev = probe(i, k, v6, (uint64_t)i * 3 + k + 1);
				uint32_t t = i * 3 + k;
				ev.dst.b[13] = (uint8_t)(t >> 16);
				ev.dst.b[14] = (uint8_t)(t >> 8);
				ev.dst.b[15] = (uint8_t)t;
				detect_add(d, &ev);
			}
		}
		detect_flush(d);
		assert_true(d->n <= 100);
		assert_true(d->contacts_total > 0);
		assert_int_equal(live_targets(d), v6 ? d->contacts_total : 0);
		assert_true(d->tg_n <= (v6 ? 400u : 0u)); /* reused, not grown per flood source */
		detect_free(d);
	}

	/* one source, 200 targets (every other IPv6) in reverse time order:
	 * the earliest 20 kept, 10 of them interned */
	struct detector *d = detect_new(&cfg);
	for (uint32_t k = 0; k < 200; k++) {
		struct event ev = probe(7, 0, k % 2, 1000 - k);
		ev.src = src_of(7, 0);
		ev.dst.b[15] = (uint8_t)k;
		ev.dst.b[14] = (uint8_t)(k >> 8);
		detect_add(d, &ev);
	}
	detect_flush(d);
	assert_int_equal(d->contacts_total, 20);
	assert_int_equal(live_targets(d), 10);
	detect_free(d);
}

/* A source's contacts move through every block class, from one contact
 * compared directly to thousands found through the block's index; a repeat
 * of each folds into it whichever class it is in by then. Evicted sources
 * give their blocks back: a flood does not grow the pool. */
static void blocks_grow_and_return(void **state)
{
	(void)state;
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	cfg.max_contacts = 5000;
	struct detector *d = detect_new(&cfg);
	/* source 1: 3000 ports, each probed, then probed again at once and
	 * once more after all (the repeat finds it in a larger block) */
	uint64_t line = 1;
	for (uint32_t k = 0; k < 3000; k++) {
		struct event ev = probe(1, 0, 0, line++);
		ev.dport = (uint16_t)(2000 + k);
		detect_add(d, &ev);
		ev.line = line++;
		detect_add(d, &ev);
	}
	for (uint32_t k = 0; k < 3000; k++) {
		struct event ev = probe(1, 0, 0, line++);
		ev.dport = (uint16_t)(2000 + k);
		detect_add(d, &ev);
	}
	detect_flush(d);
	assert_int_equal(d->n, 1);
	assert_int_equal(d->st[0].n, 3000);
	assert_int_equal(d->st[0].cls, 12);
	const struct pcontact *c = (const struct pcontact *)(void *)(d->pool + d->st[0].blk);
	for (uint32_t k = 0; k < 3000; k++) {
		assert_int_equal(c[k].port, 2000 + k); /* in first-seen order */
		assert_int_equal(c[k].count, 3);
	}
	detect_free(d);

	/* 100 sources kept, 20,000 passing through, 20 contacts each */
	cfg.max_sources = 100;
	d = detect_new(&cfg);
	size_t pool_after_first = 0;
	for (uint32_t i = 0; i < 20000; i++) {
		for (uint32_t k = 0; k < 20; k++) {
			struct event ev = probe(i, k, i % 8 == 0, line++);
			ev.dport = (uint16_t)(3000 + k);
			detect_add(d, &ev);
		}
		if (i == 199) {
			detect_flush(d);
			pool_after_first = d->pool_n;
		}
	}
	detect_flush(d);
	assert_int_equal(d->n, 100);
	assert_int_equal(d->evicted, 19900);
	assert_int_equal(d->contacts_total, 100 * 20);
	assert_true(d->pool_n <= pool_after_first); /* blocks reused */
	detect_free(d);
}

int main(void)
{
	hash_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(small_tables),
		cmocka_unit_test(large_tables),
		cmocka_unit_test(fixed_key),
		cmocka_unit_test(wide_origins),
		cmocka_unit_test(targets_released),
		cmocka_unit_test(blocks_grow_and_return),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
