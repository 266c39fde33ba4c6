/* xm help: the list of subcommands, or one command's usage. */
#include <stdio.h>
#include <string.h>

#include "tools/xm/xm.h"

static int
exec_help(int argc, char **argv)
{
	const struct cmd_entry *const *ce;

	for (ce = xm_commands; argc > 1 && *ce != NULL; ce++) {
		if (strcmp((*ce)->name, argv[1]) == 0) {
			printf("Usage: xm %s %s\n\n  %s\n", (*ce)->name,
			    (*ce)->args, (*ce)->help);
			return 0;
		}
	}
	if (argc > 1)
		return xm_error("'%s' is not an xm command", argv[1]);
	printf("Usage: xm [--root DIR] <subcommand> [args]\n\n"
	    "Control, list, and manipulate xVM guest instances.\n\n");
	for (ce = xm_commands; *ce != NULL; ce++)
		printf(" %-18s %s\n", (*ce)->name, (*ce)->help);
	return 0;
}

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.args = "[subcommand]",
	.help = "Display this message, or one subcommand's usage.",
	.min_args = 0,
	.max_args = 1,
	.exec = exec_help,
};
