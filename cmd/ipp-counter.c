/*
 * ipp-counter: counter-notices (N0-N3).  Handlers record merchants and
 * their counters and rule on rejected ones; accounts answer; cron ticks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "cli.h"
#include "common.h"
#include "counter.h"
#include "err.h"
#include "tick.h"
#include "banned.h"

static int run_file(struct cmd *, int, char **);
static int run_import(struct cmd *, int, char **);
static int run_list(struct cmd *, int, char **);
static int run_reject(struct cmd *, int, char **);
static int run_concede(struct cmd *, int, char **);
static int run_rule(struct cmd *, int, char **);
static int run_notice(struct cmd *, int, char **);
static int run_holidays(struct cmd *, int, char **);
static int run_tick(struct cmd *, int, char **);

static const struct cmd_command commands[] = {
	{ "file", run_file, "file --url url_id --seller seller --name name "
	    "[--email email] --grounds text [--evidence file ...] "
	    "[--filed-at time]" },
	{ "import", run_import, "import [--partial] file" },
	{ "list", run_list, "list [--state state] [--due-before time]" },
	{ "reject", run_reject, "reject [--reason text] [url_id ...]" },
	{ "concede", run_concede, "concede [--reason text] [url_id ...]" },
	{ "rule", run_rule, "rule --takedown | --counter --reason text "
	    "[url_id ...]" },
	{ "notice", run_notice, "notice url_id" },
	{ "holidays", run_holidays, "holidays [--add date [--name text] | "
	    "--remove date | --load file]" },
	{ "tick", run_tick, "tick" },
};

/* ---- file, import (N0) ---- */

struct file_args {
	struct ipp_counter_request	 q;
	const char			**evidence;
	size_t				 nevidence;
	int				 bad_id;
};

static int
take_file(int ch, const char *arg, void *p)
{
	struct file_args *a = p;
	const char **grown;

	switch (ch) {
	case 'u':
		if (ipp_cli_parse_id(arg, &a->q.url_id) != 0)
			a->bad_id = 1;
		break;
	case 's': a->q.seller = arg; break;
	case 'n': a->q.name = arg; break;
	case 'e': a->q.email = arg; break;
	case 'g': a->q.grounds = arg; break;
	case 'f': a->q.filed_at = arg; break;
	case 'E':
		grown = realloc(a->evidence, (a->nevidence + 1) *
		    sizeof(*grown));
		if (grown == NULL)
			return IPP_ESYS;
		a->evidence = grown;
		a->evidence[a->nevidence++] = arg;
		break;
	default:
		return -1;
	}
	return 0;
}

static int
run_file(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "seller", required_argument, NULL, 's' },
		{ "name", required_argument, NULL, 'n' },
		{ "email", required_argument, NULL, 'e' },
		{ "grounds", required_argument, NULL, 'g' },
		{ "evidence", required_argument, NULL, 'E' },
		{ "filed-at", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct ipp_counter_filed out;
	struct file_args a;
	struct ipp_auth who;
	struct ipp_tsv_writer *w;
	int rc, i;

	memset(&a, 0, sizeof(a));
	i = cmd_parse(c, "file", argc, argv, longs, take_file, &a);
	a.q.evidence = a.evidence;
	a.q.nevidence = a.nevidence;
	if (i != argc || a.bad_id || a.q.url_id == 0) {
		free(a.evidence);
		return cmd_usage(c, "file", a.bad_id ? "--url needs a url_id" :
		    i != argc ? "file takes no operands" : "file needs --url");
	}
	if ((rc = ipp_counter_check(&a.q, &c->err)) == IPP_OK &&
	    (rc = cmd_handler(c, &who)) == IPP_OK &&
	    (rc = ipp_counter_file(c->store, &who, &a.q, &out, &c->err)) ==
	    IPP_OK &&
	    (rc = cmd_writer_open(c, &w, stdout, ipp_counter_filed_columns,
	    ipp_counter_filed_ncolumns)) == IPP_OK) {
		rc = ipp_counter_write_filed(w, &out, &c->err);
		if (ipp_tsv_writer_close(w, rc == IPP_OK ? &c->err : NULL) !=
		    IPP_OK && rc == IPP_OK)
			rc = IPP_ESYS;
	}
	free(a.evidence);
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

struct import_out {
	struct cmd		*c;
	struct ipp_tsv_writer	*w;
};

static int
print_filed(void *arg, const struct ipp_counter_filed *f, char **errp)
{
	struct import_out *io = arg;

	return ipp_counter_write_filed(io->w, f, errp);
}

static void
import_refusal(void *arg, const char *file, unsigned long line,
    const char *message)
{
	cmd_refusal(((struct import_out *)arg)->c, file, line, message);
}

static int
run_import(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "partial", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct ipp_counter_import_result res;
	struct import_out io = { c, NULL };
	struct cmd_input in;
	struct ipp_auth who;
	int partial = 0, rc, rc2, i;

	i = cmd_parse(c, "import", argc, argv, longs, take_partial, &partial);
	if (argc - i != 1)
		return cmd_usage(c, "import", "import needs one file (- for "
		    "standard input)");
	if ((rc = cmd_handler(c, &who)) != IPP_OK ||
	    (rc = cmd_open_input(c, argv[i], &in)) != IPP_OK)
		return cmd_fail(c, rc);
	if ((rc = cmd_writer_open(c, &io.w, stdout,
	    ipp_counter_filed_columns, ipp_counter_filed_ncolumns)) == IPP_OK) {
		rc = ipp_counter_import(c->store, &who, in.fp, in.name, in.dir,
		    partial, import_refusal, print_filed, &io, &res, &c->err);
		rc2 = ipp_tsv_writer_close(io.w, rc == IPP_OK ? &c->err : NULL);
		if (rc == IPP_OK)
			rc = rc2;
		fprintf(stderr, "%s: %s: %ld rows, %ld refused; %ld counters "
		    "recorded\n", c->prog, in.name, res.rows, res.refused,
		    res.filed);
	}
	cmd_close_input(&in);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

/* ---- list, notice ---- */

struct list_args {
	struct ipp_auth			 who;
	struct ipp_counter_filter	 f;
	long				 count;
};

static int
take_list(int ch, const char *arg, void *p)
{
	struct list_args *a = p;

	if (ch == 's')
		a->f.state = arg;
	else if (ch == 'd')
		a->f.due_before = arg;
	else
		return -1;
	return 0;
}

static int
list_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct list_args *a = p;

	return ipp_counter_list(c->store, &a->who, &a->f, w, &a->count,
	    &c->err);
}

static int
run_list(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "state", required_argument, NULL, 's' },
		{ "due-before", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_args a;
	int rc;

	memset(&a, 0, sizeof(a));
	if (cmd_parse(c, "list", argc, argv, longs, take_list, &a) != argc)
		return cmd_usage(c, "list", "list takes no operands");
	if ((rc = cmd_signed_in(c, &a.who)) == IPP_OK)
		rc = cmd_write_tsv(c, ipp_counter_list_columns,
		    ipp_counter_list_ncolumns, list_rows, &a);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

struct notice_args {
	struct ipp_auth	 who;
	int64_t		 url_id;
};

static int
notice_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct notice_args *a = p;

	return ipp_counter_notice(c->store, &a->who, a->url_id, w, &c->err);
}

static int
run_notice(struct cmd *c, int argc, char **argv)
{
	static const char *const columns[] = { "field", "value" };
	struct notice_args a;
	int rc, i;

	memset(&a, 0, sizeof(a));
	i = cmd_parse(c, "notice", argc, argv, NULL, NULL, NULL);
	if (argc - i != 1 || ipp_cli_parse_id(argv[i], &a.url_id))
		return cmd_usage(c, "notice", "notice needs one url_id");
	if ((rc = cmd_signed_in(c, &a.who)) == IPP_OK)
		rc = cmd_write_tsv(c, columns, 2, notice_rows, &a);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

/* ---- reject, concede, rule (N2) ---- */

struct answer_args {
	const char	*reason;	/* --reason, for every row */
	int		 takedown;	/* rule --takedown */
	int		 counter;	/* rule --counter */
};

static int
take_answer(int ch, const char *arg, void *p)
{
	struct answer_args *a = p;

	if (ch == 'R')
		a->reason = arg;
	else if (ch == 't')
		a->takedown = 1;
	else if (ch == 'c')
		a->counter = 1;
	else
		return -1;
	return 0;
}

/* One batch: its output goes to a temporary file until it commits. */
struct answer_run {
	struct cmd			*c;
	const char			*name;
	const char			*result;	/* for applied rows */
	struct ipp_counter_batch	*batch;
	struct ipp_tsv_writer		*w;
	FILE				*out;
	long				 done, refused;
};

/* Applies one row (cmd_each_row). */
static int
answer_row(void *arg, const char *id_text, const char *where,
    const char *reason)
{
	struct answer_run *r = arg;
	struct ipp_counter_result res;
	char *why = NULL, complaint[24], *line = NULL;
	int64_t id;
	int rc;

	memset(&res, 0, sizeof(res));
	if (ipp_cli_parse_id(id_text, &id) != 0)
		rc = ipp_error(&why, IPP_EREFUSED, "url_id is not an id: '%s'",
		    id_text ? id_text : "\\N");
	else
		rc = ipp_counter_apply(r->batch, id, reason, &res, &why);
	if (rc != IPP_OK && rc != IPP_EREFUSED && rc != IPP_ENOTFOUND) {
		free(r->c->err);
		r->c->err = why;
		return rc;
	}
	if (rc == IPP_OK)
		r->done++;
	else {
		r->refused++;
		line = where ? ipp_strdup_printf("%s: %s", where, why) : NULL;
		fprintf(stderr, "%s: %s: %s\n", r->c->prog, r->name,
		    line ? line : why);
	}
	snprintf(complaint, sizeof(complaint), "%lld",
	    (long long)res.complaint_id);
	{
		const char *row[] = { id_text, res.complaint_id ? complaint :
			NULL, rc == IPP_OK ? r->result : "refused",
			res.state[0] ? res.state : NULL,
			rc == IPP_OK ? reason : why };
		rc = ipp_tsv_write_row(r->w, row, &r->c->err);
	}
	free(line);
	free(why);
	return rc;
}

static int
answer(struct cmd *c, const char *name, int argc, char **argv)
{
	static const struct option answer_longs[] = {
		{ "reason", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct option rule_longs[] = {
		{ "reason", required_argument, NULL, 'R' },
		{ "takedown", no_argument, NULL, 't' },
		{ "counter", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	int is_rule = strcmp(name, "rule") == 0;
	struct answer_args a = { NULL, 0, 0 };
	enum ipp_counter_act act;
	struct answer_run r;
	struct ipp_auth who;
	int rc, rc2, i;

	memset(&r, 0, sizeof(r));
	r.c = c;
	r.name = name;
	i = cmd_parse(c, name, argc, argv, is_rule ? rule_longs :
	    answer_longs, take_answer, &a);
	if (a.reason != NULL && *a.reason == '\0')
		return cmd_usage(c, name, "--reason needs a text (rule N2)");
	if (is_rule) {
		if (a.takedown == a.counter)
			return cmd_usage(c, name, "rule needs one of "
			    "--takedown and --counter (rule N2)");
		if (a.reason == NULL)
			return cmd_usage(c, name, "a ruling needs --reason "
			    "(rule N2)");
		act = a.takedown ? IPP_COUNTER_TAKEDOWN : IPP_COUNTER_UPHOLD;
		r.result = a.takedown ? "takedown upheld" : "counter upheld";
	} else if (strcmp(name, "reject") == 0) {
		act = IPP_COUNTER_REJECT;
		r.result = "rejected";
	} else {
		act = IPP_COUNTER_CONCEDE;
		r.result = "conceded";
	}
	if ((rc = cmd_signed_in(c, &who)) != IPP_OK)
		return cmd_fail(c, rc);
	if ((r.out = cmd_hold(c)) == NULL)
		return cmd_fail(c, IPP_ESYS);
	if ((rc = cmd_writer_open(c, &r.w, r.out, ipp_counter_answer_columns,
	    ipp_counter_answer_ncolumns)) != IPP_OK) {
		cmd_release(c, r.out, 0);
		return cmd_fail(c, rc);
	}
	if ((rc = ipp_counter_open(c->store, &who, act, &r.batch, &c->err)) ==
	    IPP_OK)
		rc = cmd_each_row(c, argc - i, argv + i, 1, a.reason,
		    answer_row, &r);
	rc2 = ipp_tsv_writer_close(r.w, rc == IPP_OK ? &c->err : NULL);
	if (rc == IPP_OK)
		rc = rc2;
	if (rc == IPP_OK)
		rc = ipp_counter_close(r.batch, &c->err);
	else
		ipp_counter_abort(r.batch);
	if (rc != IPP_OK) {
		cmd_release(c, r.out, 0);
		fprintf(stderr, "%s: %s: nothing applied\n", c->prog, name);
		return cmd_fail(c, rc);
	}
	if ((rc = cmd_release(c, r.out, 1)) != IPP_OK)
		return cmd_fail(c, rc);
	fprintf(stderr, "%s: %s: %ld %s, %ld refused\n", c->prog, name,
	    r.done, r.result, r.refused);
	return r.refused > 0 ? IPP_EXIT_FAIL : 0;
}

static int
run_reject(struct cmd *c, int argc, char **argv)
{
	return answer(c, "reject", argc, argv);
}

static int
run_concede(struct cmd *c, int argc, char **argv)
{
	return answer(c, "concede", argc, argv);
}

static int
run_rule(struct cmd *c, int argc, char **argv)
{
	return answer(c, "rule", argc, argv);
}

/* ---- holidays (N1) ---- */

struct holiday_args {
	const char	*add, *name, *remove, *load;
	long		 count;
};

static int
take_holiday(int ch, const char *arg, void *p)
{
	struct holiday_args *a = p;

	switch (ch) {
	case 'a': a->add = arg; break;
	case 'n': a->name = arg; break;
	case 'r': a->remove = arg; break;
	case 'l': a->load = arg; break;
	default: return -1;
	}
	return 0;
}

static int
holiday_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct holiday_args *a = p;

	return ipp_calendar_holidays(c->store, w, &a->count, &c->err);
}

static int
run_holidays(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "add", required_argument, NULL, 'a' },
		{ "name", required_argument, NULL, 'n' },
		{ "remove", required_argument, NULL, 'r' },
		{ "load", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct holiday_args a;
	struct cmd_input in;
	struct ipp_auth who;
	long added = 0;
	int rc;

	memset(&a, 0, sizeof(a));
	if (cmd_parse(c, "holidays", argc, argv, longs, take_holiday, &a) !=
	    argc)
		return cmd_usage(c, "holidays", "holidays takes no operands");
	if ((a.add != NULL) + (a.remove != NULL) + (a.load != NULL) > 1)
		return cmd_usage(c, "holidays", "one of --add, --remove and "
		    "--load at a time");
	if (a.name != NULL && a.add == NULL)
		return cmd_usage(c, "holidays", "--name goes with --add");
	if (a.add == NULL && a.remove == NULL && a.load == NULL) {
		if ((rc = cmd_open_store(c, 0)) == IPP_OK)
			rc = cmd_write_tsv(c, ipp_calendar_holiday_columns,
			    ipp_calendar_holiday_ncolumns, holiday_rows, &a);
		return rc != IPP_OK ? cmd_fail(c, rc) : 0;
	}
	if ((rc = cmd_handler(c, &who)) != IPP_OK)
		return cmd_fail(c, rc);
	if (a.add != NULL)
		rc = ipp_calendar_holiday_add(c->store, a.add, a.name, &c->err);
	else if (a.remove != NULL)
		rc = ipp_calendar_holiday_remove(c->store, a.remove, &c->err);
	else if ((rc = cmd_open_input(c, a.load, &in)) == IPP_OK) {
		rc = ipp_calendar_holiday_load(c->store, in.fp, in.name,
		    &added, &c->err);
		cmd_close_input(&in);
		if (rc == IPP_OK)
			fprintf(stderr, "%s: holidays: %ld days added\n",
			    c->prog, added);
	}
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

/* ---- tick (N1, N3) ---- */

struct tick_args {
	long	moves, reminders;
};

static int
tick_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct tick_args *a = p;

	return ipp_tick_run(c->store, w, &a->moves, &a->reminders, &c->err);
}

static int
run_tick(struct cmd *c, int argc, char **argv)
{
	struct tick_args a = { 0, 0 };
	int rc;

	if (cmd_parse(c, "tick", argc, argv, NULL, NULL, NULL) != argc)
		return cmd_usage(c, "tick", "tick takes no operands");
	if ((rc = cmd_open_store(c, 0)) == IPP_OK)
		rc = cmd_write_tsv(c, ipp_tick_columns, ipp_tick_ncolumns,
		    tick_rows, &a);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

int
main(int argc, char **argv)
{
	return cmd_main("ipp-counter", commands,
	    sizeof(commands) / sizeof(commands[0]), argc, argv);
}
