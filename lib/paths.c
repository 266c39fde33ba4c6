/* The --root / XVM_ROOT resolver: where run/, var/ and etc/ live. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/paths.h"
#include "lib/str.h"

static char root_dir[PATH_MAX];

int
xvm_paths_init(const char *root)
{
	char	 cwd[PATH_MAX], tmp[PATH_MAX];
	size_t	 len;
	int	 n;

	if (root == NULL || *root == '\0')
		root = getenv("XVM_ROOT");
	if (root == NULL || *root == '\0') {
		root_dir[0] = '\0';
		return 0;
	}
	if (root[0] != '/') {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return -1;
		n = snprintf(tmp, sizeof(tmp), "%s/%s", cwd, root);
	} else
		n = snprintf(tmp, sizeof(tmp), "%s", root);
	if (n < 0 || (size_t)n >= sizeof(tmp) - 64) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* Trailing slashes would double up in every joined path. */
	len = strlen(tmp);
	while (len > 1 && tmp[len - 1] == '/')
		tmp[--len] = '\0';
	if (xvm_mkdirs(tmp, 0755) == -1)
		return -1;
	strlcpy(root_dir, strcmp(tmp, "/") == 0 ? "" : tmp, sizeof(root_dir));
	/*
	 * What --root chose holds for everything in the process that finds
	 * paths by XVM_ROOT alone -- libxenstore (which has no lib/) -- and
	 * for the programs it starts.
	 */
	if (setenv("XVM_ROOT", tmp, 1) == -1)
		return -1;
	return 0;
}

const char *
xvm_root(void)
{
	return root_dir;
}

int
xvm_path_buf(char *buf, size_t size, const char *rel)
{
	int	 n;

	while (*rel == '/')
		rel++;
	n = snprintf(buf, size, "%s/%s", root_dir, rel);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

char *
xvm_path(const char *rel)
{
	char	 tmp[PATH_MAX];

	if (xvm_path_buf(tmp, sizeof(tmp), rel) == -1)
		return NULL;
	return strdup(tmp);
}

int
xvm_mkdirs(const char *path, mode_t mode)
{
	char	 tmp[PATH_MAX];
	char	*p;

	if (str_copy(tmp, path, sizeof(tmp)) == -1)
		return -1;
	for (p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, mode) == -1 && errno != EEXIST)
		return -1;
	return 0;
}
