/* Internals shared by repo.c and repo_pg.c (not for other users). */
#ifndef XVM_SMF_REPO_IMPL_H
#define XVM_SMF_REPO_IMPL_H

#include <sqlite3.h>

struct repo {
	sqlite3		*db;
};

int		 repo_exec(struct repo *, const char *sql);
sqlite3_stmt	*repo_prepare(struct repo *, const char *sql);
int		 repo_step_done(sqlite3_stmt *);

#endif
