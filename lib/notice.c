#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "clock.h"
#include "complaint.h"
#include "err.h"
#include "notice.h"
#include "reason.h"
#include "settings.h"
#include "url.h"
#include "banned.h"

static int
check_fields(struct ipp_store *s, const struct ipp_notice_request *r,
    char **errp)
{
	struct ipp_reason reason;
	int64_t account;
	int rc;

	if ((rc = ipp_account_check_email(r->email, "the reporter's email",
	    errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_account_find(s, r->email, &account, errp)) != IPP_OK)
		return rc;
	if (account != 0)
		return ipp_error(errp, IPP_EREFUSED, "'%s' belongs to a "
		    "registered account: registered users file with "
		    "'ipp-complain new' (rules C12, C1-C9)", r->email);
	if (r->name == NULL || *r->name == '\0' || r->right_description == NULL ||
	    ipp_complaint_chars(r->right_description) < 10)
		return ipp_error(errp, IPP_EREFUSED, "the form needs the "
		    "reporter's name and a description of the right of at "
		    "least 10 characters (rule C12)");
	if ((rc = ipp_complaint_check_region(r->region, errp)) != IPP_OK)
		return rc;
	if (r->platform == NULL || !ipp_url_platform_valid(r->platform,
	    r->region))
		return ipp_error(errp, IPP_EREFUSED, "platform '%s' is not one "
		    "of the marketplaces, or lazada lacks its region (rule C1)",
		    r->platform ? r->platform : "");
	if ((rc = ipp_reason_get(s, r->reason ? r->reason : "", &reason,
	    errp)) != IPP_OK)
		return rc;
	if (strcmp(reason.target, "listing") != 0)
		return ipp_error(errp, IPP_EREFUSED, "the form reports listings; "
		    "'%s' is a storefront reason (rules C3, C12)", reason.code);
	return IPP_OK;
}

/* Parses the URLs: each a listing of the platform, each once. */
static int
check_urls(const struct ipp_notice_request *r, struct ipp_url *urls,
    char **errp)
{
	char *why = NULL;
	size_t i, k;
	int rc;

	for (i = 0; i < r->nurls; i++) {
		if ((rc = ipp_url_parse(r->urls[i], &urls[i], &why)) != IPP_OK) {
			/* Its status: a refusal, or memory, or libcurl. */
			rc = ipp_error(errp, rc, "URL %zu: %s", i + 1,
			    why ? why : "refused");
			free(why);
			return rc;
		}
		if (strcmp(urls[i].platform, r->platform) != 0 ||
		    strcmp(urls[i].target, "listing") != 0)
			return ipp_error(errp, IPP_EREFUSED, "URL %zu: not a %s "
			    "listing (rules C1, C3)", i + 1, r->platform);
		/* Lazada's region is its host's TLD (C1, C5). */
		if (r->region != NULL && strcmp(urls[i].region, r->region) != 0)
			return ipp_error(errp, IPP_EREFUSED, "URL %zu: a %s-%s "
			    "listing in a %s-%s notice (rules C1, C5, C12)", i + 1,
			    urls[i].platform, urls[i].region, r->platform,
			    r->region);
		for (k = 0; k < i; k++)
			if (strcmp(urls[k].canonical, urls[i].canonical) == 0)
				return ipp_error(errp, IPP_EREFUSED, "URL %zu: the "
				    "same listing as URL %zu (rule C5)", i + 1,
				    k + 1);
	}
	return IPP_OK;
}

static int
insert(struct ipp_store *s, const struct ipp_notice_request *r,
    const struct ipp_url *urls, int64_t *id, char **errp)
{
	static const char notice_sql[] = "INSERT INTO notices (email, name,"
	    " platform, region, right_description, reason, created_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)";
	static const char url_sql[] = "INSERT INTO notice_urls (notice_id,"
	    " canonical_url, url) VALUES (?, ?, ?)";
	char now[IPP_TIME_LEN + 1];
	size_t i;
	int rc;

	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_store_run(s, notice_sql, "cannot file the notice", errp,
	    "ttttttt", r->email, r->name, r->platform, r->region,
	    r->right_description, r->reason, now)) != IPP_OK)
		return rc;
	*id = ipp_store_last_id(s);
	for (i = 0; i < r->nurls; i++)
		if ((rc = ipp_store_run(s, url_sql, "cannot file the notice",
		    errp, "itt", *id, urls[i].canonical, r->urls[i])) != IPP_OK)
			return rc;
	return IPP_OK;
}

int
ipp_notice_file(struct ipp_store *s, const struct ipp_notice_request *r,
    int64_t *id, char **errp)
{
	struct ipp_url *urls;
	long long max;
	int rc;

	if ((rc = ipp_settings_int(s, "form_max_urls", &max, errp)) ||
	    (rc = check_fields(s, r, errp)) != IPP_OK)
		return rc;
	if (r->nurls == 0 || (long long)r->nurls > max)
		return ipp_error(errp, IPP_EREFUSED, "the takedown form takes 1 "
		    "to %lld URLs, not %zu: register and use 'ipp-complain new' "
		    "for more (rule C12)", max, r->nurls);
	if ((urls = calloc(r->nurls, sizeof(*urls))) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	if ((rc = check_urls(r, urls, errp)) == IPP_OK &&
	    (rc = ipp_store_begin(s, errp)) == IPP_OK) {
		if ((rc = insert(s, r, urls, id, errp)) == IPP_OK)
			rc = ipp_store_commit(s, errp);
		else
			ipp_store_rollback(s);
	}
	free(urls);
	return rc;
}
