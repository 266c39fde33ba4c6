/* xm save and xm restore: a suspended guest to a file through libxc, and back. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xvm/xc_dom.h>
#include <xvm/xc_sr.h>
#include <xvm/xenctrl.h>
#include <xvm/xenstore.h>

#include "lib/buf.h"
#include "lib/file.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "xvmd/domcfg.h"
#include "xvmd/job.h"
#include "xvmd/lifecycle.h"
#include "xvmd/restore.h"
#include "xvmd/save.h"
#include "xvmd/vm.h"
#include "xvmd/xsdom.h"
#include "xvmd/xvmd.h"

struct save_op {
	char			*file;
	save_done_fn		 done;
	void			*arg;
	time_t			 deadline;
	int			 checkpoint;	/* xm save -c: run on after */
	int			 paused;	/* not suspended: only paused */
};

static int	start_job(struct xvmd *, struct vm *);

/*
 * Does the guest suspend when asked (a PV kernel, the mini-OS: it wrote
 * control/feature-suspend = 1)?  Any other (a stock Linux) is only paused
 * for its save, as Xen's toolstack does with an HVM guest: its vCPUs stop
 * where they are and run on from there after a restore.
 */
static int
can_suspend(struct xvmd *xd, int domid)
{
	char		 p[96], *v;
	unsigned int	 len;
	int		 yes = 0;

	snprintf(p, sizeof(p), "/local/domain/%d/control/feature-suspend",
	    domid);
	if ((v = xs_read(xd->xs, XBT_NULL, p, &len)) != NULL) {
		yes = strcmp(v, "1") == 0;
		free(v);
	}
	return yes;
}

void
save_toolstack_record(const struct vm *vm, struct buf *b)
{
	char	 extra[48];
	int	 n;

	buf_add(b, vm->uuid, 16);
	buf_add(b, vm->cfgfile, strlen(vm->cfgfile) + 1);
	buf_add(b, vm->cfgtext, strlen(vm->cfgtext));
	/* What mem-set asked for travels too (xend's saved memory). */
	n = snprintf(extra, sizeof(extra), "%ctarget=%llu", '\0',
	    (unsigned long long)vm->cfg->memory);
	buf_add(b, extra, (size_t)n);
}

static void
finish(struct vm *vm, int err, const char *message, const char *json)
{
	struct save_op	*op = vm->save;

	vm->save = NULL;
	op->done(op->arg, err, message, json);
	free(op->file);
	free(op);
}

void
save_free(struct vm *vm)
{
	if (vm->save != NULL)
		finish(vm, ECANCELED, "the domain went away before it was "
		    "saved", NULL);
}

int
save_begin(struct xvmd *xd, struct vm *vm, const char *file, int checkpoint,
    save_done_fn done, void *arg, char **cause)
{
	struct save_op	*op;
	struct stat	 st;
	char		*dir;
	int		 paused;

	if (vm->domid < 0) {
		xasprintf(cause, "domain '%s' is not running", vm->name);
		return EINVAL;
	}
	if (vm->save != NULL) {
		xasprintf(cause, "domain '%s' is already being saved",
		    vm->name);
		return EBUSY;
	}
	if (vm->busy != NULL) {
		xasprintf(cause, "domain '%s' is %s; try again when that is "
		    "done", vm->name, vm->busy);
		return EBUSY;
	}
	if (file[0] != '/') {
		xasprintf(cause, "save file '%s': the path must be absolute",
		    file);
		return EINVAL;
	}
	dir = xstrdup(file);
	if (stat(dirname(dir), &st) == -1 || !S_ISDIR(st.st_mode)) {
		xasprintf(cause, "save file '%s': no directory %s", file, dir);
		free(dir);
		return ENOENT;
	}
	free(dir);
	paused = !can_suspend(xd, vm->domid);
	if (!paused && xsdom_request_shutdown(xd, vm->domid, "suspend",
	    cause) == -1)
		return EIO;
	op = xcalloc(1, sizeof(*op));
	op->file = xstrdup(file);
	op->done = done;
	op->arg = arg;
	op->checkpoint = checkpoint;
	op->paused = paused;
	op->deadline = time(NULL) +
	    (time_t)xendconf_int(&xd->conf, XC_SHUTDOWN_TIMEOUT);
	vm->save = op;
	if (paused) {
		log_info("%s: saving %s (domain %d) to %s, paused (it does "
		    "not suspend)", __func__, vm->name, vm->domid, file);
		(void)start_job(xd, vm);
		return 0;
	}
	log_info("%s: asked %s (domain %d) to suspend, to save it to %s",
	    __func__, vm->name, vm->domid, file);
	return 0;
}

static int
suspended(void *data)
{
	(void)data;
	return 1;	/* the guest suspended: its vCPUs are stopped already */
}

/* The file being written, in a job (the loop keeps serving meanwhile). */
struct save_job {
	struct vm	*vm;		/* the loop's; busy while the job runs */
	uint32_t	 domid;
	char		 name[64];	/* the vm's, for the thread's messages */
	char		*file;
	struct buf	 ts;		/* the toolstack record */
	off_t		 size;
	char		*cause;		/* set when it failed */
};

/* Write the stream to a temporary file beside 'file', then rename. */
static void
write_file(struct job *job, void *arg)
{
	struct save_job		*sj = arg;
	struct save_callbacks	 cb = { .suspend = suspended };
	struct stat		 st;
	xc_interface		*xch;
	char			*tmp, *dir;
	int			 fd, dfd, ok = 0;

	(void)job;
	xasprintf(&tmp, "%s.XXXXXX", sj->file);
	if ((fd = mkstemp(tmp)) == -1) {
		xasprintf(&sj->cause, "cannot create %s: %s", tmp,
		    strerror(errno));
		free(tmp);
		return;
	}
	cb.toolstack = buf_data(&sj->ts);
	cb.toolstack_len = (uint32_t)buf_len(&sj->ts);
	if ((xch = xc_interface_open(NULL, NULL, 0)) == NULL ||
	    xc_domain_pause(xch, sj->domid) == -1 ||
	    xc_domain_save(xch, fd, sj->domid, 0, &cb) == -1) {
		xasprintf(&sj->cause, "cannot save %s: %s", sj->name,
		    strerror(errno));
		goto out;
	}
	if (fsync(fd) == -1 || fstat(fd, &st) == -1 ||
	    rename(tmp, sj->file) == -1) {
		xasprintf(&sj->cause, "cannot write %s: %s", sj->file,
		    strerror(errno));
		goto out;
	}
	/* The rename itself survives a crash once the directory is synced. */
	dir = xstrdup(sj->file);
	if ((dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(dir);
	sj->size = st.st_size;
	ok = 1;
out:
	xc_interface_close(xch);
	close(fd);
	if (!ok)
		unlink(tmp);
	free(tmp);
}

/*
 * The suspended guest runs on where it stopped (a checkpoint, or a save
 * that failed): Xen's cooperative resume, our pause given back, and the
 * store told (RESUME), so that its next shutdown is seen again.  A guest
 * that was only paused is unpaused.
 */
static int
resume_in_place(struct xvmd *xd, struct vm *vm)
{
	uint32_t	 domid = (uint32_t)vm->domid;

	if (vm->save != NULL && vm->save->paused) {
		if (xc_domain_unpause(xd->xch, domid) == -1) {
			log_warn("%s: %s (domain %u) stays paused", __func__,
			    vm->name, domid);
			return -1;
		}
		log_info("%s: %s (domain %u) runs on", __func__, vm->name,
		    domid);
		return 0;
	}
	if (xc_domain_resume(xd->xch, domid, 1) == -1 ||
	    xc_domain_unpause(xd->xch, domid) == -1) {
		log_warn("%s: %s (domain %u) stays suspended", __func__,
		    vm->name, domid);
		return -1;
	}
	if (!xs_resume_domain(xd->xs, domid))
		log_warn("%s: telling the store %s resumed", __func__,
		    vm->name);
	vm->handled = 0;
	log_info("%s: %s (domain %u) runs on", __func__, vm->name, domid);
	return 0;
}


static char *
reply_json(const char *name, const char *file, off_t size)
{
	struct json_w	*w;
	char		*out;

	if ((w = json_w_new(1)) == NULL)
		fatalx("%s: out of memory", __func__);
	json_w_obj_open(w);
	json_w_kstr(w, "name", name);
	json_w_kstr(w, "file", file);
	json_w_ki64(w, "bytes", (int64_t)size);
	json_w_obj_close(w);
	if ((out = json_w_strdup(w)) == NULL)
		fatalx("%s: bad document", __func__);
	json_w_free(w);
	return out;
}

static void	written(struct xvmd *, void *);

static const struct job_ops save_job_ops = {
	.what = "save",
	.run = write_file,
	.done = written,
};

int
save_check(struct xvmd *xd, struct vm *vm, const xc_domaininfo_t *info)
{
	char		*cause = NULL, *json = NULL;
	unsigned	 reason = (info->flags >> XEN_DOMINF_shutdownshift) &
			    XEN_DOMINF_shutdownmask;

	if (!(info->flags & XEN_DOMINF_shutdown)) {
		if (time(NULL) < vm->save->deadline)
			return 0;
		xasprintf(&cause, "domain '%s' did not suspend within %" PRId64
		    " seconds (does its kernel support it?)", vm->name,
		    xendconf_int(&xd->conf, XC_SHUTDOWN_TIMEOUT));
		/* Withdraw the request, so a late suspend saves nothing. */
		if (xsdom_request_shutdown(xd, vm->domid, "", &json) == -1) {
			log_warnx("%s: %s", __func__, json);
			free(json);
		}
		log_warnx("%s: %s", __func__, cause);
		finish(vm, ETIMEDOUT, cause, NULL);
		free(cause);
		return 0;
	}
	if (reason != SHUTDOWN_suspend) {
		finish(vm, ECANCELED, "the domain shut down instead of "
		    "suspending", NULL);
		return 0;		/* on_poweroff & co. apply */
	}
	vm->handled = 1;
	return start_job(xd, vm);
}

/* Write the file in a job; 1 (the loop leaves the vm to it). */
static int
start_job(struct xvmd *xd, struct vm *vm)
{
	struct save_job	*sj;

	sj = xcalloc(1, sizeof(*sj));
	sj->vm = vm;
	sj->domid = (uint32_t)vm->domid;
	strlcpy(sj->name, vm->name, sizeof(sj->name));
	sj->file = xstrdup(vm->save->file);
	buf_init(&sj->ts, 0);
	save_toolstack_record(vm, &sj->ts);
	vm->busy = "being saved";
	if (job_start(xd, &save_job_ops, sj) == -1) {
		xasprintf(&sj->cause, "cannot save %s: %s", vm->name,
		    strerror(errno));
		written(xd, sj);
	}
	return 1;
}

/* On the loop, the file written or not: destroy, or run on; answer. */
static void
written(struct xvmd *xd, void *arg)
{
	struct save_job	*sj = arg;
	struct vm	*vm = sj->vm;
	char		*json, *cause = NULL;

	vm->busy = NULL;
	if (sj->cause != NULL) {
		log_warnx("%s: %s", __func__, sj->cause);
		(void)resume_in_place(xd, vm);
		finish(vm, EIO, sj->cause, NULL);
		goto out;
	}
	json = reply_json(vm->name, sj->file, sj->size);
	log_info("%s: saved %s (domain %d) to %s, %lld bytes", __func__,
	    vm->name, vm->domid, sj->file, (long long)sj->size);
	if (vm->save->checkpoint) {
		(void)resume_in_place(xd, vm);
		finish(vm, 0, NULL, json);
	} else {
		finish(vm, 0, NULL, json);
		/* A managed domain resumes from this image, not a fresh start. */
		if (vm->managed)
			xsdom_set_saved(xd, vm, sj->file);
		if (lc_destroy(xd, vm, &cause) == -1) {
			log_warnx("%s: %s", __func__, cause);
			free(cause);
		}
	}
	free(json);
out:
	buf_free(&sj->ts);
	free(sj->file);
	free(sj->cause);
	free(sj);
}

/* xm restore, in a job: the file into a new domain (restore.c). */
struct restore_op {
	struct rs		 rs;
	int			 fd;
	char			*file;
	save_done_fn		 done;
	void			*arg;
	int			 ok;
};

static int
commit_on_loop(struct xvmd *xd, void *arg)
{
	struct restore_op	*op = arg;

	if (rs_commit(xd, &op->rs) == -1) {
		rs_abort(xd, &op->rs);
		return -1;
	}
	rs_settled(xd, &op->rs);
	return 0;
}

static void
read_file(struct job *job, void *arg)
{
	struct restore_op	*op = arg;
	xc_interface		*xch;

	op->rs.job = job;
	if ((xch = xc_interface_open(NULL, NULL, 0)) == NULL) {
		op->rs.err = EIO;
		xasprintf(&op->rs.cause, "cannot reach the hypervisor: %s",
		    strerror(errno));
		return;
	}
	if (rs_stream(&op->rs, xch, op->fd, NULL, op->file) == 0 &&
	    job_call(job, commit_on_loop, op) == 0)
		op->ok = 1;
	xc_interface_close(xch);
}

static void
restored(struct xvmd *xd, void *arg)
{
	struct restore_op	*op = arg;
	struct json_w		*w;
	struct vm		*vm;
	char			*json;

	if (op->ok && (vm = vm_by_domid(xd, (int)op->rs.domid)) != NULL) {
		log_info("%s: restored %s from %s as domain %u%s", __func__,
		    vm->name, op->file, op->rs.domid, op->rs.paused ?
		    ", paused" : "");
		if ((w = json_w_new(1)) == NULL)
			fatalx("%s: out of memory", __func__);
		json_w_obj_open(w);
		json_w_key(w, "domain");
		vm_to_json(xd, vm, w, 0, 0);
		json_w_obj_close(w);
		if ((json = json_w_strdup(w)) == NULL)
			fatalx("%s: bad document", __func__);
		json_w_free(w);
		op->done(op->arg, 0, NULL, json);
		free(json);
	} else {
		log_info("%s: %s", __func__, op->rs.cause ? op->rs.cause :
		    "failed");
		op->done(op->arg, op->rs.err ? op->rs.err : EIO,
		    op->rs.cause ? op->rs.cause : "the restore failed", NULL);
	}
	close(op->fd);
	rs_clear(&op->rs);
	free(op->file);
	free(op);
}

static const struct job_ops restore_job_ops = {
	.what = "restore",
	.run = read_file,
	.done = restored,
};

int
save_restore(struct xvmd *xd, const char *file, int paused,
    save_done_fn done, void *arg, char **cause)
{
	struct restore_op	*op;
	int			 fd, saved;

	/* Not blocking on a FIFO; a regular file only. */
	if ((fd = file_open_kind(file, O_RDONLY, FILE_KIND_REGULAR,
	    "save file", cause)) == -1)
		return errno == EINVAL ? EINVAL : errno;
	op = xcalloc(1, sizeof(*op));
	op->fd = fd;
	op->file = xstrdup(file);
	op->done = done;
	op->arg = arg;
	op->rs.paused = paused;
	if (job_start(xd, &restore_job_ops, op) == -1) {
		saved = errno;
		xasprintf(cause, "cannot restore from %s: %s", file,
		    strerror(saved));
		close(fd);
		free(op->file);
		free(op);
		return EAGAIN;
	}
	return 0;
}
