/* Reading one input: plain regular files are mapped whole; gzip (RFC 1952,
 * concatenated members as gzip -d accepts them), zstd (RFC 8878, any number
 * of frames), stdin and pipes are streamed through one bounded buffer and
 * cut into lines in place. */
#include "input/input.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "core/util.h"
#include "input/input_internal.h"

/* pread size for ranged readers: big enough to amortise the call, small
 * enough to stay in the cache while the line splitter and parser run. */
#define RANGE_BLOCK (128 * 1024)

/* Enough leading bytes to tell every format input_sniff knows (xz: 6). */
#define SNIFF_BYTES 6

enum reader_kind {
	READER_MAPPED,
	READER_PLAIN, /* stdin, pipes, files that cannot be mapped */
	READER_GZIP,
	READER_ZSTD,
	READER_RANGE, /* part of a plain file, read with pread (input_open_range) */
};

/* What the source said after the data already in the buffer. */
enum source_state {
	SOURCE_MORE,
	SOURCE_EOF,
	SOURCE_ERROR, /* errmsg says why */
};

struct input_reader {
	enum reader_kind kind;
	int fd;
	int own_fd;
	size_t max_line;
	size_t block;
	uint64_t bytes_read; /* from fd, or through pos when mapped */
	char errmsg[192];

	/* mapped: the whole file, and how far input_next_line got */
	const char *map;
	size_t map_len;
	const char *pos;

	/* streamed: text in buf[start, end); no '\n' in buf[start, scan).
	 * Between fills at most max_line bytes are kept, so cap never
	 * exceeds max_line + block. */
	char *buf;
	size_t cap, start, end, scan;
	int skipping;      /* inside an overlong line, discarding it */
	uint64_t skip_len; /* its bytes so far */
	enum source_state source;
	int error_pending; /* the decoder failed after handing out data */

	/* The first bytes, read at open to learn the format. Buffers and
	 * decoders come at the first read, so that opening many files
	 * ahead of reading them costs a descriptor each, not buffers. */
	unsigned char head[SNIFF_BYTES];
	size_t head_len;
	int prepared;

	/* compressed bytes from fd in in[in_pos, in_len) */
	unsigned char *in;
	size_t in_pos, in_len;
	int in_eof;

	z_stream zs;
	int zs_ready;
	int member_done; /* a gzip member ended; another may follow */
	int zero_tail;   /* only zero bytes seen after the last member */

	ZSTD_DStream *zds;
	size_t zret; /* last ZSTD_decompressStream result: 0 = frame done */

	/* READER_RANGE: lines whose first byte lies in [.., range_end) */
	uint64_t file_pos;   /* next offset to pread */
	uint64_t buf_base;   /* file offset of buf[0] */
	uint64_t range_end;
	uint64_t skip_start; /* file offset of the overlong line being skipped */
	int drop_partial;    /* the range starts inside a line of the previous range */
};

static void set_error(struct input_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_error(struct input_reader *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
	va_end(ap);
}

static void open_fail(char *err, size_t errlen, const char *reason)
{
	if (err && errlen > 0)
		snprintf(err, errlen, "%s", reason);
}

/* read(2) that retries interruptions and waits out a non-blocking
 * descriptor (a stdin left O_NONBLOCK by the shell's other users). */
static ssize_t read_fd(struct input_reader *r, void *dst, size_t n)
{
	for (;;) {
		ssize_t got = read(r->fd, dst, n);
		if (got >= 0) {
			r->bytes_read += (uint64_t)got;
			return got;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			struct pollfd p = {.fd = r->fd, .events = POLLIN};
			if (poll(&p, 1, -1) >= 0 || errno == EINTR)
				continue;
		}
		set_error(r, "read: %s", strerror(errno));
		return -1;
	}
}

/* Makes compressed input available: 1 if some is, 0 at end of file. */
static int refill_in(struct input_reader *r)
{
	if (r->in_pos < r->in_len)
		return 1;
	if (r->in_eof)
		return 0;
	ssize_t got = read_fd(r, r->in, r->block);
	if (got < 0)
		return -1;
	r->in_pos = 0;
	r->in_len = (size_t)got;
	if (got == 0) {
		r->in_eof = 1;
		return 0;
	}
	return 1;
}

/* A decoder failed after producing some output: hand the output out first
 * and report the failure on the next fill. */
static ssize_t fail_after(struct input_reader *r, size_t produced)
{
	if (produced == 0)
		return -1;
	r->error_pending = 1;
	return (ssize_t)produced;
}

static ssize_t fill_range(struct input_reader *r, char *dst, size_t space)
{
	for (;;) {
		ssize_t got = pread(r->fd, dst, space, (off_t)r->file_pos);
		if (got >= 0) {
			r->file_pos += (uint64_t)got;
			r->bytes_read += (uint64_t)got;
			return got;
		}
		if (errno != EINTR) {
			set_error(r, "read: %s", strerror(errno));
			return -1;
		}
	}
}

static ssize_t fill_plain(struct input_reader *r, char *dst, size_t space)
{
	/* bytes read while sniffing come first */
	if (r->in_pos < r->in_len) {
		size_t n = r->in_len - r->in_pos;
		if (n > space)
			n = space;
		memcpy(dst, r->in + r->in_pos, n);
		r->in_pos += n;
		return (ssize_t)n;
	}
	return read_fd(r, dst, space);
}

static ssize_t fill_gzip(struct input_reader *r, char *dst, size_t space)
{
	size_t produced = 0;
	while (produced == 0) {
		int have = refill_in(r);
		if (have < 0)
			return -1;
		if (r->member_done) {
			if (!have)
				return 0;
			/* gzip -d skips zero padding (tapes, block devices)
			 * and reads a following member; anything else is
			 * damage we must not pass over silently. */
			if (r->zero_tail || r->in[r->in_pos] == 0) {
				r->zero_tail = 1;
				while (r->in_pos < r->in_len && r->in[r->in_pos] == 0)
					r->in_pos++;
				if (r->in_pos == r->in_len)
					continue;
			}
			if (r->zero_tail || r->in[r->in_pos] != 0x1f) {
				set_error(r, "gzip: trailing garbage after compressed data");
				return -1;
			}
			inflateReset(&r->zs);
			r->member_done = 0;
		}
		r->zs.next_in = r->in + r->in_pos;
		r->zs.avail_in = (uInt)(r->in_len - r->in_pos);
		r->zs.next_out = (Bytef *)dst;
		r->zs.avail_out = (uInt)space;
		int ret = inflate(&r->zs, Z_NO_FLUSH);
		r->in_pos = r->in_len - r->zs.avail_in;
		produced = space - r->zs.avail_out;
		switch (ret) {
		case Z_OK:
			break;
		case Z_STREAM_END:
			r->member_done = 1;
			break;
		case Z_BUF_ERROR:
			/* no progress: fine while input is still to come */
			if (!have) {
				set_error(r, "gzip: unexpected end of file");
				return fail_after(r, produced);
			}
			break;
		case Z_MEM_ERROR:
			set_error(r, "gzip: out of memory");
			return fail_after(r, produced);
		default:
			set_error(r, "gzip: invalid compressed data (%s)",
				  r->zs.msg ? r->zs.msg : "format violated");
			return fail_after(r, produced);
		}
	}
	return (ssize_t)produced;
}

static ssize_t fill_zstd(struct input_reader *r, char *dst, size_t space)
{
	size_t produced = 0;
	while (produced == 0) {
		int have = refill_in(r);
		if (have < 0)
			return -1;
		/* input over and the last frame complete and flushed */
		if (!have && r->zret == 0)
			return 0;
		ZSTD_inBuffer zin = {.src = r->in, .size = r->in_len, .pos = r->in_pos};
		ZSTD_outBuffer zout = {.dst = dst, .size = space, .pos = 0};
		size_t ret = ZSTD_decompressStream(r->zds, &zout, &zin);
		r->in_pos = zin.pos;
		produced = zout.pos;
		if (ZSTD_isError(ret)) {
			set_error(r, "zstd: %s", ZSTD_getErrorName(ret));
			return fail_after(r, produced);
		}
		r->zret = ret;
		if (!have && produced == 0) {
			set_error(r, "zstd: unexpected end of file");
			return -1;
		}
	}
	return (ssize_t)produced;
}

static ssize_t fill(struct input_reader *r, char *dst, size_t space)
{
	if (r->error_pending)
		return -1;
	switch (r->kind) {
	case READER_GZIP:
		return fill_gzip(r, dst, space);
	case READER_ZSTD:
		return fill_zstd(r, dst, space);
	case READER_RANGE:
		return fill_range(r, dst, space);
	default:
		return fill_plain(r, dst, space);
	}
}

/* The first read of a stream: buffers and decoder. */
static void prepare_stream(struct input_reader *r)
{
	r->prepared = 1;
	r->in = xmalloc(r->block < SNIFF_BYTES ? SNIFF_BYTES : r->block);
	memcpy(r->in, r->head, r->head_len);
	r->in_len = r->head_len;
	r->cap = (r->max_line < r->block ? r->max_line : r->block) + r->block;
	r->buf = xmalloc(r->cap);
	if (r->kind == READER_GZIP) {
		if (inflateInit2(&r->zs, 16 + MAX_WBITS) != Z_OK) {
			set_error(r, "gzip: cannot initialise the decoder");
			r->source = SOURCE_ERROR;
			return;
		}
		r->zs_ready = 1;
	} else if (r->kind == READER_ZSTD) {
		r->zds = ZSTD_createDStream();
		if (!r->zds || ZSTD_isError(ZSTD_initDStream(r->zds))) {
			set_error(r, "zstd: cannot initialise the decoder");
			r->source = SOURCE_ERROR;
			return;
		}
		r->zret = 1;
	}
}

/* Room for one more block after the kept partial line (<= max_line). */
static void ensure_room(struct input_reader *r)
{
	size_t want = r->end + r->block;
	if (want <= r->cap)
		return;
	size_t ncap = r->cap * 2;
	if (ncap < want)
		ncap = want;
	if (ncap > r->max_line + r->block)
		ncap = r->max_line + r->block;
	r->buf = xrealloc(r->buf, ncap);
	r->cap = ncap;
}

/* For ranged readers: does a line starting at file offset off belong to
 * a later range? Then this range is done. */
static int past_range(const struct input_reader *r, uint64_t off)
{
	return r->kind == READER_RANGE && off >= r->range_end;
}

static enum input_status stream_next(struct input_reader *r, const char **line, size_t *len)
{
	if (!r->prepared)
		prepare_stream(r);
	for (;;) {
		if (r->scan < r->end) {
			char *nl = memchr(r->buf + r->scan, '\n', r->end - r->scan);
			if (nl) {
				size_t at = (size_t)(nl - r->buf);
				size_t raw = at - r->start;
				const char *p = r->buf + r->start;
				uint64_t line_off = r->skipping ? r->skip_start : r->buf_base + r->start;
				r->start = r->scan = at + 1;
				if (r->drop_partial) {
					/* the tail of the previous range's last line */
					r->drop_partial = 0;
					r->skipping = 0;
					continue;
				}
				if (past_range(r, line_off)) {
					r->source = SOURCE_EOF;
					r->start = r->end = r->scan = 0;
					r->skipping = 0;
					return INPUT_EOF;
				}
				if (r->skipping) {
					r->skipping = 0;
					*line = NULL;
					*len = (size_t)(r->skip_len + raw);
					return INPUT_OVERLONG;
				}
				if (raw > r->max_line) {
					*line = NULL;
					*len = raw;
					return INPUT_OVERLONG;
				}
				*line = p;
				if (raw > 0 && p[raw - 1] == '\r')
					raw--;
				*len = raw;
				return INPUT_LINE;
			}
			r->scan = r->end;
		}

		/* No '\n' in buf[start, end): a partial line, kept only
		 * while it may still fit under the cap. */
		if (r->skipping || r->end - r->start > r->max_line) {
			if (!r->skipping) {
				r->skipping = 1;
				r->skip_len = 0;
				r->skip_start = r->buf_base + r->start;
			}
			r->skip_len += r->end - r->start;
			r->buf_base += r->end;
			r->start = r->end = r->scan = 0;
		}
		if (r->source == SOURCE_EOF) {
			uint64_t line_off = r->skipping ? r->skip_start : r->buf_base + r->start;
			if (r->drop_partial || (r->end == r->start && !r->skipping) ||
			    past_range(r, line_off)) {
				r->skipping = 0;
				r->start = r->end = r->scan = 0;
				return INPUT_EOF;
			}
			if (r->skipping) {
				r->skipping = 0;
				*line = NULL;
				*len = (size_t)r->skip_len;
				return INPUT_OVERLONG;
			}
			/* last line without '\n' */
			const char *p = r->buf + r->start;
			size_t raw = r->end - r->start;
			r->start = r->scan = r->end;
			if (p[raw - 1] == '\r')
				raw--;
			*line = p;
			*len = raw;
			return INPUT_LINE;
		}
		if (r->source == SOURCE_ERROR) {
			/* The partial line before the damage is incomplete: it
			 * is dropped, and the error says so. */
			r->skipping = 0;
			r->start = r->end = r->scan = 0;
			return INPUT_ERROR;
		}

		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->buf_base += r->start;
			r->end -= r->start;
			r->scan -= r->start;
			r->start = 0;
		}
		ensure_room(r);
		size_t space = r->cap - r->end;
		if (space > r->block)
			space = r->block;
		ssize_t got = fill(r, r->buf + r->end, space);
		if (got > 0)
			r->end += (size_t)got;
		else
			r->source = got == 0 ? SOURCE_EOF : SOURCE_ERROR;
	}
}

/* Tries to map a plain regular file; 0 on success. */
static int map_file(struct input_reader *r, const struct stat *st)
{
	if ((uint64_t)st->st_size > SIZE_MAX)
		return -1;
	size_t n = (size_t)st->st_size;
	void *m = mmap(NULL, n, PROT_READ, MAP_PRIVATE, r->fd, 0);
	if (m == MAP_FAILED)
		return -1;
	(void)madvise(m, n, MADV_SEQUENTIAL);
	r->kind = READER_MAPPED;
	r->map = m;
	r->map_len = n;
	r->pos = m;
	/* the mapping outlives the descriptor */
	if (r->own_fd)
		close(r->fd);
	r->fd = -1;
	return 0;
}

/* Streams: read the first bytes to learn what we are reading. */
static int start_stream(struct input_reader *r, char *err, size_t errlen)
{
	while (r->head_len < SNIFF_BYTES) {
		ssize_t got = read_fd(r, r->head + r->head_len, SNIFF_BYTES - r->head_len);
		if (got < 0) {
			open_fail(err, errlen, r->errmsg);
			return -1;
		}
		if (got == 0)
			break;
		r->head_len += (size_t)got;
	}
	switch (input_sniff(r->head, r->head_len)) {
	case INPUT_GZIP:
		r->kind = READER_GZIP;
		break;
	case INPUT_ZSTD:
		r->kind = READER_ZSTD;
		break;
	case INPUT_XZ:
		open_fail(err, errlen, "xz compression is not supported (decompress with xz -dc)");
		return -1;
	case INPUT_BZIP2:
		open_fail(err, errlen,
			  "bzip2 compression is not supported (decompress with bzip2 -dc)");
		return -1;
	default:
		r->kind = READER_PLAIN;
		break;
	}
	return 0;
}

struct input_reader *input_open_block(const struct input_file *f, size_t max_line,
				      size_t block, char *err, size_t errlen)
{
	if (max_line == 0)
		max_line = INPUT_DEFAULT_MAX_LINE;
	if (block == 0)
		block = INPUT_BLOCK;
	/* zlib counts in uInt; and keep max_line + block from overflowing */
	if (block > (1u << 30))
		block = 1u << 30;
	if (max_line > SIZE_MAX / 4)
		max_line = SIZE_MAX / 4;

	int fd = 0;
	if (!f->is_stdin) {
		fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			open_fail(err, errlen, strerror(errno));
			return NULL;
		}
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		open_fail(err, errlen, strerror(errno));
		if (!f->is_stdin)
			close(fd);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		open_fail(err, errlen, strerror(EISDIR));
		if (!f->is_stdin)
			close(fd);
		return NULL;
	}

	struct input_reader *r = xcalloc(1, sizeof(*r));
	r->fd = fd;
	r->own_fd = !f->is_stdin;
	r->max_line = max_line;
	r->block = block;
	r->source = SOURCE_MORE;

	/* An empty regular file streams too (to an immediate end): that
	 * also covers /proc-like files whose size says 0. */
	if (S_ISREG(st.st_mode) && !f->is_stdin && st.st_size > 0) {
		unsigned char magic[SNIFF_BYTES];
		ssize_t got;
		do
			got = pread(fd, magic, sizeof(magic), 0);
		while (got < 0 && errno == EINTR);
		if (got < 0) {
			open_fail(err, errlen, strerror(errno));
			input_close(r);
			return NULL;
		}
		if (input_sniff(magic, (size_t)got) == INPUT_PLAIN && map_file(r, &st) == 0)
			return r;
		/* compressed, or mapping refused: stream it */
	}
	if (start_stream(r, err, errlen) != 0) {
		input_close(r);
		return NULL;
	}
	return r;
}

struct input_reader *input_open(const struct input_file *f, size_t max_line, char *err,
				size_t errlen)
{
	return input_open_block(f, max_line, 0, err, errlen);
}

struct input_reader *input_open_range(const struct input_file *f, uint64_t start, uint64_t end,
				      size_t max_line, char *err, size_t errlen)
{
	if (max_line == 0)
		max_line = INPUT_DEFAULT_MAX_LINE;
	if (max_line > SIZE_MAX / 4)
		max_line = SIZE_MAX / 4;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		open_fail(err, errlen, strerror(errno));
		return NULL;
	}
	struct input_reader *r = xcalloc(1, sizeof(*r));
	r->kind = READER_RANGE;
	r->fd = fd;
	r->own_fd = 1;
	r->max_line = max_line;
	r->block = RANGE_BLOCK;
	r->source = SOURCE_MORE;
	r->range_end = end;
	/* Reading from the byte before the range tells whether the range
	 * starts a line; if not, that line belongs to the previous range. */
	r->file_pos = start > 0 ? start - 1 : 0;
	r->buf_base = r->file_pos;
	r->drop_partial = start > 0;
	r->prepared = 1;
	r->cap = max_line + r->block + 1;
	r->buf = xmalloc(r->cap);
	return r;
}

void input_close(struct input_reader *r)
{
	if (!r)
		return;
	if (r->kind == READER_MAPPED && r->map_len > 0)
		munmap((void *)r->map, r->map_len);
	if (r->zs_ready)
		inflateEnd(&r->zs);
	ZSTD_freeDStream(r->zds);
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	free(r->buf);
	free(r->in);
	free(r);
}

const char *input_mapped(const struct input_reader *r, size_t *len)
{
	if (r->kind != READER_MAPPED) {
		*len = 0;
		return NULL;
	}
	*len = r->map_len;
	return r->map;
}

enum input_status input_next_line(struct input_reader *r, const char **line, size_t *len)
{
	if (r->kind == READER_MAPPED)
		return input_next_line_mem(&r->pos, r->map + r->map_len, r->max_line, line, len);
	return stream_next(r, line, len);
}

uint64_t input_bytes_read(const struct input_reader *r)
{
	if (r->kind == READER_MAPPED)
		return (uint64_t)(r->pos - r->map);
	return r->bytes_read;
}

const char *input_error(const struct input_reader *r)
{
	return r->errmsg[0] ? r->errmsg : "no error";
}
