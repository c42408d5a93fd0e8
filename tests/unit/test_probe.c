/*
 * Unit tests for lib/probe.c (C5, C6): reading the URLs to probe, one a
 * line or from a TSV url column; parsing them into rows in input order;
 * the options of the live checks (defaults, store settings, environment);
 * the rows written; and a live run against tests/helpers/testhttpd over
 * TLS (IPP_HELPERS; a throw-away CA from tests/helpers/mkcerts.sh, or
 * IPP_MKCERTS), where the store's gone_page_taobao decides what is gone.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "curl_dl.h"
#include "probe.h"
#include "settings.h"
#include "tsv.h"
#include "fixtures.h"
#include "banned.h"

/* The TLS server of the live test, shared by the group. */
static struct {
	char	*dir;		/* certificates and the port file */
	pid_t	 pid;		/* testhttpd */
	int	 port;
} g;

static void
unset_http_env(void)
{
	unsetenv("IPP_ALLOW_PRIVATE");
	unsetenv("IPP_CA_BUNDLE");
	unsetenv("IPP_CONNECT_TO");
	unsetenv("IPP_HTTP_CONCURRENCY");
	unsetenv("IPP_HTTP_PER_HOST");
}

static int
group_setup(void **state)
{
	const char *helpers = getenv("IPP_HELPERS"), *mk = getenv("IPP_MKCERTS");
	char *cmd, *prog, *portfile, *cert, *key;
	struct timespec ten_ms = { 0, 10000000L };
	FILE *fp;
	int i;

	unset_http_env();
	if (helpers == NULL) {
		fprintf(stderr, "test_probe: set IPP_HELPERS\n");
		return -1;
	}
	g.dir = fx_tempdir();
	cmd = ipp_strdup_printf("sh '%s' '%s' >/dev/null",
	    mk != NULL ? mk : "tests/helpers/mkcerts.sh", g.dir);
	prog = ipp_strdup_printf("%s/testhttpd", helpers);
	portfile = ipp_strdup_printf("%s/tls.port", g.dir);
	cert = ipp_strdup_printf("%s/server.pem", g.dir);
	key = ipp_strdup_printf("%s/server.key", g.dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "test_probe: '%s' failed\n", cmd);
		return -1;
	}
	if ((g.pid = fork()) == 0) {
		execl(prog, "testhttpd", "-p", portfile, "-t", "60", "--tls",
		    cert, key, (char *)NULL);
		_exit(127);
	}
	for (i = 0; g.pid > 0 && g.port == 0 && i < 500; i++) {
		if ((fp = fopen(portfile, "r")) != NULL) {
			if (fscanf(fp, "%d", &g.port) != 1)
				g.port = 0;
			fclose(fp);
		}
		if (g.port == 0)
			nanosleep(&ten_ms, NULL);
	}
	free(cmd);
	free(prog);
	free(portfile);
	free(cert);
	free(key);
	return g.port > 0 ? 0 : -1;
}

static int
group_teardown(void **state)
{
	if (g.pid > 0) {
		kill(g.pid, SIGTERM);
		waitpid(g.pid, NULL, 0);
	}
	if (g.dir != NULL)
		fx_rmtree(g.dir);
	free(g.dir);
	ipp_curl_unload();
	return 0;
}

static int
setup(void **state)
{
	unset_http_env();
	return fx_setup(state);
}

static int
teardown(void **state)
{
	unset_http_env();
	return fx_teardown(state);
}

/* ipp_probe_read of text; the URLs, their count in *n. */
static char **
read_text(const char *text, size_t *n)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	char **urls = NULL, *err = NULL;

	assert_non_null(fp);
	fx_assert_ok(ipp_probe_read(fp, "in", &urls, n, &err), err);
	fclose(fp);
	free(err);
	return urls;
}

static void
test_read_lines(void **state)
{
	size_t n;
	char **urls = read_text("# found on Monday\n"
	    "  https://item.taobao.com/item.htm?id=1  \n"
	    "\n"
	    "\t\r\n"
	    "https://www.aliexpress.com/item/2.html\r\n"
	    "# https://commented.out/\n"
	    "https://item.taobao.com/item.htm?id=1", &n);

	(void)state;
	assert_int_equal(n, 3);
	assert_string_equal(urls[0], "https://item.taobao.com/item.htm?id=1");
	assert_string_equal(urls[1], "https://www.aliexpress.com/item/2.html");
	/* The same URL twice stays twice: each input has its row. */
	assert_string_equal(urls[2], "https://item.taobao.com/item.htm?id=1");
	ipp_probe_free_urls(urls, n);
}

/* TSV with a url column: a listing of another tool, or probe's own. */
static void
test_read_tsv(void **state)
{
	size_t n;
	char **urls = read_text("url_id\tcomplaint_id\turl\tstate\n"
	    "1\t7\thttps://detail.tmall.com/item.htm?id=3\tsubmitted\n"
	    "2\t7\t\\N\tsubmitted\n", &n);

	(void)state;
	assert_int_equal(n, 2);
	assert_string_equal(urls[0], "https://detail.tmall.com/item.htm?id=3");
	assert_string_equal(urls[1], "");	/* NULL: no URL, refused later */
	ipp_probe_free_urls(urls, n);
	/* A header of just "url" is TSV too, and its line is no URL. */
	urls = read_text("url\nhttps://www.lazada.sg/products/i4.html\n", &n);
	assert_int_equal(n, 1);
	assert_string_equal(urls[0], "https://www.lazada.sg/products/i4.html");
	ipp_probe_free_urls(urls, n);
}

static void
test_read_tsv_without_url(void **state)
{
	const char text[] = "link\tnote\nhttps://x.example/\tseen\n";
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	char **urls = NULL, *err = NULL;
	size_t n = 99;

	(void)state;
	assert_non_null(fp);
	assert_int_equal(ipp_probe_read(fp, "in", &urls, &n, &err),
	    IPP_EINPUT);
	fx_assert_contains(err, "url");
	assert_null(urls);
	assert_int_equal(n, 0);
	fclose(fp);
	free(err);
}

static void
test_read_args(void **state)
{
	char *args[] = { "https://detail.1688.com/offer/5.html", "x" };
	char **urls = NULL, *err = NULL;
	size_t n;

	(void)state;
	fx_assert_ok(ipp_probe_read_args(args, 2, &urls, &n, &err), err);
	assert_int_equal(n, 2);
	assert_string_equal(urls[0], args[0]);
	assert_true(urls[0] != args[0]);	/* a copy */
	assert_string_equal(urls[1], "x");
	ipp_probe_free_urls(urls, n);
}

/* Without checks: every input has its row, in order, parsed or refused. */
static void
test_run_without_checks(void **state)
{
	char *urls[] = {
		"http://m.intl.taobao.com/detail/detail.html?id=0042&spm=1",
		"https://m.tb.cn/h.5Xk2",
		"https://www.lazada.co.th/products/acme-i77-s8.html",
		"ftp://item.taobao.com/item.htm?id=1",
	};
	struct ipp_probe_row *rows = NULL;
	char *err = NULL;

	(void)state;
	fx_assert_ok(ipp_probe_run(NULL, urls, 4, 0, NULL, NULL, &rows, &err),
	    err);
	assert_string_equal(rows[0].input, urls[0]);
	assert_true(rows[0].parsed);
	assert_string_equal(rows[0].structure, "ok");
	assert_string_equal(rows[0].url.canonical,
	    "https://item.taobao.com/item.htm?id=42");
	assert_false(rows[0].checked);
	assert_false(ipp_probe_row_failed(&rows[0]));
	assert_false(rows[1].parsed);
	fx_assert_contains(rows[1].structure, "short link");
	fx_assert_contains(rows[1].structure, "(rule C5)");
	assert_true(ipp_probe_row_failed(&rows[1]));
	assert_true(rows[2].parsed);
	assert_string_equal(rows[2].url.platform, "lazada");
	assert_string_equal(rows[2].url.region, "th");
	assert_false(rows[3].parsed);
	fx_assert_contains(rows[3].structure, "'ftp'");
	ipp_probe_free(rows, 4);
	/* Nothing to probe is no error. */
	fx_assert_ok(ipp_probe_run(NULL, urls, 0, 1, NULL, NULL, &rows, &err),
	    err);
	ipp_probe_free(rows, 0);
	free(err);
}

/* The verdicts that refuse a filing: all but live and unchecked. */
static void
test_row_failed(void **state)
{
	struct ipp_probe_row r;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.parsed = 1;
	assert_false(ipp_probe_row_failed(&r));
	r.checked = 1;
	r.check.verdict = IPP_HTTP_LIVE;
	assert_false(ipp_probe_row_failed(&r));
	r.check.verdict = IPP_HTTP_GONE;
	assert_true(ipp_probe_row_failed(&r));
	r.check.verdict = IPP_HTTP_ERROR;
	assert_true(ipp_probe_row_failed(&r));
	r.parsed = 0;
	r.checked = 0;
	assert_true(ipp_probe_row_failed(&r));
}

/* Rows as TSV: \N where a value does not apply. */
static void
test_write_rows(void **state)
{
	char *urls[] = { "https://www.aliexpress.com/item/9.html?spm=x",
	    "nonsense" };
	struct ipp_probe_row *rows = NULL;
	struct ipp_tsv_writer *w;
	char *out = NULL, *err = NULL, *want;
	size_t len = 0, i;
	FILE *fp = open_memstream(&out, &len);

	(void)state;
	assert_non_null(fp);
	fx_assert_ok(ipp_probe_run(NULL, urls, 2, 0, NULL, NULL, &rows, &err),
	    err);
	fx_assert_ok(ipp_tsv_writer_open(&w, fp, ipp_probe_columns,
	    ipp_probe_ncolumns, &err), err);
	for (i = 0; i < 2; i++)
		fx_assert_ok(ipp_probe_write_row(w, &rows[i], &err), err);
	/* The first again, as if checked and found gone. */
	rows[0].checked = 1;
	rows[0].check.verdict = IPP_HTTP_GONE;
	rows[0].check.status = 404;
	snprintf(rows[0].check.note, sizeof(rows[0].check.note), "HTTP 404");
	fx_assert_ok(ipp_probe_write_row(w, &rows[0], &err), err);
	fx_assert_ok(ipp_tsv_writer_close(w, &err), err);
	fclose(fp);
	want = ipp_strdup_printf("url\tplatform\tregion\ttarget\tlisting_id\t"
	    "canonical_url\tstructure\tlive\thttp_status\tnote\n"
	    "%s\taliexpress\t\\N\tlisting\t9\t"
	    "https://www.aliexpress.com/item/9.html\tok\tunchecked\t\\N\t\\N\n"
	    "nonsense\t\\N\t\\N\t\\N\t\\N\t\\N\t%s\tunchecked\t\\N\t\\N\n"
	    "%s\taliexpress\t\\N\tlisting\t9\t"
	    "https://www.aliexpress.com/item/9.html\tok\tgone\t404\tHTTP 404\n",
	    urls[0], rows[1].structure, urls[0]);
	assert_string_equal(out, want);
	ipp_probe_free(rows, 2);
	free(want);
	free(out);
	free(err);
}

/* Defaults, then the store's settings, then the environment. */
static void
test_options(void **state)
{
	struct fx *fx = *state;
	struct ipp_http_options o;
	char *err = NULL;

	fx_assert_ok(ipp_probe_options(NULL, &o, &err), err);
	assert_int_equal(o.concurrency, 32);
	assert_int_equal(o.per_host, 8);
	assert_int_equal(o.connect_timeout_ms, 5000);
	assert_int_equal(o.timeout_ms, 15000);
	assert_int_equal(o.max_body, 1048576);
	assert_int_equal(o.max_redirects, 5);
	assert_int_equal(o.allow_private, IPP_HTTP_PRIVATE_REFUSE);
	assert_null(o.ca_bundle);
	assert_null(o.connect_to);

	fx_assert_ok(ipp_settings_set(fx->store, "http_per_host", "3", &err),
	    err);
	fx_assert_ok(ipp_settings_set(fx->store, "http_timeout_ms", "2500",
	    &err), err);
	fx_assert_ok(ipp_settings_set(fx->store, "http_max_body", "4096",
	    &err), err);
	fx_assert_ok(ipp_settings_set(fx->store, "http_max_redirects", "0",
	    &err), err);
	fx_assert_ok(ipp_probe_options(fx->store, &o, &err), err);
	assert_int_equal(o.concurrency, 32);
	assert_int_equal(o.per_host, 3);
	assert_int_equal(o.timeout_ms, 2500);
	assert_int_equal(o.max_body, 4096);
	assert_int_equal(o.max_redirects, 0);

	setenv("IPP_HTTP_CONCURRENCY", "7", 1);
	setenv("IPP_HTTP_PER_HOST", "2", 1);
	setenv("IPP_ALLOW_PRIVATE", "loopback", 1);
	setenv("IPP_CONNECT_TO", "::127.0.0.1:8443", 1);
	fx_assert_ok(ipp_probe_options(fx->store, &o, &err), err);
	assert_int_equal(o.concurrency, 7);
	assert_int_equal(o.per_host, 2);
	assert_int_equal(o.timeout_ms, 2500);
	assert_int_equal(o.allow_private, IPP_HTTP_PRIVATE_LOOPBACK);
	assert_string_equal(o.connect_to, "::127.0.0.1:8443");
	setenv("IPP_ALLOW_PRIVATE", "1", 1);
	fx_assert_ok(ipp_probe_options(NULL, &o, &err), err);
	assert_int_equal(o.allow_private, IPP_HTTP_PRIVATE_ALLOW);
	assert_int_equal(o.concurrency, 7);
	free(err);
}

/*
 * Live checks of canonical URLs, the marketplaces' hosts sent to the
 * local server: only well-formed URLs are fetched, verdicts land on
 * their rows, and the store's gone_page_taobao turns taobao's answer
 * into "gone" while aliexpress's stays live.
 */
static void
test_run_live(void **state)
{
	struct fx *fx = *state;
	char *urls[] = {
		"https://item.taobao.com/item.htm?id=1",
		"not a url",
		"https://www.aliexpress.com/item/2.html",
	};
	struct ipp_probe_row *rows = NULL;
	char *err = NULL, *ca, *to;

	ca = ipp_strdup_printf("%s/ca.pem", g.dir);
	to = ipp_strdup_printf("::127.0.0.1:%d", g.port);
	setenv("IPP_CA_BUNDLE", ca, 1);
	setenv("IPP_CONNECT_TO", to, 1);
	setenv("IPP_ALLOW_PRIVATE", "loopback", 1);

	fx_assert_ok(ipp_probe_run(fx->store, urls, 3, 1, NULL, NULL, &rows,
	    &err), err);
	assert_true(rows[0].checked);
	if (rows[0].check.verdict != IPP_HTTP_LIVE)
		fail_msg("taobao: %s", rows[0].check.note);
	assert_int_equal(rows[0].check.status, 200);
	assert_false(rows[1].checked);
	assert_true(ipp_probe_row_failed(&rows[1]));
	assert_true(rows[2].checked);
	assert_int_equal(rows[2].check.verdict, IPP_HTTP_LIVE);
	ipp_probe_free(rows, 3);

	fx_assert_ok(ipp_settings_set(fx->store, "gone_page_taobao",
	    "/item.htm", &err), err);
	fx_assert_ok(ipp_probe_run(fx->store, urls, 3, 1, NULL, NULL, &rows,
	    &err), err);
	assert_int_equal(rows[0].check.verdict, IPP_HTTP_GONE);
	assert_true(ipp_probe_row_failed(&rows[0]));
	assert_int_equal(rows[2].check.verdict, IPP_HTTP_LIVE);
	ipp_probe_free(rows, 3);

	/* Without a store the built-in page applies: live again. */
	fx_assert_ok(ipp_probe_run(NULL, urls, 3, 1, NULL, NULL, &rows, &err),
	    err);
	assert_int_equal(rows[0].check.verdict, IPP_HTTP_LIVE);
	ipp_probe_free(rows, 3);
	free(ca);
	free(to);
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_read_lines),
		T(test_read_tsv),
		T(test_read_tsv_without_url),
		T(test_read_args),
		T(test_run_without_checks),
		T(test_row_failed),
		T(test_write_rows),
		T(test_options),
		T(test_run_live),
#undef T
	};

	return cmocka_run_group_tests_name("probe", tests, group_setup,
	    group_teardown);
}
