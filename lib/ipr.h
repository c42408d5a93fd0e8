/*
 * IPRs (I1-I8): trademarks, copyrights, patents and other rights, with
 * the documents each type needs, the handler's verification, the
 * failures list and the expiry watch.
 *
 * States (I7): pending -> verified | failed; a failed IPR is edited and
 * resubmitted.  A verified or pending IPR whose expiry date has passed is
 * shown as `expired` and backs no complaint.
 */
#ifndef IPP_IPR_H
#define IPP_IPR_H

#include <stdint.h>
#include <stdio.h>

#include "auth.h"
#include "store.h"
#include "tsv.h"

/* Document roles: which paper an IPR document is (I2-I6, I3). */
enum ipp_ipr_doc {
	IPP_IPR_CERTIFICATE,		/* registration certificate (I2, I4, I5) */
	IPP_IPR_STATEMENT,		/* ownership statement, unregistered (I4) */
	IPP_IPR_EVALUATION_REPORT,	/* patent evaluation report (I5) */
	IPP_IPR_BASIS,			/* basis of another right (I6) */
	IPP_IPR_RENEWED,		/* renewal proof (I3) */
	IPP_IPR_ASSIGNED,		/* assignment proof (I3) */
	IPP_IPR_ALTERED,		/* alteration proof (I3) */
	IPP_IPR_AUTHORIZATION,		/* authorisation to enforce (I3) */
	IPP_IPR_NDOCS
};

/* The role's name in the store and in import columns ("evaluation_report"). */
const char *ipp_ipr_doc_name(enum ipp_ipr_doc role);

/*
 * The questions of I3, each answered yes or no and stored with the IPR:
 * was the right renewed, assigned, altered?  A yes needs the document of
 * the same role (IPP_IPR_RENEWED + question); giving the document says
 * yes.  A recorded assignment (yes, with its document) of a right whose
 * registrant is not the account's owner stands for the authorisation a
 * right holder would need; an agent needs the authorisation all the same.
 */
enum ipp_ipr_question {
	IPP_IPR_WAS_RENEWED,		/* renewed? */
	IPP_IPR_WAS_ASSIGNED,		/* assigned (to the owner)? */
	IPP_IPR_WAS_ALTERED,		/* altered? */
	IPP_IPR_NQUESTIONS
};

/* The answer's name in the store, in records and in import columns. */
const char *ipp_ipr_question_name(enum ipp_ipr_question q);

/*
 * One IPR as given by the user (add, edit, an import row).  NULL fields
 * were not given; in an edit they keep their stored value.
 */
struct ipp_ipr_input {
	const char	*type;		/* trademark copyright patent other (I1) */
	const char	*label;		/* unique per account (I8) */
	const char	*name;		/* mark, title of work or of patent */
	const char	*number;	/* registration number */
	const char	*registrant;	/* registered owner of the right */
	const char	*jurisdiction;	/* ISO 3166-1 alpha-2 */
	const char	*expires;	/* YYYY-MM-DD */
	const char	*classes;	/* Nice classes, "9,25" or "9;25" */
	const char	*brand;		/* related brand (I2) */
	const char	*status;	/* registered, or pending: refused (I2) */
	const char	*kind;		/* invention utility-model design (I5) */
	const char	*description;	/* what the right is (I6) */
	int		 unregistered;	/* copyright without registration (I4) */
	const char	*docs[IPP_IPR_NDOCS];	/* file paths by role */
	/* I3's answers, "yes" or "no"; NULL: yes when its document is
	 * given, else (add) no or (edit) as stored. */
	const char	*answers[IPP_IPR_NQUESTIONS];
};

/* The columns of an IPR record, in output order (ipp-tsv(5)). */
extern const char *const ipp_ipr_columns[];
extern const size_t ipp_ipr_ncolumns;

/*
 * Adds an IPR for the caller after checking every rule of its type; the
 * caller's identity must be verified (A5).  *ipr_id gets the new id.
 */
int ipp_ipr_add(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_ipr_input *in, int64_t *ipr_id, char **errp);

/*
 * Changes a pending or failed IPR of the caller: given fields replace
 * stored ones, given documents replace those of their role, and the
 * whole record is checked again.
 */
int ipp_ipr_edit(struct ipp_store *s, const struct ipp_auth *who,
    int64_t ipr_id, const struct ipp_ipr_input *in, char **errp);

/* Sends a failed IPR back for verification (I7). */
int ipp_ipr_resubmit(struct ipp_store *s, const struct ipp_auth *who,
    int64_t ipr_id, char **errp);

/*
 * Whether a decision may be taken as given: a failed verification needs
 * a reason (I7), IPP_EUSAGE otherwise.  ipp_ipr_decide checks it; a
 * command may ask first, before it opens the store.
 */
int ipp_ipr_check_decision(int verify, const char *reason, char **errp);

/* A handler verifies (reason NULL) or fails an IPR, and it is mailed. */
int ipp_ipr_decide(struct ipp_store *s, const struct ipp_auth *who,
    int64_t ipr_id, int verify, const char *reason, char **errp);

/* Resolves "12" or a label of the caller's to an IPR id. */
int ipp_ipr_resolve(struct ipp_store *s, const struct ipp_auth *who,
    const char *id_or_label, int64_t *ipr_id, char **errp);

/* What a complaint needs to know of the IPR behind it. */
struct ipp_ipr_backing {
	int64_t	 ipr_id;		/* the IPR */
	char	 type[16];		/* I1 type */
	int	 registered;		/* 0: unregistered copyright (I4) */
	char	 jurisdiction[4];	/* ISO code, "" when none */
	char	 kind[16];		/* a patent's (I5), "" otherwise */
};

/*
 * I7: resolves an id or label to an IPR that can back a complaint: the
 * caller's own, verified, and not expired today.
 */
int ipp_ipr_backing(struct ipp_store *s, const struct ipp_auth *who,
    const char *id_or_label, struct ipp_ipr_backing *b, char **errp);

/* Filters of ipp_ipr_list; NULL or 0 for "any". */
struct ipp_ipr_filter {
	const char	*state;		/* pending verified failed expired */
	const char	*type;		/* I1 type */
	int		 expiring_days;	/* > 0: expiring within that many days */
	int		 queue;		/* handler queue: pending, oldest first */
	int64_t		 ipr_id;	/* > 0: that IPR only */
};

/*
 * Writes IPR records: the caller's own, or every account's for a
 * handler.  *count gets the number of rows; none is IPP_ENOTFOUND,
 * without a message.
 */
int ipp_ipr_list(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_ipr_filter *f, struct ipp_tsv_writer *w, long *count,
    char **errp);

/*
 * IPR verification failures (I7): how many times the caller's IPRs (a
 * handler: everyone's) failed verification, resubmitted ones included.
 */
int ipp_ipr_failure_count(struct ipp_store *s, const struct ipp_auth *who,
    long *count, char **errp);

/* Writes one IPR as `field value` rows, with documents and history. */
int ipp_ipr_show(struct ipp_store *s, const struct ipp_auth *who,
    int64_t ipr_id, struct ipp_tsv_writer *w, char **errp);

/* Called for each refused import row. */
typedef void ipp_ipr_reject_fn(void *arg, const char *file,
    unsigned long line, const char *message);

/* Import counts. */
struct ipp_ipr_import_result {
	long	 rows;		/* data rows read */
	long	 stored;	/* IPRs stored */
	long	 refused;	/* rows refused */
};

/*
 * Imports one IPR a row from CSV or TSV (ipp_records) on fp; document
 * paths are relative to basedir.  Every row is checked before anything
 * is stored: without partial, one refused row stores nothing; with
 * partial the good rows are stored and, when rejects is not NULL, the
 * refused rows are written to it with their columns and an `error`
 * column.  on_reject is told of each refused row.
 */
int ipp_ipr_import(struct ipp_store *s, const struct ipp_auth *who,
    FILE *fp, const char *name, const char *basedir, int partial,
    FILE *rejects, ipp_ipr_reject_fn *on_reject, void *arg,
    struct ipp_ipr_import_result *result, char **errp);

#endif
