/*
 * The store: one SQLite database, the documents (docs/) and the mail
 * outbox (outbox/) in the directory beside it; or, for a team, one
 * PostgreSQL database holding the documents too, with this machine's
 * outbox in its own data directory (see db.h for how the two differ).
 *
 * Opening SQLite sets WAL mode, a busy timeout, foreign keys, defensive
 * mode and trusted_schema off; opening either applies the numbered
 * migrations of schema.c.  Every write runs between ipp_store_begin
 * (BEGIN IMMEDIATE, or PostgreSQL's write lock) and ipp_store_commit, so
 * cron jobs and interactive runs can share a store.
 *
 * The domain modules reach the database only through these functions
 * and the statements of db.h; none includes sqlite3.h or libpq-fe.h.
 */
#ifndef IPP_STORE_H
#define IPP_STORE_H

#include <stdint.h>

#include "db.h"

struct ipp_store;

enum ipp_store_flags {
	IPP_STORE_CREATE = 1 << 0,	/* create the file and its directory */
};

/*
 * The store path: explicit (from -d) when not NULL, else IPP_DB, else
 * $XDG_DATA_HOME/ipp/ipp.db, else ~/.local/share/ipp/ipp.db.  A
 * PostgreSQL URI or connection string (ipp_db_is_pg) names a PostgreSQL
 * store; anything else a SQLite file.
 */
int ipp_store_path(char **pathp, const char *explicit, char **errp);

/*
 * Opens (with IPP_STORE_CREATE: creates, mode 0600 in a 0700 directory)
 * the store at path and brings its schema up to date.  A missing store
 * without IPP_STORE_CREATE is IPP_ESTORE with a hint to run init; so is
 * a store on a network filesystem (see ipp_store_netfs).  A path that is
 * a symbolic link is IPP_ESTORE, saying so: the store is its directory
 * (the database, docs/, outbox/), so it is named by its real path, never
 * through a link.
 */
int ipp_store_open(struct ipp_store **sp, const char *path, int flags,
    char **errp);
/*
 * On PostgreSQL, the database must exist; one without the store's schema
 * is IPP_ESTORE with a hint to run init, and IPP_STORE_CREATE migrates it
 * (under the write lock: two machines never migrate at once).
 */

/*
 * The name of the network (or FUSE) filesystem whose statfs(2) f_type is
 * f_type (NFS, SMB, CIFS, SMB2, FUSE, 9P, Ceph, AFS), or NULL for any
 * other.  ipp_store_open refuses a store on one (IPP_ESTORE, naming the
 * filesystem and IPP_ALLOW_NETFS) unless IPP_ALLOW_NETFS is 1: SQLite's
 * WAL keeps its index in memory shared by the processes of one host.
 */
const char *ipp_store_netfs(long long f_type);
void ipp_store_close(struct ipp_store *s);

/*
 * 1 when there is a store at path: the SQLite file exists, or the
 * PostgreSQL database can be reached and has the store's schema.
 */
int ipp_store_exists(const char *path);

struct ipp_db *ipp_store_db(struct ipp_store *s);
/* 1 when the store is PostgreSQL (documents in the database). */
int ipp_store_is_pg(const struct ipp_store *s);
/* The database file, or the PostgreSQL name as given. */
const char *ipp_store_file(const struct ipp_store *s);
/*
 * The directory holding the database, docs/ and outbox/; for PostgreSQL
 * this machine's $XDG_DATA_HOME/ipp (or ~/.local/share/ipp), for the
 * outbox of the mail it delivers.
 */
const char *ipp_store_dir(const struct ipp_store *s);
/* The schema version (PRAGMA user_version, or ipp_schema). */
int ipp_store_version(struct ipp_store *s);

/*
 * The documents' lock, docs/.lock (flock): taken shared by a process
 * before it writes its first document and held until it closes the
 * store, so that no file it may yet reference is taken away; it waits up
 * to the busy timeout (15 s), then fails with IPP_ESTORE.  Only the
 * clean-up of unreferenced documents (ipp_doc_gc) tries it exclusive,
 * without waiting, while it holds the write transaction: 1 when it got
 * it, 0 when another process holds it.  Both create docs/ when missing.
 */
int ipp_store_lock_docs(struct ipp_store *s, char **errp);

/*
 * The mail delivery run's lock across the machines of a team store (an
 * advisory lock on PostgreSQL, waiting up to 15 s), so that no two
 * deliver one message; on SQLite the outbox's own lock does that and
 * this does nothing.
 */
int ipp_store_lock_delivery(struct ipp_store *s, char **errp);
void ipp_store_unlock_delivery(struct ipp_store *s);
int ipp_store_try_lock_docs_exclusive(struct ipp_store *s, char **errp);

/*
 * BEGIN (deferred): a read transaction, for many reads in a row; it
 * never blocks a writer (WAL).  End it with ipp_store_rollback.
 */
int ipp_store_begin_read(struct ipp_store *s, char **errp);

/* BEGIN IMMEDIATE, COMMIT, ROLLBACK. */
int ipp_store_begin(struct ipp_store *s, char **errp);
int ipp_store_commit(struct ipp_store *s, char **errp);
void ipp_store_rollback(struct ipp_store *s);

/*
 * Ends the transaction ipp_store_begin started: commits when rc is
 * IPP_OK, else rolls back; returns the outcome (rc, or the commit's
 * failure).  So that a transaction reads
 *	if ((rc = ipp_store_begin(s, errp)) != IPP_OK)
 *		return rc;
 *	rc = ipp_store_run(s, sql, "cannot ...", errp, ...);
 *	return ipp_store_end(s, rc, errp);
 */
int ipp_store_end(struct ipp_store *s, int rc, char **errp);

/*
 * A prepared statement for sql, cached for the life of the store and
 * keyed by the sql pointer (pass string literals).  It comes reset with
 * its bindings cleared; callers do not finalize it.
 */
int ipp_store_stmt(struct ipp_store *s, const char *sql,
    struct ipp_stmt **stp, char **errp);

/*
 * Runs one cached statement to completion, binding one argument per
 * letter of types: 't' const char * (NULL binds NULL), 'i' int64_t.
 * what names the action in an error ("cannot save the code").
 */
int ipp_store_run(struct ipp_store *s, const char *sql, const char *what,
    char **errp, const char *types, ...);
/*
 * The same for an INSERT ... RETURNING its key (one row, one column):
 * *id gets the key, in the statement's own round trip, where
 * ipp_store_last_id costs PostgreSQL another (lastval()).
 */
int ipp_store_run_id(struct ipp_store *s, const char *sql, int64_t *id,
    const char *what, char **errp, const char *types, ...);
/*
 * A batch of writes inside the transaction, whole or absent, sent at
 * once (see ipp_db_batch_begin): between begin and end every write's
 * step answers done, and end answers IPP_OK or the failure (rc, the
 * caller's own, or the store's, without a message: the batch is undone
 * and the caller may go again statement by statement to learn which
 * row failed and why).
 */
int ipp_store_batch_begin(struct ipp_store *s, char **errp);
int ipp_store_batch_end(struct ipp_store *s, int rc);

struct ipp_tsv_writer;

/*
 * Steps st to its end, writing every column of each row as a TSV record
 * (NULL as \N), then resets it.  *count gets the number of rows.
 */
int ipp_store_write_rows(struct ipp_store *s, struct ipp_stmt *st,
    struct ipp_tsv_writer *w, long *count, char **errp);

/*
 * ipp_store_write_rows for a listing, where nothing matched is an answer:
 * IPP_ENOTFOUND, without a message (exit 1, silently), when no row
 * matched.  Every list-like function decides "nothing matched" here.
 */
int ipp_store_write_matches(struct ipp_store *s, struct ipp_stmt *st,
    struct ipp_tsv_writer *w, long *count, char **errp);

/*
 * Steps a bound statement once and resets it: *value gets column 0 of
 * its first row as an integer, or 0 when there is no row.  what names
 * the lookup in an error.
 */
int ipp_store_first_int(struct ipp_store *s, struct ipp_stmt *st,
    int64_t *value, const char *what, char **errp);

/*
 * 1 when the last statement failed on a UNIQUE constraint (a row another
 * writer committed first), else 0.
 */
int ipp_store_unique_failed(struct ipp_store *s);
/* 1 when it failed on any constraint (UNIQUE, CHECK, FOREIGN KEY). */
int ipp_store_constraint_failed(struct ipp_store *s);

/* Rows changed by the last statement. */
int ipp_store_changes(struct ipp_store *s);

/* The id (rowid) of the row the last INSERT added. */
int64_t ipp_store_last_id(struct ipp_store *s);

/* Runs sql (no rows expected). */
int ipp_store_exec(struct ipp_store *s, const char *sql, char **errp);
/* Runs a migration's sql in this database's form (ipp_db_ddl). */
int ipp_store_exec_ddl(struct ipp_store *s, const char *sql, char **errp);
/* Sets the schema version; inside the migration's transaction. */
int ipp_store_set_version(struct ipp_store *s, int version, char **errp);

/*
 * Sets *errp to "store 'FILE': what: <database's message>" and returns
 * IPP_ESTORE: a failure of the store names it (a full disk, an I/O error).
 */
int ipp_store_fail(struct ipp_store *s, char **errp, const char *what);
/* The database's message for the last failure. */
const char *ipp_store_errmsg(struct ipp_store *s);

/* Text of column i of the current row, strdup'd (NULL stays NULL). */
char *ipp_store_column_dup(struct ipp_stmt *st, int i);

/*
 * PostgreSQL: the content of a document, kept once by its address in
 * document_contents (D1); outside a transaction it commits at once.
 */
int ipp_store_put_content(struct ipp_store *s, const char *sha256,
    const unsigned char *buf, size_t len, char **errp);

/* Migrations: the highest version, and applying them (schema.c). */
int ipp_schema_latest(void);
int ipp_schema_migrate(struct ipp_store *s, int from, char **errp);

#endif
