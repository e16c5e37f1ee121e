/* Reading the configuration file into a command's argv (see config.h and
 * clscan(1), FILES). */
#include "cli/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/conffile.h"
#include "core/util.h"
#include "detect/detect.h"
#include "web/web.h"

int config_option_arg(const struct option *table, const char *name)
{
	for (size_t i = 0; table && table[i].name; i++)
		if (strcmp(table[i].name, name) == 0)
			return table[i].has_arg != no_argument;
	for (size_t i = 0; i < detect_n_options; i++)
		if (strcmp(detect_options[i].name, name) == 0)
			return detect_options[i].has_arg != 0;
	for (size_t i = 0; i < web_n_options; i++)
		if (strcmp(web_options[i].name, name) == 0)
			return web_options[i].has_arg != 0;
	return -1;
}

/* Read a whole (small) file; NULL with errno set on failure. */
static char *read_small_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = xmalloc(CONFFILE_MAX_BYTES + 1);
	size_t n = fread(buf, 1, CONFFILE_MAX_BYTES + 1, f);
	int failed = ferror(f);
	fclose(f);
	if (failed || n > CONFFILE_MAX_BYTES) {
		free(buf);
		errno = failed ? EIO : EFBIG;
		return NULL;
	}
	*len = n;
	return buf;
}

/* The file to read when none is named; NULL if there is none. */
static char *default_path(void)
{
	const char *env = getenv("CLSCAN_CONFIG");
	if (env && *env)
		return xstrdup(env);
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *p = NULL;
	if (xdg && *xdg)
		p = xasprintf("%s/clscan/config", xdg);
	else if (home && *home)
		p = xasprintf("%s/.config/clscan/config", home);
	if (p && access(p, F_OK) == 0)
		return p;
	free(p);
	if (access("/etc/clscan/config", F_OK) == 0)
		return xstrdup("/etc/clscan/config");
	return NULL;
}

static int any_command_takes(const char *name)
{
	for (size_t i = 0; command_table[i]; i++)
		if (command_table[i]->option_arg && command_table[i]->option_arg(name) >= 0)
			return 1;
	return 0;
}

/* What config_apply allocated, freed by config_release(). */
static char **made;
static size_t n_made, cap_made;

static char *keep(char *s)
{
	made = xgrow(made, &cap_made, n_made + 1, sizeof(*made));
	made[n_made++] = s;
	return s;
}

void config_release(void)
{
	for (size_t i = 0; i < n_made; i++)
		free(made[i]);
	free(made);
	made = NULL;
	n_made = cap_made = 0;
}

char **config_apply(const struct command *cmd, int argc, char **argv, int *argc_out)
{
	/* take --config/--no-config out of the arguments */
	char **rest = xcalloc((size_t)argc + 1, sizeof(*rest));
	int n_rest = 0, no_config = 0, named = 0;
	char *path = NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (i == 0 || strcmp(a, "--") == 0) {
			rest[n_rest++] = argv[i];
			if (i > 0)
				while (++i < argc)
					rest[n_rest++] = argv[i];
			continue;
		}
		if (strcmp(a, "--no-config") == 0) {
			no_config = 1;
		} else if (strcmp(a, "--config") == 0 && i + 1 < argc) {
			free(path);
			path = xstrdup(argv[++i]);
			named = 1;
		} else if (strncmp(a, "--config=", 9) == 0) {
			free(path);
			path = xstrdup(a + 9);
			named = 1;
		} else {
			rest[n_rest++] = argv[i];
		}
	}
	keep((char *)rest);
	if (no_config) {
		free(path);
		*argc_out = n_rest;
		return rest;
	}
	if (!path)
		path = default_path();
	if (!path) {
		*argc_out = n_rest;
		return rest;
	}
	size_t len = 0;
	char *text = read_small_file(path, &len);
	if (!text) {
		/* a file named explicitly (or by $CLSCAN_CONFIG) must be there */
		if (named || errno != ENOENT || getenv("CLSCAN_CONFIG")) {
			fprintf(stderr, "clscan: cannot read configuration file %s: %s\n", path,
				errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
			free(path);
			return NULL;
		}
		free(path);
		*argc_out = n_rest;
		return rest;
	}
	struct conffile cf;
	conffile_parse(&cf, text, len);
	free(text);
	size_t skipped = cf.bad;
	char first[320] = "";
	if (cf.bad)
		snprintf(first, sizeof(first), "%s:%s", path, cf.first_error);

	char **out = (char **)keep((char *)xcalloc(cf.n + (size_t)n_rest + 1, sizeof(char *)));
	int n_out = 0;
	out[n_out++] = rest[0];
	for (size_t i = 0; i < cf.n; i++) {
		const struct conf_entry *en = &cf.entries[i];
		int mine = en->section && strcmp(en->section, cmd->name) == 0;
		if (en->section && !mine)
			continue; /* another command's section */
		int arg = cmd->option_arg ? cmd->option_arg(en->name) : -1;
		const char *why = NULL;
		if (arg < 0 && (mine || !any_command_takes(en->name)))
			why = mine ? "no such option for this command" : "no command takes this option";
		else if (arg == 1 && !en->value)
			why = "this option needs a value";
		else if (arg == 0 && en->value)
			why = "this option takes no value";
		if (why) {
			if (skipped++ == 0)
				snprintf(first, sizeof(first), "%s:line %zu: --%s: %s", path, en->line,
					 en->name, why);
			continue;
		}
		if (arg < 0)
			continue; /* a common entry this command does not take */
		out[n_out++] = keep(arg ? xasprintf("--%s=%s", en->name, en->value)
					: xasprintf("--%s", en->name));
	}
	if (skipped)
		fprintf(stderr, "clscan: %zu line%s of %s skipped; first: %s\n", skipped,
			skipped == 1 ? "" : "s", path, first);
	for (int i = 1; i < n_rest; i++)
		out[n_out++] = rest[i];
	conffile_fini(&cf);
	free(path);
	*argc_out = n_out;
	return out;
}
