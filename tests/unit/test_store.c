/* Unit tests for lib/store.c: creation, configuration, paths, statements. */
#include <sys/stat.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "tsv.h"
#include "fixtures.h"
#include "banned.h"

static int
pragma_int(struct ipp_store *s, const char *sql)
{
	return (int)fx_query_int(s, sql);
}

/* Created in new directories: 0700 each, the file 0600. */
static void
test_create_modes(void **state)
{
	struct ipp_store *s;
	struct stat sb;
	char *top = fx_tempdir(), *a = fx_path(top, "a"),
	    *b = fx_path(top, "a/b"), *db = fx_path(top, "a/b/ipp.db");
	char *err = NULL;
	mode_t old = umask(0);

	fx_assert_ok(ipp_store_open(&s, db, IPP_STORE_CREATE, &err), err);
	umask(old);
	assert_int_equal(stat(a, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	assert_int_equal(stat(b, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	assert_int_equal(stat(db, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_string_equal(ipp_store_file(s), db);
	assert_string_equal(ipp_store_dir(s), b);
	ipp_store_close(s);
	fx_rmtree(top);
	free(db);
	free(b);
	free(a);
	free(top);
}

static void
test_configuration(void **state)
{
	struct fx *fx = *state;
	sqlite3 *db = ipp_store_sqlite(fx->store);
	char *mode;
	int on = -1;

	mode = fx_query_text(fx->store, "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	free(mode);
	assert_int_equal(pragma_int(fx->store, "PRAGMA user_version"),
	    ipp_schema_latest());
	assert_int_equal(ipp_store_version(fx->store), ipp_schema_latest());
	assert_true(ipp_schema_latest() >= 1);
	assert_int_equal(pragma_int(fx->store, "PRAGMA foreign_keys"), 1);
	assert_int_equal(pragma_int(fx->store, "PRAGMA trusted_schema"), 0);
	assert_int_equal(sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1,
	    &on), SQLITE_OK);
	assert_int_equal(on, 1);
}

/* Foreign keys are enforced, not just declared. */
static void
test_foreign_keys_enforced(void **state)
{
	struct fx *fx = *state;
	char *err = NULL;

	assert_int_equal(ipp_store_exec(fx->store, "INSERT INTO tokens"
	    " (token_hash, account_id, kind, created_at)"
	    " VALUES ('x', 999, 'api', '2026-01-31T09:00:00Z')", &err),
	    IPP_ESTORE);
	fx_assert_contains(err, "FOREIGN KEY");
	free(err);
}

static void
test_reopen_without_create(void **state)
{
	struct fx *fx = *state;
	struct ipp_store *again;
	char *err = NULL, *mode;

	fx_assert_ok(ipp_store_exec(fx->store, "UPDATE settings SET value ="
	    " 'x@example.com' WHERE name = 'mail_from'", &err), err);
	ipp_store_close(fx->store);
	fx->store = NULL;
	fx_assert_ok(ipp_store_open(&again, fx->db, 0, &err), err);
	fx->store = again;
	mode = fx_query_text(again, "SELECT value FROM settings"
	    " WHERE name = 'mail_from'");
	assert_string_equal(mode, "x@example.com");
	free(mode);
	assert_int_equal(ipp_store_version(again), ipp_schema_latest());
	assert_int_equal(pragma_int(again, "PRAGMA foreign_keys"), 1);
	mode = fx_query_text(again, "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	free(mode);
}

static void
test_missing_without_create(void **state)
{
	struct fx *fx = *state;
	struct ipp_store *s = (struct ipp_store *)1;
	struct stat sb;
	char *db = fx_path(fx->dir, "none/ipp.db"), *err = NULL;
	char *dir = fx_path(fx->dir, "none");

	assert_int_equal(ipp_store_open(&s, db, 0, &err), IPP_ESTORE);
	assert_null(s);
	fx_assert_contains(err, db);
	fx_assert_contains(err, "ipp-register init");
	/* Nothing is created by a failed open. */
	assert_int_not_equal(stat(dir, &sb), 0);
	free(err);
	free(dir);
	free(db);
}

/* An empty file (touch) counts as no store, and CREATE fills it. */
static void
test_empty_file(void **state)
{
	struct fx *fx = *state;
	struct ipp_store *s;
	char *db = fx_path(fx->dir, "empty.db"), *err = NULL;

	fx_write_file(db, "", 0);
	assert_int_equal(ipp_store_open(&s, db, 0, &err), IPP_ESTORE);
	fx_assert_contains(err, "init");
	fx_assert_ok(ipp_store_open(&s, db, IPP_STORE_CREATE, &err), err);
	assert_int_equal(ipp_store_version(s), ipp_schema_latest());
	ipp_store_close(s);
	free(err);
	free(db);
}

/* A store from a newer ipp is refused, not migrated down. */
static void
test_newer_schema_refused(void **state)
{
	struct fx *fx = *state;
	struct ipp_store *s;
	char *err = NULL, sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d",
	    ipp_schema_latest() + 1);
	fx_assert_ok(ipp_store_exec(fx->store, sql, &err), err);
	assert_int_equal(ipp_store_open(&s, fx->db, 0, &err), IPP_ESTORE);
	assert_null(s);
	fx_assert_contains(err, "upgrade ipp");
	free(err);
}

/* Saves an environment variable so a test can change it. */
struct saved_env {
	const char	*name;
	char		*value;		/* NULL when unset */
};

static void
save_env(struct saved_env *e, const char *name)
{
	const char *v = getenv(name);

	e->name = name;
	e->value = v != NULL ? strdup(v) : NULL;
}

static void
restore_env(struct saved_env *e)
{
	if (e->value != NULL)
		setenv(e->name, e->value, 1);
	else
		unsetenv(e->name);
	free(e->value);
}

static void
expect_path(const char *explicit, const char *want)
{
	char *path = NULL, *err = NULL;

	fx_assert_ok(ipp_store_path(&path, explicit, &err), err);
	assert_string_equal(path, want);
	free(path);
}

/* -d, then IPP_DB, then $XDG_DATA_HOME/ipp, then ~/.local/share/ipp. */
static void
test_path_precedence(void **state)
{
	struct saved_env env[3];
	char *path = (char *)1, *err = NULL;
	int i;

	save_env(&env[0], "IPP_DB");
	save_env(&env[1], "XDG_DATA_HOME");
	save_env(&env[2], "HOME");
	setenv("IPP_DB", "/env/db", 1);
	setenv("XDG_DATA_HOME", "/xdg", 1);
	setenv("HOME", "/home/u", 1);
	expect_path("/explicit.db", "/explicit.db");
	expect_path(NULL, "/env/db");
	setenv("IPP_DB", "", 1);
	expect_path(NULL, "/xdg/ipp/ipp.db");
	unsetenv("IPP_DB");
	expect_path(NULL, "/xdg/ipp/ipp.db");
	/* The XDG spec ignores a relative XDG_DATA_HOME. */
	setenv("XDG_DATA_HOME", "relative", 1);
	expect_path(NULL, "/home/u/.local/share/ipp/ipp.db");
	unsetenv("XDG_DATA_HOME");
	expect_path(NULL, "/home/u/.local/share/ipp/ipp.db");
	unsetenv("HOME");
	expect_path("rel.db", "rel.db");
	assert_int_equal(ipp_store_path(&path, NULL, &err), IPP_EUSAGE);
	assert_null(path);
	fx_assert_contains(err, "IPP_DB");
	fx_assert_contains(err, "-d");
	free(err);
	for (i = 0; i < 3; i++)
		restore_env(&env[i]);
}

static void
test_rollback_leaves_nothing(void **state)
{
	struct fx *fx = *state;
	char *err = NULL;
	int64_t before = fx_query_int(fx->store,
	    "SELECT count(*) FROM documents");

	assert_int_equal(before, 0);
	fx_assert_ok(ipp_store_begin(fx->store, &err), err);
	assert_int_equal(sqlite3_get_autocommit(ipp_store_sqlite(fx->store)), 0);
	fx_assert_ok(ipp_store_exec(fx->store, "INSERT INTO documents VALUES"
	    " ('ab', 'image/png', 1, '2026-01-31T09:00:00Z')", &err), err);
	fx_assert_ok(ipp_store_exec(fx->store, "UPDATE settings SET value ="
	    " '99' WHERE name = 'code_ttl_minutes'", &err), err);
	assert_int_equal(fx_query_int(fx->store,
	    "SELECT count(*) FROM documents"), 1);
	ipp_store_rollback(fx->store);
	assert_int_not_equal(sqlite3_get_autocommit(ipp_store_sqlite(fx->store)),
	    0);
	assert_int_equal(fx_query_int(fx->store,
	    "SELECT count(*) FROM documents"), 0);
	assert_int_equal(fx_query_int(fx->store, "SELECT value FROM settings"
	    " WHERE name = 'code_ttl_minutes'"), 15);
	/* A rollback outside a transaction is harmless. */
	ipp_store_rollback(fx->store);
}

/*
 * SQLite may roll a transaction back by itself after an out-of-memory or
 * I/O error (found by make torture: an import went on in autocommit mode
 * and committed half of itself).  Inside ipp_store_begin's transaction,
 * a statement or a commit after that fails and writes nothing.
 */
static void
test_no_write_after_auto_rollback(void **state)
{
	static const char sql[] = "INSERT INTO documents VALUES"
	    " (?, 'image/png', 1, '2026-01-31T09:00:00Z')";
	struct fx *fx = *state;
	char *err = NULL;

	fx_assert_ok(ipp_store_begin(fx->store, &err), err);
	fx_assert_ok(ipp_store_run(fx->store, sql, "cannot add", &err, "t",
	    "aa"), err);
	/* What SQLite does on its own after SQLITE_NOMEM or SQLITE_FULL. */
	assert_int_equal(sqlite3_exec(ipp_store_sqlite(fx->store), "ROLLBACK",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(ipp_store_run(fx->store, sql, "cannot add", &err,
	    "t", "bb"), IPP_ESTORE);
	assert_non_null(strstr(err, "rolled back"));
	assert_non_null(strstr(err, ipp_store_file(fx->store)));
	free(err);
	err = NULL;
	assert_int_equal(ipp_store_exec(fx->store, "INSERT INTO documents"
	    " VALUES ('cc', 'image/png', 1, '2026-01-31T09:00:00Z')", &err),
	    IPP_ESTORE);
	free(err);
	err = NULL;
	assert_int_equal(ipp_store_commit(fx->store, &err), IPP_ESTORE);
	free(err);
	err = NULL;
	assert_int_equal(fx_query_int(fx->store,
	    "SELECT count(*) FROM documents"), 0);
	/* The next transaction works as before. */
	fx_assert_ok(ipp_store_begin(fx->store, &err), err);
	fx_assert_ok(ipp_store_run(fx->store, sql, "cannot add", &err, "t",
	    "dd"), err);
	fx_assert_ok(ipp_store_commit(fx->store, &err), err);
	assert_int_equal(fx_query_int(fx->store,
	    "SELECT count(*) FROM documents"), 1);
}

static void
test_commit_keeps(void **state)
{
	struct fx *fx = *state;
	struct ipp_store *other;
	char *err = NULL;

	fx_assert_ok(ipp_store_begin(fx->store, &err), err);
	fx_assert_ok(ipp_store_exec(fx->store, "INSERT INTO documents VALUES"
	    " ('ab', 'image/png', 1, '2026-01-31T09:00:00Z')", &err), err);
	fx_assert_ok(ipp_store_commit(fx->store, &err), err);
	fx_assert_ok(ipp_store_open(&other, fx->db, 0, &err), err);
	assert_int_equal(fx_query_int(other,
	    "SELECT count(*) FROM documents"), 1);
	ipp_store_close(other);
}

/* ipp_store_end commits on IPP_OK and rolls back on anything else. */
static void
test_end(void **state)
{
	static const char ins[] = "INSERT INTO documents VALUES (?, 'image/png',"
	    " 1, 't1')";
	struct fx *fx = *state;
	char *err = NULL;

	fx_assert_ok(ipp_store_begin(fx->store, &err), err);
	fx_assert_ok(ipp_store_run(fx->store, ins, "cannot add", &err, "t",
	    "aa"), err);
	fx_assert_ok(ipp_store_end(fx->store, IPP_OK, &err), err);
	assert_int_not_equal(sqlite3_get_autocommit(ipp_store_sqlite(fx->store)),
	    0);
	fx_assert_ok(ipp_store_begin(fx->store, &err), err);
	fx_assert_ok(ipp_store_run(fx->store, ins, "cannot add", &err, "t",
	    "bb"), err);
	assert_int_equal(ipp_store_end(fx->store, IPP_EREFUSED, &err),
	    IPP_EREFUSED);
	assert_int_not_equal(sqlite3_get_autocommit(ipp_store_sqlite(fx->store)),
	    0);
	assert_int_equal(fx_query_int(fx->store, "SELECT count(*) FROM"
	    " documents"), 1);
	assert_int_equal(fx_query_int(fx->store, "SELECT count(*) FROM"
	    " documents WHERE sha256 = 'aa'"), 1);
	/* A failed statement's error passes through, and nothing stays. */
	fx_assert_ok(ipp_store_begin(fx->store, &err), err);
	assert_int_equal(ipp_store_end(fx->store, ipp_store_run(fx->store, ins,
	    "cannot add", &err, "t", "aa"), &err), IPP_ESTORE);
	fx_assert_contains(err, "cannot add");
	assert_int_not_equal(sqlite3_get_autocommit(ipp_store_sqlite(fx->store)),
	    0);
	free(err);
}

/* BEGIN IMMEDIATE: the write lock is taken at begin, not at first write. */
static void
test_begin_is_immediate(void **state)
{
	struct fx *fx = *state;
	sqlite3 *raw;
	char *err = NULL;

	fx_assert_ok(ipp_store_begin(fx->store, &err), err);
	assert_int_equal(sqlite3_open_v2(fx->db, &raw, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(raw, 0);
	assert_int_equal(sqlite3_exec(raw, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_BUSY);
	ipp_store_rollback(fx->store);
	assert_int_equal(sqlite3_exec(raw, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	/* And ipp_store_begin now reports the lock held by the other. */
	sqlite3_busy_timeout(ipp_store_sqlite(fx->store), 0);
	assert_int_equal(ipp_store_begin(fx->store, &err), IPP_ESTORE);
	fx_assert_contains(err, "cannot start a transaction");
	sqlite3_exec(raw, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(raw);
	free(err);
}

static const char sql_one[] = "SELECT 1";
static const char sql_two[] = "SELECT 2";

static void
test_statement_cache(void **state)
{
	struct fx *fx = *state;
	struct ipp_stmt *a, *b, *c;
	char *err = NULL;

	fx_assert_ok(ipp_store_stmt(fx->store, sql_one, &a, &err), err);
	assert_int_equal(ipp_stmt_step(a), IPP_STMT_ROW);
	assert_int_equal((int)ipp_stmt_int(a, 0), 1);
	/* Left mid-row: the cache hands it back reset. */
	fx_assert_ok(ipp_store_stmt(fx->store, sql_one, &b, &err), err);
	assert_ptr_equal(a, b);
	assert_int_equal(ipp_stmt_step(b), IPP_STMT_ROW);
	assert_int_equal((int)ipp_stmt_int(b, 0), 1);
	ipp_stmt_reset(b);
	fx_assert_ok(ipp_store_stmt(fx->store, sql_two, &c, &err), err);
	assert_ptr_not_equal(a, c);
	assert_int_equal(ipp_stmt_step(c), IPP_STMT_ROW);
	assert_int_equal((int)ipp_stmt_int(c, 0), 2);
	ipp_stmt_reset(c);
}

/* Bindings do not leak from one use of a cached statement to the next. */
static void
test_statement_bindings_cleared(void **state)
{
	static const char sql[] = "SELECT ?";
	struct fx *fx = *state;
	struct ipp_stmt *st;
	char *err = NULL;

	fx_assert_ok(ipp_store_stmt(fx->store, sql, &st, &err), err);
	ipp_stmt_bind_int(st, 1, 7);
	assert_int_equal(ipp_stmt_step(st), IPP_STMT_ROW);
	assert_int_equal((int)ipp_stmt_int(st, 0), 7);
	fx_assert_ok(ipp_store_stmt(fx->store, sql, &st, &err), err);
	assert_int_equal(ipp_stmt_step(st), IPP_STMT_ROW);
	assert_true(ipp_stmt_is_null(st, 0));
	ipp_stmt_reset(st);
}

/* More literals than the cache holds: the oldest is prepared again. */
static void
test_statement_cache_full(void **state)
{
	static char sqls[100][32];
	struct fx *fx = *state;
	struct ipp_stmt *st;
	char *err = NULL;
	int i, round;

	for (round = 0; round < 2; round++) {
		for (i = 0; i < 100; i++) {
			snprintf(sqls[i], sizeof(sqls[i]), "SELECT %d", i);
			fx_assert_ok(ipp_store_stmt(fx->store, sqls[i], &st,
			    &err), err);
			assert_int_equal(ipp_stmt_step(st), IPP_STMT_ROW);
			assert_int_equal((int)ipp_stmt_int(st, 0), i);
			ipp_stmt_reset(st);
		}
	}
}

static void
test_stmt_error(void **state)
{
	struct fx *fx = *state;
	struct ipp_stmt *st;
	char *err = NULL;

	assert_int_equal(ipp_store_stmt(fx->store, "SELECT FROM nowhere", &st,
	    &err), IPP_ESTORE);
	fx_assert_contains(err, "cannot prepare");
	assert_int_equal(ipp_store_exec(fx->store, "SELECT * FROM nowhere",
	    &err), IPP_ESTORE);
	fx_assert_contains(err, "no such table");
	fx_assert_contains(err, fx->db);
	free(err);
}

static void
test_run_and_changes(void **state)
{
	static const char ins[] = "INSERT INTO documents VALUES (?, ?, ?, ?)";
	static const char upd[] = "UPDATE documents SET created_at = ?";
	struct fx *fx = *state;
	char *err = NULL, *v;

	fx_assert_ok(ipp_store_run(fx->store, ins, "cannot add", &err, "ttit",
	    "aa", "image/png", (int64_t)5000000000LL, "t1"), err);
	fx_assert_ok(ipp_store_run(fx->store, ins, "cannot add", &err, "ttit",
	    "bb", "image/png", (int64_t)1, "t1"), err);
	assert_int_equal(fx_query_int(fx->store, "SELECT size FROM documents"
	    " WHERE sha256 = 'aa'"), 5000000000LL);
	fx_assert_ok(ipp_store_run(fx->store, upd, "cannot touch", &err, "t",
	    "t2"), err);
	assert_int_equal(ipp_store_changes(fx->store), 2);
	assert_int_equal(ipp_store_last_id(fx->store), fx_query_int(fx->store,
	    "SELECT rowid FROM documents WHERE sha256 = 'bb'"));
	v = fx_query_text(fx->store, "SELECT group_concat(created_at)"
	    " FROM documents");
	assert_string_equal(v, "t2,t2");
	free(v);
	/* A constraint failure names the action. */
	assert_int_equal(ipp_store_run(fx->store, ins, "cannot add", &err,
	    "ttit", "aa", "image/png", (int64_t)1, "t1"), IPP_ESTORE);
	fx_assert_contains(err, "cannot add");
	fx_assert_contains(err, "UNIQUE");
	/* NULL binds NULL, which NOT NULL refuses. */
	assert_int_equal(ipp_store_run(fx->store, ins, "cannot add", &err,
	    "ttit", "cc", "image/png", (int64_t)1, NULL), IPP_ESTORE);
	fx_assert_contains(err, "NOT NULL");
	/* A count of arguments that does not match is caught. */
	assert_int_equal(ipp_store_run(fx->store, ins, "cannot add", &err,
	    "tt", "dd", "image/png"), IPP_ESTORE);
	fx_assert_contains(err, "4 parameters, 2 arguments");
	assert_int_equal(fx_query_int(fx->store,
	    "SELECT count(*) FROM documents"), 2);
	free(err);
}

static void
test_column_dup(void **state)
{
	static const char sql[] = "SELECT 'text', NULL";
	struct fx *fx = *state;
	struct ipp_stmt *st;
	char *a, *b, *err = NULL;

	fx_assert_ok(ipp_store_stmt(fx->store, sql, &st, &err), err);
	assert_int_equal(ipp_stmt_step(st), IPP_STMT_ROW);
	a = ipp_store_column_dup(st, 0);
	b = ipp_store_column_dup(st, 1);
	ipp_stmt_reset(st);
	assert_string_equal(a, "text");
	assert_null(b);
	free(a);
}

static void
test_write_matches(void **state)
{
	static const char sql[] = "SELECT sha256 FROM documents"
	    " WHERE sha256 LIKE ? ORDER BY sha256";
	struct fx *fx = *state;
	struct ipp_tsv_writer *w;
	const char *const col[] = { "sha256" };
	struct ipp_stmt *st;
	char *err = NULL, *buf = NULL;
	size_t len = 0;
	long n = -1;
	FILE *out = open_memstream(&buf, &len);

	fx_assert_ok(ipp_store_run(fx->store, "INSERT INTO documents"
	    " VALUES (?, 'image/png', 1, 't1')", "cannot add", &err, "t",
	    "ab"), err);
	fx_assert_ok(ipp_tsv_writer_open(&w, out, col, 1, &err), err);
	fx_assert_ok(ipp_store_stmt(fx->store, sql, &st, &err), err);
	ipp_stmt_bind_text(st, 1, "a%");
	fx_assert_ok(ipp_store_write_matches(fx->store, st, w, &n, &err), err);
	assert_int_equal(n, 1);
	/* Nothing matched: IPP_ENOTFOUND, and no message. */
	fx_assert_ok(ipp_store_stmt(fx->store, sql, &st, &err), err);
	ipp_stmt_bind_text(st, 1, "z%");
	assert_int_equal(ipp_store_write_matches(fx->store, st, w, &n, &err),
	    IPP_ENOTFOUND);
	assert_int_equal(n, 0);
	assert_null(err);
	fx_assert_ok(ipp_tsv_writer_close(w, &err), err);
	fclose(out);
	assert_string_equal(buf, "sha256\nab\n");
	free(buf);
}

/*
 * The network filesystems refused at open, by their statfs(2) magic
 * (the seam: no NFS or FUSE mount is needed), and local ones let be.
 */
static void
test_netfs_magic(void **state)
{
	struct ipp_store *s;
	char *top = fx_tempdir(), *db = fx_path(top, "new/dir/ipp.db");
	char *err = NULL;

	assert_string_equal(ipp_store_netfs(0x6969), "NFS");
	assert_string_equal(ipp_store_netfs(0xff534d42), "CIFS");
	/* f_type is a signed word on some hosts: the same magic. */
	assert_string_equal(ipp_store_netfs((long long)(int32_t)0xff534d42),
	    "CIFS");
	assert_string_equal(ipp_store_netfs(0xfe534d42), "SMB2");
	assert_string_equal(ipp_store_netfs(0x517b), "SMB");
	assert_string_equal(ipp_store_netfs(0x65735546), "FUSE");
	assert_null(ipp_store_netfs(0xef53));		/* ext2/3/4 */
	assert_null(ipp_store_netfs(0x01021994));	/* tmpfs */
	assert_null(ipp_store_netfs(0x58465342));	/* XFS */
	assert_null(ipp_store_netfs(0x9123683e));	/* Btrfs */
	assert_null(ipp_store_netfs(0));
	/* This test's own directory is local: opening is not refused. */
	unsetenv("IPP_ALLOW_NETFS");
	fx_assert_ok(ipp_store_open(&s, db, IPP_STORE_CREATE, &err), err);
	ipp_store_close(s);
	fx_rmtree(top);
	free(db);
	free(top);
}

/*
 * SQLite's memory, failing on demand: the next allocation fails, as
 * when memory has run out (make torture's out-of-memory item).
 */
static sqlite3_mem_methods real_mem;
static int mem_fails;

static void *
failing_malloc(int n)
{
	if (mem_fails) {
		mem_fails = 0;		/* this one only */
		return NULL;
	}
	return real_mem.xMalloc(n);
}

static void *
failing_realloc(void *p, int n)
{
	if (mem_fails) {
		mem_fails = 0;
		return NULL;
	}
	return real_mem.xRealloc(p, n);
}

/*
 * A rollback with no memory left still ends the transaction: a read
 * transaction left open made the import's next BEGIN fail with "cannot
 * start a transaction within a transaction".
 */
static void
test_rollback_without_memory(void **state)
{
	struct fx *fx = *state;
	char *err = NULL;

	fx_assert_ok(ipp_store_begin_read(fx->store, &err), err);
	assert_int_equal(fx_query_int(fx->store,
	    "SELECT count(*) FROM documents"), 0);
	assert_int_equal(sqlite3_get_autocommit(ipp_store_sqlite(fx->store)), 0);
	mem_fails = 1;
	ipp_store_rollback(fx->store);
	mem_fails = 0;
	assert_int_not_equal(sqlite3_get_autocommit(ipp_store_sqlite(fx->store)),
	    0);
	fx_assert_ok(ipp_store_begin(fx->store, &err), err);
	ipp_store_rollback(fx->store);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_modes),
		cmocka_unit_test_setup_teardown(test_configuration,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_foreign_keys_enforced,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reopen_without_create,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_missing_without_create,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_empty_file,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused,
		    fx_setup, fx_teardown),
		cmocka_unit_test(test_path_precedence),
		cmocka_unit_test_setup_teardown(test_rollback_leaves_nothing,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_commit_keeps,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_begin_is_immediate,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_statement_cache,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_write_matches,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_end,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_statement_bindings_cleared,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_statement_cache_full,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_stmt_error,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_run_and_changes,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_column_dup,
		    fx_setup, fx_teardown),
		cmocka_unit_test(test_netfs_magic),
		cmocka_unit_test_setup_teardown(
		    test_no_write_after_auto_rollback, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_rollback_without_memory,
		    fx_setup, fx_teardown),
	};
	sqlite3_mem_methods m;

	/* Before SQLite starts: its allocator, wrapped (see above). */
	sqlite3_shutdown();
	sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem);
	m = real_mem;
	m.xMalloc = failing_malloc;
	m.xRealloc = failing_realloc;
	sqlite3_config(SQLITE_CONFIG_MALLOC, &m);

	return cmocka_run_group_tests(tests, NULL, NULL);
}
