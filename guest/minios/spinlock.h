/* Ticket spinlock: fair between vCPUs, so a preempted-and-resumed vCPU cannot
 * be starved by a sibling that keeps re-taking the lock. */
#ifndef MINIOS_SPINLOCK_H
#define MINIOS_SPINLOCK_H

#include <stdint.h>

#include "guest/minios/arch.h"

struct spinlock {
	uint32_t	next;		/* ticket handed to the next taker */
	uint32_t	owner;		/* ticket now allowed in */
};

#define SPINLOCK_INIT	{ 0, 0 }

static inline void
spin_lock(struct spinlock *l)
{
	uint32_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		cpu_relax();
}

static inline void
spin_unlock(struct spinlock *l)
{
	/* Only the holder writes owner, so a plain increment + release store
	 * is enough; no atomic read-modify-write needed. */
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

static inline unsigned long
spin_lock_irqsave(struct spinlock *l)
{
	unsigned long flags = irq_save();

	spin_lock(l);
	return flags;
}

static inline void
spin_unlock_irqrestore(struct spinlock *l, unsigned long flags)
{
	spin_unlock(l);
	irq_restore(flags);
}

#endif
