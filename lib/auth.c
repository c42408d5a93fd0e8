#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "clock.h"
#include "err.h"
#include "settings.h"
#include "banned.h"

#define NOT_SIGNED_IN "not signed in: run 'ipp-register login' or set IPP_TOKEN"

static char *
session_dir(void)
{
	const char *env;

	if ((env = getenv("XDG_STATE_HOME")) != NULL && *env == '/')
		return ipp_strdup_printf("%s/ipp", env);
	if ((env = getenv("HOME")) != NULL && *env != '\0')
		return ipp_strdup_printf("%s/.local/state/ipp", env);
	return NULL;
}

static char *
session_file(void)
{
	char *dir = session_dir(), *file;

	if (dir == NULL)
		return NULL;
	file = ipp_strdup_printf("%s/session", dir);
	free(dir);
	return file;
}

static int
make_private_dir(const char *dir, char **errp)
{
	char *copy, *p;
	int rc = IPP_OK;

	if ((copy = strdup(dir)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	for (p = copy + 1; rc == IPP_OK; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(copy, 0700) != 0 && errno != EEXIST)
			rc = ipp_error(errp, IPP_ESYS, "cannot create '%s': %s",
			    copy, strerror(errno));
		*p = saved;
		if (saved == '\0')
			break;
	}
	free(copy);
	return rc;
}

int
ipp_auth_save(const char *token, char **errp)
{
	char *dir = session_dir(), *file = NULL, *tmp = NULL;
	int fd = -1, rc;

	if (dir == NULL)
		return ipp_error(errp, IPP_EUSAGE,
		    "no place for the session: set HOME or XDG_STATE_HOME");
	if ((rc = make_private_dir(dir, errp)) != IPP_OK)
		goto out;
	file = ipp_strdup_printf("%s/session", dir);
	tmp = ipp_strdup_printf("%s/.session.%ld", dir, (long)getpid());
	if (file == NULL || tmp == NULL) {
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || dprintf(fd, "%s\n", token) < 0 || fsync(fd) != 0 ||
	    close(fd) != 0 || (fd = -1, rename(tmp, file) != 0)) {
		rc = ipp_error(errp, IPP_ESYS, "cannot save the session in "
		    "'%s': %s", file, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		goto out;
	}
	rc = IPP_OK;
out:
	free(dir);
	free(file);
	free(tmp);
	return rc;
}

/* The caller's token: IPP_TOKEN, else the session file. */
static int
current_token(char token[IPP_SECRET_HEX], char **errp)
{
	const char *env = getenv("IPP_TOKEN");
	char *file;
	FILE *fp;
	size_t len;

	if (env != NULL && *env != '\0') {
		if (strlen(env) != IPP_SECRET_HEX - 1)
			return ipp_error(errp, IPP_EAUTH,
			    "IPP_TOKEN is not an ipp token");
		memcpy(token, env, IPP_SECRET_HEX);
		return IPP_OK;
	}
	errno = 0;
	if ((file = session_file()) == NULL || (fp = fopen(file, "re")) == NULL) {
		free(file);
		/* No session is not signed in; no memory is not that. */
		if (errno == ENOMEM)
			return ipp_error(errp, IPP_ESYS, "out of memory");
		return ipp_error(errp, IPP_EAUTH, NOT_SIGNED_IN);
	}
	free(file);
	len = fread(token, 1, IPP_SECRET_HEX - 1, fp);
	fclose(fp);
	token[len] = '\0';
	if (len != IPP_SECRET_HEX - 1)
		return ipp_error(errp, IPP_EAUTH, NOT_SIGNED_IN);
	return IPP_OK;
}

static int
insert_token(struct ipp_store *s, int64_t account_id, const char *kind,
    const char *expires, char token[IPP_SECRET_HEX], char **errp)
{
	static const char sql[] = "INSERT INTO tokens (token_hash, account_id,"
	    " kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)";
	char hash[IPP_SECRET_HEX], now[IPP_TIME_LEN + 1];
	int rc;

	if ((rc = ipp_secret_token(token, errp)) != IPP_OK ||
	    (rc = ipp_secret_sha256_hex(token, strlen(token), hash, errp)) ||
	    (rc = ipp_clock_now_text(now, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	rc = ipp_store_run(s, sql, "cannot save the token", errp, "tittt",
	    hash, account_id, kind, now, expires);
	return ipp_store_end(s, rc, errp);
}

int
ipp_auth_login(struct ipp_store *s, const char *email, const char *password,
    char token[IPP_SECRET_HEX], char **errp)
{
	static const char sql[] = "SELECT account_id, password_hash, state"
	    " FROM accounts WHERE email = lower(?)";
	char expires[IPP_TIME_LEN + 1], *hash = NULL;
	struct ipp_stmt *st;
	long long hours;
	int64_t id = 0, now;
	int rc, unverified = 0;

	if ((rc = ipp_settings_int(s, "session_hours", &hours, errp)) ||
	    (rc = ipp_clock_now(&now, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_static(st, 1, email);
	if (ipp_stmt_step(st) == IPP_STMT_ROW) {
		id = ipp_stmt_int(st, 0);
		hash = ipp_store_column_dup(st, 1);
		unverified = strcmp(ipp_stmt_text(st, 2),
		    "unverified") == 0;
	}
	ipp_stmt_reset(st);
	if (hash == NULL) {
		/* Spend the same effort on an unknown email: no oracle. */
		char dummy[IPP_SECRET_HASH_MAX];
		if (ipp_secret_hash_password(password, dummy, errp) != IPP_OK)
			return IPP_ESYS;
		return ipp_error(errp, IPP_EAUTH, "wrong email or password");
	}
	rc = ipp_secret_check_password(hash, password, errp);
	free(hash);
	if (rc != IPP_OK)
		return rc;
	if (unverified)
		return ipp_error(errp, IPP_EAUTH, "'%s' has not confirmed its "
		    "email yet: enter the code with 'ipp-register verify' "
		    "(rule A3)", email);
	ipp_clock_format(now + hours * 3600, expires);
	return insert_token(s, id, "session", expires, token, errp);
}

static int
delete_token(struct ipp_store *s, const char *hash, char **errp)
{
	static const char sql[] = "DELETE FROM tokens WHERE token_hash = ?";
	int rc;

	if ((rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	rc = ipp_store_run(s, sql, "cannot end the session", errp, "t", hash);
	return ipp_store_end(s, rc, errp);
}

int
ipp_auth_logout(struct ipp_store *s, char **errp)
{
	char token[IPP_SECRET_HEX], hash[IPP_SECRET_HEX], *file;
	int rc;

	if ((rc = current_token(token, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_secret_sha256_hex(token, strlen(token), hash, errp)) ||
	    (rc = delete_token(s, hash, errp)) != IPP_OK)
		return rc;
	/* A token from IPP_TOKEN is not the session file's: keep the file. */
	if (getenv("IPP_TOKEN") != NULL && *getenv("IPP_TOKEN") != '\0')
		return IPP_OK;
	if ((file = session_file()) != NULL)
		unlink(file);
	free(file);
	return IPP_OK;
}

int
ipp_auth_current(struct ipp_store *s, struct ipp_auth *who, char **errp)
{
	static const char sql[] = "SELECT a.account_id, a.role, a.state,"
	    " t.expires_at FROM tokens t JOIN accounts a"
	    " ON a.account_id = t.account_id WHERE t.token_hash = ?";
	char token[IPP_SECRET_HEX], hash[IPP_SECRET_HEX];
	char now[IPP_TIME_LEN + 1];
	const char *expires;
	struct ipp_stmt *st;
	int rc;

	if ((rc = current_token(token, errp)) != IPP_OK ||
	    (rc = ipp_secret_sha256_hex(token, strlen(token), hash, errp)) ||
	    (rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_static(st, 1, hash);
	if ((rc = ipp_stmt_step(st)) != IPP_STMT_ROW) {
		/* A failing store is not a revoked token. */
		if (rc != IPP_STMT_DONE) {
			rc = ipp_store_fail(s, errp, "cannot check the session");
			ipp_stmt_reset(st);
			return rc;
		}
		ipp_stmt_reset(st);
		return ipp_error(errp, IPP_EAUTH, "%s",
		    "unknown or revoked token: " NOT_SIGNED_IN);
	}
	expires = ipp_stmt_text(st, 3);
	if (expires != NULL && strcmp(expires, now) <= 0) {
		rc = ipp_error(errp, IPP_EAUTH, "the session expired at %s: "
		    "sign in again with 'ipp-register login'", expires);
		ipp_stmt_reset(st);
		return rc;
	}
	who->account_id = ipp_stmt_int(st, 0);
	who->role = strcmp(ipp_stmt_text(st, 1),
	    "handler") == 0 ? IPP_ROLE_HANDLER : IPP_ROLE_ACCOUNT;
	snprintf(who->state, sizeof(who->state), "%s",
	    ipp_stmt_text(st, 2));
	ipp_stmt_reset(st);
	return IPP_OK;
}

int
ipp_auth_handler(struct ipp_store *s, struct ipp_auth *who, char **errp)
{
	int rc;

	if ((rc = ipp_auth_current(s, who, errp)) != IPP_OK)
		return rc;
	if (who->role != IPP_ROLE_HANDLER)
		return ipp_error(errp, IPP_EAUTH,
		    "only a case handler may do this");
	return IPP_OK;
}

int
ipp_auth_api_token(struct ipp_store *s, const struct ipp_auth *who,
    char token[IPP_SECRET_HEX], char **errp)
{
	return insert_token(s, who->account_id, "api", NULL, token, errp);
}

int
ipp_auth_check_password_policy(struct ipp_store *s, const char *password,
    char **errp)
{
	long long min;
	int rc;

	if ((rc = ipp_settings_int(s, "password_min_length", &min, errp)))
		return rc;
	if ((long long)strlen(password) < min)
		return ipp_error(errp, IPP_EREFUSED, "the password is shorter "
		    "than %lld characters (rule A4)", min);
	if (strlen(password) > 1024)
		return ipp_error(errp, IPP_EREFUSED,
		    "the password is longer than 1024 bytes (rule A4)");
	return IPP_OK;
}

static int
update_password(struct ipp_store *s, int64_t id, const char *hash,
    const char *keep_hash, char **errp)
{
	static const char set_sql[] = "UPDATE accounts SET password_hash = ?,"
	    " updated_at = ? WHERE account_id = ?";
	static const char end_sql[] = "DELETE FROM tokens WHERE account_id = ?"
	    " AND kind = 'session' AND token_hash <> ?";
	char now[IPP_TIME_LEN + 1];
	int rc;

	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	rc = ipp_store_run(s, set_sql, "cannot change the password", errp,
	    "tti", hash, now, id);
	if (rc == IPP_OK)
		rc = ipp_store_run(s, end_sql, "cannot end the other sessions",
		    errp, "it", id, keep_hash);
	return ipp_store_end(s, rc, errp);
}

int
ipp_auth_passwd(struct ipp_store *s, const struct ipp_auth *who,
    const char *current, const char *next, char **errp)
{
	static const char sql[] = "SELECT password_hash FROM accounts"
	    " WHERE account_id = ?";
	char token[IPP_SECRET_HEX], keep[IPP_SECRET_HEX];
	char hash[IPP_SECRET_HASH_MAX], *old;
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_auth_check_password_policy(s, next, errp)) != IPP_OK ||
	    (rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, who->account_id);
	old = ipp_stmt_step(st) == IPP_STMT_ROW ? ipp_store_column_dup(st, 0) :
	    NULL;
	ipp_stmt_reset(st);
	if (old == NULL)
		return ipp_store_fail(s, errp, "cannot read the account");
	rc = ipp_secret_check_password(old, current, errp);
	free(old);
	if (rc != IPP_OK)
		return ipp_error(errp, rc, "the current password is wrong");
	if ((rc = ipp_secret_hash_password(next, hash, errp)) != IPP_OK ||
	    (rc = current_token(token, errp)) != IPP_OK ||
	    (rc = ipp_secret_sha256_hex(token, strlen(token), keep, errp)))
		return rc;
	return update_password(s, who->account_id, hash, keep, errp);
}
