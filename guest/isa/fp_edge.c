/*
 * F and D edge cases with the answers the ISA manual gives, worked out by
 * hand (unprivileged spec 20191213, chapters 11-12): NaN-boxing, the
 * canonical NaN, signed zeros, subnormals and underflow, overflow in each
 * rounding mode, division by zero, saturating conversions, FMIN/FMAX and
 * comparisons with NaNs, every FCLASS class, FMA's single rounding, RMM
 * ties, and the compressed loads and stores.  Each case checks the result
 * bits and the exact fflags raised.
 */
#include "guest.h"
#include "fpops.h"

#define NX	0x01
#define UF	0x02
#define OF	0x04
#define DZ	0x08
#define NV	0x10

enum { RNE, RTZ, RDN, RUP, RMM };

F3(fmadd_d, "fmadd.d") F3(fnmadd_d, "fnmadd.d") F3(fmsub_s, "fmsub.s")
F2(fadd_s, "fadd.s") F2(fadd_d, "fadd.d") F2(fsub_d, "fsub.d")
F2(fmul_d, "fmul.d") F2(fmul_s, "fmul.s") F2(fdiv_d, "fdiv.d")
F2(fdiv_s, "fdiv.s") F2(fsgnj_s, "fsgnj.s") F2(fsgnjn_d, "fsgnjn.d")
F2(fsgnjx_s, "fsgnjx.s") F2(fmin_d, "fmin.d") F2(fmax_d, "fmax.d")
F2(fmin_s, "fmin.s") F2(fmax_s, "fmax.s")
F1(fsqrt_d, "fsqrt.d", "") F1(fsqrt_s, "fsqrt.s", "")
F1(fcvt_s_d, "fcvt.s.d", "") F1(fcvt_d_s, "fcvt.d.s", "")
X2(feq_d, "feq.d") X2(flt_d, "flt.d") X2(fle_d, "fle.d")
X2(feq_s, "feq.s") X2(flt_s, "flt.s")
X1(fclass_d, "fclass.d", "") X1(fclass_s, "fclass.s", "")
X1(fmv_x_w, "fmv.x.w", "")
X1(fcvt_w_d, "fcvt.w.d", "") X1(fcvt_wu_d, "fcvt.wu.d", "")
X1(fcvt_l_s, "fcvt.l.s", "") X1(fcvt_lu_d, "fcvt.lu.d", "")
X1(fcvt_wu_s, "fcvt.wu.s", "")
I1(fcvt_s_w, "fcvt.s.w", "") I1(fcvt_d_lu, "fcvt.d.lu", "")
I1(fcvt_s_lu, "fcvt.s.lu", "") I1(fmv_w_x, "fmv.w.x", "")

#define S(x)	(0xffffffff00000000UL | (x))
#define DQNAN	0x7ff8000000000000UL
#define SQNAN	S(0x7fc00000UL)
#define DSNAN	0x7ff0000000000001UL
#define DMAX	0x7fefffffffffffffUL
#define DINF	0x7ff0000000000000UL
#define DMIN	0x0010000000000000UL
#define DNEG	0x8000000000000000UL
#define D1	0x3ff0000000000000UL
#define D2	0x4000000000000000UL
#define DHALF	0x3fe0000000000000UL

static const struct ecase {
	const char	*what;
	uint64_t	(*f)(uint64_t, uint64_t, uint64_t);
	uint64_t	 a, b, c;
	unsigned	 rm;
	uint64_t	 want;
	unsigned	 fl;
} cases[] = {
	/* NaN-boxing: a single not boxed reads as the canonical NaN */
	{ "unboxed add", fadd_s, 0x3f800000, S(0x3f800000), 0, RNE, SQNAN, 0 },
	{ "unboxed sgnj", fsgnj_s, 0xfffffffe3f800000UL, S(0xbf800000), 0,
	  RNE, S(0xffc00000), 0 },
	{ "unboxed fclass", fclass_s, 0x7f800000, 0, 0, RNE, 1 << 9, 0 },
	{ "unboxed fcvt.d.s", fcvt_d_s, 0x40000000, 0, 0, RNE, DQNAN, 0 },
	{ "fmv.x.w ignores boxing", fmv_x_w, 0x12345678bf800000UL, 0, 0, RNE,
	  0xffffffffbf800000UL, 0 },
	{ "fmv.w.x boxes", fmv_w_x, 0x123456783f800000UL, 0, 0, RNE,
	  S(0x3f800000), 0 },
	{ "boxed result", fadd_s, S(0x3f800000), S(0x3f800000), 0, RNE,
	  S(0x40000000), 0 },
	/* canonical NaN results, NV only for signalling operands */
	{ "sNaN + 1", fadd_d, DSNAN, D1, 0, RNE, DQNAN, NV },
	{ "-qNaN payload + 1", fadd_d, 0xfff8000000000123UL, D1, 0, RNE,
	  DQNAN, 0 },
	{ "sqrt(-1)", fsqrt_d, 0xbff0000000000000UL, 0, 0, RNE, DQNAN, NV },
	{ "0 / 0", fdiv_d, 0, 0, 0, RNE, DQNAN, NV },
	{ "inf - inf", fsub_d, DINF, DINF, 0, RNE, DQNAN, NV },
	{ "0 * inf single", fmul_s, S(0), S(0x7f800000), 0, RNE, SQNAN, NV },
	{ "fma inf*0 + qNaN", fmadd_d, DINF, 0, DQNAN, RNE, DQNAN, NV },
	{ "fcvt.s.d sNaN", fcvt_s_d, DSNAN, 0, 0, RNE, SQNAN, NV },
	/* signed zeros */
	{ "-0 + 0", fadd_d, DNEG, 0, 0, RNE, 0, 0 },
	{ "-0 + 0 rdn", fadd_d, DNEG, 0, 0, RDN, DNEG, 0 },
	{ "-0 + -0", fadd_d, DNEG, DNEG, 0, RNE, DNEG, 0 },
	{ "1 - 1", fsub_d, D1, D1, 0, RNE, 0, 0 },
	{ "1 - 1 rdn", fsub_d, D1, D1, 0, RDN, DNEG, 0 },
	{ "sqrt(-0)", fsqrt_d, DNEG, 0, 0, RNE, DNEG, 0 },
	{ "-0 * 5", fmul_d, DNEG, 0x4014000000000000UL, 0, RNE, DNEG, 0 },
	{ "1 / -inf", fdiv_d, D1, DINF | DNEG, 0, RNE, DNEG, 0 },
	{ "fnmadd 0*1 + 0", fnmadd_d, 0, D1, 0, RNE, DNEG, 0 },
	{ "fmin -0 +0", fmin_d, 0, DNEG, 0, RNE, DNEG, 0 },
	{ "fmax -0 +0", fmax_d, DNEG, 0, 0, RNE, 0, 0 },
	{ "fsgnjn", fsgnjn_d, D1, D1, 0, RNE, 0xbff0000000000000UL, 0 },
	{ "fsgnjx", fsgnjx_s, S(0xbf800000), S(0x80000000), 0, RNE,
	  S(0x3f800000), 0 },
	/* subnormals and underflow (tininess after rounding) */
	{ "min normal / 2", fmul_d, DMIN, DHALF, 0, RNE, 0x0008000000000000UL,
	  0 },
	{ "min subnormal / 2", fmul_d, 1, DHALF, 0, RNE, 0, UF | NX },
	{ "min subnormal / 2 rup", fmul_d, 1, DHALF, 0, RUP, 1, UF | NX },
	{ "min subnormal * 0.75", fmul_d, 1, 0x3fe8000000000000UL, 0, RNE, 1,
	  UF | NX },
	/*
	 * Tininess after rounding: (1 - 2^-53) * min normal is tiny at 53
	 * bits and rounds (a tie, to even) to min normal: UF.  min normal -
	 * 2^-1076 rounds to min normal at 53 bits too (a tie as well):
	 * not tiny, no UF.
	 */
	{ "tiny, rounds to min normal", fmul_d, 0x3fefffffffffffffUL, DMIN, 0,
	  RNE, DMIN, UF | NX },
	{ "not tiny after rounding", fmadd_d, 0x8000000000000001UL,
	  0x3fd0000000000000UL, DMIN, RNE, DMIN, NX },
	{ "subnormal + subnormal", fadd_d, 1, 1, 0, RNE, 2, 0 },
	{ "single subnormal from double", fcvt_s_d, 0x3800000000000000UL, 0, 0,
	  RNE, S(0x00400000), 0 },
	{ "2^-150 to single: tie to 0", fcvt_s_d, 0x3690000000000000UL, 0, 0,
	  RNE, S(0), UF | NX },
	{ "single underflow", fdiv_s, S(0x00800000), S(0x4b000000), 0, RNE,
	  S(0x00000001), 0 },
	{ "single underflow inexact", fdiv_s, S(0x00800000), S(0x4b400000), 0,
	  RNE, S(0x00000001), UF | NX },
	/* overflow in every mode */
	{ "max * 2", fmul_d, DMAX, D2, 0, RNE, DINF, OF | NX },
	{ "max * 2 rtz", fmul_d, DMAX, D2, 0, RTZ, DMAX, OF | NX },
	{ "max * 2 rdn", fmul_d, DMAX, D2, 0, RDN, DMAX, OF | NX },
	{ "max * 2 rup", fmul_d, DMAX, D2, 0, RUP, DINF, OF | NX },
	{ "-max * 2 rup", fmul_d, DMAX | DNEG, D2, 0, RUP, DMAX | DNEG,
	  OF | NX },
	{ "-max * 2 rdn", fmul_d, DMAX | DNEG, D2, 0, RDN, DINF | DNEG,
	  OF | NX },
	{ "max * 2 rmm", fmul_d, DMAX, D2, 0, RMM, DINF, OF | NX },
	{ "max + max/2^53 (exact overflow tie)", fadd_d, DMAX,
	  0x7c90000000000000UL, 0, RNE, DINF, OF | NX },
	/* division by zero */
	{ "1 / 0", fdiv_d, D1, 0, 0, RNE, DINF, DZ },
	{ "-1 / 0", fdiv_d, D1 | DNEG, 0, 0, RNE, DINF | DNEG, DZ },
	{ "1 / -0 single", fdiv_s, S(0x3f800000), S(0x80000000), 0, RNE,
	  S(0xff800000), DZ },
	{ "inf / 0", fdiv_d, DINF, 0, 0, RNE, DINF, 0 },
	/* conversions saturate; NV without NX */
	{ "fcvt.w.d NaN", fcvt_w_d, DQNAN, 0, 0, RNE, 0x7fffffff, NV },
	{ "fcvt.w.d -inf", fcvt_w_d, DINF | DNEG, 0, 0, RNE,
	  0xffffffff80000000UL, NV },
	{ "fcvt.w.d 2^31", fcvt_w_d, 0x41e0000000000000UL, 0, 0, RNE,
	  0x7fffffff, NV },
	{ "fcvt.w.d -2^31-0.5 rtz", fcvt_w_d, 0xc1e0000000100000UL, 0, 0, RTZ,
	  0xffffffff80000000UL, NX },
	{ "fcvt.wu.d -1", fcvt_wu_d, 0xbff0000000000000UL, 0, 0, RNE, 0, NV },
	{ "fcvt.wu.d -0.5", fcvt_wu_d, 0xbfe0000000000000UL, 0, 0, RNE, 0, NX },
	{ "fcvt.wu.d 2^32-1", fcvt_wu_d, 0x41efffffffe00000UL, 0, 0, RNE,
	  0xffffffffffffffffUL, 0 },
	{ "fcvt.wu.s NaN", fcvt_wu_s, SQNAN, 0, 0, RNE, 0xffffffffffffffffUL,
	  NV },
	{ "fcvt.l.s inf", fcvt_l_s, S(0x7f800000), 0, 0, RNE,
	  0x7fffffffffffffffUL, NV },
	{ "fcvt.l.s -2^63", fcvt_l_s, S(0xdf000000), 0, 0, RNE,
	  0x8000000000000000UL, 0 },
	{ "fcvt.lu.d 2^64", fcvt_lu_d, 0x43f0000000000000UL, 0, 0, RNE,
	  0xffffffffffffffffUL, NV },
	{ "fcvt.lu.d 2^63", fcvt_lu_d, 0x43e0000000000000UL, 0, 0, RNE,
	  0x8000000000000000UL, 0 },
	{ "fcvt.w.d 2.5 rne", fcvt_w_d, 0x4004000000000000UL, 0, 0, RNE, 2,
	  NX },
	{ "fcvt.w.d 2.5 rmm", fcvt_w_d, 0x4004000000000000UL, 0, 0, RMM, 3,
	  NX },
	{ "fcvt.w.d -2.5 rmm", fcvt_w_d, 0xc004000000000000UL, 0, 0, RMM,
	  (uint64_t)-3L, NX },
	{ "fcvt.w.d -2.5 rdn", fcvt_w_d, 0xc004000000000000UL, 0, 0, RDN,
	  (uint64_t)-3L, NX },
	{ "fcvt.w.d -2.5 rup", fcvt_w_d, 0xc004000000000000UL, 0, 0, RUP,
	  (uint64_t)-2L, NX },
	{ "fcvt.s.w 2^24+1", fcvt_s_w, 0x1000001, 0, 0, RNE, S(0x4b800000),
	  NX },
	{ "fcvt.s.w 2^24+1 rmm", fcvt_s_w, 0x1000001, 0, 0, RMM,
	  S(0x4b800001), NX },
	{ "fcvt.s.w 2^24+3 rne", fcvt_s_w, 0x1000003, 0, 0, RNE, S(0x4b800002),
	  NX },
	{ "fcvt.s.w uses 32 bits", fcvt_s_w, 0xffffffff00000001UL, 0, 0, RNE,
	  S(0x3f800000), 0 },
	{ "fcvt.s.lu 2^64-1", fcvt_s_lu, ~0UL, 0, 0, RNE, S(0x5f800000), NX },
	{ "fcvt.d.lu 2^64-1 rtz", fcvt_d_lu, ~0UL, 0, 0, RTZ,
	  0x43efffffffffffffUL, NX },
	/* FMIN/FMAX, comparisons */
	{ "fmin sNaN 1", fmin_d, DSNAN, D1, 0, RNE, D1, NV },
	{ "fmax 1 qNaN", fmax_d, D1, DQNAN, 0, RNE, D1, 0 },
	{ "fmax qNaN qNaN", fmax_d, DQNAN | 5, DQNAN, 0, RNE, DQNAN, 0 },
	{ "fmin.s qNaN -1", fmin_s, SQNAN, S(0xbf800000), 0, RNE,
	  S(0xbf800000), 0 },
	{ "fmax.s -inf -max", fmax_s, S(0xff800000), S(0xff7fffff), 0, RNE,
	  S(0xff7fffff), 0 },
	{ "feq qNaN", feq_d, DQNAN, DQNAN, 0, RNE, 0, 0 },
	{ "feq sNaN", feq_d, DSNAN, D1, 0, RNE, 0, NV },
	{ "flt qNaN", flt_d, DQNAN, D1, 0, RNE, 0, NV },
	{ "fle qNaN", fle_d, D1, DQNAN, 0, RNE, 0, NV },
	{ "feq -0 +0", feq_d, DNEG, 0, 0, RNE, 1, 0 },
	{ "flt -0 +0", flt_d, DNEG, 0, 0, RNE, 0, 0 },
	{ "fle -0 +0", fle_d, DNEG, 0, 0, RNE, 1, 0 },
	{ "flt -2 -1", flt_d, 0xc000000000000000UL, 0xbff0000000000000UL, 0,
	  RNE, 1, 0 },
	{ "feq.s unboxed", feq_s, 0x3f800000, 0x3f800000, 0, RNE, 0, 0 },
	{ "flt.s -inf inf", flt_s, S(0xff800000), S(0x7f800000), 0, RNE, 1,
	  0 },
	/* FMA rounds once: (1 + 2^-52)(1 - 2^-53) - 1 = 2^-53 - 2^-105 */
	{ "fma exact", fmadd_d, 0x3ff0000000000001UL, 0x3fefffffffffffffUL,
	  0xbff0000000000000UL, RNE, 0x3c9ffffffffffffeUL, 0 },
	{ "fmul alone rounds to 1", fmul_d, 0x3ff0000000000001UL,
	  0x3fefffffffffffffUL, 0, RNE, D1, NX },
	{ "fmsub.s single rounding", fmsub_s, S(0x3f800001), S(0x3f800001),
	  S(0x3f800002), RNE, S(0x28800000), 0 },
	/* RMM ties */
	{ "1 + 2^-53 rmm", fadd_d, D1, 0x3ca0000000000000UL, 0, RMM,
	  0x3ff0000000000001UL, NX },
	{ "1 + 2^-53 rne", fadd_d, D1, 0x3ca0000000000000UL, 0, RNE, D1, NX },
	{ "sqrt 2 rup", fsqrt_d, D2, 0, 0, RUP, 0x3ff6a09e667f3bcdUL, NX },
	{ "sqrt 2 rdn", fsqrt_d, D2, 0, 0, RDN, 0x3ff6a09e667f3bccUL, NX },
	{ "sqrt.s 4", fsqrt_s, S(0x40800000), 0, 0, RNE, S(0x40000000), 0 },
	{ "1/3 rtz", fdiv_d, D1, 0x4008000000000000UL, 0, RTZ,
	  0x3fd5555555555555UL, NX },
	{ "1/3 rup", fdiv_d, D1, 0x4008000000000000UL, 0, RUP,
	  0x3fd5555555555556UL, NX },
};

/* FCLASS: one value per class, both formats. */
static const uint64_t dclass[10] = {
	0xfff0000000000000UL, 0xbff0000000000000UL, 0x800fffffffffffffUL,
	0x8000000000000000UL, 0, 1, D1, DINF, DSNAN, DQNAN,
};
static const uint64_t sclass[10] = {
	S(0xff800000), S(0xbf800000), S(0x807fffff), S(0x80000000), S(0),
	S(1), S(0x3f800000), S(0x7f800000), S(0x7f800001), S(0x7fc00000),
};

/* C.FLD, C.FSD, C.FLDSP and C.FSDSP move the bits unchanged. */
static void
compressed(void)
{
	static uint64_t src[2] = { 0x0123456789abcdefUL, 0xfedcba9876543210UL };
	static uint64_t dst[4];
	unsigned long save;

	__asm__ volatile(".option arch, +c\n"
	    "mv a5, %0\n mv a4, %1\n"
	    "c.fld fa0, 0(a5)\n c.fld fa1, 8(a5)\n"
	    "c.fsd fa1, 0(a4)\n c.fsd fa0, 8(a4)\n"
	    :: "r"(src), "r"(dst) : "a4", "a5", "fa0", "fa1", "memory");
	__asm__ volatile(".option arch, +c\n"
	    "mv %0, sp\n mv sp, %1\n"
	    "c.fldsp ft0, 0(sp)\n c.fsdsp ft0, 24(sp)\n"
	    "mv sp, %0\n"
	    : "=&r"(save) : "r"(dst) : "ft0", "memory");
	CHECK_EQ(dst[0], src[1]);
	CHECK_EQ(dst[1], src[0]);
	CHECK_EQ(dst[3], src[1]);
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	size_t i;
	uint64_t r, fl;

	(void)hartid;
	(void)fdt;
	csr_set(mstatus, 1UL << 13);	/* FS = Initial */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ecase *c = &cases[i];

		csr_write(frm, c->rm);
		take_flags(0);
		r = c->f(c->a, c->b, c->c);
		fl = take_flags(0);
		if (r != c->want || fl != c->fl)
			gprintf("FAIL %s: %lx flags %lx, want %lx flags %x\n",
			    c->what, r, fl, c->want, c->fl);
		CHECK_EQ(r, c->want);
		CHECK_EQ(fl, c->fl);
	}
	csr_write(frm, 0);
	for (i = 0; i < 10; i++) {
		CHECK_EQ(fclass_d(dclass[i], 0, 0), 1UL << i);
		CHECK_EQ(fclass_s(sclass[i], 0, 0), 1UL << i);
	}
	CHECK_EQ(take_flags(0), 0);	/* FCLASS raises nothing */
	compressed();
	return check_summary("fp_edge");
}
