/*
 * Listing and storefront URLs (C1, C3, C5).  libcurl's URL API splits the
 * URL; the rules[] table below then decides what it is.  Each row names a
 * platform, a target, the hosts and the paths it takes, where the id is,
 * and the canonical form.  Adding a URL form is adding a row.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "curl_dl.h"
#include "err.h"
#include "url.h"
#include "banned.h"

#define ID_DIGITS	20	/* longest numeric id (any uint64 fits) */
#define HOST_MAX	253	/* longest DNS name */
#define LABEL_MAX	63	/* longest DNS label */
#define QUOTE_MAX	200	/* bytes of the URL repeated in a message */

enum kind {
	K_LISTING,
	K_STOREFRONT,
	K_STORE_REFUSED,	/* a storefront where only listings go (C3) */
	K_SHORT,		/* a short link: no id until it is expanded */
	K_OTHER,		/* any other page of a known platform */
};

/*
 * hosts: space-separated; "a.b.c" that host, "*.b.c" one label under b.c
 * (the label is the storefront name unless listed in except), ".b.c" b.c
 * and every host under it.  paths: space-separated patterns matched
 * against the whole path as sent, still percent-encoded: '*' any run of
 * characters but '/', "**" any run, "{id}" the id (digits), "{n}" other
 * digits.  The id is the value of params in the query (when several are
 * there, they must agree), else the path's {id}, else the host's label;
 * prefix goes before it.  canonical is the canonical URL with {id} where
 * the id goes.
 */
struct rule {
	const char	*platform;
	const char	*region;	/* lazada's; "" elsewhere */
	enum kind	 kind;
	const char	*hosts;
	const char	*except;	/* labels "*" does not take */
	const char	*paths;
	const char	*params;	/* query parameters: the id, or NULL */
	const char	*prefix;	/* goes before the id, or NULL */
	const char	*canonical;
};

/* Taobao, Tmall and Tmall Global service hosts, never shop names. */
#define TAOBAO_SERVICE "2 ai buyertrade cart consumerservice detail err " \
	"favorite fuwu g guang h5 help i img ip ipp item ju jubao login m " \
	"market member1 mm myseller open pages passport qn rate rule s sell " \
	"seller service shop star tce tmall trade uland upload wangwang " \
	"world www"
#define TMALL_SERVICE "3c brand buy car cart chaoshi detail err fw ju " \
	"list login m mdetail pages register s service top vip www"

#define TAOBAO_ITEM	"https://item.taobao.com/item.htm?id={id}"
#define XIANYU_ITEM	"https://www.goofish.com/item?id={id}"
#define TAOBAO_SELLER	"https://shop.taobao.com/view_shop.htm?" \
	"user_number_id={id}"
#define TMALL_ITEM	"https://detail.tmall.com/item.htm?id={id}"
#define TMALLHK_ITEM	"https://detail.tmall.hk/hk/item.htm?id={id}"
#define ALIEXPRESS_HOSTS "www.aliexpress.com aliexpress.com *.aliexpress.com " \
	"aliexpress.us www.aliexpress.us aliexpress.ru www.aliexpress.ru"

/* Lazada: one host per region, listings only (C1, C3). */
#define LAZADA(r, tld) \
	{ "lazada", r, K_LISTING, "www.lazada." tld " lazada." tld, NULL, \
	  "/products/*-i{id}-s{n}.html /products/*-i{id}.html " \
	  "/products/i{id}-s{n}.html /products/i{id}.html", NULL, NULL, \
	  "https://www.lazada." tld "/products/i{id}.html" }, \
	{ "lazada", r, K_STORE_REFUSED, "www.lazada." tld " lazada." tld, \
	  NULL, "/shop/**", NULL, NULL, NULL }, \
	{ "lazada", r, K_SHORT, "s.lazada." tld, NULL, "**", NULL, NULL, \
	  NULL }, \
	{ "lazada", r, K_OTHER, ".lazada." tld, NULL, NULL, NULL, NULL, NULL }

/*
 * DOMAIN.md's appendix, plus a few mobile forms seen in public code
 * (a.m.taobao.com, shop.m.taobao.com, detail.m.1688.com, m.alibaba.com);
 * url.h lists the canonical forms chosen.  The first row that takes the
 * host and the path decides, so short links come before the hosts they
 * share, and the K_OTHER rows only name the platform in a refusal.
 */
static const struct rule rules[] = {
	{ "taobao", "", K_LISTING, "item.taobao.com", NULL, "/item.htm",
	  "id", NULL, TAOBAO_ITEM },
	{ "taobao", "", K_LISTING, "world.taobao.com", NULL,
	  "/item/{id}.htm", NULL, NULL, TAOBAO_ITEM },
	{ "taobao", "", K_LISTING, "m.intl.taobao.com", NULL,
	  "/detail/detail.html", "id", NULL, TAOBAO_ITEM },
	{ "taobao", "", K_LISTING, "h5.m.taobao.com", NULL, "**",
	  "id itemId", NULL, TAOBAO_ITEM },
	{ "taobao", "", K_LISTING, "a.m.taobao.com", NULL, "/i{id}.htm",
	  NULL, NULL, TAOBAO_ITEM },
	{ "taobao", "", K_LISTING, "2.taobao.com", NULL, "/item.htm",
	  "id", NULL, XIANYU_ITEM },
	{ "taobao", "", K_LISTING, "www.goofish.com goofish.com", NULL,
	  "/item", "id", NULL, XIANYU_ITEM },
	{ "taobao", "", K_STOREFRONT, "shop.taobao.com", NULL,
	  "/view_shop.htm", "user_number_id", NULL, TAOBAO_SELLER },
	{ "taobao", "", K_STOREFRONT, "shop.m.taobao.com", NULL,
	  "/shop/shop_index.htm", "shop_id", "shop",
	  "https://{id}.taobao.com/" },
	{ "taobao", "", K_STOREFRONT, "shop.m.taobao.com", NULL,
	  "/shop/shop_index.htm", "user_id", NULL, TAOBAO_SELLER },
	{ "taobao", "", K_STOREFRONT, "*.taobao.com", TAOBAO_SERVICE, "**",
	  NULL, NULL, "https://{id}.taobao.com/" },
	{ "taobao", "", K_SHORT, "m.tb.cn tb.cn", NULL, "**",
	  NULL, NULL, NULL },
	{ "taobao", "", K_OTHER, ".taobao.com .goofish.com", NULL, NULL,
	  NULL, NULL, NULL },

	{ "tmall", "", K_LISTING,
	  "detail.tmall.com chaoshi.detail.tmall.com detail.m.tmall.com", NULL,
	  "/item.htm", "id", NULL, TMALL_ITEM },
	{ "tmall", "", K_STOREFRONT, "*.tmall.com *.m.tmall.com",
	  TMALL_SERVICE, "**", NULL, NULL, "https://{id}.tmall.com/" },
	{ "tmall", "", K_OTHER, ".tmall.com", NULL, NULL, NULL, NULL, NULL },

	{ "tmall-global", "", K_LISTING, "detail.tmall.hk detail.m.tmall.hk",
	  NULL, "/hk/item.htm /item.htm", "id", NULL, TMALLHK_ITEM },
	{ "tmall-global", "", K_STOREFRONT, "*.tmall.hk *.m.tmall.hk",
	  TMALL_SERVICE, "**", NULL, NULL, "https://{id}.tmall.hk/" },
	{ "tmall-global", "", K_OTHER, ".tmall.hk", NULL, NULL, NULL, NULL,
	  NULL },

	{ "1688", "", K_LISTING, "detail.1688.com m.1688.com", NULL,
	  "/offer/{id}.html", NULL, NULL,
	  "https://detail.1688.com/offer/{id}.html" },
	{ "1688", "", K_LISTING, "detail.m.1688.com", NULL, "/page/index.html",
	  "offerId", NULL, "https://detail.1688.com/offer/{id}.html" },
	{ "1688", "", K_SHORT, "qr.1688.com", NULL, "/s/**", NULL, NULL, NULL },
	{ "1688", "", K_STORE_REFUSED, "*.1688.com",
	  "air detail login m page qr s show work www", "**", NULL, NULL,
	  NULL },
	{ "1688", "", K_OTHER, ".1688.com", NULL, NULL, NULL, NULL, NULL },

	{ "alibaba", "", K_LISTING,
	  "www.alibaba.com alibaba.com *.alibaba.com", NULL,
	  "/product-detail/*_{id}.html", NULL, NULL,
	  "https://www.alibaba.com/product-detail/_{id}.html" },
	{ "alibaba", "", K_LISTING, "m.alibaba.com", NULL,
	  "/product/{id}/*.html", NULL, NULL,
	  "https://www.alibaba.com/product-detail/_{id}.html" },
	{ "alibaba", "", K_STORE_REFUSED, "*.en.alibaba.com", NULL, "**",
	  NULL, NULL, NULL },
	{ "alibaba", "", K_OTHER, ".alibaba.com", NULL, NULL, NULL, NULL,
	  NULL },

	{ "aliexpress", "", K_SHORT, "s.click.aliexpress.com", NULL, "/e/**",
	  NULL, NULL, NULL },
	{ "aliexpress", "", K_SHORT, "a.aliexpress.com", NULL, "/_*",
	  NULL, NULL, NULL },
	{ "aliexpress", "", K_LISTING, ALIEXPRESS_HOSTS, "login",
	  "/item/{id}.html /i/{id}.html /item/*/{id}.html", NULL, NULL,
	  "https://www.aliexpress.com/item/{id}.html" },
	{ "aliexpress", "", K_STORE_REFUSED, ALIEXPRESS_HOSTS, "login",
	  "/store/**", NULL, NULL, NULL },
	{ "aliexpress", "", K_OTHER, ".aliexpress.com .aliexpress.us "
	  ".aliexpress.ru", NULL, NULL, NULL, NULL, NULL },

	LAZADA("sg", "sg"),
	LAZADA("id", "co.id"),
	LAZADA("my", "com.my"),
	LAZADA("th", "co.th"),
	LAZADA("ph", "com.ph"),
	LAZADA("vn", "vn"),
	{ "lazada", "", K_OTHER, ".lazada.com", NULL, NULL, NULL, NULL, NULL },
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))

/*
 * Where a redirect lands when a listing is gone (C6).  Guesses from
 * public code, to be confirmed against the live sites; the store's
 * gone_page_PLATFORM settings override them.  Where nothing is known,
 * only 404 and 410 say gone.
 */
static const struct {
	const char	*platform;
	const char	*path;
} gone_pages[] = {
	{ "taobao", "/auction/noitem.htm" },
	{ "tmall", "/auction/noitem.htm" },
	{ "tmall-global", "/auction/noitem.htm" },
};

static const char *const platforms[] = { "taobao", "tmall", "tmall-global",
	"1688", "alibaba", "aliexpress", "lazada" };
static const char *const lazada_regions[] = { "sg", "id", "my", "th", "ph",
	"vn" };

/* What libcurl split out of the URL: host in lower case, path and query
 * as libcurl returned them (freed with its curl_free). */
struct parts {
	char			 host[HOST_MAX + 1];
	char			*path;
	char			*query;	/* NULL when none */
	const struct ipp_curl	*c;
};

/* A run of the path or the query. */
struct span {
	const char	*s;
	size_t		 n;
};

/* ASCII only: <ctype.h> follows the locale. */
static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
to_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* The URL for a message: at most QUOTE_MAX bytes, anything but printable
 * ASCII shown as '?' so that a message cannot carry terminal controls. */
static void
quote(const char *text, char *q, size_t size)
{
	size_t i;

	for (i = 0; text[i] != '\0' && i < QUOTE_MAX && i + 4 < size; i++)
		q[i] = text[i] >= 0x20 && text[i] < 0x7f ? text[i] : '?';
	if (text[i] != '\0' && i + 4 <= size) {
		memcpy(q + i, "...", 3);
		i += 3;
	}
	q[i] = '\0';
}

static int
refuse(char **errp, const char *text, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "'URL': why (rule Cn)". */
static int
refuse(char **errp, const char *text, const char *fmt, ...)
{
	char q[QUOTE_MAX + 4], why[256];
	va_list ap;

	if (errp == NULL)
		return IPP_EREFUSED;
	quote(text, q, sizeof(q));
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return ipp_error(errp, IPP_EREFUSED, "'%s': %s", q, why);
}

/*
 * The length of text's scheme ("https" in "https://..."), or 0 when it
 * has none.  A name with a dot before the colon is a host and a port
 * ("item.taobao.com:443/..."): no scheme that matters has a dot.
 */
static size_t
scheme_len(const char *s)
{
	size_t i;

	if (!is_alpha((unsigned char)s[0]))
		return 0;
	for (i = 1; is_alpha((unsigned char)s[i]) ||
	    is_digit((unsigned char)s[i]) || s[i] == '+' || s[i] == '-'; i++)
		;
	return s[i] == ':' ? i : 0;
}

/*
 * Checks what libcurl would take otherwise (blanks, controls, the
 * backslash browsers read as '/') and gives libcurl an explicit
 * scheme: people paste "item.taobao.com/item.htm?id=1".
 */
static int
prepare(const char *text, char *buf, int *https, char **errp)
{
	const unsigned char *p;
	char scheme[21];
	size_t len, n, i;

	if ((len = strnlen(text, IPP_URL_MAX + 1)) == 0)
		return ipp_error(errp, IPP_EREFUSED, "empty URL (rule C5)");
	if (len > IPP_URL_MAX)
		return refuse(errp, text, "longer than %d bytes (rule C5)",
		    IPP_URL_MAX);
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p <= ' ' || *p == 0x7f)
			return refuse(errp, text, "contains a space or a "
			    "control character (rule C5)");
		if (*p == '\\')
			return refuse(errp, text, "contains a backslash "
			    "(rule C5)");
	}
	n = scheme_len(text);
	*https = 1;
	if (n == 4 && strncasecmp(text, "http", 4) == 0)
		*https = 0;
	else if (n != 0 && (n != 5 || strncasecmp(text, "https", 5) != 0)) {
		for (i = 0; i < n && i < sizeof(scheme) - 1; i++)
			scheme[i] = (char)to_lower((unsigned char)text[i]);
		scheme[i] = '\0';
		return refuse(errp, text, "the scheme '%s' is not http or "
		    "https (rule C5)", scheme);
	}
	/* buf holds IPP_URL_MAX bytes after "https://". */
	n = n != 0 ? 0 : strncmp(text, "//", 2) == 0 ? 6 : 8;
	memcpy(buf, "https://", n);
	memcpy(buf + n, text, len + 1);
	return IPP_OK;
}

static void
release(struct parts *p)
{
	if (p->c == NULL)
		return;
	p->c->free(p->path);
	p->c->free(p->query);
	p->path = p->query = NULL;
}

/* Refuses an IP address, a punycode name or anything but a-z 0-9 - . */
static int
check_host(const char *text, const char *host, char **errp)
{
	const char *s, *label;
	int digits = 1;

	if (host[0] == '[')
		return refuse(errp, text, "the host is an IP address, not a "
		    "marketplace host (rule C5)");
	/* The characters first: the messages below show the host. */
	for (s = host; *s != '\0'; s++)
		if (!is_digit((unsigned char)*s) && *s != '-' && *s != '.' &&
		    (*s < 'a' || *s > 'z'))
			return refuse(errp, text, "the host has characters "
			    "other than a-z, 0-9, '-' and '.' (rule C5)");
	for (s = label = host; ; s++) {
		if (*s != '.' && *s != '\0') {
			digits &= is_digit((unsigned char)*s);
			continue;
		}
		if (s == label || s - label > LABEL_MAX)
			return refuse(errp, text, "the host '%.64s' is not a "
			    "valid name (rule C5)", host);
		if (strncmp(label, "xn--", 4) == 0)
			return refuse(errp, text, "the host '%.64s' is an "
			    "internationalised (punycode) name, not a "
			    "marketplace host (rule C5)", host);
		if (*s == '\0')
			break;
		label = s + 1;
		digits = 1;
	}
	/* No top-level domain is all digits: 127.0.0.1, or 2130706433. */
	if (digits)
		return refuse(errp, text, "the host is an IP address, not a "
		    "marketplace host (rule C5)");
	return IPP_OK;
}

/* Refuses credentials and ports other than the scheme's own. */
static int
check_authority(const char *text, const struct ipp_curl *c, CURLU *h,
    int https, char **errp)
{
	char *s = NULL;
	int ok;

	CURLUcode uc;

	/* Out of memory must not pass for "no credentials" or "no port". */
	if ((uc = c->url_get(h, CURLUPART_USER, &s, 0)) != CURLUE_OK &&
	    uc != CURLUE_OUT_OF_MEMORY)
		uc = c->url_get(h, CURLUPART_PASSWORD, &s, 0);
	if (uc == CURLUE_OUT_OF_MEMORY)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	if (uc == CURLUE_OK) {
		c->free(s);
		return refuse(errp, text, "a URL with a user name or password "
		    "is refused (rule C5)");
	}
	if ((uc = c->url_get(h, CURLUPART_PORT, &s, 0)) == CURLUE_OUT_OF_MEMORY)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	if (uc != CURLUE_OK)
		return IPP_OK;
	ok = strcmp(s, https ? "443" : "80") == 0;
	if (!ok)
		refuse(errp, text, "port %.8s: only the scheme's default port "
		    "is accepted (rule C5)", s);
	c->free(s);
	return ok ? IPP_OK : IPP_EREFUSED;
}

/* Splits buf with libcurl into p (release it), checking the authority. */
static int
split(const char *text, const char *buf, int https, struct parts *p,
    char **errp)
{
	const struct ipp_curl *c;
	CURLUcode uc;
	CURLU *h;
	char *host, why[128];
	size_t i, n;
	int rc;

	if ((rc = ipp_curl_url_handle(&h, errp)) != IPP_OK ||
	    (rc = ipp_curl_load(&c, errp)) != IPP_OK)
		return rc;
	p->c = c;
	if ((uc = c->url_set(h, CURLUPART_URL, buf, 0)) != CURLUE_OK) {
		if (uc == CURLUE_OUT_OF_MEMORY)
			return ipp_error(errp, IPP_ESYS, "out of memory");
		snprintf(why, sizeof(why), "%s", c->url_strerror(uc));
		why[0] = (char)to_lower((unsigned char)why[0]);
		return refuse(errp, text, "not a well-formed URL: %s (rule C5)",
		    why);
	}
	if ((rc = check_authority(text, c, h, https, errp)) != IPP_OK)
		return rc;
	if ((uc = c->url_get(h, CURLUPART_HOST, &host, 0)) ==
	    CURLUE_OUT_OF_MEMORY)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	if (uc != CURLUE_OK)
		return refuse(errp, text, "no host (rule C5)");
	n = strlen(host);
	if (n > 0 && host[n - 1] == '.')
		n--;
	if (n > HOST_MAX) {
		c->free(host);
		return refuse(errp, text, "the host name is too long "
		    "(rule C5)");
	}
	for (i = 0; i < n; i++)
		p->host[i] = (char)to_lower((unsigned char)host[i]);
	p->host[n] = '\0';
	c->free(host);
	if ((rc = check_host(text, p->host, errp)) != IPP_OK)
		return rc;
	if (c->url_get(h, CURLUPART_PATH, &p->path, 0) != CURLUE_OK)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	uc = c->url_get(h, CURLUPART_QUERY, &p->query, 0);
	if (uc != CURLUE_OK && uc != CURLUE_NO_QUERY)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	return IPP_OK;
}

/* The next space-separated word of *list, advancing it; 0 at the end. */
static int
word(const char **list, struct span *w)
{
	const char *s = *list;

	while (*s == ' ')
		s++;
	if (*s == '\0')
		return 0;
	w->s = s;
	while (*s != ' ' && *s != '\0')
		s++;
	w->n = (size_t)(s - w->s);
	*list = s;
	return 1;
}

static int
in_list(const char *list, const char *s, size_t n)
{
	struct span w;

	while (list != NULL && word(&list, &w))
		if (w.n == n && memcmp(w.s, s, n) == 0)
			return 1;
	return 0;
}

/* 1 when host is one of r's hosts; label is what a "*" took, if any. */
static int
host_match(const struct rule *r, const char *host, size_t hn,
    struct span *label)
{
	const char *list = r->hosts, *dot;
	struct span w;
	size_t ln;

	label->s = NULL;
	label->n = 0;
	while (word(&list, &w)) {
		if (w.s[0] == '*') {
			/* "*.suffix": one label, then the suffix. */
			if (hn < w.n || memcmp(host + hn - (w.n - 1), w.s + 1,
			    w.n - 1) != 0)
				continue;
			ln = hn - (w.n - 1);
			dot = memchr(host, '.', ln);
			if (dot != NULL || in_list(r->except, host, ln))
				continue;
			label->s = host;
			label->n = ln;
			return 1;
		}
		if (w.s[0] == '.') {
			/* ".domain": the domain and anything under it. */
			if ((hn == w.n - 1 && memcmp(host, w.s + 1, hn) == 0) ||
			    (hn > w.n &&
			    memcmp(host + hn - w.n, w.s, w.n) == 0))
				return 1;
			continue;
		}
		if (hn == w.n && memcmp(host, w.s, hn) == 0)
			return 1;
	}
	return 0;
}

/* Matches s against pattern [p, pe); id gets what {id} took. */
static int
glob(const char *p, const char *pe, const char *s, struct span *id)
{
	const char *t;
	int deep;

	for (; p < pe; p++) {
		if (*p == '*') {
			if ((deep = p + 1 < pe && p[1] == '*'))
				p++;
			for (t = s; ; t++) {
				if (glob(p + 1, pe, t, id))
					return 1;
				if (*t == '\0' || (!deep && *t == '/'))
					return 0;
			}
		}
		if (*p == '{') {
			for (t = s; is_digit((unsigned char)*t); t++)
				;
			if (t == s)
				return 0;
			if (p[1] == 'i') {
				id->s = s;
				id->n = (size_t)(t - s);
			}
			p = memchr(p, '}', (size_t)(pe - p));
			s = t;
			continue;
		}
		if (*s != *p)
			return 0;
		s++;
	}
	return *s == '\0';
}

static int
path_match(const char *list, const char *path, struct span *id)
{
	struct span w;

	id->s = NULL;
	id->n = 0;
	while (word(&list, &w))
		if (glob(w.s, w.s + w.n, path, id))
			return 1;
	return 0;
}

/*
 * The value of the first of params in query; two different values are
 * ambiguous.  Returns 1 found, 0 none, -1 ambiguous (both in *v, *v2).
 */
static int
query_id(const char *query, const char *params, struct span *v,
    struct span *v2)
{
	const char *s = query, *e, *eq;

	v->s = NULL;
	v->n = 0;
	while (s != NULL && *s != '\0') {
		if ((e = strchr(s, '&')) == NULL)
			e = s + strlen(s);
		if ((eq = memchr(s, '=', (size_t)(e - s))) == NULL)
			eq = e;
		if (in_list(params, s, (size_t)(eq - s))) {
			v2->s = eq < e ? eq + 1 : e;
			v2->n = (size_t)(e - v2->s);
			if (v->s == NULL)
				*v = *v2;
			else if (v->n != v2->n ||
			    memcmp(v->s, v2->s, v->n) != 0)
				return -1;
		}
		s = *e == '&' ? e + 1 : NULL;
	}
	return v->s != NULL;
}

/* A value for a message: 24 bytes at most, printable ASCII only. */
static void
show(const struct span *v, char *out, size_t size)
{
	size_t i;

	for (i = 0; i < v->n && i < 24 && i + 4 < size; i++)
		out[i] = v->s[i] >= 0x20 && v->s[i] < 0x7f ? v->s[i] : '?';
	if (i < v->n && i + 4 <= size) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
}

/* Why id is not a usable number ("" when it is), leading zeros dropped. */
static void
check_number(struct span *id, char *why, size_t size)
{
	char v[32];
	size_t i;

	why[0] = '\0';
	for (i = 0; i < id->n; i++)
		if (!is_digit((unsigned char)id->s[i])) {
			show(id, v, sizeof(v));
			snprintf(why, size, "the id '%s' is not a number "
			    "(rule C5)", v);
			return;
		}
	while (id->n > 1 && id->s[0] == '0') {
		id->s++;
		id->n--;
	}
	if (id->n == 0)
		snprintf(why, size, "no id: the id is empty (rule C5)");
	else if (id->n > ID_DIGITS)
		snprintf(why, size, "the id has more than %d digits (rule C5)",
		    ID_DIGITS);
	else if (id->n == 1 && id->s[0] == '0')
		snprintf(why, size, "the id is 0 (rule C5)");
}

/* Finds r's id in p; fills why ("" when found). */
static void
find_id(const struct rule *r, const struct parts *p, const struct span *label,
    struct span *id, char *why, size_t size)
{
	struct span other;
	char v1[32], v2[32];
	int found;

	why[0] = '\0';
	if (r->params != NULL) {
		found = query_id(p->query, r->params, id, &other);
		if (found == 0) {
			snprintf(why, size, "no id: the %s's id is the '%s' "
			    "query parameter (rule C5)", r->kind == K_LISTING ?
			    "listing" : "shop", r->params);
			return;
		}
		if (found < 0) {
			show(id, v1, sizeof(v1));
			show(&other, v2, sizeof(v2));
			snprintf(why, size, "two different ids ('%s' and "
			    "'%s'): ambiguous (rule C5)", v1, v2);
			return;
		}
	} else if (id->s == NULL) {
		/* The shop's name, the host's first label (check_host
		 * vetted its characters). */
		*id = *label;
		if (label->s[0] == '-' || label->s[label->n - 1] == '-')
			snprintf(why, size, "'%.*s' is not a shop name "
			    "(rule C5)", (int)label->n, label->s);
		return;
	}
	check_number(id, why, size);
}

/* Appends n bytes of s to out (size bytes, *len in use), as many as fit;
 * snprintf would cost a fifth of the parse. */
static void
put(char *out, size_t size, size_t *len, const char *s, size_t n)
{
	if (n > size - 1 - *len)
		n = size - 1 - *len;
	if (n == 0)
		return;
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
}

static void
put_str(char *out, size_t size, const char *s)
{
	size_t len = 0;

	put(out, size, &len, s, strlen(s));
}

static void
fill(struct ipp_url *u, const struct rule *r, const struct span *id)
{
	const char *at = strstr(r->canonical, "{id}");
	size_t pn = r->prefix != NULL ? strlen(r->prefix) : 0, len = 0;

	put_str(u->platform, sizeof(u->platform), r->platform);
	put_str(u->region, sizeof(u->region), r->region);
	put_str(u->target, sizeof(u->target), r->kind == K_LISTING ?
	    "listing" : "storefront");
	put(u->id, sizeof(u->id), &len, r->prefix, pn);
	put(u->id, sizeof(u->id), &len, id->s, id->n);
	/* The canonical URL: the template with {id} replaced. */
	len = 0;
	put(u->canonical, sizeof(u->canonical), &len, r->canonical,
	    (size_t)(at - r->canonical));
	put(u->canonical, sizeof(u->canonical), &len, u->id, strlen(u->id));
	put(u->canonical, sizeof(u->canonical), &len, at + 4, strlen(at + 4));
}

/*
 * Every host a rule takes ends in the last two labels of one of its
 * patterns ("taobao.com", "co.th").  A hash of those two labels, as a bit
 * in a 64-bit mask per rule, skips most rules with one AND; a collision
 * only costs the full comparison.  Built on first use.
 */
static uint64_t key_masks[NRULES];
static int indexed;

static uint64_t
key_bit(const char *s, size_t n)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	size_t i, dots = 0;

	for (i = n; i > 0; i--)
		if (s[i - 1] == '.' && ++dots == 2)
			break;
	for (; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return (uint64_t)1 << (h % 64);
}

static void
index_rules(void)
{
	const char *list;
	struct span w;
	size_t i;

	for (i = 0; i < NRULES; i++)
		for (list = rules[i].hosts; word(&list, &w); )
			key_masks[i] |= key_bit(w.s, w.n);
	indexed = 1;
}

static int
match(const char *text, const struct parts *p, struct ipp_url *u,
    char **errp)
{
	const struct rule *r, *known = NULL;
	struct span label, id;
	char why[160], first[160] = "";
	size_t hn = strlen(p->host);
	uint64_t bit;

	if (!indexed)
		index_rules();
	bit = key_bit(p->host, hn);
	for (r = rules; r < rules + NRULES; r++) {
		if ((key_masks[r - rules] & bit) == 0 ||
		    !host_match(r, p->host, hn, &label))
			continue;
		if (known == NULL)
			known = r;
		if (r->kind == K_OTHER || !path_match(r->paths, p->path, &id))
			continue;
		if (r->kind == K_SHORT)
			return refuse(errp, text, "a short link carries no id: "
			    "open it and use the address it leads to "
			    "(rule C5)");
		if (r->kind == K_STORE_REFUSED)
			return refuse(errp, text, "a storefront: %s takes "
			    "complaints against listings only (rule C3)",
			    r->platform);
		find_id(r, p, &label, &id, why, sizeof(why));
		if (why[0] == '\0') {
			fill(u, r, &id);
			return IPP_OK;
		}
		if (first[0] == '\0')
			memcpy(first, why, sizeof(first));
	}
	if (first[0] != '\0')
		return refuse(errp, text, "%s", first);
	if (known != NULL)
		return refuse(errp, text, "not the address of a listing%s on "
		    "%s (rule C5)",
		    ipp_url_storefront_allowed(known->platform) ?
		    " or storefront" : "", known->platform);
	return refuse(errp, text, "'%.64s' is not a host of taobao, tmall, "
	    "tmall-global, 1688, alibaba, aliexpress or lazada (rule C5)",
	    p->host);
}

int
ipp_url_parse(const char *text, struct ipp_url *u, char **errp)
{
	char buf[IPP_URL_MAX + sizeof("https://")];
	struct parts p;
	int https, rc;

	memset(u, 0, sizeof(*u));
	if (text == NULL)
		return ipp_error(errp, IPP_EREFUSED, "empty URL (rule C5)");
	if ((rc = prepare(text, buf, &https, errp)) != IPP_OK)
		return rc;
	p.c = NULL;
	p.path = p.query = NULL;
	if ((rc = split(text, buf, https, &p, errp)) == IPP_OK)
		rc = match(text, &p, u, errp);
	release(&p);
	if (rc != IPP_OK)
		memset(u, 0, sizeof(*u));
	return rc;
}

int
ipp_url_platform_valid(const char *platform, const char *region)
{
	size_t i;
	int lazada;

	if (platform == NULL)
		return 0;
	lazada = strcmp(platform, "lazada") == 0;
	for (i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
		if (strcmp(platform, platforms[i]) == 0)
			break;
	if (i == sizeof(platforms) / sizeof(platforms[0]))
		return 0;
	if (!lazada)
		return region == NULL || region[0] == '\0';
	for (i = 0; region != NULL && i < sizeof(lazada_regions) /
	    sizeof(lazada_regions[0]); i++)
		if (strcmp(region, lazada_regions[i]) == 0)
			return 1;
	return 0;
}

int
ipp_url_storefront_allowed(const char *platform)
{
	return platform != NULL && (strcmp(platform, "taobao") == 0 ||
	    strcmp(platform, "tmall") == 0 ||
	    strcmp(platform, "tmall-global") == 0);
}

const char *
ipp_url_gone_page(const char *platform)
{
	size_t i;

	for (i = 0; platform != NULL &&
	    i < sizeof(gone_pages) / sizeof(gone_pages[0]); i++)
		if (strcmp(platform, gone_pages[i].platform) == 0)
			return gone_pages[i].path;
	return NULL;
}
