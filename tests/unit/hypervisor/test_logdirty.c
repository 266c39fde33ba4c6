/* Unit tests for hypervisor/xen/logdirty.c: dirty pages seen through write faults, on and off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/logdirty.h"
#include "hypervisor/xen/mm.h"

#define NPAGES	64

static struct domain *
dom_new(void)
{
	struct domain	*d = calloc(1, sizeof(*d));
	char		*cause = NULL;

	assert_non_null(d);
	assert_int_equal(mm_init(&d->mm, 7, NPAGES * MM_PAGE_SIZE, &cause), 0);
	return d;
}

static void
dom_free(struct domain *d)
{
	logdirty_domain_gone(d);
	mm_fini(&d->mm);
	free(d);
}

static void
poke(struct domain *d, unsigned page)
{
	volatile uint8_t	*p = (uint8_t *)d->mm.base +
				    (size_t)page * MM_PAGE_SIZE + 8;

	*p = (uint8_t)(*p + 1);
}

static uint64_t
clean(struct domain *d)
{
	uint64_t	 bits = 0;

	assert_int_equal(logdirty_peek(d, 0, NPAGES, &bits, 1), 0);
	return bits;
}

static void
marks_and_cleans(void)
{
	struct domain	*d = dom_new();

	assert_int_equal(logdirty_enable(d, NULL), 0);
	assert_int_equal(clean(d), 0);
	poke(d, 3);
	poke(d, 3);
	poke(d, 40);
	assert_int_equal(clean(d), (1ull << 3) | (1ull << 40));
	assert_int_equal(clean(d), 0);		/* cleaned: protected again */
	poke(d, 40);
	assert_int_equal(clean(d), 1ull << 40);
	assert_int_equal(logdirty_disable(d), 0);
	poke(d, 5);				/* off: no fault, no mark */
	dom_free(d);
}

/*
 * A write that faulted just before log-dirty mode went off, and whose
 * handler ran only after: the page is the domain's, the write goes
 * through.  (It was taken for a crash: the handler reset SIGSEGV to the
 * default action, and the next round's first fault killed the process.)
 * The late fault is made here by protecting a page by hand once the mode
 * is off -- what the page was when the write faulted.
 */
static void
fault_after_off(void)
{
	struct domain	*d = dom_new();
	uint8_t		*page5 = (uint8_t *)d->mm.base + 5 * MM_PAGE_SIZE;

	assert_int_equal(logdirty_enable(d, NULL), 0);
	poke(d, 1);
	assert_int_equal(logdirty_disable(d), 0);
	assert_int_equal(mprotect(page5, MM_PAGE_SIZE, PROT_READ), 0);
	poke(d, 5);				/* retried, not a crash */
	/* The next round works, and the handler is still ours. */
	assert_int_equal(logdirty_enable(d, NULL), 0);
	assert_int_equal(clean(d), 0);
	poke(d, 9);
	poke(d, 5);
	assert_int_equal(clean(d), (1ull << 9) | (1ull << 5));
	assert_int_equal(logdirty_disable(d), 0);
	dom_free(d);
}

/*
 * One test: cmocka installs its own SIGSEGV handler before each test,
 * and log-dirty mode installs its handler once per process.
 */
static void
test_logdirty(void **state)
{
	(void)state;
	marks_and_cleans();
	fault_after_off();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logdirty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
