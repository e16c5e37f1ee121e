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

/* Message blocks m[0..n) (n is 1 or 2), then the length block and the
 * finalisation. */
static inline uint64_t hash_blocks(const uint64_t *m, unsigned n)
{
	uint64_t v0 = 0x736f6d6570736575ULL ^ hash_k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ hash_k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ hash_k0;
	uint64_t v3 = 0x7465646279746573ULL ^ hash_k1;
	for (unsigned i = 0; i < n; i++) {
		v3 ^= m[i];
		HASH_SIPROUND(v0, v1, v2, v3);
		v0 ^= m[i];
	}
	uint64_t last = (uint64_t)(n * 8) << 56;
	v3 ^= last;
	HASH_SIPROUND(v0, v1, v2, v3);
	v0 ^= last;
	v2 ^= 0xff;
	HASH_SIPROUND(v0, v1, v2, v3);
	HASH_SIPROUND(v0, v1, v2, v3);
	HASH_SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* One 64-bit key (as hash_bytes of its 8 bytes in memory order). */
static inline uint64_t hash_u64(uint64_t v)
{
	uint64_t m = hash_load_le64(&v);
	return hash_blocks(&m, 1);
}

/* 16 bytes, such as a struct ip_addr. */
static inline uint64_t hash_16(const void *p)
{
	uint64_t m[2] = {hash_load_le64(p), hash_load_le64((const char *)p + 8)};
	return hash_blocks(m, 2);
}

#endif
