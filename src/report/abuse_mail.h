/* Abuse reports as mail: one RFC 5322 message (MIME, RFC 2045-2047) per
 * incident, its body from a template (data/abuse/LANG.txt, baked in), the
 * evidence lines as read, optionally with an X-ARF v0.2 report part
 * (x-arf.org: multipart/mixed, a human part, a YAML report, the logs).
 * And the state file that remembers what was reported already. */
#ifndef CLSCAN_ABUSE_MAIL_H
#define CLSCAN_ABUSE_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/timeconv.h"

/* One evidence line: where it is and the line as read (not NUL-free
 * necessarily; shown with control characters escaped). */
struct abuse_evidence {
	const char *path;
	uint64_t line;
	const char *text;
	size_t len;
};

/* What is reported: one source, one kind of abuse, one period. */
struct abuse_incident {
	struct ip_addr src;
	const char *source_name; /* the logged host name when no address is known
				  * (HostnameLookups): shown and keyed instead of src;
				  * such messages carry no X-ARF part */
	const char *type;       /* "vertical port scan", "web probe: /.env" (subject, body) */
	const char *type_key;   /* stable one-word token for the state key ("vertical") */
	const char *xarf_type;  /* X-ARF Report-Type: "port-scan", "login-attack", "info" */
	const char *summary;    /* one sentence on what was seen, or NULL */
	const char *host;       /* its host name (logged or reverse DNS), or NULL */
	unsigned severity;      /* 1..5 */
	int64_t first_ns, last_ns;
	uint64_t count;         /* events */
	uint16_t port;          /* the one port attacked, for X-ARF; 0 if several */
	const struct abuse_evidence *evidence; /* in file order */
	size_t n_evidence;
	uint64_t evidence_more; /* lines not included */
};

struct abuse_mail_options {
	const char *from;       /* "Name <addr>" or "addr"; NULL: "From: sender-unknown:;" */
	const char *reporter;   /* the signature's name */
	const char *org;
	const char *server;     /* the attacked server's name; NULL: "our server" */
	const char *to;         /* a mailbox, or NULL: a group for the user to fill */
	const char *cc;         /* or NULL */
	const char *tmpl;       /* template text (see abuse_mail_builtin_template) */
	size_t tmpl_len;
	const char *zone;       /* zone name for the times shown */
	struct tz_cache *tz;
	int64_t now_ns;         /* the Date: header */
	int xarf;
	const char *version;    /* clscan's, for User-Agent */
};

/* The built-in template for a language ("en", "ja"), or NULL. */
const char *abuse_mail_builtin_template(const char *lang, size_t *len);

/* Nonzero if from is "Name <user@host>", "<user@host>" or "user@host". */
int abuse_mail_from_ok(const char *from);

/* Compose the message; *out (malloc'd, CRLF line ends, no line longer
 * than 998 octets) and its length. Returns 0, or -1 with err (a bad
 * --from). */
int abuse_mail_compose(const struct abuse_mail_options *o, const struct abuse_incident *inc,
		       char **out, size_t *out_len, char *err, size_t errlen);

/* "SOURCE TYPE_KEY FIRST" (FIRST in RFC 3339 UTC): the incident's identity
 * in the state file and in its Message-ID. buf >= ABUSE_KEY_MAX. */
#define ABUSE_KEY_MAX 160
const char *abuse_incident_key(const struct abuse_incident *inc, char *buf);

/* RFC 2047 "B" encoded-words for a header value that is not plain ASCII
 * (as is, if it is), folded so no line exceeds 78 octets; name is the
 * header's name (its length counts on the first line). Appends
 * "Name: value\r\n" to *buf. */
void abuse_mail_header(char **buf, size_t *len, size_t *cap, const char *name, const char *value);

/* RFC 5322 date-time in the chosen zone: "Mon, 07 Dec 2026 05:47:20 +0900". buf >= 40. */
const char *abuse_mail_date(struct tz_cache *tz, int64_t ns, char *buf);

/* ---- state: incidents reported already ---------------------------------- */

struct abuse_state;

/* A missing file is an empty state. NULL with err if it cannot be read. */
struct abuse_state *abuse_state_load(const char *path, char *err, size_t errlen);
void abuse_state_free(struct abuse_state *s);
int abuse_state_has(const struct abuse_state *s, const char *key);
void abuse_state_add(struct abuse_state *s, const char *key);
size_t abuse_state_size(const struct abuse_state *s);
/* Write to a temporary file beside path, then rename it over path.
 * Returns 0, or -1 with err. */
int abuse_state_save(const struct abuse_state *s, const char *path, char *err, size_t errlen);

#endif
