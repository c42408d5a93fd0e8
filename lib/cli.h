/*
 * What every binary does the same way with its input: read a secret line
 * from standard input, and take record ids from the arguments or from a
 * named column of TSV on standard input (so list | approve works).
 */
#ifndef IPP_CLI_H
#define IPP_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Reads one line from fp without its line end; malloc'd into *line.  A
 * line longer than IPP_CLI_LINE_MAX bytes, or with a NUL byte, is a
 * usage error.
 */
#define IPP_CLI_LINE_MAX	4096
int ipp_cli_read_line(FILE *fp, const char *what, char **line, char **errp);

/* Parses a positive decimal id; 0 on success, -1 otherwise. */
int ipp_cli_parse_id(const char *text, int64_t *id);

/*
 * Collects ids: from args when nargs > 0, else from `column` of the TSV
 * on fp (other columns ignored).  *ids is malloc'd.  A bad id names the
 * argument, or the file and line.
 */
int ipp_cli_ids(int nargs, char *const *args, FILE *fp, const char *column,
    int64_t **ids, size_t *nids, char **errp);

#endif
