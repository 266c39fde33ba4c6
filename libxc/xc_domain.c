/* libxc: domain lifecycle, info, memory, foreign mapping, scheduling, console. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xvm/privcmd.h>
#include <xvm/xenctrl.h>

#include "libxc/xc_private.h"

/* xc_domain_getinfolist hands privcmd's flags on as they come. */
_Static_assert(PRIVCMD_DOMINF_DYING == XEN_DOMINF_dying &&
    PRIVCMD_DOMINF_HVM == XEN_DOMINF_hvm_guest &&
    PRIVCMD_DOMINF_SHUTDOWN == XEN_DOMINF_shutdown &&
    PRIVCMD_DOMINF_PAUSED == XEN_DOMINF_paused &&
    PRIVCMD_DOMINF_BLOCKED == XEN_DOMINF_blocked &&
    PRIVCMD_DOMINF_RUNNING == XEN_DOMINF_running &&
    PRIVCMD_DOMINF_DEBUGGED == XEN_DOMINF_debugged &&
    PRIVCMD_DOMINF_SHUTDOWNSHIFT == XEN_DOMINF_shutdownshift &&
    PRIVCMD_DOMINF_SHUTDOWNMASK == XEN_DOMINF_shutdownmask,
    "privcmd's domain flags are Xen's XEN_DOMINF_*");

#define XC_PAGE_SHIFT	12

static int
call(xc_interface *xch, uint32_t op, const void *req, size_t reqlen,
    void *rep, size_t replen)
{
	if (xch == NULL) {
		errno = EBADF;
		return -1;
	}
	return xc_call(&xch->conn, op, req, reqlen, NULL, 0, rep, replen, NULL,
	    NULL, NULL);
}

static int
domid_op(xc_interface *xch, uint32_t op, uint32_t domid)
{
	struct privcmd_domid	d = { domid, 0 };

	return call(xch, op, &d, sizeof(d), NULL, 0);
}

int
xc_domain_create(xc_interface *xch, uint32_t *pdomid,
    struct xen_domctl_createdomain *config)
{
	struct privcmd_domain_create	dc;

	if (pdomid == NULL || config == NULL) {
		errno = EINVAL;
		return -1;
	}
	memset(&dc, 0, sizeof(dc));
	dc.domid = *pdomid;
	dc.max_vcpus = config->max_vcpus;
	dc.max_mem_kb = config->max_mem_kb;
	dc.flags = config->flags;
	dc.vram_kb = config->vram_kb;
	memcpy(dc.uuid, config->handle, sizeof(dc.uuid));
	if (call(xch, PRIVCMD_OP_DOMAIN_CREATE, &dc, sizeof(dc), &dc,
	    sizeof(dc)) == -1)
		return -1;
	*pdomid = dc.domid;
	return 0;
}

int
xc_domain_destroy(xc_interface *xch, uint32_t domid)
{
	return domid_op(xch, PRIVCMD_OP_DOMAIN_DESTROY, domid);
}

int
xc_domain_pause(xc_interface *xch, uint32_t domid)
{
	return domid_op(xch, PRIVCMD_OP_DOMAIN_PAUSE, domid);
}

int
xc_domain_unpause(xc_interface *xch, uint32_t domid)
{
	return domid_op(xch, PRIVCMD_OP_DOMAIN_UNPAUSE, domid);
}

int
xc_domain_shutdown(xc_interface *xch, uint32_t domid, int reason)
{
	struct privcmd_domain_shutdown	ds = { domid, (uint32_t)reason };

	if (reason < 0) {
		errno = EINVAL;
		return -1;
	}
	return call(xch, PRIVCMD_OP_DOMAIN_SHUTDOWN, &ds, sizeof(ds), NULL, 0);
}

int
xc_domain_getinfolist(xc_interface *xch, uint32_t first_domain,
    unsigned int max_domains, xc_domaininfo_t *info)
{
	struct privcmd_getinfolist		 gl;
	struct privcmd_getinfolist_reply	*rep;
	struct privcmd_dominfo			*di;
	size_t					 size, got;
	unsigned				 i, n = 0;

	if (max_domains == 0)
		return 0;
	if (xch == NULL || info == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* Ask in batches that fit one reply. */
	while (n < max_domains) {
		gl.first_domid = first_domain;
		gl.max = max_domains - n;
		if (gl.max > 1024)
			gl.max = 1024;
		size = sizeof(*rep) + gl.max * sizeof(*di);
		if ((rep = malloc(size)) == NULL)
			return -1;
		if (xc_call(&xch->conn, PRIVCMD_OP_DOMAIN_GETINFOLIST, &gl,
		    sizeof(gl), NULL, 0, rep, size, &got, NULL, NULL) == -1 ||
		    (got < sizeof(*rep) && (errno = EPROTO)) ||
		    (got != sizeof(*rep) + rep->nr * sizeof(*di) &&
		    (errno = EPROTO))) {
			free(rep);
			return n > 0 ? (int)n : -1;
		}
		di = (struct privcmd_dominfo *)(rep + 1);
		for (i = 0; i < rep->nr; i++, n++) {
			memset(&info[n], 0, sizeof(info[n]));
			info[n].domain = di[i].domid;
			info[n].flags = di[i].flags;
			info[n].tot_pages = di[i].tot_pages;
			info[n].max_pages = di[i].max_pages;
			info[n].resv_pages = di[i].resv_pages;
			info[n].shared_info_frame = di[i].shared_info_frame;
			info[n].cpu_time = di[i].cpu_time_ns;
			info[n].nr_online_vcpus = di[i].nr_online_vcpus;
			info[n].max_vcpu_id = di[i].max_vcpu_id;
			info[n].ssidref = di[i].ssidref;
			info[n].cpupool = di[i].cpupool;
			memcpy(info[n].handle, di[i].uuid, 16);
			first_domain = di[i].domid + 1;
		}
		i = rep->nr;
		free(rep);
		if (i < gl.max)
			break;
	}
	return (int)n;
}

int
xc_domain_setmaxmem(xc_interface *xch, uint32_t domid, uint64_t max_memkb)
{
	struct privcmd_setmaxmem	sm;

	memset(&sm, 0, sizeof(sm));
	sm.domid = domid;
	sm.max_kb = max_memkb;
	return call(xch, PRIVCMD_OP_DOMAIN_SETMAXMEM, &sm, sizeof(sm), NULL, 0);
}

static int
memory(xc_interface *xch, uint32_t op, uint32_t domid, unsigned long nr,
    unsigned int order, xen_pfn_t *pfns)
{
	struct privcmd_memory		m;
	struct privcmd_memory_reply	rep;
	unsigned long			done = 0;
	uint32_t			chunk;

	if (xch == NULL) {
		errno = EBADF;
		return -1;
	}
	if (order != 0 || (nr > 0 && pfns == NULL) || nr > INT32_MAX) {
		errno = EINVAL;
		return -1;
	}
	while (done < nr) {
		chunk = nr - done > PRIVCMD_MAX_PFNS ? PRIVCMD_MAX_PFNS :
		    (uint32_t)(nr - done);
		m.domid = domid;
		m.nr = chunk;
		if (xc_call(&xch->conn, op, &m, sizeof(m), pfns + done,
		    chunk * sizeof(*pfns), &rep, sizeof(rep), NULL, NULL,
		    NULL) == -1)
			return done > 0 ? (int)done : -1;
		done += rep.done;
		if (rep.done < chunk)
			break;
	}
	return (int)done;
}

int
xc_domain_populate_physmap(xc_interface *xch, uint32_t domid,
    unsigned long nr, unsigned int order, unsigned int mem_flags,
    xen_pfn_t *pfns)
{
	if (mem_flags != 0) {
		errno = EINVAL;
		return -1;
	}
	return memory(xch, PRIVCMD_OP_MEMORY_POPULATE, domid, nr, order, pfns);
}

int
xc_domain_populate_physmap_exact(xc_interface *xch, uint32_t domid,
    unsigned long nr, unsigned int order, unsigned int mem_flags,
    xen_pfn_t *pfns)
{
	int	n = xc_domain_populate_physmap(xch, domid, nr, order, mem_flags,
	    pfns);

	if (n >= 0 && (unsigned long)n != nr) {
		errno = ENOMEM;
		return -1;
	}
	return n < 0 ? -1 : 0;
}

int
xc_domain_decrease_reservation(xc_interface *xch, uint32_t domid,
    unsigned long nr, unsigned int order, xen_pfn_t *pfns)
{
	return memory(xch, PRIVCMD_OP_MEMORY_DECREASE, domid, nr, order, pfns);
}

int
xc_domain_decrease_reservation_exact(xc_interface *xch, uint32_t domid,
    unsigned long nr, unsigned int order, xen_pfn_t *pfns)
{
	int	n = xc_domain_decrease_reservation(xch, domid, nr, order, pfns);

	if (n >= 0 && (unsigned long)n != nr) {
		errno = EINVAL;
		return -1;
	}
	return n < 0 ? -1 : 0;
}

void *
xc_map_foreign_range(xc_interface *xch, uint32_t domid, int size, int prot,
    unsigned long mfn)
{
	struct privcmd_map_foreign		mf;
	struct privcmd_map_foreign_reply	rep;
	void					*p;
	int					 fd, nfds = 1, saved;

	if (xch == NULL) {
		errno = EBADF;
		return NULL;
	}
	if (size <= 0 || (prot & ~(PROT_READ | PROT_WRITE)) != 0 ||
	    !(prot & PROT_READ)) {
		errno = EINVAL;
		return NULL;
	}
	memset(&mf, 0, sizeof(mf));
	mf.domid = domid;
	mf.prot = (uint32_t)prot;
	mf.pfn = mfn;
	mf.nr = ((uint64_t)size + (1u << XC_PAGE_SHIFT) - 1) >> XC_PAGE_SHIFT;
	if (xc_call(&xch->conn, PRIVCMD_OP_MAP_FOREIGN, &mf, sizeof(mf), NULL,
	    0, &rep, sizeof(rep), NULL, &fd, &nfds) == -1)
		return NULL;
	if (nfds != 1) {
		errno = EPROTO;
		return NULL;
	}
	p = mmap(NULL, (size_t)size, prot, MAP_SHARED, fd, (off_t)rep.offset);
	saved = errno;
	close(fd);
	if (p == MAP_FAILED) {
		errno = saved;
		return NULL;
	}
	return p;
}

int
xc_vcpu_setaffinity(xc_interface *xch, uint32_t domid, int vcpu,
    uint64_t cpumap)
{
	struct privcmd_affinity	a = { domid, (uint32_t)vcpu, cpumap };

	if (vcpu < 0) {
		errno = EINVAL;
		return -1;
	}
	return call(xch, PRIVCMD_OP_VCPU_SETAFFINITY, &a, sizeof(a), NULL, 0);
}

int
xc_vcpu_getaffinity(xc_interface *xch, uint32_t domid, int vcpu,
    uint64_t *cpumap)
{
	struct privcmd_affinity	a = { domid, (uint32_t)vcpu, 0 };

	if (vcpu < 0 || cpumap == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (call(xch, PRIVCMD_OP_VCPU_GETAFFINITY, &a, sizeof(a), &a,
	    sizeof(a)) == -1)
		return -1;
	*cpumap = a.cpumap;
	return 0;
}

int
xc_sched_credit_domain_set(xc_interface *xch, uint32_t domid,
    struct xen_domctl_sched_credit *sdom)
{
	struct privcmd_sched_credit	sc;

	if (sdom == NULL) {
		errno = EINVAL;
		return -1;
	}
	sc.domid = domid;
	sc.weight = sdom->weight;
	sc.cap = sdom->cap;
	return call(xch, PRIVCMD_OP_SCHED_CREDIT_SET, &sc, sizeof(sc), NULL, 0);
}

int
xc_sched_credit_domain_get(xc_interface *xch, uint32_t domid,
    struct xen_domctl_sched_credit *sdom)
{
	struct privcmd_sched_credit	sc;

	if (sdom == NULL) {
		errno = EINVAL;
		return -1;
	}
	memset(&sc, 0, sizeof(sc));
	sc.domid = domid;
	if (call(xch, PRIVCMD_OP_SCHED_CREDIT_GET, &sc, sizeof(sc), &sc,
	    sizeof(sc)) == -1)
		return -1;
	sdom->weight = sc.weight;
	sdom->cap = sc.cap;
	return 0;
}

int
xc_readconsolering(xc_interface *xch, char *buffer, unsigned int *pnr_chars,
    int clear, int incremental, uint32_t *pindex)
{
	struct privcmd_readconsolering		 rc;
	struct privcmd_readconsolering_reply	*rep;
	size_t					 size;

	if (buffer == NULL || pnr_chars == NULL ||
	    (incremental && pindex == NULL)) {
		errno = EINVAL;
		return -1;
	}
	memset(&rc, 0, sizeof(rc));
	rc.max = *pnr_chars;
	if (rc.max > PRIVCMD_MAX_PAYLOAD - sizeof(*rep))
		rc.max = PRIVCMD_MAX_PAYLOAD - sizeof(*rep);
	rc.clear = clear != 0;
	rc.incremental = incremental != 0;
	rc.index = pindex ? *pindex : 0;
	size = sizeof(*rep) + rc.max;
	if ((rep = malloc(size)) == NULL)
		return -1;
	if (call(xch, PRIVCMD_OP_READCONSOLERING, &rc, sizeof(rc), rep,
	    size) == -1) {
		free(rep);
		return -1;
	}
	memcpy(buffer, rep + 1, rep->len);
	*pnr_chars = rep->len;
	if (pindex != NULL)
		*pindex = rep->next_index;
	free(rep);
	return 0;
}

int
xc_physinfo(xc_interface *xch, xc_physinfo_t *put_info)
{
	struct privcmd_physinfo	pi;

	if (put_info == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (call(xch, PRIVCMD_OP_PHYSINFO, NULL, 0, &pi, sizeof(pi)) == -1)
		return -1;
	memset(put_info, 0, sizeof(*put_info));
	put_info->threads_per_core = pi.threads_per_core;
	put_info->cores_per_socket = pi.cores_per_socket;
	put_info->nr_cpus = pi.nr_cpus;
	put_info->max_cpu_id = pi.nr_cpus - 1;
	put_info->nr_nodes = pi.nr_nodes;
	put_info->cpu_khz = pi.cpu_khz;
	put_info->total_pages = pi.total_pages;
	put_info->free_pages = pi.free_pages;
	put_info->nr_domains = pi.nr_domains;
	put_info->domain_pages = pi.domain_pages;
	return 0;
}

int
xc_hvm_param_set(xc_interface *xch, uint32_t dom, uint32_t param,
    uint64_t value)
{
	struct privcmd_hvm_param	p = { dom, param, value };

	return call(xch, PRIVCMD_OP_HVM_PARAM_SET, &p, sizeof(p), NULL, 0);
}

int
xc_hvm_param_get(xc_interface *xch, uint32_t dom, uint32_t param,
    uint64_t *value)
{
	struct privcmd_hvm_param	p = { dom, param, 0 };

	if (value == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (call(xch, PRIVCMD_OP_HVM_PARAM_GET, &p, sizeof(p), &p,
	    sizeof(p)) == -1)
		return -1;
	*value = p.value;
	return 0;
}

int
xc_evtchn_alloc_unbound(xc_interface *xch, uint32_t dom, uint32_t remote_dom)
{
	struct privcmd_evtchn_alloc_unbound	a = { dom, remote_dom };
	struct privcmd_evtchn_port		p;

	if (call(xch, PRIVCMD_OP_EVTCHN_ALLOC_UNBOUND, &a, sizeof(a), &p,
	    sizeof(p)) == -1)
		return -1;
	return (int)p.port;
}

static int
vcpu_context(xc_interface *xch, uint32_t op, uint32_t domid, uint32_t vcpu,
    vcpu_guest_context_t *ctxt)
{
	struct privcmd_vcpu_context	vc;

	if (ctxt == NULL) {
		errno = EINVAL;
		return -1;
	}
	memset(&vc, 0, sizeof(vc));
	vc.domid = domid;
	vc.vcpu = vcpu;
	vc.pc = ctxt->pc;
	memcpy(vc.x, ctxt->x, sizeof(vc.x));
	memcpy(vc.f, ctxt->f, sizeof(vc.f));
	vc.fcsr = ctxt->fcsr;
	if (call(xch, op, &vc, sizeof(vc), op == PRIVCMD_OP_VCPU_GETCONTEXT ?
	    &vc : NULL, op == PRIVCMD_OP_VCPU_GETCONTEXT ? sizeof(vc) : 0) == -1)
		return -1;
	if (op == PRIVCMD_OP_VCPU_GETCONTEXT) {
		ctxt->pc = vc.pc;
		memcpy(ctxt->x, vc.x, sizeof(vc.x));
		ctxt->priv = vc.priv;
		ctxt->up = vc.up;
		memcpy(ctxt->f, vc.f, sizeof(vc.f));
		ctxt->fcsr = vc.fcsr;
	}
	return 0;
}

int
xc_vcpu_getcontext(xc_interface *xch, uint32_t domid, uint32_t vcpu,
    vcpu_guest_context_t *ctxt)
{
	return vcpu_context(xch, PRIVCMD_OP_VCPU_GETCONTEXT, domid, vcpu, ctxt);
}

int
xc_vcpu_setcontext(xc_interface *xch, uint32_t domid, uint32_t vcpu,
    vcpu_guest_context_t *ctxt)
{
	return vcpu_context(xch, PRIVCMD_OP_VCPU_SETCONTEXT, domid, vcpu, ctxt);
}

int
xc_domain_hvm_getcontext(xc_interface *xch, uint32_t domid, uint8_t *buf,
    uint32_t size)
{
	struct privcmd_domid	 d = { domid, 0 };
	uint8_t			*tmp;
	size_t			 got;
	int			 saved;

	if (xch == NULL) {
		errno = EBADF;
		return -1;
	}
	if ((tmp = malloc(PRIVCMD_MAX_PAYLOAD)) == NULL)
		return -1;
	if (xc_call(&xch->conn, PRIVCMD_OP_DOMAIN_GETCONTEXT, &d, sizeof(d),
	    NULL, 0, tmp, PRIVCMD_MAX_PAYLOAD, &got, NULL, NULL) == -1) {
		saved = errno;
		free(tmp);
		errno = saved;
		return -1;
	}
	if (buf != NULL && got > size) {
		free(tmp);
		errno = ENOSPC;
		return -1;
	}
	if (buf != NULL)
		memcpy(buf, tmp, got);
	free(tmp);
	return (int)got;
}

int
xc_domain_hvm_setcontext(xc_interface *xch, uint32_t domid,
    const uint8_t *buf, uint32_t size)
{
	struct privcmd_domid	d = { domid, 0 };

	if (xch == NULL) {
		errno = EBADF;
		return -1;
	}
	if (buf == NULL || size == 0) {
		errno = EINVAL;
		return -1;
	}
	return xc_call(&xch->conn, PRIVCMD_OP_DOMAIN_SETCONTEXT, &d, sizeof(d),
	    buf, size, NULL, 0, NULL, NULL, NULL);
}

int
xc_shadow_control(xc_interface *xch, uint32_t domid, unsigned int sop,
    uint64_t *bitmap, unsigned long pages, unsigned long *mb, uint32_t mode,
    void *stats)
{
	struct privcmd_logdirty		 ld;
	struct privcmd_logdirty_reply	*rep;
	unsigned long			 done = 0, chunk, max = 1ul << 20;
	uint64_t			 dirty = 0;
	size_t				 got;

	(void)mb; (void)mode; (void)stats;
	if (xch == NULL) {
		errno = EBADF;
		return -1;
	}
	memset(&ld, 0, sizeof(ld));
	ld.domid = domid;
	switch (sop) {
	case XEN_DOMCTL_SHADOW_OP_OFF:
	case XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY:
		ld.op = sop == XEN_DOMCTL_SHADOW_OP_OFF ? PRIVCMD_LOGDIRTY_OFF :
		    PRIVCMD_LOGDIRTY_ON;
		return call(xch, PRIVCMD_OP_LOGDIRTY, &ld, sizeof(ld), NULL, 0);
	case XEN_DOMCTL_SHADOW_OP_PEEK:
	case XEN_DOMCTL_SHADOW_OP_CLEAN:
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (bitmap == NULL || pages == 0 || pages % 64 != 0) {
		errno = EINVAL;
		return -1;
	}
	ld.op = sop == XEN_DOMCTL_SHADOW_OP_PEEK ? PRIVCMD_LOGDIRTY_PEEK :
	    PRIVCMD_LOGDIRTY_CLEAN;
	if ((rep = malloc(sizeof(*rep) + max / 8)) == NULL)
		return -1;
	while (done < pages) {
		chunk = pages - done > max ? max : pages - done;
		ld.first = done;
		ld.count = chunk;
		if (xc_call(&xch->conn, PRIVCMD_OP_LOGDIRTY, &ld, sizeof(ld),
		    NULL, 0, rep, sizeof(*rep) + chunk / 8, &got, NULL,
		    NULL) == -1 || (got != sizeof(*rep) + chunk / 8 &&
		    (errno = EPROTO))) {
			free(rep);
			return -1;
		}
		memcpy(bitmap + done / 64, rep + 1, chunk / 8);
		dirty += rep->dirty;
		done += chunk;
	}
	free(rep);
	return (int)dirty;
}
