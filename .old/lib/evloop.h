/* Event-loop glue over libevent: signals, listening sockets, per-turn work. */
#ifndef XVM_LIB_EVLOOP_H
#define XVM_LIB_EVLOOP_H

struct event_base;
struct evloop_listener;
struct evloop_defer;
struct evloop_signals;

/*
 * A new event base with three priorities: 0 (urgent), 1 (the default for
 * every event) and 2 (deferred work, see below).  Calls fatalx() on
 * failure: daemons only.
 */
struct event_base *evloop_new(void);

/*
 * SIGTERM and SIGINT call on_term (or break the loop when NULL); SIGHUP
 * reopens the log file and then calls on_hup (may be NULL); SIGPIPE is
 * ignored.  Release with evloop_signals_free() before freeing the base
 * (NULL is fine).
 */
struct evloop_signals *evloop_signals(struct event_base *,
	    void (*on_term)(void *), void (*on_hup)(void *), void *arg);
void	 evloop_signals_free(struct evloop_signals *);

/*
 * Accept connections on the listening socket 'fd' (taken over) and hand
 * each new non-blocking, close-on-exec client fd to cb.  When the process
 * runs out of descriptors, accepting pauses for a second instead of
 * spinning.  Free with evloop_listener_free() (closes fd; NULL is fine).
 */
struct evloop_listener *evloop_listener_new(struct event_base *, int fd,
	    void (*cb)(int cfd, void *arg), void *arg);
void	 evloop_listener_free(struct evloop_listener *);

/*
 * Deferred work: cb runs once per loop turn in which evloop_defer_kick()
 * was called, after every other ready event of that turn (e.g. to commit
 * all writes of the turn in one transaction).  Free with
 * evloop_defer_free() (NULL is fine).
 */
struct evloop_defer *evloop_defer_new(struct event_base *,
	    void (*cb)(void *arg), void *arg);
void	 evloop_defer_kick(struct evloop_defer *);
void	 evloop_defer_free(struct evloop_defer *);

#endif
