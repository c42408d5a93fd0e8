#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "bulk.h"
#include "err.h"
#include "probe.h"
#include "records.h"
#include "settings.h"
#include "banned.h"

/* URLs a batch commit waits for (drop_bad): whole complaints only. */
#define COMMIT_URLS 50000

enum column { C_URL, C_PLATFORM, C_REGION, C_IPR, C_TARGET, C_REASON,
	C_SUPPLEMENT, C_EVIDENCE, NCOLUMNS };

static const char *const column_names[NCOLUMNS] = {
	"url", "platform", "region", "ipr", "target", "reason", "supplement",
	"evidence",
};

/* A buffered row of a group. */
struct item {
	char		*input;		/* the URL as given */
	struct ipp_url	 url;		/* parsed */
	unsigned long	 line;		/* where it came from */
};

struct group {
	uint64_t		 hash;		/* of key[], to find it fast */
	char			*key[6];	/* platform..reason, supplement */
	char			*error;		/* why every row is refused */
	struct ipp_complaint_checked checked;	/* its request, checked */
	char			**evidence;	/* resolved paths, deduplicated */
	size_t			 nevidence;
	struct item		*items;		/* waiting rows */
	size_t			 nitems;
};

struct bulk {
	struct ipp_store		*s;
	const struct ipp_auth		*who;
	const struct ipp_bulk_options	*o;
	struct ipp_records		*in;
	int				 col[NCOLUMNS];
	size_t				 max_urls;	/* per complaint (300) */
	struct group			*groups;
	size_t				 ngroups;
	long				 uncommitted;	/* URLs since the last commit */
	char				(*stored)[IPP_SECRET_HEX];	/* evidence written */
	size_t				 nstored;
	ipp_bulk_refusal_fn		*on_refusal;
	ipp_bulk_complaint_fn		*on_complaint;
	void				*arg;
	struct ipp_bulk_result		*res;
};

static void
refuse(struct bulk *b, unsigned long line, const char *message)
{
	b->res->refused++;
	if (b->on_refusal != NULL)
		b->on_refusal(b->arg, ipp_records_name(b->in), line, message);
}

static const char *
field(const struct bulk *b, enum column c)
{
	const char *v;

	if (b->col[c] < 0)
		return NULL;
	v = ipp_records_field(b->in, (size_t)b->col[c]);
	return v != NULL && *v != '\0' ? v : NULL;
}

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static void
group_release(struct group *g)
{
	size_t i;

	for (i = 0; i < 6; i++)
		free(g->key[i]);
	for (i = 0; i < g->nevidence; i++)
		free(g->evidence[i]);
	for (i = 0; i < g->nitems; i++)
		free(g->items[i].input);
	free(g->evidence);
	free(g->items);
	free(g->error);
	free(g->checked.evidence);
}

static struct ipp_complaint_request
group_request(const struct group *g)
{
	struct ipp_complaint_request q = {
		.platform = g->key[0], .region = g->key[1], .ipr = g->key[2],
		.target = g->key[3], .reason = g->key[4], .supplement = g->key[5],
		.evidence = (const char *const *)g->evidence,
		.nevidence = g->nevidence,
	};
	return q;
}

/*
 * FNV-1a over the row's grouping fields: the five of C9, and the
 * supplement, so that each complaint's supplement is checked (C7).
 */
static uint64_t
row_hash(const struct bulk *b)
{
	uint64_t h = 14695981039346656037ULL;
	const unsigned char *p;
	size_t k;

	for (k = 0; k < 6; k++) {
		p = (const unsigned char *)field(b, (enum column)(C_PLATFORM + k));
		for (; p != NULL && *p != '\0'; p++)
			h = (h ^ *p) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;	/* field separator */
	}
	return h;
}

/* The row's group, made and checked (A5, C1-C4, C7, I7) when new. */
static int
find_group(struct bulk *b, struct group **gp, char **errp)
{
	struct ipp_complaint_request q;
	struct group *g, *grown;
	uint64_t hash = row_hash(b);
	char *why = NULL;
	size_t i, k;
	int rc;

	for (i = 0; i < b->ngroups; i++) {
		if (b->groups[i].hash != hash)
			continue;
		for (k = 0; k < 6 && same(b->groups[i].key[k],
		    field(b, (enum column)(C_PLATFORM + k))); k++)
			;
		if (k == 6) {
			*gp = &b->groups[i];
			return IPP_OK;
		}
	}
	if ((grown = realloc(b->groups, (b->ngroups + 1) * sizeof(*grown))) ==
	    NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	b->groups = grown;
	g = &b->groups[b->ngroups++];
	memset(g, 0, sizeof(*g));
	g->hash = hash;
	for (k = 0; k < 6; k++)
		if (field(b, (enum column)(C_PLATFORM + k)) != NULL &&
		    (g->key[k] = strdup(field(b,
		    (enum column)(C_PLATFORM + k)))) == NULL)
			return ipp_error(errp, IPP_ESYS, "out of memory");
	if ((g->items = calloc(b->max_urls, sizeof(*g->items))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	q = group_request(g);
	*gp = g;
	if ((rc = ipp_complaint_check_group(b->s, b->who, &q, &g->checked,
	    &why)) == IPP_OK)
		return IPP_OK;
	/* A rule refuses the group's rows; a failing system stops the run. */
	if (rc == IPP_ESTORE || rc == IPP_ESYS || rc == IPP_ENET) {
		rc = ipp_error(errp, rc, "%s", why != NULL ? why : "cannot "
		    "check a complaint");
		free(why);
		return rc;
	}
	g->error = why ? why : strdup("refused");
	return IPP_OK;
}

/* Evidence paths of the row join its group's, each once. */
static int
add_evidence(struct bulk *b, struct group *g, char **errp)
{
	const char *list = field(b, C_EVIDENCE), *p, *end;
	char *path, **grown;
	size_t i, len;

	for (p = list; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ";");
		while (p < end && *p == ' ')
			p++;
		for (len = (size_t)(end - p); len > 0 && p[len - 1] == ' '; len--)
			;
		if (len == 0)
			continue;
		path = *p == '/' ? strndup(p, len) : ipp_strdup_printf("%s/%.*s",
		    b->o->basedir, (int)len, p);
		if (path == NULL)
			return ipp_error(errp, IPP_ESYS, "out of memory");
		for (i = 0; i < g->nevidence && strcmp(g->evidence[i], path);
		    i++)
			;
		if (i < g->nevidence) {
			free(path);
			continue;
		}
		if ((grown = realloc(g->evidence, (g->nevidence + 1) *
		    sizeof(*grown))) == NULL) {
			free(path);
			return ipp_error(errp, IPP_ESYS, "out of memory");
		}
		g->evidence = grown;
		g->evidence[g->nevidence++] = path;
	}
	return IPP_OK;
}

/* Live verdicts of the group's waiting URLs (C6), or NULL unchecked. */
static int
check_live(struct bulk *b, struct group *g, struct ipp_probe_row **rows,
    char **errp)
{
	char **inputs;
	size_t i;
	int rc;

	*rows = NULL;
	if (!b->o->check)
		return IPP_OK;
	if ((inputs = calloc(g->nitems, sizeof(*inputs))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	for (i = 0; i < g->nitems; i++)
		inputs[i] = g->items[i].url.canonical;
	rc = ipp_probe_run(b->s, inputs, g->nitems, 1, b->o->progress,
	    b->o->progress_arg, rows, errp);
	free(inputs);
	return rc;
}

/* Why a waiting URL cannot be filed now (C5, C6), malloc'd, or NULL. */
static int
late_refusal(struct bulk *b, const struct item *it,
    const struct ipp_probe_row *live, char **why, char **errp)
{
	int64_t earlier;
	int rc;

	*why = NULL;
	/* Earlier complaints of this import are in the transaction too. */
	if ((rc = ipp_complaint_open_duplicate(b->s, b->who->account_id,
	    it->url.canonical, &earlier, errp)) != IPP_OK)
		return rc;
	if (earlier != 0)
		*why = ipp_strdup_printf("already in open complaint %lld "
		    "(rule C5)", (long long)earlier);
	else if (live != NULL && live->check.verdict == IPP_HTTP_GONE)
		*why = ipp_strdup_printf("no longer active (rule C6)%s%s",
		    live->check.note[0] ? ": " : "", live->check.note);
	else if (live != NULL && live->check.verdict != IPP_HTTP_LIVE)
		*why = ipp_strdup_printf("the live check failed: %s (rule C6)",
		    live->check.note);
	return IPP_OK;
}

/* Evidence files this import wrote, to take back if it rolls back. */
static int
remember_evidence(struct bulk *b, const struct ipp_complaint_checked *c,
    size_t n, char **errp)
{
	char (*grown)[IPP_SECRET_HEX];
	size_t i;

	if (n == 0)
		return IPP_OK;
	if ((grown = realloc(b->stored, (b->nstored + n) * sizeof(*grown))) ==
	    NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	b->stored = grown;
	for (i = 0; i < n; i++)
		memcpy(b->stored[b->nstored++], c->evidence[i].sha256,
		    IPP_SECRET_HEX);
	return IPP_OK;
}

/* After a rollback: documents written for nothing go too (D1). */
static void
discard_evidence(struct bulk *b)
{
	size_t i;

	for (i = 0; i < b->nstored; i++)
		ipp_doc_discard(b->s, b->stored[i], NULL);
}

static int
commit_batch(struct bulk *b, long urls, char **errp)
{
	int rc;

	b->uncommitted += urls;
	if (!b->o->drop_bad || b->o->dry_run || b->uncommitted < COMMIT_URLS)
		return IPP_OK;
	b->uncommitted = 0;
	if ((rc = ipp_store_commit(b->s, errp)) != IPP_OK)
		return rc;
	return ipp_store_begin(b->s, errp);
}

/* Files the group's waiting URLs as one complaint. */
static int
flush(struct bulk *b, struct group *g, char **errp)
{
	struct ipp_complaint_request q = group_request(g);
	struct ipp_complaint_item *pass = NULL;
	struct ipp_probe_row *live = NULL;
	unsigned long *lines = NULL;
	size_t i, n = 0, waiting = g->nitems;
	int64_t id = 0;
	char *why = NULL;
	int rc;

	if (g->nitems == 0)
		return IPP_OK;
	pass = calloc(g->nitems, sizeof(*pass));
	lines = calloc(g->nitems, sizeof(*lines));
	if (pass == NULL || lines == NULL) {
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
		goto out;
	}
	if ((rc = check_live(b, g, &live, errp)) != IPP_OK)
		goto out;
	for (i = 0; i < g->nitems; i++) {
		if ((rc = late_refusal(b, &g->items[i], live ? &live[i] : NULL,
		    &why, errp)) != IPP_OK)
			goto out;
		if (why != NULL) {
			refuse(b, g->items[i].line, why);
			free(why);
			why = NULL;
			continue;
		}
		pass[n].input = g->items[i].input;
		pass[n].url = &g->items[i].url;
		lines[n++] = g->items[i].line;
	}
	if (n > 0 && (rc = ipp_complaint_check_size(b->s, b->who, n,
	    b->o->force, &why)) != IPP_OK) {
		/* A rule refuses the rows; a failing system stops the run. */
		if (rc == IPP_ESTORE || rc == IPP_ESYS) {
			rc = ipp_error(errp, rc, "%s", why != NULL ? why :
			    "cannot check the complaint's size");
			goto out;
		}
		rc = IPP_OK;
		for (i = 0; i < n; i++)
			refuse(b, lines[i], why);
		n = 0;
	}
	if (n == 0)
		goto out;
	free(g->checked.evidence);
	g->checked.evidence = NULL;
	if (b->o->dry_run)
		q.nevidence = 0;	/* a dry run writes no document */
	if ((rc = ipp_complaint_store_evidence(b->s, &q, &g->checked,
	    errp)) != IPP_OK ||
	    (rc = remember_evidence(b, &g->checked, q.nevidence, errp)) ||
	    (rc = ipp_complaint_insert(b->s, b->who, &q, &g->checked, pass, n,
	    &id, errp)) != IPP_OK)
		goto out;
	b->res->complaints++;
	b->res->urls += (long)n;
	/* Once per complaint (I6). */
	if (b->o->on_warning != NULL &&
	    (why = ipp_complaint_other_warning(&g->checked)) != NULL) {
		b->o->on_warning(b->arg, ipp_records_name(b->in), lines[0], why);
		free(why);
		why = NULL;
	}
	if (b->on_complaint != NULL && (rc = b->on_complaint(b->arg,
	    b->o->dry_run ? 0 : id, &q, g->checked.ipr.ipr_id, n)) != IPP_OK)
		goto out;
	rc = commit_batch(b, (long)n, errp);
out:
	for (i = 0; i < g->nitems; i++)
		free(g->items[i].input);
	g->nitems = 0;
	ipp_probe_free(live, live ? waiting : 0);
	free(why);
	free(pass);
	free(lines);
	return rc;
}

static const char *
missing_rule(enum column c)
{
	return c == C_URL ? "C5" : c == C_PLATFORM ? "C1" : c == C_IPR ?
	    "I7" : c == C_TARGET ? "C3" : "C4";
}

/* Checks one row and adds it to its group; a full group is filed. */
static int
take_row(struct bulk *b, char **errp)
{
	static const enum column required[] = { C_URL, C_PLATFORM, C_IPR,
		C_TARGET, C_REASON };
	unsigned long line = ipp_records_line(b->in);
	struct item *it;
	struct group *g = NULL;
	char *why = NULL;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (field(b, required[i]) != NULL)
			continue;
		why = ipp_strdup_printf("%s: missing (rule %s)",
		    column_names[required[i]], missing_rule(required[i]));
		refuse(b, line, why ? why : "missing field");
		free(why);
		return IPP_OK;
	}
	if ((rc = find_group(b, &g, errp)) != IPP_OK)
		return rc;
	if (g->error != NULL) {
		refuse(b, line, g->error);
		return IPP_OK;
	}
	if ((rc = add_evidence(b, g, errp)) != IPP_OK)
		return rc;
	it = &g->items[g->nitems];
	if ((rc = ipp_url_parse(field(b, C_URL), &it->url, &why)) != IPP_OK) {
		/* Only a refusal is the row's fault; the rest stops the run. */
		if (rc != IPP_EREFUSED) {
			rc = ipp_error(errp, rc, "%s", why != NULL ? why :
			    "cannot parse a URL");
			free(why);
			return rc;
		}
		refuse(b, line, why ? why : "bad URL");
		free(why);
		return IPP_OK;
	}
	if (strcmp(it->url.platform, g->key[0]) != 0 || (g->key[1] != NULL &&
	    strcmp(it->url.region, g->key[1]) != 0))
		why = ipp_strdup_printf("a %s URL in a %s complaint (rule C1)",
		    it->url.platform, g->key[0]);
	else if (strcmp(it->url.target, g->key[3]) != 0)
		why = ipp_strdup_printf("a %s URL in a complaint against a %s "
		    "(rule C3)", it->url.target, g->key[3]);
	for (i = 0; why == NULL && i < g->nitems; i++)
		if (strcmp(g->items[i].url.canonical, it->url.canonical) == 0)
			why = ipp_strdup_printf("the same listing as line %lu "
			    "(rule C5)", g->items[i].line);
	if (why != NULL) {
		refuse(b, line, why);
		free(why);
		return IPP_OK;
	}
	if ((it->input = strdup(field(b, C_URL))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	it->line = line;
	if (++g->nitems == b->max_urls)
		return flush(b, g, errp);
	return IPP_OK;
}

static int
map_columns(struct bulk *b, char **errp)
{
	size_t i;

	for (i = 0; i < NCOLUMNS; i++) {
		b->col[i] = ipp_records_column(b->in, column_names[i]);
		if (b->col[i] < 0 && i != C_REGION && i != C_SUPPLEMENT &&
		    i != C_EVIDENCE)
			return ipp_error(errp, IPP_EINPUT, "%s:1: missing column "
			    "'%s'", ipp_records_name(b->in), column_names[i]);
	}
	return IPP_OK;
}

static int
read_all(struct bulk *b, char **errp)
{
	size_t i;
	int rc;

	while ((rc = ipp_records_next(b->in, errp)) == 1) {
		b->res->rows++;
		if ((rc = take_row(b, errp)) != IPP_OK)
			return rc;
	}
	if (rc < 0)
		return rc;
	for (i = 0; i < b->ngroups; i++)
		if ((rc = flush(b, &b->groups[i], errp)) != IPP_OK)
			return rc;
	return IPP_OK;
}

int
ipp_bulk_import(struct ipp_store *s, const struct ipp_auth *who, FILE *fp,
    const char *name, const struct ipp_bulk_options *o,
    ipp_bulk_refusal_fn *on_refusal, ipp_bulk_complaint_fn *on_complaint,
    void *arg, struct ipp_bulk_result *res, char **errp)
{
	struct bulk b = { .s = s, .who = who, .o = o, .on_refusal = on_refusal,
		.on_complaint = on_complaint, .arg = arg, .res = res };
	long long max;
	size_t i;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = ipp_account_require_verified(who, errp)) != IPP_OK ||
	    (rc = ipp_settings_int(s, "complaint_max_urls", &max, errp)))
		return rc;
	b.max_urls = (size_t)max;
	if ((rc = ipp_records_open(&b.in, fp, name, errp)) != IPP_OK)
		return rc;
	if ((rc = map_columns(&b, errp)) == IPP_OK &&
	    (rc = ipp_store_begin(s, errp)) == IPP_OK) {
		rc = read_all(&b, errp);
		if (rc == IPP_OK && !o->dry_run && (o->drop_bad ||
		    res->refused == 0))
			rc = ipp_store_commit(s, errp);
		else {
			ipp_store_rollback(s);
			discard_evidence(&b);
		}
	}
	if (rc == IPP_OK && res->refused > 0)
		rc = ipp_error(errp, IPP_EREFUSED, "%s: %ld of %ld rows refused%s",
		    name, res->refused, res->rows, o->drop_bad || o->dry_run ?
		    "" : ": nothing filed (file the rest with --drop-bad)");
	for (i = 0; i < b.ngroups; i++)
		group_release(&b.groups[i]);
	free(b.groups);
	free(b.stored);
	ipp_records_close(b.in);
	return rc;
}
