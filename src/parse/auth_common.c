/* Shared pieces of the login-daemon and scan-detector parsers (see
 * auth_common.h). The refusal text is tcp_wrappers' refuse():
 * "refused connect from %s" with eval_client()'s "[user@]host" where host
 * is a name, an address, or "name (address)" in distributions that patch
 * it to show both. */
#include "parse/auth_common.h"

#include <string.h>

#include "parse/fwlog_util.h"

struct slice auth_tag_name(const struct syslog_header *h)
{
	struct slice s = h->tag;
	const char *br = s.len ? memchr(s.ptr, '[', s.len) : NULL;
	if (br)
		s.len = (uint32_t)(br - s.ptr);
	return s;
}

int auth_tag_is(const struct syslog_header *h, const char *name, size_t n)
{
	struct slice s = auth_tag_name(h);
	return s.len == n && memcmp(s.ptr, name, n) == 0;
}

void auth_from_header(const struct syslog_header *h, struct event *ev)
{
	ev->time_ns = h->time_ns;
	ev->flags |= EVENT_HAS_TIME;
	ev->sensor = h->host;
}

enum parse_result auth_refused(const char *msg, const char *end, unsigned dport,
			       struct event *ev)
{
	if (!fwl_starts(msg, end, FWL_LIT("refused connect from ")))
		return PARSE_UNKNOWN;
	const char *p = msg + 21, *e = end;
	while (e > p && e[-1] == ' ')
		e--;
	if (e <= p)
		return PARSE_OTHER;
	size_t n = (size_t)(e - p);
	const char *as = p, *ae = e;
	if (e[-1] == ')') {
		/* "host (addr)": the address in the last parentheses */
		const char *lp = memrchr(p, '(', n);
		if (lp) {
			as = lp + 1;
			ae = e - 1;
		}
	} else {
		/* "user@addr" */
		const char *at = memrchr(p, '@', n);
		if (at)
			as = at + 1;
	}
	struct ip_addr a;
	if (ae <= as || addr_parse(as, (size_t)(ae - as), &a) != 0)
		return PARSE_OTHER;
	ev->src = a;
	ev->flags |= EVENT_HAS_SRC;
	ev->proto = IPPROTO_NUM_TCP;
	if (dport) {
		ev->dport = (uint16_t)dport;
		ev->flags |= EVENT_HAS_PORTS;
	}
	ev->action = EVENT_ACTION_REJECT;
	ev->outcome = EVENT_OUTCOME_CLOSED;
	fwl_slice(&ev->detail, msg, msg + 15); /* "refused connect" */
	return PARSE_EVENT;
}

static const struct {
	const char *tag;
	unsigned port;
} daemons[] = {
	{"sshd", 22},       {"sshd-session", 22}, {"in.telnetd", 23}, {"telnetd", 23},
	{"in.ftpd", 21},    {"ftpd", 21},         {"vsftpd", 21},     {"proftpd", 21},
	{"pure-ftpd", 21},  {"in.rshd", 514},     {"in.rlogind", 513}, {"in.rexecd", 512},
	{"in.fingerd", 79}, {"in.tftpd", 69},     {"tftpd", 69},      {"in.identd", 113},
	{"sendmail", 25},   {"smtpd", 25},        {"dovecot", 143},   {"imapd", 143},
	{"ipop3d", 110},    {"rsyncd", 873},      {"portmap", 111},   {"rpcbind", 111},
	{"mountd", 2049},   {"snmpd", 161},
};

unsigned auth_daemon_port(struct slice tag)
{
	for (size_t i = 0; i < sizeof(daemons) / sizeof(daemons[0]); i++)
		if (tag.len == strlen(daemons[i].tag) && memcmp(tag.ptr, daemons[i].tag, tag.len) == 0)
			return daemons[i].port;
	return 0;
}

enum parse_result auth_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
				  struct event *ev, auth_msg_fn fn)
{
	const char *end = fwl_eol(line, len);
	struct syslog_header h;
	if (syslog_header_parse(ctx, line, (size_t)(end - line), &h) != 0)
		return PARSE_UNKNOWN;
	return fn(ctx, &h, ev, 1);
}

int auth_detect_header(const char *line, size_t len, struct syslog_header *h)
{
	const char *end = fwl_eol(line, len);
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 0, 2000, NULL);
	if (!syslog_header_looks_like(line, (size_t)(end - line)) ||
	    syslog_header_parse(&ctx, line, (size_t)(end - line), h) != 0)
		return -1;
	return 0;
}
