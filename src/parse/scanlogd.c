/* scanlogd's port-scan reports (scanlogd(8), openwall scanlogd.c do_log):
 * "SADDR[:SPORT] to DADDR[ and others,] ports P, P, ..., FLAGS[, TOS hh]
 * [, TTL n] @HH:MM:SS". One line is one event: the first port listed in
 * dport, the number of ports listed in count (scanlogd lists at most the
 * ports it remembered; the "..." is always printed), the TCP flags that
 * were set in every packet ("fsrpauxy", upper case = always set, '?' =
 * varied), the TTL when it was constant. scanlogd decides nothing about
 * the packets: action log. Other scanlogd lines ("More possible port
 * scans follow") are "other". */
#include <string.h>

#include "parse/auth_common.h"
#include "parse/fwlog_util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

static enum parse_result bad(struct parse_ctx *ctx, const char *why)
{
	ctx->reason = why;
	return PARSE_MALFORMED;
}

static enum parse_result scanlogd_msg(struct parse_ctx *ctx, const char *m, const char *end,
				      struct event *ev)
{
	const char *to = fwl_find(m, end, FWL_LIT(" to "));
	const char *ports = to ? fwl_find(to, end, FWL_LIT(" ports ")) : NULL;
	if (!to || !ports)
		return PARSE_OTHER;
	/* source, with the source port when it was constant */
	const char *colon = memchr(m, ':', (size_t)(to - m));
	if (addr_parse_v4(m, (size_t)((colon ? colon : to) - m), &ev->src) != 0)
		return bad(ctx, "scanlogd source is not an IPv4 address");
	ev->flags |= EVENT_HAS_SRC;
	if (colon && fwl_port(colon + 1, to, &ev->sport) != 0)
		return bad(ctx, "scanlogd source port is not a port");
	const char *ds = to + 4, *de = fwl_tok_end(ds, ports);
	if (addr_parse_v4(ds, (size_t)(de - ds), &ev->dst) != 0)
		return bad(ctx, "scanlogd destination is not an IPv4 address");
	ev->flags |= EVENT_HAS_DST;

	/* "P, P, ..., FLAGS" */
	const char *p = ports + 7;
	uint32_t n = 0;
	for (;;) {
		uint64_t port;
		const char *q = fwl_uint(p, end, 65535, &port);
		if (!q)
			break;
		if (n == 0)
			ev->dport = (uint16_t)port;
		n++;
		if (!fwl_starts(q, end, FWL_LIT(", ")))
			return bad(ctx, "scanlogd port list not separated by \", \"");
		p = q + 2;
	}
	if (n == 0)
		return bad(ctx, "scanlogd line lists no port");
	if (fwl_starts(p, end, FWL_LIT("..., ")))
		p += 5;
	ev->proto = IPPROTO_NUM_TCP;
	ev->flags |= EVENT_HAS_PORTS;
	ev->count = n;

	/* the eight flag letters */
	if (end - p < 8)
		return bad(ctx, "scanlogd flags cut short");
	static const char letters[] = "fsrpauxy";
	uint8_t set = 0;
	int varied = 0;
	for (int i = 0; i < 8; i++) {
		char c = p[i];
		if (c == '?')
			varied = 1;
		else if (c == letters[i] - 32)
			set |= (uint8_t)(1u << i);
		else if (c != letters[i])
			return bad(ctx, "scanlogd flags are not \"fsrpauxy\" letters");
	}
	ev->tcp_flags = set;
	if (!varied)
		ev->flags |= EVENT_HAS_TCP_FLAGS;
	fwl_slice(&ev->detail, p, p + 8);
	p += 8;
	if (fwl_starts(p, end, FWL_LIT(", TOS ")))
		p = fwl_tok_end(p + 6, end);
	if (p < end && *p == ',')
		p++;
	if (fwl_starts(p, end, FWL_LIT(", TTL ")) || fwl_starts(p, end, FWL_LIT(" TTL "))) {
		uint64_t ttl;
		const char *q = fwl_uint(fwl_find(p, end, FWL_LIT("TTL ")) + 4, end, 255, &ttl);
		if (q) {
			ev->ttl = (uint8_t)ttl;
			ev->flags |= EVENT_HAS_TTL;
		}
	}
	ev->action = EVENT_ACTION_LOG;
	return PARSE_EVENT;
}

static enum parse_result scanlogd_from_header(struct parse_ctx *ctx,
					      const struct syslog_header *h, struct event *ev,
					      int claim_others)
{
	if (!auth_tag_is(h, FWL_LIT("scanlogd")))
		return claim_others ? PARSE_OTHER : PARSE_UNKNOWN;
	auth_from_header(h, ev);
	return scanlogd_msg(ctx, h->msg, fwl_eol(h->msg, h->msg_len), ev);
}

static enum parse_result scanlogd_parse_line(struct parse_ctx *ctx, const char *line,
					     size_t len, struct event *ev)
{
	const char *end = fwl_eol(line, len);
	struct syslog_header h;
	if (syslog_header_parse(ctx, line, (size_t)(end - line), &h) != 0)
		return PARSE_UNKNOWN;
	return scanlogd_from_header(ctx, &h, ev, 1);
}

static enum parse_result scanlogd_parse_syslog(struct parse_ctx *ctx,
					       const struct syslog_header *h, struct event *ev)
{
	return scanlogd_from_header(ctx, h, ev, 0);
}

static int scanlogd_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	if (!syslog_header_looks_like(line, (size_t)(end - line)))
		return 0;
	const char *t = fwl_find(line, end, FWL_LIT(" scanlogd"));
	if (!t || t + 9 >= end || (t[9] != ':' && t[9] != '['))
		return 0;
	return 80;
}

static const struct parser_example scanlogd_examples[] = {
	{"a scan with constant TTL",
	 "Mar  5 21:44:43 srv scanlogd: 192.0.2.123 to 192.0.2.1 ports 80, 81, 83, 88, 99, 443, "
	 "1080, 3128, ..., f????uxy, TOS 00, TTL 49 @20:44:43"},
	{"a SYN scan (S always set), TTL varied",
	 "Mar  5 21:44:44 srv scanlogd: 192.0.2.123 to 192.0.2.1 ports 497, 515, 544, 543, 464, "
	 "513, ..., fSrpauxy, TOS 00 @09:04:25"},
	{NULL, NULL},
};

const struct parser parser_scanlogd = {
	.name = "scanlogd",
	.summary = "scanlogd port-scan reports: source, target, ports, TCP flags, TTL",
	.time_note = "the syslog envelope's stamp (when scanlogd logged the scan: local time in "
		     "--tz, year inferred); the \"@HH:MM:SS\" scan start is not used",
	.examples = scanlogd_examples,
	.detect = scanlogd_detect,
	.parse_line = scanlogd_parse_line,
	.parse_syslog = scanlogd_parse_syslog,
};
