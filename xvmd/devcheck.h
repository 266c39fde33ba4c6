/* A domain's disks and vifs checked against the host before it starts. */
#ifndef XVM_XVMD_DEVCHECK_H
#define XVM_XVMD_DEVCHECK_H

#include <sys/stat.h>
#include <sys/types.h>

struct disk_spec;
struct vm;
struct xvmd;

/*
 * Open the backing of a disk as the domain will use it: a file: image is
 * a regular file (or a block device), a phy: device a block device
 * ("phy:sda" is /dev/sda), opened read-only for 'r' and read-write for
 * 'w'/'w!', without blocking.  Returns the descriptor (the caller's; the
 * data path takes it over) with *st filled, or -1 with errno and *cause
 * naming the disk: ENOENT, EACCES, EROFS, EINVAL (another kind of file).
 */
int	 devcheck_open_disk(const struct disk_spec *, struct stat *st,
	    char **cause);

/* The device a phy: target names ("sda" is /dev/sda), in out. */
void	 devcheck_phy_path(const char *target, char *out, size_t size);

/*
 * Every disk and vif of vm, before it starts or is restored: each disk
 * opens as devcheck_open_disk says; no disk is one another running
 * domain has (the same file or device) when either side has it writable
 * (or this one's, under another vdev) -- unless both say 'w!'; each vif's
 * bridge may be used (netif_bridge_check; *cause then begins with the
 * config's file:line).  0, or an errno
 * value with *cause (caller frees): EINVAL, ENOENT, EACCES, EBUSY.
 */
int	 devcheck_domain(struct xvmd *, const struct vm *, char **cause);

#endif
