/* `clscan formats`: every supported input format, with real example lines
 * and how its time stamps are read. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "parse/parser.h"

static int run_formats(int argc, char **argv)
{
	int names_only = argc > 1 && strcmp(argv[1], "--names") == 0;
	if (argc > 1 && !names_only) {
		fputs(cmd_formats.usage, stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; parser_table[i]; i++) {
		const struct parser *p = parser_table[i];
		if (names_only) {
			printf("%s\n", p->name);
			continue;
		}
		printf("%s\n  %s\n  time: %s\n", p->name, p->summary, p->time_note);
		for (const struct parser_example *e = p->examples; e && e->line; e++)
			printf("  example (%s):\n    %s\n", e->label, e->line);
		printf("\n");
	}
	return EXIT_OK;
}

const struct command cmd_formats = {
	.name = "formats",
	.summary = "list the input formats clscan reads, with example lines",
	.usage = "usage: clscan formats [--names]\n"
		 "  Lists every input format with a real example line and how its time\n"
		 "  stamps are read. --names prints only the names accepted by --format.\n",
	.run = run_formats,
};
