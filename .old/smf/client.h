/* What the SMF commands share: --root, the repository, svc.startd's socket, patterns. */
#ifndef XVM_SMF_CLIENT_H
#define XVM_SMF_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct repo;
struct repo_inst;

/*
 * Take "--root DIR" / "--root=DIR" out of argv (anywhere before "--"),
 * set up logging to stderr as 'prog' and the paths (lib/paths.h).  Exits
 * with status 2 on a bad root.
 */
void		 smf_cmd_init(const char *prog, int *argc, char **argv);

/* Open the repository; on failure print why and exit 1. */
struct repo	*smf_cmd_repo(int create);

/*
 * Send one request to svc.startd.  Returns the status (0 or an errno
 * value) with *msg (caller frees), or -1 with errno when it is not
 * running (ENOENT, ECONNREFUSED) or unreachable.
 */
int		 smf_cmd_call(uint32_t type, int argc, const char *const *argv,
		    char **msg);

/* svc.startd's pid from its pid file, or 0. */
pid_t		 smf_startd_pid(void);

/*
 * Indices into all[0..nall) of the instances pattern names; returns how
 * many (at most max are stored).
 */
size_t		 smf_match(const char *pattern, const struct repo_inst *all,
		    size_t nall, size_t *idx, size_t max);

#endif
