/* Keeping the lines behind a source: a second pass over the inputs hands
 * every event of the chosen sources to a keeper, which holds the earliest
 * `max` by time (then by origin: unit, line), whatever order the worker
 * threads deliver them in, and counts the rest. Time first, because an
 * excerpt or a set of files given out of order is still shown in the order
 * things happened. `clscan abuse` keeps an incident's
 * evidence this way, `report -o html` a web prober's session and the lines
 * behind a scan finding. */
#ifndef CLSCAN_PIPELINE_LINE_KEEP_H
#define CLSCAN_PIPELINE_LINE_KEEP_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/event.h"
#include "pipeline/pipeline.h"

#define LINE_KEEP_TEXT_MAX 4096 /* bytes of one line kept; longer ones are cut, saying so */

struct kept_line {
	int64_t time_ns;   /* the event's (0: none) */
	uint32_t unit;     /* origin, for the order */
	uint64_t uline;
	const char *path;  /* the input's path (owned by the input list) */
	uint64_t line;     /* in that file */
	char *text;        /* the line as read, or a capture packet's JSON Lines record */
	size_t len;
};

struct line_keep {
	struct kept_line *lines; /* n of them; earliest first once sorted */
	size_t n, max;
	size_t latest;           /* once full: the one to give way (index), so a later
				  * line is turned away without a scan */
	uint64_t seen;           /* lines offered, kept or not */
};

void line_keep_init(struct line_keep *k, size_t max);
void line_keep_add(struct line_keep *k, const struct event *ev, const char *path,
		   uint64_t file_line, const char *text, size_t len);
void line_keep_sort(struct line_keep *k); /* earliest first: time, then origin */
/* In a PIPELINE_SUMMARY pass on_event gets lines counted within their unit
 * (a chunk of a big file): turn them into the file's, with the pass's
 * result (a struct pipeline_result) before it is released. */
void line_keep_to_file_lines(struct line_keep *k, void *result);
void line_keep_fini(struct line_keep *k);

/* What a second pass keeps for one caller: the lines of src, at most max;
 * with to_ns set, only those timed within [from_ns, to_ns] (a finding's
 * period), else all of them, timed or not (a web prober's session). */
struct line_want {
	struct ip_addr src;
	int64_t from_ns, to_ns;
	size_t max;
};

/* Sessions and excerpts: every event of the wanted sources, read again
 * from the inputs with the options of the first pass (detection and web
 * matching off), in ONE pass however many wants share a source. want
 * need not be sorted; keeps[i] belongs to want[i]; the caller finis them
 * and frees the array. Returns pipeline_run's status. */
int line_keep_sessions(const struct input_list *in, const struct pipeline_options *first_pass,
		       const struct line_want *want, size_t n, struct line_keep **keeps);

#endif
