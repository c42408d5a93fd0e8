#!/bin/sh
# The standalone takedown form (C12): a reporter without an account
# reports at most 10 listing URLs a notice; 11 are refused, and so is an
# email that belongs to a registered account, pointed to
# `ipp-complain new`.  Every refusal exits 1, names its rule and writes
# nothing.
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice has an account"

RIGHT='ACME, trademark registered in China under number 12345678, owned by Rita Chan'

# form_as EMAIL PLATFORM [OPTIONS] URL...: the form, signed in as nobody.
form_as() {
	_fm_email=$1
	_fm_platform=$2
	shift 2
	as nobody ipp-complain form --email "$_fm_email" --name 'Rita Chan' \
	    --platform "$_fm_platform" --right-description "$RIGHT" \
	    --reason tm-counterfeit-goods "$@"
}

# ---- exactly 10 URLs pass ----
snapshot
try form_as rita@example.org taobao $(listing_urls taobao 100 10)
succeeded "a notice of exactly 10 URLs, without an account (C12)"
is "$(printf '%s\n' "$out" | head -1)" "$(printf 'notice_id\turls')" \
    "the form writes notice_id and urls"
N1=$(printf '%s\n' "$out" | tsv_get notice_id)
like "$N1" '^[1-9][0-9]*$' "a notice id"
is "$(printf '%s\n' "$out" | tsv_get urls)" 10 "of 10 URLs"
is "$(sql "SELECT email || ' ' || platform || ' ' || reason FROM notices
    WHERE notice_id = $N1")" "rita@example.org taobao tm-counterfeit-goods" \
    "the notice is stored with the reporter's email, platform and reason"
is "$(sql "SELECT count(*) FROM notice_urls WHERE notice_id = $N1")" 10 \
    "with its 10 URLs"
is "$(sql "SELECT count(*) FROM complaints")" 0 \
    "a notice is not an account's complaint"

# ---- more than 10, or none ----
refuses 1 'the takedown form takes 1 to 10 URLs, not 11: register and use .ipp-complain new. .*\(rule C12\)' \
    "11 URLs in the form (C12)" \
    form_as rita@example.org taobao $(listing_urls taobao 200 11)
refuses 1 'not 0.*\(rule C12\)' "no URL (C12)" form_as rita@example.org taobao

# ---- an email of an account goes to `new` ----
refuses 1 "'alice@example.com' belongs to a registered account: registered users file with 'ipp-complain new' \\(rules C12, C1-C9\\)" \
    "an account's email (C12)" \
    form_as alice@example.com taobao "$(listing_url taobao 300)"
refuses 1 "belongs to a registered account.*'ipp-complain new'" \
    "an account's email in other capitals (A1 compares emails case-insensitively)" \
    form_as ALICE@Example.COM taobao "$(listing_url taobao 300)"
refuses 1 "belongs to a registered account" "a handler's email" \
    form_as cases@ipp.test taobao "$(listing_url taobao 300)"

# ---- the URLs and the rest of the form ----
refuses 1 'URL 2: the same listing as URL 1 \(rule C5\)' \
    "one listing twice in a notice (C5)" form_as rita@example.org taobao \
    "$(listing_url taobao 400)" 'https://h5.m.taobao.com/x.htm?id=400'
refuses 1 'URL 1: not a taobao listing \(rules C1, C3\)' \
    "another platform's listing (C1)" \
    form_as rita@example.org taobao "$(listing_url tmall 400)"
refuses 1 'URL 1: not a taobao listing \(rules C1, C3\)' \
    "a storefront (C3)" form_as rita@example.org taobao 'https://shop400.taobao.com/'
refuses 1 'URL 1: .*\(rule C5\)' "a malformed URL (C5)" \
    form_as rita@example.org taobao 'https://item.taobao.com/item.htm'
refuses 1 "'tm-store-name-logo' is a storefront reason \\(rules C3, C12\\)" \
    "a storefront reason" form_as rita@example.org taobao \
    --reason tm-store-name-logo "$(listing_url taobao 400)"
refuses 1 "no reason code 'made-up'.*\\(rule C4\\)" "an unknown reason (C4)" \
    form_as rita@example.org taobao --reason made-up "$(listing_url taobao 400)"
refuses 1 "platform 'lazada' is not one of the marketplaces, or lazada lacks its region \\(rule C1\\)" \
    "lazada without its region (C1)" \
    form_as rita@example.org lazada "$(listing_url lazada-sg 400)"
refuses 1 'description of the right of at least 10 characters \(rule C12\)' \
    "a right described in fewer than 10 characters (C12)" \
    form_as rita@example.org taobao --right-description 'ACME' \
    "$(listing_url taobao 400)"
try form_as rita@example.org taobao --right-description '商标权利说明' \
    "$(listing_url taobao 400)"
like "$rc" '^1$' \
    "six Chinese characters (18 bytes) are fewer than 10 characters (C12)"
refuses 1 "the reporter's email" "an email that is not one" \
    form_as 'rita at example' taobao "$(listing_url taobao 400)"

try form_as rita@example.org lazada --region sg $(listing_urls lazada-sg 500 3)
succeeded "a Lazada Singapore notice"
is "$(printf '%s\n' "$out" | tsv_get urls)" 3 "of 3 URLs"
is "$(sql "SELECT count(*) FROM notices WHERE platform = 'lazada'")" 1 \
    "one Lazada notice"
is "$(sql "SELECT count(*) FROM notices WHERE email = 'rita@example.org'
    AND right_description = '$RIGHT'")" 2 \
    "two notices with the full description in all, the refused ones not stored"

done_testing
