/* xvm-hypervisor: the hypervisor core's program; subcommands dispatch from here. */
#include <stdio.h>
#include <string.h>

#include "hypervisor/run.h"
#include "hypervisor/xen/daemon.h"
#include "hypervisor/xen/rvglue.h"
#include "lib/log.h"

static void
usage(void)
{
	fprintf(stderr, "usage: xvm-hypervisor run [options] KERNEL | "
	    "xvm-hypervisor [-dFv] [--root dir] (the daemon)\n"
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
	/* Options and no subcommand: the daemon (hypervisor/xen/daemon.c). */
	if (argv[1][0] == '-')
		return hv_daemon_main(argc, argv, &rv_machine_ops);
	fprintf(stderr, "xvm-hypervisor: %s: unknown command (known: run)\n",
	    argv[1]);
	return 2;
}
