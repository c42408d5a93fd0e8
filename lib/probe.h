/*
 * Probing listing URLs before they are filed (C5, C6): each URL's
 * structure by the URL module, then, unless told not to, a live check
 * of its canonical form by the HTTP module.  ipp-complain probe writes
 * the rows; filing (ipp-complain new, check, import) refuses on them.
 */
#ifndef IPP_PROBE_H
#define IPP_PROBE_H

#include <stddef.h>
#include <stdio.h>

#include "http.h"
#include "store.h"
#include "tsv.h"
#include "url.h"

struct ipp_probe_row {
	char			*input;		/* the URL as given */
	int			 parsed;	/* 1: structure ok */
	struct ipp_url		 url;		/* when parsed */
	char			*structure;	/* "ok", or why it was refused */
	int			 checked;	/* 1: a live check ran */
	struct ipp_http_check	 check;		/* its verdict */
};

/* The columns ipp-complain probe writes, in order (ipp-tsv(5)). */
extern const char *const ipp_probe_columns[];
extern const size_t ipp_probe_ncolumns;

/*
 * A stream of URLs to probe from fp: one a line (blank lines and lines
 * starting with '#' skipped), or TSV whose header has a `url` column
 * (told by a tab in the first line, or a first line of just "url").
 * Memory is bounded by the longest line; a line over 16 MiB is IPP_EINPUT
 * ("NAME:LINE: line longer than 16 MiB").  ipp_probe_reader_next gives
 * the next URL (valid until the next call): 1, 0 at the end, or an error.
 */
struct ipp_probe_reader;
int ipp_probe_reader_open(struct ipp_probe_reader **rp, FILE *fp,
    const char *name, char **errp);
int ipp_probe_reader_next(struct ipp_probe_reader *r, const char **url,
    char **errp);
void ipp_probe_reader_close(struct ipp_probe_reader *r);

/* All the URLs of such a stream (what new and check read: at most 300). */
int ipp_probe_read(FILE *fp, const char *name, char ***urls, size_t *nurls,
    char **errp);
/* The same from arguments: copies of args[0..n). */
int ipp_probe_read_args(char *const *args, size_t n, char ***urls,
    size_t *nurls, char **errp);
void ipp_probe_free_urls(char **urls, size_t n);

/*
 * The live-check options: built-in defaults, then the store's settings
 * (when s is not NULL), then the environment (IPP_ALLOW_PRIVATE,
 * IPP_CA_BUNDLE, IPP_CONNECT_TO, IPP_HTTP_CONCURRENCY, IPP_HTTP_PER_HOST).
 */
int ipp_probe_options(struct ipp_store *s, struct ipp_http_options *o,
    char **errp);

/*
 * Parses every URL and, when check is set, checks the well-formed ones
 * live.  *rows (n of them, input order) is malloc'd; free with
 * ipp_probe_free.  Returns IPP_OK whatever the verdicts.
 */
int ipp_probe_run(struct ipp_store *s, char *const *urls, size_t n,
    int check, ipp_http_progress_fn *progress, void *arg,
    struct ipp_probe_row **rows, char **errp);
void ipp_probe_free(struct ipp_probe_row *rows, size_t n);

/*
 * Probes a stream a few thousand URLs at a time, writing each row as it
 * is judged, so that memory stays flat however long the input; *failed
 * is set when any row would be refused for filing.
 */
int ipp_probe_stream(struct ipp_store *s, struct ipp_probe_reader *r,
    int check, ipp_http_progress_fn *progress, void *arg,
    struct ipp_tsv_writer *w, int *failed, char **errp);

/* 1 when a row would be refused for filing: bad structure, or not live. */
int ipp_probe_row_failed(const struct ipp_probe_row *row);

/* Writes one row in ipp_probe_columns order. */
int ipp_probe_write_row(struct ipp_tsv_writer *w,
    const struct ipp_probe_row *row, char **errp);

#endif
