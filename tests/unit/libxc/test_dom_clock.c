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
	uint64_t	a, b, c, h0, h1;

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
	h0 = now_ns();
	assert_int_equal(domain_unpause(T.d), 0);
	c = domain_guest_time_ns(T.d);
	h1 = now_ns();
	/* No jump: the clock moved no more than the host did since. */
	assert_true(c >= a && c - a <= h1 - h0);
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

/*
 * set_timer_op 60 ms ahead, then paused at once for 100 ms, so the host
 * deadline passes during the pause: the event must come when the guest's
 * clock reaches the deadline, i.e. (deadline - guest time at the pause) after
 * the unpause, never at the unpause.  A loaded host only makes the event
 * later, so nothing here depends on the machine's speed.
 */
static void
test_pv_timer(void **state)
{
	static const struct hcall_env env = { gnow, g2h, vstart, vstop };
	uint64_t	a[6] = { 0 }, t0, paused_at, left;
	uint32_t	port;
	int64_t		ret;
	unsigned	i;

	(void)state;
	assert_int_equal(evtchn_bind_virq(T.d, VIRQ_TIMER, 0, NULL, &port), 0);
	a[0] = domain_guest_time_ns(T.d) + 60000000;
	hypercall(T.d->vcpu[0], &env, __HYPERVISOR_set_timer_op, a, &ret);
	assert_int_equal(ret, 0);
	assert_int_equal(domain_pause(T.d), 0);
	paused_at = domain_guest_time_ns(T.d);
	left = paused_at < a[0] ? a[0] - paused_at : 0;
	sleep_ms(100);				/* the host deadline passes */
	if (left > 0)
		assert_false(evtchn_is_pending(T.d, port));
	assert_int_equal(domain_guest_time_ns(T.d), paused_at);
	assert_int_equal(domain_unpause(T.d), 0);
	t0 = now_ns();
	for (i = 0; i < 5000 && !evtchn_is_pending(T.d, port); i++)
		sleep_ms(1);
	assert_true(evtchn_is_pending(T.d, port));
	/* On time in guest time: not before the guest clock reached it. */
	assert_true(now_ns() - t0 >= left);
	assert_true(domain_guest_time_ns(T.d) >= a[0]);
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
