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
