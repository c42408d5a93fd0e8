#!/bin/sh
# Case handlers decide complaints (H1, H2): the queue of submitted URLs
# by target time (C10), accept (-> pending-counter, the counter window's
# end in business days, N1) and reject with a reason (-> rejected,
# final), from arguments or a pipeline, each URL on its own, each move
# recorded; every refusal with its id or line and nothing applied for
# it; one digest mail per account per batch (H1).
. "$(dirname "$0")/lib.sh"

# Friday 2026-03-06 10:00 in Shanghai: N1's worked example.
now_set 2026-03-06T02:00:00Z
ok "init and the handler's sign-in" init_store cases@ipp.test
H_ID=$(sql "SELECT account_id FROM accounts WHERE email = 'cases@ipp.test'")
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified"
CN=$(trademark_ipr alice CN TM-CN-1)
B_ID=$(verified_account bob bob@example.com 'Bob Wu')
BCN=$(trademark_ipr bob CN TM-CN-BOB)
like "$BCN" '^[0-9]+$' "bob has a verified CN trademark"
SUP='The listing sells shoes under our registered ACME mark.'

# file USER IPR PLATFORM REASON URL...: prints the complaint id.
file() {
	_fl_user=$1 _fl_ipr=$2 _fl_platform=$3 _fl_reason=$4
	shift 4
	as "$_fl_user" ipp-complain new --platform "$_fl_platform" \
	    --ipr "$_fl_ipr" --target listing --reason "$_fl_reason" \
	    --supplement "$SUP" --no-check "$@" 2>/dev/null |
	    tsv_get complaint_id
}
# digests EMAIL: the decision digests mailed to EMAIL, newest first.
digests() {
	mails_to "$1" | while IFS= read -r _d_file; do
		grep -q '^Subject: ipp: .* decided' "$_d_file" &&
		    printf '%s\n' "$_d_file"
	done
}
urls_of() {
	sql "SELECT group_concat(url_id, ' ') FROM (SELECT url_id FROM
	    complaint_urls WHERE complaint_id = $1 ORDER BY url_id) AS u"
}

# Normal priority first (due in 72 h), then counterfeit (due in 24 h).
AN=$(file alice "$CN" taobao tm-mark-in-text $(listing_urls taobao 100 3))
now_add 60
AH=$(file alice "$CN" tmall tm-counterfeit-goods $(listing_urls tmall 200 2))
now_add 60
BN=$(file bob "$BCN" 1688 tm-mark-in-text $(listing_urls 1688 300 2))
like "$AN $AH $BN" '^[0-9]+ [0-9]+ [0-9]+$' "three complaints filed"
set -- $(urls_of "$AN"); AN1=$1 AN2=$2 AN3=$3
set -- $(urls_of "$AH"); AH1=$1 AH2=$2
set -- $(urls_of "$BN"); BN1=$1 BN2=$2

# ---- the queue (H2) ----
QUEUE_HEADER=$(printf '%s\t' url_id complaint_id account_id platform region \
    canonical_url reason priority due_at | sed 's/\t$//')
try as handler ipp-complain queue
succeeded "queue"
is "$(printf '%s\n' "$out" | head -1)" "$QUEUE_HEADER" "queue's columns"
is "$(printf '%s\n' "$out" | tsv_column url_id | tr '\n' ' ')" \
    "$AH1 $AH2 $AN1 $AN2 $AN3 $BN1 $BN2 " \
    "by target time: the counterfeit complaint first (C10), then url_id"
is "$(printf '%s\n' "$out" | tsv_get due_at)" 2026-03-07T02:01:00Z \
    "due 24 hours after filing"
is "$(printf '%s\n' "$out" | tsv_get priority)" high "high priority"
try as handler ipp-complain queue --platform 1688
is "$(printf '%s\n' "$out" | tsv_column url_id | tr '\n' ' ')" "$BN1 $BN2 " \
    "queue --platform 1688"
try as handler ipp-complain queue --platform lazada
is "$rc" 1 "an empty queue exits 1"
try as alice ipp-complain queue
refused 5 'only a case handler' "an account has no queue"

# ---- accept and reject by argument ----
snapshot
try as handler ipp-complain accept "$AN1" "$BN1"
succeeded "accept two URLs of two accounts"
DECIDE_HEADER=$(printf '%s\t' url_id complaint_id result state \
    window_ends_at reason | sed 's/\t$//')
is "$(printf '%s\n' "$out" | head -1)" "$DECIDE_HEADER" "accept's columns"
is "$(printf '%s\n' "$out" | tsv_column result | tr '\n' ' ')" \
    "accepted accepted " "one row a URL"
is "$(printf '%s\n' "$out" | tsv_get window_ends_at)" 2026-03-11T16:00:00Z \
    "the counter window: 3 business days, to Wednesday 24:00 Shanghai (N1)"
is "$(sql "SELECT state || ' ' || window_ends_at FROM complaint_urls
    WHERE url_id = $AN1")" "pending-counter 2026-03-11T16:00:00Z" \
    "stored with the URL"
is "$(sql "SELECT from_state || '>' || to_state || ' ' || actor_id || ' '
    || at FROM url_moves WHERE url_id = $AN1 ORDER BY move_id DESC LIMIT 1")" \
    "submitted>pending-counter $H_ID 2026-03-06T02:02:00Z" \
    "the move is recorded with its actor and time"
is "$(digests alice@example.com | wc -l)" 1 "alice got one digest"
is "$(digests bob@example.com | wc -l)" 1 "and bob one"
body=$(tr -d '\r' <"$(digests bob@example.com)")
like "$body" "URL $BN1 of complaint $BN: accepted" "bob's names his URL"
like "$body" 'counter window ends 2026-03-11T16:00:00Z' "and its counter window"
unlike "$body" "URL $AN1" "and not alice's"

now_add 60
try as handler ipp-complain reject --reason 'The mark in the listing is not ours.' "$AN2"
succeeded "reject with a reason"
is "$(printf '%s\n' "$out" | tail -1 | cut -f 3-6)" \
    "rejected	rejected	\\N	The mark in the listing is not ours." \
    "rejected, final, with the reason"
is "$(sql "SELECT state || ' ' || final_at FROM complaint_urls
    WHERE url_id = $AN2")" "rejected 2026-03-06T02:03:00Z" \
    "the time it became final is stored (G1)"
is "$(sql "SELECT reason FROM url_moves WHERE url_id = $AN2
    AND to_state = 'rejected'")" 'The mark in the listing is not ours.' \
    "the reason is in the move"
m=$(digests alice@example.com | head -1)
body=$(tr -d '\r' <"$m")
like "$body" 'Subject: ipp: 1 URL decided: 0 accepted, 1 rejected' \
    "the digest's subject counts the outcomes"
like "$body" "URL $AN2 of complaint $AN: rejected" "it names the URL"
like "$body" 'reason: The mark in the listing is not ours\.' \
    "and the rejection's reason (H1)"

# ---- refusals, each on its own ----
snapshot
try as handler ipp-complain reject --reason 'again' "$AN2" "$AN1" 9999 x12 "$AN3"
is "$rc" 1 "a batch with refused URLs exits 1"
is "$(printf '%s\n' "$out" | tsv_column result | tr '\n' ' ')" \
    "refused refused refused refused rejected " \
    "the refused ones say so, the good one is applied"
like "$err" "URL $AN2 is rejected, not submitted: decided by cases@ipp.test at 2026-03-06T02:03:00Z already \\(rule H1\\)" \
    "a decided URL: by whom and when"
like "$err" "URL $AN1 is pending-counter, not submitted" "an accepted URL"
like "$err" 'no URL 9999' "an unknown id"
like "$err" "url_id is not an id: 'x12'" "an id that is not a number"
is "$(sql "SELECT state FROM complaint_urls WHERE url_id = $AN3")" rejected \
    "the last URL is rejected"
try as handler ipp-complain reject "$AH1"
refused 1 "URL $AH1: a rejection needs a reason" "a rejection without a reason"
is "$(sql "SELECT state FROM complaint_urls WHERE url_id = $AH1")" submitted \
    "stays submitted"
try as handler ipp-complain reject --reason '' "$AH1"
is "$rc" 2 "an empty --reason is a usage error"
try as alice ipp-complain accept "$AH1"
refused 5 'only a case handler' "an account cannot decide"
refusesin "$(printf 'id\n%s' "$AH1")" 4 "<stdin>:1: missing column 'url_id'" \
    "stdin without a url_id column" as handler ipp-complain accept

# ---- from a pipeline, one reason a row ----
printf 'url_id\treason\n%s\tSold by the brand itself.\n%s\t\n' "$AH1" "$AH2" \
    >"$tmp/reasons.tsv"
try as handler sh -c "ipp-complain reject --help >/dev/null &&
    ipp-complain reject <'$tmp/reasons.tsv'"
is "$rc" 1 "reject with a reason column: one row without a reason"
is "$(printf '%s\n' "$out" | tsv_column result | tr '\n' ' ')" \
    "rejected refused " "the row with a reason is applied"
like "$err" "<stdin>:3: URL $AH2: a rejection needs a reason" \
    "the other is refused with its line"
is "$(sql "SELECT reason FROM url_moves WHERE url_id = $AH1
    AND to_state = 'rejected'")" 'Sold by the brand itself.' \
    "the row's own reason is recorded"
try as handler sh -c "ipp-complain queue --platform tmall |
    ipp-complain reject"
is "$rc" 1 "queue | reject without --reason"
like "$err" "URL $AH2: 'tm-counterfeit-goods' is a reason code, not the reason for a rejection: give --reason \\(rule H1\\)" \
    "queue's reason column is the complaint's code: refused"
try as handler sh -c "ipp-complain queue --platform tmall |
    ipp-complain accept"
succeeded "queue --platform tmall | accept"
is "$(sql "SELECT reason IS NULL FROM url_moves WHERE url_id = $AH2
    AND to_state = 'pending-counter'")" 1 \
    "accept does not take queue's reason column as its reason"
is "$(printf '%s\n' "$out" | tsv_column url_id)" "$AH2" \
    "accepts what the queue listed"
try as handler sh -c "ipp-complain queue | ipp-complain accept"
succeeded "queue | accept: the rest"
is "$(printf '%s\n' "$out" | tsv_column url_id)" "$BN2" "bob's last URL"
is "$(digests bob@example.com | wc -l)" 2 "one more digest for bob"
is "$(digests alice@example.com | wc -l)" 5 \
    "alice had one for each of her five batches, none for bob's last"
try as handler ipp-complain queue
is "$rc" 1 "the queue is empty"

# ---- withdrawal after a decision (C11) ----
now_add 60
try as alice ipp-complain withdraw "$AN"
succeeded "alice withdraws a complaint with an accepted URL"
is "$(sql "SELECT group_concat(state, ' ') FROM (SELECT state FROM
    complaint_urls WHERE complaint_id = $AN ORDER BY url_id) AS u")" \
    "withdrawn rejected rejected" \
    "the accepted URL is withdrawn, the rejected ones keep their outcome"
is "$(sql "SELECT from_state || '>' || to_state || ' ' || final_at FROM
    url_moves JOIN complaint_urls USING (url_id) WHERE url_id = $AN1
    AND to_state = 'withdrawn'")" \
    "pending-counter>withdrawn $IPP_NOW" "through the one move function"

# ---- every move, once, on the diagram ----
is "$(sql "SELECT count(*) FROM url_moves WHERE from_state IS NULL")" 7 \
    "each URL's filing is its first move"
is "$(sql "SELECT count(*) FROM url_moves WHERE from_state = 'submitted'")" 7 \
    "and each was decided exactly once"

done_testing
