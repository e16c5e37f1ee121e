/* tables.c (stats/geo_tables.h): per-country totals and top ports by
 * sources, port -> countries, per-target port counts, services per month
 * with catalog markers, the trend score, and that the tables of merged
 * per-thread stats equal those of one stats over the same events. The
 * country lookup is a stub: the first octet decides. */
#include <stdlib.h>

#include "enrich/catalog.h"
#include "stats/geo_tables.h"
#include "test_stats_util.h"

#define DAY 86400
#define T0 1651363200 /* 2022-05-01 00:00 UTC */

static int stub_country(void *ctx, const struct ip_addr *a, char cc[3])
{
	(void)ctx;
	if (!addr_is_v4(a))
		return -1;
	switch (addr_v4(a) >> 24) {
	case 1: memcpy(cc, "JP", 3); return 0;
	case 2: memcpy(cc, "de", 3); return 0; /* lower case is accepted */
	default: return -1;
	}
}

static int stub_asn(void *ctx, const struct ip_addr *a, uint32_t *asn, const char **org)
{
	(void)ctx;
	if (addr_v4(a) >> 24 != 1)
		return -1;
	*asn = 64500;
	*org = "Example";
	return 0;
}

static int stub_none(void *ctx, const struct ip_addr *a, char cc[3])
{
	(void)ctx;
	(void)a;
	(void)cc;
	return -1;
}

static const struct tables_geo stub = {
	.country = stub_country, .asn = stub_asn, .country_source = "stub"};

static void add(struct stats *s, const char *src, const char *dst, uint16_t port, int64_t t,
		unsigned count)
{
	struct tz_cache tz = {0};
	struct event ev = tu_event(src, dst, IPPROTO_NUM_TCP, port, t, EVENT_ACTION_DROP);
	ev.count = count;
	stats_add(s, &ev, &tz);
}

/* JP: 1.0.0.1 (23 x3, 80), 1.0.0.2 (23); DE: 2.0.0.1 (445 x5); unknown:
 * 9.0.0.1 (23, 22). Two targets, over May and June 2022. */
static void fill(struct stats *s)
{
	add(s, "1.0.0.1", "10.0.0.1", 23, T0, 3);
	add(s, "1.0.0.1", "10.0.0.1", 80, T0 + DAY, 1);
	add(s, "1.0.0.2", "10.0.0.2", 23, T0 + 2 * DAY, 1);
	add(s, "2.0.0.1", "10.0.0.1", 445, T0 + 40 * DAY, 5);
	add(s, "9.0.0.1", "10.0.0.2", 23, T0 + 3 * DAY, 1);
	add(s, "9.0.0.1", "10.0.0.2", 22, T0 + 40 * DAY, 1);
}

static void test_countries_and_ports(void **state)
{
	(void)state;
	assert_int_equal(timeconv_set_zone("UTC"), 0);
	struct stats_config cfg;
	struct catalog *cat = tu_config(&cfg);
	struct stats *s = stats_new(&cfg);
	fill(s);
	struct summary *sum = stats_summarise(s, 0);
	struct summary_tables *t = stats_tables(s, sum, &stub, NULL);

	assert_true(t->have_country);
	assert_int_equal(t->n_countries, 3);
	assert_string_equal(t->countries[0].cc, "DE"); /* 5 events */
	assert_int_equal(t->countries[0].events, 5);
	assert_string_equal(t->countries[1].cc, "JP"); /* 5 events, after DE by code */
	assert_int_equal(t->countries[1].sources, 2);
	assert_int_equal(t->countries[1].n_top, 2);
	assert_int_equal(t->countries[1].top[0].port, 23); /* 2 sources */
	assert_int_equal(t->countries[1].top[0].count, 2);
	assert_int_equal(t->countries[1].top[1].port, 80);
	assert_string_equal(t->countries[2].cc, TABLES_CC_UNKNOWN);
	assert_true(t->countries[0].share > 0.41 && t->countries[0].share < 0.42); /* 5/12 */

	/* Port rows follow summary.ports: 23 (5 events) first. */
	assert_int_equal(t->n_ports, sum->n_ports_rows);
	const struct tables_port *p23 = &t->ports[0];
	assert_int_equal(p23->port, 23);
	assert_int_equal(p23->countries_total, 2);
	assert_string_equal(p23->countries[0].cc, "JP");
	assert_int_equal(p23->countries[0].sources, 2);
	assert_string_equal(p23->countries[1].cc, TABLES_CC_UNKNOWN);
	assert_non_null(p23->svc);

	/* Targets: 10.0.0.1 has 445 (5), 23 (3), 80 (1). */
	assert_int_equal(t->n_targets, 2);
	const struct tables_target *tg = &t->targets[0];
	char buf[ADDR_STRLEN];
	assert_string_equal(addr_format(&tg->addr, buf), "10.0.0.1");
	assert_int_equal(tg->ports_total, 3);
	assert_int_equal(tg->ports[0].port, 445);
	assert_int_equal(tg->ports[0].count, 5);
	assert_int_equal(tg->ports[2].port, 80);

	/* Months: May, June; 445 only in June, with the catalog's markers. */
	assert_int_equal(t->n_months, 2);
	assert_int_equal(t->months[0], 202205);
	assert_int_equal(t->months[1], 202206);
	const struct tables_series *se = NULL;
	for (size_t i = 0; i < t->n_series; i++)
		if (t->series[i].port == 445)
			se = &t->series[i];
	assert_non_null(se);
	assert_int_equal(se->per_month[0], 0);
	assert_int_equal(se->per_month[1], 5);
	assert_true(se->n_markers >= 1);

	/* Trend day 2022-06-10: 445 and 22 are new; 445 scores 6, 22 scores 2. */
	assert_int_equal(t->trend_day, 20220610);
	assert_int_equal(t->n_trend, 2);
	assert_int_equal(t->trend[0].port, 445);
	assert_true(t->trend[0].is_new);
	assert_true(t->trend[0].score > 5.99 && t->trend[0].score < 6.01);
	assert_int_equal(t->trend[1].port, 22);

	/* Sources: ASN from the stub for 1.x only. */
	for (size_t i = 0; i < t->n_sources; i++) {
		uint32_t first = addr_v4(&sum->sources[i].addr) >> 24;
		assert_int_equal(t->sources[i].asn, first == 1 ? 64500 : 0);
		if (first == 1)
			assert_string_equal(t->sources[i].org, "Example");
	}
	tables_free(t);

	/* No geo: everything unknown, one country row; the same as a database
	 * that knows no address (the pairs folded the long way). */
	t = stats_tables(s, sum, NULL, NULL);
	assert_false(t->have_country);
	assert_int_equal(t->n_countries, 1);
	assert_string_equal(t->countries[0].cc, TABLES_CC_UNKNOWN);
	assert_int_equal(t->countries[0].events, 12);
	assert_int_equal(t->countries[0].sources, 4);
	const struct tables_geo none = {.country = stub_none};
	struct summary_tables *t2 = stats_tables(s, sum, &none, NULL);
	assert_int_equal(t2->n_countries, 1);
	assert_memory_equal(&t->countries[0], &t2->countries[0], sizeof(t->countries[0]));
	assert_int_equal(t->n_ports, t2->n_ports);
	for (size_t i = 0; i < t->n_ports; i++)
		assert_memory_equal(&t->ports[i], &t2->ports[i], sizeof(t->ports[i]));
	tables_free(t2);
	tables_free(t);
	summary_free(sum);
	stats_free(s);
	catalog_free(cat);
}

static void test_merge_equal(void **state)
{
	(void)state;
	struct stats *one = stats_new(NULL), *a = stats_new(NULL), *b = stats_new(NULL);
	fill(one);
	add(a, "1.0.0.1", "10.0.0.1", 23, T0, 3);
	add(b, "1.0.0.1", "10.0.0.1", 80, T0 + DAY, 1);
	add(a, "1.0.0.2", "10.0.0.2", 23, T0 + 2 * DAY, 1);
	add(b, "2.0.0.1", "10.0.0.1", 445, T0 + 40 * DAY, 5);
	add(b, "9.0.0.1", "10.0.0.2", 23, T0 + 3 * DAY, 1);
	add(a, "9.0.0.1", "10.0.0.2", 22, T0 + 40 * DAY, 1);
	stats_merge(b, a);
	struct summary *s1 = stats_summarise(one, 0), *s2 = stats_summarise(b, 0);
	struct summary_tables *t1 = stats_tables(one, s1, &stub, NULL);
	struct summary_tables *t2 = stats_tables(b, s2, &stub, NULL);
	assert_int_equal(t1->n_countries, t2->n_countries);
	for (size_t i = 0; i < t1->n_countries; i++)
		assert_memory_equal(&t1->countries[i], &t2->countries[i], sizeof(t1->countries[i]));
	assert_int_equal(t1->n_targets, t2->n_targets);
	for (size_t i = 0; i < t1->n_targets; i++)
		assert_memory_equal(&t1->targets[i], &t2->targets[i], sizeof(t1->targets[i]));
	assert_int_equal(t1->n_series, t2->n_series);
	for (size_t i = 0; i < t1->n_series; i++)
		for (size_t m = 0; m < t1->n_months; m++)
			assert_int_equal(t1->series[i].per_month[m], t2->series[i].per_month[m]);
	assert_int_equal(t1->n_trend, t2->n_trend);
	for (size_t i = 0; i < t1->n_trend; i++)
		assert_int_equal(t1->trend[i].port, t2->trend[i].port);
	tables_free(t1);
	tables_free(t2);
	summary_free(s1);
	summary_free(s2);
	stats_free(one);
	stats_free(a);
	stats_free(b);
}

static void test_markers(void **state)
{
	(void)state;
	struct tables_marker m[4];
	assert_int_equal(tables_note_markers("SMB; Sasser MS04-011 (2004-04-13), Conficker "
					     "MS08-067 (2008-10-23), WannaCry (2017)", m, 4), 2);
	assert_string_equal(m[0].label, "MS04-011");
	assert_int_equal(m[0].day, 20040413);
	assert_string_equal(m[1].label, "MS08-067");
	assert_int_equal(tables_note_markers("bad (2004-13-01) x (2004-01-01", m, 4), 0);
	assert_int_equal(tables_note_markers("(2000-07-27) no label", m, 4), 0);
	assert_int_equal(tables_note_markers(NULL, m, 4), 0);
	assert_int_equal(tables_note_markers("A (2001-01-01) B (2002-02-02)", m, 1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_countries_and_ports),
		cmocka_unit_test(test_merge_equal),
		cmocka_unit_test(test_markers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
