/* JSON over yajl: a tree reader with typed getters and a writer with a sticky error. */
#ifndef XVM_LIB_JSON_H
#define XVM_LIB_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

/*
 * Parse text (len bytes, need not be NUL-terminated).  Returns a tree the
 * caller frees with json_free(), or NULL with *cause (caller frees) set to
 * a one-line reason.  Inputs over 'max' bytes are refused (0 = 1 MiB).
 */
yajl_val json_parse(const char *text, size_t len, size_t max, char **cause);
void	 json_free(yajl_val);

/*
 * Getters on an object: the member 'key' (no nesting) when present and
 * of the right type.  Strings are borrowed from the tree.  The int/bool
 * getters return 0, or -1 with errno ENOENT (absent) or EINVAL (wrong
 * type or out of range).
 */
yajl_val json_get(yajl_val obj, const char *key);
const char *json_get_str(yajl_val obj, const char *key);
int	 json_get_i64(yajl_val obj, const char *key, int64_t *out);
int	 json_get_bool(yajl_val obj, const char *key, int *out);

/*
 * A writer.  Each call appends one value, key or bracket; the first
 * failure is kept and later calls do nothing.  json_w_finish() returns
 * the text (borrowed, NUL-terminated, valid until json_w_free()) or NULL
 * if any call failed (e.g. a key where a value was due).
 */
struct json_w;

struct json_w *json_w_new(int pretty);	/* NULL with ENOMEM */
void	 json_w_free(struct json_w *);
void	 json_w_obj_open(struct json_w *);
void	 json_w_obj_close(struct json_w *);
void	 json_w_arr_open(struct json_w *);
void	 json_w_arr_close(struct json_w *);
void	 json_w_key(struct json_w *, const char *);
void	 json_w_str(struct json_w *, const char *);
void	 json_w_strn(struct json_w *, const char *, size_t);
void	 json_w_i64(struct json_w *, int64_t);
void	 json_w_u64(struct json_w *, uint64_t);
void	 json_w_double(struct json_w *, double);
void	 json_w_bool(struct json_w *, int);
void	 json_w_null(struct json_w *);
/* Write a parsed tree (or NULL as null) as one value. */
void	 json_w_value(struct json_w *, yajl_val);
/* Shorthands for "key": value inside an object. */
void	 json_w_kstr(struct json_w *, const char *, const char *);
void	 json_w_ki64(struct json_w *, const char *, int64_t);
void	 json_w_kbool(struct json_w *, const char *, int);
const char *json_w_finish(struct json_w *, size_t *lenp);
/* The finished document as a new string; NULL (errno EINVAL) if broken. */
char	*json_w_strdup(struct json_w *);

#endif
