/* The live pre-copy policy: when to stop the rounds and copy the rest with the domain stopped. */
#ifndef XVM_XVMD_MIGPOLICY_H
#define XVM_XVMD_MIGPOLICY_H

#include <stdint.h>

struct xc_sr_round;

struct migpolicy {
	uint64_t	 downtime_ns;	/* target for the last copy (300 ms) */
	uint32_t	 max_iters;	/* rounds at most (30) */
	/* state, zero at the start */
	double		 link_bps;	/* bytes/s the link has shown */
	uint64_t	 last_dirty;
	uint32_t	 outpaced;	/* rounds in a row the guest won */
	/* the last decision, for logs and progress */
	double		 dirty_pps;	/* pages/s dirtied in the last round */
	uint64_t	 expect_ns;	/* last copy's time at link speed */
	const char	*why;		/* why the rounds ended */
};

/* Smaller dirty sets go in the last copy whatever else holds. */
#define MIGPOLICY_FLOOR_PAGES	64

/*
 * After each round: 1 to stop now (p->why says why), 0 for another.
 * Rounds go on while they shrink the dirty set; they stop when it is
 * tiny, when it stops shrinking and its copy would fit the downtime
 * target, when the guest dirties faster than the link sends twice in a
 * row, or at the round limit.  The worked example is in migpolicy.c.
 */
int	 migpolicy_round(struct migpolicy *, const struct xc_sr_round *);

#endif
