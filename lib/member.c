#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mail.h"
#include "member.h"
#include "banned.h"

const char *const ipp_member_columns[] = {
	"account_id", "member", "eligible", "failing", "declared_version",
	"enrolled_at", "ended_at", "end_reason", "rejoin_after",
};
const size_t ipp_member_ncolumns =
    sizeof(ipp_member_columns) / sizeof(ipp_member_columns[0]);

static const struct {
	unsigned	 bit;
	const char	*name;
} requirements[] = {
	{ IPP_MEMBER_G1, "G1" },
	{ IPP_MEMBER_G2, "G2" },
	{ IPP_MEMBER_ABUSIVE, "G3-abusive" },
	{ IPP_MEMBER_DECLARATION, "G3-declaration" },
	{ IPP_MEMBER_VOLUME, "volume" },
	{ IPP_MEMBER_WAIT, "wait" },
};
#define NREQUIREMENTS (sizeof(requirements) / sizeof(requirements[0]))

void
ipp_member_declaration(char *version, size_t len, const char **text)
{
	const char *p = ipp_declaration_txt, *nl;
	static const char tag[] = "Version: ";

	version[0] = '\0';
	if (strncmp(p, tag, sizeof(tag) - 1) == 0) {
		p += sizeof(tag) - 1;
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		snprintf(version, len, "%.*s", (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
		while (*p == '\n')
			p++;
	}
	*text = p;
}

void
ipp_member_failing_names(unsigned failing, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < NREQUIREMENTS; i++)
		if (failing & requirements[i].bit)
			n += (size_t)snprintf(buf + (n < len ? n : len),
			    n < len ? len - n : 0, "%s%s", n ? "," : "",
			    requirements[i].name);
}

char *
ipp_member_failing_text(const struct ipp_member_state *m,
    const struct ipp_score_settings *c)
{
	const struct ipp_score_figures *f = &m->window;
	long decided = ipp_score_decided(f);
	char *buf = NULL, r[24];
	size_t len = 0;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		return NULL;
	if (m->failing & IPP_MEMBER_G1)
		fprintf(fp, "%sG1: the takedown success rate over %ld days is "
		    "%s %% (%ld removed of %ld decided), below %ld %%",
		    ftell(fp) ? "; " : "", c->window_days,
		    ipp_score_rate_text(ipp_score_tenths(f->removed, decided),
		    r), f->removed, decided, c->success_min_pct);
	if (m->failing & IPP_MEMBER_G2)
		fprintf(fp, "%sG2: the counter-notice success rate over %ld "
		    "days is %s %% (%ld restored of %ld counters), not below "
		    "%ld %%", ftell(fp) ? "; " : "", c->window_days,
		    ipp_score_rate_text(ipp_score_tenths(f->counters_succeeded,
		    f->counters), r), f->counters_succeeded, f->counters,
		    c->counter_max_pct);
	if (m->failing & IPP_MEMBER_ABUSIVE)
		fprintf(fp, "%sG3: %ld complaint%s marked abusive (rule H3)",
		    ftell(fp) ? "; " : "", m->abusive,
		    m->abusive == 1 ? " is" : "s are");
	if (m->failing & IPP_MEMBER_DECLARATION)
		fprintf(fp, "%sG3: the Good Faith declaration is not signed "
		    "(ipp-score declare --accept)", ftell(fp) ? "; " : "");
	if (m->failing & IPP_MEMBER_VOLUME)
		fprintf(fp, "%sG5: %ld decided URLs over %ld days, fewer than "
		    "the %ld needed", ftell(fp) ? "; " : "", decided,
		    c->window_days, c->min_volume);
	if (m->failing & IPP_MEMBER_WAIT)
		fprintf(fp, "%sG5: the membership ended %s, and enrolling "
		    "again waits until %s", ftell(fp) ? "; " : "", m->ended_at,
		    m->rejoin_after);
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Copies column i (NULL: "") into buf of len bytes. */
static void
column_copy(struct ipp_stmt *st, int i, char *buf, size_t len)
{
	const char *t = ipp_stmt_text(st, i);

	snprintf(buf, len, "%s", t ? (const char *)t : "");
}

int
ipp_member_state(struct ipp_store *s, int64_t account_id, const char *now,
    struct ipp_member_state *m, char **errp)
{
	static const char last_sql[] = "SELECT enrolled_at, ended_at,"
	    " end_reason FROM memberships WHERE account_id = ?"
	    " ORDER BY membership_id DESC LIMIT 1";
	static const char declared_sql[] = "SELECT version, signed_at"
	    " FROM declarations WHERE account_id = ?"
	    " ORDER BY declaration_id DESC LIMIT 1";
	static const char signed_sql[] = "SELECT count(*) FROM declarations"
	    " WHERE account_id = ? AND version = ?";
	static const char abusive_sql[] = "SELECT count(*) FROM complaints c"
	    " WHERE c.account_id = ? AND (SELECT k.action FROM"
	    " complaint_marks k WHERE k.complaint_id = c.complaint_id"
	    " ORDER BY k.mark_id DESC LIMIT 1) = 'mark'";
	struct ipp_score_settings c;
	char since[IPP_TIME_LEN + 1], version[32];
	const char *text;
	struct ipp_stmt *st;
	int64_t t, n;
	int rc;

	memset(m, 0, sizeof(*m));
	m->account_id = account_id;
	if ((rc = ipp_score_settings(s, &c, errp)) != IPP_OK ||
	    (rc = ipp_score_since(now, c.window_days, since, errp)) != IPP_OK ||
	    (rc = ipp_score_account(s, account_id, since, now, &m->window,
	    errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_store_stmt(s, last_sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, account_id);
	if ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		column_copy(st, 0, m->enrolled_at, sizeof(m->enrolled_at));
		column_copy(st, 1, m->ended_at, sizeof(m->ended_at));
		column_copy(st, 2, m->end_reason, sizeof(m->end_reason));
		m->member = m->ended_at[0] == '\0';
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_ROW && rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, "cannot read memberships");
	if ((rc = ipp_store_stmt(s, declared_sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, account_id);
	if ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		column_copy(st, 0, m->declared_version,
		    sizeof(m->declared_version));
		column_copy(st, 1, m->declared_at, sizeof(m->declared_at));
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_ROW && rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, "cannot read declarations");
	ipp_member_declaration(version, sizeof(version), &text);
	if ((rc = ipp_store_stmt(s, signed_sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, account_id);
	ipp_stmt_bind_text(st, 2, version);
	if ((rc = ipp_store_first_int(s, st, &n, "cannot read declarations",
	    errp)) != IPP_OK)
		return rc;
	if (n == 0)
		m->failing |= IPP_MEMBER_DECLARATION;
	if ((rc = ipp_store_stmt(s, abusive_sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, account_id);
	if ((rc = ipp_store_first_int(s, st, &n, "cannot read marks",
	    errp)) != IPP_OK)
		return rc;
	m->abusive = (long)n;
	if (n > 0)
		m->failing |= IPP_MEMBER_ABUSIVE;
	if (!ipp_score_success_ok(&m->window, &c))
		m->failing |= IPP_MEMBER_G1;
	if (!ipp_score_counter_ok(&m->window, &c))
		m->failing |= IPP_MEMBER_G2;
	if (ipp_score_decided(&m->window) < c.min_volume)
		m->failing |= IPP_MEMBER_VOLUME;
	if (m->ended_at[0] != '\0' && ipp_clock_parse(m->ended_at, &t) == 0) {
		ipp_clock_format(t + (int64_t)c.rejoin_days * 86400,
		    m->rejoin_after);
		if (strcmp(now, m->rejoin_after) < 0)
			m->failing |= IPP_MEMBER_WAIT;
	}
	return IPP_OK;
}

int
ipp_member_is(struct ipp_store *s, int64_t account_id, int *member,
    char **errp)
{
	static const char sql[] = "SELECT count(*) FROM memberships"
	    " WHERE account_id = ? AND ended_at IS NULL";
	struct ipp_stmt *st;
	int64_t n;
	int rc;

	*member = 0;
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, account_id);
	if ((rc = ipp_store_first_int(s, st, &n, "cannot read memberships",
	    errp)) != IPP_OK)
		return rc;
	*member = n > 0;
	return IPP_OK;
}

static int
require_account(const struct ipp_auth *who, const char *what, char **errp)
{
	if (who->role == IPP_ROLE_HANDLER)
		return ipp_error(errp, IPP_EAUTH, "a case handler files no "
		    "complaints and cannot %s (rule G5)", what);
	return IPP_OK;
}

int
ipp_member_accept(struct ipp_store *s, const struct ipp_auth *who,
    char **errp)
{
	static const char sql[] = "SELECT signed_at FROM declarations"
	    " WHERE account_id = ? AND version = ?";
	static const char insert_sql[] = "INSERT INTO declarations"
	    " (account_id, version, signed_at) VALUES (?, ?, ?)";
	char version[32], now[IPP_TIME_LEN + 1];
	const char *text;
	struct ipp_stmt *st;
	char *at;
	int rc;

	if ((rc = require_account(who, "sign the declaration", errp)) ||
	    (rc = ipp_clock_now_text(now, errp)) != IPP_OK)
		return rc;
	ipp_member_declaration(version, sizeof(version), &text);
	if ((rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return ipp_store_end(s, rc, errp);
	ipp_stmt_bind_int(st, 1, who->account_id);
	ipp_stmt_bind_text(st, 2, version);
	if ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		at = ipp_store_column_dup(st, 0);
		ipp_stmt_reset(st);
		rc = ipp_error(errp, IPP_EREFUSED, "the declaration version "
		    "%s is signed already, on %s (rule G3)", version,
		    at ? at : "");
		free(at);
		return ipp_store_end(s, rc, errp);
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_DONE)
		return ipp_store_end(s, ipp_store_fail(s, errp,
		    "cannot read declarations"), errp);
	rc = ipp_store_run(s, insert_sql, "cannot record the declaration",
	    errp, "itt", who->account_id, version, now);
	return ipp_store_end(s, rc, errp);
}

static int
contact_of(struct ipp_store *s, int64_t account_id, char **to, char **errp)
{
	static const char sql[] = "SELECT contact_email FROM accounts"
	    " WHERE account_id = ?";
	struct ipp_stmt *st;
	int rc;

	*to = NULL;
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, account_id);
	if (ipp_stmt_step(st) == IPP_STMT_ROW)
		*to = ipp_store_column_dup(st, 0);
	ipp_stmt_reset(st);
	if (*to == NULL)
		return ipp_store_fail(s, errp, "cannot read the account");
	return IPP_OK;
}

/*
 * Ends the open membership of account_id with reason and mails the
 * account, inside the caller's transaction.  *ended gets 1 when there
 * was one to end.
 */
static int
end_membership(struct ipp_store *s, int64_t account_id, const char *now,
    const char *reason, int *ended, char **errp)
{
	static const char sql[] = "UPDATE memberships SET ended_at = ?,"
	    " end_reason = ? WHERE account_id = ? AND ended_at IS NULL";
	struct ipp_score_settings c;
	char rejoin[IPP_TIME_LEN + 1], *to = NULL, *body = NULL;
	int64_t t;
	int rc;

	*ended = 0;
	if ((rc = ipp_score_settings(s, &c, errp)) != IPP_OK ||
	    (rc = ipp_store_run(s, sql, "cannot end the membership", errp,
	    "tti", now, reason, account_id)) != IPP_OK)
		return rc;
	if (ipp_store_changes(s) == 0)
		return IPP_OK;
	*ended = 1;
	if (ipp_clock_parse(now, &t) != 0)
		t = 0;
	ipp_clock_format(t + (int64_t)c.rejoin_days * 86400, rejoin);
	if ((rc = contact_of(s, account_id, &to, errp)) != IPP_OK)
		return rc;
	if ((body = ipp_strdup_printf("The Good Faith membership of account "
	    "%lld ended on %s.\n\nReason: %s\n\nThe benefits (half the "
	    "processing targets, the lower\nsupplement burden) no longer "
	    "apply to new complaints.  The account\nmay enrol again from %s "
	    "when every requirement holds\n('ipp-score status' shows them; "
	    "rule G5 of ipp-rules(7)).\n", (long long)account_id, now,
	    reason, rejoin)) == NULL)
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
	else
		rc = ipp_mail_send(s, to, "ipp: Good Faith membership ended",
		    body, errp);
	free(body);
	free(to);
	return rc;
}

int
ipp_member_enrol(struct ipp_store *s, const struct ipp_auth *who,
    char **errp)
{
	static const char sql[] = "INSERT INTO memberships (account_id,"
	    " enrolled_at) VALUES (?, ?)";
	struct ipp_score_settings c;
	struct ipp_member_state m;
	char now[IPP_TIME_LEN + 1], *why;
	int rc;

	if ((rc = require_account(who, "enrol", errp)) ||
	    (rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_score_settings(s, &c, errp)) != IPP_OK ||
	    (rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_member_state(s, who->account_id, now, &m, errp)) !=
	    IPP_OK)
		return ipp_store_end(s, rc, errp);
	if (m.member)
		return ipp_store_end(s, ipp_error(errp, IPP_EREFUSED, "account "
		    "%lld is a Good Faith member already, since %s (rule G5)",
		    (long long)who->account_id, m.enrolled_at), errp);
	if (m.failing != 0) {
		if ((why = ipp_member_failing_text(&m, &c)) == NULL)
			rc = ipp_error(errp, IPP_ESYS, "out of memory");
		else
			rc = ipp_error(errp, IPP_EREFUSED, "cannot enrol in "
			    "the Good Faith Program: %s", why);
		free(why);
		return ipp_store_end(s, rc, errp);
	}
	rc = ipp_store_run(s, sql, "cannot enrol", errp, "it",
	    who->account_id, now);
	return ipp_store_end(s, rc, errp);
}

int
ipp_member_leave(struct ipp_store *s, const struct ipp_auth *who,
    char **errp)
{
	char now[IPP_TIME_LEN + 1];
	int rc, ended;

	if ((rc = require_account(who, "leave", errp)) ||
	    (rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	if ((rc = end_membership(s, who->account_id, now, "left",
	    &ended, errp)) == IPP_OK && !ended)
		rc = ipp_error(errp, IPP_EREFUSED, "account %lld is not a Good "
		    "Faith member: there is nothing to leave (rule G5)",
		    (long long)who->account_id);
	return ipp_store_end(s, rc, errp);
}

/* The members (or account_id, when it is one), into a malloc'd array. */
static int
members(struct ipp_store *s, int64_t account_id, int64_t **ids, size_t *n,
    char **errp)
{
	static const char sql[] = "SELECT account_id FROM memberships"
	    " WHERE ended_at IS NULL AND (?1 IS NULL OR account_id = ?1)"
	    " ORDER BY account_id";
	struct ipp_stmt *st;
	int64_t *v;
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	if (account_id > 0)
		ipp_stmt_bind_int(st, 1, account_id);
	while ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((v = realloc(*ids, cap * sizeof(*v))) == NULL) {
				ipp_stmt_reset(st);
				return ipp_error(errp, IPP_ESYS, "out of memory");
			}
			*ids = v;
		}
		(*ids)[(*n)++] = ipp_stmt_int(st, 0);
	}
	ipp_stmt_reset(st);
	return rc == IPP_STMT_DONE ? IPP_OK :
	    ipp_store_fail(s, errp, "cannot read memberships");
}

/* Re-evaluates one member in a transaction of its own. */
static int
reevaluate_one(struct ipp_store *s, int64_t id, const char *now,
    const struct ipp_score_settings *c, long *ended, char **errp)
{
	struct ipp_member_state m;
	char *why, *reason;
	int rc, done = 0;

	/* Read first: most members keep their membership, and need no lock. */
	if ((rc = ipp_member_state(s, id, now, &m, errp)) != IPP_OK)
		return rc;
	if (!m.member || (m.failing & ~IPP_MEMBER_WAIT) == 0)
		return IPP_OK;
	if ((rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_member_state(s, id, now, &m, errp)) != IPP_OK)
		return ipp_store_end(s, rc, errp);
	m.failing &= ~IPP_MEMBER_WAIT;
	if (!m.member || m.failing == 0)
		return ipp_store_end(s, IPP_OK, errp);
	why = ipp_member_failing_text(&m, c);
	reason = why ? ipp_strdup_printf("requirements no longer hold: %s",
	    why) : NULL;
	if (reason == NULL)
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
	else
		rc = end_membership(s, id, now, reason, &done, errp);
	free(why);
	free(reason);
	if ((rc = ipp_store_end(s, rc, errp)) == IPP_OK && done && ended)
		(*ended)++;
	return rc;
}

int
ipp_member_reevaluate(struct ipp_store *s, int64_t account_id, long *ended,
    char **errp)
{
	struct ipp_score_settings c;
	char now[IPP_TIME_LEN + 1];
	int64_t *ids;
	size_t i, n;
	int rc;

	if (ended != NULL)
		*ended = 0;
	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_score_settings(s, &c, errp)) != IPP_OK ||
	    (rc = members(s, account_id, &ids, &n, errp)) != IPP_OK)
		return rc;
	for (i = 0, rc = IPP_OK; i < n && rc == IPP_OK; i++)
		rc = reevaluate_one(s, ids[i], now, &c, ended, errp);
	free(ids);
	return rc;
}

static int
write_state(struct ipp_tsv_writer *w, const struct ipp_member_state *m,
    char **errp)
{
	char id[24], failing[96];
	const char *row[9];
	unsigned f = m->failing;

	if (m->member)
		f &= ~IPP_MEMBER_WAIT;
	ipp_member_failing_names(f, failing, sizeof(failing));
	snprintf(id, sizeof(id), "%lld", (long long)m->account_id);
	row[0] = id;
	row[1] = m->member ? "1" : "0";
	row[2] = f == 0 ? "1" : "0";
	row[3] = f == 0 ? NULL : failing;
	row[4] = m->declared_version[0] ? m->declared_version : NULL;
	row[5] = m->enrolled_at[0] ? m->enrolled_at : NULL;
	row[6] = m->ended_at[0] ? m->ended_at : NULL;
	row[7] = m->end_reason[0] ? m->end_reason : NULL;
	row[8] = m->rejoin_after[0] ? m->rejoin_after : NULL;
	return ipp_tsv_write_row(w, row, errp);
}

int
ipp_member_status(struct ipp_store *s, int64_t account_id, const char *now,
    struct ipp_tsv_writer *w, char **errp)
{
	static const char sql[] = "SELECT account_id FROM accounts"
	    " WHERE role = 'account' AND (?1 IS NULL OR account_id = ?1)"
	    " ORDER BY account_id";
	struct ipp_member_state m;
	struct ipp_stmt *st;
	int64_t *ids = NULL, *v;
	size_t i, n = 0, cap = 0;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	if (account_id > 0)
		ipp_stmt_bind_int(st, 1, account_id);
	while ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((v = realloc(ids, cap * sizeof(*v))) == NULL) {
				ipp_stmt_reset(st);
				free(ids);
				return ipp_error(errp, IPP_ESYS,
				    "out of memory");
			}
			ids = v;
		}
		ids[n++] = ipp_stmt_int(st, 0);
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_DONE) {
		free(ids);
		return ipp_store_fail(s, errp, "cannot read accounts");
	}
	for (i = 0, rc = IPP_OK; i < n && rc == IPP_OK; i++)
		if ((rc = ipp_member_state(s, ids[i], now, &m, errp)) ==
		    IPP_OK)
			rc = write_state(w, &m, errp);
	free(ids);
	return rc;
}
