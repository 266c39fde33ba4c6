/* xm dump-core and on_crash = "coredump-*": a domain's ELF core (libxc), written in a job. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <xvm/xenctrl.h>
#include "lib/json.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "xvmd/api.h"
#include "xvmd/dump.h"
#include "xvmd/job.h"
#include "xvmd/lifecycle.h"
#include "xvmd/vm.h"
#include "xvmd/xvmd.h"

#define DUMP_DIR	XVM_LIB_DIR "/dump"

struct dump_job {
	struct vm		*vm;		/* busy while the job runs */
	uint32_t		 domid;
	char			 name[64];
	char			*file;
	int			 paused;	/* by us, for the copy */
	int			 crash;		/* -C: crash it afterwards */
	int			 on_crash;	/* on_crash's: act afterwards */
	struct api_later	*later;		/* xm dump-core's, or NULL */
	off_t			 bytes;
	char			*cause;
};

/* xend's name: DIR/2026-1124-0315.02-NAME.DOMID.core */
static char *
default_file(const struct vm *vm)
{
	struct tm	 tm;
	time_t		 now = time(NULL);
	char		 when[32], *dir, *file;

	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m%d-%H%M.%S", &tm);
	if ((dir = xvm_path(DUMP_DIR)) == NULL)
		fatal("%s: path", __func__);
	(void)mkdir(dir, 0700);
	xasprintf(&file, "%s/%s-%s.%d.core", dir, when, vm->name, vm->domid);
	free(dir);
	return file;
}

static void
run(struct job *job, void *arg)
{
	struct dump_job	*dj = arg;
	xc_interface	*xch;
	struct stat	 st;

	(void)job;
	if ((xch = xc_interface_open(NULL, NULL, 0)) == NULL ||
	    xc_domain_dumpcore(xch, dj->domid, dj->file) == -1)
		xasprintf(&dj->cause, "cannot dump the core of %s to %s: %s",
		    dj->name, dj->file, errno == EINVAL ? "not a regular file" :
		    strerror(errno));
	else if (stat(dj->file, &st) == 0)
		dj->bytes = st.st_blocks * 512;
	xc_interface_close(xch);
}

static char *
reply_json(const struct dump_job *dj)
{
	struct json_w	*w;
	char		*out;

	if ((w = json_w_new(1)) == NULL)
		fatalx("%s: out of memory", __func__);
	json_w_obj_open(w);
	json_w_kstr(w, "name", dj->name);
	json_w_kstr(w, "file", dj->file);
	json_w_ki64(w, "bytes", (int64_t)dj->bytes);
	json_w_obj_close(w);
	if ((out = json_w_strdup(w)) == NULL)
		fatalx("%s: bad document", __func__);
	json_w_free(w);
	return out;
}

static void
done(struct xvmd *xd, void *arg)
{
	struct dump_job	*dj = arg;
	struct vm	*vm = dj->vm;
	char		*json;

	vm->busy = NULL;
	if (dj->paused && xc_domain_unpause(xd->xch, dj->domid) == -1)
		log_warn("%s: unpausing %s", __func__, dj->name);
	if (dj->cause != NULL)
		log_warnx("%s: %s", __func__, dj->cause);
	else
		log_info("%s: the core of %s (domain %u) is in %s (%lld bytes "
		    "on disk)", __func__, dj->name, dj->domid, dj->file,
		    (long long)dj->bytes);
	if (dj->later != NULL) {
		json = reply_json(dj);
		api_later_reply(dj->later, dj->cause ? EIO : 0, dj->cause, 200,
		    json);
		free(json);
	}
	if (dj->crash && dj->cause == NULL) {
		vm->core_done = 1;	/* on_crash: not another core */
		if (xc_domain_shutdown(xd->xch, dj->domid, SHUTDOWN_crash) == -1)
			log_warn("%s: crashing %s", __func__, dj->name);
	}
	if (dj->on_crash)
		lc_after_dump(xd, vm);	/* vm may be gone after */
	free(dj->file);
	free(dj->cause);
	free(dj);
}

static const struct job_ops dump_ops = {
	.what = "dump-core",
	.run = run,
	.done = done,
};

static int
start(struct xvmd *xd, struct dump_job *dj, char **cause)
{
	dj->vm->busy = "being dumped";
	if (job_start(xd, &dump_ops, dj) == -1) {
		dj->vm->busy = NULL;
		xasprintf(cause, "cannot dump the core of %s: %s", dj->name,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
dump_begin(struct xvmd *xd, struct vm *vm, const char *file, int live,
    int crash, struct api_later *later, char **cause)
{
	struct dump_job	*dj;
	struct stat	 st;
	char		*dir;

	if (vm->domid < 0) {
		xasprintf(cause, "domain '%s' is not running", vm->name);
		return EINVAL;
	}
	if (vm->busy != NULL) {
		xasprintf(cause, "domain '%s' is %s; try again when that is "
		    "done", vm->name, vm->busy);
		return EBUSY;
	}
	if (file != NULL) {
		if (file[0] != '/') {
			xasprintf(cause, "core file '%s': the path must be "
			    "absolute", file);
			return EINVAL;
		}
		dir = xstrdup(file);
		if (stat(dirname(dir), &st) == -1 || !S_ISDIR(st.st_mode)) {
			xasprintf(cause, "core file '%s': no directory %s",
			    file, dir);
			free(dir);
			return ENOENT;
		}
		free(dir);
	}
	dj = xcalloc(1, sizeof(*dj));
	dj->vm = vm;
	dj->domid = (uint32_t)vm->domid;
	strlcpy(dj->name, vm->name, sizeof(dj->name));
	dj->file = file ? xstrdup(file) : default_file(vm);
	dj->crash = crash;
	dj->later = later;
	if (!live) {
		if (xc_domain_pause(xd->xch, dj->domid) == -1) {
			xasprintf(cause, "cannot pause %s: %s", vm->name,
			    strerror(errno));
			free(dj->file);
			free(dj);
			return EIO;
		}
		dj->paused = 1;
	}
	if (start(xd, dj, cause) == -1) {
		if (dj->paused)
			(void)xc_domain_unpause(xd->xch, dj->domid);
		free(dj->file);
		free(dj);
		return EAGAIN;
	}
	return 0;
}

int
dump_on_crash(struct xvmd *xd, struct vm *vm)
{
	struct dump_job	*dj = xcalloc(1, sizeof(*dj));
	char		*cause = NULL;

	dj->vm = vm;
	dj->domid = (uint32_t)vm->domid;
	strlcpy(dj->name, vm->name, sizeof(dj->name));
	dj->file = default_file(vm);
	dj->on_crash = 1;
	log_info("%s: %s (domain %d) crashed: its core goes to %s", __func__,
	    vm->name, vm->domid, dj->file);
	if (start(xd, dj, &cause) == -1) {
		log_warnx("%s: %s", __func__, cause);
		free(cause);
		free(dj->file);
		free(dj);
		return -1;
	}
	return 0;
}

int
api_dom_dump_core(struct api_req *ar, char **cause)
{
	const char	*file = NULL;
	int		 err, live = 0, crash = 0;

	if (ar->body != NULL) {
		file = json_get_str(ar->body, "file");
		(void)json_get_bool(ar->body, "live", &live);
		(void)json_get_bool(ar->body, "crash", &crash);
	}
	if ((err = dump_begin(ar->xd, ar->vm, file, live, crash, api_defer(ar),
	    cause)) != 0)
		api_undefer(ar);
	return err;
}
