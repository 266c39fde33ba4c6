/* Unit tests for smf/repo.c and smf/repo_pg.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "smf/repo.h"
#include "smf/smf.h"

static char	 dir[64];

static struct repo *
fresh(void)
{
	struct repo	*r;
	char		 path[128], *cause = NULL;

	snprintf(dir, sizeof(dir), "/tmp/smf-repo-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/etc/svc/repository.db", dir);
	r = repo_open(path, 1, &cause);
	assert_non_null(r);
	return r;
}

static void
cleanup(struct repo *r)
{
	char	 cmd[128];

	repo_close(r);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void
test_entities(void **state)
{
	struct repo	*r = fresh();
	struct repo_inst *v;
	size_t		 n;
	int64_t		 s, i, j;
	char		**names;

	(void)state;
	assert_int_equal(repo_service(r, "a/b", 0), -1);
	assert_int_equal(errno, ENOENT);
	assert_true((s = repo_service(r, "a/b", 1)) > 0);
	assert_int_equal(repo_service(r, "a/b", 1), s);
	assert_true((i = repo_instance(r, s, "default", 1)) > 0);
	assert_true((j = repo_instance(r, s, "other", 1)) > 0);
	assert_int_equal(repo_instances(r, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].svc, "a/b");
	assert_string_equal(v[0].inst, "default");
	assert_int_equal(v[1].id, j);
	repo_insts_free(v, n);
	assert_int_equal(repo_services(r, &names, &n), 0);
	assert_int_equal(n, 1);
	free(names[0]);
	free(names);
	assert_int_equal(repo_instance_delete(r, j), 0);
	assert_int_equal(repo_instances(r, &v, &n), 0);
	assert_int_equal(n, 1);
	repo_insts_free(v, n);
	assert_int_equal(repo_service_delete(r, s), 0);
	assert_int_equal(repo_instances(r, &v, &n), 0);
	assert_int_equal(n, 0);
	repo_insts_free(v, n);
	cleanup(r);
}

static void
test_props_and_composition(void **state)
{
	struct repo	*r = fresh();
	struct repo_prop *v;
	struct repo_ent	 se, ie;
	const char	*one[] = { "8002" }, *two[] = { "a b", "c" };
	char		 type[32];
	size_t		 n;
	int64_t		 s, i;

	(void)state;
	s = repo_service(r, "x", 1);
	i = repo_instance(r, s, "default", 1);
	se = repo_ent_svc(s, SMF_SNAP_EDIT);
	ie = repo_ent_inst(s, i, SMF_SNAP_EDIT);
	assert_int_equal(repo_prop_set(r, se, "config", "port", "count", one,
	    1), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(repo_pg_add(r, se, "config", "application"), 0);
	assert_int_equal(repo_pg_add(r, se, "config", "application"), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(repo_pg_type(r, se, "config", type, sizeof(type)), 0);
	assert_string_equal(type, "application");
	assert_int_equal(repo_prop_set(r, se, "config", "port", "count", one,
	    1), 0);
	assert_int_equal(repo_prop_set(r, se, "config", "list", "astring",
	    two, 2), 0);
	assert_int_equal(repo_pg_add(r, se, "other", "application"), 0);
	assert_int_equal(repo_prop_set(r, se, "other", "k", "astring", one,
	    1), 0);
	assert_int_equal(repo_props(r, se, "config", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "list");
	assert_int_equal(v[0].nvalues, 2);
	assert_string_equal(v[0].values[1], "c");
	repo_props_free(v, n);

	/* An instance group shadows the whole service group. */
	assert_int_equal(repo_pg_add(r, ie, "config", "application"), 0);
	assert_int_equal(repo_prop_set(r, ie, "config", "mine", "boolean",
	    (const char *[]){ "true" }, 1), 0);
	assert_int_equal(repo_composed(r, s, i, SMF_SNAP_EDIT, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_non_null(repo_prop_find(v, n, "config", "mine"));
	assert_null(repo_prop_find(v, n, "config", "port"));
	assert_string_equal(repo_prop_str(v, n, "other", "k", "?"), "8002");
	repo_props_free(v, n);

	/* Snapshots: running falls back to editing until taken. */
	assert_false(repo_snapshot_exists(r, i, SMF_SNAP_RUNNING));
	assert_int_equal(repo_snapshot_take(r, s, i, SMF_SNAP_RUNNING), 0);
	assert_true(repo_snapshot_exists(r, i, SMF_SNAP_RUNNING));
	assert_int_equal(repo_prop_set(r, se, "other", "k", "astring",
	    (const char *[]){ "new" }, 1), 0);
	assert_int_equal(repo_composed(r, s, i, SMF_SNAP_RUNNING, &v, &n), 0);
	assert_string_equal(repo_prop_str(v, n, "other", "k", "?"), "8002");
	repo_props_free(v, n);
	assert_int_equal(repo_snapshot_take(r, s, i, SMF_SNAP_RUNNING), 0);
	assert_int_equal(repo_composed(r, s, i, SMF_SNAP_RUNNING, &v, &n), 0);
	assert_string_equal(repo_prop_str(v, n, "other", "k", "?"), "new");
	repo_props_free(v, n);

	assert_int_equal(repo_prop_delete(r, se, "other", "k"), 0);
	assert_int_equal(repo_prop_delete(r, se, "other", "k"), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(repo_pg_delete(r, se, "other"), 0);
	assert_int_equal(repo_pg_delete(r, se, "other"), -1);
	cleanup(r);
}

static void
test_state(void **state)
{
	struct repo	*r = fresh();
	struct repo_state st, got;
	int64_t		 s, i;

	(void)state;
	s = repo_service(r, "x", 1);
	i = repo_instance(r, s, "default", 1);
	assert_int_equal(repo_state_get(r, i, &got), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(got.state, SMF_UNINIT);
	assert_int_equal(got.enabled_tmp, -1);
	memset(&st, 0, sizeof(st));
	st.state = SMF_MAINT;
	st.next_state = SMF_NONE;
	st.stime = 1234;
	st.ctid = 7;
	st.enabled_tmp = 1;
	st.blocked = 1;
	snprintf(st.aux, sizeof(st.aux), "method_failed");
	snprintf(st.reason, sizeof(st.reason), "Because.");
	assert_int_equal(repo_state_put(r, i, &st), 0);
	assert_int_equal(repo_state_get(r, i, &got), 0);
	assert_memory_equal(&st, &got, sizeof(st));
	assert_int_equal(repo_state_clear_all(r), 0);
	assert_int_equal(repo_state_get(r, i, &got), -1);
	cleanup(r);
}

static void
test_types(void **state)
{
	static const struct {
		const char	*type, *value;
		int		 ok;
	} cases[] = {
		{ "boolean", "true", 1 }, { "boolean", "yes", 0 },
		{ "count", "8002", 1 }, { "count", "-1", 0 },
		{ "count", "", 0 }, { "integer", "-3", 1 },
		{ "integer", "3x", 0 }, { "fmri", "svc:/a/b:c", 1 },
		{ "fmri", "file://localhost/etc", 1 }, { "fmri", "x", 0 },
		{ "astring", "", 1 }, { "astring", "a b", 1 },
		{ "net_address", "127.0.0.1", 1 }, { "host", "a b", 0 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(repo_value_valid(cases[i].type,
		    cases[i].value), cases[i].ok);
	assert_true(repo_type_valid("ustring"));
	assert_false(repo_type_valid("string"));
}

static void
test_open_errors(void **state)
{
	char	*cause = NULL;

	(void)state;
	assert_null(repo_open("/nonexistent/dir/repo.db", 0, &cause));
	assert_non_null(cause);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entities),
		cmocka_unit_test(test_props_and_composition),
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
