/*
 * ipp-register: accounts (rules A1-A6).  Parses options, opens the store,
 * calls lib/account.c and lib/auth.c, and prints; the rules live there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "auth.h"
#include "cli.h"
#include "common.h"
#include "doc.h"
#include "err.h"
#include "mail.h"
#include "settings.h"
#include "store.h"
#include "tsv.h"
#include "banned.h"

static int run_init(struct cmd *, int, char **);
static int run_new(struct cmd *, int, char **);
static int run_verify(struct cmd *, int, char **);
static int run_resend(struct cmd *, int, char **);
static int run_login(struct cmd *, int, char **);
static int run_logout(struct cmd *, int, char **);
static int run_whoami(struct cmd *, int, char **);
static int run_passwd(struct cmd *, int, char **);
static int run_token(struct cmd *, int, char **);
static int run_identity(struct cmd *, int, char **);
static int run_list(struct cmd *, int, char **);
static int run_history(struct cmd *, int, char **);
static int run_approve(struct cmd *, int, char **);
static int run_reject(struct cmd *, int, char **);
static int run_handler(struct cmd *, int, char **);
static int run_settings(struct cmd *, int, char **);
static int run_set(struct cmd *, int, char **);
static int run_mail(struct cmd *, int, char **);
static int run_gc(struct cmd *, int, char **);

static const struct cmd_command commands[] = {
	{ "init", run_init, "init --handler email --password-stdin" },
	{ "new", run_new, "new --email email [--contact-email email] "
	    "--base base --identity identity --category category "
	    "[--rights-org] --agree --password-stdin" },
	{ "verify", run_verify, "verify --email email code" },
	{ "resend", run_resend, "resend --email email" },
	{ "login", run_login, "login --email email --password-stdin" },
	{ "logout", run_logout, "logout" },
	{ "whoami", run_whoami, "whoami" },
	{ "passwd", run_passwd, "passwd --password-stdin" },
	{ "token", run_token, "token" },
	{ "identity", run_identity, "identity --name name --doc file" },
	{ "list", run_list, "list [--state state]" },
	{ "history", run_history, "history [account_id]" },
	{ "approve", run_approve, "approve [account_id ...]" },
	{ "reject", run_reject, "reject --reason reason [account_id ...]" },
	{ "handler", run_handler, "handler add --password-stdin email" },
	{ "settings", run_settings, "settings" },
	{ "set", run_set, "set name value" },
	{ "mail", run_mail, "mail [--deliver]" },
	{ "gc", run_gc, "gc [--dry-run]" },
};


struct email_password {
	const char	*email;		/* --email or --handler */
	int		 password_stdin;	/* --password-stdin */
};

static int
take_email_password(int ch, const char *arg, void *p)
{
	struct email_password *o = p;

	if (ch == 'e')
		o->email = arg;
	else if (ch == 'p')
		o->password_stdin = 1;
	else
		return -1;
	return 0;
}

static int
run_init(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "handler", required_argument, NULL, 'e' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct email_password o = { NULL, 0 };
	char *password = NULL;
	int rc;

	if (cmd_parse(c, "init", argc, argv, longs, take_email_password, &o) != argc ||
	    o.email == NULL)
		return cmd_usage(c, "init", "init needs --handler");
	if ((rc = cmd_read_password(c, o.password_stdin, &password)) != IPP_OK)
		return cmd_fail(c, rc);
	rc = cmd_open_store(c, IPP_STORE_CREATE);
	if (rc == IPP_OK)
		rc = ipp_account_first_handler(c->store, o.email, password,
		    &c->err);
	cmd_forget(password);
	if (rc != IPP_OK)
		return cmd_fail(c, rc);
	fprintf(stderr, "%s: store '%s' ready; case handler '%s'\n", c->prog,
	    ipp_store_file(c->store), o.email);
	return 0;
}

struct new_options {
	struct ipp_registration	reg;	/* what is registered */
	int			 password_stdin;
};

static int
take_new(int ch, const char *arg, void *p)
{
	struct new_options *o = p;

	switch (ch) {
	case 'e': o->reg.email = arg; break;
	case 'c': o->reg.contact_email = arg; break;
	case 'b': o->reg.base = arg; break;
	case 'i': o->reg.identity = arg; break;
	case 'k': o->reg.category = arg; break;
	case 'r': o->reg.rights_org = 1; break;
	case 'a': o->reg.agreed = 1; break;
	case 'p': o->password_stdin = 1; break;
	default: return -1;
	}
	return 0;
}

static int
run_new(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "contact-email", required_argument, NULL, 'c' },
		{ "base", required_argument, NULL, 'b' },
		{ "identity", required_argument, NULL, 'i' },
		{ "category", required_argument, NULL, 'k' },
		{ "rights-org", no_argument, NULL, 'r' },
		{ "agree", no_argument, NULL, 'a' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const columns[] = { "account_id", "email", "state" };
	struct new_options o;
	char *password = NULL, id_text[24];
	int64_t id = 0;
	int rc, rc2;

	memset(&o, 0, sizeof(o));
	if (cmd_parse(c, "new", argc, argv, longs, take_new, &o) != argc)
		return cmd_usage(c, "new", "new takes no operands");
	if (o.reg.email == NULL || o.reg.base == NULL ||
	    o.reg.identity == NULL || o.reg.category == NULL)
		return cmd_usage(c, "new", "new needs --email, --base, --identity "
		    "and --category");
	if ((rc = cmd_read_password(c, o.password_stdin, &password)) != IPP_OK)
		return cmd_fail(c, rc);
	o.reg.password = password;
	if ((rc = cmd_open_store(c, 0)) == IPP_OK)
		rc = ipp_account_register(c->store, &o.reg, &id, &c->err);
	cmd_forget(password);
	if (id != 0) {
		/* The account exists even when its mail was not delivered. */
		const char *row[] = { id_text, o.reg.email, "unverified" };
		snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
		if ((rc2 = cmd_write_row(c, columns, 3, row)) != IPP_OK &&
		    rc == IPP_OK)
			rc = rc2;
	}
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
run_verify(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "email", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	struct email_password o = { NULL, 0 };
	int rc, i;

	i = cmd_parse(c, "verify", argc, argv, longs, take_email_password, &o);
	if (o.email == NULL || argc - i != 1)
		return cmd_usage(c, "verify", "verify needs --email and the code");
	if ((rc = cmd_open_store(c, 0)) == IPP_OK)
		rc = ipp_account_verify(c->store, o.email, argv[i], &c->err);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
run_resend(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "email", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	struct email_password o = { NULL, 0 };
	int rc;

	if (cmd_parse(c, "resend", argc, argv, longs, take_email_password, &o) !=
	    argc || o.email == NULL)
		return cmd_usage(c, "resend", "resend needs --email");
	if ((rc = cmd_open_store(c, 0)) == IPP_OK)
		rc = ipp_account_resend(c->store, o.email, &c->err);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
run_login(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct email_password o = { NULL, 0 };
	char *password = NULL, token[IPP_SECRET_HEX];
	int rc;

	if (cmd_parse(c, "login", argc, argv, longs, take_email_password, &o) !=
	    argc || o.email == NULL)
		return cmd_usage(c, "login", "login needs --email");
	if ((rc = cmd_read_password(c, o.password_stdin, &password)) != IPP_OK)
		return cmd_fail(c, rc);
	if ((rc = cmd_open_store(c, 0)) == IPP_OK)
		rc = ipp_auth_login(c->store, o.email, password, token, &c->err);
	cmd_forget(password);
	if (rc == IPP_OK)
		rc = ipp_auth_save(token, &c->err);
	explicit_bzero(token, sizeof(token));
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
run_logout(struct cmd *c, int argc, char **argv)
{
	int rc;

	if (cmd_parse(c, "logout", argc, argv, NULL, NULL, NULL) != argc)
		return cmd_usage(c, "logout", "logout takes no operands");
	if ((rc = cmd_open_store(c, 0)) == IPP_OK)
		rc = ipp_auth_logout(c->store, &c->err);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
whoami_rows(struct cmd *c, struct ipp_tsv_writer *w, void *who)
{
	return ipp_account_whoami(c->store, who, w, &c->err);
}

static int
run_whoami(struct cmd *c, int argc, char **argv)
{
	struct ipp_auth who;
	int rc;

	if (cmd_parse(c, "whoami", argc, argv, NULL, NULL, NULL) != argc)
		return cmd_usage(c, "whoami", "whoami takes no operands");
	if ((rc = cmd_signed_in(c, &who)) == IPP_OK)
		rc = cmd_write_tsv(c, ipp_account_columns, ipp_account_ncolumns,
		    whoami_rows, &who);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
run_passwd(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "password-stdin", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct email_password o = { NULL, 0 };
	struct ipp_auth who;
	char *current = NULL, *next = NULL;
	int rc;

	if (cmd_parse(c, "passwd", argc, argv, longs, take_email_password, &o) != argc)
		return cmd_usage(c, "passwd", "passwd takes no operands");
	if ((rc = cmd_read_password(c, o.password_stdin, &current)) != IPP_OK)
		return cmd_fail(c, rc);
	rc = ipp_cli_read_line(stdin, "the new password on a second line",
	    &next, &c->err);
	if (rc == IPP_OK)
		rc = cmd_signed_in(c, &who);
	if (rc == IPP_OK)
		rc = ipp_auth_passwd(c->store, &who, current, next, &c->err);
	cmd_forget(current);
	cmd_forget(next);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
run_token(struct cmd *c, int argc, char **argv)
{
	struct ipp_auth who;
	char token[IPP_SECRET_HEX];
	int rc;

	if (cmd_parse(c, "token", argc, argv, NULL, NULL, NULL) != argc)
		return cmd_usage(c, "token", "token takes no operands");
	if ((rc = cmd_signed_in(c, &who)) == IPP_OK)
		rc = ipp_auth_api_token(c->store, &who, token, &c->err);
	if (rc != IPP_OK)
		return cmd_fail(c, rc);
	printf("%s\n", token);
	explicit_bzero(token, sizeof(token));
	return 0;
}

struct identity_options {
	const char	*name;		/* --name */
	const char	*doc;		/* --doc */
};

static int
take_identity(int ch, const char *arg, void *p)
{
	struct identity_options *o = p;

	if (ch == 'n')
		o->name = arg;
	else if (ch == 'f')
		o->doc = arg;
	else
		return -1;
	return 0;
}

static int
run_identity(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "doc", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct identity_options o = { NULL, NULL };
	struct ipp_auth who;
	int rc;

	if (cmd_parse(c, "identity", argc, argv, longs, take_identity, &o) != argc ||
	    o.name == NULL || o.doc == NULL)
		return cmd_usage(c, "identity", "identity needs --name and --doc");
	if ((rc = cmd_signed_in(c, &who)) == IPP_OK)
		rc = ipp_account_identity(c->store, &who, o.name, o.doc,
		    &c->err);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

struct list_args {
	struct ipp_auth	 who;		/* the handler */
	const char	*state;		/* --state, or NULL */
	int64_t		 id;		/* history: the account */
};

static int
take_state(int ch, const char *arg, void *p)
{
	struct list_args *o = p;

	if (ch != 's')
		return -1;
	o->state = arg;
	return 0;
}

static int
list_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct list_args *a = p;

	return ipp_account_list(c->store, &a->who, a->state, w, &c->err);
}

static int
run_list(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "state", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_args a;
	int rc;

	memset(&a, 0, sizeof(a));
	if (cmd_parse(c, "list", argc, argv, longs, take_state, &a) != argc)
		return cmd_usage(c, "list", "list takes no operands");
	rc = cmd_handler(c, &a.who);
	if (rc == IPP_OK)
		rc = cmd_write_tsv(c, ipp_account_columns, ipp_account_ncolumns,
		    list_rows, &a);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
history_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct list_args *a = p;

	return ipp_account_history(c->store, &a->who, a->id, w, &c->err);
}

static int
run_history(struct cmd *c, int argc, char **argv)
{
	struct list_args a;
	int rc, i;

	memset(&a, 0, sizeof(a));
	i = cmd_parse(c, "history", argc, argv, NULL, NULL, NULL);
	if (argc - i > 1 || (argc - i == 1 &&
	    ipp_cli_parse_id(argv[i], &a.id) != 0))
		return cmd_usage(c, "history", "history takes one account id");
	if ((rc = cmd_signed_in(c, &a.who)) == IPP_OK) {
		if (a.id == 0)
			a.id = a.who.account_id;
		rc = cmd_write_tsv(c, ipp_account_history_columns,
		    ipp_account_history_ncolumns, history_rows, &a);
	}
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

struct decision {
	struct ipp_auth	 who;		/* the handler */
	int		 approve;	/* 1 verify, 0 reject */
	const char	*reason;	/* for a rejection (A5) */
};

static int
decide_one(struct cmd *c, int64_t id, void *arg)
{
	struct decision *d = arg;

	return ipp_account_decide(c->store, &d->who, id, d->approve, d->reason,
	    &c->err);
}

/* approve and reject: each account decided on its own, reported by row. */
static int
decide_all(struct cmd *c, int argc, char **argv, int first, int approve,
    const char *reason)
{
	struct decision d = { .approve = approve, .reason = reason };
	int rc;

	if ((rc = cmd_handler(c, &d.who)) != IPP_OK)
		return cmd_fail(c, rc);
	return cmd_each_id(c, argc - first, argv + first, "account_id", "state",
	    approve ? "identity-verified" : "identity-rejected", decide_one, &d);
}

static int
run_approve(struct cmd *c, int argc, char **argv)
{
	int i = cmd_parse(c, "approve", argc, argv, NULL, NULL, NULL);

	return decide_all(c, argc, argv, i, 1, NULL);
}

static int
take_reason(int ch, const char *arg, void *p)
{
	if (ch != 'r')
		return -1;
	*(const char **)p = arg;
	return 0;
}

static int
run_reject(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reason = NULL;
	int i = cmd_parse(c, "reject", argc, argv, longs, take_reason, &reason);
	int rc;

	if ((rc = ipp_account_check_decision(0, reason, &c->err)) != IPP_OK)
		return cmd_fail(c, rc);
	return decide_all(c, argc, argv, i, 0, reason);
}

static int
run_handler(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "password-stdin", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const columns[] = { "account_id", "email" };
	struct email_password o = { NULL, 0 };
	struct ipp_auth who;
	char *password = NULL, id_text[24];
	int64_t id;
	int rc, i;

	i = cmd_parse(c, "handler", argc, argv, longs, take_email_password, &o);
	if (argc - i != 2 || strcmp(argv[i], "add") != 0)
		return cmd_usage(c, "handler", "handler takes the word add and "
		    "one email");
	i++;
	if ((rc = cmd_read_password(c, o.password_stdin, &password)) != IPP_OK)
		return cmd_fail(c, rc);
	rc = cmd_handler(c, &who);
	if (rc == IPP_OK)
		rc = ipp_account_add_handler(c->store, &who, argv[i], password,
		    &id, &c->err);
	cmd_forget(password);
	if (rc == IPP_OK) {
		const char *row[] = { id_text, argv[i] };
		snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
		rc = cmd_write_row(c, columns, 2, row);
	}
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
settings_rows(struct cmd *c, struct ipp_tsv_writer *w, void *unused)
{
	return ipp_settings_list(c->store, w, &c->err);
}

static int
run_settings(struct cmd *c, int argc, char **argv)
{
	static const char *const columns[] = { "name", "value", "kind",
		"minimum", "maximum", "description" };
	struct ipp_auth who;
	int rc;

	if (cmd_parse(c, "settings", argc, argv, NULL, NULL, NULL) != argc)
		return cmd_usage(c, "settings", "settings takes no operands");
	if ((rc = cmd_signed_in(c, &who)) == IPP_OK)
		rc = cmd_write_tsv(c, columns, 6, settings_rows, NULL);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
run_set(struct cmd *c, int argc, char **argv)
{
	struct ipp_auth who;
	int rc, i;

	i = cmd_parse(c, "set", argc, argv, NULL, NULL, NULL);
	if (argc - i != 2)
		return cmd_usage(c, "set", "set needs a name and a value");
	rc = cmd_handler(c, &who);
	if (rc == IPP_OK)
		rc = ipp_settings_set(c->store, argv[i], argv[i + 1], &c->err);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}


static int
take_deliver(int ch, const char *arg, void *p)
{
	if (ch != 'D')
		return -1;
	*(int *)p = 1;
	return 0;
}

static int
queue_rows(struct cmd *c, struct ipp_tsv_writer *w, void *unused)
{
	long n;

	return ipp_mail_queue(c->store, w, &n, &c->err);
}

/*
 * mail: the queue (N3) for a case handler; mail --deliver: delivers it,
 * for cron, as any command does after its own changes.
 */
static int
run_mail(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "deliver", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const columns[] = { "mail_id", "message_id",
		"recipient", "subject", "queued_at", "tries", "last_error" };
	struct ipp_auth who;
	int rc, deliver = 0;

	if (cmd_parse(c, "mail", argc, argv, longs, take_deliver, &deliver) !=
	    argc)
		return cmd_usage(c, "mail", "mail takes no operands");
	if (deliver) {
		if ((rc = cmd_open_store(c, 0)) == IPP_OK)
			rc = ipp_mail_flush(c->store, &c->err);
	} else if ((rc = cmd_handler(c, &who)) == IPP_OK)
		rc = cmd_write_tsv(c, columns, 7, queue_rows, NULL);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static const char *const gc_columns[] = { "path", "kind", "sha256", "size" };

static int
gc_row(void *arg, const struct ipp_doc_garbage *g, char **errp)
{
	char size[24];

	snprintf(size, sizeof(size), "%lld", (long long)g->size);
	const char *row[] = { g->path, g->kind, g->sha256, size };
	return ipp_tsv_write_row(arg, row, errp);
}

struct gc_args {
	int	dry_run;	/* --dry-run */
};

static int
take_gc(int ch, const char *arg, void *p)
{
	if (ch != 'n')
		return -1;
	((struct gc_args *)p)->dry_run = 1;
	return 0;
}

static int
gc_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	const struct gc_args *a = p;

	return ipp_doc_gc(c->store, a->dry_run, gc_row, w, &c->err);
}

/* Removes document files no row references (issue 8, defects 7, 10). */
static int
run_gc(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct gc_args a = { 0 };
	struct ipp_auth who;
	int rc;

	if (cmd_parse(c, "gc", argc, argv, longs, take_gc, &a) != argc)
		return cmd_usage(c, "gc", "gc takes no operands");
	if ((rc = cmd_handler(c, &who)) == IPP_OK)
		rc = cmd_write_tsv(c, gc_columns, 4, gc_rows, &a);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

int
main(int argc, char **argv)
{
	return cmd_main("ipp-register", commands,
	    sizeof(commands) / sizeof(commands[0]), argc, argv);
}
