/* The service catalog: port/protocol -> service name, severity class and a
 * short note (worm, advisory, CVE). Knowledge lives in data/services.tsv,
 * baked into the binary at build time and overridable by the user's own
 * file (--catalog FILE, or $CLSCAN_CATALOG). */
#ifndef CLSCAN_CATALOG_H
#define CLSCAN_CATALOG_H

#include <stddef.h>
#include <stdint.h>

enum service_class {
	SERVICE_INFO = 0,
	SERVICE_WARNING = 1,
	SERVICE_ALERT = 2,
};

struct service {
	uint16_t port;   /* for ICMP/ICMPv6 entries: the message type */
	uint8_t proto;   /* IP protocol number: 6, 17, 1, 58 */
	uint8_t cls;     /* enum service_class */
	const char *name; /* "telnet" */
	const char *note; /* "" when none */
};

struct catalog;

struct catalog *catalog_new(void);
void catalog_free(struct catalog *c);

/* Load the built-in table (data/services.tsv as compiled in). */
int catalog_load_builtin(struct catalog *c);
/* Load a file in the same format; its entries replace earlier ones for
 * the same port/proto. Bad lines are reported through err (first one:
 * "FILE:LINE: reason") and counted in the return value; the rest load.
 * Returns the number of bad lines, or -1 if the file cannot be read. */
int catalog_load_file(struct catalog *c, const char *path, char *err, size_t errlen);
/* Parse text in the catalog format (used by both loaders). name is used in
 * messages. Returns the number of bad lines. */
int catalog_load_text(struct catalog *c, const char *name, const char *text, size_t len,
		      char *err, size_t errlen);

/* O(1). Returns NULL when the port has no entry. proto is 6 (tcp), 17
 * (udp), 132 (sctp, looked up as tcp), 1 or 58 (ICMP type in port). */
const struct service *catalog_lookup(const struct catalog *c, uint8_t proto, uint16_t port);

size_t catalog_size(const struct catalog *c);
/* Entry i in file order, for listing. */
const struct service *catalog_entry(const struct catalog *c, size_t i);

const char *service_class_name(enum service_class cls); /* "ALERT", "WARNING", "INFO" */
int service_class_parse(const char *s); /* case-insensitive; -1 if unknown */

#endif
