/* Fuzz target: the xm/xl domain-config reader (files users and clients hand to xvmd). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/json.h"
#include "xvmd/domcfg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct domcfg	*dc;
	struct json_w	*w;
	char		*cause = NULL;

	dc = domcfg_parse("fuzz.cfg", (const char *)data, len, &cause);
	if (dc != NULL) {
		if ((w = json_w_new(0)) != NULL) {
			domcfg_to_json(dc, w);
			if (json_w_finish(w, NULL) == NULL)
				abort();	/* a valid config must serialize */
			json_w_free(w);
		}
	} else if (cause == NULL)
		abort();		/* every failure has a reason */
	domcfg_free(dc);
	free(cause);
	return 0;
}
