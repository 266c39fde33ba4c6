/*
 * Save, restore and live pre-copy of a mini-OS domain through libxc, against
 * xvm-hypervisor in a private --root.  Prints one line per figure.
 *
 *   bench_save XVM_HYPERVISOR MINIOS_ELF MEM_MIB DIRTY_MIB_S
 *
 * DIRTY_MIB_S 0: the guest idles; else its dirty= workload rewrites that
 * much memory per second while it is saved live.  XENSTORED: our store
 * daemon, run beside the hypervisor, since the mini-OS waits for its
 * xenstore ring before it starts a workload.
 */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xvm/xc_dom.h>
#include <xvm/xc_sr.h>
#include <xvm/xenstore.h>

#include "hvtest.h"

static xc_interface	*xch;
static struct xs_handle	*xs;
static uint32_t		 src;
static uint64_t		 t_suspend;
static unsigned		 rounds;
static uint64_t		 resent;

static void
die(const char *what)
{
	fprintf(stderr, "bench_save: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint32_t
boot(const char *elf, uint64_t mem_mib, unsigned dirty)
{
	struct xen_domctl_createdomain	 c;
	struct xc_dom_config		 dc;
	struct xc_dom_image		 img;
	char				 cmd[64];
	uint32_t			 id = 0;

	memset(&c, 0, sizeof(c));
	c.max_vcpus = 1;
	c.max_mem_kb = mem_mib << 10;
	if (xc_domain_create(xch, &id, &c) == -1)
		die("create");
	if (dirty > 0)
		snprintf(cmd, sizeof(cmd), "dirty=%u ticks=0", dirty);
	else
		snprintf(cmd, sizeof(cmd), "ticks=0");
	memset(&dc, 0, sizeof(dc));
	dc.kernel = elf;
	dc.cmdline = cmd;
	dc.vcpus = 1;
	dc.mem_kb = mem_mib << 10;
	if (xc_dom_build(xch, id, &dc, &img) == -1)
		die("build");
	if (!xs_introduce_domain(xs, id, (unsigned long)img.store_pfn,
	    img.store_port))
		die("introduce");
	if (xc_domain_unpause(xch, id) == -1)
		die("unpause");
	return id;
}

static int
stop(void *data)
{
	(void)data;
	t_suspend = mono_ns();
	return xc_domain_pause(xch, src) == 0;
}

static int
on_round(const struct xc_sr_round *r, void *data)
{
	(void)data;
	rounds = r->round + 1;
	if (r->round > 0)
		resent += r->sent;
	return 0;
}

struct rx {
	int		 fd;
	uint32_t	 dom;
	uint64_t	 done;
	int		 rc;
};

static void *
receiver(void *arg)
{
	struct rx	*rx = arg;

	rx->rc = xc_domain_restore(xch, rx->fd, &rx->dom, NULL);
	rx->done = mono_ns();
	return NULL;
}

int
main(int argc, char *argv[])
{
	struct save_callbacks	 scb = { .suspend = stop, .round = on_round };
	struct hvd		 hvd;
	struct rx		 rx = { 0 };
	struct stat		 st;
	pthread_t		 th;
	char			 file[128];
	uint64_t		 mem, t0, t1;
	unsigned		 dirty;
	uint32_t		 dst;
	pid_t			 xsd;
	int			 fd, p[2], i;

	if (argc != 6) {
		fprintf(stderr, "usage: bench_save xvm-hypervisor xenstored "
		    "minios.elf MEM_MIB DIRTY_MIB_S\n");
		return 2;
	}
	mem = strtoull(argv[4], NULL, 10);
	dirty = (unsigned)strtoul(argv[5], NULL, 10);
	if (hvd_start(&hvd, argv[1], 2) == -1 ||
	    (xch = xc_interface_open(NULL, NULL, 0)) == NULL)
		die("starting xvm-hypervisor");
	snprintf(file, sizeof(file), "%s/run/xenstored/socket", hvd.root);
	if ((xsd = fork()) == 0) {
		execl(argv[2], argv[2], "-F", "--root", hvd.root, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 500 && access(file, F_OK) == -1; i++)
		sleep_ms(10);
	setenv("XENSTORED_PATH", file, 1);
	if ((xs = xs_open(0)) == NULL)
		die("xenstored");
	snprintf(file, sizeof(file), "%s/bench.save", hvd.root);

	/* Stopped: to a file and back. */
	src = boot(argv[3], mem, 0);
	sleep_ms(300);				/* booted and idle */
	if ((fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		die(file);
	t0 = mono_ns();
	if (xc_domain_save(xch, fd, src, 0, &scb) == -1 || fsync(fd) == -1)
		die("save");
	t1 = mono_ns();
	close(fd);
	stat(file, &st);
	printf("save_ms          %.1f   (%" PRIu64 " MiB domain, file %.1f MiB "
	    "with zero pages elided, fsynced)\n", (double)(t1 - t0) / 1e6,
	    mem, (double)st.st_size / (1 << 20));
	xc_domain_destroy(xch, src);
	if ((fd = open(file, O_RDONLY)) == -1)
		die(file);
	t0 = mono_ns();
	if (xc_domain_restore(xch, fd, &dst, NULL) == -1)
		die("restore");
	t1 = mono_ns();
	close(fd);
	printf("restore_ms       %.1f\n", (double)(t1 - t0) / 1e6);
	xc_domain_destroy(xch, dst);

	/* Live, through a pipe to a concurrent restore (a local migration). */
	src = boot(argv[3], mem, dirty);
	sleep_ms(500);				/* the workload is going */
	if (pipe(p) == -1)
		die("pipe");
	rx.fd = p[0];
	if (pthread_create(&th, NULL, receiver, &rx) != 0)
		die("thread");
	t0 = mono_ns();
	if (xc_domain_save(xch, p[1], src, XCFLAGS_LIVE, &scb) == -1)
		die("live save");
	close(p[1]);
	pthread_join(th, NULL);
	close(p[0]);
	if (rx.rc == -1)
		die("live restore");
	printf("live_total_ms    %.1f   (dirty=%u MiB/s, %u rounds, %" PRIu64
	    " pages resent)\n", (double)(rx.done - t0) / 1e6, dirty, rounds,
	    resent);
	printf("live_downtime_ms %.1f   (paused to restored, paused)\n",
	    (double)(rx.done - t_suspend) / 1e6);
	xc_domain_destroy(xch, src);
	xc_domain_destroy(xch, rx.dom);
	xs_close(xs);
	kill(xsd, SIGTERM);
	waitpid(xsd, NULL, 0);
	xc_interface_close(xch);
	hvd_stop(&hvd);
	return 0;
}
