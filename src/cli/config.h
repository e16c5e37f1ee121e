/* The configuration file on the command line: its entries become long
 * options placed before the ones typed, so anything typed wins (or adds,
 * for repeatable options such as --home). Found at --config FILE, else
 * $CLSCAN_CONFIG, else $XDG_CONFIG_HOME/clscan/config (~/.config/...),
 * else /etc/clscan/config; --no-config reads none. */
#ifndef CLSCAN_CLI_CONFIG_H
#define CLSCAN_CLI_CONFIG_H

#include <getopt.h>

#include "cli/commands.h"

/* How a command takes option name: -1 unknown, 0 a flag, 1 with a value.
 * Looks in a getopt table and then in the detection options. */
int config_option_arg(const struct option *table, const char *name);

/* Returns the argv to run cmd with (argv itself, or a new array whose
 * strings live until exit) and sets *argc_out; NULL after printing why if
 * a named configuration file cannot be read. */
char **config_apply(const struct command *cmd, int argc, char **argv, int *argc_out);
/* Free what config_apply made (after the command has run). */
void config_release(void);

#endif
