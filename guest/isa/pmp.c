/*
 * Physical memory protection (privileged spec 1.12, 3.7): the WARL shape
 * of pmpaddr, NAPOT/TOR/NA4 regions seen from S-mode (read-only data, a
 * page without execute, a 4-byte hole inside a page, priority of the
 * lowest entry, accesses that match an entry only in part), M-mode and
 * MPRV, page-table walks checked as S-mode reads, and locked entries.
 * Run on our core and diffed with QEMU.
 */
#include "guest.h"

#define R	0x01UL
#define W	0x02UL
#define X	0x04UL
#define TOR	0x08UL
#define NA4	0x10UL
#define NAPOT	0x18UL
#define L	0x80UL

#define TRAPS(cause_, tval_) do {					\
	CHECK_EQ(last_trap.count, 1);					\
	CHECK_EQ(last_trap.cause, (cause_));				\
	CHECK_EQ(last_trap.tval, (tval_));				\
	trap_clear();							\
} while (0)
#define NO_TRAP() do {							\
	CHECK_EQ(last_trap.count, 0);					\
	trap_clear();							\
} while (0)

static uint64_t ro_page[512] __attribute__((aligned(4096)));
static uint64_t hole_page[512] __attribute__((aligned(4096)));
static uint64_t pt[512] __attribute__((aligned(4096)));

/* A NAPOT pmpaddr for [base, base + size), size a power of two >= 8. */
static unsigned long
napot(unsigned long base, unsigned long size)
{
	return (base >> 2) | ((size >> 3) - 1);
}

/* Entry 15: everything else open to S and U. */
static void
open_rest(void)
{
	csr_write(pmpaddr15, ~0UL >> 10);
	csr_write(pmpcfg2, (NAPOT | R | W | X) << 56);
}

static void
warl(void)
{
	csr_write(pmpcfg0, 0);
	csr_write(pmpaddr0, ~0UL);
	/*
	 * G = 0: every address bit sticks.  Bits 63:54 are zero by the spec
	 * (ours); QEMU 7.2 keeps them, so only bits 53:0 are compared.
	 */
	CHECK_EQ(csr_read(pmpaddr0) & ((1UL << 54) - 1), (1UL << 54) - 1);
	csr_write(pmpaddr0, 0);
	/* the reserved bits 6:5 of pmpcfg: zero here, QEMU 7.2 keeps them */
	csr_write(pmpcfg0, 0x60 | R);
	CHECK_EQ(csr_read(pmpcfg0) & 0x9f, R);
	csr_write(pmpcfg0, 0);
}

static unsigned long
s_load(volatile uint64_t *p)
{
	unsigned long v;

	to_mode(1);
	v = *p;
	to_m();
	return v;
}

static void
s_store(volatile uint64_t *p, uint64_t v)
{
	to_mode(1);
	*p = v;
	to_m();
}

static void
regions(void)
{
	unsigned long ro = (unsigned long)ro_page;
	unsigned long hole = (unsigned long)hole_page + 64;

	/* 0: ro_page read-only (NAPOT 4 KiB); 1: a 4-byte hole (NA4) */
	csr_write(pmpaddr0, napot(ro, 4096));
	csr_write(pmpaddr1, hole >> 2);
	csr_write(pmpcfg0, (NAPOT | R) | (NA4 << 8));
	open_rest();
	trap_clear();

	ro_page[3] = 77;
	CHECK_EQ(s_load(&ro_page[3]), 77);
	NO_TRAP();
	s_store(&ro_page[3], 1);
	TRAPS(7, ro + 24);		/* store access fault */
	CHECK_EQ(ro_page[3], 77);

	/* the hole: no permission, inside an otherwise open page */
	s_store((volatile uint64_t *)(hole + 8), 5);
	NO_TRAP();
	s_store((volatile uint64_t *)(hole - 8), 6);
	NO_TRAP();
	CHECK_EQ(s_load((volatile uint64_t *)(hole + 8)), 5);
	NO_TRAP();
	(void)s_load((volatile uint64_t *)hole);	/* 8 bytes over 4 */
	TRAPS(5, hole);
	(void)s_load((volatile uint64_t *)(hole - 4));	/* partly in */
	CHECK_EQ(last_trap.count, 1);
	CHECK_EQ(last_trap.cause, 5);
	trap_clear();
	/* the failed store left the hole alone */

	/* M-mode is not bound by unlocked entries ... */
	ro_page[4] = 9;
	*(volatile uint32_t *)hole = 3;
	NO_TRAP();
	/* ... unless MPRV makes its data accesses S-mode ones */
	csr_set(mstatus, (1UL << 17) | (1UL << 11));	/* MPRV, MPP = S */
	*(volatile uint64_t *)&ro_page[4] = 10;
	csr_clear(mstatus, (1UL << 17) | (3UL << 11));
	TRAPS(7, ro + 32);
	CHECK_EQ(ro_page[4], 9);

	/* priority: entry 0 (read-only) wins over an open entry 2 */
	csr_write(pmpaddr2, napot(ro, 4096));
	csr_set(pmpcfg0, (NAPOT | R | W | X) << 16);
	s_store(&ro_page[5], 1);
	TRAPS(7, ro + 40);
	csr_clear(pmpcfg0, 0xffUL << 16);
}

/* Fetch: a page readable but not executable. */
static void
no_exec(void)
{
	unsigned long page = (unsigned long)hole_page;

	hole_page[0] = 0x00008067;	/* ret */
	__asm__ volatile(".option arch, +zifencei\n fence.i");
	csr_write(pmpaddr0, napot(page, 4096));
	csr_write(pmpcfg0, NAPOT | R | W);
	trap_clear();
	/* the M handler resumes S-mode at 1f */
	to_mode(1);
	__asm__ volatile("la t0, 1f\n sd t0, %0\n jalr %1\n1:"
	    : "=m"(trap_resume) : "r"(page) : "t0", "ra", "memory");
	to_m();
	TRAPS(1, page);
}

/*
 * The page-table walk reads PTEs as S-mode accesses (3.7.1).  MPRV makes
 * only the data accesses S-mode ones, so the code keeps running.
 */
static void
walk(void)
{
	unsigned long a = (unsigned long)pt;
	unsigned long v = 0x80000000UL;	/* identity gigapage */
	unsigned long mprv_s = (1UL << 17) | (1UL << 11);
	unsigned long r;

	pt[2] = ((v >> 12) << 10) | 0xcf;	/* V R W X A D */
	csr_write(pmpaddr0, napot(a, 4096));
	csr_write(pmpcfg0, NAPOT);		/* the table: no access */
	csr_write(satp, (8UL << 60) | (a >> 12));
	__asm__ volatile("sfence.vma");
	trap_clear();
	csr_set(mstatus, mprv_s);
	r = *(volatile uint64_t *)&ro_page[3];
	csr_clear(mstatus, (1UL << 17) | (3UL << 11));
	TRAPS(5, (unsigned long)&ro_page[3]);	/* load access fault */
	csr_write(pmpcfg0, NAPOT | R);		/* readable: the walk works */
	csr_set(mstatus, mprv_s);
	r = *(volatile uint64_t *)&ro_page[3];
	csr_clear(mstatus, (1UL << 17) | (3UL << 11));
	NO_TRAP();
	CHECK_EQ(r, 77);
	csr_write(satp, 0);
	__asm__ volatile("sfence.vma");
}

/* A locked entry binds M-mode and cannot be changed until reset. */
static void
locked(void)
{
	unsigned long ro = (unsigned long)ro_page;

	csr_write(pmpcfg0, 0);
	csr_write(pmpaddr3, napot(ro, 4096));
	csr_write(pmpcfg0, (NAPOT | R | L) << 24);
	trap_clear();
	*(volatile uint64_t *)&ro_page[6] = 4;
	TRAPS(7, ro + 48);
	CHECK_EQ(ro_page[6], 0);
	csr_write(pmpaddr3, 0);
	CHECK_EQ(csr_read(pmpaddr3), napot(ro, 4096));
	csr_clear(pmpcfg0, 0xffUL << 24);
	CHECK_EQ((csr_read(pmpcfg0) >> 24) & 0xff, NAPOT | R | L);
	CHECK_EQ(ro_page[7], 0);	/* reads still allowed */
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	(void)hartid;
	(void)fdt;
	trap_init();
	warl();
	regions();
	no_exec();
	walk();
	locked();
	return check_summary("pmp");
}
