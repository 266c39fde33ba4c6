/*
 * The mini-OS against the real stack: xvm-hypervisor and xenstored in a
 * private root, the domain built by xc_dom_build and introduced to the
 * store over its real ring (stackdom.c).  The guest is driven through its
 * PV console (keys typed into the input ring, its `xs` shell commands) and
 * through the store (control/ nodes, as a toolstack does), and every
 * check reads an effect from outside: a console line, a node as dom0 sees
 * it, the shutdown reason the hypervisor records.
 *
 * usage: test_store XVM_HYPERVISOR XENSTORED MINIOS_ELF [only:CASE|skip:CASE]
 */
#include <errno.h>
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
#include "stackdom.h"
#include "storecase.h"


const char *elf;

void
expect(struct sguest *g, const char *text)
{
	if (!sguest_wait(g, text, BOOT_MS)) {
		print_message("console since the mark:\n%s\n",
		    g->console + g->mark);
		fail_msg("no \"%s\" on the console", text);
	}
}

/* Types a command line and waits for the line it must print. */
void
cmd(struct sguest *g, const char *line, const char *want)
{
	char keys[256];

	sguest_mark(g);
	snprintf(keys, sizeof(keys), "%s\r", line);
	assert_int_equal(sguest_type(g, keys), 0);
	expect(g, want);
}

struct sguest *
boot(unsigned vcpus, const char *args)
{
	struct sguest *g = calloc(1, sizeof(*g));
	char want[64];

	assert_non_null(g);
	if (sguest_boot(g, elf, vcpus, 64, args, NAME) != 0)
		fail_msg("booting the domain failed (see above)");
	snprintf(want, sizeof(want), "xenbus: domain %u, name %s", g->domid,
	    NAME);
	expect(g, want);
	expect(g, "workload: ");
	return g;
}

void
done(struct sguest *g)
{
	sguest_destroy(g);
	free(g);
}

void
assert_node(struct sguest *g, const char *path, const char *want)
{
	char *v = sguest_read(g, path);

	if (v == NULL)
		fail_msg("reading %s: %s", path, strerror(errno));
	if (strcmp(v, want) != 0)
		fail_msg("%s is \"%s\", want \"%s\"", path, v, want);
	free(v);
}

void
assert_no_node(struct sguest *g, const char *path)
{
	char *v = sguest_read(g, path);

	if (v != NULL)
		fail_msg("%s exists (\"%s\")", path, v);
	assert_int_equal(errno, ENOENT);
}

/* It reads its own entries, prints them, and writes what dom0 reads. */
static void
test_identity(void **state)
{
	struct sguest *g;
	char want[96];

	(void)state;
	g = boot(1, "idle ticks=0");
	snprintf(want, sizeof(want), "xenbus: /local/domain/%u/name", g->domid);
	assert_non_null(strstr(g->console, want));
	snprintf(want, sizeof(want), "xenbus: /local/domain/%u/domid",
	    g->domid);
	assert_non_null(strstr(g->console, want));
	cmd(g, "xs read name", "xs: read name = \"" NAME "\"");
	snprintf(want, sizeof(want), "xs: read domid = \"%u\"", g->domid);
	cmd(g, "xs read domid", want);
	cmd(g, "xs write data/greeting hello from the guest",
	    "xs: write data/greeting: ok");
	assert_node(g, "data/greeting", "hello from the guest");
	assert_node(g, "control/feature-poweroff", "1");
	assert_node(g, "control/feature-suspend", "1");
	cmd(g, "xs ls control", "xs: ls control: ");
	assert_non_null(strstr(g->console + g->mark, "feature-reboot"));
	done(g);
}

/* Writes outside what the guest owns get EACCES, and change nothing. */
static void
test_permissions(void **state)
{
	struct xs_permissions other[1] = { { 0, XS_PERM_NONE } };
	struct sguest *g;
	char line[160], want[160], odata[64];
	static const char *const denied[] = {
		"/tool/minios-test/x", "/local/domain/0/x", "name",
		NULL,	/* another domain's subtree, filled in below */
	};

	(void)state;
	g = boot(1, "idle ticks=0");
	/* Another domain's subtree, owned by dom0 as xvmd leaves it (the
	 * store refuses an owner that does not exist, as Xen's does). */
	other[0].id = 0;
	snprintf(odata, sizeof(odata), "/local/domain/%u/data",
	    g->domid + 100);
	assert_true(xs_write(g->xs, XBT_NULL, "/tool/minios-test/keep", "1",
	    1));
	assert_true(xs_write(g->xs, XBT_NULL, odata, "", 0));
	assert_true(xs_set_permissions(g->xs, XBT_NULL, odata, other, 1));
	assert_true(xs_write(g->xs, XBT_NULL, "/local/domain/0/keep", "1", 1));
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		char path[96];

		snprintf(path, sizeof(path), "%s",
		    denied[i] != NULL ? denied[i] : odata);
		if (denied[i] == NULL)
			strncat(path, "/x", sizeof(path) - strlen(path) - 1);
		snprintf(line, sizeof(line), "xs write %s evil", path);
		snprintf(want, sizeof(want), "xs: write %s: EACCES", path);
		cmd(g, line, want);
	}
	/* Nor may it read another domain's nodes, or list dom0's. */
	snprintf(line, sizeof(line), "xs read %s", odata);
	snprintf(want, sizeof(want), "xs: read %s: EACCES", odata);
	cmd(g, line, want);
	cmd(g, "xs write data/mine 1", "xs: write data/mine: ok");
	assert_no_node(g, "/tool/minios-test/x");
	assert_no_node(g, "/local/domain/0/x");
	assert_node(g, "name", NAME);
	snprintf(line, sizeof(line), "%s/x", odata);
	assert_no_node(g, line);
	assert_node(g, "data/mine", "1");
	done(g);
}

/* Nodes used by domid, from the store's CONTROL quota report. */
static unsigned
nodes_used(struct sguest *g)
{
	char q[16], *r, *p;
	unsigned n = 0;

	snprintf(q, sizeof(q), "%u", g->domid);
	r = xs_control_command(g->xs, "quota", q, (unsigned)strlen(q) + 1);
	if (r == NULL)
		fail_msg("CONTROL quota %s: %s", q, strerror(errno));
	p = strstr(r, "nodes");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "nodes : %u", &n), 1);
	free(r);
	return n;
}

static void
set_quota(struct sguest *g, const char *name, unsigned v)
{
	char arg[64], *r;
	size_t l;

	/* CONTROL's arguments: NUL-separated words. */
	l = (size_t)snprintf(arg, sizeof(arg), "set%c%s%c%u", 0, name, 0, v);
	r = xs_control_command(g->xs, "quota", arg, (unsigned)l + 1);
	if (r == NULL)
		fail_msg("CONTROL quota set %s %u: %s", name, v,
		    strerror(errno));
	free(r);
}

/* A small nodes quota stops the guest's writes at exactly the limit. */
static void
test_quota(void **state)
{
	struct sguest *g;
	unsigned used, after, limit;
	char want[96];

	(void)state;
	g = boot(1, "idle ticks=0");
	used = nodes_used(g);
	limit = used + 5;
	set_quota(g, "nodes", limit);
	/* data/q and data/q/0 .. data/q/3 fit; data/q/4 is one too many. */
	snprintf(want, sizeof(want), "xs: fill data/q: %u of 20 created, then "
	    "ENOSPC", limit - used - 1);
	cmd(g, "xs fill data/q 20", want);
	after = nodes_used(g);
	set_quota(g, "nodes", 1000);
	assert_int_equal(after, limit);
	assert_node(g, "data/q/3", "x");
	assert_no_node(g, "data/q/4");
	/* The default back: the guest writes again. */
	cmd(g, "xs write data/q/4 x", "xs: write data/q/4: ok");
	done(g);
}

/* A watch the guest sets fires in the guest when dom0 writes. */
static void
test_watch(void **state)
{
	struct sguest *g;

	(void)state;
	g = boot(1, "idle ticks=0");
	cmd(g, "xs watch data/w", "xs: watch data/w: ok");
	sguest_mark(g);
	assert_int_equal(sguest_write(g, "data/w/x", "1"), 0);
	expect(g, "xs: event data/w/x");
	cmd(g, "xs unwatch data/w", "xs: unwatch data/w: ok");
	sguest_mark(g);
	assert_int_equal(sguest_write(g, "data/w/y", "1"), 0);
	assert_false(sguest_wait(g, "xs: event data/w/y", 1000));
	done(g);
}

/* The guest's transactions commit, and one that lost to a dom0 write gets
 * EAGAIN and commits when retried. */
static void
test_transaction(void **state)
{
	struct sguest *g;

	(void)state;
	g = boot(1, "idle ticks=0");
	assert_int_equal(sguest_write(g, "data/t", "5"), 0);
	cmd(g, "xs tx data/t", "xs: tx data/t: committed \"6\" after 1 attempt");
	assert_node(g, "data/t", "6");
	cmd(g, "xs tx data/t wait", "xs: tx data/t: attempt 1 read \"6\"; "
	    "waiting for a change");
	assert_int_equal(sguest_write(g, "data/t", "10"), 0);
	expect(g, "xs: tx data/t: attempt 1: EAGAIN; retrying");
	expect(g, "xs: tx data/t: committed \"11\" after 2 attempts");
	assert_node(g, "data/t", "11");
	done(g);
}

static void
test_sysrq(void **state)
{
	struct sguest *g;

	(void)state;
	g = boot(1, "idle ticks=0");
	sguest_mark(g);
	assert_int_equal(sguest_write(g, "control/sysrq", "m"), 0);
	expect(g, "sysrq: 'm'");
	expect(g, " pages free");
	assert_node(g, "control/sysrq", "");
	sguest_mark(g);
	assert_int_equal(sguest_write(g, "control/sysrq", "o"), 0);
	{
		unsigned reason;

		assert_true(sguest_wait_shutdown(g, BOOT_MS, &reason));
		assert_int_equal(reason, 0);
	}
	done(g);
}

/* Keys typed into the console's input ring are echoed; a line runs. */
static void
test_console_input(void **state)
{
	struct sguest *g;
	unsigned long base, size;
	char sum[17];
	const char *p;

	(void)state;
	g = boot(1, "idle ticks=0 selfcheck=1");
	sguest_mark(g);
	assert_int_equal(sguest_type(g, "typed keys"), 0);
	expect(g, "typed keys");
	/* Rub-out, then the rest of the line, then CR runs it. */
	assert_int_equal(sguest_type(g, "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f"
	    "\x7f\x7f" "bogus\r"), 0);
	expect(g, "shell: bogus: unknown command");
	cmd(g, "s", "selfcheck: console: ");
	expect(g, " ok");
	p = strstr(g->console + g->mark, "selfcheck: console: ");
	assert_int_equal(sscanf(p, "selfcheck: console: base %lx size %lx "
	    "checksum %16s", &base, &size, sum), 3);
	assert_int_equal(size, 1 << 20);
	assert_int_equal(strtoull(sum, NULL, 16),
	    selfcheck_expected(base, size));
	cmd(g, "help", "shell: s self-check");
	done(g);
}

/* Eight vCPUs come up and each reports from its own hart. */
static void
test_smp8(void **state)
{
	struct sguest *g;

	(void)state;
	g = boot(8, "idle ticks=0");
	expect(g, "smp: 8 vCPUs online");
	cmd(g, "t", "sysrq: cpu7 hart 7 online");
	for (int i = 0; i < 7; i++) {
		char want[48];

		snprintf(want, sizeof(want), "sysrq: cpu%d hart %d online", i,
		    i);
		assert_non_null(strstr(g->console + g->mark, want));
	}
	done(g);
}

/* The self-check through the store, unchanged across pause/unpause while
 * the dirty workload rewrites other memory on 2 vCPUs. */
static void
test_selfcheck_pause(void **state)
{
	struct sguest *g;
	char *first, *second;

	(void)state;
	g = boot(2, "dirty=4 wss=8 ticks=0");
	assert_int_equal(sguest_write(g, "control/selfcheck", "1"), 0);
	first = sguest_wait_node(g, "data/selfcheck", BOOT_MS);
	assert_non_null(first);
	assert_non_null(strstr(first, " ok"));
	assert_int_equal(xc_domain_pause(g->xch, g->domid), 0);
	usleep(300 * 1000);
	assert_int_equal(xc_domain_unpause(g->xch, g->domid), 0);
	assert_int_equal(sguest_write(g, "data/selfcheck", ""), 0);
	assert_int_equal(sguest_write(g, "control/selfcheck", "2"), 0);
	second = sguest_wait_node(g, "data/selfcheck", BOOT_MS);
	assert_non_null(second);
	assert_string_equal(first, second);
	free(first);
	free(second);
	done(g);
}

/* The ring's reconnection handshake with the real store: the guest's
 * watches are set again and control/shutdown still works. */
static void
test_reconnect(void **state)
{
	struct sguest *g;
	unsigned reason;
	char want[64];

	(void)state;
	g = boot(1, "idle ticks=0");
	cmd(g, "xs reconnect", "xs: reconnect: ok");
	snprintf(want, sizeof(want), "xs: read domid = \"%u\"", g->domid);
	cmd(g, "xs read domid", want);
	assert_int_equal(sguest_write(g, "control/shutdown", "poweroff"), 0);
	assert_true(sguest_wait_shutdown(g, BOOT_MS, &reason));
	assert_int_equal(reason, 0);
	done(g);
}

/*
 * A ring found mid-reconnection at boot (connection = 1, set by someone
 * else: xenstore-ring.txt's dom0less case) is left alone until the store
 * sets it back to 0 — here when the domain is introduced, late.
 */
static void
test_reconnecting_at_boot(void **state)
{
	struct sguest *g = calloc(1, sizeof(*g));
	char want[64];

	(void)state;
	assert_non_null(g);
	if (sguest_boot_reconnecting(g, elf, 1, 64, "idle ticks=0", NAME) != 0)
		fail_msg("booting the domain failed (see above)");
	expect(g, "xenbus: the ring is being reconnected; waiting");
	/* Nothing reaches the store while the guest waits. */
	assert_false(sguest_wait(g, "xenbus: domain ", 1000));
	assert_int_equal(sguest_introduce(g), 0);
	snprintf(want, sizeof(want), "xenbus: domain %u, name %s", g->domid,
	    NAME);
	expect(g, want);
	{
		char *v = sguest_wait_node(g, "control/feature-poweroff",
		    BOOT_MS);

		assert_non_null(v);
		assert_string_equal(v, "1");
		free(v);
	}
	done(g);
}

/*
 * A request three times the ring's size goes through the real ring, and
 * the value comes back whole in a reply as big (the guest must kick the
 * store as it consumes, or the store never writes the rest).  The store
 * must kick the guest as it consumes too; waits for room it did not end
 * (stalls) are printed, not asserted (a loaded host may delay a kick past
 * 10 ms): the deterministic check is tests/unit/minios/test_store_kick.c.
 */
static void
test_big_request(void **state)
{
	struct sguest *g;
	const char *p;
	unsigned long stalls = 99;
	char *v;

	(void)state;
	g = boot(1, "idle ticks=0");
	set_quota(g, "node-size", 8192);	/* Xen's default is 2048 */
	cmd(g, "xs big data/big 3500", "xs: big data/big 3500: ok, ");
	expect(g, " stalls");
	set_quota(g, "node-size", 2048);
	p = strstr(g->console + g->mark, "xs: big data/big 3500: ok, ");
	assert_int_equal(sscanf(p, "xs: big data/big 3500: ok, %lu", &stalls),
	    1);
	v = sguest_read(g, "data/big");
	assert_non_null(v);
	assert_int_equal(strlen(v), 3500);
	free(v);
	/* And a reply three times the ring back to the guest. */
	cmd(g, "xs size data/big", "xs: size data/big = 3500 bytes");
	print_message("waits for room the store did not end: %lu\n", stalls);
	done(g);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_quota),
		cmocka_unit_test(test_watch),
		cmocka_unit_test(test_transaction),
		cmocka_unit_test(test_shutdown),
		cmocka_unit_test(test_sysrq),
		cmocka_unit_test(test_console_input),
		cmocka_unit_test(test_smp8),
		cmocka_unit_test(test_selfcheck_pause),
		cmocka_unit_test(test_reconnect),
		cmocka_unit_test(test_reconnecting_at_boot),
		cmocka_unit_test(test_suspend_destroy),
		cmocka_unit_test(test_save_restore),
		cmocka_unit_test(test_suspend_cancel),
		cmocka_unit_test(test_big_request),
	};
	struct stack s;
	int r;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: test_store XVM_HYPERVISOR XENSTORED "
		    "MINIOS_ELF [only:CASE|skip:CASE]\n");
		return 2;
	}
	elf = argv[3];
	if (argc == 5 && strncmp(argv[4], "only:", 5) == 0)
		cmocka_set_test_filter(argv[4] + 5);
	else if (argc == 5 && strncmp(argv[4], "skip:", 5) == 0)
		cmocka_set_skip_filter(argv[4] + 5);
	else if (argc == 5) {
		fprintf(stderr, "test_store: %s: want only:CASE or skip:CASE\n",
		    argv[4]);
		return 2;
	}
	if (stack_start(&s, argv[1], argv[2], 2) == -1) {
		stack_stop(&s);
		return 1;
	}
	r = cmocka_run_group_tests(tests, NULL, NULL);
	stack_stop(&s);
	return r;
}
