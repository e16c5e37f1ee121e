/* The text log of the Kippo and Cowrie SSH/telnet honeypots (kippo.log,
 * cowrie.log), Twisted's log format "STAMP [CONTEXT] MESSAGE":
 *   2018-03-12 09:17:54+0000 [kippo.core.honeypot.HoneyPotSSHFactory] New
 *     connection: 192.168.221.144:60532 (192.168.221.143:22) [session: 189]
 *   2018-03-12 09:17:54+0000 [SSHService ssh-userauth on
 *     HoneyPotTransport,188,192.168.221.144] login attempt [0000/1234] failed
 *   2018-03-12 11:08:21+0000 [SSHChannel session (0) on ... ,230,192.168.221.1] CMD: cd /
 * Cowrie writes "2020-12-08T06:28:43+0000" or "...43.123456Z" stamps and
 * Python 3 byte reprs in logins ("[b'root'/b'1234']"); the same lines may
 * come through syslog ("cowrie[2806]: 2020-12-08T06:28:43+0000 [...] ...").
 * Events: "New connection" (a contact the honeypot answered: outcome
 * open, both ends and ports), "login attempt [USER/PASS] failed|succeeded"
 * (auth_failure / auth_success, user = USER) and "CMD: ..." (detail = the
 * command); the client address of the last two is the last field of the
 * context ("HoneyPotTransport,188,ADDR"). Every other line of the honeypot
 * (key exchange, versions, "Command found:", continuation lines starting
 * with a blank) is other. */
#include <string.h>

#include "parse/auth_common.h"
#include "parse/fwlog_util.h"
#include "parse/json_scan.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

/* The stamp and the context at the start of [p, end): sets *cs and *ce
 * and returns the message, or NULL if the text is no Twisted log line. */
static const char *kp_head(const char *p, const char *end, struct event *ev, const char **cs,
			   const char **ce)
{
	if (end - p < 22 || !fwl_digit(*p))
		return NULL;
	const char *sp = memchr(p + 19, ' ', (size_t)(end - (p + 19)));
	if (!sp || end - sp < 3 || sp[1] != '[')
		return NULL;
	int zoned;
	if (json_iso_time(p, (size_t)(sp - p), &ev->time_ns, &zoned) != 0 || !zoned)
		return NULL;
	const char *rb = fwl_find(sp + 2, end, FWL_LIT("] "));
	if (!rb) {
		/* a message-less line "STAMP [ctx]" */
		if (end[-1] != ']')
			return NULL;
		rb = end - 1;
	}
	*cs = sp + 2;
	*ce = rb;
	return rb + 1 < end ? rb + 2 : end;
}

static int kp_marker(const char *cs, const char *ce, const char *msg, const char *end)
{
	return fwl_find(cs, ce, FWL_LIT("HoneyPot")) || fwl_find(cs, ce, FWL_LIT("owrie")) ||
	       fwl_find(cs, ce, FWL_LIT("kippo")) || fwl_starts(msg, end, FWL_LIT("New connection: ")) ||
	       fwl_starts(msg, end, FWL_LIT("login attempt ["));
}

/* The client address: the context's last comma-separated field. */
static int kp_client(const char *cs, const char *ce, struct event *ev)
{
	const char *c = NULL;
	for (const char *q = ce; q > cs; q--)
		if (q[-1] == ',') {
			c = q;
			break;
		}
	if (!c || addr_parse(c, (size_t)(ce - c), &ev->src) != 0)
		return -1;
	ev->flags |= EVENT_HAS_SRC;
	return 0;
}

/* "[USER/PASS]": USER, with Python 3's b'...' repr taken off. */
static int kp_user(const char *p, const char *end, struct event *ev)
{
	if ((end - p) >= 3 && p[0] == 'b' && (p[1] == '\'' || p[1] == '"')) {
		char q = p[1];
		for (const char *c = p + 2; c + 1 < end; c++)
			if (*c == q && c[1] == '/') {
				fwl_slice(&ev->user, p + 2, c);
				return 0;
			}
		return -1;
	}
	const char *sl = memchr(p, '/', (size_t)(end - p));
	if (!sl)
		return -1;
	fwl_slice(&ev->user, p, sl);
	return 0;
}

static enum parse_result kp_message(struct parse_ctx *ctx, const char *p, const char *end,
				    struct event *ev)
{
	const char *cs, *ce;
	int64_t stamp_ns;
	struct event tmp;
	event_clear(&tmp);
	const char *msg = kp_head(p, end, &tmp, &cs, &ce);
	if (!msg)
		return PARSE_UNKNOWN;
	stamp_ns = tmp.time_ns;

	if (fwl_starts(msg, end, FWL_LIT("New connection: "))) {
		const char *a = msg + 16, *ae = fwl_tok_end(a, end);
		const char *b = ae + 1;
		if (b >= end || *b != '(')
			goto bad_conn;
		const char *be = memchr(b, ')', (size_t)(end - b));
		if (!be || fwl_addr_port(a, ae, &ev->src, &ev->sport) != 0 ||
		    fwl_addr_port(b + 1, be, &ev->dst, &ev->dport) != 0)
			goto bad_conn;
		ev->flags |= EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_PORTS;
		ev->outcome = EVENT_OUTCOME_OPEN;
	} else if (fwl_starts(msg, end, FWL_LIT("login attempt ["))) {
		const char *u = msg + 15;
		int ok;
		if (end - u > 11 && memcmp(end - 11, "] succeeded", 11) == 0)
			ok = 1;
		else if (end - u > 8 && memcmp(end - 8, "] failed", 8) == 0)
			ok = 0;
		else
			return PARSE_OTHER; /* a Cowrie variant this parser does not know */
		if (kp_user(u, end - (ok ? 11 : 8), ev) != 0) {
			ctx->reason = "kippo: bad login attempt [user/password]";
			return PARSE_MALFORMED;
		}
		if (kp_client(cs, ce, ev) != 0) {
			ctx->reason = "kippo: no client address in the login line's context";
			return PARSE_MALFORMED;
		}
		ev->outcome = ok ? EVENT_OUTCOME_AUTH_SUCCESS : EVENT_OUTCOME_AUTH_FAILURE;
	} else if (fwl_starts(msg, end, FWL_LIT("CMD: "))) {
		if (kp_client(cs, ce, ev) != 0) {
			ctx->reason = "kippo: no client address in the command line's context";
			return PARSE_MALFORMED;
		}
		fwl_slice(&ev->detail, msg + 5, end);
	} else {
		return PARSE_OTHER;
	}
	ev->time_ns = stamp_ns;
	ev->flags |= EVENT_HAS_TIME;
	ev->proto = IPPROTO_NUM_TCP;
	ev->action = EVENT_ACTION_LOG;
	ev->flags |= EVENT_HONEYPOT; /* any contact is unsolicited (scan detection: TRW) */
	return PARSE_EVENT;
bad_conn:
	ctx->reason = "kippo: bad \"New connection: ADDR:PORT (ADDR:PORT)\"";
	return PARSE_MALFORMED;
}

static int kp_tag(const struct syslog_header *h)
{
	return auth_tag_is(h, FWL_LIT("cowrie")) || auth_tag_is(h, FWL_LIT("kippo"));
}

static enum parse_result kippo_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					    struct event *ev)
{
	if (!kp_tag(h))
		return PARSE_UNKNOWN;
	const char *m = h->msg, *end = fwl_eol(h->msg, h->msg_len);
	enum parse_result r = kp_message(ctx, m, end, ev);
	if (r == PARSE_UNKNOWN)
		return PARSE_OTHER; /* the daemon's own start-up chatter */
	if (r == PARSE_EVENT)
		ev->sensor = h->host;
	return r;
}

static enum parse_result kippo_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					  struct event *ev)
{
	const char *end = fwl_eol(line, len);
	if (line < end && (*line == '\t' || *line == ' '))
		return PARSE_OTHER; /* a continuation of the line before */
	enum parse_result r = kp_message(ctx, line, end, ev);
	if (r != PARSE_UNKNOWN)
		return r;
	struct syslog_header h;
	if (syslog_header_parse(ctx, line, (size_t)(end - line), &h) != 0)
		return PARSE_UNKNOWN;
	return kippo_parse_syslog(ctx, &h, ev);
}

static int kippo_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	const char *cs, *ce;
	struct event tmp;
	const char *msg = kp_head(line, end, &tmp, &cs, &ce);
	/* Twisted lines without a honeypot's mark (Cowrie's start-up
	 * messages) still count, weakly: their ISO stamps also look like
	 * journalctl's to the "syslog" reader, which must not outvote us */
	if (msg)
		return kp_marker(cs, ce, msg, end) ? 80 : 30;
	struct syslog_header h;
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 0, 2000, NULL);
	if (!syslog_header_looks_like(line, (size_t)(end - line)) ||
	    syslog_header_parse(&ctx, line, (size_t)(end - line), &h) != 0 || !kp_tag(&h))
		return 0;
	return 80;
}

static const struct parser_example kippo_examples[] = {
	{"Kippo: new connection (heniabida/kippo_log)",
	 "2018-03-12 09:17:54+0000 [kippo.core.honeypot.HoneyPotSSHFactory] New connection: "
	 "192.168.221.144:60532 (192.168.221.143:22) [session: 189]"},
	{"Kippo: failed login (heniabida/kippo_log)",
	 "2018-03-12 09:17:54+0000 [SSHService ssh-userauth on HoneyPotTransport,188,"
	 "192.168.221.144] login attempt [0000/123456789] failed"},
	{"Cowrie text log via syslog (crowdsecurity/hub)",
	 "Dec  8 06:28:43 ip.compute.internal cowrie[2806]: 2020-12-08T06:28:43+0000 "
	 "[cowrie.ssh.factory.CowrieSSHFactory] New connection: 4.2.3.1:47630 (1.2.3.4:2222) "
	 "[session: 3e5a9212b91f]"},
	{NULL, NULL},
};

const struct parser parser_kippo = {
	.name = "kippo",
	.summary = "Kippo and Cowrie honeypot text log (Twisted format): connections, logins, "
		   "commands",
	.time_note = "Twisted's stamp carries its UTC offset (\"+0000\") and year: exact; in "
		     "syslog, that inner stamp is used, not the envelope's",
	.examples = kippo_examples,
	.detect = kippo_detect,
	.parse_line = kippo_parse_line,
	.parse_syslog = kippo_parse_syslog,
};
