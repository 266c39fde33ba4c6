/* Fetching the domains a command names, or all of them. */
#include <stdlib.h>

#include "lib/json.h"
#include "lib/xmalloc.h"
#include "tools/xm/xm.h"

int
xm_domains_get(struct xm_domains *xd, int argc, char **argv,
    const char *query)
{
	yajl_val	 reply, arr, d;
	char		*uri;
	size_t		 i;
	int		 rc = 0;

	xd->replies = NULL;
	xd->nreplies = xd->n = 0;
	xd->doms = NULL;
	if (argc == 0) {
		xasprintf(&uri, "/domains%s", query);
		rc = xm_call("GET", uri, NULL, &reply);
		free(uri);
		if (rc != 0)
			return 1;
		xd->replies = xcalloc(1, sizeof(yajl_val));
		xd->replies[xd->nreplies++] = reply;
		arr = json_get(reply, "domains");
		if (arr == NULL || !YAJL_IS_ARRAY(arr))
			return xm_error("xvmd's domain list is malformed");
		xd->doms = xcalloc(arr->u.array.len + 1, sizeof(yajl_val));
		for (i = 0; i < arr->u.array.len; i++)
			xd->doms[xd->n++] = arr->u.array.values[i];
		return 0;
	}
	xd->replies = xcalloc((size_t)argc, sizeof(yajl_val));
	xd->doms = xcalloc((size_t)argc, sizeof(yajl_val));
	for (i = 0; i < (size_t)argc; i++) {
		uri = xm_dom_uri(argv[i], query);
		if (xm_call("GET", uri, NULL, &reply) != 0)
			rc = 1;
		else {
			xd->replies[xd->nreplies++] = reply;
			if ((d = json_get(reply, "domain")) != NULL)
				xd->doms[xd->n++] = d;
		}
		free(uri);
	}
	return rc;
}

void
xm_domains_free(struct xm_domains *xd)
{
	size_t	 i;

	for (i = 0; i < xd->nreplies; i++)
		json_free(xd->replies[i]);
	free(xd->replies);
	free(xd->doms);
}
