/* libxc's grant-table handles: dom0 maps and copies pages guests granted. */
#ifndef XVM_XENGNTTAB_H
#define XVM_XENGNTTAB_H

#include <stdint.h>

typedef struct xengnttab_handle xengnttab_handle;
typedef uint32_t	grant_ref_t;

xengnttab_handle *xengnttab_open(void *logger, unsigned open_flags);
int	 xengnttab_close(xengnttab_handle *);	/* unmaps all; NULL ok */

/*
 * Map one granted page (prot PROT_READ or PROT_READ|PROT_WRITE).  The
 * grant stays in use until xengnttab_unmap(start, 1) or close.
 */
void	*xengnttab_map_grant_ref(xengnttab_handle *, uint32_t domid,
	    uint32_t ref, int prot);
int	 xengnttab_unmap(xengnttab_handle *, void *start_address,
	    uint32_t count);

#define GNTCOPY_source_gref	(1u << 0)
#define GNTCOPY_dest_gref	(1u << 1)

/* Xen's xengnttab_grant_copy_segment: one side a grant, the other local. */
typedef struct xengnttab_grant_copy_segment {
	union {
		struct {
			grant_ref_t	ref;
			uint16_t	offset;
			uint16_t	domid;
		} foreign;
		void		*virt;
	} source, dest;
	uint16_t	len;
	uint16_t	flags;		/* GNTCOPY_* */
	int16_t		status;		/* 0 or -errno, per segment */
} xengnttab_grant_copy_segment_t;

/* 0 when the call went through (check each status), -1 with errno. */
int	 xengnttab_grant_copy(xengnttab_handle *, uint32_t count,
	    xengnttab_grant_copy_segment_t *segs);

#endif
