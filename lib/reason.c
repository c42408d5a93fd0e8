#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "reason.h"
#include "banned.h"

const char *const ipp_reason_columns[] = {
	"code", "ipr_type", "target", "label", "description", "priority",
	"kind",
};
const size_t ipp_reason_ncolumns =
    sizeof(ipp_reason_columns) / sizeof(ipp_reason_columns[0]);

/* The columns a catalog file must have; kind may be absent. */
#define NREQUIRED 6
#define NFIELDS 7
enum { F_CODE, F_TYPE, F_TARGET, F_LABEL, F_DESCRIPTION, F_PRIORITY,
	F_KIND };

#define REASON_SELECT "SELECT code, ipr_type, target, label, description," \
	" priority, kind FROM reasons"

int
ipp_reason_get(struct ipp_store *s, const char *code, struct ipp_reason *r,
    char **errp)
{
	static const char sql[] = "SELECT code, ipr_type, target, priority,"
	    " COALESCE(kind, '') FROM reasons WHERE code = ?";
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_static(st, 1, code);
	if ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		snprintf(r->code, sizeof(r->code), "%s",
		    ipp_stmt_text(st, 0));
		snprintf(r->ipr_type, sizeof(r->ipr_type), "%s",
		    ipp_stmt_text(st, 1));
		snprintf(r->target, sizeof(r->target), "%s",
		    ipp_stmt_text(st, 2));
		snprintf(r->priority, sizeof(r->priority), "%s",
		    ipp_stmt_text(st, 3));
		snprintf(r->kind, sizeof(r->kind), "%s",
		    ipp_stmt_text(st, 4));
	}
	ipp_stmt_reset(st);
	if (rc == IPP_STMT_ROW)
		return IPP_OK;
	if (rc != IPP_STMT_DONE)
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
	struct ipp_stmt *st;
	long n;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_text(st, 1, ipr_type);
	ipp_stmt_bind_text(st, 2, target);
	return ipp_store_write_rows(s, st, w, &n, errp);
}

/* One catalog row, checked. */
struct row {
	char		*field[NFIELDS];	/* in ipp_reason_columns order */
	unsigned long	 line;			/* where it was read */
};

/* A catalog read whole, and its rows by code. */
struct catalog {
	const char	*name;		/* the file, for messages */
	struct row	*rows;		/* file order */
	size_t		 n;
	struct row	**by_code;	/* sorted by code, then line */
};

static void
catalog_free(struct catalog *cat)
{
	size_t i, k;

	for (i = 0; i < cat->n; i++)
		for (k = 0; k < NFIELDS; k++)
			free(cat->rows[i].field[k]);
	free(cat->rows);
	free(cat->by_code);
	memset(cat, 0, sizeof(*cat));
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
check_row(const char *name, const struct row *r, char **errp)
{
	unsigned long line = r->line;
	const char *p, *kind = r->field[F_KIND];

	for (p = r->field[F_CODE]; p != NULL && *p != '\0'; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '-')
			break;
	if (r->field[F_CODE] == NULL || *r->field[F_CODE] == '\0' ||
	    *p != '\0')
		return ipp_error(errp, IPP_EINPUT, "%s:%lu: code: '%s' is not "
		    "[a-z0-9-]+ (rule C4)", name, line,
		    r->field[F_CODE] ? r->field[F_CODE] : "\\N");
	if (!one_of(r->field[F_TYPE], "trademark", "copyright", "patent",
	    "other"))
		return ipp_error(errp, IPP_EINPUT, "%s:%lu: ipr_type: not "
		    "trademark, copyright, patent or other (rule C4)", name,
		    line);
	if (!one_of(r->field[F_TARGET], "listing", "storefront", NULL, NULL))
		return ipp_error(errp, IPP_EINPUT, "%s:%lu: target: not listing "
		    "or storefront (rule C4)", name, line);
	if (r->field[F_LABEL] == NULL || *r->field[F_LABEL] == '\0')
		return ipp_error(errp, IPP_EINPUT, "%s:%lu: label: empty "
		    "(rule C4)", name, line);
	if (!one_of(r->field[F_PRIORITY], "high", "normal", NULL, NULL))
		return ipp_error(errp, IPP_EINPUT, "%s:%lu: priority: not high "
		    "or normal (rule C4)", name, line);
	if (strcmp(r->field[F_TYPE], "patent") == 0 && !one_of(kind,
	    "invention", "utility-model", "design", NULL))
		return ipp_error(errp, IPP_EINPUT, "%s:%lu: kind: a patent code "
		    "is for an invention, utility-model or design patent, not "
		    "'%s' (rules C4, I5)", name, line, kind ? kind : "");
	if (strcmp(r->field[F_TYPE], "patent") != 0 && kind != NULL &&
	    *kind != '\0')
		return ipp_error(errp, IPP_EINPUT, "%s:%lu: kind: only a patent "
		    "code has a kind, and this one is for %s (rule C4)", name,
		    line, r->field[F_TYPE]);
	return IPP_OK;
}

static int
compare_code(const void *a, const void *b)
{
	const struct row *x = *(const struct row *const *)a;
	const struct row *y = *(const struct row *const *)b;
	int c = strcmp(x->field[F_CODE], y->field[F_CODE]);

	return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

/* Sorts the rows by code; a code twice is refused with both lines. */
static int
index_codes(struct catalog *cat, char **errp)
{
	const struct row *dup = NULL, *first = NULL;
	size_t i;

	if ((cat->by_code = calloc(cat->n, sizeof(*cat->by_code))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	for (i = 0; i < cat->n; i++)
		cat->by_code[i] = &cat->rows[i];
	qsort(cat->by_code, cat->n, sizeof(*cat->by_code), compare_code);
	/* Of all the codes given twice, the one whose repeat comes first. */
	for (i = 1; i < cat->n; i++)
		if (strcmp(cat->by_code[i - 1]->field[F_CODE],
		    cat->by_code[i]->field[F_CODE]) == 0 &&
		    (dup == NULL || cat->by_code[i]->line < dup->line)) {
			dup = cat->by_code[i];
			first = cat->by_code[i - 1];
		}
	if (dup != NULL)
		return ipp_error(errp, IPP_EINPUT, "%s:%lu: code: '%s' is on "
		    "line %lu already: a code appears once (rule C4)",
		    cat->name, dup->line, dup->field[F_CODE], first->line);
	return IPP_OK;
}

static int
compare_code_only(const void *a, const void *b)
{
	return strcmp((*(const struct row *const *)a)->field[F_CODE],
	    (*(const struct row *const *)b)->field[F_CODE]);
}

/* The catalog's row for code, or NULL (codes are unique by now). */
static const struct row *
find_code(const struct catalog *cat, const char *code)
{
	struct row key, *kp = &key, **found;

	memset(&key, 0, sizeof(key));
	key.field[F_CODE] = (char *)code;
	found = bsearch(&kp, cat->by_code, cat->n, sizeof(*cat->by_code),
	    compare_code_only);
	return found != NULL ? *found : NULL;
}

static int
read_catalog(FILE *fp, const char *name, struct catalog *cat, char **errp)
{
	struct ipp_tsv_reader *r;
	struct row *grown;
	size_t cap = 0, k;
	int col[NFIELDS], rc;
	const char *v;

	memset(cat, 0, sizeof(*cat));
	cat->name = name;
	if ((rc = ipp_tsv_reader_open(&r, fp, name, errp)) != IPP_OK)
		return rc;
	for (k = 0; k < NREQUIRED && rc == IPP_OK; k++)
		rc = ipp_tsv_require(r, ipp_reason_columns[k], &col[k], errp);
	col[F_KIND] = ipp_tsv_column(r, "kind");
	while (rc == IPP_OK && (rc = ipp_tsv_next(r, errp)) == 1) {
		if (cat->n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((grown = realloc(cat->rows, cap *
			    sizeof(*grown))) == NULL) {
				rc = ipp_error(errp, IPP_ESYS, "out of memory");
				break;
			}
			cat->rows = grown;
		}
		memset(&cat->rows[cat->n], 0, sizeof(cat->rows[cat->n]));
		cat->rows[cat->n].line = ipp_tsv_line(r);
		rc = IPP_OK;
		for (k = 0; k < NFIELDS; k++)
			if (col[k] >= 0 && (v = ipp_tsv_field(r,
			    (size_t)col[k])) != NULL &&
			    (cat->rows[cat->n].field[k] = strdup(v)) == NULL)
				rc = ipp_error(errp, IPP_ESYS, "out of memory");
		cat->n++;
		if (rc == IPP_OK)
			rc = check_row(name, &cat->rows[cat->n - 1], errp);
	}
	if (rc == 0 && cat->n == 0)
		rc = ipp_error(errp, IPP_EINPUT, "%s: an empty catalog (rule C4)",
		    name);
	ipp_tsv_reader_close(r);
	if (rc == 0)
		rc = index_codes(cat, errp);
	if (rc < 0) {
		catalog_free(cat);
		return rc;
	}
	return IPP_OK;
}

/* "complaint 5", "3 complaints from 5 on". */
static char *
uses(int64_t n, int64_t first, const char *one, const char *many)
{
	return n == 1 ? ipp_strdup_printf("%s %lld", one, (long long)first) :
	    ipp_strdup_printf("%lld %s from %lld on", (long long)n, many,
	    (long long)first);
}

/* The fields of an in-use code that stay, and their column in check_in_use. */
static const struct {
	int	 field;		/* in struct row */
	int	 column;	/* of check_in_use's statement */
} fixed[] = {
	{ F_TYPE, 1 }, { F_TARGET, 2 }, { F_PRIORITY, 3 }, { F_KIND, 4 },
};
#define NFIXED (sizeof(fixed) / sizeof(fixed[0]))

/* Which fixed field the catalog's row r would change, or NFIXED. */
static size_t
changed_field(struct ipp_stmt *st, const struct row *r)
{
	const char *was, *now;
	size_t i;

	for (i = 0; i < NFIXED; i++) {
		was = ipp_stmt_text(st, fixed[i].column);
		now = r->field[fixed[i].field];
		/* A kind may be given to a code that had none (migration). */
		if (was == NULL && fixed[i].field == F_KIND)
			continue;
		if (now == NULL || strcmp(was, now) != 0)
			return i;
	}
	return NFIXED;
}

/*
 * C4, C8: a code that a complaint or a standalone notice uses stays in
 * the catalog, and only its label and description may change.
 */
static int
check_in_use(struct ipp_store *s, const struct catalog *cat, char **errp)
{
	static const char sql[] = "SELECT code, ipr_type, target, priority,"
	    " kind, (SELECT COUNT(*) FROM complaints c WHERE c.reason = r.code),"
	    " (SELECT MIN(complaint_id) FROM complaints c"
	    "  WHERE c.reason = r.code),"
	    " (SELECT COUNT(*) FROM notices n WHERE n.reason = r.code),"
	    " (SELECT MIN(notice_id) FROM notices n WHERE n.reason = r.code)"
	    " FROM reasons r ORDER BY code";
	const struct row *r;
	const char *code;
	char *by_c = NULL, *by_n = NULL;
	struct ipp_stmt *st;
	int64_t nc, nn;
	size_t f = NFIXED;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	while ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		code = ipp_stmt_text(st, 0);
		nc = ipp_stmt_int(st, 5);
		nn = ipp_stmt_int(st, 7);
		if (nc == 0 && nn == 0)
			continue;
		r = find_code(cat, code);
		if (r != NULL && (f = changed_field(st, r)) == NFIXED)
			continue;
		by_c = nc ? uses(nc, ipp_stmt_int(st, 6), "complaint",
		    "complaints") : strdup("");
		by_n = nn ? uses(nn, ipp_stmt_int(st, 8),
		    "standalone notice", "standalone notices") : strdup("");
		if (by_c == NULL || by_n == NULL)
			rc = ipp_error(errp, IPP_ESYS, "out of memory");
		else if (r == NULL)
			rc = ipp_error(errp, IPP_EREFUSED, "%s: reason code '%s' "
			    "is used by %s%s%s and must stay in the catalog "
			    "(rules C4, C8)", cat->name, code, by_c,
			    nc && nn ? " and " : "", by_n);
		else
			rc = ipp_error(errp, IPP_EREFUSED, "%s:%lu: reason code "
			    "'%s' is used by %s%s%s: its %s stays '%s', not "
			    "'%s'; only its label and description may change "
			    "(rules C4, C8)", cat->name, r->line, code, by_c,
			    nc && nn ? " and " : "", by_n,
			    ipp_reason_columns[fixed[f].field],
			    ipp_stmt_text(st,
			    fixed[f].column), r->field[fixed[f].field] ?
			    r->field[fixed[f].field] : "");
		free(by_c);
		free(by_n);
		ipp_stmt_reset(st);
		return rc;
	}
	ipp_stmt_reset(st);
	return rc == IPP_STMT_DONE ? IPP_OK :
	    ipp_store_fail(s, errp, "cannot read the reason catalog");
}

/*
 * Inside the caller's transaction: the catalog becomes rows.  The seed
 * of the migration that made the table has no kind column to fill yet.
 */
static int
replace(struct ipp_store *s, const struct catalog *cat, int with_kind,
    char **errp)
{
	static const char upsert_sql[] = "INSERT INTO reasons (code, ipr_type,"
	    " target, label, description, priority, kind)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)"
	    " ON CONFLICT (code) DO UPDATE SET ipr_type = excluded.ipr_type,"
	    " target = excluded.target, label = excluded.label,"
	    " description = excluded.description, priority = excluded.priority,"
	    " kind = excluded.kind";
	static const char seed_sql[] = "INSERT INTO reasons (code, ipr_type,"
	    " target, label, description, priority) VALUES (?, ?, ?, ?, ?, ?)";
	const struct row *r;
	size_t i;
	int rc;

	if ((rc = ipp_store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS"
	    " new_reasons (code TEXT PRIMARY KEY); DELETE FROM new_reasons",
	    errp)) != IPP_OK)
		return rc;
	for (i = 0; i < cat->n; i++) {
		r = &cat->rows[i];
		if ((rc = ipp_store_run(s, "INSERT INTO new_reasons VALUES (?)",
		    "cannot load the catalog", errp, "t", r->field[F_CODE])))
			return rc;
		if (with_kind)
			rc = ipp_store_run(s, upsert_sql, "cannot load the "
			    "catalog", errp, "ttttttt", r->field[F_CODE],
			    r->field[F_TYPE], r->field[F_TARGET],
			    r->field[F_LABEL], r->field[F_DESCRIPTION] ?
			    r->field[F_DESCRIPTION] : "", r->field[F_PRIORITY],
			    r->field[F_KIND] && *r->field[F_KIND] ?
			    r->field[F_KIND] : NULL);
		else
			rc = ipp_store_run(s, seed_sql, "cannot load the "
			    "catalog", errp, "tttttt", r->field[F_CODE],
			    r->field[F_TYPE], r->field[F_TARGET],
			    r->field[F_LABEL], r->field[F_DESCRIPTION] ?
			    r->field[F_DESCRIPTION] : "", r->field[F_PRIORITY]);
		if (rc != IPP_OK)
			return rc;
	}
	/* No code in use is left to delete: check_in_use saw to that. */
	return ipp_store_exec(s, "DELETE FROM reasons WHERE code NOT IN"
	    " (SELECT code FROM new_reasons); DROP TABLE new_reasons", errp);
}

int
ipp_reason_load(struct ipp_store *s, FILE *fp, const char *name, char **errp)
{
	struct catalog cat;
	int rc;

	if ((rc = read_catalog(fp, name, &cat, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_store_begin(s, errp)) == IPP_OK) {
		if ((rc = check_in_use(s, &cat, errp)) == IPP_OK &&
		    (rc = replace(s, &cat, 1, errp)) == IPP_OK)
			rc = ipp_store_commit(s, errp);
		else
			ipp_store_rollback(s);
	}
	catalog_free(&cat);
	return rc;
}

/* The shipped catalog, lib/reasons.tsv, read and checked. */
static int
read_shipped(struct catalog *cat, char **errp)
{
	FILE *fp;
	int rc;

	if ((fp = fmemopen((void *)ipp_reasons_tsv, strlen(ipp_reasons_tsv),
	    "r")) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	rc = read_catalog(fp, "reasons.tsv", cat, errp);
	fclose(fp);
	return rc;
}

int
ipp_reason_seed(struct ipp_store *s, char **errp)
{
	struct catalog cat;
	int rc;

	if ((rc = read_shipped(&cat, errp)) != IPP_OK)
		return rc;
	rc = replace(s, &cat, 0, errp);
	catalog_free(&cat);
	return rc;
}

int
ipp_reason_seed_kinds(struct ipp_store *s, char **errp)
{
	static const char sql[] = "UPDATE reasons SET kind = ? WHERE code = ?"
	    " AND ipr_type = 'patent' AND kind IS NULL";
	struct catalog cat;
	size_t i;
	int rc;

	if ((rc = read_shipped(&cat, errp)) != IPP_OK)
		return rc;
	for (i = 0; i < cat.n && rc == IPP_OK; i++)
		if (cat.rows[i].field[F_KIND] != NULL &&
		    *cat.rows[i].field[F_KIND] != '\0')
			rc = ipp_store_run(s, sql, "cannot set the patent kinds",
			    errp, "tt", cat.rows[i].field[F_KIND],
			    cat.rows[i].field[F_CODE]);
	catalog_free(&cat);
	return rc;
}
