/* SBI (RISC-V Supervisor Binary Interface v2.0) served in C when the machine is its own firmware. */
#ifndef XVM_HYPERVISOR_SBI_H
#define XVM_HYPERVISOR_SBI_H

#include <stdint.h>

#include <xvm/sbi.h>	/* extension IDs, error codes */

struct vcpu;

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
