/*
 * Bulk filing (C9): rows of url, platform, region, ipr, target, reason,
 * supplement and evidence from CSV or TSV, grouped by (platform, region,
 * IPR, target, reason) into complaints of at most 300 URLs.
 *
 * Streams: a group's rows wait in memory until it has 300 URLs or the
 * file ends, so memory grows with the number of groups, not rows.  A
 * full group is checked then, outside any transaction (the live checks
 * of C6, C5 against the store, C9's size), and the complaint it makes
 * goes to a temporary file; its documents are stored (D1) before any
 * transaction too.  The write transactions hold inserts only, so other
 * writers never wait on a slow marketplace.  Without drop_bad the
 * import is all or nothing: after the last row, if none was refused, the
 * documents are stored and every complaint is inserted in one
 * transaction.  With drop_bad refused rows are left out and whole
 * complaints are committed in batches of about 50,000 URLs.  A URL that
 * another process filed since it was checked is refused then (C5, by
 * the store's unique index), as if the check had seen it.  A crash
 * leaves no half complaint either way.
 */
#ifndef IPP_BULK_H
#define IPP_BULK_H

#include <stdint.h>
#include <stdio.h>

#include "auth.h"
#include "complaint.h"
#include "http.h"
#include "store.h"

struct ipp_bulk_options {
	const char		*basedir;	/* evidence paths are relative to it */
	int			 check;		/* live checks (C6) */
	int			 force;		/* confirms large batches (C9) */
	int			 drop_bad;	/* file the good rows only */
	int			 dry_run;	/* write nothing */
	ipp_http_progress_fn	*progress;	/* live-check progress, or NULL */
	void			*progress_arg;
	/* Told, with the line of its first row, of each warning a
	 * complaint draws (I6), or NULL; its arg is ipp_bulk_import's. */
	void			(*on_warning)(void *arg, const char *file,
				    unsigned long line, const char *message);
};

struct ipp_bulk_result {
	long	rows;		/* data rows read */
	long	refused;	/* rows refused */
	long	complaints;	/* complaints filed (or that would be) */
	long	urls;		/* URLs in them */
};

/* Told of each refused row. */
typedef void ipp_bulk_refusal_fn(void *arg, const char *file,
    unsigned long line, const char *message);
/* Told of each complaint once committed (id 0 in a dry run). */
typedef int ipp_bulk_complaint_fn(void *arg, int64_t complaint_id,
    const struct ipp_complaint_request *q, int64_t ipr_id, size_t nurls);

int ipp_bulk_import(struct ipp_store *s, const struct ipp_auth *who,
    FILE *fp, const char *name, const struct ipp_bulk_options *o,
    ipp_bulk_refusal_fn *on_refusal, ipp_bulk_complaint_fn *on_complaint,
    void *arg, struct ipp_bulk_result *res, char **errp);

#endif
