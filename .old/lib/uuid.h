/* UUIDs as Xen tools write them: 36 characters, lower-case hex. */
#ifndef XVM_LIB_UUID_H
#define XVM_LIB_UUID_H

#include <stdint.h>

#define UUID_STR_LEN	37	/* with the NUL */

/* Parse "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (any case); -1 if malformed. */
int	 uuid_parse(const char *, uint8_t uuid[16]);

/* Format into out (lower case). */
void	 uuid_format(const uint8_t uuid[16], char out[UUID_STR_LEN]);

/* A random (version 4) UUID.  Returns 0 or -1 with errno. */
int	 uuid_generate(uint8_t uuid[16]);

/* Nonzero when all sixteen bytes are zero. */
int	 uuid_is_nil(const uint8_t uuid[16]);

#endif
