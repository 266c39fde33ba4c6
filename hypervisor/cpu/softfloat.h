/* IEEE 754 binary32/binary64 arithmetic in software, as RISC-V F and D define it. */
#ifndef XVM_HYPERVISOR_CPU_SOFTFLOAT_H
#define XVM_HYPERVISOR_CPU_SOFTFLOAT_H

#include <stdint.h>

/* Rounding modes, numbered as the rm field and frm (unprivileged 11.2). */
enum {
	FRM_RNE = 0,	/* to nearest, ties to even */
	FRM_RTZ = 1,	/* toward zero */
	FRM_RDN = 2,	/* down */
	FRM_RUP = 3,	/* up */
	FRM_RMM = 4,	/* to nearest, ties away from zero */
	FRM_DYN = 7,	/* the rm field's "use frm" */
};

/* fflags bits */
#define FFLAG_NX	0x01u	/* inexact */
#define FFLAG_UF	0x02u	/* underflow */
#define FFLAG_OF	0x04u	/* overflow */
#define FFLAG_DZ	0x08u	/* divide by zero */
#define FFLAG_NV	0x10u	/* invalid */

#define F32_QNAN	0x7fc00000u
#define F64_QNAN	0x7ff8000000000000ULL

/*
 * Every function: 'dbl' selects binary64 (1) or binary32 (0); operands
 * and results are raw encodings (a binary32 in the low 32 bits, no
 * NaN-boxing here); 'rm' is a resolved mode 0-4; exception flags are ORed
 * into *fl.  Results are correctly rounded, NaN results are the canonical
 * NaN, and tininess is detected after rounding (unprivileged 11.2, 11.3).
 */
uint64_t sf_add(int dbl, uint64_t a, uint64_t b, unsigned rm, uint32_t *fl);
uint64_t sf_sub(int dbl, uint64_t a, uint64_t b, unsigned rm, uint32_t *fl);
uint64_t sf_mul(int dbl, uint64_t a, uint64_t b, unsigned rm, uint32_t *fl);
uint64_t sf_div(int dbl, uint64_t a, uint64_t b, unsigned rm, uint32_t *fl);
uint64_t sf_sqrt(int dbl, uint64_t a, unsigned rm, uint32_t *fl);
/* a * b + c with one rounding; callers negate operands for the other forms. */
uint64_t sf_fma(int dbl, uint64_t a, uint64_t b, uint64_t c, unsigned rm,
	    uint32_t *fl);
/* binary64 <-> binary32 */
uint64_t sf_d_to_s(uint64_t a, unsigned rm, uint32_t *fl);
uint64_t sf_s_to_d(uint64_t a, uint32_t *fl);
/*
 * To an integer of 32 or 64 bits, signed or not, saturating with NV for
 * NaN and out-of-range values (unprivileged table 11.4).  A 32-bit result
 * comes back sign-extended to 64 bits, as the W forms write it.
 */
uint64_t sf_to_int(int dbl, uint64_t a, int bits, int is_unsigned, unsigned rm,
	    uint32_t *fl);
/* From an integer (the low 'bits' of x, signed or not). */
uint64_t sf_from_int(int dbl, uint64_t x, int bits, int is_unsigned,
	    unsigned rm, uint32_t *fl);

#endif
