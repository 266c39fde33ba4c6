/*
 * Unit tests for cpu/softfloat.c and the fast paths of cpu/fpu.h.
 *
 * The oracle for RNE, RTZ, RDN and RUP is the host FPU itself (C fenv:
 * fesetround, fetestexcept), which is IEEE 754 with tininess after
 * rounding like RISC-V; only NaN results differ (canonicalised before
 * comparing).  RMM has no host equivalent: a table of hand-checked ties,
 * and the guest tests against QEMU, cover it.  Operands are random with a
 * bias to the places where rounding goes wrong: exponent extremes,
 * subnormals, near-ties, zeros, infinities and NaNs.
 */
#include <fenv.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hypervisor/cpu/fpu.h"
#include "hypervisor/cpu/softfloat.h"

static const int host_rm[4] = {
	FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD,
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* An interesting binary64 or binary32 encoding. */
static uint64_t
operand(int dbl)
{
	int mb = dbl ? 52 : 23, eb = dbl ? 11 : 8;
	uint64_t emax = (1ULL << eb) - 1, r = rnd(), e, m, s;

	s = (r & 1) << (mb + eb);
	switch ((r >> 1) & 15) {
	case 0:
		e = 0;					/* subnormal or zero */
		break;
	case 1:
		e = emax;				/* inf or NaN */
		break;
	case 2:
		e = 1 + (rnd() % 3);			/* just above subnormal */
		break;
	case 3:
		e = emax - 1 - (rnd() % 3);		/* near overflow */
		break;
	case 4:	/* small integers */
		return dbl ? fpu_dbits((double)(int)(rnd() % 200 - 100)) :
		    fpu_sbits((float)(int)(rnd() % 200 - 100));
	default:
		e = (emax >> 1) - 30 + rnd() % 60;	/* ordinary */
		break;
	}
	m = rnd();
	switch ((r >> 5) & 7) {
	case 0:
		m = 0;
		break;
	case 1:
		m = ~0ULL;				/* all ones: carries */
		break;
	case 2:
		m &= 0xff;				/* few bits: ties */
		break;
	case 3:
		m = (1ULL << (mb - 1)) | (m & 1);	/* quiet NaN-ish */
		break;
	default:
		break;
	}
	m &= (1ULL << mb) - 1;
	return s | e << mb | m;
}

static uint32_t
host_flags(void)
{
	int x = fetestexcept(FE_ALL_EXCEPT);
	uint32_t f = 0;

	if (x & FE_INVALID)
		f |= FFLAG_NV;
	if (x & FE_DIVBYZERO)
		f |= FFLAG_DZ;
	if (x & FE_OVERFLOW)
		f |= FFLAG_OF;
	if (x & FE_UNDERFLOW)
		f |= FFLAG_UF;
	if (x & FE_INEXACT)
		f |= FFLAG_NX;
	return f;
}

static uint64_t
canon(int dbl, uint64_t r)
{
	if (dbl)
		return isnan(fpu_d(r)) ? F64_QNAN : r;
	return isnan(fpu_s((uint32_t)r)) ? F32_QNAN : r;
}

enum hop { H_ADD, H_SUB, H_MUL, H_DIV, H_SQRT, H_FMA, H_CVT };

/* The host's answer for op in mode rm; flags in *fl. */
static uint64_t
host(int dbl, enum hop op, uint64_t a, uint64_t b, uint64_t c, int rm,
    uint32_t *fl)
{
	volatile double da = fpu_d(a), db = fpu_d(b), dc = fpu_d(c), dr = 0;
	volatile float fa = fpu_s((uint32_t)a), fb = fpu_s((uint32_t)b);
	volatile float fc = fpu_s((uint32_t)c), fr = 0;
	uint64_t r;

	fesetround(host_rm[rm]);
	feclearexcept(FE_ALL_EXCEPT);
	if (dbl) {
		switch (op) {
		case H_ADD: dr = da + db; break;
		case H_SUB: dr = da - db; break;
		case H_MUL: dr = da * db; break;
		case H_DIV: dr = da / db; break;
		case H_SQRT: dr = sqrt(da); break;
		case H_FMA: dr = fma(da, db, dc); break;
		case H_CVT: fr = (float)da; break;
		}
	} else {
		switch (op) {
		case H_ADD: fr = fa + fb; break;
		case H_SUB: fr = fa - fb; break;
		case H_MUL: fr = fa * fb; break;
		case H_DIV: fr = fa / fb; break;
		case H_SQRT: fr = sqrtf(fa); break;
		case H_FMA: fr = fmaf(fa, fb, fc); break;
		case H_CVT: dr = (double)fa; break;
		}
	}
	*fl = host_flags();
	fesetround(FE_TONEAREST);
	if (op == H_CVT)
		r = dbl ? fpu_sbits(fr) : fpu_dbits(dr);
	else
		r = dbl ? fpu_dbits(dr) : fpu_sbits(fr);
	return canon(op == H_CVT ? !dbl : dbl, r);
}

static uint64_t
soft(int dbl, enum hop op, uint64_t a, uint64_t b, uint64_t c, unsigned rm,
    uint32_t *fl)
{
	*fl = 0;
	switch (op) {
	case H_ADD: return sf_add(dbl, a, b, rm, fl);
	case H_SUB: return sf_sub(dbl, a, b, rm, fl);
	case H_MUL: return sf_mul(dbl, a, b, rm, fl);
	case H_DIV: return sf_div(dbl, a, b, rm, fl);
	case H_SQRT: return sf_sqrt(dbl, a, rm, fl);
	case H_FMA: return sf_fma(dbl, a, b, c, rm, fl);
	default: return dbl ? sf_d_to_s(a, rm, fl) : sf_s_to_d(a, fl);
	}
}

static int
is_nan_enc(int dbl, uint64_t x)
{
	return dbl ? isnan(fpu_d(x)) : isnan(fpu_s((uint32_t)x));
}

static void
against_host(int dbl, enum hop op, unsigned n)
{
	unsigned i, bad = 0;

	for (i = 0; i < n; i++) {
		uint64_t a = operand(dbl), b = operand(dbl), c = operand(dbl);
		unsigned rm = (unsigned)(rnd() % 4);
		uint32_t hf, sf;
		uint64_t hr = host(dbl, op, a, b, c, (int)rm, &hf);
		uint64_t sr = soft(dbl, op, a, b, c, rm, &sf);

		/*
		 * IEEE leaves NV for inf*0 + qNaN to the implementation; RISC-V
		 * raises it, the host may not.
		 */
		if (op == H_FMA && is_nan_enc(dbl, c) && (sf & FFLAG_NV) &&
		    !(hf & FFLAG_NV))
			hf |= FFLAG_NV;
		if (hr != sr || hf != sf) {
			if (bad++ < 10)
				print_message("%s op %d rm %u: %016llx %016llx "
				    "%016llx: host %016llx/%02x soft "
				    "%016llx/%02x\n", dbl ? "d" : "s", op, rm,
				    (unsigned long long)a, (unsigned long long)b,
				    (unsigned long long)c,
				    (unsigned long long)hr, hf,
				    (unsigned long long)sr, sf);
		}
	}
	assert_int_equal(bad, 0);
}

#define N 200000

static void t_add(void **s) { (void)s; against_host(1, H_ADD, N); against_host(0, H_ADD, N); }
static void t_sub(void **s) { (void)s; against_host(1, H_SUB, N); against_host(0, H_SUB, N); }
static void t_mul(void **s) { (void)s; against_host(1, H_MUL, N); against_host(0, H_MUL, N); }
static void t_div(void **s) { (void)s; against_host(1, H_DIV, N); against_host(0, H_DIV, N); }
static void t_sqrt(void **s) { (void)s; against_host(1, H_SQRT, N); against_host(0, H_SQRT, N); }
static void t_fma(void **s) { (void)s; against_host(1, H_FMA, N); against_host(0, H_FMA, N); }
static void t_cvt(void **s) { (void)s; against_host(1, H_CVT, N); against_host(0, H_CVT, N); }

/* Integer conversions against the definition in table 11.4. */
static void
t_to_int(void **state)
{
	static const struct {
		uint64_t	 a;		/* binary64 */
		int		 bits, uns;
		unsigned	 rm;
		uint64_t	 want;
		uint32_t	 fl;
	} cases[] = {
		{ 0x7ff8000000000000ULL, 32, 0, 0, 0x7fffffff, FFLAG_NV },
		{ 0x7ff8000000000000ULL, 32, 1, 0, ~0ULL, FFLAG_NV },
		{ 0x7ff8000000000000ULL, 64, 0, 0, 0x7fffffffffffffffULL, FFLAG_NV },
		{ 0x7ff8000000000000ULL, 64, 1, 0, ~0ULL, FFLAG_NV },
		{ 0xfff0000000000000ULL, 32, 0, 0, 0xffffffff80000000ULL, FFLAG_NV },
		{ 0xfff0000000000000ULL, 64, 1, 0, 0, FFLAG_NV },
		{ 0x41e0000000000000ULL, 32, 0, 0, 0x7fffffff, FFLAG_NV },	/* 2^31 */
		{ 0xc1e0000000000000ULL, 32, 0, 0, 0xffffffff80000000ULL, 0 },	/* -2^31 */
		{ 0x41f0000000000000ULL, 32, 1, 0, ~0ULL, FFLAG_NV },		/* 2^32 */
		{ 0x41efffffffe00000ULL, 32, 1, 0, ~0ULL, 0 },			/* 2^32-1 */
		{ 0xbfe0000000000000ULL, 32, 1, 0, 0, FFLAG_NX },		/* -0.5 RNE */
		{ 0xbfe0000000000000ULL, 32, 1, 4, 0, FFLAG_NV },		/* -0.5 RMM -> -1 */
		{ 0xbfe0000000000000ULL, 32, 0, 4, ~0ULL, FFLAG_NX },
		{ 0x3ff8000000000000ULL, 64, 0, 0, 2, FFLAG_NX },		/* 1.5 */
		{ 0x4004000000000000ULL, 64, 0, 0, 2, FFLAG_NX },		/* 2.5 */
		{ 0x4004000000000000ULL, 64, 0, 4, 3, FFLAG_NX },
		{ 0xc004000000000000ULL, 64, 0, 2, (uint64_t)-3, FFLAG_NX },
		{ 0xc004000000000000ULL, 64, 0, 3, (uint64_t)-2, FFLAG_NX },
		{ 0x43e0000000000000ULL, 64, 1, 0, 1ULL << 63, 0 },		/* 2^63 */
		{ 0x43e0000000000000ULL, 64, 0, 0, 0x7fffffffffffffffULL, FFLAG_NV },
		{ 0x8000000000000000ULL, 64, 1, 0, 0, 0 },			/* -0 */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t fl = 0;
		uint64_t r = sf_to_int(1, cases[i].a, cases[i].bits,
		    cases[i].uns, cases[i].rm, &fl);

		print_message("case %zu: %016llx -> %016llx/%02x\n", i,
		    (unsigned long long)cases[i].a, (unsigned long long)r, fl);
		assert_int_equal(r, cases[i].want);
		assert_int_equal(fl, cases[i].fl);
	}
}

/* RMM: ties go away from zero; everything else as RNE. */
static void
t_rmm(void **state)
{
	uint32_t fl = 0;

	(void)state;
	/* 1 + 2^-53 is a tie between 1 and 1 + 2^-52 */
	assert_int_equal(sf_add(1, 0x3ff0000000000000ULL, 0x3ca0000000000000ULL,
	    FRM_RMM, &fl), 0x3ff0000000000001ULL);
	assert_int_equal(fl, FFLAG_NX);
	assert_int_equal(sf_add(1, 0x3ff0000000000000ULL, 0x3ca0000000000000ULL,
	    FRM_RNE, &fl), 0x3ff0000000000000ULL);
	/* -(1 + 2^-24) in single: tie, away from zero */
	fl = 0;
	assert_int_equal(sf_sub(0, 0xbf800000, 0x33800000, FRM_RMM, &fl),
	    0xbf800001);
	/* 2^24 + 1 -> single: tie */
	assert_int_equal(sf_from_int(0, (1 << 24) + 1, 32, 0, FRM_RMM, &fl),
	    0x4b800001);
	assert_int_equal(sf_from_int(0, (1 << 24) + 1, 32, 0, FRM_RNE, &fl),
	    0x4b800000);
	/* overflow in RMM goes to infinity */
	fl = 0;
	assert_int_equal(sf_mul(0, 0x7f7fffff, 0x40000000, FRM_RMM, &fl),
	    0x7f800000);
	assert_int_equal(fl, FFLAG_OF | FFLAG_NX);
}

/* The fast paths of fpu.h give the soft path's bits and flags. */
static void
t_fast(void **state)
{
	struct vcpu *v = calloc(1, sizeof(*v));
	unsigned i, k;

	(void)state;
	assert_non_null(v);
	for (i = 0; i < N; i++) {
		uint64_t a = operand(1), b = operand(1), c = operand(1);
		uint64_t sa = fpu_box(operand(0)), sb = fpu_box(operand(0));
		uint64_t sc = fpu_box(operand(0));
		uint64_t r[2][8];
		uint32_t f[2];

		for (k = 0; k < 2; k++) {
			v->fflags = k == 0 ? FFLAG_NX : 0;
			/* k = 0 may take the host path, k = 1 never does */
			r[k][0] = fpu_add_d(v, a, b, FRM_RNE);
			r[k][1] = fpu_mul_d(v, a, b, FRM_RNE);
			r[k][2] = fpu_div_d(v, a, b, FRM_RNE);
			r[k][3] = fpu_nmsub_d(v, a, b, c, FRM_RNE);
			r[k][4] = fpu_sqrt_d(v, a, FRM_RNE);
			r[k][5] = fpu_sub_s(v, sa, sb, FRM_RNE);
			r[k][6] = fpu_madd_s(v, sa, sb, sc, FRM_RNE);
			r[k][7] = fpu_cvt_s_d(v, a, FRM_RNE);
			f[k] = v->fflags | FFLAG_NX;
		}
		assert_memory_equal(r[0], r[1], sizeof(r[0]));
		assert_int_equal(f[0], f[1]);
	}
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_add),
		cmocka_unit_test(t_sub),
		cmocka_unit_test(t_mul),
		cmocka_unit_test(t_div),
		cmocka_unit_test(t_sqrt),
		cmocka_unit_test(t_fma),
		cmocka_unit_test(t_cvt),
		cmocka_unit_test(t_to_int),
		cmocka_unit_test(t_rmm),
		cmocka_unit_test(t_fast),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
