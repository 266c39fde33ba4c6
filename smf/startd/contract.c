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
 */
#include <signal.h>
#include <unistd.h>

#include "smf/client.h"
#include "smf/startd/startd.h"

size_t
contract_pids(const char *fmri, pid_t *out, size_t max)
{
	return smf_contract_pids(getpid(), fmri, out, max);
}

int
contract_empty(const char *fmri)
{
	pid_t	 one;

	return contract_pids(fmri, &one, 1) == 0;
}

void
contract_signal(const char *fmri, int sig)
{
	pid_t	 pids[1024];
	size_t	 n, i;

	n = contract_pids(fmri, pids, 1024);
	if (n > 1024)
		n = 1024;
	for (i = 0; i < n; i++)
		(void)kill(pids[i], sig);
}
