/* Input-stage internals shared with its own tests and fuzz target only:
 * not part of the interface other stages use (that is input.h). */
#ifndef CLSCAN_INPUT_INTERNAL_H
#define CLSCAN_INPUT_INTERNAL_H

#include "input/input.h"

/* Read and decompress block used by input_open. */
#define INPUT_BLOCK (256 * 1024)

/* input_open with a chosen block size (bytes per read(2) and per
 * decompression step), so tests can push lines across block boundaries
 * with small inputs. block 0 means INPUT_BLOCK. */
struct input_reader *input_open_block(const struct input_file *f, size_t max_line,
				      size_t block, char *err, size_t errlen);

#endif
