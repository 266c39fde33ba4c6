/*
 * Which processes belong to which SMF contract (startd/contract.c says
 * why this is the contract).  One pass reads every /proc/PID/stat for the
 * parent links; descendants are found by walking those links through a
 * sorted table; then only the candidates' /proc/PID/environ is read.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/xmalloc.h"
#include "smf/procs.h"

struct pinfo {
	pid_t	 pid;
	pid_t	 ppid;
	int	 mine;		/* -1 unknown, 0 no, 1 a descendant */
};

static int
read_ppid(pid_t pid, pid_t *ppid)
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

static int
cmp_pid(const void *a, const void *b)
{
	const struct pinfo *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static struct pinfo *
lookup(struct pinfo *v, size_t n, pid_t pid)
{
	struct pinfo	 key = { pid, 0, 0 };

	return bsearch(&key, v, n, sizeof(*v), cmp_pid);
}

/* Is v[i] a descendant of ancestor?  Memoized along the walk. */
static int
descends(struct pinfo *v, size_t n, struct pinfo *p, pid_t ancestor)
{
	struct pinfo	*chain[64], *q;
	size_t		 depth = 0, k;
	int		 mine = 0;

	for (q = p; q != NULL && depth < 64; depth++) {
		if (q->mine != -1) {
			mine = q->mine;
			break;
		}
		chain[depth] = q;
		if (q->ppid == ancestor) {
			mine = 1;
			depth++;
			break;
		}
		q = q->ppid > 1 ? lookup(v, n, q->ppid) : NULL;
	}
	for (k = 0; k < depth && k < 64; k++)
		chain[k]->mine = mine;
	return mine;
}

/*
 * The SMF_FMRI of pid's initial environment if its XVM_ROOT matches.
 * A process in the middle of execve() briefly shows an empty
 * environment; a descendant of ours (retry) is read again after a moment
 * rather than taken as "not ours".
 */
static char *
env_fmri(pid_t pid, const char *root, int retry)
{
	struct timespec	 nap = { 0, 2 * 1000 * 1000 };
	char		 path[64], buf[65536], *p, *end;
	const char	*fmri = NULL;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, tries, rootok = *root == '\0';

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	for (tries = 0; tries < (retry ? 10 : 1); tries++) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			return NULL;
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
		if (strncmp(p, "SMF_FMRI=", 9) == 0)
			fmri = p + 9;
		else if (strncmp(p, "XVM_ROOT=", 9) == 0)
			rootok = *root != '\0' && strcmp(p + 9, root) == 0;
	}
	return fmri != NULL && rootok ? xstrdup(fmri) : NULL;
}

int
smf_procs_scan(pid_t ancestor, const char *root, struct smf_procs *out)
{
	DIR		*d;
	struct dirent	*de;
	struct pinfo	*v = NULL;
	size_t		 n = 0, cap = 0, i;
	pid_t		 pid, ppid, self = getpid();

	memset(out, 0, sizeof(*out));
	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)strtol(de->d_name, NULL, 10);
		if (pid == self || pid == ancestor ||
		    read_ppid(pid, &ppid) == -1)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n].pid = pid;
		v[n].ppid = ppid;
		v[n].mine = -1;
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_pid);
	out->v = xcalloc(n ? n : 1, sizeof(*out->v));
	for (i = 0; i < n; i++) {
		if (ancestor > 0 && !descends(v, n, &v[i], ancestor))
			continue;
		out->v[out->n].pid = v[i].pid;
		out->v[out->n].fmri = env_fmri(v[i].pid, root, ancestor > 0);
		if (out->v[out->n].fmri != NULL)
			out->n++;
	}
	free(v);
	return 0;
}

void
smf_procs_free(struct smf_procs *p)
{
	size_t	 i;

	for (i = 0; i < p->n; i++)
		free(p->v[i].fmri);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

size_t
smf_procs_find(const struct smf_procs *p, const char *fmri, pid_t *out,
    size_t max)
{
	size_t	 i, n = 0;

	for (i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].fmri, fmri) != 0)
			continue;
		if (n < max)
			out[n] = p->v[i].pid;
		n++;
	}
	return n;
}

size_t
smf_contract_pids(pid_t ancestor, const char *fmri, const char *root,
    pid_t *out, size_t max)
{
	struct smf_procs	 p;
	size_t			 n;

	if (smf_procs_scan(ancestor, root, &p) == -1)
		return 0;
	n = smf_procs_find(&p, fmri, out, max);
	smf_procs_free(&p);
	return n;
}
