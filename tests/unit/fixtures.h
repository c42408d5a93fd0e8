/*
 * Shared helpers for the cmocka unit tests.  Every tests/unit/test_*.c is
 * its own program, so this is a header of static inline functions (no .c
 * to link, no unused-function warnings).  Include it after the headers of
 * the modules under test:
 *
 *	#include "fixtures.h"
 *
 * A test that needs a store uses the setup/teardown pair:
 *
 *	cmocka_unit_test_setup_teardown(test_x, fx_setup, fx_teardown)
 *
 *	static void
 *	test_x(void **state)
 *	{
 *		struct fx *fx = *state;	   fx->dir, fx->db, fx->store
 *	}
 *
 * fx_setup makes a fresh directory under $TMPDIR (else /tmp) holding a
 * new store, unsets IPP_NOW, and fx_teardown removes the whole tree.
 * Helpers that cannot do their job fail the current test.
 */
#ifndef IPP_TEST_FIXTURES_H
#define IPP_TEST_FIXTURES_H

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "err.h"
#include "store.h"
#include "store_sqlite.h"

struct fx {
	char		*dir;		/* fresh temporary directory */
	char		*db;		/* dir/ipp.db */
	struct ipp_store *store;	/* open on db */
};

/* Fails the test unless haystack contains needle; shows both. */
#define fx_assert_contains(haystack, needle) do {			\
	const char *fx_h_ = (haystack), *fx_n_ = (needle);		\
	if (fx_h_ == NULL || strstr(fx_h_, fx_n_) == NULL)		\
		fail_msg("'%s' does not contain '%s'",			\
		    fx_h_ != NULL ? fx_h_ : "(null)", fx_n_);		\
} while (0)

/* Fails the test with the error text when rc is not IPP_OK. */
#define fx_assert_ok(rc, err) do {					\
	int fx_rc_ = (rc);						\
	if (fx_rc_ != IPP_OK)						\
		fail_msg("status %d: %s", fx_rc_,			\
		    (err) != NULL ? (err) : "(no message)");		\
} while (0)

/* Runs sql on the fixture's store; fails the test with SQLite's message. */
static inline void
fx_exec(struct ipp_store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(ipp_store_sqlite(s), sql, NULL, NULL, &msg) !=
	    SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

/* dir/name, malloc'd. */
static inline char *
fx_path(const char *dir, const char *name)
{
	char *p = ipp_strdup_printf("%s/%s", dir, name);

	assert_non_null(p);
	return p;
}

/* A new empty directory (mode 0700), malloc'd. */
static inline char *
fx_tempdir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	if (tmp == NULL || *tmp != '/')
		tmp = "/tmp";
	dir = ipp_strdup_printf("%s/ipp-test-XXXXXX", tmp);
	assert_non_null(dir);
	if (mkdtemp(dir) == NULL)
		fail_msg("mkdtemp '%s': %s", dir, strerror(errno));
	return dir;
}

static inline int
fx_rm_entry(const char *path, const struct stat *sb, int type,
    struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* rm -rf path (does not follow symbolic links). */
static inline void
fx_rmtree(const char *path)
{
	if (nftw(path, fx_rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 &&
	    errno != ENOENT)
		fail_msg("cannot remove '%s': %s", path, strerror(errno));
}

static int fx_nfiles;

static inline int
fx_count_entry(const char *path, const struct stat *sb, int type,
    struct FTW *ftw)
{
	if (type == FTW_F && S_ISREG(sb->st_mode) &&
	    strcmp(path + ftw->base, ".lock") != 0)
		fx_nfiles++;
	return 0;
}

/*
 * Regular files anywhere under dir but a lock file (docs/.lock); 0 when
 * dir does not exist.
 */
static inline int
fx_count_files(const char *dir)
{
	fx_nfiles = 0;
	if (nftw(dir, fx_count_entry, 16, FTW_PHYS) != 0 && errno != ENOENT)
		fail_msg("cannot walk '%s': %s", dir, strerror(errno));
	return fx_nfiles;
}

/* Writes len bytes of data to path (created 0600 or truncated). */
static inline void
fx_write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		fail_msg("cannot create '%s': %s", path, strerror(errno));
	if (len > 0 && write(fd, data, len) != (ssize_t)len)
		fail_msg("cannot write '%s': %s", path, strerror(errno));
	close(fd);
}

/*
 * Writes head, then zeros up to size bytes in all (a sparse tail, so a
 * 10 MiB file costs nothing).  size below the head's length is the head.
 */
static inline void
fx_write_padded(const char *path, const void *head, size_t len, off_t size)
{
	fx_write_file(path, head, len);
	if (size > (off_t)len && truncate(path, size) != 0)
		fail_msg("cannot extend '%s': %s", path, strerror(errno));
}

/* The smallest content libmagic calls application/pdf, image/png, image/jpeg. */
static const char fx_pdf[] = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"
    "trailer\n<<>>\n%%EOF\n";
static const unsigned char fx_png[] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
	0x00, 0x00, 0x00, 0x0d, 'I', 'H', 'D', 'R',
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde,
};
static const unsigned char fx_jpeg[] = {
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00,
	0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9,
};

static inline void
fx_write_pdf(const char *path)
{
	fx_write_file(path, fx_pdf, sizeof(fx_pdf) - 1);
}

/* A PNG of exactly size bytes (at least the 33-byte header). */
static inline void
fx_write_png(const char *path, off_t size)
{
	fx_write_padded(path, fx_png, sizeof(fx_png), size);
}

static inline void
fx_write_jpeg(const char *path)
{
	fx_write_file(path, fx_jpeg, sizeof(fx_jpeg));
}

/* Opens (creating) the store at path; fails the test on error. */
static inline struct ipp_store *
fx_store_open(const char *path)
{
	struct ipp_store *s;
	char *err = NULL;
	int rc = ipp_store_open(&s, path, IPP_STORE_CREATE, &err);

	fx_assert_ok(rc, err);
	free(err);
	return s;
}

/* The first column of the first row of sql, as an integer. */
static inline int64_t
fx_query_int(struct ipp_store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v;

	if (sqlite3_prepare_v2(ipp_store_sqlite(s), sql, -1, &st, NULL) !=
	    SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(ipp_store_sqlite(s)));
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		fail_msg("%s: no row", sql);
	}
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The first column of the first row of sql as text, malloc'd. */
static inline char *
fx_query_text(struct ipp_store *s, const char *sql)
{
	sqlite3_stmt *st;
	char *v;

	if (sqlite3_prepare_v2(ipp_store_sqlite(s), sql, -1, &st, NULL) !=
	    SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(ipp_store_sqlite(s)));
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		fail_msg("%s: no row", sql);
	}
	v = sqlite3_column_text(st, 0) != NULL ?
	    strdup((const char *)sqlite3_column_text(st, 0)) : NULL;
	sqlite3_finalize(st);
	assert_non_null(v);
	return v;
}

static inline int
fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	unsetenv("IPP_NOW");
	fx->dir = fx_tempdir();
	fx->db = fx_path(fx->dir, "ipp.db");
	fx->store = fx_store_open(fx->db);
	*state = fx;
	return 0;
}

static inline int
fx_teardown(void **state)
{
	struct fx *fx = *state;

	if (fx == NULL)
		return 0;
	ipp_store_close(fx->store);
	fx_rmtree(fx->dir);
	free(fx->db);
	free(fx->dir);
	free(fx);
	*state = NULL;
	return 0;
}

#endif
