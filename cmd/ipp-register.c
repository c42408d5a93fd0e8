/*
 * ipp-register: accounts (rules A1-A6).  Parses options, opens the store,
 * calls lib/account.c and lib/auth.c, and prints; the rules live there.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "auth.h"
#include "cli.h"
#include "doc.h"
#include "err.h"
#include "mail.h"
#include "settings.h"
#include "store.h"
#include "tsv.h"
#include "banned.h"

static const char *prog = "ipp-register";

struct context {
	const char		*store_arg;	/* -d PATH, or NULL */
	struct ipp_store	*store;		/* opened by open_store */
	char			*err;		/* the last error's text */
};

struct command {
	const char	*name;
	int		(*run)(struct context *, int, char **);
	const char	*usage;		/* mirrors the man page's SYNOPSIS */
};

static int run_init(struct context *, int, char **);
static int run_new(struct context *, int, char **);
static int run_verify(struct context *, int, char **);
static int run_resend(struct context *, int, char **);
static int run_login(struct context *, int, char **);
static int run_logout(struct context *, int, char **);
static int run_whoami(struct context *, int, char **);
static int run_passwd(struct context *, int, char **);
static int run_token(struct context *, int, char **);
static int run_identity(struct context *, int, char **);
static int run_list(struct context *, int, char **);
static int run_history(struct context *, int, char **);
static int run_approve(struct context *, int, char **);
static int run_reject(struct context *, int, char **);
static int run_handler(struct context *, int, char **);
static int run_settings(struct context *, int, char **);
static int run_set(struct context *, int, char **);

static const struct command commands[] = {
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
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage_all(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: %s [-d store] command [options]\n", prog);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "       %s [-d store] %s\n", prog, commands[i].usage);
}

static int
usage_of(const char *name, const char *problem)
{
	size_t i;

	if (problem != NULL)
		fprintf(stderr, "%s: %s\n", prog, problem);
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			fprintf(stderr, "usage: %s [-d store] %s\n", prog,
			    commands[i].usage);
	return IPP_EXIT_USAGE;
}

/* Prints the error of a failed call and returns its exit status. */
static int
fail(struct context *c, int status)
{
	fprintf(stderr, "%s: %s\n", prog, c->err != NULL ? c->err :
	    "unknown error");
	free(c->err);
	c->err = NULL;
	return ipp_exit_status(status);
}

static int
open_store(struct context *c, int flags)
{
	char *path = NULL;
	int rc;

	if ((rc = ipp_store_path(&path, c->store_arg, &c->err)) == IPP_OK)
		rc = ipp_store_open(&c->store, path, flags, &c->err);
	free(path);
	return rc;
}

/* Shared option parsing: long options only, --help prints usage. */
static int
parse(const char *name, int argc, char **argv, const struct option *longs,
    int (*take)(int, const char *, void *), void *arg)
{
	static const struct option help_only[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, index;

	if (longs == NULL)
		longs = help_only;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longs, &index)) != -1) {
		if (ch == 'h') {
			size_t i;
			for (i = 0; i < NCOMMANDS; i++)
				if (strcmp(commands[i].name, name) == 0)
					printf("usage: %s [-d store] %s\n", prog,
					    commands[i].usage);
			exit(0);
		}
		if (ch == '?' || take == NULL || take(ch, optarg, arg) != 0)
			exit(usage_of(name, NULL));
	}
	return optind;
}

static int
read_password(struct context *c, int given, char **password)
{
	if (!given) {
		fprintf(stderr, "%s: give the password on standard input with "
		    "--password-stdin\n", prog);
		return IPP_EUSAGE;
	}
	return ipp_cli_read_line(stdin, "a password", password, &c->err);
}

static void
forget(char *secret)
{
	if (secret != NULL) {
		explicit_bzero(secret, strlen(secret));
		free(secret);
	}
}

static int
signed_in(struct context *c, struct ipp_auth *who)
{
	int rc;

	if ((rc = open_store(c, 0)) != IPP_OK)
		return rc;
	return ipp_auth_current(c->store, who, &c->err);
}

/* Writes rows through a callback into a TSV writer on stdout. */
static int
write_tsv(struct context *c, const char *const *columns, size_t ncolumns,
    int (*rows)(struct context *, struct ipp_tsv_writer *, void *), void *arg)
{
	struct ipp_tsv_writer *w;
	char *close_err = NULL;
	int rc, rc2;

	if ((rc = ipp_tsv_writer_open(&w, stdout, columns, ncolumns,
	    &c->err)) != IPP_OK)
		return rc;
	rc = rows(c, w, arg);
	rc2 = ipp_tsv_writer_close(w, &close_err);
	if (rc == IPP_OK && rc2 != IPP_OK) {
		free(c->err);
		c->err = close_err;
		return rc2;
	}
	free(close_err);
	return rc;
}

/* ---- commands ---- */

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
run_init(struct context *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "handler", required_argument, NULL, 'e' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct email_password o = { NULL, 0 };
	char *password = NULL;
	int rc;

	if (parse("init", argc, argv, longs, take_email_password, &o) != argc ||
	    o.email == NULL)
		return usage_of("init", "init needs --handler");
	if ((rc = read_password(c, o.password_stdin, &password)) != IPP_OK)
		return rc == IPP_EUSAGE && c->err == NULL ? IPP_EXIT_USAGE :
		    fail(c, rc);
	rc = open_store(c, IPP_STORE_CREATE);
	if (rc == IPP_OK)
		rc = ipp_account_init(c->store, o.email, password, &c->err);
	forget(password);
	if (rc != IPP_OK)
		return fail(c, rc);
	fprintf(stderr, "%s: store '%s' ready; case handler '%s'\n", prog,
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
run_new(struct context *c, int argc, char **argv)
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const columns[] = { "account_id", "email", "state" };
	struct new_options o;
	char *password = NULL, id_text[24];
	int64_t id = 0;
	int rc;

	memset(&o, 0, sizeof(o));
	if (parse("new", argc, argv, longs, take_new, &o) != argc)
		return usage_of("new", "new takes no operands");
	if (o.reg.email == NULL || o.reg.base == NULL ||
	    o.reg.identity == NULL || o.reg.category == NULL)
		return usage_of("new", "new needs --email, --base, --identity "
		    "and --category");
	if ((rc = read_password(c, o.password_stdin, &password)) != IPP_OK)
		return c->err == NULL ? IPP_EXIT_USAGE : fail(c, rc);
	o.reg.password = password;
	if ((rc = open_store(c, 0)) == IPP_OK)
		rc = ipp_account_register(c->store, &o.reg, &id, &c->err);
	forget(password);
	if (id != 0) {
		/* The account exists even when its mail was not delivered. */
		const char *row[] = { id_text, o.reg.email, "unverified" };
		struct ipp_tsv_writer *w;
		snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
		if (ipp_tsv_writer_open(&w, stdout, columns, 3, NULL) == IPP_OK) {
			ipp_tsv_write_row(w, row, NULL);
			ipp_tsv_writer_close(w, NULL);
		}
	}
	return rc != IPP_OK ? fail(c, rc) : 0;
}

static int
run_verify(struct context *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct email_password o = { NULL, 0 };
	int rc, i;

	i = parse("verify", argc, argv, longs, take_email_password, &o);
	if (o.email == NULL || argc - i != 1)
		return usage_of("verify", "verify needs --email and the code");
	if ((rc = open_store(c, 0)) == IPP_OK)
		rc = ipp_account_verify(c->store, o.email, argv[i], &c->err);
	return rc != IPP_OK ? fail(c, rc) : 0;
}

static int
run_resend(struct context *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct email_password o = { NULL, 0 };
	int rc;

	if (parse("resend", argc, argv, longs, take_email_password, &o) !=
	    argc || o.email == NULL)
		return usage_of("resend", "resend needs --email");
	if ((rc = open_store(c, 0)) == IPP_OK)
		rc = ipp_account_resend(c->store, o.email, &c->err);
	return rc != IPP_OK ? fail(c, rc) : 0;
}

static int
run_login(struct context *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct email_password o = { NULL, 0 };
	char *password = NULL, token[IPP_SECRET_HEX];
	int rc;

	if (parse("login", argc, argv, longs, take_email_password, &o) !=
	    argc || o.email == NULL)
		return usage_of("login", "login needs --email");
	if ((rc = read_password(c, o.password_stdin, &password)) != IPP_OK)
		return c->err == NULL ? IPP_EXIT_USAGE : fail(c, rc);
	if ((rc = open_store(c, 0)) == IPP_OK)
		rc = ipp_auth_login(c->store, o.email, password, token, &c->err);
	forget(password);
	if (rc == IPP_OK)
		rc = ipp_auth_save(token, &c->err);
	explicit_bzero(token, sizeof(token));
	return rc != IPP_OK ? fail(c, rc) : 0;
}

static int
run_logout(struct context *c, int argc, char **argv)
{
	int rc;

	if (parse("logout", argc, argv, NULL, NULL, NULL) != argc)
		return usage_of("logout", "logout takes no operands");
	if ((rc = open_store(c, 0)) == IPP_OK)
		rc = ipp_auth_logout(c->store, &c->err);
	return rc != IPP_OK ? fail(c, rc) : 0;
}

static int
whoami_rows(struct context *c, struct ipp_tsv_writer *w, void *who)
{
	return ipp_account_whoami(c->store, who, w, &c->err);
}

static int
run_whoami(struct context *c, int argc, char **argv)
{
	struct ipp_auth who;
	int rc;

	if (parse("whoami", argc, argv, NULL, NULL, NULL) != argc)
		return usage_of("whoami", "whoami takes no operands");
	if ((rc = signed_in(c, &who)) == IPP_OK)
		rc = write_tsv(c, ipp_account_columns, ipp_account_ncolumns,
		    whoami_rows, &who);
	return rc != IPP_OK ? fail(c, rc) : 0;
}

static int
run_passwd(struct context *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct email_password o = { NULL, 0 };
	struct ipp_auth who;
	char *current = NULL, *next = NULL;
	int rc;

	if (parse("passwd", argc, argv, longs, take_email_password, &o) != argc)
		return usage_of("passwd", "passwd takes no operands");
	if ((rc = read_password(c, o.password_stdin, &current)) != IPP_OK)
		return c->err == NULL ? IPP_EXIT_USAGE : fail(c, rc);
	rc = ipp_cli_read_line(stdin, "the new password on a second line",
	    &next, &c->err);
	if (rc == IPP_OK)
		rc = signed_in(c, &who);
	if (rc == IPP_OK)
		rc = ipp_auth_passwd(c->store, &who, current, next, &c->err);
	forget(current);
	forget(next);
	return rc != IPP_OK ? fail(c, rc) : 0;
}

static int
run_token(struct context *c, int argc, char **argv)
{
	struct ipp_auth who;
	char token[IPP_SECRET_HEX];
	int rc;

	if (parse("token", argc, argv, NULL, NULL, NULL) != argc)
		return usage_of("token", "token takes no operands");
	if ((rc = signed_in(c, &who)) == IPP_OK)
		rc = ipp_auth_api_token(c->store, &who, token, &c->err);
	if (rc != IPP_OK)
		return fail(c, rc);
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
run_identity(struct context *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "doc", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct identity_options o = { NULL, NULL };
	struct ipp_auth who;
	int rc;

	if (parse("identity", argc, argv, longs, take_identity, &o) != argc ||
	    o.name == NULL || o.doc == NULL)
		return usage_of("identity", "identity needs --name and --doc");
	if ((rc = signed_in(c, &who)) == IPP_OK)
		rc = ipp_account_identity(c->store, &who, o.name, o.doc,
		    &c->err);
	return rc != IPP_OK ? fail(c, rc) : 0;
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
list_rows(struct context *c, struct ipp_tsv_writer *w, void *p)
{
	struct list_args *a = p;

	return ipp_account_list(c->store, &a->who, a->state, w, &c->err);
}

static int
run_list(struct context *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "state", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_args a;
	int rc;

	memset(&a, 0, sizeof(a));
	if (parse("list", argc, argv, longs, take_state, &a) != argc)
		return usage_of("list", "list takes no operands");
	if ((rc = open_store(c, 0)) == IPP_OK)
		rc = ipp_auth_handler(c->store, &a.who, &c->err);
	if (rc == IPP_OK)
		rc = write_tsv(c, ipp_account_columns, ipp_account_ncolumns,
		    list_rows, &a);
	if (rc == IPP_ENOTFOUND)
		return IPP_EXIT_FAIL;	/* nothing matched: no message */
	return rc != IPP_OK ? fail(c, rc) : 0;
}

static int
history_rows(struct context *c, struct ipp_tsv_writer *w, void *p)
{
	struct list_args *a = p;

	return ipp_account_history(c->store, &a->who, a->id, w, &c->err);
}

static int
run_history(struct context *c, int argc, char **argv)
{
	struct list_args a;
	int rc, i;

	memset(&a, 0, sizeof(a));
	i = parse("history", argc, argv, NULL, NULL, NULL);
	if (argc - i > 1 || (argc - i == 1 &&
	    ipp_cli_parse_id(argv[i], &a.id) != 0))
		return usage_of("history", "history takes one account id");
	if ((rc = signed_in(c, &a.who)) == IPP_OK) {
		if (a.id == 0)
			a.id = a.who.account_id;
		rc = write_tsv(c, ipp_account_history_columns,
		    ipp_account_history_ncolumns, history_rows, &a);
	}
	return rc != IPP_OK ? fail(c, rc) : 0;
}

/* approve and reject: each account decided on its own, reported by row. */
static int
decide_all(struct context *c, int argc, char **argv, int first, int approve,
    const char *reason)
{
	static const char *const columns[] = { "account_id", "state" };
	struct ipp_tsv_writer *w;
	struct ipp_auth who;
	int64_t *ids = NULL;
	size_t n = 0, i;
	char id_text[24];
	int rc, worst = IPP_OK;

	if ((rc = open_store(c, 0)) != IPP_OK ||
	    (rc = ipp_auth_handler(c->store, &who, &c->err)) != IPP_OK ||
	    (rc = ipp_cli_ids(argc - first, argv + first, stdin, "account_id",
	    &ids, &n, &c->err)) != IPP_OK)
		return fail(c, rc);
	if ((rc = ipp_tsv_writer_open(&w, stdout, columns, 2, &c->err))) {
		free(ids);
		return fail(c, rc);
	}
	for (i = 0; i < n; i++) {
		rc = ipp_account_decide(c->store, &who, ids[i], approve, reason,
		    &c->err);
		if (rc != IPP_OK && rc != IPP_ENET) {
			worst = worst ? worst : rc;
			fail(c, rc);
			continue;
		}
		snprintf(id_text, sizeof(id_text), "%lld", (long long)ids[i]);
		const char *row[] = { id_text,
		    approve ? "identity-verified" : "identity-rejected" };
		ipp_tsv_write_row(w, row, NULL);
		if (rc == IPP_ENET) {
			worst = worst ? worst : rc;
			fail(c, rc);
		}
	}
	free(ids);
	if ((rc = ipp_tsv_writer_close(w, &c->err)) != IPP_OK)
		return fail(c, rc);
	return ipp_exit_status(worst);
}

static int
run_approve(struct context *c, int argc, char **argv)
{
	int i = parse("approve", argc, argv, NULL, NULL, NULL);

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
run_reject(struct context *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reason = NULL;
	int i = parse("reject", argc, argv, longs, take_reason, &reason);

	if (reason == NULL || *reason == '\0')
		return usage_of("reject", "a rejection needs --reason (rule A5)");
	return decide_all(c, argc, argv, i, 0, reason);
}

static int
run_handler(struct context *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct email_password o = { NULL, 0 };
	struct ipp_auth who;
	char *password = NULL;
	int64_t id;
	int rc, i;

	if (argc < 2 || strcmp(argv[1], "add") != 0) {
		if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0))
			parse("handler", argc, argv, longs, NULL, NULL);
		return usage_of("handler", "handler takes the word add");
	}
	i = parse("handler", argc - 1, argv + 1, longs, take_email_password,
	    &o) + 1;
	if (argc - i != 1)
		return usage_of("handler", "handler add needs one email");
	if ((rc = read_password(c, o.password_stdin, &password)) != IPP_OK)
		return c->err == NULL ? IPP_EXIT_USAGE : fail(c, rc);
	if ((rc = open_store(c, 0)) == IPP_OK)
		rc = ipp_auth_handler(c->store, &who, &c->err);
	if (rc == IPP_OK)
		rc = ipp_account_add_handler(c->store, &who, argv[i], password,
		    &id, &c->err);
	forget(password);
	if (rc != IPP_OK)
		return fail(c, rc);
	printf("account_id\temail\n%lld\t%s\n", (long long)id, argv[i]);
	return 0;
}

static int
settings_rows(struct context *c, struct ipp_tsv_writer *w, void *unused)
{
	return ipp_settings_list(c->store, w, &c->err);
}

static int
run_settings(struct context *c, int argc, char **argv)
{
	static const char *const columns[] = { "name", "value", "kind",
		"minimum", "maximum", "description" };
	struct ipp_auth who;
	int rc;

	if (parse("settings", argc, argv, NULL, NULL, NULL) != argc)
		return usage_of("settings", "settings takes no operands");
	if ((rc = signed_in(c, &who)) == IPP_OK)
		rc = write_tsv(c, columns, 6, settings_rows, NULL);
	return rc != IPP_OK ? fail(c, rc) : 0;
}

static int
run_set(struct context *c, int argc, char **argv)
{
	struct ipp_auth who;
	int rc, i;

	i = parse("set", argc, argv, NULL, NULL, NULL);
	if (argc - i != 2)
		return usage_of("set", "set needs a name and a value");
	if ((rc = open_store(c, 0)) == IPP_OK)
		rc = ipp_auth_handler(c->store, &who, &c->err);
	if (rc == IPP_OK)
		rc = ipp_settings_set(c->store, argv[i], argv[i + 1], &c->err);
	return rc != IPP_OK ? fail(c, rc) : 0;
}

int
main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct context c = { NULL, NULL, NULL };
	size_t i;
	int ch, status = -1;

	while ((ch = getopt_long(argc, argv, "+d:h", longs, NULL)) != -1) {
		switch (ch) {
		case 'd':
			c.store_arg = optarg;
			break;
		case 'h':
			usage_all(stdout);
			return 0;
		default:
			usage_all(stderr);
			return IPP_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage_all(stderr);
		return IPP_EXIT_USAGE;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			status = commands[i].run(&c, argc, argv);
	if (status < 0) {
		fprintf(stderr, "%s: no command '%s'\n", prog, argv[0]);
		usage_all(stderr);
		status = IPP_EXIT_USAGE;
	}
	if (c.err != NULL)
		status = fail(&c, IPP_ESYS);
	ipp_store_close(c.store);
	ipp_mail_cleanup();
	ipp_doc_cleanup();
	if (fflush(stdout) != 0 && status == 0)
		status = IPP_EXIT_SYS;
	return status;
}
