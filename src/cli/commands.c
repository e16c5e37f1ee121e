/* The table of subcommands: adding one is a new file plus a row here. */
#include "cli/commands.h"

#include <string.h>

const struct command *const command_table[] = {
	&cmd_report,
	&cmd_explain,
	&cmd_abuse,
	&cmd_formats,
	&cmd_help,
	NULL,
};

const struct command *command_find(const char *name)
{
	for (size_t i = 0; command_table[i]; i++)
		if (strcmp(command_table[i]->name, name) == 0)
			return command_table[i];
	return NULL;
}
