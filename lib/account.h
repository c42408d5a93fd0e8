/*
 * Accounts (A1-A6): registration, email verification, identity and the
 * handler's vetting.  States (A6): unverified -> active (email confirmed)
 * -> identity-pending -> identity-verified | identity-rejected; a rejected
 * identity may be submitted again.
 */
#ifndef IPP_ACCOUNT_H
#define IPP_ACCOUNT_H

#include <stdint.h>

#include "auth.h"
#include "store.h"
#include "tsv.h"

/* What ipp-register new collects (A1, A2). */
struct ipp_registration {
	const char	*email;		/* login email, unique case-insensitively */
	const char	*contact_email;	/* NULL: the login email */
	const char	*base;		/* mainland-china hong-kong taiwan other */
	const char	*identity;	/* individual enterprise */
	const char	*category;	/* right-holder agent */
	int		 rights_org;	/* a rights-protection organisation (A2) */
	int		 agreed;	/* accepted the agreement and policy (A1) */
	const char	*password;	/* plain text, hashed at once (A4) */
};

/* The columns of an account record, in output order (ipp-tsv(5)). */
extern const char *const ipp_account_columns[];
extern const size_t ipp_account_ncolumns;

/*
 * Creates the store's first case handler.  Refused when the store has a
 * handler already.  The handler is active at once.
 */
int ipp_account_first_handler(struct ipp_store *s, const char *email,
    const char *password, char **errp);

/* A handler adds another handler. */
int ipp_account_add_handler(struct ipp_store *s, const struct ipp_auth *who,
    const char *email, const char *password, int64_t *account_id,
    char **errp);

/*
 * Registers an account after checking A1 and A2, and mails it a
 * verification code (A3).  When the mail cannot be delivered the account
 * exists all the same and IPP_ENET says so (the message stays queued).
 */
int ipp_account_register(struct ipp_store *s,
    const struct ipp_registration *reg, int64_t *account_id, char **errp);

/* Enters the code (A3): right, the account becomes active. */
int ipp_account_verify(struct ipp_store *s, const char *email,
    const char *code, char **errp);

/* Sends a fresh code, at most once a code_resend_seconds (A3). */
int ipp_account_resend(struct ipp_store *s, const char *email, char **errp);

/*
 * Submits the owner's identity (A5): the owner's name and a personal ID
 * (individual) or company registration document (enterprise).
 */
int ipp_account_identity(struct ipp_store *s, const struct ipp_auth *who,
    const char *owner_name, const char *doc_path, char **errp);

/*
 * Whether a decision may be taken as given: a rejection needs a reason
 * (A5), IPP_EUSAGE otherwise.  ipp_account_decide checks it; a command
 * may ask first, before it opens the store.
 */
int ipp_account_check_decision(int approve, const char *reason,
    char **errp);

/* A handler verifies (reason NULL) or rejects an identity (A5). */
int ipp_account_decide(struct ipp_store *s, const struct ipp_auth *who,
    int64_t account_id, int approve, const char *reason, char **errp);

/* Writes the caller's own record. */
int ipp_account_whoami(struct ipp_store *s, const struct ipp_auth *who,
    struct ipp_tsv_writer *w, char **errp);

/*
 * A handler lists accounts, optionally in one state, by account_id;
 * IPP_ENOTFOUND (no message) when none matched.
 */
int ipp_account_list(struct ipp_store *s, const struct ipp_auth *who,
    const char *state, struct ipp_tsv_writer *w, char **errp);

/* Writes the history of an account (handler: any; account: its own). */
int ipp_account_history(struct ipp_store *s, const struct ipp_auth *who,
    int64_t account_id, struct ipp_tsv_writer *w, char **errp);
extern const char *const ipp_account_history_columns[];
extern const size_t ipp_account_history_ncolumns;

/* An account row, as every module (account.c too) reads it by id. */
struct ipp_account_profile {
	char	 role[16];		/* account or handler */
	char	 state[24];		/* A6 state */
	char	 category[16];		/* right-holder or agent */
	char	*owner_name;		/* verified owner's name, or NULL */
	char	*contact_email;		/* where decisions are mailed */
};

/* Reads an account's profile; release it with ipp_account_profile_free. */
int ipp_account_profile(struct ipp_store *s, int64_t account_id,
    struct ipp_account_profile *p, char **errp);
void ipp_account_profile_free(struct ipp_account_profile *p);

/* IPP_OK when the caller's identity is verified (A5), else why not. */
int ipp_account_require_verified(const struct ipp_auth *who, char **errp);

/* The id of the account whose login email is email (any case), or 0. */
int ipp_account_find(struct ipp_store *s, const char *email, int64_t *id,
    char **errp);

/* Checks an email address's form: one @, no spaces or controls. */
int ipp_account_check_email(const char *email, const char *what,
    char **errp);

#endif
