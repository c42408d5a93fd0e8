/*
 * Rules half kept until issue 8, through the library: an empty region
 * (C1), the form's Lazada region (C1, C5, C12), the catalog kept whole
 * by reasons --load (C4, C8), the patent's kind (C4, I5), I3's
 * answers stored with the IPR, and the warning a right of type other
 * draws (I6).
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
#include "ipr.h"
#include "mail.h"
#include "notice.h"
#include "reason.h"
#include "banned.h"

struct ctx {
	struct fx	 fx;		/* store in a temporary directory */
	struct ipp_auth	 who;		/* identity-verified right holder */
	int64_t		 cn, invention, design;	/* IPR ids */
	char		*err;		/* last error */
};

/* A verified IPR of the account: type, jurisdiction, patent kind. */
static int64_t
add_ipr(struct ctx *c, const char *label, const char *type,
    const char *kind)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "INSERT INTO iprs (account_id, label, type,"
	    " state, number, jurisdiction, expires, kind, created_at,"
	    " updated_at) VALUES (%lld, '%s', '%s', 'verified', '%s', 'CN',"
	    " '2030-01-01', %s%s%s, 'now', 'now')",
	    (long long)c->who.account_id, label, type, label,
	    kind ? "'" : "", kind ? kind : "NULL", kind ? "'" : "");
	fx_exec(c->fx.store, sql);
	return sqlite3_last_insert_rowid(ipp_store_sqlite(c->fx.store));
}

static int
setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	void *fxp = NULL;

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
	c->cn = add_ipr(c, "cn", "trademark", NULL);
	c->invention = add_ipr(c, "inv", "patent", "invention");
	c->design = add_ipr(c, "des", "patent", "design");
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;
	struct fx *fxp = malloc(sizeof(*fxp));

	*fxp = c->fx;
	free(c->err);
	free(c);
	ipp_doc_cleanup();
	ipp_mail_cleanup();
	ipp_curl_unload();
	return fx_teardown((void **)&fxp);
}

/* Files one taobao listing id under ipr with reason; status expected. */
static void
file(struct ctx *c, const char *ipr, const char *reason, int id, int status,
    const char *words)
{
	char url[64], *one[1] = { url };
	struct ipp_complaint_request q = {
		.platform = "taobao", .ipr = ipr, .target = "listing",
		.reason = reason, .urls = one, .nurls = 1,
		.supplement = "The goods practise the claims of our right.",
	};
	struct ipp_complaint_outcome out;
	int rc;

	snprintf(url, sizeof(url), "https://item.taobao.com/item.htm?id=%d",
	    id);
	free(c->err);
	c->err = NULL;
	rc = ipp_complaint_file(c->fx.store, &c->who, &q, 0, NULL, NULL, &out,
	    &c->err);
	ipp_complaint_outcome_free(&out);
	if (rc != status)
		fail_msg("status %d, expected %d: %s", rc, status,
		    c->err ? c->err : "");
	if (words != NULL)
		fx_assert_contains(c->err, words);
}

/* reasons --load of text; the status expected, and words of its error. */
static void
load(struct ctx *c, const char *text, int status, const char *words)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(fp);
	free(c->err);
	c->err = NULL;
	rc = ipp_reason_load(c->fx.store, fp, "cat.tsv", &c->err);
	fclose(fp);
	if (rc != status)
		fail_msg("status %d, expected %d: %s", rc, status,
		    c->err ? c->err : "");
	if (words != NULL)
		fx_assert_contains(c->err, words);
}

#define HEAD "code\tipr_type\ttarget\tlabel\tdescription\tpriority\tkind\n"
#define TM_TEXT "tm-mark-in-text\ttrademark\tlisting\tText\tT.\tnormal\t\n"
#define PT_INV "pt-invention\tpatent\tlisting\tInvention\tI.\tnormal\tinvention\n"
#define PT_DES "pt-design\tpatent\tlisting\tDesign\tD.\tnormal\tdesign\n"
#define OT_COURT "ot-court-judgement\tother\tlisting\tCourt\tC.\tnormal\t\n"

static void
test_empty_region(void **state)
{
	struct ctx *c = *state;
	char *one[1] = { "https://item.taobao.com/item.htm?id=1" };
	struct ipp_complaint_request q = {
		.platform = "taobao", .region = "", .ipr = "cn",
		.target = "listing", .reason = "tm-mark-in-text", .urls = one,
		.nurls = 1, .supplement = "Our mark in the listing's title.",
	};
	struct ipp_complaint_outcome out;

	assert_int_equal(ipp_complaint_check_region(NULL, &c->err), IPP_OK);
	assert_int_equal(ipp_complaint_check_region("sg", &c->err), IPP_OK);
	assert_int_equal(ipp_complaint_check_region("", &c->err), IPP_EUSAGE);
	fx_assert_contains(c->err, "an empty region");
	fx_assert_contains(c->err, "(rule C1)");
	assert_int_equal(ipp_complaint_check_region(" \t", &c->err),
	    IPP_EUSAGE);
	/* Filing says the same, and writes nothing. */
	assert_int_equal(ipp_complaint_file(c->fx.store, &c->who, &q, 0, NULL,
	    NULL, &out, &c->err), IPP_EUSAGE);
	ipp_complaint_outcome_free(&out);
	fx_assert_contains(c->err, "an empty region");
	assert_int_equal(fx_query_int(c->fx.store,
	    "SELECT count(*) FROM complaints"), 0);
}

static void
test_form_region(void **state)
{
	struct ctx *c = *state;
	char *urls[] = { "https://www.lazada.sg/products/x-i1-s2.html",
		"https://www.lazada.co.th/products/x-i3-s4.html" };
	struct ipp_notice_request r = { .email = "r@example.net",
		.name = "R. Porter", .platform = "lazada", .region = "sg",
		.right_description = "ACME trademark, SG registration 123",
		.reason = "tm-counterfeit-goods", .urls = urls, .nurls = 2 };
	int64_t id = 0;

	assert_int_equal(ipp_notice_file(c->fx.store, &r, &id, &c->err),
	    IPP_EREFUSED);
	fx_assert_contains(c->err, "URL 2: a lazada-th listing in a lazada-sg "
	    "notice (rules C1, C5, C12)");
	r.region = "";
	assert_int_equal(ipp_notice_file(c->fx.store, &r, &id, &c->err),
	    IPP_EUSAGE);
	fx_assert_contains(c->err, "an empty region");
	r.platform = "taobao";
	assert_int_equal(ipp_notice_file(c->fx.store, &r, &id, &c->err),
	    IPP_EUSAGE);
	assert_int_equal(fx_query_int(c->fx.store,
	    "SELECT count(*) FROM notices"), 0);
	r.platform = "lazada";
	r.region = "sg";
	r.nurls = 1;
	assert_int_equal(ipp_notice_file(c->fx.store, &r, &id, &c->err),
	    IPP_OK);
	assert_true(id > 0);
}

static void
test_catalog_duplicates(void **state)
{
	struct ctx *c = *state;

	load(c, HEAD TM_TEXT PT_INV TM_TEXT, IPP_EINPUT,
	    "cat.tsv:4: code: 'tm-mark-in-text' is on line 2 already");
	/* Of two codes given twice, the first repeat is named. */
	load(c, HEAD PT_DES TM_TEXT PT_INV TM_TEXT PT_DES, IPP_EINPUT,
	    "cat.tsv:5: code: 'tm-mark-in-text' is on line 3 already");
	load(c, HEAD TM_TEXT PT_INV, IPP_OK, NULL);
	assert_int_equal(fx_query_int(c->fx.store,
	    "SELECT count(*) FROM reasons"), 2);
}

static void
test_catalog_kinds(void **state)
{
	struct ctx *c = *state;

	load(c, HEAD "pt-x\tpatent\tlisting\tX\tX.\tnormal\t\n", IPP_EINPUT,
	    "cat.tsv:2: kind: a patent code is for an invention, "
	    "utility-model or design patent, not ''");
	load(c, HEAD "pt-x\tpatent\tlisting\tX\tX.\tnormal\tgadget\n",
	    IPP_EINPUT, "not 'gadget'");
	load(c, HEAD "tm-x\ttrademark\tlisting\tX\tX.\tnormal\tdesign\n",
	    IPP_EINPUT, "kind: only a patent code has a kind");
	/* Without the column, a catalog of no patent codes loads. */
	load(c, "code\tipr_type\ttarget\tlabel\tdescription\tpriority\n"
	    "tm-x\ttrademark\tlisting\tX\tX.\tnormal\n", IPP_OK, NULL);
	assert_int_equal(fx_query_int(c->fx.store,
	    "SELECT count(*) FROM reasons WHERE kind IS NULL"), 1);
}

static void
test_catalog_in_use(void **state)
{
	struct ctx *c = *state;
	struct ipp_notice_request r = { .email = "r@example.net",
		.name = "R. Porter", .platform = "taobao",
		.right_description = "A right recognised by a court",
		.reason = "ot-court-judgement", .nurls = 1 };
	char *url[] = { "https://item.taobao.com/item.htm?id=9" };
	int64_t id;

	r.urls = url;
	assert_int_equal(ipp_notice_file(c->fx.store, &r, &id, &c->err),
	    IPP_OK);
	file(c, "cn", "tm-mark-in-text", 1, IPP_OK, NULL);
	file(c, "cn", "tm-mark-in-text", 2, IPP_OK, NULL);
	/* Dropped: named with its uses, and nothing changes. */
	load(c, HEAD TM_TEXT PT_INV PT_DES, IPP_EREFUSED,
	    "reason code 'ot-court-judgement' is used by standalone notice 1 "
	    "and must stay in the catalog (rules C4, C8)");
	load(c, HEAD PT_INV PT_DES OT_COURT, IPP_EREFUSED,
	    "reason code 'tm-mark-in-text' is used by 2 complaints from 1 on");
	assert_int_equal(fx_query_int(c->fx.store,
	    "SELECT count(*) FROM reasons"), 16);
	/* Changed: type, target, priority of a used code stay. */
	load(c, HEAD "tm-mark-in-text\tcopyright\tlisting\tT\tT.\tnormal\t\n"
	    OT_COURT, IPP_EREFUSED, "cat.tsv:2: reason code 'tm-mark-in-text' "
	    "is used by 2 complaints from 1 on: its ipr_type stays "
	    "'trademark', not 'copyright'");
	load(c, HEAD TM_TEXT "ot-court-judgement\tother\tlisting\tC\tC.\t"
	    "high\t\n", IPP_EREFUSED, "its priority stays 'normal', not 'high'");
	/* Label and description may change. */
	load(c, HEAD "tm-mark-in-text\ttrademark\tlisting\tNew\tNew.\tnormal\t\n"
	    OT_COURT, IPP_OK, NULL);
	assert_int_equal(fx_query_int(c->fx.store, "SELECT count(*) FROM"
	    " reasons WHERE label = 'New'"), 1);
}

static void
test_patent_kind(void **state)
{
	struct ctx *c = *state;

	file(c, "inv", "pt-design", 1, IPP_EREFUSED, "reason 'pt-design' is "
	    "for a design patent, and IPR 2 is an invention patent");
	file(c, "des", "pt-invention", 1, IPP_EREFUSED, "reason "
	    "'pt-invention' is for an invention patent, and IPR 3 is a design "
	    "patent");
	file(c, "inv", "pt-invention", 1, IPP_OK, NULL);
	file(c, "des", "pt-design", 2, IPP_OK, NULL);
	/* The used kind stays. */
	load(c, HEAD "pt-invention\tpatent\tlisting\tI\tI.\tnormal\tdesign\n"
	    PT_DES, IPP_EREFUSED, "its kind stays 'invention', not 'design'");
}

/* I3: the answers stored; an assignment stands for an authorisation. */
static void
test_answers(void **state)
{
	struct ctx *c = *state;
	char *pdf = fx_path(c->fx.dir, "deed.pdf");
	struct ipp_ipr_input in = { .type = "trademark", .name = "ACME",
		.number = "T-1", .registrant = "Someone Else GmbH",
		.jurisdiction = "CN", .expires = "2030-01-01", .classes = "25",
		.brand = "Acme" };
	int64_t id = 0;
	int rc;

	fx_write_pdf(pdf);
	in.docs[IPP_IPR_CERTIFICATE] = pdf;
	assert_string_equal(ipp_ipr_question_name(IPP_IPR_WAS_ASSIGNED),
	    "was_assigned");
	assert_null(ipp_ipr_question_name(IPP_IPR_NQUESTIONS));
	assert_int_equal(ipp_ipr_add(c->fx.store, &c->who, &in, &id, &c->err),
	    IPP_EREFUSED);
	fx_assert_contains(c->err, "or the record of its assignment to the "
	    "owner");
	in.answers[IPP_IPR_WAS_ASSIGNED] = "yes";
	assert_int_equal(ipp_ipr_add(c->fx.store, &c->who, &in, &id, &c->err),
	    IPP_EREFUSED);
	fx_assert_contains(c->err, "was_assigned: yes needs the assigned "
	    "document (rule I3)");
	in.docs[IPP_IPR_ASSIGNED] = pdf;
	in.answers[IPP_IPR_WAS_RENEWED] = "No";
	rc = ipp_ipr_add(c->fx.store, &c->who, &in, &id, &c->err);
	fx_assert_ok(rc, c->err);
	assert_int_equal(fx_query_int(c->fx.store, "SELECT count(*) FROM iprs"
	    " WHERE was_assigned = 'yes' AND was_renewed = 'no'"
	    " AND was_altered = 'no'"), 1);
	/* Answered no, the assignment no longer stands for anything. */
	memset(&in, 0, sizeof(in));
	in.answers[IPP_IPR_WAS_ASSIGNED] = "no";
	assert_int_equal(ipp_ipr_edit(c->fx.store, &c->who, id, &in, &c->err),
	    IPP_EREFUSED);
	fx_assert_contains(c->err, "is not the account's owner");
	in.registrant = "Acme";
	rc = ipp_ipr_edit(c->fx.store, &c->who, id, &in, &c->err);
	fx_assert_ok(rc, c->err);
	assert_int_equal(fx_query_int(c->fx.store, "SELECT count(*) FROM"
	    " ipr_documents WHERE role = 'assigned'"), 0);
	assert_int_equal(fx_query_int(c->fx.store, "SELECT count(*) FROM iprs"
	    " WHERE was_assigned = 'no'"), 4);
	free(pdf);
}

static void
count_warning(void *arg, const char *file, unsigned long line,
    const char *message)
{
	(void)file;
	assert_non_null(strstr(message, "(rule I6)"));
	assert_true(line == 2 || line == 4);
	(*(int *)arg)++;
}

/* I6: one warning a complaint, filed all the same. */
static void
test_other_warning(void **state)
{
	struct ctx *c = *state;
	char *one[1] = { "https://item.taobao.com/item.htm?id=77" };
	struct ipp_complaint_request q = {
		.platform = "taobao", .ipr = "ot", .target = "listing",
		.reason = "ot-fake", .urls = one, .nurls = 1,
		.supplement = "A court found the listing's get-up unfair.",
	};
	struct ipp_complaint_outcome out;
	struct ipp_bulk_options o = { .basedir = c->fx.dir, .force = 1 };
	struct ipp_bulk_result res;
	const char rows[] = "url,platform,ipr,target,reason,supplement\n"
	    "https://item.taobao.com/item.htm?id=1,taobao,ot,listing,"
	    "ot-court-judgement,A court found the get-up unfair.\n"
	    "https://item.taobao.com/item.htm?id=2,taobao,cn,listing,"
	    "tm-mark-in-text,A court found the get-up unfair.\n"
	    "https://item.taobao.com/item.htm?id=3,taobao,ot,listing,"
	    "ot-unfair-competition,A court found the get-up unfair.\n";
	FILE *fp;
	int64_t ot = add_ipr(c, "ot", "other", NULL);
	int n = 0, rc;

	/* A high-priority code of type other: both warnings, one a line. */
	load(c, HEAD OT_COURT "ot-unfair-competition\tother\tlisting\tU\tU."
	    "\tnormal\t\n" "ot-fake\tother\tlisting\tFake\tF.\thigh\t\n"
	    TM_TEXT, IPP_OK, NULL);
	rc = ipp_complaint_file(c->fx.store, &c->who, &q, 0, NULL, NULL, &out,
	    &c->err);
	fx_assert_ok(rc, c->err);
	assert_true(out.complaint_id > 0);
	fx_assert_contains(out.warning, "(rule C7)\nIPR ");
	fx_assert_contains(out.warning, "is a right of type other");
	assert_null(strchr(strchr(out.warning, '\n') + 1, '\n'));
	ipp_complaint_outcome_free(&out);
	assert_true(ot > 0);
	/* Import: once for each complaint under the right, none else. */
	assert_non_null(fp = fmemopen((void *)rows, sizeof(rows) - 1, "r"));
	o.on_warning = count_warning;
	rc = ipp_bulk_import(c->fx.store, &c->who, fp, "rows.csv", &o, NULL,
	    NULL, &n, &res, &c->err);
	fclose(fp);
	fx_assert_ok(rc, c->err);
	assert_int_equal(res.complaints, 3);
	assert_int_equal(n, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_region, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_form_region, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_catalog_duplicates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_catalog_kinds, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_catalog_in_use, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_patent_kind, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_warning, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
