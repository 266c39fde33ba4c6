/*
 * The mini-OS as a PV domain of xvm-hypervisor: booted through libxc with
 * its device tree and rings, its console read from the console ring, its
 * xenbus answered on the xenstore ring (pvdom.c), and every control/
 * request checked for its effect: the shutdown reason the hypervisor
 * records, the self-check result written back (and unchanged across
 * pause/unpause under the dirty workload), the sysrq report.
 *
 * usage: test_pv XVM_HYPERVISOR MINIOS_ELF  (skips, status 77, when the
 * hypervisor binary has no daemon mode to serve privcmd)
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "guest/minios/selfcheck.h"
#include "pvdom.h"

#define BOOT_MS		60000	/* the machine is shared: be patient */

static const char *elf;

static struct pvguest *
boot(unsigned vcpus, const char *args)
{
	struct pvguest *g = calloc(1, sizeof(*g));
	char want[64];

	assert_non_null(g);
	assert_int_equal(pvguest_boot(g, elf, vcpus, 64, args), 0);
	snprintf(want, sizeof(want), "xenbus: domain %u, name minios-pv",
	    g->domid);
	if (!pvguest_wait_console(g, want, BOOT_MS)) {
		print_message("console so far:\n%s\n", g->console);
		fail_msg("no \"%s\" on the console ring", want);
	}
	return g;
}

static void
done(struct pvguest *g)
{
	pvguest_destroy(g);
	free(g);
}

static void
test_xenbus_identity(void **state)
{
	struct pvguest *g;
	char want[64];

	(void)state;
	g = boot(1, "idle ticks=1");
	snprintf(want, sizeof(want), "xenbus: /local/domain/%u/name",
	    g->domid);
	assert_true(pvguest_wait_console(g, want, BOOT_MS));
	/* A newline reaches the console ring as CR LF (waited for whole:
	 * the line and its CR LF are two puts into the ring). */
	assert_true(pvguest_wait_console(g, "tick 10\r\n", BOOT_MS));
	assert_true(pvguest_watched(g, "control/shutdown"));
	assert_true(pvguest_watched(g, "control/sysrq"));
	assert_true(pvguest_watched(g, "control/selfcheck"));
	assert_string_equal(pvguest_read(g, "control/feature-poweroff"), "1");
	assert_string_equal(pvguest_read(g, "control/feature-reboot"), "1");
	done(g);
}

static void
test_selfcheck(void **state)
{
	struct pvguest *g;
	unsigned long base, size;
	char sum[17];
	const char *v;
	uint64_t want;

	(void)state;
	g = boot(1, "idle selfcheck=2");
	pvguest_write(g, "control/selfcheck", "1");
	v = pvguest_wait_node(g, "data/selfcheck", BOOT_MS);
	assert_non_null(v);
	print_message("data/selfcheck = %s\n", v);
	assert_int_equal(sscanf(v, "base %lx size %lx checksum %16s ok", &base,
	    &size, sum), 3);
	assert_int_equal(size, 2 << 20);
	want = selfcheck_expected(base, size);
	assert_int_equal(strtoull(sum, NULL, 16), want);
	assert_non_null(strstr(v, " ok"));
	/* The request was taken: the node is empty again. */
	assert_string_equal(pvguest_read(g, "control/selfcheck"), "");
	done(g);
}

/* The self-check must not change across pause/unpause, while the dirty
 * workload rewrites other memory all along. */
static void
test_selfcheck_pause(void **state)
{
	struct pvguest *g;
	char first[128];
	const char *v;

	(void)state;
	g = boot(1, "dirty=4 wss=8 ticks=0");
	pvguest_write(g, "control/selfcheck", "1");
	v = pvguest_wait_node(g, "data/selfcheck", BOOT_MS);
	assert_non_null(v);
	snprintf(first, sizeof(first), "%s", v);
	assert_non_null(strstr(first, " ok"));
	assert_int_equal(xc_domain_pause(g->xch, g->domid), 0);
	usleep(300 * 1000);
	assert_int_equal(xc_domain_unpause(g->xch, g->domid), 0);
	pvguest_write(g, "data/selfcheck", "");
	pvguest_write(g, "control/selfcheck", "2");
	v = pvguest_wait_node(g, "data/selfcheck", BOOT_MS);
	assert_non_null(v);
	assert_string_equal(v, first);
	done(g);
}

static void
test_sysrq(void **state)
{
	struct pvguest *g;

	(void)state;
	g = boot(2, "idle");
	assert_true(pvguest_wait_console(g, "smp: 2 vCPUs online", BOOT_MS));
	pvguest_write(g, "control/sysrq", "t");
	assert_true(pvguest_wait_console(g, "sysrq: cpu1 hart 1 online",
	    BOOT_MS));
	assert_string_equal(pvguest_read(g, "control/sysrq"), "");
	done(g);
}

/*
 * Tickless idle: with no report, poweroff or reboot due the boot vCPU
 * arms no timer and takes no timer interrupt; `periodic` ticks as before.
 */
static void
test_tickless(void **state)
{
	struct pvguest *g;
	const char *p;
	unsigned long ticks = 99;

	(void)state;
	g = boot(1, "idle ticks=0 hz=100");
	assert_true(pvguest_wait_console(g, "workload: idle", BOOT_MS));
	usleep(300 * 1000);
	pvguest_write(g, "control/sysrq", "t");
	assert_true(pvguest_wait_console(g, " loops ", BOOT_MS));
	p = strstr(g->console, "sysrq: cpu0 hart 0 online ticks ");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "sysrq: cpu0 hart 0 online ticks %lu",
	    &ticks), 1);
	assert_int_equal(ticks, 0);
	done(g);

	g = boot(1, "idle ticks=0 hz=100 periodic");
	assert_true(pvguest_wait_console(g, "workload: idle", BOOT_MS));
	usleep(300 * 1000);
	pvguest_write(g, "control/sysrq", "t");
	assert_true(pvguest_wait_console(g, " loops ", BOOT_MS));
	p = strstr(g->console, "sysrq: cpu0 hart 0 online ticks ");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "sysrq: cpu0 hart 0 online ticks %lu",
	    &ticks), 1);
	assert_true(ticks > 0);
	done(g);
}

static void
test_smp(void **state)
{
	struct pvguest *g;

	(void)state;
	g = boot(4, "cpu ticks=1");
	assert_true(pvguest_wait_console(g, "smp: 4 vCPUs online", BOOT_MS));
	assert_true(pvguest_wait_console(g, "cpu3: ", BOOT_MS));
	done(g);
	g = boot(8, "cpu ticks=1");
	assert_true(pvguest_wait_console(g, "smp: 8 vCPUs online", BOOT_MS));
	assert_true(pvguest_wait_console(g, "cpu7: ", BOOT_MS));
	done(g);
}

/* Console input: echoed, and a line runs a shell command; xs commands
 * reach this file's store end. */
static void
test_console_input(void **state)
{
	struct pvguest *g;

	(void)state;
	g = boot(1, "idle ticks=0");
	pvguest_type(g, "hello");
	assert_true(pvguest_wait_console(g, "hello", BOOT_MS));
	pvguest_type(g, "\x7f\x7f\x7f\x7f\x7f" "nonsense\r");
	assert_true(pvguest_wait_console(g, "shell: nonsense: unknown command",
	    BOOT_MS));
	assert_null(strstr(g->console, "shell: hello"));
	pvguest_type(g, "s\r");
	assert_true(pvguest_wait_console(g, "selfcheck: console: base ",
	    BOOT_MS));
	pvguest_type(g, "xs write data/typed yes it is\r");
	assert_true(pvguest_wait_console(g, "xs: write data/typed: ok",
	    BOOT_MS));
	assert_string_equal(pvguest_read(g, "data/typed"), "yes it is");
	/* A request three times the ring: this store end kicks the guest
	 * each time it consumes, so the guest's waits for room end at once
	 * (a stall is a wait that ran out its 10 ms). */
	pvguest_type(g, "xs big data/big 3000\r");
	assert_true(pvguest_wait_console(g, "xs: big data/big 3000: ok, ",
	    BOOT_MS));
	{
		const char *p = strstr(g->console, "xs: big data/big 3000: ok, ");
		unsigned long stalls = 99;

		assert_int_equal(sscanf(p, "xs: big data/big 3000: ok, %lu",
		    &stalls), 1);
		assert_true(stalls <= 1);
	}
	pvguest_type(g, "xs read data/nothing\r");
	assert_true(pvguest_wait_console(g, "xs: read data/nothing: ENOENT",
	    BOOT_MS));
	done(g);
}

/* control/shutdown values and the reason the hypervisor must record. */
static const struct {
	const char	*request;
	unsigned	 reason;	/* Xen's SHUTDOWN_* */
} shutdowns[] = {
	{ "poweroff", 0 },
	{ "reboot", 1 },
	{ "halt", 0 },
	{ "suspend", 2 },
};

static void
test_shutdown(void **state)
{
	struct pvguest *g;
	unsigned reason, i;
	char want[64];

	(void)state;
	for (i = 0; i < sizeof(shutdowns) / sizeof(shutdowns[0]); i++) {
		print_message("control/shutdown = %s\n", shutdowns[i].request);
		g = boot(1, "idle");
		/* Nonsense first: logged, ignored, the domain runs on. */
		pvguest_write(g, "control/shutdown", "dance");
		assert_true(pvguest_wait_console(g,
		    "unknown shutdown request \"dance\" ignored", BOOT_MS));
		assert_false(pvguest_wait_shutdown(g, 500, &reason));
		pvguest_write(g, "control/shutdown", shutdowns[i].request);
		assert_true(pvguest_wait_shutdown(g, BOOT_MS, &reason));
		assert_int_equal(reason, shutdowns[i].reason);
		snprintf(want, sizeof(want), "control: shutdown request \"%s\"",
		    shutdowns[i].request);
		assert_non_null(strstr(g->console, want));
		assert_string_equal(pvguest_read(g, "control/shutdown"), "");
		done(g);
	}
}

static void
test_crash(void **state)
{
	struct pvguest *g = calloc(1, sizeof(*g));
	unsigned reason;

	(void)state;
	assert_non_null(g);
	assert_int_equal(pvguest_boot(g, elf, 1, 64, "crash"), 0);
	assert_true(pvguest_wait_shutdown(g, BOOT_MS, &reason));
	assert_int_equal(reason, 3);	/* SHUTDOWN_crash */
	done(g);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xenbus_identity),
		cmocka_unit_test(test_selfcheck),
		cmocka_unit_test(test_selfcheck_pause),
		cmocka_unit_test(test_sysrq),
		cmocka_unit_test(test_tickless),
		cmocka_unit_test(test_smp),
		cmocka_unit_test(test_console_input),
		cmocka_unit_test(test_shutdown),
		cmocka_unit_test(test_crash),
	};
	struct pvd d;
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: test_pv XVM_HYPERVISOR MINIOS_ELF\n");
		return 2;
	}
	elf = argv[2];
	if (pvd_start(&d, argv[1], 2) == -1) {
		printf("SKIP: %s does not serve privcmd (no daemon mode)\n",
		    argv[1]);
		pvd_stop(&d);
		return 77;
	}
	r = cmocka_run_group_tests(tests, NULL, NULL);
	pvd_stop(&d);
	return r;
}
