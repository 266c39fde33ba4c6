/* Unit tests for smf/startd/deps.c: each grouping against each state, and the svcs -x words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/paths.h"
#include "lib/xmalloc.h"
#include "smf/fmri.h"
#include "smf/smf.h"
#include "smf/startd/startd.h"

static struct startd	 sd;

static struct inst *
mk(const char *svc, const char *name, int state, int enabled)
{
	struct inst	*in = xcalloc(1, sizeof(*in));
	char		 fmri[FMRI_MAX];

	in->sd = &sd;
	in->svc = xstrdup(svc);
	in->name = xstrdup(name);
	fmri_format(fmri, sizeof(fmri), svc, name);
	in->fmri = xstrdup(fmri);
	in->state = state;
	in->next_state = SMF_NONE;
	in->enabled = enabled;
	in->enabled_tmp = -1;
	TAILQ_INSERT_TAIL(&sd.insts, in, entry);
	return in;
}

static void
set_dep(struct inst *in, enum grouping g, const char *e1, const char *e2)
{
	dep_free(in->deps, in->ndeps);
	in->deps = xcalloc(1, sizeof(*in->deps));
	in->ndeps = 1;
	in->deps[0].name = xstrdup("d");
	in->deps[0].grouping = g;
	in->deps[0].restart_on = RO_NONE;
	in->deps[0].is_path = strncmp(e1, "file:", 5) == 0;
	in->deps[0].ents = xcalloc(2, sizeof(char *));
	in->deps[0].ents[in->deps[0].nents++] = xstrdup(e1);
	if (e2 != NULL)
		in->deps[0].ents[in->deps[0].nents++] = xstrdup(e2);
}

static int
setup(void **state)
{
	(void)state;
	memset(&sd, 0, sizeof(sd));
	TAILQ_INIT(&sd.insts);
	return 0;
}

static int
teardown(void **state)
{
	struct inst	*in;

	(void)state;
	while ((in = TAILQ_FIRST(&sd.insts)) != NULL) {
		TAILQ_REMOVE(&sd.insts, in, entry);
		dep_free(in->deps, in->ndeps);
		in->deps = NULL;
		in->ndeps = 0;
		inst_free(in);
	}
	return 0;
}

static void
test_groupings(void **state)
{
	static const struct {
		enum grouping	 g;
		int		 a, b;		/* states of a and b */
		int		 b_enabled;
		enum dep_status	 want;
		const char	*why;
	} cases[] = {
		{ G_REQUIRE_ALL, SMF_ONLINE, SMF_DEGRADED, 1, DEP_SAT, "" },
		{ G_REQUIRE_ALL, SMF_ONLINE, SMF_OFFLINE, 1, DEP_WAIT,
		    "Dependency svc:/t/b:default is not running yet." },
		{ G_REQUIRE_ALL, SMF_ONLINE, SMF_DISABLED, 0, DEP_UNSAT,
		    "Service svc:/t/b:default is disabled." },
		{ G_REQUIRE_ALL, SMF_ONLINE, SMF_MAINT, 1, DEP_UNSAT,
		    "Service svc:/t/b:default is in maintenance." },
		{ G_REQUIRE_ANY, SMF_DISABLED, SMF_ONLINE, 1, DEP_SAT, "" },
		{ G_REQUIRE_ANY, SMF_DISABLED, SMF_OFFLINE, 1, DEP_WAIT, "" },
		{ G_REQUIRE_ANY, SMF_DISABLED, SMF_MAINT, 1, DEP_UNSAT, "" },
		{ G_OPTIONAL_ALL, SMF_ONLINE, SMF_DISABLED, 0, DEP_SAT, "" },
		{ G_OPTIONAL_ALL, SMF_MAINT, SMF_DISABLED, 0, DEP_SAT, "" },
		{ G_OPTIONAL_ALL, SMF_ONLINE, SMF_OFFLINE, 1, DEP_WAIT, "" },
		{ G_EXCLUDE_ALL, SMF_DISABLED, SMF_MAINT, 1, DEP_SAT, "" },
		{ G_EXCLUDE_ALL, SMF_DISABLED, SMF_ONLINE, 1, DEP_UNSAT,
		    "Excluded service svc:/t/b is running." },
		{ G_EXCLUDE_ALL, SMF_DISABLED, SMF_OFFLINE, 1, DEP_WAIT, "" },
	};
	struct inst	*a, *b, *me;
	char		 why[512];
	size_t		 i;

	(void)state;
	a = mk("t/a", "default", SMF_ONLINE, 1);
	b = mk("t/b", "default", SMF_ONLINE, 1);
	me = mk("t/me", "default", SMF_OFFLINE, 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set_dep(me, cases[i].g, "svc:/t/a:default", "svc:/t/b");
		a->state = cases[i].a;
		a->enabled = cases[i].a != SMF_DISABLED;
		b->state = cases[i].b;
		b->enabled = cases[i].b_enabled;
		if (deps_eval(&sd, me, why, sizeof(why)) != cases[i].want)
			fail_msg("case %zu: got %d (%s)", i,
			    (int)deps_eval(&sd, me, why, sizeof(why)), why);
		if (*cases[i].why != '\0')
			assert_string_equal(why, cases[i].why);
	}
	/* A blocked offline dependency is down for good, not waiting. */
	set_dep(me, G_REQUIRE_ALL, "svc:/t/b:default", NULL);
	b->state = SMF_OFFLINE;
	b->enabled = 1;
	b->blocked = 1;
	assert_int_equal(deps_eval(&sd, me, why, sizeof(why)), DEP_UNSAT);
	/* Absent entities. */
	set_dep(me, G_REQUIRE_ALL, "svc:/t/nosuch", NULL);
	assert_int_equal(deps_eval(&sd, me, why, sizeof(why)), DEP_UNSAT);
	assert_string_equal(why, "Dependency svc:/t/nosuch is absent.");
	set_dep(me, G_OPTIONAL_ALL, "svc:/t/nosuch", NULL);
	assert_int_equal(deps_eval(&sd, me, why, sizeof(why)), DEP_SAT);
	/* deps_on and the require_any alternative. */
	set_dep(me, G_REQUIRE_ANY, "svc:/t/a", "svc:/t/b:default");
	a->state = b->state = SMF_ONLINE;
	b->blocked = 0;
	assert_non_null(deps_on(me, a));
	assert_null(deps_on(a, me));
	assert_true(deps_other_satisfies(&sd, me, &me->deps[0], a));
	b->state = SMF_DISABLED;
	assert_false(deps_other_satisfies(&sd, me, &me->deps[0], a));
}

static void
test_path(void **state)
{
	char	 dir[] = "/tmp/smf-deps-XXXXXX", path[128], why[512];
	struct inst *me;
	FILE	*f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(xvm_paths_init(dir), 0);
	me = mk("t/me", "default", SMF_OFFLINE, 1);
	set_dep(me, G_REQUIRE_ALL, "file://localhost/etc/x.conf", NULL);
	assert_int_equal(deps_eval(&sd, me, why, sizeof(why)), DEP_UNSAT);
	assert_string_equal(why,
	    "Dependency file://localhost/etc/x.conf is absent.");
	snprintf(path, sizeof(path), "%s/etc", dir);
	assert_int_equal(xvm_mkdirs(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/x.conf", dir);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	assert_int_equal(deps_eval(&sd, me, why, sizeof(why)), DEP_SAT);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc", dir);
	rmdir(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_groupings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_path, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
