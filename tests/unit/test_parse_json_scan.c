/* The JSON-lines scanner (src/parse/json_scan.c): member lookup by path
 * (flat dotted keys win over nesting), the first of duplicate keys, the
 * grammar checks (RFC 8259: numbers, literals, nesting, trailing text),
 * escape decoding with surrogate pairs, numbers and stamps, and every
 * prefix of a real line in a buffer of exactly its length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/timeconv.h"
#include "parse/json_scan.h"

/* The line in a buffer of exactly its length (ASan sees a read past it). */
static char *exact(const char *s, size_t *len)
{
	*len = strlen(s);
	char *b = malloc(*len ? *len : 1);
	assert_non_null(b);
	memcpy(b, s, *len);
	return b;
}

static int extract(const char *s, struct json_want *w, size_t n)
{
	size_t len;
	char *b = exact(s, &len);
	int r = json_extract(b, len, w, n);
	/* the values point into b: compare them before it goes */
	static char keep[4096];
	if (r == 0 && len < sizeof(keep)) {
		memcpy(keep, b, len);
		for (size_t i = 0; i < n; i++)
			if (w[i].val.p)
				w[i].val.p = keep + (w[i].val.p - b);
	}
	free(b);
	return r;
}

static void assert_val(const struct json_val *v, enum json_type t, const char *text)
{
	assert_int_equal(v->type, t);
	if (text) {
		assert_int_equal(v->len, strlen(text));
		assert_memory_equal(v->p, text, v->len);
	}
}

static void test_lookup(void **state)
{
	(void)state;
	struct json_want w[] = {
		{.path = "a"},	 {.path = "b.c"}, {.path = "b"},	  {.path = "id.orig_h"},
		{.path = "n"},	 {.path = "t"},	  {.path = "missing"}, {.path = "b.d.e"},
		{.path = "arr"},
	};
	assert_int_equal(extract(" {\"a\": \"x\", \"b\": {\"c\": 5, \"d\": {\"e\": null}}, "
				 "\"id.orig_h\": \"10.0.0.1\", \"n\": -1.5e+3, \"t\": true, "
				 "\"arr\": [1, \"2\", {\"c\": 3}], \"a\": \"second\"}\r\n",
				 w, 9),
			 0);
	assert_val(&w[0].val, JSON_STRING, "x"); /* the first of two "a" */
	assert_val(&w[1].val, JSON_NUMBER, "5");
	assert_val(&w[2].val, JSON_OBJECT, "{\"c\": 5, \"d\": {\"e\": null}}");
	assert_val(&w[3].val, JSON_STRING, "10.0.0.1");
	assert_val(&w[4].val, JSON_NUMBER, "-1.5e+3");
	assert_val(&w[5].val, JSON_TRUE, "true");
	assert_int_equal(w[6].val.type, JSON_NONE);
	assert_val(&w[7].val, JSON_NULL, "null");
	assert_val(&w[8].val, JSON_ARRAY, "[1, \"2\", {\"c\": 3}]");

	/* a literal dotted key wins over the nested one, in either order */
	struct json_want z[] = {{.path = "id.orig_h"}};
	assert_int_equal(extract("{\"id\": {\"orig_h\": \"nested\"}, \"id.orig_h\": \"flat\"}", z, 1),
			 0);
	assert_val(&z[0].val, JSON_STRING, "flat");
	assert_int_equal(extract("{\"id.orig_h\": \"flat\", \"id\": {\"orig_h\": \"nested\"}}", z, 1),
			 0);
	assert_val(&z[0].val, JSON_STRING, "flat");
	assert_int_equal(extract("{\"id\": {\"orig_h\": \"nested\"}}", z, 1), 0);
	assert_val(&z[0].val, JSON_STRING, "nested");
	/* a dotted path does not descend into an array or a string */
	assert_int_equal(extract("{\"id\": [{\"orig_h\": 1}]}", z, 1), 0);
	assert_int_equal(z[0].val.type, JSON_NONE);

	/* an escaped key matches its decoded name */
	struct json_want k[] = {{.path = "src_ip"}};
	assert_int_equal(extract("{\"src\\u005fip\": \"1.2.3.4\"}", k, 1), 0);
	assert_val(&k[0].val, JSON_STRING, "1.2.3.4");

	/* empty object, nothing wanted */
	assert_int_equal(extract("{}", k, 1), 0);
	assert_int_equal(k[0].val.type, JSON_NONE);
	assert_int_equal(extract("{ \"a\" : 1 }", NULL, 0), 0);
}

static void test_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"   ",
		"[1, 2]",
		"\"str\"",
		"{",
		"{\"a\"}",
		"{\"a\":}",
		"{\"a\": 1,}",
		"{\"a\": 1 \"b\": 2}",
		"{\"a\": 01}",
		"{\"a\": 1.}",
		"{\"a\": -}",
		"{\"a\": 1e}",
		"{\"a\": tru}",
		"{\"a\": nul}",
		"{\"a\": \"unterminated}",
		"{\"a\": \"esc at end\\\"}",
		"{\"a\": [1, 2}",
		"{\"a\": {\"b\": 1]}",
		"{a: 1}",
		"{\"a\": 1} trailing",
		"{\"a\": 1}{}",
		NULL,
	};
	for (size_t i = 0; bad[i]; i++) {
		struct json_want w[] = {{.path = "a"}};
		if (extract(bad[i], w, 1) == 0)
			fail_msg("accepted: %s", bad[i]);
	}
	/* nesting is bounded */
	char deep[200];
	size_t n = 0;
	deep[n++] = '{';
	deep[n++] = '"';
	deep[n++] = 'a';
	deep[n++] = '"';
	deep[n++] = ':';
	for (int i = 0; i < 40; i++)
		deep[n++] = '[';
	for (int i = 0; i < 40; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	deep[n] = '\0';
	struct json_want w[] = {{.path = "a"}};
	assert_int_not_equal(extract(deep, w, 1), 0);
	/* too many wants */
	struct json_want many[JSON_MAX_WANT + 1];
	for (size_t i = 0; i <= JSON_MAX_WANT; i++)
		many[i].path = "a";
	assert_int_not_equal(json_extract("{}", 2, many, JSON_MAX_WANT + 1), 0);
}

static void test_decode(void **state)
{
	(void)state;
	struct json_want w[] = {{.path = "s"}};
	char buf[64];
	assert_int_equal(
		extract("{\"s\": \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u20ac\\ud83d\\ude00\"}", w, 1), 0);
	assert_true(w[0].val.escaped);
	long n = json_decode(&w[0].val, buf, sizeof(buf));
	const char want[] = "a\"b\\c/d\b\f\n\r\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
	assert_int_equal(n, (long)sizeof(want) - 1);
	assert_memory_equal(buf, want, sizeof(want) - 1);
	assert_int_equal(json_decode(&w[0].val, buf, 5), -1); /* no room */

	static const char *const bad[] = {
		"{\"s\": \"\\x41\"}",	     "{\"s\": \"\\u12\"}",     "{\"s\": \"\\u12G4\"}",
		"{\"s\": \"\\ud83d\"}",	     "{\"s\": \"\\ude00\"}",   "{\"s\": \"\\ud83d\\u0041\"}",
		NULL,
	};
	for (size_t i = 0; bad[i]; i++) {
		assert_int_equal(extract(bad[i], w, 1), 0);
		if (json_decode(&w[0].val, buf, sizeof(buf)) >= 0)
			fail_msg("decoded: %s", bad[i]);
	}

	/* comparison and text views */
	assert_int_equal(extract("{\"s\": \"cowrie.login\\u002efailed\"}", w, 1), 0);
	assert_true(json_str_eq(&w[0].val, "cowrie.login.failed", 19));
	assert_false(json_str_eq(&w[0].val, "cowrie.login.failed2", 20));
	assert_true(json_str_starts(&w[0].val, "cowrie.", 7));
	const char *t;
	assert_int_equal(json_text(&w[0].val, buf, sizeof(buf), &t), 19);
	assert_ptr_equal(t, buf);
	assert_int_equal(json_text(&w[0].val, buf, 4, &t), -1);
	assert_int_equal(extract("{\"s\": \"plain\"}", w, 1), 0);
	assert_int_equal(json_text(&w[0].val, buf, sizeof(buf), &t), 5);
	assert_ptr_equal(t, w[0].val.p); /* no copy */
	assert_false(json_str_eq(&w[0].val, "plain", 4));
}

static void test_numbers_and_stamps(void **state)
{
	(void)state;
	struct json_want w[] = {{.path = "a"}, {.path = "b"}, {.path = "c"}, {.path = "d"}};
	uint64_t v;
	assert_int_equal(extract("{\"a\": 65535, \"b\": \"22\", \"c\": 65536, \"d\": 2.5}", w, 4), 0);
	assert_int_equal(json_uint(&w[0].val, 65535, &v), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(json_uint(&w[1].val, 65535, &v), 0);
	assert_int_equal(v, 22);
	assert_int_equal(json_uint(&w[2].val, 65535, &v), -1);
	assert_int_equal(json_uint(&w[3].val, 65535, &v), -1);

	int64_t ns;
	assert_int_equal(extract("{\"a\": 1664462456.755299, \"b\": \"1664462456\", \"c\": "
				 "1.1234567891, \"d\": \"x\"}",
				 w, 4),
			 0);
	assert_int_equal(json_epoch_ns(&w[0].val, &ns), 0);
	assert_int_equal(ns, 1664462456755299000LL);
	assert_int_equal(json_epoch_ns(&w[1].val, &ns), 0);
	assert_int_equal(ns, 1664462456000000000LL);
	assert_int_equal(json_epoch_ns(&w[2].val, &ns), 0);
	assert_int_equal(ns, 1123456789LL); /* nine digits kept */
	assert_int_equal(json_epoch_ns(&w[3].val, &ns), -1);

	int zoned;
	char tb[48];
	assert_int_equal(json_iso_time("2018-05-06T17:44:05.866769Z", 27, &ns, &zoned), 0);
	assert_true(zoned);
	assert_string_equal(time_format_rfc3339_utc(ns, tb), "2018-05-06T17:44:05.866769Z");
	assert_int_equal(json_iso_time("2009-11-24T21:27:09.534255+0100", 31, &ns, &zoned), 0);
	assert_string_equal(time_format_rfc3339_utc(ns, tb), "2009-11-24T20:27:09.534255Z");
	assert_int_equal(json_iso_time("2016-01-11T05:10:54.612110-08:00", 32, &ns, &zoned), 0);
	assert_string_equal(time_format_rfc3339_utc(ns, tb), "2016-01-11T13:10:54.612110Z");
	assert_int_equal(json_iso_time("2019-05-26 11:56:46.592954", 26, &ns, &zoned), 0);
	assert_false(zoned);
	assert_string_equal(time_format_rfc3339_utc(ns, tb), "2019-05-26T11:56:46.592954Z");
	assert_int_equal(json_iso_time("2018-03-12 09:17:54+0000", 24, &ns, &zoned), 0);
	assert_true(zoned);
	assert_int_equal(json_iso_time("2018-03-12 09:17:54+05", 22, &ns, &zoned), 0);
	assert_string_equal(time_format_rfc3339_utc(ns, tb), "2018-03-12T04:17:54Z");
	static const char *const bad[] = {
		"2018-13-12 09:17:54",	"2018-03-12X09:17:54",	 "2018-03-12 24:17:54",
		"2018-03-12 09:17:54.", "2018-03-12 09:17:54+1", "2018-03-12 09:17:54 UTC",
		"18-03-12 09:17:54",	"2018-03-12 09:17:54+24:00", "1899-12-31 23:59:59",
		"2200-01-01 00:00:00",	"9999-12-31T23:59:59Z",	     NULL,
	};
	for (size_t i = 0; bad[i]; i++)
		if (json_iso_time(bad[i], strlen(bad[i]), &ns, &zoned) == 0)
			fail_msg("accepted stamp %s", bad[i]);

	/* whole epoch numbers of any unit; nothing that overflows int64 ns */
	assert_int_equal(extract("{\"a\": 1715932866, \"b\": 1715932866123, \"c\": "
				 "\"1715932866123456\", \"d\": 1715932866123456789}",
				 w, 4),
			 0);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(json_epoch_auto_ns(&w[i].val, &ns), 0);
		static const int64_t want[] = {1715932866000000000LL, 1715932866123000000LL,
					       1715932866123456000LL, 1715932866123456789LL};
		assert_int_equal(ns, want[i]);
	}
	assert_int_equal(extract("{\"a\": 99999999999, \"b\": 7258118400, \"c\": 1.5, \"d\": "
				 "18446744073709551615}",
				 w, 4),
			 0);
	assert_int_equal(json_epoch_auto_ns(&w[0].val, &ns), -1);
	assert_int_equal(json_epoch_auto_ns(&w[1].val, &ns), -1);
	assert_int_equal(json_epoch_auto_ns(&w[2].val, &ns), -1);
	assert_int_equal(json_epoch_auto_ns(&w[3].val, &ns), -1);
	assert_int_equal(json_epoch_ns(&w[0].val, &ns), -1);
	assert_int_equal(json_epoch_ns(&w[1].val, &ns), -1);
	assert_int_equal(extract("{\"a\": 7258118399.999999999}", w, 1), 0);
	assert_int_equal(json_epoch_ns(&w[0].val, &ns), 0);
	assert_int_equal(ns, 7258118399999999999LL);

	struct ip_addr a;
	assert_int_equal(extract("{\"a\": \"2001:db8::1\", \"b\": \"1.2.3\", \"c\": 5}", w, 3), 0);
	assert_int_equal(json_addr(&w[0].val, &a), 0);
	assert_int_equal(json_addr(&w[1].val, &a), -1);
	assert_int_equal(json_addr(&w[2].val, &a), -1);
}

static void test_walk(void **state)
{
	(void)state;
	struct json_want w[] = {{.path = "cred"}, {.path = "list"}, {.path = "empty"}};
	assert_int_equal(
		extract("{\"cred\": {\"username\": [\"root\"], \"password\": \"x\"}, \"list\": [ "
			"{\"k\": 1}, 2], \"empty\": []}",
			w, 3),
		0);
	struct json_iter it;
	struct json_val k, v;
	assert_int_equal(json_iter_init(&it, &w[0].val), 0);
	assert_int_equal(json_iter_next(&it, &k, &v), 1);
	assert_val(&k, JSON_STRING, "username");
	assert_val(&v, JSON_ARRAY, "[\"root\"]");
	assert_int_equal(json_iter_next(&it, &k, &v), 1);
	assert_val(&k, JSON_STRING, "password");
	assert_int_equal(json_iter_next(&it, &k, &v), 0);
	assert_int_equal(json_iter_init(&it, &w[1].val), -1); /* not an object */
	assert_int_equal(json_iter_next(&it, &k, &v), 0);

	struct json_val first;
	assert_int_equal(json_first_elem(&w[1].val, &first), 0);
	assert_val(&first, JSON_OBJECT, "{\"k\": 1}");
	assert_int_equal(json_first_elem(&w[2].val, &first), 0);
	assert_int_equal(first.type, JSON_NONE);
	assert_int_equal(json_first_elem(&w[0].val, &first), 0);
	assert_int_equal(first.type, JSON_NONE);
}

/* Every prefix of a real line (kareiva/cowrie-logs), and the line with its
 * last byte changed: no read past the end, no crash. */
static void test_truncations(void **state)
{
	(void)state;
	const char *line =
		"{\"eventid\": \"cowrie.direct-tcpip.data\", \"timestamp\": "
		"\"2018-05-09T20:14:16.780194Z\", \"sensor\": \"920497a79896\", \"system\": "
		"\"SSHChannel cowrie-discarded-direct-tcpip (0) on SSHService 'ssh-connection' on "
		"HoneyPotSSHTransport,642,195.3.147.49\", \"isError\": 0, \"src_ip\": "
		"\"195.3.147.49\", \"session\": \"85e30ced8681\", \"dst_port\": 80, \"dst_ip\": "
		"\"172.217.21.174\", \"data\": \"'GET / HTTP/1.0\\\\r\\\\nHost: "
		"google.com\\\\r\\\\n\\\\r\\\\n'\", \"message\": [1, {\"x\": [true, false, null]}]}";
	size_t len = strlen(line);
	for (size_t n = 0; n <= len; n++) {
		char *b = malloc(n ? n : 1);
		assert_non_null(b);
		memcpy(b, line, n);
		struct json_want w[] = {{.path = "eventid"}, {.path = "message.x"}, {.path = "data"}};
		int r = json_extract(b, n, w, 3);
		assert_int_equal(r, n == len ? 0 : -1);
		if (n) {
			static const char odd[] = {'"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\0'};
			for (size_t k = 0; k < sizeof(odd); k++) {
				b[n - 1] = odd[k];
				(void)json_extract(b, n, w, 3);
				char buf[32];
				(void)json_decode(&w[2].val, buf, sizeof(buf));
			}
		}
		free(b);
	}
}

static int setup(void **state)
{
	(void)state;
	return timeconv_set_zone("UTC");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),	cmocka_unit_test(test_bad),
		cmocka_unit_test(test_decode),	cmocka_unit_test(test_numbers_and_stamps),
		cmocka_unit_test(test_walk),	cmocka_unit_test(test_truncations),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
