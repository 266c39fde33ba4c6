/* libxc: xc_domain_send_trigger, a press of one of a domain's buttons (Xen's XEN_DOMCTL_sendtrigger). */
#include <errno.h>

#include <xvm/privcmd.h>
#include <xvm/xenctrl.h>

#include "libxc/xc_private.h"

int
xc_domain_send_trigger(xc_interface *xch, uint32_t domid, uint32_t trigger,
    uint32_t vcpu)
{
	struct privcmd_domain_trigger	 t = { domid, trigger, vcpu, 0 };

	if (xch == NULL) {
		errno = EBADF;
		return -1;
	}
	return xc_call(&xch->conn, PRIVCMD_OP_DOMAIN_TRIGGER, &t, sizeof(t),
	    NULL, 0, NULL, 0, NULL, NULL, NULL);
}
