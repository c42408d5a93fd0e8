/*
 * Business days (N1): the worked examples of the rule, weekends, New
 * Year, a daylight-saving zone, holidays from the store, bad zones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixtures.h"
#include "calendar.h"
#include "clock.h"
#include "settings.h"
#include "banned.h"

/* Holidays as a space-separated list of days. */
static int
listed(void *arg, const char *day, int *is, char **errp)
{
	(void)errp;
	*is = strstr((const char *)arg, day) != NULL;
	return IPP_OK;
}

/* The end of n business days from opened, as text. */
static void
expect(const char *tz, const char *opened, int n, const char *holidays,
    const char *want)
{
	char got[IPP_TIME_LEN + 1], *err = NULL;
	int64_t t, end;

	assert_int_equal(ipp_clock_parse(opened, &t), 0);
	fx_assert_ok(ipp_calendar_end(tz, t, n, holidays ? listed : NULL,
	    (void *)holidays, &end, &err), err);
	ipp_clock_format(end, got);
	if (strcmp(got, want) != 0)
		fail_msg("%s + %d business days in %s: %s, expected %s",
		    opened, n, tz, got, want);
}

static void
test_rule_examples(void **state)
{
	(void)state;
	/* Friday 2026-03-06 10:00 in Shanghai (02:00Z), N = 3. */
	expect("Asia/Shanghai", "2026-03-06T02:00:00Z", 3, NULL,
	    "2026-03-11T16:00:00Z");
	/* A holiday on Monday 9: Thursday 12 24:00. */
	expect("Asia/Shanghai", "2026-03-06T02:00:00Z", 3, "2026-03-09",
	    "2026-03-12T16:00:00Z");
}

static void
test_local_day(void **state)
{
	(void)state;
	/* Thursday 23:30Z is already Friday in Shanghai. */
	expect("Asia/Shanghai", "2026-03-05T23:30:00Z", 3, NULL,
	    "2026-03-11T16:00:00Z");
	/* Thursday 15:59Z is still Thursday 23:59 there. */
	expect("Asia/Shanghai", "2026-03-05T15:59:59Z", 3, NULL,
	    "2026-03-10T16:00:00Z");
	/* Opened on a Saturday or a Sunday: Monday counts as the first. */
	expect("Asia/Shanghai", "2026-03-07T05:00:00Z", 1, NULL,
	    "2026-03-09T16:00:00Z");
	expect("Asia/Shanghai", "2026-03-08T05:00:00Z", 3, NULL,
	    "2026-03-11T16:00:00Z");
	/* A whole week: five business days from Monday end next Monday. */
	expect("Asia/Shanghai", "2026-03-09T01:00:00Z", 5, NULL,
	    "2026-03-16T16:00:00Z");
}

static void
test_new_year(void **state)
{
	(void)state;
	/* Wednesday 2025-12-31: Thu 1, Fri 2, Mon 5 of January. */
	expect("Asia/Shanghai", "2025-12-31T03:00:00Z", 3, NULL,
	    "2026-01-05T16:00:00Z");
	/* With New Year's Day a holiday: Tuesday 6. */
	expect("Asia/Shanghai", "2025-12-31T03:00:00Z", 3, "2026-01-01",
	    "2026-01-06T16:00:00Z");
	/* Several holidays in a row, weekend between. */
	expect("Asia/Shanghai", "2025-12-31T03:00:00Z", 1,
	    "2026-01-01 2026-01-02 2026-01-05", "2026-01-06T16:00:00Z");
}

static void
test_daylight_saving(void **state)
{
	(void)state;
	/* New York: 2026-03-08 clocks go forward; midnight is 04:00Z after. */
	expect("America/New_York", "2026-03-06T15:00:00Z", 1, NULL,
	    "2026-03-10T04:00:00Z");
	/* Before the change midnight is 05:00Z. */
	expect("America/New_York", "2026-03-02T15:00:00Z", 1, NULL,
	    "2026-03-04T05:00:00Z");
	/* And the caller's TZ is left as it was. */
	setenv("TZ", "Europe/Paris", 1);
	expect("Asia/Shanghai", "2026-03-06T02:00:00Z", 3, NULL,
	    "2026-03-11T16:00:00Z");
	assert_string_equal(getenv("TZ"), "Europe/Paris");
	unsetenv("TZ");
	expect("UTC", "2026-03-06T02:00:00Z", 3, NULL, "2026-03-12T00:00:00Z");
	assert_null(getenv("TZ"));
}

/*
 * A zone that skips a day (found by fuzz_calendar): Samoa went from
 * Thursday 2011-12-29 24:00 (UTC-10) to Saturday 2011-12-31 (UTC+14).
 * The window used to end before it opened; the missing Friday is no
 * business day, and 24:00 of a day is the start of the next that exists.
 */
static void
test_skipped_day(void **state)
{
	(void)state;
	/* Opened Thursday 14:04 local: the next business day is Monday 2. */
	expect("Pacific/Apia", "2011-12-30T00:04:16Z", 1, NULL,
	    "2012-01-02T10:00:00Z");
	expect("Pacific/Apia", "2011-12-30T00:04:16Z", 3, NULL,
	    "2012-01-04T10:00:00Z");
	/* Opened Wednesday 28: Thursday 29 ends at the switch itself. */
	expect("Pacific/Apia", "2011-12-28T22:00:00Z", 1, NULL,
	    "2011-12-30T10:00:00Z");
}

static void
test_bad_input(void **state)
{
	char *err = NULL;
	int64_t end;

	(void)state;
	assert_int_equal(ipp_calendar_end("Mars/Olympus", 0, 3, NULL, NULL,
	    &end, &err), IPP_EUSAGE);
	fx_assert_contains(err, "time zone 'Mars/Olympus' is not in the tz "
	    "database");
	assert_int_equal(ipp_calendar_end("../etc/passwd", 0, 3, NULL, NULL,
	    &end, &err), IPP_EUSAGE);
	assert_int_equal(ipp_calendar_end("UTC", 0, 0, NULL, NULL, &end,
	    &err), IPP_EUSAGE);
	free(err);
}

/* The store's settings and holiday list. */
static void
test_store(void **state)
{
	struct fx *fx = *state;
	char got[IPP_TIME_LEN + 1], *err = NULL;
	int64_t t, end;

	assert_int_equal(ipp_clock_parse("2026-03-06T02:00:00Z", &t), 0);
	fx_assert_ok(ipp_calendar_window_end(fx->store, t,
	    "counter_window_days", &end, &err), err);
	ipp_clock_format(end, got);
	assert_string_equal(got, "2026-03-11T16:00:00Z");
	assert_int_equal(sqlite3_exec(ipp_store_sqlite(fx->store), "INSERT INTO"
	    " holidays (day, name, created_at) VALUES ('2026-03-09', 'test',"
	    " 'now')", NULL, NULL, NULL), SQLITE_OK);
	fx_assert_ok(ipp_calendar_window_end(fx->store, t,
	    "answer_window_days", &end, &err), err);
	ipp_clock_format(end, got);
	assert_string_equal(got, "2026-03-12T16:00:00Z");
	fx_assert_ok(ipp_settings_set(fx->store, "counter_window_days", "1",
	    &err), err);
	fx_assert_ok(ipp_calendar_window_end(fx->store, t,
	    "counter_window_days", &end, &err), err);
	ipp_clock_format(end, got);
	assert_string_equal(got, "2026-03-10T16:00:00Z");
	fx_assert_ok(ipp_settings_set(fx->store, "business_tz", "Nowhere/X",
	    &err), err);
	assert_int_equal(ipp_calendar_window_end(fx->store, t,
	    "counter_window_days", &end, &err), IPP_EUSAGE);
	free(err);
}

/* text as a file to read. */
static FILE *
text_file(const char *text)
{
	return fmemopen((void *)text, strlen(text), "r");
}

/* The end of the counter window opened at opened, from the store. */
static void
store_expect(struct fx *fx, const char *opened, const char *want)
{
	char got[IPP_TIME_LEN + 1], *err = NULL;
	int64_t t, end;

	assert_int_equal(ipp_clock_parse(opened, &t), 0);
	fx_assert_ok(ipp_calendar_window_end(fx->store, t,
	    "counter_window_days", &end, &err), err);
	ipp_clock_format(end, got);
	if (strcmp(got, want) != 0)
		fail_msg("window opened %s: ends %s, expected %s", opened, got,
		    want);
}

/* N1's list kept by the operator: added, removed, loaded, refused. */
static void
test_holiday_edits(void **state)
{
	struct fx *fx = *state;
	char *err = NULL;
	long added;
	FILE *fp;
	int is;

	/* Friday 10:00 Shanghai: Wednesday; with Monday off, Thursday. */
	store_expect(fx, "2026-03-06T02:00:00Z", "2026-03-11T16:00:00Z");
	fx_assert_ok(ipp_calendar_holiday_add(fx->store, "2026-03-09",
	    "test", &err), err);
	store_expect(fx, "2026-03-06T02:00:00Z", "2026-03-12T16:00:00Z");
	/* A holiday on a Saturday changes nothing. */
	fx_assert_ok(ipp_calendar_holiday_add(fx->store, "2026-03-07", NULL,
	    &err), err);
	store_expect(fx, "2026-03-06T02:00:00Z", "2026-03-12T16:00:00Z");
	assert_int_equal(ipp_calendar_holiday_add(fx->store, "2026-03-09",
	    NULL, &err), IPP_EREFUSED);
	fx_assert_contains(err, "holiday already");
	assert_int_equal(ipp_calendar_holiday_add(fx->store, "2026-02-29",
	    NULL, &err), IPP_EUSAGE);
	fx_assert_contains(err, "'2026-02-29'");
	assert_int_equal(ipp_calendar_holiday_add(fx->store,
	    "2026-03-10T00:00:00Z", NULL, &err), IPP_EUSAGE);
	fx_assert_ok(ipp_calendar_holiday_remove(fx->store, "2026-03-09",
	    &err), err);
	store_expect(fx, "2026-03-06T02:00:00Z", "2026-03-11T16:00:00Z");
	assert_int_equal(ipp_calendar_holiday_remove(fx->store, "2026-03-09",
	    &err), IPP_ENOTFOUND);
	/* Across New Year: Wed 31 Dec 2025 + 3, with 1-2 January off. */
	assert_non_null(fp = text_file("day,name\n2026-01-01,New Year\n"
	    "2026-01-02,Bridge\n"));
	fx_assert_ok(ipp_calendar_holiday_load(fx->store, fp, "h.csv",
	    &added, &err), err);
	fclose(fp);
	assert_int_equal(added, 2);
	store_expect(fx, "2025-12-31T02:00:00Z", "2026-01-07T16:00:00Z");
	fx_assert_ok(ipp_calendar_store_holiday(fx->store, "2026-01-02", &is,
	    &err), err);
	assert_int_equal(is, 1);
	/* A bad row loads nothing, not even the good rows before it. */
	assert_non_null(fp = text_file("day\tname\n2026-05-01\tok\n"
	    "2026-05-32\tbad\n"));
	assert_int_equal(ipp_calendar_holiday_load(fx->store, fp, "h.tsv",
	    &added, &err), IPP_EINPUT);
	fclose(fp);
	fx_assert_contains(err, "h.tsv:3:");
	fx_assert_ok(ipp_calendar_store_holiday(fx->store, "2026-05-01", &is,
	    &err), err);
	assert_int_equal(is, 0);
	/* The zone check the tick makes. */
	fx_assert_ok(ipp_calendar_check_zone(fx->store, &err), err);
	fx_assert_ok(ipp_settings_set(fx->store, "business_tz", "Mars/Base",
	    &err), err);
	assert_int_equal(ipp_calendar_check_zone(fx->store, &err),
	    IPP_EREFUSED);
	fx_assert_contains(err, "'Mars/Base'");
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_examples),
		cmocka_unit_test(test_local_day),
		cmocka_unit_test(test_new_year),
		cmocka_unit_test(test_daylight_saving),
		cmocka_unit_test(test_skipped_day),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test_setup_teardown(test_store, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_holiday_edits, fx_setup,
		    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
