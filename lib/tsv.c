/*
 * TSV reader and writer (ipp-tsv(5)).
 *
 * The reader keeps one growing buffer: memchr finds the end of a line,
 * then one pass over the line splits it at tabs, validates UTF-8 and
 * unescapes in place, so a field is a pointer into the buffer and nothing
 * is allocated per record.  The pass looks at 16 bytes at a time (SSE2,
 * else 8 in a word) and only stops on a byte that needs attention (tab,
 * backslash, CR, NUL or a byte >= 0x80).  The writer does the same in
 * reverse: a field with nothing to escape is copied a block at a time
 * into the output buffer, which goes to the stream in 64 KiB writes.
 */
#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "err.h"
#include "tsv.h"
#include "banned.h"

#define READ_CHUNK	(128 * 1024)	/* initial read buffer */
#define WRITE_CHUNK	(64 * 1024)	/* the writer flushes past this */
#define MAX_COLUMNS	4096		/* a header wider than this is junk */
#define MAX_LINE	(16 << 20)	/* bytes of a line, as records.c's rows */

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

struct ipp_tsv_reader {
	FILE		*fp;		/* the stream; the caller closes it */
	char		*name;		/* label for messages */
	char		*buf;		/* read buffer of cap + 1 bytes */
	size_t		 cap;
	size_t		 start;		/* first byte not yet returned */
	size_t		 scan;		/* no LF in [start, scan) */
	size_t		 end;		/* end of the bytes read */
	int		 eof;		/* fread reported the end */
	int		 failed;	/* status of an earlier error, or 0 */
	unsigned long	 line;		/* line number of the current record */
	size_t		 ncols;
	char		*names;		/* the header, tabs replaced by NULs */
	const char	**column;	/* ncols pointers into names */
	const char	**field;	/* fields of the current record */
	size_t		*len;
};

struct ipp_tsv_writer {
	FILE		*fp;		/* the stream; the caller closes it */
	char		*buf;		/* output not yet handed to fp */
	size_t		 cap;
	size_t		 used;
	size_t		 row;		/* where the current row starts */
	size_t		 ncols;
	size_t		 nf;		/* fields given for the current row */
	int		 nul;		/* the current row has a NUL byte */
	int		 err;		/* errno of a failed write (sticky) */
	int		 csv;		/* RFC 4180 for spreadsheets, not TSV */
};

/* Eight bytes from p, the byte at p lowest, whatever the host order. */
static inline uint64_t
load64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/*
 * High bit set in each byte of v that is zero.  Bytes above the first
 * zero byte may be flagged wrongly (a borrow), so only the lowest flag
 * is exact, and that is the only one used.
 */
static inline uint64_t
zero_bytes(uint64_t v)
{
	return (v - ONES) & ~v & HIGHS;
}

static inline int
read_special(unsigned char c)
{
	return c == '\t' || c == '\\' || c == '\r' || c == '\0' || c >= 0x80;
}

/* The first byte in [p, e) that the reader must look at, or e. */
static inline const char *
read_scan(const char *p, const char *e)
{
	uint64_t v, m;

#ifdef __SSE2__
	const __m128i tab = _mm_set1_epi8('\t'), bs = _mm_set1_epi8('\\');
	const __m128i cr = _mm_set1_epi8('\r'), nul = _mm_setzero_si128();
	__m128i x, y;
	unsigned bits;

	for (; e - p >= 16; p += 16) {
		x = _mm_loadu_si128((const __m128i *)(const void *)p);
		y = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, tab),
		    _mm_cmpeq_epi8(x, bs)), _mm_or_si128(_mm_cmpeq_epi8(x, cr),
		    _mm_cmpeq_epi8(x, nul)));
		bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(x, y));
		if (bits != 0)
			return p + __builtin_ctz(bits);
	}
#endif
	for (; e - p >= 8; p += 8) {
		v = load64(p);
		m = (v & HIGHS) | zero_bytes(v) |
		    zero_bytes(v ^ (ONES * '\t')) |
		    zero_bytes(v ^ (ONES * '\\')) |
		    zero_bytes(v ^ (ONES * '\r'));
		if (m != 0)
			return p + (__builtin_ctzll(m) >> 3);
	}
	while (p < e && !read_special((unsigned char)*p))
		p++;
	return p;
}

static inline int
write_special(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == '\\' || c >= 0x80;
}

/*
 * Copies [*pp, e) to o up to the first byte that may need escaping (a
 * control character, '\\' or a byte >= 0x80); returns the end of the
 * output and leaves *pp at that byte, or at e.  Whole words are copied
 * (and checked after), but never more than e - *pp bytes.
 */
static inline char *
copy_plain(char *o, const char **pp, const char *e)
{
	const char *p = *pp;
	uint64_t v, m;
	size_t n;

#ifdef __SSE2__
	const __m128i sp = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f);
	const __m128i bs = _mm_set1_epi8('\\');
	__m128i x, y;
	unsigned bits;

	for (; e - p >= 16; p += 16, o += 16) {
		x = _mm_loadu_si128((const __m128i *)(const void *)p);
		_mm_storeu_si128((__m128i *)(void *)o, x);
		/* Signed: bytes >= 0x80 are negative, so below 0x20 too. */
		y = _mm_or_si128(_mm_cmplt_epi8(x, sp), _mm_or_si128(
		    _mm_cmpeq_epi8(x, del), _mm_cmpeq_epi8(x, bs)));
		if ((bits = (unsigned)_mm_movemask_epi8(y)) != 0) {
			n = (size_t)__builtin_ctz(bits);
			*pp = p + n;
			return o + n;
		}
	}
#endif
	for (; e - p >= 8; p += 8, o += 8) {
		v = load64(p);
		memcpy(o, p, 8);
		/* Below 0x20 (exact for the lowest), 0x7f, '\\', >= 0x80. */
		m = (v & HIGHS) | ((v - ONES * 0x20) & ~v & HIGHS) |
		    zero_bytes(v ^ (ONES * 0x7f)) |
		    zero_bytes(v ^ (ONES * '\\'));
		if (m != 0) {
			n = (size_t)__builtin_ctzll(m) >> 3;
			*pp = p + n;
			return o + n;
		}
	}
	while (p < e && !write_special((unsigned char)*p))
		*o++ = *p++;
	*pp = p;
	return o;
}

/*
 * Length of the valid UTF-8 sequence starting at s (whose first byte is
 * >= 0x80) and ending before e, or 0 if there is none: no overlong forms,
 * no surrogates, nothing above U+10FFFF (Unicode 15, table 3-7).
 */
static inline size_t
utf8_len(const unsigned char *s, const unsigned char *e)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	n = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if ((size_t)(e - s) < n)
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * Length of the run of valid non-ASCII UTF-8 characters at s, stopping
 * before e, at ASCII, at a bad byte, and when c1 is set at a C1 control:
 * text in Chinese is mostly such runs, so they take no detour.
 */
static inline size_t
utf8_run(const unsigned char *s, const unsigned char *e, int c1)
{
	const unsigned char *p = s;
	size_t n;

	while (p < e && *p >= 0x80) {
		if ((n = utf8_len(p, e)) == 0 ||
		    (c1 && p[0] == 0xc2 && p[1] < 0xa0))
			break;
		p += n;
	}
	return (size_t)(p - s);
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * s made printable for a message into out, cut to fit: valid UTF-8 is
 * kept, control characters and stray bytes become \xHH.
 */
static const char *
printable(char *out, size_t size, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0, n;

	while (i < len && o + 8 < size) {
		n = u[i] >= 0x80 ? utf8_len(u + i, u + len) : 0;
		if (n > 0 && !(u[i] == 0xc2 && u[i + 1] < 0xa0)) {
			memcpy(out + o, s + i, n);
			o += n;
			i += n;
		} else if (u[i] >= 0x20 && u[i] < 0x7f && u[i] != '\'') {
			out[o++] = s[i++];
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[u[i] >> 4];
			out[o++] = hex[u[i++] & 15];
		}
	}
	if (i < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

static int
name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Field number i (0-based) of a header is a good column name, or why not. */
static int
check_name(const char *s, size_t len, size_t i, char **errp)
{
	char shown[100];
	size_t k;

	if (len == 0)
		return ipp_error(errp, IPP_EINPUT,
		    "empty column name (field %zu)", i + 1);
	for (k = 0; k < len; k++)
		if (!name_char((unsigned char)s[k]))
			return ipp_error(errp, IPP_EINPUT,
			    "bad column name '%s' (field %zu): names are"
			    " made of a-z, 0-9 and _",
			    printable(shown, sizeof(shown), s, len), i + 1);
	return IPP_OK;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Refuses a name used twice; sorts a copy, so a wide header stays cheap. */
static int
check_unique(const char *const *names, size_t n, char **errp)
{
	const char **sorted, *dup = NULL;
	size_t i, first = 0, second = 0;

	if (n < 2)
		return IPP_OK;
	if ((sorted = malloc(n * sizeof(*sorted))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	memcpy(sorted, names, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_names);
	for (i = 1; i < n && dup == NULL; i++)
		if (strcmp(sorted[i - 1], sorted[i]) == 0)
			dup = sorted[i];
	free(sorted);
	if (dup == NULL)
		return IPP_OK;
	for (i = 0; i < n && strcmp(names[i], dup) != 0; i++)
		;
	first = i;
	for (i++; i < n && strcmp(names[i], dup) != 0; i++)
		;
	second = i;
	return ipp_error(errp, IPP_EINPUT,
	    "duplicate column name '%s' (fields %zu and %zu)", dup,
	    first + 1, second + 1);
}

/*
 * Reader
 */

/* Reports an error at line r->line, remembered so that next stops. */
static int
read_fail(struct ipp_tsv_reader *r, char **errp, int status,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
read_fail(struct ipp_tsv_reader *r, char **errp, int status,
    const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	r->failed = status;
	if (r->line == 0)
		return ipp_error(errp, status, "%s: %s", r->name, what);
	return ipp_error(errp, status, "%s:%lu: %s", r->name, r->line, what);
}

/* " (column 'url')" or " (field 8)", naming where an error is. */
static const char *
where(const struct ipp_tsv_reader *r, size_t i, char *out, size_t size)
{
	if (i < r->ncols)
		snprintf(out, size, " (column '%s')", r->column[i]);
	else
		snprintf(out, size, " (field %zu)", i + 1);
	return out;
}

/* Makes room to read more, keeping the partial line in [start, end). */
static int
refill(struct ipp_tsv_reader *r, char **errp)
{
	size_t n, cap;
	char *nb;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->scan -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		/* Only a line longer than the buffer gets here. */
		if (r->cap >= MAX_LINE)
			return (r->failed = ipp_error(errp, IPP_EINPUT,
			    "%s:%lu: line longer than %d MiB", r->name,
			    r->line + 1, MAX_LINE >> 20));
		cap = r->cap * 2;
		if (cap > SIZE_MAX / 2 ||
		    (nb = realloc(r->buf, cap + 1)) == NULL)
			return (r->failed = ipp_error(errp, IPP_ESYS,
			    "%s:%lu: out of memory", r->name, r->line + 1));
		r->buf = nb;
		r->cap = cap;
	}
	errno = 0;
	n = fread(r->buf + r->end, 1, r->cap - r->end, r->fp);
	r->end += n;
	if (n == 0) {
		if (ferror(r->fp))
			return (r->failed = ipp_error(errp, IPP_ESYS,
			    "%s: read error: %s", r->name,
			    strerror(errno != 0 ? errno : EIO)));
		r->eof = 1;
	}
	return IPP_OK;
}

/*
 * The next line without its LF: 1, 0 at the end, or an error.  The byte
 * after the line is in the buffer and may be overwritten.
 */
static int
next_line(struct ipp_tsv_reader *r, char **line, size_t *len, char **errp)
{
	char *nl;
	int rc;

	for (;;) {
		nl = memchr(r->buf + r->scan, '\n', r->end - r->scan);
		if (nl != NULL) {
			*line = r->buf + r->start;
			*len = (size_t)(nl - *line);
			r->start = r->scan = (size_t)(nl - r->buf) + 1;
			break;
		}
		r->scan = r->end;
		if (r->eof) {
			/* A last line without its LF is still a line. */
			if (r->start == r->end)
				return 0;
			*line = r->buf + r->start;
			*len = r->end - r->start;
			r->start = r->end;
			break;
		}
		if ((rc = refill(r, errp)) != IPP_OK)
			return rc;
	}
	r->line++;
	return 1;
}

static int
parse_header(struct ipp_tsv_reader *r, const char *line, size_t len,
    char **errp)
{
	char *p, *t, *msg = NULL;
	size_t i, n, k;
	int rc = IPP_OK;

	if (len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
		return read_fail(r, errp, IPP_EINPUT,
		    "byte order mark (TSV starts with the header)");
	if (len > 0 && line[len - 1] == '\r')
		return read_fail(r, errp, IPP_EINPUT,
		    "carriage return (CRLF line ends are not TSV)");
	for (n = 1, i = 0; i < len; i++)
		if (line[i] == '\t')
			n++;
	if (n > MAX_COLUMNS)
		return read_fail(r, errp, IPP_EINPUT,
		    "%zu columns, at most %d allowed", n, MAX_COLUMNS);
	if ((r->names = malloc(len + 1)) == NULL ||
	    (r->column = calloc(n, sizeof(*r->column))) == NULL ||
	    (r->field = calloc(n, sizeof(*r->field))) == NULL ||
	    (r->len = calloc(n, sizeof(*r->len))) == NULL)
		return read_fail(r, errp, IPP_ESYS, "out of memory");
	memcpy(r->names, line, len);
	for (p = r->names, k = 0; k < n; k++, p = t + 1) {
		/* memchr, not strchr: a raw NUL must be seen and refused. */
		if ((t = memchr(p, '\t', len - (size_t)(p - r->names))) == NULL)
			t = r->names + len;
		*t = '\0';
		r->column[k] = p;
		if ((rc = check_name(p, (size_t)(t - p), k, &msg)) != IPP_OK)
			break;
	}
	r->ncols = k;
	if (rc == IPP_OK && (rc = check_unique(r->column, n, &msg)) == IPP_OK)
		return IPP_OK;
	read_fail(r, errp, rc, "%s", msg != NULL ? msg : "out of memory");
	free(msg);
	return rc;
}

int
ipp_tsv_reader_open(struct ipp_tsv_reader **rp, FILE *fp, const char *name,
    char **errp)
{
	struct ipp_tsv_reader *r;
	size_t len;
	char *line;
	int rc;

	*rp = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->name = strdup(name != NULL ? name : "-")) == NULL ||
	    (r->buf = malloc(READ_CHUNK + 1)) == NULL) {
		ipp_tsv_reader_close(r);
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	r->fp = fp;
	r->cap = READ_CHUNK;
	if ((rc = next_line(r, &line, &len, errp)) == 0)
		rc = read_fail(r, errp, IPP_EINPUT, "no header row");
	else if (rc == 1)
		rc = parse_header(r, line, len, errp);
	if (rc != IPP_OK) {
		ipp_tsv_reader_close(r);
		return rc;
	}
	*rp = r;
	return IPP_OK;
}

void
ipp_tsv_reader_close(struct ipp_tsv_reader *r)
{
	if (r == NULL)
		return;
	free(r->name);
	free(r->buf);
	free(r->names);
	free(r->column);
	free(r->field);
	free(r->len);
	free(r);
}

size_t
ipp_tsv_ncolumns(const struct ipp_tsv_reader *r)
{
	return r->ncols;
}

const char *
ipp_tsv_column_name(const struct ipp_tsv_reader *r, size_t i)
{
	return i < r->ncols ? r->column[i] : NULL;
}

int
ipp_tsv_column(const struct ipp_tsv_reader *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->ncols; i++)
		if (strcmp(r->column[i], name) == 0)
			return (int)i;
	return -1;
}

int
ipp_tsv_require(const struct ipp_tsv_reader *r, const char *name, int *index,
    char **errp)
{
	if ((*index = ipp_tsv_column(r, name)) < 0)
		return ipp_error(errp, IPP_EINPUT, "%s:1: missing column '%s'",
		    r->name, name);
	return IPP_OK;
}

/* Reports a bad escape at p; why may be "". */
static int
bad_escape(struct ipp_tsv_reader *r, const char *p, const char *e,
    const char *line, size_t fi, const char *why, char **errp)
{
	char shown[40], at[120];
	size_t n = (size_t)(e - p);

	if (p[1] == 'x' && n > 4)
		n = 4;
	else if (p[1] != 'x')
		n = (unsigned char)p[1] < 0x80 ? 2 : 1 + utf8_len(
		    (const unsigned char *)p + 1, (const unsigned char *)e);
	if (n < 2)
		n = 2;
	return read_fail(r, errp, IPP_EINPUT, "bad escape '%s' at byte %zu%s%s",
	    printable(shown, sizeof(shown), p, n), (size_t)(p - line) + 1,
	    where(r, fi, at, sizeof(at)), why);
}

/*
 * Decodes the escape at *pp (a backslash) into *wp.  A \N is NULL only
 * as the whole field: start is where the field began, e where the line
 * ends.  Advances both pointers past what was consumed and written.
 */
static int
unescape(struct ipp_tsv_reader *r, char **pp, char **wp, const char *start,
    const char *e, const char *line, size_t fi, int *null, char **errp)
{
	char *p = *pp, at[120];
	unsigned char c;
	int hi, lo;

	if (p + 1 == e || p[1] == '\t')
		return read_fail(r, errp, IPP_EINPUT, "backslash at end of"
		    " field at byte %zu%s: write it as \\\\",
		    (size_t)(p - line) + 1, where(r, fi, at, sizeof(at)));
	switch ((c = (unsigned char)p[1])) {
	case 't':
		c = '\t';
		break;
	case 'n':
		c = '\n';
		break;
	case 'r':
		c = '\r';
		break;
	case '\\':
		break;
	case 'N':
		if (p != start || (p + 2 != e && p[2] != '\t'))
			return bad_escape(r, p, e, line, fi,
			    ": \\N is NULL only as a whole field", errp);
		*null = 1;
		*pp = p + 2;
		return IPP_OK;
	case 'x':
		if (e - p < 4 || (hi = hexval((unsigned char)p[2])) < 0 ||
		    (lo = hexval((unsigned char)p[3])) < 0)
			return bad_escape(r, p, e, line, fi,
			    ": \\x takes two hex digits", errp);
		if ((c = (unsigned char)(hi << 4 | lo)) == 0)
			return bad_escape(r, p, e, line, fi,
			    ": NUL is not allowed", errp);
		*(*wp)++ = (char)c;
		*pp = p + 4;
		return IPP_OK;
	default:
		return bad_escape(r, p, e, line, fi, "", errp);
	}
	*(*wp)++ = (char)c;
	*pp = p + 2;
	return IPP_OK;
}

/*
 * Splits line [line, line + len) into fields in place: each field is
 * unescaped towards its start and NUL-terminated where its tab (or the
 * LF) was, so the later fields never move.
 */
static int
split(struct ipp_tsv_reader *r, char *line, size_t len, char **errp)
{
	char *p = line, *e = line + len, *q, *w, *start, at[120];
	size_t nf = 0, n;
	int null, rc;

	for (;;) {
		start = w = p;
		null = 0;
		for (;;) {
			q = (char *)read_scan(p, e);
			if (w != p)
				memmove(w, p, (size_t)(q - p));
			w += q - p;
			p = q;
			if (p == e || *p == '\t')
				break;
			switch ((unsigned char)*p) {
			case '\\':
				rc = unescape(r, &p, &w, start, e, line, nf,
				    &null, errp);
				if (rc != IPP_OK)
					return rc;
				break;
			case '\r':
				if (p + 1 == e)
					return read_fail(r, errp, IPP_EINPUT,
					    "carriage return (CRLF line ends"
					    " are not TSV)");
				return read_fail(r, errp, IPP_EINPUT,
				    "carriage return at byte %zu%s: write it"
				    " as \\r", (size_t)(p - line) + 1,
				    where(r, nf, at, sizeof(at)));
			case '\0':
				return read_fail(r, errp, IPP_EINPUT,
				    "NUL byte at byte %zu%s",
				    (size_t)(p - line) + 1,
				    where(r, nf, at, sizeof(at)));
			default:
				n = utf8_run((unsigned char *)p,
				    (unsigned char *)e, 0);
				if (n == 0)
					return read_fail(r, errp, IPP_EINPUT,
					    "invalid UTF-8 at byte %zu%s",
					    (size_t)(p - line) + 1,
					    where(r, nf, at, sizeof(at)));
				if (w != p)
					memmove(w, p, n);
				w += n;
				p += n;
				break;
			}
		}
		*w = '\0';
		if (nf < r->ncols) {
			r->field[nf] = null ? NULL : start;
			r->len[nf] = null ? 0 : (size_t)(w - start);
		}
		nf++;
		if (p == e)
			break;
		p++;
	}
	if (nf != r->ncols)
		return read_fail(r, errp, IPP_EINPUT, "%zu field%s, header has"
		    " %zu", nf, nf == 1 ? "" : "s", r->ncols);
	return IPP_OK;
}

int
ipp_tsv_next(struct ipp_tsv_reader *r, char **errp)
{
	size_t len;
	char *line;
	int rc;

	if (r->failed != 0)
		return ipp_error(errp, r->failed, "%s:%lu: reading stopped"
		    " after an error", r->name, r->line);
	if ((rc = next_line(r, &line, &len, errp)) != 1)
		return rc;
	if ((rc = split(r, line, len, errp)) != IPP_OK)
		return rc;
	return 1;
}

const char *
ipp_tsv_field(const struct ipp_tsv_reader *r, size_t i)
{
	return i < r->ncols ? r->field[i] : NULL;
}

size_t
ipp_tsv_field_len(const struct ipp_tsv_reader *r, size_t i)
{
	return i < r->ncols ? r->len[i] : 0;
}

unsigned long
ipp_tsv_line(const struct ipp_tsv_reader *r)
{
	return r->line;
}

const char *
ipp_tsv_name(const struct ipp_tsv_reader *r)
{
	return r->name;
}

/*
 * Writer
 */

/* Room for n more bytes; the buffer holds at least the current row. */
static int
reserve(struct ipp_tsv_writer *w, size_t n)
{
	size_t cap;
	char *nb;

	if (n <= w->cap - w->used)
		return IPP_OK;
	if (n > SIZE_MAX / 2 - w->used)
		return IPP_ESYS;
	cap = w->cap * 2 > w->used + n ? w->cap * 2 : w->used + n;
	if ((nb = realloc(w->buf, cap)) == NULL)
		return IPP_ESYS;
	w->buf = nb;
	w->cap = cap;
	return IPP_OK;
}

static int
write_fail(struct ipp_tsv_writer *w, char **errp)
{
	return ipp_error(errp, IPP_ESYS, "write error: %s", strerror(w->err));
}

/* Hands the finished rows to fp. */
static int
flush_rows(struct ipp_tsv_writer *w)
{
	size_t n;

	if (w->err != 0)
		return IPP_ESYS;
	if (w->row > 0) {
		errno = 0;
		n = fwrite(w->buf, 1, w->row, w->fp);
		if (n != w->row) {
			w->err = errno != 0 ? errno : EIO;
			return IPP_ESYS;
		}
		memmove(w->buf, w->buf + w->row, w->used - w->row);
		w->used -= w->row;
		w->row = 0;
	}
	return IPP_OK;
}

int
ipp_tsv_writer_open(struct ipp_tsv_writer **wp, FILE *fp,
    const char *const *columns, size_t ncolumns, char **errp)
{
	return ipp_tsv_writer_open_as(wp, fp, IPP_TSV_TEXT, columns, ncolumns,
	    errp);
}

int
ipp_tsv_writer_open_as(struct ipp_tsv_writer **wp, FILE *fp,
    enum ipp_tsv_format format, const char *const *columns, size_t ncolumns,
    char **errp)
{
	struct ipp_tsv_writer *w;
	size_t i;
	int rc;

	*wp = NULL;
	if (ncolumns == 0)
		return ipp_error(errp, IPP_EUSAGE,
		    "a TSV header needs a column");
	for (i = 0; i < ncolumns; i++)
		if ((rc = check_name(columns[i], strlen(columns[i]), i,
		    errp)) != IPP_OK)
			return ipp_error_prefix(errp, IPP_EUSAGE, "TSV header");
	if ((rc = check_unique(columns, ncolumns, errp)) != IPP_OK)
		return ipp_error_prefix(errp, rc == IPP_ESYS ? rc : IPP_EUSAGE,
		    "TSV header");
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->buf = malloc(2 * WRITE_CHUNK)) == NULL) {
		free(w);
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	w->fp = fp;
	w->cap = 2 * WRITE_CHUNK;
	w->ncols = ncolumns;
	w->csv = format == IPP_TSV_CSV;
	/* Names need no escapes, so the header goes out as fields do. */
	for (i = 0; i < ncolumns; i++)
		ipp_tsv_write_field(w, columns[i]);
	if ((rc = ipp_tsv_end_row(w, errp)) != IPP_OK) {
		free(w->buf);
		free(w);
		return rc;
	}
	*wp = w;
	return IPP_OK;
}

int
ipp_tsv_writer_flush(struct ipp_tsv_writer *w, char **errp)
{
	if (flush_rows(w) != IPP_OK || fflush(w->fp) != 0 || ferror(w->fp)) {
		if (w->err == 0)
			w->err = errno != 0 ? errno : EIO;
		return write_fail(w, errp);
	}
	return IPP_OK;
}

int
ipp_tsv_writer_close(struct ipp_tsv_writer *w, char **errp)
{
	int rc = IPP_OK;

	if (w == NULL)
		return IPP_OK;
	if (w->nf != 0) {
		rc = ipp_error(errp, IPP_EUSAGE, "unfinished TSV row of %zu"
		    " field%s, header has %zu", w->nf, w->nf == 1 ? "" : "s",
		    w->ncols);
		w->used = w->row;
	}
	if (flush_rows(w) != IPP_OK || fflush(w->fp) != 0 || ferror(w->fp)) {
		if (w->err == 0)
			w->err = errno != 0 ? errno : EIO;
		rc = write_fail(w, errp);
	}
	free(w->buf);
	free(w);
	return rc;
}

int
ipp_tsv_write_row(struct ipp_tsv_writer *w, const char *const *fields,
    char **errp)
{
	size_t i;

	for (i = 0; i < w->ncols; i++)
		ipp_tsv_write_field(w, fields[i]);
	return ipp_tsv_end_row(w, errp);
}

int
ipp_tsv_write_field(struct ipp_tsv_writer *w, const char *field)
{
	return ipp_tsv_write_field_len(w, field,
	    field != NULL ? strlen(field) : 0);
}

static char *
put_hex(char *o, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";

	*o++ = '\\';
	*o++ = 'x';
	*o++ = hex[c >> 4];
	*o++ = hex[c & 15];
	return o;
}

/*
 * Escapes [p, e) into o, which has room for 4 bytes for each: the four
 * COPY escapes, and \xHH for bytes that are not valid UTF-8 and for
 * control characters (C0, DEL and C1), so that what a tool prints cannot
 * move a terminal's cursor.  Returns the end of the output, or NULL at a
 * NUL byte.
 */
static char *
escape(char *o, const char *p, const char *e)
{
	unsigned char c;
	size_t n;

	while (p < e) {
		o = copy_plain(o, &p, e);
		if (p == e)
			break;
		c = (unsigned char)*p;
		if (c >= 0x80) {
			n = utf8_run((const unsigned char *)p,
			    (const unsigned char *)e, 1);
			if (n > 0) {
				memcpy(o, p, n);
				o += n;
				p += n;
			} else if (c == 0xc2 && utf8_len((const unsigned
			    char *)p, (const unsigned char *)e) == 2) {
				/* A C1 control. */
				o = put_hex(o, c);
				o = put_hex(o, (unsigned char)p[1]);
				p += 2;
			} else
				o = put_hex(o, (unsigned char)*p++);
			continue;
		}
		switch (c) {
		case '\0':
			return NULL;
		case '\t':
			c = 't';
			break;
		case '\n':
			c = 'n';
			break;
		case '\r':
			c = 'r';
			break;
		case '\\':
			break;
		default:
			o = put_hex(o, c);
			p++;
			continue;
		}
		*o++ = '\\';
		*o++ = (char)c;
		p++;
	}
	return o;
}

/*
 * Whether a spreadsheet would take a cell starting with c for a formula
 * (or strip it and then do so): OWASP's list for CSV injection.
 */
static int
formula_start(unsigned char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
	    c == '\r';
}

/*
 * A CSV cell, quoted by libcsv (RFC 4180: inner quotes doubled), with a
 * single quote before a cell that would run as a formula.  NULL is the
 * empty cell: CSV has no NULL.
 */
static int
write_csv_field(struct ipp_tsv_writer *w, const char *field, size_t len)
{
	size_t n, lead;
	char *o;

	if (field != NULL && memchr(field, '\0', len) != NULL) {
		w->nul = 1;
		return IPP_EUSAGE;	/* end_row reports it */
	}
	if (field == NULL)
		field = "", len = 0;
	lead = len > 0 && formula_start((unsigned char)field[0]);
	/* Quotes around, each quote doubled: at most 2 * len + 3, + comma. */
	if (len > SIZE_MAX / 2 - 8 || reserve(w, 2 * len + 8) != IPP_OK) {
		w->err = ENOMEM;
		return IPP_ESYS;
	}
	o = w->buf + w->used;
	if (w->nf > 1)
		*o++ = ',';
	if (lead) {
		/* "'=1+2": the quote goes inside libcsv's opening quote. */
		n = csv_write(o, 2 * len + 3, field, len);
		memmove(o + 2, o + 1, n - 1);
		o[1] = '\'';
		n++;
	} else
		n = csv_write(o, 2 * len + 3, field, len);
	w->used = (size_t)(o + n - w->buf);
	return IPP_OK;
}

int
ipp_tsv_write_field_len(struct ipp_tsv_writer *w, const char *field,
    size_t len)
{
	const char *e, *q;
	char *o;

	if (w->err != 0)
		return IPP_ESYS;
	if (w->nf++ >= w->ncols)
		return IPP_EUSAGE;	/* end_row reports it */
	if (w->csv)
		return write_csv_field(w, field, len);
	if (len > SIZE_MAX / 4 || reserve(w, len + 3) != IPP_OK) {
		w->err = ENOMEM;
		return IPP_ESYS;
	}
	o = w->buf + w->used;
	if (w->nf > 1)
		*o++ = '\t';
	if (field == NULL) {
		memcpy(o, "\\N", 2);
		w->used = (size_t)(o + 2 - w->buf);
		return IPP_OK;
	}
	e = field + len;
	q = field;
	o = copy_plain(o, &q, e);
	if (q != e) {
		/* The slow path: up to 4 bytes out for each byte left. */
		w->used = (size_t)(o - w->buf);
		if (reserve(w, 4 * (size_t)(e - q)) != IPP_OK) {
			w->err = ENOMEM;
			return IPP_ESYS;
		}
		if ((o = escape(w->buf + w->used, q, e)) == NULL) {
			w->nul = 1;
			return IPP_EUSAGE;	/* end_row reports it */
		}
	}
	w->used = (size_t)(o - w->buf);
	return IPP_OK;
}

int
ipp_tsv_end_row(struct ipp_tsv_writer *w, char **errp)
{
	size_t nf = w->nf;
	int nul = w->nul;

	if (w->err != 0)
		return write_fail(w, errp);
	w->nf = 0;
	w->nul = 0;
	if (nf != w->ncols || nul) {
		/* Drop the row: the output stays valid TSV. */
		w->used = w->row;
		if (nul)
			return ipp_error(errp, IPP_EUSAGE, "a TSV field has a"
			    " NUL byte");
		return ipp_error(errp, IPP_EUSAGE, "TSV row of %zu field%s,"
		    " header has %zu", nf, nf == 1 ? "" : "s", w->ncols);
	}
	if (reserve(w, 2) != IPP_OK) {
		w->err = ENOMEM;
		return write_fail(w, errp);
	}
	if (w->csv)
		w->buf[w->used++] = '\r';	/* RFC 4180: CRLF */
	w->buf[w->used++] = '\n';
	w->row = w->used;
	if (w->used >= WRITE_CHUNK && flush_rows(w) != IPP_OK)
		return write_fail(w, errp);
	return IPP_OK;
}

size_t
ipp_tsv_utf8_len(const unsigned char *s, const unsigned char *e)
{
	return utf8_len(s, e);
}
