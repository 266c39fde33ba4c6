/* privcmd handlers for domains, memory, scheduling and the console ring. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xvm/fb.h>
#include <xvm/privcmd.h>

#include "lib/log.h"
#include "hypervisor/xen/console.h"
#include "hypervisor/xen/control_priv.h"
#include "hypervisor/xen/domain.h"

#define MAX_INFO	(PRIVCMD_MAX_PAYLOAD / sizeof(struct privcmd_dominfo) - 1)

int
ctl_hello(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_hello	h;

	(void)c; (void)d; (void)len;
	memcpy(&h, req, sizeof(h));
	if (h.version != PRIVCMD_VERSION)
		return EPROTONOSUPPORT;
	h.max_payload = PRIVCMD_MAX_PAYLOAD;
	buf_add(r->payload, &h, sizeof(h));
	return 0;
}

int
ctl_physinfo(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_physinfo	 pi;
	struct privcmd_dominfo	*info;
	unsigned		 n, i;

	(void)d; (void)req; (void)len;
	memset(&pi, 0, sizeof(pi));
	pi.nr_cpus = sched_nr_pcpus(c->hv->sched);
	pi.threads_per_core = 1;
	pi.cores_per_socket = pi.nr_cpus;
	pi.nr_nodes = 1;
	pi.cpu_khz = 10000;		/* the 10 MHz timebase */
	pi.total_pages = (uint64_t)sysconf(_SC_PHYS_PAGES);
	pi.free_pages = (uint64_t)sysconf(_SC_AVPHYS_PAGES);
	pi.max_domains = DOMID_MAX - 1;
	if ((info = calloc(MAX_INFO, sizeof(*info))) == NULL)
		return ENOMEM;
	/* One pass is enough for a figure: ids in batches of MAX_INFO. */
	n = domain_getinfolist(c->hv, 0, info, MAX_INFO);
	pi.nr_domains = n;
	for (i = 0; i < n; i++)
		pi.domain_pages += info[i].tot_pages;
	free(info);
	buf_add(r->payload, &pi, sizeof(pi));
	return 0;
}

int
ctl_domain_create(struct ctl_client *c, struct domain *unused,
    const void *req, uint32_t len, struct ctl_reply *r)
{
	struct privcmd_domain_create	 dc;
	struct domain			*d;
	char				*cause = NULL;
	int				 rc;

	(void)unused; (void)len;
	memcpy(&dc, req, sizeof(dc));
	if ((dc.flags & ~PRIVCMD_CDF_JIT) != 0)
		return EINVAL;
	if (dc.max_mem_kb == 0 || dc.max_mem_kb > (1ull << 28))
		return EINVAL;
	if ((uint64_t)dc.vram_kb << 10 > XVM_FB_MAX_BYTES ||
	    dc.vram_kb % 4 != 0)
		return EINVAL;
	d = domain_create_jit(c->hv, dc.domid, dc.uuid, dc.max_vcpus,
	    dc.max_mem_kb << 10, (dc.flags & PRIVCMD_CDF_JIT) != 0,
	    (uint64_t)dc.vram_kb << 10, &cause);
	if (d == NULL) {
		rc = errno;
		log_warnx("domain create: %s", cause ? cause : strerror(rc));
		free(cause);
		return rc;
	}
	dc.domid = d->domid;
	domain_put(d);
	buf_add(r->payload, &dc, sizeof(dc));
	return 0;
}

int
ctl_domain_destroy(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	(void)c; (void)req; (void)len; (void)r;
	return domain_destroy(d) == -1 ? errno : 0;
}

int
ctl_domain_pause(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	(void)c; (void)req; (void)len; (void)r;
	return domain_pause(d) == -1 ? errno : 0;
}

int
ctl_domain_unpause(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	(void)c; (void)req; (void)len; (void)r;
	return domain_unpause(d) == -1 ? errno : 0;
}

int
ctl_domain_shutdown(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_domain_shutdown	ds;

	(void)c; (void)len; (void)r;
	memcpy(&ds, req, sizeof(ds));
	return domain_shutdown(d, ds.reason, NULL) == -1 ? errno : 0;
}

int
ctl_domain_resume(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	(void)c; (void)req; (void)len; (void)r;
	return domain_resume(d) == -1 ? errno : 0;
}

int
ctl_domain_sethandle(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_domain_handle	h;

	(void)c; (void)len; (void)r;
	memcpy(&h, req, sizeof(h));
	domain_set_handle(d, h.uuid);
	return 0;
}

int
ctl_domain_trigger(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_domain_trigger	t;
	const struct machine_ops	*m = c->hv->mops;

	(void)len; (void)r;
	memcpy(&t, req, sizeof(t));
	if (t.vcpu != 0 || t.pad != 0)
		return EINVAL;
	if (t.trigger != PRIVCMD_TRIGGER_POWER &&
	    t.trigger != PRIVCMD_TRIGGER_REBOOT)
		return ENOSYS;
	if (m == NULL || m->press_button == NULL)
		return ENOSYS;
	return m->press_button(d, t.trigger == PRIVCMD_TRIGGER_POWER ?
	    DOMAIN_BUTTON_POWER : DOMAIN_BUTTON_REBOOT);
}

int
ctl_getinfolist(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_getinfolist		gl;
	struct privcmd_getinfolist_reply	rep;
	struct privcmd_dominfo			*info;

	(void)d; (void)len;
	memcpy(&gl, req, sizeof(gl));
	if (gl.max > MAX_INFO)
		gl.max = MAX_INFO;
	if ((info = calloc(gl.max ? gl.max : 1, sizeof(*info))) == NULL)
		return ENOMEM;
	memset(&rep, 0, sizeof(rep));
	rep.nr = domain_getinfolist(c->hv, gl.first_domid, info, gl.max);
	buf_add(r->payload, &rep, sizeof(rep));
	buf_add(r->payload, info, rep.nr * sizeof(*info));
	free(info);
	return 0;
}

int
ctl_setmaxmem(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_setmaxmem	sm;

	(void)c; (void)len; (void)r;
	memcpy(&sm, req, sizeof(sm));
	if (sm.max_kb > (1ull << 40))
		return EINVAL;
	mm_set_max_pages(&d->mm, sm.max_kb >> 2);
	return 0;
}

static int
memory_op(struct domain *d, const void *req, uint32_t len,
    struct ctl_reply *r, int populate)
{
	struct privcmd_memory		 m;
	struct privcmd_memory_reply	 rep;
	uint64_t			*gfns;
	int				 rc = 0;

	memcpy(&m, req, sizeof(m));
	if (m.nr > PRIVCMD_MAX_PFNS ||
	    len != sizeof(m) + (uint64_t)m.nr * sizeof(uint64_t))
		return EINVAL;
	if ((gfns = calloc(m.nr ? m.nr : 1, sizeof(*gfns))) == NULL)
		return ENOMEM;
	memcpy(gfns, (const uint8_t *)req + sizeof(m), m.nr * sizeof(*gfns));
	memset(&rep, 0, sizeof(rep));
	if ((populate ? mm_populate : mm_decrease)(&d->mm, gfns, m.nr,
	    &rep.done) == -1)
		rc = errno;
	free(gfns);
	/* A partial result is an answer, not an error: the count says. */
	if (rc != 0 && rep.done == 0)
		return rc;
	buf_add(r->payload, &rep, sizeof(rep));
	return 0;
}

int
ctl_populate(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	(void)c;
	return memory_op(d, req, len, r, 1);
}

int
ctl_decrease(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	(void)c;
	return memory_op(d, req, len, r, 0);
}

int
ctl_map_foreign(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_map_foreign		mf;
	struct privcmd_map_foreign_reply	rep;
	uint64_t				first, nframes, span;
	int					fd, mfd;

	(void)c; (void)len;
	memcpy(&mf, req, sizeof(mf));
	/* RAM's frames, or else the video memory's (<xvm/fb.h>). */
	first = MM_RAM_BASE >> MM_PAGE_SHIFT;
	nframes = mm_nr_frames(&d->mm);
	mfd = d->mm.fd;
	span = d->mm.span;
	if (mf.pfn < first || mf.pfn - first >= nframes) {
		nframes = mm_vram_frames(&d->mm, &first);
		mfd = d->mm.vram_fd;
		span = d->mm.vram_size;
	}
	if (mf.nr == 0 || mf.pfn < first || mf.pfn - first >= nframes ||
	    mf.nr > nframes - (mf.pfn - first))
		return EINVAL;
	if (mf.prot & ~(uint32_t)(PROT_READ | PROT_WRITE))
		return EINVAL;
	/* A read-only mapping gets a read-only descriptor. */
	if (mf.prot & PROT_WRITE)
		fd = fcntl(mfd, F_DUPFD_CLOEXEC, 0);
	else {
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd == -1)
		return errno;
	rep.offset = (mf.pfn - first) << MM_PAGE_SHIFT;
	rep.fd_size = span;
	r->fds[r->nfds++] = fd;
	buf_add(r->payload, &rep, sizeof(rep));
	return 0;
}

static struct dom_vcpu *
vcpu_of(struct domain *d, uint32_t id)
{
	return id < d->max_vcpus ? d->vcpu[id] : NULL;
}

int
ctl_setaffinity(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_affinity	 a;
	struct dom_vcpu		*v;

	(void)len; (void)r;
	memcpy(&a, req, sizeof(a));
	if ((v = vcpu_of(d, a.vcpu)) == NULL)
		return EINVAL;
	return sched_set_affinity(c->hv->sched, v, a.cpumap);
}

int
ctl_getaffinity(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_affinity	 a;
	struct dom_vcpu		*v;

	(void)len;
	memcpy(&a, req, sizeof(a));
	if ((v = vcpu_of(d, a.vcpu)) == NULL)
		return EINVAL;
	a.cpumap = sched_get_affinity(c->hv->sched, v);
	buf_add(r->payload, &a, sizeof(a));
	return 0;
}

int
ctl_vcpu_getinfo(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_vcpuinfo	 vi;
	struct dom_vcpu		*v;

	(void)len;
	memcpy(&vi, req, sizeof(vi));
	if ((v = vcpu_of(d, vi.vcpu)) == NULL)
		return EINVAL;
	sched_vcpu_info(c->hv->sched, v, &vi);
	buf_add(r->payload, &vi, sizeof(vi));
	return 0;
}

int
ctl_credit_set(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_sched_credit	sc;

	(void)len; (void)r;
	memcpy(&sc, req, sizeof(sc));
	return sched_set_credit(c->hv->sched, d, sc.weight, sc.cap);
}

int
ctl_credit_get(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_sched_credit	sc;
	unsigned			w, cap;

	(void)len;
	memcpy(&sc, req, sizeof(sc));
	sched_get_credit(c->hv->sched, d, &w, &cap);
	sc.weight = (uint16_t)w;
	sc.cap = (uint16_t)cap;
	buf_add(r->payload, &sc, sizeof(sc));
	return 0;
}

int
ctl_readconsolering(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_readconsolering		rc;
	struct privcmd_readconsolering_reply	rep;
	char					*text;

	(void)d; (void)len;
	memcpy(&rc, req, sizeof(rc));
	if (rc.max > PRIVCMD_MAX_PAYLOAD - sizeof(rep))
		rc.max = PRIVCMD_MAX_PAYLOAD - sizeof(rep);
	if ((text = malloc(rc.max ? rc.max : 1)) == NULL)
		return ENOMEM;
	rep.next_index = rc.index;
	rep.len = (uint32_t)hv_console_read(c->hv->console, text, rc.max,
	    &rep.next_index, rc.incremental != 0, rc.clear != 0);
	buf_add(r->payload, &rep, sizeof(rep));
	buf_add(r->payload, text, rep.len);
	free(text);
	return 0;
}

int
ctl_hvm_param_set(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_hvm_param	p;

	(void)c; (void)len; (void)r;
	memcpy(&p, req, sizeof(p));
	if (p.index >= HVM_NR_PARAMS)
		return EINVAL;
	pthread_mutex_lock(&d->lock);
	d->hvm_param[p.index] = p.value;
	pthread_mutex_unlock(&d->lock);
	return 0;
}

int
ctl_hvm_param_get(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_hvm_param	p;

	(void)c; (void)len;
	memcpy(&p, req, sizeof(p));
	if (p.index >= HVM_NR_PARAMS)
		return EINVAL;
	pthread_mutex_lock(&d->lock);
	p.value = d->hvm_param[p.index];
	pthread_mutex_unlock(&d->lock);
	buf_add(r->payload, &p, sizeof(p));
	return 0;
}

/* vCPU context: only of a vCPU that cannot be running right now. */
static int
vcpu_quiet(struct domain *d, struct dom_vcpu *v)
{
	int	paused;

	pthread_mutex_lock(&d->lock);
	paused = d->ctl_paused > 0 || d->shutdown;
	pthread_mutex_unlock(&d->lock);
	return paused || sched_vcpu_state(v) == VS_DOWN;
}

int
ctl_vcpu_getcontext(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_vcpu_context	 vc;
	const struct machine_ops	*m = c->hv->mops;
	struct dom_vcpu			*v;
	unsigned			 priv;
	int				 rc;

	(void)len;
	memcpy(&vc, req, sizeof(vc));
	if (m == NULL || m->get_context == NULL)
		return ENOSYS;
	if ((v = vcpu_of(d, vc.vcpu)) == NULL)
		return EINVAL;
	if (!vcpu_quiet(d, v))
		return EBUSY;
	if ((rc = m->get_context(v, &vc.pc, vc.x, &priv, vc.f, &vc.fcsr)) != 0)
		return rc;
	vc.priv = priv;
	vc.up = sched_vcpu_state(v) != VS_DOWN;
	buf_add(r->payload, &vc, sizeof(vc));
	return 0;
}

int
ctl_vcpu_setcontext(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_vcpu_context	 vc;
	const struct machine_ops	*m = c->hv->mops;
	struct dom_vcpu			*v;

	(void)len; (void)r;
	memcpy(&vc, req, sizeof(vc));
	if (m == NULL || m->set_context == NULL)
		return ENOSYS;
	if ((v = vcpu_of(d, vc.vcpu)) == NULL)
		return EINVAL;
	if (!vcpu_quiet(d, v))
		return EBUSY;
	if (vc.pc < MM_RAM_BASE || mm_gpa_ptr(&d->mm, vc.pc, 2) == NULL)
		return EFAULT;
	return m->set_context(v, vc.pc, vc.x, vc.f, vc.fcsr);
}
