/* Internal to the HTML report (html.c, html_svg.c and their tests): the
 * HTML escaper and the SVG chart writers with their axis arithmetic. */
#ifndef CLSCAN_REPORT_HTML_H
#define CLSCAN_REPORT_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "report/report_util.h"

/* Rows of a table shown before its "show all" button; rows past
 * HTML_ROWS_MAX are left out of the file (the JSON report has them). */
#define HTML_ROWS_SHOWN 100
#define HTML_ROWS_MAX 1000

/* Text for an HTML text node or a quoted attribute value (HTML Living
 * Standard, 13.1.2.6 and 13.1.3): & < > " ' become character references;
 * C0/C1 controls, DEL and bytes that are not well-formed UTF-8 (RFC 3629)
 * are shown as \xHH, as in the text report, so hostile log text can
 * neither open markup nor smuggle invisible characters. NULL writes
 * nothing. */
void html_escape(struct report_buf *rb, const char *s, size_t len);
void html_escape_cstr(struct report_buf *rb, const char *s);

/* printf into the page; output of any length (html.c and html_svg.c). */
void html_printf(struct report_buf *rb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "12,345" into buf (>= 28 bytes). */
const char *html_group_digits(uint64_t v, char *buf);

/* Axis top for values up to max: the smallest 1, 2 or 5 times a power of
 * ten that is >= max (1 for max 0), split into *ticks equal steps (4 or 5). */
uint64_t html_nice_top(uint64_t max, unsigned *ticks);

/* One chart's data. labels[i] names values[i]; both have n entries. */
struct html_series {
	const char *id;      /* unique in the page: "hours", "days" */
	const char *title;   /* caption and accessible name */
	const char *unit;    /* "events" */
	const char *const *labels;
	const uint64_t *values;
	size_t n;
};

/* Geometry of every chart: a viewBox of HTML_SVG_W x HTML_SVG_H with the
 * plot inside these margins. */
#define HTML_SVG_W 560
#define HTML_SVG_H 220
#define HTML_SVG_LEFT 60
#define HTML_SVG_RIGHT 10
#define HTML_SVG_TOP 12
#define HTML_SVG_BOTTOM 30

/* Vertical bars, one per value (hours, weekdays, months). */
void html_svg_bars(struct report_buf *rb, const struct html_series *s);
/* A line over the values (days); points marked while there are few. */
void html_svg_line(struct report_buf *rb, const struct html_series *s);
/* Horizontal bars, largest first as given (top ports, countries). */
void html_svg_hbars(struct report_buf *rb, const struct html_series *s);
/* A heat map: rows x cols cells, values row-major; shades of one hue
 * (lightness carries the value, so it reads without colour vision) and
 * the count written in every cell. */
void html_svg_heatmap(struct report_buf *rb, const char *id, const char *title,
		      const char *const *row_labels, size_t rows,
		      const char *const *col_labels, size_t cols, const uint64_t *values);

/* The height in viewBox units of a bar for v on an axis topped at top,
 * in a plot plot_h high (0 for v 0, at least 1 for any v > 0). */
double html_bar_height(uint64_t v, uint64_t top, double plot_h);

#endif
