/* IIS access logs in the W3C extended format (Microsoft's "W3C Extended
 * Log File Format (IIS 6.0)" and the IIS logging docs): "#Software:",
 * "#Version:", "#Date:" and "#Fields:" header lines, then one request a
 * line, fields apart by one blank (blanks inside values written as '+'),
 * "-" for empty. The #Fields line names the columns; it is kept in the
 * per-file state and may change mid-file (a restart writes a new header).
 * Before any #Fields line, IIS's default field set is assumed. date and
 * time are UTC (IIS always writes W3C logs in UTC). */
#include <string.h>

#include "core/util.h"
#include "parse/fwlog_util.h"
#include "parse/parser.h"
#include "parse/weblog_format.h"

#define IIS_MAX_COLS 48

struct iis_state {
	uint8_t col[IIS_MAX_COLS]; /* enum weblog_field per column */
	uint16_t n_cols;
	uint8_t have_fields;
	uint8_t too_many;          /* the header named more than IIS_MAX_COLS */
};

static const struct {
	const char *name;
	uint8_t field;
} iis_names[] = {
	{"date", WLF_DATE},
	{"time", WLF_TIME_OF_DAY},
	{"s-ip", WLF_SERVER_ADDR},
	{"cs-method", WLF_METHOD},
	{"cs-uri-stem", WLF_PATH},
	{"cs-uri-query", WLF_QUERY},
	{"s-port", WLF_SERVER_PORT},
	{"cs-username", WLF_USER},
	{"c-ip", WLF_CLIENT},
	{"cs(User-Agent)", WLF_USER_AGENT},
	{"cs(Referer)", WLF_REFERER},
	{"sc-status", WLF_STATUS},
	{"sc-bytes", WLF_BYTES},
	{"cs-host", WLF_VHOST},
	{"cs-version", WLF_PROTOCOL},
	{"s-sitename", WLF_SKIP}, /* "W3SVC1": no host name */
};

/* IIS 8.5 and later, the default selection. */
static const char iis_default[] =
	"date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
	"cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken";

/* IIS writes the blanks of a header as '+' ("Mozilla/5.0+(compatible;
 * +Nmap+Scripting+Engine)"). The user agent and referrer get them back in
 * these per-thread buffers, valid until the next line (as weblog_event.c's
 * joined target), so the signatures, written with blanks, match. */
#define IIS_HEADER_MAX 8192
static _Thread_local char iis_agent[IIS_HEADER_MAX], iis_referrer[IIS_HEADER_MAX];

static void iis_unplus(struct slice *v, char *buf)
{
	if (v->len == 0 || v->len > IIS_HEADER_MAX || !memchr(v->ptr, '+', v->len))
		return; /* a longer one is matched as logged */
	for (uint32_t i = 0; i < v->len; i++)
		buf[i] = v->ptr[i] == '+' ? ' ' : v->ptr[i];
	v->ptr = buf;
}

static uint8_t iis_field(const char *s, size_t n)
{
	for (size_t i = 0; i < ARRAY_LEN(iis_names); i++)
		if (strlen(iis_names[i].name) == n && strncasecmp(iis_names[i].name, s, n) == 0)
			return iis_names[i].field;
	return WLF_SKIP;
}

static void iis_set_fields(struct iis_state *st, const char *p, const char *end)
{
	st->n_cols = 0;
	st->too_many = 0;
	st->have_fields = 1;
	while ((p = fwl_skip_sp(p, end)) < end) {
		const char *e = fwl_tok_end(p, end);
		if (st->n_cols == IIS_MAX_COLS) {
			st->too_many = 1;
			break;
		}
		st->col[st->n_cols++] = iis_field(p, (size_t)(e - p));
		p = e;
	}
}

static enum parse_result iis_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					struct event *ev)
{
	struct iis_state *st = ctx->state;
	const char *end = fwl_eol(line, len);
	if (end == line)
		return PARSE_UNKNOWN;
	if (line[0] == '#') {
		if (st && fwl_starts(line, end, FWL_LIT("#Fields:")))
			iis_set_fields(st, line + 8, end);
		return PARSE_OTHER;
	}
	if (!st) {
		ctx->reason = "iis: no per-file state";
		return PARSE_MALFORMED;
	}
	if (!st->have_fields)
		iis_set_fields(st, iis_default, iis_default + sizeof(iis_default) - 1);
	if (st->too_many) {
		ctx->reason = "iis: #Fields names more columns than are read (48)";
		return PARSE_MALFORMED;
	}
	struct weblog_fields w;
	memset(&w, 0, sizeof(w));
	w.have = ~0u;
	const char *p = line;
	size_t i = 0;
	for (; p < end; i++) {
		const char *e = memchr(p, ' ', (size_t)(end - p));
		if (!e)
			e = end;
		if (i == st->n_cols)
			break;
		uint8_t f = st->col[i];
		if (f != WLF_SKIP) {
			w.v[f].ptr = p;
			w.v[f].len = (uint32_t)(e - p);
		}
		p = e < end ? e + 1 : end;
	}
	if (i != st->n_cols || p < end) {
		ctx->reason = "iis: the line has not as many fields as #Fields names";
		return PARSE_MALFORMED;
	}
	iis_unplus(&w.v[WLF_USER_AGENT], iis_agent);
	iis_unplus(&w.v[WLF_REFERER], iis_referrer);
	return weblog_fields_event(ctx, &w, ev);
}

static int iis_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	if (fwl_starts(line, end, FWL_LIT("#Software: Microsoft Internet Information Services")))
		return 100;
	if (fwl_starts(line, end, FWL_LIT("#Fields:")))
		return fwl_find(line, end, FWL_LIT(" cs-uri-stem")) || fwl_find(line, end, FWL_LIT(" cs-method"))
			       ? 100
			       : 0;
	/* a data line: "2024-05-01 10:00:00 ... GET /x ..." with a status */
	if (end - line < 30 || line[4] != '-' || line[7] != '-' || line[10] != ' ' || line[13] != ':')
		return 0;
	static const char *const methods[] = {" GET /", " POST /", " HEAD /", " OPTIONS ", " PUT /"};
	for (size_t i = 0; i < ARRAY_LEN(methods); i++)
		if (fwl_find(line, end, methods[i], strlen(methods[i])))
			return 30;
	return 0;
}

static const struct parser_example iis_examples[] = {
	{"IIS 10 default fields: a real probe (teliten-vps) in Microsoft's documented layout "
	 "(constructed, tests/data/ORIGINS.md)",
	 "2022-04-28 01:33:05 192.0.2.10 GET /boaform/admin/formLogin username=user&psd=user 80 - "
	 "190.180.154.155 - - 404 0 2 15"},
	{"the #Fields header that names the columns",
	 "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
	 "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken"},
	{NULL, NULL},
};

const struct parser parser_iis = {
	.name = "iis",
	.summary = "IIS access logs, W3C extended format (#Fields: header names the columns)",
	.time_note = "date and time are UTC, as IIS always writes them in W3C logs: exact",
	.examples = iis_examples,
	.detect = iis_detect,
	.parse_line = iis_parse_line,
	.state_size = sizeof(struct iis_state),
};
