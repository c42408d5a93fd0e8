#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "err.h"
#include "tsv.h"
#include "banned.h"

int
ipp_cli_read_line(FILE *fp, const char *what, char **line, char **errp)
{
	size_t n = 0;
	int ch;

	/* Bounded: a line without end must not cost its length in memory. */
	if ((*line = malloc(IPP_CLI_LINE_MAX + 1)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	errno = 0;
	while ((ch = getc(fp)) != EOF && ch != '\n') {
		if (n == IPP_CLI_LINE_MAX || ch == '\0') {
			free(*line);
			*line = NULL;
			if (ch == '\0')
				return ipp_error(errp, IPP_EUSAGE, "%s has a NUL "
				    "byte", what);
			return ipp_error(errp, IPP_EUSAGE, "%s: a line longer "
			    "than %d bytes on standard input", what,
			    IPP_CLI_LINE_MAX);
		}
		(*line)[n++] = (char)ch;
	}
	if (n == 0 && ch == EOF) {
		free(*line);
		*line = NULL;
		return ipp_error(errp, IPP_EUSAGE, "expected %s on standard "
		    "input%s%s", what, errno ? ": " : "",
		    errno ? strerror(errno) : "");
	}
	while (n > 0 && (*line)[n - 1] == '\r')
		n--;
	(*line)[n] = '\0';
	return IPP_OK;
}

int
ipp_cli_parse_id(const char *text, int64_t *id)
{
	char *end;
	long long v;

	if (text == NULL || *text < '0' || *text > '9')
		return -1;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		return -1;
	*id = (int64_t)v;
	return 0;
}

static int
push_id(int64_t **ids, size_t *n, size_t *cap, int64_t id, char **errp)
{
	int64_t *grown;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		if ((grown = realloc(*ids, *cap * sizeof(**ids))) == NULL)
			return ipp_error(errp, IPP_ESYS, "out of memory");
		*ids = grown;
	}
	(*ids)[(*n)++] = id;
	return IPP_OK;
}

static int
ids_from_tsv(FILE *fp, const char *column, int64_t **ids, size_t *n,
    size_t *cap, char **errp)
{
	struct ipp_tsv_reader *r;
	int64_t id;
	int rc, col;

	if ((rc = ipp_tsv_reader_open(&r, fp, "<stdin>", errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_tsv_require(r, column, &col, errp)) != IPP_OK) {
		ipp_tsv_reader_close(r);
		return rc;
	}
	while ((rc = ipp_tsv_next(r, errp)) == 1) {
		const char *text = ipp_tsv_field(r, (size_t)col);
		if (ipp_cli_parse_id(text, &id) != 0) {
			rc = ipp_error(errp, IPP_EINPUT, "<stdin>:%lu: %s is "
			    "not an id: '%s'", ipp_tsv_line(r), column,
			    text ? text : "\\N");
			break;
		}
		if ((rc = push_id(ids, n, cap, id, errp)) != IPP_OK)
			break;
	}
	ipp_tsv_reader_close(r);
	return rc < 0 ? rc : IPP_OK;
}

int
ipp_cli_ids(int nargs, char *const *args, FILE *fp, const char *column,
    int64_t **ids, size_t *nids, char **errp)
{
	size_t cap = 0;
	int64_t id;
	int i, rc = IPP_OK;

	*ids = NULL;
	*nids = 0;
	if (nargs == 0)
		rc = ids_from_tsv(fp, column, ids, nids, &cap, errp);
	for (i = 0; i < nargs && rc == IPP_OK; i++) {
		if (ipp_cli_parse_id(args[i], &id) != 0)
			rc = ipp_error(errp, IPP_EUSAGE, "not an id: '%s'",
			    args[i]);
		else
			rc = push_id(ids, nids, &cap, id, errp);
	}
	if (rc != IPP_OK) {
		free(*ids);
		*ids = NULL;
		*nids = 0;
	}
	return rc;
}
