/* The in-memory node tree: nodes by full path, children in creation order. */
#ifndef XSD_TREE_H
#define XSD_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "xenstored/perms.h"

struct node {
	char		*path;		/* full path, owned */
	const char	*name;		/* last component, inside path */
	struct node	*parent;
	struct node	*child_first, *child_last;
	struct node	*next, *prev;	/* siblings */
	struct node	*hnext;		/* hash chain */
	uint8_t		*value;		/* owned, may be NULL when vlen is 0 */
	struct xs_perm	*perms;		/* owned, nperms >= 1 */
	uint64_t	 gen;		/* changes on every modification */
	uint32_t	 hash;
	uint32_t	 vlen;
	uint32_t	 nperms;
	uint32_t	 nchildren;
	uint32_t	 childlen;	/* sum of strlen(name) + 1 over children */
};

/*
 * Called after a node is created, before one is destroyed and when its
 * owner changes, so per-domain node counts stay right (see domain.c).
 */
struct tree_hooks {
	void	(*owner_add)(uint32_t domid, int delta, void *arg);
	void	*arg;
};

void	 tree_init(const struct tree_hooks *);
void	 tree_free(void);			/* drops every node */

/* Borrowed pointers, valid until the node is deleted. */
struct node *tree_root(void);
struct node *tree_lookup(const char *path);
struct node *tree_lookup_len(const char *path, size_t len);

/* A fresh generation number: global, strictly increasing, never 0. */
uint64_t tree_next_gen(void);

/*
 * Create 'path' under its existing parent (the caller checks that), with
 * copies of value and perms.  Returns the node (never NULL: daemons abort
 * on OOM).
 */
struct node *tree_create(const char *path, const void *value, uint32_t vlen,
	    const struct xs_perm *perms, uint32_t nperms);
void	 tree_set_value(struct node *, const void *value, uint32_t vlen);
void	 tree_set_perms(struct node *, const struct xs_perm *, uint32_t n);

/* Delete the node and its subtree; the parent's generation changes. */
void	 tree_delete(struct node *);

uint64_t tree_count(void);		/* nodes, the root included */
uint64_t tree_bytes(void);		/* paths + values + perms */

/* Nonzero when 'child' is 'parent' or below it (Xen's is_child). */
int	 path_is_child(const char *child, const char *parent);

/*
 * Xen's path rule: starts with '/', only [A-Za-z0-9-/_@], no "//", no
 * trailing '/' except the root.
 */
int	 path_valid(const char *path);

#endif
