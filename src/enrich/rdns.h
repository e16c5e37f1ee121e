/* Reverse DNS, only when asked (--resolve): a few worker threads ask
 * getnameinfo(NI_NAMEREQD) for a set of addresses, each distinct address
 * once (cached), within a total time budget. What has not answered when
 * the budget runs out is "unresolved" and never waited for: the report
 * goes on while the stragglers finish on their own. */
#ifndef CLSCAN_RDNS_H
#define CLSCAN_RDNS_H

#include <stddef.h>

#include "core/addr.h"

/* The lookup itself: write the name of a into buf (NUL-terminated) and
 * return 0, or return -1 if it has none. Called from worker threads.
 * Tests substitute their own; NULL means getnameinfo(). */
typedef int (*rdns_lookup_fn)(const struct ip_addr *a, char *buf, size_t len);

#define RDNS_DEFAULT_WORKERS 8
#define RDNS_DEFAULT_MAX 100000 /* distinct addresses cached */

struct rdns;

/* workers: threads per rdns_resolve() call (0: the default); max_entries:
 * cache cap (0: the default), addresses beyond it are not looked up. */
struct rdns *rdns_new(unsigned workers, size_t max_entries, rdns_lookup_fn lookup);
/* Does not wait for lookups still under way; they finish on their own. */
void rdns_free(struct rdns *r);

/* Look up the addresses not yet cached, spending at most budget_ms in
 * total (wall clock). Returns how many of them were answered (a name, or a
 * definite "no name") in time; the rest count as unresolved and are not
 * tried again. */
size_t rdns_resolve(struct rdns *r, const struct ip_addr *addrs, size_t n, unsigned budget_ms);

/* The name found for a, or NULL (not asked, no name, or not in time). */
const char *rdns_name(const struct rdns *r, const struct ip_addr *a);

/* Counters for the report's notes. */
struct rdns_stats {
	size_t asked;      /* distinct addresses looked up */
	size_t named;      /* of them, with a name */
	size_t timed_out;  /* not answered within the budget */
	size_t refused;    /* not looked up: the cache was full */
};
void rdns_get_stats(const struct rdns *r, struct rdns_stats *st);

#endif
