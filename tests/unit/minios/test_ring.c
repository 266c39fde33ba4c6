/* guest/minios/ring.c: wrap-around, full and empty rings, bad indexes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <xvm/xencons.h>

#include "guest/minios/ring.h"

static struct xencons_interface page;
static struct ring out = { page.out, XENCONS_OUT_SIZE, &page.out_cons,
    &page.out_prod };

static int
setup(void **state)
{
	(void)state;
	memset(&page, 0, sizeof(page));
	return 0;
}

static void
test_wrap(void **state)
{
	char data[1500], back[1500];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)i;
	/* Start near the top of the index space, so indexes wrap too. */
	page.out_cons = page.out_prod = UINT32_MAX - 100;
	for (i = 0; i < 5; i++) {
		assert_int_equal(ring_put(&out, data, sizeof(data)), 1500);
		assert_int_equal(ring_used(&out), 1500);
		assert_int_equal(ring_get(&out, back, sizeof(back)), 1500);
		assert_memory_equal(back, data, sizeof(data));
		assert_int_equal(ring_used(&out), 0);
	}
}

static void
test_full_empty(void **state)
{
	char data[3000] = { 0 }, back[16];

	(void)state;
	assert_int_equal(ring_get(&out, back, sizeof(back)), 0);
	assert_int_equal(ring_put(&out, data, sizeof(data)), XENCONS_OUT_SIZE);
	assert_int_equal(ring_put(&out, data, 1), 0);
	assert_int_equal(ring_get(&out, back, 10), 10);
	assert_int_equal(ring_put(&out, data, 100), 10);
	assert_int_equal(ring_put(&out, data, 0), 0);
}

static void
test_corrupt(void **state)
{
	char data[8] = "abcdefg", back[8];

	(void)state;
	/* The peer claims more queued than the ring holds. */
	page.out_cons = 0;
	page.out_prod = XENCONS_OUT_SIZE + 1;
	assert_int_equal(ring_put(&out, data, 8), -1);
	assert_int_equal(ring_get(&out, back, 8), -1);
	assert_int_equal(ring_used(&out), -1);
	/* Nothing of ours moved. */
	assert_int_equal(page.out_cons, 0);
	assert_int_equal(page.out_prod, XENCONS_OUT_SIZE + 1);
	/* cons ahead of prod is the same lie, seen modulo 2^32. */
	page.out_cons = 10;
	page.out_prod = 5;
	assert_int_equal(ring_get(&out, back, 8), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_wrap, setup),
		cmocka_unit_test_setup(test_full_empty, setup),
		cmocka_unit_test_setup(test_corrupt, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
