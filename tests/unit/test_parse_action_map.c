/* Prefix -> action: built-in words at word starts, user rules first, the
 * per-thread memo never answering for a rebuilt map. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/event.h"
#include "parse/action_map.h"

static int look(const struct action_map *m, const char *p)
{
	return action_map_lookup(m, p, strlen(p));
}

static void test_builtin(void **state)
{
	(void)state;
	static const struct {
		const char *prefix;
		int action;
	} cases[] = {
		{"[UFW BLOCK]", EVENT_ACTION_DROP},
		{"[UFW LIMIT BLOCK]", EVENT_ACTION_DROP},
		{"[UFW ALLOW]", EVENT_ACTION_ACCEPT},
		{"[UFW AUDIT]", EVENT_ACTION_LOG},
		{"[UFW AUDIT INVALID]", EVENT_ACTION_LOG},
		{"filter_IN_public_REJECT:", EVENT_ACTION_REJECT},
		{"public_DROP:", EVENT_ACTION_DROP},
		{"FINAL_REJECT:", EVENT_ACTION_REJECT},
		{"Shorewall:net2fw:DROP:", EVENT_ACTION_DROP},
		{"policy DROP:", EVENT_ACTION_DROP},
		{"PVEFW-reject:", EVENT_ACTION_REJECT},
		{"ACCEPT:", EVENT_ACTION_ACCEPT},
		{"pass in", EVENT_ACTION_ACCEPT},
		{"deny", EVENT_ACTION_DROP},
		{"DENIED", EVENT_ACTION_DROP},
		{"DROPPED", EVENT_ACTION_DROP},
		{"DROP INVALID", EVENT_ACTION_DROP},
		{"[netfilter-INPUT]", EVENT_ACTION_LOG},
		{"", EVENT_ACTION_LOG},
		{"BYPASS", EVENT_ACTION_LOG},         /* PASS not at a word start */
		{"UNBLOCKED", EVENT_ACTION_LOG},      /* nor BLOCK */
		{"ACCEPT-then-REJECT", EVENT_ACTION_REJECT}, /* the stronger word */
		{"INPUT_ACCEPT DROP", EVENT_ACTION_DROP},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (look(NULL, cases[i].prefix) != cases[i].action)
			fail_msg("%s: got %d want %d", cases[i].prefix, look(NULL, cases[i].prefix),
				 cases[i].action);
		/* twice: the second answer comes from the memo */
		assert_int_equal(look(NULL, cases[i].prefix), cases[i].action);
	}
}

static void test_user_rules(void **state)
{
	(void)state;
	struct action_map m;
	action_map_init(&m);
	assert_int_equal(action_map_add_spec(&m, "netfilter-INPUT=drop"), 0);
	assert_int_equal(action_map_add_spec(&m, "ufw block=accept"), 0);
	assert_int_equal(action_map_add_spec(&m, "a=b=REJECT"), 0); /* text "a=b" */
	assert_int_equal(action_map_add_spec(&m, "nothing"), -1);
	assert_int_equal(action_map_add_spec(&m, "=drop"), -1);
	assert_int_equal(action_map_add_spec(&m, "x=explode"), -1);
	assert_int_equal(action_map_add_spec(&m, "x="), -1);
	assert_int_equal(action_map_add_spec(&m, NULL), -1);
	assert_int_equal(m.n, 3);
	assert_int_equal(look(&m, "[netfilter-INPUT]"), EVENT_ACTION_DROP);
	assert_int_equal(look(&m, "[UFW BLOCK]"), EVENT_ACTION_ACCEPT); /* case-insensitive */
	assert_int_equal(look(&m, "xa=by"), EVENT_ACTION_REJECT);
	assert_int_equal(look(&m, "[netfilter-OUTPUT]"), EVENT_ACTION_LOG);
	assert_int_equal(look(&m, "REJECT"), EVENT_ACTION_REJECT);
	action_map_fini(&m);
	action_map_fini(&m); /* twice is fine */
	action_map_fini(NULL);

	/* a new map at the same address must not get the old answers */
	action_map_init(&m);
	assert_int_equal(action_map_add_spec(&m, "ufw block=log"), 0);
	assert_int_equal(action_map_add_spec(&m, "zzz=log"), 0);
	assert_int_equal(action_map_add_spec(&m, "yyy=log"), 0);
	assert_int_equal(look(&m, "[UFW BLOCK]"), EVENT_ACTION_LOG);
	action_map_fini(&m);
	assert_int_equal(look(&m, "[UFW BLOCK]"), EVENT_ACTION_DROP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_user_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
