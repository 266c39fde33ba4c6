/* Allocation for daemons and tools: abort with a message on exhaustion or overflow. */
#ifndef XVM_LIB_XMALLOC_H
#define XVM_LIB_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

/*
 * All results are owned by the caller and released with free().  These
 * never return NULL: they call fatalx() instead.  Libraries (libxc,
 * libxenstore) must not use them; they return ENOMEM.
 */
void	*xmalloc(size_t);
void	*xcalloc(size_t nmemb, size_t size);
void	*xreallocarray(void *, size_t nmemb, size_t size);
void	*xrecallocarray(void *, size_t oldnmemb, size_t nmemb, size_t size);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
void	*xmemdup(const void *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 xvasprintf(char **, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

#endif
