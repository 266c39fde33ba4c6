/* libvirt storage volumes: the files of a directory pool (virt_pool.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <xvm/xenstore.h>
#include "lib/log.h"
#include "lib/str.h"
#include "lib/uuid.h"
#include "lib/xmalloc.h"
#include "xvmd/virt.h"
#include "xvmd/virt_pool.h"
#include "xvmd/virt_procs.h"
#include "xvmd/xvmd.h"

static void
put_vol(struct buf *b, const struct virt_pool *p, const char *name)
{
	char	*key;

	xasprintf(&key, "%s/%s", p->path, name);
	xdr_put_str(b, p->name);
	xdr_put_str(b, name);
	xdr_put_str(b, key);
	free(key);
}

/* Regular files in the pool's directory, sorted; caller frees. */
static char **
vol_names(const struct virt_pool *p, size_t *n)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	char		**v = NULL, *f;
	size_t		 i, j;

	*n = 0;
	if ((d = opendir(p->path)) == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		if (!virt_vol_name_ok(e->d_name))
			continue;
		xasprintf(&f, "%s/%s", p->path, e->d_name);
		if (stat(f, &st) == 0 && (S_ISREG(st.st_mode) ||
		    S_ISBLK(st.st_mode))) {
			v = xreallocarray(v, *n + 1, sizeof(*v));
			v[(*n)++] = xstrdup(e->d_name);
		}
		free(f);
	}
	closedir(d);
	for (i = 1; i < *n; i++)		/* few names: insertion */
		for (j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			f = v[j];
			v[j] = v[j - 1];
			v[j - 1] = f;
		}
	return v;
}

static void
free_names(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* A remote_nonnull_storage_vol argument: its pool and file name. */
static struct virt_pool *
get_vol(struct virt_call *c, char **name)
{
	struct virt_pool	*p;
	char			*pool, *key;
	struct stat		 st;
	char			*f;

	*name = NULL;
	if (xdr_get_str(c->in, 256, &pool) == -1 ||
	    xdr_get_str(c->in, 4096, name) == -1 ||
	    xdr_get_str(c->in, 4096, &key) == -1) {
		free(pool);
		free(*name);
		*name = NULL;
		virt_bad_args(c);
		return NULL;
	}
	free(key);
	c->domain = VIR_FROM_STORAGE;
	p = virt_pool_by_name(pool);
	free(pool);
	if (p == NULL || !virt_vol_name_ok(*name)) {
		virt_error(c, VIR_ERR_NO_STORAGE_VOL, "Storage volume not "
		    "found: no storage vol with matching name '%s'", *name);
		goto fail;
	}
	xasprintf(&f, "%s/%s", p->path, *name);
	if (stat(f, &st) == -1) {
		virt_error(c, VIR_ERR_NO_STORAGE_VOL, "Storage volume not "
		    "found: no storage vol with matching path '%s'", f);
		free(f);
		goto fail;
	}
	free(f);
	c->domain = 0;
	return p;
fail:
	free(*name);
	*name = NULL;
	return NULL;
}

int
vp_pool_list_all_volumes(struct virt_call *c)
{
	struct virt_pool	*p;
	int32_t			 need;
	uint32_t		 flags;
	char			**v;
	size_t			 n, i;

	if ((p = virt_pool_get(c)) == NULL)
		return -1;
	if (xdr_get_i32(c->in, &need) == -1 ||
	    xdr_get_u32(c->in, &flags) == -1)
		return virt_bad_args(c);
	if (!p->active)
		return virt_pool_inactive(c, p);
	v = vol_names(p, &n);
	xdr_put_u32(c->out, need ? (uint32_t)n : 0);
	for (i = 0; need && i < n; i++)
		put_vol(c->out, p, v[i]);
	xdr_put_u32(c->out, (uint32_t)n);
	free_names(v, n);
	return 0;
}

int
vp_pool_num_of_volumes(struct virt_call *c)
{
	struct virt_pool	*p;
	char			**v;
	size_t			 n;

	if ((p = virt_pool_get(c)) == NULL)
		return -1;
	if (!p->active)
		return virt_pool_inactive(c, p);
	v = vol_names(p, &n);
	xdr_put_i32(c->out, (int32_t)n);
	free_names(v, n);
	return 0;
}

int
vp_pool_list_volumes(struct virt_call *c)
{
	struct virt_pool	*p;
	int32_t			 max;
	char			**v;
	size_t			 n, i;

	if ((p = virt_pool_get(c)) == NULL)
		return -1;
	if (xdr_get_i32(c->in, &max) == -1 || max < 0 || max > 16384)
		return virt_bad_args(c);
	if (!p->active)
		return virt_pool_inactive(c, p);
	v = vol_names(p, &n);
	xdr_put_u32(c->out, n < (size_t)max ? (uint32_t)n : (uint32_t)max);
	for (i = 0; i < n && i < (size_t)max; i++)
		xdr_put_str(c->out, v[i]);
	free_names(v, n);
	return 0;
}

int
vp_vol_lookup_by_name(struct virt_call *c)
{
	struct virt_pool	*p;
	char			*name, *f;
	struct stat		 st;

	if ((p = virt_pool_get(c)) == NULL)
		return -1;
	if (xdr_get_str(c->in, 4096, &name) == -1)
		return virt_bad_args(c);
	xasprintf(&f, "%s/%s", p->path, name);
	if (!virt_vol_name_ok(name) || stat(f, &st) == -1) {
		c->domain = VIR_FROM_STORAGE;
		virt_error(c, VIR_ERR_NO_STORAGE_VOL, "Storage volume not "
		    "found: no storage vol with matching name '%s'", name);
	} else
		put_vol(c->out, p, name);
	free(f);
	free(name);
	return c->code ? -1 : 0;
}

/* By path or key (the same here): the pool of its directory. */
static int
vol_by_path(struct virt_call *c)
{
	struct virt_pool	*p;
	char			*path, *slash;
	struct stat		 st;

	if (xdr_get_str(c->in, 4096, &path) == -1)
		return virt_bad_args(c);
	if ((slash = strrchr(path, '/')) != NULL && slash != path) {
		*slash = '\0';
		p = virt_pool_by_path(path);
		*slash = '/';
	} else
		p = NULL;
	if (p == NULL || !p->active || stat(path, &st) == -1 ||
	    !virt_vol_name_ok(slash + 1)) {
		c->domain = VIR_FROM_STORAGE;
		virt_error(c, VIR_ERR_NO_STORAGE_VOL, "Storage volume not "
		    "found: no storage vol with matching path '%s'", path);
	} else
		put_vol(c->out, p, slash + 1);
	free(path);
	return c->code ? -1 : 0;
}

int
vp_vol_lookup_by_path(struct virt_call *c)
{
	return vol_by_path(c);
}

int
vp_vol_lookup_by_key(struct virt_call *c)
{
	return vol_by_path(c);
}

int
vp_pool_lookup_by_volume(struct virt_call *c)
{
	struct virt_pool	*p;
	char			*name;

	if ((p = get_vol(c, &name)) == NULL)
		return -1;
	free(name);
	virt_pool_put(c->out, p);
	return 0;
}

int
vp_vol_get_info(struct virt_call *c)
{
	struct virt_pool	*p;
	struct stat		 st;
	char			*name, *f;

	if ((p = get_vol(c, &name)) == NULL)
		return -1;
	xasprintf(&f, "%s/%s", p->path, name);
	memset(&st, 0, sizeof(st));
	(void)stat(f, &st);
	/* char type (4 bytes in XDR): VIR_STORAGE_VOL_FILE 0, BLOCK 1. */
	xdr_put_i32(c->out, S_ISBLK(st.st_mode) ? 1 : 0);
	xdr_put_u64(c->out, (uint64_t)st.st_size);
	xdr_put_u64(c->out, (uint64_t)st.st_blocks * 512);
	free(f);
	free(name);
	return 0;
}

int
vp_vol_get_path(struct virt_call *c)
{
	struct virt_pool	*p;
	char			*name, *f;

	if ((p = get_vol(c, &name)) == NULL)
		return -1;
	xasprintf(&f, "%s/%s", p->path, name);
	xdr_put_str(c->out, f);
	free(f);
	free(name);
	return 0;
}

int
vp_vol_get_xml_desc(struct virt_call *c)
{
	struct virt_pool	*p;
	struct stat		 st;
	char			*name, *f, *xml;
	uint32_t		 flags;

	if ((p = get_vol(c, &name)) == NULL)
		return -1;
	if (xdr_get_u32(c->in, &flags) == -1) {
		free(name);
		return virt_bad_args(c);
	}
	xasprintf(&f, "%s/%s", p->path, name);
	memset(&st, 0, sizeof(st));
	(void)stat(f, &st);
	xml = virt_vol_xml(name, f, (uint64_t)st.st_size,
	    (uint64_t)st.st_blocks * 512);
	xdr_put_str(c->out, xml);
	free(xml);
	free(f);
	free(name);
	return 0;
}

int
vp_vol_create_xml(struct virt_call *c)
{
	struct virt_pool	*p;
	char			*xml, *cause = NULL, name[256], *f;
	uint64_t		 capacity;
	uint32_t		 flags;
	int			 fd;

	if ((p = virt_pool_get(c)) == NULL)
		return -1;
	if (xdr_get_str(c->in, XDR_STRING_MAX, &xml) == -1 ||
	    xdr_get_u32(c->in, &flags) == -1) {
		free(xml);
		return virt_bad_args(c);
	}
	c->domain = VIR_FROM_STORAGE;
	if (!p->active) {
		free(xml);
		return virt_pool_inactive(c, p);
	}
	if (virt_vol_parse(xml, strlen(xml), name, sizeof(name), &capacity,
	    &cause) == -1 || !virt_vol_name_ok(name)) {
		free(xml);
		virt_error(c, VIR_ERR_CONFIG_UNSUPPORTED, "unsupported "
		    "configuration: %s", cause ? cause : "bad volume name");
		free(cause);
		return -1;
	}
	free(xml);
	xasprintf(&f, "%s/%s", p->path, name);
	if ((fd = open(f, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1 || ftruncate(fd, (off_t)capacity) == -1) {
		virt_error(c, VIR_ERR_OPERATION_FAILED, "operation failed: "
		    "cannot create %s: %s", f, strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(f);
		}
		free(f);
		return -1;
	}
	close(fd);
	log_info("%s: created volume %s (%llu bytes)", __func__, f,
	    (unsigned long long)capacity);
	free(f);
	c->domain = 0;
	put_vol(c->out, p, name);
	return 0;
}

int
vp_vol_delete(struct virt_call *c)
{
	struct virt_pool	*p;
	char			*name, *f;
	uint32_t		 flags;

	if ((p = get_vol(c, &name)) == NULL)
		return -1;
	if (xdr_get_u32(c->in, &flags) == -1) {
		free(name);
		return virt_bad_args(c);
	}
	xasprintf(&f, "%s/%s", p->path, name);
	if (unlink(f) == -1) {
		c->domain = VIR_FROM_STORAGE;
		virt_error(c, VIR_ERR_OPERATION_FAILED, "operation failed: "
		    "cannot remove %s: %s", f, strerror(errno));
	}
	free(f);
	free(name);
	return c->code ? -1 : 0;
}
