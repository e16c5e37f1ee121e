/* By-hand throughput check of one line parser (not a test: timings depend on the
 * machine). Runs the parser over FILE's lines in memory until MB megabytes were
 * parsed; prints MB/s of CPU time (the machine may be shared) and the outcomes.
 *   cc -O2 -Isrc bench/parse_throughput.c build/libclscan_parse.a \
 *      build/libclscan_core.a -lpcap -lm -o /tmp/parse_throughput
 *   /tmp/parse_throughput netfilter shared/corpus/teliten-vps/ufw.log 1000 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeconv.h"
#include "parse/parser.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s PARSER FILE [MB]\n", argv[0]);
		return 2;
	}
	const struct parser *p = parser_find(argv[1]);
	if (!p) {
		fprintf(stderr, "no parser %s\n", argv[1]);
		return 2;
	}
	double want_mb = argc > 3 ? strtod(argv[3], NULL) : 1000.0;
	FILE *f = fopen(argv[2], "rb");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (len == cap)
			buf = realloc(buf, cap *= 2);
		size_t got = fread(buf + len, 1, cap - len, f);
		if (!got)
			break;
		len += got;
	}
	fclose(f);
	timeconv_set_zone("UTC");

	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 1654000000, 0, NULL);
	size_t counts[4] = {0};
	unsigned long long sink = 0;
	double bytes = 0, t0 = now();
	int rounds = 0;
	while (bytes < want_mb * 1e6) {
		const char *s = buf, *end = buf + len;
		while (s < end) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
			struct event ev;
			event_clear(&ev);
			enum parse_result r = p->parse_line(&ctx, s, n, &ev);
			if (rounds == 0 && (unsigned)r < 4)
				counts[r]++;
			sink += ev.dport + ev.src.b[15];
			s += n + 1;
		}
		bytes += (double)len;
		rounds++;
	}
	double dt = now() - t0;
	printf("%s: %.0f MB in %.3f s = %.0f MB/s (%zu lines/round: event %zu, other %zu, "
	       "malformed %zu, unknown %zu) [%llu]\n",
	       p->name, bytes / 1e6, dt, bytes / 1e6 / dt,
	       counts[0] + counts[1] + counts[2] + counts[3], counts[0], counts[1], counts[2],
	       counts[3], sink % 10);
	free(buf);
	return 0;
}
