/*
 * The reason catalog (C4): which reason codes exist for which IPR type
 * and target, their labels, and their priority (counterfeit codes are
 * high).  It ships as data, lib/reasons.tsv, built into the library and
 * loaded by a migration; an operator can replace it (codes in use by a
 * complaint cannot disappear).
 */
#ifndef IPP_REASON_H
#define IPP_REASON_H

#include <stdio.h>

#include "store.h"
#include "tsv.h"

/* lib/reasons.tsv, embedded at build time. */
extern const char ipp_reasons_tsv[];

struct ipp_reason {
	char	code[64];	/* e.g. tm-counterfeit-goods */
	char	ipr_type[16];	/* trademark copyright patent other */
	char	target[16];	/* listing storefront */
	char	priority[8];	/* high normal */
};

/* The columns of the catalog, in order (ipp-tsv(5)). */
extern const char *const ipp_reason_columns[];
extern const size_t ipp_reason_ncolumns;

/* Looks up a code; IPP_EREFUSED naming C4 when it does not exist. */
int ipp_reason_get(struct ipp_store *s, const char *code,
    struct ipp_reason *r, char **errp);

/* Writes the catalog, optionally for one IPR type and one target. */
int ipp_reason_list(struct ipp_store *s, const char *ipr_type,
    const char *target, struct ipp_tsv_writer *w, char **errp);

/*
 * Replaces the catalog with the TSV on fp, checked whole first; a code
 * that a complaint uses must stay.  Runs its own transaction.
 */
int ipp_reason_load(struct ipp_store *s, FILE *fp, const char *name,
    char **errp);

/* The migration's step: loads ipp_reasons_tsv inside its transaction. */
int ipp_reason_seed(struct ipp_store *s, char **errp);

#endif
