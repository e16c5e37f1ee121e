/* web/match.c and web/sigs.c: Aho-Corasick on overlapping patterns, and
 * the signature file format with its bad lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "web/web.h"
#include "web/web_internal.h"

struct got {
	uint32_t pat[64];
	size_t end[64];
	size_t n;
};

static void collect(void *arg, uint32_t p, size_t end)
{
	struct got *g = arg;
	if (g->n < 64) {
		g->pat[g->n] = p;
		g->end[g->n] = end;
		g->n++;
	}
}

/* Every occurrence, by brute force, to compare with the automaton. */
static size_t naive_count(const char *const *pats, size_t n, const char *s)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		for (const char *p = s; (p = strstr(p, pats[i])) != NULL; p++)
			c++;
	return c;
}

static void test_overlaps(void **state)
{
	(void)state;
	const char *pats[] = {"he", "she", "his", "hers", "/.env", ".env", "env", "/.git/",
			      "/.git/config"};
	size_t lens[9];
	for (size_t i = 0; i < 9; i++)
		lens[i] = strlen(pats[i]);
	struct ac a;
	ac_build(&a, pats, lens, 9);
	struct got g = {0};
	ac_scan(&a, "ushers", 6, collect, &g);
	/* she and he end at 4 (longest first), hers at 6 */
	assert_int_equal(g.n, 3);
	assert_int_equal(g.pat[0], 1);
	assert_int_equal(g.end[0], 4);
	assert_int_equal(g.pat[1], 0);
	assert_int_equal(g.pat[2], 3);
	assert_int_equal(g.end[2], 6);

	memset(&g, 0, sizeof(g));
	ac_scan(&a, "/.ENV/.git/CONFIG", 17, collect, &g);
	assert_int_equal(g.n, naive_count(pats, 9, "/.env/.git/config"));
	/* upper case folds to lower */
	assert_int_equal(g.pat[0], 4);

	const char *texts[] = {"hishershe", "/.git/.git/config.env", "", "h", "zzzhezzz"};
	for (size_t i = 0; i < 5; i++) {
		memset(&g, 0, sizeof(g));
		ac_scan(&a, texts[i], strlen(texts[i]), collect, &g);
		assert_int_equal(g.n, naive_count(pats, 9, texts[i]));
	}
	ac_free(&a);
}

static void test_empty_set(void **state)
{
	(void)state;
	struct ac a;
	ac_build(&a, NULL, NULL, 0);
	struct got g = {0};
	ac_scan(&a, "anything", 8, collect, &g);
	assert_int_equal(g.n, 0);
	ac_free(&a);
}

static void test_builtin(void **state)
{
	(void)state;
	struct web_sigset *s = web_sigset_builtin();
	/* the issue asks for at least 150 */
	assert_true(web_sigset_count(s) >= 150);
	int have_phf = 0, have_log4 = 0;
	for (size_t i = 0; i < web_sigset_count(s); i++) {
		const struct web_signature *g = web_sigset_get(s, i);
		assert_non_null(g->reference);
		assert_true(g->severity >= 1 && g->severity <= 5);
		if (strcmp(g->name, "phf") == 0)
			have_phf = strstr(g->reference, "CA-1996-06") != NULL;
		if (strcmp(g->name, "log4shell") == 0)
			have_log4 = strstr(g->reference, "CVE-2021-44228") != NULL;
	}
	assert_true(have_phf);
	assert_true(have_log4);
	web_sigset_compile(s);
	web_sigset_free(s);
}

static void test_file_format(void **state)
{
	(void)state;
	const char text[] =
		"# comment\n"
		"\n"
		"one\texploit\tALERT\tpath\t/One\tCVE-1\n"
		"two\tnosuchclass\tALERT\tpath\t/two\tCVE-2\n"
		"three\texploit\t9\tpath\t/three\tCVE-3\n"
		"four\texploit\tWARNING\tnowhere\t/four\tCVE-4\n"
		"five\texploit\tINFO\tpath\n"
		"six\tscanner\t2\tuser-agent\t^zgrab$\thttps://example.org\r\n"
		"one\txss\t4\tquery\t<script\tCWE-79\n";
	struct web_sigset *s = web_sigset_new();
	char err[256];
	int bad = web_sigset_load_text(s, "t.tsv", text, sizeof(text) - 1, err, sizeof(err));
	assert_int_equal(bad, 4);
	assert_string_equal(err, "t.tsv:4: unknown class");
	assert_int_equal(web_sigset_count(s), 2);
	const struct web_signature *g = web_sigset_get(s, 0);
	/* "one" was replaced in place by the later line */
	assert_string_equal(g->name, "one");
	assert_int_equal(g->cls, WEB_CLASS_XSS);
	assert_int_equal(g->field, WEB_FIELD_QUERY);
	assert_string_equal(g->origin, "t.tsv:9");
	g = web_sigset_get(s, 1);
	assert_int_equal(g->anchor, WEB_ANCHOR_EXACT);
	assert_string_equal(g->pattern, "zgrab");
	assert_string_equal(g->reference, "https://example.org");
	web_sigset_free(s);

	s = web_sigset_new();
	assert_int_equal(web_sigset_load_file(s, "/nonexistent/x", err, sizeof(err)), -1);
	web_sigset_free(s);
}

/* The sum of pattern bytes is capped (it bounds the automata's size);
 * replacing a signature gives its bytes back. */
static void test_pattern_bytes_cap(void **state)
{
	(void)state;
	struct web_sigset *s = web_sigset_new();
	char line[320], err[256], pat[201];
	memset(pat, 'a', 200);
	pat[200] = '\0';
	int bad = 0;
	for (int i = 0; i < 200; i++) {
		int n = snprintf(line, sizeof(line), "s%d\texploit\t5\tpath\t%s%d\tref\n", i,
				 pat + 8, i);
		bad += web_sigset_load_text(s, "big.tsv", line, (size_t)n, err, sizeof(err));
	}
	size_t kept = web_sigset_count(s);
	assert_true(bad > 0);
	assert_int_equal(kept + (size_t)bad, 200);
	assert_true(kept * 192 <= 32768 && (kept + 1) * 195 > 32768);
	assert_non_null(strstr(err, "patterns too long in all"));
	/* a replacement of the same size fits */
	int n = snprintf(line, sizeof(line), "s0\texploit\t5\tpath\t%s\tref\n", pat + 8);
	assert_int_equal(web_sigset_load_text(s, "big.tsv", line, (size_t)n, err, sizeof(err)), 0);
	assert_int_equal(web_sigset_count(s), kept);
	web_sigset_compile(s);
	web_sigset_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_empty_set),
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_file_format),
		cmocka_unit_test(test_pattern_bytes_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
