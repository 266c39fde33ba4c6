/* svccfg(8) internals: the selected entity and the subcommand table. */
#ifndef XVM_SMF_SVCCFG_H
#define XVM_SMF_SVCCFG_H

#include <stdint.h>

#include "smf/fmri.h"
#include "smf/repo.h"

struct svccfg {
	struct repo	*repo;
	int		 selected;	/* -s given */
	struct repo_ent	 ent;		/* the editing view of it */
	char		 fmri[FMRI_MAX];
	char		 svc[FMRI_SVC_MAX];
	char		 inst[FMRI_INST_MAX];	/* "" for a service */
};

struct svccfg_cmd {
	const char	*name;
	const char	*usage;
	int		 needs_entity;
	int		 min_args;
	int		 max_args;	/* or SVCCFG_ANY */
	int		 (*fn)(struct svccfg *, int argc, char **argv);
};

#define SVCCFG_ANY	(-1)

/* NULL-terminated table (svccfg_cmds.c). */
extern const struct svccfg_cmd svccfg_cmds[];

/* Tell svc.startd to re-read the repository (quietly if not running). */
void	 svccfg_reload(void);

/* svccfg export: the entity as a service_bundle (svccfg_export.c). */
int	 svccfg_export(struct svccfg *, const char *pattern);

#endif
