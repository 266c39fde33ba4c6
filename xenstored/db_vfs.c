/* An SQLite VFS that gathers the WAL writes of one commit into one write(2). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "xenstored/db_vfs.h"

/*
 * SQLite appends each WAL frame with two pwrite(2) calls (a 24-byte frame
 * header, then the page), so a commit of one node costs two system calls
 * and a 10-write transaction twenty or more.  This VFS wraps the default
 * one; for the WAL file it keeps contiguous writes in a buffer and hands
 * them to the kernel in one pwrite when db.c says the commit is complete
 * (db_vfs_flush), or before anything that must see them: a read, a sync,
 * a truncation, the file size, a non-contiguous write, closing.  Durability
 * against kill -9 needs the data in the kernel before the reply leaves,
 * which the flush at the commit frame guarantees.
 *
 * Two rules of the wrapped unix VFS shape the flush.  Its xWrite handles
 * at most 0x1ffff bytes per call (it masks the length to 17 bits: SQLite
 * itself never writes more than a 64 KiB page and its 24-byte header at
 * once), so a buffer is handed down in chunks of WRITE_MAX.  And a failed
 * write must fail the xWrite call that SQLite makes for the commit frame
 * (the last frame, whose header carries the database size): SQLite then
 * rolls the transaction back and keeps its WAL index as it was.  So the
 * buffer is flushed inside that call, not after COMMIT returns; an error
 * found only later would leave SQLite believing in frames that are not
 * in the file.
 *
 * Space.  Before a request changes anything, db.c asks db_vfs_reserve()
 * for room for what its commit may append; the WAL's blocks are
 * allocated ahead (fallocate, FALLOC_FL_KEEP_SIZE: the file's size, which
 * SQLite reads, does not change), so a full disk is found before the
 * request is applied -- an ENOSPC reply -- and not in the middle of a
 * commit.  Writes within the allocated blocks cannot fail for space.
 */
#define WBUF_CAP	(512 * 1024)
#define WRITE_MAX	(124 * 1024)
#define WAL_FRAME_HDR	24
#define RESERVE_AHEAD	(1024 * 1024)

struct wfile {
	sqlite3_file	 base;
	sqlite3_file	*real;		/* the wrapped file, right after us */
	char		*buf;		/* WAL only */
	size_t		 len;
	sqlite3_int64	 off;		/* file offset of buf[0] */
	int		 commit_frame;	/* the next write ends a commit */
	int		 rfd;		/* WAL: our fd for fallocate, or -1 */
	sqlite3_int64	 wend;		/* WAL: end of the last write */
	sqlite3_int64	 aend;		/* WAL: blocks allocated up to here */
};

static sqlite3_vfs	*under;
static sqlite3_vfs	 vfs;
static struct wfile	*the_wal;
static int		 registered;

#define REAL(f)		(((struct wfile *)(f))->real)
#define RM(f)		(REAL(f)->pMethods)

/* Hand a range down in pieces the unix VFS takes whole. */
static int
write_down(struct wfile *w, const char *p, size_t n, sqlite3_int64 off)
{
	size_t	 k;
	int	 rc = SQLITE_OK;

	for (; n > 0 && rc == SQLITE_OK; p += k, n -= k, off += (sqlite3_int64)k) {
		k = n < WRITE_MAX ? n : WRITE_MAX;
		rc = w->real->pMethods->xWrite(w->real, p, (int)k, off);
	}
	return rc;
}

static void
wrote(struct wfile *w, sqlite3_int64 end)
{
	w->wend = end;
	if (end > w->aend)
		w->aend = end;
}

static int
wflush(struct wfile *w)
{
	int	 rc;

	if (w->buf == NULL || w->len == 0)
		return SQLITE_OK;
	rc = write_down(w, w->buf, w->len, w->off);
	if (rc == SQLITE_OK)
		wrote(w, w->off + (sqlite3_int64)w->len);
	w->len = 0;
	return rc;
}

static int
x_close(sqlite3_file *f)
{
	struct wfile	*w = (struct wfile *)f;
	int		 rc = wflush(w), rc2;

	rc2 = RM(f)->xClose(w->real);
	if (the_wal == w)
		the_wal = NULL;
	if (w->rfd != -1)
		close(w->rfd);
	w->rfd = -1;
	free(w->buf);
	w->buf = NULL;
	return rc != SQLITE_OK ? rc : rc2;
}

static int
x_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	int	 rc;

	if ((rc = wflush((struct wfile *)f)) != SQLITE_OK)
		return rc;
	return RM(f)->xRead(REAL(f), p, n, off);
}

static int
x_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	struct wfile	*w = (struct wfile *)f;
	int		 rc;

	if (w->buf == NULL)
		return RM(f)->xWrite(w->real, p, n, off);
	if (w->len > 0 && (off != w->off + (sqlite3_int64)w->len ||
	    w->len + (size_t)n > WBUF_CAP)) {
		if ((rc = wflush(w)) != SQLITE_OK)
			return rc;
	}
	if ((size_t)n > WBUF_CAP) {
		if ((rc = write_down(w, p, (size_t)n, off)) == SQLITE_OK)
			wrote(w, off + n);
		return rc;
	}
	if (w->len == 0)
		w->off = off;
	memcpy(w->buf + w->len, p, (size_t)n);
	w->len += (size_t)n;
	/* The page after a commit frame's header completes the commit. */
	if (w->commit_frame) {
		w->commit_frame = 0;
		return wflush(w);
	}
	/* A frame header: page number, then the database size, nonzero
	 * only in a commit frame (big-endian, as every WAL field). */
	if (n == WAL_FRAME_HDR && (((const unsigned char *)p)[4] |
	    ((const unsigned char *)p)[5] | ((const unsigned char *)p)[6] |
	    ((const unsigned char *)p)[7]) != 0)
		w->commit_frame = 1;
	return SQLITE_OK;
}

static int
x_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	struct wfile	*w = (struct wfile *)f;
	int		 rc;

	if ((rc = wflush(w)) != SQLITE_OK)
		return rc;
	/* Truncation frees the blocks allocated past the new end too. */
	if (w->aend > size)
		w->aend = size;
	if (w->wend > size)
		w->wend = size;
	return RM(f)->xTruncate(REAL(f), size);
}

static int
x_sync(sqlite3_file *f, int flags)
{
	int	 rc;

	if ((rc = wflush((struct wfile *)f)) != SQLITE_OK)
		return rc;
	return RM(f)->xSync(REAL(f), flags);
}

static int
x_size(sqlite3_file *f, sqlite3_int64 *size)
{
	int	 rc;

	if ((rc = wflush((struct wfile *)f)) != SQLITE_OK)
		return rc;
	return RM(f)->xFileSize(REAL(f), size);
}

static int
x_lock(sqlite3_file *f, int l)
{
	return RM(f)->xLock(REAL(f), l);
}

static int
x_unlock(sqlite3_file *f, int l)
{
	return RM(f)->xUnlock(REAL(f), l);
}

static int
x_check(sqlite3_file *f, int *out)
{
	return RM(f)->xCheckReservedLock(REAL(f), out);
}

static int
x_fcntl(sqlite3_file *f, int op, void *arg)
{
	return RM(f)->xFileControl(REAL(f), op, arg);
}

static int
x_sector(sqlite3_file *f)
{
	return RM(f)->xSectorSize(REAL(f));
}

static int
x_devchar(sqlite3_file *f)
{
	return RM(f)->xDeviceCharacteristics(REAL(f));
}

static int
x_shmmap(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp)
{
	return RM(f)->xShmMap(REAL(f), pg, sz, ext, pp);
}

static int
x_shmlock(sqlite3_file *f, int off, int n, int flags)
{
	return RM(f)->xShmLock(REAL(f), off, n, flags);
}

static void
x_shmbarrier(sqlite3_file *f)
{
	RM(f)->xShmBarrier(REAL(f));
}

static int
x_shmunmap(sqlite3_file *f, int del)
{
	return RM(f)->xShmUnmap(REAL(f), del);
}

static int
x_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	int	 rc;

	if ((rc = wflush((struct wfile *)f)) != SQLITE_OK)
		return rc;
	return RM(f)->xFetch(REAL(f), off, n, pp);
}

static int
x_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return RM(f)->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods methods = {
	3, x_close, x_read, x_write, x_truncate, x_sync, x_size, x_lock,
	x_unlock, x_check, x_fcntl, x_sector, x_devchar, x_shmmap, x_shmlock,
	x_shmbarrier, x_shmunmap, x_fetch, x_unfetch,
};

/*
 * Our own descriptor of the WAL, for fallocate only (SQLite's is not
 * ours to reach).  It never holds a lock, so closing it cannot drop one
 * of SQLite's (POSIX locks belong to the process and the inode).  Where
 * it cannot be had, there is no reservation: a full disk then shows as
 * a failed commit, which db.c also survives.
 */
static void
wal_track(struct wfile *w, const char *name)
{
	struct stat	 st;

	/* Tests of the failed-commit path run without the reservation. */
	if (getenv("XENSTORED_NO_RESERVE") != NULL)
		return;
	if (name == NULL ||
	    (w->rfd = open(name, O_RDWR | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return;
	if (fstat(w->rfd, &st) == -1) {
		close(w->rfd);
		w->rfd = -1;
		return;
	}
	/* Until SQLite writes, assume it appends at the end. */
	w->wend = w->aend = st.st_size;
}

static int
x_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags,
    int *outflags)
{
	struct wfile	*w = (struct wfile *)f;
	int		 rc;

	(void)v;
	memset(w, 0, sizeof(*w));
	w->rfd = -1;
	w->real = (sqlite3_file *)(w + 1);
	rc = under->xOpen(under, name, w->real, flags, outflags);
	if (rc != SQLITE_OK || w->real->pMethods == NULL) {
		f->pMethods = NULL;
		return rc;
	}
	/* The wrapped file must offer what we forward. */
	if (w->real->pMethods->iVersion < 3) {
		w->real->pMethods->xClose(w->real);
		f->pMethods = NULL;
		return SQLITE_CANTOPEN;
	}
	if ((flags & SQLITE_OPEN_WAL) &&
	    (w->buf = malloc(WBUF_CAP)) != NULL) {
		the_wal = w;
		wal_track(w, name);
	}
	f->pMethods = &methods;
	return SQLITE_OK;
}

int
db_vfs_register(void)
{
	if (registered)
		return 0;
	if ((under = sqlite3_vfs_find(NULL)) == NULL)
		return -1;
	vfs = *under;
	vfs.iVersion = under->iVersion < 3 ? under->iVersion : 3;
	vfs.szOsFile = (int)sizeof(struct wfile) + under->szOsFile;
	vfs.zName = "xsd-wal";
	vfs.pNext = NULL;
	vfs.xOpen = x_open;
	if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK)
		return -1;
	registered = 1;
	return 0;
}

const char *
db_vfs_name(void)
{
	return "xsd-wal";
}

int
db_vfs_reserve(uint64_t bytes)
{
	struct wfile	*w = the_wal;
	sqlite3_int64	 need, ahead;

	if (w == NULL || w->rfd == -1)
		return 0;
	if (bytes > INT64_MAX / 4)
		bytes = INT64_MAX / 4;
	need = w->wend + (sqlite3_int64)bytes;
	if (need <= w->aend)
		return 0;
	/* Room ahead saves a call per commit; on a full disk, just enough. */
	ahead = need + RESERVE_AHEAD - w->aend;
	if (fallocate(w->rfd, FALLOC_FL_KEEP_SIZE, w->aend, ahead) == 0) {
		w->aend += ahead;
		return 0;
	}
	if (errno == ENOSPC || errno == EDQUOT) {
		if (fallocate(w->rfd, FALLOC_FL_KEEP_SIZE, w->aend,
		    need - w->aend) == 0) {
			w->aend = need;
			return 0;
		}
		if (errno == ENOSPC || errno == EDQUOT) {
			errno = ENOSPC;
			return -1;
		}
	}
	/* No fallocate here (EOPNOTSUPP, ...): no reservation either. */
	close(w->rfd);
	w->rfd = -1;
	return 0;
}

int
db_vfs_flush(void)
{
	if (the_wal == NULL)
		return 0;
	return wflush(the_wal) == SQLITE_OK ? 0 : -1;
}
