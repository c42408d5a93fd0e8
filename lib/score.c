#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "records.h"
#include "score.h"
#include "settings.h"
#include "banned.h"

const char *const ipp_score_columns[] = {
	"account_id", "window", "scope", "removed", "rejected", "restored",
	"withdrawn", "decided", "success_rate", "counters",
	"counters_succeeded", "counter_success_rate", "needed",
	"below_threshold",
};
const size_t ipp_score_ncolumns =
    sizeof(ipp_score_columns) / sizeof(ipp_score_columns[0]);

const char *const ipp_score_whatif_columns[] = {
	"account_id", "window", "case", "removed", "rejected", "restored",
	"withdrawn", "decided", "success_rate", "counters",
	"counters_succeeded", "counter_success_rate", "needed",
	"below_threshold",
};
const size_t ipp_score_whatif_ncolumns =
    sizeof(ipp_score_whatif_columns) / sizeof(ipp_score_whatif_columns[0]);

const char *const ipp_score_trend_columns[] = {
	"account_id", "week_ending", "removed", "rejected", "restored",
	"withdrawn", "decided", "success_rate", "counters",
	"counters_succeeded", "counter_success_rate", "needed",
	"below_threshold",
};
const size_t ipp_score_trend_ncolumns =
    sizeof(ipp_score_trend_columns) / sizeof(ipp_score_trend_columns[0]);

int
ipp_score_settings(struct ipp_store *s, struct ipp_score_settings *c,
    char **errp)
{
	long long v[5];
	int rc;

	if ((rc = ipp_settings_int(s, "score_success_min_pct", &v[0], errp)) ||
	    (rc = ipp_settings_int(s, "score_counter_max_pct", &v[1], errp)) ||
	    (rc = ipp_settings_int(s, "score_window_days", &v[2], errp)) ||
	    (rc = ipp_settings_int(s, "score_rejoin_days", &v[3], errp)) ||
	    (rc = ipp_settings_int(s, "score_min_volume", &v[4], errp)))
		return rc;
	c->success_min_pct = (long)v[0];
	c->counter_max_pct = (long)v[1];
	c->window_days = (long)v[2];
	c->rejoin_days = (long)v[3];
	c->min_volume = (long)v[4];
	return IPP_OK;
}

long
ipp_score_decided(const struct ipp_score_figures *f)
{
	return f->removed + f->rejected + f->restored + f->withdrawn;
}

long
ipp_score_tenths(long num, long den)
{
	if (den <= 0)
		return -1;
	return (long)((long long)num * 1000 / den);
}

int
ipp_score_success_ok(const struct ipp_score_figures *f,
    const struct ipp_score_settings *c)
{
	long decided = ipp_score_decided(f);

	return decided == 0 ||
	    (long long)f->removed * 100 >= (long long)c->success_min_pct *
	    decided;
}

int
ipp_score_counter_ok(const struct ipp_score_figures *f,
    const struct ipp_score_settings *c)
{
	return f->counters == 0 ||
	    (long long)f->counters_succeeded * 100 <
	    (long long)c->counter_max_pct * f->counters;
}

long
ipp_score_needed(long removed, long unsuccessful, long pct)
{
	long long num, den;

	if (pct <= 0)
		return 0;
	if (pct >= 100)
		return unsuccessful > 0 ? -1 : 0;
	num = (long long)pct * unsuccessful - (long long)(100 - pct) * removed;
	den = 100 - pct;
	if (num <= 0)
		return 0;
	return (long)((num + den - 1) / den);
}

const char *
ipp_score_rate_text(long tenths, char *buf)
{
	if (tenths < 0)
		return NULL;
	snprintf(buf, 24, "%ld.%ld", tenths / 10, tenths % 10);
	return buf;
}

int
ipp_score_since(const char *at, long window_days, char *buf, char **errp)
{
	int64_t t;

	if (at == NULL || ipp_clock_parse(at, &t) != 0)
		return ipp_error(errp, IPP_EUSAGE, "not a time: '%s' (use "
		    "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)", at ? at : "");
	ipp_clock_format(t - (int64_t)window_days * 86400, buf);
	return IPP_OK;
}

/* Adds count URLs in state to f. */
static void
add_state(struct ipp_score_figures *f, const char *state, long count)
{
	if (strcmp(state, "removed") == 0)
		f->removed += count;
	else if (strcmp(state, "rejected") == 0)
		f->rejected += count;
	else if (strcmp(state, "restored") == 0)
		f->restored += count;
	else if (strcmp(state, "withdrawn") == 0)
		f->withdrawn += count;
}

int
ipp_score_account(struct ipp_store *s, int64_t account_id,
    const char *since, const char *at, struct ipp_score_figures *f,
    char **errp)
{
	static const char urls_sql[] = "SELECT state, count(*)"
	    " FROM complaint_urls WHERE account_id = ?1"
	    " AND final_at >= ?2 AND final_at <= ?3 GROUP BY state";
	static const char counters_sql[] = "SELECT count(*),"
	    " COALESCE(sum(CASE WHEN state = 'restored' AND final_at <= ?3"
	    "  THEN 1 ELSE 0 END), 0)"
	    " FROM complaint_urls WHERE account_id = ?1"
	    " AND countered_at >= ?2 AND countered_at <= ?3";
	struct ipp_stmt *st;
	int rc;

	memset(f, 0, sizeof(*f));
	if (since == NULL)
		since = "";
	if ((rc = ipp_store_stmt(s, urls_sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, account_id);
	ipp_stmt_bind_static(st, 2, since);
	ipp_stmt_bind_static(st, 3, at);
	while ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW)
		add_state(f, ipp_stmt_text(st, 0),
		    (long)ipp_stmt_int(st, 1));
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, "cannot count the URLs");
	if ((rc = ipp_store_stmt(s, counters_sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, account_id);
	ipp_stmt_bind_static(st, 2, since);
	ipp_stmt_bind_static(st, 3, at);
	if ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		f->counters = (long)ipp_stmt_int(st, 0);
		f->counters_succeeded = (long)ipp_stmt_int(st, 1);
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_ROW)
		return ipp_store_fail(s, errp, "cannot count the counters");
	return IPP_OK;
}

int
ipp_score_whose(struct ipp_store *s, const struct ipp_auth *who,
    const char *account_arg, int all, int64_t *id, char **errp)
{
	static const char sql[] = "SELECT CASE role WHEN 'account' THEN 1"
	    " ELSE 2 END FROM accounts WHERE account_id = ?";
	struct ipp_stmt *st;
	long long n;
	int64_t kind;
	char *end;
	int rc;

	if (account_arg != NULL && all)
		return ipp_error(errp, IPP_EUSAGE, "--account and --all "
		    "exclude each other");
	if (who->role != IPP_ROLE_HANDLER) {
		if (all)
			return ipp_error(errp, IPP_EAUTH, "an account sees its "
			    "own figures only: --all is for case handlers");
		*id = who->account_id;
	} else if (all) {
		*id = 0;
		return IPP_OK;
	} else if (account_arg == NULL)
		return ipp_error(errp, IPP_EUSAGE, "a case handler names an "
		    "account (--account ID) or all of them (--all)");
	if (account_arg == NULL)
		return IPP_OK;
	n = strtoll(account_arg, &end, 10);
	if (*account_arg == '\0' || *end != '\0' || n <= 0)
		return ipp_error(errp, IPP_EUSAGE, "--account takes an account "
		    "id, not '%s'", account_arg);
	if (who->role != IPP_ROLE_HANDLER) {
		if (n != who->account_id)
			return ipp_error(errp, IPP_EAUTH, "an account sees its "
			    "own figures only, not those of account %lld", n);
		return IPP_OK;
	}
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, n);
	if ((rc = ipp_store_first_int(s, st, &kind, "cannot read accounts",
	    errp)) != IPP_OK)
		return rc;
	if (kind == 0)
		return ipp_error(errp, IPP_ENOTFOUND, "no account %lld", n);
	if (kind == 2)
		return ipp_error(errp, IPP_EREFUSED, "account %lld is a case "
		    "handler, which files no complaints and has no figures", n);
	*id = n;
	return IPP_OK;
}

/* Writes the figures of one row after its leading fields. */
static int
write_figures(struct ipp_tsv_writer *w, const char *const *lead,
    size_t nlead, const struct ipp_score_figures *f,
    const struct ipp_score_settings *c, char **errp)
{
	char num[8][24], rate[2][24];
	const char *row[16];
	long decided = ipp_score_decided(f), needed;
	size_t i, n = 0;

	for (i = 0; i < nlead; i++)
		row[n++] = lead[i];
	snprintf(num[0], sizeof(num[0]), "%ld", f->removed);
	snprintf(num[1], sizeof(num[1]), "%ld", f->rejected);
	snprintf(num[2], sizeof(num[2]), "%ld", f->restored);
	snprintf(num[3], sizeof(num[3]), "%ld", f->withdrawn);
	snprintf(num[4], sizeof(num[4]), "%ld", decided);
	snprintf(num[5], sizeof(num[5]), "%ld", f->counters);
	snprintf(num[6], sizeof(num[6]), "%ld", f->counters_succeeded);
	row[n++] = num[0];
	row[n++] = num[1];
	row[n++] = num[2];
	row[n++] = num[3];
	row[n++] = num[4];
	row[n++] = ipp_score_rate_text(ipp_score_tenths(f->removed, decided),
	    rate[0]);
	row[n++] = num[5];
	row[n++] = num[6];
	/* G2: no counters is 0 %. */
	row[n++] = ipp_score_rate_text(f->counters == 0 ? 0 :
	    ipp_score_tenths(f->counters_succeeded, f->counters), rate[1]);
	needed = ipp_score_needed(f->removed, decided - f->removed,
	    c->success_min_pct);
	snprintf(num[7], sizeof(num[7]), "%ld", needed);
	row[n++] = needed < 0 ? NULL : num[7];
	row[n++] = ipp_score_success_ok(f, c) && ipp_score_counter_ok(f, c) ?
	    "0" : "1";
	return ipp_tsv_write_row(w, row, errp);
}

#define scope ipp_score_scope

struct scopes {
	struct scope	*v;
	size_t		 n, cap;
};

static struct scope *
scope_get(struct scopes *a, const char *kind, const char *value)
{
	struct scope *sc;
	char name[160];
	size_t i;

	if (kind == NULL)
		snprintf(name, sizeof(name), "all");
	else
		snprintf(name, sizeof(name), "%s:%s", kind,
		    value ? value : "");
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].name, name) == 0)
			return &a->v[i];
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct scope *v = realloc(a->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		a->v = v;
		a->cap = cap;
	}
	sc = &a->v[a->n];
	memset(sc, 0, sizeof(*sc));
	if ((sc->name = strdup(name)) == NULL)
		return NULL;
	a->n++;
	return sc;
}

static void
scopes_clear(struct scopes *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->v[i].name);
	a->n = 0;
}

/* all first, then platform:, then reason:, each sorted. */
static int
scope_cmp(const void *x, const void *y)
{
	const struct scope *a = x, *b = y;
	int ka = strcmp(a->name, "all") == 0 ? 0 : a->name[0] == 'p' ? 1 : 2;
	int kb = strcmp(b->name, "all") == 0 ? 0 : b->name[0] == 'p' ? 1 : 2;

	return ka != kb ? ka - kb : strcmp(a->name, b->name);
}

/*
 * The per-account and the every-account forms of the two GROUP BYs that
 * the dashboard rests on: outcomes by final_at and counters by
 * countered_at, each through its partial index on (account_id, time).
 * tests/bench/score.sh runs these very statements in the sqlite3 shell.
 */
#define OUTCOMES_SELECT "SELECT u.account_id, c.platform, c.reason," \
	" u.state, u.final_at >= ?2, count(*) FROM complaint_urls u" \
	" JOIN complaints c ON c.complaint_id = u.complaint_id" \
	" WHERE u.final_at IS NOT NULL AND u.final_at <= ?3"
#define OUTCOMES_GROUP " GROUP BY u.account_id, c.platform, c.reason," \
	" u.state, 5 ORDER BY u.account_id"
#define COUNTERS_SELECT "SELECT u.account_id, c.platform, c.reason," \
	" u.state = 'restored' AND u.final_at <= ?3," \
	" u.countered_at >= ?2, count(*) FROM complaint_urls u" \
	" JOIN complaints c ON c.complaint_id = u.complaint_id" \
	" WHERE u.countered_at IS NOT NULL AND u.countered_at <= ?3"
#define COUNTERS_GROUP " GROUP BY u.account_id, c.platform, c.reason," \
	" 4, 5 ORDER BY u.account_id"

static const char outcomes_one_sql[] = OUTCOMES_SELECT
    " AND u.account_id = ?1" OUTCOMES_GROUP;
static const char outcomes_all_sql[] = OUTCOMES_SELECT OUTCOMES_GROUP;
static const char counters_one_sql[] = COUNTERS_SELECT
    " AND u.account_id = ?1" COUNTERS_GROUP;
static const char counters_all_sql[] = COUNTERS_SELECT COUNTERS_GROUP;

/* A statement's cursor: the current row, or done. */
struct cursor {
	struct ipp_stmt	*st;
	int		 rc;		/* IPP_STMT_ROW, IPP_STMT_DONE, error */
};

static void
cursor_next(struct cursor *k)
{
	k->rc = ipp_stmt_step(k->st);
}

/*
 * Takes the cursor's rows of account into a; counters says which of the
 * two queries it is.
 */
static int
take_rows(struct cursor *k, int64_t account, int counters, struct scopes *a)
{
	const char *platform, *reason, *state;
	struct scope *sc[3];
	long n;
	int inwin, flag, i;

	while (k->rc == IPP_STMT_ROW &&
	    ipp_stmt_int(k->st, 0) <= account) {
		if (ipp_stmt_int(k->st, 0) < account) {
			cursor_next(k);
			continue;
		}
		platform = ipp_stmt_text(k->st, 1);
		reason = ipp_stmt_text(k->st, 2);
		flag = counters ? (int)ipp_stmt_int(k->st, 3) : 0;
		state = counters ? "" :
		    ipp_stmt_text(k->st, 3);
		inwin = (int)ipp_stmt_int(k->st, 4);
		n = (long)ipp_stmt_int(k->st, 5);
		if ((sc[0] = scope_get(a, NULL, NULL)) == NULL ||
		    (sc[1] = scope_get(a, "platform", platform)) == NULL ||
		    (sc[2] = scope_get(a, "reason", reason)) == NULL)
			return IPP_ESYS;
		for (i = 0; i < 3; i++) {
			if (counters) {
				sc[i]->f[1].counters += n;
				sc[i]->f[1].counters_succeeded += flag ? n : 0;
				if (inwin) {
					sc[i]->f[0].counters += n;
					sc[i]->f[0].counters_succeeded +=
					    flag ? n : 0;
				}
			} else {
				add_state(&sc[i]->f[1], state, n);
				if (inwin)
					add_state(&sc[i]->f[0], state, n);
			}
		}
		cursor_next(k);
	}
	return IPP_OK;
}

static int
write_account(struct ipp_tsv_writer *w, int64_t account, struct scopes *a,
    const struct ipp_score_settings *c, long *count, char **errp)
{
	static const char *const windows[] = { "90d", "all" };
	char id[24], win[24];
	const char *lead[3];
	size_t i;
	int rc, k;

	if (scope_get(a, NULL, NULL) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	qsort(a->v, a->n, sizeof(a->v[0]), scope_cmp);
	snprintf(id, sizeof(id), "%lld", (long long)account);
	snprintf(win, sizeof(win), "%ldd", c->window_days);
	for (k = 0; k < 2; k++)
		for (i = 0; i < a->n; i++) {
			lead[0] = id;
			lead[1] = k == 0 ? win : windows[1];
			lead[2] = a->v[i].name;
			if ((rc = write_figures(w, lead, 3, &a->v[i].f[k], c,
			    errp)) != IPP_OK)
				return rc;
			(*count)++;
		}
	return IPP_OK;
}

int
ipp_score_show(struct ipp_store *s, int64_t account_id, const char *at,
    struct ipp_tsv_writer *w, long *count, char **errp)
{
	static const char accounts_sql[] = "SELECT account_id FROM accounts"
	    " WHERE role = 'account' AND (?1 IS NULL OR account_id = ?1)"
	    " ORDER BY account_id";
	struct ipp_score_settings c;
	struct cursor k[2];
	struct scopes a = { NULL, 0, 0 };
	struct ipp_stmt *acc;
	char since[IPP_TIME_LEN + 1];
	int64_t id;
	int rc, i;

	*count = 0;
	if ((rc = ipp_score_settings(s, &c, errp)) != IPP_OK ||
	    (rc = ipp_score_since(at, c.window_days, since, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_store_stmt(s, account_id ? outcomes_one_sql :
	    outcomes_all_sql, &k[0].st, errp)) != IPP_OK ||
	    (rc = ipp_store_stmt(s, account_id ? counters_one_sql :
	    counters_all_sql, &k[1].st, errp)) != IPP_OK ||
	    (rc = ipp_store_stmt(s, accounts_sql, &acc, errp)) != IPP_OK)
		return rc;
	for (i = 0; i < 2; i++) {
		if (account_id)
			ipp_stmt_bind_int(k[i].st, 1, account_id);
		ipp_stmt_bind_static(k[i].st, 2, since);
		ipp_stmt_bind_static(k[i].st, 3, at);
		cursor_next(&k[i]);
	}
	if (account_id)
		ipp_stmt_bind_int(acc, 1, account_id);
	while ((rc = ipp_stmt_step(acc)) == IPP_STMT_ROW) {
		id = ipp_stmt_int(acc, 0);
		scopes_clear(&a);
		if ((rc = take_rows(&k[0], id, 0, &a)) != IPP_OK ||
		    (rc = take_rows(&k[1], id, 1, &a)) != IPP_OK) {
			rc = ipp_error(errp, IPP_ESYS, "out of memory");
			break;
		}
		if (k[0].rc != IPP_STMT_ROW && k[0].rc != IPP_STMT_DONE)
			break;
		if (k[1].rc != IPP_STMT_ROW && k[1].rc != IPP_STMT_DONE)
			break;
		if ((rc = write_account(w, id, &a, &c, count, errp)) != IPP_OK)
			break;
	}
	if (rc == IPP_STMT_DONE || rc == IPP_STMT_ROW) {
		rc = IPP_OK;
		if ((k[0].rc != IPP_STMT_ROW && k[0].rc != IPP_STMT_DONE) ||
		    (k[1].rc != IPP_STMT_ROW && k[1].rc != IPP_STMT_DONE))
			rc = ipp_store_fail(s, errp, "cannot count the URLs");
	} else if (rc > 0)
		rc = ipp_store_fail(s, errp, "cannot read accounts");
	ipp_stmt_reset(acc);
	ipp_stmt_reset(k[0].st);
	ipp_stmt_reset(k[1].st);
	scopes_clear(&a);
	free(a.v);
	return rc;
}

int
ipp_score_whatif(struct ipp_store *s, int64_t account_id, const char *at,
    long rejected, struct ipp_tsv_writer *w, char **errp)
{
	struct ipp_score_settings c;
	struct ipp_score_figures f;
	char since[IPP_TIME_LEN + 1], id[24], win[24], label[40];
	const char *lead[3];
	int rc, k;

	if (rejected < 0)
		return ipp_error(errp, IPP_EUSAGE, "a batch of %ld URLs: the "
		    "number is 0 or more", rejected);
	if ((rc = ipp_score_settings(s, &c, errp)) != IPP_OK ||
	    (rc = ipp_score_since(at, c.window_days, since, errp)) != IPP_OK)
		return rc;
	snprintf(id, sizeof(id), "%lld", (long long)account_id);
	snprintf(win, sizeof(win), "%ldd", c.window_days);
	snprintf(label, sizeof(label), "rejected+%ld", rejected);
	for (k = 0; k < 2; k++) {
		if ((rc = ipp_score_account(s, account_id, k == 0 ? since :
		    NULL, at, &f, errp)) != IPP_OK)
			return rc;
		lead[0] = id;
		lead[1] = k == 0 ? win : "all";
		lead[2] = "today";
		if ((rc = write_figures(w, lead, 3, &f, &c, errp)) != IPP_OK)
			return rc;
		f.rejected += rejected;
		lead[2] = label;
		if ((rc = write_figures(w, lead, 3, &f, &c, errp)) != IPP_OK)
			return rc;
	}
	return IPP_OK;
}

int
ipp_score_count_urls(FILE *fp, const char *name, long *n, char **errp)
{
	struct ipp_records *r;
	const char *u;
	int rc, col;

	*n = 0;
	if ((rc = ipp_records_open(&r, fp, name, errp)) != IPP_OK)
		return rc;
	if ((col = ipp_records_column(r, "url")) < 0) {
		ipp_records_close(r);
		return ipp_error(errp, IPP_EINPUT, "%s: no url column (the "
		    "columns of ipp-complain import)", name);
	}
	while ((rc = ipp_records_next(r, errp)) == 1)
		if ((u = ipp_records_field(r, (size_t)col)) != NULL &&
		    *u != '\0')
			(*n)++;
	ipp_records_close(r);
	return rc < 0 ? rc : IPP_OK;
}

int
ipp_score_trend(struct ipp_store *s, int64_t account_id, const char *at,
    int weeks, struct ipp_tsv_writer *w, char **errp)
{
	struct ipp_score_settings c;
	struct ipp_score_figures f;
	char since[IPP_TIME_LEN + 1], point[IPP_TIME_LEN + 1], id[24];
	const char *lead[2];
	int64_t t;
	int rc, i;

	if (weeks < 1 || weeks > 520)
		return ipp_error(errp, IPP_EUSAGE, "--weeks takes 1 to 520, "
		    "not %d", weeks);
	if ((rc = ipp_score_settings(s, &c, errp)) != IPP_OK)
		return rc;
	if (ipp_clock_parse(at, &t) != 0)
		return ipp_score_since(at, 0, since, errp);
	snprintf(id, sizeof(id), "%lld", (long long)account_id);
	for (i = weeks - 1; i >= 0; i--) {
		ipp_clock_format(t - (int64_t)i * 7 * 86400, point);
		if ((rc = ipp_score_since(point, c.window_days, since,
		    errp)) != IPP_OK ||
		    (rc = ipp_score_account(s, account_id, since, point, &f,
		    errp)) != IPP_OK)
			return rc;
		lead[0] = id;
		lead[1] = point;
		if ((rc = write_figures(w, lead, 2, &f, &c, errp)) != IPP_OK)
			return rc;
	}
	return IPP_OK;
}

int
ipp_score_scopes(struct ipp_store *s, int64_t account_id, const char *at,
    struct ipp_score_scope **v, size_t *n, char **errp)
{
	struct ipp_score_settings c;
	struct cursor k[2];
	struct scopes a = { NULL, 0, 0 };
	char since[IPP_TIME_LEN + 1];
	int rc, i;

	*v = NULL;
	*n = 0;
	if ((rc = ipp_score_settings(s, &c, errp)) != IPP_OK ||
	    (rc = ipp_score_since(at, c.window_days, since, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_store_stmt(s, outcomes_one_sql, &k[0].st, errp)) !=
	    IPP_OK ||
	    (rc = ipp_store_stmt(s, counters_one_sql, &k[1].st, errp)) !=
	    IPP_OK)
		return rc;
	for (i = 0; i < 2; i++) {
		ipp_stmt_bind_int(k[i].st, 1, account_id);
		ipp_stmt_bind_static(k[i].st, 2, since);
		ipp_stmt_bind_static(k[i].st, 3, at);
		cursor_next(&k[i]);
	}
	if (scope_get(&a, NULL, NULL) == NULL ||
	    take_rows(&k[0], account_id, 0, &a) != IPP_OK ||
	    take_rows(&k[1], account_id, 1, &a) != IPP_OK)
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
	else if (k[0].rc != IPP_STMT_DONE || k[1].rc != IPP_STMT_DONE)
		rc = ipp_store_fail(s, errp, "cannot count the URLs");
	ipp_stmt_reset(k[0].st);
	ipp_stmt_reset(k[1].st);
	if (rc != IPP_OK) {
		ipp_score_scopes_free(a.v, a.n);
		return rc;
	}
	qsort(a.v, a.n, sizeof(a.v[0]), scope_cmp);
	*v = a.v;
	*n = a.n;
	return IPP_OK;
}

void
ipp_score_scopes_free(struct ipp_score_scope *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}
