/* Readers and line splitting: every reader (memory range, mapped file,
 * streamed stdin, gzip, zstd, with block sizes small enough to cut lines
 * anywhere) must draw the same lines from the same text; damage in a
 * compressed file ends with an error after every complete line before it. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>
#include <zstd.h>

#include "input/input.h"
#include "input/input_internal.h"

static char tmpdir[256];

/* --- helpers ----------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/clscan-input-test-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static char *tmp_path(const char *name)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

static void write_bytes(const char *path, const void *data, size_t len, const char *mode)
{
	FILE *f = fopen(path, mode);
	assert_non_null(f);
	if (len > 0)
		assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* One gzip member per part, appended as `cat a.gz b.gz` would. */
static void write_gzip_parts(const char *path, const char *data, const size_t *cuts,
			     size_t ncuts, size_t len)
{
	unlink(path);
	size_t from = 0;
	for (size_t i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts ? cuts[i] : len;
		gzFile g = gzopen(path, "ab");
		assert_non_null(g);
		if (to > from)
			assert_int_equal(gzwrite(g, data + from, (unsigned)(to - from)),
					 (int)(to - from));
		assert_int_equal(gzclose(g), Z_OK);
		from = to;
	}
}

static void write_zstd_parts(const char *path, const char *data, const size_t *cuts,
			     size_t ncuts, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	size_t from = 0;
	for (size_t i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts ? cuts[i] : len;
		size_t cap = ZSTD_compressBound(to - from);
		void *out = malloc(cap);
		assert_non_null(out);
		size_t n = ZSTD_compress(out, cap, data + from, to - from, 3);
		assert_false(ZSTD_isError(n));
		assert_int_equal(fwrite(out, 1, n, f), n);
		free(out);
		from = to;
	}
	assert_int_equal(fclose(f), 0);
}

struct text {
	char *s;
	size_t len, cap;
};

static void text_put(struct text *t, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(tmp));
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	memcpy(t->s + t->len, tmp, (size_t)n + 1);
	t->len += (size_t)n;
}

/* A readable record of what a reader returned: "L:text" per line (bytes
 * outside printable ASCII as \xNN), "O:len" per overlong line, then "EOF"
 * or "ERR". */
static void record(struct text *t, enum input_status st, const char *line, size_t len)
{
	switch (st) {
	case INPUT_LINE:
		text_put(t, "L:");
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)line[i];
			if (c >= 0x20 && c < 0x7f && c != '\\')
				text_put(t, "%c", c);
			else
				text_put(t, "\\x%02x", c);
		}
		text_put(t, "\n");
		break;
	case INPUT_OVERLONG:
		text_put(t, "O:%zu\n", len);
		break;
	case INPUT_EOF:
		text_put(t, "EOF");
		break;
	default:
		text_put(t, "ERR");
		break;
	}
}

static char *drain(struct input_reader *r)
{
	struct text t = {0};
	text_put(&t, "");
	for (long guard = 0; guard < 50000000; guard++) {
		const char *line;
		size_t len;
		enum input_status st = input_next_line(r, &line, &len);
		record(&t, st, line, len);
		if (st == INPUT_EOF || st == INPUT_ERROR)
			return t.s;
	}
	fail_msg("reader never ended");
	return NULL;
}

static char *drain_mem(const char *data, size_t len, size_t max_line)
{
	struct text t = {0};
	text_put(&t, "");
	const char *pos = data, *end = data + len;
	for (;;) {
		const char *line;
		size_t n;
		enum input_status st = input_next_line_mem(&pos, end, max_line, &line, &n);
		record(&t, st, line, n);
		if (st == INPUT_EOF)
			return t.s;
	}
}

static struct input_reader *open_path(const char *path, size_t max_line, size_t block)
{
	struct input_file f = {.path = (char *)path};
	char err[256] = "";
	struct input_reader *r = input_open_block(&f, max_line, block, err, sizeof(err));
	if (!r)
		fail_msg("open %s: %s", path, err);
	return r;
}

static char *read_path(const char *path, size_t max_line, size_t block)
{
	struct input_reader *r = open_path(path, max_line, block);
	char *s = drain(r);
	input_close(r);
	return s;
}

/* The file read as stdin: streamed (stdin is never mapped) and sniffed. */
static char *read_as_stdin(const char *path, size_t max_line, size_t block)
{
	int saved = dup(0);
	int fd = open(path, O_RDONLY);
	assert_true(saved >= 0 && fd >= 0);
	assert_int_equal(dup2(fd, 0), 0);
	close(fd);
	struct input_file f = {.path = (char *)"-", .is_stdin = 1};
	char err[256] = "";
	struct input_reader *r = input_open_block(&f, max_line, block, err, sizeof(err));
	char *s = NULL;
	if (r) {
		size_t mlen;
		assert_null(input_mapped(r, &mlen));
		s = drain(r);
		input_close(r);
	}
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	if (!r)
		fail_msg("open stdin: %s", err);
	return s;
}

static void expect_same(const char *what, size_t block, char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fail_msg("%s (block %zu):\n--- got\n%s\n--- want\n%s", what, block, got, want);
	free(got);
}

/* The heart of these tests: one text through every reader. */
static void check_all_readers(const char *data, size_t len, size_t max_line, const char *want)
{
	static const size_t blocks[] = {1, 2, 3, 7, 64, 0};
	char *plain = strdup(tmp_path("all.txt"));
	char *gz = strdup(tmp_path("all.gz"));
	char *gz2 = strdup(tmp_path("all2.gz"));
	char *zst = strdup(tmp_path("all.zst"));

	expect_same("memory", 0, drain_mem(data, len, max_line), want);

	write_bytes(plain, data, len, "wb");
	struct input_reader *r = open_path(plain, max_line, 0);
	size_t mlen = 99;
	const char *m = input_mapped(r, &mlen);
	if (len > 0) {
		assert_non_null(m);
		assert_int_equal(mlen, len);
		assert_memory_equal(m, data, len);
	}
	expect_same("mapped", 0, drain(r), want);
	assert_int_equal(input_bytes_read(r), len);
	input_close(r);

	write_gzip_parts(gz, data, NULL, 0, len);
	size_t cuts[2] = {len / 3, len / 2};
	write_gzip_parts(gz2, data, cuts, 2, len);
	write_zstd_parts(zst, data, cuts, 2, len);
	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		size_t b = blocks[i];
		expect_same("stdin", b, read_as_stdin(plain, max_line, b), want);
		expect_same("gzip", b, read_path(gz, max_line, b), want);
		expect_same("gzip, 3 members", b, read_path(gz2, max_line, b), want);
		expect_same("zstd, 3 frames", b, read_path(zst, max_line, b), want);
		expect_same("gzip as stdin", b, read_as_stdin(gz2, max_line, b), want);
	}
	free(plain);
	free(gz);
	free(gz2);
	free(zst);
}

#define CHECK_ALL(lit, max_line, want) check_all_readers(lit, sizeof(lit) - 1, max_line, want)

/* --- the same lines from every reader ------------------------------------ */

static void test_simple_lines(void **state)
{
	(void)state;
	CHECK_ALL("alpha\nbeta\n", 0, "L:alpha\nL:beta\nEOF");
	CHECK_ALL("\n\n", 0, "L:\nL:\nEOF");
}

static void test_empty(void **state)
{
	(void)state;
	CHECK_ALL("", 0, "EOF");
}

static void test_crlf(void **state)
{
	(void)state;
	CHECK_ALL("one\r\ntwo\r\n\r\nlast\r", 0, "L:one\nL:two\nL:\nL:last\nEOF");
	/* only one '\r' goes, and only at the end */
	CHECK_ALL("a\rb\r\r\n", 0, "L:a\\x0db\\x0d\nEOF");
}

static void test_no_final_newline(void **state)
{
	(void)state;
	CHECK_ALL("first\nsecond", 0, "L:first\nL:second\nEOF");
	CHECK_ALL("x", 0, "L:x\nEOF");
}

static void test_nul_bytes(void **state)
{
	(void)state;
	CHECK_ALL("a\0b\n\0\n", 0, "L:a\\x00b\nL:\\x00\nEOF");
}

static void test_overlong(void **state)
{
	(void)state;
	/* cap 8: 8 bytes pass, 9 do not; a '\r' counts against the cap */
	CHECK_ALL("short\n12345678\n123456789\nAAAAAAAAAAAAAAAAAAAA\n1234567\r\n12345678\r\ntail",
		  8,
		  "L:short\nL:12345678\nO:9\nO:20\nL:1234567\nO:9\nL:tail\nEOF");
	/* an overlong last line without '\n' */
	CHECK_ALL("ok\nBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", 8, "L:ok\nO:30\nEOF");
	/* overlong lines back to back */
	CHECK_ALL("CCCCCCCCCCCC\nDDDDDDDDDDDDDDDDDDDDDD\nEEEEEEEEE\n", 8,
		  "O:12\nO:22\nO:9\nEOF");
}

/* A line far longer than cap and blocks: streamed readers skip it with a
 * bounded buffer and still report its exact length. */
static void test_huge_line(void **state)
{
	(void)state;
	size_t n = 600 * 1024;
	char *data = malloc(n + 16);
	assert_non_null(data);
	memset(data, 'Z', n);
	memcpy(data + n, "\nafter\n", 7);
	check_all_readers(data, n + 7, 1000, "O:614400\nL:after\nEOF");
	free(data);
}

/* --- gzip specifics ------------------------------------------------------ */

static size_t make_numbered(char *buf, size_t cap, int lines)
{
	size_t len = 0;
	for (int i = 0; i < lines; i++) {
		int n = snprintf(buf + len, cap - len, "line %d of a numbered test file\n", i);
		assert_true(n > 0 && (size_t)n < cap - len);
		len += (size_t)n;
	}
	return len;
}

static void check_numbered_prefix(struct input_reader *r, int max_lines, int *got,
				  const char **reason)
{
	char want[64];
	*got = 0;
	for (;;) {
		const char *line;
		size_t len;
		enum input_status st = input_next_line(r, &line, &len);
		if (st == INPUT_EOF) {
			*reason = NULL;
			return;
		}
		if (st == INPUT_ERROR) {
			*reason = input_error(r);
			return;
		}
		assert_int_equal(st, INPUT_LINE);
		assert_true(*got < max_lines);
		int n = snprintf(want, sizeof(want), "line %d of a numbered test file", *got);
		assert_int_equal(len, (size_t)n);
		assert_memory_equal(line, want, len);
		(*got)++;
	}
}

static void test_gzip_truncated(void **state)
{
	(void)state;
	static char data[200000];
	size_t len = make_numbered(data, sizeof(data), 4000);
	const char *path = tmp_path("trunc.gz");
	write_gzip_parts(path, data, NULL, 0, len);

	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size / 2), 0);

	static const size_t blocks[] = {5, 4096, 0};
	for (size_t i = 0; i < 3; i++) {
		struct input_reader *r = open_path(path, 0, blocks[i]);
		int got;
		const char *reason;
		check_numbered_prefix(r, 4000, &got, &reason);
		assert_non_null(reason);
		assert_string_equal(reason, "gzip: unexpected end of file");
		/* everything before the cut, roughly half */
		assert_true(got > 1000 && got < 4000);
		/* the error stays */
		const char *line;
		size_t n;
		assert_int_equal(input_next_line(r, &line, &n), INPUT_ERROR);
		input_close(r);
	}

	/* truncated inside the 8-byte trailer: all lines, then the error */
	write_gzip_parts(path, data, NULL, 0, len);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size - 3), 0);
	struct input_reader *r = open_path(path, 0, 0);
	int got;
	const char *reason;
	check_numbered_prefix(r, 4000, &got, &reason);
	assert_int_equal(got, 4000);
	assert_non_null(reason);
	assert_string_equal(reason, "gzip: unexpected end of file");
	input_close(r);

	/* just the magic */
	write_bytes(path, "\x1f\x8b", 2, "wb");
	r = open_path(path, 0, 0);
	check_numbered_prefix(r, 0, &got, &reason);
	assert_non_null(reason);
	input_close(r);
}

static void test_gzip_corrupt(void **state)
{
	(void)state;
	static char data[200000];
	size_t len = make_numbered(data, sizeof(data), 4000);
	const char *path = tmp_path("corrupt.gz");
	write_gzip_parts(path, data, NULL, 0, len);
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, size / 2, SEEK_SET);
	fwrite("\xff\x00\xff\x00\xff\x00\xff\x00\xff\x00\xff\x00\xff\x00", 1, 14, f);
	fclose(f);

	struct input_reader *r = open_path(path, 0, 0);
	enum input_status st;
	const char *line;
	size_t n;
	long lines = 0;
	while ((st = input_next_line(r, &line, &n)) == INPUT_LINE || st == INPUT_OVERLONG)
		lines++;
	/* damage is noticed (by the inflater or the CRC), never passed as EOF */
	assert_int_equal(st, INPUT_ERROR);
	assert_true(strncmp(input_error(r), "gzip: ", 6) == 0);
	assert_true(lines > 0);
	input_close(r);
}

static void test_gzip_trailing(void **state)
{
	(void)state;
	const char *path = tmp_path("tail.gz");
	const char text[] = "one\ntwo\n";
	write_gzip_parts(path, text, NULL, 0, sizeof(text) - 1);
	/* zero padding is ignored, as gzip -d does */
	static const char zeros[1000];
	write_bytes(path, zeros, sizeof(zeros), "ab");
	char *s = read_path(path, 0, 7);
	assert_string_equal(s, "L:one\nL:two\nEOF");
	free(s);

	write_gzip_parts(path, text, NULL, 0, sizeof(text) - 1);
	write_bytes(path, "junk\n", 5, "ab");
	struct input_reader *r = open_path(path, 0, 0);
	s = drain(r);
	assert_string_equal(s, "L:one\nL:two\nERR");
	assert_string_equal(input_error(r), "gzip: trailing garbage after compressed data");
	free(s);
	input_close(r);
}

static void test_gzip_bytes_read(void **state)
{
	(void)state;
	static char data[100000];
	size_t len = make_numbered(data, sizeof(data), 2000);
	const char *path = tmp_path("count.gz");
	write_gzip_parts(path, data, NULL, 0, len);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	struct input_reader *r = open_path(path, 0, 0);
	size_t mlen;
	assert_null(input_mapped(r, &mlen));
	int got;
	const char *reason;
	check_numbered_prefix(r, 2000, &got, &reason);
	assert_null(reason);
	assert_int_equal(got, 2000);
	assert_int_equal(input_bytes_read(r), (uint64_t)st.st_size);
	input_close(r);
}

/* --- zstd specifics ------------------------------------------------------ */

static void test_zstd_truncated(void **state)
{
	(void)state;
	static char data[200000];
	size_t len = make_numbered(data, sizeof(data), 4000);
	const char *path = tmp_path("trunc.zst");
	size_t cut = len / 4;
	write_zstd_parts(path, data, &cut, 1, len);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size - st.st_size / 3), 0);

	struct input_reader *r = open_path(path, 0, 4096);
	int got;
	const char *reason;
	check_numbered_prefix(r, 4000, &got, &reason);
	assert_non_null(reason);
	assert_string_equal(reason, "zstd: unexpected end of file");
	assert_true(got >= 1000 && got < 4000);
	input_close(r);

	/* garbage after a complete frame */
	write_zstd_parts(path, data, NULL, 0, 64);
	write_bytes(path, "garbage!", 8, "ab");
	r = open_path(path, 0, 0);
	char *s = drain(r);
	assert_true(strncmp(input_error(r), "zstd: ", 6) == 0);
	assert_non_null(strstr(s, "ERR"));
	free(s);
	input_close(r);
}

/* --- opening ------------------------------------------------------------- */

static void expect_open_error(const char *path, const char *want)
{
	struct input_file f = {.path = (char *)path};
	char err[256] = "";
	struct input_reader *r = input_open(&f, 0, err, sizeof(err));
	assert_null(r);
	if (!strstr(err, want))
		fail_msg("open %s: reason \"%s\" lacks \"%s\"", path, err, want);
}

static void test_open_errors(void **state)
{
	(void)state;
	expect_open_error(tmpdir, "Is a directory");
	expect_open_error(tmp_path("no-such-file"), "No such file or directory");

	const char *xz = tmp_path("old.log.xz");
	write_bytes(xz, "\xfd" "7zXZ\0\0\0\0", 10, "wb");
	expect_open_error(xz, "xz compression is not supported");
	const char *bz = tmp_path("old.log.bz2");
	write_bytes(bz, "BZh91AY&SY", 10, "wb");
	expect_open_error(bz, "bzip2 compression is not supported");

	if (geteuid() != 0) {
		const char *secret = tmp_path("secret.log");
		write_bytes(secret, "x\n", 2, "wb");
		assert_int_equal(chmod(secret, 0), 0);
		expect_open_error(secret, "Permission denied");
	}
}

/* A named pipe given as an operand (as <(zcat ...) would): streamed. */
static void test_fifo_operand(void **state)
{
	(void)state;
	const char *fifo = tmp_path("pipe");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(fifo, O_WRONLY);
		if (fd < 0 || write(fd, "p1\r\np2", 6) != 6)
			_exit(1);
		_exit(0);
	}
	char *ops[] = {(char *)fifo};
	struct input_list l = {0};
	assert_int_equal(input_expand(ops, 1, &l, NULL, NULL), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.files[0].is_stdin, 0);
	char *s = read_path(l.files[0].path, 0, 0);
	assert_string_equal(s, "L:p1\nL:p2\nEOF");
	free(s);
	input_list_fini(&l);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* --- real data ----------------------------------------------------------- */

/* 200 real ufw lines, gzip'd (tests/data/ORIGINS.md); zcat counts 200
 * lines and 52046 bytes. */
static void test_real_ufw_gzip(void **state)
{
	(void)state;
	const char *path = TEST_DATA_DIR "/input/ufw_head200.log.gz";
	struct input_file f = {.path = (char *)path};
	char err[256];
	struct input_reader *r = input_open(&f, 0, err, sizeof(err));
	assert_non_null(r);
	const char *line;
	size_t len;
	size_t lines = 0, bytes = 0;
	enum input_status st;
	while ((st = input_next_line(r, &line, &len)) == INPUT_LINE) {
		if (lines == 0)
			assert_memory_equal(line, "May 15 00:00:15 vultr kernel:", 29);
		assert_non_null(memmem(line, len, "[UFW BLOCK]", 11));
		lines++;
		bytes += len + 1;
	}
	assert_int_equal(st, INPUT_EOF);
	assert_int_equal(lines, 200);
	assert_int_equal(bytes, 52046);
	input_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_lines),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_huge_line),
		cmocka_unit_test(test_gzip_truncated),
		cmocka_unit_test(test_gzip_corrupt),
		cmocka_unit_test(test_gzip_trailing),
		cmocka_unit_test(test_gzip_bytes_read),
		cmocka_unit_test(test_zstd_truncated),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_fifo_operand),
		cmocka_unit_test(test_real_ufw_gzip),
	};
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
