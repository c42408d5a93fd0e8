#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "move.h"
#include "banned.h"

static const char *const states[] = { "submitted", "pending-counter",
	"countered", "counter-rejected", "rejected", "removed", "restored",
	"withdrawn", NULL };

int
ipp_move_final(const char *state)
{
	return strcmp(state, "rejected") == 0 ||
	    strcmp(state, "removed") == 0 ||
	    strcmp(state, "restored") == 0 ||
	    strcmp(state, "withdrawn") == 0;
}

int
ipp_move_state_valid(const char *state)
{
	const char *const *p;

	for (p = states; *p != NULL; p++)
		if (strcmp(*p, state) == 0)
			return 1;
	return 0;
}

/* Why url_id did not move: it is missing, or in another state. */
static int
explain(struct ipp_store *s, const struct ipp_move *m, char **errp)
{
	static const char sql[] = "SELECT u.state, (SELECT max(at) FROM"
	    " url_moves WHERE url_id = u.url_id) FROM complaint_urls u"
	    " WHERE u.url_id = ?";
	struct ipp_stmt *st;
	char *state, *since;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, m->url_id);
	if ((rc = ipp_stmt_step(st)) == IPP_STMT_DONE) {
		ipp_stmt_reset(st);
		return ipp_error(errp, IPP_ENOTFOUND, "no URL %lld",
		    (long long)m->url_id);
	}
	if (rc != IPP_STMT_ROW) {
		rc = ipp_store_fail(s, errp, "cannot read a URL");
		ipp_stmt_reset(st);
		return rc;
	}
	state = ipp_store_column_dup(st, 0);
	since = ipp_store_column_dup(st, 1);
	ipp_stmt_reset(st);
	if (state == NULL)
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
	else
		rc = ipp_error(errp, IPP_EREFUSED, "URL %lld is %s%s%s, not "
		    "%s", (long long)m->url_id, state, since ? " since " : "",
		    since ? since : "", m->from);
	free(state);
	free(since);
	return rc;
}

int
ipp_move_apply(struct ipp_store *s, const struct ipp_move *m, char **errp)
{
	static const char set_sql[] = "UPDATE complaint_urls SET state = ?1,"
	    " updated_at = ?2, final_at = ?3, window_ends_at = ?4,"
	    " countered_at = CASE WHEN ?1 = 'countered' THEN ?2"
	    "  ELSE countered_at END"
	    " WHERE url_id = ?5 AND state = ?6";
	static const char move_sql[] = "INSERT INTO url_moves (url_id,"
	    " from_state, to_state, actor_id, reason, at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, set_sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_static(st, 1, m->to);
	ipp_stmt_bind_static(st, 2, m->at);
	if (ipp_move_final(m->to))
		ipp_stmt_bind_static(st, 3, m->at);
	if (m->window_ends_at != NULL)
		ipp_stmt_bind_static(st, 4, m->window_ends_at);
	ipp_stmt_bind_int(st, 5, m->url_id);
	ipp_stmt_bind_static(st, 6, m->from);
	rc = ipp_stmt_step(st);
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, "cannot move a URL");
	if (ipp_store_changes(s) == 0)
		return explain(s, m, errp);
	if ((rc = ipp_store_stmt(s, move_sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, m->url_id);
	ipp_stmt_bind_static(st, 2, m->from);
	ipp_stmt_bind_static(st, 3, m->to);
	if (m->actor_id > 0)
		ipp_stmt_bind_int(st, 4, m->actor_id);
	ipp_stmt_bind_text(st, 5, m->reason);
	ipp_stmt_bind_static(st, 6, m->at);
	rc = ipp_stmt_step(st);
	ipp_stmt_reset(st);
	if (rc == IPP_STMT_DONE)
		return IPP_OK;
	/*
	 * The store's own guard: the diagram's CHECK, or the index that
	 * lets a URL leave a state once.  The UPDATE above is undone by
	 * the caller's rollback (of the transaction or a savepoint).
	 */
	if (ipp_store_constraint_failed(s))
		return ipp_error(errp, IPP_EREFUSED, "URL %lld: the store "
		    "refuses the move %s -> %s: %s", (long long)m->url_id,
		    m->from, m->to, ipp_store_errmsg(s));
	return ipp_store_fail(s, errp, "cannot record a move");
}

int
ipp_move_filed(struct ipp_store *s, int64_t url_id, int64_t actor_id,
    const char *at, char **errp)
{
	static const char sql[] = "INSERT INTO url_moves (url_id, from_state,"
	    " to_state, actor_id, reason, at) VALUES (?, NULL, 'submitted',"
	    " ?, NULL, ?)";

	return ipp_store_run(s, sql, "cannot record the filing of a URL", errp,
	    "iit", url_id, actor_id, at);
}

int
ipp_move_filed_complaint(struct ipp_store *s, int64_t complaint_id,
    int64_t actor_id, const char *at, char **errp)
{
	/* One statement for the complaint's URLs, all filed just now. */
	static const char sql[] = "INSERT INTO url_moves (url_id, from_state,"
	    " to_state, actor_id, reason, at) SELECT url_id, NULL, 'submitted',"
	    " ?, NULL, ? FROM complaint_urls WHERE complaint_id = ?"
	    " AND state = 'submitted' ORDER BY url_id";

	return ipp_store_run(s, sql, "cannot record the filing of a URL", errp,
	    "iti", actor_id, at, complaint_id);
}
