/* Reading evidence lines again for the HTML report: report_lines_fn over
 * a pipeline_result. */
#ifndef CLSCAN_PIPELINE_EVIDENCE_H
#define CLSCAN_PIPELINE_EVIDENCE_H

#include <stddef.h>

#include "report/report.h"

/* Fill lines[i].text for every line whose path is one of the result's
 * input files, reading each such file once, up to the last line asked of
 * it. Lines of standard input, of captures and of files that can no
 * longer be read stay NULL. result is a struct pipeline_result. */
void pipeline_lines(void *result, struct report_line *lines, size_t n);

#endif
