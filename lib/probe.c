#include <stddef.h>
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

/* A TSV stream: its header names a url column. */
static int
read_tsv(FILE *fp, const char *name, char ***urls, size_t *n, size_t *cap,
    char **errp)
{
	struct ipp_tsv_reader *r;
	const char *url;
	int rc, col;

	if ((rc = ipp_tsv_reader_open(&r, fp, name, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_tsv_require(r, "url", &col, errp)) == IPP_OK) {
		while ((rc = ipp_tsv_next(r, errp)) == 1) {
			url = ipp_tsv_field(r, (size_t)col);
			if ((rc = push(urls, n, cap, url ? url : "", url ?
			    strlen(url) : 0, errp)) != IPP_OK)
				break;
		}
	}
	ipp_tsv_reader_close(r);
	return rc < 0 ? rc : IPP_OK;
}

/* Plain lines: one URL each, blanks and # comments skipped. */
static int
read_lines(const char *text, size_t len, char ***urls, size_t *n,
    size_t *cap, char **errp)
{
	const char *p = text, *end = text + len, *eol, *s, *e;
	int rc;

	for (; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		for (s = p; s < eol && (*s == ' ' || *s == '\t'); s++)
			;
		for (e = eol; e > s && (e[-1] == ' ' || e[-1] == '\t' ||
		    e[-1] == '\r'); e--)
			;
		if (e == s || *s == '#')
			continue;
		if ((rc = push(urls, n, cap, s, (size_t)(e - s), errp)))
			return rc;
	}
	return IPP_OK;
}

int
ipp_probe_read(FILE *fp, const char *name, char ***urls, size_t *nurls,
    char **errp)
{
	char *text = NULL;
	size_t len = 0, cap = 0, first;
	FILE *mem;
	ssize_t got;
	int rc;

	*urls = NULL;
	*nurls = 0;
	/* Whole input first: a probe list is thousands of lines, not more. */
	if ((mem = open_memstream(&text, &len)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	{
		char buf[65536];
		while ((got = (ssize_t)fread(buf, 1, sizeof(buf), fp)) > 0)
			fwrite(buf, 1, (size_t)got, mem);
	}
	fclose(mem);
	if (ferror(fp)) {
		free(text);
		return ipp_error(errp, IPP_EINPUT, "%s: read error", name);
	}
	first = strcspn(text, "\n");
	if (memchr(text, '\t', first) != NULL || (first == 3 &&
	    memcmp(text, "url", 3) == 0)) {
		if ((mem = fmemopen(text, len, "r")) == NULL)
			rc = ipp_error(errp, IPP_ESYS, "out of memory");
		else {
			rc = read_tsv(mem, name, urls, nurls, &cap, errp);
			fclose(mem);
		}
	} else
		rc = read_lines(text, len, urls, nurls, &cap, errp);
	free(text);
	if (rc != IPP_OK) {
		ipp_probe_free_urls(*urls, *nurls);
		*urls = NULL;
		*nurls = 0;
	}
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
