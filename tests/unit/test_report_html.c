/* The HTML report: escaping of hostile log text, axis arithmetic and the
 * geometry of the SVG charts, and a whole page built from hostile strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/html.h"
#include "report/report.h"

/* Run fn into a memory stream; returns the malloc'd text. */
static char *escaped(const char *s, size_t len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct report_buf rb;
	report_buf_init(&rb, f);
	html_escape(&rb, s, len);
	report_buf_flush(&rb);
	fclose(f);
	return buf;
}

static void expect_escape(const char *in, size_t len, const char *want)
{
	char *got = escaped(in, len);
	assert_string_equal(got, want);
	free(got);
}

static void test_escape_markup(void **state)
{
	(void)state;
	const char *s = "<script>alert(\"x\")</script>";
	expect_escape(s, strlen(s), "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
	s = "a'b&c";
	expect_escape(s, strlen(s), "a&#39;b&amp;c");
	s = "&lt;";
	expect_escape(s, strlen(s), "&amp;lt;");
	s = "\" onmouseover=\"alert(1)";
	expect_escape(s, strlen(s), "&quot; onmouseover=&quot;alert(1)");
}

static void test_escape_controls_and_utf8(void **state)
{
	(void)state;
	expect_escape("a\x01" "b\x7f", 4, "a\\x01b\\x7f");
	expect_escape("x\0y", 3, "x\\x00y");
	expect_escape("\t\r\n", 3, "\\x09\\x0d\\x0a");
	expect_escape("caf\xc3\xa9", 5, "caf\xc3\xa9");           /* é passes */
	expect_escape("\xe2\x82\xac", 3, "\xe2\x82\xac");         /* € passes */
	expect_escape("\xff\xfe", 2, "\\xff\\xfe");               /* never UTF-8 */
	expect_escape("\xc0\xaf", 2, "\\xc0\\xaf");               /* overlong '/' */
	expect_escape("\xed\xa0\x80", 3, "\\xed\\xa0\\x80");      /* a surrogate */
	expect_escape("\xc2\x85", 2, "\\xc2\\x85");               /* C1 NEL */
	expect_escape("\xe2\x82", 2, "\\xe2\\x82");               /* cut short */
	expect_escape("\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80"); /* > U+10FFFF */
}

/* Whatever the bytes, the output holds no markup character, no control
 * byte and only well-formed UTF-8. */
static void test_escape_random(void **state)
{
	(void)state;
	unsigned seed = 12345;
	unsigned char in[64];
	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(seed % sizeof(in));
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (unsigned char)(seed >> 16);
		}
		seed = seed * 1103515245u + 12345u;
		char *out = escaped((const char *)in, len);
		const unsigned char *p = (const unsigned char *)out;
		size_t n = strlen(out);
		for (size_t i = 0; i < n;) {
			assert_true(p[i] >= 0x20 && p[i] != 0x7f);
			assert_true(p[i] != '<' && p[i] != '>' && p[i] != '"' && p[i] != '\'');
			if (p[i] < 0x80) {
				i++;
				continue;
			}
			size_t k = report_utf8_len(p + i, n - i);
			assert_true(k > 0);
			i += k;
		}
		free(out);
	}
}

static void test_group_digits(void **state)
{
	(void)state;
	char buf[32];
	assert_string_equal(html_group_digits(0, buf), "0");
	assert_string_equal(html_group_digits(999, buf), "999");
	assert_string_equal(html_group_digits(1000, buf), "1,000");
	assert_string_equal(html_group_digits(1234567, buf), "1,234,567");
	assert_string_equal(html_group_digits(UINT64_MAX, buf), "18,446,744,073,709,551,615");
}

static void test_nice_top(void **state)
{
	(void)state;
	static const struct {
		uint64_t max, top;
	} cases[] = {
		{0, 1}, {1, 1}, {2, 2}, {3, 5}, {7, 10}, {10, 10}, {11, 20}, {150, 200},
		{4999, 5000}, {5001, 10000}, {122854, 200000}, {UINT64_MAX / 3, 10000000000000000000u},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned ticks = 0;
		uint64_t top = html_nice_top(cases[i].max, &ticks);
		assert_int_equal(top, cases[i].top);
		assert_true(top >= cases[i].max);
		assert_true(ticks >= 1);
		assert_int_equal(top % ticks, 0); /* whole-number grid lines */
	}
}

static void test_bar_height(void **state)
{
	(void)state;
	assert_true(html_bar_height(0, 100, 178) == 0);
	assert_true(html_bar_height(100, 100, 178) == 178);
	assert_true(html_bar_height(50, 100, 178) == 89);
	assert_true(html_bar_height(1, 1000000, 178) == 1); /* still visible */
	assert_true(html_bar_height(200, 100, 178) == 178); /* clamped */
}

static char *render(void (*fn)(struct report_buf *, const struct html_series *),
		    const struct html_series *s)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct report_buf rb;
	report_buf_init(&rb, f);
	fn(&rb, s);
	report_buf_flush(&rb);
	fclose(f);
	return buf;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void test_svg_bars_geometry(void **state)
{
	(void)state;
	static const char *const labels[] = {"a", "<b>", "c"};
	static const uint64_t values[] = {0, 5, 10};
	struct html_series s = {
		.id = "t", .title = "T \"x\"", .unit = "events",
		.labels = labels, .values = values, .n = 3,
	};
	char *out = render(html_svg_bars, &s);
	double plot_h = HTML_SVG_H - HTML_SVG_TOP - HTML_SVG_BOTTOM;
	char want[64];

	assert_int_equal(count(out, "<rect class=\"bar\""), 3);
	assert_non_null(strstr(out, "data-chart=\"t\" data-n=\"3\" data-sum=\"15\" data-max=\"10\""));
	/* axis top 10: the 10 fills the plot, the 5 half of it */
	snprintf(want, sizeof(want), "height=\"%.2f\" data-label=\"c\" data-v=\"10\"", plot_h);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), "height=\"%.2f\" data-label=\"&lt;b&gt;\"", plot_h / 2);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "height=\"0.00\" data-label=\"a\""));
	/* bars stand on the axis: y + height is the plot's bottom */
	snprintf(want, sizeof(want), "y=\"%.2f\"", HTML_SVG_TOP + plot_h - plot_h / 2);
	assert_non_null(strstr(out, want));
	assert_null(strstr(out, "<b>"));
	assert_non_null(strstr(out, "T &quot;x&quot;"));
	free(out);
}

static void test_svg_line_and_hbars(void **state)
{
	(void)state;
	static const char *const labels[] = {"d1", "d2", "d3", "d4"};
	static const uint64_t values[] = {1, 2, 3, 4};
	struct html_series s = {
		.id = "days", .title = "Days", .unit = "events",
		.labels = labels, .values = values, .n = 4,
	};
	char *out = render(html_svg_line, &s);
	assert_int_equal(count(out, "<circle class=\"pt\""), 4);
	assert_int_equal(count(out, "<polyline"), 1);
	/* the first point sits on the left edge of the plot */
	char want[64];
	snprintf(want, sizeof(want), "cx=\"%d.0\"", HTML_SVG_LEFT);
	assert_non_null(strstr(out, want));
	free(out);

	out = render(html_svg_hbars, &s);
	assert_int_equal(count(out, "<rect class=\"bar\""), 4);
	assert_non_null(strstr(out, "data-sum=\"10\""));
	free(out);
}

static void test_svg_heatmap(void **state)
{
	(void)state;
	static const char *const rows[] = {"US", "<i>"};
	static const char *const cols[] = {"tcp/22", "tcp/23", "tcp/80"};
	static const uint64_t v[] = {1, 0, 100, 5, 7, 0};
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct report_buf rb;
	report_buf_init(&rb, f);
	html_svg_heatmap(&rb, "hm", "Heat", rows, 2, cols, 3, v);
	report_buf_flush(&rb);
	fclose(f);
	assert_int_equal(count(buf, "data-row="), 6);
	assert_non_null(strstr(buf, "data-sum=\"113\""));
	assert_null(strstr(buf, "<i>"));
	/* the largest count gets the darkest shade, an empty cell the lightest */
	assert_non_null(strstr(buf, "fill=\"#0072b2\" data-row=\"US\" data-label=\"tcp/80\""));
	assert_non_null(strstr(buf, "fill=\"#f0f6fc\" data-row=\"US\" data-label=\"tcp/23\""));
	free(buf);
}

/* A page built from hostile strings keeps them as text. */
static void test_page_hostile(void **state)
{
	(void)state;
	static const char evil[] = "<script>alert(1)</script>\"'\x01\xff";
	struct report_file file = {
		.path = evil, .format = "netfilter", .lines = 3, .records = 3, .events = 3,
	};
	struct report_problem prob = {
		.reason = evil, .count = 1, .path = evil, .line = 2, .example = evil,
	};
	struct summary_prefix pre = {.text = (char *)evil, .action = 1, .events = 3};
	struct summary sum = {.events = 3, .prefixes = &pre, .n_prefixes = 1};
	struct report r = {
		.sum = &sum, .files = &file, .n_files = 1, .problems = &prob, .n_problems = 1,
		.version = "test", .zone = "UTC",
	};
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	assert_int_equal(report_html(f, &r), 0);
	fclose(f);
	assert_int_equal(count(buf, "<script"), 1); /* the page's own script only */
	assert_null(strstr(buf, "alert(1)</script>"));
	assert_true(count(buf, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;\\x01\\xff") >= 5);
	assert_non_null(strstr(buf, "<!DOCTYPE html>"));
	assert_non_null(strstr(buf, "</html>"));
	assert_null(strstr(buf, "{{")); /* every placeholder filled */
	free(buf);
}

/* The lines behind findings: escaped like every log string, capped with
 * the count of the rest, and when the page's 512 KiB for them runs out,
 * said so per finding and under the list. */
static void test_page_finding_lines(void **state)
{
	(void)state;
	enum { NF = 14, NL = 50 };
	static const char evil[] = "<script>alert(1)</script>\"'\x01\xff";
	char text[1500];
	memset(text, '.', sizeof(text)); /* filler after the hostile head */
	memcpy(text, evil, sizeof(evil) - 1);
	struct report_line lines[NL];
	for (size_t i = 0; i < NL; i++)
		lines[i] = (struct report_line){"f<1>.log", i + 1, text, sizeof(text)};
	struct finding items[NF];
	struct report_session fl[NF];
	memset(items, 0, sizeof(items));
	for (size_t i = 0; i < NF; i++) {
		addr_from_v4(0xc0000200u + (uint32_t)i, &items[i].src); /* 192.0.2.i */
		items[i].type = FINDING_VERTICAL;
		items[i].severity = 3;
		items[i].start_ns = 1700000000000000000LL;
		items[i].end_ns = items[i].start_ns + 1000000000LL;
		fl[i] = (struct report_session){items[i].src, lines, NL, 80};
	}
	struct detect_findings df = {.items = items, .n = NF};
	struct summary sum = {.events = 1};
	struct report r = {
		.sum = &sum, .version = "test", .zone = "UTC", .findings = &df,
		.finding_lines = fl, .n_finding_lines = NF,
	};
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	assert_int_equal(report_html(f, &r), 0);
	fclose(f);
	assert_int_equal(count(buf, "<script"), 1);
	assert_non_null(strstr(buf, "<summary>Its 80 log lines in the finding&#39;s period, in time "
				    "order</summary>\n<pre class=\"line\">f&lt;1&gt;.log:1: &lt;script&gt;"
				    "alert(1)&lt;/script&gt;&quot;&#39;\\x01\\xff..."));
	assert_non_null(strstr(buf, "f&lt;1&gt;.log:50: "));
	assert_null(strstr(buf, "f&lt;1&gt;.log:51: "));
	assert_non_null(strstr(buf, "<p class=\"note\">30 more lines: run <code>clscan explain "
				    "192.0.2.0 FILES</code></p>"));
	/* about 77 KB a block as written (escaped): six fit in 512 KiB, the
	 * seventh is cut, the rest only named */
	assert_int_equal(count(buf, "<details class=\"evidence lines\">"), 7);
	assert_int_equal(count(buf, "more lines (no room left in this page): run"), 1);
	assert_int_equal(count(buf, "(no room left in this page): <code>clscan explain 192.0.2."),
			 NF - 7);
	assert_non_null(strstr(buf, "<p class=\"note budget\"><strong>Not all log lines shown:"
				    "</strong> the 512 KiB this page gives the findings&#39; log lines "
				    "ran out (8 findings)"));
	assert_non_null(strstr(buf, "192.0.2.13 FILES"));
	free(buf);
}

/* html_printf writes pieces of any length whole (a cut one would leave
 * markup open). */
static void test_printf_long(void **state)
{
	(void)state;
	char long_text[5000];
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct report_buf rb;
	report_buf_init(&rb, f);
	html_printf(&rb, "<p title=\"%s\">%d</p>", long_text, 42);
	html_printf(&rb, "<b>%s</b>", "short");
	report_buf_flush(&rb);
	fclose(f);
	assert_int_equal(n, strlen("<p title=\"\">42</p><b>short</b>") + strlen(long_text));
	assert_non_null(strstr(buf, "\">42</p><b>short</b>"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_markup),
		cmocka_unit_test(test_escape_controls_and_utf8),
		cmocka_unit_test(test_escape_random),
		cmocka_unit_test(test_group_digits),
		cmocka_unit_test(test_nice_top),
		cmocka_unit_test(test_bar_height),
		cmocka_unit_test(test_svg_bars_geometry),
		cmocka_unit_test(test_svg_line_and_hbars),
		cmocka_unit_test(test_svg_heatmap),
		cmocka_unit_test(test_page_hostile),
		cmocka_unit_test(test_page_finding_lines),
		cmocka_unit_test(test_printf_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
