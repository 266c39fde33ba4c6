/* Unit tests for xvmd/xendconf.c: xend's settings, from a file and from SMF. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xvmd/xendconf.h"

static void
test_defaults(void **state)
{
	struct xendconf	 xc;

	(void)state;
	xendconf_defaults(&xc);
	assert_int_equal(xendconf_int(&xc, XC_RELOC_PORT), 8002);
	assert_false(xendconf_bool(&xc, XC_RELOC_SERVER));
	assert_true(xendconf_bool(&xc, XC_UNIX_SERVER));
	assert_int_equal(xendconf_int(&xc, XC_DOM0_MIN_MEM), 196);
	assert_string_equal(xendconf_str(&xc, XC_VNC_LISTEN), "127.0.0.1");
	assert_string_equal(xendconf_str(&xc, XC_RELOC_HOSTS_ALLOW),
	    "^localhost$ ^localhost\\.localdomain$");
	assert_string_equal(xc.source[XC_RELOC_PORT], "default");
	/* TLS by default, unlike xend; its ports as xend's. */
	assert_true(xendconf_bool(&xc, XC_RELOC_SSL_SERVER));
	assert_true(xendconf_bool(&xc, XC_RELOC_SSL));
	assert_int_equal(xendconf_int(&xc, XC_RELOC_SSL_PORT), 8003);
	assert_int_equal(xendconf_int(&xc, XC_RELOC_DOWNTIME), 300);
	assert_string_equal(xendconf_str(&xc, XC_RELOC_CA), "");
	xendconf_clear(&xc);
}

static void
test_file_text(void **state)
{
	const char	*text =
	    "# xend-config.sxp\n"
	    "(xend-relocation-server yes)\n"
	    "  (xend-relocation-port 8102)   # trailing\n"
	    "(xend-relocation-hosts-allow '^a$ ^b\\\\.c$')\n"
	    "(vncpasswd \"\")\n";
	struct xendconf	 xc;
	char		*cause = NULL;

	(void)state;
	xendconf_defaults(&xc);
	assert_int_equal(xendconf_load_text(&xc, "x.sxp", text, &cause), 0);
	assert_true(xendconf_bool(&xc, XC_RELOC_SERVER));
	assert_int_equal(xendconf_int(&xc, XC_RELOC_PORT), 8102);
	assert_string_equal(xendconf_str(&xc, XC_RELOC_HOSTS_ALLOW),
	    "^a$ ^b\\.c$");
	assert_string_equal(xendconf_str(&xc, XC_VNCPASSWD), "");
	assert_string_equal(xc.source[XC_RELOC_PORT], "x.sxp");
	assert_string_equal(xc.source[XC_DOM0_MIN_MEM], "default");
	xendconf_clear(&xc);
}

static const struct {
	const char	*text;
	const char	*error;
} bad[] = {
	{ "(xend-relocation-port 8003)\n(bogus 1)\n",
	    "x.sxp:2: unknown setting 'bogus'" },
	{ "(xend-relocation-port 0)\n",
	    "x.sxp:1: xend-relocation-port: '0' is not an integer from 1 to 65535" },
	{ "(enable-dump maybe)\n",
	    "x.sxp:1: enable-dump: 'maybe' is not yes or no" },
	{ "\n\nxend-relocation-port 8003\n", "x.sxp:3: expected '(name value)'" },
	{ "(xend-relocation-port 8003\n", "x.sxp:1: expected '(name value)'" },
	{ "(vnc-listen 'open\n", "x.sxp:1: expected '(name value)'" },
};

static void
test_errors_change_nothing(void **state)
{
	struct xendconf	 xc;
	char		*cause;
	size_t		 i;

	(void)state;
	xendconf_defaults(&xc);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cause = NULL;
		assert_int_equal(xendconf_load_text(&xc, "x.sxp", bad[i].text,
		    &cause), -1);
		if (cause == NULL || strcmp(cause, bad[i].error) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i,
			    cause ? cause : "(null)", bad[i].error);
		free(cause);
		/* The first line of case 0 was good, but nothing applies. */
		assert_int_equal(xendconf_int(&xc, XC_RELOC_PORT), 8002);
	}
	xendconf_clear(&xc);
}

static void
test_svcprop(void **state)
{
	const char	*out =
	    "config/xend-relocation-port count 8300\n"
	    "config/xend-relocation-server boolean true\n"
	    "config/vncpasswd astring \"\"\n"
	    "config/xend-relocation-hosts-allow astring ^a$\\ ^b\\\\.c$\n"
	    "config/some-newer-property astring x\n"
	    "general/enabled boolean true\n";
	struct xendconf	 xc;
	char		*cause = NULL;

	(void)state;
	xendconf_defaults(&xc);
	assert_int_equal(xendconf_load_svcprop(&xc, out, &cause), 0);
	assert_int_equal(xendconf_int(&xc, XC_RELOC_PORT), 8300);
	assert_true(xendconf_bool(&xc, XC_RELOC_SERVER));
	assert_string_equal(xendconf_str(&xc, XC_VNCPASSWD), "");
	assert_string_equal(xc.source[XC_RELOC_PORT], "smf");
	assert_string_equal(xendconf_str(&xc, XC_RELOC_HOSTS_ALLOW),
	    "^a$ ^b\\.c$");
	assert_int_equal(xendconf_load_svcprop(&xc,
	    "config/dom0-min-mem count 512\n"
	    "config/xend-relocation-port count nope\n", &cause), -1);
	assert_non_null(strstr(cause, "xend-relocation-port: 'nope'"));
	assert_int_equal(xendconf_int(&xc, XC_DOM0_MIN_MEM), 196);
	free(cause);
	xendconf_clear(&xc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_file_text),
		cmocka_unit_test(test_errors_change_nothing),
		cmocka_unit_test(test_svcprop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
