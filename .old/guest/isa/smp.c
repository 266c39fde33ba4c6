/*
 * SMP under SBI firmware (ours, or OpenSBI on QEMU): hart 0 starts every
 * other hart with HSM hart_start, they all hammer shared counters with
 * AMOs and an LR/SC spinlock, then report with IPIs; hart 0 checks the
 * totals, the HSM states and the SBI base calls, and powers off.
 */
#include "guest.h"

#define ITER		2000
#define MAXHART		8

struct sbiret { long error; long value; };

static struct sbiret
sbi(long eid, long fid, long a0, long a1, long a2)
{
	register long r0 __asm__("a0") = a0, r1 __asm__("a1") = a1;
	register long r2 __asm__("a2") = a2, r6 __asm__("a6") = fid;
	register long r7 __asm__("a7") = eid;

	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6),
	    "r"(r7) : "memory");
	return (struct sbiret){ r0, r1 };
}

#define HSM	0x48534dL
#define TIME	0x54494d45L
#define IPI	0x735049L
#define BASE	0x10L

static volatile uint64_t amo_count;
static volatile uint64_t lock_count;
static volatile uint32_t lock;
static volatile uint64_t done_mask;
static volatile unsigned long nharts;

static void
spin_lock(void)
{
	unsigned long tmp, fail;

	__asm__ volatile("1: lr.w %0, (%2)\n bnez %0, 1b\n"
	    "sc.w %1, %3, (%2)\n bnez %1, 1b\n fence rw, rw"
	    : "=&r"(tmp), "=&r"(fail) : "r"(&lock), "r"(1UL) : "memory");
}

static void
spin_unlock(void)
{
	__asm__ volatile("fence rw, rw\n sw zero, 0(%0)" :: "r"(&lock)
	    : "memory");
}

static void
work(unsigned long hartid)
{
	unsigned i;

	for (i = 0; i < ITER; i++) {
		__atomic_fetch_add(&amo_count, 1, __ATOMIC_RELAXED);
		spin_lock();
		lock_count = lock_count + 1;
		spin_unlock();
	}
	__atomic_fetch_or(&done_mask, 1UL << hartid, __ATOMIC_SEQ_CST);
}

void
secondary_entry(unsigned long hartid)
{
	work(hartid);
	sbi(IPI, 0, 1, 0, 0);		/* tell hart 0 */
	sbi(HSM, 1, 0, 0, 0);		/* hart_stop: does not return */
	for (;;)
		;
}

/* HSM starts harts here with a0 = hartid, a1 = opaque (the stack top). */
__asm__(
"	.text\n"
"	.globl hsm_entry\n"
"hsm_entry:\n"
"	.option push\n"
"	.option norelax\n"
"	la	gp, __global_pointer$\n"
"	.option pop\n"
"	mv	sp, a1\n"
"	call	secondary_entry\n"
"1:	j	1b\n");
void hsm_entry(void);
extern char __stacks_end[];

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	struct sbiret r;
	unsigned long h, want = 0, spins;

	(void)fdt;
	r = sbi(BASE, 0, 0, 0, 0);
	CHECK_EQ(r.error, 0);
	CHECK(r.value >= 0x01000000);		/* SBI v1.0 or later */
	CHECK_EQ(sbi(BASE, 3, HSM, 0, 0).value, 1);
	CHECK_EQ(sbi(BASE, 3, 0x0a0000ffL, 0, 0).value, 0);
	CHECK_EQ(sbi(0x0a0000ffL, 0, 0, 0, 0).error, -2);  /* NOT_SUPPORTED */
	for (h = 0; h < MAXHART; h++) {
		r = sbi(HSM, 2, (long)h, 0, 0);
		if (r.error != 0)
			break;
	}
	nharts = h;
	CHECK_EQ(sbi(HSM, 2, (long)hartid, 0, 0).value, 0);	/* started */
	for (h = 0; h < nharts; h++) {
		if (h == hartid)
			continue;
		CHECK_EQ(sbi(HSM, 2, (long)h, 0, 0).value, 1);	/* stopped */
		r = sbi(HSM, 0, (long)h, (long)hsm_entry,
		    (long)(__stacks_end - h * 16384));
		CHECK_EQ(r.error, 0);
		want |= 1UL << h;
	}
	CHECK_EQ(sbi(HSM, 0, (long)hartid, (long)hsm_entry, 0).error, -6);
	work(hartid);
	want |= 1UL << hartid;
	for (spins = 0; done_mask != want && spins < 2000000000UL; spins++)
		__asm__ volatile("nop");
	CHECK_EQ(done_mask, want);
	CHECK_EQ(amo_count, ITER * nharts);
	CHECK_EQ(lock_count, ITER * nharts);
	/* every secondary ends stopped */
	for (h = 0; h < nharts; h++) {
		if (h == hartid)
			continue;
		for (spins = 0; sbi(HSM, 2, (long)h, 0, 0).value != 1 &&
		    spins < 100000000UL; spins++)
			;
		CHECK_EQ(sbi(HSM, 2, (long)h, 0, 0).value, 1);
	}
	/* SBI TIME: the S-mode timer pends STIP, which WFI waits for */
	csr_write(sie, 1UL << 5);
	sbi(TIME, 0, (long)(csr_read(time) + 500000), 0, 0);	/* 50 ms */
	CHECK_EQ(csr_read(sip) & (1UL << 5), 0);
	for (spins = 0; !(csr_read(sip) & (1UL << 5)) && spins < 1000; spins++)
		__asm__ volatile("wfi");
	CHECK_EQ(csr_read(sip) & (1UL << 5), 1UL << 5);
	sbi(TIME, 0, -1L, 0, 0);
	CHECK_EQ(csr_read(sip) & (1UL << 5), 0);
	csr_write(sie, 0);
	gprintf("smp: %lu harts\n", nharts);
	return check_summary("smp");
}
