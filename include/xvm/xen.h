/* The xvm-riscv PV interface (docs/guest-abi.md): hypercalls, their arguments, VIRQs, shared_info. */
#ifndef XVM_XEN_H
#define XVM_XEN_H

/*
 * The one copy of what a PV guest and the hypervisor agree on, included
 * by both: guest code is freestanding, so nothing here needs more than
 * <stdint.h> and <stddef.h>.  Names and numbers are Xen's (public/xen.h,
 * memory.h, sched.h, event_channel.h, grant_table.h, vcpu.h, version.h,
 * hvm/params.h); layouts are Xen's for a 64-bit guest unless a comment
 * says xvm-riscv differs.  Argument structs live in guest memory at
 * guest-physical addresses.
 */

#include <stddef.h>
#include <stdint.h>

#include <xvm/xen_errno.h>

/* a7: the one SBI extension ID (firmware-specific range) for Xen calls. */
#define XVM_HCALL_EID		0x0A58454Eu	/* 0x0A000000 + "XEN" */
#define XVM_HCALL_EID_OLD	0x0A585600u	/* the first one; deprecated */

/* a6: Xen's hypercall numbers. */
#define __HYPERVISOR_memory_op		12
#define __HYPERVISOR_set_timer_op	15
#define __HYPERVISOR_xen_version	17
#define __HYPERVISOR_console_io		18
#define __HYPERVISOR_grant_table_op	20
#define __HYPERVISOR_vcpu_op		24
#define __HYPERVISOR_sched_op		29
#define __HYPERVISOR_event_channel_op	32
#define __HYPERVISOR_hvm_op		34

typedef uint16_t domid_t;

#define DOMID_FIRST_RESERVED	0x7ff0u		/* domids below are real */
#define DOMID_SELF		0x7ff0u

/* memory_op */
#define XENMEM_increase_reservation	0
#define XENMEM_decrease_reservation	1
#define XENMEM_maximum_reservation	4	/* arg: domid_t; returns pages */
#define XENMEM_populate_physmap		6
#define XENMEM_add_to_physmap		7
#define XENMEM_current_reservation	9	/* arg: domid_t; returns pages */
/*
 * cmd bits 6 and up: the extent to start at (Xen's continuation encoding;
 * a guest passes 0, the hypervisor resumes a preempted call with more).
 */
#define MEMOP_EXTENT_SHIFT		6
#define MEMOP_CMD_MASK			((1u << MEMOP_EXTENT_SHIFT) - 1)

struct xen_memory_reservation {
	uint64_t	extent_start;	/* gpa of a u64 gfn list */
	uint64_t	nr_extents;
	uint32_t	extent_order;	/* 0 only */
	uint32_t	mem_flags;	/* 0 only */
	domid_t		domid;
	uint16_t	pad[3];
};

#define XENMAPSPACE_shared_info	0
#define XENMAPSPACE_grant_table	1

struct xen_add_to_physmap {
	domid_t		domid;
	uint16_t	size;
	uint32_t	space;		/* XENMAPSPACE_* */
	uint64_t	idx;
	uint64_t	gpfn;
};

/* xen_version */
#define XENVER_version		0
#define XENVER_extraversion	1
#define XENVER_capabilities	3
#define XENVER_get_features	6
#define XENVER_pagesize		7

/* console_io */
#define CONSOLEIO_write		0
#define CONSOLEIO_read		1

/* grant_table_op */
#define GNTTABOP_setup_table	2
#define GNTTABOP_query_size	6

#define GNTST_okay		0
#define GNTST_general_error	(-1)

struct gnttab_setup_table {
	domid_t		dom;
	uint16_t	pad;
	uint32_t	nr_frames;
	int16_t		status;		/* GNTST_* */
	uint16_t	pad2[3];
	uint64_t	frame_list;	/* IN on xvm-riscv: the guest's frames */
};

struct gnttab_query_size {
	domid_t		dom;
	uint16_t	pad;
	uint32_t	nr_frames;
	uint32_t	max_nr_frames;
	int16_t		status;
	uint16_t	pad2;
};

/* The table lives in guest frames; 512 entries to a 4 KiB frame. */
struct grant_entry_v1 {
	uint16_t	flags;		/* GTF_* */
	domid_t		domid;		/* who may map it */
	uint32_t	frame;		/* the granted gfn */
};

#define GTF_invalid		0u
#define GTF_permit_access	1u
#define GTF_accept_transfer	2u
#define GTF_type_mask		3u
#define GTF_readonly		(1u << 2)
#define GTF_reading		(1u << 3)	/* set by the hypervisor */
#define GTF_writing		(1u << 4)	/* set by the hypervisor */

/* vcpu_op(cmd, vcpuid, arg) */
#define VCPUOP_initialise	0
#define VCPUOP_up		1
#define VCPUOP_down		2
#define VCPUOP_is_up		3

/* xvm-riscv's vcpu_guest_context for VCPUOP_initialise: where to start. */
struct xvm_vcpu_start {
	uint64_t	pc;
	uint64_t	arg;		/* a1 (a0 is the vCPU id) */
};

/* sched_op */
#define SCHEDOP_yield		0
#define SCHEDOP_block		1
#define SCHEDOP_shutdown	2	/* arg: a u32 reason, SHUTDOWN_* */
#define SCHEDOP_poll		3

/* Shutdown reasons, as the guest gives them and dom0 reads them back. */
#define SHUTDOWN_poweroff	0
#define SHUTDOWN_reboot		1
#define SHUTDOWN_suspend	2
#define SHUTDOWN_crash		3

struct sched_poll {
	uint64_t	ports;		/* gpa of a u32 port list */
	uint32_t	nr_ports;	/* <= 128 */
	uint32_t	pad;
	uint64_t	timeout;	/* guest system time (ns); 0: none */
};

/* event_channel_op; argument layouts in docs/guest-abi.md. */
#define EVTCHNOP_bind_interdomain	0
#define EVTCHNOP_bind_virq		1
#define EVTCHNOP_close			3
#define EVTCHNOP_send			4
#define EVTCHNOP_status			5
#define EVTCHNOP_alloc_unbound		6
#define EVTCHNOP_bind_vcpu		8
#define EVTCHNOP_unmask			9

/* What EVTCHNOP_status reports of a port. */
#define EVTCHNSTAT_closed	0
#define EVTCHNSTAT_unbound	1
#define EVTCHNSTAT_interdomain	2
#define EVTCHNSTAT_pirq		3
#define EVTCHNSTAT_virq		4
#define EVTCHNSTAT_ipi		5

typedef uint32_t evtchn_port_t;

struct evtchn_bind_virq {
	uint32_t	virq;		/* VIRQ_* */
	uint32_t	vcpu;
	evtchn_port_t	port;		/* out */
};

/* The 2-level ABI: 64 words of 64 bits, port 0 never used. */
#define EVTCHN_2L_NR_CHANNELS	4096u

/* VIRQs (Xen's numbers). */
#define VIRQ_TIMER	0	/* per vCPU: set_timer_op */
#define VIRQ_DEBUG	1
#define VIRQ_CONSOLE	2	/* dom0: the hypervisor console has output */
#define VIRQ_DOM_EXC	3	/* dom0: a domain shut down or died */
#define NR_VIRQS	24

/* hvm_op: a guest reads its parameters; setting them is the toolstack's. */
#define HVMOP_set_param		0
#define HVMOP_get_param		1

struct xen_hvm_param {
	domid_t		domid;
	uint16_t	pad;
	uint32_t	index;		/* HVM_PARAM_* */
	uint64_t	value;
};

#define HVM_PARAM_STORE_PFN		1	/* xenstore ring (xs_wire.h) */
#define HVM_PARAM_STORE_EVTCHN		2
#define HVM_PARAM_CONSOLE_PFN		17	/* console ring (xencons.h) */
#define HVM_PARAM_CONSOLE_EVTCHN	18

/*
 * The shared_info page (xvm-riscv's layout, fixed): the guest gives one
 * page of its RAM with add_to_physmap(XENMAPSPACE_shared_info).
 */
#define XVM_MAX_VIRT_CPUS	32

struct vcpu_info {
	uint8_t		evtchn_upcall_pending;
	uint8_t		evtchn_upcall_mask;
	uint8_t		pad[6];
	uint64_t	evtchn_pending_sel;
	uint8_t		time[48];	/* reserved */
};

struct shared_info {
	struct vcpu_info vcpu_info[XVM_MAX_VIRT_CPUS];
	uint64_t	evtchn_pending[EVTCHN_2L_NR_CHANNELS / 64];
	uint64_t	evtchn_mask[EVTCHN_2L_NR_CHANNELS / 64];
	uint32_t	wc_version;	/* wallclock: reserved */
	uint32_t	wc_sec;
	uint32_t	wc_nsec;
};

/* The offsets docs/guest-abi.md promises. */
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info is 64 bytes");
_Static_assert(offsetof(struct vcpu_info, evtchn_pending_sel) == 8,
    "evtchn_pending_sel at 8");
_Static_assert(offsetof(struct shared_info, evtchn_pending) == 2048,
    "evtchn_pending at 2048");
_Static_assert(offsetof(struct shared_info, evtchn_mask) == 2560,
    "evtchn_mask at 2560");
_Static_assert(offsetof(struct shared_info, wc_version) == 3072,
    "wallclock at 3072");
_Static_assert(sizeof(struct shared_info) <= 4096, "shared_info fits a page");
_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1 is 8 bytes");
_Static_assert(sizeof(struct xen_memory_reservation) == 32 &&
    sizeof(struct xen_add_to_physmap) == 24 &&
    offsetof(struct gnttab_setup_table, frame_list) == 16 &&
    offsetof(struct gnttab_query_size, status) == 12 &&
    sizeof(struct sched_poll) == 24 && sizeof(struct xen_hvm_param) == 16 &&
    sizeof(struct evtchn_bind_virq) == 12,
    "argument layouts as docs/guest-abi.md gives them");

#endif
