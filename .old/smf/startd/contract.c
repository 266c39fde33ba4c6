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
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/paths.h"
#include "smf/procs.h"
#include "smf/startd/startd.h"

/*
 * One scan serves every question asked within SCAN_REUSE_MS (a SIGCHLD
 * batch, the drain timers of a shutdown) unless something that changes
 * the answer happened in between: a fork, a signal sent, a child reaped.
 */
#define SCAN_REUSE_MS	20

static struct {
	struct smf_procs	 procs;
	struct timespec		 when;
	int			 valid;
} scans[2];			/* [0] our descendants, [1] all of /proc */

void
contract_invalidate(void)
{
	scans[0].valid = scans[1].valid = 0;
}

static const struct smf_procs *
snapshot(int all)
{
	struct timespec	 now;
	long		 ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - scans[all].when.tv_sec) * 1000 +
	    (now.tv_nsec - scans[all].when.tv_nsec) / 1000000;
	if (scans[all].valid && ms >= 0 && ms < SCAN_REUSE_MS)
		return &scans[all].procs;
	smf_procs_free(&scans[all].procs);
	if (smf_procs_scan(all ? 0 : getpid(), xvm_root(),
	    &scans[all].procs) == -1)
		memset(&scans[all].procs, 0, sizeof(scans[all].procs));
	scans[all].when = now;
	scans[all].valid = 1;
	return &scans[all].procs;
}

size_t
contract_pids(struct inst *in, pid_t *out, size_t max)
{
	/* Adopted from an earlier svc.startd: not our descendants. */
	return smf_procs_find(snapshot(in->adopted), in->fmri, out, max);
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
	contract_invalidate();
}

void
contract_cleanup(void)
{
	smf_procs_free(&scans[0].procs);
	smf_procs_free(&scans[1].procs);
	contract_invalidate();
}
