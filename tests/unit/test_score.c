/*
 * The Good Faith figures (G1, G2, G4) and membership (G3, G5): rates at
 * their thresholds and one URL either side, the guide's example of G4,
 * the window's edge to the second, scopes per platform and reason, and
 * a membership gained, ended with its reason and a queued mail,
 * refused within the wait and regained after it.
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
#include "member.h"
#include "move.h"
#include "score.h"
#include "banned.h"

/* Account 1 (an account) with IPR 1; account 2 a handler. */
static int
setup(void **state)
{
	struct fx *fx;

	assert_int_equal(fx_setup(state), 0);
	fx = *state;
	fx_exec(fx->store,
	    "INSERT INTO accounts (email, contact_email, role, state,"
	    " password_hash, created_at, updated_at) VALUES ('o@example.com',"
	    " 'o@example.com', 'account', 'identity-verified', 'x', 'now',"
	    " 'now'), ('h@example.com', 'h@example.com', 'handler', 'active',"
	    " 'x', 'now', 'now');"
	    "INSERT INTO iprs (account_id, label, type, state, created_at,"
	    " updated_at) VALUES (1, 'cn', 'trademark', 'verified', 'now',"
	    " 'now');");
	return 0;
}

static long next_url;

/*
 * count URLs of a new complaint on platform with reason, moved through
 * ipp_move_apply along path (the last move at `at`, a counter received
 * at `countered`).
 */
static void
seed(struct fx *fx, const char *platform, const char *reason,
    const char *const *path, const char *at, const char *countered,
    long count)
{
	char sql[512], *err = NULL;
	const char *from;
	int64_t complaint;
	long i;
	int k;

	snprintf(sql, sizeof(sql), "INSERT INTO complaints (account_id,"
	    " platform, ipr_id, target, reason, priority, due_at, created_at)"
	    " VALUES (1, '%s', 1, 'listing', '%s', 'high',"
	    " '2025-01-02T00:00:00Z', '2025-01-01T00:00:00Z')", platform,
	    reason);
	fx_exec(fx->store, sql);
	complaint = ipp_store_last_id(fx->store);
	for (i = 0; i < count; i++) {
		next_url++;
		snprintf(sql, sizeof(sql), "INSERT INTO complaint_urls"
		    " (url_id, complaint_id, account_id, url, canonical_url,"
		    " listing_id, state, updated_at) VALUES (%ld, %lld, 1,"
		    " 'u%ld', 'u%ld', '%ld', 'submitted',"
		    " '2025-01-01T00:00:00Z')", next_url, (long long)complaint,
		    next_url, next_url, next_url);
		fx_exec(fx->store, sql);
		fx_assert_ok(ipp_move_filed(fx->store, next_url, 1,
		    "2025-01-01T00:00:00Z", &err), err);
		from = "submitted";
		for (k = 0; path[k] != NULL; k++) {
			struct ipp_move m = { next_url, from, path[k], 0,
			    NULL, path[k + 1] == NULL ? at :
			    strcmp(path[k], "countered") == 0 && countered ?
			    countered : "2025-01-01T00:00:01Z", NULL };

			fx_assert_ok(ipp_move_apply(fx->store, &m, &err), err);
			from = path[k];
		}
	}
}

static const char *const REMOVED[] = { "pending-counter", "removed", NULL };
static const char *const REJECTED[] = { "rejected", NULL };
static const char *const WITHDRAWN[] = { "withdrawn", NULL };
static const char *const RESTORED[] = { "pending-counter", "countered",
	"restored", NULL };
static const char *const UPHELD[] = { "pending-counter", "countered",
	"counter-rejected", "removed", NULL };
static const char *const COUNTERED[] = { "pending-counter", "countered",
	NULL };

#define NOW "2026-03-01T00:00:00Z"

static void
figures(struct fx *fx, const char *since, struct ipp_score_figures *f)
{
	char *err = NULL;

	fx_assert_ok(ipp_score_account(fx->store, 1, since, NOW, f, &err),
	    err);
}

static void
test_rates_and_needed(void **state)
{
	struct ipp_score_settings c = { 90, 5, 90, 90, 0 };
	struct ipp_score_figures f;
	char buf[24];

	(void)state;
	/* The guide's example (G4): 300 rejected need 2,700 accepted. */
	assert_int_equal(ipp_score_needed(0, 300, 90), 2700);
	assert_int_equal(ipp_score_needed(2700, 300, 90), 0);
	assert_int_equal(ipp_score_needed(2699, 300, 90), 1);
	assert_int_equal(ipp_score_needed(5000, 300, 90), 0);
	assert_int_equal(ipp_score_needed(0, 1, 80), 4);
	/* G1: exactly 90.0 % passes, 89.9 % fails. */
	memset(&f, 0, sizeof(f));
	f.removed = 900;
	f.rejected = 100;
	assert_true(ipp_score_success_ok(&f, &c));
	assert_string_equal(ipp_score_rate_text(ipp_score_tenths(900, 1000),
	    buf), "90.0");
	f.removed = 899;
	f.rejected = 101;
	assert_false(ipp_score_success_ok(&f, &c));
	assert_string_equal(ipp_score_rate_text(ipp_score_tenths(899, 1000),
	    buf), "89.9");
	/* 89.99 % is shown as 89.9, as it is judged. */
	f.removed = 8999;
	f.rejected = 1001;
	assert_false(ipp_score_success_ok(&f, &c));
	assert_string_equal(ipp_score_rate_text(ipp_score_tenths(8999,
	    10000), buf), "89.9");
	/* G2: exactly 5.0 % fails, 4.9 % passes, none is 0. */
	memset(&f, 0, sizeof(f));
	assert_true(ipp_score_counter_ok(&f, &c));
	f.counters = 1000;
	f.counters_succeeded = 50;
	assert_false(ipp_score_counter_ok(&f, &c));
	f.counters_succeeded = 49;
	assert_true(ipp_score_counter_ok(&f, &c));
	assert_null(ipp_score_rate_text(ipp_score_tenths(0, 0), buf));
}

static void
test_window_edge(void **state)
{
	struct fx *fx = *state;
	struct ipp_score_figures f;
	char since[IPP_TIME_LEN + 1], *err = NULL;

	fx_assert_ok(ipp_score_since(NOW, 90, since, &err), err);
	assert_string_equal(since, "2025-12-01T00:00:00Z");
	/* Decided 90 days ago to the second: in; one second before: out. */
	seed(fx, "taobao", "tm-counterfeit-goods", REMOVED,
	    "2025-12-01T00:00:00Z", NULL, 1);
	seed(fx, "taobao", "tm-counterfeit-goods", REJECTED,
	    "2025-11-30T23:59:59Z", NULL, 1);
	/* After the time the figures are taken: nowhere. */
	seed(fx, "taobao", "tm-counterfeit-goods", WITHDRAWN,
	    "2026-03-01T00:00:01Z", NULL, 1);
	/* Open: nowhere. */
	seed(fx, "taobao", "tm-counterfeit-goods", COUNTERED, NOW,
	    "2026-02-01T00:00:00Z", 1);
	figures(fx, since, &f);
	assert_int_equal(f.removed, 1);
	assert_int_equal(f.rejected, 0);
	assert_int_equal(f.withdrawn, 0);
	assert_int_equal(f.counters, 1);
	assert_int_equal(f.counters_succeeded, 0);
	figures(fx, NULL, &f);
	assert_int_equal(f.removed, 1);
	assert_int_equal(f.rejected, 1);
	assert_int_equal(f.withdrawn, 0);
	assert_int_equal(ipp_score_decided(&f), 2);
}

static void
test_counters_by_receipt(void **state)
{
	struct fx *fx = *state;
	struct ipp_score_figures f;
	char since[IPP_TIME_LEN + 1], *err = NULL;

	fx_assert_ok(ipp_score_since(NOW, 90, since, &err), err);
	/* Received before the window, restored in it: out of the window. */
	seed(fx, "tmall", "tm-counterfeit-goods", RESTORED,
	    "2026-01-10T00:00:00Z", "2025-11-01T00:00:00Z", 2);
	/* Received in it, the takedown upheld: a counter, not won. */
	seed(fx, "tmall", "tm-counterfeit-goods", UPHELD,
	    "2026-01-10T00:00:00Z", "2026-01-01T00:00:00Z", 3);
	/* Received and restored in it. */
	seed(fx, "tmall", "tm-counterfeit-goods", RESTORED,
	    "2026-02-10T00:00:00Z", "2026-02-01T00:00:00Z", 1);
	figures(fx, since, &f);
	assert_int_equal(f.counters, 4);
	assert_int_equal(f.counters_succeeded, 1);
	assert_int_equal(f.restored, 3);
	assert_int_equal(f.removed, 3);
	figures(fx, NULL, &f);
	assert_int_equal(f.counters, 6);
	assert_int_equal(f.counters_succeeded, 3);
}

static void
test_scopes(void **state)
{
	struct fx *fx = *state;
	struct ipp_score_scope *v;
	char *err = NULL;
	size_t n;

	seed(fx, "taobao", "tm-counterfeit-goods", REMOVED,
	    "2026-02-01T00:00:00Z", NULL, 9);
	seed(fx, "tmall", "tm-counterfeit-goods", REJECTED,
	    "2026-02-01T00:00:00Z", NULL, 1);
	seed(fx, "tmall", "tm-mark-in-text", REJECTED,
	    "2025-06-01T00:00:00Z", NULL, 2);
	fx_assert_ok(ipp_score_scopes(fx->store, 1, NOW, &v, &n, &err), err);
	assert_int_equal(n, 5);
	assert_string_equal(v[0].name, "all");
	assert_int_equal(v[0].f[0].removed, 9);
	assert_int_equal(v[0].f[0].rejected, 1);
	assert_int_equal(v[0].f[1].rejected, 3);
	assert_string_equal(v[1].name, "platform:taobao");
	assert_int_equal(v[1].f[0].removed, 9);
	assert_string_equal(v[2].name, "platform:tmall");
	assert_int_equal(v[2].f[0].rejected, 1);
	assert_int_equal(v[2].f[1].rejected, 3);
	assert_string_equal(v[3].name, "reason:tm-counterfeit-goods");
	assert_int_equal(v[3].f[0].removed, 9);
	assert_int_equal(v[3].f[0].rejected, 1);
	assert_string_equal(v[4].name, "reason:tm-mark-in-text");
	assert_int_equal(v[4].f[0].rejected, 0);
	assert_int_equal(v[4].f[1].rejected, 2);
	ipp_score_scopes_free(v, n);
}

static void
test_membership(void **state)
{
	struct fx *fx = *state;
	struct ipp_auth who = { 1, IPP_ROLE_ACCOUNT, "identity-verified" };
	struct ipp_auth handler = { 2, IPP_ROLE_HANDLER, "active" };
	struct ipp_member_state m;
	char *err = NULL;
	long ended;
	int member;

	setenv("IPP_NOW", NOW, 1);
	seed(fx, "taobao", "tm-counterfeit-goods", REMOVED,
	    "2026-02-01T00:00:00Z", NULL, 9);
	seed(fx, "taobao", "tm-counterfeit-goods", REJECTED,
	    "2026-02-01T00:00:00Z", NULL, 1);
	/* Not signed: refused, naming G3. */
	assert_int_equal(ipp_member_enrol(fx->store, &who, &err),
	    IPP_EREFUSED);
	fx_assert_contains(err, "G3: the Good Faith declaration is not signed");
	assert_int_equal(ipp_member_accept(fx->store, &handler, &err),
	    IPP_EAUTH);
	fx_assert_ok(ipp_member_accept(fx->store, &who, &err), err);
	assert_int_equal(ipp_member_accept(fx->store, &who, &err),
	    IPP_EREFUSED);
	/* Exactly 90 %: enrols; twice is refused. */
	fx_assert_ok(ipp_member_enrol(fx->store, &who, &err), err);
	assert_int_equal(ipp_member_enrol(fx->store, &who, &err),
	    IPP_EREFUSED);
	fx_assert_contains(err, "member already");
	fx_assert_ok(ipp_member_is(fx->store, 1, &member, &err), err);
	assert_true(member);
	fx_assert_ok(ipp_member_reevaluate(fx->store, 0, &ended, &err), err);
	assert_int_equal(ended, 0);
	/* One more rejection: 9 of 11, the membership ends, mailed. */
	seed(fx, "taobao", "tm-counterfeit-goods", REJECTED,
	    "2026-02-02T00:00:00Z", NULL, 1);
	fx_assert_ok(ipp_member_reevaluate(fx->store, 0, &ended, &err), err);
	assert_int_equal(ended, 1);
	fx_assert_ok(ipp_member_state(fx->store, 1, NOW, &m, &err), err);
	assert_false(m.member);
	assert_string_equal(m.ended_at, NOW);
	fx_assert_contains(m.end_reason, "G1: the takedown success rate over "
	    "90 days is 81.8 %");
	assert_string_equal(m.rejoin_after, "2026-05-30T00:00:00Z");
	assert_int_equal(fx_query_int(fx->store, "SELECT count(*) FROM mail"
	    " WHERE recipient = 'o@example.com' AND subject LIKE"
	    " '%membership ended%'"), 1);
	/* Good figures again, but within the wait: refused. */
	seed(fx, "taobao", "tm-counterfeit-goods", REMOVED,
	    "2026-02-03T00:00:00Z", NULL, 20);
	assert_int_equal(ipp_member_enrol(fx->store, &who, &err),
	    IPP_EREFUSED);
	fx_assert_contains(err, "waits until 2026-05-30T00:00:00Z");
	/* After it, with the rejections out of the window: enrols. */
	setenv("IPP_NOW", "2026-05-30T00:00:00Z", 1);
	seed(fx, "taobao", "tm-counterfeit-goods", REMOVED,
	    "2026-05-01T00:00:00Z", NULL, 1);
	fx_assert_ok(ipp_member_enrol(fx->store, &who, &err), err);
	fx_assert_ok(ipp_member_leave(fx->store, &who, &err), err);
	assert_int_equal(ipp_member_leave(fx->store, &who, &err),
	    IPP_EREFUSED);
	fx_assert_contains(err, "not a Good Faith member");
	unsetenv("IPP_NOW");
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates_and_needed),
		cmocka_unit_test_setup_teardown(test_window_edge, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_counters_by_receipt,
		    setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_scopes, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_membership, setup,
		    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
