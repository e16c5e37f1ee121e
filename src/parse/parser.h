/* The parser layer's contract. Each format is one file exporting one
 * `const struct parser`; parsers.c lists them all in parser_table. A parser
 * fills a caller-owned event from one line, allocating nothing: its string
 * fields point into the line. */
#ifndef CLSCAN_PARSER_H
#define CLSCAN_PARSER_H

#include <stddef.h>

#include "core/event.h"
#include "core/timeconv.h"
#include "parse/action_map.h"

enum parse_result {
	PARSE_EVENT = 0,     /* *ev holds one event */
	PARSE_OTHER = 1,     /* a line of this family that carries no event
			      * (e.g. a non-firewall syslog line) */
	PARSE_MALFORMED = 2, /* recognised, but a field is bad: ctx->reason says which */
	PARSE_UNKNOWN = 3,   /* not a line of this format at all (counted and
			      * located as "no known format") */
};

/* Per-file, per-thread state a parser may read (and the reason it writes). */
struct parse_ctx {
	struct tz_cache tz;            /* zone conversion cache (per thread) */
	struct year_ref year;          /* year inference for this file */
	const struct action_map *actions;
	const char *reason;            /* out: static text on PARSE_MALFORMED */
	void *state;                   /* parser->state_size zeroed bytes, per file */
	const struct weblog_format *weblog; /* --log-format for the weblog
					     * parser, or NULL to detect */
	struct event_http http;        /* web parsers fill this and point
					* ev->http at it (valid until the next line) */
	char unescaped[8192];          /* weblog-json: the line's escaped strings,
					* decoded (valid until the next line) */
};

struct syslog_header;
struct weblog_format;

/* How a whole-file reader (pcap) hands over each record: result is
 * PARSE_EVENT with *ev filled, PARSE_MALFORMED with ctx->reason set (ev
 * unused), or PARSE_OTHER; record is the 1-based record (packet) number,
 * shown where a log would show a line number. */
typedef void (*parse_emit_fn)(void *arg, struct parse_ctx *ctx, enum parse_result result,
			      struct event *ev, uint64_t record);

struct parser_example {
	const char *label; /* "ufw via syslog" */
	const char *line;  /* a real line of the format */
};

struct parser {
	const char *name;       /* for --format and reports: "netfilter" */
	const char *summary;    /* one line: what writes this format */
	const char *time_note;  /* how its stamps are read: zone, year */
	const struct parser_example *examples; /* ends with {NULL, NULL} */
	/* Score one line: 0 = not this format, higher = more certain (max 100).
	 * Used on a file's first lines to choose its parser. */
	int (*detect)(const char *line, size_t len);
	enum parse_result (*parse_line)(struct parse_ctx *ctx, const char *line, size_t len,
					struct event *ev);
	/* Optional, for formats whose lines depend on earlier ones (a
	 * "#Fields:" header naming the columns): the pipeline gives each file
	 * state_size zeroed bytes in ctx->state, reads the file in order on
	 * one worker, and calls state_fini (if set) at its end. 0 for
	 * stateless formats, whose files may be split across threads. */
	size_t state_size;
	void (*state_fini)(void *state);
	/* Optional, for formats carried inside syslog (netfilter, sshd, xinetd,
	 * ipfw, Cisco, ...): parse the message once the envelope is read, and
	 * return PARSE_UNKNOWN if the message is not of this format. The
	 * "syslog" parser reads mixed files (/var/log/syslog, messages) by
	 * reading each envelope once and offering the message to every parser
	 * that has this hook, in table order. */
	enum parse_result (*parse_syslog)(struct parse_ctx *ctx, const struct syslog_header *h,
					  struct event *ev);
	/* Optional, for binary files (pcap, pcapng): detect_magic recognises
	 * the file from its first bytes; read_file then reads the whole file
	 * at path, calling emit once per record, and returns 0, or -1 with a
	 * reason in err if the file is unreadable or corrupt (records emitted
	 * before the damage still count). Such a file is one unit. */
	int (*detect_magic)(const unsigned char *buf, size_t n);
	int (*read_file)(struct parse_ctx *ctx, const char *path, parse_emit_fn emit, void *arg,
			 char *err, size_t errlen);
};

extern const struct parser *const parser_table[]; /* NULL-terminated */

const struct parser *parser_find(const char *name);

/* Choose a parser for a file from its first lines (lines[i], lens[i]):
 * the parser claiming most lines (detect() >= DETECT_STRONG; weaker
 * scores count only if nothing claims any line), or "syslog" for syslog
 * files that mix formats. Returns NULL if nothing recognises them. */
#define DETECT_STRONG 20
const struct parser *parser_detect(const char *const *lines, const size_t *lens, size_t n);

void parse_ctx_init(struct parse_ctx *ctx, int64_t ref_utc_sec, int forced_year,
		    const struct action_map *actions);

#endif
