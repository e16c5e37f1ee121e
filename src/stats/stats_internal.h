/* Internal to stats/: the layout of struct stats, shared by stats.c (the
 * per-event path and merging) and summary.c (sorting it into tables). */
#ifndef CLSCAN_STATS_INTERNAL_H
#define CLSCAN_STATS_INTERNAL_H

#include <stdint.h>

#include "core/addr.h"
#include "core/event.h"
#include "core/util.h"
#include "stats/stats.h"
#include "stats/table.h"

/* Time sentinels for "no timed event yet": any real time replaces them. */
#define STATS_NO_FIRST INT64_MAX
#define STATS_NO_LAST INT64_MIN

/* One source address: 64 bytes, one cache line (the entry arrays are
 * page-aligned), since every event reads and writes its source's. Its
 * event total is the sum of the per-action counts. Those are 32 bits:
 * only "N packets" summary lines can push one past 2^32 - 1, and such a
 * source moves its counts to stats.wide (struct wide_ent) for good, so
 * the counts stay exact (src_count, src_actions). */
struct src_ent {
	struct ip_addr addr; /* key */
	int64_t first, last;
	uint32_t by_action[EVENT_ACTION_COUNT]; /* unless wide */
	uint32_t ports;      /* distinct (proto,port): pairs in stats.sp */
	uint32_t targets;    /* distinct destinations: pairs in stats.st */
	uint32_t wide;       /* 1: the counts are in stats.wide */
};
_Static_assert(sizeof(struct src_ent) == 64, "a source is one cache line");

/* The 64-bit per-action counts of a wide source, key its source id. */
struct wide_ent {
	uint32_t sid;
	uint32_t pad;
	uint64_t by_action[EVENT_ACTION_COUNT];
};

/* One destination address: 48 bytes. */
struct dst_ent {
	struct ip_addr addr; /* key */
	int64_t first, last;
	uint64_t events;
	uint32_t sources;    /* pairs in stats.st */
	uint32_t ports;      /* pairs in stats.pt */
};

/* One (proto, port) key, proto << 16 | port (ICMP: the type): 24 bytes.
 * Found through a direct index (stats.port_index), no hashing. */
struct port_ent {
	uint32_t key;
	uint32_t sources;    /* pairs in stats.sp */
	uint64_t events;
	uint32_t targets;    /* pairs in stats.pt */
	uint32_t named;      /* the catalog has the port: counted per month */
};

/* A counted pair: pair_key(month, port id) in stats.mp. 16 bytes. */
struct cnt_ent {
	uint64_t key;
	uint64_t events;
};

/* One day in the report zone (days since 1970-01-01 local). */
struct day_ent {
	int64_t day;
	uint64_t events;
};

/* An ALERT/WARNING group key; compared as 36 raw bytes (no padding: every
 * member is byte- or 2-byte-aligned). */
struct group_key {
	struct ip_addr src, dst;
	uint16_t port;
	uint8_t proto;
	uint8_t cls;
};
_Static_assert(sizeof(struct group_key) == 36, "a group key has no padding");

/* 72 bytes: unit fills the 4 bytes after the key that alignment would
 * otherwise waste (a million groups is the default cap). */
struct group_ent {
	struct group_key k;
	uint32_t unit;
	uint64_t events;
	int64_t first;  /* earliest time; STATS_NO_FIRST if no event had one */
	int64_t last;
	uint64_t line;  /* evidence: origin of the earliest event by (time, unit, line) */
};
_Static_assert(sizeof(struct group_ent) == 72, "a group entry is 72 bytes");

#define PREFIX_CAP 4096      /* distinct (prefix, action) kept */
#define PREFIX_SLOTS 8192    /* twice the cap: load <= 1/2 */
#define PREFIX_MAXLEN 128    /* longer prefixes are cut here */

struct prefix_ent {
	const char *text;   /* in the arena */
	uint64_t events;
	uint64_t hash;
	uint32_t len;
	uint8_t action;
};

struct prefix_table {
	struct prefix_ent *ents; /* PREFIX_CAP, allocated on first use */
	uint16_t *slots;         /* id + 1; 0 = empty */
	uint32_t n;
	uint32_t last;           /* id + 1 of the last prefix seen (most lines repeat it) */
	uint64_t other_events;   /* events whose prefix the cap refused */
	struct arena arena;
	size_t arena_bytes;
};

/* An event between stats_add() and the end of its processing. Table
 * lookups on a million keys are cache misses (~230 ns each here), and
 * an event needs two in a row (its source, then its pairs); taken one
 * event at a time they would cost ~600 ns. So events go through a short
 * pipeline: stage A hashes and prefetches the slots, B (PIPE_STEP events
 * later) finds the port id and prefetches the entries the slots point
 * to, C does the lookups and counts and prefetches the pair slots, D
 * adds the pairs. Each miss
 * then overlaps the misses of the events around it. Everything the later
 * stages need is copied here: the event's slices die with its line. */
struct pending {
	struct ip_addr src, dst;
	uint64_t hs, hd, hg;      /* keyed hashes: source, target, group */
	uint64_t h_sp, h_st, h_pt; /* pair hashes, set by stage C */
	int64_t time_ns;
	uint64_t line;
	uint32_t unit;
	uint32_t cnt;
	uint32_t pkey;
	uint32_t pindex;          /* slot in stats.port_index (stage A) */
	uint32_t pid;             /* port id (stage B) */
	int64_t day;              /* local day number (stage A), if PEND_TIME */
	uint32_t month;           /* local year * 12 + month - 1, if PEND_TIME */
	uint64_t h_mp;            /* (month, port) hash, set by stage C */
	uint32_t sid, did, gid;   /* hints from stage B, ids from stage C */
	uint8_t act;
	uint8_t cls;              /* group class, or 0 for no group */
	uint8_t has;              /* PEND_* bits */
};

/* A port's events per day on the TREND_DAYS days up to its last day
 * (slot = day % TREND_DAYS); older days only matter through first_day.
 * 144 bytes a port. */
#define TREND_DAYS 32
struct port_trend {
	int64_t first_day;   /* INT64_MAX: no timed event yet */
	int64_t last_day;
	uint32_t cnt[TREND_DAYS]; /* saturating */
};

#define PEND_SRC 0x01
#define PEND_DST 0x02
#define PEND_PORT 0x04
#define PEND_TIME 0x08

/* Port keys exist for tcp, udp, sctp, udplite, dccp (a port each) and
 * ICMP, ICMPv6 (the type): few enough to index directly. */
#define PORT_CLASSES 7

#define PIPE_STEP 8   /* events between stages: enough misses in flight */
#define PIPE_SIZE 32  /* > 3 * PIPE_STEP + 1, a power of two */

struct stats {
	struct stats_config cfg;

	uint64_t events, records;
	int64_t first, last;
	uint64_t by_action[EVENT_ACTION_COUNT];
	uint64_t by_proto[256];
	uint64_t hours[24];
	uint64_t weekdays[7];

	struct ktable src;     /* struct src_ent, key addr */
	struct ktable wide;    /* struct wide_ent, key source id; almost always empty */
	struct ktable dst;     /* struct dst_ent, key addr */
	struct ktable ports;   /* struct port_ent, key u32; looked up by port_index */
	uint32_t *port_index;  /* PORT_CLASSES * 65536: port id + 1, 0 = none */
	struct ktable days;    /* struct day_ent, key i64 */
	struct ktable groups;  /* struct group_ent, key struct group_key */
	/* Pairs of ids for distinct counts, (a + 1) << 32 | b: */
	struct pairset sp;     /* (source id, port id) */
	struct pairset st;     /* (source id, target id) */
	struct pairset pt;     /* (port id, target id) */
	struct prefix_table pfx;
	/* For the second-level tables (geo_tables.h): events per (port,
	 * target) are the counts of stats.pt; events per month of the ports
	 * the catalog names; and per port its last 32 days, for the trend. */
	struct ktable mp;      /* struct cnt_ent, key pair_key(month, port id) */
	uint64_t mp_dropped;
	uint64_t mp_last_key;  /* last-hit cache: 0 = empty */
	uint32_t mp_last_id;
	struct port_trend *trend; /* by port id, trend_cap allocated */
	size_t trend_cap;

	uint64_t sources_dropped, targets_dropped, pairs_dropped, groups_dropped;
	size_t peak;

	/* The pipeline: records n_d..n_a-1 are in flight; stage B has run on
	 * those below n_b, C below n_c, D below n_d. */
	struct pending pipe[PIPE_SIZE];
	uint64_t n_a, n_b, n_c, n_d;

	/* Last-hit caches: log lines come in bursts from one source to one
	 * target and port, and a compare is far cheaper than a hash. Stage A
	 * reuses hashes, stage C reuses ids. */
	struct ip_addr a_src, a_dst;
	uint64_t a_hs, a_hd;
	uint8_t a_valid;        /* PEND_* bits of the above that hold */
	struct ip_addr c_src, c_dst;
	uint32_t c_sid, c_did;  /* KT_NONE = cache empty */
	int64_t day_last;
	uint32_t day_last_id;
	uint32_t day_last_month; /* month key of day_last */
};

/* Run every pending event through the rest of the pipeline. */
void stats_flush(struct stats *s);

/* Add cnt events of action act to source sid (entry e). */
void src_count_wide(struct stats *s, uint32_t sid, struct src_ent *e, unsigned act, uint64_t cnt);

static inline void src_count(struct stats *s, uint32_t sid, struct src_ent *e, unsigned act,
			     uint64_t cnt)
{
	if (!e->wide && cnt <= UINT32_MAX - e->by_action[act])
		e->by_action[act] += (uint32_t)cnt;
	else
		src_count_wide(s, sid, e, act, cnt);
}

/* Source sid's events per action, and their total. */
void src_actions(const struct stats *s, uint32_t sid, uint64_t out[EVENT_ACTION_COUNT]);
uint64_t src_events(const struct stats *s, uint32_t sid);

#endif
