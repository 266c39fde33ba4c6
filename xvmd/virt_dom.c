/* libvirt procedures that find and read domains: lookups, lists, info, state, XML. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xvm/xenctrl.h>
#include "lib/log.h"
#include "lib/uuid.h"
#include "lib/xmalloc.h"
#include "xvmd/domcfg.h"
#include "xvmd/vm.h"
#include "xvmd/virt.h"
#include "xvmd/virt_procs.h"
#include "xvmd/virt_xml.h"
#include "xvmd/xvmd.h"

static const uint8_t nil_uuid[16];

int
virt_vm_info(struct xvmd *xd, const struct vm *vm, xc_domaininfo_t *info)
{
	memset(info, 0, sizeof(*info));
	return vm->domid >= 0 && xc_domain_getinfolist(xd->xch,
	    (uint32_t)vm->domid, 1, info) == 1 &&
	    info->domain == (uint32_t)vm->domid;
}

int
virt_state(const xc_domaininfo_t *info, int running)
{
	unsigned int	 why;

	if (!running)
		return VIR_DOMAIN_SHUTOFF;
	if (info->flags & XEN_DOMINF_shutdown) {
		why = (info->flags >> XEN_DOMINF_shutdownshift) &
		    XEN_DOMINF_shutdownmask;
		return why == SHUTDOWN_crash ? VIR_DOMAIN_CRASHED :
		    VIR_DOMAIN_SHUTDOWN;
	}
	if (info->flags & XEN_DOMINF_dying)
		return VIR_DOMAIN_SHUTDOWN;
	if (info->flags & XEN_DOMINF_paused)
		return VIR_DOMAIN_PAUSED;
	return VIR_DOMAIN_RUNNING;
}

void
virt_put_dom(struct buf *b, struct xvmd *xd, const struct vm *vm)
{
	(void)xd;
	if (vm == NULL) {
		xdr_put_str(b, "Domain-0");
		xdr_put_fixed(b, nil_uuid, 16);
		xdr_put_i32(b, 0);
		return;
	}
	xdr_put_str(b, vm->name);
	xdr_put_fixed(b, vm->uuid, 16);
	xdr_put_i32(b, vm->domid);
}

static void
no_domain_uuid(struct virt_call *c, const uint8_t uuid[16], const char *name)
{
	char	 u[UUID_STR_LEN];

	uuid_format(uuid, u);
	virt_error(c, VIR_ERR_NO_DOMAIN, "Domain not found: no domain with "
	    "matching uuid '%s'%s%s%s", u, name ? " (" : "", name ? name : "",
	    name ? ")" : "");
}

static struct vm *
by_uuid(struct xvmd *xd, const uint8_t uuid[16])
{
	struct vm	*vm;

	TAILQ_FOREACH(vm, &xd->vms, entry)
		if (memcmp(vm->uuid, uuid, 16) == 0)
			return vm;
	return NULL;
}

int
virt_get_dom(struct virt_call *c, struct vm **vm, int *dom0)
{
	char		*name;
	uint8_t		 uuid[16];
	int32_t		 id;

	*vm = NULL;
	*dom0 = 0;
	if (xdr_get_str(c->in, XDR_STRING_MAX, &name) == -1 ||
	    xdr_get_fixed(c->in, uuid, 16) == -1 ||
	    xdr_get_i32(c->in, &id) == -1) {
		free(name);
		return virt_bad_args(c);
	}
	if (memcmp(uuid, nil_uuid, 16) == 0 && strcmp(name, "Domain-0") == 0)
		*dom0 = 1;
	else if ((*vm = by_uuid(c->xd, uuid)) == NULL) {
		no_domain_uuid(c, uuid, name);
		free(name);
		return -1;
	}
	free(name);
	return 0;
}

/* virConnectListAllDomains' filter flags (VIR_CONNECT_LIST_DOMAINS_*). */
static int
keep(const struct vm *vm, int state, uint32_t f)
{
	int	 active = state != VIR_DOMAIN_SHUTOFF;
	int	 persistent = vm == NULL ? 1 : vm->managed;
	int	 autostart = vm != NULL && vm->managed &&
	    vm->cfg->on_xend_start == XEND_START_START;

	if ((f & 3) && !((f & 1 && active) || (f & 2 && !active)))
		return 0;
	if ((f & 12) && !((f & 4 && persistent) || (f & 8 && !persistent)))
		return 0;
	if ((f & 0xf0) && !((f & 0x10 && state == VIR_DOMAIN_RUNNING) ||
	    (f & 0x20 && state == VIR_DOMAIN_PAUSED) ||
	    (f & 0x40 && state == VIR_DOMAIN_SHUTOFF) ||
	    (f & 0x80 && state != VIR_DOMAIN_RUNNING &&
	    state != VIR_DOMAIN_PAUSED && state != VIR_DOMAIN_SHUTOFF)))
		return 0;
	if ((f & 0x300) && !(f & 0x200))	/* no managed saves here */
		return 0;
	if ((f & 0xc00) && !((f & 0x400 && autostart) ||
	    (f & 0x800 && !autostart)))
		return 0;
	if ((f & 0x3000) && !(f & 0x2000))	/* nor snapshots */
		return 0;
	if ((f & 0xc000) && !(f & 0x8000))	/* nor checkpoints */
		return 0;
	return 1;
}

int
vp_list_all_domains(struct virt_call *c)
{
	xc_domaininfo_t	*info = NULL;
	struct vm	*vm;
	struct buf	 doms = BUF_INITIALIZER;
	int32_t		 need;
	uint32_t	 flags, count = 0;
	int		 n, i, state;

	if (xdr_get_i32(c->in, &need) == -1 ||
	    xdr_get_u32(c->in, &flags) == -1)
		return virt_bad_args(c);
	/* One look at the hypervisor for every domain. */
	if ((n = vm_getinfo_all(c->xd, &info)) < 0)
		return virt_error(c, VIR_ERR_OPERATION_FAILED, "listing "
		    "domains: %s", strerror(errno));
	if (keep(NULL, VIR_DOMAIN_RUNNING, flags)) {
		if (need)
			virt_put_dom(&doms, c->xd, NULL);
		count++;
	}
	TAILQ_FOREACH(vm, &c->xd->vms, entry) {
		for (i = 0; vm->domid >= 0 && i < n; i++)
			if (info[i].domain == (uint32_t)vm->domid)
				break;
		state = vm->domid >= 0 && i < n ?
		    virt_state(&info[i], 1) : VIR_DOMAIN_SHUTOFF;
		if (!keep(vm, state, flags))
			continue;
		if (need)
			virt_put_dom(&doms, c->xd, vm);
		count++;
	}
	free(info);
	xdr_put_u32(c->out, need ? count : 0);
	buf_add(c->out, buf_data(&doms), buf_len(&doms));
	xdr_put_u32(c->out, count);
	buf_free(&doms);
	return 0;
}

/* The old list calls: running IDs, defined (not running) names. */
static uint32_t
count_vms(struct xvmd *xd, int running)
{
	struct vm	*vm;
	uint32_t	 n = running;	/* Domain-0 */

	TAILQ_FOREACH(vm, &xd->vms, entry)
		if ((vm->domid >= 0) == running)
			n++;
	return n;
}

int
vp_num_of_domains(struct virt_call *c)
{
	xdr_put_i32(c->out, (int32_t)count_vms(c->xd, 1));
	return 0;
}

int
vp_num_of_defined(struct virt_call *c)
{
	xdr_put_i32(c->out, (int32_t)count_vms(c->xd, 0));
	return 0;
}

int
vp_list_domains(struct virt_call *c)
{
	struct vm	*vm;
	int32_t		 max, n = 1;

	if (xdr_get_i32(c->in, &max) == -1 || max < 0 || max > 16384)
		return virt_bad_args(c);
	n = (int32_t)count_vms(c->xd, 1);
	if (n > max)
		n = max;
	xdr_put_u32(c->out, (uint32_t)n);
	if (n-- > 0)
		xdr_put_i32(c->out, 0);
	TAILQ_FOREACH(vm, &c->xd->vms, entry)
		if (vm->domid >= 0 && n-- > 0)
			xdr_put_i32(c->out, vm->domid);
	return 0;
}

int
vp_list_defined(struct virt_call *c)
{
	struct vm	*vm;
	int32_t		 max, n;

	if (xdr_get_i32(c->in, &max) == -1 || max < 0 || max > 16384)
		return virt_bad_args(c);
	n = (int32_t)count_vms(c->xd, 0);
	if (n > max)
		n = max;
	xdr_put_u32(c->out, (uint32_t)n);
	TAILQ_FOREACH(vm, &c->xd->vms, entry)
		if (vm->domid < 0 && n-- > 0)
			xdr_put_str(c->out, vm->name);
	return 0;
}

int
vp_lookup_by_id(struct virt_call *c)
{
	struct vm	*vm;
	int32_t		 id;

	if (xdr_get_i32(c->in, &id) == -1)
		return virt_bad_args(c);
	if (id == 0) {
		virt_put_dom(c->out, c->xd, NULL);
		return 0;
	}
	if (id < 0 || (vm = vm_by_domid(c->xd, id)) == NULL)
		return virt_error(c, VIR_ERR_NO_DOMAIN, "Domain not found: no "
		    "domain with matching id %d", id);
	virt_put_dom(c->out, c->xd, vm);
	return 0;
}

int
vp_lookup_by_name(struct virt_call *c)
{
	struct vm	*vm;
	char		*name;

	if (xdr_get_str(c->in, XDR_STRING_MAX, &name) == -1)
		return virt_bad_args(c);
	if (strcmp(name, "Domain-0") == 0)
		virt_put_dom(c->out, c->xd, NULL);
	else if ((vm = vm_by_name(c->xd, name)) != NULL)
		virt_put_dom(c->out, c->xd, vm);
	else
		virt_error(c, VIR_ERR_NO_DOMAIN, "Domain not found: no domain "
		    "with matching name '%s'", name);
	free(name);
	return c->code ? -1 : 0;
}

int
vp_lookup_by_uuid(struct virt_call *c)
{
	struct vm	*vm;
	uint8_t		 uuid[16];

	if (xdr_get_fixed(c->in, uuid, 16) == -1)
		return virt_bad_args(c);
	if (memcmp(uuid, nil_uuid, 16) == 0)
		virt_put_dom(c->out, c->xd, NULL);
	else if ((vm = by_uuid(c->xd, uuid)) != NULL)
		virt_put_dom(c->out, c->xd, vm);
	else
		no_domain_uuid(c, uuid, NULL);
	return c->code ? -1 : 0;
}

/* Domain-0 in numbers: the host's memory and CPUs. */
static void
dom0_info(struct virt_call *c, uint64_t *kib, unsigned int *vcpus)
{
	xc_physinfo_t	 pi;

	memset(&pi, 0, sizeof(pi));
	(void)xc_physinfo(c->xd->xch, &pi);
	*kib = pi.total_pages * 4;
	*vcpus = (unsigned int)sysconf(_SC_NPROCESSORS_ONLN);
}

int
vp_get_info(struct virt_call *c)
{
	xc_domaininfo_t	 info;
	uint64_t	 kib;
	unsigned int	 vcpus;
	int		 running;

	if (c->dom0) {
		dom0_info(c, &kib, &vcpus);
		xdr_put_u32(c->out, VIR_DOMAIN_RUNNING);
		xdr_put_u64(c->out, kib);
		xdr_put_u64(c->out, kib);
		xdr_put_u32(c->out, vcpus);
		xdr_put_u64(c->out, (uint64_t)clock() * (1000000000 /
		    CLOCKS_PER_SEC));
		return 0;
	}
	running = virt_vm_info(c->xd, c->vm, &info);
	/* unsigned char state: an XDR u_char is 4 bytes; so is the short. */
	xdr_put_u32(c->out, (uint32_t)virt_state(&info, running));
	xdr_put_u64(c->out, c->vm->cfg->maxmem * 1024);
	/* What it holds and has online, as Xen's driver says (xm list's). */
	xdr_put_u64(c->out, running ? info.resv_pages * 4 : 0);
	xdr_put_u32(c->out, running ? info.nr_online_vcpus :
	    c->vm->cfg->vcpus);
	xdr_put_u64(c->out, running ? info.cpu_time : 0);
	return 0;
}

int
vp_get_state(struct virt_call *c)
{
	xc_domaininfo_t	 info;
	uint32_t	 flags;
	int		 state;

	if (xdr_get_u32(c->in, &flags) == -1)
		return virt_bad_args(c);
	state = c->dom0 ? VIR_DOMAIN_RUNNING :
	    virt_state(&info, virt_vm_info(c->xd, c->vm, &info));
	xdr_put_i32(c->out, state);
	/* The reason: booted / paused by the user / unknown. */
	xdr_put_i32(c->out, state == VIR_DOMAIN_RUNNING ||
	    state == VIR_DOMAIN_PAUSED);
	return 0;
}

int
vp_get_os_type(struct virt_call *c)
{
	xdr_put_str(c->out, c->dom0 ? "xen" : "hvm");
	return 0;
}

int
vp_is_active(struct virt_call *c)
{
	xdr_put_i32(c->out, c->dom0 || c->vm->domid >= 0);
	return 0;
}

int
vp_is_persistent(struct virt_call *c)
{
	xdr_put_i32(c->out, c->dom0 || c->vm->managed);
	return 0;
}

/* A yes/no question whose answer is always no (flags follow the dom). */
int
vp_zero(struct virt_call *c)
{
	uint32_t	 flags;

	if (c->proc != 202 && xdr_get_u32(c->in, &flags) == -1)
		return virt_bad_args(c);
	xdr_put_i32(c->out, 0);
	return 0;
}

int
vp_get_autostart(struct virt_call *c)
{
	xdr_put_i32(c->out, !c->dom0 && c->vm->managed &&
	    c->vm->cfg->on_xend_start == XEND_START_START);
	return 0;
}

int
vp_get_max_memory(struct virt_call *c)
{
	uint64_t	 kib;
	unsigned int	 vcpus;

	if (c->dom0)
		dom0_info(c, &kib, &vcpus);
	else
		kib = c->vm->cfg->maxmem * 1024;
	xdr_put_u64(c->out, kib);
	return 0;
}

int
vp_get_max_vcpus_dom(struct virt_call *c)
{
	xdr_put_i32(c->out, c->dom0 ? (int32_t)sysconf(_SC_NPROCESSORS_ONLN) :
	    (int32_t)c->vm->cfg->vcpus);
	return 0;
}

int
vp_get_vcpus_flags(struct virt_call *c)
{
	uint32_t	 flags;

	if (xdr_get_u32(c->in, &flags) == -1)
		return virt_bad_args(c);
	xdr_put_i32(c->out, c->dom0 ? (int32_t)sysconf(_SC_NPROCESSORS_ONLN) :
	    (int32_t)c->vm->cfg->vcpus);
	return 0;
}

int
vp_get_vcpus(struct virt_call *c)
{
	int32_t		 maxinfo, maplen;
	unsigned int	 i, n;

	if (xdr_get_i32(c->in, &maxinfo) == -1 ||
	    xdr_get_i32(c->in, &maplen) == -1 || maxinfo < 0 ||
	    maxinfo > 2048 || maplen < 0 || maplen > 256)
		return virt_bad_args(c);
	n = c->dom0 ? (unsigned int)sysconf(_SC_NPROCESSORS_ONLN) :
	    c->vm->cfg->vcpus;
	if (n > (unsigned int)maxinfo)
		n = (unsigned int)maxinfo;
	if (!c->dom0 && c->vm->domid < 0)
		return virt_error(c, VIR_ERR_OPERATION_INVALID, "Requested "
		    "operation is not valid: domain is not running");
	xdr_put_u32(c->out, n);
	for (i = 0; i < n; i++) {
		xdr_put_u32(c->out, i);
		xdr_put_i32(c->out, 1);		/* VIR_VCPU_RUNNING */
		xdr_put_u64(c->out, 0);
		xdr_put_i32(c->out, (int32_t)i);
	}
	/* cpumaps: all CPUs for each vCPU. */
	xdr_put_u32(c->out, n * (uint32_t)maplen);
	for (i = 0; i < n * (unsigned int)maplen; i++)
		buf_add_byte(c->out, 0xff);
	if ((n * (unsigned int)maplen) & 3)
		buf_add(c->out, "\0\0\0", 4 - ((n * (unsigned int)maplen) & 3));
	return 0;
}

int
vp_get_scheduler_type(struct virt_call *c)
{
	xdr_put_str(c->out, "credit");
	xdr_put_i32(c->out, 2);			/* weight, cap */
	return 0;
}

int
vp_get_xml_desc(struct virt_call *c)
{
	uint32_t	 flags;
	char		*xml;

	if (xdr_get_u32(c->in, &flags) == -1)
		return virt_bad_args(c);
	xml = virt_xml_format(c->xd, c->vm, (flags & 2) != 0);
	xdr_put_str(c->out, xml);
	free(xml);
	return 0;
}
