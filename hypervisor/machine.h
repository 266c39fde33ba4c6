/* One guest machine: RAM, harts, the QEMU-virt devices, firmware mode, shutdown state. */
#ifndef XVM_HYPERVISOR_MACHINE_H
#define XVM_HYPERVISOR_MACHINE_H

/*
 * Interface promises (see also cpu/cpu.h; the multi-domain hypervisor
 * builds on both):
 *
 * (a) No globals: a machine is self-contained, many may exist per process.
 * (b) RAM is one memfd mapped MAP_SHARED at MACHINE_RAM_BASE, sparse (a
 *     page costs memory only once touched).  The machine creates it, or
 *     takes an existing memfd; machine_ram_fd() lends it to whoever maps
 *     the same pages (dom0 tools, foreign mapping).
 * (c) Each hart is a struct vcpu driven by cpu_run() on any thread; the
 *     machine's devices lock internally, so harts may run on different
 *     threads at once.
 * (d) When the machine is its own firmware, S-mode ecalls are SBI (sbi.h);
 *     unknown extension IDs go to the hcall hook (machine_set_hcall_hook).
 * (e) Power events (syscon, SBI SRST, HTIF) stop every hart: cpu_run()
 *     returns CPU_EXIT_SHUTDOWN and machine_shutdown_reason() tells why.
 * (f) machine_invalidate() after any outside write to guest memory that
 *     may be code; machine_gpa() maps guest-physical to host pointers.
 *
 * Memory map (QEMU virt, DESIGN.md §4): syscon 0x100000, CLINT 0x2000000,
 * PLIC 0xc000000, UART0 0x10000000 (PLIC source 10), virtio-mmio slots
 * from 0x10001000 (<xvm/virtio.h>), the buttons' GPIO controller
 * 0x10060000 (PLIC sources 12, 13), video memory 0x40000000 when the
 * machine has a framebuffer (<xvm/fb.h>), RAM 0x80000000.
 */

#include <stddef.h>
#include <stdint.h>

struct vcpu;
struct machine;

#define MACHINE_RAM_BASE	0x80000000ULL
#define MACHINE_VRAM_BASE	0x40000000ULL	/* XVM_FB_BASE */
#define MACHINE_MAX_VCPUS	64
#define MACHINE_TIMEBASE_HZ	10000000ULL	/* mtime: 10 MHz */

struct machine_config {
	uint64_t	 ram_bytes;	/* multiple of 4 KiB, >= 1 MiB */
	int		 ram_fd;	/* existing memfd (borrowed) or -1 */
	unsigned	 nvcpus;	/* 1 .. MACHINE_MAX_VCPUS */
	int		 firmware;	/* 1: the machine is the M-mode
					   firmware (SBI in C); 0: M-mode
					   code runs for real */
	const char	*name;		/* for log messages; copied */
	int		 cpu_engine;	/* enum cpu_engine: 0 = interpreter,
					   1 = translator (refused with a
					   cause where there is none) */
	/* Video memory at MACHINE_VRAM_BASE: a memfd (borrowed) of
	   vram_bytes, or vram_bytes 0 for none. */
	int		 vram_fd;
	uint64_t	 vram_bytes;
};

/*
 * Create a machine (RAM, harts in reset, devices).  Owned by the caller,
 * released with machine_free().  NULL with *cause (caller frees) on error.
 */
struct machine *machine_new(const struct machine_config *, char **cause);
void	machine_free(struct machine *);

/* Harts: 0 .. machine_nvcpus()-1 (borrowed). */
unsigned machine_nvcpus(const struct machine *);
struct vcpu *machine_vcpu(const struct machine *, unsigned hartid);
int	machine_firmware(const struct machine *);

/* RAM. */
uint64_t machine_ram_size(const struct machine *);
int	machine_ram_fd(const struct machine *);		/* borrowed */
/* Host pointer for [gpa, gpa+len) when all of it is RAM, else NULL. */
void	*machine_gpa(const struct machine *, uint64_t gpa, uint64_t len);
/*
 * Video memory (<xvm/fb.h>): host pointer for [gpa, gpa+len) when all of
 * it is there, else NULL.  Plain memory for loads and stores, never code.
 */
void	*machine_vram(const struct machine *, uint64_t gpa, uint64_t len);
/* Someone other than the harts wrote [gpa, gpa+len): drop decoded code. */
void	machine_invalidate(struct machine *, uint64_t gpa, uint64_t len);

/*
 * Guest time.  mtime counts at 10 MHz from the machine's creation, but
 * only while its clock runs: an embedder stops the clock while the guest
 * is paused (or being saved), so the guest sees no jump, and may set it
 * (restore).  machine_mtime_to_ns() is the host CLOCK_MONOTONIC time at
 * which mtime will reach a value, UINT64_MAX while the clock is stopped.
 * Any thread.
 */
uint64_t machine_mtime(const struct machine *);
uint64_t machine_mtime_to_ns(const struct machine *, uint64_t mtime);
uint64_t machine_clock_ns(const struct machine *);	/* mtime x 100 */
int	machine_clock_running(const struct machine *);
void	machine_clock_stop(struct machine *);
void	machine_clock_start(struct machine *);
void	machine_clock_set_ns(struct machine *, uint64_t guest_ns);
/* Harts re-read their timer lines (after the clock was set or started). */
void	machine_clock_changed(struct machine *);

/*
 * Console: guest output (UART, SBI putchar/DBCN, HTIF) goes to 'fn';
 * machine_console_input() queues input for the UART and SBI getchar (4 KiB
 * at most waiting; returns how many bytes it took).  Without a sink,
 * output is discarded.
 */
typedef void (*machine_console_fn)(void *arg, const char *buf, size_t len);
void	machine_set_console(struct machine *, machine_console_fn, void *arg);
size_t	machine_console_input(struct machine *, const char *buf, size_t len);

/* Power: the first request wins; every hart is kicked. */
enum machine_shutdown {
	MACHINE_RUNNING = 0,
	MACHINE_POWEROFF,
	MACHINE_REBOOT,
	MACHINE_FAIL,
};
void	machine_shutdown(struct machine *, enum machine_shutdown, int code);
enum machine_shutdown machine_shutdown_reason(const struct machine *,
	    int *code);

/*
 * The buttons (docs/guest-abi.md): a press of the power or reboot key on
 * the GPIO controller, which a stock Linux reports as KEY_POWER or
 * KEY_RESTART (gpio-keys).  Any thread.
 */
enum machine_button {
	MACHINE_BUTTON_POWER = 0,
	MACHINE_BUTTON_REBOOT = 1,
};
void	machine_press_button(struct machine *, enum machine_button);

/*
 * Hook for ecalls SBI does not know (promise d).  It reads arguments with
 * cpu_get_reg() and writes results with cpu_set_reg() (a0 = error or Xen
 * result, a1 = value).  Return 0 when handled, 1 to make cpu_run() return
 * CPU_EXIT_HCALL (pc is already past the ecall; set a0/a1 before resuming).
 */
typedef int (*machine_hcall_fn)(void *arg, struct vcpu *);
void	machine_set_hcall_hook(struct machine *, machine_hcall_fn, void *arg);

/*
 * HTIF: watch the 8-byte 'tohost' word at gpa (from the ELF symbol), and
 * 'fromhost' (0 if none).  Writes of (code << 1 | 1) end the machine
 * (code 0 = pass), device 1 command 1 prints a character.
 */
void	machine_set_htif(struct machine *, uint64_t tohost, uint64_t fromhost);

/*
 * Load a kernel (lib/kimage.h: an ELF by physical address, a Linux vmlinux
 * or Image at RAM base + 2 MiB) or, if 'raw_addr' != 0 and the file is
 * neither ELF nor Image, the raw image at raw_addr.
 * Stores the entry in *entry and, when present, the 'tohost' and 'fromhost'
 * symbol addresses in *tohost and *fromhost (else 0).  The highest byte
 * loaded + 1 in *end.  0, or -1 with *cause.
 */
int	machine_load(struct machine *, const char *path, uint64_t raw_addr,
	    uint64_t *entry, uint64_t *end, uint64_t *tohost,
	    uint64_t *fromhost, char **cause);
/*
 * 'len' bytes of the file fd (from its start) into RAM at gpa, copied by
 * the kernel where it can (loader.c); then machine_invalidate().  0, or -1
 * (outside RAM, or a read error: errno).
 */
int	machine_load_file(struct machine *, int fd, uint64_t gpa, uint64_t len);

/*
 * Write the flattened device tree describing this machine at gpa (inside
 * RAM, 'max' bytes at most) with chosen/bootargs = bootargs (may be NULL)
 * and, when initrd_end > initrd_start, the initramfs at [initrd_start,
 * initrd_end) (chosen/linux,initrd-*, and kept out of the allocator).
 * 0, or -1 with *cause.
 */
int	machine_write_fdt(struct machine *, uint64_t gpa, size_t max,
	    const char *bootargs, uint64_t initrd_start, uint64_t initrd_end,
	    char **cause);

/*
 * Inside the core only (cpu, devices, sbi.c): the bus, HTIF, console
 * and interrupt plumbing.
 */
/* A device access at guest-physical pa: 0, or -1 (access fault). */
int	machine_mmio(struct machine *, struct vcpu *, uint64_t pa,
	    unsigned size, int write, uint64_t *val);
/* Is pa on the page holding tohost/fromhost? */
int	machine_htif_page(const struct machine *, uint64_t pa);
/* A hart stored to the HTIF page at pa. */
void	machine_htif_store(struct machine *, uint64_t pa);
/* Guest output, and input: a byte, or -1 when none is queued. */
void	machine_console_write(struct machine *, const char *, size_t);
int	machine_console_getc(struct machine *);
int	machine_console_pending(struct machine *);
/* The hcall hook's answer, or -1 when none is set. */
int	machine_hcall(struct machine *, struct vcpu *);
int	machine_hcall_hooked(const struct machine *);
/*
 * The virtio-mmio slots' transport (devices/virtio_mmio.h), borrowed: a
 * device model serves them through the multi-domain layer.
 */
struct vmmio;
struct vmmio *machine_virtio(struct machine *);
/* Drive PLIC source 'src' (1..MACHINE_PLIC_SOURCES-1). */
void	machine_plic_set_irq(struct machine *, unsigned src, int level);

#define MACHINE_PLIC_SOURCES	96
#define MACHINE_UART_IRQ	10
#define MACHINE_GPIO_BASE	0x10060000ULL
#define MACHINE_GPIO_LINES	2	/* enum machine_button */
#define MACHINE_GPIO_IRQ_BASE	12	/* line i: PLIC source 12 + i */

#endif
