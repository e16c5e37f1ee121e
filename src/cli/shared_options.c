#include "cli/shared_options.h"

#include <stdio.h>
#include <string.h>

#include "core/util.h"

struct option *shared_options_merge(const struct option *own, size_t n_own)
{
	struct option *all = xcalloc(n_own + detect_n_options + web_n_options + 1, sizeof(*all));
	memcpy(all, own, n_own * sizeof(*all));
	struct option *o = all + n_own;
	for (size_t i = 0; i < detect_n_options; i++, o++) {
		o->name = detect_options[i].name;
		o->has_arg = detect_options[i].has_arg ? required_argument : no_argument;
		o->val = SHARED_DETECT_BASE + (int)i;
	}
	for (size_t i = 0; i < web_n_options; i++, o++) {
		o->name = web_options[i].name;
		o->has_arg = web_options[i].has_arg ? required_argument : no_argument;
		o->val = SHARED_WEB_BASE + (int)i;
	}
	return all;
}

int shared_options_apply(int c, const char *arg, const struct shared_option_targets *t,
			 const char *cmd)
{
	char err[512];
	int rc;
	if (c >= SHARED_WEB_BASE && (size_t)(c - SHARED_WEB_BASE) < web_n_options)
		rc = web_option_apply(t->wsetup, (size_t)(c - SHARED_WEB_BASE), arg, err,
				      sizeof(err));
	else if (c >= SHARED_DETECT_BASE && (size_t)(c - SHARED_DETECT_BASE) < detect_n_options)
		rc = detect_option_apply(t->dcfg, (size_t)(c - SHARED_DETECT_BASE), arg,
					 t->detect_off, err, sizeof(err));
	else
		return 0;
	if (rc != 0) {
		fprintf(stderr, "clscan %s: %s\n", cmd, err);
		return -1;
	}
	return 1;
}
