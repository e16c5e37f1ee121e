/* Juniper SRX flow-session logs: RT_FLOW_SESSION_DENY (a policy refused a
 * session) and RT_FLOW_SESSION_CREATE (a policy let one begin), in both the
 * plain form ("RT_FLOW: RT_FLOW_SESSION_DENY: session denied
 * SRC/SPORT->DST/DPORT [tag] SERVICE PROTO(ICMPTYPE) POLICY FROM-ZONE
 * TO-ZONE APP NESTED-APP USER(ROLES) INTERFACE ...") and the "structured-
 * data" RFC 5424 form ("RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.x
 * source-address="..." ...]"), per Junos' system log message reference.
 * RT_FLOW_SESSION_CLOSE repeats a session CREATE already counted: other. */
#include <string.h>

#include "parse/fwlog_util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

enum srx_kind { SRX_NONE, SRX_DENY, SRX_CREATE, SRX_CLOSE };

struct srx_msg {
	enum srx_kind kind;
	const char *tag, *tag_end; /* "RT_FLOW_SESSION_DENY" */
	const char *body;          /* after the tag */
};

static int srx_find(const char *p, const char *end, struct srx_msg *m)
{
	const char *q = fwl_find(p, end, FWL_LIT("RT_FLOW_SESSION_"));
	if (!q)
		return -1;
	const char *k = q + 16;
	if (fwl_starts(k, end, FWL_LIT("DENY"))) {
		m->kind = SRX_DENY;
		k += 4;
	} else if (fwl_starts(k, end, FWL_LIT("CREATE"))) {
		m->kind = SRX_CREATE;
		k += 6;
	} else if (fwl_starts(k, end, FWL_LIT("CLOSE"))) {
		m->kind = SRX_CLOSE;
		k += 5;
	} else {
		return -1;
	}
	if (fwl_starts(k, end, FWL_LIT("_LS"))) /* logical systems */
		k += 3;
	if (k < end && *k != ':' && *k != ' ')
		return -1;
	m->tag = q;
	m->tag_end = k;
	m->body = k;
	return 0;
}

static enum parse_result bad(struct parse_ctx *ctx, const char *why)
{
	ctx->reason = why;
	return PARSE_MALFORMED;
}

static void set_ports_or_icmp(struct event *ev, uint16_t sp, uint16_t dp, int icmp_type)
{
	switch (ev->proto) {
	case IPPROTO_NUM_TCP:
	case IPPROTO_NUM_UDP:
	case IPPROTO_NUM_SCTP:
		ev->sport = sp;
		ev->dport = dp;
		ev->flags |= EVENT_HAS_PORTS;
		break;
	case IPPROTO_NUM_ICMP:
	case IPPROTO_NUM_ICMPV6:
		if (icmp_type >= 0 && icmp_type < 256) {
			ev->icmp_type = (uint8_t)icmp_type;
			ev->flags |= EVENT_HAS_ICMP;
		}
		break;
	default:
		break;
	}
}

/* "[junos@2636.1.1.1.2.40 source-address="10.0.0.1" ...]" */
static enum parse_result srx_sd(struct parse_ctx *ctx, const char *p, const char *end,
				struct event *ev)
{
	p = fwl_skip_sp(p, end);
	if (p >= end || *p != '[')
		return bad(ctx, "SRX structured-data without \"[\"");
	p = fwl_tok_end(p, end); /* the SD-ID */
	int have_src = 0, have_dst = 0, icmp_type = -1;
	uint16_t sp = 0, dp = 0;
	struct fwl_kv kv;
	int r;
	while ((r = fwl_kv_next(&p, end, '=', ']', &kv)) != 0) {
		if (r < 0)
			continue;
		const char *v = kv.v, *ve = kv.v + kv.vl;
		if (fwl_key_is(&kv, FWL_LIT("source-address"))) {
			if (addr_parse(v, kv.vl, &ev->src) != 0)
				return bad(ctx, "SRX source-address is not an address");
			have_src = 1;
		} else if (fwl_key_is(&kv, FWL_LIT("destination-address"))) {
			if (addr_parse(v, kv.vl, &ev->dst) != 0)
				return bad(ctx, "SRX destination-address is not an address");
			have_dst = 1;
		} else if (fwl_key_is(&kv, FWL_LIT("source-port"))) {
			if (fwl_port(v, ve, &sp) != 0)
				return bad(ctx, "SRX source-port is not a port");
		} else if (fwl_key_is(&kv, FWL_LIT("destination-port"))) {
			if (fwl_port(v, ve, &dp) != 0)
				return bad(ctx, "SRX destination-port is not a port");
		} else if (fwl_key_is(&kv, FWL_LIT("protocol-id"))) {
			int proto = fwl_proto(v, kv.vl);
			if (proto < 0)
				return bad(ctx, "SRX protocol-id is not a protocol");
			ev->proto = (uint8_t)proto;
		} else if (fwl_key_is(&kv, FWL_LIT("icmp-type"))) {
			uint64_t t;
			if (fwl_uint(v, ve, 255, &t) == ve)
				icmp_type = (int)t;
		} else if (fwl_key_is(&kv, FWL_LIT("policy-name"))) {
			fwl_slice(&ev->prefix, v, ve);
		} else if (fwl_key_is(&kv, FWL_LIT("packet-incoming-interface"))) {
			fwl_slice(&ev->in_if, v, ve);
		} else if (fwl_key_is(&kv, FWL_LIT("reason"))) {
			if (fwl_find(v, ve, FWL_LIT("reject")))
				ev->action = EVENT_ACTION_REJECT;
		}
	}
	if (!have_src || !have_dst)
		return bad(ctx, "SRX structured-data without source and destination address");
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_DST;
	set_ports_or_icmp(ev, sp, dp, icmp_type);
	return PARSE_EVENT;
}

/* "SRC/SPORT->DST/DPORT" in [s, e) */
static int five_tuple(const char *s, const char *e, struct event *ev, uint16_t *sp, uint16_t *dp)
{
	const char *arrow = fwl_find(s, e, FWL_LIT("->"));
	if (!arrow)
		return -1;
	const char *s1 = memrchr(s, '/', (size_t)(arrow - s));
	const char *s2 = memrchr(arrow, '/', (size_t)(e - arrow));
	if (!s1 || !s2 || addr_parse(s, (size_t)(s1 - s), &ev->src) != 0 ||
	    fwl_port(s1 + 1, arrow, sp) != 0 ||
	    addr_parse(arrow + 2, (size_t)(s2 - arrow - 2), &ev->dst) != 0 ||
	    fwl_port(s2 + 1, e, dp) != 0)
		return -1;
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_DST;
	return 0;
}

#define MAX_TOK 32

/* "6(0)": protocol and ICMP type */
static int proto_icmp_tok(const char *s, const char *e, int *proto, int *icmp)
{
	const char *par = memchr(s, '(', (size_t)(e - s));
	uint64_t pv, iv;
	if (!par || par == s || e[-1] != ')' || fwl_uint(s, par, 255, &pv) != par ||
	    fwl_uint(par + 1, e - 1, 65535, &iv) != e - 1)
		return -1;
	*proto = (int)pv;
	*icmp = (int)iv;
	return 0;
}

static enum parse_result srx_plain(struct parse_ctx *ctx, enum srx_kind kind, const char *p,
				   const char *end, struct event *ev)
{
	/* "session denied " / "session created " */
	const char *q = fwl_find(p, end, FWL_LIT("session "));
	if (!q)
		return bad(ctx, "SRX message without \"session\"");
	q = fwl_tok_end(q + 8, end);
	q = fwl_skip_sp(q, end);
	const char *te = fwl_tok_end(q, end);
	uint16_t sp, dp;
	if (five_tuple(q, te, ev, &sp, &dp) != 0)
		return bad(ctx, "SRX session addresses are not SRC/PORT->DST/PORT");

	const char *ts[MAX_TOK], *tz[MAX_TOK];
	size_t n = 0;
	for (q = te; n < MAX_TOK;) {
		q = fwl_skip_sp(q, end);
		if (q >= end)
			break;
		ts[n] = q;
		q = fwl_tok_end(q, end);
		tz[n++] = q;
	}
	int proto = -1, icmp = -1;
	size_t k = n;
	if (kind == SRX_DENY) {
		for (size_t i = 0; i < n; i++)
			if (proto_icmp_tok(ts[i], tz[i], &proto, &icmp) == 0) {
				k = i;
				break;
			}
	} else {
		/* after the NAT'd tuple, the first bare number is the protocol */
		size_t i = 0;
		while (i < n && !fwl_find(ts[i], tz[i], FWL_LIT("->")))
			i++;
		for (i++; i < n; i++) {
			uint64_t v;
			if (fwl_uint(ts[i], tz[i], 255, &v) == tz[i]) {
				proto = (int)v;
				k = i;
				break;
			}
		}
	}
	if (k == n)
		return bad(ctx, "SRX session message without a protocol");
	ev->proto = (uint8_t)proto;
	if (k + 1 < n)
		fwl_slice(&ev->prefix, ts[k + 1], tz[k + 1]);
	/* the interface follows the "user(roles)" word after the zones */
	for (size_t i = k + 4; i + 1 < n; i++) {
		if (tz[i][-1] == ')' && ts[i][0] != '(' && memchr(ts[i], '(', (size_t)(tz[i] - ts[i]))) {
			fwl_slice(&ev->in_if, ts[i + 1], tz[i + 1]);
			break;
		}
	}
	if (kind == SRX_DENY && fwl_find(te, end, FWL_LIT("policy reject")))
		ev->action = EVENT_ACTION_REJECT;
	set_ports_or_icmp(ev, sp, dp, icmp);
	return PARSE_EVENT;
}

static enum parse_result srx_message(struct parse_ctx *ctx, const struct srx_msg *m,
				     const char *end, struct event *ev)
{
	if (m->kind == SRX_CLOSE)
		return PARSE_OTHER;
	ev->action = m->kind == SRX_DENY ? EVENT_ACTION_DROP : EVENT_ACTION_ACCEPT;
	fwl_slice(&ev->detail, m->tag, m->tag_end);
	const char *p = m->body;
	enum parse_result r;
	if (p < end && *p == ':')
		r = srx_plain(ctx, m->kind, p + 1, end, ev);
	else
		r = srx_sd(ctx, p, end, ev);
	/* "policy reject" set REJECT above; keep it over the default */
	return r;
}

static enum parse_result srx_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					struct event *ev)
{
	const char *end = fwl_eol(line, len);
	struct syslog_header h;
	const char *from = line;
	int env = syslog_header_parse(ctx, line, (size_t)(end - line), &h) == 0;
	if (env) {
		ev->time_ns = h.time_ns;
		ev->flags |= EVENT_HAS_TIME;
		ev->sensor = h.host;
		from = h.tag.len ? h.tag.ptr : h.msg;
	}
	struct srx_msg m;
	if (srx_find(from, end, &m) != 0)
		return env ? PARSE_OTHER : PARSE_UNKNOWN;
	return srx_message(ctx, &m, end, ev);
}

static enum parse_result srx_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					  struct event *ev)
{
	/* The RFC 5424 form keeps the message id and the structured data
	 * between the tag (APP-NAME) and the message text: read from the tag. */
	if (!(h->tag.len >= 7 && memcmp(h->tag.ptr, "RT_FLOW", 7) == 0))
		return PARSE_UNKNOWN;
	const char *end = fwl_eol(h->msg, h->msg_len);
	struct srx_msg m;
	if (srx_find(h->tag.ptr, end, &m) != 0)
		return PARSE_UNKNOWN;
	ev->time_ns = h->time_ns;
	ev->flags |= EVENT_HAS_TIME;
	ev->sensor = h->host;
	return srx_message(ctx, &m, end, ev);
}

static int srx_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	struct srx_msg m;
	if (srx_find(line, end, &m) != 0)
		return 0;
	/* "RT_FLOW: RT_FLOW_SESSION_..." or "RT_FLOW - RT_FLOW_SESSION_... [" */
	if (m.tag - line >= 9 && memcmp(m.tag - 9, "RT_FLOW: ", 9) == 0)
		return 90;
	if (m.tag - line >= 10 && memcmp(m.tag - 10, "RT_FLOW - ", 10) == 0)
		return 90;
	return 0;
}

static const struct parser_example srx_examples[] = {
	{"session denied, plain form (written per Juniper's documented layout)",
	 "Mar  5 10:00:01 srx-fw01 RT_FLOW: RT_FLOW_SESSION_DENY: session denied "
	 "203.0.113.7/51234->198.51.100.10/22 0x0 junos-ssh 6(0) deny-all untrust trust UNKNOWN "
	 "UNKNOWN N/A(N/A) ge-0/0/0.0 UNKNOWN policy deny"},
	{"session denied, structured-data form (written per the documented layout)",
	 "<14>1 2021-03-05T10:00:01.123+01:00 srx-fw01 RT_FLOW - RT_FLOW_SESSION_DENY "
	 "[junos@2636.1.1.1.2.129 source-address=\"203.0.113.7\" source-port=\"51234\" "
	 "destination-address=\"198.51.100.10\" destination-port=\"22\" connection-tag=\"0\" "
	 "service-name=\"junos-ssh\" protocol-id=\"6\" icmp-type=\"0\" policy-name=\"deny-all\" "
	 "source-zone-name=\"untrust\" destination-zone-name=\"trust\" application=\"UNKNOWN\" "
	 "nested-application=\"UNKNOWN\" username=\"N/A\" roles=\"N/A\" "
	 "packet-incoming-interface=\"ge-0/0/0.0\" encrypted=\"UNKNOWN\" reason=\"policy deny\"]"},
	{NULL, NULL},
};

const struct parser parser_junos = {
	.name = "junos",
	.summary = "Juniper SRX flow-session logs: RT_FLOW_SESSION_DENY and _CREATE, plain and "
		   "structured-data (RFC 5424) forms",
	.time_note = "the syslog envelope's stamp: RFC 5424 / RFC 3339 stamps carry their zone; "
		     "BSD stamps are local time in --tz with the year inferred; a line without "
		     "an envelope carries no time",
	.examples = srx_examples,
	.detect = srx_detect,
	.parse_line = srx_parse_line,
	.parse_syslog = srx_parse_syslog,
};
