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
/* the same as bit numbers, for the counter arrays */
enum { FPB_NMAP = 0, FPB_ZMAP, FPB_MASSCAN, FPB_MIRAI, FPB_TTL_HIGH, FPB_FLAGS, FPB_OSOPTS };

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

#define NO_ID UINT32_MAX

/* One distinct (target, protocol, port) a source contacted: the earliest
 * event for it, and what followed. This is the form findings.c reads
 * (struct src_view); the detector stores it as a struct pcontact. */
struct contact {
	struct ip_addr dst;
	int64_t first_ns;   /* the earliest event (0 if untimed) */
	uint64_t line;      /* origin of the earliest event */
	uint32_t unit;
	uint32_t count;     /* events (saturating) */
	uint32_t fails;     /* events not known to have succeeded and not accepted */
	uint32_t last_ms;   /* milliseconds from first_ns to the latest event (saturates
			     * at 49 days: a longer span shows as 49 days) */
	uint16_t port;      /* TCP/UDP/SCTP port, ICMP type, or 0 */
	uint8_t proto;
	uint8_t outcome;    /* of the earliest event */
	uint8_t outcomes;   /* bit per enum event_outcome seen */
	uint8_t fclass;     /* enum flag_class of the earliest event */
	uint8_t fp;         /* FP_* bits of the earliest event */
	uint8_t succ : 1;   /* saw a success (open or login) */
	uint8_t honey : 1;  /* logged by a honeypot: a failed contact for TRW */
};

/* A contact as stored: 40 bytes, in its source's block (struct
 * src_state). The target is 4 bytes (an IPv4 address itself, or an IPv6
 * one interned: an index into the detector's target table) and the origin
 * packed: without them a contact would take 64. */
struct pcontact {
	int64_t first_ns;
	uint64_t origin;    /* unit << ORIGIN_LINE_BITS | line, or, for a unit or
			     * line too large, ORIGIN_WIDE_UNIT there and an index
			     * into the detector's wide origins */
	uint32_t tgt;       /* v4: the IPv4 address's four bytes as stored; else a
			     * target id */
	uint32_t count;
	uint32_t fails;
	uint32_t last_ms;
	uint16_t port;
	uint8_t proto;
	uint8_t outcome;
	uint8_t outcomes;
	uint8_t fclass;
	uint8_t fp;
	uint8_t succ : 1;
	uint8_t honey : 1;
	uint8_t v4 : 1;     /* tgt is an IPv4 address (no table: most targets) */
};
#define ORIGIN_LINE_BITS 40
#define ORIGIN_WIDE_UNIT ((1u << 24) - 1)

/* An interned (IPv6) target: its address and the stored contacts naming
 * it (a target without any is removed, so the table is bounded by the
 * contacts). */
struct target {
	struct ip_addr a;
	uint32_t refs;
};
struct wide_origin {
	uint64_t line;      /* on the free list: the next free entry */
	uint32_t unit;      /* UINT32_MAX: free */
};
#define TARGET_CACHE 256

/* Periodicity: the earliest DETECT_CELLS active cells of a source (a cell
 * is a --window long slice of time, aligned to the epoch), each as the
 * first second seen in it. A visit is a run of adjacent cells. A set of
 * cells comes out the same however the events were split between threads
 * or ordered, so a merged source gets what one thread would. */
#define DETECT_CELLS 7

/* Seconds in a periodicity cell: the short window, at least 1. */
static inline uint32_t detect_cell_seconds(const struct detect_config *cfg)
{
	int64_t w = cfg->window_ns / 1000000000LL;
	return w < 1 ? 1 : w > UINT32_MAX ? UINT32_MAX : (uint32_t)w;
}

/* Contact blocks. A source's contacts lie together in one block of the
 * detector's pool, in the order they were first seen: 2^cls contacts,
 * and for a class above BLOCK_LINEAR an index of 2^(cls+1) slots after
 * them (contact index + 1, 0 empty; ix_hash of the contact's key).
 * Most sources have a few contacts, found by comparing them all; a
 * scanner's thousands are found through the index. Blocks are counted
 * in 8-byte units: 5 per contact, one more per contact with the index. */
#define BLOCK_LINEAR 3
#define BLOCK_CLASSES 25 /* 2^24 contacts at most (max_contacts) */
#define NO_WORST ((1u << 25) - 1)

static inline uint32_t block_units(unsigned cls)
{
	return cls > BLOCK_LINEAR ? 6u << cls : 5u << cls;
}

/* Per-source state: 128 bytes (the first cache line is what every event
 * touches), plus its contacts' block. */
struct src_state {
	struct ip_addr addr;
	uint64_t events;
	uint64_t probes;
	uint32_t blk;            /* its contacts' block (pool offset in units), or NO_ID */
	uint32_t worst : 25;     /* once full: the latest contact kept, or NO_WORST */
	uint32_t cls : 5;        /* the block holds 2^cls contacts */
	uint32_t n : 25;         /* contacts (at most 2^24) */
	uint32_t truncated : 1;
	uint32_t n_cell : 4;     /* cells kept (below) */
	uint32_t cells_more : 1; /* active in more cells than kept */
	uint32_t fp[FP_BITS];    /* probes per fingerprint bit */
	uint32_t sig;            /* signature of the first TCP probe with flags (probe_sig), or 0 */
	uint32_t sig_same;       /* TCP probes with flags that had that signature */
	uint32_t sig_all;        /* TCP probes with flags */
	uint32_t cell[DETECT_CELLS]; /* first second seen in each kept cell, cells ascending */
	uint32_t cell_start;     /* first second of the latest kept cell (with n_cell) */
	uint32_t sh;             /* src_hash of addr (kept: eviction and the analysis need it) */
	uint8_t spare[8];        /* free: the size stays two cache lines */
};

/* A hash slot: the 32-bit keyed hash (home position and quick reject) and
 * the entry's index; idx NO_ID marks an empty slot. */
struct dslot {
	uint32_t hash;
	uint32_t idx;
};

/* A growable array: on the heap while small, then in its own mapping,
 * grown with mremap (no copy). */
struct region {
	void *p;
	size_t bytes;
	uint8_t heap; /* small, or mapping failed: malloc'd instead */
};

/* An event in the detector's queue (detect_add): A (on arrival) hashes
 * its source; when the queue is full, drain() runs each stage over all
 * of it: the source slots fetched, B fetches the sources' states, C finds
 * each source and counts the event there, C2 fetches the contacts it will
 * be compared with, C3 (a scanner's) the contact its index slot names, D
 * keeps the contact. */
struct pending {
	struct contact in;
	struct ip_addr src;
	uint64_t count;
	uint32_t sh;     /* src_hash */
	uint32_t sid;    /* the source's index: stage B's guess, stage C's answer */
	uint64_t tw;     /* stage C2: target word of in.dst (target_word) for a
			  * source with an index, or NO_TW; h the hash of the
			  * contact's key */
	uint64_t h;
	uint32_t sig;    /* probe_sig, or 0 */
	uint8_t fc;
	uint8_t contact; /* probes a host: in is a contact to keep */
};

#define DETECT_QUEUE 16

/* An event as the log keeps it (detect_use_log): 32 bytes, two to a cache
 * line. An IPv4 address is its four bytes; an IPv6 one an index into
 * log6. The origin is packed as unit (16 bits) and line (32 bits); an
 * event whose origin does not pack, or whose count is not 1, keeps them
 * in logwide instead (LR_WIDE, and line is the index there). */
#define LR_SRC6 0x01
#define LR_DST6 0x02
#define LR_FAILS 0x04   /* the contact's fails are its count */
#define LR_SUCC 0x08
#define LR_HONEY 0x10
#define LR_CONTACT 0x20 /* a contact to keep (struct pending.contact) */
#define LR_WIDE 0x40    /* origin and count are in logwide[line] */
struct logrec {
	int64_t first_ns;
	uint32_t src, dst;
	uint32_t sig;
	uint32_t line;    /* the origin's line (0 for a non-probe), or LR_WIDE's index */
	uint16_t unit;
	uint16_t port;
	uint8_t proto;
	uint8_t fc_outcome; /* enum flag_class | outcome << 4 */
	uint8_t fp;
	uint8_t flags;
};
struct log_wide {
	uint64_t line;
	uint32_t unit;
	uint32_t count;
};

/* The hashes a walk of all the log found shared by two sources, for a
 * later walk for a few (want), which then passes the others by without
 * reading their events: one list per part of that walk (log_walk). */
struct log_mixed {
	uint32_t *h;
	size_t n, cap;
	unsigned nparts;
	uint8_t done;
};

struct detector {
	struct detect_config cfg; /* a copy; home/allow point into the caller's */
	uint32_t cell_w;          /* detect_cell_seconds(&cfg) */
	struct region st_r;       /* struct src_state[] */
	struct src_state *st;
	size_t n;                 /* sources in use (indices below n) */
	struct region sslot_r;    /* source slots */
	struct dslot *sslots;
	size_t sslot_mask;
	struct region pool_r;     /* contact blocks, in 8-byte units */
	uint64_t *pool;
	size_t pool_n;            /* units handed out (in blocks or on the free lists) */
	uint32_t blk_free[BLOCK_CLASSES]; /* free blocks per class, linked through
					   * their first unit; NO_ID ends */
	uint64_t ix_mul;          /* odd multiplier of the contact indexes' hash (ix_hash) */
	uint64_t union_key[6];    /* secret words of the analysis's key hash (union_hash) */
	struct region tg_r;       /* struct target[] */
	struct target *tg;
	size_t tg_n;              /* targets allocated (live or free) */
	uint32_t *tg_free;        /* ids of removed targets, for reuse */
	size_t tg_nfree, tg_capfree;
	struct region tslot_r;    /* target slots */
	struct dslot *tslots;
	size_t tslot_mask;
	uint32_t tcache[TARGET_CACHE]; /* id + 1 of a recent target, by address bits */
	struct wide_origin *wide; /* origins that do not pack (see struct pcontact) */
	size_t n_wide, cap_wide;
	uint64_t wide_free;       /* free list through line, or UINT64_MAX */
	size_t last;              /* the last source looked up, or SIZE_MAX */
	uint32_t last_sh;         /* and its src_hash */
	struct ip_addr a_src;     /* stage A's last source and its hash */
	uint32_t a_sh;
	uint8_t a_valid;
	uint64_t contacts_total;  /* live contacts */
	uint64_t contacts_refused;
	uint64_t evicted, events_evicted;
	struct detector *merged;  /* detectors merged into this one (detect_merge) */
	unsigned threads;         /* the analysis's threads at least (detect_set_threads) */
	size_t hand;              /* eviction clock hand (see evict_one) */
	uint64_t evict_level;
	/* the event log (detect_use_log): on until replayed into the tables */
	uint8_t log_on;
	uint8_t log_sorted;       /* logk sorted by source (the walk's order) */
	int8_t log_exact;         /* -1 unknown, else log_exact()'s answer */
	uint8_t log_in_order;     /* every contact logged came after the one before it
				   * in contact_order (then so did each source's) */
	int64_t log_last_ns;      /* and that one's time, unit and line */
	uint64_t log_last_line;
	uint32_t log_last_unit;
	struct region log_r;      /* struct logrec[] */
	struct logrec *log;
	size_t log_n, log_cap, log_max; /* events, room for, and the most before replay */
	size_t log_ready;         /* events whose pages are populated (log_set_cap) */
	struct region logk_r;     /* src_hash << 32 | index of each event */
	uint64_t *logk;
	struct ip_addr *log6;     /* the log's IPv6 addresses, appended */
	size_t n6, cap6;
	struct log_wide *logwide; /* origins and counts that do not pack (LR_WIDE) */
	size_t nwide, capwide;
	struct log_mixed *log_mixed; /* hashes shared by two sources, per part (log_walk) */
	size_t n_log_mixed;
	/* the queue (drain): C has run on the events below qc, D below qd */
	struct pending q[DETECT_QUEUE];
	unsigned nq, qc, qd;
};

static inline uint32_t sat_add32(uint32_t a, uint64_t b)
{
	uint64_t s = (uint64_t)a + b;
	return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

/* A contact's latest event is kept as a count of whole milliseconds on the
 * clock (not from first_ns: that would round differently depending on
 * which thread's part came first, and a merged source would end a
 * millisecond apart). */
static inline int64_t ms_floor(int64_t ns)
{
	return ns >= 0 ? ns / 1000000LL : -((-ns + 999999LL) / 1000000LL);
}

static inline int64_t last_from_ms(int64_t first_ns, uint32_t last_ms)
{
	int64_t l = (ms_floor(first_ns) + (int64_t)last_ms) * 1000000LL;
	return l > first_ns ? l : first_ns;
}

static inline uint32_t ms_since(int64_t first_ns, int64_t last_ns)
{
	int64_t d = ms_floor(last_ns) - ms_floor(first_ns);
	return d < 0 ? 0 : d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

static inline int64_t contact_last_ns(const struct contact *c)
{
	return last_from_ms(c->first_ns, c->last_ms);
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

/* What findings.c sees of one source: its counters and its contacts
 * gathered into one array. */
struct src_view {
	uint64_t order;     /* detector << 32 | index (the event log: the index of
			     * its first event): sources in the order they came */
	struct ip_addr addr;
	uint64_t events, probes;
	const uint32_t *fp;
	const struct contact *c;
	uint32_t n;
	uint8_t truncated;
	uint32_t cell[DETECT_CELLS]; /* as in src_state, of all its parts */
	unsigned n_cell, cells_more;
	uint32_t sig, sig_same, sig_all;
};

/* Calls fn once per distinct source of d and the detectors merged into
 * it, with its union: counters summed, one contact per key (the earliest
 * event; counts summed), the earliest max_contacts, sorted by time and
 * origin. */
typedef void (*detect_source_fn)(void *arg, const struct src_view *v);
void detect_each_source(struct detector *d, detect_source_fn fn, void *arg);
/* The same for the sources want(arg, addr) accepts (others are skipped
 * before their union is formed). */
typedef int (*detect_want_fn)(void *arg, const struct ip_addr *a);
void detect_each_source_if(struct detector *d, detect_want_fn want, detect_source_fn fn,
			   void *arg);
/* detect_each_source_if (want may be NULL: every source) for part `part`
 * of `nparts` of the sources (split by their keyed hash, so that the parts
 * in turn are one walk's order), after detect_flush(d): the parts may run
 * in threads of their own at once. Each source's union is formed in one
 * part. */
void detect_each_source_part(struct detector *d, unsigned part, unsigned nparts,
			     detect_want_fn want, detect_source_fn fn, void *arg);
/* detect_each_source_part for a few wanted sources whose hashes
 * (detect_source_hash of each, sorted, n_hashes of them) are known: the
 * event log's walk then skips the other sources' events unread. want
 * still decides (two sources may share a hash). */
void detect_each_wanted_part(struct detector *d, unsigned part, unsigned nparts,
			     const uint32_t *hashes, size_t n_hashes, detect_want_fn want,
			     detect_source_fn fn, void *arg);
uint32_t detect_source_hash(const struct ip_addr *a);

/* Probe signature (detect.c): window, initial TTL (rounded up to 32, 64,
 * 128 or 255), TCP flags and option bytes of a TCP probe, packed; 0 when
 * the log lacks them. Sources sending the same odd signature may be one
 * tool run from several addresses. */
#define SIG_WINDOW(s) ((s) >> 16)
#define SIG_TTL(s) (((s) >> 14) & 3u)   /* 0: 32, 1: 64, 2: 128, 3: 255 */
#define SIG_FLAGS(s) (((s) >> 6) & 0xffu)
#define SIG_OPTS(s) ((s) & 0x3fu)       /* option bytes / 4 + 1 (0: length not logged) */

/* A member's part of a run counts as a slice from this many contacts: a
 * probe or two each is what unrelated background sources add up to
 * (tests/e2e/detect_distributed.sh shows one such case in a capture). */
#define DIST_MIN_SLICE 3
/* The union must reach this many times the single-source threshold: a
 * split scan covers what one scan would, while unrelated scanners sharing
 * masscan's default probe (window 1024, TTL 255, no options) reach about
 * one threshold's worth together by chance (two captures in
 * tests/data/pcap show it). */
#define DIST_FACTOR 2

/* distributed.c: scans split between sources, found over the sources'
 * summaries (kept by findings.c while it walks them). */
struct dist_src {
	struct ip_addr addr;
	int64_t first_ns, last_ns;
	int64_t burst_ns; /* start of its busiest window (the most contacts), or 0 */
	uint32_t burst_n; /* contacts in it */
	uint32_t sig;   /* a shared-able signature, or 0 */
	uint32_t burst_copy; /* of them TCP, UDP or SCTP: what distributed.c copies if a member */
	uint8_t allow;  /* allowlisted */
};
struct finding;
struct dist_out {
	struct finding *items;
	size_t n, cap;
};
/* Find groups among srcs (n of them; reordered) and append their findings
 * to out (members, targets and ports filled; findings.c adds the
 * severity), on up to `threads` threads. */
void detect_distributed(struct detector *d, const struct detect_config *cfg, struct dist_src *srcs,
			size_t n, unsigned threads, struct dist_out *out);
/* findings.c helpers distributed.c shares */
/* Sort a[0..n) in address order. */
void detect_sort_addrs(struct ip_addr *a, size_t n);
/* Sort a[0..n) and drop repeats; returns how many are left. */
size_t detect_sort_u16_unique(uint16_t *a, size_t n);
unsigned detect_severity(const struct detect_config *cfg, const struct finding *f);
const struct detect_allow *detect_allow_match(const struct detect_config *cfg,
					      const struct ip_addr *a);
int detect_inside(const struct detect_config *cfg, const struct ip_addr *a);
int detect_is_dark(const struct detect_config *cfg, const struct ip_addr *a);

#endif
