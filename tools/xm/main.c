/* xm: the xVM admin CLI.  Global options and dispatch to one command. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/paths.h"
#include "tools/xm/xm.h"

extern const struct cmd_entry cmd_list_entry, cmd_create_entry,
    cmd_new_entry, cmd_delete_entry, cmd_start_entry, cmd_destroy_entry,
    cmd_shutdown_entry, cmd_reboot_entry, cmd_pause_entry,
    cmd_unpause_entry, cmd_info_entry, cmd_dmesg_entry, cmd_domid_entry,
    cmd_domname_entry, cmd_rename_entry, cmd_sysrq_entry,
    cmd_vcpu_list_entry, cmd_vcpu_pin_entry, cmd_vcpu_set_entry,
    cmd_mem_set_entry, cmd_mem_max_entry, cmd_sched_credit_entry,
    cmd_uptime_entry, cmd_console_entry, cmd_help_entry, cmd_save_entry,
    cmd_restore_entry, cmd_migrate_entry, cmd_dump_core_entry, cmd_log_entry,
    cmd_top_entry, cmd_block_attach_entry, cmd_block_detach_entry,
    cmd_block_list_entry, cmd_network_attach_entry, cmd_network_detach_entry,
    cmd_network_list_entry;

const struct cmd_entry *const xm_commands[] = {
	&cmd_block_attach_entry,
	&cmd_block_detach_entry,
	&cmd_block_list_entry,
	&cmd_console_entry,
	&cmd_create_entry,
	&cmd_new_entry,
	&cmd_delete_entry,
	&cmd_destroy_entry,
	&cmd_domid_entry,
	&cmd_domname_entry,
	&cmd_dmesg_entry,
	&cmd_dump_core_entry,
	&cmd_help_entry,
	&cmd_info_entry,
	&cmd_list_entry,
	&cmd_log_entry,
	&cmd_mem_max_entry,
	&cmd_mem_set_entry,
	&cmd_migrate_entry,
	&cmd_network_attach_entry,
	&cmd_network_detach_entry,
	&cmd_network_list_entry,
	&cmd_pause_entry,
	&cmd_reboot_entry,
	&cmd_rename_entry,
	&cmd_restore_entry,
	&cmd_save_entry,
	&cmd_sched_credit_entry,
	&cmd_shutdown_entry,
	&cmd_start_entry,
	&cmd_sysrq_entry,
	&cmd_top_entry,
	&cmd_unpause_entry,
	&cmd_uptime_entry,
	&cmd_vcpu_list_entry,
	&cmd_vcpu_pin_entry,
	&cmd_vcpu_set_entry,
	NULL,
};

static const struct cmd_entry *
find_command(const char *name)
{
	const struct cmd_entry *const *ce;

	for (ce = xm_commands; *ce != NULL; ce++)
		if (strcmp((*ce)->name, name) == 0 ||
		    ((*ce)->alias != NULL && strcmp((*ce)->alias, name) == 0))
			return *ce;
	return NULL;
}

static int
run(const struct cmd_entry *ce, int argc, char **argv)
{
	char	 opts[64];
	int	 ch, nargs;

	/* Check the options first so a usage error changes nothing. */
	snprintf(opts, sizeof(opts), "+:%s", ce->opts ? ce->opts : "");
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, opts, ce->longopts, NULL)) !=
	    -1) {
		/* A long option's fault has optopt 0 (or its value). */
		if ((ch == '?' || ch == ':') && (optopt == 0 ||
		    (argv[optind - 1][0] == '-' && argv[optind - 1][1] == '-'))) {
			xm_error("xm %s: %s option %s", ce->name, ch == '?' ?
			    "unknown" : "a value is needed for",
			    argv[optind - 1]);
			return xm_usage(ce);
		}
		if (ch == '?') {
			xm_error("xm %s: unknown option -%c", ce->name, optopt);
			return xm_usage(ce);
		}
		if (ch == ':') {
			xm_error("xm %s: option -%c needs a value", ce->name,
			    optopt);
			return xm_usage(ce);
		}
	}
	nargs = argc - optind;
	if (nargs < ce->min_args || (ce->max_args >= 0 &&
	    nargs > ce->max_args)) {
		xm_error("xm %s: %s", ce->name, nargs < ce->min_args ?
		    "missing arguments" : "too many arguments");
		return xm_usage(ce);
	}
	optind = 1;
	return ce->exec(argc, argv);
}

int
main(int argc, char **argv)
{
	const struct cmd_entry	*ce;
	const char		*root = NULL;
	int			 i = 1;

	log_init("xm", 1, 0);
	/* Global options come before the command: --root DIR. */
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--root") == 0 && i + 1 < argc) {
			root = argv[i + 1];
			i += 2;
		} else if (strncmp(argv[i], "--root=", 7) == 0) {
			root = argv[i] + 7;
			i++;
		} else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			argv[i] = "help";
			break;
		} else {
			xm_error("unknown option %s", argv[i]);
			return 1;
		}
	}
	if (i == argc) {
		fprintf(stderr, "Usage: xm [--root DIR] <subcommand> [args]\n"
		    "'xm help' lists the subcommands.\n");
		return 1;
	}
	if (xvm_paths_init(root) == -1)
		return xm_error("cannot use root %s", root ? root : "");
	if ((ce = find_command(argv[i])) == NULL) {
		xm_error("'%s' is not an xm command; see 'xm help'", argv[i]);
		return 1;
	}
	return run(ce, argc - i, argv + i);
}
