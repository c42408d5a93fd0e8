/*
 * URL moves (DOMAIN.md's diagram): only from the expected state, each
 * recorded, filing the first; the store itself refusing a move applied
 * twice or one the diagram lacks; final_at stamped on final moves.
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
#include "move.h"
#include "banned.h"

/* One account, one IPR, one complaint of URL 1, filed through the move. */
static int
setup(void **state)
{
	struct fx *fx;
	char *err = NULL;

	assert_int_equal(fx_setup(state), 0);
	fx = *state;
	fx_exec(fx->store,
	    "INSERT INTO accounts (email, contact_email, role, state,"
	    " password_hash, created_at, updated_at) VALUES ('o@example.com',"
	    " 'o@example.com', 'account', 'identity-verified', 'x', 'now',"
	    " 'now');"
	    "INSERT INTO iprs (account_id, label, type, state, created_at,"
	    " updated_at) VALUES (1, 'cn', 'trademark', 'verified', 'now',"
	    " 'now');"
	    "INSERT INTO complaints (account_id, platform, ipr_id, target,"
	    " reason, priority, due_at, created_at) VALUES (1, 'taobao', 1,"
	    " 'listing', 'tm-counterfeit-goods', 'high',"
	    " '2026-03-02T10:00:00Z', '2026-03-01T10:00:00Z');"
	    "INSERT INTO complaint_urls (url_id, complaint_id, account_id, url,"
	    " canonical_url, listing_id, state, updated_at) VALUES (1, 1, 1,"
	    " 'u', 'u', '1', 'submitted', '2026-03-01T10:00:00Z')");
	fx_assert_ok(ipp_move_filed(fx->store, 1, 1, "2026-03-01T10:00:00Z",
	    &err), err);
	return 0;
}

static int
move(struct fx *fx, const char *from, const char *to, const char *at,
    char **err)
{
	struct ipp_move m = { 1, from, to, 1, "why", at, NULL };
	int rc;

	free(*err);
	*err = NULL;
	fx_exec(fx->store, "SAVEPOINT t");
	if ((rc = ipp_move_apply(fx->store, &m, err)) != IPP_OK)
		fx_exec(fx->store, "ROLLBACK TO t");
	fx_exec(fx->store, "RELEASE t");
	return rc;
}

static void
test_moves(void **state)
{
	struct fx *fx = *state;
	char *err = NULL, *t;

	assert_int_equal(fx_query_int(fx->store, "SELECT count(*) FROM"
	    " url_moves WHERE url_id = 1 AND from_state IS NULL AND"
	    " to_state = 'submitted'"), 1);
	fx_assert_ok(move(fx, "submitted", "pending-counter",
	    "2026-03-01T11:00:00Z", &err), err);
	t = fx_query_text(fx->store, "SELECT state || ' ' ||"
	    " COALESCE(final_at, '-') FROM complaint_urls");
	assert_string_equal(t, "pending-counter -");
	free(t);
	/* The same decision again: refused by the expected state. */
	assert_int_equal(move(fx, "submitted", "rejected",
	    "2026-03-01T12:00:00Z", &err), IPP_EREFUSED);
	fx_assert_contains(err, "URL 1 is pending-counter since "
	    "2026-03-01T11:00:00Z, not submitted");
	fx_assert_ok(move(fx, "pending-counter", "removed",
	    "2026-03-05T16:00:00Z", &err), err);
	t = fx_query_text(fx->store, "SELECT state || ' ' || final_at"
	    " FROM complaint_urls");
	assert_string_equal(t, "removed 2026-03-05T16:00:00Z");
	free(t);
	t = fx_query_text(fx->store, "SELECT group_concat(COALESCE(from_state,"
	    " '-') || '>' || to_state, ' ') FROM (SELECT * FROM url_moves"
	    " ORDER BY move_id)");
	assert_string_equal(t, "->submitted submitted>pending-counter "
	    "pending-counter>removed");
	free(t);
	/* A URL that does not exist. */
	{
		struct ipp_move m = { 99, "submitted", "rejected", 2, NULL,
			"2026-03-01T12:00:00Z", NULL };
		assert_int_equal(ipp_move_apply(fx->store, &m, &err),
		    IPP_ENOTFOUND);
		fx_assert_contains(err, "no URL 99");
	}
	free(err);
}

/* The store refuses on its own, whatever the code does. */
static void
test_store_guards(void **state)
{
	struct fx *fx = *state;
	sqlite3 *db = ipp_store_sqlite(fx->store);

	fx_exec(fx->store,
	    "INSERT INTO url_moves (url_id, from_state, to_state, at)"
	    " VALUES (1, 'submitted', 'pending-counter', 'x')");
	/* The same move twice. */
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO url_moves (url_id,"
	    " from_state, to_state, at) VALUES (1, 'submitted', 'rejected',"
	    " 'y')", NULL, NULL, NULL), SQLITE_OK);
	/* Filing twice. */
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO url_moves (url_id,"
	    " from_state, to_state, at) VALUES (1, NULL, 'submitted', 'y')",
	    NULL, NULL, NULL), SQLITE_OK);
	/* A move the diagram lacks. */
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO url_moves (url_id,"
	    " from_state, to_state, at) VALUES (1, 'rejected', 'removed', 'y')",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(fx_query_int(fx->store,
	    "SELECT count(*) FROM url_moves"), 2);
}

static void
test_states(void **state)
{
	(void)state;
	assert_true(ipp_move_final("withdrawn"));
	assert_true(ipp_move_final("rejected"));
	assert_false(ipp_move_final("pending-counter"));
	assert_true(ipp_move_state_valid("counter-rejected"));
	assert_false(ipp_move_state_valid("gone"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_moves, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_store_guards, setup,
		    fx_teardown),
		cmocka_unit_test(test_states),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
