/* --log-format / --log-format-file, shared by `clscan report` and
 * `clscan explain`. */
#ifndef CLSCAN_CLI_WEBLOG_H
#define CLSCAN_CLI_WEBLOG_H

struct parser;
struct weblog_format;

/* Resolve the two options (either may be NULL; both NULL: *out = NULL,
 * the weblog parser detects common/combined/vhost lines itself). A format
 * given means the files are web logs in it: *forced (--format) becomes the
 * weblog parser unless --format named one. On a bad
 * format prints "clscan CMD: ..." with a caret under the offending
 * character and returns -1 (the caller exits 2). The format lives in
 * static storage until the process ends. */
int cli_weblog_format(const char *cmd, const char *name, const char *conf_path,
		      const struct weblog_format **out, const struct parser **forced);

#endif
