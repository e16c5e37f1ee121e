/* Rule prefix -> action. Log prefixes are free text chosen by whoever wrote
 * the ruleset ("[UFW BLOCK]", "filter_IN_public_REJECT:", "DROP INVALID",
 * "policy DROP:"), so the action is derived from words in the prefix. The
 * user's rules (--action-map TEXT=ACTION) are tried first, in order, as
 * case-insensitive substrings; then the built-in words. */
#ifndef CLSCAN_ACTION_MAP_H
#define CLSCAN_ACTION_MAP_H

#include <stddef.h>

struct action_rule {
	char *text;
	size_t len;
	int action; /* enum event_action */
};

struct action_map {
	struct action_rule *rules;
	size_t n, cap;
};

void action_map_init(struct action_map *m);
void action_map_fini(struct action_map *m);
/* Add "TEXT=ACTION" from the command line. Returns 0, or -1 if malformed. */
int action_map_add_spec(struct action_map *m, const char *spec);
/* The action for a prefix (EVENT_ACTION_LOG when no word matches).
 * m may be NULL (built-in words only). */
int action_map_lookup(const struct action_map *m, const char *prefix, size_t len);

#endif
