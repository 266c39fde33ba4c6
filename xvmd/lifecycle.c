/*
 * Stopping domains and reacting to their end (start.c starts them).
 *
 * A domain that shuts down (poweroff, reboot, crash) stays in the
 * hypervisor, flagged, until xvmd acts: lc_check() finds it and applies
 * the config's on_poweroff / on_reboot / on_crash.  Every restart action
 * (restart, rename-restart, coredump-restart) follows xend's rule: a
 * restart less than MINIMUM_RESTART_TIME seconds after the previous one
 * is refused and the domain destroyed, so a guest that dies at boot does
 * not loop; the time of the last restart is kept in the store, so the
 * rule holds across xvmd's restarts, and a reboot request that would be
 * refused so is refused when asked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include <xvm/xc_dom.h>
#include <xvm/xenctrl.h>
#include <xvm/xenstore.h>

#include "lib/log.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "xenstored/xsclient.h"
#include "xvmd/domcfg.h"
#include "xvmd/domops.h"
#include "xvmd/dump.h"
#include "xvmd/lifecycle.h"
#include "xvmd/reconcile.h"
#include "xvmd/save.h"
#include "xvmd/vm.h"
#include "xvmd/xsdom.h"
#include "xvmd/xvmd.h"

static const char *const reasons[] = { "poweroff", "reboot", "suspend",
    "crash" };

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

/*
 * How a guest is asked to stop, as xend did it: control/shutdown in the
 * store, which a guest with PV drivers honours; and for a guest without
 * them (a stock Linux: it has never made a PV hypercall) a press of its
 * machine's power or reboot key too, as an HVM guest without PV drivers
 * gets the ACPI power button.
 */
static int
pv_aware(struct xvmd *xd, int domid)
{
	xc_domaininfo_t	info;

	if (xc_domain_getinfolist(xd->xch, (uint32_t)domid, 1, &info) != 1 ||
	    info.domain != (uint32_t)domid)
		return 1;	/* gone: nothing to press */
	return (info.flags & XEN_DOMINF_xvm_pvaware) != 0;
}

static int
press_key(struct xvmd *xd, struct vm *vm, const char *how, char **cause)
{
	uint32_t	 trigger;
	const char	*key;

	if (strcmp(how, "poweroff") == 0 || strcmp(how, "halt") == 0) {
		trigger = XEN_DOMCTL_SENDTRIGGER_POWER;
		key = "power";
	} else if (strcmp(how, "reboot") == 0) {
		trigger = XEN_DOMCTL_SENDTRIGGER_XVM_REBOOT;
		key = "reboot";
	} else
		return 0;	/* no key says "suspend": the store only */
	if (xc_domain_send_trigger(xd->xch, (uint32_t)vm->domid, trigger,
	    0) == -1) {
		xasprintf(cause, "pressing the %s key of '%s': %s", key,
		    vm->name, strerror(errno));
		return -1;
	}
	log_info("%s: pressed the %s key of %s (domain %d)", __func__, key,
	    vm->name, vm->domid);
	return 0;
}

int
lc_rename(struct xvmd *xd, struct vm *vm, const char *name, char **cause)
{
	char	*text, *old;
	int	 err;

	if ((text = domcfg_rename_text(vm->cfgfile, vm->cfgtext, name,
	    cause)) == NULL)
		return EINVAL;
	if ((err = vm_check_unique(xd, name, vm->uuid, vm, cause)) != 0) {
		free(text);
		return err;
	}
	old = xstrdup(vm->name);
	free(vm->cfgtext);
	vm->cfgtext = text;
	strlcpy(vm->name, name, sizeof(vm->name));
	strlcpy(vm->cfg->name, name, sizeof(vm->cfg->name));
	/*
	 * Where the name lives: /vm/<uuid>/name, /local/domain/<id>/name
	 * (consoled follows it), the config in /vm and in the managed
	 * entry, hence in save files and after our restarts.
	 */
	if ((vm->domid >= 0 && xsdom_write_vm(xd, vm, cause) == -1) ||
	    (vm->managed && xsdom_save_managed(xd, vm, cause) == -1)) {
		log_warnx("%s: %s", __func__, *cause);
		free(old);
		return EIO;
	}
	log_info("%s: %s is now %s", __func__, old, name);
	free(old);
	return 0;
}

int
lc_shutdown(struct xvmd *xd, struct vm *vm, const char *how, char **cause)
{
	enum domcfg_action	 a = vm->cfg->on_reboot;
	int			 wait;

	if (vm->domid < 0) {
		xasprintf(cause, "domain '%s' is not running", vm->name);
		errno = EINVAL;
		return -1;
	}
	/* A reboot that would be refused as a loop is refused now. */
	if (strcmp(how, "reboot") == 0 && (a == ACTION_RESTART ||
	    a == ACTION_RENAME_RESTART || a == ACTION_COREDUMP_RESTART) &&
	    (wait = lc_restart_wait(vm)) > 0) {
		xasprintf(cause, "domain '%s' restarted %d seconds ago; a "
		    "restart within %d seconds of the last is refused as a "
		    "loop (and the domain destroyed): try again in %d seconds",
		    vm->name, MINIMUM_RESTART_TIME - wait,
		    MINIMUM_RESTART_TIME, wait);
		errno = EBUSY;
		return -1;
	}
	if (xsdom_request_shutdown(xd, vm->domid, how, cause) == -1) {
		errno = EIO;
		return -1;
	}
	if (!pv_aware(xd, vm->domid) && press_key(xd, vm, how, cause) == -1) {
		errno = EIO;
		return -1;
	}
	log_info("%s: asked %s (domain %d) to %s", __func__, vm->name,
	    vm->domid, how);
	return 0;
}

int
lc_restart_wait(const struct vm *vm)
{
	time_t	 since = time(NULL) - vm->last_restart;

	if (vm->last_restart == 0 || since >= MINIMUM_RESTART_TIME ||
	    since < 0)
		return 0;
	return (int)(MINIMUM_RESTART_TIME - since);
}

/*
 * xend's rule, for every restart action: a restart less than
 * MINIMUM_RESTART_TIME seconds after the previous one is refused and the
 * domain destroyed, so that a guest that dies at boot does not loop.  The
 * refusal is logged, and kept in a managed entry's note (xm list -l).
 * Returns 1 when refused: vm may be gone then.
 */
static int
too_fast(struct xvmd *xd, struct vm *vm)
{
	char	*cause = NULL, when[32];
	time_t	 now = time(NULL);
	struct tm tm;

	if (lc_restart_wait(vm) == 0)
		return 0;
	log_warnx("%s: %s restarting too fast (%lld seconds since the last "
	    "restart); refusing to restart to avoid loops", __func__,
	    vm->name, (long long)(now - vm->last_restart));
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	free(vm->note);
	xasprintf(&vm->note, "%s: restart refused: it was restarting too "
	    "fast (%lld s since the last restart, the minimum is %d s); "
	    "destroyed", when, (long long)(now - vm->last_restart),
	    MINIMUM_RESTART_TIME);
	if (teardown(xd, vm, &cause) == -1) {
		log_warnx("%s: %s", __func__, cause);
		free(cause);
	}
	forget_if_unmanaged(xd, vm);
	return 1;
}

/* Restart in place, unless it comes too soon. */
static void
restart(struct xvmd *xd, struct vm *vm)
{
	char	*cause = NULL;

	if (too_fast(xd, vm))
		return;
	vm->last_restart = time(NULL);
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
 * rename-restart: the dead domain stays, for inspection, as NAME-<domid>
 * with a new UUID (as xend's preserve-for-restart), and a new one starts
 * under the original name and UUID, so a managed entry keeps its key.
 */
static void
rename_restart(struct xvmd *xd, struct vm *vm)
{
	struct domcfg	*copy = NULL;
	struct vm	*old;
	char		*cause = NULL, *text, name[DOMCFG_NAME_MAX];

	if (too_fast(xd, vm))
		return;
	/* NAME-<domid>, the name cut to make room for the suffix. */
	snprintf(name, sizeof(name), "%.56s-%d", vm->name, vm->domid);
	if ((text = domcfg_rename_text(vm->cfgfile, vm->cfgtext, name,
	    &cause)) == NULL || (copy = domcfg_parse(vm->cfgfile, text,
	    strlen(text), &cause)) == NULL) {
		log_warnx("%s: %s", __func__, cause);
		free(cause);
		free(text);
		return;
	}
	old = vm_new(copy, text, xstrdup(vm->cfgfile));
	if (uuid_generate(old->uuid) == -1)	/* even when uuid= is set */
		fatal("%s: uuid", __func__);
	old->domid = vm->domid;
	old->started = vm->started;
	old->handled = 1;
	TAILQ_INSERT_TAIL(&xd->vms, old, entry);
	if (xc_domain_sethandle(xd->xch, (uint32_t)old->domid, old->uuid) == -1)
		log_warn("%s: the new UUID of domain %d", __func__, old->domid);
	if (xsdom_write_vm(xd, old, &cause) == -1) {
		log_warnx("%s: %s", __func__, cause);
		free(cause);
		cause = NULL;
	}
	log_info("%s: kept domain %d as %s", __func__, old->domid, old->name);
	vm->domid = -1;
	vm->last_restart = time(NULL);
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
	/* xend: a core first for coredump-*, and for any crash with
	 * enable-dump; the action follows when it is written. */
	if (reason == SHUTDOWN_crash && !vm->core_done &&
	    (a == ACTION_COREDUMP_DESTROY || a == ACTION_COREDUMP_RESTART ||
	    xendconf_bool(&xd->conf, XC_ENABLE_DUMP)) &&
	    dump_on_crash(xd, vm) == 0)
		return;
	vm->core_done = 0;
	log_info("%s: %s (domain %d) shut down (%s): %s", __func__, vm->name,
	    vm->domid, reason < 4 ? reasons[reason] : "?",
	    domcfg_action_name(a));
	switch (a) {
	case ACTION_COREDUMP_DESTROY:
	case ACTION_DESTROY:
		if (lc_destroy(xd, vm, &cause) == -1)
			log_warnx("%s: %s", __func__, cause);
		break;
	case ACTION_COREDUMP_RESTART:
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
lc_after_dump(struct xvmd *xd, struct vm *vm)
{
	vm->core_done = 1;
	act(xd, vm, SHUTDOWN_crash);
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
		if (vm->domid < 0 || vm->busy != NULL)
			continue;	/* a job (save, migration) has it */
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
	dom_changed(xd);
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
		/* A saved image wins over a fresh start: xvm-domains start
		 * restores it. */
		if (vm->saved != NULL && access(vm->saved, F_OK) == 0) {
			log_info("%s: not starting %s: it resumes from its "
			    "saved image %s", __func__, vm->name, vm->saved);
			continue;
		}
		log_info("%s: starting %s (on_xend_start = start)", __func__,
		    vm->name);
		if (lc_start(xd, vm, 0, &cause) == -1) {
			log_warnx("%s: %s", __func__, cause);
			free(cause);
			cause = NULL;
		}
	}
}

/*
 * The store, through the shared reconnecting client: a restarted store
 * is connected again (with the @releaseDomain watch), its entries are
 * reconciled with the hypervisor -- a teardown while it was down left
 * entries behind, or it came back without ours -- and domains checked.
 */
static void
store_connected(struct xsclient *c, void *arg, int again)
{
	struct xvmd	*xd = arg;

	xd->xs = xsclient_handle(c);
	if (!again)
		return;		/* main() reconciles after its recovery */
	store_reconcile(xd);
	lc_check(xd);
}

static void
store_event(struct xsclient *c, void *arg, const char *path,
    const char *token)
{
	(void)c;
	(void)path;
	(void)token;
	lc_check(arg);
}

static const struct xsclient_ops store_ops = {
	.connected = store_connected,
	.event = store_event,
};

int
lc_store_open(struct xvmd *xd)
{
	xd->xsc = xsclient_new(xd->base, "xvmd", &store_ops, xd);
	xd->xs = xsclient_handle(xd->xsc);
	return xsclient_up(xd->xsc) ? 0 : -1;
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct xvmd	*xd = arg;

	(void)fd;
	(void)what;
	xsclient_check(xd->xsc);
	lc_check(xd);
}

void
lc_watch(struct xvmd *xd)
{
	struct timeval	 second = { 1, 0 };

	/*
	 * As xend: the store owns VIRQ_DOM_EXC and fires @releaseDomain when
	 * an introduced domain shuts down or dies; a tick covers the rest.
	 */
	if (xsclient_watch(xd->xsc, "@releaseDomain", "xvmd") == -1)
		log_warn("%s: watching @releaseDomain", __func__);
	xd->tick_ev = event_new(xd->base, -1, EV_PERSIST, tick_cb, xd);
	event_add(xd->tick_ev, &second);
}

void
lc_unwatch(struct xvmd *xd)
{
	if (xd->tick_ev != NULL)
		event_free(xd->tick_ev);
	xd->tick_ev = NULL;
	xsclient_free(xd->xsc);
	xd->xsc = NULL;
	xd->xs = NULL;
}
