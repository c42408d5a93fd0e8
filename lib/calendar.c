#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calendar.h"
#include "clock.h"
#include "err.h"
#include "records.h"
#include "settings.h"
#include "tsv.h"
#include "banned.h"

#define MAX_DAYS 3660	/* ten years of holidays is a broken list */

/* A tz database name that names a file of the system's database. */
static int
zone_exists(const char *tz)
{
	const char *dir = getenv("TZDIR");
	char path[PATH_MAX];
	int n;

	if (*tz == '\0' || *tz == '/' || strstr(tz, "..") != NULL ||
	    strpbrk(tz, " ,<>") != NULL)
		return 0;
	if (dir == NULL || *dir != '/')
		dir = "/usr/share/zoneinfo";
	/* On the stack: out of memory must not read as "no such zone". */
	n = snprintf(path, sizeof(path), "%s/%s", dir, tz);
	return n > 0 && (size_t)n < sizeof(path) && access(path, R_OK) == 0;
}

/* Sets TZ to zone (saving the old value in *saved), or restores it. */
static int
use_zone(const char *tz, char **saved)
{
	const char *old = getenv("TZ");
	char *value;
	int rc;

	*saved = NULL;
	if (old != NULL && (*saved = strdup(old)) == NULL)
		return -1;
	if ((value = ipp_strdup_printf(":%s", tz)) == NULL)
		return -1;
	rc = setenv("TZ", value, 1);
	free(value);
	tzset();
	return rc;
}

static void
restore_zone(char *saved)
{
	if (saved != NULL)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}

/*
 * Steps *day (a civil date, noon, in tm's fields) to the next date: the
 * arithmetic is UTC's (timegm), so it never goes back or skips, whatever
 * the zone does.
 */
static int
next_date(struct tm *day)
{
	day->tm_mday++;
	day->tm_hour = 12;
	day->tm_min = day->tm_sec = 0;
	day->tm_isdst = 0;
	return timegm(day) == (time_t)-1 ? -1 : 0;
}

/*
 * Whether the civil date exists in the local zone: a zone may skip a
 * whole day (Pacific/Apia skipped 2011-12-30), which is no business day.
 */
static int
local_day_exists(const struct tm *day)
{
	struct tm tm = *day, back;
	time_t tt;

	tm.tm_isdst = -1;
	if ((tt = mktime(&tm)) == (time_t)-1 || localtime_r(&tt, &back) == NULL)
		return 0;
	return back.tm_year == day->tm_year && back.tm_mon == day->tm_mon &&
	    back.tm_mday == day->tm_mday;
}

static int
count_days(int64_t t, int n, ipp_calendar_holiday_fn *is_holiday,
    void *arg, int64_t *end, char **errp)
{
	time_t tt = (time_t)t;
	struct tm day, tm;
	char text[16];
	int found = 0, steps, holiday, rc;

	if (localtime_r(&tt, &day) == NULL)
		return ipp_error(errp, IPP_EUSAGE, "no local time for %lld",
		    (long long)t);
	for (steps = 0; found < n; steps++) {
		if (steps == MAX_DAYS)
			return ipp_error(errp, IPP_EREFUSED, "no %d business "
			    "days in the %d days after the window opens: check "
			    "the holiday list (rule N1)", n, MAX_DAYS);
		if (next_date(&day) != 0)
			return ipp_error(errp, IPP_EUSAGE, "no such local day");
		if (day.tm_wday == 0 || day.tm_wday == 6 ||
		    !local_day_exists(&day))
			continue;
		holiday = 0;
		if (is_holiday != NULL) {
			strftime(text, sizeof(text), "%Y-%m-%d", &day);
			if ((rc = is_holiday(arg, text, &holiday, errp)))
				return rc;
		}
		found += !holiday;
	}
	/*
	 * 24:00 of the n-th business day is the start of the next local
	 * day (of the one after, when the zone skips the next).
	 */
	do {
		if (next_date(&day) != 0)
			return ipp_error(errp, IPP_EUSAGE, "no such local day");
	} while (!local_day_exists(&day));
	tm = day;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	if ((tt = mktime(&tm)) == (time_t)-1)
		return ipp_error(errp, IPP_EUSAGE, "no such local day");
	*end = (int64_t)tt;
	return IPP_OK;
}

int
ipp_calendar_end(const char *tz, int64_t t, int n,
    ipp_calendar_holiday_fn *is_holiday, void *arg, int64_t *end,
    char **errp)
{
	char *saved;
	int rc;

	if (n < 1)
		return ipp_error(errp, IPP_EUSAGE, "a window of %d business "
		    "days (rule N1)", n);
	if (tz == NULL || !zone_exists(tz))
		return ipp_error(errp, IPP_EUSAGE, "time zone '%s' is not in "
		    "the tz database (setting business_tz, rule N1)",
		    tz ? tz : "");
	if (use_zone(tz, &saved) != 0) {
		restore_zone(saved);
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	rc = count_days(t, n, is_holiday, arg, end, errp);
	restore_zone(saved);
	return rc;
}

int
ipp_calendar_store_holiday(void *arg, const char *day, int *is,
    char **errp)
{
	static const char sql[] = "SELECT count(*) FROM holidays WHERE day = ?";
	struct ipp_store *s = arg;
	struct ipp_stmt *st;
	int64_t n;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_text(st, 1, day);
	if ((rc = ipp_store_first_int(s, st, &n, "cannot read the holiday "
	    "list", errp)) != IPP_OK)
		return rc;
	*is = n > 0;
	return IPP_OK;
}

int
ipp_calendar_window_end(struct ipp_store *s, int64_t t,
    const char *days_setting, int64_t *end, char **errp)
{
	long long days;
	char *tz = NULL;
	int rc;

	if ((rc = ipp_settings_int(s, days_setting, &days, errp)) != IPP_OK ||
	    (rc = ipp_settings_text(s, "business_tz", &tz, errp)) != IPP_OK)
		return rc;
	rc = ipp_calendar_end(tz, t, (int)days, ipp_calendar_store_holiday, s,
	    end, errp);
	free(tz);
	return rc;
}

int
ipp_calendar_zone_valid(const char *tz)
{
	return tz != NULL && zone_exists(tz);
}

int
ipp_calendar_check_zone(struct ipp_store *s, char **errp)
{
	char *tz = NULL;
	int rc;

	if ((rc = ipp_settings_text(s, "business_tz", &tz, errp)) != IPP_OK)
		return rc;
	if (!zone_exists(tz))
		rc = ipp_error(errp, IPP_EREFUSED, "setting business_tz is "
		    "'%s', not a zone of the tz database: set one, e.g. "
		    "'ipp-register set business_tz Asia/Shanghai' (rule N1)",
		    tz);
	free(tz);
	return rc;
}

const char *const ipp_calendar_holiday_columns[] = { "day", "name",
	"created_at" };
const size_t ipp_calendar_holiday_ncolumns = 3;

/* A holiday is a real day written YYYY-MM-DD. */
static int
check_day(const char *day, char **errp)
{
	int64_t t;

	if (day == NULL || strlen(day) != 10 || ipp_clock_parse(day, &t) != 0)
		return ipp_error(errp, IPP_EUSAGE, "a holiday is a date "
		    "YYYY-MM-DD: '%s' (rule N1)", day ? day : "");
	return IPP_OK;
}

int
ipp_calendar_holidays(struct ipp_store *s, struct ipp_tsv_writer *w,
    long *count, char **errp)
{
	static const char sql[] = "SELECT day, name, created_at FROM holidays"
	    " ORDER BY day";
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	return ipp_store_write_matches(s, st, w, count, errp);
}

/* Inserts day, or (rename) renames it; *added 1 when it was new. */
static int
put_day(struct ipp_store *s, const char *day, const char *name,
    const char *now, int rename, int *added, char **errp)
{
	static const char insert_sql[] = "INSERT INTO holidays (day, name,"
	    " created_at) VALUES (?, ?, ?) ON CONFLICT (day) DO NOTHING";
	static const char rename_sql[] = "UPDATE holidays SET name = ?"
	    " WHERE day = ?";
	int rc;

	if ((rc = ipp_store_run(s, insert_sql, "cannot add a holiday", errp,
	    "ttt", day, name ? name : "", now)) != IPP_OK)
		return rc;
	*added = ipp_store_changes(s) > 0;
	if (*added)
		return IPP_OK;
	if (!rename)
		return ipp_error(errp, IPP_EREFUSED, "%s is a holiday "
		    "already (rule N1)", day);
	return ipp_store_run(s, rename_sql, "cannot rename a holiday", errp,
	    "tt", name ? name : "", day);
}

int
ipp_calendar_holiday_add(struct ipp_store *s, const char *day,
    const char *name, char **errp)
{
	char now[IPP_TIME_LEN + 1];
	int rc, added;

	if ((rc = check_day(day, errp)) != IPP_OK ||
	    (rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	rc = put_day(s, day, name, now, 0, &added, errp);
	return ipp_store_end(s, rc, errp);
}

int
ipp_calendar_holiday_remove(struct ipp_store *s, const char *day,
    char **errp)
{
	static const char sql[] = "DELETE FROM holidays WHERE day = ?";
	int rc;

	if ((rc = check_day(day, errp)) != IPP_OK ||
	    (rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_store_run(s, sql, "cannot remove a holiday", errp, "t",
	    day)) == IPP_OK && ipp_store_changes(s) == 0)
		rc = ipp_error(errp, IPP_ENOTFOUND, "%s is not a holiday "
		    "(rule N1)", day);
	return ipp_store_end(s, rc, errp);
}

int
ipp_calendar_holiday_load(struct ipp_store *s, FILE *fp, const char *name,
    long *added, char **errp)
{
	struct ipp_records *r = NULL;
	char now[IPP_TIME_LEN + 1], *why = NULL;
	int rc, day_col, name_col, is_new;

	*added = 0;
	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_records_open(&r, fp, name, errp)) != IPP_OK)
		return rc;
	if ((day_col = ipp_records_column(r, "day")) < 0) {
		ipp_records_close(r);
		return ipp_error(errp, IPP_EINPUT, "%s:%lu: missing column "
		    "'day'", ipp_records_name(r), ipp_records_line(r));
	}
	name_col = ipp_records_column(r, "name");
	if ((rc = ipp_store_begin(s, errp)) != IPP_OK) {
		ipp_records_close(r);
		return rc;
	}
	while ((rc = ipp_records_next(r, errp)) == 1) {
		const char *day = ipp_records_field(r, (size_t)day_col);
		const char *label = name_col >= 0 ?
		    ipp_records_field(r, (size_t)name_col) : NULL;

		if (check_day(day, &why) != IPP_OK) {
			rc = ipp_error(errp, IPP_EINPUT, "%s:%lu: %s",
			    ipp_records_name(r), ipp_records_line(r), why);
			break;
		}
		if ((rc = put_day(s, day, label, now, 1, &is_new, errp)))
			break;
		*added += is_new;
	}
	free(why);
	ipp_records_close(r);
	if (rc != 0)
		*added = 0;
	return ipp_store_end(s, rc < 0 ? rc : IPP_OK, errp);
}
