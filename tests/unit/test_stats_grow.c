/* Growing the stats hash tables (stats/table.c): large slot arrays double
 * in place (mremap, then a rehash in the same array), which must keep
 * every key findable, including keys whose probe runs off the end of the
 * doubled array, and keep the counts of a counted pair set with their
 * keys. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "stats/table.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Keys whose tags put them in the last slots of the doubled array must
 * survive the in-place rehash (they wrap to its start). */
static void test_ktable_wrap(void **state)
{
	(void)state;
	enum { CLUSTER = 300, RANDOM = 450000 };
	struct ktable t;
	ktable_init(&t, sizeof(uint64_t), 16, 1u << 24);
	uint32_t *tags = malloc((CLUSTER + RANDOM) * sizeof(*tags));
	uint32_t n = 0;
	/* 1 << 20 slots after the doubling from 512 K that 393 K keys cause. */
	for (uint32_t i = 0; i < CLUSTER; i++)
		tags[n++] = (uint32_t)(rng() << 20) | ((1u << 20) - 1 - (i % 40));
	for (uint32_t i = 0; i < RANDOM; i++)
		tags[n++] = (uint32_t)rng();
	for (uint32_t i = 0; i < n; i++) {
		uint64_t key = i + 1;
		int added;
		uint32_t id = ktable_lookup(&t, &key, sizeof(key), (uint64_t)tags[i] << 32, 1, &added);
		assert_int_equal(id, i);
		assert_int_equal(added, 1);
	}
	assert_true(t.mask + 1 >= (1u << 20));
	for (uint32_t i = 0; i < n; i++) {
		uint64_t key = i + 1;
		int added;
		uint32_t id = ktable_lookup(&t, &key, sizeof(key), (uint64_t)tags[i] << 32, 0, &added);
		assert_int_equal(id, i);
	}
	ktable_fini(&t);
	free(tags);
}

/* A counted pair set grown from 256 slots to 4 M: every pair found with
 * its count, and nothing else. */
static void test_pairset_counts(void **state)
{
	(void)state;
	enum { A = 200000, B = 64, PAIRS = 2000000 };
	uint32_t *at = malloc(A * sizeof(*at)), *bt = malloc(B * sizeof(*bt));
	for (uint32_t i = 0; i < A; i++)
		at[i] = (uint32_t)rng();
	for (uint32_t i = 0; i < B; i++)
		bt[i] = (uint32_t)rng();
	struct pairset p;
	pairset_init_counted(&p, &at, &bt);
	/* Pair i is (i % A, i / A % B): distinct for i < A * B. */
	for (uint32_t i = 0; i < PAIRS; i++) {
		uint32_t a = i % A, b = i / A % B;
		assert_int_equal(pairset_add_n(&p, pair_key(a, b), pair_hash(at[a], bt[b]), 1, i + 1), 1);
	}
	assert_int_equal(p.n, PAIRS);
	for (uint32_t i = 0; i < PAIRS; i++) {
		uint32_t a = i % A, b = i / A % B;
		assert_int_equal(pairset_add_n(&p, pair_key(a, b), pair_hash(at[a], bt[b]), 0, 1), 0);
	}
	uint64_t sum = 0, found = 0;
	for (uint64_t i = 0; i <= p.mask; i++) {
		if (p.slots[i]) {
			found++;
			sum += p.vals[i];
		}
	}
	assert_true(found == PAIRS);
	/* Each count is its index + 1, plus the 1 added by the second pass. */
	assert_true(sum == (uint64_t)PAIRS * (PAIRS + 1) / 2 + PAIRS);
	/* A pair never added is absent. */
	assert_int_equal(pairset_add(&p, pair_key(A + 1, 0), pair_hash(1, 2), 0), -1);
	pairset_fini(&p);
	free(at);
	free(bt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ktable_wrap),
		cmocka_unit_test(test_pairset_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
