/*
 * Fuzz target: svc.startd's control request decoder and the dispatch
 * prologue's checks.  Input: 4 bytes of request type, then the payload.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smf/proto.h"
#include "smf/startd/startd.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct ctl_req	 req;
	uint32_t	 type;
	char		*cause = NULL;

	if (len < sizeof(type))
		return 0;
	memcpy(&type, data, sizeof(type));
	if (ctl_decode(type, data + sizeof(type), len - sizeof(type), &req,
	    &cause) == 0) {
		free(cause);
		cause = NULL;
		(void)control_check(&req, &cause);
	}
	free(cause);
	return 0;
}
