/*
 * Hot-plug (dmproc.h): a device given to, or taken from, the model of a
 * running domain -- the model started first if the domain had none.
 * Slots are reused: the first free one is taken.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xvmd/devspec.h"
#include "xvmd/dmproc.h"
#include "xvmd/dmproc_priv.h"
#include "xvmd/vm.h"

/* vm's model, started for a running domain that had no devices. */
static struct dmproc *
model_of(struct xvmd *xd, struct vm *vm, char **cause)
{
	struct dmproc	*dp;

	if (vm->dm != NULL && vm->dm->fd != -1)
		return vm->dm;
	if (vm->dm != NULL) {
		xasprintf(cause, "%s's device model has died: its devices "
		    "change only when it restarts", vm->name);
		return NULL;
	}
	if (access(dmproc_path(), X_OK) == -1) {
		xasprintf(cause, "the device model %s: %s", dmproc_path(),
		    strerror(errno));
		return NULL;
	}
	dp = xcalloc(1, sizeof(*dp));
	dp->xd = xd;
	dp->vm = vm;
	dp->domid = vm->domid;
	dp->pid = -1;
	dp->fd = -1;
	dp->vnc_port = -1;
	vm->dm = dp;
	if (dm_run_model(dp, cause) == -1) {
		dmproc_stop(vm);
		return NULL;
	}
	log_info("%s: domain %s (%d): device model pid %d for hot-plug",
	    __func__, vm->name, vm->domid, (int)dp->pid);
	return dp;
}

/* The first free slot of dp (growing n), or -1. */
static int
free_slot(struct dmproc *dp)
{
	unsigned	i;

	for (i = 0; i < dp->n; i++)
		if (dp->slot[i].kind == NULL)
			return (int)i;
	if (dp->n == PRIVCMD_VIRTIO_SLOTS)
		return -1;
	memset(&dp->slot[dp->n], 0, sizeof(dp->slot[0]));
	dp->slot[dp->n].fd = -1;
	return (int)dp->n++;
}

static void
clear_slot(struct dmproc *dp, int i)
{
	if (dp->slot[i].fd != -1)
		close(dp->slot[i].fd);
	memset(&dp->slot[i], 0, sizeof(dp->slot[0]));
	dp->slot[i].fd = -1;
	while (dp->n > 0 && dp->slot[dp->n - 1].kind == NULL)
		dp->n--;
}

/* Plug slot i, filled by the caller; on failure it is free again. */
static int
hotplug(struct dmproc *dp, int i, char **cause)
{
	if (dm_plug_slot(dp, (unsigned)i, cause) == -1) {
		clear_slot(dp, i);
		return -1;
	}
	return i;
}

int
dmproc_attach_disk(struct xvmd *xd, struct vm *vm, const struct disk_spec *d,
    char **cause)
{
	struct dmproc	*dp;
	char		*why = NULL;
	int		 i;

	if ((dp = model_of(xd, vm, cause)) == NULL)
		return -1;
	if ((i = free_slot(dp)) == -1) {
		xasprintf(cause, "%s has %d devices, the most there is",
		    vm->name, PRIVCMD_VIRTIO_SLOTS);
		return -1;
	}
	if (dm_open_disk(vm, d, &dp->slot[i], &why) == -1) {
		/* "cannot start domain NAME: " is open_disk's prefix for boots. */
		const char *c = strstr(why, vm->name);

		xasprintf(cause, "%s", c != NULL && c[strlen(vm->name)] == ':' ?
		    c + strlen(vm->name) + 2 : why);
		free(why);
		clear_slot(dp, i);
		return -1;
	}
	return hotplug(dp, i, cause);
}

int
dmproc_attach_vif(struct xvmd *xd, struct vm *vm, const struct vif_spec *v,
    int64_t devid, char **cause)
{
	struct dmproc	*dp;
	int		 i;

	if ((dp = model_of(xd, vm, cause)) == NULL)
		return -1;
	if ((i = free_slot(dp)) == -1) {
		xasprintf(cause, "%s has %d devices, the most there is",
		    vm->name, PRIVCMD_VIRTIO_SLOTS);
		return -1;
	}
	dm_prepare_vif(v, devid, v->mac, &dp->slot[i]);
	return hotplug(dp, i, cause);
}

int
dmproc_find(const struct vm *vm, const char *kind, int64_t devid,
    int *connected)
{
	const struct dmproc	*dp = vm->dm;
	unsigned		 i;

	for (i = 0; dp != NULL && i < dp->n; i++)
		if (dp->slot[i].kind != NULL &&
		    strcmp(dp->slot[i].kind, kind) == 0 &&
		    dp->slot[i].devid == devid) {
			if (connected != NULL)
				*connected = dp->slot[i].connected;
			return (int)i;
		}
	return -1;
}

int64_t
dmproc_next_vif(const struct vm *vm)
{
	const struct dmproc	*dp = vm->dm;
	int64_t			 next = 0;
	unsigned		 i;

	for (i = 0; dp != NULL && i < dp->n; i++)
		if (dp->slot[i].kind != NULL &&
		    strcmp(dp->slot[i].kind, "vif") == 0 &&
		    dp->slot[i].devid >= next)
			next = dp->slot[i].devid + 1;
	return next;
}

int
dmproc_detach(struct vm *vm, const char *kind, int64_t devid, char **cause)
{
	struct dmproc	*dp = vm->dm;
	char		 req[64], *why = NULL;
	int		 i;

	if ((i = dmproc_find(vm, kind, devid, NULL)) == -1) {
		xasprintf(cause, "%s has no %s %" PRId64, vm->name, kind,
		    devid);
		return -1;
	}
	/* A dead model has nothing to unplug: the slot is just let go. */
	if (dp->fd != -1) {
		snprintf(req, sizeof(req), "{\"op\":\"unplug\",\"slot\":%d}",
		    i);
		if (dm_call(dp, req, -1, &why) == -1) {
			xasprintf(cause, "%s %" PRId64 ": %s", kind, devid, why);
			free(why);
			return -1;
		}
	}
	clear_slot(dp, i);
	return 0;
}

