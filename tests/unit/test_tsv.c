/*
 * The TSV contract (ipp-tsv(5)): round trips of every byte value, NULL
 * against the empty string, the header, columns by name, and each kind of
 * malformed input refused with its line number.
 */
#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "err.h"
#include "tsv.h"
#include "banned.h"

struct out {
	FILE	*fp;
	char	*text;
	size_t	 len;
};

/* A read stream over len bytes of s (which may hold NULs). */
static FILE *
instream(const char *s, size_t len)
{
	FILE *fp;

	if (len == 0)
		fp = fopen("/dev/null", "r");
	else
		fp = fmemopen((void *)s, len, "r");
	assert_non_null(fp);
	return fp;
}

static void
out_open(struct out *o)
{
	o->text = NULL;
	o->len = 0;
	o->fp = open_memstream(&o->text, &o->len);
	assert_non_null(o->fp);
}

static void
out_close(struct out *o)
{
	assert_int_equal(fclose(o->fp), 0);
}

/*
 * Checks with iconv, which knows nothing of the library, that s is valid
 * UTF-8, and that its only control characters are tab and LF.
 */
static void
assert_clean_utf8(const char *s, size_t len)
{
	char chunk[4096], *in = (char *)s, *out;
	size_t inleft = len, outleft, i;
	iconv_t cd;

	cd = iconv_open("UTF-32LE", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	while (inleft > 0) {
		out = chunk;
		outleft = sizeof(chunk);
		if (iconv(cd, &in, &inleft, &out, &outleft) == (size_t)-1) {
			assert_int_equal(errno, E2BIG);
			assert_true(outleft < sizeof(chunk));
		}
		/* No C0 (but tab, LF), DEL or C1 code point in the output. */
		for (i = 0; i + 4 <= sizeof(chunk) - outleft; i += 4) {
			uint32_t cp;

			memcpy(&cp, chunk + i, 4);
			assert_true(cp >= 0x20 || cp == '\t' || cp == '\n');
			assert_false(cp >= 0x7f && cp < 0xa0);
		}
	}
	iconv_close(cd);
}

/* Opens a reader over s; the stream is returned for closing. */
static struct ipp_tsv_reader *
reader(const char *s, size_t len, FILE **fpp)
{
	struct ipp_tsv_reader *r;
	char *err = NULL;

	*fpp = instream(s, len);
	if (ipp_tsv_reader_open(&r, *fpp, "in.tsv", &err) != IPP_OK)
		fail_msg("reader_open: %s", err);
	assert_null(err);
	return r;
}

static void
reader_done(struct ipp_tsv_reader *r, FILE *fp)
{
	ipp_tsv_reader_close(r);
	fclose(fp);
}

/*
 * Reads s to the end and returns the status and message of the first
 * failure (the message, malloc'd, in *errp), or 0 with *errp NULL.
 */
static int
read_to_end(const char *s, size_t len, char **errp)
{
	struct ipp_tsv_reader *r;
	FILE *fp;
	int rc;

	*errp = NULL;
	fp = instream(s, len);
	if ((rc = ipp_tsv_reader_open(&r, fp, "in.tsv", errp)) == IPP_OK) {
		while ((rc = ipp_tsv_next(r, errp)) == 1)
			;
		ipp_tsv_reader_close(r);
	}
	fclose(fp);
	return rc;
}

/* Every pair of byte values 1..255 and all of them in one field. */
static void
test_every_byte_round_trips(void **state)
{
	static const char *const cols[] = { "id", "data" };
	struct ipp_tsv_writer *w;
	struct ipp_tsv_reader *r;
	char all[255], pair[3], id[16], *err = NULL;
	const char *row[2];
	struct out o;
	FILE *fp;
	int a, b, n;

	for (a = 1; a <= 255; a++)
		all[a - 1] = (char)a;
	out_open(&o);
	assert_int_equal(ipp_tsv_writer_open(&w, o.fp, cols, 2, &err),
	    IPP_OK);
	row[0] = "all";
	assert_int_equal(ipp_tsv_write_field(w, row[0]), IPP_OK);
	assert_int_equal(ipp_tsv_write_field_len(w, all, sizeof(all)),
	    IPP_OK);
	assert_int_equal(ipp_tsv_end_row(w, &err), IPP_OK);
	for (a = 1; a <= 255; a++)
		for (b = 1; b <= 255; b++) {
			snprintf(id, sizeof(id), "%d", a * 256 + b);
			pair[0] = (char)a;
			pair[1] = (char)b;
			pair[2] = '\0';
			row[0] = id;
			row[1] = pair;
			assert_int_equal(ipp_tsv_write_row(w, row, &err),
			    IPP_OK);
		}
	assert_int_equal(ipp_tsv_writer_close(w, &err), IPP_OK);
	out_close(&o);
	assert_null(err);

	assert_clean_utf8(o.text, o.len);
	assert_true(o.len > 10);

	r = reader(o.text, o.len, &fp);
	assert_int_equal(ipp_tsv_next(r, &err), 1);
	assert_string_equal(ipp_tsv_field(r, 0), "all");
	assert_int_equal(ipp_tsv_field_len(r, 1), 255);
	assert_memory_equal(ipp_tsv_field(r, 1), all, 255);
	assert_int_equal(ipp_tsv_field(r, 1)[255], '\0');
	for (a = 1; a <= 255; a++)
		for (b = 1; b <= 255; b++) {
			assert_int_equal(ipp_tsv_next(r, &err), 1);
			n = atoi(ipp_tsv_field(r, 0));
			assert_int_equal(n, a * 256 + b);
			assert_int_equal(ipp_tsv_field_len(r, 1), 2);
			assert_int_equal((unsigned char)ipp_tsv_field(r, 1)[0],
			    a);
			assert_int_equal((unsigned char)ipp_tsv_field(r, 1)[1],
			    b);
			assert_int_equal(ipp_tsv_field(r, 1)[2], '\0');
		}
	assert_int_equal(ipp_tsv_next(r, &err), 0);
	assert_null(err);
	reader_done(r, fp);
	free(o.text);
}

/* What the writer escapes, and that valid UTF-8 text goes out as is. */
static void
test_writer_escapes(void **state)
{
	static const char *const cols[] = { "a" };
	static const char *const rows[][2] = {
		{ "plain", "plain" },
		{ "t\tn\nr\rb\\", "t\\tn\\nr\\rb\\\\" },
		{ "\\N", "\\\\N" },
		{ "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80",
		    "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80" },
		{ "esc\x1b[2J del\x7f", "esc\\x1B[2J del\\x7F" },
		{ "c1 \xc2\x9b nbsp \xc2\xa0", "c1 \\xC2\\x9B nbsp \xc2\xa0" },
		{ "bad \xc3( \xed\xa0\x80 \xc0\x80 \xf5",
		    "bad \\xC3( \\xED\\xA0\\x80 \\xC0\\x80 \\xF5" },
		{ "cut \xe4\xb8", "cut \\xE4\\xB8" },
	};
	struct ipp_tsv_writer *w;
	char *err = NULL, *expect = NULL, *tmp;
	struct out o;
	size_t i;

	out_open(&o);
	assert_int_equal(ipp_tsv_writer_open(&w, o.fp, cols, 1, &err),
	    IPP_OK);
	expect = strdup("a\n");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(ipp_tsv_write_row(w, &rows[i][0], &err),
		    IPP_OK);
		tmp = expect;
		assert_true(asprintf(&expect, "%s%s\n", tmp, rows[i][1]) > 0);
		free(tmp);
	}
	assert_int_equal(ipp_tsv_writer_close(w, &err), IPP_OK);
	out_close(&o);
	assert_string_equal(o.text, expect);
	assert_clean_utf8(o.text, o.len);
	free(expect);
	free(o.text);
}

/* The reader's side of the escapes, raw control bytes included. */
static void
test_reader_unescapes(void **state)
{
	static const char in[] = "a\tb\n"
	    "x\\ty\\nz\\r\\\\w\\x41\\xc3\\xA9\t\x01raw\x7f\n";
	struct ipp_tsv_reader *r;
	char *err = NULL;
	FILE *fp;

	r = reader(in, sizeof(in) - 1, &fp);
	assert_int_equal(ipp_tsv_next(r, &err), 1);
	assert_string_equal(ipp_tsv_field(r, 0), "x\ty\nz\r\\wA\xc3\xa9");
	assert_int_equal(ipp_tsv_field_len(r, 0), 11);
	assert_string_equal(ipp_tsv_field(r, 1), "\x01raw\x7f");
	assert_int_equal(ipp_tsv_next(r, &err), 0);
	reader_done(r, fp);
}

static void
test_null_is_not_empty(void **state)
{
	static const char in[] = "a\tb\tc\td\n\\N\t\t\\\\N\tx\n\t\\N\t\t\n";
	static const char *const cols[] = { "a", "b", "c" };
	static const char *const row[] = { NULL, "", "\\N" };
	struct ipp_tsv_writer *w;
	struct ipp_tsv_reader *r;
	char *err = NULL;
	struct out o;
	FILE *fp;

	r = reader(in, sizeof(in) - 1, &fp);
	assert_int_equal(ipp_tsv_next(r, &err), 1);
	assert_null(ipp_tsv_field(r, 0));
	assert_int_equal(ipp_tsv_field_len(r, 0), 0);
	assert_non_null(ipp_tsv_field(r, 1));
	assert_string_equal(ipp_tsv_field(r, 1), "");
	assert_string_equal(ipp_tsv_field(r, 2), "\\N");
	assert_string_equal(ipp_tsv_field(r, 3), "x");
	assert_int_equal(ipp_tsv_next(r, &err), 1);
	assert_string_equal(ipp_tsv_field(r, 0), "");
	assert_null(ipp_tsv_field(r, 1));
	assert_string_equal(ipp_tsv_field(r, 2), "");
	assert_string_equal(ipp_tsv_field(r, 3), "");
	assert_int_equal(ipp_tsv_next(r, &err), 0);
	reader_done(r, fp);

	out_open(&o);
	assert_int_equal(ipp_tsv_writer_open(&w, o.fp, cols, 3, &err),
	    IPP_OK);
	assert_int_equal(ipp_tsv_write_row(w, row, &err), IPP_OK);
	assert_int_equal(ipp_tsv_write_field_len(w, NULL, 0), IPP_OK);
	assert_int_equal(ipp_tsv_write_field_len(w, "xyz", 0), IPP_OK);
	assert_int_equal(ipp_tsv_write_field(w, NULL), IPP_OK);
	assert_int_equal(ipp_tsv_end_row(w, &err), IPP_OK);
	assert_int_equal(ipp_tsv_writer_close(w, &err), IPP_OK);
	out_close(&o);
	assert_string_equal(o.text, "a\tb\tc\n\\N\t\t\\\\N\n\\N\t\t\\N\n");
	free(o.text);
}

static void
test_header_and_columns(void **state)
{
	static const char in[] = "account_id\temail\tstate\textra_2\n"
	    "7\tx@example.com\tactive\t\n";
	struct ipp_tsv_reader *r;
	char *err = NULL;
	FILE *fp;
	int i = 99;

	r = reader(in, sizeof(in) - 1, &fp);
	assert_int_equal(ipp_tsv_ncolumns(r), 4);
	assert_string_equal(ipp_tsv_column_name(r, 0), "account_id");
	assert_string_equal(ipp_tsv_column_name(r, 3), "extra_2");
	assert_null(ipp_tsv_column_name(r, 4));
	assert_int_equal(ipp_tsv_column(r, "state"), 2);
	assert_int_equal(ipp_tsv_column(r, "account_id"), 0);
	assert_int_equal(ipp_tsv_column(r, "stat"), -1);
	assert_int_equal(ipp_tsv_column(r, "url"), -1);
	assert_string_equal(ipp_tsv_name(r), "in.tsv");
	assert_int_equal(ipp_tsv_line(r), 1);

	assert_int_equal(ipp_tsv_require(r, "email", &i, &err), IPP_OK);
	assert_int_equal(i, 1);
	assert_null(err);
	assert_int_equal(ipp_tsv_require(r, "url_id", &i, &err), IPP_EINPUT);
	assert_int_equal(i, -1);
	assert_string_equal(err, "in.tsv:1: missing column 'url_id'");
	free(err);
	err = NULL;
	/* A NULL errp is allowed. */
	assert_int_equal(ipp_tsv_require(r, "url_id", &i, NULL), IPP_EINPUT);

	assert_int_equal(ipp_tsv_next(r, &err), 1);
	assert_int_equal(ipp_tsv_line(r), 2);
	assert_string_equal(ipp_tsv_field(r, ipp_tsv_column(r, "email")),
	    "x@example.com");
	assert_null(ipp_tsv_field(r, 4));
	assert_int_equal(ipp_tsv_next(r, &err), 0);
	reader_done(r, fp);
}

static void
test_header_only_and_no_newline(void **state)
{
	static const char last[] = "a\tb\n1\t2\n3\t\\N";
	struct ipp_tsv_reader *r;
	char *err = NULL;
	FILE *fp;

	/* The header alone, without its LF: no records. */
	r = reader("only", 4, &fp);
	assert_int_equal(ipp_tsv_ncolumns(r), 1);
	assert_string_equal(ipp_tsv_column_name(r, 0), "only");
	assert_int_equal(ipp_tsv_next(r, &err), 0);
	reader_done(r, fp);

	/* A last record without its LF is a record. */
	r = reader(last, sizeof(last) - 1, &fp);
	assert_int_equal(ipp_tsv_next(r, &err), 1);
	assert_int_equal(ipp_tsv_next(r, &err), 1);
	assert_int_equal(ipp_tsv_line(r), 3);
	assert_string_equal(ipp_tsv_field(r, 0), "3");
	assert_null(ipp_tsv_field(r, 1));
	assert_int_equal(ipp_tsv_next(r, &err), 0);
	assert_int_equal(ipp_tsv_next(r, &err), 0);
	reader_done(r, fp);

	/* In a one-column file an empty line is an empty field. */
	r = reader("a\n\nx\n", 5, &fp);
	assert_int_equal(ipp_tsv_next(r, &err), 1);
	assert_string_equal(ipp_tsv_field(r, 0), "");
	assert_int_equal(ipp_tsv_next(r, &err), 1);
	assert_string_equal(ipp_tsv_field(r, 0), "x");
	assert_int_equal(ipp_tsv_next(r, &err), 0);
	reader_done(r, fp);
}

/* Each malformed input is refused with its line and what is wrong. */
static void
test_malformed_input(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;	/* 0: strlen */
		const char	*err;
	} cases[] = {
		{ "", 0, "in.tsv: no header row" },
		{ "a\tb\n1\t2\n3\n", 0, "in.tsv:3: 1 field, header has 2" },
		{ "a\tb\n1\t2\n3\t4\t5\n", 0,
		    "in.tsv:3: 3 fields, header has 2" },
		{ "a\tb\n\n", 0, "in.tsv:2: 1 field, header has 2" },
		{ "a\tb\n1\t2\n\\q\t2\n", 0,
		    "in.tsv:3: bad escape '\\q' at byte 1 (column 'a')" },
		{ "a\tb\n1\tab\\", 0, "in.tsv:2: backslash at end of field at"
		    " byte 5 (column 'b'): write it as \\\\" },
		{ "a\tb\n1\\\t2\n", 0, "in.tsv:2: backslash at end of field at"
		    " byte 2 (column 'a'): write it as \\\\" },
		{ "a\tb\n1\t\\xg0\n", 0, "in.tsv:2: bad escape '\\xg0' at byte"
		    " 3 (column 'b'): \\x takes two hex digits" },
		{ "a\tb\n1\t\\x4\n", 0, "in.tsv:2: bad escape '\\x4' at byte"
		    " 3 (column 'b'): \\x takes two hex digits" },
		{ "a\tb\n1\t\\x00\n", 0, "in.tsv:2: bad escape '\\x00' at byte"
		    " 3 (column 'b'): NUL is not allowed" },
		{ "a\tb\n1\tx\\N\n", 0, "in.tsv:2: bad escape '\\N' at byte 4"
		    " (column 'b'): \\N is NULL only as a whole field" },
		{ "a\tb\n\\Nx\t2\n", 0, "in.tsv:2: bad escape '\\N' at byte 1"
		    " (column 'a'): \\N is NULL only as a whole field" },
		{ "a\tb\n1\t2\t\\b\n", 0,
		    "in.tsv:2: bad escape '\\b' at byte 5 (field 3)" },
		{ "a\tb\r\n1\t2\r\n", 0,
		    "in.tsv:1: carriage return (CRLF line ends are not TSV)" },
		{ "a\tb\n1\t2\n3\t4\r\n", 0,
		    "in.tsv:3: carriage return (CRLF line ends are not TSV)" },
		{ "a\tb\n1\t2\r4\n", 0, "in.tsv:2: carriage return at byte 4"
		    " (column 'b'): write it as \\r" },
		{ "a\tb\n1\tcaf\xc3\n", 0,
		    "in.tsv:2: invalid UTF-8 at byte 6 (column 'b')" },
		{ "a\tb\n\xc3(\t2\n", 0,
		    "in.tsv:2: invalid UTF-8 at byte 1 (column 'a')" },
		{ "a\tb\n1\t\x80\n", 0,
		    "in.tsv:2: invalid UTF-8 at byte 3 (column 'b')" },
		{ "a\tb\n1\t\xc0\x80\n", 0,
		    "in.tsv:2: invalid UTF-8 at byte 3 (column 'b')" },
		{ "a\tb\n1\t\xed\xa0\x80\n", 0,
		    "in.tsv:2: invalid UTF-8 at byte 3 (column 'b')" },
		{ "a\tb\n1\t\xf4\x90\x80\x80\n", 0,
		    "in.tsv:2: invalid UTF-8 at byte 3 (column 'b')" },
		{ "a\tb\n1\t\xe4\xb8\t\n", 0,
		    "in.tsv:2: invalid UTF-8 at byte 3 (column 'b')" },
		{ "a\tb\n1\t2\n12345678\tx\xff\n", 0,
		    "in.tsv:3: invalid UTF-8 at byte 11 (column 'b')" },
		{ "a\tb\n1\t2\nab\0c\t2\n", 15,
		    "in.tsv:3: NUL byte at byte 3 (column 'a')" },
		{ "a\tB\n", 0, "in.tsv:1: bad column name 'B' (field 2):"
		    " names are made of a-z, 0-9 and _" },
		{ "url-id\n", 0, "in.tsv:1: bad column name 'url-id' (field 1):"
		    " names are made of a-z, 0-9 and _" },
		{ "a\x00z\tb\n", 6, "in.tsv:1: bad column name 'a\\x00z'"
		    " (field 1): names are made of a-z, 0-9 and _" },
		{ "a\t\tb\n", 0, "in.tsv:1: empty column name (field 2)" },
		{ "\n1\n", 0, "in.tsv:1: empty column name (field 1)" },
		{ "url\tstate\turl\n", 0,
		    "in.tsv:1: duplicate column name 'url' (fields 1 and 3)" },
		{ "\xef\xbb\xbf" "a\n", 0,
		    "in.tsv:1: byte order mark (TSV starts with the header)" },
	};
	char *err;
	size_t i, len;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = cases[i].len != 0 ? cases[i].len : strlen(cases[i].in);
		rc = read_to_end(cases[i].in, len, &err);
		if (rc != IPP_EINPUT || err == NULL ||
		    strcmp(err, cases[i].err) != 0)
			fail_msg("case %zu: rc %d, '%s', want '%s'", i, rc,
			    err != NULL ? err : "(null)", cases[i].err);
		free(err);
	}
}

/* After an error the reader does not go on as if nothing happened. */
static void
test_reader_stops_after_error(void **state)
{
	static const char in[] = "a\n\\q\nfine\n";
	struct ipp_tsv_reader *r;
	char *err = NULL;
	FILE *fp;

	r = reader(in, sizeof(in) - 1, &fp);
	assert_int_equal(ipp_tsv_next(r, &err), IPP_EINPUT);
	assert_non_null(strstr(err, "in.tsv:2: bad escape"));
	assert_int_equal(ipp_tsv_next(r, &err), IPP_EINPUT);
	assert_int_equal(ipp_tsv_next(r, NULL), IPP_EINPUT);
	free(err);
	reader_done(r, fp);
}

/* A deterministic generator, so that a failure can be reproduced. */
static uint32_t
next_random(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* A line over 16 MiB is refused, not read whole (issue 8, defect 9). */
static void
test_line_capped(void **state)
{
	size_t len = (16u << 20) + 100;
	struct ipp_tsv_reader *r;
	char *text, *err = NULL;
	FILE *fp;

	(void)state;
	assert_non_null(text = malloc(len + 10));
	memcpy(text, "url\n", 4);
	memset(text + 4, 'a', len);
	memcpy(text + 4 + len, "\n", 1);
	assert_non_null(fp = fmemopen(text, len + 5, "r"));
	assert_int_equal(ipp_tsv_reader_open(&r, fp, "big.tsv", &err), IPP_OK);
	assert_int_equal(ipp_tsv_next(r, &err), IPP_EINPUT);
	assert_string_equal(err, "big.tsv:2: line longer than 16 MiB");
	free(err);
	ipp_tsv_reader_close(r);
	fclose(fp);
	free(text);
}

/*
 * Lines far longer than the read buffer (128 KiB), and many rows of
 * random bytes and lengths so that lines straddle every refill.
 */
static void
test_long_lines_and_refills(void **state)
{
	static const char *const cols[] = { "n", "blob", "tail" };
	static const size_t sizes[] = { 1 << 20, 300000, 131072, 131071, 7 };
	struct ipp_tsv_writer *w;
	struct ipp_tsv_reader *r;
	char *blob, *err = NULL, id[16];
	size_t i, k, len, total = 0;
	uint32_t seed = 12345, check;
	struct out o;
	FILE *fp;

	assert_non_null(blob = malloc(sizes[0]));
	out_open(&o);
	assert_int_equal(ipp_tsv_writer_open(&w, o.fp, cols, 3, &err),
	    IPP_OK);
	for (i = 0; i < 3000; i++) {
		len = i < 5 ? sizes[i] : next_random(&seed) % 700;
		for (k = 0; k < len; k++) {
			/* Mostly ASCII, some bytes that need escaping. */
			uint32_t x = next_random(&seed) % 100;

			blob[k] = (char)(x < 90 ? 'a' + x % 26 :
			    1 + next_random(&seed) % 255);
		}
		snprintf(id, sizeof(id), "%zu", i);
		assert_int_equal(ipp_tsv_write_field(w, id), IPP_OK);
		assert_int_equal(ipp_tsv_write_field_len(w, blob, len),
		    IPP_OK);
		assert_int_equal(ipp_tsv_write_field(w, "end"), IPP_OK);
		assert_int_equal(ipp_tsv_end_row(w, &err), IPP_OK);
	}
	assert_int_equal(ipp_tsv_writer_close(w, &err), IPP_OK);
	out_close(&o);
	assert_true(o.len > sizes[0] + sizes[1]);
	assert_clean_utf8(o.text, o.len);

	seed = 12345;
	r = reader(o.text, o.len, &fp);
	for (i = 0; i < 3000; i++) {
		assert_int_equal(ipp_tsv_next(r, &err), 1);
		assert_int_equal(ipp_tsv_line(r), i + 2);
		assert_int_equal(strtoul(ipp_tsv_field(r, 0), NULL, 10), i);
		len = i < 5 ? sizes[i] : next_random(&seed) % 700;
		for (k = 0; k < len; k++) {
			uint32_t x = next_random(&seed) % 100;

			blob[k] = (char)(x < 90 ? 'a' + x % 26 :
			    1 + next_random(&seed) % 255);
		}
		check = (uint32_t)ipp_tsv_field_len(r, 1);
		assert_int_equal(check, len);
		assert_memory_equal(ipp_tsv_field(r, 1), blob, len);
		assert_string_equal(ipp_tsv_field(r, 2), "end");
		total += len;
	}
	assert_int_equal(ipp_tsv_next(r, &err), 0);
	assert_true(total > sizes[0]);
	reader_done(r, fp);
	free(blob);
	free(o.text);
}

/* A row with the wrong number of fields is refused and not written. */
static void
test_writer_counts_fields(void **state)
{
	static const char *const cols[] = { "a", "b", "c" };
	static const char *const good[] = { "1", "2", "3" };
	struct ipp_tsv_writer *w;
	char *err = NULL;
	struct out o;

	out_open(&o);
	assert_int_equal(ipp_tsv_writer_open(&w, o.fp, cols, 3, &err),
	    IPP_OK);
	ipp_tsv_write_field(w, "short");
	ipp_tsv_write_field(w, "row");
	assert_int_equal(ipp_tsv_end_row(w, &err), IPP_EUSAGE);
	assert_string_equal(err, "TSV row of 2 fields, header has 3");
	assert_int_equal(ipp_tsv_write_row(w, good, &err), IPP_OK);
	ipp_tsv_write_field(w, "1");
	ipp_tsv_write_field(w, "2");
	ipp_tsv_write_field(w, "3");
	assert_int_equal(ipp_tsv_write_field(w, "4"), IPP_EUSAGE);
	assert_int_equal(ipp_tsv_end_row(w, &err), IPP_EUSAGE);
	assert_string_equal(err, "TSV row of 4 fields, header has 3");
	/* A NUL byte cannot be written (the reader refuses \x00). */
	ipp_tsv_write_field(w, "x");
	assert_int_equal(ipp_tsv_write_field_len(w, "a\0b", 3), IPP_EUSAGE);
	ipp_tsv_write_field(w, "z");
	assert_int_equal(ipp_tsv_end_row(w, &err), IPP_EUSAGE);
	assert_string_equal(err, "a TSV field has a NUL byte");
	ipp_tsv_write_field(w, "unfinished");
	assert_int_equal(ipp_tsv_writer_close(w, &err), IPP_EUSAGE);
	assert_string_equal(err,
	    "unfinished TSV row of 1 field, header has 3");
	free(err);
	out_close(&o);
	assert_string_equal(o.text, "a\tb\tc\n1\t2\t3\n");
	free(o.text);
}

static void
test_writer_refuses_bad_header(void **state)
{
	static const char *const upper[] = { "id", "Name" };
	static const char *const dup[] = { "id", "url", "id" };
	static const char *const empty[] = { "" };
	struct ipp_tsv_writer *w;
	char *err = NULL;
	struct out o;

	out_open(&o);
	assert_int_equal(ipp_tsv_writer_open(&w, o.fp, upper, 2, &err),
	    IPP_EUSAGE);
	assert_null(w);
	assert_string_equal(err, "TSV header: bad column name 'Name'"
	    " (field 2): names are made of a-z, 0-9 and _");
	assert_int_equal(ipp_tsv_writer_open(&w, o.fp, dup, 3, &err),
	    IPP_EUSAGE);
	assert_string_equal(err,
	    "TSV header: duplicate column name 'id' (fields 1 and 3)");
	assert_int_equal(ipp_tsv_writer_open(&w, o.fp, empty, 1, &err),
	    IPP_EUSAGE);
	assert_int_equal(ipp_tsv_writer_open(&w, o.fp, empty, 0, &err),
	    IPP_EUSAGE);
	free(err);
	out_close(&o);
	assert_int_equal(o.len, 0);
	free(o.text);
}

static void
write_until_error(FILE *fp, const char *want)
{
	static const char *const cols[] = { "n" };
	struct ipp_tsv_writer *w;
	char *err = NULL;
	int i, rc = IPP_OK;

	assert_int_equal(ipp_tsv_writer_open(&w, fp, cols, 1, &err), IPP_OK);
	/* More than any pipe or stdio buffer holds. */
	for (i = 0; i < 200000 && rc == IPP_OK; i++) {
		ipp_tsv_write_field(w, "a row of some length");
		rc = ipp_tsv_end_row(w, &err);
	}
	if (rc == IPP_OK)
		rc = ipp_tsv_writer_close(w, &err);
	else
		assert_int_equal(ipp_tsv_writer_close(w, NULL), IPP_ESYS);
	assert_int_equal(rc, IPP_ESYS);
	assert_non_null(err);
	if (strstr(err, want) == NULL)
		fail_msg("'%s' does not say '%s'", err, want);
	free(err);
}

/* A full disk and a closed pipe are reported, not lost. */
static void
test_writer_reports_write_errors(void **state)
{
	void (*old)(int);
	FILE *fp;
	int fd[2];

	if ((fp = fopen("/dev/full", "w")) == NULL)
		skip();
	write_until_error(fp, strerror(ENOSPC));
	fclose(fp);

	old = signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(fd), 0);
	close(fd[0]);
	assert_non_null(fp = fdopen(fd[1], "w"));
	write_until_error(fp, strerror(EPIPE));
	fclose(fp);
	signal(SIGPIPE, old);
}

/* Collects the cells libcsv's reader finds, to check what the writer wrote. */
struct cells {
	char	*cell[32];
	size_t	 n;
	size_t	 rows;
	size_t	 per_row;		/* cells in the first row */
	int	 ragged;		/* a row of another width */
	size_t	 in_row;
};

static void
on_cell(void *s, size_t len, void *arg)
{
	struct cells *c = arg;

	assert_true(c->n < 32);
	c->cell[c->n] = strndup(s != NULL ? s : "", len);
	assert_non_null(c->cell[c->n]);
	c->n++;
	c->in_row++;
}

static void
on_row(int term, void *arg)
{
	struct cells *c = arg;

	if (c->rows++ == 0)
		c->per_row = c->in_row;
	else if (c->in_row != c->per_row)
		c->ragged = 1;
	c->in_row = 0;
}

/*
 * --csv: RFC 4180 (read back by libcsv in strict mode, CRLF ends) and
 * every cell a spreadsheet would run as a formula (= + - @ tab CR first)
 * shown with a single quote in front; others exactly as they were.
 */
static void
test_csv_neutralises_formulas(void **state)
{
	static const char *const cols[] = { "cell", "other" };
	static const char *const cells[][2] = {
		/* what the record holds, what the spreadsheet gets */
		{ "=1+2", "'=1+2" },
		{ "+1+2", "'+1+2" },
		{ "-2+3", "'-2+3" },
		{ "@SUM(A1:A9)", "'@SUM(A1:A9)" },
		{ "\t=1", "'\t=1" },
		{ "\r=1", "'\r=1" },
		{ "=HYPERLINK(\"http://x\",\"y\")",
		    "'=HYPERLINK(\"http://x\",\"y\")" },
		{ "plain", "plain" },
		{ "a=1", "a=1" },
		{ "say \"hi\", then\r\nleave", "say \"hi\", then\r\nleave" },
		{ "'quoted", "'quoted" },
		{ "", "" },
	};
	static const char expect_head[] =
	    "\"cell\",\"other\"\r\n\"'=1+2\",\"x\"\r\n";
	struct ipp_tsv_writer *w;
	struct csv_parser p;
	struct cells c;
	char *err = NULL;
	const char *row[2];
	struct out o;
	size_t i, n = sizeof(cells) / sizeof(cells[0]);

	out_open(&o);
	assert_int_equal(ipp_tsv_writer_open_as(&w, o.fp, IPP_TSV_CSV, cols,
	    2, &err), IPP_OK);
	for (i = 0; i < n; i++) {
		row[0] = cells[i][0];
		row[1] = "x";
		assert_int_equal(ipp_tsv_write_row(w, row, &err), IPP_OK);
	}
	row[0] = NULL;		/* NULL is the empty cell */
	assert_int_equal(ipp_tsv_write_row(w, row, &err), IPP_OK);
	row[0] = "nul";		/* a NUL byte drops the row, as in TSV */
	assert_int_equal(ipp_tsv_write_field_len(w, "a\0b", 3), IPP_EUSAGE);
	assert_int_equal(ipp_tsv_write_field(w, "x"), IPP_OK);
	assert_int_equal(ipp_tsv_end_row(w, &err), IPP_EUSAGE);
	free(err);
	err = NULL;
	assert_int_equal(ipp_tsv_writer_close(w, &err), IPP_OK);
	out_close(&o);
	assert_memory_equal(o.text, expect_head, sizeof(expect_head) - 1);

	memset(&c, 0, sizeof(c));
	assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
	assert_int_equal(csv_parse(&p, o.text, o.len, on_cell, on_row, &c),
	    o.len);
	assert_int_equal(csv_fini(&p, on_cell, on_row, &c), 0);
	csv_free(&p);
	assert_int_equal(c.rows, n + 2);
	assert_false(c.ragged);
	assert_string_equal(c.cell[0], "cell");
	assert_string_equal(c.cell[1], "other");
	for (i = 0; i < n; i++) {
		assert_string_equal(c.cell[2 + 2 * i], cells[i][1]);
		assert_string_equal(c.cell[3 + 2 * i], "x");
	}
	assert_string_equal(c.cell[2 + 2 * n], "");
	for (i = 0; i < c.n; i++)
		free(c.cell[i]);
	free(o.text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_byte_round_trips),
		cmocka_unit_test(test_writer_escapes),
		cmocka_unit_test(test_reader_unescapes),
		cmocka_unit_test(test_null_is_not_empty),
		cmocka_unit_test(test_header_and_columns),
		cmocka_unit_test(test_header_only_and_no_newline),
		cmocka_unit_test(test_malformed_input),
		cmocka_unit_test(test_reader_stops_after_error),
		cmocka_unit_test(test_long_lines_and_refills),
		cmocka_unit_test(test_line_capped),
		cmocka_unit_test(test_writer_counts_fields),
		cmocka_unit_test(test_writer_refuses_bad_header),
		cmocka_unit_test(test_writer_reports_write_errors),
		cmocka_unit_test(test_csv_neutralises_formulas),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
