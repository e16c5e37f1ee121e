/* Internal to the parse stage: what the login-daemon parsers (sshd.c,
 * tcp_wrappers.c, xinetd.c) and the scan-detector parsers (scanlogd.c,
 * portsentry.c, psad.c) share: matching a syslog tag ("sshd[123]") and
 * reading a TCP wrappers refusal ("refused connect from HOST (ADDR)"). */
#ifndef CLSCAN_AUTH_COMMON_H
#define CLSCAN_AUTH_COMMON_H

#include <stddef.h>

#include "core/event.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

/* Is the tag name (before any "[pid]") exactly name? */
int auth_tag_is(const struct syslog_header *h, const char *name, size_t n);

/* The tag's name without "[pid]". */
struct slice auth_tag_name(const struct syslog_header *h);

/* Fill time and sensor from the envelope. */
void auth_from_header(const struct syslog_header *h, struct event *ev);

/* "refused connect from HOST (ADDR)" / "refused connect from [USER@]ADDR"
 * at msg (libwrap's refuse(), its eval_client() text). dport is the
 * daemon's port when the caller knows it, else 0. Returns PARSE_EVENT,
 * PARSE_OTHER when the client is named only by host name, or
 * PARSE_UNKNOWN when msg is no refusal. */
enum parse_result auth_refused(const char *msg, const char *end, unsigned dport,
			       struct event *ev);

/* The well-known port of a daemon known by its syslog tag ("in.telnetd",
 * "vsftpd", "sshd"); 0 if unknown. */
unsigned auth_daemon_port(struct slice tag);

/* A syslog-borne daemon's reader of one message: claim_others says
 * whether lines of other programs are "other" (its own file) or
 * PARSE_UNKNOWN (a shared syslog file: another parser may know them). */
typedef enum parse_result (*auth_msg_fn)(struct parse_ctx *ctx, const struct syslog_header *h,
					  struct event *ev, int claim_others);

/* parse_line of such a daemon: the envelope, then fn claiming the rest. */
enum parse_result auth_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
				  struct event *ev, auth_msg_fn fn);

/* For detect(): the line's envelope into *h (its pointers into line), 0;
 * -1 if the line does not start like syslog. */
int auth_detect_header(const char *line, size_t len, struct syslog_header *h);

#endif
