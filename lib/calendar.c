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

static int
count_days(int64_t t, int n, ipp_calendar_holiday_fn *is_holiday,
    void *arg, int64_t *end, char **errp)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char day[16];
	int found = 0, steps, holiday, rc;

	if (localtime_r(&tt, &tm) == NULL)
		return ipp_error(errp, IPP_EUSAGE, "no local time for %lld",
		    (long long)t);
	for (steps = 0; found < n; steps++) {
		if (steps == MAX_DAYS)
			return ipp_error(errp, IPP_EREFUSED, "no %d business "
			    "days in the %d days after the window opens: check "
			    "the holiday list (rule N1)", n, MAX_DAYS);
		/* Noon: no daylight-saving change happens then. */
		tm.tm_mday++;
		tm.tm_hour = 12;
		tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		if (mktime(&tm) == (time_t)-1)
			return ipp_error(errp, IPP_EUSAGE, "no such local day");
		if (tm.tm_wday == 0 || tm.tm_wday == 6)
			continue;
		holiday = 0;
		if (is_holiday != NULL) {
			strftime(day, sizeof(day), "%Y-%m-%d", &tm);
			if ((rc = is_holiday(arg, day, &holiday, errp)))
				return rc;
		}
		found += !holiday;
	}
	/* 24:00 of the n-th business day is 00:00 of the next day. */
	tm.tm_mday++;
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
