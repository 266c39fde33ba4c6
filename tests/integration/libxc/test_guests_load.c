/*
 * xvm-hypervisor under load, through libxc: guests that fault, spin or
 * run random code harm only themselves; credit weights, caps and pinning
 * hold; 100 domains in a loop and three clients churning domains leave
 * no fd or memory behind.  argv: see guestlib.h.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include <xvm/xengnttab.h>

#include "guestlib.h"

/* A faulting, a spinning and a random-code guest harm only themselves. */
static void
test_isolation(void **state)
{
	xenevtchn_handle	*xce;
	uint32_t		 fault, spin, rnd, echo;
	uint64_t		 s1, s2 = 0;
	int			 flags, port, i;

	(void)state;
	fault = start(G_FAULT, 0);
	spin = start(G_SPIN, 0);
	rnd = start(G_RANDOM, 12345);
	echo = start(G_PVECHO, 20);
	xce = echo_channel(echo, &port);
	assert_int_equal(xc_domain_unpause(T.xch, fault), 0);
	assert_int_equal(xc_domain_unpause(T.xch, spin), 0);
	assert_int_equal(xc_domain_unpause(T.xch, rnd), 0);
	flags = wait_flag(fault, XEN_DOMINF_shutdown, 5000);
	assert_true(flags & XEN_DOMINF_shutdown);
	assert_int_equal((flags >> XEN_DOMINF_shutdownshift) & 0xff,
	    SHUTDOWN_crash);
	/* The others go on: spin makes progress, a new guest runs. */
	s1 = cpu_of(spin);
	for (i = 0; i < 100 && (s2 = cpu_of(spin)) <= s1; i++)
		sleep_ms(50);
	assert_true(s2 > s1);
	assert_int_equal(xc_domain_unpause(T.xch, echo), 0);
	assert_true(console_wait(T.xch, "random: jumping", 5000));
	echo_rounds(xce, port, 20);
	flags = wait_flag(echo, XEN_DOMINF_shutdown, 5000);
	assert_int_equal((flags >> XEN_DOMINF_shutdownshift) & 0xff,
	    SHUTDOWN_poweroff);
	xenevtchn_close(xce);
	assert_int_equal(xc_domain_destroy(T.xch, fault), 0);
	assert_int_equal(xc_domain_destroy(T.xch, spin), 0);
	assert_int_equal(xc_domain_destroy(T.xch, rnd), 0);
	assert_int_equal(xc_domain_destroy(T.xch, echo), 0);
}

/* Weights 256:512 sharing pCPU 0 get 1:2; a cap of 25 on pCPU 1 holds. */
static void
test_sched(void **state)
{
	struct xen_domctl_sched_credit	sc;
	uint32_t			a, b, c;
	uint64_t			a0, b0, c0, w0, wall;
	double				ratio, share, busy;

	(void)state;
	a = start(G_SPIN, 0);
	b = start(G_SPIN, 0);
	c = start(G_SPIN, 0);
	assert_int_equal(xc_vcpu_setaffinity(T.xch, a, 0, 1), 0);
	assert_int_equal(xc_vcpu_setaffinity(T.xch, b, 0, 1), 0);
	assert_int_equal(xc_vcpu_setaffinity(T.xch, c, 0, 2), 0);
	sc.weight = 512;
	sc.cap = 0;
	assert_int_equal(xc_sched_credit_domain_set(T.xch, b, &sc), 0);
	sc.weight = 256;
	sc.cap = 25;
	assert_int_equal(xc_sched_credit_domain_set(T.xch, c, &sc), 0);
	assert_int_equal(xc_domain_unpause(T.xch, a), 0);
	assert_int_equal(xc_domain_unpause(T.xch, b), 0);
	assert_int_equal(xc_domain_unpause(T.xch, c), 0);
	sleep_ms(300);
	a0 = cpu_of(a);
	b0 = cpu_of(b);
	c0 = cpu_of(c);
	w0 = mono_ns();
	/*
	 * Measure over 2.4 s of CPU on pCPU 0 (4 s at least): a loaded host
	 * gives our threads a fraction of a CPU, and fewer samples are noise.
	 */
	do
		sleep_ms(500);
	while (mono_ns() - w0 < 4000000000ull ||
	    (cpu_of(a) - a0 + cpu_of(b) - b0 < 2400000000ull &&
	    mono_ns() - w0 < 20000000000ull));
	a0 = cpu_of(a) - a0;
	b0 = cpu_of(b) - b0;
	c0 = cpu_of(c) - c0;
	wall = mono_ns() - w0;
	ratio = (double)b0 / (double)a0;
	share = (double)c0 / (double)wall;
	printf("# pinned to pCPU 0: weight 256 %.3f s, 512 %.3f s: 1:%.3f\n",
	    a0 / 1e9, b0 / 1e9, ratio);
	printf("# pinned to pCPU 1, cap 25: %.2f%%\n", share * 100);
	/*
	 * 1:2 within 15%: a scheduler that ignores weights gives 1:1; on a
	 * host at load 30 the pCPU thread loses the CPU inside accounting
	 * periods and the ratio measured 1:1.83 (1:1.98 on a quiet host).
	 */
	assert_true(ratio > 1.7 && ratio < 2.3);
	/*
	 * The cap is a ceiling of wall time.  Its floor shows only when the
	 * host gives our pCPU threads a whole CPU: the pinned pair measures
	 * what pCPU 0 got (on a loaded build host it can be a third).
	 */
	busy = (double)(a0 + b0) / (double)wall;
	printf("# pCPU 0 got %.0f%% of a host CPU\n", busy * 100);
	assert_true(share < 0.2625);
	if (busy > 0.9)
		assert_true(share > 0.2375);
	/* Pinned to one pCPU, the pair never gets more than one. */
	assert_true(busy < 1.02);
	assert_int_equal(xc_domain_destroy(T.xch, a), 0);
	assert_int_equal(xc_domain_destroy(T.xch, b), 0);
	assert_int_equal(xc_domain_destroy(T.xch, c), 0);
}

/*
 * Churn: three clients at once create, run, pause, bind, grant-map and
 * destroy domains (in both orders against their handles) for 3 s.  The
 * daemon must stay up and end with nothing left over.
 */
static volatile int	churn_stop;

static void *
churn(void *arg)
{
	xc_interface		*x = xc_interface_open(NULL, NULL, 0);
	xenevtchn_handle	*e;
	xengnttab_handle	*g;
	const char		*elfs[3] = {
		T.elf[G_PVECHO], T.elf[G_SPIN], T.elf[G_RANDOM]
	};
	uintptr_t		 n = 0;
	uint32_t		 id;
	void			*p;
	int			 gp, lp;

	(void)arg;
	while (x != NULL && !churn_stop) {
		if ((id = guest_create(x, elfs[n % 3], 1 + n % 2, 4096)) == 0)
			break;
		xc_domain_unpause(x, id);
		if (n % 3 == 0) {
			xc_domain_pause(x, id);
			xc_domain_unpause(x, id);
		}
		e = xenevtchn_open(NULL, 0);
		gp = xc_evtchn_alloc_unbound(x, id, 0);
		lp = xenevtchn_bind_interdomain(e, id, (uint32_t)gp);
		if (lp > 0)
			xenevtchn_notify(e, (uint32_t)lp);
		g = xengnttab_open(NULL, 0);
		p = xengnttab_map_grant_ref(g, id, 8, PROT_READ);
		sleep_ms(1);
		if (n % 2)
			xc_domain_destroy(x, id);
		xenevtchn_close(e);
		if (p != NULL)
			xengnttab_unmap(g, p, 1);
		xengnttab_close(g);
		if (n % 2 == 0)
			xc_domain_destroy(x, id);
		n++;
	}
	xc_interface_close(x);
	return (void *)n;
}

static void
test_churn(void **state)
{
	pthread_t	t[3];
	void		*n;
	uintptr_t	 total = 0;
	unsigned	 fd0, fd1, i;
	unsigned long	 rss;

	(void)state;
	assert_int_equal(hvd_usage(&T.hvd, &fd0, &rss), 0);
	churn_stop = 0;
	for (i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&t[i], NULL, churn, NULL), 0);
	sleep_ms(3000);
	churn_stop = 1;
	for (i = 0; i < 3; i++) {
		pthread_join(t[i], &n);
		total += (uintptr_t)n;
	}
	printf("# churn: %lu domains through 3 clients in 3 s\n",
	    (unsigned long)total);
	assert_true(total > 30);
	assert_int_equal(xc_domain_getinfolist(T.xch, 1, 1,
	    &(xc_domaininfo_t){ 0 }), 0);
	assert_int_equal(hvd_usage(&T.hvd, &fd1, &rss), 0);
	assert_int_equal(fd1, fd0);
}

/* 100 domains created, run and destroyed: no fd or memory growth. */
static void
test_loop100(void **state)
{
	unsigned	fd0 = 0, fd1 = 0, i;
	unsigned long	rss0 = 0, rss1 = 0;
	uint32_t	id;

	(void)state;
	for (i = 0; i < 100; i++) {
		id = start(G_SPIN, 0);
		assert_int_equal(xc_domain_unpause(T.xch, id), 0);
		sleep_ms(2);
		assert_int_equal(xc_domain_destroy(T.xch, id), 0);
		if (i == 9)
			assert_int_equal(hvd_usage(&T.hvd, &fd0, &rss0), 0);
	}
	assert_int_equal(hvd_usage(&T.hvd, &fd1, &rss1), 0);
	printf("# after 10 domains: %u fds, %lu KiB; after 100: %u fds, "
	    "%lu KiB\n", fd0, rss0, fd1, rss1);
	assert_int_equal(fd1, fd0);
	assert_true(rss1 < rss0 + 2048);
	assert_int_equal(xc_domain_getinfolist(T.xch, 1, 1,
	    &(xc_domaininfo_t){ 0 }), 0);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_isolation, guestlib_cleanup),
		cmocka_unit_test_teardown(test_sched, guestlib_cleanup),
		cmocka_unit_test_teardown(test_loop100, guestlib_cleanup),
		cmocka_unit_test_teardown(test_churn, guestlib_cleanup),
	};

	if (guestlib_args(argc, argv, "test_guests_load") != 0)
		return 2;
	return cmocka_run_group_tests(tests, guestlib_setup,
	    guestlib_teardown);
}
