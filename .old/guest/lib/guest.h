/* The test guests' runtime: console, exit, checks, CSR and MMIO access. */
#ifndef GUEST_H
#define GUEST_H

#include <stddef.h>
#include <stdint.h>

#define UART0		0x10000000UL
#define SYSCON		0x100000UL
#define CLINT		0x2000000UL
#define CLINT_MTIME	(CLINT + 0xbff8)
#define CLINT_MTIMECMP(h) (CLINT + 0x4000 + 8 * (h))
#define CLINT_MSIP(h)	(CLINT + 4 * (h))

#define csr_read(csr) ({ unsigned long v_; \
	__asm__ volatile(".option arch, +zicsr\n csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, val) __asm__ volatile(".option arch, +zicsr\n csrw " \
	#csr ", %0" :: "r"((unsigned long)(val)) : "memory")
#define csr_set(csr, val) __asm__ volatile(".option arch, +zicsr\n csrs " \
	#csr ", %0" :: "r"((unsigned long)(val)) : "memory")
#define csr_clear(csr, val) __asm__ volatile(".option arch, +zicsr\n csrc " \
	#csr ", %0" :: "r"((unsigned long)(val)) : "memory")

static inline void mmio_w32(unsigned long a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint32_t mmio_r32(unsigned long a) { return *(volatile uint32_t *)a; }
static inline void mmio_w64(unsigned long a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline uint64_t mmio_r64(unsigned long a) { return *(volatile uint64_t *)a; }

void	 putch(char);
void	 puts_(const char *);
void	 gprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void guest_exit(int code);
int	 guest_main(unsigned long hartid, unsigned long fdt);
void	 secondary(unsigned long hartid, unsigned long fdt);

/* checks: count, print failures with the line, summary at the end */
extern unsigned long checks, failures;
#define CHECK_EQ(got, want) check_eq(__FILE__, __LINE__, #got, \
	(unsigned long)(got), (unsigned long)(want))
#define CHECK(cond) check_eq(__FILE__, __LINE__, #cond, !!(cond), 1)
void	 check_eq(const char *, int, const char *, unsigned long, unsigned long);
int	 check_summary(const char *name);

/* an FNV-1a checksum the differential tests print */
uint64_t fnv(uint64_t h, const void *p, size_t n);
#define FNV_INIT 0xcbf29ce484222325ULL

/* M-mode trap capture (trap.S): run fn, report what trapped */
struct trap_rec {
	unsigned long	cause, tval, epc, count;
};
extern volatile struct trap_rec last_trap, last_strap;
extern volatile unsigned long trap_resume, strap_resume;
void	 trap_init(void);
void	 trap_clear(void);
void	 to_mode(unsigned long mode);	/* from M: continue in U (0) or S (1) */
void	 to_m(void);			/* from U/S: back to M */
void	 irq_hook(unsigned long cause);	/* weak: silence an M interrupt */
void	 sirq_hook(unsigned long cause);

#endif
