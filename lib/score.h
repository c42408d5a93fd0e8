/*
 * The Good Faith Program's figures (G1, G2, G4, G6): URL outcomes and
 * counters of an account, over the rolling window and all time, overall,
 * per platform and per reason code.
 *
 * A URL counts by the time of its final move (complaint_urls.final_at,
 * stamped by the move function); a counter by the time it was received
 * (countered_at, the time of the move into countered), and it succeeded
 * when the URL was restored by the time the figures are taken.  Open URLs
 * count nowhere.  The window of length score_window_days ending at `at`
 * holds what happened at or after at minus the window, to the second,
 * and at or before at.
 *
 * Rates are in tenths of a percent, truncated, so that what is shown and
 * what is judged agree: 89.99 % shows as 89.9 and fails G1's 90; 5.00 %
 * shows as 5.0 and fails G2's 5.
 */
#ifndef IPP_SCORE_H
#define IPP_SCORE_H

#include <stdint.h>
#include <stdio.h>

#include "auth.h"
#include "clock.h"
#include "store.h"
#include "tsv.h"

/* What one scope and window holds. */
struct ipp_score_figures {
	long	removed;		/* final: the takedown held */
	long	rejected;		/* final: a handler rejected it */
	long	restored;		/* final: a counter succeeded */
	long	withdrawn;		/* final: the account withdrew it */
	long	counters;		/* counters received */
	long	counters_succeeded;	/* of them, restored */
};

/* The settings of G1, G2 and G5. */
struct ipp_score_settings {
	long	success_min_pct;	/* G1: at least */
	long	counter_max_pct;	/* G2: below */
	long	window_days;		/* the rolling window */
	long	rejoin_days;		/* G5: the wait after an ending */
	long	min_volume;		/* G5: decided URLs in the window */
};

int ipp_score_settings(struct ipp_store *s, struct ipp_score_settings *c,
    char **errp);

/* removed + rejected + restored + withdrawn. */
long ipp_score_decided(const struct ipp_score_figures *f);

/* num / den in tenths of a percent, truncated; -1 when den is 0. */
long ipp_score_tenths(long num, long den);

/* G1 holds: nothing decided, or removed / decided >= the minimum. */
int ipp_score_success_ok(const struct ipp_score_figures *f,
    const struct ipp_score_settings *c);

/* G2 holds: no counters, or succeeded / counters < the maximum. */
int ipp_score_counter_ok(const struct ipp_score_figures *f,
    const struct ipp_score_settings *c);

/*
 * G4: removed URLs still needed for removed / decided to reach pct:
 * max(0, ceil((pct * unsuccessful - (100 - pct) * removed) / (100 - pct))),
 * at 90 % max(0, 9 * unsuccessful - removed).
 */
long ipp_score_needed(long removed, long unsuccessful, long pct);

/*
 * The window's start for figures taken at `at`: at minus window_days
 * (buf holds IPP_TIME_LEN + 1 bytes).  IPP_EUSAGE when at is no time.
 */
int ipp_score_since(const char *at, long window_days, char *buf,
    char **errp);

/*
 * The overall figures of one account between since (NULL: all time) and
 * at, both included.
 */
int ipp_score_account(struct ipp_store *s, int64_t account_id,
    const char *since, const char *at, struct ipp_score_figures *f,
    char **errp);

/*
 * Whose figures a command shows: an account its own (account_arg NULL,
 * or its own id); a handler names one (--account) or all (--all, *id
 * 0).  Another account's id for an account is IPP_EAUTH, an id that is
 * no account's IPP_ENOTFOUND, a handler naming none IPP_EUSAGE.
 */
int ipp_score_whose(struct ipp_store *s, const struct ipp_auth *who,
    const char *account_arg, int all, int64_t *id, char **errp);

/* The columns of show. */
extern const char *const ipp_score_columns[];
extern const size_t ipp_score_ncolumns;

/*
 * The dashboard (G6): for account_id (0: every account), at `at`, one
 * row per window (90d, then all) and scope (all, then platform:NAME and
 * reason:CODE, sorted), columns as ipp_score_columns.  below_threshold
 * is 1 when the scope misses G1 or G2.
 */
int ipp_score_show(struct ipp_store *s, int64_t account_id, const char *at,
    struct ipp_tsv_writer *w, long *count, char **errp);

/* One scope of an account: its figures in the window and all time. */
struct ipp_score_scope {
	char			*name;		/* all, platform:X, reason:X */
	struct ipp_score_figures f[2];		/* 0: the window, 1: all */
};

/*
 * The scopes of one account at `at`, in show's order (all first);
 * release with ipp_score_scopes_free.
 */
int ipp_score_scopes(struct ipp_store *s, int64_t account_id, const char *at,
    struct ipp_score_scope **v, size_t *n, char **errp);
void ipp_score_scopes_free(struct ipp_score_scope *v, size_t n);

/* The columns of what-if. */
extern const char *const ipp_score_whatif_columns[];
extern const size_t ipp_score_whatif_ncolumns;

/*
 * G4's what-if: for each window, today's overall figures, then the same
 * with `rejected` more URLs rejected.
 */
int ipp_score_whatif(struct ipp_store *s, int64_t account_id,
    const char *at, long rejected, struct ipp_tsv_writer *w, char **errp);

/*
 * The URLs a bulk-import file (ipp-complain import's columns, CSV or
 * TSV) would file: its rows with a non-empty url.  IPP_EINPUT for a file
 * without a url column or one that does not parse.
 */
int ipp_score_count_urls(FILE *fp, const char *name, long *n, char **errp);

/* The columns of trend. */
extern const char *const ipp_score_trend_columns[];
extern const size_t ipp_score_trend_ncolumns;

/*
 * Weekly points, oldest first, of the window's overall figures: weeks
 * points ending at `at`, at - 7 days, ...
 */
int ipp_score_trend(struct ipp_store *s, int64_t account_id, const char *at,
    int weeks, struct ipp_tsv_writer *w, char **errp);

/* Formats tenths (-1: \N) as "92.3" into buf of 24 bytes; NULL for -1. */
const char *ipp_score_rate_text(long tenths, char *buf);

#endif
