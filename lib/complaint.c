#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "clock.h"
#include "complaint.h"
#include "doc.h"
#include "err.h"
#include "ipr.h"
#include "member.h"
#include "move.h"
#include "reason.h"
#include "settings.h"
#include "banned.h"


const char *const ipp_complaint_verdict_columns[] = {
	"url", "canonical_url", "platform", "target", "listing_id",
	"structure", "live", "verdict", "complaint_id",
};
const size_t ipp_complaint_verdict_ncolumns =
    sizeof(ipp_complaint_verdict_columns) /
    sizeof(ipp_complaint_verdict_columns[0]);

const char *const ipp_complaint_columns[] = {
	"complaint_id", "platform", "region", "ipr_id", "target", "reason",
	"state", "urls", "created_at", "priority", "due_at",
};
const size_t ipp_complaint_ncolumns =
    sizeof(ipp_complaint_columns) / sizeof(ipp_complaint_columns[0]);

const char *const ipp_complaint_url_columns[] = {
	"url_id", "complaint_id", "url", "canonical_url", "state",
	"updated_at",
};
const size_t ipp_complaint_url_ncolumns =
    sizeof(ipp_complaint_url_columns) /
    sizeof(ipp_complaint_url_columns[0]);

long
ipp_complaint_needed(long removed, long unsuccessful)
{
	long need = 9 * unsuccessful - removed;

	return need > 0 ? need : 0;
}

int
ipp_complaint_record(struct ipp_store *s, int64_t account_id,
    struct ipp_complaint_record *r, char **errp)
{
	static const char sql[] = "SELECT"
	    " COALESCE(SUM(CASE WHEN state = 'removed' THEN 1 ELSE 0 END), 0),"
	    " COALESCE(SUM(CASE WHEN state IN ('rejected', 'restored',"
	    "  'withdrawn') THEN 1 ELSE 0 END), 0)"
	    " FROM complaint_urls WHERE account_id = ?";
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, account_id);
	if ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		r->removed = (long)ipp_stmt_int(st, 0);
		r->unsuccessful = (long)ipp_stmt_int(st, 1);
	}
	ipp_stmt_reset(st);
	return rc == IPP_STMT_ROW ? IPP_OK :
	    ipp_store_fail(s, errp, "cannot read the account's record");
}

/* C2: where a right must be registered for the platform to act on it. */
static int
check_jurisdiction(const char *platform, const char *region,
    const struct ipp_ipr_backing *b, char **errp)
{
	char want[3];

	if (!b->registered) {
		if (strcmp(platform, "aliexpress") == 0 ||
		    strcmp(platform, "alibaba") == 0)
			return IPP_OK;
		return ipp_error(errp, IPP_EREFUSED, "an unregistered copyright "
		    "backs complaints on aliexpress and alibaba only, not %s "
		    "(rule C2)", platform);
	}
	if (strcmp(platform, "aliexpress") == 0 ||
	    strcmp(platform, "alibaba") == 0)
		return IPP_OK;
	if (strcmp(platform, "lazada") == 0) {
		want[0] = (char)(region[0] - 'a' + 'A');
		want[1] = (char)(region[1] - 'a' + 'A');
		want[2] = '\0';
		if (strcmp(b->jurisdiction, want) == 0)
			return IPP_OK;
		return ipp_error(errp, IPP_EREFUSED, "lazada-%s needs a right "
		    "registered in %s, and IPR %lld is registered in '%s' "
		    "(rule C2)", region, want, (long long)b->ipr_id,
		    b->jurisdiction);
	}
	if (strcmp(b->jurisdiction, "CN") == 0 ||
	    (strcmp(platform, "tmall-global") == 0 &&
	    strcmp(b->jurisdiction, "HK") == 0))
		return IPP_OK;
	return ipp_error(errp, IPP_EREFUSED, "%s needs a right registered in "
	    "%s, and IPR %lld is registered in '%s' (rule C2)", platform,
	    strcmp(platform, "tmall-global") == 0 ? "CN or HK" : "CN",
	    (long long)b->ipr_id, b->jurisdiction);
}



size_t
ipp_complaint_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/*
 * C7: a Good Faith member's high-priority (counterfeit) complaint has no
 * minimum (G5), any other complaint the supplement_min_chars setting.
 */
static int
check_supplement(struct ipp_store *s, const char *text, int lower,
    char **errp)
{
	long long min, max;
	int rc;

	if ((rc = ipp_settings_int(s, "supplement_min_chars", &min, errp)) ||
	    (rc = ipp_settings_int(s, "supplement_max_chars", &max, errp)))
		return rc;
	if (lower)
		min = 0;
	if (text == NULL || (long long)ipp_complaint_chars(text) < min)
		return ipp_error(errp, IPP_EREFUSED, "the supplementary "
		    "infringement reasons (--supplement) need at least %lld "
		    "characters, %zu given (rule C7)", min,
		    text ? ipp_complaint_chars(text) : 0);
	if (text != NULL && (long long)ipp_complaint_chars(text) > max)
		return ipp_error(errp, IPP_EREFUSED, "the supplementary "
		    "infringement reasons (--supplement) have at most %lld "
		    "characters, %zu given (rule C7)", max,
		    ipp_complaint_chars(text));
	return IPP_OK;
}

/* C9: a new or weak account confirms a large batch, knowing its cost. */
static int
check_ramp(struct ipp_store *s, const struct ipp_auth *who, size_t nurls,
    int force, char **errp)
{
	struct ipp_complaint_record r;
	long long max, min_decided, min_pct;
	long decided;
	int rc;

	/* Each setting read only when needed: on PostgreSQL a round trip
	 * each, and an import checks every complaint. */
	if (force)
		return IPP_OK;
	if ((rc = ipp_settings_int(s, "ramp_max_urls", &max, errp)))
		return rc;
	if ((long long)nurls <= max)
		return IPP_OK;
	if ((rc = ipp_settings_int(s, "ramp_min_decided", &min_decided,
	    errp)) ||
	    (rc = ipp_settings_int(s, "ramp_min_success_pct", &min_pct, errp)))
		return rc;
	if ((rc = ipp_complaint_record(s, who->account_id, &r, errp)))
		return rc;
	decided = r.removed + r.unsuccessful;
	if (decided >= min_decided && r.removed * 100 >= min_pct * decided)
		return IPP_OK;
	return ipp_error(errp, IPP_EREFUSED, "a complaint of %zu URLs needs "
	    "--force: the account has %ld decided URLs (%lld needed), %ld "
	    "removed (%lld%% needed); if all %zu were rejected it would need "
	    "%ld accepted URLs to reach 90%% (rules C9, G4)", nurls, decided,
	    min_decided, r.removed, min_pct, nurls,
	    ipp_complaint_needed(r.removed, r.unsuccessful + (long)nurls));
}

int
ipp_complaint_check_region(const char *region, char **errp)
{
	const char *p;

	if (region == NULL)
		return IPP_OK;
	for (p = region; *p == ' ' || *p == '\t'; p++)
		;
	if (*p != '\0')
		return IPP_OK;
	return ipp_error(errp, IPP_EUSAGE, "an empty region: lazada takes "
	    "sg, id, my, th, ph or vn, the other platforms no region at all "
	    "(rule C1)");
}

int
ipp_complaint_check_group(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_complaint_request *q, struct ipp_complaint_checked *c, char **errp)
{
	long long hours;
	int64_t now;
	int rc;

	if ((rc = ipp_complaint_check_region(q->region, errp)) != IPP_OK ||
	    (rc = ipp_account_require_verified(who, errp)) != IPP_OK)
		return rc;
	if (q->platform == NULL || !ipp_url_platform_valid(q->platform,
	    q->region))
		return ipp_error(errp, IPP_EREFUSED, "platform '%s'%s%s is not "
		    "taobao, tmall, tmall-global, 1688, alibaba, aliexpress, or "
		    "lazada with a region sg, id, my, th, ph or vn (rule C1)",
		    q->platform ? q->platform : "", q->region ? " region " : "",
		    q->region ? q->region : "");
	if (q->target == NULL || (strcmp(q->target, "listing") != 0 &&
	    strcmp(q->target, "storefront") != 0))
		return ipp_error(errp, IPP_EREFUSED, "target must be listing or "
		    "storefront, not '%s' (rule C3)", q->target ? q->target : "");
	if (strcmp(q->target, "storefront") == 0 &&
	    !ipp_url_storefront_allowed(q->platform))
		return ipp_error(errp, IPP_EREFUSED, "%s takes complaints "
		    "against listings only; storefronts only on taobao, tmall "
		    "and tmall-global (rule C3)", q->platform);
	if ((rc = ipp_ipr_backing(s, who, q->ipr ? q->ipr : "", &c->ipr,
	    errp)) != IPP_OK ||
	    (rc = check_jurisdiction(q->platform, q->region ? q->region : "",
	    &c->ipr, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_reason_get(s, q->reason ? q->reason : "", &c->reason,
	    errp)) != IPP_OK)
		return rc;
	if (strcmp(c->reason.ipr_type, c->ipr.type) != 0 ||
	    strcmp(c->reason.target, q->target) != 0)
		return ipp_error(errp, IPP_EREFUSED, "reason '%s' is for a %s "
		    "against a %s, not a %s against a %s: see 'ipp-complain "
		    "reasons --type %s --target %s' (rule C4)", c->reason.code,
		    c->reason.ipr_type, c->reason.target, c->ipr.type,
		    q->target, c->ipr.type, q->target);
	/* A patent code names the kind of patent it is for (I5). */
	if (c->reason.kind[0] != '\0' &&
	    strcmp(c->reason.kind, c->ipr.kind) != 0)
		return ipp_error(errp, IPP_EREFUSED, "reason '%s' is for a%s "
		    "%s patent, and IPR %lld is a%s %s patent: see "
		    "'ipp-complain reasons --type patent' (rule C4)",
		    c->reason.code, c->reason.kind[0] == 'i' ? "n" : "",
		    c->reason.kind, (long long)c->ipr.ipr_id,
		    c->ipr.kind[0] == 'i' ? "n" : "", c->ipr.kind[0] ?
		    c->ipr.kind : "unknown");
	/* G5: a member files with the benefits of C7 and C10. */
	if ((rc = ipp_member_is(s, who->account_id, &c->good_faith, errp)) ||
	    (rc = check_supplement(s, q->supplement, c->good_faith &&
	    strcmp(c->reason.priority, "high") == 0, errp)) != IPP_OK ||
	    (rc = ipp_clock_now(&now, errp)) != IPP_OK)
		return rc;
	ipp_clock_format(now, c->now);
	/* C10: counterfeit within a day, the rest within three; half each
	 * for a member. */
	if ((rc = ipp_settings_int(s, strcmp(c->reason.priority, "high") == 0 ?
	    "target_hours_high" : "target_hours_normal", &hours, errp)))
		return rc;
	ipp_clock_format(now + (c->good_faith ? hours * 1800 : hours * 3600),
	    c->due);
	return IPP_OK;
}

char *
ipp_complaint_other_warning(const struct ipp_complaint_checked *c)
{
	if (strcmp(c->ipr.type, "other") != 0)
		return NULL;
	return ipp_strdup_printf("IPR %lld is a right of type other, and such "
	    "rights often fail: discuss enforcing it with the platform before "
	    "you rely on this complaint (rule I6)", (long long)c->ipr.ipr_id);
}

int
ipp_complaint_check_size(struct ipp_store *s, const struct ipp_auth *who,
    size_t nurls, int force, char **errp)
{
	long long max;
	int rc;

	if ((rc = ipp_settings_int(s, "complaint_max_urls", &max, errp)))
		return rc;
	if (nurls == 0 || (long long)nurls > max)
		return ipp_error(errp, IPP_EREFUSED, "a complaint has 1 to %lld "
		    "URLs, not %zu (rule C5)", max, nurls);
	return check_ramp(s, who, nurls, force, errp);
}

static int
check_request(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_complaint_request *q, struct ipp_complaint_checked *c, char **errp)
{
	int rc;

	if ((rc = ipp_complaint_check_group(s, who, q, c, errp)) != IPP_OK)
		return rc;
	return ipp_complaint_check_size(s, who, q->nurls, q->force, errp);
}

/* C5: the complaint id of an open complaint of the account with url. */
int
ipp_complaint_open_duplicate(struct ipp_store *s, int64_t account, const char *canonical,
    int64_t *complaint_id, char **errp)
{
	static const char sql[] = "SELECT complaint_id FROM complaint_urls"
	    " WHERE account_id = ? AND canonical_url = ? AND " IPP_URL_OPEN;
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, account);
	ipp_stmt_bind_static(st, 2, canonical);
	return ipp_store_first_int(s, st, complaint_id,
	    "cannot read complaints", errp);
}

/*
 * URLs whose C5 duplicates one statement looks up: a complaint's worth
 * (complaint_max_urls is at most 300), so that a bulk import asks once a
 * complaint and not once a URL (on PostgreSQL, a round trip each).
 */
#define DUP_ROWS	300

/* The open-complaint lookup of DUP_ROWS URLs: ?1 account, ?2... URLs. */
static const char *
dups_sql(void)
{
	static char sql[256 + DUP_ROWS * 8];
	size_t len;
	int i;

	if (sql[0] != '\0')
		return sql;
	len = (size_t)snprintf(sql, sizeof(sql), "SELECT canonical_url,"
	    " complaint_id FROM complaint_urls WHERE account_id = ?1 AND "
	    IPP_URL_OPEN " AND canonical_url IN (");
	for (i = 0; i < DUP_ROWS && len < sizeof(sql); i++)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s?%d",
		    i ? ", " : "", 2 + i);
	if (len < sizeof(sql))
		snprintf(sql + len, sizeof(sql) - len, ")");
	return sql;
}

int
ipp_complaint_open_duplicates(struct ipp_store *s, int64_t account,
    const char *const *canonical, size_t n, int64_t *complaint_ids,
    char **errp)
{
	struct ipp_stmt *st;
	const char *found;
	size_t i, k, m;
	int rc;

	for (i = 0; i < n; i++)
		complaint_ids[i] = 0;
	for (i = 0; i < n; i += m) {
		m = n - i < DUP_ROWS ? n - i : DUP_ROWS;
		if ((rc = ipp_store_stmt(s, dups_sql(), &st, errp)) != IPP_OK)
			return rc;
		ipp_stmt_bind_int(st, 1, account);
		/* Unused places hold NULL, which matches nothing. */
		for (k = 0; k < m; k++)
			ipp_stmt_bind_static(st, 2 + (int)k, canonical[i + k]);
		while ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
			if ((found = ipp_stmt_text(st, 0)) == NULL)
				continue;
			for (k = 0; k < m; k++)
				if (strcmp(canonical[i + k], found) == 0)
					complaint_ids[i + k] =
					    ipp_stmt_int(st, 1);
		}
		ipp_stmt_reset(st);
		if (rc != IPP_STMT_DONE)
			return ipp_store_fail(s, errp,
			    "cannot read complaints");
	}
	return IPP_OK;
}

/* Why one URL cannot be filed in this complaint, or NULL. */
static int
refuse_url(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_complaint_request *q, struct ipp_complaint_url *all,
    size_t i, char **why, char **errp)
{
	const struct ipp_probe_row *p = &all[i].probe;
	const struct ipp_url *u = &p->url;
	int64_t earlier;
	size_t k;
	int rc;

	*why = NULL;
	if (!p->parsed) {
		*why = strdup(p->structure);
		return *why ? IPP_OK : ipp_error(errp, IPP_ESYS, "out of memory");
	}
	if (strcmp(u->platform, q->platform) != 0 || (q->region != NULL &&
	    strcmp(u->region, q->region) != 0))
		*why = ipp_strdup_printf("a %s%s%s URL in a %s%s%s complaint "
		    "(rule C1)", u->platform, u->region[0] ? "-" : "",
		    u->region, q->platform, q->region ? "-" : "",
		    q->region ? q->region : "");
	else if (strcmp(u->target, q->target) != 0)
		*why = ipp_strdup_printf("a %s URL in a complaint against a %s "
		    "(rule C3)", u->target, q->target);
	for (k = 0; *why == NULL && k < i; k++)
		if (all[k].probe.parsed &&
		    strcmp(all[k].probe.url.canonical, u->canonical) == 0)
			*why = ipp_strdup_printf("the same listing as URL %zu of "
			    "this complaint (rule C5)", k + 1);
	if (*why == NULL) {
		if ((rc = ipp_complaint_open_duplicate(s, who->account_id, u->canonical,
		    &earlier, errp)) != IPP_OK)
			return rc;
		if (earlier != 0)
			*why = ipp_strdup_printf("already in open complaint %lld "
			    "(rule C5)", (long long)earlier);
	}
	if (*why == NULL && p->checked && p->check.verdict == IPP_HTTP_GONE)
		*why = ipp_strdup_printf("no longer active (rule C6)%s%s",
		    p->check.note[0] ? ": " : "", p->check.note);
	else if (*why == NULL && p->checked &&
	    p->check.verdict != IPP_HTTP_LIVE)
		*why = ipp_strdup_printf("the live check failed: %s (rule C6)",
		    p->check.note[0] ? p->check.note : "no answer");
	return IPP_OK;
}

static int
check_urls(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_complaint_request *q, ipp_http_progress_fn *progress,
    void *arg, struct ipp_complaint_outcome *out, size_t *passing,
    char **errp)
{
	struct ipp_probe_row *rows;
	size_t i;
	int rc;

	*passing = 0;
	if ((rc = ipp_probe_run(s, q->urls, q->nurls, q->check, progress, arg,
	    &rows, errp)) != IPP_OK)
		return rc;
	if ((out->urls = calloc(q->nurls, sizeof(*out->urls))) == NULL) {
		ipp_probe_free(rows, q->nurls);
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	out->nurls = q->nurls;
	for (i = 0; i < q->nurls; i++)
		out->urls[i].probe = rows[i];
	free(rows);	/* the strings now belong to out */
	for (i = 0; i < q->nurls; i++) {
		if ((rc = refuse_url(s, who, q, out->urls, i,
		    &out->urls[i].refusal, errp)) != IPP_OK)
			return rc;
		*passing += out->urls[i].refusal == NULL;
	}
	return IPP_OK;
}

int
ipp_complaint_store_evidence(struct ipp_store *s,
    const struct ipp_complaint_request *q,
    struct ipp_complaint_checked *c, char **errp)
{
	size_t i;
	int rc;

	if (q->nevidence == 0)
		return IPP_OK;
	if ((c->evidence = calloc(q->nevidence, sizeof(*c->evidence))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	for (i = 0; i < q->nevidence; i++)
		if ((rc = ipp_doc_store(s, q->evidence[i], &c->evidence[i],
		    errp)) != IPP_OK)
			return ipp_error_prefix(errp, rc, "evidence");
	return IPP_OK;
}

/*
 * URLs filed by one INSERT: the cost of a statement (its cursors, its
 * statement journal, its end) is paid once for URL_ROWS rows, not once
 * a row.
 */
#define URL_ROWS	50

static const char url_sql[] = "INSERT INTO complaint_urls"
    " (complaint_id, account_id, url, canonical_url, listing_id, state,"
    " updated_at) VALUES (?, ?, ?, ?, ?, 'submitted', ?)";

/* url_sql for URL_ROWS rows: ?1 complaint, ?2 account, ?3 time, then
 * three a row.  Built once; its address keys the statement cache. */
static const char *
urls_sql(void)
{
	static char sql[sizeof(url_sql) + URL_ROWS * 48];
	size_t len;
	int i;

	if (sql[0] != '\0')
		return sql;
	len = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO complaint_urls"
	    " (complaint_id, account_id, url, canonical_url, listing_id,"
	    " state, updated_at) VALUES");
	for (i = 0; i < URL_ROWS && len < sizeof(sql); i++)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len,
		    "%s(?1, ?2, ?%d, ?%d, ?%d, 'submitted', ?3)", i ? ", " : " ",
		    4 + 3 * i, 5 + 3 * i, 6 + 3 * i);
	return sql;
}

/*
 * Files URL_ROWS items in one statement: IPP_OK, or the store's error;
 * a UNIQUE failure (C5) takes back the whole statement.
 */
static int
insert_urls(struct ipp_store *s, int64_t id, int64_t account,
    const char *now, const struct ipp_complaint_item *items, char **errp)
{
	struct ipp_stmt *st;
	int i, rc;

	if ((rc = ipp_store_stmt(s, urls_sql(), &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, id);
	ipp_stmt_bind_int(st, 2, account);
	ipp_stmt_bind_static(st, 3, now);
	for (i = 0; i < URL_ROWS; i++) {
		ipp_stmt_bind_static(st, 4 + 3 * i, items[i].input);
		ipp_stmt_bind_static(st, 5 + 3 * i, items[i].url->canonical);
		ipp_stmt_bind_static(st, 6 + 3 * i, items[i].url->id);
	}
	rc = ipp_stmt_step(st);
	ipp_stmt_reset(st);
	return rc == IPP_STMT_DONE ? IPP_OK :
	    ipp_store_fail(s, errp, "cannot file a URL");
}

int
ipp_complaint_insert(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_complaint_request *q, const struct ipp_complaint_checked *c,
    struct ipp_complaint_item *items, size_t n, int64_t *id, size_t *clashes,
    char **errp)
{
	static const char complaint_sql[] = "INSERT INTO complaints"
	    " (account_id, platform, region, ipr_id, target, reason, priority,"
	    " supplement, due_at, created_at, good_faith) VALUES (?, ?, ?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?) RETURNING complaint_id";
	static const char evidence_sql[] = "INSERT INTO complaint_evidence"
	    " (complaint_id, sha256, name) VALUES (?, ?, ?)"
	    " ON CONFLICT (complaint_id, sha256) DO NOTHING";
	static const char unfile_sql[] = "DELETE FROM complaints"
	    " WHERE complaint_id = ?";
	size_t i, end;
	int rc;

	*clashes = 0;
	if ((rc = ipp_store_run_id(s, complaint_sql, id,
	    "cannot file the complaint", errp, "ittitttttti", who->account_id,
	    q->platform, q->region, c->ipr.ipr_id, q->target, c->reason.code,
	    c->reason.priority, q->supplement, c->due, c->now,
	    (int64_t)c->good_faith)) != IPP_OK)
		return rc;
	for (i = 0; i < n; i++)
		items[i].clash = 0;
	/*
	 * Every URL and the moves in one batch: on PostgreSQL one round
	 * trip, not one a statement.  A clash (C5), or any failure, takes
	 * the batch back whole, and the URLs go again below, a statement
	 * at a time, a clashing one row by row.
	 */
	if ((rc = ipp_store_batch_begin(s, errp)) != IPP_OK)
		return rc;
	for (i = 0; rc == IPP_OK && n - i >= URL_ROWS; i += URL_ROWS)
		rc = insert_urls(s, *id, who->account_id, c->now, items + i,
		    NULL);
	for (; rc == IPP_OK && i < n; i++)
		rc = ipp_store_run(s, url_sql, "cannot file a URL", NULL,
		    "iitttt", *id, who->account_id, items[i].input,
		    items[i].url->canonical, items[i].url->id, c->now);
	if (rc == IPP_OK)
		rc = ipp_move_filed_complaint(s, *id, who->account_id, c->now,
		    NULL);
	if ((rc = ipp_store_batch_end(s, rc)) == IPP_OK)
		goto evidence;
	if (rc != IPP_ESTORE)
		return ipp_error(errp, rc, rc == IPP_ESYS ? "out of memory" :
		    "cannot file a URL");
	for (i = 0; i < n; ) {
		end = n;
		if (n - i >= URL_ROWS) {
			if ((rc = insert_urls(s, *id, who->account_id, c->now,
			    items + i, errp)) == IPP_OK) {
				i += URL_ROWS;
				continue;
			}
			if (!ipp_store_unique_failed(s))
				return rc;
			/* Which URL clashed: the same rows one by one. */
			end = i + URL_ROWS;
		}
		for (; i < end; i++) {
			if ((rc = ipp_store_run(s, url_sql, "cannot file a URL",
			    errp, "iitttt", *id, who->account_id,
			    items[i].input, items[i].url->canonical,
			    items[i].url->id, c->now)) == IPP_OK)
				continue;
			if (!ipp_store_unique_failed(s))
				return rc;
			/* C5: filed by another complaint since it was
			 * checked. */
			if ((rc = ipp_complaint_open_duplicate(s,
			    who->account_id, items[i].url->canonical,
			    &items[i].clash, errp)) != IPP_OK)
				return rc;
			if (items[i].clash == 0)
				items[i].clash = -1;	/* not open: should not be */
			(*clashes)++;
		}
	}
	if (*clashes == n) {
		rc = ipp_store_run(s, unfile_sql, "cannot file the complaint",
		    errp, "i", *id);
		*id = 0;
		return rc;
	}
	/* The first move of each URL filed. */
	if ((rc = ipp_move_filed_complaint(s, *id, who->account_id, c->now,
	    errp)) != IPP_OK)
		return rc;
evidence:
	for (i = 0; i < q->nevidence; i++)
		if ((rc = ipp_doc_record(s, &c->evidence[i], c->now, errp)) ||
		    (rc = ipp_store_run(s, evidence_sql, "cannot attach evidence",
		    errp, "itt", *id, c->evidence[i].sha256,
		    ipp_doc_name(q->evidence[i]))) != IPP_OK)
			return rc;
	return IPP_OK;
}

/*
 * Inserts the passing URLs.  One that another process filed since
 * check_urls looked (the store's unique index says so) is refused then,
 * as C5 would have: *passing counts it out.
 */
static int
insert_passing(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_complaint_request *q, const struct ipp_complaint_checked *c,
    struct ipp_complaint_outcome *out, size_t *passing, char **errp)
{
	struct ipp_complaint_item *items;
	size_t *from, i, n = 0, clashes;
	int rc;

	items = calloc(out->nurls, sizeof(*items));
	from = calloc(out->nurls, sizeof(*from));
	if (items == NULL || from == NULL) {
		free(items);
		free(from);
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	for (i = 0; i < out->nurls; i++) {
		if (out->urls[i].refusal != NULL)
			continue;
		from[n] = i;
		items[n].input = out->urls[i].probe.input;
		items[n++].url = &out->urls[i].probe.url;
	}
	rc = ipp_complaint_insert(s, who, q, c, items, n, &out->complaint_id,
	    &clashes, errp);
	for (i = 0; rc == IPP_OK && clashes > 0 && i < n; i++) {
		if (items[i].clash == 0)
			continue;
		if ((out->urls[from[i]].refusal = ipp_strdup_printf("already "
		    "in open complaint %lld (rule C5)",
		    (long long)items[i].clash)) == NULL)
			rc = ipp_error(errp, IPP_ESYS, "out of memory");
		(*passing)--;
	}
	free(items);
	free(from);
	return rc;
}

/* Nothing filed: URLs refused, and no --drop-bad to file the rest. */
static int
refuse_all(const struct ipp_complaint_request *q, size_t passing,
    char **errp)
{
	return ipp_error(errp, IPP_EREFUSED, "%zu of %zu URLs refused: "
	    "nothing filed%s", q->nurls - passing, q->nurls,
	    passing > 0 ? " (file the rest with --drop-bad)" : "");
}

int
ipp_complaint_file(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_complaint_request *q, int dry_run,
    ipp_http_progress_fn *progress, void *arg,
    struct ipp_complaint_outcome *out, char **errp)
{
	struct ipp_complaint_checked c;
	char *other, *joined;
	size_t passing;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	if ((rc = check_request(s, who, q, &c, errp)) != IPP_OK ||
	    (rc = check_urls(s, who, q, progress, arg, out, &passing, errp)))
		goto done;
	if (strcmp(c.reason.priority, "high") == 0 && q->nevidence == 0)
		out->warning = ipp_strdup_printf("'%s' is a counterfeit reason "
		    "and no evidence is attached (--evidence): complaints with "
		    "evidence are decided faster (rule C7)", c.reason.code);
	if ((other = ipp_complaint_other_warning(&c)) != NULL) {
		joined = out->warning == NULL ? other : ipp_strdup_printf(
		    "%s\n%s", out->warning, other);
		if (joined != other)
			free(other);
		free(out->warning);
		out->warning = joined;
	}
	if (dry_run) {
		/* A preflight says what filing would refuse, even with
		 * --drop-bad. */
		if (passing < q->nurls)
			rc = ipp_error(errp, IPP_EREFUSED, "%zu of %zu URLs "
			    "would be refused", q->nurls - passing, q->nurls);
		goto done;
	}
	if (passing < q->nurls && (!q->drop_bad || passing == 0)) {
		rc = refuse_all(q, passing, errp);
		goto done;
	}
	/* Documents first, then the rows that name them, in one transaction. */
	if ((rc = ipp_complaint_store_evidence(s, q, &c, errp)) != IPP_OK ||
	    (rc = ipp_store_begin(s, errp)) != IPP_OK)
		goto done;
	if ((rc = insert_passing(s, who, q, &c, out, &passing, errp)) ==
	    IPP_OK && passing < q->nurls && (!q->drop_bad || passing == 0))
		rc = refuse_all(q, passing, errp);
	if (rc == IPP_OK)
		rc = ipp_store_commit(s, errp);
	else {
		ipp_store_rollback(s);
		out->complaint_id = 0;
	}
	if (rc == IPP_OK && passing < q->nurls)
		rc = ipp_error(errp, IPP_EREFUSED, "complaint %lld filed with "
		    "%zu URLs; %zu refused (--drop-bad)",
		    (long long)out->complaint_id, passing, q->nurls - passing);
done:
	free(c.evidence);
	return rc;
}

void
ipp_complaint_outcome_free(struct ipp_complaint_outcome *out)
{
	size_t i;

	for (i = 0; i < out->nurls; i++) {
		free(out->urls[i].probe.input);
		free(out->urls[i].probe.structure);
		free(out->urls[i].refusal);
	}
	free(out->urls);
	free(out->warning);
	memset(out, 0, sizeof(*out));
}

int
ipp_complaint_write_verdict(struct ipp_tsv_writer *w,
    const struct ipp_complaint_url *u, int64_t complaint_id, char **errp)
{
	const struct ipp_probe_row *p = &u->probe;
	char id[24];
	const char *live = !p->checked ? "unchecked" :
	    p->check.verdict == IPP_HTTP_LIVE ? "live" :
	    p->check.verdict == IPP_HTTP_GONE ? "gone" : "error";

	snprintf(id, sizeof(id), "%lld", (long long)complaint_id);
	ipp_tsv_write_field(w, p->input);
	ipp_tsv_write_field(w, p->parsed ? p->url.canonical : NULL);
	ipp_tsv_write_field(w, p->parsed ? p->url.platform : NULL);
	ipp_tsv_write_field(w, p->parsed ? p->url.target : NULL);
	ipp_tsv_write_field(w, p->parsed ? p->url.id : NULL);
	ipp_tsv_write_field(w, p->structure);
	ipp_tsv_write_field(w, live);
	ipp_tsv_write_field(w, u->refusal ? u->refusal : "ok");
	ipp_tsv_write_field(w, complaint_id && !u->refusal ? id : NULL);
	return ipp_tsv_end_row(w, errp);
}

/* Binds the filter: ?1 account or NULL (handler), ?2 state, ?3 platform,
 * ?4 since, ?5 complaint. */
static void
bind_filter(struct ipp_stmt *st, const struct ipp_auth *who,
    const struct ipp_complaint_filter *f)
{
	if (who->role != IPP_ROLE_HANDLER)
		ipp_stmt_bind_int(st, 1, who->account_id);
	ipp_stmt_bind_text(st, 2, f->state);
	ipp_stmt_bind_text(st, 3, f->platform);
	ipp_stmt_bind_text(st, 4, f->since);
	if (f->complaint_id > 0)
		ipp_stmt_bind_int(st, 5, f->complaint_id);
}

int
ipp_complaint_list(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_complaint_filter *f, struct ipp_tsv_writer *w,
    long *count, char **errp)
{
	/* A complaint is open while any URL is not final (C11). */
	static const char sql[] = "SELECT * FROM (SELECT c.complaint_id,"
	    " c.platform, c.region, c.ipr_id, c.target, c.reason,"
	    " CASE WHEN SUM(CASE WHEN " IPP_URL_OPEN
	    "  THEN 1 ELSE 0 END) > 0 THEN 'open'"
	    "  WHEN SUM(CASE WHEN u.state = 'withdrawn' THEN 1 ELSE 0 END)"
	    "  = COUNT(*) THEN 'withdrawn' ELSE 'closed' END AS state,"
	    " COUNT(*) AS urls, c.created_at, c.priority, c.due_at"
	    " FROM complaints c JOIN complaint_urls u"
	    " ON u.complaint_id = c.complaint_id"
	    " WHERE (?1 IS NULL OR c.account_id = ?1)"
	    " AND (?3 IS NULL OR c.platform = ?3)"
	    " AND (?4 IS NULL OR c.created_at >= ?4)"
	    " AND (?5 IS NULL OR c.complaint_id = ?5)"
	    " GROUP BY c.complaint_id, c.platform, c.region, c.ipr_id,"
	    " c.target, c.reason, c.created_at, c.priority, c.due_at) AS v"
	    " WHERE (?2 IS NULL OR v.state = ?2) ORDER BY v.complaint_id";
	struct ipp_stmt *st;
	int rc;

	if (f->state != NULL && strcmp(f->state, "open") != 0 &&
	    strcmp(f->state, "closed") != 0 &&
	    strcmp(f->state, "withdrawn") != 0)
		return ipp_error(errp, IPP_EUSAGE, "a complaint is open, closed "
		    "or withdrawn, not '%s'", f->state);
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	bind_filter(st, who, f);
	return ipp_store_write_matches(s, st, w, count, errp);
}

static int
valid_url_state(const char *state)
{
	static const char *const states[] = { "submitted", "rejected",
		"pending-counter", "countered", "counter-rejected", "removed",
		"restored", "withdrawn", NULL };
	const char *const *p;

	for (p = states; *p != NULL; p++)
		if (strcmp(*p, state) == 0)
			return 1;
	return 0;
}

int
ipp_complaint_urls(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_complaint_filter *f, struct ipp_tsv_writer *w,
    long *count, char **errp)
{
	static const char sql[] = "SELECT u.url_id, u.complaint_id, u.url,"
	    " u.canonical_url, u.state, u.updated_at FROM complaint_urls u"
	    " JOIN complaints c ON c.complaint_id = u.complaint_id"
	    " WHERE (?1 IS NULL OR u.account_id = ?1)"
	    " AND (?2 IS NULL OR u.state = ?2)"
	    " AND (?3 IS NULL OR c.platform = ?3)"
	    " AND (?4 IS NULL OR c.created_at >= ?4)"
	    " AND (?5 IS NULL OR u.complaint_id = ?5)"
	    " ORDER BY u.url_id";
	struct ipp_stmt *st;
	int rc;

	if (f->state != NULL && !valid_url_state(f->state))
		return ipp_error(errp, IPP_EUSAGE, "no URL state '%s': "
		    "submitted, rejected, pending-counter, countered, "
		    "counter-rejected, removed, restored or withdrawn", f->state);
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	bind_filter(st, who, f);
	return ipp_store_write_matches(s, st, w, count, errp);
}

/* C11: every non-final URL of complaint id moves to withdrawn. */
static int
withdraw_urls(struct ipp_store *s, const struct ipp_auth *who, int64_t id,
    const char *now, int *moved, char **errp)
{
	static const char open_sql[] = "SELECT url_id, state FROM"
	    " complaint_urls WHERE complaint_id = ? AND " IPP_URL_OPEN
	    " ORDER BY url_id";
	struct ipp_move m = { 0, NULL, "withdrawn", who->account_id, NULL,
		now, NULL };
	struct ipp_stmt *st;
	int64_t *ids = NULL;
	char (*from)[24] = NULL;
	size_t n = 0, i;
	int rc;

	*moved = 0;
	if ((rc = ipp_store_stmt(s, open_sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, id);
	/* At most complaint_max_urls rows: collect, then move. */
	while ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		int64_t *gi = realloc(ids, (n + 1) * sizeof(*ids));
		char (*gf)[24] = gi ? realloc(from, (n + 1) * sizeof(*from)) :
		    NULL;

		if (gi != NULL)
			ids = gi;
		if (gf != NULL)
			from = gf;
		if (gi == NULL || gf == NULL) {
			ipp_stmt_reset(st);
			rc = ipp_error(errp, IPP_ESYS, "out of memory");
			goto done;
		}
		ids[n] = ipp_stmt_int(st, 0);
		snprintf(from[n++], sizeof(from[0]), "%s",
		    ipp_stmt_text(st, 1));
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_DONE) {
		rc = ipp_store_fail(s, errp, "cannot read the complaint's URLs");
		goto done;
	}
	rc = IPP_OK;
	for (i = 0; i < n && rc == IPP_OK; i++) {
		m.url_id = ids[i];
		m.from = from[i];
		rc = ipp_move_apply(s, &m, errp);
	}
	*moved = (int)n;
done:
	free(ids);
	free(from);
	return rc;
}

int
ipp_complaint_withdraw(struct ipp_store *s, const struct ipp_auth *who,
    int64_t id, char **errp)
{
	static const char owner_sql[] = "SELECT account_id FROM complaints"
	    " WHERE complaint_id = ?";
	char now[IPP_TIME_LEN + 1];
	struct ipp_stmt *st;
	int rc, own, moved, step;

	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_store_stmt(s, owner_sql, &st, errp)) != IPP_OK)
		goto fail;
	ipp_stmt_bind_int(st, 1, id);
	step = ipp_stmt_step(st);
	own = step == IPP_STMT_ROW && ipp_stmt_int(st, 0) == who->account_id;
	ipp_stmt_reset(st);
	if (step != IPP_STMT_ROW && step != IPP_STMT_DONE) {
		rc = ipp_store_fail(s, errp, "cannot read the complaint");
		goto fail;
	}
	if (!own) {
		rc = ipp_error(errp, IPP_ENOTFOUND, "no complaint %lld",
		    (long long)id);
		goto fail;
	}
	if ((rc = withdraw_urls(s, who, id, now, &moved, errp)) != IPP_OK)
		goto fail;
	if (moved == 0) {
		rc = ipp_error(errp, IPP_EREFUSED, "every URL of complaint %lld "
		    "is final already: nothing to withdraw (rule C11)",
		    (long long)id);
		goto fail;
	}
	return ipp_store_commit(s, errp);
fail:
	ipp_store_rollback(s);
	return rc;
}
