/* svc.startd internals: instances, the dependency graph, methods, contracts, control. */
#ifndef XVM_SMF_STARTD_STARTD_H
#define XVM_SMF_STARTD_STARTD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>
#include <time.h>

#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);	\
	    (var) = (tvar))
#endif

struct buf;
struct event;
struct event_base;
struct evloop_defer;
struct evloop_listener;
struct evloop_signals;
struct repo;

enum model { MODEL_CONTRACT, MODEL_TRANSIENT, MODEL_CHILD };

enum grouping { G_REQUIRE_ALL, G_REQUIRE_ANY, G_OPTIONAL_ALL, G_EXCLUDE_ALL };

/* restart_on, ordered: a value admits every reason at or below it. */
enum restart_on { RO_NONE, RO_ERROR, RO_RESTART, RO_REFRESH };

/* Why an instance stops; dependents react per their restart_on. */
enum stop_why {
	WHY_DISABLE,		/* administrator disabled it */
	WHY_ERROR,		/* died, failed, maintenance */
	WHY_RESTART,		/* svcadm restart */
	WHY_REFRESH,		/* refreshed (dependents only) */
	WHY_DEPENDENCY,		/* a dependency went away */
	WHY_SHUTDOWN,		/* svc.startd is exiting */
};

enum meth { METH_NONE, METH_START, METH_STOP, METH_REFRESH, METH_DRAIN };

struct method_cfg {
	char		*exec;		/* NULL: absent */
	unsigned	 timeout;	/* seconds, 0 = none */
	char		*wd;		/* working directory, or NULL */
};

struct dep {
	char		*name;
	enum grouping	 grouping;
	enum restart_on	 restart_on;
	int		 is_path;
	char		**ents;
	size_t		 nents;
};

struct startd;

struct inst {
	TAILQ_ENTRY(inst) entry;
	struct startd	*sd;
	int64_t		 id;
	int64_t		 svc_id;
	char		*svc;
	char		*name;
	char		*fmri;
	char		*logpath;
	int		 seen;		/* still in the repository */

	/* Configuration, from the running snapshot. */
	enum model	 model;
	struct method_cfg start, stop, refresh;
	struct dep	*deps;
	size_t		 ndeps;
	int		 enabled;	/* general/enabled */
	int		 enabled_tmp;	/* -1, or svcadm -t's 0/1 */

	/* State, mirrored into the repository's state table. */
	int		 state;
	int		 next_state;
	time_t		 stime;
	int		 blocked;
	char		 aux[64];
	char		 reason[512];

	/* The method in progress, or METH_DRAIN while killing leftovers. */
	enum meth	 meth;
	pid_t		 meth_pid;
	int		 timed_out;
	struct event	*timer;
	time_t		 drain_deadline;
	int		 stop_target;	/* state once stopped */
	enum stop_why	 stop_why;
	int		 stop_pending;	/* waiting for dependents to stop */
	int		 maint_pending;	/* svcadm mark during a method */

	/* The contract: processes carrying SMF_FMRI=fmri. */
	int64_t		 ctid;
	int		 adopted;	/* contract of an earlier svc.startd */
	pid_t		 child_pid;	/* the child model's process */
	int		 nfails;
	time_t		 deaths[3];
};

TAILQ_HEAD(inst_list, inst);

struct startd {
	struct event_base *base;
	struct repo	*repo;
	struct inst_list insts;
	struct evloop_defer *eval;	/* graph evaluation, once per turn */
	struct evloop_listener *listener;
	struct event	*sigchld;
	struct event	*tick;
	struct event	*quit_timer;
	char		*mfdir;
	int64_t		 next_ctid;
	int		 shutting_down;
};

/* inst.c: instances and their configuration. */
void		 inst_load_all(struct startd *);
void		 inst_load_config(struct startd *, struct inst *);
struct inst	*inst_find_fmri(struct startd *, const char *svc,
		    const char *inst);
/* Resolve a pattern to one instance; NULL with *cause (caller frees). */
struct inst	*inst_resolve(struct startd *, const char *pattern,
		    char **cause);
int		 inst_enabled(const struct inst *);
void		 inst_set_state(struct inst *, int state, const char *reason);
void		 inst_save(struct inst *);
void		 inst_log(struct inst *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 inst_free(struct inst *);
void		 dep_free(struct dep *, size_t);

/* deps.c: dependency evaluation.  */
enum dep_status { DEP_SAT, DEP_WAIT, DEP_UNSAT };
enum dep_status	 deps_eval(struct startd *, struct inst *, char *why,
		    size_t whysize);
/* Does inst have a dependency (of any grouping) naming other? */
struct dep	*deps_on(struct inst *, struct inst *other);
/* Is other online/degraded and needed by inst (ignoring other)? */
int		 deps_other_satisfies(struct startd *, struct inst *,
		    struct dep *, struct inst *gone);

/* graph.c: the restarter. */
void		 graph_kick(struct startd *);
void		 graph_eval(void *arg);
void		 graph_method_done(struct inst *, int wstatus);
void		 graph_child_exited(struct inst *, int wstatus);
void		 graph_contract_empty(struct inst *);
void		 graph_drained(struct inst *);
void		 graph_stop(struct inst *, int target, enum stop_why);
int		 graph_enable(struct startd *, struct inst *, int on, int tmp,
		    int recursive, struct buf *msg);
int		 graph_restart(struct inst *, struct buf *msg);
int		 graph_refresh(struct inst *, struct buf *msg);
int		 graph_clear(struct inst *, struct buf *msg);
int		 graph_mark(struct inst *, int state, int immediate,
		    struct buf *msg);
void		 graph_reload(struct startd *);
void		 graph_shutdown(struct startd *);

/* method.c: running methods. */
int		 method_run(struct inst *, enum meth, const struct method_cfg *);
int		 method_expand(struct inst *, const char *meth_name,
		    const char *exec, char **out, char **cause);
void		 method_sigchld(struct startd *);
void		 method_cancel_timer(struct inst *);

/* contract.c: process tracking. */
size_t		 contract_pids(struct inst *, pid_t *out, size_t max);
int		 contract_empty(struct inst *);
void		 contract_signal(struct inst *, int sig);
/* Forget the cached scan (after a fork, a reaped child, a signal). */
void		 contract_invalidate(void);
void		 contract_cleanup(void);
void		 contract_drain(struct inst *, unsigned timeout);

/* control.c: the control socket. */
int		 control_listen(struct startd *, const char *path);
/* The prologue's checks on a decoded request: 0 or an errno value. */
struct ctl_req;
int		 control_check(const struct ctl_req *, char **cause);
int		 control_dispatch(struct startd *, uint32_t type,
		    const uint8_t *payload, size_t len, struct buf *reply);

#endif
