/* `clscan help [COMMAND]`: the usage text of one command, or the list. */
#include <stdio.h>

#include "cli/commands.h"

static int run_help(int argc, char **argv)
{
	if (argc < 2) {
		printf("usage: clscan COMMAND [options]\n\ncommands:\n");
		for (size_t i = 0; command_table[i]; i++)
			printf("  %-9s %s\n", command_table[i]->name, command_table[i]->summary);
		printf("\nclscan help COMMAND shows a command's options; clscan(1) has the rest.\n");
		return EXIT_OK;
	}
	const struct command *cmd = command_find(argv[1]);
	if (!cmd) {
		fprintf(stderr, "clscan help: no command '%s'\n", argv[1]);
		return EXIT_USAGE;
	}
	fputs(cmd->usage, stdout);
	return EXIT_OK;
}

const struct command cmd_help = {
	.name = "help",
	.summary = "show a command's options",
	.usage = "usage: clscan help [COMMAND]\n",
	.run = run_help,
};
