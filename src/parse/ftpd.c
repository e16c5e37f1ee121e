/* FTP servers' login attempts: brute force on 21/tcp as events with an
 * outcome, like sshd's (auth failure, auth success).
 *
 * ProFTPD through syslog, tag "proftpd[PID]" with or without the colon
 * (older versions write "proftpd[PID] SERVER (CLIENT[ADDR]): ..."):
 *   USER U (Login failed): REASON            failure
 *   USER U: no such user found from ... to DST:PORT   failure
 *   SECURITY VIOLATION: root login attempted  failure
 *   Maximum login attempts (N) exceeded       failure
 *   USER U: Login successful.                 success
 * vsftpd through syslog (PAM: "vsftpd: (pam_unix) authentication failure;
 * ... rhost=ADDR [user=U]" or the tag "vsftpd(pam_unix)[PID]"), and its own
 * vsftpd.log ("Fri Jan 19 12:20:33 2007 [pid 2] [U] FAIL LOGIN: Client
 * "ADDR"", "OK LOGIN", in local time with the year). Other lines of these
 * daemons are "other". */
#include <string.h>

#include "parse/auth_common.h"
#include "parse/fwlog_util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

#define FTP_PORT 21

static void ftp_event(struct event *ev, uint8_t outcome)
{
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_PORTS;
	ev->proto = IPPROTO_NUM_TCP;
	if (!ev->dport)
		ev->dport = FTP_PORT;
	ev->outcome = outcome;
	ev->action = outcome == EVENT_OUTCOME_AUTH_SUCCESS ? EVENT_ACTION_ACCEPT : EVENT_ACTION_LOG;
}

/* ---- ProFTPD --------------------------------------------------------------- */

/* "to DST:PORT" at the end of a "no such user" line: the server side. */
static void proftpd_to(const char *p, const char *end, struct event *ev)
{
	const char *t = fwl_rfind(p, end, FWL_LIT(" to "));
	if (!t)
		return;
	const char *s = t + 4, *e = fwl_tok_end(s, end);
	uint16_t port;
	if (fwl_addr_port(s, e, &ev->dst, &port) != 0)
		return;
	ev->flags |= EVENT_HAS_DST;
	ev->dport = port;
}

/* After the tag: "SERVER (CLIENT[ADDR]): REST" or "SERVER (CLIENT[ADDR]) - REST". */
static enum parse_result proftpd_msg(const char *m, const char *end, struct event *ev)
{
	const char *open = fwl_find(m, end, FWL_LIT(" ("));
	if (!open)
		return PARSE_OTHER;
	const char *close = fwl_find(open, end, FWL_LIT("]):"));
	const char *rest;
	if (close) {
		rest = close + 3;
	} else if ((close = fwl_find(open, end, FWL_LIT("]) - "))) != NULL) {
		rest = close + 4;
	} else {
		return PARSE_OTHER;
	}
	const char *lb = NULL;
	for (const char *q = open; q < close; q++)
		if (*q == '[')
			lb = q;
	if (!lb || addr_parse(lb + 1, (size_t)(close - lb - 1), &ev->src) != 0)
		return PARSE_OTHER; /* no address, or only a name */
	rest = fwl_skip_sp(rest, end);
	uint8_t outcome;
	if (fwl_starts(rest, end, FWL_LIT("USER "))) {
		/* The user name is the client's text and may imitate what follows
		 * it: proftpd's own words are the last ones on the line. */
		const char *u = rest + 5, *ue;
		if ((ue = fwl_rfind(u, end, FWL_LIT(": no such user found from "))) != NULL) {
			outcome = EVENT_OUTCOME_AUTH_FAILURE;
			fwl_slice(&ev->detail, ue + 2, ue + 20);
			proftpd_to(ue, end, ev);
		} else if ((ue = fwl_rfind(u, end, FWL_LIT(" (Login failed)"))) != NULL) {
			outcome = EVENT_OUTCOME_AUTH_FAILURE;
			fwl_slice(&ev->detail, ue + 1, ue + 15);
		} else if ((ue = fwl_rfind(u, end, FWL_LIT(": Login successful"))) != NULL) {
			outcome = EVENT_OUTCOME_AUTH_SUCCESS;
			fwl_slice(&ev->detail, ue + 2, ue + 18);
		} else {
			return PARSE_OTHER;
		}
		fwl_slice(&ev->user, u, ue);
	} else if (fwl_starts_ci(rest, end, FWL_LIT("SECURITY VIOLATION: root login attempted"))) {
		outcome = EVENT_OUTCOME_AUTH_FAILURE;
		fwl_slice(&ev->user, rest + 20, rest + 24);
		fwl_slice(&ev->detail, rest, rest + 18);
	} else if (fwl_starts(rest, end, FWL_LIT("Maximum login attempts"))) {
		outcome = EVENT_OUTCOME_AUTH_FAILURE;
		fwl_slice(&ev->detail, rest, rest + 22);
	} else {
		return PARSE_OTHER;
	}
	ftp_event(ev, outcome);
	return PARSE_EVENT;
}

/* The message after proftpd's tag, or NULL if the line is not proftpd's. */
static const char *proftpd_body(const struct syslog_header *h, const char *end)
{
	if (h->tag.len)
		return auth_tag_is(h, FWL_LIT("proftpd")) ? h->msg : NULL;
	/* "proftpd[PID] SERVER (...)": no colon, so no tag for the envelope */
	if (!fwl_starts(h->msg, end, FWL_LIT("proftpd[")))
		return NULL;
	const char *q = memchr(h->msg, ']', (size_t)(end - h->msg));
	return q && q + 1 < end && q[1] == ' ' ? q + 2 : NULL;
}

/* ---- vsftpd ------------------------------------------------------------------ */

/* "... rhost=ADDR [user=U]" of a PAM failure line. */
/* pam_unix writes "... ruser=U rhost=R[ user=U]", and for vsftpd U is the
 * name the client typed, spaces and all: a name with " rhost=" in it must
 * not choose the address. The real rhost is the one whose rest of the line
 * is nothing, or " user=" and the same text as between "ruser=" and it
 * (or anything, when ruser is empty: then nothing came before it). */
static const char *pam_real_rhost(const char *m, const char *end, const char **user,
				  const char **user_end)
{
	const char *ru = fwl_find(m, end, FWL_LIT(" ruser="));
	const char *from = ru ? ru + 7 : m;
	const char *alone = NULL;
	while (end > m && end[-1] == ' ')
		end--;
	for (const char *r = from; (r = fwl_find(r, end, FWL_LIT(" rhost="))) != NULL; r += 7) {
		const char *ve = fwl_tok_end(r + 7, end);
		if (ve == end) {
			alone = r; /* the last field: no user= after it */
			continue;
		}
		if (!ru || !fwl_starts(ve, end, FWL_LIT(" user=")))
			continue;
		/* an empty ruser (older pam_unix) leaves nothing to imitate */
		size_t un = (size_t)(r - from);
		if (un == 0 ||
		    ((size_t)(end - (ve + 6)) == un && memcmp(ve + 6, from, un) == 0)) {
			*user = ve + 6;
			*user_end = end;
			return r + 7;
		}
	}
	if (alone && ru) {
		*user = from;
		*user_end = alone;
	}
	return alone ? alone + 7 : NULL;
}

static enum parse_result pam_rhost(const char *m, const char *end, struct event *ev)
{
	const char *u = NULL, *ue = NULL;
	const char *as = pam_real_rhost(m, end, &u, &ue);
	if (!as)
		return PARSE_OTHER;
	const char *ae = fwl_tok_end(as, end);
	if (ae == as || addr_parse(as, (size_t)(ae - as), &ev->src) != 0)
		return PARSE_OTHER; /* no rhost, or a host name */
	if (u && ue > u)
		fwl_slice(&ev->user, u, ue);
	const char *semi = memchr(m, ';', (size_t)(end - m));
	fwl_slice(&ev->detail, m, semi ? semi : m);
	ftp_event(ev, EVENT_OUTCOME_AUTH_FAILURE);
	return PARSE_EVENT;
}

/* "[USER] FAIL LOGIN: Client "ADDR"..." (vsftpd.log after its pid, and
 * vsftpd's syslog messages): PARSE_UNKNOWN when q is no login line. */
static enum parse_result vsftpd_login(struct parse_ctx *ctx, const char *q, const char *end,
				      struct event *ev)
{
	struct slice user = {0};
	if (q < end && *q == '[') {
		/* the user, once known, as typed: "]" and quotes included, so
		 * vsftpd's own words are the last "] ... LOGIN: Client" */
		const char *f = fwl_rfind(q, end, FWL_LIT("] FAIL LOGIN: Client \""));
		const char *o = fwl_rfind(q, end, FWL_LIT("] OK LOGIN: Client \""));
		const char *ue = !f ? o : !o ? f : f > o ? f : o;
		if (!ue)
			return PARSE_UNKNOWN;
		fwl_slice(&user, q + 1, ue);
		q = ue + 2;
	}
	uint8_t outcome;
	if (fwl_starts(q, end, FWL_LIT("FAIL LOGIN: Client \"")))
		outcome = EVENT_OUTCOME_AUTH_FAILURE;
	else if (fwl_starts(q, end, FWL_LIT("OK LOGIN: Client \"")))
		outcome = EVENT_OUTCOME_AUTH_SUCCESS;
	else
		return PARSE_UNKNOWN;
	const char *as = (const char *)memchr(q, '"', (size_t)(end - q)) + 1;
	const char *ae = memchr(as, '"', (size_t)(end - as));
	if (!ae || addr_parse(as, (size_t)(ae - as), &ev->src) != 0) {
		ctx->reason = "vsftpd: client is not an address";
		return PARSE_MALFORMED;
	}
	ev->user = user;
	fwl_slice(&ev->detail, q, memchr(q, ':', (size_t)(end - q)));
	ftp_event(ev, outcome);
	return PARSE_EVENT;
}

static enum parse_result vsftpd_syslog_msg(struct parse_ctx *ctx, const struct syslog_header *h,
					   const char *end, struct event *ev)
{
	const char *m = h->msg;
	enum parse_result r = vsftpd_login(ctx, m, end, ev);
	if (r != PARSE_UNKNOWN)
		return r;
	/* PAM: "(pam_unix) ", "pam_unix(vsftpd:auth): " or nothing before it */
	if (fwl_starts(m, end, FWL_LIT("(pam_unix) ")))
		m += 11;
	else if (fwl_starts(m, end, FWL_LIT("pam_unix(vsftpd:auth): ")))
		m += 23;
	if (!fwl_starts(m, end, FWL_LIT("authentication failure;")))
		return PARSE_OTHER;
	return pam_rhost(m, end, ev);
}

static const char *const month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* "Www Mmm dd hh:mm:ss yyyy " (ctime) at p: the time into ev, or NULL. */
static const char *ctime_stamp(struct parse_ctx *ctx, const char *p, const char *end,
			       struct event *ev)
{
	if (end - p < 25 || p[3] != ' ' || p[7] != ' ')
		return NULL;
	unsigned mon = 0;
	while (mon < 12 && memcmp(p + 4, month_names[mon], 3) != 0)
		mon++;
	if (mon == 12)
		return NULL;
	uint64_t d, y;
	const char *q = fwl_skip_sp(p + 8, end);
	const char *de = fwl_uint(q, end, 31, &d);
	if (!de || d == 0 || de >= end || *de != ' ')
		return NULL;
	unsigned hh, mi, ss;
	if (fwl_hms(de + 1, end, &hh, &mi, &ss) != 0 || end - de < 10 || de[9] != ' ')
		return NULL;
	const char *ye = fwl_uint(de + 10, end, 9999, &y);
	if (!ye || ye - (de + 10) != 4 || y < 1970 || y > 2200)
		return NULL;
	fwl_time_local(ctx, ev, (int)y, mon + 1, (unsigned)d, hh, mi, ss, 0);
	return ye;
}

/* vsftpd.log: "STAMP [pid N] [USER] FAIL LOGIN: Client "ADDR"". */
static enum parse_result vsftpd_log_line(struct parse_ctx *ctx, const char *line,
					 const char *end, struct event *ev)
{
	const char *p = ctime_stamp(ctx, line, end, ev);
	if (!p || !fwl_starts(p, end, FWL_LIT(" [pid ")))
		return PARSE_UNKNOWN;
	const char *q = memchr(p + 6, ']', (size_t)(end - p - 6));
	if (!q)
		return PARSE_UNKNOWN;
	enum parse_result r = vsftpd_login(ctx, fwl_skip_sp(q + 1, end), end, ev);
	return r == PARSE_UNKNOWN ? PARSE_OTHER : r; /* CONNECT, uploads, downloads: other */
}

/* ---- the parser -------------------------------------------------------------- */

static enum parse_result ftpd_from_header(struct parse_ctx *ctx, const struct syslog_header *h,
					  struct event *ev, int claim_others)
{
	const char *end = fwl_eol(h->msg, h->msg_len);
	const char *pb = proftpd_body(h, end);
	if (pb) {
		auth_from_header(h, ev);
		return proftpd_msg(pb, end, ev);
	}
	if (auth_tag_is(h, FWL_LIT("vsftpd")) || auth_tag_is(h, FWL_LIT("vsftpd(pam_unix)"))) {
		if (fwl_starts(h->msg, end, FWL_LIT("refused connect from "))) {
			/* libwrap's refusal: tcp_wrappers' line, read the same way */
			if (!claim_others)
				return PARSE_UNKNOWN;
			auth_from_header(h, ev);
			return auth_refused(h->msg, end, FTP_PORT, ev) == PARSE_EVENT ? PARSE_EVENT
										: PARSE_OTHER;
		}
		auth_from_header(h, ev);
		return vsftpd_syslog_msg(ctx, h, end, ev);
	}
	return claim_others ? PARSE_OTHER : PARSE_UNKNOWN;
}

static enum parse_result ftpd_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					 struct event *ev)
{
	const char *end = fwl_eol(line, len);
	enum parse_result r = vsftpd_log_line(ctx, line, end, ev);
	if (r != PARSE_UNKNOWN)
		return r;
	struct syslog_header h;
	if (syslog_header_parse(ctx, line, (size_t)(end - line), &h) != 0)
		return PARSE_UNKNOWN;
	return ftpd_from_header(ctx, &h, ev, 1);
}

static enum parse_result ftpd_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					   struct event *ev)
{
	return ftpd_from_header(ctx, h, ev, 0);
}

static int ftpd_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	struct parse_ctx ctx;
	struct event ev;
	parse_ctx_init(&ctx, 0, 2000, NULL);
	event_clear(&ev);
	if (vsftpd_log_line(&ctx, line, end, &ev) != PARSE_UNKNOWN)
		return 80;
	struct syslog_header h;
	if (!syslog_header_looks_like(line, (size_t)(end - line)) ||
	    syslog_header_parse(&ctx, line, (size_t)(end - line), &h) != 0)
		return 0;
	if (proftpd_body(&h, end))
		return 80;
	if (!auth_tag_is(&h, FWL_LIT("vsftpd")) && !auth_tag_is(&h, FWL_LIT("vsftpd(pam_unix)")))
		return 0;
	/* a libwrap refusal is tcp_wrappers' line */
	return fwl_starts(h.msg, end, FWL_LIT("refused connect from ")) ? 0 : 80;
}

static const struct parser_example ftpd_examples[] = {
	{"ProFTPD, a wrong password (fail2ban test log)",
	 "Jun 09 07:30:58 platypus.ace-hosting.com.au proftpd[11864] platypus.ace-hosting.com.au "
	 "(mail.bloodymonster.net[::ffff:67.227.224.66]): USER username (Login failed): Incorrect "
	 "password."},
	{"vsftpd through PAM (fail2ban test log)",
	 "Feb 6 12:02:29 server vsftpd(pam_unix)[15522]: authentication failure; logname= uid=0 "
	 "euid=0 tty= ruser= rhost=64.168.103.1 user=user1"},
	{"vsftpd's own log (fail2ban test log)",
	 "Fri Jan 19 12:20:33 2007 [pid 27202] [anonymous] FAIL LOGIN: Client \"64.106.46.98\""},
	{NULL, NULL},
};

const struct parser parser_ftpd = {
	.name = "ftpd",
	.summary = "FTP servers' logins (ProFTPD and vsftpd through syslog, vsftpd.log): failed "
		   "and accepted logins, unknown users, root attempts",
	.time_note = "syslog lines: the envelope's stamp (BSD: local time in --tz, year "
		     "inferred); vsftpd.log: local time in --tz with its year",
	.examples = ftpd_examples,
	.detect = ftpd_detect,
	.parse_line = ftpd_parse_line,
	.parse_syslog = ftpd_parse_syslog,
};
