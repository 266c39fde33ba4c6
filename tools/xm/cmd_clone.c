/*
 * xm clone: N identical guests from one config, quickly -- the seed's
 * "ZFS clone" use case (docs/disk-clones.md).  Each clone NAME-i gets a
 * config DIR/NAME-i.cfg (the original amended: its name, its disks, its
 * vifs without the MAC, vifname and ip that must differ, a new uuid when
 * the original has one) and, for each writable file disk, an image that
 * shares the original's blocks: a reflink copy where the filesystem can,
 * else an xvm-cow(5) overlay over it.  Read-only disks are shared as they
 * are.  -s starts each clone as "xm create" would.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/cowimg.h"
#include "lib/json.h"
#include "lib/str.h"
#include "lib/uuid.h"
#include "lib/xmalloc.h"
#include "tools/xm/xm.h"
#include "xvmd/domcfg.h"

#define CLONE_MAX	1000

enum { OPT_PATH = 256 };

static const struct option clone_longopts[] = {
	{ "count", required_argument, NULL, 'n' },
	{ "dir", required_argument, NULL, 'd' },
	{ "start", no_argument, NULL, 's' },
	{ "path", required_argument, NULL, OPT_PATH },
	{ NULL, 0, NULL, 0 },
};

struct clone_opts {
	long		 count;
	const char	*dir;
	int		 start;
	const char	*path;
};

/* The "disk = [...]" override of clone 'name': images cloned into dir. */
static char *
disks(const struct domcfg *dc, const char *dir, const char *name,
    char **made)
{
	const struct disk_spec	*d;
	struct buf		 bb = BUF_INITIALIZER, *b = &bb;
	const char		*how;
	char			*img, *cause = NULL, *out;
	size_t			 i;

	buf_add_str(b, "disk=[");
	for (i = 0; i < dc->ndisks; i++) {
		d = &dc->disks[i];
		if (d->writable && d->backend == DISK_PHY) {
			xm_error("%s: disk %s: a writable phy: device cannot "
			    "be cloned (make it a file, or read-only)",
			    dc->name, d->vdev);
			goto fail;
		}
		if (!d->writable) {
			buf_printf(b, "%s'%s:%s,%s%s,r'", i ? "," : "",
			    d->backend == DISK_PHY ? "phy" : "file", d->target,
			    d->vdev, d->cdrom ? ":cdrom" : "");
			continue;
		}
		xasprintf(&img, "%s/%s.%s.img", dir, name, d->vdev);
		if (cow_clone(d->target, img, &how, &cause) == -1) {
			xm_error("%s: disk %s: %s", name, d->vdev, cause);
			free(cause);
			free(img);
			goto fail;
		}
		printf("%s: %s: %s of %s\n", name, d->vdev, how, d->target);
		buf_printf(b, "%s'file:%s,%s,w'", i ? "," : "", img, d->vdev);
		made[i] = img;
	}
	buf_add_str(b, "]");
	if ((out = buf_release(b, NULL)) == NULL)
		xm_error("out of memory");
	buf_free(b);
	return out;
fail:
	buf_free(b);
	return NULL;
}

/* The "vif = [...]" override: what makes a vif one guest's is dropped. */
static char *
vifs(const struct domcfg *dc)
{
	const struct vif_spec	*v;
	struct buf		 bb = BUF_INITIALIZER, *b = &bb;
	char			*out;
	size_t			 i;

	buf_add_str(b, "vif=[");
	for (i = 0; i < dc->nvifs; i++) {
		v = &dc->vifs[i];
		buf_printf(b, "%s'", i ? "," : "");
		if (v->bridge[0])
			buf_printf(b, "bridge=%s", v->bridge);
		if (v->model[0])
			buf_printf(b, ",model=%s", v->model);
		if (v->type[0])
			buf_printf(b, ",type=%s", v->type);
		if (v->script[0])
			buf_printf(b, ",script=%s", v->script);
		buf_add_str(b, "'");
	}
	buf_add_str(b, "]");
	if ((out = buf_release(b, NULL)) == NULL)
		xm_error("out of memory");
	buf_free(b);
	return out;
}

/* Write the config text to path (new); 0 or 1. */
static int
write_cfg(const char *path, const char *text)
{
	FILE	*f;
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) ==
	    -1 || (f = fdopen(fd, "w")) == NULL) {
		if (fd != -1)
			close(fd);
		return xm_error("%s: %s", path, strerror(errno));
	}
	if (fputs(text, f) == EOF || fclose(f) == EOF)
		return xm_error("%s: %s", path, strerror(errno));
	return 0;
}

static int
start(const char *file, const char *text, const char *name)
{
	struct json_w	*w;
	int		 rc;

	if ((w = json_w_new(0)) == NULL)
		return xm_error("out of memory");
	json_w_obj_open(w);
	json_w_kstr(w, "config", text);
	json_w_kstr(w, "file", file);
	json_w_obj_close(w);
	rc = xm_call("POST", "/domains", w, NULL);
	json_w_free(w);
	if (rc == 0)
		printf("Started domain %s\n", name);
	return rc;
}

/* Clone i of dc, from the file's text amended by the user's settings. */
static int
clone_one(const struct clone_opts *o, const char *file, const char *text,
    const struct domcfg *dc, long i, const char *dir)
{
	struct domcfg	*check;
	char		 name[DOMCFG_NAME_MAX + 16], uuid[UUID_STR_LEN];
	char		*set[4], *cfg = NULL, *path = NULL, *cause = NULL;
	char		*made[DOMCFG_MAX_DEVS] = { NULL };
	uint8_t		 u[16];
	size_t		 k;
	int		 n = 0, rc = 1, written = 0;

	snprintf(name, sizeof(name), "%s-%d", dc->name, (int)i);
	xasprintf(&set[n++], "name=%s", name);
	if ((set[n] = disks(dc, dir, name, made)) == NULL)
		goto out;
	n++;
	set[n++] = vifs(dc);
	if (dc->has_uuid) {
		if (uuid_generate(u) == -1) {
			xm_error("uuid: %s", strerror(errno));
			goto out;
		}
		uuid_format(u, uuid);
		xasprintf(&set[n++], "uuid=%s", uuid);
	}
	xasprintf(&path, "%s/%s.cfg", dir, name);
	if ((cfg = xm_config_amend(file, text, strlen(text), set, n)) == NULL)
		goto out;
	if ((check = domcfg_parse(path, cfg, strlen(cfg), &cause)) == NULL) {
		xm_error("%s", cause);
		goto out;
	}
	domcfg_free(check);
	if (write_cfg(path, cfg) != 0)
		goto out;
	written = 1;
	printf("Cloned %s: %s\n", name, path);
	rc = o->start ? start(path, cfg, name) : 0;
out:
	/* A clone not written leaves nothing behind. */
	for (k = 0; k < DOMCFG_MAX_DEVS; k++) {
		if (!written && made[k] != NULL)
			unlink(made[k]);
		free(made[k]);
	}
	while (n-- > 0)
		free(set[n]);
	free(cause);
	free(cfg);
	free(path);
	return rc;
}

static int
exec_clone(int argc, char **argv)
{
	struct clone_opts o = { 1, NULL, 0, NULL };
	struct domcfg	*dc = NULL;
	char		*file = NULL, *text = NULL, *cfg = NULL, *cause = NULL;
	char		*dir = NULL, *end;
	size_t		 len;
	long		 i;
	int		 ch, n, rc = 1;

	while ((ch = getopt_long(argc, argv, "+n:d:s", clone_longopts,
	    NULL)) != -1) {
		if (ch == 'n') {
			errno = 0;
			o.count = strtol(optarg, &end, 10);
			if (errno || *end || o.count < 1 ||
			    o.count > CLONE_MAX)
				return xm_error("xm clone: -n takes 1 to %d",
				    CLONE_MAX);
		} else if (ch == 'd')
			o.dir = optarg;
		else if (ch == 's')
			o.start = 1;
		else if (ch == OPT_PATH)
			o.path = optarg;
		else
			return xm_error("xm clone: unknown option");
	}
	n = argc - optind - 1;
	for (i = 0; i < n; i++)
		if (!xm_is_override(argv[optind + 1 + i]))
			return xm_error("'%s' is not a KEY=VALUE setting",
			    argv[optind + 1 + i]);
	if ((file = xm_config_find(argv[optind], o.path)) == NULL)
		return 1;
	if ((text = xm_read_file(file, &len)) == NULL ||
	    (cfg = xm_config_amend(file, text, len, argv + optind + 1, n)) ==
	    NULL)
		goto out;
	if ((dc = domcfg_parse(file, cfg, strlen(cfg), &cause)) == NULL) {
		xm_error("%s", cause);
		goto out;
	}
	if (o.dir == NULL) {
		/* Beside the original config. */
		end = strrchr(file, '/');
		xasprintf(&cause, "%.*s", end == NULL ? 1 : end == file ? 1 :
		    (int)(end - file), end == NULL ? "." : file);
		dir = realpath(cause, NULL);
	} else
		dir = realpath(o.dir, NULL);
	if (dir == NULL) {
		xm_error("xm clone: %s: %s", o.dir != NULL ? o.dir : cause,
		    strerror(errno));
		goto out;
	}
	for (i = 1; i <= o.count; i++)
		if (clone_one(&o, file, cfg, dc, i, dir) != 0)
			goto out;
	rc = 0;
out:
	if (dc != NULL)
		domcfg_free(dc);
	free(cause);
	free(cfg);
	free(text);
	free(file);
	free(dir);
	return rc;
}

const struct cmd_entry cmd_clone_entry = {
	.name = "clone",
	.args = "[-n COUNT] [-d DIR] [-s] [--path=DIR:DIR] <ConfigFile> "
	    "[KEY=VALUE ...]",
	.help = "Make COUNT (1) copies NAME-1.. of a guest, each with its own "
	    "config and copy-on-write disks in DIR (-s: start them).",
	.opts = "n:d:s",
	.longopts = clone_longopts,
	.min_args = 1,
	.max_args = -1,
	.exec = exec_clone,
};
