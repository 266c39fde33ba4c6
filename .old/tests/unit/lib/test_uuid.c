/* Unit tests for lib/uuid.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/uuid.h"

static void
test_uuid(void **state)
{
	uint8_t	 u[16], v[16];
	char	 s[UUID_STR_LEN];

	(void)state;
	assert_int_equal(uuid_generate(u), 0);
	assert_int_equal(u[6] >> 4, 4);
	assert_int_equal(u[8] >> 6, 2);
	uuid_format(u, s);
	assert_int_equal(uuid_parse(s, v), 0);
	assert_memory_equal(u, v, 16);
	assert_false(uuid_is_nil(u));
	memset(v, 0, sizeof(v));
	assert_true(uuid_is_nil(v));
	assert_int_equal(uuid_parse("3f2504e0-4f89-11d3-9a0c-0305e82c330", v), -1);
	assert_int_equal(uuid_parse("3f2504e0x4f89-11d3-9a0c-0305e82c3301", v), -1);
	assert_int_equal(uuid_parse("3f2504e0-4f89-11d3-9a0c-0305e82c330g", v), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uuid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
