/* Reader for xm/xl domain configuration files: Python-style assignments. */
#ifndef XVM_XVMD_CFGFILE_H
#define XVM_XVMD_CFGFILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The grammar (xmdomain.cfg(5)):
 *
 *	file   := { stmt }
 *	stmt   := NAME '=' value (';' | newline | end of file)
 *	value  := STRING | INTEGER | True | False | '[' [ value { ',' value } [','] ] ']'
 *
 * Strings are '...' or "..." with \\ \' \" \n \t escapes; integers are
 * decimal or 0x hex with an optional '-'; '#' starts a comment; newlines
 * inside brackets and after a backslash are ignored.  A key set twice is
 * an error (xm files are Python, where the second would silently win).
 */

#define CFG_MAX_FILE	(1024 * 1024)
#define CFG_MAX_STRING	4096
#define CFG_MAX_LIST	256
#define CFG_MAX_DEPTH	4
#define CFG_MAX_KEY	64

enum cfg_type {
	CFG_INT,
	CFG_STR,
	CFG_LIST,
};

struct cfg_value {
	enum cfg_type		 type;
	int			 line;
	size_t			 off, end;	/* its bytes in the text */
	int64_t			 i;		/* CFG_INT (True = 1) */
	char			*s;		/* CFG_STR */
	struct cfg_value	*items;		/* CFG_LIST */
	size_t			 nitems;
};

struct cfg_entry {
	char			*key;
	int			 line;
	struct cfg_value	 value;
};

struct cfg_file {
	char			*name;		/* for messages */
	struct cfg_entry	*entries;
	size_t			 nentries;
};

/*
 * Parse 'len' bytes of text; 'name' is used in messages.  Returns a tree
 * owned by the caller (cfg_free), or NULL with *cause set (owned by the
 * caller) to "name:line: reason".  Never exits.
 */
struct cfg_file *cfg_parse(const char *name, const char *text, size_t len,
	    char **cause);
void	 cfg_free(struct cfg_file *);

/* The entry for key, or NULL (borrowed). */
const struct cfg_entry *cfg_find(const struct cfg_file *, const char *key);

/* "string", "integer" or "list". */
const char *cfg_type_name(enum cfg_type);

#endif
