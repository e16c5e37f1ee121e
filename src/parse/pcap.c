/* pcap and pcapng capture files, read with libpcap (pcap-savefile(5),
 * draft-ietf-opsawg-pcapng); each packet is decoded by pcap_decode.c and
 * paired with its reply by pcap_track.c, so a scan's probes come out as
 * events with an outcome (open, closed, unreachable, no_answer). */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#define PCAP_READ_BUFFER (1u << 20)

static int pcap_read_file(struct parse_ctx *ctx, const char *path, parse_emit_fn emit, void *arg,
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

	struct pcap_track *tr = pcap_track_new(NULL, ctx, emit, arg);
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
		struct pcap_pkt pkt;
		const char *reason = NULL;
		enum pcap_decode_result r = pcap_decode(link, data, h->caplen, &pkt, &reason);
		/* With nanosecond precision asked for, tv_usec holds nanoseconds. */
		int64_t now = (int64_t)h->ts.tv_sec * 1000000000 + (int64_t)h->ts.tv_usec;
		if (r == PCAP_DECODE_IP) {
			pkt.ev.time_ns = now;
			pkt.ev.flags |= EVENT_HAS_TIME;
			pcap_track_packet(tr, &pkt, record);
			continue;
		}
		pcap_track_advance(tr, now);
		if (r == PCAP_DECODE_ARP) {
			pkt.ev.time_ns = now;
			pkt.ev.flags |= EVENT_HAS_TIME;
			emit(arg, ctx, PARSE_EVENT, &pkt.ev, record);
			continue;
		}
		if (r == PCAP_DECODE_MALFORMED) {
			ctx->reason = reason ? reason : "truncated packet";
			emit(arg, ctx, PARSE_MALFORMED, NULL, record);
		} else {
			emit(arg, ctx, PARSE_OTHER, NULL, record);
		}
	}
	/* Probes still waiting got no answer within the capture; also when it
	 * ends in damage, since every packet before the damage counts. */
	pcap_track_finish(tr);
	pcap_track_free(tr);
	pcap_close(pc);
	free(iobuf);
	return rc;
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
