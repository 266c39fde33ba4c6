/* Opening files a client or a config names: never blocking, only of the kinds wanted. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/file.h"
#include "lib/xmalloc.h"

const char *
file_kind_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFIFO:
		return "a FIFO";
	case S_IFSOCK:
		return "a socket";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFLNK:
		return "a symbolic link";
	default:
		return "an unknown kind of file";
	}
}

static const char *
wanted(int kinds)
{
	switch (kinds) {
	case FILE_KIND_REGULAR:
		return "a regular file";
	case FILE_KIND_BLOCK:
		return "a block device";
	default:
		return "a regular file or a block device";
	}
}

int
file_open_kind(const char *path, int flags, int kinds, const char *what,
    char **cause)
{
	struct stat	 st;
	int		 fd, fl, saved;

	/* O_NONBLOCK: a FIFO with no writer would block open(2) itself. */
	if ((fd = open(path, flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) ==
	    -1) {
		saved = errno;
		xasprintf(cause, "%s '%s': %s", what, path,
		    saved == ENXIO ? "not a regular file (a device or a FIFO "
		    "with no reader)" : strerror(saved));
		errno = saved;
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		saved = errno;
		xasprintf(cause, "%s '%s': %s", what, path, strerror(saved));
		goto fail;
	}
	if (!((kinds & FILE_KIND_REGULAR) && S_ISREG(st.st_mode)) &&
	    !((kinds & FILE_KIND_BLOCK) && S_ISBLK(st.st_mode))) {
		xasprintf(cause, "%s '%s' is %s, not %s", what, path,
		    file_kind_name(st.st_mode), wanted(kinds));
		saved = EINVAL;
		goto fail;
	}
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		saved = errno;
		xasprintf(cause, "%s '%s': %s", what, path, strerror(saved));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	errno = saved;
	return -1;
}
