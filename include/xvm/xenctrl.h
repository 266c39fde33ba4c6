/* libxc: domain control, memory, foreign mapping and scheduling over privcmd. */
#ifndef XVM_XENCTRL_H
#define XVM_XENCTRL_H

#include <stddef.h>
#include <stdint.h>

#include <xvm/xen.h>

/*
 * Xen's function names, xVM's transport: every call is one request on
 * run/xvm/privcmd (docs/privcmd.md) under the root in force (lib/paths.h:
 * --root or $XVM_ROOT).  Calls return 0 (or a count, a port, a pointer)
 * on success and -1 (or NULL) with errno on failure; the library never
 * prints and never exits.  An xc_interface may be shared by threads.
 */

typedef struct xc_interface_core xc_interface;
typedef uint8_t		xen_domain_handle_t[16];
typedef uint64_t	xen_pfn_t;

/* Shutdown reasons, HVM params, VIRQs and evtchn_port_t: <xvm/xen.h>. */

#define XEN_DOMINF_dying	(1u << 0)
#define XEN_DOMINF_hvm_guest	(1u << 1)
#define XEN_DOMINF_shutdown	(1u << 2)
#define XEN_DOMINF_paused	(1u << 3)
#define XEN_DOMINF_blocked	(1u << 4)
#define XEN_DOMINF_running	(1u << 5)
#define XEN_DOMINF_debugged	(1u << 6)
#define XEN_DOMINF_xvm_pvaware	(1u << 7)	/* ours: made a PV hypercall */
#define XEN_DOMINF_shutdownshift 16
#define XEN_DOMINF_shutdownmask	0xffu

/* Xen's xen_domctl_getdomaininfo, as xc_domain_getinfolist fills it. */
typedef struct xc_domaininfo {
	uint32_t		domain;
	uint32_t		flags;		/* XEN_DOMINF_* */
	uint64_t		tot_pages;
	uint64_t		max_pages;
	uint64_t		shr_pages;
	uint64_t		paged_pages;
	uint64_t		shared_info_frame;
	uint64_t		cpu_time;	/* ns */
	uint32_t		nr_online_vcpus;
	uint32_t		max_vcpu_id;
	uint32_t		ssidref;
	xen_domain_handle_t	handle;
	uint32_t		cpupool;
	/*
	 * Ours: the frames the domain holds, its reservation -- what Xen's
	 * tot_pages means.  tot_pages here counts the pages with host memory
	 * (RAM is backed when first touched).
	 */
	uint64_t		resv_pages;
} xc_domaininfo_t;

typedef struct xc_physinfo {
	uint32_t	threads_per_core;
	uint32_t	cores_per_socket;
	uint32_t	nr_cpus;
	uint32_t	max_cpu_id;
	uint32_t	nr_nodes;
	uint32_t	max_node_id;
	uint32_t	cpu_khz;
	uint64_t	total_pages;
	uint64_t	free_pages;
	uint64_t	scrub_pages;
	uint32_t	capabilities;
	uint32_t	nr_domains;		/* xVM: domains in the table */
	uint64_t	domain_pages;		/* xVM: pages they touched */
} xc_physinfo_t;

/* Xen's xen_domctl_sched_credit. */
struct xen_domctl_sched_credit {
	uint16_t	weight;
	uint16_t	cap;
};

/*
 * What a new domain is (Xen 4's xen_domctl_createdomain, plus the RAM
 * size: xVM backs RAM with one memfd sized at creation).
 */
struct xen_domctl_createdomain {
	xen_domain_handle_t	handle;
	uint32_t		max_vcpus;
	uint64_t		max_mem_kb;	/* RAM at 0x80000000 */
	uint32_t		flags;		/* 0 or XEN_DOMCTL_CDF_xvm_jit */
	uint32_t		vram_kb;	/* xVM: video memory at
						   XVM_FB_BASE (<xvm/fb.h>),
						   0 for none */
};
/* xVM's own flag: run the domain's vCPUs on the translator (--cpu jit). */
#define XEN_DOMCTL_CDF_xvm_jit	(1u << 31)

/* loggers are accepted for Xen compatibility and must be NULL. */
xc_interface *xc_interface_open(void *logger, void *dombuild_logger,
	    unsigned open_flags);
int	 xc_interface_close(xc_interface *);	/* NULL is fine */

/* *pdomid: 0 picks a free id; set to the new domain's id.  Paused. */
int	 xc_domain_create(xc_interface *, uint32_t *pdomid,
	    struct xen_domctl_createdomain *config);
int	 xc_domain_destroy(xc_interface *, uint32_t domid);
int	 xc_domain_pause(xc_interface *, uint32_t domid);
int	 xc_domain_unpause(xc_interface *, uint32_t domid);
int	 xc_domain_shutdown(xc_interface *, uint32_t domid, int reason);
/*
 * A domain that suspended (SCHEDOP_shutdown(suspend)) runs on in place,
 * its vCPU 0 seeing the hypercall return 1 ("cancelled"), as Xen's
 * cooperative resume.  fast must be 1 (EOPNOTSUPP otherwise); EINVAL
 * unless the domain is suspended.
 */
int	 xc_domain_resume(xc_interface *, uint32_t domid, int fast);
/* Xen's setdomainhandle: the UUID the hypervisor keeps for the domain. */
int	 xc_domain_sethandle(xc_interface *, uint32_t domid,
	    const xen_domain_handle_t handle);
/*
 * Press a button of the domain's machine (docs/guest-abi.md): the power
 * key (XEN_DOMCTL_SENDTRIGGER_POWER, as Xen's ACPI power button) or the
 * reboot key (ours).  The guest decides what to do.  ENOSYS for Xen's
 * other triggers; vcpu must be 0.
 */
#define XEN_DOMCTL_SENDTRIGGER_POWER	3
#define XEN_DOMCTL_SENDTRIGGER_XVM_REBOOT 16
int	 xc_domain_send_trigger(xc_interface *, uint32_t domid,
	    uint32_t trigger, uint32_t vcpu);
/* Fills up to max_domains entries from first_domain on; returns count. */
int	 xc_domain_getinfolist(xc_interface *, uint32_t first_domain,
	    unsigned int max_domains, xc_domaininfo_t *info);
int	 xc_domain_setmaxmem(xc_interface *, uint32_t domid,
	    uint64_t max_memkb);

/*
 * extent_order must be 0 (4 KiB frames).  populate/decrease return the
 * number of extents done (-1 with errno when none); the _exact forms
 * return 0 only when all were done.
 */
int	 xc_domain_populate_physmap(xc_interface *, uint32_t domid,
	    unsigned long nr_extents, unsigned int extent_order,
	    unsigned int mem_flags, xen_pfn_t *extent_start);
int	 xc_domain_populate_physmap_exact(xc_interface *, uint32_t domid,
	    unsigned long nr_extents, unsigned int extent_order,
	    unsigned int mem_flags, xen_pfn_t *extent_start);
int	 xc_domain_decrease_reservation(xc_interface *, uint32_t domid,
	    unsigned long nr_extents, unsigned int extent_order,
	    xen_pfn_t *extent_start);
int	 xc_domain_decrease_reservation_exact(xc_interface *, uint32_t domid,
	    unsigned long nr_extents, unsigned int extent_order,
	    xen_pfn_t *extent_start);

/*
 * Map 'size' bytes of domid's memory from frame mfn (gpa >> 12) with prot
 * (PROT_READ, optionally |PROT_WRITE).  The caller munmaps(ptr, size).
 */
void	*xc_map_foreign_range(xc_interface *, uint32_t domid, int size,
	    int prot, unsigned long mfn);

/* Xen 3's cpumap: bit n = pCPU n. */
int	 xc_vcpu_setaffinity(xc_interface *, uint32_t domid, int vcpu,
	    uint64_t cpumap);
int	 xc_vcpu_getaffinity(xc_interface *, uint32_t domid, int vcpu,
	    uint64_t *cpumap);

/* Xen's xc_vcpuinfo_t: one vCPU's state (xm vcpu-list). */
typedef struct xc_vcpuinfo {
	uint32_t	vcpu;
	uint8_t		online;		/* up, not down */
	uint8_t		blocked;	/* waiting for an event */
	uint8_t		running;	/* on a pCPU now */
	uint64_t	cpu_time;	/* ns run so far */
	uint32_t	cpu;		/* the pCPU it runs, or last ran, on */
} xc_vcpuinfo_t;
int	 xc_vcpu_getinfo(xc_interface *, uint32_t domid, uint32_t vcpu,
	    xc_vcpuinfo_t *info);

int	 xc_sched_credit_domain_set(xc_interface *, uint32_t domid,
	    struct xen_domctl_sched_credit *sdom);
int	 xc_sched_credit_domain_get(xc_interface *, uint32_t domid,
	    struct xen_domctl_sched_credit *sdom);

/*
 * Read the hypervisor console ring into buffer (*pnr_chars: in capacity,
 * out bytes read).  With incremental, start at *pindex and update it.
 */
int	 xc_readconsolering(xc_interface *, char *buffer,
	    unsigned int *pnr_chars, int clear, int incremental,
	    uint32_t *pindex);

int	 xc_physinfo(xc_interface *, xc_physinfo_t *put_info);

/*
 * A domain's emulated console (UART, SBI console, HTIF; docs/privcmd.md):
 * the hypervisor keeps the newest 64 KiB the guest wrote, its bytes
 * numbered from 0.  xc_domain_console_read copies bytes from *pos on into
 * buf (*len: in capacity, at most 256 KiB - 24; out bytes read) and
 * advances *pos past them; *lost (may be NULL) gets the number of bytes
 * that had fallen off the ring before *pos.  0 or -1 with errno.
 * xc_domain_console_write queues input for the guest's UART and SBI
 * getchar; it returns the count taken (4 KiB may wait at most), or -1.
 */
int	 xc_domain_console_read(xc_interface *, uint32_t domid, char *buf,
	    unsigned int *len, uint64_t *pos, uint64_t *lost);
int	 xc_domain_console_write(xc_interface *, uint32_t domid,
	    const char *buf, unsigned int len);

/*
 * Watching every domain's emulated console: a handle with a pollable fd.
 * xc_console_watch_next gives a domain that wrote since this handle last
 * read its console with xc_console_watch_read (or was destroyed): 1 with
 * *domid, 0 when none is waiting (it never blocks), -1 with errno.  Each
 * domain is reported once until the handle reads it again, so a reader
 * reads until a read returns 0 bytes.  Owned by the caller; close with
 * xc_console_watch_close (NULL is fine).
 */
typedef struct xc_console_watch xc_console_watch;

xc_console_watch *xc_console_watch_open(void);
void	 xc_console_watch_close(xc_console_watch *);
int	 xc_console_watch_fd(xc_console_watch *);
int	 xc_console_watch_next(xc_console_watch *, uint32_t *domid);
int	 xc_console_watch_read(xc_console_watch *, uint32_t domid, char *buf,
	    unsigned int *len, uint64_t *pos, uint64_t *lost);
int	 xc_console_watch_write(xc_console_watch *, uint32_t domid,
	    const char *buf, unsigned int len);

int	 xc_hvm_param_set(xc_interface *, uint32_t dom, uint32_t param,
	    uint64_t value);
int	 xc_hvm_param_get(xc_interface *, uint32_t dom, uint32_t param,
	    uint64_t *value);

/*
 * The user-visible state of a vCPU (xvm-riscv's vcpu_guest_context): pc,
 * the integer and the F/D registers, fcsr.  Get and set need the domain
 * paused, or the vCPU never started; setting a vCPU that is down starts
 * it at pc (S-mode) with these registers: a toolstack boots a guest with
 * x[10] = vCPU id, x[11] = device tree address (and zeroes the rest).
 */
typedef struct vcpu_guest_context {
	uint64_t	pc;
	uint64_t	x[32];
	uint32_t	priv;		/* get: 0 U, 1 S, 3 M */
	uint32_t	up;		/* get: the vCPU is up */
	uint64_t	f[32];		/* f0-f31, singles NaN-boxed */
	uint64_t	fcsr;		/* frm << 5 | fflags */
} vcpu_guest_context_t;

int	 xc_vcpu_getcontext(xc_interface *, uint32_t domid, uint32_t vcpu,
	    vcpu_guest_context_t *ctxt);
int	 xc_vcpu_setcontext(xc_interface *, uint32_t domid, uint32_t vcpu,
	    vcpu_guest_context_t *ctxt);

/*
 * The whole-domain context (Xen's names for HVM save records): the
 * records of docs/privcmd.md (domain, each vCPU's full hart state, grant
 * frames), not the memory.  The domain must be paused.  getcontext
 * returns the size written into buf (at most size), or -1 (ENOSPC when
 * buf is too small); with buf NULL it returns the size needed.
 * setcontext loads a context into a paused domain of the same shape
 * (vCPUs, RAM size); bad records change nothing.
 */
/*
 * Write domain domid as an ELF core file (docs/dump-core.md): its vCPUs'
 * registers as NT_PRSTATUS notes (the domain is paused for a moment to
 * read them if it runs) and its RAM.  The caller pauses it for a
 * consistent image (xm dump-core without -L).  corename must be a
 * regular file or not exist; on failure it is removed.  0 or -1 + errno.
 */
int	 xc_domain_dumpcore(xc_interface *, uint32_t domid,
	    const char *corename);

int	 xc_domain_hvm_getcontext(xc_interface *, uint32_t domid,
	    uint8_t *buf, uint32_t size);
int	 xc_domain_hvm_setcontext(xc_interface *, uint32_t domid,
	    const uint8_t *buf, uint32_t size);

/*
 * Log-dirty mode (Xen's shadow ops).  ENABLE_LOGDIRTY starts tracking
 * writes to the domain's RAM, OFF stops it; PEEK copies the bitmap of the
 * first 'pages' frames (bit n = frame 0x80000 + n; pages a multiple of
 * 64) into dirty_bitmap, CLEAN does so and starts a new round.  Returns
 * 0, or for PEEK/CLEAN the number of dirty pages; -1 with errno (ENOENT:
 * not in log-dirty mode).  mb, mode and stats are unused (pass 0/NULL).
 */
#define XEN_DOMCTL_SHADOW_OP_OFF		0
#define XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY	2
#define XEN_DOMCTL_SHADOW_OP_CLEAN		11
#define XEN_DOMCTL_SHADOW_OP_PEEK		12

int	 xc_shadow_control(xc_interface *, uint32_t domid, unsigned int sop,
	    uint64_t *dirty_bitmap, unsigned long pages, unsigned long *mb,
	    uint32_t mode, void *stats);

/*
 * A loaded ELF image's segment, for the domain builder (xc_dom_elf.c).
 * xc_elf_parse checks an in-memory ELF64 RISC-V executable and lists its
 * PT_LOAD segments (by physical address): it returns the count (at most
 * max) and the entry, or -1 with errno EINVAL/ENOEXEC naming nothing
 * (the image is untrusted: every offset and size is checked).
 */
struct xc_elf_seg {
	uint64_t	paddr;
	uint64_t	filesz;
	uint64_t	memsz;
	uint64_t	offset;
};
int	 xc_elf_parse(const void *image, size_t len, struct xc_elf_seg *segs,
	    unsigned max, uint64_t *entry);

/*
 * Load the ELF file at path into domid's RAM through foreign mappings
 * (populating what it covers) and give its entry point.  Every segment
 * must lie in the domain's RAM.  0 or -1 with errno.
 */
int	 xc_dom_load_elf(xc_interface *, uint32_t domid, const char *path,
	    uint64_t *entry);

/* A port in dom that remote_dom may bind; the port, or -1 with errno. */
int	 xc_evtchn_alloc_unbound(xc_interface *, uint32_t dom,
	    uint32_t remote_dom);

#endif
