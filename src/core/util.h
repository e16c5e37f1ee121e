/* Small helpers used everywhere: allocation that aborts on exhaustion (the
 * one place out-of-memory is handled), number parsing without atoi, and
 * a bump arena for strings that must outlive their input line. */
#ifndef CLSCAN_UTIL_H
#define CLSCAN_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Like xcalloc, but every page written now. calloc may hand back a fresh
 * mapping untouched: then a page read before it is written maps the
 * shared zero page, and the write after it replaces that mapping, which
 * flushes the page from the TLB of every CPU running one of our threads
 * (an interrupt to each). For tables filled by read-modify-write while
 * other threads run. */
void *xcalloc_written(size_t count, size_t size);
/* Grow an array of elem-sized items to hold at least need items; *cap is
 * updated. Aborts on overflow. */
void *xgrow(void *p, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Like asprintf, aborting on failure. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse an unsigned decimal number from s[0..len), all of it. Returns 0 and
 * sets *out, or -1 on empty text, a non-digit, or a value above max. */
int parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);
/* Parse hex digits (an optional "0x" is accepted). */
int parse_hex_u64(const char *s, size_t len, uint64_t max, uint64_t *out);

/* fn on each of n items (item k at (char *)items + k * size) at once:
 * item 0 on the calling thread, the others on threads of their own; an
 * item whose thread cannot be started runs here once the others are under
 * way. Returns when all are done. */
void run_on_threads(void *(*fn)(void *), void *items, size_t size, unsigned n);

/* Case-insensitive search for needle in hay[0..len). */
const char *memcasemem(const char *hay, size_t len, const char *needle, size_t nlen);

/* A chain of blocks; strings copied in stay until arena_fini(). */
struct arena {
	struct arena_block *head;
	size_t used, cap;
};
void arena_init(struct arena *a);
void arena_fini(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);
/* Copy s[0..n) and add a NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* Group digits: 1234567 -> "1,234,567". buf >= 32. */
const char *fmt_count(uint64_t n, char *buf);

#endif
