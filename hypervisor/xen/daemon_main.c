/* xvm-hypervisor before the CPU core is merged: the daemon alone. */
#include <stddef.h>

#include "hypervisor/xen/daemon.h"

int
main(int argc, char **argv)
{
	return hv_daemon_main(argc, argv, NULL);
}
