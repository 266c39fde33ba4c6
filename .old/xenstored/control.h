/* The Unix sockets: run/xenstored/socket and socket_ro, accepting and per-client I/O. */
#ifndef XSD_CONTROL_H
#define XSD_CONTROL_H

struct conn;
struct event_base;

/*
 * Listen on 'rw_path' (0600) and 'ro_path' (0660).  Returns 0, or -1
 * with *cause (caller frees).
 */
int	 control_listen(struct event_base *, const char *rw_path,
	    const char *ro_path, char **cause);
void	 control_close(void);

/*
 * Serve an already connected socket as a privileged client (tests, and
 * the fuzz target).  Returns the connection's description (borrowed).
 */
struct conn *control_adopt(struct event_base *, int fd, int readonly);

#endif
