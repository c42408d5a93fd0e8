/*
 * urlbench: canonical forms of N URLs (default 1,000,000), timed.  The
 * URLs are made up front in memory, one spelling of every form in the
 * URL table (DOMAIN.md's appendix) in turn, most with tracking
 * parameters, so that only parsing is measured.  Prints
 *
 *	urlbench: 1000000 URLs in 0.812 s: 1231527 URLs/s
 *
 * and with -v where the time goes: libcurl splitting alone
 * (curl_url_set), splitting and reading the parts back (curl_url_get),
 * and the whole of ipp_url_parse, each as nanoseconds a URL.  Exits 1
 * when a URL it made is refused, so a broken parser cannot look fast.
 * Usage: urlbench [-v] [-n N]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "curl_dl.h"
#include "err.h"
#include "url.h"
#include "banned.h"

/* %u is a listing number; every form of the appendix, mobile hosts and
 * tracking parameters included. */
static const char *const forms[] = {
	"https://item.taobao.com/item.htm?spm=a230r.1.14.16.5b1c3a9fK&id=%u"
	    "&ns=1&abbucket=7",
	"http://item.taobao.com/item.htm?id=%u",
	"https://world.taobao.com/item/%u.htm?spm=a21wu.241046",
	"https://m.intl.taobao.com/detail/detail.html?id=%u&scm=1007.12144",
	"https://h5.m.taobao.com/awp/core/detail.htm?itemId=%u&pvid=9d3f",
	"https://2.taobao.com/item.htm?id=%u",
	"https://www.goofish.com/item?spm=a21ybx.home&id=%u",
	"https://shop%u.taobao.com/?spm=a1z10.1-c",
	"https://shop.taobao.com/view_shop.htm?user_number_id=%u",
	"https://detail.tmall.com/item.htm?id=%u&skuId=4611686018427387904"
	    "&areaId=330100&utparam=%%7B%%7D",
	"https://chaoshi.detail.tmall.com/item.htm?id=%u",
	"https://detail.m.tmall.com/item.htm?id=%u&priceCompare=1",
	"https://detail.tmall.hk/hk/item.htm?id=%u&ppath=1627207:28341",
	"https://detail.tmall.hk/item.htm?id=%u",
	"https://detail.1688.com/offer/%u.html?spm=a2615.7691456",
	"https://m.1688.com/offer/%u.html",
	"https://www.alibaba.com/product-detail/Mens-Running-Shoes_%u.html"
	    "?spm=a2700.galleryofferlist",
	"https://www.aliexpress.com/item/%u.html?pdp_npi=4%%40dis",
	"https://pt.aliexpress.com/item/%u.html",
	"https://m.aliexpress.com/i/%u.html",
	"https://www.aliexpress.us/item/%u.html?gatewayAdapt=glo2usa",
	"https://www.lazada.sg/products/running-shoes-i%u-s2%u.html"
	    "?spm=a2o42.searchlist",
	"https://www.lazada.co.th/products/i%u.html",
	"https://www.lazada.com.my/products/shoe-i%u-s1.html",
	"https://www.lazada.vn/products/ao-thun-i%u-s9.html",
};

#define NFORMS (sizeof(forms) / sizeof(forms[0]))

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* n URLs in one block: an array of pointers into a buffer. */
static char **
make(size_t n, char **block)
{
	char **urls, *b;
	size_t i, off = 0, cap = n * 160;
	int len;

	if ((urls = calloc(n, sizeof(*urls))) == NULL ||
	    (b = malloc(cap)) == NULL) {
		free(urls);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		len = snprintf(b + off, cap - off, forms[i % NFORMS],
		    (unsigned)(1000000 + i * 7919u % 900000000u),
		    (unsigned)(i % 97));
		if (len < 0 || (size_t)len + 1 > cap - off) {
			free(urls);
			free(b);
			return NULL;
		}
		off += (size_t)len + 1;
	}
	for (i = 0, off = 0; i < n; i++) {
		urls[i] = b + off;
		off += strlen(b + off) + 1;
	}
	*block = b;
	return urls;
}

/* libcurl's share: split only, or split and read the parts back. */
static double
curl_only(char **urls, size_t n, int parts)
{
	const struct ipp_curl *c;
	CURLU *h;
	char *s, *err = NULL;
	double t0;
	size_t i;

	if (ipp_curl_url_handle(&h, &err) != IPP_OK ||
	    ipp_curl_load(&c, &err) != IPP_OK) {
		fprintf(stderr, "urlbench: %s\n", err);
		free(err);
		return 0;
	}
	t0 = now();
	for (i = 0; i < n; i++) {
		c->url_set(h, CURLUPART_URL, urls[i], 0);
		if (!parts)
			continue;
		if (c->url_get(h, CURLUPART_HOST, &s, 0) == CURLUE_OK)
			c->free(s);
		if (c->url_get(h, CURLUPART_PATH, &s, 0) == CURLUE_OK)
			c->free(s);
		if (c->url_get(h, CURLUPART_QUERY, &s, 0) == CURLUE_OK)
			c->free(s);
	}
	return now() - t0;
}

int
main(int argc, char **argv)
{
	struct ipp_url u;
	char **urls, *block, *err = NULL;
	double t, t0;
	size_t i, n = 1000000;
	int ch, verbose = 0, rc = 0;

	while ((ch = getopt(argc, argv, "n:v")) != -1) {
		switch (ch) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			fprintf(stderr, "usage: urlbench [-v] [-n N]\n");
			return 2;
		}
	}
	if (n == 0 || (urls = make(n, &block)) == NULL) {
		fprintf(stderr, "urlbench: out of memory\n");
		return 7;
	}
	/* Load libcurl outside the timed loop, as a long run would. */
	if (ipp_url_parse(urls[0], &u, &err) != IPP_OK) {
		fprintf(stderr, "urlbench: %s\n", err);
		rc = 1;
		goto out;
	}
	t0 = now();
	for (i = 0; i < n; i++)
		if (ipp_url_parse(urls[i], &u, &err) != IPP_OK) {
			fprintf(stderr, "urlbench: %s\n", err);
			rc = 1;
			goto out;
		}
	t = now() - t0;
	printf("urlbench: %zu URLs in %.3f s: %.0f URLs/s\n", n, t,
	    (double)n / t);
	if (verbose) {
		printf("urlbench: curl_url_set %.0f ns/URL\n",
		    curl_only(urls, n, 0) * 1e9 / (double)n);
		printf("urlbench: curl_url_set + 3 curl_url_get %.0f ns/URL\n",
		    curl_only(urls, n, 1) * 1e9 / (double)n);
		printf("urlbench: ipp_url_parse %.0f ns/URL\n",
		    t * 1e9 / (double)n);
	}
out:
	free(err);
	free(urls);
	free(block);
	ipp_curl_unload();
	return rc;
}
