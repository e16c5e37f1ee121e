/* Multi-pattern matching: Aho and Corasick, "Efficient string matching:
 * an aid to bibliographic search", CACM 18(6), 1975, built as a full DFA
 * (every failure transition resolved at build time) over byte classes, so
 * a field costs one table load per byte however many signatures there
 * are. */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "web/web_internal.h"

#define NONE UINT32_MAX

static uint8_t lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c | 0x20) : c;
}

/* Class 0 is every byte no pattern mentions; the rest get one class per
 * distinct (lower-cased) byte. Upper case shares its lower case's class;
 * control bytes share '.''s, as the decoder turns them into '.'. */
static void build_classes(struct ac *a, const char *const *pats, const size_t *lens, size_t n)
{
	uint8_t used[256] = {0};
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < lens[i]; j++)
			used[lower((uint8_t)pats[i][j])] = 1;
	unsigned next = 1;
	memset(a->cls, 0, sizeof(a->cls));
	for (unsigned c = 0; c < 256; c++)
		if (used[c] && !(c >= 'A' && c <= 'Z'))
			a->cls[c] = (uint8_t)next++;
	for (unsigned c = 'A'; c <= 'Z'; c++)
		a->cls[c] = a->cls[c | 0x20];
	for (unsigned c = 0; c < 0x20; c++)
		a->cls[c] = a->cls['.'];
	a->cls[0x7f] = a->cls['.'];
	a->n_classes = next;
}

struct outs {
	uint32_t *v;
	size_t n, cap;
};

static void outs_add(struct outs *o, uint32_t p)
{
	o->v = xgrow(o->v, &o->cap, o->n + 1, sizeof(*o->v));
	o->v[o->n++] = p;
}

/* Outputs ordered so a state's own (longest) pattern reports first. */
static void flatten(struct ac *a, struct outs *outs, size_t n_states)
{
	size_t total = 0;
	for (size_t s = 0; s < n_states; s++)
		total += outs[s].n;
	a->out_off = xmalloc((n_states + 1) * sizeof(*a->out_off));
	a->out = xmalloc((total ? total : 1) * sizeof(*a->out));
	size_t k = 0;
	for (size_t s = 0; s < n_states; s++) {
		a->out_off[s] = (uint32_t)k;
		for (size_t i = 0; i < outs[s].n; i++)
			a->out[k++] = outs[s].v[i];
		free(outs[s].v);
	}
	a->out_off[n_states] = (uint32_t)k;
}

void ac_build(struct ac *a, const char *const *pats, const size_t *lens, size_t n)
{
	memset(a, 0, sizeof(*a));
	build_classes(a, pats, lens, n);
	size_t max_states = 1;
	for (size_t i = 0; i < n; i++)
		max_states += lens[i];
	size_t k = a->n_classes;
	uint32_t *next = xmalloc(max_states * k * sizeof(*next));
	for (size_t i = 0; i < max_states * k; i++)
		next[i] = NONE;
	struct outs *outs = xcalloc(max_states, sizeof(*outs));
	a->pat_len = xmalloc((n ? n : 1) * sizeof(*a->pat_len));
	size_t n_states = 1;
	for (size_t i = 0; i < n; i++) {
		uint32_t s = 0;
		for (size_t j = 0; j < lens[i]; j++) {
			uint8_t c = a->cls[(uint8_t)pats[i][j]];
			if (next[s * k + c] == NONE)
				next[s * k + c] = (uint32_t)n_states++;
			s = next[s * k + c];
		}
		outs_add(&outs[s], (uint32_t)i);
		a->pat_len[i] = (uint32_t)lens[i];
	}
	/* Breadth first: a state's failure state is shallower, so already
	 * complete when the state is reached. */
	uint32_t *fail = xcalloc(n_states, sizeof(*fail));
	uint32_t *queue = xmalloc(n_states * sizeof(*queue));
	size_t head = 0, tail = 0;
	for (size_t c = 0; c < k; c++) {
		if (next[c] == NONE) {
			next[c] = 0;
		} else {
			fail[next[c]] = 0;
			queue[tail++] = next[c];
		}
	}
	while (head < tail) {
		uint32_t s = queue[head++];
		for (uint32_t i = 0; i < outs[fail[s]].n; i++)
			outs_add(&outs[s], outs[fail[s]].v[i]);
		for (size_t c = 0; c < k; c++) {
			uint32_t t = next[s * k + c];
			if (t == NONE) {
				next[s * k + c] = next[fail[s] * k + c];
			} else {
				fail[t] = next[fail[s] * k + c];
				queue[tail++] = t;
			}
		}
	}
	free(queue);
	free(fail);
	a->n_states = n_states;
	a->n_patterns = n;
	flatten(a, outs, n_states);
	free(outs);
	a->delta = xmalloc(n_states * k * sizeof(*a->delta));
	for (size_t s = 0; s < n_states; s++)
		for (size_t c = 0; c < k; c++) {
			uint32_t t = next[s * k + c];
			uint32_t has_out = a->out_off[t + 1] != a->out_off[t];
			a->delta[s * k + c] = (uint32_t)(t * k) << 1 | has_out;
		}
	free(next);
}

void ac_free(struct ac *a)
{
	free(a->delta);
	free(a->out_off);
	free(a->out);
	free(a->pat_len);
	memset(a, 0, sizeof(*a));
}

void ac_scan(const struct ac *a, const char *s, size_t len, ac_hit_fn fn, void *arg)
{
	if (!a->delta)
		return;
	const uint32_t *delta = a->delta;
	const uint8_t *cls = a->cls;
	uint32_t row = 0;
	for (size_t i = 0; i < len; i++) {
		uint32_t v = delta[row + cls[(uint8_t)s[i]]];
		row = v >> 1;
		if (v & 1) {
			uint32_t st = row / (uint32_t)a->n_classes;
			for (uint32_t j = a->out_off[st]; j < a->out_off[st + 1]; j++)
				fn(arg, a->out[j], i + 1);
		}
	}
}
