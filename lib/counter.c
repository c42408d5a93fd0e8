#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "cli.h"
#include "counter.h"
#include "doc.h"
#include "err.h"
#include "mail.h"
#include "move.h"
#include "records.h"
#include "tick.h"
#include "tsv.h"
#include "banned.h"

const char *const ipp_counter_filed_columns[] = {
	"url_id", "counter_id", "complaint_id", "merchant_id", "filed_at",
	"answer_due_at", "state",
};
const size_t ipp_counter_filed_ncolumns =
    sizeof(ipp_counter_filed_columns) / sizeof(ipp_counter_filed_columns[0]);

const char *const ipp_counter_answer_columns[] = {
	"url_id", "complaint_id", "result", "state", "reason",
};
const size_t ipp_counter_answer_ncolumns =
    sizeof(ipp_counter_answer_columns) /
    sizeof(ipp_counter_answer_columns[0]);

const char *const ipp_counter_list_columns[] = {
	"url_id", "complaint_id", "account_id", "platform", "region",
	"canonical_url", "seller", "name", "email", "grounds", "filed_at",
	"answer_due_at", "state",
};
const size_t ipp_counter_list_ncolumns =
    sizeof(ipp_counter_list_columns) / sizeof(ipp_counter_list_columns[0]);

int
ipp_counter_write_filed(struct ipp_tsv_writer *w,
    const struct ipp_counter_filed *f, char **errp)
{
	char url[24], counter[24], complaint[24], merchant[24];

	snprintf(url, sizeof(url), "%lld", (long long)f->url_id);
	snprintf(counter, sizeof(counter), "%lld", (long long)f->counter_id);
	snprintf(complaint, sizeof(complaint), "%lld",
	    (long long)f->complaint_id);
	snprintf(merchant, sizeof(merchant), "%lld",
	    (long long)f->merchant_id);
	const char *row[] = { url, counter, complaint, merchant, f->filed_at,
		f->answer_due_at, "countered" };
	return ipp_tsv_write_row(w, row, errp);
}

/* 1 when text is empty or white space only. */
static int
blank(const char *text)
{
	return text == NULL || text[strspn(text, " \t\r\n")] == '\0';
}

int
ipp_counter_check(const struct ipp_counter_request *q, char **errp)
{
	const unsigned char *p;
	int64_t t;

	if (q->seller == NULL || *q->seller == '\0')
		return ipp_error(errp, IPP_EUSAGE, "a counter needs the "
		    "seller's id on the platform (--seller, rule N0)");
	for (p = (const unsigned char *)q->seller; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return ipp_error(errp, IPP_EUSAGE, "a seller id holds "
			    "no tab, newline or other control character "
			    "(rule N0)");
	if (blank(q->name))
		return ipp_error(errp, IPP_EUSAGE, "a counter needs the "
		    "merchant's name (--name, rule N0)");
	if (q->email != NULL && *q->email != '\0' &&
	    (strchr(q->email, '@') == NULL ||
	    strpbrk(q->email, " \t\r\n,<>") != NULL))
		return ipp_error(errp, IPP_EUSAGE, "not one email address: "
		    "'%s' (rule N0)", q->email);
	if (blank(q->grounds))
		return ipp_error(errp, IPP_EUSAGE, "a counter needs its "
		    "grounds (--grounds, rule N0)");
	if (q->filed_at != NULL && ipp_clock_parse(q->filed_at, &t) != 0)
		return ipp_error(errp, IPP_EUSAGE, "filed at '%s': not a time "
		    "YYYY-MM-DDTHH:MM:SSZ (rule N0)", q->filed_at);
	return IPP_OK;
}

/* The URL a counter is for, as filing needs it. */
struct target {
	int64_t	 complaint_id;
	int64_t	 account_id;
	char	*platform, *region, *state, *window, *accepted;
};

static void
target_free(struct target *t)
{
	free(t->platform);
	free(t->region);
	free(t->state);
	free(t->window);
	free(t->accepted);
	memset(t, 0, sizeof(*t));
}

static int
read_target(struct ipp_store *s, int64_t url_id, struct target *t,
    char **errp)
{
	static const char sql[] = "SELECT u.complaint_id, u.account_id,"
	    " c.platform, c.region, u.state, u.window_ends_at,"
	    " (SELECT max(m.at) FROM url_moves m WHERE m.url_id = u.url_id"
	    "  AND m.to_state = 'pending-counter')"
	    " FROM complaint_urls u JOIN complaints c"
	    " ON c.complaint_id = u.complaint_id WHERE u.url_id = ?";
	struct ipp_stmt *st;
	int rc;

	memset(t, 0, sizeof(*t));
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, url_id);
	if ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		t->complaint_id = ipp_stmt_int(st, 0);
		t->account_id = ipp_stmt_int(st, 1);
		t->platform = ipp_store_column_dup(st, 2);
		t->region = ipp_store_column_dup(st, 3);
		t->state = ipp_store_column_dup(st, 4);
		t->window = ipp_store_column_dup(st, 5);
		t->accepted = ipp_store_column_dup(st, 6);
	}
	ipp_stmt_reset(st);
	if (rc == IPP_STMT_DONE)
		return ipp_error(errp, IPP_ENOTFOUND, "no URL %lld",
		    (long long)url_id);
	if (rc != IPP_STMT_ROW)
		return ipp_store_fail(s, errp, "cannot read a URL");
	if (t->platform == NULL || t->state == NULL) {
		target_free(t);
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	return IPP_OK;
}

/* N0: the merchant's record, made or brought up to date. */
static int
merchant(struct ipp_store *s, const struct target *t,
    const struct ipp_counter_request *q, const char *now, int64_t *id,
    char **errp)
{
	static const char find_sql[] = "SELECT merchant_id FROM merchants"
	    " WHERE platform = ?1 AND COALESCE(region, '') ="
	    " COALESCE(?2, '') AND seller_id = ?3";
	static const char update_sql[] = "UPDATE merchants SET name = ?,"
	    " email = COALESCE(?, email), updated_at = ? WHERE merchant_id = ?";
	static const char insert_sql[] = "INSERT INTO merchants (platform,"
	    " region, seller_id, name, email, created_at, updated_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)";
	const char *email = q->email != NULL && *q->email != '\0' ?
	    q->email : NULL;
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, find_sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_static(st, 1, t->platform);
	ipp_stmt_bind_text(st, 2, t->region);
	ipp_stmt_bind_static(st, 3, q->seller);
	if ((rc = ipp_store_first_int(s, st, id, "cannot read merchants",
	    errp)) != IPP_OK)
		return rc;
	if (*id > 0)
		return ipp_store_run(s, update_sql, "cannot update a merchant",
		    errp, "ttti", q->name, email, now, *id);
	if ((rc = ipp_store_run(s, insert_sql, "cannot record a merchant",
	    errp, "ttttttt", t->platform, t->region, q->seller, q->name, email,
	    now, now)) != IPP_OK)
		return rc;
	*id = ipp_store_last_id(s);
	return IPP_OK;
}

/*
 * Records one counter inside the caller's transaction; docs are the
 * request's evidence, stored already.  now is the recording time.
 */
static int
file_in(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_counter_request *q, const struct ipp_doc *docs,
    int64_t now_t, const char *now, struct ipp_counter_filed *out,
    char **errp)
{
	static const char counter_sql[] = "INSERT INTO counters (url_id,"
	    " merchant_id, grounds, filed_at, answer_due_at, recorded_by,"
	    " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
	static const char evidence_sql[] = "INSERT INTO counter_evidence"
	    " (counter_id, sha256, name) VALUES (?, ?, ?)"
	    " ON CONFLICT (counter_id, sha256) DO NOTHING";
	struct target t;
	struct ipp_move m;
	int64_t filed_t, due_t;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	out->url_id = q->url_id;
	if (q->filed_at == NULL)
		filed_t = now_t;
	else if (ipp_clock_parse(q->filed_at, &filed_t) != 0)
		return ipp_error(errp, IPP_EUSAGE, "filed at '%s': not a time "
		    "(rule N0)", q->filed_at);
	ipp_clock_format(filed_t, out->filed_at);
	if (filed_t > now_t)
		return ipp_error(errp, IPP_EREFUSED, "URL %lld: a counter "
		    "filed at %s is in the future (now %s; rule N0)",
		    (long long)q->url_id, out->filed_at, now);
	if ((rc = read_target(s, q->url_id, &t, errp)) != IPP_OK)
		return rc;
	out->complaint_id = t.complaint_id;
	if (strcmp(t.state, "pending-counter") != 0)
		rc = ipp_error(errp, IPP_EREFUSED, "URL %lld is %s, not "
		    "pending-counter: a counter is filed only while its "
		    "window is open (rule N1)", (long long)q->url_id, t.state);
	else if (t.window != NULL && strcmp(out->filed_at, t.window) >= 0)
		rc = ipp_error(errp, IPP_EREFUSED, "URL %lld: its counter "
		    "window closed at %s; a counter filed at %s is refused "
		    "(rule N1)", (long long)q->url_id, t.window, out->filed_at);
	else if (t.accepted != NULL && strcmp(out->filed_at, t.accepted) < 0)
		rc = ipp_error(errp, IPP_EREFUSED, "URL %lld: filed at %s, "
		    "before the URL was accepted at %s (rule N1)",
		    (long long)q->url_id, out->filed_at, t.accepted);
	if (rc == IPP_OK)
		rc = ipp_calendar_window_end(s, now_t, "answer_window_days",
		    &due_t, errp);
	if (rc == IPP_OK) {
		ipp_clock_format(due_t, out->answer_due_at);
		rc = merchant(s, &t, q, now, &out->merchant_id, errp);
	}
	target_free(&t);
	if (rc != IPP_OK)
		return rc;
	if ((rc = ipp_store_run(s, counter_sql, "cannot record the counter",
	    errp, "iitttit", q->url_id, out->merchant_id, q->grounds,
	    out->filed_at, out->answer_due_at, who->account_id, now)))
		return rc;
	out->counter_id = ipp_store_last_id(s);
	for (i = 0; i < q->nevidence; i++)
		if ((rc = ipp_doc_record(s, &docs[i], now, errp)) != IPP_OK ||
		    (rc = ipp_store_run(s, evidence_sql, "cannot attach "
		    "evidence", errp, "itt", out->counter_id, docs[i].sha256,
		    ipp_doc_name(q->evidence[i]))) != IPP_OK)
			return rc;
	memset(&m, 0, sizeof(m));
	m.url_id = q->url_id;
	m.from = "pending-counter";
	m.to = "countered";
	m.actor_id = who->account_id;
	m.at = out->filed_at;
	m.window_ends_at = out->answer_due_at;
	return ipp_move_apply(s, &m, errp);
}

/* N3: one message per account told of the counters after first. */
static int
tell_accounts(struct ipp_store *s, int64_t first, char **errp)
{
	static const char sql[] = "SELECT u.account_id, a.contact_email,"
	    " c.url_id, u.complaint_id, u.canonical_url, m.name, m.seller_id,"
	    " c.filed_at, c.answer_due_at, c.grounds FROM counters c"
	    " JOIN complaint_urls u ON u.url_id = c.url_id"
	    " JOIN accounts a ON a.account_id = u.account_id"
	    " JOIN merchants m ON m.merchant_id = c.merchant_id"
	    " WHERE c.counter_id > ? ORDER BY u.account_id, c.counter_id";
	struct ipp_stmt *st;
	int64_t account = 0;
	char *to = NULL, *body = NULL, *subject = NULL;
	size_t len = 0;
	FILE *fp = NULL;
	long n = 0;
	int rc = IPP_OK, step;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, first);
	for (;;) {
		step = ipp_stmt_step(st);
		if (step != IPP_STMT_ROW && step != IPP_STMT_DONE) {
			rc = ipp_store_fail(s, errp, "cannot read counters");
			break;
		}
		if (account != 0 && (step == IPP_STMT_DONE ||
		    ipp_stmt_int(st, 0) != account)) {
			fprintf(fp, "\nAnswer each before it is due, or the "
			    "listing is restored (rule N1):\n'ipp-counter "
			    "reject --reason TEXT URL_ID' or 'ipp-counter "
			    "concede URL_ID'.\n");
			fclose(fp);
			fp = NULL;
			if ((subject = ipp_strdup_printf("ipp: %ld "
			    "counter-notice%s received", n, n == 1 ? "" :
			    "s")) == NULL)
				rc = ipp_error(errp, IPP_ESYS, "out of memory");
			else
				rc = ipp_mail_send(s, to, subject, body, errp);
			free(subject);
			free(body);
			free(to);
			subject = body = to = NULL;
			account = 0;
			n = 0;
			if (rc != IPP_OK)
				break;
		}
		if (step == IPP_STMT_DONE)
			break;
		if (account == 0) {
			account = ipp_stmt_int(st, 0);
			if ((to = ipp_store_column_dup(st, 1)) == NULL ||
			    (fp = open_memstream(&body, &len)) == NULL) {
				rc = ipp_error(errp, IPP_ESYS, "out of memory");
				break;
			}
			fprintf(fp, "Merchants filed counter-notices against "
			    "your complaints (rule N0):\n\n");
		}
		n++;
		fprintf(fp, "URL %lld of complaint %lld: %s\n"
		    "  merchant: %s (seller %s), filed %s\n"
		    "  answer due: %s\n  grounds: %s\n",
		    (long long)ipp_stmt_int(st, 2),
		    (long long)ipp_stmt_int(st, 3),
		    ipp_stmt_text(st, 4),
		    ipp_stmt_text(st, 5),
		    ipp_stmt_text(st, 6),
		    ipp_stmt_text(st, 7),
		    ipp_stmt_text(st, 8),
		    ipp_stmt_text(st, 9));
	}
	ipp_stmt_reset(st);
	if (fp != NULL)
		fclose(fp);
	free(body);
	free(to);
	return rc;
}

static int
last_counter(struct ipp_store *s, int64_t *id, char **errp)
{
	static const char sql[] = "SELECT COALESCE(max(counter_id), 0)"
	    " FROM counters";
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	return ipp_store_first_int(s, st, id, "cannot read counters", errp);
}

static int
store_docs(struct ipp_store *s, const struct ipp_counter_request *q,
    struct ipp_doc **docs, char **errp)
{
	size_t i;
	int rc;

	*docs = NULL;
	if (q->nevidence == 0)
		return IPP_OK;
	if ((*docs = calloc(q->nevidence, sizeof(**docs))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	for (i = 0; i < q->nevidence; i++)
		if ((rc = ipp_doc_store(s, q->evidence[i], &(*docs)[i],
		    errp)) != IPP_OK)
			return ipp_error_prefix(errp, rc, "evidence");
	return IPP_OK;
}

static int
need_handler(const struct ipp_auth *who, const char *what, char **errp)
{
	if (who->role != IPP_ROLE_HANDLER)
		return ipp_error(errp, IPP_EAUTH, "only a case handler may %s "
		    "(rule N0)", what);
	return IPP_OK;
}

int
ipp_counter_file(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_counter_request *q, struct ipp_counter_filed *out,
    char **errp)
{
	char now[IPP_TIME_LEN + 1];
	struct ipp_doc *docs = NULL;
	int64_t now_t, first;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = need_handler(who, "record a counter-notice", errp)) ||
	    (rc = ipp_counter_check(q, errp)) ||
	    (rc = ipp_clock_now(&now_t, errp)) ||
	    (rc = store_docs(s, q, &docs, errp)))
		goto done;
	ipp_clock_format(now_t, now);
	if ((rc = ipp_store_begin(s, errp)) != IPP_OK)
		goto done;
	if ((rc = last_counter(s, &first, errp)) == IPP_OK &&
	    (rc = file_in(s, who, q, docs, now_t, now, out, errp)) == IPP_OK)
		rc = tell_accounts(s, first, errp);
	rc = ipp_store_end(s, rc, errp);
done:
	free(docs);
	return rc;
}

/* ---- import ---- */

enum { C_URL, C_SELLER, C_NAME, C_EMAIL, C_GROUNDS, C_FILED, C_EVIDENCE,
	NCOLS };
static const char *const import_names[NCOLS] = { "url_id", "seller",
	"name", "email", "grounds", "filed_at", "evidence" };
static const int import_required[NCOLS] = { 1, 1, 1, 0, 1, 0, 0 };

/* One row read, its fields copied. */
struct row {
	unsigned long		 line;
	char			*field[NCOLS];
	char			**paths;	/* evidence, resolved */
	size_t			 npaths;
	struct ipp_doc		*docs;
	struct ipp_counter_request q;
	char			*refusal;	/* why, or NULL */
};

static void
row_free(struct row *r)
{
	size_t i;

	for (i = 0; i < NCOLS; i++)
		free(r->field[i]);
	for (i = 0; i < r->npaths; i++)
		free(r->paths[i]);
	free(r->paths);
	free(r->docs);
	free(r->refusal);
}

static int
row_paths(struct row *r, const char *basedir, char **errp)
{
	const char *p, *end, *list = r->field[C_EVIDENCE];
	char **grown, *path;
	size_t len;

	for (p = list; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ";");
		while (p < end && *p == ' ')
			p++;
		for (len = (size_t)(end - p); len > 0 && p[len - 1] == ' '; len--)
			;
		if (len == 0)
			continue;
		path = *p == '/' ? strndup(p, len) : ipp_strdup_printf("%s/%.*s",
		    basedir, (int)len, p);
		if (path == NULL || (grown = realloc(r->paths, (r->npaths + 1) *
		    sizeof(*grown))) == NULL) {
			free(path);
			return ipp_error(errp, IPP_ESYS, "out of memory");
		}
		r->paths = grown;
		r->paths[r->npaths++] = path;
	}
	return IPP_OK;
}

/* Reads the rows, checks their fields and stores their evidence. */
static int
read_rows(struct ipp_store *s, FILE *fp, const char *name,
    const char *basedir, struct row **rowsp, size_t *np, char **errp)
{
	struct ipp_records *rec;
	struct row *rows = NULL, *grown, *r;
	int col[NCOLS], rc, i;
	size_t n = 0, k;

	*rowsp = NULL;
	*np = 0;
	if ((rc = ipp_records_open(&rec, fp, name, errp)) != IPP_OK)
		return rc;
	for (i = 0; i < NCOLS; i++) {
		col[i] = ipp_records_column(rec, import_names[i]);
		if (col[i] < 0 && import_required[i]) {
			rc = ipp_error(errp, IPP_EINPUT, "%s:%lu: missing "
			    "column '%s'", ipp_records_name(rec),
			    ipp_records_line(rec), import_names[i]);
			ipp_records_close(rec);
			return rc;
		}
	}
	while ((rc = ipp_records_next(rec, errp)) == 1) {
		if ((grown = realloc(rows, (n + 1) * sizeof(*rows))) == NULL) {
			rc = ipp_error(errp, IPP_ESYS, "out of memory");
			break;
		}
		rows = grown;
		r = &rows[n++];
		memset(r, 0, sizeof(*r));
		r->line = ipp_records_line(rec);
		for (i = 0; i < NCOLS; i++) {
			const char *v = col[i] >= 0 ?
			    ipp_records_field(rec, (size_t)col[i]) : NULL;

			if (v != NULL && *v != '\0' &&
			    (r->field[i] = strdup(v)) == NULL) {
				rc = ipp_error(errp, IPP_ESYS, "out of memory");
				break;
			}
		}
		if (rc < 0)
			break;
	}
	ipp_records_close(rec);
	if (rc < 0) {
		for (k = 0; k < n; k++)
			row_free(&rows[k]);
		free(rows);
		return rc;
	}
	for (k = 0; k < n; k++) {
		r = &rows[k];
		r->q.seller = r->field[C_SELLER];
		r->q.name = r->field[C_NAME];
		r->q.email = r->field[C_EMAIL];
		r->q.grounds = r->field[C_GROUNDS];
		r->q.filed_at = r->field[C_FILED];
		if ((rc = row_paths(r, basedir, errp)) != IPP_OK)
			break;
		r->q.evidence = (const char *const *)r->paths;
		r->q.nevidence = r->npaths;
		if (ipp_cli_parse_id(r->field[C_URL], &r->q.url_id))
			r->refusal = ipp_strdup_printf("url_id is not an id: "
			    "'%s'", r->field[C_URL] ? r->field[C_URL] : "");
		else if (ipp_counter_check(&r->q, &r->refusal) == IPP_OK)
			store_docs(s, &r->q, &r->docs, &r->refusal);
		rc = IPP_OK;
	}
	*rowsp = rows;
	*np = n;
	return rc;
}

int
ipp_counter_import(struct ipp_store *s, const struct ipp_auth *who,
    FILE *fp, const char *name, const char *basedir, int partial,
    ipp_counter_refusal_fn *on_refusal, ipp_counter_filed_fn *on_filed,
    void *arg, struct ipp_counter_import_result *res, char **errp)
{
	static const char savepoint_sql[] = "SAVEPOINT ipp_counter";
	static const char release_sql[] = "RELEASE ipp_counter";
	static const char undo_sql[] = "ROLLBACK TO ipp_counter";
	struct ipp_counter_filed *filed = NULL;
	struct row *rows = NULL;
	char now[IPP_TIME_LEN + 1];
	const char *label = name != NULL && strcmp(name, "-") ? name :
	    "<stdin>";
	int64_t now_t, first;
	size_t n = 0, i;
	int rc, rc2;

	memset(res, 0, sizeof(*res));
	if ((rc = need_handler(who, "import counter-notices", errp)) ||
	    (rc = ipp_clock_now(&now_t, errp)))
		return rc;
	ipp_clock_format(now_t, now);
	if ((rc = read_rows(s, fp, name, basedir, &rows, &n, errp)) != IPP_OK)
		goto done;
	res->rows = (long)n;
	if ((filed = calloc(n + 1, sizeof(*filed))) == NULL) {
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
		goto done;
	}
	/*
	 * Each row's savepoint journal in memory: a row touches a few dozen
	 * pages, and in a temporary file that was 19 writes a row.
	 */
	if ((rc = ipp_store_exec(s, "PRAGMA temp_store = MEMORY",
	    errp)) != IPP_OK || (rc = ipp_store_begin(s, errp)) != IPP_OK)
		goto done;
	if ((rc = last_counter(s, &first, errp)) != IPP_OK)
		goto abort;
	for (i = 0; i < n; i++) {
		struct row *r = &rows[i];

		if (r->refusal == NULL) {
			if ((rc = ipp_store_run(s, savepoint_sql, "cannot start "
			    "a savepoint", errp, "")) != IPP_OK)
				goto abort;
			rc = file_in(s, who, &r->q, r->docs, now_t, now,
			    &filed[res->filed], &r->refusal);
			if (rc != IPP_OK && rc != IPP_EREFUSED &&
			    rc != IPP_ENOTFOUND && rc != IPP_EUSAGE) {
				free(*errp);
				*errp = r->refusal;
				r->refusal = NULL;
				goto abort;
			}
			rc2 = ipp_store_run(s, rc == IPP_OK ? release_sql :
			    undo_sql, "cannot end a savepoint", errp, "");
			if (rc2 == IPP_OK && rc != IPP_OK)
				rc2 = ipp_store_run(s, release_sql, "cannot "
				    "end a savepoint", errp, "");
			if (rc2 != IPP_OK) {
				rc = rc2;
				goto abort;
			}
			if (rc == IPP_OK)
				res->filed++;
		}
		if (r->refusal != NULL) {
			res->refused++;
			if (on_refusal != NULL)
				on_refusal(arg, label, r->line, r->refusal);
		}
	}
	if (res->refused > 0 && !partial) {
		rc = ipp_error(errp, IPP_EREFUSED, "%s: %ld of %ld rows "
		    "refused: nothing recorded (--partial records the rest)",
		    label, res->refused, res->rows);
		res->filed = 0;
		goto abort;
	}
	if ((rc = tell_accounts(s, first, errp)) != IPP_OK ||
	    (rc = ipp_store_commit(s, errp)) != IPP_OK) {
		res->filed = 0;
		goto abort;
	}
	for (i = 0; on_filed != NULL && i < (size_t)res->filed; i++)
		if ((rc = on_filed(arg, &filed[i], errp)) != IPP_OK)
			break;
	if (rc == IPP_OK && res->refused > 0)
		rc = ipp_error(errp, IPP_EREFUSED, "%s: %ld of %ld rows "
		    "refused; the rest recorded (--partial)", label,
		    res->refused, res->rows);
	goto done;
abort:
	ipp_store_rollback(s);
	res->filed = 0;
done:
	ipp_store_exec(s, "PRAGMA temp_store = DEFAULT", NULL);
	for (i = 0; i < n; i++)
		row_free(&rows[i]);
	free(rows);
	free(filed);
	return rc;
}

/* ---- answers and rulings ---- */

struct ipp_counter_batch {
	struct ipp_store	*s;
	const struct ipp_auth	*who;
	enum ipp_counter_act	 act;
	char			 now[IPP_TIME_LEN + 1];
};

int
ipp_counter_open(struct ipp_store *s, const struct ipp_auth *who,
    enum ipp_counter_act act, struct ipp_counter_batch **bp, char **errp)
{
	struct ipp_counter_batch *b;
	int account_act = act == IPP_COUNTER_REJECT ||
	    act == IPP_COUNTER_CONCEDE;
	int rc;

	*bp = NULL;
	if (account_act && who->role == IPP_ROLE_HANDLER)
		return ipp_error(errp, IPP_EAUTH, "a case handler may not "
		    "answer a counter-notice in the account's place (rule N2)");
	if (!account_act && who->role != IPP_ROLE_HANDLER)
		return ipp_error(errp, IPP_EAUTH, "only a case handler may "
		    "rule on a rejected counter-notice (rule N2)");
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	b->s = s;
	b->who = who;
	b->act = act;
	if ((rc = ipp_clock_now_text(b->now, errp)) != IPP_OK ||
	    (rc = ipp_store_begin(s, errp)) != IPP_OK) {
		free(b);
		return rc;
	}
	/* An answer after its window finds the URL restored (N1). */
	if ((rc = ipp_tick_apply(s, b->now, NULL, errp)) != IPP_OK) {
		ipp_counter_abort(b);
		return rc;
	}
	*bp = b;
	return IPP_OK;
}

int
ipp_counter_apply(struct ipp_counter_batch *b, int64_t url_id,
    const char *reason, struct ipp_counter_result *r, char **errp)
{
	static const char sql[] = "SELECT complaint_id, account_id, state"
	    " FROM complaint_urls WHERE url_id = ?";
	static const char savepoint_sql[] = "SAVEPOINT ipp_answer";
	static const char release_sql[] = "RELEASE ipp_answer";
	static const char undo_sql[] = "ROLLBACK TO ipp_answer";
	struct ipp_move m;
	struct ipp_stmt *st;
	int64_t account = 0;
	int rc, rc2;

	memset(r, 0, sizeof(*r));
	if ((rc = ipp_store_stmt(b->s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, url_id);
	if ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		r->complaint_id = ipp_stmt_int(st, 0);
		account = ipp_stmt_int(st, 1);
		snprintf(r->state, sizeof(r->state), "%s",
		    ipp_stmt_text(st, 2));
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_ROW && rc != IPP_STMT_DONE)
		return ipp_store_fail(b->s, errp, "cannot read a URL");
	if (rc == IPP_STMT_DONE || (b->who->role != IPP_ROLE_HANDLER &&
	    account != b->who->account_id)) {
		memset(r, 0, sizeof(*r));
		return ipp_error(errp, IPP_ENOTFOUND, "no URL %lld among your "
		    "complaints (rule N2)", (long long)url_id);
	}
	if (reason != NULL && *reason == '\0')
		reason = NULL;
	if (reason == NULL && b->act != IPP_COUNTER_CONCEDE)
		return ipp_error(errp, IPP_EREFUSED, "URL %lld: %s needs a "
		    "reason (--reason, or a reason column; rule N2)",
		    (long long)url_id, b->act == IPP_COUNTER_REJECT ?
		    "rejecting a counter-notice" : "a ruling");
	memset(&m, 0, sizeof(m));
	m.url_id = url_id;
	m.actor_id = b->who->account_id;
	m.reason = reason;
	m.at = b->now;
	switch (b->act) {
	case IPP_COUNTER_REJECT:
		m.from = "countered";
		m.to = "counter-rejected";
		break;
	case IPP_COUNTER_CONCEDE:
		m.from = "countered";
		m.to = "restored";
		break;
	case IPP_COUNTER_TAKEDOWN:
		m.from = "counter-rejected";
		m.to = "removed";
		break;
	case IPP_COUNTER_UPHOLD:
		m.from = "counter-rejected";
		m.to = "restored";
		break;
	}
	if ((rc = ipp_store_run(b->s, savepoint_sql, "cannot start a "
	    "savepoint", errp, "")) != IPP_OK)
		return rc;
	rc = ipp_move_apply(b->s, &m, errp);
	if (rc == IPP_OK)
		return ipp_store_run(b->s, release_sql, "cannot release a "
		    "savepoint", errp, "") != IPP_OK ? IPP_ESTORE :
		    (snprintf(r->state, sizeof(r->state), "%s", m.to), IPP_OK);
	if ((rc2 = ipp_store_run(b->s, undo_sql, "cannot roll back a URL",
	    NULL, "")) != IPP_OK || (rc2 = ipp_store_run(b->s, release_sql,
	    "cannot release a savepoint", NULL, "")) != IPP_OK)
		return rc2;
	return rc;
}

int
ipp_counter_close(struct ipp_counter_batch *b, char **errp)
{
	int rc = ipp_store_commit(b->s, errp);

	free(b);
	return rc;
}

void
ipp_counter_abort(struct ipp_counter_batch *b)
{
	if (b == NULL)
		return;
	ipp_store_rollback(b->s);
	free(b);
}

/* ---- reports ---- */

int
ipp_counter_list(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_counter_filter *f, struct ipp_tsv_writer *w,
    long *count, char **errp)
{
	static const char sql[] = "SELECT u.url_id, u.complaint_id,"
	    " u.account_id, c.platform, c.region, u.canonical_url,"
	    " m.seller_id, m.name, m.email, k.grounds, k.filed_at,"
	    " k.answer_due_at, u.state FROM counters k"
	    " JOIN complaint_urls u ON u.url_id = k.url_id"
	    " JOIN complaints c ON c.complaint_id = u.complaint_id"
	    " JOIN merchants m ON m.merchant_id = k.merchant_id"
	    " WHERE (?1 IS NULL OR u.account_id = ?1)"
	    " AND (?2 IS NULL OR u.state = ?2)"
	    " AND (?3 IS NULL OR k.answer_due_at < ?3)"
	    " ORDER BY u.url_id";
	char due[IPP_TIME_LEN + 1];
	struct ipp_stmt *st;
	int64_t t;
	int rc;

	*count = 0;
	if (f->state != NULL && !ipp_move_state_valid(f->state))
		return ipp_error(errp, IPP_EUSAGE, "no URL state '%s'",
		    f->state);
	if (f->due_before != NULL && ipp_clock_parse(f->due_before, &t) != 0)
		return ipp_error(errp, IPP_EUSAGE, "--due-before '%s': not a "
		    "time YYYY-MM-DDTHH:MM:SSZ or date", f->due_before);
	if ((rc = ipp_tick_due(s, errp)) != IPP_OK ||
	    (rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	if (who->role != IPP_ROLE_HANDLER)
		ipp_stmt_bind_int(st, 1, who->account_id);
	ipp_stmt_bind_text(st, 2, f->state);
	if (f->due_before != NULL) {
		ipp_clock_format(t, due);
		ipp_stmt_bind_text(st, 3, due);
	}
	return ipp_store_write_matches(s, st, w, count, errp);
}

int
ipp_counter_notice(struct ipp_store *s, const struct ipp_auth *who,
    int64_t url_id, struct ipp_tsv_writer *w, char **errp)
{
	static const char sql[] = "SELECT u.url_id, u.complaint_id,"
	    " c.platform, c.region, u.url, u.canonical_url, a.owner_name,"
	    " a.contact_email, i.type, i.name, i.number, i.registrant,"
	    " i.jurisdiction, i.expires, c.reason, r.label, c.supplement,"
	    " c.created_at FROM complaint_urls u"
	    " JOIN complaints c ON c.complaint_id = u.complaint_id"
	    " JOIN accounts a ON a.account_id = c.account_id"
	    " JOIN iprs i ON i.ipr_id = c.ipr_id"
	    " LEFT JOIN reasons r ON r.code = c.reason"
	    " WHERE u.url_id = ?1 AND (?2 IS NULL OR u.account_id = ?2)";
	static const char *const names[] = { "url_id", "complaint_id",
		"platform", "region", "url", "canonical_url", "owner_name",
		"contact_email", "ipr_type", "ipr_name", "ipr_number",
		"ipr_registrant", "ipr_jurisdiction", "ipr_expires", "reason",
		"reason_label", "supplement", "complained_at" };
	struct ipp_stmt *st;
	size_t i;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, url_id);
	if (who->role != IPP_ROLE_HANDLER)
		ipp_stmt_bind_int(st, 2, who->account_id);
	if ((rc = ipp_stmt_step(st)) != IPP_STMT_ROW) {
		ipp_stmt_reset(st);
		return rc == IPP_STMT_DONE ? ipp_error(errp, IPP_ENOTFOUND,
		    "no URL %lld", (long long)url_id) :
		    ipp_store_fail(s, errp, "cannot read a URL");
	}
	rc = IPP_OK;
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && rc == IPP_OK;
	    i++) {
		const char *row[] = { names[i],
			ipp_stmt_text(st, (int)i) };
		rc = ipp_tsv_write_row(w, row, errp);
	}
	ipp_stmt_reset(st);
	return rc;
}
