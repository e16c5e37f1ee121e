/* By-hand throughput check of the pcap reader alone (not a test: timings
 * depend on the machine): parser_pcap.read_file over FILE, the events
 * counted and dropped, best of N runs by CPU time (the machine may be
 * shared). What clscan adds on top (statistics, detection, the report) is
 * the difference to `clscan report --threads 1`.
 *   cc -O2 -Isrc bench/pcap_throughput.c build/libclscan_parse.a \
 *      build/libclscan_core.a -lpcap -lm -o /tmp/pcap_throughput
 *   /tmp/pcap_throughput bench/data/pcap-p4000000-...pcap 3 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "parse/parser.h"

struct tally {
	unsigned long long n[4], last, sink;
};

static void count(void *arg, struct parse_ctx *ctx, enum parse_result r, struct event *ev,
		  uint64_t record)
{
	struct tally *t = arg;
	(void)ctx;
	if ((unsigned)r < 4)
		t->n[r]++;
	if (ev)
		t->sink += (unsigned)ev->dport + ev->src.b[15] + ev->outcome;
	if (record > t->last)
		t->last = record;
}

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE [RUNS]\n", argv[0]);
		return 2;
	}
	long runs = argc > 2 ? strtol(argv[2], NULL, 10) : 3;
	if (runs < 1)
		runs = 1;
	const struct parser *p = parser_find("pcap");
	if (!p || !p->read_file) {
		fprintf(stderr, "no pcap reader in this build\n");
		return 2;
	}
	double best = 0;
	struct tally t = {{0}, 0, 0};
	for (long i = 0; i < runs; i++) {
		struct parse_ctx ctx;
		parse_ctx_init(&ctx, 0, 0, NULL);
		char err[256] = "";
		struct tally cur = {{0}, 0, 0};
		double t0 = cpu_now();
		int rc = p->read_file(&ctx, argv[1], count, &cur, err, sizeof(err));
		double dt = cpu_now() - t0;
		if (rc != 0)
			fprintf(stderr, "%s: %s\n", argv[1], err);
		if (i == 0 || dt < best)
			best = dt;
		t = cur;
	}
	printf("pcap reader: %llu packets in %.3f CPU s = %.2f M packets/s "
	       "(event %llu, other %llu, malformed %llu) [%llu]\n",
	       t.last, best, (double)t.last / 1e6 / best, t.n[0], t.n[1], t.n[2], t.sink % 10);
	return 0;
}
