/* The PV hypercalls a guest makes with ecall (docs/guest-abi.md). */
#ifndef XVM_HV_HYPERCALL_H
#define XVM_HV_HYPERCALL_H

#include <stdint.h>

#include <xvm/xen.h>	/* the extension ID, the numbers, their arguments */

#include "hypervisor/xen/sched.h"

struct dom_vcpu;

/*
 * What the guest's vCPU needs from the machine glue to serve a call:
 * guest time (ns, the system time set_timer_op speaks) and its inverse to
 * host CLOCK_MONOTONIC, plus bringing another vCPU up at pc with a1 = arg.
 */
struct hcall_env {
	uint64_t (*guest_now)(struct dom_vcpu *);
	uint64_t (*guest_to_host)(struct dom_vcpu *, uint64_t guest_ns);
	int	 (*vcpu_start)(struct dom_vcpu *, uint64_t pc, uint64_t arg);
	void	 (*vcpu_stop)(struct dom_vcpu *);
};

/*
 * Serve hypercall 'nr' with arguments a[0..5] from vCPU v.  *ret is the
 * value for a0 (Xen's: >= 0, or a negative errno).  Returns
 * VCPU_STOP_BUDGET to let the vCPU go on, or the reason it must stop now
 * (BLOCK for SCHEDOP_block/poll, YIELD, DOWN, HALT after a shutdown).
 * A call with more work than HCALL_CHUNK items (memory_op's extent lists)
 * does that many, rewrites a[] to resume where it stopped and returns
 * VCPU_STOP_CONTINUE (Xen's continuation): the caller must make the vCPU
 * issue the same call again with a[] (not advance past it, not set a0),
 * after the scheduler had its turn.  So no call holds a pCPU for long,
 * and a destroy or pause waits for one chunk at most.
 * Never trusts the guest: any argument may be garbage.
 */
#define HCALL_CHUNK	512

enum vcpu_stop hypercall(struct dom_vcpu *v, const struct hcall_env *,
	    uint64_t nr, uint64_t a[6], int64_t *ret);

#endif
