/* clscan: turn firewall logs into findings a person can act on.
 * git-style front end: `clscan COMMAND [options]`. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/config.h"
#include "core/hash.h"

static void print_usage(FILE *out)
{
	fprintf(out, "usage: clscan COMMAND [options] [FILE|DIR|-]...\n"
		     "       clscan --version | --help | help COMMAND\n\ncommands:\n");
	for (size_t i = 0; command_table[i]; i++)
		fprintf(out, "  %-9s %s\n", command_table[i]->name, command_table[i]->summary);
	fprintf(out, "\nSee clscan(1) or `clscan help COMMAND`.\n");
}

int main(int argc, char **argv)
{
	hash_init();
	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
		printf("clscan %s\n", CLSCAN_VERSION);
		return EXIT_OK;
	}
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		print_usage(stdout);
		return EXIT_OK;
	}
	const struct command *cmd = command_find(name);
	if (!cmd) {
		fprintf(stderr, "clscan: '%s' is not a command\n", name);
		print_usage(stderr);
		return EXIT_USAGE;
	}
	int cargc;
	char **cargv = config_apply(cmd, argc - 1, argv + 1, &cargc);
	if (!cargv)
		return EXIT_USAGE;
	int status = cmd->run(cargc, cargv);
	config_release();
	return status;
}
