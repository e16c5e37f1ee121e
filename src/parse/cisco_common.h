/* Internal to the parse stage: what Cisco IOS and ASA/PIX/FTD lines share,
 * the "%FACILITY-SEVERITY-MNEMONIC:" message tag and the stamps that may
 * precede it (a syslog envelope, the device's own "service timestamps"
 * stamp, sequence numbers). Used by cisco_ios.c and cisco_asa.c. */
#ifndef CLSCAN_CISCO_COMMON_H
#define CLSCAN_CISCO_COMMON_H

#include <stddef.h>

#include "core/event.h"
#include "parse/parser.h"

struct cisco_msg {
	const char *pct;  /* the '%' */
	const char *fac;  /* "SEC", "ASA", "IPV6_ACL" */
	size_t fac_len;
	unsigned sev;     /* 0..7 */
	const char *mnem; /* "IPACCESSLOGP", "106023" */
	size_t mnem_len;
	const char *body; /* the text after "MNEMONIC: " */
};

/* Find the first well-formed tag in [p, end). Returns 0 and fills *m, or -1. */
int cisco_find(const char *p, const char *end, struct cisco_msg *m);

/* Fill the event's time and sensor for a line whose tag starts at pct:
 * from the syslog envelope when the line has one, else from the device's
 * stamp between the line start and the tag ("*Mar  1 00:01:02.123: ",
 * "000123: May  3 05:15:25.217 UTC: ", "<164>Aug 14 2022 06:32:29: ",
 * "Jan 15 2014 03:28:52 host : "). A stamp marked '*' (clock never set)
 * gives no time. Returns 1 if the line had a syslog envelope, else 0. */
int cisco_envelope(struct parse_ctx *ctx, const char *line, const char *pct, struct event *ev);

/* The envelope-less stamp parser alone (exposed for detect()): does
 * [p, pct) look like a device stamp / sequence prefix? */
int cisco_prefix_ok(const char *p, const char *pct);

#endif
