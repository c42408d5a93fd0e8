#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "err.h"
#include "banned.h"

static int
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
ipp_clock_parse(const char *s, int64_t *t)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, se = 0;
	size_t len = strlen(s);
	time_t v;

	if (len != 10 && len != IPP_TIME_LEN)
		return -1;
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d))
		return -1;
	if (len == IPP_TIME_LEN && (s[10] != 'T' || digits(s + 11, 2, &h) ||
	    s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
	    digits(s + 17, 2, &se) || s[19] != 'Z'))
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	v = timegm(&tm);
	/* timegm normalises 31 February into March: refuse such days. */
	if (tm.tm_mday != d || tm.tm_mon != mo - 1)
		return -1;
	*t = (int64_t)v;
	return 0;
}

void
ipp_clock_format(int64_t t, char *buf)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, IPP_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
ipp_clock_now(int64_t *now, char **errp)
{
	const char *fixed = getenv("IPP_NOW");

	if (fixed != NULL && *fixed != '\0') {
		if (ipp_clock_parse(fixed, now) != 0)
			return ipp_error(errp, IPP_EUSAGE,
			    "IPP_NOW is not an ISO 8601 UTC time like "
			    "2026-01-31T09:00:00Z: '%s'", fixed);
		return IPP_OK;
	}
	*now = (int64_t)time(NULL);
	return IPP_OK;
}

int
ipp_clock_now_text(char *buf, char **errp)
{
	int64_t now;
	int rc;

	if ((rc = ipp_clock_now(&now, errp)) != IPP_OK)
		return rc;
	ipp_clock_format(now, buf);
	return IPP_OK;
}
