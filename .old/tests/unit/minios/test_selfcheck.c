/* guest/minios/selfcheck.c: the pattern, its checksum, and detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "guest/minios/selfcheck.h"

#define PA	0x80084000ULL
#define LEN	(64 * 1024)

static void
test_pattern(void **state)
{
	uint64_t *p = malloc(LEN);
	struct selfcheck_result r;

	(void)state;
	assert_non_null(p);
	/* splitmix64 of 0 + golden gamma: a published first output. */
	assert_int_equal(selfcheck_word(0), 0xe220a8397b1dcdafULL);
	selfcheck_fill(p, PA, LEN);
	assert_int_equal(p[0], selfcheck_word(PA));
	assert_int_equal(p[LEN / 8 - 1], selfcheck_word(PA + LEN - 8));
	selfcheck_run(p, PA, LEN, &r);
	assert_int_equal(r.bad_words, 0);
	assert_int_equal(r.checksum, selfcheck_expected(PA, LEN));
	/* The same bytes elsewhere are not the pattern of elsewhere. */
	selfcheck_run(p, PA + 8, LEN, &r);
	assert_int_equal(r.bad_words, LEN / 8);
	/* One flipped bit is found and changes the checksum. */
	p[1000] ^= 1ULL << 17;
	selfcheck_run(p, PA, LEN, &r);
	assert_int_equal(r.bad_words, 1);
	assert_int_equal(r.first_bad, PA + 8000);
	assert_int_not_equal(r.checksum, selfcheck_expected(PA, LEN));
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pattern),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
