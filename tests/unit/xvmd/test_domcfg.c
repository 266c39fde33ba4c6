/* Unit tests for xvmd/domcfg.c and devspec.c: settings, defaults, file:line errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/json.h"
#include "lib/uuid.h"
#include "xvmd/devspec.h"
#include "xvmd/domcfg.h"

#define BASE	"name = 'd1'\nkernel = '/k.elf'\n"

static struct domcfg *
parse(const char *text, char **cause)
{
	return domcfg_parse("d1.cfg", text, strlen(text), cause);
}

static void
test_defaults(void **state)
{
	struct domcfg	*dc;
	char		*cause;

	(void)state;
	assert_non_null(dc = parse(BASE, &cause));
	assert_string_equal(dc->name, "d1");
	assert_int_equal(dc->memory, 128);
	assert_int_equal(dc->maxmem, 128);
	assert_int_equal(dc->vcpus, 1);
	assert_true(dc->cpumask == UINT64_MAX);
	assert_int_equal(dc->cpu_weight, 256);
	assert_int_equal(dc->cpu_cap, 0);
	assert_false(dc->cpu_jit);
	assert_int_equal(dc->on_poweroff, ACTION_DESTROY);
	assert_int_equal(dc->on_reboot, ACTION_RESTART);
	assert_int_equal(dc->on_crash, ACTION_RESTART);
	assert_int_equal(dc->on_xend_start, XEND_START_IGNORE);
	assert_string_equal(dc->cmdline, "");
	assert_false(dc->has_uuid);
	domcfg_free(dc);
	domcfg_free(NULL);
}

static void
test_full(void **state)
{
	const char *text = BASE
	    "uuid = '3F2504E0-4F89-11D3-9A0C-0305E82C3301'\n"
	    "memory = 64\nmaxmem = 256\nvcpus = 4\ncpus = '0-3,^2'\n"
	    "cpu_weight = 512\ncpu_cap = 150\ncpu = 'jit'\n"
	    "root = '/dev/xvda1'\nextra = 'workload=cpu'\n"
	    "on_crash = 'preserve'\non_xend_stop = 'shutdown'\n"
	    "disk = ['file:/img/a.img,xvda,w', 'phy:/dev/sdb,hdc:cdrom,r']\n"
	    "vif = ['mac=00:16:3e:0a:0b:0c,bridge=xenbr0,model=e1000']\n";
	struct domcfg	*dc;
	struct json_w	*w;
	char		*cause, uuid[UUID_STR_LEN];
	const char	*json;

	(void)state;
	dc = parse(text, &cause);
	if (dc == NULL)
		fail_msg("%s", cause);
	uuid_format(dc->uuid, uuid);
	assert_string_equal(uuid, "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
	assert_int_equal(dc->maxmem, 256);
	assert_true(dc->cpumask == 0xb);
	assert_true(dc->cpu_jit);
	assert_string_equal(dc->cmdline, "root=/dev/xvda1 workload=cpu");
	assert_int_equal(dc->on_crash, ACTION_PRESERVE);
	assert_int_equal(dc->on_xend_stop, XEND_STOP_SHUTDOWN);
	assert_int_equal(dc->ndisks, 2);
	assert_string_equal(dc->disks[0].target, "/img/a.img");
	assert_true(dc->disks[0].writable);
	assert_int_equal(dc->disks[1].backend, DISK_PHY);
	assert_true(dc->disks[1].cdrom);
	assert_string_equal(dc->disks[1].vdev, "hdc");
	assert_int_equal(dc->nvifs, 1);
	assert_int_equal(dc->vifs[0].mac[5], 0x0c);
	assert_string_equal(dc->vifs[0].model, "e1000");

	assert_non_null(w = json_w_new(0));
	domcfg_to_json(dc, w);
	assert_non_null(json = json_w_finish(w, NULL));
	assert_non_null(strstr(json, "\"on_crash\":\"preserve\""));
	assert_non_null(strstr(json, "\"vdev\":\"hdc\""));
	assert_non_null(strstr(json, "\"cpu\":\"jit\""));
	assert_non_null(strstr(json, "\"mac\":\"00:16:3e:0a:0b:0c\""));
	json_w_free(w);
	domcfg_free(dc);
}

static const struct {
	const char	*text;
	const char	*error;
} bad[] = {
	{ BASE "memroy = 64\n", "d1.cfg:3: unknown setting 'memroy'" },
	/* The display (docs/vnc.md). */
	{ BASE "vfb = [ 'vnc=1,sdl=1' ]\n", "d1.cfg:3: sdl: not implemented (a window on the host's display): use vnc=1" },
	{ BASE "vfb = [ 'vnc=1', 'vnc=1' ]\n", "d1.cfg:3: more than one vfb" },
	{ BASE "vfb = [ 'vnc=2' ]\n", "d1.cfg:3: vnc = '2': expected 0 or 1" },
	{ BASE "vfb = [ 'vnc' ]\n", "d1.cfg:3: vfb 'vnc': 'vnc' is not KEY=VALUE" },
	{ BASE "vfb = [ 'vnc=1,colour=red' ]\n", "d1.cfg:3: unknown display setting 'colour'" },
	{ BASE "vncdisplay = 70000\n", "d1.cfg:3: vncdisplay = '70000': expected 0 to 59635" },
	{ BASE "vnclisten = 'example.org'\n", "d1.cfg:3: vnclisten = 'example.org': not an IPv4 or IPv6 address" },
	{ BASE "keymap = 'de'\n", "d1.cfg:3: keymap = 'de': not implemented (the keyboard is en-us)" },
	{ BASE "vfb = [ 'type=spice' ]\n", "d1.cfg:3: type = 'spice': expected vnc or sdl" },
	{ BASE "memory = '64'\n", "d1.cfg:3: memory must be an integer, not a string" },
	{ BASE "memory = 0\n", "d1.cfg:3: memory = 0 is below the minimum of 4 MiB" },
	/* Issue 13 item 18: limits the parser let through, named now. */
	{ BASE "memory = 2\n", "d1.cfg:3: memory = 2 is below the minimum of 4 MiB" },
	{ BASE "memory = 300000\n", "d1.cfg:3: memory = 300000 is more than the hypervisor's limit of 262144 MiB (256 GiB)" },
	{ BASE "maxmem = 262145\n", "d1.cfg:3: maxmem = 262145 is more than the hypervisor's limit of 262144 MiB (256 GiB)" },
	{ BASE "vcpus = 33\n", "d1.cfg:3: vcpus = 33 is out of range: a domain has 1 to 32 vCPUs (the hypervisor's limit)" },
	{ BASE "vcpus = 65\n", "d1.cfg:3: vcpus = 65 is out of range: a domain has 1 to 32 vCPUs (the hypervisor's limit)" },
	/* Issue 13 item 5: the all-zero UUID is Domain-0's. */
	{ BASE "uuid = '00000000-0000-0000-0000-000000000000'\n", "d1.cfg:3: uuid '00000000-0000-0000-0000-000000000000' is Domain-0's (all zeros)" },
	/* Issue 13 item 14: configs are UTF-8 text, checked with file:line. */
	{ BASE "extra = 'caf\xc3\xa9 \x81'\n", "d1.cfg:3: byte 0x81 is not UTF-8 (a config file is UTF-8 text)" },
	{ "name = 'x'; kernel = '/\x81'\n", "d1.cfg:1: byte 0x81 is not UTF-8 (a config file is UTF-8 text)" },
	{ BASE "\n# \xed\xa0\x80 a surrogate\n", "d1.cfg:4: byte 0xed is not UTF-8 (a config file is UTF-8 text)" },
	{ BASE "name = 'x'\n", "d1.cfg:3: 'name' is set twice (first at line 1)" },
	{ "name = '42'\nkernel = '/k'\n", "d1.cfg:1: name '42' is a number (it would read as a domain ID)" },
	{ "name = 'a b'\nkernel = '/k'\n", "d1.cfg:1: name 'a b' has a character other than letters, digits, '_', '.', '-', '+'" },
	{ "name = 'Domain-0'\nkernel = '/k'\n", "d1.cfg:1: name 'Domain-0' is reserved" },
	{ "kernel = '/k'\n", "d1.cfg: name is not set" },
	{ "name = 'x'\n", "d1.cfg: kernel is not set" },
	{ "name = 'x'\nkernel = 'rel/k'\n", "d1.cfg:2: kernel 'rel/k' must be an absolute path" },
	{ BASE "uuid = 'abc'\n", "d1.cfg:3: uuid 'abc' is not of the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" },
	{ BASE "memory = 64\nmaxmem = 32\n", "d1.cfg:4: maxmem (32) is less than memory (64)" },
	{ BASE "cpu_cap = 150\n", "d1.cfg:3: cpu_cap 150 is more than 100 (100 per vCPU)" },
	{ BASE "cpu = 'tcg'\n", "d1.cfg:3: cpu = \"tcg\": not a CPU engine (interp or jit)" },
	{ BASE "cpus = '0-64'\n", "d1.cfg:3: cpus '0-64': '0-64' is not a CPU number or range within 0-63" },
	{ BASE "cpus = '^0-63'\n", "d1.cfg:3: cpus '^0-63' leaves no CPU" },
	{ BASE "cpus = 3\n", "d1.cfg:3: cpus must be a string or a list" },
	{ BASE "on_crash = 'explode'\n", "d1.cfg:3: on_crash = 'explode': expected destroy, restart, preserve, rename-restart, coredump-destroy or coredump-restart" },
	{ BASE "on_xend_start = 'maybe'\n", "d1.cfg:3: on_xend_start = 'maybe': expected ignore or start" },
	{ BASE "disk = 'file:/a,xvda,w'\n", "d1.cfg:3: disk must be a list, not a string" },
	{ BASE "disk = [1]\n", "d1.cfg:3: disk must be a list of strings" },
	{ BASE "disk = ['file:/a,xvda']\n", "d1.cfg:3: disk 'file:/a,xvda': expected 'TYPE:TARGET,VDEV,MODE'" },
	{ BASE "disk = ['nfs:/a,xvda,w']\n", "d1.cfg:3: disk 'nfs:/a,xvda,w': unknown type (expected file:, tap:aio: or phy:)" },
	{ BASE "disk = ['file:a.img,xvda,w']\n", "d1.cfg:3: disk 'file:a.img,xvda,w': file path must be absolute" },
	{ BASE "disk = ['file:/a,xvda,x']\n", "d1.cfg:3: disk 'file:/a,xvda,x': mode must be 'r', 'w' or 'w!'" },
	{ BASE "disk = ['file:/a,xvda,w', 'file:/b,xvda,r']\n", "d1.cfg:3: disk device 'xvda' used twice" },
	{ BASE "vif = ['mac=00:16:3e:0a:0b']\n", "d1.cfg:3: vif 'mac=00:16:3e:0a:0b': invalid MAC address '00:16:3e:0a:0b'" },
	{ BASE "vif = ['mac=01:16:3e:0a:0b:0c']\n", "d1.cfg:3: vif 'mac=01:16:3e:0a:0b:0c': MAC address '01:16:3e:0a:0b:0c' is multicast" },
	{ BASE "vif = ['colour=blue']\n", "d1.cfg:3: vif 'colour=blue': unknown key 'colour'" },
	{ BASE "cmdline = 'a'\nextra = 'b'\n", "d1.cfg:3: cmdline cannot be combined with root or extra" },
	{ BASE "memory = \n", "d1.cfg:3: expected a value, found end of line" },
};

/* Both forms of the display give the same settings. */
static void
test_vfb(void **state)
{
	struct domcfg	*dc;
	char		*cause = NULL;

	(void)state;
	assert_non_null(dc = parse(BASE, &cause));
	assert_false(dc->vfb.vnc);
	assert_int_equal(dc->vfb.display, -1);
	domcfg_free(dc);
	assert_non_null(dc = parse(BASE "vfb = [ 'type=vnc,vncdisplay=3,"
	    "vnclisten=::1,vncpasswd=pw,vncunused=1,keymap=en-us,"
	    "display=:0,xauthority=/x' ]\n", &cause));
	assert_true(dc->vfb.vnc);
	assert_int_equal(dc->vfb.display, 3);
	assert_true(dc->vfb.unused);
	assert_string_equal(dc->vfb.listen, "::1");
	assert_true(dc->vfb.has_passwd);
	assert_string_equal(dc->vfb.passwd, "pw");
	domcfg_free(dc);
	assert_non_null(dc = parse(BASE "vnc = 1\nvncdisplay = 0\n"
	    "vnclisten = '0.0.0.0'\nvncpasswd = ''\nsdl = 0\n", &cause));
	assert_true(dc->vfb.vnc);
	assert_int_equal(dc->vfb.display, 0);
	assert_false(dc->vfb.unused);
	assert_string_equal(dc->vfb.listen, "0.0.0.0");
	assert_true(dc->vfb.has_passwd);	/* empty: no password */
	assert_string_equal(dc->vfb.passwd, "");
	domcfg_free(dc);
}

static void
test_errors(void **state)
{
	char	*cause;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cause = NULL;
		assert_null(parse(bad[i].text, &cause));
		assert_non_null(cause);
		if (strcmp(cause, bad[i].error) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, cause,
			    bad[i].error);
		free(cause);
	}
}

/* xm rename: the name setting changes, the rest of the text stays. */
static void
test_rename_text(void **state)
{
	static const char	*text = "# a comment\nname = 'old' # here\n"
				    "memory = 16; kernel = '/k'\n";
	char			*out, *cause = NULL;
	struct domcfg		*dc;

	(void)state;
	out = domcfg_rename_text("d1.cfg", text, "new-1", &cause);
	assert_non_null(out);
	assert_string_equal(out, "# a comment\nname = \"new-1\" # here\n"
	    "memory = 16; kernel = '/k'\n");
	dc = parse(out, &cause);
	assert_non_null(dc);
	assert_string_equal(dc->name, "new-1");
	domcfg_free(dc);
	free(out);
	assert_null(domcfg_rename_text("d1.cfg", text, "a b", &cause));
	assert_string_equal(cause, "name 'a b' has a character other than "
	    "letters, digits, '_', '.', '-', '+'");
	free(cause);
	assert_null(domcfg_rename_text("d1.cfg", text, "Domain-0", &cause));
	free(cause);
}

static void
test_cpumask(void **state)
{
	uint64_t	 m;
	char		*cause;

	(void)state;
	assert_int_equal(cpumask_parse("all", &m, &cause), 0);
	assert_true(m == UINT64_MAX);
	assert_int_equal(cpumask_parse("^0", &m, &cause), 0);
	assert_true(m == UINT64_MAX - 1);
	assert_int_equal(cpumask_parse("1, 3-4", &m, &cause), 0);
	assert_true(m == 0x1a);
	assert_int_equal(cpumask_parse("4-3", &m, &cause), -1);
	free(cause);
	assert_int_equal(cpumask_parse("", &m, &cause), -1);
	free(cause);
}

/* Xen's virtual block device numbers (docs/misc/vbd-interface.txt). */
static void
test_vdev_number(void **state)
{
	static const struct { const char *name; int64_t num; } t[] = {
		{ "xvda", 51712 }, { "xvdb", 51728 }, { "xvda1", 51713 },
		{ "xvdp15", 51967 }, { "xvdq", 268439552 },
		{ "xvdaa", 268442112 }, { "xvdq16", 268439568 },
		{ "hda", 768 }, { "hdb", 832 }, { "hdc", 5632 }, { "hdd1", 5697 },
		{ "sda", 2048 }, { "sdb1", 2065 }, { "sdp", 2288 },
		{ "xvd", -1 }, { "xvda01", -1 }, { "hde", -1 }, { "sdq", -1 },
		{ "xvdaaa", -1 }, { "foo", -1 }, { "xvda16", 268435472 },
		{ "xvdA", -1 }, { "hda64", -1 }, { "xvda256", -1 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (vdev_number(t[i].name) != t[i].num)
			fail_msg("%s: %lld, expected %lld", t[i].name,
			    (long long)vdev_number(t[i].name),
			    (long long)t[i].num);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_rename_text),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_vfb),
		cmocka_unit_test(test_cpumask),
		cmocka_unit_test(test_vdev_number),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
