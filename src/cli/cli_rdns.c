/* --resolve for clscan report (see cli_rdns.h): one batch of lookups after
 * the run, so the report waits at most the budget, once. */
#include "cli/cli_rdns.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/util.h"

struct rdns *cli_rdns_resolve(const struct summary *sum, const struct detect_findings *df,
			      const struct web_findings *wf, unsigned budget_ms, int quiet)
{
	size_t n = 0, cap = 0;
	struct ip_addr *want = NULL;
	size_t total = sum->n_sources_rows + (df ? df->n : 0) + (wf ? wf->n_sources : 0);
	want = xgrow(want, &cap, total ? total : 1, sizeof(*want));
	for (size_t i = 0; i < sum->n_sources_rows; i++)
		want[n++] = sum->sources[i].addr;
	for (size_t i = 0; df && i < df->n; i++)
		want[n++] = df->items[i].src;
	for (size_t i = 0; wf && i < wf->n_sources; i++)
		if (!addr_is_zero(&wf->sources[i].addr))
			want[n++] = wf->sources[i].addr;
	struct rdns *rd = rdns_new(0, 0, NULL);
	rdns_resolve(rd, want, n, budget_ms);
	free(want);
	struct rdns_stats st;
	rdns_get_stats(rd, &st);
	if (st.timed_out && !quiet)
		fprintf(stderr, "clscan report: %zu of %zu reverse DNS lookups did not answer within "
			"%u ms; shown without a name\n", st.timed_out, st.asked, budget_ms);
	return rd;
}
