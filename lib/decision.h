/*
 * Case handlers deciding complaints (H1-H3): the queue of submitted
 * URLs by target time, decisions in batches, abusive marks.
 *
 * A batch is one transaction (BEGIN IMMEDIATE): each URL is decided in
 * a savepoint of its own, so a refused URL leaves the others applied,
 * and at the end each account whose URLs were decided gets one digest
 * message (H1), queued in that same transaction.  Two handlers deciding
 * the same URLs at once are serialised by the store: the second finds
 * them decided and is told by whom and when.
 */
#ifndef IPP_DECISION_H
#define IPP_DECISION_H

#include <stdint.h>

#include "auth.h"
#include "clock.h"
#include "store.h"
#include "tsv.h"

struct ipp_decision_batch;

enum ipp_decision {
	IPP_DECIDE_ACCEPT,	/* -> pending-counter, the window opens (N1) */
	IPP_DECIDE_REJECT,	/* -> rejected, with a reason (final) */
};

/* What became of one URL of a batch. */
struct ipp_decision_result {
	int64_t		 complaint_id;	/* 0 when the URL is unknown */
	char		 state[24];	/* the URL's state now, or "" */
	char		 window_ends_at[IPP_TIME_LEN + 1];	/* accepted:
					 * the counter window's end, else "" */
};

/* The columns accept and reject write, one row per URL. */
extern const char *const ipp_decision_columns[];
extern const size_t ipp_decision_ncolumns;

/*
 * Starts a batch: the caller must be a handler (IPP_EAUTH); the clock is
 * read and the counter window's end computed (N1) once for the batch.
 */
int ipp_decision_open(struct ipp_store *s, const struct ipp_auth *who,
    struct ipp_decision_batch **bp, char **errp);

/*
 * Decides url_id.  IPP_OK: applied.  IPP_ENOTFOUND (no such URL) and
 * IPP_EREFUSED (not submitted, no reason for a rejection): this URL
 * only is refused, the batch goes on.  Any other status is a failure of
 * the store: abort the batch.
 */
int ipp_decision_apply(struct ipp_decision_batch *b, int64_t url_id,
    enum ipp_decision d, const char *reason,
    struct ipp_decision_result *r, char **errp);

/*
 * Queues one digest per account with decided URLs (each URL with its
 * outcome, a rejection with its reason, at most digest_max_urls listed)
 * and commits.  *mails gets the number of messages.  IPP_ENET: all is
 * committed and queued, but a delivery failed (it stays queued).  The
 * batch is freed whatever the result.
 */
int ipp_decision_close(struct ipp_decision_batch *b, long *mails,
    char **errp);

/* Rolls a batch back, whatever it applied, and frees it. */
void ipp_decision_abort(struct ipp_decision_batch *b);

/* The columns of queue and overdue. */
extern const char *const ipp_decision_queue_columns[];
extern const size_t ipp_decision_queue_ncolumns;

/*
 * The submitted URLs (handlers only), by the complaint's target time
 * (C10), then url_id; platform (may be NULL) filters; overdue keeps
 * those past their target time now (H2).
 */
int ipp_decision_queue(struct ipp_store *s, const struct ipp_auth *who,
    const char *platform, int overdue, struct ipp_tsv_writer *w,
    long *count, char **errp);

/* The columns abusive writes. */
extern const char *const ipp_decision_mark_columns[];
extern const size_t ipp_decision_mark_ncolumns;

/*
 * H3: marks complaint_id abusive (revoke: revokes the mark), with a
 * reason, kept beside the complaint; handlers only.  A second mark, or
 * a revoke without a mark, is IPP_EREFUSED.
 */
int ipp_decision_mark(struct ipp_store *s, const struct ipp_auth *who,
    int64_t complaint_id, int revoke, const char *reason,
    struct ipp_tsv_writer *w, char **errp);

#endif
