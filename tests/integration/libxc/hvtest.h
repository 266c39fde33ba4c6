/* Integration tests of xvm-hypervisor through libxc: the daemon and guest helpers. */
#ifndef XVM_HVTEST_H
#define XVM_HVTEST_H

#include <stdint.h>
#include <sys/types.h>

#include <xvm/xenctrl.h>

/* The daemon under test, in a private --root. */
struct hvd {
	char	 root[64];
	pid_t	 pid;
};

/* Start xvm-hypervisor -F --root <tmp> -n ncpus; wait for privcmd. */
int	 hvd_start(struct hvd *, const char *binary, unsigned ncpus);
void	 hvd_stop(struct hvd *);		/* SIGTERM, wait, rm -rf */
/* Open fds and resident KiB of the daemon (from /proc). */
int	 hvd_usage(const struct hvd *, unsigned *fds, unsigned long *rss_kb);

/*
 * Create a domain (vcpus vCPUs, mem_kb of RAM) with guest ELF 'elf'
 * loaded and vCPU 0 set to start at its entry; paused.  Returns the
 * domid, or 0 with errno.
 */
uint32_t guest_create(xc_interface *, const char *elf, unsigned vcpus,
	    uint64_t mem_kb);
/* Our domain's info (flags, cpu time); 0 or -1. */
int	 guest_info(xc_interface *, uint32_t domid, xc_domaininfo_t *);
/* Wait up to ms for the console ring to contain 'text'; 1 if it did. */
int	 console_wait(xc_interface *, const char *text, unsigned ms);
void	 sleep_ms(unsigned ms);
uint64_t mono_ns(void);

#endif
