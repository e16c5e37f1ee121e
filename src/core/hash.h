/* Keyed hashing for tables whose keys an attacker chooses (source
 * addresses, ports): SipHash-1-3 with a per-process random key, so
 * colliding keys cannot be precomputed. */
#ifndef CLSCAN_HASH_H
#define CLSCAN_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Seed the process-wide key from getrandom(); call once at start.
 * Tests may call hash_set_key() for reproducible layouts. */
void hash_init(void);
void hash_set_key(uint64_t k0, uint64_t k1);

uint64_t hash_bytes(const void *data, size_t len);

/* The same function, written out for the two lengths every event hashes
 * (a 64-bit key; a 16-byte address): no loop or tail, inlined. Each gives
 * what hash_bytes gives for the same bytes. */
extern uint64_t hash_k0, hash_k1;

#define HASH_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define HASH_SIPROUND(v0, v1, v2, v3)                                                      \
	do {                                                                               \
		v0 += v1;                                                                  \
		v1 = HASH_ROTL(v1, 13);                                                    \
		v1 ^= v0;                                                                  \
		v0 = HASH_ROTL(v0, 32);                                                    \
		v2 += v3;                                                                  \
		v3 = HASH_ROTL(v3, 16);                                                    \
		v3 ^= v2;                                                                  \
		v0 += v3;                                                                  \
		v3 = HASH_ROTL(v3, 21);                                                    \
		v3 ^= v0;                                                                  \
		v2 += v1;                                                                  \
		v1 = HASH_ROTL(v1, 17);                                                    \
		v1 ^= v2;                                                                  \
		v2 = HASH_ROTL(v2, 32);                                                    \
	} while (0)

static inline uint64_t hash_load_le64(const void *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* SipHash's state, its compression of one 8-byte block, and its end: the
 * length block and the finalisation. hash_bytes and the fixed-length
 * forms below are built from these. */
struct hash_state {
	uint64_t v0, v1, v2, v3;
};

static inline struct hash_state hash_begin(void)
{
	struct hash_state s = {0x736f6d6570736575ULL ^ hash_k0, 0x646f72616e646f6dULL ^ hash_k1,
			       0x6c7967656e657261ULL ^ hash_k0, 0x7465646279746573ULL ^ hash_k1};
	return s;
}

static inline void hash_block(struct hash_state *s, uint64_t m)
{
	s->v3 ^= m;
	HASH_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	s->v0 ^= m;
}

/* last: the input's length in the top byte, its last len % 8 bytes below */
static inline uint64_t hash_end(struct hash_state *s, uint64_t last)
{
	hash_block(s, last);
	s->v2 ^= 0xff;
	HASH_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	HASH_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	HASH_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

/* One 64-bit key (as hash_bytes of its 8 bytes in memory order). */
static inline uint64_t hash_u64(uint64_t v)
{
	struct hash_state s = hash_begin();
	hash_block(&s, hash_load_le64(&v));
	return hash_end(&s, 8ull << 56);
}

/* 16 bytes, such as a struct ip_addr. */
static inline uint64_t hash_16(const void *p)
{
	struct hash_state s = hash_begin();
	hash_block(&s, hash_load_le64(p));
	hash_block(&s, hash_load_le64((const char *)p + 8));
	return hash_end(&s, 16ull << 56);
}

#endif
