/* guest/minios/page.c: allocation, alignment, reservation and frees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "guest/minios/page.h"

#define BASE	0x80000000ULL
#define NPAGES	200

static struct page_pool pp;
static uint64_t bitmap[(NPAGES + 63) / 64];

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(page_bitmap_words(NPAGES), 4);
	page_pool_init(&pp, BASE, NPAGES, bitmap);
	return 0;
}

static uint64_t
pg(size_t i)
{
	return BASE + i * PAGE_POOL_SIZE;
}

static void
test_alloc_free(void **state)
{
	uint64_t a, b, c;

	(void)state;
	a = page_alloc(&pp, 1, 1);
	b = page_alloc(&pp, 3, 1);
	assert_int_equal(a, pg(0));
	assert_int_equal(b, pg(1));
	assert_int_equal(pp.nfree, NPAGES - 4);
	c = page_alloc(&pp, 4, 4);
	assert_int_equal(c, pg(4));
	assert_int_equal(page_free(&pp, b, 3), 0);
	assert_int_equal(page_free(&pp, b, 3), -1);	/* double free */
	assert_int_equal(page_free(&pp, b + 1, 1), -1);	/* misaligned */
	assert_int_equal(page_free(&pp, pg(NPAGES - 1), 2), -1);
	assert_int_equal(page_free(&pp, BASE - PAGE_POOL_SIZE, 1), -1);
	/* The hint moved back: the freed run is reused first. */
	assert_int_equal(page_alloc(&pp, 2, 1), pg(1));
	assert_int_equal(pp.nfree, NPAGES - 1 - 4 - 2);
}

static void
test_exhaust(void **state)
{
	size_t n = 0;

	(void)state;
	assert_int_equal(page_alloc(&pp, 0, 1), 0);
	assert_int_equal(page_alloc(&pp, NPAGES + 1, 1), 0);
	assert_int_equal(page_alloc(&pp, 1, 3), 0);	/* not a power of 2 */
	assert_int_equal(page_alloc(&pp, NPAGES, 1), pg(0));
	assert_int_equal(page_alloc(&pp, 1, 1), 0);
	assert_int_equal(page_free(&pp, pg(10), 5), 0);
	assert_int_equal(page_free(&pp, pg(100), 1), 0);
	/* No run of 6, but a run of 5 and a single page. */
	assert_int_equal(page_alloc(&pp, 6, 1), 0);
	assert_int_equal(page_alloc(&pp, 5, 1), pg(10));
	assert_int_equal(page_alloc(&pp, 1, 1), pg(100));
	while (page_alloc(&pp, 1, 1) != 0)
		n++;
	assert_int_equal(n, 0);
	assert_int_equal(pp.nfree, 0);
}

static void
test_reserve(void **state)
{
	(void)state;
	/* Clipped at both ends, partial pages rounded outwards. */
	assert_int_equal(page_reserve(&pp, BASE - 0x10000, 0x10000 + 0x1001), 2);
	assert_int_equal(page_reserve(&pp, pg(NPAGES - 1) + 8, 0x100000), 1);
	assert_int_equal(page_reserve(&pp, pg(1), 0x1000), 0);	/* already */
	assert_int_equal(page_reserve(&pp, 0x1000, 0x1000), 0);	/* outside */
	assert_int_equal(page_reserve(&pp, UINT64_MAX - 10, 100), 0);
	assert_int_equal(pp.nfree, NPAGES - 3);
	assert_int_equal(page_alloc(&pp, 1, 1), pg(2));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_alloc_free, setup),
		cmocka_unit_test_setup(test_exhaust, setup),
		cmocka_unit_test_setup(test_reserve, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
