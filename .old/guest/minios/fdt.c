/*
 * Flattened device tree reader.
 *
 * The blob comes from outside the kernel (the domain builder, or firmware),
 * so every read is checked against the structure or strings block it
 * belongs to, all arithmetic is done in 64 bits, and every walk advances by
 * at least one 4-byte token, so no input can make a walk loop forever.
 * Nodes are named by the offset of their FDT_BEGIN_NODE token within the
 * structure block.
 */
#include <string.h>

#include "guest/minios/fdt.h"

#define FDT_MAGIC	0xd00dfeedU
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

uint32_t
dt_header_size(const void *p)
{
	return be32((const uint8_t *)p + 4);
}

int
dt_init(struct dt *dt, const void *p, size_t maxlen, const char **why)
{
	const uint8_t *b = p;
	uint32_t total, version, last_comp;

	memset(dt, 0, sizeof(*dt));
	if (maxlen < DT_HEADER_SIZE) {
		*why = "blob smaller than a header";
		return -1;
	}
	if (be32(b) != FDT_MAGIC) {
		*why = "bad magic";
		return -1;
	}
	total = be32(b + 4);
	version = be32(b + 20);
	last_comp = be32(b + 24);
	if (total < DT_HEADER_SIZE || total > maxlen) {
		*why = "totalsize out of range";
		return -1;
	}
	if (version < 16 || last_comp > 17) {
		*why = "unsupported version";
		return -1;
	}
	dt->blob = b;
	dt->size = total;
	dt->struct_off = be32(b + 8);
	dt->strings_off = be32(b + 12);
	dt->rsv_off = be32(b + 16);
	dt->strings_size = be32(b + 32);
	dt->struct_size = be32(b + 36);
	if ((uint64_t)dt->struct_off + dt->struct_size > total ||
	    dt->struct_off < DT_HEADER_SIZE || (dt->struct_off & 3) != 0 ||
	    (dt->struct_size & 3) != 0) {
		*why = "structure block out of range";
		return -1;
	}
	if ((uint64_t)dt->strings_off + dt->strings_size > total) {
		*why = "strings block out of range";
		return -1;
	}
	if (dt->rsv_off < DT_HEADER_SIZE || dt->rsv_off >= total ||
	    (dt->rsv_off & 7) != 0) {
		*why = "memory reservation block out of range";
		return -1;
	}
	return 0;
}

/*
 * Decodes the token at off: returns its type and the offset of the next
 * token, or -1 if the token or what it carries does not fit.
 */
static int
token(const struct dt *dt, uint32_t off, uint32_t *next)
{
	const uint8_t *s = dt->blob + dt->struct_off;
	const uint8_t *nul;
	uint64_t end;
	uint32_t tok, len, nameoff;

	if ((off & 3) != 0 || (uint64_t)off + 4 > dt->struct_size)
		return -1;
	tok = be32(s + off);
	switch (tok) {
	case FDT_BEGIN_NODE:
		nul = memchr(s + off + 4, '\0', dt->struct_size - off - 4);
		if (nul == NULL)
			return -1;
		end = (uint64_t)(nul - s) + 1;
		break;
	case FDT_PROP:
		if ((uint64_t)off + 12 > dt->struct_size)
			return -1;
		len = be32(s + off + 4);
		nameoff = be32(s + off + 8);
		if (nameoff >= dt->strings_size ||
		    memchr(dt->blob + dt->strings_off + nameoff, '\0',
		    dt->strings_size - nameoff) == NULL)
			return -1;
		end = (uint64_t)off + 12 + len;
		break;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		end = (uint64_t)off + 4;
		break;
	default:
		return -1;
	}
	end = (end + 3) & ~(uint64_t)3;
	if (end > dt->struct_size)
		return -1;
	*next = (uint32_t)end;
	return (int)tok;
}

/* The first token at or after off that is not a NOP. */
static int
skip_nops(const struct dt *dt, uint32_t *off)
{
	uint32_t next;
	int tok;

	while ((tok = token(dt, *off, &next)) == FDT_NOP)
		*off = next;
	return tok;
}

int
dt_root(const struct dt *dt)
{
	uint32_t off = 0;

	return skip_nops(dt, &off) == FDT_BEGIN_NODE ? (int)off : -1;
}

/* Offset just past a node's own properties: its first child or END_NODE. */
static int
after_props(const struct dt *dt, int node, uint32_t *off)
{
	uint32_t next;
	int tok;

	if (node < 0 || token(dt, (uint32_t)node, &next) != FDT_BEGIN_NODE)
		return -1;
	*off = next;
	while ((tok = token(dt, *off, &next)) == FDT_PROP || tok == FDT_NOP)
		*off = next;
	return tok;
}

int
dt_first_child(const struct dt *dt, int node)
{
	uint32_t off;

	return after_props(dt, node, &off) == FDT_BEGIN_NODE ? (int)off : -1;
}

int
dt_next_sibling(const struct dt *dt, int node)
{
	uint32_t off, next;
	int depth = 0, tok;

	if (node < 0)
		return -1;
	off = (uint32_t)node;
	do {
		tok = token(dt, off, &next);
		if (tok == FDT_BEGIN_NODE)
			depth++;
		else if (tok == FDT_END_NODE)
			depth--;
		else if (tok != FDT_PROP && tok != FDT_NOP)
			return -1;
		off = next;
	} while (depth > 0);
	return skip_nops(dt, &off) == FDT_BEGIN_NODE ? (int)off : -1;
}

const char *
dt_name(const struct dt *dt, int node)
{
	uint32_t next;

	if (node < 0 || token(dt, (uint32_t)node, &next) != FDT_BEGIN_NODE)
		return NULL;
	return (const char *)dt->blob + dt->struct_off + (uint32_t)node + 4;
}

static int
name_matches(const char *have, const char *want, size_t wlen)
{
	if (strncmp(have, want, wlen) != 0)
		return 0;
	/* "cpus" must not match "cpus-extra", but "memory" matches "memory@80000000". */
	return have[wlen] == '\0' ||
	    (have[wlen] == '@' && memchr(want, '@', wlen) == NULL);
}

static int
subnode_n(const struct dt *dt, int node, const char *name, size_t len)
{
	const char *n;
	int child;

	for (child = dt_first_child(dt, node); child >= 0;
	    child = dt_next_sibling(dt, child)) {
		n = dt_name(dt, child);
		if (n != NULL && name_matches(n, name, len))
			return child;
	}
	return -1;
}

int
dt_subnode(const struct dt *dt, int node, const char *name)
{
	return subnode_n(dt, node, name, strlen(name));
}

int
dt_path(const struct dt *dt, const char *path)
{
	const char *end;
	int node;

	if (path[0] != '/')
		return -1;
	node = dt_root(dt);
	while (node >= 0) {
		while (*path == '/')
			path++;
		if (*path == '\0')
			return node;
		for (end = path; *end != '\0' && *end != '/'; end++)
			;
		node = subnode_n(dt, node, path, (size_t)(end - path));
		path = end;
	}
	return -1;
}

const void *
dt_prop(const struct dt *dt, int node, const char *name, uint32_t *len)
{
	const uint8_t *s = dt->blob + dt->struct_off;
	uint32_t off, next;
	int tok;

	if (node < 0 || token(dt, (uint32_t)node, &next) != FDT_BEGIN_NODE)
		return NULL;
	for (off = next; (tok = token(dt, off, &next)) == FDT_PROP ||
	    tok == FDT_NOP; off = next) {
		if (tok == FDT_NOP)
			continue;
		/* token() checked that name and value fit their blocks. */
		if (strcmp((const char *)dt->blob + dt->strings_off +
		    be32(s + off + 8), name) == 0) {
			*len = be32(s + off + 4);
			return s + off + 12;
		}
	}
	return NULL;
}

const char *
dt_prop_str(const struct dt *dt, int node, const char *name)
{
	const char *v;
	uint32_t len;

	v = dt_prop(dt, node, name, &len);
	if (v == NULL || len == 0 || v[len - 1] != '\0')
		return NULL;
	return v;
}

int
dt_prop_has_str(const struct dt *dt, int node, const char *name,
    const char *s)
{
	const char *v, *nul;
	uint32_t len, off;

	v = dt_prop(dt, node, name, &len);
	for (off = 0; v != NULL && off < len; off = (uint32_t)(nul - v) + 1) {
		nul = memchr(v + off, '\0', len - off);
		if (nul == NULL)
			return 0;
		if (strcmp(v + off, s) == 0)
			return 1;
	}
	return 0;
}

int
dt_prop_uint(const struct dt *dt, int node, const char *name, uint64_t *v)
{
	const uint8_t *p;
	uint32_t len;

	p = dt_prop(dt, node, name, &len);
	if (p == NULL)
		return -1;
	if (len == 4)
		*v = be32(p);
	else if (len == 8)
		*v = be64(p);
	else
		return -1;
	return 0;
}

static uint64_t
cells(const uint8_t *p, unsigned n)
{
	return n == 2 ? be64(p) : n == 1 ? be32(p) : 0;
}

int
dt_reg(const struct dt *dt, int node, const char *name, unsigned addr_cells,
    unsigned size_cells, unsigned i, uint64_t *addr, uint64_t *size)
{
	const uint8_t *p;
	uint64_t stride, at;
	uint32_t len;

	if (addr_cells > 2 || size_cells > 2 || addr_cells + size_cells == 0)
		return -1;
	p = dt_prop(dt, node, name, &len);
	if (p == NULL)
		return -1;
	stride = 4 * (uint64_t)(addr_cells + size_cells);
	at = stride * i;
	if (at + stride > len)
		return -1;
	*addr = cells(p + at, addr_cells);
	*size = cells(p + at + 4 * addr_cells, size_cells);
	return 0;
}

static unsigned
ncells(const struct dt *dt, int node, const char *name, unsigned dflt)
{
	uint64_t v;

	if (dt_prop_uint(dt, node, name, &v) != 0 || v > 4)
		return dflt;
	return (unsigned)v;
}

unsigned
dt_addr_cells(const struct dt *dt, int node)
{
	return ncells(dt, node, "#address-cells", 2);
}

unsigned
dt_size_cells(const struct dt *dt, int node)
{
	return ncells(dt, node, "#size-cells", 1);
}

int
dt_memrsv(const struct dt *dt, unsigned i, uint64_t *addr, uint64_t *size)
{
	uint64_t off = dt->rsv_off + 16 * (uint64_t)i;

	if (off + 16 > dt->size)
		return -1;
	*addr = be64(dt->blob + off);
	*size = be64(dt->blob + off + 8);
	return *addr != 0 || *size != 0;
}
