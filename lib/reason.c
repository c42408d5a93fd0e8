#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "reason.h"
#include "banned.h"

const char *const ipp_reason_columns[] = {
	"code", "ipr_type", "target", "label", "description", "priority",
};
const size_t ipp_reason_ncolumns =
    sizeof(ipp_reason_columns) / sizeof(ipp_reason_columns[0]);

#define REASON_SELECT "SELECT code, ipr_type, target, label, description," \
	" priority FROM reasons"

int
ipp_reason_get(struct ipp_store *s, const char *code, struct ipp_reason *r,
    char **errp)
{
	static const char sql[] = "SELECT code, ipr_type, target, priority"
	    " FROM reasons WHERE code = ?";
	sqlite3_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(r->code, sizeof(r->code), "%s",
		    (const char *)sqlite3_column_text(st, 0));
		snprintf(r->ipr_type, sizeof(r->ipr_type), "%s",
		    (const char *)sqlite3_column_text(st, 1));
		snprintf(r->target, sizeof(r->target), "%s",
		    (const char *)sqlite3_column_text(st, 2));
		snprintf(r->priority, sizeof(r->priority), "%s",
		    (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return IPP_OK;
	if (rc != SQLITE_DONE)
		return ipp_store_fail(s, errp, "cannot read the reason catalog");
	return ipp_error(errp, IPP_EREFUSED, "no reason code '%s' in the "
	    "catalog: see 'ipp-complain reasons' (rule C4)", code);
}

int
ipp_reason_list(struct ipp_store *s, const char *ipr_type, const char *target,
    struct ipp_tsv_writer *w, char **errp)
{
	static const char sql[] = REASON_SELECT
	    " WHERE (?1 IS NULL OR ipr_type = ?1) AND (?2 IS NULL OR target = ?2)"
	    " ORDER BY ipr_type, target, code";
	sqlite3_stmt *st;
	long n;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_store_bind_text(st, 1, ipr_type);
	ipp_store_bind_text(st, 2, target);
	return ipp_store_write_rows(s, st, w, &n, errp);
}

/* One catalog row, checked. */
struct row {
	char	*field[6];	/* in ipp_reason_columns order */
};

static void
free_rows(struct row *rows, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++)
		for (k = 0; k < 6; k++)
			free(rows[i].field[k]);
	free(rows);
}

static int
one_of(const char *v, const char *a, const char *b, const char *c,
    const char *d)
{
	return v != NULL && (strcmp(v, a) == 0 || strcmp(v, b) == 0 ||
	    (c != NULL && strcmp(v, c) == 0) || (d != NULL &&
	    strcmp(v, d) == 0));
}

static int
check_row(const char *name, unsigned long line, const struct row *r,
    char **errp)
{
	const char *p;

	for (p = r->field[0]; p != NULL && *p != '\0'; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '-')
			break;
	if (r->field[0] == NULL || *r->field[0] == '\0' || *p != '\0')
		return ipp_error(errp, IPP_EINPUT, "%s:%lu: code: '%s' is not "
		    "[a-z0-9-]+ (rule C4)", name, line,
		    r->field[0] ? r->field[0] : "\\N");
	if (!one_of(r->field[1], "trademark", "copyright", "patent", "other"))
		return ipp_error(errp, IPP_EINPUT, "%s:%lu: ipr_type: not "
		    "trademark, copyright, patent or other (rule C4)", name,
		    line);
	if (!one_of(r->field[2], "listing", "storefront", NULL, NULL))
		return ipp_error(errp, IPP_EINPUT, "%s:%lu: target: not listing "
		    "or storefront (rule C4)", name, line);
	if (r->field[3] == NULL || *r->field[3] == '\0')
		return ipp_error(errp, IPP_EINPUT, "%s:%lu: label: empty "
		    "(rule C4)", name, line);
	if (!one_of(r->field[5], "high", "normal", NULL, NULL))
		return ipp_error(errp, IPP_EINPUT, "%s:%lu: priority: not high "
		    "or normal (rule C4)", name, line);
	return IPP_OK;
}

static int
read_rows(FILE *fp, const char *name, struct row **rowsp, size_t *np,
    char **errp)
{
	struct ipp_tsv_reader *r;
	struct row *rows = NULL, *grown;
	size_t n = 0, cap = 0, k;
	int col[6], rc;
	const char *v;

	*rowsp = NULL;
	*np = 0;
	if ((rc = ipp_tsv_reader_open(&r, fp, name, errp)) != IPP_OK)
		return rc;
	for (k = 0; k < 6 && rc == IPP_OK; k++)
		rc = ipp_tsv_require(r, ipp_reason_columns[k], &col[k], errp);
	while (rc == IPP_OK && (rc = ipp_tsv_next(r, errp)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((grown = realloc(rows, cap * sizeof(*rows))) == NULL) {
				rc = ipp_error(errp, IPP_ESYS, "out of memory");
				break;
			}
			rows = grown;
		}
		memset(&rows[n], 0, sizeof(rows[n]));
		for (k = 0; k < 6; k++)
			if ((v = ipp_tsv_field(r, (size_t)col[k])) != NULL)
				rows[n].field[k] = strdup(v);
		n++;
		rc = check_row(name, ipp_tsv_line(r), &rows[n - 1], errp);
	}
	if (rc == 0 && n == 0)
		rc = ipp_error(errp, IPP_EINPUT, "%s: an empty catalog (rule C4)",
		    name);
	ipp_tsv_reader_close(r);
	if (rc < 0) {
		free_rows(rows, n);
		return rc;
	}
	*rowsp = rows;
	*np = n;
	return IPP_OK;
}

/* Refuses a catalog that drops a code some complaint uses. */
static int
check_in_use(struct ipp_store *s, const struct row *rows, size_t n,
    char **errp)
{
	static const char sql[] = "SELECT DISTINCT reason FROM complaints"
	    " ORDER BY reason";
	sqlite3_stmt *st;
	const char *code;
	size_t i;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		code = (const char *)sqlite3_column_text(st, 0);
		for (i = 0; i < n && strcmp(rows[i].field[0], code) != 0; i++)
			;
		if (i == n) {
			rc = ipp_error(errp, IPP_EREFUSED, "reason code '%s' is "
			    "used by complaints and must stay in the catalog "
			    "(rules C4, C8)", code);
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? IPP_OK :
	    ipp_store_fail(s, errp, "cannot read complaints");
}

/* Inside the caller's transaction: the catalog becomes rows. */
static int
replace(struct ipp_store *s, const struct row *rows, size_t n, char **errp)
{
	static const char upsert_sql[] = "INSERT INTO reasons (code, ipr_type,"
	    " target, label, description, priority) VALUES (?, ?, ?, ?, ?, ?)"
	    " ON CONFLICT (code) DO UPDATE SET ipr_type = excluded.ipr_type,"
	    " target = excluded.target, label = excluded.label,"
	    " description = excluded.description, priority = excluded.priority";
	size_t i;
	int rc;

	if ((rc = check_in_use(s, rows, n, errp)) != IPP_OK ||
	    (rc = ipp_store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS"
	    " new_reasons (code TEXT PRIMARY KEY); DELETE FROM new_reasons",
	    errp)) != IPP_OK)
		return rc;
	for (i = 0; i < n; i++) {
		if ((rc = ipp_store_run(s, "INSERT OR IGNORE INTO new_reasons"
		    " VALUES (?)", "cannot load the catalog", errp, "t",
		    rows[i].field[0])) != IPP_OK ||
		    (rc = ipp_store_run(s, upsert_sql, "cannot load the catalog",
		    errp, "tttttt", rows[i].field[0], rows[i].field[1],
		    rows[i].field[2], rows[i].field[3],
		    rows[i].field[4] ? rows[i].field[4] : "",
		    rows[i].field[5])) != IPP_OK)
			return rc;
	}
	return ipp_store_exec(s, "DELETE FROM reasons WHERE code NOT IN"
	    " (SELECT code FROM new_reasons); DROP TABLE new_reasons", errp);
}

int
ipp_reason_load(struct ipp_store *s, FILE *fp, const char *name, char **errp)
{
	struct row *rows;
	size_t n;
	int rc;

	if ((rc = read_rows(fp, name, &rows, &n, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_store_begin(s, errp)) == IPP_OK) {
		if ((rc = replace(s, rows, n, errp)) == IPP_OK)
			rc = ipp_store_commit(s, errp);
		else
			ipp_store_rollback(s);
	}
	free_rows(rows, n);
	return rc;
}

int
ipp_reason_seed(struct ipp_store *s, char **errp)
{
	struct row *rows;
	size_t n;
	FILE *fp;
	int rc;

	if ((fp = fmemopen((void *)ipp_reasons_tsv, strlen(ipp_reasons_tsv),
	    "r")) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	rc = read_rows(fp, "reasons.tsv", &rows, &n, errp);
	fclose(fp);
	if (rc != IPP_OK)
		return rc;
	rc = replace(s, rows, n, errp);
	free_rows(rows, n);
	return rc;
}
