#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "bulk.h"
#include "err.h"
#include "probe.h"
#include "records.h"
#include "settings.h"
#include "banned.h"

/* URLs a batch commit waits for (drop_bad): whole complaints only. */
#define COMMIT_URLS 50000
/* The spool's stdio buffer. */
#define SPOOL_BUF (64 * 1024)

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
	uint64_t	 hash;		/* of url.canonical */
};

struct group {
	uint64_t		 hash;		/* of key[], to find it fast */
	char			*key[6];	/* platform..reason, supplement */
	char			*error;		/* why every row is refused */
	struct ipp_complaint_checked checked;	/* its request, checked */
	char			**evidence;	/* resolved paths, deduplicated */
	size_t			 nevidence;
	size_t			 nstored;	/* of them stored (D1) */
	struct item		*items;		/* waiting rows */
	size_t			 nitems;
	uint32_t		*slots;		/* 1 + index in items, by hash */
	size_t			 nslots;	/* a power of 2, > 2 max_urls */
};

/*
 * A complaint ready to insert, as the spool holds it: this header, then
 * per URL a struct spooled_url and the bytes of the input, the
 * canonical URL and the listing id, one after the other.
 */
struct spooled {
	size_t		group;		/* index in groups */
	size_t		nurls;
	size_t		nevidence;	/* the group's first ones */
};

struct spooled_url {
	unsigned long	line;
	uint32_t	len[3];		/* input, canonical, id */
};

/* A complaint filed by the open transaction, told of once committed. */
struct filed {
	size_t		group;
	size_t		nurls;
	int64_t		id;
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
	FILE				*spool;		/* checked complaints */
	char				*spoolbuf;	/* its buffer */
	long				 spooled;	/* URLs in it */
	struct filed			*filed;		/* by the transaction */
	size_t				 nfiled, capfiled;
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
	free(g->slots);
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

static uint64_t
fnv1a(uint64_t h, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
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
	for (g->nslots = 16; g->nslots <= 2 * b->max_urls; g->nslots *= 2)
		;
	if ((g->items = calloc(b->max_urls, sizeof(*g->items))) == NULL ||
	    (g->slots = calloc(g->nslots, sizeof(*g->slots))) == NULL)
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

/*
 * Stores the group's evidence not stored yet (D1, D2): hashing and
 * writing happen here, never inside the write transaction.
 */
static int
store_evidence(struct bulk *b, struct group *g, char **errp)
{
	struct ipp_doc *grown;
	int rc;

	if (b->o->dry_run || g->nstored == g->nevidence)
		return IPP_OK;
	if ((grown = realloc(g->checked.evidence, g->nevidence *
	    sizeof(*grown))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	g->checked.evidence = grown;
	for (; g->nstored < g->nevidence; g->nstored++)
		if ((rc = ipp_doc_store(b->s, g->evidence[g->nstored],
		    &grown[g->nstored], errp)) != IPP_OK)
			return ipp_error_prefix(errp, rc, "evidence");
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

/*
 * Why a waiting URL cannot be filed now (C5, C6), malloc'd, or NULL.
 * earlier: the account's committed open complaint with the listing, from
 * one lookup of the group's URLs; one filed by an earlier group of this
 * import, or by another process since, is met at insert time by the
 * partial unique index complaint_urls_open.
 */
static int
late_refusal(int64_t earlier, const struct ipp_probe_row *live, char **why,
    char **errp)
{
	*why = NULL;
	if (earlier != 0)
		*why = ipp_strdup_printf("already in open complaint %lld "
		    "(rule C5)", (long long)earlier);
	else if (live != NULL && live->check.verdict == IPP_HTTP_GONE)
		*why = ipp_strdup_printf("no longer active (rule C6)%s%s",
		    live->check.note[0] ? ": " : "", live->check.note);
	else if (live != NULL && live->check.verdict != IPP_HTTP_LIVE)
		*why = ipp_strdup_printf("the live check failed: %s (rule C6)",
		    live->check.note);
	else
		return IPP_OK;
	return *why != NULL ? IPP_OK : ipp_error(errp, IPP_ESYS,
	    "out of memory");
}

/* ---- the spool: checked complaints waiting for their transaction ---- */

/* An unnamed temporary file in $TMPDIR (tmpfile(3) ignores it). */
static int
spool_open(FILE **fpp, char *buf, char **errp)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd, rc = IPP_OK;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((path = ipp_strdup_printf("%s/ipp-import-XXXXXX", dir)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	if ((fd = mkostemp(path, O_CLOEXEC)) < 0)
		rc = ipp_error(errp, IPP_ESYS, "cannot create a temporary file "
		    "in '%s': %s", dir, strerror(errno));
	else {
		unlink(path);
		if ((*fpp = fdopen(fd, "w+")) == NULL) {
			rc = ipp_error(errp, IPP_ESYS, "out of memory");
			close(fd);
		} else if (buf != NULL)
			/* 16 times stdio's 4 KiB: a sixteenth of the calls. */
			setvbuf(*fpp, buf, _IOFBF, SPOOL_BUF);
	}
	free(path);
	return rc;
}

/* One write a URL: its header and its three texts. */
static int
spool_write(struct bulk *b, size_t group, const struct item *const *items,
    size_t n, char **errp)
{
	struct spooled h = { group, n, b->groups[group].nevidence };
	char rec[sizeof(struct spooled_url) + IPP_URL_MAX +
	    sizeof(((struct ipp_url *)0)->canonical) +
	    sizeof(((struct ipp_url *)0)->id)];
	struct spooled_url u;
	size_t i, len;
	int bad;

	bad = fwrite(&h, sizeof(h), 1, b->spool) != 1;
	for (i = 0; !bad && i < n; i++) {
		u.line = items[i]->line;
		u.len[0] = (uint32_t)strnlen(items[i]->input, IPP_URL_MAX + 1);
		u.len[1] = (uint32_t)strlen(items[i]->url.canonical);
		u.len[2] = (uint32_t)strlen(items[i]->url.id);
		if (u.len[0] > IPP_URL_MAX)	/* parsed: cannot be */
			return ipp_error(errp, IPP_ESYS, "a URL too long for "
			    "the import's temporary file");
		memcpy(rec, &u, sizeof(u));
		len = sizeof(u);
		memcpy(rec + len, items[i]->input, u.len[0]);
		len += u.len[0];
		memcpy(rec + len, items[i]->url.canonical, u.len[1]);
		len += u.len[1];
		memcpy(rec + len, items[i]->url.id, u.len[2]);
		len += u.len[2];
		bad = fwrite(rec, 1, len, b->spool) != len;
	}
	if (bad)
		return ipp_error(errp, IPP_ESYS, "cannot write the import's "
		    "temporary file: %m");
	b->spooled += (long)n;
	return IPP_OK;
}

/* Reads len bytes and a NUL into out. */
static int
spool_read_text(FILE *fp, char *out, size_t len)
{
	if (fread(out, 1, len, fp) != len)
		return -1;
	out[len] = '\0';
	return 0;
}

/*
 * The next spooled complaint into items (room for max_urls), their
 * inputs into inputs (room for max_urls of IPP_URL_MAX + 1): 1, or 0 at
 * the end.
 */
static int
spool_read(struct bulk *b, struct spooled *h, struct item *items,
    char *inputs, char **errp)
{
	struct spooled_url u;
	size_t i;

	if (fread(h, sizeof(*h), 1, b->spool) != 1) {
		if (ferror(b->spool))
			return ipp_error(errp, IPP_ESYS, "cannot read the "
			    "import's temporary file");
		return 0;
	}
	for (i = 0; i < h->nurls && i < b->max_urls; i++) {
		if (fread(&u, sizeof(u), 1, b->spool) != 1 ||
		    u.len[0] > IPP_URL_MAX ||
		    u.len[1] >= sizeof(items[i].url.canonical) ||
		    u.len[2] >= sizeof(items[i].url.id) ||
		    spool_read_text(b->spool, inputs, u.len[0]) ||
		    spool_read_text(b->spool, items[i].url.canonical,
		    u.len[1]) ||
		    spool_read_text(b->spool, items[i].url.id, u.len[2]))
			break;
		/* What ipp_complaint_insert reads of them, no more. */
		items[i].line = u.line;
		items[i].input = inputs;
		inputs += u.len[0] + 1;
	}
	if (i < h->nurls) {
		h->nurls = 0;
		return ipp_error(errp, IPP_ESYS, "cannot read the import's "
		    "temporary file");
	}
	return 1;
}

static int
spool_reset(struct bulk *b, char **errp)
{
	b->spooled = 0;
	if (fflush(b->spool) != 0 || ftruncate(fileno(b->spool), 0) != 0)
		return ipp_error(errp, IPP_ESYS, "cannot empty the import's "
		    "temporary file: %m");
	rewind(b->spool);
	return IPP_OK;
}

static int
remember_filed(struct bulk *b, size_t group, size_t n, int64_t id,
    char **errp)
{
	struct filed *grown;

	if (b->nfiled == b->capfiled) {
		b->capfiled = b->capfiled ? b->capfiled * 2 : 64;
		if ((grown = realloc(b->filed, b->capfiled *
		    sizeof(*grown))) == NULL)
			return ipp_error(errp, IPP_ESYS, "out of memory");
		b->filed = grown;
	}
	b->filed[b->nfiled].group = group;
	b->filed[b->nfiled].nurls = n;
	b->filed[b->nfiled++].id = id;
	return IPP_OK;
}

/*
 * Inserts one spooled complaint.  A URL another complaint took since it
 * was checked (a concurrent filing, or an earlier group of this import)
 * is the C5 refusal it is: refused by line, the others filed.
 */
static int
insert_spooled(struct bulk *b, const struct spooled *h, struct item *items,
    struct ipp_complaint_item *pass, char **errp)
{
	struct group *g = &b->groups[h->group];
	struct ipp_complaint_request q = group_request(g);
	size_t i, clashes = 0;
	int64_t id = 0;
	char *why;
	int rc;

	q.nevidence = b->o->dry_run ? 0 : h->nevidence;
	for (i = 0; i < h->nurls; i++) {
		pass[i].input = items[i].input;
		pass[i].url = &items[i].url;
		pass[i].clash = 0;
	}
	if ((rc = ipp_complaint_insert(b->s, b->who, &q, &g->checked, pass,
	    h->nurls, &id, &clashes, errp)) != IPP_OK)
		return rc;
	for (i = 0; clashes > 0 && i < h->nurls; i++) {
		if (pass[i].clash == 0)
			continue;
		why = ipp_strdup_printf("already in open complaint %lld "
		    "(rule C5)", (long long)pass[i].clash);
		refuse(b, items[i].line, why ? why : "already in an open "
		    "complaint (rule C5)");
		free(why);
	}
	if (clashes == h->nurls)
		return IPP_OK;
	return remember_filed(b, h->group, h->nurls - clashes, id, errp);
}

/* Tells of the complaints the transaction filed, and forgets them. */
static int
tell_filed(struct bulk *b, int committed, char **errp)
{
	struct ipp_complaint_request q;
	size_t i;
	int rc = IPP_OK;

	for (i = 0; i < b->nfiled; i++) {
		b->res->complaints++;
		b->res->urls += (long)b->filed[i].nurls;
		q = group_request(&b->groups[b->filed[i].group]);
		if (rc == IPP_OK && b->on_complaint != NULL)
			rc = b->on_complaint(b->arg, committed ?
			    b->filed[i].id : 0, &q,
			    b->groups[b->filed[i].group].checked.ipr.ipr_id,
			    b->filed[i].nurls);
	}
	b->nfiled = 0;
	return rc;
}

/*
 * Writes the spooled complaints in one short transaction that holds
 * inserts only: every check, live check and document is done already.
 * It commits unless this is a dry run, or a refusal met here must take
 * the whole import back (no drop_bad).
 */
static int
drain(struct bulk *b, char **errp)
{
	struct ipp_complaint_item *pass;
	struct item *items;
	struct spooled h;
	long refused = b->res->refused;
	char *inputs;
	int rc, more, commit;

	if (b->spooled == 0)
		return IPP_OK;
	pass = calloc(b->max_urls, sizeof(*pass));
	items = calloc(b->max_urls, sizeof(*items));
	/* Touched only as far as the inputs reach: a few pages. */
	inputs = malloc(b->max_urls * (IPP_URL_MAX + 1));
	if (pass == NULL || items == NULL || inputs == NULL) {
		free(pass);
		free(items);
		free(inputs);
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	if (fflush(b->spool) != 0) {
		rc = ipp_error(errp, IPP_ESYS, "cannot write the import's "
		    "temporary file: %m");
		goto out;
	}
	rewind(b->spool);
	/*
	 * The statement journal of each multi-row INSERT in memory: in a
	 * temporary file it was 3 writes a URL.  It holds one statement's
	 * pages at a time, a few dozen.
	 */
	if ((rc = ipp_store_exec(b->s, "PRAGMA temp_store = MEMORY",
	    errp)) != IPP_OK || (rc = ipp_store_begin(b->s, errp)) != IPP_OK)
		goto out;
	while ((more = spool_read(b, &h, items, inputs, errp)) == 1)
		if ((rc = insert_spooled(b, &h, items, pass, errp)) != IPP_OK)
			break;
	if (more < 0)
		rc = more;
	commit = rc == IPP_OK && !b->o->dry_run &&
	    (b->o->drop_bad || b->res->refused == refused);
	if (commit)
		rc = ipp_store_commit(b->s, errp);
	else
		ipp_store_rollback(b->s);
	if (rc == IPP_OK && (commit || b->o->dry_run))
		rc = tell_filed(b, commit, errp);
	b->nfiled = 0;
	if (rc == IPP_OK)
		rc = spool_reset(b, errp);
	ipp_store_exec(b->s, "PRAGMA temp_store = DEFAULT", NULL);
out:
	free(pass);
	free(items);
	free(inputs);
	return rc;
}

/* Checks the group's waiting URLs and spools those that pass. */
static int
flush(struct bulk *b, struct group *g, char **errp)
{
	struct ipp_probe_row *live = NULL;
	const struct item **pass = NULL;
	const char **canonical = NULL;
	int64_t *earlier = NULL;
	size_t i, n = 0, waiting = g->nitems;
	char *why = NULL;
	int rc;

	if (g->nitems == 0)
		return IPP_OK;
	if ((pass = calloc(g->nitems, sizeof(*pass))) == NULL ||
	    (canonical = calloc(g->nitems, sizeof(*canonical))) == NULL ||
	    (earlier = calloc(g->nitems, sizeof(*earlier))) == NULL) {
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
		goto out;
	}
	for (i = 0; i < g->nitems; i++)
		canonical[i] = g->items[i].url.canonical;
	/*
	 * One snapshot for the group's reads (C5, C9), and C5's lookups of
	 * all its URLs in one statement, so that a duplicate is refused as
	 * such, in file order, before C9 counts what is left.
	 */
	if ((rc = check_live(b, g, &live, errp)) != IPP_OK ||
	    (rc = ipp_store_begin_read(b->s, errp)) != IPP_OK)
		goto out;
	if ((rc = ipp_complaint_open_duplicates(b->s, b->who->account_id,
	    canonical, g->nitems, earlier, errp)) != IPP_OK) {
		ipp_store_rollback(b->s);
		goto out;
	}
	for (i = 0; i < g->nitems; i++) {
		if ((rc = late_refusal(earlier[i], live ? &live[i] : NULL,
		    &why, errp)) != IPP_OK) {
			ipp_store_rollback(b->s);
			goto out;
		}
		if (why != NULL) {
			refuse(b, g->items[i].line, why);
			free(why);
			why = NULL;
			continue;
		}
		pass[n++] = &g->items[i];
	}
	if (n == 0) {
		ipp_store_rollback(b->s);	/* the reads' end */
		goto out;
	}
	if ((rc = ipp_complaint_check_size(b->s, b->who, n,
	    b->o->force, &why)) != IPP_OK) {
		ipp_store_rollback(b->s);	/* the reads' end */
		/* A rule refuses the rows; a failing system stops the run. */
		if (rc == IPP_ESTORE || rc == IPP_ESYS) {
			rc = ipp_error(errp, rc, "%s", why != NULL ? why :
			    "cannot check the complaint's size");
			goto out;
		}
		rc = IPP_OK;
		for (i = 0; i < n; i++)
			refuse(b, pass[i]->line, why);
		goto out;
	}
	ipp_store_rollback(b->s);	/* the reads' end */
	/* Filed only if nothing is refused: documents wait till then. */
	if (b->o->drop_bad && (rc = store_evidence(b, g, errp)) != IPP_OK)
		goto out;
	/* Once per complaint (I6). */
	if (b->o->on_warning != NULL &&
	    (why = ipp_complaint_other_warning(&g->checked)) != NULL) {
		b->o->on_warning(b->arg, ipp_records_name(b->in), pass[0]->line,
		    why);
		free(why);
		why = NULL;
	}
	if ((rc = spool_write(b, (size_t)(g - b->groups), pass, n, errp)))
		goto out;
	if (b->o->drop_bad && b->spooled >= COMMIT_URLS)
		rc = drain(b, errp);
out:
	for (i = 0; i < g->nitems; i++)
		free(g->items[i].input);
	g->nitems = 0;
	memset(g->slots, 0, g->nslots * sizeof(*g->slots));
	ipp_probe_free(live, live ? waiting : 0);
	free(why);
	free(pass);
	free(canonical);
	free(earlier);
	return rc;
}

static const char *
missing_rule(enum column c)
{
	return c == C_URL ? "C5" : c == C_PLATFORM ? "C1" : c == C_IPR ?
	    "I7" : c == C_TARGET ? "C3" : "C4";
}

/*
 * C5 within a group: the slot of the waiting URL with its canonical
 * form, or the empty slot where it goes (a hash table, not a scan of
 * the waiting URLs: that was a tenth of the import's time).
 */
static uint32_t *
same_listing(struct group *g, struct item *it)
{
	size_t i;

	it->hash = fnv1a(14695981039346656037ULL, it->url.canonical);
	for (i = (size_t)it->hash & (g->nslots - 1); g->slots[i] != 0;
	    i = (i + 1) & (g->nslots - 1))
		if (g->items[g->slots[i] - 1].hash == it->hash &&
		    strcmp(g->items[g->slots[i] - 1].url.canonical,
		    it->url.canonical) == 0)
			break;
	return &g->slots[i];
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
	uint32_t *slot = NULL;
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
	if (why == NULL && (slot = same_listing(g, it)) != NULL &&
	    *slot != 0)
		why = ipp_strdup_printf("the same listing as line %lu "
		    "(rule C5)", g->items[*slot - 1].line);
	if (why != NULL) {
		refuse(b, line, why);
		free(why);
		return IPP_OK;
	}
	if ((it->input = strdup(field(b, C_URL))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	it->line = line;
	*slot = (uint32_t)++g->nitems;
	if (g->nitems == b->max_urls)
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
	/* All or nothing: the documents once no row is refused, then all. */
	if (!b->o->drop_bad && b->res->refused > 0 && !b->o->dry_run)
		return IPP_OK;
	for (i = 0; !b->o->drop_bad && i < b->ngroups; i++)
		if ((rc = store_evidence(b, &b->groups[i], errp)) != IPP_OK)
			return rc;
	return drain(b, errp);
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
	b.spoolbuf = malloc(SPOOL_BUF);	/* stdio's own, if NULL */
	if ((rc = spool_open(&b.spool, b.spoolbuf, errp)) != IPP_OK) {
		free(b.spoolbuf);
		return rc;
	}
	if ((rc = ipp_records_open(&b.in, fp, name, errp)) == IPP_OK &&
	    (rc = map_columns(&b, errp)) == IPP_OK)
		rc = read_all(&b, errp);
	if (rc == IPP_OK && res->refused > 0)
		rc = ipp_error(errp, IPP_EREFUSED, "%s: %ld of %ld rows refused%s",
		    name, res->refused, res->rows, o->drop_bad || o->dry_run ?
		    "" : ": nothing filed (file the rest with --drop-bad)");
	for (i = 0; i < b.ngroups; i++)
		group_release(&b.groups[i]);
	free(b.groups);
	free(b.filed);
	fclose(b.spool);
	free(b.spoolbuf);
	ipp_records_close(b.in);
	return rc;
}
