/* Dropbear, the SSH server of routers and embedded Linux (OpenWrt, DD-WRT,
 * busybox systems), as svr-auth.c and svr-authpasswd.c log it:
 *   bad password attempt for 'USER' from ADDR:PORT
 *   login attempt for nonexistent user from ADDR:PORT
 *   Password auth succeeded for 'USER' from ADDR:PORT
 *   Pubkey auth succeeded for 'USER' with key ... from ADDR:PORT
 *   Exit before auth from <ADDR:PORT>: (user 'U', N fails): Max auth tries reached ...
 * ADDR:PORT is written without brackets, IPv6 too ("::ffff:192.0.2.1:60495"),
 * so the port is what follows the last colon. Failures are auth-failure
 * events on 22/tcp (the hammering detector counts them), successes
 * auth-success; the rest of dropbear's lines are other. */
#include <string.h>

#include "parse/auth_common.h"
#include "parse/fwlog_util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

#define SSH_PORT 22

/* The quoted user after lead ("for 'root'"), into ev->user. */
static void quoted_user(const char *p, const char *end, struct event *ev)
{
	if (p >= end || *p != '\'')
		return;
	const char *q = memchr(p + 1, '\'', (size_t)(end - p - 1));
	if (q)
		fwl_slice(&ev->user, p + 1, q);
}

/* "[PID] Mmm dd hh:mm:ss " that dropbear puts before its own messages when
 * its stderr is what reaches syslog. */
static const char *skip_own_stamp(const char *m, const char *end)
{
	if (m >= end || *m != '[')
		return m;
	const char *q = memchr(m, ']', (size_t)(end - m));
	if (!q || end - q < 18 || q[1] != ' ' || q[5] != ' ' || q[8] != ' ' || q[11] != ':' ||
	    q[14] != ':' || q[17] != ' ')
		return m;
	return q + 18;
}

static enum parse_result dropbear_msg(const char *m, const char *end, struct event *ev)
{
	uint8_t outcome;
	const char *what_end, *user = NULL;
	m = skip_own_stamp(m, end);
	if (fwl_starts_ci(m, end, FWL_LIT("bad password attempt for "))) {
		outcome = EVENT_OUTCOME_AUTH_FAILURE;
		what_end = m + 20;
		user = m + 25;
	} else if (fwl_starts_ci(m, end, FWL_LIT("login attempt for nonexistent user"))) {
		outcome = EVENT_OUTCOME_AUTH_FAILURE;
		what_end = m + 34;
	} else if (fwl_starts(m, end, FWL_LIT("Password auth succeeded for ")) ||
		   fwl_starts(m, end, FWL_LIT("Pubkey auth succeeded for "))) {
		outcome = EVENT_OUTCOME_AUTH_SUCCESS;
		what_end = fwl_find(m, end, FWL_LIT(" for "));
		user = what_end + 5;
	} else if (fwl_starts(m, end, FWL_LIT("Exit before auth (user ")) &&
		   fwl_find(m, end, FWL_LIT("Max auth tries reached"))) {
		/* "... (user 'U', N fails): Max auth tries reached - user 'U' from A:P" */
		outcome = EVENT_OUTCOME_AUTH_FAILURE;
		what_end = m + 16;
		user = m + 23;
	} else if (fwl_starts(m, end, FWL_LIT("Exit before auth from <"))) {
		/* ends a session that never logged in; a failure when it says so */
		if (!fwl_find(m, end, FWL_LIT("Max auth tries reached")))
			return PARSE_OTHER;
		const char *as = m + 23, *ae = memchr(as, '>', (size_t)(end - as));
		if (!ae || fwl_addr_port(as, ae, &ev->src, &ev->sport) != 0)
			return PARSE_OTHER;
		const char *u = fwl_find(ae, end, FWL_LIT("(user "));
		if (u)
			quoted_user(u + 6, end, ev);
		fwl_slice(&ev->detail, m, m + 16);
		outcome = EVENT_OUTCOME_AUTH_FAILURE;
		goto done;
	} else {
		return PARSE_OTHER;
	}
	const char *f = fwl_rfind(m, end, FWL_LIT(" from "));
	if (!f)
		return PARSE_OTHER;
	const char *as = f + 6, *ae = fwl_tok_end(as, end);
	if (fwl_addr_port(as, ae, &ev->src, &ev->sport) != 0)
		return PARSE_OTHER;
	if (user)
		quoted_user(user, f, ev);
	fwl_slice(&ev->detail, m, what_end);
done:
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_PORTS;
	ev->proto = IPPROTO_NUM_TCP;
	ev->dport = SSH_PORT;
	ev->outcome = outcome;
	ev->action = outcome == EVENT_OUTCOME_AUTH_SUCCESS ? EVENT_ACTION_ACCEPT : EVENT_ACTION_LOG;
	return PARSE_EVENT;
}

static enum parse_result dropbear_from_header(struct parse_ctx *ctx, const struct syslog_header *h, struct event *ev,
					      int claim_others)
{
	if (!auth_tag_is(h, FWL_LIT("dropbear")))
		return claim_others ? PARSE_OTHER : PARSE_UNKNOWN;
	auth_from_header(h, ev);
	return dropbear_msg(h->msg, fwl_eol(h->msg, h->msg_len), ev);
}

static enum parse_result dropbear_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					     struct event *ev)
{
	return auth_parse_line(ctx, line, len, ev, dropbear_from_header);
}

static enum parse_result dropbear_parse_syslog(struct parse_ctx *ctx,
					       const struct syslog_header *h, struct event *ev)
{
	return dropbear_from_header(ctx, h, ev, 0);
}

static int dropbear_detect(const char *line, size_t len)
{
	struct syslog_header h;
	if (auth_detect_header(line, len, &h) != 0)
		return 0;
	return auth_tag_is(&h, FWL_LIT("dropbear")) ? 80 : 0;
}

static const struct parser_example dropbear_examples[] = {
	{"a wrong password (fail2ban test log)",
	 "Mar 24 15:25:51 buffalo1 dropbear[4092]: bad password attempt for 'root' from "
	 "198.51.100.87:5543"},
	{"an unknown user, IPv6-mapped client (fail2ban test log)",
	 "Feb 11 15:23:17 dropbear[1252]: login attempt for nonexistent user from "
	 "::ffff:198.51.100.215:60495"},
	{NULL, NULL},
};

const struct parser parser_dropbear = {
	.name = "dropbear",
	.summary = "Dropbear SSH server (routers, embedded Linux): failed and accepted logins, "
		   "unknown users, sessions ended after too many tries",
	.time_note = "the syslog envelope's stamp: BSD stamps are local time in --tz with the "
		     "year inferred; RFC 3339 stamps carry their zone",
	.examples = dropbear_examples,
	.detect = dropbear_detect,
	.parse_line = dropbear_parse_line,
	.parse_syslog = dropbear_parse_syslog,
};
