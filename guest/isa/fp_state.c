/*
 * The F and D state (privileged spec 3.1.6.6, unprivileged 11.2): misa,
 * mstatus.FS Off/Initial/Clean/Dirty and SD, the illegal-instruction trap
 * of every kind of F/D instruction (compressed ones and the fcsr CSRs
 * included) while FS is Off, with the instruction in mtval, fcsr's
 * fields, reserved rounding modes, and the sstatus view.  The trap
 * handler is assembly that touches no F state, since it must run while
 * FS is Off.
 */
#include "guest.h"

#define FS_SHIFT	13
#define FS_MASK		(3UL << FS_SHIFT)
#define FS_OFF		0UL
#define FS_INITIAL	1UL
#define FS_CLEAN	2UL
#define FS_DIRTY	3UL
#define SD		(1UL << 63)

/* filled by fp_mtrap: t1, t2 save, cause, tval, epc, count */
volatile unsigned long ftrap[6];

__asm__(
"	.option arch, +zicsr\n"
"	.text\n"
"	.balign 4\n"
"fp_mtrap:\n"
"	csrrw	t0, mscratch, t0\n"
"	sd	t1, 0(t0)\n"
"	sd	t2, 8(t0)\n"
"	csrr	t1, mcause\n"
"	sd	t1, 16(t0)\n"
"	csrr	t1, mtval\n"
"	sd	t1, 24(t0)\n"
"	csrr	t1, mepc\n"
"	sd	t1, 32(t0)\n"
"	ld	t2, 40(t0)\n"
"	addi	t2, t2, 1\n"
"	sd	t2, 40(t0)\n"
"	lhu	t2, 0(t1)\n"
"	andi	t2, t2, 3\n"
"	addi	t1, t1, 2\n"
"	xori	t2, t2, 3\n"
"	bnez	t2, 1f\n"
"	addi	t1, t1, 2\n"
"1:	csrw	mepc, t1\n"
"	ld	t1, 0(t0)\n"
"	ld	t2, 8(t0)\n"
"	csrrw	t0, mscratch, t0\n"
"	mret\n");
extern char fp_mtrap[];

static unsigned long
fs(void)
{
	return (csr_read(mstatus) & FS_MASK) >> FS_SHIFT;
}

static void
set_fs(unsigned long v)
{
	csr_clear(mstatus, FS_MASK);
	csr_set(mstatus, v << FS_SHIFT);
}

static void
clear(void)
{
	ftrap[2] = ftrap[3] = ftrap[4] = ftrap[5] = 0;
}

/* The instruction at epc, 16 or 32 bits, as the trap's tval must hold it. */
static unsigned long
insn_at(unsigned long epc)
{
	uint16_t lo = *(volatile uint16_t *)epc;

	if ((lo & 3) != 3)
		return lo;
	return lo | (unsigned long)*(volatile uint16_t *)(epc + 2) << 16;
}

#define EXPECT_ILLEGAL(what) do {					\
	CHECK_EQ(ftrap[5], 1);						\
	CHECK_EQ(ftrap[2], 2);						\
	CHECK_EQ(ftrap[3], insn_at(ftrap[4]));				\
	if (ftrap[5] != 1 || ftrap[2] != 2)				\
		gprintf("  (%s)\n", what);				\
	clear();							\
} while (0)

/* Every kind of F/D instruction traps while FS is Off. */
static void
off_traps(void)
{
	static double mem[4];
	unsigned long r, n = 0, sp_save;

	set_fs(FS_OFF);
	CHECK_EQ(fs(), FS_OFF);
	clear();
#define T(asmtext) do {							\
	__asm__ volatile(".option arch, +d, +c\n" asmtext		\
	    :: "r"(mem) : "memory", "t0", "a5");			\
	EXPECT_ILLEGAL(asmtext);					\
	n++;								\
} while (0)
	T("flw ft0, 0(%0)");
	T("fld ft0, 0(%0)");
	T("fsw ft0, 0(%0)");
	T("fsd ft0, 8(%0)");
	T("fadd.s ft0, ft1, ft2");
	T("fadd.d ft0, ft1, ft2");
	T("fmadd.d ft0, ft1, ft2, ft3");
	T("fnmsub.s ft0, ft1, ft2, ft3");
	T("fsqrt.d ft0, ft1");
	T("fsgnj.d ft0, ft1, ft2");
	T("fmin.s ft0, ft1, ft2");
	T("fcvt.s.d ft0, ft1");
	T("fmv.d.x ft0, zero");
	T("fmv.w.x ft0, zero");
	T("fcvt.d.w ft0, zero");
	T("fmv.x.d t0, ft0");
	T("feq.d t0, ft0, ft1");
	T("fclass.s t0, ft0");
	T("fcvt.l.d t0, ft0, rtz");
	/* the compressed D forms (c.fld rd', c.fsd rs2' use fs0/fs1) */
	__asm__ volatile("mv %0, sp\n mv sp, %1\n"
	    ".option arch, +d, +c\n"
	    "c.fldsp fs0, 0(sp)\n c.fsdsp fs0, 8(sp)\n mv sp, %0"
	    : "=&r"(sp_save) : "r"(mem) : "memory");
	CHECK_EQ(ftrap[5], 2);
	CHECK_EQ(ftrap[2], 2);
	CHECK_EQ(ftrap[3], insn_at(ftrap[4]));
	CHECK_EQ(ftrap[3] & 3, 2);	/* a 16-bit encoding */
	clear();
	T("mv a5, %0\n c.fld fs0, 0(a5)");
	T("mv a5, %0\n c.fsd fs1, 8(a5)");
	/* and the CSRs of the F state */
	T("csrr t0, fflags");
	T("csrw frm, zero");
	T("csrrs t0, fcsr, zero");
#undef T
	gprintf("FS Off: %lu kinds trapped\n", n + 2);
	/* the fcsr CSRs are not written by a trapping access */
	set_fs(FS_INITIAL);
	__asm__ volatile("csrr %0, fcsr" : "=r"(r));
	CHECK_EQ(r, 0);
}

/* Initial -> Dirty on a write, Clean stays Clean on reads, SD follows. */
static void
transitions(void)
{
	unsigned long r;

	set_fs(FS_INITIAL);
	CHECK_EQ(fs(), FS_INITIAL);
	CHECK_EQ(csr_read(mstatus) & SD, 0);
	__asm__ volatile("fmv.d.x ft0, zero\n fadd.d ft1, ft0, ft0" ::: "ft0",
	    "ft1");
	CHECK_EQ(fs(), FS_DIRTY);
	CHECK_EQ(csr_read(mstatus) & SD, SD);
	CHECK_EQ(csr_read(sstatus) & SD, SD);
	CHECK_EQ((csr_read(sstatus) & FS_MASK) >> FS_SHIFT, FS_DIRTY);

	/* neither a store, an FMV.X, FCLASS nor a flag-free compare writes */
	set_fs(FS_CLEAN);
	CHECK_EQ(csr_read(mstatus) & SD, 0);
	{
		static double d;

		__asm__ volatile("fsd ft1, %0" : "=m"(d));
		__asm__ volatile("fmv.x.d %0, ft1" : "=r"(r));
		__asm__ volatile("fclass.d %0, ft1" : "=r"(r));
		__asm__ volatile("feq.d %0, ft1, ft1" : "=r"(r));
		CHECK_EQ(r, 1);
		CHECK_EQ(fs(), FS_CLEAN);
	}
	/* a CSR write to the F state does */
	__asm__ volatile("csrw fflags, zero");
	CHECK_EQ(fs(), FS_DIRTY);
	set_fs(FS_CLEAN);
	__asm__ volatile("csrwi frm, 0");
	CHECK_EQ(fs(), FS_DIRTY);
	/* a load does */
	set_fs(FS_CLEAN);
	{
		static double d = 1.0;

		__asm__ volatile("fld ft2, %0" :: "m"(d));
	}
	CHECK_EQ(fs(), FS_DIRTY);

	/* sstatus writes FS too */
	csr_clear(sstatus, FS_MASK);
	CHECK_EQ(fs(), FS_OFF);
	csr_set(sstatus, FS_CLEAN << FS_SHIFT);
	CHECK_EQ(fs(), FS_CLEAN);

	/* turning the unit Off keeps the registers */
	__asm__ volatile("li t0, 0x1234\n fmv.d.x ft3, t0" ::: "t0", "ft3");
	set_fs(FS_OFF);
	set_fs(FS_INITIAL);
	__asm__ volatile("fmv.x.d %0, ft3" : "=r"(r));
	CHECK_EQ(r, 0x1234);
}

/* fcsr = frm << 5 | fflags; reserved bits read as zero. */
static void
fcsr_fields(void)
{
	unsigned long r;

	set_fs(FS_DIRTY);
	__asm__ volatile("csrw fcsr, %0" :: "r"(~0UL));
	__asm__ volatile("csrr %0, fcsr" : "=r"(r));
	CHECK_EQ(r, 0xff);
	__asm__ volatile("csrr %0, fflags" : "=r"(r));
	CHECK_EQ(r, 0x1f);
	__asm__ volatile("csrr %0, frm" : "=r"(r));
	CHECK_EQ(r, 7);
	__asm__ volatile("csrw frm, %0" :: "r"(0x2aUL));
	__asm__ volatile("csrr %0, fcsr" : "=r"(r));
	CHECK_EQ(r, (2 << 5) | 0x1f);
	__asm__ volatile("csrrci %0, fflags, 0x15" : "=r"(r));
	CHECK_EQ(r, 0x1f);
	__asm__ volatile("csrr %0, fflags" : "=r"(r));
	CHECK_EQ(r, 0x0a);
	__asm__ volatile("fsflags %0, zero" : "=r"(r));
	CHECK_EQ(r, 0x0a);
	__asm__ volatile("frflags %0" : "=r"(r));
	CHECK_EQ(r, 0);
}

/* A reserved rounding mode, static or through frm, is illegal (11.2). */
static void
reserved_rm(void)
{
	unsigned long r, before, after;

	set_fs(FS_DIRTY);
	clear();
	__asm__ volatile("li t0, 0x4000000000000000\n fmv.d.x ft0, t0\n"
	    "fmv.x.d %0, ft0" : "=r"(before) :: "t0", "ft0");
	__asm__ volatile("csrwi frm, 5");
	__asm__ volatile("fadd.d ft0, ft0, ft0" ::: "ft0");	/* dyn, frm 5 */
	EXPECT_ILLEGAL("dyn rm 5");
	__asm__ volatile("csrwi frm, 7");
	__asm__ volatile("fcvt.w.d t0, ft0" ::: "t0");
	EXPECT_ILLEGAL("dyn rm 7");
	__asm__ volatile("csrwi frm, 4");
	__asm__ volatile("fadd.d ft0, ft0, ft0" ::: "ft0");
	CHECK_EQ(ftrap[5], 0);
	__asm__ volatile("fmv.x.d %0, ft0" : "=r"(after));
	CHECK_EQ(after, 0x4010000000000000UL);	/* 2 + 2 */
	/* static rm 5 and 6: fadd.d ft0,ft0,ft0 with rm = 101, 110 */
	__asm__ volatile(".word 0x02005053");
	EXPECT_ILLEGAL("static rm 5");
	__asm__ volatile(".word 0x02006053");
	EXPECT_ILLEGAL("static rm 6");
	/* FCVT.D.S has an rm field too */
	__asm__ volatile(".word 0x42005053");
	EXPECT_ILLEGAL("fcvt.d.s rm 5");
	__asm__ volatile("fmv.x.d %0, ft0" : "=r"(r));
	CHECK_EQ(r, after);	/* no trapping instruction wrote ft0 */
	__asm__ volatile("csrwi frm, 0");
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	unsigned long misa = csr_read(misa);

	(void)hartid;
	(void)fdt;
	csr_write(mscratch, (unsigned long)ftrap);
	csr_write(mtvec, (unsigned long)fp_mtrap);
	/* misa: RV64 with A C D F I M S U (QEMU has H besides) */
	CHECK_EQ(misa >> 62, 2);
	CHECK_EQ(misa & 0x14112d, 0x14112d);
	gprintf("mstatus.FS at reset: %lu\n", fs());
	off_traps();
	transitions();
	fcsr_fields();
	reserved_rm();
	return check_summary("fp_state");
}
