/* Per-vCPU state and bringing up the secondary vCPUs with SBI HSM. */
#ifndef MINIOS_SMP_H
#define MINIOS_SMP_H

#include <stddef.h>
#include <stdint.h>

#define MAX_CPUS	64
#define CPU_STACK_PAGES	4

/* tp points at the running vCPU's entry; boot.S knows the first two fields. */
struct percpu {
	uint64_t	stack_top;	/* offset 0: the entry path's sp */
	uint64_t	hartid;		/* offset 8 */
	unsigned	id;		/* 0 = the boot vCPU */
	int		online;		/* set by the vCPU itself, release order */
	int		want_down;	/* cpuhp: go offline (VCPUOP_down) */
	uint64_t	ticks;		/* timer interrupts taken here */
	uint64_t	next_tick;	/* absolute deadline programmed */
	uint64_t	late_ticks;	/* deadlines found already past */
	uint64_t	loops;		/* the cpu workload's counter */
	uint64_t	irqs;		/* interrupts of any kind */
};

#define PERCPU_STACK_TOP	0
#define PERCPU_HARTID		8

extern struct percpu	cpus[MAX_CPUS];
extern unsigned		ncpus;		/* vCPUs in the device tree */

static inline struct percpu *
this_cpu(void)
{
	struct percpu *c;

	__asm__ ("mv %0, tp" : "=r" (c));
	return c;
}

/* Sets tp for the boot vCPU. */
void		smp_init_boot(uint64_t hartid);
/* Starts every other vCPU named in /cpus and waits for each to come up. */
void		smp_boot(void);
unsigned	smp_online(void);

#endif
