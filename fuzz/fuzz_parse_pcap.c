/* Fuzzes the packet decoder and the probe tracker. Input: one byte picks
 * the link type, then frames as [2-byte big-endian length][bytes] (the
 * last frame takes whatever is left). Each frame is decoded from an
 * exactly sized copy, so a read past its end is caught, and decoded
 * packets go through a tracker with tiny tables so eviction runs too.
 * Checks: every frame number comes out exactly once; events are sane and
 * in frame order unless the tracker counted one sent out of turn; a
 * second tracker given pcap_track_prefetch() hints emits the same. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/pcap_decode.h"

#include "fuzz_check.h"

#define MAX_FRAMES 512

static const int links[] = {
	PCAP_LINK_ETHERNET, PCAP_LINK_SLL,  PCAP_LINK_SLL2, PCAP_LINK_RAW,   PCAP_LINK_IPV4,
	PCAP_LINK_IPV6,     PCAP_LINK_NULL, PCAP_LINK_LOOP, PCAP_LINK_NFLOG, 147 /* unsupported */,
};

struct seen {
	uint8_t emitted[MAX_FRAMES + 1];
	/* What came out, in order: a second tracker fed the same packets
	 * with pcap_track_prefetch() hints must give exactly this. */
	uint64_t log[MAX_FRAMES * 2];
	size_t n_log;
	uint64_t last_event; /* the frame of the last event */
	int out_of_order;
};

static void log_event(struct seen *s, enum parse_result r, const struct event *ev,
		      uint64_t record)
{
	uint64_t v = record << 8 | (uint64_t)r << 4;
	if (ev)
		v ^= (uint64_t)ev->outcome | (uint64_t)ev->dport << 32 | (uint64_t)ev->sport << 48 |
		     (uint64_t)ev->src.b[15] << 24;
	if (s->n_log < MAX_FRAMES * 2)
		s->log[s->n_log++] = v;
}

static void on_emit(void *arg, struct parse_ctx *ctx, enum parse_result r, struct event *ev,
		    uint64_t record)
{
	struct seen *s = arg;
	(void)ctx;
	CHECK(record >= 1 && record <= MAX_FRAMES);
	CHECK(!s->emitted[record]);
	s->emitted[record] = 1;
	log_event(s, r, ev, record);
	CHECK(r == PARSE_EVENT || r == PARSE_OTHER);
	if (r == PARSE_EVENT) {
		if (record < s->last_event)
			s->out_of_order = 1;
		s->last_event = record;
		CHECK(ev != NULL);
		CHECK(ev->outcome < EVENT_OUTCOME_COUNT);
		CHECK(ev->count == 1);
		CHECK(ev->action == EVENT_ACTION_LOG);
		/* Touch the prefix: it must still be readable. */
		volatile char sum = 0;
		for (uint32_t i = 0; i < ev->prefix.len; i++)
			sum ^= ev->prefix.ptr[i];
		(void)sum;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int link = links[data[0] % (sizeof(links) / sizeof(links[0]))];
	size_t at = 1;

	struct pcap_track_config cfg;
	pcap_track_config_defaults(&cfg);
	cfg.max_pending = 8;
	cfg.max_flows = 4;
	cfg.window_ns = 250 * 1000000LL;
	struct parse_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	struct seen *seen = calloc(1, sizeof(*seen)), *seen2 = calloc(1, sizeof(*seen2));
	struct pcap_track *tr = pcap_track_new(&cfg, &ctx, on_emit, seen);
	struct pcap_track *tr2 = pcap_track_new(&cfg, &ctx, on_emit, seen2);

	uint64_t record = 0;
	while (at < size && record < MAX_FRAMES) {
		size_t len = size - at;
		if (len >= 2) {
			size_t want = (size_t)data[at] << 8 | data[at + 1];
			at += 2;
			len = size - at;
			if (want < len)
				len = want;
		} else {
			at = size;
			len = 0;
		}
		uint8_t *copy = malloc(len ? len : 1);
		memcpy(copy, data + at, len);
		at += len;
		record++;
		struct pcap_pkt pkt;
		const char *reason = NULL;
		enum pcap_decode_result r = pcap_decode(link, len ? copy : NULL, len, &pkt, &reason);
		int64_t now = (int64_t)record * 100 * 1000000LL;
		if (r == PCAP_DECODE_IP) {
			CHECK(pkt.ev.flags & EVENT_HAS_SRC);
			CHECK(pkt.ev.prefix.len == 0 ||
			      ((const uint8_t *)pkt.ev.prefix.ptr >= copy &&
			       (const uint8_t *)pkt.ev.prefix.ptr + pkt.ev.prefix.len <= copy + len));
			pkt.ev.time_ns = now;
			pkt.ev.flags |= EVENT_HAS_TIME;
			pcap_track_packet(tr, &pkt, record);
			pcap_track_prefetch(tr2, &pkt);
			pcap_track_prefetch2(tr2, &pkt);
			pcap_track_packet(tr2, &pkt, record);
		} else {
			if (r == PCAP_DECODE_MALFORMED)
				CHECK(reason != NULL && reason[0]);
			if (r == PCAP_DECODE_ARP)
				CHECK((pkt.ev.flags & EVENT_ARP) && pkt.ev.proto == EVENT_PROTO_ARP &&
				      addr_is_v4(&pkt.ev.src) && addr_is_v4(&pkt.ev.dst));
			pcap_track_advance(tr, now);
			pcap_track_advance(tr2, now);
			if (r == PCAP_DECODE_ARP) {
				pkt.ev.time_ns = now;
				pkt.ev.flags |= EVENT_HAS_TIME;
				pcap_track_event(tr, &pkt, record);
				pcap_track_event(tr2, &pkt, record);
			} else {
				seen->emitted[record] = 1;
				seen2->emitted[record] = 1;
			}
		}
		free(copy);
	}
	pcap_track_finish(tr);
	struct pcap_track_stats st;
	pcap_track_get_stats(tr, &st);
	CHECK(!seen->out_of_order || st.held_over > 0);
	pcap_track_free(tr);
	pcap_track_finish(tr2);
	pcap_track_free(tr2);
	for (uint64_t i = 1; i <= record; i++)
		CHECK(seen->emitted[i] && seen2->emitted[i]);
	CHECK(seen->n_log == seen2->n_log);
	CHECK(memcmp(seen->log, seen2->log, seen->n_log * sizeof(seen->log[0])) == 0);
	free(seen);
	free(seen2);
	return 0;
}
