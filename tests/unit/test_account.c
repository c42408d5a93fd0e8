/*
 * Accounts and sign-in (A1-A6) through the library API, on a fresh store
 * per test.  The mail goes to the Maildir outbox, where codes are read.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "account.h"
#include "auth.h"
#include "doc.h"
#include "err.h"
#include "mail.h"
#include "store.h"
#include "tsv.h"
#include "banned.h"

struct fixture {
	char			 dir[64];	/* temporary directory */
	struct ipp_store	*store;		/* store inside it */
	char			*err;		/* last error text */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char path[128], state_dir[128];

	snprintf(f->dir, sizeof(f->dir), "/tmp/ipp-test-account.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(path, sizeof(path), "%s/store/ipp.db", f->dir);
	snprintf(state_dir, sizeof(state_dir), "%s/state", f->dir);
	setenv("XDG_STATE_HOME", state_dir, 1);
	setenv("IPP_NOW", "2026-03-02T09:00:00Z", 1);
	unsetenv("IPP_TOKEN");
	unsetenv("IPP_SMTP_URL");
	assert_int_equal(ipp_store_open(&f->store, path, IPP_STORE_CREATE,
	    &f->err), IPP_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	ipp_store_close(f->store);
	free(f->err);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	ipp_doc_cleanup();
	ipp_mail_cleanup();
	return 0;
}

static struct ipp_registration
registration(const char *email)
{
	struct ipp_registration r = {
		.email = email, .base = "hong-kong", .identity = "enterprise",
		.category = "right-holder", .agreed = 1,
		.password = "correct horse",
	};
	return r;
}

/* The newest code mailed to `to`, read from outbox/new. */
static void
last_code(struct fixture *f, const char *to, char code[7])
{
	char dir[128], path[512], line[512], want[256];
	struct dirent *e;
	DIR *d;
	FILE *fp;
	int for_us;

	code[0] = '\0';
	/* Mail is queued with its change and delivered after commit. */
	assert_int_equal(ipp_mail_deliver(f->store, &f->err), IPP_OK);
	snprintf(dir, sizeof(dir), "%s/store/outbox/new", f->dir);
	snprintf(want, sizeof(want), "To: %s\r\n", to);
	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		assert_non_null(fp = fopen(path, "r"));
		for_us = 0;
		while (fgets(line, sizeof(line), fp) != NULL) {
			if (strcmp(line, want) == 0)
				for_us = 1;
			if (for_us && strncmp(line, "Verification code: ", 19) == 0)
				memcpy(code, line + 19, 6), code[6] = '\0';
		}
		fclose(fp);
	}
	closedir(d);
	assert_int_equal(strlen(code), 6);
}

static int64_t
register_one(struct fixture *f, const char *email)
{
	struct ipp_registration r = registration(email);
	int64_t id = 0;

	assert_int_equal(ipp_account_register(f->store, &r, &id, &f->err),
	    IPP_OK);
	assert_true(id > 0);
	return id;
}

static void
test_register_needs_agreement(void **state)
{
	struct fixture *f = *state;
	struct ipp_registration r = registration("a@example.com");
	int64_t id = 0;

	r.agreed = 0;
	assert_int_equal(ipp_account_register(f->store, &r, &id, &f->err),
	    IPP_EREFUSED);
	assert_non_null(strstr(f->err, "rule A1"));
	assert_int_equal(id, 0);
}

static void
test_rights_org_combination(void **state)
{
	struct fixture *f = *state;
	struct ipp_registration r = registration("org@example.com");
	int64_t id = 0;

	r.rights_org = 1;	/* enterprise + right-holder: refused (A2) */
	assert_int_equal(ipp_account_register(f->store, &r, &id, &f->err),
	    IPP_EREFUSED);
	assert_non_null(strstr(f->err, "rule A2"));
	r.identity = "individual";
	r.category = "agent";
	assert_int_equal(ipp_account_register(f->store, &r, &id, &f->err),
	    IPP_OK);
}

static void
test_email_unique_any_case(void **state)
{
	struct fixture *f = *state;
	struct ipp_registration r = registration("Brand@Example.com");
	int64_t id = 0;

	register_one(f, "brand@example.com");
	assert_int_equal(ipp_account_register(f->store, &r, &id, &f->err),
	    IPP_EREFUSED);
	assert_non_null(strstr(f->err, "already registered"));
}

static void
test_verify_then_login(void **state)
{
	struct fixture *f = *state;
	char code[7], token[IPP_SECRET_HEX];
	struct ipp_auth who;

	register_one(f, "v@example.com");
	assert_int_equal(ipp_auth_login(f->store, "v@example.com",
	    "correct horse", token, &f->err), IPP_EAUTH);
	assert_non_null(strstr(f->err, "rule A3"));
	last_code(f, "v@example.com", code);
	assert_int_equal(ipp_account_verify(f->store, "V@example.com", code,
	    &f->err), IPP_OK);
	assert_int_equal(ipp_account_verify(f->store, "v@example.com", code,
	    &f->err), IPP_EREFUSED);
	assert_int_equal(ipp_auth_login(f->store, "v@example.com", "wrong pw!",
	    token, &f->err), IPP_EAUTH);
	assert_int_equal(ipp_auth_login(f->store, "v@example.com",
	    "correct horse", token, &f->err), IPP_OK);
	setenv("IPP_TOKEN", token, 1);
	assert_int_equal(ipp_auth_current(f->store, &who, &f->err), IPP_OK);
	assert_string_equal(who.state, "active");
	assert_int_equal(who.role, IPP_ROLE_ACCOUNT);
	/* Sessions end after session_hours (24). */
	setenv("IPP_NOW", "2026-03-03T09:00:01Z", 1);
	assert_int_equal(ipp_auth_current(f->store, &who, &f->err), IPP_EAUTH);
	assert_non_null(strstr(f->err, "expired"));
	unsetenv("IPP_TOKEN");
}

static void
test_five_wrong_tries(void **state)
{
	struct fixture *f = *state;
	char code[7], wrong[7];
	int i;

	register_one(f, "w@example.com");
	last_code(f, "w@example.com", code);
	memcpy(wrong, code, sizeof(wrong));
	wrong[0] = code[0] == '9' ? '0' : (char)(code[0] + 1);
	for (i = 0; i < 5; i++)
		assert_int_equal(ipp_account_verify(f->store, "w@example.com",
		    wrong, &f->err), IPP_EREFUSED);
	assert_non_null(strstr(f->err, "last of 5"));
	assert_int_equal(ipp_account_verify(f->store, "w@example.com", code,
	    &f->err), IPP_EREFUSED);
	assert_non_null(strstr(f->err, "invalidated"));
}

static void
test_code_expires(void **state)
{
	struct fixture *f = *state;
	char code[7];

	register_one(f, "x@example.com");
	last_code(f, "x@example.com", code);
	setenv("IPP_NOW", "2026-03-02T09:15:00Z", 1);
	assert_int_equal(ipp_account_verify(f->store, "x@example.com", code,
	    &f->err), IPP_EREFUSED);
	assert_non_null(strstr(f->err, "expired"));
}

static void
test_resend_once_a_minute(void **state)
{
	struct fixture *f = *state;
	char first[7];

	register_one(f, "r@example.com");
	last_code(f, "r@example.com", first);
	setenv("IPP_NOW", "2026-03-02T09:00:59Z", 1);
	assert_int_equal(ipp_account_resend(f->store, "r@example.com",
	    &f->err), IPP_EREFUSED);
	assert_non_null(strstr(f->err, "2026-03-02T09:01:00Z"));
	setenv("IPP_NOW", "2026-03-02T09:01:00Z", 1);
	assert_int_equal(ipp_account_resend(f->store, "r@example.com",
	    &f->err), IPP_OK);
	/* The old code is void once a new one is sent. */
	assert_int_equal(ipp_account_verify(f->store, "r@example.com", first,
	    &f->err), IPP_EREFUSED);
}

static void
test_handler_only_once(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ipp_account_first_handler(f->store, "h@example.com",
	    "handler pass", &f->err), IPP_OK);
	assert_int_equal(ipp_account_first_handler(f->store, "h2@example.com",
	    "handler pass", &f->err), IPP_EREFUSED);
	assert_non_null(strstr(f->err, "already has a case handler"));
}

static void
test_decide_needs_handler_and_pending(void **state)
{
	struct fixture *f = *state;
	struct ipp_auth handler = { 0, IPP_ROLE_HANDLER, "active" };
	struct ipp_auth account = { 0, IPP_ROLE_ACCOUNT, "active" };
	int64_t id = register_one(f, "d@example.com");

	account.account_id = id;
	assert_int_equal(ipp_account_decide(f->store, &account, id, 1, NULL,
	    &f->err), IPP_EAUTH);
	assert_int_equal(ipp_account_decide(f->store, &handler, id, 1, NULL,
	    &f->err), IPP_EREFUSED);
	assert_non_null(strstr(f->err, "not identity-pending"));
	assert_int_equal(ipp_account_decide(f->store, &handler, id, 0, "",
	    &f->err), IPP_EUSAGE);
	assert_int_equal(ipp_account_decide(f->store, &handler, 9999, 1, NULL,
	    &f->err), IPP_ENOTFOUND);
	/* A handler has no identity to decide: no such account. */
	assert_int_equal(ipp_account_first_handler(f->store, "h@example.com",
	    "handler pass", &f->err), IPP_OK);
	assert_int_equal(ipp_account_find(f->store, "h@example.com",
	    &handler.account_id, &f->err), IPP_OK);
	assert_true(handler.account_id > 0);
	assert_int_equal(ipp_account_decide(f->store, &handler,
	    handler.account_id, 1, NULL, &f->err), IPP_ENOTFOUND);
	assert_non_null(strstr(f->err, "no account"));
}

static void
test_history_is_private(void **state)
{
	struct fixture *f = *state;
	struct ipp_auth other = { 0, IPP_ROLE_ACCOUNT, "active" };
	struct ipp_tsv_writer *w;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	int64_t a = register_one(f, "p@example.com");

	other.account_id = register_one(f, "q@example.com");
	assert_non_null(out = open_memstream(&buf, &len));
	assert_int_equal(ipp_tsv_writer_open(&w, out,
	    ipp_account_history_columns, ipp_account_history_ncolumns,
	    &f->err), IPP_OK);
	assert_int_equal(ipp_account_history(f->store, &other, a, w, &f->err),
	    IPP_ENOTFOUND);
	assert_int_equal(ipp_account_history(f->store, &other,
	    other.account_id, w, &f->err), IPP_OK);
	assert_int_equal(ipp_tsv_writer_close(w, &f->err), IPP_OK);
	fclose(out);
	assert_non_null(strstr(buf, "\tregistered\t"));
	assert_null(strstr(buf, "p@example.com"));
	free(buf);
}

/* A5: a rejection needs a reason; an approval needs none. */
static void
test_check_decision(void **state)
{
	char *err = NULL;

	assert_int_equal(ipp_account_check_decision(1, NULL, &err), IPP_OK);
	assert_null(err);
	assert_int_equal(ipp_account_check_decision(0, "blurred", &err),
	    IPP_OK);
	assert_int_equal(ipp_account_check_decision(0, NULL, &err),
	    IPP_EUSAGE);
	assert_string_equal(err, "a rejection needs a reason (rule A5)");
	assert_int_equal(ipp_account_check_decision(0, "", &err), IPP_EUSAGE);
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_register_needs_agreement,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rights_org_combination,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_email_unique_any_case,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_then_login, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_five_wrong_tries, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_code_expires, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_resend_once_a_minute,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_handler_only_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_decide_needs_handler_and_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_is_private, setup,
		    teardown),
		cmocka_unit_test(test_check_decision),
	};

	return cmocka_run_group_tests_name("account", tests, NULL, NULL);
}
