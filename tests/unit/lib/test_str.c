/* Unit tests for lib/str.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/str.h"

static const struct {
	const char	*in;
	uint64_t	 min, max;
	int		 err;		/* 0 = ok */
	uint64_t	 want;
} u64_cases[] = {
	{ "0", 0, 10, 0, 0 },
	{ "10", 0, 10, 0, 10 },
	{ "11", 0, 10, ERANGE, 0 },
	{ "0x1f", 0, 100, 0, 31 },
	{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX },
	{ "18446744073709551616", 0, UINT64_MAX, ERANGE, 0 },
	{ "", 0, 10, EINVAL, 0 },
	{ " 1", 0, 10, EINVAL, 0 },
	{ "1 ", 0, 10, EINVAL, 0 },
	{ "-1", 0, 10, EINVAL, 0 },
	{ "+1", 0, 10, EINVAL, 0 },
	{ "0x", 0, 10, EINVAL, 0 },
	{ "12abc", 0, 100, EINVAL, 0 },
	{ "5", 6, 10, ERANGE, 0 },
};

static void
test_u64(void **state)
{
	size_t		 i;
	uint64_t	 v;
	int		 rc;

	(void)state;
	for (i = 0; i < sizeof(u64_cases) / sizeof(u64_cases[0]); i++) {
		v = 12345;
		errno = 0;
		rc = str_to_u64(u64_cases[i].in, u64_cases[i].min,
		    u64_cases[i].max, &v);
		if (u64_cases[i].err == 0) {
			assert_int_equal(rc, 0);
			assert_true(v == u64_cases[i].want);
		} else {
			assert_int_equal(rc, -1);
			assert_int_equal(errno, u64_cases[i].err);
			assert_true(v == 12345);
		}
	}
}

static void
test_i64(void **state)
{
	int64_t	 v;

	(void)state;
	assert_int_equal(str_to_i64("-5", -10, 10, &v), 0);
	assert_true(v == -5);
	assert_int_equal(str_to_i64("-9223372036854775808", INT64_MIN,
	    INT64_MAX, &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(str_to_i64("9223372036854775808", INT64_MIN,
	    INT64_MAX, &v), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(str_to_i64("-11", -10, 10, &v), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(str_to_i64("-", -10, 10, &v), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(str_to_i64("--1", -10, 10, &v), -1);
	assert_int_equal(errno, EINVAL);
}

static void
test_strtonum(void **state)
{
	const char	*errstr;

	(void)state;
	assert_int_equal(strtonum("42", 0, 100, &errstr), 42);
	assert_null(errstr);
	strtonum("101", 0, 100, &errstr);
	assert_string_equal(errstr, "too large");
	strtonum("-1", 0, 100, &errstr);
	assert_string_equal(errstr, "too small");
	strtonum("0", 1, 64, &errstr);		/* below, without a '-' */
	assert_string_equal(errstr, "too small");
	strtonum("-99999999999999999999", -5, 5, &errstr);
	assert_string_equal(errstr, "too small");
	strtonum("x", 0, 100, &errstr);
	assert_string_equal(errstr, "invalid");
}

static void
test_strlcpy_copy(void **state)
{
	char	 small[4];

	(void)state;
	assert_int_equal(strlcpy(small, "abcdef", sizeof(small)), 6);
	assert_string_equal(small, "abc");
	assert_int_equal(strlcat(small, "x", sizeof(small)), 4);
	assert_string_equal(small, "abc");
	assert_int_equal(str_copy(small, "abc", sizeof(small)), 0);
	assert_int_equal(str_copy(small, "abcd", sizeof(small)), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_true(str_has_prefix("/local/domain/1", "/local/"));
	assert_false(str_has_prefix("/loc", "/local/"));
}

static void
test_utf8(void **state)
{
	static const struct { const char *s; size_t valid; } t[] = {
		{ "plain", 5 }, { "caf\xc3\xa9", 5 }, { "\xe2\x82\xac", 3 },
		{ "\xf0\x9f\x98\x80!", 5 }, { "a\x81", 1 },
		{ "\xc0\xaf", 0 },		/* overlong '/' */
		{ "\xed\xa0\x80", 0 },	/* a surrogate */
		{ "\xf4\x90\x80\x80", 0 },	/* above U+10FFFF */
		{ "ab\xe2\x82", 2 },		/* cut short */
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (str_utf8_valid(t[i].s, strlen(t[i].s)) != t[i].valid)
			fail_msg("case %zu: %zu valid, want %zu", i,
			    str_utf8_valid(t[i].s, strlen(t[i].s)), t[i].valid);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_i64),
		cmocka_unit_test(test_strtonum),
		cmocka_unit_test(test_strlcpy_copy),
		cmocka_unit_test(test_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
