/* SBI (RISC-V Supervisor Binary Interface v2.0) served in C when the machine is its own firmware. */
#ifndef XVM_HYPERVISOR_SBI_H
#define XVM_HYPERVISOR_SBI_H

#include <stdint.h>

struct vcpu;

/* Extension IDs (SBI v2.0 chapters 3-12) and the PV range (docs/cpu.md). */
#define SBI_EXT_BASE		0x10
#define SBI_EXT_TIME		0x54494d45
#define SBI_EXT_IPI		0x735049
#define SBI_EXT_RFENCE		0x52464e43
#define SBI_EXT_HSM		0x48534d
#define SBI_EXT_SRST		0x53525354
#define SBI_EXT_DBCN		0x4442434e
#define SBI_EXT_FIRMWARE_FIRST	0x0a000000
#define SBI_EXT_FIRMWARE_LAST	0x0affffff
#define SBI_EXT_XVM_PV		0x0a58454e	/* "XEN": PV hypercalls (docs/cpu.md) */
#define SBI_EXT_XVM_PV_OLD	0x0a585600	/* its deprecated alias */

#define SBI_SUCCESS		0
#define SBI_ERR_FAILED		(-1)
#define SBI_ERR_NOT_SUPPORTED	(-2)
#define SBI_ERR_INVALID_PARAM	(-3)
#define SBI_ERR_DENIED		(-4)
#define SBI_ERR_INVALID_ADDRESS	(-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)

#define SBI_IMPL_ID		0x5856	/* "XV": not in the SBI registry */

/* What the run loop does after an ecall. */
enum sbi_action {
	SBI_NEXT = 0,		/* continue at the (already advanced) pc */
	SBI_EXIT_HCALL,		/* the hcall hook asked for CPU_EXIT_HCALL */
	SBI_EXIT_WFI,		/* HSM retentive suspend: wait like WFI */
	SBI_EXIT_STOPPED,	/* HSM hart_stop */
};

/*
 * Serve the S-mode ecall in v's registers (a7 = EID, a6 = FID, a0-a5
 * arguments; a0 = error, a1 = value on return).  pc is already past the
 * ecall.
 */
enum sbi_action sbi_ecall(struct vcpu *v);

#endif
