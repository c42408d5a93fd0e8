/* Unit tests for lib/clock.c: IPP_NOW, and the one text form of time. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "fixtures.h"
#include "banned.h"

static void
test_now_honours_ipp_now(void **state)
{
	int64_t now;
	char *err = NULL;

	setenv("IPP_NOW", "2026-01-31T09:00:00Z", 1);
	fx_assert_ok(ipp_clock_now(&now, &err), err);
	assert_int_equal(now, 1769850000);
	unsetenv("IPP_NOW");
}

static void
test_now_text(void **state)
{
	char buf[IPP_TIME_LEN + 1], *err = NULL;

	setenv("IPP_NOW", "2024-02-29T23:59:59Z", 1);
	fx_assert_ok(ipp_clock_now_text(buf, &err), err);
	assert_string_equal(buf, "2024-02-29T23:59:59Z");
	unsetenv("IPP_NOW");
}

/* A date alone is midnight UTC. */
static void
test_now_date_only(void **state)
{
	int64_t now;
	char *err = NULL;

	setenv("IPP_NOW", "2026-01-31", 1);
	fx_assert_ok(ipp_clock_now(&now, &err), err);
	assert_int_equal(now, 1769817600);
	unsetenv("IPP_NOW");
}

/* Without IPP_NOW (or with it empty) the system clock rules. */
static void
test_now_system(void **state)
{
	int64_t now;
	time_t before, after;
	char *err = NULL;

	unsetenv("IPP_NOW");
	before = time(NULL);
	fx_assert_ok(ipp_clock_now(&now, &err), err);
	after = time(NULL);
	assert_in_range(now, before, after);
	setenv("IPP_NOW", "", 1);
	fx_assert_ok(ipp_clock_now(&now, &err), err);
	assert_in_range(now, before, time(NULL));
	unsetenv("IPP_NOW");
}

static void
test_now_refuses_bad_values(void **state)
{
	static const char *const bad[] = {
		"2026-02-30",			/* no such day */
		"2026-02-30T00:00:00Z",
		"2025-02-29T00:00:00Z",		/* not a leap year */
		"2026-04-31",
		"2026-13-01",
		"2026-00-10",
		"2026-01-00",
		"2026-01-31T24:00:00Z",
		"2026-01-31T09:60:00Z",
		"2026-01-31T09:00:60Z",
		"2026-01-31T09:00:00",		/* no Z: not UTC */
		"2026-01-31T09:00:00+01:00",
		"2026-01-31 09:00:00Z",
		"2026-1-31",
		"26-01-31",
		"tomorrow",
		"1969-12-31",
		"2026-01-31T09:00:00Z ",
		"+026-01-31",
	};
	size_t i;
	int64_t now;
	char *err = NULL;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("IPP_NOW", bad[i], 1);
		if (ipp_clock_now(&now, &err) != IPP_EUSAGE)
			fail_msg("IPP_NOW='%s' accepted", bad[i]);
		fx_assert_contains(err, "IPP_NOW");
		fx_assert_contains(err, bad[i]);
	}
	free(err);
	unsetenv("IPP_NOW");
}

static void
test_parse_accepts(void **state)
{
	int64_t t;

	assert_int_equal(ipp_clock_parse("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(ipp_clock_parse("1970-01-01", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(ipp_clock_parse("2024-02-29", &t), 0);
	assert_int_equal(t, 1709164800);
	assert_int_equal(ipp_clock_parse("2000-02-29T12:00:00Z", &t), 0);
	assert_int_equal(t, 951825600);
	assert_int_equal(ipp_clock_parse("2026-12-31T23:59:59Z", &t), 0);
	assert_int_equal(t, 1798761599);
}

static void
test_parse_refuses(void **state)
{
	int64_t t = 42;

	assert_int_equal(ipp_clock_parse("2026-02-30", &t), -1);
	assert_int_equal(ipp_clock_parse("1900-02-29", &t), -1);
	assert_int_equal(ipp_clock_parse("", &t), -1);
	assert_int_equal(ipp_clock_parse("2026-01-31T09:00Z", &t), -1);
	assert_int_equal(ipp_clock_parse("2026-01-31X09:00:00Z", &t), -1);
	assert_int_equal(ipp_clock_parse("2026-01-31T09:00:00z", &t), -1);
	/* A refusal leaves the result alone. */
	assert_int_equal(t, 42);
}

/* Format then parse gives back the instant, across years and days. */
static void
test_round_trip(void **state)
{
	char buf[IPP_TIME_LEN + 1];
	int64_t t, back;

	for (t = 0; t < 4102444800LL; t += 86400LL * 37 + 3601) {
		ipp_clock_format(t, buf);
		assert_int_equal(strlen(buf), IPP_TIME_LEN);
		assert_int_equal(ipp_clock_parse(buf, &back), 0);
		assert_int_equal(back, t);
	}
}

static void
test_format(void **state)
{
	char buf[IPP_TIME_LEN + 1];

	ipp_clock_format(1769850000, buf);
	assert_string_equal(buf, "2026-01-31T09:00:00Z");
	ipp_clock_format(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
}

/* The text form sorts as time does: stores compare it as text. */
static void
test_text_sorts_like_time(void **state)
{
	char a[IPP_TIME_LEN + 1], b[IPP_TIME_LEN + 1];

	ipp_clock_format(999999999, a);		/* 2001-09-09T01:46:39Z */
	ipp_clock_format(1000000000, b);
	assert_true(strcmp(a, b) < 0);
	ipp_clock_format(1769850000, a);
	ipp_clock_format(1769850000 + 86400 * 365, b);
	assert_true(strcmp(a, b) < 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_now_honours_ipp_now),
		cmocka_unit_test(test_now_text),
		cmocka_unit_test(test_now_date_only),
		cmocka_unit_test(test_now_system),
		cmocka_unit_test(test_now_refuses_bad_values),
		cmocka_unit_test(test_parse_accepts),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_text_sorts_like_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
