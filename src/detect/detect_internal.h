/* The detector's state, shared by detect.c (accounting, merging) and
 * findings.c (analysis). Not for other stages. */
#ifndef CLSCAN_DETECT_INTERNAL_H
#define CLSCAN_DETECT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "detect/detect.h"

/* Fingerprint bits of one probe (see classify_fp in detect.c). */
#define FP_NMAP 0x01     /* window 1024/2048/3072/4096 with nmap's raw option set */
#define FP_ZMAP 0x02     /* IPv4 ID 54321 */
#define FP_MASSCAN 0x04  /* IPv4 ID == (dst ^ dport ^ seq) & 0xffff */
#define FP_MIRAI 0x08    /* TCP sequence number == IPv4 destination */
#define FP_TTL_HIGH 0x10 /* TTL >= 200: sent with 255, as masscan and zmap do */
#define FP_FLAGS 0x20    /* TCP flags were logged */
#define FP_OSOPTS 0x40   /* SYN carrying more options than an MSS: an OS stack */
#define FP_BITS 7

/* TCP flag classes of probes (and the rest). */
enum flag_class {
	FC_SYN = 0,
	FC_FIN,
	FC_NULL,
	FC_XMAS,
	FC_ACK,
	FC_MAIMON,
	FC_ODD,
	FC_UNKNOWN,  /* TCP without logged flags */
	FC_NOTTCP,   /* a UDP, ICMP or other-protocol probe */
	FC_NONPROBE, /* replies, established traffic, discovery chatter */
	FC_N
};

/* One distinct (target, protocol, port) a source contacted: the earliest
 * event for it, and what followed. 64 bytes. */
struct contact {
	struct ip_addr dst;
	int64_t first_ns;   /* the earliest event (0 if untimed) */
	int64_t last_ns;
	uint64_t line;      /* origin of the earliest event */
	uint32_t unit;
	uint32_t count;     /* events (saturating) */
	uint32_t fails;     /* events not known to have succeeded and not accepted */
	uint16_t port;      /* TCP/UDP/SCTP port, ICMP type, or 0 */
	uint8_t proto;
	uint8_t outcome;    /* of the earliest event */
	uint8_t outcomes;   /* bit per enum event_outcome seen */
	uint8_t fclass;     /* enum flag_class of the earliest event */
	uint8_t fp;         /* FP_* bits of the earliest event */
	uint8_t succ;       /* saw a success (open or login) */
};

/* Per-source state: about 200 bytes, plus 64 bytes per contact and a
 * 4-byte hash slot per contact once it has more than CONTACT_LINEAR. */
struct src_state {
	struct ip_addr addr;
	int64_t first_ns, last_ns;
	uint64_t events;
	uint64_t probes;
	uint32_t fclass[FC_N];                /* events per flag class */
	uint32_t fp[FP_BITS];                 /* probes per fingerprint bit */
	uint32_t outcomes[EVENT_OUTCOME_COUNT];
	struct contact *c;
	uint32_t *slots;  /* contact index hash; NULL while n <= CONTACT_LINEAR */
	uint32_t n, cap, n_slots;
	uint8_t truncated;
};

#define CONTACT_LINEAR 8
#define SLOT_EMPTY UINT32_MAX

struct src_slot {
	uint32_t hash; /* low 32 bits of the keyed hash: home position and quick reject */
	uint32_t idx;
};

struct detector {
	struct detect_config cfg; /* a copy; home/allow point into the caller's */
	struct src_state *st;
	size_t n, cap;
	struct src_slot *slots;
	size_t n_slots; /* power of two, at least twice n */
	size_t last;    /* index of the last source looked up, or SIZE_MAX */
	uint64_t contacts_total;
	uint64_t contacts_refused;
	uint64_t evicted, events_evicted;
};

static inline uint32_t sat_add32(uint32_t a, uint64_t b)
{
	uint64_t s = (uint64_t)a + b;
	return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

/* Contact order: time, then origin, so the contacts kept under the cap are
 * the earliest whatever the split between threads. */
static inline int contact_order(const struct contact *a, const struct contact *b)
{
	if (a->first_ns != b->first_ns)
		return a->first_ns < b->first_ns ? -1 : 1;
	if (a->unit != b->unit)
		return a->unit < b->unit ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return 0;
}

#endif
