/* Checks of a request's JSON body and query string against what its route declares. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/keyvalq_struct.h>

#include "lib/buf.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xvmd/api.h"

static const char *const type_names[] = {
	[API_STR] = "a string",
	[API_BOOL] = "a boolean (true or false)",
	[API_INT] = "an integer",
};

/* What a JSON value is, for messages: "the number 1", "a string". */
static void
describe(yajl_val v, char *out, size_t size)
{
	if (YAJL_IS_STRING(v))
		snprintf(out, size, "a string");
	else if (YAJL_IS_INTEGER(v))
		snprintf(out, size, "the number %lld", YAJL_GET_INTEGER(v));
	else if (YAJL_IS_NUMBER(v))
		snprintf(out, size, "the number %g", YAJL_GET_DOUBLE(v));
	else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
		snprintf(out, size, "%s", YAJL_IS_TRUE(v) ? "true" : "false");
	else if (YAJL_IS_OBJECT(v))
		snprintf(out, size, "an object");
	else if (YAJL_IS_ARRAY(v))
		snprintf(out, size, "an array");
	else
		snprintf(out, size, "null");
}

static int
has_type(yajl_val v, enum api_type t)
{
	switch (t) {
	case API_STR:
		return YAJL_IS_STRING(v);
	case API_BOOL:
		return YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v);
	case API_INT:
		return YAJL_IS_INTEGER(v);
	}
	return 0;
}

/* "config, file, paused" or "none". */
static char *
member_list(const struct api_field *fields)
{
	struct buf	 b = BUF_INITIALIZER;
	size_t		 i;
	char		*s;

	for (i = 0; fields != NULL && fields[i].key != NULL; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", fields[i].key);
	if (buf_len(&b) == 0)
		buf_printf(&b, "none");
	if ((s = buf_release(&b, NULL)) == NULL)
		fatalx("%s: out of memory", __func__);
	return s;
}

int
api_check_body(yajl_val body, const struct api_field *fields, char **cause)
{
	const struct api_field	*f;
	const char		*key;
	char			 what[64], *list;
	size_t			 i, j;

	for (i = 0; body != NULL && i < body->u.object.len; i++) {
		key = body->u.object.keys[i];
		for (j = 0; j < i; j++)
			if (strcmp(body->u.object.keys[j], key) == 0) {
				xasprintf(cause, "member '%s' is given twice",
				    key);
				return EINVAL;
			}
		for (f = fields; f != NULL && f->key != NULL; f++)
			if (strcmp(f->key, key) == 0)
				break;
		if (f == NULL || f->key == NULL) {
			list = member_list(fields);
			xasprintf(cause, "unknown member '%s' (this request "
			    "takes: %s)", key, list);
			free(list);
			return EINVAL;
		}
		if (!has_type(body->u.object.values[i], f->type)) {
			describe(body->u.object.values[i], what, sizeof(what));
			xasprintf(cause, "'%s' must be %s, not %s", key,
			    type_names[f->type], what);
			return EINVAL;
		}
	}
	for (f = fields; f != NULL && f->key != NULL; f++)
		if (f->required != NULL && json_get(body, f->key) == NULL) {
			xasprintf(cause, "'%s' (%s) is required", f->key,
			    f->required);
			return EINVAL;
		}
	return 0;
}

int
api_query_flag(struct api_req *ar, const char *key, int *out, char **cause)
{
	const char	*v = api_query(ar, key);

	*out = 0;
	if (v == NULL || strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
		return 0;
	if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0) {
		*out = 1;
		return 0;
	}
	xasprintf(cause, "query '%s=%s': the value must be 1 or 0", key, v);
	return EINVAL;
}
