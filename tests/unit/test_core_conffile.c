/* conffile.c: entries, sections, quoting, and bad lines counted with the
 * first one located. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/conffile.h"

static void parse(struct conffile *cf, const char *text)
{
	conffile_parse(cf, text, strlen(text));
}

static void test_entries_and_sections(void **state)
{
	(void)state;
	struct conffile cf;
	parse(&cf, "# comment\n\n  home 10.0.0.0/8  \r\n--tz = Asia/Tokyo\nresolve\n"
		   "[abuse]\nfrom \"Abuse desk <abuse@example.net>\"\nsubject \"\"\n");
	assert_int_equal(cf.bad, 0);
	assert_int_equal(cf.n, 5);
	assert_null(cf.entries[0].section);
	assert_string_equal(cf.entries[0].name, "home");
	assert_string_equal(cf.entries[0].value, "10.0.0.0/8");
	assert_int_equal(cf.entries[0].line, 3);
	assert_string_equal(cf.entries[1].name, "tz");
	assert_string_equal(cf.entries[1].value, "Asia/Tokyo");
	assert_string_equal(cf.entries[2].name, "resolve");
	assert_null(cf.entries[2].value); /* a flag */
	assert_string_equal(cf.entries[3].section, "abuse");
	assert_string_equal(cf.entries[3].value, "Abuse desk <abuse@example.net>");
	assert_non_null(cf.entries[4].value); /* "" is an empty value */
	assert_string_equal(cf.entries[4].value, "");
	conffile_fini(&cf);
}

static void test_bad_lines(void **state)
{
	(void)state;
	struct conffile cf;
	parse(&cf, "ok 1\nBad!name x\n[unclosed\nfrom \"open\nlast 2");
	assert_int_equal(cf.n, 2);
	assert_int_equal(cf.bad, 3);
	assert_string_equal(cf.entries[1].name, "last"); /* no final newline */
	assert_string_equal(cf.first_error, "line 2: an option name is letters, digits and '-'");
	conffile_fini(&cf);

	char *big = malloc(CONFFILE_MAX_LINE + 20);
	memset(big, 'a', CONFFILE_MAX_LINE + 10);
	memcpy(big + CONFFILE_MAX_LINE + 10, "\nx 1\n", 6);
	parse(&cf, big);
	assert_int_equal(cf.bad, 1);
	assert_int_equal(cf.n, 1);
	assert_int_equal(cf.entries[0].line, 2);
	conffile_fini(&cf);
	free(big);

	static const char with_nul[] = "a 1\nb\0c\nd 2\n";
	conffile_parse(&cf, with_nul, sizeof(with_nul) - 1);
	assert_int_equal(cf.n, 2);
	assert_int_equal(cf.bad, 1);
	conffile_fini(&cf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries_and_sections),
		cmocka_unit_test(test_bad_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
