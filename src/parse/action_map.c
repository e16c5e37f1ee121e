/* Rule prefix -> action: the user's --action-map rules (case-insensitive
 * substrings, in order) first, then built-in words (see action_map.h). */
#include "parse/action_map.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/event.h"
#include "core/util.h"

/* Bumped whenever any map changes, so lookup memos (below) never answer
 * for a map that was rebuilt at the same address. Maps are built before
 * worker threads start, so a plain counter is enough. */
static unsigned map_generation = 1;

void action_map_init(struct action_map *m)
{
	map_generation++;
	m->rules = NULL;
	m->n = 0;
	m->cap = 0;
}

void action_map_fini(struct action_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->rules[i].text);
	free(m->rules);
	action_map_init(m);
}

int action_map_add_spec(struct action_map *m, const char *spec)
{
	if (!spec)
		return -1;
	/* The last '=' separates, so the text itself may contain '='. */
	const char *eq = strrchr(spec, '=');
	if (!eq || eq == spec)
		return -1;
	int action = event_action_parse(eq + 1);
	if (action < 0)
		return -1;
	map_generation++;
	m->rules = xgrow(m->rules, &m->cap, m->n + 1, sizeof(*m->rules));
	struct action_rule *r = &m->rules[m->n++];
	r->len = (size_t)(eq - spec);
	r->text = xstrndup(spec, r->len);
	r->action = action;
	return 0;
}

static int is_letter(unsigned char c)
{
	return (unsigned char)((c | 0x20) - 'a') < 26;
}

/* Does the word w (upper case) start at p? */
static int word_at(const char *p, const char *end, const char *w, size_t wl)
{
	if ((size_t)(end - p) < wl)
		return 0;
	for (size_t i = 0; i < wl; i++)
		if (((unsigned char)p[i] & ~0x20) != (unsigned char)w[i])
			return 0;
	return 1;
}

/* Strength of each outcome when a prefix names several: a reject or drop
 * word is what the rule did; "ACCEPT" beside it is usually a chain name. */
static int rank(int action)
{
	switch (action) {
	case EVENT_ACTION_REJECT: return 4;
	case EVENT_ACTION_DROP: return 3;
	case EVENT_ACTION_ACCEPT: return 2;
	default: return 1;
	}
}

/* A built-in word counts only at the start of a word ("filter_IN_public_
 * REJECT", "[UFW BLOCK]", "PVEFW-reject"), so "BYPASS" is not "PASS"; it
 * may run on ("DROPPED"). */
static int builtin_lookup(const char *prefix, size_t len)
{
	const char *p = prefix, *end = prefix + len;
	int best = EVENT_ACTION_LOG;
	while (p < end) {
		if (!is_letter((unsigned char)*p)) {
			p++;
			continue;
		}
		int a = -1;
		switch ((unsigned char)*p & ~0x20) {
		case 'R':
			if (word_at(p, end, "REJECT", 6))
				a = EVENT_ACTION_REJECT;
			break;
		case 'D':
			if (word_at(p, end, "DROP", 4) || word_at(p, end, "DENY", 4) ||
			    word_at(p, end, "DENIED", 6))
				a = EVENT_ACTION_DROP;
			break;
		case 'B':
			if (word_at(p, end, "BLOCK", 5))
				a = EVENT_ACTION_DROP;
			break;
		case 'A':
			if (word_at(p, end, "ACCEPT", 6) || word_at(p, end, "ALLOW", 5))
				a = EVENT_ACTION_ACCEPT;
			else if (word_at(p, end, "AUDIT", 5))
				a = EVENT_ACTION_LOG;
			break;
		case 'P':
			if (word_at(p, end, "PASS", 4))
				a = EVENT_ACTION_ACCEPT;
			break;
		default:
			break;
		}
		if (a >= 0 && rank(a) > rank(best))
			best = a;
		while (p < end && is_letter((unsigned char)*p))
			p++; /* to the end of this word */
	}
	return best;
}

/* Files repeat a handful of prefixes, so each thread remembers its last
 * answer (prefixes longer than the memo are looked up every time). */
struct lookup_memo {
	unsigned generation;
	const struct action_map *m;
	size_t n_rules;
	size_t len;
	int action;
	char text[48];
};
static _Thread_local struct lookup_memo lookup_memo;

static int lookup(const struct action_map *m, const char *prefix, size_t len);

int action_map_lookup(const struct action_map *m, const char *prefix, size_t len)
{
	struct lookup_memo *c = &lookup_memo;
	size_t n_rules = m ? m->n : 0;
	if (c->len == len && c->m == m && c->n_rules == n_rules &&
	    c->generation == map_generation && len <= sizeof(c->text) &&
	    memcmp(c->text, prefix, len) == 0 && c->action)
		return c->action;
	int a = lookup(m, prefix, len);
	if (len <= sizeof(c->text)) {
		c->generation = map_generation;
		c->m = m;
		c->n_rules = n_rules;
		c->len = len;
		c->action = a;
		memcpy(c->text, prefix, len);
	}
	return a;
}

static int lookup(const struct action_map *m, const char *prefix, size_t len)
{
	if (m) {
		for (size_t i = 0; i < m->n; i++)
			if (memcasemem(prefix, len, m->rules[i].text, m->rules[i].len))
				return m->rules[i].action;
	}
	return builtin_lookup(prefix, len);
}
