/* Fortinet FortiGate (FortiOS) logs: key=value pairs, values optionally
 * "quoted" ("date=2019-05-10 time=11:50:48 ... srcip=10.1.100.11
 * srcport=58012 ... dstport=80 ... proto=6 action=\"deny\" policyid=0"),
 * sent bare ("<189>date=...") or inside a syslog envelope. Traffic logs
 * (type="traffic") and intrusion/anomaly logs (type="utm", subtype "ips"
 * or "anomaly") are events; field meanings per the FortiOS Log Message
 * Reference (action: deny, accept, start, close, timeout, client-rst,
 * server-rst, dns, ip-conn; utm actions: dropped, blocked, reset,
 * detected, pass...). Other log types are "other". */
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "parse/fwlog_util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

struct fgt {
	const char *date, *time, *tz, *etime, *etime_end, *tz_end;
	struct slice type, subtype, action, srcip, dstip, srcport, dstport, proto, policy, devname,
		srcintf, dstintf, attack, icmptype, icmpcode, rcvdpkt, count;
	int n_keys;
};

#define KEY(kv, lit) fwl_key_is(kv, FWL_LIT(lit))

static void take(struct slice *s, const struct fwl_kv *kv)
{
	s->ptr = kv->v;
	s->len = (uint32_t)kv->vl;
}

static int slice_is(struct slice s, const char *lit)
{
	size_t n = strlen(lit);
	return s.len == n && strncasecmp(s.ptr, lit, n) == 0;
}

/* Read every pair; returns -1 if the text is not key=value at all. */
static int fgt_scan(const char *p, const char *end, struct fgt *f)
{
	memset(f, 0, sizeof(*f));
	struct fwl_kv kv;
	int r, bad = 0;
	while ((r = fwl_kv_next(&p, end, '=', 0, &kv)) != 0) {
		if (r < 0) {
			bad++;
			continue;
		}
		f->n_keys++;
		switch (kv.k[0]) {
		case 'a':
			if (KEY(&kv, "action"))
				take(&f->action, &kv);
			else if (KEY(&kv, "attack"))
				take(&f->attack, &kv);
			break;
		case 'c':
			if (KEY(&kv, "count"))
				take(&f->count, &kv);
			break;
		case 'd':
			if (KEY(&kv, "date"))
				f->date = kv.v;
			else if (KEY(&kv, "dstip"))
				take(&f->dstip, &kv);
			else if (KEY(&kv, "dstport"))
				take(&f->dstport, &kv);
			else if (KEY(&kv, "dstintf"))
				take(&f->dstintf, &kv);
			else if (KEY(&kv, "devname"))
				take(&f->devname, &kv);
			break;
		case 'e':
			if (KEY(&kv, "eventtime")) {
				f->etime = kv.v;
				f->etime_end = kv.v + kv.vl;
			}
			break;
		case 'i':
			if (KEY(&kv, "icmptype"))
				take(&f->icmptype, &kv);
			else if (KEY(&kv, "icmpcode"))
				take(&f->icmpcode, &kv);
			break;
		case 'p':
			if (KEY(&kv, "proto"))
				take(&f->proto, &kv);
			else if (KEY(&kv, "policyid"))
				take(&f->policy, &kv);
			break;
		case 'r':
			if (KEY(&kv, "rcvdpkt"))
				take(&f->rcvdpkt, &kv);
			break;
		case 's':
			if (KEY(&kv, "srcip"))
				take(&f->srcip, &kv);
			else if (KEY(&kv, "srcport"))
				take(&f->srcport, &kv);
			else if (KEY(&kv, "srcintf"))
				take(&f->srcintf, &kv);
			else if (KEY(&kv, "subtype"))
				take(&f->subtype, &kv);
			break;
		case 't':
			if (KEY(&kv, "time"))
				f->time = kv.v;
			else if (KEY(&kv, "type"))
				take(&f->type, &kv);
			else if (KEY(&kv, "tz")) {
				f->tz = kv.v;
				f->tz_end = kv.v + kv.vl;
			}
			break;
		default:
			break;
		}
	}
	return f->n_keys >= 3 && f->n_keys > bad ? 0 : -1;
}

static enum parse_result bad(struct parse_ctx *ctx, const char *why)
{
	ctx->reason = why;
	return PARSE_MALFORMED;
}

static int fgt_action(struct slice a, struct event *ev)
{
	static const struct {
		const char *w;
		uint8_t action, outcome;
	} map[] = {
		{"deny", EVENT_ACTION_DROP, 0},          {"block", EVENT_ACTION_DROP, 0},
		{"blocked", EVENT_ACTION_DROP, 0},       {"dropped", EVENT_ACTION_DROP, 0},
		{"drop", EVENT_ACTION_DROP, 0},          {"reset", EVENT_ACTION_REJECT, 0},
		{"reject", EVENT_ACTION_REJECT, 0},      {"ip-conn", EVENT_ACTION_DROP, 0},
		{"accept", EVENT_ACTION_ACCEPT, 0},      {"start", EVENT_ACTION_ACCEPT, 0},
		{"pass", EVENT_ACTION_ACCEPT, 0},        {"passthrough", EVENT_ACTION_ACCEPT, 0},
		{"dns", EVENT_ACTION_ACCEPT, 0},         {"timeout", EVENT_ACTION_ACCEPT, 0},
		{"close", EVENT_ACTION_ACCEPT, EVENT_OUTCOME_OPEN},
		{"client-rst", EVENT_ACTION_ACCEPT, EVENT_OUTCOME_OPEN},
		{"server-rst", EVENT_ACTION_ACCEPT, EVENT_OUTCOME_CLOSED},
		{"detected", EVENT_ACTION_LOG, 0},       {"monitored", EVENT_ACTION_LOG, 0},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (slice_is(a, map[i].w)) {
			ev->action = map[i].action;
			ev->outcome = map[i].outcome;
			return 0;
		}
	ev->action = a.len ? EVENT_ACTION_LOG : EVENT_ACTION_UNKNOWN;
	return 0;
}

static void fgt_time(struct parse_ctx *ctx, const struct fgt *f, const char *end,
		     struct event *ev)
{
	int y;
	unsigned mon, d, h, mi, s;
	int dt_ok = f->date && f->time && fwl_ymd(f->date, end, &y, &mon, &d) == 0 &&
		    fwl_hms(f->time, end, &h, &mi, &s) == 0;
	int32_t off;
	if (dt_ok && f->tz && fwl_utc_offset(f->tz, f->tz_end, &off) == 0) {
		fwl_time_offset(ev, y, mon, d, h, mi, s, 0, off);
		return;
	}
	if (f->etime && fwl_time_epoch(ev, f->etime, f->etime_end) == 0)
		return;
	if (dt_ok)
		fwl_time_local(ctx, ev, y, mon, d, h, mi, s, 0);
}

static enum parse_result fgt_fields(struct parse_ctx *ctx, const char *p, const char *end,
				    struct event *ev, int enveloped)
{
	struct fgt f;
	if (fgt_scan(p, end, &f) != 0 || !f.date || !f.time || !f.type.len)
		return PARSE_UNKNOWN;
	if (!enveloped || !ev->sensor.len)
		ev->sensor = f.devname;
	fgt_time(ctx, &f, end, ev);
	int traffic = slice_is(f.type, "traffic");
	int utm = slice_is(f.type, "utm") &&
		  (slice_is(f.subtype, "ips") || slice_is(f.subtype, "anomaly"));
	if (!traffic && !utm)
		return PARSE_OTHER;
	if (!f.srcip.len)
		return PARSE_OTHER;
	if (addr_parse(f.srcip.ptr, f.srcip.len, &ev->src) != 0)
		return bad(ctx, "FortiGate srcip is not an address");
	ev->flags |= EVENT_HAS_SRC;
	if (f.dstip.len) {
		if (addr_parse(f.dstip.ptr, f.dstip.len, &ev->dst) != 0)
			return bad(ctx, "FortiGate dstip is not an address");
		ev->flags |= EVENT_HAS_DST;
	}
	if (f.proto.len) {
		int proto = fwl_proto(f.proto.ptr, f.proto.len);
		if (proto < 0)
			return bad(ctx, "FortiGate proto is not a protocol");
		ev->proto = (uint8_t)proto;
	}
	if (f.srcport.len && f.dstport.len &&
	    (ev->proto == IPPROTO_NUM_TCP || ev->proto == IPPROTO_NUM_UDP ||
	     ev->proto == IPPROTO_NUM_SCTP)) {
		if (fwl_port(f.srcport.ptr, f.srcport.ptr + f.srcport.len, &ev->sport) != 0 ||
		    fwl_port(f.dstport.ptr, f.dstport.ptr + f.dstport.len, &ev->dport) != 0)
			return bad(ctx, "FortiGate srcport/dstport is not a port");
		ev->flags |= EVENT_HAS_PORTS;
	}
	if (f.icmptype.len && (ev->proto == IPPROTO_NUM_ICMP || ev->proto == IPPROTO_NUM_ICMPV6)) {
		uint64_t t, c = 0;
		if (parse_hex_u64(f.icmptype.ptr, f.icmptype.len, 255, &t) == 0) {
			ev->icmp_type = (uint8_t)t;
			if (f.icmpcode.len && parse_hex_u64(f.icmpcode.ptr, f.icmpcode.len, 255, &c) == 0)
				ev->icmp_code = (uint8_t)c;
			ev->flags |= EVENT_HAS_ICMP;
		}
	}
	fgt_action(f.action, ev);
	/* a session that got no packet back was not answered */
	if (traffic && ev->action == EVENT_ACTION_ACCEPT && !ev->outcome && f.rcvdpkt.len) {
		uint64_t n;
		if (parse_u64(f.rcvdpkt.ptr, f.rcvdpkt.len, UINT64_MAX, &n) == 0)
			ev->outcome = n ? EVENT_OUTCOME_OPEN : EVENT_OUTCOME_NO_ANSWER;
	}
	if (utm && f.count.len) {
		uint64_t n;
		if (parse_u64(f.count.ptr, f.count.len, UINT32_MAX, &n) == 0 && n)
			ev->count = (uint32_t)n;
	}
	ev->prefix = f.policy;
	ev->in_if = f.srcintf;
	ev->out_if = f.dstintf;
	ev->detail = utm ? f.attack : f.subtype;
	return PARSE_EVENT;
}

/* "<189>date=..." (FortiGate's own syslog lines carry no BSD stamp) */
static const char *skip_pri(const char *p, const char *end)
{
	if (p < end && *p == '<') {
		const char *q = p + 1;
		while (q < end && fwl_digit(*q) && q - p <= 3)
			q++;
		if (q < end && *q == '>' && q > p + 1)
			return q + 1;
	}
	return p;
}

static enum parse_result fgt_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					struct event *ev)
{
	const char *end = fwl_eol(line, len);
	const char *p = skip_pri(line, end);
	if (fwl_starts(p, end, FWL_LIT("date=")))
		return fgt_fields(ctx, p, end, ev, 0);
	struct syslog_header h;
	if (syslog_header_parse(ctx, line, (size_t)(end - line), &h) != 0)
		return PARSE_UNKNOWN;
	ev->time_ns = h.time_ns;
	ev->flags |= EVENT_HAS_TIME;
	ev->sensor = h.host;
	/* the pairs start at the message, or at the "tag" when the relay's
	 * envelope has none ("Mar  1 10:00:00 10.0.0.1 date=...") */
	const char *q = h.tag.len ? h.tag.ptr : h.msg;
	q = fwl_find(q, end, FWL_LIT("date="));
	if (!q)
		return PARSE_OTHER;
	enum parse_result r = fgt_fields(ctx, q, end, ev, 1);
	return r == PARSE_UNKNOWN ? PARSE_OTHER : r;
}

static enum parse_result fgt_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					  struct event *ev)
{
	const char *end = fwl_eol(h->msg, h->msg_len);
	const char *p = h->tag.len ? h->tag.ptr : h->msg;
	p = fwl_skip_sp(p, end);
	if (!fwl_starts(p, end, FWL_LIT("date=")) || !fwl_find(p, end, FWL_LIT(" logid=")))
		return PARSE_UNKNOWN;
	struct event save = *ev;
	ev->time_ns = h->time_ns;
	ev->flags |= EVENT_HAS_TIME;
	ev->sensor = h->host;
	enum parse_result r = fgt_fields(ctx, p, end, ev, 1);
	if (r == PARSE_UNKNOWN)
		*ev = save;
	return r;
}

static int fgt_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	const char *p = fwl_find(line, end, FWL_LIT("date="));
	if (!p || (p > line && p[-1] != ' ' && p[-1] != '>'))
		return 0;
	/* FortiOS writes these in every log; other key=value formats rarely
	 * have all of them */
	if (!fwl_find(p, end, FWL_LIT(" time=")) || !fwl_find(p, end, FWL_LIT(" logid=")) ||
	    !fwl_find(p, end, FWL_LIT(" type=")) || !fwl_find(p, end, FWL_LIT(" subtype=")))
		return 0;
	return 90;
}

static const struct parser_example fgt_examples[] = {
	{"traffic denied by policy (written per the FortiOS Log Message Reference)",
	 "date=2023-06-01 time=13:45:02 eventtime=1685627102458123456 tz=\"+0200\" "
	 "logid=\"0000000013\" type=\"traffic\" subtype=\"forward\" level=\"notice\" vd=\"root\" "
	 "srcip=203.0.113.45 srcport=54321 srcintf=\"wan1\" srcintfrole=\"wan\" "
	 "dstip=198.51.100.20 dstport=3389 dstintf=\"internal\" dstintfrole=\"lan\" sessionid=1234567 "
	 "proto=6 action=\"deny\" policyid=0 policytype=\"policy\" service=\"RDP\" trandisp=\"noop\" "
	 "duration=0 sentbyte=0 rcvdbyte=0 sentpkt=0 rcvdpkt=0 appcat=\"unscanned\""},
	{NULL, NULL},
};

const struct parser parser_fortigate = {
	.name = "fortigate",
	.summary = "Fortinet FortiGate (FortiOS) key=value logs: traffic (deny/accept/close/...) "
		   "and IPS/anomaly events, bare or in a syslog envelope",
	.time_note = "date= and time= with tz= when present (exact); else eventtime= (epoch "
		     "seconds to nanoseconds, exact); else date= and time= as local time in --tz",
	.examples = fgt_examples,
	.detect = fgt_detect,
	.parse_line = fgt_parse_line,
	.parse_syslog = fgt_parse_syslog,
};
