/*
 * What every ipp binary does the same way: dispatch a command word,
 * parse its long options (--help included), open the store, establish
 * the caller, write TSV to stdout, print errors as "prog: message" and
 * map statuses to exit codes.  Linked into each binary; never in lib/.
 */
#ifndef IPP_CMD_COMMON_H
#define IPP_CMD_COMMON_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "auth.h"
#include "store.h"
#include "tsv.h"

struct cmd;

struct cmd_command {
	const char	*name;		/* the command word */
	int		(*run)(struct cmd *, int, char **);	/* exit status */
	const char	*usage;		/* mirrors the man page's SYNOPSIS */
};

struct cmd {
	const char			*prog;		/* for messages */
	const struct cmd_command	*commands;	/* the binary's table */
	size_t				 ncommands;	/* entries in it */
	const char			*store_arg;	/* -d PATH, or NULL */
	struct ipp_store		*store;		/* once opened */
	char				*err;		/* last error text */
	int				 csv;		/* --csv: records as CSV */
};

/* Runs the binary: global options (-d, --csv, --help), then the command. */
int cmd_main(const char *prog, const struct cmd_command *commands,
    size_t ncommands, int argc, char **argv);

/*
 * Prints c->err (or the usage of name with problem) and returns the exit
 * status; IPP_ENOTFOUND without a message (nothing matched) prints
 * nothing.
 */
int cmd_fail(struct cmd *c, int status);
int cmd_usage(struct cmd *c, const char *name, const char *problem);

/*
 * Parses the command's long options, before or after its operands (the
 * operands end up from the returned index on).  --help is added to longs
 * (not listed there): it prints the command's usage and exits 0; so is
 * --csv, which sets c->csv.  take
 * gets each option's val and argument and returns IPP_OK, IPP_ESYS (out
 * of memory: exit 7) or another status to refuse (a usage error, exit
 * 2); an unknown option exits 2.  Returns the index of the first operand.
 */
int cmd_parse(struct cmd *c, const char *name, int argc, char **argv,
    const struct option *longs, int (*take)(int, const char *, void *),
    void *arg);

int cmd_open_store(struct cmd *c, int flags);
/* Opens the store and establishes the caller (any, or a handler). */
int cmd_signed_in(struct cmd *c, struct ipp_auth *who);
int cmd_handler(struct cmd *c, struct ipp_auth *who);

/* Reads the password line; without --password-stdin a usage error. */
int cmd_read_password(struct cmd *c, int given, char **password);
void cmd_forget(char *secret);

/*
 * Opens a writer of the records a command prints: TSV, or CSV for a
 * spreadsheet after --csv (which cmd_main and cmd_parse take for every
 * command).  Every record-printing path opens its writer here.
 */
int cmd_writer_open(struct cmd *c, struct ipp_tsv_writer **wp, FILE *fp,
    const char *const *columns, size_t ncolumns);

/* Writes a TSV header and the rows that rows() writes, to stdout. */
int cmd_write_tsv(struct cmd *c, const char *const *columns,
    size_t ncolumns, int (*rows)(struct cmd *, struct ipp_tsv_writer *,
    void *), void *arg);

/* Writes one record under its header: what add-like commands print. */
int cmd_write_row(struct cmd *c, const char *const *columns,
    size_t ncolumns, const char *const *row);

/*
 * Prints a refused input row as "prog: FILE:LINE: message"; the
 * refusal callback of every import (arg is the struct cmd).
 */
void cmd_refusal(void *c, const char *file, unsigned long line,
    const char *message);

/* A file to import, and the directory its relative paths start from. */
struct cmd_input {
	FILE		*fp;		/* the file, or stdin */
	const char	*name;		/* for messages: the path, or <stdin> */
	const char	*dir;		/* the file's directory, or "." */
	char		*copy;		/* what dir points into */
};

/*
 * Opens path ("-" is standard input) for an import: IPP_EINPUT when it
 * cannot be opened.  cmd_close_input closes what it opened.
 */
int cmd_open_input(struct cmd *c, const char *path, struct cmd_input *in);
void cmd_close_input(struct cmd_input *in);

/*
 * Applies act() to each id (from args, else from `column` of TSV on
 * stdin), each in its own transaction, and writes rows of the id and
 * result (under result_column) for those that succeeded.  Failures are printed and the first one
 * sets the exit status; the rest go on.
 */
int cmd_each_id(struct cmd *c, int nargs, char **args, const char *column,
    const char *result_column, const char *result,
    int (*act)(struct cmd *, int64_t, void *), void *arg);

/*
 * The rows of a batch of URL decisions (H1, N2): row() gets each id as
 * given, from args when nargs > 0, else from the url_id column of TSV on
 * stdin, with the row's `reason` column when reason_column is set and no
 * reason was given; where is NULL for an argument, "<stdin>:LINE" for a
 * row.  Stops at the first row() that does not return IPP_OK.
 */
int cmd_each_row(struct cmd *c, int nargs, char **args, int reason_column,
    const char *reason, int (*row)(void *, const char *, const char *,
    const char *), void *arg);

/*
 * Output held back until a batch has committed: cmd_hold gives a
 * temporary file, cmd_release copies it to stdout and closes it (with
 * ok 0, closes it only).
 */
FILE *cmd_hold(struct cmd *c);
int cmd_release(struct cmd *c, FILE *fp, int ok);

#endif
