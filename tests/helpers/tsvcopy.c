/*
 * tsvcopy: reads TSV on standard input with the library and writes every
 * record back to standard output under the same header, so that what
 * comes out is the canonical form of what went in.  Used by the TSV
 * benchmark and the end-to-end tests.  On an error it prints the message
 * and exits with the status the man pages document (4 for bad input).
 * With IPP_TSVCOPY_RSS set it prints its peak resident set size to
 * standard error at the end ("tsvcopy: peak rss 1234 KiB").
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>

#include "err.h"
#include "tsv.h"
#include "banned.h"

static int
copy(struct ipp_tsv_reader *r, struct ipp_tsv_writer *w, char **errp)
{
	size_t i, n = ipp_tsv_ncolumns(r);
	int rc;

	while ((rc = ipp_tsv_next(r, errp)) == 1) {
		for (i = 0; i < n; i++)
			ipp_tsv_write_field_len(w, ipp_tsv_field(r, i),
			    ipp_tsv_field_len(r, i));
		if ((rc = ipp_tsv_end_row(w, errp)) != IPP_OK)
			return rc;
	}
	return rc;
}

int
main(void)
{
	struct ipp_tsv_reader *r;
	struct ipp_tsv_writer *w = NULL;
	struct rusage ru;
	const char **names = NULL;
	char *err = NULL;
	size_t i, n;
	int rc;

	if ((rc = ipp_tsv_reader_open(&r, stdin, "<stdin>", &err)) != IPP_OK)
		goto out;
	n = ipp_tsv_ncolumns(r);
	if ((names = calloc(n, sizeof(*names))) == NULL) {
		rc = ipp_error(&err, IPP_ESYS, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		names[i] = ipp_tsv_column_name(r, i);
	if ((rc = ipp_tsv_writer_open(&w, stdout, names, n, &err)) != IPP_OK)
		goto out;
	rc = copy(r, w, &err);
	if (ipp_tsv_writer_close(w, rc == IPP_OK ? &err : NULL) != IPP_OK &&
	    rc == IPP_OK)
		rc = IPP_ESYS;
out:
	ipp_tsv_reader_close(r);
	free(names);
	if (rc != IPP_OK)
		fprintf(stderr, "tsvcopy: %s\n", err != NULL ? err : "error");
	free(err);
	if (getenv("IPP_TSVCOPY_RSS") != NULL &&
	    getrusage(RUSAGE_SELF, &ru) == 0)
		fprintf(stderr, "tsvcopy: peak rss %ld KiB\n", ru.ru_maxrss);
	return ipp_exit_status(rc);
}
