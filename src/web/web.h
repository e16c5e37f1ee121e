/* Web probes: every web request (an event with ev->http) is normalised
 * (percent-, %u-, double-encoding, overlong UTF-8, case; see web_decode)
 * and run once per field through an Aho-Corasick automaton built from the
 * probe signatures (data/web_signatures.tsv). Per source we keep what it
 * asked, which signatures it hit and how the server answered; a probe
 * answered 2xx is an ALERT (possible compromise). State is per worker,
 * merged like the detector's; memory is bounded by caps whose refusals are
 * counted and reported. The session itself (every request of a source, in
 * order) is not kept here: `clscan explain SOURCE` re-reads it. */
#ifndef CLSCAN_WEB_H
#define CLSCAN_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/event.h"

/* ---- signatures ---------------------------------------------------------- */

enum web_class {
	WEB_CLASS_CGI_PROBE = 0,   /* old CGI scripts: phf, test-cgi, formmail */
	WEB_CLASS_WORM,            /* Code Red, Nimda, Mirai-family droppers */
	WEB_CLASS_SCANNER,         /* a scanning tool's user agent or marker */
	WEB_CLASS_EXPLOIT,         /* a known CVE's request */
	WEB_CLASS_CREDENTIAL,      /* credential stuffing: login pages, xmlrpc */
	WEB_CLASS_TRAVERSAL,       /* ../ and the files it wants */
	WEB_CLASS_INJECTION,       /* SQL, command, template, JNDI injection */
	WEB_CLASS_RECON,           /* sensitive files: .env, .git, backups */
	WEB_CLASS_XSS,
	WEB_CLASS_ADMIN,           /* admin panels: phpMyAdmin, manager/html */
	WEB_CLASS_COUNT
};

/* Where a pattern is looked for. */
enum web_field {
	WEB_FIELD_PATH = 0,   /* decoded path (before '?') */
	WEB_FIELD_QUERY,      /* decoded query (after '?') */
	WEB_FIELD_TARGET,     /* decoded path and query ("any-of-request") */
	WEB_FIELD_UA,         /* user agent (lower-cased, decoded) */
	WEB_FIELD_REFERRER,
	WEB_FIELD_ANY,        /* target, user agent, referrer and method */
	WEB_FIELD_COUNT
};

/* Severity 1..5 as in the scan findings: >= 4 is ALERT, 3 WARNING. */
#define WEB_SEV_ALERT 5
#define WEB_SEV_WARNING 3
#define WEB_SEV_INFO 1

/* Anchors: where in the field the pattern must sit. */
enum web_anchor {
	WEB_ANCHOR_NONE = 0,  /* anywhere (substring) */
	WEB_ANCHOR_START,     /* "^pattern": the field starts with it */
	WEB_ANCHOR_END,       /* "pattern$": the field ends with it */
	WEB_ANCHOR_EXACT,     /* "^pattern$" */
};

struct web_signature {
	char *name;           /* "phf", "log4shell" */
	uint8_t cls;          /* enum web_class */
	uint8_t severity;     /* 1..5 */
	uint8_t field;        /* enum web_field */
	uint8_t anchor;       /* enum web_anchor */
	char *pattern;        /* lower-case, decoded, without anchors */
	size_t pattern_len;
	char *reference;      /* "CVE-2021-44228", "CERT CA-1996-06", a URL */
	char *origin;         /* "FILE:LINE" */
};

struct web_sigset;

/* The built-in set (data/web_signatures.tsv). */
struct web_sigset *web_sigset_builtin(void);
struct web_sigset *web_sigset_new(void);
void web_sigset_free(struct web_sigset *s);
/* Add the signatures in text (the TSV format of data/web_signatures.tsv:
 * name, class, severity, field, pattern, reference; '#' comments). A line
 * whose name is already present replaces that signature. Bad lines are
 * skipped; returns how many, the first described in err as "NAME:LINE:
 * why". */
int web_sigset_load_text(struct web_sigset *s, const char *name, const char *text, size_t len,
			 char *err, size_t errlen);
/* Same from a file; -1 if it cannot be read (err says why). */
int web_sigset_load_file(struct web_sigset *s, const char *path, char *err, size_t errlen);
/* Build the matcher; call once after loading, before web_new(). */
void web_sigset_compile(struct web_sigset *s);
size_t web_sigset_count(const struct web_sigset *s);
const struct web_signature *web_sigset_get(const struct web_sigset *s, size_t i);

const char *web_class_name(enum web_class c);     /* "cgi-probe", ... */
int web_class_parse(const char *s, size_t len);   /* -1 if unknown */
const char *web_field_name(enum web_field f);     /* "path", ... */

/* ---- configuration ------------------------------------------------------- */

struct web_config {
	const struct web_sigset *sigs;  /* compiled; required */
	size_t max_sources;             /* per watch (default 200,000) */
	size_t max_hits_per_source;     /* distinct signatures kept per source (64, at most 256) */
	size_t max_agents_per_source;   /* distinct user agents kept (8, at most 16) */
	size_t max_vhosts_per_source;   /* distinct vhosts kept (8, at most 16) */
	size_t max_hit_records;         /* signature records of all sources (1,000,000):
					 * the per-source caps times max_sources would
					 * allow gigabytes to a prober rotating IPv6
					 * addresses */
	unsigned burst_requests;        /* requests by one source that make a burst (default 100) */
};

void web_config_defaults(struct web_config *c);

/* Command-line options of `clscan report` / `clscan explain`, in the
 * style of detect_options: "--web-signatures FILE" (adds to the built-in
 * set, replacing same-named entries), "--web-signatures-only FILE" (the
 * file replaces the built-in set), "--no-web" (probe matching off),
 * "--web-max-sources N". */
struct web_option {
	const char *name;
	int has_arg;
};
extern const struct web_option web_options[];
extern const size_t web_n_options;

/* Options collected before the set is built. */
struct web_setup {
	int disabled;
	int builtin_off;          /* --web-signatures-only given */
	const char *files[8];
	size_t n_files;
	size_t max_sources;       /* 0: default */
};
int web_option_apply(struct web_setup *s, size_t i, const char *arg, char *err, size_t errlen);
/* Build and compile the set (built-in and/or files), fill cfg. Bad
 * signature lines are reported on stderr with file:line and skipped.
 * Returns the set (caller frees with web_sigset_free), or NULL with err
 * if a file cannot be read or disabled is set (err empty). */
struct web_sigset *web_setup_finish(const struct web_setup *s, struct web_config *cfg,
				    char *err, size_t errlen);

/* ---- the watch (per worker) ---------------------------------------------- */

struct web_watch;

struct web_watch *web_new(const struct web_config *cfg);
void web_free(struct web_watch *w);
/* Account one event; events without ev->http are ignored (cheap). */
void web_add(struct web_watch *w, const struct event *ev);
/* Move everything in from into into; from is left empty but valid. Caps
 * stay per watch (what the merge refuses is counted). */
void web_merge(struct web_watch *into, struct web_watch *from);
size_t web_memory(const struct web_watch *w);

/* ---- findings ------------------------------------------------------------ */

/* One signature as hit by one source. */
struct web_hit {
	const struct web_signature *sig;
	uint64_t count;          /* requests that matched */
	uint64_t answered_2xx;   /* of them, answered 200-299 */
	uint64_t answered_3xx, answered_4xx, answered_5xx;
	int64_t first_ns, last_ns;
	uint32_t first_unit;     /* evidence: origin of the first match */
	uint64_t first_line;
	uint16_t example_status;
	char *example;           /* the request line as logged (shortened) */
};

struct web_source {
	struct ip_addr addr;     /* zero when only a client name was logged */
	char *client;            /* the logged host name, or NULL */
	int64_t first_ns, last_ns;
	uint64_t requests;       /* all requests, benign ones included */
	uint64_t probes;         /* requests that matched any signature */
	uint64_t answered_2xx;   /* probes answered 2xx */
	uint64_t answered_3xx, answered_4xx, answered_5xx;
	uint64_t alert_requests; /* probes answered 2xx whose request target (path or
				  * query) matched a signature of severity >= 3 */
	uint8_t max_severity;    /* 0 if no probe */
	uint8_t alert;           /* alert_requests > 0: possible compromise */
	uint8_t burst;           /* >= burst_requests requests and a scanner signature */
	struct web_hit *hits;    /* by severity, then count */
	size_t n_hits;
	uint64_t hits_dropped;   /* matches of signatures over max_hits_per_source */
	char **agents;           /* distinct user agents of its probes, first seen first */
	size_t n_agents;
	uint64_t agents_dropped;
	char **vhosts;           /* likewise virtual hosts */
	size_t n_vhosts;
	uint64_t vhosts_dropped;
	uint32_t first_unit;     /* origin of the first request */
	uint64_t first_line;
};

struct web_sig_total {
	const struct web_signature *sig;
	uint64_t requests;
	uint64_t sources;
	uint64_t answered_2xx;
};

struct web_class_total {
	uint8_t cls;
	uint64_t requests;
	uint64_t sources;
};

struct web_findings {
	struct web_source *sources;   /* those with a probe only; ALERT first,
				       * then max severity, probes, first time */
	size_t n_sources;
	size_t n_alert;               /* of sources, with alert set */
	struct web_sig_total *sigs;   /* by requests */
	size_t n_sigs;
	struct web_class_total classes[WEB_CLASS_COUNT]; /* by requests; n_classes used */
	size_t n_classes;
	uint64_t requests;            /* web requests seen */
	uint64_t probe_requests;      /* of them, matching a signature */
	uint64_t sources_seen;        /* distinct sources with any request */
	uint64_t requests_dropped;    /* requests from sources over max_sources */
	uint64_t probes_dropped;      /* of them, probes */
	uint64_t hits_dropped;        /* summed over sources */
	uint64_t decode_truncated;    /* fields longer than the decode buffer */
	size_t n_signatures;          /* in the set */
	struct web_config cfg;
};

/* The findings of a watch (merged). Caller frees with web_findings_free.
 * Returns an empty findings object (never NULL) if w is NULL. */
struct web_findings *web_findings(const struct web_watch *w);
void web_findings_free(struct web_findings *f);
/* The source's findings entry, or NULL (clscan explain). */
const struct web_source *web_findings_lookup(const struct web_findings *f,
					      const struct ip_addr *addr, const char *client);
/* Sources whose highest severity is at least sev (1..5); sev 4 counts ALERTs. */
size_t web_findings_at_least(const struct web_findings *f, unsigned sev);

/* ---- decoding and matching (exposed for tests and fuzzing) --------------- */

#define WEB_DECODE_MAX 4096

struct web_decoded {
	char buf[WEB_DECODE_MAX];
	size_t len;
	size_t path_len;      /* buf[0..path_len) is the path, then '?' and the query */
	int truncated;
};

/* Normalise a request target: percent-decoding repeated up to 3 rounds,
 * %uXXXX, overlong UTF-8 '/' and '\' (%c0%af, %c1%1c, %c1%9c, %e0%80%af),
 * '+' as space in the query, '\' as '/', "//" collapsed, "/./" removed,
 * lower case, NUL and control bytes as '.'; "../" is kept (it is what
 * traversal signatures look for). Output bounded by WEB_DECODE_MAX. */
void web_decode_target(const char *s, size_t len, struct web_decoded *out);
/* Lower-case and percent-decode a header (user agent, referrer). */
void web_decode_header(const char *s, size_t len, struct web_decoded *out);

#endif
