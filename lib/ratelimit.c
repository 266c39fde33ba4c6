/* A token bucket: how many bytes a guest may send, per second, on average. */
#include "lib/ratelimit.h"

void
ratelimit_init_burst(struct ratelimit *rl, uint64_t rate, uint64_t burst,
    uint64_t now_ns)
{
	rl->rate = rate;
	rl->burst = burst;
	rl->tokens = burst;	/* a full bucket to start */
	rl->last_ns = now_ns;
}

void
ratelimit_init(struct ratelimit *rl, uint64_t rate, uint64_t now_ns)
{
	ratelimit_init_burst(rl, rate, rate, now_ns);
}

static void
refill(struct ratelimit *rl, uint64_t now_ns)
{
	uint64_t	 ms, add;

	if (now_ns <= rl->last_ns)
		return;
	ms = (now_ns - rl->last_ns) / 1000000;
	/* Long enough to fill the bucket: full (and no overflow below). */
	if (ms > rl->burst * 1000 / rl->rate) {
		rl->tokens = rl->burst;
		rl->last_ns = now_ns;
		return;
	}
	add = rl->rate * ms / 1000;
	if (add == 0)
		return;			/* let small rates accumulate */
	rl->tokens = rl->tokens + add > rl->burst ? rl->burst :
	    rl->tokens + add;
	rl->last_ns = now_ns;
}

size_t
ratelimit_take(struct ratelimit *rl, size_t want, uint64_t now_ns)
{
	size_t	 n;

	if (rl->rate == 0)
		return want;
	refill(rl, now_ns);
	n = want < rl->tokens ? want : (size_t)rl->tokens;
	rl->tokens -= n;
	return n;
}

int
ratelimit_take_all(struct ratelimit *rl, size_t want, uint64_t now_ns)
{
	if (rl->rate == 0)
		return 1;
	refill(rl, now_ns);
	if (want > rl->tokens)
		return 0;
	rl->tokens -= want;
	return 1;
}

uint64_t
ratelimit_wait_ns(const struct ratelimit *rl, uint64_t now_ns)
{
	uint64_t	 per_byte, since;

	if (rl->rate == 0 || rl->tokens > 0)
		return 0;
	/* One byte's worth of time, rounded up to refill()'s milliseconds. */
	per_byte = (1000000000 + rl->rate - 1) / rl->rate;
	per_byte = (per_byte + 999999) / 1000000 * 1000000;
	since = now_ns > rl->last_ns ? now_ns - rl->last_ns : 0;
	return since >= per_byte ? 0 : per_byte - since;
}
