/* The subcommands, one file each; main.c dispatches on argv[1] through
 * the table in commands.c. Each returns the process exit status. */
#ifndef CLSCAN_COMMANDS_H
#define CLSCAN_COMMANDS_H

/* Documented exit codes (clscan(1), EXIT STATUS). */
enum clscan_exit {
	EXIT_OK = 0,
	EXIT_FINDINGS = 1,     /* findings at or above --fail-on */
	EXIT_USAGE = 2,
	EXIT_INPUT_ERRORS = 3, /* some input could not be read; the rest was */
};

struct command {
	const char *name;
	const char *summary;
	const char *usage; /* full help text for `clscan help NAME` */
	int (*run)(int argc, char **argv);
	/* For the configuration file: -1 if the command has no long option
	 * name, 0 if it is a flag, 1 if it takes a value (NULL: takes none). */
	int (*option_arg)(const char *name);
};

extern const struct command *const command_table[]; /* NULL-terminated */
const struct command *command_find(const char *name);

extern const struct command cmd_report;
extern const struct command cmd_explain;
extern const struct command cmd_abuse;
extern const struct command cmd_formats;
extern const struct command cmd_help;

#endif
