#!/bin/sh
# Live checks before filing (C6), against local https servers: real
# marketplace URLs (https://item.taobao.com/item.htm?id=N) reach
# testhttpd on 127.0.0.1 through IPP_CONNECT_TO, verified against a
# throw-away CA (IPP_CA_BUNDLE), with IPP_ALLOW_PRIVATE=1 letting them
# reach loopback.  Listings testhttpd serves are live and filed; listings
# answered 404 or 410, or redirected to the platform's "item not found"
# page (served by openssl s_server), are refused "no longer active (rule
# C6)"; a check that fails is refused as such, never as gone; --no-check
# skips the checks; import checks its rows the same way.
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified"
CN=$(trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "a verified CN trademark"
SUP='The listing sells shoes under our registered ACME mark.'

ok "testhttpd serves https on 127.0.0.1 with a throw-away CA" start_httpd httpd
ok "openssl s_server answers for listings that are gone" start_raw_https gone
raw_page gone offer/4040001.html '404 Not Found'
raw_page gone offer/4100001.html '410 Gone'
raw_page gone 'item.htm?id=5000001' '302 Found' \
    'https://detail.tmall.com/auction/noitem.htm?itemid=5000001'
raw_page gone auction/noitem.htm '200 OK'
raw_page gone 'item.htm?id=5000002' '200 OK'
# 1688 and tmall listings go to s_server, aliexpress to a closed port,
# every other marketplace host to testhttpd.
IPP_CONNECT_TO="detail.1688.com:443:127.0.0.1:$raw_port,detail.tmall.com:443:127.0.0.1:$raw_port,www.aliexpress.com:443:127.0.0.1:1,::127.0.0.1:$httpd_port"
export IPP_CONNECT_TO

# file COMMAND PLATFORM [OPTIONS] URL...: COMMAND (new, check) as alice,
# with live checks.
file() {
	_fi_cmd=$1
	_fi_platform=$2
	shift 2
	as alice ipp-complain "$_fi_cmd" --platform "$_fi_platform" \
	    --ipr "$CN" --target listing --reason tm-mark-in-text \
	    --supplement "$SUP" "$@"
}

# ---- live listings are filed ----
before=$(httpd_stat requests)
try file new taobao 'https://item.taobao.com/item.htm?id=1001&spm=a21wu' \
    'https://h5.m.taobao.com/awp/core/detail.htm?id=1002'
succeeded "two live taobao listings are filed"
is "$(printf '%s\n' "$out" | tsv_column live | tr '\n' ' ')" "live live " \
    "both checked live (C6)"
is "$(printf '%s\n' "$out" | tsv_column verdict | tr '\n' ' ')" "ok ok " \
    "both pass"
LIVE=$(printf '%s\n' "$out" | tsv_get complaint_id)
like "$LIVE" '^[1-9][0-9]*$' "the complaint is filed"
is "$(($(httpd_stat requests) - before))" 2 \
    "testhttpd answered two checks: they went over the network"
like "$(curl -s --cacert "$tmp/certs/ca.pem" "https://127.0.0.1:$httpd_port/stats")" \
    'host item\.taobao\.com ' \
    "by the canonical desktop host, item.taobao.com (C5)"

# ---- gone listings are refused ----
refuses 1 '1 of 2 URLs refused: nothing filed' "a 1688 listing answered 404" \
    file new 1688 "$(listing_url 1688 1003)" \
    'https://m.1688.com/offer/4040001.html?spm=a26352'
is "$(printf '%s\n' "$out" | tsv_column live | tr '\n' ' ')" "live gone " \
    "the first is live, the second gone"
is "$(printf '%s\n' "$out" | tsv_column verdict | sed -n 2p)" \
    'no longer active (rule C6): HTTP 404' \
    "refused: no longer active (rule C6)"
refuses 1 '1 of 1 URLs refused' "a 1688 listing answered 410" \
    file new 1688 'https://detail.1688.com/offer/4100001.html'
is "$(printf '%s\n' "$out" | tsv_get verdict)" \
    'no longer active (rule C6): HTTP 410' "410 is gone too (C6)"
refuses 1 '1 of 1 URLs refused' \
    "a tmall listing redirected to the item-not-found page" \
    file new tmall 'https://detail.tmall.com/item.htm?id=5000001'
is "$(printf '%s\n' "$out" | tsv_get live)" gone "gone (C6)"
like "$(printf '%s\n' "$out" | tsv_get verdict)" \
    '^no longer active \(rule C6\): redirected to https://detail\.tmall\.com/auction/noitem\.htm' \
    "the verdict says where the redirect ended"
try file new tmall 'https://detail.m.tmall.com/item.htm?id=5000002'
succeeded "a tmall listing the same server answers 200 is live and filed"

# ---- a failed check is an error, never gone ----
refuses 1 '1 of 1 URLs refused' "an aliexpress listing whose server refuses the connection" \
    file new aliexpress "$(listing_url aliexpress 1004)"
is "$(printf '%s\n' "$out" | tsv_get live)" error "live: error, not gone"
like "$(printf '%s\n' "$out" | tsv_get verdict)" \
    '^the live check failed: .*\(rule C6\)' "the live check failed (C6)"
refuses 1 '1 of 1 URLs refused' "loopback without IPP_ALLOW_PRIVATE" \
    env -u IPP_ALLOW_PRIVATE HOME="$tmp/home-alice" \
    XDG_STATE_HOME="$tmp/state-alice" ipp-complain new --platform taobao \
    --ipr "$CN" --target listing --reason tm-mark-in-text \
    --supplement "$SUP" "$(listing_url taobao 1005)"
is "$(printf '%s\n' "$out" | tsv_get live)" error "a refused address is an error"
like "$(printf '%s\n' "$out" | tsv_get verdict)" \
    'the live check failed: .*(loopback|private).*\(rule C6\)' \
    "the address is refused after resolution (C6)"
refuses 1 '1 of 1 URLs refused' "a CA the checker does not trust" \
    env -u IPP_CA_BUNDLE HOME="$tmp/home-alice" \
    XDG_STATE_HOME="$tmp/state-alice" ipp-complain new --platform taobao \
    --ipr "$CN" --target listing --reason tm-mark-in-text \
    --supplement "$SUP" "$(listing_url taobao 1005)"
like "$(printf '%s\n' "$out" | tsv_get verdict)" \
    'the live check failed: TLS.*\(rule C6\)' "TLS is always verified"

# ---- check, --drop-bad, --no-check ----
refuses 1 'refused' "check of a live and a gone listing exits 1, writes nothing" \
    file check 1688 "$(listing_url 1688 1006)" \
    'https://detail.1688.com/offer/4040001.html'
is "$(printf '%s\n' "$out" | tsv_column live | tr '\n' ' ')" "live gone " \
    "check ran the live checks"
try file new 1688 --drop-bad "$(listing_url 1688 1006)" \
    'https://detail.1688.com/offer/4040001.html'
is "$rc" 1 "--drop-bad with a gone listing: exit 1"
DROP=$(printf '%s\n' "$out" | tsv_get complaint_id)
is "$(sql "SELECT group_concat(listing_id) FROM complaint_urls
    WHERE complaint_id = '$DROP'")" 1006 "the live listing is filed alone"
before=$(httpd_stat requests)
try file new 1688 --no-check 'https://detail.1688.com/offer/4100001.html'
succeeded "--no-check files a listing the check would refuse"
is "$(printf '%s\n' "$out" | tsv_get live)" unchecked "it is unchecked"
is "$(httpd_stat requests)" "$before" "and nothing was fetched"

# ---- import checks live too ----
{
	echo 'url,platform,region,ipr,target,reason,supplement'
	for u in "$(listing_url taobao 2001)" "$(listing_url 1688 2002)" \
	    'https://detail.1688.com/offer/4040001.html' "$(listing_url taobao 2003)"; do
		p=taobao
		case $u in *1688*) p=1688 ;; esac
		printf '%s,%s,,%s,listing,tm-mark-in-text,"%s"\n' "$u" "$p" \
		    "$CN" "$SUP"
	done
} >"$tmp/live.csv"
refuses 1 "$tmp/live.csv:4: no longer active \\(rule C6\\)" \
    "import: the gone row is refused with its line (C6)" \
    as alice ipp-complain import "$tmp/live.csv"
try as alice ipp-complain import --drop-bad "$tmp/live.csv"
is "$rc" 1 "import --drop-bad with a gone row: exit 1"
is "$(printf '%s\n' "$out" | tsv_column urls | tr '\n' ' ')" "2 1 " \
    "the live rows are filed: two taobao, one 1688"
is "$(sql "SELECT count(*) FROM complaint_urls WHERE listing_id = '4040001'")" 0 \
    "the gone listing is not"

done_testing
