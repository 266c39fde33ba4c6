/*
 * The F and D operations, one helper per instruction, for the run loop
 * and for a future JIT to call (docs/cpu.md, "F and D").
 *
 * Each helper takes the vCPU (whose fflags it ORs), register values as the
 * f registers hold them (a single NaN-boxed in 64 bits: an improperly
 * boxed input reads as the canonical NaN) and, for rounding operations, a
 * resolved rounding mode 0-4 (the caller turns DYN into frm and traps on
 * an invalid one).  Results are what goes into the destination register.
 *
 * Host or software.  The host's SSE arithmetic is IEEE-correct in
 * round-to-nearest-even, which the hypervisor never changes, so its result
 * bits equal RISC-V's whenever the result is a normal finite number (the
 * NaN rules are where the two differ).  Its flags would cost an MXCSR
 * round trip, but once NX is already set in fflags a normal finite result
 * cannot raise anything new: NV, DZ and OF produce NaN or infinity, UF a
 * result at or below the smallest normal.  So the fast path is: mode RNE,
 * NX already accrued, host result normal and finite.  Everything else --
 * other modes (RMM has no host equivalent), the first inexact operation,
 * zeros, subnormals, infinities, NaNs -- goes to cpu/softfloat.c, which is
 * exact in all cases.  Comparisons, min/max, sign injection, classify and
 * moves are bit operations.
 */
#ifndef XVM_HYPERVISOR_CPU_FPU_H
#define XVM_HYPERVISOR_CPU_FPU_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "hypervisor/cpu/softfloat.h"
#include "hypervisor/cpu/vcpu.h"

#define FPU_BOX		0xffffffff00000000ULL

static inline uint32_t
fpu_unbox(uint64_t x)
{
	return (x >> 32) == 0xffffffffu ? (uint32_t)x : F32_QNAN;
}

static inline uint64_t
fpu_box(uint64_t s)
{
	return FPU_BOX | (uint32_t)s;
}

static inline double
fpu_d(uint64_t x)
{
	double d;

	memcpy(&d, &x, sizeof(d));
	return d;
}

static inline uint64_t
fpu_dbits(double d)
{
	uint64_t x;

	memcpy(&x, &d, sizeof(x));
	return x;
}

static inline float
fpu_s(uint32_t x)
{
	float f;

	memcpy(&f, &x, sizeof(f));
	return f;
}

static inline uint32_t
fpu_sbits(float f)
{
	uint32_t x;

	memcpy(&x, &f, sizeof(x));
	return x;
}

/* The fast path applies (see above). */
static inline int
fpu_fast(const struct vcpu *v, unsigned rm)
{
	return rm == FRM_RNE && (v->fflags & FFLAG_NX);
}

/* Normal and finite, and above the smallest normal (tininess after rounding). */
static inline int
fpu_d_normal(uint64_t r)
{
	return (r & ~(1ULL << 63)) - 0x0010000000000001ULL <
	    0x7ff0000000000000ULL - 0x0010000000000001ULL;
}

static inline int
fpu_s_normal(uint32_t r)
{
	return (r & 0x7fffffffu) - 0x00800001u < 0x7f800000u - 0x00800001u;
}

#define FPU_BINOP(name, op, sfop)					\
static inline uint64_t							\
fpu_##name##_d(struct vcpu *v, uint64_t a, uint64_t b, unsigned rm)	\
{									\
	if (fpu_fast(v, rm)) {						\
		uint64_t r = fpu_dbits(fpu_d(a) op fpu_d(b));		\
		if (fpu_d_normal(r))					\
			return r;					\
	}								\
	return sfop(1, a, b, rm, &v->fflags);				\
}									\
static inline uint64_t							\
fpu_##name##_s(struct vcpu *v, uint64_t a, uint64_t b, unsigned rm)	\
{									\
	uint32_t x = fpu_unbox(a), y = fpu_unbox(b);			\
	if (fpu_fast(v, rm)) {						\
		uint32_t r = fpu_sbits(fpu_s(x) op fpu_s(y));		\
		if (fpu_s_normal(r))					\
			return fpu_box(r);				\
	}								\
	return fpu_box(sfop(0, x, y, rm, &v->fflags));			\
}
FPU_BINOP(add, +, sf_add)
FPU_BINOP(sub, -, sf_sub)
FPU_BINOP(mul, *, sf_mul)
FPU_BINOP(div, /, sf_div)
#undef FPU_BINOP

static inline uint64_t
fpu_sqrt_d(struct vcpu *v, uint64_t a, unsigned rm)
{
	if (fpu_fast(v, rm) && fpu_d_normal(a) && !(a >> 63)) {
		uint64_t r = fpu_dbits(__builtin_sqrt(fpu_d(a)));

		if (fpu_d_normal(r))
			return r;
	}
	return sf_sqrt(1, a, rm, &v->fflags);
}

static inline uint64_t
fpu_sqrt_s(struct vcpu *v, uint64_t a, unsigned rm)
{
	uint32_t x = fpu_unbox(a);

	if (fpu_fast(v, rm) && fpu_s_normal(x) && !(x >> 31)) {
		uint32_t r = fpu_sbits(__builtin_sqrtf(fpu_s(x)));

		if (fpu_s_normal(r))
			return fpu_box(r);
	}
	return fpu_box(sf_sqrt(0, x, rm, &v->fflags));
}

/*
 * The four fused forms: negating an operand is exact, so each is one
 * fma: FMSUB a*b-c, FNMSUB -(a*b)+c, FNMADD -(a*b)-c (unprivileged 11.6).
 * The host fma() is correctly rounded (FMA3 where the CPU has it).
 */
#define FPU_FMA(name, na, nc)						\
static inline uint64_t							\
fpu_##name##_d(struct vcpu *v, uint64_t a, uint64_t b, uint64_t c,	\
    unsigned rm)							\
{									\
	a ^= (uint64_t)(na) << 63;					\
	c ^= (uint64_t)(nc) << 63;					\
	if (fpu_fast(v, rm)) {						\
		uint64_t r = fpu_dbits(fma(fpu_d(a), fpu_d(b),		\
		    fpu_d(c)));						\
		if (fpu_d_normal(r))					\
			return r;					\
	}								\
	return sf_fma(1, a, b, c, rm, &v->fflags);			\
}									\
static inline uint64_t							\
fpu_##name##_s(struct vcpu *v, uint64_t a, uint64_t b, uint64_t c,	\
    unsigned rm)							\
{									\
	uint32_t x = fpu_unbox(a) ^ ((uint32_t)(na) << 31);		\
	uint32_t y = fpu_unbox(b);					\
	uint32_t z = fpu_unbox(c) ^ ((uint32_t)(nc) << 31);		\
	if (fpu_fast(v, rm)) {						\
		uint32_t r = fpu_sbits(fmaf(fpu_s(x), fpu_s(y),		\
		    fpu_s(z)));						\
		if (fpu_s_normal(r))					\
			return fpu_box(r);				\
	}								\
	return fpu_box(sf_fma(0, x, y, z, rm, &v->fflags));		\
}
FPU_FMA(madd, 0, 0)
FPU_FMA(msub, 0, 1)
FPU_FMA(nmsub, 1, 0)
FPU_FMA(nmadd, 1, 1)
#undef FPU_FMA

/* Sign injection (11.7): bit operations, no flags. */
static inline uint64_t
fpu_sgnj_d(uint64_t a, uint64_t b, int kind)
{
	uint64_t s = b;

	if (kind == 1)
		s = ~b;
	else if (kind == 2)
		s = a ^ b;
	return (a & ~(1ULL << 63)) | (s & (1ULL << 63));
}

static inline uint64_t
fpu_sgnj_s(uint64_t a, uint64_t b, int kind)
{
	uint32_t x = fpu_unbox(a), y = fpu_unbox(b), s = y;

	if (kind == 1)
		s = ~y;
	else if (kind == 2)
		s = x ^ y;
	return fpu_box((x & 0x7fffffffu) | (s & 0x80000000u));
}

/* FCVT.S.D and FCVT.D.S (11.7, 12.5). */
static inline uint64_t
fpu_cvt_s_d(struct vcpu *v, uint64_t a, unsigned rm)
{
	if (fpu_fast(v, rm)) {
		uint32_t r = fpu_sbits((float)fpu_d(a));

		if (fpu_s_normal(r))
			return fpu_box(r);
	}
	return fpu_box(sf_d_to_s(a, rm, &v->fflags));
}

static inline uint64_t
fpu_cvt_d_s(struct vcpu *v, uint64_t a)
{
	uint32_t x = fpu_unbox(a);

	if (fpu_s_normal(x))
		return fpu_dbits((double)fpu_s(x));
	return sf_s_to_d(x, &v->fflags);
}

/*
 * Float to integer: C casts use RTZ, and a value safely inside the range
 * converts exactly on the host (the inexact flag from a compare).
 */
static inline uint64_t
fpu_cvt_int_d(struct vcpu *v, uint64_t a, int bits, int uns, unsigned rm)
{
	double d = fpu_d(a);

	if (rm == FRM_RTZ && !uns && d > -2147483648.0 && d < 2147483648.0) {
		int64_t i = (int64_t)d;

		if ((double)i != d)
			v->fflags |= FFLAG_NX;
		return (uint64_t)i;
	}
	return sf_to_int(1, a, bits, uns, rm, &v->fflags);
}

static inline uint64_t
fpu_cvt_int_s(struct vcpu *v, uint64_t a, int bits, int uns, unsigned rm)
{
	uint32_t x = fpu_unbox(a);
	float f = fpu_s(x);

	if (rm == FRM_RTZ && !uns && f > -2147483648.0f && f < 2147483648.0f) {
		int64_t i = (int64_t)f;

		if ((float)i != f)
			v->fflags |= FFLAG_NX;
		return (uint64_t)i;
	}
	return sf_to_int(0, x, bits, uns, rm, &v->fflags);
}

/* Integer to float: exact on the host while the integer fits the significand. */
static inline uint64_t
fpu_cvt_d_int(struct vcpu *v, uint64_t x, int bits, int uns, unsigned rm)
{
	if (bits == 32)
		return fpu_dbits(uns ? (double)(uint32_t)x :
		    (double)(int32_t)(uint32_t)x);
	if ((int64_t)x >= -(1LL << 53) && (int64_t)x <= (1LL << 53) &&
	    (!uns || (x >> 63) == 0))
		return fpu_dbits((double)(int64_t)x);
	return sf_from_int(1, x, bits, uns, rm, &v->fflags);
}

static inline uint64_t
fpu_cvt_s_int(struct vcpu *v, uint64_t x, int bits, int uns, unsigned rm)
{
	int64_t i = bits == 32 ? (uns ? (int64_t)(uint32_t)x :
	    (int64_t)(int32_t)(uint32_t)x) : (int64_t)x;

	if (i >= -(1LL << 24) && i <= (1LL << 24) && (!uns || bits == 32 ||
	    (x >> 63) == 0))
		return fpu_box(fpu_sbits((float)i));
	return fpu_box(sf_from_int(0, x, bits, uns, rm, &v->fflags));
}

/* fpu.c: comparisons (11.8), min/max (11.7), classify (11.9). */
uint64_t fpu_feq_d(struct vcpu *, uint64_t, uint64_t);
uint64_t fpu_flt_d(struct vcpu *, uint64_t, uint64_t);
uint64_t fpu_fle_d(struct vcpu *, uint64_t, uint64_t);
uint64_t fpu_feq_s(struct vcpu *, uint64_t, uint64_t);
uint64_t fpu_flt_s(struct vcpu *, uint64_t, uint64_t);
uint64_t fpu_fle_s(struct vcpu *, uint64_t, uint64_t);
uint64_t fpu_min_d(struct vcpu *, uint64_t, uint64_t);
uint64_t fpu_max_d(struct vcpu *, uint64_t, uint64_t);
uint64_t fpu_min_s(struct vcpu *, uint64_t, uint64_t);
uint64_t fpu_max_s(struct vcpu *, uint64_t, uint64_t);
uint64_t fpu_class_d(uint64_t);
uint64_t fpu_class_s(uint64_t);

#endif
