/* Growth and bookkeeping for the stats hash tables (table.h); the probe
 * loops are inline in the header because they run once per event. */
#include "stats/table.h"

#include <stdlib.h>
#include <sys/mman.h>

#include "core/hash.h"
#include "core/util.h"

/* From this size on, arrays come from mmap with MADV_HUGEPAGE: one 2 MiB
 * page covers 256 K slots, where 4 KiB pages would cost a TLB miss on
 * nearly every random probe of a large table. */
#define TABLE_HUGE_MIN (2u << 20)

void *table_alloc(size_t bytes)
{
	/* calloc serves large sizes from fresh zero pages without touching
	 * them; only the 2 MiB-aligned parts inside can become huge pages. */
	void *p = xcalloc(1, bytes);
#ifdef MADV_HUGEPAGE
	if (bytes >= TABLE_HUGE_MIN) {
		uintptr_t lo = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
		uintptr_t hi = ((uintptr_t)p + bytes) & ~(uintptr_t)4095;
		if (hi > lo)
			madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
	}
#endif
	return p;
}

void table_release(void *p, size_t bytes)
{
	(void)bytes;
	free(p);
}

/* ---- ktable ------------------------------------------------------------ */

#define KT_INITIAL_SLOTS 64u
/* Slots are indexed by 32 tag bits, so a table holds at most 2^31 entries
 * at 3/4 load; the caps in stats.c stay far below. */
#define KT_MAX_ENTRIES (1u << 30)

void ktable_init(struct ktable *t, uint32_t keylen, uint32_t esize, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->keylen = keylen;
	t->esize = esize;
	t->max = max > KT_MAX_ENTRIES ? KT_MAX_ENTRIES : (uint32_t)max;
	t->mask = KT_INITIAL_SLOTS - 1;
	t->slots = table_alloc(KT_INITIAL_SLOTS * sizeof(uint64_t));
}

void ktable_fini(struct ktable *t)
{
	if (t->slots)
		table_release(t->slots, ((size_t)t->mask + 1) * sizeof(uint64_t));
	table_release(t->ent, t->ent_cap * t->esize);
	memset(t, 0, sizeof(*t));
}

size_t ktable_bytes(const struct ktable *t)
{
	return ((size_t)t->mask + 1) * sizeof(uint64_t) + t->ent_cap * t->esize;
}

void ktable_grow(struct ktable *t)
{
	size_t old_n = (size_t)t->mask + 1;
	size_t new_n = old_n * 2;
	uint64_t *old = t->slots;
	uint64_t *slots = table_alloc(new_n * sizeof(uint64_t));
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
	table_release(old, old_n * sizeof(uint64_t));
	t->slots = slots;
	t->mask = mask;
}

uint32_t ktable_append(struct ktable *t, const void *key)
{
	if (t->n == t->ent_cap) {
		size_t cap = t->ent_cap ? t->ent_cap * 2 : 16;
		if (cap > t->max)
			cap = t->max;
		unsigned char *ent = table_alloc(cap * t->esize);
		if (t->n)
			memcpy(ent, t->ent, (size_t)t->n * t->esize);
		table_release(t->ent, t->ent_cap * t->esize);
		t->ent = ent;
		t->ent_cap = cap;
	}
	uint32_t id = t->n++;
	unsigned char *e = ktable_entry(t, id);
	memset(e, 0, t->esize);
	memcpy(e, key, t->keylen);
	return id;
}

/* ---- pairset ----------------------------------------------------------- */

#define PS_INITIAL_SLOTS 256u

void pairset_init(struct pairset *p)
{
	p->slots = table_alloc(PS_INITIAL_SLOTS * sizeof(uint64_t));
	p->mask = PS_INITIAL_SLOTS - 1;
	p->n = 0;
}

void pairset_fini(struct pairset *p)
{
	if (p->slots)
		table_release(p->slots, (size_t)(p->mask + 1) * sizeof(uint64_t));
	p->slots = NULL;
	p->mask = 0;
	p->n = 0;
}

size_t pairset_bytes(const struct pairset *p)
{
	return (size_t)(p->mask + 1) * sizeof(uint64_t);
}

void pairset_grow(struct pairset *p)
{
	size_t old_n = (size_t)p->mask + 1;
	size_t new_n = old_n * 2;
	uint64_t *old = p->slots;
	uint64_t *slots = table_alloc(new_n * sizeof(uint64_t));
	uint64_t mask = new_n - 1;
	/* Keys are 8 bytes with no room for a stored hash: rehash them. */
	for (size_t i = 0; i < old_n; i++) {
		uint64_t k = old[i];
		if (k == 0)
			continue;
		uint64_t j = hash_u64(k) & mask;
		while (slots[j] != 0)
			j = (j + 1) & mask;
		slots[j] = k;
	}
	table_release(old, old_n * sizeof(uint64_t));
	p->slots = slots;
	p->mask = mask;
}
