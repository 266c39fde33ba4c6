/* Disk and network device specifications of xm configs: 'file:/img,xvda,w', 'mac=...,bridge=...'. */
#ifndef XVM_XVMD_DEVSPEC_H
#define XVM_XVMD_DEVSPEC_H

#include <stdint.h>

enum disk_backend {
	DISK_FILE,		/* file:PATH (also tap:aio:PATH) */
	DISK_PHY,		/* phy:DEVICE */
};

struct disk_spec {
	enum disk_backend	 backend;
	char			 target[1024];	/* path or device */
	char			 vdev[32];	/* xvda, hda1, sdb, ... */
	int			 writable;	/* 'w' (or 'w!') vs 'r' */
	int			 shared;	/* 'w!': other writers allowed */
	int			 cdrom;		/* vdev suffixed ':cdrom' */
};

struct vif_spec {
	uint8_t			 mac[6];
	int			 has_mac;
	char			 bridge[64];
	char			 ip[64];
	char			 model[32];
	char			 type[16];	/* ioemu, netfront */
	char			 script[256];
	char			 vifname[32];
	int			 line;		/* in its config file, or 0 */
};

/*
 * Parse one spec.  Return 0, or -1 with *cause (owned by the caller) set
 * to a reason without location (the caller prefixes file:line).
 */
int	 disk_spec_parse(const char *, struct disk_spec *, char **cause);
int	 vif_spec_parse(const char *, struct vif_spec *, char **cause);

/*
 * Parse a CPU affinity list: "0-3,6", "^1" (all but 1), "all".  CPUs 0-63.
 * Returns 0, or -1 with *cause (owned by the caller).
 */
int	 cpumask_parse(const char *, uint64_t *mask, char **cause);

/* Xen's number of a virtual block device name ("xvda" 51712), or -1. */
int64_t	 vdev_number(const char *);

/* "00:16:3e:xx:xx:xx"-style text; -1 if malformed. */
int	 mac_parse(const char *, uint8_t mac[6]);

#endif
