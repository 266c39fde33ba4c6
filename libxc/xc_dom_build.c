/*
 * The libxc domain builder for xvm-riscv PV domains (Xen's xc_dom_* role).
 *
 * Layout of a domain's RAM (base 0x80000000, size M), top down:
 *
 *	M - 4 KiB	xenstore ring page	HVM_PARAM_STORE_PFN
 *	M - 8 KiB	console ring page	HVM_PARAM_CONSOLE_PFN
 *	M - 1 MiB	device tree (<= 64 KiB)	a1 of the boot vCPU
 *	below that	ramdisk, 2 MiB aligned down, above the kernel
 *	...		the kernel: an ELF's PT_LOAD segments where they say
 *			(0x80200000 for minios), a Linux Image or vmlinux at
 *			0x80200000 (lib/kimage.h)
 *
 * Everything the builder writes goes through foreign mappings of the
 * domain's memfd, as a dom0 toolstack does under Xen.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xvm/privcmd.h>
#include <xvm/xc_dom.h>
#include <xvm/xenctrl.h>

#include "lib/kimage.h"
#include "libxc/xc_private.h"

#define PAGE		4096ULL
#define DTB_OFFSET	(1024 * 1024)	/* below the top of RAM */
#define MIN_RAM_KB	(4 * 1024)

static int
load_ramdisk(xc_interface *xch, uint32_t domid, const char *path,
    uint64_t floor, uint64_t ceiling, struct xc_dom_image *img)
{
	struct stat	 st;
	void		*data;
	uint64_t	 addr;
	int		 fd, rc, saved;

	if ((fd = xc_open_image(path)) == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	addr = (ceiling - (uint64_t)st.st_size) & ~((2ULL << 20) - 1);
	if ((uint64_t)st.st_size >= ceiling - floor || addr < floor) {
		close(fd);
		errno = EFBIG;
		return -1;
	}
	data = st.st_size > 0 ? mmap(NULL, (size_t)st.st_size, PROT_READ,
	    MAP_PRIVATE, fd, 0) : NULL;
	close(fd);
	if (data == MAP_FAILED)
		return -1;
	rc = xc_dom_copy_to_guest(xch, domid, addr, data, (size_t)st.st_size,
	    (size_t)st.st_size);
	saved = errno;
	if (data != NULL)
		munmap(data, (size_t)st.st_size);
	img->ramdisk_addr = addr;
	img->ramdisk_size = (uint64_t)st.st_size;
	errno = saved;
	return rc;
}

/* Console and store pages with their unbound ports, as HVM params. */
static int
setup_rings(xc_interface *xch, uint32_t domid,
    const struct xc_dom_config *cfg, struct xc_dom_image *img, uint64_t top)
{
	int	 port;

	img->store_pfn = (top - PAGE) / PAGE;
	img->console_pfn = (top - 2 * PAGE) / PAGE;
	if (xc_dom_copy_to_guest(xch, domid, img->console_pfn * PAGE, NULL, 0,
	    2 * PAGE) == -1)
		return -1;
	if ((port = xc_evtchn_alloc_unbound(xch, domid,
	    cfg->console_domid)) < 0)
		return -1;
	img->console_port = (uint32_t)port;
	if ((port = xc_evtchn_alloc_unbound(xch, domid, cfg->store_domid)) < 0)
		return -1;
	img->store_port = (uint32_t)port;
	if (xc_hvm_param_set(xch, domid, HVM_PARAM_CONSOLE_PFN,
	    img->console_pfn) == -1 ||
	    xc_hvm_param_set(xch, domid, HVM_PARAM_CONSOLE_EVTCHN,
	    img->console_port) == -1 ||
	    xc_hvm_param_set(xch, domid, HVM_PARAM_STORE_PFN,
	    img->store_pfn) == -1 ||
	    xc_hvm_param_set(xch, domid, HVM_PARAM_STORE_EVTCHN,
	    img->store_port) == -1)
		return -1;
	return 0;
}

/*
 * The frames of the span above the guest's memory (maxmem > memory) are
 * not its: as Xen's builder populates only memory, they leave the
 * reservation until a balloon asks for them.
 */
static int
give_back_above(xc_interface *xch, uint32_t domid, uint64_t top)
{
	xc_domaininfo_t	 info;
	xen_pfn_t	*pfns;
	uint64_t	 pfn, end;
	unsigned long	 n;
	int		 rc = 0;

	if (xc_domain_getinfolist(xch, domid, 1, &info) != 1 ||
	    info.domain != domid) {
		errno = ESRCH;
		return -1;
	}
	end = (XC_DOM_RAM_BASE >> 12) + info.max_pages;
	if (top >> 12 >= end)
		return 0;
	if ((pfns = calloc(PRIVCMD_MAX_PFNS, sizeof(*pfns))) == NULL)
		return -1;
	for (pfn = top >> 12; pfn < end && rc == 0; ) {
		for (n = 0; n < PRIVCMD_MAX_PFNS && pfn < end; n++)
			pfns[n] = pfn++;
		rc = xc_domain_decrease_reservation_exact(xch, domid, n, 0,
		    pfns);
	}
	free(pfns);
	return rc;
}

int
xc_dom_build(xc_interface *xch, uint32_t domid,
    const struct xc_dom_config *cfg, struct xc_dom_image *img)
{
	vcpu_guest_context_t	 ctx;
	struct kimage		 ki;
	const char		*why;
	uint64_t		 top;
	void			*dtb;
	int			 size, saved;

	memset(img, 0, sizeof(*img));
	if (cfg == NULL || cfg->kernel == NULL || cfg->vcpus == 0 ||
	    cfg->vcpus > 64 || cfg->mem_kb < MIN_RAM_KB ||
	    cfg->mem_kb > (UINT64_MAX >> 11)) {
		errno = EINVAL;
		return -1;
	}
	top = XC_DOM_RAM_BASE + cfg->mem_kb * 1024;
	img->dtb_addr = top - DTB_OFFSET;

	img->failed = XC_DOM_FAILED_KERNEL;
	if (xc_dom_load_kernel(xch, domid, cfg->kernel,
	    img->dtb_addr - XC_DOM_RAM_BASE, &ki, &why) == -1)
		return -1;
	img->entry = ki.entry;
	img->kernel_end = ki.hi;
	img->failed = XC_DOM_FAILED_RAMDISK;
	if (cfg->ramdisk != NULL && load_ramdisk(xch, domid, cfg->ramdisk,
	    (ki.hi + PAGE - 1) & ~(PAGE - 1), img->dtb_addr, img) == -1)
		return -1;
	img->failed = XC_DOM_FAILED_SETUP;
	if (setup_rings(xch, domid, cfg, img, top) == -1)
		return -1;

	if ((dtb = calloc(1, XC_DOM_DTB_MAX)) == NULL)
		return -1;
	size = xc_dom_write_fdt(dtb, XC_DOM_DTB_MAX, cfg, img);
	if (size == -1 || xc_dom_copy_to_guest(xch, domid, img->dtb_addr, dtb,
	    (size_t)size, XC_DOM_DTB_MAX) == -1) {
		saved = errno;
		free(dtb);
		errno = saved;
		return -1;
	}
	free(dtb);
	img->dtb_size = (uint64_t)size;

	/* The Linux RISC-V boot protocol: a0 = hart id, a1 = the tree. */
	memset(&ctx, 0, sizeof(ctx));
	ctx.pc = img->entry;
	ctx.x[10] = 0;
	ctx.x[11] = img->dtb_addr;
	ctx.priv = 1;
	if (xc_vcpu_setcontext(xch, domid, 0, &ctx) == -1 ||
	    give_back_above(xch, domid, top) == -1)
		return -1;
	img->failed = 0;
	return 0;
}
