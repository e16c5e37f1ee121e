/* The report's second-level tables (stats/geo_tables.h) in text and JSON;
 * json.c and text.c call in with one line each. */
#ifndef CLSCAN_JSON_TABLES_H
#define CLSCAN_JSON_TABLES_H

#include <stdio.h>

#include "report/report.h"
#include "report/report_util.h"

/* Writes ",\n  \"tables\": {...}" (nothing when r->tables is NULL). */
void report_json_tables(struct report_buf *rb, const struct report *r);
/* The text sections: countries, port -> countries, per-host ports,
 * services per month, trend, top talkers with country and ASN. */
void report_text_tables(FILE *out, const struct report *r);

#endif
