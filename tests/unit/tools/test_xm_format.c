/* Unit tests for tools/xm/format.c: Xen 3 xm's columns, exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/json.h"
#include "tools/xm/xm.h"

static const char *domains_json =
    "{\"domains\": ["
    "{\"name\":\"Domain-0\",\"domid\":0,\"memory\":1024,\"vcpus\":2,"
    " \"state\":{\"running\":true},\"cpu_time\":120.46,\"uptime\":93784,"
    " \"vcpu_list\":[{\"vcpu\":0,\"cpu\":1,\"online\":true,\"running\":true,"
    "   \"cpu_time\":60.2},{\"vcpu\":1,\"cpu\":0,\"online\":true,"
    "   \"blocked\":true,\"cpu_time\":0.05,\"affinity\":\"0-1\"}]},"
    "{\"name\":\"web1\",\"domid\":7,\"memory\":64,\"vcpus\":1,"
    " \"state\":{\"blocked\":true,\"paused\":true},\"cpu_time\":3.25,"
    " \"uptime\":61, \"vcpu_list\":[{\"vcpu\":0,\"online\":false}]},"
    "{\"name\":\"cold\",\"memory\":32,\"vcpus\":1,\"state\":{},"
    " \"cpu_time\":0}"
    "]}";

static char *
render(void (*fn)(FILE *, const yajl_val *, size_t), int short_form)
{
	yajl_val	 doc, arr;
	char		*cause = NULL, *out = NULL;
	size_t		 len;
	FILE		*fp;

	doc = json_parse(domains_json, strlen(domains_json), 0, &cause);
	assert_non_null(doc);
	arr = json_get(doc, "domains");
	fp = open_memstream(&out, &len);
	if (fn != NULL)
		fn(fp, arr->u.array.values, arr->u.array.len);
	else
		fmt_uptime(fp, arr->u.array.values, arr->u.array.len,
		    short_form);
	fclose(fp);
	json_free(doc);
	return out;
}

static void
test_list(void **state)
{
	char	*out;

	(void)state;
	out = render(fmt_list, 0);
	assert_string_equal(out,
	    "Name                                        ID   Mem VCPUs      State   Time(s)\n"
	    "Domain-0                                     0  1024     2     r-----     120.5\n"
	    "web1                                         7    64     1     -bp---       3.2\n"
	    "cold                                              32     1     ------       0.0\n");
	free(out);
}

static void
test_vcpu_list(void **state)
{
	char	*out;

	(void)state;
	out = render(fmt_vcpu_list, 0);
	assert_string_equal(out,
	    "Name                                ID  VCPU   CPU State   Time(s) CPU Affinity\n"
	    "Domain-0                             0     0     1   r--      60.2 any cpu\n"
	    "Domain-0                             0     1     0   -b-       0.1 0-1\n"
	    /* Xen's xm: an offline vCPU has no CPU, and 'p'. */
	    "web1                                 7     0     -   --p       0.0 any cpu\n");
	free(out);
}

static void
test_uptime(void **state)
{
	char	*out;

	(void)state;
	out = render(NULL, 0);
	assert_string_equal(out,
	    "Name                                ID Uptime\n"
	    "Domain-0                             0 1 day, 2:03:04\n"
	    "web1                                 7 0:01:01\n");
	free(out);
	out = render(NULL, 1);
	assert_string_equal(out,
	    "02:03:04 up 1 day, Domain-0 (0)\n"
	    "00:01:01 up 0 days, web1 (7)\n");
	free(out);
}

static void
test_state_and_pairs(void **state)
{
	const char	*text = "{\"state\":{\"running\":true,\"blocked\":false,"
			    "\"paused\":true,\"shutdown\":true,\"crashed\":true,"
			    "\"dying\":true},"
			    "\"info\":[[\"host\",\"h1\"],[\"nr_cpus\",2],"
			    "[\"bad\"],[3,4]]}";
	yajl_val	 doc;
	char		 st[7], *cause, *out = NULL;
	size_t		 len;
	FILE		*fp;

	(void)state;
	doc = json_parse(text, strlen(text), 0, &cause);
	fmt_state(st, doc);
	assert_string_equal(st, "r-pscd");
	fp = open_memstream(&out, &len);
	fmt_pairs(fp, json_get(doc, "info"), 23);
	fclose(fp);
	assert_string_equal(out,
	    "host                   : h1\n"
	    "nr_cpus                : 2\n");
	free(out);
	json_free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_vcpu_list),
		cmocka_unit_test(test_uptime),
		cmocka_unit_test(test_state_and_pairs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
