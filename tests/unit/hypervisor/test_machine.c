/*
 * Unit tests for the machine: RAM lookup bounds, bad configurations,
 * the device tree it writes (parsed back with libfdt), and running a few
 * hand-assembled instructions to a syscon power-off.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#include <libfdt.h>

#include "hypervisor/cpu/cpu.h"
#include "hypervisor/machine.h"

static struct machine *
mk(unsigned nvcpus, int firmware)
{
	struct machine_config cf = {
		.ram_bytes = 4 << 20, .ram_fd = -1, .nvcpus = nvcpus,
		.firmware = firmware, .name = "t",
	};
	char *cause = NULL;
	struct machine *m = machine_new(&cf, &cause);

	assert_non_null(m);
	return m;
}

static void
test_bad_config(void **state)
{
	struct machine_config cf = {
		.ram_bytes = 12345, .ram_fd = -1, .nvcpus = 1, .name = "t",
	};
	char *cause = NULL;

	(void)state;
	assert_null(machine_new(&cf, &cause));
	assert_non_null(strstr(cause, "memory size 12345"));
	free(cause);
	cause = NULL;
	cf.ram_bytes = 1 << 20;
	cf.nvcpus = 0;
	assert_null(machine_new(&cf, &cause));
	assert_non_null(strstr(cause, "vCPUs"));
	free(cause);
}

static void
test_gpa(void **state)
{
	struct machine *m = mk(1, 1);

	(void)state;
	assert_non_null(machine_gpa(m, MACHINE_RAM_BASE, 4 << 20));
	assert_null(machine_gpa(m, MACHINE_RAM_BASE, (4 << 20) + 1));
	assert_null(machine_gpa(m, MACHINE_RAM_BASE - 1, 2));
	assert_null(machine_gpa(m, MACHINE_RAM_BASE + (4 << 20), 1));
	assert_null(machine_gpa(m, UINT64_MAX - 2, 8));
	assert_true(machine_ram_fd(m) >= 0);
	machine_free(m);
}

static void
test_fdt(void **state)
{
	struct machine *m = mk(3, 1);
	uint64_t at = MACHINE_RAM_BASE + (2 << 20);
	char *cause = NULL;
	void *fdt;
	int off, len;
	const char *s;

	(void)state;
	assert_int_equal(machine_write_fdt(m, at, 0x10000, "console=hvc0", 0, 0,
	    &cause), 0);
	fdt = machine_gpa(m, at, 0x10000);
	assert_int_equal(fdt_check_header(fdt), 0);
	off = fdt_path_offset(fdt, "/chosen");
	assert_true(off >= 0);
	s = fdt_getprop(fdt, off, "bootargs", &len);
	assert_string_equal(s, "console=hvc0");
	assert_true(fdt_path_offset(fdt, "/cpus/cpu@2") >= 0);
	assert_true(fdt_path_offset(fdt, "/cpus/cpu@3") < 0);
	assert_true(fdt_path_offset(fdt, "/soc/serial@10000000") >= 0);
	off = fdt_path_offset(fdt, "/soc/plic@c000000");
	assert_true(off >= 0);
	fdt_getprop(fdt, off, "interrupts-extended", &len);
	assert_int_equal(len, 3 * 16);
	assert_int_equal(machine_write_fdt(m, 0x1000, 0x10000, NULL, 0, 0, &cause),
	    -1);
	assert_non_null(strstr(cause, "outside guest RAM"));
	free(cause);
	machine_free(m);
}

/* Video memory: plain memory to the harts' loads and stores, never RAM. */
static void
test_vram(void **state)
{
	/* lui t0,0x40000; li t1,0x123 ; sw t1,8(t0); lw t2,8(t0);
	   sw t2,12(t0); then power off as above */
	static const uint32_t code[] = {
		0x400002b7, 0x12300313, 0x0062a423, 0x0082a383, 0x0072a623,
		0x001002b7, 0x00005337, 0x55530313, 0x0062a023, 0x0000006f,
	};
	struct machine_config cf = {
		.ram_bytes = 4 << 20, .ram_fd = -1, .nvcpus = 1, .name = "t",
		.vram_bytes = 8192,
	};
	struct machine *m;
	struct vcpu *v;
	char *cause = NULL;
	uint32_t *px;

	(void)state;
	cf.vram_fd = memfd_create("t", 0);
	assert_int_equal(ftruncate(cf.vram_fd, 8192), 0);
	m = machine_new(&cf, &cause);
	assert_non_null(m);
	v = machine_vcpu(m, 0);
	memcpy(machine_gpa(m, MACHINE_RAM_BASE, sizeof(code)), code,
	    sizeof(code));
	machine_invalidate(m, MACHINE_RAM_BASE, sizeof(code));
	cpu_reset(v, MACHINE_RAM_BASE, CPU_PRIV_M);
	cpu_hsm_set(v, CPU_HSM_STARTED);
	assert_int_equal(cpu_run(v, 1000), CPU_EXIT_SHUTDOWN);
	px = machine_vram(m, MACHINE_VRAM_BASE, 16);
	assert_non_null(px);
	assert_int_equal(px[2], 0x123);
	assert_int_equal(px[3], 0x123);
	assert_null(machine_vram(m, MACHINE_VRAM_BASE + 8190, 4));
	assert_null(machine_gpa(m, MACHINE_VRAM_BASE, 4));
	machine_free(m);
	close(cf.vram_fd);
	/* Not whole pages: refused with a reason. */
	cf.vram_bytes = 100;
	assert_null(machine_new(&cf, &cause));
	assert_non_null(strstr(cause, "video memory"));
	free(cause);
}

static void
test_run_poweroff(void **state)
{
	/* lui t0,0x100; li t1,0x5555 (lui+addi); sw t1,0(t0); j . */
	static const uint32_t code[] = {
		0x001002b7, 0x00005337, 0x55530313, 0x0062a023, 0x0000006f,
	};
	struct machine *m = mk(1, 0);
	struct vcpu *v = machine_vcpu(m, 0);
	int code_out = -1;

	(void)state;
	memcpy(machine_gpa(m, MACHINE_RAM_BASE, sizeof(code)), code,
	    sizeof(code));
	machine_invalidate(m, MACHINE_RAM_BASE, sizeof(code));
	cpu_reset(v, MACHINE_RAM_BASE, CPU_PRIV_M);
	cpu_hsm_set(v, CPU_HSM_STARTED);
	assert_int_equal(cpu_run(v, 1000), CPU_EXIT_SHUTDOWN);
	assert_int_equal(machine_shutdown_reason(m, &code_out),
	    MACHINE_POWEROFF);
	assert_int_equal(code_out, 0);
	/* the store retires; the jump ends the block, where shutdown is seen */
	assert_int_equal(cpu_instret(v), 5);
	machine_free(m);
}

static void
test_budget_and_kick(void **state)
{
	static const uint32_t loop[] = { 0x00150513, 0xffdff06f };
	struct machine *m = mk(1, 0);
	struct vcpu *v = machine_vcpu(m, 0);

	(void)state;
	memcpy(machine_gpa(m, MACHINE_RAM_BASE, sizeof(loop)), loop,
	    sizeof(loop));
	cpu_reset(v, MACHINE_RAM_BASE, CPU_PRIV_M);
	cpu_hsm_set(v, CPU_HSM_STARTED);
	assert_int_equal(cpu_run(v, 1000), CPU_EXIT_BUDGET);
	assert_true(cpu_instret(v) >= 1000 && cpu_instret(v) < 1100);
	cpu_kick(v);
	assert_int_equal(cpu_run(v, 1000000), CPU_EXIT_KICK);
	assert_true(cpu_get_reg(v, 10) > 400);
	machine_free(m);
}

static void
test_context(void **state)
{
	struct machine *m = mk(2, 1);
	struct vcpu *a = machine_vcpu(m, 0), *b = machine_vcpu(m, 1);
	struct cpu_context c, d;

	(void)state;
	cpu_get_context(a, &c);
	assert_int_equal(c.priv, CPU_PRIV_S);
	c.x[5] = 0x1234;
	c.pc = 0x80001001;		/* bit 0 is dropped */
	c.satp = (8ULL << 60) | 0x80123;
	c.stvec = 0x80002003;		/* mode 3: WARL, ignored */
	c.mcause = 13;
	c.hsm = CPU_HSM_STARTED;
	assert_int_equal(cpu_set_context(b, &c), 0);
	cpu_get_context(b, &d);
	assert_int_equal(d.x[5], 0x1234);
	assert_int_equal(d.pc, 0x80001000);
	assert_int_equal(d.satp, c.satp);
	assert_int_equal(d.stvec, 0);
	assert_int_equal(d.mcause, 13);
	assert_int_equal(d.hsm, CPU_HSM_STARTED);
	assert_int_equal(d.medeleg, c.medeleg);	/* firmware's, kept */
	c.priv = 2;
	assert_int_equal(cpu_set_context(b, &c), -1);
	c.priv = CPU_PRIV_M;			/* no M-mode under builtin SBI */
	assert_int_equal(cpu_set_context(b, &c), -1);
	machine_free(m);
}

/* The F state and PMP travel in the context; FS follows cpu_set_fp. */
static void
test_context_fp_pmp(void **state)
{
	struct machine *m = mk(2, 0);
	struct vcpu *a = machine_vcpu(m, 0), *b = machine_vcpu(m, 1);
	struct cpu_context c, d;
	uint64_t f[32], g[32], fcsr;
	unsigned i;

	(void)state;
	for (i = 0; i < 32; i++)
		f[i] = 0xffffffff00000000ULL | i;
	cpu_set_fp(a, f, 0x1ff);		/* bit 8 is ignored */
	cpu_get_fp(a, g, &fcsr);
	assert_memory_equal(f, g, sizeof(f));
	assert_int_equal(fcsr, 0xff);
	cpu_get_context(a, &c);
	assert_int_equal(c.mstatus & (3ULL << 13), 0);	/* Off stays Off */
	c.mstatus |= 1ULL << 13;			/* Initial */
	c.pmpcfg[0] = 0x1f;				/* NAPOT RWX */
	c.pmpaddr[0] = (1ULL << 54) - 1;
	assert_int_equal(cpu_set_context(b, &c), 0);
	cpu_get_context(b, &d);
	assert_memory_equal(d.f, f, sizeof(f));
	assert_int_equal(d.fcsr, 0xff);
	assert_int_equal(d.pmpcfg[0], 0x1f);
	assert_int_equal(d.pmpaddr[0], (1ULL << 54) - 1);
	assert_int_equal((d.mstatus >> 13) & 3, 1);
	cpu_set_fp(b, f, 0);			/* Initial -> Dirty */
	cpu_get_context(b, &d);
	assert_int_equal((d.mstatus >> 13) & 3, 3);
	assert_int_equal(CPU_CONTEXT_FIELDS, 111);
	assert_int_equal(CPU_CONTEXT_FIELDS_V2, 93);
	assert_int_equal(CPU_CONTEXT_FIELDS_V1, 60);
	machine_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_gpa),
		cmocka_unit_test(test_fdt),
		cmocka_unit_test(test_run_poweroff),
		cmocka_unit_test(test_vram),
		cmocka_unit_test(test_budget_and_kick),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_context_fp_pmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
