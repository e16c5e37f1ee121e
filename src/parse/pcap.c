/* pcap and pcapng capture files (pcap-savefile(5), draft-ietf-opsawg-pcapng):
 * classic pcap walked directly in large blocks, everything else read with
 * libpcap; each packet is decoded by pcap_decode.c and
 * paired with its reply by pcap_track.c, so a scan's probes come out as
 * events with an outcome (open, closed, unreachable, no_answer). */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "parse/pcap_decode.h"
#include "parse/parser.h"

/* The platform's DLT_ values to the file format's LINKTYPE_ values,
 * which differ for raw IP (DLT_RAW is 12 or 14 by platform) and loopback. */
static int link_from_dlt(int dlt)
{
	switch (dlt) {
	case DLT_NULL:
		return PCAP_LINK_NULL;
	case DLT_EN10MB:
		return PCAP_LINK_ETHERNET;
	case DLT_RAW:
		return PCAP_LINK_RAW;
#ifdef DLT_LOOP
	case DLT_LOOP:
		return PCAP_LINK_LOOP;
#endif
	case DLT_LINUX_SLL:
		return PCAP_LINK_SLL;
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		return PCAP_LINK_SLL2;
#endif
	case DLT_IPV4:
		return PCAP_LINK_IPV4;
	case DLT_IPV6:
		return PCAP_LINK_IPV6;
	case DLT_NFLOG:
		return PCAP_LINK_NFLOG;
	default:
		return -1;
	}
}

static int pcap_detect_magic(const unsigned char *b, size_t n)
{
	if (n < 4)
		return 0;
	uint32_t be = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	uint32_t le = (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
	/* pcap: microsecond (a1b2c3d4) or nanosecond (a1b23c4d) stamps,
	 * written in either byte order. */
	if (be == 0xa1b2c3d4 || le == 0xa1b2c3d4 || be == 0xa1b23c4d || le == 0xa1b23c4d)
		return 1;
	/* pcapng: a Section Header Block (0x0a0d0d0a reads the same both
	 * ways), then its byte-order magic at offset 8. */
	if (be == 0x0a0d0d0a) {
		if (n < 12)
			return 1;
		const unsigned char *m = b + 8;
		uint32_t mbe = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
		return mbe == 0x1a2b3c4d || mbe == 0x4d3c2b1a;
	}
	return 0;
}

/* ---- records, decoded a few ahead ----------------------------------------- */

/* Records are decoded RING_LEN - 1 packets before they are tracked, so
 * that the tracker's table lines can be prefetched (pcap_track_prefetch)
 * while earlier packets are processed. Packets are still tracked and
 * emitted strictly in file order. The bytes of a queued record must stay
 * put until feed_flush(). */
#define RING_LEN 16
#define RING_STAGE2 8 /* records after decoding: prefetch the entry */

struct queued {
	struct pcap_pkt pkt;
	const char *reason;
	int64_t now;
	uint64_t record;
	enum pcap_decode_result r;
};

struct feeder {
	struct pcap_track *tr;
	struct parse_ctx *ctx;
	parse_emit_fn emit;
	void *arg;
	int link;
	uint64_t head, tail; /* next to fill, next to track */
	struct queued q[RING_LEN];
};

static void feeder_init(struct feeder *f, struct parse_ctx *ctx, parse_emit_fn emit, void *arg,
			int link)
{
	f->tr = pcap_track_new(NULL, ctx, emit, arg);
	f->ctx = ctx;
	f->emit = emit;
	f->arg = arg;
	f->link = link;
	f->head = f->tail = 0;
}

/* Track or emit the oldest queued record. */
static void feed_one(struct feeder *f)
{
	struct queued *x = &f->q[f->tail++ % RING_LEN];
	if (x->r == PCAP_DECODE_IP) {
		pcap_track_packet(f->tr, &x->pkt, x->record);
		return;
	}
	pcap_track_advance(f->tr, x->now);
	if (x->r == PCAP_DECODE_ARP) {
		pcap_track_event(f->tr, &x->pkt, x->record);
	} else if (x->r == PCAP_DECODE_MALFORMED) {
		f->ctx->reason = x->reason ? x->reason : "truncated packet";
		f->emit(f->arg, f->ctx, PARSE_MALFORMED, NULL, x->record);
	} else {
		f->emit(f->arg, f->ctx, PARSE_OTHER, NULL, x->record);
	}
}

static void feed_flush(struct feeder *f)
{
	while (f->tail != f->head)
		feed_one(f);
}

/* Decode one record (now: its capture stamp in nanoseconds) and queue it. */
static void feed(struct feeder *f, const uint8_t *data, size_t caplen, int64_t now,
		 uint64_t record)
{
	if (f->head - f->tail == RING_LEN)
		feed_one(f);
	struct queued *x = &f->q[f->head % RING_LEN];
	x->reason = NULL;
	x->r = pcap_decode(f->link, data, caplen, &x->pkt, &x->reason);
	x->now = now;
	x->record = record;
	if (x->r == PCAP_DECODE_IP || x->r == PCAP_DECODE_ARP) {
		x->pkt.ev.time_ns = now;
		x->pkt.ev.flags |= EVENT_HAS_TIME;
	}
	if (x->r == PCAP_DECODE_IP)
		pcap_track_prefetch(f->tr, &x->pkt);
	f->head++;
	if (f->head - f->tail > RING_STAGE2) {
		const struct queued *y = &f->q[(f->head - 1 - RING_STAGE2) % RING_LEN];
		if (y->r == PCAP_DECODE_IP)
			pcap_track_prefetch2(f->tr, &y->pkt);
	}
}

/* Every queued record, then the probes still waiting: they got no answer
 * within the capture (also when it ends in damage, since every packet
 * before the damage counts). */
static void feeder_finish(struct feeder *f)
{
	feed_flush(f);
	pcap_track_finish(f->tr);
	pcap_track_free(f->tr);
}

/* ---- classic pcap, read directly ------------------------------------------ */

/* libpcap reads a record at a time through stdio, copying each into its
 * own buffer: ~200 ns a packet with its 4 KiB stdio buffer, 70-100 ns with
 * 1 MiB (bench/RESULTS.md). Classic pcap is simple enough to walk in place
 * in large read(2) blocks, so files libpcap would read the same way are read
 * here; pcapng, old versions and anything odd still go through libpcap. The
 * rules below are libpcap's (sf-pcap.c), so both readers give the same
 * records and fail on the same damage. */

#define RECORD_HEADER 16
/* libpcap's limit for every link type read here (MAXIMUM_SNAPLEN): a
 * longer record is damage, not a packet. */
#define MAX_CAPLEN 262144u
#define BLOCK_BYTES (384u << 10) /* read size; a block always holds a whole record */

struct classic {
	int swapped; /* written in the other byte order */
	int nano;    /* nanosecond stamps (magic a1b23c4d) */
	int link;    /* LINKTYPE_ value, one pcap_decode() reads */
	uint32_t snap;
};

static uint32_t rd32(const unsigned char *b, int swapped)
{
	uint32_t v;
	memcpy(&v, b, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

/* Whether the 24-byte file header h is one the direct reader takes: magic
 * (either order, micro or nano), version 2.4, a supported link type with no
 * extension bits, and not NFLOG in the other byte order (libpcap rewrites
 * its TLV heads to the reader's order; leave that to it). */
static int classic_header(const unsigned char *h, struct classic *c)
{
	uint32_t m;
	memcpy(&m, h, 4);
	c->swapped = 0;
	if (m == 0xd4c3b2a1 || m == 0x4d3cb2a1) {
		c->swapped = 1;
		m = __builtin_bswap32(m);
	}
	if (m != 0xa1b2c3d4 && m != 0xa1b23c4d)
		return 0;
	c->nano = m == 0xa1b23c4d;
	uint16_t major, minor;
	memcpy(&major, h + 4, 2);
	memcpy(&minor, h + 6, 2);
	if (c->swapped) {
		major = __builtin_bswap16(major);
		minor = __builtin_bswap16(minor);
	}
	if (major != 2 || minor != 4)
		return 0;
	uint32_t snap = rd32(h + 16, c->swapped);
	uint32_t lt = rd32(h + 20, c->swapped);
	if (lt > 0xffff || !pcap_link_supported((int)lt))
		return 0;
	if (lt == PCAP_LINK_NFLOG && c->swapped)
		return 0;
	c->link = (int)lt;
	c->snap = snap == 0 || snap > MAX_CAPLEN ? MAX_CAPLEN : snap;
	return 1;
}

/* Reads into buf[*hi..cap) until it is full or the file ends; 0, or -1
 * with errno. */
static int fill(int fd, unsigned char *buf, size_t cap, size_t *hi)
{
	while (*hi < cap) {
		ssize_t got = read(fd, buf + *hi, cap - *hi);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (got == 0)
			break;
		*hi += (size_t)got;
	}
	return 0;
}

/* The file in blocks: buf[lo..hi) is read and not yet walked. */
struct blocks {
	int fd;
	int eof;
	unsigned char *buf;
	size_t lo, hi;
};

/* Points *rec at the next whole record (header and caplen bytes) and
 * returns 1; 0 at the end of the file; -1 with err set on damage or a
 * read error. Refilling moves the bytes, so queued records are flushed
 * first. */
static int next_record(struct blocks *b, const struct classic *c, struct feeder *f,
		       const unsigned char **rec, uint32_t *caplen, uint64_t record, char *err,
		       size_t errlen)
{
	for (;;) {
		size_t avail = b->hi - b->lo;
		uint32_t len = 0;
		if (avail >= RECORD_HEADER) {
			len = rd32(b->buf + b->lo + 8, c->swapped);
			if (len > MAX_CAPLEN) {
				snprintf(err, errlen,
					 "after packet %llu: invalid packet capture length %u",
					 (unsigned long long)record, len);
				return -1;
			}
			if (avail >= RECORD_HEADER + len) {
				*rec = b->buf + b->lo;
				*caplen = len;
				b->lo += RECORD_HEADER + len;
				return 1;
			}
		}
		if (b->eof) {
			if (avail == 0)
				return 0; /* the end, between records */
			snprintf(err, errlen, "after packet %llu: truncated %s (%zu bytes left)",
				 (unsigned long long)record,
				 avail < RECORD_HEADER ? "record header" : "packet data", avail);
			return -1;
		}
		feed_flush(f); /* queued records point into buf */
		memmove(b->buf, b->buf + b->lo, avail);
		b->lo = 0;
		b->hi = avail;
		if (fill(b->fd, b->buf, BLOCK_BYTES, &b->hi) != 0) {
			snprintf(err, errlen, "after packet %llu: %s", (unsigned long long)record,
				 strerror(errno));
			return -1;
		}
		b->eof = b->hi < BLOCK_BYTES;
	}
}

/* Walk the records after the file header (fd positioned past it). */
static int read_classic(int fd, const struct classic *c, struct parse_ctx *ctx, parse_emit_fn emit,
			void *arg, char *err, size_t errlen)
{
	struct blocks b = {fd, 0, xmalloc(BLOCK_BYTES), 0, 0};
	struct feeder *f = xmalloc(sizeof(*f));
	feeder_init(f, ctx, emit, arg, c->link);
	const int64_t frac_scale = c->nano ? 1 : 1000;
	uint64_t record = 0;
	const unsigned char *h;
	uint32_t caplen;
	int got;
	while ((got = next_record(&b, c, f, &h, &caplen, record, err, errlen)) == 1) {
		/* Stamps are signed 32-bit fields, as libpcap reads them. */
		int64_t sec = (int32_t)rd32(h, c->swapped);
		int64_t frac = (int32_t)rd32(h + 4, c->swapped);
		int64_t now = sec * 1000000000 + frac * frac_scale;
		/* A record longer than the file's snap length is cut to it. */
		size_t len = caplen < c->snap ? caplen : c->snap;
		record++;
		feed(f, h + RECORD_HEADER, len, now, record);
	}
	feeder_finish(f);
	free(f);
	free(b.buf);
	return got < 0 ? -1 : 0;
}

/* ---- everything else, through libpcap ------------------------------------- */

#define PCAP_READ_BUFFER (1u << 20)

static int read_libpcap(struct parse_ctx *ctx, const char *path, parse_emit_fn emit, void *arg,
			char *err, size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	/* libpcap reads through stdio; with the default 4 KiB buffer the
	 * read(2) calls alone cost ~200 ns a packet (bench/RESULTS.md), so
	 * give the stream a 1 MiB buffer of our own. pcap_close() closes fp;
	 * the buffer is freed after it. */
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	char *iobuf = xmalloc(PCAP_READ_BUFFER);
	setvbuf(fp, iobuf, _IOFBF, PCAP_READ_BUFFER);
	pcap_t *pc = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO,
							      errbuf);
	if (!pc) {
		snprintf(err, errlen, "%s", errbuf[0] ? errbuf : "cannot open capture");
		fclose(fp);
		free(iobuf);
		return -1;
	}
	int dlt = pcap_datalink(pc);
	int link = link_from_dlt(dlt);
	if (link < 0) {
		const char *name = pcap_datalink_val_to_name(dlt);
		snprintf(err, errlen,
			 "unsupported link type %s (%d): clscan reads Ethernet, Linux cooked "
			 "(SLL, SLL2), raw IP, BSD loopback and NFLOG captures",
			 name ? name : "unknown", dlt);
		pcap_close(pc);
		free(iobuf);
		return -1;
	}

	/* libpcap's packet bytes last only until the next pcap_next_ex():
	 * each record is tracked before the next is read. */
	struct feeder *f = xmalloc(sizeof(*f));
	feeder_init(f, ctx, emit, arg, link);
	uint64_t record = 0;
	int rc = 0;
	for (;;) {
		struct pcap_pkthdr *h;
		const u_char *data;
		int got = pcap_next_ex(pc, &h, &data);
		if (got == PCAP_ERROR_BREAK)
			break; /* end of file */
		if (got != 1) {
			snprintf(err, errlen, "after packet %llu: %s", (unsigned long long)record,
				 pcap_geterr(pc));
			rc = -1;
			break;
		}
		record++;
		/* With nanosecond precision asked for, tv_usec holds nanoseconds. */
		int64_t now = (int64_t)h->ts.tv_sec * 1000000000 + (int64_t)h->ts.tv_usec;
		feed(f, data, h->caplen, now, record);
		feed_flush(f);
	}
	feeder_finish(f);
	free(f);
	pcap_close(pc);
	free(iobuf);
	return rc;
}

int pcap_read_path(struct parse_ctx *ctx, const char *path, parse_emit_fn emit, void *arg,
		   char *err, size_t errlen, int use_libpcap)
{
	if (!use_libpcap) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			snprintf(err, errlen, "%s", strerror(errno));
			return -1;
		}
		unsigned char h[24];
		size_t got = 0;
		struct classic c;
		if (fill(fd, h, sizeof(h), &got) == 0 && got == sizeof(h) && classic_header(h, &c)) {
			(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL); /* a hint only */
			int rc = read_classic(fd, &c, ctx, emit, arg, err, errlen);
			close(fd);
			return rc;
		}
		close(fd);
	}
	return read_libpcap(ctx, path, emit, arg, err, errlen);
}

static int pcap_read_file(struct parse_ctx *ctx, const char *path, parse_emit_fn emit, void *arg,
			  char *err, size_t errlen)
{
	return pcap_read_path(ctx, path, emit, arg, err, errlen, 0);
}

/* A capture is binary: no line is ever one of its records. */
static enum parse_result pcap_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					 struct event *ev)
{
	(void)ctx;
	(void)line;
	(void)len;
	(void)ev;
	return PARSE_UNKNOWN;
}

static const struct parser_example pcap_examples[] = {
	{"a SYN probe in a pcap file, as tcpdump -n shows it (the file itself is binary)",
	 "10:55:22.289281 IP 79.124.40.146.58866 > 10.129.0.4.9997: Flags [S], seq 773729823, "
	 "win 1024, length 0"},
	{NULL, NULL},
};

const struct parser parser_pcap = {
	.name = "pcap",
	.summary = "packet captures (pcap, pcapng: tcpdump, Wireshark, nmap labs) via libpcap: "
		   "one event per probe, with its outcome from the reply",
	.time_note = "each packet's own capture stamp, UTC, to the nanosecond (microsecond "
		     "files are exact to the microsecond); no zone or year guessing",
	.examples = pcap_examples,
	.detect = NULL,
	.parse_line = pcap_parse_line,
	.detect_magic = pcap_detect_magic,
	.read_file = pcap_read_file,
};
