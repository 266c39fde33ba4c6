/* PV test guests: the xvm-riscv hypercall ABI (docs/guest-abi.md) from a guest. */
#ifndef PV_H
#define PV_H

#include <stdint.h>

#define XVM_HCALL_EID		0x0A58454EUL

#define HC_memory_op		12
#define HC_set_timer_op		15
#define HC_xen_version		17
#define HC_console_io		18
#define HC_grant_table_op	20
#define HC_vcpu_op		24
#define HC_sched_op		29
#define HC_event_channel_op	32
#define HC_hvm_op		34

#define DOMID_SELF		0x7ff0

static inline long
hcall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r6 __asm__("a6") = nr;
	register unsigned long r7 __asm__("a7") = XVM_HCALL_EID;

	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6),
	    "r"(r7) : "memory");
	return (long)r0;
}

/* The shared_info layout (docs/guest-abi.md). */
struct vcpu_info {
	volatile uint8_t	upcall_pending;
	volatile uint8_t	upcall_mask;
	uint8_t			pad[6];
	volatile uint64_t	pending_sel;
	uint8_t			time[48];
};

struct shared_info {
	struct vcpu_info	vcpu[32];
	volatile uint64_t	pending[64];
	volatile uint64_t	mask[64];
};

struct grant_entry_v1 {
	volatile uint16_t	flags;
	volatile uint16_t	domid;
	volatile uint32_t	frame;
};

void	 pv_print(const char *);
void	 pv_shutdown(unsigned reason) __attribute__((noreturn));
long	 pv_get_param(unsigned idx, uint64_t *val);
int	 pv_test_and_clear(struct shared_info *, unsigned port);
/* Acknowledge the upcall on vCPU 0: clear upcall_pending and the selector. */
void	 pv_ack(struct shared_info *);

#endif
