/*
 * Listing and storefront URLs (C1, C3, C5; DOMAIN.md's appendix).
 *
 * Recognises the platform (and Lazada's region), the target and the
 * listing or shop id of every URL form the marketplaces use, and gives
 * the canonical form: https, the desktop host, the id and nothing else.
 * Two spellings of one listing have one canonical URL, and a canonical
 * URL is its own canonical form.  URLs are split by libcurl's URL API
 * (loaded on first use); the platform rules are a table, not code.
 */
#ifndef IPP_URL_H
#define IPP_URL_H

#include <stddef.h>

#define IPP_URL_MAX 2048	/* longest URL accepted, in bytes */

struct ipp_url {
	char	platform[16];	/* taobao tmall tmall-global 1688 alibaba aliexpress lazada */
	char	region[4];	/* lazada: sg id my th ph vn; "" elsewhere */
	char	target[12];	/* listing or storefront */
	char	id[128];	/* listing id, shop id or shop name */
	char	canonical[256];	/* https://host/path?id=N */
};

/*
 * Parses text.  IPP_OK fills *u; IPP_EREFUSED says why in *errp, naming
 * the rule: unknown host, wrong path, no id, a storefront where only
 * listings are allowed (C3), a short link to expand first, not http(s).
 */
int ipp_url_parse(const char *text, struct ipp_url *u, char **errp);

/* 1 when platform (and region, for lazada) names a known platform (C1). */
int ipp_url_platform_valid(const char *platform, const char *region);

/* 1 when the platform takes storefront complaints (C3). */
int ipp_url_storefront_allowed(const char *platform);

/*
 * The path prefix of the platform's "item not found" page: a live check
 * redirected there means the listing is gone (C6).  NULL when unknown.
 */
const char *ipp_url_gone_page(const char *platform);

#endif
