/* The progress line: silent unless asked for, on a terminal, for a big
 * input; counts added from several threads all arrive; the line is erased
 * at the end. A pseudo-terminal stands in for the user's stderr. */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "input/input.h"

#define MB (1024ull * 1024)

struct pty {
	int master;
	int saved_stderr;
};

/* Points stderr at a new pseudo-terminal; returns -1 if there is none. */
static int pty_attach(struct pty *p)
{
	p->master = posix_openpt(O_RDWR | O_NOCTTY);
	if (p->master < 0 || grantpt(p->master) != 0 || unlockpt(p->master) != 0)
		return -1;
	const char *name = ptsname(p->master);
	int slave = name ? open(name, O_RDWR | O_NOCTTY) : -1;
	if (slave < 0)
		return -1;
	fflush(stderr);
	p->saved_stderr = dup(2);
	dup2(slave, 2);
	close(slave);
	return 0;
}

/* Restores stderr and returns what was written to the terminal. */
static char *pty_detach(struct pty *p)
{
	fflush(stderr);
	dup2(p->saved_stderr, 2);
	close(p->saved_stderr);
	static char out[4096];
	size_t len = 0;
	fcntl(p->master, F_SETFL, O_NONBLOCK);
	for (;;) {
		ssize_t n = read(p->master, out + len, sizeof(out) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	out[len] = '\0';
	close(p->master);
	return out;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

static void *worker(void *arg)
{
	struct progress *p = arg;
	for (int i = 0; i < 1000; i++)
		progress_add(p, 1000, 1);
	return NULL;
}

static void test_draws_on_terminal(void **state)
{
	(void)state;
	struct pty t;
	if (pty_attach(&t) != 0)
		skip();
	struct progress *p = progress_new(100 * MB, 1);
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker, p), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	progress_tick(p); /* too soon after the start: nothing */
	sleep_ms(300);
	progress_tick(p);
	progress_tick(p); /* too soon after the last draw */
	progress_done(p);
	progress_free(p);
	char *out = pty_detach(&t);

	/* 4 threads x 1000 x (1000 bytes, 1 line) */
	if (!strstr(out, "4.0/104.9 MB  4,000 lines  ") || !strstr(out, "MB/s  ETA "))
		fail_msg("progress line: \"%s\"", out);
	/* erased at the end (how many frames were drawn depends on the
	 * machine's speed, so it is not checked) */
	size_t len = strlen(out);
	assert_true(len >= 4);
	assert_string_equal(out + len - 4, "\r\033[K");
}

static void test_silent_when_not_wanted(void **state)
{
	(void)state;
	struct pty t;
	if (pty_attach(&t) != 0)
		skip();
	struct progress *quiet = progress_new(100 * MB, 0);
	struct progress *small = progress_new(4 * MB, 1);
	progress_add(quiet, 10, 1);
	progress_add(small, 10, 1);
	sleep_ms(300);
	progress_tick(quiet);
	progress_tick(small);
	progress_done(quiet);
	progress_done(small);
	progress_free(quiet);
	progress_free(small);
	char *out = pty_detach(&t);
	assert_string_equal(out, "");
}

static void test_not_a_terminal(void **state)
{
	(void)state;
	/* stderr as a pipe: never drawn */
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fds[1], 2);
	close(fds[1]);
	struct progress *p = progress_new(100 * MB, 1);
	progress_add(p, 50 * MB, 10);
	sleep_ms(300);
	progress_tick(p);
	progress_done(p);
	progress_free(p);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	char buf[64];
	assert_true(read(fds[0], buf, sizeof(buf)) <= 0);
	close(fds[0]);

	/* NULL is accepted everywhere */
	progress_add(NULL, 1, 1);
	progress_tick(NULL);
	progress_done(NULL);
	progress_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_draws_on_terminal),
		cmocka_unit_test(test_silent_when_not_wanted),
		cmocka_unit_test(test_not_a_terminal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
