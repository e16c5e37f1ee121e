/* The configuration file: long options of the commands written one per
 * line, so every option is configurable without per-option code.
 *
 *	# comment
 *	home 10.0.0.0/8,192.168.0.0/16	(applies to every command that knows --home)
 *	tz Asia/Tokyo
 *	[abuse]				(from here on, only for `clscan abuse`)
 *	from "Abuse desk <abuse@example.net>"
 *	resolve				(an option without a value)
 *
 * A value may be wrapped in double quotes (kept literally inside). The
 * parser only splits text into entries; which command accepts which option
 * is the command line's business (src/cli/config.c). */
#ifndef CLSCAN_CONFFILE_H
#define CLSCAN_CONFFILE_H

#include <stddef.h>

#define CONFFILE_MAX_BYTES (1024 * 1024) /* a larger file is refused */
#define CONFFILE_MAX_LINE 4096

struct conf_entry {
	char *section; /* NULL before any [section] */
	char *name;    /* option name without "--" */
	char *value;   /* NULL for a flag */
	size_t line;   /* 1-based, for messages */
};

struct conffile {
	struct conf_entry *entries;
	size_t n, cap;
	size_t bad;              /* lines skipped */
	char first_error[256];   /* "LINE: reason" of the first bad line */
};

/* Split text[0..len) into entries. Bad lines (a name with characters other
 * than [a-z0-9-], an unclosed quote or section, an over-long line) are
 * skipped, counted in cf->bad and the first one described. */
void conffile_parse(struct conffile *cf, const char *text, size_t len);
void conffile_fini(struct conffile *cf);

#endif
