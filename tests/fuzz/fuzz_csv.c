/*
 * libFuzzer harness for the CSV import reader (lib/records.c, the one
 * reader of ipp-ipr import and ipp-complain import; issue 12).  Whatever
 * the bytes, read as "in.csv": the reader either reads rows or stops with
 * IPP_EINPUT (IPP_ESYS for memory) and a message "in.csv: ..." or
 * "in.csv:LINE: ..."; the header's names are distinct, of [a-z0-9_]+;
 * every row's fields are valid UTF-8 without a NUL, a row has no more
 * fields than the header, lines never go back; after an error, the same
 * error.  A broken promise aborts.
 *
 * `make fuzz` runs it under libFuzzer; make check replays
 * tests/fuzz/corpus/csv through tests/helpers/fuzzreplay_csv.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "records.h"
#include "tsv.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX	(64 * 1024)

static const char *fuzz_input;

#define CHECK(c) do { \
	if (!(c)) { \
		fprintf(stderr, "fuzz_csv: %s%s%s:%d: failed: %s\n", \
		    fuzz_input ? fuzz_input : "", fuzz_input ? ": " : "", \
		    __FILE__, __LINE__, #c); \
		abort(); \
	} \
} while (0)

static int
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + strlen(s);
	size_t n;

	while (p < e) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((n = ipp_tsv_utf8_len(p, e)) == 0)
			return 0;
		p += n;
	}
	return 1;
}

static int
good_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_'))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipp_records *r;
	const char *f;
	char *err = NULL;
	unsigned long line, last;
	size_t i, j, ncols;
	FILE *fp;
	int rc;

	if (size > FUZZ_MAX)
		size = FUZZ_MAX;
	if (size == 0)
		CHECK((fp = fopen("/dev/null", "r")) != NULL);
	else
		CHECK((fp = fmemopen((void *)data, size, "r")) != NULL);
	rc = ipp_records_open(&r, fp, "in.csv", &err);
	if (rc != IPP_OK) {
		CHECK(rc == IPP_EINPUT || rc == IPP_ESYS);
		CHECK(err != NULL && strncmp(err, "in.csv:", 7) == 0);
		free(err);
		fclose(fp);
		return 0;
	}
	CHECK(ipp_records_is_csv(r));
	ncols = ipp_records_ncolumns(r);
	CHECK(ncols >= 1);
	for (j = 0; j < ncols; j++) {
		CHECK(good_name(ipp_records_column_name(r, j)));
		CHECK(ipp_records_column(r, ipp_records_column_name(r, j)) ==
		    (int)j);
		for (i = 0; i < j; i++)
			CHECK(strcmp(ipp_records_column_name(r, i),
			    ipp_records_column_name(r, j)) != 0);
	}
	last = ipp_records_line(r);
	CHECK(last >= 1);
	while ((rc = ipp_records_next(r, &err)) == 1) {
		line = ipp_records_line(r);
		CHECK(line > last);
		last = line;
		for (j = 0; j < ncols; j++)
			if ((f = ipp_records_field(r, j)) != NULL)
				CHECK(valid_utf8(f));
		CHECK(ipp_records_field(r, ncols) == NULL);
	}
	if (rc != 0) {
		CHECK(rc == IPP_EINPUT || rc == IPP_ESYS);
		CHECK(err != NULL && strncmp(err, "in.csv:", 7) == 0);
		CHECK(ipp_records_next(r, NULL) == rc);
		free(err);
	}
	ipp_records_close(r);
	fclose(fp);
	return 0;
}
