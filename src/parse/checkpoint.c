/* Check Point firewall logs in their two syslog shapes: the classic
 * FireWall-1 export ("Checkpoint: 3Sep2007 15:10:28 drop 192.168.99.1
 * >eth8 rule: 134; ... src: 1.2.3.4; dst: 5.6.7.8; proto: udp; service:
 * 67; s_port: 68;", as fw1-loggrabber / "fw log" relays write it) and the
 * R80+ Log Exporter's syslog format (RFC 5424 with the fields as
 * "[action:"Drop"; ... src:"1.2.3.4"; dst:"5.6.7.8"; proto:"6";
 * service:"22"; s_port:"51234"; time:"1557937550"]"). Field names per
 * Check Point's log field reference. CEF and LEEF exports are not read. */
#include <string.h>
#include <strings.h>

#include "core/timeconv.h"
#include "core/util.h"
#include "parse/fwlog_util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

struct cp {
	struct slice action, src, dst, proto, service, s_port, rule, rule_name, ifname, ifdir,
		icmp_type, icmp_code, time, attack, product, origin;
};

static enum parse_result bad(struct parse_ctx *ctx, const char *why)
{
	ctx->reason = why;
	return PARSE_MALFORMED;
}

/* Keys may hold blanks ("ICMP Type"); compare case-insensitively. */
static int key_is(const struct fwl_kv *kv, const char *k)
{
	size_t n = strlen(k);
	return kv->kl == n && strncasecmp(kv->k, k, n) == 0;
}

static void cp_take(struct cp *c, const struct fwl_kv *kv)
{
	struct slice v;
	fwl_slice(&v, kv->v, kv->v + kv->vl);
	switch (kv->k[0] | 0x20) {
	case 'a':
		if (key_is(kv, "action"))
			c->action = v;
		else if (key_is(kv, "attack"))
			c->attack = v;
		break;
	case 'd':
		if (key_is(kv, "dst"))
			c->dst = v;
		break;
	case 'i':
		if (key_is(kv, "ifname"))
			c->ifname = v;
		else if (key_is(kv, "ifdir"))
			c->ifdir = v;
		else if (key_is(kv, "icmp_type") || key_is(kv, "ICMP Type"))
			c->icmp_type = v;
		else if (key_is(kv, "icmp_code") || key_is(kv, "ICMP Code"))
			c->icmp_code = v;
		break;
	case 'o':
		if (key_is(kv, "origin"))
			c->origin = v;
		break;
	case 'p':
		if (key_is(kv, "proto"))
			c->proto = v;
		else if (key_is(kv, "product"))
			c->product = v;
		break;
	case 'r':
		if (key_is(kv, "rule"))
			c->rule = v;
		else if (key_is(kv, "rule_name"))
			c->rule_name = v;
		break;
	case 's':
		if (key_is(kv, "src"))
			c->src = v;
		else if (key_is(kv, "service"))
			c->service = v;
		else if (key_is(kv, "s_port"))
			c->s_port = v;
		break;
	case 't':
		if (key_is(kv, "time"))
			c->time = v;
		break;
	default:
		break;
	}
}

/* "key: value; key: value;" (classic) or "key:"value"; key:"value"" (Log
 * Exporter): a key runs to ':', a value to ';' unless quoted. */
static void cp_pairs(const char *p, const char *end, struct cp *c)
{
	while (p < end) {
		while (p < end && (*p == ' ' || *p == ';'))
			p++;
		if (p >= end || *p == ']')
			return;
		const char *k = p;
		while (p < end && *p != ':' && *p != ';')
			p++;
		if (p >= end || *p != ':') {
			continue; /* a word without a value: skip to the next ';' */
		}
		struct fwl_kv kv = {.k = k, .kl = (size_t)(p - k)};
		p = fwl_skip_sp(p + 1, end);
		if (p < end && *p == '"') {
			const char *v = ++p;
			while (p < end && *p != '"') {
				if (*p == '\\' && p + 1 < end)
					p++;
				p++;
			}
			kv.v = v;
			kv.vl = (size_t)(p - v);
			if (p < end)
				p++;
		} else {
			const char *v = p;
			while (p < end && *p != ';')
				p++;
			const char *ve = p;
			while (ve > v && ve[-1] == ' ')
				ve--;
			kv.v = v;
			kv.vl = (size_t)(ve - v);
		}
		if (kv.kl)
			cp_take(c, &kv);
	}
}

static int slice_ci(struct slice s, const char *w)
{
	size_t n = strlen(w);
	return s.len == n && strncasecmp(s.ptr, w, n) == 0;
}

static enum parse_result cp_event(struct parse_ctx *ctx, const struct cp *c, struct event *ev)
{
	if (!c->src.len && !c->dst.len)
		return PARSE_OTHER; /* management and system records */
	if (c->src.len) {
		if (addr_parse(c->src.ptr, c->src.len, &ev->src) != 0)
			return bad(ctx, "Check Point src is not an address");
		ev->flags |= EVENT_HAS_SRC;
	}
	if (c->dst.len) {
		if (addr_parse(c->dst.ptr, c->dst.len, &ev->dst) != 0)
			return bad(ctx, "Check Point dst is not an address");
		ev->flags |= EVENT_HAS_DST;
	}
	if (c->proto.len) {
		int proto = fwl_proto(c->proto.ptr, c->proto.len);
		if (proto < 0)
			return bad(ctx, "Check Point proto is not a protocol");
		ev->proto = (uint8_t)proto;
	}
	if ((ev->proto == IPPROTO_NUM_TCP || ev->proto == IPPROTO_NUM_UDP) && c->service.len) {
		uint16_t dp, sp = 0;
		if (fwl_port(c->service.ptr, c->service.ptr + c->service.len, &dp) == 0) {
			if (c->s_port.len && fwl_port(c->s_port.ptr, c->s_port.ptr + c->s_port.len, &sp) != 0)
				sp = 0;
			ev->sport = sp;
			ev->dport = dp;
			ev->flags |= EVENT_HAS_PORTS;
		}
	}
	if ((ev->proto == IPPROTO_NUM_ICMP || ev->proto == IPPROTO_NUM_ICMPV6) && c->icmp_type.len) {
		uint64_t t, k = 0;
		if (parse_u64(c->icmp_type.ptr, c->icmp_type.len, 255, &t) == 0) {
			ev->icmp_type = (uint8_t)t;
			if (c->icmp_code.len && parse_u64(c->icmp_code.ptr, c->icmp_code.len, 255, &k) == 0)
				ev->icmp_code = (uint8_t)k;
			ev->flags |= EVENT_HAS_ICMP;
		}
	}
	struct slice a = c->action;
	if (slice_ci(a, "accept") || slice_ci(a, "allow") || slice_ci(a, "encrypt") ||
	    slice_ci(a, "decrypt"))
		ev->action = EVENT_ACTION_ACCEPT;
	else if (slice_ci(a, "drop") || slice_ci(a, "block") || slice_ci(a, "prevent"))
		ev->action = EVENT_ACTION_DROP;
	else if (slice_ci(a, "reject"))
		ev->action = EVENT_ACTION_REJECT;
	else
		ev->action = a.len ? EVENT_ACTION_LOG : EVENT_ACTION_UNKNOWN;
	ev->prefix = c->rule_name.len ? c->rule_name : c->rule;
	if (c->ifname.len) {
		if (slice_ci(c->ifdir, "outbound"))
			ev->out_if = c->ifname;
		else
			ev->in_if = c->ifname;
	}
	ev->detail = c->attack.len ? c->attack : c->product;
	return PARSE_EVENT;
}

/* Classic head: "[ ]3Sep2007 15:10:28 drop   192.168.99.1 >eth8 rule: ..." */
static enum parse_result cp_classic(struct parse_ctx *ctx, const char *p, const char *end,
				    struct event *ev)
{
	struct cp c;
	memset(&c, 0, sizeof(c));
	p = fwl_skip_sp(p, end);
	uint64_t day, year;
	const char *q = fwl_uint(p, end, 31, &day);
	unsigned mon;
	if (!q || day == 0 || end - q < 8 || !(mon = month_from_abbr(q)))
		return bad(ctx, "Check Point record without a DDMonYYYY date");
	q = fwl_uint(q + 3, end, 9999, &year);
	unsigned h, mi, s;
	if (!q || q >= end || *q != ' ' || fwl_hms(q + 1, end, &h, &mi, &s) != 0)
		return bad(ctx, "Check Point record without an hh:mm:ss time");
	fwl_time_local(ctx, ev, (int)year, mon, (unsigned)day, h, mi, s, 0);
	p = fwl_skip_sp(q + 9, end);
	const char *ae = fwl_tok_end(p, end);
	fwl_slice(&c.action, p, ae);
	p = fwl_skip_sp(ae, end);
	/* origin, then ">eth0" (inbound) or "<eth0" (outbound) */
	const char *oe = fwl_tok_end(p, end);
	fwl_slice(&c.origin, p, oe);
	p = fwl_skip_sp(oe, end);
	if (p < end && (*p == '>' || *p == '<')) {
		const char *ie = fwl_tok_end(p + 1, end);
		fwl_slice(&c.ifname, p + 1, ie);
		if (*p == '<') {
			static const char outbound[] = "outbound";
			fwl_slice(&c.ifdir, outbound, outbound + 8);
		}
		p = ie;
	}
	cp_pairs(p, end, &c);
	return cp_event(ctx, &c, ev);
}

/* Log Exporter: the fields sit in "[...]" after the app name. */
static enum parse_result cp_exporter(struct parse_ctx *ctx, const char *p, const char *end,
				     struct event *ev)
{
	const char *lb = memchr(p, '[', (size_t)(end - p));
	if (!lb)
		return bad(ctx, "Check Point Log Exporter record without \"[\"");
	struct cp c;
	memset(&c, 0, sizeof(c));
	cp_pairs(lb + 1, end, &c);
	if (c.time.len) /* epoch seconds, exact */
		fwl_time_epoch(ev, c.time.ptr, c.time.ptr + c.time.len);
	return cp_event(ctx, &c, ev);
}

/* After the envelope: "Checkpoint: <classic>" or "CheckPoint 123 - [..." */
static enum parse_result cp_message(struct parse_ctx *ctx, const char *tag, const char *end,
				    struct event *ev)
{
	const char *p = tag + 10; /* "Checkpoint" */
	if (p < end && *p == ':')
		return cp_classic(ctx, p + 1, end, ev);
	return cp_exporter(ctx, p, end, ev);
}

static const char *cp_tag(const char *p, const char *end)
{
	if (fwl_starts_ci(p, end, FWL_LIT("checkpoint")) && end - p > 10 &&
	    (p[10] == ':' || p[10] == ' ' || p[10] == '['))
		return p;
	return NULL;
}

/* "Checkpoint:" / "CheckPoint 123 -" in a line: the tag's position. */
static const char *cp_find_tag(const char *line, const char *end)
{
	for (const char *q = line; (q = fwl_find(q, end, FWL_LIT("heck"))) != NULL; q += 4) {
		if (q == line || (q[-1] != 'C' && q[-1] != 'c'))
			continue;
		const char *t = q - 1;
		if (t > line && t[-1] == ' ' && cp_tag(t, end))
			return t;
	}
	return NULL;
}

static enum parse_result cp_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
				       struct event *ev)
{
	const char *end = fwl_eol(line, len);
	/* Both shapes carry their own stamp: read the envelope's (and pay
	 * for its zone conversion) only when the record has none. */
	const char *t = cp_find_tag(line, end);
	if (!t || !syslog_header_looks_like(line, (size_t)(end - line))) {
		struct syslog_header h;
		return syslog_header_parse(ctx, line, (size_t)(end - line), &h) == 0 ? PARSE_OTHER
										      : PARSE_UNKNOWN;
	}
	/* the host is the word before the tag */
	const char *hs = t - 1;
	while (hs > line && hs[-1] != ' ')
		hs--;
	if (hs < t - 1 && !fwl_digit(*hs))
		fwl_slice(&ev->sensor, hs, t - 1);
	else if (hs < t - 1 && memchr(hs, '.', (size_t)(t - 1 - hs)))
		fwl_slice(&ev->sensor, hs, t - 1); /* an address, not a stamp */
	enum parse_result r = cp_message(ctx, t, end, ev);
	if (r == PARSE_EVENT && !(ev->flags & EVENT_HAS_TIME)) {
		struct syslog_header h;
		if (syslog_header_parse(ctx, line, (size_t)(end - line), &h) == 0) {
			ev->time_ns = h.time_ns;
			ev->flags |= EVENT_HAS_TIME;
			ev->sensor = h.host;
		}
	}
	return r;
}

static enum parse_result cp_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					 struct event *ev)
{
	const char *end = fwl_eol(h->msg, h->msg_len);
	const char *t = h->tag.len ? h->tag.ptr : h->msg;
	if (t > end || !cp_tag(t, end))
		return PARSE_UNKNOWN;
	ev->time_ns = h->time_ns;
	ev->flags |= EVENT_HAS_TIME;
	ev->sensor = h->host;
	return cp_message(ctx, t, end, ev);
}

static int cp_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	if (!syslog_header_looks_like(line, (size_t)(end - line)))
		return 0;
	const char *t = memcasemem(line, (size_t)(end - line), "checkpoint", 10);
	if (!t || t == line || t[-1] != ' ' || !cp_tag(t, end))
		return 0;
	if (fwl_find(t, end, FWL_LIT("src:")) || fwl_find(t, end, FWL_LIT("dst:")) ||
	    fwl_find(t, end, FWL_LIT("action:")))
		return 90;
	return 0;
}

static const struct parser_example cp_examples[] = {
	{"classic FireWall-1 export via syslog: drop",
	 "Sep  3 15:10:54 192.168.99.1 Checkpoint:  3Sep2007 15:12:08 drop   192.168.11.7 >eth8 "
	 "rule: 113; rule_uid: {AAAAAAAA-9999-8888-FFCF33A92D27}; service_id: http; src: "
	 "192.168.11.34; dst: 4.23.34.126; proto: tcp; product: VPN-1 & FireWall-1; service: 80; "
	 "s_port: 2854;"},
	{"classic export: ICMP echo accepted",
	 "Sep  3 15:10:54 192.168.99.1 Checkpoint:  3Sep2007 15:10:29 accept 192.168.99.1 >eth5 "
	 "rule: 112; rule_uid: {11111111-2222-3333-97BB-2362F0B7F576}; service_id: icmp-proto; "
	 "ICMP: Echo Request; src: 192.168.11.131; dst: 192.168.99.10; proto: icmp; ICMP Type: 8; "
	 "ICMP Code: 0; product: VPN-1 & FireWall-1;"},
	{NULL, NULL},
};

const struct parser parser_checkpoint = {
	.name = "checkpoint",
	.summary = "Check Point FireWall-1 logs via syslog: the classic export (\"Checkpoint: "
		   "DDMonYYYY ... src: ...; dst: ...;\") and the R80+ Log Exporter syslog format",
	.time_note = "classic records: their own \"3Sep2007 15:10:28\" stamp, local time in --tz; "
		     "Log Exporter records: time:\"epoch\" (exact), else the RFC 5424 envelope",
	.examples = cp_examples,
	.detect = cp_detect,
	.parse_line = cp_parse_line,
	.parse_syslog = cp_parse_syslog,
};
