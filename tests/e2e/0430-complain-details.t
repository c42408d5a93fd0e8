#!/bin/sh
# Complaint details (H4): show prints a complaint whole, history every
# move of its URLs, oldest first, for its account and for a handler;
# another account is refused as if it did not exist.  The relisting
# watch (H5): removed listings checked live again against local https
# servers, the live ones recorded and printed in import's columns, so
# that watch | import - files them again.
. "$(dirname "$0")/lib.sh"

now_set 2026-03-06T02:00:00Z
ok "init and the handler's sign-in" init_store cases@ipp.test
ok "sessions last a year here" as handler ipp-register set session_hours 8760
ok "the handler signs in again" login_as handler cases@ipp.test
H_ID=$(sql "SELECT account_id FROM accounts WHERE email = 'cases@ipp.test'")
A_ID=$(verified_account alice alice@example.com 'Alice Li')
CN=$(trademark_ipr alice CN TM-CN-1)
B_ID=$(verified_account bob bob@example.com 'Bob Wu')
like "$CN $B_ID" '^[0-9]+ [0-9]+$' "alice has a trademark; bob is verified"
SUP='The listing sells shoes under our registered ACME mark.'
make_doc "$tmp/photo.pdf" 'test purchase photographs'

try as alice ipp-complain new --platform 1688 --ipr "$CN" --target listing \
    --reason tm-counterfeit-goods --supplement "$SUP" --no-check \
    --evidence "$tmp/photo.pdf" $(listing_urls 1688 4001 3) \
    "$(listing_url 1688 4100001)"
succeeded "alice files four 1688 listings with evidence"
C=$(printf '%s\n' "$out" | tsv_get complaint_id)
set -- $(sql "SELECT group_concat(url_id, ' ') FROM complaint_urls
    WHERE complaint_id = $C")
U1=$1 U2=$2 U3=$3 U4=$4
now_add 3600
as handler ipp-complain accept "$U1" "$U2" "$U4" >/dev/null 2>&1
as handler ipp-complain reject --reason 'Genuine goods, resold.' "$U3" \
    >/dev/null 2>&1
as handler ipp-complain abusive --reason 'Looks like a competitor.' "$C" \
    >/dev/null

# ---- show (H4) ----
# field NAME: the value of field NAME in show's output ($out).
field() {
	printf '%s\n' "$out" | awk -F '\t' -v f="$1" '$1 == f { print $2 }'
}
try as alice ipp-complain show "$C"
succeeded "show"
is "$(printf '%s\n' "$out" | head -1)" "$(printf 'field\tvalue')" \
    "show's columns: field and value"
is "$(field ipr_id) $(field ipr_type) $(field platform) $(field target)" \
    "$CN trademark 1688 listing" "the IPR, platform and target"
is "$(field reason): $(field reason_label)" \
    "tm-counterfeit-goods: $(ipp-complain reasons | awk -F '\t' \
    '$1 == "tm-counterfeit-goods" { print $4 }')" "reason code and label (C4)"
is "$(field priority) $(field due_at)" "high 2026-03-07T02:00:00Z" \
    "priority and target time (C10)"
is "$(field supplement)" "$SUP" "the supplement"
is "$(field evidence)" "$(sha "$tmp/photo.pdf") photo.pdf" \
    "the evidence, by hash and name"
is "$(field state) $(field urls) $(field urls_pending-counter) $(field urls_rejected) $(field urls_submitted)" \
    "open 4 3 1 0" "its state and URL counts by state"
is "$(field abusive)" yes "an abusive mark (H3)"
like "$(field mark)" '^2026-03-06T03:00:00Z mark Looks like a competitor\.$' \
    "listed with its time and reason"
is "$(field overdue)" no "not overdue"
try as handler ipp-complain show "$C"
succeeded "a handler sees it too"
is "$(field account_id)" "$A_ID" "whose it is"
refuses 1 "no complaint $C" "bob cannot see alice's complaint" \
    as bob ipp-complain show "$C"
refuses 1 'no complaint 999' "a complaint that does not exist" \
    as alice ipp-complain show 999
refuses 2 'show needs one complaint id' "show of no number" \
    as alice ipp-complain show x

# ---- history (H4) ----
HIST_HEADER=$(printf '%s\t' url_id at actor_id actor from_state to_state \
    reason | sed 's/\t$//')
try as alice ipp-complain history "$C"
succeeded "history of a complaint"
is "$(printf '%s\n' "$out" | head -1)" "$HIST_HEADER" "history's columns"
is "$(printf '%s\n' "$out" | tsv_rows)" 8 "filing and a decision for each URL"
is "$(printf '%s\n' "$out" | sed -n 2p)" \
    "$(printf '%s\t2026-03-06T02:00:00Z\t%s\taccount\t\\N\tsubmitted\t\\N' "$U1" "$A_ID")" \
    "oldest first: the filing, by the account"
is "$(printf '%s\n' "$out" | tail -1)" \
    "$(printf '%s\t2026-03-06T03:00:00Z\t%s\thandler\tsubmitted\trejected\tGenuine goods, resold.' "$U3" "$H_ID")" \
    "the rejection last, by the handler, with its reason"
try as alice ipp-complain history --url "$U2"
is "$(printf '%s\n' "$out" | tsv_column to_state | tr '\n' ' ')" \
    "submitted pending-counter " "history --url: one URL's moves"
try as handler ipp-complain history --url "$U2"
is "$(printf '%s\n' "$out" | tsv_rows)" 2 "a handler's history"
refuses 1 "no complaint $C" "bob cannot see its history" \
    as bob ipp-complain history "$C"
refuses 1 "no URL $U2" "nor a URL's" as bob ipp-complain history --url "$U2"
refuses 2 'not both' "a complaint and --url" \
    as alice ipp-complain history --url "$U2" "$C"
try as alice ipp-complain urls --complaint "$C"
is "$(printf '%s\n' "$out" | tsv_rows)" 4 "urls --complaint lists its URLs"

# ---- the relisting watch (H5) ----
try as alice ipp-complain watch --no-check
is "$rc" 1 "nothing removed yet: watch exits 1"
# The counter windows close without a counter: the tick of the
# counter-notice issue makes these moves; here the store is set as it
# will.
sql "UPDATE complaint_urls SET state = 'removed', final_at =
    window_ends_at, updated_at = window_ends_at WHERE state =
    'pending-counter'; INSERT INTO url_moves (url_id, from_state, to_state,
    at) SELECT url_id, 'pending-counter', 'removed', final_at FROM
    complaint_urls WHERE state = 'removed'"
now_set 2026-03-20T02:00:00Z
ok "testhttpd serves https on 127.0.0.1" start_httpd httpd
ok "openssl s_server answers for gone listings" start_raw_https gone
raw_page gone offer/4002.html '404 Not Found'
raw_page gone offer/4100001.html '410 Gone'
# 1688 to s_server: 4001 has no page there, so it answers 200 (live).
IPP_CONNECT_TO="detail.1688.com:443:127.0.0.1:$raw_port,::127.0.0.1:$httpd_port"
export IPP_CONNECT_TO
try as alice ipp-complain watch
succeeded "watch finds a relisted listing: exit 0"
WATCH_HEADER=$(printf '%s\t' url platform region ipr target reason supplement \
    url_id complaint_id | sed 's/\t$//')
is "$(printf '%s\n' "$out" | head -1)" "$WATCH_HEADER" \
    "watch's columns: import's, then url_id and complaint_id"
is "$(printf '%s\n' "$out" | tsv_rows)" 1 "one of the three removed is back"
is "$(printf '%s\n' "$out" | sed -n 2p)" \
    "$(printf '%s\t1688\t\\N\t%s\tlisting\ttm-counterfeit-goods\t%s\t%s\t%s' \
    "$(listing_url 1688 4001)" "$CN" "$SUP" "$U1" "$C")" "the relisted listing"
is "$(sql "SELECT url_id || ' ' || found_at || ' ' || status FROM relistings")" \
    "$U1 2026-03-20T02:00:00Z 200" "the finding is recorded with its time"
is "$(sql "SELECT state FROM complaint_urls WHERE url_id = $U1")" removed \
    "the URL stays removed"
try as bob ipp-complain watch
is "$rc" 1 "bob has nothing removed: exit 1"
try as handler ipp-complain watch --no-check
is "$(printf '%s\n' "$out" | tsv_column url_id | tr '\n' ' ')" \
    "$U1 $U2 $U4 " "watch --no-check lists every removed listing, fetching none"
try as handler ipp-complain watch --since 2026-03-12
is "$rc" 1 "watch --since after the removals: nothing"
try as handler ipp-complain watch --since yesterday
is "$rc" 2 "--since takes a date"
try as alice ipp-complain watch --complaint 999
is "$rc" 1 "watch --complaint of another complaint: nothing"
try as alice sh -c 'ipp-complain watch | ipp-complain import -'
succeeded "watch | import - files the relisted listing again"
AGAIN=$(printf '%s\n' "$out" | tsv_get complaint_id)
is "$(sql "SELECT canonical_url || ' ' || state FROM complaint_urls
    WHERE complaint_id = $AGAIN")" "$(listing_url 1688 4001) submitted" \
    "in a new complaint, submitted"

done_testing
