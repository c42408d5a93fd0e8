#!/bin/sh
# The Good Faith figures (G1, G2, G4, G6) through ipp-score: the guide's
# example, each rate at its threshold and one URL either side, the
# window's edge to the second, per-platform and per-reason rows, the
# what-if, the trend, and bad input refused with nothing changed.
# Decided URLs come from tests/helpers/scoreseed, which moves them with
# ipp_move_apply as the handlers' and the tick's commands do.
. "$(dirname "$0")/lib.sh"

now_set 2026-03-01T00:00:00Z
ok "init and the handler's sign-in" init_store cases@ipp.test
ok "sessions last a year here" as handler ipp-register set session_hours 8760
ok "the handler signs in again" login_as handler cases@ipp.test
H_ID=$(sql "SELECT account_id FROM accounts WHERE email = 'cases@ipp.test'")
A_ID=$(verified_account alice alice@example.com 'Alice Li')
B_ID=$(verified_account bob bob@example.com 'Bob Wu')
CN=$(trademark_ipr alice CN TM-CN-1)
like "$A_ID $B_ID $CN" '^[0-9]+ [0-9]+ [0-9]+$' "alice and bob, alice's trademark"

# seed LINE...: complaints of alice through scoreseed.
seed() {
	printf '%s\n' "$@" | scoreseed "$IPP_DB" >/dev/null
}
# row WINDOW SCOPE COLUMN: one field of `show` output in $out.
row() {
	printf '%s\n' "$out" | awk -F '\t' -v w="$1" -v s="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["window"] == w && $c["scope"] == s { print $c["'"$3"'"] }'
}

# ---- nothing decided ----
try as alice ipp-score show
succeeded "show with nothing decided"
is "$(printf '%s\n' "$out" | head -1)" "$(printf '%s\t' account_id window \
    scope removed rejected restored withdrawn decided success_rate counters \
    counters_succeeded counter_success_rate needed below_threshold |
    sed 's/\t$//')" "show's columns"
is "$(row 90d all success_rate) $(row 90d all counter_success_rate) $(row 90d all needed)" \
    '\N 0.0 0' "no rate when nothing was decided; no counters is 0.0 (G2)"

# ---- the guide's example (G4): 300 rejected need 2,700 accepted ----
seed "$A_ID $CN tmall tm-counterfeit-goods rejected 2026-02-01T00:00:00Z 300"
try as alice ipp-score show
is "$(row 90d all rejected) $(row 90d all needed) $(row 90d all below_threshold)" \
    "300 2700 1" "300 rejected URLs need 2,700 accepted ones (G4)"
seed "$A_ID $CN taobao tm-counterfeit-goods removed 2026-02-01T00:00:00Z 2699"
try as alice ipp-score show
is "$(row 90d all success_rate) $(row 90d all needed) $(row 90d all below_threshold)" \
    "89.9 1 1" "2,699 of 2,999: 89.9 %, one short, below the threshold"
seed "$A_ID $CN taobao tm-mark-in-text removed 2026-02-02T00:00:00Z 1"
try as alice ipp-score show
is "$(row 90d all success_rate) $(row 90d all needed) $(row 90d all below_threshold)" \
    "90.0 0 0" "2,700 of 3,000: exactly 90.0 % passes (G1)"
is "$(row 90d platform:taobao removed) $(row 90d platform:tmall rejected)" \
    "2700 300" "a row per platform"
is "$(row 90d platform:tmall below_threshold) $(row 90d platform:taobao below_threshold)" \
    "1 0" "the weak platform flagged"
is "$(row 90d reason:tm-counterfeit-goods decided) $(row 90d reason:tm-mark-in-text removed)" \
    "2999 1" "a row per reason code"
is "$(printf '%s\n' "$out" | awk -F '\t' 'NR > 1 { print $2 " " $3 }' | tr '\n' '|')" \
    "90d all|90d platform:taobao|90d platform:tmall|90d reason:tm-counterfeit-goods|90d reason:tm-mark-in-text|all all|all platform:taobao|all platform:tmall|all reason:tm-counterfeit-goods|all reason:tm-mark-in-text|" \
    "rows by window, then all, platforms and reasons, sorted"

# ---- G2: exactly 5.0 % fails, 4.9 % does not ----
seed "$A_ID $CN 1688 tm-counterfeit-goods upheld 2026-02-10T00:00:00Z 19 2026-02-05T00:00:00Z" \
    "$A_ID $CN 1688 tm-counterfeit-goods overturned 2026-02-10T00:00:00Z 1 2026-02-05T00:00:00Z"
try as alice ipp-score show
is "$(row 90d all counters) $(row 90d all counters_succeeded) $(row 90d all counter_success_rate)" \
    "20 1 5.0" "1 counter won of 20: 5.0 %"
is "$(row 90d all below_threshold)" 1 "exactly 5.0 % counter success fails (G2)"
seed "$A_ID $CN 1688 tm-counterfeit-goods upheld 2026-02-10T00:00:00Z 1 2026-02-05T00:00:00Z"
try as alice ipp-score show
is "$(row 90d all counter_success_rate) $(row 90d all below_threshold)" \
    "4.7 0" "1 of 21: 4.7 %, below 5 %"
is "$(row 90d all removed) $(row 90d all restored)" "2720 1" \
    "upheld takedowns count as removed, won counters as restored"

# ---- the window's edge, to the second ----
try as alice ipp-score show --at 2026-05-02T00:00:00Z
is "$(row 90d all rejected)" 300 \
    "--at 2026-05-02: the rejections of 2026-02-01T00:00:00Z, 90 days before to the second, count"
try as alice ipp-score show --at 2026-05-02T00:00:01Z
is "$(row 90d all rejected) $(row 90d all removed) $(row all all rejected)" \
    "0 21 300" "a second later they are out of the window, not of all time"
seed "$A_ID $CN taobao tm-mark-in-text rejected 2026-02-01T00:00:00Z 1" \
    "$A_ID $CN taobao tm-mark-in-text withdrawn 2026-01-31T23:59:59Z 1"
try as alice ipp-score show --at 2026-05-02T00:00:00Z
is "$(row 90d all rejected) $(row 90d all withdrawn)" "301 0" \
    "a URL decided 90 days ago to the second counts; one a second older does not"
is "$(row all all withdrawn)" 1 "the older one is in the all-time figures"
try as alice ipp-score show --at 2026-02-01
is "$(row all all decided)" 3001 "--at a date: what was final by its midnight"

# ---- what-if (G4) and trend ----
try as alice ipp-score what-if --rejected 300
succeeded "what-if --rejected 300"
is "$(printf '%s\n' "$out" | awk -F '\t' 'NR > 1 { print $2, $3, $5, $13 }' | tr '\n' '|')" \
    "90d today 301 7|90d rejected+300 601 2707|all today 301 7|all rejected+300 601 2707|" \
    "today's projection beside the batch's"
printf 'url,platform,ipr,target,reason,supplement\n%s\n%s\n' \
    "$(listing_url taobao 1),taobao,x,listing,tm-counterfeit-goods,s" \
    "$(listing_url taobao 2),taobao,x,listing,tm-counterfeit-goods,s" \
    >"$tmp/batch.csv"
try as alice ipp-score what-if "$tmp/batch.csv"
succeeded "what-if of an import file"
is "$(printf '%s\n' "$out" | awk -F '\t' 'NR == 3 { print $3, $5 }')" \
    "rejected+2 303" "its URLs counted as a rejected batch"
try as alice ipp-score trend --weeks 3
succeeded "trend --weeks 3"
is "$(printf '%s\n' "$out" | awk -F '\t' 'NR > 1 { print $2 }' | tr '\n' ' ')" \
    "2026-02-15T00:00:00Z 2026-02-22T00:00:00Z 2026-03-01T00:00:00Z " \
    "weekly points, oldest first"

# ---- who sees what ----
try as handler ipp-score show --all
succeeded "a handler's --all"
is "$(printf '%s\n' "$out" | awk -F '\t' 'NR > 1 && $3 == "all" { print $1 }' | sort -u | tr '\n' ' ')" \
    "$A_ID $B_ID " "every account, no handler"
try as handler ipp-score show --account "$A_ID"
is "$(row 90d all removed)" 2720 "a handler names an account"
try as alice ipp-score show --account "$A_ID"
succeeded "an account may name itself"

# ---- bad input: a clear message, nothing changed ----
refuses 1 "no account 999" "an account that does not exist" \
    as handler ipp-score show --account 999
refuses 5 "own figures only, not those of account $B_ID" \
    "an account asking for another's figures" \
    as alice ipp-score show --account "$B_ID"
refuses 5 "own figures only" "an account asking for --all" \
    as alice ipp-score status --all
refuses 2 "names an account" "a handler naming none" as handler ipp-score show
refuses 2 "not a time: 'yesterday'" "--at that is not a time" \
    as alice ipp-score show --at yesterday
refuses 2 "not a time: '2026-02-30'" "--at a day that does not exist" \
    as alice ipp-score show --at 2026-02-30
refuses 2 "0 or more, not '-5'" "what-if with a negative N" \
    as alice ipp-score what-if --rejected -5
refuses 2 "0 or more, not 'lots'" "what-if with a non-numeric N" \
    as alice ipp-score what-if --rejected lots
refuses 2 "what-if takes --rejected N or one import file" "what-if of nothing" \
    as alice ipp-score what-if
printf 'a,b\n1,2\n' >"$tmp/nourl.csv"
refuses 4 "nourl.csv: no url column" "what-if of a file without URLs" \
    as alice ipp-score what-if "$tmp/nourl.csv"
refuses 2 "1 to 520, not '0'" "trend --weeks 0" as alice ipp-score trend --weeks 0
refuses 1 "not a Good Faith member" "leave when not a member" \
    as alice ipp-score leave
refuses 5 "case handler" "a handler cannot enrol" as handler ipp-score enrol
done_testing
