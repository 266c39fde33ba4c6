/*
 * Process contracts without a kernel that has them.  svc.startd is a
 * child subreaper (prctl PR_SET_CHILD_SUBREAPER), so every process a
 * method leaves behind stays its descendant, and every method runs with
 * SMF_FMRI=<fmri> in its environment, which each descendant inherits in
 * /proc/<pid>/environ even after clearenv() or setsid() (the initial
 * environment block is not rewritten).  A contract is thus: descendants of
 * svc.startd whose initial environment holds SMF_FMRI=<fmri>.  A daemon
 * that re-executes itself with a scrubbed environment escapes; cgroups
 * would catch it and are the next step where they are writable.
 *
 * Processes also carry XVM_ROOT, so svc.startd instances of different
 * roots never mistake each other's services.  A new svc.startd adopts a
 * running contract left by one that died (kill -9): such processes are no
 * longer its descendants, so an adopted contract is scanned over all of
 * /proc and its death noticed by the periodic tick instead of SIGCHLD.
 */
#include <signal.h>
#include <unistd.h>

#include "lib/paths.h"
#include "smf/client.h"
#include "smf/startd/startd.h"

size_t
contract_pids(struct inst *in, pid_t *out, size_t max)
{
	/* Adopted from an earlier svc.startd: not our descendants. */
	return smf_contract_pids(in->adopted ? 0 : getpid(), in->fmri,
	    xvm_root(), out, max);
}

int
contract_empty(struct inst *in)
{
	pid_t	 one;

	return contract_pids(in, &one, 1) == 0;
}

void
contract_signal(struct inst *in, int sig)
{
	pid_t	 pids[1024];
	size_t	 n, i;

	n = contract_pids(in, pids, 1024);
	if (n > 1024)
		n = 1024;
	for (i = 0; i < n; i++)
		(void)kill(pids[i], sig);
}
