/* The libxc domain builder (Xen's xc_dom_* role) for xvm-riscv PV domains. */
#ifndef XVM_XC_DOM_H
#define XVM_XC_DOM_H

#include <stddef.h>
#include <stdint.h>

#include <xvm/xenctrl.h>

/* What to put in a new (paused, empty) domain. */
struct xc_dom_config {
	const char	*kernel;	/* RV64 ELF executable (path) */
	const char	*ramdisk;	/* or NULL */
	const char	*cmdline;	/* or NULL: /chosen/bootargs */
	unsigned int	 vcpus;		/* as created: 1..64 */
	uint64_t	 mem_kb;	/* RAM size, as created */
	uint32_t	 console_domid;	/* console backend (0: dom0) */
	uint32_t	 store_domid;	/* xenstore (0: dom0) */
	uint32_t	 virtio_slots;	/* bit i: a device in virtio-mmio slot i
					   (described in the device tree) */
	uint32_t	 fb_width;	/* a framebuffer (<xvm/fb.h>) in the */
	uint32_t	 fb_height;	/*  tree; 0: none.  The domain must
					   have been created with vram_kb for
					   it (XVM_FB_BYTES) */
};

/* What the builder did: where things are, for the toolstack to record. */
struct xc_dom_image {
	uint64_t	 entry;		/* boot vCPU's pc */
	uint64_t	 dtb_addr, dtb_size;
	uint64_t	 ramdisk_addr, ramdisk_size;
	uint64_t	 kernel_end;	/* highest byte the kernel covers + 1 */
	uint64_t	 console_pfn;	/* guest frame numbers (gpa >> 12) */
	uint64_t	 store_pfn;
	uint32_t	 console_port;	/* the guest's unbound ports */
	uint32_t	 store_port;
	uint32_t	 failed;	/* on failure, XC_DOM_FAILED_* */
};

/* Which step of xc_dom_build failed, for the toolstack's message. */
#define XC_DOM_FAILED_KERNEL	1	/* reading or loading the kernel */
#define XC_DOM_FAILED_RAMDISK	2	/* reading or loading the ramdisk */
#define XC_DOM_FAILED_SETUP	3	/* rings, device tree, vCPU 0 */

#define XC_DOM_RAM_BASE		0x80000000ULL
#define XC_DOM_DTB_MAX		(64 * 1024)
#define XC_DOM_TIMEBASE		10000000u

/*
 * Build domid (created, paused, RAM of cfg->mem_kb at XC_DOM_RAM_BASE):
 * load the kernel (and ramdisk), give it a console page and a xenstore
 * page at the top of RAM with an unbound event channel each (recorded as
 * HVM_PARAM_CONSOLE_PFN/EVTCHN and STORE_PFN/EVTCHN), write a device tree
 * (memory, cpus, timebase, bootargs, initrd, and the "xvm,hypervisor"
 * node), and set vCPU 0 to start at the kernel's entry in S-mode with
 * a0 = 0 and a1 = the device tree.  The domain stays paused.
 *
 * Returns 0, or -1 with errno: ENOENT (a file is missing), ENOEXEC (not a
 * RISC-V 64-bit ELF executable, or truncated), EFBIG (it does not fit in
 * the domain's RAM), EINVAL (a bad config, or a kernel or ramdisk that is
 * not a regular file: it is opened without blocking, so a FIFO cannot
 * hang the caller), or what the hypervisor said.  img->failed says which
 * step failed.
 */
int	 xc_dom_build(xc_interface *, uint32_t domid,
	    const struct xc_dom_config *, struct xc_dom_image *);

/*
 * Write the device tree for cfg and img into buf (size bytes) with libfdt;
 * used by xc_dom_build, exposed for tests.  Returns the blob's size, or
 * -1 with errno ENOSPC/EINVAL.
 */
int	 xc_dom_write_fdt(void *buf, size_t size,
	    const struct xc_dom_config *, const struct xc_dom_image *);

#endif
