/*
 * The F and D helpers that are bit operations rather than arithmetic:
 * comparisons (unprivileged 11.8), FMIN/FMAX with the 2.2 rules (11.7:
 * -0 < +0, a single NaN operand yields the other, sNaN signals) and
 * FCLASS (11.9).  The arithmetic helpers are inline in fpu.h.
 */
#include <stdint.h>

#include "hypervisor/cpu/fpu.h"

/* The two formats as masks over a 64-bit container. */
struct ffmt {
	uint64_t	 sign, exp, man, quiet;
};

static const struct ffmt FD = {
	1ULL << 63, 0x7ff0000000000000ULL, (1ULL << 52) - 1, 1ULL << 51,
};
static const struct ffmt FS = {
	1ULL << 31, 0x7f800000ULL, (1ULL << 23) - 1, 1ULL << 22,
};

static int
is_nan(const struct ffmt *f, uint64_t x)
{
	return (x & f->exp) == f->exp && (x & f->man) != 0;
}

static int
is_snan(const struct ffmt *f, uint64_t x)
{
	return is_nan(f, x) && !(x & f->quiet);
}

static int
is_zero(const struct ffmt *f, uint64_t x)
{
	return (x & ~f->sign) == 0;
}

/* a < b (or <=) on two non-NaN encodings, as sign-magnitude numbers. */
static int
less(const struct ffmt *f, uint64_t a, uint64_t b, int or_equal)
{
	int sa = (a & f->sign) != 0, sb = (b & f->sign) != 0;

	if (is_zero(f, a) && is_zero(f, b))
		return or_equal;
	if (a == b)
		return or_equal;
	if (sa != sb)
		return sa;
	return sa ? a > b : a < b;
}

static uint64_t
cmp(struct vcpu *v, const struct ffmt *f, uint64_t a, uint64_t b, int kind)
{
	if (is_nan(f, a) || is_nan(f, b)) {
		/* FEQ is quiet: only a signalling NaN raises NV */
		if (kind != 0 || is_snan(f, a) || is_snan(f, b))
			v->fflags |= FFLAG_NV;
		return 0;
	}
	switch (kind) {
	case 0:
		return a == b || (is_zero(f, a) && is_zero(f, b));
	case 1:
		return less(f, a, b, 0);
	default:
		return less(f, a, b, 1);
	}
}

uint64_t
fpu_feq_d(struct vcpu *v, uint64_t a, uint64_t b)
{
	return cmp(v, &FD, a, b, 0);
}

uint64_t
fpu_flt_d(struct vcpu *v, uint64_t a, uint64_t b)
{
	return cmp(v, &FD, a, b, 1);
}

uint64_t
fpu_fle_d(struct vcpu *v, uint64_t a, uint64_t b)
{
	return cmp(v, &FD, a, b, 2);
}

uint64_t
fpu_feq_s(struct vcpu *v, uint64_t a, uint64_t b)
{
	return cmp(v, &FS, fpu_unbox(a), fpu_unbox(b), 0);
}

uint64_t
fpu_flt_s(struct vcpu *v, uint64_t a, uint64_t b)
{
	return cmp(v, &FS, fpu_unbox(a), fpu_unbox(b), 1);
}

uint64_t
fpu_fle_s(struct vcpu *v, uint64_t a, uint64_t b)
{
	return cmp(v, &FS, fpu_unbox(a), fpu_unbox(b), 2);
}

static uint64_t
minmax(struct vcpu *v, const struct ffmt *f, uint64_t qnan, uint64_t a,
    uint64_t b, int max)
{
	int na = is_nan(f, a), nb = is_nan(f, b);

	if (is_snan(f, a) || is_snan(f, b))
		v->fflags |= FFLAG_NV;
	if (na && nb)
		return qnan;
	if (na)
		return b;
	if (nb)
		return a;
	if (is_zero(f, a) && is_zero(f, b))	/* -0 < +0 */
		return max ? (a & b) : (a | b);
	return less(f, a, b, 0) != max ? a : b;
}

uint64_t
fpu_min_d(struct vcpu *v, uint64_t a, uint64_t b)
{
	return minmax(v, &FD, F64_QNAN, a, b, 0);
}

uint64_t
fpu_max_d(struct vcpu *v, uint64_t a, uint64_t b)
{
	return minmax(v, &FD, F64_QNAN, a, b, 1);
}

uint64_t
fpu_min_s(struct vcpu *v, uint64_t a, uint64_t b)
{
	return fpu_box(minmax(v, &FS, F32_QNAN, fpu_unbox(a), fpu_unbox(b),
	    0));
}

uint64_t
fpu_max_s(struct vcpu *v, uint64_t a, uint64_t b)
{
	return fpu_box(minmax(v, &FS, F32_QNAN, fpu_unbox(a), fpu_unbox(b),
	    1));
}

/*
 * FCLASS: bit 0 -inf, 1 -normal, 2 -subnormal, 3 -0, 4 +0, 5 +subnormal,
 * 6 +normal, 7 +inf, 8 signalling NaN, 9 quiet NaN.
 */
static uint64_t
fclass(const struct ffmt *f, uint64_t x)
{
	int neg = (x & f->sign) != 0;
	uint64_t e = x & f->exp, m = x & f->man;

	if (e == f->exp) {
		if (m == 0)
			return neg ? 1u << 0 : 1u << 7;
		return (x & f->quiet) ? 1u << 9 : 1u << 8;
	}
	if (e == 0) {
		if (m == 0)
			return neg ? 1u << 3 : 1u << 4;
		return neg ? 1u << 2 : 1u << 5;
	}
	return neg ? 1u << 1 : 1u << 6;
}

uint64_t
fpu_class_d(uint64_t a)
{
	return fclass(&FD, a);
}

uint64_t
fpu_class_s(uint64_t a)
{
	return fclass(&FS, fpu_unbox(a));
}
