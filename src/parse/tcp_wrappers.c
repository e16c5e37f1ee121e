/* TCP wrappers (libwrap, tcpd) refusals from any daemon:
 * "in.telnetd[123]: refused connect from 1.2.3.4",
 * "vsftpd: refused connect from host.example (1.2.3.4)". Each is an event
 * with outcome closed and action reject; the daemon's well-known port, when
 * its name says it, is the destination port. sshd's and xinetd's own lines
 * are read by their parsers (sshd.c, xinetd.c), which share the refusal
 * reader (auth_common.c). Other lines are "other". */
#include <string.h>

#include "parse/auth_common.h"
#include "parse/fwlog_util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

static enum parse_result tcpw_from_header(struct parse_ctx *ctx, const struct syslog_header *h, struct event *ev,
					  int claim_others)
{
	const char *end = fwl_eol(h->msg, h->msg_len);
	if (!fwl_starts(h->msg, end, FWL_LIT("refused connect from ")))
		return claim_others ? PARSE_OTHER : PARSE_UNKNOWN;
	auth_from_header(h, ev);
	struct slice tag = auth_tag_name(h);
	enum parse_result r = auth_refused(h->msg, end, auth_daemon_port(tag), ev);
	/* the daemon's name says which service was refused */
	if (r == PARSE_EVENT && tag.len)
		ev->prefix = tag;
	return r;
}

static enum parse_result tcpw_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					 struct event *ev)
{
	return auth_parse_line(ctx, line, len, ev, tcpw_from_header);
}

static enum parse_result tcpw_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					   struct event *ev)
{
	return tcpw_from_header(ctx, h, ev, 0);
}

static int tcpw_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	struct syslog_header h;
	if (auth_detect_header(line, len, &h) != 0)
		return 0;
	/* sshd's and xinetd's refusals belong to their own parsers */
	if (auth_tag_is(&h, FWL_LIT("sshd")) || auth_tag_is(&h, FWL_LIT("xinetd")))
		return 0;
	return fwl_starts(h.msg, end, FWL_LIT("refused connect from ")) ? 70 : 0;
}

static const struct parser_example tcpw_examples[] = {
	{"sshd's libwrap refusal (read by tcp_wrappers when forced; sshd reads it by default)",
	 "Dec 16 14:10:24 myhost sshd[16379]: refused connect from example.com (192.168.1.1)"},
	{NULL, NULL},
};

const struct parser parser_tcp_wrappers = {
	.name = "tcp_wrappers",
	.summary = "TCP wrappers (libwrap/tcpd) refusals of any daemon: \"refused connect from\"",
	.time_note = "the syslog envelope's stamp: BSD stamps are local time in --tz with the "
		     "year inferred; RFC 3339 stamps carry their zone",
	.examples = tcpw_examples,
	.detect = tcpw_detect,
	.parse_line = tcpw_parse_line,
	.parse_syslog = tcpw_parse_syslog,
};
