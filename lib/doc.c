/*
 * Documents (D1, D2): read whole, typed by libmagic from the bytes, kept
 * under docs/<ab>/<sha256> beside the database.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "doc.h"
#include "err.h"
#include "settings.h"
#include "banned.h"

#define MIB (1024LL * 1024)

static const char *const accepted[] = {
	"application/pdf", "image/jpeg", "image/png",
};

/*
 * libmagic is loaded with dlopen on first use: linking it (and with it
 * liblzma, libbz2 and libz) costs every command's start-up about 0.3
 * million instructions of relocations, and only document uploads need it.
 */
static struct {
	void		*handle;	/* dlopen("libmagic.so.1") */
	magic_t		 cookie;	/* MAGIC_MIME_TYPE, database loaded */
	__typeof__(&magic_open)		open;
	__typeof__(&magic_load)		load;
	__typeof__(&magic_buffer)	buffer;
	__typeof__(&magic_error)	error;
	__typeof__(&magic_close)	close;
} magic;

void
ipp_doc_cleanup(void)
{
	if (magic.cookie != NULL)
		magic.close(magic.cookie);
	if (magic.handle != NULL)
		dlclose(magic.handle);
	memset(&magic, 0, sizeof(magic));
}

static int
bind_magic(char **errp)
{
	if ((magic.handle = dlopen("libmagic.so.1", RTLD_NOW | RTLD_LOCAL)) ==
	    NULL)
		return ipp_error(errp, IPP_ESYS, "cannot load libmagic: %s",
		    dlerror());
	*(void **)&magic.open = dlsym(magic.handle, "magic_open");
	*(void **)&magic.load = dlsym(magic.handle, "magic_load");
	*(void **)&magic.buffer = dlsym(magic.handle, "magic_buffer");
	*(void **)&magic.error = dlsym(magic.handle, "magic_error");
	*(void **)&magic.close = dlsym(magic.handle, "magic_close");
	if (!magic.open || !magic.load || !magic.buffer || !magic.error ||
	    !magic.close) {
		ipp_doc_cleanup();
		return ipp_error(errp, IPP_ESYS,
		    "libmagic.so.1 lacks the functions ipp needs");
	}
	return IPP_OK;
}

static int
load_magic(char **errp)
{
	int rc;

	if (magic.cookie != NULL)
		return IPP_OK;
	if (magic.handle == NULL && (rc = bind_magic(errp)) != IPP_OK)
		return rc;
	if ((magic.cookie = magic.open(MAGIC_MIME_TYPE)) == NULL)
		return ipp_error(errp, IPP_ESYS, "cannot start libmagic: %s",
		    strerror(errno));
	if (magic.load(magic.cookie, NULL) != 0) {
		rc = ipp_error(errp, IPP_ESYS,
		    "cannot load the libmagic database: %s",
		    magic.error(magic.cookie) != NULL ?
		    magic.error(magic.cookie) : "unknown error");
		ipp_doc_cleanup();
		return rc;
	}
	return IPP_OK;
}

/* "10 MiB" when whole, else the bytes with the MiB beside them. */
static void
format_limit(long long limit, char *buf, size_t len)
{
	if (limit % MIB == 0)
		snprintf(buf, len, "%lld MiB", limit / MIB);
	else if (limit >= MIB / 100)
		snprintf(buf, len, "%.2f MiB (%lld bytes)",
		    (double)limit / MIB, limit);
	else
		snprintf(buf, len, "%lld bytes", limit);
}

/* size < 0: the file outgrew the limit while being read. */
static int
too_large(char **errp, const char *path, long long size, long long limit)
{
	char text[64];

	format_limit(limit, text, sizeof(text));
	if (size < 0)
		return ipp_error(errp, IPP_EREFUSED, "'%s' has more than %lld "
		    "bytes: documents are limited to %s (rule D2)", path,
		    limit, text);
	return ipp_error(errp, IPP_EREFUSED, "'%s' is %lld bytes: documents "
	    "are limited to %s (rule D2)", path, size, text);
}

/* Opens path for reading; only a regular file is a document. */
static int
open_document(const char *path, int *fdp, struct stat *sb, char **errp)
{
	int fd;

	/* O_NONBLOCK: a FIFO must not hang us before fstat refuses it. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return ipp_error(errp, IPP_EINPUT, "cannot open '%s': %s",
		    path, strerror(errno));
	if (fstat(fd, sb) != 0) {
		close(fd);
		return ipp_error(errp, IPP_EINPUT, "cannot read '%s': %s",
		    path, strerror(errno));
	}
	if (!S_ISREG(sb->st_mode)) {
		close(fd);
		return ipp_error(errp, IPP_EREFUSED, "'%s' is %s, not a "
		    "document file (rule D2)", path, S_ISDIR(sb->st_mode) ?
		    "a directory" : "a special file");
	}
	*fdp = fd;
	return IPP_OK;
}

/*
 * Reads all of fd into *bufp, refusing more than limit bytes even when
 * the file grows after fstat said it fitted.
 */
static int
read_document(int fd, const char *path, long long limit, off_t hint,
    unsigned char **bufp, size_t *lenp, char **errp)
{
	unsigned char *buf, *bigger;
	size_t cap, len = 0;
	ssize_t n;

	/* hint <= limit, so cap never exceeds limit + 1. */
	cap = (size_t)hint + 1;
	if ((buf = malloc(cap)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	for (;;) {
		if (len == cap) {
			if ((long long)len > limit) {
				free(buf);
				return too_large(errp, path, -1, limit);
			}
			cap = (long long)cap * 2 > limit + 1 ?
			    (size_t)limit + 1 : cap * 2;
			if ((bigger = realloc(buf, cap)) == NULL) {
				free(buf);
				return ipp_error(errp, IPP_ESYS,
				    "out of memory");
			}
			buf = bigger;
		}
		n = read(fd, buf + len, cap - len);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return ipp_error(errp, IPP_EINPUT, "cannot read '%s': %s",
			    path, strerror(errno));
		}
		len += (size_t)n;
	}
	*bufp = buf;
	*lenp = len;
	return IPP_OK;
}

/* The type from the content alone (D2): the name plays no part. */
static int
check_type(const char *path, const unsigned char *buf, size_t len,
    char *mime, size_t mimelen, char **errp)
{
	const char *type;
	size_t i;
	int rc;

	if ((rc = load_magic(errp)) != IPP_OK)
		return rc;
	if ((type = magic.buffer(magic.cookie, buf, len)) == NULL)
		return ipp_error(errp, IPP_ESYS, "cannot tell the type of "
		    "'%s': %s", path, magic.error(magic.cookie) != NULL ?
		    magic.error(magic.cookie) : "unknown error");
	for (i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		if (strcmp(type, accepted[i]) == 0) {
			snprintf(mime, mimelen, "%s", accepted[i]);
			return IPP_OK;
		}
	}
	return ipp_error(errp, IPP_EREFUSED, "'%s' is %s: accepted types are "
	    "PDF, JPEG and PNG (rule D2)", path, type);
}

/* Makes the directory (mode 0700) and makes its new entry durable. */
static int
make_dir(const char *dir, const char *parent, char **errp)
{
	int fd;

	if (mkdir(dir, 0700) != 0) {
		if (errno == EEXIST)
			return IPP_OK;
		return ipp_error(errp, IPP_ESTORE, "cannot create '%s': %s",
		    dir, strerror(errno));
	}
	if ((fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	return IPP_OK;
}

static int
sync_dir(const char *dir, char **errp)
{
	int fd, rc = IPP_OK;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return ipp_error(errp, IPP_ESTORE, "cannot open '%s': %s",
		    dir, strerror(errno));
	if (fsync(fd) != 0)
		rc = ipp_error(errp, IPP_ESTORE, "cannot sync '%s': %s",
		    dir, strerror(errno));
	close(fd);
	return rc;
}

static int
write_all(int fd, const unsigned char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Temporary file, fsync, rename: the address never holds half a file. */
static int
write_atomic(const char *dir, const char *file, const unsigned char *buf,
    size_t len, char **errp)
{
	char *tmp;
	int fd, rc, saved;

	if ((tmp = ipp_strdup_printf("%s/.tmp-XXXXXX", dir)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		rc = ipp_error(errp, IPP_ESTORE, "cannot create a file in "
		    "'%s': %s", dir, strerror(errno));
		free(tmp);
		return rc;
	}
	if (write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		rc = ipp_error(errp, IPP_ESTORE, "cannot write '%s': %s",
		    tmp, strerror(saved));
		free(tmp);
		return rc;
	}
	if (close(fd) != 0 || rename(tmp, file) != 0) {
		saved = errno;
		unlink(tmp);
		rc = ipp_error(errp, IPP_ESTORE, "cannot store '%s': %s",
		    file, strerror(saved));
		free(tmp);
		return rc;
	}
	free(tmp);
	return sync_dir(dir, errp);
}

/* Writes buf at its content address unless it is already there (D1). */
static int
save_content(struct ipp_store *s, const char *sha256,
    const unsigned char *buf, size_t len, char **errp)
{
	char *docs, *dir, *file;
	struct stat sb;
	int rc;

	/* A team store keeps it in the database, for every machine. */
	if (ipp_store_is_pg(s))
		return ipp_store_put_content(s, sha256, buf, len, errp);
	docs = ipp_strdup_printf("%s/docs", ipp_store_dir(s));
	dir = ipp_strdup_printf("%s/docs/%.2s", ipp_store_dir(s), sha256);
	file = ipp_doc_path(s, sha256);
	if (docs == NULL || dir == NULL || file == NULL)
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
	else if ((rc = make_dir(docs, ipp_store_dir(s), errp)) == IPP_OK &&
	    (rc = make_dir(dir, docs, errp)) == IPP_OK) {
		/* The same address and size: the same content, kept once. */
		if (lstat(file, &sb) != 0 || !S_ISREG(sb.st_mode) ||
		    sb.st_size != (off_t)len)
			rc = write_atomic(dir, file, buf, len, errp);
	}
	free(docs);
	free(dir);
	free(file);
	return rc;
}

/*
 * The file name is kept as metadata (D1) and shown in listings: like an
 * IPR's fields, it may not hold a control character (a line break would
 * forge a line of output).
 */
static int
check_name(const char *path, char **errp)
{
	const unsigned char *p = (const unsigned char *)ipp_doc_name(path);

	for (; *p != '\0'; p++)
		if (*p < ' ' || *p == 0x7f)
			return ipp_error(errp, IPP_EREFUSED, "document file name "
			    "'%.*s...': has a control character such as a tab "
			    "or line break: rename the file (rule D1)",
			    (int)((const char *)p - ipp_doc_name(path)),
			    ipp_doc_name(path));
	return IPP_OK;
}

int
ipp_doc_store(struct ipp_store *s, const char *path, struct ipp_doc *doc,
    char **errp)
{
	struct stat sb;
	unsigned char *buf = NULL;
	size_t len = 0;
	long long limit;
	int fd = -1, rc;

	memset(doc, 0, sizeof(*doc));
	if ((rc = check_name(path, errp)) != IPP_OK ||
	    (rc = ipp_settings_int(s, "doc_max_bytes", &limit, errp)) != IPP_OK)
		return rc;
	if ((rc = open_document(path, &fd, &sb, errp)) != IPP_OK)
		return rc;
	if ((long long)sb.st_size > limit) {
		close(fd);
		return too_large(errp, path, (long long)sb.st_size, limit);
	}
	rc = read_document(fd, path, limit, sb.st_size, &buf, &len, errp);
	close(fd);
	if (rc != IPP_OK)
		return rc;
	/* Held until the store is closed: see ipp_doc_gc. */
	if ((rc = check_type(path, buf, len, doc->mime, sizeof(doc->mime),
	    errp)) == IPP_OK &&
	    (rc = ipp_secret_sha256_hex(buf, len, doc->sha256, errp)) == IPP_OK &&
	    (rc = ipp_store_lock_docs(s, errp)) == IPP_OK)
		rc = save_content(s, doc->sha256, buf, len, errp);
	free(buf);
	if (rc != IPP_OK) {
		memset(doc, 0, sizeof(*doc));
		return rc;
	}
	doc->size = (int64_t)len;
	return IPP_OK;
}

int
ipp_doc_record(struct ipp_store *s, const struct ipp_doc *doc,
    const char *now, char **errp)
{
	static const char sql[] = "INSERT INTO documents"
	    " (sha256, mime, size, created_at) VALUES (?, ?, ?, ?)"
	    " ON CONFLICT (sha256) DO NOTHING";
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_static(st, 1, doc->sha256);
	ipp_stmt_bind_static(st, 2, doc->mime);
	ipp_stmt_bind_int(st, 3, doc->size);
	ipp_stmt_bind_static(st, 4, now);
	rc = ipp_stmt_step(st) == IPP_STMT_DONE ? IPP_OK :
	    ipp_store_fail(s, errp, "cannot record a document");
	ipp_stmt_reset(st);
	return rc;
}

/* Only 64 lowercase hex digits ever become a path (D1). */
static int
is_sha256(const char *hex)
{
	size_t i;

	for (i = 0; i < IPP_SECRET_HEX - 1; i++) {
		if (!((hex[i] >= '0' && hex[i] <= '9') ||
		    (hex[i] >= 'a' && hex[i] <= 'f')))
			return 0;
	}
	return hex[i] == '\0';
}

char *
ipp_doc_path(struct ipp_store *s, const char *sha256)
{
	if (sha256 == NULL || !is_sha256(sha256))
		return NULL;
	return ipp_strdup_printf("%s/docs/%.2s/%s", ipp_store_dir(s), sha256,
	    sha256);
}

/* The documents row naming sha256 exists. */
static int
recorded(struct ipp_store *s, const char *sha256, int64_t *yes, char **errp)
{
	static const char sql[] = "SELECT 1 FROM documents WHERE sha256 = ?";
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_static(st, 1, sha256);
	return ipp_store_first_int(s, st, yes, "cannot read documents", errp);
}

/* One entry of docs/XX/: judged, told of, and removed unless dry_run. */
static int
gc_entry(struct ipp_store *s, const char *dir, const char *prefix,
    const char *name, int dry_run, ipp_doc_gc_fn *fn, void *arg,
    char **errp)
{
	struct ipp_doc_garbage g;
	struct stat sb;
	int64_t yes = 0;
	char *path;
	int rc = IPP_OK;

	memset(&g, 0, sizeof(g));
	if (strncmp(name, ".tmp-", 5) == 0)
		g.kind = "temporary";	/* a writer's, killed mid-way */
	else if (is_sha256(name) && strncmp(name, prefix, 2) == 0) {
		if ((rc = recorded(s, name, &yes, errp)) != IPP_OK || yes)
			return rc;
		g.kind = "unreferenced";
		g.sha256 = name;
	} else
		return IPP_OK;		/* not ours: left alone */
	if ((path = ipp_strdup_printf("%s/%s", dir, name)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		free(path);
		return IPP_OK;
	}
	g.path = path;
	g.size = (int64_t)sb.st_size;
	if (!dry_run && unlink(path) != 0)
		rc = ipp_error(errp, IPP_ESTORE, "cannot remove '%s': %s",
		    path, strerror(errno));
	if (rc == IPP_OK && fn != NULL)
		rc = fn(arg, &g, errp);
	free(path);
	return rc;
}

static int
gc_dir(struct ipp_store *s, const char *docs, const char *prefix,
    int dry_run, ipp_doc_gc_fn *fn, void *arg, char **errp)
{
	struct dirent **names = NULL;
	char *dir;
	int i, n, rc = IPP_OK;

	if ((dir = ipp_strdup_printf("%s/%s", docs, prefix)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	/* Sorted, so that the listing is stable. */
	if ((n = scandir(dir, &names, NULL, alphasort)) < 0) {
		rc = ipp_error(errp, IPP_ESTORE, "cannot read '%s': %s", dir,
		    strerror(errno));
		n = 0;
	}
	for (i = 0; i < n; i++) {
		if (rc == IPP_OK && names[i]->d_name[0] != '\0' &&
		    strcmp(names[i]->d_name, ".") != 0 &&
		    strcmp(names[i]->d_name, "..") != 0)
			rc = gc_entry(s, dir, prefix, names[i]->d_name, dry_run,
			    fn, arg, errp);
		free(names[i]);
	}
	free(names);
	free(dir);
	return rc;
}

/*
 * A team store's clean-up: the contents no documents row names, by
 * address; the caller's write transaction commits the removal (or, with
 * dry_run, rolls back).  Each is told of as "unreferenced", its path the
 * address it had in the database.
 */
static int
gc_contents(struct ipp_store *s, int dry_run, ipp_doc_gc_fn *fn, void *arg,
    char **errp)
{
	static const char sql[] = "SELECT sha256, length(content)"
	    " FROM document_contents c WHERE NOT EXISTS (SELECT 1"
	    " FROM documents d WHERE d.sha256 = c.sha256) ORDER BY sha256";
	static const char drop_sql[] = "DELETE FROM document_contents"
	    " WHERE sha256 = ?";
	struct ipp_doc_garbage g;
	struct ipp_stmt *st;
	char **names = NULL, **grown;
	int64_t *sizes = NULL, *more;
	size_t n = 0, i;
	int rc, step;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK) {
		ipp_store_rollback(s);
		return rc;
	}
	while ((step = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		if ((grown = realloc(names, (n + 1) * sizeof(*names))) != NULL)
			names = grown;
		if ((more = realloc(sizes, (n + 1) * sizeof(*sizes))) != NULL)
			sizes = more;
		if (grown == NULL || more == NULL ||
		    (names[n] = ipp_store_column_dup(st, 0)) == NULL) {
			rc = ipp_error(errp, IPP_ESYS, "out of memory");
			break;
		}
		sizes[n++] = ipp_stmt_int(st, 1);
	}
	ipp_stmt_reset(st);
	if (rc == IPP_OK && step != IPP_STMT_DONE)
		rc = ipp_store_fail(s, errp, "cannot read documents");
	for (i = 0; rc == IPP_OK && i < n; i++) {
		memset(&g, 0, sizeof(g));
		g.kind = "unreferenced";
		g.sha256 = g.path = names[i];
		g.size = sizes[i];
		if (!dry_run)
			rc = ipp_store_run(s, drop_sql, "cannot remove a "
			    "document", errp, "t", names[i]);
		if (rc == IPP_OK && fn != NULL)
			rc = fn(arg, &g, errp);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(sizes);
	if (dry_run || rc != IPP_OK) {
		ipp_store_rollback(s);
		return rc;
	}
	return ipp_store_commit(s, errp);
}

/* docs/XX: two lowercase hex digits. */
static int
is_prefix_dir(const struct dirent *d)
{
	const char *n = d->d_name;

	return strlen(n) == 2 && strspn(n, "0123456789abcdef") == 2;
}

int
ipp_doc_gc(struct ipp_store *s, int dry_run, ipp_doc_gc_fn *fn, void *arg,
    char **errp)
{
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	struct dirent **names = NULL;
	char *docs;
	int i, n, rc, waited;

	/*
	 * No transaction is filing, and no process that stored a document
	 * (and may yet reference it) is running, while this looks.  The
	 * write lock first, then the documents' lock without waiting, so
	 * that a writer holding one while it waits for the other (an IPR
	 * import stores documents inside its transaction) never waits on us.
	 */
	for (waited = 0; ; waited += 50) {
		if ((rc = ipp_store_begin(s, errp)) != IPP_OK)
			return rc;
		if ((rc = ipp_store_try_lock_docs_exclusive(s, errp)) == 1)
			break;
		ipp_store_rollback(s);
		if (rc < 0)
			return rc;
		if (waited >= 15000)
			return ipp_error(errp, IPP_ESTORE, "'%s/docs' is in use "
			    "by a process storing documents: try again when it "
			    "ends", ipp_store_dir(s));
		nanosleep(&pause, NULL);
	}
	if (ipp_store_is_pg(s))
		return gc_contents(s, dry_run, fn, arg, errp);
	rc = IPP_OK;
	if ((docs = ipp_strdup_printf("%s/docs", ipp_store_dir(s))) == NULL) {
		ipp_store_rollback(s);
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	if ((n = scandir(docs, &names, is_prefix_dir, alphasort)) < 0) {
		rc = ipp_error(errp, IPP_ESTORE, "cannot read '%s': %s", docs,
		    strerror(errno));
		n = 0;
	}
	for (i = 0; i < n; i++) {
		if (rc == IPP_OK)
			rc = gc_dir(s, docs, names[i]->d_name, dry_run, fn, arg,
			    errp);
		free(names[i]);
	}
	free(names);
	free(docs);
	ipp_store_rollback(s);	/* it only read */
	return rc;
}

const char *
ipp_doc_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}
