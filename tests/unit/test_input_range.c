/* input_open_range: ranges that tile a file deliver every line exactly
 * once, whatever the cut points, with the same overlong and CRLF rules as
 * the whole-file readers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/util.h"
#include "input/input.h"

struct collected {
	char *text; /* lines joined with '\n'; overlong ones as "<OVERLONG n>" */
	size_t len, cap;
	size_t lines, overlong;
};

static void put(struct collected *c, const char *s, size_t n)
{
	c->text = xgrow(c->text, &c->cap, c->len + n + 1, 1);
	memcpy(c->text + c->len, s, n);
	c->len += n;
	c->text[c->len] = '\0';
}

static void drain(struct input_reader *r, struct collected *c)
{
	const char *l;
	size_t n;
	enum input_status st;
	while ((st = input_next_line(r, &l, &n)) != INPUT_EOF) {
		assert_int_not_equal(st, INPUT_ERROR);
		if (st == INPUT_OVERLONG) {
			char b[40];
			int k = snprintf(b, sizeof(b), "<OVERLONG %zu>\n", n);
			put(c, b, (size_t)k);
			c->overlong++;
		} else {
			put(c, l, n);
			put(c, "\n", 1);
			c->lines++;
		}
	}
}

static char *write_tmp(const char *data, size_t len)
{
	char *path = xstrdup("/tmp/clscan-range-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void check_tiling(const char *data, size_t len, size_t max_line)
{
	char *path = write_tmp(data, len);
	struct input_file f = {.path = path, .size = len};
	char err[128];

	struct collected whole = {0};
	struct input_reader *r = input_open(&f, max_line, err, sizeof(err));
	assert_non_null(r);
	drain(r, &whole);
	input_close(r);

	size_t chunks[] = {1, 2, 3, 5, 7, 16, 64, 1000, len ? len : 1};
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		struct collected parts = {0};
		for (size_t off = 0; off < len; off += chunks[c]) {
			size_t end = off + chunks[c] < len ? off + chunks[c] : len;
			r = input_open_range(&f, off, end, max_line, err, sizeof(err));
			assert_non_null(r);
			drain(r, &parts);
			input_close(r);
		}
		if (len == 0)
			assert_int_equal(parts.len, 0);
		else
			assert_string_equal(parts.text ? parts.text : "", whole.text ? whole.text : "");
		assert_int_equal(parts.lines, whole.lines);
		assert_int_equal(parts.overlong, whole.overlong);
		free(parts.text);
	}
	free(whole.text);
	unlink(path);
	free(path);
}

static void test_plain_lines(void **state)
{
	(void)state;
	const char *d = "first\nsecond line\n\nfourth\r\nno newline at end";
	check_tiling(d, strlen(d), 1024);
}

static void test_trailing_newline(void **state)
{
	(void)state;
	const char *d = "a\nbb\nccc\n";
	check_tiling(d, strlen(d), 1024);
}

static void test_overlong(void **state)
{
	(void)state;
	char d[400];
	size_t n = 0;
	n += (size_t)snprintf(d + n, sizeof(d) - n, "short\n");
	memset(d + n, 'x', 100);
	n += 100;
	d[n++] = '\n';
	n += (size_t)snprintf(d + n, sizeof(d) - n, "ok line\n");
	memset(d + n, 'y', 50);
	n += 50; /* overlong last line without newline */
	check_tiling(d, n, 20);
}

static void test_empty_lines_only(void **state)
{
	(void)state;
	check_tiling("\n\n\n", 3, 16);
}

static void test_real_log(void **state)
{
	(void)state;
	FILE *fp = fopen(TEST_DATA_DIR "/psad-iptables/syslog_time_fmt1.log", "rb");
	assert_non_null(fp);
	char buf[8192];
	size_t n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	check_tiling(buf, n, 4096);
	check_tiling(buf, n, 100); /* every line overlong */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_lines),
		cmocka_unit_test(test_trailing_newline),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_empty_lines_only),
		cmocka_unit_test(test_real_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
