/*
 * The event-channel upcall as the hart sees it (cpu.h, docs/guest-abi.md):
 * asserted exactly while vcpu_info's evtchn_upcall_pending is set and its
 * evtchn_upcall_mask clear, decided afresh at every trap, sret and CSR
 * write -- never lost while masked or disabled, never taken again once
 * the guest cleared it.  A hand-assembled S-mode guest counts its traps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hypervisor/cpu/cpu.h"
#include "hypervisor/machine.h"

/*
 * At RAM base:
 *	la	t0, handler; csrw stvec, t0; li t1, 1 << 9; csrs sie, t1
 * wait:	lw t2, 0(s1); beqz t2, wait	# the test's "enable" flag
 *	csrsi	sstatus, 2		# SIE on
 *	addi	a3, a3, 1		# marker: ran after the enabling write
 * loop:	addi a0, a0, 1; j loop
 * handler:
 *	addi	a1, a1, 1		# upcalls taken
 *	mv	a4, a3			# the marker when it was taken
 *	csrr	a2, scause
 *	beqz	s2, 1f			# s2 != 0: clear pending with a store
 *	sb	zero, 0(s0)
 * 1:	sret
 */
static const uint32_t code[] = {
	0x00000297, 0x02c28293, 0x10529073, 0x20000313, 0x10432073,
	0x0004a383, 0xfe038ee3, 0x10016073, 0x00168693, 0x00150513,
	0xffdff06f, 0x00158593, 0x00068713, 0x14202673, 0x00090463,
	0x00040023, 0x10200073,
};

#define VI_GPA		(MACHINE_RAM_BASE + 0x1000)	/* vcpu_info */
#define FLAG_GPA	(MACHINE_RAM_BASE + 0x2000)
#define SEI_CAUSE	((1ULL << 63) | 9)

struct t {
	struct machine	*m;
	struct vcpu	*v;
	uint8_t		*vi;
	uint32_t	*flag;
};

static void
boot(struct t *t, int clears)
{
	struct machine_config cf = {
		.ram_bytes = 1 << 20, .ram_fd = -1, .nvcpus = 1,
		.firmware = 1, .name = "upcall",
	};
	char	*cause = NULL;

	t->m = machine_new(&cf, &cause);
	assert_non_null(t->m);
	t->v = machine_vcpu(t->m, 0);
	memcpy(machine_gpa(t->m, MACHINE_RAM_BASE, sizeof(code)), code,
	    sizeof(code));
	t->vi = machine_gpa(t->m, VI_GPA, 64);
	t->flag = machine_gpa(t->m, FLAG_GPA, 4);
	cpu_reset(t->v, MACHINE_RAM_BASE, CPU_PRIV_S);
	cpu_hsm_set(t->v, CPU_HSM_STARTED);
	cpu_set_reg(t->v, 8, VI_GPA);		/* s0 */
	cpu_set_reg(t->v, 9, FLAG_GPA);		/* s1 */
	cpu_set_reg(t->v, 18, (uint64_t)clears);	/* s2 */
	cpu_set_upcall(t->v, t->vi);
}

static uint64_t
taken(struct t *t)
{
	return cpu_get_reg(t->v, 11);		/* a1 */
}

/* Run about n instructions. */
static void
run(struct t *t, uint64_t n)
{
	enum cpu_exit	e = cpu_run(t->v, n);

	assert_true(e == CPU_EXIT_BUDGET || e == CPU_EXIT_KICK);
}

/* Pending set while SIE is off: taken right at the write that enables it. */
static void
test_enable_takes_pending(void **state)
{
	struct t	t;

	(void)state;
	boot(&t, 1);
	run(&t, 1000);				/* spinning on the flag */
	t.vi[0] = 1;				/* pending, unmasked */
	cpu_upcall_notify(t.v);
	run(&t, 1000);
	assert_int_equal(taken(&t), 0);		/* SIE is off */
	assert_true(cpu_upcall_level(t.v));
	*t.flag = 1;
	run(&t, 1000);
	assert_int_equal(taken(&t), 1);
	assert_int_equal(cpu_get_reg(t.v, 12), SEI_CAUSE);
	assert_int_equal(cpu_get_reg(t.v, 14), 0);	/* before the marker */
	assert_int_equal(cpu_get_reg(t.v, 13), 1);	/* then it ran */
	/* The handler cleared pending with a plain store: not taken again. */
	run(&t, 100000);
	assert_int_equal(taken(&t), 1);
	assert_false(cpu_upcall_level(t.v));
	machine_free(t.m);
}

/* Masked: never taken; unmasked by a guest store: taken, once. */
static void
test_mask(void **state)
{
	struct t	t;

	(void)state;
	boot(&t, 1);
	*t.flag = 1;
	run(&t, 1000);
	t.vi[1] = 1;				/* mask */
	t.vi[0] = 1;
	cpu_upcall_notify(t.v);
	run(&t, 100000);
	assert_int_equal(taken(&t), 0);
	assert_false(cpu_upcall_level(t.v));
	t.vi[1] = 0;		/* a store, no hypercall and no notify */
	run(&t, 40000);		/* seen within 16384 instructions */
	assert_int_equal(taken(&t), 1);
	run(&t, 100000);
	assert_int_equal(taken(&t), 1);
	machine_free(t.m);
}

/* A handler that leaves pending set returns into another upcall: a level. */
static void
test_level(void **state)
{
	struct t	t;

	(void)state;
	boot(&t, 0);
	*t.flag = 1;
	run(&t, 1000);
	t.vi[0] = 1;
	cpu_upcall_notify(t.v);
	run(&t, 1000);
	assert_true(taken(&t) > 50);		/* every sret re-takes it */
	t.vi[0] = 0;				/* the "guest" clears it */
	run(&t, 40000);
	t.flag[1] = (uint32_t)taken(&t);
	run(&t, 100000);
	assert_int_equal(taken(&t), t.flag[1]);	/* and it stays down */
	machine_free(t.m);
}

/* No vcpu_info (or NULL again): no upcall, whatever the bytes say. */
static void
test_no_source(void **state)
{
	struct t	t;

	(void)state;
	boot(&t, 1);
	cpu_set_upcall(t.v, NULL);
	*t.flag = 1;
	t.vi[0] = 1;
	run(&t, 100000);
	assert_int_equal(taken(&t), 0);
	assert_false(cpu_upcall_level(t.v));
	/* Moved to where the bytes are (shared_info registered): taken. */
	cpu_set_upcall(t.v, t.vi);
	run(&t, 1000);
	assert_int_equal(taken(&t), 1);
	machine_free(t.m);
}

/* WFI: an upcall that is due ends it; a masked one does not. */
static void
test_wfi(void **state)
{
	struct t	t;

	(void)state;
	boot(&t, 1);
	run(&t, 1000);				/* sie.SEIE on */
	assert_false(cpu_wfi_should_wake(t.v));
	t.vi[0] = 1;
	t.vi[1] = 1;
	assert_false(cpu_wfi_should_wake(t.v));
	t.vi[1] = 0;
	assert_true(cpu_wfi_should_wake(t.v));	/* sie.SEIE is set */
	machine_free(t.m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enable_takes_pending),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_level),
		cmocka_unit_test(test_no_source),
		cmocka_unit_test(test_wfi),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
