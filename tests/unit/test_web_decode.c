/* web/decode.c: the encodings probes hide behind, one case each, and the
 * bounds of the output buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "web/web.h"

static struct web_decoded d;

static const char *target(const char *s)
{
	web_decode_target(s, strlen(s), &d);
	return d.buf;
}

static const char *header(const char *s)
{
	web_decode_header(s, strlen(s), &d);
	return d.buf;
}

static void test_percent(void **state)
{
	(void)state;
	assert_string_equal(target("/a%20b/%2E%2e/etc/passwd"), "/a b/../etc/passwd");
	assert_string_equal(target("/%7Bjndi:ldap%7D"), "/{jndi:ldap}");
	/* a lone or bad escape stays as it is */
	assert_string_equal(target("/100%/x%zz%4"), "/100%/x%zz%4");
}

static void test_double_encoding(void **state)
{
	(void)state;
	assert_string_equal(target("/..%252e/..%252f%252e%252e/etc"), "/.../../../etc");
	assert_string_equal(target("/%252e%252e%252fetc"), "/../etc");
	/* three rounds at most: a fourth layer stays encoded */
	assert_string_equal(target("/%2525252e"), "/%2e");
}

static void test_u_encoding(void **state)
{
	(void)state;
	assert_string_equal(target("/%u002e%u002e/%u002F"), "/../");
	/* beyond ASCII: UTF-8 of U+00E9, lower-case is ASCII only */
	assert_string_equal(target("/%u00C9"), "/\xc3\x89");
}

static void test_overlong(void **state)
{
	(void)state;
	/* Nimda's and the 2000 IIS unicode hole's forms */
	assert_string_equal(target("/scripts/..%c0%af../winnt/system32/cmd.exe?/c+dir"),
			    "/scripts/../../winnt/system32/cmd.exe?/c dir");
	assert_string_equal(target("/scripts/..%c1%1c../winnt"), "/scripts/../../winnt");
	assert_string_equal(target("/scripts/..%c1%9c../winnt"), "/scripts/../../winnt");
	assert_string_equal(target("/msadc/..%e0%80%af../x"), "/msadc/../../x");
	assert_string_equal(target("/%c0%ae%c0%ae/x"), "/../x");
	/* double-encoded overlong */
	assert_string_equal(target("/scripts/..%255c../x"), "/scripts/../../x");
	/* a lead byte without a continuation byte swallows nothing */
	assert_string_equal(target("/scripts/\xc0root.exe"), "/scripts/\xc0root.exe");
	assert_string_equal(target("/%c1Admin"), "/\xc1" "admin");
	assert_string_equal(header("\xc0Nikto"), "\xc0nikto");
}

static void test_path_noise(void **state)
{
	(void)state;
	assert_string_equal(target("//A//B/./C/.\\D"), "/a/b/c/d");
	assert_string_equal(target("/Index.PHP?S=/Index/\\Think\\App/InvokeFunction&a=1+2"),
			    "/index.php?s=/index//think/app/invokefunction&a=1 2");
	assert_int_equal(d.path_len, strlen("/index.php"));
	/* '+' is a space in the query only */
	assert_string_equal(target("/a+b?c+d"), "/a+b?c d");
	/* an encoded '?' does not start the query */
	assert_string_equal(target("/result%3Fhl%3Den"), "/result?hl=en");
	assert_int_equal(d.path_len, d.len);
	/* NUL and control bytes become '.' */
	assert_string_equal(target("/a%00b%0d%0a"), "/a.b..");
}

static void test_header(void **state)
{
	(void)state;
	assert_string_equal(header("() { :; }; /bin/bash -c \"wget\""),
			    "() { :; }; /bin/bash -c \"wget\"");
	assert_string_equal(header("Mozilla%2F5.0 %24%7Bjndi%3A"), "mozilla/5.0 ${jndi:");
	/* backslashes stay in headers */
	assert_string_equal(header("A\\B"), "a\\b");
}

static void test_bounds(void **state)
{
	(void)state;
	size_t n = WEB_DECODE_MAX * 2;
	char *big = malloc(n + 1);
	memset(big, 'a', n);
	big[0] = '/';
	big[100] = '?';
	big[n] = '\0';
	web_decode_target(big, n, &d);
	assert_true(d.truncated);
	assert_true(d.len < WEB_DECODE_MAX);
	assert_int_equal(d.buf[d.len], '\0');
	web_decode_header(big, n, &d);
	assert_true(d.truncated);
	assert_true(d.len < WEB_DECODE_MAX);
	/* escapes cut at the end of the input */
	assert_string_equal(target("/x%2"), "/x%2");
	assert_string_equal(target("/x%u00"), "/x%u00");
	assert_string_equal(target("/x%c0"), "/x\xc0");
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_double_encoding),
		cmocka_unit_test(test_u_encoding),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_path_noise),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
