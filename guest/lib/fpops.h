/*
 * F/D test helpers: one C function per instruction form, operands and
 * results as raw 64-bit register contents (moved with fmv.d.x / fmv.x.d,
 * so NaN-boxing is visible), and fflags access.
 */
#ifndef GUEST_FPOPS_H
#define GUEST_FPOPS_H

#include <stdint.h>

/* each op is a function; a test uses only some */
#define FPOP_FN	static __attribute__((unused)) uint64_t

typedef uint64_t (*fn)(uint64_t, uint64_t, uint64_t);

#define F3(n, insn) FPOP_FN n(uint64_t a, uint64_t b, uint64_t c) { \
	uint64_t r; __asm__ volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n"	\
	"fmv.d.x ft2, %3\n" insn " ft3, ft0, ft1, ft2\n fmv.x.d %0, ft3"	\
	: "=r"(r) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3");	\
	return r; }
#define F2(n, insn) FPOP_FN n(uint64_t a, uint64_t b, uint64_t c) { \
	uint64_t r; (void)c; __asm__ volatile("fmv.d.x ft0, %1\n"		\
	"fmv.d.x ft1, %2\n" insn " ft3, ft0, ft1\n fmv.x.d %0, ft3"		\
	: "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft3"); return r; }
#define F1(n, insn, rm) FPOP_FN n(uint64_t a, uint64_t b,	\
	uint64_t c) { uint64_t r; (void)b; (void)c;				\
	__asm__ volatile("fmv.d.x ft0, %1\n" insn " ft3, ft0" rm "\n"		\
	"fmv.x.d %0, ft3" : "=r"(r) : "r"(a) : "ft0", "ft3"); return r; }
#define X2(n, insn) FPOP_FN n(uint64_t a, uint64_t b, uint64_t c) { \
	uint64_t r; (void)c; __asm__ volatile("fmv.d.x ft0, %1\n"		\
	"fmv.d.x ft1, %2\n" insn " %0, ft0, ft1" : "=r"(r) : "r"(a), "r"(b)	\
	: "ft0", "ft1"); return r; }
#define X1(n, insn, rm) FPOP_FN n(uint64_t a, uint64_t b,	\
	uint64_t c) { uint64_t r; (void)b; (void)c;				\
	__asm__ volatile("fmv.d.x ft0, %1\n" insn " %0, ft0" rm		\
	: "=r"(r) : "r"(a) : "ft0"); return r; }
#define I1(n, insn, rm) FPOP_FN n(uint64_t a, uint64_t b,	\
	uint64_t c) { uint64_t r; (void)b; (void)c;				\
	__asm__ volatile(insn " ft3, %1" rm "\n fmv.x.d %0, ft3"		\
	: "=r"(r) : "r"(a) : "ft3"); return r; }

#define F2R(n, insn, rm) FPOP_FN n(uint64_t a, uint64_t b,	\
	uint64_t c) { uint64_t r; (void)c; __asm__ volatile(			\
	"fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n" insn " ft3, ft0, ft1, " rm "\n"	\
	"fmv.x.d %0, ft3" : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft3");	\
	return r; }
#define F3R(n, insn, rm) FPOP_FN n(uint64_t a, uint64_t b,	\
	uint64_t c) { uint64_t r; __asm__ volatile("fmv.d.x ft0, %1\n"		\
	"fmv.d.x ft1, %2\n fmv.d.x ft2, %3\n" insn " ft3, ft0, ft1, ft2, " rm	\
	"\n fmv.x.d %0, ft3" : "=r"(r) : "r"(a), "r"(b), "r"(c)		\
	: "ft0", "ft1", "ft2", "ft3"); return r; }
static inline uint64_t
mix(uint64_t h, uint64_t x)
{
	h = (h ^ x) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

/* fflags after an operation, and set them to 'next' for the next one */
static inline uint64_t
take_flags(unsigned long next)
{
	unsigned long f;

	__asm__ volatile("csrrw %0, fflags, %1" : "=r"(f) : "r"(next));
	return f;
}

#endif
