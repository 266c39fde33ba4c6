/* Storage pools and volumes of the libvirt front-end (virt_pool.c, virt_vol.c, virt_poolxml.c). */
#ifndef XVM_XVMD_VIRT_POOL_H
#define XVM_XVMD_VIRT_POOL_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct virt_call;
struct xvmd;

/* A directory pool; the table lives in virt_pool.c. */
struct virt_pool {
	char		 name[64];
	uint8_t		 uuid[16];
	char		 path[1024];
	int		 autostart;
	int		 active;
};

/* Read the pools from the store (at start); forget them (at stop). */
void	 virt_pool_load(struct xvmd *);
void	 virt_pool_unload(void);

/* Borrowed, or NULL. */
struct virt_pool *virt_pool_by_name(const char *);
struct virt_pool *virt_pool_by_path(const char *dir);

/* A remote_nonnull_storage_pool argument, or NULL with the call's error. */
struct virt_pool *virt_pool_get(struct virt_call *);
void	 virt_pool_put(struct buf *, const struct virt_pool *);
int	 virt_pool_inactive(struct virt_call *, const struct virt_pool *);

/* A file name in the pool's directory: no '/', not "." or "..". */
int	 virt_vol_name_ok(const char *);

/*
 * Pool XML (<pool type='dir'> with <name>, optional <uuid>, <target><path>)
 * and volume XML (<volume> with <name>, <capacity>, raw format): parse
 * (0, or -1 with *cause) and write (caller frees).
 */
int	 virt_pool_parse(const char *xml, size_t len, char *name, size_t,
	    uint8_t uuid[16], char *path, size_t, char **cause);
char	*virt_pool_xml(const char *name, const uint8_t uuid[16],
	    const char *path);
int	 virt_vol_parse(const char *xml, size_t len, char *name, size_t,
	    uint64_t *capacity, char **cause);
char	*virt_vol_xml(const char *name, const char *path, uint64_t capacity,
	    uint64_t allocation);

#endif
