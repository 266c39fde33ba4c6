/* Unit tests of the credit scheduler: weights, caps, pinning, blocking, pause. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <xvm/privcmd.h>

#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/timer.h"
#include "spin_vcpu.h"

static const uint8_t uuid[16];

static struct hv *
new_hv(unsigned npcpu)
{
	struct hv_config	cfg = { npcpu, NULL, &spin_mops };
	char			*cause = NULL;
	struct hv		*hv = hv_new(&cfg, &cause);

	assert_non_null(hv);
	return hv;
}

static struct domain *
new_dom(struct hv *hv, enum spin_mode mode, uint64_t period)
{
	char		*cause = NULL;
	struct domain	*d;

	d = domain_create(hv, 0, uuid, 1, 1 << 20, &cause);
	assert_non_null(d);
	spin_set_mode(d, mode, period);
	sched_vcpu_up(hv->sched, d->vcpu[0]);
	return d;
}

static uint64_t
cpu_ns(struct domain *d)
{
	struct privcmd_dominfo	info;

	domain_getinfo(d, &info);
	return info.cpu_time_ns;
}

static void
sleep_ms(unsigned ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1)
		;
}

/* Two CPU-bound domains, weights 256 and 512, on one pCPU: 1:2 within 5%. */
static void
test_weights(void **state)
{
	struct hv	*hv = new_hv(1);
	struct domain	*a, *b;
	uint64_t	 ta, tb, t0;
	double		 ratio;

	(void)state;
	a = new_dom(hv, SPIN_BUSY, 0);
	b = new_dom(hv, SPIN_BUSY, 0);
	assert_int_equal(sched_set_credit(hv->sched, a, 256, 0), 0);
	assert_int_equal(sched_set_credit(hv->sched, b, 512, 0), 0);
	domain_unpause(a);
	domain_unpause(b);
	/* Measure the steady state, past the first accounting periods. */
	sleep_ms(300);
	ta = cpu_ns(a);
	tb = cpu_ns(b);
	/* 2.4 s of CPU between them (3 s at least, 15 s at most). */
	t0 = now_ns();
	do
		sleep_ms(500);
	while (now_ns() - t0 < 3000000000ull ||
	    (cpu_ns(a) - ta + cpu_ns(b) - tb < 2400000000ull &&
	    now_ns() - t0 < 15000000000ull));
	domain_pause(a);
	domain_pause(b);
	ta = cpu_ns(a) - ta;
	tb = cpu_ns(b) - tb;
	ratio = (double)tb / (double)ta;
	printf("# weights 256:512 -> cpu %.3f s : %.3f s = 1:%.3f\n",
	    ta / 1e9, tb / 1e9, ratio);
	assert_true(ratio > 2.0 * 0.95 && ratio < 2.0 * 1.05);
	domain_put(a);
	domain_put(b);
	hv_free(hv);
}

/*
 * A cap of 25 holds within 5%, beside an uncapped domain that takes the
 * rest of the pCPU.  The floor is checked only when the host gave the
 * pCPU thread a whole CPU (the two together say how much it got).
 */
static void
test_cap(void **state)
{
	struct hv	*hv = new_hv(1);
	struct domain	*a, *b;
	uint64_t	 t0, wall, ta, tb;
	double		 share, busy;

	(void)state;
	a = new_dom(hv, SPIN_BUSY, 0);
	b = new_dom(hv, SPIN_BUSY, 0);
	assert_int_equal(sched_set_credit(hv->sched, a, 256, 25), 0);
	domain_unpause(a);
	domain_unpause(b);
	sleep_ms(300);
	ta = cpu_ns(a);
	tb = cpu_ns(b);
	t0 = now_ns();
	sleep_ms(2400);
	domain_pause(a);
	domain_pause(b);
	wall = now_ns() - t0;
	ta = cpu_ns(a) - ta;
	tb = cpu_ns(b) - tb;
	share = (double)ta / (double)wall;
	busy = (double)(ta + tb) / (double)wall;
	printf("# cap 25 -> %.2f%% of one pCPU (the pCPU got %.0f%% of a "
	    "host CPU)\n", share * 100, busy * 100);
	assert_true(share < 0.25 * 1.05);
	if (busy > 0.9)
		assert_true(share > 0.25 * 0.95);
	domain_put(a);
	domain_put(b);
	hv_free(hv);
}

/* A vCPU pinned to pCPU 1 of 2 never runs on pCPU 0. */
static void
test_pinning(void **state)
{
	struct hv	*hv = new_hv(2);
	struct domain	*a, *b;
	uint64_t	 runs, bad = 0;

	(void)state;
	a = new_dom(hv, SPIN_BUSY, 0);
	b = new_dom(hv, SPIN_BUSY, 0);
	assert_int_equal(sched_set_affinity(hv->sched, a->vcpu[0], 2), 0);
	assert_int_equal(sched_set_affinity(hv->sched, a->vcpu[0], 4), EINVAL);
	assert_int_equal(sched_get_affinity(hv->sched, a->vcpu[0]), 2);
	spin_runs(a, NULL, 2);
	domain_unpause(a);
	domain_unpause(b);
	sleep_ms(300);
	domain_pause(a);
	domain_pause(b);
	runs = spin_runs(a, &bad, 2);
	assert_true(runs > 0);
	assert_int_equal(bad, 0);
	domain_put(a);
	domain_put(b);
	hv_free(hv);
}

/*
 * getvcpuinfo of a spinning vCPU pinned to pCPU 1: online, its time
 * grows, and it runs (or last ran) on pCPU 1; a paused one is not running.
 */
static void
test_vcpu_info(void **state)
{
	struct hv		*hv = new_hv(2);
	struct domain		*a;
	struct privcmd_vcpuinfo	 vi, vj;

	(void)state;
	a = new_dom(hv, SPIN_BUSY, 0);
	assert_int_equal(sched_set_affinity(hv->sched, a->vcpu[0], 2), 0);
	domain_unpause(a);
	sleep_ms(200);
	sched_vcpu_info(hv->sched, a->vcpu[0], &vi);
	assert_true(vi.online);
	assert_true(vi.cpu_time_ns > 0);
	assert_int_equal(vi.cpu, 1);
	sleep_ms(100);
	sched_vcpu_info(hv->sched, a->vcpu[0], &vj);
	assert_true(vj.cpu_time_ns > vi.cpu_time_ns);
	domain_pause(a);
	sched_vcpu_info(hv->sched, a->vcpu[0], &vi);
	assert_true(vi.online);
	assert_false(vi.running);
	domain_put(a);
	hv_free(hv);
}

/* Blocked vCPUs cost nothing; a timer wakes a sleepy one on time. */
static void
test_blocked(void **state)
{
	struct hv		*hv = new_hv(1);
	struct domain		*blk, *sleepy;
	struct privcmd_dominfo	 info;
	uint64_t		 runs;

	(void)state;
	blk = new_dom(hv, SPIN_BLOCK, 0);
	sleepy = new_dom(hv, SPIN_SLEEPY, 10000000);	/* wakes every 10 ms */
	domain_unpause(blk);
	domain_unpause(sleepy);
	sleep_ms(500);
	assert_int_equal(spin_runs(blk, NULL, 0), 1);
	runs = spin_runs(sleepy, NULL, 0);
	printf("# sleepy domain ran %llu times in 500 ms\n",
	    (unsigned long long)runs);
	assert_true(runs >= 20 && runs <= 60);	/* 50 on a quiet host */
	domain_getinfo(blk, &info);
	assert_true(info.flags & PRIVCMD_DOMINF_BLOCKED);
	assert_true(cpu_ns(blk) < 1000000);
	/* An event wakes the blocked one. */
	sched_vcpu_wake(hv->sched, blk->vcpu[0]);
	sleep_ms(20);
	assert_int_equal(spin_runs(blk, NULL, 0), 2);
	domain_put(blk);
	domain_put(sleepy);
	hv_free(hv);
}

/* Pause is synchronous; shutdown stops vCPUs; destroy while running. */
static void
test_pause_destroy(void **state)
{
	struct hv		*hv = new_hv(2);
	struct domain		*a;
	struct privcmd_dominfo	 info;
	uint64_t		 r1, r2;

	(void)state;
	a = new_dom(hv, SPIN_BUSY, 0);
	domain_unpause(a);
	sleep_ms(50);
	domain_pause(a);
	r1 = spin_runs(a, NULL, 0);
	sleep_ms(50);
	r2 = spin_runs(a, NULL, 0);
	assert_int_equal(r1, r2);
	domain_getinfo(a, &info);
	assert_true(info.flags & PRIVCMD_DOMINF_PAUSED);
	assert_int_equal(domain_unpause(a), 0);
	assert_int_equal(domain_unpause(a), -1);
	sleep_ms(20);
	assert_int_equal(domain_shutdown(a, PRIVCMD_SHUTDOWN_REBOOT, NULL), 0);
	domain_getinfo(a, &info);
	assert_true(info.flags & PRIVCMD_DOMINF_SHUTDOWN);
	assert_int_equal((info.flags >> PRIVCMD_DOMINF_SHUTDOWNSHIFT) & 0xff,
	    PRIVCMD_SHUTDOWN_REBOOT);
	r1 = spin_runs(a, NULL, 0);
	sleep_ms(30);
	assert_int_equal(spin_runs(a, NULL, 0), r1);
	domain_unpause(a);	/* shutdown's pause remains */
	sleep_ms(30);
	assert_int_equal(spin_runs(a, NULL, 0), r1);
	assert_int_equal(domain_destroy(a), 0);
	domain_put(a);
	hv_free(hv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pause_destroy),
		cmocka_unit_test(test_blocked),
		cmocka_unit_test(test_pinning),
		cmocka_unit_test(test_vcpu_info),
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
