/* The PV hypercalls a guest makes with ecall (docs/guest-abi.md). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "hypervisor/xen/console.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/evtchn.h"
#include "hypervisor/xen/gnttab.h"
#include "hypervisor/xen/hypercall.h"
#include "hypervisor/xen/timer.h"

/*
 * Argument structs live in guest memory at guest-physical addresses (an
 * xvm-riscv rule: the hypervisor does not walk guest page tables).  Each
 * is copied in whole, checked, acted on, and the result copied out; a
 * pointer outside RAM is -EFAULT.  Layouts are Xen's on a 64-bit guest.
 */

/* Calls return host errno values, negated, to the guest. */
XEN_ERRNO_IS_HOST_ERRNO;

static int
copy_in(struct domain *d, void *dst, uint64_t gpa, size_t len)
{
	void	*p = mm_gpa_ptr(&d->mm, gpa, len);

	if (p == NULL)
		return -EFAULT;
	memcpy(dst, p, len);
	return 0;
}

static int
copy_out(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
	void	*p = mm_gpa_ptr(&d->mm, gpa, len);

	if (p == NULL)
		return -EFAULT;
	memcpy(p, src, len);
	return 0;
}

/*
 * memory_op.  The reservation calls do at most HCALL_CHUNK extents per
 * go: with more left, *more is set and a[0] (cmd) carries the extent to
 * resume at, as Xen encodes it.  The result is the number of extents done
 * in all goes (Xen's).
 */
static int64_t
memory_op(struct dom_vcpu *v, uint64_t a[6], int *more)
{
	struct domain			*d = v->dom;
	struct xen_memory_reservation	 r;
	struct xen_add_to_physmap	 atp;
	uint64_t			 cmd = a[0] & MEMOP_CMD_MASK, arg = a[1];
	uint64_t			 start = a[0] >> MEMOP_EXTENT_SHIFT;
	uint64_t			 gfn, i, end;
	uint32_t			 done;
	uint16_t			 domid;
	int				 rc;

	switch (cmd) {
	case XENMEM_increase_reservation:
	case XENMEM_populate_physmap:
	case XENMEM_decrease_reservation:
		if ((rc = copy_in(d, &r, arg, sizeof(r))) != 0)
			return rc;
		if ((r.domid != DOMID_SELF && r.domid != d->domid) ||
		    r.extent_order != 0 || r.mem_flags != 0)
			return -EINVAL;
		if (r.nr_extents > (UINT64_MAX >> MEMOP_EXTENT_SHIFT) ||
		    start >= r.nr_extents)
			return (int64_t)start;	/* Xen's answer to both */
		end = r.nr_extents - start > HCALL_CHUNK ?
		    start + HCALL_CHUNK : r.nr_extents;
		for (i = start; i < end; i++) {
			if (copy_in(d, &gfn, r.extent_start + 8 * i, 8) != 0)
				return (int64_t)i;
			if ((cmd == XENMEM_decrease_reservation ? mm_decrease :
			    mm_populate)(&d->mm, &gfn, 1, &done) == -1)
				return (int64_t)i;
		}
		if (i < r.nr_extents) {
			a[0] = cmd | i << MEMOP_EXTENT_SHIFT;
			*more = 1;
		}
		return (int64_t)i;
	default:
		if (start != 0)
			return -ENOSYS;
		break;
	}
	switch (cmd) {
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
		if ((rc = copy_in(d, &domid, arg, sizeof(domid))) != 0)
			return rc;
		if (domid != DOMID_SELF && domid != d->domid)
			return -EPERM;
		return (int64_t)(cmd == XENMEM_current_reservation ?
		    mm_reservation(&d->mm) : d->mm.max_pages);
	case XENMEM_add_to_physmap:
		if ((rc = copy_in(d, &atp, arg, sizeof(atp))) != 0)
			return rc;
		if (atp.domid != DOMID_SELF && atp.domid != d->domid)
			return -EPERM;
		if (atp.space == XENMAPSPACE_shared_info) {
			uint8_t *page;

			if (atp.idx != 0 || (page = mm_gpa_ptr(&d->mm,
			    atp.gpfn << MM_PAGE_SHIFT, MM_PAGE_SIZE)) == NULL)
				return -EINVAL;
			evtchn_set_shared_info(d, page);
			return 0;
		}
		if (atp.space == XENMAPSPACE_grant_table)
			return -gnttab_set_frame(d, (unsigned)(atp.idx > 64 ?
			    64 : atp.idx), atp.gpfn);
		return -EINVAL;
	default:
		return -ENOSYS;
	}
}

/* xen_version */
static int64_t
xen_version(struct dom_vcpu *v, uint64_t cmd, uint64_t arg)
{
	char		buf[1024];
	uint32_t	feat[2];

	switch (cmd) {
	case XENVER_version:
		return 3 << 16 | 4;			/* the xVM era: Xen 3.4 */
	case XENVER_extraversion:
		memset(buf, 0, 16);
		snprintf(buf, 16, "-xvm");
		return copy_out(v->dom, arg, buf, 16);
	case XENVER_capabilities:
		memset(buf, 0, sizeof(buf));
		snprintf(buf, sizeof(buf), "xen-3.0-riscv64");
		return copy_out(v->dom, arg, buf, sizeof(buf));
	case XENVER_get_features:
		if (copy_in(v->dom, feat, arg, sizeof(feat)) != 0)
			return -EFAULT;
		feat[1] = 0;
		return copy_out(v->dom, arg, feat, sizeof(feat));
	case XENVER_pagesize:
		return MM_PAGE_SIZE;
	default:
		return -ENOSYS;
	}
}

/*
 * Whole console_io messages within the domain's rate (console.h); the
 * bytes dropped before this one are returned in *dropped, once.
 */
static int
console_io_allowed(struct domain *d, size_t len, uint64_t *dropped)
{
	int	ok;

	pthread_mutex_lock(&d->lock);
	ok = ratelimit_take_all(&d->cio_rl, len, now_ns());
	*dropped = 0;
	if (!ok)
		d->cio_dropped += len;
	else {
		*dropped = d->cio_dropped;
		d->cio_dropped = 0;
	}
	pthread_mutex_unlock(&d->lock);
	return ok;
}

/*
 * console_io: CONSOLEIO_write goes to the hypervisor console as "(dN) ",
 * under the rate limit; what is over it is dropped without telling the
 * guest, as Xen's printk_ratelimit does.
 */
static int64_t
console_io(struct dom_vcpu *v, uint64_t cmd, uint64_t count, uint64_t arg)
{
	char		buf[1024];
	uint64_t	dropped;
	int		n;

	if (cmd == CONSOLEIO_read)	/* nothing for domUs */
		return 0;
	if (cmd != CONSOLEIO_write)
		return -ENOSYS;
	if (count > 1024)
		count = 1024;
	if (copy_in(v->dom, buf, arg, count) != 0)
		return -EFAULT;
	if (!console_io_allowed(v->dom, count, &dropped))
		return (int64_t)count;
	if (dropped > 0)
		hv_console_printf(v->dom->hv->console, "(d%u) [%llu bytes of "
		    "console_io output dropped: over %u bytes/s]", v->dom->domid,
		    (unsigned long long)dropped, HV_CONSOLE_GUEST_RATE);
	n = (int)count;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	hv_console_printf(v->dom->hv->console, "(d%u) %.*s", v->dom->domid, n,
	    buf);
	return (int64_t)count;
}

/* grant_table_op */
static int64_t
grant_table_op(struct dom_vcpu *v, uint64_t cmd, uint64_t arg, uint64_t count)
{
	struct domain			*d = v->dom;
	struct gnttab_setup_table	 st;
	struct gnttab_query_size	 qs;
	uint64_t			 gfns[GNTTAB_MAX_FRAMES];
	unsigned			 nr, max;

	if (count != 1)
		return -EINVAL;
	switch (cmd) {
	case GNTTABOP_setup_table:
		if (copy_in(d, &st, arg, sizeof(st)) != 0)
			return -EFAULT;
		if ((st.dom != DOMID_SELF && st.dom != d->domid) ||
		    st.nr_frames > GNTTAB_MAX_FRAMES)
			st.status = GNTST_general_error;
		else if (copy_in(d, gfns, st.frame_list,
		    st.nr_frames * sizeof(uint64_t)) != 0)
			st.status = GNTST_general_error;
		else
			st.status = gnttab_set_frames(d, gfns, st.nr_frames) ?
			    GNTST_general_error : GNTST_okay;
		return copy_out(d, arg, &st, sizeof(st));
	case GNTTABOP_query_size:
		if (copy_in(d, &qs, arg, sizeof(qs)) != 0)
			return -EFAULT;
		gnttab_query_size(d, &nr, &max);
		qs.nr_frames = nr;
		qs.max_nr_frames = max;
		qs.status = GNTST_okay;
		return copy_out(d, arg, &qs, sizeof(qs));
	default:
		return -ENOSYS;
	}
}

/* vcpu_op */
static enum vcpu_stop
vcpu_op(struct dom_vcpu *v, const struct hcall_env *env, uint64_t cmd,
    uint64_t id, uint64_t arg, int64_t *ret)
{
	struct domain		*d = v->dom;
	struct dom_vcpu		*t;
	struct xvm_vcpu_start	 s;

	if (id >= d->max_vcpus) {
		*ret = -ENOENT;
		return VCPU_STOP_BUDGET;
	}
	t = d->vcpu[id];
	*ret = 0;
	switch (cmd) {
	case VCPUOP_initialise:
		if (copy_in(d, &s, arg, sizeof(s)) != 0)
			*ret = -EFAULT;
		else if (sched_vcpu_state(t) != VS_DOWN)
			*ret = -EEXIST;
		else {
			t->start_pc = s.pc;
			t->start_arg = s.arg;
			t->initialised = 1;
		}
		break;
	case VCPUOP_up:
		if (!t->initialised)
			*ret = -EINVAL;
		else if (sched_vcpu_state(t) == VS_DOWN &&
		    env->vcpu_start(t, t->start_pc, t->start_arg) == 0)
			sched_vcpu_up(d->hv->sched, t);
		break;
	case VCPUOP_down:
		if (t != v) {
			*ret = -EINVAL;		/* only oneself, here */
			break;
		}
		env->vcpu_stop(v);
		return VCPU_STOP_DOWN;
	case VCPUOP_is_up:
		*ret = sched_vcpu_state(t) != VS_DOWN;
		break;
	default:
		*ret = -ENOSYS;
		break;
	}
	return VCPU_STOP_BUDGET;
}

/* sched_op */
static int
upcall_pending(struct dom_vcpu *v)
{
	uint8_t	*vi = evtchn_shared_info(v->dom) + v->id * SHINFO_VCPU_INFO_SIZE;

	return __atomic_load_n(vi + SHINFO_UPCALL_PENDING, __ATOMIC_SEQ_CST) &&
	    !__atomic_load_n(vi + SHINFO_UPCALL_MASK, __ATOMIC_SEQ_CST);
}

static enum vcpu_stop
sched_op(struct dom_vcpu *v, uint64_t cmd,
    uint64_t arg, int64_t *ret)
{
	struct domain		*d = v->dom;
	struct sched_poll	 sp;
	uint32_t		 reason, port, i;

	*ret = 0;
	switch (cmd) {
	case SCHEDOP_yield:
		return VCPU_STOP_YIELD;
	case SCHEDOP_block:
		/* As Xen's do_block: not with an upcall already pending. */
		if (upcall_pending(v))
			return VCPU_STOP_BUDGET;
		return VCPU_STOP_BLOCK;
	case SCHEDOP_shutdown:
		if (copy_in(d, &reason, arg, sizeof(reason)) != 0) {
			*ret = -EFAULT;
			return VCPU_STOP_BUDGET;
		}
		if (reason > SHUTDOWN_crash) {
			*ret = -EINVAL;
			return VCPU_STOP_BUDGET;
		}
		if (reason == SHUTDOWN_crash)
			domain_crash(d, v, "the guest said so");
		else
			domain_shutdown(d, reason, v);
		/*
		 * A suspending vCPU stays up, only paused (as Xen's): its
		 * context is saved with it online, and a restore resumes it
		 * after the hypercall, which returns 0 there.
		 */
		return reason == SHUTDOWN_suspend ? VCPU_STOP_BUDGET :
		    VCPU_STOP_HALT;
	case SCHEDOP_poll:
		if (copy_in(d, &sp, arg, sizeof(sp)) != 0 ||
		    sp.nr_ports > 128) {
			*ret = -EINVAL;
			return VCPU_STOP_BUDGET;
		}
		for (i = 0; i < sp.nr_ports; i++) {
			if (copy_in(d, &port, sp.ports + 4 * i, 4) != 0) {
				*ret = -EFAULT;
				return VCPU_STOP_BUDGET;
			}
			if (evtchn_is_pending(d, port))
				return VCPU_STOP_BUDGET;
		}
		if (upcall_pending(v))
			return VCPU_STOP_BUDGET;
		if (sp.timeout != 0)
			v->poll_deadline = sp.timeout;	/* guest time */
		return VCPU_STOP_BLOCK;
	default:
		*ret = -ENOSYS;
		return VCPU_STOP_BUDGET;
	}
}

/* event_channel_op */
static int64_t
evtchn_op(struct dom_vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct domain		*d = v->dom;
	struct evtchn_status	 st;
	uint32_t		 w[6];
	uint16_t		 h[2];
	int			 rc;

	static const uint8_t size[] = {
		[EVTCHNOP_bind_interdomain] = 12, [EVTCHNOP_bind_virq] = 12,
		[EVTCHNOP_close] = 4, [EVTCHNOP_send] = 4,
		[EVTCHNOP_status] = 24, [EVTCHNOP_alloc_unbound] = 8,
		[EVTCHNOP_bind_vcpu] = 8, [EVTCHNOP_unmask] = 4,
	};

	if (cmd >= sizeof(size) || size[cmd] == 0)
		return -ENOSYS;
	memset(w, 0, sizeof(w));
	if (copy_in(d, w, arg, size[cmd]) != 0)
		return -EFAULT;
	switch (cmd) {
	case EVTCHNOP_bind_interdomain:	/* u16 rdom, u32 rport, u32 lport */
		rc = evtchn_bind_interdomain(d, w[0] & 0xffff, w[1], NULL,
		    &w[2]);
		return rc ? -rc : copy_out(d, arg + 8, &w[2], 4);
	case EVTCHNOP_bind_virq:	/* u32 virq, u32 vcpu, u32 port */
		rc = evtchn_bind_virq(d, w[0], w[1], NULL, &w[2]);
		return rc ? -rc : copy_out(d, arg + 8, &w[2], 4);
	case EVTCHNOP_close:
		return -evtchn_close(d, w[0], NULL);
	case EVTCHNOP_send:
		return -evtchn_send(d, w[0], NULL);
	case EVTCHNOP_status:		/* u16 dom, u32 port; out at 8.. */
		if ((w[0] & 0xffff) != DOMID_SELF &&
		    (w[0] & 0xffff) != d->domid)
			return -EPERM;
		if ((rc = evtchn_get_status(d, w[1], &st)) != 0)
			return -rc;
		w[2] = st.status;
		w[3] = st.vcpu;
		w[4] = st.status == EVTCHNSTAT_virq ? st.virq : st.remote_dom;
		w[5] = st.remote_port;
		return copy_out(d, arg + 8, &w[2], 16);
	case EVTCHNOP_alloc_unbound:	/* u16 dom, u16 rdom, u32 port */
		memcpy(h, w, sizeof(h));
		if (h[0] != DOMID_SELF && h[0] != d->domid)
			return -EPERM;
		rc = evtchn_alloc_unbound(d, h[1], NULL, &w[1]);
		return rc ? -rc : copy_out(d, arg + 4, &w[1], 4);
	case EVTCHNOP_bind_vcpu:
		return -evtchn_bind_vcpu(d, w[0], w[1]);
	case EVTCHNOP_unmask:
		return -evtchn_unmask(d, w[0], NULL);
	default:
		return -ENOSYS;
	}
}

/* hvm_op: a guest reads its params; setting them is the toolstack's. */
static int64_t
hvm_op(struct dom_vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct domain		*d = v->dom;
	struct xen_hvm_param	 p;

	if (cmd == HVMOP_set_param)
		return -EPERM;
	if (cmd != HVMOP_get_param)
		return -ENOSYS;
	if (copy_in(d, &p, arg, sizeof(p)) != 0)
		return -EFAULT;
	if ((p.domid != DOMID_SELF && p.domid != d->domid) ||
	    p.index >= HVM_NR_PARAMS)
		return -EINVAL;
	pthread_mutex_lock(&d->lock);
	p.value = d->hvm_param[p.index];
	pthread_mutex_unlock(&d->lock);
	return copy_out(d, arg, &p, sizeof(p));
}

enum vcpu_stop
hypercall(struct dom_vcpu *v, const struct hcall_env *env, uint64_t nr,
    uint64_t a[6], int64_t *ret)
{
	uint64_t	t;
	int		more = 0;

	*ret = 0;
	switch (nr) {
	case __HYPERVISOR_memory_op:
		*ret = memory_op(v, a, &more);
		return more ? VCPU_STOP_CONTINUE : VCPU_STOP_BUDGET;
	case __HYPERVISOR_set_timer_op:
		/*
		 * a0: guest system time (ns) of the deadline; 0 cancels.  The
		 * deadline stays guest time; the timer queue gets its host time.
		 */
		__atomic_store_n(&v->timer_pv, a[0] == 0 ? TIMER_NONE : a[0],
		    __ATOMIC_SEQ_CST);
		if (a[0] != 0 && (t = env->guest_to_host(v, a[0])) != TIMER_NONE)
			timer_set(v->dom->hv->timers, v, t);
		break;
	case __HYPERVISOR_xen_version:
		*ret = xen_version(v, a[0], a[1]);
		break;
	case __HYPERVISOR_console_io:
		*ret = console_io(v, a[0], a[1], a[2]);
		break;
	case __HYPERVISOR_grant_table_op:
		*ret = grant_table_op(v, a[0], a[1], a[2]);
		break;
	case __HYPERVISOR_vcpu_op:
		return vcpu_op(v, env, a[0], a[1], a[2], ret);
	case __HYPERVISOR_sched_op:
		return sched_op(v, a[0], a[1], ret);
	case __HYPERVISOR_event_channel_op:
		*ret = evtchn_op(v, a[0], a[1]);
		break;
	case __HYPERVISOR_hvm_op:
		*ret = hvm_op(v, a[0], a[1]);
		break;
	default:
		*ret = -ENOSYS;
		break;
	}
	return VCPU_STOP_BUDGET;
}
