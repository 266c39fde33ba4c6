/* The privcmd wire protocol between libxc and xvm-hypervisor (docs/privcmd.md). */
#ifndef XVM_PRIVCMD_H
#define XVM_PRIVCMD_H

#include <stdint.h>

#include <xvm/xen.h>

/*
 * Every message, either way, is a header followed by 'len' payload bytes.
 * All integers are little-endian host order (the socket is local).  A reply
 * echoes op and seq; status is 0 or a positive errno.  Descriptors a reply
 * carries (memory fds, event fds) ride on its first byte with SCM_RIGHTS.
 */
struct privcmd_hdr {
	uint32_t	op;
	uint32_t	len;
	uint32_t	seq;
	int32_t		status;
};

#define PRIVCMD_VERSION		1
#define PRIVCMD_MAX_PAYLOAD	(256u * 1024u)
#define PRIVCMD_MAX_PFNS	4096u	/* per populate/decrease request */

enum privcmd_op {
	PRIVCMD_OP_HELLO = 1,
	PRIVCMD_OP_PHYSINFO = 2,
	PRIVCMD_OP_DOMAIN_CREATE = 3,
	PRIVCMD_OP_DOMAIN_DESTROY = 4,
	PRIVCMD_OP_DOMAIN_PAUSE = 5,
	PRIVCMD_OP_DOMAIN_UNPAUSE = 6,
	PRIVCMD_OP_DOMAIN_SHUTDOWN = 7,
	PRIVCMD_OP_DOMAIN_GETINFOLIST = 8,
	PRIVCMD_OP_DOMAIN_SETMAXMEM = 9,
	PRIVCMD_OP_MEMORY_POPULATE = 10,
	PRIVCMD_OP_MEMORY_DECREASE = 11,
	PRIVCMD_OP_MAP_FOREIGN = 12,
	PRIVCMD_OP_VCPU_SETAFFINITY = 13,
	PRIVCMD_OP_VCPU_GETAFFINITY = 14,
	PRIVCMD_OP_SCHED_CREDIT_SET = 15,
	PRIVCMD_OP_SCHED_CREDIT_GET = 16,
	PRIVCMD_OP_READCONSOLERING = 17,
	PRIVCMD_OP_EVTCHN_OPEN = 18,
	PRIVCMD_OP_EVTCHN_BIND_INTERDOMAIN = 19,
	PRIVCMD_OP_EVTCHN_BIND_VIRQ = 20,
	PRIVCMD_OP_EVTCHN_BIND_UNBOUND = 21,
	PRIVCMD_OP_EVTCHN_NOTIFY = 22,
	PRIVCMD_OP_EVTCHN_UNMASK = 23,
	PRIVCMD_OP_EVTCHN_UNBIND = 24,
	PRIVCMD_OP_EVTCHN_ALLOC_UNBOUND = 25,
	PRIVCMD_OP_GNTTAB_MAP = 26,
	PRIVCMD_OP_GNTTAB_UNMAP = 27,
	PRIVCMD_OP_GNTTAB_COPY = 28,
	PRIVCMD_OP_HVM_PARAM_SET = 29,
	PRIVCMD_OP_HVM_PARAM_GET = 30,
	PRIVCMD_OP_VCPU_GETCONTEXT = 31,
	PRIVCMD_OP_VCPU_SETCONTEXT = 32,
	PRIVCMD_OP_DOMAIN_GETCONTEXT = 33,
	PRIVCMD_OP_DOMAIN_SETCONTEXT = 34,
	PRIVCMD_OP_LOGDIRTY = 35,
	PRIVCMD_OP_CONSOLE_WATCH = 36,
	PRIVCMD_OP_CONSOLE_READ = 37,
	PRIVCMD_OP_CONSOLE_WRITE = 38,
	PRIVCMD_OP_DOMAIN_RESUME = 39,
	PRIVCMD_OP_DOMAIN_SETHANDLE = 40,
	PRIVCMD_OP_VCPU_GETINFO = 41,
	PRIVCMD_OP_DOMAIN_TRIGGER = 42,
	/* Virtio-mmio transport, for device models (DESIGN.md §4a). */
	PRIVCMD_OP_VIRTIO_MAP = 50,
	PRIVCMD_OP_VIRTIO_PLUG = 51,
	PRIVCMD_OP_VIRTIO_UNPLUG = 52,
	PRIVCMD_OP_VIRTIO_CONFIG = 53,
	PRIVCMD_OP_MAX
};

/* Shutdown reasons (Xen's SHUTDOWN_*). */
#define PRIVCMD_SHUTDOWN_POWEROFF	0
#define PRIVCMD_SHUTDOWN_REBOOT		1
#define PRIVCMD_SHUTDOWN_SUSPEND	2
#define PRIVCMD_SHUTDOWN_CRASH		3
_Static_assert(PRIVCMD_SHUTDOWN_POWEROFF == SHUTDOWN_poweroff &&
    PRIVCMD_SHUTDOWN_REBOOT == SHUTDOWN_reboot &&
    PRIVCMD_SHUTDOWN_SUSPEND == SHUTDOWN_suspend &&
    PRIVCMD_SHUTDOWN_CRASH == SHUTDOWN_crash,
    "privcmd's shutdown reasons are the guest's (xen.h)");

/* Domain state flags (Xen's XEN_DOMINF_*). */
#define PRIVCMD_DOMINF_DYING		(1u << 0)
#define PRIVCMD_DOMINF_HVM		(1u << 1)
#define PRIVCMD_DOMINF_SHUTDOWN		(1u << 2)
#define PRIVCMD_DOMINF_PAUSED		(1u << 3)
#define PRIVCMD_DOMINF_BLOCKED		(1u << 4)
#define PRIVCMD_DOMINF_RUNNING		(1u << 5)
#define PRIVCMD_DOMINF_DEBUGGED		(1u << 6)
/* Ours: the guest has made a PV hypercall (it runs Xen-aware drivers). */
#define PRIVCMD_DOMINF_PVAWARE		(1u << 7)
#define PRIVCMD_DOMINF_SHUTDOWNSHIFT	16
#define PRIVCMD_DOMINF_SHUTDOWNMASK	0xffu

struct privcmd_hello {
	uint32_t	version;
	uint32_t	max_payload;	/* reply only */
};

struct privcmd_physinfo {
	uint32_t	nr_cpus;	/* pCPU worker threads */
	uint32_t	threads_per_core;
	uint32_t	cores_per_socket;
	uint32_t	nr_nodes;
	uint32_t	cpu_khz;	/* guest timebase, kHz */
	uint32_t	pad;
	uint64_t	total_pages;	/* host RAM */
	uint64_t	free_pages;
	uint64_t	domain_pages;	/* touched by all domains */
	uint32_t	nr_domains;
	uint32_t	max_domains;
};

struct privcmd_domid {
	uint32_t	domid;
	uint32_t	pad;
};

/* DOMAIN_CREATE flags: the domain's vCPUs run on the translator. */
#define PRIVCMD_CDF_JIT	(1u << 31)
struct privcmd_domain_create {
	uint32_t	domid;		/* in: 0 = pick; out: the new id */
	uint32_t	max_vcpus;
	uint64_t	max_mem_kb;	/* RAM span at 0x80000000 */
	uint8_t		uuid[16];
	uint32_t	flags;		/* 0 or PRIVCMD_CDF_JIT */
	uint32_t	vram_kb;	/* video memory at XVM_FB_BASE
					   (<xvm/fb.h>); 0: none */
};

/* DOMAIN_SETHANDLE: Xen's setdomainhandle, the domain's UUID. */
struct privcmd_domain_handle {
	uint32_t	domid;
	uint32_t	pad;
	uint8_t		uuid[16];
};

struct privcmd_domain_shutdown {
	uint32_t	domid;
	uint32_t	reason;
};

/*
 * DOMAIN_TRIGGER (Xen's XEN_DOMCTL_sendtrigger): press one of the
 * machine's buttons (docs/guest-abi.md).  POWER is Xen's number; REBOOT is
 * ours.  Xen's NMI, RESET, INIT and SLEEP answer ENOSYS.  vcpu must be 0.
 */
#define PRIVCMD_TRIGGER_POWER		3
#define PRIVCMD_TRIGGER_REBOOT		16
struct privcmd_domain_trigger {
	uint32_t	domid;
	uint32_t	trigger;
	uint32_t	vcpu;
	uint32_t	pad;
};

struct privcmd_getinfolist {
	uint32_t	first_domid;
	uint32_t	max;		/* entries wanted */
};

struct privcmd_dominfo {
	uint32_t	domid;
	uint32_t	flags;		/* PRIVCMD_DOMINF_* | reason << SHIFT */
	uint64_t	tot_pages;	/* touched pages */
	uint64_t	max_pages;
	uint64_t	cpu_time_ns;
	uint32_t	nr_online_vcpus;
	uint32_t	max_vcpu_id;
	uint32_t	ssidref;
	uint32_t	cpupool;
	uint8_t		uuid[16];
	uint64_t	shared_info_frame;
	uint64_t	resv_pages;	/* frames held: Xen's tot_pages */
};

/* Reply of GETINFOLIST: a count, then that many privcmd_dominfo. */
struct privcmd_getinfolist_reply {
	uint32_t	nr;
	uint32_t	pad;
};

struct privcmd_setmaxmem {
	uint32_t	domid;
	uint32_t	pad;
	uint64_t	max_kb;
};

/* POPULATE / DECREASE: this, then nr uint64_t guest frame numbers. */
struct privcmd_memory {
	uint32_t	domid;
	uint32_t	nr;
};

/* Reply: the number of frames done (all of them, or the error stops it). */
struct privcmd_memory_reply {
	uint32_t	done;
	uint32_t	pad;
};

/*
 * MAP_FOREIGN: the reply carries the domain's memory fd; the caller mmaps
 * nr pages at 'offset' with MAP_SHARED.  Every frame must be in the RAM
 * span; prot is PROT_READ or PROT_READ|PROT_WRITE.
 */
struct privcmd_map_foreign {
	uint32_t	domid;
	uint32_t	prot;
	uint64_t	pfn;		/* first guest frame (gpa >> 12) */
	uint64_t	nr;
};

struct privcmd_map_foreign_reply {
	uint64_t	offset;		/* in the fd */
	uint64_t	fd_size;
};

struct privcmd_affinity {
	uint32_t	domid;
	uint32_t	vcpu;
	uint64_t	cpumap;		/* bit n = pCPU n */
};

/* VCPU_GETINFO: Xen's getvcpuinfo; in: domid, vcpu; out: all of it. */
struct privcmd_vcpuinfo {
	uint32_t	domid;
	uint32_t	vcpu;
	uint8_t		online;		/* up (not down) */
	uint8_t		blocked;	/* waiting for an event */
	uint8_t		running;	/* on a pCPU now */
	uint8_t		pad[5];
	uint64_t	cpu_time_ns;	/* run time so far */
	uint32_t	cpu;		/* the pCPU it runs on, or last ran on */
	uint32_t	pad2;
};

struct privcmd_sched_credit {
	uint32_t	domid;
	uint16_t	weight;		/* 1..65535, default 256 */
	uint16_t	cap;		/* percent of one pCPU, 0 = none */
};

struct privcmd_readconsolering {
	uint32_t	index;		/* in: first byte wanted (when incremental) */
	uint32_t	max;		/* in: bytes wanted */
	uint32_t	clear;		/* in: empty the ring after reading */
	uint32_t	incremental;	/* in: start at index, not at the oldest */
};

/* Reply: this, then 'len' bytes of text. */
struct privcmd_readconsolering_reply {
	uint32_t	next_index;
	uint32_t	len;
};

/* EVTCHN_*: a port is a uint32 in this connection's dom0 port space. */
struct privcmd_evtchn_bind_interdomain {
	uint32_t	remote_dom;
	uint32_t	remote_port;
};

struct privcmd_evtchn_bind_virq {
	uint32_t	virq;
	uint32_t	pad;
};

struct privcmd_evtchn_bind_unbound {
	uint32_t	remote_dom;
	uint32_t	pad;
};

struct privcmd_evtchn_port {
	uint32_t	port;
	uint32_t	pad;
};

/* Allocate an unbound port in 'dom' that 'remote_dom' may bind. */
struct privcmd_evtchn_alloc_unbound {
	uint32_t	dom;
	uint32_t	remote_dom;
};

/*
 * GNTTAB_MAP: map grant 'ref' of domain 'domid'.  The reply carries the
 * domain's memory fd; the caller mmaps one page at offset.  The grant stays
 * in use until GNTTAB_UNMAP of 'handle' or the connection closes.
 */
struct privcmd_gnttab_map {
	uint32_t	domid;
	uint32_t	ref;
	uint32_t	readonly;
	uint32_t	pad;
};

struct privcmd_gnttab_map_reply {
	uint64_t	offset;
	uint32_t	handle;
	uint32_t	pad;
};

struct privcmd_gnttab_unmap {
	uint32_t	handle;
	uint32_t	pad;
};

/*
 * GNTTAB_COPY: copy len bytes between this message and page 'ref' of domid
 * at 'offset'.  to_guest: the payload after this struct is written into the
 * page; otherwise the reply carries the bytes read.
 */
struct privcmd_gnttab_copy {
	uint32_t	domid;
	uint32_t	ref;
	uint16_t	offset;
	uint16_t	len;
	uint32_t	to_guest;
};

/*
 * VCPU_GETCONTEXT / VCPU_SETCONTEXT: the user-visible state of a vCPU of
 * a paused domain (or of a vCPU never started): pc, x and f registers,
 * fcsr.  Setting it on a vCPU that is down brings it up: it starts at pc
 * in S-mode with these registers.  (CSRs and the rest of the hart travel
 * in the domain context.)
 */
struct privcmd_vcpu_context {
	uint32_t	domid;
	uint32_t	vcpu;
	uint64_t	pc;
	uint64_t	x[32];		/* x[0] is ignored */
	uint32_t	priv;		/* out: 0 U, 1 S, 3 M */
	uint32_t	up;		/* out: the vCPU is up */
	uint64_t	f[32];		/* f0-f31, singles NaN-boxed */
	uint64_t	fcsr;		/* frm << 5 | fflags; bits above 7 ignored */
};

/*
 * DOMAIN_GETCONTEXT / DOMAIN_SETCONTEXT: in, a privcmd_domid; the reply of
 * GET (and the payload of SET after its privcmd_domid) is a sequence of
 * records, each a header and 'len' bytes padded to 8.  The domain must be
 * paused.  Memory is not in it (map it); event channels are not either
 * (as on Xen, a resumed guest binds them again).
 */
struct privcmd_ctx_rec {
	uint32_t	type;
	uint32_t	len;		/* of the body, without padding */
};

#define PRIVCMD_CTX_DOMAIN	1	/* struct privcmd_ctx_domain */
#define PRIVCMD_CTX_VCPU	2	/* struct privcmd_ctx_vcpu + u64[n] */
#define PRIVCMD_CTX_GNTTAB	3	/* u64 gfn[] of the grant table */
#define PRIVCMD_CTX_END		4	/* empty, last */
#define PRIVCMD_CTX_CLOCK	5	/* struct privcmd_ctx_clock */

struct privcmd_ctx_domain {
	uint32_t	max_vcpus;
	uint32_t	weight;
	uint64_t	mem_bytes;
	uint64_t	max_pages;
	uint64_t	shared_info_gfn;	/* 0: none given */
	uint32_t	cap;
	uint32_t	nr_params;
	uint64_t	hvm_param[64];
};

/*
 * The guest clock: guest time (ns; mtime x 100) where it stood when the
 * domain was paused.  SET puts the (paused) domain's clock there, so the
 * guest resumes with no jump; without this record its clock is left as
 * it is.
 */
struct privcmd_ctx_clock {
	uint64_t	guest_ns;
	uint64_t	pad;		/* 0 */
};

/* The hart's state as the CPU core gives it: n u64 values follow. */
struct privcmd_ctx_vcpu {
	uint32_t	vcpu;
	uint32_t	up;
	uint64_t	timer_pv;	/* guest ns of a set_timer_op, or 0 */
	uint64_t	affinity;
	uint64_t	nfields;
};

/*
 * LOGDIRTY: op 0 off, 1 on, 2 peek, 3 clean (peek, then clear and
 * protect again).  For peek and clean, frames [first, first + count)
 * (frame 0 = gpa 0x80000000; both multiples of 64); the reply is a
 * privcmd_logdirty_reply and count / 8 bytes of bitmap, bit n = frame
 * first + n.
 */
struct privcmd_logdirty {
	uint32_t	domid;
	uint32_t	op;
	uint64_t	first;
	uint64_t	count;
};

#define PRIVCMD_LOGDIRTY_OFF	0
#define PRIVCMD_LOGDIRTY_ON	1
#define PRIVCMD_LOGDIRTY_PEEK	2
#define PRIVCMD_LOGDIRTY_CLEAN	3

struct privcmd_logdirty_reply {
	uint64_t	count;
	uint64_t	dirty;		/* bits set */
};

/*
 * The emulated console of a domain (UART, SBI console, HTIF): what the
 * guest wrote is kept in a 64 KiB ring per domain, its bytes numbered
 * from 0 for the domain's life.
 *
 * CONSOLE_WATCH (no payload): the reply carries the read end of a pipe;
 * the connection is a watcher from then on (EBUSY if it already is).
 * When a domain writes to its console, its domid arrives as one u32,
 * once until this connection next does CONSOLE_READ of that domain (and
 * once more when the domain is destroyed).
 *
 * CONSOLE_READ: bytes from 'pos' on, at most 'max' (<= PRIVCMD_MAX_PAYLOAD
 * - 24).  The reply is privcmd_console_read_reply and 'len' bytes;
 * 'start' > pos means the bytes between fell off the ring (lost), and
 * 'end' is the count ever written (the next pos when len reached it).
 *
 * CONSOLE_WRITE: this, then 'len' bytes of input for the UART and SBI
 * getchar; the reply says how many were taken (4 KiB may wait at most).
 */
struct privcmd_console_read {
	uint32_t	domid;
	uint32_t	max;
	uint64_t	pos;
};

struct privcmd_console_read_reply {
	uint64_t	start;
	uint64_t	end;
	uint32_t	len;
	uint32_t	pad;
};

struct privcmd_console_write {
	uint32_t	domid;
	uint32_t	len;
};

struct privcmd_console_write_reply {
	uint32_t	written;
	uint32_t	pad;
};

/*
 * Virtio-mmio devices (docs/privcmd.md, DESIGN.md §4a).  The hypervisor
 * holds each domain's transport: the register file of its slots
 * (<xvm/virtio.h>).  A device model serves slots:
 *
 * VIRTIO_MAP (privcmd_domid): the reply carries a read-only fd of the
 * domain's register file, PRIVCMD_VIRTIO_SLOTS privcmd_virtio_slot in a
 * row, which the hypervisor updates as the guest writes registers.  A
 * reader takes 'seq' (odd: being written; read again), the fields, then
 * 'seq' again, and retries until both are equal and even.
 *
 * VIRTIO_PLUG (needs an event-channel handle): put a device in a slot:
 * privcmd_virtio_plug then config_len bytes of config space.  The reply
 * is a privcmd_evtchn_port: a port of the handle that fires whenever the
 * guest does something with the slot the model must look at (a
 * QueueNotify, a status change, a queue made ready, a config write), and
 * on which the model sends to raise the slot's "used buffer" interrupt.
 * EBUSY when the slot has a device with a live model.  With RESUME the
 * slot must already hold a device of that ID whose model is gone (it
 * died, or the domain was restored): the transport keeps its registers
 * and the new model carries on from them; without it the slot starts
 * from reset.  When the model's connection closes, its devices stay in
 * their slots with DEVICE_NEEDS_RESET set and a config-change interrupt,
 * and the guest's notifications go nowhere.
 *
 * VIRTIO_UNPLUG (privcmd_virtio_slotref): the model that plugged the
 * slot empties it (DeviceID reads 0 again).
 *
 * VIRTIO_CONFIG: privcmd_virtio_config then len bytes written into the
 * config space at offset; with notify, ConfigGeneration moves and the
 * guest gets a config-change interrupt.  Owner only.
 */
#define PRIVCMD_VIRTIO_SLOTS		32
#define PRIVCMD_VIRTIO_QUEUES		8
#define PRIVCMD_VIRTIO_CONFIG_MAX	256
#define PRIVCMD_VIRTIO_PLUG_RESUME	0x1u
/*
 * The payload after the config space holds a select table (virtio-input's
 * select/subsel scheme, answered by the transport itself): records of
 * u8 select, u8 subsel, u8 size (<= 128), size bytes; at most
 * VIRTIO_MMIO_SELECT_MAX bytes, config_len >= 136.
 */
#define PRIVCMD_VIRTIO_PLUG_SELECT	0x2u

struct privcmd_virtio_queue {
	uint64_t	desc;		/* guest-physical, as the driver set */
	uint64_t	driver;		/* the available ring */
	uint64_t	device;		/* the used ring */
	uint16_t	num;
	uint16_t	num_max;
	uint8_t		ready;
	uint8_t		pad[3];
};

struct privcmd_virtio_slot {
	uint32_t	seq;
	uint32_t	device_id;	/* 0: empty slot */
	uint32_t	status;		/* VIRTIO_STATUS_* */
	uint32_t	nqueues;
	uint64_t	device_features;
	uint64_t	driver_features;
	uint32_t	resets;		/* driver resets so far (status 0) */
	uint32_t	config_len;
	uint32_t	config_generation;
	uint32_t	interrupt_status;
	/* The transport's selectors (not needed by models). */
	uint32_t	device_features_sel;
	uint32_t	driver_features_sel;
	uint32_t	queue_sel;
	uint32_t	pad;
	struct privcmd_virtio_queue queue[PRIVCMD_VIRTIO_QUEUES];
	uint8_t		config[PRIVCMD_VIRTIO_CONFIG_MAX];
	uint8_t		pad2[448];
};
_Static_assert(sizeof(struct privcmd_virtio_slot) == 1024,
    "a slot of the register file is 1 KiB");

#define PRIVCMD_VIRTIO_REGS_SIZE \
	(PRIVCMD_VIRTIO_SLOTS * sizeof(struct privcmd_virtio_slot))

struct privcmd_virtio_plug {
	uint32_t	domid;
	uint32_t	slot;
	uint32_t	device_id;
	uint16_t	nqueues;	/* 1 .. PRIVCMD_VIRTIO_QUEUES */
	uint16_t	queue_max;	/* power of 2, 1 .. 32768 */
	uint64_t	features;	/* must include VIRTIO_F_VERSION_1 */
	uint32_t	config_len;	/* <= PRIVCMD_VIRTIO_CONFIG_MAX */
	uint32_t	flags;		/* PRIVCMD_VIRTIO_PLUG_* */
};

struct privcmd_virtio_slotref {
	uint32_t	domid;
	uint32_t	slot;
};

struct privcmd_virtio_config {
	uint32_t	domid;
	uint32_t	slot;
	uint32_t	offset;
	uint32_t	len;
	uint32_t	notify;
	uint32_t	pad;
};

struct privcmd_hvm_param {
	uint32_t	domid;
	uint32_t	index;
	uint64_t	value;
};

#endif
