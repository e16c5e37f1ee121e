/* honeyd's connection log (honeyd -l FILE; honeyd(8), written by log.c):
 *   TIME PROTO S SRC SPORT DST DPORT[ [OS guess]]       a flow began
 *   TIME PROTO E SRC SPORT DST DPORT: RECEIVED SENT     it ended (bytes)
 *   TIME PROTO - SRC SPORT DST DPORT: SIZE FLAGS[ [OS]] a packet outside a flow
 *   TIME icmp(1) - SRC DST: TYPE(CODE): SIZE[ [OS]]
 *   TIME PROTO - SRC DST: SIZE                          other protocols
 * TIME is "2023-04-28-15:53:38.9191" in the machine's local time (the
 * fraction in units of 100 us); honeyd 0.5 also wrote epoch seconds after
 * it, which are used when present. PROTO is "tcp(6)", "udp(17)",
 * "icmp(1)", "unkn(N)". FLAGS are the letters FSRPAUEC of the packet's TCP
 * flags (possibly none).
 *
 * An S line is the contact: honeyd logs it when it creates the flow, after
 * answering the SYN with a SYN-ACK (or taking a UDP datagram on an open
 * port), so its outcome is open. A "-" line is one packet that started no
 * flow (to a closed or blocked port, or a stray ACK): an event with its
 * flags and IP length, outcome unknown (honeyd resets or ignores it as the
 * template says, which the log does not). An E line closes the flow its
 * S line opened; counting it as well would count each connection twice,
 * so it is "other" (its byte counts are checked, but an event has no field
 * for them). "honeyd log started/stopped" and service-script lines
 * ("PROTO SRC SPORT DST DPORT: |text|", the -s log) are other too.
 * detail = honeyd's passive OS guess, when it made one. */
#include <string.h>

#include "core/util.h"
#include "parse/fwlog_util.h"
#include "parse/json_scan.h"
#include "parse/parser.h"

static int hd_digits(const char *p, int n, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < n; i++) {
		if (!fwl_digit(p[i]))
			return -1;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	*out = v;
	return 0;
}

/* "YYYY-MM-DD-HH:MM:SS.ffff" at p; returns the end of the stamp or NULL. */
static const char *hd_stamp(const char *p, const char *end, unsigned t[6], uint32_t *ns)
{
	if (end - p < 21 || hd_digits(p, 4, &t[0]) || p[4] != '-' || hd_digits(p + 5, 2, &t[1]) ||
	    p[7] != '-' || hd_digits(p + 8, 2, &t[2]) || p[10] != '-' ||
	    hd_digits(p + 11, 2, &t[3]) || p[13] != ':' || hd_digits(p + 14, 2, &t[4]) ||
	    p[16] != ':' || hd_digits(p + 17, 2, &t[5]) || p[19] != '.')
		return NULL;
	if (t[1] < 1 || t[1] > 12 || t[2] < 1 || t[2] > 31 || t[3] > 23 || t[4] > 59 || t[5] > 60)
		return NULL;
	const char *q = p + 20;
	uint32_t frac = 0;
	int digits = 0;
	while (q < end && fwl_digit(*q)) {
		if (digits < 9) {
			frac = frac * 10 + (uint32_t)(*q - '0');
			digits++;
		}
		q++;
	}
	if (digits == 0)
		return NULL;
	while (digits++ < 9)
		frac *= 10;
	*ns = frac;
	return q;
}

/* "name(N)" in [s, e): the protocol number, or -1. */
static int hd_proto(const char *s, const char *e)
{
	const char *lp = memchr(s, '(', (size_t)(e - s));
	if (!lp || lp == s || e - lp < 3 || e[-1] != ')')
		return -1;
	uint64_t v;
	if (parse_u64(lp + 1, (size_t)(e - 1 - (lp + 1)), 255, &v) != 0)
		return -1;
	return (int)v;
}

static int hd_all_digits(const char *s, const char *e)
{
	if (s >= e)
		return 0;
	for (; s < e; s++)
		if (!fwl_digit(*s))
			return 0;
	return 1;
}

/* The next space-separated token at *pp: [*ts, *te); advances *pp past
 * one space. Returns 0 when there is none. */
static int hd_tok(const char **pp, const char *end, const char **ts, const char **te)
{
	const char *p = *pp;
	if (p >= end)
		return 0;
	/* a byte loop: tokens are shorter than memchr's set-up */
	const char *sp = p;
	while (sp < end && *sp != ' ')
		sp++;
	*ts = p;
	*te = sp;
	*pp = sp < end ? sp + 1 : end;
	return *te > *ts;
}

/* "T(C)" in [s, e) (a trailing ':' already removed): ICMP type and code. */
static int hd_icmp(const char *s, const char *e, struct event *ev)
{
	const char *lp = memchr(s, '(', (size_t)(e - s));
	uint64_t t, c;
	if (!lp || e - lp < 3 || e[-1] != ')' || parse_u64(s, (size_t)(lp - s), 255, &t) != 0 ||
	    parse_u64(lp + 1, (size_t)(e - 1 - (lp + 1)), 255, &c) != 0)
		return -1;
	ev->icmp_type = (uint8_t)t;
	ev->icmp_code = (uint8_t)c;
	ev->flags |= EVENT_HAS_ICMP;
	return 0;
}

/* The OS guess "[...]" in [p, end), into detail. */
static void hd_os_guess(const char *p, const char *end, struct event *ev)
{
	const char *lb = memchr(p, '[', (size_t)(end - p));
	if (!lb)
		return;
	const char *rb = memchr(lb, ']', (size_t)(end - lb));
	if (rb && rb > lb + 1)
		fwl_slice(&ev->detail, lb + 1, rb);
}

static enum parse_result hd_bad(struct parse_ctx *ctx, const char *why)
{
	ctx->reason = why;
	return PARSE_MALFORMED;
}

static enum parse_result honeyd_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					   struct event *ev)
{
	const char *end = fwl_eol(line, len);
	unsigned t[6];
	uint32_t ns;
	const char *p = hd_stamp(line, end, t, &ns);
	if (!p || p >= end || *p != ' ')
		return PARSE_UNKNOWN;
	p++;
	if (fwl_starts(p, end, FWL_LIT("honeyd log ")))
		return PARSE_OTHER;

	const char *ts, *te;
	if (!hd_tok(&p, end, &ts, &te))
		return PARSE_UNKNOWN;
	int have_epoch = 0;
	const char *es = NULL, *ee = NULL;
	if (hd_all_digits(ts, te)) {
		/* honeyd 0.5: epoch seconds after the stamp */
		have_epoch = 1;
		es = ts;
		ee = te;
		if (!hd_tok(&p, end, &ts, &te))
			return hd_bad(ctx, "honeyd: cut short after the stamp");
	}
	int proto = hd_proto(ts, te);
	if (proto < 0)
		return PARSE_UNKNOWN;

	const char *ks, *ke;
	if (!hd_tok(&p, end, &ks, &ke))
		return hd_bad(ctx, "honeyd: cut short after the protocol");
	char kind = ke - ks == 1 ? *ks : 0;
	if (kind != 'S' && kind != 'E' && kind != '-') {
		/* the service log: "tcp(6) SRC SPORT DST DPORT: |text|" */
		if (fwl_find(ks, end, FWL_LIT(": |")))
			return PARSE_OTHER;
		return hd_bad(ctx, "honeyd: no S, E or - after the protocol");
	}

	/* the tuple: SRC [SPORT] DST [DPORT]; on E and - lines its last token
	 * ends in ':' (which an IPv6 address may also do, so exactly one is
	 * taken off) */
	int colon = kind != 'S';
	const char *ss, *se, *as, *ae;
	if (!hd_tok(&p, end, &ss, &se) || !hd_tok(&p, end, &as, &ae))
		return hd_bad(ctx, "honeyd: cut short in the address tuple");
	if (addr_parse(ss, (size_t)(se - ss), &ev->src) != 0)
		return hd_bad(ctx, "honeyd: bad source address");
	if (hd_all_digits(as, ae)) {
		const char *ds, *de, *ps, *pe;
		if (fwl_port(as, ae, &ev->sport) != 0)
			return hd_bad(ctx, "honeyd: bad source port");
		if (!hd_tok(&p, end, &ds, &de) || !hd_tok(&p, end, &ps, &pe))
			return hd_bad(ctx, "honeyd: cut short in the address tuple");
		if (colon) {
			if (pe[-1] != ':')
				return hd_bad(ctx, "honeyd: no ':' after the tuple");
			pe--;
		}
		if (addr_parse(ds, (size_t)(de - ds), &ev->dst) != 0)
			return hd_bad(ctx, "honeyd: bad destination address");
		if (fwl_port(ps, pe, &ev->dport) != 0)
			return hd_bad(ctx, "honeyd: bad destination port");
		ev->flags |= EVENT_HAS_PORTS;
	} else {
		if (colon) {
			if (ae[-1] != ':')
				return hd_bad(ctx, "honeyd: no ':' after the tuple");
			ae--;
		}
		if (addr_parse(as, (size_t)(ae - as), &ev->dst) != 0)
			return hd_bad(ctx, "honeyd: bad destination address");
		/* ICMP: "SRC DST: TYPE(CODE): SIZE" */
		if (kind == '-' && p < end && fwl_digit(*p) &&
		    memchr(p, '(', (size_t)(fwl_tok_end(p, end) - p))) {
			const char *is, *ie;
			hd_tok(&p, end, &is, &ie);
			if (ie[-1] != ':' || hd_icmp(is, ie - 1, ev) != 0)
				return hd_bad(ctx, "honeyd: bad ICMP type(code)");
		}
	}
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_DST;

	if (kind == 'E') {
		/* ": RECEIVED SENT" */
		const char *rs, *re, *bs, *be;
		uint64_t v;
		if (!hd_tok(&p, end, &rs, &re) || !hd_tok(&p, end, &bs, &be) ||
		    parse_u64(rs, (size_t)(re - rs), UINT64_MAX, &v) != 0 ||
		    parse_u64(bs, (size_t)(be - bs), UINT64_MAX, &v) != 0 || p != end)
			return hd_bad(ctx, "honeyd: bad byte counts on an E line");
		return PARSE_OTHER;
	}
	if (kind == '-') {
		const char *zs, *ze;
		uint64_t size;
		if (!hd_tok(&p, end, &zs, &ze) ||
		    parse_u64(zs, (size_t)(ze - zs), 0xFFFFFFFFu, &size) != 0)
			return hd_bad(ctx, "honeyd: bad packet size");
		ev->ip_len = (uint32_t)size;
		ev->flags |= EVENT_HAS_LEN;
		if (proto == IPPROTO_NUM_TCP) {
			/* " FLAGS": letters, possibly none ("40 " then ends
			 * the line, or "40  [OS]"; a shipper that trims the
			 * blank leaves "40": no flags either) */
			const char *fs = p, *fe = fs;
			while (fe < end && *fe != ' ')
				fe++;
			uint8_t fl = 0;
			for (const char *f = fs; f < fe; f++) {
				const char *where = memchr("FSRPAUEC", *f, 8);
				if (!where)
					return hd_bad(ctx, "honeyd: bad TCP flag letter");
				fl |= (uint8_t)(1u << (where - "FSRPAUEC"));
			}
			ev->tcp_flags = fl;
			ev->flags |= EVENT_HAS_TCP_FLAGS;
			p = fe;
		}
	}
	hd_os_guess(p, end, ev);

	if (have_epoch) {
		struct json_val ep = {JSON_NUMBER, 0, es, (size_t)(ee - es)};
		if (json_epoch_ns(&ep, &ev->time_ns) != 0)
			return hd_bad(ctx, "honeyd: bad epoch seconds");
		ev->time_ns += ns;
		ev->flags |= EVENT_HAS_TIME;
	} else {
		if (t[0] < JSON_YEAR_MIN || t[0] > JSON_YEAR_MAX)
			return hd_bad(ctx, "honeyd: year out of range");
		fwl_time_local(ctx, ev, (int)t[0], t[1], t[2], t[3], t[4], t[5], ns);
	}
	ev->proto = (uint8_t)proto;
	ev->action = EVENT_ACTION_LOG;
	ev->flags |= EVENT_HONEYPOT; /* any contact is unsolicited (scan detection: TRW) */
	if (kind == 'S')
		ev->outcome = EVENT_OUTCOME_OPEN;
	return PARSE_EVENT;
}

static int honeyd_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	unsigned t[6];
	uint32_t ns;
	const char *p = hd_stamp(line, end, t, &ns);
	if (!p || p >= end || *p != ' ')
		return 0;
	p++;
	if (fwl_starts(p, end, FWL_LIT("honeyd log ")))
		return 90;
	const char *ts, *te;
	if (!hd_tok(&p, end, &ts, &te))
		return 0;
	if (hd_all_digits(ts, te) && !hd_tok(&p, end, &ts, &te))
		return 0;
	return hd_proto(ts, te) >= 0 ? 90 : 0;
}

static const struct parser_example honeyd_examples[] = {
	{"flow start (HoneyEVSE)",
	 "2023-04-28-15:53:49.3951 tcp(6) S 192.168.10.4 52404 185.213.114.29 80"},
	{"packet outside a flow, with its TCP flags (HoneyEVSE)",
	 "2023-04-28-15:58:20.3349 tcp(6) - 192.168.10.4 46170 185.213.114.29 443: 60 S"},
	{"ICMP echo request (HoneyEVSE)",
	 "2023-04-28-15:53:38.9191 icmp(1) - 192.168.10.4 185.213.114.29: 8(0): 84"},
	{NULL, NULL},
};

const struct parser parser_honeyd = {
	.name = "honeyd",
	.summary = "honeyd connection log (-l): flow starts, packets outside flows, flow ends",
	.time_note = "\"2023-04-28-15:53:38.9191\" is local time in --tz (honeyd writes "
		     "localtime()), with its year; honeyd 0.5's epoch seconds, when present, "
		     "are used instead",
	.examples = honeyd_examples,
	.detect = honeyd_detect,
	.parse_line = honeyd_parse_line,
};
