/* A token bucket: how many bytes a guest may send, per second, on average. */
#ifndef XVM_LIB_RATELIMIT_H
#define XVM_LIB_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

struct ratelimit {
	uint64_t	 rate;		/* bytes per second; 0 = unlimited */
	uint64_t	 burst;		/* the bucket's size */
	uint64_t	 tokens;	/* available now, at most 'burst' */
	uint64_t	 last_ns;	/* when tokens were last added */
};

/* A full bucket of 'rate' bytes (a second's worth). */
void	 ratelimit_init(struct ratelimit *, uint64_t rate, uint64_t now_ns);
/* A full bucket of 'burst' bytes, refilled at 'rate'. */
void	 ratelimit_init_burst(struct ratelimit *, uint64_t rate,
	    uint64_t burst, uint64_t now_ns);

/* How many of 'want' bytes may go now; they are taken from the bucket. */
size_t	 ratelimit_take(struct ratelimit *, size_t want, uint64_t now_ns);

/* All of 'want' bytes, taken (1), or none (0): for whole messages. */
int	 ratelimit_take_all(struct ratelimit *, size_t want, uint64_t now_ns);

/* Nanoseconds until at least one byte may go (0 if now). */
uint64_t ratelimit_wait_ns(const struct ratelimit *, uint64_t now_ns);

#endif
