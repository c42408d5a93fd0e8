/*
 * The reason catalog (C4): which reason codes exist for which IPR type
 * and target (and, for a patent, which kind of patent: I5), their
 * labels, and their priority (counterfeit codes are high).  It ships as
 * data, lib/reasons.tsv, built into the library and loaded by a
 * migration; an operator can replace it, but a code that a complaint or
 * a standalone notice uses cannot disappear, and only its label and
 * description may change (C8).
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
	char	kind[16];	/* a patent's (I5), "" for any */
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
 * Replaces the catalog with the TSV on fp, checked whole first: each
 * code once (IPP_EINPUT naming both lines), a kind for each patent code
 * and for no other.  A code that a complaint or a standalone notice uses
 * must stay with its type, target, priority and kind (IPP_EREFUSED,
 * C4, C8).  Runs its own transaction.
 */
int ipp_reason_load(struct ipp_store *s, FILE *fp, const char *name,
    char **errp);

/* The migrations' steps, inside their transaction: the catalog of
 * ipp_reasons_tsv into the new table (without kinds), and later the
 * kinds of its patent codes into the kind column. */
int ipp_reason_seed(struct ipp_store *s, char **errp);
int ipp_reason_seed_kinds(struct ipp_store *s, char **errp);

#endif
