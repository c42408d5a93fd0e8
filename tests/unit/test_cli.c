/* The binaries' shared input helpers (lib/cli.c) and the country table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"
#include "country.h"
#include "err.h"
#include "banned.h"

static FILE *
text_stream(const char *text)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");

	assert_non_null(fp);
	return fp;
}

static void
test_read_line(void **state)
{
	FILE *fp = text_stream("secret pw\r\nsecond\n");
	char *line = NULL, *err = NULL;

	(void)state;
	assert_int_equal(ipp_cli_read_line(fp, "a password", &line, &err),
	    IPP_OK);
	assert_string_equal(line, "secret pw");
	free(line);
	assert_int_equal(ipp_cli_read_line(fp, "a password", &line, &err),
	    IPP_OK);
	assert_string_equal(line, "second");
	free(line);
	assert_int_equal(ipp_cli_read_line(fp, "a password", &line, &err),
	    IPP_EUSAGE);
	assert_null(line);
	assert_non_null(strstr(err, "expected a password"));
	free(err);
	fclose(fp);
}

/* A line without end costs at most IPP_CLI_LINE_MAX bytes (issue 8, 9). */
static void
test_read_line_capped(void **state)
{
	static char text[IPP_CLI_LINE_MAX + 3];
	char *line = NULL, *err = NULL;
	FILE *fp;

	(void)state;
	memset(text, 'a', IPP_CLI_LINE_MAX);
	memcpy(text + IPP_CLI_LINE_MAX, "\n", 2);
	fp = text_stream(text);
	assert_int_equal(ipp_cli_read_line(fp, "a password", &line, &err),
	    IPP_OK);
	assert_int_equal(strlen(line), IPP_CLI_LINE_MAX);
	free(line);
	fclose(fp);
	memcpy(text + IPP_CLI_LINE_MAX, "a\n", 3);
	fp = text_stream(text);
	assert_int_equal(ipp_cli_read_line(fp, "a password", &line, &err),
	    IPP_EUSAGE);
	assert_null(line);
	assert_non_null(strstr(err, "a line longer than 4096 bytes"));
	free(err);
	fclose(fp);
}

static void
test_parse_id(void **state)
{
	int64_t id = 0;

	(void)state;
	assert_int_equal(ipp_cli_parse_id("42", &id), 0);
	assert_int_equal(id, 42);
	assert_int_equal(ipp_cli_parse_id("0", &id), -1);
	assert_int_equal(ipp_cli_parse_id("-3", &id), -1);
	assert_int_equal(ipp_cli_parse_id("4x", &id), -1);
	assert_int_equal(ipp_cli_parse_id("", &id), -1);
	assert_int_equal(ipp_cli_parse_id("99999999999999999999", &id), -1);
}

static void
test_ids_from_args_and_tsv(void **state)
{
	char *args[] = { "3", "5" }, *bad[] = { "3", "five" }, *err = NULL;
	FILE *fp = text_stream("email\taccount_id\na@x\t7\nb@x\t9\n");
	int64_t *ids = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(ipp_cli_ids(2, args, NULL, "account_id", &ids, &n,
	    &err), IPP_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ids[1], 5);
	free(ids);
	assert_int_equal(ipp_cli_ids(2, bad, NULL, "account_id", &ids, &n,
	    &err), IPP_EUSAGE);
	assert_non_null(strstr(err, "'five'"));
	assert_int_equal(ipp_cli_ids(0, NULL, fp, "account_id", &ids, &n,
	    &err), IPP_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], 7);
	assert_int_equal(ids[1], 9);
	free(ids);
	fclose(fp);
	fp = text_stream("email\na@x\n");
	assert_int_equal(ipp_cli_ids(0, NULL, fp, "account_id", &ids, &n,
	    &err), IPP_EINPUT);
	assert_non_null(strstr(err, "missing column 'account_id'"));
	fclose(fp);
	fp = text_stream("account_id\n7\nx\n");
	assert_int_equal(ipp_cli_ids(0, NULL, fp, "account_id", &ids, &n,
	    &err), IPP_EINPUT);
	assert_non_null(strstr(err, "<stdin>:3:"));
	fclose(fp);
	free(err);
}

static void
test_countries(void **state)
{
	(void)state;
	assert_string_equal(ipp_country_name("CN"), "China");
	assert_non_null(ipp_country_name("HK"));
	assert_non_null(ipp_country_name("SG"));
	assert_non_null(ipp_country_name("GB"));
	assert_non_null(ipp_country_name("ZW"));
	assert_non_null(ipp_country_name("AD"));
	assert_null(ipp_country_name("UK"));
	assert_null(ipp_country_name("XX"));
	assert_null(ipp_country_name("cn"));
	assert_null(ipp_country_name("CHN"));
	assert_null(ipp_country_name(""));
	assert_null(ipp_country_name(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_line),
		cmocka_unit_test(test_read_line_capped),
		cmocka_unit_test(test_parse_id),
		cmocka_unit_test(test_ids_from_args_and_tsv),
		cmocka_unit_test(test_countries),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
