/* "syslog": a file where many programs log side by side (/var/log/syslog,
 * messages, a central loghost's file). Each line's envelope is read once
 * (syslog_header.c) and its message offered to every parser that reads
 * syslog-borne messages, in parser_table order; the first that knows it
 * wins. Lines no parser claims are "other": a syslog file is expected to
 * hold mostly lines that are not about the network. */
#include <string.h>

#include "parse/parser.h"
#include "parse/syslog_header.h"

static int syslog_mixed_detect(const char *line, size_t len)
{
	/* Low: a specific parser that recognises the lines should win; this
	 * one is for files none of whose sampled lines a specific parser
	 * claims, or that mix several. */
	return syslog_header_looks_like(line, len) ? 5 : 0;
}

static enum parse_result syslog_mixed_parse(struct parse_ctx *ctx, const char *line, size_t len,
					     struct event *ev)
{
	struct syslog_header h;
	if (syslog_header_parse(ctx, line, len, &h) != 0)
		return PARSE_UNKNOWN;
	for (size_t i = 0; parser_table[i]; i++) {
		const struct parser *p = parser_table[i];
		if (!p->parse_syslog)
			continue;
		enum parse_result r = p->parse_syslog(ctx, &h, ev);
		if (r == PARSE_OTHER)
			break;
		if (r != PARSE_UNKNOWN)
			return r;
	}
	/* no event, but the line's time tells when the log began ("found after") */
	if (!(ev->flags & EVENT_HAS_TIME)) {
		ev->time_ns = h.time_ns;
		ev->flags |= EVENT_HAS_TIME;
	}
	return PARSE_OTHER;
}

static const struct parser_example syslog_mixed_examples[] = {
	{"a kernel firewall line among other programs' lines in /var/log/syslog",
	 "May 29 06:53:55 vultr kernel: [547219.375133] [UFW BLOCK] IN=ens3 OUT= "
	 "MAC=56:00:03:85:82:df:fe:00:03:85:82:df:08:00 SRC=192.241.219.198 DST=158.247.223.84 "
	 "LEN=40 TOS=0x00 PREC=0x00 TTL=241 ID=54321 PROTO=TCP SPT=60834 DPT=5985 WINDOW=65535 "
	 "RES=0x00 SYN URGP=0 "},
	{NULL, NULL},
};

const struct parser parser_syslog_mixed = {
	.name = "syslog",
	.summary = "a syslog file shared by many programs: every line's message is offered to "
		   "each syslog-borne format (netfilter, sshd, ...), the rest count as other",
	.time_note = "as the envelope: BSD stamps are local time in --tz with the year inferred; "
		     "RFC 3339 / RFC 5424 stamps carry their zone",
	.examples = syslog_mixed_examples,
	.detect = syslog_mixed_detect,
	.parse_line = syslog_mixed_parse,
};
