/* An SQLite VFS that gathers the WAL writes of one commit into one write(2). */
#ifndef XSD_DB_VFS_H
#define XSD_DB_VFS_H

#include <stdint.h>

/*
 * Register the VFS "xsd-wal" (once; wraps the default VFS).  Returns 0 or
 * -1.  Open the database with it, then call db_vfs_flush() after every
 * COMMIT: only then are the commit's WAL frames handed to the kernel.
 */
int	 db_vfs_register(void);
const char *db_vfs_name(void);

/*
 * Make sure the WAL can grow by 'bytes' past its last write without
 * running out of disk: 0, or -1 with errno ENOSPC (nothing reserved).
 * Without fallocate support this always succeeds.
 */
int	 db_vfs_reserve(uint64_t bytes);

/*
 * Write out buffered WAL data (normally there is none after a COMMIT:
 * the commit frame flushes).  Returns 0, or -1 (an I/O error).
 */
int	 db_vfs_flush(void);

#endif
