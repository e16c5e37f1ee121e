/* Reverse DNS with a worker pool and a wall-clock budget (see rdns.h).
 * A lookup cannot be cancelled, so each call's work lives in a job shared
 * by reference count between the caller and its workers: when the budget
 * runs out the caller takes what has answered and leaves; the last worker
 * to finish frees the job. Names come from the network, so only host-name
 * characters are accepted (anything else counts as no name). */
#include "enrich/rdns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/util.h"

#define RDNS_NAME_MAX 256

enum item_state { ITEM_PENDING = 0, ITEM_NAMED, ITEM_NONAME };

struct job_item {
	struct ip_addr addr;
	char name[RDNS_NAME_MAX];
	int state;
};

struct rdns_job {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job_item *items;
	size_t n, next, done;
	unsigned refs;     /* the caller and every started worker */
	int abandoned;     /* the caller has left: results are dropped */
	rdns_lookup_fn lookup;
};

struct rdns_entry {
	struct ip_addr addr;
	char *name; /* NULL: no name or not answered */
};

struct rdns {
	unsigned workers;
	size_t max_entries;
	rdns_lookup_fn lookup;
	struct rdns_entry *entries; /* sorted by address */
	size_t n, cap;
	struct rdns_stats st;
};

/* A host name as RFC 1123 allows it (plus '_', seen in the wild). */
static int name_is_sane(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len >= RDNS_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_'))
			return 0;
	}
	return 1;
}

static int lookup_getnameinfo(const struct ip_addr *a, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	memset(&ss, 0, sizeof(ss));
	if (addr_is_v4(a)) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(addr_v4(a));
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, a->b, 16);
		sl = sizeof(*sin6);
	}
	if (getnameinfo((struct sockaddr *)&ss, sl, buf, (socklen_t)len, NULL, 0, NI_NAMEREQD) != 0)
		return -1;
	return 0;
}

/* Drop the caller's or a worker's reference; the last one frees. Called
 * with the lock held; releases it. */
static void job_unref_locked(struct rdns_job *j)
{
	int last = --j->refs == 0;
	pthread_mutex_unlock(&j->mu);
	if (!last)
		return;
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j->items);
	free(j);
}

static void *worker_main(void *arg)
{
	struct rdns_job *j = arg;
	char buf[RDNS_NAME_MAX];
	pthread_mutex_lock(&j->mu);
	while (!j->abandoned && j->next < j->n) {
		size_t i = j->next++;
		struct ip_addr a = j->items[i].addr;
		pthread_mutex_unlock(&j->mu);
		buf[0] = '\0';
		int rc = j->lookup(&a, buf, sizeof(buf));
		buf[sizeof(buf) - 1] = '\0';
		size_t len = strlen(buf);
		if (len > 1 && buf[len - 1] == '.')
			buf[len - 1] = '\0'; /* absolute form */
		int named = rc == 0 && name_is_sane(buf);
		pthread_mutex_lock(&j->mu);
		if (!j->abandoned) {
			if (named)
				memcpy(j->items[i].name, buf, strlen(buf) + 1);
			j->items[i].state = named ? ITEM_NAMED : ITEM_NONAME;
			j->done++;
			pthread_cond_signal(&j->cv);
		}
	}
	job_unref_locked(j);
	return NULL;
}

static int entry_cmp(const void *x, const void *y)
{
	const struct rdns_entry *a = x, *b = y;
	return addr_cmp(&a->addr, &b->addr);
}

static const struct rdns_entry *find_entry(const struct rdns *r, const struct ip_addr *a)
{
	struct rdns_entry key = {.addr = *a};
	if (r->n == 0)
		return NULL;
	return bsearch(&key, r->entries, r->n, sizeof(*r->entries), entry_cmp);
}

struct rdns *rdns_new(unsigned workers, size_t max_entries, rdns_lookup_fn lookup)
{
	struct rdns *r = xcalloc(1, sizeof(*r));
	r->workers = workers ? workers : RDNS_DEFAULT_WORKERS;
	r->max_entries = max_entries ? max_entries : RDNS_DEFAULT_MAX;
	r->lookup = lookup ? lookup : lookup_getnameinfo;
	return r;
}

void rdns_free(struct rdns *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->entries[i].name);
	free(r->entries);
	free(r);
}

static int item_cmp(const void *x, const void *y)
{
	const struct job_item *a = x, *b = y;
	return addr_cmp(&a->addr, &b->addr);
}

/* The distinct addresses not cached yet, as a new job (NULL if none). */
static struct rdns_job *job_for(struct rdns *r, const struct ip_addr *addrs, size_t n)
{
	struct rdns_job *j = xcalloc(1, sizeof(*j));
	j->items = xcalloc(n ? n : 1, sizeof(*j->items));
	for (size_t i = 0; i < n; i++)
		if (!find_entry(r, &addrs[i]))
			j->items[j->n++].addr = addrs[i];
	qsort(j->items, j->n, sizeof(*j->items), item_cmp);
	size_t w = 0;
	for (size_t i = 0; i < j->n; i++)
		if (w == 0 || addr_cmp(&j->items[w - 1].addr, &j->items[i].addr) != 0)
			j->items[w++] = j->items[i];
	j->n = w;
	size_t room = r->max_entries > r->n ? r->max_entries - r->n : 0;
	if (j->n > room) {
		r->st.refused += j->n - room;
		j->n = room;
	}
	if (j->n == 0) {
		free(j->items);
		free(j);
		return NULL;
	}
	pthread_mutex_init(&j->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&j->cv, &ca);
	pthread_condattr_destroy(&ca);
	j->lookup = r->lookup;
	j->refs = 1;
	return j;
}

static unsigned start_workers(struct rdns_job *j, unsigned want)
{
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	unsigned started = 0;
	for (unsigned i = 0; i < want; i++) {
		pthread_t t;
		pthread_mutex_lock(&j->mu);
		j->refs++;
		pthread_mutex_unlock(&j->mu);
		if (pthread_create(&t, &attr, worker_main, j) != 0) {
			pthread_mutex_lock(&j->mu);
			j->refs--;
			pthread_mutex_unlock(&j->mu);
			break;
		}
		started++;
	}
	pthread_attr_destroy(&attr);
	return started;
}

/* Take the answers into the cache (lock held). */
static size_t harvest_locked(struct rdns *r, struct rdns_job *j)
{
	size_t answered = 0;
	r->entries = xgrow(r->entries, &r->cap, r->n + j->n, sizeof(*r->entries));
	for (size_t i = 0; i < j->n; i++) {
		struct rdns_entry *e = &r->entries[r->n++];
		e->addr = j->items[i].addr;
		e->name = NULL;
		if (j->items[i].state == ITEM_PENDING) {
			r->st.timed_out++;
			continue;
		}
		answered++;
		if (j->items[i].state == ITEM_NAMED) {
			e->name = xstrdup(j->items[i].name);
			r->st.named++;
		}
	}
	r->st.asked += j->n;
	qsort(r->entries, r->n, sizeof(*r->entries), entry_cmp);
	return answered;
}

size_t rdns_resolve(struct rdns *r, const struct ip_addr *addrs, size_t n, unsigned budget_ms)
{
	struct rdns_job *j = job_for(r, addrs, n);
	if (!j)
		return 0;
	unsigned want = r->workers < j->n ? r->workers : (unsigned)j->n;
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += budget_ms / 1000;
	deadline.tv_nsec += (long)(budget_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	start_workers(j, want); /* none started: everything times out */
	pthread_mutex_lock(&j->mu);
	while (j->done < j->n && j->refs > 1) {
		int rc = pthread_cond_timedwait(&j->cv, &j->mu, &deadline);
		if (rc == ETIMEDOUT)
			break;
	}
	size_t answered = harvest_locked(r, j);
	j->abandoned = 1;
	job_unref_locked(j);
	return answered;
}

const char *rdns_name(const struct rdns *r, const struct ip_addr *a)
{
	if (!r)
		return NULL;
	const struct rdns_entry *e = find_entry(r, a);
	return e ? e->name : NULL;
}

void rdns_get_stats(const struct rdns *r, struct rdns_stats *st)
{
	if (!r) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = r->st;
}
