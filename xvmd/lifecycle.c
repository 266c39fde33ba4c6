/*
 * Starting, stopping and reacting to the end of domains.
 *
 * A domain that shuts down (poweroff, reboot, crash) stays in the
 * hypervisor, flagged, until xvmd acts: lc_check() finds it and applies
 * the config's on_poweroff / on_reboot / on_crash.  Restarts follow
 * xend: a restart less than MINIMUM_RESTART_TIME seconds after the
 * previous one is refused and the domain destroyed, so a guest that dies
 * at boot does not loop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include <xvm/xc_dom.h>
#include <xvm/xenctrl.h>
#include <xvm/xenstore.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xvmd/domcfg.h"
#include "xvmd/lifecycle.h"
#include "xvmd/save.h"
#include "xvmd/vm.h"
#include "xvmd/xsdom.h"
#include "xvmd/xvmd.h"

static const char *const reasons[] = { "poweroff", "reboot", "suspend",
    "crash" };

int
lc_start(struct xvmd *xd, struct vm *vm, int paused, char **cause)
{
	struct xen_domctl_createdomain	 create;
	struct xc_dom_config		 dc = { 0 };
	struct xc_dom_image		 img;
	struct xen_domctl_sched_credit	 sc;
	struct domcfg			*cfg = vm->cfg;
	uint32_t			 domid = 0;
	unsigned int			 i;
	int				 saved;

	memset(&create, 0, sizeof(create));
	memcpy(create.handle, vm->uuid, 16);
	create.max_vcpus = cfg->vcpus;
	create.max_mem_kb = cfg->maxmem * 1024;
	if (xc_domain_create(xd->xch, &domid, &create) == -1) {
		xasprintf(cause, "cannot create domain %s: %s", vm->name,
		    strerror(errno));
		return -1;
	}
	vm->domid = (int)domid;
	dc.kernel = cfg->kernel;
	dc.ramdisk = cfg->ramdisk[0] ? cfg->ramdisk : NULL;
	dc.cmdline = cfg->cmdline;
	dc.vcpus = cfg->vcpus;
	dc.mem_kb = cfg->memory * 1024;
	if (xc_dom_build(xd->xch, domid, &dc, &img) == -1) {
		saved = errno;
		xasprintf(cause, "cannot build domain %s from %s: %s",
		    vm->name, cfg->kernel,
		    saved == ENOEXEC ? "not a RISC-V 64-bit ELF executable" :
		    saved == EFBIG ? "it does not fit in the domain's memory" :
		    strerror(saved));
		errno = saved;
		goto fail;
	}
	sc.weight = (uint16_t)cfg->cpu_weight;
	sc.cap = (uint16_t)cfg->cpu_cap;
	if (xc_sched_credit_domain_set(xd->xch, domid, &sc) == -1) {
		xasprintf(cause, "scheduler parameters of %s: %s", vm->name,
		    strerror(errno));
		goto fail;
	}
	for (i = 0; cfg->cpumask != UINT64_MAX && i < cfg->vcpus; i++)
		if (xc_vcpu_setaffinity(xd->xch, domid, (int)i,
		    cfg->cpumask) == -1) {
			xasprintf(cause, "cpus '%s' of %s: %s", cfg->cpus,
			    vm->name, strerror(errno));
			goto fail;
		}
	vm->started = time(NULL);
	vm->handled = 0;
	if (xsdom_write(xd, vm, &img, cause) == -1)
		goto fail;
	/* Without the store's ring the guest still runs: xenbus times out. */
	if (!xs_introduce_domain(xd->xs, domid, (unsigned long)img.store_pfn,
	    img.store_port))
		log_warn("%s: introducing %s to the store", __func__, vm->name);
	if (!paused && xc_domain_unpause(xd->xch, domid) == -1) {
		xasprintf(cause, "cannot unpause %s: %s", vm->name,
		    strerror(errno));
		goto fail;
	}
	log_info("%s: started %s as domain %u (%u vCPUs, %llu MiB)%s",
	    __func__, vm->name, domid, cfg->vcpus,
	    (unsigned long long)cfg->memory, paused ? ", paused" : "");
	return 0;
fail:
	saved = errno;
	xc_domain_destroy(xd->xch, domid);
	xsdom_remove(xd, vm, (int)domid);
	vm->domid = -1;
	errno = saved;
	return -1;
}

/* End the domain and its store entries; the table entry stays. */
static int
teardown(struct xvmd *xd, struct vm *vm, char **cause)
{
	int	 domid = vm->domid;

	if (xc_domain_destroy(xd->xch, (uint32_t)domid) == -1 &&
	    errno != ESRCH) {
		xasprintf(cause, "cannot destroy %s: %s", vm->name,
		    strerror(errno));
		return -1;
	}
	(void)xs_release_domain(xd->xs, (unsigned int)domid);
	xsdom_remove(xd, vm, domid);
	log_info("%s: destroyed %s (domain %d)", __func__, vm->name, domid);
	vm->domid = -1;
	return 0;
}

/* A vm that is neither running nor managed leaves the table. */
static void
forget_if_unmanaged(struct xvmd *xd, struct vm *vm)
{
	if (vm->domid < 0 && !vm->managed) {
		TAILQ_REMOVE(&xd->vms, vm, entry);
		vm_free(vm);
	}
}

int
lc_destroy(struct xvmd *xd, struct vm *vm, char **cause)
{
	if (vm->domid < 0) {
		xasprintf(cause, "domain '%s' is not running", vm->name);
		return -1;
	}
	if (teardown(xd, vm, cause) == -1)
		return -1;
	forget_if_unmanaged(xd, vm);
	return 0;
}

int
lc_shutdown(struct xvmd *xd, struct vm *vm, const char *how, char **cause)
{
	if (vm->domid < 0) {
		xasprintf(cause, "domain '%s' is not running", vm->name);
		return -1;
	}
	if (xsdom_request_shutdown(xd, vm->domid, how, cause) == -1)
		return -1;
	log_info("%s: asked %s (domain %d) to %s", __func__, vm->name,
	    vm->domid, how);
	return 0;
}

/* Restart in place, or refuse as xend did when it comes too soon. */
static void
restart(struct xvmd *xd, struct vm *vm)
{
	char	*cause = NULL;
	time_t	 now = time(NULL);

	if (vm->last_restart != 0 &&
	    now - vm->last_restart < MINIMUM_RESTART_TIME) {
		log_warnx("%s: %s restarting too fast (%lld seconds since the "
		    "last restart); refusing to restart to avoid loops",
		    __func__, vm->name, (long long)(now - vm->last_restart));
		if (teardown(xd, vm, &cause) == -1)
			log_warnx("%s: %s", __func__, cause);
		goto out;
	}
	vm->last_restart = now;
	if (teardown(xd, vm, &cause) == -1) {
		log_warnx("%s: %s", __func__, cause);
		goto out;
	}
	if (lc_start(xd, vm, 0, &cause) == -1)
		log_warnx("%s: restarting: %s", __func__, cause);
out:
	free(cause);
	forget_if_unmanaged(xd, vm);
}

/*
 * rename-restart: the dead domain stays, for inspection, as
 * NAME-<domid>; a new one starts under the original name.
 */
static void
rename_restart(struct xvmd *xd, struct vm *vm)
{
	struct domcfg	*copy;
	struct vm	*old;
	char		*cause = NULL, path[64];

	copy = domcfg_parse(vm->cfgfile, vm->cfgtext, strlen(vm->cfgtext),
	    &cause);
	if (copy == NULL) {
		log_warnx("%s: %s", __func__, cause);
		free(cause);
		return;
	}
	old = vm_new(copy, xstrdup(vm->cfgtext), xstrdup(vm->cfgfile));
	/* NAME-<domid>, the name cut to make room for the suffix. */
	snprintf(old->name, sizeof(old->name), "%.56s-%d", vm->name,
	    vm->domid);
	memcpy(old->uuid, vm->uuid, 16);
	old->domid = vm->domid;
	old->started = vm->started;
	old->handled = 1;
	TAILQ_INSERT_TAIL(&xd->vms, old, entry);
	snprintf(path, sizeof(path), "/local/domain/%d/name", old->domid);
	if (!xs_write(xd->xs, XBT_NULL, path, old->name,
	    (unsigned int)strlen(old->name)))
		log_warn("%s: renaming in the store", __func__);
	log_info("%s: kept domain %d as %s", __func__, old->domid, old->name);
	vm->domid = -1;
	if (uuid_generate(vm->uuid) == -1)
		log_warn("%s: uuid", __func__);
	if (lc_start(xd, vm, 0, &cause) == -1) {
		log_warnx("%s: restarting: %s", __func__, cause);
		free(cause);
		forget_if_unmanaged(xd, vm);
	}
}

static void
act(struct xvmd *xd, struct vm *vm, unsigned int reason)
{
	enum domcfg_action	 a;
	char			*cause = NULL;

	switch (reason) {
	case SHUTDOWN_poweroff:
		a = vm->cfg->on_poweroff;
		break;
	case SHUTDOWN_reboot:
		a = vm->cfg->on_reboot;
		break;
	case SHUTDOWN_crash:
		a = vm->cfg->on_crash;
		break;
	default:
		log_info("%s: %s (domain %d) suspended; it stays until saved "
		    "or destroyed", __func__, vm->name, vm->domid);
		return;
	}
	log_info("%s: %s (domain %d) shut down (%s): %s", __func__, vm->name,
	    vm->domid, reason < 4 ? reasons[reason] : "?",
	    domcfg_action_name(a));
	switch (a) {
	case ACTION_COREDUMP_DESTROY:
		log_warnx("%s: core dumps are not implemented; destroying",
		    __func__);
		/* FALLTHROUGH */
	case ACTION_DESTROY:
		if (lc_destroy(xd, vm, &cause) == -1)
			log_warnx("%s: %s", __func__, cause);
		break;
	case ACTION_COREDUMP_RESTART:
		log_warnx("%s: core dumps are not implemented; restarting",
		    __func__);
		/* FALLTHROUGH */
	case ACTION_RESTART:
		restart(xd, vm);
		break;
	case ACTION_RENAME_RESTART:
		rename_restart(xd, vm);
		break;
	case ACTION_PRESERVE:
		break;
	}
	free(cause);
}

void
lc_check(struct xvmd *xd)
{
	xc_domaininfo_t	*info;
	struct vm	*vm, *next;
	int		 n, i;

	if ((n = vm_getinfo_all(xd, &info)) < 0) {
		log_warn("%s: listing domains", __func__);
		return;
	}
	TAILQ_FOREACH_SAFE(vm, &xd->vms, entry, next) {
		if (vm->domid < 0)
			continue;
		for (i = 0; i < n; i++)
			if (info[i].domain == (uint32_t)vm->domid)
				break;
		if (i == n) {
			/* Destroyed behind our back (not through xvmd). */
			log_info("%s: %s (domain %d) is gone", __func__,
			    vm->name, vm->domid);
			xsdom_remove(xd, vm, vm->domid);
			vm->domid = -1;
			save_free(vm);
			forget_if_unmanaged(xd, vm);
			continue;
		}
		if (vm->save != NULL && save_check(xd, vm, &info[i]))
			continue;
		if ((info[i].flags & XEN_DOMINF_shutdown) && !vm->handled) {
			vm->handled = 1;
			act(xd, vm, (info[i].flags >> XEN_DOMINF_shutdownshift) &
			    XEN_DOMINF_shutdownmask);
		}
	}
	free(info);
}

void
lc_autostart(struct xvmd *xd)
{
	struct vm	*vm, *next;
	char		*cause = NULL;

	TAILQ_FOREACH_SAFE(vm, &xd->vms, entry, next) {
		if (!vm->managed || vm->domid >= 0 ||
		    vm->cfg->on_xend_start != XEND_START_START)
			continue;
		log_info("%s: starting %s (on_xend_start = start)", __func__,
		    vm->name);
		if (lc_start(xd, vm, 0, &cause) == -1) {
			log_warnx("%s: %s", __func__, cause);
			free(cause);
			cause = NULL;
		}
	}
}

void
lc_xend_stop(struct xvmd *xd)
{
	struct vm	*vm;
	char		*cause = NULL;

	TAILQ_FOREACH(vm, &xd->vms, entry) {
		if (vm->domid < 0)
			continue;
		switch (vm->cfg->on_xend_stop) {
		case XEND_STOP_IGNORE:
			break;
		case XEND_STOP_SHUTDOWN:
			if (lc_shutdown(xd, vm, "poweroff", &cause) == -1) {
				log_warnx("%s: %s", __func__, cause);
				free(cause);
				cause = NULL;
			}
			break;
		case XEND_STOP_SUSPEND:
			/* xvm-domains stop saves them, before xvmd stops. */
			log_info("%s: %s: on_xend_stop = suspend is saved by "
			    "xvm-domains stop; left running", __func__,
			    vm->name);
			break;
		}
	}
}

static void	xs_cb(evutil_socket_t, short, void *);

/*
 * The store went away (restarted by SMF, say): open a new connection,
 * every second until one works.  The old handle stays until then, so
 * store calls fail with an error rather than on a NULL handle.
 */
static void
reconnect_cb(evutil_socket_t fd, short what, void *arg)
{
	struct xvmd		*xd = arg;
	struct xs_handle	*h;
	struct timeval		 second = { 1, 0 };

	(void)fd;
	(void)what;
	if ((h = xs_open(0)) == NULL ||
	    !xs_watch(h, "@releaseDomain", "xvmd")) {
		xs_close(h);
		evtimer_add(xd->reconnect_ev, &second);
		return;
	}
	xs_close(xd->xs);
	xd->xs = h;
	xd->xs_ev = event_new(xd->base, xs_fileno(h), EV_READ | EV_PERSIST,
	    xs_cb, xd);
	event_add(xd->xs_ev, NULL);
	log_info("%s: reconnected to the store", __func__);
	lc_check(xd);
}

/* Drain watch events; 0, or -1 once the connection is found dead. */
static int
store_drain(struct xvmd *xd)
{
	char	**ev;

	if (xd->xs_ev == NULL)
		return -1;		/* already reconnecting */
	while ((ev = xs_check_watch(xd->xs)) != NULL)
		free(ev);
	if (errno == EAGAIN)
		return 0;
	log_warnx("%s: the store connection is lost; reconnecting", __func__);
	event_free(xd->xs_ev);
	xd->xs_ev = NULL;
	event_active(xd->reconnect_ev, EV_TIMEOUT, 0);
	return -1;
}

static void
xs_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)store_drain(arg);
	lc_check(arg);
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)store_drain(arg);
	lc_check(arg);
}

void
lc_watch(struct xvmd *xd)
{
	struct timeval	 second = { 1, 0 };

	/*
	 * As xend: the store owns VIRQ_DOM_EXC and fires @releaseDomain when
	 * an introduced domain shuts down or dies; a tick covers the rest.
	 */
	if (xs_watch(xd->xs, "@releaseDomain", "xvmd")) {
		xd->xs_ev = event_new(xd->base, xs_fileno(xd->xs),
		    EV_READ | EV_PERSIST, xs_cb, xd);
		event_add(xd->xs_ev, NULL);
	} else
		log_warn("%s: watching @releaseDomain", __func__);
	xd->tick_ev = event_new(xd->base, -1, EV_PERSIST, tick_cb, xd);
	event_add(xd->tick_ev, &second);
	xd->reconnect_ev = evtimer_new(xd->base, reconnect_cb, xd);
}

void
lc_unwatch(struct xvmd *xd)
{
	if (xd->xs_ev != NULL)
		event_free(xd->xs_ev);
	if (xd->tick_ev != NULL)
		event_free(xd->tick_ev);
	if (xd->reconnect_ev != NULL)
		event_free(xd->reconnect_ev);
	xd->xs_ev = xd->tick_ev = xd->reconnect_ev = NULL;
}
