/* Abuse contacts: a local file of "NETWORK-or-DOMAIN  ADDRESS" lines (the
 * longest matching network prefix, or the longest matching domain suffix,
 * wins), and the registered domain of a host name, to which abuse@ and
 * postmaster@ are written when the file names nobody (RFC 2142 section 2
 * lists both mailboxes). */
#ifndef CLSCAN_CONTACTS_H
#define CLSCAN_CONTACTS_H

#include <stddef.h>

#include "core/addr.h"

#define CONTACTS_MAX_ENTRIES 100000
#define CONTACTS_MAX_FILE (16u << 20)
#define CONTACTS_MAX_LINE 1024

struct contacts;

struct contacts *contacts_new(void);
void contacts_free(struct contacts *c); /* NULL is fine */

/* Load "NETWORK ADDRESS" or "DOMAIN ADDRESS" lines ('#' starts a comment;
 * blank lines are skipped; a domain may be written ".example.org" or
 * "*.example.org"). Later lines for the same key replace earlier ones.
 * name is used in messages. Returns the number of bad lines, the first
 * described in err ("NAME:LINE: reason"); the good ones are loaded. */
int contacts_load_text(struct contacts *c, const char *name, const char *text, size_t len,
		       char *err, size_t errlen);
/* Same from a file; -1 with err if it cannot be read. */
int contacts_load_file(struct contacts *c, const char *path, char *err, size_t errlen);
size_t contacts_size(const struct contacts *c);

/* The address for a: the entry with the longest network prefix holding
 * it, or NULL. */
const char *contacts_for_addr(const struct contacts *c, const struct ip_addr *a);
/* The address for a host name: the entry whose domain is the longest
 * suffix of host at a label boundary (case-insensitive), or NULL. */
const char *contacts_for_host(const struct contacts *c, const char *host);

/* A mailbox we are willing to put in a To: header: local@domain in plain
 * ASCII, no spaces, quotes, brackets or commas. */
int contacts_mailbox_ok(const char *s, size_t len);

/* The registered domain of a host name, lower-cased into buf: its last two
 * labels, or three when the last two are a well-known second-level suffix
 * (co.uk, ne.jp, com.au, ...: the built-in list in contacts.c). Returns
 * buf, or NULL if host is not a name with at least that many labels (an
 * address literal, a single label, or characters no host name has). */
const char *contacts_registered_domain(const char *host, char *buf, size_t buflen);

#endif
