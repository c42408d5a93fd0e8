/* Unit tests for lib/err.c: messages through errp, and exit statuses. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fixtures.h"
#include "banned.h"

static void
test_error_sets_message(void **state)
{
	char *err = NULL;

	assert_int_equal(ipp_error(&err, IPP_EREFUSED, "'%s' is %s (rule %s)",
	    "scan.txt", "text/plain", "D2"), IPP_EREFUSED);
	assert_string_equal(err, "'scan.txt' is text/plain (rule D2)");
	free(err);
}

/* A second error replaces the first (and frees it: see LeakSanitizer). */
static void
test_error_replaces(void **state)
{
	char *err = NULL;

	ipp_error(&err, IPP_ESTORE, "first");
	assert_int_equal(ipp_error(&err, IPP_EINPUT, "second %d", 2),
	    IPP_EINPUT);
	assert_string_equal(err, "second 2");
	free(err);
}

static void
test_error_null_errp(void **state)
{
	assert_int_equal(ipp_error(NULL, IPP_EAUTH, "ignored %s", "text"),
	    IPP_EAUTH);
	assert_int_equal(ipp_error_prefix(NULL, IPP_ENET, "ignored"),
	    IPP_ENET);
}

static void
test_error_prefix(void **state)
{
	char *err = NULL;

	ipp_error(&err, IPP_ESTORE, "no such table: accounts");
	assert_int_equal(ipp_error_prefix(&err, IPP_ESTORE, "migration %d", 3),
	    IPP_ESTORE);
	assert_string_equal(err, "migration 3: no such table: accounts");
	ipp_error_prefix(&err, IPP_ESTORE, "'%s'", "ipp.db");
	assert_string_equal(err, "'ipp.db': migration 3: no such table: "
	    "accounts");
	free(err);
	err = NULL;
	/* With no message yet, the prefix still says something. */
	assert_int_equal(ipp_error_prefix(&err, IPP_ESYS, "context"),
	    IPP_ESYS);
	assert_string_equal(err, "context: unknown error");
	free(err);
}

/* The codes are negative and distinct, IPP_OK is zero. */
static void
test_status_values(void **state)
{
	static const int codes[] = { IPP_EREFUSED, IPP_ENOTFOUND, IPP_EUSAGE,
	    IPP_ESTORE, IPP_EINPUT, IPP_EAUTH, IPP_ENET, IPP_ESYS };
	size_t i, j;

	assert_int_equal(IPP_OK, 0);
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		assert_true(codes[i] < 0);
		for (j = 0; j < i; j++)
			assert_int_not_equal(codes[i], codes[j]);
	}
}

/* The mapping every man page lists under EXIT STATUS. */
static void
test_exit_status(void **state)
{
	assert_int_equal(ipp_exit_status(IPP_OK), 0);
	assert_int_equal(ipp_exit_status(IPP_EREFUSED), 1);
	assert_int_equal(ipp_exit_status(IPP_ENOTFOUND), 1);
	assert_int_equal(ipp_exit_status(IPP_EUSAGE), 2);
	assert_int_equal(ipp_exit_status(IPP_ESTORE), 3);
	assert_int_equal(ipp_exit_status(IPP_EINPUT), 4);
	assert_int_equal(ipp_exit_status(IPP_EAUTH), 5);
	assert_int_equal(ipp_exit_status(IPP_ENET), 6);
	assert_int_equal(ipp_exit_status(IPP_ESYS), 7);
	assert_int_equal(IPP_EXIT_SYS, 7);
	/* Anything unknown is a system failure, never success. */
	assert_int_equal(ipp_exit_status(-99), IPP_EXIT_SYS);
	assert_int_equal(ipp_exit_status(5), IPP_EXIT_SYS);
}

static void
test_strdup_printf(void **state)
{
	char *s = ipp_strdup_printf("%s/%02d/%s", "docs", 7, "x");

	assert_string_equal(s, "docs/07/x");
	free(s);
	s = ipp_strdup_printf("%s", "");
	assert_string_equal(s, "");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_sets_message),
		cmocka_unit_test(test_error_replaces),
		cmocka_unit_test(test_error_null_errp),
		cmocka_unit_test(test_error_prefix),
		cmocka_unit_test(test_status_values),
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_strdup_printf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
