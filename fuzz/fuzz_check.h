/* CHECK for the fuzz targets: an invariant that fails aborts, so that
 * libFuzzer (and the replay driver in ctest) reports the input as a crash,
 * with the file and line of the broken invariant. */
#ifndef CLSCAN_FUZZ_CHECK_H
#define CLSCAN_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(c)                                                                     \
	do {                                                                         \
		if (!(c)) {                                                          \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                     \
		}                                                                    \
	} while (0)

#endif
