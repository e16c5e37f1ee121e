/* Allocation wrappers (the one place out-of-memory is handled: we abort,
 * since a report with silently missing counts is worse than none), number
 * parsing, a string arena and count formatting. */
#include "core/util.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(size_t n)
{
	fprintf(stderr, "clscan: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		out_of_memory(count * size);
	return p;
}

void *xcalloc_written(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		out_of_memory(SIZE_MAX);
	size_t n = count * size;
	void *p = xmalloc(n);
	memset(p, 0, n);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	return q;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			out_of_memory(SIZE_MAX);
		ncap *= 2;
	}
	if (elem && ncap > SIZE_MAX / elem)
		out_of_memory(SIZE_MAX);
	p = xrealloc(p, ncap * elem);
	*cap = ncap;
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		out_of_memory(0);
	return s;
}

int parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	if (len == 0 || len > 20)
		return -1;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9)
			return -1;
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_hex_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
	}
	if (len == 0 || len > 16)
		return -1;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = (v << 4) | d;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

const char *memcasemem(const char *hay, size_t len, const char *needle, size_t nlen)
{
	if (nlen == 0)
		return hay;
	if (nlen > len)
		return NULL;
	int first = tolower((unsigned char)needle[0]);
	for (size_t i = 0; i + nlen <= len; i++) {
		if (tolower((unsigned char)hay[i]) != first)
			continue;
		if (strncasecmp(hay + i, needle, nlen) == 0)
			return hay + i;
	}
	return NULL;
}

/* Arena: blocks of at least 64 KiB; a larger request gets its own block. */
struct arena_block {
	struct arena_block *next;
	size_t size;
	max_align_t data[];
};

#define ARENA_BLOCK 65536

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->used = a->cap = 0;
}

void arena_fini(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	arena_init(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t align = sizeof(max_align_t);
	n = (n + align - 1) & ~(align - 1);
	if (!a->head || a->cap - a->used < n) {
		size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		struct arena_block *b = xmalloc(sizeof(*b) + size);
		b->size = size;
		b->next = a->head;
		a->head = b;
		a->used = 0;
		a->cap = size;
	}
	void *p = (char *)a->head->data + a->used;
	a->used += n;
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

const char *fmt_count(uint64_t n, char *buf)
{
	char tmp[32];
	int len = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)n);
	int out = 0;
	for (int i = 0; i < len; i++) {
		buf[out++] = tmp[i];
		int left = len - i - 1;
		if (left > 0 && left % 3 == 0)
			buf[out++] = ',';
	}
	buf[out] = '\0';
	return buf;
}

void run_on_threads(void *(*fn)(void *), void *items, size_t size, unsigned n)
{
	if (n == 0)
		return;
	char *item = items;
	pthread_t *th = xcalloc(n, sizeof(*th));
	uint8_t *started = xcalloc(n, 1);
	for (unsigned k = 1; k < n; k++)
		started[k] = pthread_create(&th[k], NULL, fn, item + k * size) == 0;
	fn(item);
	for (unsigned k = 1; k < n; k++) {
		if (started[k])
			pthread_join(th[k], NULL);
		else /* no thread to be had: this one does it */
			fn(item + k * size);
	}
	free(started);
	free(th);
}
