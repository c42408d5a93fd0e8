#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "err.h"
#include "store.h"
#include "store_sqlite.h"
#include "tsv.h"
#include "banned.h"

#define BUSY_TIMEOUT_MS 15000
#define STMT_CACHE 64
/* The documents' lock on PostgreSQL (an advisory lock, see db.h). */
#define PG_DOCS_LOCK 7000944641LL
#define PG_MAIL_LOCK 7000944642LL

struct cached_stmt {
	const char	*sql;		/* key: the literal's address */
	struct ipp_stmt	*stmt;		/* prepared once, reset per use */
};

struct ipp_store {
	struct ipp_db	*db;		/* the connection */
	char		*file;		/* database file, or PostgreSQL's name */
	char		*dir;		/* directory holding it, docs/, outbox/;
					 * on PostgreSQL this machine's own */
	int		 pg;		/* the database is PostgreSQL */
	int		 version;	/* user_version after migrations */
	struct cached_stmt cache[STMT_CACHE];	/* see ipp_store_stmt */
	int		 ncache;	/* entries used in cache */
	int		 docs_fd;	/* docs/.lock when held, else -1 */
	int		 docs_mode;	/* LOCK_SH or LOCK_EX when held, else 0 */
	int		 in_txn;	/* between ipp_store_begin and its end */
};

int
ipp_store_path(char **pathp, const char *explicit, char **errp)
{
	const char *env;

	*pathp = NULL;
	if (explicit != NULL)
		*pathp = strdup(explicit);
	else if ((env = getenv("IPP_DB")) != NULL && *env != '\0')
		*pathp = strdup(env);
	else if ((env = getenv("XDG_DATA_HOME")) != NULL && *env == '/')
		*pathp = ipp_strdup_printf("%s/ipp/ipp.db", env);
	else if ((env = getenv("HOME")) != NULL && *env != '\0')
		*pathp = ipp_strdup_printf("%s/.local/share/ipp/ipp.db", env);
	else
		return ipp_error(errp, IPP_EUSAGE,
		    "no store: set IPP_DB or HOME, or pass -d PATH");
	if (*pathp == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	return IPP_OK;
}

/* mkdir -p with mode 0700 for every directory it creates. */
static int
make_dirs(const char *dir, char **errp)
{
	char *p, *copy;
	int rc = IPP_OK;

	if ((copy = strdup(dir)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	for (p = copy + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
			rc = ipp_error(errp, IPP_ESTORE, "cannot create '%s': %s",
			    copy, strerror(errno));
			break;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	free(copy);
	return rc;
}

static char *
dir_of(const char *file)
{
	const char *slash = strrchr(file, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == file)
		return strdup("/");
	return strndup(file, (size_t)(slash - file));
}

const char *
ipp_store_netfs(long long f_type)
{
	/* statfs(2) magic numbers, as in <linux/magic.h>. */
	static const struct {
		long long	 magic;
		const char	*name;
	} net[] = {
		{ 0x6969, "NFS" },
		{ 0x517b, "SMB" },
		{ 0xff534d42, "CIFS" },
		{ 0xfe534d42, "SMB2" },
		{ 0x65735546, "FUSE" },
		{ 0x01021997, "9P" },
		{ 0x00c36400, "Ceph" },
		{ 0x5346414f, "AFS" },
	};
	size_t i;

	for (i = 0; i < sizeof(net) / sizeof(net[0]); i++)
		if ((f_type & 0xffffffffLL) == net[i].magic)
			return net[i].name;
	return NULL;
}

/*
 * Refuses a store on a network filesystem, where SQLite's WAL index (the
 * -shm file, shared memory) and its locks do not hold across hosts, unless
 * IPP_ALLOW_NETFS=1.  The store may not exist yet: the nearest directory
 * that does decides.  Where statfs cannot tell, nothing is refused.
 */
static int
check_netfs(const struct ipp_store *s, char **errp)
{
	const char *allow = getenv("IPP_ALLOW_NETFS"), *name;
	struct statfs sf;
	char *dir, *up;
	int rc;

	if (allow != NULL && strcmp(allow, "1") == 0)
		return IPP_OK;
	if ((dir = strdup(s->dir)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	while ((rc = statfs(dir, &sf)) != 0 && errno == ENOENT &&
	    strcmp(dir, "/") != 0 && strcmp(dir, ".") != 0) {
		if ((up = dir_of(dir)) == NULL) {
			free(dir);
			return ipp_error(errp, IPP_ESYS, "out of memory");
		}
		free(dir);
		dir = up;
	}
	free(dir);
	if (rc != 0 || (name = ipp_store_netfs((long long)sf.f_type)) == NULL)
		return IPP_OK;
	return ipp_error(errp, IPP_ESTORE, "store '%s' is on a network "
	    "filesystem (%s): its write-ahead log needs memory shared on one "
	    "host, so two hosts would corrupt it; keep the store on a local "
	    "disk (or share a team store on PostgreSQL, "
	    "IPP_DB=postgresql://...: see ipp(7)), or set "
	    "IPP_ALLOW_NETFS=1 if only this host ever opens it", s->file, name);
}

static int
create_file(struct ipp_store *s, char **errp)
{
	int fd, rc;

	if ((rc = make_dirs(s->dir, errp)) != IPP_OK)
		return rc;
	fd = open(s->file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return ipp_error(errp, IPP_ESTORE, "cannot create '%s': %s",
		    s->file, strerror(errno));
	close(fd);
	return IPP_OK;
}

int
ipp_store_fail(struct ipp_store *s, char **errp, const char *what)
{
	/* Name the store: a full disk or an I/O error is about that file. */
	return ipp_error(errp, IPP_ESTORE, "store '%s': %s: %s", s->file, what,
	    s->db != NULL ? ipp_db_errmsg(s->db) : "no database");
}

const char *
ipp_store_errmsg(struct ipp_store *s)
{
	return ipp_db_errmsg(s->db);
}

static int rolled_back(struct ipp_store *, char **);

int
ipp_store_exec(struct ipp_store *s, const char *sql, char **errp)
{
	int rc;

	if ((rc = rolled_back(s, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_db_exec(s->db, sql, errp)) == IPP_OK)
		return IPP_OK;
	return ipp_error_prefix(errp, rc, "store '%s'", s->file);
}

int
ipp_store_exec_ddl(struct ipp_store *s, const char *sql, char **errp)
{
	char *text;
	int rc;

	if ((text = ipp_db_ddl(s->db, sql)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	rc = ipp_store_exec(s, text, errp);
	free(text);
	return rc;
}

int
ipp_store_set_version(struct ipp_store *s, int version, char **errp)
{
	return ipp_db_set_schema_version(s->db, version, errp);
}

static int
read_version(struct ipp_store *s, int *version, char **errp)
{
	return ipp_db_schema_version(s->db, version, errp);
}

/*
 * Applies missing migrations; concurrent openers serialise on the lock.
 * known: s->version was read just now, outside a transaction.
 */
static int
bring_up_to_date(struct ipp_store *s, int known, char **errp)
{
	int rc, latest = ipp_schema_latest();

	if (!known && (rc = read_version(s, &s->version, errp)) != IPP_OK)
		return rc;
	if (s->version == latest)
		return IPP_OK;
	if (s->version > latest)
		return ipp_error(errp, IPP_ESTORE, "store '%s' has schema "
		    "version %d; this ipp knows up to %d: upgrade ipp",
		    s->file, s->version, latest);
	if ((rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	if ((rc = read_version(s, &s->version, errp)) == IPP_OK &&
	    s->version < latest)
		rc = ipp_schema_migrate(s, s->version, errp);
	if (rc != IPP_OK) {
		ipp_store_rollback(s);
		return rc;
	}
	if ((rc = ipp_store_commit(s, errp)) != IPP_OK)
		return rc;
	s->version = latest;
	return IPP_OK;
}

/*
 * This machine's directory for a PostgreSQL store's local files (the
 * outbox of the mail it delivers): $XDG_DATA_HOME/ipp, else
 * ~/.local/share/ipp, as for the default SQLite store.
 */
static char *
local_dir(void)
{
	const char *env;

	if ((env = getenv("XDG_DATA_HOME")) != NULL && *env == '/')
		return ipp_strdup_printf("%s/ipp", env);
	if ((env = getenv("HOME")) != NULL && *env != '\0')
		return ipp_strdup_printf("%s/.local/share/ipp", env);
	return strdup(".");
}

/*
 * PostgreSQL: the database must exist (the team's administrator creates
 * it); an empty one is a store once `ipp-register init` has migrated it.
 */
static int
open_pg(struct ipp_store *s, const char *name, int flags, char **errp)
{
	int rc, version;

	s->pg = 1;
	if ((rc = ipp_db_open_pg(&s->db, name, errp)) != IPP_OK)
		return rc;
	/* The outbox of the mail this machine delivers goes there. */
	if ((rc = make_dirs(s->dir, errp)) != IPP_OK)
		return rc;
	if ((rc = read_version(s, &version, errp)) != IPP_OK)
		return rc;
	if (version == 0 && !(flags & IPP_STORE_CREATE))
		return ipp_error(errp, IPP_ESTORE, "no store in the database "
		    "'%s': create one with 'ipp-register init', or name "
		    "another with -d or IPP_DB", name);
	/* Read once: each read is a round trip or two. */
	s->version = version;
	return bring_up_to_date(s, 1, errp);
}

int
ipp_store_open(struct ipp_store **sp, const char *path, int flags,
    char **errp)
{
	struct ipp_store *s;
	struct stat sb;
	int rc, exists, pg = ipp_db_is_pg(path);

	*sp = NULL;
	if ((s = calloc(1, sizeof(*s))) != NULL)
		s->docs_fd = -1;
	if (s == NULL || (s->file = strdup(path)) == NULL ||
	    (s->dir = pg ? local_dir() : dir_of(path)) == NULL) {
		ipp_store_close(s);
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	if (pg) {
		if ((rc = open_pg(s, path, flags, errp)) != IPP_OK) {
			ipp_store_close(s);
			return rc;
		}
		*sp = s;
		return IPP_OK;
	}
	/*
	 * A symbolic link is refused, clearly: SQLite would not follow it
	 * (SQLITE_OPEN_NOFOLLOW), and if it did, the -wal and -shm files
	 * would go beside the target while docs/ and outbox/ stayed beside
	 * the link, one store in two places.
	 */
	if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode)) {
		ipp_store_close(s);
		return ipp_error(errp, IPP_ESTORE, "store '%s' is a symbolic "
		    "link: name the database file itself (its documents and "
		    "outbox are in the directory beside it)", path);
	}
	if ((rc = check_netfs(s, errp)) != IPP_OK) {
		ipp_store_close(s);
		return rc;
	}
	exists = stat(path, &sb) == 0 && sb.st_size > 0;
	if (!exists && !(flags & IPP_STORE_CREATE)) {
		ipp_store_close(s);
		return ipp_error(errp, IPP_ESTORE, "no store at '%s': create "
		    "one with 'ipp-register init', or name one with -d or "
		    "IPP_DB", path);
	}
	if ((!exists && (rc = create_file(s, errp)) != IPP_OK) ||
	    (rc = ipp_db_open_sqlite(&s->db, path, !exists, errp)) != IPP_OK ||
	    (rc = bring_up_to_date(s, 0, errp)) != IPP_OK) {
		ipp_store_close(s);
		return rc;
	}
	*sp = s;
	return IPP_OK;
}

int
ipp_store_exists(const char *path)
{
	struct ipp_db *db;
	int version = 0;

	if (!ipp_db_is_pg(path))
		return access(path, F_OK) == 0;
	if (ipp_db_open_pg(&db, path, NULL) != IPP_OK)
		return 0;
	if (ipp_db_schema_version(db, &version, NULL) != IPP_OK)
		version = 0;
	ipp_db_close(db);
	return version > 0;
}

void
ipp_store_close(struct ipp_store *s)
{
	int i;

	if (s == NULL)
		return;
	ipp_db_closing(s->db);
	for (i = 0; i < s->ncache; i++)
		ipp_stmt_finalize(s->cache[i].stmt);
	ipp_db_close(s->db);
	if (s->docs_fd >= 0)
		close(s->docs_fd);	/* releases the documents' lock */
	free(s->file);
	free(s->dir);
	free(s);
}

struct ipp_db *
ipp_store_db(struct ipp_store *s)
{
	return s->db;
}

int
ipp_store_is_pg(const struct ipp_store *s)
{
	return s->pg;
}

const char *
ipp_store_file(const struct ipp_store *s)
{
	return s->file;
}

const char *
ipp_store_dir(const struct ipp_store *s)
{
	return s->dir;
}

int
ipp_store_version(struct ipp_store *s)
{
	return s->version;
}

/* Opens docs/.lock, making docs/, once per store. */
static int
open_docs_lock(struct ipp_store *s, char **errp)
{
	char *docs, *path;
	int rc = IPP_OK;

	if (s->docs_fd >= 0)
		return IPP_OK;
	docs = ipp_strdup_printf("%s/docs", s->dir);
	path = ipp_strdup_printf("%s/docs/.lock", s->dir);
	if (docs == NULL || path == NULL)
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
	else if (mkdir(docs, 0700) != 0 && errno != EEXIST)
		rc = ipp_error(errp, IPP_ESTORE, "cannot create '%s': %s", docs,
		    strerror(errno));
	else if ((s->docs_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) < 0)
		rc = ipp_error(errp, IPP_ESTORE, "cannot open '%s': %s", path,
		    strerror(errno));
	free(docs);
	free(path);
	return rc;
}

int
ipp_store_lock_docs(struct ipp_store *s, char **errp)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int waited, rc;

	if (s->docs_mode != 0)
		return IPP_OK;		/* held, shared or exclusive */
	if (s->pg) {
		/* Waits up to the lock timeout, as the database does. */
		if ((rc = ipp_db_lock_shared(s->db, PG_DOCS_LOCK, errp)) !=
		    IPP_OK)
			return ipp_error_prefix(errp, rc, "the documents are "
			    "being cleaned up: try again later");
		s->docs_mode = LOCK_SH;
		return IPP_OK;
	}
	if ((rc = open_docs_lock(s, errp)) != IPP_OK)
		return rc;
	/* Polled, so that the wait is bounded like the database's. */
	for (waited = 0; flock(s->docs_fd, LOCK_SH | LOCK_NB) != 0;
	    waited += 10) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return ipp_error(errp, IPP_ESTORE, "cannot lock "
			    "'%s/docs': %s", s->dir, strerror(errno));
		if (waited >= BUSY_TIMEOUT_MS)
			return ipp_error(errp, IPP_ESTORE, "'%s/docs' is being "
			    "cleaned up: try again later", s->dir);
		nanosleep(&pause, NULL);
	}
	s->docs_mode = LOCK_SH;
	return IPP_OK;
}

int
ipp_store_lock_delivery(struct ipp_store *s, char **errp)
{
	if (!s->pg)
		return IPP_OK;
	if (ipp_db_lock(s->db, PG_MAIL_LOCK, NULL) != IPP_OK)
		return ipp_store_fail(s, errp, "another machine is delivering "
		    "the mail: try again later");
	return IPP_OK;
}

void
ipp_store_unlock_delivery(struct ipp_store *s)
{
	if (s->pg)
		ipp_db_unlock(s->db, PG_MAIL_LOCK);
}

int
ipp_store_try_lock_docs_exclusive(struct ipp_store *s, char **errp)
{
	int rc;

	if (s->docs_mode == LOCK_EX)
		return 1;
	if (s->pg) {
		if ((rc = ipp_db_try_lock(s->db, PG_DOCS_LOCK, errp)) == 1)
			s->docs_mode = LOCK_EX;
		return rc;
	}
	if ((rc = open_docs_lock(s, errp)) != IPP_OK)
		return rc;
	if (flock(s->docs_fd, LOCK_EX | LOCK_NB) == 0) {
		s->docs_mode = LOCK_EX;
		return 1;
	}
	if (errno != EWOULDBLOCK && errno != EINTR)
		return ipp_error(errp, IPP_ESTORE, "cannot lock '%s/docs': %s",
		    s->dir, strerror(errno));
	return 0;
}

int
ipp_store_begin_read(struct ipp_store *s, char **errp)
{
	if (ipp_db_begin_read(s->db, NULL) != IPP_OK)
		return ipp_store_fail(s, errp, "cannot start a transaction");
	return IPP_OK;
}

int
ipp_store_begin(struct ipp_store *s, char **errp)
{
	if (ipp_db_begin_write(s->db, NULL) != IPP_OK)
		return ipp_store_fail(s, errp, "cannot start a transaction");
	s->in_txn = 1;
	return IPP_OK;
}

/*
 * After an out-of-memory, I/O or disk-full error SQLite may roll the
 * whole transaction back by itself and go on in autocommit mode: every
 * statement after that would be committed on its own, half an
 * operation.  So inside ipp_store_begin's transaction a statement or a
 * commit finding the connection in autocommit mode fails instead.
 */
static int
rolled_back(struct ipp_store *s, char **errp)
{
	if (!s->in_txn || ipp_db_in_transaction(s->db))
		return IPP_OK;
	return ipp_error(errp, IPP_ESTORE, "store '%s': the transaction was "
	    "rolled back after an earlier error: nothing of it was written",
	    s->file);
}

int
ipp_store_commit(struct ipp_store *s, char **errp)
{
	int rc;

	if ((rc = rolled_back(s, errp)) != IPP_OK) {
		s->in_txn = 0;
		return rc;
	}
	/* The database's message is kept before the rollback that
	 * follows a failed COMMIT clears it. */
	rc = ipp_db_commit(s->db, errp);
	s->in_txn = 0;
	if (rc == IPP_OK)
		return IPP_OK;
	return ipp_error_prefix(errp, rc, "store '%s': cannot commit",
	    s->file);
}

void
ipp_store_rollback(struct ipp_store *s)
{
	s->in_txn = 0;
	ipp_db_rollback(s->db);
}

int
ipp_store_end(struct ipp_store *s, int rc, char **errp)
{
	if (rc == IPP_OK)
		return ipp_store_commit(s, errp);
	ipp_store_rollback(s);
	return rc;
}

int
ipp_store_stmt(struct ipp_store *s, const char *sql, struct ipp_stmt **stp,
    char **errp)
{
	struct ipp_stmt *st;
	int i;

	if ((i = rolled_back(s, errp)) != IPP_OK)
		return i;
	for (i = 0; i < s->ncache; i++) {
		if (s->cache[i].sql == sql) {
			*stp = s->cache[i].stmt;
			ipp_stmt_clear(*stp);
			return IPP_OK;
		}
	}
	/* Out of memory before SQLite was asked is ours (exit 7); else
	 * the store's message, naming it. */
	if ((i = ipp_db_prepare(s->db, sql, &st, errp)) != IPP_OK)
		return i == IPP_ESYS ? i : ipp_error_prefix(errp, i,
		    "store '%s': cannot prepare a query", s->file);
	if (s->ncache == STMT_CACHE) {
		/* Full: the oldest entry makes room. */
		ipp_stmt_finalize(s->cache[0].stmt);
		memmove(s->cache, s->cache + 1,
		    sizeof(s->cache[0]) * (STMT_CACHE - 1));
		s->ncache--;
	}
	s->cache[s->ncache].sql = sql;
	s->cache[s->ncache].stmt = st;
	s->ncache++;
	*stp = st;
	return IPP_OK;
}

char *
ipp_store_column_dup(struct ipp_stmt *st, int i)
{
	const char *t = ipp_stmt_text(st, i);

	return t != NULL ? strdup(t) : NULL;
}

/* sql prepared (cached) with its arguments bound, as types says. */
static int
bound(struct ipp_store *s, const char *sql, const char *what, char **errp,
    struct ipp_stmt **stp, const char *types, va_list ap)
{
	int i, rc;

	if ((rc = ipp_store_stmt(s, sql, stp, errp)) != IPP_OK)
		return rc;
	if ((size_t)ipp_stmt_params(*stp) != strlen(types))
		return ipp_error(errp, IPP_ESTORE, "%s: %d parameters, %zu "
		    "arguments", what, ipp_stmt_params(*stp), strlen(types));
	for (i = 0; types[i] != '\0'; i++) {
		if (types[i] == 'i')
			ipp_stmt_bind_int(*stp, i + 1, va_arg(ap, int64_t));
		else	/* Static: the statement runs and resets before we return. */
			ipp_stmt_bind_static(*stp, i + 1,
			    va_arg(ap, const char *));
	}
	return IPP_OK;
}

int
ipp_store_run(struct ipp_store *s, const char *sql, const char *what,
    char **errp, const char *types, ...)
{
	struct ipp_stmt *st;
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = bound(s, sql, what, errp, &st, types, ap);
	va_end(ap);
	if (rc != IPP_OK)
		return rc;
	rc = ipp_stmt_step(st);
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, what);
	return IPP_OK;
}

int
ipp_store_run_id(struct ipp_store *s, const char *sql, int64_t *id,
    const char *what, char **errp, const char *types, ...)
{
	struct ipp_stmt *st;
	va_list ap;
	int rc;

	*id = 0;
	va_start(ap, types);
	rc = bound(s, sql, what, errp, &st, types, ap);
	va_end(ap);
	if (rc != IPP_OK)
		return rc;
	if ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		*id = ipp_stmt_int(st, 0);
		/* SQLite writes the row as RETURNING's statement ends. */
		rc = ipp_stmt_step(st);
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_DONE || *id == 0)
		return ipp_store_fail(s, errp, what);
	return IPP_OK;
}

int
ipp_store_batch_begin(struct ipp_store *s, char **errp)
{
	int rc;

	if ((rc = rolled_back(s, errp)) != IPP_OK)
		return rc;
	if (ipp_db_batch_begin(s->db, NULL) != IPP_OK)
		return ipp_store_fail(s, errp, "cannot start a batch");
	return IPP_OK;
}

int
ipp_store_batch_end(struct ipp_store *s, int rc)
{
	return ipp_db_batch_end(s->db, rc);
}

int
ipp_store_write_rows(struct ipp_store *s, struct ipp_stmt *st,
    struct ipp_tsv_writer *w, long *count, char **errp)
{
	int rc, i, n;

	*count = 0;
	while ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		n = ipp_stmt_columns(st);
		for (i = 0; i < n; i++)
			ipp_tsv_write_field_len(w, ipp_stmt_text(st, i),
			    ipp_stmt_bytes(st, i));
		if ((rc = ipp_tsv_end_row(w, errp)) != IPP_OK) {
			ipp_stmt_reset(st);
			return rc;
		}
		(*count)++;
	}
	ipp_stmt_reset(st);
	return rc == IPP_STMT_DONE ? IPP_OK :
	    ipp_store_fail(s, errp, "cannot read the store");
}

int
ipp_store_write_matches(struct ipp_store *s, struct ipp_stmt *st,
    struct ipp_tsv_writer *w, long *count, char **errp)
{
	int rc;

	if ((rc = ipp_store_write_rows(s, st, w, count, errp)) != IPP_OK)
		return rc;
	return *count > 0 ? IPP_OK : IPP_ENOTFOUND;
}

int
ipp_store_first_int(struct ipp_store *s, struct ipp_stmt *st, int64_t *value,
    const char *what, char **errp)
{
	int rc = ipp_stmt_step(st);

	*value = rc == IPP_STMT_ROW ? ipp_stmt_int(st, 0) : 0;
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_ROW && rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, what);
	return IPP_OK;
}

int
ipp_store_unique_failed(struct ipp_store *s)
{
	return ipp_db_errkind(s->db) == IPP_DB_EUNIQUE;
}

int
ipp_store_constraint_failed(struct ipp_store *s)
{
	enum ipp_db_errkind k = ipp_db_errkind(s->db);

	return k == IPP_DB_EUNIQUE || k == IPP_DB_ECONSTRAINT;
}

int
ipp_store_changes(struct ipp_store *s)
{
	return ipp_db_changes(s->db);
}

int64_t
ipp_store_last_id(struct ipp_store *s)
{
	return ipp_db_last_id(s->db);
}

int
ipp_store_put_content(struct ipp_store *s, const char *sha256,
    const unsigned char *buf, size_t len, char **errp)
{
	/* Parameters travel as text: the content as hex, decoded there. */
	static const char sql[] = "INSERT INTO document_contents"
	    " (sha256, content) VALUES (?, decode(?, 'hex'))"
	    " ON CONFLICT (sha256) DO NOTHING";
	static const char digits[] = "0123456789abcdef";
	struct ipp_stmt *st;
	char *hex;
	size_t i;
	int rc;

	if ((hex = malloc(len * 2 + 1)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	for (i = 0; i < len; i++) {
		hex[2 * i] = digits[buf[i] >> 4];
		hex[2 * i + 1] = digits[buf[i] & 0xf];
	}
	hex[2 * len] = '\0';
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) == IPP_OK) {
		ipp_stmt_bind_static(st, 1, sha256);
		ipp_stmt_bind_static(st, 2, hex);
		rc = ipp_stmt_step(st) == IPP_STMT_DONE ? IPP_OK :
		    ipp_store_fail(s, errp, "cannot store a document");
		ipp_stmt_reset(st);
	}
	free(hex);
	return rc;
}

sqlite3 *
ipp_store_sqlite(struct ipp_store *s)
{
	return ipp_db_sqlite(s->db);
}
