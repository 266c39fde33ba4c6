/* One logging API for every program: stderr in the foreground, a file otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/paths.h"

/*
 * A daemon's last words must not be lost when the disk holding its log
 * is full -- a full disk is when there is most to say.  The log file
 * keeps LOG_RESERVE bytes of blocks allocated past its end (fallocate,
 * FALLOC_FL_KEEP_SIZE), renewed every LOG_RESERVE / 2 bytes written;
 * once the disk is full, the lines still fit in what is left of it.  A
 * line that fails even so goes to stderr (the service log under SMF).
 */
#define LOG_RESERVE	(64 * 1024)

static struct {
	char		 name[64];
	int		 foreground;
	int		 verbose;
	int		 fd;		/* log file, or -1 */
	size_t		 since;		/* bytes written since the reserve */
	char		*path;
	log_format_fn	 format;
	pthread_mutex_t	 lock;
} L = {
	.name = "xvm",
	.foreground = 1,
	.fd = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

static const char *const level_names[] = {
	[LOGL_FATAL] = "fatal",
	[LOGL_WARN] = "warning",
	[LOGL_INFO] = "info",
	[LOGL_DEBUG] = "debug",
};

void
log_init(const char *name, int foreground, int verbose)
{
	const char *slash = strrchr(name, '/');

	snprintf(L.name, sizeof(L.name), "%s", slash ? slash + 1 : name);
	L.foreground = foreground;
	L.verbose = verbose;
}

void
log_setverbose(int verbose)
{
	L.verbose = verbose;
}

int
log_getverbose(void)
{
	return L.verbose;
}

const char *
log_procname(void)
{
	return L.name;
}

void
log_set_format(log_format_fn fn)
{
	L.format = fn;
}

static int
open_path(const char *path)
{
	char	*dir, *slash;
	int	 fd;

	if ((dir = strdup(path)) == NULL)
		return -1;
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (xvm_mkdirs(dir, 0755) == -1) {
			free(dir);
			return -1;
		}
	}
	free(dir);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	return fd;
}

/* With L.lock held. */
static void
reserve_ahead(void)
{
	struct stat	 st;

	if (L.fd == -1 || fstat(L.fd, &st) == -1)
		return;
	if (fallocate(L.fd, FALLOC_FL_KEEP_SIZE, st.st_size, LOG_RESERVE) == 0)
		L.since = 0;
	else
		L.since = LOG_RESERVE / 2 - 4096;	/* retry in 4 KiB */
}

int
log_open_file(const char *path)
{
	char	*copy;
	int	 fd;

	if ((copy = strdup(path)) == NULL)
		return -1;
	if ((fd = open_path(path)) == -1) {
		free(copy);
		return -1;
	}
	pthread_mutex_lock(&L.lock);
	if (L.fd != -1)
		close(L.fd);
	free(L.path);
	L.fd = fd;
	L.path = copy;
	reserve_ahead();
	pthread_mutex_unlock(&L.lock);
	return 0;
}

int
log_reopen(void)
{
	int	 fd, rc = 0;

	pthread_mutex_lock(&L.lock);
	if (L.path != NULL) {
		if ((fd = open_path(L.path)) == -1)
			rc = -1;
		else {
			close(L.fd);
			L.fd = fd;
			reserve_ahead();
		}
	}
	pthread_mutex_unlock(&L.lock);
	return rc;
}

void
log_close(void)
{
	pthread_mutex_lock(&L.lock);
	if (L.fd != -1)
		close(L.fd);
	L.fd = -1;
	free(L.path);
	L.path = NULL;
	pthread_mutex_unlock(&L.lock);
}

static int
default_format(char *buf, size_t size, enum log_level level, const char *msg)
{
	struct timespec	 ts;
	struct tm	 tm;
	char		 when[32];
	int		 n;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	n = snprintf(buf, size, "%s.%03ld %s[%ld]: %s%s%s", when,
	    ts.tv_nsec / 1000000, L.name, (long)getpid(),
	    level == LOGL_INFO || level == LOGL_DEBUG ? "" : level_names[level],
	    level == LOGL_INFO || level == LOGL_DEBUG ? "" : ": ", msg);
	return n;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void
vlog(enum log_level level, const char *fmt, va_list ap)
{
	char	 msg[2048], line[2304];
	int	 n, saved = errno;

	if ((int)level > L.verbose + 1 && level != LOGL_FATAL)
		goto out;
	vsnprintf(msg, sizeof(msg), fmt, ap);

	pthread_mutex_lock(&L.lock);
	if (L.foreground || L.fd == -1) {
		/* The terminal gets the short form, as a command-line tool. */
		n = snprintf(line, sizeof(line), "%s: %s\n", L.name, msg);
		if (n > (int)sizeof(line) - 1)
			n = (int)sizeof(line) - 1;
		(void)write_all(STDERR_FILENO, line, (size_t)n);
	}
	if (L.fd != -1) {
		n = (L.format ? L.format : default_format)(line,
		    sizeof(line) - 1, level, msg);
		if (n < 0)
			n = 0;
		if (n > (int)sizeof(line) - 2)
			n = (int)sizeof(line) - 2;
		line[n++] = '\n';
		if (write_all(L.fd, line, (size_t)n) == -1 && !L.foreground)
			(void)write_all(STDERR_FILENO, line, (size_t)n);
		if ((L.since += (size_t)n) >= LOG_RESERVE / 2)
			reserve_ahead();
	}
	pthread_mutex_unlock(&L.lock);
out:
	errno = saved;
}

static void LOG_PRINTF(2, 3)
logit(enum log_level level, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

/* Append strerror(err) to the formatted message. */
static void LOG_PRINTF(3, 0)
vlog_errno(enum log_level level, int err, const char *fmt, va_list ap)
{
	char	 msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	logit(level, "%s: %s", msg, strerror(err));
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 err = errno;

	va_start(ap, fmt);
	vlog_errno(LOGL_WARN, err, fmt, ap);
	va_end(ap);
	errno = err;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOGL_WARN, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOGL_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOGL_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 err = errno;

	va_start(ap, fmt);
	vlog_errno(LOGL_FATAL, err, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOGL_FATAL, fmt, ap);
	va_end(ap);
	exit(1);
}
