/* Scan detection: per-source state fed one event at a time (detect_add),
 * merged across worker threads like the stats (detect_merge), then turned
 * into findings with the reason in words (detect_findings). Methods:
 * sliding-window distinct-port and distinct-host thresholds (scanlogd's
 * port weights, Zeek's 5-minute window), slow-scan windows, IP-protocol
 * and ping sweeps, TCP flag classes, brute-force hammering, tool
 * fingerprints (nmap, masscan, zmap, Mirai) and Threshold Random Walk
 * (Jung, Paxson, Berger, Balakrishnan, "Fast Portscan Detection Using
 * Sequential Hypothesis Testing", IEEE S&P 2004) where outcomes are known.
 * Memory is bounded by caps on sources and contacts; what a cap refuses is
 * counted and reported. */
#ifndef CLSCAN_DETECT_H
#define CLSCAN_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/event.h"
#include "enrich/catalog.h"

/* ---- configuration ------------------------------------------------------ */

/* One allowlisted network with its label ("research scanner", "allowlist")
 * and the reason its file gives ("Censys", "our HTTP proxy"). */
struct detect_allow {
	struct ip_prefix net;
	char *label;
	char *reason;
	char *origin; /* "FILE:LINE" */
};

struct detect_config {
	const struct catalog *catalog; /* port classes for severity; may be NULL */
	/* The country of an address, for the background per country: 0 and
	 * two letters and a NUL in cc, or -1 if unknown. NULL: not counted. */
	int (*country)(void *ctx, const struct ip_addr *a, char cc[3]);
	void *country_ctx;
	int64_t window_ns;        /* short window (default 300 s, Zeek's) */
	int64_t slow_window_ns;   /* slow-scan window (default 24 h) */
	unsigned weight_low;      /* weight of a port below 1024 (default 3, scanlogd) */
	unsigned weight_high;     /* weight of any other port (default 1) */
	unsigned port_score;      /* vertical alarm: summed weights (default 21) */
	unsigned sweep_hosts;     /* horizontal alarm: distinct hosts on one port (default 10) */
	unsigned block_ports;     /* a sweep of this many ports is a block scan (default 8) */
	unsigned proto_count;     /* IP-protocol scan: distinct protocols (default 10) */
	unsigned hammer_count;    /* unsuccessful attempts on one brute-force service (default 10) */
	double trw_theta0, trw_theta1, trw_alpha, trw_beta; /* 0.8, 0.2, 0.01, 0.99 */
	size_t max_sources;       /* per detector (default 1,000,000) */
	size_t max_contacts;      /* distinct (target, proto, port) kept per source (4096) */
	size_t max_contacts_total; /* per detector (default 4,000,000) */
	int include_local;        /* also count packets the logging host sent itself */
	struct ip_prefix *home;   /* --home */
	size_t n_home, cap_home;
	struct ip_prefix *dark;   /* --dark: addresses that host nothing */
	size_t n_dark, cap_dark;
	unsigned dist_sources;    /* distributed scans: members at least (default 3; 0 = off) */
	unsigned period_returns;  /* periodic: returns at least (default 4; 0 = off) */
	unsigned period_tolerance; /* periodic: percent of the period (default 10) */
	struct detect_allow *allow; /* --allow files, then the research-scanner list */
	size_t n_allow, cap_allow;
	const char *scanner_list;  /* --scanner-list: NULL built-in, "none" none, or a file */
	int scanners_loaded;
};

void detect_config_defaults(struct detect_config *c);
void detect_config_fini(struct detect_config *c);
/* "10.0.0.0/8,192.168.0.0/16" (comma-separated). Returns 0, or -1 with err. */
int detect_config_add_home(struct detect_config *c, const char *spec, char *err, size_t errlen);
/* The same for --dark. */
int detect_config_add_dark(struct detect_config *c, const char *spec, char *err, size_t errlen);
/* An allowlist in text: one "NETWORK [REASON...]" per line ('#' comments,
 * tab-separated columns after the network are joined as the reason).
 * name is used in origins and messages. Returns the number of bad lines
 * (the first described in err), the rest are loaded. */
int detect_config_load_allow_text(struct detect_config *c, const char *name, const char *label,
				  const char *text, size_t len, char *err, size_t errlen);
/* Same from a file; -1 if it cannot be read. */
int detect_config_load_allow_file(struct detect_config *c, const char *path, const char *label,
				  char *err, size_t errlen);
/* data/scanners.tsv as built in, labelled "research scanner". */
int detect_config_load_builtin_scanners(struct detect_config *c);

/* Command-line options shared by `clscan report` and `clscan explain`:
 * detect_options[i] is "--NAME" (has_arg 1 if it takes a value). */
struct detect_option {
	const char *name;
	int has_arg;
};
extern const struct detect_option detect_options[];
extern const size_t detect_n_options;
/* The options' help text (for usage messages). */
extern const char detect_usage[];
/* Apply option i with its argument. *disabled is set by --no-detect.
 * Returns 0, or -1 with a message in err. */
int detect_option_apply(struct detect_config *c, size_t i, const char *arg, int *disabled,
			char *err, size_t errlen);
/* Load the research-scanner list unless --scanner-list none was given;
 * call once after all options. Returns 0, or -1 with err. */
int detect_config_finish(struct detect_config *c, char *err, size_t errlen);

/* ---- the detector ------------------------------------------------------- */

struct detector;

struct detector *detect_new(const struct detect_config *cfg);
void detect_free(struct detector *d);
/* Account one event (after filtering). Cheap: appended to the event log
 * (detect_use_log), or one keyed lookup of the source and one of the
 * contact, both fetched ahead (the event waits in a short queue). */
void detect_add(struct detector *d, const struct event *ev);
/* The same, given hash_16(&ev->src) (which the statistics took already). */
void detect_add_hashed(struct detector *d, const struct event *ev, uint64_t src_h);
/* Add everything in from to into; from is left empty but valid. O(1): the
 * tables move over as they are and each source's union is formed by
 * detect_findings(), so the findings do not depend on how events were
 * split between detectors. Caps stay per detector. */
void detect_merge(struct detector *into, struct detector *from);
size_t detect_memory(struct detector *d);
/* Sources tracked now. */
size_t detect_sources(struct detector *d);
/* Events are queued a few at a time so that their table lookups overlap;
 * every function here that reads the state accounts them first, so this
 * is needed only before reading the state by other means. Flushes the
 * detectors merged into d too. */
void detect_flush(struct detector *d);
/* Keep events in a log instead of the tables: each event is appended (40
 * bytes), the log is sorted by source once (by detect_finish, or else when
 * the findings are made) and folded when the findings are made, which
 * costs a fraction of a table lookup per event.
 * Merged detectors' logs stay logs, and the walk forms each source's
 * union from them as from tables. The findings are the same as the
 * tables give: where the caps could make a difference (a source with
 * more events than max_contacts out of time order, sources near
 * max_sources) or a log reaches max_contacts_total events, the logs are
 * replayed into their tables, in order, and the tables take over. Call
 * before the first event; later calls change nothing. */
void detect_use_log(struct detector *d);
/* No more events for now (a worker's share is read): sorts the log on the
 * caller's thread, so that workers sort theirs at the same time instead
 * of the merging thread one after another. Optional; events added later
 * are still taken. */
void detect_finish(struct detector *d);
/* The findings (detect_findings) may be made by up to n threads (at most
 * one per CPU), however few detectors were merged into d: a capture, or a
 * log too small to split, is read by one worker, and its analysis can
 * still be split. Without this call, one thread per merged detector. */
void detect_set_threads(struct detector *d, unsigned n);

/* ---- findings ----------------------------------------------------------- */

enum finding_type {
	FINDING_VERTICAL = 0, /* many ports of one host */
	FINDING_HORIZONTAL,   /* one or a few ports on many hosts */
	FINDING_BLOCK,        /* many ports on many hosts */
	FINDING_PING_SWEEP,   /* ICMP echo/timestamp/mask requests to many hosts */
	FINDING_PROTO_SCAN,   /* many IP protocol numbers on one host */
	FINDING_HAMMER,       /* repeated attempts on a brute-force service */
	FINDING_TRW,          /* failed first contacts (sequential hypothesis test) */
	FINDING_DISTRIBUTED,  /* several sources, one scan between them (group_shape says which) */
	FINDING_TYPE_COUNT
};

enum finding_technique {
	TECH_SYN = 0,
	TECH_CONNECT,  /* SYN with the sender's full option set: a connect() scan or client */
	TECH_FIN,
	TECH_NULL,
	TECH_XMAS,
	TECH_ACK,
	TECH_MAIMON,   /* FIN+ACK */
	TECH_ODD,      /* other flag combinations (SYN+FIN, URG alone...) */
	TECH_MIXED,    /* several TCP classes, none dominant */
	TECH_TCP,      /* TCP, flags not logged */
	TECH_UDP,
	TECH_SCTP,
	TECH_ICMP,     /* echo / timestamp / mask requests */
	TECH_IP_PROTO, /* raw IP protocol numbers */
	TECH_OTHER,
	TECH_ARP,      /* ARP who-has requests (captures) */
	TECH_COUNT
};

/* Findings are ranked: not allowlisted first, then inside (home) sources,
 * then severity (5 first), then start time. */
struct finding {
	struct ip_addr src;
	uint8_t type;        /* enum finding_type */
	uint8_t technique;   /* enum finding_technique */
	uint8_t proto;       /* IP protocol of the probes (for PROTO_SCAN: 0) */
	uint8_t severity;    /* 1..5 */
	uint8_t inside;      /* source in --home */
	uint8_t slow;        /* found only by the slow window */
	uint8_t truncated;   /* the source had more contacts than were kept: counts are lower bounds */
	const struct detect_allow *allow; /* allowlist entry, or NULL */
	uint64_t n_targets;  /* distinct hosts */
	struct ip_addr *targets; /* sorted, the lowest DETECT_TARGETS_KEPT */
	size_t n_targets_kept;
	struct ip_addr target_lo, target_hi; /* lowest and highest */
	uint16_t *ports;     /* sorted, distinct: ports, ICMP types, or protocol numbers */
	size_t n_ports;
	uint16_t *open_ports; /* ports that answered (outcome open / login), sorted */
	size_t n_open;
	int64_t start_ns, end_ns;
	uint64_t probes;     /* distinct (target, port) first contacts */
	uint64_t events;     /* events behind them, repeats included */
	uint64_t successes;  /* events known to have succeeded (open, login) */
	uint64_t failures;   /* events known to have failed or been blocked */
	const char *tool;    /* "nmap -sS", "masscan", "zmap", "Mirai", or NULL */
	char tool_evidence[96]; /* "IP ID 54321 on 250/250 probes" */
	unsigned trw_attempts; /* first contacts TRW needed to call it a scan (0 = not run/undecided) */
	uint32_t dark_hits;  /* probes to --dark addresses */
	uint8_t followon;    /* the source then connected successfully (a login, or an
			      * answered connection after the scan's end) */
	uint32_t period_s;   /* the source returns every period_s seconds (0: not periodic) */
	uint32_t period_returns;
	uint8_t period_more; /* returned more often than period_returns (not all visits kept) */
	/* FINDING_DISTRIBUTED: src is the first member */
	uint8_t group_shape; /* enum finding_type of the union: vertical, horizontal, block */
	uint64_t n_members;
	struct ip_addr *members; /* sorted, all n_members of them */
	size_t n_members_kept;   /* of them, the lowest DETECT_TARGETS_KEPT: what reports list */
	char group_evidence[160]; /* what they share: "the same /24", "window 1024, TTL 64, SYN..." */
	char why[512];       /* one sentence, once detect_why() has written it */
	uint8_t why_written; /* (a finding made by hand sets it with why) */
	uint32_t trw_failed, trw_succeeded; /* TRW's counts, for the sentence */
	uint8_t mirai_ports; /* only telnet's 23 and 2323, for the sentence */
	uint32_t first_unit; /* evidence: origin of the earliest event */
	uint64_t first_line;
	uint64_t order;      /* the last tie-break of the ranking: its source's place in
			      * the walk over the sources, then its place among that
			      * source's findings (so that the rank does not depend on
			      * how the analysis was split between threads) */
};

#define DETECT_TARGETS_KEPT 256

/* A service seen only as background noise: sources with no finding. */
struct background_row {
	uint8_t proto;
	uint16_t port;   /* ICMP: type; other protocols: 0 */
	uint64_t sources;
	uint64_t events;
};

/* The background per country (with detect_config.country). */
struct background_country {
	char cc[3];      /* "--" when unknown */
	uint64_t sources;
	uint64_t events;
};

struct detect_findings {
	struct finding *items;
	size_t n;
	size_t n_allowlisted;   /* of n, allowlisted (listed last) */
	size_t n_inside;        /* of n, from --home sources (not allowlisted) */
	/* Sources with no finding, summarised per service (by sources, then events). */
	struct background_row *background;
	size_t n_background;
	uint64_t background_sources, background_events;
	uint64_t background_zmap, background_masscan, background_mirai; /* sources with the fingerprint */
	uint64_t background_periodic; /* sources returning on a schedule */
	struct background_country *background_countries; /* by sources, then events */
	size_t n_background_countries;
	/* Limits: what the caps refused. */
	uint64_t sources;          /* tracked */
	uint64_t sources_evicted;  /* removed to make room (their events no longer count) */
	uint64_t events_evicted;
	uint64_t sources_truncated; /* sources with more contacts than kept */
	uint64_t contacts_refused; /* contacts refused by the total cap */
	size_t memory_bytes;
	/* The thresholds used, for the report's notes. */
	/* scalar fields only: home/allow are NULL; its catalog and the
	 * findings' allow entries must outlive them (detect_why reads them) */
	struct detect_config cfg_copy;
};

/* Analyse the (merged) detector, on one thread per detector merged into
 * it and itself, or as many as detect_set_threads allowed if more (at
 * most one per CPU); the result does not depend on how many. Never NULL. */
struct detect_findings *detect_findings(struct detector *d);
void detect_findings_free(struct detect_findings *f);

const char *detect_type_name(enum finding_type t);          /* "vertical", ... */
const char *detect_type_title(enum finding_type t);         /* "vertical port scan", ... */
const char *detect_technique_name(enum finding_technique t); /* "syn", ... */
const char *detect_technique_title(enum finding_technique t); /* "SYN", ... */

/* A finding's sentence of why, written into f->why when first asked
 * for: a big run's findings are mostly never listed, and formatting every
 * one of them cost as much as a tenth of their analysis. Two threads must
 * not ask for one finding's at once. */
const char *detect_why(const struct detect_findings *df, const struct finding *f);

/* Findings at or above a severity (allowlisted ones never count). */
size_t detect_count_at_least(const struct detect_findings *f, unsigned severity);

/* Members of a distributed finding that lie in net (0 for other types). */
uint64_t detect_members_in(const struct finding *f, const struct ip_prefix *net);
/* Keep only the findings of sources in net and the distributed findings
 * with a member in it (clscan explain), in their order; the others are
 * freed. The background and the limits stay those of every source.
 * Returns how many are kept. */
size_t detect_findings_keep_net(struct detect_findings *f, const struct ip_prefix *net);

#endif
