/* API routes about domains: list, create, destroy, shutdown, pause, resources. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xvm/xenctrl.h>

#include "lib/json.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "xvmd/api.h"
#include "xvmd/devspec.h"
#include "xvmd/domcfg.h"
#include "xvmd/lifecycle.h"
#include "xvmd/save.h"
#include "xvmd/vm.h"
#include "xvmd/xsdom.h"
#include "xvmd/xvmd.h"

/* The API's errno for a failed start: the config's fault, or ours. */
static int
start_error(int err)
{
	switch (err) {
	case ENOENT:
	case EACCES:
	case ENOEXEC:
	case EFBIG:
	case EINVAL:
		return EINVAL;
	case ENOMEM:
	case EAGAIN:
	case EEXIST:
	case EBUSY:
		return err;
	default:
		return EIO;
	}
}

/* The vm named by :dom, or ENOENT with the message. */
static struct vm *
lookup(struct api_req *ar, char **cause, int *err)
{
	struct vm	*vm = vm_find(ar->xd, ar->params[0]);

	if (vm == NULL) {
		xasprintf(cause, "domain '%s' does not exist", ar->params[0]);
		*err = ENOENT;
	}
	return vm;
}

static struct vm *
lookup_running(struct api_req *ar, char **cause, int *err)
{
	struct vm	*vm = lookup(ar, cause, err);

	if (vm != NULL && vm->domid < 0) {
		xasprintf(cause, "domain '%s' is not running", vm->name);
		*err = EINVAL;
		return NULL;
	}
	return vm;
}

int
api_is_dom0(struct api_req *ar)
{
	return strcmp(ar->params[0], "0") == 0 ||
	    strcmp(ar->params[0], "Domain-0") == 0;
}

int
api_dom_list(struct api_req *ar, char **cause)
{
	struct vm	*vm;
	int		 longfmt, vcpus, err;

	if ((err = api_query_flag(ar, "long", &longfmt, cause)) != 0 ||
	    (err = api_query_flag(ar, "vcpus", &vcpus, cause)) != 0)
		return err;
	json_w_key(ar->out, "domains");
	json_w_arr_open(ar->out);
	vm_dom0_to_json(ar->xd, ar->out, vcpus);
	TAILQ_FOREACH(vm, &ar->xd->vms, entry)
		vm_to_json(ar->xd, vm, ar->out, vcpus, longfmt);
	json_w_arr_close(ar->out);
	return 0;
}

int
api_dom_info(struct api_req *ar, char **cause)
{
	struct vm	*vm;
	int		 err = 0, longfmt;

	if ((err = api_query_flag(ar, "long", &longfmt, cause)) != 0)
		return err;
	json_w_key(ar->out, "domain");
	if (api_is_dom0(ar)) {
		vm_dom0_to_json(ar->xd, ar->out, 1);
		return 0;
	}
	if ((vm = lookup(ar, cause, &err)) == NULL)
		return err;
	vm_to_json(ar->xd, vm, ar->out, 1, longfmt);
	return 0;
}

/*
 * Parse the posted config: EINVAL with file:line on error, EEXIST when its
 * name or UUID is another domain's.
 */
static struct vm *
posted_vm(struct api_req *ar, char **cause, int *err)
{
	const char	*text, *file;
	struct domcfg	*dc;
	struct vm	*vm;

	*err = EINVAL;
	text = json_get_str(ar->body, "config");
	if ((file = json_get_str(ar->body, "file")) == NULL)
		file = "config";
	if ((dc = domcfg_parse(file, text, strlen(text), cause)) == NULL)
		return NULL;
	vm = vm_new(dc, xstrdup(text), xstrdup(file));
	if ((*err = vm_check_unique(ar->xd, vm->name, vm->uuid, NULL,
	    cause)) != 0) {
		vm_free(vm);
		return NULL;
	}
	return vm;
}

int
api_dom_create(struct api_req *ar, char **cause)
{
	struct vm	*vm;
	int		 err, paused = 0;

	if ((vm = posted_vm(ar, cause, &err)) == NULL)
		return err;
	(void)json_get_bool(ar->body, "paused", &paused);
	if (lc_start(ar->xd, vm, paused, cause) == -1) {
		err = start_error(errno);
		vm_free(vm);
		return err;
	}
	TAILQ_INSERT_TAIL(&ar->xd->vms, vm, entry);
	ar->status = 201;
	json_w_key(ar->out, "domain");
	vm_to_json(ar->xd, vm, ar->out, 0, 0);
	return 0;
}

int
api_managed_new(struct api_req *ar, char **cause)
{
	struct vm	*vm;
	int		 err;

	if ((vm = posted_vm(ar, cause, &err)) == NULL)
		return err;
	vm->managed = 1;
	if (xsdom_save_managed(ar->xd, vm, cause) == -1) {
		vm_free(vm);
		return EIO;
	}
	TAILQ_INSERT_TAIL(&ar->xd->vms, vm, entry);
	ar->status = 201;
	json_w_key(ar->out, "domain");
	vm_to_json(ar->xd, vm, ar->out, 0, 0);
	return 0;
}

int
api_managed_delete(struct api_req *ar, char **cause)
{
	struct vm	*vm;
	int		 err = 0;

	if ((vm = lookup(ar, cause, &err)) == NULL)
		return err;
	if (!vm->managed) {
		xasprintf(cause, "domain '%s' is not managed", vm->name);
		return EINVAL;
	}
	if (vm->domid >= 0) {
		xasprintf(cause, "domain '%s' is running; shut it down first",
		    vm->name);
		return EBUSY;
	}
	xsdom_delete_managed(ar->xd, vm);
	TAILQ_REMOVE(&ar->xd->vms, vm, entry);
	vm_free(vm);
	return 0;
}

int
api_dom_start(struct api_req *ar, char **cause)
{
	struct vm	*vm;
	int		 err = 0, paused = 0;

	if ((vm = lookup(ar, cause, &err)) == NULL)
		return err;
	if (vm->domid >= 0) {
		xasprintf(cause, "domain '%s' is already running", vm->name);
		return EBUSY;
	}
	if (ar->body != NULL)
		(void)json_get_bool(ar->body, "paused", &paused);
	if (lc_start(ar->xd, vm, paused, cause) == -1)
		return start_error(errno);
	json_w_key(ar->out, "domain");
	vm_to_json(ar->xd, vm, ar->out, 0, 0);
	return 0;
}

int
api_dom_destroy(struct api_req *ar, char **cause)
{
	struct vm	*vm;
	int		 err = 0;

	if ((vm = lookup_running(ar, cause, &err)) == NULL)
		return err;
	return lc_destroy(ar->xd, vm, cause) == -1 ? EIO : 0;
}

static int
shutdown_like(struct api_req *ar, char **cause, const char *how)
{
	struct vm	*vm;
	int		 err = 0;

	if ((vm = lookup_running(ar, cause, &err)) == NULL)
		return err;
	if (lc_shutdown(ar->xd, vm, how, cause) == -1)
		return errno == EBUSY ? EBUSY : EIO;
	json_w_ki64(ar->out, "domid", vm->domid);
	return 0;
}

int
api_dom_shutdown(struct api_req *ar, char **cause)
{
	return shutdown_like(ar, cause, "poweroff");
}

int
api_dom_reboot(struct api_req *ar, char **cause)
{
	return shutdown_like(ar, cause, "reboot");
}

static int
pause_like(struct api_req *ar, char **cause, int pause)
{
	struct vm	*vm;
	int		 err = 0, rc;

	if ((vm = lookup_running(ar, cause, &err)) == NULL)
		return err;
	rc = pause ? xc_domain_pause(ar->xd->xch, (uint32_t)vm->domid) :
	    xc_domain_unpause(ar->xd->xch, (uint32_t)vm->domid);
	if (rc == -1) {
		err = errno;
		xasprintf(cause, "cannot %s %s: %s", pause ? "pause" :
		    "unpause", vm->name, strerror(err));
		return err == EINVAL ? EINVAL : EIO;
	}
	return 0;
}

int
api_dom_pause(struct api_req *ar, char **cause)
{
	return pause_like(ar, cause, 1);
}

int
api_dom_unpause(struct api_req *ar, char **cause)
{
	return pause_like(ar, cause, 0);
}

int
api_dom_save(struct api_req *ar, char **cause)
{
	struct vm	*vm;
	const char	*file;
	int		 err = 0, checkpoint = 0;

	if ((vm = lookup(ar, cause, &err)) == NULL)
		return err;
	if ((file = json_get_str(ar->body, "file")) == NULL) {
		*cause = xstrdup("'file' (where to save) is required");
		return EINVAL;
	}
	(void)json_get_bool(ar->body, "checkpoint", &checkpoint);
	if ((err = save_begin(ar->xd, vm, file, checkpoint, api_defer(ar),
	    cause)) != 0)
		api_undefer(ar);	/* answered now, with the error */
	return err;
}

int
api_dom_restore(struct api_req *ar, char **cause)
{
	struct vm	*vm;
	const char	*file;
	int		 err, paused = 0;

	if ((file = json_get_str(ar->body, "file")) == NULL) {
		*cause = xstrdup("'file' (a file made by xm save) is required");
		return EINVAL;
	}
	(void)json_get_bool(ar->body, "paused", &paused);
	if ((err = save_restore(ar->xd, file, paused, &vm, cause)) != 0)
		return err;
	ar->status = 201;
	json_w_key(ar->out, "domain");
	vm_to_json(ar->xd, vm, ar->out, 0, 0);
	return 0;
}
