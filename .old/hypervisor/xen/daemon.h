/* The xvm-hypervisor daemon: options, logging, the privcmd loop. */
#ifndef XVM_HV_DAEMON_H
#define XVM_HV_DAEMON_H

struct machine_ops;

/*
 * Run the daemon (xvm-hypervisor with no subcommand): parse argv, serve
 * run/xvm/privcmd until SIGTERM.  mops is the machine glue that runs
 * vCPUs (NULL: domains get memory, events and grants but cannot run).
 * Returns the exit status.
 */
int	 hv_daemon_main(int argc, char **argv, const struct machine_ops *mops);

#endif
