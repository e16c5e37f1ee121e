/* --resolve for clscan report: reverse DNS names of the sources shown. */
#ifndef CLSCAN_CLI_RDNS_H
#define CLSCAN_CLI_RDNS_H

#include "detect/detect.h"
#include "enrich/rdns.h"
#include "stats/stats.h"
#include "web/web.h"

#define CLI_RDNS_DEFAULT_MS 5000

/* Look up the top sources' and the finding sources' names within
 * budget_ms; what does not answer in time is left unresolved (a note on
 * stderr unless quiet). Returns the cache for struct report (rdns_free). */
struct rdns *cli_rdns_resolve(const struct summary *sum, const struct detect_findings *df,
			      const struct web_findings *wf, unsigned budget_ms, int quiet);

#endif
