/* abuse_mail.c and abuse_state.c: RFC 2047 encoded-words that decode back
 * to the text and keep lines short, folding of long ASCII headers, the
 * template's placeholders and conditional lines, 7bit versus
 * quoted-printable bodies (which decode back to the evidence exactly),
 * CRLF everywhere, a stable Message-ID per incident, RFC 5322 dates in the
 * chosen zone, and the state file's round trip through rename. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/addr.h"
#include "core/timeconv.h"
#include "report/abuse_mail.h"

static int b64val(char c)
{
	const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = strchr(t, c);
	return p && c ? (int)(p - t) : -1;
}

/* Decode every "=?UTF-8?B?...?=" in s, in order, into out. */
static size_t decode_words(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	const char *p = s;
	while ((p = strstr(p, "=?UTF-8?B?"))) {
		p += 10;
		const char *end = strstr(p, "?=");
		assert_non_null(end);
		unsigned v = 0, bits = 0;
		for (; p < end; p++) {
			if (*p == '=')
				continue;
			int d = b64val(*p);
			assert_true(d >= 0);
			v = (v << 6) | (unsigned)d;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				assert_true(n + 1 < cap);
				out[n++] = (char)((v >> bits) & 0xff);
			}
		}
		p = end + 2;
	}
	out[n] = '\0';
	return n;
}

static void assert_lines_within(const char *s, size_t len, size_t max)
{
	size_t col = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			assert_true(i > 0 && s[i - 1] == '\r'); /* CRLF only */
			col = 0;
			continue;
		}
		col++;
		assert_true(col <= max + 1); /* +1: the CR */
	}
}

static void test_encoded_words(void **state)
{
	(void)state;
	const char *subj = "不正アクセスのご報告: 192.0.2.1 から www.example.jp への vertical port scan";
	char *buf = NULL;
	size_t len = 0, cap = 0;
	abuse_mail_header(&buf, &len, &cap, "Subject", subj);
	assert_true(strncmp(buf, "Subject: =?UTF-8?B?", 19) == 0);
	assert_lines_within(buf, len, 78);
	char back[512];
	decode_words(buf, back, sizeof(back));
	assert_string_equal(back, subj);
	/* each encoded word at most 75 characters (RFC 2047 section 2) */
	for (const char *w = strstr(buf, "=?"); w; w = strstr(w + 2, "=?"))
		assert_true((size_t)(strstr(w, "?=") + 2 - w) <= 75);
	free(buf);
}

static void test_ascii_folding(void **state)
{
	(void)state;
	const char *subj = "Abuse report: vertical port scan from 203.0.113.250 against "
			   "www.a-rather-long-server-name.example.org (2026-12-07 10:00-11:00 UTC)";
	char *buf = NULL;
	size_t len = 0, cap = 0;
	abuse_mail_header(&buf, &len, &cap, "Subject", subj);
	assert_lines_within(buf, len, 78);
	assert_non_null(strstr(buf, "\r\n "));
	/* unfolding (removing CRLF before the space) gives the text back */
	char unfolded[512];
	size_t k = 0;
	for (size_t i = 0; i < len; i++)
		if (!(buf[i] == '\r' || buf[i] == '\n'))
			unfolded[k++] = buf[i];
	unfolded[k] = '\0';
	assert_true(strncmp(unfolded, "Subject: ", 9) == 0);
	assert_string_equal(unfolded + 9, subj);
	free(buf);
	/* a CR/LF smuggled into a value becomes a space, never a new header */
	buf = NULL;
	len = cap = 0;
	abuse_mail_header(&buf, &len, &cap, "Subject", "hi\r\nBcc: victim@example.org");
	assert_string_equal(buf, "Subject: hi  Bcc: victim@example.org\r\n");
	free(buf);
}

static void test_date(void **state)
{
	(void)state;
	char b[40];
	struct tz_cache tz = {0};
	assert_int_equal(timeconv_set_zone("UTC"), 0);
	assert_string_equal(abuse_mail_date(&tz, 0, b), "Thu, 01 Jan 1970 00:00:00 +0000");
	assert_string_equal(abuse_mail_date(&tz, 1796601600LL * NS_PER_SEC, b),
			    "Mon, 07 Dec 2026 00:00:00 +0000");
	struct tz_cache tz2 = {0};
	assert_int_equal(timeconv_set_zone("JST-9"), 0);
	assert_string_equal(abuse_mail_date(&tz2, 1796601600LL * NS_PER_SEC, b),
			    "Mon, 07 Dec 2026 09:00:00 +0900");
	assert_int_equal(timeconv_set_zone("UTC"), 0);
}

static const char tmpl[] =
	"Subject: S {type} from {source} ({range})\n"
	"\n"
	"Hello {source} at {first} ({zone}), {count} events.\n"
	"{?name}Name: {name}\n"
	"{evidence}\n"
	"{?evidence_more}[{evidence_more} more]\n"
	"Kept {unknown} and {braces\n"
	"{?reporter}-- {reporter}\n";

static void incident(struct abuse_incident *inc, struct abuse_evidence *ev, size_t n_ev)
{
	memset(inc, 0, sizeof(*inc));
	assert_int_equal(addr_parse("203.0.113.9", 11, &inc->src), 0);
	inc->type = "vertical port scan";
	inc->type_key = "vertical";
	inc->xarf_type = "port-scan";
	inc->first_ns = 1796601600LL * NS_PER_SEC;
	inc->last_ns = inc->first_ns + 90 * NS_PER_SEC;
	inc->count = 1234;
	inc->severity = 4;
	inc->evidence = ev;
	inc->n_evidence = n_ev;
}

static void options(struct abuse_mail_options *o, struct tz_cache *tz)
{
	memset(o, 0, sizeof(*o));
	o->from = "Jane Q. Doe <jane@example.org>";
	o->server = "www.example.org";
	o->tmpl = tmpl;
	o->tmpl_len = strlen(tmpl);
	o->zone = "UTC";
	o->tz = tz;
	o->now_ns = 1796601600LL * NS_PER_SEC;
	o->version = "9.9";
}

static void test_compose_7bit(void **state)
{
	(void)state;
	struct tz_cache tz = {0};
	struct abuse_mail_options o;
	options(&o, &tz);
	o.to = "abuse@isp.example";
	o.cc = "postmaster@isp.example";
	struct abuse_evidence ev[] = {
		{"fw.log", 7, "line seven\tTAB", 14},
		{"fw.log", 9, "esc\x1b[31m", 8},
	};
	struct abuse_incident inc;
	incident(&inc, ev, 2);
	inc.evidence_more = 3;
	char *m, err[128];
	size_t len;
	assert_int_equal(abuse_mail_compose(&o, &inc, &m, &len, err, sizeof(err)), 0);
	assert_lines_within(m, len, 998);
	assert_non_null(strstr(m, "From: \"Jane Q. Doe\" <jane@example.org>\r\n"));
	assert_non_null(strstr(m, "To: abuse@isp.example\r\nCc: postmaster@isp.example\r\n"));
	assert_non_null(strstr(m, "Subject: S vertical port scan from 203.0.113.9 "
				  "(2026-12-07 00:00-00:01 UTC)\r\n"));
	assert_non_null(strstr(m, "Date: Mon, 07 Dec 2026 00:00:00 +0000\r\n"));
	assert_non_null(strstr(m, "Content-Transfer-Encoding: 7bit\r\n"));
	assert_non_null(strstr(m, "\r\n\r\nHello 203.0.113.9 at 2026-12-07 00:00:00 (UTC), "
				  "1,234 events.\r\n"));
	assert_null(strstr(m, "Name:")); /* no host name: the line goes */
	assert_non_null(strstr(m, "\r\nfw.log:7: line seven\tTAB\r\nfw.log:9: esc\\x1b[31m\r\n"));
	assert_non_null(strstr(m, "\r\n[3 more]\r\n"));
	assert_non_null(strstr(m, "Kept {unknown} and {braces\r\n"));
	assert_null(strstr(m, "-- ")); /* no reporter */
	/* the Message-ID is the incident's: the same again, another for another */
	const char *id = strstr(m, "Message-ID: <abuse.");
	assert_non_null(id);
	char id1[64];
	memcpy(id1, id, 48);
	id1[48] = '\0';
	char *m2;
	size_t len2;
	assert_int_equal(abuse_mail_compose(&o, &inc, &m2, &len2, err, sizeof(err)), 0);
	assert_non_null(strstr(m2, id1));
	free(m2);
	inc.first_ns += NS_PER_SEC;
	assert_int_equal(abuse_mail_compose(&o, &inc, &m2, &len2, err, sizeof(err)), 0);
	assert_null(strstr(m2, id1));
	assert_non_null(strstr(m2, "@example.org>\r\n"));
	free(m2);
	free(m);
}

/* To and Cc come from contact files and names in logs: a CR/LF in them
 * must not start a header, and a header with a word too long to fold
 * (a hostile name) still keeps every line within 998 octets. */
static void test_header_injection_and_long_words(void **state)
{
	(void)state;
	struct tz_cache tz = {0};
	struct abuse_mail_options o;
	options(&o, &tz);
	o.to = "abuse@isp.example\r\nBcc: victim@example.org";
	o.cc = "postmaster@isp.example\nX-Injected: 1";
	char type[3000];
	memset(type, 'w', sizeof(type) - 1);
	type[sizeof(type) - 1] = '\0';
	struct abuse_evidence ev[] = {{"fw.log", 7, "line seven", 10}};
	struct abuse_incident inc;
	incident(&inc, ev, 1);
	inc.type = type;
	char *m, err[128];
	size_t len;
	assert_int_equal(abuse_mail_compose(&o, &inc, &m, &len, err, sizeof(err)), 0);
	assert_lines_within(m, len, 998);
	assert_null(strstr(m, "\r\nBcc:"));
	assert_null(strstr(m, "\r\nX-Injected:"));
	assert_non_null(strstr(m, "\r\nTo: abuse@isp.example  Bcc: victim@example.org\r\n"));
	/* the long subject went as encoded words that decode to the text */
	const char *subj = strstr(m, "\r\nSubject: ");
	assert_non_null(subj);
	const char *end = strstr(subj + 2, "\r\nDate: ");
	assert_non_null(end);
	char hdr[8192], text[8192];
	size_t hn = (size_t)(end - subj);
	assert_true(hn < sizeof(hdr));
	memcpy(hdr, subj, hn);
	hdr[hn] = '\0';
	decode_words(hdr, text, sizeof(text));
	assert_non_null(strstr(text, type));
	free(m);
}

/* Undo quoted-printable (soft breaks and =XX) of a CRLF text. */
static size_t qp_decode(const char *s, size_t n, char *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=' && i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n') {
			i += 2;
		} else if (s[i] == '=' && i + 2 < n) {
			char hex[3] = {s[i + 1], s[i + 2], 0};
			out[k++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else if (s[i] == '\r') {
			continue;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = '\0';
	return k;
}

static void test_compose_qp(void **state)
{
	(void)state;
	struct tz_cache tz = {0};
	struct abuse_mail_options o;
	options(&o, &tz);
	o.from = "山田 太郎 <taro@example.jp>";
	o.reporter = "山田 太郎";
	char *longline = malloc(1500);
	for (int i = 0; i < 1499; i++)
		longline[i] = (char)('a' + i % 26);
	longline[1499] = '\0';
	memcpy(longline + 100, "= =", 3);
	struct abuse_evidence ev[] = {{"access.log", 3, longline, 1499}};
	struct abuse_incident inc;
	incident(&inc, ev, 1);
	inc.host = "host.example.net";
	char *m, err[128];
	size_t len;
	assert_int_equal(abuse_mail_compose(&o, &inc, &m, &len, err, sizeof(err)), 0);
	assert_null(strstr(m, "To: abuse@")); /* no contact given */
	assert_non_null(strstr(m, "To: abuse-contact-unknown:;\r\n"));
	assert_non_null(strstr(m, "From: =?UTF-8?B?"));
	assert_non_null(strstr(m, "Content-Transfer-Encoding: quoted-printable\r\n"));
	const char *body = strstr(m, "\r\n\r\n") + 4;
	assert_lines_within(body, len - (size_t)(body - m), 76);
	char *dec = malloc(len + 1);
	qp_decode(body, len - (size_t)(body - m), dec);
	char *want = malloc(1600);
	snprintf(want, 1600, "\naccess.log:3: %s\n", longline);
	assert_non_null(strstr(dec, want));
	assert_non_null(strstr(dec, "Name: host.example.net\n"));
	assert_non_null(strstr(dec, "-- 山田 太郎\n"));
	free(want);
	free(dec);
	free(m);
	free(longline);
}

static void test_compose_xarf_and_bad_from(void **state)
{
	(void)state;
	struct tz_cache tz = {0};
	struct abuse_mail_options o;
	options(&o, &tz);
	o.xarf = 1;
	struct abuse_evidence ev[] = {{"fw.log", 1, "x", 1}};
	struct abuse_incident inc;
	incident(&inc, ev, 1);
	inc.port = 22;
	char *m, err[128];
	size_t len;
	assert_int_equal(abuse_mail_compose(&o, &inc, &m, &len, err, sizeof(err)), 0);
	assert_non_null(strstr(m, "X-ARF: YES\r\n"));
	assert_non_null(strstr(m, "Content-Type: multipart/mixed; boundary=\"=_clscan_"));
	assert_non_null(strstr(m, "Report-Type: port-scan\r\n"));
	assert_non_null(strstr(m, "Source: '203.0.113.9'\r\nSource-Type: ipv4\r\nPort: 22\r\n"));
	assert_non_null(strstr(m, "Reported-From: 'jane@example.org'\r\n"));
	assert_non_null(strstr(m, "filename=\"logfile.log\""));
	free(m);
	const char *bad[] = {"Jane <jane@example.org", "jane", "Jane <ja ne@example.org>",
			     "Jane <jane@example.org> x"};
	for (size_t i = 0; i < 4; i++) {
		o.from = bad[i];
		assert_int_equal(abuse_mail_compose(&o, &inc, &m, &len, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "--from"));
	}
}

static void test_key(void **state)
{
	(void)state;
	struct abuse_incident inc;
	incident(&inc, NULL, 0);
	char k[ABUSE_KEY_MAX];
	assert_string_equal(abuse_incident_key(&inc, k), "203.0.113.9 vertical 2026-12-07T00:00:00Z");
}

static void test_state(void **state)
{
	(void)state;
	char dir[] = "/tmp/clscan-state-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/state", dir);
	char err[256];
	struct abuse_state *s = abuse_state_load(path, err, sizeof(err));
	assert_non_null(s); /* missing: empty */
	assert_int_equal(abuse_state_size(s), 0);
	abuse_state_add(s, "192.0.2.1 vertical 2026-01-01T00:00:00Z");
	abuse_state_add(s, "192.0.2.0 web 2026-01-01T00:00:00Z");
	abuse_state_add(s, "192.0.2.1 vertical 2026-01-01T00:00:00Z");
	assert_int_equal(abuse_state_size(s), 2);
	assert_int_equal(abuse_state_save(s, path, err, sizeof(err)), 0);
	abuse_state_free(s);
	char tmp[160];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	assert_int_not_equal(access(tmp, F_OK), 0); /* renamed away */
	FILE *f = fopen(path, "a");
	fputs("# a comment\n\n192.0.2.9 hammering 2026-01-02T00:00:00Z\r\n", f);
	fclose(f);
	s = abuse_state_load(path, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(abuse_state_size(s), 3);
	assert_true(abuse_state_has(s, "192.0.2.1 vertical 2026-01-01T00:00:00Z"));
	assert_true(abuse_state_has(s, "192.0.2.9 hammering 2026-01-02T00:00:00Z"));
	assert_false(abuse_state_has(s, "192.0.2.1 vertical 2026-01-01T00:00:01Z"));
	abuse_state_free(s);
	abuse_state_free(NULL);
	/* cannot be written: an error, the old file stays */
	char bad[160];
	snprintf(bad, sizeof(bad), "%s/no/such/dir/state", dir);
	s = abuse_state_load(path, err, sizeof(err));
	assert_int_equal(abuse_state_save(s, bad, err, sizeof(err)), -1);
	abuse_state_free(s);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoded_words),
		cmocka_unit_test(test_ascii_folding),
		cmocka_unit_test(test_header_injection_and_long_words),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_compose_7bit),
		cmocka_unit_test(test_compose_qp),
		cmocka_unit_test(test_compose_xarf_and_bad_from),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
