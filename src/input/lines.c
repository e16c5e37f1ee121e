/* Cutting a memory range (a mapped file or a chunk of one) into lines: the
 * rules of input.h ('\n' ends a line, one trailing '\r' is dropped, over-cap
 * lines are skipped whole and reported with their length). */
#include "input/input.h"

#include <string.h>

enum input_status input_next_line_mem(const char **pos, const char *end, size_t max_line,
				      const char **line, size_t *len)
{
	const char *p = *pos;
	if (p >= end)
		return INPUT_EOF;
	if (max_line == 0)
		max_line = INPUT_DEFAULT_MAX_LINE;

	size_t avail = (size_t)(end - p);
	const char *nl = memchr(p, '\n', avail);
	/* The cap applies to the bytes before '\n', a '\r' included, so that
	 * every reader (which cannot always see the '\r' and '\n' together)
	 * draws the same line. */
	size_t raw = nl ? (size_t)(nl - p) : avail;
	*pos = nl ? nl + 1 : end;
	if (raw > max_line) {
		*line = NULL;
		*len = raw;
		return INPUT_OVERLONG;
	}
	if (raw > 0 && p[raw - 1] == '\r')
		raw--;
	*line = p;
	*len = raw;
	return INPUT_LINE;
}
