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
#include "xvmd/domops.h"
#include "xvmd/lifecycle.h"
#include "xvmd/save.h"
#include "xvmd/vm.h"
#include "xvmd/xsdom.h"
#include "xvmd/xvmd.h"

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
	int		 err, longfmt;

	if ((err = api_query_flag(ar, "long", &longfmt, cause)) != 0)
		return err;
	json_w_key(ar->out, "domain");
	if (ar->vm == NULL) {		/* Domain-0 (the route's R_DOM0) */
		vm_dom0_to_json(ar->xd, ar->out, 1);
		return 0;
	}
	vm_to_json(ar->xd, ar->vm, ar->out, 1, longfmt);
	return 0;
}

/* The posted config's text and file name (the route's body checks
 * made 'config' a string). */
static void
posted(struct api_req *ar, const char **text, const char **file)
{
	*text = json_get_str(ar->body, "config");
	if ((*file = json_get_str(ar->body, "file")) == NULL)
		*file = "config";
}

int
api_dom_create(struct api_req *ar, char **cause)
{
	struct vm	*vm;
	const char	*text, *file;
	int		 err, paused = 0;

	posted(ar, &text, &file);
	(void)json_get_bool(ar->body, "paused", &paused);
	if ((err = dom_create(ar->xd, file, text, paused, &vm, cause)) != 0)
		return err;
	ar->status = 201;
	json_w_key(ar->out, "domain");
	vm_to_json(ar->xd, vm, ar->out, 0, 0);
	return 0;
}

int
api_managed_new(struct api_req *ar, char **cause)
{
	struct vm	*vm;
	const char	*text, *file;
	int		 err;

	posted(ar, &text, &file);
	if ((err = dom_define(ar->xd, file, text, 0, &vm, cause)) != 0)
		return err;
	ar->status = 201;
	json_w_key(ar->out, "domain");
	vm_to_json(ar->xd, vm, ar->out, 0, 0);
	return 0;
}

int
api_managed_delete(struct api_req *ar, char **cause)
{
	return dom_undefine(ar->xd, ar->vm, cause);
}

int
api_dom_start(struct api_req *ar, char **cause)
{
	struct vm	*vm = ar->vm;
	int		 err, paused = 0;

	if (ar->body != NULL)
		(void)json_get_bool(ar->body, "paused", &paused);
	if ((err = dom_start(ar->xd, vm, paused, cause)) != 0)
		return err;
	json_w_key(ar->out, "domain");
	vm_to_json(ar->xd, vm, ar->out, 0, 0);
	return 0;
}

int
api_dom_destroy(struct api_req *ar, char **cause)
{
	return dom_destroy(ar->xd, ar->vm, cause);
}

static int
shutdown_like(struct api_req *ar, char **cause, const char *how)
{
	int	 err;

	if ((err = dom_shutdown(ar->xd, ar->vm, how, cause)) != 0)
		return err;
	json_w_ki64(ar->out, "domid", ar->vm->domid);
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
	return dom_pause(ar->xd, ar->vm, pause, cause);
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
	const char	*file;
	int		 err, checkpoint = 0;

	if ((file = json_get_str(ar->body, "file")) == NULL) {
		*cause = xstrdup("'file' (where to save) is required");
		return EINVAL;
	}
	(void)json_get_bool(ar->body, "checkpoint", &checkpoint);
	if ((err = save_begin(ar->xd, ar->vm, file, checkpoint, api_later_done,
	    api_defer(ar), cause)) != 0)
		api_undefer(ar);	/* answered now, with the error */
	return err;
}

/* A restore's answer: 201 and the domain. */
static void
restored(void *later, int err, const char *message, const char *json)
{
	api_later_reply(later, err, message, 201, json);
}

int
api_dom_restore(struct api_req *ar, char **cause)
{
	const char	*file;
	int		 err, paused = 0;

	if ((file = json_get_str(ar->body, "file")) == NULL) {
		*cause = xstrdup("'file' (a file made by xm save) is required");
		return EINVAL;
	}
	(void)json_get_bool(ar->body, "paused", &paused);
	/* Answered with 201 and the domain once it is restored. */
	if ((err = save_restore(ar->xd, file, paused, restored, api_defer(ar),
	    cause)) != 0)
		api_undefer(ar);
	return err;
}
