/*
 * xm block-list and network-list in Xen 3.4 xm's columns.  Values xm
 * read from a Xen frontend that virtio has no counterpart for (event
 * channel, ring references) print as xm printed a missing one: -1.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "tools/xm/xm.h"

static int64_t
num(yajl_val o, const char *key, int64_t dflt)
{
	int64_t	v;

	return json_get_i64(o, key, &v) == 0 ? v : dflt;
}

static const char *
str(yajl_val o, const char *key, const char *dflt)
{
	const char	*s = json_get_str(o, key);

	return s != NULL ? s : dflt;
}

/* --long: each device as (DEVID ((key value) ...)), as xm's sxp print. */
static void
dev_long(FILE *fp, yajl_val d)
{
	size_t	i;

	fprintf(fp, "(%" PRId64 "\n    (", num(d, "devid", -1));
	for (i = 0; i < d->u.object.len; i++) {
		yajl_val	 v = d->u.object.values[i];
		const char	*k = d->u.object.keys[i];

		if (strcmp(k, "devid") == 0)
			continue;
		if (YAJL_IS_STRING(v))
			fprintf(fp, "(%s %s)", k, v->u.string);
		else if (YAJL_IS_INTEGER(v))
			fprintf(fp, "(%s %lld)", k, YAJL_GET_INTEGER(v));
		else
			continue;
		fputs(i + 1 < d->u.object.len ? "\n        " : "", fp);
	}
	fputs(")\n)\n", fp);
}

void
fmt_dev_list(FILE *fp, yajl_val devs, const char *kind, int longfmt)
{
	size_t	i;
	int	vbd = strcmp(kind, "vbd") == 0;

	if (!YAJL_IS_ARRAY(devs))
		return;
	for (i = 0; i < devs->u.array.len; i++) {
		yajl_val d = devs->u.array.values[i];

		if (!YAJL_IS_OBJECT(d))
			continue;
		if (longfmt) {
			dev_long(fp, d);
			continue;
		}
		if (i == 0)
			fputs(vbd ? "Vdev  BE handle state evt-ch ring-ref "
			    "BE-path\n" : "Idx BE     MAC Addr.     handle state "
			    "evt-ch tx-/rx-ring-ref BE-path\n", fp);
		if (vbd)
			fprintf(fp, "%-5" PRId64 "  %-3" PRId64 "  %-3" PRId64
			    "   %-3" PRId64 "    %-3d    %-5d %-30s  \n",
			    num(d, "devid", -1), num(d, "backend-id", -1),
			    num(d, "handle", 0), num(d, "state", -1), -1, -1,
			    str(d, "backend", "??"));
		else
			fprintf(fp, "%-3" PRId64 " %-3" PRId64 "%-17s    %-3"
			    PRId64 "   %-3" PRId64 "    %-3d   %-5d/%-5d   "
			    "%-30s  \n", num(d, "devid", -1),
			    num(d, "backend-id", -1), str(d, "mac", "??"),
			    num(d, "handle", 0), num(d, "state", -1), -1, -1,
			    -1, str(d, "backend", "??"));
	}
}
