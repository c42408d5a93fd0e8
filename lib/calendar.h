/*
 * Business days (N1): Monday to Friday in a time zone (the business_tz
 * setting, chosen Asia/Shanghai), less the operator's holiday list (the
 * holidays table, days as YYYY-MM-DD in that zone).  A window of N
 * business days opened at t ends at 24:00 local time of the N-th
 * business day after t's local day: opened Friday 2026-03-06 10:00 in
 * Shanghai, N = 3, it ends Wednesday 2026-03-11 24:00, that is
 * 2026-03-11T16:00:00Z; with a holiday on Monday 9, Thursday 12 24:00.
 *
 * Time zones come from the system's tz database (tzdata): the module
 * sets TZ for the computation and restores it, so it is not for
 * threads.
 */
#ifndef IPP_CALENDAR_H
#define IPP_CALENDAR_H

#include <stdint.h>

#include "store.h"

/* Sets *is to 1 when day (YYYY-MM-DD) is a holiday. */
typedef int ipp_calendar_holiday_fn(void *arg, const char *day, int *is,
    char **errp);

/*
 * The end of a window of n (>= 1) business days opened at t, in the
 * time zone tz (a tz database name such as Asia/Shanghai), holidays
 * given by is_holiday (may be NULL: none).  An unknown zone is
 * IPP_EUSAGE.
 */
int ipp_calendar_end(const char *tz, int64_t t, int n,
    ipp_calendar_holiday_fn *is_holiday, void *arg, int64_t *end,
    char **errp);

/*
 * The same with the store's business_tz setting and holiday list, n
 * being the integer setting named days_setting (counter_window_days,
 * answer_window_days).
 */
int ipp_calendar_window_end(struct ipp_store *s, int64_t t,
    const char *days_setting, int64_t *end, char **errp);

/* The holiday check against the store's list (arg: the store). */
int ipp_calendar_store_holiday(void *arg, const char *day, int *is,
    char **errp);

#endif
