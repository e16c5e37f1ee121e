/* SipHash-1-3 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012; one compression and three finalisation rounds, as Python and Rust
 * use for hash tables) with a random per-process key. */
#include "core/hash.h"

#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

uint64_t hash_k0 = 0x736f6d6570736575ULL, hash_k1 = 0x646f72616e646f6dULL;

void hash_set_key(uint64_t k0, uint64_t k1)
{
	hash_k0 = k0;
	hash_k1 = k1;
}

void hash_init(void)
{
	uint64_t k[2];
	if (getrandom(k, sizeof(k), GRND_NONBLOCK) != (ssize_t)sizeof(k)) {
		/* No entropy yet (early boot): still better than a fixed key. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		k[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
		k[1] = (uint64_t)ts.tv_sec * 0xbf58476d1ce4e5b9ULL ^ (uint64_t)(uintptr_t)&k;
	}
	hash_set_key(k[0], k[1]);
}

uint64_t hash_bytes(const void *data, size_t len)
{
	const unsigned char *in = data;
	struct hash_state s = hash_begin();
	size_t blocks = len / 8;
	for (size_t i = 0; i < blocks; i++)
		hash_block(&s, hash_load_le64(in + i * 8));
	uint64_t last = (uint64_t)len << 56;
	const unsigned char *tail = in + blocks * 8;
	switch (len & 7) {
	case 7: last |= (uint64_t)tail[6] << 48; /* fall through */
	case 6: last |= (uint64_t)tail[5] << 40; /* fall through */
	case 5: last |= (uint64_t)tail[4] << 32; /* fall through */
	case 4: last |= (uint64_t)tail[3] << 24; /* fall through */
	case 3: last |= (uint64_t)tail[2] << 16; /* fall through */
	case 2: last |= (uint64_t)tail[1] << 8;  /* fall through */
	case 1: last |= (uint64_t)tail[0]; break;
	case 0: break;
	}
	return hash_end(&s, last);
}
