/*
 * Fuzz target: random instruction words and random page tables on a small
 * machine.  The input fills the first page of RAM (code, run in S- or
 * M-mode), a page-table page, satp and a few registers; the hart runs for
 * a bounded budget.  Whatever the bytes, the host must neither crash nor
 * hang: only guest exceptions may result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hypervisor/cpu/cpu.h"
#include "hypervisor/machine.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
discard(void *arg, const char *buf, size_t len)
{
	(void)arg;
	(void)buf;
	(void)len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct machine_config	 cf = {
		.ram_bytes = 1 << 20, .ram_fd = -1, .nvcpus = 1,
		.firmware = 0, .name = "fuzz",
	};
	struct machine		*m;
	struct vcpu		*v;
	char			*cause = NULL;
	uint8_t			*ram;
	uint64_t		 satp, mode;
	unsigned		 i, rounds;

	if (len < 16)
		return 0;
	cf.firmware = data[0] & 1;
	if ((m = machine_new(&cf, &cause)) == NULL) {
		free(cause);
		return 0;
	}
	machine_set_console(m, discard, NULL);
	v = machine_vcpu(m, 0);
	ram = machine_gpa(m, MACHINE_RAM_BASE, 3 * 4096);
	/* page 0: code; pages 1-2: page tables pointing anywhere */
	memcpy(ram, data + 16, len - 16 < 4096 ? len - 16 : 4096);
	if (len > 16 + 4096)
		memcpy(ram + 4096, data + 16 + 4096,
		    len - 16 - 4096 < 8192 ? len - 16 - 4096 : 8192);
	mode = (data[1] & 3) == 0 ? 0 : (data[1] & 1) ? 8 : 9;
	satp = (mode << 60) | ((MACHINE_RAM_BASE >> 12) + 1 + (data[1] >> 7));
	cpu_reset(v, MACHINE_RAM_BASE, cf.firmware ? CPU_PRIV_S :
	    (data[2] & 1) ? CPU_PRIV_S : CPU_PRIV_M);
	for (i = 1; i < 32; i++)
		cpu_set_reg(v, i, MACHINE_RAM_BASE + (uint64_t)data[3 + i % 13] *
		    64 + i);
	cpu_hsm_set(v, CPU_HSM_STARTED);
	if (mode != 0) {
		/* install satp through the CSR path, as a guest would */
		uint32_t csrw = 0x18001073u | (5u << 15);	/* csrw satp, t0 */

		cpu_set_reg(v, 5, satp);
		memcpy(ram + 4092, &csrw, 4);
		cpu_set_pc(v, MACHINE_RAM_BASE + 4092);
	}
	for (rounds = 0; rounds < 8; rounds++) {
		enum cpu_exit e = cpu_run(v, 20000);

		if (e == CPU_EXIT_SHUTDOWN || e == CPU_EXIT_FATAL ||
		    e == CPU_EXIT_STOPPED)
			break;
		if (e == CPU_EXIT_HCALL)
			cpu_set_reg(v, 10, (uint64_t)-2);
	}
	machine_free(m);
	return 0;
}
