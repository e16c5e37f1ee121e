/* The envelope in front of a log message: the stamp, the host, the tag.
 * Recognises BSD syslog (RFC 3164, "May 29 06:53:55 host tag: msg"), its
 * high-precision RFC 3339 form (rsyslog), RFC 5424 ("<13>1 2003-10-11T22:
 * 14:15.003Z host app procid msgid sd msg"), journalctl -o short,
 * short-iso, short-precise and short-iso-precise, and dmesg -T
 * ("[Mon Feb 20 10:47:14 2023] msg"). Shared by every syslog-borne format. */
#ifndef CLSCAN_SYSLOG_HEADER_H
#define CLSCAN_SYSLOG_HEADER_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "parse/parser.h"

struct syslog_header {
	int64_t time_ns;     /* UTC */
	int has_year;        /* the stamp carried its own year */
	int has_zone;        /* the stamp carried its own UTC offset */
	struct slice host;   /* may be empty (dmesg -T) */
	struct slice tag;    /* "kernel", "sshd[123]"; may be empty */
	const char *msg;     /* the message after the tag's ": " */
	size_t msg_len;
};

/* Parse the header at line[0..len). Returns 0 and fills *h, or -1 if the
 * line does not start with a recognised header. Years missing from the
 * stamp come from ctx->year; local stamps are converted with ctx->tz. */
int syslog_header_parse(struct parse_ctx *ctx, const char *line, size_t len,
			struct syslog_header *h);

/* Cheap test used by detect(): does the line start like any of the above? */
int syslog_header_looks_like(const char *line, size_t len);

#endif
