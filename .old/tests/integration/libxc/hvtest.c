/* Integration tests of xvm-hypervisor through libxc: the daemon and guest helpers. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hvtest.h"

uint64_t
mono_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void
sleep_ms(unsigned ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int
hvd_start(struct hvd *h, const char *binary, unsigned ncpus)
{
	char		 n[16], sock[128];
	struct stat	 st;
	xc_interface	*xch;
	int		 i;

	snprintf(h->root, sizeof(h->root), "/tmp/xvm-hvtest-XXXXXX");
	if (mkdtemp(h->root) == NULL)
		return -1;
	snprintf(n, sizeof(n), "%u", ncpus);
	snprintf(sock, sizeof(sock), "%s/run/xvm/privcmd", h->root);
	if ((h->pid = fork()) == -1)
		return -1;
	if (h->pid == 0) {
		/*
		 * Under AddressSanitizer, freed memory waits in a quarantine
		 * that would read as growth: the memory checks want it off.
		 */
		const char	*asan = getenv("ASAN_OPTIONS");
		char		 opts[512];

		snprintf(opts, sizeof(opts), "%s%squarantine_size_mb=0:"
		    "thread_local_quarantine_size_kb=0", asan ? asan : "",
		    asan ? ":" : "");
		setenv("ASAN_OPTIONS", opts, 1);
		/* A test that dies takes its daemon along. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execl(binary, binary, "-F", "--root", h->root, "-n", n,
		    (char *)NULL);
		_exit(127);
	}
	/* Ready when a client gets through (the file exists before listen). */
	setenv("XVM_ROOT", h->root, 1);
	for (i = 0; i < 2000; i++) {
		if (stat(sock, &st) == 0 &&
		    (xch = xc_interface_open(NULL, NULL, 0)) != NULL) {
			xc_interface_close(xch);
			return 0;
		}
		sleep_ms(10);
	}
	return -1;
}

void
hvd_stop(struct hvd *h)
{
	char	cmd[128];
	int	status;

	if (h->pid > 0) {
		kill(h->pid, SIGTERM);
		waitpid(h->pid, &status, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", h->root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", h->root);
}

int
hvd_usage(const struct hvd *h, unsigned *fds, unsigned long *rss_kb)
{
	char		 path[64], line[256];
	DIR		*dir;
	FILE		*f;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)h->pid);
	if ((dir = opendir(path)) == NULL)
		return -1;
	*fds = 0;
	while (readdir(dir) != NULL)
		(*fds)++;
	closedir(dir);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)h->pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	*rss_kb = 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %lu", rss_kb) == 1)
			break;
	fclose(f);
	return 0;
}

uint32_t
guest_create(xc_interface *xch, const char *elf, unsigned vcpus,
    uint64_t mem_kb)
{
	struct xen_domctl_createdomain	c;
	vcpu_guest_context_t		ctx;
	uint64_t			entry;
	uint32_t			id = 0;

	memset(&c, 0, sizeof(c));
	c.max_vcpus = vcpus;
	c.max_mem_kb = mem_kb;
	if (xc_domain_create(xch, &id, &c) == -1)
		return 0;
	memset(&ctx, 0, sizeof(ctx));
	if (xc_dom_load_elf(xch, id, elf, &entry) == -1)
		goto fail;
	ctx.pc = entry;
	ctx.x[10] = 0;
	if (xc_vcpu_setcontext(xch, id, 0, &ctx) == -1)
		goto fail;
	return id;
fail:
	xc_domain_destroy(xch, id);
	return 0;
}

int
guest_info(xc_interface *xch, uint32_t domid, xc_domaininfo_t *info)
{
	if (xc_domain_getinfolist(xch, domid, 1, info) != 1 ||
	    info->domain != domid)
		return -1;
	return 0;
}

int
console_wait(xc_interface *xch, const char *text, unsigned ms)
{
	static char	ring[65536];
	unsigned	n;
	uint64_t	end = mono_ns() + (uint64_t)ms * 1000000;

	do {
		n = sizeof(ring) - 1;
		if (xc_readconsolering(xch, ring, &n, 0, 0, NULL) == 0) {
			ring[n] = '\0';
			if (strstr(ring, text) != NULL)
				return 1;
		}
		sleep_ms(20);
	} while (mono_ns() < end);
	return 0;
}
