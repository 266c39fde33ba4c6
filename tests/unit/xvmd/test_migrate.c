/* Unit tests for the migration logic without a network: the pre-copy policy and hosts-allow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xvm/xc_sr.h>
#include "xvmd/migpolicy.h"
#include "xvmd/reloc.h"

#define MS	1000000ull
#define MIB	(1ull << 20)

/* One round as libxc reports it: sent pages, dirtied, its duration. */
struct rnd {
	uint64_t	 sent, dirty, ms;
	int		 stop;		/* what the policy must say */
	const char	*why;		/* and why, when it stops */
};

static void
run(const struct rnd *r, size_t n, uint64_t target_ms, uint32_t iters)
{
	struct migpolicy	 p = { .downtime_ns = target_ms * MS,
				    .max_iters = iters };
	struct xc_sr_round	 x;
	size_t			 i;

	for (i = 0; i < n; i++) {
		memset(&x, 0, sizeof(x));
		x.round = (uint32_t)i;
		x.sent = r[i].sent;
		x.bytes = r[i].sent * 4104;	/* a page and its entry */
		x.dirty = r[i].dirty;
		x.ns = r[i].ms * MS;
		print_message("round %zu: sent %llu dirty %llu in %llu ms\n", i,
		    (unsigned long long)r[i].sent,
		    (unsigned long long)r[i].dirty,
		    (unsigned long long)r[i].ms);
		assert_int_equal(migpolicy_round(&p, &x), r[i].stop);
		if (r[i].stop)
			assert_non_null(strstr(p.why, r[i].why));
	}
}

/* The worked example of migpolicy.c: 64 MiB/s dirtied, ~600 MiB/s link. */
static void
test_converges(void **state)
{
	static const struct rnd r[] = {
		{ 30720, 3277, 200, 0, NULL },
		{ 3277, 341, 21, 0, NULL },
		{ 341, 36, 2, 1, "few" },
	};

	(void)state;
	run(r, 3, 300, 30);
}

/* A set that stops shrinking stops once its copy fits the target... */
static void
test_plateau_fits(void **state)
{
	static const struct rnd r[] = {
		{ 30720, 3000, 200, 0, NULL },
		{ 3000, 2900, 20, 1, "stopped shrinking" },
	};

	(void)state;
	run(r, 2, 300, 30);
}

/* ...but not while it would not (a 1 ms target): more rounds. */
static void
test_plateau_too_big(void **state)
{
	static const struct rnd r[] = {
		{ 30720, 3000, 200, 0, NULL },
		{ 3000, 2700, 20, 0, NULL },	/* 0.9 of the link */
		{ 2700, 2450, 18, 0, NULL },
	};

	(void)state;
	run(r, 3, 1, 30);
}

/* A guest dirtying faster than the link: stopped after two such rounds. */
static void
test_outpaced(void **state)
{
	static const struct rnd r[] = {
		{ 1000, 5000, 10, 0, NULL },	/* 500k pages/s vs 100k */
		{ 5000, 26000, 50, 1, "faster than the link" },
	};

	(void)state;
	run(r, 2, 1, 30);
}

static void
test_round_limit(void **state)
{
	static const struct rnd r[] = {
		{ 30720, 9000, 200, 0, NULL },
		{ 9000, 7000, 60, 0, NULL },
		{ 7000, 5000, 47, 1, "round limit" },
	};

	(void)state;
	run(r, 3, 1, 3);
}

struct allow {
	const char	*patterns, *addr, *name;
	int		 want;
};

static const struct allow allow_cases[] = {
	{ "", "10.0.0.1", "", 1 },				/* "" = all */
	{ "   ", "10.0.0.1", "", 1 },
	{ "^localhost$ ^localhost\\.localdomain$", "127.0.0.1", "localhost", 1 },
	{ "^localhost$ ^localhost\\.localdomain$", "10.0.0.1", "", 0 },
	{ "^10\\.0\\.0\\.", "10.0.0.7", "", 1 },
	{ "^10\\.0\\.0\\.", "110.0.0.7", "", 0 },
	/* matched from the start, as xend's re.match: not a search */
	{ "0\\.0\\.7", "10.0.0.7", "", 0 },
	{ "10\\.0", "10.0.0.7", "", 1 },
	{ "host[0-9]+\\.example", "10.0.0.9", "host12.example", 1 },
	{ "host[0-9]+\\.example", "10.0.0.9", "web.example", 0 },
	{ "^a$ ^b$", "10.0.0.9", "b", 1 },
	{ "(", "10.0.0.9", "", -1 },				/* malformed */
};

static void
test_hosts_allow(void **state)
{
	size_t	 i;
	char	*cause;
	int	 got;

	(void)state;
	for (i = 0; i < sizeof(allow_cases) / sizeof(allow_cases[0]); i++) {
		cause = NULL;
		got = reloc_host_allowed(allow_cases[i].patterns,
		    allow_cases[i].addr, allow_cases[i].name, &cause);
		print_message("'%s' %s %s: %d %s\n", allow_cases[i].patterns,
		    allow_cases[i].addr, allow_cases[i].name, got,
		    cause ? cause : "");
		assert_int_equal(got, allow_cases[i].want);
		if (got == -1)
			assert_non_null(strstr(cause,
			    "xend-relocation-hosts-allow: '('"));
		free(cause);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_converges),
		cmocka_unit_test(test_plateau_fits),
		cmocka_unit_test(test_plateau_too_big),
		cmocka_unit_test(test_outpaced),
		cmocka_unit_test(test_round_limit),
		cmocka_unit_test(test_hosts_allow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
