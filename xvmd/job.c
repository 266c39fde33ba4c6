/*
 * Jobs: long operations in their own threads, and the one way back into
 * the loop.  A call from a job is queued under a mutex, the loop is woken
 * through an eventfd, runs every queued call in its turn and signals each
 * caller; so a job's view of the vm table and the store is always the
 * loop's, one whole step at a time, and the loop never waits for a job.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/log.h"
#include "lib/queue.h"
#include "lib/xmalloc.h"
#include "xvmd/job.h"
#include "xvmd/xvmd.h"

struct call {
	TAILQ_ENTRY(call)	 entry;
	int			 (*fn)(struct xvmd *, void *);
	void			*arg;
	struct job		*ended;		/* not a call: this job ended */
	int			 rc;
	int			 done;
};
TAILQ_HEAD(callq, call);

struct job {
	TAILQ_ENTRY(job)	 entry;
	struct jobs		*js;
	const struct job_ops	*ops;
	void			*arg;
	pthread_t		 thread;
};

struct jobs {
	struct xvmd		*xd;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct callq		 calls;		/* under lock */
	int			 efd;
	struct event		*ev;
	TAILQ_HEAD(, job)	 running;	/* the loop's */
	int			 n;
	void			 (*on_idle)(struct xvmd *);
};

static void
wake(struct jobs *js)
{
	uint64_t	 one = 1;

	while (write(js->efd, &one, sizeof(one)) == -1 && errno == EINTR)
		;
}

static void
job_ended(struct jobs *js, struct job *j)
{
	TAILQ_REMOVE(&js->running, j, entry);
	js->n--;
	if (j->ops->done != NULL)
		j->ops->done(js->xd, j->arg);
	if ((errno = pthread_join(j->thread, NULL)) != 0)
		log_warn("%s: joining the %s job", __func__, j->ops->what);
	free(j);
	if (js->n == 0 && js->on_idle != NULL)
		js->on_idle(js->xd);
}

static void
drain(evutil_socket_t fd, short what, void *arg)
{
	struct jobs	*js = arg;
	struct callq	 mine;
	struct call	*c;
	uint64_t	 v;

	(void)what;
	(void)!read(fd, &v, sizeof(v));
	TAILQ_INIT(&mine);
	pthread_mutex_lock(&js->lock);
	TAILQ_CONCAT(&mine, &js->calls, entry);
	pthread_mutex_unlock(&js->lock);
	while ((c = TAILQ_FIRST(&mine)) != NULL) {
		TAILQ_REMOVE(&mine, c, entry);
		if (c->ended != NULL) {
			job_ended(js, c->ended);
			free(c);
			continue;
		}
		c->rc = c->fn(js->xd, c->arg);
		pthread_mutex_lock(&js->lock);
		c->done = 1;
		pthread_cond_broadcast(&js->cond);
		pthread_mutex_unlock(&js->lock);
	}
}

void
job_init(struct xvmd *xd)
{
	struct jobs	*js = xcalloc(1, sizeof(*js));

	js->xd = xd;
	pthread_mutex_init(&js->lock, NULL);
	pthread_cond_init(&js->cond, NULL);
	TAILQ_INIT(&js->calls);
	TAILQ_INIT(&js->running);
	if ((js->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1)
		fatal("%s: eventfd", __func__);
	js->ev = event_new(xd->base, js->efd, EV_READ | EV_PERSIST, drain, js);
	if (js->ev == NULL || event_add(js->ev, NULL) == -1)
		fatalx("%s: cannot watch the job queue", __func__);
	xd->jobs = js;
}

void
job_fini(struct xvmd *xd)
{
	struct jobs	*js = xd->jobs;

	if (js == NULL)
		return;
	event_free(js->ev);
	close(js->efd);
	pthread_mutex_destroy(&js->lock);
	pthread_cond_destroy(&js->cond);
	free(js);
	xd->jobs = NULL;
}

static void *
body(void *arg)
{
	struct job	*j = arg;
	struct jobs	*js = j->js;
	struct call	*c = xcalloc(1, sizeof(*c));

	j->ops->run(j, j->arg);
	c->ended = j;
	pthread_mutex_lock(&js->lock);
	TAILQ_INSERT_TAIL(&js->calls, c, entry);
	pthread_mutex_unlock(&js->lock);
	wake(js);
	return NULL;
}

int
job_start(struct xvmd *xd, const struct job_ops *ops, void *arg)
{
	struct jobs	*js = xd->jobs;
	struct job	*j = xcalloc(1, sizeof(*j));
	int		 err;

	j->js = js;
	j->ops = ops;
	j->arg = arg;
	TAILQ_INSERT_TAIL(&js->running, j, entry);
	js->n++;
	if ((err = pthread_create(&j->thread, NULL, body, j)) != 0) {
		TAILQ_REMOVE(&js->running, j, entry);
		js->n--;
		free(j);
		errno = err;
		return -1;
	}
	return 0;
}

int
job_call(struct job *j, int (*fn)(struct xvmd *, void *), void *arg)
{
	struct jobs	*js = j->js;
	struct call	 c = { .fn = fn, .arg = arg };

	pthread_mutex_lock(&js->lock);
	TAILQ_INSERT_TAIL(&js->calls, &c, entry);
	pthread_mutex_unlock(&js->lock);
	wake(js);
	pthread_mutex_lock(&js->lock);
	while (!c.done)
		pthread_cond_wait(&js->cond, &js->lock);
	pthread_mutex_unlock(&js->lock);
	return c.rc;
}

struct xvmd *
job_xvmd(struct job *j)
{
	return j->js->xd;
}

int
job_count(struct xvmd *xd)
{
	return xd->jobs != NULL ? xd->jobs->n : 0;
}

void
job_stop_all(struct xvmd *xd, void (*on_idle)(struct xvmd *))
{
	struct jobs	*js = xd->jobs;
	struct job	*j;

	js->on_idle = on_idle;
	if (js->n == 0) {
		on_idle(xd);
		return;
	}
	log_info("%s: waiting for %d job(s) to end", __func__, js->n);
	TAILQ_FOREACH(j, &js->running, entry)
		if (j->ops->cancel != NULL)
			j->ops->cancel(j->arg);
}
