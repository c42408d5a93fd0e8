/*
 * The relisting watch (H5, chosen): removed listings checked live again
 * with the live-check engine of filing (probe.h, http.h: the same
 * safety).  A listing that answers live is relisted: the URL stays
 * removed, the finding is recorded (relistings) with its time, and it
 * is written in the columns bulk import reads, so that it can be filed
 * again.
 */
#ifndef IPP_WATCH_H
#define IPP_WATCH_H

#include <stdint.h>

#include "auth.h"
#include "http.h"
#include "store.h"
#include "tsv.h"

struct ipp_watch_options {
	int64_t			 complaint_id;	/* > 0: that complaint only */
	const char		*since;		/* removed since (a date or
						 * time), or NULL */
	int			 check;		/* 0: list, fetch nothing */
	ipp_http_progress_fn	*progress;	/* may be NULL */
	void			*arg;
};

/* url platform region ipr target reason supplement url_id complaint_id */
extern const char *const ipp_watch_columns[];
extern const size_t ipp_watch_ncolumns;

/*
 * Checks the caller's removed listings (a handler: everyone's) and
 * writes a row for each one found live, recording the finding; without
 * check, writes every listing it would check and records nothing.
 * *rows gets the number of rows written.
 */
int ipp_watch_run(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_watch_options *o, struct ipp_tsv_writer *w,
    long *rows, char **errp);

#endif
