/* Fuzz target: the manifest parser and validator (smf/manifest.c, mf_build.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "smf/manifest.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct manifest	*m;
	char		*cause = NULL;

	m = mf_parse_mem((const char *)data, len, "fuzz.xml", &cause);
	mf_free(m);
	free(cause);
	return 0;
}
