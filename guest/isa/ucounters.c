/*
 * Zicntr from U-mode under SBI firmware (ours, or OpenSBI on QEMU): the
 * state an SBI firmware hands its S-mode payload lets user mode read
 * cycle, time and instret (OpenSBI writes mcounteren and scounteren = 7;
 * Linux 6.1 never writes scounteren, and its vDSO's clock_gettime runs
 * `rdtime` in user mode: BusyBox ping died of SIGILL there).  Then each
 * scounteren bit gates its counter: clear, the U-mode read is an illegal
 * instruction trapping to S with the instruction bits in stval -- except
 * that OpenSBI keeps illegal-instruction traps in M-mode (its medeleg
 * lacks bit 2) and emulates a `time` read there, so with TM clear the
 * read either traps to S or returns the right time.
 */
#include "guest.h"

/* what the U-mode snippets store, and the trap that ended them */
static volatile uint64_t u_out[4];
static volatile unsigned long u_stval;

/*
 * urun(entry, out): sret to U-mode at entry with a1 = out; the snippet
 * ends with ECALL (or an illegal-instruction trap), which comes back
 * here through stvec.  Returns scause.  The snippets use t0-t2 only.
 */
unsigned long urun(void (*entry)(void), volatile uint64_t *out);
__asm__(
"	.option arch, +zicsr\n"
"	.text\n"
"	.globl urun\n"
"urun:\n"
"	csrr	t2, stvec\n"
"	la	t0, 1f\n"
"	csrw	stvec, t0\n"
"	csrw	sepc, a0\n"
"	li	t0, 0x100\n"		/* SPP = U */
"	csrc	sstatus, t0\n"
"	sret\n"
"	.balign 4\n"
"1:	csrw	stvec, t2\n"
"	la	t0, u_stval\n"
"	csrr	t1, stval\n"
"	sd	t1, 0(t0)\n"
"	csrr	a0, scause\n"
"	ret\n"
"	.globl u_all, u_cycle, u_time, u_instret\n"
"u_all:\n"
"	rdcycle	t0\n"
"	sd	t0, 0(a1)\n"
"	rdtime	t0\n"
"	sd	t0, 8(a1)\n"
"	rdinstret t0\n"
"	rdinstret t1\n"
"	sd	t0, 16(a1)\n"
"	sd	t1, 24(a1)\n"
"	ecall\n"
"u_cycle:\n"
"	rdcycle	t0\n"
"	ecall\n"
"u_time:\n"
"	rdtime	t0\n"
"	sd	t0, 8(a1)\n"
"	ecall\n"
"u_instret:\n"
"	rdinstret t0\n"
"	ecall\n");
void u_all(void), u_cycle(void), u_time(void), u_instret(void);

#define SCAUSE_ILLEGAL	2
#define SCAUSE_ECALL_U	8

/* csrrs t0, CSR, x0 (rdcycle/rdtime/rdinstret t0) */
#define RD_T0(csr)	(((uint32_t)(csr) << 20) | (2u << 12) | (5u << 7) | 0x73u)

static const struct {
	void		(*entry)(void);
	unsigned	 bit;		/* in scounteren */
	uint32_t	 insn;
} gated[] = {
	{ u_cycle, 0, RD_T0(0xc00) },
	{ u_time, 1, RD_T0(0xc01) },
	{ u_instret, 2, RD_T0(0xc02) },
};

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	unsigned long cause, en;
	uint64_t t0;
	unsigned i;

	(void)hartid;
	(void)fdt;
	/* as the firmware left it: all three readable from U-mode */
	en = csr_read(scounteren);
	CHECK_EQ(en & 7, 7);
	t0 = csr_read(time);
	cause = urun(u_all, u_out);
	CHECK_EQ(cause, SCAUSE_ECALL_U);
	if (cause != SCAUSE_ECALL_U)
		gprintf("ucounters: U-mode trap %lu, stval 0x%lx\n", cause,
		    u_stval);
	CHECK(u_out[0] != 0);			/* cycle */
	CHECK(u_out[1] >= t0);			/* time runs forward */
	CHECK_EQ(u_out[3] - u_out[2], 1);	/* one instruction apart */

	/* each scounteren bit gates its counter, and only that one */
	for (i = 0; i < sizeof(gated) / sizeof(gated[0]); i++) {
		unsigned j;

		csr_write(scounteren, en & ~(1UL << gated[i].bit));
		for (j = 0; j < sizeof(gated) / sizeof(gated[0]); j++) {
			u_stval = 0;
			u_out[1] = 0;
			t0 = csr_read(time);
			cause = urun(gated[j].entry, u_out);
			if (i == j && gated[j].bit == 1 &&
			    cause == SCAUSE_ECALL_U) {
				/* emulated by M-mode firmware */
				CHECK(u_out[1] >= t0);
				CHECK(u_out[1] <= csr_read(time));
			} else if (i == j) {
				CHECK_EQ(cause, SCAUSE_ILLEGAL);
				CHECK_EQ(u_stval, gated[j].insn);
			} else {
				CHECK_EQ(cause, SCAUSE_ECALL_U);
			}
		}
	}
	csr_write(scounteren, en);
	CHECK_EQ(urun(u_time, u_out), SCAUSE_ECALL_U);
	return check_summary("ucounters");
}
