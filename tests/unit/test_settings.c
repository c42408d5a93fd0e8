/* Unit tests for lib/settings.c: the values DOMAIN.md marks "chosen". */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "settings.h"
#include "tsv.h"
#include "fixtures.h"
#include "banned.h"

static long long
get_int(struct fx *fx, const char *name)
{
	long long v = -1;
	char *err = NULL;

	fx_assert_ok(ipp_settings_int(fx->store, name, &v, &err), err);
	free(err);
	return v;
}

static void
test_integer_defaults(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(get_int(fx, "code_ttl_minutes"), 15);	/* A3 */
	assert_int_equal(get_int(fx, "code_max_tries"), 5);	/* A3 */
	assert_int_equal(get_int(fx, "code_resend_seconds"), 60); /* A3 */
	assert_int_equal(get_int(fx, "password_min_length"), 8); /* A4 */
	assert_int_equal(get_int(fx, "session_hours"), 24);	/* A4 */
	assert_int_equal(get_int(fx, "doc_max_bytes"), 10485760); /* D2 */
}

/*
 * The live checks' built-in limits (lib/http.c, used without a store)
 * are what a new store is given, value and range: the migration that
 * seeds the store cannot drift from the one list in http.c.
 */
static void
test_http_defaults_agree(void **state)
{
	struct fx *fx = *state;
	const struct ipp_http_setting *st;
	struct ipp_http_options o;
	char sql[160];
	size_t i;

	assert_int_equal(ipp_http_nsettings, 6);
	ipp_http_builtin(&o);
	assert_int_equal(o.concurrency, 32);
	for (i = 0; i < ipp_http_nsettings; i++) {
		st = &ipp_http_settings[i];
		assert_int_equal(get_int(fx, st->name), st->value);
		snprintf(sql, sizeof(sql), "SELECT minimum FROM settings"
		    " WHERE name = '%s'", st->name);
		assert_int_equal(fx_query_int(fx->store, sql), st->minimum);
		snprintf(sql, sizeof(sql), "SELECT maximum FROM settings"
		    " WHERE name = '%s'", st->name);
		assert_int_equal(fx_query_int(fx->store, sql), st->maximum);
		assert_int_equal(st->is_long ?
		    *(long *)(void *)((char *)&o + st->offset) :
		    *(int *)(void *)((char *)&o + st->offset), st->value);
	}
	assert_int_equal(fx_query_int(fx->store, "SELECT count(*) FROM"
	    " settings WHERE name LIKE 'http\\_%' ESCAPE '\\'"),
	    (int64_t)ipp_http_nsettings);
}

static void
test_text_defaults(void **state)
{
	struct fx *fx = *state;
	char *v = NULL, *err = NULL;

	fx_assert_ok(ipp_settings_text(fx->store, "agreement_version", &v,
	    &err), err);
	assert_string_equal(v, "2024-01");
	free(v);
	fx_assert_ok(ipp_settings_text(fx->store, "privacy_version", &v,
	    &err), err);
	assert_string_equal(v, "2024-01");
	free(v);
	fx_assert_ok(ipp_settings_text(fx->store, "mail_from", &v, &err),
	    err);
	assert_string_equal(v, "ipp@localhost");
	free(v);
	/* An integer setting reads as text too. */
	fx_assert_ok(ipp_settings_text(fx->store, "code_ttl_minutes", &v,
	    &err), err);
	assert_string_equal(v, "15");
	free(v);
}

/* Every setting names the rule it serves in its description. */
static void
test_descriptions_name_rules(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(fx_query_int(fx->store, "SELECT count(*) FROM"
	    " settings WHERE description NOT GLOB '[ACDGHIN][0-9]:*'"
	    " AND description NOT GLOB '[ACDGHIN][0-9][0-9]:*'"
	    " AND name <> 'mail_from'"), 0);
	assert_true(fx_query_int(fx->store,
	    "SELECT count(*) FROM settings") >= 9);
}

static void
test_set_within_range(void **state)
{
	struct fx *fx = *state;
	struct ipp_store *again;
	char *err = NULL;

	fx_assert_ok(ipp_settings_set(fx->store, "code_ttl_minutes", "30",
	    &err), err);
	assert_int_equal(get_int(fx, "code_ttl_minutes"), 30);
	/* The bounds themselves are inside the range. */
	fx_assert_ok(ipp_settings_set(fx->store, "code_ttl_minutes", "1",
	    &err), err);
	assert_int_equal(get_int(fx, "code_ttl_minutes"), 1);
	fx_assert_ok(ipp_settings_set(fx->store, "code_ttl_minutes", "1440",
	    &err), err);
	assert_int_equal(get_int(fx, "code_ttl_minutes"), 1440);
	fx_assert_ok(ipp_settings_set(fx->store, "code_resend_seconds", "0",
	    &err), err);
	assert_int_equal(get_int(fx, "code_resend_seconds"), 0);
	/* Committed: another connection sees it. */
	fx_assert_ok(ipp_store_open(&again, fx->db, 0, &err), err);
	assert_int_equal(fx_query_int(again, "SELECT value FROM settings"
	    " WHERE name = 'code_ttl_minutes'"), 1440);
	ipp_store_close(again);
	/* Other settings are untouched. */
	assert_int_equal(get_int(fx, "code_max_tries"), 5);
}

static void
refused(struct fx *fx, const char *name, const char *value,
    const char *want)
{
	char *err = NULL;
	int rc;

	rc = ipp_settings_set(fx->store, name, value, &err);
	if (rc != IPP_EREFUSED)
		fail_msg("%s='%s' gave %d, not a refusal", name, value, rc);
	fx_assert_contains(err, name);
	fx_assert_contains(err, want);
	free(err);
}

static void
test_out_of_range_refused(void **state)
{
	struct fx *fx = *state;

	refused(fx, "code_ttl_minutes", "0", "takes 1 to 1440");
	refused(fx, "code_ttl_minutes", "1441", "takes 1 to 1440");
	refused(fx, "code_ttl_minutes", "-5", "takes 1 to 1440");
	refused(fx, "password_min_length", "7", "takes 8 to 1024");
	refused(fx, "doc_max_bytes", "0", "takes 1 to 1073741824");
	refused(fx, "doc_max_bytes", "1073741825", "takes 1 to 1073741824");
	assert_int_equal(get_int(fx, "code_ttl_minutes"), 15);
	assert_int_equal(get_int(fx, "password_min_length"), 8);
	assert_int_equal(get_int(fx, "doc_max_bytes"), 10485760);
}

static void
test_non_integer_refused(void **state)
{
	struct fx *fx = *state;

	refused(fx, "code_ttl_minutes", "abc", "takes an integer: 'abc'");
	refused(fx, "code_ttl_minutes", "15x", "takes an integer");
	refused(fx, "code_ttl_minutes", "1.5", "takes an integer");
	refused(fx, "code_ttl_minutes", "", "takes an integer");
	refused(fx, "code_ttl_minutes", "99999999999999999999",
	    "takes an integer");
	assert_int_equal(get_int(fx, "code_ttl_minutes"), 15);
}

static void
test_text_setting(void **state)
{
	struct fx *fx = *state;
	char *v = NULL, *err = NULL;
	long long n;

	fx_assert_ok(ipp_settings_set(fx->store, "mail_from",
	    "ipp@example.org", &err), err);
	fx_assert_ok(ipp_settings_text(fx->store, "mail_from", &v, &err), err);
	assert_string_equal(v, "ipp@example.org");
	free(v);
	refused(fx, "mail_from", "a@b\nBcc: x@y", "one line");
	/* A text setting is not an integer. */
	assert_int_equal(ipp_settings_int(fx->store, "mail_from", &n, &err),
	    IPP_ESTORE);
	fx_assert_contains(err, "'mail_from' is not an integer");
	free(err);
}

static void
test_unknown_name(void **state)
{
	struct fx *fx = *state;
	long long n;
	char *v = NULL, *err = NULL;

	assert_int_equal(ipp_settings_int(fx->store, "no_such", &n, &err),
	    IPP_ENOTFOUND);
	fx_assert_contains(err, "no setting 'no_such'");
	assert_int_equal(ipp_settings_text(fx->store, "no_such", &v, &err),
	    IPP_ENOTFOUND);
	assert_null(v);
	assert_int_equal(ipp_settings_set(fx->store, "no_such", "1", &err),
	    IPP_ENOTFOUND);
	fx_assert_contains(err, "no_such");
	assert_int_equal(fx_query_int(fx->store,
	    "SELECT count(*) FROM settings WHERE name = 'no_such'"), 0);
	free(err);
}

/* A refused change inside the caller's view leaves no transaction open. */
static void
test_refusal_leaves_no_transaction(void **state)
{
	struct fx *fx = *state;
	char *err = NULL;

	refused(fx, "code_ttl_minutes", "0", "takes");
	assert_int_not_equal(sqlite3_get_autocommit(ipp_store_sqlite(fx->store)),
	    0);
	fx_assert_ok(ipp_store_begin(fx->store, &err), err);
	ipp_store_rollback(fx->store);
}

/* The listing: one TSV row a setting, by name, NULL bounds as \N. */
static void
test_list(void **state)
{
	static const char *const columns[] = { "name", "value", "kind",
	    "minimum", "maximum", "description" };
	static const char header[] = "name\tvalue\tkind\tminimum\tmaximum\t"
	    "description\n";
	struct fx *fx = *state;
	struct ipp_tsv_writer *w;
	char *out = NULL, *err = NULL, *code, *doc;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	assert_non_null(fp);
	fx_assert_ok(ipp_tsv_writer_open(&w, fp, columns, 6, &err), err);
	fx_assert_ok(ipp_settings_list(fx->store, w, &err), err);
	fx_assert_ok(ipp_tsv_writer_close(w, &err), err);
	fclose(fp);
	assert_int_equal(strncmp(out, header, strlen(header)), 0);
	fx_assert_contains(out, "\ncode_ttl_minutes\t15\tinteger\t1\t1440\t"
	    "A3: minutes a verification code stays valid\n");
	fx_assert_contains(out, "\nmail_from\tipp@localhost\ttext\t\\N\t\\N\t");
	/* Sorted by name. */
	code = strstr(out, "\ncode_ttl_minutes\t");
	doc = strstr(out, "\ndoc_max_bytes\t");
	assert_non_null(code);
	assert_non_null(doc);
	assert_true(code < doc);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_integer_defaults,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_http_defaults_agree,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_text_defaults,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_descriptions_name_rules,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_set_within_range,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_out_of_range_refused,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_non_integer_refused,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_text_setting,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_name,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_refusal_leaves_no_transaction,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_list,
		    fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
