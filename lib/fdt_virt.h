/* The device tree of an xvm-riscv machine: the one writer for `xvm-hypervisor run`, the domain builder and tests. */
#ifndef XVM_LIB_FDT_VIRT_H
#define XVM_LIB_FDT_VIRT_H

/*
 * Every xvm-riscv machine (a domain, or `xvm-hypervisor run`) has the QEMU-virt
 * devices of DESIGN.md §4 and the buttons of docs/guest-abi.md; this writes the
 * /soc node that describes them, with QEMU virt's node names and bindings
 * (sifive,plic-1.0.0, sifive,clint0, ns16550a, sifive,test0 with
 * syscon-poweroff/-reboot, sifive,gpio0 with gpio-keys), so a stock Linux finds
 * the same things here as there.  Of the 32 virtio-mmio slots only those
 * with a device get a node ("virtio,mmio"): the tree describes what the
 * domain has.  hypervisor/machine.h checks that its memory map
 * agrees with these numbers.
 */

#include <stddef.h>
#include <stdint.h>

#define FDT_VIRT_RAM_BASE	0x80000000ULL
#define FDT_VIRT_TIMEBASE_HZ	10000000u	/* mtime: 10 MHz */
#define FDT_VIRT_MAX_VCPUS	64
#define FDT_VIRT_TEST_BASE	0x100000ULL
#define FDT_VIRT_TEST_SIZE	0x1000ULL
#define FDT_VIRT_CLINT_BASE	0x2000000ULL
#define FDT_VIRT_CLINT_SIZE	0x10000ULL
#define FDT_VIRT_PLIC_BASE	0xc000000ULL
#define FDT_VIRT_PLIC_SIZE	0x600000ULL
#define FDT_VIRT_PLIC_NDEV	95
#define FDT_VIRT_UART_BASE	0x10000000ULL
#define FDT_VIRT_UART_SIZE	0x100ULL
#define FDT_VIRT_UART_IRQ	10
#define FDT_VIRT_UART_CLOCK	3686400
#define FDT_VIRT_GPIO_BASE	0x10060000ULL
#define FDT_VIRT_GPIO_SIZE	0x1000ULL
#define FDT_VIRT_GPIO_IRQ	12	/* line i: PLIC source 12 + i */
#define FDT_VIRT_GPIO_LINES	2	/* 0: power key, 1: reboot key */
#define FDT_VIRT_KEY_POWER	116	/* Linux input codes */
#define FDT_VIRT_KEY_RESTART	408

struct fdt_virt {
	unsigned	nvcpus;		/* harts 0 .. nvcpus-1 */
	uint32_t	intc_phandle0;	/* hart h's riscv,cpu-intc is this + h */
	uint32_t	phandle0;	/* first of 3 free phandles (PLIC, test,
					   GPIO) */
	uint32_t	virtio_slots;	/* bit i: virtio-mmio slot i has a
					   device (<xvm/virtio.h>) */
};

/* The path of the UART node, for /chosen/stdout-path. */
#define FDT_VIRT_UART_PATH	"/soc/serial@10000000"

/*
 * Write /soc and the /gpio-keys node into a tree being built with libfdt's
 * sequential-write API (inside the root node).  0, or a negative libfdt error.
 * fdt_virt_tree calls it; nothing else needs to.
 */
int	fdt_virt_write(void *fdt, const struct fdt_virt *);

#define FDT_VIRT_MAX_RSV	8

/*
 * A whole machine's tree: the root (#address-cells = #size-cells = 2),
 * /chosen, /memory, /cpus (each hart with its riscv,cpu-intc), /soc and
 * /gpio-keys, and for a PV domain the /hypervisor node ("xvm,hypervisor",
 * the event-channel upcall as hart 0's supervisor external interrupt).
 * A framebuffer is a simple-framebuffer node under /chosen
 * (Documentation/devicetree/bindings/display/simple-framebuffer.yaml),
 * where Linux's simplefb and fbcon find it.
 */
struct fdt_machine {
	const char	*compatible;	/* of the root */
	const char	*model;
	uint64_t	 ram_size;	/* bytes from FDT_VIRT_RAM_BASE */
	unsigned	 nvcpus;	/* 1 .. FDT_VIRT_MAX_VCPUS */
	const char	*mmu_type;	/* "riscv,sv39", "riscv,sv48" */
	const char	*bootargs;	/* NULL: no /chosen/bootargs */
	uint64_t	 initrd_start;	/* [start, end), reserved after rsv[]; */
	uint64_t	 initrd_end;	/*  end <= start: none */
	int		 hypervisor;	/* write /hypervisor */
	uint32_t	 virtio_slots;	/* bit i: a node for virtio-mmio slot i */
	/* A framebuffer (<xvm/fb.h>): /chosen/framebuffer@40000000,
	   "simple-framebuffer", x8r8g8b8; fb_width 0: none. */
	uint32_t	 fb_width;
	uint32_t	 fb_height;
	unsigned	 nrsv;		/* further /memreserve/ entries */
	struct {
		uint64_t addr, size;
	}		 rsv[FDT_VIRT_MAX_RSV];
};

/*
 * Write the tree m describes into buf[0..size) (borrowed; nothing kept).
 * Its total size, or -1 with errno: EINVAL (m out of range, size over
 * INT_MAX), ENOSPC (it does not fit).
 */
int	fdt_virt_tree(void *buf, size_t size, const struct fdt_machine *m);

#endif
