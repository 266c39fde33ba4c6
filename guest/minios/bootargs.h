/* The kernel command line (/chosen/bootargs, from `extra=` in the domain
 * config): which workload to run and a few knobs for tests. */
#ifndef MINIOS_BOOTARGS_H
#define MINIOS_BOOTARGS_H

#include <stddef.h>
#include <stdint.h>

enum workload {
	WL_IDLE,	/* block in WFI; wake only for ticks and events */
	WL_CPU,		/* every vCPU spins; for the scheduler */
	WL_DIRTY,	/* rewrite dirty_mib MiB each second; for migration */
};

struct bootargs {
	enum workload	workload;
	uint32_t	dirty_mib;	/* MiB/s for WL_DIRTY */
	uint32_t	wss_mib;	/* dirty working set; 0 = 4 x rate */
	int		dirty_check;	/* check each page's last pass first */
	uint32_t	selfcheck_mib;	/* self-check region; 0 = 256 KiB */
	int		selfcheck_boot;	/* print the self-check at boot */
	uint32_t	hz;		/* timer ticks per second */
	int		periodic;	/* a timer interrupt every tick, not
					 * only for the next event */
	uint32_t	tick_every;	/* print the tick count every N seconds; 0 = never */
	uint32_t	poweroff_after;	/* seconds; 0 = never */
	uint32_t	reboot_after;	/* seconds; 0 = never */
	int		console_sbi;	/* keep the SBI console even under PV */
	int		locktest;	/* every vCPU hammers one spinlock at boot */
	int		crash;		/* write to kernel text at boot: tests the
					 * fault path, W^X and on_crash */
};

void	bootargs_defaults(struct bootargs *ba);
/*
 * Parses cmdline word by word into ba.  Words it does not know (Linux's
 * console=hvc0 and friends) are skipped.  A known word with a bad value
 * stops the parse: returns -1 with a one-line reason in err and leaves ba
 * as it was.
 */
int	bootargs_parse(struct bootargs *ba, const char *cmdline, char *err,
	    size_t errlen);
const char *workload_name(enum workload wl);

#endif
