/* Internal to the parse stage: the netfilter LOG field list (linux
 * nf_log_syslog.c), shared by netfilter.c and pve_firewall.c. */
#ifndef CLSCAN_NF_FIELDS_H
#define CLSCAN_NF_FIELDS_H

#include <stddef.h>

#include "core/event.h"
#include "parse/parser.h"

/* Parse the fields in [p, end) into ev (time, sensor, prefix and action are
 * the caller's). Returns PARSE_EVENT; PARSE_MALFORMED with ctx->reason set
 * when an address or number is bad or SRC/DST is missing; PARSE_OTHER for
 * ARP packets, which carry no IP header. */
enum parse_result nf_fields_parse(struct parse_ctx *ctx, const char *p, const char *end,
				  struct event *ev);

/* The first "IN=" in [p, end), or NULL. The kernel writes the rule's prefix
 * immediately before it with no separator ("Shorewall:net2fw:DROP:IN="). */
const char *nf_find_in(const char *p, const char *end);

/* Skip spaces and kernel printk stamps ("[ 547219.375133]", and the caller
 * id "[    T123]" of CONFIG_PRINTK_CALLER kernels) at p, up to lim. */
const char *nf_skip_kernel_stamps(const char *p, const char *lim);

/* Trim spaces at both ends of [*s, *e). */
void nf_trim(const char **s, const char **e);

#endif
