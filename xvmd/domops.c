/* Domain operations shared by the HTTP API and the libvirt front-end (domops.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xvm/xenctrl.h>
#include <xvm/xenstore.h>
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xvmd/domcfg.h"
#include "xvmd/domops.h"
#include "xvmd/lifecycle.h"
#include "xvmd/memory.h"
#include "xvmd/vm.h"
#include "xvmd/xsdom.h"
#include "xvmd/xvmd.h"

/* The errno for a failed start: the config's fault, or ours. */
static int
start_error(int err)
{
	switch (err) {
	case ENOENT:
	case EACCES:
	case ENOEXEC:
	case EFBIG:
	case EINVAL:
		return EINVAL;
	case ENOMEM:
	case EAGAIN:
	case EEXIST:
	case EBUSY:
		return err;
	default:
		return EIO;
	}
}

int
dom_is_dom0(const char *key)
{
	return strcmp(key, "0") == 0 || strcmp(key, "Domain-0") == 0;
}

struct vm *
dom_lookup(struct xvmd *xd, const char *key, int *err, char **cause)
{
	struct vm	*vm = vm_find(xd, key);

	if (vm == NULL) {
		xasprintf(cause, "domain '%s' does not exist", key);
		*err = ENOENT;
	}
	return vm;
}

struct vm *
dom_lookup_running(struct xvmd *xd, const char *key, int *err, char **cause)
{
	struct vm	*vm = dom_lookup(xd, key, err, cause);

	if (vm != NULL && vm->domid < 0) {
		xasprintf(cause, "domain '%s' is not running", vm->name);
		*err = EINVAL;
		return NULL;
	}
	return vm;
}

/* Parse and validate; the name is checked by the callers. */
static struct vm *
parse(const char *file, const char *text, int *err, char **cause)
{
	struct domcfg	*dc;

	*err = EINVAL;
	if ((dc = domcfg_parse(file, text, strlen(text), cause)) == NULL)
		return NULL;
	return vm_new(dc, xstrdup(text), xstrdup(file));
}

struct vm *
dom_parse_new(struct xvmd *xd, const char *file, const char *text, int *err,
    char **cause)
{
	struct vm	*vm;

	if ((vm = parse(file, text, err, cause)) == NULL)
		return NULL;
	/* A name and a UUID belong to one domain, running or managed. */
	if ((*err = vm_check_unique(xd, vm->name, vm->uuid, NULL,
	    cause)) != 0) {
		vm_free(vm);
		return NULL;
	}
	return vm;
}

int
dom_create(struct xvmd *xd, const char *file, const char *text, int paused,
    struct vm **out, char **cause)
{
	struct vm	*vm;
	int		 err;

	if ((vm = dom_parse_new(xd, file, text, &err, cause)) == NULL)
		return err;
	if (lc_start(xd, vm, paused, cause) == -1) {
		err = start_error(errno);
		vm_free(vm);
		return err;
	}
	TAILQ_INSERT_TAIL(&xd->vms, vm, entry);
	*out = vm;
	dom_changed(xd);
	return 0;
}

/* A known domain takes a new config: same name, same UUID. */
static int
redefine(struct xvmd *xd, struct vm *old, struct vm *nvm, char **cause)
{
	char		 a[UUID_STR_LEN];
	struct domcfg	*cfg;
	char		*text, *file;

	if (nvm->cfg->has_uuid && memcmp(nvm->uuid, old->uuid, 16) != 0) {
		uuid_format(old->uuid, a);
		xasprintf(cause, "domain '%s' already exists with UUID %s",
		    old->name, a);
		return EEXIST;
	}
	if (vm_check_unique(xd, nvm->name, old->uuid, old, cause) != 0)
		return EEXIST;
	memcpy(nvm->uuid, old->uuid, 16);
	/* Swap the configs: the old vm keeps its domid and its save. */
	cfg = old->cfg, text = old->cfgtext, file = old->cfgfile;
	old->cfg = nvm->cfg, old->cfgtext = nvm->cfgtext;
	old->cfgfile = nvm->cfgfile;
	old->cfg->has_uuid = 1;
	memcpy(old->cfg->uuid, old->uuid, 16);
	nvm->cfg = cfg, nvm->cfgtext = text, nvm->cfgfile = file;
	old->managed = 1;
	if (xsdom_save_managed(xd, old, cause) == -1) {
		/* Put the old config back: nothing changed. */
		cfg = old->cfg, text = old->cfgtext, file = old->cfgfile;
		old->cfg = nvm->cfg, old->cfgtext = nvm->cfgtext;
		old->cfgfile = nvm->cfgfile;
		nvm->cfg = cfg, nvm->cfgtext = text, nvm->cfgfile = file;
		return EIO;
	}
	return 0;
}

int
dom_define(struct xvmd *xd, const char *file, const char *text, int update,
    struct vm **out, char **cause)
{
	struct vm	*vm, *old;
	int		 err, was_managed;

	if (!update) {
		if ((vm = dom_parse_new(xd, file, text, &err, cause)) == NULL)
			return err;
	} else {
		if ((vm = parse(file, text, &err, cause)) == NULL)
			return err;
		if (strcmp(vm->name, "Domain-0") == 0) {
			*cause = xstrdup("Domain-0 is the host: it cannot be "
			    "defined");
			vm_free(vm);
			return EPERM;
		}
		if ((old = vm_by_name(xd, vm->name)) != NULL) {
			was_managed = old->managed;
			err = redefine(xd, old, vm, cause);
			if (err != 0)
				old->managed = was_managed;
			vm_free(vm);
			if (err == 0) {
				*out = old;
				dom_changed(xd);
			}
			return err;
		}
	}
	vm->managed = 1;
	if (xsdom_save_managed(xd, vm, cause) == -1) {
		vm_free(vm);
		return EIO;
	}
	TAILQ_INSERT_TAIL(&xd->vms, vm, entry);
	*out = vm;
	dom_changed(xd);
	return 0;
}

/* A job (a save, a migration, a core dump) works on it: EBUSY. */
static int
busy(const struct vm *vm, char **cause)
{
	if (vm->busy == NULL)
		return 0;
	xasprintf(cause, "domain '%s' is %s; try again when that is done",
	    vm->name, vm->busy);
	return EBUSY;
}

int
dom_undefine(struct xvmd *xd, struct vm *vm, char **cause)
{
	if (!vm->managed) {
		xasprintf(cause, "domain '%s' is not managed", vm->name);
		return EINVAL;
	}
	if (vm->domid >= 0) {
		xasprintf(cause, "domain '%s' is running; shut it down first",
		    vm->name);
		return EBUSY;
	}
	xsdom_delete_managed(xd, vm);
	TAILQ_REMOVE(&xd->vms, vm, entry);
	vm_free(vm);
	dom_changed(xd);
	return 0;
}

int
dom_forget(struct xvmd *xd, struct vm *vm, char **cause)
{
	if (!vm->managed) {
		xasprintf(cause, "domain '%s' is not managed", vm->name);
		return EINVAL;
	}
	xsdom_delete_managed(xd, vm);
	vm->managed = 0;
	dom_changed(xd);
	return 0;
}

int
dom_set_autostart(struct xvmd *xd, struct vm *vm, int on, char **cause)
{
	struct buf	 b = BUF_INITIALIZER;
	struct vm	*nvm;
	const char	*line, *end, *p;
	char		*text;
	int		 err;

	if (!vm->managed) {
		xasprintf(cause, "domain '%s' is not managed", vm->name);
		return EINVAL;
	}
	/* The text without its on_xend_start line, then the new one. */
	for (line = vm->cfgtext; *line; line = end) {
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (strncmp(p, "on_xend_start", 13) == 0 &&
		    strspn(p + 13, " \t=") > 0)
			continue;
		buf_add(&b, line, (size_t)(end - line));
	}
	if (buf_len(&b) && ((char *)buf_data(&b))[buf_len(&b) - 1] != '\n')
		buf_add_byte(&b, '\n');
	if (on)
		buf_add_str(&b, "on_xend_start = \"start\"\n");
	if ((text = buf_release(&b, NULL)) == NULL)
		fatalx("%s: out of memory", __func__);
	nvm = parse(vm->cfgfile, text, &err, cause);
	free(text);
	if (nvm == NULL)
		return err;
	err = redefine(xd, vm, nvm, cause);
	vm_free(nvm);
	return err;
}

int
dom_start(struct xvmd *xd, struct vm *vm, int paused, char **cause)
{
	if (vm->domid >= 0) {
		xasprintf(cause, "domain '%s' is already running", vm->name);
		return EBUSY;
	}
	if (lc_start(xd, vm, paused, cause) == -1)
		return start_error(errno);
	dom_changed(xd);
	return 0;
}

int
dom_destroy(struct xvmd *xd, struct vm *vm, char **cause)
{
	if (vm->domid < 0) {
		xasprintf(cause, "domain '%s' is not running", vm->name);
		return EINVAL;
	}
	if (busy(vm, cause) != 0)
		return EBUSY;
	if (lc_destroy(xd, vm, cause) == -1)
		return EIO;
	dom_changed(xd);
	return 0;
}

int
dom_shutdown(struct xvmd *xd, struct vm *vm, const char *how, char **cause)
{
	if (vm->domid < 0) {
		xasprintf(cause, "domain '%s' is not running", vm->name);
		return EINVAL;
	}
	if (busy(vm, cause) != 0)
		return EBUSY;
	if (lc_shutdown(xd, vm, how, cause) == -1)
		return errno == EBUSY ? EBUSY : EIO;
	return 0;
}

int
dom_pause(struct xvmd *xd, struct vm *vm, int pause, char **cause)
{
	int	 rc, err;

	if (vm->domid < 0) {
		xasprintf(cause, "domain '%s' is not running", vm->name);
		return EINVAL;
	}
	if (busy(vm, cause) != 0)
		return EBUSY;
	rc = pause ? xc_domain_pause(xd->xch, (uint32_t)vm->domid) :
	    xc_domain_unpause(xd->xch, (uint32_t)vm->domid);
	if (rc == -1) {
		err = errno;
		xasprintf(cause, "cannot %s %s: %s", pause ? "pause" :
		    "unpause", vm->name, strerror(err));
		return err == EINVAL ? EINVAL : EIO;
	}
	dom_changed(xd);
	return 0;
}

int
dom_set_memory(struct xvmd *xd, struct vm *vm, int64_t mib, char **cause)
{
	char	 path[64], val[32];
	int	 n;

	if (vm->domid < 0) {
		xasprintf(cause, "domain '%s' is not running", vm->name);
		return EINVAL;
	}
	if (mib < DOMCFG_MIN_MEMORY) {
		xasprintf(cause, "mem-set of %s: %" PRId64 " MiB is below the "
		    "minimum of %d MiB", vm->name, mib, DOMCFG_MIN_MEMORY);
		return EINVAL;
	}
	if ((uint64_t)mib > vm->cfg->maxmem) {
		xasprintf(cause, "mem-set of %s: %" PRId64 " MiB is more than "
		    "its maxmem of %" PRIu64 " MiB (raise it with xm mem-max)",
		    vm->name, mib, vm->cfg->maxmem);
		return EINVAL;
	}
	/* The balloon target the guest reads, in KiB (Xen's memory/target). */
	snprintf(path, sizeof(path), "/local/domain/%d/memory/target",
	    vm->domid);
	n = snprintf(val, sizeof(val), "%" PRId64, mib * 1024);
	if (!xs_write(xd->xs, XBT_NULL, path, val, (unsigned int)n)) {
		xasprintf(cause, "writing %s: %s", path, strerror(errno));
		return EIO;
	}
	vm->cfg->memory = (uint64_t)mib;
	return 0;
}

int
dom_set_maxmem(struct xvmd *xd, struct vm *vm, int64_t mib, char **cause)
{
	char	*what;
	int	 err;

	if (vm->domid < 0) {
		xasprintf(cause, "domain '%s' is not running", vm->name);
		return EINVAL;
	}
	if (mib < DOMCFG_MIN_MEMORY || mib > DOMCFG_MAX_MEMORY) {
		xasprintf(cause, "mem-max of %s: %" PRId64 " MiB is out of "
		    "range %d to %d MiB", vm->name, mib, DOMCFG_MIN_MEMORY,
		    DOMCFG_MAX_MEMORY);
		return EINVAL;
	}
	if ((uint64_t)mib < vm->cfg->memory) {
		xasprintf(cause, "mem-max of %s: %" PRId64 " MiB is less than "
		    "its memory of %" PRIu64 " MiB (lower that first with xm "
		    "mem-set)", vm->name, mib, vm->cfg->memory);
		return EINVAL;
	}
	if ((uint64_t)mib > vm->cfg->maxmem) {
		/* xend's rule: the increase must fit (memory.c). */
		xasprintf(&what, "mem-max of %s", vm->name);
		err = mem_admit(xd, mib - (int64_t)vm->cfg->maxmem, what,
		    cause);
		free(what);
		if (err != 0)
			return err;
	}
	if (xc_domain_setmaxmem(xd->xch, (uint32_t)vm->domid,
	    (uint64_t)mib * 1024) == -1) {
		err = errno;
		xasprintf(cause, "mem-max of %s: %s", vm->name, strerror(err));
		return err == EINVAL ? EINVAL : EIO;
	}
	vm->cfg->maxmem = (uint64_t)mib;
	return 0;
}

/* vcpu-set: as xend, by availability in the store; the guest complies. */
int
dom_set_vcpus(struct xvmd *xd, struct vm *vm, int64_t n, char **cause)
{
	char		 path[96];
	unsigned int	 i;

	if (vm->domid < 0) {
		xasprintf(cause, "domain '%s' is not running", vm->name);
		return EINVAL;
	}
	if (n < 1 || n > vm->cfg->vcpus) {
		xasprintf(cause, "vcpu-set of %s: %" PRId64 " vCPUs is out of "
		    "range 1 to %u (its vcpus setting)", vm->name, n,
		    vm->cfg->vcpus);
		return EINVAL;
	}
	for (i = 0; i < vm->cfg->vcpus; i++) {
		snprintf(path, sizeof(path),
		    "/local/domain/%d/cpu/%u/availability", vm->domid, i);
		if (!xs_write(xd->xs, XBT_NULL, path, i < n ? "online" :
		    "offline", i < n ? 6 : 7)) {
			xasprintf(cause, "writing %s: %s", path,
			    strerror(errno));
			return EIO;
		}
	}
	return 0;
}

void
dom_changed(struct xvmd *xd)
{
	if (xd->on_change != NULL)
		xd->on_change(xd);
}
