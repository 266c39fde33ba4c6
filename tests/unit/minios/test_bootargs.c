/* guest/minios/bootargs.c: a table of command lines and what they set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "guest/minios/bootargs.h"

struct bcase {
	const char	*line;
	int		 ok;
	enum workload	 wl;
	uint32_t	 dirty, hz, ticks, poweroff, selfcheck_mib;
	int		 selfcheck_boot;
	const char	*err;
};

static const struct bcase cases[] = {
	{ "", 1, WL_IDLE, 0, 10, 0, 0, 0, 0, NULL },
	{ "idle", 1, WL_IDLE, 0, 10, 0, 0, 0, 0, NULL },
	{ "  cpu\thz=100 ", 1, WL_CPU, 0, 100, 0, 0, 0, 0, NULL },
	{ "dirty=16", 1, WL_DIRTY, 16, 10, 0, 0, 0, 0, NULL },
	{ "console=hvc0 earlycon=sbi dirty=4 ticks=5", 1, WL_DIRTY, 4, 10, 5,
	  0, 0, 0, NULL },
	{ "selfcheck", 1, WL_IDLE, 0, 10, 0, 0, 0, 1, NULL },
	{ "selfcheck=8 poweroff=3", 1, WL_IDLE, 0, 10, 0, 3, 8, 1, NULL },
	{ "dirty=16 idle", 1, WL_IDLE, 16, 10, 0, 0, 0, 0, NULL },
	{ "cpux dirtyish=3", 1, WL_IDLE, 0, 10, 0, 0, 0, 0, NULL },
	{ "dirty=lots", 0, WL_IDLE, 0, 10, 0, 0, 0, 0,
	  "bootargs: dirty=lots: want a number from 1 to 65536" },
	{ "cpu dirty=0", 0, WL_IDLE, 0, 10, 0, 0, 0, 0,
	  "bootargs: dirty=0: want a number from 1 to 65536" },
	{ "hz=1001", 0, WL_IDLE, 0, 10, 0, 0, 0, 0,
	  "bootargs: hz=1001: want a number from 1 to 1000" },
	{ "poweroff", 0, WL_IDLE, 0, 10, 0, 0, 0, 0,
	  "bootargs: poweroff: want a number from 1 to 86400" },
	{ "dirty=99999999999", 0, WL_IDLE, 0, 10, 0, 0, 0, 0,
	  "bootargs: dirty=99999999999: want a number from 1 to 65536" },
	{ "hz=-1", 0, WL_IDLE, 0, 10, 0, 0, 0, 0,
	  "bootargs: hz=-1: want a number from 1 to 1000" },
};

static void
test_table(void **state)
{
	struct bootargs ba;
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bcase *c = &cases[i];

		print_message("bootargs \"%s\"\n", c->line);
		bootargs_defaults(&ba);
		err[0] = '\0';
		assert_int_equal(bootargs_parse(&ba, c->line, err, sizeof(err)),
		    c->ok ? 0 : -1);
		assert_int_equal(ba.workload, c->wl);
		assert_int_equal(ba.dirty_mib, c->dirty);
		assert_int_equal(ba.hz, c->hz);
		assert_int_equal(ba.tick_every, c->ticks);
		assert_int_equal(ba.poweroff_after, c->poweroff);
		assert_int_equal(ba.selfcheck_mib, c->selfcheck_mib);
		assert_int_equal(ba.selfcheck_boot, c->selfcheck_boot);
		if (c->err != NULL)
			assert_string_equal(err, c->err);
	}
}

/* Tickless by default; `periodic` asks for the old every-tick interrupt. */
static void
test_periodic(void **state)
{
	struct bootargs ba;
	char err[128];

	(void)state;
	bootargs_defaults(&ba);
	assert_int_equal(bootargs_parse(&ba, "idle hz=100", err, sizeof(err)),
	    0);
	assert_int_equal(ba.periodic, 0);
	assert_int_equal(bootargs_parse(&ba, "idle periodic", err,
	    sizeof(err)), 0);
	assert_int_equal(ba.periodic, 1);
	assert_int_equal(ba.workload, WL_IDLE);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(workload_name(WL_IDLE), "idle");
	assert_string_equal(workload_name(WL_CPU), "cpu");
	assert_string_equal(workload_name(WL_DIRTY), "dirty");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_periodic),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
