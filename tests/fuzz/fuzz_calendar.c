/*
 * libFuzzer harness for the business-day calendar (lib/calendar.c, rule
 * N1; issue 12).  The input picks a time zone (one of a list that has
 * odd days: DST at midnight, a skipped date, half hours; or, with the
 * first byte's top bit, raw bytes as a zone name), an opening instant
 * between 1970 and 2100, a window of 1 to 64 days and a holiday list (a
 * day is a holiday when a hash of its date, seeded by the input, falls
 * under the input's threshold).  Whatever they are: a zone that does not
 * exist is IPP_EUSAGE; otherwise the window ends after it opens, at the
 * start of a local day whose day before is a business day (Monday to
 * Friday, not a holiday), or the list leaves no room (IPP_EREFUSED);
 * the same question gives the same answer; TZ is as it was.  A broken
 * promise aborts.
 *
 * `make fuzz` runs it under libFuzzer; make check replays
 * tests/fuzz/corpus/calendar through tests/helpers/fuzzreplay_calendar.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "err.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX	64

static const char *fuzz_input;

#define CHECK(c) do { \
	if (!(c)) { \
		fprintf(stderr, "fuzz_calendar: %s%s%s:%d: failed: %s\n", \
		    fuzz_input ? fuzz_input : "", fuzz_input ? ": " : "", \
		    __FILE__, __LINE__, #c); \
		abort(); \
	} \
} while (0)

static const char *const zones[] = {
	"Asia/Shanghai", "UTC", "Europe/London", "America/New_York",
	"America/Santiago", "America/Havana", "Asia/Tehran", "Asia/Kathmandu",
	"Australia/Lord_Howe", "Pacific/Apia", "Pacific/Kiritimati",
	"America/St_Johns", "Asia/Beirut", "Africa/Casablanca",
	"Europe/Moscow", "Antarctica/Troll",
};

struct holidays {
	uint32_t	seed;
	uint8_t		threshold;	/* out of 256 days */
	unsigned	calls;
};

static uint32_t
day_hash(uint32_t h, const char *day)
{
	for (; *day != '\0'; day++)
		h = (h ^ (uint8_t)*day) * 16777619u;
	return h;
}

static int
holiday(void *arg, const char *day, int *is, char **errp)
{
	struct holidays *hl = arg;

	hl->calls++;
	CHECK(strlen(day) == 10 && day[4] == '-' && day[7] == '-');
	*is = (day_hash(hl->seed, day) & 0xff) < hl->threshold;
	return IPP_OK;
}

static uint64_t
take(const uint8_t **p, const uint8_t *e, size_t n)
{
	uint64_t v = 0;

	while (n-- > 0 && *p < e)
		v = v << 8 | *(*p)++;
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *e = data + (size < FUZZ_MAX ? size : FUZZ_MAX);
	struct holidays hl;
	char zone[33], *err = NULL, *err2 = NULL, *tz_before, day[16], *tzv;
	int64_t t, end = 0, end2 = 0;
	time_t tt;
	struct tm tm;
	int n, rc, rc2, pick;
	size_t k;

	pick = (int)take(&p, e, 1);
	if (pick & 0x80) {
		/* A raw name: up to 32 bytes, to the first NUL. */
		for (k = 0; k < 32 && p < e && *p != '\0'; k++)
			zone[k] = (char)*p++;
		zone[k] = '\0';
	} else {
		snprintf(zone, sizeof(zone), "%s",
		    zones[pick % (int)(sizeof(zones) / sizeof(zones[0]))]);
	}
	/* 1970 to about 2100. */
	t = (int64_t)(take(&p, e, 5) % 4102444800ull);
	n = (int)(take(&p, e, 1) % 64) + 1;
	hl.seed = (uint32_t)take(&p, e, 4);
	hl.threshold = (uint8_t)take(&p, e, 1);
	hl.calls = 0;

	tz_before = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	rc = ipp_calendar_end(zone, t, n, holiday, &hl, &end, &err);
	rc2 = ipp_calendar_end(zone, t, n, holiday, &hl, &end2, &err2);
	/* Deterministic, and TZ restored. */
	CHECK(rc == rc2);
	CHECK(rc != IPP_OK || end == end2);
	CHECK((getenv("TZ") == NULL) == (tz_before == NULL));
	CHECK(tz_before == NULL || strcmp(getenv("TZ"), tz_before) == 0);
	free(tz_before);
	free(err2);
	if (rc != IPP_OK) {
		CHECK(rc == IPP_EUSAGE || rc == IPP_EREFUSED);
		CHECK(err != NULL && strstr(err, "rule N1") != NULL);
		/* Only a list with holidays leaves no business day. */
		CHECK(rc != IPP_EREFUSED || hl.threshold > 0);
		free(err);
		return 0;
	}
	CHECK(err == NULL);
	CHECK(end > t);
	CHECK(end - t <= (int64_t)3700 * 86400);
	/* The day before the end, at noon local time, is a business day. */
	if ((tzv = malloc(strlen(zone) + 2)) == NULL)
		return 0;
	tzv[0] = ':';
	memcpy(tzv + 1, zone, strlen(zone) + 1);
	tz_before = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	setenv("TZ", tzv, 1);
	tzset();
	tt = (time_t)end;
	CHECK(localtime_r(&tt, &tm) != NULL);
	/* The start of a day: midnight, or 1:00 where midnight is skipped. */
	CHECK(tm.tm_min == 0 && tm.tm_sec == 0 && tm.tm_hour <= 1);
	tm.tm_mday--;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	CHECK(mktime(&tm) != (time_t)-1);
	CHECK(tm.tm_wday >= 1 && tm.tm_wday <= 5);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	CHECK(!((day_hash(hl.seed, day) & 0xff) < hl.threshold));
	if (tz_before != NULL)
		setenv("TZ", tz_before, 1);
	else
		unsetenv("TZ");
	tzset();
	free(tz_before);
	free(tzv);
	return 0;
}
