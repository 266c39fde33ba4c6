/* Migration internals shared by the sending job (migrate.c) and its loop side (migrate_loop.c). */
#ifndef XVM_XVMD_MIGRATE_PRIV_H
#define XVM_XVMD_MIGRATE_PRIV_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "lib/queue.h"
#include "xvmd/migpolicy.h"
#include "xvmd/migrate.h"
#include "xvmd/reloc.h"

/* Pages sent per round, kept for the record (later rounds add to the last). */
#define MIG_ROUNDS_KEPT	64

struct chan;
struct job;
struct vm;
struct xc_interface_core;

struct migration {
	TAILQ_ENTRY(migration) entry;		/* in xd->reloc->out */
	int			 refs;		/* list, job, front-end */
	char			 id[33];
	uint64_t		 t_created;	/* mig_now_ns(), never changes */

	/* The domain, copied on the loop at the start. */
	struct vm		*vm;		/* the loop's; busy meanwhile */
	int			 domid;
	char			 name[64];
	uint8_t			 uuid[16];
	int			 managed, pv_suspend;
	uint64_t		 mem_bytes;
	uint32_t		 vcpus;
	uint64_t		 rings[4];	/* HVM params, for the HELLO */
	void			*ts;		/* the toolstack record */
	uint32_t		 tslen;

	/* What was asked. */
	char			 host[256];
	uint16_t		 port;
	int			 tls, live;
	struct reloc_conf	 conf;
	struct migpolicy	 policy;
	migrate_done_fn		 done;
	void			*done_arg;
	int			 recovering;	/* only ask what became of it */
	const char		*phase;		/* for mig_mark */

	/* The job's (the loop reads them inside job_call only). */
	struct job		*job;
	struct xc_interface_core *xch;
	int			 asked, suspended, paused, commit_sent;
	int			 refused;	/* the peer said no: it has nothing */
	uint64_t		 t_start, t_asked, t_seen_running, t_stop,
				 t_running, t_sent, t_ready;

	/* Progress and outcome, under lock (the API reads them). */
	pthread_mutex_t		 lock;
	struct chan		*chan;
	int			 cancelled;
	const char		*state;
	uint32_t		 round;
	uint64_t		 pages_sent, bytes, dirty;
	uint64_t		 round_pages[MIG_ROUNDS_KEPT]; /* sent */
	uint32_t		 nrounds;	/* entries of round_pages */
	uint64_t		 stopped_pages;	/* in the last copy */
	double			 dirty_pps, link_bps;
	uint64_t		 downtime_ns, total_ns;
	const char		*why_stopped;
	int			 err;
	char			*error;
	time_t			 ended;		/* 0 while running */
};

uint64_t mig_now_ns(void);
void	 mig_state(struct migration *, const char *);

/* migrate.c: run m's job.  0, or -1 with *cause. */
int	 mig_launch(struct xvmd *, struct migration *, char **cause);

/*
 * migrate_loop.c, through job_call (return 0 or -1): ask the guest to
 * suspend; write /xvm/outgoing/<uuid> with m->phase; the domain runs
 * there now (destroy it here); it runs here again (resume it); nobody
 * knows (leave it stopped, say so).
 */
int	 mig_ask_suspend(struct xvmd *, void *m);
int	 mig_mark(struct xvmd *, void *m);
int	 mig_handed_over(struct xvmd *, void *m);
int	 mig_resume(struct xvmd *, void *m);
int	 mig_unknown(struct xvmd *, void *m);

/* Drop a reference; the last frees m. */
void	 mig_put_ref(struct xvmd *, struct migration *);

#endif
