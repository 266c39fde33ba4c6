/* RISC-V S-mode primitives the mini-OS needs: CSR access, interrupt masking, fences. */
#ifndef MINIOS_ARCH_H
#define MINIOS_ARCH_H

#include <stdint.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)

#define SSTATUS_SIE	(1UL << 1)
#define SSTATUS_SPIE	(1UL << 5)
#define SSTATUS_SUM	(1UL << 18)

#define SIE_SSIE	(1UL << 1)
#define SIE_STIE	(1UL << 5)
#define SIE_SEIE	(1UL << 9)

#define SCAUSE_IRQ	(1UL << 63)
#define IRQ_S_SOFT	1
#define IRQ_S_TIMER	5
#define IRQ_S_EXT	9

#define csr_read(csr) __extension__ ({					\
	unsigned long __v;						\
	__asm__ volatile ("csrr %0, " #csr : "=r" (__v) :: "memory");	\
	__v; })
#define csr_write(csr, val)						\
	__asm__ volatile ("csrw " #csr ", %0" :: "rK" (val) : "memory")
#define csr_set(csr, val)						\
	__asm__ volatile ("csrs " #csr ", %0" :: "rK" (val) : "memory")
#define csr_clear(csr, val)						\
	__asm__ volatile ("csrc " #csr ", %0" :: "rK" (val) : "memory")
#define csr_read_clear(csr, val) __extension__ ({			\
	unsigned long __v;						\
	__asm__ volatile ("csrrc %0, " #csr ", %1"			\
	    : "=r" (__v) : "rK" (val) : "memory");			\
	__v; })

static inline uint64_t
rdtime(void)
{
	uint64_t t;

	__asm__ volatile ("rdtime %0" : "=r" (t));
	return t;
}

/* Interrupt state save/restore: a lock taken from both thread and trap
 * context must mask interrupts, or the trap spins on its own CPU's lock. */
static inline unsigned long
irq_save(void)
{
	return csr_read_clear(sstatus, SSTATUS_SIE) & SSTATUS_SIE;
}

static inline void
irq_restore(unsigned long flags)
{
	if (flags)
		csr_set(sstatus, SSTATUS_SIE);
}

static inline void
irq_enable(void)
{
	csr_set(sstatus, SSTATUS_SIE);
}

static inline void
irq_disable(void)
{
	csr_clear(sstatus, SSTATUS_SIE);
}

static inline void
wfi(void)
{
	__asm__ volatile ("wfi" ::: "memory");
}

static inline void
cpu_relax(void)
{
	/* "pause" is a Zihintpause hint encoded as a fence; harmless without it. */
	__asm__ volatile (".insn i 0x0f, 0, x0, x0, 0x010" ::: "memory");
}

static inline void
sfence_vma(void)
{
	__asm__ volatile ("sfence.vma" ::: "memory");
}

#endif
