#!/bin/sh
# The live checks' limits come from one list (lib/http.c): built in
# without a store, the store's settings over them, the environment over
# both (IPP_HTTP_CONCURRENCY, read in one place).  Seen from the test
# server: the most requests it answered at once.
. "$(dirname "$0")/lib.sh"

ok "testhttpd serves https, each answer a second late" \
    start_httpd httpd --delay 1000

# peak_for N: probes N taobao listings and prints the server's peak of
# requests answered at once.
peak_for() {
	curl -s --cacert "$tmp/certs/ca.pem" \
	    "https://127.0.0.1:$httpd_port/stats/reset" >/dev/null
	listing_urls taobao 1000 "$1" >"$tmp/urls"
	ipp-complain probe <"$tmp/urls" >"$tmp/probe.out" 2>"$tmp/probe.err" ||
	    cat "$tmp/probe.err" >&2
	httpd_stat inflight_peak
}

# Without a store: the built-in limits (32 at once, 8 per host).
peak=$(peak_for 9)
is "$(tsv_column live <"$tmp/probe.out" | sort -u)" live "every listing is live"
is "$peak" 8 "no store: 8 at once against one host (http_per_host, built in)"

ok "init and the handler's sign-in" init_store cases@ipp.test
try as handler ipp-register set http_concurrency 2
succeeded "the handler sets http_concurrency to 2"
peak=$(peak_for 3)
is "$peak" 2 "the store's setting applies: 2 at once"

IPP_HTTP_CONCURRENCY=5
export IPP_HTTP_CONCURRENCY
peak=$(peak_for 6)
is "$peak" 5 "IPP_HTTP_CONCURRENCY=5 wins over the store's 2"

IPP_HTTP_CONCURRENCY=0
peak=$(peak_for 3)
is "$peak" 2 "an IPP_HTTP_CONCURRENCY out of range is ignored: the store's 2"
unset IPP_HTTP_CONCURRENCY

done_testing
