#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "probe.h"
#include "settings.h"
#include "banned.h"

const char *const ipp_probe_columns[] = {
	"url", "platform", "region", "target", "listing_id", "canonical_url",
	"structure", "live", "http_status", "note",
};
const size_t ipp_probe_ncolumns =
    sizeof(ipp_probe_columns) / sizeof(ipp_probe_columns[0]);

static int
push(char ***urls, size_t *n, size_t *cap, const char *url, size_t len,
    char **errp)
{
	char **grown;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		if ((grown = realloc(*urls, *cap * sizeof(*grown))) == NULL)
			return ipp_error(errp, IPP_ESYS, "out of memory");
		*urls = grown;
	}
	if (((*urls)[*n] = strndup(url, len)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	(*n)++;
	return IPP_OK;
}

#define LINE_MAX_BYTES	(16 << 20)	/* as the TSV reader's */
#define STREAM_CHUNK	4096		/* URLs probed at a time */

struct ipp_probe_reader {
	FILE			*fp;		/* the input */
	char			*name;		/* for messages */
	char			*line;		/* the current plain line */
	size_t			 cap;
	unsigned long		 lineno;
	int			 pending;	/* line holds an unused line */
	struct ipp_tsv_reader	*tsv;		/* TSV input, else NULL */
	FILE			*replay;	/* the first line, then fp */
	int			 col;		/* its url column */
};

/* The next line of fp into r->line, without its LF: 1, 0, or an error. */
static int
read_line(struct ipp_probe_reader *r, char **errp)
{
	size_t len = 0, cap;
	char *grown;

	for (;;) {
		if (r->cap - len < 2) {
			if (r->cap >= LINE_MAX_BYTES)
				return ipp_error(errp, IPP_EINPUT, "%s:%lu: line "
				    "longer than %d MiB", r->name, r->lineno + 1,
				    LINE_MAX_BYTES >> 20);
			cap = r->cap ? r->cap * 2 : 4096;
			if ((grown = realloc(r->line, cap)) == NULL)
				return ipp_error(errp, IPP_ESYS, "out of memory");
			r->line = grown;
			r->cap = cap;
		}
		if (fgets(r->line + len, (int)(r->cap - len), r->fp) == NULL) {
			if (ferror(r->fp))
				return ipp_error(errp, IPP_ESYS, "%s: read error",
				    r->name);
			if (len == 0)
				return 0;
			break;		/* a last line without its LF */
		}
		len += strlen(r->line + len);
		if (len > 0 && r->line[len - 1] == '\n') {
			r->line[--len] = '\0';
			break;
		}
	}
	r->lineno++;
	return 1;
}

/* The TSV reader reads the first line again, then the rest of fp. */
struct replay {
	char	*text;		/* the first line and its LF */
	size_t	 len, off;
	FILE	*fp;
};

static ssize_t
replay_read(void *cookie, char *buf, size_t size)
{
	struct replay *rp = cookie;
	size_t n;

	if (rp->off < rp->len) {
		n = rp->len - rp->off < size ? rp->len - rp->off : size;
		memcpy(buf, rp->text + rp->off, n);
		rp->off += n;
		return (ssize_t)n;
	}
	n = fread(buf, 1, size, rp->fp);
	return n == 0 && ferror(rp->fp) ? -1 : (ssize_t)n;
}

static int
replay_close(void *cookie)
{
	struct replay *rp = cookie;

	free(rp->text);
	free(rp);
	return 0;
}

static int
open_tsv(struct ipp_probe_reader *r, size_t len, char **errp)
{
	static const cookie_io_functions_t io = {
		.read = replay_read,
		.close = replay_close,
	};
	struct replay *rp;
	int rc;

	if ((rp = calloc(1, sizeof(*rp))) == NULL ||
	    (rp->text = malloc(len + 1)) == NULL) {
		free(rp);
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	memcpy(rp->text, r->line, len);
	rp->text[len] = '\n';
	rp->len = len + 1;
	rp->fp = r->fp;
	if ((r->replay = fopencookie(rp, "r", io)) == NULL) {
		replay_close(rp);
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	if ((rc = ipp_tsv_reader_open(&r->tsv, r->replay, r->name,
	    errp)) != IPP_OK)
		return rc;
	return ipp_tsv_require(r->tsv, "url", &r->col, errp);
}

int
ipp_probe_reader_open(struct ipp_probe_reader **rp, FILE *fp,
    const char *name, char **errp)
{
	struct ipp_probe_reader *r;
	size_t len;
	int rc;

	*rp = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->name = strdup(name)) == NULL) {
		free(r);
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	r->fp = fp;
	/* The first line tells: a tab, or just "url", makes it TSV. */
	if ((rc = read_line(r, errp)) < 0) {
		ipp_probe_reader_close(r);
		return rc;
	}
	len = rc == 1 ? strlen(r->line) : 0;
	if (rc == 1 && (memchr(r->line, '\t', len) != NULL ||
	    strcmp(r->line, "url") == 0)) {
		if ((rc = open_tsv(r, len, errp)) != IPP_OK) {
			ipp_probe_reader_close(r);
			return rc;
		}
	} else
		r->pending = rc == 1;
	*rp = r;
	return IPP_OK;
}

int
ipp_probe_reader_next(struct ipp_probe_reader *r, const char **url,
    char **errp)
{
	char *s, *e;
	int rc;

	if (r->tsv != NULL) {
		if ((rc = ipp_tsv_next(r->tsv, errp)) != 1)
			return rc;
		*url = ipp_tsv_field(r->tsv, (size_t)r->col);
		if (*url == NULL)
			*url = "";
		return 1;
	}
	for (;;) {
		if (r->pending)
			r->pending = 0;
		else if ((rc = read_line(r, errp)) != 1)
			return rc;
		for (s = r->line; *s == ' ' || *s == '\t'; s++)
			;
		for (e = s + strlen(s); e > s && (e[-1] == ' ' ||
		    e[-1] == '\t' || e[-1] == '\r'); e--)
			;
		*e = '\0';
		if (e == s || *s == '#')
			continue;	/* blank lines, comments */
		*url = s;
		return 1;
	}
}

void
ipp_probe_reader_close(struct ipp_probe_reader *r)
{
	if (r == NULL)
		return;
	ipp_tsv_reader_close(r->tsv);
	if (r->replay != NULL)
		fclose(r->replay);
	free(r->line);
	free(r->name);
	free(r);
}

int
ipp_probe_read(FILE *fp, const char *name, char ***urls, size_t *nurls,
    char **errp)
{
	struct ipp_probe_reader *r;
	const char *url;
	size_t cap = 0;
	int rc;

	*urls = NULL;
	*nurls = 0;
	if ((rc = ipp_probe_reader_open(&r, fp, name, errp)) != IPP_OK)
		return rc;
	while ((rc = ipp_probe_reader_next(r, &url, errp)) == 1)
		if ((rc = push(urls, nurls, &cap, url, strlen(url),
		    errp)) != IPP_OK)
			break;
	ipp_probe_reader_close(r);
	if (rc < 0) {
		ipp_probe_free_urls(*urls, *nurls);
		*urls = NULL;
		*nurls = 0;
		return rc;
	}
	return IPP_OK;
}

int
ipp_probe_stream(struct ipp_store *s, struct ipp_probe_reader *r, int check,
    ipp_http_progress_fn *progress, void *arg, struct ipp_tsv_writer *w,
    int *failed, char **errp)
{
	struct ipp_probe_row *rows;
	const char *url;
	char **urls;
	size_t i, n;
	int rc, more = 1;

	*failed = 0;
	if ((urls = calloc(STREAM_CHUNK, sizeof(*urls))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	for (rc = IPP_OK; rc == IPP_OK && more; ) {
		for (n = 0; n < STREAM_CHUNK &&
		    (more = ipp_probe_reader_next(r, &url, errp)) == 1; n++)
			if ((urls[n] = strdup(url)) == NULL) {
				more = ipp_error(errp, IPP_ESYS, "out of memory");
				break;
			}
		if (more < 0)
			rc = more;
		if (rc == IPP_OK && n > 0 && (rc = ipp_probe_run(s, urls, n,
		    check, progress, arg, &rows, errp)) == IPP_OK) {
			for (i = 0; rc == IPP_OK && i < n; i++) {
				rc = ipp_probe_write_row(w, &rows[i], errp);
				*failed |= ipp_probe_row_failed(&rows[i]);
			}
			ipp_probe_free(rows, n);
		}
		for (i = 0; i < n; i++)
			free(urls[i]);
	}
	free(urls);
	return rc;
}

int
ipp_probe_read_args(char *const *args, size_t n, char ***urls,
    size_t *nurls, char **errp)
{
	size_t i, cap = 0;
	int rc;

	*urls = NULL;
	*nurls = 0;
	for (i = 0; i < n; i++) {
		if ((rc = push(urls, nurls, &cap, args[i], strlen(args[i]),
		    errp)) != IPP_OK) {
			ipp_probe_free_urls(*urls, *nurls);
			*urls = NULL;
			*nurls = 0;
			return rc;
		}
	}
	return IPP_OK;
}

void
ipp_probe_free_urls(char **urls, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(urls[i]);
	free(urls);
}

int
ipp_probe_options(struct ipp_store *s, struct ipp_http_options *o,
    char **errp)
{
	const struct ipp_http_setting *st;
	long long v;
	size_t i;
	int rc;

	ipp_http_builtin(o);
	for (i = 0; s != NULL && i < ipp_http_nsettings; i++) {
		st = &ipp_http_settings[i];
		if ((rc = ipp_settings_int(s, st->name, &v, errp)) != IPP_OK)
			return rc;
		if (st->is_long)
			*(long *)(void *)((char *)o + st->offset) = (long)v;
		else
			*(int *)(void *)((char *)o + st->offset) = (int)v;
	}
	/* The environment wins over the store, for one-off runs. */
	ipp_http_environment(o);
	return IPP_OK;
}

/* The platform's not-found page: the store's setting, else built in. */
static int
gone_page(struct ipp_store *s, const char *platform, char **page,
    char **errp)
{
	char name[64];
	int rc;

	*page = NULL;
	if (s != NULL) {
		snprintf(name, sizeof(name), "gone_page_%s", platform);
		rc = ipp_settings_text(s, name, page, errp);
		if (rc != IPP_OK && rc != IPP_ENOTFOUND)
			return rc;
		if (*page != NULL && **page != '\0')
			return IPP_OK;
		free(*page);
	}
	*page = ipp_url_gone_page(platform) ?
	    strdup(ipp_url_gone_page(platform)) : NULL;
	return IPP_OK;
}

static int
parse_all(struct ipp_probe_row *rows, char *const *urls, size_t n,
    char **errp)
{
	char *why;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		why = NULL;
		if ((rows[i].input = strdup(urls[i])) == NULL)
			return ipp_error(errp, IPP_ESYS, "out of memory");
		rc = ipp_url_parse(urls[i], &rows[i].url, &why);
		/* A refusal is the URL's verdict; anything else stops. */
		if (rc != IPP_OK && rc != IPP_EREFUSED) {
			rc = ipp_error(errp, rc, "%s", why != NULL ? why :
			    "cannot parse a URL");
			free(why);
			return rc;
		}
		rows[i].parsed = rc == IPP_OK;
		rows[i].structure = rows[i].parsed ? strdup("ok") : why;
		if (rows[i].parsed)
			free(why);
		if (rows[i].structure == NULL)
			return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	return IPP_OK;
}

int
ipp_probe_run(struct ipp_store *s, char *const *urls, size_t n, int check,
    ipp_http_progress_fn *progress, void *arg, struct ipp_probe_row **rowsp,
    char **errp)
{
	struct ipp_http_options o;
	struct ipp_http_check *checks = NULL;
	struct ipp_probe_row *rows;
	char **pages = NULL;
	size_t i, k = 0;
	int rc;

	*rowsp = NULL;
	if ((rows = calloc(n ? n : 1, sizeof(*rows))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	if ((rc = parse_all(rows, urls, n, errp)) != IPP_OK || !check)
		goto out;
	if ((rc = ipp_probe_options(s, &o, errp)) != IPP_OK)
		goto out;
	checks = calloc(n ? n : 1, sizeof(*checks));
	pages = calloc(n ? n : 1, sizeof(*pages));
	if (checks == NULL || pages == NULL) {
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
		goto out;
	}
	/* Only well-formed URLs are fetched, and by their canonical form. */
	for (i = 0; i < n; i++) {
		if (!rows[i].parsed)
			continue;
		if ((rc = gone_page(s, rows[i].url.platform, &pages[k], errp)))
			goto out;
		checks[k].url = rows[i].url.canonical;
		checks[k].gone_page = pages[k];
		k++;
	}
	if ((rc = ipp_http_check_all(checks, k, &o, progress, arg, errp)))
		goto out;
	for (i = 0, k = 0; i < n; i++) {
		if (!rows[i].parsed)
			continue;
		rows[i].check = checks[k++];
		rows[i].check.url = NULL;
		rows[i].check.gone_page = NULL;
		rows[i].checked = 1;
	}
out:
	for (i = 0; pages != NULL && i < n; i++)
		free(pages[i]);
	free(pages);
	free(checks);
	if (rc != IPP_OK) {
		ipp_probe_free(rows, n);
		return rc;
	}
	*rowsp = rows;
	return IPP_OK;
}

void
ipp_probe_free(struct ipp_probe_row *rows, size_t n)
{
	size_t i;

	for (i = 0; rows != NULL && i < n; i++) {
		free(rows[i].input);
		free(rows[i].structure);
	}
	free(rows);
}

int
ipp_probe_row_failed(const struct ipp_probe_row *row)
{
	return !row->parsed || (row->checked &&
	    row->check.verdict != IPP_HTTP_LIVE);
}

static const char *
verdict_name(const struct ipp_probe_row *row)
{
	if (!row->checked)
		return "unchecked";
	switch (row->check.verdict) {
	case IPP_HTTP_LIVE:
		return "live";
	case IPP_HTTP_GONE:
		return "gone";
	default:
		return "error";
	}
}

int
ipp_probe_write_row(struct ipp_tsv_writer *w, const struct ipp_probe_row *r,
    char **errp)
{
	char status[16];
	const struct ipp_url *u = r->parsed ? &r->url : NULL;

	snprintf(status, sizeof(status), "%ld", r->check.status);
	ipp_tsv_write_field(w, r->input);
	ipp_tsv_write_field(w, u ? u->platform : NULL);
	ipp_tsv_write_field(w, u && u->region[0] ? u->region : NULL);
	ipp_tsv_write_field(w, u ? u->target : NULL);
	ipp_tsv_write_field(w, u ? u->id : NULL);
	ipp_tsv_write_field(w, u ? u->canonical : NULL);
	ipp_tsv_write_field(w, r->structure);
	ipp_tsv_write_field(w, verdict_name(r));
	ipp_tsv_write_field(w, r->checked && r->check.status ? status : NULL);
	ipp_tsv_write_field(w, r->checked && r->check.note[0] ?
	    r->check.note : NULL);
	return ipp_tsv_end_row(w, errp);
}
