#include <errno.h>
#include <libgen.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"
#include "curl_dl.h"
#include "doc.h"
#include "err.h"
#include "mail.h"
#include "banned.h"

/* getopt's value for --csv: no command's option table uses it. */
#define OPT_CSV	0x7c5

static void
print_usage(const struct cmd *c, FILE *fp, const char *name)
{
	size_t i;
	int first = 1;

	for (i = 0; i < c->ncommands; i++) {
		if (name != NULL && strcmp(c->commands[i].name, name) != 0)
			continue;
		fprintf(fp, "%s %s [-d store] [--csv] %s\n",
		    first ? "usage:" : "      ",
		    c->prog, c->commands[i].usage);
		first = 0;
	}
}

int
cmd_fail(struct cmd *c, int status)
{
	/* Nothing matched (ipp_store_write_matches): exit 1, no message. */
	if (status == IPP_ENOTFOUND && c->err == NULL)
		return ipp_exit_status(status);
	fprintf(stderr, "%s: %s\n", c->prog, c->err != NULL ? c->err :
	    "unknown error");
	free(c->err);
	c->err = NULL;
	return ipp_exit_status(status);
}

int
cmd_usage(struct cmd *c, const char *name, const char *problem)
{
	if (problem != NULL)
		fprintf(stderr, "%s: %s\n", c->prog, problem);
	print_usage(c, stderr, name);
	return IPP_EXIT_USAGE;
}

/* The command's options, --help and --csv, which every command takes. */
static struct option *
with_help(const struct option *longs)
{
	static const struct option help = { "help", no_argument, NULL, 'h' };
	static const struct option csv = { "csv", no_argument, NULL, OPT_CSV };
	struct option *all;
	size_t n = 0;

	while (longs != NULL && longs[n].name != NULL)
		n++;
	if ((all = calloc(n + 3, sizeof(*all))) == NULL)
		return NULL;
	if (n > 0)
		memcpy(all, longs, n * sizeof(*all));
	all[n] = help;
	all[n + 1] = csv;
	return all;
}

int
cmd_parse(struct cmd *c, const char *name, int argc, char **argv,
    const struct option *longs, int (*take)(int, const char *, void *),
    void *arg)
{
	struct option *all;
	char short_opt[3] = "-?", *bad;
	int ch, rc;

	if ((all = with_help(longs)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", c->prog);
		exit(IPP_EXIT_SYS);
	}
	/*
	 * optind 0 starts getopt afresh, permuting: options may come
	 * before or after the operands (ipp-ipr fail 3 --reason text), and
	 * "--" ends them.  cmd_main's "+" (stop at the command) is not kept.
	 */
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", all, NULL)) != -1) {
		if (ch == 'h') {
			free(all);
			print_usage(c, stdout, name);
			exit(0);
		}
		if (ch == '?' || ch == ':') {
			free(all);
			bad = argv[optind - 1];
			if (strncmp(bad, "--", 2) != 0 && optopt != 0) {
				short_opt[1] = (char)optopt;
				bad = short_opt;
			}
			fprintf(stderr, "%s: %s: %s: '%s'\n", c->prog, name,
			    ch == ':' ? "option needs a value" :
			    "no such option", bad);
			exit(cmd_usage(c, name, NULL));
		}
		if (ch == OPT_CSV) {
			c->csv = 1;
			continue;
		}
		rc = take == NULL ? IPP_EUSAGE : take(ch, optarg, arg);
		if (rc == IPP_ESYS) {
			free(all);
			fprintf(stderr, "%s: out of memory\n", c->prog);
			exit(IPP_EXIT_SYS);
		}
		if (rc != IPP_OK) {
			free(all);
			exit(cmd_usage(c, name, NULL));
		}
	}
	free(all);
	return optind;
}

int
cmd_open_store(struct cmd *c, int flags)
{
	char *path = NULL;
	int rc;

	if (c->store != NULL)
		return IPP_OK;
	if ((rc = ipp_store_path(&path, c->store_arg, &c->err)) == IPP_OK)
		rc = ipp_store_open(&c->store, path, flags, &c->err);
	free(path);
	return rc;
}

int
cmd_signed_in(struct cmd *c, struct ipp_auth *who)
{
	int rc;

	if ((rc = cmd_open_store(c, 0)) != IPP_OK)
		return rc;
	return ipp_auth_current(c->store, who, &c->err);
}

int
cmd_handler(struct cmd *c, struct ipp_auth *who)
{
	int rc;

	if ((rc = cmd_open_store(c, 0)) != IPP_OK)
		return rc;
	return ipp_auth_handler(c->store, who, &c->err);
}

int
cmd_read_password(struct cmd *c, int given, char **password)
{
	*password = NULL;
	if (!given)
		return ipp_error(&c->err, IPP_EUSAGE, "give the password on "
		    "standard input with --password-stdin");
	return ipp_cli_read_line(stdin, "a password", password, &c->err);
}

void
cmd_forget(char *secret)
{
	if (secret != NULL) {
		explicit_bzero(secret, strlen(secret));
		free(secret);
	}
}

int
cmd_writer_open(struct cmd *c, struct ipp_tsv_writer **wp, FILE *fp,
    const char *const *columns, size_t ncolumns)
{
	return ipp_tsv_writer_open_as(wp, fp, c->csv ? IPP_TSV_CSV :
	    IPP_TSV_TEXT, columns, ncolumns, &c->err);
}

int
cmd_write_tsv(struct cmd *c, const char *const *columns, size_t ncolumns,
    int (*rows)(struct cmd *, struct ipp_tsv_writer *, void *), void *arg)
{
	struct ipp_tsv_writer *w;
	char *close_err = NULL;
	int rc, rc2;

	if ((rc = cmd_writer_open(c, &w, stdout, columns, ncolumns)) !=
	    IPP_OK)
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

static int
one_row(struct cmd *c, struct ipp_tsv_writer *w, void *row)
{
	return ipp_tsv_write_row(w, row, &c->err);
}

int
cmd_write_row(struct cmd *c, const char *const *columns, size_t ncolumns,
    const char *const *row)
{
	return cmd_write_tsv(c, columns, ncolumns, one_row, (void *)row);
}

void
cmd_refusal(void *c, const char *file, unsigned long line,
    const char *message)
{
	fprintf(stderr, "%s: %s:%lu: %s\n", ((struct cmd *)c)->prog, file,
	    line, message);
}

int
cmd_open_input(struct cmd *c, const char *path, struct cmd_input *in)
{
	memset(in, 0, sizeof(*in));
	if (strcmp(path, "-") == 0) {
		in->fp = stdin;
		in->name = "<stdin>";
		in->dir = ".";
		return IPP_OK;
	}
	/* Out of memory is not a bad input file (exit 7, not 4). */
	if ((in->fp = fopen(path, "re")) == NULL)
		return ipp_error(&c->err, errno == ENOMEM ? IPP_ESYS :
		    IPP_EINPUT, "cannot open '%s': %m", path);
	if ((in->copy = strdup(path)) == NULL) {
		fclose(in->fp);
		in->fp = NULL;
		return ipp_error(&c->err, IPP_ESYS, "out of memory");
	}
	in->name = path;
	in->dir = dirname(in->copy);
	return IPP_OK;
}

void
cmd_close_input(struct cmd_input *in)
{
	if (in->fp != NULL && in->fp != stdin)
		fclose(in->fp);
	free(in->copy);
	memset(in, 0, sizeof(*in));
}

int
cmd_each_id(struct cmd *c, int nargs, char **args, const char *column,
    const char *result_column, const char *result,
    int (*act)(struct cmd *, int64_t, void *), void *arg)
{
	const char *columns[] = { column, result_column };
	struct ipp_tsv_writer *w;
	int64_t *ids = NULL;
	size_t n = 0, i;
	char id_text[24];
	int rc, worst = IPP_OK;

	if ((rc = ipp_cli_ids(nargs, args, stdin, column, &ids, &n, &c->err)))
		return cmd_fail(c, rc);
	if ((rc = cmd_writer_open(c, &w, stdout, columns, 2))) {
		free(ids);
		return cmd_fail(c, rc);
	}
	for (i = 0; i < n; i++) {
		rc = act(c, ids[i], arg);
		/* IPP_ENET: done, but its mail is still queued. */
		if (rc == IPP_OK || rc == IPP_ENET) {
			snprintf(id_text, sizeof(id_text), "%lld",
			    (long long)ids[i]);
			const char *row[] = { id_text, result };
			ipp_tsv_write_row(w, row, NULL);
		}
		if (rc != IPP_OK) {
			worst = worst != IPP_OK ? worst : rc;
			cmd_fail(c, rc);
		}
	}
	free(ids);
	if ((rc = ipp_tsv_writer_close(w, &c->err)) != IPP_OK)
		return cmd_fail(c, rc);
	return ipp_exit_status(worst);
}

int
cmd_main(const char *prog, const struct cmd_command *commands,
    size_t ncommands, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd c = { prog, commands, ncommands, NULL, NULL, NULL, 0 };
	size_t i;
	int ch, rc, status = -1;

	/*
	 * SQLite opens and frees a statement journal for each insert of a
	 * bulk import; glibc would hand the memory back to the kernel each
	 * time (a brk pair per row).  Keep some slack at the top instead.
	 */
	mallopt(M_TRIM_THRESHOLD, 32 << 20);
	mallopt(M_TOP_PAD, 4 << 20);

	while ((ch = getopt_long(argc, argv, "+d:h", longs, NULL)) != -1) {
		if (ch == 'd') {
			c.store_arg = optarg;
		} else if (ch == OPT_CSV) {
			c.csv = 1;
		} else if (ch == 'h') {
			print_usage(&c, stdout, NULL);
			return 0;
		} else
			return cmd_usage(&c, NULL, NULL);
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return cmd_usage(&c, NULL, "no command given");
	for (i = 0; i < ncommands && status < 0; i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			status = commands[i].run(&c, argc, argv);
	if (status < 0) {
		fprintf(stderr, "%s: no command '%s'\n", prog, argv[0]);
		status = cmd_usage(&c, NULL, NULL);
	}
	if (c.err != NULL)	/* a command that forgot to report */
		status = cmd_fail(&c, IPP_ESYS);
	/*
	 * The mail the command queued in its transactions goes out now that
	 * they have committed (N3); a failure leaves it queued and, when the
	 * command itself succeeded, decides the exit status.
	 */
	if (c.store != NULL && (rc = ipp_mail_deliver(c.store, &c.err)) !=
	    IPP_OK) {
		rc = cmd_fail(&c, rc);
		if (status == 0)
			status = rc;
	}
	ipp_store_close(c.store);
	ipp_mail_cleanup();
	ipp_curl_unload();
	ipp_doc_cleanup();
	if (fflush(stdout) != 0 && status == 0)
		status = IPP_EXIT_SYS;
	return status;
}

int
cmd_each_row(struct cmd *c, int nargs, char **args, int reason_column,
    const char *reason, int (*row)(void *, const char *, const char *,
    const char *), void *arg)
{
	struct ipp_tsv_reader *in;
	char where[64];
	const char *row_reason;
	int rc = IPP_OK, i, col, reason_col = -1;

	if (nargs > 0) {
		for (i = 0; i < nargs && rc == IPP_OK; i++)
			rc = row(arg, args[i], NULL, reason);
		return rc;
	}
	if ((rc = ipp_tsv_reader_open(&in, stdin, "<stdin>", &c->err)))
		return rc;
	if ((rc = ipp_tsv_require(in, "url_id", &col, &c->err)) != IPP_OK) {
		ipp_tsv_reader_close(in);
		return rc;
	}
	if (reason_column)
		reason_col = ipp_tsv_column(in, "reason");
	while ((rc = ipp_tsv_next(in, &c->err)) == 1) {
		row_reason = reason;
		if (row_reason == NULL && reason_col >= 0)
			row_reason = ipp_tsv_field(in, (size_t)reason_col);
		snprintf(where, sizeof(where), "<stdin>:%lu",
		    ipp_tsv_line(in));
		if ((rc = row(arg, ipp_tsv_field(in, (size_t)col), where,
		    row_reason)) != IPP_OK)
			break;
	}
	ipp_tsv_reader_close(in);
	return rc < 0 ? rc : IPP_OK;
}

FILE *
cmd_hold(struct cmd *c)
{
	FILE *fp;

	if ((fp = tmpfile()) == NULL)
		ipp_error(&c->err, IPP_ESYS, "cannot make a temporary file: %m");
	return fp;
}

int
cmd_release(struct cmd *c, FILE *fp, int ok)
{
	char buf[65536];
	size_t n;
	int rc = IPP_OK;

	if (ok) {
		rewind(fp);
		while (rc == IPP_OK && (n = fread(buf, 1, sizeof(buf), fp)) > 0)
			if (fwrite(buf, 1, n, stdout) != n)
				rc = ipp_error(&c->err, IPP_ESYS,
				    "write error: %m");
		if (rc == IPP_OK && ferror(fp))
			rc = ipp_error(&c->err, IPP_ESYS, "read error");
	}
	fclose(fp);
	return rc;
}
