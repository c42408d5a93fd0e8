/*
 * shim_vfs: an SQLite VFS over the default one that fails the N-th
 * write, sync or truncate, for the I/O-fault item of make torture
 * (tests/torture/iofault.sh), after the idea of SQLite's test_vfs.c: the
 * real binaries run their operation once for every N, and the store must
 * come out intact, the operation whole or absent.
 *
 * A shared object loaded with LD_PRELOAD into the real binaries; its
 * constructor registers the shim as the default VFS, so every database,
 * journal and WAL file the process opens goes through it.  The shim
 * forwards everything to the VFS it wraps ("unix"), counting the calls
 * to xWrite, xSync and xTruncate of every file.
 * Environment:
 *	IPP_VFS_FAIL=N		fail the N-th such call (0: count only)
 *	IPP_VFS_KIND=ioerr	with SQLITE_IOERR_WRITE, _FSYNC or _TRUNCATE,
 *				that one call only (a transient error)
 *	IPP_VFS_KIND=full	with SQLITE_FULL, that call and every write
 *				and truncate after it (the disk stays full;
 *				syncs go on working)
 *	IPP_VFS_REPORT=FILE	at exit, "COUNT FAILED\n" to FILE
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

struct shim_file {
	sqlite3_file	 base;		/* first: what SQLite sees */
	sqlite3_file	*real;		/* the wrapped VFS's file */
};

static sqlite3_vfs	*real_vfs;
static sqlite3_vfs	 shim_vfs;
static sqlite3_io_methods shim_io;
static unsigned long	 fail_at;	/* 0: never */
static int		 full;		/* SQLITE_FULL, and it stays full */
static unsigned long	 count;		/* writes, syncs and truncates */
static unsigned long	 failed;	/* faults injected */
static const char	*report;

/* The status to return instead of doing the call, or SQLITE_OK. */
static int
fault(int ioerr, int is_sync)
{
	count++;
	if (fail_at == 0 || count < fail_at)
		return SQLITE_OK;
	if (count == fail_at) {
		failed++;
		return full ? SQLITE_FULL : ioerr;
	}
	if (full && !is_sync) {
		failed++;
		return SQLITE_FULL;
	}
	return SQLITE_OK;
}

#define REAL(f)	(((struct shim_file *)(f))->real)

static int
x_close(sqlite3_file *f)
{
	int rc = REAL(f)->pMethods->xClose(REAL(f));

	sqlite3_free(REAL(f));
	return rc;
}

static int
x_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int
x_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	int rc;

	if ((rc = fault(SQLITE_IOERR_WRITE, 0)) != SQLITE_OK)
		return rc;
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int
x_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	int rc;

	if ((rc = fault(SQLITE_IOERR_TRUNCATE, 0)) != SQLITE_OK)
		return rc;
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
x_sync(sqlite3_file *f, int flags)
{
	int rc;

	if ((rc = fault(SQLITE_IOERR_FSYNC, 1)) != SQLITE_OK)
		return rc;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
x_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
x_lock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int
x_unlock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int
x_check_reserved_lock(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
x_file_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
x_sector_size(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
x_device_characteristics(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
x_shm_map(sqlite3_file *f, int page, int size, int extend,
    void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), page, size, extend, pp);
}

static int
x_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void
x_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
x_shm_unmap(sqlite3_file *f, int delete_flag)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), delete_flag);
}

static int
x_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}

static int
x_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static int
x_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out_flags)
{
	struct shim_file *sf = (struct shim_file *)f;
	int rc;

	sf->base.pMethods = NULL;
	if ((sf->real = sqlite3_malloc(real_vfs->szOsFile)) == NULL)
		return SQLITE_NOMEM;
	memset(sf->real, 0, (size_t)real_vfs->szOsFile);
	rc = real_vfs->xOpen(real_vfs, name, sf->real, flags, out_flags);
	if (sf->real->pMethods == NULL) {
		sqlite3_free(sf->real);
		return rc;
	}
	/* Version 3 methods, as the unix VFS has: WAL and mmap included. */
	sf->base.pMethods = &shim_io;
	return rc;
}

static int
x_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int
x_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int
x_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static int
x_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int
x_sleep(sqlite3_vfs *vfs, int us)
{
	return real_vfs->xSleep(real_vfs, us);
}

static int
x_current_time(sqlite3_vfs *vfs, double *t)
{
	return real_vfs->xCurrentTime(real_vfs, t);
}

static int
x_get_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	return real_vfs->xGetLastError(real_vfs, n, out);
}

static int
x_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *t)
{
	return real_vfs->xCurrentTimeInt64(real_vfs, t);
}

static void
put_ulong(char *buf, size_t *len, unsigned long v)
{
	char digits[24];
	size_t n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		buf[(*len)++] = digits[--n];
}

__attribute__((constructor)) static void
shim_start(void)
{
	const char *s;

	if ((real_vfs = sqlite3_vfs_find(NULL)) == NULL)
		return;
	if ((s = getenv("IPP_VFS_FAIL")) != NULL)
		fail_at = strtoul(s, NULL, 10);
	full = (s = getenv("IPP_VFS_KIND")) != NULL && strcmp(s, "full") == 0;
	report = getenv("IPP_VFS_REPORT");

	shim_io.iVersion = 3;
	shim_io.xClose = x_close;
	shim_io.xRead = x_read;
	shim_io.xWrite = x_write;
	shim_io.xTruncate = x_truncate;
	shim_io.xSync = x_sync;
	shim_io.xFileSize = x_file_size;
	shim_io.xLock = x_lock;
	shim_io.xUnlock = x_unlock;
	shim_io.xCheckReservedLock = x_check_reserved_lock;
	shim_io.xFileControl = x_file_control;
	shim_io.xSectorSize = x_sector_size;
	shim_io.xDeviceCharacteristics = x_device_characteristics;
	shim_io.xShmMap = x_shm_map;
	shim_io.xShmLock = x_shm_lock;
	shim_io.xShmBarrier = x_shm_barrier;
	shim_io.xShmUnmap = x_shm_unmap;
	shim_io.xFetch = x_fetch;
	shim_io.xUnfetch = x_unfetch;

	shim_vfs.iVersion = 2;
	shim_vfs.szOsFile = (int)sizeof(struct shim_file);
	shim_vfs.mxPathname = real_vfs->mxPathname;
	shim_vfs.zName = "ipp-torture";
	shim_vfs.xOpen = x_open;
	shim_vfs.xDelete = x_delete;
	shim_vfs.xAccess = x_access;
	shim_vfs.xFullPathname = x_full_pathname;
	shim_vfs.xDlOpen = real_vfs->xDlOpen;
	shim_vfs.xDlError = real_vfs->xDlError;
	shim_vfs.xDlSym = real_vfs->xDlSym;
	shim_vfs.xDlClose = real_vfs->xDlClose;
	shim_vfs.xRandomness = x_randomness;
	shim_vfs.xSleep = x_sleep;
	shim_vfs.xCurrentTime = x_current_time;
	shim_vfs.xGetLastError = x_get_last_error;
	shim_vfs.xCurrentTimeInt64 = x_current_time_int64;
	sqlite3_vfs_register(&shim_vfs, 1);
}

__attribute__((destructor)) static void
shim_stop(void)
{
	char buf[64];
	size_t len = 0;
	int fd;

	if (report == NULL || *report == '\0')
		return;
	put_ulong(buf, &len, count);
	buf[len++] = ' ';
	put_ulong(buf, &len, failed);
	buf[len++] = '\n';
	if ((fd = open(report, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) >= 0) {
		if (write(fd, buf, len) != (ssize_t)len)
			_exit(125);
		close(fd);
	}
}
