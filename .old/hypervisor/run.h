/* The one-guest runner: `xvm-hypervisor run` (man/xvm-hypervisor.8). */
#ifndef XVM_HYPERVISOR_RUN_H
#define XVM_HYPERVISOR_RUN_H

/* argv[0] is "run".  Returns the process exit status. */
int	cmd_run(int argc, char **argv);

#endif
