/* Long operations off xvmd's event loop: a thread per job, and calls back into the loop. */
#ifndef XVM_XVMD_JOB_H
#define XVM_XVMD_JOB_H

struct job;
struct xvmd;

/*
 * A job is one thread doing one long operation (writing a save file,
 * reading one, a migration either way, a core dump) while the loop keeps
 * serving clients.  The vm table, the store handle and the API belong to
 * the loop: a job touches them only from a function it runs with
 * job_call(), which waits until the loop has run it.
 *
 * 'run' is the thread's body.  When it returns, 'done' (may be NULL)
 * runs on the loop with the same arg, and the thread is joined.
 * 'cancel' (may be NULL) runs on the loop when xvmd stops: it must make
 * the thread finish soon (shut its socket down, say); the job's own
 * failure path then runs as for any other failure.
 */
struct job_ops {
	const char	*what;		/* for logs: "migrate", "save" */
	void		 (*run)(struct job *, void *arg);
	void		 (*done)(struct xvmd *, void *arg);
	void		 (*cancel)(void *arg);
};

/* Start a job; 0, or -1 with errno (the thread could not start). */
int	 job_start(struct xvmd *, const struct job_ops *, void *arg);

/* In a job's thread: run fn(xd, arg) on the loop, wait, return its value. */
int	 job_call(struct job *, int (*fn)(struct xvmd *, void *), void *arg);

/* The daemon a job works for. */
struct xvmd *job_xvmd(struct job *);

/* On the loop: wire the queue to it (once, at start); jobs running now. */
void	 job_init(struct xvmd *);
int	 job_count(struct xvmd *);

/*
 * xvmd stops: cancel every job; on_idle(xd) runs on the loop once none
 * is left (at once if none runs).
 */
void	 job_stop_all(struct xvmd *, void (*on_idle)(struct xvmd *));

/* After the loop has ended: free the queue. */
void	 job_fini(struct xvmd *);

#endif
