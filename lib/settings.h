/*
 * Settings: every value DOMAIN.md marks "chosen" (code lifetime, document
 * size limit, ...), kept in the store's settings table so an operator can
 * change it without a rebuild.  Each row carries its kind, range and the
 * rule it serves; ipp-register(1) lists them.
 */
#ifndef IPP_SETTINGS_H
#define IPP_SETTINGS_H

#include "store.h"
#include "tsv.h"

int ipp_settings_int(struct ipp_store *s, const char *name, long long *value,
    char **errp);
/* The text value, malloc'd. */
int ipp_settings_text(struct ipp_store *s, const char *name, char **value,
    char **errp);

/*
 * Changes a setting after checking its kind and range; an unknown name is
 * IPP_ENOTFOUND.  Runs its own transaction.
 */
int ipp_settings_set(struct ipp_store *s, const char *name, const char *value,
    char **errp);

/* Writes name, value, kind, minimum, maximum, description, by name. */
int ipp_settings_list(struct ipp_store *s, struct ipp_tsv_writer *w,
    char **errp);

#endif
