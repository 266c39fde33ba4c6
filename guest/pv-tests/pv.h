/* PV test guests: the xvm-riscv hypercall ABI (docs/guest-abi.md) from a guest. */
#ifndef PV_H
#define PV_H

#include <stdint.h>

#include <xvm/xen.h>

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

void	 pv_print(const char *);
void	 pv_shutdown(unsigned reason) __attribute__((noreturn));
long	 pv_get_param(unsigned idx, uint64_t *val);
/* Register sh (page-aligned) as this domain's shared_info; 0 or -errno. */
long	 pv_map_shared_info(struct shared_info *sh);
int	 pv_test_and_clear(struct shared_info *, unsigned port);
/* Acknowledge the upcall on vCPU 0: clear upcall_pending and the selector. */
void	 pv_ack(struct shared_info *);

#endif
