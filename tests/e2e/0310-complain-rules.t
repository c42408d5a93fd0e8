#!/bin/sh
# Each rule of ipp-complain new broken alone: the complaint is refused
# with exit 1, the message names the rule, and the store is left as it
# was.  C1 platform and region, C3 target, C4 reason code, C5 URL count,
# structure and duplicates, C7 supplement, C9 ramp guard with its G4
# projection, A5 identity, I7 the IPR.  And the boundaries that pass:
# exactly 300 URLs, exactly 20 URLs without --force, a supplement of
# exactly 20 characters, an IPR expiring tomorrow.  (C2 has a test of
# its own, 0320; C6 is 0380.)
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified (A5)"
CN=$(trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "alice has a verified CN trademark"
A_TOKEN=$(as alice ipp-register token)
like "$A_TOKEN" '^[0-9a-f]{64}$' "alice has an API token (the clock moves by days)"

SUP='The listing sells shoes under our registered ACME mark.'

# new_as USER PLATFORM [OPTIONS] [URL...]: `new` as USER backed by the CN
# trademark with the listing reason tm-mark-in-text, no live checks;
# later options win (getopt_long keeps the last).
new_as() {
	_na_user=$1
	_na_platform=$2
	shift 2
	as "$_na_user" ipp-complain new --platform "$_na_platform" --ipr "$CN" \
	    --target listing --reason tm-mark-in-text --supplement "$SUP" \
	    --no-check "$@"
}
tb() {
	new_as alice taobao "$@"
}
u() {
	listing_url taobao "$1"
}

# A complaint that passes, so that the refusals below are refusals of
# one thing each.
try tb "$(u 100)"
succeeded "the baseline: a taobao listing complaint passes"
BASE=$(printf '%s\n' "$out" | tsv_get complaint_id)

# ---- C1: platform and region ----
refuses 1 "platform 'ebay' is not taobao, .*\\(rule C1\\)" \
    "an unknown platform (C1)" new_as alice ebay "$(u 110)"
refuses 1 "platform 'lazada' is not .*lazada with a region sg, id, my, th, ph or vn \\(rule C1\\)" \
    "lazada without a region (C1)" new_as alice lazada "$(listing_url lazada-sg 110)"
refuses 1 "platform 'lazada' region us is not .*\\(rule C1\\)" \
    "lazada with a region it does not have (C1)" \
    new_as alice lazada --region us "$(listing_url lazada-sg 110)"
refuses 1 "platform 'taobao' region sg .*\\(rule C1\\)" \
    "a region on a platform without regions (C1)" \
    new_as alice taobao --region sg "$(u 110)"
refuses 1 '1 of 1 URLs refused: nothing filed' \
    "a tmall listing in a taobao complaint" \
    tb 'https://detail.tmall.com/item.htm?id=110'
like "$(printf '%s\n' "$out" | tsv_get verdict)" \
    'a tmall URL in a taobao complaint \(rule C1\)' "its verdict names C1"

# ---- C3: target ----
# tm-store-name-logo is the trademark storefront reason.
refuses 1 "1688 takes complaints against listings only; .*\\(rule C3\\)" \
    "a storefront complaint on 1688 (C3)" \
    new_as alice 1688 --target storefront --reason tm-store-name-logo \
    "$(listing_url 1688 120)"
refuses 1 "aliexpress takes complaints against listings only; .*\\(rule C3\\)" \
    "a storefront complaint on aliexpress (C3)" \
    new_as alice aliexpress --target storefront --reason tm-store-name-logo \
    "$(listing_url aliexpress 120)"
refuses 1 "target must be listing or storefront, not 'shop' \\(rule C3\\)" \
    "a target that is neither (C3)" new_as alice taobao --target shop "$(u 120)"
refuses 1 '1 of 1 URLs refused' "a listing URL in a storefront complaint" \
    new_as alice taobao --target storefront --reason tm-store-name-logo "$(u 120)"
like "$(printf '%s\n' "$out" | tsv_get verdict)" \
    'a listing URL in a complaint against a storefront \(rule C3\)' \
    "its verdict names C3"
try new_as alice taobao --target storefront --reason tm-store-name-logo \
    'https://shop120.taobao.com/'
succeeded "a storefront complaint on taobao passes (C3)"
is "$(printf '%s\n' "$out" | tsv_get target)" storefront "the URL is a storefront"

# ---- C4: reason code ----
refuses 1 "reason 'cr-pirated-copy' is for a copyright against a listing, not a trademark against a listing.*\\(rule C4\\)" \
    "a copyright reason with a trademark (C4)" \
    tb --reason cr-pirated-copy "$(u 130)"
refuses 1 "reason 'tm-store-name-logo' is for a trademark against a storefront, not a trademark against a listing.*\\(rule C4\\)" \
    "a storefront reason in a listing complaint (C4)" \
    tb --reason tm-store-name-logo "$(u 130)"
refuses 1 "no reason code 'tm-made-up' in the catalog.*\\(rule C4\\)" \
    "a reason code not in the catalog (C4)" tb --reason tm-made-up "$(u 130)"

# ---- C5: 1 to 300 URLs, structure, duplicates ----
refuses 1 'a complaint has 1 to 300 URLs, not 0 \(rule C5\)' \
    "no URL at all (C5)" tb
refusesin "$(listing_urls taobao 1000 301)" 1 \
    'a complaint has 1 to 300 URLs, not 301 \(rule C5\)' \
    "301 URLs, even with --force (C5)" tb --force
refuses 1 '1 of 1 URLs refused: nothing filed' "a malformed URL" \
    tb 'https://item.taobao.com/item.htm?spm=a1z10'
like "$(printf '%s\n' "$out" | tsv_get verdict)" "no id.*\\(rule C5\\)" \
    "its verdict: no id (C5)"
is "$(printf '%s\n' "$out" | tsv_get structure)" \
    "$(printf '%s\n' "$out" | tsv_get verdict)" "the structure column says the same"
refuses 1 '1 of 2 URLs refused' "one listing twice, in two spellings" \
    tb "$(u 140)" 'https://h5.m.taobao.com/awp/core/detail.htm?id=140&spm=x'
like "$(printf '%s\n' "$out" | tsv_column verdict | sed -n 2p)" \
    'the same listing as URL 1 of this complaint \(rule C5\)' \
    "the second names the first (C5)"
refuses 1 '1 of 1 URLs refused' "a listing already in an open complaint" \
    tb 'http://item.taobao.com/item.htm?id=100&scm=1007.1'
like "$(printf '%s\n' "$out" | tsv_get verdict)" \
    "already in open complaint $BASE \\(rule C5\\)" \
    "the verdict names the earlier complaint (C5)"

snapshot
tryin "$(listing_urls taobao 1000 300)" tb --force
succeeded "exactly 300 URLs pass (C5)"
C300=$(printf '%s\n' "$out" | tsv_get complaint_id)
is "$(printf '%s\n' "$out" | tsv_rows)" 300 "300 verdict rows"
is "$(sql "SELECT count(*) FROM complaint_urls WHERE complaint_id = '$C300'")" 300 \
    "300 URLs in the complaint"

# ---- C7: supplementary reasons of at least 20 characters ----
refuses 1 'need at least 20 characters, 19 given \(rule C7\)' \
    "a supplement of 19 characters (C7)" \
    tb --supplement 'Fake ACME shoes sol' "$(u 150)"
refuses 1 'need at least 20 characters, 19 given \(rule C7\)' \
    "19 Chinese characters (57 bytes) are 19 characters (C7)" \
    tb --supplement '假冒注册商标鞋子商品在网店公开出售中了' "$(u 150)"
refuses 1 'need at least 20 characters, 0 given \(rule C7\)' \
    "no supplement at all (C7)" \
    as alice ipp-complain new --platform taobao --ipr "$CN" --target listing \
    --reason tm-mark-in-text --no-check "$(u 150)"
try tb --supplement 'Fake ACME shoes sold' "$(u 150)"
succeeded "a supplement of exactly 20 characters passes (C7)"
try tb --supplement '假冒注册商标鞋子商品在网店公开出售中了吗' "$(u 151)"
succeeded "20 Chinese characters pass (C7)"

# Counterfeit reasons warn when no evidence is attached (C7).
try tb --reason tm-counterfeit-goods "$(u 160)"
succeeded "a counterfeit complaint without evidence is filed"
like "$err" "warning: 'tm-counterfeit-goods' is a counterfeit reason and no evidence is attached.*\\(rule C7\\)" \
    "with a warning naming C7"
C160=$(printf '%s\n' "$out" | tsv_get complaint_id)
is "$(sql "SELECT priority FROM complaints WHERE complaint_id = $C160")" high \
    "counterfeit is high priority (C4)"
is "$(sql "SELECT due_at FROM complaints WHERE complaint_id = $C160")" \
    2026-02-01T09:00:00Z "due within 24 hours (C10)"
make_doc "$tmp/evidence.pdf" 'test purchase of a fake ACME shoe'
try tb --reason tm-counterfeit-goods --evidence "$tmp/evidence.pdf" "$(u 161)"
succeeded "a counterfeit complaint with evidence"
unlike "$err" 'warning' "no warning"
C161=$(printf '%s\n' "$out" | tsv_get complaint_id)
is "$(sql "SELECT sha256 || ' ' || name FROM complaint_evidence WHERE complaint_id = $C161")" \
    "$(sha "$tmp/evidence.pdf") evidence.pdf" "the evidence is attached by content (D1)"
printf 'plain text, not evidence\n' >"$tmp/notes.txt"
refuses 1 'evidence: .*(PDF|pdf).*\(rule D2\)' "evidence that is text (D2)" \
    tb --reason tm-counterfeit-goods --evidence "$tmp/notes.txt" "$(u 162)"

# ---- C9: more than 20 URLs from a new account needs --force ----
try tb --no-check $(listing_urls taobao 2000 20)
succeeded "20 URLs pass without --force (C9)"
refusesin "$(listing_urls taobao 2100 21)" 1 \
    'a complaint of 21 URLs needs --force: the account has 0 decided URLs \(50 needed\), 0 removed \(90% needed\); if all 21 were rejected it would need 189 accepted URLs to reach 90% \(rules C9, G4\)' \
    "21 URLs without --force on a new account (C9, G4 projection)" tb
tryin "$(listing_urls taobao 2100 21)" tb --force
succeeded "21 URLs with --force are filed (C9)"
is "$(printf '%s\n' "$out" | tsv_rows)" 21 "all 21"

# ---- A5: an account whose identity is not verified ----
B_ID=$(signup bob bob@example.com)
like "$B_ID" '^[0-9]+$' "bob is signed up, no identity yet"
refuses 1 "the account is 'active': complete the identity information .*\\(rule A5\\)" \
    "an account without identity (A5)" new_as bob taobao "$(u 170)"
make_doc "$tmp/bob-id.pdf" 'identity of Bob Wu'
ok "bob submits his identity" as bob ipp-register identity --name 'Bob Wu' \
    --doc "$tmp/bob-id.pdf"
refuses 1 "the account is 'identity-pending'.*\\(rule A5\\)" \
    "an identity waiting for the handler (A5)" new_as bob taobao "$(u 170)"
try as handler ipp-register reject --reason 'the document is unreadable' "$B_ID"
succeeded "the handler rejects bob's identity"
refuses 1 "the account is 'identity-rejected'.*\\(rule A5\\)" \
    "a rejected identity (A5)" new_as bob taobao "$(u 170)"
refuses 1 'a case handler files nothing of its own' \
    "a case handler files no complaint" new_as handler taobao "$(u 170)"

# ---- I7: only a verified, unexpired IPR of the account ----
PENDING=$(as alice ipp-ipr add --type trademark --name ACME --number TM-CN-P \
    --registrant 'Acme Holdings' --jurisdiction CN --expires 2030-12-31 \
    --class 25 --brand Acme --certificate "$tmp/tm-cert.pdf" \
    --authorization "$tmp/tm-auth.pdf" | tsv_get ipr_id)
like "$PENDING" '^[0-9]+$' "a trademark left pending"
refuses 1 "IPR $PENDING is pending: only a verified IPR can back a complaint \\(rule I7\\)" \
    "a pending IPR (I7)" tb --ipr "$PENDING" "$(u 180)"
FAILED=$(as alice ipp-ipr add --type trademark --name ACME --number TM-CN-F \
    --registrant 'Acme Holdings' --jurisdiction CN --expires 2030-12-31 \
    --class 25 --brand Acme --certificate "$tmp/tm-cert.pdf" \
    --authorization "$tmp/tm-auth.pdf" | tsv_get ipr_id)
try as handler ipp-ipr fail --reason 'the certificate is for another mark' "$FAILED"
succeeded "the handler fails a trademark"
refuses 1 "IPR $FAILED is failed: only a verified IPR can back a complaint \\(rule I7\\)" \
    "a failed IPR (I7)" tb --ipr "$FAILED" "$(u 180)"
C_ID=$(verified_account carol carol@example.com 'Carol Ng')
CAROL=$(trademark_ipr carol CN TM-CN-CAROL)
like "$CAROL" '^[0-9]+$' "carol has a verified CN trademark of her own"
refuses 1 "no IPR '$CAROL' of the account \\(rule I7\\)" \
    "another account's verified IPR (I7)" tb --ipr "$CAROL" "$(u 180)"
refuses 1 "no IPR .* \\(rule I[78]\\)" "an IPR that does not exist (I7)" \
    tb --ipr 99999 "$(u 180)"

# The IPR expires tomorrow: good today and on its last day, not after.
TOMORROW=$(trademark_ipr alice CN TM-CN-EXP 2026-02-01)
like "$TOMORROW" '^[0-9]+$' "a verified trademark expiring tomorrow, 2026-02-01"
try tb --ipr "$TOMORROW" "$(u 190)"
succeeded "an IPR expiring tomorrow backs a complaint today (I7)"
now_set 2026-02-01T23:59:00Z
try env IPP_TOKEN="$A_TOKEN" ipp-complain new --platform taobao \
    --ipr "$TOMORROW" --target listing --reason tm-mark-in-text \
    --supplement "$SUP" --no-check "$(u 191)"
succeeded "and on its expiry day (I7)"
now_set 2026-02-02T00:00:00Z
refuses 1 "IPR $TOMORROW expired on 2026-02-01 and can back no complaint \\(rule I7\\)" \
    "the day after its expiry (I7)" env IPP_TOKEN="$A_TOKEN" ipp-complain new \
    --platform taobao --ipr "$TOMORROW" --target listing \
    --reason tm-mark-in-text --supplement "$SUP" --no-check "$(u 192)"

done_testing
