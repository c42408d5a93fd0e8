/*
 * IPRs (I1-I8) through the library: what each type needs, the checks on
 * values, authorisation (I3), decisions, expiry and import.
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
#include "doc.h"
#include "err.h"
#include "ipr.h"
#include "mail.h"
#include "banned.h"

struct ctx {
	struct fx	 fx;		/* store in a temporary directory */
	struct ipp_auth	 owner;		/* identity-verified right holder */
	struct ipp_auth	 agent;		/* identity-verified agent */
	struct ipp_auth	 handler;	/* case handler */
	char		*pdf;		/* a certificate */
	char		*err;		/* last error */
};

static int64_t
add_account(struct ctx *c, const char *email, const char *role,
    const char *category, const char *owner)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "INSERT INTO accounts (email, contact_email,"
	    " role, base, identity, category, state, password_hash, owner_name,"
	    " created_at, updated_at) VALUES ('%s', '%s', '%s', 'other',"
	    " 'enterprise', %s, 'identity-verified', 'x', %s, 'now', 'now')",
	    email, email, role, category, owner);
	assert_int_equal(sqlite3_exec(ipp_store_sqlite(c->fx.store), sql, NULL,
	    NULL, NULL), SQLITE_OK);
	return ipp_store_last_id(c->fx.store);
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
	unsetenv("IPP_SMTP_URL");
	c->owner = (struct ipp_auth){ add_account(c, "o@example.com",
	    "account", "'right-holder'", "'Acme Ltd'"), IPP_ROLE_ACCOUNT,
	    "identity-verified" };
	c->agent = (struct ipp_auth){ add_account(c, "a@example.com",
	    "account", "'agent'", "'Agency Ltd'"), IPP_ROLE_ACCOUNT,
	    "identity-verified" };
	c->handler = (struct ipp_auth){ add_account(c, "h@example.com",
	    "handler", "NULL", "NULL"), IPP_ROLE_HANDLER, "active" };
	c->pdf = fx_path(c->fx.dir, "cert.pdf");
	fx_write_pdf(c->pdf);
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;
	struct fx *fxp = malloc(sizeof(*fxp));

	*fxp = c->fx;
	free(c->pdf);
	free(c->err);
	free(c);
	ipp_doc_cleanup();
	ipp_mail_cleanup();
	return fx_teardown((void **)&fxp);
}

static struct ipp_ipr_input
trademark(struct ctx *c)
{
	struct ipp_ipr_input in = {
		.type = "trademark", .name = "ACME", .number = " 12345 ",
		.registrant = "acme  LTD", .jurisdiction = "cn",
		.expires = "2030-01-01", .classes = "25;9,9", .brand = "Acme",
	};
	in.docs[IPP_IPR_CERTIFICATE] = c->pdf;
	return in;
}

static int64_t
count_iprs(struct ctx *c)
{
	return fx_query_int(c->fx.store, "SELECT count(*) FROM iprs");
}

static void
expect_refused(struct ctx *c, const struct ipp_auth *who,
    const struct ipp_ipr_input *in, const char *words)
{
	int64_t id = 0, before = count_iprs(c);

	assert_int_equal(ipp_ipr_add(c->fx.store, who, in, &id, &c->err),
	    IPP_EREFUSED);
	if (strstr(c->err, words) == NULL)
		fail_msg("'%s' lacks '%s'", c->err, words);
	assert_int_equal(count_iprs(c), before);
}

static void
test_trademark_normalised(void **state)
{
	struct ctx *c = *state;
	struct ipp_ipr_input in = trademark(c);
	int64_t id = 0;
	char *v;

	assert_int_equal(ipp_ipr_add(c->fx.store, &c->owner, &in, &id,
	    &c->err), IPP_OK);
	v = fx_query_text(c->fx.store, "SELECT jurisdiction || ' ' || classes"
	    " || ' ' || number || ' ' || label || ' ' || state FROM iprs");
	assert_string_equal(v, "CN 9,25 12345 trademark/CN/12345/Acme pending");
	free(v);
	assert_int_equal(fx_query_int(c->fx.store, "SELECT count(*) FROM"
	    " ipr_documents WHERE role = 'certificate'"), 1);
}

static void
test_trademark_rules(void **state)
{
	struct ctx *c = *state;
	struct ipp_ipr_input in = trademark(c);

	in.classes = NULL;
	expect_refused(c, &c->owner, &in, "classes: required for a trademark "
	    "(rule I2)");
	in = trademark(c);
	in.classes = "46";
	expect_refused(c, &c->owner, &in, "Nice classes 1-45 (rule I2)");
	in = trademark(c);
	in.status = "pending";
	expect_refused(c, &c->owner, &in, "pending trademark application");
	in = trademark(c);
	in.jurisdiction = "UK";
	expect_refused(c, &c->owner, &in, "'UK' is not an ISO 3166-1");
	in = trademark(c);
	in.expires = "2030-02-30";
	expect_refused(c, &c->owner, &in, "not a date");
	in = trademark(c);
	in.expires = "2026-02-28";
	expect_refused(c, &c->owner, &in, "rule I7");
	in = trademark(c);
	in.kind = "design";
	expect_refused(c, &c->owner, &in, "a trademark has no kind");
	in = trademark(c);
	in.docs[IPP_IPR_CERTIFICATE] = NULL;
	expect_refused(c, &c->owner, &in, "certificate document is required");
	in = trademark(c);
	in.label = "2024";
	expect_refused(c, &c->owner, &in, "all digits");
}

static void
test_each_type(void **state)
{
	struct ctx *c = *state;
	struct ipp_ipr_input cu = { .type = "copyright", .unregistered = 1,
		.name = "Artwork" };
	struct ipp_ipr_input pt = { .type = "patent", .kind = "design",
		.number = "ZL1", .jurisdiction = "CN", .expires = "2031-01-01" };
	struct ipp_ipr_input ot = { .type = "other" };
	int64_t id;

	cu.docs[IPP_IPR_STATEMENT] = c->pdf;
	cu.number = "R1";
	expect_refused(c, &c->owner, &cu, "an unregistered copyright has no "
	    "number (rule I4)");
	cu.number = NULL;
	assert_int_equal(ipp_ipr_add(c->fx.store, &c->owner, &cu, &id,
	    &c->err), IPP_OK);
	pt.docs[IPP_IPR_CERTIFICATE] = c->pdf;
	expect_refused(c, &c->owner, &pt, "(rule I5)");
	pt.docs[IPP_IPR_EVALUATION_REPORT] = c->pdf;
	assert_int_equal(ipp_ipr_add(c->fx.store, &c->owner, &pt, &id,
	    &c->err), IPP_OK);
	ot.docs[IPP_IPR_BASIS] = c->pdf;
	expect_refused(c, &c->owner, &ot, "description: required for another "
	    "right (rule I6)");
	ot.description = "unfair competition, court judgement 12/2025";
	assert_int_equal(ipp_ipr_add(c->fx.store, &c->owner, &ot, &id,
	    &c->err), IPP_OK);
	assert_int_equal(count_iprs(c), 3);
}

static void
test_authorization(void **state)
{
	struct ctx *c = *state;
	struct ipp_ipr_input in = trademark(c);
	int64_t id;

	expect_refused(c, &c->agent, &in, "an agent account needs");
	in.registrant = "Someone Else GmbH";
	expect_refused(c, &c->owner, &in, "is not the account's owner");
	in.docs[IPP_IPR_AUTHORIZATION] = c->pdf;
	assert_int_equal(ipp_ipr_add(c->fx.store, &c->owner, &in, &id,
	    &c->err), IPP_OK);
	in.number = "777";
	assert_int_equal(ipp_ipr_add(c->fx.store, &c->agent, &in, &id,
	    &c->err), IPP_OK);
}

static void
test_duplicates_and_identity(void **state)
{
	struct ctx *c = *state;
	struct ipp_ipr_input in = trademark(c);
	struct ipp_auth unverified = c->owner;
	int64_t id;

	assert_int_equal(ipp_ipr_add(c->fx.store, &c->owner, &in, &id,
	    &c->err), IPP_OK);
	expect_refused(c, &c->owner, &in, "is already IPR 1");
	in.number = "555";
	in.label = "trademark/CN/12345/Acme";
	expect_refused(c, &c->owner, &in, "is taken");
	/* Another account may hold the same number: isolation. */
	in = trademark(c);
	in.docs[IPP_IPR_AUTHORIZATION] = c->pdf;
	assert_int_equal(ipp_ipr_add(c->fx.store, &c->agent, &in, &id,
	    &c->err), IPP_OK);
	snprintf(unverified.state, sizeof(unverified.state), "active");
	in = trademark(c);
	in.number = "999";
	expect_refused(c, &unverified, &in, "rule A5");
}

static void
test_decisions(void **state)
{
	struct ctx *c = *state;
	struct ipp_ipr_input in = trademark(c), change = { 0 };
	long failures = -1;
	int64_t id;

	assert_int_equal(ipp_ipr_add(c->fx.store, &c->owner, &in, &id,
	    &c->err), IPP_OK);
	assert_int_equal(ipp_ipr_decide(c->fx.store, &c->owner, id, 1, NULL,
	    &c->err), IPP_EAUTH);
	assert_int_equal(ipp_ipr_decide(c->fx.store, &c->handler, id, 0, "",
	    &c->err), IPP_EUSAGE);
	assert_int_equal(ipp_ipr_decide(c->fx.store, &c->handler, id, 0,
	    "certificate unreadable", &c->err), IPP_OK);
	assert_int_equal(ipp_ipr_failure_count(c->fx.store, &c->owner,
	    &failures, &c->err), IPP_OK);
	assert_int_equal(failures, 1);
	change.brand = "Acme Brand";
	assert_int_equal(ipp_ipr_edit(c->fx.store, &c->owner, id, &change,
	    &c->err), IPP_OK);
	assert_int_equal(ipp_ipr_resubmit(c->fx.store, &c->owner, id,
	    &c->err), IPP_OK);
	assert_int_equal(ipp_ipr_resubmit(c->fx.store, &c->owner, id,
	    &c->err), IPP_EREFUSED);
	assert_int_equal(ipp_ipr_decide(c->fx.store, &c->handler, id, 1, NULL,
	    &c->err), IPP_OK);
	assert_int_equal(ipp_ipr_edit(c->fx.store, &c->owner, id, &change,
	    &c->err), IPP_EREFUSED);
	assert_non_null(strstr(c->err, "only a pending or failed"));
	/* The account does not see the other's IPR; the handler does. */
	assert_int_equal(ipp_ipr_resubmit(c->fx.store, &c->agent, id,
	    &c->err), IPP_ENOTFOUND);
	assert_int_equal(fx_query_int(c->fx.store, "SELECT count(*) FROM"
	    " ipr_events"), 5);
}

static char *
list_text(struct ctx *c, const struct ipp_auth *who,
    const struct ipp_ipr_filter *f, long *count)
{
	struct ipp_tsv_writer *w;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_int_equal(ipp_tsv_writer_open(&w, out, ipp_ipr_columns,
	    ipp_ipr_ncolumns, &c->err), IPP_OK);
	assert_int_equal(ipp_ipr_list(c->fx.store, who, f, w, count, &c->err),
	    IPP_OK);
	assert_int_equal(ipp_tsv_writer_close(w, &c->err), IPP_OK);
	fclose(out);
	return buf;
}

static void
test_expiry(void **state)
{
	struct ctx *c = *state;
	struct ipp_ipr_input in = trademark(c);
	struct ipp_ipr_filter soon = { .expiring_days = 30 };
	struct ipp_ipr_filter expired = { .state = "expired" };
	long n;
	int64_t a, b;
	char *text;

	in.expires = "2026-03-21";
	assert_int_equal(ipp_ipr_add(c->fx.store, &c->owner, &in, &a,
	    &c->err), IPP_OK);
	in.number = "2";
	in.expires = "2026-04-10";
	assert_int_equal(ipp_ipr_add(c->fx.store, &c->owner, &in, &b,
	    &c->err), IPP_OK);
	assert_int_equal(ipp_ipr_decide(c->fx.store, &c->handler, a, 1, NULL,
	    &c->err), IPP_OK);
	assert_int_equal(ipp_ipr_decide(c->fx.store, &c->handler, b, 1, NULL,
	    &c->err), IPP_OK);
	text = list_text(c, &c->owner, &soon, &n);
	assert_int_equal(n, 1);
	assert_non_null(strstr(text, "2026-03-21"));
	free(text);
	setenv("IPP_NOW", "2026-03-22T00:00:00Z", 1);
	text = list_text(c, &c->owner, &expired, &n);
	assert_int_equal(n, 1);
	assert_non_null(strstr(text, "\texpired\t"));
	free(text);
}

static void
test_import(void **state)
{
	struct ctx *c = *state;
	struct ipp_ipr_import_result res;
	char *file = fx_path(c->fx.dir, "rights.tsv"), *buf = NULL;
	size_t len = 0;
	FILE *fp, *rejects;
	static const char rows[] =
	    "type\tname\tnumber\tregistrant\tjurisdiction\texpires\tclasses"
	    "\tbrand\tcertificate\n"
	    "trademark\tA\t1\tAcme Ltd\tCN\t2030-01-01\t9\tA\tcert.pdf\n"
	    "trademark\tB\t2\tAcme Ltd\tXX\t2030-01-01\t9\tB\tcert.pdf\n"
	    "trademark\tC\t3\tAcme Ltd\tHK\t2030-01-01\t25\tC\tcert.pdf\n"
	    "trademark\tD\t1\tAcme Ltd\tCN\t2030-01-01\t9\tD\tcert.pdf\n";

	fx_write_file(file, rows, sizeof(rows) - 1);
	assert_non_null(fp = fopen(file, "r"));
	assert_int_equal(ipp_ipr_import(c->fx.store, &c->owner, fp, file,
	    c->fx.dir, 0, NULL, NULL, NULL, &res, &c->err), IPP_EREFUSED);
	fclose(fp);
	assert_int_equal(res.rows, 4);
	assert_int_equal(res.refused, 2);
	assert_int_equal(count_iprs(c), 0);
	assert_non_null(fp = fopen(file, "r"));
	assert_non_null(rejects = open_memstream(&buf, &len));
	assert_int_equal(ipp_ipr_import(c->fx.store, &c->owner, fp, file,
	    c->fx.dir, 1, rejects, NULL, NULL, &res, &c->err), IPP_EREFUSED);
	fclose(fp);
	fclose(rejects);
	assert_int_equal(res.stored, 2);
	assert_int_equal(count_iprs(c), 2);
	assert_non_null(strstr(buf, "\terror\n"));
	assert_non_null(strstr(buf, "'XX' is not an ISO 3166-1"));
	assert_non_null(strstr(buf, "number: CN 1 appears twice in this file"));
	/* The shared certificate is one document. */
	assert_int_equal(fx_query_int(c->fx.store, "SELECT count(*) FROM"
	    " documents"), 1);
	free(buf);
	free(file);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_trademark_normalised,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_trademark_rules, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_each_type, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_authorization, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_and_identity,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_decisions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import, setup, teardown),
	};

	return cmocka_run_group_tests_name("ipr", tests, NULL, NULL);
}
