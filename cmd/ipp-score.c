/*
 * ipp-score: the Good Faith Program (rules G1-G6): the figures, the
 * membership, the declaration and the report.  Parses options and moves
 * records; lib/score.c, lib/member.c and lib/report.c decide.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "common.h"
#include "err.h"
#include "member.h"
#include "report.h"
#include "score.h"
#include "banned.h"

static int run_show(struct cmd *, int, char **);
static int run_status(struct cmd *, int, char **);
static int run_declare(struct cmd *, int, char **);
static int run_enrol(struct cmd *, int, char **);
static int run_leave(struct cmd *, int, char **);
static int run_whatif(struct cmd *, int, char **);
static int run_trend(struct cmd *, int, char **);
static int run_report(struct cmd *, int, char **);

static const struct cmd_command commands[] = {
	{ "show", run_show, "show [--account id | --all] [--at time]" },
	{ "status", run_status, "status [--account id | --all]" },
	{ "declare", run_declare, "declare [--accept]" },
	{ "enrol", run_enrol, "enrol" },
	{ "leave", run_leave, "leave" },
	{ "what-if", run_whatif, "what-if [--account id] [--at time] "
	    "--rejected n | file" },
	{ "trend", run_trend, "trend [--account id] [--weeks n] [--at time]" },
	{ "report", run_report, "report [--account id | --all] [--at time] "
	    "[-o file]" },
};

/* What the commands' options collect. */
struct opts {
	const char	*account;	/* --account */
	int		 all;		/* --all */
	const char	*at;		/* --at */
	const char	*rejected;	/* --rejected */
	const char	*weeks;		/* --weeks */
	const char	*output;	/* -o, --output */
	int		 accept;	/* --accept */
	char		 when[IPP_TIME_LEN + 1];	/* --at, or now */
};

static int
take(int ch, const char *arg, void *p)
{
	struct opts *o = p;

	switch (ch) {
	case 'a': o->account = arg; break;
	case 'A': o->all = 1; break;
	case 't': o->at = arg; break;
	case 'r': o->rejected = arg; break;
	case 'w': o->weeks = arg; break;
	case 'o': o->output = arg; break;
	case 'y': o->accept = 1; break;
	default: return IPP_EUSAGE;
	}
	return IPP_OK;
}

static const struct option account_option = {
	"account", required_argument, NULL, 'a' };
static const struct option all_option = { "all", no_argument, NULL, 'A' };
static const struct option at_option = { "at", required_argument, NULL, 't' };
static const struct option end_option = { NULL, 0, NULL, 0 };

/* --at as a time (a date is its midnight, UTC), or the clock's now. */
static int
resolve_at(struct cmd *c, struct opts *o)
{
	int64_t t;

	if (o->at == NULL)
		return ipp_clock_now_text(o->when, &c->err);
	if (ipp_clock_parse(o->at, &t) != 0)
		return ipp_error(&c->err, IPP_EUSAGE, "--at: not a time: '%s' "
		    "(YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)", o->at);
	ipp_clock_format(t, o->when);
	return IPP_OK;
}

/* Signs in, then finds whose figures are asked for (*id 0: all). */
static int
whose(struct cmd *c, struct opts *o, struct ipp_auth *who, int64_t *id)
{
	int rc;

	if ((rc = resolve_at(c, o)) != IPP_OK ||
	    (rc = cmd_signed_in(c, who)) != IPP_OK)
		return rc;
	return ipp_score_whose(c->store, who, o->account, o->all, id, &c->err);
}

struct rows_args {
	int64_t		 id;
	struct opts	*o;
	long		 rejected;
	long		 count;
};

static int
show_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct rows_args *a = p;

	return ipp_score_show(c->store, a->id, a->o->when, w, &a->count,
	    &c->err);
}

static int
run_show(struct cmd *c, int argc, char **argv)
{
	const struct option longs[] = { account_option, all_option,
		at_option, end_option };
	struct opts o;
	struct ipp_auth who;
	struct rows_args a;
	int rc;

	memset(&o, 0, sizeof(o));
	if (cmd_parse(c, "show", argc, argv, longs, take, &o) != argc)
		return cmd_usage(c, "show", "show takes no operands");
	a.o = &o;
	if ((rc = whose(c, &o, &who, &a.id)) == IPP_OK &&
	    (rc = ipp_member_reevaluate(c->store, a.id, NULL, &c->err)) ==
	    IPP_OK)
		rc = cmd_write_tsv(c, ipp_score_columns, ipp_score_ncolumns,
		    show_rows, &a);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
status_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct rows_args *a = p;

	return ipp_member_status(c->store, a->id, a->o->when, w, &c->err);
}

static int
run_status(struct cmd *c, int argc, char **argv)
{
	const struct option longs[] = { account_option, all_option,
		end_option };
	struct opts o;
	struct ipp_auth who;
	struct rows_args a;
	int rc;

	memset(&o, 0, sizeof(o));
	if (cmd_parse(c, "status", argc, argv, longs, take, &o) != argc)
		return cmd_usage(c, "status", "status takes no operands");
	a.o = &o;
	if ((rc = whose(c, &o, &who, &a.id)) == IPP_OK &&
	    (rc = ipp_member_reevaluate(c->store, a.id, NULL, &c->err)) ==
	    IPP_OK)
		rc = cmd_write_tsv(c, ipp_member_columns, ipp_member_ncolumns,
		    status_rows, &a);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
run_declare(struct cmd *c, int argc, char **argv)
{
	const struct option longs[] = {
		{ "accept", no_argument, NULL, 'y' }, end_option };
	struct ipp_auth who;
	struct opts o;
	char version[32];
	const char *text;
	int rc;

	memset(&o, 0, sizeof(o));
	if (cmd_parse(c, "declare", argc, argv, longs, take, &o) != argc)
		return cmd_usage(c, "declare", "declare takes no operands");
	ipp_member_declaration(version, sizeof(version), &text);
	if (!o.accept) {
		printf("Version: %s\n\n%s", version, text);
		return 0;
	}
	if ((rc = cmd_signed_in(c, &who)) != IPP_OK ||
	    (rc = ipp_member_accept(c->store, &who, &c->err)) != IPP_OK)
		return cmd_fail(c, rc);
	fprintf(stderr, "%s: declaration version %s signed (rule G3)\n",
	    c->prog, version);
	return 0;
}

/* Prints the caller's status row after enrol and leave. */
static int
print_status(struct cmd *c, const struct ipp_auth *who)
{
	struct opts o;
	struct rows_args a;
	int rc;

	memset(&o, 0, sizeof(o));
	a.o = &o;
	a.id = who->account_id;
	if ((rc = ipp_clock_now_text(o.when, &c->err)) != IPP_OK)
		return rc;
	return cmd_write_tsv(c, ipp_member_columns, ipp_member_ncolumns,
	    status_rows, &a);
}

static int
run_enrol(struct cmd *c, int argc, char **argv)
{
	struct ipp_auth who;
	int rc;

	if (cmd_parse(c, "enrol", argc, argv, NULL, NULL, NULL) != argc)
		return cmd_usage(c, "enrol", "enrol takes no operands");
	if ((rc = cmd_signed_in(c, &who)) == IPP_OK &&
	    (rc = ipp_member_reevaluate(c->store, who.account_id, NULL,
	    &c->err)) == IPP_OK &&
	    (rc = ipp_member_enrol(c->store, &who, &c->err)) == IPP_OK)
		rc = print_status(c, &who);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
run_leave(struct cmd *c, int argc, char **argv)
{
	struct ipp_auth who;
	int rc;

	if (cmd_parse(c, "leave", argc, argv, NULL, NULL, NULL) != argc)
		return cmd_usage(c, "leave", "leave takes no operands");
	if ((rc = cmd_signed_in(c, &who)) == IPP_OK &&
	    (rc = ipp_member_leave(c->store, &who, &c->err)) == IPP_OK)
		rc = print_status(c, &who);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

/* A count: digits only, 0 to max. */
static int
parse_count(const char *arg, long max, long *n)
{
	char *end;

	errno = 0;
	*n = strtol(arg, &end, 10);
	return *arg >= '0' && *arg <= '9' && *end == '\0' && errno == 0 &&
	    *n <= max ? 0 : -1;
}

static int
whatif_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct rows_args *a = p;

	return ipp_score_whatif(c->store, a->id, a->o->when, a->rejected, w,
	    &c->err);
}

static int
run_whatif(struct cmd *c, int argc, char **argv)
{
	const struct option longs[] = { account_option, at_option,
		{ "rejected", required_argument, NULL, 'r' }, end_option };
	struct cmd_input in;
	struct ipp_auth who;
	struct rows_args a;
	struct opts o;
	int rc, i;

	memset(&o, 0, sizeof(o));
	memset(&a, 0, sizeof(a));
	i = cmd_parse(c, "what-if", argc, argv, longs, take, &o);
	if ((o.rejected == NULL) == (argc - i != 1) || argc - i > 1)
		return cmd_usage(c, "what-if", "what-if takes --rejected N or "
		    "one import file");
	if (o.rejected != NULL && parse_count(o.rejected, 100000000L,
	    &a.rejected) != 0) {
		c->err = ipp_strdup_printf("what-if: --rejected takes a number "
		    "of URLs, 0 or more, not '%s' (rule G4)", o.rejected);
		return cmd_fail(c, IPP_EUSAGE);
	}
	a.o = &o;
	if ((rc = whose(c, &o, &who, &a.id)) != IPP_OK)
		return cmd_fail(c, rc);
	if (o.rejected == NULL) {
		if ((rc = cmd_open_input(c, argv[i], &in)) != IPP_OK)
			return cmd_fail(c, rc);
		rc = ipp_score_count_urls(in.fp, in.name, &a.rejected, &c->err);
		cmd_close_input(&in);
		if (rc != IPP_OK)
			return cmd_fail(c, rc);
		fprintf(stderr, "%s: %s: %ld URLs\n", c->prog, argv[i],
		    a.rejected);
	}
	if ((rc = cmd_write_tsv(c, ipp_score_whatif_columns,
	    ipp_score_whatif_ncolumns, whatif_rows, &a)) != IPP_OK)
		return cmd_fail(c, rc);
	return 0;
}

static int
trend_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct rows_args *a = p;

	return ipp_score_trend(c->store, a->id, a->o->when, (int)a->rejected,
	    w, &c->err);
}

static int
run_trend(struct cmd *c, int argc, char **argv)
{
	const struct option longs[] = { account_option, at_option,
		{ "weeks", required_argument, NULL, 'w' }, end_option };
	struct ipp_auth who;
	struct rows_args a;
	struct opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&a, 0, sizeof(a));
	if (cmd_parse(c, "trend", argc, argv, longs, take, &o) != argc)
		return cmd_usage(c, "trend", "trend takes no operands");
	a.rejected = 26;
	if (o.weeks != NULL && (parse_count(o.weeks, 520, &a.rejected) != 0 ||
	    a.rejected < 1)) {
		c->err = ipp_strdup_printf("trend: --weeks takes 1 to 520, "
		    "not '%s'", o.weeks);
		return cmd_fail(c, IPP_EUSAGE);
	}
	a.o = &o;
	if ((rc = whose(c, &o, &who, &a.id)) != IPP_OK)
		return cmd_fail(c, rc);
	if ((rc = cmd_write_tsv(c, ipp_score_trend_columns,
	    ipp_score_trend_ncolumns, trend_rows, &a)) != IPP_OK)
		return cmd_fail(c, rc);
	return 0;
}

static int
run_report(struct cmd *c, int argc, char **argv)
{
	const struct option longs[] = { account_option, all_option,
		at_option, { "output", required_argument, NULL, 'o' },
		end_option };
	static char output_long[] = "--output";
	struct ipp_auth who;
	struct opts o;
	char *tmp = NULL;
	int64_t id;
	FILE *fp;
	int rc, i;

	/* -o FILE, the one short option, as --output FILE. */
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-o") == 0)
			argv[i] = output_long;
	memset(&o, 0, sizeof(o));
	if (cmd_parse(c, "report", argc, argv, longs, take, &o) != argc)
		return cmd_usage(c, "report", "report takes no operands");
	if ((rc = whose(c, &o, &who, &id)) != IPP_OK ||
	    (rc = ipp_member_reevaluate(c->store, id, NULL, &c->err)) !=
	    IPP_OK)
		return cmd_fail(c, rc);
	if (o.output == NULL || strcmp(o.output, "-") == 0) {
		if ((rc = ipp_report_write(c->store, id, o.when, stdout,
		    &c->err)) == IPP_OK && fflush(stdout) != 0)
			rc = ipp_error(&c->err, IPP_ESYS, "cannot write the "
			    "report: %s", strerror(errno));
		return rc != IPP_OK ? cmd_fail(c, rc) : 0;
	}
	/* Written beside, then renamed: the file is whole or untouched. */
	if ((tmp = ipp_strdup_printf("%s.tmp", o.output)) == NULL)
		return cmd_fail(c, ipp_error(&c->err, IPP_ESYS,
		    "out of memory"));
	if ((fp = fopen(tmp, "w")) == NULL) {
		rc = ipp_error(&c->err, IPP_ESYS, "cannot write '%s': %s",
		    tmp, strerror(errno));
		free(tmp);
		return cmd_fail(c, rc);
	}
	rc = ipp_report_write(c->store, id, o.when, fp, &c->err);
	if (fclose(fp) != 0 && rc == IPP_OK)
		rc = ipp_error(&c->err, IPP_ESYS, "cannot write '%s': %s",
		    tmp, strerror(errno));
	if (rc == IPP_OK && rename(tmp, o.output) != 0)
		rc = ipp_error(&c->err, IPP_ESYS, "cannot write '%s': %s",
		    o.output, strerror(errno));
	if (rc != IPP_OK)
		remove(tmp);
	free(tmp);
	if (rc != IPP_OK)
		return cmd_fail(c, rc);
	printf("%s\n", o.output);
	return 0;
}

int
main(int argc, char **argv)
{
	return cmd_main("ipp-score", commands,
	    sizeof(commands) / sizeof(commands[0]), argc, argv);
}
