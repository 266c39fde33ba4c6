/*
 * Memory admission: the host's RAM, less dom0-min-mem (xend's setting: what
 * the host keeps for itself), is what domains may have, and a domain's
 * share is its maxmem -- the most it can ever touch -- so that every domain
 * admitted can grow to its maxmem at once without the host running out.
 * The figures come from the hypervisor (total pages, each domain's
 * max_pages), so domains xvmd did not start count too.  An administrator
 * who wants sparse domains to over-commit sets memory-overcommit.
 *
 * Example: a 24064 MiB host with dom0-min-mem 196 and two domains of
 * maxmem 8192 has 7684 MiB free; a third of maxmem 8192 is refused.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <xvm/xenctrl.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xvmd/memory.h"
#include "xvmd/vm.h"
#include "xvmd/xvmd.h"

int
mem_account(struct xvmd *xd, struct mem_account *ma)
{
	xc_physinfo_t	 pi;
	xc_domaininfo_t	*info;
	int		 n, i;

	memset(ma, 0, sizeof(*ma));
	memset(&pi, 0, sizeof(pi));
	if (xc_physinfo(xd->xch, &pi) == -1 ||
	    (n = vm_getinfo_all(xd, &info)) < 0)
		return -1;
	ma->total = (int64_t)(pi.total_pages >> 8);
	ma->dom0_min = xendconf_int(&xd->conf, XC_DOM0_MIN_MEM);
	for (i = 0; i < n; i++)
		if (info[i].domain != 0 && !(info[i].flags & XEN_DOMINF_dying))
			ma->committed += (int64_t)((info[i].max_pages + 255) >>
			    8);
	free(info);
	ma->free = ma->total - ma->dom0_min - ma->committed;
	return 0;
}

int
mem_admit(struct xvmd *xd, int64_t mib, const char *what, char **cause)
{
	struct mem_account	 ma;

	if (mem_account(xd, &ma) == -1) {
		xasprintf(cause, "cannot account the host's memory: %s",
		    strerror(errno));
		return EIO;
	}
	if (mib <= ma.free)
		return 0;
	if (xendconf_bool(&xd->conf, XC_MEM_OVERCOMMIT)) {
		log_info("%s: %s: %" PRId64 " MiB over-commits the host (%"
		    PRId64 " MiB free for domains); memory-overcommit is set",
		    __func__, what, mib, ma.free > 0 ? ma.free : 0);
		return 0;
	}
	xasprintf(cause, "%s: maxmem %" PRId64 " MiB is more than the %" PRId64
	    " MiB free for domains (host %" PRId64 " MiB - dom0-min-mem %"
	    PRId64 " MiB - %" PRId64 " MiB of running domains' maxmem); set "
	    "memory-overcommit to allow it", what, mib,
	    ma.free > 0 ? ma.free : 0, ma.total, ma.dom0_min, ma.committed);
	return ENOMEM;
}
