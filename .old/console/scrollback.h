/* The last bytes a console printed, replayed to each client that attaches. */
#ifndef XVM_CONSOLE_SCROLLBACK_H
#define XVM_CONSOLE_SCROLLBACK_H

#include <stddef.h>
#include <stdint.h>

#define SCROLLBACK_SIZE	(64 * 1024)

struct scrollback {
	char		 data[SCROLLBACK_SIZE];
	uint64_t	 total;		/* bytes ever added */
};

void	 scrollback_add(struct scrollback *, const char *, size_t);

/*
 * Copy the kept bytes, oldest first, into out (size SCROLLBACK_SIZE);
 * returns how many.
 */
size_t	 scrollback_get(const struct scrollback *, char *out);

#endif
