/* libxc: grant-table handles: map, unmap and copy pages guests granted to dom0. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xvm/privcmd.h>
#include <xvm/xengnttab.h>

#include "libxc/xc_private.h"

#define GNT_PAGE	4096u

struct gnt_map {
	void		*addr;		/* NULL: free slot */
	uint32_t	 handle;
};

struct xengnttab_handle {
	struct xc_conn	 conn;
	struct gnt_map	*map;
	unsigned	 nmap;
};

xengnttab_handle *
xengnttab_open(void *logger, unsigned open_flags)
{
	xengnttab_handle	*xgt;
	int			 saved;

	if (logger != NULL || open_flags != 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((xgt = calloc(1, sizeof(*xgt))) == NULL)
		return NULL;
	if (xc_conn_open(&xgt->conn) == -1) {
		saved = errno;
		free(xgt);
		errno = saved;
		return NULL;
	}
	return xgt;
}

int
xengnttab_close(xengnttab_handle *xgt)
{
	unsigned	i;

	if (xgt == NULL)
		return 0;
	for (i = 0; i < xgt->nmap; i++)
		if (xgt->map[i].addr != NULL)
			munmap(xgt->map[i].addr, GNT_PAGE);
	/* The daemon ends the grants' use when the connection goes. */
	xc_conn_close(&xgt->conn);
	free(xgt->map);
	free(xgt);
	return 0;
}

static struct gnt_map *
slot(xengnttab_handle *xgt)
{
	struct gnt_map	*m;
	unsigned	 i;

	for (i = 0; i < xgt->nmap; i++)
		if (xgt->map[i].addr == NULL)
			return &xgt->map[i];
	if ((m = reallocarray(xgt->map, xgt->nmap + 16, sizeof(*m))) == NULL)
		return NULL;
	memset(m + xgt->nmap, 0, 16 * sizeof(*m));
	xgt->map = m;
	xgt->nmap += 16;
	return &xgt->map[xgt->nmap - 16];
}

static void
unmap_handle(xengnttab_handle *xgt, uint32_t handle)
{
	struct privcmd_gnttab_unmap	u = { handle, 0 };

	(void)xc_call(&xgt->conn, PRIVCMD_OP_GNTTAB_UNMAP, &u, sizeof(u), NULL,
	    0, NULL, 0, NULL, NULL, NULL);
}

void *
xengnttab_map_grant_ref(xengnttab_handle *xgt, uint32_t domid, uint32_t ref,
    int prot)
{
	struct privcmd_gnttab_map	 m;
	struct privcmd_gnttab_map_reply	 rep;
	struct gnt_map			*s;
	void				*p;
	int				 fd, nfds = 1, saved;

	if (xgt == NULL) {
		errno = EBADF;
		return NULL;
	}
	if (!(prot & PROT_READ) || (prot & ~(PROT_READ | PROT_WRITE))) {
		errno = EINVAL;
		return NULL;
	}
	if ((s = slot(xgt)) == NULL)
		return NULL;
	memset(&m, 0, sizeof(m));
	m.domid = domid;
	m.ref = ref;
	m.readonly = !(prot & PROT_WRITE);
	if (xc_call(&xgt->conn, PRIVCMD_OP_GNTTAB_MAP, &m, sizeof(m), NULL, 0,
	    &rep, sizeof(rep), NULL, &fd, &nfds) == -1)
		return NULL;
	if (nfds != 1) {
		unmap_handle(xgt, rep.handle);
		errno = EPROTO;
		return NULL;
	}
	p = mmap(NULL, GNT_PAGE, prot, MAP_SHARED, fd, (off_t)rep.offset);
	saved = errno;
	close(fd);
	if (p == MAP_FAILED) {
		unmap_handle(xgt, rep.handle);
		errno = saved;
		return NULL;
	}
	s->addr = p;
	s->handle = rep.handle;
	return p;
}

int
xengnttab_unmap(xengnttab_handle *xgt, void *start, uint32_t count)
{
	unsigned	i;

	if (xgt == NULL) {
		errno = EBADF;
		return -1;
	}
	if (count != 1 || start == NULL) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < xgt->nmap; i++) {
		if (xgt->map[i].addr != start)
			continue;
		munmap(start, GNT_PAGE);
		xgt->map[i].addr = NULL;
		unmap_handle(xgt, xgt->map[i].handle);
		return 0;
	}
	errno = EINVAL;
	return -1;
}

static int
copy_one(xengnttab_handle *xgt, xengnttab_grant_copy_segment_t *seg)
{
	struct privcmd_gnttab_copy	gc;
	size_t				got;
	int				to_guest;

	to_guest = (seg->flags & GNTCOPY_dest_gref) != 0;
	if (to_guest == ((seg->flags & GNTCOPY_source_gref) != 0) ||
	    seg->len > GNT_PAGE)
		return EINVAL;
	memset(&gc, 0, sizeof(gc));
	if (to_guest) {
		gc.domid = seg->dest.foreign.domid;
		gc.ref = seg->dest.foreign.ref;
		gc.offset = seg->dest.foreign.offset;
	} else {
		gc.domid = seg->source.foreign.domid;
		gc.ref = seg->source.foreign.ref;
		gc.offset = seg->source.foreign.offset;
	}
	gc.len = seg->len;
	gc.to_guest = (uint32_t)to_guest;
	if (xc_call(&xgt->conn, PRIVCMD_OP_GNTTAB_COPY, &gc, sizeof(gc),
	    to_guest ? seg->source.virt : NULL, to_guest ? seg->len : 0,
	    to_guest ? NULL : seg->dest.virt, to_guest ? 0 : seg->len, &got,
	    NULL, NULL) == -1)
		return errno;
	if (!to_guest && got != seg->len)
		return EPROTO;
	return 0;
}

int
xengnttab_grant_copy(xengnttab_handle *xgt, uint32_t count,
    xengnttab_grant_copy_segment_t *segs)
{
	uint32_t	i;

	if (xgt == NULL) {
		errno = EBADF;
		return -1;
	}
	if (count > 0 && segs == NULL) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < count; i++)
		segs[i].status = (int16_t)-copy_one(xgt, &segs[i]);
	return 0;
}
