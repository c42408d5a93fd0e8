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
#include <stdio.h>

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

/* 1 when tz names a zone of the system's tz database. */
int ipp_calendar_zone_valid(const char *tz);

/*
 * IPP_OK when the store's business_tz setting is a zone of the tz
 * database; else IPP_EREFUSED saying which value and how to set it.
 */
int ipp_calendar_check_zone(struct ipp_store *s, char **errp);

/*
 * The operator's holiday list (N1).  Days are YYYY-MM-DD (a real day) in
 * business_tz; a window already open keeps the end it was given.
 */
struct ipp_tsv_writer;

/* The columns holidays writes: day name created_at, by day. */
extern const char *const ipp_calendar_holiday_columns[];
extern const size_t ipp_calendar_holiday_ncolumns;

/* Writes the list, by day; IPP_ENOTFOUND (no message) when empty. */
int ipp_calendar_holidays(struct ipp_store *s, struct ipp_tsv_writer *w,
    long *count, char **errp);

/*
 * Adds day (name may be NULL: none); a day that is not a date is
 * IPP_EUSAGE, one listed already IPP_EREFUSED.  Its own transaction.
 */
int ipp_calendar_holiday_add(struct ipp_store *s, const char *day,
    const char *name, char **errp);

/* Removes day: IPP_ENOTFOUND when it is not listed.  Own transaction. */
int ipp_calendar_holiday_remove(struct ipp_store *s, const char *day,
    char **errp);

/*
 * Loads a file (CSV or TSV, records.h) with the columns day and, if
 * present, name: every row is added, or a listed day renamed; all or
 * nothing, the first bad row is IPP_EINPUT "NAME:LINE: what (rule N1)".
 * *added gets the days new to the list.
 */
int ipp_calendar_holiday_load(struct ipp_store *s, FILE *fp,
    const char *name, long *added, char **errp);

#endif
