/* Apache and nginx access logs ("weblog"). Without --log-format each line
 * is read as what it looks like: common or combined (Apache's and nginx's
 * defaults, which are the same fields), or with a virtual host in front
 * (Apache's vhost_combined "%v:%p ...", nginx "$host ..."); trailing extra
 * fields (nginx's "$http_x_forwarded_for") are ignored. With --log-format
 * (ctx->weblog) the compiled format is run on every line. */
#include <pthread.h>
#include <string.h>

#include "parse/fwlog_util.h"
#include "parse/parser.h"
#include "parse/weblog_format.h"

/* Blanks before the '[' of the stamp: 3 for common/combined ("host ident
 * user [..."), 4 with a vhost in front; -1 if there is no "[dd/Mon/". */
static int wl_lead_words(const char *line, const char *end, const char **bracket)
{
	size_t scan = (size_t)(end - line) < 512 ? (size_t)(end - line) : 512;
	const char *b = memchr(line, '[', scan);
	if (!b || b == line || b[-1] != ' ' || end - b < 29 || b[3] != '/' || b[7] != '/')
		return -1;
	int blanks = 0;
	for (const char *p = line; p < b; p++)
		blanks += *p == ' ';
	*bracket = b;
	return blanks;
}

/* The built-in formats auto-detection tries, looked up once. */
static const struct weblog_format *wl_combined, *wl_common, *wl_vhost_combined,
	*wl_vhost_common, *wl_nginx_vhost;
static pthread_once_t wl_once = PTHREAD_ONCE_INIT;

static void wl_lookup(void)
{
	wl_combined = weblog_format_named("combined");
	wl_common = weblog_format_named("common");
	wl_vhost_combined = weblog_format_named("vhost_combined");
	wl_vhost_common = weblog_format_named("vhost_common");
	wl_nginx_vhost = weblog_format_named("nginx_vhost");
}

static enum parse_result wl_run(struct parse_ctx *ctx, const struct weblog_format *f,
				const char *line, size_t len, struct event *ev, const char **why)
{
	struct weblog_fields w;
	if (!f || weblog_format_run(f, line, len, &w, why) != 0)
		return PARSE_UNKNOWN;
	return weblog_fields_event(ctx, &w, ev);
}

static enum parse_result wl_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
				       struct event *ev)
{
	const char *end = fwl_eol(line, len);
	len = (size_t)(end - line);
	const char *why = "web log: line does not follow the log format";
	if (ctx->weblog) {
		enum parse_result r = wl_run(ctx, ctx->weblog, line, len, ev, &why);
		if (r == PARSE_UNKNOWN) {
			if (len == 0)
				return PARSE_UNKNOWN;
			ctx->reason = why;
			return PARSE_MALFORMED;
		}
		return r;
	}
	const char *bracket;
	int words = wl_lead_words(line, end, &bracket);
	if (words != 3 && words != 4)
		return PARSE_UNKNOWN;
	enum parse_result r;
	pthread_once(&wl_once, wl_lookup);
	if (words == 3) {
		r = wl_run(ctx, wl_combined, line, len, ev, &why);
		if (r == PARSE_UNKNOWN)
			r = wl_run(ctx, wl_common, line, len, ev, &why);
	} else {
		const char *sp = memchr(line, ' ', (size_t)(bracket - line));
		int colon = sp && memchr(line, ':', (size_t)(sp - line)) != NULL;
		r = wl_run(ctx, colon ? wl_vhost_combined : wl_nginx_vhost, line, len, ev, &why);
		if (r == PARSE_UNKNOWN)
			r = wl_run(ctx, wl_vhost_common, line, len, ev, &why);
	}
	if (r == PARSE_UNKNOWN) {
		ctx->reason = why;
		return PARSE_MALFORMED;
	}
	return r;
}

/* "host ident user [10/Oct/2000:13:55:36 -0700] "" (or a vhost first). */
static int wl_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len), *b;
	int words = wl_lead_words(line, end, &b);
	int64_t ns;
	if ((words != 3 && words != 4) || weblog_clf_time(b + 1, 26, &ns) != 0 || b[27] != ']')
		return 0;
	if (end - b < 30 || b[28] != ' ' || b[29] != '"')
		return 0;
	return 80;
}

static const struct parser_example wl_examples[] = {
	{"Apache combined (teliten-vps apache2), a router exploit probe",
	 "190.180.154.155 - - [28/Apr/2022:01:33:05 +0000] \"GET "
	 "/boaform/admin/formLogin?username=user&psd=user HTTP/1.0\" 404 451 \"-\" \"-\""},
	{"Apache common (crowdsec hub test), Nikto's RFI probe",
	 "172.17.0.1 - - [29/Sep/2021:12:37:05 +0000] \"GET "
	 "/start.php?lang=http://cirt.net/rfiinc.txt? HTTP/1.1\" 404 196"},
	{"nginx combined with $http_x_forwarded_for (fail2ban test log)",
	 "12.34.56.78 - - [20/Jan/2015:19:53:28 +0100] \"GET //pma/scripts/setup.php HTTP/1.1\" "
	 "404 47 \"-\" \"-\" \"-\""},
	{NULL, NULL},
};

const struct parser parser_weblog = {
	.name = "weblog",
	.summary = "Apache/nginx access logs: common, combined, vhost_combined by themselves; "
		   "any LogFormat/log_format with --log-format",
	.time_note = "[10/Oct/2000:13:55:36 -0700] carries its UTC offset: exact; ISO and epoch "
		     "stamps likewise; strftime stamps without %z are read in --tz",
	.examples = wl_examples,
	.detect = wl_detect,
	.parse_line = wl_parse_line,
};
