/* The in-memory node tree: nodes by full path, children in creation order. */
#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"
#include "xenstored/tree.h"

/*
 * One hash table over full paths finds any node in O(1); each node also
 * links to its parent and its children (in creation order, which is the
 * order DIRECTORY lists them, as Xen's daemon does).  The table doubles
 * when it holds more nodes than buckets.
 */
static struct node	**htab;
static uint32_t		  hmask;
static uint64_t		  nnodes;
static uint64_t		  nbytes;
static uint64_t		  gen_counter;
static struct node	 *root;
static struct tree_hooks  hooks;

static uint32_t
hash_path(const char *s, size_t len)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (uint8_t)s[i];
		h *= 16777619u;
	}
	return h;
}

uint64_t
tree_next_gen(void)
{
	return ++gen_counter;
}

static void
htab_grow(void)
{
	struct node	**nt, *n, *next;
	uint32_t	  i, nsize = (hmask + 1) * 2;

	nt = xcalloc(nsize, sizeof(*nt));
	for (i = 0; i <= hmask; i++)
		for (n = htab[i]; n != NULL; n = next) {
			next = n->hnext;
			n->hnext = nt[n->hash & (nsize - 1)];
			nt[n->hash & (nsize - 1)] = n;
		}
	free(htab);
	htab = nt;
	hmask = nsize - 1;
}

static void
htab_insert(struct node *n)
{
	if (nnodes >= hmask + 1)
		htab_grow();
	n->hnext = htab[n->hash & hmask];
	htab[n->hash & hmask] = n;
}

static void
htab_remove(struct node *n)
{
	struct node	**pp;

	for (pp = &htab[n->hash & hmask]; *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == n) {
			*pp = n->hnext;
			return;
		}
}

struct node *
tree_lookup_len(const char *path, size_t len)
{
	struct node	*n;
	uint32_t	 h;

	if (htab == NULL)
		return NULL;
	h = hash_path(path, len);
	for (n = htab[h & hmask]; n != NULL; n = n->hnext)
		if (n->hash == h && strncmp(n->path, path, len) == 0 &&
		    n->path[len] == '\0')
			return n;
	return NULL;
}

struct node *
tree_lookup(const char *path)
{
	return tree_lookup_len(path, strlen(path));
}

struct node *
tree_root(void)
{
	return root;
}

static struct node *
node_new(const char *path, const void *value, uint32_t vlen,
    const struct xs_perm *perms, uint32_t nperms)
{
	struct node	*n;
	size_t		 plen = strlen(path);
	const char	*slash;

	n = xcalloc(1, sizeof(*n));
	n->path = xmemdup(path, plen + 1);
	slash = strrchr(n->path, '/');
	n->name = (plen == 1) ? n->path : slash + 1;
	n->hash = hash_path(path, plen);
	if (vlen > 0)
		n->value = xmemdup(value, vlen);
	n->vlen = vlen;
	n->perms = xmemdup(perms, nperms * sizeof(*perms));
	n->nperms = nperms;
	n->gen = tree_next_gen();
	nbytes += plen + 1 + vlen + nperms * sizeof(*perms);
	return n;
}

void
tree_init(const struct tree_hooks *h)
{
	static const struct xs_perm	 def = { 0, PERM_NONE };

	tree_free();
	if (h != NULL)
		hooks = *h;
	else
		memset(&hooks, 0, sizeof(hooks));
	hmask = 1023;
	htab = xcalloc(hmask + 1, sizeof(*htab));
	root = node_new("/", NULL, 0, &def, 1);
	htab_insert(root);
	nnodes = 1;
}

static void
node_free(struct node *n)
{
	nbytes -= strlen(n->path) + 1 + n->vlen + n->nperms * sizeof(*n->perms);
	free(n->path);
	free(n->value);
	free(n->perms);
	free(n);
}

struct node *
tree_create(const char *path, const void *value, uint32_t vlen,
    const struct xs_perm *perms, uint32_t nperms)
{
	struct node	*n, *parent;
	const char	*slash = strrchr(path, '/');

	parent = tree_lookup_len(path, slash == path ? 1 : (size_t)(slash - path));
	n = node_new(path, value, vlen, perms, nperms);
	n->parent = parent;
	n->prev = parent->child_last;
	if (parent->child_last != NULL)
		parent->child_last->next = n;
	else
		parent->child_first = n;
	parent->child_last = n;
	parent->nchildren++;
	parent->childlen += strlen(n->name) + 1;
	parent->gen = tree_next_gen();
	htab_insert(n);
	nnodes++;
	if (hooks.owner_add != NULL)
		hooks.owner_add(perms[0].domid, 1, hooks.arg);
	return n;
}

void
tree_set_value(struct node *n, const void *value, uint32_t vlen)
{
	nbytes -= n->vlen;
	free(n->value);
	n->value = vlen > 0 ? xmemdup(value, vlen) : NULL;
	n->vlen = vlen;
	nbytes += vlen;
	n->gen = tree_next_gen();
}

void
tree_set_perms(struct node *n, const struct xs_perm *p, uint32_t np)
{
	uint32_t	 old = n->perms[0].domid;

	nbytes -= n->nperms * sizeof(*p);
	free(n->perms);
	n->perms = xmemdup(p, np * sizeof(*p));
	n->nperms = np;
	nbytes += np * sizeof(*p);
	n->gen = tree_next_gen();
	if (hooks.owner_add != NULL && old != p[0].domid && n != root) {
		hooks.owner_add(old, -1, hooks.arg);
		hooks.owner_add(p[0].domid, 1, hooks.arg);
	}
}

static void
delete_rec(struct node *n)
{
	struct node	*c, *next;

	for (c = n->child_first; c != NULL; c = next) {
		next = c->next;
		delete_rec(c);
	}
	htab_remove(n);
	nnodes--;
	if (hooks.owner_add != NULL)
		hooks.owner_add(n->perms[0].domid, -1, hooks.arg);
	node_free(n);
}

void
tree_delete(struct node *n)
{
	struct node	*p = n->parent;

	if (p == NULL)
		return;		/* the root stays */
	if (n->prev != NULL)
		n->prev->next = n->next;
	else
		p->child_first = n->next;
	if (n->next != NULL)
		n->next->prev = n->prev;
	else
		p->child_last = n->prev;
	p->nchildren--;
	p->childlen -= strlen(n->name) + 1;
	p->gen = tree_next_gen();
	delete_rec(n);
}

void
tree_free(void)
{
	struct node	*n, *next;
	uint32_t	 i;

	if (htab == NULL)
		return;
	for (i = 0; i <= hmask; i++)
		for (n = htab[i]; n != NULL; n = next) {
			next = n->hnext;
			if (hooks.owner_add != NULL && n != root)
				hooks.owner_add(n->perms[0].domid, -1, hooks.arg);
			node_free(n);
		}
	free(htab);
	htab = NULL;
	root = NULL;
	nnodes = 0;
	nbytes = 0;
}

uint64_t
tree_count(void)
{
	return nnodes;
}

uint64_t
tree_bytes(void)
{
	return nbytes;
}

int
path_is_child(const char *child, const char *parent)
{
	size_t	 len;

	if (parent[0] == '/' && parent[1] == '\0')
		return child[0] == '/';
	len = strlen(parent);
	return strncmp(child, parent, len) == 0 &&
	    (child[len] == '/' || child[len] == '\0');
}

int
path_valid(const char *path)
{
	const char	*c;

	if (path[0] != '/')
		return 0;
	if (path[1] == '\0')
		return 1;
	for (c = path; *c != '\0'; c++) {
		if (*c == '/' && (c[1] == '/' || c[1] == '\0'))
			return 0;
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '/' ||
		    *c == '_' || *c == '@'))
			return 0;
	}
	return 1;
}
