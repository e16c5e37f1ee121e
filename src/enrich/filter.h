/* --since/--until and --include/--exclude: which events a report covers.
 * Expressions: "src=CIDR[,CIDR...]", "dst=...", "port=N[-M][,...]" (the
 * destination port), "sport=...", "proto=tcp|udp|icmp|N". Several
 * --include of the same field are alternatives (OR); different fields must
 * all hold (AND); any --exclude that matches drops the event. */
#ifndef CLSCAN_FILTER_H
#define CLSCAN_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/event.h"

enum filter_field {
	FILTER_SRC = 0,
	FILTER_DST,
	FILTER_PORT,
	FILTER_SPORT,
	FILTER_PROTO,
	FILTER_FIELD_COUNT
};

struct filter_term {
	enum filter_field field;
	struct ip_prefix prefix; /* SRC, DST */
	uint32_t lo, hi;         /* PORT, SPORT: range; PROTO: number in lo */
};

struct filter {
	int64_t since_ns; /* 0 = unbounded */
	int64_t until_ns; /* 0 = unbounded; events at or after it are out */
	struct filter_term *include, *exclude;
	size_t n_include, n_exclude, cap_include, cap_exclude;
	unsigned include_fields; /* bit per field that has include terms */
};

void filter_init(struct filter *f);
void filter_fini(struct filter *f);
/* Add "--include EXPR" (exclude = 0) or "--exclude EXPR" (exclude = 1).
 * Returns 0, or -1 with a reason in err. */
int filter_add(struct filter *f, const char *expr, int exclude, char *err, size_t errlen);
/* Parse a --since/--until value: "2022-05-29", "2022-05-29 06:53",
 * "2022-05-29T06:53:55", with an optional "Z" or "+02:00" (otherwise in the
 * chosen zone), or a relative "24h", "7d", "30m" before now. */
int filter_parse_time(const char *s, int64_t now_ns, int64_t *out_ns);
/* Nonzero if the event is in. A filter with no terms passes everything. */
int filter_match(const struct filter *f, const struct event *ev);
int filter_is_empty(const struct filter *f);

#endif
