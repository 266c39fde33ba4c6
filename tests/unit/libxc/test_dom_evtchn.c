/* Unit tests of event channels: interdomain, masks, dom0 sinks, VIRQs, errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <xvm/privcmd.h>

#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/evtchn.h"

static const uint8_t uuid[16];

struct rec_sink {
	struct evtchn_sink	sink;
	uint32_t		got[64];
	unsigned		n;
};

static void
rec_deliver(struct evtchn_sink *s, uint32_t port)
{
	struct rec_sink	*r = (struct rec_sink *)s;

	if (r->n < 64)
		r->got[r->n++] = port;
}

struct fix {
	struct hv	*hv;
	struct domain	*a, *b;
	uint8_t		*sa, *sb;	/* shared_info pages in guest RAM */
};

static int
setup(void **state)
{
	static struct fix	f;
	struct hv_config	cfg = { 1, NULL, NULL };
	char			*cause = NULL;

	memset(&f, 0, sizeof(f));
	f.hv = hv_new(&cfg, &cause);
	f.a = domain_create(f.hv, 0, uuid, 2, 1 << 20, &cause);
	f.b = domain_create(f.hv, 0, uuid, 1, 1 << 20, &cause);
	if (f.hv == NULL || f.a == NULL || f.b == NULL)
		return -1;
	f.sa = mm_gpa_ptr(&f.a->mm, MM_RAM_BASE, 4096);
	f.sb = mm_gpa_ptr(&f.b->mm, MM_RAM_BASE + 4096, 4096);
	evtchn_set_shared_info(f.a, f.sa);
	evtchn_set_shared_info(f.b, f.sb);
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix	*f = *state;

	domain_put(f->a);
	domain_put(f->b);
	hv_free(f->hv);
	return 0;
}

static uint8_t
upcall_pending(uint8_t *sh, unsigned vcpu)
{
	return sh[vcpu * SHINFO_VCPU_INFO_SIZE + SHINFO_UPCALL_PENDING];
}

static void
clear_upcall(uint8_t *sh, unsigned vcpu)
{
	sh[vcpu * SHINFO_VCPU_INFO_SIZE + SHINFO_UPCALL_PENDING] = 0;
	memset(sh + vcpu * SHINFO_VCPU_INFO_SIZE + SHINFO_PENDING_SEL, 0, 8);
}

static void
clear_pending(uint8_t *sh, uint32_t port)
{
	uint64_t	*w = (uint64_t *)(void *)(sh + SHINFO_EVTCHN_PENDING);

	w[port / 64] &= ~(1ull << (port % 64));
}

static void
set_mask(uint8_t *sh, uint32_t port)
{
	uint64_t	*w = (uint64_t *)(void *)(sh + SHINFO_EVTCHN_MASK);

	w[port / 64] |= 1ull << (port % 64);
}

static void
test_interdomain(void **state)
{
	struct fix		*f = *state;
	struct evtchn_status	 st;
	uint32_t		 pa, pb;

	assert_int_equal(evtchn_alloc_unbound(f->a, f->b->domid, NULL, &pa), 0);
	assert_int_equal(evtchn_get_status(f->a, pa, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.remote_dom, f->b->domid);
	/* Only the named remote may bind. */
	assert_int_equal(evtchn_bind_interdomain(f->a, f->a->domid, pa, NULL,
	    &pb), EINVAL);
	assert_int_equal(evtchn_bind_interdomain(f->b, f->a->domid, pa, NULL,
	    &pb), 0);
	/* A new binding is pending on the binder's end. */
	assert_true(evtchn_is_pending(f->b, pb));
	assert_int_equal(upcall_pending(f->sb, 0), 1);
	clear_upcall(f->sb, 0);
	clear_pending(f->sb, pb);

	assert_int_equal(evtchn_send(f->a, pa, NULL), 0);
	assert_true(evtchn_is_pending(f->b, pb));
	assert_int_equal(upcall_pending(f->sb, 0), 1);
	/* Already pending: no second upcall. */
	clear_upcall(f->sb, 0);
	assert_int_equal(evtchn_send(f->a, pa, NULL), 0);
	assert_int_equal(upcall_pending(f->sb, 0), 0);
	clear_pending(f->sb, pb);

	/* Masked: pending but no upcall, until unmask. */
	set_mask(f->sb, pb);
	assert_int_equal(evtchn_send(f->a, pa, NULL), 0);
	assert_true(evtchn_is_pending(f->b, pb));
	assert_int_equal(upcall_pending(f->sb, 0), 0);
	assert_int_equal(evtchn_unmask(f->b, pb, NULL), 0);
	assert_int_equal(upcall_pending(f->sb, 0), 1);
	clear_upcall(f->sb, 0);
	clear_pending(f->sb, pb);

	/* The other way, to vCPU 1 of A after bind_vcpu. */
	assert_int_equal(evtchn_bind_vcpu(f->a, pa, 1), 0);
	assert_int_equal(evtchn_bind_vcpu(f->a, pa, 2), EINVAL);
	assert_int_equal(evtchn_send(f->b, pb, NULL), 0);
	assert_int_equal(upcall_pending(f->sa, 1), 1);
	assert_int_equal(upcall_pending(f->sa, 0), 0);

	/* Close one end: the other goes back to unbound. */
	assert_int_equal(evtchn_close(f->b, pb, NULL), 0);
	assert_int_equal(evtchn_get_status(f->a, pa, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(evtchn_get_status(f->b, pb, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_closed);
	assert_int_equal(evtchn_send(f->b, pb, NULL), EINVAL);
	assert_int_equal(evtchn_close(f->a, pa, NULL), 0);
}

static void
test_dom0_sink(void **state)
{
	struct fix	*f = *state;
	struct domain	*d0 = f->hv->dom[0];
	struct rec_sink	 s = { { rec_deliver }, { 0 }, 0 };
	struct rec_sink	 other = { { rec_deliver }, { 0 }, 0 };
	uint32_t	 pg, p0, pv;

	assert_int_equal(evtchn_alloc_unbound(f->a, 0, NULL, &pg), 0);
	assert_int_equal(evtchn_bind_interdomain(d0, f->a->domid, pg, &s.sink,
	    &p0), 0);
	/* Binding fired once; it stays delivered until unmasked. */
	assert_int_equal(s.n, 1);
	assert_int_equal(s.got[0], p0);
	assert_int_equal(evtchn_send(f->a, pg, NULL), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(evtchn_unmask(d0, p0, &s.sink), 0);
	assert_int_equal(s.n, 2);	/* the firing meanwhile */
	assert_int_equal(evtchn_unmask(d0, p0, &s.sink), 0);
	assert_int_equal(evtchn_send(f->a, pg, NULL), 0);
	assert_int_equal(s.n, 3);
	/* Another handle may not touch it. */
	assert_int_equal(evtchn_send(d0, p0, &other.sink), EINVAL);
	assert_int_equal(evtchn_unmask(d0, p0, &other.sink), EINVAL);
	/* dom0 -> guest. */
	clear_upcall(f->sa, 0);
	clear_pending(f->sa, pg);
	assert_int_equal(evtchn_send(d0, p0, &s.sink), 0);
	assert_true(evtchn_is_pending(f->a, pg));

	/* VIRQ_DOM_EXC fires on a domain's shutdown. */
	assert_int_equal(evtchn_bind_virq(d0, VIRQ_DOM_EXC, 0, &s.sink, &pv),
	    0);
	assert_int_equal(evtchn_bind_virq(d0, VIRQ_DOM_EXC, 0, &other.sink,
	    &pv), EEXIST);
	assert_int_equal(evtchn_bind_virq(d0, 99, 0, &s.sink, &pv), EINVAL);
	s.n = 0;
	assert_int_equal(domain_shutdown(f->b, PRIVCMD_SHUTDOWN_POWEROFF, NULL),
	    0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.got[0], pv);

	/* The handle goes away: its ports close, the guest's goes unbound. */
	evtchn_close_sink(d0, &s.sink);
	assert_int_equal(evtchn_send(d0, p0, &s.sink), EINVAL);
	assert_int_equal(evtchn_send(f->a, pg, NULL), 0);
	assert_int_equal(evtchn_close(f->a, pg, NULL), 0);
}

static void
test_errors(void **state)
{
	struct fix	*f = *state;
	uint32_t	 p, i, first;

	assert_int_equal(evtchn_send(f->a, 0, NULL), EINVAL);
	assert_int_equal(evtchn_send(f->a, 5000, NULL), EINVAL);
	assert_int_equal(evtchn_close(f->a, 77, NULL), EINVAL);
	assert_int_equal(evtchn_unmask(f->a, UINT32_MAX, NULL), EINVAL);
	assert_int_equal(evtchn_bind_interdomain(f->a, 4000, 1, NULL, &p),
	    ESRCH);
	assert_int_equal(evtchn_alloc_unbound(f->a, DOMID_MAX, NULL, &p), ESRCH);
	/* Fill the port space: ENOSPC, and nothing breaks. */
	assert_int_equal(evtchn_alloc_unbound(f->a, 0, NULL, &first), 0);
	for (i = 0; i < EVTCHN_NR_PORTS; i++)
		if (evtchn_alloc_unbound(f->a, 0, NULL, &p) != 0)
			break;
	assert_int_equal(i, EVTCHN_NR_PORTS - 2);
	assert_int_equal(evtchn_alloc_unbound(f->a, 0, NULL, &p), ENOSPC);
	for (p = first; p < EVTCHN_NR_PORTS; p++)
		assert_int_equal(evtchn_close(f->a, p, NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_interdomain, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dom0_sink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
