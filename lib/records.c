/*
 * Rows of a bulk-import file: CSV through libcsv, TSV through the TSV
 * reader (records.h).
 *
 * CSV is handed to libcsv one physical line at a time out of a 128 KiB
 * read buffer.  A row can end only where a line does (a CR without its LF
 * is refused), so each line fed completes at most one row, which
 * ipp_records_next returns before it feeds another: memory stays bounded
 * by the longest row, and the line on which each row starts is known.
 * libcsv hands fields over one at a time; they are copied into one
 * reusable row buffer, so nothing is allocated per row or per field once
 * the buffers have grown to the widest row.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "err.h"
#include "records.h"
#include "tsv.h"
#include "banned.h"

#define READ_CHUNK	(128 * 1024)	/* initial read buffer */
#define MAX_ROW		(16 << 20)	/* bytes; more is a quote left open */
#define MAX_COLUMNS	4096		/* as the TSV reader allows */
#define CSV_BLOCK	(64 * 1024)	/* libcsv's field buffer grows so */

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/* What a libcsv callback could not say through a return value. */
enum cb_error {
	CB_OK,
	CB_NOMEM,		/* the row buffer could not grow */
	CB_BARE_CR,		/* a row ended at a CR not followed by LF */
};

/* A stream that gives the bytes read while sniffing, then the rest of fp. */
struct replay {
	FILE		*fp;		/* the caller's */
	char		*buf;		/* read from fp */
	size_t		 len;
	size_t		 pos;		/* next to give */
};

struct ipp_records {
	char		*name;		/* for messages */
	FILE		*fp;		/* the caller's */
	int		 csv;		/* 1 for CSV, 0 for TSV */
	int		 failed;	/* an earlier error */

	/* TSV */
	struct ipp_tsv_reader *tsv;
	FILE		*replay;	/* tsv's input */

	/* CSV: input */
	struct csv_parser parser;
	int		 parser_ready;	/* csv_free needed */
	char		*buf;		/* cap bytes */
	size_t		 cap;
	size_t		 start;		/* first not fed */
	size_t		 scan;		/* no LF in [start, scan) */
	size_t		 end;		/* end of bytes read */
	int		 eof;		/* fread saw the end */
	unsigned long	 lines;		/* lines taken */

	/* CSV: the row being parsed */
	unsigned long	 row_line;	/* its first line */
	size_t		 row_bytes;	/* bytes fed for it */
	int		 in_row;	/* begun, not ended */
	int		 row_end;	/* libcsv ended it */
	int		 nonblank;	/* not all "" unquoted */
	enum cb_error	 cb_err;
	char		*row;		/* fields, NUL after each */
	size_t		 rowcap;
	size_t		 rowlen;
	size_t		*off;		/* field i at row + off[i] */
	size_t		 offcap;
	size_t		 nf;		/* fields seen */
	size_t		 limit;		/* fields kept */

	/* CSV: header and current row */
	unsigned long	 line;		/* of the current row */
	size_t		 ncols;
	char		*names;		/* normalised */
	const char	**column;	/* into names */
	const char	**field;	/* current row */
};

static int
fail(struct ipp_records *r, char **errp, int status, unsigned long line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Reports "NAME:LINE: what" (or "NAME: what" for line 0) and sticks. */
static int
fail(struct ipp_records *r, char **errp, int status, unsigned long line,
    const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	r->failed = status;
	if (line == 0)
		return ipp_error(errp, status, "%s: %s", r->name, what);
	return ipp_error(errp, status, "%s:%lu: %s", r->name, line, what);
}

/*
 * Offset of the first byte in [s, s + n) that is a NUL or not valid
 * UTF-8, or n.  Eight ASCII bytes at a time: the word test may flag a
 * byte wrongly only after a real NUL, and flags send us byte by byte.
 */
static size_t
utf8_check(const unsigned char *s, size_t n)
{
	size_t i = 0, k;
	uint64_t v;

	while (i < n) {
		for (; n - i >= 8; i += 8) {
			memcpy(&v, s + i, sizeof(v));
			if (((v & HIGHS) | ((v - ONES) & ~v & HIGHS)) != 0)
				break;
		}
		if (i == n)
			break;
		if (s[i] == '\0')
			return i;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = ipp_tsv_utf8_len(s + i, s + n)) == 0)
			return i;
		i += k;
	}
	return n;
}

/* s as a short quotable string: control bytes shown as '?'. */
static const char *
printable(char *out, size_t size, const char *s)
{
	size_t i;

	for (i = 0; i + 1 < size && s[i] != '\0'; i++)
		out[i] = (unsigned char)s[i] < 0x20 ||
		    s[i] == 0x7f ? '?' : s[i];
	out[i] = '\0';
	if (s[i] != '\0' && size > 4)
		memcpy(out + size - 4, "...", 4);
	return out;
}

/*
 * Replay stream
 */

static ssize_t
replay_read(void *cookie, char *out, size_t n)
{
	struct replay *rp = cookie;
	size_t k;

	if (rp->pos < rp->len) {
		k = rp->len - rp->pos < n ? rp->len - rp->pos : n;
		memcpy(out, rp->buf + rp->pos, k);
		rp->pos += k;
		return (ssize_t)k;
	}
	k = fread(out, 1, n, rp->fp);
	if (k == 0 && ferror(rp->fp))
		return -1;
	return (ssize_t)k;
}

static int
replay_close(void *cookie)
{
	struct replay *rp = cookie;

	free(rp->buf);
	free(rp);
	return 0;
}

/* A stream of buf[0, len) and then of fp; takes buf, even on failure. */
static FILE *
replay_open(FILE *fp, char *buf, size_t len)
{
	static const cookie_io_functions_t io = {
		.read = replay_read,
		.close = replay_close,
	};
	struct replay *rp;
	FILE *s;

	if ((rp = calloc(1, sizeof(*rp))) == NULL) {
		free(buf);
		return NULL;
	}
	rp->fp = fp;
	rp->buf = buf;
	rp->len = len;
	if ((s = fopencookie(rp, "r", io)) == NULL)
		replay_close(rp);
	return s;
}

/*
 * CSV input: lines out of the read buffer
 */

/* Reads more input, moving what is left to the front or growing. */
static int
refill(struct ipp_records *r, char **errp)
{
	size_t n;
	char *nb;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->scan -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		/* Only a line longer than the buffer gets here. */
		if (r->cap > MAX_ROW)
			return fail(r, errp, IPP_EINPUT, r->lines + 1,
			    "line longer than %d MiB", MAX_ROW >> 20);
		if ((nb = realloc(r->buf, r->cap * 2)) == NULL)
			return fail(r, errp, IPP_ESYS, r->lines + 1,
			    "out of memory");
		r->buf = nb;
		r->cap *= 2;
	}
	errno = 0;
	n = fread(r->buf + r->end, 1, r->cap - r->end, r->fp);
	r->end += n;
	if (n == 0) {
		if (ferror(r->fp))
			return fail(r, errp, IPP_ESYS, 0, "read error: %s",
			    strerror(errno != 0 ? errno : EIO));
		r->eof = 1;
	}
	return IPP_OK;
}

/*
 * Makes sure the buffer holds a whole line, or all that is left; *nl is
 * its LF, or NULL.
 */
static int
fill_line(struct ipp_records *r, char **nl, char **errp)
{
	int rc;

	while ((*nl = memchr(r->buf + r->scan, '\n', r->end - r->scan)) ==
	    NULL) {
		r->scan = r->end;
		if (r->eof)
			break;
		if ((rc = refill(r, errp)) != IPP_OK)
			return rc;
	}
	return IPP_OK;
}

/*
 * The next physical line, with its LF if it has one and a CR before the
 * LF (or at the end of input) dropped: 1, or 0 at the end of input.
 */
static int
next_line(struct ipp_records *r, char **line, size_t *len, char **errp)
{
	char *p, *nl;
	size_t n;
	int rc;

	if ((rc = fill_line(r, &nl, errp)) != IPP_OK)
		return rc;
	p = r->buf + r->start;
	if (nl != NULL)
		n = (size_t)(nl - p) + 1;
	else if ((n = r->end - r->start) == 0)
		return 0;
	r->start += n;
	r->scan = r->start;
	r->lines++;
	if (nl != NULL && n >= 2 && p[n - 2] == '\r') {
		p[n - 2] = '\n';
		n--;
	} else if (nl == NULL && p[n - 1] == '\r')
		n--;
	*line = p;
	*len = n;
	return 1;
}

/* A line of nothing but spaces and tabs: libcsv skips it as no row. */
static int
blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n')
			return 0;
	return 1;
}

/*
 * CSV: libcsv callbacks
 */

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap > 0 ? *cap : 64;
	void *np;

	while (n < need)
		n *= 2;
	if ((np = realloc(*p, n * size)) == NULL)
		return -1;
	*p = np;
	*cap = n;
	return 0;
}

/* A field: s is NULL for an empty unquoted one (CSV_EMPTY_IS_NULL). */
static void
on_field(void *s, size_t len, void *data)
{
	struct ipp_records *r = data;
	size_t i = r->nf++;

	if (r->cb_err != CB_OK)
		return;
	if (s != NULL)
		r->nonblank = 1;
	if (i >= r->limit)
		return;		/* counted for the message, not kept */
	if ((i >= r->offcap && grow((void **)&r->off, &r->offcap, i + 1,
	    sizeof(*r->off)) != 0) || (len >= r->rowcap - r->rowlen &&
	    grow((void **)&r->row, &r->rowcap, r->rowlen + len + 1, 1) != 0)) {
		r->cb_err = CB_NOMEM;
		return;
	}
	if (len > 0)
		memcpy(r->row + r->rowlen, s, len);
	r->row[r->rowlen + len] = '\0';
	r->off[i] = r->rowlen;
	r->rowlen += len + 1;
}

/* The end of a row: c is the LF, a CR, or -1 from csv_fini. */
static void
on_row(int c, void *data)
{
	struct ipp_records *r = data;

	if (r->cb_err != CB_OK)
		return;
	if (c == '\r')
		r->cb_err = CB_BARE_CR;
	r->row_end = 1;
}

/*
 * CSV: rows
 */

static int
callback_failed(struct ipp_records *r, unsigned long line, char **errp)
{
	if (r->cb_err == CB_BARE_CR)
		return fail(r, errp, IPP_EINPUT, line, "carriage return"
		    " without a line feed (line ends must be LF or CRLF)");
	return fail(r, errp, IPP_ESYS, line, "out of memory");
}

/* A strict-mode error at byte at of line, or libcsv out of memory. */
static int
parse_failed(struct ipp_records *r, const char *line, size_t at,
    char **errp)
{
	char span[80] = "";
	int e = csv_error(&r->parser);

	if (e != CSV_EPARSE)
		return fail(r, errp, IPP_ESYS, r->lines, "%s",
		    csv_strerror(e));
	/* A quote left open earlier pairs with this line's first quote. */
	if (r->row_line < r->lines)
		snprintf(span, sizeof(span), " (in a row from line %lu: a quote"
		    " left open there?)", r->row_line);
	if (line[at] == '"')
		return fail(r, errp, IPP_EINPUT, r->lines, "stray quote at"
		    " byte %zu: quote the whole field and double each quote"
		    " inside it%s", at + 1, span);
	return fail(r, errp, IPP_EINPUT, r->lines, "text after a closing"
	    " quote at byte %zu: a quote inside a quoted field is written"
	    " twice%s", at + 1, span);
}

/* Feeds one line to libcsv; the row, if one ended, is in r->row. */
static int
feed(struct ipp_records *r, char *line, size_t len, char **errp)
{
	size_t n, bad;

	if ((bad = utf8_check((unsigned char *)line, len)) < len)
		return fail(r, errp, IPP_EINPUT, r->lines, "%s at byte %zu",
		    line[bad] == '\0' ? "NUL byte" : "invalid UTF-8",
		    bad + 1);
	if (!r->in_row) {
		if (blank(line, len))
			return IPP_OK;
		r->row_line = r->lines;
		r->row_bytes = 0;
		r->rowlen = 0;
		r->nf = 0;
		r->nonblank = 0;
	}
	if ((r->row_bytes += len) > MAX_ROW)
		return fail(r, errp, IPP_EINPUT, r->row_line, "row longer"
		    " than %d MiB (a quote left open?)", MAX_ROW >> 20);
	n = csv_parse(&r->parser, line, len, on_field, on_row, r);
	if (r->cb_err != CB_OK)
		return callback_failed(r, r->lines, errp);
	if (n < len)
		return parse_failed(r, line, n, errp);
	r->in_row = !r->row_end;
	return IPP_OK;
}

/*
 * Parses up to the end of the next row that is not blank (every field
 * empty and unquoted: spreadsheets write such rows as ",,,"): 1 when
 * r->row holds it, 0 at the end of input.
 */
static int
parse_row(struct ipp_records *r, char **errp)
{
	size_t len = 0;
	char *line = NULL;
	int rc;

	for (;;) {
		r->row_end = 0;
		if ((rc = next_line(r, &line, &len, errp)) < 0)
			return rc;
		if (rc == 0) {
			if (!r->in_row)
				return 0;
			/* A last line without LF, or a quote left open. */
			r->in_row = 0;
			if (csv_fini(&r->parser, on_field, on_row, r) != 0)
				return fail(r, errp, IPP_EINPUT, r->row_line,
				    "quoted field not closed at the end of"
				    " the input");
			if (r->cb_err != CB_OK)
				return callback_failed(r, r->row_line, errp);
			return r->nonblank;
		}
		if ((rc = feed(r, line, len, errp)) != IPP_OK)
			return rc;
		if (r->row_end && r->nonblank)
			return 1;
	}
}

/* Header names: trimmed, lower-cased, spaces and hyphens made '_'. */
static int
normalise(char *s)
{
	size_t n, i, k;

	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || (s[n - 1] >= '\t' &&
	    s[n - 1] <= '\r')))
		n--;
	for (i = 0; i < n && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'));
	    i++)
		;
	memmove(s, s + i, n - i);
	s[n -= i] = '\0';
	for (k = 0; k < n; k++) {
		if (s[k] >= 'A' && s[k] <= 'Z')
			s[k] = (char)(s[k] - 'A' + 'a');
		else if (s[k] == ' ' || s[k] == '-')
			s[k] = '_';
		if (!((s[k] >= 'a' && s[k] <= 'z') ||
		    (s[k] >= '0' && s[k] <= '9') || s[k] == '_'))
			return -1;
	}
	return n > 0 ? 0 : -1;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Refuses a name used twice: a sorted copy, so wide headers stay cheap. */
static int
check_unique(struct ipp_records *r, char **errp)
{
	const char **sorted, *dup = NULL;
	size_t i, first;

	if ((sorted = malloc(r->ncols * sizeof(*sorted))) == NULL)
		return fail(r, errp, IPP_ESYS, r->row_line, "out of memory");
	memcpy(sorted, r->column, r->ncols * sizeof(*sorted));
	qsort(sorted, r->ncols, sizeof(*sorted), cmp_names);
	for (i = 1; i < r->ncols && dup == NULL; i++)
		if (strcmp(sorted[i - 1], sorted[i]) == 0)
			dup = sorted[i];
	free(sorted);
	if (dup == NULL)
		return IPP_OK;
	for (first = 0; strcmp(r->column[first], dup) != 0; first++)
		;
	for (i = first + 1; strcmp(r->column[i], dup) != 0; i++)
		;
	return fail(r, errp, IPP_EINPUT, r->row_line, "duplicate column name"
	    " '%s' (columns %zu and %zu)", dup, first + 1, i + 1);
}

/* Takes the row just parsed as the header. */
static int
take_header(struct ipp_records *r, char **errp)
{
	char shown[80];
	size_t i;

	if (r->nf > MAX_COLUMNS)
		return fail(r, errp, IPP_EINPUT, r->row_line,
		    "%zu columns, at most %d allowed", r->nf, MAX_COLUMNS);
	r->ncols = r->nf;
	if ((r->names = malloc(r->rowlen)) == NULL ||
	    (r->column = calloc(r->ncols, sizeof(*r->column))) == NULL ||
	    (r->field = calloc(r->ncols, sizeof(*r->field))) == NULL)
		return fail(r, errp, IPP_ESYS, r->row_line, "out of memory");
	memcpy(r->names, r->row, r->rowlen);
	for (i = 0; i < r->ncols; i++) {
		r->column[i] = r->names + r->off[i];
		if (normalise(r->names + r->off[i]) != 0)
			return fail(r, errp, IPP_EINPUT, r->row_line, "bad"
			    " column name '%s' (column %zu): names are made"
			    " of a-z, 0-9, _, spaces and hyphens%s",
			    printable(shown, sizeof(shown), r->row + r->off[i]),
			    i + 1, strchr(r->row + r->off[i], '\t') != NULL ?
			    " (a tab: is the file TSV?)" : "");
	}
	r->limit = r->ncols;
	return check_unique(r, errp);
}

static int
csv_next(struct ipp_records *r, char **errp)
{
	size_t i;
	int rc;

	if ((rc = parse_row(r, errp)) != 1)
		return rc;
	if (r->nf > r->ncols)
		return fail(r, errp, IPP_EINPUT, r->row_line, "%zu fields,"
		    " header has %zu", r->nf, r->ncols);
	/* Spreadsheets drop trailing empty cells: the rest reads as NULL. */
	for (i = 0; i < r->ncols; i++)
		r->field[i] = i < r->nf ? r->row + r->off[i] : NULL;
	r->line = r->row_line;
	return 1;
}

static int
csv_open(struct ipp_records *r, char **errp)
{
	char *nl;
	int rc;

	if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI |
	    CSV_EMPTY_IS_NULL) != 0)
		return fail(r, errp, IPP_ESYS, 0, "out of memory");
	r->parser_ready = 1;
	csv_set_blk_size(&r->parser, CSV_BLOCK);
	r->limit = MAX_COLUMNS;		/* kept; the rest only counted */
	/* Spreadsheets start UTF-8 with a byte order mark. */
	if ((rc = fill_line(r, &nl, errp)) != IPP_OK)
		return rc;
	if (r->end - r->start >= 3 &&
	    memcmp(r->buf + r->start, "\xef\xbb\xbf", 3) == 0) {
		r->start += 3;
		if (r->scan < r->start)
			r->scan = r->start;
	}
	if ((rc = parse_row(r, errp)) == 0)
		return fail(r, errp, IPP_EINPUT, 0, "no header row");
	if (rc < 0)
		return rc;
	r->line = r->row_line;
	return take_header(r, errp);
}

/* CSV or TSV from the name's suffix: 1, 0, or -1 when it does not say. */
static int
csv_by_name(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL || strchr(dot, '/') != NULL)
		return -1;
	if (strcasecmp(dot, ".csv") == 0)
		return 1;
	if (strcasecmp(dot, ".tsv") == 0 || strcasecmp(dot, ".tab") == 0)
		return 0;
	return -1;
}

int
ipp_records_open(struct ipp_records **rp, FILE *fp, const char *name,
    char **errp)
{
	struct ipp_records *r;
	char *nl;
	int rc;

	*rp = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->name = strdup(name != NULL ? name : "-")) == NULL ||
	    (r->buf = malloc(READ_CHUNK)) == NULL) {
		ipp_records_close(r);
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	r->fp = fp;
	r->cap = READ_CHUNK;
	if ((r->csv = csv_by_name(r->name)) < 0) {
		/* Sniff the first line, then replay it to the TSV reader. */
		if ((rc = fill_line(r, &nl, errp)) != IPP_OK)
			goto out;
		r->csv = memchr(r->buf, '\t', nl != NULL ?
		    (size_t)(nl - r->buf) : r->end) == NULL;
		if (!r->csv) {
			r->replay = replay_open(fp, r->buf, r->end);
			r->buf = NULL;
			if (r->replay == NULL) {
				rc = fail(r, errp, IPP_ESYS, 0,
				    "out of memory");
				goto out;
			}
		}
	}
	if (r->csv)
		rc = csv_open(r, errp);
	else {
		free(r->buf);
		r->buf = NULL;
		rc = ipp_tsv_reader_open(&r->tsv, r->replay != NULL ?
		    r->replay : fp, r->name, errp);
	}
out:
	if (rc != IPP_OK) {
		ipp_records_close(r);
		return rc;
	}
	*rp = r;
	return IPP_OK;
}

void
ipp_records_close(struct ipp_records *r)
{
	if (r == NULL)
		return;
	ipp_tsv_reader_close(r->tsv);
	if (r->replay != NULL)
		fclose(r->replay);
	if (r->parser_ready)
		csv_free(&r->parser);
	free(r->name);
	free(r->buf);
	free(r->row);
	free(r->off);
	free(r->names);
	free(r->column);
	free(r->field);
	free(r);
}

size_t
ipp_records_ncolumns(const struct ipp_records *r)
{
	return r->csv ? r->ncols : ipp_tsv_ncolumns(r->tsv);
}

const char *
ipp_records_column_name(const struct ipp_records *r, size_t i)
{
	if (!r->csv)
		return ipp_tsv_column_name(r->tsv, i);
	return i < r->ncols ? r->column[i] : NULL;
}

int
ipp_records_column(const struct ipp_records *r, const char *name)
{
	size_t i;

	if (!r->csv)
		return ipp_tsv_column(r->tsv, name);
	for (i = 0; i < r->ncols; i++)
		if (strcmp(r->column[i], name) == 0)
			return (int)i;
	return -1;
}

int
ipp_records_next(struct ipp_records *r, char **errp)
{
	if (!r->csv)
		return ipp_tsv_next(r->tsv, errp);
	if (r->failed != 0)
		return ipp_error(errp, r->failed, "%s:%lu: reading stopped"
		    " after an error", r->name, r->lines);
	return csv_next(r, errp);
}

const char *
ipp_records_field(const struct ipp_records *r, size_t i)
{
	if (!r->csv)
		return ipp_tsv_field(r->tsv, i);
	return i < r->ncols ? r->field[i] : NULL;
}

unsigned long
ipp_records_line(const struct ipp_records *r)
{
	return r->csv ? r->line : ipp_tsv_line(r->tsv);
}

const char *
ipp_records_name(const struct ipp_records *r)
{
	return r->name;
}

int
ipp_records_is_csv(const struct ipp_records *r)
{
	return r->csv;
}
