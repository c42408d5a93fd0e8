#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "detail.h"
#include "err.h"
#include "move.h"
#include "banned.h"

const char *const ipp_detail_columns[] = { "field", "value" };
const size_t ipp_detail_ncolumns = 2;

const char *const ipp_detail_history_columns[] = {
	"url_id", "at", "actor_id", "actor", "from_state", "to_state",
	"reason",
};
const size_t ipp_detail_history_ncolumns =
    sizeof(ipp_detail_history_columns) /
    sizeof(ipp_detail_history_columns[0]);

/* The eight URL states, in the order show counts them. */
static const char *const url_states[] = { "submitted", "pending-counter",
	"countered", "counter-rejected", "rejected", "removed", "restored",
	"withdrawn" };
#define NSTATES (sizeof(url_states) / sizeof(url_states[0]))

static int
field(struct ipp_tsv_writer *w, const char *name, const char *value,
    char **errp)
{
	const char *row[] = { name, value };

	return ipp_tsv_write_row(w, row, errp);
}

static int
field_int(struct ipp_tsv_writer *w, const char *name, long long value,
    char **errp)
{
	char text[24];

	snprintf(text, sizeof(text), "%lld", value);
	return field(w, name, text, errp);
}

/* The complaint's own columns, as fields. */
static int
show_head(struct ipp_store *s, const struct ipp_auth *who, int64_t id,
    struct ipp_tsv_writer *w, char *due, char **errp)
{
	static const char sql[] = "SELECT c.complaint_id, c.account_id,"
	    " c.ipr_id, i.label, i.type, c.platform, c.region, c.target,"
	    " c.reason, r.label, c.priority, c.supplement, c.created_at,"
	    " c.due_at, c.good_faith FROM complaints c"
	    " JOIN iprs i ON i.ipr_id = c.ipr_id"
	    " LEFT JOIN reasons r ON r.code = c.reason"
	    " WHERE c.complaint_id = ?1 AND (?2 IS NULL OR c.account_id = ?2)";
	static const char *const names[] = { "complaint_id", "account_id",
		"ipr_id", "ipr_label", "ipr_type", "platform", "region",
		"target", "reason", "reason_label", "priority", "supplement",
		"created_at", "due_at" };
	struct ipp_stmt *st;
	size_t i;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, id);
	if (who->role != IPP_ROLE_HANDLER)
		ipp_stmt_bind_int(st, 2, who->account_id);
	if ((rc = ipp_stmt_step(st)) != IPP_STMT_ROW) {
		ipp_stmt_reset(st);
		return rc == IPP_STMT_DONE ? ipp_error(errp, IPP_ENOTFOUND,
		    "no complaint %lld", (long long)id) :
		    ipp_store_fail(s, errp, "cannot read the complaint");
	}
	snprintf(due, IPP_TIME_LEN + 1, "%s",
	    ipp_stmt_text(st, 13));
	for (i = 0, rc = IPP_OK; i < sizeof(names) / sizeof(names[0]) &&
	    rc == IPP_OK; i++)
		rc = field(w, names[i], ipp_stmt_text(st,
		    (int)i), errp);
	/* G5: what filing as a Good Faith member brought (C7, C10). */
	if (rc == IPP_OK)
		rc = field(w, "benefits", (int)ipp_stmt_int(st, 14) == 0 ?
		    "none" : strcmp(ipp_stmt_text(st, 10),
		    "high") == 0 ? "half-target,no-supplement-minimum" :
		    "half-target", errp);
	ipp_stmt_reset(st);
	return rc;
}

/* State (C11), URL counts by state, overdue (H2). */
static int
show_counts(struct ipp_store *s, int64_t id, const char *due,
    struct ipp_tsv_writer *w, char **errp)
{
	static const char sql[] = "SELECT state, count(*) FROM complaint_urls"
	    " WHERE complaint_id = ? GROUP BY state";
	char name[48], now[IPP_TIME_LEN + 1];
	long long count[NSTATES] = { 0 }, total = 0, open;
	struct ipp_stmt *st;
	size_t i;
	int rc;

	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, id);
	while ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW)
		for (i = 0; i < NSTATES; i++)
			if (strcmp(url_states[i], ipp_stmt_text(st, 0)) == 0) {
				count[i] = ipp_stmt_int(st, 1);
				total += count[i];
			}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, "cannot count the URLs");
	open = count[0] + count[1] + count[2] + count[3];
	if ((rc = field(w, "overdue", count[0] > 0 && strcmp(due, now) < 0 ?
	    "yes" : "no", errp)) != IPP_OK ||
	    (rc = field(w, "state", open > 0 ? "open" : count[7] == total ?
	    "withdrawn" : "closed", errp)) != IPP_OK ||
	    (rc = field_int(w, "urls", total, errp)) != IPP_OK)
		return rc;
	for (i = 0; i < NSTATES && rc == IPP_OK; i++) {
		snprintf(name, sizeof(name), "urls_%s", url_states[i]);
		rc = field_int(w, name, count[i], errp);
	}
	return rc;
}

/* Evidence (C7) and abusive marks (H3). */
static int
show_lists(struct ipp_store *s, int64_t id, struct ipp_tsv_writer *w,
    char **errp)
{
	static const char abusive_sql[] = "SELECT COALESCE((SELECT CASE"
	    " action WHEN 'mark' THEN 1 ELSE 0 END FROM complaint_marks"
	    " WHERE complaint_id = ? ORDER BY mark_id DESC LIMIT 1), 0)";
	static const char evidence_sql[] = "SELECT 'evidence', sha256 || ' '"
	    " || name FROM complaint_evidence WHERE complaint_id = ?"
	    " ORDER BY name, sha256";
	static const char marks_sql[] = "SELECT 'mark', at || ' ' || action"
	    " || ' ' || reason FROM complaint_marks WHERE complaint_id = ?"
	    " ORDER BY mark_id";
	struct ipp_stmt *st;
	int64_t abusive;
	long n;
	int rc;

	if ((rc = ipp_store_stmt(s, abusive_sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, id);
	if ((rc = ipp_store_first_int(s, st, &abusive, "cannot read marks",
	    errp)) != IPP_OK ||
	    (rc = field(w, "abusive", abusive ? "yes" : "no", errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_store_stmt(s, evidence_sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, id);
	if ((rc = ipp_store_write_rows(s, st, w, &n, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_store_stmt(s, marks_sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, id);
	return ipp_store_write_rows(s, st, w, &n, errp);
}

int
ipp_detail_show(struct ipp_store *s, const struct ipp_auth *who,
    int64_t complaint_id, struct ipp_tsv_writer *w, char **errp)
{
	char due[IPP_TIME_LEN + 1];
	int rc;

	if ((rc = show_head(s, who, complaint_id, w, due, errp)) != IPP_OK ||
	    (rc = show_counts(s, complaint_id, due, w, errp)) != IPP_OK)
		return rc;
	return show_lists(s, complaint_id, w, errp);
}

int
ipp_detail_history(struct ipp_store *s, const struct ipp_auth *who,
    int64_t complaint_id, int64_t url_id, struct ipp_tsv_writer *w,
    long *count, char **errp)
{
	static const char sql[] = "SELECT m.url_id, m.at, m.actor_id,"
	    " CASE WHEN m.actor_id IS NULL THEN 'system'"
	    "  WHEN a.role = 'handler' THEN 'handler' ELSE 'account' END,"
	    " m.from_state, m.to_state, m.reason FROM url_moves m"
	    " JOIN complaint_urls u ON u.url_id = m.url_id"
	    " LEFT JOIN accounts a ON a.account_id = m.actor_id"
	    " WHERE (?1 IS NULL OR u.complaint_id = ?1)"
	    " AND (?2 IS NULL OR m.url_id = ?2)"
	    " AND (?3 IS NULL OR u.account_id = ?3)"
	    " ORDER BY m.at, m.move_id";
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	if (complaint_id > 0)
		ipp_stmt_bind_int(st, 1, complaint_id);
	else
		ipp_stmt_bind_int(st, 2, url_id);
	if (who->role != IPP_ROLE_HANDLER)
		ipp_stmt_bind_int(st, 3, who->account_id);
	if ((rc = ipp_store_write_rows(s, st, w, count, errp)) != IPP_OK)
		return rc;
	/* Every URL has its filing move: no row, no such URL of yours. */
	if (*count == 0)
		return complaint_id > 0 ? ipp_error(errp, IPP_ENOTFOUND,
		    "no complaint %lld", (long long)complaint_id) :
		    ipp_error(errp, IPP_ENOTFOUND, "no URL %lld",
		    (long long)url_id);
	return IPP_OK;
}
