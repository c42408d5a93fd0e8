#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "probe.h"
#include "watch.h"
#include "banned.h"

const char *const ipp_watch_columns[] = {
	"url", "platform", "region", "ipr", "target", "reason", "supplement",
	"url_id", "complaint_id",
};
const size_t ipp_watch_ncolumns =
    sizeof(ipp_watch_columns) / sizeof(ipp_watch_columns[0]);

#define NFIELDS 9

/* The removed listings to watch, each as its row of fields. */
struct watched {
	char	*(*rows)[NFIELDS];
	size_t	  n;
};

static void
watched_free(struct watched *list)
{
	size_t i, k;

	for (i = 0; i < list->n; i++)
		for (k = 0; k < NFIELDS; k++)
			free(list->rows[i][k]);
	free(list->rows);
}

static int
select_removed(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_watch_options *o, struct watched *list, char **errp)
{
	static const char sql[] = "SELECT u.canonical_url, c.platform,"
	    " c.region, c.ipr_id, c.target, c.reason, c.supplement, u.url_id,"
	    " u.complaint_id FROM complaint_urls u"
	    " JOIN complaints c ON c.complaint_id = u.complaint_id"
	    " WHERE u.state = 'removed'"
	    " AND (?1 IS NULL OR u.account_id = ?1)"
	    " AND (?2 IS NULL OR u.complaint_id = ?2)"
	    " AND (?3 IS NULL OR u.final_at >= ?3)"
	    " ORDER BY u.url_id";
	struct ipp_stmt *st;
	void *grown;
	size_t k;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	if (who->role != IPP_ROLE_HANDLER)
		ipp_stmt_bind_int(st, 1, who->account_id);
	if (o->complaint_id > 0)
		ipp_stmt_bind_int(st, 2, o->complaint_id);
	ipp_stmt_bind_text(st, 3, o->since);
	while ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		if ((grown = realloc(list->rows, (list->n + 1) *
		    sizeof(*list->rows))) == NULL)
			break;
		list->rows = grown;
		for (k = 0; k < NFIELDS; k++)
			list->rows[list->n][k] = ipp_store_column_dup(st,
			    (int)k);
		list->n++;
	}
	ipp_stmt_reset(st);
	if (rc == IPP_STMT_ROW)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	return rc == IPP_STMT_DONE ? IPP_OK :
	    ipp_store_fail(s, errp, "cannot read the removed listings");
}

static int
record(struct ipp_store *s, const struct watched *list,
    const struct ipp_probe_row *probes, const char *now, char **errp)
{
	static const char sql[] = "INSERT INTO relistings (url_id, found_at,"
	    " status, note) VALUES (?, ?, ?, ?)";
	size_t i;
	int rc;

	if ((rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	for (i = 0; i < list->n; i++) {
		if (!probes[i].checked ||
		    probes[i].check.verdict != IPP_HTTP_LIVE)
			continue;
		if ((rc = ipp_store_run(s, sql, "cannot record a relisting",
		    errp, "itit", (int64_t)strtoll(list->rows[i][7], NULL, 10),
		    now, (int64_t)probes[i].check.status,
		    probes[i].check.note[0] ? probes[i].check.note : NULL))) {
			ipp_store_rollback(s);
			return rc;
		}
	}
	return ipp_store_commit(s, errp);
}

int
ipp_watch_run(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_watch_options *o, struct ipp_tsv_writer *w,
    long *rows, char **errp)
{
	struct watched list = { NULL, 0 };
	struct ipp_probe_row *probes = NULL;
	char now[IPP_TIME_LEN + 1], **urls = NULL;
	int64_t t;
	size_t i;
	int rc;

	*rows = 0;
	if (o->since != NULL && ipp_clock_parse(o->since, &t) != 0)
		return ipp_error(errp, IPP_EUSAGE, "--since takes a date "
		    "(YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM:SSZ), not '%s'",
		    o->since);
	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = select_removed(s, who, o, &list, errp)) != IPP_OK)
		goto out;
	if (o->check) {
		if ((urls = calloc(list.n ? list.n : 1, sizeof(*urls))) ==
		    NULL) {
			rc = ipp_error(errp, IPP_ESYS, "out of memory");
			goto out;
		}
		for (i = 0; i < list.n; i++)
			urls[i] = list.rows[i][0];
		if ((rc = ipp_probe_run(s, urls, list.n, 1, o->progress,
		    o->arg, &probes, errp)) != IPP_OK ||
		    (rc = record(s, &list, probes, now, errp)) != IPP_OK)
			goto out;
	}
	for (i = 0; i < list.n && rc == IPP_OK; i++) {
		if (o->check && (!probes[i].checked ||
		    probes[i].check.verdict != IPP_HTTP_LIVE))
			continue;
		rc = ipp_tsv_write_row(w, (const char *const *)list.rows[i],
		    errp);
		(*rows)++;
	}
out:
	if (probes != NULL)
		ipp_probe_free(probes, list.n);
	free(urls);
	watched_free(&list);
	return rc;
}
