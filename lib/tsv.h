/*
 * TSV, the contract between the tools (ipp-tsv(5)).
 *
 * UTF-8 text, LF line ends, a header row of [a-z0-9_] column names, then
 * one record a line.  Inside a field, escapes as in PostgreSQL's COPY text
 * format: \t \n \r \\ for tab, newline, carriage return and backslash, and
 * \xHH for a byte that is not part of valid UTF-8; a field that is exactly
 * \N is NULL, an empty field is the empty string.  So every byte value
 * 1..255 survives a round trip and the text on the wire stays valid UTF-8.
 *
 * The writer also writes control characters (C0 but tab, LF and CR; DEL;
 * C1) as \xHH, so that output shown on a terminal cannot drive it; the
 * reader accepts them raw.
 *
 * The reader streams: memory is bounded by the longest line, not the file
 * (it reads ahead in 128 KiB blocks), and a line longer than 16 MiB is
 * malformed, so that no input costs more.  Malformed input (a wrong field
 * count, a bad escape, a CR, invalid UTF-8, a NUL byte, a bad or duplicate
 * column name) stops it with "NAME:LINE: what" in *errp and IPP_EINPUT;
 * where it helps, what names the byte offset in the line (from 1) and the
 * column: "in.tsv:3: bad escape '\q' at byte 12 (column 'url')".
 * A missing LF at the end of the last line is accepted.
 */
#ifndef IPP_TSV_H
#define IPP_TSV_H

#include <stddef.h>
#include <stdio.h>

struct ipp_tsv_reader;
struct ipp_tsv_writer;

/*
 * Opens a reader on fp and reads the header row: 1 to 4096 distinct names
 * of [a-z0-9_]+.  name labels messages ("-" or "<stdin>" for standard
 * input).  An empty stream is an error ("NAME: no header row").  The
 * reader does not close fp.  A read error is IPP_ESYS.
 */
int ipp_tsv_reader_open(struct ipp_tsv_reader **rp, FILE *fp,
    const char *name, char **errp);
void ipp_tsv_reader_close(struct ipp_tsv_reader *r);

/* Number of columns, and the index of a column by name (-1 when absent). */
size_t ipp_tsv_ncolumns(const struct ipp_tsv_reader *r);
const char *ipp_tsv_column_name(const struct ipp_tsv_reader *r, size_t i);
int ipp_tsv_column(const struct ipp_tsv_reader *r, const char *name);

/*
 * Like ipp_tsv_column, but a missing column is an error:
 * "NAME:1: missing column 'account_id'" and IPP_EINPUT.
 */
int ipp_tsv_require(const struct ipp_tsv_reader *r, const char *name,
    int *index, char **errp);

/*
 * Reads the next record.  Returns 1 when a record was read, 0 at the end
 * of input, or a negative status on error; after an error it goes on
 * returning that status.
 */
int ipp_tsv_next(struct ipp_tsv_reader *r, char **errp);

/*
 * Field i of the current record, unescaped and NUL-terminated; NULL for
 * \N (and for i out of range).  Valid until the next ipp_tsv_next.
 * ipp_tsv_field_len gives its length in bytes (0 for NULL).  A field never
 * holds a NUL byte, but it may hold invalid UTF-8 that came as \xHH.
 */
const char *ipp_tsv_field(const struct ipp_tsv_reader *r, size_t i);
size_t ipp_tsv_field_len(const struct ipp_tsv_reader *r, size_t i);

/* The line number of the current record (the header is line 1). */
unsigned long ipp_tsv_line(const struct ipp_tsv_reader *r);
const char *ipp_tsv_name(const struct ipp_tsv_reader *r);

/*
 * Opens a writer on fp and writes the header row of ncolumns names (a bad
 * or duplicate name is IPP_EUSAGE).  Output is buffered and goes to fp a
 * whole number of rows at a time; ipp_tsv_writer_close flushes, reports a
 * write error (a full disk, a closed pipe: IPP_ESYS, "write error: ...")
 * or a row left unfinished (IPP_EUSAGE), and frees the writer, not fp.
 */
int ipp_tsv_writer_open(struct ipp_tsv_writer **wp, FILE *fp,
    const char *const *columns, size_t ncolumns, char **errp);

/*
 * The same writer in another format.  IPP_TSV_CSV writes RFC 4180 for
 * spreadsheets (with libcsv): every cell quoted, quotes doubled, CRLF
 * line ends, NULL as the empty cell, bytes as they are; a cell starting
 * with = + - @, tab or CR gets a single quote in front, so that a
 * spreadsheet shows it instead of running it as a formula (OWASP's
 * advice on CSV injection).  A NUL byte drops the row as in TSV.
 */
enum ipp_tsv_format {
	IPP_TSV_TEXT,		/* ipp-tsv(5) */
	IPP_TSV_CSV,		/* RFC 4180, neutralised */
};
int ipp_tsv_writer_open_as(struct ipp_tsv_writer **wp, FILE *fp,
    enum ipp_tsv_format format, const char *const *columns, size_t ncolumns,
    char **errp);
int ipp_tsv_writer_close(struct ipp_tsv_writer *w, char **errp);
/*
 * Hands the finished rows to fp and flushes it now, for output a reader
 * must see as it happens (a killed import has printed what it filed).
 */
int ipp_tsv_writer_flush(struct ipp_tsv_writer *w, char **errp);

/* Writes one record of ncolumns fields; a NULL field is written as \N. */
int ipp_tsv_write_row(struct ipp_tsv_writer *w, const char *const *fields,
    char **errp);

/*
 * Field-at-a-time writing, for rows built from a query: call
 * ipp_tsv_write_field (or _field_len for data with a known length) once
 * per column, then ipp_tsv_end_row.  A NULL field is written as \N.
 * The field functions return IPP_OK, or a status that ipp_tsv_end_row
 * then reports with its message: a row with the wrong number of fields
 * or a NUL byte in a field is dropped, so the output stays valid
 * (IPP_EUSAGE: a bug in the caller), and a write error is IPP_ESYS.
 */
int ipp_tsv_write_field(struct ipp_tsv_writer *w, const char *field);
int ipp_tsv_write_field_len(struct ipp_tsv_writer *w, const char *field,
    size_t len);
int ipp_tsv_end_row(struct ipp_tsv_writer *w, char **errp);

/*
 * Length of the valid UTF-8 sequence starting at s (whose first byte is
 * >= 0x80) and ending before e, or 0 when there is none: no overlong
 * forms, no surrogates, nothing above U+10FFFF.  Shared with the CSV
 * reader so both formats accept exactly the same text.
 */
size_t ipp_tsv_utf8_len(const unsigned char *s, const unsigned char *e);

#endif
