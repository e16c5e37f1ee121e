/* A one-line progress display on stderr for long runs: workers add to C11
 * atomic counters, the main thread redraws at most every 250 ms with '\r'
 * and erases the line (ANSI "erase in line", ECMA-48 EL) when done. */
#include "input/input.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

/* Below this a run is over before a display would help. */
#define PROGRESS_MIN_BYTES (4ull * 1024 * 1024)
#define PROGRESS_INTERVAL_NS (250ll * 1000 * 1000)

struct progress {
	_Atomic uint64_t bytes;
	_Atomic uint64_t lines;
	uint64_t total;
	int active;
	int drawn;
	int64_t start_ns;
	int64_t last_ns;
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

struct progress *progress_new(uint64_t total_bytes, int enabled)
{
	struct progress *p = xcalloc(1, sizeof(*p));
	atomic_init(&p->bytes, 0);
	atomic_init(&p->lines, 0);
	p->total = total_bytes;
	p->active = enabled && total_bytes > PROGRESS_MIN_BYTES && isatty(STDERR_FILENO);
	p->start_ns = p->last_ns = now_ns();
	return p;
}

void progress_add(struct progress *p, uint64_t bytes, uint64_t lines)
{
	if (!p)
		return;
	/* relaxed: only totals matter, not their order */
	atomic_fetch_add_explicit(&p->bytes, bytes, memory_order_relaxed);
	atomic_fetch_add_explicit(&p->lines, lines, memory_order_relaxed);
}

static void format_eta(char *buf, size_t n, double seconds)
{
	if (!(seconds >= 0) || seconds > 99.0 * 3600) {
		snprintf(buf, n, "--:--");
		return;
	}
	unsigned long s = (unsigned long)(seconds + 0.5);
	if (s >= 3600)
		snprintf(buf, n, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, n, "%lu:%02lu", s / 60, s % 60);
}

static void draw(struct progress *p, int64_t now)
{
	uint64_t done = atomic_load_explicit(&p->bytes, memory_order_relaxed);
	uint64_t lines = atomic_load_explicit(&p->lines, memory_order_relaxed);
	if (done > p->total)
		done = p->total;
	double secs = (double)(now - p->start_ns) / 1e9;
	double rate = secs > 0 ? (double)done / secs : 0;
	char eta[32], count[32];
	format_eta(eta, sizeof(eta), rate > 0 ? (double)(p->total - done) / rate : -1);
	char line[160];
	int len = snprintf(line, sizeof(line),
			   "\r\033[K%.1f/%.1f MB  %s lines  %.1f MB/s  ETA %s", (double)done / 1e6,
			   (double)p->total / 1e6, fmt_count(lines, count), rate / 1e6, eta);
	if (len > 0) {
		fwrite(line, 1, (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1,
		       stderr);
		fflush(stderr);
		p->drawn = 1;
	}
}

void progress_tick(struct progress *p)
{
	if (!p || !p->active)
		return;
	int64_t now = now_ns();
	/* the first frame also waits: short runs never flash a line */
	if (now - p->last_ns < PROGRESS_INTERVAL_NS)
		return;
	p->last_ns = now;
	draw(p, now);
}

void progress_done(struct progress *p)
{
	if (!p || !p->drawn)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->drawn = 0;
}

void progress_free(struct progress *p)
{
	free(p);
}
