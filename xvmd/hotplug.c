/*
 * Hot-plug of disks and vifs (docs/api.md "Devices"; xm block-attach,
 * network-attach and their -detach and -list): the API handlers.
 *
 * The config stays the one truth of what a domain has: every change is
 * made to the config text (disk = [...], vif = [...]), parsed again, and
 * only then applied.  A running domain gets the device at once -- store
 * entries as xend wrote them, then the device model plugs it into a free
 * virtio-mmio slot and the backend goes to state 2 -- and its config is
 * updated in /vm and, for a managed domain, in its managed entry, so the
 * next boot has it in the device tree.  Linux probes virtio-mmio only at
 * boot (docs/virtio.md): the reply's message says so.  A domain that is
 * not running only has its config changed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <xvm/xenstore.h>

#include "lib/json.h"
#include "lib/log.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "xvmd/api.h"
#include "xvmd/devcheck.h"
#include "xvmd/devices.h"
#include "xvmd/devspec.h"
#include "xvmd/devtext.h"
#include "xvmd/dmproc.h"
#include "xvmd/domcfg.h"
#include "xvmd/vm.h"
#include "xvmd/xsdom.h"
#include "xvmd/xvmd.h"

#define LINUX_NOTE	"Linux reads its virtio-mmio devices from the device " \
			"tree at boot, so a Linux guest sees the change at its " \
			"next boot"

/* :kind, "vbd" or "vif"; 1 for vbd, 0 for vif, -1 (ENOENT) otherwise. */
static int
kind_of(struct api_req *ar, char **cause)
{
	const char	*k = ar->params[1];

	if (strcmp(k, "vbd") == 0)
		return 1;
	if (strcmp(k, "vif") == 0)
		return 0;
	xasprintf(cause, "no device class '%s' (vbd: disks, vif: network "
	    "interfaces)", k);
	return -1;
}

/* The vif list of vm's config with every MAC written out (so a vif
 * keeps its MAC when another goes): n+1 specs, the last 'extra'. */
static void
vif_pinned(const struct vm *vm, size_t i, struct vif_spec *out)
{
	*out = vm->cfg->vifs[i];
	dev_vif_mac(vm, i, out->mac);
	out->has_mac = 1;
}

/*
 * The config text with the disks (or vifs) of vm's config, without the
 * one at index 'drop' (-1: none), plus 'add' (NULL: none); then parsed.
 * 0 with *text and *cfg (caller owns both), or EINVAL with *cause.
 */
static int
rewrite(struct vm *vm, int vbd, long drop, const void *add, char **text,
    struct domcfg **cfg, char **cause)
{
	const struct domcfg	*c = vm->cfg;
	size_t			 n = vbd ? c->ndisks : c->nvifs, i, k = 0;
	char			**items = xcalloc(n + 1, sizeof(*items));
	struct vif_spec		 v;
	int			 rc = -1, err = 0;

	for (i = 0; i <= n; i++) {
		const void	*spec;

		if ((long)i == drop || (i == n && add == NULL))
			continue;
		items[k] = xmalloc(2048);
		if (vbd)
			spec = i < n ? &c->disks[i] : add;
		else {
			if (i < n)
				vif_pinned(vm, i, &v);
			spec = i < n ? &v : add;
		}
		rc = vbd ? devtext_disk(spec, items[k], 2048) :
		    devtext_vif(spec, items[k], 2048);
		k++;
		if (rc == -1) {
			xasprintf(cause, "a device spec of %s is too long",
			    vm->name);
			err = EINVAL;
			goto out;
		}
	}
	*text = devtext_set_list(vm->cfgfile, vm->cfgtext, vbd ? "disk" :
	    "vif", items, k, cause);
	if (*text == NULL) {
		err = EINVAL;
		goto out;
	}
	if ((*cfg = domcfg_parse(vm->cfgfile, *text, strlen(*text),
	    cause)) == NULL) {
		free(*text);
		*text = NULL;
		err = EINVAL;
	}
out:
	for (i = 0; i < k; i++)
		free(items[i]);
	free(items);
	return err;
}

/* The host checks of a running domain's new config (devcheck.h): 0, or
 * an errno value with *cause; text and cfg freed on failure. */
static int
host_check(struct api_req *ar, char *text, struct domcfg *cfg, char **cause)
{
	struct vm	*vm = ar->vm;
	struct domcfg	*old = vm->cfg;
	int		 err;

	if (vm->domid < 0)
		return 0;
	vm->cfg = cfg;
	err = devcheck_domain(ar->xd, vm, cause);
	vm->cfg = old;
	if (err != 0) {
		free(text);
		domcfg_free(cfg);
	}
	return err;
}

/* vm's config is now text/cfg: in /vm and in the managed entry. */
static int
commit(struct xvmd *xd, struct vm *vm, char *text, struct domcfg *cfg,
    char **cause)
{
	free(vm->cfgtext);
	vm->cfgtext = text;
	domcfg_free(vm->cfg);
	vm->cfg = cfg;
	if ((vm->domid >= 0 && xsdom_write_vm(xd, vm, cause) == -1) ||
	    (vm->managed && xsdom_save_managed(xd, vm, cause) == -1)) {
		log_warnx("%s: %s", __func__, *cause);
		return EIO;
	}
	return 0;
}

static void
reply(struct api_req *ar, int64_t devid, int slot, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
reply(struct api_req *ar, int64_t devid, int slot, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	json_w_ki64(ar->out, "devid", devid);
	if (slot >= 0)
		json_w_ki64(ar->out, "slot", slot);
	json_w_kstr(ar->out, "message", msg != NULL ? msg : "");
	log_info("%s: %s", __func__, msg != NULL ? msg : "?");
	free(msg);
}

static int
attach_disk(struct api_req *ar, const char *spec, char **cause)
{
	struct vm	*vm = ar->vm;
	struct disk_spec d;
	struct domcfg	*cfg;
	char		*text, *why = NULL;
	int64_t		 devid;
	size_t		 i;
	int		 ok = 1, slot = -1, err;

	if (disk_spec_parse(spec, &d, cause) == -1)
		return EINVAL;
	devid = vdev_number(d.vdev);
	for (i = 0; i < vm->cfg->ndisks; i++)
		if (vdev_number(vm->cfg->disks[i].vdev) == devid) {
			xasprintf(cause, "%s already has a disk %s (%s)",
			    vm->name, vm->cfg->disks[i].vdev,
			    vm->cfg->disks[i].target);
			return EEXIST;
		}
	if ((err = rewrite(vm, 1, -1, &d, &text, &cfg, cause)) != 0 ||
	    (err = host_check(ar, text, cfg, cause)) != 0)
		return err;
	if (vm->domid >= 0) {
		dev_write_vbd(ar->xd->xs, XBT_NULL, &ok, vm,
		    (unsigned)vm->domid, &d);
		if (!ok || (slot = dmproc_attach_disk(ar->xd, vm, &d,
		    &why)) == -1) {
			dev_remove_one(ar->xd, vm->domid, "vbd", devid);
			xasprintf(cause, "cannot attach to %s: %s", vm->name,
			    ok ? why : "writing its store entries failed");
			free(why);
			free(text);
			domcfg_free(cfg);
			return ok ? EINVAL : EIO;
		}
		dev_log_vbd(vm, vm->domid, &d, "add");
	}
	if ((err = commit(ar->xd, vm, text, cfg, cause)) != 0)
		return err;
	if (slot >= 0)
		reply(ar, devid, slot, "vbd %" PRId64 " (%s) attached to %s in "
		    "virtio slot %d. %s", devid, d.vdev, vm->name, slot,
		    LINUX_NOTE);
	else
		reply(ar, devid, -1, "vbd %" PRId64 " (%s) added to the config "
		    "of %s: it has it from its next start", devid, d.vdev,
		    vm->name);
	return 0;
}

static int
attach_vif(struct api_req *ar, const char *spec, char **cause)
{
	struct vm	*vm = ar->vm;
	struct vif_spec	 v, o;
	struct domcfg	*cfg;
	char		*text, *why = NULL;
	int64_t		 devid;
	size_t		 i;
	int		 ok = 1, slot = -1, err;

	if (vif_spec_parse(spec, &v, cause) == -1)
		return EINVAL;
	if (!v.has_mac) {
		/* xend's randomMAC: Xen's OUI and 23 random bits. */
		if (getrandom(v.mac + 3, 3, 0) != 3)
			fatal("%s: getrandom", __func__);
		v.mac[0] = 0x00;
		v.mac[1] = 0x16;
		v.mac[2] = 0x3e;
		v.mac[3] &= 0x7f;
		v.has_mac = 1;
	}
	for (i = 0; i < vm->cfg->nvifs; i++) {
		vif_pinned(vm, i, &o);
		if (memcmp(o.mac, v.mac, 6) == 0) {
			xasprintf(cause, "%s already has a vif with MAC "
			    "%02x:%02x:%02x:%02x:%02x:%02x", vm->name,
			    v.mac[0], v.mac[1], v.mac[2], v.mac[3], v.mac[4],
			    v.mac[5]);
			return EEXIST;
		}
	}
	if ((err = rewrite(vm, 0, -1, &v, &text, &cfg, cause)) != 0 ||
	    (err = host_check(ar, text, cfg, cause)) != 0)
		return err;
	devid = (int64_t)vm->cfg->nvifs;
	if (vm->domid >= 0) {
		devid = dmproc_next_vif(vm);
		dev_write_vif(ar->xd->xs, XBT_NULL, &ok, vm,
		    (unsigned)vm->domid, &v, devid, v.mac);
		if (!ok || (slot = dmproc_attach_vif(ar->xd, vm, &v, devid,
		    &why)) == -1) {
			dev_remove_one(ar->xd, vm->domid, "vif", devid);
			xasprintf(cause, "cannot attach to %s: %s", vm->name,
			    ok ? why : "writing its store entries failed");
			free(why);
			free(text);
			domcfg_free(cfg);
			return ok ? EINVAL : EIO;
		}
		dev_log_vif(vm, vm->domid, &v, devid, "add");
	}
	if ((err = commit(ar->xd, vm, text, cfg, cause)) != 0)
		return err;
	if (slot >= 0)
		reply(ar, devid, slot, "vif %" PRId64 " attached to %s in "
		    "virtio slot %d. %s", devid, vm->name, slot, LINUX_NOTE);
	else
		reply(ar, devid, -1, "vif added to the config of %s: it has it "
		    "from its next start", vm->name);
	return 0;
}

int
api_dev_attach(struct api_req *ar, char **cause)
{
	const char	*spec = json_get_str(ar->body, "spec");
	int		 vbd;

	if ((vbd = kind_of(ar, cause)) == -1)
		return ENOENT;
	if (ar->vm->busy != NULL) {
		xasprintf(cause, "%s is %s", ar->vm->name, ar->vm->busy);
		return EBUSY;
	}
	return vbd ? attach_disk(ar, spec, cause) : attach_vif(ar, spec, cause);
}

/* The store's value at backend/KIND/D/DEVID/key (caller frees), or NULL. */
static char *
be_read(struct api_req *ar, const char *kind, const char *devid,
    const char *key)
{
	char	p[160];

	snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%d/%s/%s", kind,
	    ar->vm->domid, devid, key);
	return xsdom_read(ar->xd, p);
}

/*
 * Which device :dev names: a devid, a vbd's name (xvdb) or a vif's MAC.
 * *devid, and *idx its index in the config (-1: not there).  0, or
 * ENOENT with *cause.
 */
static int
which(struct api_req *ar, int vbd, int64_t *devid, long *idx, char **cause)
{
	struct vm	*vm = ar->vm;
	const char	*dev = ar->params[2];
	struct vif_spec	 o;
	uint8_t		 mac[6];
	char		 id[24], *m = NULL;
	int		 bymac;
	size_t		 i;

	*idx = -1;
	bymac = !vbd && mac_parse(dev, mac) == 0;
	if (bymac)
		*devid = -1;
	else if (str_to_i64(dev, 0, INT64_MAX, devid) == -1 &&
	    (!vbd || (*devid = vdev_number(dev)) < 0)) {
		xasprintf(cause, "%s: '%s' is not a device id%s", vm->name,
		    dev, vbd ? " or a disk name such as xvdb" : " or a MAC");
		return ENOENT;
	}
	if (vbd) {
		for (i = 0; i < vm->cfg->ndisks; i++)
			if (vdev_number(vm->cfg->disks[i].vdev) == *devid)
				*idx = (long)i;
	} else if (vm->domid < 0) {
		/* Not running: the config's order is the devid. */
		for (i = 0; i < vm->cfg->nvifs; i++) {
			vif_pinned(vm, i, &o);
			if (bymac ? memcmp(o.mac, mac, 6) == 0 :
			    (int64_t)i == *devid) {
				*idx = (long)i;
				*devid = (int64_t)i;
			}
		}
	} else {
		/* Running: the store says which devid has which MAC. */
		for (i = 0; i < 64 && *devid < 0; i++) {
			snprintf(id, sizeof(id), "%zu", i);
			if ((m = be_read(ar, "vif", id, "mac")) != NULL &&
			    mac_parse(m, o.mac) == 0 &&
			    memcmp(o.mac, mac, 6) == 0)
				*devid = (int64_t)i;
			free(m);
			m = NULL;
		}
		snprintf(id, sizeof(id), "%" PRId64, *devid);
		if (*devid >= 0 && (m = be_read(ar, "vif", id, "mac")) !=
		    NULL && mac_parse(m, mac) == 0)
			for (i = 0; i < vm->cfg->nvifs; i++) {
				vif_pinned(vm, i, &o);
				if (memcmp(o.mac, mac, 6) == 0)
					*idx = (long)i;
			}
		else if (*devid >= 0)
			*devid = -1;
		free(m);
	}
	if (*idx == -1 && (vm->domid < 0 || *devid < 0 ||
	    dmproc_find(vm, vbd ? "vbd" : "vif", *devid, NULL) == -1)) {
		xasprintf(cause, "%s has no %s %s", vm->name, vbd ? "vbd" :
		    "vif", dev);
		return ENOENT;
	}
	return 0;
}

int
api_dev_detach(struct api_req *ar, char **cause)
{
	struct vm	*vm = ar->vm;
	struct domcfg	*cfg = NULL;
	struct vif_spec	 v;
	struct disk_spec d;
	const char	*kind;
	char		*text = NULL, *why = NULL;
	int64_t		 devid;
	long		 idx;
	int		 vbd, force, busy = 0, live, err;

	if ((vbd = kind_of(ar, cause)) == -1)
		return ENOENT;
	kind = vbd ? "vbd" : "vif";
	if ((err = api_query_flag(ar, "force", &force, cause)) != 0 ||
	    (err = which(ar, vbd, &devid, &idx, cause)) != 0)
		return err;
	if (vm->busy != NULL) {
		xasprintf(cause, "%s is %s", vm->name, vm->busy);
		return EBUSY;
	}
	live = vm->domid >= 0 ? dmproc_find(vm, kind, devid, &busy) : -1;
	if (busy && !force && !vm->managed) {
		xasprintf(cause, "%s %" PRId64 " of %s is in use by the guest's "
		    "driver, and virtio-mmio cannot take a device from a "
		    "running driver: detach it with -f (the guest loses it "
		    "at once), or after the guest stops", kind, devid,
		    vm->name);
		return EBUSY;
	}
	if (idx >= 0) {
		if (vbd)
			d = vm->cfg->disks[idx];
		else
			vif_pinned(vm, (size_t)idx, &v);
		if ((err = rewrite(vm, vbd, idx, NULL, &text, &cfg,
		    cause)) != 0)
			return err;
	}
	if (live >= 0 && (!busy || force)) {
		if (dmproc_detach(vm, kind, devid, &why) == -1) {
			xasprintf(cause, "cannot detach from %s: %s", vm->name,
			    why);
			free(why);
			free(text);
			domcfg_free(cfg);
			return EIO;
		}
		dev_remove_one(ar->xd, vm->domid, kind, devid);
		if (idx >= 0 && vbd)
			dev_log_vbd(vm, vm->domid, &d, "remove");
		else if (idx >= 0)
			dev_log_vif(vm, vm->domid, &v, devid, "remove");
	}
	if (cfg != NULL && (err = commit(ar->xd, vm, text, cfg, cause)) != 0)
		return err;
	if (busy && !force)
		reply(ar, devid, live, "%s %" PRId64 " is removed from the "
		    "config of %s; the guest's driver holds it, so it goes at "
		    "the next boot (-f takes it away now)", kind, devid,
		    vm->name);
	else if (live >= 0)
		reply(ar, devid, live, "%s %" PRId64 " detached from %s. %s",
		    kind, devid, vm->name, LINUX_NOTE);
	else
		reply(ar, devid, -1, "%s %" PRId64 " removed from the config of "
		    "%s: it is gone from its next start", kind, devid,
		    vm->name);
	return 0;
}

/* One running device, from its backend directory in the store. */
static void
list_live(struct api_req *ar, const char *kind, const char *id)
{
	static const char *const ints[] = { "state", "handle", "virtio-slot",
	    "frontend-id" };
	static const char *const strs[] = { "mac", "dev", "params", "mode",
	    "type", "bridge", "ip", "vifname" };
	char		 p[160], *v;
	int64_t		 n;
	size_t		 i;

	json_w_obj_open(ar->out);
	if (str_to_i64(id, 0, INT64_MAX, &n) == 0)
		json_w_ki64(ar->out, "devid", n);
	json_w_ki64(ar->out, "backend-id", 0);
	snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%d/%s", kind,
	    ar->vm->domid, id);
	json_w_kstr(ar->out, "backend", p);
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		if ((v = be_read(ar, kind, id, ints[i])) != NULL &&
		    str_to_i64(v, INT32_MIN, INT32_MAX, &n) == 0)
			json_w_ki64(ar->out, ints[i], n);
		free(v);
	}
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		if ((v = be_read(ar, kind, id, strs[i])) != NULL)
			json_w_kstr(ar->out, strs[i], v);
		free(v);
	}
	json_w_obj_close(ar->out);
}

int
api_dev_list(struct api_req *ar, char **cause)
{
	struct vm	*vm = ar->vm;
	char		 p[96], **ids, spec[2048];
	unsigned	 n = 0, i;
	struct vif_spec	 v;
	int		 vbd;

	if ((vbd = kind_of(ar, cause)) == -1)
		return ENOENT;
	json_w_key(ar->out, "devices");
	json_w_arr_open(ar->out);
	if (vm->domid >= 0) {
		snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%d",
		    ar->params[1], vm->domid);
		if ((ids = xs_directory(ar->xd->xs, XBT_NULL, p, &n)) != NULL)
			for (i = 0; i < n; i++)
				list_live(ar, ar->params[1], ids[i]);
		free(ids);
	} else {
		/* Not running: the config's devices, as xend listed them. */
		n = (unsigned)(vbd ? vm->cfg->ndisks : vm->cfg->nvifs);
		for (i = 0; i < n; i++) {
			json_w_obj_open(ar->out);
			if (vbd) {
				json_w_ki64(ar->out, "devid",
				    vdev_number(vm->cfg->disks[i].vdev));
				(void)devtext_disk(&vm->cfg->disks[i], spec,
				    sizeof(spec));
			} else {
				json_w_ki64(ar->out, "devid", i);
				vif_pinned(vm, i, &v);
				(void)devtext_vif(&v, spec, sizeof(spec));
				snprintf(p, sizeof(p), "%02x:%02x:%02x:%02x:"
				    "%02x:%02x", v.mac[0], v.mac[1], v.mac[2],
				    v.mac[3], v.mac[4], v.mac[5]);
				json_w_kstr(ar->out, "mac", p);
			}
			json_w_kstr(ar->out, "spec", spec);
			json_w_obj_close(ar->out);
		}
	}
	json_w_arr_close(ar->out);
	return 0;
}
