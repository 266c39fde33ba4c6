/*
 * The cost of a guest wake-up and of a switch between domains, in host
 * CPU (docs/PERFORMANCE.md, issue 21):
 *   bench_wake xvm-hypervisor pv-wake.elf pv-pvecho.elf [SECONDS]
 * SECONDS (default 3) is each scenario's measuring window; 0 runs a smoke
 * pass for `meson test` (0.3 s windows, fewer scenarios).
 *
 * Each scenario starts xvm-hypervisor in a private root, creates pv-wake
 * domains (guest/pv-tests/wake.c) with their mode written into the
 * guest's mailbox page through a foreign mapping, lets them run, and over
 * the window reads (1) the events the guests counted in their mailboxes
 * and (2) the CPU time of every daemon thread from
 * /proc/PID/task/TID/schedstat (ns on a CPU, user and kernel, whatever
 * the load: other processes' time is not in it).  It prints the daemon's
 * CPU per event, split by thread: the timer thread ("xvm-timer"), the pCPU
 * workers ("xvm-pcpuN") and the rest.  Wall-clock figures are printed for
 * the round trips but mean little on a loaded host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xvm/xenctrl.h>

#include "benchlib.h"

#define WAKE_MBOX_PFN	0x80f00ul
#define WAKE_MAGIC	0x454b4157ul

enum { WAKE_SBI = 1, WAKE_PV, WAKE_YIELD, WAKE_PING, WAKE_PONG, WAKE_IDLE };

struct wake_mbox {
	uint64_t	magic, mode, period_ns, paging, asid, touch;
	uint64_t	port, rdom, rport;
	uint64_t	count, state;
};

/* CPU ns of the daemon's threads by kind. */
enum { T_TIMER, T_PCPU, T_OTHER, T_NR };
static const char *const tname[T_NR] = { "timer", "pcpu", "other" };

struct scenario {
	const char	*name;
	int		 mode;
	unsigned	 ndom;
	uint64_t	 period_ns;
	int		 paging;
	unsigned	 touch;
	int		 pin;		/* all on pCPU 0 */
	unsigned	 npcpu;
	int		 smoke;		/* also in the smoke pass */
};

static const struct scenario scenarios[] = {
	{ "timer wake-up, SBI set_timer + WFI, 1 domain @ 1 ms",
	  WAKE_SBI, 1, 1000000, 0, 0, 0, 1, 1 },
	{ "timer wake-up, set_timer_op + block, 1 domain @ 1 ms",
	  WAKE_PV, 1, 1000000, 0, 0, 0, 1, 1 },
	{ "timer wake-up, SBI, 20 domains @ 10 ms, Sv39, 8 pages each",
	  WAKE_SBI, 20, 10000000, 1, 8, 0, 1, 0 },
	{ "timer wake-up, PV, 20 domains @ 10 ms, Sv39, 8 pages each",
	  WAKE_PV, 20, 10000000, 1, 8, 0, 1, 0 },
	{ "timer wake-up, SBI, 100 domains @ 100 ms, 2 pCPUs",
	  WAKE_SBI, 100, 100000000, 0, 0, 0, 2, 0 },
	{ "yield, 1 domain alone (no switch)",
	  WAKE_YIELD, 1, 0, 0, 0, 1, 1, 1 },
	{ "yield, 2 domains on one pCPU (a domain switch each)",
	  WAKE_YIELD, 2, 0, 0, 0, 1, 1, 1 },
	{ "yield, 2 domains on one pCPU, Sv39, 8 pages each",
	  WAKE_YIELD, 2, 0, 1, 8, 1, 1, 0 },
	{ "event round trip guest <-> guest, one pCPU",
	  WAKE_PING, 2, 0, 0, 0, 1, 1, 1 },
	{ "event round trip guest <-> guest, 2 pCPUs",
	  WAKE_PING, 2, 0, 0, 0, 0, 2, 0 },
};

static struct hvd	 hvd;
static xc_interface	*xch;

static int
fail(const char *what)
{
	fprintf(stderr, "bench_wake: %s: %s\n", what, strerror(errno));
	xc_interface_close(xch);
	xch = NULL;
	hvd_stop(&hvd);
	return 1;
}

/* The daemon's CPU time so far, ns, by thread kind. */
static void
cpu_by_kind(uint64_t cpu[T_NR])
{
	static const char *const prefix[T_NR] = { "xvm-timer", "xvm-pcpu",
	    "" };

	daemon_cpu(&hvd, prefix, T_NR, cpu);
}

static volatile struct wake_mbox *
mbox(uint32_t id)
{
	return xc_map_foreign_range(xch, id, 4096, PROT_READ | PROT_WRITE,
	    WAKE_MBOX_PFN);
}

static uint64_t
total(volatile struct wake_mbox **mb, unsigned n)
{
	uint64_t	s = 0;
	unsigned	i;

	for (i = 0; i < n; i++)
		s += __atomic_load_n(&mb[i]->count, __ATOMIC_RELAXED);
	return s;
}

static int
run(const struct scenario *sc, const char *daemon, const char *elf,
    unsigned window_ms)
{
	volatile struct wake_mbox *mb[128];
	uint32_t	 id[128];
	uint64_t	 c0[T_NR], c1[T_NR], n0, n1, t0, t1, all;
	unsigned	 i, k;
	int		 port;

	if (hvd_start(&hvd, daemon, sc->npcpu) == -1)
		return fail("start the daemon");
	if ((xch = xc_interface_open(NULL, NULL, 0)) == NULL)
		return fail("xc_interface_open");
	for (i = 0; i < sc->ndom; i++) {
		if ((id[i] = guest_create(xch, elf, 1, 16384)) == 0)
			return fail("create");
		if ((mb[i] = mbox(id[i])) == NULL)
			return fail("map the mailbox");
		mb[i]->count = mb[i]->state = mb[i]->port = 0;
		mb[i]->mode = (uint64_t)sc->mode;
		mb[i]->period_ns = sc->period_ns;
		mb[i]->paging = (uint64_t)sc->paging;
		mb[i]->asid = 1;
		mb[i]->touch = sc->touch;
		if (sc->pin && xc_vcpu_setaffinity(xch, id[i], 0, 1) == -1)
			return fail("pin");
	}
	if (sc->mode == WAKE_PING) {
		/* domain 0 pings on an unbound port; domain 1 binds to it */
		if ((port = xc_evtchn_alloc_unbound(xch, id[0], id[1])) < 0)
			return fail("alloc_unbound");
		mb[0]->port = (uint64_t)port;
		mb[1]->mode = WAKE_PONG;
		mb[1]->rdom = id[0];
		mb[1]->rport = (uint64_t)port;
	}
	for (i = 0; i < sc->ndom; i++) {
		/* the pinger starts once its partner is bound */
		if (sc->mode == WAKE_PING && i == 0)
			continue;
		mb[i]->magic = WAKE_MAGIC;
		if (xc_domain_unpause(xch, id[i]) == -1)
			return fail("unpause");
	}
	if (sc->mode == WAKE_PING) {
		t0 = mono_ns();
		while (mb[1]->state == 0 || mb[1]->port == 0) {
			if (mono_ns() - t0 > 10000000000ull)
				return fail("the ponger did not start");
			sleep_ms(5);
		}
		mb[0]->magic = WAKE_MAGIC;
		if (xc_domain_unpause(xch, id[0]) == -1)
			return fail("unpause");
	}
	/* warm up: every guest in its loop and counting */
	t0 = mono_ns();
	for (i = 0; i < sc->ndom; i++)
		while (mb[i]->count == 0) {
			if (mono_ns() - t0 > 20000000000ull) {
				errno = ETIMEDOUT;
				return fail("a guest did not start counting");
			}
			sleep_ms(5);
		}
	sleep_ms(window_ms / 4 + 100);
	n0 = total(mb, sc->ndom);
	cpu_by_kind(c0);
	t0 = mono_ns();
	sleep_ms(window_ms);
	n1 = total(mb, sc->ndom);
	cpu_by_kind(c1);
	t1 = mono_ns();
	all = 0;
	for (k = 0; k < T_NR; k++)
		all += c1[k] - c0[k];
	printf("%s\n  %llu events in %.2f s (%.0f/s): daemon CPU %.2f us "
	    "per event", sc->name, (unsigned long long)(n1 - n0),
	    (double)(t1 - t0) / 1e9, (double)(n1 - n0) * 1e9 /
	    (double)(t1 - t0), n1 > n0 ? (double)all / 1e3 /
	    (double)(n1 - n0) : 0.0);
	for (k = 0; k < T_NR; k++)
		printf("%s %s %.2f", k ? "," : " (", tname[k], n1 > n0 ?
		    (double)(c1[k] - c0[k]) / 1e3 / (double)(n1 - n0) : 0.0);
	printf("); %.1f%% of one CPU", (double)all * 100.0 /
	    (double)(t1 - t0));
	if (sc->mode == WAKE_PING && n1 > n0)
		printf("; wall %.1f us per round trip",
		    (double)(t1 - t0) / 1e3 / (double)(n1 - n0));
	printf("\n");
	fflush(stdout);
	for (i = 0; i < sc->ndom; i++) {
		munmap((void *)(uintptr_t)&mb[i]->magic, 4096);
		xc_domain_destroy(xch, id[i]);
	}
	if (n1 == n0) {
		errno = EIO;
		return fail("no events counted");
	}
	xc_interface_close(xch);
	xch = NULL;
	hvd_stop(&hvd);
	return 0;
}

/* dom0 <-> guest: pvecho answers each notify (as in bench_hv). */
static int
run_dom0(const char *daemon, const char *pvecho, unsigned rounds)
{
	struct echo	 e = { 0 };
	uint64_t	 c0[T_NR], c1[T_NR], t0, t1, all;
	unsigned	 k;

	if (hvd_start(&hvd, daemon, 1) == -1)
		return fail("start the daemon");
	if ((xch = xc_interface_open(NULL, NULL, 0)) == NULL)
		return fail("xc_interface_open");
	if (echo_start(xch, pvecho, 16384, rounds + 1000, &e) == -1)
		return fail("start pvecho");
	cpu_by_kind(c0);
	t0 = mono_ns();
	if (echo_rounds(&e, rounds) == -1)
		return fail("event round trip");
	t1 = mono_ns();
	cpu_by_kind(c1);
	all = 0;
	for (k = 0; k < T_NR; k++)
		all += c1[k] - c0[k];
	printf("event round trip dom0 <-> guest, one pCPU\n  %u round trips: "
	    "daemon CPU %.2f us per round trip", rounds,
	    (double)all / 1e3 / rounds);
	for (k = 0; k < T_NR; k++)
		printf("%s %s %.2f", k ? "," : " (", tname[k],
		    (double)(c1[k] - c0[k]) / 1e3 / rounds);
	printf("); wall %.1f us per round trip\n",
	    (double)(t1 - t0) / 1e3 / rounds);
	echo_stop(xch, &e);
	xc_interface_close(xch);
	xch = NULL;
	hvd_stop(&hvd);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned	secs = 3, window, i;
	int		smoke;

	if (argc < 4) {
		fprintf(stderr, "usage: bench_wake xvm-hypervisor pv-wake.elf "
		    "pv-pvecho.elf [SECONDS]\n");
		return 2;
	}
	if (argc > 4)
		secs = (unsigned)strtoul(argv[4], NULL, 10);
	smoke = secs == 0;
	window = smoke ? 300 : secs * 1000;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (smoke && !scenarios[i].smoke)
			continue;
		if (run(&scenarios[i], argv[1], argv[2], window) != 0)
			return 1;
	}
	return run_dom0(argv[1], argv[3], smoke ? 200 : 20000);
}
