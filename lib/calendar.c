#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calendar.h"
#include "err.h"
#include "settings.h"
#include "banned.h"

#define MAX_DAYS 3660	/* ten years of holidays is a broken list */

/* A tz database name that names a file of the system's database. */
static int
zone_exists(const char *tz)
{
	const char *dir = getenv("TZDIR");
	char *path;
	int ok;

	if (*tz == '\0' || *tz == '/' || strstr(tz, "..") != NULL ||
	    strpbrk(tz, " ,<>") != NULL)
		return 0;
	if (dir == NULL || *dir != '/')
		dir = "/usr/share/zoneinfo";
	if ((path = ipp_strdup_printf("%s/%s", dir, tz)) == NULL)
		return 0;
	ok = access(path, R_OK) == 0;
	free(path);
	return ok;
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
	sqlite3_stmt *st;
	int64_t n;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_TRANSIENT);
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
