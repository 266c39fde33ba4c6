/* Memory admission: what the host can give domains, and who has it. */
#ifndef XVM_XVMD_MEMORY_H
#define XVM_XVMD_MEMORY_H

#include <stdint.h>

struct xvmd;

/* The host's memory as xvmd accounts it, in MiB. */
struct mem_account {
	int64_t	 total;		/* the host's RAM */
	int64_t	 dom0_min;	/* dom0-min-mem: kept for the host */
	int64_t	 committed;	/* the maxmem of every domain but Domain-0 */
	int64_t	 free;		/* total - dom0_min - committed (may be < 0) */
};

/*
 * Fill 'ma' from the hypervisor (its host pages and every domain's
 * max_pages) and the settings.  0, or -1 with errno.
 */
int	 mem_account(struct xvmd *, struct mem_account *ma);

/*
 * xend's rule: may 'mib' more MiB go to a domain ('what' names it in the
 * message, e.g. "domain web1")?  Every domain's maxmem counts, so that
 * they all fit at once, beside dom0-min-mem for the host.  0, or ENOMEM
 * with *cause naming the figures -- unless memory-overcommit is set
 * (then 0, logged).  EIO with *cause if the hypervisor cannot say.
 */
int	 mem_admit(struct xvmd *, int64_t mib, const char *what,
	    char **cause);

#endif
