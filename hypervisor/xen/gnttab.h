/* Grant tables, version 1: guests grant pages, dom0 maps, unmaps and copies them. */
#ifndef XVM_HV_GNTTAB_H
#define XVM_HV_GNTTAB_H

#include <stdint.h>

#include <xvm/xen.h>	/* struct grant_entry_v1, GTF_* */

struct domain;
struct gnttab;

#define GNTTAB_MAX_FRAMES	4u
#define GNTTAB_ENTRY_SIZE	sizeof(struct grant_entry_v1)
#define GNTTAB_PER_FRAME	(4096u / GNTTAB_ENTRY_SIZE)

struct gnttab *gnttab_new(struct domain *);
void	 gnttab_free(struct gnttab *);		/* NULL is fine */

/*
 * The guest gives the table frames of its own RAM (setup_table on
 * xvm-riscv, or add_to_physmap): frame i of the table is guest frame
 * gfns[i].  Returns 0 or a positive errno (EINVAL outside RAM or too many).
 */
int	 gnttab_set_frames(struct domain *, const uint64_t *gfns, unsigned nr);
int	 gnttab_set_frame(struct domain *, unsigned idx, uint64_t gfn);
void	 gnttab_query_size(struct domain *, unsigned *nr, unsigned *max);
/* The table's frames into gfns (room for GNTTAB_MAX_FRAMES); the count. */
unsigned gnttab_get_frames(struct domain *, uint64_t *gfns);

/*
 * Map grant 'ref' of d for domain 'mapper': the entry must permit access
 * to mapper (and be writable unless readonly).  Marks it in use
 * (GTF_reading/GTF_writing) until gnttab_unmap.  *gfn is the granted frame.
 * 0 or a positive errno (EINVAL bad ref, EPERM not granted to mapper or
 * read-only, ENOENT no table yet).
 */
int	 gnttab_map(struct domain *, uint32_t ref, uint32_t mapper,
	    int readonly, uint64_t *gfn);
void	 gnttab_unmap(struct domain *, uint32_t ref, int readonly);

/*
 * Copy len bytes between buf and the page granted by 'ref' at offset
 * (offset + len <= 4096).  Same checks as map; 0 or a positive errno.
 */
int	 gnttab_copy(struct domain *, uint32_t ref, uint32_t mapper,
	    unsigned offset, void *buf, unsigned len, int to_guest);

#endif
