/* SonicWall (SonicOS) syslog in its default "enhanced" key=value layout:
 * "id=firewall sn=SERIAL time="YYYY-MM-DD hh:mm:ss" fw=IP pri=N c=N m=N
 * msg="TEXT" n=N src=IP[:PORT[:IFACE[:HOST]]] dst=IP[:PORT[:IFACE]]
 * [proto=tcp/PORT-or-service] [fw_action="drop"] ...". Connection and
 * packet lines (those with proto=, or whose message drops, denies or
 * blocks, reports a scan or a login) are events; the device's verdict is
 * fw_action= when present, else the words of msg=. "Connection Closed"
 * repeats the "Connection Opened" already counted; it, IKE and system
 * notices are "other". */
#include <string.h>

#include "core/util.h"
#include "parse/fwlog_util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

struct sw {
	struct slice sn, time, msg, src, dst, proto, action, type, code, rule;
	int has_id;
};

static enum parse_result bad(struct parse_ctx *ctx, const char *why)
{
	ctx->reason = why;
	return PARSE_MALFORMED;
}

static void take(struct slice *s, const struct fwl_kv *kv)
{
	fwl_slice(s, kv->v, kv->v + kv->vl);
}

static int sw_scan(const char *p, const char *end, struct sw *w)
{
	memset(w, 0, sizeof(*w));
	struct fwl_kv kv;
	int r, n = 0;
	while ((r = fwl_kv_next(&p, end, '=', 0, &kv)) != 0) {
		if (r < 0)
			continue;
		n++;
		/* dispatch on length and first letter: a line has ~20 pairs */
		switch (kv.kl) {
		case 1:
			break;
		case 2:
			if (kv.k[0] == 'i' && kv.k[1] == 'd')
				w->has_id = 1;
			else if (kv.k[0] == 's' && kv.k[1] == 'n')
				take(&w->sn, &kv);
			break;
		case 3:
			if (memcmp(kv.k, "msg", 3) == 0)
				take(&w->msg, &kv);
			else if (memcmp(kv.k, "src", 3) == 0)
				take(&w->src, &kv);
			else if (memcmp(kv.k, "dst", 3) == 0)
				take(&w->dst, &kv);
			break;
		case 4:
			if (memcmp(kv.k, "time", 4) == 0)
				take(&w->time, &kv);
			else if (memcmp(kv.k, "type", 4) == 0)
				take(&w->type, &kv);
			else if (memcmp(kv.k, "code", 4) == 0)
				take(&w->code, &kv);
			else if (memcmp(kv.k, "rule", 4) == 0)
				take(&w->rule, &kv);
			break;
		case 5:
			if (memcmp(kv.k, "proto", 5) == 0)
				take(&w->proto, &kv);
			break;
		case 9:
			if (memcmp(kv.k, "fw_action", 9) == 0)
				take(&w->action, &kv);
			break;
		default:
			break;
		}
	}
	return w->has_id && n >= 3 ? 0 : -1;
}

/* "1.2.3.4:5678:X1[:host]", "1.2.3.4", "[2001:db8::1]:443:X0" */
static int sw_endpoint(struct slice v, struct ip_addr *a, int *has_port, uint16_t *port,
		       struct slice *iface)
{
	const char *s = v.ptr, *e = v.ptr + v.len, *ae;
	*has_port = 0;
	iface->len = 0;
	if (s < e && *s == '[') {
		const char *rb = memchr(s, ']', (size_t)(e - s));
		if (!rb || addr_parse(s + 1, (size_t)(rb - s - 1), a) != 0)
			return -1;
		ae = rb + 1;
	} else {
		const char *c1 = memchr(s, ':', (size_t)(e - s));
		if (!c1 || memchr(s, '.', (size_t)(c1 - s))) {
			ae = c1 ? c1 : e; /* IPv4 */
		} else if (addr_parse(s, (size_t)(e - s), a) == 0) {
			return 0; /* a bare IPv6 address */
		} else {
			/* IPv6 followed by ":port:iface": the last two fields */
			const char *l1 = memrchr(s, ':', (size_t)(e - s));
			const char *l2 = l1 ? memrchr(s, ':', (size_t)(l1 - s)) : NULL;
			if (!l2 || addr_parse(s, (size_t)(l2 - s), a) != 0)
				return -1;
			if (fwl_port(l2 + 1, l1, port) == 0)
				*has_port = 1;
			fwl_slice(iface, l1 + 1, e);
			return 0;
		}
		if (addr_parse(s, (size_t)(ae - s), a) != 0)
			return -1;
	}
	if (ae >= e)
		return 0;
	if (*ae != ':')
		return -1;
	const char *ps = ae + 1, *pe = memchr(ps, ':', (size_t)(e - ps));
	if (!pe)
		pe = e;
	if (fwl_port(ps, pe, port) != 0)
		return -1;
	*has_port = 1;
	if (pe < e) {
		const char *is = pe + 1, *ie = memchr(is, ':', (size_t)(e - is));
		fwl_slice(iface, is, ie ? ie : e);
	}
	return 0;
}

/* The words of msg= and fw_action= that decide what a line is, found in
 * one pass (these fields are short; one pass beats a search per word). */
enum {
	W_DROP = 1 << 0,   /* drop, dropped */
	W_DENY = 1 << 1,   /* denied, deny */
	W_BLOCK = 1 << 2,  /* block, blocked */
	W_REJECT = 1 << 3,
	W_LOGIN = 1 << 4,
	W_SCAN = 1 << 5,   /* scan, attack, flood, spoof */
	W_OPENED = 1 << 6, /* "connection opened" */
	W_CLOSED = 1 << 7, /* "connection closed" */
	W_TCP = 1 << 8,
	W_UDP = 1 << 9,
	W_ICMP = 1 << 10,
	W_ALLOW = 1 << 11, /* forward, allow, mgmt */
	W_FAIL = 1 << 12,  /* fail, invalid */
};

/* Does the lower-case word w start at p (ASCII letters, any case)? */
static inline int at(const char *p, const char *e, const char *w)
{
	for (; *w; w++, p++)
		if (p >= e || (*p | 0x20) != *w)
			return 0;
	return 1;
}

static unsigned words_of(struct slice s)
{
	unsigned w = 0;
	if (!s.len)
		return 0; /* an empty slice may have no pointer */
	const char *p = s.ptr, *e = s.ptr + s.len;
	for (; p < e; p++) {
		switch (*p | 0x20) {
		case 'a':
			if (at(p, e, "attack"))
				w |= W_SCAN;
			else if (at(p, e, "allow"))
				w |= W_ALLOW;
			break;
		case 'b':
			if (at(p, e, "block"))
				w |= W_BLOCK;
			break;
		case 'c':
			if (at(p, e, "connection opened"))
				w |= W_OPENED;
			else if (at(p, e, "connection closed"))
				w |= W_CLOSED;
			break;
		case 'd':
			if (at(p, e, "drop"))
				w |= W_DROP;
			else if (at(p, e, "den"))
				w |= W_DENY;
			break;
		case 'f':
			if (at(p, e, "flood"))
				w |= W_SCAN;
			else if (at(p, e, "fail"))
				w |= W_FAIL;
			else if (at(p, e, "forward"))
				w |= W_ALLOW;
			break;
		case 'i':
			if (at(p, e, "icmp"))
				w |= W_ICMP;
			else if (at(p, e, "invalid"))
				w |= W_FAIL;
			break;
		case 'l':
			if (at(p, e, "login"))
				w |= W_LOGIN;
			break;
		case 'm':
			if (at(p, e, "mgmt"))
				w |= W_ALLOW;
			break;
		case 'r':
			if (at(p, e, "reject"))
				w |= W_REJECT;
			break;
		case 's':
			if (at(p, e, "scan") || at(p, e, "spoof"))
				w |= W_SCAN;
			break;
		case 't':
			if (at(p, e, "tcp"))
				w |= W_TCP;
			break;
		case 'u':
			if (at(p, e, "udp"))
				w |= W_UDP;
			break;
		default:
			break;
		}
	}
	return w;
}

static enum parse_result sw_fields(struct parse_ctx *ctx, const char *p, const char *end,
				   struct event *ev, int enveloped)
{
	struct sw w;
	if (sw_scan(p, end, &w) != 0)
		return PARSE_UNKNOWN;
	if (!enveloped || !ev->sensor.len)
		ev->sensor = w.sn;
	/* time="2007-01-03 14:48:06" (device clock) or "... UTC" */
	int y;
	unsigned mon, d, h, mi, s;
	if (w.time.len >= 19 && fwl_ymd(w.time.ptr, w.time.ptr + w.time.len, &y, &mon, &d) == 0 &&
	    fwl_hms(w.time.ptr + 11, w.time.ptr + w.time.len, &h, &mi, &s) == 0) {
		int32_t off;
		const char *z = fwl_skip_sp(w.time.ptr + 19, w.time.ptr + w.time.len);
		if (z < w.time.ptr + w.time.len && fwl_utc_offset(z, w.time.ptr + w.time.len, &off) == 0)
			fwl_time_offset(ev, y, mon, d, h, mi, s, 0, off);
		else
			fwl_time_local(ctx, ev, y, mon, d, h, mi, s, 0);
	}

	unsigned mw = words_of(w.msg);
	int drop = (mw & (W_DROP | W_DENY | W_BLOCK | W_REJECT)) != 0;
	int login = (mw & W_LOGIN) != 0;
	int scan = (mw & W_SCAN) != 0;
	if (!w.src.len || (!w.proto.len && !drop && !scan && !login))
		return PARSE_OTHER;
	/* the close of a connection whose opening was already an event */
	if (!w.action.len && (mw & W_CLOSED))
		return PARSE_OTHER;

	int sp_ok, dp_ok = 0;
	uint16_t sp = 0, dp = 0;
	struct slice sif, dif;
	if (sw_endpoint(w.src, &ev->src, &sp_ok, &sp, &sif) != 0)
		return bad(ctx, "SonicWall src is not ADDRESS[:PORT[:INTERFACE]]");
	ev->flags |= EVENT_HAS_SRC;
	ev->in_if = sif;
	if (w.dst.len) {
		if (sw_endpoint(w.dst, &ev->dst, &dp_ok, &dp, &dif) != 0)
			return bad(ctx, "SonicWall dst is not ADDRESS[:PORT[:INTERFACE]]");
		ev->flags |= EVENT_HAS_DST;
		ev->out_if = dif;
	}
	if (w.proto.len) {
		/* "tcp/22", "udp/dns", "icmp" */
		const char *ps = w.proto.ptr, *pe = ps + w.proto.len;
		const char *sl = memchr(ps, '/', w.proto.len);
		int proto = fwl_proto(ps, (size_t)((sl ? sl : pe) - ps));
		if (proto < 0)
			return bad(ctx, "SonicWall proto is not a protocol");
		ev->proto = (uint8_t)proto;
	} else if (mw & W_TCP) {
		ev->proto = IPPROTO_NUM_TCP;
	} else if (mw & W_UDP) {
		ev->proto = IPPROTO_NUM_UDP;
	} else if (mw & W_ICMP) {
		ev->proto = IPPROTO_NUM_ICMP;
	}
	if (dp_ok && (ev->proto == IPPROTO_NUM_TCP || ev->proto == IPPROTO_NUM_UDP)) {
		ev->sport = sp_ok ? sp : 0;
		ev->dport = dp;
		ev->flags |= EVENT_HAS_PORTS;
	}
	if (ev->proto == IPPROTO_NUM_ICMP && w.type.len) {
		uint64_t t, c = 0;
		if (parse_u64(w.type.ptr, w.type.len, 255, &t) == 0) {
			ev->icmp_type = (uint8_t)t;
			if (w.code.len && parse_u64(w.code.ptr, w.code.len, 255, &c) == 0)
				ev->icmp_code = (uint8_t)c;
			ev->flags |= EVENT_HAS_ICMP;
		}
	}

	if (w.action.len) {
		unsigned aw = words_of(w.action);
		if (aw & (W_DROP | W_DENY))
			ev->action = EVENT_ACTION_DROP;
		else if (aw & W_REJECT)
			ev->action = EVENT_ACTION_REJECT;
		else if (aw & W_ALLOW)
			ev->action = EVENT_ACTION_ACCEPT;
		else
			ev->action = EVENT_ACTION_LOG;
	} else if (drop) {
		ev->action = EVENT_ACTION_DROP;
	} else if (mw & (W_OPENED | W_CLOSED)) {
		ev->action = EVENT_ACTION_ACCEPT;
	} else {
		ev->action = EVENT_ACTION_LOG;
	}
	if (login) {
		int failed = (mw & (W_DENY | W_FAIL)) != 0;
		ev->outcome = failed ? EVENT_OUTCOME_AUTH_FAILURE : EVENT_OUTCOME_AUTH_SUCCESS;
		if (failed)
			ev->action = EVENT_ACTION_REJECT;
	}
	ev->detail = w.msg;
	ev->prefix = w.rule;
	return PARSE_EVENT;
}

static enum parse_result sw_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
				       struct event *ev)
{
	const char *end = fwl_eol(line, len);
	const char *p = fwl_skip_sp(line, end);
	/* the firewall's own syslog: "<134>id=firewall ..." */
	if (p < end && *p == '<') {
		const char *q = p + 1;
		while (q < end && fwl_digit(*q) && q - p <= 3)
			q++;
		if (q < end && *q == '>' && q > p + 1 && fwl_starts(q + 1, end, FWL_LIT("id=")))
			p = q + 1;
	}
	if (fwl_starts(p, end, FWL_LIT("id=")))
		return sw_fields(ctx, p, end, ev, 0);
	/* "Jan  3 13:45:36 192.168.5.1 id=firewall ...": a relay's envelope
	 * without a tag. The fields carry the firewall's own stamp, so the
	 * envelope is read (and its stamp converted) only for what they lack. */
	const char *q = fwl_find(p, end, FWL_LIT(" id="));
	if (!q) {
		struct syslog_header h;
		return syslog_header_parse(ctx, line, (size_t)(end - line), &h) == 0 ? PARSE_OTHER
										      : PARSE_UNKNOWN;
	}
	const char *hs = q;
	while (hs > p && hs[-1] != ' ')
		hs--;
	if (!syslog_header_looks_like(line, (size_t)(end - line)))
		return PARSE_UNKNOWN;
	fwl_slice(&ev->sensor, hs, q);
	enum parse_result r = sw_fields(ctx, q + 1, end, ev, 1);
	if (r == PARSE_UNKNOWN)
		return PARSE_OTHER;
	if (!(ev->flags & EVENT_HAS_TIME)) {
		struct syslog_header h;
		if (syslog_header_parse(ctx, line, (size_t)(end - line), &h) == 0) {
			ev->time_ns = h.time_ns;
			ev->flags |= EVENT_HAS_TIME;
		}
	}
	return r;
}

static enum parse_result sw_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					 struct event *ev)
{
	const char *end = fwl_eol(h->msg, h->msg_len);
	const char *p = fwl_skip_sp(h->tag.len ? h->tag.ptr : h->msg, end);
	if (!fwl_starts(p, end, FWL_LIT("id=")) || !fwl_find(p, end, FWL_LIT(" sn=")))
		return PARSE_UNKNOWN;
	struct event save = *ev;
	ev->time_ns = h->time_ns;
	ev->flags |= EVENT_HAS_TIME;
	ev->sensor = h->host;
	enum parse_result r = sw_fields(ctx, p, end, ev, 1);
	if (r == PARSE_UNKNOWN)
		*ev = save;
	return r;
}

static int sw_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	const char *p = fwl_find(line, end, FWL_LIT("id="));
	if (!p || (p > line && p[-1] != ' ' && p[-1] != '>'))
		return 0;
	if (!fwl_find(p, end, FWL_LIT(" sn=")) || !fwl_find(p, end, FWL_LIT(" fw=")) ||
	    !fwl_find(p, end, FWL_LIT(" pri=")) || !fwl_find(p, end, FWL_LIT(" m=")))
		return 0;
	return 90;
}

static const struct parser_example sw_examples[] = {
	{"connection opened, relayed through syslog",
	 "Jan  3 13:45:36 192.168.5.1 id=firewall sn=000SERIAL time=\"2007-01-03 14:48:06\" "
	 "fw=1.1.1.1 pri=6 c=262144 m=98 msg=\"Connection Opened\" n=23419 "
	 "src=2.2.2.2:36701:WAN dst=1.1.1.1:50000:WAN proto=tcp/50000"},
	{"ICMP packet dropped",
	 "Jan  3 13:45:43 192.168.5.1 id=firewall sn=000SERIAL time=\"2007-01-03 14:48:14\" "
	 "fw=1.1.1.1 pri=5 c=256 m=38 msg=\"ICMP packet dropped\" n=22070 "
	 "src=219.89.19.223:1026:WAN dst=1.1.1.1:6822:WAN  type=3 code=3"},
	{"administrator login denied",
	 "Jan  3 13:45:36 192.168.5.1 id=firewall sn=000SERIAL time=\"2007-01-03 14:48:07\" "
	 "fw=1.1.1.1 pri=1 c=32 m=30 msg=\"Administrator login denied due to bad credentials\" "
	 "n=7 src=2.2.2.2:36701:WAN dst=1.1.1.1:50000:WAN"},
	{NULL, NULL},
};

const struct parser parser_sonicwall = {
	.name = "sonicwall",
	.summary = "SonicWall (SonicOS) key=value syslog: connections opened/closed, dropped "
		   "packets, scan and login notices",
	.time_note = "time= (the firewall's clock, with its year): exact when it ends in UTC or "
		     "an offset, else local time in --tz; lines without time= take the syslog "
		     "envelope's stamp",
	.examples = sw_examples,
	.detect = sw_detect,
	.parse_line = sw_parse_line,
	.parse_syslog = sw_parse_syslog,
};
