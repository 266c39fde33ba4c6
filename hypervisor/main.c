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
	fprintf(stderr, "usage: xvm-hypervisor [-Fv] [-c file] [-n ncpus] "
	    "[--root dir]\n"
	    "       xvm-hypervisor run [options] KERNEL\n"
	    "       (see xvm-hypervisor(8))\n");
}

int
main(int argc, char **argv)
{
	log_init("xvm-hypervisor", 1, 0);
	if (argc >= 2 && strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	/* No subcommand, only options: the daemon (hypervisor/xen/). */
	if (argc < 2 || argv[1][0] == '-')
		return hv_daemon_main(argc, argv, &rv_machine_ops);
	fprintf(stderr, "xvm-hypervisor: %s: unknown command\n", argv[1]);
	usage();
	return 2;
}
