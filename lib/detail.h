/*
 * "Check complaint details" (H4): a complaint whole, and the history of
 * every move of its URLs.  An account sees its own complaints only, a
 * case handler all; another account's complaint is "no complaint N",
 * exactly as one that does not exist.
 */
#ifndef IPP_DETAIL_H
#define IPP_DETAIL_H

#include <stdint.h>

#include "auth.h"
#include "store.h"
#include "tsv.h"

/* show writes field/value rows. */
extern const char *const ipp_detail_columns[];
extern const size_t ipp_detail_ncolumns;

/*
 * Writes the complaint as rows of (field, value): complaint_id,
 * account_id, ipr_id, ipr_label, ipr_type, platform, region, target,
 * reason, reason_label, priority, supplement, created_at, due_at,
 * benefits (what filing as a Good Faith member brought, G5: none,
 * half-target, or half-target,no-supplement-minimum), overdue, state, urls, then urls_STATE for each of the eight URL
 * states, abusive (yes or no), one evidence row per document ("SHA256
 * NAME") and one mark row per abusive mark or revoke ("AT ACTION
 * REASON"), oldest first.
 */
int ipp_detail_show(struct ipp_store *s, const struct ipp_auth *who,
    int64_t complaint_id, struct ipp_tsv_writer *w, char **errp);

/* history writes these. */
extern const char *const ipp_detail_history_columns[];
extern const size_t ipp_detail_history_ncolumns;

/*
 * Every move of the URLs of complaint_id (or, when complaint_id is 0, of
 * url_id), oldest first: url_id, at, actor_id, actor (account, handler
 * or system), from_state (NULL for filing), to_state, reason.
 */
int ipp_detail_history(struct ipp_store *s, const struct ipp_auth *who,
    int64_t complaint_id, int64_t url_id, struct ipp_tsv_writer *w,
    long *count, char **errp);

#endif
