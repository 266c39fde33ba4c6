/*
 * The machine's guest clock (machine.h): it stands still while stopped
 * (a paused domain), goes on from there without a jump when started,
 * can be set (restore), and timer deadlines follow it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include "hypervisor/cpu/cpu.h"
#include "hypervisor/machine.h"

static struct machine *
mk(void)
{
	struct machine_config cf = {
		.ram_bytes = 1 << 20, .ram_fd = -1, .nvcpus = 1,
		.firmware = 1, .name = "clock",
	};
	char	*cause = NULL;
	struct machine *m = machine_new(&cf, &cause);

	assert_non_null(m);
	return m;
}

static uint64_t
host_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
sleep_ms(unsigned ms)
{
	struct timespec	ts = { 0, (long)ms * 1000000 };

	nanosleep(&ts, NULL);
}

static void
test_stop_start(void **state)
{
	struct machine	*m = mk();
	uint64_t	 a, b, c;

	(void)state;
	assert_true(machine_clock_running(m));
	sleep_ms(10);
	machine_clock_stop(m);
	assert_false(machine_clock_running(m));
	a = machine_clock_ns(m);
	assert_true(a >= 10000000);
	sleep_ms(50);
	b = machine_clock_ns(m);
	assert_int_equal(a, b);				/* stood still */
	assert_int_equal(machine_mtime(m), a / 100);
	assert_int_equal(machine_mtime_to_ns(m, a / 100 + 1), UINT64_MAX);
	machine_clock_stop(m);				/* idempotent */
	assert_int_equal(machine_clock_ns(m), a);
	machine_clock_start(m);
	c = machine_clock_ns(m);
	assert_true(c >= a && c - a < 5000000);		/* no jump */
	sleep_ms(20);
	assert_true(machine_clock_ns(m) - c >= 20000000);
	machine_free(m);
}

static void
test_set(void **state)
{
	struct machine	*m = mk();
	uint64_t	 h, t;

	(void)state;
	machine_clock_stop(m);
	machine_clock_set_ns(m, 5000000000ull);		/* 5 s */
	assert_int_equal(machine_clock_ns(m), 5000000000ull);
	assert_int_equal(machine_mtime(m), 50000000);
	machine_clock_start(m);
	/* A deadline 10 ms of guest time ahead is 10 ms of host time ahead. */
	h = machine_mtime_to_ns(m, 50000000 + 100000);
	t = host_ns();
	assert_true(h > t && h - t <= 10000000 && h - t > 5000000);
	/* Set while running: it goes on from there. */
	machine_clock_set_ns(m, 100);
	assert_true(machine_clock_ns(m) < 2000000);
	machine_free(m);
}

/* The hart's time CSR and its timer interrupt follow the clock. */
static void
test_hart_time(void **state)
{
	/* csrr a0, time; j . */
	static const uint32_t code[] = { 0xc0102573, 0x0000006f };
	struct machine	*m = mk();
	struct vcpu	*v = machine_vcpu(m, 0);
	uint64_t	*ram = machine_gpa(m, MACHINE_RAM_BASE, 8);

	(void)state;
	__builtin_memcpy(ram, code, sizeof(code));
	machine_clock_stop(m);
	machine_clock_set_ns(m, 123456700);
	cpu_reset(v, MACHINE_RAM_BASE, CPU_PRIV_S);
	cpu_hsm_set(v, CPU_HSM_STARTED);
	assert_int_equal(cpu_run(v, 100), CPU_EXIT_BUDGET);
	assert_int_equal(cpu_get_reg(v, 10), 1234567);
	/* A compare 1 ms ahead: not due while stopped, however long. */
	cpu_set_stimecmp(v, 1234567 + 10000);
	assert_int_equal(cpu_deadline(v), UINT64_MAX);
	sleep_ms(20);
	assert_true(cpu_timer_cmp(v) > machine_mtime(m));
	machine_clock_start(m);
	assert_true(cpu_deadline(v) != UINT64_MAX);
	sleep_ms(5);
	assert_true(machine_mtime(m) >= cpu_timer_cmp(v));
	machine_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stop_start),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_hart_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
