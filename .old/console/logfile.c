/* A console's log file, rotated by size: NAME.log, NAME.log.1 ... NAME.log.5. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console/logfile.h"
#include "lib/sock.h"

static int
open_fd(struct logfile *lf)
{
	struct stat	 st;

	lf->fd = open(lf->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (lf->fd == -1)
		return -1;
	lf->size = fstat(lf->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

int
logfile_open(struct logfile *lf, const char *path, uint64_t limit)
{
	memset(lf, 0, sizeof(*lf));
	lf->fd = -1;
	lf->limit = limit ? limit : LOGFILE_ROTATE_AT;
	if ((lf->path = strdup(path)) == NULL)
		return -1;
	if (open_fd(lf) == -1) {
		free(lf->path);
		lf->path = NULL;
		return -1;
	}
	return 0;
}

void
logfile_close(struct logfile *lf)
{
	if (lf->fd != -1)
		close(lf->fd);
	lf->fd = -1;
	free(lf->path);
	lf->path = NULL;
}

int
logfile_reopen(struct logfile *lf)
{
	if (lf->fd != -1)
		close(lf->fd);
	return open_fd(lf);
}

/* NAME.log.4 -> .5, ..., NAME.log -> .1; the oldest falls off. */
static int
rotate(struct logfile *lf)
{
	char	 from[PATH_MAX], to[PATH_MAX];
	int	 i;

	for (i = LOGFILE_KEEP - 1; i >= 0; i--) {
		if (i == 0)
			snprintf(from, sizeof(from), "%s", lf->path);
		else
			snprintf(from, sizeof(from), "%s.%d", lf->path, i);
		snprintf(to, sizeof(to), "%s.%d", lf->path, i + 1);
		if (rename(from, to) == -1 && errno != ENOENT)
			return -1;
	}
	return logfile_reopen(lf);
}

int
logfile_write(struct logfile *lf, const char *p, size_t len)
{
	if (lf->fd == -1) {
		errno = EBADF;
		return -1;
	}
	if (lf->size > 0 && lf->size + len > lf->limit && rotate(lf) == -1)
		return -1;
	if (fd_write_all(lf->fd, p, len) == -1)
		return -1;
	lf->size += len;
	return 0;
}
