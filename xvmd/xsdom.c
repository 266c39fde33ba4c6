/* A domain's entries in the store (docs/store-paths.md), written by xvmd alone. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xvm/xc_dom.h>
#include <xvm/xen.h>
#include <xvm/xenctrl.h>
#include <xvm/xenstore.h>
#include "lib/log.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "xvmd/devices.h"
#include "xvmd/dmproc.h"
#include "xvmd/domcfg.h"
#include "xvmd/vm.h"
#include "xvmd/xsdom.h"
#include "xvmd/xvmd.h"

#define TX_TRIES	10

void
xsdom_put(struct xs_handle *xs, xs_transaction_t t, int *ok, const char *path,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*v;
	int	 n;

	if (!*ok)
		return;
	va_start(ap, fmt);
	n = xvasprintf(&v, fmt, ap);
	va_end(ap);
	if (!xs_write(xs, t, path, v, (unsigned int)n))
		*ok = 0;
	free(v);
}

void
xsdom_perm(struct xs_handle *xs, xs_transaction_t t, int *ok, const char *path,
    unsigned int owner, int reader)
{
	struct xs_permissions	 p[2] = {
		{ .id = owner, .perms = XS_PERM_NONE },
		{ .id = (unsigned int)reader, .perms = XS_PERM_READ },
	};

	if (*ok && !xs_set_permissions(xs, t, path, p, reader >= 0 ? 2 : 1))
		*ok = 0;
}

/* /vm/<uuid>: what the toolstack knows of the domain, and its config. */
static void
put_vm(struct xs_handle *xs, xs_transaction_t t, int *ok, struct vm *vm)
{
	char	 vmp[64], p[256], uuid[UUID_STR_LEN];

	uuid_format(vm->uuid, uuid);
	snprintf(vmp, sizeof(vmp), "/vm/%s", uuid);
#define V(sfx)	(snprintf(p, sizeof(p), "%s/%s", vmp, sfx), p)
	xsdom_put(xs, t, ok, vmp, "%s", "");
	xsdom_perm(xs, t, ok, vmp, 0, vm->domid);
	xsdom_put(xs, t, ok, V("name"), "%s", vm->name);
	xsdom_put(xs, t, ok, V("uuid"), "%s", uuid);
	xsdom_put(xs, t, ok, V("memory"), "%" PRIu64, vm->cfg->memory);
	xsdom_put(xs, t, ok, V("vcpus"), "%u", vm->cfg->vcpus);
	xsdom_put(xs, t, ok, V("on_poweroff"), "%s",
	    domcfg_action_name(vm->cfg->on_poweroff));
	xsdom_put(xs, t, ok, V("on_reboot"), "%s",
	    domcfg_action_name(vm->cfg->on_reboot));
	xsdom_put(xs, t, ok, V("on_crash"), "%s",
	    domcfg_action_name(vm->cfg->on_crash));
	xsdom_put(xs, t, ok, V("image/kernel"), "%s", vm->cfg->kernel);
	xsdom_put(xs, t, ok, V("image/cmdline"), "%s", vm->cfg->cmdline);
	xsdom_put(xs, t, ok, V("start_time"), "%lld", (long long)vm->started);
	if (vm->last_restart != 0)
		xsdom_put(xs, t, ok, V("xvm/last_restart"), "%lld",
		    (long long)vm->last_restart);
	/* For xvmd itself: the config, to recover after a restart. */
	xsdom_put(xs, t, ok, V("xvm/config"), "%s", vm->cfgtext);
	xsdom_put(xs, t, ok, V("xvm/file"), "%s", vm->cfgfile);
#undef V
	/* The domain's links to it: its name and its /vm path. */
	snprintf(p, sizeof(p), "/local/domain/%d/name", vm->domid);
	xsdom_put(xs, t, ok, p, "%s", vm->name);
	snprintf(p, sizeof(p), "/local/domain/%d/vm", vm->domid);
	xsdom_put(xs, t, ok, p, "%s", vmp);
}

/* /local/domain/<id>: the guest's own directory. */
static void
put_local(struct xs_handle *xs, xs_transaction_t t, int *ok, struct vm *vm,
    const struct xc_dom_image *img)
{
	char		 home[64], p[256];
	unsigned int	 id = (unsigned int)vm->domid, i;

	snprintf(home, sizeof(home), "/local/domain/%u", id);
#define P(sfx)	(snprintf(p, sizeof(p), "%s/%s", home, sfx), p)
	xsdom_put(xs, t, ok, home, "%s", "");
	xsdom_perm(xs, t, ok, home, 0, (int)id);
	xsdom_put(xs, t, ok, P("domid"), "%u", id);
	xsdom_put(xs, t, ok, P("memory/target"), "%" PRIu64,
	    vm->cfg->memory * 1024);
	for (i = 0; i < vm->cfg->vcpus; i++) {
		snprintf(p, sizeof(p), "%s/cpu/%u/availability", home, i);
		xsdom_put(xs, t, ok, p, "%s", "online");
	}
	xsdom_put(xs, t, ok, P("store/ring-ref"), "%" PRIu64, img->store_pfn);
	xsdom_put(xs, t, ok, P("store/port"), "%u", img->store_port);
	xsdom_put(xs, t, ok, P("console/ring-ref"), "%" PRIu64,
	    img->console_pfn);
	xsdom_put(xs, t, ok, P("console/port"), "%u", img->console_port);
	xsdom_put(xs, t, ok, P("console/type"), "%s", "xvm-consoled");
	/* What the guest may write: control/, data/, device/. */
	xsdom_put(xs, t, ok, P("control"), "%s", "");
	xsdom_perm(xs, t, ok, P("control"), id, -1);
	xsdom_put(xs, t, ok, P("data"), "%s", "");
	xsdom_perm(xs, t, ok, P("data"), id, -1);
	xsdom_put(xs, t, ok, P("device"), "%s", "");
	xsdom_perm(xs, t, ok, P("device"), id, -1);
	dev_write(xs, t, ok, vm, id);
#undef P
}

/* One transaction of put_local (when img) and put_vm, retried on EAGAIN. */
static int
write_entries(struct xvmd *xd, struct vm *vm, const struct xc_dom_image *img,
    char **cause)
{
	struct xs_handle	*xs = xd->xs;
	xs_transaction_t	 t;
	int			 ok, tries;

	for (tries = 0; tries < TX_TRIES; tries++) {
		if ((t = xs_transaction_start(xs)) == XBT_NULL)
			break;
		ok = 1;
		if (img != NULL)
			put_local(xs, t, &ok, vm, img);
		put_vm(xs, t, &ok, vm);
		if (!ok) {
			xs_transaction_end(xs, t, true);
			break;
		}
		if (xs_transaction_end(xs, t, false))
			return 0;
		if (errno != EAGAIN)
			break;
	}
	xasprintf(cause, "writing the store entries of %s: %s", vm->name,
	    strerror(errno));
	return -1;
}

int
xsdom_write(struct xvmd *xd, struct vm *vm, const struct xc_dom_image *img,
    char **cause)
{
	if (write_entries(xd, vm, img, cause) == -1)
		return -1;
	dev_log(vm, vm->domid, "add");
	return 0;
}

int
xsdom_write_vm(struct xvmd *xd, struct vm *vm, char **cause)
{
	return write_entries(xd, vm, NULL, cause);
}

int
xsdom_republish(struct xvmd *xd, struct vm *vm, char **cause)
{
	struct xc_dom_image	 img;
	uint64_t		 v[4];
	static const uint32_t	 params[4] = { HVM_PARAM_STORE_PFN,
	    HVM_PARAM_STORE_EVTCHN, HVM_PARAM_CONSOLE_PFN,
	    HVM_PARAM_CONSOLE_EVTCHN };
	unsigned int		 i;

	for (i = 0; i < 4; i++)
		if (xc_hvm_param_get(xd->xch, (uint32_t)vm->domid, params[i],
		    &v[i]) == -1) {
			xasprintf(cause, "%s: the ring parameters of domain "
			    "%d: %s", vm->name, vm->domid, strerror(errno));
			return -1;
		}
	memset(&img, 0, sizeof(img));
	img.store_pfn = v[0];
	img.store_port = (uint32_t)v[1];
	img.console_pfn = v[2];
	img.console_port = (uint32_t)v[3];
	if (write_entries(xd, vm, &img, cause) == -1)
		return -1;
	if (!xs_is_domain_introduced(xd->xs, (unsigned int)vm->domid) &&
	    !xs_introduce_domain(xd->xs, (unsigned int)vm->domid,
	    (unsigned long)img.store_pfn, img.store_port)) {
		xasprintf(cause, "%s: introducing domain %d again: %s",
		    vm->name, vm->domid, strerror(errno));
		return -1;
	}
	return 0;
}

void
xsdom_remove(struct xvmd *xd, struct vm *vm, int domid)
{
	char	 p[64], uuid[UUID_STR_LEN];

	dmproc_stop(vm);
	dev_remove(xd, vm, domid);
	snprintf(p, sizeof(p), "/local/domain/%d", domid);
	if (!xs_rm(xd->xs, XBT_NULL, p) && errno != ENOENT)
		log_warn("%s: rm %s", __func__, p);
	uuid_format(vm->uuid, uuid);
	snprintf(p, sizeof(p), "/vm/%s", uuid);
	if (!xs_rm(xd->xs, XBT_NULL, p) && errno != ENOENT)
		log_warn("%s: rm %s", __func__, p);
}

int
xsdom_request_shutdown(struct xvmd *xd, int domid, const char *how,
    char **cause)
{
	char	 p[64];

	snprintf(p, sizeof(p), "/local/domain/%d/control/shutdown", domid);
	if (!xs_write(xd->xs, XBT_NULL, p, how, (unsigned int)strlen(how))) {
		xasprintf(cause, "writing %s: %s", p, strerror(errno));
		return -1;
	}
	return 0;
}

int
xsdom_save_managed(struct xvmd *xd, struct vm *vm, char **cause)
{
	xs_transaction_t	 t;
	char			 base[96], p[160], uuid[UUID_STR_LEN];
	int			 ok, tries;

	uuid_format(vm->uuid, uuid);
	snprintf(base, sizeof(base), "/xvm/managed/%s", uuid);
	for (tries = 0; tries < TX_TRIES; tries++) {
		if ((t = xs_transaction_start(xd->xs)) == XBT_NULL)
			break;
		ok = 1;
#define M(sfx)	(snprintf(p, sizeof(p), "%s/%s", base, sfx), p)
		xsdom_put(xd->xs, t, &ok, "/xvm", "%s", "");
		xsdom_perm(xd->xs, t, &ok, "/xvm", 0, -1);
		xsdom_put(xd->xs, t, &ok, M("name"), "%s", vm->name);
		xsdom_put(xd->xs, t, &ok, M("config"), "%s", vm->cfgtext);
		xsdom_put(xd->xs, t, &ok, M("file"), "%s", vm->cfgfile);
		xsdom_put(xd->xs, t, &ok, M("autostart"), "%d",
		    vm->cfg->on_xend_start == XEND_START_START);
		xsdom_put(xd->xs, t, &ok, M("created"), "%lld",
		    (long long)time(NULL));
#undef M
		if (!ok) {
			xs_transaction_end(xd->xs, t, true);
			break;
		}
		if (xs_transaction_end(xd->xs, t, false))
			return 0;
		if (errno != EAGAIN)
			break;
	}
	xasprintf(cause, "saving %s in the store: %s", vm->name,
	    strerror(errno));
	return -1;
}

void
xsdom_set_saved(struct xvmd *xd, struct vm *vm, const char *file)
{
	char	 p[160], uuid[UUID_STR_LEN];

	free(vm->saved);
	vm->saved = file != NULL ? xstrdup(file) : NULL;
	if (!vm->managed)
		return;
	uuid_format(vm->uuid, uuid);
	snprintf(p, sizeof(p), "/xvm/managed/%s/saved", uuid);
	if (file != NULL ? !xs_write(xd->xs, XBT_NULL, p, file,
	    (unsigned int)strlen(file)) :
	    (!xs_rm(xd->xs, XBT_NULL, p) && errno != ENOENT))
		log_warn("%s: %s %s", __func__, file ? "writing" : "removing",
		    p);
}

void
xsdom_delete_managed(struct xvmd *xd, struct vm *vm)
{
	char	 p[96], uuid[UUID_STR_LEN];

	uuid_format(vm->uuid, uuid);
	snprintf(p, sizeof(p), "/xvm/managed/%s", uuid);
	if (!xs_rm(xd->xs, XBT_NULL, p) && errno != ENOENT)
		log_warn("%s: rm %s", __func__, p);
}

char *
xsdom_read(struct xvmd *xd, const char *path)
{
	unsigned int	 len;

	/* NUL-terminated by libxenstore, as Xen's. */
	return xs_read(xd->xs, XBT_NULL, path, &len);
}

#define read_str	xsdom_read

/* Parse a stored config into a table entry; NULL (logged) if bad. */
static struct vm *
vm_from_store(const char *text, const char *file, const char *where)
{
	struct domcfg	*dc;
	char		*cause = NULL;

	dc = domcfg_parse(file, text, strlen(text), &cause);
	if (dc == NULL) {
		log_warnx("%s: %s: %s", __func__, where, cause);
		free(cause);
		return NULL;
	}
	return vm_new(dc, xstrdup(text), xstrdup(file));
}

void
xsdom_load_managed(struct xvmd *xd)
{
	char		**uuids, p[160], *text, *file;
	unsigned int	 n, i;
	struct vm	*vm;

	if ((uuids = xs_directory(xd->xs, XBT_NULL, "/xvm/managed", &n)) ==
	    NULL)
		return;
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "/xvm/managed/%s/config", uuids[i]);
		text = read_str(xd, p);
		snprintf(p, sizeof(p), "/xvm/managed/%s/file", uuids[i]);
		file = read_str(xd, p);
		if (text != NULL && (vm = vm_from_store(text, file ? file :
		    "managed", uuids[i])) != NULL) {
			if (uuid_parse(uuids[i], vm->uuid) == -1)
				log_warnx("%s: bad uuid %s", __func__,
				    uuids[i]);
			vm->managed = 1;
			snprintf(p, sizeof(p), "/xvm/managed/%s/saved",
			    uuids[i]);
			vm->saved = read_str(xd, p);
			if (vm_by_name(xd, vm->name) == NULL)
				TAILQ_INSERT_TAIL(&xd->vms, vm, entry);
			else
				vm_free(vm);
		}
		free(text);
		free(file);
	}
	free(uuids);
}
