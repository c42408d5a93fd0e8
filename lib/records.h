/*
 * Rows of a bulk-import file, by column name: CSV (parsed by libcsv) or
 * TSV (ipp-tsv(5), through the TSV reader).  The one reader for imports
 * (ipp-ipr import, ipp-complain import), so both accept the same files.
 *
 * The format comes from the name (.csv, .tsv, .tab) and otherwise from
 * the header line: a tab makes it TSV.  CSV headers are matched loosely
 * (spreadsheets): trimmed, lower-cased, spaces and hyphens made '_'.
 * Memory is bounded by the longest row, not the file.
 */
#ifndef IPP_RECORDS_H
#define IPP_RECORDS_H

#include <stddef.h>
#include <stdio.h>

struct ipp_records;

/* Opens a reader on fp and reads the header; name labels messages. */
int ipp_records_open(struct ipp_records **rp, FILE *fp, const char *name,
    char **errp);
void ipp_records_close(struct ipp_records *r);

size_t ipp_records_columns(const struct ipp_records *r);
const char *ipp_records_column_name(const struct ipp_records *r, size_t i);
/* Index of a column by name, -1 when absent. */
int ipp_records_column(const struct ipp_records *r, const char *name);

/* Next row: 1 read, 0 at the end, negative on error ("NAME:LINE: what"). */
int ipp_records_next(struct ipp_records *r, char **errp);

/*
 * Field i of the current row: NUL-terminated, NULL for TSV's \N and for
 * a column the CSV row is too short to have.  Valid until the next row.
 */
const char *ipp_records_field(const struct ipp_records *r, size_t i);

/* The line on which the current row starts (the header is line 1). */
unsigned long ipp_records_line(const struct ipp_records *r);
const char *ipp_records_name(const struct ipp_records *r);
/* 1 when the input is CSV, 0 for TSV. */
int ipp_records_is_csv(const struct ipp_records *r);

#endif
