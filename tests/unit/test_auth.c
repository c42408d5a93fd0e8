/*
 * Unit tests for lib/auth.c: sign-in, the session file, IPP_TOKEN, API
 * tokens, the handler check and password changes (A3, A4), on a fresh
 * store per test.  Accounts are registered through the account module
 * and confirmed by SQL: how a code confirms them is test_account.c's.
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "auth.h"
#include "mail.h"
#include "secret.h"
#include "settings.h"
#include "fixtures.h"
#include "banned.h"

#define PW	"correct horse"

/* The store of fx_setup, and a private session directory beside it. */
static int
setup(void **state)
{
	struct fx *fx;
	char *st;

	if (fx_setup(state) != 0)
		return -1;
	fx = *state;
	st = fx_path(fx->dir, "state");
	setenv("XDG_STATE_HOME", st, 1);
	setenv("HOME", fx->dir, 1);
	setenv("IPP_NOW", "2026-03-02T09:00:00Z", 1);
	unsetenv("IPP_TOKEN");
	unsetenv("IPP_SMTP_URL");
	free(st);
	return 0;
}

static int
teardown(void **state)
{
	unsetenv("IPP_TOKEN");
	ipp_mail_cleanup();
	return fx_teardown(state);
}

/* Registers email with PW; confirmed (active) unless unverified is set. */
static int64_t
account(struct fx *fx, const char *email, int unverified)
{
	struct ipp_registration r = {
		.email = email, .base = "other", .identity = "individual",
		.category = "right-holder", .agreed = 1, .password = PW,
	};
	char *err = NULL, *sql;
	int64_t id = 0;

	fx_assert_ok(ipp_account_register(fx->store, &r, &id, &err), err);
	if (!unverified) {
		sql = ipp_strdup_printf("UPDATE accounts SET state = 'active'"
		    " WHERE account_id = %lld", (long long)id);
		assert_non_null(sql);
		fx_assert_ok(ipp_store_exec(fx->store, sql, &err), err);
		free(sql);
	}
	free(err);
	return id;
}

/* Signs email in with PW; the token is written to token. */
static void
login(struct fx *fx, const char *email, char token[IPP_SECRET_HEX])
{
	char *err = NULL;

	fx_assert_ok(ipp_auth_login(fx->store, email, PW, token, &err), err);
	free(err);
	assert_int_equal(strlen(token), IPP_SECRET_HEX - 1);
}

/* ipp_auth_current's status; who is filled in when it is IPP_OK. */
static int
current(struct fx *fx, struct ipp_auth *who, char **errp)
{
	memset(who, 0, sizeof(*who));
	return ipp_auth_current(fx->store, who, errp);
}

static char *
session_file(struct fx *fx)
{
	return fx_path(fx->dir, "state/ipp/session");
}

static void
test_login_refusals_say_the_same(void **state)
{
	struct fx *fx = *state;
	char token[IPP_SECRET_HEX], *unknown = NULL, *wrong = NULL;

	account(fx, "ann@example.com", 0);
	assert_int_equal(ipp_auth_login(fx->store, "nobody@example.com", PW,
	    token, &unknown), IPP_EAUTH);
	assert_int_equal(ipp_auth_login(fx->store, "ann@example.com",
	    "wrong horse", token, &wrong), IPP_EAUTH);
	/* No oracle: an unknown email reads like a wrong password. */
	assert_string_equal(unknown, wrong);
	assert_int_equal(fx_query_int(fx->store,
	    "SELECT count(*) FROM tokens"), 0);
	free(unknown);
	free(wrong);
}

static void
test_login_email_any_case(void **state)
{
	struct fx *fx = *state;
	char token[IPP_SECRET_HEX];

	account(fx, "ann@example.com", 0);
	login(fx, "Ann@Example.COM", token);
}

static void
test_unconfirmed_cannot_sign_in(void **state)
{
	struct fx *fx = *state;
	char token[IPP_SECRET_HEX], *err = NULL;

	account(fx, "new@example.com", 1);
	assert_int_equal(ipp_auth_login(fx->store, "new@example.com", PW,
	    token, &err), IPP_EAUTH);
	fx_assert_contains(err, "rule A3");
	fx_assert_contains(err, "ipp-register verify");
	assert_int_equal(fx_query_int(fx->store,
	    "SELECT count(*) FROM tokens"), 0);
	free(err);
}

/* The session file is private, holds the token and identifies us. */
static void
test_session_file(void **state)
{
	struct fx *fx = *state;
	char token[IPP_SECRET_HEX], *err = NULL, *file = session_file(fx);
	char *dir = fx_path(fx->dir, "state/ipp");
	struct ipp_auth who;
	struct stat sb;
	int64_t id = account(fx, "ann@example.com", 0);

	assert_int_equal(current(fx, &who, &err), IPP_EAUTH);
	fx_assert_contains(err, "not signed in");
	login(fx, "ann@example.com", token);
	fx_assert_ok(ipp_auth_save(token, &err), err);
	assert_int_equal(stat(file, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	fx_assert_ok(current(fx, &who, &err), err);
	assert_int_equal(who.account_id, id);
	assert_int_equal(who.role, IPP_ROLE_ACCOUNT);
	assert_string_equal(who.state, "active");
	free(err);
	free(file);
	free(dir);
}

/* Only the SHA-256 of a token is stored, never the token. */
static void
test_tokens_stored_hashed(void **state)
{
	struct fx *fx = *state;
	char token[IPP_SECRET_HEX], hash[IPP_SECRET_HEX], *err = NULL, *sql;

	account(fx, "ann@example.com", 0);
	login(fx, "ann@example.com", token);
	fx_assert_ok(ipp_secret_sha256_hex(token, strlen(token), hash, &err),
	    err);
	sql = ipp_strdup_printf("SELECT count(*) FROM tokens WHERE"
	    " token_hash = '%s' AND kind = 'session'", hash);
	assert_int_equal(fx_query_int(fx->store, sql), 1);
	free(sql);
	sql = ipp_strdup_printf("SELECT count(*) FROM tokens WHERE"
	    " token_hash = '%s'", token);
	assert_int_equal(fx_query_int(fx->store, sql), 0);
	free(sql);
	free(err);
}

static void
test_logout_ends_the_session(void **state)
{
	struct fx *fx = *state;
	char token[IPP_SECRET_HEX], *err = NULL, *file = session_file(fx);
	struct ipp_auth who;

	account(fx, "ann@example.com", 0);
	login(fx, "ann@example.com", token);
	fx_assert_ok(ipp_auth_save(token, &err), err);
	fx_assert_ok(ipp_auth_logout(fx->store, &err), err);
	assert_int_equal(access(file, F_OK), -1);
	assert_int_equal(fx_query_int(fx->store,
	    "SELECT count(*) FROM tokens"), 0);
	assert_int_equal(current(fx, &who, &err), IPP_EAUTH);
	/* The token, kept elsewhere, is dead too. */
	setenv("IPP_TOKEN", token, 1);
	assert_int_equal(current(fx, &who, &err), IPP_EAUTH);
	fx_assert_contains(err, "unknown or revoked");
	free(err);
	free(file);
}

/* IPP_TOKEN wins over the session file, and logout keeps the file. */
static void
test_ipp_token_wins(void **state)
{
	struct fx *fx = *state;
	char ann[IPP_SECRET_HEX], bob[IPP_SECRET_HEX], *err = NULL;
	char *file = session_file(fx);
	struct ipp_auth who;
	int64_t ann_id = account(fx, "ann@example.com", 0);
	int64_t bob_id = account(fx, "bob@example.com", 0);

	login(fx, "ann@example.com", ann);
	fx_assert_ok(ipp_auth_save(ann, &err), err);
	login(fx, "bob@example.com", bob);
	setenv("IPP_TOKEN", bob, 1);
	fx_assert_ok(current(fx, &who, &err), err);
	assert_int_equal(who.account_id, bob_id);
	fx_assert_ok(ipp_auth_logout(fx->store, &err), err);
	assert_int_equal(access(file, F_OK), 0);
	assert_int_equal(current(fx, &who, &err), IPP_EAUTH);
	/* An empty IPP_TOKEN is no token: the file speaks. */
	setenv("IPP_TOKEN", "", 1);
	fx_assert_ok(current(fx, &who, &err), err);
	assert_int_equal(who.account_id, ann_id);
	/* Anything but 64 hex digits is refused as such. */
	setenv("IPP_TOKEN", "abc", 1);
	assert_int_equal(current(fx, &who, &err), IPP_EAUTH);
	fx_assert_contains(err, "IPP_TOKEN is not an ipp token");
	free(err);
	free(file);
}

/* A session lasts session_hours; an API token until it is revoked. */
static void
test_session_expires_api_token_does_not(void **state)
{
	struct fx *fx = *state;
	char session[IPP_SECRET_HEX], api[IPP_SECRET_HEX], *err = NULL;
	struct ipp_auth who;

	account(fx, "ann@example.com", 0);
	fx_assert_ok(ipp_settings_set(fx->store, "session_hours", "2", &err),
	    err);
	login(fx, "ann@example.com", session);
	setenv("IPP_TOKEN", session, 1);
	fx_assert_ok(current(fx, &who, &err), err);
	fx_assert_ok(ipp_auth_api_token(fx->store, &who, api, &err), err);
	assert_string_not_equal(api, session);
	setenv("IPP_NOW", "2026-03-02T10:59:59Z", 1);
	fx_assert_ok(current(fx, &who, &err), err);
	setenv("IPP_NOW", "2026-03-02T11:00:00Z", 1);
	assert_int_equal(current(fx, &who, &err), IPP_EAUTH);
	fx_assert_contains(err, "expired at 2026-03-02T11:00:00Z");
	setenv("IPP_TOKEN", api, 1);
	setenv("IPP_NOW", "2036-03-02T09:00:00Z", 1);
	fx_assert_ok(current(fx, &who, &err), err);
	assert_int_equal(fx_query_int(fx->store, "SELECT count(*) FROM tokens"
	    " WHERE kind = 'api' AND expires_at IS NULL"), 1);
	free(err);
}

static void
test_handler_only(void **state)
{
	struct fx *fx = *state;
	char token[IPP_SECRET_HEX], *err = NULL, *sql;
	struct ipp_auth who;
	int64_t id = account(fx, "ann@example.com", 0);

	login(fx, "ann@example.com", token);
	setenv("IPP_TOKEN", token, 1);
	assert_int_equal(ipp_auth_handler(fx->store, &who, &err), IPP_EAUTH);
	fx_assert_contains(err, "only a case handler");
	sql = ipp_strdup_printf("UPDATE accounts SET role = 'handler'"
	    " WHERE account_id = %lld", (long long)id);
	fx_assert_ok(ipp_store_exec(fx->store, sql, &err), err);
	fx_assert_ok(ipp_auth_handler(fx->store, &who, &err), err);
	assert_int_equal(who.role, IPP_ROLE_HANDLER);
	assert_int_equal(who.account_id, id);
	/* Not signed in is still that, not "only a case handler". */
	unsetenv("IPP_TOKEN");
	assert_int_equal(ipp_auth_handler(fx->store, &who, &err), IPP_EAUTH);
	fx_assert_contains(err, "not signed in");
	free(sql);
	free(err);
}

static void
test_password_policy(void **state)
{
	struct fx *fx = *state;
	char *err = NULL, *longest, *too_long;

	assert_int_equal(ipp_auth_check_password_policy(fx->store, "1234567",
	    &err), IPP_EREFUSED);
	fx_assert_contains(err, "shorter than 8 characters (rule A4)");
	fx_assert_ok(ipp_auth_check_password_policy(fx->store, "12345678",
	    &err), err);
	longest = calloc(1, 1026);
	too_long = calloc(1, 1026);
	assert_non_null(longest);
	assert_non_null(too_long);
	memset(longest, 'x', 1024);
	memset(too_long, 'x', 1025);
	fx_assert_ok(ipp_auth_check_password_policy(fx->store, longest,
	    &err), err);
	assert_int_equal(ipp_auth_check_password_policy(fx->store, too_long,
	    &err), IPP_EREFUSED);
	fx_assert_contains(err, "longer than 1024 bytes (rule A4)");
	/* The minimum is the setting password_min_length. */
	fx_assert_ok(ipp_settings_set(fx->store, "password_min_length", "12",
	    &err), err);
	assert_int_equal(ipp_auth_check_password_policy(fx->store,
	    "12345678901", &err), IPP_EREFUSED);
	fx_assert_contains(err, "shorter than 12 characters");
	free(longest);
	free(too_long);
	free(err);
}

/*
 * passwd checks the current password and the policy, ends the other
 * sessions of the account, and keeps this one and the API tokens.
 */
static void
test_passwd(void **state)
{
	struct fx *fx = *state;
	char here[IPP_SECRET_HEX], other[IPP_SECRET_HEX], api[IPP_SECRET_HEX];
	char bob[IPP_SECRET_HEX], token[IPP_SECRET_HEX], *err = NULL;
	struct ipp_auth who;

	account(fx, "ann@example.com", 0);
	account(fx, "bob@example.com", 0);
	login(fx, "ann@example.com", other);
	login(fx, "bob@example.com", bob);
	login(fx, "ann@example.com", here);
	setenv("IPP_TOKEN", here, 1);
	fx_assert_ok(current(fx, &who, &err), err);
	fx_assert_ok(ipp_auth_api_token(fx->store, &who, api, &err), err);

	assert_int_equal(ipp_auth_passwd(fx->store, &who, "not it at all",
	    "battery staple", &err), IPP_EAUTH);
	fx_assert_contains(err, "the current password is wrong");
	assert_int_equal(ipp_auth_passwd(fx->store, &who, PW, "short",
	    &err), IPP_EREFUSED);
	fx_assert_contains(err, "rule A4");
	login(fx, "ann@example.com", token);	/* nothing changed yet */

	fx_assert_ok(ipp_auth_passwd(fx->store, &who, PW, "battery staple",
	    &err), err);
	fx_assert_ok(current(fx, &who, &err), err);
	setenv("IPP_TOKEN", api, 1);
	fx_assert_ok(current(fx, &who, &err), err);
	setenv("IPP_TOKEN", other, 1);
	assert_int_equal(current(fx, &who, &err), IPP_EAUTH);
	setenv("IPP_TOKEN", token, 1);
	assert_int_equal(current(fx, &who, &err), IPP_EAUTH);
	setenv("IPP_TOKEN", bob, 1);	/* another account's stays */
	fx_assert_ok(current(fx, &who, &err), err);
	assert_int_equal(ipp_auth_login(fx->store, "ann@example.com", PW,
	    token, &err), IPP_EAUTH);
	fx_assert_ok(ipp_auth_login(fx->store, "ann@example.com",
	    "battery staple", token, &err), err);
	free(err);
}

/* Without HOME or XDG_STATE_HOME there is nowhere to keep a session. */
static void
test_no_place_for_a_session(void **state)
{
	struct fx *fx = *state;
	char token[IPP_SECRET_HEX], *err = NULL;
	struct ipp_auth who;

	account(fx, "ann@example.com", 0);
	login(fx, "ann@example.com", token);
	unsetenv("HOME");
	setenv("XDG_STATE_HOME", "relative/dir", 1);	/* ignored */
	assert_int_equal(ipp_auth_save(token, &err), IPP_EUSAGE);
	fx_assert_contains(err, "set HOME or XDG_STATE_HOME");
	assert_int_equal(current(fx, &who, &err), IPP_EAUTH);
	fx_assert_contains(err, "not signed in");
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_login_refusals_say_the_same),
		T(test_login_email_any_case),
		T(test_unconfirmed_cannot_sign_in),
		T(test_session_file),
		T(test_tokens_stored_hashed),
		T(test_logout_ends_the_session),
		T(test_ipp_token_wins),
		T(test_session_expires_api_token_does_not),
		T(test_handler_only),
		T(test_password_policy),
		T(test_passwd),
		T(test_no_place_for_a_session),
#undef T
	};

	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
