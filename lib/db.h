/*
 * The database under the store: one connection to SQLite (the default, a
 * file) or PostgreSQL (a team's shared server), its prepared statements
 * and its transactions.  The store (store.c) opens it; the domain modules
 * see only the statement type below, through ipp_store_stmt, and never
 * include sqlite3.h or libpq-fe.h.
 *
 * Which database: a name that is a PostgreSQL URI (postgresql://...,
 * postgres://...) or a libpq connection string (keyword=value pairs, such
 * as "service=ipp" or "host=/run/postgresql dbname=ipp") is PostgreSQL;
 * anything else is the path of a SQLite file.  libpq is loaded with
 * dlopen when the first PostgreSQL store is opened (pq_dl.h).
 *
 * Where the two differ, the difference lives here, once:
 *
 *  - Placeholders.  The SQL is written with `?`; for PostgreSQL every `?`
 *    outside quotes becomes $1, $2, ... at prepare.  A parameter whose
 *    type PostgreSQL cannot infer (`? IS NULL`) is typed text.
 *  - Values.  Parameters travel as text; integer columns come back as
 *    decimal text and are parsed by ipp_stmt_int; booleans (the result of
 *    a comparison in a select list) come back as 1 and 0, as SQLite's.
 *  - Last id.  ipp_db_last_id is sqlite3_last_insert_rowid on SQLite and
 *    lastval() on PostgreSQL (a round trip), whose INTEGER PRIMARY KEY
 *    columns are identity columns (see the schema's translation in
 *    store.c); INSERT ... RETURNING the key is the same text on both and
 *    costs nothing more (ipp_store_run_id).
 *  - Round trips.  On PostgreSQL a statement is prepared on the server
 *    at its first run, in that run's round trip (a pipeline), so a bad
 *    statement fails at its first step there and at prepare on SQLite.
 *  - Upserts.  INSERT ... ON CONFLICT (cols) DO UPDATE SET c = excluded.c
 *    and DO NOTHING are the same text on both; partial unique indexes
 *    (CREATE UNIQUE INDEX ... WHERE) too.  Times are ISO 8601 text made
 *    by clock.c, so no date arithmetic runs in SQL.
 *  - Write transactions.  SQLite: BEGIN IMMEDIATE, one writer at a time,
 *    waiting up to the busy timeout (15 s).  PostgreSQL: BEGIN (read
 *    committed), then pg_advisory_xact_lock on the store's key: writers
 *    queue on that lock as SQLite's do on the file, each statement sees
 *    every commit before the lock, and the lock goes with COMMIT or
 *    ROLLBACK.  So a write transaction never fails on a serialization
 *    conflict; lock_timeout stands for the busy timeout.  A statement
 *    outside a transaction that fails with 40001 (serialization) or
 *    40P01 (deadlock) is retried here, never reported.
 *  - Read transactions.  SQLite: BEGIN (deferred) under WAL.  PostgreSQL:
 *    BEGIN ISOLATION LEVEL REPEATABLE READ, one snapshot for all reads.
 *  - A failed statement inside a transaction.  SQLite carries on; a
 *    PostgreSQL transaction would be aborted, so every write inside a
 *    transaction runs under a savepoint that a failure rolls back, in
 *    the statement's own round trip: the caller sees the same "UNIQUE
 *    failed, carry on" as on SQLite.
 *  - Schema version and migrations.  SQLite: PRAGMA user_version.
 *    PostgreSQL: the table ipp_schema (version), read and written in the
 *    migration's transaction, which holds the advisory lock, so two
 *    machines never migrate at once.
 *  - PRAGMAs (WAL, busy timeout, foreign keys, defensive, temp store)
 *    are SQLite's set-up and tuning only: on PostgreSQL ipp_db_exec of
 *    a PRAGMA does nothing, and foreign keys are always enforced.
 *
 * Errors: functions return IPP_OK or IPP_ESTORE; ipp_db_errmsg gives the
 * database's text of the last failure and ipp_db_errkind its kind.
 */
#ifndef IPP_DB_H
#define IPP_DB_H

#include <stddef.h>
#include <stdint.h>

struct ipp_db;
struct ipp_stmt;

enum ipp_db_kind {
	IPP_DB_SQLITE = 1,
	IPP_DB_PG = 2,
};

/* What the last failure was. */
enum ipp_db_errkind {
	IPP_DB_EOTHER = 0,
	IPP_DB_EUNIQUE,		/* a UNIQUE or PRIMARY KEY constraint */
	IPP_DB_ECONSTRAINT,	/* another constraint: CHECK, FOREIGN KEY */
	IPP_DB_EBUSY,		/* locked past the timeout */
};

/* ipp_stmt_step's answers (errors are negative, IPP_ESTORE). */
enum {
	IPP_STMT_DONE = 0,
	IPP_STMT_ROW = 1,
};

/* 1 when name selects PostgreSQL (a URI or a connection string). */
int ipp_db_is_pg(const char *name);

/*
 * Opens the SQLite file at path (which must exist), configured for the
 * store: WAL (set when wal is not 0), busy timeout, foreign keys,
 * defensive mode, no symbolic links.
 */
int ipp_db_open_sqlite(struct ipp_db **dbp, const char *path, int wal,
    char **errp);
/* Connects to PostgreSQL with conninfo (a URI or keyword=value pairs). */
int ipp_db_open_pg(struct ipp_db **dbp, const char *conninfo, char **errp);
void ipp_db_close(struct ipp_db *db);
/*
 * The connection is about to close: statements finalized from now on
 * are not deallocated one by one on the server (the session's end does
 * that), which saved a round trip each at every command's exit.
 */
void ipp_db_closing(struct ipp_db *db);

enum ipp_db_kind ipp_db_kind(const struct ipp_db *db);
/* The database's text for the last failure. */
const char *ipp_db_errmsg(const struct ipp_db *db);
enum ipp_db_errkind ipp_db_errkind(const struct ipp_db *db);

/* Runs sql, one or more statements without parameters or rows. */
int ipp_db_exec(struct ipp_db *db, const char *sql, char **errp);

/* Transactions, as described above.  rollback is harmless outside one. */
int ipp_db_begin_read(struct ipp_db *db, char **errp);
int ipp_db_begin_write(struct ipp_db *db, char **errp);
int ipp_db_commit(struct ipp_db *db, char **errp);
void ipp_db_rollback(struct ipp_db *db);
int ipp_db_in_transaction(struct ipp_db *db);

/*
 * The schema version: PRAGMA user_version on SQLite, the table ipp_schema
 * on PostgreSQL (0 when it does not exist: an empty database).  Set it
 * inside the migration's write transaction.
 */
int ipp_db_schema_version(struct ipp_db *db, int *version, char **errp);
int ipp_db_set_schema_version(struct ipp_db *db, int version, char **errp);

/*
 * A migration's SQL for this database, malloc'd (NULL: out of memory).
 * The migrations are written once, in the SQL both accept; for
 * PostgreSQL an INTEGER PRIMARY KEY (SQLite's rowid) becomes a BIGINT
 * identity column and every other INTEGER a BIGINT (SQLite's integers
 * are 64-bit).
 */
char *ipp_db_ddl(const struct ipp_db *db, const char *sql);

/*
 * A lock named by key for the life of the connection, across processes
 * and, on PostgreSQL, machines (pg_try_advisory_lock): 1 when taken, 0
 * when another connection holds it, or IPP_ESTORE.  SQLite stores lock
 * files instead (the caller's flock); there this answers 1.
 */
int ipp_db_try_lock(struct ipp_db *db, int64_t key, char **errp);
void ipp_db_unlock(struct ipp_db *db, int64_t key);
/* The same lock, waiting up to the lock timeout (IPP_OK or IPP_ESTORE). */
int ipp_db_lock(struct ipp_db *db, int64_t key, char **errp);
/* The same lock taken shared, waiting up to the lock timeout. */
int ipp_db_lock_shared(struct ipp_db *db, int64_t key, char **errp);

/*
 * A batch of writes inside the caller's write transaction, whole or
 * absent, in one round trip: on PostgreSQL the writes stepped between
 * begin and end are sent at once (a pipeline) under a savepoint, each
 * step answering IPP_STMT_DONE at once, and their answers read at the
 * end; on SQLite they run as they come, under a savepoint.  No reads in
 * between.  ipp_db_batch_end(db, rc) answers IPP_OK, or, when rc (the
 * caller's own outcome) or a write failed, rc (or IPP_ESTORE), the
 * batch undone whole and the transaction carrying on.  On PostgreSQL
 * ipp_db_errmsg and ipp_db_errkind then tell the write's failure; on
 * SQLite the undoing has reset them, so a caller that needs the kind
 * runs the writes again one by one (as ipp_complaint_insert does).
 */
int ipp_db_batch_begin(struct ipp_db *db, char **errp);
int ipp_db_batch_end(struct ipp_db *db, int rc);

/* Rows changed by the last statement; the id the last INSERT added. */
int ipp_db_changes(struct ipp_db *db);
int64_t ipp_db_last_id(struct ipp_db *db);

/* A prepared statement, `?` placeholders; one SQL statement. */
int ipp_db_prepare(struct ipp_db *db, const char *sql,
    struct ipp_stmt **stp, char **errp);
void ipp_stmt_finalize(struct ipp_stmt *st);

/*
 * Bindings, numbered from 1.  bind_text copies text; bind_static keeps
 * the pointer, which must stay valid until the statement is reset.  A
 * NULL text binds NULL.
 */
int ipp_stmt_params(const struct ipp_stmt *st);
void ipp_stmt_bind_int(struct ipp_stmt *st, int i, int64_t v);
void ipp_stmt_bind_text(struct ipp_stmt *st, int i, const char *text);
void ipp_stmt_bind_static(struct ipp_stmt *st, int i, const char *text);
void ipp_stmt_bind_null(struct ipp_stmt *st, int i);

/* IPP_STMT_ROW, IPP_STMT_DONE, or IPP_ESTORE (see ipp_db_errmsg). */
int ipp_stmt_step(struct ipp_stmt *st);

/* The current row's columns, numbered from 0. */
int ipp_stmt_columns(const struct ipp_stmt *st);
const char *ipp_stmt_column_name(const struct ipp_stmt *st, int i);
int ipp_stmt_is_null(struct ipp_stmt *st, int i);
int64_t ipp_stmt_int(struct ipp_stmt *st, int i);
/* Text of the column, NULL for NULL; valid until the next step or reset. */
const char *ipp_stmt_text(struct ipp_stmt *st, int i);
size_t ipp_stmt_bytes(struct ipp_stmt *st, int i);

/* Back to before the first step, bindings kept; clear drops them. */
void ipp_stmt_reset(struct ipp_stmt *st);
void ipp_stmt_clear(struct ipp_stmt *st);

#endif
