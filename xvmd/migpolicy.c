/*
 * The live pre-copy policy (after Xen's and QEMU's, with one change).
 *
 * Each round resends the pages the last one left dirty, while the guest
 * dirties more.  The rounds converge when the guest dirties pages slower
 * than the link sends them: each round is shorter than the one before,
 * and so leaves fewer pages behind.  QEMU stops as soon as the dirty set
 * could be sent within its downtime target (300 ms by default); that
 * makes the downtime close to the target.  We keep going while a round
 * still shrinks the dirty set by a fifth or more -- each such round costs
 * little, since it is short -- and stop once it does not (or it is tiny),
 * so the downtime is what the guest's own dirtying rate leaves, not the
 * target.  The target still bounds it: a set that stopped shrinking but
 * would take longer than the target to send gets more rounds, until the
 * guest is seen to dirty faster than the link sends twice in a row (then
 * it can never fit; stop and take the downtime) or the round limit.
 *
 * Example: 120 MiB in use, 64 MiB/s dirtied, a link of 600 MiB/s.
 * Round 0 sends the 120 MiB in 0.2 s, the guest dirties 12.8 MiB (3277
 * pages) meanwhile; round 1 sends them in 21 ms and leaves 1.3 MiB (341
 * pages); round 2: 2.2 ms, 36 pages: under the floor, stop.  The last
 * copy sends 36 pages: the downtime is the guest's suspend and ~0.2 ms
 * of copying.  QEMU would have stopped after round 0, with 21 ms to copy.
 */
#include <xvm/xc_sr.h>
#include "xvmd/migpolicy.h"

#define PAGE		4096.0
#define SHRINK		0.8	/* a round that leaves more than this... */

int
migpolicy_round(struct migpolicy *p, const struct xc_sr_round *r)
{
	double	 secs = (double)r->ns / 1e9, sent_pps;
	int	 shrinking;

	/* What the link showed: a round of some size, else keep the old. */
	if (r->bytes >= 64 * 1024 && secs > 0)
		p->link_bps = (double)r->bytes / secs;
	p->dirty_pps = secs > 0 ? (double)r->dirty / secs : 0;
	p->expect_ns = p->link_bps > 0 ? (uint64_t)((double)r->dirty * PAGE /
	    p->link_bps * 1e9) : UINT64_MAX;
	shrinking = r->round == 0 ||
	    (double)r->dirty < SHRINK * (double)p->last_dirty;
	p->last_dirty = r->dirty;
	sent_pps = p->link_bps / PAGE;
	if (sent_pps > 0 && p->dirty_pps >= sent_pps * 0.95)
		p->outpaced++;
	else
		p->outpaced = 0;

	if (r->dirty <= MIGPOLICY_FLOOR_PAGES) {
		p->why = "the dirty pages are few";
		return 1;
	}
	if (r->round + 1 >= p->max_iters) {
		p->why = "the round limit";
		return 1;
	}
	if (!shrinking && p->expect_ns <= p->downtime_ns) {
		p->why = "the rounds stopped shrinking within the downtime "
		    "target";
		return 1;
	}
	if (p->outpaced >= 2) {
		p->why = "the guest dirties memory faster than the link sends "
		    "it";
		return 1;
	}
	return 0;
}
