/* The web sections of the text report (text_web.c) and JSON (json_web.c),
 * hooked from text.c / json.c, and one source's block for clscan explain. */
#ifndef CLSCAN_TEXT_WEB_H
#define CLSCAN_TEXT_WEB_H

#include <stdio.h>

#include "report/report.h"
#include "report/report_util.h"

void report_text_web_alerts(FILE *out, const struct report *r);
void report_text_web(FILE *out, const struct report *r);
void report_text_web_source(FILE *out, const struct report *r, const struct web_source *s);
/* The source's address, or its logged host name. */
void report_text_web_source_name(const struct web_source *s, char *buf, size_t len);
/* Writes ",\n  \"web\": {...}" (nothing when r->web is NULL). */
void report_json_web(struct report_buf *rb, const struct report *r);

#endif
