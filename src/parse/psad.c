/* psad's syslog alerts (psad scan_logr() and scan_logr_signatures()):
 * "scan detected[ (STYLE)]: SRC -> DST tcp: [START-END] flags: SYN tcp
 * pkts: N DL: n[ total scan dsts: n]" (psad 2.x/3.x; "udp: [...]", "icmp
 * pkts:", "other proto pkts:" alike), the 1.x form "scan detected: SRC ->
 * DST tcp=[RANGE] FLAGS tcp=N udp=N icmp=N dangerlevel: n", and signature
 * matches "src: SRC signature match: "MSG" (sid: N) PROTO port: N". One
 * line is one event: the start of the port range in dport, the packets
 * psad counted in count, the TCP flag names as flags, the scan style or
 * signature text as detail. psad only watches: action log. Its other
 * lines (auto-blocks, status) are "other". */
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

static uint32_t add_sat(uint32_t a, uint64_t b)
{
	uint64_t s = (uint64_t)a + b;
	return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

/* "[1000-1500]" or "[8000]": the first port */
static int range_start(const char *p, const char *end, uint16_t *port)
{
	uint64_t v;
	if (p >= end || *p != '[' || !fwl_uint(p + 1, end, 65535, &v))
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* Flag names after "flags: " up to the first word that is none. */
static uint8_t flag_words(const char *p, const char *end, int *any)
{
	uint8_t fl = 0;
	*any = 0;
	for (;;) {
		p = fwl_skip_sp(p, end);
		const char *e = fwl_tok_end(p, end);
		if (e == p)
			break;
		uint8_t b = fwl_tcp_flag_word(p, (size_t)(e - p));
		if (b)
			fl |= b;
		else if (!(e - p == 4 && memcmp(p, "NULL", 4) == 0))
			break;
		*any = 1;
		p = e;
	}
	return fl;
}

static enum parse_result scan_detected(struct parse_ctx *ctx, const char *m, const char *end,
				       struct event *ev)
{
	const char *p = m + 13; /* "scan detected" */
	if (p < end && *p == ' ' && p + 1 < end && p[1] == '(') {
		const char *rp = memchr(p, ')', (size_t)(end - p));
		if (!rp)
			return bad(ctx, "psad scan style not closed");
		fwl_slice(&ev->detail, p + 2, rp);
		p = rp + 1;
	} else {
		fwl_slice(&ev->detail, m, m + 13);
	}
	if (!fwl_starts(p, end, FWL_LIT(": ")))
		return bad(ctx, "psad \"scan detected\" without \": \"");
	p += 2;
	const char *se = fwl_tok_end(p, end);
	if (addr_parse(p, (size_t)(se - p), &ev->src) != 0)
		return bad(ctx, "psad scan source is not an address");
	if (!fwl_starts(se, end, FWL_LIT(" -> ")))
		return bad(ctx, "psad scan without \" -> \"");
	p = se + 4;
	const char *de = fwl_tok_end(p, end);
	if (addr_parse(p, (size_t)(de - p), &ev->dst) != 0)
		return bad(ctx, "psad scan destination is not an address");
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_DST;
	p = de;

	/* One pass over the words: "tcp: [R]" / "udp: [R]" and "flags: W..."
	 * (2.x/3.x), "tcp=[R] W..." (1.x), and the packet counters "tcp
	 * pkts: N", "udp pkts: N", "icmp pkts: N", "other proto pkts: N"
	 * (2.x/3.x) or "tcp=N udp=N icmp=N" (1.x). */
	uint32_t pkts = 0;
	int proto = -1;
	uint16_t port = 0;
	int have_port = 0;
	int prev = -1; /* the protocol the previous word named, for "pkts:" */
	while (p < end) {
		p = fwl_skip_sp(p, end);
		const char *we = fwl_tok_end(p, end);
		size_t n = (size_t)(we - p);
		if (n == 0)
			break;
		int named = -1;
		const char *num = NULL; /* "tcp=N" */
		if (n >= 3 && (memcmp(p, "tcp", 3) == 0 || memcmp(p, "udp", 3) == 0)) {
			named = p[0] == 't' ? IPPROTO_NUM_TCP : IPPROTO_NUM_UDP;
			if (n == 4 && p[3] == ':' && end - we >= 2 && we[1] == '[' && proto < 0) {
				proto = named; /* "tcp: [1000-1500]" */
				have_port = range_start(we + 1, end, &port) == 0;
			} else if (n > 4 && p[3] == '=' && p[4] == '[') {
				if (proto < 0) { /* "tcp=[1000-1150] URG PSH FIN" */
					proto = named;
					have_port = range_start(p + 4, end, &port) == 0;
				}
				if (named == IPPROTO_NUM_TCP) {
					int any;
					uint8_t f = flag_words(we, end, &any);
					if (any) {
						ev->tcp_flags = f;
						ev->flags |= EVENT_HAS_TCP_FLAGS;
					}
				}
			} else if (n > 4 && p[3] == '=') {
				num = p + 4;
			}
		} else if (n >= 4 && memcmp(p, "icmp", 4) == 0) {
			named = IPPROTO_NUM_ICMP;
			if (n > 5 && p[4] == '=')
				num = p + 5;
		} else if (n == 5 && memcmp(p, "proto", 5) == 0) {
			named = 0; /* "other proto pkts:" */
		} else if (n == 6 && memcmp(p, "flags:", 6) == 0) {
			int any;
			uint8_t f = flag_words(we, end, &any);
			if (any) {
				ev->tcp_flags = f;
				ev->flags |= EVENT_HAS_TCP_FLAGS;
			}
		} else if (n == 5 && memcmp(p, "pkts:", 5) == 0 && prev >= 0) {
			num = fwl_skip_sp(we, end);
			named = prev;
		}
		if (num) {
			uint64_t v;
			if (fwl_uint(num, end, UINT32_MAX, &v)) {
				pkts = add_sat(pkts, v);
				if (proto < 0 && v && named > 0)
					proto = named;
			}
			named = -1;
		}
		prev = named;
		p = we;
	}
	if (proto >= 0)
		ev->proto = (uint8_t)proto;
	if (have_port && (proto == IPPROTO_NUM_TCP || proto == IPPROTO_NUM_UDP)) {
		ev->dport = port;
		ev->flags |= EVENT_HAS_PORTS;
	}
	ev->count = pkts ? pkts : 1;
	ev->action = EVENT_ACTION_LOG;
	return PARSE_EVENT;
}

/* src: SRC signature match: "MSG" (sid: N) tcp port: N */
static enum parse_result sig_match(struct parse_ctx *ctx, const char *m, const char *end,
				   struct event *ev)
{
	const char *p = m + 5, *se = fwl_tok_end(p, end);
	if (addr_parse(p, (size_t)(se - p), &ev->src) != 0)
		return bad(ctx, "psad signature source is not an address");
	ev->flags |= EVENT_HAS_SRC;
	const char *q = fwl_find(se, end, FWL_LIT(" signature match: \""));
	if (!q)
		return bad(ctx, "psad signature line without \"signature match\"");
	q += 19;
	/* the message may itself hold quotes: it ends at the last "\" (sid:" */
	const char *qe = fwl_rfind(q, end, FWL_LIT("\" (sid: "));
	if (!qe)
		return bad(ctx, "psad signature message not closed");
	fwl_slice(&ev->detail, q, qe);
	const char *rp = memchr(qe, ')', (size_t)(end - qe));
	if (rp) {
		const char *ps = fwl_skip_sp(rp + 1, end), *pe = fwl_tok_end(ps, end);
		int proto = fwl_proto(ps, (size_t)(pe - ps));
		if (proto >= 0)
			ev->proto = (uint8_t)proto;
		uint64_t port;
		if (fwl_starts(pe, end, FWL_LIT(" port: ")) && fwl_uint(pe + 7, end, 65535, &port) &&
		    (proto == IPPROTO_NUM_TCP || proto == IPPROTO_NUM_UDP)) {
			ev->dport = (uint16_t)port;
			ev->flags |= EVENT_HAS_PORTS;
		}
	}
	ev->action = EVENT_ACTION_LOG;
	return PARSE_EVENT;
}

static enum parse_result psad_msg(struct parse_ctx *ctx, const char *m, const char *end,
				  struct event *ev)
{
	if (fwl_starts(m, end, FWL_LIT("scan detected")))
		return scan_detected(ctx, m, end, ev);
	if (fwl_starts(m, end, FWL_LIT("src: ")) && fwl_find(m, end, FWL_LIT(" signature match: ")))
		return sig_match(ctx, m, end, ev);
	return PARSE_OTHER;
}

static enum parse_result psad_from_header(struct parse_ctx *ctx, const struct syslog_header *h,
					  struct event *ev, int claim_others)
{
	if (!auth_tag_is(h, FWL_LIT("psad")))
		return claim_others ? PARSE_OTHER : PARSE_UNKNOWN;
	auth_from_header(h, ev);
	return psad_msg(ctx, h->msg, fwl_eol(h->msg, h->msg_len), ev);
}

static enum parse_result psad_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					 struct event *ev)
{
	const char *end = fwl_eol(line, len);
	struct syslog_header h;
	if (syslog_header_parse(ctx, line, (size_t)(end - line), &h) != 0)
		return PARSE_UNKNOWN;
	return psad_from_header(ctx, &h, ev, 1);
}

static enum parse_result psad_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					   struct event *ev)
{
	return psad_from_header(ctx, h, ev, 0);
}

static int psad_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	if (!syslog_header_looks_like(line, (size_t)(end - line)))
		return 0;
	const char *t = fwl_find(line, end, FWL_LIT(" psad"));
	if (!t || t + 5 >= end || (t[5] != ':' && t[5] != '['))
		return 0;
	return 80;
}

static const struct parser_example psad_examples[] = {
	{"psad 2.x scan alert (written per psad's scan_logr())",
	 "Apr 30 23:35:06 mx4 psad: scan detected: 203.0.113.49 -> 198.51.100.90 tcp: [8000] "
	 "flags: SYN tcp pkts: 1 DL: 2"},
	{NULL, NULL},
};

const struct parser parser_psad = {
	.name = "psad",
	.summary = "psad syslog alerts: \"scan detected\" (source, target, port range, flags, "
		   "packets, danger level) and signature matches",
	.time_note = "the syslog envelope's stamp (when psad raised the alert: local time in "
		     "--tz, year inferred)",
	.examples = psad_examples,
	.detect = psad_detect,
	.parse_line = psad_parse_line,
	.parse_syslog = psad_parse_syslog,
};
