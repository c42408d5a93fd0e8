/*
 * The standalone takedown form (C12): for reporters without an account.
 * At most form_max_urls (10) listing URLs a notice; an email that belongs
 * to an account is refused and pointed to ipp-complain new.
 */
#ifndef IPP_NOTICE_H
#define IPP_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct ipp_notice_request {
	const char	*email;			/* the reporter's */
	const char	*name;			/* the reporter's name */
	const char	*platform;		/* C1 */
	const char	*region;		/* lazada only */
	const char	*right_description;	/* which right, whose */
	const char	*reason;		/* catalog code (C4) */
	char *const	*urls;			/* 1..10 listing URLs */
	size_t		 nurls;
};

/* Checks and stores a notice; *notice_id gets its id. */
int ipp_notice_file(struct ipp_store *s, const struct ipp_notice_request *r,
    int64_t *notice_id, char **errp);

#endif
