/*
 * ipp-complain: complaints against listings and storefronts (C1-C12).
 * probe vets URLs (C5, C6) before anything is filed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bulk.h"
#include "cli.h"
#include "common.h"
#include "complaint.h"
#include "decision.h"
#include "detail.h"
#include "err.h"
#include "notice.h"
#include "probe.h"
#include "reason.h"
#include "tick.h"
#include "watch.h"
#include "banned.h"

static int run_new(struct cmd *, int, char **);
static int run_check(struct cmd *, int, char **);
static int run_import(struct cmd *, int, char **);
static int run_list(struct cmd *, int, char **);
static int run_show(struct cmd *, int, char **);
static int run_urls(struct cmd *, int, char **);
static int run_withdraw(struct cmd *, int, char **);
static int run_form(struct cmd *, int, char **);
static int run_reasons(struct cmd *, int, char **);
static int run_probe(struct cmd *, int, char **);
static int run_queue(struct cmd *, int, char **);
static int run_overdue(struct cmd *, int, char **);
static int run_accept(struct cmd *, int, char **);
static int run_reject(struct cmd *, int, char **);
static int run_abusive(struct cmd *, int, char **);
static int run_history(struct cmd *, int, char **);
static int run_watch(struct cmd *, int, char **);

#define NEW_OPTIONS "--platform platform [--region region] --ipr ipr " \
	"--target target --reason code --supplement text " \
	"[--evidence file ...] [--no-check] [--force] [--drop-bad] [url ...]"

static const struct cmd_command commands[] = {
	{ "new", run_new, "new " NEW_OPTIONS },
	{ "check", run_check, "check " NEW_OPTIONS },
	{ "import", run_import, "import [--dry-run] [--no-check] [--force] "
	    "[--drop-bad] file" },
	{ "list", run_list, "list [--state state] [--platform platform] "
	    "[--since date]" },
	{ "show", run_show, "show complaint_id" },
	{ "urls", run_urls, "urls [--state state] [--platform platform] "
	    "[--complaint complaint_id]" },
	{ "withdraw", run_withdraw, "withdraw [complaint_id ...]" },
	{ "form", run_form, "form --email email --name name --platform platform "
	    "[--region region] --right-description text --reason code url ..." },
	{ "reasons", run_reasons, "reasons [--type type] [--target target] "
	    "[--load file]" },
	{ "probe", run_probe, "probe [--no-check] [url ...]" },
	{ "queue", run_queue, "queue [--platform platform] [--overdue]" },
	{ "overdue", run_overdue, "overdue [--platform platform]" },
	{ "accept", run_accept, "accept [--reason text] [url_id ...]" },
	{ "reject", run_reject, "reject [--reason text] [url_id ...]" },
	{ "abusive", run_abusive, "abusive [--revoke] --reason text "
	    "complaint_id" },
	{ "history", run_history, "history complaint_id | --url url_id" },
	{ "watch", run_watch, "watch [--complaint complaint_id] [--since date] "
	    "[--no-check]" },
};

/* A progress line on stderr, rewritten in place, when it is a terminal. */
static void
show_progress(void *arg, size_t done, size_t total, size_t live,
    size_t gone, size_t error)
{
	fprintf(stderr, "\r%s: %zu/%zu checked: %zu live, %zu gone, "
	    "%zu error%s", (const char *)arg, done, total, live, gone, error,
	    done == total ? "\n" : "");
}

static int
take_no_check(int ch, const char *arg, void *p)
{
	if (ch != 'n')
		return -1;
	*(int *)p = 0;
	return 0;
}

struct probe_result {
	struct ipp_probe_row	*rows;		/* verdicts, input order */
	size_t			 n;		/* rows */
	int			 failed;	/* any row refused */
	struct ipp_probe_reader	*in;		/* standard input, or NULL */
	int			 check;		/* live checks */
};

static int
probe_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct probe_result *pr = p;
	size_t i;
	int rc;

	/* Standard input streams: a row is written as it is judged. */
	if (pr->in != NULL)
		return ipp_probe_stream(c->store, pr->in, pr->check,
		    isatty(STDERR_FILENO) ? show_progress : NULL,
		    (void *)c->prog, w, &pr->failed, &c->err);
	for (i = 0; i < pr->n; i++) {
		if ((rc = ipp_probe_write_row(w, &pr->rows[i], &c->err)))
			return rc;
		pr->failed |= ipp_probe_row_failed(&pr->rows[i]);
	}
	return IPP_OK;
}

/*
 * The store is optional here: its settings are used when there is one,
 * built-in defaults otherwise, so probe works before any account exists.
 */
static struct ipp_store *
optional_store(struct cmd *c)
{
	char *path = NULL;

	if (ipp_store_path(&path, c->store_arg, NULL) == IPP_OK &&
	    ipp_store_exists(path))
		cmd_open_store(c, 0);
	free(path);
	return c->store;
}

static int
run_probe(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "no-check", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct probe_result pr;
	char **urls = NULL;
	size_t nurls = 0;
	int rc, i;

	memset(&pr, 0, sizeof(pr));
	pr.check = 1;
	i = cmd_parse(c, "probe", argc, argv, longs, take_no_check, &pr.check);
	if (i == argc)
		rc = ipp_probe_reader_open(&pr.in, stdin, "<stdin>", &c->err);
	else
		rc = ipp_probe_read_args(argv + i, (size_t)(argc - i), &urls,
		    &nurls, &c->err);
	if (rc == IPP_OK) {
		optional_store(c);
		if (c->err != NULL)
			rc = IPP_ESTORE;
	}
	if (rc == IPP_OK && pr.in == NULL)
		rc = ipp_probe_run(c->store, urls, nurls, pr.check,
		    isatty(STDERR_FILENO) ? show_progress : NULL,
		    (void *)c->prog, &pr.rows, &c->err);
	pr.n = pr.rows != NULL ? nurls : 0;
	ipp_probe_free_urls(urls, nurls);
	if (rc == IPP_OK)
		rc = cmd_write_tsv(c, ipp_probe_columns, ipp_probe_ncolumns,
		    probe_rows, &pr);
	ipp_probe_free(pr.rows, pr.n);
	ipp_probe_reader_close(pr.in);
	if (rc != IPP_OK)
		return cmd_fail(c, rc);
	return pr.failed ? IPP_EXIT_FAIL : 0;
}

/* ---- filing ---- */

struct new_options {
	struct ipp_complaint_request	 q;		/* being filled */
	const char			**evidence;	/* --evidence paths */
	size_t				 nevidence;
};

static int
take_new(int ch, const char *arg, void *p)
{
	struct new_options *o = p;
	const char **grown;

	switch (ch) {
	case 'p': o->q.platform = arg; break;
	case 'r': o->q.region = arg; break;
	case 'i': o->q.ipr = arg; break;
	case 't': o->q.target = arg; break;
	case 'R': o->q.reason = arg; break;
	case 's': o->q.supplement = arg; break;
	case 'n': o->q.check = 0; break;
	case 'f': o->q.force = 1; break;
	case 'd': o->q.drop_bad = 1; break;
	case 'e':
		grown = realloc(o->evidence, (o->nevidence + 1) *
		    sizeof(*grown));
		if (grown == NULL)
			return IPP_ESYS;
		o->evidence = grown;
		o->evidence[o->nevidence++] = arg;
		break;
	default:
		return -1;
	}
	return 0;
}

static const struct option new_longs[] = {
	{ "platform", required_argument, NULL, 'p' },
	{ "region", required_argument, NULL, 'r' },
	{ "ipr", required_argument, NULL, 'i' },
	{ "target", required_argument, NULL, 't' },
	{ "reason", required_argument, NULL, 'R' },
	{ "supplement", required_argument, NULL, 's' },
	{ "evidence", required_argument, NULL, 'e' },
	{ "no-check", no_argument, NULL, 'n' },
	{ "force", no_argument, NULL, 'f' },
	{ "drop-bad", no_argument, NULL, 'd' },
	{ NULL, 0, NULL, 0 },
};

static int
verdict_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	const struct ipp_complaint_outcome *out = p;
	size_t i;
	int rc;

	for (i = 0; i < out->nurls; i++)
		if ((rc = ipp_complaint_write_verdict(w, &out->urls[i],
		    out->complaint_id, &c->err)) != IPP_OK)
			return rc;
	return IPP_OK;
}

/* new and check: the same checks; check writes nothing. */
static int
file_or_check(struct cmd *c, const char *name, int argc, char **argv,
    int dry_run)
{
	struct ipp_complaint_outcome out;
	struct new_options o;
	struct ipp_auth who;
	char **urls = NULL;
	const char *p;
	size_t nurls = 0, len;
	int rc, rc2, i;

	memset(&o, 0, sizeof(o));
	o.q.check = 1;
	i = cmd_parse(c, name, argc, argv, new_longs, take_new, &o);
	o.q.evidence = o.evidence;
	o.q.nevidence = o.nevidence;
	if ((rc = ipp_complaint_check_region(o.q.region, &c->err)) != IPP_OK) {
		free(o.evidence);
		return cmd_fail(c, rc);
	}
	rc = i < argc ? ipp_probe_read_args(argv + i, (size_t)(argc - i), &urls,
	    &nurls, &c->err) : ipp_probe_read(stdin, "<stdin>", &urls, &nurls,
	    &c->err);
	o.q.urls = urls;
	o.q.nurls = nurls;
	if (rc == IPP_OK)
		rc = cmd_signed_in(c, &who);
	memset(&out, 0, sizeof(out));
	if (rc == IPP_OK)
		rc = ipp_complaint_file(c->store, &who, &o.q, dry_run,
		    isatty(STDERR_FILENO) ? show_progress : NULL,
		    (void *)c->prog, &out, &c->err);
	for (p = out.warning; p != NULL && *p != '\0'; p += len + (p[len] != 0)) {
		len = strcspn(p, "\n");
		fprintf(stderr, "%s: warning: %.*s\n", c->prog, (int)len, p);
	}
	if (out.nurls > 0 && (rc2 = cmd_write_tsv(c,
	    ipp_complaint_verdict_columns, ipp_complaint_verdict_ncolumns,
	    verdict_rows, &out)) != IPP_OK && rc == IPP_OK)
		rc = rc2;
	if (rc == IPP_OK && !dry_run)
		fprintf(stderr, "%s: filed complaint %lld\n", c->prog,
		    (long long)out.complaint_id);
	ipp_complaint_outcome_free(&out);
	ipp_probe_free_urls(urls, nurls);
	free(o.evidence);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
run_new(struct cmd *c, int argc, char **argv)
{
	return file_or_check(c, "new", argc, argv, 0);
}

static int
run_check(struct cmd *c, int argc, char **argv)
{
	return file_or_check(c, "check", argc, argv, 1);
}

static int
take_import(int ch, const char *arg, void *p)
{
	struct ipp_bulk_options *o = p;

	switch (ch) {
	case 'y': o->dry_run = 1; break;
	case 'n': o->check = 0; break;
	case 'f': o->force = 1; break;
	case 'd': o->drop_bad = 1; break;
	default: return -1;
	}
	return 0;
}

struct import_output {
	struct cmd		*c;	/* for errors */
	struct ipp_tsv_writer	*w;	/* one row per complaint */
};

static int
print_complaint(void *arg, int64_t id, const struct ipp_complaint_request *q,
    int64_t ipr_id, size_t nurls)
{
	struct import_output *io = arg;
	char id_text[24], ipr_text[24], n_text[24];

	snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
	snprintf(ipr_text, sizeof(ipr_text), "%lld", (long long)ipr_id);
	snprintf(n_text, sizeof(n_text), "%zu", nurls);
	const char *row[] = { id ? id_text : NULL, q->platform, q->region,
		ipr_text, q->target, q->reason, n_text };
	int rc;

	/* Out at once: an import killed later has printed what it filed. */
	if ((rc = ipp_tsv_write_row(io->w, row, &io->c->err)) != IPP_OK)
		return rc;
	return ipp_tsv_writer_flush(io->w, &io->c->err);
}

static void
import_refusal(void *arg, const char *file, unsigned long line,
    const char *message)
{
	struct import_output *io = arg;

	cmd_refusal(io->c, file, line, message);
}

static void
import_warning(void *arg, const char *file, unsigned long line,
    const char *message)
{
	struct import_output *io = arg;

	fprintf(stderr, "%s: %s:%lu: warning: %s\n", io->c->prog, file, line,
	    message);
}

static int
run_import(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "dry-run", no_argument, NULL, 'y' },
		{ "no-check", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ "drop-bad", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const columns[] = { "complaint_id", "platform",
		"region", "ipr_id", "target", "reason", "urls" };
	struct ipp_bulk_options o = { .check = 1 };
	struct import_output io = { c, NULL };
	struct ipp_bulk_result res;
	struct cmd_input in;
	struct ipp_auth who;
	int rc, rc2, i;

	i = cmd_parse(c, "import", argc, argv, longs, take_import, &o);
	if (argc - i != 1)
		return cmd_usage(c, "import", "import needs one file (- for "
		    "standard input)");
	if ((rc = cmd_signed_in(c, &who)) != IPP_OK ||
	    (rc = cmd_open_input(c, argv[i], &in)) != IPP_OK)
		return cmd_fail(c, rc);
	/* Evidence paths in the file are relative to the file. */
	o.basedir = in.dir;
	o.progress = isatty(STDERR_FILENO) ? show_progress : NULL;
	o.progress_arg = (void *)c->prog;
	o.on_warning = import_warning;
	if ((rc = cmd_writer_open(c, &io.w, stdout, columns, 7)))
		goto out;
	rc = ipp_bulk_import(c->store, &who, in.fp, in.name, &o,
	    import_refusal, print_complaint, &io, &res, &c->err);
	rc2 = ipp_tsv_writer_close(io.w, rc == IPP_OK ? &c->err : NULL);
	if (rc == IPP_OK)
		rc = rc2;
	fprintf(stderr, "%s: %s: %ld rows, %ld refused; %ld complaints of "
	    "%ld URLs %s\n", c->prog, argv[i], res.rows, res.refused,
	    res.complaints, res.urls, o.dry_run ? "would be filed" :
	    rc == IPP_OK || o.drop_bad ? "filed" : "not filed");
out:
	cmd_close_input(&in);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

/* ---- listing ---- */

struct list_args {
	struct ipp_auth			 who;		/* the caller */
	struct ipp_complaint_filter	 f;		/* what to list */
	long				 count;		/* rows written */
};

static int
take_filter(int ch, const char *arg, void *p)
{
	struct ipp_complaint_filter *f = p;

	if (ch == 'c')
		return ipp_cli_parse_id(arg, &f->complaint_id);
	if (ch == 's')
		f->state = arg;
	else if (ch == 'p')
		f->platform = arg;
	else if (ch == 'S')
		f->since = arg;
	else
		return -1;
	return 0;
}

static int
list_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct list_args *a = p;

	return ipp_complaint_list(c->store, &a->who, &a->f, w, &a->count,
	    &c->err);
}

static int
url_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct list_args *a = p;

	return ipp_complaint_urls(c->store, &a->who, &a->f, w, &a->count,
	    &c->err);
}

static int
list_with(struct cmd *c, struct list_args *a, int urls)
{
	int rc;

	/* N1: the moves that are due first, so no state shown is stale. */
	if ((rc = cmd_signed_in(c, &a->who)) == IPP_OK &&
	    (rc = ipp_tick_due(c->store, &c->err)) == IPP_OK)
		rc = urls ? cmd_write_tsv(c, ipp_complaint_url_columns,
		    ipp_complaint_url_ncolumns, url_rows, a) :
		    cmd_write_tsv(c, ipp_complaint_columns,
		    ipp_complaint_ncolumns, list_rows, a);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
run_list(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "state", required_argument, NULL, 's' },
		{ "platform", required_argument, NULL, 'p' },
		{ "since", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_args a;

	memset(&a, 0, sizeof(a));
	if (cmd_parse(c, "list", argc, argv, longs, take_filter, &a.f) != argc)
		return cmd_usage(c, "list", "list takes no operands");
	return list_with(c, &a, 0);
}

static int
run_urls(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "state", required_argument, NULL, 's' },
		{ "platform", required_argument, NULL, 'p' },
		{ "complaint", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_args a;

	memset(&a, 0, sizeof(a));
	if (cmd_parse(c, "urls", argc, argv, longs, take_filter, &a.f) != argc)
		return cmd_usage(c, "urls", "urls takes no operands");
	return list_with(c, &a, 1);
}

struct show_args {
	struct ipp_auth	 who;		/* the caller */
	int64_t		 complaint_id;	/* show, history */
	int64_t		 url_id;	/* history --url */
	long		 count;		/* rows written */
};

static int
show_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct show_args *a = p;

	return ipp_detail_show(c->store, &a->who, a->complaint_id, w,
	    &c->err);
}

/* H4: the complaint whole, as field and value rows. */
static int
run_show(struct cmd *c, int argc, char **argv)
{
	struct show_args a;
	int rc, i;

	memset(&a, 0, sizeof(a));
	i = cmd_parse(c, "show", argc, argv, NULL, NULL, NULL);
	if (argc - i != 1 || ipp_cli_parse_id(argv[i], &a.complaint_id))
		return cmd_usage(c, "show", "show needs one complaint id");
	if ((rc = cmd_signed_in(c, &a.who)) == IPP_OK &&
	    (rc = ipp_tick_due(c->store, &c->err)) == IPP_OK)
		rc = cmd_write_tsv(c, ipp_detail_columns, ipp_detail_ncolumns,
		    show_rows, &a);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

static int
take_history(int ch, const char *arg, void *p)
{
	struct show_args *a = p;

	if (ch != 'u')
		return -1;
	return ipp_cli_parse_id(arg, &a->url_id);
}

static int
history_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct show_args *a = p;

	return ipp_detail_history(c->store, &a->who, a->complaint_id,
	    a->url_id, w, &a->count, &c->err);
}

static int
run_history(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "url", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	struct show_args a;
	int rc, i;

	memset(&a, 0, sizeof(a));
	i = cmd_parse(c, "history", argc, argv, longs, take_history, &a);
	if (a.url_id == 0 && (argc - i != 1 ||
	    ipp_cli_parse_id(argv[i], &a.complaint_id)))
		return cmd_usage(c, "history", "history needs one complaint id "
		    "or --url url_id");
	if (a.url_id != 0 && argc - i != 0)
		return cmd_usage(c, "history", "history takes a complaint id "
		    "or --url url_id, not both");
	if ((rc = cmd_signed_in(c, &a.who)) == IPP_OK &&
	    (rc = ipp_tick_due(c->store, &c->err)) == IPP_OK)
		rc = cmd_write_tsv(c, ipp_detail_history_columns,
		    ipp_detail_history_ncolumns, history_rows, &a);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

struct watch_args {
	struct ipp_auth			 who;
	struct ipp_watch_options	 o;
	long				 rows;
};

static int
take_watch(int ch, const char *arg, void *p)
{
	struct watch_args *a = p;

	switch (ch) {
	case 'c': return ipp_cli_parse_id(arg, &a->o.complaint_id);
	case 'S': a->o.since = arg; return 0;
	case 'n': a->o.check = 0; return 0;
	default: return -1;
	}
}

static int
watch_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct watch_args *a = p;

	return ipp_watch_run(c->store, &a->who, &a->o, w, &a->rows, &c->err);
}

/* H5: removed listings checked live again; the relisted ones printed. */
static int
run_watch(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "complaint", required_argument, NULL, 'c' },
		{ "since", required_argument, NULL, 'S' },
		{ "no-check", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct watch_args a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.o.check = 1;
	if (cmd_parse(c, "watch", argc, argv, longs, take_watch, &a) != argc)
		return cmd_usage(c, "watch", "watch takes no operands");
	a.o.progress = isatty(STDERR_FILENO) ? show_progress : NULL;
	a.o.arg = (void *)c->prog;
	if ((rc = cmd_signed_in(c, &a.who)) == IPP_OK)
		rc = cmd_write_tsv(c, ipp_watch_columns, ipp_watch_ncolumns,
		    watch_rows, &a);
	if (rc != IPP_OK)
		return cmd_fail(c, rc);
	return a.rows > 0 ? 0 : IPP_EXIT_FAIL;
}

static int
withdraw_one(struct cmd *c, int64_t id, void *arg)
{
	return ipp_complaint_withdraw(c->store, arg, id, &c->err);
}

static int
run_withdraw(struct cmd *c, int argc, char **argv)
{
	struct ipp_auth who;
	int rc, i;

	i = cmd_parse(c, "withdraw", argc, argv, NULL, NULL, NULL);
	if ((rc = cmd_signed_in(c, &who)) != IPP_OK)
		return cmd_fail(c, rc);
	return cmd_each_id(c, argc - i, argv + i, "complaint_id", "state",
	    "withdrawn", withdraw_one, &who);
}

/* ---- the standalone form and the catalog ---- */

static int
take_form(int ch, const char *arg, void *p)
{
	struct ipp_notice_request *r = p;

	switch (ch) {
	case 'e': r->email = arg; break;
	case 'N': r->name = arg; break;
	case 'p': r->platform = arg; break;
	case 'r': r->region = arg; break;
	case 'D': r->right_description = arg; break;
	case 'R': r->reason = arg; break;
	default: return -1;
	}
	return 0;
}

static int
run_form(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "name", required_argument, NULL, 'N' },
		{ "platform", required_argument, NULL, 'p' },
		{ "region", required_argument, NULL, 'r' },
		{ "right-description", required_argument, NULL, 'D' },
		{ "reason", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const columns[] = { "notice_id", "urls" };
	struct ipp_notice_request r;
	char id_text[24], n_text[24];
	int64_t id = 0;
	int rc, i;

	memset(&r, 0, sizeof(r));
	i = cmd_parse(c, "form", argc, argv, longs, take_form, &r);
	r.urls = argv + i;
	r.nurls = (size_t)(argc - i);
	if ((rc = ipp_complaint_check_region(r.region, &c->err)) == IPP_OK &&
	    (rc = cmd_open_store(c, 0)) == IPP_OK)
		rc = ipp_notice_file(c->store, &r, &id, &c->err);
	if (rc == IPP_OK) {
		snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
		snprintf(n_text, sizeof(n_text), "%zu", r.nurls);
		const char *row[] = { id_text, n_text };
		rc = cmd_write_row(c, columns, 2, row);
	}
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

struct reasons_args {
	const char	*type;		/* --type */
	const char	*target;	/* --target */
	const char	*load;		/* --load FILE */
};

static int
take_reasons(int ch, const char *arg, void *p)
{
	struct reasons_args *a = p;

	if (ch == 'T')
		a->type = arg;
	else if (ch == 't')
		a->target = arg;
	else if (ch == 'l')
		a->load = arg;
	else
		return -1;
	return 0;
}

static int
reason_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct reasons_args *a = p;

	return ipp_reason_list(c->store, a->type, a->target, w, &c->err);
}

static int
run_reasons(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "type", required_argument, NULL, 'T' },
		{ "target", required_argument, NULL, 't' },
		{ "load", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct reasons_args a = { NULL, NULL, NULL };
	struct cmd_input in;
	struct ipp_auth who;
	int rc;

	if (cmd_parse(c, "reasons", argc, argv, longs, take_reasons, &a) != argc)
		return cmd_usage(c, "reasons", "reasons takes no operands");
	if (a.load == NULL) {
		if ((rc = cmd_open_store(c, 0)) == IPP_OK)
			rc = cmd_write_tsv(c, ipp_reason_columns,
			    ipp_reason_ncolumns, reason_rows, &a);
		return rc != IPP_OK ? cmd_fail(c, rc) : 0;
	}
	if ((rc = cmd_handler(c, &who)) != IPP_OK ||
	    (rc = cmd_open_input(c, a.load, &in)) != IPP_OK)
		return cmd_fail(c, rc);
	rc = ipp_reason_load(c->store, in.fp, in.name, &c->err);
	cmd_close_input(&in);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

/* ---- case handlers: the queue, decisions, abusive marks (H1-H3) ---- */

struct queue_args {
	struct ipp_auth	 who;		/* a handler */
	const char	*platform;	/* --platform */
	int		 overdue;	/* --overdue, or the overdue command */
	long		 count;		/* rows written */
};

static int
take_queue(int ch, const char *arg, void *p)
{
	struct queue_args *a = p;

	if (ch == 'p')
		a->platform = arg;
	else if (ch == 'o')
		a->overdue = 1;
	else
		return -1;
	return 0;
}

static int
queue_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct queue_args *a = p;

	return ipp_decision_queue(c->store, &a->who, a->platform, a->overdue,
	    w, &a->count, &c->err);
}

static int
queue_or_overdue(struct cmd *c, const char *name, int argc, char **argv,
    int overdue)
{
	static const struct option longs[] = {
		{ "platform", required_argument, NULL, 'p' },
		{ "overdue", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct option overdue_longs[] = {
		{ "platform", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct queue_args a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.overdue = overdue;
	if (cmd_parse(c, name, argc, argv, overdue ? overdue_longs : longs,
	    take_queue, &a) != argc)
		return cmd_usage(c, name, "this command takes no operands");
	if ((rc = cmd_handler(c, &a.who)) == IPP_OK)
		rc = cmd_write_tsv(c, ipp_decision_queue_columns,
		    ipp_decision_queue_ncolumns, queue_rows, &a);
	if (rc != IPP_OK)
		return cmd_fail(c, rc);
	return a.count > 0 ? 0 : IPP_EXIT_FAIL;
}

static int
run_queue(struct cmd *c, int argc, char **argv)
{
	return queue_or_overdue(c, "queue", argc, argv, 0);
}

static int
run_overdue(struct cmd *c, int argc, char **argv)
{
	return queue_or_overdue(c, "overdue", argc, argv, 1);
}

struct decide_args {
	const char	*reason;	/* --reason, for every row */
	int		 revoke;	/* abusive --revoke */
};

static int
take_decide(int ch, const char *arg, void *p)
{
	struct decide_args *a = p;

	if (ch == 'R')
		a->reason = arg;
	else if (ch == 'v')
		a->revoke = 1;
	else
		return -1;
	return 0;
}

/* One batch: its output goes to a temporary file until it commits. */
struct decide_run {
	struct cmd			*c;
	const char			*name;		/* accept, reject */
	enum ipp_decision		 d;
	const struct ipp_auth		*who;		/* the handler */
	struct ipp_decision_batch	*batch;		/* open, from row 1 */
	struct ipp_tsv_writer		*w;		/* to out */
	FILE				*out;		/* tmpfile */
	long				 done, refused;
};

/*
 * Decides one row (cmd_each_row).  id_text is the id as given; where
 * names its place for messages ("<stdin>:3", or NULL for an argument).
 * The batch starts with the first row: nothing is locked before.
 */
static int
decide_row(void *arg, const char *id_text, const char *where,
    const char *reason)
{
	struct decide_run *r = arg;
	struct ipp_decision_result res;
	char *why = NULL, complaint[24], *line = NULL;
	const char *result;
	int64_t id;
	int rc;

	if (r->batch == NULL && (rc = ipp_decision_open(r->c->store, r->who,
	    &r->batch, &r->c->err)) != IPP_OK)
		return rc;
	memset(&res, 0, sizeof(res));
	if (ipp_cli_parse_id(id_text, &id) != 0)
		rc = ipp_error(&why, IPP_EREFUSED, "url_id is not an id: '%s'",
		    id_text ? id_text : "\\N");
	else
		rc = ipp_decision_apply(r->batch, id, r->d, reason, &res, &why);
	if (rc != IPP_OK && rc != IPP_EREFUSED && rc != IPP_ENOTFOUND) {
		free(r->c->err);
		r->c->err = why;
		return rc;
	}
	if (rc == IPP_OK) {
		r->done++;
		result = r->d == IPP_DECIDE_ACCEPT ? "accepted" : "rejected";
	} else {
		r->refused++;
		result = "refused";
		line = where ? ipp_strdup_printf("%s: %s", where, why) : NULL;
		fprintf(stderr, "%s: %s: %s\n", r->c->prog, r->name,
		    line ? line : why);
	}
	snprintf(complaint, sizeof(complaint), "%lld",
	    (long long)res.complaint_id);
	{
		const char *row[] = { id_text, res.complaint_id ? complaint :
			NULL, result, res.state[0] ? res.state : NULL,
			res.window_ends_at[0] ? res.window_ends_at : NULL,
			rc == IPP_OK ? (r->d == IPP_DECIDE_REJECT ? reason :
			    NULL) : why };
		rc = ipp_tsv_write_row(r->w, row, &r->c->err);
	}
	free(line);
	free(why);
	return rc;
}

static int
decide(struct cmd *c, const char *name, enum ipp_decision d, int argc,
    char **argv)
{
	static const struct option longs[] = {
		{ "reason", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	struct decide_args a = { NULL, 0 };
	struct decide_run r;
	struct ipp_auth who;
	long mails = 0;
	int rc, rc2, i;

	memset(&r, 0, sizeof(r));
	r.c = c;
	r.name = name;
	r.d = d;
	i = cmd_parse(c, name, argc, argv, longs, take_decide, &a);
	if (a.reason != NULL && *a.reason == '\0')
		return cmd_usage(c, name, "--reason needs a text (rule H1)");
	if ((rc = cmd_handler(c, &who)) != IPP_OK)
		return cmd_fail(c, rc);
	if ((r.out = cmd_hold(c)) == NULL)
		return cmd_fail(c, IPP_ESYS);
	if ((rc = cmd_writer_open(c, &r.w, r.out, ipp_decision_columns,
	    ipp_decision_ncolumns)) != IPP_OK) {
		cmd_release(c, r.out, 0);
		return cmd_fail(c, rc);
	}
	r.who = &who;
	/* One reason a row is for rejections (H1). */
	rc = cmd_each_row(c, argc - i, argv + i, d == IPP_DECIDE_REJECT,
	    a.reason, decide_row, &r);
	rc2 = ipp_tsv_writer_close(r.w, rc == IPP_OK ? &c->err : NULL);
	if (rc == IPP_OK)
		rc = rc2;
	if (rc != IPP_OK) {
		ipp_decision_abort(r.batch);
		cmd_release(c, r.out, 0);
		fprintf(stderr, "%s: %s: nothing decided\n", c->prog, name);
		return cmd_fail(c, rc);
	}
	if (r.batch != NULL && (rc = ipp_decision_close(r.batch, &mails,
	    &c->err)) != IPP_OK && rc != IPP_ENET) {
		cmd_release(c, r.out, 0);
		fprintf(stderr, "%s: %s: nothing decided\n", c->prog, name);
		return cmd_fail(c, rc);
	}
	if (rc == IPP_ENET) {
		fprintf(stderr, "%s: warning: %s\n", c->prog, c->err);
		free(c->err);
		c->err = NULL;
	}
	if ((rc = cmd_release(c, r.out, 1)) != IPP_OK)
		return cmd_fail(c, rc);
	fprintf(stderr, "%s: %s: %ld %s, %ld refused; %ld digest mail%s "
	    "queued\n", c->prog, name, r.done, d == IPP_DECIDE_ACCEPT ?
	    "accepted" : "rejected", r.refused, mails, mails == 1 ? "" : "s");
	return r.refused > 0 ? IPP_EXIT_FAIL : 0;
}

static int
run_accept(struct cmd *c, int argc, char **argv)
{
	return decide(c, "accept", IPP_DECIDE_ACCEPT, argc, argv);
}

static int
run_reject(struct cmd *c, int argc, char **argv)
{
	return decide(c, "reject", IPP_DECIDE_REJECT, argc, argv);
}

struct mark_args {
	struct decide_args	 a;
	struct ipp_auth		 who;
	int64_t			 complaint_id;
};

static int
mark_rows(struct cmd *c, struct ipp_tsv_writer *w, void *p)
{
	struct mark_args *m = p;

	return ipp_decision_mark(c->store, &m->who, m->complaint_id,
	    m->a.revoke, m->a.reason, w, &c->err);
}

static int
run_abusive(struct cmd *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "reason", required_argument, NULL, 'R' },
		{ "revoke", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct mark_args m;
	int rc, i;

	memset(&m, 0, sizeof(m));
	i = cmd_parse(c, "abusive", argc, argv, longs, take_decide, &m.a);
	if (argc - i != 1 || ipp_cli_parse_id(argv[i], &m.complaint_id))
		return cmd_usage(c, "abusive", "abusive needs one complaint id");
	if (m.a.reason == NULL || *m.a.reason == '\0')
		return cmd_usage(c, "abusive", "abusive needs --reason (rule "
		    "H3)");
	if ((rc = cmd_handler(c, &m.who)) == IPP_OK)
		rc = cmd_write_tsv(c, ipp_decision_mark_columns,
		    ipp_decision_mark_ncolumns, mark_rows, &m);
	return rc != IPP_OK ? cmd_fail(c, rc) : 0;
}

int
main(int argc, char **argv)
{
	return cmd_main("ipp-complain", commands,
	    sizeof(commands) / sizeof(commands[0]), argc, argv);
}
