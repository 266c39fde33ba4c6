/* What bench_hv and bench_wake share: pvecho's round trips with dom0, the daemon's CPU time. */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "benchlib.h"

int
echo_start(xc_interface *xch, const char *elf, uint64_t mem_kb,
    unsigned rounds, struct echo *e)
{
	int	gport;

	e->xce = NULL;
	if ((e->id = guest_create(xch, elf, 1, mem_kb)) == 0)
		return -1;
	/* pvecho reads how many notifies to answer from the store pfn. */
	xc_hvm_param_set(xch, e->id, HVM_PARAM_STORE_PFN, rounds);
	gport = xc_evtchn_alloc_unbound(xch, e->id, 0);
	xc_hvm_param_set(xch, e->id, HVM_PARAM_CONSOLE_EVTCHN,
	    (uint64_t)gport);
	if (gport < 0 || (e->xce = xenevtchn_open(NULL, 0)) == NULL ||
	    (e->port = xenevtchn_bind_interdomain(e->xce, e->id,
	    (uint32_t)gport)) < 0)
		return -1;
	xenevtchn_pending(e->xce);
	xenevtchn_unmask(e->xce, (uint32_t)e->port);
	if (xc_domain_unpause(xch, e->id) == -1)
		return -1;
	if (!console_wait(xch, "pvecho: ready", 10000)) {
		errno = ETIMEDOUT;
		return -1;
	}
	return 0;
}

int
echo_rounds(struct echo *e, unsigned n)
{
	struct pollfd	pfd = { .fd = xenevtchn_fd(e->xce), .events = POLLIN };
	unsigned	i;

	for (i = 0; i < n; i++) {
		xenevtchn_notify(e->xce, (uint32_t)e->port);
		if (poll(&pfd, 1, 5000) != 1) {
			errno = ETIMEDOUT;
			return -1;
		}
		xenevtchn_pending(e->xce);
		xenevtchn_unmask(e->xce, (uint32_t)e->port);
	}
	return 0;
}

void
echo_stop(xc_interface *xch, struct echo *e)
{
	if (e->xce != NULL)
		xenevtchn_close(e->xce);
	e->xce = NULL;
	if (e->id != 0)
		xc_domain_destroy(xch, e->id);
	e->id = 0;
}

static unsigned
thread_kind(const char *comm, const char *const prefix[], unsigned nkinds)
{
	unsigned	k;

	for (k = 0; k + 1 < nkinds; k++)
		if (strncmp(comm, prefix[k], strlen(prefix[k])) == 0)
			return k;
	return nkinds - 1;
}

void
daemon_cpu(const struct hvd *hvd, const char *const prefix[], unsigned nkinds,
    uint64_t cpu[])
{
	char		 path[320], buf[64];
	struct dirent	*de;
	DIR		*dir;
	FILE		*f;
	unsigned long long ns;
	unsigned	 k;

	memset(cpu, 0, sizeof(uint64_t) * nkinds);
	snprintf(path, sizeof(path), "/proc/%d/task", (int)hvd->pid);
	if ((dir = opendir(path)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/comm",
		    (int)hvd->pid, de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(buf, sizeof(buf), f) == NULL)
			buf[0] = '\0';
		fclose(f);
		k = thread_kind(buf, prefix, nkinds);
		snprintf(path, sizeof(path), "/proc/%d/task/%s/schedstat",
		    (int)hvd->pid, de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fscanf(f, "%llu", &ns) == 1)
			cpu[k] += ns;
		fclose(f);
	}
	closedir(dir);
}
