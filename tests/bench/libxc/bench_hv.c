/*
 * Figures for xvm-hypervisor through libxc (docs/PERFORMANCE.md):
 * privcmd op latency, create-to-first-instruction and destroy latency,
 * the event-channel round trip dom0 <-> guest, and N idle 64 MiB
 * domains at once (daemon memory per domain, host CPU while idle).
 *   bench_hv xvm-hypervisor pvecho.elf spin.elf idle.elf clockguest.elf [N]
 * N = 0 runs a smoke pass (small counts) for `meson test`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xvm/xenctrl.h>

#include "benchlib.h"

static struct hvd	 hvd;
static xc_interface	*xch;

static int
fail(const char *what)
{
	fprintf(stderr, "bench_hv: %s: %s\n", what, strerror(errno));
	hvd_stop(&hvd);
	return 1;
}

/* The daemon's CPU time so far, ns (all its threads). */
static uint64_t
daemon_cpu_ns(void)
{
	static const char *const all[1] = { "" };
	uint64_t	cpu[1];

	daemon_cpu(&hvd, all, 1, cpu);
	return cpu[0];
}

int
main(int argc, char **argv)
{
	xc_domaininfo_t		 info;
	struct echo		 e = { 0 };
	uint32_t		*ids, id;
	uint64_t		 t0, t1, sum_first = 0, sum_destroy = 0, c0, c1;
	unsigned		 fds0, fds1, i, n, nops, reps;
	unsigned long		 rss0, rss1;
	char			 ring[4096], want[64];
	unsigned		 nr;
	uint32_t		 idx = 0;

	if (argc < 6) {
		fprintf(stderr, "usage: bench_hv xvm-hypervisor pvecho.elf "
		    "spin.elf idle.elf clockguest.elf [N]\n");
		return 2;
	}
	n = argc > 6 ? (unsigned)strtoul(argv[6], NULL, 10) : 1000;
	nops = n ? 20000 : 200;
	reps = n ? 50 : 3;
	if (hvd_start(&hvd, argv[1], 2) == -1)
		return fail("start the daemon");
	if ((xch = xc_interface_open(NULL, NULL, 0)) == NULL)
		return fail("xc_interface_open");

	t0 = mono_ns();
	for (i = 0; i < nops; i++)
		if (xc_domain_getinfolist(xch, 0, 1, &info) != 1)
			return fail("getinfolist");
	printf("privcmd op latency (getinfolist of 1): %.1f us\n",
	    (double)(mono_ns() - t0) / nops / 1000.0);

	for (i = 0; i < reps; i++) {
		nr = sizeof(ring);
		while (xc_readconsolering(xch, ring, &nr, 0, 1, &idx) == 0 &&
		    nr == sizeof(ring))
			nr = sizeof(ring);	/* skip to the end */
		t0 = mono_ns();
		if ((id = guest_create(xch, argv[3], 1, 65536)) == 0 ||
		    xc_domain_unpause(xch, id) == -1)
			return fail("create spin");
		/* The guest's first act is a console_io hypercall. */
		snprintf(want, sizeof(want), "(d%u) spin: spinning", id);
		do {
			nr = sizeof(ring) - 1;
			if (xc_readconsolering(xch, ring, &nr, 0, 1, &idx) == -1)
				return fail("readconsolering");
			ring[nr] = '\0';
		} while (strstr(ring, want) == NULL);
		sum_first += mono_ns() - t0;
		t0 = mono_ns();
		if (xc_domain_destroy(xch, id) == -1)
			return fail("destroy");
		sum_destroy += mono_ns() - t0;
	}
	printf("create + load ELF + start to the guest's first hypercall: "
	    "%.2f ms\n",
	    (double)sum_first / reps / 1e6);

	/*
	 * To its first instructions: clockguest's third instruction stores
	 * a count at 0x83f00008, which we watch through a foreign mapping
	 * mapped before the unpause, every 20 us (a busy spin would take a
	 * core from the pCPU threads on a small host).
	 */
	sum_first = 0;
	for (i = 0; i < reps; i++) {
		volatile uint64_t	*pub;

		t0 = mono_ns();
		if ((id = guest_create(xch, argv[5], 1, 65536)) == 0)
			return fail("create clockguest");
		pub = xc_map_foreign_range(xch, id, 4096, PROT_READ,
		    0x83f00);
		if (pub == NULL || xc_domain_unpause(xch, id) == -1)
			return fail("start clockguest");
		while (pub[1] == 0) {
			struct timespec ts = { 0, 20000 };

			nanosleep(&ts, NULL);
		}
		sum_first += mono_ns() - t0;
		munmap((void *)(uintptr_t)pub, 4096);
		if (xc_domain_destroy(xch, id) == -1)
			return fail("destroy");
	}
	printf("create + load ELF + start to the guest's first "
	    "instructions: %.2f ms\n", (double)sum_first / reps / 1e6);
	printf("destroy of a running domain: %.3f ms\n",
	    (double)sum_destroy / reps / 1e6);

	if (echo_start(xch, argv[2], 65536, nops, &e) == -1)
		return fail("start pvecho");
	t0 = mono_ns();
	if (echo_rounds(&e, nops) == -1)
		return fail("event round trip");
	printf("event-channel round trip dom0 -> guest -> dom0: %.1f us\n",
	    (double)(mono_ns() - t0) / nops / 1000.0);
	echo_stop(xch, &e);

	if (n == 0)
		n = 10;
	if ((ids = calloc(n, sizeof(*ids))) == NULL)
		return fail("calloc");
	hvd_usage(&hvd, &fds0, &rss0);
	t0 = mono_ns();
	for (i = 0; i < n; i++)
		if ((ids[i] = guest_create(xch, argv[4], 1, 65536)) == 0 ||
		    xc_domain_unpause(xch, ids[i]) == -1)
			return fail("create idle");
	t1 = mono_ns() - t0;
	sleep_ms(1000);		/* let every one boot and block */
	hvd_usage(&hvd, &fds1, &rss1);
	c0 = daemon_cpu_ns();
	t0 = mono_ns();
	sleep_ms(5000);
	c1 = daemon_cpu_ns();
	printf("%u idle 64 MiB domains: created in %.2f s; daemon RSS %lu -> "
	    "%lu KiB (%.0f KiB per domain, guest pages included); "
	    "%u -> %u fds\n", n, (double)t1 / 1e9, rss0, rss1,
	    (double)(rss1 - rss0) / n, fds0, fds1);
	printf("host CPU of the daemon with them idle: %.2f%% of one CPU\n",
	    (double)(c1 - c0) * 100.0 / (double)(mono_ns() - t0));
	{
		xc_physinfo_t	pi;

		if (xc_physinfo(xch, &pi) == 0)
			printf("pages the guests touched: %llu (%.1f per "
			    "domain)\n", (unsigned long long)pi.domain_pages,
			    (double)pi.domain_pages / n);
	}
	t0 = mono_ns();
	for (i = 0; i < n; i++)
		xc_domain_destroy(xch, ids[i]);
	printf("destroying them: %.3f ms each\n",
	    (double)(mono_ns() - t0) / n / 1e6);
	free(ids);
	xc_interface_close(xch);
	hvd_stop(&hvd);
	return 0;
}
