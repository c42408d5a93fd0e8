/*
 * The Good Faith report (G6): one self-contained HTML page a person reads
 * in a browser, on a desk or a phone.  Inline CSS, charts drawn as inline
 * SVG, no script and nothing fetched from elsewhere: the file alone is
 * the whole report, and reads the same offline.
 *
 * For one account: the rates against their thresholds, membership and
 * what blocks it, URLs by state per platform, the reason codes (the weak
 * ones flagged), IPR verification failures, abusive marks, the G4
 * projection and the weekly trend.  For every account (a handler's
 * --all): one table of each account's rates and membership.
 */
#ifndef IPP_REPORT_H
#define IPP_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "store.h"

/*
 * Writes the report of account_id (0: every account) with the figures
 * taken at `at` (membership as of the clock's now) to fp.
 */
int ipp_report_write(struct ipp_store *s, int64_t account_id, const char *at,
    FILE *fp, char **errp);

#endif
