/* Web access logs: a small engine for the servers' own format strings.
 * An Apache LogFormat ("%h %l %u %t \"%r\" %>s %b") or an nginx
 * log_format ("$remote_addr - $remote_user [$time_local] ...") is compiled
 * once into a field program; running it on a line finds each field by the
 * literal text after it (memchr, quoted fields with \" escapes), with no
 * regex, no copy and no allocation. The fields found then become one event
 * (weblog_fields_event), the same way for the IIS and JSON readers. */
#ifndef CLSCAN_WEBLOG_FORMAT_H
#define CLSCAN_WEBLOG_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"

struct parse_ctx;

/* What a field of the log holds. */
enum weblog_field {
	WLF_SKIP = 0,     /* read and ignored (%l, %D, $upstream_*, ...) */
	WLF_CLIENT,       /* %h %a $remote_addr c-ip */
	WLF_SERVER_ADDR,  /* %A $server_addr s-ip */
	WLF_SERVER_PORT,  /* %p $server_port s-port */
	WLF_VHOST,        /* %v %V $host $server_name cs-host; may be "name:port" */
	WLF_USER,         /* %u $remote_user cs-username */
	WLF_TIME,         /* a stamp; how to read it is in the op (time_kind) */
	WLF_REQUEST,      /* %r $request: "GET /x HTTP/1.1" */
	WLF_METHOD,       /* %m $request_method cs-method */
	WLF_PATH,         /* %U $uri cs-uri-stem */
	WLF_QUERY,        /* %q $args cs-uri-query ("?" optional) */
	WLF_URI,          /* $request_uri, %U%q: path and query together */
	WLF_PROTOCOL,     /* %H $server_protocol */
	WLF_STATUS,       /* %>s %s $status sc-status */
	WLF_BYTES,        /* %b %B $body_bytes_sent sc-bytes */
	WLF_BYTES_TOTAL,  /* %O $bytes_sent: used when no body count is logged */
	WLF_REFERER,
	WLF_USER_AGENT,
	WLF_DATE,         /* IIS "date" (YYYY-MM-DD, UTC) */
	WLF_TIME_OF_DAY,  /* IIS "time" (hh:mm:ss, UTC) */
	WLF_COUNT
};

/* How a WLF_TIME field is written. */
enum weblog_time_kind {
	WLT_CLF = 0,    /* 10/Oct/2000:13:55:36 -0700 (%t adds the brackets) */
	WLT_ISO,        /* 2000-10-10T13:55:36-07:00 ($time_iso8601) */
	WLT_EPOCH,      /* seconds with an optional fraction ($msec, %{sec}t) */
	WLT_EPOCH_MS,   /* %{msec}t */
	WLT_EPOCH_US,   /* %{usec}t */
	WLT_STRFTIME,   /* %{%Y-%m-%d %H:%M:%S}t: the op's arg is the pattern */
};

#define WEBLOG_MAX_OPS 64
#define WEBLOG_MAX_TEXT 2048 /* format string, and the literals it holds */

/* One field and the literal text that follows it. */
struct weblog_op {
	uint8_t field;     /* enum weblog_field */
	uint8_t time_kind; /* enum weblog_time_kind, for WLF_TIME */
	uint8_t bracketed; /* Apache %t: the value is "[...]" */
	uint8_t quoted;    /* between '"' literals: may hold escaped quotes */
	uint8_t inner;     /* how many of the stop byte the value itself holds */
	uint16_t lit_off, lit_len; /* the literal after it, in lits[] */
	uint16_t arg_off, arg_len; /* strftime pattern, in lits[] */
};

struct weblog_format {
	char name[48];
	uint16_t lead_len;      /* literal before the first field: lits[0..lead_len) */
	uint16_t n_ops;
	uint16_t lits_used;
	unsigned have;          /* 1u << enum weblog_field for each field present */
	struct weblog_op ops[WEBLOG_MAX_OPS];
	char lits[WEBLOG_MAX_TEXT];
};

/* Compile an Apache LogFormat or nginx log_format string s[0..n) (which
 * one is told by its directives: '%' or '$'); name labels it in reports.
 * Returns 0, or -1 with a message in err and the 0-based offset of the
 * offending character in *err_at. */
int weblog_format_compile(struct weblog_format *f, const char *name, const char *s, size_t n,
			  char *err, size_t errlen, size_t *err_at);

/* A named format: Apache "common", "combined", "vhost_common",
 * "vhost_combined", "combinedio", "referer", "agent"; nginx "main" (its
 * default, = combined), "nginx_vhost" (combined with $host first). Returns
 * NULL if the name is unknown. */
const struct weblog_format *weblog_format_named(const char *name);
/* The i-th named format (for listing), or NULL past the end. */
const struct weblog_format *weblog_format_nth(size_t i);

/* Resolve --log-format and --log-format-file: with conf_path, read the
 * Apache or nginx configuration there (LogFormat/CustomLog, log_format/
 * access_log) and take the format called name, or the one the first
 * CustomLog/access_log uses; without it, name is a named format or else
 * a format string. Fills *f. Returns 0, or -1 with a message in err (for
 * a bad string: the string and a caret under the offending character). */
int weblog_format_resolve(struct weblog_format *f, const char *name, const char *conf_path,
			  char *err, size_t errlen);

/* The same on a configuration's text[0..n) already read (path names it
 * in messages). */
int weblog_format_from_conf_text(struct weblog_format *f, const char *name, const char *text,
				 size_t n, const char *path, char *err, size_t errlen);

/* The fields found in one line (slices into it). v[f] is meaningful only
 * if bit f of have is set (the engine does not clear the rest: a memset
 * per line costs more than the fields' own scan); readers who fill the
 * struct themselves may clear it and set have = ~0u. */
struct weblog_fields {
	uint32_t have;
	struct slice v[WLF_COUNT];
	uint8_t time_kind;
	const char *time_arg; /* strftime pattern for WLT_STRFTIME */
	uint16_t time_arg_len;
};

/* Run the program on line[0..len). Returns 0, or -1 with a static reason
 * in *why when the line does not follow the format. */
int weblog_format_run(const struct weblog_format *f, const char *line, size_t len,
		      struct weblog_fields *out, const char **why);

/* Turn the fields into an event: ctx->http filled and ev->http pointing at
 * it, src/dst/dport/time/sensor set, TCP, accept, open. who prefixes the
 * malformed reasons ("weblog", "iis", "weblog-json"). Returns PARSE_EVENT
 * or PARSE_MALFORMED (ctx->reason set). */
int weblog_fields_event(struct parse_ctx *ctx, const struct weblog_fields *w, struct event *ev);

/* "10/Oct/2000:13:55:36 -0700" (no brackets) to UTC ns. Returns 0 or -1. */
int weblog_clf_time(const char *s, size_t n, int64_t *ns);

#endif
