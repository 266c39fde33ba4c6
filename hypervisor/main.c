/* xvm-hypervisor: the hypervisor core's program; subcommands dispatch from here. */
#include <stdio.h>
#include <string.h>

#include "hypervisor/run.h"
#include "lib/log.h"

static void
usage(void)
{
	fprintf(stderr, "usage: xvm-hypervisor run [options] KERNEL\n"
	    "       (see xvm-hypervisor(8))\n");
}

int
main(int argc, char **argv)
{
	log_init("xvm-hypervisor", 1, 0);
	if (argc < 2) {
		usage();
		return 2;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	fprintf(stderr, "xvm-hypervisor: %s: unknown command (known: run)\n",
	    argv[1]);
	return 2;
}
