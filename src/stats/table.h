/* Internal to stats/: the two open-addressing hash tables the counters are
 * built from (linear probing, power-of-two sizes, keyed hashes from
 * core/hash.h, growth by doubling up to a cap on entries).
 *
 *  - struct ktable maps a fixed-size key to a small dense id; the entries
 *    (key first, then the caller's counters) live in a dense array indexed
 *    by id, so ids are stable across growth and can be packed into pair
 *    keys. A slot is 8 bytes: the upper 32 hash bits (tag) and id + 1.
 *  - struct pairset is a set of nonzero 64-bit keys (two ids packed), used
 *    for distinct counts: one pair costs one 8-byte slot. */
#ifndef CLSCAN_STATS_TABLE_H
#define CLSCAN_STATS_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define KT_NONE UINT32_MAX

/* Zeroed memory for a table array; large ones get transparent huge pages
 * (fewer TLB misses on the random accesses hashing implies). */
void *table_alloc(size_t bytes);
void table_release(void *p, size_t bytes);

struct ktable {
	uint64_t *slots;      /* (tag << 32) | (id + 1); 0 = empty */
	uint32_t mask;        /* number of slots - 1 */
	uint32_t n;           /* entries */
	uint32_t max;         /* cap on entries */
	uint32_t keylen;      /* bytes at the start of an entry that form the key */
	uint32_t esize;       /* entry size */
	unsigned char *ent;   /* dense entries, id order */
	size_t ent_cap;       /* entries allocated */
};

void ktable_init(struct ktable *t, uint32_t keylen, uint32_t esize, size_t max);
void ktable_fini(struct ktable *t);
/* Bytes held by the table. */
size_t ktable_bytes(const struct ktable *t);
/* Double the slot array (called by the inline insert below). */
void ktable_grow(struct ktable *t);
/* Append a new entry with this key to the dense array; returns its id. */
uint32_t ktable_append(struct ktable *t, const void *key);

static inline void *ktable_entry(const struct ktable *t, uint32_t id)
{
	return t->ent + (size_t)id * t->esize;
}

static inline void ktable_prefetch(const struct ktable *t, uint64_t h)
{
	__builtin_prefetch(&t->slots[(uint32_t)(h >> 32) & t->mask]);
}

/* Find key (klen bytes, equal to the table's keylen; pass a constant so
 * the compare compiles to a few loads; h its hash); if absent and add is
 * set and the cap allows, insert a zeroed entry with that key and set
 * *added. Returns the id, or KT_NONE (absent and not added). */
static inline uint32_t ktable_lookup(struct ktable *t, const void *key, size_t klen, uint64_t h,
				     int add, int *added)
{
	uint32_t tag = (uint32_t)(h >> 32);
	uint32_t i = tag & t->mask;
	*added = 0;
	for (;;) {
		uint64_t slot = t->slots[i];
		if (slot == 0)
			break;
		if ((uint32_t)(slot >> 32) == tag) {
			uint32_t id = (uint32_t)slot - 1;
			if (memcmp(ktable_entry(t, id), key, klen) == 0)
				return id;
		}
		i = (i + 1) & t->mask;
	}
	if (!add || t->n >= t->max)
		return KT_NONE;
	/* Keep the load at or below 3/4 so probe runs stay short. */
	if ((uint64_t)(t->n + 1) * 4 > (uint64_t)(t->mask + 1) * 3) {
		ktable_grow(t);
		i = tag & t->mask;
		while (t->slots[i] != 0)
			i = (i + 1) & t->mask;
	}
	uint32_t id = ktable_append(t, key);
	t->slots[i] = ((uint64_t)tag << 32) | ((uint64_t)id + 1);
	*added = 1;
	return id;
}

struct pairset {
	uint64_t *slots; /* 0 = empty */
	uint64_t mask;
	size_t n;
};

void pairset_init(struct pairset *p);
void pairset_fini(struct pairset *p);
size_t pairset_bytes(const struct pairset *p);
void pairset_grow(struct pairset *p);

static inline void pairset_prefetch(const struct pairset *p, uint64_t h)
{
	__builtin_prefetch(&p->slots[h & p->mask]);
}

/* Add key (nonzero, hash h). Returns 1 if it was new and is now in, 0 if it
 * was already in, -1 if it was new but may_add is 0 (a cap is reached). */
static inline int pairset_add(struct pairset *p, uint64_t key, uint64_t h, int may_add)
{
	uint64_t i = h & p->mask;
	for (;;) {
		uint64_t k = p->slots[i];
		if (k == key)
			return 0;
		if (k == 0)
			break;
		i = (i + 1) & p->mask;
	}
	if (!may_add)
		return -1;
	if ((p->n + 1) * 4 > (p->mask + 1) * 3) {
		pairset_grow(p);
		i = h & p->mask;
		while (p->slots[i] != 0)
			i = (i + 1) & p->mask;
	}
	p->slots[i] = key;
	p->n++;
	return 1;
}

#endif
