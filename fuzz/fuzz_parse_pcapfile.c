/* Fuzzes the capture file readers: the input is a whole file, read once by
 * the direct classic-pcap reader and once through libpcap
 * (pcap_read_path's use_libpcap). Both must give the same records with the
 * same events and fail (or not) alike: the direct reader claims to follow
 * libpcap's rules for lengths, snap lengths, stamps and damage. Also checks
 * that every record number comes out exactly once. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "parse/pcap_decode.h"

#include "fuzz_check.h"

#define MAX_RECORDS 4096

struct rec {
	uint64_t record;
	enum parse_result r;
	const char *reason;
	struct event ev; /* prefix.ptr cleared; its bytes in prefix */
	char prefix[64];
};

struct run {
	struct rec *v;
	size_t n;
	uint8_t seen[MAX_RECORDS + 1];
};

static void on_emit(void *arg, struct parse_ctx *ctx, enum parse_result r, struct event *ev,
		    uint64_t record)
{
	struct run *run = arg;
	CHECK(record >= 1);
	if (record > MAX_RECORDS)
		return; /* counted no further; the input limit keeps files smaller */
	CHECK(!run->seen[record]);
	run->seen[record] = 1;
	struct rec *x = &run->v[run->n++];
	memset(x, 0, sizeof(*x));
	x->record = record;
	x->r = r;
	if (r == PARSE_MALFORMED)
		x->reason = ctx->reason;
	if (r == PARSE_EVENT) {
		x->ev = *ev;
		size_t l = ev->prefix.len < sizeof(x->prefix) ? ev->prefix.len : sizeof(x->prefix);
		if (l)
			memcpy(x->prefix, ev->prefix.ptr, l);
		x->ev.prefix.ptr = NULL;
	}
}

static int read_with(const char *path, int use_libpcap, struct run *run)
{
	struct parse_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	char err[256] = "";
	int rc = pcap_read_path(&ctx, path, on_emit, run, err, sizeof(err), use_libpcap);
	if (rc != 0)
		CHECK(err[0]);
	return rc;
}

static void same_event(const struct event *a, const struct event *b)
{
	CHECK(a->time_ns == b->time_ns);
	CHECK(memcmp(&a->src, &b->src, sizeof(a->src)) == 0);
	CHECK(memcmp(&a->dst, &b->dst, sizeof(a->dst)) == 0);
	CHECK(a->count == b->count && a->flags == b->flags);
	CHECK(a->ip_id == b->ip_id && a->ip_len == b->ip_len && a->tcp_seq == b->tcp_seq);
	CHECK(a->sport == b->sport && a->dport == b->dport);
	CHECK(a->window == b->window && a->mss == b->mss);
	CHECK(a->proto == b->proto && a->action == b->action && a->tcp_flags == b->tcp_flags);
	CHECK(a->icmp_type == b->icmp_type && a->icmp_code == b->icmp_code);
	CHECK(a->ttl == b->ttl && a->outcome == b->outcome);
	CHECK(a->prefix.len == b->prefix.len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 20))
		return 0;
	int fd = memfd_create("fuzz-pcap", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	/* A record is at least its 16-byte header. */
	size_t most = size / 16 + 1 < MAX_RECORDS ? size / 16 + 1 : MAX_RECORDS;
	struct run *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	a->v = calloc(most, sizeof(*a->v));
	b->v = calloc(most, sizeof(*b->v));
	int rca = read_with(path, 0, a);
	int rcb = read_with(path, 1, b);
	close(fd);
	CHECK(rca == rcb);
	CHECK(a->n == b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct rec *x = &a->v[i], *y = &b->v[i];
		CHECK(x->record == y->record && x->r == y->r);
		if (x->r == PARSE_MALFORMED)
			CHECK(x->reason && y->reason && strcmp(x->reason, y->reason) == 0);
		if (x->r == PARSE_EVENT) {
			same_event(&x->ev, &y->ev);
			CHECK(memcmp(x->prefix, y->prefix, sizeof(x->prefix)) == 0);
		}
	}
	free(a->v);
	free(b->v);
	free(a);
	free(b);
	return 0;
}
