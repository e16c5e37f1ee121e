/* Opening what the user named: files (plain ones mapped), stdin,
 * directories (walked recursively, rotated sets oldest first), gzip and
 * zstd streams (recognised by their magic bytes, not their names). Lines
 * come out without their terminator; a line longer than the cap is never
 * truncated: it is reported as overlong and skipped whole. */
#ifndef CLSCAN_INPUT_H
#define CLSCAN_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* Default cap on one line, in bytes (--max-line). Syslog's own limits are
 * 1 KiB (RFC 3164) to 8 KiB typical; 64 KiB leaves room for JSON logs. */
#define INPUT_DEFAULT_MAX_LINE (64 * 1024)

enum input_compression {
	INPUT_PLAIN = 0,
	INPUT_GZIP,
	INPUT_ZSTD,
	/* Recognised only so the user is told why: input_open refuses them. */
	INPUT_XZ,
	INPUT_BZIP2,
};

struct input_file {
	char *path;         /* as given or found; "-" for stdin */
	int64_t mtime;      /* UTC seconds; now for stdin */
	uint64_t size;      /* bytes on disk */
	enum input_compression comp;
	int is_stdin;
};

struct input_list {
	struct input_file *files;
	size_t n, cap;
};

/* Called for each operand or directory entry that cannot be used (missing,
 * unreadable, not a regular file). path and reason are only valid during
 * the call. */
typedef void (*input_error_fn)(void *arg, const char *path, const char *reason);

/* Expand operands ("-" is stdin) into files in processing order: each
 * operand in turn; a directory's files sorted by rotation set, and within
 * a set oldest first ("messages.3.gz, messages.2.gz, messages.1,
 * messages"; dated suffixes "messages-20240101" in date order). Hidden
 * files are skipped. Returns the number of operands that failed. */
size_t input_expand(char *const *operands, size_t n, struct input_list *out,
		    input_error_fn on_error, void *arg);
void input_list_fini(struct input_list *l);

/* Order two file names for the rotation rule above (exposed for tests). */
int input_rotation_cmp(const char *a, const char *b);
/* The length of path without its rotation and compression suffixes: the
 * name every file of its rotated set shares ("messages" for messages.2.gz). */
size_t input_rotation_base(const char *path);

/* Sniff the compression of the first bytes of a file. */
enum input_compression input_sniff(const unsigned char *buf, size_t n);

/* --- reading ---------------------------------------------------------- */

enum input_status {
	INPUT_LINE = 0,     /* *line, *len hold one line (no '\n', no trailing '\r') */
	INPUT_EOF = 1,
	INPUT_OVERLONG = 2, /* a line over the cap was skipped; *len = its length */
	INPUT_ERROR = -1,   /* read or decompression error: input_error() says why */
};

struct input_reader;

/* Open a file for reading. A plain regular file is mapped whole
 * (input_mapped() then gives its bytes so the caller may split the work);
 * compressed files and stdin are streamed. Returns NULL and writes a
 * reason to err on failure. */
struct input_reader *input_open(const struct input_file *f, size_t max_line, char *err,
				size_t errlen);
void input_close(struct input_reader *r);

/* Read part of a plain file with pread(2): exactly the lines whose first
 * byte lies in [start, end), finishing the last one past end. Ranges that
 * tile a file deliver each line once, so threads can share a file. (On
 * virtual machines, page faults make a private mapping slower than
 * copying through a small cache-resident buffer.) */
struct input_reader *input_open_range(const struct input_file *f, uint64_t start, uint64_t end,
				      size_t max_line, char *err, size_t errlen);

/* The whole mapped content, or NULL if this reader streams. */
const char *input_mapped(const struct input_reader *r, size_t *len);

/* Next line. Lines stay valid until the next call. */
enum input_status input_next_line(struct input_reader *r, const char **line, size_t *len);

/* Bytes consumed from the underlying file so far (compressed bytes for a
 * compressed file), for progress. */
uint64_t input_bytes_read(const struct input_reader *r);

/* Why the last INPUT_ERROR happened. */
const char *input_error(const struct input_reader *r);

/* Split a memory range into lines the same way (for mapped files and their
 * chunks). Advances *pos. */
enum input_status input_next_line_mem(const char **pos, const char *end, size_t max_line,
				      const char **line, size_t *len);

/* --- progress on stderr ----------------------------------------------- */

/* Shown only when stderr is a terminal, the input is larger than a few MB,
 * and not quiet. Counters are updated by workers with atomic adds. */
struct progress;
struct progress *progress_new(uint64_t total_bytes, int enabled);
void progress_add(struct progress *p, uint64_t bytes, uint64_t lines);
/* Redraw if at least 250 ms passed since the last draw (main thread). */
void progress_tick(struct progress *p);
/* Erase the progress line. */
void progress_done(struct progress *p);
void progress_free(struct progress *p);

#endif
