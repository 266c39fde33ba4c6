/* svccfg(8): import, export and modify service configurations. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "smf/client.h"
#include "smf/fmri.h"
#include "smf/proto.h"
#include "smf/repo.h"
#include "smf/smf.h"
#include "smf/svccfg.h"

static void
usage(void)
{
	const struct svccfg_cmd	*c;

	fprintf(stderr, "Usage: svccfg [-s FMRI] [subcommand "
	    "[args...]]\n\nSubcommands:\n");
	for (c = svccfg_cmds; c->name != NULL; c++)
		fprintf(stderr, "\t%s\n", c->usage);
	exit(2);
}

void
svccfg_reload(void)
{
	char	*msg = NULL;

	if (smf_cmd_call(CTL_RELOAD, 0, NULL, &msg) >= 0)
		free(msg);
}

/* -s: a service ("xvm/xend", "svc:/a/b") or an instance ("...:default"). */
static int
select_entity(struct svccfg *sc, const char *pattern)
{
	struct repo_inst *all = NULL;
	char		**svcs = NULL;
	size_t		 nall = 0, nsvc = 0, i, idx[2], n = 0;
	int64_t		 sid = -1;
	int		 rc = -1;

	if (strchr(pattern + (strncmp(pattern, "svc:", 4) == 0 ? 4 : 0),
	    ':') != NULL) {
		if (repo_instances(sc->repo, &all, &nall) == -1)
			goto out;
		n = smf_match(pattern, all, nall, idx, 2);
		if (n == 1) {
			strlcpy(sc->svc, all[idx[0]].svc, sizeof(sc->svc));
			strlcpy(sc->inst, all[idx[0]].inst, sizeof(sc->inst));
			sc->ent = repo_ent_inst(all[idx[0]].svc_id,
			    all[idx[0]].id, SMF_SNAP_EDIT);
		}
	} else {
		if (repo_services(sc->repo, &svcs, &nsvc) == -1)
			goto out;
		for (i = 0; i < nsvc; i++)
			if (fmri_match_service(pattern, svcs[i])) {
				if (n++ == 0)
					strlcpy(sc->svc, svcs[i],
					    sizeof(sc->svc));
			}
		if (n == 1 && (sid = repo_service(sc->repo, sc->svc, 0)) != -1)
			sc->ent = repo_ent_svc(sid, SMF_SNAP_EDIT);
		sc->inst[0] = '\0';
	}
	if (n == 0)
		log_warnx("Pattern '%s' doesn't match any entities", pattern);
	else if (n > 1)
		log_warnx("Pattern '%s' matches multiple entities", pattern);
	else {
		fmri_format(sc->fmri, sizeof(sc->fmri), sc->svc, sc->inst);
		sc->selected = 1;
		rc = 0;
	}
out:
	repo_insts_free(all, nall);
	for (i = 0; i < nsvc; i++)
		free(svcs[i]);
	free(svcs);
	return rc;
}

/* Run one subcommand (argv[0] is its name); its exit status. */
static int
run(struct svccfg *sc, int argc, char **argv)
{
	const struct svccfg_cmd	*c;

	if (strcmp(argv[0], "select") == 0) {
		if (argc != 2) {
			fprintf(stderr, "Usage: svccfg select {FMRI | "
			    "pattern}\n");
			return 2;
		}
		sc->selected = 0;
		return select_entity(sc, argv[1]) == -1 ? 1 : 0;
	}
	if (strcmp(argv[0], "unselect") == 0) {
		sc->selected = 0;
		return 0;
	}
	for (c = svccfg_cmds; c->name != NULL; c++)
		if (strcmp(c->name, argv[0]) == 0)
			break;
	if (c->name == NULL) {
		log_warnx("Unknown command \"%s\".", argv[0]);
		return 2;
	}
	if (argc - 1 < c->min_args ||
	    (c->max_args != SVCCFG_ANY && argc - 1 > c->max_args)) {
		fprintf(stderr, "Usage: svccfg %s\n", c->usage);
		return 2;
	}
	if (c->needs_entity && !sc->selected) {
		log_warnx("%s: no entity selected (use -s FMRI or select)",
		    c->name);
		return 1;
	}
	return c->fn(sc, argc - 1, argv + 1);
}

/*
 * Split a command line as svccfg's lexer does: blanks separate words,
 * single or double quotes group them, a backslash escapes one character,
 * '(' and ')' outside quotes are words of their own, '#' starts a comment.
 * Words are written to buf (at least 2 * strlen(line) + 2 bytes) and
 * point into it.  -1 on an unterminated quote or too many words.
 */
static int
split(const char *line, char *buf, char **argv, int max)
{
	const char	*r = line;
	char		*w = buf, q = 0, c;
	int		 argc = 0, inword = 0;

	for (;; r++) {
		c = *r;
		if (c == '\0' || (!q && (c == ' ' || c == '\t' ||
		    c == '\n' || (c == '#' && !inword)))) {
			if (inword) {
				*w++ = '\0';
				inword = 0;
			}
			if (c == '\0' || c == '#')
				break;
			continue;
		}
		if (!q && (c == '(' || c == ')')) {
			/* A value list's brackets are words of their own. */
			if (inword) {
				*w++ = '\0';
				inword = 0;
			}
			if (argc == max)
				return -1;
			argv[argc++] = w;
			*w++ = c;
			*w++ = '\0';
			continue;
		}
		if (!inword) {
			if (argc == max)
				return -1;
			argv[argc++] = w;
			inword = 1;
		}
		if (q && c == q)
			q = 0;
		else if (!q && (c == '"' || c == '\''))
			q = c;
		else if (c == '\\' && r[1] != '\0')
			*w++ = *++r;
		else
			*w++ = c;
	}
	if (q)
		return -1;
	return argc;
}

/* -f file, or commands on standard input: one per line. */
static int
run_file(struct svccfg *sc, FILE *f, const char *name)
{
	char	*line = NULL, *buf, *argv[64];
	size_t	 cap = 0;
	int	 argc, rc = 0, lineno = 0, st;

	while (getline(&line, &cap, f) != -1) {
		lineno++;
		buf = xmalloc(2 * strlen(line) + 2);
		if ((argc = split(line, buf, argv, 64)) == -1) {
			log_warnx("%s:%d: unterminated quote or too many "
			    "words", name, lineno);
			rc = 1;
			free(buf);
			continue;
		}
		if (argc == 0) {
			free(buf);
			continue;
		}
		if (strcmp(argv[0], "end") == 0 || strcmp(argv[0], "exit") == 0 ||
		    strcmp(argv[0], "quit") == 0) {
			free(buf);
			break;
		}
		if ((st = run(sc, argc, argv)) != 0) {
			log_warnx("%s:%d: %s failed", name, lineno, argv[0]);
			rc = 1;
		}
		free(buf);
	}
	free(line);
	return rc;
}

/*
 * A command on svccfg's own command line goes through the same lexer as a
 * line of a file, as in Solaris: the words are joined with blanks and
 * split again, so `setprop pg/p = astring: '"abc def"'` stores abc def
 * (one value, without the quotes) and `'("a b" c)'` two values.
 */
static int
run_args(struct svccfg *sc, int argc, char **argv)
{
	char	*line, *buf, *words[64];
	size_t	 len = 0;
	int	 i, n, rc;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	line = xcalloc(1, len + 1);
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strlcat(line, " ", len + 1);
		strlcat(line, argv[i], len + 1);
	}
	buf = xmalloc(2 * len + 2);
	if ((n = split(line, buf, words, 64)) <= 0) {
		log_warnx("%s", n == 0 ? "no command" :
		    "unterminated quote or too many words");
		free(line);
		free(buf);
		return 1;
	}
	rc = run(sc, n, words);
	free(line);
	free(buf);
	return rc;
}

int
main(int argc, char **argv)
{
	struct svccfg	 sc;
	const char	*sel = NULL, *file = NULL;
	FILE		*f;
	int		 ch, rc;

	smf_cmd_init("svccfg", &argc, argv);
	while ((ch = getopt(argc, argv, "+s:f:")) != -1) {
		switch (ch) {
		case 's':
			sel = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (file != NULL && argc > 0)
		usage();
	memset(&sc, 0, sizeof(sc));
	sc.repo = smf_cmd_repo(1);
	if (sel != NULL && select_entity(&sc, sel) == -1) {
		repo_close(sc.repo);
		exit(1);
	}
	if (argc > 0)
		rc = run_args(&sc, argc, argv);
	else if (file != NULL && strcmp(file, "-") != 0) {
		if ((f = fopen(file, "r")) == NULL) {
			log_warn("%s", file);
			rc = 1;
		} else {
			rc = run_file(&sc, f, file);
			fclose(f);
		}
	} else
		rc = run_file(&sc, stdin, "(stdin)");
	repo_close(sc.repo);
	return rc;
}
