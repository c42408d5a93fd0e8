#!/bin/sh
# C1's region, given empty: a usage error (exit 2) on every platform, in
# new, check, import and the form, decided before the store is touched
# (it used to reach the store's CHECK constraint).  And the form checks a
# Lazada region against its URLs' host, as new does (C1, C5, C12).
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified"
CN=$(trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "alice has a verified CN trademark"
SG=$(trademark_ipr alice SG TM-SG-1)
like "$SG" '^[0-9]+$' "alice has a verified SG trademark"
SUP='The listing sells shoes under our registered ACME mark.'
EMPTY="an empty region: lazada takes sg, id, my, th, ph or vn, the other platforms no region at all \\(rule C1\\)"

# file_as CMD PLATFORM IPR [OPTIONS] URL...: new or check as alice.
file_as() {
	_fa_cmd=$1
	_fa_platform=$2
	_fa_ipr=$3
	shift 3
	as alice ipp-complain "$_fa_cmd" --platform "$_fa_platform" \
	    --ipr "$_fa_ipr" --target listing --reason tm-mark-in-text \
	    --supplement "$SUP" --no-check "$@"
}

# ---- new and check: --region '' on every platform ----
for p in taobao tmall tmall-global 1688 alibaba aliexpress; do
	refuses 2 "$EMPTY" "new --platform $p --region '' (C1)" \
	    file_as new "$p" "$CN" --region '' "$(listing_url "$p" 10)"
done
refuses 2 "$EMPTY" "new --platform lazada --region '' (C1)" \
    file_as new lazada "$SG" --region '' "$(listing_url lazada-sg 10)"
refuses 2 "$EMPTY" "a blank region is empty too (C1)" \
    file_as new taobao "$CN" --region ' ' "$(listing_url taobao 10)"
refuses 2 "$EMPTY" "check --platform taobao --region '' (C1)" \
    file_as check taobao "$CN" --region '' "$(listing_url taobao 10)"
refuses 2 "$EMPTY" "check --platform lazada --region '' (C1)" \
    file_as check lazada "$SG" --region '' "$(listing_url lazada-sg 10)"
is "$(sql "SELECT count(*) FROM complaints")" 0 "no complaint was filed"

# Before the store: nobody signed in, no store at all, the same answer.
refuses 2 "$EMPTY" "refused before the store is opened" \
    as nobody ipp-complain -d "$tmp/no-such-store.db" new --platform taobao \
    --region '' --ipr "$CN" --target listing --reason tm-mark-in-text \
    --supplement "$SUP" --no-check "$(listing_url taobao 10)"
ok "and no store was created" [ ! -e "$tmp/no-such-store.db" ]

# Without --region, and with lazada's own, filing works.
try file_as new taobao "$CN" "$(listing_url taobao 11)"
succeeded "taobao without --region files"
try file_as new lazada "$SG" --region sg "$(listing_url lazada-sg 11)"
succeeded "lazada --region sg files"
is "$(sql "SELECT group_concat(platform || ':' || coalesce(region, 'NULL'), ' ')
    FROM (SELECT * FROM complaints ORDER BY complaint_id) AS c")" \
    "taobao:NULL lazada:sg" "no empty region is ever stored"

# ---- import: a blank region cell ----
# An empty cell is no region, as every empty cell of an import is (CSV
# has no NULL); a blank one (quoted spaces) is an empty region, refused
# on its line; lazada needs its region.
{
	echo 'url,platform,region,ipr,target,reason,supplement'
	printf '%s,taobao,,%s,listing,tm-mark-in-text,%s\n' \
	    "$(listing_url taobao 20)" "$CN" "$SUP"
	printf '%s,taobao," ",%s,listing,tm-mark-in-text,%s\n' \
	    "$(listing_url taobao 21)" "$CN" "$SUP"
	printf '%s,lazada,,%s,listing,tm-mark-in-text,%s\n' \
	    "$(listing_url lazada-sg 22)" "$SG" "$SUP"
	printf '%s,lazada," ",%s,listing,tm-mark-in-text,%s\n' \
	    "$(listing_url lazada-sg 23)" "$SG" "$SUP"
} >"$tmp/regions.csv"
refuses 1 "regions.csv:3: $EMPTY" "import: a blank region on taobao (C1)" \
    as alice ipp-complain import --no-check "$tmp/regions.csv"
like "$err" "regions.csv:4: platform 'lazada' is not .*\\(rule C1\\)" \
    "import: lazada without its region (C1)"
like "$err" "regions.csv:5: $EMPTY" "import: a blank region on lazada (C1)"
unlike "$err" "regions.csv:2:" "the taobao row without a region passes"
unlike "$err" "CHECK constraint" "no store error"

# ---- the form ----
RIGHT='ACME, trademark registered in Singapore under number 12345678'
form() {
	as nobody ipp-complain form --email rita@example.org --name 'Rita Chan' \
	    --right-description "$RIGHT" --reason tm-counterfeit-goods "$@"
}
refuses 2 "$EMPTY" "form --platform taobao --region '' (C1)" \
    form --platform taobao --region '' "$(listing_url taobao 30)"
refuses 2 "$EMPTY" "form --platform lazada --region '' (C1)" \
    form --platform lazada --region '' "$(listing_url lazada-sg 30)"
is "$(sql "SELECT count(*) FROM notices")" 0 "no notice was stored"

# The form's Lazada region is its URLs' host (C1, C5, C12).
refuses 1 "URL 1: a lazada-th listing in a lazada-sg notice \\(rules C1, C5, C12\\)" \
    "form: a lazada.co.th URL in a lazada-sg notice" \
    form --platform lazada --region sg "$(listing_url lazada-th 31)"
refuses 1 "URL 2: a lazada-my listing in a lazada-sg notice \\(rules C1, C5, C12\\)" \
    "form: the second URL of another region" \
    form --platform lazada --region sg "$(listing_url lazada-sg 32)" \
    "$(listing_url lazada-my 33)"
try form --platform lazada --region th "$(listing_url lazada-th 31)"
succeeded "form: a lazada.co.th URL in a lazada-th notice"
is "$(sql "SELECT platform || '-' || region FROM notices")" "lazada-th" \
    "the notice is stored with its region"

done_testing
