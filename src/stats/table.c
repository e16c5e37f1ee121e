/* Growth and bookkeeping for the stats hash tables (table.h); the probe
 * loops are inline in the header because they run once per event. */
#include "stats/table.h"

#include <stdlib.h>
#include <sys/mman.h>

#include "core/util.h"

/* From this size on, arrays are mapped directly (see table_alloc). */
#define TABLE_MAP_MIN (2u << 20)

void *table_alloc(size_t bytes, int *mapped)
{
	*mapped = 0;
	if (bytes >= TABLE_MAP_MIN) {
		void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		if (p != MAP_FAILED) {
#ifdef MADV_HUGEPAGE
			/* Before the first touch, so faults can map huge pages. */
			madvise(p, bytes, MADV_HUGEPAGE);
#endif
			*mapped = 1;
			return p;
		}
		/* Out of mappings or memory: the allocator decides (and aborts
		 * if memory is really gone). */
	}
	return xcalloc(1, bytes);
}

/* Double a mapped array in place where possible: mremap keeps the pages
 * already written (no copy) and only the new half is fresh. On this VM a
 * fresh page costs far more than its zeroing (the host backs it on first
 * touch: ~0.5-1.5 GB/s against ~8 GB/s for memory used before), and
 * allocate-copy-free doubling touches twice the final size. NULL if the
 * system refuses; the array is then unchanged. */
static void *table_remap_double(void *p, size_t bytes)
{
	void *q = mremap(p, bytes, bytes * 2, MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(q, bytes * 2, MADV_HUGEPAGE);
#endif
	return q;
}

/* Rehash a table of n slots (a power of two) into 2n in place, after its
 * arrays were doubled (the upper half zero). home(key) is the key's new
 * home slot (0..2n-1). Walking the old slots from just after an empty one,
 * each key is taken out and put back from its new home: a key whose home
 * is in the lower half lands at or before where it was, over slots already
 * walked (which stay put); one whose home is in the upper half finds only
 * keys already put back there. Only a probe running off the end of the
 * new array could meet a key not yet walked, so those keys wait in a side
 * list until the walk is done. */
#define HOME_PAIR 0
#define HOME_TAG 1
struct home_ctx {
	int kind;
	const uint32_t *at, *bt;
};

static inline uint64_t slot_home(const struct home_ctx *c, uint64_t k, uint64_t mask)
{
	if (c->kind == HOME_TAG)
		return (uint32_t)(k >> 32) & mask;
	return pair_hash(c->at[(uint32_t)(k >> 32) - 1], c->bt[(uint32_t)k]) & mask;
}

static void rehash_in_place(uint64_t *slots, uint64_t *vals, size_t n, const struct home_ctx *c)
{
	uint64_t mask = (uint64_t)n * 2 - 1;
	size_t z = 0;
	while (slots[z] != 0) /* there is one: the load was at most 3/4 */
		z++;
	uint64_t *side = NULL; /* key, value pairs */
	size_t n_side = 0, cap_side = 0;
	for (size_t step = 1; step <= n; step++) {
		size_t i = (z + step) & (n - 1);
		uint64_t k = slots[i];
		if (k == 0)
			continue;
		uint64_t v = vals ? vals[i] : 0;
		slots[i] = 0;
		uint64_t j = slot_home(c, k, mask);
		while (slots[j] != 0 && j < mask)
			j++;
		if (slots[j] != 0) {
			side = xgrow(side, &cap_side, 2 * n_side + 2, sizeof(*side));
			side[2 * n_side] = k;
			side[2 * n_side + 1] = v;
			n_side++;
			continue;
		}
		slots[j] = k;
		if (vals)
			vals[j] = v;
	}
	for (size_t x = 0; x < n_side; x++) {
		uint64_t j = slot_home(c, side[2 * x], mask);
		while (slots[j] != 0)
			j = (j + 1) & mask;
		slots[j] = side[2 * x];
		if (vals)
			vals[j] = side[2 * x + 1];
	}
	free(side);
}

void table_release(void *p, size_t bytes, int mapped)
{
	if (!p)
		return;
	if (mapped)
		munmap(p, bytes);
	else
		free(p);
}

/* ---- ktable ------------------------------------------------------------ */

#define KT_INITIAL_SLOTS 64u
/* Slots are indexed by 32 tag bits, so a table holds at most 2^31 entries
 * at 3/4 load; the caps in stats.c stay below this. */
#define KT_MAX_ENTRIES (1u << 30)

void ktable_init(struct ktable *t, uint32_t keylen, uint32_t esize, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->keylen = keylen;
	t->esize = esize;
	t->max = max > KT_MAX_ENTRIES ? KT_MAX_ENTRIES : (uint32_t)max;
	t->mask = KT_INITIAL_SLOTS - 1;
	t->slots = table_alloc(KT_INITIAL_SLOTS * sizeof(uint64_t), &t->slots_mapped);
}

void ktable_fini(struct ktable *t)
{
	table_release(t->slots, ((size_t)t->mask + 1) * sizeof(uint64_t), t->slots_mapped);
	table_release(t->ent, (size_t)t->ent_cap * t->esize, t->ent_mapped);
	table_release(t->tags, (size_t)t->ent_cap * sizeof(uint32_t), t->tags_mapped);
	memset(t, 0, sizeof(*t));
}

size_t ktable_bytes(const struct ktable *t)
{
	size_t per = t->esize + sizeof(uint32_t);
	/* A reservation holds only what has been touched. */
	size_t ent = t->reserved ? ((size_t)t->n * per + 8191) & ~(size_t)4095
				 : (size_t)t->ent_cap * per;
	return ((size_t)t->mask + 1) * sizeof(uint64_t) + ent;
}

/* Large tables reserve address space for all max entries at once
 * (MAP_NORESERVE: only touched pages take memory), so the dense arrays
 * never need copying as they fill. Returns 0 if the system refuses (then
 * they double as usual). */
static int ktable_reserve(struct ktable *t)
{
	size_t eb = (size_t)t->max * t->esize, tb = (size_t)t->max * sizeof(uint32_t);
	if (eb < TABLE_MAP_MIN)
		return 0;
	void *e = mmap(NULL, eb, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (e == MAP_FAILED)
		return 0;
	void *g = mmap(NULL, tb, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (g == MAP_FAILED) {
		munmap(e, eb);
		return 0;
	}
	t->ent = e;
	t->tags = g;
	t->ent_mapped = t->tags_mapped = 1;
	t->ent_cap = t->max;
	t->reserved = 1;
	return 1;
}

/* Huge pages only once a reserved table is big: a small one (a thread
 * that saw little) should not cost 2 MiB per array. */
#define KT_HUGE_FROM (8u << 20)

void ktable_grow(struct ktable *t)
{
	size_t old_n = (size_t)t->mask + 1;
	size_t new_n = old_n * 2;
	if (t->slots_mapped) {
		uint64_t *p = table_remap_double(t->slots, old_n * sizeof(uint64_t));
		if (p) {
			struct home_ctx c = {HOME_TAG, NULL, NULL};
			t->slots = p;
			rehash_in_place(p, NULL, old_n, &c);
			t->mask = (uint32_t)(new_n - 1);
			return;
		}
	}
	uint64_t *old = t->slots;
	int mapped;
	uint64_t *slots = table_alloc(new_n * sizeof(uint64_t), &mapped);
	uint32_t mask = (uint32_t)(new_n - 1);
	/* The tag holds the hash bits the index is taken from: no rehashing. */
	for (size_t i = 0; i < old_n; i++) {
		uint64_t s = old[i];
		if (s == 0)
			continue;
		uint32_t j = (uint32_t)(s >> 32) & mask;
		while (slots[j] != 0)
			j = (j + 1) & mask;
		slots[j] = s;
	}
	table_release(old, old_n * sizeof(uint64_t), t->slots_mapped);
	t->slots = slots;
	t->slots_mapped = mapped;
	t->mask = mask;
}

void ktable_reserve_slots(struct ktable *t, size_t n)
{
	if (n > t->max)
		n = t->max;
	while ((uint64_t)n * 4 > ((uint64_t)t->mask + 1) * 3)
		ktable_grow(t);
}

/* Lookups in flight in ktable_map: stage 1 prefetches the slot, stage 2
 * (MAP_AHEAD entries later) the entry that slot points to, stage 3 does
 * the lookup; a miss costs ~150-200 ns here, so without this a merge of a
 * million keys waits ~0.2 s on memory. */
#define MAP_AHEAD 8

static void map_hint(const struct ktable *t, uint32_t tag)
{
	uint32_t i = tag & t->mask;
	for (int probes = 0; probes < 4; probes++) {
		uint64_t slot = t->slots[i];
		if (slot == 0)
			return;
		if ((uint32_t)(slot >> 32) == tag) {
			const char *e = ktable_entry(t, (uint32_t)slot - 1);
			__builtin_prefetch(e);
			__builtin_prefetch(e + t->keylen - 1);
			return;
		}
		i = (i + 1) & t->mask;
	}
}

void ktable_map(struct ktable *into, const struct ktable *from, uint32_t *map, uint8_t *added)
{
	uint32_t n = from->n;
	/* Grown once up front, not while the prefetches are in flight. */
	ktable_reserve_slots(into, (size_t)into->n + n);
	for (uint64_t i = 0; i < (uint64_t)n + 2 * MAP_AHEAD; i++) {
		if (i < n)
			__builtin_prefetch(&into->slots[from->tags[i] & into->mask]);
		if (i >= MAP_AHEAD && i - MAP_AHEAD < n)
			map_hint(into, from->tags[i - MAP_AHEAD]);
		if (i >= 2 * MAP_AHEAD) {
			uint32_t j = (uint32_t)(i - 2 * MAP_AHEAD);
			int a;
			map[j] = ktable_lookup(into, ktable_entry(from, j), from->keylen,
					       (uint64_t)from->tags[j] << 32, 1, &a);
			added[j] = (uint8_t)a;
		}
	}
}

uint32_t ktable_append(struct ktable *t, const void *key, uint32_t tag)
{
	if (!t->ent && t->max > 0)
		ktable_reserve(t);
#ifdef MADV_HUGEPAGE
	if (t->reserved && !t->huge && (size_t)t->n * t->esize >= KT_HUGE_FROM) {
		madvise(t->ent, (size_t)t->ent_cap * t->esize, MADV_HUGEPAGE);
		madvise(t->tags, (size_t)t->ent_cap * sizeof(uint32_t), MADV_HUGEPAGE);
		t->huge = 1;
	}
#endif
	if (t->n == t->ent_cap) {
		size_t cap = t->ent_cap ? (size_t)t->ent_cap * 2 : 16;
		if (cap > t->max)
			cap = t->max;
		int emapped, tmapped;
		unsigned char *ent = table_alloc(cap * t->esize, &emapped);
		uint32_t *tags = table_alloc(cap * sizeof(uint32_t), &tmapped);
		if (t->n) {
			memcpy(ent, t->ent, (size_t)t->n * t->esize);
			memcpy(tags, t->tags, (size_t)t->n * sizeof(uint32_t));
		}
		table_release(t->ent, (size_t)t->ent_cap * t->esize, t->ent_mapped);
		table_release(t->tags, (size_t)t->ent_cap * sizeof(uint32_t), t->tags_mapped);
		t->ent = ent;
		t->tags = tags;
		t->ent_mapped = emapped;
		t->tags_mapped = tmapped;
		t->ent_cap = (uint32_t)cap;
	}
	uint32_t id = t->n++;
	unsigned char *e = ktable_entry(t, id);
	memset(e, 0, t->esize);
	memcpy(e, key, t->keylen);
	t->tags[id] = tag;
	return id;
}

/* ---- pairset ----------------------------------------------------------- */

#define PS_INITIAL_SLOTS 256u

void pairset_init(struct pairset *p, uint32_t *const *atags,
		  uint32_t *const *btags)
{
	p->slots = table_alloc(PS_INITIAL_SLOTS * sizeof(uint64_t), &p->mapped);
	p->vals = NULL;
	p->mask = PS_INITIAL_SLOTS - 1;
	p->n = 0;
	p->atags = atags;
	p->btags = btags;
}

void pairset_init_counted(struct pairset *p, uint32_t *const *atags,
			  uint32_t *const *btags)
{
	pairset_init(p, atags, btags);
	p->vals = table_alloc(PS_INITIAL_SLOTS * sizeof(uint64_t), &p->vals_mapped);
}

void pairset_fini(struct pairset *p)
{
	table_release(p->slots, (size_t)(p->mask + 1) * sizeof(uint64_t), p->mapped);
	if (p->vals)
		table_release(p->vals, (size_t)(p->mask + 1) * sizeof(uint64_t), p->vals_mapped);
	p->slots = NULL;
	p->vals = NULL;
	p->mask = 0;
	p->n = 0;
}

size_t pairset_bytes(const struct pairset *p)
{
	return p->slots ? (size_t)(p->mask + 1) * sizeof(uint64_t) * (p->vals ? 2 : 1) : 0;
}

void pairset_reserve(struct pairset *p, size_t n)
{
	while (n * 4 > (size_t)(p->mask + 1) * 3)
		pairset_grow(p);
}

void pairset_grow(struct pairset *p)
{
	size_t old_n = (size_t)p->mask + 1;
	size_t new_n = old_n * 2;
	if (p->mapped && (!p->vals || p->vals_mapped)) {
		uint64_t *q = table_remap_double(p->slots, old_n * sizeof(uint64_t));
		if (q) {
			p->slots = q;
			if (p->vals) {
				uint64_t *v = table_remap_double(p->vals, old_n * sizeof(uint64_t));
				if (!v) { /* keep going with a copy */
					int m;
					v = table_alloc(new_n * sizeof(uint64_t), &m);
					memcpy(v, p->vals, old_n * sizeof(uint64_t));
					table_release(p->vals, old_n * sizeof(uint64_t), 1);
					p->vals_mapped = m;
				}
				p->vals = v;
			}
			struct home_ctx c = {HOME_PAIR, *p->atags, *p->btags};
			rehash_in_place(p->slots, p->vals, old_n, &c);
			p->mask = new_n - 1;
			return;
		}
	}
	uint64_t *old = p->slots;
	int mapped;
	uint64_t *slots = table_alloc(new_n * sizeof(uint64_t), &mapped);
	uint64_t *old_vals = p->vals, *vals = NULL;
	int vals_mapped = 0;
	if (old_vals)
		vals = table_alloc(new_n * sizeof(uint64_t), &vals_mapped);
	uint64_t mask = new_n - 1;
	const uint32_t *at = *p->atags, *bt = *p->btags;
	/* Keys have no room for a stored hash: rebuild it from the tags. */
	for (size_t i = 0; i < old_n; i++) {
		uint64_t k = old[i];
		if (k == 0)
			continue;
		uint64_t j = pair_hash(at[(uint32_t)(k >> 32) - 1], bt[(uint32_t)k]) & mask;
		while (slots[j] != 0)
			j = (j + 1) & mask;
		slots[j] = k;
		if (vals)
			vals[j] = old_vals[i];
	}
	table_release(old, old_n * sizeof(uint64_t), p->mapped);
	if (old_vals) {
		table_release(old_vals, old_n * sizeof(uint64_t), p->vals_mapped);
		p->vals = vals;
		p->vals_mapped = vals_mapped;
	}
	p->slots = slots;
	p->mapped = mapped;
	p->mask = mask;
}
