/* A domain's virtual devices: xend's frontend and backend store entries, and the device event log. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/paths.h"
#include "xvmd/devices.h"
#include "xvmd/devspec.h"
#include "xvmd/domcfg.h"
#include "xvmd/vm.h"
#include "xvmd/xsdom.h"
#include "xvmd/xvmd.h"

#define DEV_LOG		XVM_LOG_DIR "/xpvd-event.log"
#define XENBUS_INITIALISING	1	/* XenbusStateInitialising */

void
dev_vif_mac(const struct vm *vm, size_t i, uint8_t mac[6])
{
	const struct vif_spec	*v = &vm->cfg->vifs[i];

	if (v->has_mac) {
		memcpy(mac, v->mac, 6);
		return;
	}
	/* Xen's OUI, then the UUID: unicast, and stable across reboots. */
	mac[0] = 0x00;
	mac[1] = 0x16;
	mac[2] = 0x3e;
	mac[3] = vm->uuid[13] & 0x7f;
	mac[4] = vm->uuid[14];
	mac[5] = (uint8_t)(vm->uuid[15] + i);
}

static void
fmt_mac(const uint8_t m[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
}

/* The pair of directories of one device, linked both ways. */
static void
dev_pair(struct xs_handle *xs, xs_transaction_t t, int *ok,
    const struct vm *vm, unsigned int id, const char *kind, int64_t devid,
    char *fe, char *be, size_t len)
{
	char	 p[256];

	snprintf(fe, len, "/local/domain/%u/device/%s/%" PRId64, id, kind,
	    devid);
	snprintf(be, len, "/local/domain/0/backend/%s/%u/%" PRId64, kind, id,
	    devid);
#define F(k)	(snprintf(p, sizeof(p), "%s/%s", fe, k), p)
#define B(k)	(snprintf(p, sizeof(p), "%s/%s", be, k), p)
	/* The guest owns its frontend; the backend is dom0's, readable. */
	xsdom_put(xs, t, ok, fe, "%s", "");
	xsdom_perm(xs, t, ok, fe, id, 0);
	xsdom_put(xs, t, ok, F("backend"), "%s", be);
	xsdom_put(xs, t, ok, F("backend-id"), "%d", 0);
	xsdom_put(xs, t, ok, F("state"), "%d", XENBUS_INITIALISING);
	xsdom_put(xs, t, ok, be, "%s", "");
	xsdom_perm(xs, t, ok, be, 0, (int)id);
	xsdom_put(xs, t, ok, B("domain"), "%s", vm->name);
	xsdom_put(xs, t, ok, B("frontend"), "%s", fe);
	xsdom_put(xs, t, ok, B("frontend-id"), "%u", id);
	xsdom_put(xs, t, ok, B("online"), "%d", 1);
	xsdom_put(xs, t, ok, B("state"), "%d", XENBUS_INITIALISING);
#undef F
#undef B
}

void
dev_write_vbd(struct xs_handle *xs, xs_transaction_t t, int *ok,
    const struct vm *vm, unsigned int id, const struct disk_spec *d)
{
	char		 fe[128], be[128], p[192];
	int64_t		 devid = vdev_number(d->vdev);
	const char	*type = d->cdrom ? "cdrom" : "disk";

#define F(k)	(snprintf(p, sizeof(p), "%s/%s", fe, k), p)
#define B(k)	(snprintf(p, sizeof(p), "%s/%s", be, k), p)
	dev_pair(xs, t, ok, vm, id, "vbd", devid, fe, be, sizeof(fe));
	xsdom_put(xs, t, ok, F("virtual-device"), "%" PRId64, devid);
	xsdom_put(xs, t, ok, F("device-type"), "%s", type);
	xsdom_put(xs, t, ok, B("dev"), "%s", d->vdev);
	xsdom_put(xs, t, ok, B("device-type"), "%s", type);
	xsdom_put(xs, t, ok, B("type"), "%s",
	    d->backend == DISK_PHY ? "phy" : "file");
	xsdom_put(xs, t, ok, B("params"), "%s", d->target);
	xsdom_put(xs, t, ok, B("mode"), "%s", d->writable ? "w" : "r");
#undef F
#undef B
}

void
dev_write_vif(struct xs_handle *xs, xs_transaction_t t, int *ok,
    const struct vm *vm, unsigned int id, const struct vif_spec *v,
    int64_t devid, const uint8_t m[6])
{
	char		 fe[128], be[128], p[192], mac[18];

#define F(k)	(snprintf(p, sizeof(p), "%s/%s", fe, k), p)
#define B(k)	(snprintf(p, sizeof(p), "%s/%s", be, k), p)
	fmt_mac(m, mac);
	dev_pair(xs, t, ok, vm, id, "vif", devid, fe, be, sizeof(fe));
	xsdom_put(xs, t, ok, F("handle"), "%" PRId64, devid);
	xsdom_put(xs, t, ok, F("mac"), "%s", mac);
	xsdom_put(xs, t, ok, B("handle"), "%" PRId64, devid);
	xsdom_put(xs, t, ok, B("mac"), "%s", mac);
	xsdom_put(xs, t, ok, B("script"), "%s",
	    v->script[0] ? v->script : "vif-bridge");
	if (v->bridge[0])
		xsdom_put(xs, t, ok, B("bridge"), "%s", v->bridge);
	if (v->ip[0])
		xsdom_put(xs, t, ok, B("ip"), "%s", v->ip);
	if (v->vifname[0])
		xsdom_put(xs, t, ok, B("vifname"), "%s", v->vifname);
#undef F
#undef B
}

void
dev_write(struct xs_handle *xs, xs_transaction_t t, int *ok,
    const struct vm *vm, unsigned int id)
{
	const struct domcfg	*cfg = vm->cfg;
	uint8_t			 m[6];
	size_t			 i;

	for (i = 0; i < cfg->ndisks; i++)
		dev_write_vbd(xs, t, ok, vm, id, &cfg->disks[i]);
	for (i = 0; i < cfg->nvifs; i++) {
		dev_vif_mac(vm, i, m);
		dev_write_vif(xs, t, ok, vm, id, &cfg->vifs[i], (int64_t)i, m);
	}
}

void
dev_remove_one(struct xvmd *xd, int domid, const char *kind, int64_t devid)
{
	char	p[128];

	snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%d/%" PRId64, kind,
	    domid, devid);
	if (!xs_rm(xd->xs, XBT_NULL, p) && errno != ENOENT)
		log_warn("%s: rm %s", __func__, p);
	snprintf(p, sizeof(p), "/local/domain/%d/device/%s/%" PRId64, domid,
	    kind, devid);
	if (!xs_rm(xd->xs, XBT_NULL, p) && errno != ENOENT)
		log_warn("%s: rm %s", __func__, p);
}

void
dev_remove(struct xvmd *xd, const struct vm *vm, int domid)
{
	static const char *const kinds[] = { "vbd", "vif" };
	char			 p[96];
	size_t			 i;

	if (vm->cfg->ndisks + vm->cfg->nvifs == 0)
		return;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%d",
		    kinds[i], domid);
		if (!xs_rm(xd->xs, XBT_NULL, p) && errno != ENOENT)
			log_warn("%s: rm %s", __func__, p);
	}
	dev_log(vm, domid, "remove");
}

/* The event log, open for appending, or NULL (logged). */
static FILE *
evlog_open(char stamp[32])
{
	char		*path;
	struct tm	 tm;
	time_t		 now = time(NULL);
	FILE		*f = NULL;
	int		 fd;

	if ((path = xvm_path(DEV_LOG)) == NULL)
		return NULL;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1 || (f = fdopen(fd, "a")) == NULL) {
		log_warn("%s: %s", __func__, path);
		if (fd != -1)
			close(fd);
	}
	free(path);
	localtime_r(&now, &tm);
	strftime(stamp, 32, "%Y-%m-%d %H:%M:%S", &tm);
	return f;
}

static void
evlog_vbd(FILE *f, const char *stamp, const struct vm *vm, int domid,
    const struct disk_spec *d, const char *event)
{
	fprintf(f, "[%s %d] vbd %d/%" PRId64 " %s: %s %s:%s,%s%s,%s\n",
	    stamp, (int)getpid(), domid, vdev_number(d->vdev), event,
	    vm->name, d->backend == DISK_PHY ? "phy" : "file", d->target,
	    d->vdev, d->cdrom ? ":cdrom" : "", d->writable ? "w" : "r");
}

static void
evlog_vif(FILE *f, const char *stamp, const struct vm *vm, int domid,
    const struct vif_spec *v, int64_t devid, const uint8_t m[6],
    const char *event)
{
	char	mac[18];

	fmt_mac(m, mac);
	fprintf(f, "[%s %d] vif %d/%" PRId64 " %s: %s mac=%s%s%s\n", stamp,
	    (int)getpid(), domid, devid, event, vm->name, mac,
	    v->bridge[0] ? " bridge=" : "", v->bridge);
}

static void
evlog_close(FILE *f)
{
	if (fclose(f) == EOF)
		log_warn("%s: %s", __func__, DEV_LOG);
}

void
dev_log_vbd(const struct vm *vm, int domid, const struct disk_spec *d,
    const char *event)
{
	char	 stamp[32];
	FILE	*f;

	if ((f = evlog_open(stamp)) == NULL)
		return;
	evlog_vbd(f, stamp, vm, domid, d, event);
	evlog_close(f);
}

void
dev_log_vif(const struct vm *vm, int domid, const struct vif_spec *v,
    int64_t devid, const char *event)
{
	char	 stamp[32];
	FILE	*f;

	if ((f = evlog_open(stamp)) == NULL)
		return;
	evlog_vif(f, stamp, vm, domid, v, devid, v->mac, event);
	evlog_close(f);
}

void
dev_log(const struct vm *vm, int domid, const char *event)
{
	const struct domcfg	*cfg = vm->cfg;
	char			 stamp[32];
	uint8_t			 m[6];
	size_t			 i;
	FILE			*f;

	if (cfg->ndisks + cfg->nvifs == 0 || (f = evlog_open(stamp)) == NULL)
		return;
	for (i = 0; i < cfg->ndisks; i++)
		evlog_vbd(f, stamp, vm, domid, &cfg->disks[i], event);
	for (i = 0; i < cfg->nvifs; i++) {
		dev_vif_mac(vm, i, m);
		evlog_vif(f, stamp, vm, domid, &cfg->vifs[i], (int64_t)i, m,
		    event);
	}
	evlog_close(f);
}
