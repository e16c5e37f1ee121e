/* The compact representations in stats/ give the same results as the
 * plain ones would: a source's per-action counts are 32 bits in its entry
 * and move to the wide side table when one would pass 2^32 - 1 ("N
 * packets" lines with large counts), exact on both sides of that move and
 * after merging; a summary made with a list limit keeps the first rows
 * of the ALERT/WARNING lists of the full summary and counts them all. */
#include <stdlib.h>

#include "test_stats_util.h"

#include "core/util.h"
#include "enrich/catalog.h"

#define BIG 0xfffffff0u /* near UINT32_MAX: two of these overflow 32 bits */

static struct event big_event(const char *src, uint8_t action, uint32_t count)
{
	struct event ev = tu_event(src, "192.0.2.1", IPPROTO_NUM_TCP, 23,
				   tu_utc(2024, 3, 1, 12, 0, 0), action);
	ev.count = count;
	return ev;
}

static const struct summary_source *find_source(const struct summary *sum, const char *addr)
{
	struct ip_addr a = tu_addr(addr);
	for (size_t i = 0; i < sum->n_sources_rows; i++)
		if (memcmp(&sum->sources[i].addr, &a, sizeof(a)) == 0)
			return &sum->sources[i];
	fail_msg("source %s not in the summary", addr);
	return NULL;
}

static void add(struct stats *s, const char *src, uint8_t action, uint32_t count)
{
	struct tz_cache tz = {0};
	struct event ev = big_event(src, action, count);
	stats_add(s, &ev, &tz);
}

/* One source over 2^32 in one action, another just below it. */
static void test_wide_source(void **state)
{
	(void)state;
	assert_int_equal(timeconv_set_zone("UTC"), 0);
	struct stats *s = stats_new(NULL);
	add(s, "198.51.100.1", EVENT_ACTION_DROP, BIG);
	add(s, "198.51.100.1", EVENT_ACTION_REJECT, 7);
	add(s, "198.51.100.1", EVENT_ACTION_DROP, BIG); /* passes 2^32: moves */
	add(s, "198.51.100.1", EVENT_ACTION_ACCEPT, 5); /* after the move */
	add(s, "198.51.100.2", EVENT_ACTION_DROP, BIG);
	add(s, "198.51.100.2", EVENT_ACTION_DROP, 15); /* exactly UINT32_MAX: stays */
	struct summary *sum = stats_summarise(s, 0);

	const struct summary_source *a = find_source(sum, "198.51.100.1");
	assert_true(a->by_action[EVENT_ACTION_DROP] == 2ull * BIG);
	assert_true(a->by_action[EVENT_ACTION_REJECT] == 7);
	assert_true(a->by_action[EVENT_ACTION_ACCEPT] == 5);
	assert_true(a->events == 2ull * BIG + 12);
	const struct summary_source *b = find_source(sum, "198.51.100.2");
	assert_true(b->by_action[EVENT_ACTION_DROP] == UINT32_MAX);
	assert_true(b->events == UINT32_MAX);
	/* The busier source ranks first. */
	assert_memory_equal(&sum->sources[0].addr, &a->addr, sizeof(a->addr));
	assert_true(sum->events == a->events + b->events);
	summary_free(sum);
	stats_free(s);
}

/* Merging: a wide source into a narrow one, two narrow ones whose sum
 * overflows, and the result equal to one stats over all the events. */
static void test_wide_merge(void **state)
{
	(void)state;
	assert_int_equal(timeconv_set_zone("UTC"), 0);
	struct stats *one = stats_new(NULL), *x = stats_new(NULL), *y = stats_new(NULL);
	struct {
		struct stats *part;
		const char *src;
		uint8_t action;
		uint32_t count;
	} evs[] = {
		{x, "198.51.100.1", EVENT_ACTION_DROP, BIG},
		{x, "198.51.100.1", EVENT_ACTION_DROP, BIG},
		{y, "198.51.100.1", EVENT_ACTION_DROP, 3},
		{x, "198.51.100.2", EVENT_ACTION_REJECT, BIG},
		{y, "198.51.100.2", EVENT_ACTION_REJECT, BIG},
		{y, "198.51.100.3", EVENT_ACTION_LOG, 9},
	};
	for (size_t i = 0; i < ARRAY_LEN(evs); i++) {
		add(one, evs[i].src, evs[i].action, evs[i].count);
		add(evs[i].part, evs[i].src, evs[i].action, evs[i].count);
	}
	stats_merge(y, x);
	struct summary *a = stats_summarise(one, 0), *b = stats_summarise(y, 0);
	tu_summary_equal(a, b);
	assert_true(find_source(b, "198.51.100.1")->by_action[EVENT_ACTION_DROP] == 2ull * BIG + 3);
	assert_true(find_source(b, "198.51.100.2")->by_action[EVENT_ACTION_REJECT] == 2ull * BIG);
	assert_true(find_source(b, "198.51.100.3")->events == 9);
	summary_free(a);
	summary_free(b);
	stats_free(one);
	stats_free(x);
	stats_free(y);
}

/* Groups with tied times (the order then comes from the keys), listed
 * with limits below, at and above their number. */
static void test_list_limit(void **state)
{
	(void)state;
	assert_int_equal(timeconv_set_zone("UTC"), 0);
	struct stats_config cfg;
	struct catalog *cat = tu_config(&cfg);
	struct stats *s = stats_new(&cfg);
	struct tz_cache tz = {0};
	static const uint16_t ports[] = {23, 1433, 445, 3389, 22, 80};
	char src[32], dst[32];
	for (unsigned i = 0; i < 60; i++) {
		snprintf(src, sizeof(src), "198.51.100.%u", 60 - i % 7);
		snprintf(dst, sizeof(dst), "192.0.2.%u", 1 + i % 3);
		struct event ev = tu_event(src, dst, IPPROTO_NUM_TCP, ports[i % ARRAY_LEN(ports)],
					   tu_utc(2024, 3, 1, 12, 0, i / 4), EVENT_ACTION_DROP);
		ev.line = i + 1;
		stats_add(s, &ev, &tz);
	}
	struct summary *all = stats_summarise(s, 0);
	assert_true(all->n_alerts > 5 && all->n_warnings > 0);
	assert_true(all->n_alert_rows == all->n_alerts);
	assert_true(all->n_warning_rows == all->n_warnings);
	size_t limits[] = {1, 5, all->n_alerts, all->n_alerts + 10, 0};
	for (size_t l = 0; l < ARRAY_LEN(limits); l++) {
		struct summary *part = stats_summarise_lists(s, 0, limits[l]);
		assert_true(part->n_alerts == all->n_alerts);
		assert_true(part->n_warnings == all->n_warnings);
		size_t want = limits[l] && limits[l] < all->n_alerts ? limits[l] : all->n_alerts;
		assert_true(part->n_alert_rows == want);
		for (size_t i = 0; i < want; i++)
			tu_group_equal(&part->alerts[i], &all->alerts[i]);
		want = limits[l] && limits[l] < all->n_warnings ? limits[l] : all->n_warnings;
		assert_true(part->n_warning_rows == want);
		for (size_t i = 0; i < want; i++)
			tu_group_equal(&part->warnings[i], &all->warnings[i]);
		summary_free(part);
	}
	summary_free(all);
	stats_free(s);
	catalog_free(cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wide_source),
		cmocka_unit_test(test_wide_merge),
		cmocka_unit_test(test_list_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
