/* The store against the hypervisor: stale domain entries go, missing ones come back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xvm/xen.h>
#include <xvm/xenctrl.h>
#include <xvm/xenstore.h>

#include "lib/log.h"
#include "lib/str.h"
#include "lib/uuid.h"
#include "xvmd/reconcile.h"
#include "xvmd/vm.h"
#include "xvmd/xsdom.h"
#include "xvmd/xvmd.h"

/*
 * xvmd writes /local/domain/<id> and /vm/<uuid> when it starts a domain
 * and removes them when it destroys one (xsdom.c).  Either may miss the
 * store: a teardown while xenstored was down leaves entries behind
 * (issue 13, item 10), and a store that comes back without its database
 * has lost those of running domains.  So whenever the store connection is
 * made -- at start, after the recovery of running domains, and on every
 * reconnection -- the store is compared with what the hypervisor runs:
 *
 *   /local/domain/<id> of a domain the hypervisor does not have (or has
 *   dying) is removed, and the domain released;
 *   /vm/<uuid> whose UUID is no live domain's handle is removed;
 *   a running domain of ours without its entries gets them back (ring
 *   pages and ports from the hypervisor's parameters), and is introduced
 *   again if the store does not know it.  (A guest's own watches are not
 *   ours to restore: a store that lost its database lost them.)
 *
 * Domain-0's home stays; other programs' entries of live domains stay.
 */

static int
alive(const xc_domaininfo_t *info, int n, uint32_t domid)
{
	int	 i;

	for (i = 0; i < n; i++)
		if (info[i].domain == domid)
			return !(info[i].flags & XEN_DOMINF_dying);
	return 0;
}

static int
handle_alive(const xc_domaininfo_t *info, int n, const uint8_t uuid[16])
{
	int	 i;

	for (i = 0; i < n; i++)
		if (!(info[i].flags & XEN_DOMINF_dying) &&
		    memcmp(info[i].handle, uuid, 16) == 0)
			return 1;
	return 0;
}

static void
stale_homes(struct xvmd *xd, const xc_domaininfo_t *info, int n)
{
	char		**ids, path[64];
	unsigned int	  num, i;
	uint64_t	  id;

	if ((ids = xs_directory(xd->xs, XBT_NULL, "/local/domain",
	    &num)) == NULL)
		return;
	for (i = 0; i < num; i++) {
		if (str_to_u64(ids[i], 1, DOMID_FIRST_RESERVED - 1, &id) == -1 ||
		    alive(info, n, (uint32_t)id))
			continue;
		snprintf(path, sizeof(path), "/local/domain/%s", ids[i]);
		(void)xs_release_domain(xd->xs, (unsigned int)id);
		if (!xs_rm(xd->xs, XBT_NULL, path) && errno != ENOENT)
			log_warn("%s: rm %s", __func__, path);
		else
			log_info("%s: removed %s: domain %s is gone", __func__,
			    path, ids[i]);
	}
	free(ids);
}

static void
stale_vms(struct xvmd *xd, const xc_domaininfo_t *info, int n)
{
	char		**uuids, path[96];
	unsigned int	  num, i;
	uint8_t		  u[16];

	if ((uuids = xs_directory(xd->xs, XBT_NULL, "/vm", &num)) == NULL)
		return;
	for (i = 0; i < num; i++) {
		if (uuid_parse(uuids[i], u) == -1 || handle_alive(info, n, u))
			continue;
		snprintf(path, sizeof(path), "/vm/%s", uuids[i]);
		if (!xs_rm(xd->xs, XBT_NULL, path) && errno != ENOENT)
			log_warn("%s: rm %s", __func__, path);
		else
			log_info("%s: removed %s: no running domain has it",
			    __func__, path);
	}
	free(uuids);
}

static int
exists(struct xvmd *xd, const char *path)
{
	char		*v;
	unsigned int	 len;

	if ((v = xs_read(xd->xs, XBT_NULL, path, &len)) != NULL) {
		free(v);
		return 1;
	}
	return errno == ENOENT ? 0 : -1;
}

/* A running domain of ours: its entries and introduction, if missing. */
static void
republish(struct xvmd *xd, struct vm *vm)
{
	char	 path[96], uuid[UUID_STR_LEN], *cause = NULL;
	int	 home, rc = 0;

	snprintf(path, sizeof(path), "/local/domain/%d/name", vm->domid);
	if ((home = exists(xd, path)) == -1)
		return;
	uuid_format(vm->uuid, uuid);
	snprintf(path, sizeof(path), "/vm/%s/xvm/config", uuid);
	if (!home) {
		rc = xsdom_republish(xd, vm, &cause);
		if (rc == 0)
			log_info("%s: %s (domain %d): its store entries were "
			    "missing; written again", __func__, vm->name,
			    vm->domid);
	} else if (exists(xd, path) == 0) {
		rc = xsdom_write_vm(xd, vm, &cause);
		if (rc == 0)
			log_info("%s: %s: /vm/%s written again", __func__,
			    vm->name, uuid);
	}
	if (rc == -1) {
		log_warnx("%s: %s", __func__, cause);
		free(cause);
	}
}

void
store_reconcile(struct xvmd *xd)
{
	xc_domaininfo_t	*info;
	struct vm	*vm;
	int		 n;

	if ((n = vm_getinfo_all(xd, &info)) < 0) {
		log_warn("%s: listing domains", __func__);
		return;
	}
	stale_homes(xd, info, n);
	stale_vms(xd, info, n);
	TAILQ_FOREACH(vm, &xd->vms, entry)
		if (vm->domid > 0 && alive(info, n, (uint32_t)vm->domid))
			republish(xd, vm);
	free(info);
}
