/* Internal to stats/: the two open-addressing hash tables the counters are
 * built from (linear probing, power-of-two sizes, growth by doubling up
 * to a cap on entries), hashed with the keyed SipHash of core/hash.h.
 *
 *  - struct ktable maps a fixed-size key to a small dense id; the entries
 *    (key first, then the caller's counters) live in a dense array indexed
 *    by id, so ids are stable across growth and can be packed into pair
 *    keys. A slot is 8 bytes: the upper 32 hash bits (tag) and id + 1; the
 *    tag of each id is also kept in a 4-byte array, for pair hashes.
 *  - struct pairset is a set of nonzero 64-bit keys (two ids packed), used
 *    for distinct counts: one pair costs one 8-byte slot. A pair's hash
 *    mixes the two ids' tags (see pair_hash), so it stays keyed without a
 *    third SipHash per pair. */
#ifndef CLSCAN_STATS_TABLE_H
#define CLSCAN_STATS_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define KT_NONE UINT32_MAX

/* Zeroed memory for a table array. Large ones are mapped directly with
 * transparent huge pages requested (*mapped set): one 2 MiB page covers
 * 256 K slots where 4 KiB pages would cost a TLB miss on nearly every
 * random probe, and fresh mappings are zero without being written. */
void *table_alloc(size_t bytes, int *mapped);
void table_release(void *p, size_t bytes, int mapped);

struct ktable {
	uint64_t *slots;      /* (tag << 32) | (id + 1); 0 = empty */
	unsigned char *ent;   /* dense entries, id order */
	uint32_t *tags;       /* tag of each id */
	uint32_t mask;        /* number of slots - 1 */
	uint32_t n;           /* entries */
	uint32_t max;         /* cap on entries */
	uint32_t keylen;      /* bytes at the start of an entry that form the key */
	uint32_t esize;       /* entry size */
	uint32_t ent_cap;     /* entries allocated (or reserved) */
	int slots_mapped, ent_mapped, tags_mapped;
	int reserved;         /* ent and tags are address space reserved for
			       * max entries: they grow by touching, never move */
	int huge;             /* MADV_HUGEPAGE applied to the reservations */
};

void ktable_init(struct ktable *t, uint32_t keylen, uint32_t esize, size_t max);
void ktable_fini(struct ktable *t);
/* Bytes held by the table. */
size_t ktable_bytes(const struct ktable *t);
/* Double the slot array (called by the inline insert below). */
void ktable_grow(struct ktable *t);
/* Append a new entry with this key and tag; returns its id. */
uint32_t ktable_append(struct ktable *t, const void *key, uint32_t tag);

static inline void *ktable_entry(const struct ktable *t, uint32_t id)
{
	return t->ent + (size_t)id * t->esize;
}

static inline __attribute__((always_inline)) void ktable_prefetch(const struct ktable *t,
								  uint64_t h)
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
	uint32_t id = ktable_append(t, key, tag);
	t->slots[i] = ((uint64_t)tag << 32) | ((uint64_t)id + 1);
	*added = 1;
	return id;
}

/* Grow the slot array until n entries fit below the load limit. */
void ktable_reserve_slots(struct ktable *t, size_t n);
/* For merging: look up (inserting when new and the cap allows) every
 * entry of from in into, in id order, and set map[i] to its id in into
 * (KT_NONE: dropped) and added[i] to 1 if it was new. Both tables must
 * have the same key layout and hash: from's tags are reused, nothing is
 * hashed again, and the lookups are prefetched ahead. */
void ktable_map(struct ktable *into, const struct ktable *from, uint32_t *map, uint8_t *added);

/* The hash of a pair from the tags of its two ids: the murmur3 finaliser
 * (a bijection with full avalanche) over both tags. The tags are keyed
 * SipHash output, unknown to whoever writes the log, so colliding pairs
 * cannot be chosen any more than colliding keys. */
static inline uint64_t pair_hash(uint32_t ta, uint32_t tb)
{
	uint64_t x = (uint64_t)ta << 32 | tb;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* Pair key of ids a and b; never 0. */
static inline uint64_t pair_key(uint32_t a, uint32_t b)
{
	return ((uint64_t)a + 1) << 32 | b;
}

struct pairset {
	uint64_t *slots; /* 0 = empty */
	uint64_t *vals;  /* a count per slot, or NULL (pairset_init_counted) */
	uint64_t mask;
	size_t n;
	int mapped, vals_mapped;
	/* Tags of the ids in the two halves of a key, for rehashing. */
	uint32_t *const *atags, *const *btags;
};

/* atags/btags point at the owning tables' tag array pointers (which move
 * as those tables grow). */
void pairset_init(struct pairset *p, uint32_t *const *atags,
		  uint32_t *const *btags);
/* The same with a count per pair (pairset_add_n): 8 more bytes a slot. */
void pairset_init_counted(struct pairset *p, uint32_t *const *atags,
			  uint32_t *const *btags);
void pairset_fini(struct pairset *p);
size_t pairset_bytes(const struct pairset *p);
void pairset_grow(struct pairset *p);
/* Grow until n keys fit below the load limit. */
void pairset_reserve(struct pairset *p, size_t n);

/* always_inline: GCC 12 at -O2 judged the out-of-line version free of
 * side effects (a prefetch is not one) and deleted every call to it
 * before inlining, so no pair slot was ever prefetched. */
static inline __attribute__((always_inline)) void pairset_prefetch(const struct pairset *p,
								   uint64_t h)
{
	__builtin_prefetch(&p->slots[h & p->mask]);
	if (p->vals)
		__builtin_prefetch(&p->vals[h & p->mask]);
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

/* pairset_add on a counted set, adding cnt to the pair's count when the
 * pair is (or gets) in. */
static inline int pairset_add_n(struct pairset *p, uint64_t key, uint64_t h, int may_add,
				uint64_t cnt)
{
	uint64_t i = h & p->mask;
	for (;;) {
		uint64_t k = p->slots[i];
		if (k == key) {
			p->vals[i] += cnt;
			return 0;
		}
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
	p->vals[i] = cnt;
	p->n++;
	return 1;
}

#endif
