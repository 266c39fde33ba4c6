/* Unit tests for smf/manifest.c and smf/mf_build.c: the translation and every error's file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "smf/manifest.h"

#define HEAD	"<?xml version=\"1.0\"?>\n"				\
	"<!DOCTYPE service_bundle SYSTEM "				\
	"\"/usr/share/lib/xml/dtd/service_bundle.dtd.1\">\n"		\
	"<service_bundle type=\"manifest\" name=\"t\">\n"		\
	"<service name=\"a/b\" type=\"service\" version=\"1\">\n"
#define TAIL	"</service>\n</service_bundle>\n"

static const char good[] = HEAD
	"<create_default_instance enabled=\"true\"/>\n"
	"<restarter><service_fmri value=\"svc:/system/svc/restarter:default\"/></restarter>\n"
	"<dependency name=\"net\" grouping=\"require_any\" restart_on=\"refresh\" type=\"service\">\n"
	"  <service_fmri value=\"svc:/net/a\"/><service_fmri value=\"svc:/net/b:x\"/>\n"
	"</dependency>\n"
	"<dependency name=\"cfg\" grouping=\"optional_all\" restart_on=\"none\" type=\"path\">\n"
	"  <service_fmri value=\"file://localhost/etc/x.conf\"/>\n"
	"</dependency>\n"
	"<dependent name=\"mine\" grouping=\"require_all\" restart_on=\"error\">\n"
	"  <service_fmri value=\"svc:/c/d\"/>\n"
	"</dependent>\n"
	"<method_context working_directory=\"/var/tmp\"/>\n"
	"<exec_method type=\"method\" name=\"start\" exec=\"/bin/x %m\" timeout_seconds=\"-1\">"
	"<method_context working_directory=\"/srv\"/></exec_method>\n"
	"<exec_method type=\"method\" name=\"stop\" exec=\":kill\" timeout_seconds=\"30\"/>\n"
	"<property_group name=\"config\" type=\"application\">\n"
	"  <propval name=\"port\" type=\"count\" value=\"8002\"/>\n"
	"  <property name=\"hosts\" type=\"astring\"><astring_list>"
	"<value_node value=\"a\"/><value_node value=\"b c\"/></astring_list></property>\n"
	"</property_group>\n"
	"<instance name=\"second\" enabled=\"false\">\n"
	"  <property_group name=\"config\" type=\"application\"/>\n"
	"</instance>\n"
	"<stability value=\"Unstable\"/>\n"
	"<template><common_name><loctext xml:lang=\"C\">  The\n  B service </loctext></common_name>\n"
	"<documentation><manpage title=\"b\" section=\"8\"/><doc_link name=\"web\" uri=\"http://x\"/></documentation></template>\n"
	TAIL;

static const char *
val(struct mf_pg *pgs, size_t n, const char *pg, const char *prop, size_t i)
{
	struct mf_pg	*g = mf_pg_find(pgs, n, pg);
	size_t		 j;

	assert_non_null(g);
	for (j = 0; j < g->nprops; j++)
		if (strcmp(g->props[j].name, prop) == 0) {
			assert_true(i < g->props[j].nvalues);
			return g->props[j].values[i];
		}
	fail_msg("no property %s/%s", pg, prop);
	return NULL;
}

static void
test_good(void **state)
{
	struct manifest	*m;
	struct mf_svc	*s;
	char		*cause = NULL;

	(void)state;
	m = mf_parse_mem(good, sizeof(good) - 1, "good.xml", &cause);
	if (m == NULL)
		fail_msg("%s", cause);
	assert_string_equal(m->name, "t");
	assert_int_equal(m->nsvcs, 1);
	s = &m->svcs[0];
	assert_string_equal(s->name, "a/b");
	assert_string_equal(val(s->pgs, s->npgs, "general", "restarter", 0),
	    "svc:/system/svc/restarter:default");
	assert_string_equal(mf_pg_find(s->pgs, s->npgs, "net")->type,
	    "dependency");
	assert_string_equal(val(s->pgs, s->npgs, "net", "grouping", 0),
	    "require_any");
	assert_string_equal(val(s->pgs, s->npgs, "net", "restart_on", 0),
	    "refresh");
	assert_string_equal(val(s->pgs, s->npgs, "net", "entities", 1),
	    "svc:/net/b:x");
	assert_string_equal(val(s->pgs, s->npgs, "cfg", "type", 0), "path");
	assert_string_equal(val(s->pgs, s->npgs, "start", "exec", 0),
	    "/bin/x %m");
	assert_string_equal(val(s->pgs, s->npgs, "start", "timeout_seconds",
	    0), "0");
	assert_string_equal(val(s->pgs, s->npgs, "stop", "timeout_seconds",
	    0), "30");
	assert_string_equal(val(s->pgs, s->npgs, "start", "working_directory",
	    0), "/srv");
	assert_string_equal(val(s->pgs, s->npgs, "method_context",
	    "working_directory", 0), "/var/tmp");
	assert_string_equal(val(s->pgs, s->npgs, "config", "port", 0),
	    "8002");
	assert_string_equal(val(s->pgs, s->npgs, "config", "hosts", 1), "b c");
	assert_string_equal(val(s->pgs, s->npgs, "tm_common_name", "C", 0),
	    "The B service");
	assert_string_equal(val(s->pgs, s->npgs, "tm_man_b", "manpath", 0),
	    "/usr/share/man");
	assert_string_equal(val(s->pgs, s->npgs, "tm_doc_web", "uri", 0),
	    "http://x");
	assert_int_equal(s->ninsts, 2);
	assert_string_equal(s->insts[0].name, "default");
	assert_true(s->insts[0].enabled);
	assert_string_equal(s->insts[1].name, "second");
	assert_false(s->insts[1].enabled);
	assert_int_equal(s->insts[1].npgs, 1);
	assert_int_equal(s->ndependents, 1);
	assert_string_equal(s->dependents[0].fmri, "svc:/c/d");
	assert_string_equal(val(&s->dependents[0].pg, 1, "mine", "entities",
	    0), "svc:/a/b");
	mf_free(m);
	mf_free(NULL);
}

static void
test_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "", "bad.xml:" },
		{ "<?xml version=\"1.0\"?>\n<service_bundle type=\"manifest\" "
		    "name=\"x\">\n<service\n", "bad.xml:4:" },
		{ "<?xml version=\"1.0\"?>\n<other/>\n", "bad.xml:2: the "
		    "document element is not <service_bundle>" },
		{ HEAD "<bogus/>\n" TAIL, "bad.xml:5: No declaration for "
		    "element bogus" },
		{ HEAD "<exec_method type=\"method\" name=\"start\" exec=\"x\""
		    " timeout_seconds=\"1\" oops=\"1\"/>\n" TAIL, "bad.xml:5:" },
		{ HEAD "<exec_method type=\"method\" name=\"start\" exec=\"x\""
		    "/>\n" TAIL, "bad.xml:5:" },
		{ HEAD "<exec_method type=\"method\" name=\"start\" exec=\"\""
		    " timeout_seconds=\"1\"/>\n" TAIL,
		    "bad.xml:5: method \"start\" has an empty exec" },
		{ HEAD "<exec_method type=\"method\" name=\"start\" exec=\"x\""
		    " timeout_seconds=\"-2\"/>\n" TAIL, "bad.xml:5: method "
		    "\"start\": timeout_seconds \"-2\"" },
		{ HEAD "<exec_method type=\"method\" name=\"start\" exec=\"x\""
		    " timeout_seconds=\"1\"/>\n<exec_method type=\"method\" "
		    "name=\"start\" exec=\"y\" timeout_seconds=\"1\"/>\n" TAIL,
		    "bad.xml:6: property group \"start\" defined twice" },
		{ HEAD "<dependency name=\"d\" grouping=\"require_all\" "
		    "restart_on=\"none\" type=\"service\">\n<service_fmri "
		    "value=\"net/a\"/></dependency>\n" TAIL, "bad.xml:6: bad "
		    "service FMRI \"net/a\"" },
		{ HEAD "<dependency name=\"d\" grouping=\"require_all\" "
		    "restart_on=\"none\" type=\"path\">\n<service_fmri "
		    "value=\"/etc/x\"/></dependency>\n" TAIL, "bad.xml:6: bad "
		    "path FMRI" },
		{ HEAD "<dependency name=\"d\" grouping=\"all\" restart_on="
		    "\"none\" type=\"service\"><service_fmri value=\"svc:/a\"/>"
		    "</dependency>\n" TAIL, "bad.xml:5:" },
		{ HEAD "<property_group name=\"c\" type=\"application\">\n"
		    "<propval name=\"p\" type=\"count\" value=\"-1\"/>\n"
		    "</property_group>\n" TAIL, "bad.xml:6: property \"c/p\": "
		    "\"-1\" is not a valid count" },
		{ HEAD "<property_group name=\"c\" type=\"application\">\n"
		    "<property name=\"p\" type=\"count\"><integer_list>"
		    "<value_node value=\"1\"/></integer_list></property>\n"
		    "</property_group>\n" TAIL, "bad.xml:6: <integer_list> in "
		    "a property of type count" },
		{ HEAD "<property_group name=\"c\" type=\"application\">\n"
		    "<propval name=\"p\" type=\"astring\" value=\"1\"/>\n"
		    "<propval name=\"p\" type=\"astring\" value=\"2\"/>\n"
		    "</property_group>\n" TAIL, "bad.xml:7: property \"c/p\" "
		    "defined twice" },
		{ HEAD "<method_context working_directory=\"tmp\"/>\n" TAIL,
		    "bad.xml:5: working_directory \"tmp\" is not an absolute "
		    "path" },
		{ HEAD "<instance name=\"a:b\" enabled=\"true\"/>\n" TAIL,
		    "bad.xml:5: bad instance name" },
		{ HEAD "<instance name=\"i\" enabled=\"true\"/>\n<instance "
		    "name=\"i\" enabled=\"true\"/>\n" TAIL, "bad.xml:6: "
		    "instance \"i\" defined twice" },
		{ "<?xml version=\"1.0\"?>\n<service_bundle type=\"manifest\" "
		    "name=\"x\">\n<service name=\"bad name\" type=\"service\" "
		    "version=\"1\"/>\n</service_bundle>\n", "bad.xml:3: bad "
		    "service name" },
		{ "<?xml version=\"1.0\"?>\n<!DOCTYPE service_bundle [\n"
		    "<!ENTITY x \"y\">\n]>\n<service_bundle type=\"manifest\" "
		    "name=\"x\"/>\n", "internal DTD subset" },
		{ "<?xml version=\"1.0\"?>\n<!DOCTYPE service_bundle SYSTEM "
		    "\"http://example.com/x.dtd\">\n<service_bundle type=\""
		    "manifest\" name=\"&ext;\"/>\n", "bad.xml:3:" },
	};
	struct manifest	*m;
	char		*cause;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cause = NULL;
		m = mf_parse_mem(cases[i].text, strlen(cases[i].text),
		    "bad.xml", &cause);
		if (m != NULL)
			fail_msg("case %zu parsed", i);
		assert_non_null(cause);
		if (strstr(cause, cases[i].want) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, cause,
			    cases[i].want);
		assert_null(strchr(cause, '\n'));
		free(cause);
	}
}

static void
test_file(void **state)
{
	char	 path[] = "/tmp/smf-mf-XXXXXX", *cause = NULL;
	struct manifest *m;
	FILE	*f;
	int	 fd;

	(void)state;
	assert_null(mf_parse_file("/nonexistent.xml", &cause));
	assert_non_null(strstr(cause, "/nonexistent.xml: "));
	free(cause);
	cause = NULL;
	assert_null(mf_parse_file("/tmp", &cause));
	free(cause);
	cause = NULL;
	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(f = fdopen(fd, "w"));
	fputs(good, f);
	fclose(f);
	m = mf_parse_file(path, &cause);
	assert_non_null(m);
	assert_string_equal(m->file, path);
	mf_free(m);
	unlink(path);
	assert_non_null(strstr(mf_dtd_text(), "<!ELEMENT service_bundle"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
