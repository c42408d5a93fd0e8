#!/bin/sh
# Counter-notices (N0-N3): a handler records a merchant's counter while
# the counter window is open (the move into countered at the time it was
# filed); the account is told (N3), rejects it with a reason or concedes;
# a handler rules on a rejected one; windows close by themselves (N1):
# each time-driven move exactly at its deadline and not one second
# before, by `tick` or by any command that reports states, recorded at
# the deadline.  Every move with its actor; every bad input refused with
# the store unchanged.
. "$(dirname "$0")/lib.sh"

# Friday 2026-03-06 10:00 in Shanghai: N1's worked example.
now_set 2026-03-06T02:00:00Z
ok "init and the handler's sign-in" init_store cases@ipp.test
H_ID=$(sql "SELECT account_id FROM accounts WHERE email = 'cases@ipp.test'")
# Sessions that outlast the weeks this test moves through.
as handler ipp-register set session_hours 8760
login_as handler cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li' \
    --contact-email legal@alice.example --base mainland-china \
    --identity individual --category right-holder --agree)
like "$A_ID" '^[0-9]+$' "alice is identity-verified"
CN=$(trademark_ipr alice CN TM-CN-1)
B_ID=$(verified_account bob bob@example.com 'Bob Wu')
BCN=$(trademark_ipr bob CN TM-CN-BOB)
like "$BCN" '^[0-9]+$' "bob has a verified CN trademark"
SUP='The listing sells shoes under our registered ACME mark.'

complain() {
	_fl_user=$1 _fl_ipr=$2 _fl_platform=$3
	shift 3
	as "$_fl_user" ipp-complain new --platform "$_fl_platform" \
	    --ipr "$_fl_ipr" --target listing --reason tm-mark-in-text \
	    --supplement "$SUP" --no-check "$@" 2>/dev/null |
	    tsv_get complaint_id
}
urls_of() {
	sql "SELECT group_concat(url_id, ' ') FROM (SELECT url_id FROM
	    complaint_urls WHERE complaint_id = $1 ORDER BY url_id) AS u"
}
state_of() {
	sql "SELECT state FROM complaint_urls WHERE url_id = $1"
}
# move_of URL TO: "at|actor|reason" of the URL's move into TO.
move_of() {
	sql "SELECT at || '|' || COALESCE(CAST(actor_id AS TEXT), 'system') || '|' ||
	    COALESCE(reason, '') FROM url_moves WHERE url_id = $1
	    AND to_state = '$2'"
}

AN=$(complain alice "$CN" taobao $(listing_urls taobao 100 3))
AH=$(complain alice "$CN" taobao $(listing_urls taobao 200 2))
BN=$(complain bob "$BCN" taobao $(listing_urls taobao 300 2))
set -- $(urls_of "$AN"); AN1=$1 AN2=$2 AN3=$3
set -- $(urls_of "$AH"); AH1=$1 AH2=$2
set -- $(urls_of "$BN"); BN1=$1 BN2=$2
try as handler ipp-complain accept "$AN1" "$AN2" "$AN3" "$AH1" "$AH2"
succeeded "alice's five URLs accepted on Friday"
is "$(sql "SELECT window_ends_at FROM complaint_urls WHERE url_id = $AN1")" \
    2026-03-11T16:00:00Z "the counter window ends Wednesday 24:00 (N1)"

# ---- file: bad input, each refused, nothing written ----
now_set 2026-03-09T04:00:00Z	# Monday 12:00 in Shanghai
refuses 1 "no URL 9999" "a counter for an unknown URL" \
    as handler ipp-counter file --url 9999 --seller s1 --name 'Shoe Shop' \
    --grounds 'We are an authorised reseller.'
refuses 1 "is submitted, not pending-counter.*N1" "a counter for a URL still submitted" \
    as handler ipp-counter file --url "$BN1" --seller s1 --name 'Shoe Shop' \
    --grounds 'We are an authorised reseller.'
refuses 2 "seller id holds no tab, newline.*N0" "a seller id with a tab" \
    as handler ipp-counter file --url "$AN1" --seller "$(printf 's\t1')" \
    --name 'Shoe Shop' --grounds 'We are an authorised reseller.'
refuses 2 "seller id holds no tab, newline.*N0" "a seller id with a newline" \
    as handler ipp-counter file --url "$AN1" --seller "$(printf 's\n1')" \
    --name 'Shoe Shop' --grounds 'We are an authorised reseller.'
refuses 2 "needs its grounds.*N0" "empty grounds" \
    as handler ipp-counter file --url "$AN1" --seller s1 --name 'Shoe Shop' \
    --grounds ''
refuses 2 "not a time" "a filed-at that is not a time" \
    as handler ipp-counter file --url "$AN1" --seller s1 --name 'Shoe Shop' \
    --grounds 'We are an authorised reseller.' --filed-at yesterday
refuses 1 "in the future" "a counter filed in the future" \
    as handler ipp-counter file --url "$AN1" --seller s1 --name 'Shoe Shop' \
    --grounds 'We are an authorised reseller.' --filed-at 2026-03-09T05:00:00Z
refuses 5 "only a case handler" "an account recording a counter" \
    as alice ipp-counter file --url "$AN1" --seller s1 --name 'Shoe Shop' \
    --grounds 'We are an authorised reseller.'
try ipp-counter file --url "$AN1" --seller s1
is "$rc" 2 "file without --name and --grounds: exit 2"

# ---- file: the counter window open at the filed time ----
mails_before=$(mails_to legal@alice.example | wc -l)
try as handler ipp-counter file --url "$AN1" --seller s1 --name 'Shoe Shop' \
    --email shop@seller.example --grounds 'We are an authorised reseller.' \
    --filed-at 2026-03-09T03:00:00Z
succeeded "a handler records a counter filed an hour ago"
is "$(printf '%s\n' "$out" | head -1)" "$(printf '%s\t' url_id counter_id \
    complaint_id merchant_id filed_at answer_due_at state | sed 's/\t$//')" \
    "file's columns"
is "$(printf '%s\n' "$out" | tsv_get answer_due_at)" 2026-03-12T16:00:00Z \
    "the answer window: 3 business days from Monday, Thursday 24:00 (N1)"
is "$(state_of "$AN1")" countered "pending-counter -> countered"
is "$(move_of "$AN1" countered)" "2026-03-09T03:00:00Z|$H_ID|" \
    "the move is recorded at the filed time, by the handler (N0)"
is "$(mails_to legal@alice.example | wc -l)" "$((mails_before + 1))" \
    "the account is told at its contact email (N3)"
m=$(mails_to legal@alice.example | head -1)
like "$(tr -d '\r' <"$m")" "URL $AN1 of complaint $AN" "the mail names the URL"
like "$(tr -d '\r' <"$m")" "answer due: 2026-03-12T16:00:00Z" "and when the answer is due"
is "$(sql "SELECT count(*) FROM merchants")" 1 "one merchant recorded"

# The counter window closes Wednesday 24:00: a counter filed then is late.
now_set 2026-03-12T00:00:00Z
refuses 1 "window closed at 2026-03-11T16:00:00Z.*N1" \
    "a counter filed exactly when the window closed" \
    as handler ipp-counter file --url "$AH1" --seller s2 --name 'Boot Shop' \
    --grounds 'Genuine stock.' --filed-at 2026-03-11T16:00:00Z
now_set 2026-03-10T02:00:00Z	# Tuesday 10:00
try as handler ipp-counter file --url "$AH1" --seller s2 --name 'Boot Shop' \
    --grounds 'Genuine stock bought from the brand.'
succeeded "a counter on another URL of alice's"
try as handler ipp-counter file --url "$AH2" --seller s1 --name 'Shoe Shop Ltd' \
    --grounds 'Parallel import.'
succeeded "the same seller counters again"
is "$(sql "SELECT count(*) || ' ' || max(name) FROM merchants WHERE seller_id = 's1'")" \
    "1 Shoe Shop Ltd" "one record per platform, region and seller (N0)"
try as handler ipp-complain accept "$BN1" "$BN2"
succeeded "bob's URLs accepted on Tuesday"
try as handler ipp-counter file --url "$BN2" --seller s3 --name 'Bag Shop' \
    --grounds 'Our own design.'
succeeded "a counter on bob's URL"

# ---- answers (N2) ----
refuses 5 "may not answer a counter-notice in the account's place" \
    "a handler answering in the account's place" \
    as handler ipp-counter reject --reason 'Fake.' "$AH1"
snapshot
try as bob ipp-counter reject --reason 'Fake.' "$AH1"
is "$rc" 1 "an account answering another account's counter: exit 1"
like "$err" "no URL $AH1 among your complaints" "says it is not the caller's"
unchanged "another account's counter"
snapshot
try as alice ipp-counter reject "$AH1"
is "$rc" 1 "a rejection without a reason: exit 1"
like "$err" "needs a reason.*N2" "says a reason is needed"
unchanged "a rejection without a reason"
try as alice ipp-counter reject --reason ''  "$AH1"
is "$rc" 2 "an empty --reason: exit 2"
try as alice ipp-counter reject --reason 'The goods are counterfeit.' "$AH1"
succeeded "alice rejects the counter on AH1"
is "$(printf '%s\n' "$out" | tsv_get result)" rejected "result rejected"
is "$(state_of "$AH1")" counter-rejected "countered -> counter-rejected"
is "$(move_of "$AH1" counter-rejected)" \
    "2026-03-10T02:00:00Z|$A_ID|The goods are counterfeit." \
    "recorded with the account as actor and its reason"
try as alice ipp-counter reject --reason 'Again.' "$AH1"
is "$rc" 1 "rejecting twice: exit 1"
like "$err" "counter-rejected since .*not countered" "says it is counter-rejected already"
try as alice ipp-counter concede "$AH2"
succeeded "alice concedes the counter on AH2"
is "$(state_of "$AH2")" restored "countered -> restored"
is "$(move_of "$AH2" restored)" "2026-03-10T02:00:00Z|$A_ID|" \
    "conceded by the account"
try as bob ipp-counter reject --reason 'Our design was registered first.' "$BN2"
succeeded "bob rejects the counter on BN2"

# ---- rulings (N2) ----
refuses 5 "only a case handler may rule" "an account ruling" \
    as alice ipp-counter rule --takedown --reason 'Mine.' "$AH1"
try as handler ipp-counter rule --reason 'x' "$AH1"
is "$rc" 2 "a ruling without --takedown or --counter: exit 2"
try as handler ipp-counter rule --takedown --counter --reason 'x' "$AH1"
is "$rc" 2 "a ruling with both: exit 2"
try as handler ipp-counter rule --takedown "$AH1"
is "$rc" 2 "a ruling without a reason: exit 2"
snapshot
try as handler ipp-counter rule --takedown --reason 'Counterfeit.' "$AN1"
is "$rc" 1 "a ruling on a URL not counter-rejected: exit 1"
unchanged "a ruling on a countered URL"
try as handler ipp-counter rule --takedown --reason 'Test buy shows a fake.' "$AH1"
succeeded "the handler upholds the takedown"
is "$(state_of "$AH1")" removed "counter-rejected -> removed"
is "$(move_of "$AH1" removed)" "2026-03-10T02:00:00Z|$H_ID|Test buy shows a fake." \
    "by the handler, with the reason"
try as handler ipp-counter rule --counter --reason 'The design predates the mark.' "$BN2"
succeeded "the handler upholds the counter"
is "$(state_of "$BN2")" restored "counter-rejected -> restored"
is "$(printf '%s\n' "$out" | tsv_get result)" "counter upheld" "result counter upheld"

# ---- list ----
try as alice ipp-counter list
succeeded "alice lists her counters"
is "$(printf '%s\n' "$out" | head -1)" "$(printf '%s\t' url_id complaint_id \
    account_id platform region canonical_url seller name email grounds \
    filed_at answer_due_at state | sed 's/\t$//')" "list's columns"
is "$(printf '%s\n' "$out" | tsv_column url_id | tr '\n' ' ')" \
    "$AN1 $AH1 $AH2 " "her three, by url_id, not bob's"
try as handler ipp-counter list --state countered
is "$(printf '%s\n' "$out" | tsv_column url_id | tr '\n' ' ')" "$AN1 " \
    "a handler sees all; --state countered"
try as handler ipp-counter list --due-before 2026-03-12T00:00:00Z
is "$rc" 1 "nothing due before Thursday: exit 1"
try as handler ipp-counter list --state nonsense
is "$rc" 2 "an unknown state: exit 2"

# ---- time: the reminder, and pending-counter -> removed (N1, N3) ----
TICK_HEADER=$(printf '%s\t' url_id complaint_id account_id from_state \
    to_state at reason | sed 's/\t$//')
reminders() {
	mails_to legal@alice.example | while IFS= read -r _f; do
		grep -q '^Subject: ipp: .*to answer soon' "$_f" && echo "$_f"
	done | wc -l
}
now_set 2026-03-11T15:59:59Z
try ipp-counter tick
succeeded "tick one second before the counter window closes"
is "$out" "$TICK_HEADER" "moves nothing"
is "$(state_of "$AN2")" pending-counter "AN2 is still pending-counter"
is "$(reminders)" 0 "no reminder yet (24 hours before Thursday 24:00 is now + 1 s)"
now_set 2026-03-11T16:00:00Z
try ipp-counter tick
succeeded "tick exactly when the counter window closes"
is "$(printf '%s\n' "$out" | tsv_column url_id | tr '\n' ' ')" "$AN2 $AN3 " \
    "moves AN2 and AN3, one row each"
is "$(printf '%s\n' "$out" | tsv_get to_state)" removed "to removed"
is "$(printf '%s\n' "$out" | tsv_get at)" 2026-03-11T16:00:00Z "at the deadline"
is "$(move_of "$AN2" removed)" \
    "2026-03-11T16:00:00Z|system|no counter-notice within the window (rule N1)" \
    "recorded by the system at its deadline"
is "$(reminders)" 1 "the reminder for AN1's answer is sent (N3)"
like "$(tr -d '\r' <"$(mails_to legal@alice.example | head -1)")" "URL $AN1 " \
    "naming AN1"
now_add 3600
try ipp-counter tick
is "$out" "$TICK_HEADER" "a second tick moves nothing"
is "$(reminders)" 1 "and sends no second reminder"
is "$(sql "SELECT count(*) FROM counter_reminders")" 1 "one reminder row"

# ---- countered -> restored ----
now_set 2026-03-12T15:59:59Z
try ipp-counter tick
is "$out" "$TICK_HEADER" "one second before the answer is due: nothing"
is "$(state_of "$AN1")" countered "AN1 is still countered"
now_set 2026-03-12T16:00:00Z
try ipp-counter tick
succeeded "tick exactly when the answer is due"
is "$(printf '%s\n' "$out" | tsv_get url_id)" "$AN1" "moves AN1"
is "$(printf '%s\n' "$out" | tsv_get to_state)" restored "to restored"
is "$(move_of "$AN1" restored)" \
    "2026-03-12T16:00:00Z|system|no answer to the counter-notice within the window (rule N1)" \
    "recorded by the system at the deadline"
try as alice ipp-counter reject --reason 'Too late.' "$AN1"
is "$rc" 1 "an answer after the window: exit 1"
like "$err" "restored since 2026-03-12T16:00:00Z" "says the URL was restored then"

# ---- reports apply the due moves first (no tick) ----
# BN1, accepted Tuesday: its window closes Friday 13 24:00.
now_set 2026-03-13T15:59:59Z
try as bob ipp-complain urls --complaint "$BN"
like "$out" "$BN1	.*pending-counter" "one second before: still pending-counter"
now_set 2026-03-13T16:00:00Z
try as bob ipp-complain urls --complaint "$BN"
like "$out" "$BN1	.*	removed	" "at the deadline urls shows it removed, with no tick"
is "$(move_of "$BN1" removed)" \
    "2026-03-13T16:00:00Z|system|no counter-notice within the window (rule N1)" \
    "recorded at the deadline"
try ipp-counter tick
is "$out" "$TICK_HEADER" "the tick finds nothing left"
try as bob ipp-complain history --url "$BN1"
like "$out" "2026-03-13T16:00:00Z	[^	]*	system	pending-counter	removed" \
    "history shows the system's move"

# ---- the account withdraws: countered and counter-rejected URLs too ----
WC=$(complain alice "$CN" taobao $(listing_urls taobao 400 2))
set -- $(urls_of "$WC"); W1=$1 W2=$2
try as handler ipp-complain accept "$W1" "$W2"
succeeded "two more URLs accepted"
try as handler ipp-counter file --url "$W1" --seller s4 --name 'Hat Shop' \
    --grounds 'Genuine.'
try as handler ipp-counter file --url "$W2" --seller s4 --name 'Hat Shop' \
    --grounds 'Genuine.'
try as alice ipp-counter reject --reason 'Fake.' "$W2"
is "$(state_of "$W1") $(state_of "$W2")" "countered counter-rejected" \
    "one countered, one counter-rejected"
try as alice ipp-complain withdraw "$WC"
succeeded "alice withdraws the complaint"
is "$(move_of "$W1" withdrawn)" "2026-03-13T16:00:00Z|$A_ID|" \
    "countered -> withdrawn, by the account"
is "$(sql "SELECT from_state FROM url_moves WHERE url_id = $W2
    AND to_state = 'withdrawn' AND actor_id = $A_ID")" counter-rejected \
    "counter-rejected -> withdrawn, by the account"
now_add 864000	# ten days on: the answer windows would have closed
try ipp-counter tick
is "$out" "$TICK_HEADER" "a withdrawn URL has no window left to close"

# ---- a store whose business_tz is not a zone refuses to tick ----
try as handler ipp-register set business_tz Mars/Olympus
succeeded "the zone set to nonsense"
snapshot
try ipp-counter tick
refused 1 "business_tz is 'Mars/Olympus', not a zone.*N1" "tick with a bad zone"
unchanged "tick with a bad zone"
try as handler ipp-register set business_tz Asia/Shanghai
try ipp-counter tick
succeeded "and ticks again once it is a zone"

# ---- notice: of the account, only its owner's name and contact email ----
try as handler ipp-counter notice "$AN1"
succeeded "notice"
fields=$(printf '%s\n' "$out" | tsv_column field | tr '\n' ' ')
is "$fields" "url_id complaint_id platform region url canonical_url owner_name contact_email ipr_type ipr_name ipr_number ipr_registrant ipr_jurisdiction ipr_expires reason reason_label supplement complained_at " \
    "notice's fields: the account's are owner_name and contact_email alone"
is "$(printf '%s\n' "$out" | show_field owner_name)" 'Alice Li' "the owner's name"
is "$(printf '%s\n' "$out" | show_field contact_email)" legal@alice.example \
    "the contact email"
unlike "$out" 'alice@example\.com' "not the sign-in email (A5)"
unlike "$out" "mainland-china|individual|right-holder" \
    "nor the account's base, identity or category"
try as bob ipp-counter notice "$AN1"
is "$rc" 1 "another account's notice: exit 1"
try as alice ipp-counter notice "$AN1"
succeeded "the account sees what the merchant is shown"

# ---- holidays (N1) ----
try ipp-counter holidays
is "$rc" 1 "no holidays: exit 1"
refuses 2 "a holiday is a date YYYY-MM-DD: '2026-02-30'" "a holiday that is no day" \
    as handler ipp-counter holidays --add 2026-02-30
refuses 2 "a holiday is a date" "a holiday that is not a date" \
    as handler ipp-counter holidays --add 'next monday'
refuses 5 "case handler" "an account editing the holidays" \
    as alice ipp-counter holidays --add 2026-03-16
try as handler ipp-counter holidays --add 2026-03-16 --name 'Test day'
succeeded "a holiday added"
refuses 1 "2026-03-16 is a holiday already" "the same day twice" \
    as handler ipp-counter holidays --add 2026-03-16
try ipp-counter holidays
is "$(printf '%s\n' "$out" | tsv_get name)" 'Test day' "listed with its name"
refuses 1 "2026-03-17 is not a holiday" "removing a day not listed" \
    as handler ipp-counter holidays --remove 2026-03-17
try as handler ipp-counter holidays --remove 2026-03-16
succeeded "removed"
printf 'day,name\n2026-10-01,National Day\n2026-10-02,\n' >"$tmp/h.csv"
try as handler ipp-counter holidays --load "$tmp/h.csv"
succeeded "a list loaded from CSV"
is "$(ipp-counter holidays | tsv_column day | tr '\n' ' ')" \
    "2026-10-01 2026-10-02 " "both days listed"
printf 'day\tname\n2026-10-03\tok\n2026-13-01\tbad\n' >"$tmp/h.tsv"
refuses 4 "h.tsv:3: a holiday is a date" "a list with a bad day: nothing loaded" \
    as handler ipp-counter holidays --load "$tmp/h.tsv"

done_testing
