/* Disk and network device specifications of xm configs: 'file:/img,xvda,w', 'mac=...,bridge=...'. */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/str.h"
#include "xvmd/devspec.h"

/*
 * Xen's virtual block device numbers (docs/misc/vbd-interface.txt):
 * xvdX[N] is 202<<8 | disk<<4 | N for disks a-p, 1<<28 | disk<<8 | N
 * beyond; hdX[N] (a-d) is major<<8 | (disk & 1)<<6 | N with majors 3 and
 * 22; sdX[N] (a-p) is 8<<8 | disk<<4 | N.
 */
int64_t
vdev_number(const char *v)
{
	static const int hd_major[] = { 3, 22 };
	size_t		 plen, i;
	int64_t		 disk = 0, part = 0;
	int		 letters = 0;

	if (strncmp(v, "xvd", 3) == 0)
		plen = 3;
	else if (strncmp(v, "hd", 2) == 0 || strncmp(v, "sd", 2) == 0)
		plen = 2;
	else
		return -1;
	for (i = plen; v[i] >= 'a' && v[i] <= 'z'; i++, letters++)
		disk = disk * 26 + (v[i] - 'a') + (letters > 0 ? 26 : 0);
	if (letters == 0 || letters > 2)
		return -1;
	for (; v[i] != '\0'; i++) {
		if (!isdigit((unsigned char)v[i]) || part > 255)
			return -1;
		part = part * 10 + (v[i] - '0');
	}
	if (i > plen + (size_t)letters && v[plen + letters] == '0')
		return -1;			/* "xvda01" */
	if (plen == 3) {
		if (disk < 16 && part < 16)
			return 202 << 8 | disk << 4 | part;
		return part < 256 ? (int64_t)1 << 28 | disk << 8 | part : -1;
	}
	if (v[0] == 'h')
		return disk < 4 && part < 64 ?
		    (int64_t)hd_major[disk / 2] << 8 | (disk & 1) << 6 | part :
		    -1;
	return disk < 16 && part < 16 ? 8 << 8 | disk << 4 | part : -1;
}

int
disk_spec_parse(const char *spec, struct disk_spec *d, char **cause)
{
	char	 copy[1200], *target, *vdev, *mode, *colon;
	size_t	 skip;

	memset(d, 0, sizeof(*d));
	if (str_copy(copy, spec, sizeof(copy)) == -1)
		return cause_printf(cause, "disk spec too long");
	/* TARGET,VDEV,MODE — the target may itself contain no commas. */
	target = copy;
	if ((vdev = strchr(target, ',')) == NULL ||
	    (mode = strchr(vdev + 1, ',')) == NULL ||
	    strchr(mode + 1, ',') != NULL)
		return cause_printf(cause, "disk '%s': expected "
		    "'TYPE:TARGET,VDEV,MODE'", spec);
	*vdev++ = '\0';
	*mode++ = '\0';

	if (str_has_prefix(target, "file:")) {
		d->backend = DISK_FILE;
		skip = 5;
	} else if (str_has_prefix(target, "tap:aio:")) {
		d->backend = DISK_FILE;
		skip = 8;
	} else if (str_has_prefix(target, "phy:")) {
		d->backend = DISK_PHY;
		skip = 4;
	} else
		return cause_printf(cause, "disk '%s': unknown type (expected file:, "
		    "tap:aio: or phy:)", spec);
	if (target[skip] == '\0')
		return cause_printf(cause, "disk '%s': empty target", spec);
	if (d->backend == DISK_FILE && target[skip] != '/')
		return cause_printf(cause, "disk '%s': file path must be absolute",
		    spec);
	strlcpy(d->target, target + skip, sizeof(d->target));

	if ((colon = strchr(vdev, ':')) != NULL) {
		if (strcmp(colon, ":cdrom") != 0)
			return cause_printf(cause, "disk '%s': unknown device "
			    "suffix '%s'", spec, colon);
		*colon = '\0';
		d->cdrom = 1;
	}
	if (vdev_number(vdev) < 0)
		return cause_printf(cause, "disk '%s': invalid virtual device '%s' "
		    "(expected xvdX, hdX or sdX with an optional partition)",
		    spec, vdev);
	strlcpy(d->vdev, vdev, sizeof(d->vdev));

	if (strcmp(mode, "w") == 0 || strcmp(mode, "w!") == 0) {
		d->writable = 1;
		d->shared = mode[1] == '!';
	}
	else if (strcmp(mode, "r") != 0)
		return cause_printf(cause, "disk '%s': mode must be 'r', 'w' or "
		    "'w!'", spec);
	return 0;
}

int
mac_parse(const char *s, uint8_t mac[6])
{
	unsigned int	 b[6];
	char		 tail;
	int		 i;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c",
	    &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[i * 3]) ||
		    !isxdigit((unsigned char)s[i * 3 + 1]))
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

static const struct {
	const char	*key;
	size_t		 off;
	size_t		 size;
} vif_keys[] = {
	{ "bridge", offsetof(struct vif_spec, bridge), sizeof(((struct vif_spec *)0)->bridge) },
	{ "ip", offsetof(struct vif_spec, ip), sizeof(((struct vif_spec *)0)->ip) },
	{ "model", offsetof(struct vif_spec, model), sizeof(((struct vif_spec *)0)->model) },
	{ "type", offsetof(struct vif_spec, type), sizeof(((struct vif_spec *)0)->type) },
	{ "script", offsetof(struct vif_spec, script), sizeof(((struct vif_spec *)0)->script) },
	{ "vifname", offsetof(struct vif_spec, vifname), sizeof(((struct vif_spec *)0)->vifname) },
};

int
vif_spec_parse(const char *spec, struct vif_spec *v, char **cause)
{
	char	 copy[1024], *p, *item, *eq;
	size_t	 i;

	memset(v, 0, sizeof(*v));
	if (str_copy(copy, spec, sizeof(copy)) == -1)
		return cause_printf(cause, "vif spec too long");
	for (p = copy; (item = strsep(&p, ",")) != NULL;) {
		while (*item == ' ')
			item++;
		if (*item == '\0')
			continue;
		if ((eq = strchr(item, '=')) == NULL)
			return cause_printf(cause, "vif '%s': '%s' is not KEY=VALUE",
			    spec, item);
		*eq++ = '\0';
		if (strcmp(item, "mac") == 0) {
			if (mac_parse(eq, v->mac) == -1)
				return cause_printf(cause, "vif '%s': invalid MAC "
				    "address '%s'", spec, eq);
			if (v->mac[0] & 1)
				return cause_printf(cause, "vif '%s': MAC address "
				    "'%s' is multicast", spec, eq);
			v->has_mac = 1;
			continue;
		}
		for (i = 0; i < sizeof(vif_keys) / sizeof(vif_keys[0]); i++)
			if (strcmp(item, vif_keys[i].key) == 0)
				break;
		if (i == sizeof(vif_keys) / sizeof(vif_keys[0]))
			return cause_printf(cause, "vif '%s': unknown key '%s'",
			    spec, item);
		if (str_copy((char *)v + vif_keys[i].off, eq,
		    vif_keys[i].size) == -1)
			return cause_printf(cause, "vif '%s': value of '%s' too "
			    "long", spec, item);
	}
	return 0;
}

/* Parse "N" or "N-M" into [*lo, *hi]. */
static int
cpu_range(const char *item, unsigned int *lo, unsigned int *hi)
{
	char		 first[16];
	const char	*dash = strchr(item, '-');
	uint64_t	 a, b;

	if (dash == NULL)
		dash = item + strlen(item);
	if ((size_t)(dash - item) >= sizeof(first))
		return -1;
	memcpy(first, item, (size_t)(dash - item));
	first[dash - item] = '\0';
	if (str_to_u64(first, 0, 63, &a) == -1)
		return -1;
	b = a;
	if (*dash == '-' && str_to_u64(dash + 1, 0, 63, &b) == -1)
		return -1;
	if (b < a)
		return -1;
	*lo = (unsigned int)a;
	*hi = (unsigned int)b;
	return 0;
}

int
cpumask_parse(const char *spec, uint64_t *mask, char **cause)
{
	char		 copy[256], *p, *item;
	uint64_t	 want = 0, drop = 0;
	unsigned int	 lo, hi, c;
	int		 any = 0, neg;

	if (strcmp(spec, "all") == 0) {
		*mask = UINT64_MAX;
		return 0;
	}
	if (str_copy(copy, spec, sizeof(copy)) == -1)
		return cause_printf(cause, "cpus '%s' too long", spec);
	for (p = copy; (item = strsep(&p, ",")) != NULL;) {
		while (*item == ' ')
			item++;
		neg = *item == '^';
		if (cpu_range(item + neg, &lo, &hi) == -1)
			return cause_printf(cause, "cpus '%s': '%s' is not a CPU "
			    "number or range within 0-63", spec, item);
		for (c = lo; c <= hi; c++) {
			if (neg)
				drop |= UINT64_C(1) << c;
			else
				want |= UINT64_C(1) << c;
		}
		any |= !neg;
	}
	/* Only exclusions: all CPUs but those. */
	*mask = (any ? want : UINT64_MAX) & ~drop;
	if (*mask == 0)
		return cause_printf(cause, "cpus '%s' leaves no CPU", spec);
	return 0;
}
