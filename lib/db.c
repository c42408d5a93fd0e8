#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "db.h"
#include "err.h"
#include "pq_dl.h"
#include "store_sqlite.h"
#include "banned.h"

#define BUSY_TIMEOUT_MS 15000
/* The advisory lock every write transaction of a PostgreSQL store takes:
 * "ipp" and a version byte, the same number on every machine. */
#define PG_WRITE_LOCK "7000944640"
#define PG_RETRIES 50
#define BOOLOID 16
#define TEXTOID 25

struct ipp_db {
	enum ipp_db_kind kind;
	sqlite3		*lite;		/* SQLite: the connection */
	sqlite3_stmt	*rollback;	/* SQLite: ROLLBACK, prepared at open */
	PGconn		*pg;		/* PostgreSQL: the connection */
	const struct ipp_pq *pq;	/* PostgreSQL: libpq's functions */
	char		*msg;		/* PostgreSQL: last failure's text */
	enum ipp_db_errkind errkind;	/* PostgreSQL: last failure's kind */
	int		 retry;		/* PostgreSQL: it was 40001 or 40P01 */
	int		 changes;	/* PostgreSQL: rows the last one changed */
	unsigned	 nstmts;	/* PostgreSQL: statements named so far */
	int		 closing;	/* PostgreSQL: no DEALLOCATE any more */
	int		 batch;		/* between batch_begin and batch_end */
	struct batched {
		struct ipp_stmt	*st;	/* NULL once finalized */
		int		 prep;	/* its Parse went too */
	}		*queued;	/* PostgreSQL: the batch's statements */
	size_t		 nqueued, capqueued;
};

struct ipp_stmt {
	struct ipp_db	*db;
	sqlite3_stmt	*lite;		/* SQLite: the statement */
	/* PostgreSQL: */
	char		 name[24];	/* the server-side prepared statement */
	int		 nparams;	/* the caller's parameters */
	int		 nsent;		/* with the aliases (see pg_sql) */
	int		*alias;		/* parameter each alias repeats */
	const char	**values;	/* nsent values, NULL is NULL */
	char		**owned;	/* copies that values point into */
	char		(*num)[24];	/* integers, as text */
	char		*text;		/* the SQL with $n placeholders */
	Oid		*types;		/* of the nsent parameters, 0: inferred */
	int		 prepared;	/* on the server, under name */
	int		 is_write;	/* INSERT, UPDATE or DELETE */
	int		 executed;	/* run since the last reset */
	PGresult	*res;		/* its rows, or NULL */
	int		 row;		/* the current row */
	int		 nrows;
};

int
ipp_db_is_pg(const char *name)
{
	const char *p;

	if (strncmp(name, "postgresql://", 13) == 0 ||
	    strncmp(name, "postgres://", 11) == 0)
		return 1;
	/* keyword=value: a keyword of letters and underscores first. */
	for (p = name; islower((unsigned char)*p) || *p == '_'; p++)
		continue;
	if (p == name)
		return 0;
	while (*p == ' ')
		p++;
	return *p == '=';
}

/* ---- SQLite ---- */

int
ipp_db_open_sqlite(struct ipp_db **dbp, const char *path, int wal,
    char **errp)
{
	struct ipp_db *db;
	int persist = 1, rc;

	*dbp = NULL;
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	db->kind = IPP_DB_SQLITE;
	/* One connection per process, used by one thread: no mutexes. */
	if (sqlite3_open_v2(path, &db->lite, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = ipp_error(errp, IPP_ESTORE, "cannot open store '%s': %s",
		    path, db->lite ? sqlite3_errmsg(db->lite) : "out of memory");
		ipp_db_close(db);
		return rc;
	}
	/*
	 * Keep the -wal and -shm files between runs, emptied at the last
	 * close: deleting and recreating them cost each short command a
	 * quarter of its start-up, and a WAL left at full size costs the
	 * next opener its recovery scan.
	 */
	sqlite3_file_control(db->lite, "main", SQLITE_FCNTL_PERSIST_WAL,
	    &persist);
	sqlite3_busy_timeout(db->lite, BUSY_TIMEOUT_MS);
	sqlite3_db_config(db->lite, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db->lite, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_extended_result_codes(db->lite, 1);
	/*
	 * ROLLBACK prepared now: preparing it when memory has run out
	 * fails, and left a read transaction open under the next BEGIN.
	 */
	if (sqlite3_prepare_v3(db->lite, "ROLLBACK", -1,
	    SQLITE_PREPARE_PERSISTENT, &db->rollback, NULL) != SQLITE_OK) {
		rc = ipp_error(errp, IPP_ESTORE, "cannot prepare a query: %s",
		    sqlite3_errmsg(db->lite));
		ipp_db_close(db);
		return rc;
	}
	if ((wal && (rc = ipp_db_exec(db, "PRAGMA journal_mode=WAL",
	    errp)) != IPP_OK) ||
	    (rc = ipp_db_exec(db, "PRAGMA foreign_keys=ON;"
	    " PRAGMA journal_size_limit=0", errp)) != IPP_OK) {
		ipp_db_close(db);
		return rc;
	}
	*dbp = db;
	return IPP_OK;
}

/* ---- PostgreSQL ---- */

static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;	/* notices are not the user's business */
}

/* Keeps the failure of res (or of the connection when res is NULL). */
static void
pg_note(struct ipp_db *db, const PGresult *res)
{
	const char *m = NULL, *state = NULL;
	size_t n;

	if (res != NULL) {
		m = db->pq->resultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		state = db->pq->resultErrorField(res, PG_DIAG_SQLSTATE);
	}
	if (m == NULL)
		m = db->pq->errorMessage(db->pg);
	free(db->msg);
	db->msg = strdup(m != NULL ? m : "unknown error");
	if (db->msg != NULL && (n = strlen(db->msg)) > 0 &&
	    db->msg[n - 1] == '\n')
		db->msg[n - 1] = '\0';
	db->errkind = IPP_DB_EOTHER;
	db->retry = state != NULL && (strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0);
	if (state == NULL)
		return;
	if (strcmp(state, "23505") == 0)
		db->errkind = IPP_DB_EUNIQUE;
	else if (strncmp(state, "23", 2) == 0)
		db->errkind = IPP_DB_ECONSTRAINT;
	else if (strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0)
		db->errkind = IPP_DB_EBUSY;
}

static int
pg_retryable(const PGresult *res, const struct ipp_pq *pq)
{
	const char *state = pq->resultErrorField(res, PG_DIAG_SQLSTATE);

	return state != NULL && (strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0);
}

/* Runs sql without parameters: IPP_OK when it did. */
static int
pg_simple(struct ipp_db *db, const char *sql)
{
	PGresult *res = db->pq->exec(db->pg, sql);
	ExecStatusType st = db->pq->resultStatus(res);
	int rc = IPP_OK;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		pg_note(db, res);
		rc = IPP_ESTORE;
	}
	db->pq->clear(res);
	return rc;
}

/* The first column of sql's first row as text ("" for none or NULL). */
static int
pg_value(struct ipp_db *db, const char *sql, char *out, size_t size)
{
	PGresult *res = db->pq->exec(db->pg, sql);
	int rc = IPP_OK;

	out[0] = '\0';
	if (db->pq->resultStatus(res) != PGRES_TUPLES_OK) {
		pg_note(db, res);
		rc = IPP_ESTORE;
	} else if (db->pq->ntuples(res) > 0 && db->pq->nfields(res) > 0 &&
	    !db->pq->getisnull(res, 0, 0))
		snprintf(out, size, "%s", db->pq->getvalue(res, 0, 0));
	db->pq->clear(res);
	return rc;
}

int
ipp_db_open_pg(struct ipp_db **dbp, const char *conninfo, char **errp)
{
	struct ipp_db *db;
	int rc;

	*dbp = NULL;
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	db->kind = IPP_DB_PG;
	if ((rc = ipp_pq_load(&db->pq, errp)) != IPP_OK) {
		free(db);
		return rc;
	}
	db->pg = db->pq->connectdb(conninfo);
	if (db->pg == NULL || db->pq->status(db->pg) != CONNECTION_OK) {
		pg_note(db, NULL);
		rc = ipp_error(errp, IPP_ESTORE, "cannot connect to the store "
		    "'%s': %s", conninfo, db->msg ? db->msg : "out of memory");
		ipp_db_close(db);
		return rc;
	}
	db->pq->setNoticeProcessor(db->pg, quiet, NULL);
	/* The busy timeout's counterpart, for the write lock. */
	if (pg_simple(db, "SET lock_timeout = '15s';"
	    " SET client_min_messages = warning") != IPP_OK) {
		rc = ipp_error(errp, IPP_ESTORE, "store '%s': %s", conninfo,
		    db->msg);
		ipp_db_close(db);
		return rc;
	}
	*dbp = db;
	return IPP_OK;
}

void
ipp_db_closing(struct ipp_db *db)
{
	if (db != NULL)
		db->closing = 1;
}

void
ipp_db_close(struct ipp_db *db)
{
	if (db == NULL)
		return;
	if (db->lite != NULL) {
		sqlite3_finalize(db->rollback);
		sqlite3_close(db->lite);
	}
	if (db->pg != NULL)
		db->pq->finish(db->pg);
	free(db->msg);
	free(db);
}

enum ipp_db_kind
ipp_db_kind(const struct ipp_db *db)
{
	return db->kind;
}

const char *
ipp_db_errmsg(const struct ipp_db *db)
{
	if (db->kind == IPP_DB_SQLITE)
		return sqlite3_errmsg(db->lite);
	return db->msg != NULL ? db->msg : "no error";
}

enum ipp_db_errkind
ipp_db_errkind(const struct ipp_db *db)
{
	int code;

	if (db->kind == IPP_DB_PG)
		return db->errkind;
	code = sqlite3_extended_errcode(db->lite);
	if (code == SQLITE_CONSTRAINT_UNIQUE ||
	    code == SQLITE_CONSTRAINT_PRIMARYKEY)
		return IPP_DB_EUNIQUE;
	if ((code & 0xff) == SQLITE_CONSTRAINT)
		return IPP_DB_ECONSTRAINT;
	if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
		return IPP_DB_EBUSY;
	return IPP_DB_EOTHER;
}

int
ipp_db_exec(struct ipp_db *db, const char *sql, char **errp)
{
	char *msg = NULL;
	int rc;

	if (db->kind == IPP_DB_PG) {
		/* SQLite's own tuning (journal, temp store, foreign keys
		 * off for a bulk load): PostgreSQL has none of it to set. */
		if (strncmp(sql, "PRAGMA ", 7) == 0)
			return IPP_OK;
		if (pg_simple(db, sql) == IPP_OK)
			return IPP_OK;
		return ipp_error(errp, IPP_ESTORE, "%s", db->msg);
	}
	if (sqlite3_exec(db->lite, sql, NULL, NULL, &msg) == SQLITE_OK)
		return IPP_OK;
	rc = ipp_error(errp, IPP_ESTORE, "%s",
	    msg != NULL ? msg : sqlite3_errmsg(db->lite));
	sqlite3_free(msg);
	return rc;
}

int
ipp_db_in_transaction(struct ipp_db *db)
{
	if (db->kind == IPP_DB_PG)
		return db->pq->transactionStatus(db->pg) != PQTRANS_IDLE;
	return !sqlite3_get_autocommit(db->lite);
}

int
ipp_db_begin_read(struct ipp_db *db, char **errp)
{
	return ipp_db_exec(db, db->kind == IPP_DB_PG ?
	    "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN", errp);
}

int
ipp_db_begin_write(struct ipp_db *db, char **errp)
{
	int rc;

	if (db->kind == IPP_DB_SQLITE)
		return ipp_db_exec(db, "BEGIN IMMEDIATE", errp);
	rc = ipp_db_exec(db, "BEGIN ISOLATION LEVEL READ COMMITTED;"
	    " SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")", errp);
	if (rc != IPP_OK)
		ipp_db_rollback(db);
	return rc;
}

int
ipp_db_commit(struct ipp_db *db, char **errp)
{
	if (db->kind == IPP_DB_PG &&
	    db->pq->transactionStatus(db->pg) == PQTRANS_INERROR) {
		/* COMMIT would answer ROLLBACK, quietly. */
		ipp_db_rollback(db);
		return ipp_error(errp, IPP_ESTORE, "%s", ipp_db_errmsg(db));
	}
	if (ipp_db_exec(db, "COMMIT", errp) == IPP_OK)
		return IPP_OK;
	ipp_db_rollback(db);
	return IPP_ESTORE;
}

void
ipp_db_rollback(struct ipp_db *db)
{
	if (!ipp_db_in_transaction(db))
		return;
	if (db->kind == IPP_DB_SQLITE && db->rollback != NULL) {
		sqlite3_step(db->rollback);
		sqlite3_reset(db->rollback);
		if (!ipp_db_in_transaction(db))
			return;
	}
	ipp_db_exec(db, "ROLLBACK", NULL);
}

int
ipp_db_changes(struct ipp_db *db)
{
	if (db->kind == IPP_DB_PG)
		return db->changes;
	return sqlite3_changes(db->lite);
}

int64_t
ipp_db_last_id(struct ipp_db *db)
{
	PGresult *res;
	int64_t id = 0;

	if (db->kind == IPP_DB_SQLITE)
		return sqlite3_last_insert_rowid(db->lite);
	res = db->pq->exec(db->pg, "SELECT lastval()");
	if (db->pq->resultStatus(res) == PGRES_TUPLES_OK &&
	    db->pq->ntuples(res) == 1)
		id = strtoll(db->pq->getvalue(res, 0, 0), NULL, 10);
	db->pq->clear(res);
	return id;
}

int
ipp_db_schema_version(struct ipp_db *db, int *version, char **errp)
{
	struct ipp_stmt *st;
	const char *sql = "PRAGMA user_version";
	char value[24];
	int rc;

	*version = 0;
	if (db->kind == IPP_DB_PG) {
		/*
		 * Simple queries, a round trip each (a statement prepared,
		 * run and deallocated was three).  An empty database has
		 * no ipp_schema yet: version 0.
		 */
		if ((rc = pg_value(db, "SELECT to_regclass('ipp_schema')"
		    " IS NOT NULL", value, sizeof(value))) == IPP_OK &&
		    strcmp(value, "t") == 0)
			rc = pg_value(db, "SELECT max(version) FROM ipp_schema",
			    value, sizeof(value));
		else
			value[0] = '\0';
		if (rc != IPP_OK)
			return ipp_error(errp, IPP_ESTORE, "cannot read the "
			    "schema version: %s", ipp_db_errmsg(db));
		*version = atoi(value);
		return IPP_OK;
	}
	if ((rc = ipp_db_prepare(db, sql, &st, errp)) != IPP_OK)
		return rc;
	rc = ipp_stmt_step(st);
	if (rc == IPP_STMT_ROW)
		*version = (int)ipp_stmt_int(st, 0);
	ipp_stmt_finalize(st);
	if (rc != IPP_STMT_ROW)
		return ipp_error(errp, IPP_ESTORE, "cannot read the schema "
		    "version: %s", ipp_db_errmsg(db));
	return IPP_OK;
}

int
ipp_db_set_schema_version(struct ipp_db *db, int version, char **errp)
{
	char sql[160];

	if (db->kind == IPP_DB_SQLITE)
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", version);
	else
		snprintf(sql, sizeof(sql), "CREATE TABLE IF NOT EXISTS"
		    " ipp_schema (version INTEGER NOT NULL);"
		    " DELETE FROM ipp_schema;"
		    " INSERT INTO ipp_schema VALUES (%d)", version);
	return ipp_db_exec(db, sql, errp);
}

/* 1 when word starts at p, whole (not inside a longer name). */
static int
word_at(const char *sql, const char *p, const char *word)
{
	size_t n = strlen(word);

	return strncmp(p, word, n) == 0 &&
	    (p == sql || !(isalnum((unsigned char)p[-1]) || p[-1] == '_')) &&
	    !(isalnum((unsigned char)p[n]) || p[n] == '_');
}

char *
ipp_db_ddl(const struct ipp_db *db, const char *sql)
{
	static const char rowid[] = "INTEGER PRIMARY KEY";
	static const char identity[] =
	    "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
	const char *p;
	char *out, *o;
	char quote = 0;
	size_t size;

	if (db->kind == IPP_DB_SQLITE)
		return strdup(sql);
	/* Each replacement is at most 36 bytes longer than what it replaces. */
	size = strlen(sql) * 3 + 1;
	if ((out = malloc(size)) == NULL)
		return NULL;
	for (p = sql, o = out; *p != '\0'; ) {
		if (quote != 0 || *p == '\'' || *p == '"') {
			if (quote == 0)
				quote = *p;
			else if (*p == quote)
				quote = 0;
			*o++ = *p++;
		} else if (word_at(sql, p, rowid)) {
			memcpy(o, identity, sizeof(identity) - 1);
			o += sizeof(identity) - 1;
			p += sizeof(rowid) - 1;
		} else if (word_at(sql, p, "INTEGER")) {
			memcpy(o, "BIGINT", 6);
			o += 6;
			p += 7;
		} else
			*o++ = *p++;
	}
	*o = '\0';
	return out;
}

int
ipp_db_try_lock(struct ipp_db *db, int64_t key, char **errp)
{
	char sql[96];
	struct ipp_stmt *st;
	int rc;

	if (db->kind == IPP_DB_SQLITE)
		return 1;
	snprintf(sql, sizeof(sql), "SELECT pg_try_advisory_lock(%" PRId64
	    ")", key);
	if ((rc = ipp_db_prepare(db, sql, &st, errp)) != IPP_OK)
		return rc;
	rc = ipp_stmt_step(st);
	if (rc == IPP_STMT_ROW)
		rc = ipp_stmt_int(st, 0) != 0;
	else
		rc = ipp_error(errp, IPP_ESTORE, "cannot take a lock: %s",
		    ipp_db_errmsg(db));
	ipp_stmt_finalize(st);
	return rc;
}

int
ipp_db_lock(struct ipp_db *db, int64_t key, char **errp)
{
	char sql[96];

	if (db->kind == IPP_DB_SQLITE)
		return IPP_OK;
	snprintf(sql, sizeof(sql), "SELECT pg_advisory_lock(%" PRId64 ")",
	    key);
	return ipp_db_exec(db, sql, errp);
}

int
ipp_db_lock_shared(struct ipp_db *db, int64_t key, char **errp)
{
	char sql[96];

	if (db->kind == IPP_DB_SQLITE)
		return IPP_OK;
	snprintf(sql, sizeof(sql), "SELECT pg_advisory_lock_shared(%" PRId64
	    ")", key);
	return ipp_db_exec(db, sql, errp);
}

sqlite3 *
ipp_db_sqlite(struct ipp_db *db)
{
	return db->lite;
}

void
ipp_db_unlock(struct ipp_db *db, int64_t key)
{
	char sql[96];

	if (db->kind == IPP_DB_SQLITE)
		return;
	snprintf(sql, sizeof(sql), "SELECT pg_advisory_unlock(%" PRId64 ")",
	    key);
	pg_simple(db, sql);
}

/* ---- statements ---- */

/* 1 when the placeholder ending before p is tested for NULL. */
static int
null_test(const char *p)
{
	return strncmp(p, " IS NULL", 8) == 0 ||
	    strncmp(p, " IS NOT NULL", 12) == 0;
}

/*
 * sql with each `?` outside quotes as $n and each `?NNN` (SQLite's
 * numbered form) as $NNN; *n gets the count.  A placeholder tested for
 * NULL (`? IS NULL`, the optional filters' idiom) gets a parameter of
 * its own, typed text, carrying the same value: PostgreSQL gives one
 * parameter one type, and the other uses of it decide that one (an id
 * compared with an integer column is an integer).  (*alias)[k] is the
 * parameter (0-based) whose value parameter *n + k + 1 repeats.
 */
static char *
pg_sql(const char *sql, int *n, int **alias, int *nalias)
{
	const char *p;
	char *out = NULL, *o = NULL, *end;
	char quote;
	size_t size = 0;
	long num;
	int pass, k = 0, base = 0;

	*alias = NULL;
	*nalias = 0;
	/* Pass 0 counts; pass 1 writes, numbering aliases after the rest. */
	for (pass = 0; pass < 2; pass++) {
		*n = 0;
		k = 0;
		quote = 0;
		o = out;
		for (p = sql; *p != '\0'; p++) {
			if (quote != 0 || *p != '?') {
				if (quote != 0 && *p == quote)
					quote = 0;
				else if (quote == 0 && (*p == '\'' || *p == '"'))
					quote = *p;
				if (pass == 1)
					*o++ = *p;
				continue;
			}
			if (isdigit((unsigned char)p[1])) {
				num = strtol(p + 1, &end, 10);
				p = end - 1;
			} else	/* SQLite: one more than the largest so far */
				num = *n + 1;
			if (num > *n)
				*n = (int)num;
			if (!null_test(p + 1)) {
				if (pass == 1)
					o += snprintf(o, size - (size_t)(o - out),
					    "$%ld", num);
				continue;
			}
			if (pass == 1) {
				(*alias)[k] = (int)num - 1;
				o += snprintf(o, size - (size_t)(o - out),
				    "$%d::text", base + k + 1);
			}
			k++;
		}
		if (pass == 1)
			break;
		base = *n;
		/* "$65535::text" is 12 bytes for each 1-byte `?`. */
		size = strlen(sql) * 12 + 1;
		if ((out = malloc(size)) == NULL ||
		    (*alias = calloc((size_t)k + 1, sizeof(int))) == NULL) {
			free(out);
			return NULL;
		}
	}
	*o = '\0';
	*nalias = k;
	return out;
}

static int
is_write(const char *sql)
{
	while (isspace((unsigned char)*sql))
		sql++;
	return strncasecmp(sql, "INSERT", 6) == 0 ||
	    strncasecmp(sql, "UPDATE", 6) == 0 ||
	    strncasecmp(sql, "DELETE", 6) == 0;
}

/*
 * The parameter PostgreSQL could not type (42P18 or 42P08, "could not
 * determine data type of parameter $N"), or 0.
 */
static int
pg_untyped(const struct ipp_db *db, const PGresult *res)
{
	const char *state, *m;

	state = db->pq->resultErrorField(res, PG_DIAG_SQLSTATE);
	m = db->pq->resultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (state == NULL || (strcmp(state, "42P18") != 0 &&
	    strcmp(state, "42P08") != 0) || m == NULL ||
	    strstr(m, "data type of parameter $") == NULL ||
	    (m = strchr(m, '$')) == NULL)
		return 0;
	return atoi(m + 1);
}

/*
 * Readies the statement: its text with $n placeholders and its
 * parameters.  The server prepares it at its first run, in that run's
 * round trip (pg_pipeline), letting the server infer each parameter's
 * type from its use; so a bad statement fails at its first step.
 */
static int
pg_prepare(struct ipp_db *db, const char *sql, struct ipp_stmt *st,
    char **errp)
{
	int i;

	if ((st->text = pg_sql(sql, &st->nparams, &st->alias, &i)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	st->nsent = st->nparams + i;
	snprintf(st->name, sizeof(st->name), "ipp_%u", ++db->nstmts);
	st->is_write = is_write(sql);
	if (st->nsent > 0 &&
	    ((st->values = calloc((size_t)st->nsent,
	    sizeof(*st->values))) == NULL ||
	    (st->owned = calloc((size_t)st->nparams + 1,
	    sizeof(*st->owned))) == NULL ||
	    (st->num = calloc((size_t)st->nparams + 1,
	    sizeof(*st->num))) == NULL ||
	    (st->types = calloc((size_t)st->nsent,
	    sizeof(*st->types))) == NULL))
		return ipp_error(errp, IPP_ESYS, "out of memory");
	for (i = st->nparams; i < st->nsent; i++)
		st->types[i] = TEXTOID;
	return IPP_OK;
}

int
ipp_db_prepare(struct ipp_db *db, const char *sql, struct ipp_stmt **stp,
    char **errp)
{
	struct ipp_stmt *st;
	int rc;

	*stp = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	st->db = db;
	if (db->kind == IPP_DB_SQLITE) {
		if (sqlite3_prepare_v3(db->lite, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &st->lite, NULL) != SQLITE_OK) {
			rc = ipp_error(errp, IPP_ESTORE, "%s",
			    sqlite3_errmsg(db->lite));
			free(st);
			return rc;
		}
	} else if ((rc = pg_prepare(db, sql, st, errp)) != IPP_OK) {
		ipp_stmt_finalize(st);
		return rc;
	}
	*stp = st;
	return IPP_OK;
}

void
ipp_stmt_finalize(struct ipp_stmt *st)
{
	char *sql;
	size_t i;

	if (st == NULL)
		return;
	if (st->lite != NULL)
		sqlite3_finalize(st->lite);
	if (st->db->kind == IPP_DB_PG && st->db->batch) {
		/* Not in a pipeline: the session's end deallocates it. */
		for (i = 0; i < st->db->nqueued; i++)
			if (st->db->queued[i].st == st)
				st->db->queued[i].st = NULL;
		ipp_stmt_clear(st);
	} else if (st->db->kind == IPP_DB_PG) {
		ipp_stmt_clear(st);
		if (st->prepared && st->db->pg != NULL &&
		    !st->db->closing &&
		    (sql = ipp_strdup_printf("DEALLOCATE %s", st->name)) !=
		    NULL) {
			/* Not inside a failed transaction: it would fail too. */
			if (st->db->pq->transactionStatus(st->db->pg) !=
			    PQTRANS_INERROR)
				pg_simple(st->db, sql);
			free(sql);
		}
	}
	free(st->values);
	free(st->text);
	free(st->types);
	free(st->alias);
	free(st->owned);
	free(st->num);
	free(st);
}

int
ipp_stmt_params(const struct ipp_stmt *st)
{
	if (st->lite != NULL)
		return sqlite3_bind_parameter_count(st->lite);
	return st->nparams;
}

/* Drops the copy parameter i held (1-based), if any. */
static int
pg_slot(struct ipp_stmt *st, int i)
{
	if (i < 1 || i > st->nparams)
		return 0;
	free(st->owned[i - 1]);
	st->owned[i - 1] = NULL;
	return 1;
}

void
ipp_stmt_bind_int(struct ipp_stmt *st, int i, int64_t v)
{
	if (st->lite != NULL) {
		sqlite3_bind_int64(st->lite, i, v);
		return;
	}
	if (!pg_slot(st, i))
		return;
	snprintf(st->num[i - 1], sizeof(st->num[0]), "%" PRId64, v);
	st->values[i - 1] = st->num[i - 1];
}

void
ipp_stmt_bind_text(struct ipp_stmt *st, int i, const char *text)
{
	if (st->lite != NULL) {
		if (text == NULL)
			sqlite3_bind_null(st->lite, i);
		else
			sqlite3_bind_text(st->lite, i, text, -1,
			    SQLITE_TRANSIENT);
		return;
	}
	if (!pg_slot(st, i))
		return;
	/* Out of memory binds NULL, which the statement then refuses. */
	st->owned[i - 1] = text != NULL ? strdup(text) : NULL;
	st->values[i - 1] = st->owned[i - 1];
}

void
ipp_stmt_bind_static(struct ipp_stmt *st, int i, const char *text)
{
	if (st->lite != NULL) {
		if (text == NULL)
			sqlite3_bind_null(st->lite, i);
		else
			sqlite3_bind_text(st->lite, i, text, -1, SQLITE_STATIC);
		return;
	}
	if (pg_slot(st, i))
		st->values[i - 1] = text;
}

void
ipp_stmt_bind_null(struct ipp_stmt *st, int i)
{
	ipp_stmt_bind_static(st, i, NULL);
}

/* Back to before the savepoint of pg_pipeline, keeping the failure. */
static void
pg_restore(struct ipp_db *db)
{
	char *msg = db->msg;
	enum ipp_db_errkind kind = db->errkind;

	if (db->pq->transactionStatus(db->pg) != PQTRANS_INERROR)
		return;
	db->msg = NULL;
	pg_simple(db, "ROLLBACK TO SAVEPOINT ipp_stmt;"
	    " RELEASE SAVEPOINT ipp_stmt");
	free(db->msg);
	db->msg = msg;
	db->errkind = kind;
}

/*
 * Runs the statement in one round trip, a pipeline: preparing it first
 * when the server has not yet (so that preparing costs no round trip of
 * its own), and, when guard, under a savepoint (SAVEPOINT, the
 * statement, RELEASE) that a failure rolls back, so that the
 * transaction carries on as SQLite's does.  A parameter the server
 * could not type (used only in `? IS NULL` or a select list) is typed
 * text and the statement prepared again: as in SQLite, it is then
 * compared as what it holds.  *resp gets the statement's result.
 */
static int
pg_pipeline(struct ipp_stmt *st, int guard, PGresult **resp)
{
	struct ipp_db *db = st->db;
	const struct ipp_pq *pq = db->pq;
	PGresult *r, *res = NULL, *prep = NULL;
	ExecStatusType status;
	int n = 0, failed = 0, sent, nulls, untyped;
	int prepare = !st->prepared, at_prep = guard, at_stmt = guard + prepare;

	*resp = NULL;
	sent = pq->enterPipelineMode(db->pg) &&
	    (!guard || pq->sendQueryParams(db->pg, "SAVEPOINT ipp_stmt", 0,
	    NULL, NULL, NULL, NULL, 0)) &&
	    (!prepare || pq->sendPrepare(db->pg, st->name, st->text,
	    st->nsent, st->types)) &&
	    pq->sendQueryPrepared(db->pg, st->name, st->nsent, st->values,
	    NULL, NULL, 0) &&
	    (!guard || pq->sendQueryParams(db->pg, "RELEASE SAVEPOINT "
	    "ipp_stmt", 0, NULL, NULL, NULL, NULL, 0)) &&
	    pq->pipelineSync(db->pg);
	if (!sent) {
		pg_note(db, NULL);
		pq->exitPipelineMode(db->pg);
		return IPP_ESTORE;
	}
	/*
	 * A result for each query, each followed by NULL, then the sync's;
	 * NULL twice in a row is a connection gone.
	 */
	for (nulls = 0; nulls < 2; ) {
		if ((r = pq->getResult(db->pg)) == NULL) {
			nulls++;
			continue;
		}
		nulls = 0;
		status = pq->resultStatus(r);
		if (status == PGRES_PIPELINE_SYNC) {
			pq->clear(r);
			break;
		}
		if (n == at_stmt)
			res = r;	/* the statement's */
		else if (prepare && n == at_prep)
			prep = r;
		else {
			if (status != PGRES_COMMAND_OK &&
			    status != PGRES_PIPELINE_ABORTED && !failed) {
				pg_note(db, r);
				failed = 1;
			}
			pq->clear(r);
		}
		n++;
	}
	pq->exitPipelineMode(db->pg);
	if (prep != NULL && pq->resultStatus(prep) != PGRES_COMMAND_OK) {
		untyped = pg_untyped(db, prep);
		pg_note(db, prep);
		pq->clear(prep);
		pq->clear(res);
		if (guard)
			pg_restore(db);
		if (untyped < 1 || untyped > st->nsent ||
		    st->types[untyped - 1] != 0)
			return IPP_ESTORE;
		st->types[untyped - 1] = TEXTOID;
		return pg_pipeline(st, guard, resp);
	}
	if (prep != NULL) {
		st->prepared = 1;
		pq->clear(prep);
	}
	status = res != NULL ? pq->resultStatus(res) : PGRES_FATAL_ERROR;
	if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
		if (failed) {
			pq->clear(res);
			return IPP_ESTORE;
		}
		*resp = res;
		return IPP_OK;
	}
	if (res != NULL)
		pg_note(db, res);
	pq->clear(res);
	if (guard)
		pg_restore(db);
	return IPP_ESTORE;
}

/* Queues a write of the batch (see ipp_db_batch_begin). */
static int
pg_batch_send(struct ipp_stmt *st)
{
	struct ipp_db *db = st->db;
	struct batched *grown;
	int prep = !st->prepared;

	if (!st->is_write) {
		free(db->msg);
		db->msg = strdup("a read in a batch of writes");
		db->errkind = IPP_DB_EOTHER;
		return IPP_ESTORE;
	}
	if (db->nqueued == db->capqueued) {
		db->capqueued = db->capqueued ? 2 * db->capqueued : 16;
		if ((grown = realloc(db->queued, db->capqueued *
		    sizeof(*grown))) == NULL) {
			free(db->msg);
			db->msg = strdup("out of memory");
			db->errkind = IPP_DB_EOTHER;
			return IPP_ESTORE;
		}
		db->queued = grown;
	}
	if ((prep && !db->pq->sendPrepare(db->pg, st->name, st->text,
	    st->nsent, st->types)) ||
	    !db->pq->sendQueryPrepared(db->pg, st->name, st->nsent,
	    st->values, NULL, NULL, 0)) {
		pg_note(db, NULL);
		return IPP_ESTORE;
	}
	/* Prepared unless its Parse fails, which batch_end sees. */
	st->prepared = 1;
	db->queued[db->nqueued].st = st;
	db->queued[db->nqueued++].prep = prep;
	db->changes = 0;
	return IPP_OK;
}

int
ipp_db_batch_begin(struct ipp_db *db, char **errp)
{
	if (db->kind == IPP_DB_SQLITE)
		return ipp_db_exec(db, "SAVEPOINT ipp_batch", errp);
	if (db->batch || db->pq->transactionStatus(db->pg) != PQTRANS_INTRANS)
		return ipp_error(errp, IPP_ESTORE, "a batch of writes needs "
		    "a transaction of its own");
	if (!db->pq->enterPipelineMode(db->pg) ||
	    !db->pq->sendQueryParams(db->pg, "SAVEPOINT ipp_batch", 0, NULL,
	    NULL, NULL, NULL, 0)) {
		pg_note(db, NULL);
		db->pq->exitPipelineMode(db->pg);
		return ipp_error(errp, IPP_ESTORE, "%s", db->msg);
	}
	db->batch = 1;
	db->nqueued = 0;
	return IPP_OK;
}

int
ipp_db_batch_end(struct ipp_db *db, int rc)
{
	const struct ipp_pq *pq = db->pq;
	PGresult *r;
	ExecStatusType status;
	size_t k = 0;
	int failed = 0, nulls, first = 0, parsed = 0;
	char *msg;
	enum ipp_db_errkind kind;

	if (db->kind == IPP_DB_SQLITE) {
		if (rc == IPP_OK &&
		    ipp_db_exec(db, "RELEASE ipp_batch", NULL) == IPP_OK)
			return IPP_OK;
		/* The undoing resets the failure's code and text. */
		sqlite3_exec(db->lite, "ROLLBACK TO ipp_batch;"
		    " RELEASE ipp_batch", NULL, NULL, NULL);
		return rc != IPP_OK ? rc : IPP_ESTORE;
	}
	if (!db->batch)
		return IPP_ESTORE;
	/*
	 * The caller's own failure (rc) undoes the batch in the pipeline:
	 * released first, the savepoint could not be rolled back to.
	 */
	if ((rc != IPP_OK && !pq->sendQueryParams(db->pg,
	    "ROLLBACK TO SAVEPOINT ipp_batch", 0, NULL, NULL, NULL, NULL,
	    0)) || !pq->sendQueryParams(db->pg, "RELEASE SAVEPOINT ipp_batch",
	    0, NULL, NULL, NULL, NULL, 0) || !pq->pipelineSync(db->pg)) {
		pg_note(db, NULL);
		failed = 1;
	}
	/*
	 * The results in order: SAVEPOINT, per statement its Parse (when
	 * sent) and its run, RELEASE, then the sync; each followed by NULL.
	 * NULL twice in a row is a connection gone.
	 */
	for (nulls = 0; nulls < 2; ) {
		if ((r = pq->getResult(db->pg)) == NULL) {
			nulls++;
			continue;
		}
		nulls = 0;
		status = pq->resultStatus(r);
		if (status == PGRES_PIPELINE_SYNC) {
			pq->clear(r);
			break;
		}
		if (!first) {
			first = 1;	/* SAVEPOINT's */
		} else if (k < db->nqueued) {
			if (db->queued[k].prep && !parsed) {
				/* Skipped or failed: not prepared after all. */
				if (status != PGRES_COMMAND_OK &&
				    db->queued[k].st != NULL)
					db->queued[k].st->prepared = 0;
				parsed = 1;
			} else {
				k++;	/* the statement's run */
				parsed = 0;
			}
		}
		if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
		    status != PGRES_PIPELINE_ABORTED && !failed) {
			pg_note(db, r);
			failed = 1;
		}
		pq->clear(r);
	}
	pq->exitPipelineMode(db->pg);
	db->batch = 0;
	db->nqueued = 0;
	if (!failed)
		return rc;	/* whole, or undone above */
	/* Back to before the batch, keeping the failure. */
	msg = db->msg;
	kind = db->errkind;
	db->msg = NULL;
	if (pq->transactionStatus(db->pg) != PQTRANS_IDLE)
		pg_simple(db, "ROLLBACK TO SAVEPOINT ipp_batch;"
		    " RELEASE SAVEPOINT ipp_batch");
	free(db->msg);
	db->msg = msg;
	db->errkind = kind;
	return rc != IPP_OK ? rc : IPP_ESTORE;
}

/* Runs a PostgreSQL statement: its rows, or its count of changes. */
static int
pg_run(struct ipp_stmt *st)
{
	struct ipp_db *db = st->db;
	const struct ipp_pq *pq = db->pq;
	struct timespec pause = { 0, 2 * 1000 * 1000 };
	PGresult *res;
	ExecStatusType status;
	int tries, in_tx, i;

	for (i = st->nparams; i < st->nsent; i++)
		st->values[i] = st->values[st->alias[i - st->nparams]];
	/* The kind of this run's failure, not of an earlier one. */
	db->errkind = IPP_DB_EOTHER;
	if (db->batch)
		return pg_batch_send(st);
	in_tx = pq->transactionStatus(db->pg) == PQTRANS_INTRANS;
	for (tries = 0; ; tries++) {
		/*
		 * A write in a transaction under a savepoint (not SAVEPOINT
		 * and its kin, which the savepoint's release would undo); a
		 * statement not prepared yet, prepared in its round trip.
		 */
		if ((in_tx && st->is_write) || !st->prepared) {
			if (pg_pipeline(st, in_tx && st->is_write, &res) ==
			    IPP_OK)
				break;
			/* A conflict outside a transaction: run it again. */
			if (!in_tx && tries < PG_RETRIES && db->retry) {
				nanosleep(&pause, NULL);
				continue;
			}
			return IPP_ESTORE;
		}
		res = pq->execPrepared(db->pg, st->name, st->nsent,
		    st->values, NULL, NULL, 0);
		status = pq->resultStatus(res);
		if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
			break;
		pg_note(db, res);
		/* A conflict outside a transaction: run it again. */
		if (!in_tx && tries < PG_RETRIES && pg_retryable(res, pq)) {
			pq->clear(res);
			nanosleep(&pause, NULL);
			continue;
		}
		pq->clear(res);
		return IPP_ESTORE;
	}
	status = pq->resultStatus(res);
	db->changes = atoi(pq->cmdTuples(res));
	if (status == PGRES_TUPLES_OK) {
		st->res = res;
		st->nrows = pq->ntuples(res);
	} else
		pq->clear(res);
	return IPP_OK;
}

int
ipp_stmt_step(struct ipp_stmt *st)
{
	int rc;

	if (st->lite != NULL) {
		rc = sqlite3_step(st->lite);
		if (rc == SQLITE_ROW)
			return IPP_STMT_ROW;
		return rc == SQLITE_DONE ? IPP_STMT_DONE : IPP_ESTORE;
	}
	if (!st->executed) {
		st->executed = 1;
		st->row = -1;
		if ((rc = pg_run(st)) != IPP_OK)
			return rc;
	}
	if (st->res == NULL)
		return IPP_STMT_DONE;
	if (st->row + 1 < st->nrows) {
		st->row++;
		return IPP_STMT_ROW;
	}
	st->row = st->nrows;
	return IPP_STMT_DONE;
}

int
ipp_stmt_columns(const struct ipp_stmt *st)
{
	if (st->lite != NULL)
		return sqlite3_column_count(st->lite);
	return st->res != NULL ? st->db->pq->nfields(st->res) : 0;
}

const char *
ipp_stmt_column_name(const struct ipp_stmt *st, int i)
{
	if (st->lite != NULL)
		return sqlite3_column_name(st->lite, i);
	return st->res != NULL ? st->db->pq->fname(st->res, i) : NULL;
}

/* 1 when the PostgreSQL statement has a current row and column i. */
static int
pg_cell(const struct ipp_stmt *st, int i)
{
	return st->res != NULL && st->row >= 0 && st->row < st->nrows &&
	    i >= 0 && i < st->db->pq->nfields(st->res);
}

int
ipp_stmt_is_null(struct ipp_stmt *st, int i)
{
	if (st->lite != NULL)
		return sqlite3_column_type(st->lite, i) == SQLITE_NULL;
	return !pg_cell(st, i) ||
	    st->db->pq->getisnull(st->res, st->row, i);
}

const char *
ipp_stmt_text(struct ipp_stmt *st, int i)
{
	const char *v;

	if (st->lite != NULL)
		return (const char *)sqlite3_column_text(st->lite, i);
	if (ipp_stmt_is_null(st, i))
		return NULL;
	v = st->db->pq->getvalue(st->res, st->row, i);
	/* A comparison's value, as SQLite gives it. */
	if (st->db->pq->ftype(st->res, i) == BOOLOID)
		return strcmp(v, "t") == 0 ? "1" : "0";
	return v;
}

size_t
ipp_stmt_bytes(struct ipp_stmt *st, int i)
{
	const char *v;

	if (st->lite != NULL)
		return (size_t)sqlite3_column_bytes(st->lite, i);
	v = ipp_stmt_text(st, i);
	return v != NULL ? strlen(v) : 0;
}

int64_t
ipp_stmt_int(struct ipp_stmt *st, int i)
{
	const char *v;

	if (st->lite != NULL)
		return sqlite3_column_int64(st->lite, i);
	v = ipp_stmt_text(st, i);
	return v != NULL ? strtoll(v, NULL, 10) : 0;
}

void
ipp_stmt_reset(struct ipp_stmt *st)
{
	if (st->lite != NULL) {
		sqlite3_reset(st->lite);
		return;
	}
	if (st->res != NULL)
		st->db->pq->clear(st->res);
	st->res = NULL;
	st->executed = 0;
	st->row = -1;
	st->nrows = 0;
}

void
ipp_stmt_clear(struct ipp_stmt *st)
{
	int i;

	ipp_stmt_reset(st);
	if (st->lite != NULL) {
		sqlite3_clear_bindings(st->lite);
		return;
	}
	for (i = 0; i < st->nparams; i++) {
		free(st->owned[i]);
		st->owned[i] = NULL;
		st->values[i] = NULL;
	}
}
