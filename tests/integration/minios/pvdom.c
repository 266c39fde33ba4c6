/*
 * dom0's side of a PV mini-OS domain (see pvdom.h).
 *
 * The domain is built by libxc's domain builder (xc_dom_build: RAM, the
 * ELF, the device tree, the two ring pages with one unbound event channel
 * each, their numbers in the HVM params, vCPU 0); this file binds both
 * channels and plays the console and the store.  The store
 * end answers read, write, directory, watch (with the initial event) and
 * transactions from a flat table; it is a script, not xenstored: it has
 * no permissions and its transactions never conflict.
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

#include <xvm/xc_dom.h>

#include "pvdom.h"

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
pvd_start(struct pvd *d, const char *binary, unsigned ncpus)
{
	char n[16], sock[128];
	struct stat st;
	int i, status;

	snprintf(d->root, sizeof(d->root), "/tmp/xvm-minios-XXXXXX");
	if (mkdtemp(d->root) == NULL)
		return -1;
	snprintf(n, sizeof(n), "%u", ncpus);
	snprintf(sock, sizeof(sock), "%s/run/xvm/privcmd", d->root);
	if ((d->pid = fork()) == -1)
		return -1;
	if (d->pid == 0) {
		execl(binary, binary, "-F", "--root", d->root, "-n", n,
		    (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 500; i++) {
		if (stat(sock, &st) == 0) {
			setenv("XVM_ROOT", d->root, 1);
			return 0;
		}
		if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
			d->pid = -1;	/* it exited: no daemon mode */
			return -1;
		}
		usleep(10000);
	}
	return -1;
}

void
pvd_stop(struct pvd *d)
{
	char cmd[128];
	int status;

	if (d->pid > 0) {
		kill(d->pid, SIGTERM);
		waitpid(d->pid, &status, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", d->root);
}

static void
abs_path(const struct pvguest *g, const char *p, char *out, size_t len)
{
	if (p[0] == '/')
		snprintf(out, len, "%s", p);
	else
		snprintf(out, len, "/local/domain/%u/%s", g->domid, p);
}

static struct pvnode *
node(struct pvguest *g, const char *abs, int create)
{
	struct pvnode *free_slot = NULL;

	for (int i = 0; i < PV_NODES; i++) {
		if (g->nodes[i].path[0] == '\0') {
			if (free_slot == NULL)
				free_slot = &g->nodes[i];
		} else if (strcmp(g->nodes[i].path, abs) == 0) {
			return &g->nodes[i];
		}
	}
	if (!create || free_slot == NULL)
		return NULL;
	snprintf(free_slot->path, sizeof(free_slot->path), "%s", abs);
	return free_slot;
}

static void
send_msg(struct pvguest *g, uint32_t type, uint32_t req_id, uint32_t tx,
    const void *body, size_t len)
{
	struct xsd_sockmsg h = { type, req_id, tx, (uint32_t)len };
	char msg[sizeof(h) + XENSTORE_PAYLOAD_MAX];
	size_t done = 0;
	long n;

	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), body, len);
	while (done < sizeof(h) + len) {
		n = ring_put(&g->rsp, msg + done, sizeof(h) + len - done);
		if (n < 0) {
			fprintf(stderr, "pvdom: guest broke the rsp ring\n");
			return;
		}
		done += (size_t)n;
		xenevtchn_notify(g->xe, (evtchn_port_t)g->xs_local);
		if (done < sizeof(h) + len)
			usleep(1000);
	}
}

static void
send_str(struct pvguest *g, const struct xsd_sockmsg *h, uint32_t type,
    const char *s)
{
	send_msg(g, type, h->req_id, h->tx_id, s, strlen(s) + 1);
}

/* Watch events for abs, with the path as each watch was registered. */
static void
fire(struct pvguest *g, const char *abs)
{
	char base[256], ev[512];
	size_t bl, pl, tl;

	for (unsigned i = 0; i < g->nwatch; i++) {
		abs_path(g, g->wpath[i], base, sizeof(base));
		bl = strlen(base);
		if (strncmp(abs, base, bl) != 0 ||
		    (abs[bl] != '\0' && abs[bl] != '/'))
			continue;
		pl = (size_t)snprintf(ev, sizeof(ev), "%s%s", g->wpath[i],
		    abs + bl) + 1;
		tl = strlen(g->wtoken[i]) + 1;
		memcpy(ev + pl, g->wtoken[i], tl);
		send_msg(g, XS_WATCH_EVENT, 0, 0, ev, pl + tl);
	}
}

static void
set(struct pvguest *g, const char *abs, const char *v, size_t len)
{
	struct pvnode *n = node(g, abs, 1);

	if (n == NULL || len >= sizeof(n->value))
		return;
	memcpy(n->value, v, len);
	n->value[len] = '\0';
	fire(g, abs);
}

static void
handle(struct pvguest *g, const struct xsd_sockmsg *h, char *body)
{
	char abs[256], list[2048];
	struct pvnode *n;
	size_t plen, al, len = 0;

	body[h->len] = '\0';
	abs_path(g, body, abs, sizeof(abs));
	switch (h->type) {
	case XS_READ:
		if ((n = node(g, abs, 0)) == NULL)
			send_str(g, h, XS_ERROR, "ENOENT");
		else
			send_msg(g, XS_READ, h->req_id, h->tx_id, n->value,
			    strlen(n->value));
		break;
	case XS_WRITE:
		plen = strlen(body) + 1;
		send_str(g, h, XS_WRITE, "OK");
		set(g, abs, body + plen, h->len - plen);
		break;
	case XS_DIRECTORY:
		al = strlen(abs);
		for (int i = 0; i < PV_NODES; i++) {
			const char *p = g->nodes[i].path;
			size_t l;

			if (strncmp(p, abs, al) != 0 || p[al] != '/' ||
			    strchr(p + al + 1, '/') != NULL)
				continue;
			l = strlen(p + al + 1) + 1;
			if (len + l > sizeof(list))
				break;
			memcpy(list + len, p + al + 1, l);
			len += l;
		}
		send_msg(g, XS_DIRECTORY, h->req_id, h->tx_id, list, len);
		break;
	case XS_WATCH:
		if (g->nwatch == PV_WATCHES) {
			send_str(g, h, XS_ERROR, "ENOSPC");
			break;
		}
		snprintf(g->wpath[g->nwatch], sizeof(g->wpath[0]), "%s", body);
		snprintf(g->wtoken[g->nwatch], sizeof(g->wtoken[0]), "%s",
		    body + strlen(body) + 1);
		g->nwatch++;
		send_str(g, h, XS_WATCH, "OK");
		fire(g, abs);	/* the initial event */
		break;
	case XS_TRANSACTION_START:
		snprintf(list, sizeof(list), "%u", ++g->tx);
		send_str(g, h, XS_TRANSACTION_START, list);
		break;
	case XS_TRANSACTION_END:
		send_str(g, h, XS_TRANSACTION_END, "OK");
		break;
	default:
		send_str(g, h, XS_ERROR, "ENOSYS");
		break;
	}
}

static void
serve(struct pvguest *g, unsigned ms)
{
	struct pollfd pfd = { xenevtchn_fd(g->xe), POLLIN, 0 };
	struct xsd_sockmsg h;
	long n;
	int port;

	if (poll(&pfd, 1, (int)ms) > 0 &&
	    (port = xenevtchn_pending(g->xe)) >= 0)
		xenevtchn_unmask(g->xe, (evtchn_port_t)port);
	n = ring_get(&g->req, g->in + g->inlen, sizeof(g->in) - g->inlen);
	if (n > 0) {
		g->inlen += (size_t)n;
		xenevtchn_notify(g->xe, (evtchn_port_t)g->xs_local);
	}
	while (g->inlen >= sizeof(h)) {
		memcpy(&h, g->in, sizeof(h));
		if (h.len > XENSTORE_PAYLOAD_MAX ||
		    g->inlen < sizeof(h) + h.len)
			break;
		handle(g, &h, g->in + sizeof(h));
		g->inlen -= sizeof(h) + h.len;
		memmove(g->in, g->in + sizeof(h) + h.len, g->inlen);
	}
	n = ring_get(&g->out, g->console + g->conlen,
	    sizeof(g->console) - 1 - g->conlen);
	if (n > 0) {
		g->conlen += (size_t)n;
		g->console[g->conlen] = '\0';
		xenevtchn_notify(g->xe, (evtchn_port_t)g->cons_local);
	}
}

#define FAIL(what) do { fprintf(stderr, "pvdom: %s: %s\n", what,	\
	strerror(errno)); return -1; } while (0)

int
pvguest_boot(struct pvguest *g, const char *elf, unsigned vcpus,
    unsigned mem_mb, const char *bootargs)
{
	struct xen_domctl_createdomain c;
	struct xc_dom_config cfg = { .kernel = elf, .cmdline = bootargs,
	    .vcpus = vcpus, .mem_kb = (uint64_t)mem_mb * 1024 };
	struct xc_dom_image img;
	char v[16];

	memset(g, 0, sizeof(*g));
	g->mem_mb = mem_mb;
	if ((g->xch = xc_interface_open(NULL, NULL, 0)) == NULL)
		FAIL("xc_interface_open");
	if ((g->xe = xenevtchn_open(NULL, 0)) == NULL)
		FAIL("xenevtchn_open");
	memset(&c, 0, sizeof(c));
	c.max_vcpus = vcpus;
	c.max_mem_kb = cfg.mem_kb;
	if (xc_domain_create(g->xch, &g->domid, &c) == -1)
		FAIL("xc_domain_create");
	if (xc_dom_build(g->xch, g->domid, &cfg, &img) == -1)
		FAIL("xc_dom_build");
	g->xs = xc_map_foreign_range(g->xch, g->domid, 4096,
	    PROT_READ | PROT_WRITE, img.store_pfn);
	g->cons = xc_map_foreign_range(g->xch, g->domid, 4096,
	    PROT_READ | PROT_WRITE, img.console_pfn);
	if (g->xs == NULL || g->cons == NULL)
		FAIL("mapping the rings");
	g->req = (struct ring){ g->xs->req, XENSTORE_RING_SIZE,
	    &g->xs->req_cons, &g->xs->req_prod };
	g->rsp = (struct ring){ g->xs->rsp, XENSTORE_RING_SIZE,
	    &g->xs->rsp_cons, &g->xs->rsp_prod };
	g->out = (struct ring){ g->cons->out, XENCONS_OUT_SIZE,
	    &g->cons->out_cons, &g->cons->out_prod };
	g->cin = (struct ring){ g->cons->in, XENCONS_IN_SIZE,
	    &g->cons->in_cons, &g->cons->in_prod };
	g->xs_local = xenevtchn_bind_interdomain(g->xe, g->domid,
	    img.store_port);
	g->cons_local = xenevtchn_bind_interdomain(g->xe, g->domid,
	    img.console_port);
	if (g->xs_local < 0 || g->cons_local < 0)
		FAIL("xenevtchn_bind_interdomain");
	snprintf(v, sizeof(v), "%u", g->domid);
	pvguest_write(g, "domid", v);
	pvguest_write(g, "name", "minios-pv");
	pvguest_write(g, "control/shutdown", "");
	if (xc_domain_unpause(g->xch, g->domid) == -1)
		FAIL("xc_domain_unpause");
	return 0;
}

int
pvguest_wait_console(struct pvguest *g, const char *text, unsigned ms)
{
	uint64_t end = mono_ms() + ms;

	while (strstr(g->console, text) == NULL) {
		if (mono_ms() > end)
			return 0;
		serve(g, 10);
	}
	return 1;
}

int
pvguest_wait_shutdown(struct pvguest *g, unsigned ms, unsigned *reason)
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

void
pvguest_write(struct pvguest *g, const char *path, const char *value)
{
	char abs[256];

	abs_path(g, path, abs, sizeof(abs));
	set(g, abs, value, strlen(value));
}

const char *
pvguest_read(struct pvguest *g, const char *path)
{
	char abs[256];
	struct pvnode *n;

	abs_path(g, path, abs, sizeof(abs));
	n = node(g, abs, 0);
	return n != NULL ? n->value : NULL;
}

const char *
pvguest_wait_node(struct pvguest *g, const char *path, unsigned ms)
{
	uint64_t end = mono_ms() + ms;
	const char *v;

	while ((v = pvguest_read(g, path)) == NULL || v[0] == '\0') {
		if (mono_ms() > end)
			return NULL;
		serve(g, 10);
	}
	return v;
}

int
pvguest_watched(struct pvguest *g, const char *path)
{
	for (unsigned i = 0; i < g->nwatch; i++)
		if (strcmp(g->wpath[i], path) == 0)
			return 1;
	return 0;
}

void
pvguest_type(struct pvguest *g, const char *keys)
{
	size_t len = strlen(keys), done = 0;
	long n;

	while (done < len) {
		if ((n = ring_put(&g->cin, keys + done, len - done)) < 0)
			return;
		done += (size_t)n;
		xenevtchn_notify(g->xe, (evtchn_port_t)g->cons_local);
		if (done < len)
			serve(g, 10);
	}
}

void
pvguest_destroy(struct pvguest *g)
{
	if (g->xs != NULL)
		munmap(g->xs, 4096);
	if (g->cons != NULL)
		munmap(g->cons, 4096);
	if (g->xch != NULL && g->domid != 0)
		xc_domain_destroy(g->xch, g->domid);
	xenevtchn_close(g->xe);
	xc_interface_close(g->xch);
}
