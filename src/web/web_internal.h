/* Inside the web stage: the Aho-Corasick automaton and the signature set
 * it is built from. */
#ifndef CLSCAN_WEB_INTERNAL_H
#define CLSCAN_WEB_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "web/web.h"

/* A deterministic Aho-Corasick automaton over byte classes (bytes that no
 * pattern uses share one class; upper case folds to lower). Each table
 * entry is the next state's row offset shifted left once, its low bit set
 * when the state ends a pattern: one load per input byte. */
struct ac {
	uint8_t cls[256];
	unsigned n_classes;
	size_t n_states;
	uint32_t *delta;      /* n_states * n_classes entries */
	uint32_t *out_off;    /* per state: its outputs in out[out_off[s]..out_off[s+1]) */
	uint32_t *out;        /* pattern numbers */
	uint32_t *pat_len;    /* per pattern */
	size_t n_patterns;
};

/* Build from n patterns (lower-case bytes). Pattern i reports as i. */
void ac_build(struct ac *a, const char *const *pats, const size_t *lens, size_t n);
void ac_free(struct ac *a);

typedef void (*ac_hit_fn)(void *arg, uint32_t pattern, size_t end);
/* Report every occurrence in s[0..len) (end = offset after its last byte),
 * in order of end, then longest first. */
void ac_scan(const struct ac *a, const char *s, size_t len, ac_hit_fn fn, void *arg);

/* Which automaton a field's patterns go into. */
enum web_scan {
	WEB_SCAN_TARGET = 0, /* path, query, request, any (and the method) */
	WEB_SCAN_UA,         /* user agent, any */
	WEB_SCAN_REFERRER,   /* referrer, any */
	WEB_SCAN_COUNT
};

struct web_sigset {
	struct web_signature *sigs;
	size_t n, cap;
	size_t pattern_bytes; /* summed over sigs: bounds the automata */
	int compiled;
	struct ac ac[WEB_SCAN_COUNT];
	uint32_t *pat_sig[WEB_SCAN_COUNT]; /* automaton pattern -> signature index */
};

#endif
