#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "clock.h"
#include "doc.h"
#include "err.h"
#include "mail.h"
#include "secret.h"
#include "settings.h"
#include "banned.h"

#define ACCOUNT_SELECT "SELECT account_id, email, contact_email, role, base," \
	" identity, category, rights_org, state, owner_name, identity_doc," \
	" identity_reason, created_at, updated_at FROM accounts"

const char *const ipp_account_columns[] = {
	"account_id", "email", "contact_email", "role", "base", "identity",
	"category", "rights_org", "state", "owner_name", "identity_doc",
	"identity_reason", "created_at", "updated_at",
};
const size_t ipp_account_ncolumns =
    sizeof(ipp_account_columns) / sizeof(ipp_account_columns[0]);

const char *const ipp_account_history_columns[] = {
	"event_id", "account_id", "actor_id", "action", "detail", "at",
};
const size_t ipp_account_history_ncolumns =
    sizeof(ipp_account_history_columns) /
    sizeof(ipp_account_history_columns[0]);

static const char *const bases[] = {
	"mainland-china", "hong-kong", "taiwan", "other", NULL };
static const char *const identities[] = { "individual", "enterprise", NULL };
static const char *const categories[] = { "right-holder", "agent", NULL };

static int
one_of(const char *value, const char *const *allowed)
{
	for (; value != NULL && *allowed != NULL; allowed++)
		if (strcmp(value, *allowed) == 0)
			return 1;
	return 0;
}

int
ipp_account_check_email(const char *email, const char *what, char **errp)
{
	const char *at, *p;

	if (email == NULL || *email == '\0')
		return ipp_error(errp, IPP_EUSAGE, "%s is missing", what);
	at = strchr(email, '@');
	if (strlen(email) > 254 || at == NULL || at == email ||
	    at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return ipp_error(errp, IPP_EREFUSED,
		    "%s is not an email address: '%s' (rule A1)", what, email);
	for (p = email; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '<' ||
		    *p == '>' || *p == ',' || *p == ';')
			return ipp_error(errp, IPP_EREFUSED, "%s has a space, "
			    "control or separator character: '%s' (rule A1)",
			    what, email);
	return IPP_OK;
}

/* Login emails compare case-insensitively (A1): kept in lower case. */
static char *
lower_dup(const char *s)
{
	char *copy = strdup(s), *p;

	for (p = copy; p != NULL && *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return copy;
}

static int
add_event(struct ipp_store *s, int64_t account_id, int64_t actor_id,
    const char *action, const char *detail, const char *now, char **errp)
{
	static const char sql[] = "INSERT INTO account_events (account_id,"
	    " actor_id, action, detail, at) VALUES (?, ?, ?, ?, ?)";

	return ipp_store_run(s, sql, "cannot record the event", errp, "iittt",
	    account_id, actor_id, action, detail, now);
}

/* The id of the account with this (lower-case) email, or 0. */
static int
find_email(struct ipp_store *s, const char *email, int64_t *id, char **errp)
{
	static const char sql[] = "SELECT account_id FROM accounts"
	    " WHERE email = ?";
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_static(st, 1, email);
	return ipp_store_first_int(s, st, id, "cannot look up the email", errp);
}

static int
insert_handler(struct ipp_store *s, const char *email, const char *hash,
    int64_t actor, int64_t *id, char **errp)
{
	static const char sql[] = "INSERT INTO accounts (email, contact_email,"
	    " role, state, password_hash, created_at, updated_at)"
	    " VALUES (?, ?, 'handler', 'active', ?, ?, ?)";
	char now[IPP_TIME_LEN + 1];
	int rc;

	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = find_email(s, email, id, errp)) != IPP_OK)
		return rc;
	if (*id != 0)
		return ipp_error(errp, IPP_EREFUSED,
		    "'%s' is already registered (rule A1)", email);
	if ((rc = ipp_store_run(s, sql, "cannot create the handler", errp,
	    "ttttt", email, email, hash, now, now)) != IPP_OK)
		return rc;
	*id = ipp_store_last_id(s);
	return add_event(s, *id, actor ? actor : *id, "handler-added", NULL,
	    now, errp);
}

int
ipp_account_find(struct ipp_store *s, const char *email, int64_t *id,
    char **errp)
{
	char *lower = lower_dup(email);
	int rc;

	if (lower == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	rc = find_email(s, lower, id, errp);
	free(lower);
	return rc;
}

static int
has_handler(struct ipp_store *s, int64_t *yes, char **errp)
{
	static const char sql[] = "SELECT 1 FROM accounts"
	    " WHERE role = 'handler'";
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	return ipp_store_first_int(s, st, yes, "cannot read accounts", errp);
}

/* Checks, hashes, then adds a handler inside one short transaction. */
static int
create_handler(struct ipp_store *s, const char *email_in, const char *password,
    int64_t actor, int first, int64_t *id, char **errp)
{
	char hash[IPP_SECRET_HASH_MAX], *email;
	int64_t exists;
	int rc;

	if ((rc = ipp_account_check_email(email_in, "the handler's email",
	    errp)) != IPP_OK ||
	    (rc = ipp_auth_check_password_policy(s, password, errp)) ||
	    (rc = ipp_secret_hash_password(password, hash, errp)) != IPP_OK)
		return rc;
	if ((email = lower_dup(email_in)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	if ((rc = ipp_store_begin(s, errp)) != IPP_OK)
		goto out;
	if (first && (rc = has_handler(s, &exists, errp)) == IPP_OK && exists)
		rc = ipp_error(errp, IPP_EREFUSED, "store '%s' already has a "
		    "case handler: add more with 'ipp-register handler add'",
		    ipp_store_file(s));
	if (rc == IPP_OK)
		rc = insert_handler(s, email, hash, actor, id, errp);
	if (rc == IPP_OK)
		rc = ipp_store_commit(s, errp);
	else
		ipp_store_rollback(s);
out:
	free(email);
	return rc;
}

int
ipp_account_first_handler(struct ipp_store *s, const char *email,
    const char *password, char **errp)
{
	int64_t id;

	return create_handler(s, email, password, 0, 1, &id, errp);
}

int
ipp_account_add_handler(struct ipp_store *s, const struct ipp_auth *who,
    const char *email, const char *password, int64_t *account_id,
    char **errp)
{
	if (who->role != IPP_ROLE_HANDLER)
		return ipp_error(errp, IPP_EAUTH,
		    "only a case handler may add a handler");
	return create_handler(s, email, password, who->account_id, 0,
	    account_id, errp);
}

static int
check_registration(struct ipp_store *s, const struct ipp_registration *r,
    char **errp)
{
	int rc;

	if (!r->agreed)
		return ipp_error(errp, IPP_EREFUSED, "accept the IPP User "
		    "Agreement and the IPP Privacy Policy with --agree: no "
		    "acceptance, no account (rule A1)");
	if (!one_of(r->base, bases))
		return ipp_error(errp, IPP_EUSAGE, "base must be "
		    "mainland-china, hong-kong, taiwan or other: '%s' (rule A1)",
		    r->base ? r->base : "");
	if (!one_of(r->identity, identities))
		return ipp_error(errp, IPP_EUSAGE, "identity must be individual "
		    "or enterprise: '%s' (rule A1)",
		    r->identity ? r->identity : "");
	if (!one_of(r->category, categories))
		return ipp_error(errp, IPP_EUSAGE, "category must be "
		    "right-holder or agent: '%s' (rule A1)",
		    r->category ? r->category : "");
	if (r->rights_org && (strcmp(r->identity, "individual") != 0 ||
	    strcmp(r->category, "agent") != 0))
		return ipp_error(errp, IPP_EREFUSED, "a rights-protection "
		    "organisation acting for rightsholders registers as "
		    "identity 'individual' with category 'agent', not '%s' "
		    "with '%s' (rule A2)", r->identity, r->category);
	if ((rc = ipp_account_check_email(r->email, "the login email",
	    errp)) != IPP_OK)
		return rc;
	if (r->contact_email != NULL && (rc = ipp_account_check_email(
	    r->contact_email, "the contact email", errp)) != IPP_OK)
		return rc;
	return ipp_auth_check_password_policy(s, r->password, errp);
}

/* Replaces the account's code with a fresh one; code gets the digits. */
static int
save_code(struct ipp_store *s, int64_t id, const char *now_text, int64_t now,
    char code[IPP_SECRET_CODE], char **errp)
{
	static const char sql[] = "INSERT INTO verification_codes (account_id,"
	    " code_hash, sent_at, expires_at, wrong_tries, used)"
	    " VALUES (?, ?, ?, ?, 0, 0) ON CONFLICT (account_id) DO UPDATE SET"
	    " code_hash = excluded.code_hash, sent_at = excluded.sent_at,"
	    " expires_at = excluded.expires_at, wrong_tries = 0, used = 0";
	char salted[64], hash[IPP_SECRET_HEX], expires[IPP_TIME_LEN + 1];
	long long ttl;
	int rc;

	if ((rc = ipp_settings_int(s, "code_ttl_minutes", &ttl, errp)) ||
	    (rc = ipp_secret_code(code, errp)) != IPP_OK)
		return rc;
	/* Only a hash of the code is stored (A3), salted by the account. */
	snprintf(salted, sizeof(salted), "%lld:%s", (long long)id, code);
	if ((rc = ipp_secret_sha256_hex(salted, strlen(salted), hash, errp)))
		return rc;
	ipp_clock_format(now + ttl * 60, expires);
	return ipp_store_run(s, sql, "cannot save the verification code",
	    errp, "ittt", id, hash, now_text, expires);
}

static int
mail_code(struct ipp_store *s, const char *email, const char *code,
    char **errp)
{
	long long ttl, tries;
	char *body;
	int rc;

	if ((rc = ipp_settings_int(s, "code_ttl_minutes", &ttl, errp)) ||
	    (rc = ipp_settings_int(s, "code_max_tries", &tries, errp)))
		return rc;
	body = ipp_strdup_printf("Verification code: %s\n\n"
	    "Enter it to confirm this address:\n\n"
	    "    ipp-register verify --email %s %s\n\n"
	    "The code is valid for %lld minutes and %lld tries (rule A3).\n"
	    "If you did not register with ipp, ignore this message.\n",
	    code, email, code, ttl, tries);
	if (body == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	rc = ipp_mail_send(s, email, "Your ipp verification code", body, errp);
	free(body);
	return rc;
}

static int
insert_account(struct ipp_store *s, const struct ipp_registration *r,
    const char *email, const char *hash, const char *now, int64_t *id,
    char **errp)
{
	static const char sql[] = "INSERT INTO accounts (email, contact_email,"
	    " role, base, identity, category, rights_org, state, password_hash,"
	    " agreement_version, privacy_version, agreed_at, created_at,"
	    " updated_at) SELECT ?, ?, 'account', ?, ?, ?, ?, 'unverified', ?,"
	    " a.value, p.value, ?, ?, ? FROM settings a, settings p"
	    " WHERE a.name = 'agreement_version' AND p.name = 'privacy_version'";
	int rc;

	if ((rc = find_email(s, email, id, errp)) != IPP_OK)
		return rc;
	if (*id != 0)
		return ipp_error(errp, IPP_EREFUSED, "'%s' is already "
		    "registered: login emails are unique, whatever their case "
		    "(rule A1)", r->email);
	rc = ipp_store_run(s, sql, "cannot create the account", errp,
	    "tttttitttt", email, r->contact_email ? r->contact_email : email,
	    r->base, r->identity, r->category, (int64_t)(r->rights_org != 0),
	    hash, now, now, now);
	if (rc != IPP_OK)
		return rc;
	*id = ipp_store_last_id(s);
	return add_event(s, *id, *id, "registered", r->rights_org ?
	    "rights-protection organisation" : NULL, now, errp);
}

int
ipp_account_register(struct ipp_store *s, const struct ipp_registration *r,
    int64_t *account_id, char **errp)
{
	char hash[IPP_SECRET_HASH_MAX], code[IPP_SECRET_CODE];
	char now_text[IPP_TIME_LEN + 1], *email;
	int64_t now;
	int rc;

	if ((rc = check_registration(s, r, errp)) != IPP_OK ||
	    (rc = ipp_clock_now(&now, errp)) != IPP_OK ||
	    (rc = ipp_secret_hash_password(r->password, hash, errp)) != IPP_OK)
		return rc;
	ipp_clock_format(now, now_text);
	if ((email = lower_dup(r->email)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	if ((rc = ipp_store_begin(s, errp)) != IPP_OK)
		goto out;
	if ((rc = insert_account(s, r, email, hash, now_text, account_id,
	    errp)) == IPP_OK)
		rc = save_code(s, *account_id, now_text, now, code, errp);
	/* Queued with the account: both commit or neither (N3). */
	if (rc == IPP_OK)
		rc = mail_code(s, email, code, errp);
	if (rc == IPP_OK)
		rc = ipp_store_commit(s, errp);
	else
		ipp_store_rollback(s);
	if (rc != IPP_OK)
		*account_id = 0;
out:
	free(email);
	explicit_bzero(code, sizeof(code));
	return rc;
}

/* The account's code row, read inside the caller's transaction. */
struct code_row {
	int64_t	 account_id;	/* 0: no such account */
	char	 state[24];	/* accounts.state */
	char	*code_hash;	/* NULL: no code */
	char	 sent_at[IPP_TIME_LEN + 1];
	char	 expires_at[IPP_TIME_LEN + 1];
	int	 wrong_tries;
	int	 used;
};

static void
copy_text(char *dst, size_t size, struct ipp_stmt *st, int i)
{
	const char *t = ipp_stmt_text(st, i);

	snprintf(dst, size, "%s", t != NULL ? t : "");
}

static int
load_code(struct ipp_store *s, const char *email, struct code_row *row,
    char **errp)
{
	static const char sql[] = "SELECT a.account_id, a.state, c.code_hash,"
	    " c.sent_at, c.expires_at, c.wrong_tries, c.used FROM accounts a"
	    " LEFT JOIN verification_codes c ON c.account_id = a.account_id"
	    " WHERE a.email = lower(?) AND a.role = 'account'";
	struct ipp_stmt *st;
	int rc;

	memset(row, 0, sizeof(*row));
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_static(st, 1, email);
	rc = ipp_stmt_step(st);
	if (rc == IPP_STMT_ROW) {
		row->account_id = ipp_stmt_int(st, 0);
		copy_text(row->state, sizeof(row->state), st, 1);
		row->code_hash = ipp_store_column_dup(st, 2);
		copy_text(row->sent_at, sizeof(row->sent_at), st, 3);
		copy_text(row->expires_at, sizeof(row->expires_at), st, 4);
		row->wrong_tries = (int)ipp_stmt_int(st, 5);
		row->used = (int)ipp_stmt_int(st, 6);
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_ROW && rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, "cannot read the account");
	if (rc == IPP_STMT_DONE)
		return ipp_error(errp, IPP_ENOTFOUND, "no account '%s'", email);
	if (strcmp(row->state, "unverified") != 0)
		return ipp_error(errp, IPP_EREFUSED,
		    "'%s' has confirmed its email already", email);
	return IPP_OK;
}

static int
check_code(struct ipp_store *s, const struct code_row *row, const char *code,
    const char *now, int *wrong, char **errp)
{
	char salted[64], hash[IPP_SECRET_HEX];
	long long max;
	int rc;

	*wrong = 0;
	if ((rc = ipp_settings_int(s, "code_max_tries", &max, errp)))
		return rc;
	if (row->code_hash == NULL || row->used)
		return ipp_error(errp, IPP_EREFUSED, "no code is outstanding: "
		    "ask for one with 'ipp-register resend' (rule A3)");
	if (row->wrong_tries >= max)
		return ipp_error(errp, IPP_EREFUSED, "the code was invalidated "
		    "after %lld wrong tries: ask for a new one with "
		    "'ipp-register resend' (rule A3)", max);
	if (strcmp(row->expires_at, now) <= 0)
		return ipp_error(errp, IPP_EREFUSED, "the code expired at %s: "
		    "ask for a new one with 'ipp-register resend' (rule A3)",
		    row->expires_at);
	snprintf(salted, sizeof(salted), "%lld:%s",
	    (long long)row->account_id, code);
	if ((rc = ipp_secret_sha256_hex(salted, strlen(salted), hash, errp)))
		return rc;
	if (ipp_secret_equal(hash, row->code_hash))
		return IPP_OK;
	*wrong = 1;
	if (row->wrong_tries + 1 >= max)
		return ipp_error(errp, IPP_EREFUSED, "wrong code, and that was "
		    "the last of %lld tries: the code is now invalid; ask for "
		    "a new one with 'ipp-register resend' (rule A3)", max);
	return ipp_error(errp, IPP_EREFUSED, "wrong code: %lld tries left "
	    "(rule A3)", max - row->wrong_tries - 1);
}

static int
valid_code_form(const char *code)
{
	int i;

	for (i = 0; i < IPP_SECRET_CODE - 1; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return code[i] == '\0';
}

static int
apply_verdict(struct ipp_store *s, const struct code_row *row, int wrong,
    const char *now, char **errp)
{
	static const char wrong_sql[] = "UPDATE verification_codes"
	    " SET wrong_tries = wrong_tries + 1 WHERE account_id = ?";
	static const char used_sql[] = "UPDATE verification_codes SET used = 1"
	    " WHERE account_id = ?";
	static const char active_sql[] = "UPDATE accounts SET state = 'active',"
	    " updated_at = ? WHERE account_id = ?";
	int rc;

	if (wrong)
		return ipp_store_run(s, wrong_sql, "cannot count the try", errp,
		    "i", row->account_id);
	if ((rc = ipp_store_run(s, used_sql, "cannot use the code", errp, "i",
	    row->account_id)) != IPP_OK ||
	    (rc = ipp_store_run(s, active_sql, "cannot activate the account",
	    errp, "ti", now, row->account_id)) != IPP_OK)
		return rc;
	return add_event(s, row->account_id, row->account_id,
	    "email-confirmed", NULL, now, errp);
}

int
ipp_account_verify(struct ipp_store *s, const char *email, const char *code,
    char **errp)
{
	struct code_row row;
	char now[IPP_TIME_LEN + 1];
	int rc, verdict, wrong = 0;

	if (!valid_code_form(code))
		return ipp_error(errp, IPP_EUSAGE,
		    "the code is six digits: '%s' (rule A3)", code);
	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	if ((rc = load_code(s, email, &row, errp)) != IPP_OK) {
		ipp_store_rollback(s);
		free(row.code_hash);
		return rc;
	}
	verdict = check_code(s, &row, code, now, &wrong, errp);
	/* A wrong try is a change too: it is counted and kept (A3). */
	if (verdict == IPP_OK || wrong)
		rc = apply_verdict(s, &row, wrong, now, errp);
	free(row.code_hash);
	if (rc != IPP_OK || (verdict != IPP_OK && !wrong)) {
		ipp_store_rollback(s);
		return rc != IPP_OK ? rc : verdict;
	}
	if ((rc = ipp_store_commit(s, errp)) != IPP_OK)
		return rc;
	return verdict;
}

int
ipp_account_resend(struct ipp_store *s, const char *email, char **errp)
{
	struct code_row row;
	char now_text[IPP_TIME_LEN + 1], next[IPP_TIME_LEN + 1];
	char code[IPP_SECRET_CODE];
	int64_t now, sent;
	long long gap;
	int rc;

	if ((rc = ipp_clock_now(&now, errp)) != IPP_OK ||
	    (rc = ipp_settings_int(s, "code_resend_seconds", &gap, errp)))
		return rc;
	ipp_clock_format(now, now_text);
	if ((rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	rc = load_code(s, email, &row, errp);
	free(row.code_hash);
	if (rc == IPP_OK && ipp_clock_parse(row.sent_at, &sent) == 0 &&
	    now < sent + gap) {
		ipp_clock_format(sent + gap, next);
		rc = ipp_error(errp, IPP_EREFUSED, "a code was sent at %s: "
		    "ask again at %s or later (rule A3)", row.sent_at, next);
	}
	if (rc == IPP_OK)
		rc = save_code(s, row.account_id, now_text, now, code, errp);
	if (rc == IPP_OK)
		rc = add_event(s, row.account_id, row.account_id, "code-resent",
		    NULL, now_text, errp);
	if (rc == IPP_OK) {
		char *to = lower_dup(email);
		rc = to != NULL ? mail_code(s, to, code, errp) :
		    ipp_error(errp, IPP_ESYS, "out of memory");
		free(to);
	}
	if (rc == IPP_OK)
		rc = ipp_store_commit(s, errp);
	else
		ipp_store_rollback(s);
	explicit_bzero(code, sizeof(code));
	return rc;
}

static int
check_owner_name(const char *name, char **errp)
{
	const unsigned char *p;

	if (name == NULL || *name == '\0' || *name == ' ')
		return ipp_error(errp, IPP_EUSAGE, "the owner's name is "
		    "missing or starts with a space (rule A5)");
	if (strlen(name) > 200)
		return ipp_error(errp, IPP_EREFUSED, "the owner's name is longer "
		    "than 200 bytes (rule A5)");
	for (p = (const unsigned char *)name; *p != '\0'; p++)
		if (*p < ' ' || *p == 0x7f)
			return ipp_error(errp, IPP_EREFUSED, "the owner's name "
			    "has a control character (rule A5)");
	return IPP_OK;
}

static int
record_identity(struct ipp_store *s, const struct ipp_auth *who,
    const char *name, const struct ipp_doc *doc, const char *doc_name,
    char **errp)
{
	static const char sql[] = "UPDATE accounts SET owner_name = ?,"
	    " identity_doc = ?, identity_doc_name = ?, identity_reason = NULL,"
	    " state = 'identity-pending', updated_at = ? WHERE account_id = ?"
	    " AND state IN ('active', 'identity-rejected')";
	char now[IPP_TIME_LEN + 1], *detail;
	int rc;

	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_doc_record(s, doc, now, errp)) != IPP_OK ||
	    (rc = ipp_store_run(s, sql, "cannot save the identity", errp,
	    "tttti", name, doc->sha256, doc_name, now, who->account_id)))
		return rc;
	if (ipp_store_changes(s) != 1)
		return ipp_error(errp, IPP_EREFUSED, "the identity can be "
		    "submitted only while the account is active or its "
		    "identity was rejected (rule A6)");
	detail = ipp_strdup_printf("%s %s", doc->sha256, doc_name);
	if (detail == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	rc = add_event(s, who->account_id, who->account_id,
	    "identity-submitted", detail, now, errp);
	free(detail);
	return rc;
}

int
ipp_account_identity(struct ipp_store *s, const struct ipp_auth *who,
    const char *owner_name, const char *doc_path, char **errp)
{
	struct ipp_doc doc;
	int rc;

	if (who->role != IPP_ROLE_ACCOUNT)
		return ipp_error(errp, IPP_EREFUSED,
		    "a case handler has no owner identity to submit");
	if (strcmp(who->state, "active") != 0 &&
	    strcmp(who->state, "identity-rejected") != 0)
		return ipp_error(errp, IPP_EREFUSED, "the account is '%s': an "
		    "identity is submitted once the email is confirmed, and "
		    "again only after a rejection (rule A6)", who->state);
	if ((rc = check_owner_name(owner_name, errp)) != IPP_OK)
		return rc;
	/* The file goes to docs/ first; the row naming it is committed last. */
	if ((rc = ipp_doc_store(s, doc_path, &doc, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	rc = record_identity(s, who, owner_name, &doc, ipp_doc_name(doc_path),
	    errp);
	if (rc != IPP_OK) {
		ipp_store_rollback(s);
		return rc;
	}
	return ipp_store_commit(s, errp);
}

/*
 * The contact of an identity-pending account (A6), read through the one
 * loader of an account row, in the caller's transaction.
 */
static int
pending_contact(struct ipp_store *s, int64_t id, char **contact, char **errp)
{
	struct ipp_account_profile p;
	int rc;

	*contact = NULL;
	if ((rc = ipp_account_profile(s, id, &p, errp)) != IPP_OK)
		return rc;
	if (strcmp(p.role, "account") != 0)
		rc = ipp_error(errp, IPP_ENOTFOUND, "no account %lld",
		    (long long)id);
	else if (strcmp(p.state, "identity-pending") != 0)
		rc = ipp_error(errp, IPP_EREFUSED, "account %lld is '%s', not "
		    "identity-pending (rule A6)", (long long)id, p.state);
	else {
		*contact = p.contact_email;
		p.contact_email = NULL;
	}
	ipp_account_profile_free(&p);
	return rc;
}

static int
mail_decision(struct ipp_store *s, const char *to, int approve,
    const char *reason, char **errp)
{
	char *body;
	int rc;

	if (approve)
		body = ipp_strdup_printf("Your identity information was "
		    "verified by a case handler (rule A5).\n\nYou may now "
		    "upload your IPRs with ipp-ipr(1).\n");
	else
		body = ipp_strdup_printf("Your identity information was "
		    "rejected by a case handler (rule A5).\n\nReason: %s\n\n"
		    "Correct it and submit again with 'ipp-register identity'.\n",
		    reason);
	if (body == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	rc = ipp_mail_send(s, to, approve ? "Your identity was verified" :
	    "Your identity was rejected", body, errp);
	free(body);
	return rc;
}

int
ipp_account_check_decision(int approve, const char *reason, char **errp)
{
	if (!approve && (reason == NULL || *reason == '\0'))
		return ipp_error(errp, IPP_EUSAGE,
		    "a rejection needs a reason (rule A5)");
	return IPP_OK;
}

int
ipp_account_decide(struct ipp_store *s, const struct ipp_auth *who,
    int64_t id, int approve, const char *reason, char **errp)
{
	static const char sql[] = "UPDATE accounts SET state = ?,"
	    " identity_reason = ?, updated_at = ? WHERE account_id = ?";
	char now[IPP_TIME_LEN + 1], *contact = NULL;
	int rc;

	if (who->role != IPP_ROLE_HANDLER)
		return ipp_error(errp, IPP_EAUTH,
		    "only a case handler may verify identities");
	if ((rc = ipp_account_check_decision(approve, reason, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	if ((rc = pending_contact(s, id, &contact, errp)) == IPP_OK)
		rc = ipp_store_run(s, sql, "cannot decide", errp, "ttti",
		    approve ? "identity-verified" : "identity-rejected",
		    approve ? NULL : reason, now, id);
	if (rc == IPP_OK)
		rc = add_event(s, id, who->account_id, approve ?
		    "identity-verified" : "identity-rejected", reason, now,
		    errp);
	if (rc == IPP_OK)
		rc = mail_decision(s, contact, approve, reason, errp);
	if (rc == IPP_OK)
		rc = ipp_store_commit(s, errp);
	else
		ipp_store_rollback(s);
	free(contact);
	return rc;
}

int
ipp_account_whoami(struct ipp_store *s, const struct ipp_auth *who,
    struct ipp_tsv_writer *w, char **errp)
{
	static const char sql[] = ACCOUNT_SELECT " WHERE account_id = ?";
	struct ipp_stmt *st;
	long n;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, who->account_id);
	return ipp_store_write_rows(s, st, w, &n, errp);
}

static const char *const states[] = { "unverified", "active",
	"identity-pending", "identity-verified", "identity-rejected", NULL };

int
ipp_account_list(struct ipp_store *s, const struct ipp_auth *who,
    const char *state, struct ipp_tsv_writer *w, char **errp)
{
	static const char sql[] = ACCOUNT_SELECT
	    " WHERE (?1 IS NULL OR state = ?1) ORDER BY account_id";
	struct ipp_stmt *st;
	long n;
	int rc;

	if (who->role != IPP_ROLE_HANDLER)
		return ipp_error(errp, IPP_EAUTH,
		    "only a case handler may list accounts");
	if (state != NULL && !one_of(state, states))
		return ipp_error(errp, IPP_EUSAGE, "no account state '%s': "
		    "unverified, active, identity-pending, identity-verified "
		    "or identity-rejected (rule A6)", state);
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_text(st, 1, state);
	return ipp_store_write_matches(s, st, w, &n, errp);
}

int
ipp_account_history(struct ipp_store *s, const struct ipp_auth *who,
    int64_t id, struct ipp_tsv_writer *w, char **errp)
{
	static const char sql[] = "SELECT event_id, account_id, actor_id,"
	    " action, detail, at FROM account_events WHERE account_id = ?"
	    " ORDER BY event_id";
	struct ipp_stmt *st;
	long n;
	int rc;

	/* An account sees its own history only; others do not exist to it. */
	if (who->role != IPP_ROLE_HANDLER && id != who->account_id)
		return ipp_error(errp, IPP_ENOTFOUND, "no account %lld",
		    (long long)id);
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, id);
	if ((rc = ipp_store_write_rows(s, st, w, &n, errp)) != IPP_OK)
		return rc;
	return n > 0 ? IPP_OK : ipp_error(errp, IPP_ENOTFOUND,
	    "no account %lld", (long long)id);
}

int
ipp_account_profile(struct ipp_store *s, int64_t id,
    struct ipp_account_profile *p, char **errp)
{
	static const char sql[] = "SELECT role, state, category, owner_name,"
	    " contact_email FROM accounts WHERE account_id = ?";
	struct ipp_stmt *st;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, id);
	if ((rc = ipp_stmt_step(st)) != IPP_STMT_ROW) {
		ipp_stmt_reset(st);
		if (rc != IPP_STMT_DONE)
			return ipp_store_fail(s, errp, "cannot read the account");
		return ipp_error(errp, IPP_ENOTFOUND, "no account %lld",
		    (long long)id);
	}
	copy_text(p->role, sizeof(p->role), st, 0);
	copy_text(p->state, sizeof(p->state), st, 1);
	copy_text(p->category, sizeof(p->category), st, 2);
	p->owner_name = ipp_store_column_dup(st, 3);
	p->contact_email = ipp_store_column_dup(st, 4);
	ipp_stmt_reset(st);
	if (p->contact_email == NULL) {
		ipp_account_profile_free(p);
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	return IPP_OK;
}

void
ipp_account_profile_free(struct ipp_account_profile *p)
{
	free(p->owner_name);
	free(p->contact_email);
	p->owner_name = p->contact_email = NULL;
}

int
ipp_account_require_verified(const struct ipp_auth *who, char **errp)
{
	if (who->role != IPP_ROLE_ACCOUNT)
		return ipp_error(errp, IPP_EREFUSED,
		    "a case handler files nothing of its own");
	if (strcmp(who->state, "identity-verified") != 0)
		return ipp_error(errp, IPP_EREFUSED, "the account is '%s': "
		    "complete the identity information and have it verified "
		    "first (rule A5)", who->state);
	return IPP_OK;
}
