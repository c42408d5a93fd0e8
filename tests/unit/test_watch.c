/*
 * The relisting watch (H5) without the network: which removed listings
 * it selects (the caller's, one complaint's, removed since a date), the
 * columns import reads, and a --since that is not a date.  The live
 * checks themselves are proved against local servers in
 * tests/e2e/0430-complain-details.t.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixtures.h"
#include "watch.h"
#include "banned.h"

static const struct ipp_auth handler = { 1, IPP_ROLE_HANDLER, "active" };
static const struct ipp_auth alice = { 2, IPP_ROLE_ACCOUNT,
	"identity-verified" };
static const struct ipp_auth bob = { 3, IPP_ROLE_ACCOUNT,
	"identity-verified" };

/* Alice's complaint 1: URL 1 removed on 03-10, URL 2 removed on 03-20,
 * URL 3 rejected; bob's complaint 2: URL 4 removed on 03-10. */
static int
setup(void **state)
{
	struct fx *fx;

	assert_int_equal(fx_setup(state), 0);
	fx = *state;
	fx_exec(fx->store,
	    "INSERT INTO accounts (email, contact_email, role, state,"
	    " password_hash, created_at, updated_at) VALUES"
	    " ('h@ipp.test', 'h@ipp.test', 'handler', 'active', 'x', 'n', 'n'),"
	    " ('a@example.com', 'a@example.com', 'account',"
	    "  'identity-verified', 'x', 'n', 'n'),"
	    " ('b@example.com', 'b@example.com', 'account',"
	    "  'identity-verified', 'x', 'n', 'n');"
	    "INSERT INTO iprs (account_id, label, type, state, created_at,"
	    " updated_at) VALUES (2, 'cn', 'trademark', 'verified', 'n', 'n'),"
	    " (3, 'cn', 'trademark', 'verified', 'n', 'n');"
	    "INSERT INTO complaints (account_id, platform, region, ipr_id,"
	    " target, reason, priority, supplement, due_at, created_at) VALUES"
	    " (2, 'lazada', 'sg', 1, 'listing', 'tm-mark-in-text', 'normal',"
	    "  'sup a', 'd', 'c'),"
	    " (3, 'taobao', NULL, 2, 'listing', 'tm-mark-in-text', 'normal',"
	    "  'sup b', 'd', 'c');"
	    "INSERT INTO complaint_urls (complaint_id, account_id, url,"
	    " canonical_url, listing_id, state, updated_at, final_at) VALUES"
	    " (1, 2, 'u1', 'https://www.lazada.sg/products/i1.html', '1',"
	    "  'removed', 'n', '2026-03-10T16:00:00Z'),"
	    " (1, 2, 'u2', 'https://www.lazada.sg/products/i2.html', '2',"
	    "  'removed', 'n', '2026-03-20T16:00:00Z'),"
	    " (1, 2, 'u3', 'https://www.lazada.sg/products/i3.html', '3',"
	    "  'rejected', 'n', '2026-03-05T16:00:00Z'),"
	    " (2, 3, 'u4', 'https://item.taobao.com/item.htm?id=4', '4',"
	    "  'removed', 'n', '2026-03-10T16:00:00Z')");
	return 0;
}

/* Runs the watch without checks; returns what it wrote. */
static char *
watch(struct fx *fx, const struct ipp_auth *who, int64_t complaint,
    const char *since, int want, long *rows)
{
	struct ipp_watch_options o = { complaint, since, 0, NULL, NULL };
	struct ipp_tsv_writer *w;
	char *err = NULL, *text;
	size_t len;
	FILE *fp = open_memstream(&text, &len);
	int rc;

	assert_non_null(fp);
	fx_assert_ok(ipp_tsv_writer_open(&w, fp, ipp_watch_columns,
	    ipp_watch_ncolumns, &err), err);
	rc = ipp_watch_run(fx->store, who, &o, w, rows, &err);
	if (rc != want)
		fail_msg("status %d, expected %d: %s", rc, want, err ? err : "");
	ipp_tsv_writer_close(w, NULL);
	fclose(fp);
	free(err);
	return text;
}

static void
test_selection(void **state)
{
	struct fx *fx = *state;
	char *text;
	long n;

	text = watch(fx, &alice, 0, NULL, IPP_OK, &n);
	assert_int_equal(n, 2);
	assert_string_equal(text, "url\tplatform\tregion\tipr\ttarget\treason"
	    "\tsupplement\turl_id\tcomplaint_id\n"
	    "https://www.lazada.sg/products/i1.html\tlazada\tsg\t1\tlisting"
	    "\ttm-mark-in-text\tsup a\t1\t1\n"
	    "https://www.lazada.sg/products/i2.html\tlazada\tsg\t1\tlisting"
	    "\ttm-mark-in-text\tsup a\t2\t1\n");
	free(text);
	free(watch(fx, &handler, 0, NULL, IPP_OK, &n));
	assert_int_equal(n, 3);
	free(watch(fx, &bob, 1, NULL, IPP_OK, &n));
	assert_int_equal(n, 0);
	free(watch(fx, &handler, 0, "2026-03-15", IPP_OK, &n));
	assert_int_equal(n, 1);
	free(watch(fx, &handler, 0, "2026-03-10T16:00:00Z", IPP_OK, &n));
	assert_int_equal(n, 3);
	free(watch(fx, &handler, 0, "last week", IPP_EUSAGE, &n));
	assert_int_equal(fx_query_int(fx->store,
	    "SELECT count(*) FROM relistings"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_selection, setup,
		    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
