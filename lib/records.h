/*
 * Rows of a bulk-import file, by column name: CSV (parsed by libcsv) or
 * TSV (ipp-tsv(5), through the TSV reader).  The one reader for imports
 * (ipp-ipr import, ipp-complain import), so both accept the same files.
 *
 * The format comes from the name (.csv, .tsv, .tab, in any case) and
 * otherwise ("-", other names) from the first line: a tab makes it TSV.
 * TSV is read exactly as ipp-tsv(5) says, errors and all.
 *
 * CSV is read as spreadsheets write it: UTF-8, with or without a byte
 * order mark; LF or CRLF line ends (a CR inside a quoted field is kept, a
 * CRLF inside one reads as LF; a CR alone outside quotes is an error);
 * fields quoted with '"' and '""' for a quote inside, so a field may hold
 * commas and newlines; spaces around an unquoted field are dropped
 * (libcsv), a quoted field keeps them.  Blank lines and rows whose cells
 * are all empty and unquoted (",,,") are skipped.  A row may have fewer
 * fields than the header (the missing ones are NULL) but not more.  The
 * header's names are matched loosely: trimmed, lower-cased, spaces and
 * hyphens made '_', then they must be distinct and of [a-z0-9_]+.
 * Malformed CSV (a quote left open, a stray quote, invalid UTF-8, a NUL
 * byte, a row over 16 MiB) stops the reader with IPP_EINPUT and
 * "NAME:LINE: what", LINE being the line where the problem is seen (for a
 * quote left open or a row too wide, the line where the row starts).
 *
 * Memory is bounded by the longest row, not the file: rows are read one
 * at a time and nothing is allocated per row.  A read error is IPP_ESYS.
 */
#ifndef IPP_RECORDS_H
#define IPP_RECORDS_H

#include <stddef.h>
#include <stdio.h>

struct ipp_records;

/*
 * Opens a reader on fp and reads the header; name labels messages and
 * chooses the format ("-" or NULL for standard input).  An input with no
 * header is an error ("NAME: no header row").  The reader does not close
 * fp, and may have read ahead of the current row.
 */
int ipp_records_open(struct ipp_records **rp, FILE *fp, const char *name,
    char **errp);
void ipp_records_close(struct ipp_records *r);

size_t ipp_records_ncolumns(const struct ipp_records *r);
const char *ipp_records_column_name(const struct ipp_records *r, size_t i);
/* Index of a column by name, -1 when absent. */
int ipp_records_column(const struct ipp_records *r, const char *name);

/*
 * Next row: 1 read, 0 at the end, negative on error ("NAME:LINE: what");
 * after an error it goes on returning that status.
 */
int ipp_records_next(struct ipp_records *r, char **errp);

/*
 * Field i of the current row: NUL-terminated, NULL for TSV's \N, for a
 * column the CSV row is too short to have, and for i out of range.  An
 * empty field is "" (in CSV whether quoted or not).  Valid until the next
 * ipp_records_next.
 */
const char *ipp_records_field(const struct ipp_records *r, size_t i);

/*
 * The line on which the current row starts (the header's, after open):
 * the header is line 1 unless blank lines come before it.
 */
unsigned long ipp_records_line(const struct ipp_records *r);
const char *ipp_records_name(const struct ipp_records *r);
/* 1 when the input is CSV, 0 for TSV. */
int ipp_records_is_csv(const struct ipp_records *r);

#endif
