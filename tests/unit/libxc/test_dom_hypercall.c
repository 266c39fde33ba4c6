/* Unit tests of the PV hypercalls as a guest makes them (no CPU: called directly). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <xvm/privcmd.h>

#include "hypervisor/xen/console.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/evtchn.h"
#include "hypervisor/xen/gnttab.h"
#include "hypervisor/xen/hypercall.h"
#include "hypervisor/xen/timer.h"

#define G(off)	(MM_RAM_BASE + (off))	/* a guest-physical address */

static uint64_t
gnow(struct dom_vcpu *v)
{
	(void)v;
	return 0;
}

static uint64_t
g2h(struct dom_vcpu *v, uint64_t t)
{
	(void)v;
	return now_ns() + t;
}

static int	started;

static int
vstart(struct dom_vcpu *v, uint64_t pc, uint64_t arg)
{
	(void)v; (void)pc; (void)arg;
	started++;
	return -1;		/* stays down: there is no CPU here */
}

static void
vstop(struct dom_vcpu *v)
{
	(void)v;
}

static const struct hcall_env env = { gnow, g2h, vstart, vstop };

static struct {
	struct hv	*hv;
	struct domain	*d;
	uint8_t		*ram;
} T;

static int
setup(void **state)
{
	struct hv_config	 cfg = { 1, NULL, NULL };
	static const uint8_t	 uuid[16];
	char			*cause = NULL;

	(void)state;
	T.hv = hv_new(&cfg, &cause);
	T.d = domain_create(T.hv, 0, uuid, 2, 1 << 20, &cause);
	if (T.d == NULL)
		return -1;
	T.ram = mm_gpa_ptr(&T.d->mm, MM_RAM_BASE, 1 << 20);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	domain_put(T.d);
	hv_free(T.hv);
	return 0;
}

static int64_t
hc(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, enum vcpu_stop *stop)
{
	uint64_t	a[6] = { a0, a1, a2, 0, 0, 0 };
	int64_t		ret;
	enum vcpu_stop	s;

	s = hypercall(T.d->vcpu[0], &env, nr, a, &ret);
	if (stop != NULL)
		*stop = s;
	return ret;
}

/* Calls whose answer depends on nothing else. */
static void
test_simple(void **state)
{
	static const struct {
		uint64_t	nr, a0, a1, a2;
		int64_t		ret;
	} cases[] = {
		{ __HYPERVISOR_xen_version, 0, 0, 0, 3 << 16 | 4 },
		{ __HYPERVISOR_xen_version, 7, 0, 0, 4096 },
		{ __HYPERVISOR_xen_version, 1, G(0x100), 0, 0 },
		{ __HYPERVISOR_xen_version, 1, 0x1000, 0, -EFAULT },
		{ __HYPERVISOR_xen_version, 99, 0, 0, -ENOSYS },
		{ 0, 0, 0, 0, -ENOSYS },
		{ 1000, 0, 0, 0, -ENOSYS },
		{ __HYPERVISOR_console_io, 0, 5, G(0x200), 5 },
		{ __HYPERVISOR_console_io, 0, 5, G(1 << 20), -EFAULT },
		{ __HYPERVISOR_console_io, 7, 0, 0, -ENOSYS },
		{ __HYPERVISOR_memory_op, 99, 0, 0, -ENOSYS },
		{ __HYPERVISOR_memory_op, 9, 0, 0, -EFAULT },
		{ __HYPERVISOR_event_channel_op, 4, 0, 0, -EFAULT },
		{ __HYPERVISOR_event_channel_op, 99, G(0), 0, -ENOSYS },
		{ __HYPERVISOR_grant_table_op, 6, G(0), 2, -EINVAL },
		{ __HYPERVISOR_hvm_op, 0, G(0), 0, -EPERM },
		{ __HYPERVISOR_vcpu_op, 3, 7, 0, -ENOENT },
		{ __HYPERVISOR_vcpu_op, 1, 1, 0, -EINVAL },
		{ __HYPERVISOR_sched_op, 99, 0, 0, -ENOSYS },
	};
	size_t	i;

	(void)state;
	memcpy(T.ram + 0x200, "hello", 5);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = hc(cases[i].nr, cases[i].a0, cases[i].a1,
		    cases[i].a2, NULL);

		if (got != cases[i].ret)
			fail_msg("case %zu (hypercall %llu, %llu): %lld, want "
			    "%lld", i, (unsigned long long)cases[i].nr,
			    (unsigned long long)cases[i].a0, (long long)got,
			    (long long)cases[i].ret);
	}
	assert_string_equal((char *)T.ram + 0x100, "-xvm");
}

static void
test_memory_and_params(void **state)
{
	uint64_t	*u = (uint64_t *)(void *)(T.ram + 0x1000);
	uint16_t	*self = (uint16_t *)(void *)(T.ram + 0x2000);

	(void)state;
	*self = 0x7ff0;
	assert_int_equal(hc(__HYPERVISOR_memory_op, 4, G(0x2000), 0, NULL),
	    256);
	/* populate 2 frames: reservation{extent_start, nr, order, flags, dom} */
	u[0] = G(0x3000);
	u[1] = 2;
	u[2] = 0;
	u[3] = 0x7ff0;
	((uint64_t *)(void *)(T.ram + 0x3000))[0] = (MM_RAM_BASE >> 12) + 100;
	((uint64_t *)(void *)(T.ram + 0x3000))[1] = (MM_RAM_BASE >> 12) + 101;
	assert_int_equal(hc(__HYPERVISOR_memory_op, 6, G(0x1000), 0, NULL), 2);
	assert_int_equal(hc(__HYPERVISOR_memory_op, 1, G(0x1000), 0, NULL), 2);
	u[2] = 9;			/* order 9: refused */
	assert_int_equal(hc(__HYPERVISOR_memory_op, 6, G(0x1000), 0, NULL),
	    -EINVAL);
	/* hvm get_param sees what the toolstack set. */
	T.d->hvm_param[HVM_PARAM_STORE_EVTCHN] = 7;
	memset(u, 0, 16);
	((uint16_t *)u)[0] = 0x7ff0;
	((uint32_t *)u)[1] = HVM_PARAM_STORE_EVTCHN;
	assert_int_equal(hc(__HYPERVISOR_hvm_op, 1, G(0x1000), 0, NULL), 0);
	assert_int_equal(u[1], 7);
	((uint32_t *)u)[1] = 64;
	assert_int_equal(hc(__HYPERVISOR_hvm_op, 1, G(0x1000), 0, NULL),
	    -EINVAL);
}

static void
test_events_and_grants(void **state)
{
	uint8_t		*a = T.ram + 0x4000;
	uint32_t	*w = (uint32_t *)(void *)a;
	uint64_t	*q = (uint64_t *)(void *)a;
	uint32_t	 port;

	(void)state;
	/* shared_info at frame 0x80010 (add_to_physmap, space 0). */
	memset(a, 0, 32);
	((uint16_t *)a)[0] = 0x7ff0;
	q[2] = (MM_RAM_BASE >> 12) + 0x10;
	assert_int_equal(hc(__HYPERVISOR_memory_op, 7, G(0x4000), 0, NULL), 0);
	assert_ptr_equal(evtchn_shared_info(T.d), T.ram + 0x10000);
	/* alloc_unbound for ourselves, then bind_interdomain to it. */
	memset(a, 0, 32);
	((uint16_t *)a)[0] = 0x7ff0;
	((uint16_t *)a)[1] = (uint16_t)T.d->domid;
	assert_int_equal(hc(__HYPERVISOR_event_channel_op, 6, G(0x4000), 0,
	    NULL), 0);
	port = w[1];
	assert_true(port > 0);
	memset(a, 0, 32);
	((uint16_t *)a)[0] = (uint16_t)T.d->domid;
	w[1] = port;
	assert_int_equal(hc(__HYPERVISOR_event_channel_op, 0, G(0x4000), 0,
	    NULL), 0);
	assert_true(w[2] > 0);
	/* send on the new port: the pending bit of the old one is set. */
	memset(T.ram + 0x10000, 0, 4096);
	w[0] = w[2];
	assert_int_equal(hc(__HYPERVISOR_event_channel_op, 4, G(0x4000), 0,
	    NULL), 0);
	assert_true(evtchn_is_pending(T.d, port));
	assert_int_equal(T.ram[0x10000 + SHINFO_UPCALL_PENDING], 1);
	/* status of port: interdomain. */
	memset(a, 0, 32);
	((uint16_t *)a)[0] = 0x7ff0;
	w[1] = port;
	assert_int_equal(hc(__HYPERVISOR_event_channel_op, 5, G(0x4000), 0,
	    NULL), 0);
	assert_int_equal(w[2], EVTCHNSTAT_interdomain);
	/* close, then send fails. */
	w[0] = port;
	assert_int_equal(hc(__HYPERVISOR_event_channel_op, 3, G(0x4000), 0,
	    NULL), 0);
	assert_int_equal(hc(__HYPERVISOR_event_channel_op, 4, G(0x4000), 0,
	    NULL), -EINVAL);

	/* Grant table from the guest's frames; query_size. */
	q[0] = (MM_RAM_BASE >> 12) + 0x20;
	memset(T.ram + 0x5000, 0, 24);
	((uint16_t *)(void *)(T.ram + 0x5000))[0] = 0x7ff0;
	((uint32_t *)(void *)(T.ram + 0x5000))[1] = 1;
	((uint64_t *)(void *)(T.ram + 0x5000))[2] = G(0x4000);
	assert_int_equal(hc(__HYPERVISOR_grant_table_op, 2, G(0x5000), 1,
	    NULL), 0);
	assert_int_equal(((int16_t *)(void *)(T.ram + 0x5000))[4], 0);
	memset(T.ram + 0x5000, 0, 16);
	assert_int_equal(hc(__HYPERVISOR_grant_table_op, 6, G(0x5000), 1,
	    NULL), 0);
	assert_int_equal(((uint32_t *)(void *)(T.ram + 0x5000))[1], 1);
	assert_int_equal(((uint32_t *)(void *)(T.ram + 0x5000))[2],
	    GNTTAB_MAX_FRAMES);
	/* Too many frames: status -1, nothing changes. */
	((uint32_t *)(void *)(T.ram + 0x5000))[1] = 9;
	assert_int_equal(hc(__HYPERVISOR_grant_table_op, 2, G(0x5000), 1,
	    NULL), 0);
	assert_int_equal(((int16_t *)(void *)(T.ram + 0x5000))[4], -1);
}

static void
test_sched_vcpu(void **state)
{
	enum vcpu_stop	 stop;
	uint64_t	*q = (uint64_t *)(void *)(T.ram + 0x6000);
	uint32_t	*reason = (uint32_t *)(void *)(T.ram + 0x6100);

	(void)state;
	hc(__HYPERVISOR_sched_op, 0, 0, 0, &stop);
	assert_int_equal(stop, VCPU_STOP_YIELD);
	/* Block: only without a pending upcall. */
	memset(evtchn_shared_info(T.d), 0, 64);
	hc(__HYPERVISOR_sched_op, 1, 0, 0, &stop);
	assert_int_equal(stop, VCPU_STOP_BLOCK);
	evtchn_shared_info(T.d)[SHINFO_UPCALL_PENDING] = 1;
	hc(__HYPERVISOR_sched_op, 1, 0, 0, &stop);
	assert_int_equal(stop, VCPU_STOP_BUDGET);
	evtchn_shared_info(T.d)[SHINFO_UPCALL_PENDING] = 0;
	/* vcpu_op: initialise then up vCPU 1 (the CPU stub refuses). */
	q[0] = G(0);
	q[1] = 42;
	assert_int_equal(hc(__HYPERVISOR_vcpu_op, 0, 1, G(0x6000), NULL), 0);
	assert_int_equal(T.d->vcpu[1]->start_arg, 42);
	started = 0;
	assert_int_equal(hc(__HYPERVISOR_vcpu_op, 1, 1, 0, NULL), 0);
	assert_int_equal(started, 1);
	assert_int_equal(hc(__HYPERVISOR_vcpu_op, 3, 1, 0, NULL), 0);
	assert_int_equal(hc(__HYPERVISOR_vcpu_op, 2, 1, 0, NULL), -EINVAL);
	hc(__HYPERVISOR_vcpu_op, 2, 0, 0, &stop);
	assert_int_equal(stop, VCPU_STOP_DOWN);
	/* set_timer_op arms the one timer; 0 cancels. */
	assert_int_equal(hc(__HYPERVISOR_set_timer_op, 1000000000, 0, 0, NULL),
	    0);
	assert_int_equal(timerq_count(T.hv->timers), 1);
	assert_int_equal(hc(__HYPERVISOR_set_timer_op, 0, 0, 0, NULL), 0);
	assert_int_equal(T.d->vcpu[0]->timer_pv, TIMER_NONE);
	/* shutdown: bad reason refused; reboot halts and records it. */
	*reason = 9;
	assert_int_equal(hc(__HYPERVISOR_sched_op, 2, G(0x6100), 0, &stop),
	    -EINVAL);
	*reason = PRIVCMD_SHUTDOWN_REBOOT;
	hc(__HYPERVISOR_sched_op, 2, G(0x6100), 0, &stop);
	assert_int_equal(stop, VCPU_STOP_HALT);
	assert_true(T.d->shutdown);
	assert_int_equal(T.d->shutdown_reason, PRIVCMD_SHUTDOWN_REBOOT);
}

/*
 * console_io is rate-limited per domain (issue 13, item 16): a flood
 * keeps at most the burst in the ring, and the next message that passes
 * says how much was dropped.
 */
static void
test_console_io_limit(void **state)
{
	char		*out = malloc(HV_CONSOLE_RING_SIZE);
	uint32_t	 idx = 0;
	size_t		 n, i, lines = 0;
	struct timespec	 ts = { 1, 200000000 };

	(void)state;
	assert_non_null(out);
	n = hv_console_read(T.hv->console, out, HV_CONSOLE_RING_SIZE, &idx,
	    0, 1);			/* what earlier tests wrote goes */
	memset(T.ram + 0x7000, 'x', 1000);
	for (i = 0; i < 200; i++)	/* 200 KB at once */
		assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_write,
		    1000, G(0x7000), NULL), 1000);
	n = hv_console_read(T.hv->console, out, HV_CONSOLE_RING_SIZE, &idx,
	    0, 1);
	for (i = 0; i < n; i++)
		lines += out[i] == '\n';
	assert_true(n <= HV_CONSOLE_GUEST_BURST + 64 * lines);
	assert_true(lines >= HV_CONSOLE_GUEST_BURST / 1000 - 1 &&
	    lines <= HV_CONSOLE_GUEST_BURST / 1000 + 2);
	/* A second later one more passes, after the count of the dropped. */
	nanosleep(&ts, NULL);
	assert_int_equal(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 5,
	    G(0x200), NULL), 5);
	n = hv_console_read(T.hv->console, out, HV_CONSOLE_RING_SIZE - 1,
	    &idx, 0, 1);
	out[n] = '\0';
	assert_non_null(strstr(out, "bytes of console_io output dropped"));
	assert_non_null(strstr(out, "hello"));
	free(out);
}

/*
 * A long memory_op is preemptible (issue 13, item 3): at most HCALL_CHUNK
 * extents per go, then VCPU_STOP_CONTINUE with cmd rewritten to resume
 * (Xen's start_extent << MEMOP_EXTENT_SHIFT); the goes add up to the
 * whole list.  A huge nr_extents is no longer one uninterruptible loop.
 */
static void
test_memory_op_preempt(void **state)
{
	struct xen_memory_reservation *r = (void *)(T.ram + 0x8000);
	uint64_t	*list = (uint64_t *)(void *)(T.ram + 0x9000);
	uint64_t	 a[6];
	enum vcpu_stop	 stop;
	int64_t		 ret;
	unsigned	 goes = 0, i, n = 5000;

	(void)state;
	for (i = 0; i < n; i++)		/* one page, ballooned 5000 times */
		list[i] = (MM_RAM_BASE >> 12) + 200;
	memset(r, 0, sizeof(*r));
	r->extent_start = G(0x9000);
	r->nr_extents = n;
	r->domid = DOMID_SELF;
	memset(a, 0, sizeof(a));
	a[0] = XENMEM_decrease_reservation;
	a[1] = G(0x8000);
	do {
		stop = hypercall(T.d->vcpu[0], &env, __HYPERVISOR_memory_op, a,
		    &ret);
		goes++;
		if (stop == VCPU_STOP_CONTINUE) {
			assert_int_equal(a[0] & MEMOP_CMD_MASK,
			    XENMEM_decrease_reservation);
			assert_int_equal(a[0] >> MEMOP_EXTENT_SHIFT,
			    (uint64_t)goes * HCALL_CHUNK);
		}
	} while (stop == VCPU_STOP_CONTINUE && goes < 100);
	assert_int_equal(stop, VCPU_STOP_BUDGET);
	assert_int_equal(ret, n);
	assert_int_equal(goes, (n + HCALL_CHUNK - 1) / HCALL_CHUNK);
	/* Huge and bogus counts end at once, with Xen's answers. */
	r->nr_extents = UINT64_MAX;
	a[0] = XENMEM_populate_physmap;
	stop = hypercall(T.d->vcpu[0], &env, __HYPERVISOR_memory_op, a, &ret);
	assert_int_equal(stop, VCPU_STOP_BUDGET);
	assert_int_equal(ret, 0);
	r->nr_extents = 1ull << 40;	/* the list runs off RAM: stops there */
	do {
		stop = hypercall(T.d->vcpu[0], &env, __HYPERVISOR_memory_op, a,
		    &ret);
	} while (stop == VCPU_STOP_CONTINUE);
	assert_true(ret > 0 && ret < (1 << 20) / 8);
	a[0] = XENMEM_current_reservation | 1 << MEMOP_EXTENT_SHIFT;
	assert_int_equal(hypercall(T.d->vcpu[0], &env, __HYPERVISOR_memory_op,
	    a, &ret), VCPU_STOP_BUDGET);
	assert_int_equal(ret, -ENOSYS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_memory_and_params),
		cmocka_unit_test(test_events_and_grants),
		cmocka_unit_test(test_sched_vcpu),
		cmocka_unit_test(test_console_io_limit),
		cmocka_unit_test(test_memory_op_preempt),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
