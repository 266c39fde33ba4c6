/* Opening files a client or a config names: never blocking, only of the kinds wanted. */
#ifndef XVM_LIB_FILE_H
#define XVM_LIB_FILE_H

#include <sys/types.h>

/* Kinds of file, for file_open_kind's 'kinds'. */
#define FILE_KIND_REGULAR	0x1
#define FILE_KIND_BLOCK		0x2

/*
 * Open 'path' with open(2)'s 'flags' plus O_NONBLOCK, O_NOCTTY and
 * O_CLOEXEC, so that a FIFO or a device cannot make the caller wait;
 * check with fstat that it is one of 'kinds', then clear O_NONBLOCK.
 * Returns the descriptor, or -1 with errno and *cause (caller frees),
 * "WHAT 'PATH': REASON": the error of open(2) (ENOENT, EACCES, ...), or
 * EINVAL for another kind of file ("is a FIFO, not a regular file").
 */
int	 file_open_kind(const char *path, int flags, int kinds,
	    const char *what, char **cause);

/* "a regular file", "a directory", "a FIFO", ... for st_mode. */
const char *file_kind_name(mode_t);

#endif
