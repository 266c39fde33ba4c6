/* One logging API for every program: stderr in the foreground, a file otherwise. */
#ifndef XVM_LIB_LOG_H
#define XVM_LIB_LOG_H

#include <stdarg.h>
#include <stddef.h>

#define LOG_PRINTF(f, a) __attribute__((format(printf, f, a)))

enum log_level {
	LOGL_FATAL = 0,
	LOGL_WARN,
	LOGL_INFO,
	LOGL_DEBUG,
};

/*
 * Set up logging for program 'name'.  foreground != 0 logs to stderr;
 * otherwise messages go to the file given to log_open_file(), or stderr
 * until one is opened.  verbose: 0 = warnings, 1 = info, 2+ = debug.
 */
void	log_init(const char *name, int foreground, int verbose);
void	log_setverbose(int verbose);
int	log_getverbose(void);

/*
 * Log also to 'path' (appended, created 0640; parent directories created).
 * In the foreground both stderr and the file get each line.  The path is
 * copied.  Returns 0 or -1 with errno.
 */
int	log_open_file(const char *path);

/* Reopen the log file after rotation (call from the SIGHUP handler). */
int	log_reopen(void);

/* Close the log file; later messages go to stderr only. */
void	log_close(void);

/* The program name given to log_init() (borrowed). */
const char *log_procname(void);

/*
 * Optional line formatter, used by a daemon whose log format is fixed by
 * history (xvmd writes xend.log's).  It writes one line, without the
 * newline, into buf; returns the length written (truncated at size-1).
 */
typedef int (*log_format_fn)(char *buf, size_t size, enum log_level level,
    const char *msg);
void	log_set_format(log_format_fn fn);

void	log_warn(const char *, ...) LOG_PRINTF(1, 2);	/* adds strerror(errno) */
void	log_warnx(const char *, ...) LOG_PRINTF(1, 2);
void	log_info(const char *, ...) LOG_PRINTF(1, 2);
void	log_debug(const char *, ...) LOG_PRINTF(1, 2);
void	vlog(enum log_level, const char *, va_list) LOG_PRINTF(2, 0);
_Noreturn void fatal(const char *, ...) LOG_PRINTF(1, 2);	/* adds strerror */
_Noreturn void fatalx(const char *, ...) LOG_PRINTF(1, 2);

#endif
