/*
 * Live migration, the sending side's loop half: starting one, the
 * records the API lists, the steps that touch the vm table and the store
 * (asked for by the job through job_call), and what an xvmd that stopped
 * mid-way finds at its next start (/xvm/outgoing/<uuid>).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xvm/xenctrl.h>
#include <xvm/xenstore.h>
#include "lib/buf.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/str.h"
#include "lib/uuid.h"
#include "lib/xmalloc.h"
#include "xvmd/domcfg.h"
#include "xvmd/lifecycle.h"
#include "xvmd/migrate_priv.h"
#include "xvmd/save.h"
#include "xvmd/vm.h"
#include "xvmd/xsdom.h"
#include "xvmd/xvmd.h"

#define OUTGOING	"/xvm/outgoing"
#define KEEP_ENDED	32	/* ended records kept for GET /migrations */

static void
out_path(char *p, size_t size, const uint8_t uuid[16])
{
	char	 u[UUID_STR_LEN];

	uuid_format(uuid, u);
	snprintf(p, size, OUTGOING "/%s", u);
}

static void
unmark(struct xvmd *xd, const uint8_t uuid[16])
{
	char	 p[96];

	out_path(p, sizeof(p), uuid);
	if (!xs_rm(xd->xs, XBT_NULL, p) && errno != ENOENT)
		log_warn("%s: rm %s", __func__, p);
}

int
mig_mark(struct xvmd *xd, void *arg)
{
	struct migration	*m = arg;
	char			 p[96], v[400];

	out_path(p, sizeof(p), m->uuid);
	snprintf(v, sizeof(v), "%s %s %s %u %d", m->id, m->phase, m->host,
	    m->port, m->tls);
	if (!xs_write(xd->xs, XBT_NULL, p, v, (unsigned)strlen(v))) {
		pthread_mutex_lock(&m->lock);
		if (m->error == NULL) {
			xasprintf(&m->error, "writing %s: %s", p,
			    strerror(errno));
			m->err = EIO;
		}
		pthread_mutex_unlock(&m->lock);
		return -1;
	}
	return 0;
}

int
mig_ask_suspend(struct xvmd *xd, void *arg)
{
	struct migration	*m = arg;
	char			*cause = NULL;

	if (xsdom_request_shutdown(xd, m->domid, "suspend", &cause) == -1) {
		pthread_mutex_lock(&m->lock);
		if (m->error == NULL) {
			m->error = cause;
			m->err = EIO;
		} else
			free(cause);
		pthread_mutex_unlock(&m->lock);
		return -1;
	}
	m->asked = 1;
	return 0;
}

/* The domain runs on the destination: it goes here, config and all. */
int
mig_handed_over(struct xvmd *xd, void *arg)
{
	struct migration	*m = arg;
	struct vm		*vm = m->vm;
	char			*cause = NULL;
	int			 managed = vm->managed;

	vm->busy = NULL;
	vm->handled = 1;
	if (lc_destroy(xd, vm, &cause) == -1) {
		log_warnx("%s: %s", __func__, cause);
		free(cause);
	}
	/* lc_destroy forgot an unmanaged vm; a managed one moved away. */
	if (managed && (vm = vm_by_uuid(xd, m->uuid, NULL)) != NULL &&
	    vm->domid < 0) {
		xsdom_delete_managed(xd, vm);
		TAILQ_REMOVE(&xd->vms, vm, entry);
		vm_free(vm);
	}
	m->vm = NULL;
	unmark(xd, m->uuid);
	return 0;
}

/* Back to running here: the guest told its suspend was cancelled. */
static void
resume_here(struct xvmd *xd, uint32_t domid, int suspended, int paused)
{
	if (suspended) {
		if (xc_domain_resume(xd->xch, domid, 1) == -1)
			log_warn("%s: resuming domain %u", __func__, domid);
		else if (!xs_resume_domain(xd->xs, domid))
			log_warn("%s: telling the store domain %u resumed",
			    __func__, domid);
	}
	if (paused && xc_domain_unpause(xd->xch, domid) == -1)
		log_warn("%s: unpausing domain %u", __func__, domid);
}

int
mig_resume(struct xvmd *xd, void *arg)
{
	struct migration	*m = arg;
	struct vm		*vm = m->vm;
	xc_domaininfo_t		 info;
	char			*cause = NULL;
	int			 late = 0;

	if (m->asked && !m->suspended) {
		/* Withdraw the request; a guest that suspended late resumes. */
		if (xsdom_request_shutdown(xd, m->domid, "", &cause) == -1) {
			log_warnx("%s: %s", __func__, cause);
			free(cause);
		}
		late = xc_domain_getinfolist(xd->xch, (uint32_t)m->domid, 1,
		    &info) == 1 && info.domain == (uint32_t)m->domid &&
		    (info.flags & XEN_DOMINF_shutdown) &&
		    ((info.flags >> XEN_DOMINF_shutdownshift) &
		    XEN_DOMINF_shutdownmask) == SHUTDOWN_suspend;
	}
	resume_here(xd, (uint32_t)m->domid, m->suspended || late, m->paused);
	if (vm != NULL) {
		vm->busy = NULL;
		vm->handled = 0;
		log_info("%s: %s (domain %d) runs on here", __func__, vm->name,
		    vm->domid);
	}
	m->vm = NULL;
	unmark(xd, m->uuid);
	return 0;
}

int
mig_unknown(struct xvmd *xd, void *arg)
{
	struct migration	*m = arg;
	char			*msg;

	(void)xd;
	xasprintf(&msg, "%s did not say whether it runs %s, and could not be "
	    "asked again: %s is left stopped here, so that it does not run "
	    "twice (check %s; xvmd asks again when it restarts)", m->host,
	    m->name, m->name, m->host);
	pthread_mutex_lock(&m->lock);
	free(m->error);
	m->error = msg;
	m->err = ETIMEDOUT;
	pthread_mutex_unlock(&m->lock);
	if (m->vm != NULL) {
		m->vm->busy = NULL;
		m->vm->handled = 1;	/* the suspend is not the guest's doing */
	}
	m->vm = NULL;
	return 0;
}

static void
mig_free(struct migration *m)
{
	pthread_mutex_destroy(&m->lock);
	free(m->ts);
	free(m->error);
	free(m);
}

void
mig_put_ref(struct xvmd *xd, struct migration *m)
{
	(void)xd;
	if (--m->refs == 0)
		mig_free(m);
}

void
migrate_fini(struct xvmd *xd)
{
	struct migration	*m;

	while ((m = TAILQ_FIRST(&xd->reloc->out)) != NULL) {
		TAILQ_REMOVE(&xd->reloc->out, m, entry);
		mig_put_ref(xd, m);
	}
}

/* Ended records beyond KEEP_ENDED leave the list (oldest first). */
static void
prune(struct xvmd *xd)
{
	struct migration	*m, *next;
	int			 n = 0;

	TAILQ_FOREACH(m, &xd->reloc->out, entry)
		if (m->ended != 0)
			n++;
	TAILQ_FOREACH_SAFE(m, &xd->reloc->out, entry, next) {
		if (n <= KEEP_ENDED)
			break;
		if (m->ended == 0)
			continue;
		TAILQ_REMOVE(&xd->reloc->out, m, entry);
		n--;
		mig_put_ref(xd, m);
	}
}

static struct migration *
mig_new(struct xvmd *xd, struct vm *vm)
{
	struct migration	*m = xcalloc(1, sizeof(*m));
	struct buf		 ts = BUF_INITIALIZER;
	char			 p[96], *v;
	unsigned int		 len;

	pthread_mutex_init(&m->lock, NULL);
	reloc_new_id(m->id);
	m->t_created = mig_now_ns();
	m->vm = vm;
	m->domid = vm->domid;
	strlcpy(m->name, vm->name, sizeof(m->name));
	memcpy(m->uuid, vm->uuid, 16);
	m->managed = vm->managed;
	m->mem_bytes = vm->cfg->maxmem << 20;
	m->vcpus = vm->cfg->vcpus;
	save_toolstack_record(vm, &ts);
	m->tslen = (uint32_t)buf_len(&ts);
	m->ts = xmalloc(m->tslen);
	memcpy(m->ts, buf_data(&ts), m->tslen);
	buf_free(&ts);
	/* A PV guest that says it can suspend does; any other is paused. */
	snprintf(p, sizeof(p), "/local/domain/%d/control/feature-suspend",
	    vm->domid);
	if ((v = xs_read(xd->xs, XBT_NULL, p, &len)) != NULL) {
		m->pv_suspend = strcmp(v, "1") == 0;
		free(v);
	}
	(void)xc_hvm_param_get(xd->xch, (uint32_t)vm->domid,
	    HVM_PARAM_STORE_PFN, &m->rings[0]);
	(void)xc_hvm_param_get(xd->xch, (uint32_t)vm->domid,
	    HVM_PARAM_STORE_EVTCHN, &m->rings[1]);
	(void)xc_hvm_param_get(xd->xch, (uint32_t)vm->domid,
	    HVM_PARAM_CONSOLE_PFN, &m->rings[2]);
	(void)xc_hvm_param_get(xd->xch, (uint32_t)vm->domid,
	    HVM_PARAM_CONSOLE_EVTCHN, &m->rings[3]);
	reloc_conf_get(xd, &m->conf);
	m->state = "starting";
	m->refs = 2;			/* the list's, the job's */
	TAILQ_INSERT_TAIL(&xd->reloc->out, m, entry);
	return m;
}

int
migrate_start(struct xvmd *xd, struct vm *vm, const struct migrate_args *a,
    migrate_done_fn done, void *arg, struct migration **out, char **cause)
{
	struct migration	*m;

	if (vm->domid < 0) {
		xasprintf(cause, "domain '%s' is not running", vm->name);
		return EINVAL;
	}
	if (vm->busy != NULL) {
		xasprintf(cause, "domain '%s' is %s; try again when that is "
		    "done", vm->name, vm->busy);
		return EBUSY;
	}
	if (vm->dm != NULL) {
		xasprintf(cause, "domain '%s' has virtio devices: migrating "
		    "their device model is not implemented", vm->name);
		return ENOSYS;
	}
	if (a->host == NULL || *a->host == '\0' || strlen(a->host) >= 256) {
		xasprintf(cause, "the destination host is missing or too long");
		return EINVAL;
	}
	if (xd->stopping) {
		xasprintf(cause, "xvmd is stopping");
		return EAGAIN;
	}
	m = mig_new(xd, vm);
	strlcpy(m->host, a->host, sizeof(m->host));
	m->live = a->live;
	m->tls = a->tls < 0 ? m->conf.ssl_client : a->tls;
	m->port = a->port ? a->port : m->tls ? m->conf.ssl_port : m->conf.port;
	m->policy.downtime_ns = (uint64_t)(a->max_downtime_ms ?
	    a->max_downtime_ms : m->conf.downtime_ms) * 1000000ull;
	m->policy.max_iters = a->max_iters ? a->max_iters : m->conf.max_iters;
	m->done = done;
	m->done_arg = arg;
	if (out != NULL)
		m->refs++;
	vm->busy = "being migrated";
	if (mig_launch(xd, m, cause) == -1) {
		vm->busy = NULL;
		TAILQ_REMOVE(&xd->reloc->out, m, entry);
		mig_free(m);
		return EAGAIN;
	}
	log_info("%s: migrating %s (domain %d) to %s port %u (%s, %s) as %s",
	    __func__, m->name, m->domid, m->host, m->port,
	    m->tls ? "TLS" : "plaintext", m->live ? "live" : "stopped", m->id);
	prune(xd);
	if (out != NULL)
		*out = m;
	return 0;
}

void
migrate_put(struct xvmd *xd, struct migration *m)
{
	if (m != NULL)
		mig_put_ref(xd, m);
}

struct migration *
migrate_find(struct xvmd *xd, const char *id)
{
	struct migration	*m;

	TAILQ_FOREACH(m, &xd->reloc->out, entry)
		if (strcmp(m->id, id) == 0)
			return m;
	return NULL;
}

struct migration *
migrate_find_dom(struct xvmd *xd, const uint8_t uuid[16])
{
	struct migration	*m, *last = NULL;

	TAILQ_FOREACH(m, &xd->reloc->out, entry)
		if (memcmp(m->uuid, uuid, 16) == 0)
			last = m;
	return last;
}

const char *
migrate_id(const struct migration *m)
{
	return m->id;
}

int
migrate_cancel(struct migration *m, char **cause)
{
	int	 err = 0;

	pthread_mutex_lock(&m->lock);
	if (m->ended != 0) {
		xasprintf(cause, "the migration of %s has ended", m->name);
		err = EALREADY;
	} else if (m->commit_sent || m->recovering) {
		xasprintf(cause, "the migration of %s is committing: %s may "
		    "run %s already", m->name, m->name, m->host);
		err = EBUSY;
	} else if (!m->cancelled) {
		m->cancelled = 1;
		if (m->error == NULL) {
			xasprintf(&m->error, "the migration of %s was cancelled",
			    m->name);
			m->err = ECANCELED;
		}
		if (m->chan != NULL)
			chan_shutdown(m->chan);
		log_info("%s: %s to %s", __func__, m->name, m->host);
	}
	pthread_mutex_unlock(&m->lock);
	return err;
}

void
migrate_progress(struct migration *m, struct migrate_progress *p)
{
	pthread_mutex_lock(&m->lock);
	p->state = m->state;
	p->ended = m->ended != 0;
	p->err = m->ended != 0 ? m->err : 0;
	p->round = m->round;
	p->mem_bytes = m->mem_bytes;
	p->pages_sent = m->pages_sent;
	p->last_copy_pages = m->stopped_pages;
	p->dirty_pages = m->dirty;
	p->bytes = m->bytes;
	p->dirty_pages_per_s = m->dirty_pps;
	p->link_bytes_per_s = m->link_bps;
	p->downtime_us = m->ended != 0 ? m->downtime_ns / 1000 : 0;
	p->total_ms = m->ended != 0 ? m->total_ns / 1000000 : 0;
	p->elapsed_ms = (mig_now_ns() - m->t_created) / 1000000;
	pthread_mutex_unlock(&m->lock);
}

void
migrate_to_json(struct migration *m, struct json_w *w)
{
	uint32_t	 i;

	pthread_mutex_lock(&m->lock);
	json_w_obj_open(w);
	json_w_kstr(w, "id", m->id);
	json_w_kstr(w, "domain", m->name);
	json_w_kstr(w, "host", m->host);
	json_w_ki64(w, "port", m->port);
	json_w_kbool(w, "tls", m->tls);
	json_w_kbool(w, "live", m->live);
	json_w_kstr(w, "state", m->state);
	json_w_ki64(w, "round", m->round);
	json_w_ki64(w, "pages_sent", (int64_t)m->pages_sent);
	json_w_key(w, "round_pages");
	json_w_arr_open(w);
	for (i = 0; i < m->nrounds; i++)
		json_w_i64(w, (int64_t)m->round_pages[i]);
	json_w_arr_close(w);
	json_w_ki64(w, "last_copy_pages", (int64_t)m->stopped_pages);
	json_w_ki64(w, "dirty_pages", (int64_t)m->dirty);
	json_w_ki64(w, "dirty_pages_per_s", (int64_t)m->dirty_pps);
	json_w_ki64(w, "link_bytes_per_s", (int64_t)m->link_bps);
	json_w_ki64(w, "bytes", (int64_t)m->bytes);
	json_w_ki64(w, "max_downtime_ms",
	    (int64_t)(m->policy.downtime_ns / 1000000));
	if (m->why_stopped != NULL)
		json_w_kstr(w, "rounds_ended", m->why_stopped);
	if (m->ended != 0) {
		json_w_ki64(w, "downtime_us", (int64_t)(m->downtime_ns / 1000));
		json_w_ki64(w, "total_ms", (int64_t)(m->total_ns / 1000000));
	}
	if (m->error != NULL) {
		json_w_key(w, "error");
		json_w_obj_open(w);
		json_w_ki64(w, "errno", m->err);
		json_w_kstr(w, "message", m->error);
		json_w_obj_close(w);
	}
	json_w_obj_close(w);
	pthread_mutex_unlock(&m->lock);
}

void
migrate_list_json(struct xvmd *xd, struct json_w *w)
{
	struct migration	*m;

	json_w_arr_open(w);
	TAILQ_FOREACH(m, &xd->reloc->out, entry)
		migrate_to_json(m, w);
	json_w_arr_close(w);
}

/*
 * At start: a domain this xvmd was sending when it stopped.  Before the
 * commit it runs on here; after, the destination is asked (in a job)
 * whether it took over.  1 when a job took it on.
 */
static int
recover_one(struct xvmd *xd, const char *u, char *v)
{
	struct migration	*m;
	struct vm		*vm;
	xc_domaininfo_t		 info;
	uint8_t			 uuid[16];
	char			 id[40], phase[16], host[256], *cause = NULL;
	unsigned		 port;
	int			 tls, susp;

	if (uuid_parse(u, uuid) == -1 || sscanf(v, "%39s %15s %255s %u %d", id,
	    phase, host, &port, &tls) != 5 || port > 65535 ||
	    (vm = vm_by_uuid(xd, uuid, NULL)) == NULL || vm->domid < 0 ||
	    xc_domain_getinfolist(xd->xch, (uint32_t)vm->domid, 1, &info) != 1)
		return 0;		/* nothing of it is left here */
	(void)xc_shadow_control(xd->xch, (uint32_t)vm->domid,
	    XEN_DOMCTL_SHADOW_OP_OFF, NULL, 0, NULL, 0, NULL);
	susp = (info.flags & XEN_DOMINF_shutdown) &&
	    ((info.flags >> XEN_DOMINF_shutdownshift) &
	    XEN_DOMINF_shutdownmask) == SHUTDOWN_suspend;
	if (strcmp(phase, "committing") != 0) {
		log_info("%s: %s was being migrated to %s when xvmd stopped, "
		    "before the commit: it runs on here", __func__, vm->name,
		    host);
		resume_here(xd, (uint32_t)vm->domid, susp,
		    (info.flags & XEN_DOMINF_paused) != 0);
		return 0;
	}
	log_info("%s: %s was being handed over to %s when xvmd stopped: "
	    "asking it", __func__, vm->name, host);
	m = mig_new(xd, vm);
	strlcpy(m->id, id, sizeof(m->id));
	strlcpy(m->host, host, sizeof(m->host));
	m->port = (uint16_t)port;
	m->tls = tls != 0;
	m->recovering = m->commit_sent = 1;
	m->suspended = susp;
	m->paused = (info.flags & XEN_DOMINF_paused) != 0 && !susp;
	vm->busy = "being migrated";
	if (mig_launch(xd, m, &cause) == -1) {
		log_warnx("%s: %s", __func__, cause);
		free(cause);
		vm->busy = NULL;
		TAILQ_REMOVE(&xd->reloc->out, m, entry);
		mig_free(m);
		return 0;
	}
	return 1;
}

void
migrate_recover(struct xvmd *xd)
{
	char		**ents, p[96], *v;
	unsigned int	 n, i, len;

	if ((ents = xs_directory(xd->xs, XBT_NULL, OUTGOING, &n)) == NULL)
		return;
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), OUTGOING "/%s", ents[i]);
		if ((v = xs_read(xd->xs, XBT_NULL, p, &len)) == NULL ||
		    !recover_one(xd, ents[i], v))
			(void)xs_rm(xd->xs, XBT_NULL, p);
		free(v);
	}
	free(ents);
}
