/*
 * Every F and D instruction over tables of operands chosen for their edge
 * cases (signed zeros, subnormals, the largest and smallest normals,
 * infinities, quiet and signalling NaNs, improperly NaN-boxed singles,
 * ties, integer limits), in all five rounding modes through frm, and the
 * rounding-mode field itself in its static forms.  A sixth pass runs RNE
 * with NX already set, the case where our core uses the host FPU.  Each operation prints
 * one line: a hash of every result's bits and the fflags it raised.
 * diff_qemu.py compares the lines with QEMU's; -DVERBOSE prints every
 * result instead, to find a difference.  At the end, a hash of f0-f31 and
 * fcsr, the final state.
 */
#include "guest.h"
#include "fpops.h"

static const uint64_t dv[] = {
	0x0000000000000000, 0x8000000000000000,	/* +-0 */
	0x3ff0000000000000, 0xbff0000000000000,	/* +-1 */
	0x3ff8000000000000, 0x4004000000000000,	/* 1.5, 2.5: ties */
	0xc00c000000000000, 0x3fe0000000000000,	/* -3.5, 0.5 */
	0x3fd5555555555555, 0x400921fb54442d18,	/* 1/3, pi */
	0x3ff0000000000001, 0x3cb0000000000000,	/* 1 + ulp, 2^-52 */
	0x3ca0000000000000, 0x0000000000000001,	/* 2^-53, min subnormal */
	0x800fffffffffffff, 0x0010000000000000,	/* -max subnormal, min normal */
	0x0010000000000001, 0x7fefffffffffffff,	/* min normal + ulp, max */
	0xffefffffffffffff, 0x7ff0000000000000,	/* -max, inf */
	0xfff0000000000000, 0x7ff8000000000000,	/* -inf, qNaN */
	0x7ff4000000000000, 0xfff8000000000001,	/* sNaN, -qNaN with payload */
	0x43e0000000000000, 0xc1e0000000000000,	/* 2^63, -2^31 */
	0x41dfffffffc00000, 0x41effffffffe0000,	/* 2^31 - 1, ~2^32 */
	0x4340000000000001, 0x1ff0000000000000,	/* 2^54 + 2, 2^-512 */
	0x5fe0000000000000, 0x36a0000000000000,	/* 2^511, ~FLT_MIN */
	0x47efffffe0000000, 0x3690000000000000,	/* FLT_MAX, FLT_MIN / 2 */
};
#define ND	(sizeof(dv) / sizeof(dv[0]))

#define B(x)	(0xffffffff00000000 | (x))
static const uint64_t sv[] = {
	B(0x00000000), B(0x80000000), B(0x3f800000), B(0xbf800000),
	B(0x3fc00000), B(0x40200000), B(0xc0600000), B(0x3f000000),
	B(0x3eaaaaab), B(0x40490fdb), B(0x3f800001), B(0x34000000),
	B(0x33800000), B(0x00000001), B(0x807fffff), B(0x00800000),
	B(0x00800001), B(0x7f7fffff), B(0xff7fffff), B(0x7f800000),
	B(0xff800000), B(0x7fc00000), B(0x7fa00000), B(0xffc00001),
	B(0x5f000000), B(0xcf000000), B(0x4effffff), B(0x4f7fffff),
	B(0x1f800000), B(0x5f7fffff),
	/* not NaN-boxed: read as the canonical NaN */
	0x000000003f800000, 0x7fffffff3f800000, 0xfffffffe00000000,
};
#define NS	(sizeof(sv) / sizeof(sv[0]))

static const uint64_t iv[] = {
	0, 1, (uint64_t)-1, 3, (uint64_t)-7, 0x7fffffff, 0x80000000,
	0xffffffff, (uint64_t)-0x80000000L, 0x1000001, 0x1000003,
	0x20000000000001, 0x7fffffffffffffff, 0x8000000000000000,
	0x123456789abcdef1, 0xffffffff00000001, 0xfffffffffffffffe,
	0x00000000ffffff81, 0x7ffffffffffffc00, 0x7ffffffffffffe00,
};
#define NI	(sizeof(iv) / sizeof(iv[0]))

F3(fmadd_s, "fmadd.s") F3(fmsub_s, "fmsub.s")
F3(fnmsub_s, "fnmsub.s") F3(fnmadd_s, "fnmadd.s")
F3(fmadd_d, "fmadd.d") F3(fmsub_d, "fmsub.d")
F3(fnmsub_d, "fnmsub.d") F3(fnmadd_d, "fnmadd.d")
F2(fadd_s, "fadd.s") F2(fsub_s, "fsub.s") F2(fmul_s, "fmul.s")
F2(fdiv_s, "fdiv.s") F2(fsgnj_s, "fsgnj.s") F2(fsgnjn_s, "fsgnjn.s")
F2(fsgnjx_s, "fsgnjx.s") F2(fmin_s, "fmin.s") F2(fmax_s, "fmax.s")
F2(fadd_d, "fadd.d") F2(fsub_d, "fsub.d") F2(fmul_d, "fmul.d")
F2(fdiv_d, "fdiv.d") F2(fsgnj_d, "fsgnj.d") F2(fsgnjn_d, "fsgnjn.d")
F2(fsgnjx_d, "fsgnjx.d") F2(fmin_d, "fmin.d") F2(fmax_d, "fmax.d")
F1(fsqrt_s, "fsqrt.s", "") F1(fsqrt_d, "fsqrt.d", "")
F1(fcvt_s_d, "fcvt.s.d", "") F1(fcvt_d_s, "fcvt.d.s", "")
X2(feq_s, "feq.s") X2(flt_s, "flt.s") X2(fle_s, "fle.s")
X2(feq_d, "feq.d") X2(flt_d, "flt.d") X2(fle_d, "fle.d")
X1(fclass_s, "fclass.s", "") X1(fclass_d, "fclass.d", "")
X1(fmv_x_w, "fmv.x.w", "") X1(fmv_x_d, "fmv.x.d", "")
X1(fcvt_w_s, "fcvt.w.s", "") X1(fcvt_wu_s, "fcvt.wu.s", "")
X1(fcvt_l_s, "fcvt.l.s", "") X1(fcvt_lu_s, "fcvt.lu.s", "")
X1(fcvt_w_d, "fcvt.w.d", "") X1(fcvt_wu_d, "fcvt.wu.d", "")
X1(fcvt_l_d, "fcvt.l.d", "") X1(fcvt_lu_d, "fcvt.lu.d", "")
I1(fcvt_s_w, "fcvt.s.w", "") I1(fcvt_s_wu, "fcvt.s.wu", "")
I1(fcvt_s_l, "fcvt.s.l", "") I1(fcvt_s_lu, "fcvt.s.lu", "")
I1(fcvt_d_w, "fcvt.d.w", "") I1(fcvt_d_wu, "fcvt.d.wu", "")
I1(fcvt_d_l, "fcvt.d.l", "") I1(fcvt_d_lu, "fcvt.d.lu", "")
I1(fmv_w_x, "fmv.w.x", "") I1(fmv_d_x, "fmv.d.x", "")
/* static rounding modes: these ignore frm */
F2R(fmul_d_rne, "fmul.d", "rne") F2R(fdiv_d_rtz, "fdiv.d", "rtz")
F2R(fadd_s_rdn, "fadd.s", "rdn") F2R(fsub_d_rup, "fsub.d", "rup")
F2R(fmul_s_rmm, "fmul.s", "rmm") F2R(fadd_d_dyn, "fadd.d", "dyn")
F3R(fmadd_d_rtz, "fmadd.d", "rtz") F3R(fnmadd_s_rmm, "fnmadd.s", "rmm")
F1(fsqrt_d_rup, "fsqrt.d", ", rup") F1(fcvt_s_d_rdn, "fcvt.s.d", ", rdn")
X1(fcvt_w_d_rtz, "fcvt.w.d", ", rtz") X1(fcvt_lu_s_rmm, "fcvt.lu.s", ", rmm")
X1(fcvt_l_d_rne, "fcvt.l.d", ", rne") X1(fcvt_wu_d_rup, "fcvt.wu.d", ", rup")
I1(fcvt_s_l_rtz, "fcvt.s.l", ", rtz") I1(fcvt_d_lu_rmm, "fcvt.d.lu", ", rmm")

enum tab { TD, TS, TI };

static const struct op {
	const char	*name;
	fn		 f;
	int		 arity;
	enum tab	 t;
} ops[] = {
	{ "fmadd.s", fmadd_s, 3, TS }, { "fmsub.s", fmsub_s, 3, TS },
	{ "fnmsub.s", fnmsub_s, 3, TS }, { "fnmadd.s", fnmadd_s, 3, TS },
	{ "fmadd.d", fmadd_d, 3, TD }, { "fmsub.d", fmsub_d, 3, TD },
	{ "fnmsub.d", fnmsub_d, 3, TD }, { "fnmadd.d", fnmadd_d, 3, TD },
	{ "fadd.s", fadd_s, 2, TS }, { "fsub.s", fsub_s, 2, TS },
	{ "fmul.s", fmul_s, 2, TS }, { "fdiv.s", fdiv_s, 2, TS },
	{ "fsgnj.s", fsgnj_s, 2, TS }, { "fsgnjn.s", fsgnjn_s, 2, TS },
	{ "fsgnjx.s", fsgnjx_s, 2, TS }, { "fmin.s", fmin_s, 2, TS },
	{ "fmax.s", fmax_s, 2, TS },
	{ "fadd.d", fadd_d, 2, TD }, { "fsub.d", fsub_d, 2, TD },
	{ "fmul.d", fmul_d, 2, TD }, { "fdiv.d", fdiv_d, 2, TD },
	{ "fsgnj.d", fsgnj_d, 2, TD }, { "fsgnjn.d", fsgnjn_d, 2, TD },
	{ "fsgnjx.d", fsgnjx_d, 2, TD }, { "fmin.d", fmin_d, 2, TD },
	{ "fmax.d", fmax_d, 2, TD },
	{ "fsqrt.s", fsqrt_s, 1, TS }, { "fsqrt.d", fsqrt_d, 1, TD },
	{ "fcvt.s.d", fcvt_s_d, 1, TD }, { "fcvt.d.s", fcvt_d_s, 1, TS },
	{ "feq.s", feq_s, 2, TS }, { "flt.s", flt_s, 2, TS },
	{ "fle.s", fle_s, 2, TS }, { "feq.d", feq_d, 2, TD },
	{ "flt.d", flt_d, 2, TD }, { "fle.d", fle_d, 2, TD },
	{ "fclass.s", fclass_s, 1, TS }, { "fclass.d", fclass_d, 1, TD },
	{ "fmv.x.w", fmv_x_w, 1, TS }, { "fmv.x.d", fmv_x_d, 1, TD },
	{ "fcvt.w.s", fcvt_w_s, 1, TS }, { "fcvt.wu.s", fcvt_wu_s, 1, TS },
	{ "fcvt.l.s", fcvt_l_s, 1, TS }, { "fcvt.lu.s", fcvt_lu_s, 1, TS },
	{ "fcvt.w.d", fcvt_w_d, 1, TD }, { "fcvt.wu.d", fcvt_wu_d, 1, TD },
	{ "fcvt.l.d", fcvt_l_d, 1, TD }, { "fcvt.lu.d", fcvt_lu_d, 1, TD },
	{ "fcvt.s.w", fcvt_s_w, 1, TI }, { "fcvt.s.wu", fcvt_s_wu, 1, TI },
	{ "fcvt.s.l", fcvt_s_l, 1, TI }, { "fcvt.s.lu", fcvt_s_lu, 1, TI },
	{ "fcvt.d.w", fcvt_d_w, 1, TI }, { "fcvt.d.wu", fcvt_d_wu, 1, TI },
	{ "fcvt.d.l", fcvt_d_l, 1, TI }, { "fcvt.d.lu", fcvt_d_lu, 1, TI },
	{ "fmv.w.x", fmv_w_x, 1, TI }, { "fmv.d.x", fmv_d_x, 1, TI },
	{ "fadd.d,dyn", fadd_d_dyn, 2, TD },
	{ "fmul.d,rne", fmul_d_rne, 2, TD }, { "fdiv.d,rtz", fdiv_d_rtz, 2, TD },
	{ "fadd.s,rdn", fadd_s_rdn, 2, TS }, { "fsub.d,rup", fsub_d_rup, 2, TD },
	{ "fmul.s,rmm", fmul_s_rmm, 2, TS },
	{ "fmadd.d,rtz", fmadd_d_rtz, 3, TD },
	{ "fnmadd.s,rmm", fnmadd_s_rmm, 3, TS },
	{ "fsqrt.d,rup", fsqrt_d_rup, 1, TD },
	{ "fcvt.s.d,rdn", fcvt_s_d_rdn, 1, TD },
	{ "fcvt.w.d,rtz", fcvt_w_d_rtz, 1, TD },
	{ "fcvt.lu.s,rmm", fcvt_lu_s_rmm, 1, TS },
	{ "fcvt.l.d,rne", fcvt_l_d_rne, 1, TD },
	{ "fcvt.wu.d,rup", fcvt_wu_d_rup, 1, TD },
	{ "fcvt.s.l,rtz", fcvt_s_l_rtz, 1, TI },
	{ "fcvt.d.lu,rmm", fcvt_d_lu_rmm, 1, TI },
};

static uint64_t
sweep(const struct op *o)
{
	const uint64_t	*t = o->t == TD ? dv : o->t == TS ? sv : iv;
	unsigned	 n = o->t == TD ? ND : o->t == TS ? NS : NI;
	unsigned	 rm, i, j, k;
	uint64_t	 h = FNV_INIT, r;

	for (rm = 0; rm < 6; rm++) {
		/* pass 5: RNE with NX accrued already */
		unsigned long pre = rm == 5 ? 1 : 0;

		csr_write(frm, rm == 5 ? 0 : rm);
		take_flags(pre);
		for (i = 0; i < n; i++)
			for (j = 0; j < (o->arity > 1 ? n : 1); j++)
				for (k = 0; k < (o->arity > 2 ? n : 1); k++) {
					r = o->f(t[i], t[j], t[k]);
					h = mix(h, r);
					h = mix(h, take_flags(pre));
#ifdef VERBOSE
					gprintf("%s rm%u %lx %lx %lx = %lx\n",
					    o->name, rm, t[i], t[j], t[k], r);
#endif
				}
	}
	return h;
}

/* A hash of f0-f31 and fcsr: the state a run leaves behind. */
static void
final_state(void)
{
	uint64_t f[32], h = FNV_INIT;
	unsigned long fcsr;
	unsigned i;

	__asm__ volatile(
	    "fsd f0, 0(%0)\n fsd f1, 8(%0)\n fsd f2, 16(%0)\n fsd f3, 24(%0)\n"
	    "fsd f4, 32(%0)\n fsd f5, 40(%0)\n fsd f6, 48(%0)\n fsd f7, 56(%0)\n"
	    "fsd f8, 64(%0)\n fsd f9, 72(%0)\n fsd f10, 80(%0)\n"
	    "fsd f11, 88(%0)\n fsd f12, 96(%0)\n fsd f13, 104(%0)\n"
	    "fsd f14, 112(%0)\n fsd f15, 120(%0)\n fsd f16, 128(%0)\n"
	    "fsd f17, 136(%0)\n fsd f18, 144(%0)\n fsd f19, 152(%0)\n"
	    "fsd f20, 160(%0)\n fsd f21, 168(%0)\n fsd f22, 176(%0)\n"
	    "fsd f23, 184(%0)\n fsd f24, 192(%0)\n fsd f25, 200(%0)\n"
	    "fsd f26, 208(%0)\n fsd f27, 216(%0)\n fsd f28, 224(%0)\n"
	    "fsd f29, 232(%0)\n fsd f30, 240(%0)\n fsd f31, 248(%0)\n"
	    :: "r"(f) : "memory");
	__asm__ volatile("csrr %0, fcsr" : "=r"(fcsr));
	for (i = 0; i < 32; i++)
		h = mix(h, f[i]);
	gprintf("final f0-f31 %lx fcsr %lx\n", h, fcsr);
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	uint64_t all = FNV_INIT, h;
	unsigned i;

	(void)hartid;
	(void)fdt;
	csr_set(mstatus, 1UL << 13);	/* FS = Initial */
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		h = sweep(&ops[i]);
		all = mix(all, h);
		gprintf("%s %lx\n", ops[i].name, h);
	}
	gprintf("all %lx\n", all);
	/* leave a known state for the final check: fcsr RMM, flags NX */
	__asm__ volatile("fcvt.s.w ft0, %0\n fdiv.s ft0, ft0, ft0\n"
	    "csrwi frm, 4\n fcvt.d.w fa0, %0\n fsqrt.d fa1, fa0"
	    :: "r"(3L) : "ft0", "fa0", "fa1");
	final_state();
	return 0;
}
