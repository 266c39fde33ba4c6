/*
 * Xenbus round trip from the mini-OS through the real ring and xenstored
 * (the guest's `xs bench N`: N reads of its domid, timed by the guest),
 * beside the same read from dom0 over xenstored's socket (libxenstore),
 * in the same run on the same store.
 *
 * usage: bench_minios_xenbus XVM_HYPERVISOR XENSTORED MINIOS_ELF [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/integration/minios/stackdom.h"

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int
main(int argc, char **argv)
{
	static struct sguest g;
	struct stack s;
	char line[64], want[64], path[96];
	const char *p;
	unsigned long n = 1000, us, ns;
	double t0;
	int rc = 1;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: bench_minios_xenbus XVM_HYPERVISOR "
		    "XENSTORED MINIOS_ELF [N]\n");
		return 2;
	}
	if (argc == 5 && (n = strtoul(argv[4], NULL, 10)) == 0)
		n = 1000;
	if (stack_start(&s, argv[1], argv[2], 2) == -1 ||
	    sguest_boot(&g, argv[3], 1, 64, "idle ticks=0", "bench") == -1)
		goto out;
	if (!sguest_wait(&g, "workload: ", 60000)) {
		fprintf(stderr, "bench: the guest did not boot\n");
		goto out;
	}
	for (int run = 0; run < 3; run++) {
		sguest_mark(&g);
		snprintf(line, sizeof(line), "xs bench %lu\r", n);
		snprintf(want, sizeof(want), "xs: bench %lu reads: ", n);
		if (sguest_type(&g, line) == -1 ||
		    !sguest_wait(&g, " ns/read", 120000) ||
		    (p = strstr(g.console + g.mark, want)) == NULL ||
		    sscanf(p + strlen(want), "%lu us, %lu", &us, &ns) != 2) {
			fprintf(stderr, "bench: no result from the guest\n");
			goto out;
		}
		printf("guest ring read round trip: %lu ns (%lu reads in %lu "
		    "us)\n", ns, n, us);
		snprintf(path, sizeof(path), "%s/domid", g.home);
		t0 = now_us();
		for (unsigned long i = 0; i < n; i++)
			free(xs_read(g.xs, XBT_NULL, path, NULL));
		printf("dom0 socket read round trip: %.0f ns\n",
		    (now_us() - t0) * 1e3 / (double)n);
	}
	rc = 0;
out:
	sguest_destroy(&g);
	stack_stop(&s);
	return rc;
}
