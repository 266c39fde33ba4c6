/* Unit tests for smf/proto.c (framing) and the control prologue's checks. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/buf.h"
#include "smf/proto.h"
#include "smf/startd/startd.h"

static void
test_roundtrip(void **state)
{
	const char	*args[] = { "xvm/store", "rt" };
	struct buf	 b;
	struct ctl_hdr	 h;
	struct ctl_req	 req;
	char		*cause = NULL;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(ctl_encode(&b, CTL_ENABLE, 2, args), 0);
	assert_int_equal(buf_len(&b), sizeof(h) + 13);
	memcpy(&h, buf_data(&b), sizeof(h));
	assert_int_equal(h.type, CTL_ENABLE);
	assert_int_equal(h.len, 13);
	assert_int_equal(ctl_decode(h.type, (uint8_t *)buf_data(&b) +
	    sizeof(h), h.len, &req, &cause), 0);
	assert_int_equal(req.argc, 2);
	assert_string_equal(req.argv[0], "xvm/store");
	assert_string_equal(req.argv[1], "rt");
	assert_int_equal(control_check(&req, &cause), 0);
	buf_free(&b);
}

static void
test_decode_errors(void **state)
{
	static const uint8_t	 nonul[] = { 'a', 'b' };
	uint8_t			 many[64];
	struct ctl_req		 req;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(ctl_decode(CTL_PING, nonul, sizeof(nonul), &req,
	    &cause), -1);
	assert_int_equal(errno, EBADMSG);
	assert_non_null(strstr(cause, "NUL"));
	free(cause);
	cause = NULL;
	memset(many, 0, sizeof(many));
	assert_int_equal(ctl_decode(CTL_PING, many, sizeof(many), &req,
	    &cause), -1);
	assert_non_null(strstr(cause, "arguments"));
	free(cause);
	cause = NULL;
	assert_int_equal(ctl_decode(CTL_PING, many, CTL_MAX_PAYLOAD + 1, &req,
	    &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(ctl_decode(CTL_PING, NULL, 0, &req, &cause), 0);
	assert_int_equal(req.argc, 0);
}

static void
test_check(void **state)
{
	static const struct {
		uint32_t	 type;
		int		 argc;
		const char	*a0, *a1, *a2;
		int		 want;
	} cases[] = {
		{ CTL_PING, 0, NULL, NULL, NULL, 0 },
		{ CTL_PING, 1, "x", NULL, NULL, EINVAL },
		{ 0, 0, NULL, NULL, NULL, EOPNOTSUPP },
		{ CTL_NTYPES, 0, NULL, NULL, NULL, EOPNOTSUPP },
		{ 0xffffffffu, 0, NULL, NULL, NULL, EOPNOTSUPP },
		{ CTL_ENABLE, 0, NULL, NULL, NULL, EINVAL },
		{ CTL_ENABLE, 2, "a", "rst", NULL, 0 },
		{ CTL_ENABLE, 2, "a", "x", NULL, EINVAL },
		{ CTL_DISABLE, 2, "a", "r", NULL, EINVAL },
		{ CTL_RESTART, 2, "a", "", NULL, EINVAL },
		{ CTL_MARK, 3, "a", "maintenance", "It", 0 },
		{ CTL_MARK, 2, "a", "degraded", NULL, 0 },
		{ CTL_MARK, 2, "a", "online", NULL, EINVAL },
		{ CTL_MARK, 3, "a", "maintenance", "r", EINVAL },
		{ CTL_RELOAD, 0, NULL, NULL, NULL, 0 },
	};
	struct ctl_req	 req;
	char		*cause;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&req, 0, sizeof(req));
		req.type = cases[i].type;
		req.argc = cases[i].argc;
		req.argv[0] = cases[i].a0;
		req.argv[1] = cases[i].a1;
		req.argv[2] = cases[i].a2;
		cause = NULL;
		assert_int_equal(control_check(&req, &cause), cases[i].want);
		if (cases[i].want != 0)
			assert_non_null(cause);
		free(cause);
	}
	assert_string_equal(ctl_type_name(CTL_MARK), "mark");
	assert_null(ctl_type_name(0));
	assert_null(ctl_type_name(CTL_NTYPES));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
