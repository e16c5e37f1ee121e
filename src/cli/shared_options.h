/* The scan-detection and web-probe options that `report`, `explain` and
 * `abuse` all take (detect_options[], web_options[]), appended to each
 * command's own long options so that one getopt_long loop reads both. */
#ifndef CLSCAN_CLI_SHARED_OPTIONS_H
#define CLSCAN_CLI_SHARED_OPTIONS_H

#include <getopt.h>
#include <stddef.h>

#include "detect/detect.h"
#include "web/web.h"

/* getopt values: base + index into detect_options[] / web_options[].
 * A command's own option values stay below SHARED_DETECT_BASE. */
enum {
	SHARED_DETECT_BASE = 1000,
	SHARED_WEB_BASE = 1500,
};

/* Where the shared options land. */
struct shared_option_targets {
	struct detect_config *dcfg;
	int *detect_off; /* set by --no-detect */
	struct web_setup *wsetup;
};

/* own[0..n_own) followed by the shared options and a zero terminator;
 * the caller frees it. */
struct option *shared_options_merge(const struct option *own, size_t n_own);

/* If c is a shared option, applies it: 1 when done, -1 when the value is
 * wrong ("clscan CMD: reason" printed on stderr). 0 when c is not one. */
int shared_options_apply(int c, const char *arg, const struct shared_option_targets *t,
			 const char *cmd);

#endif
