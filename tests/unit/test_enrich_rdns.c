/* rdns.c: names come back for addresses that have one (loopback through
 * /etc/hosts: no network), each distinct address is looked up once, the
 * budget holds even when a lookup hangs (a substituted lookup that sleeps),
 * and the cache cap refuses what does not fit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/addr.h"
#include "enrich/rdns.h"

static struct ip_addr ip(const char *s)
{
	struct ip_addr a;
	assert_int_equal(addr_parse(s, strlen(s), &a), 0);
	return a;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* /etc/hosts maps 127.0.0.1 to localhost on every system this runs on;
 * the test says so and skips where it does not. */
static int hosts_has_localhost(void)
{
	FILE *f = fopen("/etc/hosts", "r");
	char line[512];
	int found = 0;
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strncmp(line, "127.0.0.1", 9) == 0 && strstr(line, "localhost") != NULL;
	fclose(f);
	return found;
}

static void test_loopback_name(void **state)
{
	(void)state;
	if (!hosts_has_localhost()) {
		print_message("skip: /etc/hosts has no 127.0.0.1 localhost line\n");
		skip();
	}
	struct rdns *r = rdns_new(2, 0, NULL);
	struct ip_addr a = ip("127.0.0.1");
	assert_int_equal(rdns_resolve(r, &a, 1, 5000), 1);
	const char *name = rdns_name(r, &a);
	assert_non_null(name);
	assert_true(strncmp(name, "localhost", 9) == 0);
	struct ip_addr other = ip("127.0.0.2");
	assert_null(rdns_name(r, &other)); /* never asked */
	rdns_free(r);
}

/* ---- a substituted lookup ------------------------------------------------ */

static int calls;
static int slow_ms = 2000;

static int fake_lookup(const struct ip_addr *a, char *buf, size_t len)
{
	__atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST);
	uint32_t v = addr_v4(a);
	if ((v & 0xff) == 99) { /* hangs past the budget */
		struct timespec ts = {slow_ms / 1000, (long)(slow_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
	if ((v & 0xff) == 7)
		return -1; /* no PTR */
	if ((v & 0xff) == 8) {
		snprintf(buf, len, "bad\nname.example"); /* not a host name */
		return 0;
	}
	snprintf(buf, len, "host-%u.example.net.", v & 0xff);
	return 0;
}

static void test_cached_once(void **state)
{
	(void)state;
	calls = 0;
	struct rdns *r = rdns_new(3, 0, fake_lookup);
	struct ip_addr v[] = {ip("192.0.2.1"), ip("192.0.2.2"), ip("192.0.2.1"), ip("192.0.2.7"),
			      ip("192.0.2.8"), ip("192.0.2.2")};
	assert_int_equal(rdns_resolve(r, v, 6, 5000), 4);
	assert_int_equal(calls, 4);
	assert_string_equal(rdns_name(r, &v[0]), "host-1.example.net"); /* dot dropped */
	assert_string_equal(rdns_name(r, &v[1]), "host-2.example.net");
	assert_null(rdns_name(r, &v[3]));
	assert_null(rdns_name(r, &v[4]));
	/* asked again: nothing new is looked up */
	assert_int_equal(rdns_resolve(r, v, 6, 5000), 0);
	assert_int_equal(calls, 4);
	struct rdns_stats st;
	rdns_get_stats(r, &st);
	assert_int_equal(st.asked, 4);
	assert_int_equal(st.named, 2);
	assert_int_equal(st.timed_out, 0);
	rdns_free(r);
}

static void test_budget_is_kept(void **state)
{
	(void)state;
	calls = 0;
	slow_ms = 1500;
	struct rdns *r = rdns_new(2, 0, fake_lookup);
	struct ip_addr v[] = {ip("192.0.2.99"), ip("192.0.2.3"), ip("192.0.2.4")};
	int64_t t0 = now_ms();
	size_t answered = rdns_resolve(r, v, 3, 300);
	int64_t took = now_ms() - t0;
	assert_true(took < 1000); /* returned at the budget, not after the hang */
	assert_true(took >= 250 || answered == 3);
	assert_int_equal(answered, 2);
	assert_null(rdns_name(r, &v[0]));
	assert_string_equal(rdns_name(r, &v[1]), "host-3.example.net");
	struct rdns_stats st;
	rdns_get_stats(r, &st);
	assert_int_equal(st.timed_out, 1);
	/* the straggler is not tried again */
	assert_int_equal(rdns_resolve(r, v, 1, 300), 0);
	rdns_free(r); /* does not wait for the hanging lookup */
	assert_true(now_ms() - t0 < 1200);
	/* let the straggler finish before the process ends */
	struct timespec ts = {1, 500000000L};
	nanosleep(&ts, NULL);
}

static void test_zero_budget_and_cap(void **state)
{
	(void)state;
	calls = 0;
	slow_ms = 300;
	struct rdns *r = rdns_new(1, 2, fake_lookup);
	struct ip_addr v[] = {ip("192.0.2.99"), ip("192.0.2.5"), ip("192.0.2.6")};
	int64_t t0 = now_ms();
	rdns_resolve(r, v, 3, 0);
	assert_true(now_ms() - t0 < 250);
	struct rdns_stats st;
	rdns_get_stats(r, &st);
	assert_int_equal(st.asked, 2);
	assert_int_equal(st.refused, 1);
	rdns_free(r);
	rdns_free(NULL);
	struct timespec ts = {0, 500000000L};
	nanosleep(&ts, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback_name),
		cmocka_unit_test(test_cached_once),
		cmocka_unit_test(test_budget_is_kept),
		cmocka_unit_test(test_zero_budget_and_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
