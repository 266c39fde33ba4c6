/* guest/minios/fmt.c: a table of formats against the host's snprintf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "guest/minios/fmt.h"

#define SAME(...) do {							\
	char want[128], got[128];					\
	size_t n = ksnprintf(got, sizeof(got), __VA_ARGS__);		\
	int w = snprintf(want, sizeof(want), __VA_ARGS__);		\
	assert_string_equal(got, want);					\
	assert_int_equal(n, (size_t)w);					\
} while (0)

static void
test_like_libc(void **state)
{
	(void)state;
	SAME("plain");
	SAME("%d|%i|%u|%x|%X", -42, 7, 4000000000U, 0xbeefU, 0xbeefU);
	SAME("%ld|%lu|%lx", -1L, (unsigned long)UINT64_MAX, 0x80200000UL);
	SAME("%lld|%llu", (long long)INT64_MIN, (unsigned long long)UINT64_MAX);
	SAME("%zu", (size_t)12345);
	SAME("[%5d][%-5d][%05d][%05d]", 42, 42, 42, -42);
	SAME("[%016lx][%#lx][%#x]", 0x1fa3UL, 0x80000000UL, 0U);
	SAME("[%s][%8s][%-8s][%.3s][%.*s]", "abc", "abc", "abc", "abcdef", 2,
	    "xyz");
	SAME("%c%c%%", 'o', 'k');
	SAME("%d", 0);
}

static void
test_bounds(void **state)
{
	char buf[8];
	size_t n;

	(void)state;
	memset(buf, 'X', sizeof(buf));
	n = ksnprintf(buf, 4, "%s", "abcdef");
	assert_int_equal(n, 6);
	assert_string_equal(buf, "abc");
	assert_int_equal(buf[4], 'X');
	n = ksnprintf(NULL, 0, "%d", 12345);
	assert_int_equal(n, 5);
	/* %.*s reads no further than the precision: the source has no NUL. */
	{
		const char word[3] = { 'c', 'p', 'u' };

		ksnprintf(buf, sizeof(buf), "%.*s", 3, word);
		assert_string_equal(buf, "cpu");
	}
	/* An unknown conversion is copied, not guessed at.  The formats are
	 * not literals so that the compiler's checker lets them through. */
	{
		const char *unknown = "%q!", *trailing = "end%";

		ksnprintf(buf, sizeof(buf), unknown, 0);
		assert_string_equal(buf, "%q!");
		ksnprintf(buf, sizeof(buf), trailing, 0);
		assert_string_equal(buf, "end%");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_like_libc),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
