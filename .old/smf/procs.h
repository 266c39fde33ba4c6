/* Which processes belong to which SMF contract: one pass over /proc. */
#ifndef XVM_SMF_PROCS_H
#define XVM_SMF_PROCS_H

#include <stddef.h>
#include <sys/types.h>

/* A process and the contract it carries (SMF_FMRI), if any. */
struct smf_proc {
	pid_t	 pid;
	char	*fmri;		/* NULL: none, or another root's */
};

struct smf_procs {
	struct smf_proc	*v;
	size_t		 n;
};

/*
 * Scan /proc: every live process (every descendant of 'ancestor' unless
 * it is 0) with the SMF_FMRI of its initial environment, kept only when
 * its XVM_ROOT equals root (or it has none and root is "").  Fills *out
 * (free with smf_procs_free) and returns 0, or -1 with errno.
 */
int	 smf_procs_scan(pid_t ancestor, const char *root, struct smf_procs *out);
void	 smf_procs_free(struct smf_procs *);

/* The pids carrying fmri: returns how many (at most max stored). */
size_t	 smf_procs_find(const struct smf_procs *, const char *fmri,
	    pid_t *out, size_t max);

/* Scan and find in one call. */
size_t	 smf_contract_pids(pid_t ancestor, const char *fmri, const char *root,
	    pid_t *out, size_t max);

#endif
