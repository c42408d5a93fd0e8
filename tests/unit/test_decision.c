/*
 * Handler decisions (H1-H3) through the library: a batch applies each
 * URL in its own savepoint, refuses the bad ones without touching the
 * others, stores the counter window's end (N1), rolls back whole when
 * aborted, and queues one digest per account; the queue's order and
 * filters; abusive marks; details and history (H4).
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
#include "decision.h"
#include "detail.h"
#include "mail.h"
#include "move.h"
#include "banned.h"

static const struct ipp_auth handler = { 1, IPP_ROLE_HANDLER, "active" };
static const struct ipp_auth alice = { 2, IPP_ROLE_ACCOUNT,
	"identity-verified" };
static const struct ipp_auth bob = { 3, IPP_ROLE_ACCOUNT,
	"identity-verified" };

/*
 * A handler (1), alice (2) with complaints 1 (normal, URLs 1-3) and 2
 * (high, URL 4), bob (3) with complaint 3 (URL 5) on tmall.
 */
static int
setup(void **state)
{
	struct fx *fx;
	char *err = NULL;
	int i;

	assert_int_equal(fx_setup(state), 0);
	fx = *state;
	setenv("IPP_NOW", "2026-03-06T02:00:00Z", 1);
	fx_exec(fx->store,
	    "INSERT INTO accounts (email, contact_email, role, state,"
	    " password_hash, created_at, updated_at) VALUES"
	    " ('h@ipp.test', 'h@ipp.test', 'handler', 'active', 'x', 'n', 'n'),"
	    " ('a@example.com', 'alice@example.com', 'account',"
	    "  'identity-verified', 'x', 'n', 'n'),"
	    " ('b@example.com', 'bob@example.com', 'account',"
	    "  'identity-verified', 'x', 'n', 'n');"
	    "INSERT INTO iprs (account_id, label, type, state, created_at,"
	    " updated_at) VALUES (2, 'cn', 'trademark', 'verified', 'n', 'n'),"
	    " (3, 'cn', 'trademark', 'verified', 'n', 'n');"
	    "INSERT INTO complaints (account_id, platform, ipr_id, target,"
	    " reason, priority, supplement, due_at, created_at) VALUES"
	    " (2, 'taobao', 1, 'listing', 'tm-mark-in-text', 'normal', 's',"
	    "  '2026-03-09T01:00:00Z', '2026-03-06T01:00:00Z'),"
	    " (2, 'taobao', 1, 'listing', 'tm-counterfeit-goods', 'high', 's',"
	    "  '2026-03-07T01:30:00Z', '2026-03-06T01:30:00Z'),"
	    " (3, 'tmall', 2, 'listing', 'tm-mark-in-text', 'normal', 's',"
	    "  '2026-03-09T01:00:00Z', '2026-03-06T01:00:00Z');"
	    "INSERT INTO complaint_urls (complaint_id, account_id, url,"
	    " canonical_url, listing_id, state, updated_at) VALUES"
	    " (1, 2, 'u1', 'https://item.taobao.com/item.htm?id=1', '1',"
	    "  'submitted', 'n'),"
	    " (1, 2, 'u2', 'https://item.taobao.com/item.htm?id=2', '2',"
	    "  'submitted', 'n'),"
	    " (1, 2, 'u3', 'https://item.taobao.com/item.htm?id=3', '3',"
	    "  'submitted', 'n'),"
	    " (2, 2, 'u4', 'https://item.taobao.com/item.htm?id=4', '4',"
	    "  'submitted', 'n'),"
	    " (3, 3, 'u5', 'https://detail.tmall.com/item.htm?id=5', '5',"
	    "  'submitted', 'n')");
	for (i = 1; i <= 5; i++)
		fx_assert_ok(ipp_move_filed(fx->store, i, i == 5 ? 3 : 2,
		    "2026-03-06T01:00:00Z", &err), err);
	return 0;
}

static int
teardown(void **state)
{
	ipp_mail_cleanup();
	unsetenv("IPP_NOW");
	return fx_teardown(state);
}

static void
test_batch(void **state)
{
	struct fx *fx = *state;
	struct ipp_decision_batch *b;
	struct ipp_decision_result r;
	char *err = NULL, *t, *outbox;
	long mails;

	fx_assert_ok(ipp_decision_open(fx->store, &handler, &b, &err), err);
	fx_assert_ok(ipp_decision_apply(b, 1, IPP_DECIDE_ACCEPT, NULL, &r,
	    &err), err);
	assert_string_equal(r.state, "pending-counter");
	assert_string_equal(r.window_ends_at, "2026-03-11T16:00:00Z");
	assert_int_equal(r.complaint_id, 1);
	fx_assert_ok(ipp_decision_apply(b, 2, IPP_DECIDE_REJECT, "not ours",
	    &r, &err), err);
	assert_string_equal(r.state, "rejected");
	/* Refusals: decided already, no reason, unknown. */
	assert_int_equal(ipp_decision_apply(b, 1, IPP_DECIDE_REJECT, "x", &r,
	    &err), IPP_EREFUSED);
	fx_assert_contains(err, "URL 1 is pending-counter, not submitted: "
	    "decided by h@ipp.test at 2026-03-06T02:00:00Z already (rule H1)");
	assert_string_equal(r.state, "pending-counter");
	assert_int_equal(ipp_decision_apply(b, 3, IPP_DECIDE_REJECT, "", &r,
	    &err), IPP_EREFUSED);
	fx_assert_contains(err, "a rejection needs a reason");
	assert_int_equal(ipp_decision_apply(b, 99, IPP_DECIDE_ACCEPT, NULL,
	    &r, &err), IPP_ENOTFOUND);
	assert_int_equal(r.complaint_id, 0);
	fx_assert_ok(ipp_decision_apply(b, 5, IPP_DECIDE_ACCEPT, NULL, &r,
	    &err), err);
	fx_assert_ok(ipp_decision_close(b, &mails, &err), err);
	assert_int_equal(mails, 2);
	t = fx_query_text(fx->store, "SELECT group_concat(state, ' ') FROM"
	    " (SELECT state FROM complaint_urls ORDER BY url_id)");
	assert_string_equal(t, "pending-counter rejected submitted submitted "
	    "pending-counter");
	free(t);
	assert_int_equal(fx_query_int(fx->store, "SELECT count(*) FROM"
	    " url_moves WHERE from_state = 'submitted'"), 3);
	/* The digests are queued with the moves and delivered after commit. */
	assert_int_equal(fx_query_int(fx->store, "SELECT count(*) FROM mail"
	    " WHERE delivered_at IS NULL"), 2);
	fx_assert_ok(ipp_mail_deliver(fx->store, &err), err);
	outbox = fx_path(fx->dir, "outbox");
	assert_int_equal(fx_count_files(outbox), 2);
	free(outbox);
	free(err);
}

static void
test_abort_and_auth(void **state)
{
	struct fx *fx = *state;
	struct ipp_decision_batch *b;
	struct ipp_decision_result r;
	char *err = NULL, *outbox;

	assert_int_equal(ipp_decision_open(fx->store, &alice, &b, &err),
	    IPP_EAUTH);
	fx_assert_ok(ipp_decision_open(fx->store, &handler, &b, &err), err);
	fx_assert_ok(ipp_decision_apply(b, 1, IPP_DECIDE_ACCEPT, NULL, &r,
	    &err), err);
	ipp_decision_abort(b);
	assert_int_equal(fx_query_int(fx->store, "SELECT count(*) FROM"
	    " complaint_urls WHERE state = 'submitted'"), 5);
	assert_int_equal(fx_query_int(fx->store, "SELECT count(*) FROM"
	    " url_moves"), 5);
	outbox = fx_path(fx->dir, "outbox");
	assert_int_equal(fx_count_files(outbox), 0);
	free(outbox);
	free(err);
}

/* Writes through fn into a temporary file; returns its text. */
static char *
capture(struct fx *fx, const char *const *columns, size_t n,
    int (*fn)(struct fx *, struct ipp_tsv_writer *, long *, char **),
    int want, long *count)
{
	struct ipp_tsv_writer *w;
	char *err = NULL, *text;
	size_t len;
	FILE *fp = open_memstream(&text, &len);
	int rc;

	assert_non_null(fp);
	fx_assert_ok(ipp_tsv_writer_open(&w, fp, columns, n, &err), err);
	rc = fn(fx, w, count, &err);
	if (rc != want)
		fail_msg("status %d, expected %d: %s", rc, want, err ? err : "");
	ipp_tsv_writer_close(w, NULL);
	fclose(fp);
	free(err);
	return text;
}

static int
queue_all(struct fx *fx, struct ipp_tsv_writer *w, long *n, char **err)
{
	return ipp_decision_queue(fx->store, &handler, NULL, 0, w, n, err);
}

static int
queue_overdue(struct fx *fx, struct ipp_tsv_writer *w, long *n, char **err)
{
	return ipp_decision_queue(fx->store, &handler, "taobao", 1, w, n, err);
}

static int
queue_alice(struct fx *fx, struct ipp_tsv_writer *w, long *n, char **err)
{
	return ipp_decision_queue(fx->store, &alice, NULL, 0, w, n, err);
}

static void
test_queue(void **state)
{
	struct fx *fx = *state;
	char *text;
	long n;

	text = capture(fx, ipp_decision_queue_columns,
	    ipp_decision_queue_ncolumns, queue_all, IPP_OK, &n);
	assert_int_equal(n, 5);
	/* By target time: the high-priority URL 4 first, then by url_id. */
	assert_true(strncmp(strchr(text, '\n') + 1, "4\t2\t2\ttaobao", 12)
	    == 0);
	free(text);
	setenv("IPP_NOW", "2026-03-07T01:30:00Z", 1);
	text = capture(fx, ipp_decision_queue_columns,
	    ipp_decision_queue_ncolumns, queue_overdue, IPP_OK, &n);
	assert_int_equal(n, 0);
	free(text);
	setenv("IPP_NOW", "2026-03-07T01:30:01Z", 1);
	text = capture(fx, ipp_decision_queue_columns,
	    ipp_decision_queue_ncolumns, queue_overdue, IPP_OK, &n);
	assert_int_equal(n, 1);
	free(text);
	text = capture(fx, ipp_decision_queue_columns,
	    ipp_decision_queue_ncolumns, queue_alice, IPP_EAUTH, &n);
	free(text);
}

static int
mark(struct fx *fx, struct ipp_tsv_writer *w, long *n, char **err)
{
	(void)n;
	return ipp_decision_mark(fx->store, &handler, 1, 0, "abuse", w, err);
}

static int
do_revoke(struct fx *fx, struct ipp_tsv_writer *w, long *n, char **err)
{
	(void)n;
	return ipp_decision_mark(fx->store, &handler, 1, 1, "no abuse", w,
	    err);
}

static int
show_alice(struct fx *fx, struct ipp_tsv_writer *w, long *n, char **err)
{
	(void)n;
	return ipp_detail_show(fx->store, &alice, 1, w, err);
}

static int
show_bob(struct fx *fx, struct ipp_tsv_writer *w, long *n, char **err)
{
	(void)n;
	return ipp_detail_show(fx->store, &bob, 1, w, err);
}

static int
history_alice(struct fx *fx, struct ipp_tsv_writer *w, long *n, char **err)
{
	return ipp_detail_history(fx->store, &alice, 0, 1, w, n, err);
}

static int
history_bob(struct fx *fx, struct ipp_tsv_writer *w, long *n, char **err)
{
	return ipp_detail_history(fx->store, &bob, 1, 0, w, n, err);
}

static void
test_marks_and_details(void **state)
{
	struct fx *fx = *state;
	char *text;
	long n;

	free(capture(fx, ipp_decision_mark_columns,
	    ipp_decision_mark_ncolumns, do_revoke, IPP_EREFUSED, &n));
	free(capture(fx, ipp_decision_mark_columns,
	    ipp_decision_mark_ncolumns, mark, IPP_OK, &n));
	free(capture(fx, ipp_decision_mark_columns,
	    ipp_decision_mark_ncolumns, mark, IPP_EREFUSED, &n));
	text = capture(fx, ipp_detail_columns, ipp_detail_ncolumns,
	    show_alice, IPP_OK, &n);
	fx_assert_contains(text, "\nabusive\tyes\n");
	fx_assert_contains(text, "\nurls\t3\n");
	fx_assert_contains(text, "\nurls_submitted\t3\n");
	fx_assert_contains(text, "\nstate\topen\n");
	fx_assert_contains(text, "mark\t2026-03-06T02:00:00Z mark abuse\n");
	free(text);
	free(capture(fx, ipp_decision_mark_columns,
	    ipp_decision_mark_ncolumns, do_revoke, IPP_OK, &n));
	text = capture(fx, ipp_detail_columns, ipp_detail_ncolumns,
	    show_alice, IPP_OK, &n);
	fx_assert_contains(text, "\nabusive\tno\n");
	free(text);
	free(capture(fx, ipp_detail_columns, ipp_detail_ncolumns, show_bob,
	    IPP_ENOTFOUND, &n));
	text = capture(fx, ipp_detail_history_columns,
	    ipp_detail_history_ncolumns, history_alice, IPP_OK, &n);
	assert_int_equal(n, 1);
	fx_assert_contains(text, "1\t2026-03-06T01:00:00Z\t2\taccount\t\\N\t"
	    "submitted\t\\N\n");
	free(text);
	free(capture(fx, ipp_detail_history_columns,
	    ipp_detail_history_ncolumns, history_bob, IPP_ENOTFOUND, &n));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort_and_auth, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_marks_and_details, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
