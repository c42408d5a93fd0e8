#!/bin/sh
# ipp-complain probe (issue 4): one TSV row per input URL, in input
# order, with its platform, region, target, id, canonical form (C5) and
# live verdict (C6); URLs from arguments, from stdin one a line, or TSV
# with a url column; exit 1 when any row fails.  It needs no account and
# no store, and uses the store's settings when there is one.  Live checks
# against testhttpd and openssl s_server on 127.0.0.1.
. "$(dirname "$0")/lib.sh"

HEADER=$(printf '%s\t' url platform region target listing_id canonical_url \
    structure live http_status note | sed 's/\t$//')

# col COLUMN: the values of COLUMN in $out, space separated.
col() {
	printf '%s\n' "$out" | tsv_column "$1" | tr '\n' ' '
}

# ---- structure only, no store, no account ----
try ipp-complain probe --no-check \
    'https://item.taobao.com/item.htm?spm=a21wu&id=11&ns=1' \
    'http://world.taobao.com/item/12.htm' \
    'https://www.goofish.com/item?id=13' \
    'https://detail.m.tmall.com/item.htm?id=21&skuId=5' \
    'https://detail.tmall.hk/item.htm?id=31' \
    'https://m.1688.com/offer/41.html' \
    'https://www.alibaba.com/product-detail/Acme-Shoes_51.html?spm=a2700' \
    'https://aliexpress.us/item/61.html' \
    'https://www.lazada.com.my/products/acme-i71-s9.html' \
    'https://acme.tmall.com/' \
    'https://shop81.taobao.com'
succeeded "probe --no-check of eleven good URLs, without a store"
ok "probe created no store" test ! -e "$IPP_DB"
is "$(printf '%s\n' "$out" | head -1)" "$HEADER" "probe's columns"
is "$(col platform)" \
    "taobao taobao taobao tmall tmall-global 1688 alibaba aliexpress lazada tmall taobao " \
    "each URL's platform, in input order"
is "$(col region)" '\N \N \N \N \N \N \N \N my \N \N ' \
    "the region of the Lazada one"
is "$(col target)" \
    "listing listing listing listing listing listing listing listing listing storefront storefront " \
    "listings and storefronts"
is "$(col listing_id)" "11 12 13 21 31 41 51 61 71 acme shop81 " "their ids"
is "$(col canonical_url)" \
    "https://item.taobao.com/item.htm?id=11 https://item.taobao.com/item.htm?id=12 https://www.goofish.com/item?id=13 https://detail.tmall.com/item.htm?id=21 https://detail.tmall.hk/hk/item.htm?id=31 https://detail.1688.com/offer/41.html https://www.alibaba.com/product-detail/_51.html https://www.aliexpress.com/item/61.html https://www.lazada.com.my/products/i71.html https://acme.tmall.com/ https://shop81.taobao.com/ " \
    "canonical forms: https, desktop host, the id only (C5)"
is "$(col structure | tr ' ' '\n' | sort -u | tr -d '\n')" ok "every structure ok"
is "$(col live | tr ' ' '\n' | sort -u | tr -d '\n')" unchecked \
    "--no-check: nothing checked"

# The canonical forms probe again to themselves (C5).
try ipp-complain probe --no-check $(col canonical_url)
is "$(col canonical_url)" "$(col url)" "canonical forms are fixed points"

try ipp-complain probe --no-check 'https://item.taobao.com/item.htm?id=1' \
    'https://m.tb.cn/h.5Yx2' 'ftp://item.taobao.com/item.htm?id=2' \
    'https://www.example.com/item.htm?id=3' 'https://detail.1688.com/offer/x.html' \
    'https://shop.1688.com/' 'https://item.taobao.com/item.htm?id=4'
is "$rc" 1 "probe exits 1 when a row fails"
is "$(printf '%s\n' "$out" | tsv_rows)" 7 "a row for every input, the bad ones too"
s=$(printf '%s\n' "$out" | tsv_column structure)
is "$(printf '%s\n' "$s" | sed -n '1p;7p' | tr '\n' ' ')" "ok ok " \
    "the good ones, first and last"
like "$(printf '%s\n' "$s" | sed -n 2p)" 'short link.*\(rule C5\)' \
    "a short link must be expanded first (C5)"
like "$(printf '%s\n' "$s" | sed -n 3p)" "scheme 'ftp'.*\\(rule C5\\)" \
    "ftp is refused (C5)"
like "$(printf '%s\n' "$s" | sed -n 4p)" "www\\.example\\.com.*\\(rule C5\\)" \
    "an unknown host is refused (C5)"
like "$(printf '%s\n' "$s" | sed -n 5p)" '\(rule C5\)' "a 1688 offer without a number"
like "$(printf '%s\n' "$s" | sed -n 6p)" '\(rule C[35]\)' \
    "a 1688 storefront (C3)"
is "$(printf '%s\n' "$out" | tsv_column canonical_url | sed -n 2p)" '\N' \
    "a refused URL has no canonical form"

# ---- URLs on stdin ----
tryin "$(printf '%s\n' '# from a spreadsheet' '' \
    'https://item.taobao.com/item.htm?id=91' \
    'https://detail.tmall.com/item.htm?id=92')" ipp-complain probe --no-check
succeeded "URLs on stdin, one a line"
is "$(col listing_id)" "91 92 " "both read, comments and blanks skipped"
tryin "$(printf 'id\turl\n1\thttps://item.taobao.com/item.htm?id=93\n2\t\\N\n')" \
    ipp-complain probe --no-check
is "$rc" 1 "TSV on stdin with a NULL url: exit 1"
is "$(col listing_id)" '93 \N ' "TSV by its url column; the NULL one fails"

# ---- live checks ----
ok "testhttpd serves https on 127.0.0.1" start_httpd httpd
ok "openssl s_server answers for some listings" start_raw_https raw
raw_page raw offer/4040001.html '404 Not Found'
raw_page raw 'item.htm?id=5000003' '302 Found' \
    'https://detail.tmall.com/sold-out.htm'
raw_page raw sold-out.htm '200 OK'
IPP_CONNECT_TO="detail.1688.com:443:127.0.0.1:$raw_port,detail.tmall.com:443:127.0.0.1:$raw_port,www.aliexpress.com:443:127.0.0.1:1,::127.0.0.1:$httpd_port"
export IPP_CONNECT_TO
try ipp-complain probe 'https://item.taobao.com/item.htm?id=1' \
    'https://detail.1688.com/offer/4040001.html' \
    "$(listing_url aliexpress 3)" 'not a url' \
    "$(listing_url lazada-vn 5)"
is "$rc" 1 "live checks with one gone and one error: exit 1"
is "$(col live)" "live gone error unchecked live " \
    "live, gone, error; a malformed URL is never fetched"
is "$(col http_status)" '200 404 \N \N 200 ' "the HTTP statuses"
is "$(printf '%s\n' "$out" | tsv_column note | sed -n 2p)" 'HTTP 404' \
    "the note of the gone one"
like "$(printf '%s\n' "$out" | tsv_column note | sed -n 3p)" '.' \
    "the error says why"

# A redirect to a page the platform shows for listings that are gone:
# live until the store's gone_page_tmall setting names it (C6).
try ipp-complain probe 'https://detail.tmall.com/item.htm?id=5000003'
succeeded "a redirect to an unknown page is live"
like "$(col note)" 'redirected to https://detail.tmall.com/sold-out.htm' \
    "the note says where it went"
ok "init and the handler's sign-in" init_store cases@ipp.test
try as handler ipp-register set gone_page_tmall /sold-out.htm
succeeded "the handler names tmall's item-not-found page"
try ipp-complain probe 'https://detail.tmall.com/item.htm?id=5000003'
is "$rc" 1 "with a store, its setting applies"
is "$(col live)" "gone " "the redirect now says gone (C6)"

# The progress line is for a terminal only.
try ipp-complain probe 'https://item.taobao.com/item.htm?id=1'
unlike "$err" 'checked' "no progress line when stderr is not a terminal"
if command -v script >/dev/null 2>&1; then
	script -qec "ipp-complain probe 'https://item.taobao.com/item.htm?id=1' \
	    'https://detail.1688.com/offer/4040001.html' >/dev/null" \
	    /dev/null >"$tmp/tty.out" 2>&1 </dev/null
	like "$(tr '\r' '\n' <"$tmp/tty.out")" \
	    'ipp-complain: 2/2 checked: 1 live, 1 gone, 0 error' \
	    "on a terminal, a progress line (done/total, live/gone/error)"
else
	pass "# SKIP no script(1) for a terminal"
fi

done_testing
