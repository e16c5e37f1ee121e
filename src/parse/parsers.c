/* The registry of line formats: one row per parser file, lookup by name,
 * detection by vote over a file's first lines, and per-file context. */
#include <string.h>

#include "parse/parser.h"

#include "parse/formats.h"

extern const struct parser parser_cisco_ios;
extern const struct parser parser_syslog_mixed;

/* Order matters for detection ties and for the "syslog" parser, which
 * offers each message to the syslog-borne formats in this order: the most
 * common format first; "syslog" itself last (it only wins by default). */
const struct parser *const parser_table[] = {
	&parser_netfilter,
	&parser_pve_firewall,
	&parser_filterlog,
	&parser_pf,
	&parser_ipfw,
	&parser_cisco_ios,
	&parser_syslog_mixed,
	NULL,
};

const struct parser *parser_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; parser_table[i]; i++)
		if (strcmp(parser_table[i]->name, name) == 0)
			return parser_table[i];
	return NULL;
}

/* Each parser gets one vote per line it recognises; the most votes wins,
 * ties go to the earlier row. */
const struct parser *parser_detect(const char *const *lines, const size_t *lens, size_t n)
{
	const struct parser *best = NULL;
	size_t best_hits = 0;
	for (size_t i = 0; parser_table[i]; i++) {
		const struct parser *p = parser_table[i];
		if (!p->detect)
			continue;
		size_t hits = 0;
		for (size_t j = 0; j < n; j++)
			if (lens[j] && p->detect(lines[j], lens[j]) > 0)
				hits++;
		if (hits > best_hits) {
			best = p;
			best_hits = hits;
		}
	}
	return best;
}

void parse_ctx_init(struct parse_ctx *ctx, int64_t ref_utc_sec, int forced_year,
		    const struct action_map *actions)
{
	memset(ctx, 0, sizeof(*ctx)); /* empty zone cache, no state */
	year_ref_init(&ctx->year, ref_utc_sec, forced_year);
	ctx->actions = actions;
	ctx->reason = NULL;
	ctx->state = NULL;
}
