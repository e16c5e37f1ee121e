/* The incidents `clscan abuse` reports (cli/abuse_incidents.c): chosen
 * from the findings, given the lines behind them and an address to go to. */
#ifndef CLSCAN_CLI_ABUSE_INCIDENTS_H
#define CLSCAN_CLI_ABUSE_INCIDENTS_H

#include <stddef.h>
#include <stdint.h>

#include "detect/detect.h"
#include "enrich/contacts.h"
#include "enrich/rdns.h"
#include "input/input.h"
#include "pipeline/line_keep.h"
#include "pipeline/pipeline.h"
#include "report/abuse_mail.h"
#include "web/web.h"

struct incident {
	struct abuse_incident inc;
	struct line_keep keep; /* the max_evidence earliest lines in the period */
	struct abuse_evidence *ev;
	char *host;            /* logged client name */
	uint32_t host_unit;
	uint64_t host_uline;
	char *to, *cc;
	char *summary;         /* owned summary (web findings) */
};

/* What was not taken, and why, for the run's summary. */
struct tally {
	size_t skipped_home, skipped_allow, skipped_sev, skipped_local, skipped_noaddr, over_cap;
};

/* The findings of df and wf that may be reported, sorted by source, then
 * by start; *t counts the others. */
struct incident *abuse_pick_incidents(const struct detect_findings *df,
				      const struct web_findings *wf, const struct detect_config *dc,
				      unsigned min_sev, size_t max_incidents, size_t *n_out,
				      struct tally *t);

/* The second pass (pipeline_second_pass of opt): every event of the
 * incidents' sources within their periods kept,
 * the earliest max_evidence each; then each incident's evidence set.
 * Returns pipeline_run's answer. */
int abuse_gather_evidence(const struct input_list *inputs, const struct pipeline_options *opt,
			  size_t max_evidence, struct incident *incs, size_t n);

/* To: and Cc: from the contacts file, the logged host name or (rd) its
 * reverse DNS name: abuse@ and postmaster@ the registered domain. */
void abuse_choose_contact(struct incident *in, const struct contacts *ct, const struct rdns *rd);

void abuse_free_incidents(struct incident *incs, size_t n);

#endif
