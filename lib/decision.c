#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "decision.h"
#include "err.h"
#include "mail.h"
#include "move.h"
#include "settings.h"
#include "banned.h"

const char *const ipp_decision_columns[] = {
	"url_id", "complaint_id", "result", "state", "window_ends_at",
	"reason",
};
const size_t ipp_decision_ncolumns =
    sizeof(ipp_decision_columns) / sizeof(ipp_decision_columns[0]);

const char *const ipp_decision_queue_columns[] = {
	"url_id", "complaint_id", "account_id", "platform", "region",
	"canonical_url", "reason", "priority", "due_at",
};
const size_t ipp_decision_queue_ncolumns =
    sizeof(ipp_decision_queue_columns) /
    sizeof(ipp_decision_queue_columns[0]);

const char *const ipp_decision_mark_columns[] = {
	"complaint_id", "mark_id", "action", "reason", "at",
};
const size_t ipp_decision_mark_ncolumns =
    sizeof(ipp_decision_mark_columns) /
    sizeof(ipp_decision_mark_columns[0]);

struct ipp_decision_batch {
	struct ipp_store	*s;
	int64_t			 actor;		/* the handler */
	int64_t			 first_move;	/* moves of the batch are after */
	char			 now[IPP_TIME_LEN + 1];
	char			 window[IPP_TIME_LEN + 1];	/* N1 */
};

static const char savepoint_sql[] = "SAVEPOINT ipp_decision";
static const char release_sql[] = "RELEASE ipp_decision";
static const char undo_sql[] = "ROLLBACK TO ipp_decision";

int
ipp_decision_open(struct ipp_store *s, const struct ipp_auth *who,
    struct ipp_decision_batch **bp, char **errp)
{
	static const char last_sql[] = "SELECT COALESCE(max(move_id), 0)"
	    " FROM url_moves";
	struct ipp_decision_batch *b;
	struct ipp_stmt *st;
	int64_t now, end;
	int rc;

	*bp = NULL;
	if (who->role != IPP_ROLE_HANDLER)
		return ipp_error(errp, IPP_EAUTH, "only a case handler may "
		    "decide complaints (rule H1)");
	if ((rc = ipp_clock_now(&now, errp)) != IPP_OK ||
	    (rc = ipp_calendar_window_end(s, now, "counter_window_days", &end,
	    errp)) != IPP_OK)
		return rc;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	b->s = s;
	b->actor = who->account_id;
	ipp_clock_format(now, b->now);
	ipp_clock_format(end, b->window);
	if ((rc = ipp_store_begin(s, errp)) != IPP_OK) {
		free(b);
		return rc;
	}
	/* The batch holds the write lock: every later move is its own. */
	if ((rc = ipp_store_stmt(s, last_sql, &st, errp)) != IPP_OK ||
	    (rc = ipp_store_first_int(s, st, &b->first_move,
	    "cannot read the moves", errp)) != IPP_OK) {
		ipp_decision_abort(b);
		return rc;
	}
	*bp = b;
	return IPP_OK;
}

/* Looks url_id up: its complaint and state (copied into state). */
static int
lookup(struct ipp_store *s, int64_t url_id, int64_t *complaint_id,
    char *state, size_t size, char **errp)
{
	static const char sql[] = "SELECT complaint_id, state FROM"
	    " complaint_urls WHERE url_id = ?";
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, url_id);
	rc = ipp_stmt_step(st);
	if (rc == IPP_STMT_ROW) {
		*complaint_id = ipp_stmt_int(st, 0);
		snprintf(state, size, "%s",
		    ipp_stmt_text(st, 1));
	}
	ipp_stmt_reset(st);
	if (rc == IPP_STMT_DONE)
		return ipp_error(errp, IPP_ENOTFOUND, "no URL %lld",
		    (long long)url_id);
	return rc == IPP_STMT_ROW ? IPP_OK :
	    ipp_store_fail(s, errp, "cannot read a URL");
}

/* Why a URL that is not submitted cannot be decided: who moved it, when. */
static int
refuse_state(struct ipp_store *s, int64_t url_id, const char *state,
    char **errp)
{
	static const char sql[] = "SELECT m.at, a.email FROM url_moves m"
	    " LEFT JOIN accounts a ON a.account_id = m.actor_id"
	    " WHERE m.url_id = ? ORDER BY m.move_id DESC LIMIT 1";
	struct ipp_stmt *st;
	char *at = NULL, *by = NULL;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, url_id);
	if (ipp_stmt_step(st) == IPP_STMT_ROW) {
		at = ipp_store_column_dup(st, 0);
		by = ipp_store_column_dup(st, 1);
	}
	ipp_stmt_reset(st);
	rc = ipp_error(errp, IPP_EREFUSED, "URL %lld is %s, not submitted: "
	    "decided%s%s%s%s already (rule H1)", (long long)url_id, state,
	    by ? " by " : "", by ? by : "", at ? " at " : "", at ? at : "");
	free(at);
	free(by);
	return rc;
}

/*
 * A rejection's reason that is a code of the catalog is the complaint's
 * reason code (the reason column of queue), not the handler's reason.
 */
static int
check_reason(struct ipp_store *s, int64_t url_id, const char *reason,
    char **errp)
{
	static const char sql[] = "SELECT count(*) FROM reasons WHERE code = ?";
	struct ipp_stmt *st;
	int64_t n;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_static(st, 1, reason);
	if ((rc = ipp_store_first_int(s, st, &n, "cannot read the catalog",
	    errp)) != IPP_OK)
		return rc;
	if (n > 0)
		return ipp_error(errp, IPP_EREFUSED, "URL %lld: '%s' is a "
		    "reason code, not the reason for a rejection: give "
		    "--reason (rule H1)", (long long)url_id, reason);
	return IPP_OK;
}

int
ipp_decision_apply(struct ipp_decision_batch *b, int64_t url_id,
    enum ipp_decision d, const char *reason,
    struct ipp_decision_result *r, char **errp)
{
	struct ipp_move m;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = lookup(b->s, url_id, &r->complaint_id, r->state,
	    sizeof(r->state), errp)) != IPP_OK)
		return rc;
	if (strcmp(r->state, "submitted") != 0)
		return refuse_state(b->s, url_id, r->state, errp);
	if (d == IPP_DECIDE_REJECT && (reason == NULL || *reason == '\0'))
		return ipp_error(errp, IPP_EREFUSED, "URL %lld: a rejection "
		    "needs a reason (--reason, or a reason column; rule H1)",
		    (long long)url_id);
	if (d == IPP_DECIDE_REJECT && (rc = check_reason(b->s, url_id, reason,
	    errp)) != IPP_OK)
		return rc;
	m.url_id = url_id;
	m.from = "submitted";
	m.to = d == IPP_DECIDE_ACCEPT ? "pending-counter" : "rejected";
	m.actor_id = b->actor;
	m.reason = reason != NULL && *reason != '\0' ? reason : NULL;
	m.at = b->now;
	m.window_ends_at = d == IPP_DECIDE_ACCEPT ? b->window : NULL;
	if ((rc = ipp_store_run(b->s, savepoint_sql, "cannot start a "
	    "savepoint", errp, "")) != IPP_OK)
		return rc;
	if ((rc = ipp_move_apply(b->s, &m, errp)) != IPP_OK) {
		int rc2;
		char *e2 = NULL;

		rc2 = ipp_store_run(b->s, undo_sql, "cannot roll back a URL",
		    &e2, "");
		if (rc2 == IPP_OK)
			rc2 = ipp_store_run(b->s, release_sql, "cannot release "
			    "a savepoint", &e2, "");
		if (rc2 != IPP_OK) {
			free(*errp);
			*errp = e2;
			return rc2;
		}
		free(e2);
		return rc;
	}
	if ((rc = ipp_store_run(b->s, release_sql, "cannot release a "
	    "savepoint", errp, "")) != IPP_OK)
		return rc;
	snprintf(r->state, sizeof(r->state), "%s", m.to);
	if (m.window_ends_at != NULL)
		snprintf(r->window_ends_at, sizeof(r->window_ends_at), "%s",
		    m.window_ends_at);
	return IPP_OK;
}

/* One account's digest, built as its rows come. */
struct digest {
	int64_t		 account;	/* 0: none started */
	char		*to;		/* contact email */
	char		*body;		/* open_memstream */
	size_t		 len;
	FILE		*fp;
	long		 accepted, rejected;
	long long	 max;		/* lines listed at most */
};

static int
digest_send(struct ipp_decision_batch *b, struct digest *g, long *mails,
    int *net, char **errp)
{
	char *subject = NULL;
	long n = g->accepted + g->rejected;
	int rc;

	if (g->account == 0)
		return IPP_OK;
	if (n > g->max)
		fprintf(g->fp, "... and %lld more: see 'ipp-complain urls'.\n",
		    (long long)n - g->max);
	fprintf(g->fp, "\nAn accepted listing is taken down unless its "
	    "seller files a counter-notice\nbefore its window ends (rule "
	    "N1).  Every move is listed by\n'ipp-complain history "
	    "COMPLAINT_ID'.\n");
	if (fclose(g->fp) != 0) {
		g->fp = NULL;
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
		goto done;
	}
	g->fp = NULL;
	if ((subject = ipp_strdup_printf("ipp: %ld URL%s decided: %ld "
	    "accepted, %ld rejected", n, n == 1 ? "" : "s", g->accepted,
	    g->rejected)) == NULL) {
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
		goto done;
	}
	rc = ipp_mail_send(b->s, g->to, subject, g->body, errp);
	if (rc == IPP_ENET) {	/* queued; delivery is retried later */
		*net = 1;
		rc = IPP_OK;
	}
	if (rc == IPP_OK)
		(*mails)++;
done:
	free(subject);
	free(g->body);
	free(g->to);
	g->body = g->to = NULL;
	g->account = 0;
	g->accepted = g->rejected = 0;
	return rc;
}

static int
digest_start(struct digest *g, struct ipp_stmt *st, char **errp)
{
	g->account = ipp_stmt_int(st, 0);
	g->to = ipp_store_column_dup(st, 1);
	g->body = NULL;
	g->len = 0;
	if (g->to == NULL || (g->fp = open_memstream(&g->body, &g->len)) ==
	    NULL) {
		free(g->to);
		g->to = NULL;
		g->account = 0;
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	fprintf(g->fp, "A case handler decided these URLs of your "
	    "complaints (rule H1):\n\n");
	return IPP_OK;
}

static void
digest_line(struct digest *g, struct ipp_stmt *st)
{
	const char *to = ipp_stmt_text(st, 5);
	const char *why = ipp_stmt_text(st, 6);
	const char *window = ipp_stmt_text(st, 7);
	int accepted = strcmp(to, "pending-counter") == 0;

	if (accepted)
		g->accepted++;
	else
		g->rejected++;
	if (g->accepted + g->rejected > g->max)
		return;
	fprintf(g->fp, "URL %lld of complaint %lld: %s\n  %s\n",
	    (long long)ipp_stmt_int(st, 2),
	    (long long)ipp_stmt_int(st, 3),
	    accepted ? "accepted" : "rejected",
	    ipp_stmt_text(st, 4));
	if (accepted && window != NULL)
		fprintf(g->fp, "  counter window ends %s\n", window);
	if (!accepted)
		fprintf(g->fp, "  reason: %s\n", why ? why : "");
}

/* H1: one message per account, listing its URLs this batch decided. */
static int
digests(struct ipp_decision_batch *b, long *mails, int *net, char **errp)
{
	static const char sql[] = "SELECT u.account_id, a.contact_email,"
	    " m.url_id, u.complaint_id, u.canonical_url, m.to_state, m.reason,"
	    " u.window_ends_at FROM url_moves m"
	    " JOIN complaint_urls u ON u.url_id = m.url_id"
	    " JOIN accounts a ON a.account_id = u.account_id"
	    " WHERE m.move_id > ? ORDER BY u.account_id, m.move_id";
	struct digest g;
	struct ipp_stmt *st;
	int rc, step;

	memset(&g, 0, sizeof(g));
	if ((rc = ipp_settings_int(b->s, "digest_max_urls", &g.max, errp)))
		return rc;
	if ((rc = ipp_store_stmt(b->s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, b->first_move);
	while ((step = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		if (g.account != ipp_stmt_int(st, 0)) {
			if ((rc = digest_send(b, &g, mails, net, errp)) ||
			    (rc = digest_start(&g, st, errp)))
				break;
		}
		digest_line(&g, st);
	}
	ipp_stmt_reset(st);
	if (rc == IPP_OK && step != IPP_STMT_DONE)
		rc = ipp_store_fail(b->s, errp, "cannot read the decisions");
	if (rc == IPP_OK)
		rc = digest_send(b, &g, mails, net, errp);
	if (g.fp != NULL)
		fclose(g.fp);
	free(g.body);
	free(g.to);
	return rc;
}

int
ipp_decision_close(struct ipp_decision_batch *b, long *mails, char **errp)
{
	int rc, net = 0;

	*mails = 0;
	if ((rc = digests(b, mails, &net, errp)) != IPP_OK) {
		ipp_decision_abort(b);
		return rc;
	}
	rc = ipp_store_commit(b->s, errp);
	free(b);
	if (rc == IPP_OK && net)
		return ipp_error(errp, IPP_ENET, "decisions saved; a digest "
		    "mail could not be delivered and stays queued");
	return rc;
}

void
ipp_decision_abort(struct ipp_decision_batch *b)
{
	if (b == NULL)
		return;
	ipp_store_rollback(b->s);
	free(b);
}

int
ipp_decision_queue(struct ipp_store *s, const struct ipp_auth *who,
    const char *platform, int overdue, struct ipp_tsv_writer *w,
    long *count, char **errp)
{
	static const char sql[] = "SELECT u.url_id, u.complaint_id,"
	    " c.account_id, c.platform, c.region, u.canonical_url, c.reason,"
	    " c.priority, c.due_at FROM complaint_urls u"
	    " JOIN complaints c ON c.complaint_id = u.complaint_id"
	    " WHERE u.state = 'submitted'"
	    " AND (?1 IS NULL OR c.platform = ?1)"
	    " AND (?2 IS NULL OR c.due_at < ?2)"
	    " ORDER BY c.due_at, u.url_id";
	char now[IPP_TIME_LEN + 1];
	struct ipp_stmt *st;
	int rc;

	*count = 0;
	if (who->role != IPP_ROLE_HANDLER)
		return ipp_error(errp, IPP_EAUTH, "only a case handler may "
		    "see the queue (rule H2)");
	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_text(st, 1, platform);
	if (overdue)
		ipp_stmt_bind_text(st, 2, now);
	return ipp_store_write_rows(s, st, w, count, errp);
}

int
ipp_decision_mark(struct ipp_store *s, const struct ipp_auth *who,
    int64_t complaint_id, int revoke, const char *reason,
    struct ipp_tsv_writer *w, char **errp)
{
	static const char exists_sql[] = "SELECT count(*) FROM complaints"
	    " WHERE complaint_id = ?";
	static const char last_sql[] = "SELECT CASE action WHEN 'mark'"
	    " THEN 1 ELSE 0 END FROM complaint_marks WHERE complaint_id = ?"
	    " ORDER BY mark_id DESC LIMIT 1";
	static const char insert_sql[] = "INSERT INTO complaint_marks"
	    " (complaint_id, action, reason, actor_id, at)"
	    " VALUES (?, ?, ?, ?, ?)";
	char now[IPP_TIME_LEN + 1], id[24], mark[24];
	struct ipp_stmt *st;
	int64_t n, marked;
	int rc;

	if (who->role != IPP_ROLE_HANDLER)
		return ipp_error(errp, IPP_EAUTH, "only a case handler may "
		    "mark a complaint abusive (rule H3)");
	if (reason == NULL || *reason == '\0')
		return ipp_error(errp, IPP_EUSAGE, "%s needs a reason "
		    "(--reason, rule H3)", revoke ? "revoking a mark" :
		    "an abusive mark");
	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_store_stmt(s, exists_sql, &st, errp)) != IPP_OK)
		goto fail;
	ipp_stmt_bind_int(st, 1, complaint_id);
	if ((rc = ipp_store_first_int(s, st, &n, "cannot read complaints",
	    errp)) != IPP_OK)
		goto fail;
	if (n == 0) {
		rc = ipp_error(errp, IPP_ENOTFOUND, "no complaint %lld",
		    (long long)complaint_id);
		goto fail;
	}
	if ((rc = ipp_store_stmt(s, last_sql, &st, errp)) != IPP_OK)
		goto fail;
	ipp_stmt_bind_int(st, 1, complaint_id);
	if ((rc = ipp_store_first_int(s, st, &marked, "cannot read marks",
	    errp)) != IPP_OK)
		goto fail;
	if (marked && !revoke) {
		rc = ipp_error(errp, IPP_EREFUSED, "complaint %lld is marked "
		    "abusive already (rule H3)", (long long)complaint_id);
		goto fail;
	}
	if (!marked && revoke) {
		rc = ipp_error(errp, IPP_EREFUSED, "complaint %lld has no "
		    "abusive mark to revoke (rule H3)", (long long)complaint_id);
		goto fail;
	}
	if ((rc = ipp_store_run(s, insert_sql, "cannot record the mark", errp,
	    "ittit", complaint_id, revoke ? "revoke" : "mark", reason,
	    who->account_id, now)) != IPP_OK)
		goto fail;
	snprintf(id, sizeof(id), "%lld", (long long)complaint_id);
	snprintf(mark, sizeof(mark), "%lld",
	    (long long)ipp_store_last_id(s));
	if ((rc = ipp_store_commit(s, errp)) != IPP_OK)
		return rc;
	{
		const char *row[] = { id, mark, revoke ? "revoke" : "mark",
			reason, now };
		return ipp_tsv_write_row(w, row, errp);
	}
fail:
	ipp_store_rollback(s);
	return rc;
}
