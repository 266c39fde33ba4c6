/*
 * Differential fuzz target: the translator (--cpu jit) against the
 * interpreter on random instruction streams and random page tables.
 *
 * The input seeds two identical machines.  Its bytes after the 16-byte
 * header become a code page through a generator that favours RV64IMC
 * (each 4 bytes pick a template -- OP-IMM, OP, the 32-bit forms, LUI/
 * AUIPC, loads, stores, branches, jumps, compressed pairs, CSR and system
 * instructions -- or stay raw), then two pages of page tables.  Registers
 * point into the first RAM pages, so stores often hit the code page
 * (self-modifying code) and the page tables.
 *
 * Lock-step: the translated machine runs one block (cpu_run with a budget
 * of 1 enters exactly one translation or one interpreted instruction);
 * the interpreted machine then single-steps (cpu_step) to the same
 * instret, plus the one non-retiring trap the block may have ended with;
 * the two architectural states (cpu_get_context) must be equal after
 * every block, and RAM at the end.  Anything else aborts.
 *
 * Nothing may make the two diverge for reasons outside the CPU: both
 * clocks are stopped at 0, and CSR writes that could enable interrupts
 * (mie, sie, mip, sip) or read the wall clock (time) are replaced by NOPs
 * -- so no interrupt is ever taken, and block boundaries, where the
 * engines differ, are invisible.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hypervisor/cpu/cpu.h"
#include "hypervisor/cpu/decode.h"
#include "hypervisor/machine.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define HDR		16
#define NOP		0x00000013u
#define MAX_ROUNDS	2000
#define MAX_INSNS	20000

static void
discard(void *arg, const char *buf, size_t len)
{
	(void)arg;
	(void)buf;
	(void)len;
}

static int
csr_blocked(unsigned csr)
{
	switch (csr) {
	case 0x304: case 0x104: case 0x344: case 0x144:	/* mie sie mip sip */
	case 0xc01: case 0xc81:				/* time */
		return 1;
	default:
		return 0;
	}
}

/* 0 for a word the lock-step cannot hold to (see above). */
static uint32_t
filter(uint32_t w)
{
	struct decoded d;

	cpu_decode(w, &d);
	if (d.op >= OP_CSRRW && d.op <= OP_CSRRCI &&
	    csr_blocked((unsigned)d.imm & 0xfff))
		return NOP;
	return w;
}

static const uint8_t funct7s[4] = { 0x00, 0x20, 0x01, 0x00 };
static const uint8_t bconds[8] = { 0, 1, 4, 5, 6, 7, 0, 1 };
static const uint16_t csrs[8] = {
	0x340, 0x140, 0xc02, 0xc00, 0x300, 0x180, 0x001, 0x305,
};

/* One 4-byte unit of code from 4 input bytes. */
static uint32_t
gen(uint32_t w)
{
	uint32_t hi = w & 0xfffff000u;		/* random imm / fields */
	uint32_t mid = w & 0x00000f80u;		/* rd */

	switch (w & 15) {
	case 0:
	case 1:
		return filter(hi | mid | 0x13);			/* OP-IMM */
	case 2:
		return filter((hi & 0x01fff000u) |
		    (uint32_t)funct7s[(w >> 30) & 3] << 25 | mid | 0x33);
	case 3:
		return filter((hi & 0x01fff000u) |
		    (uint32_t)funct7s[(w >> 30) & 3] << 25 | mid | 0x3b);
	case 4:
		return filter(hi | mid | 0x1b);			/* OP-IMM-32 */
	case 5:
		return hi | mid | ((w & 0x40) ? 0x37 : 0x17);	/* LUI/AUIPC */
	case 6:
	case 7:
		return filter(hi | mid | 0x03);			/* loads */
	case 8:
	case 9:
		return filter((hi & ~0x4000u) | mid | 0x23);	/* stores */
	case 10:
		return ((hi & 0xfe0f8000u & ~0x7000u) |
		    (uint32_t)bconds[(w >> 12) & 7] << 12 |
		    (hi & 0x01f00000u) | (mid & 0xf00u) | 0x63);
	case 11:
		return (w & 0x40) ? (hi & 0x800ff000u) | mid | 0x6f :
		    (hi & ~0x7000u) | mid | 0x67;		/* JAL/JALR */
	case 12:
	case 13: {
		uint32_t lo = (w >> 4) & 0xfffc, up = w >> 16;

		lo |= 1 + ((w >> 2) & 1);			/* quadrant 1/2 */
		if ((up & 3) == 3)
			up &= ~1u;
		return filter(lo | up << 16);
	}
	case 14:
		switch ((w >> 4) & 7) {
		case 0:
			return 0x0000100f;			/* fence.i */
		case 1:
			return 0x0ff0000f;			/* fence */
		case 2:
			return 0x00000073;			/* ecall */
		default:
			return filter((uint32_t)csrs[(w >> 7) & 7] << 20 |
			    (w & 0x000ff000u) | (mid & 0xf80u) | 0x73);
		}
	default:
		return filter(w);				/* raw */
	}
}

static void
report(const char *what, const struct cpu_context *a,
    const struct cpu_context *b)
{
	const uint64_t *pa = (const uint64_t *)a, *pb = (const uint64_t *)b;
	size_t i;

	fprintf(stderr, "fuzz_cpu_jit: %s\n", what);
	for (i = 0; i < CPU_CONTEXT_FIELDS; i++)
		if (pa[i] != pb[i])
			fprintf(stderr, "  field %zu: interp %#llx jit %#llx\n",
			    i, (unsigned long long)pa[i],
			    (unsigned long long)pb[i]);
	abort();
}

static struct machine *
make(const struct machine_config *cf, enum cpu_engine e)
{
	struct machine	*m;
	char		*cause = NULL;

	if ((m = machine_new(cf, &cause)) == NULL) {
		fprintf(stderr, "fuzz_cpu_jit: %s\n", cause);
		abort();
	}
	if (cpu_set_engine(machine_vcpu(m, 0), e) == -1) {
		machine_free(m);
		return NULL;
	}
	machine_set_console(m, discard, NULL);
	machine_clock_stop(m);
	machine_clock_set_ns(m, 0);
	return m;
}

/*
 * Trap handlers: x31 = xepc + 4; xepc = x31; xret.  Random code may
 * overwrite them, which is fine.
 */
#define M_HANDLER	0xf00
#define S_HANDLER	0xf40
static const uint32_t m_handler[] = {
	0x34102ff3, 0x004f8f93, 0x341f9073, 0x30200073,
};
static const uint32_t s_handler[] = {
	0x14102ff3, 0x004f8f93, 0x141f9073, 0x10200073,
};

static void
setup(struct machine *m, const uint8_t *data, const uint8_t *pages,
    size_t npages, int firmware)
{
	struct vcpu		*v = machine_vcpu(m, 0);
	struct cpu_context	 c;
	uint8_t			*ram = machine_gpa(m, MACHINE_RAM_BASE,
				    4 * 4096);
	uint64_t		 mode;
	unsigned		 i;

	memcpy(ram, pages, npages * 4096);
	memcpy(ram + M_HANDLER, m_handler, sizeof(m_handler));
	memcpy(ram + S_HANDLER, s_handler, sizeof(s_handler));
	/* SBI firmware delegates fetch faults to S: no paging there */
	mode = (data[1] & 3) == 0 || firmware ? 0 : (data[1] & 1) ? 8 : 9;
	cpu_reset(v, MACHINE_RAM_BASE, firmware ? CPU_PRIV_S :
	    (data[2] & 1) ? CPU_PRIV_S : CPU_PRIV_M);
	cpu_get_context(v, &c);
	for (i = 1; i < 32; i++)
		c.x[i] = MACHINE_RAM_BASE + (uint64_t)data[3 + i % 13] * 64 + i;
	/* traps skip the faulting instruction (handlers in the code page) */
	c.mtvec = MACHINE_RAM_BASE + M_HANDLER;
	c.stvec = MACHINE_RAM_BASE + S_HANDLER;
	if (!firmware)	/* fetch faults never go to S: its vector may fault */
		c.medeleg = ((uint64_t)data[14] << 8 | data[13]) &
		    ~((1ULL << 1) | (1ULL << 12));
	if (cpu_set_context(v, &c) == -1)
		abort();
	cpu_hsm_set(v, CPU_HSM_STARTED);
	if (mode != 0) {
		uint32_t csrw = 0x18001073u | (5u << 15);	/* csrw satp, t0 */

		cpu_set_reg(v, 5, (mode << 60) |
		    ((MACHINE_RAM_BASE >> 12) + 1 + (data[1] >> 7)));
		memcpy(ram + 4092, &csrw, 4);
		cpu_set_pc(v, MACHINE_RAM_BASE + 4092);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct machine_config	 cf = {
		.ram_bytes = 1 << 20, .ram_fd = -1, .nvcpus = 1,
		.firmware = 0, .name = "fuzz-jit",
	};
	struct machine		*ma, *mb;
	struct vcpu		*a, *b;
	struct cpu_context	 ca, cb;
	uint8_t			*pages;
	size_t			 i, ncode;
	unsigned		 rounds;

	if (len < HDR + 4)
		return 0;
	cf.firmware = data[0] & 1;
	if ((pages = calloc(4, 4096)) == NULL)
		return 0;
	ncode = (len - HDR) / 4 < 1024 ? (len - HDR) / 4 : 1024;
	for (i = 0; i < ncode; i++) {
		uint32_t w;

		memcpy(&w, data + HDR + 4 * i, 4);
		w = (data[0] & 2) ? filter(w) : gen(w);
		memcpy(pages + 4 * i, &w, 4);
	}
	if (len > HDR + 4096)
		memcpy(pages + 4096, data + HDR + 4096,
		    len - HDR - 4096 < 8192 ? len - HDR - 4096 : 8192);
	ma = make(&cf, CPU_ENGINE_INTERP);
	if ((mb = make(&cf, CPU_ENGINE_JIT)) == NULL) {
		machine_free(ma);
		free(pages);
		return 0;	/* no translator on this host */
	}
	a = machine_vcpu(ma, 0);
	b = machine_vcpu(mb, 0);
	setup(ma, data, pages, 4, cf.firmware);
	setup(mb, data, pages, 4, cf.firmware);
	free(pages);

	for (rounds = 0; rounds < MAX_ROUNDS && cpu_instret(b) < MAX_INSNS;
	    rounds++) {
		enum cpu_exit eb = cpu_run(b, 1), ea = CPU_EXIT_BUDGET;

		while (cpu_instret(a) < cpu_instret(b) &&
		    (ea = cpu_step(a)) == CPU_EXIT_BUDGET)
			;
		cpu_get_context(a, &ca);
		cpu_get_context(b, &cb);
		if (memcmp(&ca, &cb, sizeof(ca)) != 0 &&
		    ea == CPU_EXIT_BUDGET) {
			/* the block ended in a trap that retired nothing */
			uint64_t before = cpu_instret(a);

			ea = cpu_step(a);
			if (cpu_instret(a) != before)
				report("interpreter retired more", &ca, &cb);
			cpu_get_context(a, &ca);
		}
		if (memcmp(&ca, &cb, sizeof(ca)) != 0)
			report("state differs after a block", &ca, &cb);
		if (eb != CPU_EXIT_BUDGET && eb != CPU_EXIT_KICK) {
			if (ea != eb) {
				fprintf(stderr, "fuzz_cpu_jit: exits %d vs %d\n",
				    ea, eb);
				abort();
			}
			if (eb == CPU_EXIT_HCALL) {
				cpu_set_reg(a, 10, (uint64_t)-2);
				cpu_set_reg(b, 10, (uint64_t)-2);
			} else if (eb != CPU_EXIT_WFI) {
				break;
			}
		}
	}
	if (memcmp(machine_gpa(ma, MACHINE_RAM_BASE, 4 * 4096),
	    machine_gpa(mb, MACHINE_RAM_BASE, 4 * 4096), 4 * 4096) != 0) {
		fprintf(stderr, "fuzz_cpu_jit: RAM differs\n");
		abort();
	}
	machine_free(ma);
	machine_free(mb);
	return 0;
}
