/* privcmd handlers for the whole-domain context: records for save and restore. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xvm/privcmd.h>

#include "hypervisor/xen/control_priv.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/evtchn.h"
#include "hypervisor/xen/gnttab.h"
#include "hypervisor/xen/logdirty.h"
#include "hypervisor/xen/timer.h"

/*
 * The context is what the hypervisor holds about a domain beyond its
 * memory: the domain record (size, scheduler parameters, HVM params,
 * where its shared_info is), one record per vCPU (the hart's registers
 * and CSRs as the CPU core lists them, whether it is up, its PV timer),
 * the guest clock and the grant table's frames.  Timer deadlines are
 * guest time, so with the clock they carry over a save and restore.  Both directions need the domain paused,
 * so no vCPU is inside cpu_run() while its state is read or written.
 */

#define CTX_MAX_FIELDS	128

static void
rec(struct buf *b, uint32_t type, const void *body, uint32_t len)
{
	struct privcmd_ctx_rec	h = { type, len };
	static const uint8_t	pad[8];

	buf_add(b, &h, sizeof(h));
	buf_add(b, body, len);
	buf_add(b, pad, (8 - len % 8) % 8);
}

static int
paused(struct domain *d)
{
	int	p;

	pthread_mutex_lock(&d->lock);
	p = d->ctl_paused > 0;
	pthread_mutex_unlock(&d->lock);
	return p;
}

int
ctl_domain_getcontext(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	const struct machine_ops	*m = c->hv->mops;
	struct privcmd_ctx_domain	 dr;
	struct privcmd_ctx_vcpu		 vr;
	struct privcmd_ctx_clock	 clk;
	uint64_t			 body[(sizeof(vr) / 8) + CTX_MAX_FIELDS];
	uint64_t			 gfns[GNTTAB_MAX_FRAMES], t;
	struct dom_vcpu			*v;
	unsigned			 i, n, w, cap;

	(void)req; (void)len;
	if (m == NULL || m->save_vcpu == NULL)
		return ENOSYS;
	if (!paused(d))
		return EBUSY;
	memset(&dr, 0, sizeof(dr));
	dr.max_vcpus = d->max_vcpus;
	sched_get_credit(c->hv->sched, d, &w, &cap);
	dr.weight = w;
	dr.cap = cap;
	dr.mem_bytes = d->mm.span;
	dr.max_pages = d->mm.max_pages;
	dr.shared_info_gfn = domain_shared_info_gfn(d);
	dr.nr_params = HVM_NR_PARAMS;
	pthread_mutex_lock(&d->lock);
	memcpy(dr.hvm_param, d->hvm_param, sizeof(dr.hvm_param));
	pthread_mutex_unlock(&d->lock);
	rec(r->payload, PRIVCMD_CTX_DOMAIN, &dr, sizeof(dr));
	memset(&clk, 0, sizeof(clk));
	clk.guest_ns = domain_guest_time_ns(d);	/* stopped: paused */
	rec(r->payload, PRIVCMD_CTX_CLOCK, &clk, sizeof(clk));
	for (i = 0; i < d->max_vcpus; i++) {
		v = d->vcpu[i];
		memset(&vr, 0, sizeof(vr));
		vr.vcpu = i;
		vr.up = sched_vcpu_state(v) != VS_DOWN;
		vr.affinity = sched_get_affinity(c->hv->sched, v);
		t = __atomic_load_n(&v->timer_pv, __ATOMIC_SEQ_CST);
		vr.timer_pv = t == TIMER_NONE ? 0 : t;	/* guest time */
		n = m->save_vcpu(v, body + sizeof(vr) / 8, CTX_MAX_FIELDS);
		if (n == 0)
			return EOVERFLOW;
		vr.nfields = n;
		memcpy(body, &vr, sizeof(vr));
		rec(r->payload, PRIVCMD_CTX_VCPU, body,
		    (uint32_t)(sizeof(vr) + n * 8));
	}
	n = gnttab_get_frames(d, gfns);
	if (n > 0)
		rec(r->payload, PRIVCMD_CTX_GNTTAB, gfns, n * 8);
	rec(r->payload, PRIVCMD_CTX_END, NULL, 0);
	return 0;
}

/* Check every record before applying any: bad input changes nothing. */
static int
check(struct domain *d, const uint8_t *p, size_t len)
{
	struct privcmd_ctx_rec	 h;
	struct privcmd_ctx_domain dr;
	struct privcmd_ctx_vcpu	 vr;
	struct privcmd_ctx_clock clk;
	size_t			 off = 0, body;
	int			 seen_dom = 0;

	while (off + sizeof(h) <= len) {
		memcpy(&h, p + off, sizeof(h));
		off += sizeof(h);
		body = (h.len + 7u) & ~(size_t)7;
		if (h.len > len - off || body > len - off)
			return EINVAL;
		switch (h.type) {
		case PRIVCMD_CTX_DOMAIN:
			if (h.len != sizeof(dr))
				return EINVAL;
			memcpy(&dr, p + off, sizeof(dr));
			if (dr.max_vcpus != d->max_vcpus ||
			    dr.mem_bytes != d->mm.span ||
			    dr.nr_params != HVM_NR_PARAMS || dr.weight < 1 ||
			    dr.weight > 65535 || (dr.shared_info_gfn != 0 &&
			    mm_gpa_ptr(&d->mm, dr.shared_info_gfn <<
			    MM_PAGE_SHIFT, MM_PAGE_SIZE) == NULL))
				return EINVAL;
			seen_dom = 1;
			break;
		case PRIVCMD_CTX_VCPU:
			if (h.len < sizeof(vr))
				return EINVAL;
			memcpy(&vr, p + off, sizeof(vr));
			if (vr.vcpu >= d->max_vcpus ||
			    vr.nfields > CTX_MAX_FIELDS ||
			    h.len != sizeof(vr) + vr.nfields * 8)
				return EINVAL;
			break;
		case PRIVCMD_CTX_GNTTAB:
			if (h.len % 8 != 0 || h.len / 8 > GNTTAB_MAX_FRAMES)
				return EINVAL;
			break;
		case PRIVCMD_CTX_CLOCK:
			if (h.len != sizeof(clk))
				return EINVAL;
			memcpy(&clk, p + off, sizeof(clk));
			if (clk.pad != 0 || clk.guest_ns >= TIMER_NONE / 2)
				return EINVAL;
			break;
		case PRIVCMD_CTX_END:
			return seen_dom ? 0 : EINVAL;
		default:
			return EINVAL;
		}
		off += body;
	}
	return EINVAL;			/* no END record */
}

int
ctl_domain_setcontext(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	const struct machine_ops	*m = c->hv->mops;
	const uint8_t			*p = (const uint8_t *)req +
					    sizeof(struct privcmd_domid);
	struct privcmd_ctx_rec		 h;
	struct privcmd_ctx_domain	 dr;
	struct privcmd_ctx_vcpu		 vr;
	struct privcmd_ctx_clock	 clk;
	uint64_t			 fields[CTX_MAX_FIELDS];
	uint64_t			 gfns[GNTTAB_MAX_FRAMES];
	struct dom_vcpu			*v;
	size_t				 off = 0, n = len - sizeof(struct privcmd_domid);
	int				 rc;

	(void)r;
	if (m == NULL || m->load_vcpu == NULL)
		return ENOSYS;
	if (!paused(d))
		return EBUSY;
	if ((rc = check(d, p, n)) != 0)
		return rc;
	for (;;) {
		memcpy(&h, p + off, sizeof(h));
		off += sizeof(h);
		switch (h.type) {
		case PRIVCMD_CTX_DOMAIN:
			memcpy(&dr, p + off, sizeof(dr));
			pthread_mutex_lock(&d->lock);
			memcpy(d->hvm_param, dr.hvm_param, sizeof(dr.hvm_param));
			pthread_mutex_unlock(&d->lock);
			mm_set_max_pages(&d->mm, dr.max_pages);
			(void)sched_set_credit(c->hv->sched, d, dr.weight,
			    dr.cap);
			if (dr.shared_info_gfn != 0)
				evtchn_set_shared_info(d, mm_gpa_ptr(&d->mm,
				    dr.shared_info_gfn << MM_PAGE_SHIFT,
				    MM_PAGE_SIZE));
			break;
		case PRIVCMD_CTX_VCPU:
			memcpy(&vr, p + off, sizeof(vr));
			memcpy(fields, p + off + sizeof(vr), vr.nfields * 8);
			v = d->vcpu[vr.vcpu];
			if ((rc = m->load_vcpu(v, fields,
			    (unsigned)vr.nfields)) != 0)
				return rc;
			(void)sched_set_affinity(c->hv->sched, v, vr.affinity);
			/* Guest time: armed when the domain is unpaused. */
			__atomic_store_n(&v->timer_pv, vr.timer_pv == 0 ?
			    TIMER_NONE : vr.timer_pv, __ATOMIC_SEQ_CST);
			if (vr.up)
				sched_vcpu_up(c->hv->sched, v);
			break;
		case PRIVCMD_CTX_CLOCK:
			memcpy(&clk, p + off, sizeof(clk));
			domain_guest_time_set(d, clk.guest_ns);
			break;
		case PRIVCMD_CTX_GNTTAB:
			memcpy(gfns, p + off, h.len);
			if ((rc = gnttab_set_frames(d, gfns, h.len / 8)) != 0)
				return rc;
			break;
		case PRIVCMD_CTX_END:
			return 0;
		}
		off += (h.len + 7u) & ~(size_t)7;
	}
}

int
ctl_logdirty(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	const struct machine_ops	*m = c->hv->mops;
	struct privcmd_logdirty		 ld;
	struct privcmd_logdirty_reply	 rep;
	uint64_t			*bits, i;
	int				 rc;

	(void)len;
	memcpy(&ld, req, sizeof(ld));
	switch (ld.op) {
	case PRIVCMD_LOGDIRTY_OFF:
		return logdirty_disable(d);
	case PRIVCMD_LOGDIRTY_ON:
		return logdirty_enable(d, m != NULL && m->ram_view != NULL ?
		    m->ram_view(d) : NULL);
	case PRIVCMD_LOGDIRTY_PEEK:
	case PRIVCMD_LOGDIRTY_CLEAN:
		if (ld.count == 0 || ld.count / 8 >
		    PRIVCMD_MAX_PAYLOAD - sizeof(rep))
			return EINVAL;
		if ((bits = calloc(ld.count / 64 + 1, 8)) == NULL)
			return ENOMEM;
		rc = logdirty_peek(d, ld.first, ld.count, bits,
		    ld.op == PRIVCMD_LOGDIRTY_CLEAN);
		if (rc == 0) {
			rep.count = ld.count;
			rep.dirty = 0;
			for (i = 0; i < ld.count / 64; i++)
				rep.dirty += (uint64_t)__builtin_popcountll(
				    bits[i]);
			buf_add(r->payload, &rep, sizeof(rep));
			buf_add(r->payload, bits, ld.count / 8);
		}
		free(bits);
		return rc;
	default:
		return EINVAL;
	}
}
