/*
 * dom0's side of a mini-OS domain on the real stack (see stackdom.h).
 * Nothing here answers for the store: xenstored serves the guest's ring
 * after INTRODUCE, and this file only plays the console daemon's part.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xvm/xc_sr.h>

#include "stackdom.h"

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static pid_t
spawn(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "stackdom: exec %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Waits for path to appear while pid lives; 0 or -1. */
static int
wait_socket(pid_t *pid, const char *path, const char *what)
{
	struct stat st;
	int status;

	for (int i = 0; i < 3000; i++) {
		if (stat(path, &st) == 0)
			return 0;
		if (waitpid(*pid, &status, WNOHANG) == *pid) {
			fprintf(stderr, "stackdom: %s exited (status %d) before "
			    "serving %s\n", what, status, path);
			*pid = -1;
			return -1;
		}
		usleep(10000);
	}
	fprintf(stderr, "stackdom: %s: no %s after 30 s\n", what, path);
	return -1;
}

int
stack_start(struct stack *s, const char *hypervisor, const char *xenstored,
    unsigned pcpus)
{
	char n[16], path[128], hv[512], xsd[512];
	char *hv_argv[] = { hv, "-F", "--root", s->root, "-n", n, NULL };
	char *xs_argv[] = { xsd, "-F", "--root", s->root, NULL };

	s->hv = s->xsd = -1;
	snprintf(s->root, sizeof(s->root), "/tmp/xvm-minios-store-XXXXXX");
	if (mkdtemp(s->root) == NULL) {
		perror("stackdom: mkdtemp");
		return -1;
	}
	setenv("XVM_ROOT", s->root, 1);
	snprintf(path, sizeof(path), "%s/run/xenstored/socket", s->root);
	setenv("XENSTORED_PATH", path, 1);
	snprintf(n, sizeof(n), "%u", pcpus);
	snprintf(hv, sizeof(hv), "%s", hypervisor);
	snprintf(xsd, sizeof(xsd), "%s", xenstored);
	if ((s->hv = spawn(hv_argv)) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/run/xvm/privcmd", s->root);
	if (wait_socket(&s->hv, path, "xvm-hypervisor") == -1)
		return -1;
	if ((s->xsd = spawn(xs_argv)) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/run/xenstored/socket", s->root);
	return wait_socket(&s->xsd, path, "xenstored");
}

void
stack_stop(struct stack *s)
{
	char cmd[128];
	int status;

	/* The store first: it has the guests' rings mapped. */
	if (s->xsd > 0) {
		kill(s->xsd, SIGTERM);
		waitpid(s->xsd, &status, 0);
	}
	if (s->hv > 0) {
		kill(s->hv, SIGTERM);
		waitpid(s->hv, &status, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->root);
	if (system(cmd) != 0)
		fprintf(stderr, "stackdom: could not remove %s\n", s->root);
}

static void
serve(struct sguest *g, unsigned ms)
{
	struct pollfd pfd = { xenevtchn_fd(g->xe), POLLIN, 0 };
	long n;
	int port;

	if (poll(&pfd, 1, (int)ms) > 0 &&
	    (port = xenevtchn_pending(g->xe)) >= 0)
		xenevtchn_unmask(g->xe, (evtchn_port_t)port);
	n = ring_get(&g->out, g->console + g->conlen,
	    sizeof(g->console) - 1 - g->conlen);
	if (n > 0) {
		g->conlen += (size_t)n;
		g->console[g->conlen] = '\0';
		xenevtchn_notify(g->xe, (evtchn_port_t)g->cons_local);
	}
}

#define FAIL(what) do { fprintf(stderr, "stackdom: %s: %s\n", what,	\
	strerror(errno)); return -1; } while (0)

static int
abs_path(const struct sguest *g, const char *p, char *out, size_t len)
{
	int n = p[0] == '/' ? snprintf(out, len, "%s", p) :
	    snprintf(out, len, "%s/%s", g->home, p);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* The entries libxl writes for a new domain, in one transaction. */
static int
toolstack_entries(struct sguest *g, const char *name)
{
	struct xs_permissions ro[2] = { { 0, XS_PERM_NONE },
	    { g->domid, XS_PERM_READ } };
	struct xs_permissions rw[1] = { { g->domid, XS_PERM_NONE } };
	static const char *const owned[] = { "control", "data", "device" };
	char p[128], v[16];
	xs_transaction_t t;
	bool ok;

	for (int tries = 0; tries < 10; tries++) {
		if ((t = xs_transaction_start(g->xs)) == XBT_NULL)
			FAIL("xs_transaction_start");
		ok = xs_mkdir(g->xs, t, g->home) &&
		    xs_set_permissions(g->xs, t, g->home, ro, 2);
		snprintf(p, sizeof(p), "%s/name", g->home);
		ok = ok && xs_write(g->xs, t, p, name, (unsigned)strlen(name));
		snprintf(p, sizeof(p), "%s/domid", g->home);
		snprintf(v, sizeof(v), "%u", g->domid);
		ok = ok && xs_write(g->xs, t, p, v, (unsigned)strlen(v));
		for (size_t i = 0; ok && i < 3; i++) {
			snprintf(p, sizeof(p), "%s/%s", g->home, owned[i]);
			ok = xs_mkdir(g->xs, t, p) &&
			    xs_set_permissions(g->xs, t, p, rw, 1);
		}
		snprintf(p, sizeof(p), "%s/control/shutdown", g->home);
		ok = ok && xs_write(g->xs, t, p, "", 0);
		if (!ok) {
			fprintf(stderr, "stackdom: toolstack entries: %s\n",
			    strerror(errno));
			xs_transaction_end(g->xs, t, true);
			return -1;
		}
		if (xs_transaction_end(g->xs, t, false))
			return 0;
		if (errno != EAGAIN)
			FAIL("committing the toolstack entries");
	}
	FAIL("toolstack entries: EAGAIN 10 times");
}

static int
boot(struct sguest *g, const char *elf, unsigned vcpus, unsigned mem_mb,
    const char *bootargs, const char *name, int reconnecting)
{
	struct xen_domctl_createdomain c;
	struct xc_dom_config cfg;

	memset(g, 0, sizeof(*g));
	g->cons_local = -1;
	if ((g->xch = xc_interface_open(NULL, NULL, 0)) == NULL)
		FAIL("xc_interface_open");
	if ((g->xe = xenevtchn_open(NULL, 0)) == NULL)
		FAIL("xenevtchn_open");
	if ((g->xs = xs_open(0)) == NULL)
		FAIL("xs_open");
	memset(&c, 0, sizeof(c));
	c.max_vcpus = vcpus;
	c.max_mem_kb = (uint64_t)mem_mb * 1024;
	if (xc_domain_create(g->xch, &g->domid, &c) == -1)
		FAIL("xc_domain_create");
	snprintf(g->home, sizeof(g->home), "/local/domain/%u", g->domid);
	memset(&cfg, 0, sizeof(cfg));
	cfg.kernel = elf;
	cfg.cmdline = bootargs;
	cfg.vcpus = vcpus;
	cfg.mem_kb = (uint64_t)mem_mb * 1024;
	if (xc_dom_build(g->xch, g->domid, &cfg, &g->img) == -1)
		FAIL("xc_dom_build");
	g->cons = xc_map_foreign_range(g->xch, g->domid, 4096,
	    PROT_READ | PROT_WRITE, g->img.console_pfn);
	if (g->cons == NULL)
		FAIL("mapping the console ring");
	g->out = (struct ring){ g->cons->out, XENCONS_OUT_SIZE,
	    &g->cons->out_cons, &g->cons->out_prod };
	g->in = (struct ring){ g->cons->in, XENCONS_IN_SIZE,
	    &g->cons->in_cons, &g->cons->in_prod };
	g->cons_local = xenevtchn_bind_interdomain(g->xe, g->domid,
	    g->img.console_port);
	if (g->cons_local < 0)
		FAIL("binding the console's event channel");
	if (toolstack_entries(g, name) == -1)
		return -1;
	if (reconnecting) {
		struct xenstore_domain_interface *xs;

		xs = xc_map_foreign_range(g->xch, g->domid, 4096,
		    PROT_READ | PROT_WRITE, g->img.store_pfn);
		if (xs == NULL)
			FAIL("mapping the xenstore ring");
		__atomic_store_n(&xs->connection, XENSTORE_RECONNECT,
		    __ATOMIC_RELEASE);
		munmap(xs, 4096);
	} else if (sguest_introduce(g) == -1) {
		return -1;
	}
	if (xc_domain_unpause(g->xch, g->domid) == -1)
		FAIL("xc_domain_unpause");
	return 0;
}

int
sguest_boot(struct sguest *g, const char *elf, unsigned vcpus,
    unsigned mem_mb, const char *bootargs, const char *name)
{
	return boot(g, elf, vcpus, mem_mb, bootargs, name, 0);
}

int
sguest_boot_reconnecting(struct sguest *g, const char *elf, unsigned vcpus,
    unsigned mem_mb, const char *bootargs, const char *name)
{
	return boot(g, elf, vcpus, mem_mb, bootargs, name, 1);
}

int
sguest_introduce(struct sguest *g)
{
	if (!xs_introduce_domain(g->xs, g->domid, g->img.store_pfn,
	    g->img.store_port))
		FAIL("xs_introduce_domain");
	return 0;
}

int
sguest_wait(struct sguest *g, const char *text, unsigned ms)
{
	uint64_t end = mono_ms() + ms;

	while (strstr(g->console + g->mark, text) == NULL) {
		if (mono_ms() > end)
			return 0;
		serve(g, 10);
	}
	return 1;
}

void
sguest_mark(struct sguest *g)
{
	serve(g, 0);
	g->mark = g->conlen;
}

int
sguest_type(struct sguest *g, const char *keys)
{
	size_t len = strlen(keys), done = 0;
	uint64_t end = mono_ms() + 10000;
	long n;

	while (done < len) {
		if ((n = ring_put(&g->in, keys + done, len - done)) < 0)
			return -1;
		done += (size_t)n;
		xenevtchn_notify(g->xe, (evtchn_port_t)g->cons_local);
		if (done < len) {
			if (mono_ms() > end)
				return -1;
			serve(g, 10);
		}
	}
	return 0;
}

int
sguest_wait_shutdown(struct sguest *g, unsigned ms, unsigned *reason)
{
	uint64_t end = mono_ms() + ms;
	xc_domaininfo_t info;

	while (mono_ms() <= end) {
		serve(g, 10);
		if (xc_domain_getinfolist(g->xch, g->domid, 1, &info) == 1 &&
		    info.domain == g->domid &&
		    (info.flags & XEN_DOMINF_shutdown)) {
			serve(g, 0);
			*reason = (info.flags >> XEN_DOMINF_shutdownshift) &
			    XEN_DOMINF_shutdownmask;
			return 1;
		}
	}
	return 0;
}

char *
sguest_read(struct sguest *g, const char *path)
{
	char abs[256];

	if (abs_path(g, path, abs, sizeof(abs)) == -1) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return xs_read(g->xs, XBT_NULL, abs, NULL);
}

int
sguest_write(struct sguest *g, const char *path, const char *value)
{
	char abs[256];

	if (abs_path(g, path, abs, sizeof(abs)) == -1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return xs_write(g->xs, XBT_NULL, abs, value, (unsigned)strlen(value)) ?
	    0 : -1;
}

char *
sguest_wait_node(struct sguest *g, const char *path, unsigned ms)
{
	uint64_t end = mono_ms() + ms;
	char *v;

	for (;;) {
		if ((v = sguest_read(g, path)) != NULL && v[0] != '\0')
			return v;
		free(v);
		if (mono_ms() > end)
			return NULL;
		serve(g, 10);
	}
}

static int
already_suspended(void *data)
{
	(void)data;
	return 1;
}

/* The console ring of the (new) domain, from its HVM params. */
static int
map_console(struct sguest *g)
{
	uint64_t pfn, port;

	if (xc_hvm_param_get(g->xch, g->domid, HVM_PARAM_CONSOLE_PFN,
	    &pfn) == -1 ||
	    xc_hvm_param_get(g->xch, g->domid, HVM_PARAM_CONSOLE_EVTCHN,
	    &port) == -1)
		FAIL("the restored domain's console params");
	g->img.console_pfn = pfn;
	g->img.console_port = (uint32_t)port;
	g->cons = xc_map_foreign_range(g->xch, g->domid, 4096,
	    PROT_READ | PROT_WRITE, pfn);
	if (g->cons == NULL)
		FAIL("mapping the restored console ring");
	g->out = (struct ring){ g->cons->out, XENCONS_OUT_SIZE,
	    &g->cons->out_cons, &g->cons->out_prod };
	g->in = (struct ring){ g->cons->in, XENCONS_IN_SIZE,
	    &g->cons->in_cons, &g->cons->in_prod };
	g->cons_local = xenevtchn_bind_interdomain(g->xe, g->domid,
	    (evtchn_port_t)port);
	if (g->cons_local < 0)
		FAIL("binding the restored console's event channel");
	return 0;
}

int
sguest_save_restore(struct sguest *g, const char *name)
{
	struct save_callbacks cb;
	uint64_t pfn, port;
	char path[] = "/tmp/minios-save-XXXXXX";
	int fd;

	memset(&cb, 0, sizeof(cb));
	cb.suspend = already_suspended;
	if ((fd = mkstemp(path)) == -1)
		FAIL("mkstemp");
	unlink(path);
	/* Suspended is not paused: the context is read from a paused one. */
	if (xc_domain_pause(g->xch, g->domid) == -1 ||
	    xc_domain_save(g->xch, fd, g->domid, 0, &cb) == -1) {
		close(fd);
		FAIL("xc_domain_save");
	}
	/* The old domain goes, as xm save does it. */
	munmap(g->cons, 4096);
	g->cons = NULL;
	(void)xenevtchn_unbind(g->xe, (evtchn_port_t)g->cons_local);
	(void)xs_release_domain(g->xs, g->domid);
	(void)xs_rm(g->xs, XBT_NULL, g->home);
	if (xc_domain_destroy(g->xch, g->domid) == -1) {
		close(fd);
		FAIL("destroying the saved domain");
	}
	g->domid = 0;
	if (lseek(fd, 0, SEEK_SET) == -1 ||
	    xc_domain_restore(g->xch, fd, &g->domid, NULL) == -1) {
		close(fd);
		FAIL("xc_domain_restore");
	}
	close(fd);
	snprintf(g->home, sizeof(g->home), "/local/domain/%u", g->domid);
	if (map_console(g) == -1 || toolstack_entries(g, name) == -1)
		return -1;
	if (xc_hvm_param_get(g->xch, g->domid, HVM_PARAM_STORE_PFN, &pfn) ==
	    -1 || xc_hvm_param_get(g->xch, g->domid, HVM_PARAM_STORE_EVTCHN,
	    &port) == -1)
		FAIL("the restored domain's store params");
	g->img.store_pfn = pfn;
	g->img.store_port = (uint32_t)port;
	if (sguest_introduce(g) == -1)
		return -1;
	if (xc_domain_unpause(g->xch, g->domid) == -1)
		FAIL("unpausing the restored domain");
	return 0;
}

void
sguest_destroy(struct sguest *g)
{
	if (g->cons != NULL)
		munmap(g->cons, 4096);
	if (g->xs != NULL && g->domid != 0) {
		(void)xs_release_domain(g->xs, g->domid);
		(void)xs_rm(g->xs, XBT_NULL, g->home);
	}
	if (g->xch != NULL && g->domid != 0)
		xc_domain_destroy(g->xch, g->domid);
	xs_close(g->xs);
	xenevtchn_close(g->xe);
	xc_interface_close(g->xch);
}
