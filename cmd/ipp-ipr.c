/*
 * ipp-ipr: the IPR register (rules I1-I8, D1-D2).  Parses options and
 * moves records; lib/ipr.c decides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"
#include "err.h"
#include "ipr.h"
#include "banned.h"

static int run_add(struct cmd *, int, char **);
static int run_import(struct cmd *, int, char **);
static int run_list(struct cmd *, int, char **);
static int run_show(struct cmd *, int, char **);
static int run_failures(struct cmd *, int, char **);
static int run_edit(struct cmd *, int, char **);
static int run_resubmit(struct cmd *, int, char **);
static int run_queue(struct cmd *, int, char **);
static int run_verify(struct cmd *, int, char **);
static int run_fail(struct cmd *, int, char **);

#define IPR_OPTIONS "[--label label] [--name name] [--number number] " \
	"[--registrant name] [--jurisdiction code] [--expires date] " \
	"[--class n ...] [--brand brand] [--status registered] " \
	"[--kind kind] [--description text] [--certificate file] " \
	"[--statement file] [--evaluation-report file] [--basis file] " \
	"[--renewed file] [--assigned file] [--altered file] " \
	"[--was-renewed yes|no] [--was-assigned yes|no] " \
	"[--was-altered yes|no] [--authorization file]"

static const struct cmd_command commands[] = {
	{ "add", run_add, "add --type type [--unregistered] " IPR_OPTIONS },
	{ "import", run_import, "import [--partial] file" },
	{ "list", run_list, "list [--state state] [--type type] "
	    "[--expiring days]" },
	{ "show", run_show, "show ipr_id | label" },
	{ "failures", run_failures, "failures" },
	{ "edit", run_edit, "edit " IPR_OPTIONS " ipr_id | label" },
	{ "resubmit", run_resubmit, "resubmit [ipr_id ...]" },
	{ "queue", run_queue, "queue" },
	{ "verify", run_verify, "verify [ipr_id ...]" },
	{ "fail", run_fail, "fail --reason reason [ipr_id ...]" },
};

/* Option values at or above this are document roles, and I3's answers. */
#define DOC_OPTION 1000
#define ANSWER_OPTION 2000

static const struct option ipr_longs[] = {
	{ "type", required_argument, NULL, 't' },
	{ "unregistered", no_argument, NULL, 'u' },
	{ "label", required_argument, NULL, 'l' },
	{ "name", required_argument, NULL, 'n' },
	{ "number", required_argument, NULL, 'N' },
	{ "registrant", required_argument, NULL, 'r' },
	{ "jurisdiction", required_argument, NULL, 'j' },
	{ "expires", required_argument, NULL, 'e' },
	{ "class", required_argument, NULL, 'c' },
	{ "brand", required_argument, NULL, 'b' },
	{ "status", required_argument, NULL, 's' },
	{ "kind", required_argument, NULL, 'k' },
	{ "description", required_argument, NULL, 'D' },
	{ "certificate", required_argument, NULL,
	    DOC_OPTION + IPP_IPR_CERTIFICATE },
	{ "statement", required_argument, NULL, DOC_OPTION + IPP_IPR_STATEMENT },
	{ "evaluation-report", required_argument, NULL,
	    DOC_OPTION + IPP_IPR_EVALUATION_REPORT },
	{ "basis", required_argument, NULL, DOC_OPTION + IPP_IPR_BASIS },
	{ "renewed", required_argument, NULL, DOC_OPTION + IPP_IPR_RENEWED },
	{ "assigned", required_argument, NULL, DOC_OPTION + IPP_IPR_ASSIGNED },
	{ "altered", required_argument, NULL, DOC_OPTION + IPP_IPR_ALTERED },
	{ "authorization", required_argument, NULL,
	    DOC_OPTION + IPP_IPR_AUTHORIZATION },
	{ "was-renewed", required_argument, NULL,
	    ANSWER_OPTION + IPP_IPR_WAS_RENEWED },
	{ "was-assigned", required_argument, NULL,
	    ANSWER_OPTION + IPP_IPR_WAS_ASSIGNED },
	{ "was-altered", required_argument, NULL,
	    ANSWER_OPTION + IPP_IPR_WAS_ALTERED },
	{ NULL, 0, NULL, 0 },
};

struct ipr_options {
	struct ipp_ipr_input	 in;		/* what was given */
	char			*classes;	/* --class values, joined */
};

static int
take_ipr(int ch, const char *arg, void *p)
{
	struct ipr_options *o = p;
	char *joined;

	if (ch >= DOC_OPTION && ch < DOC_OPTION + IPP_IPR_NDOCS) {
		o->in.docs[ch - DOC_OPTION] = arg;
		return 0;
	}
	if (ch >= ANSWER_OPTION && ch < ANSWER_OPTION + IPP_IPR_NQUESTIONS) {
		o->in.answers[ch - ANSWER_OPTION] = arg;
		return 0;
	}
	switch (ch) {
	case 't': o->in.type = arg; break;
	case 'u': o->in.unregistered = 1; break;
	case 'l': o->in.label = arg; break;
	case 'n': o->in.name = arg; break;
	case 'N': o->in.number = arg; break;
	case 'r': o->in.registrant = arg; break;
	case 'j': o->in.jurisdiction = arg; break;
	case 'e': o->in.expires = arg; break;
	case 'b': o->in.brand = arg; break;
	case 's': o->in.status = arg; break;
	case 'k': o->in.kind = arg; break;
	case 'D': o->in.description = arg; break;
	case 'c':
		joined = o->classes == NULL ? strdup(arg) :
		    ipp_strdup_printf("%s,%s", o->classes, arg);
		if (joined == NULL)
			return IPP_ESYS;
		free(o->classes);
		o->classes = joined;
		o->in.classes = joined;
		break;
	default:
		return -1;
	}
	return 0;
}

struct list_args {
	struct ipp_auth		 who;		/* the caller */
	struct ipp_ipr_filter	 filter;	/* what to list */
	long			 count;		/* rows written */
};

static int
list_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct list_args *a = p;

	return ipp_ipr_list(c->store, &a->who, &a->filter, w, &a->count,
	    &c->err);
}

/* Writes one IPR's record: what add and edit print. */
static int
print_ipr(struct cmd *c, const struct ipp_auth *who, int64_t id)
{
	struct list_args a = { .who = *who, .filter = { .ipr_id = id } };

	return cmd_write_tsv(c, ipp_ipr_columns, ipp_ipr_ncolumns, list_rows,
	    &a);
}

static int
run_add(struct cmd *c, int argc, char **argv)
{
	struct ipr_options o;
	struct ipp_auth who;
	int64_t id = 0;
	int rc;

	memset(&o, 0, sizeof(o));
	if (cmd_parse(c, "add", argc, argv, ipr_longs, take_ipr, &o) != argc) {
		free(o.classes);
		return cmd_usage(c, "add", "add takes no operands");
	}
	if ((rc = cmd_signed_in(c, &who)) == IPP_OK)
		rc = ipp_ipr_add(c->store, &who, &o.in, &id, &c->err);
	free(o.classes);
	if (rc == IPP_OK)
		rc = print_ipr(c, &who, id);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
take_partial(int ch, const char *arg, void *p)
{
	if (ch != 'p')
		return -1;
	*(int *)p = 1;
	return 0;
}

static int
run_import(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "partial", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct ipp_ipr_import_result res;
	struct cmd_input in;
	struct ipp_auth who;
	int partial = 0, rc, i;

	i = cmd_parse(c, "import", argc, argv, longs, take_partial, &partial);
	if (argc - i != 1)
		return cmd_usage(c, "import", "import needs one file (- for "
		    "standard input)");
	if ((rc = cmd_signed_in(c, &who)) != IPP_OK ||
	    (rc = cmd_open_input(c, argv[i], &in)) != IPP_OK)
		return cmd_fail(c, rc);
	/* Document paths in the file are relative to the file. */
	rc = ipp_ipr_import(c->store, &who, in.fp, in.name, in.dir, partial,
	    partial ? stdout : NULL, cmd_refusal, c, &res, &c->err);
	cmd_close_input(&in);
	if (rc != IPP_OK)
		return cmd_fail(c, rc);
	fprintf(stderr, "%s: %s: %ld rows, %ld IPRs stored\n", c->prog,
	    argv[i], res.rows, res.stored);
	return 0;
}

static int
take_list(int ch, const char *arg, void *p)
{
	struct ipp_ipr_filter *f = p;
	char *end;
	long days;

	if (ch == 's')
		f->state = arg;
	else if (ch == 't')
		f->type = arg;
	else if (ch == 'x') {
		days = strtol(arg, &end, 10);
		if (*arg == '\0' || *end != '\0' || days < 1 || days > 36500)
			return -1;
		f->expiring_days = (int)days;
	} else
		return -1;
	return 0;
}

/* Lists with a filter (exit 1 when nothing matched). */
static int
list_with(struct cmd *c, struct list_args *a, int handler_only)
{
	int rc;

	rc = handler_only ? cmd_handler(c, &a->who) : cmd_signed_in(c, &a->who);
	if (rc == IPP_OK)
		rc = cmd_write_tsv(c, ipp_ipr_columns, ipp_ipr_ncolumns,
		    list_rows, a);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
run_list(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "state", required_argument, NULL, 's' },
		{ "type", required_argument, NULL, 't' },
		{ "expiring", required_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_args a;

	memset(&a, 0, sizeof(a));
	if (cmd_parse(c, "list", argc, argv, longs, take_list, &a.filter) !=
	    argc)
		return cmd_usage(c, "list", "list takes no operands");
	return list_with(c, &a, 0);
}

static int
run_queue(struct cmd *c, int argc, char **argv)
{
	struct list_args a;

	memset(&a, 0, sizeof(a));
	if (cmd_parse(c, "queue", argc, argv, NULL, NULL, NULL) != argc)
		return cmd_usage(c, "queue", "queue takes no operands");
	a.filter.queue = 1;
	return list_with(c, &a, 1);
}

static int
run_failures(struct cmd *c, int argc, char **argv)
{
	struct list_args a;
	long total = 0;
	int rc, status;

	memset(&a, 0, sizeof(a));
	if (cmd_parse(c, "failures", argc, argv, NULL, NULL, NULL) != argc)
		return cmd_usage(c, "failures", "failures takes no operands");
	a.filter.state = "failed";
	status = list_with(c, &a, 0);
	if (status > IPP_EXIT_FAIL)
		return status;
	if ((rc = ipp_ipr_failure_count(c->store, &a.who, &total, &c->err)))
		return cmd_fail(c, rc);
	fprintf(stderr, "%s: %ld IPR verification failures; %ld IPRs failed "
	    "now (rule I7)\n", c->prog, total, a.count);
	return status;
}

static int
show_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct list_args *a = p;

	return ipp_ipr_show(c->store, &a->who, a->filter.ipr_id, w, &c->err);
}

static int
run_show(struct cmd *c, int argc, char **argv)
{
	static const char *const columns[] = { "field", "value" };
	struct list_args a;
	int rc, i;

	memset(&a, 0, sizeof(a));
	i = cmd_parse(c, "show", argc, argv, NULL, NULL, NULL);
	if (argc - i != 1)
		return cmd_usage(c, "show", "show needs one IPR id or label");
	if ((rc = cmd_signed_in(c, &a.who)) == IPP_OK)
		rc = ipp_ipr_resolve(c->store, &a.who, argv[i],
		    &a.filter.ipr_id, &c->err);
	if (rc == IPP_OK)
		rc = cmd_write_tsv(c, columns, 2, show_rows, &a);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
run_edit(struct cmd *c, int argc, char **argv)
{
	struct ipr_options o;
	struct ipp_auth who;
	int64_t id = 0;
	int rc, i;

	memset(&o, 0, sizeof(o));
	i = cmd_parse(c, "edit", argc, argv, ipr_longs, take_ipr, &o);
	if (argc - i != 1) {
		free(o.classes);
		return cmd_usage(c, "edit", "edit needs one IPR id or label");
	}
	if ((rc = cmd_signed_in(c, &who)) == IPP_OK)
		rc = ipp_ipr_resolve(c->store, &who, argv[i], &id, &c->err);
	if (rc == IPP_OK)
		rc = ipp_ipr_edit(c->store, &who, id, &o.in, &c->err);
	free(o.classes);
	if (rc == IPP_OK)
		rc = print_ipr(c, &who, id);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

struct decision {
	struct ipp_auth	 who;		/* caller */
	int		 verify;	/* 1 verify, 0 fail */
	const char	*reason;	/* why it failed */
};

static int
resubmit_one(struct cmd *c, int64_t id, void *arg)
{
	struct decision *d = arg;

	return ipp_ipr_resubmit(c->store, &d->who, id, &c->err);
}

static int
decide_one(struct cmd *c, int64_t id, void *arg)
{
	struct decision *d = arg;

	return ipp_ipr_decide(c->store, &d->who, id, d->verify, d->reason,
	    &c->err);
}

static int
run_resubmit(struct cmd *c, int argc, char **argv)
{
	struct decision d = { .verify = 0 };
	int rc, i;

	i = cmd_parse(c, "resubmit", argc, argv, NULL, NULL, NULL);
	if ((rc = cmd_signed_in(c, &d.who)) != IPP_OK)
		return cmd_fail(c, rc);
	return cmd_each_id(c, argc - i, argv + i, "ipr_id", "state", "pending",
	    resubmit_one, &d);
}

static int
run_verify(struct cmd *c, int argc, char **argv)
{
	struct decision d = { .verify = 1 };
	int rc, i;

	i = cmd_parse(c, "verify", argc, argv, NULL, NULL, NULL);
	if ((rc = cmd_handler(c, &d.who)) != IPP_OK)
		return cmd_fail(c, rc);
	return cmd_each_id(c, argc - i, argv + i, "ipr_id", "state", "verified",
	    decide_one, &d);
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
run_fail(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct decision d = { .verify = 0 };
	int rc, i;

	i = cmd_parse(c, "fail", argc, argv, longs, take_reason, &d.reason);
	if ((rc = ipp_ipr_check_decision(0, d.reason, &c->err)) != IPP_OK ||
	    (rc = cmd_handler(c, &d.who)) != IPP_OK)
		return cmd_fail(c, rc);
	return cmd_each_id(c, argc - i, argv + i, "ipr_id", "state", "failed",
	    decide_one, &d);
}

int
main(int argc, char **argv)
{
	return cmd_main("ipp-ipr", commands,
	    sizeof(commands) / sizeof(commands[0]), argc, argv);
}
