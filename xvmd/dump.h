/* xm dump-core and on_crash = "coredump-*": a domain's ELF core, written in a job. */
#ifndef XVM_XVMD_DUMP_H
#define XVM_XVMD_DUMP_H

struct api_later;
struct vm;
struct xvmd;

/*
 * xm dump-core: write vm's core to 'file' (absolute; NULL: xend's name
 * in var/lib/xvm/dump/) in a job.  Without 'live' the domain is paused
 * while its memory is copied; with 'crash' it is crashed afterwards
 * (on_crash applies, without a second core).  'later' is answered with
 * `name`, `file`, `bytes`.  0, or an errno value with *cause.
 */
int	 dump_begin(struct xvmd *, struct vm *, const char *file, int live,
	    int crash, struct api_later *later, char **cause);

/*
 * A crashed vm whose on_crash is coredump-destroy or coredump-restart
 * (or any, with enable-dump): its core to var/lib/xvm/dump/, then
 * lc_after_dump() applies the action.  0 when the job started.
 */
int	 dump_on_crash(struct xvmd *, struct vm *);

#endif
