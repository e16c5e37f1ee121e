/* Cisco ASA / PIX / FWSM / Firepower Threat Defense syslog (%ASA-, %PIX-,
 * %FWSM-, %FTD-): the connection-refusing messages (106001, 106002,
 * 106006, 106007, 106010-106018, 106020-106023, 106100 with its hit
 * count, 313001/313004/313008, 710003/710005, 500004), accepted
 * connections (302013/302015 "Built", 710002, 106100 permitted), logins
 * to the box (605004/605005), IDS messages (4000nn) and threat detection
 * (733100 rate alerts, 733101 attacking/targeted hosts). Layouts follow
 * Cisco's "Secure Firewall ASA Series Syslog Messages" guide. Teardowns
 * (302014/302016) and "requested" notices (710001) repeat what another
 * message already counted and are "other", as are all remaining ids. */
#include <string.h>

#include "parse/cisco_common.h"
#include "parse/fwlog_util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

struct cur {
	const char *p, *end;
};

static int lit(struct cur *c, const char *s, size_t n)
{
	if (!fwl_starts(c->p, c->end, s, n))
		return 0;
	c->p += n;
	return 1;
}

#define LIT(c, s) lit(c, FWL_LIT(s))

static void sp(struct cur *c)
{
	c->p = fwl_skip_sp(c->p, c->end);
}

/* The next blank-delimited word. */
static int word(struct cur *c, const char **s, const char **e)
{
	sp(c);
	*s = c->p;
	c->p = fwl_tok_end(c->p, c->end);
	*e = c->p;
	return *e > *s;
}

struct ep {
	struct ip_addr a;
	const char *ifs, *ife; /* interface name, or NULL */
	int has_port;
	uint16_t port;
};

static int ep_stop(char c)
{
	return c == ' ' || c == ',' || c == ')' || c == '(';
}

/* "/PORT" or "/service" after an address. */
static void ep_port(struct cur *c, struct ep *ep)
{
	ep->has_port = 0;
	if (c->p >= c->end || *c->p != '/')
		return;
	const char *s = ++c->p;
	while (c->p < c->end && !ep_stop(*c->p))
		c->p++;
	if (s < c->p && fwl_digit(*s)) {
		ep->has_port = fwl_port(s, c->p, &ep->port) == 0;
	} else {
		unsigned port = fwl_service_port(s, (size_t)(c->p - s));
		if (port) {
			ep->port = (uint16_t)port;
			ep->has_port = 1;
		}
	}
}

/* "ADDR[/PORT]" */
static int ep_plain(struct cur *c, struct ep *ep)
{
	sp(c);
	const char *s = c->p;
	while (c->p < c->end && *c->p != '/' && !ep_stop(*c->p))
		c->p++;
	/* "(192.168.1.1)" in 106016 */
	if (c->p == s && c->p < c->end && *c->p == '(') {
		const char *q = memchr(s, ')', (size_t)(c->end - s));
		if (!q || addr_parse(s + 1, (size_t)(q - s - 1), &ep->a) != 0)
			return -1;
		c->p = q + 1;
		ep->ifs = ep->ife = NULL;
		ep->has_port = 0;
		return 0;
	}
	if (c->p == s || addr_parse(s, (size_t)(c->p - s), &ep->a) != 0)
		return -1;
	ep->ifs = ep->ife = NULL;
	ep_port(c, ep);
	return 0;
}

/* "IFACE:ADDR[/PORT]": interface names hold no ':' but may hold blanks
 * ("NP Identity Ifc"); some releases put a blank after the ':'. */
static int ep_iface(struct cur *c, struct ep *ep)
{
	sp(c);
	const char *s = c->p;
	const char *lim = c->end - s > 48 ? s + 48 : c->end;
	const char *colon = memchr(s, ':', (size_t)(lim - s));
	/* a '/' before the colon means the address came without interface */
	if (!colon || colon == s || memchr(s, '/', (size_t)(colon - s)))
		return -1;
	c->p = colon + 1;
	if (ep_plain(c, ep) != 0)
		return -1;
	ep->ifs = s;
	ep->ife = colon;
	return 0;
}

/* 106100's "IFACE/ADDR(PORT)" */
static int ep_slash(struct cur *c, struct ep *ep)
{
	sp(c);
	const char *s = c->p, *slash = NULL;
	while (c->p < c->end && *c->p != ' ' && *c->p != '(') {
		if (*c->p == '/' && !slash)
			slash = c->p;
		c->p++;
	}
	if (!slash || slash == s || addr_parse(slash + 1, (size_t)(c->p - slash - 1), &ep->a) != 0)
		return -1;
	ep->ifs = s;
	ep->ife = slash;
	ep->has_port = 0;
	if (c->p < c->end && *c->p == '(') {
		const char *ps = c->p + 1, *pe = memchr(ps, ')', (size_t)(c->end - ps));
		if (!pe || fwl_port(ps, pe, &ep->port) != 0)
			return -1;
		ep->has_port = 1;
		c->p = pe + 1;
	}
	return 0;
}

/* Skip "(user)" / "(FQDN, sg)" identity notes after an endpoint. */
static void skip_paren(struct cur *c)
{
	const char *q = fwl_skip_sp(c->p, c->end);
	if (q < c->end && *q == '(' && !fwl_starts(q, c->end, FWL_LIT("(type "))) {
		const char *r = memchr(q, ')', (size_t)(c->end - q));
		if (r)
			c->p = r + 1;
	}
}

static void set_src(struct event *ev, const struct ep *ep)
{
	ev->src = ep->a;
	ev->flags |= EVENT_HAS_SRC;
	if (ep->ifs)
		fwl_slice(&ev->in_if, ep->ifs, ep->ife);
}

static void set_dst(struct event *ev, const struct ep *ep)
{
	ev->dst = ep->a;
	ev->flags |= EVENT_HAS_DST;
	if (ep->ifs)
		fwl_slice(&ev->out_if, ep->ifs, ep->ife);
}

/* Ports count only for port protocols and only when both are known. */
static void set_ports(struct event *ev, const struct ep *s, const struct ep *d)
{
	if (ev->proto != IPPROTO_NUM_TCP && ev->proto != IPPROTO_NUM_UDP &&
	    ev->proto != IPPROTO_NUM_SCTP)
		return;
	if (!d->has_port)
		return;
	ev->sport = s->has_port ? s->port : 0;
	ev->dport = d->port;
	ev->flags |= EVENT_HAS_PORTS;
}

static int proto_word(struct cur *c, struct event *ev)
{
	const char *s, *e;
	if (!word(c, &s, &e))
		return -1;
	/* "Deny protocol 4 src ..." */
	if (e - s == 8 && memcmp(s, "protocol", 8) == 0 && !word(c, &s, &e))
		return -1;
	int proto = fwl_proto(s, (size_t)(e - s));
	if (proto < 0)
		return -1;
	ev->proto = (uint8_t)proto;
	return 0;
}

/* "flags SYN ACK" up to " on interface" or the end. */
static void tcp_flags(struct cur *c, struct event *ev)
{
	const char *q = fwl_find(c->p, c->end, FWL_LIT(" flags "));
	if (!q)
		return;
	struct cur f = {q + 7, c->end};
	const char *s, *e;
	uint8_t fl = 0;
	while (word(&f, &s, &e)) {
		uint8_t b = fwl_tcp_flag_word(s, (size_t)(e - s));
		if (!b)
			break;
		fl |= b;
	}
	ev->tcp_flags = fl;
	ev->flags |= EVENT_HAS_TCP_FLAGS;
}

/* "on interface NAME" anywhere after p sets the input interface. */
static void on_interface(struct cur *c, struct event *ev)
{
	const char *q = fwl_find(c->p, c->end, FWL_LIT("on interface "));
	if (!q)
		return;
	q = fwl_skip_sp(q + 13, c->end);
	const char *e = fwl_tok_end(q, c->end);
	while (e > q && (e[-1] == '.' || e[-1] == ','))
		e--;
	if (e > q)
		fwl_slice(&ev->in_if, q, e);
}

/* "(type 8, code 0)" */
static void icmp_type_code(struct cur *c, struct event *ev)
{
	const char *q = fwl_find(c->p, c->end, FWL_LIT("(type "));
	if (!q)
		return;
	uint64_t t, k;
	const char *r = fwl_uint(q + 6, c->end, 255, &t);
	if (!r || !fwl_starts(r, c->end, FWL_LIT(", code ")))
		return;
	r = fwl_uint(r + 7, c->end, 255, &k);
	if (!r)
		return;
	ev->icmp_type = (uint8_t)t;
	ev->icmp_code = (uint8_t)k;
	ev->flags |= EVENT_HAS_ICMP;
}

/* by access-group "NAME" */
static void access_group(struct cur *c, struct event *ev)
{
	const char *q = fwl_find(c->p, c->end, FWL_LIT("by access-group \""));
	if (!q)
		return;
	q += 17;
	const char *e = memchr(q, '"', (size_t)(c->end - q));
	if (e)
		fwl_slice(&ev->prefix, q, e);
}

#define BAD(why)                      \
	do {                          \
		ctx->reason = (why);  \
		return PARSE_MALFORMED; \
	} while (0)

/* "Deny[ inbound][ (No xlate)] PROTO src IF:A[/P] dst IF:B[/P] ..." */
static enum parse_result src_dst_form(struct parse_ctx *ctx, struct cur *c, struct event *ev)
{
	struct ep s, d;
	if (proto_word(c, ev) != 0)
		BAD("ASA message: unknown protocol");
	sp(c);
	if (!LIT(c, "src "))
		BAD("ASA message without \"src\"");
	if (ep_iface(c, &s) != 0)
		BAD("ASA source is not INTERFACE:ADDRESS");
	skip_paren(c);
	sp(c);
	if (!LIT(c, "dst "))
		BAD("ASA message without \"dst\"");
	if (ep_iface(c, &d) != 0)
		BAD("ASA destination is not INTERFACE:ADDRESS");
	skip_paren(c);
	set_src(ev, &s);
	set_dst(ev, &d);
	set_ports(ev, &s, &d);
	if (ev->proto == IPPROTO_NUM_ICMP || ev->proto == IPPROTO_NUM_ICMPV6)
		icmp_type_code(c, ev);
	access_group(c, ev);
	return PARSE_EVENT;
}

/* "from A/P to B/P" (106001, 106006, 106007, 106015) */
static enum parse_result from_to_plain(struct parse_ctx *ctx, struct cur *c, struct event *ev)
{
	struct ep s, d;
	const char *q = fwl_find(c->p, c->end, FWL_LIT("from "));
	if (!q)
		BAD("ASA message without \"from\"");
	c->p = q + 5;
	if (ep_plain(c, &s) != 0)
		BAD("ASA source is not an address");
	sp(c);
	if (!LIT(c, "to "))
		BAD("ASA message without \"to\"");
	/* some releases print the interface here ("to inside:10.1.1.1/443") */
	struct cur save = *c;
	if (ep_plain(c, &d) != 0 || (c->p < c->end && *c->p == ':')) {
		*c = save;
		if (ep_iface(c, &d) != 0)
			BAD("ASA destination is not an address");
	}
	set_src(ev, &s);
	set_dst(ev, &d);
	set_ports(ev, &s, &d);
	return PARSE_EVENT;
}

/* "from A/P to IF:B/SERVICE" (710002, 710003, 710005, 605004/5) */
static enum parse_result from_to_iface(struct parse_ctx *ctx, struct cur *c, struct event *ev)
{
	struct ep s, d;
	const char *q = fwl_find(c->p, c->end, FWL_LIT("from "));
	if (!q)
		BAD("ASA message without \"from\"");
	c->p = q + 5;
	if (ep_plain(c, &s) != 0)
		BAD("ASA source is not an address");
	sp(c);
	if (!LIT(c, "to "))
		BAD("ASA message without \"to\"");
	if (ep_iface(c, &d) != 0)
		BAD("ASA destination is not INTERFACE:ADDRESS");
	set_src(ev, &s);
	set_dst(ev, &d);
	set_ports(ev, &s, &d);
	/* traffic to the box itself: the named interface is where it came in */
	ev->out_if.len = 0;
	fwl_slice(&ev->in_if, d.ifs, d.ife);
	return PARSE_EVENT;
}

/* "from A to B" without ports (106012, 106013, 106016, 106017, 106020-22,
 * IDS 4000nn) */
static enum parse_result from_to_addr(struct parse_ctx *ctx, struct cur *c, struct event *ev)
{
	struct ep s, d;
	const char *q = fwl_find(c->p, c->end, FWL_LIT("from "));
	if (!q)
		BAD("ASA message without \"from\"");
	c->p = q + 5;
	if (ep_plain(c, &s) != 0)
		BAD("ASA source is not an address");
	sp(c);
	if (!LIT(c, "to "))
		BAD("ASA message without \"to\"");
	if (ep_plain(c, &d) != 0)
		BAD("ASA destination is not an address");
	set_src(ev, &s);
	set_dst(ev, &d);
	on_interface(c, ev);
	return PARSE_EVENT;
}

/* "src A dest B" (106002, 106018) */
static enum parse_result src_dest(struct parse_ctx *ctx, struct cur *c, struct event *ev)
{
	struct ep s, d;
	const char *q = fwl_find(c->p, c->end, FWL_LIT(" src "));
	if (!q)
		BAD("ASA message without \"src\"");
	c->p = q + 5;
	if (ep_plain(c, &s) != 0)
		BAD("ASA source is not an address");
	sp(c);
	if (!LIT(c, "dest "))
		BAD("ASA message without \"dest\"");
	if (ep_plain(c, &d) != 0)
		BAD("ASA destination is not an address");
	set_src(ev, &s);
	set_dst(ev, &d);
	return PARSE_EVENT;
}

/* 106100: "access-list ACL VERDICT PROTO IF/A(P) -> IF/B(P) hit-cnt N ..." */
static enum parse_result msg_106100(struct parse_ctx *ctx, struct cur *c, struct event *ev)
{
	const char *s, *e;
	if (!LIT(c, "access-list ") || !word(c, &s, &e))
		BAD("ASA 106100 without \"access-list NAME\"");
	fwl_slice(&ev->prefix, s, e);
	if (!word(c, &s, &e))
		BAD("ASA 106100 cut after the list name");
	if (e - s == 6 && memcmp(s, "denied", 6) == 0)
		ev->action = EVENT_ACTION_DROP;
	else if ((e - s == 9 && memcmp(s, "permitted", 9) == 0) ||
		 (e - s == 11 && memcmp(s, "est-allowed", 11) == 0))
		ev->action = EVENT_ACTION_ACCEPT;
	else
		BAD("ASA 106100 verdict is not permitted/denied/est-allowed");
	if (proto_word(c, ev) != 0)
		BAD("ASA message: unknown protocol");
	struct ep a, b;
	if (ep_slash(c, &a) != 0)
		BAD("ASA 106100 source is not INTERFACE/ADDRESS(PORT)");
	skip_paren(c);
	sp(c);
	if (!LIT(c, "-> "))
		BAD("ASA 106100 without \"->\"");
	if (ep_slash(c, &b) != 0)
		BAD("ASA 106100 destination is not INTERFACE/ADDRESS(PORT)");
	skip_paren(c);
	set_src(ev, &a);
	set_dst(ev, &b);
	if (ev->proto == IPPROTO_NUM_ICMP || ev->proto == IPPROTO_NUM_ICMPV6) {
		/* for ICMP the numbers in parentheses are type and code */
		if (a.has_port && b.has_port && a.port < 256 && b.port < 256) {
			ev->icmp_type = (uint8_t)a.port;
			ev->icmp_code = (uint8_t)b.port;
			ev->flags |= EVENT_HAS_ICMP;
		}
	} else {
		set_ports(ev, &a, &b);
	}
	const char *h = fwl_find(c->p, c->end, FWL_LIT("hit-cnt "));
	if (h) {
		uint64_t n;
		if (fwl_uint(h + 8, c->end, UINT32_MAX, &n) && n)
			ev->count = (uint32_t)n;
	}
	return PARSE_EVENT;
}

/* 302013/302015: "Built {inbound|outbound} {TCP|UDP} connection ID for
 * IF:A/P (MA/MP) to IF:B/P (MB/MP)"; outbound means the "to" side began. */
static enum parse_result msg_built(struct parse_ctx *ctx, struct cur *c, struct event *ev)
{
	int outbound;
	if (LIT(c, "Built inbound "))
		outbound = 0;
	else if (LIT(c, "Built outbound "))
		outbound = 1;
	else if (LIT(c, "Built "))
		outbound = 0;
	else
		BAD("ASA 302013 without \"Built\"");
	if (proto_word(c, ev) != 0)
		BAD("ASA message: unknown protocol");
	const char *q = fwl_find(c->p, c->end, FWL_LIT(" for "));
	if (!q)
		BAD("ASA 302013 without \"for\"");
	c->p = q + 5;
	struct ep a, b;
	if (ep_iface(c, &a) != 0)
		BAD("ASA 302013 first endpoint is not INTERFACE:ADDRESS");
	skip_paren(c);
	sp(c);
	if (!LIT(c, "to "))
		BAD("ASA 302013 without \"to\"");
	if (ep_iface(c, &b) != 0)
		BAD("ASA 302013 second endpoint is not INTERFACE:ADDRESS");
	const struct ep *s = outbound ? &b : &a, *d = outbound ? &a : &b;
	set_src(ev, s);
	set_dst(ev, d);
	set_ports(ev, s, d);
	ev->action = EVENT_ACTION_ACCEPT;
	return PARSE_EVENT;
}

/* 313001/313004/313008: "Denied ICMP type=T, code=C from A on interface I" */
static enum parse_result msg_313(struct parse_ctx *ctx, struct cur *c, struct event *ev, int v6)
{
	ev->proto = v6 ? IPPROTO_NUM_ICMPV6 : IPPROTO_NUM_ICMP;
	const char *q = fwl_find(c->p, c->end, FWL_LIT("type="));
	uint64_t t = 0, k = 0;
	if (q && fwl_uint(q + 5, c->end, 255, &t)) {
		ev->icmp_type = (uint8_t)t;
		const char *r = fwl_find(q, c->end, FWL_LIT("code="));
		if (r && fwl_uint(r + 5, c->end, 255, &k))
			ev->icmp_code = (uint8_t)k;
		ev->flags |= EVENT_HAS_ICMP;
	}
	q = fwl_find(c->p, c->end, FWL_LIT("from "));
	if (!q)
		BAD("ASA ICMP message without \"from\"");
	c->p = q + 5;
	struct ep s;
	if (ep_plain(c, &s) != 0)
		BAD("ASA source is not an address");
	set_src(ev, &s);
	on_interface(c, ev);
	/* 313004: "... on interface outside to 10.1.1.1: no matching session" */
	q = fwl_find(c->p, c->end, FWL_LIT(" to "));
	if (q) {
		struct cur d = {q + 4, c->end};
		struct ep de;
		const char *ae = d.p;
		while (ae < d.end && *ae != ' ')
			ae++;
		if (ae > d.p && ae[-1] == ':')
			ae--;
		if (addr_parse(d.p, (size_t)(ae - d.p), &de.a) == 0) {
			de.ifs = NULL;
			set_dst(ev, &de);
		}
	}
	return PARSE_EVENT;
}

/* 733100: "[ Scanning] drop rate-1 exceeded. Current burst rate ..." */
static enum parse_result msg_733100(struct parse_ctx *ctx, struct cur *c, struct event *ev)
{
	if (c->p >= c->end || *c->p != '[')
		BAD("ASA 733100 without \"[object]\"");
	const char *close = memchr(c->p, ']', (size_t)(c->end - c->p));
	if (!close)
		BAD("ASA 733100 object not closed");
	const char *dot = fwl_find(close, c->end, FWL_LIT("exceeded"));
	fwl_slice(&ev->detail, c->p, dot ? dot + 8 : close + 1);
	/* the object is a host when threat detection tracks hosts */
	const char *os = fwl_skip_sp(c->p + 1, close), *oe = close;
	const char *colon = memchr(os, ':', (size_t)(oe - os));
	struct ip_addr a;
	if (addr_parse(os, (size_t)(oe - os), &a) == 0 ||
	    (colon && addr_parse(colon + 1, (size_t)(oe - colon - 1), &a) == 0)) {
		ev->src = a;
		ev->flags |= EVENT_HAS_SRC;
	}
	ev->action = EVENT_ACTION_DROP;
	return PARSE_EVENT;
}

/* 733101: "Host|Subnet A is attacking|targeted. Current burst rate ..." */
static enum parse_result msg_733101(struct parse_ctx *ctx, struct cur *c, struct event *ev)
{
	const char *s, *e, *start = c->p;
	if (!LIT(c, "Host ") && !LIT(c, "Subnet "))
		BAD("ASA 733101 without \"Host\" or \"Subnet\"");
	if (!word(c, &s, &e))
		BAD("ASA 733101 without an address");
	struct ip_addr a;
	if (addr_parse(s, (size_t)(e - s), &a) != 0)
		BAD("ASA 733101 address is not an address");
	const char *dot = memchr(c->p, '.', (size_t)(c->end - c->p));
	fwl_slice(&ev->detail, start, dot ? dot : c->end);
	if (fwl_find(c->p, dot ? dot : c->end, FWL_LIT("targeted"))) {
		ev->dst = a;
		ev->flags |= EVENT_HAS_DST;
	} else {
		ev->src = a;
		ev->flags |= EVENT_HAS_SRC;
	}
	ev->action = EVENT_ACTION_LOG;
	return PARSE_EVENT;
}

/* 605004/605005: "Login denied|permitted from A/P to IF:B/SVC for user "U"" */
static enum parse_result msg_login(struct parse_ctx *ctx, struct cur *c, struct event *ev,
				   int ok)
{
	ev->proto = IPPROTO_NUM_TCP;
	enum parse_result r = from_to_iface(ctx, c, ev);
	if (r != PARSE_EVENT)
		return r;
	const char *q = fwl_find(c->p, c->end, FWL_LIT("for user \""));
	if (q) {
		q += 10;
		const char *e = memchr(q, '"', (size_t)(c->end - q));
		if (e)
			fwl_slice(&ev->user, q, e);
	}
	ev->action = ok ? EVENT_ACTION_ACCEPT : EVENT_ACTION_REJECT;
	ev->outcome = ok ? EVENT_OUTCOME_AUTH_SUCCESS : EVENT_OUTCOME_AUTH_FAILURE;
	return PARSE_EVENT;
}

static int is_fw_facility(const struct cisco_msg *m)
{
	static const char *const fw[] = {"ASA", "PIX", "FTD", "FWSM"};
	for (size_t i = 0; i < 4; i++)
		if (m->fac_len == strlen(fw[i]) && memcmp(m->fac, fw[i], m->fac_len) == 0)
			return 1;
	return 0;
}

static long msg_id(const struct cisco_msg *m)
{
	uint64_t v;
	if (m->mnem_len != 6 || !fwl_uint(m->mnem, m->mnem + 6, 999999, &v))
		return -1;
	return (long)v;
}

/* Is this id one that becomes an event? (parse_syslog claims only those.) */
static int id_is_event(long id)
{
	switch (id) {
	case 106001: case 106002: case 106006: case 106007: case 106010: case 106011:
	case 106012: case 106013: case 106014: case 106015: case 106016: case 106017:
	case 106018: case 106020: case 106021: case 106022: case 106023: case 106100:
	case 302013: case 302015: case 313001: case 313004: case 313008: case 500004:
	case 605004: case 605005: case 710002: case 710003: case 710005: case 733100:
	case 733101:
		return 1;
	default:
		return id >= 400000 && id <= 400050;
	}
}

static enum parse_result asa_message(struct parse_ctx *ctx, const struct cisco_msg *m,
				     const char *end, struct event *ev)
{
	long id = msg_id(m);
	if (!id_is_event(id))
		return PARSE_OTHER;
	fwl_slice(&ev->detail, m->pct, m->mnem + m->mnem_len);
	struct cur c = {m->body, end};
	enum parse_result r;
	ev->action = EVENT_ACTION_DROP;
	switch (id) {
	case 106001: /* Inbound TCP connection denied from A/P to B/P flags F on interface I */
		ev->proto = IPPROTO_NUM_TCP;
		r = from_to_plain(ctx, &c, ev);
		tcp_flags(&c, ev);
		on_interface(&c, ev);
		return r;
	case 106015: /* Deny TCP (no connection) from A/P to B/P flags F on interface I */
		ev->proto = IPPROTO_NUM_TCP;
		r = from_to_plain(ctx, &c, ev);
		tcp_flags(&c, ev);
		on_interface(&c, ev);
		return r;
	case 106006: /* Deny inbound UDP from A/P to B/P on interface I */
	case 106007: /* ... due to DNS {Response|Query} */
		ev->proto = IPPROTO_NUM_UDP;
		r = from_to_plain(ctx, &c, ev);
		on_interface(&c, ev);
		return r;
	case 106002: { /* PROTO Connection denied by outbound list ACL src A dest B */
		const char *s, *e;
		if (word(&c, &s, &e)) {
			int proto = fwl_proto(s, (size_t)(e - s));
			if (proto >= 0)
				ev->proto = (uint8_t)proto;
		}
		const char *q = fwl_find(c.p, end, FWL_LIT("outbound list "));
		if (q) {
			struct cur l = {q + 14, end};
			if (word(&l, &s, &e))
				fwl_slice(&ev->prefix, s, e);
		}
		return src_dest(ctx, &c, ev);
	}
	case 106018: { /* ICMP packet type T denied by outbound list ACL src A dest B */
		ev->proto = IPPROTO_NUM_ICMP;
		uint64_t t;
		const char *q = fwl_find(c.p, end, FWL_LIT("type "));
		if (q && fwl_uint(q + 5, end, 255, &t)) {
			ev->icmp_type = (uint8_t)t;
			ev->flags |= EVENT_HAS_ICMP;
		}
		q = fwl_find(c.p, end, FWL_LIT("outbound list "));
		if (q) {
			const char *s, *e;
			struct cur l = {q + 14, end};
			if (word(&l, &s, &e))
				fwl_slice(&ev->prefix, s, e);
		}
		return src_dest(ctx, &c, ev);
	}
	case 106010: /* Deny inbound PROTO src IF:A/P dst IF:B/P */
	case 106011: /* Deny inbound (No xlate) PROTO src ... */
	case 106014: /* Deny inbound icmp src IF:A dst IF:B (type T, code C) */
		if (!LIT(&c, "Deny inbound "))
			BAD("ASA message without \"Deny inbound\"");
		LIT(&c, "(No xlate) ");
		return src_dst_form(ctx, &c, ev);
	case 106023: /* Deny PROTO src IF:A/P dst IF:B/P by access-group "ACL" */
		if (!LIT(&c, "Deny "))
			BAD("ASA 106023 without \"Deny\"");
		return src_dst_form(ctx, &c, ev);
	case 106100:
		return msg_106100(ctx, &c, ev);
	case 106012: /* Deny IP from A to B, IP options: "..." */
	case 106016: /* Deny IP spoof from (A) to B on interface I */
	case 106017: /* Deny IP due to Land Attack from A to B */
	case 106020: /* Deny IP teardrop fragment (...) from A to B */
		return from_to_addr(ctx, &c, ev);
	case 106013: /* Dropping echo request from A to PAT address B */
		ev->proto = IPPROTO_NUM_ICMP;
		ev->icmp_type = 8;
		ev->flags |= EVENT_HAS_ICMP;
		if (!fwl_find(c.p, end, FWL_LIT("PAT address ")))
			BAD("ASA 106013 without \"PAT address\"");
		{
			const char *q = fwl_find(c.p, end, FWL_LIT("from "));
			struct ep s, d;
			if (!q)
				BAD("ASA message without \"from\"");
			c.p = q + 5;
			if (ep_plain(&c, &s) != 0)
				BAD("ASA source is not an address");
			q = fwl_find(c.p, end, FWL_LIT("PAT address "));
			c.p = q + 12;
			if (ep_plain(&c, &d) != 0)
				BAD("ASA destination is not an address");
			set_src(ev, &s);
			set_dst(ev, &d);
		}
		return PARSE_EVENT;
	case 106021: /* Deny PROTO reverse path check from A to B on interface I */
	case 106022: /* Deny PROTO connection spoof from A to B on interface I */
		if (LIT(&c, "Deny ")) {
			const char *s, *e;
			struct cur w = c;
			if (word(&w, &s, &e)) {
				int proto = fwl_proto(s, (size_t)(e - s));
				if (proto >= 0)
					ev->proto = (uint8_t)proto;
			}
		}
		return from_to_addr(ctx, &c, ev);
	case 302013:
	case 302015:
		return msg_built(ctx, &c, ev);
	case 313001:
	case 313004:
		return msg_313(ctx, &c, ev, 0);
	case 313008:
		return msg_313(ctx, &c, ev, 1);
	case 500004: { /* Invalid transport field for protocol=17, from A/P to B/P */
		uint64_t pr;
		const char *q = fwl_find(c.p, end, FWL_LIT("protocol="));
		if (q && fwl_uint(q + 9, end, 255, &pr))
			ev->proto = (uint8_t)pr;
		return from_to_plain(ctx, &c, ev);
	}
	case 605004:
		return msg_login(ctx, &c, ev, 0);
	case 605005:
		return msg_login(ctx, &c, ev, 1);
	case 710002: /* TCP access permitted from A/P to IF:B/SVC */
	case 710003: /* TCP access denied by ACL from A/P to IF:B/SVC */
	case 710005: /* UDP request discarded from A/P to IF:B/SVC */
		if (proto_word(&c, ev) != 0)
			BAD("ASA message: unknown protocol");
		if (id == 710002)
			ev->action = EVENT_ACTION_ACCEPT;
		return from_to_iface(ctx, &c, ev);
	case 733100:
		return msg_733100(ctx, &c, ev);
	case 733101:
		return msg_733101(ctx, &c, ev);
	default: { /* 4000nn: "IDS:2001 ICMP unreachable from A to B on interface I" */
		const char *q = fwl_find(c.p, end, FWL_LIT(" from "));
		fwl_slice(&ev->detail, c.p, q ? q : end);
		ev->action = EVENT_ACTION_LOG;
		return from_to_addr(ctx, &c, ev);
	}
	}
}

static enum parse_result asa_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					struct event *ev)
{
	const char *end = fwl_eol(line, len);
	struct cisco_msg m;
	if (cisco_find(line, end, &m) != 0 || !is_fw_facility(&m)) {
		struct syslog_header h;
		return syslog_header_parse(ctx, line, (size_t)(end - line), &h) == 0 ? PARSE_OTHER
										      : PARSE_UNKNOWN;
	}
	if (!id_is_event(msg_id(&m)))
		return PARSE_OTHER;
	cisco_envelope(ctx, line, m.pct, ev);
	return asa_message(ctx, &m, end, ev);
}

static enum parse_result asa_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					  struct event *ev)
{
	const char *end = fwl_eol(h->msg, h->msg_len);
	struct cisco_msg m;
	if (cisco_find(h->msg, end, &m) != 0 || !is_fw_facility(&m) ||
	    (m.pct - h->msg > 4 && !cisco_prefix_ok(h->msg, m.pct)) || !id_is_event(msg_id(&m)))
		return PARSE_UNKNOWN;
	ev->time_ns = h->time_ns;
	ev->flags |= EVENT_HAS_TIME;
	ev->sensor = h->host;
	return asa_message(ctx, &m, end, ev);
}

static int asa_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	struct cisco_msg m;
	if (cisco_find(line, end, &m) != 0 || !is_fw_facility(&m) || msg_id(&m) < 0)
		return 0;
	if (m.pct - line > 160)
		return 0;
	return id_is_event(msg_id(&m)) ? 90 : 50;
}

static const struct parser_example asa_examples[] = {
	{"PIX: packet denied by an access-group, syslog envelope",
	 "Jan 28 00:01:38 pix-inside %PIX-4-106023: Deny tcp src outside:213.22.40.190/1381 dst "
	 "inside:10.107.8.6/445 by access-group \"ACL-FROM-OUTSIDE\""},
	{"PIX: inbound connection denied",
	 "Jan 28 02:04:30 pix-inside %PIX-3-106010: Deny inbound tcp src "
	 "outside:67.200.184.237/1262 dst inside:10.107.96.170/80"},
	{"PIX: ICMP echo request denied",
	 "Jan 28 06:17:47 pix-inside %PIX-3-106010: Deny inbound icmp src outside:80.181.210.80 "
	 "dst inside:10.107.96.229 (type 8, code 0)"},
	{NULL, NULL},
};

const struct parser parser_cisco_asa = {
	.name = "cisco_asa",
	.summary = "Cisco ASA, PIX, FWSM and Firepower Threat Defense syslog (%ASA-/%PIX-/%FTD-): "
		   "denied and built connections, ACL hit counts, logins, threat detection",
	.time_note = "the syslog envelope's stamp when the line has one (local time in --tz, year "
		     "inferred); otherwise the firewall's own \"logging timestamp\" stamp "
		     "(\"Aug 14 2022 06:32:29\", local time in --tz, with its year) or an RFC 5424 "
		     "stamp with its zone; lines with neither carry no time",
	.examples = asa_examples,
	.detect = asa_detect,
	.parse_line = asa_parse_line,
	.parse_syslog = asa_parse_syslog,
};
