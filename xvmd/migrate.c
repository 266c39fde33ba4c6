/*
 * Live migration, the sending side.
 *
 * The order is what makes a failure safe (xend's source destroyed its
 * domain before the destination had confirmed anything):
 *
 *   1. HELLO: the destination checks name, UUID, memory; ACCEPT or REFUSE.
 *   2. The save stream, live: rounds while the guest runs (migpolicy.c),
 *      then the guest suspends (or, without PV suspend, is paused) for
 *      the last copy.  The destination restores it paused and checks the
 *      whole stream (its SHA-256) before it answers READY.
 *   3. COMMIT: from here the destination may run it; it unpauses and
 *      answers RUNNING.  Only then is the domain destroyed here.
 *
 * Any failure before COMMIT leaves the domain running here (resumed if it
 * had suspended), and the destination, seeing the connection end without
 * a COMMIT, destroys what it had.  After COMMIT and before RUNNING this
 * side cannot tell: it keeps the domain stopped and asks again over a new
 * connection (RESOLVE), which makes the destination decide for good --
 * an incoming migration still pending there is aborted by the question.
 * Only when the destination stays out of reach past the timeout is the
 * domain left paused here, and the error says so.  /xvm/outgoing/<uuid>
 * records the phase, so that an xvmd restarted half-way does the same.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xvm/xc_sr.h>
#include <xvm/xenctrl.h>
#include <xvm/xenstore.h>
#include "lib/json.h"
#include "lib/log.h"
#include "lib/str.h"
#include "lib/uuid.h"
#include "lib/xmalloc.h"
#include "xvmd/domcfg.h"
#include "xvmd/job.h"
#include "xvmd/lifecycle.h"
#include "xvmd/migpolicy.h"
#include "xvmd/migrate.h"
#include "xvmd/migrate_priv.h"
#include "xvmd/reloc.h"
#include "xvmd/vm.h"
#include "xvmd/xsdom.h"
#include "xvmd/xvmd.h"

uint64_t
mig_now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void
mig_state(struct migration *m, const char *state)
{
	pthread_mutex_lock(&m->lock);
	m->state = state;
	pthread_mutex_unlock(&m->lock);
}

/* The channel, published for cancel (chan_shutdown from the loop). */
static void
set_chan(struct migration *m, struct chan *c)
{
	pthread_mutex_lock(&m->lock);
	if (c == NULL && m->chan != NULL)
		chan_close(m->chan);
	m->chan = c;
	if (c != NULL && m->cancelled)
		chan_shutdown(c);
	pthread_mutex_unlock(&m->lock);
}

static void
fail(struct migration *m, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct migration *m, int err, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	(void)xvasprintf(&msg, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&m->lock);
	if (m->error == NULL) {		/* the first reason is the one */
		m->error = msg;
		m->err = err;
	} else
		free(msg);
	pthread_mutex_unlock(&m->lock);
}

/* The peer's REFUSE: {"code": "EEXIST", "message": "..."}. */
static void
peer_refused(struct migration *m, const char *body)
{
	yajl_val	 doc;
	const char	*msg = NULL;
	char		*why = NULL;

	if ((doc = json_parse(body, strlen(body), CHAN_MAX_MSG, &why)) != NULL)
		msg = json_get_str(doc, "message");
	fail(m, EACCES, "%s refused: %s", m->host, msg ? msg :
	    "no reason given");
	m->refused = 1;
	json_free(doc);
	free(why);
}

/* After a failed write: a REFUSE the peer sent before closing, if any. */
static void
peer_reason(struct migration *m, struct chan *c)
{
	uint32_t	 type;
	char		*b = NULL, *cause = NULL;

	if (chan_recv(c, &type, &b, &cause) == 0 && type == MSG_REFUSE)
		peer_refused(m, b);
	free(b);
	free(cause);
}

/* Wait for message 'want'; a REFUSE or anything else fails m. */
static int
expect(struct migration *m, struct chan *c, uint32_t want, char **body)
{
	uint32_t	 type;
	char		*b = NULL, *cause = NULL;

	if (chan_recv(c, &type, &b, &cause) == -1) {
		fail(m, EIO, "%s", cause);
		free(cause);
		return -1;
	}
	if (type == want) {
		if (body != NULL)
			*body = b;
		else
			free(b);
		return 0;
	}
	if (type == MSG_REFUSE)
		peer_refused(m, b);
	else
		fail(m, EPROTO, "%s sent message %u where %u was due", m->host,
		    type, want);
	free(b);
	return -1;
}

static char *
hello_json(struct migration *m)
{
	struct json_w	*w;
	char		 u[UUID_STR_LEN], *out;
	int		 i;

	uuid_format(m->uuid, u);
	if ((w = json_w_new(0)) == NULL)
		fatalx("%s: out of memory", __func__);
	json_w_obj_open(w);
	json_w_ki64(w, "version", 1);
	json_w_kstr(w, "id", m->id);
	json_w_kstr(w, "name", m->name);
	json_w_kstr(w, "uuid", u);
	json_w_kbool(w, "managed", m->managed);
	json_w_kbool(w, "live", m->live);
	json_w_ki64(w, "memory_bytes", (int64_t)m->mem_bytes);
	json_w_ki64(w, "vcpus", m->vcpus);
	/* The stream may pause this long while the guest suspends. */
	json_w_ki64(w, "suspend_timeout_s", m->conf.suspend_s);
	/* The rings, so that the store entries are written early there. */
	json_w_key(w, "rings");
	json_w_arr_open(w);
	for (i = 0; i < 4; i++)
		json_w_u64(w, m->rings[i]);
	json_w_arr_close(w);
	json_w_obj_close(w);
	if ((out = json_w_strdup(w)) == NULL)
		fatalx("%s: bad document", __func__);
	json_w_free(w);
	return out;
}

/* The guest has stopped: shut down with reason suspend.  1, 0 (no), -1. */
static int
suspended_yet(struct migration *m)
{
	xc_domaininfo_t	 info;
	unsigned	 reason;
	uint64_t	 t = mig_now_ns();

	if (xc_domain_getinfolist(m->xch, (uint32_t)m->domid, 1, &info) != 1 ||
	    info.domain != (uint32_t)m->domid) {
		fail(m, EIO, "domain '%s' went away while it was migrated",
		    m->name);
		return -1;
	}
	if (!(info.flags & XEN_DOMINF_shutdown)) {
		m->t_seen_running = t;	/* it stopped after this, if at all */
		return 0;
	}
	reason = (info.flags >> XEN_DOMINF_shutdownshift) &
	    XEN_DOMINF_shutdownmask;
	if (reason != SHUTDOWN_suspend) {
		fail(m, ECANCELED, "domain '%s' shut down instead of "
		    "suspending", m->name);
		return -1;
	}
	return 1;
}

/* Ask a PV guest to suspend (once); 0 or -1. */
static int
ask_suspend(struct migration *m)
{
	if (m->asked)
		return 0;
	if (job_call(m->job, mig_ask_suspend, m) == -1)
		return -1;
	m->t_asked = mig_now_ns();
	return 0;
}

/* Past shutdown-timeout since the guest was asked? (fails m then) */
static int
suspend_overdue(struct migration *m)
{
	if (mig_now_ns() - m->t_asked <= (uint64_t)m->conf.suspend_s *
	    1000000000ull)
		return 0;
	fail(m, ETIMEDOUT, "domain '%s' did not suspend within %d seconds "
	    "(does its kernel support it?)", m->name, m->conf.suspend_s);
	return 1;
}

static int
is_cancelled(struct migration *m)
{
	int	 c;

	pthread_mutex_lock(&m->lock);
	c = m->cancelled;
	pthread_mutex_unlock(&m->lock);
	return c;
}

/* Under m->lock: one more round of 'sent' pages, for the record. */
static void
count_round(struct migration *m, uint64_t sent)
{
	if (m->nrounds < MIG_ROUNDS_KEPT)
		m->round_pages[m->nrounds++] = sent;
	else
		m->round_pages[MIG_ROUNDS_KEPT - 1] += sent;
}

/*
 * After each live round: progress, and the policy's word.  A PV guest
 * takes a while to suspend when asked (its kernel acknowledges through
 * the store, quiesces, then stops): so when the policy says stop, the
 * guest is asked, and the rounds go on -- short ones -- until it has
 * stopped, and only what it dirtied since the last of them is left for
 * the copy with it stopped.
 */
static int
on_round(const struct xc_sr_round *r, void *data)
{
	struct migration	*m = data;
	struct timespec		 nap = { 0, 200000 };
	int			 stop, rc;

	if (is_cancelled(m))
		return 1;		/* stop_domain fails it */
	if (!m->asked) {
		stop = migpolicy_round(&m->policy, r);
		pthread_mutex_lock(&m->lock);
		m->round = r->round;
		m->pages_sent += r->sent;
		count_round(m, r->sent);
		m->dirty = r->dirty;
		m->dirty_pps = m->policy.dirty_pps;
		m->link_bps = m->policy.link_bps;
		if (stop)
			m->why_stopped = m->policy.why;
		pthread_mutex_unlock(&m->lock);
		log_debug("%s: %s round %u: %" PRIu64 " pages sent in %.1f ms, %"
		    PRIu64 " dirtied (%.0f pages/s), link %.0f MiB/s%s%s",
		    __func__, m->name, r->round, r->sent, (double)r->ns / 1e6,
		    r->dirty, m->policy.dirty_pps,
		    m->policy.link_bps / (1 << 20), stop ? "; stopping: " : "",
		    stop ? m->policy.why : "");
		if (!stop || !m->pv_suspend)
			return stop;
		if (ask_suspend(m) == -1)
			return 1;	/* stop_domain fails it */
		mig_state(m, "stopping");
		return 0;
	}
	pthread_mutex_lock(&m->lock);
	m->pages_sent += r->sent;
	count_round(m, r->sent);
	m->dirty = r->dirty;
	pthread_mutex_unlock(&m->lock);
	if ((rc = suspended_yet(m)) != 0 || suspend_overdue(m))
		return 1;
	if (r->dirty < MIGPOLICY_FLOOR_PAGES)
		nanosleep(&nap, NULL);	/* nothing much to copy meanwhile */
	return 0;
}

/*
 * xc_domain_save's suspend callback: stop the domain for the last copy.
 * A PV guest suspends itself when asked (xend's way: it quiesces and
 * reconnects on the other side); any other is paused.
 */
static int
stop_domain(void *data)
{
	struct migration	*m = data;
	struct timespec		 nap = { 0, 100000 };
	int			 rc;

	mig_state(m, "stopping");
	if (m->error != NULL || is_cancelled(m))
		return 0;
	if (m->pv_suspend) {
		if (ask_suspend(m) == -1)
			return 0;
		while ((rc = suspended_yet(m)) == 0) {
			if (suspend_overdue(m) || is_cancelled(m))
				return 0;
			if (mig_now_ns() - m->t_asked > 50000000)
				nap.tv_nsec = 2000000;
			nanosleep(&nap, NULL);
		}
		if (rc == -1)
			return 0;
		m->suspended = 1;
		/* The downtime counts from when it was last seen running. */
		m->t_stop = m->t_seen_running;
	} else
		m->t_stop = mig_now_ns();
	if (xc_domain_pause(m->xch, (uint32_t)m->domid) == -1) {
		fail(m, EIO, "cannot pause %s: %s", m->name, strerror(errno));
		return 0;
	}
	m->paused = 1;
	return 1;
}

/* Send the domain: HELLO, the stream, READY.  0 or -1 (m failed). */
static int
send_domain(struct migration *m, struct chan *c)
{
	struct save_callbacks	 cb = { .suspend = stop_domain };
	char			*hello, *cause = NULL;
	int			 saved;

	hello = hello_json(m);
	if (chan_send(c, MSG_HELLO, hello, &cause) == -1) {
		fail(m, EIO, "%s", cause);
		free(cause);
		free(hello);
		return -1;
	}
	free(hello);
	m->phase = "copying";
	if (expect(m, c, MSG_ACCEPT, NULL) == -1 ||
	    job_call(m->job, mig_mark, m) == -1)
		return -1;
	mig_state(m, "copying");
	cb.round = on_round;
	cb.toolstack = m->ts;
	cb.toolstack_len = m->tslen;
	cb.io = chan_io(c);
	/* The policy ends the rounds, then the wait for a suspend does. */
	cb.max_iters = UINT32_MAX;
	cb.dirty_threshold = 1;
	cb.data = m;
	if (xc_domain_save(m->xch, -1, (uint32_t)m->domid,
	    m->live ? XCFLAGS_LIVE : 0, &cb) == -1) {
		saved = errno;
		/* The peer may have said why it stopped reading. */
		if (m->error == NULL && (saved == EPIPE || saved == ECONNRESET))
			peer_reason(m, c);
		fail(m, EIO, "sending %s to %s: %s", m->name, m->host,
		    saved == ETIMEDOUT ? "the destination stopped reading" :
		    saved == EPIPE || saved == ECONNRESET ? "the destination "
		    "closed the connection" : strerror(saved));
		return -1;
	}
	pthread_mutex_lock(&m->lock);
	m->bytes = chan_bytes(c);
	m->stopped_pages = cb.stopped_pages;
	m->pages_sent += cb.stopped_pages;
	pthread_mutex_unlock(&m->lock);
	mig_state(m, "committing");
	m->t_sent = mig_now_ns();
	if (expect(m, c, MSG_READY, NULL) == -1)
		return -1;
	m->t_ready = mig_now_ns();
	return 0;
}

/*
 * After COMMIT without an answer: ask over a new connection until the
 * destination says, or the time is up.  1 committed, 0 aborted, -1 not
 * known.
 */
static int
resolve(struct migration *m)
{
	struct chan	*c;
	uint64_t	 deadline = mig_now_ns() +
			    2ull * (uint64_t)m->conf.timeout_s * 1000000000ull;
	uint32_t	 type;
	char		*body = NULL, *cause = NULL, u[UUID_STR_LEN], req[128];
	yajl_val	 doc;
	const char	*state;
	int		 answer = -1;

	uuid_format(m->uuid, u);
	snprintf(req, sizeof(req), "{\"id\":\"%s\",\"uuid\":\"%s\"}", m->id, u);
	mig_state(m, "resolving");
	while (answer == -1 && !m->cancelled && mig_now_ns() < deadline) {
		c = chan_connect(m->host, m->port, m->tls ? &m->conf.tls : NULL,
		    m->conf.timeout_s, &cause);
		if (c != NULL && chan_send(c, MSG_RESOLVE, req, &cause) == 0 &&
		    chan_recv(c, &type, &body, &cause) == 0 &&
		    type == MSG_RESOLVED &&
		    (doc = json_parse(body, strlen(body), CHAN_MAX_MSG,
		    &cause)) != NULL) {
			state = json_get_str(doc, "state");
			if (state != NULL && strcmp(state, "committed") == 0)
				answer = 1;
			else if (state != NULL && strcmp(state, "aborted") == 0)
				answer = 0;
			json_free(doc);
		}
		if (answer == -1)
			log_warnx("%s: asking %s what became of %s: %s",
			    __func__, m->host, m->name, cause ? cause :
			    "no answer");
		chan_close(c);
		free(body);
		free(cause);
		body = cause = NULL;
		if (answer == -1)
			sleep(1);
	}
	return answer;
}

static void
run(struct job *job, void *arg)
{
	struct migration	*m = arg;
	struct chan		*c;
	char			*cause = NULL, *body = NULL;
	int			 committed = -1;

	m->job = job;
	m->t_start = mig_now_ns();
	if ((m->xch = xc_interface_open(NULL, NULL, 0)) == NULL) {
		fail(m, EIO, "cannot reach the hypervisor: %s",
		    strerror(errno));
		goto out;
	}
	if (m->recovering)
		goto ask;
	mig_state(m, "connecting");
	if ((c = chan_connect(m->host, m->port, m->tls ? &m->conf.tls : NULL,
	    m->conf.timeout_s, &cause)) == NULL) {
		fail(m, EHOSTUNREACH, "%s", cause);
		free(cause);
		goto out;
	}
	set_chan(m, c);
	if (send_domain(m, c) == -1)
		goto out;
	m->phase = "committing";
	if (job_call(m->job, mig_mark, m) == -1)
		goto out;
	/* Cancelled up to here, it runs on here; from here on it cannot be. */
	pthread_mutex_lock(&m->lock);
	if (!m->cancelled)
		m->commit_sent = 1;
	pthread_mutex_unlock(&m->lock);
	if (!m->commit_sent) {
		fail(m, ECANCELED, "the migration of %s was cancelled",
		    m->name);
		goto out;
	}
	if (chan_send(c, MSG_COMMIT, NULL, &cause) == -1) {
		fail(m, EIO, "%s", cause);
		free(cause);
		goto ask;
	}
	if (expect(m, c, MSG_RUNNING, &body) == 0) {
		m->t_running = mig_now_ns();
		committed = 1;
		goto out;
	}
	if (m->refused) {
		committed = 0;		/* it said no: it has nothing */
		goto out;
	}
ask:
	set_chan(m, NULL);
	committed = resolve(m);
	if (committed == 1)
		m->t_running = mig_now_ns();
out:
	set_chan(m, NULL);
	free(body);
	if (committed == 1) {
		pthread_mutex_lock(&m->lock);
		free(m->error);		/* what went wrong did not matter */
		m->error = NULL;
		m->err = 0;
		pthread_mutex_unlock(&m->lock);
		(void)job_call(job, mig_handed_over, m);
	} else if (committed == 0 || !m->commit_sent)
		(void)job_call(job, mig_resume, m);
	else
		(void)job_call(job, mig_unknown, m);
	xc_interface_close(m->xch);
	m->xch = NULL;
}

static void
done(struct xvmd *xd, void *arg)
{
	struct migration	*m = arg;

	pthread_mutex_lock(&m->lock);
	m->state = m->err == 0 ? "done" : "failed";
	m->ended = time(NULL);
	if (m->t_stop != 0 && m->t_running != 0)
		m->downtime_ns = m->t_running - m->t_stop;
	m->total_ns = mig_now_ns() - m->t_start;
	pthread_mutex_unlock(&m->lock);
	if (m->err == 0 && m->t_ready != 0)
		log_info("%s: migrated %s to %s in %.3f s (%u rounds, %" PRIu64
		    " pages, downtime %.1f ms: last copy %.1f (%" PRIu64
		    " pages), checked there %.1f, commit %.1f%s%s)", __func__,
		    m->name, m->host, (double)m->total_ns / 1e9, m->round + 1,
		    m->pages_sent, (double)m->downtime_ns / 1e6,
		    (double)(m->t_sent - m->t_stop) / 1e6, m->stopped_pages,
		    (double)(m->t_ready - m->t_sent) / 1e6,
		    (double)(m->t_running - m->t_ready) / 1e6,
		    m->why_stopped ? "; rounds ended: " : "",
		    m->why_stopped ? m->why_stopped : "");
	else if (m->err == 0)
		log_info("%s: %s runs on %s now (it said so when asked)",
		    __func__, m->name, m->host);
	else
		log_warnx("%s: migrating %s to %s failed: %s", __func__,
		    m->name, m->host, m->error);
	if (m->done != NULL)
		m->done(xd, m, m->err, m->error, m->done_arg);
	mig_put_ref(xd, m);
}

static void
cancel(void *arg)
{
	struct migration	*m = arg;

	pthread_mutex_lock(&m->lock);
	m->cancelled = 1;
	if (m->chan != NULL)
		chan_shutdown(m->chan);
	pthread_mutex_unlock(&m->lock);
}

static const struct job_ops migrate_ops = {
	.what = "migrate",
	.run = run,
	.done = done,
	.cancel = cancel,
};

int
mig_launch(struct xvmd *xd, struct migration *m, char **cause)
{
	if (job_start(xd, &migrate_ops, m) == -1) {
		xasprintf(cause, "cannot start the migration: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}
