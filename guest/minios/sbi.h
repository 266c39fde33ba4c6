/* SBI calls (RISC-V Supervisor Binary Interface v2.0): the only way this
 * kernel talks to whatever runs below it, OpenSBI or the xVM hypervisor. */
#ifndef MINIOS_SBI_H
#define MINIOS_SBI_H

#include <stdint.h>

#include <xvm/sbi.h>

struct sbiret {
	long	error;
	long	value;
};

struct sbiret	sbi_call(unsigned long eid, unsigned long fid, unsigned long a0,
		    unsigned long a1, unsigned long a2, unsigned long a3);
/* Probes the extensions once; later calls use the cached answers. */
void		sbi_init(void);
int		sbi_has_dbcn(void);
long		sbi_spec_version(void);
void		sbi_console_write(const char *s, unsigned long len);
void		sbi_set_timer(uint64_t deadline);
long		sbi_hart_start(unsigned long hartid, unsigned long start,
		    unsigned long opaque);
long		sbi_hart_status(unsigned long hartid);
long		sbi_send_ipi(unsigned long hart_mask, unsigned long mask_base);
/* Returns only if the firmware refuses; the caller then halts. */
long		sbi_system_reset(unsigned long type, unsigned long reason);

#endif
