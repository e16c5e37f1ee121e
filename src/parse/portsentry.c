/* PortSentry's alerts, as portsentry.c (1.x) and portsentry 2.x log them:
 * "attackalert: Connect from host: NAME/ADDR to TCP port: N" (a full
 * connection in the classic modes: outcome open), "attackalert: TYPE from
 * host: NAME/ADDR to TCP port: N" (stealth modes; TYPE is "SYN/Normal
 * scan", "FIN scan", "NULL scan", "XMAS scan" or "Unknown Type: TCP Packet
 * Flags: SYN: n FIN: n ACK: n PSH: n URG: n RST: n"), "attackalert: UDP
 * scan from host: ...", portsentry 2's "Scan from: [ADDR] (NAME) protocol:
 * [TCP] port: [N] type: [...] ... blocked: [true]", and the history file's
 * "EPOCH - MM/DD/YYYY HH:MM:SS Host: NAME/ADDR Port: N TCP Blocked". One
 * event per probe packet, action log (drop for "Blocked" records). The
 * lines that follow an alert about the same packet ("Host: ... is already
 * blocked", "has been blocked via ...", "has IP options set") and all other
 * lines are "other". */
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

/* "NAME/ADDR" ending at e: the address after the last '/'. */
static int name_addr(const char *s, const char *e, struct event *ev)
{
	if (e <= s)
		return -1;
	const char *sl = memrchr(s, '/', (size_t)(e - s));
	const char *as = sl ? sl + 1 : s;
	if (addr_parse(as, (size_t)(e - as), &ev->src) != 0)
		return -1;
	ev->flags |= EVENT_HAS_SRC;
	return 0;
}

static void set_port(struct event *ev, int udp, uint16_t port)
{
	ev->proto = udp ? IPPROTO_NUM_UDP : IPPROTO_NUM_TCP;
	ev->dport = port;
	ev->flags |= EVENT_HAS_PORTS;
}

/* "Unknown Type: TCP Packet Flags: SYN: 1 FIN: 0 ACK: 1 ..." */
static uint8_t flag_list(const char *s, const char *e)
{
	uint8_t fl = 0;
	static const char *const names[] = {"SYN: ", "FIN: ", "ACK: ", "PSH: ", "URG: ", "RST: "};
	static const uint8_t bits[] = {TCP_FLAG_SYN, TCP_FLAG_FIN, TCP_FLAG_ACK,
				       TCP_FLAG_PSH, TCP_FLAG_URG, TCP_FLAG_RST};
	for (int i = 0; i < 6; i++) {
		const char *q = fwl_find(s, e, names[i], 5);
		if (q && q + 5 < e && q[5] == '1')
			fl |= bits[i];
	}
	return fl;
}

/* The scan type words give the TCP flags of the probe. */
static void scan_type(const char *s, const char *e, struct event *ev)
{
	fwl_slice(&ev->detail, s, e);
	uint8_t fl;
	if (fwl_starts(s, e, FWL_LIT("SYN/Normal")))
		fl = TCP_FLAG_SYN;
	else if (fwl_starts(s, e, FWL_LIT("FIN")))
		fl = TCP_FLAG_FIN;
	else if (fwl_starts(s, e, FWL_LIT("XMAS")))
		fl = TCP_FLAG_FIN | TCP_FLAG_PSH | TCP_FLAG_URG;
	else if (fwl_starts(s, e, FWL_LIT("NULL")))
		fl = 0;
	else if (fwl_find(s, e, FWL_LIT("Flags: ")))
		fl = flag_list(s, e);
	else
		return;
	ev->tcp_flags = fl;
	ev->flags |= EVENT_HAS_TCP_FLAGS;
}

/* "attackalert: ..." */
static enum parse_result alert(struct parse_ctx *ctx, const char *m, const char *end,
			       struct event *ev)
{
	const char *fh = fwl_find(m, end, FWL_LIT(" from host: "));
	if (!fh)
		return PARSE_OTHER; /* "Host: x is already blocked", errors, ... */
	if (fwl_starts(m, fh, FWL_LIT("Packet")))
		return PARSE_OTHER; /* "Packet from host: ... has IP options set" */
	const char *to = fwl_find(fh, end, FWL_LIT(" to "));
	if (!to)
		return bad(ctx, "portsentry alert without \" to \"");
	if (name_addr(fh + 12, to, ev) != 0)
		return bad(ctx, "portsentry host is not NAME/ADDRESS");
	const char *pp = to + 4;
	int udp;
	if (fwl_starts(pp, end, FWL_LIT("TCP port: ")))
		udp = 0;
	else if (fwl_starts(pp, end, FWL_LIT("UDP port: ")))
		udp = 1;
	else
		return bad(ctx, "portsentry alert without \"TCP port:\" or \"UDP port:\"");
	pp += 10;
	uint64_t port;
	if (!fwl_uint(pp, end, 65535, &port))
		return bad(ctx, "portsentry port is not a number");
	set_port(ev, udp, (uint16_t)port);
	if (fwl_starts(m, fh, FWL_LIT("Connect"))) {
		fwl_slice(&ev->detail, m, fh);
		if (!udp)
			ev->outcome = EVENT_OUTCOME_OPEN;
	} else if (!udp) {
		scan_type(m, fh, ev);
	} else {
		fwl_slice(&ev->detail, m, fh);
	}
	ev->action = EVENT_ACTION_LOG;
	return PARSE_EVENT;
}

/* portsentry 2: "Scan from: [ADDR] (NAME) protocol: [TCP] port: [22] type:
 * [Connect] IP opts: [unknown] ignored: [false] triggered: [true] noblock:
 * [unset] blocked: [false]" */
static const char *bracket(const char *m, const char *end, const char *key, size_t kn,
			   const char **ve)
{
	const char *k = fwl_find(m, end, key, kn);
	if (!k || k + kn >= end || k[kn] != '[')
		return NULL;
	const char *v = k + kn + 1, *rb = memchr(v, ']', (size_t)(end - v));
	if (!rb)
		return NULL;
	*ve = rb;
	return v;
}

static enum parse_result scan_from(struct parse_ctx *ctx, const char *m, const char *end,
				   struct event *ev)
{
	const char *ve, *v = bracket(m, end, FWL_LIT("Scan from: "), &ve);
	if (!v || addr_parse(v, (size_t)(ve - v), &ev->src) != 0)
		return bad(ctx, "portsentry \"Scan from:\" address is not an address");
	ev->flags |= EVENT_HAS_SRC;
	const char *pe, *p = bracket(m, end, FWL_LIT("protocol: "), &pe);
	const char *ne, *n = bracket(m, end, FWL_LIT(" port: "), &ne);
	uint16_t port;
	if (!p || !n || fwl_port(n, ne, &port) != 0)
		return bad(ctx, "portsentry \"Scan from:\" without protocol and port");
	set_port(ev, pe - p == 3 && memcmp(p, "UDP", 3) == 0, port);
	const char *te, *t = bracket(m, end, FWL_LIT("type: "), &te);
	if (t) {
		if (ev->proto == IPPROTO_NUM_TCP && !fwl_starts(t, te, FWL_LIT("Connect")))
			scan_type(t, te, ev);
		else
			fwl_slice(&ev->detail, t, te);
		if (fwl_starts(t, te, FWL_LIT("Connect")) && ev->proto == IPPROTO_NUM_TCP)
			ev->outcome = EVENT_OUTCOME_OPEN;
	}
	const char *be, *b = bracket(m, end, FWL_LIT("blocked: "), &be);
	ev->action = b && fwl_starts(b, be, FWL_LIT("true")) ? EVENT_ACTION_DROP : EVENT_ACTION_LOG;
	return PARSE_EVENT;
}

static enum parse_result psentry_msg(struct parse_ctx *ctx, const char *m, const char *end,
				     struct event *ev)
{
	if (fwl_starts(m, end, FWL_LIT("attackalert: ")))
		return alert(ctx, m + 13, end, ev);
	const char *sf = fwl_find(m, end, FWL_LIT("Scan from: ["));
	if (sf)
		return scan_from(ctx, sf, end, ev);
	return PARSE_OTHER;
}

/* portsentry.history / portsentry.blocked.*:
 * "1403884279 - 06/27/2014 17:51:19 Host: NAME/ADDR Port: 1 TCP Blocked" */
static enum parse_result history(struct parse_ctx *ctx, const char *line, const char *end,
				 struct event *ev)
{
	const char *dash = fwl_find(line, end, FWL_LIT(" - "));
	const char *host = fwl_find(line, end, FWL_LIT(" Host: "));
	const char *port = host ? fwl_find(host + 7, end, FWL_LIT(" Port: ")) : NULL;
	if (!dash || !port)
		return PARSE_UNKNOWN;
	if (fwl_time_epoch(ev, line, dash) != 0)
		return bad(ctx, "portsentry history record without an epoch stamp");
	if (name_addr(host + 7, port, ev) != 0)
		return bad(ctx, "portsentry history host is not NAME/ADDRESS");
	uint64_t pv;
	const char *q = fwl_uint(port + 7, end, 65535, &pv);
	if (!q)
		return bad(ctx, "portsentry history port is not a number");
	q = fwl_skip_sp(q, end);
	set_port(ev, fwl_starts(q, end, FWL_LIT("UDP")), (uint16_t)pv);
	ev->action = fwl_find(q, end, FWL_LIT("Blocked")) ? EVENT_ACTION_DROP : EVENT_ACTION_LOG;
	fwl_slice(&ev->detail, q, end);
	return PARSE_EVENT;
}

static int is_history(const char *line, const char *end)
{
	const char *q = line;
	while (q < end && fwl_digit(*q))
		q++;
	return q - line >= 9 && fwl_starts(q, end, FWL_LIT(" - ")) &&
	       fwl_find(q, end, FWL_LIT(" Host: ")) && fwl_find(q, end, FWL_LIT(" Port: "));
}

static enum parse_result psentry_from_header(struct parse_ctx *ctx,
					     const struct syslog_header *h, struct event *ev,
					     int claim_others)
{
	if (!auth_tag_is(h, FWL_LIT("portsentry")))
		return claim_others ? PARSE_OTHER : PARSE_UNKNOWN;
	auth_from_header(h, ev);
	return psentry_msg(ctx, h->msg, fwl_eol(h->msg, h->msg_len), ev);
}

static enum parse_result psentry_parse_line(struct parse_ctx *ctx, const char *line,
					    size_t len, struct event *ev)
{
	const char *end = fwl_eol(line, len);
	if (is_history(line, end))
		return history(ctx, line, end, ev);
	struct syslog_header h;
	if (syslog_header_parse(ctx, line, (size_t)(end - line), &h) == 0) {
		/* portsentry 2's own log file: "2024-05-01T10:00:00.123 Scan
		 * from: [...]", a stamp the envelope reader takes, then no
		 * host or tag of its own */
		if (!auth_tag_is(&h, FWL_LIT("portsentry"))) {
			const char *sf = fwl_find(line, end, FWL_LIT(" Scan from: ["));
			if (!sf)
				return PARSE_OTHER;
			ev->time_ns = h.time_ns;
			ev->flags |= EVENT_HAS_TIME;
			return scan_from(ctx, sf + 1, end, ev);
		}
		return psentry_from_header(ctx, &h, ev, 1);
	}
	return PARSE_UNKNOWN;
}

static enum parse_result psentry_parse_syslog(struct parse_ctx *ctx,
					      const struct syslog_header *h, struct event *ev)
{
	/* portsentry 2's own log line, whose "Scan from:" the envelope
	 * reader took for a host and a tag */
	const char *end = fwl_eol(h->msg, h->msg_len);
	if (h->host.len && fwl_starts(h->host.ptr, end, FWL_LIT("Scan from: ["))) {
		ev->time_ns = h->time_ns;
		ev->flags |= EVENT_HAS_TIME;
		return scan_from(ctx, h->host.ptr, end, ev);
	}
	return psentry_from_header(ctx, h, ev, 0);
}

static int psentry_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	if (is_history(line, end))
		return 70;
	if (!syslog_header_looks_like(line, (size_t)(end - line)))
		return 0;
	const char *t = fwl_find(line, end, FWL_LIT(" portsentry"));
	if (t && t + 11 < end && (t[11] == ':' || t[11] == '['))
		return 80;
	if (fwl_find(line, end, FWL_LIT(" Scan from: [")) &&
	    fwl_find(line, end, FWL_LIT(" protocol: [")))
		return 80;
	return 0;
}

static const struct parser_example psentry_examples[] = {
	{"history file record of a blocked host",
	 "1403884279 - 06/27/2014 17:51:19 Host: 192.168.56.1/192.168.56.1 Port: 1 TCP Blocked"},
	{NULL, NULL},
};

const struct parser parser_portsentry = {
	.name = "portsentry",
	.summary = "PortSentry alerts (attackalert lines, portsentry 2 \"Scan from:\" lines) and "
		   "its history file of blocked hosts",
	.time_note = "syslog lines: the envelope's stamp (local time in --tz, year inferred); "
		     "history records: their epoch seconds (exact); portsentry 2's own log: its "
		     "local RFC 3339-like stamp, as local time in --tz",
	.examples = psentry_examples,
	.detect = psentry_detect,
	.parse_line = psentry_parse_line,
	.parse_syslog = psentry_parse_syslog,
};
