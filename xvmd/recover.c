/*
 * Adopting the domains that already run when xvmd starts (after a
 * restart, or kill -9).
 *
 * The hypervisor is the truth about what runs, and it keeps each
 * domain's handle (its UUID: set at create and at restore); the store
 * keeps the rest, under /vm/<uuid>.  One UUID is one domain's, and
 * Domain-0's all-zero UUID no other's, so a domain is adopted into
 *
 *   1. the managed entry with its UUID, if that one is not running yet;
 *   2. else the stopped managed entry with its name (the hypervisor's
 *      handle is set to that entry's UUID: they agree from then on);
 *   3. else a new entry; a handle that is zero, or already taken by a
 *      domain adopted before it, is replaced by a new UUID (in the
 *      hypervisor and in the store), and a name already taken gets the
 *      suffix -<domid>, as rename-restart names a kept domain.
 *
 * A domain whose record in the store cannot be read or parsed is still
 * adopted, named from /local/domain/<id>/name (or domain-<id>), with
 * what the hypervisor reports of it: it is listed, and can be destroyed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xvm/xenctrl.h>
#include <xvm/xenstore.h>
#include "lib/log.h"
#include "lib/str.h"
#include "lib/uuid.h"
#include "lib/xmalloc.h"
#include "xvmd/domcfg.h"
#include "xvmd/recover.h"
#include "xvmd/vm.h"
#include "xvmd/xsdom.h"
#include "xvmd/xvmd.h"

/*
 * A config for a domain whose record is lost: its name, and the memory
 * and vCPUs the hypervisor gives it.  The text is a valid config, so that
 * everything that keeps it (save files, /vm) keeps a readable one.
 */
static struct vm *
stand_in(struct xvmd *xd, const xc_domaininfo_t *info)
{
	struct domcfg	*dc;
	char		 p[64], *name, *text, *cause = NULL;
	uint64_t	 mib;

	snprintf(p, sizeof(p), "/local/domain/%u/name", info->domain);
	name = xsdom_read(xd, p);
	mib = info->max_pages >> 8;
	xasprintf(&text, "name = \"%s\"\nkernel = \"/unknown\"\n"
	    "memory = %" PRIu64 "\nvcpus = %u\n", name != NULL && *name ?
	    name : "x", mib ? mib : 1, info->max_vcpu_id + 1);
	if ((dc = domcfg_parse("recovered", text, strlen(text), &cause)) ==
	    NULL) {
		/* Not a valid name: domain-<id>. */
		free(cause);
		free(text);
		xasprintf(&text, "name = \"domain-%u\"\nkernel = \"/unknown\"\n"
		    "memory = %" PRIu64 "\nvcpus = %u\n", info->domain,
		    mib ? mib : 1, info->max_vcpu_id + 1);
		if ((dc = domcfg_parse("recovered", text, strlen(text),
		    &cause)) == NULL)
			fatalx("%s: %s", __func__, cause);
	}
	free(name);
	return vm_new(dc, text, xstrdup("recovered"));
}

/* The entry for domain 'info' from its store record, or a stand-in. */
static struct vm *
from_store(struct xvmd *xd, const xc_domaininfo_t *info, const char *vmpath)
{
	struct domcfg	*dc = NULL;
	char		 p[160], *text, *file, *cause = NULL;
	struct vm	*vm;

	snprintf(p, sizeof(p), "%s/xvm/config", vmpath);
	text = xsdom_read(xd, p);
	snprintf(p, sizeof(p), "%s/xvm/file", vmpath);
	file = xsdom_read(xd, p);
	if (text != NULL && (dc = domcfg_parse(file ? file : "config", text,
	    strlen(text), &cause)) != NULL) {
		vm = vm_new(dc, text, file ? file : xstrdup("config"));
		return vm;
	}
	log_warnx("%s: domain %u: its configuration in the store (%s) is "
	    "unreadable: %s; adopted with what the hypervisor reports",
	    __func__, info->domain, vmpath, cause ? cause : strerror(errno));
	free(cause);
	free(text);
	free(file);
	return stand_in(xd, info);
}

/* Give domain vm (running) a new UUID, in the hypervisor too. */
static void
new_uuid(struct vm *vm, const char *why)
{
	char	 text[UUID_STR_LEN];

	if (uuid_generate(vm->uuid) == -1)
		fatal("%s: uuid", __func__);
	uuid_format(vm->uuid, text);
	log_warnx("%s: domain %d (%s): %s; its UUID is now %s", __func__,
	    vm->domid, vm->name, why, text);
}

/* The hypervisor's handle and the store follow vm->uuid. */
static void
sync_uuid(struct xvmd *xd, struct vm *vm, const xc_domaininfo_t *info,
    const char *vmpath)
{
	char	*cause = NULL, p[64], text[UUID_STR_LEN];

	if (memcmp(info->handle, vm->uuid, 16) != 0 &&
	    xc_domain_sethandle(xd->xch, (uint32_t)vm->domid, vm->uuid) == -1)
		log_warn("%s: setting the handle of domain %d", __func__,
		    vm->domid);
	uuid_format(vm->uuid, text);
	snprintf(p, sizeof(p), "/vm/%s", text);
	if (strcmp(vmpath, p) == 0)
		return;
	if (xsdom_write_vm(xd, vm, &cause) == -1) {
		log_warnx("%s: %s", __func__, cause);
		free(cause);
		return;
	}
	/* The old record is nobody's now (another's if its UUID is kept). */
	if (strncmp(vmpath, "/vm/", 4) == 0) {
		uint8_t	old[16];

		if (uuid_parse(vmpath + 4, old) == -1 ||
		    vm_by_uuid(xd, old, NULL) == NULL) {
			if (!xs_rm(xd->xs, XBT_NULL, vmpath) && errno != ENOENT)
				log_warn("%s: rm %s", __func__, vmpath);
		}
	}
}

static void
adopt(struct xvmd *xd, const xc_domaininfo_t *info, const char *vmpath)
{
	struct vm	*vm, *known;
	char		 p[160], *start, name[64];

	vm = from_store(xd, info, vmpath);
	known = NULL;
	if (!uuid_is_nil(info->handle) && (known = vm_by_uuid(xd, info->handle,
	    NULL)) != NULL && (!known->managed || known->domid >= 0))
		known = NULL;
	if (known == NULL && (known = vm_by_name(xd, vm->name)) != NULL &&
	    (!known->managed || known->domid >= 0))
		known = NULL;
	if (known != NULL) {
		/* Managed: that entry, its config and UUID. */
		vm_free(vm);
		vm = known;
		vm->domid = (int)info->domain;
	} else {
		memcpy(vm->uuid, info->handle, 16);
		vm->domid = (int)info->domain;
		if (uuid_is_nil(vm->uuid))
			new_uuid(vm, "it has no UUID (Domain-0's zeros)");
		else if (vm_by_uuid(xd, vm->uuid, NULL) != NULL)
			new_uuid(vm, "its UUID is another domain's");
		if (vm_by_name(xd, vm->name) != NULL) {
			snprintf(name, sizeof(name), "%.56s-%d", vm->name,
			    vm->domid);
			log_warnx("%s: domain %d: the name %s is another "
			    "domain's; it is now %s", __func__, vm->domid,
			    vm->name, name);
			strlcpy(vm->name, name, sizeof(vm->name));
		}
		TAILQ_INSERT_TAIL(&xd->vms, vm, entry);
	}
	snprintf(p, sizeof(p), "%s/start_time", vmpath);
	start = xsdom_read(xd, p);
	vm->started = start ? (time_t)strtoll(start, NULL, 10) : time(NULL);
	free(start);
	/* xend's restart rule holds across our restarts too. */
	snprintf(p, sizeof(p), "%s/xvm/last_restart", vmpath);
	if ((start = xsdom_read(xd, p)) != NULL)
		vm->last_restart = (time_t)strtoll(start, NULL, 10);
	free(start);
	vm->handled = 0;
	sync_uuid(xd, vm, info, vmpath);
	log_info("%s: %s (domain %d) is running", __func__, vm->name,
	    vm->domid);
}

/*
 * A domain with no store entries.  One that is paused and never ran is
 * what an xvmd stopped (kill -9) between xc_domain_create (or a restore)
 * and writing the entries leaves: the create was never acknowledged, and
 * nothing else would ever list or destroy it, so it goes (the chaos test,
 * docs/RELIABILITY.md).  Any other is some other tool's: left alone.
 */
static void
half_built(struct xvmd *xd, const xc_domaininfo_t *info)
{
	if ((info->flags & XEN_DOMINF_paused) && info->cpu_time == 0 &&
	    !(info->flags & (XEN_DOMINF_dying | XEN_DOMINF_shutdown))) {
		log_warnx("%s: domain %u is paused, never ran and has no store "
		    "entries: half-built by an xvmd that was stopped; "
		    "destroying it", __func__, info->domain);
		if (xc_domain_destroy(xd->xch, info->domain) == -1)
			log_warn("%s: destroying domain %u", __func__,
			    info->domain);
		return;
	}
	log_warnx("%s: domain %u has no store entries; not managed by xvmd",
	    __func__, info->domain);
}

void
recover_running(struct xvmd *xd)
{
	xc_domaininfo_t	*info;
	char		 p[64], *vmpath;
	int		 n, i;

	if ((n = vm_getinfo_all(xd, &info)) < 0) {
		log_warn("%s: listing domains", __func__);
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "/local/domain/%u/vm", info[i].domain);
		if ((vmpath = xsdom_read(xd, p)) == NULL) {
			half_built(xd, &info[i]);
			continue;
		}
		adopt(xd, &info[i], vmpath);
		free(vmpath);
	}
	free(info);
}
