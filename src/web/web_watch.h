/* Inside the web stage: the watch's per-source state, shared by watch.c
 * (accounting, merging) and findings.c (turning it into findings). */
#ifndef CLSCAN_WEB_WATCH_H
#define CLSCAN_WEB_WATCH_H

#include "core/util.h"
#include "web/web_internal.h"

#define WEB_LIST_MAX 16   /* hard bound on agents/vhosts kept per source */
#define WEB_HITS_MAX 256  /* hard bound on signatures kept per source */

struct web_src_hit {
	uint32_t sig;
	uint32_t status[4];      /* answered 2xx, 3xx, 4xx, 5xx */
	uint64_t count;
	int64_t first_ns, last_ns;
	uint32_t first_unit;
	uint16_t example_status;
	uint16_t example_cap;    /* bytes example can hold (without its NUL) */
	uint64_t first_line;
	char *example;           /* in the watch's arena */
};

#define WEB_HITS_INLINE 12 /* signature ids searched in the table slot itself */

/* Made at a source's first probe. */
struct web_src_detail {
	uint16_t *hit_sig_more;  /* ids of hits[WEB_HITS_INLINE..] */
	uint64_t hits_dropped;
	char *agents[WEB_LIST_MAX];
	char *vhosts[WEB_LIST_MAX];
	uint16_t agent_len[WEB_LIST_MAX], vhost_len[WEB_LIST_MAX];
	uint8_t n_agents, n_vhosts;
	uint64_t agents_dropped, vhosts_dropped;
};

struct web_src {
	struct ip_addr key;
	uint64_t hash;
	uint8_t used;
	uint8_t max_sev;
	uint8_t scanner_ua;      /* hit a scanner-class signature */
	uint32_t first_unit;
	uint64_t first_line;
	int64_t first_ns, last_ns;
	uint64_t requests, probes;
	uint64_t alerts;         /* probes in the request answered 2xx */
	uint32_t status[4];      /* probes answered 2xx..5xx */
	char *client;            /* logged host name, or NULL */
	/* The signatures hit: ids inline, so finding a hit touches only the
	 * slot (already fetched) and the record itself. */
	uint16_t n_hits, cap_hits;
	uint16_t hit_sig[WEB_HITS_INLINE];
	struct web_src_hit *hits;
	struct web_src_detail *d;
};

struct web_found {
	uint32_t sig;
	uint8_t in_target;       /* matched in the request target */
};

/* User agents and referrers repeat: the signatures a header value hit are
 * remembered in a small direct-mapped cache, so a repeated value costs a
 * hash and a compare instead of a scan. A colliding value only evicts. */
#define WEB_HCACHE_SLOTS 256
#define WEB_HCACHE_TEXT 192      /* longer values are not cached */
#define WEB_HCACHE_SIGS 6        /* values with more hits are not cached */

struct web_hcache_slot {
	uint16_t len;                /* 0: empty */
	uint8_t n_sigs;
	uint32_t sigs[WEB_HCACHE_SIGS];
	char text[WEB_HCACHE_TEXT];
};

struct web_watch {
	struct web_config cfg;
	const struct web_sigset *sigs;
	struct web_src *tab;
	size_t cap, n;
	size_t hit_records;      /* over all sources, up to cfg.max_hit_records */
	struct arena arena;
	uint64_t requests, probe_requests;
	uint64_t requests_dropped, probes_dropped;
	uint64_t decode_truncated;
	struct web_found found[32];
	size_t n_found;
	struct web_src *last;    /* the previous request's source (runs of one source) */
	struct web_hcache_slot *hcache[WEB_SCAN_COUNT]; /* UA and referrer */
	uint64_t hcache_hits;
	struct web_decoded dec;
};

int web_earlier(int64_t t, uint32_t unit, uint64_t line, int64_t t0, uint32_t unit0,
		uint64_t line0);

#endif
