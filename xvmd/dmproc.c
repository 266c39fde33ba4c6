/*
 * A domain's device model (dmproc.h): xvmd opens the disk images (as
 * devcheck.c, which checked them), starts xvm-dm with a SOCK_SEQPACKET
 * control socket,
 * plugs every device with its descriptor, then follows the model's
 * events: a driver connected (backend and frontend state 4 in the store),
 * a driver reset (back to 2), a queue broken by the guest (logged), and
 * the model's death (logged, devices to state 6, xpvd-event.log), which
 * harms only this domain: the guest sees its devices need a reset.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include <xvm/fb.h>
#include <xvm/privcmd.h>
#include <xvm/xenstore.h>

#include "lib/json.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/sock.h"
#include "lib/xmalloc.h"
#include "lib/str.h"
#include "xvmd/devcheck.h"
#include "xvmd/devices.h"
#include "xvmd/devspec.h"
#include "xvmd/dmproc.h"
#include "xvmd/domcfg.h"
#include "xvmd/netif.h"
#include "xvmd/vm.h"
#include "xvmd/xvmd.h"
#include "xvmd/xendconf.h"

#ifndef XVM_DM_PATH
#define XVM_DM_PATH	"/usr/lib/xvm/bin/xvm-dm"
#endif
#define DM_MSG_MAX	65536
#define DM_REPLY_MS	30000

#include "xvmd/dmproc_priv.h"

const char *
dmproc_path(void)
{
	const char	*p = getenv("XVM_DM");

	return p != NULL && *p != '\0' ? p : XVM_DM_PATH;
}

static void
close_slots(struct dmproc *dp)
{
	unsigned	i;

	for (i = 0; i < dp->n; i++)
		if (dp->slot[i].fd != -1) {
			close(dp->slot[i].fd);
			dp->slot[i].fd = -1;
		}
}

/*
 * Open disk d into s, as devcheck opens it (the one policy: devcheck.h,
 * checked by lc_start just before).  -1 with *cause.
 */
int
dm_open_disk(const struct vm *vm, const struct disk_spec *d, struct dm_slot *s,
    char **cause)
{
	struct stat	 st;
	char		*why = NULL;

	s->kind = "vbd";
	s->devid = vdev_number(d->vdev);
	strlcpy(s->spec, d->target, sizeof(s->spec));
	s->writable = d->writable;
	s->shared = d->shared;
	if ((s->fd = devcheck_open_disk(d, &st, &why)) == -1) {
		xasprintf(cause, "cannot start domain %s: %s", vm->name, why);
		free(why);
		return -1;
	}
	s->disk = 1;
	return 0;
}

/* A vif in s: its tap is made when the model plugs it (the domid known). */
void
dm_prepare_vif(const struct vif_spec *v, int64_t devid, const uint8_t m[6],
    struct dm_slot *s)
{
	s->fd = -1;
	s->kind = "vif";
	s->devid = devid;
	strlcpy(s->bridge, v->bridge[0] ? v->bridge : NETIF_DEFAULT_BRIDGE,
	    sizeof(s->bridge));
	strlcpy(s->vifname, v->vifname, sizeof(s->vifname));
	snprintf(s->mac, sizeof(s->mac), "%02x:%02x:%02x:%02x:%02x:%02x",
	    m[0], m[1], m[2], m[3], m[4], m[5]);
}

int
dmproc_prepare(struct xvmd *xd, struct vm *vm, uint32_t *slots,
    char **cause)
{
	const struct domcfg	*cfg = vm->cfg;
	struct dmproc		*dp;
	size_t			 i;

	*slots = 0;
	dmproc_stop(vm);
	if (cfg->ndisks + cfg->nvifs == 0 && !cfg->vfb.vnc)
		return 0;
	if (access(dmproc_path(), X_OK) == -1) {
		xasprintf(cause, "cannot start %s: its devices need the device "
		    "model %s: %s", vm->name, dmproc_path(), strerror(errno));
		return -1;
	}
	if (cfg->ndisks + cfg->nvifs + (cfg->vfb.vnc ? 2 : 0) >
	    PRIVCMD_VIRTIO_SLOTS) {
		xasprintf(cause, "cannot start %s: %zu devices, the most is %d",
		    vm->name, cfg->ndisks + cfg->nvifs + (cfg->vfb.vnc ? 2 : 0),
		    PRIVCMD_VIRTIO_SLOTS);
		return -1;
	}
	dp = xcalloc(1, sizeof(*dp));
	dp->xd = xd;
	dp->vm = vm;
	dp->domid = -1;
	dp->pid = -1;
	dp->fd = -1;
	dp->vnc_port = -1;
	for (i = 0; i < cfg->ndisks; i++) {
		dp->n = (unsigned)i + 1;
		if (dm_open_disk(vm, &cfg->disks[i], &dp->slot[i], cause) == -1)
			goto fail;
		*slots |= 1u << i;
	}
	for (i = 0; i < cfg->nvifs; i++) {
		uint8_t	 m[6];

		dev_vif_mac(vm, i, m);
		dm_prepare_vif(&cfg->vifs[i], (int64_t)i, m, &dp->slot[dp->n]);
		*slots |= 1u << dp->n++;
	}
	/* The display's keyboard and tablet (virtio-input) come last. */
	for (i = 0; cfg->vfb.vnc && i < 2; i++) {
		dp->slot[dp->n].fd = -1;
		dp->slot[dp->n].kind = i == 0 ? "vkbd" : "vtablet";
		strlcpy(dp->slot[dp->n].spec, dp->slot[dp->n].kind,
		    sizeof(dp->slot[dp->n].spec));
		*slots |= 1u << dp->n++;
	}
	vm->dm = dp;
	return 0;
fail:
	close_slots(dp);
	free(dp);
	*slots = 0;
	return -1;
}

/*
 * One slot's XenbusState in the store: the backend's (be), and the
 * frontend's (fe) on the guest driver's behalf, which speaks virtio and
 * not xenbus; 0 leaves one as it is.
 */
static void
set_state(struct dmproc *dp, unsigned slot, int be, int fe)
{
	const struct dm_slot	*s = &dp->slot[slot];
	char			 p[160], v[8];
	int			 n;

	/* Free slots, and the display's input devices, have no xenbus
	 * entries of their own. */
	if (s->kind == NULL || (!s->disk && strcmp(s->kind, "vif") != 0))
		return;
	if (be != 0) {
		n = snprintf(v, sizeof(v), "%d", be);
		snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%d/%" PRId64
		    "/state", s->kind, dp->domid, s->devid);
		if (!xs_write(dp->xd->xs, XBT_NULL, p, v, (unsigned)n))
			log_warn("%s: %s", __func__, p);
	}
	if (fe != 0) {
		n = snprintf(v, sizeof(v), "%d", fe);
		snprintf(p, sizeof(p), "/local/domain/%d/device/%s/%" PRId64
		    "/state", dp->domid, s->kind, s->devid);
		if (!xs_write(dp->xd->xs, XBT_NULL, p, v, (unsigned)n))
			log_warn("%s: %s", __func__, p);
	}
}

static void
reap(struct dmproc *dp, int how)
{
	int	st;

	if (dp->pid == -1)
		return;
	if (how != 0)
		kill(dp->pid, how);
	while (waitpid(dp->pid, &st, 0) == -1 && errno == EINTR)
		;
	dp->pid = -1;
}

/* The model went without being asked: its domain's devices are dead. */
static void
model_died(struct dmproc *dp)
{
	unsigned	i;

	log_warnx("domain %s (%d): its device model (pid %d) died; its "
	    "devices need a reset and are not served", dp->vm->name,
	    dp->domid, (int)dp->pid);
	event_free(dp->ev);
	dp->ev = NULL;
	close(dp->fd);
	dp->fd = -1;
	reap(dp, 0);
	for (i = 0; i < dp->n; i++)
		set_state(dp, i, 6, 0);	/* XenbusStateClosed */
}

/* An event from the model: {"event":E,"slot":N,"detail":D}. */
static void
model_event(struct dmproc *dp, yajl_val msg)
{
	const char	*ev = json_get_str(msg, "event");
	const char	*detail = json_get_str(msg, "detail");
	int64_t		 slot;

	if (ev == NULL || json_get_i64(msg, "slot", &slot) == -1 ||
	    slot < 0 || slot >= (int64_t)dp->n || dp->slot[slot].kind == NULL)
		return;
	if (strcmp(ev, "connected") == 0) {
		dp->slot[slot].connected = 1;
		set_state(dp, (unsigned)slot, 4, 4);	/* Connected */
	} else if (strcmp(ev, "closed") == 0) {		/* the driver reset */
		dp->slot[slot].connected = 0;
		set_state(dp, (unsigned)slot, 2, 1);
	}
	else if (strcmp(ev, "broken") == 0)
		log_warnx("domain %s (%d): %s %" PRId64 ": the guest broke the "
		    "device's queue: %s", dp->vm->name, dp->domid,
		    dp->slot[slot].kind, dp->slot[slot].devid,
		    detail != NULL ? detail : "?");
}

static void
model_read(evutil_socket_t s, short what, void *arg)
{
	struct dmproc	*dp = arg;
	char		*buf = xmalloc(DM_MSG_MAX), *why = NULL;
	yajl_val	 msg;
	ssize_t		 n;

	(void)s; (void)what;
	n = recv(dp->fd, buf, DM_MSG_MAX - 1, MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
		free(buf);
		return;
	}
	if (n <= 0) {
		free(buf);
		model_died(dp);
		return;
	}
	if ((msg = json_parse(buf, (size_t)n, DM_MSG_MAX, &why)) != NULL)
		model_event(dp, msg);
	else
		log_warnx("domain %d: device model: %s", dp->domid, why);
	json_free(msg);
	free(why);
	free(buf);
}

/*
 * A request and its reply (skipping events); 0, or -1 with *cause.  With
 * 'reply', the reply (caller json_frees) on success.
 */
static int
call_reply(struct dmproc *dp, const char *req, int fd, yajl_val *reply,
    char **cause)
{
	struct pollfd	 pfd = { dp->fd, POLLIN, 0 };
	char		*buf = xmalloc(DM_MSG_MAX);
	yajl_val	 msg = NULL;
	const char	*err;
	char		*why = NULL;
	ssize_t		 n;
	int		 ok = 0, rc = -1;

	if (sock_send_fds(dp->fd, req, strlen(req), fd == -1 ? NULL : &fd,
	    fd == -1 ? 0 : 1) == -1) {
		xasprintf(cause, "device model: %s", strerror(errno));
		goto out;
	}
	for (;;) {
		if (poll(&pfd, 1, DM_REPLY_MS) != 1 ||
		    (n = recv(dp->fd, buf, DM_MSG_MAX - 1, 0)) <= 0) {
			xasprintf(cause, "device model: no answer");
			goto out;
		}
		json_free(msg);
		if ((msg = json_parse(buf, (size_t)n, DM_MSG_MAX, &why)) ==
		    NULL) {
			xasprintf(cause, "device model: a bad answer: %s", why);
			free(why);
			goto out;
		}
		if (json_get(msg, "event") != NULL) {
			model_event(dp, msg);
			continue;
		}
		break;
	}
	if (json_get_bool(msg, "ok", &ok) == 0 && ok) {
		rc = 0;
		if (reply != NULL) {
			*reply = msg;
			msg = NULL;
		}
	} else {
		err = json_get_str(msg, "error");
		xasprintf(cause, "device model: %s", err != NULL ? err :
		    "failed");
	}
out:
	json_free(msg);
	free(buf);
	return rc;
}

int
dm_call(struct dmproc *dp, const char *req, int fd, char **cause)
{
	return call_reply(dp, req, fd, NULL, cause);
}

/*
 * The display: the model serves the framebuffer over VNC (docs/vnc.md)
 * with the domain's settings, else xend's config/vnc-listen and
 * config/vncpasswd as they are now (svcadm refresh applies to domains
 * started afterwards), on port 5900 + vncdisplay (or the domain id);
 * the port it got goes to the store as xend wrote it.
 */
static int
start_vnc(struct xvmd *xd, struct dmproc *dp, char **cause)
{
	const struct vfb_spec	*v = &dp->vm->cfg->vfb;
	const char		*listen, *pw;
	struct json_w		*w = json_w_new(0);
	yajl_val		 reply = NULL;
	char			*req, *why = NULL, p[96], port[16];
	int64_t			 got;
	int			 rc, n;

	listen = v->listen[0] ? v->listen : xendconf_str(&xd->conf,
	    XC_VNC_LISTEN);
	pw = v->has_passwd ? v->passwd : xendconf_str(&xd->conf, XC_VNCPASSWD);
	if (w == NULL)
		fatalx("%s: out of memory", __func__);
	json_w_obj_open(w);
	json_w_kstr(w, "op", "vnc");
	json_w_ki64(w, "width", XVM_FB_DEF_WIDTH);
	json_w_ki64(w, "height", XVM_FB_DEF_HEIGHT);
	json_w_kstr(w, "listen", listen != NULL && *listen ? listen :
	    "127.0.0.1");
	json_w_ki64(w, "port", VFB_PORT_BASE + (v->display >= 0 ?
	    v->display : dp->domid));
	json_w_kbool(w, "unused", v->unused);
	json_w_kstr(w, "password", pw != NULL ? pw : "");
	json_w_obj_close(w);
	req = json_w_strdup(w);
	json_w_free(w);
	rc = call_reply(dp, req, -1, &reply, &why);
	explicit_bzero(req, strlen(req));
	free(req);
	if (rc == -1) {
		xasprintf(cause, "cannot start %s: %s", dp->vm->name, why);
		free(why);
		return -1;
	}
	if (json_get_i64(reply, "port", &got) == -1 || got < 1 ||
	    got > 65535) {
		json_free(reply);
		xasprintf(cause, "cannot start %s: device model: no VNC port",
		    dp->vm->name);
		return -1;
	}
	json_free(reply);
	dp->vnc_port = (int)got;
	strlcpy(dp->vnc_listen, listen != NULL && *listen ? listen :
	    "127.0.0.1", sizeof(dp->vnc_listen));
	snprintf(p, sizeof(p), "/local/domain/%d/console/vnc-port", dp->domid);
	n = snprintf(port, sizeof(port), "%d", dp->vnc_port);
	if (!xs_write(xd->xs, XBT_NULL, p, port, (unsigned)n))
		log_warn("%s: %s", __func__, p);
	log_info("%s: domain %s (%d): VNC on %s port %d", __func__,
	    dp->vm->name, dp->domid, dp->vnc_listen, dp->vnc_port);
	return 0;
}

int
dmproc_vnc(const struct vm *vm, const char **listen)
{
	if (vm->dm == NULL || vm->dm->vnc_port == -1)
		return -1;
	*listen = vm->dm->vnc_listen;
	return vm->dm->vnc_port;
}

static int
spawn(struct dmproc *dp, char **cause)
{
	char	 dom[16];
	int	 sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		xasprintf(cause, "device model: socketpair: %s",
		    strerror(errno));
		return -1;
	}
	snprintf(dom, sizeof(dom), "%d", dp->domid);
	if ((dp->pid = fork()) == -1) {
		xasprintf(cause, "device model: fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (dp->pid == 0) {
		/* fd 3 is the control socket; every other fd is close-on-exec. */
		if (dup2(sv[1], 3) == -1)
			_exit(127);
		execl(dmproc_path(), "xvm-dm", "--root", *xvm_root() ?
		    xvm_root() : "/", "--domain", dom, "--control", "3",
		    (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	dp->fd = sv[0];
	return 0;
}

/*
 * Give slot i's device to the model: the vif's tap is made now (the
 * domid is known), the descriptor passed and closed here.  The store
 * learns the slot (virtio-slot, for PV drivers that find their device
 * through the store) and the backend's state 2.  0, or -1 with *cause.
 */
int
dm_plug_slot(struct dmproc *dp, unsigned i, char **cause)
{
	struct dm_slot	*s = &dp->slot[i];
	char		 req[256], p[160], v[8], *why = NULL;
	int		 rc, n, vif = strcmp(s->kind, "vif") == 0;

	if (vif) {
		if (s->vifname[0])
			strlcpy(s->tap, s->vifname, sizeof(s->tap));
		else
			snprintf(s->tap, sizeof(s->tap), "vif%d.%" PRId64,
			    dp->domid, s->devid);
		strlcpy(s->spec, s->tap, sizeof(s->spec));
		if ((s->fd = netif_tap(s->tap, s->bridge, &why)) == -1) {
			xasprintf(cause, "vif %" PRId64 ": %s", s->devid, why);
			free(why);
			return -1;
		}
	}
	snprintf(req, sizeof(req), "{\"op\":\"plug\",\"slot\":%u,"
	    "\"kind\":\"%s\",\"devid\":%" PRId64 ",\"mode\":\"%s\","
	    "\"mac\":\"%s\"}", i, s->kind, s->devid, s->writable ? "w" : "r",
	    s->mac);
	rc = dm_call(dp, req, s->fd, &why);
	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
	if (rc == -1) {
		xasprintf(cause, "%s %" PRId64 " (%s): %s", s->kind, s->devid,
		    s->spec, why);
		free(why);
		return -1;
	}
	if (s->disk || vif) {
		n = snprintf(v, sizeof(v), "%u", i);
		snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%d/%" PRId64
		    "/virtio-slot", s->kind, dp->domid, s->devid);
		if (!xs_write(dp->xd->xs, XBT_NULL, p, v, (unsigned)n))
			log_warn("%s: %s", __func__, p);
		snprintf(p, sizeof(p), "/local/domain/%d/device/%s/%" PRId64
		    "/virtio-slot", dp->domid, s->kind, s->devid);
		if (!xs_write(dp->xd->xs, XBT_NULL, p, v, (unsigned)n))
			log_warn("%s: %s", __func__, p);
	}
	set_state(dp, i, 2, 0);		/* XenbusStateInitWait */
	return 0;
}

/* The model runs and xvmd follows its events.  0, or -1 with *cause. */
int
dm_run_model(struct dmproc *dp, char **cause)
{
	if (spawn(dp, cause) == -1)
		return -1;
	dp->ev = event_new(dp->xd->base, dp->fd, EV_READ | EV_PERSIST,
	    model_read, dp);
	if (dp->ev == NULL || event_add(dp->ev, NULL) == -1) {
		xasprintf(cause, "device model event");
		return -1;
	}
	return 0;
}

int
dmproc_start(struct xvmd *xd, struct vm *vm, uint32_t domid, char **cause)
{
	struct dmproc	*dp = vm->dm;
	char		*why = NULL;
	unsigned	 i;

	if (dp == NULL)
		return 0;
	dp->domid = (int)domid;
	if (dm_run_model(dp, &why) == -1)
		goto fail;
	for (i = 0; i < dp->n; i++)
		if (dm_plug_slot(dp, i, &why) == -1)
			goto fail;
	if (vm->cfg->vfb.vnc && start_vnc(xd, dp, cause) == -1)
		return -1;
	log_info("%s: domain %s (%u): device model pid %d, %u device(s)",
	    __func__, vm->name, domid, (int)dp->pid, dp->n);
	return 0;
fail:
	xasprintf(cause, "cannot start %s: %s", vm->name, why);
	free(why);
	return -1;
}

void
dmproc_stop(struct vm *vm)
{
	struct dmproc	*dp = vm->dm;

	if (dp == NULL)
		return;
	if (dp->ev != NULL)
		event_free(dp->ev);
	if (dp->fd != -1)
		close(dp->fd);
	reap(dp, SIGTERM);
	close_slots(dp);
	free(dp);
	vm->dm = NULL;
}
