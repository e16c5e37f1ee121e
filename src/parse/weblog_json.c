/* JSON access logs ("weblog-json"): one object a line, as nginx writes
 * with `log_format name escape=json '{"remote_addr":"$remote_addr",...}'`,
 * Caddy-less shippers and Apache's mod_log_config with a JSON-shaped
 * LogFormat do. Members are found by their common names (first one
 * present wins):
 *   client   remote_addr client clientip client_ip ip
 *   time     time timestamp @timestamp time_local time_iso8601 msec
 *   request  request;  method: method request_method
 *   target   request_uri uri path url;  query: query args query_string
 *   status   status;  bytes: body_bytes_sent bytes size bytes_sent
 *   referer  http_referer referer referrer
 *   agent    http_user_agent user_agent agent
 *   vhost    host vhost server_name http_host;  server_addr, server_port
 * A stamp is read by its look: "10/Oct/2000:13:55:36 +0000" (time_local),
 * ISO 8601, or a number of seconds (with a fraction: $msec), ms or us. */
#include <string.h>

#include "core/util.h"
#include "parse/fwlog_util.h"
#include "parse/json_scan.h"
#include "parse/parser.h"
#include "parse/weblog_format.h"

static const struct {
	const char *key;
	uint8_t field;
} wj_keys[] = {
	{"remote_addr", WLF_CLIENT},	{"client", WLF_CLIENT},
	{"clientip", WLF_CLIENT},	{"client_ip", WLF_CLIENT},
	{"ip", WLF_CLIENT},		{"time", WLF_TIME},
	{"timestamp", WLF_TIME},	{"@timestamp", WLF_TIME},
	{"time_local", WLF_TIME},	{"time_iso8601", WLF_TIME},
	{"msec", WLF_TIME},		{"request", WLF_REQUEST},
	{"method", WLF_METHOD},		{"request_method", WLF_METHOD},
	{"request_uri", WLF_URI},	{"uri", WLF_PATH},
	{"path", WLF_PATH},		{"url", WLF_URI},
	{"query", WLF_QUERY},		{"args", WLF_QUERY},
	{"query_string", WLF_QUERY},	{"status", WLF_STATUS},
	{"body_bytes_sent", WLF_BYTES}, {"bytes", WLF_BYTES},
	{"size", WLF_BYTES},		{"bytes_sent", WLF_BYTES_TOTAL},
	{"http_referer", WLF_REFERER},	{"referer", WLF_REFERER},
	{"referrer", WLF_REFERER},	{"http_user_agent", WLF_USER_AGENT},
	{"user_agent", WLF_USER_AGENT}, {"agent", WLF_USER_AGENT},
	{"host", WLF_VHOST},		{"vhost", WLF_VHOST},
	{"server_name", WLF_VHOST},	{"http_host", WLF_VHOST},
	{"server_addr", WLF_SERVER_ADDR}, {"server_port", WLF_SERVER_PORT},
	{"remote_user", WLF_USER},
};

static int wj_key(const struct json_val *k)
{
	if (k->escaped)
		return -1;
	for (size_t i = 0; i < ARRAY_LEN(wj_keys); i++)
		if (strlen(wj_keys[i].key) == k->len && memcmp(wj_keys[i].key, k->p, k->len) == 0)
			return wj_keys[i].field;
	return -1;
}

/* How the stamp is written, judged from the text. */
static uint8_t wj_time_kind(const struct slice *t, int number)
{
	if (t->len >= 26 && t->ptr[2] == '/')
		return WLT_CLF;
	if (!number && t->len >= 10 && t->ptr[4] == '-')
		return WLT_ISO;
	size_t digits = 0;
	while (digits < t->len && fwl_digit(t->ptr[digits]))
		digits++;
	if (digits < t->len) /* "1700000000.123" */
		return WLT_EPOCH;
	return digits >= 16 ? WLT_EPOCH_US : digits >= 13 ? WLT_EPOCH_MS : WLT_EPOCH;
}

/* Fill w from the object on the line; strings with escapes (nginx writes
 * \" and \u0022 for a quote) are decoded into buf[0..cap) while it has
 * room, else kept as written. Returns 1 if it has a client, a status and
 * something of a request; 0 if not an access-log object; -1 if the text
 * is no complete JSON object. */
static int wj_fields(const char *line, const char *end, struct weblog_fields *w, char *buf,
		     size_t cap)
{
	size_t used = 0;
	struct json_val obj, k, v;
	const char *p = json_value(line, end, &obj);
	if (!p || obj.type != JSON_OBJECT)
		return -1;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	if (p != end)
		return -1;
	memset(w, 0, sizeof(*w));
	w->have = ~0u;
	struct json_iter it;
	if (json_iter_init(&it, &obj) != 0)
		return -1;
	int number_time = 0, r;
	while ((r = json_iter_next(&it, &k, &v)) == 1) {
		int f = wj_key(&k);
		if (f < 0 || w->v[f].len || (v.type != JSON_STRING && v.type != JSON_NUMBER))
			continue;
		w->v[f].ptr = v.p;
		w->v[f].len = (uint32_t)v.len;
		if (v.escaped && v.type == JSON_STRING && buf) {
			long n = json_decode(&v, buf + used, cap - used);
			if (n >= 0) {
				w->v[f].ptr = buf + used;
				w->v[f].len = (uint32_t)n;
				used += (size_t)n;
			}
		}
		if (f == WLF_TIME)
			number_time = v.type == JSON_NUMBER;
	}
	if (r < 0)
		return -1;
	if (w->v[WLF_TIME].len)
		w->time_kind = wj_time_kind(&w->v[WLF_TIME], number_time);
	int request = w->v[WLF_REQUEST].len || w->v[WLF_URI].len || w->v[WLF_PATH].len ||
		      w->v[WLF_METHOD].len;
	return w->v[WLF_CLIENT].len && w->v[WLF_STATUS].len && request;
}

static enum parse_result wj_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
				       struct event *ev)
{
	const char *end = fwl_eol(line, len);
	const char *p = line;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p != '{')
		return PARSE_UNKNOWN;
	struct weblog_fields w;
	int r = wj_fields(p, end, &w, ctx->unescaped, sizeof(ctx->unescaped));
	if (r < 0) {
		ctx->reason = "weblog-json: not one complete JSON object";
		return PARSE_MALFORMED;
	}
	if (r == 0) {
		ctx->reason = "weblog-json: no client, status or request member";
		return PARSE_MALFORMED;
	}
	return weblog_fields_event(ctx, &w, ev);
}

static int wj_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len), *p = line;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p != '{' || !fwl_find(p, end, FWL_LIT("\"status\"")))
		return 0;
	struct weblog_fields w;
	return wj_fields(p, end, &w, NULL, 0) == 1 ? 70 : 0;
}

static const struct parser_example wj_examples[] = {
	{"nginx log_format escape=json: a real probe (teliten-vps) in that layout (constructed, "
	 "tests/data/ORIGINS.md)",
	 "{\"time_local\":\"28/Apr/2022:01:33:05 +0000\",\"remote_addr\":\"190.180.154.155\","
	 "\"remote_user\":\"\",\"request\":\"GET /boaform/admin/formLogin?username=user&psd=user "
	 "HTTP/1.0\",\"status\":\"404\",\"body_bytes_sent\":\"451\",\"http_referer\":\"\","
	 "\"http_user_agent\":\"\"}"},
	{NULL, NULL},
};

const struct parser parser_weblog_json = {
	.name = "weblog-json",
	.summary = "JSON access logs, one object a line (nginx escape=json, log shippers)",
	.time_note = "time_local and ISO stamps with an offset are exact; ISO without one is read "
		     "in --tz; numbers are seconds (ms, us) since the epoch",
	.examples = wj_examples,
	.detect = wj_detect,
	.parse_line = wj_parse_line,
};
