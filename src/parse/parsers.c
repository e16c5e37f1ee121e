/* The registry of line formats: one row per parser file, lookup by name,
 * detection by vote over a file's first lines, and per-file context. */
#include <stddef.h>
#include <string.h>

#include "parse/parser.h"

#include "parse/formats.h"
#include "parse/syslog_header.h"

extern const struct parser parser_syslog_mixed;

/* Order matters for detection ties and for the "syslog" parser, which
 * offers each message to the syslog-borne formats in this order: specific
 * formats before general ones (netfilter first, the most common; generic
 * key=value late), "syslog" itself last (it only wins by default). */
const struct parser *const parser_table[] = {
	&parser_netfilter,
	&parser_pve_firewall,
	&parser_filterlog,
	&parser_pf,
	&parser_ipfw,
	&parser_ipmon,
	&parser_cisco_asa,
	&parser_cisco_ios,
	&parser_junos,
	&parser_fortigate,
	&parser_sonicwall,
	&parser_checkpoint,
	&parser_mikrotik,
	&parser_winfw,
	&parser_sshd,
	&parser_dropbear,
	&parser_ftpd,
	&parser_xinetd, /* before tcp_wrappers: xinetd's own refusal lines */
	&parser_tcp_wrappers,
	&parser_scanlogd,
	&parser_portsentry,
	&parser_psad,
	&parser_suricata,
	&parser_kippo, /* before cowrie: it claims plain Twisted lines weakly */
	&parser_zeek_conn,
	&parser_cowrie,
	&parser_dionaea,
	&parser_opencanary,
	&parser_honeyd,
	&parser_dshield,
	&parser_pcap,
	&parser_weblog, /* web access logs: Apache/nginx, IIS W3C, JSON */
	&parser_iis,
	&parser_weblog_json,
	/* Generic key=value: its detect() scores below DETECT_STRONG, so it
	 * is chosen only when no specific format claims a file. */
	&parser_kv_generic,
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

/* A detect() score at or above this is a claim; below it (the generic
 * key=value recogniser, the mixed syslog reader) only a hint, used when
 * no parser claims any sampled line. */
/* Choose a parser from sample lines. The parser that claims most of them
 * wins (ties: table order). A syslog file whose lines are claimed by more
 * than one syslog-borne format (netfilter and sshd in /var/log/syslog), or
 * mostly by none though they are syslog, is read with the "syslog" parser,
 * which offers each line to every syslog-borne format. */
const struct parser *parser_detect(const char *const *lines, const size_t *lens, size_t n)
{
	size_t n_parsers = 0;
	while (parser_table[n_parsers])
		n_parsers++;
	size_t strong[n_parsers ? n_parsers : 1], weak[n_parsers ? n_parsers : 1];
	memset(strong, 0, sizeof(strong));
	memset(weak, 0, sizeof(weak));
	size_t syslog_like = 0, nonblank = 0;
	const struct parser *mixed = parser_find("syslog");
	for (size_t i = 0; i < n; i++) {
		if (lens[i] == 0)
			continue;
		nonblank++;
		syslog_like += syslog_header_looks_like(lines[i], lens[i]) != 0;
		for (size_t k = 0; k < n_parsers; k++) {
			const struct parser *p = parser_table[k];
			if (p == mixed || !p->detect)
				continue;
			int score = p->detect(lines[i], lens[i]);
			if (score >= DETECT_STRONG)
				strong[k]++;
			else if (score > 0)
				weak[k]++;
		}
	}
	size_t *hits = strong;
	size_t best = n_parsers, borne_hitting = 0;
	for (int pass = 0; pass < 2 && best == n_parsers; pass++) {
		hits = pass == 0 ? strong : weak;
		borne_hitting = 0;
		for (size_t k = 0; k < n_parsers; k++) {
			if (hits[k] && (best == n_parsers || hits[k] > hits[best]))
				best = k;
			if (hits[k] && parser_table[k]->parse_syslog)
				borne_hitting++;
		}
	}
	int mostly_syslog = nonblank && syslog_like * 2 > nonblank;
	if (best == n_parsers)
		return mostly_syslog ? mixed : NULL;
	if (mixed && parser_table[best]->parse_syslog && borne_hitting > 1)
		return mixed;
	if (hits[best] * 2 < nonblank && mostly_syslog && mixed)
		return mixed;
	return parser_table[best];
}

void parse_ctx_init(struct parse_ctx *ctx, int64_t ref_utc_sec, int forced_year,
		    const struct action_map *actions)
{
	/* empty zone cache, no state; the scratch buffer (the last member) is
	 * written before it is read */
	_Static_assert(offsetof(struct parse_ctx, unescaped) + sizeof(ctx->unescaped) ==
			       sizeof(struct parse_ctx),
		       "parse_ctx.unescaped must stay the last member");
	memset(ctx, 0, offsetof(struct parse_ctx, unescaped));
	year_ref_init(&ctx->year, ref_utc_sec, forced_year);
	ctx->actions = actions;
	ctx->reason = NULL;
	ctx->state = NULL;
}
