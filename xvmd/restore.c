/*
 * A save stream into a new domain, off the loop: xm restore and incoming
 * migrations share it.
 *
 * Until it is committed, a domain being restored is written down in the
 * store as /xvm/incoming/<uuid> (docs/store-paths.md), before the
 * hypervisor has it: "restore", or "migration ID"; the commit turns that
 * into "committed ..." before it unpauses the domain and removes the
 * entry after.  So an xvmd that dies at any point and starts again knows
 * what to do with what it finds (rs_recover): a domain still incoming is
 * half there and goes, a committed one runs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xvm/xc_dom.h>
#include <xvm/xc_sr.h>
#include <xvm/xenctrl.h>
#include <xvm/xenstore.h>
#include "lib/log.h"
#include "lib/uuid.h"
#include "lib/xmalloc.h"
#include "xvmd/devcheck.h"
#include "xvmd/domcfg.h"
#include "xvmd/job.h"
#include "xvmd/memory.h"
#include "xvmd/restore.h"
#include "xvmd/vm.h"
#include "xvmd/xsdom.h"
#include "xvmd/xvmd.h"

#define INCOMING	"/xvm/incoming"

struct rs_ts {
	struct rs			*rs;
	struct restore_callbacks	*cb;
	const char			*buf;
	uint32_t			 len;
	const struct xc_sr_shape	*sh;
};

static void
mark_path(char *p, size_t size, const uint8_t uuid[16])
{
	char	 u[UUID_STR_LEN];

	uuid_format(uuid, u);
	snprintf(p, size, INCOMING "/%s", u);
}

static int
mark(struct xvmd *xd, const uint8_t uuid[16], const char *value)
{
	char	 p[96];

	mark_path(p, sizeof(p), uuid);
	return xs_write(xd->xs, XBT_NULL, p, value, (unsigned)strlen(value)) ?
	    0 : -1;
}

static void
unmark(struct xvmd *xd, const uint8_t uuid[16])
{
	char	 p[96];

	mark_path(p, sizeof(p), uuid);
	if (!xs_rm(xd->xs, XBT_NULL, p) && errno != ENOENT)
		log_warn("%s: rm %s", __func__, p);
}

static void
unlist(struct xvmd *xd, struct rs *rs)
{
	if (rs->listed)
		TAILQ_REMOVE(&xd->restoring, rs, entry);
	rs->listed = 0;
}

static int
fail(struct rs *rs, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct rs *rs, int err, const char *fmt, ...)
{
	va_list	 ap;

	free(rs->cause);
	va_start(ap, fmt);
	(void)xvasprintf(&rs->cause, fmt, ap);
	va_end(ap);
	rs->err = err;
	return -1;
}

/* Another domain holds the name or the UUID (the loop's view). */
static int
conflict(struct xvmd *xd, struct rs *rs, const char *name,
    const uint8_t uuid[16])
{
	struct rs	*r;
	char		*why = NULL;
	int		 err;

	TAILQ_FOREACH(r, &xd->restoring, entry)
		if (r != rs && r->vm != NULL &&
		    (strcmp(r->vm->name, name) == 0 ||
		    memcmp(r->vm->uuid, uuid, 16) == 0))
			return fail(rs, EEXIST, "domain '%s' is being restored "
			    "or migrated here already", r->vm->name);
	if (rs->into != NULL && (rs->into->domid >= 0 || rs->into->busy))
		return fail(rs, EEXIST, "domain '%s' already exists", name);
	/* A name and a UUID are one entry's, running or managed. */
	if ((err = vm_check_unique(xd, name, uuid, rs->into, &why)) != 0) {
		fail(rs, err, "%s", why);
		free(why);
		return -1;
	}
	return 0;
}

/*
 * The host can take it: its memory (xend's admission rule) and its disks
 * and vifs (devcheck.h), as for a fresh start.
 */
static int
admit(struct xvmd *xd, struct rs *rs, uint64_t mem_bytes)
{
	char	*what, *why = NULL;
	int	 err;

	rs->mem_bytes = mem_bytes;
	xasprintf(&what, "cannot restore domain %s", rs->vm->name);
	err = mem_admit(xd, (int64_t)(mem_bytes >> 20), what, &why);
	free(what);
	if (err == 0 && (err = devcheck_domain(xd, rs->vm, &what)) != 0) {
		err = err == EBUSY ? EBUSY : EINVAL;
		xasprintf(&why, "cannot restore domain %s: %s", rs->vm->name,
		    what);
		free(what);
	}
	if (err != 0) {
		fail(rs, err, "%s", why);
		free(why);
		return -1;
	}
	return 0;
}

/*
 * After the config in xvmd's toolstack record: nothing (older files), or
 * "\0target=MiB", the balloon target when it was saved.  0 (*mib 0 when
 * absent), or -1 when it is something else.
 */
static int
target(const char *p, size_t len, uint64_t *mib)
{
	uint64_t	 v = 0;
	size_t		 i;

	*mib = 0;
	if (len == 0)
		return 0;
	if (len < 9 || len > 8 + 20 || memcmp(p, "\0target=", 8) != 0)
		return -1;
	for (i = 8; i < len; i++) {
		if (p[i] < '0' || p[i] > '9' || v > UINT64_MAX / 10 - 1)
			return -1;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*mib = v;
	return 0;
}

/* The saved target, where it is one the config allows; else its own. */
static void
set_target(struct domcfg *dc, uint64_t mib)
{
	if (mib >= DOMCFG_MIN_MEMORY && mib <= dc->maxmem)
		dc->memory = mib;
}

/*
 * On the loop: the toolstack record (UUID, config file's name, config)
 * becomes the vm to be; its name and UUID must be free here.
 */
static int
ts_on_loop(struct xvmd *xd, void *arg)
{
	struct rs_ts	*t = arg;
	struct rs	*rs = t->rs;
	struct domcfg	*dc;
	struct vm	*other;
	const char	*file, *text;
	char		*why = NULL;
	uint64_t	 mib;
	size_t		 flen, tlen;

	if (t->buf == NULL || t->len < 17 ||
	    (flen = strnlen(t->buf + 16, t->len - 16)) == t->len - 16)
		return fail(rs, EINVAL, "the stream has no domain "
		    "configuration (not made by xvmd?)");
	if (rs->want_uuid != NULL && memcmp(rs->want_uuid, t->buf, 16) != 0)
		return fail(rs, EINVAL, "the stream's domain is not the one "
		    "announced");
	file = t->buf + 16;
	text = file + flen + 1;
	tlen = strnlen(text, t->len - 16 - flen - 1);
	if (target(text + tlen, t->len - 16 - flen - 1 - tlen, &mib) == -1)
		return fail(rs, EINVAL, "the stream's toolstack record has "
		    "something after its configuration that is not "
		    "\"\\0target=MiB\"");
	if ((dc = domcfg_parse(file, text, tlen, &why)) == NULL) {
		fail(rs, EINVAL, "%s", why);
		free(why);
		return -1;
	}
	if ((uint64_t)dc->maxmem << 20 != t->sh->mem_bytes ||
	    dc->vcpus > t->sh->max_vcpus) {
		domcfg_free(dc);
		return fail(rs, EINVAL, "the stream's configuration does not "
		    "match its memory image");
	}
	set_target(dc, mib);
	rs->vm = vm_new(dc, xstrndup(text, tlen), xstrdup(file));
	memcpy(rs->vm->uuid, t->buf, 16);
	if (uuid_is_nil(rs->vm->uuid))
		return fail(rs, EINVAL, "the stream's UUID is all zeros "
		    "(Domain-0's)");
	/* A managed domain that is not running comes back into its entry. */
	if ((other = vm_by_name(xd, dc->name)) != NULL && other->managed &&
	    other->domid < 0 && !other->busy) {
		rs->into = other;
		vm_free(rs->vm);
		dc = domcfg_parse(other->cfgfile, other->cfgtext,
		    strlen(other->cfgtext), &why);
		if (dc == NULL) {
			rs->vm = NULL;
			fail(rs, EINVAL, "%s", why);
			free(why);
			return -1;
		}
		set_target(dc, mib);
		rs->vm = vm_new(dc, xstrdup(other->cfgtext),
		    xstrdup(other->cfgfile));
		memcpy(rs->vm->uuid, other->uuid, 16);
	}
	if (conflict(xd, rs, rs->vm->name, rs->vm->uuid) == -1)
		return -1;
	if (admit(xd, rs, t->sh->mem_bytes) == -1)
		return -1;
	if (mark(xd, rs->vm->uuid, rs->migration ? rs->migration :
	    "restore") == -1)
		return fail(rs, EIO, "writing %s: %s", INCOMING,
		    strerror(errno));
	TAILQ_INSERT_TAIL(&xd->restoring, rs, entry);
	rs->listed = 1;
	memcpy(t->cb->handle, rs->vm->uuid, 16);
	return 0;
}

static int
restore_ts(const void *buf, uint32_t len, const struct xc_sr_shape *sh,
    void *data)
{
	struct rs_ts	*t = data;

	t->buf = buf;
	t->len = len;
	t->sh = sh;
	if (job_call(t->rs->job, ts_on_loop, t) == -1) {
		errno = t->rs->err;
		return -1;
	}
	return 0;
}

static const uint32_t ring_params[4] = {
	HVM_PARAM_STORE_PFN, HVM_PARAM_STORE_EVTCHN, HVM_PARAM_CONSOLE_PFN,
	HVM_PARAM_CONSOLE_EVTCHN,
};

/* The domain's store entries, with its rings as given. */
static int
write_entries(struct xvmd *xd, struct rs *rs, const uint64_t v[4])
{
	struct xc_dom_image	 img;
	char			*why = NULL;

	memset(&img, 0, sizeof(img));
	img.store_pfn = v[0];
	img.store_port = (uint32_t)v[1];
	img.console_pfn = v[2];
	img.console_port = (uint32_t)v[3];
	rs->vm->domid = (int)rs->domid;
	if (xsdom_write(xd, rs->vm, &img, &why) == -1) {
		fail(rs, EIO, "%s", why);
		free(why);
		return -1;
	}
	return 0;
}

/* On the loop, as soon as the domain exists: its entries, if known. */
static int
created_on_loop(struct xvmd *xd, void *arg)
{
	struct rs	*rs = arg;

	rs->have_domain = 1;
	return rs->have_rings ? write_entries(xd, rs, rs->rings) : 0;
}

static int
restore_created(uint32_t dom, void *data)
{
	struct rs_ts	*t = data;

	t->rs->domid = dom;
	if (job_call(t->rs->job, created_on_loop, t->rs) == -1) {
		errno = t->rs->err;
		return -1;
	}
	return 0;
}

/*
 * The rings a restored domain says it has (its HVM params) must be its
 * own: the store and console pages two distinct frames of its RAM, their
 * event channels two distinct ports.  The stream's digest is not a
 * signature, so a crafted file gets this far; refuse it here.
 */
static int
own_rings(struct rs *rs, const uint64_t v[4])
{
	static const char *const what[4] = {
		"store page", "store event channel", "console page",
		"console event channel",
	};
	uint64_t	 lo = XC_DOM_RAM_BASE >> 12;
	uint64_t	 hi = lo + (rs->mem_bytes >> 12);
	char		 why[128];
	int		 i;

	why[0] = '\0';
	for (i = 0; i < 4 && !why[0]; i += 2)
		if (v[i] < lo || v[i] >= hi)
			snprintf(why, sizeof(why), "its %s 0x%" PRIx64 " is "
			    "outside the domain's RAM (frames 0x%" PRIx64
			    "-0x%" PRIx64 ")", what[i], v[i], lo, hi - 1);
	for (i = 1; i < 4 && !why[0]; i += 2)
		if (v[i] == 0 || v[i] >= EVTCHN_2L_NR_CHANNELS)
			snprintf(why, sizeof(why), "its %s %" PRIu64 " is not "
			    "a port (1-%u)", what[i], v[i],
			    EVTCHN_2L_NR_CHANNELS - 1);
	if (!why[0] && v[0] == v[2])
		snprintf(why, sizeof(why), "its store and console share page "
		    "0x%" PRIx64, v[0]);
	if (!why[0] && v[1] == v[3])
		snprintf(why, sizeof(why), "its store and console share event "
		    "channel %" PRIu64, v[1]);
	if (!why[0])
		return 0;
	return fail(rs, EINVAL, "cannot restore from %s: the %s is corrupt: "
	    "%s", rs->what, rs->migration == NULL ? "file" : "stream", why);
}

/* On the loop: the restored domain's store entries, and the store told. */
static int
finish_on_loop(struct xvmd *xd, void *arg)
{
	struct rs	*rs = arg;
	uint64_t	 v[4];
	int		 i;

	for (i = 0; i < 4; i++)
		if (xc_hvm_param_get(xd->xch, rs->domid, ring_params[i],
		    &v[i]) == -1)
			return fail(rs, EIO, "restored domain %u: %s",
			    rs->domid, strerror(errno));
	if (own_rings(rs, v) == -1)
		return -1;
	if ((!rs->have_rings || memcmp(v, rs->rings, sizeof(v)) != 0) &&
	    write_entries(xd, rs, v) == -1)
		return -1;
	if (!xs_introduce_domain(xd->xs, rs->domid, (unsigned long)v[0],
	    (uint32_t)v[1]))
		log_warn("%s: introducing %s to the store", __func__,
		    rs->vm->name);
	return 0;
}

static int
abort_on_loop(struct xvmd *xd, void *arg)
{
	rs_abort(xd, arg);
	return 0;
}

int
rs_stream_error(int err, const char *what, int file, char **cause)
{
	xasprintf(cause, "cannot restore from %s: %s", what,
	    err == EILSEQ ? (file ? "not a save file" : "not a save stream") :
	    err == ENODATA ? (file ? "the file is truncated" :
	    "the stream ended early") :
	    err == EBADMSG ? (file ? "the file is corrupt" :
	    "the stream is corrupt") : strerror(err));
	return err == ENOMEM ? ENOMEM : err == EILSEQ || err == ENODATA ||
	    err == EBADMSG ? EINVAL : EIO;
}

int
rs_stream(struct rs *rs, struct xc_interface_core *xch, int fd,
    const struct xc_sr_io *io, const char *what)
{
	struct restore_callbacks cb = { .toolstack = restore_ts,
				    .created = restore_created, .io = io };
	struct rs_ts		 t = { .rs = rs, .cb = &cb };
	int			 saved;

	cb.data = &t;
	rs->what = what;
	if (xc_domain_restore(xch, fd, &rs->domid, &cb) == -1) {
		saved = errno;
		if (rs->cause == NULL)
			rs->err = rs_stream_error(saved, what,
			    rs->migration == NULL, &rs->cause);
		(void)job_call(rs->job, abort_on_loop, rs);
		return -1;
	}
	rs->have_domain = 1;
	if (job_call(rs->job, finish_on_loop, rs) == -1) {
		(void)job_call(rs->job, abort_on_loop, rs);
		return -1;
	}
	return 0;
}

int
rs_commit(struct xvmd *xd, struct rs *rs)
{
	char		 value[128];
	struct vm	*vm = rs->vm;

	if (conflict(xd, rs, vm->name, vm->uuid) == -1)
		return -1;
	snprintf(value, sizeof(value), "committed%s %s", rs->paused ?
	    " paused" : "", rs->migration ? rs->migration : "restore");
	if (mark(xd, vm->uuid, value) == -1)
		return fail(rs, EIO, "writing %s: %s", INCOMING,
		    strerror(errno));
	if (!rs->paused && xc_domain_unpause(xd->xch, rs->domid) == -1)
		return fail(rs, EIO, "cannot unpause %s: %s", vm->name,
		    strerror(errno));
	if (rs->into != NULL) {
		rs->into->domid = (int)rs->domid;
		vm_free(vm);
		vm = rs->into;
		if (vm->saved != NULL)
			xsdom_set_saved(xd, vm, NULL);	/* used: once */
	} else {
		if (rs->managed) {
			char *why = NULL;

			vm->managed = 1;
			if (xsdom_save_managed(xd, vm, &why) == -1) {
				log_warnx("%s: %s", __func__, why);
				free(why);
			}
		}
		TAILQ_INSERT_TAIL(&xd->vms, vm, entry);
	}
	rs->vm = NULL;
	rs->into = NULL;
	unlist(xd, rs);
	memcpy(rs->uuid, vm->uuid, 16);
	vm->started = time(NULL);
	vm->handled = 0;
	return 0;
}

void
rs_settled(struct xvmd *xd, struct rs *rs)
{
	unmark(xd, rs->uuid);
}

void
rs_abort(struct xvmd *xd, struct rs *rs)
{
	if (rs->vm == NULL)
		return;			/* refused before anything was made */
	if (!rs->listed) {
		/* Refused by conflict(): the mark is another's, if any. */
		vm_free(rs->vm);
		rs->vm = NULL;
		rs->into = NULL;
		return;
	}
	unlist(xd, rs);
	if (rs->have_domain) {
		xc_domaininfo_t	 info;

		/* libxc may have destroyed it already: never another one. */
		if (xc_domain_getinfolist(xd->xch, rs->domid, 1, &info) == 1 &&
		    info.domain == rs->domid &&
		    memcmp(info.handle, rs->vm->uuid, 16) == 0 &&
		    xc_domain_destroy(xd->xch, rs->domid) == -1 &&
		    errno != ESRCH)
			log_warn("%s: destroying domain %u", __func__,
			    rs->domid);
		(void)xs_release_domain(xd->xs, rs->domid);
		xsdom_remove(xd, rs->vm, (int)rs->domid);
		rs->have_domain = 0;
	}
	unmark(xd, rs->vm->uuid);
	vm_free(rs->vm);
	rs->vm = NULL;
	rs->into = NULL;
}

void
rs_clear(struct rs *rs)
{
	vm_free(rs->vm);
	rs->vm = NULL;
	free(rs->cause);
	rs->cause = NULL;
}

/* A domain found half restored after a restart: it goes, with its entries. */
static void
drop(struct xvmd *xd, uint32_t domid, const char *u)
{
	char	 p[96];

	if (xc_domain_destroy(xd->xch, domid) == -1 && errno != ESRCH)
		log_warn("%s: destroying domain %u", __func__, domid);
	(void)xs_release_domain(xd->xs, domid);
	snprintf(p, sizeof(p), "/local/domain/%u", domid);
	(void)xs_rm(xd->xs, XBT_NULL, p);
	snprintf(p, sizeof(p), "/vm/%s", u);
	(void)xs_rm(xd->xs, XBT_NULL, p);
	log_info("%s: domain %u (%s) was still being restored or migrated "
	    "in when xvmd stopped; destroyed", __func__, domid, u);
}

void
rs_recover(struct xvmd *xd)
{
	xc_domaininfo_t	*info = NULL;
	char		**ents, p[96], *v;
	uint8_t		 uuid[16];
	unsigned int	 n, i, len;
	int		 nd, k;

	if ((ents = xs_directory(xd->xs, XBT_NULL, INCOMING, &n)) == NULL)
		return;
	if ((nd = vm_getinfo_all(xd, &info)) < 0) {
		log_warn("%s: listing domains", __func__);
		free(ents);
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), INCOMING "/%s", ents[i]);
		v = xs_read(xd->xs, XBT_NULL, p, &len);
		if (v != NULL && uuid_parse(ents[i], uuid) == 0)
			for (k = 0; k < nd; k++) {
				if (memcmp(info[k].handle, uuid, 16) != 0)
					continue;
				if (strncmp(v, "committed", 9) != 0)
					drop(xd, info[k].domain, ents[i]);
				else if (strncmp(v, "committed paused", 16) != 0)
					(void)xc_domain_unpause(xd->xch,
					    info[k].domain);
			}
		(void)xs_rm(xd->xs, XBT_NULL, p);
		free(v);
	}
	free(info);
	free(ents);
}
