/* libxc: a domain's handle and its vCPUs' state (Xen's setdomainhandle, getvcpuinfo). */
#include <errno.h>
#include <string.h>

#include <xvm/privcmd.h>
#include <xvm/xenctrl.h>
#include "libxc/xc_private.h"

int
xc_domain_sethandle(xc_interface *xch, uint32_t domid,
    const xen_domain_handle_t handle)
{
	struct privcmd_domain_handle	 h = { .domid = domid };

	if (xch == NULL || handle == NULL) {
		errno = xch == NULL ? EBADF : EINVAL;
		return -1;
	}
	memcpy(h.uuid, handle, sizeof(h.uuid));
	return xc_call(&xch->conn, PRIVCMD_OP_DOMAIN_SETHANDLE, &h, sizeof(h),
	    NULL, 0, NULL, 0, NULL, NULL, NULL);
}

int
xc_vcpu_getinfo(xc_interface *xch, uint32_t domid, uint32_t vcpu,
    xc_vcpuinfo_t *info)
{
	struct privcmd_vcpuinfo	 vi = { .domid = domid, .vcpu = vcpu };

	if (xch == NULL || info == NULL) {
		errno = xch == NULL ? EBADF : EINVAL;
		return -1;
	}
	if (xc_call(&xch->conn, PRIVCMD_OP_VCPU_GETINFO, &vi, sizeof(vi),
	    NULL, 0, &vi, sizeof(vi), NULL, NULL, NULL) == -1)
		return -1;
	memset(info, 0, sizeof(*info));
	info->vcpu = vcpu;
	info->online = vi.online;
	info->blocked = vi.blocked;
	info->running = vi.running;
	info->cpu_time = vi.cpu_time_ns;
	info->cpu = vi.cpu;
	return 0;
}
