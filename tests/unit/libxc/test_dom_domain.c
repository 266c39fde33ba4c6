/* Unit tests of domains and guest memory: ids, lifecycle, populate, balloon, zombies, timers. */
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

#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/timer.h"
#include "spin_vcpu.h"

static const uint8_t uuid[16] = { 1, 2, 3 };

static struct hv *
new_hv(void)
{
	struct hv_config	cfg = { 1, NULL, NULL };
	char			*cause = NULL;

	return hv_new(&cfg, &cause);
}

static void
test_ids(void **state)
{
	struct hv		*hv = new_hv();
	struct domain		*a, *b, *c;
	struct privcmd_dominfo	 info[8];
	char			*cause = NULL;

	(void)state;
	a = domain_create(hv, 0, uuid, 1, 1 << 20, &cause);
	b = domain_create(hv, 5, uuid, 2, 1 << 20, &cause);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->domid, 1);
	assert_int_equal(b->domid, 5);
	assert_null(domain_create(hv, 5, uuid, 1, 1 << 20, &cause));
	assert_int_equal(errno, EEXIST);
	free(cause);
	cause = NULL;
	assert_null(domain_create(hv, 0, uuid, 0, 1 << 20, &cause));
	assert_int_equal(errno, EINVAL);
	free(cause);
	cause = NULL;
	assert_null(domain_create(hv, 0, uuid, 1, 1000, &cause));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(cause, "multiple of 4 KiB"));
	free(cause);
	cause = NULL;
	assert_null(domain_create(hv, DOMID_MAX, uuid, 1, 1 << 20, &cause));
	free(cause);

	assert_int_equal(domain_getinfolist(hv, 0, info, 8), 3);
	assert_int_equal(info[0].domid, 0);
	assert_true(info[0].flags & PRIVCMD_DOMINF_RUNNING);
	assert_int_equal(info[1].domid, 1);
	assert_true(info[1].flags & PRIVCMD_DOMINF_PAUSED);
	assert_memory_equal(info[1].uuid, uuid, 16);
	assert_int_equal(info[2].max_vcpu_id, 1);
	assert_int_equal(info[2].max_pages, 256);
	assert_int_equal(domain_getinfolist(hv, 2, info, 8), 1);

	assert_int_equal(domain_destroy(hv->dom[0]), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(domain_destroy(a), 0);
	assert_int_equal(domain_destroy(a), -1);
	assert_null(domain_get(hv, 1));
	/* Our reference keeps a dying zombie in the list. */
	assert_int_equal(domain_getinfolist(hv, 1, info, 8), 2);
	assert_true(info[0].flags & PRIVCMD_DOMINF_DYING);
	domain_put(a);
	assert_int_equal(domain_getinfolist(hv, 1, info, 8), 1);
	c = domain_create(hv, 0, uuid, 1, 1 << 20, &cause);
	assert_int_equal(c->domid, 3);	/* ids move on, not reused at once */
	domain_put(b);
	domain_put(c);
	hv_free(hv);
}

static void
test_memory(void **state)
{
	struct hv	*hv = new_hv();
	struct domain	*d;
	char		*cause = NULL;
	uint64_t	 g[4], base = MM_RAM_BASE >> 12;
	uint32_t	 done;
	uint8_t		*p;

	(void)state;
	d = domain_create(hv, 0, uuid, 1, 16 << 20, &cause);
	assert_non_null(d);
	assert_int_equal(mm_tot_pages(&d->mm), 0);
	g[0] = base;
	g[1] = base + 1;
	g[2] = base + 4095;
	assert_int_equal(mm_populate(&d->mm, g, 3, &done), 0);
	assert_int_equal(done, 3);
	assert_int_equal(mm_tot_pages(&d->mm), 3);
	/* Populating again costs nothing more. */
	assert_int_equal(mm_populate(&d->mm, g, 1, &done), 0);
	assert_int_equal(mm_tot_pages(&d->mm), 3);
	/* Outside RAM stops the batch there. */
	g[3] = base + 4096;
	assert_int_equal(mm_populate(&d->mm, g + 2, 2, &done), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(done, 1);
	/* The limit. */
	mm_set_max_pages(&d->mm, 3);
	g[0] = base + 10;
	assert_int_equal(mm_populate(&d->mm, g, 1, &done), -1);
	assert_int_equal(errno, ENOMEM);
	/* Balloon out: the page reads zero and costs nothing. */
	p = mm_gpa_ptr(&d->mm, (base + 1) << 12, 4096);
	p[7] = 42;
	g[0] = base + 1;
	assert_int_equal(mm_reservation(&d->mm), 4096);
	assert_int_equal(mm_decrease(&d->mm, g, 1, &done), 0);
	assert_int_equal(mm_tot_pages(&d->mm), 2);
	assert_int_equal(p[7], 0);
	/* The reservation (Xen's tot_pages): the frames held, touched or not. */
	assert_int_equal(mm_reservation(&d->mm), 4095);
	g[0] = base + 100;		/* a run of three in one hole */
	g[1] = base + 101;
	g[2] = base + 102;
	g[3] = base + 1;		/* given back already: no change */
	assert_int_equal(mm_decrease(&d->mm, g, 4, &done), 0);
	assert_int_equal(done, 4);
	assert_int_equal(mm_reservation(&d->mm), 4092);
	/* Taken back: within max_pages only (3 here: refused). */
	assert_int_equal(mm_populate(&d->mm, g, 1, &done), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(mm_reservation(&d->mm), 4092);
	mm_set_max_pages(&d->mm, 4096);
	assert_int_equal(mm_populate(&d->mm, g, 4, &done), 0);
	assert_int_equal(mm_reservation(&d->mm), 4096);
	assert_null(mm_gpa_ptr(&d->mm, MM_RAM_BASE - 1, 2));
	assert_null(mm_gpa_ptr(&d->mm, MM_RAM_BASE + (16 << 20) - 1, 2));
	assert_non_null(mm_gpa_ptr(&d->mm, MM_RAM_BASE + (16 << 20) - 2, 2));
	domain_put(d);
	hv_free(hv);
}

/*
 * A destroyed domain's vCPUs are never armed again: a scheduler worker
 * that just put a vCPU to sleep may arm its wake-up after destroy took it
 * off the pCPU, and the timer thread then read the freed vCPU (ASan:
 * heap-use-after-free in timer_thread, freed by domain_free).
 */
static void
test_no_timer_after_destroy(void **state)
{
	struct hv	*hv = new_hv();
	struct domain	*d;
	struct dom_vcpu	*v;
	char		*cause = NULL;

	(void)state;
	d = domain_create(hv, 0, uuid, 2, 1 << 20, &cause);
	assert_non_null(d);
	v = d->vcpu[1];
	timer_set(hv->timers, v, now_ns() + 1000000000ull);
	assert_int_equal(timerq_count(hv->timers), 1);
	assert_int_equal(domain_destroy(d), 0);
	assert_int_equal(timerq_count(hv->timers), 0);
	/* What a late worker does: it must not arm a dying vCPU. */
	timer_set(hv->timers, v, now_ns() + 1000000ull);
	assert_int_equal(timerq_count(hv->timers), 0);
	domain_put(d);			/* frees v */
	hv_free(hv);
}

/* The same race for real: sleepy vCPUs destroyed while they block. */
static void
test_destroy_sleepy_churn(void **state)
{
	struct hv_config cfg = { 2, NULL, &spin_mops };
	struct hv	*hv;
	struct domain	*d;
	char		*cause = NULL;
	unsigned	 i;

	(void)state;
	hv = hv_new(&cfg, &cause);
	assert_non_null(hv);
	for (i = 0; i < 200; i++) {
		d = domain_create(hv, 0, uuid, 4, 1 << 20, &cause);
		assert_non_null(d);
		spin_set_mode(d, SPIN_SLEEPY, 50000);
		assert_int_equal(domain_unpause(d), 0);
		if (i % 4 == 0) {
			struct timespec ts = { 0, 200000 };

			nanosleep(&ts, NULL);
		}
		assert_int_equal(domain_destroy(d), 0);
		domain_put(d);
	}
	assert_int_equal(timerq_count(hv->timers), 0);
	hv_free(hv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_no_timer_after_destroy),
		cmocka_unit_test(test_destroy_sleepy_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
