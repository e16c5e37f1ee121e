/* xinetd's connection log: "START: SERVICE [pid=N] from=ADDR" (a server
 * was started for a connection; action accept) and "FAIL: SERVICE REASON
 * from=ADDR" (access control turned it away: address, libwrap,
 * per_source_limit, service_limit, cps...; action reject, outcome closed),
 * as xinetd's log.c writes them under log_on_success / log_on_failure.
 * When libwrap refuses in the started child, xinetd logs START, "libwrap
 * refused connection to ...", FAIL and EXIT for the one connection: the
 * libwrap line repeats the FAIL and is "other", START and FAIL are both
 * events. EXIT, USERID and lines without an address are "other". */
#include <string.h>

#include "parse/auth_common.h"
#include "parse/fwlog_util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

static enum parse_result xinetd_msg(const char *m, const char *end, struct event *ev)
{
	int start;
	if (fwl_starts(m, end, FWL_LIT("START: ")))
		start = 1;
	else if (fwl_starts(m, end, FWL_LIT("FAIL: ")))
		start = 0;
	else if (fwl_starts(m, end, FWL_LIT("refused connect from ")))
		return auth_refused(m, end, 0, ev) == PARSE_EVENT ? PARSE_EVENT : PARSE_OTHER;
	else
		return PARSE_OTHER;
	const char *s = fwl_skip_sp(m + (start ? 7 : 6), end);
	const char *se = fwl_tok_end(s, end);
	const char *from = fwl_find(se, end, FWL_LIT("from="));
	if (!from || se == s)
		return PARSE_OTHER;
	const char *as = from + 5, *ae = fwl_tok_end(as, end);
	if (addr_parse(as, (size_t)(ae - as), &ev->src) != 0)
		return PARSE_OTHER; /* "from=<no address>" */
	ev->flags |= EVENT_HAS_SRC;
	ev->proto = IPPROTO_NUM_TCP;
	unsigned port = fwl_service_port(s, (size_t)(se - s));
	if (port) {
		ev->dport = (uint16_t)port;
		ev->flags |= EVENT_HAS_PORTS;
		/* xinetd serves these over UDP; the rest of its usual services
		 * are TCP */
		if (port == 69 || port == 67 || port == 123 || port == 137 || port == 161)
			ev->proto = IPPROTO_NUM_UDP;
	}
	fwl_slice(&ev->prefix, s, se);
	if (start) {
		ev->action = EVENT_ACTION_ACCEPT;
		fwl_slice(&ev->detail, m, m + 5);
	} else {
		ev->action = EVENT_ACTION_REJECT;
		ev->outcome = EVENT_OUTCOME_CLOSED;
		/* "FAIL: telnet address": the reason in the detail */
		const char *rs = fwl_skip_sp(se, end), *re = fwl_tok_end(rs, end);
		fwl_slice(&ev->detail, rs < from ? rs : m, rs < from ? re : m + 4);
	}
	return PARSE_EVENT;
}

static enum parse_result xinetd_from_header(struct parse_ctx *ctx, const struct syslog_header *h, struct event *ev,
					    int claim_others)
{
	if (!auth_tag_is(h, FWL_LIT("xinetd")))
		return claim_others ? PARSE_OTHER : PARSE_UNKNOWN;
	const char *end = fwl_eol(h->msg, h->msg_len);
	auth_from_header(h, ev);
	return xinetd_msg(h->msg, end, ev);
}

static enum parse_result xinetd_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					   struct event *ev)
{
	return auth_parse_line(ctx, line, len, ev, xinetd_from_header);
}

static enum parse_result xinetd_parse_syslog(struct parse_ctx *ctx,
					     const struct syslog_header *h, struct event *ev)
{
	return xinetd_from_header(ctx, h, ev, 0);
}

static int xinetd_detect(const char *line, size_t len)
{
	struct syslog_header h;
	if (auth_detect_header(line, len, &h) != 0)
		return 0;
	return auth_tag_is(&h, FWL_LIT("xinetd")) ? 80 : 0;
}

static const struct parser_example xinetd_examples[] = {
	{"connection refused by only_from/no_access",
	 "May 15 17:38:49 boo xinetd[16256]: FAIL: telnet address from=198.51.100.169"},
	{"connection refused by libwrap",
	 "Aug  3 14:38:49 backup xinetd[31234]: FAIL: amanda libwrap from=198.51.100.223"},
	{NULL, NULL},
};

const struct parser parser_xinetd = {
	.name = "xinetd",
	.summary = "xinetd connection log: START (accepted) and FAIL (refused by access "
		   "control) lines with the client's address",
	.time_note = "the syslog envelope's stamp: BSD stamps are local time in --tz with the "
		     "year inferred; RFC 3339 stamps carry their zone",
	.examples = xinetd_examples,
	.detect = xinetd_detect,
	.parse_line = xinetd_parse_line,
	.parse_syslog = xinetd_parse_syslog,
};
