/*
 * Counter-notices (N0-N2): the request's own checks, filing only while
 * the window is open at the filed time (the move at that time), the
 * merchant kept once per platform, region and seller, answers by the
 * account only and rulings by a handler only, the notice's fields (A5).
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
#include "counter.h"
#include "tsv.h"
#include "banned.h"

static const struct ipp_auth owner = { 1, IPP_ROLE_ACCOUNT,
	"identity-verified" };
static const struct ipp_auth other = { 3, IPP_ROLE_ACCOUNT,
	"identity-verified" };
static const struct ipp_auth handler = { 2, IPP_ROLE_HANDLER, "active" };

/* URLs 1 and 2 accepted on Friday 2026-03-06 10:00 in Shanghai. */
static int
setup(void **state)
{
	struct fx *fx;

	assert_int_equal(fx_setup(state), 0);
	fx = *state;
	fx_exec(fx->store,
	    "INSERT INTO accounts (email, contact_email, role, state,"
	    " password_hash, owner_name, base, created_at, updated_at) VALUES"
	    " ('o@example.com', 'legal@example.com', 'account',"
	    " 'identity-verified', 'secret-hash', 'Olga Owner', 'taiwan',"
	    " 'now', 'now'),"
	    " ('h@example.com', 'h@example.com', 'handler', 'active', 'x', NULL,"
	    " NULL, 'now', 'now'),"
	    " ('x@example.com', 'x@example.com', 'account', 'active', 'x', NULL,"
	    " NULL, 'now', 'now');"
	    "INSERT INTO iprs (account_id, label, type, state, name, number,"
	    " created_at, updated_at) VALUES (1, 'cn', 'trademark', 'verified',"
	    " 'ACME', 'TM-1', 'now', 'now');"
	    "INSERT INTO complaints (account_id, platform, region, ipr_id,"
	    " target, reason, priority, supplement, due_at, created_at) VALUES"
	    " (1, 'lazada', 'sg', 1, 'listing', 'tm-counterfeit-goods', 'high',"
	    " 'Fakes.', '2026-03-02T10:00:00Z', '2026-03-01T10:00:00Z');"
	    "INSERT INTO complaint_urls (url_id, complaint_id, account_id, url,"
	    " canonical_url, listing_id, state, updated_at, window_ends_at)"
	    " VALUES (1, 1, 1, 'u1', 'u1', '1', 'pending-counter', 'then',"
	    " '2026-03-11T16:00:00Z'), (2, 1, 1, 'u2', 'u2', '2',"
	    " 'pending-counter', 'then', '2026-03-11T16:00:00Z');"
	    "INSERT INTO url_moves (url_id, from_state, to_state, actor_id, at)"
	    " VALUES (1, 'submitted', 'pending-counter', 2,"
	    " '2026-03-06T02:00:00Z'), (2, 'submitted', 'pending-counter', 2,"
	    " '2026-03-06T02:00:00Z')");
	setenv("IPP_NOW", "2026-03-09T04:00:00Z", 1);
	return 0;
}

static int
teardown(void **state)
{
	unsetenv("IPP_NOW");
	return fx_teardown(state);
}

static void
test_checks(void **state)
{
	struct ipp_counter_request q = { 1, "s1", "Shop", NULL, "Genuine.",
		NULL, 0, NULL };
	char *err = NULL;

	(void)state;
	fx_assert_ok(ipp_counter_check(&q, &err), err);
	q.seller = "s\t1";
	assert_int_equal(ipp_counter_check(&q, &err), IPP_EUSAGE);
	fx_assert_contains(err, "rule N0");
	q.seller = "s\n1";
	assert_int_equal(ipp_counter_check(&q, &err), IPP_EUSAGE);
	q.seller = "";
	assert_int_equal(ipp_counter_check(&q, &err), IPP_EUSAGE);
	q.seller = "s1";
	q.grounds = " \n";
	assert_int_equal(ipp_counter_check(&q, &err), IPP_EUSAGE);
	fx_assert_contains(err, "grounds");
	q.grounds = "Genuine.";
	q.email = "a@b, c@d";
	assert_int_equal(ipp_counter_check(&q, &err), IPP_EUSAGE);
	q.email = NULL;
	q.filed_at = "2026-03-09 03:00";
	assert_int_equal(ipp_counter_check(&q, &err), IPP_EUSAGE);
	free(err);
}

static void
test_file_and_answer(void **state)
{
	struct fx *fx = *state;
	struct ipp_counter_request q = { 1, "s1", "Shop", "s@x.example",
		"Genuine.", NULL, 0, "2026-03-09T03:00:00Z" };
	struct ipp_counter_filed out;
	struct ipp_counter_batch *b;
	struct ipp_counter_result r;
	char *err = NULL, *t;

	assert_int_equal(ipp_counter_file(fx->store, &owner, &q, &out, &err),
	    IPP_EAUTH);
	fx_assert_ok(ipp_counter_file(fx->store, &handler, &q, &out, &err),
	    err);
	assert_string_equal(out.answer_due_at, "2026-03-12T16:00:00Z");
	t = fx_query_text(fx->store, "SELECT at || ' ' || actor_id FROM"
	    " url_moves WHERE url_id = 1 AND to_state = 'countered'");
	assert_string_equal(t, "2026-03-09T03:00:00Z 2");
	free(t);
	/* The same seller on the same platform and region: one merchant. */
	q.url_id = 2;
	q.name = "Shop Ltd";
	q.filed_at = NULL;
	fx_assert_ok(ipp_counter_file(fx->store, &handler, &q, &out, &err),
	    err);
	t = fx_query_text(fx->store, "SELECT count(*) || ' ' || name || ' ' ||"
	    " region FROM merchants");
	assert_string_equal(t, "1 Shop Ltd sg");
	free(t);
	/* A second counter for a URL countered already. */
	assert_int_equal(ipp_counter_file(fx->store, &handler, &q, &out,
	    &err), IPP_EREFUSED);
	fx_assert_contains(err, "not pending-counter");
	/* Answers: not by a handler, not by another account. */
	assert_int_equal(ipp_counter_open(fx->store, &handler,
	    IPP_COUNTER_REJECT, &b, &err), IPP_EAUTH);
	assert_int_equal(ipp_counter_open(fx->store, &owner,
	    IPP_COUNTER_TAKEDOWN, &b, &err), IPP_EAUTH);
	fx_assert_ok(ipp_counter_open(fx->store, &other, IPP_COUNTER_REJECT,
	    &b, &err), err);
	assert_int_equal(ipp_counter_apply(b, 1, "No.", &r, &err),
	    IPP_ENOTFOUND);
	ipp_counter_abort(b);
	fx_assert_ok(ipp_counter_open(fx->store, &owner, IPP_COUNTER_REJECT,
	    &b, &err), err);
	assert_int_equal(ipp_counter_apply(b, 1, NULL, &r, &err),
	    IPP_EREFUSED);
	fx_assert_ok(ipp_counter_apply(b, 1, "Fake goods.", &r, &err), err);
	assert_string_equal(r.state, "counter-rejected");
	fx_assert_ok(ipp_counter_close(b, &err), err);
	fx_assert_ok(ipp_counter_open(fx->store, &handler,
	    IPP_COUNTER_TAKEDOWN, &b, &err), err);
	assert_int_equal(ipp_counter_apply(b, 2, "x", &r, &err),
	    IPP_EREFUSED);
	fx_assert_ok(ipp_counter_apply(b, 1, "Test buy.", &r, &err), err);
	fx_assert_ok(ipp_counter_close(b, &err), err);
	t = fx_query_text(fx->store, "SELECT group_concat(to_state || ':' ||"
	    " actor_id, ' ') FROM (SELECT * FROM url_moves WHERE url_id = 1"
	    " ORDER BY move_id)");
	assert_string_equal(t, "pending-counter:2 countered:2 "
	    "counter-rejected:1 removed:2");
	free(t);
	free(err);
}

static void
test_window_closed(void **state)
{
	struct fx *fx = *state;
	struct ipp_counter_request q = { 1, "s1", "Shop", NULL, "Genuine.",
		NULL, 0, "2026-03-11T16:00:00Z" };
	struct ipp_counter_filed out;
	char *err = NULL;

	setenv("IPP_NOW", "2026-03-12T00:00:00Z", 1);
	assert_int_equal(ipp_counter_file(fx->store, &handler, &q, &out,
	    &err), IPP_EREFUSED);
	fx_assert_contains(err, "closed at 2026-03-11T16:00:00Z");
	/* Filed a second before the end: in time, though recorded later. */
	q.filed_at = "2026-03-11T15:59:59Z";
	fx_assert_ok(ipp_counter_file(fx->store, &handler, &q, &out, &err),
	    err);
	q.url_id = 2;
	q.filed_at = "2026-03-05T00:00:00Z";
	assert_int_equal(ipp_counter_file(fx->store, &handler, &q, &out,
	    &err), IPP_EREFUSED);
	fx_assert_contains(err, "before the URL was accepted");
	free(err);
}

static void
test_notice(void **state)
{
	struct fx *fx = *state;
	struct ipp_tsv_writer *w;
	char *err = NULL, *text = NULL;
	size_t len = 0;
	FILE *fp;

	assert_non_null(fp = open_memstream(&text, &len));
	fx_assert_ok(ipp_tsv_writer_open(&w, fp, (const char *const [])
	    { "field", "value" }, 2, &err), err);
	fx_assert_ok(ipp_counter_notice(fx->store, &handler, 1, w, &err), err);
	fx_assert_ok(ipp_tsv_writer_close(w, &err), err);
	fclose(fp);
	fx_assert_contains(text, "owner_name\tOlga Owner\n");
	fx_assert_contains(text, "contact_email\tlegal@example.com\n");
	fx_assert_contains(text, "ipr_name\tACME\n");
	fx_assert_contains(text, "supplement\tFakes.\n");
	if (strstr(text, "o@example.com") || strstr(text, "taiwan") ||
	    strstr(text, "secret-hash") || strstr(text, "account_id"))
		fail_msg("the notice shows more of the account: %s", text);
	free(text);
	assert_non_null(fp = fopen("/dev/null", "w"));
	fx_assert_ok(ipp_tsv_writer_open(&w, fp, (const char *const [])
	    { "field", "value" }, 2, &err), err);
	assert_int_equal(ipp_counter_notice(fx->store, &other, 1, w, &err),
	    IPP_ENOTFOUND);
	ipp_tsv_writer_close(w, NULL);
	fclose(fp);
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checks),
		cmocka_unit_test_setup_teardown(test_file_and_answer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_window_closed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_notice, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
