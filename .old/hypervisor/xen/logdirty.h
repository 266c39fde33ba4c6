/* Log-dirty mode: which guest pages were written, for live migration. */
#ifndef XVM_HV_LOGDIRTY_H
#define XVM_HV_LOGDIRTY_H

#include <stddef.h>
#include <stdint.h>

struct domain;

/*
 * On: every view of the domain's RAM in this process (the hypervisor's,
 * and the CPU core's, from machine glue) is write-protected; the first
 * write to a page faults, the SIGSEGV handler marks the page in the dirty
 * bitmap and lets the write through.  Off: all writable again.  0 or a
 * positive errno.  Views of other processes (dom0's foreign mappings)
 * are not tracked.
 */
int	 logdirty_enable(struct domain *, void *cpu_view);
int	 logdirty_disable(struct domain *);
int	 logdirty_enabled(struct domain *);

/*
 * Copy the bits of frames [first, first + count) (count a multiple of 64,
 * frame 0 = gpa 0x80000000) into out; with clean, those pages are
 * write-protected again and their bits cleared — a write racing with the
 * clean is never lost.  0 or a positive errno (EINVAL range, ENOENT off).
 */
int	 logdirty_peek(struct domain *, uint64_t first, uint64_t count,
	    uint64_t *out, int clean);

/* The domain is being freed: its views writable, its slot emptied. */
void	 logdirty_domain_gone(struct domain *);

#endif
