/*
 * The tick (N1, N3): time-driven moves exactly at their deadline and not
 * a second before, recorded at the deadline by the system; reminders
 * once each, the store refusing a second; the cheap probe of reports,
 * served by the index on window_ends_at.
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
#include "settings.h"
#include "tick.h"
#include "tsv.h"
#include "banned.h"

/*
 * An account, a complaint, URL 1 pending a counter (window ends
 * 2026-03-11T16:00:00Z) and URL 2 countered (answer due
 * 2026-03-12T16:00:00Z).
 */
static int
setup(void **state)
{
	struct fx *fx;

	assert_int_equal(fx_setup(state), 0);
	fx = *state;
	fx_exec(fx->store,
	    "INSERT INTO accounts (email, contact_email, role, state,"
	    " password_hash, created_at, updated_at) VALUES ('o@example.com',"
	    " 'legal@example.com', 'account', 'identity-verified', 'x', 'now',"
	    " 'now');"
	    "INSERT INTO iprs (account_id, label, type, state, created_at,"
	    " updated_at) VALUES (1, 'cn', 'trademark', 'verified', 'now',"
	    " 'now');"
	    "INSERT INTO complaints (account_id, platform, ipr_id, target,"
	    " reason, priority, due_at, created_at) VALUES (1, 'taobao', 1,"
	    " 'listing', 'tm-counterfeit-goods', 'high',"
	    " '2026-03-02T10:00:00Z', '2026-03-01T10:00:00Z');"
	    "INSERT INTO complaint_urls (url_id, complaint_id, account_id, url,"
	    " canonical_url, listing_id, state, updated_at, window_ends_at)"
	    " VALUES (1, 1, 1, 'u1', 'u1', '1', 'pending-counter', 'then',"
	    " '2026-03-11T16:00:00Z'), (2, 1, 1, 'u2', 'u2', '2', 'countered',"
	    " 'then', '2026-03-12T16:00:00Z')");
	return 0;
}

static void
tick_at(struct fx *fx, const char *now, long want_moves, long want_reminders)
{
	long moves, reminders;
	char *err = NULL;

	setenv("IPP_NOW", now, 1);
	fx_assert_ok(ipp_tick_run(fx->store, NULL, &moves, &reminders, &err),
	    err);
	if (moves != want_moves || reminders != want_reminders)
		fail_msg("tick at %s: %ld moves, %ld reminders; expected %ld, "
		    "%ld", now, moves, reminders, want_moves, want_reminders);
}

static void
test_deadlines(void **state)
{
	struct fx *fx = *state;
	char *t;

	tick_at(fx, "2026-03-11T15:59:59Z", 0, 0);
	assert_int_equal(fx_query_int(fx->store, "SELECT count(*) FROM"
	    " mail"), 0);
	/* At the counter window's end: URL 1 removed, URL 2 reminded. */
	tick_at(fx, "2026-03-11T16:00:00Z", 1, 1);
	t = fx_query_text(fx->store, "SELECT state || ' ' || final_at ||"
	    " ' ' || COALESCE(window_ends_at, '-') FROM complaint_urls"
	    " WHERE url_id = 1");
	assert_string_equal(t, "removed 2026-03-11T16:00:00Z -");
	free(t);
	t = fx_query_text(fx->store, "SELECT from_state || ' ' || at || ' ' ||"
	    " COALESCE(actor_id, 'system') FROM url_moves WHERE url_id = 1");
	assert_string_equal(t, "pending-counter 2026-03-11T16:00:00Z system");
	free(t);
	t = fx_query_text(fx->store, "SELECT recipient FROM mail");
	assert_string_equal(t, "legal@example.com");
	free(t);
	/* Once: the next ticks neither move nor remind again. */
	tick_at(fx, "2026-03-12T15:59:59Z", 0, 0);
	assert_int_equal(fx_query_int(fx->store, "SELECT count(*) FROM"
	    " mail"), 1);
	tick_at(fx, "2026-03-12T16:00:00Z", 1, 0);
	t = fx_query_text(fx->store, "SELECT state || ' ' || updated_at FROM"
	    " complaint_urls WHERE url_id = 2");
	assert_string_equal(t, "restored 2026-03-12T16:00:00Z");
	free(t);
	tick_at(fx, "2026-04-01T00:00:00Z", 0, 0);
	unsetenv("IPP_NOW");
}

/* The store refuses a second reminder for a URL on its own. */
static void
test_reminder_once(void **state)
{
	struct fx *fx = *state;

	fx_exec(fx->store, "INSERT INTO counter_reminders VALUES (2, 'now')");
	assert_int_not_equal(sqlite3_exec(ipp_store_sqlite(fx->store), "INSERT"
	    " INTO counter_reminders VALUES (2, 'later')", NULL, NULL, NULL),
	    SQLITE_OK);
	/* One recorded already: the tick sends none. */
	tick_at(fx, "2026-03-11T20:00:00Z", 1, 0);
	assert_int_equal(fx_query_int(fx->store, "SELECT count(*) FROM"
	    " mail"), 0);
	unsetenv("IPP_NOW");
}

/* Reports' probe: no transaction when nothing is due, the index used. */
static void
test_probe(void **state)
{
	struct fx *fx = *state;
	sqlite3 *db = ipp_store_sqlite(fx->store);
	char *err = NULL;
	int before;

	setenv("IPP_NOW", "2026-03-10T00:00:00Z", 1);
	before = sqlite3_total_changes(db);
	fx_assert_ok(ipp_tick_due(fx->store, &err), err);
	assert_int_equal(sqlite3_total_changes(db), before);
	setenv("IPP_NOW", "2026-03-20T00:00:00Z", 1);
	fx_assert_ok(ipp_tick_due(fx->store, &err), err);
	assert_int_equal(fx_query_int(fx->store, "SELECT count(*) FROM"
	    " complaint_urls WHERE state = 'removed' OR state = 'restored'"),
	    2);
	/* Reports send no reminders: that is the cron tick's. */
	assert_int_equal(fx_query_int(fx->store, "SELECT count(*) FROM"
	    " mail"), 0);
	unsetenv("IPP_NOW");
}

static int
plan_row(void *arg, int n, char **values, char **names)
{
	int i;

	(void)names;
	for (i = 0; i < n; i++)
		if (values[i] != NULL && strstr(values[i],
		    "complaint_urls_window") != NULL)
			*(int *)arg = 1;
	return 0;
}

static void
test_plan(void **state)
{
	struct fx *fx = *state;
	int uses = 0;

	assert_int_equal(sqlite3_exec(ipp_store_sqlite(fx->store), "EXPLAIN QUERY"
	    " PLAN SELECT 1 FROM complaint_urls WHERE window_ends_at IS NOT"
	    " NULL AND window_ends_at <= '2026-03-10T00:00:00Z' AND (state ="
	    " 'pending-counter' OR state = 'countered') LIMIT 1", plan_row,
	    &uses, NULL), SQLITE_OK);
	assert_int_equal(uses, 1);
}

static void
test_bad_zone(void **state)
{
	struct fx *fx = *state;
	long moves, reminders;
	char *err = NULL;

	fx_assert_ok(ipp_settings_set(fx->store, "business_tz", "Nowhere/X",
	    &err), err);
	setenv("IPP_NOW", "2026-04-01T00:00:00Z", 1);
	assert_int_equal(ipp_tick_run(fx->store, NULL, &moves, &reminders,
	    &err), IPP_EREFUSED);
	fx_assert_contains(err, "business_tz");
	assert_int_equal(fx_query_int(fx->store, "SELECT count(*) FROM"
	    " url_moves"), 0);
	free(err);
	unsetenv("IPP_NOW");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_deadlines, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_reminder_once, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_probe, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_plan, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_zone, setup,
		    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
