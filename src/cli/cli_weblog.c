/* --log-format / --log-format-file for the subcommands that read logs. */
#include <stdio.h>

#include "cli/cli_weblog.h"
#include "parse/parser.h"
#include "parse/weblog_format.h"

/* one per process: the subcommands run once */
static struct weblog_format cli_format;

int cli_weblog_format(const char *cmd, const char *name, const char *conf_path,
		      const struct weblog_format **out, const struct parser **forced)
{
	char err[1024];
	*out = NULL;
	if (!name && !conf_path)
		return 0;
	if (weblog_format_resolve(&cli_format, name, conf_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "clscan %s: %s\n", cmd, err);
		return -1;
	}
	*out = &cli_format;
	if (!*forced)
		*forced = parser_find("weblog");
	return 0;
}
