/* Keyed hashing for tables whose keys an attacker chooses (source
 * addresses, ports): SipHash-1-3 with a per-process random key, so
 * colliding keys cannot be precomputed. */
#ifndef CLSCAN_HASH_H
#define CLSCAN_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Seed the process-wide key from getrandom(); call once at start.
 * Tests may call hash_set_key() for reproducible layouts. */
void hash_init(void);
void hash_set_key(uint64_t k0, uint64_t k1);

uint64_t hash_bytes(const void *data, size_t len);
/* Fast path for one 64-bit key. */
uint64_t hash_u64(uint64_t v);

#endif
