/*
 * A domain's disks and vifs checked against the host before it starts
 * (devspec.c parses their specs): as xend refused a disk whose image or
 * device is missing, or that another domain has writable ("Device ... is
 * already connected to domain N in mode w"), and a vif on a bridge that
 * does not exist.  The data path (dm/) will take the descriptors that
 * devcheck_open_disk opens; until then the checks open and close them.
 *
 * Sharing rule, for one file or device (compared by st_dev/st_ino, or
 * st_rdev for a device, so two paths to one image are one image):
 *
 *	this \ other	r	w	w!
 *	r		ok	no	no
 *	w		no	no	no
 *	w!		no	no	ok
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/file.h"
#include "lib/xmalloc.h"
#include "xvmd/devcheck.h"
#include "xvmd/devspec.h"
#include "xvmd/domcfg.h"
#include "xvmd/netif.h"
#include "xvmd/vm.h"
#include "xvmd/xvmd.h"

void
devcheck_phy_path(const char *target, char *out, size_t size)
{
	snprintf(out, size, "%s%s", target[0] == '/' ? "" : "/dev/", target);
}

static const char *
mode_name(const struct disk_spec *d)
{
	return d->shared ? "w!" : d->writable ? "w" : "r";
}

int
devcheck_open_disk(const struct disk_spec *d, struct stat *st, char **cause)
{
	char	 path[PATH_MAX], what[64], *why = NULL;
	int	 fd, saved;

	if (d->backend == DISK_PHY) {
		devcheck_phy_path(d->target, path, sizeof(path));
		snprintf(what, sizeof(what), "disk %s (phy:)", d->vdev);
	} else {
		snprintf(path, sizeof(path), "%s", d->target);
		snprintf(what, sizeof(what), "disk %s (file:)", d->vdev);
	}
	fd = file_open_kind(path, d->writable ? O_RDWR : O_RDONLY,
	    d->backend == DISK_PHY ? FILE_KIND_BLOCK :
	    FILE_KIND_REGULAR | FILE_KIND_BLOCK, what, &why);
	if (fd == -1) {
		saved = errno;
		xasprintf(cause, "%s%s", why, saved == EROFS || (saved ==
		    EACCES && d->writable) ? " (mode w needs it writable)" :
		    "");
		free(why);
		errno = saved;
		return -1;
	}
	if (fstat(fd, st) == -1) {
		saved = errno;
		xasprintf(cause, "%s '%s': %s", what, path, strerror(saved));
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* Is one image or device behind both stats? */
static int
same_backing(const struct stat *a, const struct stat *b)
{
	if (S_ISBLK(a->st_mode) && S_ISBLK(b->st_mode))
		return a->st_rdev == b->st_rdev;
	return !S_ISBLK(a->st_mode) && !S_ISBLK(b->st_mode) &&
	    a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* May disk a (ours) and b (another domain's) share a backing? */
static int
may_share(const struct disk_spec *a, const struct disk_spec *b)
{
	if (!a->writable && !b->writable)
		return 1;
	return a->shared && b->shared;
}

/* A path to disk d's backing, as devcheck_open_disk opens it. */
static void
disk_path(const struct disk_spec *d, char *path, size_t size)
{
	if (d->backend == DISK_PHY)
		devcheck_phy_path(d->target, path, size);
	else
		snprintf(path, size, "%s", d->target);
}

/* d (ours) against od, with the backing ost; o names od's domain, or NULL. */
static int
clash(const struct disk_spec *d, const struct stat *st,
    const struct disk_spec *od, const struct vm *o, char **cause)
{
	struct stat	 ost;
	char		 path[PATH_MAX];

	disk_path(od, path, sizeof(path));
	if (stat(path, &ost) == -1 || !same_backing(st, &ost) ||
	    may_share(d, od))
		return 0;
	xasprintf(cause, "disk %s '%s' (mode %s) is %s%s's disk %s already, "
	    "in mode %s%s", d->vdev, d->target, mode_name(d),
	    o == NULL ? "this domain" : "domain ", o == NULL ? "" : o->name,
	    od->vdev, mode_name(od), d->writable || od->writable ?
	    " (only 'w!' on both sides shares a writable disk)" : "");
	return -1;
}

/*
 * Disk i of vm, with the backing st: an earlier disk of vm, or another
 * running domain's disk, with that backing that it may not share.
 */
static int
sharing(struct xvmd *xd, const struct vm *vm, size_t i, const struct stat *st,
    char **cause)
{
	const struct disk_spec	*d = &vm->cfg->disks[i];
	const struct vm		*o;
	size_t			 j;

	for (j = 0; j < i; j++)
		if (clash(d, st, &vm->cfg->disks[j], NULL, cause) == -1)
			return -1;
	TAILQ_FOREACH(o, &xd->vms, entry) {
		if (o == vm || o->domid < 0)
			continue;
		for (j = 0; j < o->cfg->ndisks; j++)
			if (clash(d, st, &o->cfg->disks[j], o, cause) == -1)
				return -1;
	}
	return 0;
}

int
devcheck_domain(struct xvmd *xd, const struct vm *vm, char **cause)
{
	const struct domcfg	*cfg = vm->cfg;
	const struct vif_spec	*v;
	struct stat		 st;
	char			*why = NULL;
	size_t			 i;
	int			 fd, err;

	for (i = 0; i < cfg->ndisks; i++) {
		if ((fd = devcheck_open_disk(&cfg->disks[i], &st, cause)) ==
		    -1) {
			err = errno;
			return err == ENOENT || err == EACCES ? err : EINVAL;
		}
		close(fd);
		if (sharing(xd, vm, i, &st, cause) == -1)
			return EBUSY;
	}
	for (i = 0; i < cfg->nvifs; i++) {
		v = &cfg->vifs[i];
		if (netif_bridge_check(v->bridge[0] ? v->bridge :
		    NETIF_DEFAULT_BRIDGE, &why) == -1) {
			xasprintf(cause, "%s:%d: %s", vm->cfgfile, v->line, why);
			free(why);
			return EINVAL;
		}
	}
	return 0;
}
