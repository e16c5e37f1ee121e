/* Helpers shared by the stats tests: building events by hand and comparing
 * two summaries field by field. */
#ifndef CLSCAN_TEST_STATS_UTIL_H
#define CLSCAN_TEST_STATS_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/addr.h"
#include "core/event.h"
#include "core/timeconv.h"
#include "enrich/catalog.h"
#include "stats/stats.h"

static inline struct ip_addr tu_addr(const char *s)
{
	struct ip_addr a;
	if (addr_parse(s, strlen(s), &a) != 0)
		fail_msg("bad test address %s", s);
	return a;
}

/* An inbound event from src to dst:dport (ICMP: type) at a UTC time in
 * seconds (0 = no time); src or dst NULL leaves them out. */
static inline struct event tu_event(const char *src, const char *dst, uint8_t proto,
				    uint16_t dport, int64_t t_sec, uint8_t action)
{
	struct event ev;
	event_clear(&ev);
	if (src) {
		ev.src = tu_addr(src);
		ev.flags |= EVENT_HAS_SRC;
	}
	if (dst) {
		ev.dst = tu_addr(dst);
		ev.flags |= EVENT_HAS_DST;
	}
	ev.proto = proto;
	if (proto == IPPROTO_NUM_ICMP || proto == IPPROTO_NUM_ICMPV6) {
		ev.icmp_type = (uint8_t)dport;
		ev.flags |= EVENT_HAS_ICMP;
	} else if (proto == IPPROTO_NUM_TCP || proto == IPPROTO_NUM_UDP) {
		ev.sport = 40000;
		ev.dport = dport;
		ev.flags |= EVENT_HAS_PORTS;
	}
	if (t_sec) {
		ev.time_ns = t_sec * NS_PER_SEC;
		ev.flags |= EVENT_HAS_TIME;
	}
	ev.action = action;
	ev.in_if.ptr = "eth0";
	ev.in_if.len = 4;
	return ev;
}

/* UTC seconds of a civil date and time. */
static inline int64_t tu_utc(int y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s)
{
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

#define TU_EQ(field) assert_true(a->field == b->field)

/* A stats configuration with the built-in catalog (the caller frees the
 * catalog it returns). */
static inline struct catalog *tu_config(struct stats_config *cfg)
{
	struct catalog *cat = catalog_new();
	assert_int_equal(catalog_load_builtin(cat), 0);
	stats_config_defaults(cfg);
	cfg->catalog = cat;
	return cat;
}

/* Two ALERT/WARNING rows alike in every field. */
static inline void tu_group_equal(const struct summary_group *x, const struct summary_group *y)
{
	assert_int_equal(x->cls, y->cls);
	assert_int_equal(x->proto, y->proto);
	assert_int_equal(x->port, y->port);
	assert_memory_equal(&x->src, &y->src, sizeof(x->src));
	assert_memory_equal(&x->dst, &y->dst, sizeof(x->dst));
	assert_ptr_equal(x->svc, y->svc);
	assert_true(x->events == y->events);
	assert_true(x->first_ns == y->first_ns);
	assert_true(x->last_ns == y->last_ns);
	assert_int_equal(x->first_unit, y->first_unit);
	assert_true(x->first_line == y->first_line);
}

static inline void tu_summary_equal(const struct summary *a, const struct summary *b)
{
	TU_EQ(events);
	TU_EQ(records);
	TU_EQ(first_ns);
	TU_EQ(last_ns);
	TU_EQ(n_sources);
	TU_EQ(n_targets);
	TU_EQ(n_ports);
	assert_memory_equal(a->by_action, b->by_action, sizeof(a->by_action));
	assert_memory_equal(a->by_proto, b->by_proto, sizeof(a->by_proto));
	assert_memory_equal(a->hours, b->hours, sizeof(a->hours));
	assert_memory_equal(a->weekdays, b->weekdays, sizeof(a->weekdays));

	TU_EQ(n_ports_rows);
	for (size_t i = 0; i < a->n_ports_rows; i++) {
		const struct summary_port *x = &a->ports[i], *y = &b->ports[i];
		assert_int_equal(x->proto, y->proto);
		assert_int_equal(x->port, y->port);
		assert_true(x->events == y->events);
		assert_true(x->sources == y->sources);
		assert_true(x->targets == y->targets);
		assert_ptr_equal(x->svc, y->svc);
	}
	TU_EQ(n_sources_rows);
	for (size_t i = 0; i < a->n_sources_rows; i++) {
		const struct summary_source *x = &a->sources[i], *y = &b->sources[i];
		assert_memory_equal(&x->addr, &y->addr, sizeof(x->addr));
		assert_true(x->events == y->events);
		assert_true(x->first_ns == y->first_ns);
		assert_true(x->last_ns == y->last_ns);
		assert_true(x->ports == y->ports);
		assert_true(x->targets == y->targets);
		assert_memory_equal(x->by_action, y->by_action, sizeof(x->by_action));
	}
	TU_EQ(n_targets_rows);
	for (size_t i = 0; i < a->n_targets_rows; i++) {
		const struct summary_target *x = &a->targets[i], *y = &b->targets[i];
		assert_memory_equal(&x->addr, &y->addr, sizeof(x->addr));
		assert_true(x->events == y->events);
		assert_true(x->sources == y->sources);
		assert_true(x->ports == y->ports);
		assert_true(x->first_ns == y->first_ns);
		assert_true(x->last_ns == y->last_ns);
	}
	TU_EQ(n_months);
	for (size_t i = 0; i < a->n_months; i++) {
		assert_true(a->months[i].key == b->months[i].key);
		assert_true(a->months[i].events == b->months[i].events);
	}
	TU_EQ(n_days);
	for (size_t i = 0; i < a->n_days; i++) {
		assert_true(a->days[i].key == b->days[i].key);
		assert_true(a->days[i].events == b->days[i].events);
	}
	TU_EQ(n_prefixes);
	for (size_t i = 0; i < a->n_prefixes; i++) {
		assert_string_equal(a->prefixes[i].text, b->prefixes[i].text);
		assert_int_equal(a->prefixes[i].action, b->prefixes[i].action);
		assert_true(a->prefixes[i].events == b->prefixes[i].events);
	}
	for (int list = 0; list < 2; list++) {
		const struct summary_group *ga = list ? a->warnings : a->alerts;
		const struct summary_group *gb = list ? b->warnings : b->alerts;
		size_t n = list ? a->n_warnings : a->n_alerts;
		assert_true(n == (list ? b->n_warnings : b->n_alerts));
		for (size_t i = 0; i < n; i++)
			tu_group_equal(&ga[i], &gb[i]);
	}
	TU_EQ(sources_dropped);
	TU_EQ(targets_dropped);
	TU_EQ(pairs_dropped);
	TU_EQ(groups_dropped);
}

#undef TU_EQ

#endif
