/* util.c and hash.c: number parsing edges, the arena, count formatting, and
 * that hashing depends on its key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/hash.h"
#include "core/util.h"

static void test_parse_u64(void **state)
{
	(void)state;
	uint64_t v = 7;
	assert_int_equal(parse_u64("0", 1, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u64("65535", 5, 65535, &v), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(parse_u64("65536", 5, 65535, &v), -1);
	assert_int_equal(parse_u64("", 0, 10, &v), -1);
	assert_int_equal(parse_u64("1a", 2, 100, &v), -1);
	assert_int_equal(parse_u64("-1", 2, 100, &v), -1);
	assert_int_equal(parse_u64("18446744073709551615", 20, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse_u64("18446744073709551616", 20, UINT64_MAX, &v), -1);
	assert_int_equal(parse_u64("123456789012345678901", 21, UINT64_MAX, &v), -1);
	/* Only len bytes are read. */
	assert_int_equal(parse_u64("12x", 2, 100, &v), 0);
	assert_int_equal(v, 12);
}

static void test_parse_hex(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(parse_hex_u64("0x00", 4, 255, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_hex_u64("Ff", 2, 255, &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(parse_hex_u64("100", 3, 255, &v), -1);
	assert_int_equal(parse_hex_u64("0x", 2, 255, &v), -1);
	assert_int_equal(parse_hex_u64("g1", 2, 255, &v), -1);
}

static void test_memcasemem(void **state)
{
	(void)state;
	const char *h = "[UFW Block] IN=";
	assert_ptr_equal(memcasemem(h, strlen(h), "block", 5), h + 5);
	assert_null(memcasemem(h, strlen(h), "drop", 4));
	assert_null(memcasemem(h, 3, "UFW", 3));
	assert_ptr_equal(memcasemem(h, 4, "UFW", 3), h + 1);
}

static void test_arena(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	char *s = arena_strndup(&a, "hello world", 5);
	assert_string_equal(s, "hello");
	/* A request larger than a block gets its own block. */
	char *big = arena_alloc(&a, 200000);
	memset(big, 'x', 200000);
	char *t = arena_strndup(&a, "after", 5);
	assert_string_equal(t, "after");
	assert_string_equal(s, "hello");
	for (int i = 0; i < 10000; i++)
		assert_non_null(arena_alloc(&a, 33));
	arena_fini(&a);
	arena_fini(&a); /* twice is harmless */
}

static void test_fmt_count(void **state)
{
	(void)state;
	char buf[32];
	assert_string_equal(fmt_count(0, buf), "0");
	assert_string_equal(fmt_count(999, buf), "999");
	assert_string_equal(fmt_count(1000, buf), "1,000");
	assert_string_equal(fmt_count(1234567, buf), "1,234,567");
	assert_string_equal(fmt_count(UINT64_MAX, buf), "18,446,744,073,709,551,615");
}

static void test_xgrow(void **state)
{
	(void)state;
	size_t cap = 0;
	int *p = NULL;
	p = xgrow(p, &cap, 1, sizeof(int));
	assert_true(cap >= 1);
	p = xgrow(p, &cap, 1000, sizeof(int));
	assert_true(cap >= 1000);
	p[999] = 1;
	free(p);
}

static void test_hash_keyed(void **state)
{
	(void)state;
	hash_set_key(1, 2);
	uint64_t a = hash_bytes("192.0.2.1", 9);
	assert_true(a == hash_bytes("192.0.2.1", 9));
	assert_true(a != hash_bytes("192.0.2.2", 9));
	hash_set_key(3, 4);
	assert_true(a != hash_bytes("192.0.2.1", 9));
	/* Every length through two blocks, and hash_u64 agrees with bytes. */
	unsigned char buf[17] = {0};
	uint64_t prev = 0;
	for (size_t n = 0; n <= 17; n++) {
		uint64_t h = hash_bytes(buf, n);
		assert_true(h != prev);
		prev = h;
	}
	uint64_t v = 0x0102030405060708ULL;
	unsigned char vb[8];
	memcpy(vb, &v, 8);
	assert_true(hash_u64(v) == hash_bytes(vb, 8));
	/* and hash_16 with 16 bytes, under another key too */
	for (unsigned i = 0; i < 16; i++)
		buf[i] = (unsigned char)(i * 37 + 1);
	assert_true(hash_16(buf) == hash_bytes(buf, 16));
	hash_set_key(0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL);
	assert_true(hash_16(buf) == hash_bytes(buf, 16));
	assert_true(hash_u64(v) == hash_bytes(vb, 8));
	hash_init();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_hex),
		cmocka_unit_test(test_memcasemem),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_fmt_count),
		cmocka_unit_test(test_xgrow),
		cmocka_unit_test(test_hash_keyed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
