/*
 * Listing and storefront URLs (C1, C3, C5; DOMAIN.md's appendix).
 *
 * Recognises the platform (and Lazada's region), the target and the
 * listing or shop id of every URL form the marketplaces use, and gives
 * the canonical form: https, the desktop host, the id and nothing else.
 * Two spellings of one listing have one canonical URL, and a canonical
 * URL is its own canonical form.  URLs are split by libcurl's URL API
 * (loaded on first use); the platform rules are a table, not code
 * (rules[] in url.c, which owns the appendix).
 *
 * Canonical forms chosen where the appendix leaves a choice:
 * - Xianyu (2.taobao.com, goofish.com), platform taobao, keeps its own
 *   host, its ids not being Taobao item ids:
 *   https://www.goofish.com/item?id=N
 * - Tmall Global: https://detail.tmall.hk/hk/item.htm?id=N
 * - Alibaba.com drops the slug, the site finding a product by its id:
 *   https://www.alibaba.com/product-detail/_N.html
 * - Lazada: https://www.lazada.TLD/products/iN.html
 * - Taobao shops: https://NAME.taobao.com/ (id NAME, e.g. shop105441427),
 *   or https://shop.taobao.com/view_shop.htm?user_number_id=N (id N).
 * A URL without a scheme is taken as https ("item.taobao.com/..."); a
 * default port, a trailing dot and upper case in the host, the fragment
 * and every query parameter but the id are dropped.  Numeric ids lose
 * their leading zeros and have at most 20 digits.
 *
 * Not thread-safe: parsing reuses one libcurl URL handle, which
 * ipp_curl_unload frees (see curl_dl.h).
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
 * Parses text.  IPP_OK fills *u; IPP_EREFUSED says why in *errp as
 * "'URL': reason (rule C5)", the URL cut to 200 bytes and shown in
 * printable ASCII: empty, too long, a blank, control character or
 * backslash, a scheme other than http(s), credentials, a port other than
 * the default, an IP address or punycode host, an unknown host, a wrong
 * path, no id, a malformed, overlong or ambiguous (two different) id, a
 * storefront where only listings are allowed (rule C3), a short link to
 * expand first.  On refusal *u is zeroed.  IPP_ENET when libcurl cannot
 * be loaded.
 */
int ipp_url_parse(const char *text, struct ipp_url *u, char **errp);

/* 1 when platform (and region, for lazada) names a known platform (C1). */
int ipp_url_platform_valid(const char *platform, const char *region);

/* 1 when the platform takes storefront complaints (C3). */
int ipp_url_storefront_allowed(const char *platform);

/*
 * The path prefix of the platform's "item not found" page: a live check
 * redirected there means the listing is gone (C6).  NULL when unknown
 * (then only 404 and 410 say gone).  Guesses from public code, not yet
 * confirmed against the sites: the store's gone_page_PLATFORM settings
 * override them.
 */
const char *ipp_url_gone_page(const char *platform);

#endif
