/* Unit tests for smf/startd/method.c's token expansion (smf_method(7)). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "smf/repo.h"
#include "smf/smf.h"
#include "smf/startd/startd.h"

static void
test_tokens(void **state)
{
	static const struct {
		const char	*exec, *want;
	} good[] = {
		{ "/bin/x %m", "/bin/x start" },
		{ "%r %s %i %f", "svc.startd system/xvm/xend default "
		    "svc:/system/xvm/xend:default" },
		{ "x --port %{config/port} %%", "x --port 8002 %" },
		{ "x %{config/hosts}", "x a b" },
		{ "plain", "plain" },
	};
	static const struct {
		const char	*exec, *why;
	} bad[] = {
		{ "x %q", "unknown method token %q" },
		{ "x %", "unknown method token" },
		{ "x %{config/port", "unterminated" },
		{ "x %{nopg}", "not pg/prop" },
		{ "x %{config/nosuch}", "no such property" },
	};
	char		 dir[] = "/tmp/smf-meth-XXXXXX", path[128], cmd[160];
	char		*out, *cause;
	struct startd	 sd;
	struct inst	 in;
	struct repo_ent	 e;
	size_t		 i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/repo.db", dir);
	memset(&sd, 0, sizeof(sd));
	cause = NULL;
	assert_non_null(sd.repo = repo_open(path, 1, &cause));
	memset(&in, 0, sizeof(in));
	in.sd = &sd;
	in.svc = "system/xvm/xend";
	in.name = "default";
	in.fmri = "svc:/system/xvm/xend:default";
	in.svc_id = repo_service(sd.repo, in.svc, 1);
	in.id = repo_instance(sd.repo, in.svc_id, in.name, 1);
	e = repo_ent_svc(in.svc_id, SMF_SNAP_EDIT);
	assert_int_equal(repo_pg_add(sd.repo, e, "config", "application"), 0);
	assert_int_equal(repo_prop_set(sd.repo, e, "config", "port", "count",
	    (const char *[]){ "8002" }, 1), 0);
	assert_int_equal(repo_prop_set(sd.repo, e, "config", "hosts",
	    "astring", (const char *[]){ "a", "b" }, 2), 0);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		out = cause = NULL;
		if (method_expand(&in, "start", good[i].exec, &out, &cause)
		    == -1)
			fail_msg("%s: %s", good[i].exec, cause);
		assert_string_equal(out, good[i].want);
		free(out);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out = cause = NULL;
		assert_int_equal(method_expand(&in, "start", bad[i].exec, &out,
		    &cause), -1);
		assert_null(out);
		if (strstr(cause, bad[i].why) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].exec, cause,
			    bad[i].why);
		free(cause);
	}
	repo_close(sd.repo);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
