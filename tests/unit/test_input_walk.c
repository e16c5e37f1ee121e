/* Operand expansion: rotation order (logrotate's ".N" and dateext names,
 * compressed or not), the directory walk over a real temporary tree, magic
 * sniffing, and errors reported rather than dropped. */
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "input/input.h"

static char tmpdir[256];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	/* an unreadable directory left by a test: make it removable */
	chmod(path, 0700);
	return remove(path);
}

static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/clscan-walk-test-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *tpath(const char *fmt, ...)
{
	static char bufs[4][512];
	static int next;
	char rel[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	char *b = bufs[next++ % 4];
	snprintf(b, 512, "%s/%s", tmpdir, rel);
	return b;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void put_gzip(const char *path, const char *text)
{
	gzFile g = gzopen(path, "wb");
	assert_non_null(g);
	gzputs(g, text);
	assert_int_equal(gzclose(g), Z_OK);
}

/* --- rotation order ------------------------------------------------------ */

static int cmp_names(const void *a, const void *b)
{
	return input_rotation_cmp(*(const char *const *)a, *(const char *const *)b);
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void test_rotation_order(void **state)
{
	(void)state;
	/* the order we want: sets by base name, each oldest first */
	static const char *const want[] = {
		"app.20000000", /* not a date: a (large) rotation number */
		"app.1",
		"app",
		"auth.log.4.gz",
		"auth.log.3.gz",
		"auth.log.2",
		"auth.log.1",
		"auth.log.1.gz", /* same place as auth.log.1: by name */
		"auth.log",
		"cowrie.json.2018-05-06",
		"cowrie.json.2018-05-07",
		"cowrie.json",
		"messages-20231231.gz",
		"messages-20240101",
		"messages-2024010112.zst", /* hourly dateext */
		"messages-20240102.bz2",
		"messages",
		"mix.2",
		"mix-20240101",
		"mix",
		"node-10", /* "-N" is part of a name, not a rotation */
		"node-2",
		"syslog",
		"ufw.log.10.gz", /* numbers compare as numbers */
		"ufw.log.9.gz",
		"ufw.log.2.xz",
		"ufw.log.1",
		"ufw.log",
		"var/log/kern.log.1",
		"var/log/kern.log",
		"x.gz", /* the set "x" */
		"xorg.0.log",
	};
	size_t n = sizeof(want) / sizeof(want[0]);

	/* every pair: antisymmetric and matching the wanted order */
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(input_rotation_cmp(want[i], want[i]), 0);
		for (size_t j = 0; j < n; j++) {
			int c = sign(input_rotation_cmp(want[i], want[j]));
			int expect = i < j ? -1 : i > j;
			if (c != expect)
				fail_msg("cmp(%s, %s) = %d, want %d", want[i], want[j], c, expect);
		}
	}

	/* and a shuffled copy sorts back */
	const char **names = malloc(n * sizeof(*names));
	assert_non_null(names);
	for (size_t i = 0; i < n; i++)
		names[i] = want[(i * 7 + 3) % n];
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(names[i], want[i]);
	free(names);
}

static void test_rotation_only_last_component(void **state)
{
	(void)state;
	/* a ".2" on a directory is not a rotation of the file below it */
	assert_true(input_rotation_cmp("logs.1/app", "logs.2/app") < 0);
	assert_true(input_rotation_cmp("logs.2/app", "logs.10/app") > 0); /* by bytes */
	assert_true(input_rotation_cmp("d/app.2", "d/app.1") < 0);
	/* a name that is only digits is a name */
	assert_true(input_rotation_cmp("d/20240102", "d/20240101") > 0);
	/* files named by address (rsyslog's %FROMHOST-IP%) are different logs */
	assert_true(input_rotation_base("remote/10.0.0.1") == strlen("remote/10.0.0.1"));
	assert_true(input_rotation_cmp("remote/10.0.0.2", "remote/10.0.0.10") > 0); /* by bytes */
	assert_true(input_rotation_base("d/messages.3.gz") == strlen("d/messages"));
}

/* --- sniffing -------------------------------------------------------------- */

static void test_sniff(void **state)
{
	(void)state;
	assert_int_equal(input_sniff((const unsigned char *)"\x1f\x8b\x08", 3), INPUT_GZIP);
	assert_int_equal(input_sniff((const unsigned char *)"\x1f", 1), INPUT_PLAIN);
	assert_int_equal(input_sniff((const unsigned char *)"\x28\xb5\x2f\xfd", 4), INPUT_ZSTD);
	assert_int_equal(input_sniff((const unsigned char *)"\x28\xb5\x2f", 3), INPUT_PLAIN);
	assert_int_equal(input_sniff((const unsigned char *)"\xfd" "7zXZ\0", 6), INPUT_XZ);
	assert_int_equal(input_sniff((const unsigned char *)"BZh9", 4), INPUT_BZIP2);
	assert_int_equal(input_sniff((const unsigned char *)"BZhX", 4), INPUT_PLAIN);
	assert_int_equal(input_sniff((const unsigned char *)"May 15 00:00", 12), INPUT_PLAIN);
	assert_int_equal(input_sniff(NULL, 0), INPUT_PLAIN);
}

/* --- the walk -------------------------------------------------------------- */

struct errors {
	int n;
	char path[8][512];
	char reason[8][128];
};

static void on_error(void *arg, const char *path, const char *reason)
{
	struct errors *e = arg;
	if (e->n < 8) {
		snprintf(e->path[e->n], sizeof(e->path[0]), "%s", path);
		snprintf(e->reason[e->n], sizeof(e->reason[0]), "%s", reason);
	}
	e->n++;
}

static void test_walk_tree(void **state)
{
	(void)state;
	assert_int_equal(mkdir(tpath("root"), 0755), 0);
	assert_int_equal(mkdir(tpath("root/sub"), 0755), 0);
	assert_int_equal(mkdir(tpath("root/.git"), 0755), 0);
	put(tpath("root/messages"), "live line\n");
	put(tpath("root/messages.1"), "one\n");
	put_gzip(tpath("root/messages.2.gz"), "two\n");
	put_gzip(tpath("root/messages.3.gz"), "three\n");
	put(tpath("root/notgz.gz"), "named .gz but plain\n");
	put(tpath("root/.hidden.log"), "hidden\n");
	put(tpath("root/.git/config"), "hidden dir\n");
	put(tpath("root/sub/kern.log"), "k\n");
	put(tpath("root/sub/kern.log-20240102"), "k2\n");
	put(tpath("root/sub/kern.log-20240101.zst"), "\x28\xb5\x2f\xfd not really");
	assert_int_equal(mkfifo(tpath("root/sub/fifo"), 0600), 0);
	assert_int_equal(symlink("messages", tpath("root/link-file")), 0);
	assert_int_equal(symlink("sub", tpath("root/link-dir")), 0);
	assert_int_equal(symlink("nowhere", tpath("root/dangling")), 0);

	/* a known mtime to check it is recorded */
	struct timespec times[2] = {{.tv_sec = 1700000000}, {.tv_sec = 1700000000}};
	assert_int_equal(utimensat(AT_FDCWD, tpath("root/messages.1"), times, 0), 0);

	char *ops[] = {(char *)tpath("missing"), (char *)tpath("root/"), (char *)"-",
		       (char *)tpath("root/messages.1")};
	struct input_list l = {0};
	struct errors e = {0};
	time_t before = time(NULL);
	size_t failed = input_expand(ops, 4, &l, on_error, &e);
	assert_int_equal(failed, 1);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.path[0], tpath("missing"));
	assert_string_equal(e.reason[0], strerror(ENOENT));

	static const char *const want[] = {
		"root/link-file",
		"root/messages.3.gz",
		"root/messages.2.gz",
		"root/messages.1",
		"root/messages",
		"root/notgz.gz",
		"root/sub/kern.log-20240101.zst",
		"root/sub/kern.log-20240102",
		"root/sub/kern.log",
		"-",
		"root/messages.1",
	};
	size_t n = sizeof(want) / sizeof(want[0]);
	assert_int_equal(l.n, n);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(want[i], "-") == 0) {
			assert_string_equal(l.files[i].path, "-");
			assert_int_equal(l.files[i].is_stdin, 1);
			assert_true(l.files[i].mtime >= before);
			continue;
		}
		/* "root/" given with its slash: no doubled slash */
		assert_string_equal(l.files[i].path, tpath("%s", want[i]));
		assert_int_equal(l.files[i].is_stdin, 0);
	}
	assert_int_equal(l.files[0].comp, INPUT_PLAIN);
	assert_int_equal(l.files[1].comp, INPUT_GZIP);
	assert_int_equal(l.files[2].comp, INPUT_GZIP);
	assert_int_equal(l.files[3].comp, INPUT_PLAIN);
	assert_int_equal(l.files[3].size, 4);
	assert_int_equal(l.files[3].mtime, 1700000000);
	assert_int_equal(l.files[4].size, 10);
	assert_int_equal(l.files[5].comp, INPUT_PLAIN); /* sniffed, not named */
	assert_int_equal(l.files[6].comp, INPUT_ZSTD);
	assert_int_equal(l.files[10].mtime, 1700000000);
	input_list_fini(&l);
	assert_null(l.files);
	assert_int_equal(l.n, 0);
	input_list_fini(&l); /* twice is harmless */
}

static void test_walk_errors(void **state)
{
	(void)state;
	assert_int_equal(mkdir(tpath("deep"), 0755), 0);
	/* more nesting than the walk will follow */
	char rel[1024] = "deep";
	for (int i = 0; i < 70; i++) {
		size_t len = strlen(rel);
		snprintf(rel + len, sizeof(rel) - len, "/d");
		assert_int_equal(mkdir(tpath("%s", rel), 0755), 0);
	}
	put(tpath("%s/bottom.log", rel), "x\n");
	put(tpath("deep/top.log"), "x\n");

	char *ops[] = {(char *)tpath("deep")};
	struct input_list l = {0};
	struct errors e = {0};
	size_t failed = input_expand(ops, 1, &l, on_error, &e);
	assert_int_equal(failed, 1);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.reason[0], "directory nesting too deep");
	assert_int_equal(l.n, 1);
	assert_string_equal(l.files[0].path, tpath("deep/top.log"));
	input_list_fini(&l);

	/* an unreadable directory inside a tree is reported, the rest read;
	 * root reads anything, so this part needs an ordinary user */
	if (geteuid() == 0)
		return;
	assert_int_equal(mkdir(tpath("locked"), 0755), 0);
	assert_int_equal(mkdir(tpath("locked/no"), 0755), 0);
	put(tpath("locked/yes.log"), "x\n");
	assert_int_equal(chmod(tpath("locked/no"), 0), 0);
	char *ops2[] = {(char *)tpath("locked")};
	memset(&e, 0, sizeof(e));
	failed = input_expand(ops2, 1, &l, on_error, &e);
	assert_int_equal(failed, 1);
	assert_string_equal(e.path[0], tpath("locked/no"));
	assert_string_equal(e.reason[0], strerror(EACCES));
	assert_int_equal(l.n, 1);
	input_list_fini(&l);
}

static void test_walk_empty_and_special(void **state)
{
	(void)state;
	assert_int_equal(mkdir(tpath("empty"), 0755), 0);
	char *ops[] = {(char *)tpath("empty"), (char *)"/dev/null"};
	struct input_list l = {0};
	assert_int_equal(input_expand(ops, 2, &l, NULL, NULL), 0);
	/* a character device named by the user is read as a stream */
	assert_int_equal(l.n, 1);
	assert_string_equal(l.files[0].path, "/dev/null");
	input_list_fini(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rotation_order),
		cmocka_unit_test(test_rotation_only_last_component),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_walk_tree),
		cmocka_unit_test(test_walk_errors),
		cmocka_unit_test(test_walk_empty_and_special),
	};
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
