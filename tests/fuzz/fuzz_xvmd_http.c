/* Fuzz target: the head of an HTTP request on xvmd's API socket (any local root client). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "xvmd/http_parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct http_head	 h;
	char			*cause = NULL;
	int			 status;

	status = http_parse_head((const char *)data, len, 1 << 20, &h, &cause);
	if (status == 0) {
		/* What the transport relies on. */
		if (h.target == NULL || h.method == 0 || h.minor > 1 ||
		    h.content_length > (1 << 20) || cause != NULL)
			abort();
		http_head_clear(&h);
	} else if (cause == NULL || status < 400 || status > 599)
		abort();		/* every refusal has a reason */
	free(cause);
	return 0;
}
