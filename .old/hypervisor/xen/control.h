/* The privcmd server: run/xvm/privcmd, peer checks, table-dispatched requests. */
#ifndef XVM_HV_CONTROL_H
#define XVM_HV_CONTROL_H

struct ctl;
struct event_base;
struct hv;

/*
 * Listen on 'path' (0600; a stale socket is replaced) and serve privcmd
 * (docs/privcmd.md) on 'base'.  NULL with *cause (caller frees).
 */
struct ctl *control_new(struct hv *, struct event_base *, const char *path,
	    char **cause);
/* Close every client (their event channels and grant maps go too). */
void	 control_free(struct ctl *);	/* NULL is fine */
unsigned control_nr_clients(const struct ctl *);

#endif
