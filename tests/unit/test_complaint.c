/*
 * Filing complaints (C1-C12) through the library, offline (no live
 * checks): every rule broken once on its own, and its boundary passing.
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
#include "bulk.h"
#include "complaint.h"
#include "curl_dl.h"
#include "doc.h"
#include "err.h"
#include "mail.h"
#include "notice.h"
#include "banned.h"

struct ctx {
	struct fx	 fx;		/* store in a temporary directory */
	struct ipp_auth	 who;		/* identity-verified right holder */
	int64_t		 cn, hk, sg, cu, expiring;	/* IPR ids */
	char		*err;		/* last error */
	char		*urls[301];	/* taobao listing URLs */
};

static int64_t
add_ipr(struct ctx *c, const char *label, const char *jurisdiction,
    int registered, const char *expires)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "INSERT INTO iprs (account_id, label, type,"
	    " state, registered, number, jurisdiction, expires, created_at,"
	    " updated_at) VALUES (%lld, '%s', '%s', 'verified', %d, '%s', %s,"
	    " '%s', 'now', 'now')", (long long)c->who.account_id, label,
	    registered ? "trademark" : "copyright", registered,
	    registered ? label : "", jurisdiction, expires);
	fx_exec(c->fx.store, sql);
	return ipp_store_last_id(c->fx.store);
}

static int
setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	void *fxp = NULL;
	size_t i;

	assert_int_equal(fx_setup(&fxp), 0);
	c->fx = *(struct fx *)fxp;
	free(fxp);
	setenv("IPP_NOW", "2026-03-01T10:00:00Z", 1);
	fx_exec(c->fx.store,
	    "INSERT INTO accounts (email, contact_email, role, base,"
	    " identity, category, state, password_hash, owner_name, created_at,"
	    " updated_at) VALUES ('o@example.com', 'o@example.com', 'account',"
	    " 'other', 'enterprise', 'right-holder', 'identity-verified', 'x',"
	    " 'Acme', 'now', 'now')");
	c->who = (struct ipp_auth){ 1, IPP_ROLE_ACCOUNT, "identity-verified" };
	c->cn = add_ipr(c, "cn", "'CN'", 1, "2030-01-01");
	c->hk = add_ipr(c, "hk", "'HK'", 1, "2030-01-01");
	c->sg = add_ipr(c, "sg", "'SG'", 1, "2030-01-01");
	c->cu = add_ipr(c, "cu", "NULL", 0, "2030-01-01");
	c->expiring = add_ipr(c, "soon", "'CN'", 1, "2026-03-02");
	for (i = 0; i < 301; i++)
		assert_non_null(c->urls[i] = ipp_strdup_printf(
		    "https://item.taobao.com/item.htm?id=%zu&spm=a1", 1000 + i));
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;
	struct fx *fxp = malloc(sizeof(*fxp));
	size_t i;

	*fxp = c->fx;
	for (i = 0; i < 301; i++)
		free(c->urls[i]);
	free(c->err);
	free(c);
	ipp_doc_cleanup();
	ipp_mail_cleanup();
	ipp_curl_unload();
	return fx_teardown((void **)&fxp);
}

static struct ipp_complaint_request
request(struct ctx *c, const char *platform, const char *ipr, size_t n)
{
	struct ipp_complaint_request q = {
		.platform = platform, .ipr = ipr, .target = "listing",
		.reason = "tm-counterfeit-goods",
		.supplement = "Counterfeit shoes bearing our ACME mark.",
		.urls = c->urls, .nurls = n, .check = 0, .force = 1,
	};
	return q;
}

/* Files q and expects status; the message must hold words. */
static int64_t
file(struct ctx *c, const struct ipp_complaint_request *q, int status,
    const char *words)
{
	struct ipp_complaint_outcome out;
	int64_t id, before = fx_query_int(c->fx.store,
	    "SELECT count(*) FROM complaint_urls");
	int rc;

	rc = ipp_complaint_file(c->fx.store, &c->who, q, 0, NULL, NULL, &out,
	    &c->err);
	if (rc != status)
		fail_msg("status %d, expected %d: %s", rc, status,
		    c->err ? c->err : "");
	if (words != NULL && (c->err == NULL || strstr(c->err, words) == NULL))
		fail_msg("'%s' lacks '%s'", c->err ? c->err : "", words);
	if (status != IPP_OK)
		assert_int_equal(fx_query_int(c->fx.store,
		    "SELECT count(*) FROM complaint_urls"), before);
	id = out.complaint_id;
	ipp_complaint_outcome_free(&out);
	return id;
}

static void
test_jurisdictions(void **state)
{
	static const char *const platforms[] = { "taobao", "tmall",
		"tmall-global", "1688", "alibaba", "aliexpress" };
	static const char *const urls[] = {
		"https://item.taobao.com/item.htm?id=11",
		"https://detail.tmall.com/item.htm?id=12",
		"https://detail.tmall.hk/hk/item.htm?id=13",
		"https://detail.1688.com/offer/14.html",
		"https://www.alibaba.com/product-detail/Shoe_15.html",
		"https://www.aliexpress.com/item/16.html",
	};
	struct ctx *c = *state;
	struct ipp_complaint_request q;
	char *one[1];
	size_t i;

	for (i = 0; i < 6; i++) {
		one[0] = (char *)urls[i];
		q = request(c, platforms[i], "cn", 1);
		q.urls = one;
		assert_true(file(c, &q, IPP_OK, NULL) > 0);
	}
	/* HK: tmall-global yes, taobao no (C2). */
	one[0] = "https://detail.tmall.hk/item.htm?id=21";
	q = request(c, "tmall-global", "hk", 1);
	q.urls = one;
	assert_true(file(c, &q, IPP_OK, NULL) > 0);
	one[0] = "https://item.taobao.com/item.htm?id=22";
	q = request(c, "taobao", "hk", 1);
	q.urls = one;
	file(c, &q, IPP_EREFUSED, "rule C2");
	/* Unregistered copyright: aliexpress yes, taobao no. */
	q = request(c, "taobao", "cu", 1);
	q.reason = "cr-image-misappropriation";
	file(c, &q, IPP_EREFUSED, "aliexpress and alibaba only");
	one[0] = "https://www.aliexpress.com/item/23.html";
	q = request(c, "aliexpress", "cu", 1);
	q.reason = "cr-image-misappropriation";
	q.urls = one;
	assert_true(file(c, &q, IPP_OK, NULL) > 0);
}

static void
test_lazada_regions(void **state)
{
	static const char *const regions[] = { "sg", "id", "my", "th", "ph",
		"vn" };
	static const char *const tlds[] = { "sg", "co.id", "com.my", "co.th",
		"com.ph", "vn" };
	struct ctx *c = *state;
	struct ipp_complaint_request q;
	char url[128], *one[1] = { url };
	size_t i;

	for (i = 0; i < 6; i++) {
		snprintf(url, sizeof(url), "https://www.lazada.%s/products/"
		    "shoe-i%zu-s9.html", tlds[i], 100 + i);
		q = request(c, "lazada", "sg", 1);
		q.region = regions[i];
		q.urls = one;
		if (i == 0)
			assert_true(file(c, &q, IPP_OK, NULL) > 0);
		else
			file(c, &q, IPP_EREFUSED, "registered in");
	}
	q = request(c, "lazada", "sg", 1);
	file(c, &q, IPP_EREFUSED, "rule C1");
}

static void
test_request_rules(void **state)
{
	struct ctx *c = *state;
	struct ipp_complaint_request q;
	struct ipp_auth pending = c->who;

	q = request(c, "ebay", "cn", 1);
	file(c, &q, IPP_EREFUSED, "rule C1");
	q = request(c, "1688", "cn", 1);
	q.target = "storefront";
	file(c, &q, IPP_EREFUSED, "rule C3");
	q = request(c, "taobao", "cn", 1);
	q.reason = "pt-design";
	file(c, &q, IPP_EREFUSED, "rule C4");
	q.reason = "no-such-code";
	file(c, &q, IPP_EREFUSED, "rule C4");
	q = request(c, "taobao", "cn", 1);
	q.supplement = "too short";
	file(c, &q, IPP_EREFUSED, "rule C7");
	q = request(c, "taobao", "cn", 0);
	file(c, &q, IPP_EREFUSED, "1 to 300");
	q = request(c, "taobao", "cn", 301);
	file(c, &q, IPP_EREFUSED, "1 to 300");
	q = request(c, "taobao", "nope", 1);
	file(c, &q, IPP_EREFUSED, "rule I7");
	snprintf(pending.state, sizeof(pending.state), "identity-pending");
	q = request(c, "taobao", "cn", 1);
	assert_int_equal(ipp_complaint_file(c->fx.store, &pending, &q, 0, NULL,
	    NULL, &(struct ipp_complaint_outcome){ 0 }, &c->err), IPP_EREFUSED);
	assert_non_null(strstr(c->err, "rule A5"));
}

static void
test_boundaries(void **state)
{
	struct ctx *c = *state;
	struct ipp_complaint_request q = request(c, "taobao", "cn", 300);

	assert_true(file(c, &q, IPP_OK, NULL) > 0);
	assert_int_equal(fx_query_int(c->fx.store, "SELECT count(*) FROM"
	    " complaint_urls WHERE state = 'submitted'"), 300);
	/* The IPR expiring tomorrow still backs one; moved past, not. */
	q = request(c, "taobao", "soon", 1);
	q.urls = &c->urls[300];
	assert_true(file(c, &q, IPP_OK, NULL) > 0);
	setenv("IPP_NOW", "2026-03-03T00:00:00Z", 1);
	file(c, &q, IPP_EREFUSED, "expired");
}

static void
test_duplicates(void **state)
{
	struct ctx *c = *state;
	char *twice[] = { "https://item.taobao.com/item.htm?id=5",
		"https://m.intl.taobao.com/detail/detail.html?id=5" };
	struct ipp_complaint_request q = request(c, "taobao", "cn", 2);
	int64_t first;

	q.urls = twice;
	file(c, &q, IPP_EREFUSED, "URLs refused");
	q.nurls = 1;
	first = file(c, &q, IPP_OK, NULL);
	q.urls = &twice[1];
	file(c, &q, IPP_EREFUSED, "URLs refused");
	/* Withdrawn, the listing may be reported again (C5, C11). */
	assert_int_equal(ipp_complaint_withdraw(c->fx.store, &c->who, first,
	    &c->err), IPP_OK);
	assert_int_equal(ipp_complaint_withdraw(c->fx.store, &c->who, first,
	    &c->err), IPP_EREFUSED);
	assert_non_null(strstr(c->err, "rule C11"));
	assert_true(file(c, &q, IPP_OK, NULL) > first);
}

/*
 * C5 for many URLs at once (bulk imports): past one statement's worth
 * (300), in any order, only the account's own open complaints.
 */
static void
test_open_duplicates(void **state)
{
	struct ctx *c = *state;
	struct ipp_complaint_request q = request(c, "taobao", "cn", 300);
	struct ipp_url *u = calloc(301, sizeof(*u));
	const char *canonical[301];
	int64_t ids[301], first;
	size_t i;

	assert_non_null(u);
	first = file(c, &q, IPP_OK, NULL);
	/* Backwards: the one not filed (urls[300]) first. */
	for (i = 0; i < 301; i++) {
		assert_int_equal(ipp_url_parse(c->urls[300 - i], &u[i],
		    &c->err), IPP_OK);
		canonical[i] = u[i].canonical;
	}
	assert_int_equal(ipp_complaint_open_duplicates(c->fx.store,
	    c->who.account_id, canonical, 301, ids, &c->err), IPP_OK);
	assert_int_equal(ids[0], 0);
	for (i = 1; i < 301; i++)
		assert_int_equal(ids[i], first);
	/* Another account's complaints do not count. */
	assert_int_equal(ipp_complaint_open_duplicates(c->fx.store,
	    c->who.account_id + 1, canonical, 301, ids, &c->err), IPP_OK);
	for (i = 0; i < 301; i++)
		assert_int_equal(ids[i], 0);
	/* Withdrawn, none is open any more (C11). */
	assert_int_equal(ipp_complaint_withdraw(c->fx.store, &c->who, first,
	    &c->err), IPP_OK);
	assert_int_equal(ipp_complaint_open_duplicates(c->fx.store,
	    c->who.account_id, canonical + 1, 300, ids, &c->err), IPP_OK);
	for (i = 0; i < 300; i++)
		assert_int_equal(ids[i], 0);
	free(u);
}

static void
test_drop_bad_and_ramp(void **state)
{
	struct ctx *c = *state;
	char *mixed[] = { "https://item.taobao.com/item.htm?id=7",
		"https://detail.tmall.com/item.htm?id=8", "not a url" };
	struct ipp_complaint_request q = request(c, "taobao", "cn", 3);

	q.urls = mixed;
	file(c, &q, IPP_EREFUSED, "2 of 3 URLs refused: nothing filed");
	q.drop_bad = 1;
	{
		struct ipp_complaint_outcome out;

		assert_int_equal(ipp_complaint_file(c->fx.store, &c->who, &q, 0,
		    NULL, NULL, &out, &c->err), IPP_EREFUSED);
		assert_non_null(strstr(c->err, "filed with 1 URLs"));
		assert_true(out.complaint_id > 0);
		assert_null(out.urls[0].refusal);
		assert_non_null(strstr(out.urls[1].refusal, "rule C1"));
		assert_non_null(out.urls[2].refusal);
		ipp_complaint_outcome_free(&out);
	}
	assert_int_equal(fx_query_int(c->fx.store, "SELECT count(*) FROM"
	    " complaint_urls"), 1);
	q = request(c, "taobao", "cn", 21);
	q.force = 0;
	file(c, &q, IPP_EREFUSED, "rules C9, G4");
	q.nurls = 20;
	assert_true(file(c, &q, IPP_OK, NULL) > 0);
}

static void
test_form(void **state)
{
	struct ctx *c = *state;
	struct ipp_notice_request r = { .email = "reporter@example.net",
		.name = "R. Porter", .platform = "taobao",
		.right_description = "ACME trademark, CN registration 123",
		.reason = "tm-counterfeit-goods", .urls = c->urls, .nurls = 10 };
	int64_t id = 0;

	assert_int_equal(ipp_notice_file(c->fx.store, &r, &id, &c->err),
	    IPP_OK);
	r.nurls = 11;
	assert_int_equal(ipp_notice_file(c->fx.store, &r, &id, &c->err),
	    IPP_EREFUSED);
	assert_non_null(strstr(c->err, "rule C12"));
	r.nurls = 1;
	r.email = "O@Example.com";
	assert_int_equal(ipp_notice_file(c->fx.store, &r, &id, &c->err),
	    IPP_EREFUSED);
	assert_non_null(strstr(c->err, "ipp-complain new"));
}

static void
test_import_groups(void **state)
{
	struct ctx *c = *state;
	struct ipp_bulk_options o = { .basedir = c->fx.dir, .force = 1,
		.drop_bad = 1 };
	struct ipp_bulk_result res;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *fp = open_memstream(&buf, &len);

	fprintf(fp, "url,platform,region,ipr,target,reason,supplement\n");
	for (i = 0; i < 700; i++)
		fprintf(fp, "https://item.taobao.com/item.htm?id=%zu,taobao,,cn,"
		    "listing,%s,Counterfeit goods sold under our mark.\n", 5000 + i,
		    i % 2 ? "tm-counterfeit-goods" : "tm-mark-in-text");
	fprintf(fp, "https://item.taobao.com/item.htm?id=5000,taobao,,cn,"
	    "listing,tm-mark-in-text,Counterfeit goods sold under our mark.\n");
	fprintf(fp, "ftp://x,taobao,,cn,listing,tm-mark-in-text,Counterfeit "
	    "goods sold under our mark.\n");
	fclose(fp);
	assert_non_null(fp = fmemopen(buf, len, "r"));
	assert_int_equal(ipp_bulk_import(c->fx.store, &c->who, fp, "rows.csv",
	    &o, NULL, NULL, NULL, &res, &c->err), IPP_EREFUSED);
	fclose(fp);
	assert_int_equal(res.rows, 702);
	assert_int_equal(res.refused, 2);
	/* 350 and 350 rows: two groups, each 300 + 50. */
	assert_int_equal(res.complaints, 4);
	assert_int_equal(fx_query_int(c->fx.store, "SELECT count(*) FROM"
	    " complaints"), 4);
	assert_int_equal(fx_query_int(c->fx.store, "SELECT max(n) FROM (SELECT"
	    " count(*) AS n FROM complaint_urls GROUP BY complaint_id)"), 300);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_jurisdictions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lazada_regions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_request_rules, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_boundaries, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_duplicates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_drop_bad_and_ramp, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_form, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_groups, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("complaint", tests, NULL, NULL);
}
