#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "settings.h"
#include "banned.h"

static int
lookup(struct ipp_store *s, const char *name, struct ipp_stmt **stp,
    char **errp)
{
	static const char sql[] = "SELECT value, kind, minimum, maximum"
	    " FROM settings WHERE name = ?";
	int rc;

	if ((rc = ipp_store_stmt(s, sql, stp, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_static(*stp, 1, name);
	switch (ipp_stmt_step(*stp)) {
	case IPP_STMT_ROW:
		return IPP_OK;
	case IPP_STMT_DONE:
		ipp_stmt_reset(*stp);
		return ipp_error(errp, IPP_ENOTFOUND, "no setting '%s'", name);
	default:
		rc = ipp_store_fail(s, errp, "cannot read settings");
		ipp_stmt_reset(*stp);
		return rc;
	}
}

static int
parse_integer(const char *text, long long *value)
{
	char *end;

	if ((*text < '0' || *text > '9') && *text != '-')
		return -1;
	errno = 0;
	*value = strtoll(text, &end, 10);
	return (errno != 0 || end == text || *end != '\0') ? -1 : 0;
}

int
ipp_settings_int(struct ipp_store *s, const char *name, long long *value,
    char **errp)
{
	struct ipp_stmt *st;
	int rc;

	if ((rc = lookup(s, name, &st, errp)) != IPP_OK)
		return rc;
	rc = parse_integer(ipp_stmt_text(st, 0), value);
	ipp_stmt_reset(st);
	if (rc != 0)
		return ipp_error(errp, IPP_ESTORE,
		    "setting '%s' is not an integer", name);
	return IPP_OK;
}

int
ipp_settings_text(struct ipp_store *s, const char *name, char **value,
    char **errp)
{
	struct ipp_stmt *st;
	int rc;

	if ((rc = lookup(s, name, &st, errp)) != IPP_OK)
		return rc;
	*value = ipp_store_column_dup(st, 0);
	ipp_stmt_reset(st);
	if (*value == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	return IPP_OK;
}

static int
check_value(struct ipp_stmt *st, const char *name, const char *value,
    char **errp)
{
	long long v;

	if (strcmp(ipp_stmt_text(st, 1), "integer") != 0)
		return strchr(value, '\n') == NULL ? IPP_OK :
		    ipp_error(errp, IPP_EREFUSED,
		    "setting '%s' must be one line", name);
	if (parse_integer(value, &v) != 0)
		return ipp_error(errp, IPP_EREFUSED,
		    "setting '%s' takes an integer: '%s'", name, value);
	if (v < ipp_stmt_int(st, 2) || v > ipp_stmt_int(st, 3))
		return ipp_error(errp, IPP_EREFUSED,
		    "setting '%s' takes %lld to %lld: '%s'", name,
		    (long long)ipp_stmt_int(st, 2),
		    (long long)ipp_stmt_int(st, 3), value);
	return IPP_OK;
}

int
ipp_settings_set(struct ipp_store *s, const char *name, const char *value,
    char **errp)
{
	static const char sql[] = "UPDATE settings SET value = ? WHERE name = ?";
	struct ipp_stmt *st;
	int rc;

	if ((rc = lookup(s, name, &st, errp)) != IPP_OK)
		return rc;
	rc = check_value(st, name, value, errp);
	ipp_stmt_reset(st);
	if (rc != IPP_OK)
		return rc;
	if ((rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	rc = ipp_store_run(s, sql, "cannot change a setting", errp, "tt",
	    value, name);
	return ipp_store_end(s, rc, errp);
}

int
ipp_settings_list(struct ipp_store *s, struct ipp_tsv_writer *w, char **errp)
{
	static const char sql[] = "SELECT name, value, kind, minimum, maximum,"
	    " description FROM settings ORDER BY name";
	struct ipp_stmt *st;
	long n;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	return ipp_store_write_rows(s, st, w, &n, errp);
}
