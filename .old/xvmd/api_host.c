/* API routes about the host and the daemon itself: version, settings, config checks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/json.h"
#include "lib/xmalloc.h"
#include "xvmd/api.h"
#include "xvmd/domcfg.h"
#include "xvmd/xvmd.h"

int
api_version(struct api_req *ar, char **cause)
{
	(void)cause;
	json_w_kstr(ar->out, "name", "xvmd");
	json_w_kstr(ar->out, "version", XVM_VERSION);
	json_w_kstr(ar->out, "xen_compat", "3.4");
	json_w_ki64(ar->out, "uptime", (int64_t)(time(NULL) - ar->xd->started));
	json_w_ki64(ar->out, "requests", (int64_t)ar->xd->requests);
	return 0;
}

int
api_host_settings(struct api_req *ar, char **cause)
{
	(void)cause;
	json_w_key(ar->out, "settings");
	xendconf_to_json(&ar->xd->conf, ar->out);
	return 0;
}

/* POST /configs/check {"config": TEXT, "file": NAME}: parse, don't create. */
int
api_config_check(struct api_req *ar, char **cause)
{
	const char	*text, *file;
	struct domcfg	*dc;

	if ((text = json_get_str(ar->body, "config")) == NULL) {
		*cause = xstrdup("'config' (the file's text) is required");
		return EINVAL;
	}
	if ((file = json_get_str(ar->body, "file")) == NULL)
		file = "config";
	if ((dc = domcfg_parse(file, text, strlen(text), cause)) == NULL)
		return EINVAL;
	json_w_key(ar->out, "config");
	domcfg_to_json(dc, ar->out);
	domcfg_free(dc);
	return 0;
}
