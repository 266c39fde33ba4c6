/* What the SMF commands share: --root, the repository, svc.startd's socket, patterns. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

struct pinfo {
	pid_t	 pid;
	pid_t	 ppid;
	int	 mine;
};

static int
proc_ppid(pid_t pid, pid_t *ppid)
{
	char	 path[64], buf[512], *p;
	ssize_t	 n;
	int	 fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* "pid (comm) S ppid ...": comm may hold spaces and parentheses. */
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ' || p[2] == 'Z' ||
	    p[2] == 'X')
		return -1;
	*ppid = (pid_t)strtol(p + 4, NULL, 10);
	return 0;
}

/*
 * Every live process, marked when it descends from 'ancestor': one pass
 * over /proc for the parent links, then the marks spread down the tree.
 */
static struct pinfo *
proc_tree(pid_t ancestor, size_t *np)
{
	DIR		*d;
	struct dirent	*de;
	struct pinfo	*v = NULL;
	size_t		 n = 0, cap = 0, i, j;
	pid_t		 pid, ppid;
	int		 changed;

	*np = 0;
	if ((d = opendir("/proc")) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)strtol(de->d_name, NULL, 10);
		if (pid == ancestor || proc_ppid(pid, &ppid) == -1)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n].pid = pid;
		v[n].ppid = ppid;
		v[n].mine = ppid == ancestor;
		n++;
	}
	closedir(d);
	do {
		changed = 0;
		for (i = 0; i < n; i++) {
			if (v[i].mine)
				continue;
			for (j = 0; j < n; j++)
				if (v[j].mine && v[j].pid == v[i].ppid) {
					v[i].mine = changed = 1;
					break;
				}
		}
	} while (changed);
	*np = n;
	return v;
}

/*
 * Does pid's initial environment hold "SMF_FMRI=<fmri>" (want) and the
 * root marker ("XVM_ROOT=<root>", or no XVM_ROOT at all for the system
 * root)?  A process in the middle of execve() briefly shows an empty
 * environment; for our own descendants (retry) an empty one is read again
 * after a moment rather than taken as "not ours".
 */
static int
env_matches(pid_t pid, const char *want, size_t wlen, const char *root,
    int retry)
{
	struct timespec	 nap = { 0, 2 * 1000 * 1000 };
	char		 path[64], buf[65536], *p, *end;
	size_t		 len = 0, rlen = strlen(root);
	ssize_t		 n;
	int		 fd, tries, fmri = 0, rootok = rlen == 0;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	for (tries = 0; tries < (retry ? 10 : 1); tries++) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			return 0;
		len = 0;
		while (len < sizeof(buf) - 1 &&
		    (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
			len += (size_t)n;
		close(fd);
		if (len > 0)
			break;
		nanosleep(&nap, NULL);
	}
	buf[len] = '\0';
	for (p = buf, end = buf + len; p < end; p += strlen(p) + 1) {
		if (strlen(p) == wlen && memcmp(p, want, wlen) == 0)
			fmri = 1;
		else if (strncmp(p, "XVM_ROOT=", 9) == 0)
			rootok = rlen > 0 && strcmp(p + 9, root) == 0;
	}
	return fmri && rootok;
}

size_t
smf_contract_pids(pid_t ancestor, const char *fmri, const char *root,
    pid_t *out, size_t max)
{
	struct pinfo	*v;
	char		 want[512];
	size_t		 wlen, n = 0, nv, i;

	wlen = (size_t)snprintf(want, sizeof(want), "SMF_FMRI=%s", fmri);
	if (wlen >= sizeof(want))
		return 0;
	v = proc_tree(ancestor, &nv);
	for (i = 0; i < nv; i++) {
		if (ancestor > 0 && !v[i].mine)
			continue;
		if (v[i].pid == getpid() || !env_matches(v[i].pid, want, wlen,
		    root, v[i].mine))
			continue;
		if (n < max)
			out[n] = v[i].pid;
		n++;
	}
	free(v);
	return n;
}
