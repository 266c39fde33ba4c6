/* Unit tests for smf/import.c: first import, re-import keeping the administrator's changes, dependents. */
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

#include "smf/import.h"
#include "smf/manifest.h"
#include "smf/repo.h"
#include "smf/smf.h"

static const char fmt[] =
	"<?xml version=\"1.0\"?>\n"
	"<service_bundle type=\"manifest\" name=\"t\">\n"
	"<service name=\"%s\" type=\"service\" version=\"1\">\n"
	"<create_default_instance enabled=\"%s\"/>\n"
	"%s"
	"<exec_method type=\"method\" name=\"start\" exec=\"%s\" timeout_seconds=\"5\"/>\n"
	"<property_group name=\"config\" type=\"application\">\n"
	"<propval name=\"a\" type=\"astring\" value=\"%s\"/>\n"
	"<propval name=\"b\" type=\"astring\" value=\"%s\"/>\n"
	"</property_group>\n"
	"</service>\n</service_bundle>\n";

static struct repo *
fresh(char *dir, size_t size)
{
	char	 path[256], *cause = NULL;
	struct repo *r;

	snprintf(dir, size, "/tmp/smf-import-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/repo.db", dir);
	assert_non_null(r = repo_open(path, 1, &cause));
	return r;
}

static void
import(struct repo *r, const char *svc, const char *en, const char *extra,
    const char *exec, const char *a, const char *b)
{
	struct manifest	*m;
	char		 text[4096], *cause = NULL;

	snprintf(text, sizeof(text), fmt, svc, en, extra, exec, a, b);
	m = mf_parse_mem(text, strlen(text), "t.xml", &cause);
	if (m == NULL)
		fail_msg("%s", cause);
	if (smf_import(r, m, &cause) == -1)
		fail_msg("%s", cause);
	mf_free(m);
}

static const char *
get(struct repo *r, int64_t s, int64_t i, const char *snap, const char *pg,
    const char *name, char *buf, size_t size)
{
	struct repo_prop *v;
	size_t		 n;

	assert_int_equal(repo_composed(r, s, i, snap, &v, &n), 0);
	snprintf(buf, size, "%s", repo_prop_str(v, n, pg, name, "(none)"));
	repo_props_free(v, n);
	return buf;
}

static void
test_reimport(void **state)
{
	struct repo	*r;
	char		 dir[64], buf[64], cmd[128];
	const char	*mine = "mine";
	int64_t		 s, i;

	(void)state;
	r = fresh(dir, sizeof(dir));
	import(r, "t/a", "true", "", "run", "a1", "b1");
	assert_true((s = repo_service(r, "t/a", 0)) > 0);
	assert_true((i = repo_instance(r, s, "default", 0)) > 0);
	assert_string_equal(get(r, s, i, SMF_SNAP_RUNNING, "general",
	    "enabled", buf, sizeof(buf)), "true");
	assert_string_equal(get(r, s, i, SMF_SNAP_RUNNING, "config", "a",
	    buf, sizeof(buf)), "a1");

	/* The administrator changes config/a and disables the instance. */
	assert_int_equal(repo_prop_set(r, repo_ent_svc(s, SMF_SNAP_EDIT),
	    "config", "a", "astring", &mine, 1), 0);
	assert_int_equal(repo_prop_set(r, repo_ent_inst(s, i, SMF_SNAP_EDIT),
	    "general", "enabled", "boolean", (const char *[]){ "false" }, 1),
	    0);
	/* A new manifest changes a, b and the start method. */
	import(r, "t/a", "true", "", "run2", "a2", "b2");
	assert_string_equal(get(r, s, i, SMF_SNAP_RUNNING, "config", "a",
	    buf, sizeof(buf)), "mine");
	assert_string_equal(get(r, s, i, SMF_SNAP_RUNNING, "config", "b",
	    buf, sizeof(buf)), "b2");
	assert_string_equal(get(r, s, i, SMF_SNAP_RUNNING, "start", "exec",
	    buf, sizeof(buf)), "run2");
	assert_string_equal(get(r, s, i, SMF_SNAP_EDIT, "general", "enabled",
	    buf, sizeof(buf)), "false");
	/* last_import is the manifest as it was. */
	{
		struct repo_prop *v;
		size_t		 n;

		assert_int_equal(repo_props(r, repo_ent_svc(s,
		    SMF_SNAP_IMPORT), "config", &v, &n), 0);
		assert_string_equal(repo_prop_str(v, n, "config", "a", "?"),
		    "a2");
		repo_props_free(v, n);
	}
	repo_close(r);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void
on_warn(void *arg, const char *msg)
{
	int	*n = arg;

	assert_non_null(strstr(msg, "bad.xml:"));
	(*n)++;
}

static void
test_dependents_and_dir(void **state)
{
	struct repo	*r;
	struct repo_prop *v;
	char		 dir[64], buf[256], cmd[300];
	size_t		 n;
	int64_t		 s, i;
	int		 warned;
	FILE		*f;

	(void)state;
	r = fresh(dir, sizeof(dir));
	import(r, "t/base", "true", "", "run", "x", "y");
	import(r, "t/top", "false", "<dependent name=\"top\" grouping="
	    "\"require_all\" restart_on=\"none\"><service_fmri value="
	    "\"svc:/t/base:default\"/></dependent>\n", "run", "x", "y");
	s = repo_service(r, "t/base", 0);
	i = repo_instance(r, s, "default", 0);
	assert_int_equal(repo_props(r, repo_ent_inst(s, i, SMF_SNAP_EDIT),
	    "top", &v, &n), 0);
	assert_string_equal(repo_prop_str(v, n, "top", "entities", "?"),
	    "svc:/t/top");
	repo_props_free(v, n);

	/* A directory: good files import, a bad one is reported. */
	snprintf(buf, sizeof(buf), "%s/mf/sub", dir);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s", buf);
	assert_int_equal(system(cmd), 0);
	snprintf(buf, sizeof(buf), "%s/mf/sub/c.xml", dir);
	assert_non_null(f = fopen(buf, "w"));
	fprintf(f, fmt, "t/c", "true", "", "run", "1", "2");
	fclose(f);
	snprintf(buf, sizeof(buf), "%s/mf/bad.xml", dir);
	assert_non_null(f = fopen(buf, "w"));
	fputs("<nope", f);
	fclose(f);
	snprintf(buf, sizeof(buf), "%s/mf/ignored.txt", dir);
	assert_non_null(f = fopen(buf, "w"));
	fclose(f);
	snprintf(buf, sizeof(buf), "%s/mf", dir);
	warned = 0;
	assert_int_equal(smf_import_dir(r, buf, on_warn, &warned), 1);
	assert_int_equal(warned, 1);
	assert_true(repo_service(r, "t/c", 0) > 0);
	repo_close(r);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reimport),
		cmocka_unit_test(test_dependents_and_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
