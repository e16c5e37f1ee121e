/* Fuzzes line splitting and the streamed readers. The first two bytes pick
 * the line cap and the read block; the rest is (1) split in memory, (2)
 * streamed through a pipe, gzip'd and zstd'd, where every reader must give
 * exactly the lines the memory split gave, and (3) opened raw, so damaged
 * gzip/zstd streams reach the decoders. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "input/input.h"
#include "input/input_internal.h"

/* Big inputs only slow the fuzzer down; lines and blocks are small. */
#define FUZZ_MAX_INPUT (64 * 1024)

struct rec {
	enum input_status st;
	size_t off, len; /* the line at data[off, off+len), or an overlong length */
};

#include "fuzz_check.h"

/* Split in memory and check the splitter's promises. */
static size_t split_mem(const char *data, size_t size, size_t max_line, struct rec *out)
{
	const char *pos = data, *end = data + size;
	size_t n = 0;
	for (;;) {
		const char *line;
		size_t len;
		const char *before = pos;
		enum input_status st = input_next_line_mem(&pos, end, max_line, &line, &len);
		if (st == INPUT_EOF) {
			CHECK(pos == end);
			return n;
		}
		CHECK(pos > before && pos <= end);
		if (st == INPUT_LINE) {
			CHECK(len <= max_line && line == before);
			CHECK(memchr(line, '\n', len) == NULL);
			out[n] = (struct rec){st, (size_t)(line - data), len};
		} else {
			CHECK(st == INPUT_OVERLONG && len > max_line);
			out[n] = (struct rec){st, 0, len};
		}
		n++;
	}
}

static int memfd_with(const void *buf, size_t len)
{
	int fd = memfd_create("fuzz_input", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (len > 0 && write(fd, buf, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return fd;
}

static struct input_reader *open_fd(int fd, size_t max_line, size_t block)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct input_file f = {.path = path};
	char err[256];
	return input_open_block(&f, max_line, block, err, sizeof(err));
}

/* A reader must reproduce the memory split exactly. */
static void compare(struct input_reader *r, const char *data, const struct rec *want,
		    size_t nwant)
{
	CHECK(r != NULL);
	for (size_t i = 0;; i++) {
		const char *line;
		size_t len;
		enum input_status st = input_next_line(r, &line, &len);
		if (i == nwant) {
			CHECK(st == INPUT_EOF);
			break;
		}
		CHECK(st == want[i].st);
		CHECK(len == want[i].len);
		if (st == INPUT_LINE)
			CHECK(len == 0 || memcmp(line, data + want[i].off, len) == 0);
	}
	input_close(r);
}

static size_t gzip_member(const char *src, size_t len, unsigned char *dst, size_t cap)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	CHECK(deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	z.next_in = (Bytef *)src;
	z.avail_in = (uInt)len;
	z.next_out = dst;
	z.avail_out = (uInt)cap;
	CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
	size_t out = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

static void round_trips(const char *data, size_t size, size_t cut, size_t max_line,
			size_t block, const struct rec *want, size_t nwant)
{
	/* gzip: two members cut at a chosen byte */
	size_t cap = 2 * (compressBound((uLong)size) + 64);
	unsigned char *gz = malloc(cap);
	CHECK(gz != NULL);
	size_t n1 = gzip_member(data, cut, gz, cap);
	size_t n2 = gzip_member(data + cut, size - cut, gz + n1, cap - n1);
	int fd = memfd_with(gz, n1 + n2);
	CHECK(fd >= 0);
	compare(open_fd(fd, max_line, block), data, want, nwant);
	close(fd);
	free(gz);

	/* zstd: two frames */
	size_t zcap = ZSTD_compressBound(cut) + ZSTD_compressBound(size - cut);
	unsigned char *zs = malloc(zcap);
	CHECK(zs != NULL);
	size_t z1 = ZSTD_compress(zs, zcap, data, cut, 1);
	CHECK(!ZSTD_isError(z1));
	size_t z2 = ZSTD_compress(zs + z1, zcap - z1, data + cut, size - cut, 1);
	CHECK(!ZSTD_isError(z2));
	fd = memfd_with(zs, z1 + z2);
	CHECK(fd >= 0);
	compare(open_fd(fd, max_line, block), data, want, nwant);
	close(fd);
	free(zs);

	/* plain, streamed from a pipe (the input fits its buffer) unless it
	 * looks compressed, since the pipe would be sniffed as such */
	unsigned char head[8] = {0};
	memcpy(head, data, size < sizeof(head) ? size : sizeof(head));
	if (input_sniff(head, size < sizeof(head) ? size : sizeof(head)) == INPUT_PLAIN) {
		int p[2];
		CHECK(pipe(p) == 0);
		CHECK(size == 0 || write(p[1], data, size) == (ssize_t)size);
		close(p[1]);
		compare(open_fd(p[0], max_line, block), data, want, nwant);
		close(p[0]);
	}
}

/* The raw bytes as a file: whatever it sniffs as, reading must end. */
static void raw_file(const char *data, size_t size, size_t max_line, size_t block)
{
	int fd = memfd_with(data, size);
	if (fd < 0)
		return;
	struct input_reader *r = open_fd(fd, max_line, block);
	if (r) {
		for (;;) {
			const char *line;
			size_t len;
			enum input_status st = input_next_line(r, &line, &len);
			if (st == INPUT_EOF || st == INPUT_ERROR)
				break;
			if (st == INPUT_LINE)
				CHECK(len <= max_line);
			else
				CHECK(st == INPUT_OVERLONG && len > max_line);
		}
		(void)input_bytes_read(r);
		input_close(r);
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t size)
{
	if (size < 3 || size > FUZZ_MAX_INPUT)
		return 0;
	size_t max_line = 1 + buf[0] % 48;
	size_t block = 1 + buf[1] % 97;
	size_t cut_pick = buf[2];
	const char *data = (const char *)buf + 3;
	size = size - 3;

	struct rec *want = malloc((size + 1) * sizeof(*want));
	if (!want)
		return 0;
	size_t nwant = split_mem(data, size, max_line, want);
	round_trips(data, size, size ? cut_pick * size / 255 : 0, max_line, block, want, nwant);
	raw_file(data, size, max_line, block);
	free(want);
	return 0;
}
