/*
 * IEEE 754-2008 binary32 and binary64 arithmetic in integers, with the
 * choices RISC-V makes (unprivileged spec 20191213, chapters 11 and 12):
 * five rounding modes, tininess after rounding, canonical NaN results,
 * saturating conversions.  The interpreter uses the host FPU when that is
 * known to give the same bits (cpu/fpu.h); everything else comes here.
 *
 * How it works.  An operand is unpacked into sign, class and, when finite
 * and nonzero, an integer significand 'sig' and exponent 'exp' with
 * value = sig * 2^exp.  Each operation computes the exact result in a
 * 128-bit integer, or a truncation of it whose lowest bit is "jammed"
 * (ORed with every bit shifted out), and hands it to round_pack(), the one
 * place that rounds, detects overflow and underflow and encodes.
 *
 * Why the jam bit is enough: rounding to p bits looks only at the bits
 * above the round position and at "is anything below it nonzero".  The
 * operations keep at least 64 zero bits below every exact operand (or, in
 * FMA, at least 19 below the 106-bit product), so a jammed bit 0 sits far
 * below the round position and stands for "strictly between two
 * neighbours", which rounds exactly as the true value does -- in
 * subtraction too, since the unshifted operand's bit 0 is zero.
 *
 * Worked example, binary32 1.0 + 2^-30 in RNE: 1.0 is sig 0x800000,
 * exp -23; 2^-30 is sig 0x800000, exp -53.  Both move up 64 bits; the
 * second is shifted right by the exponent difference 30 and added:
 * sum = 2^87 + 2^57 with exp -87.  round_pack finds the leading bit at
 * 2^0, keeps 24 bits (LSB weight 2^-23), sees a remainder of 2^57 below a
 * half of 2^63: round down to 1.0, inexact (NX).
 */
#include <stddef.h>
#include <stdint.h>

#include "hypervisor/cpu/softfloat.h"

typedef unsigned __int128 u128;

struct fmt {
	int		 mbits;		/* fraction bits */
	int		 ebits;
	int		 bias;
	uint64_t	 qnan;
};

static const struct fmt fmts[2] = {
	{ 23, 8, 127, F32_QNAN },
	{ 52, 11, 1023, F64_QNAN },
};

enum cls { C_ZERO, C_FINITE, C_INF, C_QNAN, C_SNAN };

struct unp {
	int		 sign;
	enum cls	 cls;
	int		 exp;
	uint64_t	 sig;
};

static void
unpack(const struct fmt *f, uint64_t bits, struct unp *u)
{
	uint64_t	 frac = bits & ((1ULL << f->mbits) - 1);
	unsigned	 emax = (1u << f->ebits) - 1;
	unsigned	 be = (unsigned)(bits >> f->mbits) & emax;

	u->sign = (int)((bits >> (f->mbits + f->ebits)) & 1);
	u->sig = 0;
	u->exp = 0;
	if (be == emax) {
		if (frac == 0)
			u->cls = C_INF;
		else
			u->cls = (frac >> (f->mbits - 1)) & 1 ? C_QNAN : C_SNAN;
		return;
	}
	if (be == 0) {
		if (frac == 0) {
			u->cls = C_ZERO;
			return;
		}
		u->sig = frac;
		u->exp = 1 - f->bias - f->mbits;
	} else {
		u->sig = frac | 1ULL << f->mbits;
		u->exp = (int)be - f->bias - f->mbits;
	}
	u->cls = C_FINITE;
}

static int
isnan_(const struct unp *u)
{
	return u->cls == C_QNAN || u->cls == C_SNAN;
}

static uint64_t
signbit_(const struct fmt *f, int sign)
{
	return (uint64_t)(sign != 0) << (f->mbits + f->ebits);
}

static uint64_t
zero(const struct fmt *f, int sign)
{
	return signbit_(f, sign);
}

static uint64_t
inf(const struct fmt *f, int sign)
{
	return signbit_(f, sign) |
	    ((uint64_t)((1u << f->ebits) - 1) << f->mbits);
}

/* The largest finite magnitude. */
static uint64_t
maxfinite(const struct fmt *f, int sign)
{
	return inf(f, sign) - 1;
}

/* A NaN result: the canonical NaN, NV when an operand was signalling. */
static uint64_t
nan_result(const struct fmt *f, const struct unp *a, const struct unp *b,
    const struct unp *c, uint32_t *fl)
{
	if (a->cls == C_SNAN || (b != NULL && b->cls == C_SNAN) ||
	    (c != NULL && c->cls == C_SNAN))
		*fl |= FFLAG_NV;
	return f->qnan;
}

static uint64_t
invalid(const struct fmt *f, uint32_t *fl)
{
	*fl |= FFLAG_NV;
	return f->qnan;
}

static int
msb128(u128 x)
{
	uint64_t hi = (uint64_t)(x >> 64);

	if (hi != 0)
		return 127 - __builtin_clzll(hi);
	return 63 - __builtin_clzll((uint64_t)x);
}

/* x >> n with every bit shifted out ORed into bit 0. */
static u128
shift_jam(u128 x, int n)
{
	if (n <= 0)
		return x;
	if (n >= 128)
		return x != 0;
	return (x >> n) | ((x << (128 - n)) != 0);
}

/*
 * sig * 2^-sh rounded to an integer in mode rm (the value's sign is
 * 'sign'); *inexact says whether anything was dropped.  sh may be
 * negative (exact left shift; the caller knows it fits).
 */
static u128
round_shift(u128 sig, int sh, unsigned rm, int sign, int *inexact)
{
	u128	 q, rem, half;
	int	 up = 0;

	if (sh <= 0) {
		*inexact = 0;
		return sig << -sh;
	}
	if (sh > 128) {
		q = 0;
		rem = sig;
		half = 0;	/* unused: the value is below any half */
	} else if (sh == 128) {
		q = 0;
		rem = sig;
		half = (u128)1 << 127;
	} else {
		q = sig >> sh;
		rem = sig & (((u128)1 << sh) - 1);
		half = (u128)1 << (sh - 1);
	}
	*inexact = rem != 0;
	switch (rm) {
	case FRM_RNE:
		up = sh <= 128 && (rem > half || (rem == half && (q & 1)));
		break;
	case FRM_RMM:
		up = sh <= 128 && rem >= half;
		break;
	case FRM_RDN:
		up = sign && rem != 0;
		break;
	case FRM_RUP:
		up = !sign && rem != 0;
		break;
	default:	/* RTZ */
		break;
	}
	return q + (u128)up;
}

/*
 * Round sig * 2^exp (sig != 0, possibly jammed) to format f and encode
 * it: the one rounding step of every operation.
 */
static uint64_t
round_pack(const struct fmt *f, int sign, int exp, u128 sig, unsigned rm,
    uint32_t *fl)
{
	int	 p = f->mbits + 1, emin = 1 - f->bias, emax = f->bias;
	int	 e = exp + msb128(sig);		/* exponent of the leading bit */
	int	 lsb = (e < emin ? emin : e) - f->mbits;
	int	 inexact, tiny, dummy;
	u128	 q;

	q = round_shift(sig, lsb - exp, rm, sign, &inexact);
	if ((q >> p) != 0) {		/* rounding carried into a new bit */
		q >>= 1;
		lsb++;
	}
	if (e < emin - 1) {
		tiny = 1;
	} else if (e == emin - 1) {
		/* tiny unless rounding to p bits, unbounded, reaches 2^emin */
		tiny = (round_shift(sig, e - f->mbits - exp, rm, sign,
		    &dummy) >> p) == 0;
	} else {
		tiny = 0;
	}
	if ((q >> f->mbits) != 0 && lsb + f->mbits > emax) {
		*fl |= FFLAG_OF | FFLAG_NX;
		if (rm == FRM_RTZ || (rm == FRM_RDN && !sign) ||
		    (rm == FRM_RUP && sign))
			return maxfinite(f, sign);
		return inf(f, sign);
	}
	if (inexact) {
		*fl |= FFLAG_NX;
		if (tiny)
			*fl |= FFLAG_UF;
	}
	/*
	 * A normal q carries the implicit bit, which adds one to the
	 * exponent field; a subnormal has lsb = emin - mbits and field 0.
	 */
	return signbit_(f, sign) +
	    ((uint64_t)(lsb + f->mbits + f->bias - 1) << f->mbits) +
	    (uint64_t)q;
}

static uint64_t
addsub(const struct fmt *f, uint64_t ab, uint64_t bb, int negb, unsigned rm,
    uint32_t *fl)
{
	struct unp	 a, b;
	u128		 sa, sb, sum;
	int		 ea, eb, sign;

	unpack(f, ab, &a);
	unpack(f, bb, &b);
	b.sign ^= negb;
	if (isnan_(&a) || isnan_(&b))
		return nan_result(f, &a, &b, NULL, fl);
	if (a.cls == C_INF) {
		if (b.cls == C_INF && a.sign != b.sign)
			return invalid(f, fl);
		return inf(f, a.sign);
	}
	if (b.cls == C_INF)
		return inf(f, b.sign);
	if (a.cls == C_ZERO && b.cls == C_ZERO)
		return zero(f, a.sign == b.sign ? a.sign : rm == FRM_RDN);
	if (a.cls == C_ZERO)
		return bb ^ signbit_(f, negb);
	if (b.cls == C_ZERO)
		return ab;
	sa = (u128)a.sig << 64;
	sb = (u128)b.sig << 64;
	ea = a.exp - 64;
	eb = b.exp - 64;
	if (ea < eb) {
		struct unp t = a;
		u128 ts = sa;
		int te = ea;

		a = b; b = t;
		sa = sb; sb = ts;
		ea = eb; eb = te;
	}
	sb = shift_jam(sb, ea - eb);
	if (a.sign == b.sign) {
		sum = sa + sb;
		sign = a.sign;
	} else if (sa >= sb) {
		sum = sa - sb;
		sign = a.sign;
	} else {
		sum = sb - sa;
		sign = b.sign;
	}
	if (sum == 0)
		return zero(f, rm == FRM_RDN);
	return round_pack(f, sign, ea, sum, rm, fl);
}

uint64_t
sf_add(int dbl, uint64_t a, uint64_t b, unsigned rm, uint32_t *fl)
{
	return addsub(&fmts[dbl], a, b, 0, rm, fl);
}

uint64_t
sf_sub(int dbl, uint64_t a, uint64_t b, unsigned rm, uint32_t *fl)
{
	return addsub(&fmts[dbl], a, b, 1, rm, fl);
}

uint64_t
sf_mul(int dbl, uint64_t ab, uint64_t bb, unsigned rm, uint32_t *fl)
{
	const struct fmt *f = &fmts[dbl];
	struct unp	 a, b;
	int		 sign;

	unpack(f, ab, &a);
	unpack(f, bb, &b);
	sign = a.sign ^ b.sign;
	if (isnan_(&a) || isnan_(&b))
		return nan_result(f, &a, &b, NULL, fl);
	if (a.cls == C_INF || b.cls == C_INF) {
		if (a.cls == C_ZERO || b.cls == C_ZERO)
			return invalid(f, fl);
		return inf(f, sign);
	}
	if (a.cls == C_ZERO || b.cls == C_ZERO)
		return zero(f, sign);
	return round_pack(f, sign, a.exp + b.exp, (u128)a.sig * b.sig, rm, fl);
}

/* Shift a nonzero significand so its leading bit is bit 63. */
static void
normalize64(struct unp *u)
{
	int n = __builtin_clzll(u->sig);

	u->sig <<= n;
	u->exp -= n;
}

uint64_t
sf_div(int dbl, uint64_t ab, uint64_t bb, unsigned rm, uint32_t *fl)
{
	const struct fmt *f = &fmts[dbl];
	struct unp	 a, b;
	u128		 n, q;
	int		 sign;

	unpack(f, ab, &a);
	unpack(f, bb, &b);
	sign = a.sign ^ b.sign;
	if (isnan_(&a) || isnan_(&b))
		return nan_result(f, &a, &b, NULL, fl);
	if (a.cls == C_INF) {
		if (b.cls == C_INF)
			return invalid(f, fl);
		return inf(f, sign);
	}
	if (b.cls == C_INF)
		return zero(f, sign);
	if (b.cls == C_ZERO) {
		if (a.cls == C_ZERO)
			return invalid(f, fl);
		*fl |= FFLAG_DZ;
		return inf(f, sign);
	}
	if (a.cls == C_ZERO)
		return zero(f, sign);
	normalize64(&a);
	normalize64(&b);
	/* both in [2^63, 2^64): the quotient has 64 or 65 bits */
	n = (u128)a.sig << 64;
	q = n / b.sig;
	if (n % b.sig != 0)
		q |= 1;
	return round_pack(f, sign, a.exp - b.exp - 64, q, rm, fl);
}

/* floor(sqrt(n)); *exact when n is a perfect square. */
static u128
isqrt128(u128 n, int *exact)
{
	u128 res = 0, bit = (u128)1 << 126;

	while (bit > n)
		bit >>= 2;
	while (bit != 0) {
		if (n >= res + bit) {
			n -= res + bit;
			res = (res >> 1) + bit;
		} else {
			res >>= 1;
		}
		bit >>= 2;
	}
	*exact = n == 0;
	return res;
}

uint64_t
sf_sqrt(int dbl, uint64_t ab, unsigned rm, uint32_t *fl)
{
	const struct fmt *f = &fmts[dbl];
	struct unp	 a;
	u128		 n, r;
	int		 e, exact;

	unpack(f, ab, &a);
	if (isnan_(&a))
		return nan_result(f, &a, NULL, NULL, fl);
	if (a.cls == C_ZERO)
		return ab;			/* sqrt(-0) = -0 */
	if (a.sign)
		return invalid(f, fl);
	if (a.cls == C_INF)
		return ab;
	normalize64(&a);
	/* a 127- or 128-bit radicand with an even exponent */
	n = (u128)a.sig << 64;
	e = a.exp - 64;
	if (e & 1) {
		n >>= 1;		/* the low 64 bits are zero: exact */
		e++;
	}
	r = isqrt128(n, &exact);
	if (!exact)
		r |= 1;
	return round_pack(f, 0, e / 2, r, rm, fl);
}

uint64_t
sf_fma(int dbl, uint64_t ab, uint64_t bb, uint64_t cb, unsigned rm,
    uint32_t *fl)
{
	const struct fmt *f = &fmts[dbl];
	struct unp	 a, b, c;
	u128		 p, s, sc;
	int		 psign, ep, ec, e, sign, sh;

	unpack(f, ab, &a);
	unpack(f, bb, &b);
	unpack(f, cb, &c);
	psign = a.sign ^ b.sign;
	/* inf * 0 is invalid even when c is a quiet NaN (11.6) */
	if ((a.cls == C_INF && b.cls == C_ZERO) ||
	    (a.cls == C_ZERO && b.cls == C_INF))
		return invalid(f, fl);
	if (isnan_(&a) || isnan_(&b) || isnan_(&c))
		return nan_result(f, &a, &b, &c, fl);
	if (a.cls == C_INF || b.cls == C_INF) {
		if (c.cls == C_INF && c.sign != psign)
			return invalid(f, fl);
		return inf(f, psign);
	}
	if (c.cls == C_INF)
		return cb;
	if (a.cls == C_ZERO || b.cls == C_ZERO) {
		if (c.cls == C_ZERO)
			return zero(f, psign == c.sign ? psign :
			    rm == FRM_RDN);
		return cb;
	}
	p = (u128)a.sig * b.sig;
	ep = a.exp + b.exp;
	if (c.cls == C_ZERO)
		return round_pack(f, psign, ep, p, rm, fl);
	/* both with the leading bit at 125; the one further down is jammed */
	sh = 125 - msb128(p);
	p <<= sh;
	ep -= sh;
	sh = 125 - msb128(c.sig);
	sc = (u128)c.sig << sh;
	ec = c.exp - sh;
	if (ep >= ec) {
		sc = shift_jam(sc, ep - ec);
		e = ep;
	} else {
		p = shift_jam(p, ec - ep);
		e = ec;
	}
	if (psign == c.sign) {
		s = p + sc;
		sign = psign;
	} else if (p >= sc) {
		s = p - sc;
		sign = psign;
	} else {
		s = sc - p;
		sign = c.sign;
	}
	if (s == 0)
		return zero(f, rm == FRM_RDN);
	return round_pack(f, sign, e, s, rm, fl);
}

/* Between formats: t is the target, s the source. */
static uint64_t
convert(const struct fmt *t, const struct fmt *s, uint64_t ab, unsigned rm,
    uint32_t *fl)
{
	struct unp a;

	unpack(s, ab, &a);
	switch (a.cls) {
	case C_QNAN:
	case C_SNAN:
		return nan_result(t, &a, NULL, NULL, fl);
	case C_INF:
		return inf(t, a.sign);
	case C_ZERO:
		return zero(t, a.sign);
	default:
		return round_pack(t, a.sign, a.exp, a.sig, rm, fl);
	}
}

uint64_t
sf_d_to_s(uint64_t a, unsigned rm, uint32_t *fl)
{
	return convert(&fmts[0], &fmts[1], a, rm, fl);
}

uint64_t
sf_s_to_d(uint64_t a, uint32_t *fl)
{
	return convert(&fmts[1], &fmts[0], a, FRM_RNE, fl);
}

uint64_t
sf_to_int(int dbl, uint64_t ab, int bits, int is_unsigned, unsigned rm,
    uint32_t *fl)
{
	const struct fmt *f = &fmts[dbl];
	struct unp	 a;
	uint64_t	 umax, smin_mag, res;
	u128		 m;
	int		 inexact = 0;

	umax = bits == 64 ? ~0ULL : (1ULL << bits) - 1;
	smin_mag = 1ULL << (bits - 1);		/* |INT_MIN| */
	unpack(f, ab, &a);
	if (a.cls == C_ZERO)
		return 0;
	if (isnan_(&a) || a.cls == C_INF) {
		*fl |= FFLAG_NV;
		if (isnan_(&a) || !a.sign)
			res = is_unsigned ? umax : smin_mag - 1;
		else
			res = is_unsigned ? 0 : smin_mag;
		goto out;
	}
	if (a.exp > 64)
		goto range;
	m = round_shift(a.sig, -a.exp, rm, a.sign, &inexact);
	if (a.sign) {
		if (m == 0) {
			res = 0;
		} else if (is_unsigned || m > smin_mag) {
			goto range;
		} else {
			res = (uint64_t)0 - (uint64_t)m;
		}
	} else {
		if (m > (is_unsigned ? umax : smin_mag - 1))
			goto range;
		res = (uint64_t)m;
	}
	if (inexact)
		*fl |= FFLAG_NX;
	goto out;
range:
	*fl |= FFLAG_NV;
	if (a.sign)
		res = is_unsigned ? 0 : smin_mag;
	else
		res = is_unsigned ? umax : smin_mag - 1;
out:
	if (bits == 32)
		res = (uint64_t)(int64_t)(int32_t)(uint32_t)res;
	return res;
}

uint64_t
sf_from_int(int dbl, uint64_t x, int bits, int is_unsigned, unsigned rm,
    uint32_t *fl)
{
	const struct fmt *f = &fmts[dbl];
	uint64_t	 mag;
	int		 sign = 0;

	if (bits == 32)
		x = is_unsigned ? (uint32_t)x :
		    (uint64_t)(int64_t)(int32_t)(uint32_t)x;
	mag = x;
	if (!is_unsigned && (int64_t)x < 0) {
		sign = 1;
		mag = (uint64_t)0 - x;
	}
	if (mag == 0)
		return zero(f, 0);
	return round_pack(f, sign, 0, mag, rm, fl);
}
