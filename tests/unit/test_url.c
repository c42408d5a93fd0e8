/*
 * Listing and storefront URLs (C1, C3, C5; DOMAIN.md's appendix): every
 * row of the appendix with tracking parameters, mobile hosts, http and
 * https, upper-case hosts; malformed and hostile inputs, each refused
 * with its reason; canonical forms that are their own canonical form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "curl_dl.h"
#include "err.h"
#include "url.h"
#include "banned.h"

struct accepted {
	const char	*input;
	const char	*platform;
	const char	*region;
	const char	*target;
	const char	*id;
	const char	*canonical;
};

#define TB_ITEM "https://item.taobao.com/item.htm?id=520813250866"
#define XY_ITEM "https://www.goofish.com/item?id=600123456789"
#define TM_ITEM "https://detail.tmall.com/item.htm?id=612345678901"
#define HK_ITEM "https://detail.tmall.hk/hk/item.htm?id=634567890123"
#define A1688 "https://detail.1688.com/offer/654321098765.html"
#define ALIBABA "https://www.alibaba.com/product-detail/_1600123456789.html"
#define AE_ITEM "https://www.aliexpress.com/item/1005001234567890.html"

/* Every row of the appendix, in several spellings each. */
static const struct accepted accepted[] = {
	/* taobao listings */
	{ "https://item.taobao.com/item.htm?spm=a230r.1.14.16.5b1c&id="
	  "520813250866&ns=1&abbucket=7#detail", "taobao", "", "listing",
	  "520813250866", TB_ITEM },
	{ "http://ITEM.TAOBAO.COM/item.htm?id=520813250866&scm=1007.12144"
	  "&pvid=9d3f", "taobao", "", "listing", "520813250866", TB_ITEM },
	{ "item.taobao.com/item.htm?id=520813250866", "taobao", "", "listing",
	  "520813250866", TB_ITEM },
	{ "//item.taobao.com/item.htm?id=520813250866", "taobao", "",
	  "listing", "520813250866", TB_ITEM },
	{ "https://item.taobao.com.:443/item.htm?id=0520813250866&id="
	  "0520813250866", "taobao", "", "listing", "520813250866", TB_ITEM },
	{ "HTTPS://World.Taobao.com/item/520813250866.htm?spm=a21wu.241046",
	  "taobao", "", "listing", "520813250866", TB_ITEM },
	{ "https://m.intl.taobao.com/detail/detail.html?id=520813250866"
	  "&utparam=%7B%22x%22%7D", "taobao", "", "listing", "520813250866",
	  TB_ITEM },
	{ "https://h5.m.taobao.com/awp/core/detail.htm?id=520813250866"
	  "&skuId=4611686018427387904", "taobao", "", "listing",
	  "520813250866", TB_ITEM },
	{ "http://h5.m.taobao.com/awp/core/detail.htm?itemId=520813250866"
	  "&areaId=330100", "taobao", "", "listing", "520813250866", TB_ITEM },
	{ "https://a.m.taobao.com/i520813250866.htm?priceCompare=1",
	  "taobao", "", "listing", "520813250866", TB_ITEM },
	/* Xianyu: Taobao's platform, its own ids and canonical host */
	{ "https://2.taobao.com/item.htm?id=600123456789&spm=2007.1000337",
	  "taobao", "", "listing", "600123456789", XY_ITEM },
	{ "https://www.goofish.com/item?spm=a21ybx.home.feeds.1&id="
	  "600123456789&categoryId=50023914", "taobao", "", "listing",
	  "600123456789", XY_ITEM },
	{ "http://GOOFISH.com/item?id=600123456789", "taobao", "", "listing",
	  "600123456789", XY_ITEM },
	/* taobao storefronts */
	{ "https://shop105441427.taobao.com/?spm=a1z10.1-c-s.0.0", "taobao",
	  "", "storefront", "shop105441427",
	  "https://shop105441427.taobao.com/" },
	{ "https://shop.m.taobao.com/shop/shop_index.htm?shop_id=105441427"
	  "&spm=a230r", "taobao", "", "storefront", "shop105441427",
	  "https://shop105441427.taobao.com/" },
	{ "http://Nike-Store.Taobao.com/index.htm?spm=a1z10", "taobao", "",
	  "storefront", "nike-store", "https://nike-store.taobao.com/" },
	{ "https://shop.taobao.com/view_shop.htm?user_number_id=2206575862"
	  "&spm=a1z10", "taobao", "", "storefront", "2206575862",
	  "https://shop.taobao.com/view_shop.htm?user_number_id=2206575862" },
	{ "https://shop.m.taobao.com/shop/shop_index.htm?user_id=2206575862",
	  "taobao", "", "storefront", "2206575862",
	  "https://shop.taobao.com/view_shop.htm?user_number_id=2206575862" },
	/* tmall */
	{ "https://detail.tmall.com/item.htm?id=612345678901&skuId="
	  "4611686018427387904&areaId=330100&ppath=1627207:28341", "tmall",
	  "", "listing", "612345678901", TM_ITEM },
	{ "http://chaoshi.detail.tmall.com/item.htm?spm=a3204&id=612345678901",
	  "tmall", "", "listing", "612345678901", TM_ITEM },
	{ "https://DETAIL.M.TMALL.COM/item.htm?id=612345678901&priceCompare=1",
	  "tmall", "", "listing", "612345678901", TM_ITEM },
	{ "https://adidas.tmall.com/shop/view_shop.htm?spm=a220o", "tmall",
	  "", "storefront", "adidas", "https://adidas.tmall.com/" },
	{ "http://adidas.m.tmall.com", "tmall", "", "storefront", "adidas",
	  "https://adidas.tmall.com/" },
	/* tmall-global */
	{ "https://detail.tmall.hk/hk/item.htm?id=634567890123&ppath=1627207",
	  "tmall-global", "", "listing", "634567890123", HK_ITEM },
	{ "http://detail.tmall.hk/item.htm?spm=a1z10&id=634567890123",
	  "tmall-global", "", "listing", "634567890123", HK_ITEM },
	{ "https://detail.m.tmall.hk/item.htm?id=634567890123", "tmall-global",
	  "", "listing", "634567890123", HK_ITEM },
	{ "https://Lancome.Tmall.HK/?spm=a1z10", "tmall-global", "",
	  "storefront", "lancome", "https://lancome.tmall.hk/" },
	/* 1688 */
	{ "https://detail.1688.com/offer/654321098765.html?spm=a2615.7691456",
	  "1688", "", "listing", "654321098765", A1688 },
	{ "http://m.1688.com/offer/654321098765.html?tracelog=1", "1688", "",
	  "listing", "654321098765", A1688 },
	{ "https://detail.m.1688.com/page/index.html?offerId=654321098765",
	  "1688", "", "listing", "654321098765", A1688 },
	/* alibaba */
	{ "https://www.alibaba.com/product-detail/Mens-Running-Shoes_"
	  "1600123456789.html?spm=a2700.galleryofferlist", "alibaba", "",
	  "listing", "1600123456789", ALIBABA },
	{ "http://French.Alibaba.com/product-detail/Chaussures_de_course_"
	  "1600123456789.html", "alibaba", "", "listing", "1600123456789",
	  ALIBABA },
	{ "https://m.alibaba.com/product/1600123456789/Mens-Running-Shoes.html",
	  "alibaba", "", "listing", "1600123456789", ALIBABA },
	/* aliexpress */
	{ "https://www.aliexpress.com/item/1005001234567890.html?spm=a2g0o"
	  "&pdp_npi=4%40dis%21USD", "aliexpress", "", "listing",
	  "1005001234567890", AE_ITEM },
	{ "https://aliexpress.us/item/1005001234567890.html?gatewayAdapt="
	  "glo2usa", "aliexpress", "", "listing", "1005001234567890", AE_ITEM },
	{ "http://www.aliexpress.ru/item/1005001234567890.html", "aliexpress",
	  "", "listing", "1005001234567890", AE_ITEM },
	{ "https://PT.aliexpress.com/item/1005001234567890.html#nav",
	  "aliexpress", "", "listing", "1005001234567890", AE_ITEM },
	{ "https://m.aliexpress.com/item/1005001234567890.html", "aliexpress",
	  "", "listing", "1005001234567890", AE_ITEM },
	{ "https://m.aliexpress.com/i/1005001234567890.html", "aliexpress", "",
	  "listing", "1005001234567890", AE_ITEM },
	{ "https://www.aliexpress.com/item/Wireless-Earbuds/1005001234567890."
	  "html", "aliexpress", "", "listing", "1005001234567890", AE_ITEM },
	/* lazada, every region */
	{ "https://www.lazada.sg/products/running-shoes-i2345678901-"
	  "s1234567890.html?spm=a2o42.searchlist.list.1", "lazada", "sg",
	  "listing", "2345678901",
	  "https://www.lazada.sg/products/i2345678901.html" },
	{ "https://www.lazada.co.id/products/sepatu-lari-i2345678901-s1.html",
	  "lazada", "id", "listing", "2345678901",
	  "https://www.lazada.co.id/products/i2345678901.html" },
	{ "https://www.lazada.com.my/products/i2345678901.html", "lazada", "my",
	  "listing", "2345678901",
	  "https://www.lazada.com.my/products/i2345678901.html" },
	{ "http://WWW.LAZADA.CO.TH/products/i2345678901-s5.html", "lazada",
	  "th", "listing", "2345678901",
	  "https://www.lazada.co.th/products/i2345678901.html" },
	{ "https://lazada.com.ph/products/shoe-i5-case-i2345678901.html",
	  "lazada", "ph", "listing", "2345678901",
	  "https://www.lazada.com.ph/products/i2345678901.html" },
	{ "https://www.lazada.vn/products/%C3%A1o-thun-i2345678901-s9.html"
	  "?search=1", "lazada", "vn", "listing", "2345678901",
	  "https://www.lazada.vn/products/i2345678901.html" },
	{ "https://www.lazada.vn/products/\xc3\xa1o-thun-i2345678901-s9.html",
	  "lazada", "vn", "listing", "2345678901",
	  "https://www.lazada.vn/products/i2345678901.html" },
};

struct refused {
	const char	*input;
	const char	*reason;	/* a substring of the message */
};

/* Malformed and hostile inputs, and the reason each is refused for. */
static const struct refused refused[] = {
	{ "", "empty URL" },
	{ " ", "space or a control character" },
	{ "https://item.taobao.com/item.htm?id=1 ", "space or a control" },
	{ "https://item.taobao.com/item.htm?id=1&x=a b", "space or a control" },
	{ "\thttps://item.taobao.com/item.htm?id=1", "space or a control" },
	{ "https://item.taobao.com/item.htm?id=1\r\nSet-Cookie: a=b",
	  "space or a control" },
	{ "https://item.taobao.com/item.htm?id=1\n", "space or a control" },
	{ "https://item.taobao.com/item.htm?id=1\x1b[31m",
	  "space or a control" },
	{ "https://item.taobao.com/item.htm?id=1\x7f", "space or a control" },
	{ "javascript:alert(1)", "the scheme 'javascript' is not http or "
	  "https (rule C5)" },
	{ "JavaScript:alert(document.cookie)//item.taobao.com/item.htm?id=1",
	  "the scheme 'javascript'" },
	{ "vbscript:msgbox(1)", "the scheme 'vbscript'" },
	{ "file:///etc/passwd", "the scheme 'file'" },
	{ "data:text/html;base64,PHNjcmlwdD4=", "the scheme 'data'" },
	{ "ftp://item.taobao.com/item.htm?id=1", "the scheme 'ftp'" },
	{ "mailto:seller@taobao.com", "the scheme 'mailto'" },
	{ "https://user:secret@item.taobao.com/item.htm?id=1",
	  "user name or password" },
	{ "https://user@item.taobao.com/item.htm?id=1",
	  "user name or password" },
	{ "https://:secret@item.taobao.com/item.htm?id=1",
	  "user name or password" },
	{ "https://@item.taobao.com/item.htm?id=1", "user name or password" },
	{ "https://item.taobao.com@evil.com/item.htm?id=1",
	  "user name or password" },
	{ "https://127.0.0.1/item.htm?id=1", "IP address" },
	{ "https://2130706433/item.htm?id=1", "IP address" },
	{ "https://0x7f.0.0.1/item.htm?id=1", "IP address" },
	{ "https://[::1]/item.htm?id=1", "IP address" },
	{ "https://[::ffff:127.0.0.1]:443/", "IP address" },
	{ "https://item.taobao.com:8080/item.htm?id=1", "port 8080" },
	{ "http://item.taobao.com:443/item.htm?id=1", "port 443" },
	{ "https://item.taobao.com:99999/item.htm?id=1", "not a well-formed" },
	{ "https://item.taobao.com.evil.com/item.htm?id=1",
	  "'item.taobao.com.evil.com' is not a host of taobao" },
	{ "https://taobao.com.cn/item.htm?id=1", "is not a host of" },
	{ "https://itemtaobao.com/item.htm?id=1", "is not a host of" },
	{ "https://evil-taobao.com/item.htm?id=1", "is not a host of" },
	{ "https://www.amazon.com/dp/B000123", "is not a host of" },
	{ "https://www.lazada.my/products/i1.html", "is not a host of" },
	{ "https://item.taobao.com%2Eevil.com/item.htm?id=1",
	  "is not a host of" },
	{ "https://xn--tobao-gra.com/item.htm?id=1", "punycode" },
	{ "https://item.xn--taobao-9ta.com/item.htm?id=1", "punycode" },
	{ "https://xn--item-9na.taobao.com/", "punycode" },
	{ "https://it\xc3\xa9m.taobao.com/item.htm?id=1",
	  "characters other than a-z" },
	{ "https://item.tao\xd0\xac" "ao.com/item.htm?id=1",
	  "characters other than a-z" },
	{ "https://item_x.taobao.com/", "characters other than a-z" },
	{ "https://item.taobao.com%00.evil.com/item.htm?id=1",
	  "not a well-formed URL" },
	{ "https://", "not a well-formed URL" },
	{ "http:item.taobao.com/item.htm?id=1", "not a well-formed URL" },
	{ "https://item.taobao.com/item.htm", "no id" },
	{ "https://item.taobao.com/item.htm?spm=a1z&itemId=5", "no id" },
	{ "https://item.taobao.com/item.htm?id=", "no id" },
	{ "https://item.taobao.com/item.htm?id", "no id" },
	{ "https://item.taobao.com/item.htm?i%64=12", "no id" },
	{ "https://item.taobao.com/item.htm?ID=12", "no id" },
	{ "https://item.taobao.com/item.htm#id=12", "no id" },
	{ "https://shop.taobao.com/view_shop.htm?spm=1", "no id" },
	{ "https://item.taobao.com/item.htm?id=abc", "the id 'abc' is not a "
	  "number (rule C5)" },
	{ "https://item.taobao.com/item.htm?id=-5", "not a number" },
	{ "https://item.taobao.com/item.htm?id=1e9", "not a number" },
	{ "https://item.taobao.com/item.htm?id=12%33", "not a number" },
	{ "https://item.taobao.com/item.htm?id=%31%32", "not a number" },
	{ "https://item.taobao.com/item.htm?id=1%00", "not a number" },
	{ "https://item.taobao.com/item.htm?id=%0a1", "not a number" },
	{ "https://item.taobao.com/item.htm?id=123456789012345678901234567890",
	  "more than 20 digits" },
	{ "https://detail.1688.com/offer/123456789012345678901234.html",
	  "more than 20 digits" },
	{ "https://item.taobao.com/item.htm?id=0", "the id is 0" },
	{ "https://world.taobao.com/item/000.htm", "the id is 0" },
	{ "https://item.taobao.com/item.htm?id=1&id=2", "ambiguous" },
	{ "https://h5.m.taobao.com/awp/core/detail.htm?id=1&itemId=2",
	  "ambiguous" },
	{ "https://item.taobao.com/item%2Ehtm?id=1",
	  "not the address of a listing or storefront on taobao" },
	{ "https://item.taobao.com/Item.htm?id=1", "not the address" },
	{ "https://item.taobao.com/", "not the address" },
	{ "https://www.taobao.com/", "not the address of a listing or "
	  "storefront on taobao (rule C5)" },
	{ "https://login.taobao.com/member/login.jhtml", "not the address" },
	{ "https://a.b.taobao.com/", "not the address" },
	{ "https://world.taobao.com/item/abc.htm", "not the address" },
	{ "https://www.lazada.sg/products/no-id-here.html",
	  "not the address of a listing on lazada (rule C5)" },
	{ "https://www.lazada.co.th/catalog/?q=shoe", "not the address" },
	{ "https://www.alibaba.com/product-detail/no-id.html",
	  "not the address of a listing on alibaba" },
	{ "https://-shop.taobao.com/", "not a shop name" },
	{ "https://item.taobao.com\\@evil.com/item.htm?id=1", "backslash" },
	{ "https:\\\\item.taobao.com\\item.htm?id=1", "backslash" },
	{ "https://m.tb.cn/h.5YSKnLm?sm=1", "short link" },
	{ "https://s.click.aliexpress.com/e/_DlXhWqd", "short link carries no "
	  "id: open it and use the address it leads to (rule C5)" },
	{ "https://a.aliexpress.com/_mKQz8Ks", "short link" },
	{ "https://qr.1688.com/s/abcd1234", "short link" },
	{ "https://s.lazada.sg/s.Zx9Q", "short link" },
	{ "https://shop1234.1688.com/", "a storefront: 1688 takes complaints "
	  "against listings only (rule C3)" },
	{ "https://www.aliexpress.com/store/1101234567", "rule C3" },
	{ "https://pt.aliexpress.com/store/1101234567/search", "rule C3" },
	{ "https://www.lazada.sg/shop/nike-official/", "rule C3" },
	{ "https://abc.en.alibaba.com/productlist.html", "rule C3" },
};

/* Fails the test naming the input, so that a table row is easy to find. */
static void
expect_parsed(const struct accepted *a, const struct ipp_url *u)
{
	if (strcmp(u->platform, a->platform) != 0 ||
	    strcmp(u->region, a->region) != 0 ||
	    strcmp(u->target, a->target) != 0 ||
	    strcmp(u->id, a->id) != 0 ||
	    strcmp(u->canonical, a->canonical) != 0)
		fail_msg("'%s' gave %s/%s/%s/%s/%s", a->input, u->platform,
		    u->region, u->target, u->id, u->canonical);
}

static void
test_appendix_rows(void **state)
{
	struct ipp_url u;
	char *err = NULL;
	size_t i;

	for (i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		if (ipp_url_parse(accepted[i].input, &u, &err) != IPP_OK)
			fail_msg("'%s' refused: %s", accepted[i].input, err);
		assert_null(err);
		expect_parsed(&accepted[i], &u);
	}
}

/* parse(canonical(u)) is canonical(u), with the same fields (C5). */
static void
test_canonical_is_idempotent(void **state)
{
	struct ipp_url u, again;
	char *err = NULL;
	size_t i;

	for (i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		assert_int_equal(ipp_url_parse(accepted[i].input, &u, &err),
		    IPP_OK);
		if (ipp_url_parse(u.canonical, &again, &err) != IPP_OK)
			fail_msg("canonical '%s' refused: %s", u.canonical,
			    err);
		assert_string_equal(again.canonical, u.canonical);
		assert_string_equal(again.platform, u.platform);
		assert_string_equal(again.region, u.region);
		assert_string_equal(again.target, u.target);
		assert_string_equal(again.id, u.id);
	}
}

/* Two spellings of one listing are one URL; Xianyu and Taobao ids are
 * kept apart. */
static void
test_spellings_compare_equal(void **state)
{
	static const char *const one[] = {
		"https://item.taobao.com/item.htm?id=5",
		"https://m.intl.taobao.com/detail/detail.html?id=5",
		"http://world.taobao.com/item/5.htm",
		"h5.m.taobao.com/awp/core/detail.htm?itemId=5&spm=x",
		"https://ITEM.taobao.com./item.htm?id=005#reviews",
	};
	struct ipp_url u, v;
	size_t i;

	assert_int_equal(ipp_url_parse(one[0], &u, NULL), IPP_OK);
	for (i = 1; i < sizeof(one) / sizeof(one[0]); i++) {
		assert_int_equal(ipp_url_parse(one[i], &v, NULL), IPP_OK);
		assert_string_equal(v.canonical, u.canonical);
	}
	assert_int_equal(ipp_url_parse("https://2.taobao.com/item.htm?id=5",
	    &v, NULL), IPP_OK);
	assert_string_equal(v.platform, "taobao");
	assert_string_not_equal(v.canonical, u.canonical);
}

static void
test_refusals(void **state)
{
	struct ipp_url u;
	char *err;
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		err = NULL;
		memset(&u, 'x', sizeof(u));
		if (ipp_url_parse(refused[i].input, &u, &err) != IPP_EREFUSED)
			fail_msg("'%s' accepted as %s", refused[i].input,
			    u.canonical);
		assert_non_null(err);
		if (strstr(err, refused[i].reason) == NULL ||
		    strstr(err, "(rule C") == NULL)
			fail_msg("'%s': '%s' lacks '%s'", refused[i].input,
			    err, refused[i].reason);
		/* Nothing half-filled is left behind. */
		assert_int_equal(u.canonical[0], '\0');
		assert_int_equal(u.platform[0], '\0');
		free(err);
	}
	assert_true(sizeof(refused) / sizeof(refused[0]) >= 40);
}

/* The URL in a message is cut to about 200 bytes and shows no control
 * character; the message names the URL in quotes first. */
static void
test_messages(void **state)
{
	struct ipp_url u;
	char *big, *err = NULL;
	size_t n = IPP_URL_MAX + 100, i;

	assert_non_null(big = malloc(n + 1));
	memcpy(big, "https://item.taobao.com/item.htm?id=1&x=", 40);
	memset(big + 40, 'a', n - 40);
	big[n] = '\0';
	assert_int_equal(ipp_url_parse(big, &u, &err), IPP_EREFUSED);
	assert_non_null(strstr(err, "longer than 2048 bytes (rule C5)"));
	assert_true(strlen(err) < 300);
	assert_non_null(strstr(err, "aaa...': "));
	free(err);
	err = NULL;
	/* At the limit the length is no reason to refuse. */
	big[IPP_URL_MAX] = '\0';
	assert_int_equal(ipp_url_parse(big, &u, &err), IPP_OK);
	assert_string_equal(u.canonical,
	    "https://item.taobao.com/item.htm?id=1");
	free(big);

	assert_int_equal(ipp_url_parse("https://item.taobao.com/item.htm?id=1"
	    "\x1b]0;pwned\x07", &u, &err), IPP_EREFUSED);
	assert_non_null(strstr(err, "'https://item.taobao.com/item.htm?id=1"
	    "?]0;pwned?': "));
	for (i = 0; err[i] != '\0'; i++)
		assert_true(err[i] >= 0x20 && err[i] < 0x7f);
	free(err);
	err = NULL;
	assert_int_equal(ipp_url_parse("https://it\xc3\xa9m.taobao.com/", &u,
	    &err), IPP_EREFUSED);
	assert_non_null(strstr(err, "'https://it??m.taobao.com/': "));
	free(err);
	/* A NULL errp is allowed; a NULL text is refused. */
	assert_int_equal(ipp_url_parse("ftp://x", &u, NULL), IPP_EREFUSED);
	err = NULL;
	assert_int_equal(ipp_url_parse(NULL, &u, &err), IPP_EREFUSED);
	assert_non_null(strstr(err, "empty URL"));
	free(err);
}

/* Ids: leading zeros dropped, 20 digits the most, never 0. */
static void
test_ids(void **state)
{
	struct ipp_url u;
	char url[128];

	assert_int_equal(ipp_url_parse("https://item.taobao.com/item.htm?id="
	    "12345678901234567890", &u, NULL), IPP_OK);
	assert_string_equal(u.id, "12345678901234567890");
	assert_int_equal(ipp_url_parse("https://item.taobao.com/item.htm?id="
	    "123456789012345678901", &u, NULL), IPP_EREFUSED);
	/* Zeros in front are no digits of the id. */
	assert_int_equal(ipp_url_parse("https://item.taobao.com/item.htm?id="
	    "000000000012345678901234567890", &u, NULL), IPP_OK);
	assert_string_equal(u.id, "12345678901234567890");
	assert_int_equal(ipp_url_parse("https://www.lazada.sg/products/"
	    "x-i0042-s1.html", &u, NULL), IPP_OK);
	assert_string_equal(u.canonical,
	    "https://www.lazada.sg/products/i42.html");
	/* A shop name of 63 characters, the longest DNS label, and 64. */
	memcpy(url, "https://", 8);
	memset(url + 8, 'a', 64);
	memcpy(url + 8 + 63, ".tmall.com/", 12);
	assert_int_equal(ipp_url_parse(url, &u, NULL), IPP_OK);
	assert_int_equal(strlen(u.id), 63);
	assert_string_equal(u.canonical + 8 + 63, ".tmall.com/");
	memcpy(url + 8 + 64, ".tmall.com/", 12);
	assert_int_equal(ipp_url_parse(url, &u, NULL), IPP_EREFUSED);
}

static void
test_platforms(void **state)
{
	static const char *const regions[] = { "sg", "id", "my", "th", "ph",
		"vn" };
	size_t i;

	assert_true(ipp_url_platform_valid("taobao", NULL));
	assert_true(ipp_url_platform_valid("taobao", ""));
	assert_true(ipp_url_platform_valid("tmall", NULL));
	assert_true(ipp_url_platform_valid("tmall-global", NULL));
	assert_true(ipp_url_platform_valid("1688", NULL));
	assert_true(ipp_url_platform_valid("alibaba", NULL));
	assert_true(ipp_url_platform_valid("aliexpress", ""));
	for (i = 0; i < 6; i++)
		assert_true(ipp_url_platform_valid("lazada", regions[i]));
	assert_false(ipp_url_platform_valid("lazada", NULL));
	assert_false(ipp_url_platform_valid("lazada", ""));
	assert_false(ipp_url_platform_valid("lazada", "us"));
	assert_false(ipp_url_platform_valid("lazada", "SG"));
	assert_false(ipp_url_platform_valid("taobao", "sg"));
	assert_false(ipp_url_platform_valid("xianyu", NULL));
	assert_false(ipp_url_platform_valid("Taobao", NULL));
	assert_false(ipp_url_platform_valid("", NULL));
	assert_false(ipp_url_platform_valid(NULL, NULL));

	assert_true(ipp_url_storefront_allowed("taobao"));
	assert_true(ipp_url_storefront_allowed("tmall"));
	assert_true(ipp_url_storefront_allowed("tmall-global"));
	assert_false(ipp_url_storefront_allowed("1688"));
	assert_false(ipp_url_storefront_allowed("alibaba"));
	assert_false(ipp_url_storefront_allowed("aliexpress"));
	assert_false(ipp_url_storefront_allowed("lazada"));
	assert_false(ipp_url_storefront_allowed(NULL));
}

/* Storefront URLs parse only on platforms that take them (C3). */
static void
test_storefront_targets(void **state)
{
	struct ipp_url u;
	size_t i;

	for (i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		assert_int_equal(ipp_url_parse(accepted[i].input, &u, NULL),
		    IPP_OK);
		assert_true(ipp_url_platform_valid(u.platform, u.region));
		if (strcmp(u.target, "storefront") == 0)
			assert_true(ipp_url_storefront_allowed(u.platform));
		else
			assert_string_equal(u.target, "listing");
	}
}

static void
test_gone_pages(void **state)
{
	static const char *const all[] = { "taobao", "tmall", "tmall-global",
		"1688", "alibaba", "aliexpress", "lazada" };
	const char *p;
	size_t i, known = 0;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if ((p = ipp_url_gone_page(all[i])) != NULL) {
			assert_int_equal(p[0], '/');
			known++;
		}
	assert_true(known >= 3);
	assert_string_equal(ipp_url_gone_page("taobao"), "/auction/noitem.htm");
	assert_null(ipp_url_gone_page("nowhere"));
	assert_null(ipp_url_gone_page(NULL));
}

/* The shared URL handle goes with ipp_curl_unload and comes back. */
static void
test_unload_and_reload(void **state)
{
	struct ipp_url u;

	assert_int_equal(ipp_url_parse(accepted[0].input, &u, NULL), IPP_OK);
	assert_true(ipp_curl_loaded());
	ipp_curl_unload();
	assert_false(ipp_curl_loaded());
	assert_int_equal(ipp_url_parse(accepted[1].input, &u, NULL), IPP_OK);
	assert_string_equal(u.canonical, TB_ITEM);
	ipp_curl_unload();
	ipp_curl_unload();
}

static int
teardown(void **state)
{
	ipp_curl_unload();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appendix_rows),
		cmocka_unit_test(test_canonical_is_idempotent),
		cmocka_unit_test(test_spellings_compare_equal),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_platforms),
		cmocka_unit_test(test_storefront_targets),
		cmocka_unit_test(test_gone_pages),
		cmocka_unit_test(test_unload_and_reload),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
