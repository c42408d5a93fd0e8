/* Unit tests for lib/doc.c: documents by content (D1), type and size (D2). */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "settings.h"
#include "fixtures.h"
#include "banned.h"

#define NOW "2026-01-31T09:00:00Z"

/* Stores path, records it in a transaction, and checks file and row. */
static void
store_and_record(struct fx *fx, const char *path, const char *mime,
    struct ipp_doc *doc)
{
	struct stat sb;
	char *err = NULL, *file;

	fx_assert_ok(ipp_doc_store(fx->store, path, doc, &err), err);
	assert_string_equal(doc->mime, mime);
	assert_int_equal(strlen(doc->sha256), 64);
	fx_assert_ok(ipp_store_begin(fx->store, &err), err);
	fx_assert_ok(ipp_doc_record(fx->store, doc, NOW, &err), err);
	fx_assert_ok(ipp_store_commit(fx->store, &err), err);
	free(err);

	file = ipp_doc_path(fx->store, doc->sha256);
	assert_non_null(file);
	assert_int_equal(stat(file, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(sb.st_size, doc->size);
	free(file);
}

static int64_t
rows_for(struct fx *fx, const struct ipp_doc *doc, const char *mime)
{
	sqlite3_stmt *st;
	int64_t n;

	assert_int_equal(sqlite3_prepare_v2(ipp_store_sqlite(fx->store),
	    "SELECT count(*) FROM documents WHERE sha256 = ? AND mime = ?"
	    " AND size = ? AND created_at = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, doc->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, mime, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, doc->size);
	sqlite3_bind_text(st, 4, NOW, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
test_pdf_stored(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *path = fx_path(fx->dir, "cert.pdf");
	char hex[IPP_SECRET_HEX];

	fx_write_pdf(path);
	store_and_record(fx, path, "application/pdf", &doc);
	assert_int_equal(doc.size, sizeof(fx_pdf) - 1);
	/* The address is the SHA-256 of the content (D1). */
	assert_int_equal(ipp_secret_sha256_hex(fx_pdf, sizeof(fx_pdf) - 1,
	    hex, NULL), IPP_OK);
	assert_string_equal(doc.sha256, hex);
	assert_int_equal(rows_for(fx, &doc, "application/pdf"), 1);
	free(path);
}

static void
test_png_stored(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *path = fx_path(fx->dir, "logo.png");

	fx_write_png(path, 0);
	store_and_record(fx, path, "image/png", &doc);
	assert_int_equal(doc.size, sizeof(fx_png));
	assert_int_equal(rows_for(fx, &doc, "image/png"), 1);
	free(path);
}

static void
test_jpeg_stored(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *path = fx_path(fx->dir, "photo.jpg");

	fx_write_jpeg(path);
	store_and_record(fx, path, "image/jpeg", &doc);
	assert_int_equal(doc.size, sizeof(fx_jpeg));
	assert_int_equal(rows_for(fx, &doc, "image/jpeg"), 1);
	free(path);
}

/* The type comes from the content: a PNG named .pdf is a PNG (D2). */
static void
test_type_from_content(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *path = fx_path(fx->dir, "really-a-png.pdf");

	fx_write_png(path, 0);
	store_and_record(fx, path, "image/png", &doc);
	free(path);
}

static void
test_content_stored_verbatim(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *path = fx_path(fx->dir, "photo.jpg"), *file, *err = NULL;
	unsigned char back[sizeof(fx_jpeg) + 1];
	FILE *fp;

	fx_write_jpeg(path);
	fx_assert_ok(ipp_doc_store(fx->store, path, &doc, &err), err);
	file = ipp_doc_path(fx->store, doc.sha256);
	assert_non_null(fp = fopen(file, "rb"));
	assert_int_equal(fread(back, 1, sizeof(back), fp), sizeof(fx_jpeg));
	fclose(fp);
	assert_memory_equal(back, fx_jpeg, sizeof(fx_jpeg));
	free(file);
	free(path);
}

/* D1: the same content twice is one file and one row. */
static void
test_same_file_twice(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc a, b;
	char *one = fx_path(fx->dir, "one.pdf"), *two = fx_path(fx->dir,
	    "two.pdf"), *docs = fx_path(fx->dir, "docs");

	fx_write_pdf(one);
	fx_write_pdf(two);
	store_and_record(fx, one, "application/pdf", &a);
	store_and_record(fx, two, "application/pdf", &b);
	store_and_record(fx, one, "application/pdf", &b);
	assert_string_equal(a.sha256, b.sha256);
	assert_int_equal(fx_count_files(docs), 1);
	assert_int_equal(fx_query_int(fx->store,
	    "SELECT count(*) FROM documents"), 1);
	free(docs);
	free(two);
	free(one);
}

static void
test_two_contents_two_files(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc a, b;
	char *pdf = fx_path(fx->dir, "a.pdf"), *png = fx_path(fx->dir,
	    "b.png"), *docs = fx_path(fx->dir, "docs");

	fx_write_pdf(pdf);
	fx_write_png(png, 0);
	store_and_record(fx, pdf, "application/pdf", &a);
	store_and_record(fx, png, "image/png", &b);
	assert_string_not_equal(a.sha256, b.sha256);
	assert_int_equal(fx_count_files(docs), 2);
	assert_int_equal(fx_query_int(fx->store,
	    "SELECT count(*) FROM documents"), 2);
	free(docs);
	free(png);
	free(pdf);
}

/* Directories 0700, files 0600, at docs/<first two hex>/<sha256>. */
static void
test_layout_and_modes(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	struct stat sb;
	char *path = fx_path(fx->dir, "cert.pdf"), *err = NULL;
	char *docs = fx_path(fx->dir, "docs"), *sub, *want, *file;

	fx_write_pdf(path);
	fx_assert_ok(ipp_doc_store(fx->store, path, &doc, &err), err);
	sub = ipp_strdup_printf("%s/docs/%.2s", fx->dir, doc.sha256);
	want = ipp_strdup_printf("%s/docs/%.2s/%s", fx->dir, doc.sha256,
	    doc.sha256);
	file = ipp_doc_path(fx->store, doc.sha256);
	assert_string_equal(file, want);
	assert_int_equal(stat(docs, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0700);
	assert_int_equal(stat(sub, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	/* No temporary file is left behind. */
	assert_int_equal(fx_count_files(docs), 1);
	free(file);
	free(want);
	free(sub);
	free(docs);
	free(path);
}

/* D2: text is refused, naming the file, its type and the rule. */
static void
test_text_refused(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *path = fx_path(fx->dir, "scan.pdf"), *err = NULL;
	char *docs = fx_path(fx->dir, "docs");

	fx_write_file(path, "just some words\n", 16);
	assert_int_equal(ipp_doc_store(fx->store, path, &doc, &err),
	    IPP_EREFUSED);
	fx_assert_contains(err, "scan.pdf");
	fx_assert_contains(err, "text/plain");
	fx_assert_contains(err, "PDF, JPEG and PNG");
	fx_assert_contains(err, "(rule D2)");
	assert_int_equal(fx_count_files(docs), 0);
	assert_int_equal(fx_query_int(fx->store,
	    "SELECT count(*) FROM documents"), 0);
	free(err);
	free(docs);
	free(path);
}

static void
test_empty_refused(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *path = fx_path(fx->dir, "empty.png"), *err = NULL;
	char *docs = fx_path(fx->dir, "docs");

	fx_write_file(path, "", 0);
	assert_int_equal(ipp_doc_store(fx->store, path, &doc, &err),
	    IPP_EREFUSED);
	fx_assert_contains(err, "empty.png");
	fx_assert_contains(err, "(rule D2)");
	assert_int_equal(fx_count_files(docs), 0);
	free(err);
	free(docs);
	free(path);
}

/* Bytes libmagic cannot name are refused under their generic type. */
static void
test_octet_stream_refused(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *path = fx_path(fx->dir, "blob.png"), *err = NULL;
	static const unsigned char zeros[64];

	fx_write_file(path, zeros, sizeof(zeros));
	assert_int_equal(ipp_doc_store(fx->store, path, &doc, &err),
	    IPP_EREFUSED);
	fx_assert_contains(err, "application/octet-stream");
	fx_assert_contains(err, "(rule D2)");
	free(err);
	free(path);
}

static void
set_limit(struct fx *fx, const char *bytes)
{
	char *err = NULL;

	fx_assert_ok(ipp_settings_set(fx->store, "doc_max_bytes", bytes,
	    &err), err);
	free(err);
}

static void
test_limit_plus_one_refused(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *path = fx_path(fx->dir, "big.png"), *err = NULL;
	char *docs = fx_path(fx->dir, "docs");

	set_limit(fx, "100");
	fx_write_png(path, 101);
	assert_int_equal(ipp_doc_store(fx->store, path, &doc, &err),
	    IPP_EREFUSED);
	fx_assert_contains(err, "'");
	fx_assert_contains(err, "big.png");
	fx_assert_contains(err, "is 101 bytes");
	fx_assert_contains(err, "limited to 100 bytes");
	fx_assert_contains(err, "(rule D2)");
	assert_int_equal(fx_count_files(docs), 0);
	free(err);
	free(docs);
	free(path);
}

static void
test_limit_exact_accepted(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *path = fx_path(fx->dir, "edge.png");

	set_limit(fx, "100");
	fx_write_png(path, 100);
	store_and_record(fx, path, "image/png", &doc);
	assert_int_equal(doc.size, 100);
	free(path);
}

/* The real default: 10 MiB, and one byte more is refused (D2). */
static void
test_default_limit(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	long long limit;
	char *big = fx_path(fx->dir, "big.png"), *err = NULL;
	char *docs = fx_path(fx->dir, "docs");

	fx_assert_ok(ipp_settings_int(fx->store, "doc_max_bytes", &limit,
	    &err), err);
	assert_int_equal(limit, 10 * 1024 * 1024);
	fx_write_png(big, 10 * 1024 * 1024 + 1);
	assert_int_equal(ipp_doc_store(fx->store, big, &doc, &err),
	    IPP_EREFUSED);
	fx_assert_contains(err, "big.png");
	fx_assert_contains(err, "is 10485761 bytes");
	fx_assert_contains(err, "limited to 10 MiB");
	fx_assert_contains(err, "(rule D2)");
	assert_int_equal(fx_count_files(docs), 0);
	free(err);
	free(docs);
	free(big);
}

static void
test_default_limit_exact(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *path = fx_path(fx->dir, "max.png");

	fx_write_png(path, 10 * 1024 * 1024);
	store_and_record(fx, path, "image/png", &doc);
	assert_int_equal(doc.size, 10 * 1024 * 1024);
	free(path);
}

/*
 * A file larger than fstat said (it grew, or it is a /proc file of size
 * 0) is still held to the limit while reading.
 */
static void
test_growing_file_refused(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	struct stat sb;
	char *err = NULL;

	if (stat("/proc/self/maps", &sb) != 0 || sb.st_size != 0)
		skip();
	set_limit(fx, "100");
	assert_int_equal(ipp_doc_store(fx->store, "/proc/self/maps", &doc,
	    &err), IPP_EREFUSED);
	fx_assert_contains(err, "'/proc/self/maps'");
	fx_assert_contains(err, "has more than 100 bytes");
	fx_assert_contains(err, "limited to 100 bytes");
	fx_assert_contains(err, "(rule D2)");
	free(err);
}

/* Under the limit, such a file is read whole and then typed. */
static void
test_unsized_file_read_whole(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	struct stat sb;
	char *err = NULL;

	if (stat("/proc/self/maps", &sb) != 0 || sb.st_size != 0)
		skip();
	assert_int_equal(ipp_doc_store(fx->store, "/proc/self/maps", &doc,
	    &err), IPP_EREFUSED);
	fx_assert_contains(err, "'/proc/self/maps' is text/plain");
	free(err);
}

static void
test_directory_refused(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *err = NULL, *docs = fx_path(fx->dir, "docs");

	assert_int_equal(ipp_doc_store(fx->store, fx->dir, &doc, &err),
	    IPP_EREFUSED);
	fx_assert_contains(err, fx->dir);
	fx_assert_contains(err, "directory");
	assert_int_equal(fx_count_files(docs), 0);
	free(err);
	free(docs);
}

static void
test_missing_refused(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *path = fx_path(fx->dir, "nowhere.pdf"), *err = NULL;

	assert_int_equal(ipp_doc_store(fx->store, path, &doc, &err),
	    IPP_EINPUT);
	fx_assert_contains(err, "cannot open");
	fx_assert_contains(err, "nowhere.pdf");
	fx_assert_contains(err, "No such file");
	free(err);
	free(path);
}

/* A FIFO must be refused, not waited on. */
static void
test_fifo_refused(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *path = fx_path(fx->dir, "pipe.pdf"), *err = NULL;

	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(ipp_doc_store(fx->store, path, &doc, &err),
	    IPP_EREFUSED);
	fx_assert_contains(err, "pipe.pdf");
	fx_assert_contains(err, "special file");
	free(err);
	free(path);
}

/* D1: a hostile name is metadata only; the content lands at its hash. */
static void
test_name_never_a_path(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *work = fx_path(fx->dir, "a/b"), *a = fx_path(fx->dir, "a");
	char *path, *docs = fx_path(fx->dir, "docs"), *file;
	char *etc = fx_path(fx->dir, "etc");

	assert_int_equal(mkdir(a, 0700), 0);
	assert_int_equal(mkdir(work, 0700), 0);
	assert_int_equal(mkdir(etc, 0700), 0);
	path = ipp_strdup_printf("%s/../../etc/x.pdf", work);
	fx_write_pdf(path);
	store_and_record(fx, path, "application/pdf", &doc);
	file = ipp_doc_path(fx->store, doc.sha256);
	assert_null(strstr(file, "x.pdf"));
	assert_null(strstr(file, ".."));
	assert_non_null(strstr(file, doc.sha256));
	/* One file under docs/, and only the source in etc/. */
	assert_int_equal(fx_count_files(docs), 1);
	assert_int_equal(fx_count_files(etc), 1);
	assert_int_equal(fx_count_files(work), 0);
	free(etc);
	free(file);
	free(docs);
	free(path);
	free(a);
	free(work);
}

static void
test_path_only_from_hash(void **state)
{
	struct fx *fx = *state;
	char *p;
	const char *good =
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

	assert_non_null(p = ipp_doc_path(fx->store, good));
	fx_assert_contains(p, "/docs/ba/ba7816bf");
	free(p);
	assert_null(ipp_doc_path(fx->store, "../../etc/passwd"));
	assert_null(ipp_doc_path(fx->store, ""));
	assert_null(ipp_doc_path(fx->store,
	    "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
	assert_null(ipp_doc_path(fx->store,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0"));
	assert_null(ipp_doc_path(fx->store, NULL));
}

/* A second store in the same process reuses the loaded libmagic. */
static void
test_cleanup_and_reload(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *path = fx_path(fx->dir, "cert.pdf"), *err = NULL;

	fx_write_pdf(path);
	ipp_doc_cleanup();
	ipp_doc_cleanup();
	fx_assert_ok(ipp_doc_store(fx->store, path, &doc, &err), err);
	assert_string_equal(doc.mime, "application/pdf");
	ipp_doc_cleanup();
	fx_assert_ok(ipp_doc_store(fx->store, path, &doc, &err), err);
	assert_string_equal(doc.mime, "application/pdf");
	free(path);
}

/* A file kept but never recorded (a failed transaction) is harmless. */
static void
test_rollback_keeps_no_row(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *path = fx_path(fx->dir, "cert.pdf"), *err = NULL;

	fx_write_pdf(path);
	fx_assert_ok(ipp_doc_store(fx->store, path, &doc, &err), err);
	fx_assert_ok(ipp_store_begin(fx->store, &err), err);
	fx_assert_ok(ipp_doc_record(fx->store, &doc, NOW, &err), err);
	ipp_store_rollback(fx->store);
	assert_int_equal(fx_query_int(fx->store,
	    "SELECT count(*) FROM documents"), 0);
	/* Storing again finds the file and recording now works. */
	store_and_record(fx, path, "application/pdf", &doc);
	assert_int_equal(fx_query_int(fx->store,
	    "SELECT count(*) FROM documents"), 1);
	free(path);
}

struct gc_seen {
	char	kinds[256];	/* "kind kind ..." */
	int	n;
};

static int
gc_note(void *arg, const struct ipp_doc_garbage *g, char **errp)
{
	struct gc_seen *seen = arg;
	size_t len = strlen(seen->kinds);

	(void)errp;
	snprintf(seen->kinds + len, sizeof(seen->kinds) - len, "%s%s",
	    len ? " " : "", g->kind);
	seen->n++;
	assert_true(g->size > 0);
	return IPP_OK;
}

/*
 * ipp_doc_gc removes the files no documents row names, and temporary
 * files, nothing else; --dry-run only tells (issue 8, defects 7, 10).
 */
static void
test_gc_takes_only_unreferenced(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc kept, orphan;
	struct gc_seen seen;
	struct stat sb;
	char *pdf = fx_path(fx->dir, "kept.pdf"), *png = fx_path(fx->dir,
	    "orphan.png"), *err = NULL, *kept_file, *orphan_file, *tmp;

	fx_write_pdf(pdf);
	fx_write_png(png, 0);
	store_and_record(fx, pdf, "application/pdf", &kept);
	fx_assert_ok(ipp_doc_store(fx->store, png, &orphan, &err), err);
	kept_file = ipp_doc_path(fx->store, kept.sha256);
	orphan_file = ipp_doc_path(fx->store, orphan.sha256);
	tmp = ipp_strdup_printf("%s/docs/%.2s/.tmp-XyZ123", fx->dir,
	    kept.sha256);
	fx_write_file(tmp, "half", 4);

	memset(&seen, 0, sizeof(seen));
	fx_assert_ok(ipp_doc_gc(fx->store, 1, gc_note, &seen, &err), err);
	assert_int_equal(seen.n, 2);
	assert_int_equal(stat(orphan_file, &sb), 0);
	assert_int_equal(stat(tmp, &sb), 0);

	memset(&seen, 0, sizeof(seen));
	fx_assert_ok(ipp_doc_gc(fx->store, 0, gc_note, &seen, &err), err);
	assert_int_equal(seen.n, 2);
	assert_non_null(strstr(seen.kinds, "unreferenced"));
	assert_non_null(strstr(seen.kinds, "temporary"));
	assert_int_equal(stat(kept_file, &sb), 0);
	assert_int_not_equal(stat(orphan_file, &sb), 0);
	assert_int_not_equal(stat(tmp, &sb), 0);

	memset(&seen, 0, sizeof(seen));
	fx_assert_ok(ipp_doc_gc(fx->store, 0, gc_note, &seen, &err), err);
	assert_int_equal(seen.n, 0);
	free(tmp);
	free(orphan_file);
	free(kept_file);
	free(png);
	free(pdf);
}

/* A file name is metadata shown in listings: no control characters. */
static void
test_name_with_control_refused(void **state)
{
	struct fx *fx = *state;
	struct ipp_doc doc;
	char *path = fx_path(fx->dir, "bad\nname.pdf"), *err = NULL;

	fx_write_pdf(path);
	assert_int_equal(ipp_doc_store(fx->store, path, &doc, &err),
	    IPP_EREFUSED);
	assert_non_null(strstr(err, "control character"));
	assert_non_null(strstr(err, "(rule D1)"));
	free(err);
	free(path);
}

static int
group_teardown(void **state)
{
	(void)state;
	ipp_doc_cleanup();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pdf_stored,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_gc_takes_only_unreferenced,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_name_with_control_refused,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_png_stored,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_jpeg_stored,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_type_from_content,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_content_stored_verbatim,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_same_file_twice,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_two_contents_two_files,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_layout_and_modes,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_text_refused,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_empty_refused,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_octet_stream_refused,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_limit_plus_one_refused,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_limit_exact_accepted,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_default_limit,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_default_limit_exact,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_growing_file_refused,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_unsized_file_read_whole,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_directory_refused,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_missing_refused,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fifo_refused,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_name_never_a_path,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_path_only_from_hash,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_cleanup_and_reload,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_rollback_keeps_no_row,
		    fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, group_teardown);
}
