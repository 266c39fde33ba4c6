/* The device-tree nodes of the xvm-riscv machine's devices, shared by every DT writer. */
#ifndef XVM_LIB_FDT_VIRT_H
#define XVM_LIB_FDT_VIRT_H

/*
 * Every xvm-riscv machine (a domain, or `xvm-hypervisor run`) has the QEMU-virt
 * devices of DESIGN.md §4 and the buttons of docs/guest-abi.md; this writes the
 * /soc node that describes them, with QEMU virt's node names and bindings
 * (sifive,plic-1.0.0, sifive,clint0, ns16550a, sifive,test0 with
 * syscon-poweroff/-reboot, sifive,gpio0 with gpio-keys), so a stock Linux finds
 * the same things here as there.  hypervisor/machine.h checks that its memory map
 * agrees with these numbers.
 */

#include <stdint.h>

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
};

/* The path of the UART node, for /chosen/stdout-path. */
#define FDT_VIRT_UART_PATH	"/soc/serial@10000000"

/*
 * Write /soc and the /gpio-keys node into a tree being built with libfdt's
 * sequential-write API (inside the root node).  0, or a negative libfdt error.
 */
int	fdt_virt_write(void *fdt, const struct fdt_virt *);

#endif
