/* xvmd's control socket: the HTTP server on run/xvm/xvmd.sock. */
#ifndef XVM_XVMD_CONTROL_H
#define XVM_XVMD_CONTROL_H

struct xvmd;

/*
 * Listen on 'path' (0600) and serve the API there.  Returns 0, or -1 with
 * errno (EADDRINUSE when another xvmd serves it).
 */
int	 control_listen(struct xvmd *, const char *path);
void	 control_close(struct xvmd *);

#endif
