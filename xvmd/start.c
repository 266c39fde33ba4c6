/*
 * Starting a domain: the checks first (one UUID per domain; a kernel and
 * ramdisk that are regular files), then create, build, schedule, write
 * its store entries and introduce it; any failure leaves nothing behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xvm/fb.h>
#include <xvm/xc_dom.h>
#include <xvm/xenctrl.h>
#include <xvm/xenstore.h>
#include "lib/file.h"
#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xvmd/devcheck.h"
#include "xvmd/dmproc.h"
#include "xvmd/domcfg.h"
#include "xvmd/lifecycle.h"
#include "xvmd/memory.h"
#include "xvmd/vm.h"
#include "xvmd/xsdom.h"
#include "xvmd/xvmd.h"

/*
 * One UUID is one domain's: EEXIST when the hypervisor runs a domain with
 * vm's UUID already (or our table has another entry with it).
 */
static int
uuid_free(struct xvmd *xd, struct vm *vm, char **cause)
{
	xc_domaininfo_t	*info;
	struct vm	*other;
	char		 text[UUID_STR_LEN];
	int		 n, i;

	uuid_format(vm->uuid, text);
	if ((other = vm_by_uuid(xd, vm->uuid, vm)) != NULL) {
		xasprintf(cause, "uuid %s is already used by domain '%s'", text,
		    other->name);
		errno = EEXIST;
		return -1;
	}
	if ((n = vm_getinfo_all(xd, &info)) < 0) {
		xasprintf(cause, "listing domains: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++)
		if (memcmp(info[i].handle, vm->uuid, 16) == 0)
			break;
	if (i < n)
		xasprintf(cause, "uuid %s is already used by domain %u", text,
		    info[i].domain);
	free(info);
	if (i < n) {
		errno = EEXIST;
		return -1;
	}
	return 0;
}

/*
 * The kernel and the ramdisk must be regular files xvmd can read: looked
 * at without blocking (a FIFO would hang every request behind it) before
 * the builder reads them.  0, or -1 with errno and *cause.
 */
static int
check_image(const struct vm *vm, const char *path, const char *what,
    char **cause)
{
	char	*why = NULL;
	int	 fd;

	if ((fd = file_open_kind(path, O_RDONLY, FILE_KIND_REGULAR, what,
	    &why)) == -1) {
		xasprintf(cause, "cannot build domain %s: %s", vm->name, why);
		free(why);
		return -1;
	}
	close(fd);
	return 0;
}

/* The builder's failure, naming the file (kernel or ramdisk) at fault. */
static void
build_error(const struct vm *vm, const struct xc_dom_image *img, int err,
    char **cause)
{
	const struct domcfg	*cfg = vm->cfg;
	const char		*what = "kernel", *path = cfg->kernel;

	if (img->failed == XC_DOM_FAILED_SETUP) {
		xasprintf(cause, "cannot build domain %s: setting up its "
		    "rings and device tree: %s", vm->name, strerror(err));
		return;
	}
	if (img->failed == XC_DOM_FAILED_RAMDISK) {
		what = "ramdisk";
		path = cfg->ramdisk;
	}
	if (err == EFBIG)
		xasprintf(cause, "cannot build domain %s: %s '%s' does not fit "
		    "in its memory = %llu MiB (with the 1 MiB the builder "
		    "keeps at the top)", vm->name, what, path,
		    (unsigned long long)cfg->memory);
	else
		xasprintf(cause, "cannot build domain %s: %s '%s': %s",
		    vm->name, what, path, err == ENOEXEC ? "not a RISC-V "
		    "kernel (an ELF executable, a vmlinux or a Linux Image)" :
		    err == EINVAL ? "not a regular file" : strerror(err));
}

/* xend's memory rule (memory.c): ENOMEM when maxmem does not fit. */
static int
admit(struct xvmd *xd, struct vm *vm, char **cause)
{
	char	*what;
	int	 err;

	xasprintf(&what, "cannot start domain %s", vm->name);
	err = mem_admit(xd, (int64_t)vm->cfg->maxmem, what, cause);
	free(what);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

/* Its disks and vifs against the host (devcheck.c). */
static int
devices(struct xvmd *xd, struct vm *vm, char **cause)
{
	char	*why = NULL;
	int	 err;

	if ((err = devcheck_domain(xd, vm, &why)) == 0)
		return 0;
	xasprintf(cause, "cannot start domain %s: %s", vm->name, why);
	free(why);
	errno = err;
	return -1;
}

int
lc_start(struct xvmd *xd, struct vm *vm, int paused, char **cause)
{
	struct xen_domctl_createdomain	 create;
	struct xc_dom_config		 dc = { 0 };
	struct xc_dom_image		 img;
	struct xen_domctl_sched_credit	 sc;
	struct domcfg			*cfg = vm->cfg;
	uint32_t			 domid = 0;
	unsigned int			 i;
	int				 saved;

	if (uuid_free(xd, vm, cause) == -1 || admit(xd, vm, cause) == -1 ||
	    devices(xd, vm, cause) == -1 ||
	    check_image(vm, cfg->kernel, "kernel", cause) == -1 ||
	    (cfg->ramdisk[0] && check_image(vm, cfg->ramdisk, "ramdisk",
	    cause) == -1))
		return -1;
	if (dmproc_prepare(xd, vm, &dc.virtio_slots, cause) == -1)
		return -1;
	memset(&create, 0, sizeof(create));
	memcpy(create.handle, vm->uuid, 16);
	create.max_vcpus = cfg->vcpus;
	create.max_mem_kb = cfg->maxmem * 1024;
	if (cfg->cpu_jit)
		create.flags |= XEN_DOMCTL_CDF_xvm_jit;
	if (cfg->vfb.vnc) {
		/* The framebuffer's video memory, and its node in the tree. */
		create.vram_kb = (uint32_t)(XVM_FB_BYTES(XVM_FB_DEF_WIDTH,
		    XVM_FB_DEF_HEIGHT) >> 10);
		dc.fb_width = XVM_FB_DEF_WIDTH;
		dc.fb_height = XVM_FB_DEF_HEIGHT;
	}
	if (xc_domain_create(xd->xch, &domid, &create) == -1) {
		xasprintf(cause, "cannot create domain %s: %s", vm->name,
		    strerror(errno));
		dmproc_stop(vm);
		return -1;
	}
	vm->domid = (int)domid;
	dc.kernel = cfg->kernel;
	dc.ramdisk = cfg->ramdisk[0] ? cfg->ramdisk : NULL;
	dc.cmdline = cfg->cmdline;
	dc.vcpus = cfg->vcpus;
	dc.mem_kb = cfg->memory * 1024;
	if (xc_dom_build(xd->xch, domid, &dc, &img) == -1) {
		saved = errno;
		build_error(vm, &img, saved, cause);
		errno = saved;
		goto fail;
	}
	sc.weight = (uint16_t)cfg->cpu_weight;
	sc.cap = (uint16_t)cfg->cpu_cap;
	if (xc_sched_credit_domain_set(xd->xch, domid, &sc) == -1) {
		xasprintf(cause, "scheduler parameters of %s: %s", vm->name,
		    strerror(errno));
		goto fail;
	}
	for (i = 0; cfg->cpumask != UINT64_MAX && i < cfg->vcpus; i++)
		if (xc_vcpu_setaffinity(xd->xch, domid, (int)i,
		    cfg->cpumask) == -1) {
			xasprintf(cause, "cpus '%s' of %s: %s", cfg->cpus,
			    vm->name, strerror(errno));
			goto fail;
		}
	vm->started = time(NULL);
	vm->handled = 0;
	free(vm->note);
	vm->note = NULL;
	if (xsdom_write(xd, vm, &img, cause) == -1)
		goto fail;
	/* Without the store's ring the guest still runs: xenbus times out. */
	if (!xs_introduce_domain(xd->xs, domid, (unsigned long)img.store_pfn,
	    img.store_port))
		log_warn("%s: introducing %s to the store", __func__, vm->name);
	if (dmproc_start(xd, vm, domid, cause) == -1)
		goto fail;
	if (!paused && xc_domain_unpause(xd->xch, domid) == -1) {
		xasprintf(cause, "cannot unpause %s: %s", vm->name,
		    strerror(errno));
		goto fail;
	}
	log_info("%s: started %s as domain %u (%u vCPUs, %llu MiB)%s",
	    __func__, vm->name, domid, cfg->vcpus,
	    (unsigned long long)cfg->memory, paused ? ", paused" : "");
	if (vm->saved != NULL) {
		log_info("%s: %s started afresh: its saved image %s is not "
		    "what it resumes from any more", __func__, vm->name,
		    vm->saved);
		xsdom_set_saved(xd, vm, NULL);
	}
	return 0;
fail:
	saved = errno;
	xc_domain_destroy(xd->xch, domid);
	xsdom_remove(xd, vm, (int)domid);
	vm->domid = -1;
	errno = saved;
	return -1;
}
