/* libxc against a privcmd server in this process: every call, and bad input. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>
#include <event2/thread.h>

#include <xvm/fb.h>
#include <xvm/privcmd.h>
#include <xvm/xenctrl.h>
#include <xvm/xenevtchn.h>
#include <xvm/xengnttab.h>

#include "lib/evloop.h"
#include "lib/paths.h"
#include "lib/sock.h"
#include "hypervisor/xen/control.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/evtchn.h"
#include "hypervisor/xen/gnttab.h"

static struct {
	char			 root[64];
	struct hv		*hv;
	struct event_base	*base;
	struct ctl		*ctl;
	pthread_t		 thread;
	xc_interface		*xch;
} T;

static void *
loop(void *arg)
{
	(void)arg;
	event_base_dispatch(T.base);
	return NULL;
}

static int
setup(void **state)
{
	struct hv_config	 cfg = { 1, NULL, NULL };
	char			*cause = NULL, *sock;

	(void)state;
	evthread_use_pthreads();
	snprintf(T.root, sizeof(T.root), "/tmp/xvm-libxc-XXXXXX");
	if (mkdtemp(T.root) == NULL || xvm_paths_init(T.root) == -1)
		return -1;
	T.hv = hv_new(&cfg, &cause);
	T.base = event_base_new();
	sock = xvm_path(XVM_PRIVCMD_SOCK);
	T.ctl = control_new(T.hv, T.base, sock, &cause);
	free(sock);
	if (T.ctl == NULL)
		return -1;
	pthread_create(&T.thread, NULL, loop, NULL);
	T.xch = xc_interface_open(NULL, NULL, 0);
	return T.xch == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char	cmd[128];

	(void)state;
	xc_interface_close(T.xch);
	event_base_loopbreak(T.base);
	pthread_join(T.thread, NULL);
	control_free(T.ctl);
	hv_free(T.hv);
	event_base_free(T.base);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", T.root);
	return system(cmd) == 0 ? 0 : -1;
}

static uint32_t
create(unsigned vcpus, uint64_t kb)
{
	struct xen_domctl_createdomain	c;
	uint32_t			id = 0;

	memset(&c, 0, sizeof(c));
	c.max_vcpus = vcpus;
	c.max_mem_kb = kb;
	c.handle[0] = 0xab;
	assert_int_equal(xc_domain_create(T.xch, &id, &c), 0);
	return id;
}

static xc_domaininfo_t
info_of(uint32_t id)
{
	xc_domaininfo_t	i;

	assert_int_equal(xc_domain_getinfolist(T.xch, id, 1, &i), 1);
	assert_int_equal(i.domain, id);
	return i;
}

static void
test_lifecycle(void **state)
{
	struct xen_domctl_createdomain	c;
	xc_domaininfo_t			i, list[4];
	uint32_t			id, id2 = 0;

	(void)state;
	id = create(2, 65536);
	i = info_of(id);
	assert_true(i.flags & XEN_DOMINF_paused);
	assert_int_equal(i.max_vcpu_id, 1);
	assert_int_equal(i.max_pages, 16384);
	assert_int_equal(i.handle[0], 0xab);
	/* setdomainhandle: the UUID from now on (not Domain-0's). */
	memset(c.handle, 0, sizeof(c.handle));
	c.handle[15] = 0xcd;
	assert_int_equal(xc_domain_sethandle(T.xch, id, c.handle), 0);
	i = info_of(id);
	assert_int_equal(i.handle[0], 0);
	assert_int_equal(i.handle[15], 0xcd);
	assert_int_equal(xc_domain_sethandle(T.xch, 0, c.handle), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(xc_domain_sethandle(T.xch, 4242, c.handle), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(xc_domain_unpause(T.xch, id), 0);
	assert_false(info_of(id).flags & XEN_DOMINF_paused);
	assert_int_equal(xc_domain_unpause(T.xch, id), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(xc_domain_pause(T.xch, id), 0);
	assert_int_equal(xc_domain_shutdown(T.xch, id, SHUTDOWN_crash), 0);
	i = info_of(id);
	assert_true(i.flags & XEN_DOMINF_shutdown);
	assert_int_equal((i.flags >> XEN_DOMINF_shutdownshift) &
	    XEN_DOMINF_shutdownmask, SHUTDOWN_crash);
	assert_int_equal(xc_domain_shutdown(T.xch, id, 9), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(xc_domain_getinfolist(T.xch, 0, 4, list), 2);
	assert_int_equal(list[0].domain, 0);
	assert_int_equal(xc_domain_destroy(T.xch, id), 0);
	assert_int_equal(xc_domain_destroy(T.xch, id), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(xc_domain_getinfolist(T.xch, 0, 4, list), 1);
	/* Errors: dom0, bad config, taken id. */
	assert_int_equal(xc_domain_destroy(T.xch, 0), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(xc_domain_pause(T.xch, 4242), -1);
	assert_int_equal(errno, ESRCH);
	memset(&c, 0, sizeof(c));
	c.max_vcpus = 1;
	c.max_mem_kb = 1024;
	c.flags = 1;
	assert_int_equal(xc_domain_create(T.xch, &id2, &c), -1);
	assert_int_equal(errno, EINVAL);
	c.flags = 0;
	c.max_vcpus = 33;
	assert_int_equal(xc_domain_create(T.xch, &id2, &c), -1);
	assert_int_equal(errno, EINVAL);
	c.max_vcpus = 1;
	id2 = 77;
	assert_int_equal(xc_domain_create(T.xch, &id2, &c), 0);
	assert_int_equal(id2, 77);
	assert_int_equal(xc_domain_create(T.xch, &id2, &c), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(xc_domain_destroy(T.xch, 77), 0);
}

static void
test_memory(void **state)
{
	xen_pfn_t	 pfn[3] = { 0x80000, 0x80001, 0x80010 };
	uint32_t	 id;
	char		*p, *q;

	(void)state;
	id = create(1, 1024);
	assert_int_equal(xc_domain_populate_physmap_exact(T.xch, id, 3, 0, 0,
	    pfn), 0);
	assert_int_equal(info_of(id).tot_pages, 3);
	p = xc_map_foreign_range(T.xch, id, 8192, PROT_READ | PROT_WRITE,
	    0x80000);
	assert_non_null(p);
	memcpy(p + 4096, "hello guest", 12);
	q = xc_map_foreign_range(T.xch, id, 4096, PROT_READ, 0x80001);
	assert_non_null(q);
	assert_string_equal(q, "hello guest");
	/* Through the hypervisor's own view too. */
	assert_string_equal((char *)mm_gpa_ptr(&T.hv->dom[id]->mm,
	    0x80001000, 12), "hello guest");
	/* Balloon out a page: it reads zero, and is not counted. */
	assert_int_equal(xc_domain_decrease_reservation_exact(T.xch, id, 1, 0,
	    &pfn[1]), 0);
	assert_int_equal(info_of(id).tot_pages, 2);
	assert_int_equal(q[0], 0);	/* (a read through a mapping re-backs it) */
	munmap(p, 8192);
	munmap(q, 4096);
	/* Limits and bad frames. */
	assert_int_equal(xc_domain_setmaxmem(T.xch, id, 8), 0);
	assert_int_equal(info_of(id).max_pages, 2);
	pfn[0] = 0x80005;
	assert_int_equal(xc_domain_populate_physmap_exact(T.xch, id, 1, 0, 0,
	    pfn), -1);
	assert_int_equal(errno, ENOMEM);
	pfn[0] = 0x1000;
	assert_int_equal(xc_domain_populate_physmap(T.xch, id, 1, 0, 0, pfn),
	    -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(xc_domain_populate_physmap(T.xch, id, 1, 9, 0, pfn),
	    -1);
	assert_int_equal(errno, EINVAL);
	assert_null(xc_map_foreign_range(T.xch, id, 4096, PROT_READ, 0x80100));
	assert_int_equal(errno, EINVAL);
	assert_null(xc_map_foreign_range(T.xch, id, 4096, PROT_READ, 0x7ffff));
	assert_null(xc_map_foreign_range(T.xch, 0, 4096, PROT_READ, 0x80000));
	assert_int_equal(errno, EPERM);
	assert_int_equal(xc_domain_destroy(T.xch, id), 0);
}

/* Video memory (<xvm/fb.h>): its own frames at 0x40000, mappable, bounded. */
static void
test_vram(void **state)
{
	struct xen_domctl_createdomain	 c;
	uint32_t			 id = 0, plain;
	uint32_t			*p;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.max_vcpus = 1;
	c.max_mem_kb = 1024;
	c.vram_kb = 2048;
	assert_int_equal(xc_domain_create(T.xch, &id, &c), 0);
	p = xc_map_foreign_range(T.xch, id, 2048 << 10, PROT_READ | PROT_WRITE,
	    XVM_FB_BASE >> 12);
	assert_non_null(p);
	assert_int_equal(p[0], 0);
	p[1000] = 0x00ff8000;
	/* The hypervisor's view (the machine maps the same memfd). */
	assert_int_equal(*(uint32_t *)(T.hv->dom[id]->mm.vram + 4000),
	    0x00ff8000);
	munmap(p, 2048 << 10);
	/* Not RAM: nor counted as the domain's pages. */
	assert_int_equal(info_of(id).tot_pages, 0);
	assert_null(xc_map_foreign_range(T.xch, id, 8192, PROT_READ,
	    (XVM_FB_BASE >> 12) + 511));
	assert_int_equal(errno, EINVAL);
	plain = create(1, 1024);
	assert_null(xc_map_foreign_range(T.xch, plain, 4096, PROT_READ,
	    XVM_FB_BASE >> 12));
	assert_int_equal(errno, EINVAL);
	/* Over 32 MiB, or not whole pages: refused. */
	assert_int_equal(xc_domain_destroy(T.xch, id), 0);
	c.vram_kb = (XVM_FB_MAX_BYTES >> 10) + 4;
	id = 0;
	assert_int_equal(xc_domain_create(T.xch, &id, &c), -1);
	assert_int_equal(errno, EINVAL);
	c.vram_kb = 6;
	assert_int_equal(xc_domain_create(T.xch, &id, &c), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(xc_domain_destroy(T.xch, plain), 0);
}

static int
readable(int fd, int ms)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };

	return poll(&pfd, 1, ms) == 1;
}

static void
test_evtchn(void **state)
{
	xenevtchn_handle	*xce;
	struct evtchn_status	 st;
	struct domain		*d;
	uint32_t		 id;
	int			 gport, port, vport;

	(void)state;
	id = create(1, 1024);
	d = T.hv->dom[id];
	xce = xenevtchn_open(NULL, 0);
	assert_non_null(xce);
	assert_int_equal(xenevtchn_bind_interdomain(xce, id, 1), -1);
	assert_int_equal(errno, EINVAL);
	gport = xc_evtchn_alloc_unbound(T.xch, id, 0);
	assert_true(gport > 0);
	port = xenevtchn_bind_interdomain(xce, id, (uint32_t)gport);
	assert_true(port > 0);
	/* The bind itself fires once. */
	assert_true(readable(xenevtchn_fd(xce), 1000));
	assert_int_equal(xenevtchn_pending(xce), port);
	assert_false(readable(xenevtchn_fd(xce), 0));
	assert_int_equal(xenevtchn_unmask(xce, (uint32_t)port), 0);
	/* Guest -> dom0. */
	assert_int_equal(evtchn_send(d, (uint32_t)gport, NULL), 0);
	assert_true(readable(xenevtchn_fd(xce), 1000));
	assert_int_equal(xenevtchn_pending(xce), port);
	assert_int_equal(xenevtchn_unmask(xce, (uint32_t)port), 0);
	/* dom0 -> guest. */
	assert_false(evtchn_is_pending(d, (uint32_t)gport));
	assert_int_equal(xenevtchn_notify(xce, (uint32_t)port), 0);
	assert_true(evtchn_is_pending(d, (uint32_t)gport));
	assert_int_equal(xenevtchn_notify(xce, 999), -1);
	assert_int_equal(errno, EINVAL);
	/* VIRQ_DOM_EXC on destroy of another domain. */
	vport = xenevtchn_bind_virq(xce, VIRQ_DOM_EXC);
	assert_true(vport > 0);
	assert_int_equal(xenevtchn_bind_virq(xce, VIRQ_DOM_EXC), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(xc_domain_destroy(T.xch, create(1, 1024)), 0);
	assert_true(readable(xenevtchn_fd(xce), 1000));
	assert_int_equal(xenevtchn_pending(xce), vport);
	/* Closing the handle unbinds: the guest's end is unbound again. */
	assert_int_equal(xenevtchn_close(xce), 0);
	usleep(100000);
	assert_int_equal(evtchn_get_status(d, (uint32_t)gport, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(xc_domain_destroy(T.xch, id), 0);
}

struct gent {
	uint16_t	flags;
	uint16_t	domid;
	uint32_t	frame;
};

static void
test_gnttab(void **state)
{
	xengnttab_handle		*xgt;
	xengnttab_grant_copy_segment_t	 seg;
	xc_domaininfo_t			 list[4];
	struct gent			*gt;
	uint64_t			 tbl = 0x80000;
	char				*p, buf[8];
	uint32_t			 id;

	(void)state;
	id = create(1, 1024);
	assert_int_equal(gnttab_set_frames(T.hv->dom[id], &tbl, 1), 0);
	gt = xc_map_foreign_range(T.xch, id, 4096, PROT_READ | PROT_WRITE,
	    0x80000);
	assert_non_null(gt);
	gt[8].domid = 0;
	gt[8].frame = 0x80002;
	gt[8].flags = GTF_permit_access;
	xgt = xengnttab_open(NULL, 0);
	assert_non_null(xgt);
	assert_null(xengnttab_map_grant_ref(xgt, id, 9, PROT_READ));
	assert_int_equal(errno, EPERM);
	p = xengnttab_map_grant_ref(xgt, id, 8, PROT_READ | PROT_WRITE);
	assert_non_null(p);
	memcpy(p, "via grant", 10);
	assert_string_equal((char *)mm_gpa_ptr(&T.hv->dom[id]->mm, 0x80002000,
	    10), "via grant");
	assert_true(gt[8].flags & GTF_writing);
	/* Copy out of the grant. */
	memset(&seg, 0, sizeof(seg));
	seg.source.foreign.ref = 8;
	seg.source.foreign.domid = (uint16_t)id;
	seg.source.foreign.offset = 4;
	seg.dest.virt = buf;
	seg.len = 5;
	seg.flags = GNTCOPY_source_gref;
	assert_int_equal(xengnttab_grant_copy(xgt, 1, &seg), 0);
	assert_int_equal(seg.status, 0);
	assert_memory_equal(buf, "grant", 5);
	/* A domain destroyed with a page mapped stays, dying, until unmap. */
	assert_int_equal(xc_domain_destroy(T.xch, id), 0);
	assert_int_equal(xc_domain_getinfolist(T.xch, id, 4, list), 1);
	assert_true(list[0].flags & XEN_DOMINF_dying);
	assert_int_equal(xengnttab_unmap(xgt, p, 1), 0);
	assert_int_equal(xengnttab_unmap(xgt, p, 1), -1);
	assert_int_equal(xc_domain_getinfolist(T.xch, id, 4, list), 0);
	munmap(gt, 4096);
	assert_int_equal(xengnttab_close(xgt), 0);
}

static void
test_sched_info(void **state)
{
	struct xen_domctl_sched_credit	sc = { 512, 50 };
	xc_vcpuinfo_t			vi;
	xc_physinfo_t			pi;
	uint64_t			map;
	uint32_t			id, idx = 0;
	char				ring[65536];
	unsigned			n = sizeof(ring) - 1;

	(void)state;
	id = create(2, 1024);
	assert_int_equal(xc_sched_credit_domain_set(T.xch, id, &sc), 0);
	memset(&sc, 0, sizeof(sc));
	assert_int_equal(xc_sched_credit_domain_get(T.xch, id, &sc), 0);
	assert_int_equal(sc.weight, 512);
	assert_int_equal(sc.cap, 50);
	sc.weight = 0;
	assert_int_equal(xc_sched_credit_domain_set(T.xch, id, &sc), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(xc_vcpu_setaffinity(T.xch, id, 1, 1), 0);
	assert_int_equal(xc_vcpu_getaffinity(T.xch, id, 1, &map), 0);
	assert_int_equal(map, 1);
	assert_int_equal(xc_vcpu_setaffinity(T.xch, id, 2, 1), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(xc_vcpu_setaffinity(T.xch, id, 0, 0x10), -1);
	assert_int_equal(errno, EINVAL);
	/* getvcpuinfo: a vCPU never brought up is offline, has not run. */
	assert_int_equal(xc_vcpu_getinfo(T.xch, id, 1, &vi), 0);
	assert_int_equal(vi.vcpu, 1);
	assert_false(vi.online);
	assert_false(vi.running);
	assert_int_equal(vi.cpu_time, 0);
	assert_int_equal(xc_vcpu_getinfo(T.xch, id, 2, &vi), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(xc_hvm_param_set(T.xch, id, HVM_PARAM_STORE_EVTCHN, 3),
	    0);
	assert_int_equal(xc_hvm_param_get(T.xch, id, HVM_PARAM_STORE_EVTCHN,
	    &map), 0);
	assert_int_equal(map, 3);
	assert_int_equal(xc_hvm_param_get(T.xch, id, 1000, &map), -1);
	assert_int_equal(xc_physinfo(T.xch, &pi), 0);
	assert_int_equal(pi.nr_cpus, 1);
	assert_int_equal(pi.cpu_khz, 10000);
	assert_true(pi.total_pages > 0);
	assert_int_equal(pi.nr_domains, 2);
	assert_int_equal(xc_readconsolering(T.xch, ring, &n, 0, 1, &idx), 0);
	ring[n] = '\0';
	assert_non_null(strstr(ring, "created: 2 vCPUs"));
	assert_int_equal(idx, n);
	n = sizeof(ring) - 1;
	assert_int_equal(xc_readconsolering(T.xch, ring, &n, 0, 1, &idx), 0);
	assert_int_equal(n, 0);
	assert_int_equal(xc_domain_destroy(T.xch, id), 0);
}

/* Log-dirty: writes through any registered view are caught, once a round. */
static void
test_logdirty(void **state)
{
	uint64_t	 bm[4];
	uint32_t	 id;
	uint8_t		*ram;

	(void)state;
	id = create(1, 1024);			/* 256 frames */
	ram = mm_gpa_ptr(&T.hv->dom[id]->mm, MM_RAM_BASE, 1 << 20);
	assert_int_equal(xc_shadow_control(T.xch, id, XEN_DOMCTL_SHADOW_OP_PEEK,
	    bm, 256, NULL, 0, NULL), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(xc_shadow_control(T.xch, id,
	    XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, NULL, 0, NULL, 0, NULL), 0);
	ram[3 * 4096 + 5] = 1;			/* faults, is marked, goes on */
	ram[3 * 4096 + 6] = 2;
	ram[200 * 4096] = 3;
	assert_int_equal(ram[3 * 4096 + 5], 1);
	assert_int_equal(xc_shadow_control(T.xch, id, XEN_DOMCTL_SHADOW_OP_PEEK,
	    bm, 256, NULL, 0, NULL), 2);
	assert_int_equal(bm[0], 1ull << 3);
	assert_int_equal(bm[3], 1ull << (200 - 192));
	assert_int_equal(xc_shadow_control(T.xch, id,
	    XEN_DOMCTL_SHADOW_OP_CLEAN, bm, 256, NULL, 0, NULL), 2);
	assert_int_equal(xc_shadow_control(T.xch, id, XEN_DOMCTL_SHADOW_OP_PEEK,
	    bm, 256, NULL, 0, NULL), 0);
	ram[3 * 4096] = 9;			/* a new round sees it again */
	assert_int_equal(xc_shadow_control(T.xch, id, XEN_DOMCTL_SHADOW_OP_PEEK,
	    bm, 256, NULL, 0, NULL), 1);
	assert_int_equal(xc_shadow_control(T.xch, id, XEN_DOMCTL_SHADOW_OP_PEEK,
	    bm, 100, NULL, 0, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(xc_shadow_control(T.xch, id,
	    XEN_DOMCTL_SHADOW_OP_OFF, NULL, 0, NULL, 0, NULL), 0);
	ram[100 * 4096] = 1;			/* no longer protected */
	assert_int_equal(xc_domain_destroy(T.xch, id), 0);
}

/* Raw wire: unknown ops, short payloads, ENOSYS, and a lying length. */
static void
test_wire(void **state)
{
	struct privcmd_hdr	h;
	char			path[256], junk[8] = { 0 };
	int			fd;

	(void)state;
	xvm_path_buf(path, sizeof(path), XVM_PRIVCMD_SOCK);
	fd = sock_connect_unix(path);
	assert_true(fd >= 0);
	const struct { uint32_t op, len; int status; } cases[] = {
		{ 0, 0, EOPNOTSUPP },
		{ 9999, 0, EOPNOTSUPP },
		{ PRIVCMD_OP_DOMAIN_CREATE, 8, EINVAL },
		{ PRIVCMD_OP_DOMAIN_PAUSE, 8, EPERM },
		{ PRIVCMD_OP_EVTCHN_NOTIFY, 8, EBADF },
		{ PRIVCMD_OP_LOGDIRTY, 8, EINVAL },
		{ PRIVCMD_OP_DOMAIN_GETCONTEXT, 0, EINVAL },
		{ PRIVCMD_OP_VCPU_SETCONTEXT, 0, EINVAL },
		{ PRIVCMD_OP_HELLO, 8, EPROTONOSUPPORT },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h.op = cases[i].op;
		h.len = cases[i].len;
		h.seq = (uint32_t)i;
		h.status = 0;
		assert_int_equal(fd_write_all(fd, &h, sizeof(h)), 0);
		assert_int_equal(fd_write_all(fd, junk, h.len), 0);
		assert_int_equal(fd_read_all(fd, &h, sizeof(h)), 0);
		assert_int_equal(h.seq, i);
		assert_int_equal(h.status, cases[i].status);
		assert_int_equal(h.len, 0);
	}
	/* A payload over the limit closes the connection, nothing more. */
	h.op = PRIVCMD_OP_HELLO;
	h.len = PRIVCMD_MAX_PAYLOAD + 1;
	assert_int_equal(fd_write_all(fd, &h, sizeof(h)), 0);
	assert_int_equal(fd_read_all(fd, &h, sizeof(h)), -1);
	close(fd);
	assert_int_equal(xc_domain_getinfolist(T.xch, 0, 1,
	    &(xc_domaininfo_t){ 0 }), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_vram),
		cmocka_unit_test(test_evtchn),
		cmocka_unit_test(test_gnttab),
		cmocka_unit_test(test_sched_info),
		cmocka_unit_test(test_logdirty),
		cmocka_unit_test(test_wire),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
