/* A console's log file, rotated by size: NAME.log, NAME.log.1 ... NAME.log.5. */
#ifndef XVM_CONSOLE_LOGFILE_H
#define XVM_CONSOLE_LOGFILE_H

#include <stddef.h>
#include <stdint.h>

#define LOGFILE_ROTATE_AT	(1024 * 1024)
#define LOGFILE_KEEP		5

struct logfile {
	char		*path;
	int		 fd;
	uint64_t	 size;		/* of the current file */
	uint64_t	 limit;		/* rotate past this */
};

/*
 * Open (append, create 0640) 'path'; rotate once past 'limit' bytes (0:
 * LOGFILE_ROTATE_AT).  Returns 0 or -1 with errno.  The path is copied.
 */
int	 logfile_open(struct logfile *, const char *path, uint64_t limit);
void	 logfile_close(struct logfile *);

/* Append; rotates first when the file is full.  0 or -1 with errno. */
int	 logfile_write(struct logfile *, const char *, size_t);

/* Reopen the same path (after an external rotation: SIGHUP). */
int	 logfile_reopen(struct logfile *);

#endif
