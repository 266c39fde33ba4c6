/* Fuzz target: lib/json.c's parser and getters (the xvmd API's input). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	yajl_val	 v;
	char		*cause = NULL;
	int64_t		 n;
	int		 b;

	v = json_parse((const char *)data, len, 64 * 1024, &cause);
	if (v != NULL) {
		(void)json_get_str(v, "name");
		(void)json_get_i64(v, "memory", &n);
		(void)json_get_bool(v, "paused", &b);
	}
	json_free(v);
	free(cause);
	return 0;
}
