/*
 * libvirt's job procedures for a domain being migrated: virsh domjobinfo
 * (GetJobStats, GetJobInfo) and domjobabort (AbortJob), from the
 * migration record (migrate.h); docs/libvirt.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "xvmd/migrate.h"
#include "xvmd/virt.h"
#include "xvmd/virt_procs.h"
#include "xvmd/vm.h"

#define PAGE	4096ull

/* virDomainJobType */
enum { JOB_NONE, JOB_BOUNDED, JOB_UNBOUNDED, JOB_COMPLETED, JOB_FAILED,
    JOB_CANCELLED };

/* The domain's migration, running, or NULL. */
static struct migration *
running(struct virt_call *c, struct migrate_progress *p)
{
	struct migration	*m;

	if (c->vm == NULL || (m = migrate_find_dom(c->xd, c->vm->uuid)) ==
	    NULL)
		return NULL;
	migrate_progress(m, p);
	return p->ended ? NULL : m;
}

/* What is left to send: the dirty pages, else (round 0) the rest. */
static uint64_t
remaining(const struct migrate_progress *p)
{
	uint64_t	 sent = p->pages_sent * PAGE;

	if (p->round == 0)
		return sent < p->mem_bytes ? p->mem_bytes - sent : 0;
	return p->dirty_pages * PAGE;
}

static uint64_t
elapsed_ms(const struct migrate_progress *p)
{
	return p->ended ? p->total_ms : p->elapsed_ms;
}

static void
put_ull(struct buf *b, const char *field, uint64_t v)
{
	xdr_put_str(b, field);
	xdr_put_i32(b, 4);			/* VIR_TYPED_PARAM_ULLONG */
	xdr_put_u64(b, v);
}

/* REMOTE_PROC_DOMAIN_GET_JOB_INFO: dom. */
int
vp_get_job_info(struct virt_call *c)
{
	struct migrate_progress	 p;
	uint64_t		 rem;

	memset(&p, 0, sizeof(p));
	if (running(c, &p) == NULL) {
		xdr_put_i32(c->out, JOB_NONE);
		for (int i = 0; i < 11; i++)
			xdr_put_u64(c->out, 0);
		return 0;
	}
	rem = remaining(&p);
	xdr_put_i32(c->out, JOB_UNBOUNDED);
	xdr_put_u64(c->out, elapsed_ms(&p));	/* timeElapsed */
	xdr_put_u64(c->out, 0);			/* timeRemaining */
	xdr_put_u64(c->out, p.pages_sent * PAGE + rem);	/* data */
	xdr_put_u64(c->out, p.pages_sent * PAGE);
	xdr_put_u64(c->out, rem);
	xdr_put_u64(c->out, p.pages_sent * PAGE + rem);	/* mem */
	xdr_put_u64(c->out, p.pages_sent * PAGE);
	xdr_put_u64(c->out, rem);
	xdr_put_u64(c->out, 0);			/* file */
	xdr_put_u64(c->out, 0);
	xdr_put_u64(c->out, 0);
	return 0;
}

/* REMOTE_PROC_DOMAIN_GET_JOB_STATS: dom, flags (COMPLETED 1 is the last
 * one that ended, as long as it is listed). */
int
vp_get_job_stats(struct virt_call *c)
{
	struct migrate_progress	 p;
	struct migration	*m = NULL;
	uint32_t		 flags;
	uint64_t		 rem;
	int			 type = JOB_NONE, n;

	if (xdr_get_u32(c->in, &flags) == -1)
		return virt_bad_args(c);
	memset(&p, 0, sizeof(p));
	if (c->vm != NULL && (m = migrate_find_dom(c->xd, c->vm->uuid)) !=
	    NULL) {
		migrate_progress(m, &p);
		if ((flags & 1) && p.ended)
			type = p.err == 0 ? JOB_COMPLETED : p.err ==
			    ECANCELED ? JOB_CANCELLED : JOB_FAILED;
		else if (!(flags & 1) && !p.ended)
			type = JOB_UNBOUNDED;
	}
	xdr_put_i32(c->out, type);
	if (type == JOB_NONE) {
		xdr_put_u32(c->out, 0);
		return 0;
	}
	rem = p.ended ? 0 : remaining(&p);
	n = p.ended ? 12 : 11;
	xdr_put_u32(c->out, (uint32_t)n);
	put_ull(c->out, "time_elapsed", elapsed_ms(&p));
	put_ull(c->out, "data_total", p.pages_sent * PAGE + rem);
	put_ull(c->out, "data_processed", p.pages_sent * PAGE);
	put_ull(c->out, "data_remaining", rem);
	put_ull(c->out, "memory_total", p.mem_bytes);
	put_ull(c->out, "memory_processed", p.pages_sent * PAGE);
	put_ull(c->out, "memory_remaining", rem);
	put_ull(c->out, "memory_dirty_rate", (uint64_t)p.dirty_pages_per_s);
	put_ull(c->out, "memory_iteration", p.round);
	put_ull(c->out, "memory_page_size", PAGE);
	put_ull(c->out, "memory_bps", (uint64_t)p.link_bytes_per_s);
	if (p.ended)
		put_ull(c->out, "downtime", p.downtime_us / 1000);
	return 0;
}

/* REMOTE_PROC_DOMAIN_ABORT_JOB: dom. */
int
vp_abort_job(struct virt_call *c)
{
	struct migrate_progress	 p;
	struct migration	*m;
	char			*cause = NULL;
	int			 err;

	if ((m = running(c, &p)) == NULL)
		return virt_error(c, VIR_ERR_OPERATION_INVALID, "Requested "
		    "operation is not valid: no job is active on domain '%s'",
		    c->vm ? c->vm->name : "Domain-0");
	if ((err = migrate_cancel(m, &cause)) != 0) {
		virt_error(c, VIR_ERR_OPERATION_INVALID, "Requested operation "
		    "is not valid: %s", cause);
		free(cause);
		return -1;
	}
	log_info("%s: %s", __func__, c->vm->name);
	return 0;
}
