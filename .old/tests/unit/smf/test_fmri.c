/* Unit tests for smf/fmri.c and the state names of smf/smf.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "smf/fmri.h"
#include "smf/smf.h"

static void
test_parse(void **state)
{
	static const struct {
		const char	*in;
		const char	*svc;
		const char	*inst;	/* NULL: must fail */
	} cases[] = {
		{ "svc:/system/xvm/store:default", "system/xvm/store",
		    "default" },
		{ "svc:/system/xvm/store", "system/xvm/store", "" },
		{ "svc:///a/b:c", "a/b", "c" },
		{ "svc://localhost/a/b:c", "a/b", "c" },
		{ "svc:/a,b-c_d.e+f:x", "a,b-c_d.e+f", "x" },
		{ "svc:a/b", NULL, NULL },
		{ "system/xvm/store", NULL, NULL },
		{ "svc:/", NULL, NULL },
		{ "svc:/a//b", NULL, NULL },
		{ "svc:/a/b/", NULL, NULL },
		{ "svc:/a b", NULL, NULL },
		{ "svc:/a:b:c", NULL, NULL },
		{ "svc:/a:", NULL, NULL },
		{ "svc://otherhost/a", NULL, NULL },
	};
	struct fmri	 f;
	char		*cause;
	size_t		 i;
	int		 rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cause = NULL;
		rc = fmri_parse(cases[i].in, &f, &cause);
		if (cases[i].svc == NULL) {
			assert_int_equal(rc, -1);
			assert_non_null(cause);
			assert_non_null(strstr(cause, cases[i].in));
		} else {
			assert_int_equal(rc, 0);
			assert_string_equal(f.svc, cases[i].svc);
			assert_string_equal(f.inst, cases[i].inst);
		}
		free(cause);
	}
}

static void
test_match(void **state)
{
	static const struct {
		const char	*pat;
		int		 want;
	} cases[] = {
		{ "svc:/system/xvm/store:default", 1 },
		{ "svc:/system/xvm/store", 1 },
		{ "system/xvm/store:default", 1 },
		{ "xvm/store", 1 },
		{ "store", 1 },
		{ "store:default", 1 },
		{ "store:other", 0 },
		{ "tore", 0 },
		{ "svc:/xvm/store", 0 },
		{ "svc:/system/xvm/store:other", 0 },
		{ "*store*", 1 },
		{ "svc:/system/*", 1 },
		{ "system/xvm/s?ore:default", 1 },
		{ "xvmd", 0 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(fmri_match(cases[i].pat, "system/xvm/store",
		    "default"), cases[i].want);
	assert_true(fmri_match_service("xvm/store", "system/xvm/store"));
	assert_false(fmri_match_service("xvm/store:default",
	    "system/xvm/store"));
}

static void
test_names(void **state)
{
	char	 buf[64];

	(void)state;
	assert_true(fmri_valid_service("a/b"));
	assert_false(fmri_valid_service(""));
	assert_false(fmri_valid_service("a:b"));
	assert_true(fmri_valid_instance("default"));
	assert_false(fmri_valid_instance("a/b"));
	assert_int_equal(fmri_format(buf, sizeof(buf), "a/b", "c"), 0);
	assert_string_equal(buf, "svc:/a/b:c");
	assert_int_equal(fmri_format(buf, sizeof(buf), "a/b", ""), 0);
	assert_string_equal(buf, "svc:/a/b");
	assert_int_equal(fmri_format(buf, 4, "a/b", "c"), -1);

	assert_string_equal(smf_state_name(SMF_MAINT), "maintenance");
	assert_string_equal(smf_state_name(SMF_NONE), "-");
	assert_string_equal(smf_state_abbrev(SMF_DEGRADED), "DGD");
	assert_int_equal(smf_state_parse("degraded"), SMF_DEGRADED);
	assert_int_equal(smf_state_parse("mnt"), SMF_MAINT);
	assert_int_equal(smf_state_parse("bogus"), -1);
	assert_int_equal(smf_log_name(buf, sizeof(buf), "system/xvm/store",
	    "default"), 0);
	assert_string_equal(buf, "system-xvm-store:default.log");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
