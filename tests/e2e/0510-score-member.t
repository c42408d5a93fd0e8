#!/bin/sh
# Good Faith membership (G3, G5) and its benefits (C7, C10): the
# declaration, enrolment refused naming each requirement, gained, lost
# with its reason (and a mail) when a rejection drops the rate, refused
# again within the wait, regained after it; a member's complaint due in
# half the time with no supplement minimum for a counterfeit reason, in
# new, check and import, and not after leaving.
. "$(dirname "$0")/lib.sh"

now_set 2026-03-01T00:00:00Z
ok "init and the handler's sign-in" init_store cases@ipp.test
ok "sessions last a year here" as handler ipp-register set session_hours 8760
ok "the handler signs in again" login_as handler cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
CN=$(trademark_ipr alice CN TM-CN-1 2035-12-31)
like "$A_ID $CN" '^[0-9]+ [0-9]+$' "alice and her trademark"
ok "alice's sessions last a year too" login_as alice alice@example.com

seed() {
	printf '%s\n' "$@" | scoreseed "$IPP_DB" >/dev/null
}
# status_field COLUMN: of alice's status row.
status_field() {
	as alice ipp-score status | tsv_get "$1"
}

seed "$A_ID $CN taobao tm-counterfeit-goods removed 2026-02-01T00:00:00Z 9" \
    "$A_ID $CN taobao tm-counterfeit-goods rejected 2026-02-01T00:00:00Z 1"

# ---- the declaration (G3) ----
try as alice ipp-score declare
succeeded "declare prints the declaration"
like "$(printf '%s\n' "$out" | head -1)" '^Version: [0-9]{4}-[0-9]{2}$' \
    "its version on the first line"
like "$out" 'Good Faith declaration' "and its text"
VERSION=$(printf '%s\n' "$out" | head -1 | sed 's/^Version: //')
is "$(status_field failing)" G3-declaration "unsigned, the declaration blocks"
refuses 1 'G3: the Good Faith declaration is not signed' \
    "enrol before signing is refused, naming G3" as alice ipp-score enrol
try as alice ipp-score declare --accept
succeeded "declare --accept"
is "$(sql "SELECT version || ' ' || signed_at FROM declarations")" \
    "$VERSION 2026-03-01T00:00:00Z" "version and time recorded"
refuses 1 "version $VERSION is signed already" "signing twice" \
    as alice ipp-score declare --accept

# ---- gained at exactly 90 % ----
try as alice ipp-score enrol
succeeded "9 of 10 removed, signed: enrol"
is "$(printf '%s\n' "$out" | tsv_get member) $(printf '%s\n' "$out" | tsv_get enrolled_at)" \
    "1 2026-03-01T00:00:00Z" "a member since now"
refuses 1 "member already, since 2026-03-01T00:00:00Z" "enrol twice" \
    as alice ipp-score enrol

# ---- benefits while a member (C7, C10) ----
try as alice ipp-complain new --platform taobao --ipr "$CN" --target listing \
    --reason tm-counterfeit-goods --supplement 'fake' --no-check \
    "$(listing_url taobao 9001)"
succeeded "a member's counterfeit complaint with a 4-character supplement"
M1=$(printf '%s\n' "$out" | tsv_get complaint_id)
try as alice ipp-complain show "$M1"
is "$(printf '%s\n' "$out" | show_field due_at)" 2026-03-01T12:00:00Z \
    "due in 12 hours, half of 24 (C10)"
is "$(printf '%s\n' "$out" | show_field benefits)" \
    half-target,no-supplement-minimum "show says which benefits applied"
try as alice ipp-complain new --platform taobao --ipr "$CN" --target listing \
    --reason tm-mark-in-text --supplement 'The title uses our ACME mark.' \
    --no-check "$(listing_url taobao 9002)"
succeeded "a member's normal complaint"
M2=$(printf '%s\n' "$out" | tsv_get complaint_id)
try as alice ipp-complain show "$M2"
is "$(printf '%s\n' "$out" | show_field due_at) $(printf '%s\n' "$out" | show_field benefits)" \
    "2026-03-02T12:00:00Z half-target" "36 hours, half of 72; the normal burden"
refuses 1 'at least 20 characters, 4 given \(rule C7\)' \
    "a normal reason keeps the minimum for a member" \
    as alice ipp-complain check --platform taobao --ipr "$CN" --target listing \
    --reason tm-mark-in-text --supplement 'fake' --no-check \
    "$(listing_url taobao 9003)"
try as alice ipp-complain check --platform taobao --ipr "$CN" \
    --target listing --reason tm-counterfeit-goods --supplement '' \
    --no-check "$(listing_url taobao 9004)"
succeeded "check applies the lower burden too"
printf 'url\tplatform\tipr\ttarget\treason\tsupplement\n%s\ttaobao\t%s\tlisting\ttm-counterfeit-goods\tfake\n' \
    "$(listing_url taobao 9005)" "$CN" >"$tmp/member.tsv"
try as alice ipp-complain import --no-check "$tmp/member.tsv"
succeeded "import applies the lower burden"
M3=$(sql "SELECT max(complaint_id) FROM complaints")
is "$(sql "SELECT good_faith || ' ' || due_at FROM complaints WHERE complaint_id = $M3")" \
    "1 2026-03-01T12:00:00Z" "and the half target"

# ---- lost, with its reason and a mail, when a rejection drops the rate ----
now_add 60
seed "$A_ID $CN taobao tm-counterfeit-goods rejected 2026-03-01T00:00:30Z 1"
# cron's tick re-assesses every membership (G5), before anyone looks.
try as handler ipp-counter tick
succeeded "the tick runs"
is "$(sql "SELECT ended_at FROM memberships WHERE account_id = $A_ID")" \
    2026-03-01T00:01:00Z "the tick ended the membership"
try as alice ipp-score show
succeeded "show re-assesses membership"
is "$(status_field member)" 0 "9 of 11 removed: the membership ended"
is "$(status_field ended_at)" 2026-03-01T00:01:00Z "when"
like "$(status_field end_reason)" \
    '^requirements no longer hold: G1: the takedown success rate over 90 days is 81\.8 % \(9 removed of 11 decided\), below 90 %$' \
    "and why"
is "$(status_field rejoin_after)" 2026-05-30T00:01:00Z "enrolling again waits 90 days"
MAIL=$(mails_to alice@example.com | head -1)
like "$(grep -c 'Good Faith membership ended' "$MAIL")" '^[1-9]' \
    "the account is told by mail"
like "$(tr -d '\r' <"$MAIL" | grep -A1 '^Reason:' | tr '\n' ' ')" 'G1: .*81\.8' \
    "the mail gives the reason"
ended_mails() {
	mails_to alice@example.com | xargs grep -l 'Good Faith membership ended' |
	    wc -l | tr -d ' '
}
is "$(ended_mails)" 1 "one mail"
try as alice ipp-score show
is "$(ended_mails)" 1 "no second mail for the same ending"

# ---- not after leaving: no benefits ----
refuses 1 'at least 20 characters, 4 given \(rule C7\)' \
    "a former member's short supplement is refused" \
    as alice ipp-complain new --platform taobao --ipr "$CN" --target listing \
    --reason tm-counterfeit-goods --supplement 'fake' --no-check \
    "$(listing_url taobao 9006)"
try as alice ipp-complain new --platform taobao --ipr "$CN" --target listing \
    --reason tm-counterfeit-goods --supplement 'Fake ACME goods, see the photos.' \
    --no-check "$(listing_url taobao 9007)"
M4=$(printf '%s\n' "$out" | tsv_get complaint_id)
try as alice ipp-complain show "$M4"
is "$(printf '%s\n' "$out" | show_field due_at) $(printf '%s\n' "$out" | show_field benefits)" \
    "2026-03-02T00:01:00Z none" "the full 24 hours, no benefits"

# ---- refused again within 90 days, regained after ----
seed "$A_ID $CN taobao tm-counterfeit-goods removed 2026-03-01T00:00:40Z 100"
refuses 1 'enrolling again waits until 2026-05-30T00:01:00Z' \
    "good figures again, but within the wait" as alice ipp-score enrol
is "$(status_field failing)" wait "only the wait blocks"
now_set 2026-05-30T00:01:00Z
try as alice ipp-score enrol
succeeded "90 days later: enrolled again"
is "$(printf '%s\n' "$out" | tsv_get member)" 1 "a member again"
try as alice ipp-score leave
succeeded "leave"
is "$(printf '%s\n' "$out" | tsv_get member) $(printf '%s\n' "$out" | tsv_get end_reason)" \
    "0 left" "ended, the reason: left"
like "$(printf '%s\n' "$out" | tsv_get failing)" wait "and the wait applies after leaving"
try as alice ipp-complain show "$M1"
is "$(printf '%s\n' "$out" | show_field benefits)" \
    half-target,no-supplement-minimum "a complaint keeps the benefits it was filed with"

# ---- G3: an abusive mark ----
as handler ipp-complain abusive --reason 'A competitor, not a fake.' "$M4" >/dev/null
like "$(status_field failing)" 'G3-abusive' "an abusive mark blocks (G3)"
done_testing
