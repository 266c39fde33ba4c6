/* libxenstore's internals shared by xs.c (transport) and xs_ops.c (requests). */
#ifndef XSD_XS_INTERNAL_H
#define XSD_XS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <xvm/xenstore.h>

struct iovec;

/*
 * Send one request made of n pieces and wait for its reply: the body
 * (caller frees; NUL-terminated) and its length in *lenp, or NULL with
 * errno (the daemon's error, or a transport one).
 */
char	*xsi_talk(struct xs_handle *, xs_transaction_t, uint32_t type,
	    const struct iovec *, int n, unsigned int *lenp);
/* The same with one string argument (sent with its NUL). */
char	*xsi_talk1(struct xs_handle *, xs_transaction_t, uint32_t type,
	    const char *, unsigned int *lenp);
/* Free a reply and say whether there was one. */
bool	 xsi_talk_bool(char *reply);
/*
 * "a\0b\0" (taken over) -> one allocation holding char *[n + 1] and the
 * strings; *num = n.  NULL with ENOMEM.
 */
char	**xsi_split(char *body, unsigned int len, unsigned int *num);

#endif
