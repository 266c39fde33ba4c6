/* JSON over yajl: a tree reader with typed getters and a writer with a sticky error. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/json.h"
#include "lib/str.h"

#define JSON_MAX_DEFAULT	(1024 * 1024)

yajl_val
json_parse(const char *text, size_t len, size_t max, char **cause)
{
	char		 errbuf[256];
	char		*copy, *nl;
	yajl_val	 v;

	*cause = NULL;
	if (max == 0)
		max = JSON_MAX_DEFAULT;
	if (len > max) {
		if (asprintf(cause, "JSON document of %zu bytes exceeds the "
		    "limit of %zu", len, max) == -1)
			*cause = NULL;
		return NULL;
	}
	if (memchr(text, '\0', len) != NULL) {
		*cause = strdup("JSON document contains a NUL byte");
		return NULL;
	}
	/* yajl_tree_parse wants a C string. */
	if ((copy = malloc(len + 1)) == NULL) {
		*cause = strdup("out of memory");
		return NULL;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	errbuf[0] = '\0';
	v = yajl_tree_parse(copy, errbuf, sizeof(errbuf));
	free(copy);
	if (v == NULL) {
		/* yajl's message spans lines; keep the first. */
		if ((nl = strchr(errbuf, '\n')) != NULL)
			*nl = '\0';
		if (asprintf(cause, "invalid JSON: %s",
		    errbuf[0] ? errbuf : "parse error") == -1)
			*cause = NULL;
	}
	return v;
}

void
json_free(yajl_val v)
{
	if (v != NULL)
		yajl_tree_free(v);
}

yajl_val
json_get(yajl_val obj, const char *key)
{
	size_t	 i;

	if (obj == NULL || !YAJL_IS_OBJECT(obj))
		return NULL;
	for (i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			return obj->u.object.values[i];
	return NULL;
}

const char *
json_get_str(yajl_val obj, const char *key)
{
	yajl_val v = json_get(obj, key);

	return v != NULL && YAJL_IS_STRING(v) ? v->u.string : NULL;
}

int
json_get_i64(yajl_val obj, const char *key, int64_t *out)
{
	yajl_val v = json_get(obj, key);

	if (v == NULL) {
		errno = ENOENT;
		return -1;
	}
	if (!YAJL_IS_INTEGER(v)) {
		errno = EINVAL;
		return -1;
	}
	*out = YAJL_GET_INTEGER(v);
	return 0;
}

int
json_get_bool(yajl_val obj, const char *key, int *out)
{
	yajl_val v = json_get(obj, key);

	if (v == NULL) {
		errno = ENOENT;
		return -1;
	}
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v)) {
		errno = EINVAL;
		return -1;
	}
	*out = YAJL_IS_TRUE(v);
	return 0;
}

struct json_w {
	yajl_gen	 g;
	int		 failed;
};

struct json_w *
json_w_new(int pretty)
{
	struct json_w	*w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	if ((w->g = yajl_gen_alloc(NULL)) == NULL) {
		free(w);
		errno = ENOMEM;
		return NULL;
	}
	yajl_gen_config(w->g, yajl_gen_beautify, pretty ? 1 : 0);
	yajl_gen_config(w->g, yajl_gen_validate_utf8, 1);
	return w;
}

void
json_w_free(struct json_w *w)
{
	if (w == NULL)
		return;
	yajl_gen_free(w->g);
	free(w);
}

static void
check(struct json_w *w, yajl_gen_status st)
{
	if (st != yajl_gen_status_ok)
		w->failed = 1;
}

#define GEN(w, call) do { if (!(w)->failed) check((w), (call)); } while (0)

void json_w_obj_open(struct json_w *w) { GEN(w, yajl_gen_map_open(w->g)); }
void json_w_obj_close(struct json_w *w) { GEN(w, yajl_gen_map_close(w->g)); }
void json_w_arr_open(struct json_w *w) { GEN(w, yajl_gen_array_open(w->g)); }
void json_w_arr_close(struct json_w *w) { GEN(w, yajl_gen_array_close(w->g)); }
void json_w_null(struct json_w *w) { GEN(w, yajl_gen_null(w->g)); }
void json_w_bool(struct json_w *w, int b) { GEN(w, yajl_gen_bool(w->g, b)); }
void json_w_i64(struct json_w *w, int64_t v) { GEN(w, yajl_gen_integer(w->g, v)); }
void json_w_double(struct json_w *w, double d) { GEN(w, yajl_gen_double(w->g, d)); }

/*
 * Text that is not UTF-8 (a guest's, a file's) is written with U+FFFD for
 * each byte that is not, rather than failing the whole document: one bad
 * value must not break a listing of everything.
 */
void
json_w_strn(struct json_w *w, const char *s, size_t len)
{
	struct buf	 b = BUF_INITIALIZER;
	size_t		 ok;

	if ((ok = str_utf8_valid(s, len)) == len) {
		GEN(w, yajl_gen_string(w->g, (const unsigned char *)s, len));
		return;
	}
	while (len > 0) {
		buf_add(&b, s, ok);
		if (ok == len)
			break;
		buf_add(&b, "\xef\xbf\xbd", 3);	/* U+FFFD */
		s += ok + 1;
		len -= ok + 1;
		ok = str_utf8_valid(s, len);
	}
	if (buf_error(&b))
		w->failed = 1;
	else
		GEN(w, yajl_gen_string(w->g, (const unsigned char *)buf_data(&b),
		    buf_len(&b)));
	buf_free(&b);
}

void
json_w_str(struct json_w *w, const char *s)
{
	if (s == NULL)
		json_w_null(w);
	else
		json_w_strn(w, s, strlen(s));
}

void
json_w_key(struct json_w *w, const char *k)
{
	json_w_strn(w, k, strlen(k));
}

void
json_w_u64(struct json_w *w, uint64_t v)
{
	char	 num[24];
	int	 n;

	/* yajl's integers are signed; emit large values as number text. */
	n = snprintf(num, sizeof(num), "%" PRIu64, v);
	GEN(w, yajl_gen_number(w->g, num, (size_t)n));
}

void
json_w_kstr(struct json_w *w, const char *k, const char *v)
{
	json_w_key(w, k);
	json_w_str(w, v);
}

void
json_w_ki64(struct json_w *w, const char *k, int64_t v)
{
	json_w_key(w, k);
	json_w_i64(w, v);
}

void
json_w_kbool(struct json_w *w, const char *k, int v)
{
	json_w_key(w, k);
	json_w_bool(w, v);
}

void
json_w_value(struct json_w *w, yajl_val v)
{
	size_t	 i;

	if (v == NULL || YAJL_IS_NULL(v))
		json_w_null(w);
	else if (YAJL_IS_STRING(v))
		json_w_str(w, v->u.string);
	else if (YAJL_IS_INTEGER(v))
		json_w_i64(w, YAJL_GET_INTEGER(v));
	else if (YAJL_IS_NUMBER(v))
		GEN(w, yajl_gen_number(w->g, v->u.number.r,
		    strlen(v->u.number.r)));
	else if (YAJL_IS_TRUE(v))
		json_w_bool(w, 1);
	else if (YAJL_IS_FALSE(v))
		json_w_bool(w, 0);
	else if (YAJL_IS_ARRAY(v)) {
		json_w_arr_open(w);
		for (i = 0; i < v->u.array.len; i++)
			json_w_value(w, v->u.array.values[i]);
		json_w_arr_close(w);
	} else if (YAJL_IS_OBJECT(v)) {
		json_w_obj_open(w);
		for (i = 0; i < v->u.object.len; i++) {
			json_w_key(w, v->u.object.keys[i]);
			json_w_value(w, v->u.object.values[i]);
		}
		json_w_obj_close(w);
	}
}

const char *
json_w_finish(struct json_w *w, size_t *lenp)
{
	const unsigned char	*p;
	size_t			 len;

	if (w->failed ||
	    yajl_gen_get_buf(w->g, &p, &len) != yajl_gen_status_ok) {
		errno = EINVAL;
		return NULL;
	}
	if (lenp != NULL)
		*lenp = len;
	return (const char *)p;
}

char *
json_w_strdup(struct json_w *w)
{
	const char	*text;
	size_t		 len;
	char		*out;

	if ((text = json_w_finish(w, &len)) == NULL)
		return NULL;
	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(out, text, len);
	out[len] = '\0';
	return out;
}
