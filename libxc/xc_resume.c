/* libxc: xc_domain_resume, a suspended domain running on in place (Xen's xc_resume.c). */
#include <errno.h>

#include <xvm/privcmd.h>
#include <xvm/xenctrl.h>

#include "libxc/xc_private.h"

int
xc_domain_resume(xc_interface *xch, uint32_t domid, int fast)
{
	struct privcmd_domid	 d = { domid };
	vcpu_guest_context_t	 ctx;

	if (xch == NULL) {
		errno = EBADF;
		return -1;
	}
	if (!fast) {
		errno = EOPNOTSUPP;	/* only the cooperative resume */
		return -1;
	}
	/* SCHEDOP_shutdown(suspend) returns 1 there: "cancelled". */
	if (xc_vcpu_getcontext(xch, domid, 0, &ctx) == -1)
		return -1;
	ctx.x[10] = 1;
	if (xc_vcpu_setcontext(xch, domid, 0, &ctx) == -1)
		return -1;
	return xc_call(&xch->conn, PRIVCMD_OP_DOMAIN_RESUME, &d, sizeof(d),
	    NULL, 0, NULL, 0, NULL, NULL, NULL);
}
