/* What the SMF commands share: --root, the repository, svc.startd's socket, patterns. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/paths.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "smf/client.h"
#include "smf/fmri.h"
#include "smf/proto.h"
#include "smf/repo.h"
#include "smf/smf.h"

void
smf_cmd_init(const char *prog, int *argc, char **argv)
{
	const char	*root = NULL;
	int		 i, j;

	log_init(prog, 1, 0);
	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--root") == 0 && i + 1 < *argc) {
			root = argv[i + 1];
			for (j = i; j + 2 <= *argc; j++)
				argv[j] = argv[j + 2];
			*argc -= 2;
			i--;
		} else if (strncmp(argv[i], "--root=", 7) == 0) {
			root = argv[i] + 7;
			for (j = i; j + 1 <= *argc; j++)
				argv[j] = argv[j + 1];
			*argc -= 1;
			i--;
		}
	}
	if (xvm_paths_init(root) == -1) {
		log_warn("--root %s", root != NULL ? root : "(XVM_ROOT)");
		exit(2);
	}
}

struct repo *
smf_cmd_repo(int create)
{
	struct repo	*r;
	char		 path[4096], *cause = NULL;

	if (xvm_path_buf(path, sizeof(path), SMF_REPO_PATH) == -1) {
		log_warnx("repository path too long");
		exit(1);
	}
	if (!create && access(path, F_OK) == -1) {
		log_warnx("no repository at %s (svc.startd has not run, nor "
		    "svccfg import)", path);
		exit(1);
	}
	if ((r = repo_open(path, create, &cause)) == NULL) {
		log_warnx("repository: %s", cause);
		free(cause);
		exit(1);
	}
	return r;
}

int
smf_cmd_call(uint32_t type, int argc, const char *const *argv, char **msg)
{
	char	 path[4096];

	if (xvm_path_buf(path, sizeof(path), SMF_SOCK_PATH) == -1)
		return -1;
	return ctl_call(path, type, argc, argv, msg);
}

pid_t
smf_startd_pid(void)
{
	char	 path[4096], line[32];
	ssize_t	 n;
	int64_t	 pid;
	int	 fd;

	if (xvm_path_buf(path, sizeof(path), SMF_PID_PATH) == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	if (str_to_i64(line, 1, INT32_MAX, &pid) == -1)
		return 0;
	return (pid_t)pid;
}

size_t
smf_match(const char *pattern, const struct repo_inst *all, size_t nall,
    size_t *idx, size_t max)
{
	size_t	 i, n = 0;

	for (i = 0; i < nall; i++) {
		if (!fmri_match(pattern, all[i].svc, all[i].inst))
			continue;
		if (n < max)
			idx[n] = i;
		n++;
	}
	return n;
}
