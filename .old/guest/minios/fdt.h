/* A small, bounds-checked reader for flattened device trees (DTSpec 0.4
 * ch. 5): enough to find memory, cpus, chosen and the hypervisor node.
 * It never reads outside the blob, whatever the blob says. */
#ifndef MINIOS_FDT_H
#define MINIOS_FDT_H

#include <stddef.h>
#include <stdint.h>

#define DT_HEADER_SIZE	40

struct dt {
	const uint8_t	*blob;
	uint32_t	 size;		/* totalsize, checked against the caller's limit */
	uint32_t	 struct_off;
	uint32_t	 struct_size;
	uint32_t	 strings_off;
	uint32_t	 strings_size;
	uint32_t	 rsv_off;
};

/*
 * Checks the header of the blob at p (at most maxlen bytes readable) and
 * fills dt.  Returns 0, or -1 with *why set to a static reason.  The blob
 * is borrowed: it must outlive dt.
 */
int		 dt_init(struct dt *dt, const void *p, size_t maxlen,
		     const char **why);
/* Reads the total size from a header without trusting anything else. */
uint32_t	 dt_header_size(const void *p);

/* Nodes are offsets into the structure block; negative means none. */
int		 dt_root(const struct dt *dt);
int		 dt_first_child(const struct dt *dt, int node);
int		 dt_next_sibling(const struct dt *dt, int node);
/* The child called name ("cpu@0"), or unit-address-less ("cpu") first match. */
int		 dt_subnode(const struct dt *dt, int node, const char *name);
/* Absolute path such as "/cpus" or "/hypervisor". */
int		 dt_path(const struct dt *dt, const char *path);
/* Borrowed, NUL-terminated; NULL on a bad node. */
const char	*dt_name(const struct dt *dt, int node);

/* Borrowed pointer to the value, length in *len; NULL when absent. */
const void	*dt_prop(const struct dt *dt, int node, const char *name,
		     uint32_t *len);
/* A property that holds a NUL-terminated string; NULL otherwise. */
const char	*dt_prop_str(const struct dt *dt, int node, const char *name);
/* True when the stringlist property contains s (e.g. "compatible"). */
int		 dt_prop_has_str(const struct dt *dt, int node,
		     const char *name, const char *s);
/* A one-cell or two-cell integer property; returns 0 or -1. */
int		 dt_prop_uint(const struct dt *dt, int node, const char *name,
		     uint64_t *v);
/* Entry i of a reg-style property with the given cell counts; 0 or -1. */
int		 dt_reg(const struct dt *dt, int node, const char *name,
		     unsigned addr_cells, unsigned size_cells, unsigned i,
		     uint64_t *addr, uint64_t *size);
/* #address-cells / #size-cells of a node, with the DTSpec defaults 2 / 1. */
unsigned	 dt_addr_cells(const struct dt *dt, int node);
unsigned	 dt_size_cells(const struct dt *dt, int node);

/* Memory reservation entry i: 1 and the range, 0 at the end, -1 if bad. */
int		 dt_memrsv(const struct dt *dt, unsigned i, uint64_t *addr,
		     uint64_t *size);

#endif
