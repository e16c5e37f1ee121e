/* The JSON report and JSON Lines events: documents are checked by a small
 * RFC 8259 validator written here (no JSON library), plus key substrings
 * and the escaping of hostile strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/timeconv.h"
#include "core/util.h"
#include "report/report.h"
#include "report/report_util.h"

/* ---- a strict validator (RFC 8259 grammar, UTF-8 per RFC 3629) ------- */

static const char *v_value(const char *p, int depth);

static const char *v_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Independent of the code under test: decode and range-check. */
static int utf8_ok(const unsigned char *p, size_t *len)
{
	uint32_t cp;
	size_t n;
	if (p[0] >= 0xC0 && p[0] < 0xE0) {
		n = 2;
		cp = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] < 0xF0) {
		n = 3;
		cp = p[0] & 0x0F;
	} else if (p[0] >= 0xF0 && p[0] < 0xF8) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	*len = n;
	return 1;
}

static const char *v_string(const char *p)
{
	if (*p != '"')
		return NULL;
	p++;
	for (;;) {
		unsigned char c = (unsigned char)*p;
		if (c == 0 || c < 0x20)
			return NULL;
		if (c == '"')
			return p + 1;
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!is_hex(p[i]))
						return NULL;
				p += 5;
			} else if (*p && strchr("\"\\/bfnrt", *p)) {
				p++;
			} else {
				return NULL;
			}
			continue;
		}
		if (c >= 0x80) {
			size_t n;
			if (!utf8_ok((const unsigned char *)p, &n))
				return NULL;
			p += n;
			continue;
		}
		p++;
	}
}

static const char *v_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

static const char *v_value(const char *p, int depth)
{
	if (depth > 64)
		return NULL;
	p = v_ws(p);
	if (*p == '{') {
		p = v_ws(p + 1);
		if (*p == '}')
			return p + 1;
		for (;;) {
			p = v_string(v_ws(p));
			if (!p)
				return NULL;
			p = v_ws(p);
			if (*p != ':')
				return NULL;
			p = v_value(p + 1, depth + 1);
			if (!p)
				return NULL;
			p = v_ws(p);
			if (*p == '}')
				return p + 1;
			if (*p != ',')
				return NULL;
			p++;
		}
	}
	if (*p == '[') {
		p = v_ws(p + 1);
		if (*p == ']')
			return p + 1;
		for (;;) {
			p = v_value(p, depth + 1);
			if (!p)
				return NULL;
			p = v_ws(p);
			if (*p == ']')
				return p + 1;
			if (*p != ',')
				return NULL;
			p++;
		}
	}
	if (*p == '"')
		return v_string(p);
	if (!strncmp(p, "true", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (!strncmp(p, "null", 4))
		return p + 4;
	return v_number(p);
}

static int json_valid(const char *doc)
{
	const char *p = v_value(doc, 0);
	return p && *v_ws(p) == '\0';
}

/* The validator itself must refuse what it should. */
static void test_validator(void **state)
{
	(void)state;
	assert_true(json_valid("{\"a\":[1,-2.5e3,true,false,null,\"x\\u00e9\"]}"));
	assert_true(json_valid("[]"));
	assert_false(json_valid("{\"a\":1,}"));
	assert_false(json_valid("{\"a\" 1}"));
	assert_false(json_valid("[\"\x01\"]"));
	assert_false(json_valid("[\"\xff\"]"));
	assert_false(json_valid("[\"\xed\xa0\x80\"]")); /* surrogate */
	assert_false(json_valid("[\"\xc0\xaf\"]"));	 /* overlong */
	assert_false(json_valid("[01]"));
	assert_false(json_valid("{\"a\":1}}"));
	assert_false(json_valid("[\"\\x41\"]"));
}

/* ---- capture -------------------------------------------------------- */

struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static void cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

static char *cap_close(struct capture *c)
{
	fclose(c->f);
	return c->buf;
}

static char *escape(const char *s, size_t len)
{
	struct capture c;
	struct report_buf rb;
	cap_open(&c);
	report_buf_init(&rb, c.f);
	report_json_string(&rb, s, len);
	report_buf_flush(&rb);
	return cap_close(&c);
}

static void test_escape(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} cases[] = {
		{"plain", 5, "\"plain\""},
		{"", 0, "\"\""},
		{"q\"b\\s/", 6, "\"q\\\"b\\\\s/\""},
		{"\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\""},
		{"\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\""},
		{"a\0b", 3, "\"a\\u0000b\""},
		{"\x1b[2J", 4, "\"\\u001b[2J\""},
		/* valid UTF-8 passes through */
		{"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\xa5", 14,
		 "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\xa5\""},
		/* invalid bytes: read as Latin-1 */
		{"\xff\xfe", 2, "\"\\u00ff\\u00fe\""},
		{"caf\xe9", 4, "\"caf\\u00e9\""},
		{"\xc3", 1, "\"\\u00c3\""},                         /* truncated */
		{"\xc0\xaf", 2, "\"\\u00c0\\u00af\""},               /* overlong */
		{"\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\""},    /* surrogate */
		{"\xf4\x90\x80\x80", 4, "\"\\u00f4\\u0090\\u0080\\u0080\""}, /* > U+10FFFF */
		{"\xe2\x82", 2, "\"\\u00e2\\u0082\""},
		/* C1 controls, and the JavaScript line separators */
		{"\xc2\x9b", 2, "\"\\u009b\""},
		{"\xc2\xa0", 2, "\"\xc2\xa0\""},
		{"\xe2\x80\xa8\xe2\x80\xa9", 6, "\"\\u2028\\u2029\""},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *got = escape(cases[i].in, cases[i].len);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got %s want %s", i, got, cases[i].want);
		assert_true(json_valid(got));
		free(got);
	}
	char *n = escape(NULL, 3);
	assert_string_equal(n, "null");
	free(n);

	/* every single byte value, alone and between letters, stays valid */
	for (unsigned b = 0; b < 256; b++) {
		char in[3] = {'a', (char)b, 'z'};
		char *got = escape(in, 3);
		assert_true(json_valid(got));
		free(got);
	}
	/* a long string crosses the write buffer */
	size_t big = 3 * sizeof(((struct report_buf *)0)->b) + 7;
	char *s = malloc(big);
	for (size_t i = 0; i < big; i++)
		s[i] = (i % 97 == 0) ? '"' : (char)('a' + i % 26);
	char *got = escape(s, big);
	assert_true(json_valid(got));
	free(got);
	free(s);
}

/* ---- a hand-built summary --------------------------------------------- */

static const struct service svc_telnet = {
	.port = 23, .proto = 6, .cls = SERVICE_ALERT, .name = "telnet", .note = "Mirai"};
static const struct service svc_ssh = {
	.port = 22, .proto = 6, .cls = SERVICE_WARNING, .name = "ssh", .note = ""};

/* 2022-05-15 00:00:17 UTC */
#define T0 (1652572817LL * NS_PER_SEC)

static void v4(struct ip_addr *a, unsigned x, unsigned y, unsigned z, unsigned w)
{
	addr_from_v4((uint32_t)(x << 24 | y << 16 | z << 8 | w), a);
}

static struct summary *make_summary(void)
{
	struct summary *s = xcalloc(1, sizeof(*s));
	s->events = 7;
	s->records = 6;
	s->first_ns = T0;
	s->last_ns = T0 + 5 * 86400 * NS_PER_SEC + 123000000;
	s->n_sources = 2;
	s->n_targets = 1;
	s->n_ports = 3;
	s->by_action[EVENT_ACTION_DROP] = 7;
	s->by_proto[6] = 6;
	s->by_proto[17] = 1;
	s->hours[0] = 5;
	s->hours[11] = 2;
	s->weekdays[6] = 5;
	s->weekdays[4] = 2;

	s->n_ports_rows = 2;
	s->ports = xcalloc(2, sizeof(*s->ports));
	s->ports[0] = (struct summary_port){.proto = 6, .port = 23, .events = 6, .sources = 2,
					    .targets = 1, .svc = &svc_telnet};
	s->ports[1] = (struct summary_port){.proto = 17, .port = 53, .events = 1, .sources = 1,
					    .targets = 1, .svc = NULL};

	s->n_sources_rows = 1;
	s->sources = xcalloc(1, sizeof(*s->sources));
	v4(&s->sources[0].addr, 203, 0, 113, 34);
	s->sources[0].events = 6;
	s->sources[0].first_ns = T0;
	s->sources[0].last_ns = s->last_ns;
	s->sources[0].ports = 1;
	s->sources[0].targets = 1;
	s->sources[0].by_action[EVENT_ACTION_DROP] = 6;

	s->n_targets_rows = 1;
	s->targets = xcalloc(1, sizeof(*s->targets));
	v4(&s->targets[0].addr, 198, 51, 100, 84);
	s->targets[0].events = 7;
	s->targets[0].sources = 2;
	s->targets[0].ports = 2;
	s->targets[0].first_ns = T0;
	s->targets[0].last_ns = s->last_ns;

	s->n_months = 1;
	s->months = xcalloc(1, sizeof(*s->months));
	s->months[0] = (struct summary_count){.key = 202205, .events = 7};
	s->n_days = 2;
	s->days = xcalloc(2, sizeof(*s->days));
	s->days[0] = (struct summary_count){.key = 20220515, .events = 5};
	s->days[1] = (struct summary_count){.key = 20220520, .events = 2};

	s->n_prefixes = 1;
	s->prefixes = xcalloc(1, sizeof(*s->prefixes));
	s->prefixes[0].text = "[UFW \"BLOCK\"]\x1b[2J\xff";
	s->prefixes[0].action = EVENT_ACTION_DROP;
	s->prefixes[0].events = 7;

	s->n_alerts = 2;
	s->alerts = xcalloc(2, sizeof(*s->alerts));
	for (int i = 0; i < 2; i++) {
		struct summary_group *g = &s->alerts[i];
		g->cls = SERVICE_ALERT;
		g->proto = 6;
		g->port = 23;
		g->svc = &svc_telnet;
		v4(&g->src, 203, 0, 113, 34);
		v4(&g->dst, 198, 51, 100, (unsigned)(84 + i));
		g->first_unit = 3;
		g->first_line = (uint64_t)(10 + i);
	}
	s->alerts[0].events = 4;
	s->alerts[0].first_ns = T0;
	s->alerts[0].last_ns = s->last_ns;
	s->alerts[1].events = 1;
	s->alerts[1].first_ns = s->alerts[1].last_ns = T0 + 3 * NS_PER_SEC;

	s->n_warnings = 1;
	s->warnings = xcalloc(1, sizeof(*s->warnings));
	s->warnings[0] = (struct summary_group){.cls = SERVICE_WARNING, .proto = 6, .port = 22,
						.svc = &svc_ssh, .events = 1, .first_ns = T0,
						.last_ns = T0, .first_unit = 9, .first_line = 2};
	v4(&s->warnings[0].src, 10, 0, 0, 1);
	v4(&s->warnings[0].dst, 198, 51, 100, 84);
	s->pairs_dropped = 5;
	return s;
}

static void free_summary(struct summary *s)
{
	free(s->ports);
	free(s->sources);
	free(s->targets);
	free(s->months);
	free(s->days);
	free(s->prefixes);
	free(s->alerts);
	free(s->warnings);
	free(s);
}

static const char *origin(void *arg, uint32_t unit, uint64_t unit_line, uint64_t *file_line)
{
	(void)arg;
	if (unit != 3)
		return NULL;
	*file_line = 1000 + unit_line;
	return "/var/log/a \"b\"\n.log";
}

static const struct report_file files[] = {{
	.path = "/var/log/ufw.log",
	.format = "ufw",
	.error = NULL,
	.bytes = 1234,
	.lines = 10,
	.records = 6,
	.events = 7,
	.other = 2,
	.unknown = 1,
	.malformed = 1,
	.first_unknown_line = 3,
}, {
	.path = "bad\xff\x01name",
	.format = NULL,
	.error = "Permission denied",
}};

static const struct report_problem problems[] = {{
	.reason = "bad SRC",
	.count = 1,
	.path = "/var/log/ufw.log",
	.line = 5,
	.example = "SRC=999.1.1.1 \"\\ \x07",
}};

static char *render_json(const struct report *r)
{
	struct capture c;
	cap_open(&c);
	assert_int_equal(report_json(c.f, r), 0);
	return cap_close(&c);
}

static void contains(const char *doc, const char *needle)
{
	if (!strstr(doc, needle))
		fail_msg("missing %s in:\n%s", needle, doc);
}

static void test_document(void **state)
{
	(void)state;
	struct summary *s = make_summary();
	struct report r = {
		.sum = s,
		.files = files,
		.n_files = ARRAY_LEN(files),
		.problems = problems,
		.n_problems = ARRAY_LEN(problems),
		.version = "0.1.0",
		.zone = "UTC",
		.origin = origin,
	};
	char *doc = render_json(&r);
	assert_true(json_valid(doc));
	contains(doc, "\"schema\":\"clscan-report/1\"");
	contains(doc, "\"version\":\"0.1.0\"");
	contains(doc, "\"zone\":\"UTC\"");
	contains(doc, "\"totals\":{\"files\":2,\"lines\":10,\"records\":6,\"events\":7,"
		      "\"sources\":2,\"targets\":1,\"ports\":3,\"alert_groups\":2,"
		      "\"warning_groups\":1}");
	contains(doc, "\"period\":{\"first\":\"2022-05-15T00:00:17Z\","
		      "\"first_local\":\"2022-05-15T00:00:17+00:00\","
		      "\"last\":\"2022-05-20T00:00:17.123Z\","
		      "\"last_local\":\"2022-05-20T00:00:17.123+00:00\",\"seconds\":432000}");
	contains(doc, "\"actions\":{\"unknown\":0,\"drop\":7,\"reject\":0,\"accept\":0,\"log\":0}");
	contains(doc, "{\"number\":6,\"proto\":\"tcp\",\"events\":6}");
	contains(doc, "{\"number\":17,\"proto\":\"udp\",\"events\":1}");
	contains(doc, "{\"proto\":\"tcp\",\"port\":23,\"service\":\"telnet\",\"class\":\"ALERT\","
		      "\"note\":\"Mirai\",\"events\":6,\"sources\":2,\"targets\":1}");
	contains(doc, "{\"proto\":\"udp\",\"port\":53,\"service\":null,\"class\":null,"
		      "\"note\":null,");
	contains(doc, "\"sources\":[\n    {\"addr\":\"203.0.113.34\",\"events\":6,");
	contains(doc, "\"actions\":{\"unknown\":0,\"drop\":6,");
	contains(doc, "\"targets\":[\n    {\"addr\":\"198.51.100.84\",\"events\":7,");
	/* hostile prefix escaped */
	contains(doc, "{\"prefix\":\"[UFW \\\"BLOCK\\\"]\\u001b[2J\\u00ff\",\"action\":\"drop\","
		      "\"events\":7}");
	contains(doc, "\"months\":[\n    {\"month\":\"2022-05\",\"events\":7}\n  ]");
	contains(doc, "{\"day\":\"2022-05-15\",\"events\":5}");
	contains(doc, "\"hours\":[5,0,0,0,0,0,0,0,0,0,0,2,0,0,0,0,0,0,0,0,0,0,0,0]");
	contains(doc, "\"weekdays\":[0,0,0,0,2,0,5]");
	/* evidence through the origin callback, path escaped */
	contains(doc, "{\"class\":\"ALERT\",\"service\":\"telnet\",\"proto\":\"tcp\",\"port\":23,"
		      "\"src\":\"203.0.113.34\",\"dst\":\"198.51.100.84\",\"events\":4,");
	contains(doc, "\"evidence\":{\"file\":\"/var/log/a \\\"b\\\"\\n.log\",\"line\":1010}}");
	contains(doc, "\"evidence\":{\"file\":\"/var/log/a \\\"b\\\"\\n.log\",\"line\":1011}}");
	/* an origin the callback cannot resolve keeps the unit */
	contains(doc, "\"evidence\":{\"file\":null,\"unit\":9,\"line\":2}}");
	contains(doc, "{\"path\":\"/var/log/ufw.log\",\"format\":\"ufw\",\"error\":null,"
		      "\"bytes\":1234,\"lines\":10,\"records\":6,\"events\":7,\"filtered\":0,"
		      "\"other\":2,\"unknown\":1,\"malformed\":1,\"overlong\":0,"
		      "\"first_unknown_line\":3,\"first_overlong_line\":null}");
	contains(doc, "{\"path\":\"bad\\u00ff\\u0001name\",\"format\":null,"
		      "\"error\":\"Permission denied\",");
	contains(doc, "\"malformed\":[\n    {\"reason\":\"bad SRC\",\"count\":1,"
		      "\"file\":\"/var/log/ufw.log\",\"line\":5,"
		      "\"example\":\"SRC=999.1.1.1 \\\"\\\\ \\u0007\"}");
	contains(doc, "\"limits\":{\"sources_dropped\":0,\"targets_dropped\":0,"
		      "\"pairs_dropped\":5,\"groups_dropped\":0,\"complete\":false}");
	/* top-level members in the documented order */
	static const char *const order[] = {
		"\"schema\"", "\"version\"", "\"zone\"", "\"totals\"", "\"period\"",
		"\"actions\"", "\"protocols\"", "\"services\"", "\n  \"sources\"",
		"\n  \"targets\"", "\"prefixes\"", "\"months\"", "\"days\"", "\"hours\"",
		"\"weekdays\"", "\"alerts\"", "\"warnings\"", "\"files\"", "\n  \"malformed\"",
		"\"limits\""};
	const char *prev = doc;
	for (size_t i = 0; i < ARRAY_LEN(order); i++) {
		const char *at = strstr(prev, order[i]);
		if (!at)
			fail_msg("%s missing or out of order", order[i]);
		prev = at;
	}
	free(doc);
	free_summary(s);
}

static void test_local_zone(void **state)
{
	(void)state;
	assert_int_equal(timeconv_set_zone("Europe/Berlin"), 0);
	struct summary *s = make_summary();
	struct tz_cache tz = {0};
	struct report r = {.sum = s, .version = "0.1.0", .zone = "Europe/Berlin", .tz = &tz};
	char *doc = render_json(&r);
	assert_true(json_valid(doc));
	contains(doc, "\"first\":\"2022-05-15T00:00:17Z\",\"first_local\":\"2022-05-15T02:00:17+02:00\"");
	contains(doc, "\"zone\":\"Europe/Berlin\"");
	free(doc);
	free_summary(s);

	char buf[48];
	/* 2022-01-01 00:00:00.5 UTC is 01:00:00.5 in Berlin (winter) */
	report_format_local_rfc3339(&tz, 1640995200LL * NS_PER_SEC + 500000000, buf);
	assert_string_equal(buf, "2022-01-01T01:00:00.500+01:00");
	assert_int_equal(timeconv_set_zone("UTC"), 0);
	struct tz_cache utc = {0};
	report_format_local_rfc3339(&utc, -1, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59.999999999+00:00");
}

static void test_empty(void **state)
{
	(void)state;
	struct summary *s = xcalloc(1, sizeof(*s));
	struct report r = {.sum = s, .version = "0.1.0", .zone = "UTC"};
	char *doc = render_json(&r);
	assert_true(json_valid(doc));
	contains(doc, "\"period\":null");
	contains(doc, "\"alerts\":[]");
	contains(doc, "\"files\":[]");
	contains(doc, "\"complete\":true");
	free(doc);
	free(s);

	/* no summary at all, no version: still a valid document */
	struct report none = {0};
	doc = render_json(&none);
	assert_true(json_valid(doc));
	contains(doc, "\"version\":null");
	free(doc);
}

/* ---- JSON Lines ----------------------------------------------------- */

static char *render_event(const struct event *ev, const char *path, uint64_t line)
{
	struct capture c;
	cap_open(&c);
	report_jsonl_event(c.f, ev, path, line);
	return cap_close(&c);
}

static void test_jsonl(void **state)
{
	(void)state;
	struct event ev;
	event_clear(&ev);
	ev.flags = EVENT_HAS_TIME | EVENT_HAS_SRC | EVENT_HAS_DST | EVENT_HAS_PORTS |
		   EVENT_HAS_TCP_FLAGS | EVENT_HAS_TTL | EVENT_HAS_IP_ID | EVENT_HAS_WINDOW |
		   EVENT_HAS_LEN;
	ev.time_ns = T0 + 250000;
	ev.action = EVENT_ACTION_DROP;
	ev.proto = 6;
	v4(&ev.src, 203, 0, 113, 34);
	v4(&ev.dst, 198, 51, 100, 84);
	ev.sport = 54321;
	ev.dport = 23;
	ev.tcp_flags = TCP_FLAG_SYN;
	ev.ttl = 242;
	ev.ip_id = 54321;
	ev.window = 1024;
	ev.ip_len = 40;
	ev.sensor = (struct slice){"fw1", 3};
	ev.in_if = (struct slice){"eth0", 4};
	ev.prefix = (struct slice){"[UFW BLOCK]", 11};
	char *line = render_event(&ev, "/var/log/ufw.log", 42);
	assert_string_equal(line,
		"{\"time\":\"2022-05-15T00:00:17.000250Z\",\"sensor\":\"fw1\",\"action\":\"drop\","
		"\"proto\":\"tcp\",\"src\":\"203.0.113.34\",\"dst\":\"198.51.100.84\","
		"\"sport\":54321,\"dport\":23,\"tcp_flags\":\"S\",\"ttl\":242,\"ip_id\":54321,"
		"\"window\":1024,\"len\":40,\"count\":1,\"in\":\"eth0\","
		"\"prefix\":\"[UFW BLOCK]\",\"file\":\"/var/log/ufw.log\",\"line\":42}\n");
	free(line);

	/* almost nothing known: only proto and count */
	event_clear(&ev);
	ev.proto = 253;
	ev.count = 7;
	line = render_event(&ev, NULL, 0);
	assert_string_equal(line, "{\"proto\":\"253\",\"count\":7}\n");
	free(line);

	/* ICMP, IPv6, a NULL scan (flags known and zero), hostile slices */
	event_clear(&ev);
	ev.flags = EVENT_HAS_ICMP | EVENT_HAS_SRC | EVENT_HAS_TCP_FLAGS;
	ev.proto = 58;
	ev.icmp_type = 128;
	ev.icmp_code = 0;
	assert_int_equal(addr_parse("2001:db8::1", 11, &ev.src), 0);
	ev.sensor = (struct slice){"h\"\\\n\x01\xff", 6};
	ev.out_if = (struct slice){"eth1", 4};
	ev.action = EVENT_ACTION_UNKNOWN;
	line = render_event(&ev, "p\xc3\xa9\x80", 9);
	assert_string_equal(line,
		"{\"sensor\":\"h\\\"\\\\\\n\\u0001\\u00ff\",\"proto\":\"icmpv6\","
		"\"src\":\"2001:db8::1\",\"tcp_flags\":\"-\",\"icmp_type\":128,\"icmp_code\":0,"
		"\"count\":1,\"out\":\"eth1\",\"file\":\"p\xc3\xa9\\u0080\",\"line\":9}\n");
	size_t n = strlen(line);
	line[n - 1] = '\0';
	assert_true(json_valid(line));
	free(line);
}

/* The event writer formats times itself (no printf per event); it must
 * agree with time_format_rfc3339_utc everywhere. */
static void test_jsonl_times(void **state)
{
	(void)state;
	static const int64_t base[] = {0, 1, -1, 1652572817LL * NS_PER_SEC,
				       /* int64 ns reach 1677..2262: the ends, and
				        * the last second of a year */
				       -9223372036LL * NS_PER_SEC,
				       9223372035LL * NS_PER_SEC,
				       1672531199LL * NS_PER_SEC,     /* 2022-12-31 23:59:59 */
				       951782400LL * NS_PER_SEC,      /* 2000-02-29 */
				       INT64_MAX};
	static const int64_t frac[] = {0, 1, 999, 1000, 123000, 500000000, 999999999, 120000};
	for (size_t i = 0; i < ARRAY_LEN(base); i++) {
		for (size_t j = 0; j < ARRAY_LEN(frac); j++) {
			int64_t ns = base[i];
			if (ns <= INT64_MAX - frac[j])
				ns += frac[j];
			struct event ev;
			event_clear(&ev);
			ev.flags = EVENT_HAS_TIME;
			ev.time_ns = ns;
			char want[96], ts[64];
			snprintf(want, sizeof(want), "{\"time\":\"%s\",",
				 time_format_rfc3339_utc(ns, ts));
			char *line = render_event(&ev, NULL, 0);
			if (strncmp(line, want, strlen(want)) != 0)
				fail_msg("ns %lld: got %s want %s", (long long)ns, line, want);
			free(line);
		}
	}
	/* the very first instant (time_format_rfc3339_utc cannot be asked:
	 * it computes sec * 1e9 there) */
	struct event ev;
	event_clear(&ev);
	ev.flags = EVENT_HAS_TIME;
	ev.time_ns = INT64_MIN;
	char *line = render_event(&ev, NULL, 0);
	assert_string_equal(line, "{\"time\":\"1677-09-21T00:12:43.145224192Z\",\"proto\":\"0\",\"count\":1}\n");
	free(line);
}

/* Every combination of presence flags gives one valid object per line. */
static void test_jsonl_all_flags(void **state)
{
	(void)state;
	struct capture c;
	cap_open(&c);
	for (uint32_t f = 0; f < (1u << 15); f += 1) {
		struct event ev;
		event_clear(&ev);
		ev.flags = f;
		ev.proto = (uint8_t)(f & 0xff);
		ev.action = (uint8_t)(f % 7); /* includes out-of-range values */
		ev.time_ns = (int64_t)f * 1234567;
		ev.prefix = (struct slice){"x", (f & 1) ? 1u : 0u};
		report_jsonl_event(c.f, &ev, (f & 2) ? "f" : NULL, f);
	}
	char *all = cap_close(&c);
	size_t lines = 0;
	for (char *p = all; *p;) {
		char *nl = strchr(p, '\n');
		assert_non_null(nl);
		*nl = '\0';
		if (!json_valid(p))
			fail_msg("invalid line: %s", p);
		lines++;
		p = nl + 1;
	}
	assert_int_equal(lines, 1u << 15);
	free(all);
}

static int setup(void **state)
{
	(void)state;
	return timeconv_set_zone("UTC");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validator), cmocka_unit_test(test_escape),
		cmocka_unit_test(test_document),  cmocka_unit_test(test_local_zone),
		cmocka_unit_test(test_empty),	  cmocka_unit_test(test_jsonl),
		cmocka_unit_test(test_jsonl_times),	  cmocka_unit_test(test_jsonl_all_flags),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
