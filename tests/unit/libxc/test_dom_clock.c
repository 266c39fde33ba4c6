/*
 * Guest time of a domain (domain.h): 0 until the first unpause, standing
 * still while paused, carried by the whole-domain context; a PV timer
 * (set_timer_op) whose deadline falls in a pause fires that much later.
 * On the real machine glue (rv_machine_ops), with no vCPU running.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/evtchn.h"
#include "hypervisor/xen/hypercall.h"
#include "hypervisor/xen/rvglue.h"
#include "hypervisor/xen/timer.h"

static void
sleep_ms(unsigned ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static struct {
	struct hv	*hv;
	struct domain	*d;
} T;

static int
setup(void **state)
{
	struct hv_config	 cfg = { 1, NULL, &rv_machine_ops };
	static const uint8_t	 uuid[16];
	char			*cause = NULL;

	(void)state;
	if ((T.hv = hv_new(&cfg, &cause)) == NULL)
		return -1;
	T.d = domain_create(T.hv, 0, uuid, 1, 1 << 20, &cause);
	return T.d == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	domain_destroy(T.d);
	domain_put(T.d);
	hv_free(T.hv);
	return 0;
}

static void
test_pause(void **state)
{
	uint64_t	a, b, c;

	(void)state;
	sleep_ms(20);
	assert_int_equal(domain_guest_time_ns(T.d), 0);	/* never ran */
	assert_int_equal(domain_guest_to_host(T.d, 1), TIMER_NONE);
	assert_int_equal(domain_unpause(T.d), 0);
	sleep_ms(30);
	assert_int_equal(domain_pause(T.d), 0);
	a = domain_guest_time_ns(T.d);
	assert_true(a >= 30000000);
	sleep_ms(100);
	b = domain_guest_time_ns(T.d);
	assert_int_equal(a, b);
	assert_int_equal(domain_pause(T.d), 0);		/* nested */
	assert_int_equal(domain_unpause(T.d), 0);
	assert_int_equal(domain_guest_time_ns(T.d), a);	/* still paused */
	assert_int_equal(domain_unpause(T.d), 0);
	c = domain_guest_time_ns(T.d);
	assert_true(c >= a && c - a < 10000000);	/* no jump */
	/* Restore puts a paused domain's clock where the saved one stood. */
	assert_int_equal(domain_pause(T.d), 0);
	domain_guest_time_set(T.d, 7000000000ull);
	assert_int_equal(domain_guest_time_ns(T.d), 7000000000ull);
	assert_int_equal(domain_unpause(T.d), 0);
	assert_true(domain_guest_time_ns(T.d) >= 7000000000ull);
}

static uint64_t
gnow(struct dom_vcpu *v)
{
	return domain_guest_time_ns(v->dom);
}

static uint64_t
g2h(struct dom_vcpu *v, uint64_t g)
{
	return domain_guest_to_host(v->dom, g);
}

static int
vstart(struct dom_vcpu *v, uint64_t pc, uint64_t arg)
{
	(void)v; (void)pc; (void)arg;
	return -1;
}

static void
vstop(struct dom_vcpu *v)
{
	(void)v;
}

/* set_timer_op 60 ms ahead, paused 100 ms after 20: fires 40 ms after. */
static void
test_pv_timer(void **state)
{
	static const struct hcall_env env = { gnow, g2h, vstart, vstop };
	uint64_t	a[6] = { 0 }, t0;
	uint32_t	port;
	int64_t		ret, left;
	unsigned	i;

	(void)state;
	assert_int_equal(evtchn_bind_virq(T.d, VIRQ_TIMER, 0, NULL, &port), 0);
	a[0] = domain_guest_time_ns(T.d) + 200000000;
	hypercall(T.d->vcpu[0], &env, __HYPERVISOR_set_timer_op, a, &ret);
	assert_int_equal(ret, 0);
	sleep_ms(20);
	assert_int_equal(domain_pause(T.d), 0);
	/* Guest time to go; the guest clock stands while paused. */
	left = (int64_t)(a[0] - domain_guest_time_ns(T.d));
	sleep_ms(300);				/* the host deadline passes */
	assert_false(evtchn_is_pending(T.d, port));
	assert_int_equal(domain_unpause(T.d), 0);
	t0 = now_ns();
	for (i = 0; i < 2000 && !evtchn_is_pending(T.d, port); i++)
		sleep_ms(1);
	assert_true(evtchn_is_pending(T.d, port));
	/*
	 * On time in guest time: 'left' after the unpause, not at once (a
	 * loaded host may have slept well past 20 ms before the pause).
	 */
	print_message("# %lld ms to go at the pause, fired %llu ms after the "
	    "unpause\n", (long long)(left / 1000000),
	    (unsigned long long)((now_ns() - t0) / 1000000));
	if (left > 20000000)
		assert_true(now_ns() - t0 >= (uint64_t)(left - 5000000));
	assert_int_equal(T.d->vcpu[0]->timer_pv, TIMER_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pause),
		cmocka_unit_test(test_pv_timer),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
