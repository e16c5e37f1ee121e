/* OpenSSH sshd (and sshd-session / sshd-auth) syslog lines as connection
 * attempts with an outcome: each line that names the remote address is one
 * event (the client's port in sport, 22 implied as dport), with outcome
 * auth_failure for failed and refused logins, auth_success for accepted
 * ones, open for connections that went away before or without trying to
 * log in, closed for TCP wrappers refusals; rsyslog's "message repeated N
 * times: [ ... ]" gives the count. Texts as OpenSSH's auth.c, auth2.c,
 * sshd.c, packet.c and kex.c print them, plus PAM's pam_unix line and the
 * Solaris "[ID n auth.info]" prefix. An attempt usually leaves several
 * lines (PAM's and sshd's; "Invalid user" then "Failed password"): counts
 * are of lines, not of attempts. "Postponed" steps and lines without a
 * remote address ("Server listening on ...") are "other". The user name is
 * chosen by the client and may hold " from ADDR port N": addresses are
 * taken from the position sshd prints them in, not from the first match. */
#include <string.h>

#include "core/util.h"
#include "parse/auth_common.h"
#include "parse/fwlog_util.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

#define SSH_PORT 22

struct hit {
	struct ip_addr a;
	const char *as; /* where the address text starts */
	int has_port;
	uint16_t port;
};

/* Strip " [preauth]", trailing blanks and a final '.'/'!' */
static const char *trim_tail(const char *s, const char *e)
{
	for (;;) {
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e - s >= 9 && memcmp(e - 9, "[preauth]", 9) == 0) {
			e -= 9;
			continue;
		}
		return e;
	}
}

/* "... ADDR[ port N]" at the end of [s, e). */
static int tail_addr(const char *s, const char *e, struct hit *h)
{
	e = trim_tail(s, e);
	h->has_port = 0;
	const char *pp = fwl_rfind(s, e, FWL_LIT(" port "));
	if (pp && pp + 6 < e && fwl_port(pp + 6, e, &h->port) == 0) {
		h->has_port = 1;
		e = pp;
	}
	const char *as = e;
	while (as > s && as[-1] != ' ')
		as--;
	if (as == e || addr_parse(as, (size_t)(e - as), &h->a) != 0)
		return -1;
	h->as = as;
	return 0;
}

/* "ADDR port N" or "ADDR" at p, the address ending at a blank or ':' /
 * ',' (IPv6 addresses end at a blank). Returns the position after. */
static const char *fwd_addr(const char *p, const char *end, struct hit *h)
{
	const char *e = fwl_tok_end(p, end);
	const char *ae = e;
	while (ae > p && (ae[-1] == ':' || ae[-1] == ',' || ae[-1] == '.'))
		ae--;
	if (ae == p || addr_parse(p, (size_t)(ae - p), &h->a) != 0) {
		/* "1.2.3.4:" followed by "11:" joined ("port 22:11:") is not
		 * here; try up to the first ':' for IPv4 */
		const char *c = memchr(p, ':', (size_t)(e - p));
		if (!c || addr_parse(p, (size_t)(c - p), &h->a) != 0)
			return NULL;
		ae = c;
	}
	h->as = p;
	h->has_port = 0;
	const char *q = ae;
	if (fwl_starts(e, end, FWL_LIT(" port "))) {
		const char *ps = e + 6, *pe = ps;
		while (pe < end && fwl_digit(*pe))
			pe++;
		if (fwl_port(ps, pe, &h->port) == 0) {
			h->has_port = 1;
			q = pe;
		}
	}
	return q > e ? q : e;
}

/* " from ADDR port N sshV" followed by the end or ':' -- the first
 * such place, so a user name of "x from 1.2.3.4 port 5 ssh2 y" before it
 * cannot win; falls back to a port-less " from ADDR" at the very end. */
static const char *from_port_ssh(const char *s, const char *e, struct hit *h)
{
	for (const char *f = s; (f = fwl_find(f, e, FWL_LIT(" from "))) != NULL; f += 6) {
		struct hit t;
		const char *q = fwd_addr(f + 6, e, &t);
		if (!q || !t.has_port)
			continue;
		if (!fwl_starts(q, e, FWL_LIT(" ssh")))
			continue;
		q += 4;
		if (q < e && fwl_digit(*q))
			q++;
		if (q < e && *q != ':')
			continue;
		*h = t;
		return f;
	}
	const char *f = fwl_rfind(s, e, FWL_LIT(" from "));
	if (f && tail_addr(f + 6, e, h) == 0 && h->as == fwl_skip_sp(f + 6, e))
		return f;
	return NULL;
}

static void set_user(struct event *ev, const char *s, const char *e)
{
	if (e < s)
		e = s;
	fwl_slice(&ev->user, s, e);
}

/* "[authenticating |invalid ]user NAME " before the address at as. */
static void user_before(struct event *ev, const char *p, const char *as, int *failed)
{
	*failed = 0;
	if (fwl_starts(p, as, FWL_LIT("authenticating user "))) {
		*failed = 1;
		set_user(ev, p + 20, as - 1);
	} else if (fwl_starts(p, as, FWL_LIT("invalid user "))) {
		*failed = 1;
		set_user(ev, p + 13, as - 1);
	} else if (fwl_starts(p, as, FWL_LIT("user "))) {
		set_user(ev, p + 5, as - 1);
	}
}

static void ssh_event(struct event *ev, const struct hit *h, uint8_t outcome, uint8_t action)
{
	ev->src = h->a;
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_PORTS;
	ev->proto = IPPROTO_NUM_TCP;
	ev->sport = h->has_port ? h->port : 0;
	if (!ev->dport)
		ev->dport = SSH_PORT;
	ev->outcome = outcome;
	ev->action = action;
}

/* The value of "key=" in a PAM line, up to the next blank. */
static const char *pam_field(const char *p, const char *end, const char *key, size_t kn,
			     const char **ve)
{
	for (const char *q = p; (q = fwl_find(q, end, key, kn)) != NULL; q += kn) {
		if (q != p && q[-1] != ' ')
			continue;
		*ve = fwl_tok_end(q + kn, end);
		return q + kn;
	}
	return NULL;
}

/* pam_unix(sshd:auth): authentication failure; ... rhost=H [user=U] */
static enum parse_result pam_failure(const char *m, const char *end, struct event *ev)
{
	const char *ve, *v = pam_field(m, end, FWL_LIT("rhost="), &ve);
	struct hit h;
	if (!v || ve == v || addr_parse(v, (size_t)(ve - v), &h.a) != 0)
		return PARSE_OTHER; /* no rhost, or a host name */
	h.has_port = 0;
	ssh_event(ev, &h, EVENT_OUTCOME_AUTH_FAILURE, EVENT_ACTION_LOG);
	const char *ue, *u = pam_field(m, end, FWL_LIT("user="), &ue);
	if (u)
		set_user(ev, u, ue);
	const char *semi = memchr(m, ';', (size_t)(end - m));
	fwl_slice(&ev->detail, m, semi ? semi : end);
	return PARSE_EVENT;
}

#define STARTS(p, e, s) fwl_starts(p, e, FWL_LIT(s))

/* One sshd message (after "error: "/"fatal: " and Solaris prefixes). */
static enum parse_result sshd_msg(const char *m, const char *end, struct event *ev)
{
	struct hit h;
	int failed;
	const char *f;
	end = trim_tail(m, end);
	if (m >= end)
		return PARSE_OTHER;

	switch (*m) {
	case 'A':
		if (STARTS(m, end, "Accepted ")) {
			/* Accepted METHOD for USER from ADDR port N ssh2[: info] */
			const char *fo = fwl_find(m, end, FWL_LIT(" for "));
			f = fo ? from_port_ssh(fo, end, &h) : NULL;
			if (!f)
				return PARSE_OTHER;
			ssh_event(ev, &h, EVENT_OUTCOME_AUTH_SUCCESS, EVENT_ACTION_ACCEPT);
			set_user(ev, fo + 5, f);
			fwl_slice(&ev->detail, m, fo);
			return PARSE_EVENT;
		}
		if (STARTS(m, end, "Address ")) {
			/* Address A maps to N, but this does not map back ... */
			if (!fwd_addr(m + 8, end, &h))
				return PARSE_OTHER;
			h.has_port = 0;
			ssh_event(ev, &h, EVENT_OUTCOME_UNKNOWN, EVENT_ACTION_LOG);
			const char *pb = fwl_find(m, end, FWL_LIT("POSSIBLE BREAK-IN ATTEMPT"));
			if (pb)
				fwl_slice(&ev->detail, pb, pb + 25);
			return PARSE_EVENT;
		}
		break;
	case 'B':
		if (STARTS(m, end, "Bad protocol version identification ")) {
			/* the client's banner is quoted text of its choice */
			f = fwl_rfind(m, end, FWL_LIT(" from "));
			if (!f || tail_addr(f + 6, end, &h) != 0)
				return PARSE_OTHER;
			ssh_event(ev, &h, EVENT_OUTCOME_OPEN, EVENT_ACTION_LOG);
			fwl_slice(&ev->detail, m, m + 35);
			return PARSE_EVENT;
		}
		break;
	case 'C':
		if (STARTS(m, end, "Connection closed by ") || STARTS(m, end, "Connection reset by ")) {
			const char *p = m + (m[11] == 'c' ? 21 : 20);
			if (tail_addr(p, end, &h) != 0)
				return PARSE_OTHER;
			user_before(ev, p, h.as, &failed);
			ssh_event(ev, &h, failed ? EVENT_OUTCOME_AUTH_FAILURE : EVENT_OUTCOME_OPEN,
				  EVENT_ACTION_LOG);
			fwl_slice(&ev->detail, m, p - 4);
			return PARSE_EVENT;
		}
		if (STARTS(m, end, "Connection from ")) {
			/* Connection from A port N[ on B port P[ rdomain "x"]] */
			const char *q = fwd_addr(m + 16, end, &h);
			if (!q)
				return PARSE_OTHER;
			if (STARTS(q, end, " on ")) {
				struct hit l;
				if (fwd_addr(q + 4, end, &l) && l.has_port) {
					ev->dst = l.a;
					ev->flags |= EVENT_HAS_DST;
					ev->dport = l.port;
				}
			}
			ssh_event(ev, &h, EVENT_OUTCOME_OPEN, EVENT_ACTION_LOG);
			fwl_slice(&ev->detail, m, m + 15);
			return PARSE_EVENT;
		}
		break;
	case 'D':
		if (STARTS(m, end, "Did not receive identification string from ")) {
			if (tail_addr(m + 43, end, &h) != 0)
				return PARSE_OTHER;
			ssh_event(ev, &h, EVENT_OUTCOME_OPEN, EVENT_ACTION_LOG);
			fwl_slice(&ev->detail, m, m + 37);
			return PARSE_EVENT;
		}
		if (STARTS(m, end, "Disconnected from ")) {
			if (tail_addr(m + 18, end, &h) != 0)
				return PARSE_OTHER;
			user_before(ev, m + 18, h.as, &failed);
			ssh_event(ev, &h, failed ? EVENT_OUTCOME_AUTH_FAILURE : EVENT_OUTCOME_OPEN,
				  EVENT_ACTION_LOG);
			fwl_slice(&ev->detail, m, m + 12);
			return PARSE_EVENT;
		}
		if (STARTS(m, end, "Disconnecting ")) {
			/* Disconnecting authenticating|invalid user U A port N: reason */
			const char *p = m + 14;
			const char *colon = NULL;
			for (const char *q = p; (q = fwl_find(q, end, FWL_LIT(" port "))) != NULL; q += 6) {
				const char *d = q + 6;
				while (d < end && fwl_digit(*d))
					d++;
				if (d > q + 6 && d < end && *d == ':') {
					colon = d;
					break;
				}
			}
			if (!colon || tail_addr(p, colon, &h) != 0)
				return PARSE_OTHER; /* "Disconnecting: Too many ..." */
			user_before(ev, p, h.as, &failed);
			ssh_event(ev, &h, failed ? EVENT_OUTCOME_AUTH_FAILURE : EVENT_OUTCOME_OPEN,
				  EVENT_ACTION_LOG);
			fwl_slice(&ev->detail, m, m + 13);
			return PARSE_EVENT;
		}
		break;
	case 'F':
		if (STARTS(m, end, "Failed ")) {
			/* Failed METHOD for [invalid user ]USER from ADDR port N ssh2 */
			const char *fo = fwl_find(m, end, FWL_LIT(" for "));
			f = fo ? from_port_ssh(fo, end, &h) : NULL;
			if (!f)
				return PARSE_OTHER;
			ssh_event(ev, &h, EVENT_OUTCOME_AUTH_FAILURE, EVENT_ACTION_LOG);
			const char *u = fo + 5;
			if (fwl_starts(u, f, FWL_LIT("invalid user ")))
				u += 13;
			set_user(ev, u, f);
			fwl_slice(&ev->detail, m, fo);
			return PARSE_EVENT;
		}
		break;
	case 'I':
		if (STARTS(m, end, "Invalid user ") || STARTS(m, end, "Illegal user ")) {
			if (tail_addr(m + 13, end, &h) != 0 || h.as - m < 19 ||
			    memcmp(h.as - 6, " from ", 6) != 0)
				return PARSE_OTHER;
			ssh_event(ev, &h, EVENT_OUTCOME_AUTH_FAILURE, EVENT_ACTION_LOG);
			set_user(ev, m + 13, h.as - 6);
			fwl_slice(&ev->detail, m, m + 12);
			return PARSE_EVENT;
		}
		break;
	case 'P':
		if (STARTS(m, end, "PAM: ")) {
			/* PAM: Authentication failure for [illegal user ]U from H[ via L] */
			f = fwl_rfind(m, end, FWL_LIT(" from "));
			if (!f)
				return PARSE_OTHER;
			const char *hs = f + 6, *he = fwl_tok_end(hs, end);
			if (addr_parse(hs, (size_t)(he - hs), &h.a) != 0)
				return PARSE_OTHER; /* a host name */
			h.has_port = 0;
			ssh_event(ev, &h, EVENT_OUTCOME_AUTH_FAILURE, EVENT_ACTION_LOG);
			const char *fo = fwl_find(m, f, FWL_LIT(" for "));
			if (fo) {
				const char *u = fo + 5;
				if (fwl_starts(u, f, FWL_LIT("illegal user ")))
					u += 13;
				set_user(ev, u, f);
			}
			fwl_slice(&ev->detail, m, fo ? fo : f);
			return PARSE_EVENT;
		}
		if (STARTS(m, end, "Protocol major versions differ for ")) {
			if (!fwd_addr(m + 35, end, &h))
				return PARSE_OTHER;
			ssh_event(ev, &h, EVENT_OUTCOME_OPEN, EVENT_ACTION_LOG);
			fwl_slice(&ev->detail, m, m + 30);
			return PARSE_EVENT;
		}
		if (STARTS(m, end, "Postponed "))
			return PARSE_OTHER; /* a step of an attempt logged again */
		break;
	case 'R':
		if (STARTS(m, end, "ROOT LOGIN REFUSED FROM ")) {
			if (tail_addr(m + 24, end, &h) != 0)
				return PARSE_OTHER;
			/* the user is root; the detail says so (slices only point
			 * into the line, which spells it "ROOT") */
			ssh_event(ev, &h, EVENT_OUTCOME_AUTH_FAILURE, EVENT_ACTION_REJECT);
			fwl_slice(&ev->detail, m, m + 18);
			return PARSE_EVENT;
		}
		if (STARTS(m, end, "Received disconnect from ")) {
			/* Received disconnect from A port N:11: text / from A: 11: text */
			if (!fwd_addr(m + 25, end, &h))
				return PARSE_OTHER;
			ssh_event(ev, &h, EVENT_OUTCOME_OPEN, EVENT_ACTION_LOG);
			fwl_slice(&ev->detail, m, m + 19);
			return PARSE_EVENT;
		}
		if (STARTS(m, end, "refused connect from ")) {
			enum parse_result r = auth_refused(m, end, SSH_PORT, ev);
			return r == PARSE_UNKNOWN ? PARSE_OTHER : r;
		}
		break;
	case 'T':
		if (STARTS(m, end, "Timeout before authentication for ")) {
			const char *p = m + 34;
			if (STARTS(p, end, "connection from ")) {
				/* ... for connection from A to B, pid = N */
				const char *q = fwd_addr(p + 16, end, &h);
				if (!q)
					return PARSE_OTHER;
				struct hit l;
				if (STARTS(q, end, " to ") && fwd_addr(q + 4, end, &l)) {
					ev->dst = l.a;
					ev->flags |= EVENT_HAS_DST;
				}
				h.has_port = 0;
			} else if (!fwd_addr(p, end, &h)) {
				return PARSE_OTHER;
			}
			ssh_event(ev, &h, EVENT_OUTCOME_OPEN, EVENT_ACTION_LOG);
			fwl_slice(&ev->detail, m, m + 29);
			return PARSE_EVENT;
		}
		break;
	case 'U':
		if (STARTS(m, end, "Unable to negotiate with ")) {
			if (!fwd_addr(m + 25, end, &h))
				return PARSE_OTHER;
			ssh_event(ev, &h, EVENT_OUTCOME_OPEN, EVENT_ACTION_LOG);
			fwl_slice(&ev->detail, m, m + 19);
			return PARSE_EVENT;
		}
		if (STARTS(m, end, "User ")) {
			/* User U from A not allowed because ... */
			const char *na = fwl_find(m, end, FWL_LIT(" not allowed because"));
			if (!na || tail_addr(m + 5, na, &h) != 0 || h.as - m < 11 ||
			    memcmp(h.as - 6, " from ", 6) != 0)
				return PARSE_OTHER; /* "User root not allowed because account is locked" */
			ssh_event(ev, &h, EVENT_OUTCOME_AUTH_FAILURE, EVENT_ACTION_REJECT);
			set_user(ev, m + 5, h.as - 6);
			fwl_slice(&ev->detail, na + 1, na + 12);
			return PARSE_EVENT;
		}
		break;
	case 'M':
		if (STARTS(m, end, "Magic value check failed ")) {
			/* obfuscated-handshake patch: "... from A port N" */
			f = fwl_rfind(m, end, FWL_LIT(" from "));
			if (!f || tail_addr(f + 6, end, &h) != 0)
				return PARSE_OTHER;
			ssh_event(ev, &h, EVENT_OUTCOME_OPEN, EVENT_ACTION_LOG);
			fwl_slice(&ev->detail, m, m + 24);
			return PARSE_EVENT;
		}
		break;
	case 'm':
		if (STARTS(m, end, "maximum authentication attempts exceeded for ")) {
			const char *fo = m + 40;
			f = from_port_ssh(fo, end, &h);
			if (!f)
				return PARSE_OTHER;
			ssh_event(ev, &h, EVENT_OUTCOME_AUTH_FAILURE, EVENT_ACTION_LOG);
			const char *u = fo + 5;
			if (fwl_starts(u, f, FWL_LIT("invalid user ")))
				u += 13;
			set_user(ev, u, f);
			fwl_slice(&ev->detail, m, m + 40);
			return PARSE_EVENT;
		}
		break;
	case 'p':
		if (STARTS(m, end, "pam_unix(sshd:auth): authentication failure;"))
			return pam_failure(m, end, ev);
		break;
	case 'r':
		if (STARTS(m, end, "refused connect from ")) {
			enum parse_result r = auth_refused(m, end, SSH_PORT, ev);
			return r == PARSE_UNKNOWN ? PARSE_OTHER : r;
		}
		if (STARTS(m, end, "reverse mapping checking ")) {
			/* ... getaddrinfo for NAME [ADDR] failed - POSSIBLE BREAK-IN ATTEMPT! */
			const char *lb = memchr(m, '[', (size_t)(end - m));
			const char *rb = lb ? memchr(lb, ']', (size_t)(end - lb)) : NULL;
			if (!rb || addr_parse(lb + 1, (size_t)(rb - lb - 1), &h.a) != 0)
				return PARSE_OTHER;
			h.has_port = 0;
			ssh_event(ev, &h, EVENT_OUTCOME_UNKNOWN, EVENT_ACTION_LOG);
			const char *pb = fwl_find(rb, end, FWL_LIT("POSSIBLE BREAK-IN ATTEMPT"));
			if (pb)
				fwl_slice(&ev->detail, pb, pb + 25);
			return PARSE_EVENT;
		}
		break;
	case 's':
	case 'b':
		/* ssh_dispatch_run_fatal: Connection from A port N: ...
		 * banner exchange: Connection from A port N: invalid format */
		if (STARTS(m, end, "ssh_dispatch_run_fatal: Connection from ") ||
		    STARTS(m, end, "banner exchange: Connection from ")) {
			const char *c = fwl_find(m, end, FWL_LIT("Connection from "));
			if (!fwd_addr(c + 16, end, &h))
				return PARSE_OTHER;
			ssh_event(ev, &h, EVENT_OUTCOME_OPEN, EVENT_ACTION_LOG);
			fwl_slice(&ev->detail, m, c - 2);
			return PARSE_EVENT;
		}
		break;
	default:
		break;
	}
	return PARSE_OTHER;
}

/* Prefixes in front of the text proper: rsyslog's repeat notice, Solaris'
 * message id, sshd's log level words. */
static enum parse_result sshd_body(const char *m, const char *end, struct event *ev)
{
	if (fwl_starts(m, end, FWL_LIT("message repeated "))) {
		uint64_t n;
		const char *q = fwl_uint(m + 17, end, UINT32_MAX, &n);
		if (!q || !fwl_starts(q, end, FWL_LIT(" times: [")))
			return PARSE_OTHER;
		m = fwl_skip_sp(q + 9, end);
		const char *rb = end;
		while (rb > m && rb[-1] == ' ')
			rb--;
		if (rb > m && rb[-1] == ']')
			rb--;
		end = rb;
		ev->count = n ? (uint32_t)n : 1;
	}
	if (fwl_starts(m, end, FWL_LIT("[ID "))) {
		const char *rb = memchr(m, ']', (size_t)(end - m));
		if (rb)
			m = fwl_skip_sp(rb + 1, end);
	}
	if (fwl_starts(m, end, FWL_LIT("error: ")) || fwl_starts(m, end, FWL_LIT("fatal: ")))
		m += 7;
	return sshd_msg(m, end, ev);
}

static int sshd_tag(const struct syslog_header *h)
{
	return auth_tag_is(h, FWL_LIT("sshd")) || auth_tag_is(h, FWL_LIT("sshd-session")) ||
	       auth_tag_is(h, FWL_LIT("sshd-auth"));
}

/* Old Red Hat PAM lines: "sshd(pam_unix)[19939]: authentication failure;
 * ..." -- read with the '(' inside the tag, or (by envelope readers that
 * stop a tag at '(') as a tag-less message. */
static const char *old_pam(const struct syslog_header *h, const char *end)
{
	const char *m = h->msg;
	if (h->tag.len) {
		if (!fwl_starts(h->tag.ptr, h->tag.ptr + h->tag.len, FWL_LIT("sshd(pam_unix)")))
			return NULL;
	} else {
		if (!fwl_starts(h->msg, end, FWL_LIT("sshd(pam_unix)")))
			return NULL;
		const char *q = fwl_find(h->msg, end, FWL_LIT("]: "));
		if (!q)
			return NULL;
		m = q + 3;
	}
	return fwl_starts(m, end, FWL_LIT("authentication failure;")) ? m : NULL;
}

/* A line of the old PAM tag that is no failure ("check pass", sessions) */
static int old_pam_tag(const struct syslog_header *h, const char *end)
{
	return (h->tag.len &&
		fwl_starts(h->tag.ptr, h->tag.ptr + h->tag.len, FWL_LIT("sshd(pam_unix)"))) ||
	       (!h->tag.len && fwl_starts(h->msg, end, FWL_LIT("sshd(pam_unix)")));
}

static enum parse_result sshd_from_header(struct parse_ctx *ctx, const struct syslog_header *h, struct event *ev,
					  int claim_others)
{
	const char *end = fwl_eol(h->msg, h->msg_len);
	const char *pam = old_pam(h, end);
	if (pam) {
		auth_from_header(h, ev);
		return pam_failure(pam, end, ev);
	}
	if (old_pam_tag(h, end))
		return PARSE_OTHER;
	if (!sshd_tag(h))
		return claim_others ? PARSE_OTHER : PARSE_UNKNOWN;
	auth_from_header(h, ev);
	return sshd_body(h->msg, end, ev);
}

static enum parse_result sshd_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					 struct event *ev)
{
	return auth_parse_line(ctx, line, len, ev, sshd_from_header);
}

static enum parse_result sshd_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					   struct event *ev)
{
	return sshd_from_header(ctx, h, ev, 0);
}

static int sshd_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	struct syslog_header h;
	if (auth_detect_header(line, len, &h) != 0)
		return 0;
	if (sshd_tag(&h) || old_pam_tag(&h, end))
		return 80;
	return 0;
}

static const struct parser_example sshd_examples[] = {
	{"invalid user (brute force), Debian auth.log",
	 "Feb 12 14:10:21 sd-126005 sshd[16378]: Invalid user pascal from 35.188.49.176 port 53502"},
	{"failed password for a user that does not exist",
	 "Apr  6 18:51:41 eve sshd[2784424]: Failed password for invalid user root from "
	 "192.168.1.2 port 51182 ssh2"},
	{"a scanner that connected and said nothing",
	 "Jun  7 01:11:57 host sshd[8782]: Did not receive identification string from 192.0.2.5 "
	 "port 35836"},
	{"TCP wrappers refusal in sshd",
	 "Dec 16 14:10:24 myhost sshd[16379]: refused connect from example.com (192.168.1.1)"},
	{NULL, NULL},
};

const struct parser parser_sshd = {
	.name = "sshd",
	.summary = "OpenSSH sshd login attempts from auth.log/secure/journal: invalid users, "
		   "failed and accepted logins, pre-auth disconnects, scanner probes, PAM failures",
	.time_note = "the syslog envelope's stamp: BSD stamps are local time in --tz with the "
		     "year inferred; RFC 3339 / journal short-iso stamps carry their zone",
	.examples = sshd_examples,
	.detect = sshd_detect,
	.parse_line = sshd_parse_line,
	.parse_syslog = sshd_parse_syslog,
};
