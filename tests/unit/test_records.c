/*
 * The bulk-import reader (records.h): CSV as spreadsheets write it (quotes,
 * embedded commas and newlines, a byte order mark, CRLF, blank and short
 * rows), loose header names, each kind of malformed CSV refused with its
 * line, TSV by suffix and by sniffing through the TSV reader, and memory
 * that stays flat as the rows go by.
 */
#include <sys/resource.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "records.h"
#include "fixtures.h"
#include "banned.h"

/* A reader on a copy of text, and the stream under it. */
struct in {
	FILE		*fp;
	char		*text;
	struct ipp_records *r;
	char		*err;
	int		 rc;		/* of ipp_records_open */
};

static void
in_open_len(struct in *in, const char *name, const char *text, size_t len)
{
	memset(in, 0, sizeof(*in));
	if (len == 0)
		in->fp = fopen("/dev/null", "r");
	else {
		in->text = malloc(len);
		assert_non_null(in->text);
		memcpy(in->text, text, len);
		in->fp = fmemopen(in->text, len, "r");
	}
	assert_non_null(in->fp);
	in->rc = ipp_records_open(&in->r, in->fp, name, &in->err);
}

static void
in_open(struct in *in, const char *name, const char *text)
{
	in_open_len(in, name, text, strlen(text));
}

/* Opens and fails the test when the header is refused. */
static void
in_open_ok(struct in *in, const char *name, const char *text)
{
	in_open(in, name, text);
	fx_assert_ok(in->rc, in->err);
	assert_non_null(in->r);
}

static void
in_close(struct in *in)
{
	ipp_records_close(in->r);
	fclose(in->fp);
	free(in->text);
	free(in->err);
}

/* Reads the next row and fails unless there is one. */
static void
next_ok(struct in *in)
{
	int rc = ipp_records_next(in->r, &in->err);

	if (rc != 1)
		fail_msg("next: %d: %s", rc, in->err != NULL ? in->err :
		    "(no message)");
}

/* The next read fails with status and a message containing what. */
static void
next_fails(struct in *in, int status, const char *what)
{
	assert_int_equal(ipp_records_next(in->r, &in->err), status);
	fx_assert_contains(in->err, what);
}

static void
assert_field(struct in *in, const char *column, const char *want)
{
	int i = ipp_records_column(in->r, column);

	if (i < 0)
		fail_msg("no column '%s'", column);
	if (want == NULL)
		assert_null(ipp_records_field(in->r, (size_t)i));
	else {
		assert_non_null(ipp_records_field(in->r, (size_t)i));
		assert_string_equal(ipp_records_field(in->r, (size_t)i), want);
	}
}

static void
assert_end(struct in *in)
{
	assert_int_equal(ipp_records_next(in->r, &in->err), 0);
}

static long
maxrss_kib(void)
{
	struct rusage ru;

	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_maxrss;
}

/*
 * Memory is bounded by the row, not the file: the peak after 100,000
 * rows (about 12 MB of CSV) is within 4 MiB of the peak after 10,000.
 * First in the group, before other tests raise the peak.
 */
static void
test_memory_stays_flat(void **state)
{
	struct ipp_records *r;
	char *err = NULL, want[64];
	long after10k = 0;
	FILE *fp;
	int i, rc;

	(void)state;
	assert_non_null(fp = tmpfile());
	fputs("url,platform,region,ipr,target,reason,supplement,evidence\n",
	    fp);
	for (i = 0; i < 100000; i++)
		fprintf(fp, "https://shop.example.com/item/%d,taobao,CN,"
		    "tm-%d,listing,counterfeit,\"sold as \"\"genuine\"\","
		    " item %d\",docs/%d.pdf\n", i, i % 5, i, i);
	rewind(fp);
	fx_assert_ok(ipp_records_open(&r, fp, "big.csv", &err), err);
	for (i = 0; (rc = ipp_records_next(r, &err)) == 1; i++) {
		/* Every row intact, across the refills of the buffer. */
		snprintf(want, sizeof(want), "https://shop.example.com/item/%d",
		    i);
		assert_string_equal(ipp_records_field(r, 0), want);
		snprintf(want, sizeof(want), "sold as \"genuine\", item %d", i);
		assert_string_equal(ipp_records_field(r, 6), want);
		assert_int_equal(ipp_records_line(r), (unsigned long)i + 2);
		if (i == 10000)
			after10k = maxrss_kib();
	}
	if (rc < 0)
		fail_msg("%s", err);
	assert_int_equal(i, 100000);
	if (maxrss_kib() - after10k > 4096)
		fail_msg("peak memory grew by %ld KiB from 10,000 to 100,000"
		    " rows", maxrss_kib() - after10k);
	ipp_records_close(r);
	fclose(fp);
	free(err);
}

static void
test_csv_quotes_and_commas(void **state)
{
	struct in in;

	(void)state;
	in_open_ok(&in, "in.csv",
	    "url,note,n\n"
	    "https://a.example/1,\"one, two\",1\n"
	    "https://a.example/2,\"say \"\"hi\"\"\",2\n"
	    "https://a.example/3,\"\",3\n"
	    "https://a.example/4,,4\n");
	assert_true(ipp_records_is_csv(in.r));
	assert_string_equal(ipp_records_name(in.r), "in.csv");
	assert_int_equal(ipp_records_line(in.r), 1);
	next_ok(&in);
	assert_field(&in, "note", "one, two");
	assert_field(&in, "n", "1");
	assert_int_equal(ipp_records_line(in.r), 2);
	next_ok(&in);
	assert_field(&in, "note", "say \"hi\"");
	/* The empty field is the empty string, quoted or not. */
	next_ok(&in);
	assert_field(&in, "note", "");
	next_ok(&in);
	assert_field(&in, "note", "");
	assert_field(&in, "n", "4");
	assert_int_equal(ipp_records_line(in.r), 5);
	assert_end(&in);
	/* The end stays the end. */
	assert_end(&in);
	in_close(&in);
}

/* libcsv trims spaces around unquoted fields; quotes keep them. */
static void
test_csv_spaces(void **state)
{
	struct in in;

	(void)state;
	in_open_ok(&in, "in.csv", "a,b\n  x y  ,\"  z  \"\n");
	next_ok(&in);
	assert_field(&in, "a", "x y");
	assert_field(&in, "b", "  z  ");
	in_close(&in);
}

static void
test_csv_embedded_newlines(void **state)
{
	struct in in;

	(void)state;
	in_open_ok(&in, "in.csv",
	    "url,supplement\n"
	    "https://a.example/1,\"first line\n"
	    "second line\n"
	    "\n"
	    "fourth, with a comma\"\n"
	    "https://a.example/2,plain\n"
	    "https://a.example/3,\"x\ny\"\n"
	    "https://a.example/4,end\n");
	next_ok(&in);
	assert_int_equal(ipp_records_line(in.r), 2);
	assert_field(&in, "supplement",
	    "first line\nsecond line\n\nfourth, with a comma");
	next_ok(&in);
	assert_int_equal(ipp_records_line(in.r), 6);
	assert_field(&in, "url", "https://a.example/2");
	next_ok(&in);
	assert_int_equal(ipp_records_line(in.r), 7);
	assert_field(&in, "supplement", "x\ny");
	next_ok(&in);
	assert_int_equal(ipp_records_line(in.r), 9);
	assert_field(&in, "supplement", "end");
	assert_end(&in);
	in_close(&in);
}

/* Excel: a byte order mark, CRLF, and CRLF inside a cell. */
static void
test_csv_bom_and_crlf(void **state)
{
	struct in in;

	(void)state;
	in_open_ok(&in, "-",
	    "\xef\xbb\xbfURL,Note\r\n"
	    "https://a.example/1,\"a\r\nb\"\r\n"
	    "https://a.example/2,\xe5\x81\x87\xe8\xb4\xa7\r\n");
	assert_true(ipp_records_is_csv(in.r));
	assert_string_equal(ipp_records_column_name(in.r, 0), "url");
	next_ok(&in);
	assert_field(&in, "url", "https://a.example/1");
	assert_field(&in, "note", "a\nb");
	next_ok(&in);
	assert_int_equal(ipp_records_line(in.r), 4);
	assert_field(&in, "note", "\xe5\x81\x87\xe8\xb4\xa7");
	assert_end(&in);
	in_close(&in);
}

/* Blank lines, and rows of empty cells, are no rows. */
static void
test_csv_blank_lines(void **state)
{
	struct in in;

	(void)state;
	in_open_ok(&in, "in.csv",
	    "\n"
	    "a,b\n"
	    "\n"
	    "  \t \r\n"
	    "1,2\n"
	    ",\n"
	    " , \n"
	    "\"\",\n"
	    "3,4");		/* no final newline */
	assert_int_equal(ipp_records_line(in.r), 2);
	next_ok(&in);
	assert_int_equal(ipp_records_line(in.r), 5);
	assert_field(&in, "a", "1");
	/* A quoted empty cell is not blank. */
	next_ok(&in);
	assert_int_equal(ipp_records_line(in.r), 8);
	assert_field(&in, "a", "");
	assert_field(&in, "b", "");
	next_ok(&in);
	assert_int_equal(ipp_records_line(in.r), 9);
	assert_field(&in, "a", "3");
	assert_field(&in, "b", "4");
	assert_end(&in);
	in_close(&in);
}

/* A last line without its newline, ending in a quoted field or a CR. */
static void
test_csv_missing_final_newline(void **state)
{
	struct in in;

	(void)state;
	in_open_ok(&in, "in.csv", "a,b\n1,\"two\"");
	next_ok(&in);
	assert_field(&in, "b", "two");
	assert_end(&in);
	in_close(&in);

	in_open_ok(&in, "in.csv", "a,b\r\n1,2\r");
	next_ok(&in);
	assert_field(&in, "b", "2");
	assert_end(&in);
	in_close(&in);
}

/* Spreadsheets drop trailing empty cells: the missing fields are NULL. */
static void
test_csv_short_rows(void **state)
{
	struct in in;

	(void)state;
	in_open_ok(&in, "in.csv", "a,b,c\n1\n1,2\n1,2,3\n");
	next_ok(&in);
	assert_field(&in, "a", "1");
	assert_field(&in, "b", NULL);
	assert_field(&in, "c", NULL);
	next_ok(&in);
	assert_field(&in, "b", "2");
	assert_field(&in, "c", NULL);
	next_ok(&in);
	assert_field(&in, "c", "3");
	assert_null(ipp_records_field(in.r, 3));
	assert_end(&in);
	in_close(&in);
}

static void
test_csv_long_row(void **state)
{
	struct in in;

	(void)state;
	in_open_ok(&in, "in.csv", "a,b,c\n1,2,3\n\"x\ny\",2,3,4,\n5,6,7\n");
	next_ok(&in);
	next_fails(&in, IPP_EINPUT, "in.csv:3: 5 fields, header has 3");
	/* The reader stops there. */
	next_fails(&in, IPP_EINPUT, "reading stopped after an error");
	in_close(&in);
}

static void
test_csv_header_names(void **state)
{
	struct in in;

	(void)state;
	in_open_ok(&in, "in.csv",
	    " Listing URL ,Platform-Name,REGION,\"ipr_id\",Reason Code 2\n"
	    "u,p,r,i,c\n");
	assert_int_equal(ipp_records_ncolumns(in.r), 5);
	assert_string_equal(ipp_records_column_name(in.r, 0), "listing_url");
	assert_string_equal(ipp_records_column_name(in.r, 1), "platform_name");
	assert_string_equal(ipp_records_column_name(in.r, 2), "region");
	assert_string_equal(ipp_records_column_name(in.r, 3), "ipr_id");
	assert_string_equal(ipp_records_column_name(in.r, 4), "reason_code_2");
	assert_null(ipp_records_column_name(in.r, 5));
	assert_int_equal(ipp_records_column(in.r, "region"), 2);
	assert_int_equal(ipp_records_column(in.r, "REGION"), -1);
	assert_int_equal(ipp_records_column(in.r, "evidence"), -1);
	next_ok(&in);
	assert_field(&in, "reason_code_2", "c");
	in_close(&in);
}

static void
test_csv_bad_header(void **state)
{
	static const struct {
		const char *text, *what;
	} bad[] = {
		{ "url,na!me\n",
		    "in.csv:1: bad column name 'na!me' (column 2)" },
		{ "url,,x\n", "in.csv:1: bad column name '' (column 2)" },
		{ "url,\"  \"\n", "in.csv:1: bad column name '  ' (column 2)" },
		{ "url,\xe7\xbd\x91\xe5\x9d\x80\n", "in.csv:1: bad column name"
		    " '\xe7\xbd\x91\xe5\x9d\x80'" },
		{ "\n\nurl,a.b\n", "in.csv:3: bad column name 'a.b'" },
		{ "url\tplatform\n", "(a tab: is the file TSV?)" },
		{ "url,platform,URL\n", "in.csv:1: duplicate column name 'url'"
		    " (columns 1 and 3)" },
		{ "Ipr-Id,ipr id\n", "duplicate column name 'ipr_id'" },
		{ "", "in.csv: no header row" },
		{ "\n  \n\r\n", "in.csv: no header row" },
	};
	struct in in;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		in_open(&in, "in.csv", bad[i].text);
		assert_int_equal(in.rc, IPP_EINPUT);
		assert_null(in.r);
		fx_assert_contains(in.err, bad[i].what);
		in_close(&in);
	}
}

/* Up to 4096 columns, as in TSV. */
static void
test_csv_wide_header(void **state)
{
	struct in in;
	char *text, *p;
	size_t i, n;

	(void)state;
	for (n = 4096; n <= 4097; n++) {
		assert_non_null(text = malloc(n * 8 + 1));
		for (p = text, i = 0; i < n; i++)
			p += snprintf(p, 9, "c%05zu%c", i,
			    i + 1 < n ? ',' : '\n');
		in_open(&in, "in.csv", text);
		if (n == 4096) {
			fx_assert_ok(in.rc, in.err);
			assert_int_equal(ipp_records_ncolumns(in.r), 4096);
			assert_int_equal(ipp_records_column(in.r, "c04095"),
			    4095);
		} else {
			assert_int_equal(in.rc, IPP_EINPUT);
			fx_assert_contains(in.err, "in.csv:1: 4097 columns, at"
			    " most 4096 allowed");
		}
		in_close(&in);
		free(text);
	}
}

static void
test_csv_unterminated_quote(void **state)
{
	struct in in;

	(void)state;
	in_open_ok(&in, "in.csv", "a,b\n1,2\n3,\"four\nfive\nsix\n");
	next_ok(&in);
	next_fails(&in, IPP_EINPUT, "in.csv:3: quoted field not closed");
	in_close(&in);

	/* In the header too. */
	in_open(&in, "in.csv", "a,\"b\n");
	assert_int_equal(in.rc, IPP_EINPUT);
	fx_assert_contains(in.err, "in.csv:1: quoted field not closed");
	in_close(&in);
}

static void
test_csv_stray_quotes(void **state)
{
	struct in in;

	(void)state;
	in_open_ok(&in, "in.csv", "a,b\n1,2\n3,fo\"ur\n");
	next_ok(&in);
	next_fails(&in, IPP_EINPUT, "in.csv:3: stray quote at byte 5");
	in_close(&in);

	in_open_ok(&in, "in.csv", "a,b\n\"x\ny\",\"two\"s\n");
	next_fails(&in, IPP_EINPUT, "in.csv:3: text after a closing quote at"
	    " byte 9");
	in_close(&in);

	/* A quote left open pairs with a later one: both lines named. */
	in_open_ok(&in, "in.csv", "a,b\n1,\"one\n2,two\n3,\"three\"\n");
	next_fails(&in, IPP_EINPUT, "in.csv:4: text after a closing quote at"
	    " byte 4: a quote inside a quoted field is written twice (in a"
	    " row from line 2: a quote left open there?)");
	in_close(&in);
}

static void
test_csv_bad_bytes(void **state)
{
	struct in in;

	(void)state;
	/* Latin-1, as an old spreadsheet might save it. */
	in_open_ok(&in, "in.csv", "a,b\n1,2\n3,caf\xe9\n");
	next_ok(&in);
	next_fails(&in, IPP_EINPUT, "in.csv:3: invalid UTF-8 at byte 6");
	in_close(&in);

	/* An overlong encoding of '/' and a surrogate. */
	in_open_ok(&in, "in.csv", "a\n\xc0\xaf\n");
	next_fails(&in, IPP_EINPUT, "in.csv:2: invalid UTF-8 at byte 1");
	in_close(&in);
	in_open_ok(&in, "in.csv", "a\n\"x\n\xed\xa0\x80\"\n");
	next_fails(&in, IPP_EINPUT, "in.csv:3: invalid UTF-8 at byte 1");
	in_close(&in);

	in_open_len(&in, "in.csv", "a,b\n1,x\0y\n", 10);
	fx_assert_ok(in.rc, in.err);
	next_fails(&in, IPP_EINPUT, "in.csv:2: NUL byte at byte 4");
	in_close(&in);

	in_open(&in, "in.csv", "a,b\xff\n");
	assert_int_equal(in.rc, IPP_EINPUT);
	fx_assert_contains(in.err, "in.csv:1: invalid UTF-8 at byte 4");
	in_close(&in);

	/* A CR alone would end a row in the middle of a line. */
	in_open_ok(&in, "in.csv", "a,b\n1,2\r3,4\n");
	next_fails(&in, IPP_EINPUT, "in.csv:2: carriage return without a"
	    " line feed");
	in_close(&in);
}

/* A quote left open swallows the file: it stops at 16 MiB. */
static void
test_csv_row_limit(void **state)
{
	struct ipp_records *r;
	char *err = NULL;
	FILE *fp;
	int i;

	(void)state;
	assert_non_null(fp = tmpfile());
	fputs("a,b\n1,2\n3,\"open\n", fp);
	for (i = 0; i < 300000; i++)
		fputs("0123456789012345678901234567890123456789012345678901234"
		    "567890\n", fp);
	rewind(fp);
	fx_assert_ok(ipp_records_open(&r, fp, "in.csv", &err), err);
	assert_int_equal(ipp_records_next(r, &err), 1);
	assert_int_equal(ipp_records_next(r, &err), IPP_EINPUT);
	fx_assert_contains(err, "in.csv:3: row longer than 16 MiB");
	ipp_records_close(r);
	fclose(fp);
	free(err);
}

static ssize_t
broken_read(void *cookie, char *buf, size_t n)
{
	int *left = cookie;

	if (*left > 0) {
		(*left)--;
		memset(buf, 'a', n);
		buf[0] = '\n';
		return (ssize_t)n;
	}
	errno = EIO;
	return -1;
}

/* A read error is IPP_ESYS, on CSV and on sniffed TSV alike. */
static void
test_read_error(void **state)
{
	static const cookie_io_functions_t io = { .read = broken_read };
	struct ipp_records *r;
	char *err = NULL;
	FILE *fp;
	int left = 0;

	(void)state;
	assert_non_null(fp = fopencookie(&left, "r", io));
	assert_int_equal(ipp_records_open(&r, fp, "in.csv", &err), IPP_ESYS);
	fx_assert_contains(err, "in.csv: read error: ");
	fclose(fp);
	assert_non_null(fp = fopencookie(&left, "r", io));
	assert_int_equal(ipp_records_open(&r, fp, "-", &err), IPP_ESYS);
	fx_assert_contains(err, "-: read error: ");
	fclose(fp);

	/* After a good header: "a", then rows of "aaa...". */
	left = 2;
	assert_non_null(fp = fopencookie(&left, "r", io));
	fx_assert_ok(ipp_records_open(&r, fp, "in.csv", &err), err);
	while (ipp_records_next(r, &err) == 1)
		;
	fx_assert_contains(err, "read error");
	ipp_records_close(r);
	fclose(fp);
	free(err);
}

static void
test_tsv_by_suffix(void **state)
{
	static const char *const names[] = { "in.tsv", "IN.TSV", "x/in.tab" };
	struct in in;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		/* No tab in the header: only the suffix says TSV. */
		in_open_ok(&in, names[i], "url\nhttps://a.example/1\n\\N\n\n");
		assert_false(ipp_records_is_csv(in.r));
		assert_int_equal(ipp_records_ncolumns(in.r), 1);
		next_ok(&in);
		assert_field(&in, "url", "https://a.example/1");
		next_ok(&in);
		assert_field(&in, "url", NULL);
		/* TSV's empty line is a row with an empty field. */
		next_ok(&in);
		assert_field(&in, "url", "");
		assert_int_equal(ipp_records_line(in.r), 4);
		assert_end(&in);
		in_close(&in);
	}

	/* A comma in a .tsv is just a byte. */
	in_open_ok(&in, "in.tsv", "a\tb\n1,2\t\\N\n");
	assert_int_equal(ipp_records_ncolumns(in.r), 2);
	next_ok(&in);
	assert_field(&in, "a", "1,2");
	assert_field(&in, "b", NULL);
	in_close(&in);
}

/* "-" and unknown suffixes: a tab in the first line makes it TSV. */
static void
test_sniffing(void **state)
{
	static const char *const names[] = { "-", "in.txt", "in", "a.d/in" };
	struct in in;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		in_open_ok(&in, names[i], "url\tnote\nx\t\\N\ny\ta\\tb\n");
		assert_false(ipp_records_is_csv(in.r));
		assert_int_equal(ipp_records_column(in.r, "note"), 1);
		next_ok(&in);
		assert_field(&in, "note", NULL);
		next_ok(&in);
		assert_field(&in, "note", "a\tb");
		assert_int_equal(ipp_records_line(in.r), 3);
		assert_end(&in);
		in_close(&in);

		in_open_ok(&in, names[i], "url,note\nx,\"a\tb\"\n");
		assert_true(ipp_records_is_csv(in.r));
		next_ok(&in);
		assert_field(&in, "note", "a\tb");
		in_close(&in);
	}
	/* The suffix wins over the content. */
	in_open(&in, "in.csv", "url\tnote\n");
	assert_int_equal(in.rc, IPP_EINPUT);
	in_close(&in);
}

/* Sniffed TSV far longer than the bytes read to sniff it. */
static void
test_sniffed_tsv_replays(void **state)
{
	struct ipp_records *r;
	char *err = NULL, want[32];
	FILE *fp;
	int i, rc;

	(void)state;
	assert_non_null(fp = tmpfile());
	fputs("n\tword\n", fp);
	for (i = 0; i < 50000; i++)
		fprintf(fp, "%d\tword %d\n", i, i);
	rewind(fp);
	fx_assert_ok(ipp_records_open(&r, fp, "-", &err), err);
	assert_false(ipp_records_is_csv(r));
	for (i = 0; (rc = ipp_records_next(r, &err)) == 1; i++) {
		snprintf(want, sizeof(want), "word %d", i);
		assert_string_equal(ipp_records_field(r, 1), want);
	}
	if (rc < 0)
		fail_msg("%s", err);
	assert_int_equal(i, 50000);
	ipp_records_close(r);
	fclose(fp);
	free(err);
}

/* The TSV reader's errors come through as they are, with the line. */
static void
test_tsv_errors_pass_through(void **state)
{
	struct in in;

	(void)state;
	in_open_ok(&in, "in.tsv", "a\tb\n1\t2\n3\n");
	next_ok(&in);
	next_fails(&in, IPP_EINPUT, "in.tsv:3: 1 field, header has 2");
	in_close(&in);

	in_open_ok(&in, "-", "a\tb\n1\t2\n3\t\\q\n");
	next_ok(&in);
	next_fails(&in, IPP_EINPUT, "-:3: bad escape '\\q'");
	in_close(&in);

	in_open(&in, "-", "a\tB\n");
	assert_int_equal(in.rc, IPP_EINPUT);
	fx_assert_contains(in.err, "-:1: bad column name 'B'");
	in_close(&in);

	in_open(&in, "in.tsv", "a\ta\n");
	assert_int_equal(in.rc, IPP_EINPUT);
	fx_assert_contains(in.err, "duplicate column name 'a'");
	in_close(&in);

	/* A byte order mark is CSV's, not TSV's. */
	in_open(&in, "-", "\xef\xbb\xbf" "a\tb\n");
	assert_int_equal(in.rc, IPP_EINPUT);
	fx_assert_contains(in.err, "-:1: byte order mark");
	in_close(&in);

	in_open(&in, "in.tsv", "");
	assert_int_equal(in.rc, IPP_EINPUT);
	fx_assert_contains(in.err, "in.tsv: no header row");
	in_close(&in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_stays_flat),
		cmocka_unit_test(test_csv_quotes_and_commas),
		cmocka_unit_test(test_csv_spaces),
		cmocka_unit_test(test_csv_embedded_newlines),
		cmocka_unit_test(test_csv_bom_and_crlf),
		cmocka_unit_test(test_csv_blank_lines),
		cmocka_unit_test(test_csv_missing_final_newline),
		cmocka_unit_test(test_csv_short_rows),
		cmocka_unit_test(test_csv_long_row),
		cmocka_unit_test(test_csv_header_names),
		cmocka_unit_test(test_csv_bad_header),
		cmocka_unit_test(test_csv_wide_header),
		cmocka_unit_test(test_csv_unterminated_quote),
		cmocka_unit_test(test_csv_stray_quotes),
		cmocka_unit_test(test_csv_bad_bytes),
		cmocka_unit_test(test_csv_row_limit),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_tsv_by_suffix),
		cmocka_unit_test(test_sniffing),
		cmocka_unit_test(test_sniffed_tsv_replays),
		cmocka_unit_test(test_tsv_errors_pass_through),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
