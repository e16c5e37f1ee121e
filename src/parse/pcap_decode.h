/* Packet capture decoding without libpcap: one captured frame (link type +
 * bytes) to a normalised event (pcap_decode.c), and the probe tracker that
 * pairs probes with their replies to give each one an outcome
 * (pcap_track.c); pcap.c feeds both from the file (classic pcap directly,
 * pcapng and the rest through libpcap). Link types are the
 * file-format LINKTYPE_ values of https://www.tcpdump.org/linktypes.html. */
#ifndef CLSCAN_PCAP_DECODE_H
#define CLSCAN_PCAP_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/event.h"
#include "parse/parser.h"

/* LINKTYPE_ values the decoder reads (not the platform's DLT_ values:
 * pcap.c maps those). */
enum pcap_link {
	PCAP_LINK_NULL = 0,     /* BSD loopback: 4-byte AF in the writer's byte order */
	PCAP_LINK_ETHERNET = 1, /* incl. 802.1Q / 802.1ad (QinQ) tags */
	PCAP_LINK_RAW = 101,    /* bare IPv4 or IPv6, told apart by the version */
	PCAP_LINK_LOOP = 108,   /* OpenBSD loopback: 4-byte AF in network order */
	PCAP_LINK_SLL = 113,    /* Linux "any" cooked capture, 16-byte header */
	PCAP_LINK_IPV4 = 228,
	PCAP_LINK_IPV6 = 229,
	PCAP_LINK_NFLOG = 239,  /* netfilter NFLOG: header + TLVs (host-order TLV heads) */
	PCAP_LINK_SLL2 = 276,   /* Linux cooked capture v2, 20-byte header */
};

/* Zero n bytes 64 at a time. A plain memset of an event is compiled to
 * `rep stos`, whose start-up alone cost ~15 ns a packet (bench/RESULTS.md);
 * fixed 64-byte pieces become plain vector stores. */
static inline void pcap_zero(void *p, size_t n)
{
	unsigned char *q = p;
	size_t i = 0;
	for (; i + 64 <= n; i += 64)
		memset(q + i, 0, 64);
	memset(q + i, 0, n - i);
}

/* 1 if pcap_decode() knows the link type. */
int pcap_link_supported(int linktype);

enum pcap_decode_result {
	PCAP_DECODE_IP = 0,    /* *pkt holds an IPv4 or IPv6 packet */
	PCAP_DECODE_NOT_IP,    /* ARP replies, LLDP, STP...: no event */
	PCAP_DECODE_MALFORMED, /* cut or damaged; *reason says where */
	PCAP_DECODE_ARP,       /* an ARP request: pkt->ev is its event (EVENT_ARP), to
				* be emitted as it is, without the probe tracker */
};

/* What one IP packet says. ev carries the addresses, protocol, ports, flags,
 * TTL, ID, lengths, ICMP type/code and the NFLOG prefix (a slice of the
 * packet bytes); time and outcome are the caller's. The rest is what the
 * tracker needs to pair a reply with its probe. */
struct pcap_pkt {
	struct event ev;
	uint16_t icmp_id, icmp_seq; /* echo-style ICMP (request and reply) */
	/* The packet an ICMP / ICMPv6 error quotes, when enough of it is there
	 * (its IP header and the first 8 bytes of its payload). */
	uint8_t has_inner;
	uint8_t inner_proto;
	uint8_t inner_icmp_type;
	struct ip_addr inner_src, inner_dst;
	uint16_t inner_sport, inner_dport; /* ports, or ICMP echo id/seq */
	/* Set by pcap_track_prefetch(): the conversation's key, side and hash,
	 * so that pcap_track_packet() need not compute them again (the key is
	 * last: pcap_decode() does not clear it). */
	uint8_t has_conv_hash;
	uint8_t conv_dir;
	uint32_t conv_hash;
	uint8_t conv_key[40];
};

/* ICMP (proto 1) or ICMPv6 (58) messages with an identifier and sequence
 * number (echo, timestamp, information, address mask), and errors that
 * quote the packet they answer (unreachable, time exceeded, ...). */
int pcap_icmp_is_echo_style(uint8_t proto, uint8_t type);
int pcap_icmp_is_error(uint8_t proto, uint8_t type);

/* Decode one frame of caplen bytes. Never reads past buf[caplen-1]. On
 * PCAP_DECODE_MALFORMED *reason is a static text ("truncated TCP header").
 * The link type must be one pcap_link_supported() accepts (else MALFORMED). */
enum pcap_decode_result pcap_decode(int linktype, const uint8_t *buf, size_t caplen,
				    struct pcap_pkt *pkt, const char **reason);

/* ---- probe outcomes ------------------------------------------------------
 *
 * Each IP packet is a probe (a SYN, a FIN/NULL/XMAS/ACK packet, a UDP
 * datagram, an ICMP request, another protocol), a reply (SYN-ACK, RST,
 * an ICMP error or reply, a datagram coming back), or part of a flow
 * already answered. Probes wait in a table until their outcome is known:
 *   open        the other side answered (SYN-ACK, a datagram back, an
 *               echo reply, a packet of the same protocol back)
 *   closed      RST, ICMP port unreachable (UDP), protocol unreachable
 *   unreachable another ICMP/ICMPv6 destination unreachable quoting it
 *   no_answer   nothing within the window, the end of the capture, a
 *               newer probe with the same addresses and ports, or the
 *               table was full
 * A probe answered by anything but RST when it was not a SYN (a packet in
 * the middle of a session the capture started within) is not a probe
 * after all: it is reported as PARSE_OTHER, like replies and every later
 * packet of an answered flow.
 *
 * Order: events are emitted when their outcome is decided (reply, window
 * expiry, eviction, end of file), so a capture always gives the same order;
 * the record number is always the probe's own packet number. Every packet
 * number passed in is emitted exactly once. Times need not be monotonic:
 * the window is measured from the oldest waiting probe.
 *
 * More of a TCP conversation with ACK set sent before any answer is
 * absorbed by its first packet (so a one-way stream is one event per
 * window); ACK-scan retransmissions are absorbed the same way. FIN, NULL
 * and XMAS retransmissions, repeated SYNs, datagrams and ICMP requests sent
 * again are new probes (the earlier one: no_answer). IPv4/IPv6 non-first
 * fragments and unpairable ICMP (router advertisements, unknown types) are
 * emitted at once with outcome unknown; ICMPv6 neighbour/router discovery
 * and MLD, like replies, are PARSE_OTHER. */

struct pcap_track_config {
	int64_t window_ns;        /* how long a probe waits for its reply */
	size_t max_pending;       /* probes waiting at once; over it the oldest is no_answer */
	int64_t flow_idle_ns;     /* an answered flow is forgotten after this idle time */
	size_t max_flows;         /* answered flows remembered; over it the idlest goes */
};

#define PCAP_TRACK_WINDOW_NS (3LL * 1000000000LL)
#define PCAP_TRACK_MAX_PENDING ((size_t)1 << 20)
#define PCAP_TRACK_FLOW_IDLE_NS (300LL * 1000000000LL)
#define PCAP_TRACK_MAX_FLOWS ((size_t)1 << 19)
/* Decided events held back so that events come out in packet order (see
 * pcap_track.c); past it the earliest goes out of turn (held_over). */
#define PCAP_TRACK_HOLD_MAX ((size_t)1 << 16)

void pcap_track_config_defaults(struct pcap_track_config *cfg);

struct pcap_track_stats {
	uint64_t probes;         /* packets taken as probes */
	uint64_t replies;        /* replies matched with a waiting probe */
	uint64_t evicted;        /* probes decided no_answer because the table was full */
	uint64_t superseded;     /* probes decided no_answer by a newer identical probe */
	uint64_t flows_evicted;  /* answered flows forgotten because the table was full */
	uint64_t prefix_overflow;/* probes emitted at once: their NFLOG prefix had no room */
	uint64_t held_over;      /* events sent before an older probe was decided: the
				  * hold that keeps events in packet order was full, or
				  * had no room for the event's NFLOG prefix */
};

struct pcap_track;

/* emit(arg, ctx, result, ev, record) receives PARSE_EVENT and PARSE_OTHER
 * results; ev is valid only during the call. Events come in packet order
 * (record), but for the few sent out of turn (held_over); PARSE_OTHER
 * results are not held back. */
struct pcap_track *pcap_track_new(const struct pcap_track_config *cfg, struct parse_ctx *ctx,
				  parse_emit_fn emit, void *arg);
void pcap_track_free(struct pcap_track *t);
/* Optional, for a reader that decodes a few packets ahead: stage 1
 * hashes the packet's conversation (kept in pkt) and prefetches its slot;
 * stage 2, some packets later, prefetches the entry the slot points to.
 * Hints only: the table may change before the packet is tracked. */
void pcap_track_prefetch(const struct pcap_track *t, struct pcap_pkt *pkt);
void pcap_track_prefetch2(const struct pcap_track *t, const struct pcap_pkt *pkt);
/* One decoded IP packet (pkt->ev.time_ns set) with its 1-based number. */
void pcap_track_packet(struct pcap_track *t, const struct pcap_pkt *pkt, uint64_t record);
/* An event of a packet that is not tracked (an ARP request), in packet
 * order with the tracked ones. */
void pcap_track_event(struct pcap_track *t, const struct pcap_pkt *pkt, uint64_t record);
/* Let capture time pass (a packet that was not IP): decides expired probes. */
void pcap_track_advance(struct pcap_track *t, int64_t now_ns);
/* End of capture: every probe still waiting is no_answer, in packet order. */
void pcap_track_finish(struct pcap_track *t);
void pcap_track_get_stats(const struct pcap_track *t, struct pcap_track_stats *out);

/* parser_pcap's read_file (pcap.c), with use_libpcap = 1 to read classic
 * pcap files through libpcap too rather than directly: the tests and the
 * fuzz target compare the two readers. */
int pcap_read_path(struct parse_ctx *ctx, const char *path, parse_emit_fn emit, void *arg,
		   char *err, size_t errlen, int use_libpcap);

#endif
