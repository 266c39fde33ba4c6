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
#include "lib/xmalloc.h"
#include "xvmd/devcheck.h"
#include "xvmd/domcfg.h"
#include "xvmd/lifecycle.h"
#include "xvmd/memory.h"
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
};

/* The toolstack record: the UUID, the config file's name, its text. */
static void
toolstack_record(const struct vm *vm, struct buf *b)
{
	buf_add(b, vm->uuid, 16);
	buf_add(b, vm->cfgfile, strlen(vm->cfgfile) + 1);
	buf_add(b, vm->cfgtext, strlen(vm->cfgtext));
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

	if (vm->domid < 0) {
		xasprintf(cause, "domain '%s' is not running", vm->name);
		return EINVAL;
	}
	if (vm->save != NULL) {
		xasprintf(cause, "domain '%s' is already being saved",
		    vm->name);
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
	if (xsdom_request_shutdown(xd, vm->domid, "suspend", cause) == -1)
		return EIO;
	op = xcalloc(1, sizeof(*op));
	op->file = xstrdup(file);
	op->done = done;
	op->arg = arg;
	op->checkpoint = checkpoint;
	op->deadline = time(NULL) +
	    (time_t)xendconf_int(&xd->conf, XC_SHUTDOWN_TIMEOUT);
	vm->save = op;
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

/* Write the stream to a temporary file beside 'file', then rename. */
static int
write_file(struct xvmd *xd, struct vm *vm, const char *file, off_t *size,
    char **cause)
{
	struct save_callbacks	 cb = { .suspend = suspended };
	struct buf		 ts = BUF_INITIALIZER;
	struct stat		 st;
	char			*tmp, *dir;
	int			 fd, dfd, rc = -1;

	xasprintf(&tmp, "%s.XXXXXX", file);
	if ((fd = mkstemp(tmp)) == -1) {
		xasprintf(cause, "cannot create %s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	toolstack_record(vm, &ts);
	cb.toolstack = buf_data(&ts);
	cb.toolstack_len = (uint32_t)buf_len(&ts);
	if (xc_domain_pause(xd->xch, (uint32_t)vm->domid) == -1 ||
	    xc_domain_save(xd->xch, fd, (uint32_t)vm->domid, 0, &cb) == -1) {
		xasprintf(cause, "cannot save %s: %s", vm->name,
		    strerror(errno));
		goto out;
	}
	if (fsync(fd) == -1 || fstat(fd, &st) == -1 ||
	    rename(tmp, file) == -1) {
		xasprintf(cause, "cannot write %s: %s", file, strerror(errno));
		goto out;
	}
	/* The rename itself survives a crash once the directory is synced. */
	dir = xstrdup(file);
	if ((dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(dir);
	*size = st.st_size;
	rc = 0;
out:
	close(fd);
	if (rc == -1)
		unlink(tmp);
	free(tmp);
	buf_free(&ts);
	return rc;
}

/*
 * The suspended guest runs on where it stopped (a checkpoint, or a save
 * that failed): Xen's cooperative resume, our pause given back, and the
 * store told (RESUME), so that its next shutdown is seen again.
 */
static int
resume_in_place(struct xvmd *xd, struct vm *vm)
{
	uint32_t	 domid = (uint32_t)vm->domid;

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

int
save_check(struct xvmd *xd, struct vm *vm, const xc_domaininfo_t *info)
{
	char		*cause = NULL, *json = NULL, *file;
	unsigned	 reason = (info->flags >> XEN_DOMINF_shutdownshift) &
			    XEN_DOMINF_shutdownmask;
	off_t		 size = 0;

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
	file = xstrdup(vm->save->file);
	if (write_file(xd, vm, file, &size, &cause) == -1) {
		log_warnx("%s: %s", __func__, cause);
		(void)resume_in_place(xd, vm);
		finish(vm, EIO, cause, NULL);
		free(cause);
		free(file);
		return 1;		/* the info in hand is stale now */
	}
	json = reply_json(vm->name, file, size);
	log_info("%s: saved %s (domain %d) to %s, %lld bytes", __func__,
	    vm->name, vm->domid, file, (long long)size);
	if (vm->save->checkpoint) {
		(void)resume_in_place(xd, vm);
		finish(vm, 0, NULL, json);
		free(json);
		free(file);
		return 1;
	}
	finish(vm, 0, NULL, json);
	free(json);
	/* A managed domain resumes from this image, not a fresh start. */
	if (vm->managed)
		xsdom_set_saved(xd, vm, file);
	free(file);
	if (lc_destroy(xd, vm, &cause) == -1) {
		log_warnx("%s: %s", __func__, cause);
		free(cause);
	}
	return 1;			/* vm may be gone */
}

struct restore_ctx {
	struct xvmd	*xd;
	struct restore_callbacks *cb;
	struct vm	*vm;		/* made from the toolstack record */
	struct vm	*managed;	/* the managed entry it comes back to */
	uint64_t	 mem_bytes;	/* the stream's RAM */
	char		*cause;
	int		 err;
};

/*
 * The toolstack record, before the domain exists: its config must parse
 * and match the stream's shape, its name must be free (or a stopped
 * managed domain's, which it comes back into) and its UUID too; the new
 * domain gets that UUID as its handle.
 */
static int
restore_ts(const void *buf, uint32_t len, const struct xc_sr_shape *sh,
    void *data)
{
	struct restore_ctx	*rc = data;
	const char		*p = buf, *file, *text;
	struct domcfg		*dc;
	struct vm		*other;
	char			*what;
	size_t			 flen;

	rc->err = EINVAL;
	rc->mem_bytes = sh->mem_bytes;
	if (buf == NULL || len < 17 ||
	    (flen = strnlen(p + 16, len - 16)) == len - 16) {
		rc->cause = xstrdup("the save file has no domain configuration "
		    "(not made by xm save?)");
		goto fail;
	}
	file = p + 16;
	text = file + flen + 1;
	if ((dc = domcfg_parse(file, text, len - 16 - flen - 1,
	    &rc->cause)) == NULL)
		goto fail;
	if ((uint64_t)dc->maxmem << 20 != sh->mem_bytes ||
	    dc->vcpus > sh->max_vcpus) {
		xasprintf(&rc->cause, "the save file's configuration does not "
		    "match its memory image");
		domcfg_free(dc);
		goto fail;
	}
	rc->vm = vm_new(dc, xstrndup(text, len - 16 - flen - 1),
	    xstrdup(file));
	xasprintf(&what, "cannot restore domain %s", dc->name);
	rc->err = mem_admit(rc->xd, (int64_t)(sh->mem_bytes >> 20), what,
	    &rc->cause);
	free(what);
	if (rc->err != 0)
		goto fail;
	rc->err = EINVAL;
	memcpy(rc->vm->uuid, buf, 16);
	if (uuid_is_nil(rc->vm->uuid)) {
		rc->cause = xstrdup("the save file's UUID is all zeros "
		    "(Domain-0's)");
		goto fail;
	}
	if ((other = vm_by_name(rc->xd, dc->name)) != NULL &&
	    other->managed && other->domid < 0) {
		/* Back into its managed entry, under that entry's UUID. */
		rc->managed = other;
		memcpy(rc->vm->uuid, other->uuid, 16);
	} else
		other = NULL;
	if ((rc->err = vm_check_unique(rc->xd, dc->name, rc->vm->uuid, other,
	    &rc->cause)) != 0)
		goto fail;
	if ((rc->err = devcheck_domain(rc->xd, rc->vm, &what)) != 0) {
		rc->err = rc->err == EBUSY ? EBUSY : EINVAL;
		xasprintf(&rc->cause, "cannot restore domain %s: %s", dc->name,
		    what);
		free(what);
		goto fail;
	}
	memcpy(rc->cb->handle, rc->vm->uuid, 16);
	return 0;
fail:
	vm_free(rc->vm);
	rc->vm = NULL;
	errno = rc->err;
	return -1;
}

/*
 * The rings a restored domain says it has (its HVM params) must be its
 * own: the store and console pages two distinct frames of its RAM, their
 * event channels two distinct ports.  The stream's digest is not a
 * signature, so a crafted file gets this far; refuse it here.
 */
static int
restored_rings(uint64_t mem_bytes, const char *file, const uint64_t v[4],
    char **cause)
{
	static const char *const what[4] = { "store page", "store event "
	    "channel", "console page", "console event channel" };
	uint64_t	 lo = XC_DOM_RAM_BASE >> 12;
	uint64_t	 hi = lo + (mem_bytes >> 12);
	int		 i;

	for (i = 0; i < 4; i += 2)
		if (v[i] < lo || v[i] >= hi) {
			xasprintf(cause, "cannot restore from %s: the file is "
			    "corrupt: its %s 0x%" PRIx64 " is outside the "
			    "domain's RAM (frames 0x%" PRIx64 "-0x%" PRIx64
			    ")", file, what[i], v[i], lo, hi - 1);
			return -1;
		}
	for (i = 1; i < 4; i += 2)
		if (v[i] == 0 || v[i] >= EVTCHN_2L_NR_CHANNELS) {
			xasprintf(cause, "cannot restore from %s: the file is "
			    "corrupt: its %s %" PRIu64 " is not a port "
			    "(1-%u)", file, what[i], v[i],
			    EVTCHN_2L_NR_CHANNELS - 1);
			return -1;
		}
	if (v[0] == v[2]) {
		xasprintf(cause, "cannot restore from %s: the file is corrupt: "
		    "its store and console share page 0x%" PRIx64, file, v[0]);
		return -1;
	}
	if (v[1] == v[3]) {
		xasprintf(cause, "cannot restore from %s: the file is corrupt: "
		    "its store and console share event channel %" PRIu64,
		    file, v[1]);
		return -1;
	}
	return 0;
}

int
save_restore(struct xvmd *xd, const char *file, int paused, struct vm **out,
    char **cause)
{
	struct restore_callbacks cb = { .toolstack = restore_ts };
	struct restore_ctx	 rc = { .xd = xd, .cb = &cb };
	struct xc_dom_image	 img;
	struct vm		*vm;
	uint64_t		 v[4];
	uint32_t		 domid;
	int			 fd, saved, err = EIO;

	cb.data = &rc;
	if ((fd = file_open_kind(file, O_RDONLY, FILE_KIND_REGULAR,
	    "save file", cause)) == -1)
		return errno == EINVAL ? EINVAL : errno;
	if (xc_domain_restore(xd->xch, fd, &domid, &cb) == -1) {
		saved = errno;
		close(fd);
		vm_free(rc.vm);
		if (rc.cause != NULL) {
			*cause = rc.cause;
			return rc.err;
		}
		xasprintf(cause, "cannot restore from %s: %s", file,
		    saved == EILSEQ ? "not a save file" :
		    saved == ENODATA ? "the file is truncated" :
		    saved == EBADMSG ? "the file is corrupt" :
		    strerror(saved));
		return saved == ENOMEM ? ENOMEM : EINVAL;
	}
	close(fd);
	vm = rc.vm;
	if (rc.managed != NULL) {
		/* Back into its managed entry: the config stays that one. */
		vm_free(vm);
		vm = rc.managed;
	}
	vm->domid = (int)domid;
	vm->started = time(NULL);
	vm->handled = 0;
	memset(&img, 0, sizeof(img));
	if (xc_hvm_param_get(xd->xch, domid, HVM_PARAM_STORE_PFN, &v[0]) ||
	    xc_hvm_param_get(xd->xch, domid, HVM_PARAM_STORE_EVTCHN, &v[1]) ||
	    xc_hvm_param_get(xd->xch, domid, HVM_PARAM_CONSOLE_PFN, &v[2]) ||
	    xc_hvm_param_get(xd->xch, domid, HVM_PARAM_CONSOLE_EVTCHN,
	    &v[3])) {
		xasprintf(cause, "restored domain %u: %s", domid,
		    strerror(errno));
		goto fail;
	}
	if (restored_rings(rc.mem_bytes, file, v, cause) == -1) {
		err = EINVAL;
		goto fail;
	}
	img.store_pfn = v[0];
	img.store_port = (uint32_t)v[1];
	img.console_pfn = v[2];
	img.console_port = (uint32_t)v[3];
	if (xsdom_write(xd, vm, &img, cause) == -1)
		goto fail;
	if (!xs_introduce_domain(xd->xs, domid, (unsigned long)img.store_pfn,
	    img.store_port))
		log_warn("%s: introducing %s to the store", __func__,
		    vm->name);
	if (!paused && xc_domain_unpause(xd->xch, domid) == -1) {
		xasprintf(cause, "cannot unpause %s: %s", vm->name,
		    strerror(errno));
		goto fail;
	}
	if (rc.managed == NULL)
		TAILQ_INSERT_TAIL(&xd->vms, vm, entry);
	else if (vm->saved != NULL)
		xsdom_set_saved(xd, vm, NULL);	/* used: once */
	log_info("%s: restored %s from %s as domain %u%s", __func__, vm->name,
	    file, domid, paused ? ", paused" : "");
	*out = vm;
	return 0;
fail:
	xc_domain_destroy(xd->xch, domid);
	xsdom_remove(xd, vm, (int)domid);
	vm->domid = -1;
	if (rc.managed == NULL)
		vm_free(vm);
	return err;
}
