/* xm console: attach to a domain's console through xvm-consoled. */
#include <stdio.h>

#include "lib/paths.h"
#include "lib/sock.h"
#include "tools/xm/xm.h"

int	 xm_console_attach(const char *dom);

int
xm_console_attach(const char *dom)
{
	return xm_error("cannot attach to the console of '%s': the console "
	    "daemon (xvm-consoled) is not implemented yet", dom);
}

static int
exec_console(int argc, char **argv)
{
	(void)argc;
	return xm_console_attach(argv[1]);
}

const struct cmd_entry cmd_console_entry = {
	.name = "console",
	.args = "<Domain>",
	.help = "Attach to a domain's console (Ctrl-] detaches).",
	.min_args = 1,
	.max_args = 1,
	.exec = exec_console,
};
