/*
 * Complaints (C1-C12): a platform, a verified IPR, a target, a reason
 * code and 1-300 listing URLs, checked whole before anything is written
 * and immutable once filed (C8).  Each URL then moves on its own through
 * the states of DOMAIN.md; this module files, lists and withdraws.
 */
#ifndef IPP_COMPLAINT_H
#define IPP_COMPLAINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "auth.h"
#include "clock.h"
#include "doc.h"
#include "ipr.h"
#include "reason.h"
#include "probe.h"
#include "store.h"
#include "tsv.h"

/*
 * The URL states that are not final (DOMAIN.md's diagram), as an SQL
 * condition on a column named state.  The partial index that keeps a
 * listing in one open complaint (C5) is defined with this very text.
 */
#define IPP_URL_OPEN "(state = 'submitted' OR state = 'pending-counter'" \
	" OR state = 'countered' OR state = 'counter-rejected')"

/* What ipp-complain new and check collect. */
struct ipp_complaint_request {
	const char		*platform;	/* C1 */
	const char		*region;	/* lazada only */
	const char		*ipr;		/* id or label (I8) */
	const char		*target;	/* listing storefront (C3) */
	const char		*reason;	/* catalog code (C4) */
	const char		*supplement;	/* C7 */
	const char *const	*evidence;	/* document paths (C7, D1) */
	size_t			 nevidence;
	char *const		*urls;		/* as given (C5) */
	size_t			 nurls;
	int			 check;		/* live checks (C6) */
	int			 force;		/* confirms a large batch (C9) */
	int			 drop_bad;	/* file the passing URLs only */
};

/* Per URL: its probe, and why filing refuses it (NULL: it passes). */
struct ipp_complaint_url {
	struct ipp_probe_row	 probe;		/* structure and liveness */
	char			*refusal;	/* rule and reason, or NULL */
};

struct ipp_complaint_outcome {
	struct ipp_complaint_url *urls;		/* input order */
	size_t			  nurls;
	int64_t			  complaint_id;	/* filed, or 0 */
	char			 *warning;	/* no evidence (C7), a right of
						   type other (I6): one a line */
};

/* The columns of the per-URL verdicts new and check write. */
extern const char *const ipp_complaint_verdict_columns[];
extern const size_t ipp_complaint_verdict_ncolumns;
int ipp_complaint_write_verdict(struct ipp_tsv_writer *w,
    const struct ipp_complaint_url *u, int64_t complaint_id, char **errp);

/*
 * Checks a request against every rule and, unless dry_run, files it:
 * only when every URL passes, or with drop_bad the passing ones.
 * Request-wide refusals return IPP_EREFUSED naming the rule; URL
 * refusals are in the outcome and make the return IPP_EREFUSED too
 * (after filing the rest with drop_bad).  Release with
 * ipp_complaint_outcome_free.
 */
int ipp_complaint_file(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_complaint_request *req, int dry_run,
    ipp_http_progress_fn *progress, void *arg,
    struct ipp_complaint_outcome *out, char **errp);
void ipp_complaint_outcome_free(struct ipp_complaint_outcome *out);

/*
 * The pieces of filing that bulk import (bulk.c) runs group by group.
 */
struct ipp_complaint_checked {
	struct ipp_ipr_backing	 ipr;		/* I7 */
	struct ipp_reason	 reason;	/* C4 */
	struct ipp_doc		*evidence;	/* stored documents (C7) */
	char			 now[IPP_TIME_LEN + 1];	/* filing time */
	char			 due[IPP_TIME_LEN + 1];	/* C10 */
	int			 good_faith;	/* filed by a member: half
						 * the targets (C10), the
						 * lower burden (C7), G5 */
};

struct ipp_complaint_item {
	const char		*input;		/* the URL as given */
	const struct ipp_url	*url;		/* parsed */
	int64_t			 clash;		/* out: open complaint holding it */
};

/*
 * C1: a region given empty (or blank) is a usage error on every
 * platform, decided before the store is opened; NULL is no region.
 */
int ipp_complaint_check_region(const char *region, char **errp);

/* A5, C1-C4, C7, I7, C10: everything but the URLs and their count. */
int ipp_complaint_check_group(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_complaint_request *q, struct ipp_complaint_checked *c,
    char **errp);
/*
 * I6: a right of type other often fails, and the platform would rather
 * discuss it before enforcement: the warning a complaint under one draws
 * (malloc'd), or NULL.  Filing goes ahead.
 */
char *ipp_complaint_other_warning(const struct ipp_complaint_checked *c);
/* C5's 1-300 and C9's ramp guard. */
int ipp_complaint_check_size(struct ipp_store *s, const struct ipp_auth *who,
    size_t nurls, int force, char **errp);
/* C5: the open complaint of the account holding canonical, or 0. */
int ipp_complaint_open_duplicate(struct ipp_store *s, int64_t account,
    const char *canonical, int64_t *complaint_id, char **errp);
/*
 * C5 for n URLs at once: complaint_ids[i] gets the open complaint of the
 * account holding canonical[i], or 0; a few statements, not n.
 */
int ipp_complaint_open_duplicates(struct ipp_store *s, int64_t account,
    const char *const *canonical, size_t n, int64_t *complaint_ids,
    char **errp);
/* Stores q's evidence files (D1, D2) into c->evidence; free it after. */
int ipp_complaint_store_evidence(struct ipp_store *s,
    const struct ipp_complaint_request *q, struct ipp_complaint_checked *c,
    char **errp);
/*
 * Inserts one complaint and its URLs, inside the caller's transaction.
 * The store's unique index is C5's last word: a URL already in an open
 * complaint of the account (filed by a concurrent process since it was
 * checked) is not inserted; its clash gets that complaint's id and
 * *clashes counts it.  When every URL clashes nothing is inserted and
 * *id is 0.  Whether the rest stands is the caller's choice (drop_bad).
 */
int ipp_complaint_insert(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_complaint_request *q,
    const struct ipp_complaint_checked *c,
    struct ipp_complaint_item *items, size_t n, int64_t *id,
    size_t *clashes, char **errp);

/* Filters of ipp_complaint_list and ipp_complaint_urls. */
struct ipp_complaint_filter {
	const char	*state;		/* complaint or URL state */
	const char	*platform;	/* C1 */
	const char	*since;		/* YYYY-MM-DD or a time */
	int64_t		 complaint_id;	/* > 0: that complaint */
};

extern const char *const ipp_complaint_columns[];
extern const size_t ipp_complaint_ncolumns;
extern const char *const ipp_complaint_url_columns[];
extern const size_t ipp_complaint_url_ncolumns;

/*
 * The caller's complaints (a handler: all), by complaint_id.  This and
 * ipp_complaint_urls return IPP_ENOTFOUND, without a message, when no
 * row matched.
 */
int ipp_complaint_list(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_complaint_filter *f, struct ipp_tsv_writer *w,
    long *count, char **errp);

/* URL rows across the caller's complaints (or one), by url_id. */
int ipp_complaint_urls(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_complaint_filter *f, struct ipp_tsv_writer *w,
    long *count, char **errp);

/* Withdraws every non-final URL of a complaint (C11). */
int ipp_complaint_withdraw(struct ipp_store *s, const struct ipp_auth *who,
    int64_t complaint_id, char **errp);

/* Account figures for the ramp guard (C9) and the projection (G4). */
struct ipp_complaint_record {
	long	removed;	/* URLs removed */
	long	unsuccessful;	/* rejected + restored + withdrawn */
};
int ipp_complaint_record(struct ipp_store *s, int64_t account_id,
    struct ipp_complaint_record *r, char **errp);

/* Characters (UTF-8 code points) of a text: what C7 and C12 count. */
size_t ipp_complaint_chars(const char *s);

/* G4: accepted notices still needed to reach 90 %. */
long ipp_complaint_needed(long removed, long unsuccessful);

#endif
