/*
 * Counter-notices (N0-N3): merchants, their counters, the account's
 * answers and the handler's rulings.  Every URL state change goes
 * through ipp_move_apply (move.h); the account is told of a counter in
 * the transaction that records it (N3, one message per account).
 *
 * Merchants never sign in (N0): a case handler records them, one per
 * platform, region and seller id (the platform and region are the
 * complaint's), and their counters, each with the time the merchant
 * filed it.  A counter is recorded only while its URL is
 * pending-counter and its counter window is open at that time; the move
 * to countered is recorded at that time (the score counts a counter by
 * it, G2), and the account's answer window (answer_window_days business
 * days, N1) opens when the counter is recorded, which is when the
 * account is told.
 *
 * Answers and rulings come in batches: one transaction, a savepoint per
 * URL, each URL refused or applied on its own.  A batch first applies
 * the moves that are due (tick.h), so an answer after its window finds
 * the URL restored.
 */
#ifndef IPP_COUNTER_H
#define IPP_COUNTER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "auth.h"
#include "clock.h"
#include "store.h"

struct ipp_tsv_writer;

/* What a handler records of one counter-notice. */
struct ipp_counter_request {
	int64_t			 url_id;	/* the URL countered */
	const char		*seller;	/* the seller's id on the platform */
	const char		*name;		/* the merchant's name */
	const char		*email;		/* contact, or NULL */
	const char		*grounds;	/* the counter's text */
	const char *const	*evidence;	/* document paths (D1) */
	size_t			 nevidence;
	const char		*filed_at;	/* when the merchant filed it,
						 * NULL: now */
};

/* A counter recorded. */
struct ipp_counter_filed {
	int64_t	 url_id;
	int64_t	 counter_id;
	int64_t	 complaint_id;
	int64_t	 merchant_id;
	char	 filed_at[IPP_TIME_LEN + 1];
	char	 answer_due_at[IPP_TIME_LEN + 1];
};

/* The columns file and import write, one row per counter. */
extern const char *const ipp_counter_filed_columns[];
extern const size_t ipp_counter_filed_ncolumns;
int ipp_counter_write_filed(struct ipp_tsv_writer *w,
    const struct ipp_counter_filed *f, char **errp);

/*
 * Checks the request's own fields: a seller id empty or holding a
 * control character (a tab, a newline), a name or grounds empty, an
 * email that is not one address, a filed_at that is not a time
 * (IPP_EUSAGE, naming the rule).
 */
int ipp_counter_check(const struct ipp_counter_request *q, char **errp);

/*
 * Records one counter (handlers only: IPP_EAUTH) in a transaction of
 * its own.  An unknown URL is IPP_ENOTFOUND; one in another state, a
 * window closed at filed_at, a filed_at in the future or before the URL
 * was accepted, IPP_EREFUSED.
 */
int ipp_counter_file(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_counter_request *q, struct ipp_counter_filed *out,
    char **errp);

/* Import: per-row refusals, and the rows filed (after commit). */
typedef void ipp_counter_refusal_fn(void *arg, const char *file,
    unsigned long line, const char *message);
typedef int ipp_counter_filed_fn(void *arg,
    const struct ipp_counter_filed *f, char **errp);

struct ipp_counter_import_result {
	long	rows;		/* data rows read */
	long	refused;	/* rows refused */
	long	filed;		/* counters recorded */
};

/*
 * Imports counters from fp (CSV or TSV, records.h) with the columns
 * url_id seller name grounds (required) and email filed_at evidence
 * (evidence: paths separated by ';', relative to basedir).  All rows
 * are checked; a refused row is reported through on_refusal as
 * "NAME:LINE" and its reason.  Without partial, any refusal files
 * nothing (IPP_EREFUSED); with it the other rows are filed.  A file
 * without a required column, or malformed, is IPP_EINPUT.
 */
int ipp_counter_import(struct ipp_store *s, const struct ipp_auth *who,
    FILE *fp, const char *name, const char *basedir, int partial,
    ipp_counter_refusal_fn *on_refusal, ipp_counter_filed_fn *on_filed,
    void *arg, struct ipp_counter_import_result *res, char **errp);

/* What a batch does to each URL. */
enum ipp_counter_act {
	IPP_COUNTER_REJECT,	/* account: countered -> counter-rejected */
	IPP_COUNTER_CONCEDE,	/* account: countered -> restored */
	IPP_COUNTER_TAKEDOWN,	/* handler: counter-rejected -> removed */
	IPP_COUNTER_UPHOLD,	/* handler: counter-rejected -> restored */
};

struct ipp_counter_batch;

/* What became of one URL of a batch. */
struct ipp_counter_result {
	int64_t	 complaint_id;		/* 0: unknown to the caller */
	char	 state[24];		/* its state now, or "" */
};

/* The columns reject, concede and rule write. */
extern const char *const ipp_counter_answer_columns[];
extern const size_t ipp_counter_answer_ncolumns;

/*
 * Starts a batch: reject and concede are the account's (a handler is
 * IPP_EAUTH: it may not answer in an account's place), rulings the
 * handler's.  Applies the moves that are due first.
 */
int ipp_counter_open(struct ipp_store *s, const struct ipp_auth *who,
    enum ipp_counter_act act, struct ipp_counter_batch **bp, char **errp);

/*
 * Applies the batch's act to url_id.  IPP_OK: applied.  IPP_ENOTFOUND
 * (no such URL, or not the caller's) and IPP_EREFUSED (another state,
 * no reason where one is needed): this URL only is refused.  Any other
 * status is a failure of the store: abort the batch.
 */
int ipp_counter_apply(struct ipp_counter_batch *b, int64_t url_id,
    const char *reason, struct ipp_counter_result *r, char **errp);

/* Commits and frees the batch. */
int ipp_counter_close(struct ipp_counter_batch *b, char **errp);
void ipp_counter_abort(struct ipp_counter_batch *b);

/* list's filters. */
struct ipp_counter_filter {
	const char	*state;		/* the URL's state */
	const char	*due_before;	/* answer due before this time */
};

extern const char *const ipp_counter_list_columns[];
extern const size_t ipp_counter_list_ncolumns;

/*
 * The caller's counters (a handler: all), by url_id; IPP_ENOTFOUND
 * without a message when none matched.
 */
int ipp_counter_list(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_counter_filter *f, struct ipp_tsv_writer *w,
    long *count, char **errp);

/*
 * The complaint as the merchant behind url_id is shown it, as field and
 * value rows: of the account only its owner's name and contact email
 * (A5), then the IPR, the reason, the supplement and the URL.  For a
 * handler, or the account whose complaint it is.
 */
int ipp_counter_notice(struct ipp_store *s, const struct ipp_auth *who,
    int64_t url_id, struct ipp_tsv_writer *w, char **errp);

#endif
