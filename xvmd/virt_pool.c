/*
 * libvirt storage pools and volumes, as virt-install needs them for
 * --disk path=FILE: directory pools (type 'dir') whose volumes are the
 * regular files in the directory.  Pools persist in the store under
 * /xvm/libvirt/pools/<uuid>/ (name, path, autostart); a pool is active
 * once created (started) and while xvmd runs, and autostart pools are
 * active when xvmd starts.  Volumes are raw files: capacity is the size,
 * allocation the blocks in use.
 */
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

#define POOLS_PATH	"/xvm/libvirt/pools"


static struct virt_pool	*pools;
static size_t		 npools;

/* ---- persistence ---- */

static void
pool_store(struct xvmd *xd, const struct virt_pool *p)
{
	char	 u[UUID_STR_LEN], k[128];
	int	 ok = 1;

	uuid_format(p->uuid, u);
#define PUT(key, v) (snprintf(k, sizeof(k), POOLS_PATH "/%s/" key, u), \
	ok = ok && xs_write(xd->xs, XBT_NULL, k, (v), (unsigned int)strlen(v)))
	PUT("name", p->name);
	PUT("path", p->path);
	PUT("autostart", p->autostart ? "1" : "0");
#undef PUT
	if (!ok)
		log_warn("%s: storing pool %s", __func__, p->name);
}

static void
pool_unstore(struct xvmd *xd, const struct virt_pool *p)
{
	char	 u[UUID_STR_LEN], k[128];

	uuid_format(p->uuid, u);
	snprintf(k, sizeof(k), POOLS_PATH "/%s", u);
	if (!xs_rm(xd->xs, XBT_NULL, k))
		log_warn("%s: removing pool %s", __func__, p->name);
}

void
virt_pool_load(struct xvmd *xd)
{
	char		**ids, k[128], *v;
	unsigned int	 n, i, len;
	struct virt_pool p;

	if ((ids = xs_directory(xd->xs, XBT_NULL, POOLS_PATH, &n)) == NULL)
		return;
	for (i = 0; i < n; i++) {
		memset(&p, 0, sizeof(p));
		if (uuid_parse(ids[i], p.uuid) == -1)
			continue;
		snprintf(k, sizeof(k), POOLS_PATH "/%s/name", ids[i]);
		if ((v = xs_read(xd->xs, XBT_NULL, k, &len)) == NULL)
			continue;
		strlcpy(p.name, v, sizeof(p.name));
		free(v);
		snprintf(k, sizeof(k), POOLS_PATH "/%s/path", ids[i]);
		if ((v = xs_read(xd->xs, XBT_NULL, k, &len)) == NULL)
			continue;
		strlcpy(p.path, v, sizeof(p.path));
		free(v);
		snprintf(k, sizeof(k), POOLS_PATH "/%s/autostart", ids[i]);
		if ((v = xs_read(xd->xs, XBT_NULL, k, &len)) != NULL) {
			p.autostart = strcmp(v, "1") == 0;
			free(v);
		}
		p.active = p.autostart;
		pools = xreallocarray(pools, npools + 1, sizeof(*pools));
		pools[npools++] = p;
	}
	free(ids);
	if (npools > 0)
		log_info("%s: %zu storage pools", __func__, npools);
}

void
virt_pool_unload(void)
{
	free(pools);
	pools = NULL;
	npools = 0;
}

/* ---- wire helpers ---- */

void
virt_pool_put(struct buf *b, const struct virt_pool *p)
{
	xdr_put_str(b, p->name);
	xdr_put_fixed(b, p->uuid, 16);
}

struct virt_pool *
virt_pool_by_name(const char *name)
{
	size_t	 i;

	for (i = 0; i < npools; i++)
		if (strcmp(pools[i].name, name) == 0)
			return &pools[i];
	return NULL;
}

struct virt_pool *
virt_pool_by_path(const char *dir)
{
	size_t	 i;

	for (i = 0; i < npools; i++)
		if (strcmp(pools[i].path, dir) == 0)
			return &pools[i];
	return NULL;
}

/* A remote_nonnull_storage_pool argument; NULL with the call's error. */
struct virt_pool *
virt_pool_get(struct virt_call *c)
{
	struct virt_pool	*p;
	char			*name;
	uint8_t			 uuid[16];

	if (xdr_get_str(c->in, 256, &name) == -1 ||
	    xdr_get_fixed(c->in, uuid, 16) == -1) {
		free(name);
		virt_bad_args(c);
		return NULL;
	}
	if ((p = virt_pool_by_name(name)) == NULL || memcmp(p->uuid, uuid, 16) != 0) {
		c->domain = VIR_FROM_STORAGE;
		virt_error(c, VIR_ERR_NO_STORAGE_POOL, "Storage pool not "
		    "found: no storage pool with matching name '%s'", name);
		p = NULL;
	}
	free(name);
	return p;
}

int
virt_pool_inactive(struct virt_call *c, const struct virt_pool *p)
{
	c->domain = VIR_FROM_STORAGE;
	return virt_error(c, VIR_ERR_OPERATION_INVALID, "Requested operation "
	    "is not valid: storage pool '%s' is not active", p->name);
}

/* A volume's name is a file name in the directory: no '/' and no dot
 * names. */
int
virt_vol_name_ok(const char *name)
{
	return name[0] != '\0' && strchr(name, '/') == NULL &&
	    strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* ---- connection-level ---- */

int
vp_list_all_pools(struct virt_call *c)
{
	int32_t		 need;
	uint32_t	 flags, n = 0;
	size_t		 i;
	struct buf	 b = BUF_INITIALIZER;

	if (xdr_get_i32(c->in, &need) == -1 ||
	    xdr_get_u32(c->in, &flags) == -1)
		return virt_bad_args(c);
	for (i = 0; i < npools; i++) {
		/* ACTIVE 2, INACTIVE 1; PERSISTENT 4 (all); AUTOSTART 16,
		 * NO_AUTOSTART 32; the type flags: only DIR (64) has any. */
		if ((flags & 3) && !((flags & 2 && pools[i].active) ||
		    (flags & 1 && !pools[i].active)))
			continue;
		if ((flags & 8) && !(flags & 4))
			continue;
		if ((flags & 48) && !((flags & 16 && pools[i].autostart) ||
		    (flags & 32 && !pools[i].autostart)))
			continue;
		if ((flags & ~(uint32_t)63) && !(flags & 64))
			continue;
		if (need)
			virt_pool_put(&b, &pools[i]);
		n++;
	}
	xdr_put_u32(c->out, need ? n : 0);
	buf_add(c->out, buf_data(&b), buf_len(&b));
	xdr_put_u32(c->out, n);
	buf_free(&b);
	return 0;
}

static uint32_t
count_active(int active)
{
	uint32_t	 n = 0;
	size_t		 i;

	for (i = 0; i < npools; i++)
		n += pools[i].active == active;
	return n;
}

int
vp_num_of_pools(struct virt_call *c)
{
	xdr_put_i32(c->out, (int32_t)count_active(1));
	return 0;
}

int
vp_list_pools(struct virt_call *c)
{
	int32_t		 max;
	uint32_t	 n;
	size_t		 i;

	if (xdr_get_i32(c->in, &max) == -1 || max < 0 || max > 4096)
		return virt_bad_args(c);
	n = count_active(1);
	if (n > (uint32_t)max)
		n = (uint32_t)max;
	xdr_put_u32(c->out, n);
	for (i = 0; i < npools && n > 0; i++)
		if (pools[i].active) {
			xdr_put_str(c->out, pools[i].name);
			n--;
		}
	return 0;
}

int
vp_pool_lookup_by_name(struct virt_call *c)
{
	struct virt_pool	*p;
	char			*name;

	if (xdr_get_str(c->in, 256, &name) == -1)
		return virt_bad_args(c);
	if ((p = virt_pool_by_name(name)) != NULL)
		virt_pool_put(c->out, p);
	else {
		c->domain = VIR_FROM_STORAGE;
		virt_error(c, VIR_ERR_NO_STORAGE_POOL, "Storage pool not "
		    "found: no storage pool with matching name '%s'", name);
	}
	free(name);
	return c->code ? -1 : 0;
}

int
vp_pool_lookup_by_uuid(struct virt_call *c)
{
	uint8_t	 uuid[16];
	char	 u[UUID_STR_LEN];
	size_t	 i;

	if (xdr_get_fixed(c->in, uuid, 16) == -1)
		return virt_bad_args(c);
	for (i = 0; i < npools; i++)
		if (memcmp(pools[i].uuid, uuid, 16) == 0) {
			virt_pool_put(c->out, &pools[i]);
			return 0;
		}
	uuid_format(uuid, u);
	c->domain = VIR_FROM_STORAGE;
	return virt_error(c, VIR_ERR_NO_STORAGE_POOL, "Storage pool not "
	    "found: no storage pool with matching uuid '%s'", u);
}

int
vp_pool_define_xml(struct virt_call *c)
{
	struct virt_pool	 p, *old;
	char			*xml, *cause = NULL;
	uint32_t		 flags;

	if (xdr_get_str(c->in, XDR_STRING_MAX, &xml) == -1 ||
	    xdr_get_u32(c->in, &flags) == -1) {
		free(xml);
		return virt_bad_args(c);
	}
	memset(&p, 0, sizeof(p));
	if (virt_pool_parse(xml, strlen(xml), p.name, sizeof(p.name), p.uuid,
	    p.path, sizeof(p.path), &cause) == -1) {
		free(xml);
		c->domain = VIR_FROM_STORAGE;
		virt_error(c, VIR_ERR_CONFIG_UNSUPPORTED, "unsupported "
		    "configuration: %s", cause);
		free(cause);
		return -1;
	}
	free(xml);
	if ((old = virt_pool_by_name(p.name)) != NULL ||
	    (old = virt_pool_by_path(p.path)) != NULL) {
		if (strcmp(old->name, p.name) != 0 ||
		    strcmp(old->path, p.path) != 0) {
			c->domain = VIR_FROM_STORAGE;
			return virt_error(c, VIR_ERR_OPERATION_INVALID,
			    "Requested operation is not valid: pool '%s' "
			    "already uses %s", old->name, old->path);
		}
		virt_pool_put(c->out, old);
		return 0;
	}
	if (uuid_is_nil(p.uuid) && uuid_generate(p.uuid) == -1)
		return virt_error(c, VIR_ERR_INTERNAL_ERROR, "uuid: %s",
		    strerror(errno));
	pools = xreallocarray(pools, npools + 1, sizeof(*pools));
	pools[npools++] = p;
	pool_store(c->xd, &p);
	log_info("%s: defined storage pool %s at %s", __func__, p.name,
	    p.path);
	virt_pool_put(c->out, &p);
	return 0;
}

int
vp_pool_undefine(struct virt_call *c)
{
	struct virt_pool	*p;

	if ((p = virt_pool_get(c)) == NULL)
		return -1;
	pool_unstore(c->xd, p);
	*p = pools[--npools];
	return 0;
}

int
vp_pool_create(struct virt_call *c)
{
	struct virt_pool	*p;
	struct stat		 st;
	uint32_t		 flags;

	if ((p = virt_pool_get(c)) == NULL)
		return -1;
	if (xdr_get_u32(c->in, &flags) == -1)
		return virt_bad_args(c);
	if (stat(p->path, &st) == -1 || !S_ISDIR(st.st_mode)) {
		c->domain = VIR_FROM_STORAGE;
		return virt_error(c, VIR_ERR_OPERATION_FAILED, "operation "
		    "failed: cannot open directory '%s': %s", p->path,
		    strerror(errno ? errno : ENOTDIR));
	}
	p->active = 1;
	return 0;
}

int
vp_pool_destroy(struct virt_call *c)
{
	struct virt_pool	*p;

	if ((p = virt_pool_get(c)) == NULL)
		return -1;
	p->active = 0;
	return 0;
}

int
vp_pool_build(struct virt_call *c)
{
	struct virt_pool	*p;
	uint32_t		 flags;

	if ((p = virt_pool_get(c)) == NULL)
		return -1;
	if (xdr_get_u32(c->in, &flags) == -1)
		return virt_bad_args(c);
	if (mkdir(p->path, 0755) == -1 && errno != EEXIST) {
		c->domain = VIR_FROM_STORAGE;
		return virt_error(c, VIR_ERR_OPERATION_FAILED, "operation "
		    "failed: cannot create directory '%s': %s", p->path,
		    strerror(errno));
	}
	return 0;
}

int
vp_pool_refresh(struct virt_call *c)
{
	struct virt_pool	*p;
	uint32_t		 flags;

	if ((p = virt_pool_get(c)) == NULL)
		return -1;
	if (xdr_get_u32(c->in, &flags) == -1)
		return virt_bad_args(c);
	return p->active ? 0 : virt_pool_inactive(c, p);	/* read when asked */
}

int
vp_pool_get_info(struct virt_call *c)
{
	struct virt_pool	*p;
	struct statvfs		 vfs;
	uint64_t		 cap = 0, avail = 0;

	if ((p = virt_pool_get(c)) == NULL)
		return -1;
	if (statvfs(p->path, &vfs) == 0) {
		cap = (uint64_t)vfs.f_blocks * vfs.f_frsize;
		avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	}
	xdr_put_u32(c->out, p->active ? 2 : 0);	/* RUNNING, INACTIVE */
	xdr_put_u64(c->out, cap);
	xdr_put_u64(c->out, cap - avail);
	xdr_put_u64(c->out, avail);
	return 0;
}

int
vp_pool_get_xml_desc(struct virt_call *c)
{
	struct virt_pool	*p;
	uint32_t		 flags;
	char			*xml;

	if ((p = virt_pool_get(c)) == NULL)
		return -1;
	if (xdr_get_u32(c->in, &flags) == -1)
		return virt_bad_args(c);
	xml = virt_pool_xml(p->name, p->uuid, p->path);
	xdr_put_str(c->out, xml);
	free(xml);
	return 0;
}

int
vp_pool_is_active(struct virt_call *c)
{
	struct virt_pool	*p;

	if ((p = virt_pool_get(c)) == NULL)
		return -1;
	xdr_put_i32(c->out, p->active);
	return 0;
}

int
vp_pool_is_persistent(struct virt_call *c)
{
	if (virt_pool_get(c) == NULL)
		return -1;
	xdr_put_i32(c->out, 1);
	return 0;
}

int
vp_pool_get_autostart(struct virt_call *c)
{
	struct virt_pool	*p;

	if ((p = virt_pool_get(c)) == NULL)
		return -1;
	xdr_put_i32(c->out, p->autostart);
	return 0;
}

int
vp_pool_set_autostart(struct virt_call *c)
{
	struct virt_pool	*p;
	int32_t			 on;

	if ((p = virt_pool_get(c)) == NULL)
		return -1;
	if (xdr_get_i32(c->in, &on) == -1)
		return virt_bad_args(c);
	p->autostart = on != 0;
	pool_store(c->xd, p);
	return 0;
}

