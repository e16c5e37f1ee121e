/* Inline SVG charts for the HTML report (SVG 1.1, embedded in HTML as the
 * HTML Living Standard allows): bars, a line, horizontal bars and a heat
 * map. Each <svg> is role="img" with a <title>, carries data-chart, data-n
 * and data-sum, and every mark carries data-label and data-v, so a test
 * (or a reader's script) can check the picture against the numbers. The
 * page puts a table with the same numbers next to each chart. */
#include "report/html.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define PLOT_W (HTML_SVG_W - HTML_SVG_LEFT - HTML_SVG_RIGHT)
#define PLOT_H (HTML_SVG_H - HTML_SVG_TOP - HTML_SVG_BOTTOM)
#define X_LABELS_MAX 12   /* labels under the x axis, at most */
#define LINE_POINTS_MAX 400 /* mark points up to this many values */
#define HBAR_ROW 20
#define HBAR_LEFT 150
#define HM_CELL_W 46
#define HM_CELL_H 22
#define HM_LEFT 70
#define HM_TOP 34

uint64_t html_nice_top(uint64_t max, unsigned *ticks)
{
	static const struct {
		unsigned mult, ticks;
	} steps[] = {{1, 5}, {2, 4}, {5, 5}};
	uint64_t pow10 = 1;

	if (max <= 1) {
		*ticks = 1;
		return 1;
	}
	for (;;) {
		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
			if (pow10 > UINT64_MAX / steps[i].mult)
				break;
			uint64_t top = steps[i].mult * pow10;
			if (top >= max) {
				/* e.g. top 2 in 4 steps would give halves: whole steps only */
				*ticks = top % steps[i].ticks == 0 ? steps[i].ticks : (unsigned)top;
				return top;
			}
		}
		if (pow10 > UINT64_MAX / 10)
			break;
		pow10 *= 10;
	}
	*ticks = 4;
	return max;
}

double html_bar_height(uint64_t v, uint64_t top, double plot_h)
{
	if (v == 0 || top == 0)
		return 0;
	double h = (double)v / (double)top * plot_h;
	if (h < 1)
		h = 1; /* a count of one must still be visible */
	if (h > plot_h)
		h = plot_h;
	return h;
}

void html_printf(struct report_buf *rb, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(buf)) {
		report_buf_put(rb, buf, (size_t)n);
		return;
	}
	/* rare: a long piece is written whole, never cut mid-markup */
	char *big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	report_buf_put(rb, big, (size_t)n);
	free(big);
}

#define putf html_printf

/* "950", "12k", "1.5M": axis labels must fit the left margin. */
static const char *compact(uint64_t v, char *buf, size_t len)
{
	static const char suffix[] = "kMGTPE";
	if (v < 10000) {
		snprintf(buf, len, "%" PRIu64, v);
		return buf;
	}
	double d = (double)v;
	int i = -1;
	while (d >= 1000 && i < 5) {
		d /= 1000;
		i++;
	}
	if (d < 10 && d != floor(d))
		snprintf(buf, len, "%.1f%c", d, suffix[i]);
	else
		snprintf(buf, len, "%.0f%c", d, suffix[i]);
	return buf;
}

static void series_stats(const struct html_series *s, uint64_t *max, uint64_t *sum)
{
	*max = 0;
	*sum = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (s->values[i] > *max)
			*max = s->values[i];
		*sum += s->values[i];
	}
}

/* An <svg> scaled to its column, never past its natural width (a heat map
 * of one month must not fill the page). */
static void svg_open(struct report_buf *rb, const char *id, const char *title, size_t n,
		     uint64_t sum, uint64_t max, unsigned w, unsigned h)
{
	putf(rb, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %u %u\" "
		 "style=\"max-width:%upx\" role=\"img\" aria-labelledby=\"c-%s-t\" data-chart=\"%s\" "
		 "data-n=\"%zu\" data-sum=\"%" PRIu64 "\" data-max=\"%" PRIu64 "\"><title id=\"c-%s-t\">",
	     w, h, w * 13 / 10, id, id, n, sum, max, id);
	html_escape_cstr(rb, title);
	putf(rb, " (chart; the table below has the numbers)</title>\n");
}

static void mark_title(struct report_buf *rb, const char *label, uint64_t v, const char *unit)
{
	char num[32];
	report_buf_puts(rb, "<title>");
	html_escape_cstr(rb, label);
	putf(rb, ": %s %s</title>", html_group_digits(v, num), unit ? unit : "");
}

/* Grid lines and their values; returns the axis top. */
static uint64_t y_axis(struct report_buf *rb, uint64_t max)
{
	unsigned ticks;
	uint64_t top = html_nice_top(max, &ticks);
	char num[32];

	for (unsigned k = 0; k <= ticks; k++) {
		double y = HTML_SVG_TOP + PLOT_H - (double)PLOT_H * k / ticks;
		uint64_t v = (uint64_t)((double)top * k / ticks + 0.5);
		putf(rb, "<line class=\"%s\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
			 "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
		     k ? "grid" : "axis", HTML_SVG_LEFT, HTML_SVG_W - HTML_SVG_RIGHT, y, y,
		     HTML_SVG_LEFT - 5, y + 4, compact(v, num, sizeof(num)));
	}
	putf(rb, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>\n", HTML_SVG_LEFT,
	     HTML_SVG_LEFT, HTML_SVG_TOP, HTML_SVG_TOP + PLOT_H);
	return top;
}

static void x_label(struct report_buf *rb, double x, const char *label)
{
	putf(rb, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", x, HTML_SVG_H - HTML_SVG_BOTTOM + 15);
	html_escape_cstr(rb, label);
	report_buf_puts(rb, "</text>");
}

/* Label every k-th value so that the labels under the axis do not touch
 * (about 6 units a character at the 11px font). */
static size_t label_every(const struct html_series *s)
{
	size_t longest = 1;
	for (size_t i = 0; i < s->n; i++) {
		size_t l = strlen(s->labels[i]);
		if (l > longest)
			longest = l;
	}
	size_t fit = PLOT_W / (longest * 6 + 12);
	if (fit > X_LABELS_MAX)
		fit = X_LABELS_MAX;
	if (fit == 0)
		fit = 1;
	size_t every = (s->n + fit - 1) / fit;
	return every ? every : 1;
}

void html_svg_bars(struct report_buf *rb, const struct html_series *s)
{
	uint64_t max, sum;
	series_stats(s, &max, &sum);
	svg_open(rb, s->id, s->title, s->n, sum, max, HTML_SVG_W, HTML_SVG_H);
	uint64_t top = y_axis(rb, max);
	double bw = s->n ? (double)PLOT_W / (double)s->n : PLOT_W;
	size_t every = label_every(s);
	for (size_t i = 0; i < s->n; i++) {
		double h = html_bar_height(s->values[i], top, PLOT_H);
		double x = HTML_SVG_LEFT + (double)i * bw;
		putf(rb, "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
			 "data-label=\"",
		     x + bw * 0.1, HTML_SVG_TOP + PLOT_H - h, bw * 0.8, h);
		html_escape_cstr(rb, s->labels[i]);
		putf(rb, "\" data-v=\"%" PRIu64 "\">", s->values[i]);
		mark_title(rb, s->labels[i], s->values[i], s->unit);
		report_buf_puts(rb, "</rect>");
		if (i % every == 0)
			x_label(rb, x + bw / 2, s->labels[i]);
		report_buf_putc(rb, '\n');
	}
	report_buf_puts(rb, "</svg>\n");
}

void html_svg_line(struct report_buf *rb, const struct html_series *s)
{
	uint64_t max, sum;
	series_stats(s, &max, &sum);
	svg_open(rb, s->id, s->title, s->n, sum, max, HTML_SVG_W, HTML_SVG_H);
	uint64_t top = y_axis(rb, max);
	double step = s->n > 1 ? (double)PLOT_W / (double)(s->n - 1) : 0;
	double base = HTML_SVG_TOP + PLOT_H;
	size_t every = label_every(s);

	if (s->n > 1) {
		report_buf_puts(rb, "<polygon class=\"area\" points=\"");
		putf(rb, "%d,%.1f ", HTML_SVG_LEFT, base);
		for (size_t i = 0; i < s->n; i++)
			putf(rb, "%.1f,%.1f ", HTML_SVG_LEFT + step * (double)i,
			     base - html_bar_height(s->values[i], top, PLOT_H));
		putf(rb, "%d,%.1f\"/>\n", HTML_SVG_LEFT + PLOT_W, base);
		report_buf_puts(rb, "<polyline class=\"line\" points=\"");
		for (size_t i = 0; i < s->n; i++)
			putf(rb, "%.1f,%.1f ", HTML_SVG_LEFT + step * (double)i,
			     base - html_bar_height(s->values[i], top, PLOT_H));
		report_buf_puts(rb, "\"/>\n");
	}
	for (size_t i = 0; i < s->n; i++) {
		double x = s->n > 1 ? HTML_SVG_LEFT + step * (double)i : HTML_SVG_LEFT + PLOT_W / 2.0;
		if (s->n <= LINE_POINTS_MAX) {
			putf(rb, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" data-label=\"", x,
			     base - html_bar_height(s->values[i], top, PLOT_H), s->n > 90 ? "1.5" : "3");
			html_escape_cstr(rb, s->labels[i]);
			putf(rb, "\" data-v=\"%" PRIu64 "\">", s->values[i]);
			mark_title(rb, s->labels[i], s->values[i], s->unit);
			report_buf_puts(rb, "</circle>");
		}
		if (i % every == 0)
			x_label(rb, x, s->labels[i]);
		report_buf_putc(rb, '\n');
	}
	report_buf_puts(rb, "</svg>\n");
}

void html_svg_hbars(struct report_buf *rb, const struct html_series *s)
{
	uint64_t max, sum;
	unsigned ticks;
	char num[32];
	series_stats(s, &max, &sum);
	unsigned h = (unsigned)(HTML_SVG_TOP + s->n * HBAR_ROW + 8);
	double plot_w = HTML_SVG_W - HBAR_LEFT - 70; /* room for the count */
	svg_open(rb, s->id, s->title, s->n, sum, max, HTML_SVG_W, h);
	uint64_t top = html_nice_top(max, &ticks);
	putf(rb, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%u\"/>\n", HBAR_LEFT,
	     HBAR_LEFT, HTML_SVG_TOP - 4, h - 4);
	for (size_t i = 0; i < s->n; i++) {
		double w = html_bar_height(s->values[i], top, plot_w);
		double y = HTML_SVG_TOP + (double)i * HBAR_ROW;
		putf(rb, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", HBAR_LEFT - 6, y + 13);
		html_escape_cstr(rb, s->labels[i]);
		putf(rb, "</text><rect class=\"bar\" x=\"%d\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" "
			 "data-label=\"",
		     HBAR_LEFT, y + 2, w, HBAR_ROW - 5);
		html_escape_cstr(rb, s->labels[i]);
		putf(rb, "\" data-v=\"%" PRIu64 "\">", s->values[i]);
		mark_title(rb, s->labels[i], s->values[i], s->unit);
		putf(rb, "</rect><text x=\"%.1f\" y=\"%.1f\">%s</text>\n", HBAR_LEFT + w + 4, y + 13,
		     html_group_digits(s->values[i], num));
	}
	report_buf_puts(rb, "</svg>\n");
}

/* Shade from near-white to Okabe-Ito blue (0,114,178) by t in [0,1]. */
static void shade(double t, unsigned rgb[3])
{
	static const double lo[3] = {240, 246, 252}, hi[3] = {0, 114, 178};
	for (int i = 0; i < 3; i++)
		rgb[i] = (unsigned)(lo[i] + (hi[i] - lo[i]) * t + 0.5);
}

void html_svg_heatmap(struct report_buf *rb, const char *id, const char *title,
		      const char *const *row_labels, size_t rows,
		      const char *const *col_labels, size_t cols, const uint64_t *values)
{
	uint64_t max = 0, sum = 0;
	char num[32];
	for (size_t i = 0; i < rows * cols; i++) {
		if (values[i] > max)
			max = values[i];
		sum += values[i];
	}
	/* room for the longest row label, about 6 units a character */
	size_t longest = 2;
	for (size_t r = 0; r < rows; r++)
		if (strlen(row_labels[r]) > longest)
			longest = strlen(row_labels[r]);
	int left = (int)(longest * 6 + 12);
	if (left < HM_LEFT)
		left = HM_LEFT;
	unsigned w = (unsigned)(left + cols * HM_CELL_W + 8);
	unsigned h = (unsigned)(HM_TOP + rows * HM_CELL_H + 8);
	svg_open(rb, id, title, rows * cols, sum, max, w, h);
	report_buf_puts(rb, "<g class=\"hm\">");
	for (size_t c = 0; c < cols; c++) {
		putf(rb, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
		     left + (c + 0.5) * HM_CELL_W, HM_TOP - 8);
		html_escape_cstr(rb, col_labels[c]);
		report_buf_puts(rb, "</text>");
	}
	report_buf_putc(rb, '\n');
	double lmax = log1p((double)max);
	for (size_t r = 0; r < rows; r++) {
		double y = HM_TOP + (double)r * HM_CELL_H;
		putf(rb, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", left - 6, y + 15);
		html_escape_cstr(rb, row_labels[r]);
		report_buf_puts(rb, "</text>");
		for (size_t c = 0; c < cols; c++) {
			uint64_t v = values[r * cols + c];
			/* a log scale: one busy cell must not wash out the rest */
			double t = max ? log1p((double)v) / lmax : 0;
			unsigned rgb[3];
			shade(t, rgb);
			double x = left + (double)c * HM_CELL_W;
			putf(rb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" "
				 "fill=\"#%02x%02x%02x\" data-row=\"",
			     x, y, HM_CELL_W - 2, HM_CELL_H - 2, rgb[0], rgb[1], rgb[2]);
			html_escape_cstr(rb, row_labels[r]);
			report_buf_puts(rb, "\" data-label=\"");
			html_escape_cstr(rb, col_labels[c]);
			putf(rb, "\" data-v=\"%" PRIu64 "\"><title>", v);
			html_escape_cstr(rb, row_labels[r]);
			report_buf_puts(rb, ", ");
			html_escape_cstr(rb, col_labels[c]);
			putf(rb, ": %s events</title></rect>", html_group_digits(v, num));
			if (v)
				putf(rb, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\"%s>%s</text>",
				     x + (HM_CELL_W - 2) / 2.0, y + 15,
				     t > 0.55 ? " style=\"fill:#fff\"" : "",
				     compact(v, num, sizeof(num)));
		}
		report_buf_putc(rb, '\n');
	}
	report_buf_puts(rb, "</g></svg>\n");
}
