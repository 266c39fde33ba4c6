/* Unit tests of the token bucket (lib/ratelimit.h): consoled's rings, the hypervisor's console_io. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/ratelimit.h"

static void
test_ratelimit(void **state)
{
	struct ratelimit	 rl;
	const uint64_t		 ms = 1000000;

	(void)state;
	ratelimit_init(&rl, 1000, 0);
	assert_int_equal(ratelimit_take(&rl, 600, 0), 600);	/* burst */
	assert_int_equal(ratelimit_take(&rl, 600, 0), 400);
	assert_int_equal(ratelimit_take(&rl, 1, 0), 0);
	assert_int_equal(ratelimit_wait_ns(&rl, 0), 1 * ms);
	assert_int_equal(ratelimit_take(&rl, 100, 50 * ms), 50);
	assert_int_equal(ratelimit_take(&rl, 5000, 10000 * ms), 1000);
	/* A slow rate still refills, over several calls. */
	ratelimit_init(&rl, 10, 0);
	assert_int_equal(ratelimit_take(&rl, 100, 0), 10);
	assert_int_equal(ratelimit_take(&rl, 1, 50 * ms), 0);
	assert_int_equal(ratelimit_wait_ns(&rl, 50 * ms), 50 * ms);
	assert_int_equal(ratelimit_take(&rl, 1, 100 * ms), 1);
	/* Unlimited. */
	ratelimit_init(&rl, 0, 0);
	assert_int_equal(ratelimit_take(&rl, 1 << 30, 0), 1 << 30);
}

/* A bucket larger than a second, and whole messages. */
static void
test_burst_and_whole(void **state)
{
	struct ratelimit	 rl;
	const uint64_t		 ms = 1000000;

	(void)state;
	ratelimit_init_burst(&rl, 100, 1000, 0);
	assert_true(ratelimit_take_all(&rl, 800, 0));
	assert_false(ratelimit_take_all(&rl, 300, 0));	/* none taken */
	assert_true(ratelimit_take_all(&rl, 200, 0));
	assert_false(ratelimit_take_all(&rl, 1, 0));
	assert_true(ratelimit_take_all(&rl, 10, 100 * ms));
	/* A long pause fills the whole bucket, not just a second of rate. */
	assert_true(ratelimit_take_all(&rl, 1000, 3600000 * ms));
	assert_false(ratelimit_take_all(&rl, 1, 3600000 * ms));
	ratelimit_init(&rl, 0, 0);
	assert_true(ratelimit_take_all(&rl, 1 << 30, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ratelimit),
		cmocka_unit_test(test_burst_and_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
