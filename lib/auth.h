/*
 * Who is asking (A3, A4): sign-in sessions and long-lived API tokens.
 *
 * Both are 32 random bytes shown once to the user and stored only as
 * their SHA-256.  A session lasts the session_hours setting and is saved
 * (mode 0600) in $XDG_STATE_HOME/ipp/session, else
 * ~/.local/state/ipp/session; IPP_TOKEN, when set, wins over the file, so
 * cron jobs authenticate with an API token.
 */
#ifndef IPP_AUTH_H
#define IPP_AUTH_H

#include <stdint.h>

#include "secret.h"
#include "store.h"

enum ipp_role {
	IPP_ROLE_ACCOUNT,	/* a right holder or agent */
	IPP_ROLE_HANDLER,	/* a platform case handler */
};

/* The caller of a command, as established by ipp_auth_current. */
struct ipp_auth {
	int64_t		 account_id;	/* accounts.account_id */
	enum ipp_role	 role;		/* account or handler */
	char		 state[24];	/* accounts.state (A6) */
};

/*
 * Checks email and password, refuses an unverified account (A3), and
 * creates a session; its token (hex) is written to token.
 */
int ipp_auth_login(struct ipp_store *s, const char *email,
    const char *password, char token[IPP_SECRET_HEX], char **errp);

/* Saves the session token to the session file, replacing any other. */
int ipp_auth_save(const char *token, char **errp);

/* Ends the current session: its row and the session file. */
int ipp_auth_logout(struct ipp_store *s, char **errp);

/*
 * Establishes the caller from IPP_TOKEN or the session file.  Without
 * one, or with an unknown or expired one: IPP_EAUTH with a hint.
 */
int ipp_auth_current(struct ipp_store *s, struct ipp_auth *who, char **errp);

/* Like ipp_auth_current, and IPP_EAUTH unless the caller is a handler. */
int ipp_auth_handler(struct ipp_store *s, struct ipp_auth *who, char **errp);

/* Creates a long-lived API token for the caller (A4). */
int ipp_auth_api_token(struct ipp_store *s, const struct ipp_auth *who,
    char token[IPP_SECRET_HEX], char **errp);

/*
 * Changes the caller's password after checking the current one; other
 * sessions of the account end.  Needs a session or token.
 */
int ipp_auth_passwd(struct ipp_store *s, const struct ipp_auth *who,
    const char *current, const char *next, char **errp);

/* Refuses a password shorter than the password_min_length setting (A4). */
int ipp_auth_check_password_policy(struct ipp_store *s, const char *password,
    char **errp);

#endif
