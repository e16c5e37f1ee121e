/* Fuzz the HTML report's escaper and a page whose log strings (file name,
 * prefix, malformed-line example, a finding's log lines) are the input:
 * the output must never hold a markup character or control byte that came
 * from the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/html.h"
#include "report/report.h"

static void check_escaped(const char *out, size_t n)
{
	const unsigned char *p = (const unsigned char *)out;
	for (size_t i = 0; i < n;) {
		if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '<' || p[i] == '>' || p[i] == '"' ||
		    p[i] == '\'')
			abort();
		size_t k = p[i] < 0x80 ? 1 : report_utf8_len(p + i, n - i);
		if (k == 0)
			abort();
		i += k;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (!f)
		return 0;
	struct report_buf rb;
	report_buf_init(&rb, f);
	html_escape(&rb, (const char *)data, size);
	report_buf_flush(&rb);
	fclose(f);
	check_escaped(buf, n);
	free(buf);

	/* the same bytes as every kind of log string in a whole page */
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	struct report_file file = {.path = s, .format = s, .error = s, .lines = 1};
	struct report_problem prob = {.reason = s, .count = 1, .path = s, .line = 1, .example = s};
	struct summary_prefix pre = {.text = s, .events = 1};
	struct summary sum = {.events = 1, .prefixes = &pre, .n_prefixes = 1};
	struct finding fi = {.type = FINDING_DISTRIBUTED, .severity = 3, .start_ns = 1};
	snprintf(fi.why, sizeof(fi.why), "%s", s);
	fi.why_written = 1;
	struct detect_findings df = {.items = &fi, .n = 1};
	struct report_line line = {.path = s, .line = 1, .text = s, .len = size};
	struct report_session fl = {.lines = &line, .n = 1, .total = 2};
	struct report r = {
		.sum = &sum, .files = &file, .n_files = 1, .problems = &prob, .n_problems = 1,
		.version = "fuzz", .zone = s, .findings = &df, .finding_lines = &fl,
		.n_finding_lines = 1,
	};
	buf = NULL;
	f = open_memstream(&buf, &n);
	if (f) {
		report_html(f, &r);
		fclose(f);
		/* the page's own markup: exactly one script element */
		size_t scripts = 0;
		for (const char *p = buf; (p = strstr(p, "<script")) != NULL; p++)
			scripts++;
		if (scripts != 1)
			abort();
		free(buf);
	}
	free(s);
	return 0;
}
