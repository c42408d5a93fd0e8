/*
 * libFuzzer harness for the TSV reader and writer (ipp-tsv(5), issue 12).
 * Whatever the bytes, the reader either reads records or stops with
 * IPP_EINPUT (IPP_ESYS for memory) and a message "in.tsv: ..." or
 * "in.tsv:LINE: ..."; every record it reads has the header's number of
 * fields, none holding a NUL byte; and what it read, written again by the
 * writer (as TSV and as CSV for a spreadsheet), reads back the same: the
 * TSV with this reader, the CSV with libcsv, each cell as it was but for
 * the quote in front of a formula.  A broken promise aborts.
 *
 * `make fuzz` runs it under libFuzzer; make check replays
 * tests/fuzz/corpus/tsv through tests/helpers/fuzzreplay_tsv.c.
 */
#include <csv.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tsv.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX	(64 * 1024)
#define FUZZ_COLS	64		/* records kept for the round trip */
#define FUZZ_ROWS	64

static const char *fuzz_input;

#define CHECK(c) do { \
	if (!(c)) { \
		fprintf(stderr, "fuzz_tsv: %s%s%s:%d: failed: %s\n", \
		    fuzz_input ? fuzz_input : "", fuzz_input ? ": " : "", \
		    __FILE__, __LINE__, #c); \
		abort(); \
	} \
} while (0)

/* What the reader read: the header, and the first rows' fields. */
struct table {
	size_t	 ncols;
	size_t	 nrows;
	char	*name[FUZZ_COLS];
	char	*cell[FUZZ_ROWS][FUZZ_COLS];	/* NULL for \N */
	size_t	 len[FUZZ_ROWS][FUZZ_COLS];
};

static void
table_free(struct table *t)
{
	size_t i, j;

	for (j = 0; j < t->ncols; j++)
		free(t->name[j]);
	for (i = 0; i < t->nrows; i++)
		for (j = 0; j < t->ncols; j++)
			free(t->cell[i][j]);
}

static char *
copy(const char *s, size_t len)
{
	char *p;

	CHECK((p = malloc(len + 1)) != NULL);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* Reads a whole stream; 1 when it was valid TSV, kept in t. */
static int
read_all(const char *buf, size_t len, struct table *t)
{
	struct ipp_tsv_reader *r;
	const char *f;
	char *err = NULL;
	size_t j, ncols;
	FILE *fp;
	int rc;

	memset(t, 0, sizeof(*t));
	if (len == 0)
		CHECK((fp = fopen("/dev/null", "r")) != NULL);
	else
		CHECK((fp = fmemopen((void *)buf, len, "r")) != NULL);
	rc = ipp_tsv_reader_open(&r, fp, "in.tsv", &err);
	if (rc != IPP_OK) {
		CHECK(rc == IPP_EINPUT || rc == IPP_ESYS);
		CHECK(err != NULL && strncmp(err, "in.tsv:", 7) == 0);
		free(err);
		fclose(fp);
		return 0;
	}
	ncols = ipp_tsv_ncolumns(r);
	CHECK(ncols >= 1 && ncols <= 4096);
	t->ncols = ncols < FUZZ_COLS ? ncols : 0;
	for (j = 0; j < t->ncols; j++)
		t->name[j] = copy(ipp_tsv_column_name(r, j),
		    strlen(ipp_tsv_column_name(r, j)));
	while ((rc = ipp_tsv_next(r, &err)) == 1) {
		CHECK(ipp_tsv_line(r) >= 2);
		for (j = 0; j < ncols; j++) {
			f = ipp_tsv_field(r, j);
			CHECK(f != NULL || ipp_tsv_field_len(r, j) == 0);
			CHECK(f == NULL || strlen(f) == ipp_tsv_field_len(r, j));
		}
		CHECK(ipp_tsv_field(r, ncols) == NULL);
		if (t->ncols == 0 || t->nrows == FUZZ_ROWS)
			continue;
		for (j = 0; j < t->ncols; j++) {
			f = ipp_tsv_field(r, j);
			t->len[t->nrows][j] = ipp_tsv_field_len(r, j);
			t->cell[t->nrows][j] = f ? copy(f, t->len[t->nrows][j]) :
			    NULL;
		}
		t->nrows++;
	}
	if (rc != 0) {
		CHECK(rc == IPP_EINPUT || rc == IPP_ESYS);
		CHECK(err != NULL && strncmp(err, "in.tsv:", 7) == 0);
		/* After an error, the same error. */
		CHECK(ipp_tsv_next(r, NULL) == rc);
		free(err);
	}
	ipp_tsv_reader_close(r);
	fclose(fp);
	return rc == 0;
}

/* Writes t in format; the text in *out. */
static void
write_all(const struct table *t, enum ipp_tsv_format format, char **out,
    size_t *outlen)
{
	struct ipp_tsv_writer *w;
	char *err = NULL;
	size_t i, j;
	FILE *fp;

	CHECK((fp = open_memstream(out, outlen)) != NULL);
	CHECK(ipp_tsv_writer_open_as(&w, fp, format,
	    (const char *const *)t->name, t->ncols, &err) == IPP_OK);
	for (i = 0; i < t->nrows; i++) {
		for (j = 0; j < t->ncols; j++)
			CHECK(ipp_tsv_write_field_len(w, t->cell[i][j],
			    t->len[i][j]) == IPP_OK);
		CHECK(ipp_tsv_end_row(w, &err) == IPP_OK);
	}
	CHECK(ipp_tsv_writer_close(w, &err) == IPP_OK);
	CHECK(fclose(fp) == 0);
}

/* libcsv's cells, compared with the table as they arrive. */
struct csv_check {
	const struct table *t;
	size_t	 row;		/* 0: the header */
	size_t	 col;
};

static void
on_cell(void *s, size_t len, void *arg)
{
	struct csv_check *c = arg;
	const char *want;
	size_t wlen;

	CHECK(c->col < c->t->ncols);
	if (c->row == 0) {
		want = c->t->name[c->col];
		wlen = strlen(want);
	} else {
		CHECK(c->row <= c->t->nrows);
		want = c->t->cell[c->row - 1][c->col];
		wlen = c->t->len[c->row - 1][c->col];
		if (want == NULL)
			want = "";
	}
	if (wlen > 0 && strchr("=+-@\t\r", want[0]) != NULL) {
		/* Neutralised: a quote in front, the rest as it was. */
		CHECK(len == wlen + 1 && ((const char *)s)[0] == '\'');
		CHECK(memcmp((const char *)s + 1, want, wlen) == 0);
	} else {
		CHECK(len == wlen);
		CHECK(wlen == 0 || memcmp(s, want, wlen) == 0);
	}
	c->col++;
}

static void
on_row(int term, void *arg)
{
	struct csv_check *c = arg;

	CHECK(c->col == c->t->ncols);
	c->row++;
	c->col = 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct table t, again;
	struct csv_check cc;
	struct csv_parser p;
	char *out = NULL;
	size_t outlen = 0, i, j;

	if (size > FUZZ_MAX)
		size = FUZZ_MAX;
	if (!read_all((const char *)data, size, &t) || t.ncols == 0) {
		table_free(&t);
		return 0;
	}
	/* TSV: written and read again, the same header and fields. */
	write_all(&t, IPP_TSV_TEXT, &out, &outlen);
	CHECK(read_all(out, outlen, &again));
	CHECK(again.ncols == t.ncols && again.nrows == t.nrows);
	for (j = 0; j < t.ncols; j++)
		CHECK(strcmp(again.name[j], t.name[j]) == 0);
	for (i = 0; i < t.nrows; i++)
		for (j = 0; j < t.ncols; j++) {
			CHECK((again.cell[i][j] == NULL) == (t.cell[i][j] == NULL));
			CHECK(again.len[i][j] == t.len[i][j]);
			CHECK(t.len[i][j] == 0 || memcmp(again.cell[i][j],
			    t.cell[i][j], t.len[i][j]) == 0);
		}
	table_free(&again);
	free(out);

	/* CSV: RFC 4180 that libcsv reads strictly, cell for cell. */
	out = NULL;
	write_all(&t, IPP_TSV_CSV, &out, &outlen);
	memset(&cc, 0, sizeof(cc));
	cc.t = &t;
	CHECK(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) == 0);
	CHECK(csv_parse(&p, out, outlen, on_cell, on_row, &cc) == outlen);
	CHECK(csv_fini(&p, on_cell, on_row, &cc) == 0);
	csv_free(&p);
	CHECK(cc.row == t.nrows + 1);
	free(out);
	table_free(&t);
	return 0;
}
