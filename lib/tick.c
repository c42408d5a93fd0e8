#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "clock.h"
#include "err.h"
#include "mail.h"
#include "member.h"
#include "move.h"
#include "settings.h"
#include "tick.h"
#include "tsv.h"
#include "banned.h"

#define BATCH 1000	/* due URLs read at a time */

const char *const ipp_tick_columns[] = {
	"url_id", "complaint_id", "account_id", "from_state", "to_state",
	"at", "reason",
};
const size_t ipp_tick_ncolumns =
    sizeof(ipp_tick_columns) / sizeof(ipp_tick_columns[0]);

/*
 * G5: every membership re-evaluated on every tick.  The member module
 * reads the same clock as the tick, so now is not passed on.
 */
static int
reevaluate_members(struct ipp_store *s, const char *now, char **errp)
{
	return ipp_member_reevaluate(s, 0, NULL, errp);
}

/*
 * The hook point of the tick: each function here runs after every
 * tick's moves have committed (see ipp_tick_hook_fn).  The list ends
 * with NULL.
 */
static ipp_tick_hook_fn *const tick_hooks[] = {
	reevaluate_members,
	NULL,
};

/*
 * The condition a due URL meets, the same text in every query so that
 * the partial index complaint_urls_window (migration 8) serves them.
 */
#define DUE_WHERE " WHERE window_ends_at IS NOT NULL" \
	" AND window_ends_at <= ?1" \
	" AND (state = 'pending-counter' OR state = 'countered')"

struct due {
	int64_t	 url_id;
	int	 countered;		/* else pending-counter */
	char	 at[IPP_TIME_LEN + 1];	/* the window's end */
};

/* Reads up to BATCH due URLs, by deadline. */
static int
read_due(struct ipp_store *s, const char *now, struct due *d, size_t *n,
    char **errp)
{
	static const char sql[] = "SELECT url_id, state, window_ends_at"
	    " FROM complaint_urls" DUE_WHERE
	    " ORDER BY window_ends_at, url_id LIMIT 1000";
	struct ipp_stmt *st;
	int rc;

	*n = 0;
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_static(st, 1, now);
	while (*n < BATCH && (rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		d[*n].url_id = ipp_stmt_int(st, 0);
		d[*n].countered = strcmp(ipp_stmt_text(st,
		    1), "countered") == 0;
		snprintf(d[*n].at, sizeof(d[*n].at), "%s",
		    ipp_stmt_text(st, 2));
		(*n)++;
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_ROW && rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, "cannot read the open windows");
	return IPP_OK;
}

int
ipp_tick_apply(struct ipp_store *s, const char *now, long *moved,
    char **errp)
{
	struct ipp_move m;
	struct due *d;
	size_t n, i;
	long count = 0;
	int rc;

	if ((d = calloc(BATCH, sizeof(*d))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	do {
		if ((rc = read_due(s, now, d, &n, errp)) != IPP_OK)
			break;
		/* Each move takes its URL out of the index: no loop. */
		for (i = 0; i < n && rc == IPP_OK; i++) {
			memset(&m, 0, sizeof(m));
			m.url_id = d[i].url_id;
			m.from = d[i].countered ? "countered" :
			    "pending-counter";
			m.to = d[i].countered ? "restored" : "removed";
			m.reason = d[i].countered ? "no answer to the "
			    "counter-notice within the window (rule N1)" :
			    "no counter-notice within the window (rule N1)";
			m.at = d[i].at;
			if ((rc = ipp_move_apply(s, &m, errp)) == IPP_OK)
				count++;
		}
	} while (rc == IPP_OK && n == BATCH);
	free(d);
	if (moved != NULL)
		*moved = count;
	return rc;
}

int
ipp_tick_due(struct ipp_store *s, char **errp)
{
	static const char sql[] = "SELECT 1 FROM complaint_urls" DUE_WHERE
	    " LIMIT 1";
	char now[IPP_TIME_LEN + 1];
	struct ipp_stmt *st;
	int64_t due;
	int rc;

	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_text(st, 1, now);
	if ((rc = ipp_store_first_int(s, st, &due, "cannot read the open "
	    "windows", errp)) != IPP_OK || !due)
		return rc;
	if ((rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	rc = ipp_tick_apply(s, now, NULL, errp);
	return ipp_store_end(s, rc, errp);
}

/* ---- reminders (N3) ---- */

struct reminder {
	int64_t	 url_id, complaint_id, account_id;
	char	*url, *due, *to, *seller;
};

static void
reminders_free(struct reminder *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].url);
		free(r[i].due);
		free(r[i].to);
		free(r[i].seller);
	}
}

static int
read_reminders(struct ipp_store *s, const char *now, const char *until,
    struct reminder *r, size_t *n, char **errp)
{
	static const char sql[] = "SELECT u.url_id, u.complaint_id,"
	    " u.account_id, u.canonical_url, u.window_ends_at,"
	    " a.contact_email, m.name FROM complaint_urls u"
	    " JOIN accounts a ON a.account_id = u.account_id"
	    " LEFT JOIN counters c ON c.url_id = u.url_id"
	    " LEFT JOIN merchants m ON m.merchant_id = c.merchant_id"
	    " WHERE u.window_ends_at IS NOT NULL"
	    " AND u.window_ends_at <= ?2 AND u.window_ends_at > ?1"
	    " AND u.state = 'countered' AND NOT EXISTS (SELECT 1"
	    " FROM counter_reminders r WHERE r.url_id = u.url_id)"
	    " ORDER BY u.account_id, u.window_ends_at, u.url_id LIMIT 1000";
	struct ipp_stmt *st;
	int rc;

	*n = 0;
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_static(st, 1, now);
	ipp_stmt_bind_static(st, 2, until);
	while (*n < BATCH && (rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		struct reminder *x = &r[(*n)++];

		x->url_id = ipp_stmt_int(st, 0);
		x->complaint_id = ipp_stmt_int(st, 1);
		x->account_id = ipp_stmt_int(st, 2);
		x->url = ipp_store_column_dup(st, 3);
		x->due = ipp_store_column_dup(st, 4);
		x->to = ipp_store_column_dup(st, 5);
		x->seller = ipp_store_column_dup(st, 6);
		if (x->url == NULL || x->due == NULL || x->to == NULL) {
			ipp_stmt_reset(st);
			return ipp_error(errp, IPP_ESYS, "out of memory");
		}
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_ROW && rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, "cannot read the reminders due");
	return IPP_OK;
}

/*
 * One message to the account of r[0..n) (all the same account), after
 * the store took each URL's reminder row.
 */
static int
remind(struct ipp_store *s, const char *now, struct reminder *r, size_t n,
    long *sent, char **errp)
{
	static const char sql[] = "INSERT INTO counter_reminders (url_id,"
	    " sent_at) VALUES (?, ?) ON CONFLICT (url_id) DO NOTHING";
	char *body = NULL, *subject = NULL;
	size_t len = 0, i;
	long listed = 0;
	FILE *fp;
	int rc = IPP_OK;

	if ((fp = open_memstream(&body, &len)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	fprintf(fp, "A counter-notice against your complaint awaits your "
	    "answer (rule N2).\nUnless you answer before it is due, the "
	    "listing is restored (rule N1):\n\n");
	for (i = 0; i < n; i++) {
		if ((rc = ipp_store_run(s, sql, "cannot record a reminder",
		    errp, "it", r[i].url_id, now)) != IPP_OK)
			break;
		if (ipp_store_changes(s) == 0)	/* reminded already */
			continue;
		listed++;
		fprintf(fp, "URL %lld of complaint %lld: %s\n  seller: %s\n"
		    "  answer due: %s\n", (long long)r[i].url_id,
		    (long long)r[i].complaint_id, r[i].url,
		    r[i].seller ? r[i].seller : "(unknown)", r[i].due);
	}
	fprintf(fp, "\nReject a counter with 'ipp-counter reject --reason "
	    "TEXT URL_ID', or concede it\nwith 'ipp-counter concede "
	    "URL_ID'.\n");
	if (fclose(fp) != 0 && rc == IPP_OK)
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
	if (rc == IPP_OK && listed > 0) {
		if ((subject = ipp_strdup_printf("ipp: %ld counter-notice%s "
		    "to answer soon", listed, listed == 1 ? "" : "s")) ==
		    NULL)
			rc = ipp_error(errp, IPP_ESYS, "out of memory");
		else
			rc = ipp_mail_send(s, r[0].to, subject, body, errp);
		if (rc == IPP_OK)
			*sent += listed;
	}
	free(subject);
	free(body);
	return rc;
}

/* The end of the reminders' span: now + reminder_hours (N3). */
static int
reminder_until(struct ipp_store *s, int64_t now_t, char *until, char **errp)
{
	long long hours;
	int rc;

	if ((rc = ipp_settings_int(s, "reminder_hours", &hours, errp)))
		return rc;
	ipp_clock_format(now_t + (int64_t)hours * 3600, until);
	return IPP_OK;
}

static int
send_reminders(struct ipp_store *s, const char *now, const char *until,
    long *sent, char **errp)
{
	struct reminder *r;
	size_t n, i, j;
	int rc;

	*sent = 0;
	if ((r = calloc(BATCH, sizeof(*r))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	do {
		rc = read_reminders(s, now, until, r, &n, errp);
		for (i = 0; rc == IPP_OK && i < n; i = j) {
			for (j = i; j < n && r[j].account_id ==
			    r[i].account_id; j++)
				;
			rc = remind(s, now, r + i, j - i, sent, errp);
		}
		reminders_free(r, n);
		memset(r, 0, BATCH * sizeof(*r));
	} while (rc == IPP_OK && n == BATCH);
	free(r);
	return rc;
}

/* ---- the tick ---- */

/*
 * Whether anything is due at now (a move, or a reminder until `until`),
 * read without the write lock, so that an idle tick costs no more than
 * a report: the transaction that applies them looks again under it.
 */
static int
anything_due(struct ipp_store *s, const char *now, const char *until,
    int *due, char **errp)
{
	static const char moves_sql[] = "SELECT 1 FROM complaint_urls"
	    DUE_WHERE " LIMIT 1";
	static const char reminders_sql[] = "SELECT 1 FROM complaint_urls u"
	    " WHERE u.window_ends_at IS NOT NULL"
	    " AND u.window_ends_at <= ?2 AND u.window_ends_at > ?1"
	    " AND u.state = 'countered' AND NOT EXISTS (SELECT 1"
	    " FROM counter_reminders r WHERE r.url_id = u.url_id) LIMIT 1";
	struct ipp_stmt *st;
	int64_t found;
	int rc;

	if ((rc = ipp_store_stmt(s, moves_sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_static(st, 1, now);
	if ((rc = ipp_store_first_int(s, st, &found, "cannot read the open "
	    "windows", errp)) != IPP_OK)
		return rc;
	if (!found) {
		if ((rc = ipp_store_stmt(s, reminders_sql, &st, errp)))
			return rc;
		ipp_stmt_bind_static(st, 1, now);
		ipp_stmt_bind_static(st, 2, until);
		if ((rc = ipp_store_first_int(s, st, &found, "cannot read the "
		    "reminders due", errp)) != IPP_OK)
			return rc;
	}
	*due = found != 0;
	return IPP_OK;
}

static int
last_move(struct ipp_store *s, int64_t *id, char **errp)
{
	static const char sql[] = "SELECT COALESCE(max(move_id), 0)"
	    " FROM url_moves";
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	return ipp_store_first_int(s, st, id, "cannot read the moves", errp);
}

/* The moves of this tick, committed: those between first and last. */
static int
write_moves(struct ipp_store *s, int64_t first, int64_t last,
    struct ipp_tsv_writer *w, char **errp)
{
	static const char sql[] = "SELECT m.url_id, u.complaint_id,"
	    " u.account_id, m.from_state, m.to_state, m.at, m.reason"
	    " FROM url_moves m JOIN complaint_urls u ON u.url_id = m.url_id"
	    " WHERE m.move_id > ? AND m.move_id <= ? ORDER BY m.move_id";
	struct ipp_stmt *st;
	long count;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, first);
	ipp_stmt_bind_int(st, 2, last);
	return ipp_store_write_rows(s, st, w, &count, errp);
}

int
ipp_tick_run(struct ipp_store *s, struct ipp_tsv_writer *w, long *moves,
    long *reminders, char **errp)
{
	char now[IPP_TIME_LEN + 1], until[IPP_TIME_LEN + 1];
	int64_t now_t, first = 0, last = 0;
	size_t i;
	int rc, due;

	*moves = *reminders = 0;
	if ((rc = ipp_calendar_check_zone(s, errp)) != IPP_OK ||
	    (rc = ipp_clock_now(&now_t, errp)) != IPP_OK)
		return rc;
	ipp_clock_format(now_t, now);
	if ((rc = reminder_until(s, now_t, until, errp)) != IPP_OK ||
	    (rc = anything_due(s, now, until, &due, errp)) != IPP_OK)
		return rc;
	if (due) {
		if ((rc = ipp_store_begin(s, errp)) != IPP_OK)
			return rc;
		if ((rc = last_move(s, &first, errp)) == IPP_OK &&
		    (rc = ipp_tick_apply(s, now, moves, errp)) == IPP_OK &&
		    (rc = send_reminders(s, now, until, reminders, errp)) ==
		    IPP_OK)
			rc = last_move(s, &last, errp);
		if ((rc = ipp_store_end(s, rc, errp)) != IPP_OK) {
			*moves = *reminders = 0;
			return rc;
		}
	}
	if (w != NULL && *moves > 0 &&
	    (rc = write_moves(s, first, last, w, errp)) != IPP_OK)
		return rc;
	for (i = 0; tick_hooks[i] != NULL; i++)
		if ((rc = tick_hooks[i](s, now, errp)) != IPP_OK)
			return rc;
	return IPP_OK;
}
